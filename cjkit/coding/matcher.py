"""One Aho-Corasick pass over many texts: build the automaton, scan chunks of answers.

Every term of a codebook, the negation cues, clause markers, language stopwords and the
sentiment lexicon go into *one* automaton. The texts of a chunk are folded and joined into
one string (:func:`cjkit.coding.textnorm.fold_block`) and scanned once in C; everything after
the scan is decided with numpy on arrays of hits, never with a Python loop over codes or
texts. The steps live in modules of their own, and this module gathers their names (the
coder, sentiment scorer and language guesser use ``matcher.X``):

* :mod:`cjkit.coding.terms` -- the term syntax, hit kinds, function words (:class:`TermTable`);
* :mod:`cjkit.coding.context` -- word and clause arithmetic on the folded text (:class:`Context`);
* :mod:`cjkit.coding.accept` -- which raw hits are words, inflections or compound parts;
* :mod:`cjkit.coding.scan` -- the accepted hits of a chunk (:class:`Scan`), language per text;
* :mod:`cjkit.coding.scope` -- negation scope and places ("WLAN im Zimmer").

Examples
--------
>>> from cjkit.coding import matcher as M
>>> t = M.TermTable(); M.add_function_words(t); t.add("Lieferzeit", M.CODE, owner=0)
>>> scan = M.Matcher(t).scan(M.fold_block(["Die Lieferzeit war nicht lang"]))
>>> scan.start[scan.of_kind(M.CODE)].tolist()
[5]
"""
from __future__ import annotations

import itertools

import ahocorasick
import numpy as np

from cjkit.coding.accept import accept
from cjkit.coding.context import Context
from cjkit.coding.scan import Scan, decide_lang
from cjkit.coding.terms import (CLAUSE, CODE, CONTRAST, DERIVATIONS, EXACT, EXCLUDE, INTENS, LANG_ID, LOC,
                                LOCATIVES, NEG, PHRASE, PLACE_GAP, PREFIX, PSEUDO, SENT, STOP_DE, STOP_EN,
                                WORD, TermTable, add_function_words, add_locatives, function_words)
from cjkit.coding.textnorm import FoldedBlock, fold_block
from cjkit.coding.wordkeys import KeyTable, tail_key, text_tail_keys, word_key

__all__ = ["CLAUSE", "CODE", "CONTRAST", "DERIVATIONS", "EXACT", "EXCLUDE", "INTENS", "LANG_ID", "LOC",
           "LOCATIVES", "NEG", "PHRASE", "PLACE_GAP", "PREFIX", "PSEUDO", "SENT", "STOP_DE", "STOP_EN",
           "WORD", "Context", "FoldedBlock", "Matcher", "Scan", "TermTable", "add_function_words",
           "add_locatives", "decide_lang", "fold_block", "function_words", "iter_scans"]


class Matcher:
    """A compiled automaton over a :class:`TermTable` (build once, scan many chunks).

    Parameters
    ----------
    table : TermTable

    Examples
    --------
    >>> from cjkit.coding import matcher as M
    >>> t = M.TermTable(); t.add("Zimmer", M.CODE, owner=0)
    >>> M.Matcher(t).arr["kind"].tolist()
    [0]
    """

    def __init__(self, table: TermTable):
        self.table = table
        self.arr = table.arrays()
        # Function words stored as " word" (exact, after a space) are looked up per word of the
        # chunk (cjkit.coding.wordkeys), not scanned: as patterns they would be a large share
        # of the automaton's hits. Code terms always stay in the automaton.
        by_word = [i for i, p in enumerate(table.pattern)
                   if self.arr["simple"][i] and table.kind[i] not in (CODE, EXCLUDE) and _plain(p[1:])]
        self.word_terms = _WordTerms(table, by_word)
        groups: dict[str, list[int]] = {}
        skip = set(by_word)
        for i, p in enumerate(table.pattern):
            if i not in skip:
                groups.setdefault(p, []).append(i)
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        members, offsets = [], [0]
        for g, (p, idx) in enumerate(groups.items()):
            self.automaton.add_word(p, g)
            members.extend(idx)
            offsets.append(len(members))
        if groups:
            self.automaton.make_automaton()
        self.group_members = np.array(members, np.int64)
        self.group_offsets = np.array(offsets, np.int64)
        self.one_term = bool((np.diff(self.group_offsets) == 1).all())
        self.first_term = self.group_members[self.group_offsets[:-1]] if members else self.group_members
        self.back = self.arr["length"] - self.arr["lead"]   # from a hit's end to its start
        # accept() counts the letters before a hit only up to 3
        assert not table.min_left or max(table.min_left) <= 3, "min_left above 3"

    def scan(self, block: FoldedBlock) -> "Scan":
        """Find every accepted hit of every term in *block*.

        Parameters
        ----------
        block : cjkit.coding.textnorm.FoldedBlock

        Returns
        -------
        Scan

        Examples
        --------
        >>> import numpy as np
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
        >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
        >>> codes = scan.of_kind(M.CODE)
        >>> scan.start[codes].tolist(), scan.end[codes].tolist(), scan.doc[codes].tolist()
        ([5], [11], [0])
        """
        # chain.from_iterable flattens the (end, group) tuples in C: the only per-hit Python cost
        if self.automaton.kind == ahocorasick.AHOCORASICK:
            flat = np.fromiter(itertools.chain.from_iterable(self.automaton.iter(block.folded)), dtype=np.int64)
        else:   # an empty table: the automaton was never built and finds nothing
            flat = np.empty(0, np.int64)
        end_incl, grp = flat[0::2], flat[1::2]
        if self.one_term:   # usual case: each pattern belongs to one term
            term = self.first_term[grp]
            end = end_incl + 1
        else:
            sizes = self.group_offsets[grp + 1] - self.group_offsets[grp]
            rep = np.repeat(np.arange(grp.size), sizes)
            first = np.repeat(self.group_offsets[grp], sizes)
            within = np.arange(rep.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
            term = self.group_members[first + within]
            end = end_incl[rep] + 1
        a = self.arr
        start = end - self.back[term]
        ctx = Context.build(block)
        # exact words stored with a leading space already start a word: only the end is checked
        simple = a["simple"][term]
        s_idx = np.flatnonzero(simple)
        s_ok = s_idx[~ctx.isword_after[end[s_idx]]]
        c_idx = np.flatnonzero(~simple)
        ok, neg_prefix, conf, c_start, c_end = accept(ctx, a, term[c_idx], start[c_idx], end[c_idx])
        # a hit covers whole words: "Lieferzeit", not the stem "Liefer"
        w_term, w_start, w_end = self.word_terms.find(ctx)
        term = np.concatenate([term[c_idx][ok], term[s_ok], w_term])
        start = np.concatenate([c_start, start[s_ok], w_start])
        end = np.concatenate([c_end, end[s_ok], w_end])
        neg_prefix = np.concatenate([neg_prefix, np.zeros(s_ok.size + w_term.size, bool)])
        conf = np.concatenate([conf, np.ones(s_ok.size + w_term.size)])
        doc = np.searchsorted(block.doc_start_f, start, side="right") - 1
        return Scan(block, ctx, term, start, end, doc, neg_prefix, conf, a)


def _plain(word: str) -> bool:
    return 0 < len(word) <= 16 and all("a" <= c <= "z" or "0" <= c <= "9" for c in word)


class _WordTerms:
    """Terms found by looking up the words of a chunk (:mod:`cjkit.coding.wordkeys`), each a
    whole word after a space, as the automaton finds a pattern stored as " word"."""

    def __init__(self, table: TermTable, rows: list):
        groups: dict[int, list[int]] = {}
        for i in rows:
            groups.setdefault(word_key(table.pattern[i][1:]), []).append(i)
        self.members = np.array([i for g in groups.values() for i in g], np.int64)
        self.offsets = np.r_[0, np.cumsum([len(g) for g in groups.values()])].astype(np.int64)
        self.tail = np.zeros(len(table.pattern), np.uint64)
        for i in rows:
            self.tail[i] = tail_key(table.pattern[i][1:])
        self.long = bool(self.tail.any())
        self.keys = KeyTable(list(groups), list(range(len(groups)))) if groups else None

    def find(self, ctx: Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Term, start and end of every hit of these terms in the chunk, in text order."""
        if self.keys is None:
            return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64)
        starts, key = ctx.word_keys
        idx, grp = self.keys.lookup(key)
        idx, grp = idx[ctx.small[starts[idx] - 1] == ord(" ")], grp[ctx.small[starts[idx] - 1] == ord(" ")]
        sizes = self.offsets[grp + 1] - self.offsets[grp]
        if (sizes == 1).all():
            term, at = self.members[self.offsets[grp]], idx
        else:   # a word of several terms ("aber": clause and contrast) is a hit of each
            first = np.repeat(self.offsets[grp], sizes)
            term = self.members[first + np.arange(first.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)]
            at = np.repeat(idx, sizes)
        start, end = starts[at], ctx.word_ends[at]
        if self.long:   # words beyond 8 letters share a key: their letters 9-16 decide
            ok = text_tail_keys(ctx, start, end) == self.tail[term]
            term, start, end = term[ok], start[ok], end[ok]
        return term, start, end


def iter_scans(texts: list, matcher: "Matcher", chunk_size: int = 20_000):
    """Yield ``(offset, scan)`` for consecutive chunks of *texts* (bounded memory).

    Parameters
    ----------
    texts : list of str
    matcher : Matcher
    chunk_size : int
        Texts per scan.

    Returns
    -------
    iterator of (int, Scan)
        Offset of the chunk's first text, and its scan.

    Examples
    --------
    >>> from cjkit.coding import matcher as M
    >>> t = M.TermTable(); t.add("Zimmer", M.CODE, owner=0)
    >>> m = M.Matcher(t)
    >>> [(off, scan.block.doc_start.size) for off, scan in M.iter_scans(["a", "b", "c"], m, chunk_size=2)]
    [(0, 2), (2, 1)]
    """
    for off in range(0, max(len(texts), 1), chunk_size):
        chunk = texts[off:off + chunk_size]
        if not chunk:
            return
        yield off, matcher.scan(fold_block(chunk))
