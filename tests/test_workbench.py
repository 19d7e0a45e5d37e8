"""The coding workbench's logic without a browser: coding file, session, coders' agreement, codebook edits."""
from __future__ import annotations

import stat
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.metrics import cohen_kappa_score, f1_score

from cjkit.errors import ConfigError, ParameterError
from cjkit.io.erasure import forget
from cjkit.report.study import open_study
from cjkit.workbench import store
from cjkit.workbench.codebook_edit import CodebookEditor
from cjkit.workbench.review import coding_agreement, coding_disagreements, consolidate_codings
from cjkit.workbench.learning import agreement_figures
from cjkit.workbench.session import CodingSession


@pytest.fixture(scope="module")
def answers(root):
    study = open_study(root / "surveys" / "demo" / "spec.yaml")
    long = study.long
    open_ = long[(long["type"] == "open") & long["text"].notna()]
    return open_[["respondent_id", "question", "text"]].head(60).reset_index(drop=True)


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_coding_file_is_private_and_append_only(tmp_path):
    path = tmp_path / "private" / "coding" / "anna.csv"
    store.append(path, "anna", [("r1", "q", "add", "wifi")])
    store.append(path, "anna", [("r1", "q", "memo", None, None, None, "=SUM(A1)"), ("r1", "q", "done", None)])
    assert _mode(path) == 0o600 and _mode(path.parent) == 0o700
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",") == list(store.COLUMNS) and len(lines) == 4
    state = store.replay(store.read_actions(path))
    assert state.codes == {("r1", "q"): ["wifi"]} and state.done == [("r1", "q")]
    assert state.memos[("r1", "q")] == "=SUM(A1)" and ",'=SUM(A1)" in lines[2]   # never a formula in Excel
    with pytest.raises(ParameterError, match="action"):
        store.append(path, "anna", [("r1", "q", "delete", "wifi")])


def test_erased_respondents_leave_the_coding_file(tmp_path):
    path = tmp_path / "anna.csv"
    store.append(path, "anna", [("r1", "q", "add", "wifi"), ("r1", "q", "done", None),
                                ("r2", "q", "add", "price"), ("r2", "q", "done", None)])
    listed = forget(["r1"], folder=tmp_path)["path"]
    assert set(store.read_actions(path, erasure=listed)["respondent_id"]) == {"r2"}
    assert store.purge(path, listed) == 2
    text = path.read_text(encoding="utf-8")
    assert "r1" not in text and "r2" in text and _mode(path) == 0o600


def test_session_saves_every_action_and_survives_a_restart(answers, tmp_path):
    path = tmp_path / "anna.csv"
    s = CodingSession(answers, coder="anna", path=path, retrain_every=5, min_train=10)
    seen = []
    for i in range(12):
        cur = s.current()
        seen.append((cur["respondent_id"], cur["question"]))
        if i == 0:
            s.add("price")
            s.memo("zu teuer?")
            s.done()
        else:
            s.accept_all()
    # a half-coded answer is on file too
    s.add("wifi")
    again = CodingSession(answers, coder="anna", path=path, retrain_every=5, min_train=10)
    assert again.n_coded == 12 and again.progress()["n_total"] == len(answers)
    assert again.current()["codes"] == ["wifi"]
    assert set(map(tuple, again.coded_units()[["respondent_id", "question"]].values)) == set(seen)
    first = again.codings()
    assert first[first["respondent_id"] == seen[0][0]]["code"].tolist() == ["price"]
    # accept_all takes exactly the rule coder's codes before the first model exists
    from cjkit.coding.coder import code_texts
    rules = code_texts(answers, "default", sentiment=False)
    r1 = answers.index[answers["respondent_id"] == seen[1][0]][0]
    assert sorted(again.codings().query("respondent_id == @seen[1][0]")["code"]) == \
        sorted(set(rules.loc[rules["row"] == r1, "code"].astype(str)))
    # the model was trained at 10 and scored on answers 11-12... only at the next step of 5
    assert again.model is not None


def test_retraining_records_the_models_agreement(answers, tmp_path):
    path = tmp_path / "ben.csv"
    s = CodingSession(answers, coder="ben", path=path, retrain_every=5, min_train=5)
    for _ in range(20):
        s.accept_all()
    h = s.history
    assert h["n_coded"].tolist() == [10, 15, 20]
    assert {"cohen_kappa", "krippendorff_alpha", "f1"} <= set(h.columns)
    assert CodingSession(answers, coder="ben", path=path).history.equals(h)


def test_agreement_figures_against_sklearn_and_a_hand_alpha():
    rng = np.random.default_rng(1)
    a = rng.integers(0, 2, 40)
    b = np.where(rng.random(40) < 0.8, a, 1 - a)
    f = agreement_figures(a, b)
    assert f["cohen_kappa"] == pytest.approx(cohen_kappa_score(a, b))
    assert f["f1"] == pytest.approx(f1_score(a, b))
    # Krippendorff's nominal alpha for two coders and no missing values, written out:
    # n = 2N pairable values; each disagreeing unit adds 1 to o_01 and 1 to o_10
    n = 2 * len(a)
    n1 = int(a.sum() + b.sum())
    n0 = n - n1
    d = int((a != b).sum())
    assert f["krippendorff_alpha"] == pytest.approx(1 - (n - 1) * d / (n0 * n1))


def test_qdpx_export_has_one_coding_per_code(answers, tmp_path):
    s = CodingSession(answers.head(8), coder="anna", path=tmp_path / "anna.csv")
    for _ in range(5):
        s.accept_all()
    out = s.export_qdpx(tmp_path / "anna.qdpx")
    with zipfile.ZipFile(out) as z:
        root = ET.fromstring(z.read("project.qde"))
        sources = [n for n in z.namelist() if n.startswith("sources/")]
    ns = {"q": "urn:QDA-XML:project:1.0"}
    refs = root.findall(".//q:TextSource/q:PlainTextSelection/q:Coding/q:CodeRef", ns)
    codings = s.codings()
    assert len(sources) == 5
    # every given code appears at least once as a coded selection of its answer
    assert len(refs) >= len(codings) and len({r.get("targetGUID") for r in refs}) == codings["code"].nunique()


def _coder_file(path, coder, codes):
    rows = []
    for rid, cs in codes.items():
        rows += [(rid, "q", "add", c) for c in cs] + [(rid, "q", "done", None)]
    store.append(path, coder, rows)


def test_two_coders_agreement_and_consolidation(tmp_path):
    anna = {"r1": ["wifi"], "r2": ["wifi", "price"], "r3": [], "r4": ["price"], "r5": ["wifi"]}
    ben = {"r1": ["wifi"], "r2": ["price"], "r3": ["wifi"], "r4": ["price"], "r5": ["wifi"], "r6": ["x"]}
    _coder_file(tmp_path / "anna.csv", "anna", anna)
    _coder_file(tmp_path / "ben.csv", "ben", ben)
    paths = [tmp_path / "anna.csv", tmp_path / "ben.csv"]
    t = coding_agreement(paths).set_index("code")
    units = ["r1", "r2", "r3", "r4", "r5"]          # r6: only ben finished it
    for code in ("wifi", "price"):
        a = [int(code in anna[u]) for u in units]
        b = [int(code in ben[u]) for u in units]
        assert t.loc[code, "cohen_kappa"] == pytest.approx(cohen_kappa_score(a, b))
        assert t.loc[code, "n_units"] == 5
    dis = coding_disagreements(paths)
    assert sorted(zip(dis["respondent_id"], dis["code"])) == [("r2", "wifi"), ("r3", "wifi")]
    # two coders: majority means both; a resolution keeps r2/wifi
    res = pd.DataFrame({"respondent_id": ["r2"], "question": ["q"], "code": ["wifi"], "keep": [True]})
    final = consolidate_codings(paths, tmp_path / "consolidated.csv", resolutions=res)
    assert sorted(zip(final["respondent_id"], final["code"])) == [
        ("r1", "wifi"), ("r2", "price"), ("r2", "wifi"), ("r4", "price"), ("r5", "wifi")]
    state = store.replay(store.read_actions(tmp_path / "consolidated.csv"))
    assert len(state.done) == 5 and state.codes[("r2", "q")] == ["price", "wifi"]


@pytest.fixture
def book(tmp_path):
    data = {"id": "mini", "name_de": "Mini", "name_en": "Mini", "codes": [
        {"id": "service", "label_de": "Service", "label_en": "Service", "canonical_stage": "service",
         "children": [{"id": "wait", "label_de": "Warten", "label_en": "Waiting",
                       "match": {"de": {"stems": ["wart*"]}}},
                      {"id": "queue", "label_de": "Schlange", "label_en": "Queue",
                       "match": {"de": {"keywords": ["Schlange"]}}, "draft": True, "note": "aus Themen"}]},
        {"id": "room", "label_de": "Zimmer", "label_en": "Room", "canonical_stage": "usage"}]}
    path = tmp_path / "codes.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_codebook_edits_are_validated_and_saved(book):
    ed = CodebookEditor(book)
    ed.accept_draft("queue")
    ed.merge("queue", into="wait")
    ed.rename("wait", "waiting", label_en="Waiting time")
    ed.add("noise", parent="room", label_de="Lärm", label_en="Noise", keywords_de=["laut"])
    ed.move("noise", parent="service", touchpoint="reception")
    ed.save()
    t = CodebookEditor(book).codebook.table.set_index("code")
    assert list(t.index) == ["service", "waiting", "noise", "room"]
    assert t.loc["waiting", "stems_de"] == "wart*" and t.loc["waiting", "keywords_de"] == "Schlange"
    assert t.loc["noise", "parent"] == "service" and t.loc["noise", "touchpoint"] == "reception"
    assert not t["draft"].any()


def test_invalid_edit_changes_nothing(book):
    before = book.read_text(encoding="utf-8")
    ed = CodebookEditor(book)
    with pytest.raises(ConfigError, match="touchpoint"):
        ed.move("wait", parent="room", touchpoint="no_such_touchpoint")
    with pytest.raises(ConfigError, match="duplicate"):
        ed.add("room", parent="service", label_de="x", label_en="x")
    with pytest.raises(ParameterError, match="nope"):
        ed.rename("nope", "x")
    assert "wait" in set(ed.codebook.table["code"]) and book.read_text(encoding="utf-8") == before
