"""Rule-based attribution (first/last touch, linear, time decay, position based) and coalitions.

Definitions follow ChannelAttribution (Altomare & Loris) and its Python port pychattr:

* first/last touch give a path's conversions to its first/last channel; linear splits them
  equally over *touches* (a channel touched twice gets two shares).
* time-decay (pychattr leaves it unimplemented) weights a touch by ``0.5 ** (distance / half_life)``
  where distance is the number of steps (or days, ``decay_on="time"``) before the path's last
  touch; weights are normalised per path.
* position-based (U-shaped) gives 40 % to the first and last touch and splits 20 % over the
  middle; two-touch paths split 50/50.

The weights are computed once per *distinct* path (:func:`cjkit.paths.pathcounts.path_counts`) and
multiplied by its counts, so the work grows with distinct paths, not touches. Only time decay in
days needs every touch's timestamp and runs touch by touch.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cjkit.errors import ParameterError
from cjkit.paths.pathcounts import path_counts, touches

RULES = ("first_touch", "last_touch", "linear", "time_decay", "position_based")


def _weights(pos, n, rule: str, half_life: float, position_weights, dist=None, jid=None) -> np.ndarray:
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
        dist = (n - 1 - pos).astype(float) if dist is None else dist
        raw = np.power(0.5, dist / half_life)
        return raw / np.bincount(jid, weights=raw)[jid]
    raise ParameterError("rules", rule, allowed=RULES)


def _by_touch(data, rules, half_life, position_weights, by) -> pd.DataFrame:
    """Time decay in days: weights need every touch's timestamp."""
    long = touches(data, by)
    if "timestamp" not in long:
        raise ParameterError("decay_on", "time", allowed=["step"],
                             message="decay_on='time' needs steps with a 'timestamp' column")
    jid = pd.factorize(long["jid"])[0]
    last = long.groupby("jid", sort=False)["timestamp"].transform("max")
    dist = ((last - long["timestamp"]).dt.total_seconds() / 86400.0).to_numpy()
    pos, n = long["pos"].to_numpy(), long["n"].to_numpy()
    out = []
    for rule in rules:
        w = _weights(pos, n, rule, half_life, position_weights, dist=dist, jid=jid)
        part = long[by + ["channel"]].assign(conversions=long["conversions"].to_numpy() * w,
                                             value=long["value"].to_numpy() * w)
        out.append(part.groupby(by + ["channel"], sort=False, as_index=False)[["conversions", "value"]].sum()
                   .assign(rule=rule))
    return pd.concat(out, ignore_index=True), list(pd.unique(long["channel"]))


def heuristic_attribution(data: pd.DataFrame, *, rules=RULES, half_life: float = 7.0, decay_on: str = "step",
                          position_weights=(0.4, 0.2, 0.4), by=None) -> pd.DataFrame:
    """Rule-based attribution of conversions and value to channels.

    Parameters
    ----------
    data : DataFrame
        Path table or steps form. A ``conversion_type`` column gives one attribution per type.
    rules : sequence of str
        Any of ``first_touch``, ``last_touch``, ``linear``, ``time_decay``, ``position_based``.
    half_life : float
        Time-decay half-life in steps (``decay_on="step"``) or days (``"time"``, needs timestamps).
    position_weights : (first, middle, last)
        Shares of the position-based rule.
    decay_on : {"step", "time"}
        Distance for time decay: steps, or days (needs steps with a ``timestamp`` column).
    by : list of str, optional
        Segment columns; results per segment.

    Returns
    -------
    DataFrame
        (by...), rule, channel, conversions, value — channels in order of first appearance.

    Examples
    --------
    >>> import pandas as pd
    >>> import cjkit as cj
    >>> t = pd.DataFrame({"path": ["a > b > a", "b"], "conversions": [3.0, 1.0]})
    >>> cj.paths.heuristic_attribution(t, rules=["linear"])[["channel", "conversions"]].values.tolist()
    [['a', 2.0], ['b', 2.0]]
    """
    if decay_on not in ("step", "time"):
        raise ParameterError("decay_on", decay_on, allowed=["step", "time"])
    if half_life <= 0:
        raise ParameterError("half_life", half_life, message=f"parameter 'half_life' must be > 0, got {half_life}")
    for rule in rules:
        if rule not in RULES:
            raise ParameterError("rules", rule, allowed=RULES)
    if decay_on == "time" and "time_decay" in rules:
        by = list(by or []) + (["conversion_type"] if "conversion_type" in data and "conversion_type" not in (by or [])
                               else [])
        res, order = _by_touch(data, rules, half_life, position_weights, by)
    else:
        pc = path_counts(data, by=by)
        by = pc.by
        pid, pos, n = pc.touch_index()
        first_row = pd.Series(np.arange(len(pc.table))).groupby(pc.group).first().to_numpy()
        n_ch, n_g = len(pc.channels), int(pc.group.max()) + 1 if len(pc.group) else 0
        cell = pc.group[pid] * n_ch + pc.codes
        conv, val = pc.table["conversions"].to_numpy()[pid], pc.table["value"].to_numpy()[pid]
        touched = np.bincount(cell, minlength=n_g * n_ch) > 0
        out = []
        for rule in rules:
            w = _weights(pos, n, rule, half_life, position_weights, jid=pid)
            c = np.bincount(cell, weights=conv * w, minlength=n_g * n_ch)[touched]
            v = np.bincount(cell, weights=val * w, minlength=n_g * n_ch)[touched]
            cells = np.flatnonzero(touched)
            seg = {b: pc.table[b].to_numpy()[first_row][cells // n_ch] for b in by}
            out.append(pd.DataFrame({**seg, "channel": np.asarray(pc.channels, dtype=object)[cells % n_ch],
                                     "conversions": c, "value": v, "rule": rule}))
        res, order = pd.concat(out, ignore_index=True), pc.channels
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
    >>> import cjkit as cj
    >>> t = pd.DataFrame({"path": ["b > a > b", "a > b"], "conversions": [1.0, 2.0]})
    >>> cj.paths.coalitions(t)[["coalition", "conversions"]].values.tolist()
    [['a > b', 3.0]]
    """
    pc = path_counts(data)
    out = pc.table.assign(coalition=coalition_names(pc))
    out = out.groupby("coalition", as_index=False).agg(conversions=("conversions", "sum"), nulls=("nulls", "sum"),
                                                       value=("value", "sum"), n_paths=("n_rows", "sum"))
    out["coalition"] = out["coalition"].astype("string")
    return out


def coalition_names(pc) -> np.ndarray:
    """Each distinct path's set of channels, sorted by name and joined by ``" > "``."""
    names = np.asarray(pc.channels, dtype=object)
    cid, members = pc.coalitions()
    label = np.array([" > ".join(sorted(names[m])) for m in members], dtype=object)
    return label[cid] if len(cid) else np.zeros(0, dtype=object)
