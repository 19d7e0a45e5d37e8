"""Quotes that cannot identify a person: masked, de-duplicated, no id, small segments not named."""
from __future__ import annotations

import pandas as pd
import pytest

import cjkit as cj
from cjkit.errors import ParameterError
from cjkit.report.quotes import safe_quotes


@pytest.fixture
def answers():
    return pd.DataFrame({
        "respondent_id": ["anna.weber@web.de", "r2", "r3", "r4", "r5"],
        "question": ["q_comment"] * 5,
        "hotel": ["Berlin", "Berlin", "Berlin", "Sylt", "Berlin"],
        "age_group": ["30-39", "30-39", "70+", "30-39", "30-39"],
        "text": ["Frau Müller an der Rezeption war toll", "Zimmer laut", "zimmer  laut",
                 "Ruft mich an: 0171 2345678", None],
    })


def test_no_id_only_allowed_columns_and_masked_text(answers):
    out = safe_quotes(answers, allow=["question"], lang="de")
    assert out.columns.tolist() == ["text", "question", "mentions"]
    flat = out.to_csv()
    for secret in ["anna.weber", "Müller", "0171", "Berlin", "70+"]:
        assert secret not in flat
    assert out["text"].tolist() == ["Frau [NAME] an der Rezeption war toll", "Zimmer laut", "Ruft mich an: [PHONE]"]


def test_duplicates_merge_with_mentions(answers):
    out = safe_quotes(answers, allow=["question"])
    # "Zimmer laut" and "zimmer  laut" are one verbatim after normalising case and spaces
    assert out["mentions"].tolist() == [1, 2, 1] and out["mentions"].sum() == 4   # the empty answer is no quote


def test_small_segments_are_not_named(answers):
    respondents = answers.drop(columns="text")       # one row per respondent: Berlin 4, Sylt 1; 30-39 4, 70+ 1
    out = safe_quotes(answers, allow=["hotel", "age_group"], respondents=respondents, min_group=3, lang="en")
    by_text = out.set_index("text")
    assert by_text.loc["Ruft mich an: [PHONE]", "hotel"] == "(small group)"
    assert by_text.loc["Zimmer laut", "age_group"] == "30-39; (small group)"
    assert by_text.loc["Frau [NAME] an der Rezeption war toll", "hotel"] == "Berlin"
    de = safe_quotes(answers, allow=["hotel"], respondents=respondents, min_group=3, lang="de")
    assert "(kleine Gruppe)" in de["hotel"].tolist()


def test_respondent_id_is_refused_and_bad_input(answers):
    with pytest.raises(ParameterError, match="allow"):
        safe_quotes(answers, allow=["question", "respondent_id"])
    with pytest.raises(ParameterError, match="text"):
        safe_quotes(answers, text="comment")
    with pytest.raises(ParameterError, match="min_group"):
        safe_quotes(answers, min_group=0)


def test_report_verbatims_show_no_respondent_id_and_segments_only_when_allowed():
    study = cj.example_study()
    coded = cj.report.coded_comments(study, lang="en")
    plain = cj.report.verbatims(study, coded, lang="en")
    assert "respondent_id" not in plain.columns and "persona" not in plain.columns
    assert plain["text"].is_unique and plain["mentions"].sum() == coded.drop_duplicates(
        ["respondent_id", "question"]).shape[0]
    with_seg = cj.report.verbatims(study, coded, lang="en", allow=["codes", "persona"], min_group=10**6)
    assert set(with_seg["persona"]) == {"(small group)"}
