"""Word keys and the function words found by them, checked against plain regular expressions."""
import re

import numpy as np

from cjkit.coding import matcher as M
from cjkit.coding.wordkeys import KeyTable, word_key

TEXTS = ["Das Zimmer war nicht sauber, aber ruhig.", "Innerhalb des Hotels keine Sauna; innerhalbs innerhalbx",
         "not bad but not good either", "Nicht-Raucher (nicht) nicht.", "im Zimmer, in the room, inside it",
         "trotzdem gut, allerdings laut", "einigermassen ok 😀 nicht", "x" * 20 + " nicht", "", "abernicht aber"]
WORD = r"[a-z0-9\u0080-\U0010ffff]"   # the coder's word characters after folding


def test_keys_of_every_word_match_word_key():
    block = M.fold_block(TEXTS)
    ctx = M.Context.build(block)
    start, key = ctx.word_keys
    words = [(m.start(), m.group()) for m in re.finditer(WORD + "+", block.folded)]
    assert start.tolist() == [s for s, _ in words]
    ascii_words = [(i, w) for i, (_, w) in enumerate(words) if w.isascii()]
    assert [int(key[i]) for i, _ in ascii_words] == [word_key(w) for _, w in ascii_words]


def test_key_table_finds_exactly_its_keys():
    words = ["nicht", "aber", "im", "innerhalb", "allerdings", "so"]
    table = KeyTable([word_key(w) for w in words], list(range(len(words))))
    probe = ["so", "sox", "innerhalbx", "nicht", "aberx", "allerdings", "im", "i"]
    idx, value = table.lookup(np.array([word_key(w) for w in probe], np.uint64))
    # "innerhalbx" shares the key of "innerhalb" (first 8 letters, both longer than 8): letters
    # 9-16 are compared by the matcher, not by the table
    assert [probe[i] for i in idx] == ["so", "innerhalbx", "nicht", "allerdings", "im"]
    assert [words[v] for v in value] == ["so", "innerhalb", "nicht", "allerdings", "im"]


def test_function_words_found_where_a_regex_finds_them():
    table = M.TermTable()
    M.add_function_words(table)
    M.add_locatives(table)
    matcher = M.Matcher(table)
    scan = matcher.scan(M.fold_block(TEXTS))
    got = sorted((int(s), int(e), table.pattern[t]) for t, s, e in zip(scan.term, scan.start, scan.end)
                 if t in set(matcher.word_terms.members.tolist()))
    # independent: each word stored as " word" found after a space, not followed by a word character
    folded = scan.block.folded
    want = sorted((m.start(1), m.end(1), table.pattern[i]) for i in matcher.word_terms.members.tolist()
                  for m in re.finditer(" (" + re.escape(table.pattern[i][1:]) + ")(?!" + WORD + ")", folded))
    assert got == want
    found = {p for _, _, p in got}
    assert {" nicht", " aber", " innerhalb", " im", " in", " allerdings", " einigermassen"} <= found
    assert (folded.index("innerhalbs"), folded.index("innerhalbs") + 10, " innerhalb") not in got
