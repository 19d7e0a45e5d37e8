"""Codebook regex rules: the word gate lets every match through, and finds what re finds."""
import re

import numpy as np
import pytest

from cjkit.coding import matcher as M
from cjkit.coding.regexes import RegexRules, required_words

PATTERNS = [
    r"\b(no|none|not any|not a single) (\w+ )?(cars?|vehicles?)( \w+)? (was |were |is |are )?(available|left)\b",
    r"\b(they|staff|agents?|he|she)( \w+)? (were|was|are|is)( \w+)? (nice|good|awful|rude)\b",
    r"preis\W{0,3}leistung",
    r"\bwait(ed|ing)? \d+ (min|minutes|hours?)\b",
    r"(?i)\bCHECK[- ]?IN\b",
    r"\w+_id\b",
]
TEXTS = ["No cars were available", "no car left", "not a single vehicle is left", "not any car available",
         "They were nice", "the staff was really rude", "agent is good", "she was awful", "the were nice",
         "Preis-Leistung top", "preis leistung", "waited 20 minutes", "wait 3 hours", "Check-in slow",
         "checkin ok", "my user_id", "€not any car available", "Ünd they are good", "none left",
         "they arenice", "nothere were nice", "not a single car\nwas left", "", "x", "no  car left",
         "they were nice😀", "their staff were nice. no cars left", "they_were nice", "he is good"]


@pytest.mark.parametrize("pattern, expected", [
    (PATTERNS[0], [{"no", "none", "not", "single"}, {"car", "cars", "vehicle", "vehicles"}, {"available", "left"}]),
    (PATTERNS[1], [{"they", "staff", "agent", "agents", "he", "she"}, {"were", "was", "are", "is"},
                   {"nice", "good", "awful", "rude"}]),
    (PATTERNS[2], []),                       # "preis" may end inside a longer word: no gate
    (PATTERNS[3], [{"wait", "waited", "waiting"}, {"min", "minutes", "hour", "hours"}]),   # \d+ is no word
    (PATTERNS[4], [{"check", "checkin"}]),   # "check-in" and "check in" hold "check", "checkin" itself
    (PATTERNS[5], [{"id"}]),                 # "_" is no letter of a coded word
])
def test_required_words_by_hand(pattern, expected):
    assert [set(s) for s in required_words(pattern)] == expected


def test_gated_matches_equal_plain_re_per_text():
    texts = TEXTS * 3
    block = M.fold_block(texts)
    rules = RegexRules([(i, 1, re.compile(p), p) for i, p in enumerate(PATTERNS)])
    start, end, code, k, doc = rules.hits(block, M.Context.build(block), np.full(len(texts), 2))
    got = sorted(zip(k.tolist(), doc.tolist(), (start - block.doc_start_f[doc]).tolist(),
                     (end - block.doc_start_f[doc]).tolist()))
    # independent: re.finditer on each folded text on its own
    want = sorted((i, d, m.start(), m.end()) for i, p in enumerate(PATTERNS) for d, t in enumerate(texts)
                  for m in re.finditer(p, M.fold_block([t]).folded[1:]))
    assert got == want
    assert len(want) > 3 * 15


def test_language_of_the_rule():
    block = M.fold_block(["no car left", "no car left", "no car left"])
    rules = RegexRules([(0, 1, re.compile(PATTERNS[0]), PATTERNS[0])])
    *_, doc = rules.hits(block, M.Context.build(block), np.array([0, 1, 2]))
    assert doc.tolist() == [1, 2]     # German text: the English rule does not apply
