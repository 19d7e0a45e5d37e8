"""Journeys as steps and paths: the path table, common paths and key figures, for frames or files.

All functions take the long *steps* form (:func:`cjkit.io.events.events_to_steps` or
:func:`cjkit.io.events.paths_to_steps`; a path table is expanded automatically) and return tidy
frames. A journey's weight is ``n_journeys`` (path tables: one row stands for many journeys)
or ``conversions + nulls``. ``node`` chooses the level: ``channel``, ``touchpoint`` or ``phase``
(after :func:`cjkit.paths.assign_channels`); touches without a node value count as ``(unmapped)``.
``by`` names segment columns; every result is then computed per segment.

**One engine, two sizes**: every function also takes event *files* (a CSV/Parquet path, a glob
such as ``events/*.parquet`` or a list) instead of a DataFrame. Then DuckDB builds the journeys
out of core (:mod:`cjkit.paths.bigpaths`, within the memory limit of ``con=``) by the same rules
as :func:`cjkit.io.events.read_events` + :func:`cjkit.io.events.events_to_steps`, and the result
is identical, dtypes included. ``columns=`` names the source columns, ``rules=`` passes the journey
rules (``session_timeout``, ``lookback`` ...) and ``con=`` a :func:`cjkit.paths.bigpaths.scan_connection`.
Paths over files are channel paths (``node="channel"``).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.io.steps import SEP, paths_to_steps, steps_to_paths
from cjkit.paths import scans as _big

START, CONV, NULL, UNMAPPED = "(start)", "(conversion)", "(null)", "(unmapped)"


def is_files(data) -> bool:
    """True when *data* names event files (path, glob or list) rather than being a DataFrame."""
    return isinstance(data, (str, Path, list, tuple))


def _file_node(node: str) -> None:
    if node != "channel":
        raise ParameterError("node", node, allowed=["channel"],
                             message="paths read from event files are channel paths; map channels to "
                                     f"'{node}' on the path table (cj.paths.assign_channels) instead")


def path_table(data, *, by=None, node: str = "channel", columns: dict | None = None, rules: dict | None = None,
               con=None) -> pd.DataFrame:
    """The path table (one row per distinct path with its counts) of journeys in memory or in files.

    Parameters
    ----------
    data : DataFrame, str, Path or list
        Steps form (:func:`cjkit.io.events.events_to_steps`) or event files (CSV/Parquet, globs allowed).
    by : list of str, optional
        Segment columns; one row per path and segment.
    node : str
        Column whose values make up the path (steps form only).
    columns, rules, con
        For event files: source column names, journey rules and DuckDB connection (module description).

    Returns
    -------
    DataFrame
        path, (by...), conversions, nulls, value, n_journeys — most frequent first (ties by path).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.journeys import path_table
    >>> s = pd.DataFrame({"journey_id": ["a", "a", "b"], "step": [1, 2, 1], "channel": ["x", "y", "x"],
    ...                   "conversions": [1.0, 1.0, 0.0], "nulls": [0.0, 0.0, 1.0], "value": [5.0, 5.0, 0.0]})
    >>> path_table(s)[["path", "conversions", "n_journeys"]].values.tolist()
    [['x', 0.0, 1.0], ['x > y', 1.0, 1.0]]
    """
    if is_files(data):
        _file_node(node)
        return _big.scan_path_table(data, columns=columns, by=by, rules=rules, con=con)
    if "path" in data:
        return data
    return steps_to_paths(data, segments=list(by or []), node=node)


def _from_files(data, node, by, columns, rules, con):
    """Event files become their path table (memory grows with distinct paths, not with touches)."""
    if not is_files(data):
        return data
    _file_node(node)
    return _big.scan_path_table(data, columns=columns, by=by, rules=rules, con=con)


def _prep(data: pd.DataFrame, node: str, by, collapse_repeats: bool = False) -> pd.DataFrame:
    """Steps sorted by journey and step, with `_node` (string), `_w` (journey weight) and `_order`."""
    by = list(by or [])
    s = paths_to_steps(data, segments=[b for b in by if b in data]) if "path" in data else data
    missing = [c for c in ["journey_id", "step", node, *by] if c not in s]
    if missing:
        raise DataError(f"steps frame lacks column(s) {', '.join(missing)}; available: {', '.join(map(str, s.columns))}")
    s = s.sort_values(["journey_id", "step"], kind="stable").reset_index(drop=True)
    col = s[node]
    out = s[["journey_id", "step", *by] + (["timestamp"] if "timestamp" in s else [])].copy()
    if isinstance(col.dtype, pd.CategoricalDtype) and col.cat.ordered:
        out["_order"] = col.cat.codes.astype("int64") + 1  # codes are -1 for NA, so 0 = unmapped
    else:
        out["_order"] = 0
    out["_node"] = col.astype("string").fillna(UNMAPPED)
    conv = s["conversions"].astype("float64") if "conversions" in s else pd.Series(0.0, index=s.index)
    nulls = s["nulls"].astype("float64") if "nulls" in s else pd.Series(0.0, index=s.index)
    out["_w"] = s["n_journeys"].astype("float64") if "n_journeys" in s else conv + nulls
    out["_conv"], out["_null"] = conv, nulls
    out["_value"] = s["value"].astype("float64") if "value" in s else 0.0
    if collapse_repeats:
        prev = out.groupby("journey_id", sort=False)["_node"].shift()
        out = out[prev.isna() | (prev != out["_node"])].reset_index(drop=True)
    return out


def _journeys(s: pd.DataFrame, by) -> pd.DataFrame:
    g = s.groupby("journey_id", sort=False)
    agg = {"_w": "first", "_conv": "first", "_null": "first", "_value": "first", "step": "size",
           **{b: "first" for b in by}}
    return g.agg(agg).rename(columns={"step": "n_steps"})


def common_paths(data: pd.DataFrame, *, node: str = "channel", top: int | None = 20, by=None,
                 collapse_repeats: bool = False, columns: dict | None = None, rules: dict | None = None,
                 con=None) -> pd.DataFrame:
    """Most frequent paths with their conversions.

    Parameters
    ----------
    data : DataFrame
        Steps form (journey_id, step, channel, ...) or a path table (column ``path``).
    node : str
        Level of the path: ``channel``, ``touchpoint`` or ``phase`` (after :func:`cjkit.paths.assign_channels`).
    top : int, optional
        Number of paths kept (per segment); ``None`` keeps all.
    by : list of str, optional
        Segment columns; the result is computed per segment.
    collapse_repeats : bool
        Merge consecutive touches of the same node into one.
    columns, rules, con
        For event files: source column names, journey rules and DuckDB connection (module description).

    Returns
    -------
    DataFrame
        (by...), path, n_journeys, share, conversions, conversion_rate, value, rank.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.journeys import common_paths
    >>> t = pd.DataFrame({"path": ["a > b", "b", "a > b"], "conversions": [1.0, 0, 1], "nulls": [1.0, 2, 0]})
    >>> common_paths(t)[["path", "n_journeys", "conversion_rate"]].values.tolist()
    [['a > b', 3.0, 0.6666666666666666], ['b', 2.0, 0.0]]
    """
    by = list(by or [])
    s = _prep(_from_files(data, node, by, columns, rules, con), node, by, collapse_repeats)
    j = _journeys(s, by).join(s.groupby("journey_id", sort=False)["_node"].agg(SEP.join).rename("path"))
    out = j.groupby(by + ["path"], sort=False, as_index=False).agg(
        n_journeys=("_w", "sum"), conversions=("_conv", "sum"), value=("_value", "sum"))
    tot = out.groupby(by)["n_journeys"].transform("sum") if by else out["n_journeys"].sum()
    out["share"] = out["n_journeys"] / tot
    out["conversion_rate"] = np.divide(out["conversions"], out["n_journeys"], out=np.full(len(out), np.nan),
                                       where=out["n_journeys"] > 0)
    out = out.sort_values(by + ["n_journeys", "conversions", "path"], ascending=[True] * len(by) + [False, False, True],
                          kind="stable")
    out["rank"] = out.groupby(by).cumcount() + 1 if by else np.arange(1, len(out) + 1)
    if top is not None:
        out = out[out["rank"] <= top]
    out["path"] = out["path"].astype("string")
    return out[by + ["path", "n_journeys", "share", "conversions", "conversion_rate", "value", "rank"]].reset_index(drop=True)


def path_summary(data: pd.DataFrame, *, by=None, columns: dict | None = None, rules: dict | None = None, con=None) -> pd.DataFrame:
    """Key figures of a set of journeys as a metric table.

    Parameters
    ----------
    data : DataFrame
        Steps form (journey_id, step, channel, ...) or a path table (column ``path``).
    by : list of str, optional
        Segment columns; the result is computed per segment.

    Returns
    -------
    DataFrame
        (by...), metric, value — n_journeys, n_distinct_paths, conversions, conversion_rate,
        value, mean_steps, median_steps, n_channels.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.journeys import path_summary
    >>> t = pd.DataFrame({"path": ["a > b", "b"], "conversions": [1.0, 0.0], "nulls": [1.0, 2.0]})
    >>> float(path_summary(t).set_index("metric")["value"]["conversion_rate"])
    0.25
    """
    by = list(by or [])
    data = _from_files(data, "channel", by, columns, rules, con)
    s = _prep(data, "channel", by)
    j = _journeys(s, by).join(s.groupby("journey_id", sort=False)["_node"].agg(SEP.join).rename("path"))
    rows = []
    for key, jj in (j.groupby(by, sort=True, observed=True) if by else [((), j)]):
        key = key if isinstance(key, tuple) else (key,)
        w = jj["_w"]
        n = w.sum()
        order = np.argsort(jj["n_steps"].to_numpy())
        cum = np.cumsum(w.to_numpy()[order])
        median = float(jj["n_steps"].to_numpy()[order][np.searchsorted(cum, n / 2)]) if n > 0 else np.nan
        chans = s.loc[s["journey_id"].isin(jj.index), "_node"].nunique()
        for metric, value in [("n_journeys", n), ("n_distinct_paths", jj["path"].nunique()),
                              ("conversions", jj["_conv"].sum()),
                              ("conversion_rate", jj["_conv"].sum() / n if n > 0 else np.nan),
                              ("value", jj["_value"].sum()), ("mean_steps", (w * jj["n_steps"]).sum() / n if n else np.nan),
                              ("median_steps", median), ("n_channels", chans)]:
            rows.append((*key, metric, float(value)))
    return pd.DataFrame(rows, columns=by + ["metric", "value"]).astype({"metric": "string"})
