"""Channel attribution for researchers: Markov chains, the order they need, and all models side by side.

Input is a path table (``path``, ``conversions``, ``nulls``, ``value``; see
:func:`cjkit.io.events.read_path_table`) or the long steps form; a ``conversion_type`` column
gives one attribution per conversion type. The rules live in :mod:`cjkit.paths.heuristics`, the
chain and its exact solution in :mod:`cjkit.paths.markov`, Shapley values in
:mod:`cjkit.paths.shapley`, participation and cost in :mod:`cjkit.paths.credit`.

:func:`choose_order` follows ChannelAttribution's ``choose_order``: for each order k the chain's
probability of converting from a path's last state scores the path; the area under the ROC
curve (``roc_npt`` thresholds, paths weighted by conversions and nulls) is penalised for the
number of possible states, ``pauc = 1 - (1 - auc) (N - 1) / (N - nodes - 1)`` with N journeys and
``nodes = C(channels + k - 1, k)``; the suggested order maximises ``pauc``.
"""
from __future__ import annotations

import logging
from math import comb

import numpy as np
import pandas as pd

from cjkit.errors import ParameterError
from cjkit.paths import markov
from cjkit.paths.heuristics import RULES, coalitions, heuristic_attribution  # noqa: F401  (public here too)
from cjkit.paths.markov import CONV, NULL, START  # noqa: F401
from cjkit.paths.pathcounts import path_counts
from cjkit.paths.shapley import shapley_attribution

log = logging.getLogger("cjkit.paths.attribution")


def _auc(pc, order: int, roc_npt: int) -> tuple[float, float]:
    ch = markov.build_chain(pc, order)
    conv, null = (pc.table[c].to_numpy(dtype="float64") for c in ("conversions", "nulls"))
    counts = markov.chain_counts(ch, conv, null)
    s = ch["n_states"]
    to_conv = np.asarray(counts[:, s].todense()).ravel()
    to_null = np.asarray(counts[:, s + 1].todense()).ravel()
    ends = to_conv + to_null
    pconv = np.divide(to_conv, ends, out=np.zeros_like(ends), where=ends > 0)
    score = pconv[ch["end_state"]]
    conv, null = conv[ch["end_pid"]], null[ch["end_pid"]]
    grid = np.linspace(score.min(), score.max(), roc_npt)[::-1]
    srt = np.argsort(score)
    # weight of paths scoring at least each threshold, from cumulative sums over sorted scores
    above = len(score) - np.searchsorted(score[srt], grid, side="left")
    cum_c, cum_n = np.r_[0, np.cumsum(conv[srt][::-1])], np.r_[0, np.cumsum(null[srt][::-1])]
    tpr = np.r_[0.0, cum_c[above] / conv.sum(), 1.0]
    fpr = np.r_[0.0, cum_n[above] / null.sum(), 1.0]
    auc = float(np.trapezoid(tpr, fpr))
    n = conv.sum() + null.sum()
    nodes = comb(len(ch["channels"]) + order - 1, order)
    pauc = 1 - (1 - auc) * (n - 1) / (n - nodes - 1) if n - nodes - 1 > 0 else 0.0
    return auc, pauc if 0 <= pauc <= 1 else 0.0


def choose_order(data: pd.DataFrame, *, max_order: int = 10, roc_npt: int = 100) -> pd.DataFrame:
    """The Markov order the data support, as ChannelAttribution's ``choose_order``.

    Parameters
    ----------
    data : DataFrame
        Path table or steps form; needs non-converting paths (``nulls``).
    max_order : int
        Highest order tried.
    roc_npt : int
        Thresholds of the ROC curve (at least 10).

    Returns
    -------
    DataFrame
        order, auc, pauc (penalised AUC), suggested (True in the row of the chosen order). Orders
        with at least as many possible states as journeys are not evaluated.

    Examples
    --------
    >>> import pandas as pd
    >>> import cjkit as cj
    >>> t = pd.DataFrame({"path": ["a > b", "b > a", "a", "b"] * 5, "conversions": [9, 1, 2, 2] * 5,
    ...                   "nulls": [1, 9, 8, 8] * 5})
    >>> res = cj.paths.choose_order(t, max_order=3)
    >>> res[["order", "suggested"]].values.tolist()
    [[1, False], [2, True], [3, False]]
    """
    if not isinstance(max_order, (int, np.integer)) or max_order < 1:
        raise ParameterError("max_order", max_order, message=f"parameter 'max_order' must be >= 1, got {max_order!r}")
    if roc_npt < 10:
        raise ParameterError("roc_npt", roc_npt, message=f"parameter 'roc_npt' must be >= 10, got {roc_npt!r}")
    pc = path_counts(data)
    n = pc.table["conversions"].sum() + pc.table["nulls"].sum()
    rows = []
    for k in range(1, max_order + 1):
        if comb(len(pc.channels) + k - 1, k) >= n:
            break
        auc, pauc = _auc(pc, k, roc_npt)
        rows.append((k, auc, pauc))
    out = pd.DataFrame(rows, columns=["order", "auc", "pauc"])
    out["suggested"] = False
    if len(out):
        best = int(out["pauc"].idxmax())
        out.loc[best, "suggested"] = True
        if best == len(out) - 1 and len(out) > 1:
            log.warning("choose_order: the best order is the highest one tried (%d); try a larger max_order",
                        out.loc[best, "order"])
    return out


def _order(data, order, max_order) -> int:
    if order == "auto":
        tab = choose_order(data, max_order=max_order)
        chosen = int(tab.loc[tab["suggested"], "order"].iloc[0]) if tab["suggested"].any() else 1
        log.info("Markov order chosen from the data: %d (penalised AUC %s)", chosen,
                 tab.set_index("order")["pauc"].round(4).to_dict())
        return chosen
    return order


def markov_attribution(data: pd.DataFrame, *, order=1, method: str = "exact", n_sim: int = 200_000, seed=0,
                       max_steps: int | None = None, by=None, n_boot: int = 0, level: float = 0.95,
                       max_order: int = 6) -> pd.DataFrame:
    """Data-driven attribution with a Markov chain of order *order* and removal effects.

    Parameters
    ----------
    data : DataFrame
        Path table (path, conversions, nulls, value) or steps form. A ``conversion_type`` column
        gives one attribution per type.
    order : int or "auto"
        Markov order (1 = channels, k = k-tuples of consecutive channels); ``"auto"`` picks it
        with :func:`choose_order` (up to *max_order*) and reports it in the ``order`` column.
    method : {"exact", "simulation"}
        Absorbing-chain solution, or simulation of *n_sim* journeys (ChannelAttribution's approach).
    n_sim, seed, max_steps :
        Simulated journeys, random seed (also of the bootstrap) and step cap of the simulation.
    by : list of str, optional
        Segment columns; one Markov chain per segment.
    n_boot : int
        Bootstrap replicates for confidence intervals (0 = none). Journeys are resampled with
        multinomial weights over distinct paths and outcomes.
    level : float
        Confidence level of the percentile intervals.
    max_order : int
        Highest order tried by ``order="auto"``.

    Returns
    -------
    DataFrame
        (by...), channel, conversions, value, removal_effect, removal_effect_value, order; with
        ``n_boot > 0`` also ci_low, ci_high (attributed conversions) and removal_effect_ci_low,
        removal_effect_ci_high.

    Examples
    --------
    >>> import pandas as pd
    >>> import cjkit as cj
    >>> t = pd.DataFrame({"path": ["a > b > a > b > b > a", "a > b > b > a > a", "a > a"], "conversions": [1, 1, 1]})
    >>> cj.paths.markov_attribution(t)[["channel", "conversions", "removal_effect"]].round(3).values.tolist()
    [['a', 2.0, 1.0], ['b', 1.0, 0.5]]
    """
    if method not in ("exact", "simulation"):
        raise ParameterError("method", method, allowed=["exact", "simulation"])
    if not 0 < level < 1:
        raise ParameterError("level", level, message=f"parameter 'level' must lie between 0 and 1, got {level!r}")
    if order != "auto" and not (isinstance(order, (int, np.integer)) and order >= 1):
        raise ParameterError("order", order, message=f"parameter 'order' must be an integer >= 1 or 'auto', got {order!r}")
    pc = path_counts(data, by=by)
    by = pc.by
    parts = []
    for g in np.unique(pc.group):
        sub = pc.subset(pc.group == g)
        k = _order(sub.table, order, max_order)
        res = markov.fit(sub, k, method=method, n_sim=n_sim, seed=seed, max_steps=max_steps)
        part = pd.DataFrame({"channel": pd.array(res["chain"]["channels"], dtype="string"),
                             "conversions": res["conversions"], "value": res["value"],
                             "removal_effect": res["re_c"], "removal_effect_value": res["re_v"], "order": k})
        if n_boot:
            part = pd.concat([part, markov.bootstrap(sub, res["chain"], n_boot, seed, level)], axis=1)
        for b in reversed(by):
            part.insert(0, b, sub.table[b].iloc[0])
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


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
    >>> import cjkit as cj
    >>> t = pd.DataFrame({"path": ["a > b", "a"], "conversions": [1.0, 0.0], "nulls": [0.0, 1.0]})
    >>> cj.paths.markov_transitions(t).query("source == 'a'")[["target", "probability"]].values.tolist()
    [['b', 0.5], ['(null)', 0.5]]
    """
    pc = path_counts(data)
    ch = markov.build_chain(pc, order)
    conv, null = (pc.table[c].to_numpy(dtype="float64") for c in ("conversions", "nulls"))
    coo = markov.chain_counts(ch, conv, null).tocoo()
    names = np.array(ch["names"] + [CONV, NULL], dtype=object)
    out = pd.DataFrame({"source": names[coo.row], "target": names[coo.col], "n": coo.data, "_r": coo.row,
                        "_c": coo.col}).sort_values(["_r", "_c"])
    out["probability"] = out["n"] / out.groupby("_r")["n"].transform("sum")
    return out.drop(columns=["_r", "_c"]).astype({"source": "string", "target": "string"}).reset_index(drop=True)


def attribution_table(data: pd.DataFrame, *, order=1, shapley: bool = False, n_boot: int = 0, seed=0,
                      **kwargs) -> pd.DataFrame:
    """All heuristic rules and the Markov model (and Shapley values) in one tidy table.

    Parameters
    ----------
    data : DataFrame
        Path table or steps form.
    order : int or "auto"
        Markov order (see :func:`markov_attribution`).
    shapley : bool
        Add :func:`cjkit.paths.shapley_attribution` as approach ``shapley``.
    n_boot, seed :
        Bootstrap replicates and seed of the Markov model's confidence intervals (0 = none).
    **kwargs
        Options of :func:`heuristic_attribution` (``rules``, ``half_life``, ``decay_on``, ``position_weights``).

    Returns
    -------
    DataFrame
        approach (a rule name, ``markov_order_<k>`` or ``shapley``), channel, conversions, value,
        share (of the approach's conversions); with ``n_boot > 0`` also ci_low, ci_high (Markov
        rows only).

    Examples
    --------
    >>> import pandas as pd
    >>> import cjkit as cj
    >>> t = pd.DataFrame({"path": ["a > b", "b"], "conversions": [1.0, 1.0]})
    >>> tab = cj.paths.attribution_table(t, rules=["first_touch", "last_touch"])
    >>> tab.pivot(index="channel", columns="approach", values="share").round(3)
    approach  first_touch  last_touch  markov_order_1
    channel
    a                 0.5         0.0           0.333
    b                 0.5         1.0           0.667
    """
    h = heuristic_attribution(data, **kwargs).rename(columns={"rule": "approach"})
    mk = markov_attribution(data, order=order, n_boot=n_boot, seed=seed)
    mk = mk.assign(approach="markov_order_" + mk["order"].astype(str))
    parts = [h, mk[list(h.columns) + (["ci_low", "ci_high"] if n_boot else [])]]
    if shapley:
        parts.append(shapley_attribution(data).assign(approach="shapley")[h.columns])
    out = pd.concat(parts, ignore_index=True)
    tot = out.groupby(["approach"] + [c for c in h.columns if c not in ("approach", "channel", "conversions", "value")]
                      )["conversions"].transform("sum")
    out["share"] = np.divide(out["conversions"], tot, out=np.zeros(len(out)), where=tot != 0)
    return out
