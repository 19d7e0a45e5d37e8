"""Shapley attribution: each converting coalition's result shared by the channels' Shapley values.

A *coalition* is the set of channels a path touched (order and repeats ignored). As in
marketing-attribution-models (DP6), every converting coalition N is a game of its own channels,
whose worth v(S) for S ⊆ N is what journeys with exactly the channels S achieved:

* ``game="conversions"``: v(S) = conversions of coalition S; a channel's Shapley values over all
  coalitions sum to the conversions of the coalitions it belongs to.
* ``game="conversion_rate"``: v(S) = conversion rate of coalition S; each coalition's Shapley
  values are scaled by its number of journeys and rescaled to its conversions.

The Shapley value of channel i in N is the average over all orderings of N of the worth i adds
to the channels before it. Up to ``max_exact`` channels in a coalition it is computed exactly
over all 2^n subsets; beyond, from ``n_samples`` random orderings (seeded). Value is shared in
proportion to the conversions credited within each coalition.
"""
from __future__ import annotations

from math import factorial

import numpy as np
import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.paths.pathcounts import path_counts

GAMES = ("conversion_rate", "conversions")


def _exact(members: tuple, v: dict) -> np.ndarray:
    n = len(members)
    phi = np.zeros(n)
    w_in = [factorial(s - 1) * factorial(n - s) / factorial(n) if s else 0.0 for s in range(n + 1)]
    w_out = [factorial(s) * factorial(n - s - 1) / factorial(n) if s < n else 0.0 for s in range(n + 1)]
    # only sets with a worth count: walk whichever is shorter, the 2^n subsets or the known sets
    if len(v) < (1 << n):
        mine = set(members)
        subsets = [(sub, w) for sub, w in v.items() if w and mine.issuperset(sub)]
    else:
        subsets = [(sub, v[sub]) for mask in range(1, 1 << n)
                   if (sub := tuple(members[i] for i in range(n) if mask >> i & 1)) in v and v[sub]]
    for sub, worth in subsets:
        inside = np.isin(members, sub)
        phi += np.where(inside, worth * w_in[len(sub)], -worth * w_out[len(sub)])
    return phi


def _sampled(members: tuple, v: dict, n_samples: int, rng) -> np.ndarray:
    n = len(members)
    phi = np.zeros(n)
    for _ in range(n_samples):
        perm = rng.permutation(n)
        before, prev = [], 0.0
        for i in perm:
            before.append(members[i])
            worth = v.get(tuple(sorted(before)), 0.0)
            phi[i] += worth - prev
            prev = worth
    return phi / n_samples


def _segment(pc, game, max_exact, n_samples, rng) -> pd.DataFrame:
    names = np.asarray(pc.channels, dtype=object)
    # coalitions as numbers (bit masks per path, no Python object per path); only the converting
    # coalitions become tuples of channel codes, the keys of the worth table
    cid, members = pc.coalitions()
    co = pc.table[["conversions", "nulls", "value"]].groupby(cid, sort=False).sum()
    co = co[co["conversions"] > 0]
    sets = [tuple(members[i].tolist()) for i in co.index]
    c_conv, c_value = co["conversions"].to_numpy(), co["value"].to_numpy()
    journeys = c_conv + co["nulls"].to_numpy()
    rate = np.divide(c_conv, journeys, out=np.zeros(len(co)), where=journeys > 0)
    worth = dict(zip(sets, c_conv if game == "conversions" else rate))
    conv, value = np.zeros(len(names)), np.zeros(len(names))
    for members, n_j, c, v in zip(sets, journeys, c_conv, c_value):
        phi = (_exact(members, worth) if len(members) <= max_exact
               else _sampled(members, worth, n_samples, rng))
        if game == "conversion_rate":
            phi = phi * n_j
            if phi.sum() != 0:
                phi = phi / phi.sum() * c
        idx = list(members)
        conv[idx] += phi
        if phi.sum() != 0:
            value[idx] += phi / phi.sum() * v
    order = pd.unique(pc.codes)
    return pd.DataFrame({"channel": pd.array(names[order], dtype="string"), "conversions": conv[order],
                         "value": value[order]})


def shapley_attribution(data: pd.DataFrame, *, game: str = "conversion_rate", max_exact: int = 15,
                        n_samples: int = 2000, seed=0, by=None) -> pd.DataFrame:
    """Data-driven attribution by Shapley values of the channels in each converting coalition.

    Parameters
    ----------
    data : DataFrame
        Path table (path, conversions, nulls, value) or steps form. A ``conversion_type`` column
        gives one attribution per type.
    game : {"conversion_rate", "conversions"}
        Worth of a set of channels: its journeys' conversion rate (needs nulls) or conversions.
    max_exact : int
        Coalitions with up to this many channels are solved exactly; larger ones by sampling.
    n_samples : int
        Random orderings per large coalition.
    seed : int
        Seed of the sampling.
    by : list of str, optional
        Segment columns; one attribution per segment.

    Returns
    -------
    DataFrame
        (by...), channel, conversions, value — channels in order of first appearance.

    Examples
    --------
    >>> import pandas as pd
    >>> import cjkit as cj
    >>> t = pd.DataFrame({"path": ["a", "b", "a > b"], "conversions": [2.0, 1.0, 6.0]})
    >>> cj.paths.shapley_attribution(t, game="conversions")[["channel", "conversions"]].values.tolist()
    [['a', 5.5], ['b', 3.5]]
    """
    if game not in GAMES:
        raise ParameterError("game", game, allowed=GAMES)
    if not isinstance(max_exact, (int, np.integer)) or not 1 <= max_exact <= 20:
        raise ParameterError("max_exact", max_exact,
                             message=f"parameter 'max_exact' must be an integer from 1 to 20, got {max_exact!r}")
    if n_samples < 1:
        raise ParameterError("n_samples", n_samples, message=f"parameter 'n_samples' must be >= 1, got {n_samples!r}")
    pc = path_counts(data, by=by)
    if (pc.table[["conversions", "nulls", "value"]] < 0).to_numpy().any():
        raise DataError("Shapley attribution needs non-negative conversions, nulls and values")
    rng = np.random.default_rng(seed)
    parts = []
    for g in np.unique(pc.group):
        sub = pc.subset(pc.group == g)
        part = _segment(sub, game, max_exact, n_samples, rng)
        for b in reversed(pc.by):
            part.insert(0, b, sub.table[b].iloc[0])
        parts.append(part)
    return pd.concat(parts, ignore_index=True)
