"""Quality checks: each check against an independent pandas computation, and row accounting."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cjkit.quality import ledger
from cjkit.errors import ParameterError
from cjkit.io.readers import csv as csv_reader
from cjkit.io.spec import load_spec
from cjkit.quality.validate import validate

ITEMS = [f"q{i}" for i in range(1, 5)]


def _spec(**quality):
    qs = [{"id": c, "type": "rating", "scale": {"min": 1, "max": 5}, "missing": [9],
           "missing_labels": {"9": "weiß nicht"}} for c in ITEMS]
    qs[3]["reverse"] = True
    qs.append({"id": "comment", "type": "open"})
    return load_spec({"survey": "t", "respondent_id": "rid", "duration": "secs", "journey_model": "accra",
                      "quality": {"straightline_min_items": 4, "min_completion": 0.5, **quality}, "questions": qs})


def _wide():
    rows = [  # rid, secs, q1..q4, comment
        ("a", 300, 1, 2, 3, 4, "gut"),
        ("b", 310, 5, 5, 5, 5, None),      # straight-liner (q4 reversed, answered 5 like the rest)
        ("c", 20, 4, 3, 2, 1, "schnell"),   # speeder: 20 s < 30% of median
        ("a", 280, 2, 2, 3, 3, None),       # duplicate id of row 1
        ("e", 290, None, None, None, None, None),  # empty row
        ("f", 305, 1, None, None, None, None),     # 1 of 5 questions answered: incomplete
        ("g", 295, 7, 9, 2, 3, "ok"),       # 7 out of range, 9 missing code
        ("h", 320, 2, 3, 2, 4, "=HYPERLINK(\"http://x\")"),
    ]
    frame = pd.DataFrame(rows, columns=["rid", "secs", *ITEMS, "comment"])
    frame["comment"] = frame["comment"].astype("string")
    return frame.set_axis(pd.Index(range(1, len(rows) + 1), name="row"))


def test_each_row_excluded_once_with_the_right_check():
    kept, led = validate(_wide(), _spec(), file="t.csv")
    excl = led[led["action"] == "excluded"].set_index("row")["check"].to_dict()
    assert excl == {2: "straightliner", 3: "speeder", 4: "duplicate_id", 5: "empty_row", 6: "incomplete"}
    assert kept.index.tolist() == [1, 7, 8]
    s = ledger.summary(led, n_input=8, n_kept=len(kept)).iloc[0]
    assert (s["n_input"], s["n_kept"], s["n_excluded"]) == (8, 3, 5)


def test_value_changes_and_flags():
    _, led = validate(_wide(), _spec(), file="t.csv")
    changed = led[led["action"] == "value_changed"].set_index("check")
    assert changed.loc["out_of_range", "old_value"] == "7" and changed.loc["out_of_range", "row"] == 7
    assert changed.loc["missing_code", "reason"] == "missing code 9: weiß nicht"
    assert changed.loc["missing_code", "column"] == "q2" and changed.loc["missing_code", "respondent_id"] == "g"
    flag = led[led["action"] == "flagged"].iloc[0]
    assert flag["check"] == "formula_text" and flag["row"] == 8 and flag["file"] == "t.csv"


def test_speeder_threshold_from_seconds_or_median():
    wide = _wide()
    med = wide["secs"].median()
    _, led = validate(wide, _spec(speeder_seconds=285, speeder_median_share=0.1))
    got = set(led.loc[led["check"] == "speeder", "row"])
    # independent: below max(285 s, 10% of median) among rows not excluded earlier
    limit = max(285, 0.1 * med)
    earlier = {4, 5, 6}  # duplicate, empty, incomplete are checked first
    assert got == set(wide.index[wide["secs"] < limit]) - earlier


@pytest.mark.parametrize("policy, excluded", [("first", [4]), ("last", [1]), ("all", [1, 4])])
def test_duplicate_policies(policy, excluded):
    _, led = validate(_wide(), _spec(drop_duplicates=policy))
    assert sorted(led.loc[led["check"] == "duplicate_id", "row"]) == excluded


def test_duplicates_flagged_only():
    kept, led = validate(_wide(), _spec(drop_duplicates="none"))
    assert set(led.loc[led["check"] == "duplicate_id", "action"]) == {"flagged"} and 4 in kept.index


def test_flag_instead_of_exclude():
    kept, led = validate(_wide(), _spec(), actions={"straightliner": "flagged", "speeder": "flagged"})
    assert {2, 3} <= set(kept.index)
    with pytest.raises(ParameterError, match="actions"):
        validate(_wide(), _spec(), actions={"speeder": "drop"})


def test_without_spec_only_empty_rows_and_flags():
    frame = pd.DataFrame({"a": [1, None], "b": ["x", "  "]})
    kept, led = validate(frame)
    assert len(kept) == 1 and led["check"].tolist() == ["empty_row"] and led["row"].tolist() == [2]


def test_demo_survey_exclusions_match_independent_rules(root):
    spec = load_spec(root / "surveys" / "demo" / "spec.yaml")
    wide = csv_reader.read(root / "surveys" / "demo" / "hotel_guests.csv").wide
    kept, led = validate(wide, spec, file="hotel_guests.csv")
    q = spec.quality
    items = [x.column for x in spec.questions if x.type == "rating"]
    num = wide[items].apply(pd.to_numeric, errors="coerce")
    codes = {x.column: list(x.missing) for x in spec.questions if x.type == "rating"}
    valid = num.where(~pd.DataFrame({c: num[c].isin(codes[c]) for c in items}) & (num >= 1) & (num <= 5))
    answer_cols = [x.column for x in spec.questions]
    empty = wide[answer_cols].isna().all(axis=1)
    dup = wide["lfdn"].duplicated(keep="first")
    dur = wide["dauer_s"]
    speeder = dur < max(q["speeder_seconds"], 0.3 * dur.median())
    straight = (valid.notna().sum(axis=1) >= q["straightline_min_items"]) & (valid.nunique(axis=1) == 1)
    union = set(wide.index[empty | dup | speeder | straight])
    assert set(wide.index) - set(kept.index) == union
    assert len(wide) == len(kept) + len(ledger.excluded_rows(led))
    out_of_range = ((num < 1) | (num > 5)) & num.notna() & ~pd.DataFrame({c: num[c].isin(codes[c]) for c in items})
    n_oor = int(out_of_range.loc[kept.index].to_numpy().sum())
    assert (led["check"] == "out_of_range").sum() == n_oor > 0
