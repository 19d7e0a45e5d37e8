"""Read and validate journey event logs and aggregated path tables.

Two inputs describe multi-touch journeys:

* an **event log**: one row per touch (customer id, timestamp, channel, device, event,
  conversion flag, value, segment columns);
* a **path table**: one row per distinct path such as ``blog > organic_google > paid_google_cpc``
  with conversion counts, non-converting counts (``nulls``) and conversion value
  (the ChannelAttribution / pychattr layout).

Both are brought into one long *steps* form (``journey_id``, ``step``, ``channel``, journey weights)
that :mod:`cjkit.paths.journeys` and :mod:`cjkit.paths.attribution` consume. Rows that cannot be used are
never dropped silently: the readers return them in an ``excluded`` ledger with 1-based row and
reason, so that ``n_input == len(kept) + len(excluded)``.

Files are read by the survey side's readers (:mod:`cjkit.io.readers`: encoding, delimiter and
decimal comma detected; CSV, Excel, Parquet, also zipped or gzipped), and exclusions are
entries of the one data-quality ledger (:mod:`cjkit.quality.ledger`), rows ragged in the file
included.
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pandas as pd

from cjkit.errors import ParameterError
from cjkit.io.eventbase import (DUPLICATE_KEY, EVENT_ALIASES, FALSE_WORDS, PATH_ALIASES, SEP, TRUE_WORDS,  # noqa: F401
                                PathInput, _exclude, _ledger, _read_table, _resolve_columns, _text, log)
from cjkit.io.eventlog import _timestamps, _to_bool, read_events  # noqa: F401
from cjkit.io.pathtables import normalize_path, read_path_table  # noqa: F401
from cjkit.io.steps import events_to_steps, paths_to_steps, steps_and_ledger, steps_to_paths  # noqa: F401
from cjkit.quality import ledger as _ledger_mod


def resolve_input(path: str, *, base: str | Path | None = None) -> Path:
    """Resolve a (possibly relative) report parameter path robustly.

    Relative paths are tried against *base* (default: the project's ``notebooks`` folder, where
    report parameters are written relative to), then against the current working directory.
    Output paths that do not exist yet resolve against *base*.

    Parameters
    ----------
    path : str or Path
        The parameter value.
    base : str or Path, optional
        Folder relative paths are written against.

    Returns
    -------
    Path
        An absolute path.

    Examples
    --------
    >>> from cjkit.io.events import resolve_input
    >>> str(resolve_input("reports/new_run", base="/data"))  # not there yet: relative to base
    '/data/reports/new_run'
    >>> resolve_input("/tmp").is_absolute()
    True
    """
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    base = Path(base) if base is not None else Path(__file__).resolve().parents[2] / "notebooks"
    for cand in (base / p, Path.cwd() / p):
        if cand.exists():
            return cand.resolve()
    return (base / p).resolve()


class Journeys(NamedTuple):
    """Journeys ready for analysis.

    Attributes
    ----------
    paths : DataFrame
        The path table (path, conversions, nulls, value, n_journeys, segments).
    steps : DataFrame
        The long steps form (one row per touch).
    ledger : DataFrame
        Excluded input rows in the :mod:`cjkit.quality.ledger` format.
    n_input, n_kept : int
        Input rows and rows kept.
    source : str
        The file read (``<frame>`` for a DataFrame).
    """

    paths: pd.DataFrame
    steps: pd.DataFrame
    ledger: pd.DataFrame
    n_input: int
    n_kept: int
    source: str

    @property
    def summary(self) -> pd.DataFrame:
        """Row accounting (:func:`cjkit.quality.ledger.summary`); raises if a row is unaccounted for."""
        return _ledger_mod.summary(self.ledger, self.n_input, n_kept=self.n_kept)


def load_journeys(*, path_file="", event_file="", segments: list[str] | None = None,
                  base: str | Path | None = None, rules: dict | None = None) -> Journeys:
    """Load either an event log (*event_file*) or a path table (*path_file*) for the path report.

    Relative names resolve as in :func:`resolve_input`. Event logs keep their timestamps (time
    between steps) and *segments*; path tables carry their counts as journey weights.

    Parameters
    ----------
    path_file : str, Path or DataFrame
        Aggregated path table (:func:`read_path_table`); used when *event_file* is empty.
    event_file : str, Path or DataFrame
        Event log (:func:`read_events`).
    segments : list of str, optional
        Segment columns to carry along.
    base : str or Path, optional
        Folder relative file names are resolved against (default: ``notebooks``).
    rules : dict, optional
        Journey rules for event logs, the keywords of :func:`events_to_steps` (``split_sessions``,
        ``session_timeout``, ``lookback``, ``conversion_window``); path tables ignore them.

    Returns
    -------
    Journeys

    Raises
    ------
    ParameterError
        If neither file is given.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.io.events import load_journeys
    >>> j = load_journeys(path_file=pd.DataFrame({"path": ["a > b", ""], "conversions": [1, 0]}))
    >>> j.paths["path"].tolist(), j.steps["step"].tolist(), j.n_input, j.n_kept
    (['a > b'], [1, 2], 2, 1)
    """
    segments = list(segments or [])
    if isinstance(event_file, pd.DataFrame) or event_file:
        src = event_file if isinstance(event_file, pd.DataFrame) else resolve_input(event_file, base=base)
        loaded = read_events(src, segments=segments)
        steps, windows = steps_and_ledger(loaded.data, segments=segments, **(rules or {}),
                                          file=None if isinstance(src, pd.DataFrame) else str(src))
        n_left_out = int((windows["action"] == "excluded").sum())
        return Journeys(steps_to_paths(steps, segments=segments), steps, _ledger_mod.concat(loaded.ledger, windows),
                        loaded.n_input, len(loaded.data) - n_left_out,
                        "<frame>" if isinstance(src, pd.DataFrame) else str(src))
    if isinstance(path_file, pd.DataFrame) or path_file:
        src = path_file if isinstance(path_file, pd.DataFrame) else resolve_input(path_file, base=base)
        loaded = read_path_table(src, segments=segments)
        return Journeys(loaded.data, paths_to_steps(loaded.data, segments=segments), loaded.ledger,
                        loaded.n_input, len(loaded.data), "<frame>" if isinstance(src, pd.DataFrame) else str(src))
    raise ParameterError("path_file", path_file,
                         message="give path_file (aggregated path table) or event_file (event log)")
