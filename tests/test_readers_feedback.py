"""Feedback records (reviews, tickets, NPS comments) in the fixed feedback columns."""
from __future__ import annotations

import pandas as pd
import pytest

from cjkit.errors import DataError
from cjkit.io.readers import feedback


def test_reviews_csv_with_german_aliases(tmp_path):
    path = tmp_path / "bewertungen.csv"
    path.write_text("Datum;Sterne;Kommentar;Quelle\n2025-03-01;5;Das Zimmer war sehr sauber und ruhig;google\n"
                    "2025-03-02;2;The check-in was slow and the staff was rude;tripadvisor\n", encoding="utf-8")
    res = feedback.read(path)
    fb = res.wide
    assert list(fb.columns[:6]) == feedback.FEEDBACK_COLUMNS
    assert fb["rating"].tolist() == [5.0, 2.0] and fb["channel"].tolist() == ["google", "tripadvisor"]
    assert fb["language"].tolist() == ["de", "en"]
    assert fb["date"].iloc[0] == pd.Timestamp("2025-03-01") and res.meta["source_format"] == "csv"


def test_nps_tool_export(shared_data):
    path = shared_data / "survey_exports" / "formbricks" / "formbricks_enterprise_dream_survey_REDACTED.csv"
    res = feedback.read(path, text="q11", rating="q10", date="timestamp", id="response_id",
                        default_channel="formbricks")
    fb = res.wide
    assert len(fb) == 13 and fb["channel"].eq("formbricks").all()
    assert fb.loc[fb["text"].notna(), "rating"].notna().all()
    assert fb["feedback_id"].iloc[0] == "cmkqjhe8a0wrrad01nkcgwgc6"


def test_no_text_column():
    with pytest.raises(DataError, match="no feedback text column"):
        feedback.to_feedback(pd.DataFrame({"a": [1]}))


def test_language_guess():
    assert feedback.guess_language("Der Service war nicht gut") == "de"
    assert feedback.guess_language("The room was clean") == "en"
    assert feedback.guess_language(None) == "und"
