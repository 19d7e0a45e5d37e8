"""The event log as DuckDB SQL: files, checks, journeys — the large-log side of the path engine.

Every rule here mirrors :func:`cjkit.io.events.read_events` and :func:`cjkit.io.events.events_to_steps`
so that both sizes give the same journeys:

* text is trimmed, blanks are missing; timestamps are ISO 8601 with or without offset or zone,
  parsed per row into UTC (naive times count as UTC); the connection's ``TimeZone`` is pinned to
  UTC so results never depend on the machine's zone;
* conversion flags ``1/0/true/false/yes/no/ja/nein/y/n/t/f`` (blank = 0); anything else, a bad
  value or an unreadable timestamp excludes the row (:func:`cjkit.paths.bigpaths.scan_ledger` lists it);
* duplicates are rows with the same customer, time, channel, event, conversion and value; the
  first in file order is kept;
* **tie rule**: touches are ordered by time, a conversion after other touches at the same time,
  then by file order (file, row);
* journeys end at a conversion, at a session change (``split_sessions``) or after inactivity
  (``session_timeout``); ``lookback`` and ``conversion_window`` cut them as described in
  :func:`cjkit.io.events.events_to_steps`.
"""
from __future__ import annotations

import functools
import glob
import re
from pathlib import Path

import pandas as pd

from cjkit.errors import DataError
from cjkit.io import readers
from cjkit.io.eventbase import FALSE_WORDS, TRUE_WORDS
from cjkit.io.journey_rules import duration_seconds
from cjkit.io.readers import _text

_NUMERIC = re.compile(r"^(U?(TINY|SMALL|HUGE)?INT(EGER)?|BIGINT|UBIGINT|DOUBLE|FLOAT|REAL|DECIMAL.*)$")
COLUMNS = {"customer_id": "customer_id", "timestamp": "timestamp", "channel": "channel",
           "conversion": "conversion", "value": "value", "event": "event", "session_id": "session_id"}
ID_MAP = "cj_identity_map"  # the registered id-mapping frame (id -> customer_id)
OPTIONAL = ("conversion", "value", "event", "session_id")
# check name -> (ledger reason, cjkit column the reason is about); order = order of the checks
CHECKS = {"missing_customer_id": ("missing customer_id", "customer_id"),
          "missing_channel": ("missing channel", "channel"),
          "missing_timestamp": ("missing timestamp", "timestamp"),
          "bad_timestamp": ("timestamp not readable as date/time", "timestamp"),
          "bad_conversion": ("conversion is not 0/1/true/false", "conversion"),
          "not_a_number": ("value is not a number", "value"),
          "duplicate_event": ("duplicate event (same customer, time, channel, event, conversion, value)",
                              "customer_id")}


def connect(*, memory_limit: str = "1GB", threads: int = 2, temp_directory: str | None = None):
    """A DuckDB connection in UTC that spills to *temp_directory* beyond *memory_limit*."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")  # results must not depend on the machine's zone
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = false")  # lets DuckDB stream instead of buffering
    if temp_directory:
        con.execute(f"SET temp_directory = {literal(str(temp_directory))}")
    return con


def pin(con):
    """Pin a caller's connection to UTC (a connection made elsewhere may carry a local zone)."""
    con.execute("SET TimeZone = 'UTC'")
    return con


def files(source) -> list[str]:
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


def literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def ident(c) -> str:
    return '"' + str(c).replace('"', '""') + '"'


def _stamp(paths) -> tuple:
    """Paths with size and modification time: a changed file is sniffed again."""
    stats = [(p, Path(p).stat()) for p in paths]
    return tuple((p, st.st_size, st.st_mtime_ns) for p, st in stats)


def scan(paths: list[str]) -> str:
    """DuckDB table function reading *paths* (all in the format the shared readers detect)."""
    return _scan(_stamp(paths))


@functools.lru_cache(maxsize=64)
def _scan(stamp: tuple) -> str:
    paths = [s[0] for s in stamp]
    fmt = readers.detect(paths[0])  # DataError for files that are no data table (docs, Word, ...)
    lst = "[" + ", ".join(literal(p) for p in paths) + "]"
    if fmt == "parquet":
        return f"read_parquet({lst}, file_row_number=true)"
    if fmt in ("excel", "spss"):
        raise DataError(f"out-of-core scans read CSV or Parquet, not {fmt}; read this file with "
                        "cjkit.paths.read_events, or export it as CSV/Parquet", file=paths[0])
    if Path(paths[0]).suffix.lower() == ".zip":  # DuckDB reads .gz itself, but not zip archives
        raise DataError("out-of-core scans read plain or gzipped CSV, not zip archives; unzip the file "
                        "or read it with cjkit.paths.read_events", file=paths[0])
    sample = _text.read_sample(Path(paths[0]))
    encoding = _text.detect_encoding(sample, complete=len(sample) < _text.SAMPLE_BYTES, file=paths[0])
    text = _text.decode_sample(sample, encoding)
    delim = _text.sniff_delimiter(text)
    opts = f"header=true, delim={literal(delim)}"
    if _text.uses_decimal_comma(text, delim):
        opts += ", decimal_separator=','"
    if encoding.startswith("utf-16"):
        opts += ", encoding='utf-16'"
    elif encoding not in ("utf-8", "utf-8-sig", "ascii"):
        # DuckDB's built-in single-byte decoder; Windows-1252 differs from it only in 0x80-0x9F
        opts += ", encoding='latin-1'"
    return f"read_csv({lst}, {opts})"


def numbered(paths: list[str]) -> str:
    """A subquery of all rows with ``_file`` (0-based) and ``_row`` (1-based data row in its file).

    Parquet brings its row numbers; CSV rows are numbered in scan order, which DuckDB keeps while
    ``preserve_insertion_order`` is on (:func:`run` switches it on for CSV sources).
    """
    sc = scan(paths)
    if sc.startswith("read_parquet"):
        return f"(SELECT * EXCLUDE (file_row_number), file_index AS _file, file_row_number + 1 AS _row FROM {sc})"
    parts = [f"SELECT *, {i} AS _file, ROW_NUMBER() OVER () AS _row FROM {scan([p])}" for i, p in enumerate(paths)]
    return "(" + " UNION ALL BY NAME ".join(parts) + ")"


def resolve(paths: list[str], columns: dict | None, by=()) -> tuple[dict, dict]:
    """cjkit name -> source column (optional ones None when absent) and source column -> DuckDB type.

    Checked before the scan, so a wrong column name gets a cjkit error naming file and column
    instead of a DuckDB binder message.
    """
    cols = {**COLUMNS, **(columns or {})}
    types = dict(_describe(_stamp(paths)))
    for name in ["customer_id", "timestamp", "channel", *by]:
        col = cols.get(name, name)
        if col not in types:
            raise DataError(f"column for '{name}' not found; pass columns={{'{name}': '<your column>'}}; "
                            f"available: {', '.join(types)}", file=paths[0], column=col)
    for name in OPTIONAL:
        if cols.get(name) not in types:
            if columns and name in columns:
                raise DataError(f"column for '{name}' not found; available: {', '.join(types)}",
                                file=paths[0], column=cols[name])
            cols[name] = None
    return cols, types


@functools.lru_cache(maxsize=64)
def _describe(stamp: tuple) -> tuple:
    """Column names and DuckDB types of the files (sniffed once per file version)."""
    import duckdb

    paths = [s[0] for s in stamp]
    try:
        desc = duckdb.connect().sql(f"DESCRIBE SELECT * FROM {scan(paths)}").fetchall()
    except duckdb.Error as exc:
        raise DataError(f"DuckDB cannot read the file: {str(exc).splitlines()[0][:200]}", file=paths[0]) from None
    return tuple((r[0], r[1]) for r in desc)


def _txt(col: str) -> str:
    return f"NULLIF(TRIM(CAST({ident(col)} AS VARCHAR)), '')"


def _words(words) -> str:
    return ", ".join(literal(w) for w in sorted(words) if w)


def bucket_filter(cust_col: str, bucket: tuple[int, int] | None, identity_map: bool = False) -> str:
    """WHERE clause keeping the rows of customer bucket ``bucket = (b, n)``: hash of the customer id mod n = b.

    The id is the stitched one when an identity map is used, so a customer's devices share a bucket;
    rows without an id fall in bucket 0 (they are excluded later in every bucket's checks anyway).
    """
    if bucket is None or bucket[1] <= 1:
        return ""
    b, n = int(bucket[0]), int(bucket[1])
    raw = f"NULLIF(TRIM(CAST(n_.{ident(cust_col)} AS VARCHAR)), '')"
    key = (f"COALESCE((SELECT m_.customer_id FROM {ID_MAP} m_ WHERE m_.id = {raw}), {raw})"
           if identity_map else raw)
    return f"WHERE COALESCE(hash({key}) % {n}, 0) = {b}"


def checked_sql(paths: list[str], columns: dict | None, by=(), *, drop_duplicates: bool = True,
                bucket: tuple[int, int] | None = None, identity_map: bool = False) -> str:
    """CTEs ``typed`` (every row, typed, ``why`` = first failed check or NULL) and ``kept``.

    With ``bucket=(b, n)`` only the customers of bucket *b* of *n* are read (:func:`bucket_filter`):
    duplicates and journeys never span customers, so each bucket's journeys are exact.
    """
    cols, types = resolve(paths, columns, by)

    def typ(col):
        return types[col].upper()

    # typed columns skip the text round trip (the costly part on large files)
    tcol = cols["timestamp"]
    if typ(tcol).startswith("TIMESTAMP") or typ(tcol) == "DATE":
        ts, ts_missing = f"CAST({ident(tcol)} AS TIMESTAMPTZ)", f"{ident(tcol)} IS NULL"
    else:
        ts, ts_missing = f"TRY_CAST({_txt(tcol)} AS TIMESTAMPTZ)", f"{_txt(tcol)} IS NULL"
    c = cols["conversion"]
    if c is None:
        conv = "0"
    elif typ(c) == "BOOLEAN":
        conv = f"COALESCE(CAST({ident(c)} AS INTEGER), 0)"
    elif _NUMERIC.match(typ(c)):
        conv = f"CASE WHEN {ident(c)} IS NULL THEN 0 WHEN {ident(c)} IN (0, 1) THEN CAST({ident(c)} AS INTEGER) END"
    else:
        low = f"LOWER({_txt(c)})"
        conv = (f"CASE WHEN {low} IS NULL THEN 0 WHEN {low} IN ({_words(TRUE_WORDS)}) THEN 1 "
                f"WHEN {low} IN ({_words(FALSE_WORDS)}) THEN 0 END")
    v = cols["value"]
    if v is None:
        val, bad_val = "0.0", "FALSE"
    elif _NUMERIC.match(typ(v)):
        val, bad_val = f"CAST({ident(v)} AS DOUBLE)", "FALSE"
    else:
        val = f"TRY_CAST({_txt(v)} AS DOUBLE)"
        bad_val = f"({_txt(v)} IS NOT NULL AND {val} IS NULL)"
    opt = {n: (_txt(cols[n]) if cols[n] else "CAST(NULL AS VARCHAR)") for n in ("event", "session_id")}
    seg = "".join(f", {_txt(b)} AS {ident(b)}" for b in by)
    raw_text = {n: (f"CAST({ident(cols[n])} AS VARCHAR)" if cols[n] else "CAST(NULL AS VARCHAR)")
                for n in ("timestamp", "conversion", "value")}
    # checked rows form their own partition, so one pass numbers the duplicates among them
    dup = ("ROW_NUMBER() OVER (PARTITION BY why IS NULL, customer_id, ts, channel, event, conversion, value "
           "ORDER BY _file, _row) > 1" if drop_duplicates else "FALSE")
    return f"""
    typed0 AS (
        SELECT _file, _row, {_txt(cols['customer_id'])} AS customer_id, {_txt(cols['channel'])} AS channel,
               {ts_missing} AS ts_missing, {ts} AS ts, {conv} AS conversion,
               {raw_text['timestamp']} AS ts_text, {raw_text['conversion']} AS conv_text,
               {raw_text['value']} AS value_text,
               COALESCE({val}, 0.0) AS value, {bad_val} AS bad_value, {opt['event']} AS event,
               {opt['session_id']} AS session_id{seg}
        FROM {numbered(paths)} n_ {bucket_filter(cols['customer_id'], bucket, identity_map)}
    ),
    typed1 AS (
        SELECT *, CASE WHEN customer_id IS NULL THEN 'missing_customer_id'
                       WHEN channel IS NULL THEN 'missing_channel'
                       WHEN ts_missing THEN 'missing_timestamp'
                       WHEN ts IS NULL THEN 'bad_timestamp'
                       WHEN conversion IS NULL THEN 'bad_conversion'
                       WHEN bad_value THEN 'not_a_number' END AS why
        FROM typed0
    ),
    typed AS (
        SELECT * EXCLUDE (why), COALESCE(why, CASE WHEN {dup} THEN 'duplicate_event' END) AS why FROM typed1
    ),
    kept AS (SELECT * EXCLUDE (why, ts_missing, ts_text, bad_value, conv_text, value_text) FROM typed WHERE why IS NULL)"""


def journeys_sql(paths: list[str], columns: dict | None, by=(), *, drop_duplicates: bool = True,
                 split_on_conversion: bool = True, split_sessions: bool = False, session_timeout=None,
                 lookback=None, conversion_window=None, with_path: bool = False, identity_map: bool = False,
                 bucket: tuple[int, int] | None = None) -> str:
    """CTEs up to ``steps`` (one row per touch with journey_id and step) and ``journeys``."""
    q = ident
    order = "ts, conversion, _file, _row"  # the tie rule
    brk = []
    if split_on_conversion:
        brk.append("LAG(conversion) OVER w = 1")
    if split_sessions:
        brk.append("LAG(session_id) OVER w IS DISTINCT FROM session_id")
    if session_timeout is not None:
        brk.append(f"epoch(ts) - epoch(LAG(ts) OVER w) > {duration_seconds(session_timeout, 'session_timeout')}")
    brk_sql = " OR ".join(f"COALESCE({b}, FALSE)" for b in brk) or "FALSE"
    cut = []
    if lookback is not None:
        cut.append(f"epoch(j_end) - epoch(ts) <= {duration_seconds(lookback, 'lookback')}")
    cut_sql = " AND ".join(cut) or "TRUE"
    win = (f"CASE WHEN epoch(j_end) - epoch(j_start) > {duration_seconds(conversion_window, 'conversion_window')} "
           "THEN 0 ELSE 1 END") if conversion_window is not None else "1"
    segs = "".join(f", FIRST({q(b)} ORDER BY step) AS {q(b)}" for b in by)
    path = ", string_agg(channel, ' > ' ORDER BY step) AS path" if with_path else ""
    kept = checked_sql(paths, columns, by, drop_duplicates=drop_duplicates, bucket=bucket, identity_map=identity_map)
    return f"""{kept},
    -- identity stitching after the checks, as stitch_identities after read_events
    src AS ({f"SELECT k.* REPLACE (COALESCE(m.customer_id, k.customer_id) AS customer_id) FROM kept k "
             f"LEFT JOIN {ID_MAP} m ON k.customer_id = m.id" if identity_map else "SELECT * FROM kept"}),
    b AS (SELECT *, CASE WHEN LAG(customer_id) OVER w IS NOT NULL AND ({brk_sql}) THEN 1 ELSE 0 END AS _brk FROM src
          WINDOW w AS (PARTITION BY customer_id ORDER BY {order})),
    j AS (SELECT *, customer_id || '#' || CAST(1 + SUM(_brk) OVER (PARTITION BY customer_id ORDER BY {order}
                 ROWS UNBOUNDED PRECEDING) AS VARCHAR) AS journey_id FROM b),
    cut AS ({"SELECT * EXCLUDE (j_end) FROM (SELECT *, MAX(ts) OVER (PARTITION BY journey_id) AS j_end FROM j) "
             f"WHERE {cut_sql}" if lookback is not None else "SELECT * FROM j"}),
    steps AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY journey_id ORDER BY {order}) AS step FROM cut),
    journeys0 AS (
        SELECT journey_id, ANY_VALUE(customer_id) AS customer_id, COUNT(*) AS n_steps,
               MAX(conversion) AS conv, SUM(value) AS value0, MIN(ts) AS j_start, MAX(ts) AS j_end,
               ARG_MIN(channel, step) AS first_channel, ARG_MAX(channel, step) AS last_channel{segs}{path}
        FROM steps GROUP BY journey_id
    ),
    journeys AS (
        SELECT * EXCLUDE (conv, value0), CAST(conv * {win} AS DOUBLE) AS conversions,
               1.0 - conv * {win} AS nulls, value0 * {win} AS value
        FROM journeys0
    )"""


def run(con, sql: str, paths: list[str] | None = None, tables: dict | None = None) -> pd.DataFrame:
    """Run *sql* on *con* (a fresh UTC connection if None) with *tables* (name -> frame) registered."""
    import duckdb

    con = pin(con) if con is not None else connect()
    for name, frame in (tables or {}).items():
        con.register(name, frame)
    csv = bool(paths) and not scan(paths[:1]).startswith("read_parquet")
    setting = con.sql("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
    if csv:  # CSV row numbers follow the scan order only while insertion order is preserved
        con.execute("SET preserve_insertion_order = true")
    try:
        return con.sql(sql).df()
    except duckdb.Error as exc:
        raise DataError(f"DuckDB could not process the event files: {str(exc).splitlines()[0][:300]}") from None
    finally:
        con.execute(f"SET preserve_insertion_order = {setting}")
        for name in tables or {}:
            con.unregister(name)
