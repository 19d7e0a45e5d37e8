"""LimeSurvey: R data file with its syntax file; structure files and .lsg/.R get clear messages."""
from __future__ import annotations

import csv

import pytest

from cjkit.io import readers
from cjkit.errors import DataError
from cjkit.io.readers import limesurvey


@pytest.fixture(scope="module")
def lime(shared_data):
    return shared_data / "survey_exports" / "limesurvey" / "limonaid_extdata"


def test_r_data_file_with_syntax_labels(lime):
    path = lime / "testing" / "survey_998192_R_data_file.csv"
    res = readers.read(path)
    assert res.meta["format"] == "limesurvey" and res.meta["syntax"].endswith("survey_998192_R_syntax_file.R")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        records = [r for r in csv.reader(fh) if r]
    assert res.wide.shape == (len(records) - 1, len(records[0])) == (7, 71)
    assert list(res.wide.columns[:4]) == ["id", "submitdate", "lastpage", "startlanguage"]
    assert res.wide.columns.is_unique and max(len(c) for c in res.wide.columns) <= 60
    assert res.meta["value_labels"]["gender"] == {"man": "Man", "woman": "Woman"}
    assert res.wide["gender"].tolist()[1] == "man"
    q = res.meta["questions"].set_index("column")
    assert q.loc["gender", "question_text"] == "How do you identify?" and q.loc["gender", "kind"] == "choice"


def test_syntax_parser_levels(lime):
    parsed = limesurvey.read_syntax(lime / "testing" / "survey_998192_R_syntax_file.R")
    assert parsed["names"][1] == "id"
    assert parsed["factors"][23]["7"] == "7 in zeer ruime mate"
    assert len(parsed["names"]) == 51  # the file names 51 of its 71 columns


def test_wide_survey(lime):
    res = readers.read(lime / "testing" / "survey_100001_R_data_file.csv")
    assert res.wide.shape == (3, 646) and res.wide["id"].tolist() == [1, 2, 3]


@pytest.mark.parametrize("name", ["testing-export.txt", "export-of-minimal-survey-as-tsv.txt"])
def test_structure_file_message_and_reader(lime, name):
    with pytest.raises(DataError, match="LimeSurvey survey structure file.*Responses > Export"):
        readers.read(lime / name)
    qs = limesurvey.read_structure(lime / name)
    assert set(qs["class"]) <= {"Q", "SQ", "A"} and len(qs) > 0


@pytest.mark.parametrize("name, what", [("limesurvey_group_1370.lsg", "question-group file"),
                                        ("testing/survey_998192_R_syntax_file.R", "R syntax file")])
def test_out_of_scope_files(lime, name, what):
    with pytest.raises(DataError, match=what):
        readers.read(lime / name)
