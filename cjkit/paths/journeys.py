"""Path analysis of customer journeys: common paths, phase funnel, transitions, timing, lengths, loops.

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

import numpy as np
import pandas as pd

from pathlib import Path

from cjkit.errors import DataError, ParameterError
from cjkit.io.events import SEP, paths_to_steps, steps_to_paths
from cjkit.paths import bigpaths as _big

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


def funnel(data: pd.DataFrame, *, stage: str = "phase", order=None, by=None, max_steps: int = 10,
           drop_empty: bool = True, mapping: pd.DataFrame | None = None, columns: dict | None = None,
           rules: dict | None = None, con=None) -> pd.DataFrame:
    """Funnel over ordered stages (phases) or over step positions, with conversion and drop-off.

    A journey *reaches* a stage when it gets at least that far (its furthest stage is at or after
    it); ``n_touched`` counts journeys with a touch in the stage itself. With ``stage="step"`` the
    stages are step positions 1..max_steps. A first row ``(start)`` holds all journeys and a last
    row ``(conversion)`` the converted ones; as conversion can follow any stage, that row's
    step_conversion and drop_off refer to ``(start)`` (the overall conversion rate). With
    *drop_empty*, stages no journey touched (e.g. after-sales phases in marketing paths) are left out.

    Parameters
    ----------
    data : DataFrame
        Steps form (journey_id, step, channel, ...) or a path table (column ``path``).
    stage : str
        Ordered node column (``phase``) or ``"step"`` for step positions.
    order : list of str, optional
        The stages in journey order, if *stage* is not an ordered categorical.
    by : list of str, optional
        Segment columns; the result is computed per segment.
    max_steps : int
        With ``stage="step"``: journeys longer than this count at the last position.
    drop_empty : bool
        Leave out stages no journey touched.
    mapping : DataFrame, optional
        Channel -> stage (columns ``channel`` and *stage*, e.g. :func:`cjkit.paths.map_channels`);
        needed for event files, optional for steps without a *stage* column.
    columns, rules, con
        For event files: source column names, journey rules and DuckDB connection (module description).

    Returns
    -------
    DataFrame
        (by...), stage, stage_order, n_journeys, n_touched, share_of_start, step_conversion,
        drop_off, drop_off_rate, conversions, conversion_rate.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.journeys import funnel
    >>> t = pd.DataFrame({"path": ["a > b", "a"], "conversions": [1.0, 0.0], "nulls": [0.0, 1.0]})
    >>> funnel(t, stage="step")[["stage", "n_journeys", "drop_off"]].values.tolist()
    [['(start)', 2.0, 0.0], ['1', 2.0, 0.0], ['2', 1.0, 1.0], ['(conversion)', 1.0, 1.0]]
    """
    by = list(by or [])
    if is_files(data):
        counts, totals = _big.scan_funnel_counts(data, stage=stage, mapping=mapping, order=order,
                                                 max_steps=max_steps, columns=columns, by=by, rules=rules, con=con)
        k = int(counts["stage_order"].max()) if len(counts) else 0
        names = [str(i) for i in range(1, k + 1)] if stage == "step" else [str(o) for o in order]
        return _funnel_table(counts, totals, names, by, drop_empty)
    if stage == "step":
        s = _prep(data, "channel", by)
        s["_order"] = s["step"].clip(upper=max_steps)
        names = [str(i) for i in range(1, int(s["_order"].max() or 0) + 1)]
    else:
        if mapping is not None and stage not in data:
            data = data.assign(**{stage: data["channel"].map(mapping.set_index("channel")[stage])})
        s = _prep(data, stage, by)
        if order is not None:
            pos = {v: i + 1 for i, v in enumerate(order)}
            s["_order"] = s["_node"].map(pos).fillna(0).astype("int64")
            names = list(order)
        elif isinstance(data.get(stage, pd.Series(dtype=object)).dtype, pd.CategoricalDtype):
            names = list(data[stage].cat.categories)
        else:
            raise ParameterError("order", order, message=f"stage '{stage}' is not an ordered categorical; "
                                 "pass order=[...] with the stages in journey order")
    touched = s[s["_order"] > 0].drop_duplicates(["journey_id", "_order"])[["journey_id", "_order"]]
    j = _journeys(s, by).join(s.groupby("journey_id", sort=False)["_order"].max().rename("_max"))
    tw = touched.merge(j[["_w", *by]], left_on="journey_id", right_index=True)
    n_touched = tw.groupby(by + ["_order"], observed=True)["_w"].sum().rename("n_touched")
    reach = [j[j["_max"] >= k].groupby(by, observed=True)[["_w", "_conv"]].sum().assign(stage_order=k)
             if by else j.loc[j["_max"] >= k, ["_w", "_conv"]].sum().to_frame().T.assign(stage_order=k)
             for k in range(1, len(names) + 1)]
    counts = (pd.concat(reach).reset_index(drop=not by) if reach else
              pd.DataFrame(columns=by + ["_w", "_conv", "stage_order"]))
    counts = counts.rename(columns={"_w": "n_journeys", "_conv": "conversions", "_order": "stage_order"})
    counts = counts.merge(n_touched.reset_index().rename(columns={"_order": "stage_order"}),
                          on=by + ["stage_order"], how="outer")
    totals = (j.groupby(by, observed=True)[["_w", "_conv"]].sum().reset_index() if by
              else j[["_w", "_conv"]].sum().to_frame().T)
    totals = totals.rename(columns={"_w": "n_journeys", "_conv": "conversions"})
    return _funnel_table(counts, totals, names, by, drop_empty)


def _funnel_table(counts: pd.DataFrame, totals: pd.DataFrame, names: list, by: list, drop_empty: bool) -> pd.DataFrame:
    """Funnel rows from per-stage counts (both routes): (start), stages, (conversion) and the rates."""
    look = {}
    for rec in counts.to_dict("records"):
        key = tuple(rec[b] for b in by) + (int(rec["stage_order"]),)
        look[key] = tuple(0.0 if pd.isna(rec.get(c)) else float(rec[c]) for c in ("n_journeys", "n_touched", "conversions"))
    rows = []
    for rec in totals.sort_values(by, kind="stable").to_dict("records") if by else totals.to_dict("records"):
        key = tuple(rec[b] for b in by)
        total, conv_total = float(rec["n_journeys"]), float(rec["conversions"])
        rows.append((*key, START, 0, total, total, total, conv_total))
        for k, name in enumerate(names, start=1):
            n, touched, conv = look.get(key + (k,), (0.0, 0.0, 0.0))
            rows.append((*key, name, k, n, touched, np.nan, conv))
        rows.append((*key, CONV, len(names) + 1, conv_total, conv_total, np.nan, conv_total))
    out = pd.DataFrame(rows, columns=by + ["stage", "stage_order", "n_journeys", "n_touched", "_x", "conversions"])
    out = out.astype({"stage_order": "int64", "n_journeys": "float64", "n_touched": "float64",
                      "conversions": "float64", **{b: "string" for b in by}})
    if drop_empty:
        touched_any = out.groupby("stage", sort=False)["n_touched"].transform("sum") > 0
        out = out[touched_any | out["stage"].isin([START, CONV])].reset_index(drop=True)
    g = out.groupby(by, sort=False)["n_journeys"] if by else None
    prev = g.shift() if by else out["n_journeys"].shift()
    first = g.transform("first") if by else out["n_journeys"].iloc[0]
    out["share_of_start"] = (out["n_journeys"] / first).where(pd.Series(first, index=out.index) > 0)
    last = out["stage"] == CONV
    prev = prev.where(~last, first if not by else g.transform("first"))
    out["step_conversion"] = (out["n_journeys"] / prev).where(prev > 0)
    out["drop_off"] = (prev - out["n_journeys"]).fillna(0.0)
    out["drop_off_rate"] = 1 - out["step_conversion"]
    out["conversion_rate"] = np.divide(out["conversions"], out["n_journeys"], out=np.full(len(out), np.nan),
                                       where=out["n_journeys"] > 0)
    out["stage"] = out["stage"].astype("string")
    return out.drop(columns="_x")


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


def loops(data: pd.DataFrame, *, node: str = "phase", by=None, columns: dict | None = None, rules: dict | None = None, con=None) -> pd.DataFrame:
    """Repeats, loops and returns to earlier phases, as a metric table.

    *repeat*: the same node twice in a row; *loop*: a node revisited after another one
    (``a > b > a``); *return*: a step into an earlier phase than the previous touch (needs an
    ordered node such as ``phase``; unmapped touches are skipped for it).

    Parameters
    ----------
    data : DataFrame
        Steps form (journey_id, step, channel, ...) or a path table (column ``path``).
    node : str
        Level of the path: ``channel``, ``touchpoint`` or ``phase`` (after :func:`cjkit.paths.assign_channels`).
    by : list of str, optional
        Segment columns; the result is computed per segment.

    Returns
    -------
    DataFrame
        (by...), metric, value, n — metrics share_repeat, share_loop, share_return, mean_returns,
        conversion_rate_return, conversion_rate_no_return; n is the weighted base.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.journeys import loops
    >>> t = pd.DataFrame({"path": ["a > b > a", "a > a"], "conversions": [1.0, 0.0], "nulls": [0.0, 1.0]})
    >>> loops(t, node="channel").set_index("metric")["value"][["share_repeat", "share_loop"]].tolist()
    [0.5, 0.5]
    """
    by = list(by or [])
    data = _from_files(data, node, by, columns, rules, con)
    s = _prep(data, node, by)
    g = s.groupby("journey_id", sort=False)
    s["_repeat"] = (g["_node"].shift() == s["_node"]).to_numpy(dtype=bool, na_value=False)
    collapsed = s[~s["_repeat"]]
    s["_loop"] = False
    s.loc[collapsed.index, "_loop"] = collapsed.duplicated(["journey_id", "_node"]).to_numpy()
    mapped = s[s["_order"] > 0]
    back = (mapped["_order"] < mapped.groupby("journey_id", sort=False)["_order"].shift()).to_numpy(dtype=bool, na_value=False)
    s["_return"] = False
    s.loc[mapped.index, "_return"] = back
    g = s.groupby("journey_id", sort=False)  # regroup: the flag columns were added after grouping
    j = _journeys(s, by).join(g[["_repeat", "_loop"]].any()).join(s.groupby("journey_id", sort=False)["_return"].sum())
    rows = []
    for key, jj in (j.groupby(by, sort=True, observed=True) if by else [((), j)]):
        key = key if isinstance(key, tuple) else (key,)
        w, ret = jj["_w"], jj["_return"] > 0
        base = w.sum()
        def rate(mask):
            n = w[mask].sum()
            return (jj.loc[mask, "_conv"].sum() / n if n > 0 else np.nan), n
        for metric, value, n in [("share_repeat", (w * jj["_repeat"]).sum() / base, base),
                                 ("share_loop", (w * jj["_loop"]).sum() / base, base),
                                 ("share_return", (w * ret).sum() / base, base),
                                 ("mean_returns", (w * jj["_return"]).sum() / base, base),
                                 ("conversion_rate_return", *rate(ret)),
                                 ("conversion_rate_no_return", *rate(~ret))]:
            rows.append((*key, metric, value if base > 0 else np.nan, n))
    return pd.DataFrame(rows, columns=by + ["metric", "value", "n"]).astype({"metric": "string"})


def flows(data: pd.DataFrame, *, node: str = "phase", max_steps: int = 5, collapse_repeats: bool = True,
          by=None, columns: dict | None = None, rules: dict | None = None, con=None) -> pd.DataFrame:
    """Flows between consecutive step positions for a Sankey diagram.

    Journeys are cut after *max_steps* (later touches are summarised as ``(more)``); the last
    column of flows goes to the outcome ``(conversion)`` / ``(null)``.

    Parameters
    ----------
    data : DataFrame
        Steps form (journey_id, step, channel, ...) or a path table (column ``path``).
    node : str
        Level of the path: ``channel``, ``touchpoint`` or ``phase`` (after :func:`cjkit.paths.assign_channels`).
    max_steps : int
        Step positions shown; later touches become ``(more)``.
    collapse_repeats : bool
        Merge consecutive touches of the same node into one.
    by : list of str, optional
        Segment columns; the result is computed per segment.

    Returns
    -------
    DataFrame
        (by...), step (position of *source*), source, target, n.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.journeys import flows
    >>> t = pd.DataFrame({"path": ["a > b"], "conversions": [2.0], "nulls": [1.0]})
    >>> flows(t, node="channel")[["step", "source", "target", "n"]].values.tolist()
    [[1, 'a', 'b', 3.0], [2, 'b', '(conversion)', 2.0], [2, 'b', '(null)', 1.0]]
    """
    by = list(by or [])
    data = _from_files(data, node, by, columns, rules, con)
    s = _prep(data, node, by, collapse_repeats)
    s["_pos"] = s.groupby("journey_id", sort=False).cumcount() + 1
    n_pos = s.groupby("journey_id", sort=False)["_pos"].transform("size")
    s = s[s["_pos"] <= max_steps + 1].copy()
    s.loc[s["_pos"] == max_steps + 1, "_node"] = "(more)"
    nxt = s.groupby("journey_id", sort=False)["_node"].shift(-1)
    inner = s.assign(source=s["_node"], target=nxt, n=s["_w"]).dropna(subset=["target"])
    last = s[(s["_pos"] == n_pos.loc[s.index]) & (s["_pos"] <= max_steps)]
    parts = [inner, last.assign(source=last["_node"], target=CONV, n=last["_conv"]),
             last.assign(source=last["_node"], target=NULL, n=last["_null"])]
    t = pd.concat(parts, ignore_index=True).drop(columns="step").rename(columns={"_pos": "step"})
    out = t.groupby(by + ["step", "source", "target"], as_index=False, sort=True)["n"].sum()
    out = out[out["n"] > 0].astype({"source": "string", "target": "string"})
    return out.reset_index(drop=True)


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
