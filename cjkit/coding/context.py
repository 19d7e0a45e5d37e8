"""Word and clause arithmetic on a folded chunk of answers (:class:`Context`).

The scan of a chunk finds hits as offsets in one folded string; whether a hit is a whole word,
how many words lie between two hits and which clause a hit belongs to are answered here with
sorted position arrays (word starts, non-word characters, punctuation) and binary searches,
never with a loop over characters.

Examples
--------
>>> from cjkit.coding.context import Context
>>> from cjkit.coding.textnorm import fold_block
>>> ctx = Context.build(fold_block(["Zimmer sauber, Lage gut."]))
>>> ctx.word_starts.tolist(), ctx.clause_pos.tolist(), ctx.sentence_pos.tolist()
([1, 8, 16, 21], [14, 24], [24])
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from cjkit.coding.textnorm import FoldedBlock
from cjkit.coding.wordkeys import text_keys

_CLAUSE_LUT = np.zeros(129, dtype=bool)
_CLAUSE_LUT[[ord(c) for c in ".;!?:,\n()"]] = True
_SENTENCE_LUT = np.zeros(129, dtype=bool)
_SENTENCE_LUT[[ord(c) for c in ".;!?\n"]] = True


@dataclass
class Context:
    """Per-chunk arrays for word and clause arithmetic on the folded string.

    Parameters
    ----------
    codes, isword, nonword, word_starts, clause_pos, sentence_pos, small : ndarray
        Built by :meth:`build`, not by hand.

    Examples
    --------
    >>> from cjkit.coding import matcher as M
    >>> M.Context.build(M.fold_block(["a b"])).word_starts.tolist()
    [1, 3]
    """

    codes: np.ndarray
    isword: np.ndarray         # word character at position
    nonword: np.ndarray        # positions of non-word characters
    word_starts: np.ndarray    # positions where a word begins
    clause_pos: np.ndarray     # sorted positions of clause punctuation (incl. commas)
    sentence_pos: np.ndarray   # sorted positions of sentence punctuation
    small: np.ndarray = None   # uint8 per position: the ASCII code, 128 for any other character
    _padded: np.ndarray = field(default=None, repr=False)   # small plus 8 zero bytes
    _isword_pad: np.ndarray = field(default=None, repr=False)   # isword plus one False

    @property
    def isword_after(self) -> np.ndarray:
        """:attr:`isword` with one more position (False) after the text, and at index -1:
        ``isword_after[end]`` and ``isword_after[start - 1]`` need no bounds test."""
        if self._isword_pad is None:
            self._isword_pad = np.r_[self.isword, False]
        return self._isword_pad

    @classmethod
    def build(cls, block: FoldedBlock) -> "Context":
        """Parameters
        ----------
        block : cjkit.coding.textnorm.FoldedBlock

        Returns
        -------
        Context

        Examples
        --------
        >>> from cjkit.coding import matcher as M
        >>> M.Context.build(M.fold_block(["ab, c"])).clause_pos.tolist()
        [3]
        """
        c = block.codes
        # 8 zero bytes after the text let :attr:`window` read 8 letters anywhere without a copy
        padded = np.empty(c.size + 8, np.uint8)
        padded[c.size:] = 0
        small = np.minimum(c, 128, out=padded[:c.size], casting="unsafe")
        # word characters (a-z, 0-9, any non-ASCII letter) by comparisons (uint8 wrap-around:
        # x - 97 < 26 is a-z): a table lookup per
        # character is several times slower
        # (in place into two scratch arrays: every temporary of the text's size costs page faults)
        t = small - np.uint8(97)
        # (one flag more after the text, never a word character: see :attr:`isword_after`)
        pad = np.zeros(c.size + 1, bool)
        isword = np.less(t, 26, out=pad[:c.size])
        flag = np.less(np.subtract(small, np.uint8(48), out=t), 10)
        isword |= flag
        isword |= np.equal(small, 128, out=flag)
        nonword = np.flatnonzero(~isword)
        # a word starts at 0 or right after a non-word character (far fewer than characters)
        # (the flag after the text is False: a non-word character at the end starts no word)
        starts = nonword[pad[nonword + 1]] + 1
        if c.size and isword[0]:
            starts = np.r_[0, starts]
        # punctuation is rare: look up only the non-word characters that are no space
        punct = nonword[small[nonword] != ord(" ")]
        # positions, not flags per character: punctuation is rare
        kind = small[punct]
        return cls(c, isword, nonword, starts, punct[_CLAUSE_LUT[kind]], punct[_SENTENCE_LUT[kind]], small, padded,
                   pad)

    @functools.cached_property
    def window(self) -> np.ndarray:
        """Per position the next 8 characters as one little-endian uint64 (non-ASCII -> 128).

        A strided view over the padded bytes, no copy per position: comparing the letters at
        many positions with short words (stopwords, endings) is one gather and one comparison.
        """
        small = self.small
        pad = self._padded if self._padded is not None else np.concatenate([small, np.zeros(8, np.uint8)])
        return np.ndarray(shape=(small.size,), dtype="<u8", buffer=pad, strides=(1,))

    @functools.cached_property
    def word_ends(self) -> np.ndarray:
        """End (exclusive) of each word of :attr:`word_starts`, in the same order.

        A word ends where a word character is followed by a non-word character (or the text
        ends): those positions pair up with the word starts.

        Examples
        --------
        >>> from cjkit.coding import matcher as M
        >>> M.Context.build(M.fold_block(["aa, b"])).word_ends.tolist()
        [3, 6]
        """
        nw, isword = self.nonword, self.isword
        ends = nw[self.isword_after[nw - 1]]     # (index -1 reads the padding: False)
        if isword.size and isword[-1]:
            ends = np.append(ends, isword.size)
        return ends

    @functools.cached_property
    def word_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """Start and key of every word (:func:`cjkit.coding.wordkeys.text_keys`)."""
        return text_keys(self)

    @functools.cached_property
    def _words_cum(self) -> np.ndarray:
        flags = np.zeros(self.codes.size + 1, bool)   # a byte per character, summed as int32
        flags[self.word_starts + 1] = True
        return np.cumsum(flags, dtype=np.int32)

    def nth_word_start(self, pos, n: int) -> np.ndarray:
        """The *n*-th word start at or after each position (``n >= 0``; beyond the last word
        the largest int64), or with ``n < 0`` the ``-n``-th before it (before the first, -1).

        ``words_before(x) - words_before(p) <= n`` is then ``x <= nth_word_start(p, n)`` for
        ``x >= p``: a word distance tested without counting the words of every position.

        Parameters
        ----------
        pos : array of int
        n : int

        Returns
        -------
        ndarray of int64

        Examples
        --------
        >>> from cjkit.coding import matcher as M
        >>> ctx = M.Context.build(M.fold_block(["aa bb cc dd"]))
        >>> ctx.nth_word_start([2], 1).tolist(), ctx.nth_word_start([7], -2).tolist()
        ([7], [1])
        """
        ws = self.word_starts
        q = np.searchsorted(ws, np.asarray(pos), side="left") + n
        ok = (q >= 0) & (q < ws.size)
        return np.where(ok, ws[np.clip(q, 0, max(ws.size - 1, 0))] if ws.size else 0,
                        np.iinfo(np.int64).max if n >= 0 else -1).astype(np.int64)

    def words_before(self, pos) -> np.ndarray:
        """Number of words that begin before each position in *pos*.

        Parameters
        ----------
        pos : array of int
            Folded offsets.

        Returns
        -------
        ndarray of int

        Examples
        --------
        >>> import numpy as np
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
        >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
        >>> scan.ctx.words_before([5, 11]).tolist()
        [1, 2]
        """
        pos = np.asarray(pos)
        if "_words_cum" not in self.__dict__ and pos.size * 64 < self.codes.size:
            # few positions: a binary search each beats a count table of the whole text
            return np.searchsorted(self.word_starts, pos, side="left").astype(np.int32)
        return self._words_cum[pos]

    def word_start(self, pos):
        """Start of the word each position in *pos* lies in (the position itself if it starts one).

        Parameters
        ----------
        pos : array of int

        Returns
        -------
        ndarray of int

        Examples
        --------
        >>> import numpy as np
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
        >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
        >>> scan.ctx.word_start([7]).tolist()
        [5]
        """
        pos = np.asarray(pos)
        out = pos.copy()
        inside = (pos > 0) & self.isword[np.maximum(pos - 1, 0)]
        if inside.any():
            k = np.searchsorted(self.nonword, pos[inside], side="left") - 1
            out[inside] = np.where(k >= 0, self.nonword[np.maximum(k, 0)] + 1, 0)
        return out

    def word_end(self, pos):
        """End (exclusive) of the word each position in *pos* lies in.

        Parameters
        ----------
        pos : array of int

        Returns
        -------
        ndarray of int

        Examples
        --------
        >>> import numpy as np
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
        >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
        >>> scan.ctx.word_end([7]).tolist()
        [11]
        """
        pos = np.asarray(pos)
        out = pos.copy()
        n = self.codes.size
        inside = (pos < n) & self.isword[np.minimum(pos, n - 1)]
        if inside.any():
            k = np.searchsorted(self.nonword, pos[inside], side="left")
            out[inside] = np.where(k < self.nonword.size, self.nonword[np.minimum(k, self.nonword.size - 1)], n)
        return out
