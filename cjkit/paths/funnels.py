"""Ordered funnels: journeys that pass given stages in order, strictly or loosely, with time limits.

:func:`cjkit.paths.funnel` counts how far journeys get along the journey model's phases (the
furthest stage reached). :func:`ordered_funnel` asks the analyst's question "who went through
A, then B, then C (within 2 days of B)?":

* **loose**: each stage must come after the previous one; other touches may lie between;
* **strict**: each stage must be the very next touch after the previous one;
* ``within``: the longest time allowed from one stage to the next (one duration for all, or one
  per gap); a stage reached later than that does not count.

A journey reaching stage *k* reached all stages before it, so the counts never rise. Event files
give the same counts as their steps in memory (the tie rule and journey rules of
:mod:`cjkit.paths.eventsql`), time limits included.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.io.journey_rules import duration_seconds
from cjkit.io.steps import paths_to_steps
from cjkit.paths import buckets as _buckets
from cjkit.paths import eventsql as _sql
from cjkit.paths.pathbase import is_files, path_table
from cjkit.paths.scanbase import _steps_sql

MODES = ("loose", "strict")


def _limits(within, n_stages: int) -> list[float]:
    if within is None:
        return [np.inf] * (n_stages - 1)
    seq = list(within) if isinstance(within, (list, tuple)) else [within] * (n_stages - 1)
    if len(seq) != n_stages - 1:
        raise ParameterError("within", within, message=f"within needs one duration per gap between the "
                             f"{n_stages} stages ({n_stages - 1}), or one for all; received {len(seq)}")
    return [np.inf if w is None else duration_seconds(w, "within") for w in seq]


def _furthest(nodes, secs, steps, stages, limits, strict: bool) -> int:
    """Furthest stage (0..K) one journey reaches; keeps the latest time each stage was reached,
    which leaves the most room for the next stage's time limit. *steps* are the touches' step
    numbers: a strict stage must follow the previous stage's touch directly (the next step)."""
    k_total = len(stages)
    reached = [None] * (k_total + 1)  # reached[k] = time stage k was last reached
    best = 0
    prev_hits: set = set()
    prev_step = None
    for node, t, st in zip(nodes, secs, steps):
        if prev_step is not None and st != prev_step + 1:
            prev_hits = set()  # a touch between them (left out of a file scan): not the very next one
        prev_step = st
        hits = set()
        for k in range(k_total, 0, -1):  # backwards: one touch cannot pass two stages at once
            if stages[k - 1] != node:
                continue
            if k == 1:
                ok = True
            elif strict:
                ok = (k - 1) in prev_hits and t - reached[k - 1] <= limits[k - 2]
            else:
                ok = reached[k - 1] is not None and t - reached[k - 1] <= limits[k - 2]
            if ok:
                hits.add(k)
        for k in hits:
            reached[k] = t
            best = max(best, k)
        prev_hits = hits
    return best


def ordered_funnel(data: pd.DataFrame, *, stages, node: str = "channel", mode: str = "loose", within=None,
                   by=None, columns: dict | None = None, rules: dict | None = None, con=None) -> pd.DataFrame:
    """Journeys passing *stages* in order (strict or loose), optionally within time limits.

    Parameters
    ----------
    data : DataFrame or event files
        Steps form (:func:`cjkit.io.events.events_to_steps`; time limits need its ``timestamp``),
        a path table (no time limits), or event files (CSV/Parquet, globs; stages of ``channel``).
    stages : list of str
        Values of *node* in the order the journey should pass them.
    node : str
        Column the stages are values of (``channel``, ``touchpoint``, ``phase``).
    mode : {"loose", "strict"}
        Loose: other touches may lie between stages; strict: each stage is the very next touch.
    within : str, Timedelta or list, optional
        Longest time from one stage to the next (``"2D"``), or one per gap (``None`` = no limit).
    by : list of str, optional
        Segment columns; the result is computed per segment.
    columns, rules, con
        For event files: source column names, journey rules and DuckDB connection
        (:mod:`cjkit.paths.journeys`). Files are read one customer bucket at a time and only the
        touches of a stage leave DuckDB, with their UTC times: time limits work as in memory.

    Returns
    -------
    DataFrame
        (by...), stage, stage_order, n_journeys, share_of_start, step_conversion, drop_off,
        conversions (journeys reaching the stage that converted).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.funnels import ordered_funnel
    >>> s = pd.DataFrame({"journey_id": ["j", "j", "j", "k", "k"], "step": [1, 2, 3, 1, 2],
    ...                   "channel": ["ad", "blog", "shop", "ad", "shop"], "conversions": [1.0, 1, 1, 0, 0],
    ...                   "nulls": [0.0, 0, 0, 1, 1]})
    >>> ordered_funnel(s, stages=["ad", "shop"], mode="strict")[["stage", "n_journeys"]].values.tolist()
    [['ad', 2.0], ['shop', 1.0]]
    >>> ordered_funnel(s, stages=["ad", "shop"])[["stage", "n_journeys"]].values.tolist()
    [['ad', 2.0], ['shop', 2.0]]
    """
    if mode not in MODES:
        raise ParameterError("mode", mode, allowed=list(MODES))
    stages = [str(x) for x in stages]
    if len(stages) < 1:
        raise ParameterError("stages", stages, message="give at least one stage")
    by = list(by or [])
    limits = _limits(within, len(stages))
    if is_files(data):
        if node != "channel":
            raise ParameterError("node", node, allowed=["channel"], message="funnels over event files take stages "
                                 f"of 'channel' (map touchpoints or phases in memory); received node={node!r}")
        j, segments = _file_reach(data, stages, limits, mode == "strict", by, columns, rules, con)
    else:
        if "path" in data:
            if within is not None:
                raise ParameterError("within", within, message="time limits need timestamps: event files or "
                                     "steps of an event log (cj.paths.events_to_steps), not a path table")
            data = paths_to_steps(path_table(data, by=by), segments=by)
        j, segments = _reach(data, stages, node, limits, mode == "strict", by, within is not None), None
    return _table(j, stages, by, segments)


def _reach(data: pd.DataFrame, stages, node, limits, strict: bool, by: list, timed: bool) -> pd.DataFrame:
    """Per journey of a steps frame: furthest stage reached (_max), weight (_w), conversions (_conv), segments."""
    missing = [c for c in ["journey_id", "step", node, *by] if c not in data]
    if missing:
        raise DataError(f"steps frame lacks column(s) {', '.join(missing)}; available: {', '.join(map(str, data.columns))}")
    if timed and "timestamp" not in data:
        raise DataError("time limits (within=) need a 'timestamp' column (event logs, not path tables)")
    s = data.sort_values(["journey_id", "step"], kind="stable")
    if "timestamp" in s:
        ts = pd.to_datetime(s["timestamp"])
        ts = ts.dt.tz_localize("UTC") if ts.dt.tz is None else ts  # naive times count as UTC, as when read
        secs = (ts - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy()
    else:
        secs = np.zeros(len(s))
    nodes = s[node].astype("string").fillna("(unmapped)").to_numpy(dtype=object)
    steps = s["step"].to_numpy()
    ids = s["journey_id"].to_numpy()
    cut = np.flatnonzero(ids[1:] != ids[:-1]) + 1
    starts, ends = np.r_[0, cut], np.r_[cut, len(s)]
    furthest = [_furthest(nodes[a:b], secs[a:b], steps[a:b], stages, limits, strict) for a, b in zip(starts, ends)]
    first = s.iloc[starts]
    conv = first["conversions"].astype("float64").to_numpy() if "conversions" in first else np.zeros(len(first))
    nulls = first["nulls"].astype("float64").to_numpy() if "nulls" in first else np.zeros(len(first))
    return pd.DataFrame({"_max": furthest, "_w": conv + nulls, "_conv": conv, **{b: first[b].to_numpy() for b in by}})


def _file_reach(source, stages, limits, strict: bool, by: list, columns, rules, con):
    """:func:`_reach` over event files, one customer bucket at a time: only the touches of a stage
    (with their step numbers and UTC times) leave DuckDB, so memory holds one bucket's stage touches."""
    paths, steps, tables = _steps_sql(source, columns, by, rules)
    con = _sql.pin(con) if con is not None else _sql.connect()
    seg = "".join(f", j.{_sql.ident(b)}" for b in by)
    wanted = ", ".join(_sql.literal(x) for x in stages)
    n = _buckets.bucket_count(paths, con=con)
    parts, segments = [], []
    for b in range(n):
        bucket = None if n == 1 else (b, n)
        got = _sql.run(con, f"""WITH {steps(bucket)}
        SELECT s.journey_id, s.step, s.channel, s.ts AS timestamp, j.conversions, j.nulls{seg}
        FROM steps s JOIN journeys j USING (journey_id) WHERE s.channel IN ({wanted})""", paths, tables)
        parts.append(_reach(got.astype({x: "string" for x in by}), stages, "channel", limits, strict, by, True))
        if by:
            segments.append(_sql.run(con, f"WITH {steps(bucket)} SELECT DISTINCT {', '.join(map(_sql.ident, by))} "
                                     "FROM journeys", paths, tables).astype("string"))
    j = pd.concat(parts, ignore_index=True)
    return j, (pd.concat(segments, ignore_index=True).drop_duplicates() if by else None)


def _table(j: pd.DataFrame, stages, by: list, segments) -> pd.DataFrame:
    """The funnel table from the journeys' furthest stages (segments without a journey get zeros)."""
    if segments is not None and len(segments):
        have = j[by].drop_duplicates()
        extra = segments.merge(have, how="left", indicator=True)
        extra = extra.loc[extra["_merge"] == "left_only", by]
        if len(extra):
            j = pd.concat([j, extra.assign(_max=0, _w=0.0, _conv=0.0)], ignore_index=True)
    rows = []
    for key, jj in (j.groupby(by, sort=True, observed=True) if by else [((), j)]):
        key = key if isinstance(key, tuple) else (key,)
        for k, name in enumerate(stages, start=1):
            reach = jj["_max"] >= k
            rows.append((*key, name, k, float(jj.loc[reach, "_w"].sum()), float(jj.loc[reach, "_conv"].sum())))
    out = pd.DataFrame(rows, columns=by + ["stage", "stage_order", "n_journeys", "conversions"])
    g = out.groupby(by, sort=False)["n_journeys"] if by else None
    start = g.transform("first") if by else out["n_journeys"].iloc[0] if len(out) else np.nan
    prev = g.shift() if by else out["n_journeys"].shift()
    out["share_of_start"] = out["n_journeys"] / start
    out["step_conversion"] = (out["n_journeys"] / prev).where(prev > 0)
    out["drop_off"] = (prev - out["n_journeys"]).fillna(0.0)
    out = out.astype({"stage": "string", "stage_order": "int64"})
    return out[by + ["stage", "stage_order", "n_journeys", "share_of_start", "step_conversion", "drop_off",
                     "conversions"]]
