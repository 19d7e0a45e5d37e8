"""The accepted hits of one scanned chunk (:class:`Scan`) and the questions asked of them.

A scan holds, per accepted hit, its term, folded span, text and confidence, plus the chunk's
folded text and word arrays. Hits of one kind (code terms, negation cues, clause words...)
are slices of one sort by kind; clause and sentence boundaries merge punctuation with clause
words; negation and places are decided in :mod:`cjkit.coding.scope`; the language of each
text from stopword hits and umlauts.

Examples
--------
>>> from cjkit.coding import matcher as M
>>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
>>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber", "the room"]))
>>> scan.start[scan.of_kind(M.CODE)].tolist(), scan.doc_lang(2).tolist()
([5], [0, 1])
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from cjkit.coding import scope
from cjkit.coding.context import Context
from cjkit.coding.terms import CLAUSE, CONTRAST, LOC, STOP_DE, STOP_EN
from cjkit.coding.textnorm import FoldedBlock


@dataclass
class Scan:
    """Accepted hits of one chunk (folded offsets) plus what is needed to interpret them.

    Parameters
    ----------
    block, ctx : FoldedBlock, Context
        The scanned chunk.
    term, start, end, doc, neg_prefix, conf : ndarray
        Per hit: term row, folded span, text number, ``un-`` prefix, match confidence.
    arr : dict
        :meth:`TermTable.arrays` of the matcher.

    Examples
    --------
    >>> import numpy as np
    >>> from cjkit.coding import matcher as M
    >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
    >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
    >>> int(scan.term.size) > 0
    True
    """

    block: FoldedBlock
    ctx: Context
    term: np.ndarray
    start: np.ndarray
    end: np.ndarray
    doc: np.ndarray
    neg_prefix: np.ndarray
    conf: np.ndarray
    arr: dict

    @functools.cached_property
    def _kind_index(self) -> tuple:
        # one radix sort of the (int8) kinds: each kind's hits are then a slice, in hit order,
        # instead of a pass over all hits per kind asked for
        kind = self.arr["kind"][self.term]
        order = np.argsort(kind, kind="stable")
        bounds = np.r_[0, np.cumsum(np.bincount(kind, minlength=LOC + 1))]
        return order, bounds

    def of_kind(self, kind: int) -> np.ndarray:
        """Indices of the hits of one kind (``CODE``, ``NEG``, ``STOP_DE`` ...).

        Parameters
        ----------
        kind : int

        Returns
        -------
        ndarray of int

        Examples
        --------
        >>> import numpy as np
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
        >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
        >>> scan.start[scan.of_kind(M.NEG)].tolist()
        [16]
        """
        order, bounds = self._kind_index
        return order[bounds[kind]:bounds[kind + 1]]

    def _boundaries(self, punct: np.ndarray) -> np.ndarray:
        kind = self.arr["kind"][self.term]
        words = self.start[(kind == CLAUSE) | (kind == CONTRAST)]
        if not words.size:
            return punct
        # merge the few clause words into the sorted punctuation (no sort of all boundaries)
        words = np.unique(words).astype(np.int64)
        if not punct.size:
            return words
        i = np.searchsorted(punct, words)
        new = (i >= punct.size) | (punct[np.minimum(i, punct.size - 1)] != words)
        return np.insert(punct, i[new], words[new])

    @functools.cached_property
    def _clause_pos(self) -> np.ndarray:
        return self._boundaries(self.ctx.clause_pos)

    @functools.cached_property
    def _sentence_pos(self) -> np.ndarray:
        return self._boundaries(self.ctx.sentence_pos)

    def clause_positions(self) -> np.ndarray:
        """Sorted positions of clause boundaries: punctuation (with commas) and clause words.

        Returns
        -------
        ndarray of int

        Examples
        --------
        >>> import numpy as np
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
        >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
        >>> scan.clause_positions().tolist()
        [28, 30, 40, 45]
        """
        return self._clause_pos

    def clause_id(self, pos) -> np.ndarray:
        """Number of clause boundaries before *pos* (equal ids = same clause).

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
        >>> scan.clause_id(np.array([5, 35])).tolist()   # "aber" starts a new clause
        [0, 2]
        """
        return np.searchsorted(self._clause_pos, pos, side="right")

    def sentence_id(self, pos) -> np.ndarray:
        """Like :meth:`clause_id` but commas do not split (``Zimmer groß, sauber und ruhig``).

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
        >>> scan.sentence_id(np.array([5, 35])).tolist()
        [0, 1]
        """
        return np.searchsorted(self._sentence_pos, pos, side="right")

    def negated(self, h_start, h_end, prefix=None, window: int = 2, post_window: int = 2,
                doc=None) -> np.ndarray:
        """Whether spans ``[h_start, h_end)`` lie in the scope of a negation cue
        (:func:`cjkit.coding.scope.negated`)."""
        return scope.negated(self, h_start, h_end, prefix, window, post_window, doc)

    def places(self, h_start, h_end, tp, placeable=None, doc=None) -> tuple[np.ndarray, np.ndarray]:
        """Which code hits only name the place of another topic, and the scope of that topic
        (:func:`cjkit.coding.scope.places`)."""
        return scope.places(self, h_start, h_end, tp, placeable, doc)

    def doc_lang(self, n_docs: int) -> np.ndarray:
        """Per text 0 (German), 1 (English) or 2 (undetermined) from stopword hits and umlauts.

        Needs the stopwords in the automaton (``add_function_words(stopwords=True)``);
        :func:`cjkit.coding.stopwords.detect_lang` applies the same rule without them.

        Parameters
        ----------
        n_docs : int
            Number of texts in the chunk.

        Returns
        -------
        ndarray of int8

        Examples
        --------
        >>> import numpy as np
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
        >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
        >>> scan.doc_lang(2).tolist()
        [0, 1]
        """
        de = np.bincount(self.doc[self.of_kind(STOP_DE)], minlength=n_docs)
        en = np.bincount(self.doc[self.of_kind(STOP_EN)], minlength=n_docs)
        return decide_lang(self.block, de, en, n_docs)


def decide_lang(block: FoldedBlock, de: np.ndarray, en: np.ndarray, n_docs: int) -> np.ndarray:
    """More German evidence (stopwords plus umlauts and ß) -> 0, more English -> 1, a tie -> 2."""
    de = de.astype(float)
    if block._sp_o.size:
        um = np.searchsorted(block.doc_start, block._sp_o, side="right") - 1
        de += np.bincount(um, minlength=n_docs)
    return np.where(de > en, 0, np.where(en > de, 1, 2)).astype(np.int8)
