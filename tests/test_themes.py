"""Theme discovery for what no code catches (cjkit.coding.themes) and its draft codebook."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import yaml

import cjkit as cj
from cjkit.coding import codebook as C
from cjkit.coding.themes import STATUSES, THEME_COLUMNS, discover_themes, stop_words, themes_to_codebook
from cjkit.errors import DataError, ParameterError

# a small codebook: the planted topics below are not in it, so they stay uncoded
MINI = {"id": "mini", "name_de": "Mini", "name_en": "Mini", "codes": [
    {"id": "price", "label_de": "Preis", "label_en": "Price", "kind": "topic",
     "match": {"de": {"keywords": ["Preis"]}, "en": {"keywords": ["price"]}}},
    {"id": "staff", "label_de": "Personal", "label_en": "Staff", "kind": "topic",
     "match": {"de": {"keywords": ["Personal"]}, "en": {"keywords": ["staff"]}}}]}

TOPICS = {
    "dark_mode": (["dark mode", "dashboard", "night theme", "screen contrast", "bright display", "eyes hurt"],
                  "en"),
    "garage": (["garage lights", "flickering lamp", "ceiling bulb", "light switch", "dim lighting", "lamps broken"],
               "en"),
    "dogs": (["Hundewiese", "Hundeauslauf", "Hundespielplatz", "Gassi gehen", "Hundeleine", "Hundekot"], "de"),
}
FILLER = {"en": ["really", "today", "again", "maybe", "honestly", "somehow", "lately", "overall"],
          "de": ["wirklich", "heute", "wieder", "vielleicht", "ehrlich", "irgendwie", "neulich", "insgesamt"]}
ARI_FLOOR = 0.8   # adjusted Rand index of the themes against the planted topics


def planted_corpus(seed: int = 7, per_topic: int = 40) -> pd.DataFrame:
    """Three planted uncoded topics, answers the mini codebook codes, and empty/short answers."""
    rng = np.random.default_rng(seed)
    rows = []
    for topic, (words, lang) in TOPICS.items():
        for _ in range(per_topic):
            w = list(rng.choice(words, size=rng.integers(2, 4), replace=False))
            f = list(rng.choice(FILLER[lang], size=rng.integers(1, 4), replace=False))
            parts = w + f
            rng.shuffle(parts)
            lead = "Leider" if lang == "de" else "Sadly the"   # a function word: the language is clear
            rows.append((f"{lead} " + " ".join(parts), topic))
    for i in range(20):
        rows.append(("The price was too high" if i % 2 else "Das Personal war freundlich", "coded"))
    rows += [("", "empty"), ("   ", "empty"), ("ok", "short"), ("Really?", "short")]
    order = rng.permutation(len(rows))
    df = pd.DataFrame([rows[i] for i in order], columns=["text", "planted"])
    df.insert(0, "respondent_id", [f"r{i:03d}" for i in range(len(df))])
    return df


@pytest.fixture(scope="module")
def corpus():
    return planted_corpus()


@pytest.fixture(scope="module")
def result(corpus):
    return discover_themes(corpus, codebook=MINI, random_state=0)


def test_planted_topics_are_recovered(corpus, result):
    from sklearn.metrics import adjusted_rand_score
    a = result.assignments.merge(corpus[["respondent_id", "planted"]], on="respondent_id")
    t = a[a["planted"].isin(list(TOPICS))]
    assert (t["status"] == "theme").all()
    assert adjusted_rand_score(t["planted"], t["theme"].astype(int)) >= ARI_FLOOR
    assert len(result.themes) == 3
    assert result.selection["chosen"].sum() == 1
    assert int(result.selection.loc[result.selection["chosen"], "k"].iloc[0]) == 3
    # the German theme's phrases come from the planted German words; its language is German
    de = result.themes[result.themes["lang"] == "de"]
    assert len(de) == 1 and "hunde" in de["key_phrases"].iloc[0]


def test_every_text_is_accounted(corpus, result):
    a = result.assignments
    assert len(a) == len(corpus)
    assert a["respondent_id"].tolist() == corpus["respondent_id"].tolist()
    assert a["row"].tolist() == list(range(len(corpus)))
    assert set(a["status"]) <= set(STATUSES)
    assert a["reason"].str.len().gt(0).all()
    merged = a.merge(corpus[["respondent_id", "planted"]], on="respondent_id")
    assert (merged.query("planted == 'coded'")["status"] == "coded").all()
    assert (merged.query("planted == 'empty'")["status"] == "empty").all()
    assert (merged.query("planted == 'short'")["status"] == "too_short").all()
    assert a["theme"].notna().sum() == result.themes["n_texts"].sum()
    assert a.loc[a["status"] == "theme", "theme"].notna().all()
    assert a.loc[a["status"] != "theme", "theme"].isna().all()


def test_theme_frame_is_tidy(result):
    th = result.themes
    assert th.columns.tolist() == THEME_COLUMNS
    assert th["theme"].tolist() == list(range(1, len(th) + 1))
    assert th["n_texts"].is_monotonic_decreasing
    for col in th.columns:   # no lists or arrays in cells
        assert not th[col].map(lambda v: isinstance(v, (list, tuple, np.ndarray, dict))).any()
    assert th["sentiment"].between(-1, 1).all()
    n_text = (result.assignments["status"] != "empty").sum()
    assert np.allclose(th["share"], th["n_texts"] / n_text)
    assert th["examples"].str.len().gt(0).all()


def test_deterministic_with_a_seed(corpus, result):
    again = discover_themes(corpus, codebook=MINI, random_state=0)
    pd.testing.assert_frame_equal(again.themes, result.themes)
    pd.testing.assert_frame_equal(again.assignments, result.assignments)
    pd.testing.assert_frame_equal(again.selection, result.selection)


def test_coded_frame_and_fixed_k(corpus):
    coded = cj.code_texts(corpus, MINI)
    by_row = discover_themes(corpus, coded=coded, n_themes=2)
    by_id = discover_themes(corpus, coded=coded.drop(columns="row"), n_themes=2)
    assert len(by_row.themes) == 2
    pd.testing.assert_frame_equal(by_row.assignments, by_id.assignments)
    # with a high threshold coded answers count as uncoded too (low confidence)
    strict = discover_themes(corpus, coded=coded.assign(confidence=0.5), min_confidence=0.9, n_themes=3)
    assert not (strict.assignments["status"] == "coded").any()
    assert strict.assignments["reason"].str.contains("confidence 0.50").any()


def test_list_input_few_texts_and_bad_parameters():
    res = discover_themes(["dark mode please", "", "flickering garage lights"], codebook=MINI)
    assert res.themes.empty and res.themes.columns.tolist() == THEME_COLUMNS
    assert res.assignments["status"].tolist() == ["not_clustered", "empty", "not_clustered"]
    with pytest.raises(ParameterError, match="n_themes"):
        discover_themes(["x"], n_themes=0)
    with pytest.raises(ParameterError, match="min_confidence"):
        discover_themes(["x"], min_confidence=2)
    with pytest.raises(DataError):
        discover_themes(["x"], coded=pd.DataFrame({"a": [1]}))


def test_stop_words_come_from_the_lexicon():
    sw = stop_words()
    assert {"und", "der", "the", "and", "nicht", "not", "sehr", "very", "aber", "but", "on", "off"} <= sw
    assert all(isinstance(w, str) for w in sw)


def test_draft_codebook_round_trips(result, tmp_path):
    cb = themes_to_codebook(result)
    t = cb.table
    assert len(t) == 3 and t["draft"].all() and t["note"].str.len().gt(0).all()
    assert t["code"].str.startswith("draft_").all()
    # the key phrases are the match terms
    first = result.themes.iloc[0]
    row = t.iloc[0]
    terms = {x.strip() for c in ("keywords_de", "keywords_en", "phrases_de", "phrases_en")
             for x in row[c].split(";") if x.strip()}
    assert terms == {p.strip() for p in first["key_phrases"].split(";")}
    # YAML, CSV and REFI-QDA
    y = tmp_path / "draft_themes.yaml"
    y.write_text(yaml.safe_dump(cb.to_dict(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert cj.load_codebook(str(y)).codes == cb.codes
    back_csv = C.from_csv(C.to_csv(cb, tmp_path / "draft.csv"), id="draft_themes")
    assert back_csv.codes == cb.codes
    back_qdc = C.from_qdc(C.to_qdc(cb, tmp_path / "draft.qdc"))
    assert back_qdc.codes == cb.codes
    assert "DRAFT:" in (tmp_path / "draft.qdc").read_text(encoding="utf-8")
    # composed with the researcher's codebook, the draft codes code the planted answers
    composed = cj.load_codebook([MINI, str(y)])
    assert {"price", "staff", *t["code"]} <= set(composed.table["code"])
    coded = cj.code_texts(["Please a dark mode for the dashboard", "Hundewiese fehlt"], composed)
    assert coded["code"].astype(str).str.startswith("draft_").any()


def test_draft_codebook_rejects_empty_themes(result):
    with pytest.raises(DataError, match="min_texts"):
        themes_to_codebook(result.themes, min_texts=10_000)


def test_real_complaints(shared_data):
    path = shared_data / "cfpb_complaints_sample" / "cfpb_complaints_with_narratives.csv"
    df = pd.read_csv(path, usecols=["Complaint ID", "Consumer complaint narrative"]).dropna()
    df = df.head(1000).rename(columns={"Complaint ID": "respondent_id", "Consumer complaint narrative": "text"})
    res = discover_themes(df, codebook="shared", lang="en", random_state=0)
    a, th = res.assignments, res.themes
    assert len(a) == len(df) and a["status"].isin(STATUSES).all()
    assert len(th) >= 2 and (th["n_texts"] > 0).all() and th["key_phrases"].str.len().gt(0).all()
    texts = df["text"].tolist()
    for r in th.itertuples():
        members = [re.sub(r"[\W\d_]+", " ", texts[i].lower()) for i in a.index[a["theme"] == r.theme]]
        for phrase in r.key_phrases.split("; "):
            assert any(f" {phrase} " in f" {m} " for m in members), (r.theme, phrase)


def test_degenerate_pools_are_accounted():
    same = discover_themes(["Please a dark mode for the app"] * 10, codebook=MINI)
    assert same.assignments["status"].isin(["theme", "not_clustered"]).all()
    assert same.themes["n_texts"].sum() == (same.assignments["status"] == "theme").sum()
    # answers that share no word or character n-gram with each other are not clustered, with a reason
    words = ["zebra quokka", "fjord mylar", "hobgoblin vex", "pyjama cwm", "kudzu bijou", "jinx glyph",
             "sphinx quack", "waltz nymph", "oxbow dwarf", "jump vodka"]
    lone = discover_themes(words, codebook=MINI)
    a = lone.assignments
    assert len(a) == len(words) and a["reason"].str.len().gt(0).all()
    assert a["theme"].notna().sum() == lone.themes["n_texts"].sum()


def test_bad_lang_names_the_parameter():
    with pytest.raises(ParameterError, match="lang"):
        discover_themes(["x"], lang="fr")
    with pytest.raises(ParameterError, match="lang"):
        themes_to_codebook(pd.DataFrame({"theme": [1], "key_phrases": ["a"], "n_texts": [1]}), lang="fr")
