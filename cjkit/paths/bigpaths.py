"""Path counts over event logs larger than memory, with DuckDB: the file side of the path engine.

The event files (Parquet or CSV, a path, a glob such as ``events/*.parquet`` or a list) are
scanned by DuckDB, which sorts, windows and aggregates within a memory limit and spills to disk;
pandas only ever sees the aggregated results. The researcher functions of
:mod:`cjkit.paths.journeys` (``path_table``, ``transitions``, ``funnel`` ...) call these when
given a file instead of a DataFrame, and the results are identical, dtypes included. The rules
(checks, duplicates, tie rule, UTC, journey rules) are those of :mod:`cjkit.paths.eventsql`;
:func:`scan_ledger` lists every row they leave out in the shared ledger (:mod:`cjkit.quality.ledger`).

``rules`` is a dict of the journey rules of :func:`cjkit.io.events.events_to_steps`
(``split_on_conversion``, ``split_sessions``, ``session_timeout``, ``lookback``,
``conversion_window``) plus ``drop_duplicates`` and ``identity_map`` (a frame with columns ``id`` and
``customer_id``, as :func:`cjkit.paths.stitch_identities`: device/cookie ids become customers).
"""
from __future__ import annotations

import logging
from typing import NamedTuple

import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.io import journey_rules as _rules
from cjkit.paths import buckets as _buckets
from cjkit.paths import eventsql as _sql
from cjkit.paths import stitching as _stitch
from cjkit.quality import ledger as _ledger_mod

log = logging.getLogger("cjkit.paths.bigpaths")
SEP = " > "
UNITS = {"s": 1, "min": 60, "h": 3600, "d": 86400}
RULES = ("split_on_conversion", "split_sessions", "session_timeout", "lookback", "conversion_window",
         "drop_duplicates", "identity_map")


def scan_connection(*, memory_limit: str = "1GB", threads: int = 2, temp_directory: str | None = None,
                    buckets: int | None = None):
    """A DuckDB connection in UTC that spills to disk instead of exceeding *memory_limit*.

    Logs too large for one pass are split into customer buckets (:mod:`cjkit.paths.buckets`):
    each bucket's journeys are built on their own and the counts summed, with results identical
    to one pass.

    Parameters
    ----------
    memory_limit : str
        DuckDB memory limit, e.g. ``"512MB"``; beyond it DuckDB spills to *temp_directory*.
    threads : int
        Worker threads.
    temp_directory : str, optional
        Where to spill (DuckDB's default ``.tmp`` folder otherwise).
    buckets : int, optional
        Number of customer buckets; by default chosen from the row count and *memory_limit*
        (:func:`cjkit.paths.buckets.bucket_count`).

    Returns
    -------
    duckdb.DuckDBPyConnection
        Pass it as ``con=`` to the path functions; its ``TimeZone`` is pinned to UTC.

    Examples
    --------
    >>> from cjkit.paths.bigpaths import scan_connection
    >>> con = scan_connection(memory_limit="256MB", threads=1)
    >>> con.sql("SELECT current_setting('threads') AS t, current_setting('TimeZone') AS z").fetchall()
    [(1, 'UTC')]
    """
    con = _sql.connect(memory_limit=memory_limit, threads=threads, temp_directory=temp_directory)
    _buckets.set_count(con, buckets)
    return con


def _steps_sql(source, columns, by, rules, *, with_path: bool = False):
    """Files, a function bucket -> SQL of their journeys, and the frames the SQL reads (the identity map)."""
    rules = dict(rules or {})
    unknown = sorted(set(rules) - set(RULES))
    if unknown:
        raise ParameterError("rules", unknown[0], allowed=list(RULES))
    id_map = rules.pop("identity_map", None)
    tables = {} if id_map is None else {_sql.ID_MAP: _stitch.clean_id_map(id_map)}
    paths = _sql.files(source)
    def steps(bucket=None):
        return _sql.journeys_sql(paths, columns, list(by or []), with_path=with_path,
                                 identity_map=id_map is not None, bucket=bucket, **rules)
    return paths, steps, tables


def _seg(by) -> list[str]:
    return [_sql.ident(b) for b in by or []]


def _as_string(out: pd.DataFrame, cols) -> pd.DataFrame:
    return out.astype({c: "string" for c in cols})


class ScanLedger(NamedTuple):
    """Row accounting of a scan.

    Attributes
    ----------
    ledger : DataFrame
        Excluded rows in the :mod:`cjkit.quality.ledger` format (file, row, column, check, reason, ...).
    n_input : int
        Data rows in all files.
    n_kept : int
        Rows the path functions use.
    """

    ledger: pd.DataFrame
    n_input: int
    n_kept: int

    @property
    def summary(self) -> pd.DataFrame:
        """Row accounting (:func:`cjkit.quality.ledger.summary`); raises if a row is unaccounted for."""
        return _ledger_mod.summary(self.ledger, self.n_input, n_kept=self.n_kept)


def scan_ledger(source, *, columns: dict | None = None, drop_duplicates: bool = True,
                identity_map: pd.DataFrame | None = None, rules: dict | None = None, con=None) -> ScanLedger:
    """Every input row the path functions leave out of a file source, with file, row and reason.

    The checks are those of :func:`cjkit.io.events.read_events`: customer id, channel, a readable
    timestamp, a conversion flag and value that can be read, and duplicates. Only the excluded rows
    reach pandas, so the ledger stays small however large the files are.

    Parameters
    ----------
    source : str, Path or list
        Event files (CSV or Parquet), globs allowed.
    columns : dict, optional
        cjkit name -> source column (``customer_id``, ``timestamp``, ``channel``, ``conversion``, ...).
    drop_duplicates : bool
        Exclude duplicates (the first in file order is kept).
    identity_map : DataFrame, optional
        Columns ``id`` and ``customer_id``: kept touches whose id it replaces are listed as
        ``identity_stitched`` (``value_changed``), as by :func:`cjkit.paths.stitch_identities`.
    rules : dict, optional
        The journey rules of the path functions: touches left out by ``lookback`` are listed as
        ``outside_lookback`` (excluded), conversions not credited under ``conversion_window`` as
        ``outside_conversion_window`` (conversion 1 -> 0), as by :func:`cjkit.paths.load_journeys`.
    con : duckdb connection, optional
        From :func:`scan_connection`.

    Returns
    -------
    ScanLedger
        ``ledger``, ``n_input``, ``n_kept`` and the ``summary`` of the accounting.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from cjkit.paths.bigpaths import scan_ledger
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "events.csv"
    >>> _ = f.write_text("customer_id,timestamp,channel,conversion\\nu1,2024-01-01,email,0\\n,2024-01-02,email,0\\n"
    ...                  "u2,someday,search,0\\nu2,2024-01-03,,0\\nu2,2024-01-04,shop,2\\n", encoding="utf-8")
    >>> acc = scan_ledger(str(f))
    >>> acc.ledger[["row", "column", "check"]].values.tolist()
    [[2, 'customer_id', 'missing_customer_id'], [3, 'timestamp', 'bad_timestamp'], [4, 'channel', 'missing_channel'], [5, 'conversion', 'bad_conversion']]
    >>> acc.summary[["n_input", "n_kept", "n_excluded"]].values.tolist()
    [[5, 1, 4]]
    """
    paths = _sql.files(source)
    cols, _ = _sql.resolve(paths, columns)
    tables = {} if identity_map is None else {_sql.ID_MAP: _stitch.clean_id_map(identity_map)}
    new_id = (f"CASE WHEN t.why IS NULL AND m.customer_id <> t.customer_id THEN m.customer_id END"
              if tables else "CAST(NULL AS VARCHAR)")
    join = f"LEFT JOIN {_sql.ID_MAP} m ON t.customer_id = m.id" if tables else ""
    # per customer bucket like the path functions (duplicates never span customers); each bucket's
    # first row carries its row count
    frames, _ = _buckets.run_all(con, lambda b: f"""WITH {_sql.checked_sql(
        paths, columns, drop_duplicates=drop_duplicates, bucket=b, identity_map=bool(tables))}
    SELECT t._file, t._row, t.customer_id AS rid, t.why, t.ts_text, t.conv_text, t.value_text,
           {new_id} AS new_id, COUNT(*) OVER () AS n_input, ROW_NUMBER() OVER () = 1 AS first FROM typed t {join}
    QUALIFY t.why IS NOT NULL OR new_id IS NOT NULL OR first""", paths, tables)
    got = pd.concat(frames, ignore_index=True)
    n_input = int(got.loc[got["first"], "n_input"].sum())
    bad = got[got["why"].notna()]
    parts = []
    for fi, grp in got[got["new_id"].notna()].groupby("_file", sort=False):
        parts.append(_ledger_mod.entries(file=paths[int(fi)], rows=grp["_row"].astype(int).tolist(),
                                         check="identity_stitched", action="value_changed",
                                         reason="device/cookie id merged into its customer", column=cols["customer_id"],
                                         old_values=grp["rid"].tolist(), new_values=grp["new_id"].tolist(),
                                         respondent_ids=grp["rid"].tolist()))
    old_of = {"timestamp": "ts_text", "conversion": "conv_text", "value": "value_text", "customer_id": "rid"}
    for (fi, why), grp in bad.groupby(["_file", "why"], sort=False):
        reason, name = _sql.CHECKS[why]
        old = grp[old_of[name]].tolist() if name in old_of else None
        parts.append(_ledger_mod.entries(file=paths[int(fi)], rows=grp["_row"].astype(int).tolist(), check=why,
                                         action="excluded", reason=reason, column=cols[name], old_values=old,
                                         respondent_ids=grp["rid"].tolist()))
    rules = {**(rules or {}), "drop_duplicates": drop_duplicates, "identity_map": identity_map}
    if rules.get("lookback") is not None or rules.get("conversion_window") is not None:
        parts.append(_window_ledger(paths, cols, columns, rules, con))
    led = _ledger_mod.concat(*parts)
    led = led.sort_values(["file", "row"], kind="stable").reset_index(drop=True)
    n_excluded = int((led["action"] == "excluded").sum())
    if n_excluded:
        log.warning("%d of %d event rows excluded (see ledger)", n_excluded, n_input)
    return ScanLedger(led, n_input, n_input - n_excluded)


def _window_ledger(paths, cols, columns, rules, con) -> pd.DataFrame:
    """Ledger entries of the lookback and conversion window, per customer bucket (as the path functions)."""
    _, steps, tables = _steps_sql(paths, columns, None, {k: v for k, v in rules.items() if v is not None})
    lookback = rules.get("lookback")
    left = ("SELECT _file, _row, customer_id, 'lb' AS why FROM (SELECT *, MAX(ts) OVER (PARTITION BY journey_id) "
            f"AS j_end FROM j) WHERE epoch(j_end) - epoch(ts) > {_rules.duration_seconds(lookback, 'lookback')}"
            if lookback is not None else "SELECT 0 AS _file, 0 AS _row, '' AS customer_id, 'lb' AS why WHERE FALSE")
    frames, _ = _buckets.run_all(con, lambda b: f"""WITH {steps(b)}
    {left} UNION ALL
    SELECT s._file, s._row, s.customer_id, 'cw' FROM steps s JOIN journeys USING (journey_id)
    WHERE s.conversion = 1 AND journeys.conversions = 0""", paths, tables)
    got = pd.concat(frames, ignore_index=True).rename(columns={"_row": "row"})
    parts = [_rules.rule_entries(grp[grp["why"] == "lb"], grp[grp["why"] == "cw"], lookback=lookback,
                                 conversion_window=rules.get("conversion_window"), file=paths[int(fi)], columns=cols)
             for fi, grp in got.groupby("_file", sort=True)]
    return _ledger_mod.concat(*parts)


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
