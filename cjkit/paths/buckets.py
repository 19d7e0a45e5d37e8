"""Customer buckets: event logs of any size in bounded memory, with results identical to one pass.

A journey never spans customers, so the customers can be split into *n* buckets by a hash of
their id (:func:`cjkit.paths.eventsql.bucket_filter`), the journeys of each bucket built on their
own, and the aggregates combined: path counts, transitions and funnel counts are sums, so the
combined result equals the one-pass result; anything order-dependent (sorting, probabilities,
shares) is computed once at the end.

**How many buckets** (:func:`bucket_count`): the journey query holds about :data:`ROW_BYTES` bytes
per event row in sorts, windows and the ordered path aggregate, parts of which DuckDB cannot spill.
So ``n = ceil(rows * ROW_BYTES / memory_limit)``, with *rows* read from the Parquet metadata (CSV:
file size / :data:`CSV_ROW_BYTES`, five times that for gzip) and *memory_limit* the connection's
DuckDB setting. At 4 GB that is one bucket up to 2.5M rows and 21 at 50M rows. Each bucket scans the
files again, so more buckets cost time, not memory; set the number yourself with
``scan_connection(buckets=...)``.
"""
from __future__ import annotations

import logging
import math
import re
from pathlib import Path

import pandas as pd

from cjkit.errors import ParameterError
from cjkit.paths import eventsql as _sql

log = logging.getLogger("cjkit.paths.buckets")
# measured on the 50M-event benchmark log at memory_limit 4GB under an 8 GB address-space cap:
# 20 buckets (2.5M rows each) ran, 11 buckets (4.5M rows each) aborted out of memory
ROW_BYTES = 1600
CSV_ROW_BYTES = 40  # a short CSV event row; smaller than most, so the row estimate errs high
VARIABLE = "cj_buckets"  # DuckDB variable that holds a fixed bucket count (scan_connection(buckets=))
_UNITS = {"": 1, "b": 1, "bytes": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
          "kib": 2 ** 10, "mib": 2 ** 20, "gib": 2 ** 30, "tib": 2 ** 40}


def set_count(con, buckets) -> None:
    """Fix the bucket count of *con* (None: chosen from the data by :func:`bucket_count`)."""
    if buckets is None:
        con.execute(f"RESET VARIABLE {VARIABLE}")
        return
    if isinstance(buckets, bool) or not isinstance(buckets, int) or buckets < 1:
        raise ParameterError("buckets", buckets, message=f"buckets must be a whole number >= 1 or None; "
                             f"received {buckets!r}")
    con.execute(f"SET VARIABLE {VARIABLE} = {int(buckets)}")


def memory_bytes(setting: str) -> float:
    """Bytes of a DuckDB memory setting such as ``'3.7 GiB'`` or ``'512MB'``."""
    m = re.fullmatch(r"\s*([\d.]+)\s*([A-Za-z]*)\s*", str(setting))
    if not m or m.group(2).lower() not in _UNITS:
        raise ParameterError("memory_limit", setting, message=f"memory limit not understood: {setting!r}")
    return float(m.group(1)) * _UNITS[m.group(2).lower()]


def estimate_rows(con, paths: list[str]) -> int:
    """Rows in *paths*: exact from Parquet metadata, estimated from the size for CSV."""
    if _sql.scan(paths[:1]).startswith("read_parquet"):
        lst = "[" + ", ".join(_sql.literal(p) for p in paths) + "]"
        return int(con.sql(f"SELECT COALESCE(SUM(num_rows), 0) FROM parquet_file_metadata({lst})").fetchall()[0][0])
    return int(sum(Path(p).stat().st_size * (5 if p.lower().endswith(".gz") else 1) for p in paths) / CSV_ROW_BYTES)


def bucket_count(source, *, con=None) -> int:
    """Number of customer buckets the path functions use for *source* on *con*.

    The count fixed by ``scan_connection(buckets=...)``, else the rule of the module description.

    Parameters
    ----------
    source : str, Path or list
        Event files (CSV or Parquet), globs allowed.
    con : duckdb connection, optional
        From :func:`cjkit.paths.bigpaths.scan_connection` (its memory limit counts).

    Returns
    -------
    int

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandas as pd
    >>> from cjkit.paths.bigpaths import scan_connection
    >>> from cjkit.paths.buckets import bucket_count
    >>> f = str(pathlib.Path(tempfile.mkdtemp()) / "events.parquet")
    >>> pd.DataFrame({"customer_id": ["u1"] * 1000}).to_parquet(f)
    >>> bucket_count(f, con=scan_connection(memory_limit="2MB")), bucket_count(f, con=scan_connection(buckets=3))
    (1, 3)
    """
    paths = _sql.files(source)
    con = _sql.pin(con) if con is not None else _sql.connect()
    fixed = con.sql(f"SELECT getvariable('{VARIABLE}')").fetchall()[0][0]
    if fixed is not None:
        return int(fixed)
    rows = estimate_rows(con, paths)
    limit = memory_bytes(con.sql("SELECT current_setting('memory_limit')").fetchall()[0][0])
    n = max(1, math.ceil(rows * ROW_BYTES / max(limit, 1.0)))
    if n > 1:
        log.info("%d event rows in %d customer buckets (memory limit %.1f GB)", rows, n, limit / 1e9)
    return n


def run_all(con, make_sql, paths: list[str], tables: dict | None = None) -> tuple[list[pd.DataFrame], int]:
    """Run ``make_sql(bucket)`` for every bucket of *paths*; the frames and the bucket count.

    ``make_sql`` receives ``None`` when one bucket suffices (the plain one-pass query).
    """
    con = _sql.pin(con) if con is not None else _sql.connect()
    n = bucket_count(paths, con=con)
    if n == 1:
        return [_sql.run(con, make_sql(None), paths, tables)], 1
    return [_sql.run(con, make_sql((b, n)), paths, tables) for b in range(n)], n


def combine(frames: list[pd.DataFrame], keys: list[str], sums: list[str]) -> pd.DataFrame:
    """Per-bucket aggregates summed per *keys* (missing keys kept as their own group)."""
    both = pd.concat(frames, ignore_index=True)
    if not keys:
        return both[sums].sum(min_count=1).to_frame().T.astype(both[sums].dtypes.to_dict())
    return both.groupby(keys, dropna=False, sort=False)[sums].sum(min_count=1).reset_index()
