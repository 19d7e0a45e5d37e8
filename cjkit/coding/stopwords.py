"""Language of answers from stopwords counted on the folded words, not on automaton hits.

The language rule of :meth:`cjkit.coding.matcher.Scan.doc_lang` (German and English stopwords,
umlauts and ß as German evidence; more evidence wins, a tie is undetermined) needs the stopwords
as terms in the automaton. They are the most frequent words, so they would be about a third of
all hits and slow every scan. :func:`detect_lang` reaches the same result by comparing each
short word after a space with the stopwords, as 8-letter keys in a small hash table.

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


_MAX_STOP = 8   # longest stopword (letters): a word of up to 8 ASCII letters is one uint64
_LOW_BYTES = np.array([(1 << (8 * n)) - 1 for n in range(_MAX_STOP)] + [2 ** 64 - 1], np.uint64)


@functools.cache
def _stopword_table() -> tuple:
    """Stopwords as a small hash table: slot ``key % size`` holds the word (little-endian
    uint64 of its letters) and how often the German and the English list name it."""
    keys = {}
    for lid, lang in enumerate(("de", "en")):
        for t in M.function_words()["stopwords"][lang]:
            w = fold(t.strip()[1:]) if t.strip().startswith("=") else ""
            if not (w.isascii() and w.isalnum() and 1 <= len(w) <= _MAX_STOP):
                raise ValueError(f"function_words.yaml, stopwords.{lang}: '{t}' must be one exact word "
                                 f"('=word', letters or digits, at most {_MAX_STOP})")
            keys.setdefault(int.from_bytes(w.encode("ascii"), "little"), [0, 0])[lid] += 1
    size = 4 * len(keys) + 1
    while len({k % size for k in keys}) < len(keys):   # grow until no two words share a slot
        size += 1
    slot_key = np.zeros(size, np.uint64)    # 0 is no word: a key always has a letter
    count = np.zeros((2, size), np.int64)
    for k, (de, en) in keys.items():
        slot_key[k % size] = k
        count[:, k % size] = (de, en)
    return slot_key, count


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
    starts = ctx.word_starts
    n = ctx.word_ends - starts
    small = ctx.small
    sel = np.flatnonzero((n <= _MAX_STOP) & (starts > 0))
    sel = sel[small[starts[sel] - 1] == ord(" ")]
    s, n = starts[sel], n[sel]
    # the 8 letters from each word start as one uint64, masked to the word's length
    key = ctx.window[s] & _LOW_BYTES[n]
    slot_key, count = _stopword_table()
    slot = (key % np.uint64(slot_key.size)).astype(np.int64)
    hit = np.flatnonzero(slot_key[slot] == key)
    doc = np.searchsorted(block.doc_start_f, s[hit], side="right") - 1
    slot = slot[hit]
    return (np.bincount(doc, weights=count[0, slot], minlength=n_docs).astype(np.int64),
            np.bincount(doc, weights=count[1, slot], minlength=n_docs).astype(np.int64))
