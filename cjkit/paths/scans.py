"""Path counts over event files in DuckDB: path table, transitions, lengths, time between steps, funnel counts.

The file side of the functions in :mod:`cjkit.paths.journeys`: each runs the journey SQL of
:mod:`cjkit.paths.scanbase` per customer bucket (:mod:`cjkit.paths.buckets`) and sums the
buckets' counts, so the results equal one pass, dtypes included.
"""
from __future__ import annotations

import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.paths import buckets as _buckets
from cjkit.paths import eventsql as _sql
from cjkit.paths.scanbase import UNITS, _as_string, _seg, _steps_sql


def scan_path_table(source, *, columns: dict | None = None, by=None, rules: dict | None = None,
                    con=None) -> pd.DataFrame:
    """Path table of the journeys in the event files (the file side of :func:`cjkit.paths.path_table`).

    Parameters
    ----------
    source : str, Path or list
        Event files (CSV or Parquet), globs such as ``events/*.parquet`` allowed.
    columns : dict, optional
        cjkit name -> source column for ``customer_id``, ``timestamp``, ``channel``, ``conversion``, ``value``.
    by : list of str, optional
        Segment columns (taken from a journey's first touch); results per segment.
    rules : dict, optional
        Journey rules (see the module description).
    con : duckdb connection, optional
        From :func:`scan_connection` (memory limit, threads, spill directory).

    Returns
    -------
    DataFrame
        path, (by...), conversions, nulls, value, n_journeys — one row per distinct path, most
        frequent first.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandas as pd
    >>> from cjkit.paths.bigpaths import scan_path_table
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "events.parquet"
    >>> pd.DataFrame({"customer_id": ["u1", "u1", "u2"], "channel": ["email", "search", "email"],
    ...               "timestamp": pd.to_datetime(["2024-01-01 08:00", "2024-01-01 20:00", "2024-01-02 00:00"]),
    ...               "conversion": [0, 1, 0], "value": [0.0, 50.0, 0.0]}).to_parquet(f)
    >>> scan_path_table(str(f))[["path", "conversions", "value"]].values.tolist()
    [['email', 0.0, 0.0], ['email > search', 1.0, 50.0]]
    """
    paths, steps, tables = _steps_sql(source, columns, by, rules, with_path=True)
    sel = "".join(f", {c}" for c in _seg(by))
    frames, n = _buckets.run_all(con, lambda b: f"""WITH {steps(b)}
    SELECT path{sel}, SUM(conversions) AS conversions, SUM(nulls) AS nulls, SUM(value) AS value,
           SUM(conversions + nulls) AS n_journeys
    FROM journeys GROUP BY ALL ORDER BY n_journeys DESC, path{sel}""", paths, tables)
    keys = ["path", *(by or [])]
    if n == 1:
        return _as_string(frames[0], keys)
    out = _as_string(_buckets.combine(frames, keys, ["conversions", "nulls", "value", "n_journeys"]), keys)
    out = out.sort_values(["n_journeys", *keys], ascending=[False] + [True] * len(keys), kind="stable")
    return out.reset_index(drop=True)


def scan_transitions(source, *, columns: dict | None = None, include_start_end: bool = True,
                     collapse_repeats: bool = False, by=None, rules: dict | None = None, con=None) -> pd.DataFrame:
    """Transitions between consecutive channels (the file side of :func:`cjkit.paths.transitions`).

    Parameters
    ----------
    source : str, Path or list
        Event files (CSV or Parquet), globs such as ``events/*.parquet`` allowed.
    columns : dict, optional
        cjkit name -> source column for ``customer_id``, ``timestamp``, ``channel``, ``conversion``, ``value``.
    include_start_end : bool
        Add transitions from ``(start)`` and to ``(conversion)`` / ``(null)``.
    collapse_repeats : bool
        Merge consecutive touches of the same channel into one.
    by : list of str, optional
        Segment columns (taken from a journey's first touch); results per segment.
    rules : dict, optional
        Journey rules (see the module description).
    con : duckdb connection, optional
        From :func:`scan_connection`.

    Returns
    -------
    DataFrame
        (by...), source, target, n, probability.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandas as pd
    >>> from cjkit.paths.bigpaths import scan_transitions
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "events.parquet"
    >>> pd.DataFrame({"customer_id": ["u1", "u1", "u2"], "channel": ["email", "search", "email"],
    ...               "timestamp": pd.to_datetime(["2024-01-01 08:00", "2024-01-01 20:00", "2024-01-02 00:00"]),
    ...               "conversion": [0, 1, 0], "value": [0.0, 50.0, 0.0]}).to_parquet(f)
    >>> scan_transitions(str(f), include_start_end=False)[["source", "target", "n"]].values.tolist()
    [['email', 'search', 1.0]]
    """
    paths, steps, tables = _steps_sql(source, columns, by, rules)
    g = _seg(by)
    js = "".join(f", j.{c}" for c in g)
    ends = f"""
        UNION ALL SELECT '(start)', first_channel, conversions + nulls{''.join(', ' + c for c in g)} FROM journeys
        UNION ALL SELECT last_channel, '(conversion)', conversions{''.join(', ' + c for c in g)} FROM journeys
        UNION ALL SELECT last_channel, '(null)', nulls{''.join(', ' + c for c in g)} FROM journeys""" \
        if include_start_end else ""
    inner = "source IS NOT NULL" + (" AND source <> target" if collapse_repeats else "")
    # a journey of an event log weighs 1, so inner transitions need the journeys only for segments
    t = (f"""SELECT LAG(s.channel) OVER w AS source, s.channel AS target, 1.0 AS n{js}
             FROM steps s JOIN journeys j USING (journey_id) WINDOW w AS (PARTITION BY s.journey_id ORDER BY s.step)"""
         if g else """SELECT LAG(channel) OVER w AS source, channel AS target, 1.0 AS n FROM steps
             WINDOW w AS (PARTITION BY journey_id ORDER BY step)""")
    frames, n = _buckets.run_all(con, lambda b: f"""WITH {steps(b)},
    t AS ({t}),
    allt AS (SELECT * FROM t WHERE {inner} {ends}),
    agg AS (SELECT {''.join(c + ', ' for c in g)}source, target, SUM(n) AS n FROM allt GROUP BY ALL HAVING SUM(n) <> 0)
    SELECT {''.join(c + ', ' for c in g)}source, target, n,
           n / SUM(n) OVER (PARTITION BY {', '.join(g + ['source'])}) AS probability
    FROM agg ORDER BY {''.join(c + ', ' for c in g)}source, n DESC, target""", paths, tables)
    keys = [*(by or []), "source", "target"]
    if n == 1:
        return _as_string(frames[0], keys)
    # bucket counts are sums of non-negative weights: a pair is zero overall only if zero in every bucket
    out = _as_string(_buckets.combine([f.drop(columns="probability") for f in frames], keys, ["n"]), keys)
    out = out[out["n"] != 0]
    out["probability"] = out["n"] / out.groupby(keys[:-1], dropna=False)["n"].transform("sum")
    out = out.sort_values(keys[:-1] + ["n", "target"], ascending=[True] * (len(keys) - 1) + [False, True],
                          kind="stable")
    return out.reset_index(drop=True)


def scan_path_lengths(source, *, columns: dict | None = None, by=None, rules: dict | None = None,
                      con=None) -> pd.DataFrame:
    """Touches per journey (the file side of :func:`cjkit.paths.path_lengths`).

    Parameters
    ----------
    source : str, Path or list
        Event files (CSV or Parquet), globs such as ``events/*.parquet`` allowed.
    columns : dict, optional
        cjkit name -> source column for ``customer_id``, ``timestamp``, ``channel``, ``conversion``, ``value``.
    by : list of str, optional
        Segment columns (taken from a journey's first touch); results per segment.
    rules : dict, optional
        Journey rules (see the module description).
    con : duckdb connection, optional
        From :func:`scan_connection`.

    Returns
    -------
    DataFrame
        (by...), n_steps, n_journeys, share, conversions, conversion_rate.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandas as pd
    >>> from cjkit.paths.bigpaths import scan_path_lengths
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "events.parquet"
    >>> pd.DataFrame({"customer_id": ["u1", "u1", "u2"], "channel": ["email", "search", "email"],
    ...               "timestamp": pd.to_datetime(["2024-01-01 08:00", "2024-01-01 20:00", "2024-01-02 00:00"]),
    ...               "conversion": [0, 1, 0], "value": [0.0, 50.0, 0.0]}).to_parquet(f)
    >>> scan_path_lengths(str(f))[["n_steps", "n_journeys", "conversion_rate"]].values.tolist()
    [[1.0, 1.0, 0.0], [2.0, 1.0, 1.0]]
    """
    paths, steps, tables = _steps_sql(source, columns, by, rules)
    g = _seg(by)
    part = f"PARTITION BY {', '.join(g)}" if g else ""
    frames, n = _buckets.run_all(con, lambda b: f"""WITH {steps(b)}
    SELECT {''.join(c + ', ' for c in g)}n_steps, SUM(conversions + nulls) AS n_journeys,
           SUM(conversions + nulls) / SUM(SUM(conversions + nulls)) OVER ({part}) AS share,
           SUM(conversions) AS conversions,
           CASE WHEN SUM(conversions + nulls) > 0 THEN SUM(conversions) / SUM(conversions + nulls) END
               AS conversion_rate
    FROM journeys GROUP BY {', '.join(g + ['n_steps'])} ORDER BY {', '.join(g + ['n_steps'])}""", paths, tables)
    keys = [*(by or []), "n_steps"]
    if n == 1:
        return _as_string(frames[0], by or []).astype({"n_steps": "int64"})
    out = _as_string(_buckets.combine(frames, keys, ["n_journeys", "conversions"]), by or [])
    out = out.astype({"n_steps": "int64"}).sort_values(keys, kind="stable").reset_index(drop=True)
    total = out.groupby(by, dropna=False)["n_journeys"].transform("sum") if by else out["n_journeys"].sum()
    rate = (out["conversions"] / out["n_journeys"]).where(out["n_journeys"] > 0)
    return out.assign(share=out["n_journeys"] / total, conversion_rate=rate)[frames[0].columns.tolist()]


def scan_time_between_steps(source, *, columns: dict | None = None, unit: str = "h", by=None,
                            rules: dict | None = None, con=None) -> pd.DataFrame:
    """Time between consecutive touches (the file side of :func:`cjkit.paths.time_between_steps`).

    Times are differences of UTC instants, so a gap across a daylight-saving change is its real length.

    Parameters
    ----------
    source : str, Path or list
        Event files (CSV or Parquet), globs such as ``events/*.parquet`` allowed.
    columns : dict, optional
        cjkit name -> source column for ``customer_id``, ``timestamp``, ``channel``, ``conversion``, ``value``.
    unit : {"s", "min", "h", "d"}
        Unit of the times.
    by : list of str, optional
        Segment columns; results per segment.
    rules : dict, optional
        Journey rules (see the module description).
    con : duckdb connection, optional
        From :func:`scan_connection`.

    Returns
    -------
    DataFrame
        (by...), source, target, n, mean, median, p25, p75 (in *unit*); first row ``(any)`` -> ``(any)``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandas as pd
    >>> from cjkit.paths.bigpaths import scan_time_between_steps
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "events.parquet"
    >>> pd.DataFrame({"customer_id": ["u1", "u1", "u2"], "channel": ["email", "search", "email"],
    ...               "timestamp": pd.to_datetime(["2024-01-01 08:00", "2024-01-01 20:00", "2024-01-02 00:00"]),
    ...               "conversion": [0, 1, 0], "value": [0.0, 50.0, 0.0]}).to_parquet(f)
    >>> scan_time_between_steps(str(f))[["source", "target", "median"]].values.tolist()
    [['(any)', '(any)', 12.0], ['email', 'search', 12.0]]
    """
    if unit not in UNITS:
        raise ParameterError("unit", unit, allowed=list(UNITS))
    paths, steps, tables = _steps_sql(source, columns, by, rules)
    g = _seg(by)
    js = "".join(f", j.{c}" for c in g)
    # quantiles do not add up over buckets: this one runs in one pass (DuckDB spills its sorts)
    sql = f"""WITH {steps()},
    gaps AS (SELECT LAG(s.channel) OVER w AS source, s.channel AS target,
                    (epoch(s.ts) - epoch(LAG(s.ts) OVER w)) / {UNITS[unit]} AS gap{js}
             FROM steps s JOIN journeys j USING (journey_id) WINDOW w AS (PARTITION BY s.journey_id ORDER BY s.step)),
    x AS (SELECT '(any)' AS source, '(any)' AS target, * EXCLUDE (source, target) FROM gaps WHERE gap IS NOT NULL
          UNION ALL SELECT * FROM gaps WHERE gap IS NOT NULL)
    SELECT {''.join(c + ', ' for c in g)}source, target, COUNT(*) AS n, AVG(gap) AS mean,
           quantile_cont(gap, 0.5) AS median, quantile_cont(gap, 0.25) AS p25, quantile_cont(gap, 0.75) AS p75
    FROM x GROUP BY {''.join(c + ', ' for c in g)}source, target
    ORDER BY {''.join(c + ', ' for c in g)}source <> '(any)', source, target"""
    out = _as_string(_sql.run(con, sql, paths, tables), [*(by or []), "source", "target"])
    return out.astype({"n": "int64"})


def scan_funnel_counts(source, *, stage: str = "phase", mapping: pd.DataFrame | None = None, order=None,
                       max_steps: int = 10, columns: dict | None = None, by=None, rules: dict | None = None,
                       con=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-stage counts for :func:`cjkit.paths.funnel`: journeys reaching, touching and converting.

    One pass per customer bucket: each journey gets its furthest stage and a flag per stage
    touched, then one aggregation per segment gives every stage's counts (summed over buckets).

    Returns ``(counts, totals)``: counts has (by...), stage_order, n_journeys, n_touched,
    conversions; totals has (by...), n_journeys, conversions.
    """
    paths, steps, tables = _steps_sql(source, columns, by, rules)
    con = _sql.pin(con) if con is not None else _sql.connect()
    g = _seg(by)
    if stage == "step":
        k_max = int(max_steps)
        js = f"SELECT journey_id, LEAST(step, {k_max}) AS so FROM steps"
    else:
        if mapping is None or order is None or stage not in mapping or "channel" not in mapping:
            raise DataError(f"a funnel over event files needs mapping= (columns 'channel' and '{stage}') and "
                            "order= (the stages in journey order)")
        k_max = len(order)
        rank = pd.DataFrame({"stage": [str(o) for o in order], "stage_order": range(1, k_max + 1)})
        m = mapping[["channel", stage]].dropna().astype({"channel": str, stage: str}).rename(columns={stage: "stage"})
        con.register("cj_stage_map", m.merge(rank, on="stage")[["channel", "stage_order"]])
        js = "SELECT s.journey_id, m.stage_order AS so FROM steps s LEFT JOIN cj_stage_map m ON s.channel = m.channel"
    ks = range(1, k_max + 1)
    flags = "".join(f", MAX(CASE WHEN so = {k} THEN 1.0 ELSE 0.0 END) AS t{k}" for k in ks)
    sums = "".join(f", SUM(CASE WHEN mx >= {k} THEN w ELSE 0 END) AS r{k}, SUM(t{k} * w) AS u{k}, "
                   f"SUM(CASE WHEN mx >= {k} THEN conversions ELSE 0 END) AS c{k}" for k in ks)
    try:
        frames, n = _buckets.run_all(con, lambda b: f"""WITH {steps(b)},
    js AS ({js}),
    jx AS (SELECT journey_id, COALESCE(MAX(so), 0) AS mx{flags} FROM js GROUP BY journey_id),
    jw AS (SELECT *, conversions + nulls AS w FROM journeys JOIN jx USING (journey_id))
    SELECT {''.join(c + ', ' for c in g)}SUM(w) AS n_journeys, SUM(conversions) AS conversions{sums}
    FROM jw {'GROUP BY ALL' if g else ''}""", paths, tables)
        wide = _as_string(frames[0] if n == 1 else _buckets.combine(
            frames, list(by or []), [c for c in frames[0].columns if c not in (by or [])]), by or [])
    finally:
        if stage != "step":
            con.unregister("cj_stage_map")
    by = list(by or [])
    totals = wide[by + ["n_journeys", "conversions"]]
    parts = [wide[by].assign(stage_order=k, n_journeys=wide[f"r{k}"], n_touched=wide[f"u{k}"],
                             conversions=wide[f"c{k}"]) for k in ks]
    counts = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=by + ["stage_order", "n_journeys", "n_touched", "conversions"])
    if stage == "step":  # positions as far as the longest journey, as in memory
        counts = counts[counts["stage_order"] <= (counts.loc[counts["n_journeys"] > 0, "stage_order"].max() or 0)]
    return counts, totals
