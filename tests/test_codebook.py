"""Codebook loading, validation, CSV and REFI-QDA (.qdc) exchange."""
from __future__ import annotations

import copy
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
import yaml

from cjkit.coding import codebook as C
from cjkit.coding.codebook import list_codebooks, load_codebook
from cjkit.catalog import touchpoints
from cjkit.errors import ConfigError, DataError


@pytest.fixture(scope="module")
def default():
    return C.load_codebook("default")


def _norm(table: pd.DataFrame) -> pd.DataFrame:
    return table.fillna("").astype(str)


def test_default_codebook_structure(default):
    t = default.table
    assert t["code"].is_unique
    assert set(t["kind"]) == {"stage", "touchpoint", "topic", "group"}
    assert set(t.loc[t["kind"] == "stage", "canonical_stage"]) == {
        "awareness", "information", "evaluation", "decision", "purchase", "delivery", "usage", "service",
        "retention", "advocacy"}
    # every code's touchpoint is in the catalog, and every catalog touchpoint has a code in the
    # default codebook or in one of the industry codebooks (transport, banking ... touchpoints)
    catalog = set(touchpoints.load()["id"])
    used = set(t["touchpoint"].dropna())
    assert used <= catalog
    shipped = set().union(*(set(load_codebook(n).table["touchpoint"].dropna()) for n in list_codebooks()["name"]))
    assert catalog - shipped == set()
    for topic in ["waiting_time", "price", "friendliness", "competence", "availability", "delivery_delay",
                  "billing_error", "website_usability", "booking", "complaint_handling", "room", "breakfast",
                  "cleanliness", "reception", "wellness", "pets", "noise", "parking", "wifi"]:
        assert topic in set(t["code"]), topic
    coded = t[t["kind"].isin(["touchpoint", "topic"])]
    assert (coded["definition_de"].str.len() > 0).all() and (coded["definition_en"].str.len() > 0).all()
    assert (coded["examples_include"].str.len() > 0).all()
    assert ((coded["keywords_de"].str.len() > 0) & (coded["keywords_en"].str.len() > 0)).all()


def test_inheritance_of_stage_and_touchpoint(default):
    t = default.table.set_index("code")
    assert t.loc["breakfast", ["parent", "touchpoint", "canonical_stage", "level"]].tolist() == [
        "food_beverage", "food_beverage", "usage", 3]
    assert pd.isna(t.loc["friendliness", "touchpoint"])   # cross-cutting: attributed by the coder


def _data(default):
    return copy.deepcopy(default.to_dict())


def test_duplicate_id_names_the_key(default):
    d = _data(default)
    d["codes"][0]["children"][0]["id"] = "social_media"
    with pytest.raises(ConfigError, match=r"codes\[0\]\.children\[\d\]\.id.*duplicate code id 'social_media'"):
        C.load_codebook(d)


def test_unknown_touchpoint_is_rejected(default):
    d = _data(default)
    d["codes"][0]["children"][0]["touchpoint"] = "telepathy"
    with pytest.raises(ConfigError, match=r"codes\[0\]\.children\[0\]\.touchpoint.*unknown touchpoint 'telepathy'"):
        C.load_codebook(d)


def test_bad_regex_and_schema_errors(default):
    d = _data(default)
    d["codes"][0]["children"][0]["match"]["de"]["regex"] = ["(unclosed"]
    with pytest.raises(ConfigError, match=r"match\.de\.regex\[0\].*does not compile"):
        C.load_codebook(d)
    d = _data(default)
    d["codes"][1]["kind"] = "chapter"
    with pytest.raises(ConfigError, match=r"codes\[1\]\.kind"):
        C.load_codebook(d)
    d = _data(default)
    del d["codes"][2]["label_en"]
    with pytest.raises(ConfigError, match="label_en"):
        C.load_codebook(d)


def test_yaml_file_error_names_file(tmp_path):
    p = tmp_path / "cb.yaml"
    p.write_text("id: x\nname_de: a\nname_en: b\ncodes:\n  - id: Bad Id\n    label_de: a\n    label_en: b\n",
                 encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cb\.yaml.*codes\[0\]\.id"):
        C.load_codebook(p)


def test_csv_round_trip(default, tmp_path):
    path = C.to_csv(default, tmp_path / "codebook.csv")
    back = C.load_codebook(path)
    pd.testing.assert_frame_equal(_norm(back.table), _norm(default.table))


def test_csv_unknown_parent_names_row(default, tmp_path):
    t = C.codebook_table(default)
    t.loc[3, "parent"] = "nowhere"
    t.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(DataError, match=r"bad\.csv.*row 4.*column 'parent'"):
        C.from_csv(tmp_path / "bad.csv")


def test_qdc_round_trip_and_format(default, tmp_path):
    path = C.to_qdc(default, tmp_path / "default.qdc", lang="en")
    root = ET.parse(path).getroot()
    ns = {"q": C.QDC_NS}
    assert root.tag == f"{{{C.QDC_NS}}}CodeBook"
    top = root.findall("q:Codes/q:Code", ns)
    assert [c.get("name") for c in top][:2] == ["Awareness", "Information search"]
    assert top[0].get("isCodable") == "false"
    all_codes = root.findall(".//q:Code", ns)
    assert len(all_codes) == len(default.table)
    guids = [c.get("guid") for c in all_codes]
    assert len(set(guids)) == len(guids) and all(len(g) == 36 and g == g.upper() for g in guids)
    members = {m.get("guid") for m in root.findall("q:Sets/q:Set/q:MemberCode", ns)}
    assert members == set(guids)
    back = C.load_codebook(path)
    pd.testing.assert_frame_equal(_norm(back.table), _norm(default.table))


def test_qdc_from_another_tool(tmp_path):
    # the shape ATLAS.ti / QualCoder write: no cjkit fields, nested codes, sets
    xml = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="ATLAS.ti">
  <Codes>
    <Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Service" color="#46AA00" isCodable="true">
      <Description>Alles zum Service</Description>
      <Code guid="2FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Wartezeit zu lang" isCodable="true"/>
      <Code guid="3FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Wartezeit zu lang" isCodable="true"/>
    </Code>
  </Codes>
  <Sets><Set name="g" guid="ECA18D76-2B8B-4F26-BC1D-19ECA19FB3F0"/></Sets>
</CodeBook>"""
    p = tmp_path / "atlas.qdc"
    p.write_text(xml, encoding="utf-8")
    t = C.load_codebook(p).table
    assert t["code"].tolist() == ["service", "wartezeit_zu_lang", "wartezeit_zu_lang_2"]
    assert t["parent"].tolist()[1:] == ["service", "service"]
    assert t.loc[0, "definition_de"] == "Alles zum Service" and t.loc[0, "color"] == "#46AA00"


def test_qdc_errors(tmp_path):
    p = tmp_path / "broken.qdc"
    p.write_text("<CodeBook><Codes>", encoding="utf-8")
    with pytest.raises(DataError, match="broken.qdc.*not valid XML"):
        C.from_qdc(p)
    p.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', encoding="utf-8")
    with pytest.raises(DataError, match="no <Code>"):
        C.from_qdc(p)


def test_all_problems_of_a_codebook_file_at_once(default, tmp_path):
    d = _data(default)
    d["codes"][0]["children"][0]["touchpoint"] = "telepathy"   # semantic
    d["codes"][0]["children"][1]["id"] = d["codes"][0]["id"]   # semantic: duplicate
    d["codes"][1]["kind"] = "chapter"                          # schema
    p = tmp_path / "cb.yaml"
    p.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        C.load_codebook(p)
    keys = {pr.key for pr in err.value.problems}
    assert {"codes[0].children[0].touchpoint", "codes[0].children[1].id", "codes[1].kind"} <= keys
    assert all(f"cb.yaml: {k}: " in str(err.value) for k in keys)
