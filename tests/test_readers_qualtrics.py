"""Qualtrics exports: 3-row (ImportId), legacy 2-row, QualtricsTools files, .qsf texts."""
from __future__ import annotations

import csv

import pytest

from cjkit.errors import DataError
from cjkit.io.readers import qualtrics


@pytest.fixture(scope="module")
def qdir(shared_data):
    return shared_data / "survey_exports" / "qualtrics"


def _records(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [r for r in csv.reader(fh) if r]


def test_three_header_rows_with_import_ids(qdir):
    res = qualtrics.read(qdir / "qualtRics_sample.csv")
    assert res.meta["layout"] == "import_id" and len(res.meta["header_rows"]) == 3
    assert res.wide.shape[0] == 1 and res.meta["id_column"] == "ResponseId"
    row = res.wide.iloc[0]
    assert row["ResponseId"] == "R_2YPOQ602ER1jkf1" and row["Q1"] == 2 and row["Q2"] == "Hello World!"
    assert row["Duration (in seconds)"] == 38 and res.meta["duration_column"] == "Duration (in seconds)"
    q = res.meta["questions"].set_index("column")
    assert q.loc["Q1", "question_text"] == "This is a multiple choice question."
    assert q.loc["Q1", "group"] == "QID1"


def test_legacy_two_header_rows(qdir):
    res = qualtrics.read(qdir / "qualtRics_sample_legacy.csv")
    assert res.meta["layout"] == "legacy"
    # V1..V10 are renamed from the second header row; the trailing empty column is dropped
    assert list(res.wide.columns[:3]) == ["ResponseID", "ResponseSet", "Name"]
    assert "unnamed_16" not in res.wide.columns
    new = qualtrics.read(qdir / "qualtRics_sample.csv").wide.iloc[0]
    old = res.wide.iloc[0]
    # the same response in both layouts
    assert old["ResponseID"] == new["ResponseId"] and old["Q1"] == new["Q1"] and old["Q2"] == new["Q2"]


def test_every_qualtricstools_csv_loads_with_all_rows(qdir):
    files = sorted((qdir / "QualtricsTools_samples").rglob("*.csv"))
    assert len(files) == 23
    for path in files:
        res = qualtrics.read(path)
        records = _records(path)
        n_header = len(res.meta["header_rows"])
        assert len(res.wide) == len(records) - n_header, path.name
        assert res.wide.columns.is_unique
        assert res.meta["id_column"] in res.wide.columns
        assert res.wide[res.meta["id_column"]].astype(str).str.startswith("R_").all()


def test_qsf_question_texts_beside_the_csv(qdir):
    folder = qdir / "QualtricsTools_samples" / "Single Answer Multiple Choice Questions"
    res = qualtrics.read(folder / "Single_Answer_MC_Questions (Insights).csv")
    assert res.meta["qsf"].endswith("Single_Answer_MC_Questions.qsf")
    q = res.meta["questions"].set_index("column")
    assert q.loc["mc_question_five", "question_text"].startswith("This is a multiple answer likert matrix")
    assert q.loc["Q2", "kind"] == "MC"
    texts = qualtrics.read_qsf(folder / "Single_Answer_MC_Questions.qsf")
    assert texts["QID2"]["tag"] == "Q2" and texts["Q2"]["choices"]


def test_duplicate_column_names_made_unique(qdir):
    res = qualtrics.read(qdir / "QualtricsTools_samples" / "Single Answer Matrix Questions"
                         / "Single_Answer_Matrix_Questions.csv")
    cols = list(res.wide.columns)
    assert "question_one" in cols and "question_one__2" in cols and "question_one__3" in cols


def test_bad_qsf_is_a_data_error(tmp_path):
    (tmp_path / "x.qsf").write_text("{not json")
    with pytest.raises(DataError, match="qsf"):
        qualtrics.read_qsf(tmp_path / "x.qsf")
