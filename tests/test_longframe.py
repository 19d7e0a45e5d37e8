"""The long frame built from column arrays equals a plain row-by-row construction of the same rules."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cjkit.io.spec import load_spec, to_long
from cjkit.quality.validate import check

SPEC = {"survey": "t", "respondent_id": "id", "weight": "w", "segments": ["seg"], "questions": [
    {"id": "sat", "type": "rating", "scale": {"min": 1, "max": 5, "labels": {1: "bad", 5: "good"}},
     "missing": [9], "missing_labels": {"9": "don't know"}, "phase": "conversion", "touchpoint": "booking"},
    {"id": "effort", "type": "ces", "scale": {"min": 1, "max": 7}, "reverse": True, "phase": "retention"},
    {"id": "rec", "type": "nps", "phase": "advocacy"},
    {"id": "channel", "type": "single", "scale": {"min": 1, "max": 2, "labels": {1: "Web", 2: "App"}},
     "missing": ["x"]},
    {"id": "why", "type": "open"},
    {"id": "used", "type": "multi", "columns": {"web": "used_web", "app": "used_app"}},
    {"id": "ok", "type": "single", "positive": "Yes", "role": "outcome"},
]}
WIDE = pd.DataFrame({
    "id": [101, 102, 103, 104, 105],
    "w": [1.0, 2.0, 0.5, 1.0, 1.5],
    "seg": ["A", "B", "A", None, "B"],
    "sat": ["4", "9", " 7", "abc", ""],
    "effort": [2, 7, np.nan, 1, 8],
    "rec": [10, 0, 5, np.nan, 11],
    "channel": ["1", "2.0", "x", "", "3"],
    "why": ["  gut ", None, "", "=SUM(A1)", "schlecht"],
    "used_web": [1, 0, np.nan, "ja", ""],
    "used_app": [0, 1, 1, np.nan, np.nan],
    "ok": ["yes", "No", None, "YES", "maybe"],
})


def blank(cell) -> bool:
    return cell is None or (isinstance(cell, float) and math.isnan(cell)) or str(cell).strip() == ""


def number(cell):
    try:
        return float(str(cell).strip().replace(",", "."))
    except ValueError:
        return math.nan


def expected_rows():
    """Row by row, in the order the long frame stacks them: question by question, respondents in file order."""
    phase = {"sat": "conversion", "effort": "retention", "rec": "advocacy"}
    rows = []
    for q in SPEC["questions"]:
        qid, qtype = q["id"], q["type"]
        defaults = {"nps": "nps", "open": "comment", "single": "profile", "multi": "profile"}
        role = q.get("role", defaults.get(qtype, "driver"))
        options = q["columns"].items() if qtype == "multi" else [(None, qid)]
        for item, col in options:
            for i, r in WIDE.iterrows():
                cell = r[col]
                value, text, reason = math.nan, None, None
                if qtype in ("rating", "ces", "nps"):
                    lo, hi = (0, 10) if qtype == "nps" else (q["scale"]["min"], q["scale"]["max"])
                    x = number(cell)
                    if 9 in q.get("missing", []) and x == 9:
                        reason = "missing code 9: don't know"
                    elif blank(cell):
                        reason = "no answer"
                    elif math.isnan(x):
                        reason = f"not a number: {cell}"
                    elif not lo <= x <= hi:
                        reason = f"out of range: {x:g} not in {lo}..{hi}"
                    else:
                        value = lo + hi - x if q.get("reverse") else x
                        text = {1.0: "bad", 5.0: "good"}.get(value) if qid == "sat" else None
                elif qtype == "multi":
                    x = number(cell)
                    value = 1.0 if (not math.isnan(x) and x != 0) or (math.isnan(x) and not blank(cell)) else 0.0
                else:
                    if blank(cell):
                        reason = "no answer"
                    elif str(cell).strip() == "x" and qid == "channel":
                        reason = "missing code x"
                    else:
                        answer = str(cell).strip()
                        if qid == "channel":
                            text = {"1": "Web", "2": "App"}.get(answer.removesuffix(".0"), answer)
                            value = number(cell)
                        else:
                            text = answer
                        if qid == "ok":
                            value = 1.0 if answer.casefold() == "yes" else 0.0
                rows.append({"respondent_id": str(r["id"]), "question": qid, "item": item, "type": qtype,
                             "role": role, "value": value, "text": text, "missing_reason": reason,
                             "phase": phase.get(qid), "touchpoint": "booking" if qid == "sat" else None,
                             "weight": r["w"], "seg": r["seg"]})
    return pd.DataFrame(rows)


def plain(series: pd.Series) -> list:
    return [None if (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))) else v
            for v in series.astype(object)]


def test_long_frame_equals_a_row_by_row_construction():
    got, want = to_long(WIDE, SPEC), expected_rows()
    assert list(got.columns) == list(want.columns)
    for col in want.columns:
        if col == "value":
            np.testing.assert_array_equal(got[col].to_numpy(float), want[col].to_numpy(float))
        else:
            assert plain(got[col]) == plain(want[col]), col


def test_shared_columns_are_categorical_and_values_one_float_array():
    long = to_long(WIDE, SPEC)
    for col in ("question", "type", "role", "phase", "touchpoint", "seg"):
        assert isinstance(long[col].dtype, pd.CategoricalDtype), col
    assert long["value"].dtype == np.float64
    assert list(long["phase"].cat.categories[:3]) == ["awareness", "consideration", "conversion"]
    assert long["phase"].cat.ordered
    # question categories keep the spec's order, so tables sorted by question follow the questionnaire
    assert list(long["question"].cat.categories) == [q["id"] for q in SPEC["questions"]]


def test_consumers_can_filter_fill_and_compare_the_categorical_columns():
    long = to_long(WIDE, SPEC)
    assert (long["question"] == "not_a_question").sum() == 0
    assert long["role"].fillna("driver").eq("driver").sum() == 10  # sat and effort, five respondents each
    assert long.groupby("question", observed=True)["value"].count().to_dict()["rec"] == 3
    assert long["touchpoint"].astype("string").fillna("none").eq("none").sum() == len(long) - 5


@pytest.mark.parametrize("drop", [[], [1], [0, 4]])
def test_validation_keeps_the_long_rows_of_the_kept_respondents(drop):
    wide = WIDE.assign(id=[f"r{i}" if i not in drop else "dup" for i in range(len(WIDE))])
    kept, led, long = check(wide, load_spec(SPEC))
    assert long["respondent_id"].nunique() == len(kept)
    full = to_long(kept, SPEC)
    for col in full.columns:
        assert plain(long[col]) == plain(full[col]), col
