"""Path counts over event logs larger than memory, with DuckDB: the file side of the path engine.

The event files (Parquet or CSV, a path, a glob such as ``events/*.parquet`` or a list) are
scanned by DuckDB, which sorts, windows and aggregates within a memory limit and spills to disk;
pandas only ever sees the aggregated results. The researcher functions of
:mod:`cjkit.paths.journeys` (``path_table``, ``transitions``, ``funnel`` ...) call these when
given a file instead of a DataFrame, and the results are identical, dtypes included. The rules
(checks, duplicates, tie rule, UTC, journey rules) are those of :mod:`cjkit.paths.eventsql`;
:func:`scan_ledger` lists every row they leave out in the shared ledger (:mod:`cjkit.quality.ledger`).

The connection and journey SQL live in :mod:`cjkit.paths.scanbase`, the ledger in
:mod:`cjkit.paths.scanledger`, the aggregations in :mod:`cjkit.paths.scans`; this module gathers them.

``rules`` is a dict of the journey rules of :func:`cjkit.io.events.events_to_steps`
(``split_on_conversion``, ``split_sessions``, ``session_timeout``, ``lookback``,
``conversion_window``) plus ``drop_duplicates`` and ``identity_map`` (a frame with columns ``id`` and
``customer_id``, as :func:`cjkit.paths.stitch_identities`: device/cookie ids become customers).
"""
from __future__ import annotations

from cjkit.paths import buckets as _buckets  # noqa: F401
from cjkit.paths import eventsql as _sql  # noqa: F401
from cjkit.paths.scanbase import RULES, SEP, UNITS, _as_string, _seg, _steps_sql, scan_connection  # noqa: F401
from cjkit.paths.scanledger import ScanLedger, _window_ledger, scan_ledger  # noqa: F401
from cjkit.paths.scans import (scan_funnel_counts, scan_path_lengths, scan_path_table,  # noqa: F401
                               scan_time_between_steps, scan_transitions)
