"""Markov-chain attribution: transition matrix, exact removal effects, bootstrap intervals.

Transitions run between states (channels, or windows of ``order`` consecutive touches) with
consecutive repeats collapsed, ``(start)`` -> ... -> ``(conversion)``/``(null)``; transitions between
touches weigh ``conversions + nulls`` (ChannelAttribution's counting). The removal effect of a
channel is the share of conversions lost when every state containing it leads to ``(null)``;
conversions and value are split in proportion to removal effects. ChannelAttribution estimates
this by simulation; here it is solved exactly as an absorbing chain with one sparse LU factorisation
and a low-rank correction per channel (``method="exact"``), with a vectorised simulation (``method="simulation"``) as an independent check.

States are rows of channel codes numbered column by column (each step re-numbers the pairs
(state so far, next channel), so the numbers never exceed the number of rows and nothing is packed
into one integer): any number of channels and any order work. Everything starts from the distinct
paths (:func:`cjkit.paths.pathcounts.path_counts`): memory grows with distinct paths, not touches.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cjkit.errors import DataError, ParameterError

log = logging.getLogger("cjkit.paths.markov")
START, CONV, NULL = "(start)", "(conversion)", "(null)"


def build_chain(pc, order: int) -> dict:
    """States and transition incidence of the order-k chain over distinct paths *pc*.

    Each transition is stored with the distinct path it comes from, so new path weights (a
    bootstrap replicate) give new counts without rebuilding the states.
    """
    if not isinstance(order, (int, np.integer)) or order < 1:
        raise ParameterError("order", order, message=f"parameter 'order' must be an integer >= 1 or 'auto', got {order!r}")
    t = pc.table
    if (t[["conversions", "nulls", "value"]] < 0).to_numpy().any():
        raise DataError("Markov attribution needs non-negative conversions, nulls and values")
    codes, present = pd.factorize(pc.codes)  # channel codes 0..C-1 in order of first appearance
    channels = [pc.channels[c] for c in present]
    # per-touch arrays in 32 bits where they fit: memory per touch of the distinct paths is what
    # bounds the size of a path table the chain can take
    it = np.int32 if len(codes) < 2 ** 31 - 1 else np.int64
    codes = codes.astype(it)
    lengths = pc.lengths.astype(it)
    pid = np.repeat(np.arange(len(lengths), dtype=it), lengths)
    n = lengths[pid]
    if order == 1:  # every touch is a state of its own channel: no windows to build, no key
        del n
        pid_s, sid, n_uniq = pid, codes + 1, len(channels)
        memb = np.r_[-1, np.arange(n_uniq)].astype(np.int64)[:, None]
    else:
        pos = (np.arange(len(codes), dtype=np.int64) - pc.offsets[:-1].repeat(pc.lengths)).astype(it)
        # a state is the window of `order` touches starting here; shorter paths form one short state
        members = np.full((len(codes), order), -1, dtype=it)
        for j in range(order):
            ok = pos + j < n
            members[ok, j] = codes[np.flatnonzero(ok) + j]
        is_state = (pos <= n - order) | ((n < order) & (pos == 0))
        del pos
        members, pid_s = members[is_state], pid[is_state]
        # key the rows column by column: ids stay below the number of rows, so nothing can overflow
        key = np.zeros(len(members), dtype=np.int64)
        for j in range(order):
            key = pd.factorize(key * (len(channels) + 1) + members[:, j] + 1)[0].astype(np.int64)
        del n, pid
        sid = (key + 1).astype(it)  # 0 is (start); ids in order of first appearance
        n_uniq = int(key.max()) + 1 if len(key) else 0
        del key
        memb = np.full((n_uniq + 1, order), -1, dtype=np.int64)
        memb[sid] = members
        del members
    first = np.r_[True, pid_s[1:] != pid_s[:-1]]
    repeat = ~first & (sid == np.r_[-1, sid[:-1]])
    sid, pid_s, first = sid[~repeat], pid_s[~repeat], first[~repeat]
    prev = np.where(first, 0, np.r_[0, sid[:-1]]).astype(sid.dtype)
    last = np.r_[pid_s[1:] != pid_s[:-1], True]
    s = n_uniq + 1
    end_state = sid[last]
    end_pid = pid_s[last]
    names = [START] + [",".join(channels[c] for c in row if c >= 0) for row in memb[1:]]
    return {"src": prev, "dst": sid, "pid": pid_s, "end_state": end_state, "end_pid": end_pid,
            "members": memb, "channels": channels, "names": names, "n_states": s, "order": order}


def chain_counts(ch, conv: np.ndarray, null: np.ndarray):
    """Transition counts (sparse, states + conversion + null) for path weights conv/null."""
    from scipy import sparse

    s = ch["n_states"]
    ep = ch["end_pid"]
    shape = (s + 2, s + 2)
    m = sparse.coo_matrix((np.r_[conv[ep], null[ep]], (np.r_[ch["end_state"], ch["end_state"]],
                           np.r_[np.full(len(ep), s), np.full(len(ep), s + 1)])), shape=shape).tocsr()
    w = conv + null
    # the transitions between touches in slices, each summed at once: memory stays bounded by the
    # slice and the distinct transitions, however many touches the distinct paths have
    step = 1 << 22
    for a in range(0, len(ch["src"]), step):
        sl = slice(a, a + step)
        m = m + sparse.coo_matrix((w[ch["pid"][sl]], (ch["src"][sl], ch["dst"][sl])), shape=shape).tocsr()
    m.sum_duplicates()
    m.eliminate_zeros()
    return m


def _mean_value(ch, conv, value):
    s = ch["n_states"]
    vsum = np.bincount(ch["end_state"], weights=value[ch["end_pid"]], minlength=s)
    csum = np.bincount(ch["end_state"], weights=conv[ch["end_pid"]], minlength=s)
    return np.divide(vsum, csum, out=np.zeros(s), where=csum > 0)


def removal_effects(ch, counts, mean_value) -> tuple[np.ndarray, np.ndarray]:
    """Removal effects on conversions and value by sparse absorbing-chain linear algebra.

    With G = (I - Q)^-1 factorised once, removing the states R of a channel changes the start's
    absorption value x_0 to ``x_0 - G[0, R] G[R, R]^-1 x_R`` (the states in R forced to 0), so each
    channel costs |R| triangular solves instead of a factorisation. A channel found in very many
    states falls back to factorising the chain without them.
    """
    from scipy import sparse
    from scipy.sparse.linalg import splu

    s = ch["n_states"]
    rows = np.asarray(counts.sum(axis=1)).ravel()[:s]
    p = sparse.diags(np.divide(1.0, rows, out=np.zeros(s), where=rows > 0)) @ counts[:s]
    q, r = p[:, :s].tocsc(), np.asarray(p[:, s].todense()).ravel()
    rhs = np.c_[r, r * mean_value]
    a = (sparse.identity(s, format="csc") - q).tocsc()
    lu = splu(a)
    x = lu.solve(rhs)
    g0 = lu.solve(np.eye(s, 1).ravel(), trans="T")  # row 0 of G
    full = x[0]
    memb = ch["members"]
    n_ch = len(ch["channels"])
    hit = memb >= 0
    inc = sparse.csc_matrix((np.ones(hit.sum()), (np.nonzero(hit)[0], memb[hit])), shape=(s, n_ch))
    re = np.zeros((n_ch, 2))
    for c in range(n_ch):
        gone = np.unique(inc.indices[inc.indptr[c]:inc.indptr[c + 1]])
        if len(gone) <= 64:
            e = np.zeros((s, len(gone)))
            e[gone, np.arange(len(gone))] = 1.0
            g_rr = lu.solve(e)[gone]
            sub = full - g0[gone] @ np.linalg.solve(g_rr, x[gone])
        else:
            keep = np.ones(s, dtype=bool)
            keep[gone] = False
            idx = np.flatnonzero(keep)
            sub = splu(a[idx][:, idx].tocsc()).solve(rhs[idx])[0]  # the start state is kept and first
        re[c] = np.where(full > 0, 1 - sub / np.where(full > 0, full, 1), 0.0)
    return re[:, 0], re[:, 1]


def simulate(ch, counts, mean_value, n_sim: int, seed, max_steps) -> tuple[np.ndarray, np.ndarray]:
    """Removal effects by simulating journeys through the chain (all walkers at once)."""
    rng = np.random.default_rng(seed)
    s = ch["n_states"]
    rows = np.asarray(counts.sum(axis=1)).ravel()
    csr = counts.multiply(1.0 / np.where(rows > 0, rows, 1)[:, None]).tocsr()
    # cumulative probabilities offset by row number: row r's entries lie in (r, r + 1]
    cum = np.concatenate([np.cumsum(csr.data[a:b]) + r for r, (a, b) in enumerate(zip(csr.indptr[:-1], csr.indptr[1:]))])
    state = np.zeros(n_sim, dtype=np.int64)
    visited = np.zeros((n_sim, len(ch["channels"])), dtype=bool)
    last = np.zeros(n_sim, dtype=np.int64)
    active = np.arange(n_sim)
    steps = 0
    while active.size and (max_steps is None or steps < max_steps):
        cur = state[active]
        idx = np.searchsorted(cum, cur + rng.random(active.size), side="right")
        idx = np.minimum(idx, csr.indptr[cur + 1] - 1)
        nxt = csr.indices[idx]
        state[active] = nxt
        tr = nxt < s
        for j in range(ch["members"].shape[1]):
            mem = ch["members"][nxt[tr], j]
            visited[active[tr][mem >= 0], mem[mem >= 0]] = True
        last[active[tr]] = nxt[tr]
        active = active[tr]
        steps += 1
    if active.size:
        log.info("%d simulated journeys stopped at max_steps=%s (counted as non-converting)", active.size, max_steps)
    conv = state == s
    value = mean_value[last] * conv
    re_c = visited[conv].sum(axis=0) / max(conv.sum(), 1)
    re_v = (visited * value[:, None]).sum(axis=0) / value.sum() if value.sum() > 0 else np.zeros(visited.shape[1])
    return re_c, re_v


def fit(pc, order: int, *, method: str = "exact", n_sim: int = 200_000, seed=0, max_steps=None) -> dict:
    """Removal effects and attributed conversions/value of one segment's distinct paths."""
    ch = build_chain(pc, order)
    conv, null, value = (pc.table[c].to_numpy(dtype="float64") for c in ("conversions", "nulls", "value"))
    res = _solve(ch, conv, null, value, method, n_sim, seed, max_steps)
    res["chain"] = ch
    return res


def _solve(ch, conv, null, value, method="exact", n_sim=200_000, seed=0, max_steps=None) -> dict:
    counts = chain_counts(ch, conv, null)
    mv = _mean_value(ch, conv, value)
    if method == "exact":
        re_c, re_v = removal_effects(ch, counts, mv)
    else:
        re_c, re_v = simulate(ch, counts, mv, n_sim, seed, max_steps)
    tc, tv = conv.sum(), value.sum()
    att_c = re_c / re_c.sum() * tc if re_c.sum() > 0 else np.zeros_like(re_c)
    att_v = re_v / re_v.sum() * tv if re_v.sum() > 0 else np.zeros_like(re_v)
    return {"re_c": re_c, "re_v": re_v, "conversions": att_c, "value": att_v, "counts": counts}


def bootstrap(pc, ch, n_boot: int, seed, level: float) -> pd.DataFrame:
    """Percentile intervals of attributed conversions and removal effects by resampling journeys.

    Every journey is one draw: the categories are (distinct path, converted or not) with their
    counts as multinomial weights; value moves with the path's conversions.
    """
    rng = np.random.default_rng(seed)
    conv, null, value = (pc.table[c].to_numpy(dtype="float64") for c in ("conversions", "nulls", "value"))
    total = conv.sum() + null.sum()
    n = max(int(round(total)), 1)
    p = np.r_[conv, null] / total
    vpc = np.divide(value, conv, out=np.zeros_like(value), where=conv > 0)
    k = len(conv)
    draws_c, draws_re = [], []
    for _ in range(n_boot):
        d = rng.multinomial(n, p) * (total / n)
        bc, bn = d[:k], d[k:]
        res = _solve(ch, bc, bn, bc * vpc)
        draws_c.append(res["conversions"])
        draws_re.append(res["re_c"])
    lo, hi = (1 - level) / 2, 1 - (1 - level) / 2
    dc, dr = np.array(draws_c), np.array(draws_re)
    return pd.DataFrame({"ci_low": np.quantile(dc, lo, axis=0), "ci_high": np.quantile(dc, hi, axis=0),
                         "removal_effect_ci_low": np.quantile(dr, lo, axis=0),
                         "removal_effect_ci_high": np.quantile(dr, hi, axis=0)})
