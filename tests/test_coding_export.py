"""Exports of a coding: each file read back with an independent reader."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile

import openpyxl
import pandas as pd
import pyreadstat
import pytest

import cjkit as cj
from cjkit.coding.coder import code_indicators, code_texts
from cjkit.errors import ParameterError
from cjkit.report.coding_export import safe_names

NS = {"q": "urn:QDA-XML:project:1.0"}
LONG = "a_code_name_that_is_far_too_long_for_stata_1"


@pytest.fixture(scope="module")
def coding():
    texts = pd.DataFrame({"respondent_id": ["1", "2", "3", "4"],
                          "text": ["WLAN ständig weg, Preis zu hoch", "Frühstück lecker", "ok", None]})
    coded = code_texts(texts, id_cols=["respondent_id"])
    ind = code_indicators(coded, texts, id_cols=["respondent_id"]).drop(columns="has_text")
    # two codes whose names only differ after 32 characters
    ind[LONG] = [1, 0, 0, 0]
    ind[LONG[:-1] + "2"] = [0, 1, 0, 0]
    survey = pd.DataFrame({"respondent_id": ["1", "2", "3", "4", "5"], "nps": [9, 3, 7, 10, 8],
                           "segment": pd.Categorical(["a", "b", "a", "b", "a"])})
    return texts, coded, ind, survey


def test_safe_names_short_and_unique():
    names = safe_names([LONG, LONG[:-1] + "2", "ESSEN&TRINKEN", "essen_trinken", "9x"], max_len=32)
    assert all(len(n) <= 32 for n in names) and len({n.lower() for n in names}) == 5
    assert names[2] == "ESSEN_TRINKEN" and names[3] != names[2] and names[4][0].isalpha()


def test_spss_labels_values_and_survey(coding, tmp_path):
    _, coded, ind, survey = coding
    path = cj.export_coding(ind, tmp_path / "c.sav", survey=survey, codebook="default", sentiment=coded, lang="en")
    df, meta = pyreadstat.read_sav(str(path))
    assert df["respondent_id"].tolist() == ["1", "2", "3", "4", "5"] and df["nps"].tolist() == [9, 3, 7, 10, 8]
    assert df["c_wifi"].tolist()[:4] == [1, 0, 0, 0] and pd.isna(df["c_wifi"].iloc[4])   # 5: no answer
    assert df["c_price"].sum() == 1 and df["n_codes"].iloc[1] >= 1
    labels = dict(zip(meta.column_names, meta.column_labels))
    assert labels["c_wifi"] == cj.load_codebook("default").table.set_index("code").loc["wifi", "label_en"]
    assert meta.variable_value_labels["c_wifi"] == {0: "not mentioned", 1: "mentioned"}
    assert meta.variable_value_labels["s_wifi"][-1] == "negative"
    pol = coded.assign(code=coded["code"].astype(str)).groupby(["respondent_id", "code"])["polarity"].sum()
    assert df["s_wifi"].iloc[0] == max(-1, min(1, pol[("1", "wifi")])) and pd.isna(df["s_wifi"].iloc[1])
    assert df["n_codes"].tolist()[:4] == ind["n_codes"].tolist()


def test_stata_names_shortened_uniquely(coding, tmp_path):
    _, _, ind, survey = coding
    path = cj.export_coding(ind, tmp_path / "c.dta", survey=survey)
    back = pd.read_stata(path)
    assert all(len(c) <= 32 for c in back.columns) and len(set(back.columns)) == len(back.columns)
    with pd.io.stata.StataReader(path) as r:
        var_labels = r.variable_labels()
        value_labels = r.value_labels()
    long_cols = [c for c, lab in var_labels.items() if lab.startswith("a_code_name")]
    assert len(long_cols) == 2
    raw = pd.read_stata(path, convert_categoricals=False)
    assert sorted(raw[long_cols].sum().tolist()) == [1, 1]
    assert {0: "nicht genannt", 1: "genannt"} in value_labels.values()


def test_excel_and_parquet(coding, tmp_path):
    _, _, ind, survey = coding
    pq = pd.read_parquet(cj.export_coding(ind, tmp_path / "c.parquet", survey=survey))
    assert len(pq) == 5 and pq["c_wifi"].iloc[0] == 1 and pq["nps"].tolist() == [9, 3, 7, 10, 8]
    wb = openpyxl.load_workbook(cj.export_coding(ind, tmp_path / "c.xlsx", survey=survey, lang="en"))
    rows = list(wb["coding"].values)
    assert len(rows) == 6 and "c_wifi" in rows[0]
    assert rows[1][rows[0].index("c_wifi")] == 1
    var = list(wb["variables"].values)
    assert ("c_wifi", "wifi", "0 = not mentioned; 1 = mentioned") in var


def test_qdpx_project(coding, tmp_path):
    texts, coded, ind, _ = coding
    path = cj.export_coding(ind, tmp_path / "c.qdpx", texts=texts, coded=coded, codebook="default")
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        root = ET.fromstring(z.read("project.qde"))
        assert "codebook.qdc" in names
        srcs = root.findall("q:Sources/q:TextSource", NS)
        assert len(srcs) == 4
        first = srcs[0]
        body = z.read("sources/" + first.get("plainTextPath").split("//", 1)[1]).decode("utf-8")
    assert body == texts["text"].iloc[0]
    code_guid = {c.get("guid"): c.get("name") for c in root.iter("{urn:QDA-XML:project:1.0}Code")}
    sels = first.findall("q:PlainTextSelection", NS)
    assert len(sels) == int((coded["respondent_id"] == "1").sum())
    spans = {body[int(s.get("startPosition")):int(s.get("endPosition"))] for s in sels}
    assert spans == set(coded.loc[coded["respondent_id"] == "1", "evidence"])
    for s in sels:
        assert s.find("q:Coding/q:CodeRef", NS).get("targetGUID") in code_guid
    # without spans: one whole-answer selection per indicator
    path2 = cj.export_coding(ind, tmp_path / "d.qdpx", texts=texts)
    with zipfile.ZipFile(path2) as z:
        root2 = ET.fromstring(z.read("project.qde"))
    n_sel = len(root2.findall("q:Sources/q:TextSource/q:PlainTextSelection", NS))
    assert n_sel == int(ind.drop(columns=["respondent_id", "n_codes"]).to_numpy().sum())


def test_only_the_given_path_is_written(coding, tmp_path):
    texts, coded, ind, survey = coding
    for suffix in (".sav", ".dta", ".xlsx", ".parquet", ".qdpx"):
        out = tmp_path / suffix[1:]
        out.mkdir()
        cj.export_coding(ind, out / f"x{suffix}", survey=survey, texts=texts, coded=coded, codebook="default")
        expected = [f"x{suffix}", "x.sps"] if suffix == ".sav" else [f"x{suffix}"]
        assert sorted(p.name for p in out.iterdir()) == sorted(expected)
    out = tmp_path / "nosyntax"
    out.mkdir()
    cj.export_coding(ind, out / "x.sav", syntax=False)
    assert [p.name for p in out.iterdir()] == ["x.sav"]
    with pytest.raises(ParameterError, match="format"):
        cj.export_coding(ind, tmp_path / "x.csv")
    with pytest.raises(ParameterError, match="texts"):
        cj.export_coding(ind, tmp_path / "y.qdpx")
    assert not (tmp_path / "y.qdpx").exists() and not list(tmp_path.glob(".y*"))


def parse_mrsets(text):
    """MDGROUP subcommands of an SPSS MRSETS command as dicts (independent of the writer)."""
    command = " ".join(line for line in text.splitlines() if not line.lstrip().startswith("*"))
    assert command.strip().startswith("MRSETS") and command.rstrip().endswith(".")
    sets = []
    for sub in command.rstrip(" .").split("/")[1:]:
        keyword, rest = sub.strip().split(" ", 1)
        if keyword != "MDGROUP":
            continue
        label = re.search(r"LABEL='((?:[^']|'')*)'", rest).group(1).replace("''", "'")
        rest = re.sub(r"LABEL='(?:[^']|'')*'", "", rest)
        fields = dict(re.findall(r"(NAME|CATEGORYLABELS|VALUE)=(\S+)", rest))
        variables = re.search(r"VARIABLES=(.*?)\s+VALUE=", rest).group(1).split()
        sets.append({**fields, "LABEL": label, "VARIABLES": variables})
    return sets


def test_spss_multiple_response_set_syntax(coding, tmp_path):
    texts, coded, ind, survey = coding
    for lang, label in (("de", "Genannte Codes"), ("en", "Codes mentioned")):
        path = cj.export_coding(ind, tmp_path / f"coding_{lang}.sav", codebook="default", lang=lang)
        df, meta = pyreadstat.read_sav(str(path))
        sets = parse_mrsets(path.with_suffix(".sps").read_text(encoding="utf-8"))
        assert len(sets) == 1
        mr = sets[0]
        assert mr["NAME"] == "$codes" and mr["VALUE"] == "1" and mr["LABEL"] == label
        assert mr["CATEGORYLABELS"] == "VARLABELS"
        # exactly the code variables of the file, in file order, each a 0/1 dichotomy
        assert mr["VARIABLES"] == [c for c in df.columns if c.startswith("c_")]
        assert len(mr["VARIABLES"]) == ind.shape[1] - 2
        for v in mr["VARIABLES"]:
            assert set(df[v].dropna()) <= {0.0, 1.0}
            assert meta.variable_value_labels[v][1.0] in ("genannt", "mentioned")


def test_one_multiple_response_set_per_question():
    from cjkit.report.coding_export import _mr_groups, mr_syntax

    groups = _mr_groups(["c_q1_price", "c_q1_wifi", "c_q10_price", "c_q2 x_staff"], ["q1", "q10", "q2 x"])
    assert groups == {"q1": ["c_q1_price", "c_q1_wifi"], "q10": ["c_q10_price"], "q2 x": ["c_q2 x_staff"]}
    sets = parse_mrsets(mr_syntax({"q1": ["c_q1_price"], "1'st": ["c_a"]}, lang="de"))
    assert [s["NAME"] for s in sets] == ["$q1", "$q1_st"]
    assert sets[1]["LABEL"] == "Genannte Codes: 1'st"
