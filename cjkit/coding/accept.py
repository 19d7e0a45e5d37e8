"""Which raw automaton hits are words: whole words, inflections, compound parts, ``un-`` words.

The automaton reports every occurrence of a pattern, also inside other words ("app" in
"geklappt"). :func:`accept` keeps the hits that the term's match mode allows, given the
letters before and after the hit in the same word, and widens each kept hit to its word.
All tests run on arrays of hits; letters are read through the 8-letter windows of
:attr:`cjkit.coding.context.Context.window`.

Examples
--------
>>> import numpy as np
>>> from cjkit.coding import matcher as M
>>> from cjkit.coding.accept import accept
>>> t = M.TermTable(); t.add("Karte", M.CODE, owner=0, lang="de")
>>> b = M.fold_block(["Kartenzahlung", "Karteikasten"])      # "karte" found at 1-6 and 16-21
>>> m = M.Matcher(t)
>>> keep, un, conf, start, end = accept(M.Context.build(b), m.arr, np.array([0, 0]), np.array([1, 16]),
...                                     np.array([6, 21]))
>>> keep.tolist(), conf.tolist(), end.tolist()      # "Kartei" is a derivation, no compound
([0], [0.8], [14])
"""
from __future__ import annotations

import functools

import numpy as np

from cjkit.coding.context import Context
from cjkit.coding.terms import DERIVATIONS, EXACT, LANG_ID, PHRASE, PREFIX, pack_ending
from cjkit.coding.textnorm import SUFFIXES, fold

# masks of the low n bytes of a uint64 (n = 0..8): the first n letters of an 8-letter window
_LOW_BYTES = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [2 ** 64 - 1], np.uint64)
_D = pack_ending("d")
_MIN_HEAD = 4   # letters of a compound's head after a first-part keyword (and its linking s/n)
# (little-endian letters, mask of their bytes, length) per derivation; all ASCII, <= 8 letters
_DERIVATION_KEYS = tuple((np.uint64(int.from_bytes(d.encode("ascii"), "little")),
                          np.uint64((1 << (8 * len(d))) - 1), len(d)) for d in (fold(x) for x in DERIVATIONS))


@functools.cache
def _endings() -> tuple:
    """Inflection endings of both languages as one sorted table of (packed ending, language)
    keys, and per language whether the empty ending is one."""
    keys = np.unique(np.concatenate([np.array([pack_ending(s) for s in SUFFIXES[lang]], np.int64) * 2 + lid
                                     for lang, lid in LANG_ID.items()]))
    return keys, np.array(["" in SUFFIXES[lang] for lang in LANG_ID], bool)


def accept(ctx: Context, arr: dict, term, start, end):
    """Decide which raw hits are words, inflections or compound parts.

    Parameters
    ----------
    ctx : Context
        The word arrays of the scanned chunk.
    arr : dict
        :meth:`cjkit.coding.terms.TermTable.arrays` of the automaton's terms.
    term, start, end : ndarray of int
        Per raw hit: term row and folded span.

    Returns
    -------
    (ndarray, ndarray, ndarray, ndarray, ndarray)
        Indices of the accepted hits and, for them, the ``un-`` prefix flag, a confidence
        (1.0 whole word, 0.9 inflected, 0.8 compound part) and the enclosing word span.
    """
    # Cheap path: a hit that is a whole word passes every mode's test (no letters before it,
    # the empty ending after it) with confidence 1; only the others need the letter tests.
    iw = ctx.isword_after     # (index -1 and the end of the text read its extra False)
    whole = ~iw[start - 1]
    whole &= ~iw[end]
    rest = np.flatnonzero(~whole)
    k, un_r, conf_r, start_r, end_r = _accept_inside(ctx, arr, term[rest], start[rest], end[rest])
    kept = rest[k]
    if not kept.size:
        idx = np.flatnonzero(whole)
        return idx, np.zeros(idx.size, bool), np.ones(idx.size), start[idx], end[idx]
    whole[kept] = True
    idx = np.flatnonzero(whole)
    un, conf, w_start, w_end = np.zeros(start.size, bool), np.ones(start.size), start.copy(), end.copy()
    un[kept], conf[kept], w_start[kept], w_end[kept] = un_r, conf_r, start_r, end_r
    return idx, un[idx], conf[idx], w_start[idx], w_end[idx]


def _accept_inside(ctx: Context, arr: dict, term, start, end):
    """:func:`accept` for hits with letters of the same word before or after them."""
    a = arr
    keys, empty_ok = _endings()
    codes = ctx.codes
    # letters of the same word before the hit, counted up to 3 (all the left tests need):
    # the exact word start is looked up only for the few kept hits deeper inside a word
    # (index -1 of the padded flags is False: a test before the text's start fails, and the
    # next one is reached only if the previous letter was inside the text)
    iw = ctx.isword_after
    b1 = iw[start - 1]
    b2 = b1 & iw[start - 2]
    lp = b1.astype(np.int64)
    lp += b2
    lp += b2 & iw[start - 3]
    mode, lang, min_left = a["mode"][term], a["lang"][term], a["min_left"][term]
    # the two letters before a hit inside a word: 'un' negates, 'ge' is a German participle
    at2 = np.flatnonzero(lp == 2)    # read the letters only where there are two
    two = np.full(term.size, -1, np.int64)
    two[at2] = ((codes[start[at2] - 2].astype(np.int64) & 255)
                | ((codes[start[at2] - 1].astype(np.int64) & 255) << 8) | (2 << 48))
    un = two == pack_ending("un")
    ge = (two == pack_ending("ge")) & (lang == 0)
    left_ok = (lp == 0) | ((min_left > 0) & (lp >= min_left)) | ((mode != EXACT) & (mode != PHRASE) & (un | ge))
    sel = np.flatnonzero(left_ok)   # most raw hits sit inside other words: drop them early
    term, start, end, lp, un, mode, lang = term[sel], start[sel], end[sel], lp[sel], un[sel], mode[sel], lang[sel]
    deep = np.flatnonzero(lp >= 3)
    wstart = start - lp
    wstart[deep] = ctx.word_start(start[deep])
    lp = start - wstart
    wend = ctx.word_end(end)
    rp = wend - end
    suffix = np.where(rp == 0, 0, -1).astype(np.int64)
    short = np.flatnonzero((rp > 0) & (rp <= 6))
    if short.size:
        r = rp[short]
        # the ending's letters from the 8-letter window; the few endings with a non-ASCII
        # letter (marked 128 there) are packed letter by letter, as pack_ending does
        v = (ctx.window[end[short]] & _LOW_BYTES[r]).astype(np.int64) | (r << 48)
        odd = np.flatnonzero((v & 0x808080808080) != 0)
        if odd.size:
            ro, eo = r[odd], end[short][odd]
            w = ro << 48
            for k in range(int(ro.max())):
                ch = codes[np.minimum(eo + k, codes.size - 1)].astype(np.int64)
                w |= np.where(k < ro, np.minimum(ch, 255) << (8 * k), 0)
            v[odd] = w
        suffix[short] = v
    # a hit that ends its word has the empty ending; one beyond 6 letters is no inflection;
    # only the short endings are looked up, as (ending, language) keys in one sorted table
    infl = empty_ok[lang] & (rp == 0)
    if short.size:
        key = suffix[short] * 2 + lang[short]
        infl[short] = keys[np.minimum(np.searchsorted(keys, key), keys.size - 1)] == key
    # English "-d" inflects only a word ending in "e" ("arrive-d"), never "car" -> "card"
    infl &= ~((suffix == _D) & (lang == LANG_ID["en"]) & (codes[np.maximum(end - 1, 0)] != ord("e")))
    own_tail = suffix == a["tail"][term]
    compound_right = a["compound"][term] & (rp >= 3)
    if compound_right.any():
        compound_right &= _compound_head(ctx, end, rp, a["tail"][term], compound_right)
    right_ok = np.select(
        [mode == EXACT, mode == PREFIX, mode == PHRASE],
        [rp == 0, np.ones(term.size, bool), infl],
        default=infl | own_tail | compound_right)
    ok = np.flatnonzero(right_ok)
    conf = np.where((lp == 0) & (rp == 0), 1.0, np.where(compound_right | (lp >= 3), 0.8, 0.9))
    return sel[ok], un[ok] & (lp[ok] == 2), conf[ok], wstart[ok], np.maximum(wend, end)[ok]


def _compound_head(ctx: Context, end, rp, tail, cand):
    """For candidate first-part hits: does a compound head follow?

    The keyword's own ending must begin there (the ``e`` of ``Karte`` in ``Kartenzahlung``,
    not in ``Kartoffel``; ``Warte|bereich`` for ``warten``), and what follows the ending
    and an optional linking ``s``/``n`` must not be a derivational suffix (``Wart|ung``).
    """
    idx = np.flatnonzero(cand)
    ok = np.zeros(cand.size, bool)
    if not idx.size:
        return ok
    codes = ctx.codes
    n = codes.size
    tl = np.where(tail[idx] < 0, 0, (tail[idx] >> 48) & 255)
    e = end[idx]
    # how much of its own ending follows: "Warte|bereich" keeps the "e" of "warten"
    matched = np.zeros(idx.size, np.int64)
    running = np.ones(idx.size, bool)
    for k in range(int(tl.max()) if tl.size else 0):
        ch = codes[np.minimum(e + k, n - 1)].astype(np.int64)
        want = (tail[idx] >> (8 * k)) & 255
        running &= (k < tl) & (np.minimum(ch, 255) == want)
        matched += running
    good = matched >= np.minimum(tl, 1)
    tl = matched
    start = e + tl
    bad = np.zeros(idx.size, bool)
    win = ctx.window
    for fuge in (0, 1):
        s0 = start + fuge
        if fuge:
            ch = codes[np.minimum(start, n - 1)]
            has = (ch == ord("s")) | (ch == ord("n"))
        else:
            has = np.ones(idx.size, bool)
        # the next 8 letters as one uint64: each derivation is then one masked comparison
        ahead = win[np.minimum(s0, n - 1)]
        for key, mask, length in _DERIVATION_KEYS:
            bad |= has & ((ahead & mask) == key) & (s0 + length <= e + rp[idx])
    # a head of four letters at least: "Sprit|zer" or "Kart|ell" is no compound
    ok[idx] = good & ~bad & (rp[idx] - tl >= _MIN_HEAD)
    return ok
