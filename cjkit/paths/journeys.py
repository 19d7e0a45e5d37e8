"""Path analysis of customer journeys: common paths, phase funnel, transitions, timing, lengths, loops.

This module gathers the path functions of :mod:`cjkit.paths.pathbase` (path table, common paths,
summary), :mod:`cjkit.paths.stagefunnel` (phase funnel), :mod:`cjkit.paths.steptables` (transitions,
time between steps, lengths) and :mod:`cjkit.paths.loopsflows` (loops, flows) under one name.

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

from cjkit.paths.loopsflows import flows, loops  # noqa: F401
from cjkit.paths.pathbase import (CONV, NULL, START, UNMAPPED, _file_node, _from_files, _journeys,  # noqa: F401
                                  _prep, common_paths, is_files, path_summary, path_table)
from cjkit.paths.stagefunnel import _funnel_table, funnel  # noqa: F401
from cjkit.paths.steptables import path_lengths, time_between_steps, transitions  # noqa: F401
