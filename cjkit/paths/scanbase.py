"""The connection and the journey SQL every file-side path function starts from.

:func:`scan_connection` gives a DuckDB connection pinned to UTC that spills to disk beyond its
memory limit; ``_steps_sql`` turns a source, its columns, segments and journey rules into the
SQL of the journeys (:func:`cjkit.paths.eventsql.journeys_sql`), one customer bucket at a time.
``rules`` is a dict of the journey rules of :func:`cjkit.io.events.events_to_steps`
(``split_on_conversion``, ``split_sessions``, ``session_timeout``, ``lookback``,
``conversion_window``) plus ``drop_duplicates`` and ``identity_map`` (a frame with columns ``id`` and
``customer_id``, as :func:`cjkit.paths.stitch_identities`: device/cookie ids become customers).
"""
from __future__ import annotations

import pandas as pd

from cjkit.errors import ParameterError
from cjkit.paths import buckets as _buckets
from cjkit.paths import eventsql as _sql
from cjkit.paths import stitching as _stitch

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
