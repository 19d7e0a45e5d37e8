"""Folding, offsets back to the original, tokens, stems and compound splitting."""
from __future__ import annotations

import random

import numpy as np
import pytest

from cjkit.errors import ParameterError
from cjkit.coding.textnorm import fold, fold_block, split_compound, stem, term_stem, tokenize


@pytest.mark.parametrize("a, b", [("Grüße", "GRUESSE"), ("Straße", "strasse"), ("Café", "cafe"),
                                  ("Öffnungszeiten", "oeffnungszeiten"), ("naïve", "naive"),
                                  ("„Super“ – toll…", '"super" - toll...')])
def test_fold_makes_spellings_equal(a, b):
    assert fold(a) == fold(b)


def test_fold_decomposed_input_equals_composed():
    decomposed = "Fru\u0308hstu\u0308ck"   # u + combining diaeresis
    assert fold(decomposed) == fold("Frühstück") == "fruehstueck"


def test_fold_block_matches_fold_and_maps_back(shared_data):
    lines = (shared_data / "german_hotel_absa" / "dev.txt").read_text(encoding="utf-8").splitlines()
    texts = [ln.split("\t", 1)[1] for ln in lines[:300]] + ["Fu\u0308r Straße", "", "İstanbul Öl"]
    b = fold_block(texts)
    for i, t in enumerate(texts):
        s, e = b.doc_start_f[i], (b.doc_start_f[i + 1] - 2 if i + 1 < len(texts) else len(b.folded))
        assert b.folded[s:e] == fold(t)
    # every folded word maps back to an original span whose folding is that word
    rng = random.Random(1)
    for i in rng.sample(range(len(texts)), 100):
        t = texts[i]
        for w in tokenize(t, folded=False):
            pos = t.find(w)
            fs = b.doc_start_f[i] + len(fold(t[:pos]))
            fe = fs + len(fold(w))
            os_, oe = b.to_original(np.array([fs])), b.to_original(np.array([fe]), end=True)
            assert b.original[os_[0]:oe[0]] == w


def test_tokenize_keeps_hyphenated_words():
    assert tokenize("Check-in war ok, WLAN: 5 €") == ["check-in", "war", "ok", "wlan", "5"]


@pytest.mark.parametrize("word, lang, expected", [("Freundlichkeit", "de", "freundlich"),
                                                  ("Zimmern", "de", "zimm"),
                                                  ("waiting", "en", "wait"), ("rooms", "en", "room")])
def test_stem(word, lang, expected):
    assert stem(word, lang) == expected


def test_stem_rejects_unknown_language():
    with pytest.raises(ParameterError, match="lang"):
        stem("maison", "fr")


def test_term_stem_is_a_prefix_of_the_folded_word():
    for word, lang in [("Frühstück", "de"), ("Lieferung", "de"), ("delivery", "en"), ("Größe", "de"),
                       ("freundlich", "de"), ("cleanliness", "en")]:
        prefix, tail = term_stem(word, lang)
        assert fold(word) == prefix + tail
        assert len(prefix) >= 4
    assert term_stem("Lage", "de") == ("lage", "")   # too short a stem: whole word


@pytest.mark.parametrize("word, vocab, parts", [
    ("Rezeptionspersonal", {"rezeption", "personal"}, ["rezeption", "personal"]),
    ("Kundenservice", {"kunde", "service"}, ["kunde", "service"]),
    ("Frühstücksbuffet", {"frühstück", "buffet"}, ["fruehstueck", "buffet"]),
    ("Zimmerreinigungspersonal", {"zimmer", "reinigung", "personal"}, ["zimmer", "reinigung", "personal"]),
    ("Hotel", {"zimmer"}, ["hotel"]),
])
def test_split_compound(word, vocab, parts):
    assert split_compound(word, vocab) == parts
