"""Formbricks response export."""
from __future__ import annotations

import csv

from cjkit.io import readers


def test_real_export(shared_data):
    path = shared_data / "survey_exports" / "formbricks" / "formbricks_enterprise_dream_survey_REDACTED.csv"
    res = readers.read(path)
    assert res.meta["format"] == "formbricks" and res.meta["id_column"] == "response_id"
    with open(path, encoding="utf-8", newline="") as fh:
        records = [r for r in csv.reader(fh) if r]
    assert len(res.wide) == len(records) - 1 == 13
    assert {"q1", "q5", "q5_option_id", "q10", "q11"} <= set(res.wide.columns)
    assert res.wide["finished"].tolist()[:2] == [False, True]
    nps_col = records[0].index("10. How likely would you recommend Formbricks to people you know?")
    expected = [float(r[nps_col]) for r in records[1:] if r[nps_col]]
    assert res.wide["q10"].dropna().tolist() == expected and max(expected) <= 10
    texts = res.meta["questions"].set_index("column")["question_text"]
    assert texts["q11"] == "Why did you choose this number?"
