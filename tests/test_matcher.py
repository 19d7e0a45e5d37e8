"""The scanner under the rule coder: empty tables, word ends, compounds and places."""
from __future__ import annotations

import numpy as np
import pytest

from cjkit.coding import matcher as M
from cjkit.coding.codebook import load_codebook
from cjkit.coding.coder import code_texts
from cjkit.coding.stopwords import detect_lang, stopword_counts


def mini(terms, lang="en"):
    return load_codebook({"id": "mini", "name_de": "m", "name_en": "m", "codes": [
        {"id": "c", "kind": "topic", "label_de": "c", "label_en": "c", "match": {lang: {"keywords": terms}}}]})


def rows(texts, terms, lang="en"):
    return sorted(set(code_texts(texts, mini(terms, lang), lang=lang)["row"]))


def hotel(text):
    out = code_texts([text], load_codebook(["shared", "hospitality"]))
    return {c: r for c, r in zip(out["code"].astype(str), out.to_dict("records"))}


# ---------------------------------------------------------------- the automaton itself
def test_an_empty_term_table_scans_to_no_hits():
    scan = M.Matcher(M.TermTable()).scan(M.fold_block(["Das Zimmer", ""]))
    assert scan.term.size == 0 and scan.of_kind(M.CODE).size == 0
    assert scan.doc_lang(2).tolist() == [2, 2]           # nothing decides the language


def test_function_words_alone_still_scan():
    t = M.TermTable()
    M.add_function_words(t, stopwords=False, sentiment=False)
    scan = M.Matcher(t).scan(M.fold_block(["nicht gut"]))
    assert scan.start[scan.of_kind(M.NEG)].tolist() == [1]


# ---------------------------------------------------------------- word ends
def test_english_endings_are_inflections_not_other_words():
    # written out: card/cards are not forms of car, suite not of suit, manager not of managed
    assert rows(["a new card", "the cards", "my car", "two cars"], ["car"]) == [2, 3]
    assert rows(["a suite", "a suit", "two suits"], ["suit"]) == [1, 2]
    assert rows(["the manager", "I managed", "she manages"], ["managed"]) == [1, 2]
    assert rows(["friendliness", "a friend", "friends", "friendly"], ["friend"]) == [1, 2]
    assert rows(["we arrived", "it arrives"], ["arrive"]) == [0, 1]       # "-d" after "e" is a form
    assert rows(["new cars", "new card"], ["new car"]) == [0]             # also at a phrase end


def test_german_nouns_keep_their_form():
    # "schade" (a pity) is no form of Schaden, "Reis" (rice) none of Reise; inflections are
    assert rows(["Schade eigentlich", "Der Schaden", "des Schadens"], ["Schaden"], "de") == [1, 2]
    assert rows(["Reis mit Gemüse", "Die Reise", "auf Reisen"], ["Reise"], "de") == [1, 2]


@pytest.mark.parametrize("text, found", [
    ("Ein Spritzer Zitrone", False),     # "Sprit" + "zer": no compound head
    ("Spritpreise steigen", True),       # "Sprit" + "preise"
    ("Die Kartoffeln", False),
    ("Kartenzahlung ging nicht", True),  # "Karte" + linking n + "zahlung"
])
def test_a_compound_needs_a_head_of_its_own(text, found):
    assert bool(rows([text], ["Sprit", "Karte"], "de")) is found


# ---------------------------------------------------------------- places
def test_a_place_after_in_is_where_the_topic_happened():
    c = hotel("WLAN im Zimmer geht nicht")
    assert "room" not in c and c["wifi"]["negated"] and c["wifi"]["polarity"] == -1
    c = hotel("The wifi in the room was down all week.")
    assert "room" not in c and "wifi" in c
    assert c["cancellation_outage"]["touchpoint"] == "wifi"     # the pain point is the wifi's


def test_a_place_is_kept_when_it_is_the_topic():
    assert {"room", "wifi"} <= set(hotel("Das Zimmer war schön, aber das WLAN geht nicht."))
    assert "room" in hotel("Im Zimmer war es sehr sauber.")      # no other touchpoint in the clause
    # "at" names the venue, a touchpoint in its own right
    out = code_texts(["The ticket machine at the station was broken."], load_codebook(["shared", "rail_transport"]))
    assert {"ticket_machine", "station"} <= set(out["code"].astype(str))
    # a channel is no place: booking on the website names both
    out = code_texts(["I booked it in the app."], load_codebook(["shared"]))
    assert {"booking", "app_website"} <= set(out["code"].astype(str))


def test_places_reads_the_clause_only():
    t = M.TermTable()
    M.add_function_words(t)
    M.add_locatives(t)
    t.add("WLAN", M.CODE, owner=0)
    t.add("Zimmer", M.CODE, owner=1)
    scan = M.Matcher(t).scan(M.fold_block(["Das WLAN ist gut. Im Zimmer war es kalt"]))
    c = scan.of_kind(M.CODE)
    place, end = scan.places(scan.start[c], scan.end[c], scan.arr["owner"][scan.term[c]])
    assert place.tolist() == [False, False]           # the room is another sentence's topic
    assert end.tolist() == scan.end[c].tolist()


# ---------------------------------------------------------------- language without stopword terms
def test_detect_lang_counts_stopwords_as_the_automaton_finds_them(shared_data):
    """The word-based stopword count must equal the count of stopword hits of an automaton
    that holds the stopwords as terms (the independent way), on real German and English text."""
    import pandas as pd
    lines = (shared_data / "german_hotel_absa" / "test.txt").read_text(encoding="utf-8").splitlines()
    texts = [ln.split("\t", 1)[1] for ln in lines if "\t" in ln][:1500]
    bt = pd.read_csv(shared_data / "bitext_customer_service" / "Bitext_Sample_Customer_Service_Training_Dataset.csv")
    texts += bt["utterance"].astype(str).tolist()[:1500]
    texts += ["Und\nund", "und-so (und) und2 undé UND", "the  THE the's", "", "für fuer Für"]
    t = M.TermTable()
    M.add_function_words(t, stopwords=True, sentiment=False)
    scan = M.Matcher(t).scan(M.fold_block(texts))
    n = len(texts)
    de = np.bincount(scan.doc[scan.of_kind(M.STOP_DE)], minlength=n)
    en = np.bincount(scan.doc[scan.of_kind(M.STOP_EN)], minlength=n)
    got_de, got_en = stopword_counts(scan.block, scan.ctx, n)
    assert (got_de == de).all() and (got_en == en).all()
    assert de.sum() > 1000 and en.sum() > 1000
    assert (detect_lang(scan.block, scan.ctx, n) == scan.doc_lang(n)).all()
