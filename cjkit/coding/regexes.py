"""Codebook regular expressions, run only on the answers that can match them.

A code may have ``regex`` rules besides its keywords. Python's ``re`` tries such a pattern at
every position of the text, which on a large coding costs more than the whole automaton scan.
Most rule patterns name words that every match contains ("(they|staff) ... (was|were) ...
(nice|awful)"): :func:`required_words` reads these sets of words from the pattern, and
:class:`RegexRules` runs a pattern only over the answers in its language that contain a word
of every set (one lookup per word of the chunk, :mod:`cjkit.coding.wordkeys`). Answers holding a
character outside ASCII after folding are always searched, since ``re`` and the coder may
disagree there about where a word ends. A match never spans two answers.

Examples
--------
>>> from cjkit.coding.regexes import required_words
>>> [sorted(s) for s in required_words(r"\\b(staff|agents?) (was|were) (nice|rude)\\b")]
[['agent', 'agents', 'staff'], ['was', 'were'], ['nice', 'rude']]
"""
from __future__ import annotations

import re
import re._constants as C   # the parser of ``re`` itself: patterns are read exactly as ``re`` reads them
import re._parser as P

import numpy as np

from cjkit.coding.wordkeys import KeyTable, word_key

_CAP = 512          # most strings a finite part of a pattern is expanded into
_UNKNOWN = "\x01"   # any characters (maybe none): a word next to it is not known to end there
_EDGE = "\x00"      # a word boundary or the start/end of the text: a word ends there


def _is_word(ch: str) -> bool:
    # the coder's word characters (cjkit.coding.context): a-z, 0-9; non-ASCII never becomes a gate word
    return "a" <= ch <= "z" or "0" <= ch <= "9"


def _expand(items) -> set[str]:
    """The strings a sequence of parsed items matches, ``_UNKNOWN`` for the parts that are no
    small finite set of strings (``\\w+``, ``.*``, lookarounds)."""
    out = {""}
    for op, av in items:
        if op is C.LITERAL:
            # (a non-ASCII letter may match an ASCII one without case: "\u212a" is "k")
            alts = {chr(av).lower() if chr(av).isascii() else _UNKNOWN}
        elif op is C.SUBPATTERN:
            alts = _expand(av[3])
        elif op is C.BRANCH:
            alts = set().union(*(_expand(b) for b in av[1]))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[1] <= 2:
            one, alts = _expand(av[2]), set()
            for k in range(av[0], av[1] + 1):
                part = {""}
                for _ in range(k):
                    part = {a + b for a in part for b in one}
                alts |= part
        elif op is C.IN and all(o is C.LITERAL and chr(c).isascii() for o, c in av) and len(av) <= 8:
            alts = {chr(c).lower() for _, c in av}
        elif op is C.AT and av in (C.AT_BOUNDARY, C.AT_BEGINNING, C.AT_BEGINNING_STRING, C.AT_END,
                                    C.AT_END_STRING):
            alts = {_EDGE}
        else:
            alts = {_UNKNOWN}
        out = {a + b for a in out for b in alts}
        if len(out) > _CAP:
            return {_UNKNOWN}
    return out


def _whole_words(s: str) -> list[str]:
    """Words of *s* with a known end on both sides (a non-word character or an edge)."""
    words, cur, left = [], "", _UNKNOWN
    for ch in s + _UNKNOWN:
        if _is_word(ch):
            cur += ch
            continue
        if cur and left != _UNKNOWN and ch != _UNKNOWN:
            words.append(cur)
        cur, left = "", ch
    return words


def required_words(pattern: str, flags: int = 0) -> list[frozenset]:
    """Sets of words every match of *pattern* contains: a match holds a word of each set.

    Only whole words count, bounded in the pattern by ``\\b``, a space or punctuation on both
    sides. A pattern with no such word gives ``[]`` (run on every answer).

    Parameters
    ----------
    pattern : str
    flags : int
        ``re`` flags.

    Returns
    -------
    list of frozenset of str

    Examples
    --------
    >>> from cjkit.coding.regexes import required_words
    >>> [sorted(s) for s in required_words(r"\\bno cars?\\b")], required_words(r"preis\\W{0,3}leistung")
    ([['no'], ['car', 'cars']], [])
    """
    try:
        items = list(P.parse(pattern, flags))
    except (re.error, RecursionError):
        return []
    # walk the top-level sequence; whenever every alternative so far ends in a non-word
    # character, the words before it are complete: record one set, keep only that last character
    sets, run = [], {_UNKNOWN}
    for item in items + [(None, None)]:
        alts = _expand([item]) if item[0] is not None else {_UNKNOWN}
        run = {a + b for a in run for b in alts}
        if len(run) > _CAP:
            run = {a + _UNKNOWN for a in {r[-1] for r in run}}
        if all(r and not _is_word(r[-1]) for r in run):
            per = [_whole_words(r) for r in run]
            if all(per):
                sets.append(frozenset(max(w, key=len) for w in per))
            run = {r[-1] for r in run}
    return list(dict.fromkeys(s for s in sets if s))


class RegexRules:
    """The ``regex`` rules of a codebook, each with the word sets that gate it.

    Parameters
    ----------
    rules : list of (int, int, re.Pattern, str)
        Code row, language id, compiled pattern and its source, in codebook order.

    Examples
    --------
    >>> import re
    >>> import numpy as np
    >>> from cjkit.coding import matcher as M
    >>> from cjkit.coding.regexes import RegexRules
    >>> rules = RegexRules([(0, 1, re.compile(r"\\bno cars?\\b"), "no car")])
    >>> b = M.fold_block(["No cars today", "no bikes", "no car", "no car"])
    >>> start, end, code, k, doc = rules.hits(b, M.Context.build(b), np.array([1, 1, 2, 0]))
    >>> start.tolist(), end.tolist(), doc.tolist()     # the last text is German
    ([1, 26], [8, 32], [0, 2])
    """

    def __init__(self, rules: list):
        self.rules = rules
        self.gates = [required_words(rx.pattern, rx.flags) for _, _, rx, _ in rules]
        # every gate word of every rule in one table; per word a bit for each set it is in
        bits: dict[int, int] = {}
        self.set_bits = []
        nset = 0
        for sets in self.gates:
            mine = []
            for s in sets[:max(0, 63 - nset)]:
                for w in s:
                    bits[word_key(w)] = bits.get(word_key(w), 0) | (1 << nset)
                mine.append(nset)
                nset += 1
            self.set_bits.append(mine)
        self.table = KeyTable(list(bits), list(bits.values())) if bits else None

    def __len__(self):
        return len(self.rules)

    def _gated_docs(self, block, ctx, n_docs: int) -> list:
        """Per rule: which texts contain a word of each of its sets (None: every text)."""
        if self.table is None:
            return [None] * len(self.rules)
        starts, key = ctx.word_keys
        idx, b = self.table.lookup(key)
        doc = np.searchsorted(block.doc_start_f, starts[idx], side="right") - 1
        # an answer with a character outside ASCII is always searched
        odd = np.flatnonzero(ctx.small == 128)
        wide = np.zeros(n_docs, bool)
        wide[np.searchsorted(block.doc_start_f, odd, side="right") - 1] = True
        out = []
        for mine in self.set_bits:
            if not mine:
                out.append(None)
                continue
            ok = np.ones(n_docs, bool)
            for s in mine:
                has = np.zeros(n_docs, bool)
                has[doc[((b >> s) & 1) == 1]] = True
                ok &= has
            out.append(ok | wide)
        return out

    def hits(self, block, ctx, dl: np.ndarray):
        """Matches of every rule in the texts of *block* whose language fits the rule.

        Parameters
        ----------
        block : cjkit.coding.textnorm.FoldedBlock
        ctx : cjkit.coding.context.Context
        dl : ndarray of int
            Language per text (0 German, 1 English, 2 undetermined: every rule applies).

        Returns
        -------
        (ndarray, ndarray, ndarray, ndarray, ndarray) of int64
            Folded start and end, code row, rule number and text of each match, rule by
            rule, in text order.
        """
        n_docs = block.doc_start_f.size
        ends = np.r_[block.doc_start_f[1:] - 2, len(block.folded)]
        folded = block.folded
        rows = []
        for k, ((code, lang, rx, _), gate) in enumerate(zip(self.rules, self._gated_docs(block, ctx, n_docs))):
            ok = (dl == 2) | (dl == lang)
            sel = np.flatnonzero(ok if gate is None else ok & gate)
            if not sel.size:
                continue
            # the texts joined as in the block (each after "\n "); a match must lie within one
            lo, hi = block.doc_start_f[sel], ends[sel]
            text = " " + "\n ".join([folded[a:b] for a, b in zip(lo.tolist(), hi.tolist())])
            off = 1 + np.r_[0, np.cumsum(hi - lo + 2)[:-1]]
            m = np.array([(x.start(), x.end()) for x in rx.finditer(text)], np.int64).reshape(-1, 2)
            piece = np.searchsorted(off, m[:, 0], side="right") - 1
            inside = (piece >= 0) & (m[:, 1] <= off[piece] + (hi - lo)[piece])
            m, piece = m[inside], piece[inside]
            shift = lo[piece] - off[piece]
            rows.append((m[:, 0] + shift, m[:, 1] + shift, np.full(piece.size, code), np.full(piece.size, k),
                         sel[piece]))
        if not rows:
            return tuple(np.empty(0, np.int64) for _ in range(5))
        return tuple(np.concatenate([r[i] for r in rows]).astype(np.int64) for i in range(5))
