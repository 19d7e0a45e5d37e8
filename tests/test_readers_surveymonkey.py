"""SurveyMonkey exports: two header rows, matrix, multi-select and open questions."""
from __future__ import annotations

import csv

import pytest

from cjkit.io.readers import surveymonkey


@pytest.fixture(scope="module")
def ggwash(shared_data):
    return shared_data / "survey_exports" / "surveymonkey" / "ggwash_2022_anc_questionnaire_surveymonkey_REDACTED.csv"


def test_real_export(ggwash):
    res = surveymonkey.read(ggwash)
    with open(ggwash, encoding="utf-8", newline="") as fh:
        records = [r for r in csv.reader(fh) if r]
    assert len(res.wide) == len(records) - 2 == 180
    assert res.wide["respondent_id"].is_unique and res.meta["id_column"] == "respondent_id"
    q = res.meta["questions"].set_index("column")
    # the ranking question: 8 items under one question text, cells are ranks
    q07 = q[q["group"] == "q07"]
    assert len(q07) == 8 and set(q07["kind"]) == {"matrix"}
    assert q07["question_text"].nunique() == 1 and q07["question_text"].iloc[0].startswith("_Planned unit")
    assert q.loc["q04", "kind"] == "open" and q.loc["q02", "kind"] == "single"
    ranks = res.wide[q07.index].stack().dropna()
    assert ranks.astype(float).between(1, 8).all()
    # first respondent, as in the raw file
    assert str(res.wide["respondent_id"].iloc[0]) == records[2][0]
    assert res.wide["q07_2"].iloc[0] == float(records[2][12])


def test_multi_select_detected(tmp_path):
    rows = [["Respondent ID", "Collector ID", "Which channels do you use?", "", "", "How satisfied?"],
            ["", "", "Website", "App", "Hotline", "Response"],
            ["11", "5", "Website", "", "Hotline", "4"],
            ["12", "5", "", "App", "", "2"]]
    path = tmp_path / "sm.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    res = surveymonkey.read(path)
    assert list(res.wide.columns) == ["respondent_id", "collector_id", "q01_1", "q01_2", "q01_3", "q02"]
    kinds = res.meta["questions"].set_index("column")["kind"]
    assert kinds["q01_1"] == "multi" and kinds["q02"] == "single"
    assert res.meta["questions"].set_index("column").loc["q01_3", "item_text"] == "Hotline"
