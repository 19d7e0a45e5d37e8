"""Language of answers from stopwords counted on the folded words, not on automaton hits.

The language rule of :meth:`cjkit.coding.matcher.Scan.doc_lang` (German and English stopwords,
umlauts and ß as German evidence; more evidence wins, a tie is undetermined) needs the stopwords
as terms in the automaton. They are the most frequent words, so they would be about a third of
all hits and slow every scan. :func:`detect_lang` reaches the same result by comparing each
word after a space with the stopwords, as word keys in a small hash table
(:mod:`cjkit.coding.wordkeys`).

Examples
--------
>>> from cjkit.coding import matcher as M
>>> from cjkit.coding.stopwords import detect_lang
>>> b = M.fold_block(["Der Service war gut", "The service was good"])
>>> detect_lang(b, M.Context.build(b), 2).tolist()
[0, 1]
"""
from __future__ import annotations

import functools

import numpy as np

from cjkit.coding import matcher as M
from cjkit.coding.textnorm import fold
from cjkit.coding.wordkeys import KeyTable, word_key


def detect_lang(block: M.FoldedBlock, ctx: M.Context, n_docs: int) -> np.ndarray:
    """The rule of :meth:`cjkit.coding.matcher.Scan.doc_lang` without stopword terms in the automaton.

    The stopwords are the most frequent words: as terms they would make a third of all hits.
    Here they are counted on the folded words directly (:func:`stopword_counts`).

    Parameters
    ----------
    block : FoldedBlock
    ctx : Context
        Its word arrays.
    n_docs : int
        Number of texts in the block.

    Returns
    -------
    ndarray of int8
        0 German, 1 English, 2 undetermined.

    Examples
    --------
    >>> from cjkit.coding import matcher as M
    >>> from cjkit.coding.stopwords import detect_lang
    >>> b = M.fold_block(["Das Zimmer war nicht sauber", "the room", "Frühstück", "ok"])
    >>> detect_lang(b, M.Context.build(b), 4).tolist()
    [0, 1, 0, 2]
    """
    de, en = stopword_counts(block, ctx, n_docs)
    return M.decide_lang(block, de, en, n_docs)


_MAX_STOP = 8   # longest stopword (letters)


@functools.cache
def _stopword_table() -> tuple:
    """Stopwords as a :class:`~cjkit.coding.wordkeys.KeyTable` whose value points to how
    often the German and the English list name the word."""
    keys = {}
    for lid, lang in enumerate(("de", "en")):
        for t in M.function_words()["stopwords"][lang]:
            w = fold(t.strip()[1:]) if t.strip().startswith("=") else ""
            if not (w.isascii() and w.isalnum() and 1 <= len(w) <= _MAX_STOP):
                raise ValueError(f"function_words.yaml, stopwords.{lang}: '{t}' must be one exact word "
                                 f"('=word', letters or digits, at most {_MAX_STOP})")
            keys.setdefault(word_key(w), [0, 0])[lid] += 1
    return KeyTable(list(keys), list(range(len(keys)))), np.array(list(keys.values()), np.int64).reshape(-1, 2).T


def stopword_counts(block: M.FoldedBlock, ctx: M.Context, n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """German and English stopwords per text, counted on the folded words of *block*.

    A stopword counts where it stands as a whole word right after a space, exactly where the
    exact term ``=word`` (stored as `` word``) would be found by the automaton.

    Parameters
    ----------
    block : FoldedBlock
    ctx : Context
        Its word arrays.
    n_docs : int
        Number of texts in the block.

    Returns
    -------
    (ndarray, ndarray) of int64
        German and English counts per text.

    Examples
    --------
    >>> from cjkit.coding import matcher as M
    >>> from cjkit.coding.stopwords import stopword_counts
    >>> b = M.fold_block(["Das Zimmer und die Lage", "the room and the view", "(und) x"])
    >>> [c.tolist() for c in stopword_counts(b, M.Context.build(b), 3)]
    [[3, 0, 0], [0, 3, 0]]
    """
    starts, key = ctx.word_keys
    table, count = _stopword_table()
    idx, k = table.lookup(key)
    # a stopword counts after a space, where the automaton would find the pattern " word"
    after = ctx.small[starts[idx] - 1] == ord(" ")
    idx, k = idx[after], k[after]
    doc = np.searchsorted(block.doc_start_f, starts[idx], side="right") - 1
    return (np.bincount(doc, weights=count[0, k], minlength=n_docs).astype(np.int64),
            np.bincount(doc, weights=count[1, k], minlength=n_docs).astype(np.int64))
