"""The code hits of one scanned chunk, as a dict of equally long numpy arrays.

After the scan (:mod:`cjkit.coding.matcher`) the coder keeps the code hits in the answer's
language, adds the matches of the codebook's regex rules (:mod:`cjkit.coding.regexes`), drops
hits inside an exclusion and spans inside a longer span of the same code, sets places aside
("WLAN *im Zimmer*"), decides negation and span sentiment and gives each cross-cutting topic the
touchpoint of the nearest touchpoint mention. All steps are numpy operations on hit arrays.

Examples
--------
>>> import numpy as np
>>> from cjkit.coding.codehits import sort_order
>>> sort_order(np.array([1, 0, 1]), np.array([5, 7, 2])).tolist()      # as np.lexsort by both keys
[1, 2, 0]
"""
from __future__ import annotations

import numpy as np

from cjkit.coding import matcher as M
from cjkit.coding.sentiment import sentiment_hits, span_polarity

_SAME_SENTENCE_BONUS = 1_000_000   # nearest touchpoint in the same sentence beats any other


def sort_order(*keys) -> np.ndarray:
    """``np.lexsort`` order by non-negative integer *keys*, the first key sorting first.

    One sort of a combined int64 key when the keys fit into 63 bits (the usual case):
    several times faster than lexsort on hundreds of thousands of hits, and the same order.
    """
    keys = [np.asarray(k, np.int64) for k in keys]
    n = keys[0].size
    if n == 0:
        return np.zeros(0, np.int64)
    sizes = [int(k.max()) + 1 for k in keys]
    if np.prod([float(x) for x in sizes]) >= 2.0 ** 62:
        return np.lexsort(keys[::-1])
    combined = keys[0].copy()
    for k, size in zip(keys[1:], sizes[1:]):
        combined *= size
        combined += k
    if (np.prod([float(x) for x in sizes]) * n >= 2.0 ** 62
            or np.count_nonzero(combined[1:] < combined[:-1]) * 64 < n):
        # (a few sorted runs, such as hits already in text order, are merged in linear time)
        return np.argsort(combined, kind="stable")
    # the position as the last key makes every value distinct: a plain sort of the values
    # (SIMD, no index array carried along) then gives the stable order, several times faster
    # than a stable argsort of keys in no order
    combined *= n
    combined += np.arange(n, dtype=np.int64)
    combined.sort()
    return np.remainder(combined, n, out=combined)


def take_hits(h: dict, idx) -> dict:
    idx = np.asarray(idx)
    if "evidence" not in h:
        return {k: v[idx] for k, v in h.items()}
    pos = np.flatnonzero(idx) if idx.dtype == bool else idx
    return {k: (v[pos] if isinstance(v, np.ndarray) else v.take(pos)) for k, v in h.items()}


def chunk_hits(comp, scan: M.Scan, dl: np.ndarray, tp_code: np.ndarray, sentiment: bool) -> dict:
    """Accepted code hits of one chunk as a dict of equally long numpy arrays."""
    a = scan.arr
    ci = scan.of_kind(M.CODE)
    ci = ci[(dl[scan.doc[ci]] == 2) | (dl[scan.doc[ci]] == a["lang"][scan.term[ci]])]
    term = scan.term[ci]
    h = {"doc": scan.doc[ci], "start": scan.start[ci], "end": scan.end[ci], "code": a["owner"][term],
         "prefix": scan.neg_prefix[ci], "confidence": scan.conf[ci], "rule": comp.label_code[term]}
    if len(comp.regex_rules):
        r_start, r_end, r_code, r_k, r_doc = comp.regex_rules.hits(scan.block, scan.ctx, dl)
        if r_start.size:
            n = r_start.size
            extra = {"doc": r_doc, "start": r_start, "end": r_end, "code": r_code, "prefix": np.zeros(n, bool),
                     "confidence": np.ones(n), "rule": comp.label_code[comp.n_terms + r_k]}
            h = {k: np.concatenate([h[k], extra[k]]) for k in h}
    ex = scan.of_kind(M.EXCLUDE)
    if ex.size and h["doc"].size:
        # only hits whose (text, code) also has an exclusion need the overlap test
        ncode = int(max(h["code"].max(), a["owner"][scan.term[ex]].max())) + 1
        xkey = scan.doc[ex] * ncode + a["owner"][scan.term[ex]]
        # (first by code alone: most hits are of codes without an exclusion in this chunk)
        has = np.zeros(ncode, bool)
        has[a["owner"][scan.term[ex]]] = True
        cand = np.flatnonzero(has[h["code"]])
        hkey = np.zeros(h["doc"].size, np.int64)
        hkey[cand] = h["doc"][cand] * ncode + h["code"][cand]
        xs = np.unique(xkey)   # few exclusion hits: a binary search beats np.isin's sort of both
        cand = cand[xs[np.minimum(np.searchsorted(xs, hkey[cand]), xs.size - 1)] == hkey[cand]]
        if cand.size:
            # exclusions sorted by (text and code, start): those of a hit's key that start before
            # the hit ends are a run, and it overlaps one if the largest end in that run is beyond
            # the hit's start (a running maximum per key, no join of hits with exclusions)
            big = int(max(scan.end[ex].max(), h["end"].max())) + 1
            xo = sort_order(xkey, scan.start[ex])
            xk, xs, xe = xkey[xo], scan.start[ex][xo], scan.end[ex][xo]
            gid = np.cumsum(np.r_[True, xk[1:] != xk[:-1]])
            run = np.maximum.accumulate(gid * big + xe) - gid * big
            lo = np.searchsorted(xk, hkey[cand], side="left")
            p = np.searchsorted(xk * big + xs, hkey[cand] * big + h["end"][cand], side="left")
            drop = cand[(p > lo) & (run[np.maximum(p - 1, 0)] > h["start"][cand])]
            if drop.size:
                keep = np.ones(h["doc"].size, bool)
                keep[drop] = False
                h = take_hits(h, keep)
    if h["doc"].size == 0:
        return h
    # one span per stretch of text and code: drop spans inside a longer span of the same code
    doc, code, start, end = h["doc"], h["code"], h["start"], h["end"]
    # (by code, then position: the texts of one code are then runs in text order, and the
    # position key is small enough for one plain sort)
    order = sort_order(code, start, (end - start).max() - (end - start))   # longest span first
    gid = np.cumsum(np.r_[True, (np.diff(doc[order]) != 0) | (np.diff(code[order]) != 0)])
    big = int(end.max()) + 1
    keyed_end = gid * big + end[order]           # group offset lets one cummax run over all groups
    prev = np.r_[-1, np.maximum.accumulate(keyed_end)[:-1]]
    keep = np.sort(order[gid * big + start[order] >= prev])
    h = take_hits(h, keep)
    # "WLAN im Zimmer geht nicht": the room is where the wifi failed, not a topic of its own
    place, scope_end = scan.places(h["start"], h["end"], comp.tp_num[h["code"]], comp.placeable[h["code"]],
                                   doc=h["doc"])
    if place.any():
        h, scope_end = take_hits(h, ~place), scope_end[~place]
    h["negated"] = scan.negated(h["start"], scope_end, h["prefix"], doc=h["doc"])
    if sentiment:
        # a negated mention without sentiment words in its clause ("kein WLAN", "no parking") is a pain point
        h["polarity"] = span_polarity(scan, sentiment_hits(scan, dl), h["start"], negated=h["negated"])
    else:
        h["polarity"] = np.zeros(h["doc"].size, np.int8)
    h["tp_from"] = _attribute(scan, h, tp_code)
    return h


def _attribute(scan: M.Scan, h: dict, tp_code: np.ndarray) -> np.ndarray:
    """For each hit, the code row whose touchpoint it takes (itself, nearest mention, or -1)."""
    code, start, doc = h["code"], h["start"], h["doc"]
    own = tp_code[code] >= 0
    out = np.where(own, code, -1)
    if own.all() or not own.any():
        return out
    # only texts with hits of both kinds need the search (a touchpoint comes from the same text)
    both = np.zeros(scan.block.doc_start_f.size, np.int8)
    both[doc[own]] = 1
    both[doc[~own]] |= 2
    in_both = both[doc] == 3
    cand = np.flatnonzero(own & in_both)
    tgt = np.flatnonzero(~own & in_both)
    if not cand.size or not tgt.size:
        return out
    cand = cand[np.argsort(start[cand], kind="stable")]
    c_start, c_doc = start[cand], doc[cand]
    c_sent = scan.sentence_id(c_start)
    t_start, t_doc = start[tgt], doc[tgt]
    t_sent = scan.sentence_id(t_start)
    best = np.full(tgt.size, np.inf)
    pick = np.full(tgt.size, -1)
    j = np.searchsorted(c_start, t_start, side="right")
    for k in (j - 1, j):   # nearest candidate before and after
        ok = (k >= 0) & (k < cand.size)
        kk = np.clip(k, 0, cand.size - 1)
        ok &= c_doc[kk] == t_doc
        dist = np.abs(c_start[kk] - t_start) + np.where(c_sent[kk] == t_sent, 0, _SAME_SENTENCE_BONUS)
        better = ok & (dist < best)
        best = np.where(better, dist, best)
        pick = np.where(better, code[cand[kk]], pick)
    out[tgt] = pick
    return out
