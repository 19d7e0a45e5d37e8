"""Channel attribution: heuristic rules and data-driven Markov-chain attribution.

Input is a path table (``path``, ``conversions``, ``nulls``, ``value``; see
:func:`cjkit.io.events.read_path_table`) or, for time-decay on real time, the long steps form.

Definitions follow ChannelAttribution (Altomare & Loris) and its Python port pychattr:

* first/last touch give a path's conversions to its first/last channel; linear splits them
  equally over *touches* (a channel touched twice gets two shares).
* time-decay (pychattr leaves it unimplemented) weights a touch by ``0.5 ** (distance / half_life)``
  where distance is the number of steps (or days, ``decay_on="time"``) before the path's last
  touch; weights are normalised per path.
* position-based (U-shaped) gives 40 % to the first and last touch and splits 20 % over the
  middle; two-touch paths split 50/50.
* Markov: transitions between states (channels, or k-tuples of channels for ``order=k``) with
  consecutive repeats collapsed, ``(start)`` -> ... -> ``(conversion)``/``(null)``; transitions
  between touches weigh ``conversions + nulls``. The removal effect of a channel is the share of
  conversions lost when every state containing it leads to ``(null)``, and conversions/value are
  split in proportion to removal effects. ChannelAttribution estimates this by simulation; here it
  is solved exactly as an absorbing chain (``method="exact"``), with a vectorised simulation
  (``method="simulation"``) as an independent check.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.linalg import spsolve

from cjkit.errors import DataError, ParameterError

log = logging.getLogger("cjkit.paths.attribution")
RULES = ("first_touch", "last_touch", "linear", "time_decay", "position_based")
START, CONV, NULL = "(start)", "(conversion)", "(null)"


def _long(data: pd.DataFrame, by) -> pd.DataFrame:
    """One row per touch: jid, pos (0-based), n, channel, conversions, value (+ timestamp, by)."""
    by = list(by or [])
    if "path" in data:
        t = data.reset_index(drop=True)
        long = t.assign(channel=t["path"].astype("string").str.split(">", regex=False)).explode("channel")
        long["jid"] = long.index.to_numpy()
        long["channel"] = long["channel"].astype("string").str.strip()
    elif {"journey_id", "step", "channel"} <= set(data.columns):
        long = data.sort_values(["journey_id", "step"], kind="stable").rename(columns={"journey_id": "jid"})
    else:
        raise DataError("expected a path table (column 'path') or steps (journey_id, step, channel); got columns "
                        + ", ".join(map(str, data.columns)))
    long = long.reset_index(drop=True)
    long["pos"] = long.groupby("jid", sort=False).cumcount()
    long["n"] = long.groupby("jid", sort=False)["pos"].transform("size")
    for c in ("conversions", "nulls", "value"):
        long[c] = long[c].astype("float64") if c in long else 0.0
    keep = ["jid", "pos", "n", "channel", "conversions", "nulls", "value"] + (["timestamp"] if "timestamp" in long else [])
    return long[keep + [b for b in by if b not in keep]]


def _weights(long: pd.DataFrame, rule: str, half_life: float, decay_on: str, position_weights) -> np.ndarray:
    pos, n = long["pos"].to_numpy(), long["n"].to_numpy()
    if rule == "first_touch":
        return (pos == 0).astype(float)
    if rule == "last_touch":
        return (pos == n - 1).astype(float)
    if rule == "linear":
        return 1.0 / n
    if rule == "position_based":
        first, middle, last = position_weights
        w = np.where(pos == 0, first, np.where(pos == n - 1, last, middle / np.maximum(n - 2, 1)))
        w = np.where(n == 2, 0.5, w)
        return np.where(n == 1, 1.0, w)
    if rule == "time_decay":
        if decay_on == "time":
            if "timestamp" not in long:
                raise ParameterError("decay_on", decay_on, allowed=["step"],
                                     message="decay_on='time' needs steps with a 'timestamp' column")
            last = long.groupby("jid", sort=False)["timestamp"].transform("max")
            dist = ((last - long["timestamp"]).dt.total_seconds() / 86400.0).to_numpy()
        else:
            dist = (n - 1 - pos).astype(float)
        raw = np.power(0.5, dist / half_life)
        return raw / pd.Series(raw).groupby(long["jid"].to_numpy()).transform("sum").to_numpy()
    raise ParameterError("rules", rule, allowed=RULES)


def heuristic_attribution(data: pd.DataFrame, *, rules=RULES, half_life: float = 7.0, decay_on: str = "step",
                          position_weights=(0.4, 0.2, 0.4), by=None) -> pd.DataFrame:
    """Rule-based attribution of conversions and value to channels.

    Parameters
    ----------
    data : DataFrame
        Path table or steps form.
    rules : sequence of str
        Any of ``first_touch``, ``last_touch``, ``linear``, ``time_decay``, ``position_based``.
    half_life : float
        Time-decay half-life in steps (``decay_on="step"``) or days (``"time"``, needs timestamps).
    position_weights : (first, middle, last)
        Shares of the position-based rule.
    decay_on : {"step", "time"}
        Distance for time decay: steps, or days (needs a ``timestamp`` column).
    by : list of str, optional
        Segment columns; results per segment.

    Returns
    -------
    DataFrame
        (by...), rule, channel, conversions, value — channels in order of first appearance.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.attribution import heuristic_attribution
    >>> t = pd.DataFrame({"path": ["a > b > a", "b"], "conversions": [3.0, 1.0]})
    >>> heuristic_attribution(t, rules=["linear"])[["channel", "conversions"]].values.tolist()
    [['a', 2.0], ['b', 2.0]]
    """
    by = list(by or [])
    if decay_on not in ("step", "time"):
        raise ParameterError("decay_on", decay_on, allowed=["step", "time"])
    if half_life <= 0:
        raise ParameterError("half_life", half_life, message=f"parameter 'half_life' must be > 0, got {half_life}")
    long = _long(data, by)
    order = pd.unique(long["channel"])
    out = []
    for rule in rules:
        w = _weights(long, rule, half_life, decay_on, position_weights)
        part = long[by + ["channel"]].assign(conversions=long["conversions"].to_numpy() * w,
                                             value=long["value"].to_numpy() * w)
        g = part.groupby(by + ["channel"], sort=False, as_index=False)[["conversions", "value"]].sum()
        out.append(g.assign(rule=rule))
    res = pd.concat(out, ignore_index=True)
    res["channel"] = pd.Categorical(res["channel"], categories=order)
    res = res.sort_values(by + ["rule", "channel"], key=lambda s: s.map({m: i for i, m in enumerate(rules)})
                          if s.name == "rule" else s, kind="stable")
    res["channel"] = res["channel"].astype("string")
    return res[by + ["rule", "channel", "conversions", "value"]].reset_index(drop=True)


def coalitions(data: pd.DataFrame) -> pd.DataFrame:
    """Conversions per *coalition* (the set of channels a path touched), e.g. for Shapley values.

    Parameters
    ----------
    data : DataFrame
        Path table or steps form.

    Returns
    -------
    DataFrame
        coalition (sorted channels joined by ``" > "``), conversions, nulls, value, n_paths.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.attribution import coalitions
    >>> t = pd.DataFrame({"path": ["b > a > b", "a > b"], "conversions": [1.0, 2.0]})
    >>> coalitions(t)[["coalition", "conversions"]].values.tolist()
    [['a > b', 3.0]]
    """
    long = _long(data, [])
    sets = long.drop_duplicates(["jid", "channel"]).sort_values(["jid", "channel"])
    name = sets.groupby("jid")["channel"].agg(" > ".join)
    per = long.groupby("jid")[["conversions", "nulls", "value"]].first().assign(coalition=name)
    out = per.groupby("coalition", as_index=False).agg(conversions=("conversions", "sum"), nulls=("nulls", "sum"),
                                                       value=("value", "sum"), n_paths=("value", "size"))
    out["coalition"] = out["coalition"].astype("string")
    return out


def _chain(data: pd.DataFrame, order: int):
    """States, transition counts and per-state mean conversion value of the order-k chain."""
    if order < 1:
        raise ParameterError("order", order, message=f"parameter 'order' must be >= 1, got {order}")
    long = _long(data, [])
    if (long[["conversions", "nulls", "value"]] < 0).to_numpy().any():
        raise DataError("Markov attribution needs non-negative conversions, nulls and values")
    codes, channels = pd.factorize(long["channel"])
    base = len(channels) + 1
    jid, pos, n = long["jid"].to_numpy(), long["pos"].to_numpy(), long["n"].to_numpy()
    # a state is the window of `order` touches starting here; shorter paths form one short state
    members = np.full((len(long), order), -1, dtype=np.int64)
    for j in range(order):
        shifted = np.roll(codes, -j)
        ok = (pos + j < n)
        members[:, j] = np.where(ok, shifted, -1)
    is_state = (pos <= n - order) | ((n < order) & (pos == 0))
    members, jid_s = members[is_state], jid[is_state]
    key = ((members + 1) * base ** np.arange(order)).sum(axis=1)
    sid, uniq = pd.factorize(key)
    sid = sid + 1  # 0 is (start)
    first = np.r_[True, jid_s[1:] != jid_s[:-1]]
    repeat = ~first & (sid == np.roll(sid, 1))
    sid, jid_s, first = sid[~repeat], jid_s[~repeat], first[~repeat]
    prev = np.where(first, 0, np.roll(sid, 1))
    per = long.groupby("jid", sort=False)[["conversions", "nulls", "value"]].first()
    conv, null, val = (per[c].reindex(jid_s).to_numpy() for c in ("conversions", "nulls", "value"))
    last = np.r_[jid_s[1:] != jid_s[:-1], True]
    n_states = len(uniq) + 1
    i_conv, i_null = n_states, n_states + 1
    src = np.r_[prev, sid[last], sid[last]]
    dst = np.r_[sid, np.full(last.sum(), i_conv), np.full(last.sum(), i_null)]
    w = np.r_[conv + null, conv[last], null[last]]
    m = sparse.coo_matrix((w, (src, dst)), shape=(n_states + 2, n_states + 2)).tocsr()
    m.eliminate_zeros()
    vsum = np.bincount(sid[last], weights=val[last], minlength=n_states)
    csum = np.bincount(sid[last], weights=conv[last], minlength=n_states)
    mean_value = np.divide(vsum, csum, out=np.zeros(n_states), where=csum > 0)
    # members of each state id, in state-id order
    memb = np.full((n_states, order), -1, dtype=np.int64)
    for j in range(order):
        memb[1:, j] = (uniq // base ** j) % base - 1
    names = [START] + [",".join(channels[c] for c in row if c >= 0) for row in memb[1:]]
    return {"counts": m, "channels": list(channels), "members": memb, "names": names,
            "mean_value": mean_value, "total_conversions": per["conversions"].sum(),
            "total_value": per["value"].sum(), "n_states": n_states}


def markov_transitions(data: pd.DataFrame, *, order: int = 1) -> pd.DataFrame:
    """Transition probabilities of the order-k Markov chain (ChannelAttribution's transition matrix).

    Consecutive repeats are collapsed, as in the chain :func:`markov_attribution` solves; for the
    plain transitions between touches see :func:`cjkit.paths.transitions`.

    Parameters
    ----------
    data : DataFrame
        Path table or steps form.
    order : int
        Markov order (1 = channels, k = k-tuples of consecutive channels).

    Returns
    -------
    DataFrame
        source, target (state names; k-tuples joined by ``,``), n (weighted transitions), probability.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.attribution import markov_transitions
    >>> t = pd.DataFrame({"path": ["a > b", "a"], "conversions": [1.0, 0.0], "nulls": [0.0, 1.0]})
    >>> markov_transitions(t).query("source == 'a'")[["target", "probability"]].values.tolist()
    [['b', 0.5], ['(null)', 0.5]]
    """
    ch = _chain(data, order)
    coo = ch["counts"].tocoo()
    names = ch["names"] + [CONV, NULL]
    out = pd.DataFrame({"source": np.array(names, dtype=object)[coo.row], "target": np.array(names, dtype=object)[coo.col],
                        "n": coo.data, "_r": coo.row, "_c": coo.col}).sort_values(["_r", "_c"])
    out["probability"] = out["n"] / out.groupby("_r")["n"].transform("sum")
    return out.drop(columns=["_r", "_c"]).astype({"source": "string", "target": "string"}).reset_index(drop=True)


def _exact(ch) -> tuple[np.ndarray, np.ndarray]:
    """Removal effects on conversions and value by absorbing-chain linear algebra."""
    s = ch["n_states"]
    m = ch["counts"]
    rows = np.asarray(m.sum(axis=1)).ravel()[:s]
    p = sparse.diags(np.divide(1.0, rows, out=np.zeros(s), where=rows > 0)) @ m[:s]
    q, r = p[:, :s].tocsc(), np.asarray(p[:, s].todense()).ravel()
    rv = r * ch["mean_value"]
    ident = sparse.identity(s, format="csc")

    def solve(keep):
        a = (ident - q)[keep][:, keep]
        x = spsolve(a.tocsc(), np.c_[r[keep], rv[keep]])
        return np.atleast_2d(x)[0]

    full = solve(np.arange(s))
    re_c, re_v = [], []
    for c in range(len(ch["channels"])):
        keep = np.flatnonzero(~(ch["members"] == c).any(axis=1))
        sub = solve(keep)
        re_c.append(1 - sub[0] / full[0] if full[0] > 0 else 0.0)
        re_v.append(1 - sub[1] / full[1] if full[1] > 0 else 0.0)
    return np.array(re_c), np.array(re_v)


def _simulate(ch, n_sim: int, seed, max_steps) -> tuple[np.ndarray, np.ndarray]:
    """Removal effects by simulating journeys through the chain (all walkers at once)."""
    rng = np.random.default_rng(seed)
    s, m = ch["n_states"], ch["counts"]
    rows = np.asarray(m.sum(axis=1)).ravel()
    csr = m.multiply(1.0 / np.where(rows > 0, rows, 1)[:, None]).tocsr()
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
    value = ch["mean_value"][last] * conv
    re_c = visited[conv].sum(axis=0) / max(conv.sum(), 1)
    re_v = (visited * value[:, None]).sum(axis=0) / value.sum() if value.sum() > 0 else np.zeros(visited.shape[1])
    return re_c, re_v


def markov_attribution(data: pd.DataFrame, *, order: int = 1, method: str = "exact", n_sim: int = 200_000, seed=0,
                       max_steps: int | None = None, by=None) -> pd.DataFrame:
    """Data-driven attribution with a Markov chain of order *order* and removal effects.

    Parameters
    ----------
    data : DataFrame
        Path table (path, conversions, nulls, value) or steps form.
    order : int
        Markov order (1 = channels, k = k-tuples of consecutive channels).
    method : {"exact", "simulation"}
        Absorbing-chain solution, or simulation of *n_sim* journeys (ChannelAttribution's approach).
    n_sim, seed, max_steps :
        Simulated journeys, random seed and step cap of ``method="simulation"``.
    by : list of str, optional
        Segment columns; one Markov chain per segment.

    Returns
    -------
    DataFrame
        (by...), channel, conversions, value, removal_effect, removal_effect_value.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.attribution import markov_attribution
    >>> t = pd.DataFrame({"path": ["a > b > a > b > b > a", "a > b > b > a > a", "a > a"], "conversions": [1, 1, 1]})
    >>> markov_attribution(t)[["channel", "conversions", "removal_effect"]].round(3).values.tolist()
    [['a', 2.0, 1.0], ['b', 1.0, 0.5]]
    """
    if method not in ("exact", "simulation"):
        raise ParameterError("method", method, allowed=["exact", "simulation"])
    by = list(by or [])
    if by:
        parts = [markov_attribution(g, order=order, method=method, n_sim=n_sim, seed=seed,
                                    max_steps=max_steps).assign(**dict(zip(by, k if isinstance(k, tuple) else (k,))))
                 for k, g in data.groupby(by, sort=True, observed=True)]
        return pd.concat(parts, ignore_index=True)[by + [c for c in parts[0].columns if c not in by]]
    ch = _chain(data, order)
    re_c, re_v = _exact(ch) if method == "exact" else _simulate(ch, n_sim, seed, max_steps)
    conv = re_c / re_c.sum() * ch["total_conversions"] if re_c.sum() > 0 else np.zeros_like(re_c)
    val = re_v / re_v.sum() * ch["total_value"] if re_v.sum() > 0 else np.zeros_like(re_v)
    return pd.DataFrame({"channel": pd.array(ch["channels"], dtype="string"), "conversions": conv, "value": val,
                         "removal_effect": re_c, "removal_effect_value": re_v})


def attribution_table(data: pd.DataFrame, *, order: int = 1, **kwargs) -> pd.DataFrame:
    """All heuristic rules and the Markov model in one tidy table.

    Parameters
    ----------
    data : DataFrame
        Path table or steps form.
    order : int
        Markov order.
    **kwargs
        Options of :func:`heuristic_attribution` (``rules``, ``half_life``, ``decay_on``, ``position_weights``).

    Returns
    -------
    DataFrame
        approach (a rule name or ``markov_order_<k>``), channel, conversions, value, share (of the
        approach's conversions).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.attribution import attribution_table
    >>> t = pd.DataFrame({"path": ["a > b", "b"], "conversions": [1.0, 1.0]})
    >>> tab = attribution_table(t, rules=["first_touch", "last_touch"])
    >>> tab.pivot(index="channel", columns="approach", values="share").round(3)
    approach  first_touch  last_touch  markov_order_1
    channel
    a                 0.5         0.0           0.333
    b                 0.5         1.0           0.667
    """
    h = heuristic_attribution(data, **kwargs).rename(columns={"rule": "approach"})
    mk = markov_attribution(data, order=order)[["channel", "conversions", "value"]].assign(
        approach=f"markov_order_{order}")
    out = pd.concat([h, mk[h.columns]], ignore_index=True)
    tot = out.groupby("approach")["conversions"].transform("sum")
    out["share"] = np.divide(out["conversions"], tot, out=np.zeros(len(out)), where=tot != 0)
    return out
