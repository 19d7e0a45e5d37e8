"""Out-of-core path aggregations over event logs larger than memory, with DuckDB.

The event files (Parquet or CSV, a path or a glob such as ``events/*.parquet``) are scanned by
DuckDB, which sorts, windows and aggregates with a memory limit and spills to disk; pandas only
ever sees the aggregated results. Results have the same columns as their in-memory
counterparts in :mod:`cjkit.paths.journeys`, and :func:`path_table` feeds :mod:`cjkit.paths.attribution`.

Event columns: ``customer_id``, ``timestamp``, ``channel``, optionally ``conversion`` (0/1) and
``value`` (rename with ``columns=``). As in :func:`cjkit.io.events.events_to_steps`, touches are ordered
by time (ties by channel), and each conversion ends a journey. Rows without customer id, timestamp
or channel are not used; :func:`ledger` counts them by reason.
"""
from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import pandas as pd

from cjkit.errors import DataError, ParameterError

log = logging.getLogger("cjkit.paths.bigpaths")
SEP = " > "


def connect(memory_limit: str = "1GB", threads: int = 2, temp_directory: str | None = None):
    """A DuckDB connection set up to spill to disk instead of exceeding *memory_limit*.

    Examples
    --------
    >>> con = connect(memory_limit="256MB")
    >>> con.sql("SELECT 1 AS x").fetchall()
    [(1,)]
    """
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = false")  # lets DuckDB stream instead of buffering
    if temp_directory:
        con.execute(f"SET temp_directory = '{temp_directory}'")
    return con


def _scan(source) -> str:
    paths = [str(p) for p in (source if isinstance(source, (list, tuple)) else [source])]
    for p in paths:
        if not any(ch in p for ch in "*?[") and not Path(p).exists():
            raise DataError("file not found", file=p)
    lst = "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"
    if all(p.endswith((".parquet", ".pq")) for p in paths):
        return f"read_parquet({lst})"
    return f"read_csv({lst}, header=true)"


def _events_sql(source, columns: dict | None, by) -> str:
    """SQL for the usable events with journey ids and step numbers."""
    cols = {"customer_id": "customer_id", "timestamp": "timestamp", "channel": "channel",
            "conversion": "conversion", "value": "value", **(columns or {})}
    q = lambda c: '"' + str(c).replace('"', '""') + '"'  # noqa: E731
    seg = "".join(f", CAST({q(b)} AS VARCHAR) AS {q(b)}" for b in by)
    conv = f"COALESCE(CAST({q(cols['conversion'])} AS INTEGER), 0)" if cols.get("conversion") else "0"
    val = f"COALESCE(CAST({q(cols['value'])} AS DOUBLE), 0)" if cols.get("value") else "0.0"
    return f"""
    raw AS (
        SELECT CAST({q(cols['customer_id'])} AS VARCHAR) AS customer_id,
               CAST({q(cols['timestamp'])} AS TIMESTAMP) AS ts,
               CAST({q(cols['channel'])} AS VARCHAR) AS channel,
               {conv} AS conversion, {val} AS value{seg}
        FROM {_scan(source)}
        WHERE {q(cols['customer_id'])} IS NOT NULL AND {q(cols['timestamp'])} IS NOT NULL
          AND {q(cols['channel'])} IS NOT NULL
    ),
    ev AS (
        SELECT *, customer_id || '#' || CAST(1 + COALESCE(SUM(conversion) OVER (PARTITION BY customer_id
                 ORDER BY ts, channel ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS VARCHAR) AS journey_id
        FROM raw
    ),
    steps AS (
        -- segments belong to the journey (its first touch), as in cjkit.io.events.events_to_steps
        SELECT {'* EXCLUDE (' + ', '.join(q(x) for x in by) + ')' if by else '*'},
               ROW_NUMBER() OVER (PARTITION BY journey_id ORDER BY ts, channel) AS step
               {''.join(f', FIRST_VALUE({q(x)}) OVER (PARTITION BY journey_id ORDER BY ts, channel) AS {q(x)}' for x in by)}
        FROM ev
    ),
    journeys AS (
        SELECT journey_id, COUNT(*) AS n_steps, CAST(MAX(conversion) AS DOUBLE) AS conversions,
               1.0 - MAX(conversion) AS nulls, SUM(value) AS value{''.join(f', ANY_VALUE({q(b)}) AS {q(b)}' for b in by)}
        FROM steps GROUP BY journey_id
    )"""


def _run(con, sql: str) -> pd.DataFrame:
    con = con or connect()
    try:
        return con.sql(sql).df()
    except duckdb.Error as exc:
        raise DataError(f"DuckDB could not process the event files: {exc}") from None


def ledger(source, columns: dict | None = None, con=None) -> pd.DataFrame:
    """Counts of input rows kept and excluded (by reason), so that n_input = kept + excluded.

    Returns
    -------
    DataFrame
        reason (``kept``, ``missing customer_id``, ``missing timestamp``, ``missing channel``), n.
    """
    cols = {"customer_id": "customer_id", "timestamp": "timestamp", "channel": "channel", **(columns or {})}
    q = lambda c: '"' + str(c).replace('"', '""') + '"'  # noqa: E731
    sql = f"""SELECT CASE WHEN {q(cols['customer_id'])} IS NULL THEN 'missing customer_id'
                          WHEN {q(cols['timestamp'])} IS NULL THEN 'missing timestamp'
                          WHEN {q(cols['channel'])} IS NULL THEN 'missing channel' ELSE 'kept' END AS reason,
                     COUNT(*) AS n FROM {_scan(source)} GROUP BY 1 ORDER BY reason = 'kept' DESC, reason"""
    out = _run(con, sql)
    out["n"] = out["n"].astype("int64")
    return out.astype({"reason": "string"})


def path_table(source, columns: dict | None = None, by=None, con=None) -> pd.DataFrame:
    """Aggregate the event log into a path table (input of :mod:`cjkit.paths.attribution`).

    Returns
    -------
    DataFrame
        (by...), path, conversions, nulls, value, n_journeys — one row per distinct path.
    """
    by = list(by or [])
    gb = "".join(f', j."{b}"' for b in by)
    sql = f"""WITH {_events_sql(source, columns, by)},
    p AS (SELECT journey_id, string_agg(channel, '{SEP}' ORDER BY step) AS path FROM steps GROUP BY journey_id)
    SELECT {', '.join(f'j."{b}"' for b in by) + ', ' if by else ''}p.path, SUM(j.conversions) AS conversions,
           SUM(j.nulls) AS nulls, SUM(j.value) AS value, SUM(j.conversions + j.nulls) AS n_journeys
    FROM p JOIN journeys j USING (journey_id) GROUP BY p.path{gb} ORDER BY n_journeys DESC, p.path"""
    return _run(con, sql).astype({"path": "string"})


def transition_matrix(source, columns: dict | None = None, include_start_end: bool = True, by=None,
                      con=None) -> pd.DataFrame:
    """Transitions between consecutive channels, like :func:`cjkit.paths.journeys.transition_matrix`.

    Returns
    -------
    DataFrame
        (by...), source, target, n, probability.
    """
    by = list(by or [])
    seg = "".join(f', "{b}"' for b in by)
    segj = "".join(f', j."{b}"' for b in by)
    ends = f"""
        UNION ALL SELECT '(start)', s.channel, 1.0{''.join(f', s."{b}"' for b in by)} FROM steps s WHERE s.step = 1
        UNION ALL SELECT s.channel, '(conversion)', j.conversions{segj} FROM steps s JOIN journeys j
            ON s.journey_id = j.journey_id AND s.step = j.n_steps
        UNION ALL SELECT s.channel, '(null)', j.nulls{segj} FROM steps s JOIN journeys j
            ON s.journey_id = j.journey_id AND s.step = j.n_steps""" if include_start_end else ""
    sql = f"""WITH {_events_sql(source, columns, by)},
    t AS (
        SELECT LAG(channel) OVER (PARTITION BY journey_id ORDER BY step) AS source, channel AS target, 1.0 AS n{seg}
        FROM steps
    ),
    allt AS (SELECT * FROM t WHERE source IS NOT NULL {ends}),
    agg AS (SELECT {', '.join(f'"{b}"' for b in by) + ', ' if by else ''}source, target, SUM(n) AS n FROM allt
            GROUP BY ALL HAVING SUM(n) <> 0)
    SELECT *, n / SUM(n) OVER (PARTITION BY {', '.join([f'"{b}"' for b in by] + ['source'])}) AS probability
    FROM agg ORDER BY {', '.join([f'"{b}"' for b in by] + ['source'])}, n DESC"""
    return _run(con, sql).astype({"source": "string", "target": "string"})


def path_lengths(source, columns: dict | None = None, by=None, con=None) -> pd.DataFrame:
    """Distribution of touches per journey, like :func:`cjkit.paths.journeys.path_lengths`.

    Returns
    -------
    DataFrame
        (by...), n_steps, n_journeys, share, conversions, conversion_rate.
    """
    by = list(by or [])
    g = [f'"{b}"' for b in by]
    part = f"PARTITION BY {', '.join(g)}" if g else ""
    sql = f"""WITH {_events_sql(source, columns, by)}
    SELECT {', '.join(g) + ', ' if g else ''}n_steps, SUM(conversions + nulls) AS n_journeys,
           SUM(conversions + nulls) / SUM(SUM(conversions + nulls)) OVER ({part}) AS share,
           SUM(conversions) AS conversions, SUM(conversions) / SUM(conversions + nulls) AS conversion_rate
    FROM journeys GROUP BY {', '.join(g + ['n_steps'])} ORDER BY {', '.join(g + ['n_steps'])}"""
    out = _run(con, sql)
    out["n_steps"] = out["n_steps"].astype("int64")
    return out


def time_between_steps(source, columns: dict | None = None, unit: str = "h", con=None) -> pd.DataFrame:
    """Time between consecutive touches per transition, like :func:`cjkit.paths.journeys.time_between_steps`.

    Returns
    -------
    DataFrame
        source, target, n, mean, median, p25, p75 (in *unit*); first row ``(any)`` -> ``(any)``.
    """
    secs = {"s": 1, "min": 60, "h": 3600, "d": 86400}
    if unit not in secs:
        raise ParameterError("unit", unit, allowed=list(secs))
    sql = f"""WITH {_events_sql(source, columns, [])},
    g AS (SELECT LAG(channel) OVER w AS source, channel AS target,
                 epoch(ts - LAG(ts) OVER w) / {secs[unit]} AS gap
          FROM steps WINDOW w AS (PARTITION BY journey_id ORDER BY step)),
    x AS (SELECT '(any)' AS source, '(any)' AS target, gap FROM g WHERE gap IS NOT NULL
          UNION ALL SELECT source, target, gap FROM g WHERE gap IS NOT NULL)
    SELECT source, target, COUNT(*) AS n, AVG(gap) AS mean, quantile_cont(gap, 0.5) AS median,
           quantile_cont(gap, 0.25) AS p25, quantile_cont(gap, 0.75) AS p75
    FROM x GROUP BY source, target ORDER BY source <> '(any)', source, target"""
    out = _run(con, sql)
    out["n"] = out["n"].astype("int64")
    return out.astype({"source": "string", "target": "string"})


def funnel_counts(source, mapping: pd.DataFrame, order, stage: str = "phase", columns: dict | None = None,
                  con=None) -> pd.DataFrame:
    """Journeys reaching each ordered stage (furthest stage >= it), out of core.

    *mapping* maps channels to stages (e.g. :func:`cjkit.paths.channels.map_channels`); the result has
    the stage, stage_order, n_journeys, n_touched and conversions columns of
    :func:`cjkit.paths.journeys.funnel` (without the derived rates).
    """
    if stage not in mapping or "channel" not in mapping:
        raise DataError(f"mapping needs columns 'channel' and '{stage}'")
    con = con or connect()
    rank = pd.DataFrame({"stage": list(order), "stage_order": range(1, len(order) + 1)})
    m = mapping[["channel", stage]].astype({"channel": str, stage: str}).rename(columns={stage: "stage"})
    con.register("cj_stage_map", m.merge(rank, on="stage"))
    sql = f"""WITH {_events_sql(source, columns, [])},
    js AS (SELECT s.journey_id, m.stage_order FROM steps s JOIN cj_stage_map m ON s.channel = m.channel),
    jmax AS (SELECT j.journey_id, j.conversions, j.conversions + j.nulls AS w, COALESCE(MAX(js.stage_order), 0) AS mx
             FROM journeys j LEFT JOIN js USING (journey_id) GROUP BY ALL),
    touched AS (SELECT stage_order, SUM(w) AS n_touched FROM (SELECT DISTINCT journey_id, stage_order FROM js)
                JOIN jmax USING (journey_id) GROUP BY stage_order)
    SELECT r.stage, r.stage_order, SUM(CASE WHEN j.mx >= r.stage_order THEN j.w ELSE 0 END) AS n_journeys,
           COALESCE(ANY_VALUE(t.n_touched), 0) AS n_touched,
           SUM(CASE WHEN j.mx >= r.stage_order THEN j.conversions ELSE 0 END) AS conversions
    FROM (SELECT DISTINCT stage, stage_order FROM cj_stage_map) r CROSS JOIN jmax j
    LEFT JOIN touched t ON t.stage_order = r.stage_order GROUP BY r.stage, r.stage_order ORDER BY r.stage_order"""
    try:
        return _run(con, sql).astype({"stage": "string"})
    finally:
        con.unregister("cj_stage_map")
