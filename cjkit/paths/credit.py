"""Participation and assist credit per channel, and cost per channel giving CPA and ROAS.

*Participation* counts, per channel, the journeys and conversions of every path that touched it
(a path touching three channels counts for all three). An *assist* is a conversion whose path
touched the channel but ended with another channel; the assist ratio (assisted conversions per
last-touch conversion) tells closers (below 1) from openers and supporters (above 1), as in
Google Analytics' assisted-conversions report.

:func:`channel_roi` adds cost to any attribution table: CPA = cost / attributed conversions,
ROAS = attributed value / cost.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cjkit.errors import DataError
from cjkit.paths.pathcounts import path_counts

log = logging.getLogger("cjkit.paths.credit")


def channel_participation(data: pd.DataFrame, *, by=None) -> pd.DataFrame:
    """Journeys, conversions and assists of every channel a path touched.

    Parameters
    ----------
    data : DataFrame
        Path table or steps form. A ``conversion_type`` column gives one table per type.
    by : list of str, optional
        Segment columns.

    Returns
    -------
    DataFrame
        (by...), channel, journeys, conversions, value (of the paths touching the channel),
        conversion_rate, last_touch (conversions closed by the channel), assists, assist_ratio.

    Examples
    --------
    >>> import pandas as pd
    >>> import cjkit as cj
    >>> t = pd.DataFrame({"path": ["a > b", "b", "a > a"], "conversions": [2, 1, 0], "nulls": [2, 3, 4]})
    >>> cj.paths.channel_participation(t)[["channel", "journeys", "conversions", "assists"]].values.tolist()
    [['a', 8.0, 2.0, 2.0], ['b', 8.0, 3.0, 0.0]]
    """
    pc = path_counts(data, by=by)
    pid, pos, n = pc.touch_index()
    n_ch = len(pc.channels)
    n_g = int(pc.group.max()) + 1 if len(pc.group) else 0
    # each (path, channel) pair once: participation ignores repeats
    pair = np.unique(pid * n_ch + pc.codes)
    p_pid, p_ch = pair // n_ch, pair % n_ch
    t = pc.table
    conv, null, val = (t[c].to_numpy(dtype="float64") for c in ("conversions", "nulls", "value"))
    cell = pc.group[p_pid] * n_ch + p_ch
    size = n_g * n_ch
    journeys = np.bincount(cell, weights=(conv + null)[p_pid], minlength=size)
    part_conv = np.bincount(cell, weights=conv[p_pid], minlength=size)
    part_val = np.bincount(cell, weights=val[p_pid], minlength=size)
    last = pos == n - 1
    closer = np.bincount(pc.group[pid[last]] * n_ch + pc.codes[last], weights=conv[pid[last]], minlength=size)
    touched = np.bincount(cell, minlength=size) > 0
    cells = np.flatnonzero(touched)
    first_row = pd.Series(np.arange(len(t))).groupby(pc.group).first().to_numpy()
    out = pd.DataFrame({b: t[b].to_numpy()[first_row][cells // n_ch] for b in pc.by})
    out["channel"] = pd.array(np.asarray(pc.channels, dtype=object)[cells % n_ch], dtype="string")
    out["journeys"] = journeys[cells]
    out["conversions"] = part_conv[cells]
    out["value"] = part_val[cells]
    out["conversion_rate"] = np.divide(out["conversions"], out["journeys"], out=np.full(len(out), np.nan),
                                       where=out["journeys"].to_numpy() > 0)
    out["last_touch"] = closer[cells]
    out["assists"] = out["conversions"] - out["last_touch"]
    out["assist_ratio"] = np.divide(out["assists"], out["last_touch"], out=np.full(len(out), np.nan),
                                    where=out["last_touch"].to_numpy() > 0)
    order = {c: i for i, c in enumerate(pc.channels)}
    out = out.sort_values(pc.by + ["channel"], key=lambda s: s.map(order) if s.name == "channel" else s, kind="stable")
    return out.reset_index(drop=True)


def channel_roi(attribution: pd.DataFrame, *, cost: pd.DataFrame) -> pd.DataFrame:
    """Cost per acquisition and return on ad spend for each channel of an attribution table.

    Parameters
    ----------
    attribution : DataFrame
        Output of any attribution function (channel, conversions, value; approach/rule and
        segment columns are kept).
    cost : DataFrame
        channel, cost (one row per channel; segment columns shared with *attribution* match too).

    Returns
    -------
    DataFrame
        The attribution rows with cost, cpa (cost / conversions) and roas (value / cost); missing
        when a channel has no cost or no conversions.

    Examples
    --------
    >>> import pandas as pd
    >>> import cjkit as cj
    >>> att = pd.DataFrame({"channel": ["a", "b"], "conversions": [4.0, 1.0], "value": [400.0, 50.0]})
    >>> cost = pd.DataFrame({"channel": ["a", "b"], "cost": [100.0, 100.0]})
    >>> cj.paths.channel_roi(att, cost=cost)[["channel", "cpa", "roas"]].values.tolist()
    [['a', 25.0, 4.0], ['b', 100.0, 0.5]]
    """
    need = {"channel", "conversions", "value"} - set(attribution.columns)
    if need:
        raise DataError(f"attribution table lacks column(s) {sorted(need)}; got " + ", ".join(map(str, attribution.columns)))
    if not {"channel", "cost"} <= set(cost.columns):
        raise DataError("cost table needs columns 'channel' and 'cost'; got " + ", ".join(map(str, cost.columns)))
    c = cost.copy()
    c["cost"] = pd.to_numeric(c["cost"], errors="coerce")
    bad = c.index[c["cost"].isna() | (c["cost"] < 0)]
    if len(bad):
        raise DataError(f"cost table, row(s) {[int(i) + 1 for i in bad[:10]]}: column 'cost' must be a number >= 0, "
                        f"got {c.loc[bad[:3], 'cost'].tolist()}")
    c["channel"] = c["channel"].astype("string").str.strip()
    keys = ["channel"] + [k for k in c.columns if k in attribution.columns and k not in ("channel", "cost", "conversions",
                                                                                          "value")]
    if c.duplicated(keys).any():
        raise DataError(f"cost table has more than one row for {c.loc[c.duplicated(keys), keys].iloc[0].tolist()}")
    out = attribution.merge(c[keys + ["cost"]], on=keys, how="left")
    missing = out.loc[out["cost"].isna(), "channel"].unique().tolist()
    if missing:
        log.warning("no cost for channel(s) %s: CPA and ROAS left empty", missing)
    conv, value, spend = (out[k].to_numpy(dtype="float64") for k in ("conversions", "value", "cost"))
    out["cpa"] = np.divide(spend, conv, out=np.full(len(out), np.nan), where=(conv > 0) & ~np.isnan(spend))
    out["roas"] = np.divide(value, spend, out=np.full(len(out), np.nan), where=(spend > 0) & ~np.isnan(spend))
    return out
