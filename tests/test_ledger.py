"""The ledger: fixed columns, accounting invariant, report table."""
from __future__ import annotations

import pytest

from cjkit.quality import ledger
from cjkit.errors import CjkitError


def _led():
    return ledger.concat(
        ledger.entries(file="f.csv", rows=[2, 5], check="speeder", action="excluded", reason="too fast",
                       respondent_ids=["b", "e"], column="secs", old_values=[12.0, 30.5]),
        ledger.entries(file="f.csv", rows=[5], check="straightliner", action="excluded", reason="same answers"),
        ledger.entries(file="f.csv", rows=[3, 3], check="out_of_range", action="value_changed",
                       reason=["out of range: 7", "out of range: 8"], column=["q1", "q2"], old_values=[7, 8]),
        ledger.entries(file="f.csv", rows=[4], check="formula_text", action="flagged", reason="formula"))


def test_columns_and_types():
    led = _led()
    assert list(led.columns) == ledger.COLUMNS
    assert str(led["row"].dtype) == "Int64"
    assert led.loc[0, "old_value"] == "12" and led.loc[1, "old_value"] == "30.5"
    assert list(ledger.empty().columns) == ledger.COLUMNS and len(ledger.empty()) == 0


def test_summary_counts_distinct_excluded_rows():
    s = ledger.summary(_led(), n_input=10).iloc[0]
    # row 5 is excluded by two checks but is one row
    assert (s["n_input"], s["n_kept"], s["n_excluded"], s["n_values_changed"], s["n_flagged"]) == (10, 8, 2, 2, 1)


def test_summary_refuses_lost_rows():
    with pytest.raises(CjkitError, match="does not add up"):
        ledger.summary(_led(), n_input=10, n_kept=7)


def test_by_check_table():
    t = ledger.by_check(_led())
    row = t.set_index("check").loc["out_of_range"]
    assert row["n_rows"] == 1 and row["n_entries"] == 2 and row["action"] == "value_changed"
    assert list(t.columns) == ["check", "action", "n_rows", "n_entries", "example_reason"]


def test_bad_action():
    with pytest.raises(CjkitError, match="action"):
        ledger.entries(rows=[1], check="x", action="dropped", reason="r")


def test_personal_data_in_reasons_and_values_is_masked():
    led = ledger.entries(file="survey.csv", rows=[3, 4, 5], check="not_a_number", action="value_changed",
                         column="age", reason=["not a number: anna.weber@web.de", "not a number: 0171 2345678",
                                               "not a number: sehr gut"],
                         old_values=["anna.weber@web.de", "0171 2345678", "sehr gut"], new_values=None)
    assert led["reason"].tolist() == ["not a number: [EMAIL]", "not a number: [PHONE]", "not a number: sehr gut"]
    assert led["old_value"].tolist() == ["[EMAIL]", "[PHONE]", "sehr gut"]
    assert ledger.by_check(led)["example_reason"].tolist() == ["not a number: [EMAIL]"]
    # appended ledgers stay masked, ordinary values untouched
    both = ledger.concat(led, ledger.entries(rows=[9], check="out_of_range", action="flagged", reason="age 130",
                                             old_values=[130.0]))
    assert "anna.weber@web.de" not in both.to_csv() and both["old_value"].tolist()[-1] == "130"
