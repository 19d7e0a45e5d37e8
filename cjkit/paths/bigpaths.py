"""Out-of-core path aggregations over event logs larger than memory, with DuckDB.

The event files (Parquet or CSV, a path, a glob such as ``events/*.parquet`` or a list) are
scanned by DuckDB, which sorts, windows and aggregates with a memory limit and spills to disk;
pandas only ever sees the aggregated results. The file format, the encoding and the delimiter
are detected as for every other cjkit input (:mod:`cjkit.io.readers`). Results have the same
columns as their in-memory counterparts in :mod:`cjkit.paths.journeys` (``scan_transitions``
like ``transitions`` ...), and :func:`scan_path_table` feeds :mod:`cjkit.paths.attribution`.

Event columns: ``customer_id``, ``timestamp``, ``channel``, optionally ``conversion`` (0/1) and
``value`` (rename with ``columns=``). As in :func:`cjkit.io.events.events_to_steps`, touches are ordered
by time (ties by channel), and each conversion ends a journey. Rows without customer id, channel or
a readable timestamp are not used; :func:`scan_ledger` lists them in the shared data-quality
ledger (:mod:`cjkit.quality.ledger`) with file, row and reason.
"""
from __future__ import annotations

import glob
import logging
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.io import readers
from cjkit.io.readers import _text
from cjkit.quality import ledger as _ledger_mod

log = logging.getLogger("cjkit.paths.bigpaths")
SEP = " > "
_COLUMNS = {"customer_id": "customer_id", "timestamp": "timestamp", "channel": "channel",
            "conversion": "conversion", "value": "value"}


def scan_connection(*, memory_limit: str = "1GB", threads: int = 2, temp_directory: str | None = None):
    """A DuckDB connection set up to spill to disk instead of exceeding *memory_limit*.

    Parameters
    ----------
    memory_limit : str
        DuckDB memory limit, e.g. ``"1GB"``; beyond it DuckDB spills to *temp_directory*.
    threads : int
        Worker threads.
    temp_directory : str, optional
        Where to spill (DuckDB's default otherwise).

    Returns
    -------
    duckdb.DuckDBPyConnection
        Pass it as ``con=`` to the ``scan_*`` functions.

    Examples
    --------
    >>> from cjkit.paths.bigpaths import scan_connection
    >>> con = scan_connection(memory_limit="256MB", threads=1)
    >>> con.sql("SELECT current_setting('threads') AS t").fetchall()
    [(1,)]
    """
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = false")  # lets DuckDB stream instead of buffering
    if temp_directory:
        con.execute(f"SET temp_directory = '{temp_directory}'")
    return con


def _files(source) -> list[str]:
    """The files behind *source* (paths, globs or a list of them), each checked to exist."""
    out = []
    for p in [str(p) for p in (source if isinstance(source, (list, tuple)) else [source])]:
        if any(ch in p for ch in "*?["):
            hits = sorted(glob.glob(p))
            if not hits:
                raise DataError("no file matches this pattern", file=p)
            out += hits
        elif not Path(p).is_file():
            raise DataError("file not found", file=p)
        else:
            out.append(p)
    return out


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _scan(source, *, row_numbers: bool = False) -> str:
    """DuckDB table function reading *source*, in the format the shared readers detect.

    CSV options (delimiter, decimal comma, encoding) come from the first file's sample, as
    :func:`cjkit.io.readers.csv.read_table` decides them. With *row_numbers* Parquet files get
    DuckDB's ``file_row_number`` column (0-based); CSV rows are numbered by :func:`scan_ledger`.
    """
    files = _files(source)
    fmt = readers.detect(files[0])  # DataError for files that are no data table (docs, Word, ...)
    lst = "[" + ", ".join(_literal(p) for p in files) + "]"
    if fmt == "parquet":
        return f"read_parquet({lst}{', file_row_number=true' if row_numbers else ''})"
    if fmt in ("excel", "spss"):
        raise DataError(f"out-of-core scans read CSV or Parquet, not {fmt}; read this file with "
                        "cjkit.paths.read_events, or export it as CSV/Parquet", file=files[0])
    if Path(files[0]).suffix.lower() == ".zip":  # DuckDB reads .gz itself, but not zip archives
        raise DataError("out-of-core scans read plain or gzipped CSV, not zip archives; unzip the file "
                        "or read it with cjkit.paths.read_events", file=files[0])
    sample = _text.read_sample(Path(files[0]))
    encoding = _text.detect_encoding(sample, complete=len(sample) < _text.SAMPLE_BYTES, file=files[0])
    text = _text.decode_sample(sample, encoding)
    delim = _text.sniff_delimiter(text)
    opts = f"header=true, delim={_literal(delim)}"
    if _text.uses_decimal_comma(text, delim):
        opts += ", decimal_separator=','"
    if encoding.startswith("utf-16"):
        opts += ", encoding='utf-16'"
    elif encoding not in ("utf-8", "utf-8-sig", "ascii"):
        # DuckDB's built-in single-byte decoder; Windows-1252 differs from it only in 0x80-0x9F
        opts += ", encoding='latin-1'"
    return f"read_csv({lst}, {opts})"


def _ident(c) -> str:
    return '"' + str(c).replace('"', '""') + '"'


def _resolve(scan: str, file, columns: dict | None, by=(), required=("customer_id", "timestamp", "channel")) -> dict:
    """cjkit name -> source column; optional conversion/value only when the files have them.

    Checked before the scan, so a wrong column name gets a cjkit error naming file and column
    instead of a DuckDB binder message.
    """
    cols = {**_COLUMNS, **(columns or {})}
    try:
        present = [r[0] for r in duckdb.connect().sql(f"DESCRIBE SELECT * FROM {scan}").fetchall()]
    except duckdb.Error as exc:
        raise DataError(f"DuckDB cannot read the file: {str(exc).splitlines()[0][:200]}", file=file) from None
    for name in [*required, *by]:
        col = cols.get(name, name)
        if col not in present:
            raise DataError(f"column for '{name}' not found; pass columns={{'{name}': '<your column>'}}; "
                            f"available: {', '.join(present)}", file=file, column=col)
    for name in ("conversion", "value"):
        if cols.get(name) not in present:
            if columns and name in columns:
                raise DataError(f"column for '{name}' not found; available: {', '.join(present)}",
                                file=file, column=cols[name])
            cols[name] = None
    return cols


def _events_sql(source, columns: dict | None, by) -> str:
    """SQL for the usable events with journey ids and step numbers."""
    scan = _scan(source)
    cols = _resolve(scan, _files(source)[0], columns, by)
    q = _ident
    seg = "".join(f", CAST({q(b)} AS VARCHAR) AS {q(b)}" for b in by)
    conv = f"COALESCE(CAST({q(cols['conversion'])} AS INTEGER), 0)" if cols.get("conversion") else "0"
    val = f"COALESCE(CAST({q(cols['value'])} AS DOUBLE), 0)" if cols.get("value") else "0.0"
    return f"""
    raw AS (
        SELECT CAST({q(cols['customer_id'])} AS VARCHAR) AS customer_id,
               TRY_CAST({q(cols['timestamp'])} AS TIMESTAMP) AS ts,
               CAST({q(cols['channel'])} AS VARCHAR) AS channel,
               {conv} AS conversion, {val} AS value{seg}
        FROM {scan}
        -- the rows scan_ledger does not exclude (an unreadable timestamp is excluded, as by read_events)
        WHERE {q(cols['customer_id'])} IS NOT NULL AND TRY_CAST({q(cols['timestamp'])} AS TIMESTAMP) IS NOT NULL
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
    con = con or scan_connection()
    try:
        return con.sql(sql).df()
    except duckdb.Error as exc:
        raise DataError(f"DuckDB could not process the event files: {exc}") from None


class ScanLedger(NamedTuple):
    """Row accounting of an out-of-core scan.

    Attributes
    ----------
    ledger : DataFrame
        Excluded rows in the :mod:`cjkit.quality.ledger` format (file, row, column, check, reason, ...).
    n_input : int
        Data rows in all files.
    n_kept : int
        Rows the ``scan_*`` aggregations use.
    """

    ledger: pd.DataFrame
    n_input: int
    n_kept: int

    @property
    def summary(self) -> pd.DataFrame:
        """Row accounting (:func:`cjkit.quality.ledger.summary`); raises if a row is unaccounted for."""
        return _ledger_mod.summary(self.ledger, self.n_input, n_kept=self.n_kept)


def scan_ledger(source, *, columns: dict | None = None, con=None) -> ScanLedger:
    """Every input row the ``scan_*`` functions leave out, with file, row and reason.

    The checks are those of :func:`cjkit.io.events.read_events` that decide whether a touch can
    be placed in a journey: customer id, channel and a readable timestamp. Only the excluded rows
    reach pandas, so the ledger stays small however large the files are.

    Parameters
    ----------
    source : str, Path or list
        Event files (CSV or Parquet), globs allowed.
    columns : dict, optional
        cjkit name -> source column for ``customer_id``, ``timestamp``, ``channel``.
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
    >>> _ = f.write_text("customer_id,timestamp,channel\\nu1,2024-01-01,email\\n,2024-01-02,email\\n"
    ...                  "u2,someday,search\\nu2,2024-01-03,\\n", encoding="utf-8")
    >>> acc = scan_ledger(str(f))
    >>> acc.ledger[["row", "column", "reason"]].values.tolist()
    [[2, 'customer_id', 'missing customer_id'], [3, 'timestamp', 'timestamp not readable as date/time'], [4, 'channel', 'missing channel']]
    >>> acc.summary[["n_input", "n_kept", "n_excluded"]].values.tolist()
    [[4, 1, 3]]
    """
    files = _files(source)
    cols = _resolve(_scan(files), files[0], columns)
    cid, ts, ch = (_ident(cols[k]) for k in ("customer_id", "timestamp", "channel"))
    con = con or scan_connection()
    setting = con.sql("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
    # row numbers in file order: DuckDB keeps the scan order only while insertion order is preserved
    con.execute("SET preserve_insertion_order = true")
    parts, n_input = [], 0
    try:
        for file in files:
            scan = _scan(file, row_numbers=True)
            row = "file_row_number + 1" if scan.startswith("read_parquet") else "ROW_NUMBER() OVER ()"
            n_input += int(_run(con, f"SELECT COUNT(*) AS n FROM {scan}")["n"].iloc[0])
            bad = _run(con, f"""
                SELECT _row, CAST({cid} AS VARCHAR) AS rid, CAST({ts} AS VARCHAR) AS ts_text,
                       CASE WHEN {cid} IS NULL THEN 'customer_id'
                            WHEN {ch} IS NULL THEN 'channel'
                            WHEN {ts} IS NULL THEN 'missing_timestamp' ELSE 'bad_timestamp' END AS why
                FROM (SELECT *, {row} AS _row FROM {scan})
                WHERE {cid} IS NULL OR {ch} IS NULL OR TRY_CAST({ts} AS TIMESTAMP) IS NULL
                ORDER BY _row""")
            for why, grp in bad.groupby("why", sort=False):
                check, column, reason, old = {
                    "customer_id": ("missing_customer_id", cols["customer_id"], "missing customer_id", None),
                    "channel": ("missing_channel", cols["channel"], "missing channel", None),
                    "missing_timestamp": ("missing_timestamp", cols["timestamp"], "missing timestamp", None),
                    "bad_timestamp": ("bad_timestamp", cols["timestamp"], "timestamp not readable as date/time",
                                      grp["ts_text"].tolist())}[why]
                parts.append(_ledger_mod.entries(file=file, rows=grp["_row"].astype(int).tolist(), check=check,
                                                 action="excluded", reason=reason, column=column, old_values=old,
                                                 respondent_ids=grp["rid"].tolist()))
    finally:
        con.execute(f"SET preserve_insertion_order = {setting}")
    led = _ledger_mod.concat(*parts)
    led = led.sort_values(["file", "row"], kind="stable").reset_index(drop=True)
    if len(led):
        log.warning("%d of %d event rows excluded (see ledger)", len(led), n_input)
    return ScanLedger(led, n_input, n_input - len(led))


def scan_path_table(source, *, columns: dict | None = None, by=None, con=None) -> pd.DataFrame:
    """Aggregate the event log into a path table (input of :mod:`cjkit.paths.attribution`).

    Out of core; the in-memory equivalent is :func:`cjkit.io.events.steps_to_paths`.

    Parameters
    ----------
    source : str, Path or list
        Event files (CSV or Parquet), globs such as ``events/*.parquet`` allowed.
    columns : dict, optional
        cjkit name -> source column for ``customer_id``, ``timestamp``, ``channel``, ``conversion``, ``value``.
    by : list of str, optional
        Segment columns (taken from a journey's first touch); results per segment.
    con : duckdb connection, optional
        From :func:`scan_connection` (memory limit, threads, spill directory).

    Returns
    -------
    DataFrame
        (by...), path, conversions, nulls, value, n_journeys — one row per distinct path.

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
    by = list(by or [])
    gb = "".join(f', j."{b}"' for b in by)
    sql = f"""WITH {_events_sql(source, columns, by)},
    p AS (SELECT journey_id, string_agg(channel, '{SEP}' ORDER BY step) AS path FROM steps GROUP BY journey_id)
    SELECT {', '.join(f'j."{b}"' for b in by) + ', ' if by else ''}p.path, SUM(j.conversions) AS conversions,
           SUM(j.nulls) AS nulls, SUM(j.value) AS value, SUM(j.conversions + j.nulls) AS n_journeys
    FROM p JOIN journeys j USING (journey_id) GROUP BY p.path{gb} ORDER BY n_journeys DESC, p.path"""
    return _run(con, sql).astype({"path": "string"})


def scan_transitions(source, *, columns: dict | None = None, include_start_end: bool = True, by=None,
                     con=None) -> pd.DataFrame:
    """Transitions between consecutive channels, out of core, like :func:`cjkit.paths.journeys.transitions`.

    Parameters
    ----------
    source : str, Path or list
        Event files (CSV or Parquet), globs such as ``events/*.parquet`` allowed.
    columns : dict, optional
        cjkit name -> source column for ``customer_id``, ``timestamp``, ``channel``, ``conversion``, ``value``.
    include_start_end : bool
        Add transitions from ``(start)`` and to ``(conversion)`` / ``(null)``.
    by : list of str, optional
        Segment columns (taken from a journey's first touch); results per segment.
    con : duckdb connection, optional
        From :func:`scan_connection` (memory limit, threads, spill directory).

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


def scan_path_lengths(source, *, columns: dict | None = None, by=None, con=None) -> pd.DataFrame:
    """Distribution of touches per journey, out of core, like :func:`cjkit.paths.journeys.path_lengths`.

    Parameters
    ----------
    source : str, Path or list
        Event files (CSV or Parquet), globs such as ``events/*.parquet`` allowed.
    columns : dict, optional
        cjkit name -> source column for ``customer_id``, ``timestamp``, ``channel``, ``conversion``, ``value``.
    by : list of str, optional
        Segment columns (taken from a journey's first touch); results per segment.
    con : duckdb connection, optional
        From :func:`scan_connection` (memory limit, threads, spill directory).

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


def scan_time_between_steps(source, *, columns: dict | None = None, unit: str = "h", con=None) -> pd.DataFrame:
    """Time between consecutive touches per transition, out of core, like
    :func:`cjkit.paths.journeys.time_between_steps`.

    Parameters
    ----------
    source : str, Path or list
        Event files (CSV or Parquet), globs such as ``events/*.parquet`` allowed.
    columns : dict, optional
        cjkit name -> source column for ``customer_id``, ``timestamp``, ``channel``, ``conversion``, ``value``.
    unit : {"s", "min", "h", "d"}
        Unit of the times.
    con : duckdb connection, optional
        From :func:`scan_connection` (memory limit, threads, spill directory).

    Returns
    -------
    DataFrame
        source, target, n, mean, median, p25, p75 (in *unit*); first row ``(any)`` -> ``(any)``.

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


def scan_funnel(source, *, mapping: pd.DataFrame, order, stage: str = "phase", columns: dict | None = None,
                con=None) -> pd.DataFrame:
    """Journeys reaching each ordered stage (furthest stage >= it), out of core.

    Parameters
    ----------
    source : str, Path or list
        Event files (CSV or Parquet), globs such as ``events/*.parquet`` allowed.
    columns : dict, optional
        cjkit name -> source column for ``customer_id``, ``timestamp``, ``channel``, ``conversion``, ``value``.
    mapping : DataFrame
        Channel -> stage (e.g. :func:`cjkit.paths.channels.map_channels`), columns ``channel`` and *stage*.
    order : list of str
        The stages in journey order.
    stage : str
        Stage column of *mapping*.
    con : duckdb connection, optional
        From :func:`scan_connection` (memory limit, threads, spill directory).

    Returns
    -------
    DataFrame
        stage, stage_order, n_journeys, n_touched, conversions — the counts of
        :func:`cjkit.paths.journeys.funnel` (without the derived rates).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandas as pd
    >>> from cjkit.paths.bigpaths import scan_funnel
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "events.parquet"
    >>> pd.DataFrame({"customer_id": ["u1", "u1", "u2"], "channel": ["email", "search", "email"],
    ...               "timestamp": pd.to_datetime(["2024-01-01 08:00", "2024-01-01 20:00", "2024-01-02 00:00"]),
    ...               "conversion": [0, 1, 0], "value": [0.0, 50.0, 0.0]}).to_parquet(f)
    >>> m = pd.DataFrame({"channel": ["email", "search"], "phase": ["awareness", "consideration"]})
    >>> scan_funnel(str(f), mapping=m, order=["awareness", "consideration"])[["stage", "n_journeys"]].values.tolist()
    [['awareness', 2.0], ['consideration', 1.0]]
    """
    if stage not in mapping or "channel" not in mapping:
        raise DataError(f"mapping needs columns 'channel' and '{stage}'")
    con = con or scan_connection()
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
