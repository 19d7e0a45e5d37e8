"""Similarity fallback of single-label coding: code documents, similarity, threshold, output marks."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cjkit.coding.codebook import load_codebook
from cjkit.coding.coder import code_texts
from cjkit.coding.similar import MIN_SIMILARITY, closest_codes, code_documents, similarities
from cjkit.errors import ParameterError

# Each code has one narrow keyword; the answers below avoid those keywords but use the words of
# the definitions and examples, so the rules find nothing and the right code is obvious to a reader.
BOOK = {"id": "mini", "name_de": "Mini", "name_en": "Mini", "codes": [
    {"id": "money", "kind": "group", "label_de": "Geld und Kosten", "label_en": "Money and costs", "children": [
        {"id": "price", "kind": "topic", "label_de": "Preis", "label_en": "Price",
         "definition_de": "Kosten, Preise, Preis-Leistung, zu teuer.",
         "definition_en": "Costs, prices, value for money, too expensive.",
         "examples": {"include": ["The costs were far too high.", "Die Kosten waren viel zu hoch."]},
         "match": {"de": {"keywords": ["Preis"]}, "en": {"keywords": ["price"]}}}]},
    {"id": "people", "kind": "group", "label_de": "Menschen", "label_en": "People", "children": [
        {"id": "staff", "kind": "topic", "label_de": "Personal", "label_en": "Staff",
         "definition_de": "Mitarbeiterinnen und Mitarbeiter, ihre Hilfsbereitschaft und Freundlichkeit.",
         "definition_en": "Employees, their helpfulness and friendliness.",
         "examples": {"include": ["The employees helped us at once.", "Die Mitarbeiter halfen sofort."]},
         "match": {"de": {"keywords": ["Personal"]}, "en": {"keywords": ["staff"]}}},
        {"id": "parking", "kind": "topic", "label_de": "Parken", "label_en": "Parking",
         "definition_de": "Parkhaus, Stellplatz, Tiefgarage.",
         "definition_en": "Car park, parking space, garage.",
         "match": {"de": {"keywords": ["Parkplatz"]}, "en": {"keywords": ["parking"]}}}]}]}


@pytest.fixture(scope="module")
def cb():
    return load_codebook(BOOK)


def code_of(cb, idx):
    return None if idx < 0 else cb.table["code"].iloc[idx]


def test_code_documents_keep_the_language(cb):
    de, en = code_documents(cb, "de"), code_documents(cb, "en")
    i = cb.table["code"].tolist().index("price")
    assert "Die Kosten waren viel zu hoch." in de[i] and "The costs" not in de[i]
    assert "The costs were far too high." in en[i] and "Kosten" not in en[i]
    assert "Preis" in de[i] and "price" in en[i]     # rule terms are part of the description


def test_similarity_bounds_by_hand():
    s = similarities(["train late", "qqq"], ["train late", "zzz xxx"])
    # identical text: cosine 1 in both views; no shared word or 3-character piece: 0
    assert s[0, 0] == pytest.approx(1.0)
    assert s[1, 0] == 0.0 and s[1, 1] == 0.0 and s[0, 1] == 0.0
    sym = similarities(["train late"], ["late train"])
    # same words, other order: word unigrams agree, the bigram and the character pieces across the
    # gap differ, so the similarity lies strictly between 0 and 1
    assert 0 < sym[0, 0] < 1


def test_obvious_answers_get_the_obvious_code(cb):
    texts = ["The costs were absurd", "Die Kosten sind absurd",
             "The employees were so helpful", "Mitarbeiter sehr hilfsbereit",
             "Tiefgarage voll", "no garage space left"]
    langs = [1, 0, 1, 0, 0, 1]
    code, sim = closest_codes(texts, langs, cb)
    assert [code_of(cb, c) for c in code] == ["price", "price", "staff", "staff", "parking", "parking"]
    assert (sim >= MIN_SIMILARITY).all() and (sim <= 1).all()


def test_headings_are_never_given(cb):
    # "Money and costs" is the group's own label, word for word; only its topic may be given
    code, _ = closest_codes(["money and costs"], [1], cb)
    assert code_of(cb, code[0]) == "price"


def test_unrelated_answers_stay_uncoded(cb):
    code, sim = closest_codes(["qqq", "", None], [2, 1, 0], cb)
    assert code.tolist() == [-1, -1, -1]
    assert (sim < MIN_SIMILARITY).all()


def test_fallback_rows_are_marked_and_rule_rows_unchanged(cb):
    texts = ["The price was fine, staff rude, price again",   # rules: price (one distinct term)
             "The employees were so helpful",                  # no rule hit -> staff by similarity
             "qqq",                                            # no rule hit, nothing similar
             "No parking anywhere"]                            # rules: parking
    plain = code_texts(texts, cb, single_label=True, sentiment=False, lang="en")
    fb = code_texts(texts, cb, single_label=True, sentiment=False, lang="en", fallback="similar")
    assert list(fb.columns) == list(plain.columns) and len(fb) == len(plain) == 4
    rule = plain["code"].notna().to_numpy()
    assert rule.tolist() == [True, False, False, True]
    pd.testing.assert_frame_equal(fb[rule], plain[rule])
    assert fb["code"].astype(object).where(fb["code"].notna(), None).tolist() == ["price", "staff", None, "parking"]
    assert fb["source"].astype(str).tolist() == ["rule", "similarity", "rule", "rule"]
    new = fb.iloc[1]
    assert MIN_SIMILARITY <= new["confidence"] <= 1
    assert pd.isna(new["evidence"]) and pd.isna(new["rule"]) and new["start"] == new["end"] == 0
    assert new["code_label"] == "Personal"              # label_lang "de" as for rule rows
    assert fb.iloc[2]["confidence"] == 0 and pd.isna(fb.iloc[2]["code"])


def test_fallback_keeps_every_answer_and_order(cb):
    texts = ["The employees were so helpful" if i % 2 else "qqq" for i in range(30)]
    fb = code_texts(texts, cb, single_label=True, sentiment=False, fallback="similar")
    assert fb["row"].tolist() == list(range(30))
    assert set(fb.loc[fb["row"] % 2 == 1, "code"].astype(str)) == {"staff"}


def test_fallback_needs_single_label(cb):
    with pytest.raises(ParameterError, match="single_label"):
        code_texts(["x"], cb, fallback="similar")
    with pytest.raises(ParameterError, match="allowed"):
        code_texts(["x"], cb, single_label=True, fallback="embedding")


def test_default_output_has_no_similarity_rows(cb):
    out = code_texts(["The employees were so helpful"], cb, single_label=True)
    assert out["code"].isna().all() and set(out["source"].astype(str)) == {"rule"}
    assert np.all(out["confidence"] == 0)


def test_rule_rows_unchanged_on_real_answers(shared_data):
    lines = (shared_data / "german_hotel_absa" / "test.txt").read_text(encoding="utf-8").splitlines()[:300]
    texts = [ln.split("\t", 1)[1] for ln in lines if "\t" in ln]
    plain = code_texts(texts, single_label=True, sentiment=False)
    fb = code_texts(texts, single_label=True, sentiment=False, fallback="similar")
    rule = plain["code"].notna().to_numpy()
    pd.testing.assert_frame_equal(fb[rule], plain[rule])
    added = fb[~rule & fb["code"].notna().to_numpy()]
    assert set(added["source"].astype(str)) <= {"similarity"}
    assert added["confidence"].between(MIN_SIMILARITY, 1).all()
    assert len(fb) == len(texts)
