"""Google Forms CSV downloads."""
from __future__ import annotations

import csv

import pandas as pd

from cjkit.io import readers
from cjkit.io.readers import googleforms


def test_real_export(shared_data):
    path = shared_data / "survey_exports" / "google_forms" / \
        "Autistica_Turing Citizen Science Platform (Responses) - Form Responses 1(3).csv"
    res = readers.read(path)
    assert res.meta["format"] == "googleforms"
    with open(path, encoding="utf-8", newline="") as fh:
        records = [r for r in csv.reader(fh) if r]
    assert list(res.wide.columns) == ["timestamp", "q1", "q2", "q3", "q4"]
    assert len(res.wide) == len(records) - 1 == 42
    assert res.wide["timestamp"].iloc[0] == pd.Timestamp("2019-08-21 13:10:31")
    texts = res.meta["questions"].set_index("column")["question_text"]
    assert texts["q3"] == "Do you have a personal connection to autism?"
    assert res.wide["q3"].iloc[0] == records[1][3]


def test_german_locale_and_bad_stamp(tmp_path):
    path = tmp_path / "form.csv"
    path.write_text("Zeitstempel,Wie zufrieden sind Sie?\n21.08.2019 13:10:31,5\n22.08.2019 09:00:00,4\n"
                    "kaputt,3\n", encoding="utf-8")
    assert googleforms.looks_like([["Zeitstempel", "x"], ["21.08.2019 13:10:31", "5"]])
    res = googleforms.read(path)
    assert res.wide["timestamp"].iloc[0] == pd.Timestamp("2019-08-21 13:10:31")
    issue = res.meta["issues"].iloc[0]
    assert issue["row"] == 3 and issue["action"] == "value_changed" and issue["old_value"] == "kaputt"
