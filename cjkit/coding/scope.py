"""Scopes in a scanned chunk: which mentions are negated, and which only name a place.

Both decisions need the neighbours of a mention in its clause (a negation cue a few words
before or closing the clause; a locative preposition and another touchpoint), so they are
answered together from the hit arrays of a :class:`cjkit.coding.scan.Scan`, with binary
searches over sorted positions and no loop over hits.

Examples
--------
>>> import numpy as np
>>> from cjkit.coding import matcher as M
>>> from cjkit.coding.scope import negated
>>> t = M.TermTable(); M.add_function_words(t); t.add("sauber", M.CODE, owner=0)
>>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber"]))
>>> c = scan.of_kind(M.CODE)
>>> negated(scan, scan.start[c], scan.end[c]).tolist()
[True]
"""
from __future__ import annotations

import numpy as np

from cjkit.coding.terms import LOC, NEG, PLACE_GAP, PSEUDO



def negated(scan, h_start: np.ndarray, h_end: np.ndarray, prefix: np.ndarray | None = None,
            window: int = 2, post_window: int = 2, doc: np.ndarray | None = None) -> np.ndarray:
    """Whether spans ``[h_start, h_end)`` lie in the scope of a negation cue.

    Pre-scope: a cue at most *window* words before, same clause ("nicht sehr freundlich",
    "not helpful"). Post-scope (German verb-final): a cue at most *post_window* words
    after that ends its clause ("das Frühstück schmeckte nicht."). Cues inside a
    pseudo-negation ("nicht nur", "not only") do not count. An ``un-`` prefix
    (*prefix* True) flips the result once more.

    Parameters
    ----------
    scan : Scan
        The scanned chunk (its negation cues and clause boundaries).
    h_start, h_end : array of int
        Folded spans.
    prefix : array of bool, optional
        Span starts with a negating ``un-``.
    window, post_window : int
        Words before / after the span a cue may stand.
    doc : array of int, optional
        Text of each span: only spans in texts with a cue are then tested (a cue never
        reaches across a text, whose end closes a clause).

    Returns
    -------
    ndarray of bool

    Examples
    --------
    >>> import numpy as np
    >>> from cjkit.coding import matcher as M
    >>> from cjkit.coding.scope import negated
    >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
    >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
    >>> negated(scan, np.array([22, 35]), np.array([28, 40])).tolist()   # "sauber", "ruhig"
    [True, False]
    """
    h_start = np.asarray(h_start, np.int64)
    h_end = np.asarray(h_end, np.int64)
    flag = np.zeros(h_start.size, bool) if prefix is None else np.asarray(prefix, bool).copy()
    cues = scan.of_kind(NEG)
    pseudo = scan.of_kind(PSEUDO)
    if cues.size and pseudo.size:
        ps = np.argsort(scan.start[pseudo])
        p_start, p_end = scan.start[pseudo][ps], scan.end[pseudo][ps]
        j = np.searchsorted(p_start, scan.start[cues], side="right") - 1
        inside = (j >= 0) & (p_end[np.maximum(j, 0)] > scan.start[cues])
        cues = cues[~inside]
    if cues.size == 0 or h_start.size == 0:
        return flag
    if doc is not None:
        has = np.zeros(scan.block.doc_start_f.size, bool)
        has[scan.doc[cues]] = True
        sub = np.flatnonzero(has[np.asarray(doc)])
        if sub.size < h_start.size:
            flag[sub] = negated(scan, h_start[sub], h_end[sub], flag[sub], window, post_window)
            return flag
    order = np.argsort(scan.start[cues])
    c_start, c_end = scan.start[cues][order], scan.end[cues][order]
    cpos = scan.clause_positions()
    if cpos.size == 0:
        cpos = np.array([scan.ctx.codes.size], np.int64)
    W = scan.ctx.words_before
    # word distance first: few hits have a cue that near, only they need the clause tests
    j = np.searchsorted(c_end, h_start, side="right") - 1
    jj = np.maximum(j, 0)
    # (word counts as thresholds per cue: "at most *window* words between" is "starts no
    # later than the (window+1)-th word start after the cue", no lookup per hit)
    pre = (j >= 0) & (h_start <= scan.ctx.nth_word_start(c_end, window)[jj])
    k = np.searchsorted(c_start, h_end, side="left")
    kk = np.minimum(k, c_start.size - 1)
    post = (k < c_start.size) & (h_end > scan.ctx.nth_word_start(c_start, -post_window - 1)[kk])
    near = np.flatnonzero(pre | post)
    if not near.size:
        return flag
    h_clause = np.searchsorted(cpos, h_start[near], side="right")
    # pre-scope: a cue shortly before, same clause
    jj = jj[near]
    # (by where the cue starts: a cue right before a comma or full stop ends at the boundary and
    # belongs to the clause it closes, not to the next one)
    pre = pre[near] & (np.searchsorted(cpos, c_start[jj], side="right") == h_clause)
    # post-scope: the cue is the clause's last word
    kk = kk[near]
    nxt = cpos[np.minimum(np.searchsorted(cpos, c_end[kk], side="left"), cpos.size - 1)]
    post = (post[near] & (np.searchsorted(cpos, c_start[kk], side="right") == h_clause)
            & (W(np.maximum(nxt, c_end[kk])) == W(c_end[kk])))
    flag[near] ^= pre | post
    return flag


def places(scan, h_start, h_end, tp, placeable=None, doc=None) -> tuple[np.ndarray, np.ndarray]:
    """Which code hits only name the place of another topic, and the scope of that topic.

    A hit right after a locative preposition (:data:`LOCATIVES`, at most :data:`PLACE_GAP`
    words between) in a clause that also names a touchpoint other than its own is a place,
    not a mention: in "WLAN im Zimmer geht nicht" and "the wifi in the room was down" the
    text is about the wifi. The topic's scope then runs over its place ("WLAN im Zimmer"),
    so a negation after the place still reaches it.

    Parameters
    ----------
    scan : Scan
        The scanned chunk (its locatives, clauses and words).
    h_start, h_end : array of int
        Folded spans of the code hits.
    tp : array of int
        Touchpoint number of each hit's code, -1 for a code without touchpoint.
    placeable : array of bool, optional
        Whether each hit's code can be a place at all (default all): a website or a bill
        is a channel, so "booking on the website" names both.
    doc : array of int, optional
        Text of each hit: only hits in texts with a locative are then looked at.

    Returns
    -------
    (ndarray of bool, ndarray of int)
        Per hit: is it a mere place; the end of its scope (its own end, or the end of the
        place that follows it).

    Examples
    --------
    >>> import numpy as np
    >>> from cjkit.coding import matcher as M
    >>> from cjkit.coding.scope import places
    >>> t = M.TermTable(); M.add_function_words(t); M.add_locatives(t)
    >>> t.add("WLAN", M.CODE, owner=0); t.add("Zimmer", M.CODE, owner=1)
    >>> scan = M.Matcher(t).scan(M.fold_block(["WLAN im Zimmer geht nicht"]))
    >>> c = scan.of_kind(M.CODE)
    >>> place, scope_end = places(scan, scan.start[c], scan.end[c], scan.arr["owner"][scan.term[c]])
    >>> place.tolist(), scope_end.tolist()     # Zimmer is a place; WLAN's scope is "WLAN im Zimmer"
    ([False, True], [15, 15])
    """
    h_start = np.asarray(h_start, np.int64)
    h_end = np.asarray(h_end, np.int64)
    tp = np.asarray(tp, np.int64)
    place = np.zeros(h_start.size, bool)
    scope_end = h_end.copy()
    loc = scan.of_kind(LOC)
    if not loc.size or not h_start.size:
        return place, scope_end
    if doc is not None:   # a place and its topic share a clause, so a text without a locative has none
        has = np.zeros(scan.block.doc_start_f.size, bool)
        has[scan.doc[loc]] = True
        sub = np.flatnonzero(has[np.asarray(doc)])
        if sub.size < h_start.size:
            place[sub], scope_end[sub] = places(scan, h_start[sub], h_end[sub], tp[sub],
                                                None if placeable is None else np.asarray(placeable, bool)[sub])
            return place, scope_end
    order = np.argsort(scan.end[loc])
    l_start, l_end = scan.start[loc][order], scan.end[loc][order]
    W = scan.ctx.words_before
    # cheap tests first: a touchpoint right after a preposition (most hits are not)
    j = np.searchsorted(l_end, h_start, side="right") - 1
    cand = np.flatnonzero((j >= 0) & (tp >= 0) & (True if placeable is None else np.asarray(placeable, bool)))
    cand = cand[h_start[cand] <= scan.ctx.nth_word_start(l_end, PLACE_GAP)[j[cand]]]
    prep = l_start[j[cand]]
    clause = scan.clause_id(h_start[cand])
    cand, prep, clause = (x[scan.clause_id(prep) == clause] for x in (cand, prep, clause))
    if not cand.size:
        return place, scope_end
    # the hits of each candidate's clause: another touchpoint named there makes it a place
    bounds = np.concatenate([[0], scan.clause_positions(), [np.iinfo(np.int64).max]])   # clause k: [b[k], b[k+1])
    # only hits starting or ending in a candidate's clause matter: sort those, not all hits
    c_lo, c_hi = bounds[np.unique(clause)], bounds[np.unique(clause) + 1]
    near = _in_ranges(h_start, c_lo, c_hi) | _in_ranges(h_end, c_lo, c_hi, closed=True)
    sub = np.flatnonzero(near)
    by_start = sub[np.argsort(h_start[sub], kind="stable")]
    ss = h_start[by_start]
    lo = np.searchsorted(ss, bounds[clause], side="left")
    hi = np.searchsorted(ss, bounds[clause + 1], side="left")
    lens = hi - lo
    rep = np.repeat(np.arange(cand.size), lens)
    other = by_start[np.repeat(lo, lens) + np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens)]
    is_cand = np.zeros(h_start.size, bool)
    is_cand[cand] = True
    named = (tp[other] >= 0) & ~is_cand[other] & (tp[other] != tp[cand][rep])
    hit = np.bincount(rep[named], minlength=cand.size) > 0
    cand, prep, clause = cand[hit], prep[hit], clause[hit]
    place[cand] = True
    if cand.size:
        # the topic just before a place (nothing but the preposition between) spans it
        # the nearest end before the preposition counts only if the hit starts in its clause,
        # so hits ending outside every candidate clause cannot be it
        keep = np.flatnonzero(~place & near)
        kord = keep[np.argsort(h_end[keep], kind="stable")]
        k = np.searchsorted(h_end[kord], prep, side="right") - 1
        kk = kord[np.maximum(k, 0)]
        ok = (k >= 0) & (scan.clause_id(h_start[kk]) == clause) & (W(prep) - W(h_end[kk]) == 0)
        np.maximum.at(scope_end, kk[ok], h_end[cand][ok])
    return place, scope_end


def _in_ranges(pos, lo, hi, closed=False) -> np.ndarray:
    """Whether each position lies in one of the sorted, disjoint ranges ``[lo, hi)``
    (``[lo, hi]`` with *closed*)."""
    k = np.searchsorted(lo, pos, side="right") - 1
    kk = np.maximum(k, 0)
    return (k >= 0) & ((pos <= hi[kk]) if closed else (pos < hi[kk]))
