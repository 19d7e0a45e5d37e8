"""The text-input convention and the one language guesser of cjkit.coding.texts."""
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cjkit
from cjkit.coding import texts
from cjkit.coding.coder import code_indicators, code_texts
from cjkit.coding.sentiment import score_sentiment
from cjkit.errors import DataError, ParameterError
from cjkit.io.readers import feedback

PACKAGE = Path(cjkit.__file__).resolve().parent


def test_missing_answers_become_empty_rows_that_keep_their_place():
    values, ids = texts.text_input(pd.Series(["gut", None, np.nan, pd.NA, 5], index=list("abcde"), name="q"))
    assert values == ["gut", "", "", "", "5"]
    assert ids["respondent_id"].tolist() == list("abcde") and set(ids["question"]) == {"q"}


def test_frame_input_uses_id_columns_and_names_missing_columns():
    frame = pd.DataFrame({"respondent_id": ["r1", "r2"], "question": ["q1", "q1"], "answer": ["a", "b"]})
    values, ids = texts.text_input(frame, "answer")
    assert values == ["a", "b"] and ids.columns.tolist() == ["respondent_id", "question"]
    with pytest.raises(DataError, match="no text column 'text'; columns are respondent_id, question, answer"):
        texts.text_input(frame)
    with pytest.raises(DataError, match="id column"):
        texts.text_input(frame, "answer", id_cols=["wave"])


def test_a_lone_string_is_one_answer():
    assert texts.text_input("sehr gut")[0] == ["sehr gut"]


def test_coding_functions_share_the_convention():
    answers = pd.Series(["Das Personal war unfreundlich", None], index=["r1", "r2"], name="q9")
    scored = score_sentiment(answers)
    assert scored["respondent_id"].tolist() == ["r1", "r2"] and scored["has_text"].tolist() == [True, False]
    coded = code_texts(answers)
    assert set(coded["respondent_id"]) <= {"r1"} and set(coded["question"]) == {"q9"}


@pytest.mark.parametrize("text, lang", [
    ("Der Service war nicht gut", "de"),
    ("The room was clean and the staff were friendly", "en"),
    ("Frühstück", "de"),          # an umlaut is German evidence
    ("ok", "und"),                 # no evidence either way
    ("", "und"),
    (None, "und"),
    (float("nan"), "und"),
])
def test_guess_language(text, lang):
    assert texts.guess_language(text) == lang


def test_one_guesser_for_feedback_sentiment_and_coding():
    answers = ["Der Service war nicht gut", "We were very happy with the room", "ok", "Frühstück"]
    guessed = texts.guess_languages(answers)
    assert feedback.guess_language is texts.guess_language
    fb = feedback.to_feedback(pd.DataFrame({"text": answers}))
    assert fb["language"].tolist() == guessed
    assert score_sentiment(answers)["lang"].tolist() == guessed


def test_lang_codes_name_the_allowed_values():
    with pytest.raises(ParameterError, match="allowed: auto, de, en"):
        texts.lang_codes("fr", 1)


def test_no_module_imports_another_modules_private_names():
    pattern = re.compile(r"^from cjkit\.[\w.]+ import .*\b_[a-z]\w*", re.M)
    offenders = [str(p.relative_to(PACKAGE)) for p in (PACKAGE / "coding").rglob("*.py")
                 if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_list_input_answers_survive_code_indicators():
    # a list has no question: the missing question id must not drop the coded answers
    texts = ["Preis zu hoch", "WLAN weg", "ok"]
    coded = code_texts(texts)
    assert coded["question"].isna().all()
    wide = code_indicators(coded)
    assert sorted(wide["respondent_id"].tolist()) == sorted(set(coded["respondent_id"]))
    assert wide["n_codes"].sum() == coded.drop_duplicates(["respondent_id", "code"]).shape[0]
    full = code_indicators(coded, pd.DataFrame({"respondent_id": ["0", "1", "2"], "question": [None] * 3,
                                                "text": texts}))
    assert full["respondent_id"].tolist() == ["0", "1", "2"]
    assert full.set_index("respondent_id")["n_codes"].to_dict() == \
        coded.groupby("respondent_id")["code"].nunique().reindex(["0", "1", "2"], fill_value=0).to_dict()


def test_answers_whose_codes_lack_the_grouping_stay_with_a_note():
    coded = code_texts(["Preis zu hoch", "WLAN weg"]).assign(touchpoint=None)
    wide = code_indicators(coded, by="touchpoint")
    assert len(wide) == 2 and (wide["n_codes"] == 0).all()
    assert set(wide.attrs["notes"]["reason"]) == {"coded, but no code has a touchpoint"}
