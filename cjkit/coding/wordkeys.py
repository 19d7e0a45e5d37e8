"""Whole words of a chunk as integer keys, and small word sets as hash tables.

Function words (``nicht``, ``aber``, ``im``, stopwords), the words that gate a regex rule and
similar short words are asked for *as whole words*. Rather than as patterns of the
Aho-Corasick automaton (where the most frequent words of a language would be a large part
of all hits), they are looked up per word: each word of a chunk becomes one uint64 key (its
first 8 letters and its length, :func:`text_keys`) and a :class:`KeyTable` answers with one
multiply, shift and compare per word.

Examples
--------
>>> import numpy as np
>>> from cjkit.coding.context import Context
>>> from cjkit.coding.textnorm import fold_block
>>> from cjkit.coding.wordkeys import KeyTable, word_key
>>> ctx = Context.build(fold_block(["nicht schlecht"]))
>>> start, key = ctx.word_keys
>>> idx, value = KeyTable([word_key("nicht")], [7]).lookup(key)
>>> start[idx].tolist(), value.tolist()
([1], [7])
"""
from __future__ import annotations

import numpy as np

_LOW_BYTES = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [2 ** 64 - 1], np.uint64)
_LONG = np.uint64(1 << 63)
# by word length (9: longer): the letters kept and the length bits of a key
_MASK = np.r_[_LOW_BYTES, _LOW_BYTES[8]].astype(np.uint64)
_LEN_BITS = np.array([n << 56 for n in range(8)] + [0, 1 << 63], np.uint64)


def word_key(word: str) -> int:
    """The key of one folded ASCII word, as :func:`text_keys` computes it for a text's words.

    Words of up to 8 letters have keys of their own; a longer word shares its key with the
    words of the same first 8 letters that are longer than 8 (see :func:`tail_key`).

    Parameters
    ----------
    word : str

    Returns
    -------
    int

    Examples
    --------
    >>> from cjkit.coding.wordkeys import word_key
    >>> word_key("ab") == ord("a") | ord("b") << 8 | 2 << 56, word_key("abcdefghi") == word_key("abcdefghx")
    (True, True)
    """
    n = len(word)
    key = int.from_bytes(word[:8].encode("ascii"), "little")
    return key | (n << 56 if n <= 7 else (1 << 63 if n > 8 else 0))


def tail_key(word: str) -> int:
    """Letters 9 to 16 of a long word with its length (0 for a word of up to 8 letters).

    Parameters
    ----------
    word : str

    Returns
    -------
    int

    Examples
    --------
    >>> from cjkit.coding.wordkeys import tail_key
    >>> tail_key("abc"), tail_key("abcdefghij") == ord("i") | ord("j") << 8 | 10 << 56
    (0, True)
    """
    n = len(word)
    return 0 if n <= 8 else int.from_bytes(word[8:16].encode("ascii"), "little") | (n << 56)


def text_keys(ctx) -> tuple[np.ndarray, np.ndarray]:
    """Start and :func:`word_key` of every word of a chunk (``Context.word_keys`` caches it).

    Parameters
    ----------
    ctx : cjkit.coding.context.Context

    Returns
    -------
    (ndarray of int64, ndarray of uint64)

    Examples
    --------
    >>> from cjkit.coding.context import Context
    >>> from cjkit.coding.textnorm import fold_block
    >>> from cjkit.coding.wordkeys import text_keys, word_key
    >>> start, key = text_keys(Context.build(fold_block(["no car"])))
    >>> start.tolist(), key.tolist() == [word_key("no"), word_key("car")]
    ([1, 4], True)
    """
    starts = ctx.word_starts
    n = np.minimum(ctx.word_ends - starts, 9)
    key = ctx.window[starts]
    key &= _MASK[n]
    key |= _LEN_BITS[n]
    return starts, key


def text_tail_keys(ctx, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """:func:`tail_key` of the words ``[starts, ends)`` of a chunk (words longer than 16
    letters get a key no word of the tables has).

    Parameters
    ----------
    ctx : cjkit.coding.context.Context
    starts, ends : ndarray of int

    Returns
    -------
    ndarray of uint64
    """
    n = (ends - starts).astype(np.uint64)
    rest = np.clip(n.astype(np.int64) - 8, 0, 8)
    key = ctx.window[np.minimum(starts + 8, ctx.small.size - 1)] & _LOW_BYTES[rest]
    return np.where(n > 8, key | (n << np.uint64(56)), np.uint64(0)) | np.where(n > 16, _LONG, np.uint64(0))


class KeyTable:
    """A set of word keys as a collision-free multiplicative hash.

    One multiply, shift and compare per word of a chunk: a binary search per word costs
    several times more.

    Parameters
    ----------
    keys : list of int
        :func:`word_key` values, distinct.
    values : list of int
        One value per key.

    Examples
    --------
    >>> import numpy as np
    >>> from cjkit.coding.wordkeys import KeyTable, word_key
    >>> t = KeyTable([word_key("no"), word_key("car")], [1, 2])
    >>> idx, value = t.lookup(np.array([word_key("car"), word_key("cars")], np.uint64))
    >>> idx.tolist(), value.tolist()
    ([0], [2])
    """

    def __init__(self, keys: list, values: list):
        bits = max(int(np.ceil(np.log2(max(len(keys), 1)))) + 2, 4)
        rng = np.random.default_rng(0)
        while True:   # a random odd multiplier without collisions; a larger table if none is found
            for _ in range(64):
                mult = int(rng.integers(1, 2 ** 62)) * 2 + 1
                if len({((k * mult) % 2 ** 64) >> (64 - bits) for k in keys}) == len(keys):
                    break
            else:
                bits += 1
                continue
            break
        self.mult, self.shift = np.uint64(mult), np.uint64(64 - bits)
        self.slot_key = np.zeros(2 ** bits, np.uint64)   # 0 is no key: every key has a letter or a length
        self.slot_value = np.zeros(2 ** bits, np.int64)
        for k, v in zip(keys, values):
            slot = ((k * mult) % 2 ** 64) >> (64 - bits)
            self.slot_key[slot], self.slot_value[slot] = k, v

    def lookup(self, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions in *key* of the keys in the table, and their values.

        Parameters
        ----------
        key : ndarray of uint64

        Returns
        -------
        (ndarray of int, ndarray of int64)
        """
        slot = ((key * self.mult) >> self.shift).astype(np.intp)
        idx = np.flatnonzero(self.slot_key[slot] == key)
        return idx, self.slot_value[slot[idx]]
