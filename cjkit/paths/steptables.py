"""Step by step: transitions between touches, time between them and journey lengths, for frames or files.

The rules shared by every path function (steps, weights, ``node``, ``by``, event files) are those of
:mod:`cjkit.paths.pathbase`; files are aggregated in DuckDB (:mod:`cjkit.paths.scans`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.paths import scans as _big
from cjkit.paths.pathbase import CONV, NULL, START, _file_node, _journeys, _prep, is_files


def transitions(data: pd.DataFrame, *, node: str = "channel", collapse_repeats: bool = False,
                include_start_end: bool = True, by=None, columns: dict | None = None, rules: dict | None = None, con=None) -> pd.DataFrame:
    """Weighted transitions between consecutive touches (and from ``(start)`` / to the outcome).

    Parameters
    ----------
    data : DataFrame
        Steps form (journey_id, step, channel, ...) or a path table (column ``path``).
    node : str
        Level of the path: ``channel``, ``touchpoint`` or ``phase`` (after :func:`cjkit.paths.assign_channels`).
    collapse_repeats : bool
        Merge consecutive touches of the same node into one.
    include_start_end : bool
        Add transitions from ``(start)`` and to ``(conversion)`` / ``(null)``.
    by : list of str, optional
        Segment columns; the result is computed per segment.
    columns, rules, con
        For event files: source column names, journey rules and DuckDB connection (module description).

    Returns
    -------
    DataFrame
        (by...), source, target, n, probability (share of *source*'s outgoing transitions).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.journeys import transitions
    >>> t = pd.DataFrame({"path": ["a > b", "a"], "conversions": [1.0, 0.0], "nulls": [0.0, 1.0]})
    >>> transitions(t, include_start_end=False)[["source", "target", "probability"]].values.tolist()
    [['a', 'b', 1.0]]
    """
    by = list(by or [])
    if is_files(data):
        _file_node(node)
        return _big.scan_transitions(data, columns=columns, include_start_end=include_start_end,
                                     collapse_repeats=collapse_repeats, by=by, rules=rules, con=con)
    s = _prep(data, node, by, collapse_repeats)
    prev = s.groupby("journey_id", sort=False)["_node"].shift()
    inner = s.assign(source=prev, target=s["_node"], n=s["_w"])
    parts = [inner[inner["source"].notna()]]
    if include_start_end:
        parts.append(inner[inner["source"].isna()].assign(source=START))
        last = s.groupby("journey_id", sort=False).tail(1)
        parts.append(last.assign(source=last["_node"], target=CONV, n=last["_conv"]))
        parts.append(last.assign(source=last["_node"], target=NULL, n=last["_null"]))
    t = pd.concat(parts, ignore_index=True)
    out = t.groupby(by + ["source", "target"], sort=False, as_index=False)["n"].sum()
    out = out[out["n"] != 0]
    out["probability"] = out["n"] / out.groupby(by + ["source"])["n"].transform("sum")
    out = out.astype({"source": "string", "target": "string"})
    out = out.sort_values(by + ["source", "n", "target"], ascending=[True] * (len(by) + 1) + [False, True],
                          kind="stable")
    return out.reset_index(drop=True)


def time_between_steps(data: pd.DataFrame, *, node: str = "channel", unit: str = "h", by=None, columns: dict | None = None, rules: dict | None = None, con=None) -> pd.DataFrame:
    """Time between consecutive touches per transition (needs timestamps, i.e. event logs).

    Parameters
    ----------
    data : DataFrame
        Steps form with a ``timestamp`` column (from an event log).
    node : str
        Level of the path: ``channel``, ``touchpoint`` or ``phase`` (after :func:`cjkit.paths.assign_channels`).
    unit : {"s", "min", "h", "d"}
        Unit of the times.
    by : list of str, optional
        Segment columns; the result is computed per segment.
    columns, rules, con
        For event files: source column names, journey rules and DuckDB connection (module description).

    Returns
    -------
    DataFrame
        (by...), source, target, n, mean, median, p25, p75 (in *unit*: ``s``, ``min``, ``h``, ``d``),
        computed on UTC instants (a gap across a daylight-saving change is its real length);
        a first row with source/target ``(any)`` summarises all transitions.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.journeys import time_between_steps
    >>> s = pd.DataFrame({"journey_id": ["j", "j"], "step": [1, 2], "channel": ["a", "b"],
    ...                   "timestamp": pd.to_datetime(["2024-01-01 00:00", "2024-01-01 06:00"])})
    >>> time_between_steps(s)[["source", "target", "median"]].values.tolist()
    [['(any)', '(any)', 6.0], ['a', 'b', 6.0]]
    """
    secs = {"s": 1, "min": 60, "h": 3600, "d": 86400}
    if unit not in secs:
        raise ParameterError("unit", unit, allowed=list(secs))
    by = list(by or [])
    if is_files(data):
        _file_node(node)
        return _big.scan_time_between_steps(data, columns=columns, unit=unit, by=by, rules=rules, con=con)
    s = _prep(data, node, by)
    if "timestamp" not in s:
        raise DataError("time between steps needs a 'timestamp' column (event logs, not path tables)")
    g = s.groupby("journey_id", sort=False)
    d = s.assign(source=g["_node"].shift(), target=s["_node"],
                 gap=(s["timestamp"] - g["timestamp"].shift()).dt.total_seconds() / secs[unit]).dropna(subset=["gap"])
    allrows = d.assign(source="(any)", target="(any)")
    stats = pd.concat([allrows, d]).groupby(by + ["source", "target"], sort=False)["gap"]
    out = stats.agg(n="size", mean="mean", median="median").join(
        stats.quantile(0.25).rename("p25")).join(stats.quantile(0.75).rename("p75")).reset_index()
    out = out.assign(_any=out["source"] != "(any)").sort_values(by + ["_any", "source", "target"], kind="stable")
    out = out.drop(columns="_any").reset_index(drop=True).astype({"n": "int64"})
    return out.astype({"source": "string", "target": "string", **{b: "string" for b in by}})


def path_lengths(data: pd.DataFrame, *, by=None, columns: dict | None = None, rules: dict | None = None, con=None) -> pd.DataFrame:
    """Distribution of path lengths (touches per journey) with conversion rate per length.

    Parameters
    ----------
    data : DataFrame
        Steps form (journey_id, step, channel, ...) or a path table (column ``path``).
    by : list of str, optional
        Segment columns; the result is computed per segment.
    columns, rules, con
        For event files: source column names, journey rules and DuckDB connection (module description).

    Returns
    -------
    DataFrame
        (by...), n_steps, n_journeys, share, conversions, conversion_rate.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.journeys import path_lengths
    >>> t = pd.DataFrame({"path": ["a > b", "a", "c"], "conversions": [1.0, 0, 1], "nulls": [0.0, 1, 1]})
    >>> path_lengths(t)[["n_steps", "n_journeys"]].to_dict("list")
    {'n_steps': [1, 2], 'n_journeys': [3.0, 1.0]}
    """
    by = list(by or [])
    if is_files(data):
        return _big.scan_path_lengths(data, columns=columns, by=by, rules=rules, con=con)
    j = _journeys(_prep(data, "step", by), by)
    out = j.groupby(by + ["n_steps"], as_index=False).agg(n_journeys=("_w", "sum"), conversions=("_conv", "sum"))
    tot = out.groupby(by)["n_journeys"].transform("sum") if by else out["n_journeys"].sum()
    out["share"] = out["n_journeys"] / tot
    out["conversion_rate"] = np.divide(out["conversions"], out["n_journeys"], out=np.full(len(out), np.nan),
                                       where=out["n_journeys"] > 0)
    return out[by + ["n_steps", "n_journeys", "share", "conversions", "conversion_rate"]]
