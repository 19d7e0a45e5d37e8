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

import logging
import re
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.io import journey_rules as _rules
from cjkit.io import readers
from cjkit.quality import ledger as _ledger_mod

log = logging.getLogger("cjkit.io.events")

SEP = " > "
# Source column names researchers' exports commonly use, mapped to cjkit's names.
EVENT_ALIASES = {
    "customer_id": ["customer_id", "user_id", "visitor_id", "client_id", "heap_user_id", "cookie_id", "kunde"],
    "session_id": ["session_id", "visit_id", "sitzung"],
    "timestamp": ["timestamp", "time", "event_time", "datetime", "date", "zeitpunkt"],
    "channel": ["channel", "touchpoint", "source", "kanal"],
    "device": ["device", "device_type", "geraet"],
    "event": ["event", "event_name", "action"],
    "conversion": ["conversion", "converted", "is_conversion", "konversion"],
    "value": ["value", "revenue", "conversion_value", "mrr", "umsatz"],
}
PATH_ALIASES = {
    "path": ["path", "paths", "journey"],
    "conversions": ["total_conversions", "conversions", "conversion"],
    "nulls": ["total_null", "total_nulls", "nulls", "null"],
    "value": ["total_conversion_value", "conversion_value", "value", "revenue", "total_revenue"],
}
TRUE_WORDS = frozenset({"1", "1.0", "true", "yes", "ja", "y", "t"})
FALSE_WORDS = frozenset({"0", "0.0", "false", "no", "nein", "n", "f", ""})
DUPLICATE_KEY = ["customer_id", "timestamp", "channel", "event", "conversion", "value"]


class PathInput(NamedTuple):
    """What :func:`read_events` and :func:`read_path_table` return.

    Attributes
    ----------
    data : DataFrame
        The usable rows.
    ledger : DataFrame
        Excluded rows in the :mod:`cjkit.quality.ledger` format (file, row, column, check, reason, ...).
    n_input : int
        Data rows in the input, so that ``n_input == len(data) + excluded rows``.
    """

    data: pd.DataFrame
    ledger: pd.DataFrame
    n_input: int

    @property
    def summary(self) -> pd.DataFrame:
        """Row accounting (:func:`cjkit.quality.ledger.summary`); raises if a row is unaccounted for."""
        return _ledger_mod.summary(self.ledger, self.n_input, n_kept=len(self.data))


# Readers whose format is decided by the file itself; every other text file is read as plain
# delimited text (the survey-platform probes would mistake e.g. an event log whose first column
# is "timestamp" for a Google Forms export).
_OWN_FORMAT = ("excel", "parquet")


def _read_table(source) -> tuple[pd.DataFrame, pd.DataFrame, int, str | None]:
    """The raw table with the 1-based data row as index, the reader's ledger entries, n_input and file."""
    if isinstance(source, pd.DataFrame):
        raw = source.reset_index(drop=True)
        return raw.set_axis(pd.RangeIndex(1, len(raw) + 1), axis=0), _ledger_mod.empty(), len(raw), None
    path = Path(source)
    fmt = readers.detect(path)  # DataError for a missing file or one that is no data table
    res = readers.read(path, format=fmt if fmt in _OWN_FORMAT else "csv")
    issues, parts = res.meta["issues"], []
    for (check, action), grp in issues.groupby(["check", "action"], sort=False) if len(issues) else []:
        parts.append(_ledger_mod.entries(file=str(path), rows=grp["row"].astype(int), check=check, action=action,
                                         reason=grp["reason"].to_numpy(), column=grp["column"].to_numpy(),
                                         old_values=grp["old_value"].to_numpy()))
    n_input = int(res.meta["n_input"] if res.meta["n_input"] is not None else len(res.wide))
    return res.wide, _ledger_mod.concat(*parts), n_input, str(path)


def _text(s: pd.Series) -> pd.Series:
    """Identifiers and names as text, blanks as missing.

    The readers type columns; a numeric id column with a gap comes back as float, and its ids
    must stay ``"17"``, not ``"17.0"``.
    """
    if pd.api.types.is_float_dtype(s) and (s.dropna() % 1 == 0).all():
        s = s.astype("Int64")
    return s.astype("string").str.strip().replace("", pd.NA)


def _resolve_columns(frame: pd.DataFrame, aliases: dict, columns: dict | None, required, file) -> dict:
    """Map cjkit names to source columns: explicit *columns* first, then known aliases."""
    columns = dict(columns or {})
    lower = {str(c).lower(): c for c in frame.columns}
    out = {}
    for name, candidates in aliases.items():
        if name in columns:
            if columns[name] not in frame.columns:
                raise DataError(f"column for '{name}' not found; available: {', '.join(map(str, frame.columns))}",
                                file=file, column=columns[name])
            out[name] = columns[name]
            continue
        hit = next((lower[c] for c in candidates if c in lower), None)
        if hit is not None:
            out[name] = hit
    missing = [r for r in required if r not in out]
    if missing:
        raise DataError(f"required column(s) {', '.join(missing)} missing; pass columns={{'{missing[0]}': "
                        f"'<your column>'}}; available: {', '.join(map(str, frame.columns))}", file=file)
    return out


def _exclude(parts: list, mask: pd.Series, column: str, check: str, reason: str, values: pd.Series,
             file=None, ids: pd.Series | None = None) -> pd.Series:
    """Record rows in *mask* (index = 1-based data row) in the ledger; return the still-kept mask."""
    if mask.any():
        idx = mask[mask].index  # the index is the 1-based data row of the file
        parts.append(_ledger_mod.entries(file=file, rows=idx.tolist(), check=check, action="excluded",
                                         reason=reason, column=column, old_values=values.loc[idx].tolist(),
                                         respondent_ids=None if ids is None else ids.loc[idx].tolist()))
    return ~mask


def _ledger(parts: list) -> pd.DataFrame:
    led = _ledger_mod.concat(*parts)
    return led.sort_values("row", kind="stable").reset_index(drop=True)


def normalize_path(path: pd.Series, *, sep: str = ">") -> pd.Series:
    """Canonical path strings: channels stripped of blanks and joined with ``" > "``.

    Parameters
    ----------
    path : Series
        Path strings as in the source.
    sep : str
        Separator between channels in the source.

    Returns
    -------
    Series
        string dtype; missing paths stay missing.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.io.events import normalize_path
    >>> normalize_path(pd.Series(["a>b", " a >  b "])).tolist()
    ['a > b', 'a > b']
    """
    parts = path.astype("string").str.split(re.escape(sep), regex=True)
    return parts.map(lambda toks: SEP.join(t.strip() for t in toks if t.strip()) if isinstance(toks, list) else pd.NA,
                     na_action="ignore").astype("string")


def read_path_table(source, *, columns: dict | None = None, sep: str = ">", allow_negative: bool = False,
                    segments: list[str] | None = None) -> PathInput:
    """Read an aggregated path table (ChannelAttribution / pychattr layout).

    Parameters
    ----------
    source : str, Path or DataFrame
        CSV/TSV (delimiter and encoding detected, also zipped or gzipped), Excel, Parquet, or a frame.
    columns : dict, optional
        cjkit name -> source column for ``path``, ``conversions``, ``nulls``, ``value``; by default
        ``total_conversions``/``conversions``, ``total_null``, ``total_conversion_value``/``value``.
    sep : str
        Separator between channels in the source.
    allow_negative : bool
        Keep negative counts (pychattr's example uses ``-1`` as corrections); otherwise excluded.
    segments : list of str, optional
        Extra columns to carry along.

    Returns
    -------
    PathInput
        ``data`` with columns path, conversions, nulls, value, n_journeys (+ segments);
        ``ledger``: the excluded rows in the :mod:`cjkit.quality.ledger` format.

    Raises
    ------
    DataError
        Missing file, unreadable file, or no path / conversions column (the message lists the columns).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.io.events import read_path_table
    >>> t = pd.DataFrame({"path": ["a>b", "b", ""], "conversions": [2, 1, 1]})
    >>> res = read_path_table(t)
    >>> res.data[["path", "conversions", "nulls"]].values.tolist()
    [['a > b', 2.0, 0.0], ['b', 1.0, 0.0]]
    >>> res.ledger[["row", "reason"]].values.tolist()
    [[3, 'empty path']]
    """
    raw, reader_ledger, n_input, file = _read_table(source)
    cols = _resolve_columns(raw, PATH_ALIASES, columns, ["path", "conversions"], file)
    ledger, keep = [reader_ledger], pd.Series(True, index=raw.index)
    out = pd.DataFrame({"path": normalize_path(_text(raw[cols["path"]]), sep=sep)}, index=raw.index)
    keep &= _exclude(ledger, out["path"].isna() | (out["path"] == ""), cols["path"], "empty_path", "empty path",
                     raw[cols["path"]], file)
    for name in ("conversions", "nulls", "value"):
        if name not in cols:
            out[name] = 0.0
            continue
        num = pd.to_numeric(raw[cols[name]], errors="coerce").astype("float64")
        bad = keep & num.isna() & raw[cols[name]].notna()
        keep &= _exclude(ledger, bad, cols[name], "not_a_number", f"{name} is not a number", raw[cols[name]], file)
        if not allow_negative:
            keep &= _exclude(ledger, keep & (num < 0), cols[name], "negative_count",
                             f"negative {name} (allow_negative=False)", raw[cols[name]], file)
        out[name] = num.fillna(0.0)
    for s in segments or []:
        if s not in raw.columns:
            raise DataError("segment column not found", file=file, column=s)
        out[s] = _text(raw[s])
    out["n_journeys"] = out["conversions"] + out["nulls"]
    excluded = _ledger(ledger)
    if len(excluded):
        log.warning("%s: %d path rows excluded (see ledger)", file or "path table", len(excluded))
    return PathInput(out[keep].reset_index(drop=True), excluded, n_input)


def _to_bool(s: pd.Series) -> pd.Series:
    low = _text(s).str.lower()
    return pd.Series(np.where(low.isin(TRUE_WORDS), 1.0, np.where(low.isin(FALSE_WORDS) | low.isna(), 0.0, np.nan)),
                     index=s.index)


def _timestamps(raw: pd.Series) -> pd.Series:
    """Instants in UTC, parsed row by row (ISO 8601, each row with its own offset or none = UTC)."""
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        return raw.dt.tz_convert("UTC")
    if pd.api.types.is_datetime64_any_dtype(raw):
        return raw.dt.tz_localize("UTC")
    text = _text(raw)
    # per element: mixed offsets (exports across a daylight-saving change) are fine, never a ValueError
    return pd.to_datetime(text, errors="coerce", format="ISO8601", utc=True)


def read_events(source, *, columns: dict | None = None, segments: list[str] | None = None,
                drop_duplicates: bool = True, tz: str = "UTC") -> PathInput:
    """Read and validate an event log (CSV/TSV, Excel, Parquet, or a frame).

    Rows without customer id, timestamp or channel, with an unreadable timestamp, conversion flag or
    value, and duplicates are excluded into the ledger with their 1-based row and reason. Text is
    trimmed. Timestamps are ISO 8601; each row may carry its own UTC offset (``+01:00``/``+02:00``
    across a daylight-saving change); times without offset count as UTC. All computing is in UTC;
    *tz* is only the zone the returned timestamps are shown in. Conversion flags read
    ``1/0/true/false/yes/no/ja/nein`` (blank = 0); other values (``2``) are excluded. Duplicates
    are rows with the same customer, time, channel, event, conversion and value: two purchases in
    the same second with different values are both kept.

    Parameters
    ----------
    source : str, Path or DataFrame
        The event log; files are read by :mod:`cjkit.io.readers` (encoding and delimiter detected).
    columns : dict, optional
        cjkit name -> source column for ``customer_id``, ``session_id``, ``timestamp``, ``channel``,
        ``device``, ``event``, ``conversion``, ``value``; by default common export names
        (``user_id``, ``time``, ``converted``, ``revenue``, ...) are recognised.
    segments : list of str, optional
        Extra columns to carry along (e.g. ``device`` for results per segment).
    drop_duplicates : bool
        Exclude repeated events (same customer, time, channel, event, conversion and value); the
        first in file order is kept.
    tz : str
        Display zone of the returned ``timestamp`` column (an IANA name such as ``Europe/Berlin``).

    Returns
    -------
    PathInput
        ``data`` with columns customer_id, session_id, timestamp, channel, device, event,
        conversion (int 0/1), value (float64), the segment columns and row (the 1-based input
        row), sorted by customer and the
        tie rule (time, a conversion after other touches at the same time, then file order);
        ``ledger``: the excluded rows.

    Raises
    ------
    DataError
        Missing file, unreadable file, or a required column missing (the message lists the columns).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.io.events import read_events
    >>> ev = pd.DataFrame({"user_id": ["u1", "u1", None], "time": ["2024-01-01", "2024-01-02", "2024-01-01"],
    ...                    "channel": ["email", "search", "email"], "converted": [0, 1, 0]})
    >>> res = read_events(ev)
    >>> len(res.data), res.ledger[["row", "reason"]].values.tolist()
    (2, [[3, 'missing customer_id']])
    >>> res.summary[["n_input", "n_kept", "n_excluded"]].values.tolist()
    [[3, 2, 1]]
    """
    raw, reader_ledger, n_input, file = _read_table(source)
    cols = _resolve_columns(raw, EVENT_ALIASES, columns, ["customer_id", "timestamp", "channel"], file)
    ledger, keep = [reader_ledger], pd.Series(True, index=raw.index)
    out = pd.DataFrame(index=raw.index)
    for name in ("customer_id", "session_id", "channel", "device", "event"):
        if name in cols:
            out[name] = _text(raw[cols[name]])
        else:
            out[name] = pd.Series(pd.NA, index=raw.index, dtype="string")
    ids = out["customer_id"]
    for name in ("customer_id", "channel"):
        keep &= _exclude(ledger, keep & out[name].isna(), cols[name], f"missing_{name}", f"missing {name}",
                         raw[cols[name]], file, ids)
    ts_raw = raw[cols["timestamp"]]
    ts = _timestamps(ts_raw)
    keep &= _exclude(ledger, keep & _text(ts_raw).isna(), cols["timestamp"], "missing_timestamp",
                     "missing timestamp", ts_raw, file, ids)
    keep &= _exclude(ledger, keep & ts.isna(), cols["timestamp"], "bad_timestamp",
                     "timestamp not readable as date/time", ts_raw, file, ids)
    out["timestamp"] = ts
    if "conversion" in cols:
        conv = _to_bool(raw[cols["conversion"]])
        keep &= _exclude(ledger, keep & conv.isna(), cols["conversion"], "bad_conversion",
                         "conversion is not 0/1/true/false", raw[cols["conversion"]], file, ids)
        out["conversion"] = conv.fillna(0).astype("int64")
    else:
        out["conversion"] = 0
    if "value" in cols:
        vtext = raw[cols["value"]] if pd.api.types.is_numeric_dtype(raw[cols["value"]]) else _text(raw[cols["value"]])
        val = pd.to_numeric(vtext, errors="coerce").astype("float64")
        keep &= _exclude(ledger, keep & val.isna() & vtext.notna(), cols["value"], "not_a_number",
                         "value is not a number", raw[cols["value"]], file, ids)
        out["value"] = val.fillna(0.0)
    else:
        out["value"] = 0.0
    for s in segments or []:
        if s not in raw.columns:
            raise DataError("segment column not found", file=file, column=s)
        out[s] = _text(raw[s])
    if drop_duplicates:
        dup = out.loc[keep, DUPLICATE_KEY].duplicated(keep="first").reindex(out.index, fill_value=False)
        keep &= _exclude(ledger, dup, cols["customer_id"], "duplicate_event",
                         "duplicate event (same customer, time, channel, event, conversion, value)",
                         raw[cols["customer_id"]], file, ids)
    excluded = _ledger(ledger)
    if len(excluded):
        log.warning("%s: %d of %d event rows excluded (see ledger)", file or "event log", len(excluded), n_input)
    out["row"] = out.index.astype("int64")  # the 1-based input row: file order for ties, rows for the ledger
    data = _rules.order_touches(out[keep])
    data["timestamp"] = data["timestamp"].dt.tz_convert(tz)
    return PathInput(data, excluded, n_input)


def events_to_steps(events: pd.DataFrame, *, split_on_conversion: bool = True,
                    segments: list[str] | None = None, split_sessions: bool = False, session_timeout=None,
                    lookback=None, conversion_window=None) -> pd.DataFrame:
    """Turn a validated event log into the long *steps* form, one row per touch of a journey.

    A journey is a customer's touches in time order (ties: a conversion after other touches at
    the same time, then the frame's order); with *split_on_conversion* every conversion ends a
    journey and the next touch starts a new one (ChannelAttribution's convention). The journey
    rules of :mod:`cjkit.io.journey_rules` cut journeys further; durations are pandas offsets
    (``"30min"``, ``"24h"``, ``"7D"``).

    Parameters
    ----------
    events : DataFrame
        ``data`` of :func:`read_events` (customer_id, timestamp, channel, conversion, value, ...).
    split_on_conversion : bool
        End a journey at each conversion; otherwise a customer's touches form one journey.
    segments : list of str, optional
        Segment columns to carry along (taken from the journey's first touch).
    split_sessions : bool
        Also end a journey where the ``session_id`` changes.
    session_timeout : str or Timedelta, optional
        Also end a journey after this long without a touch (inactivity timeout).
    lookback : str or Timedelta, optional
        Leave out touches longer than this before the journey's last touch (the conversion).
    conversion_window : str or Timedelta, optional
        Credit a conversion only if it comes at most this long after the journey's first touch.

    Returns
    -------
    DataFrame
        journey_id, customer_id, step (1-based), n_steps, channel, timestamp, device, event,
        conversions, nulls, value (journey totals, repeated on each step) and the segment columns
        (taken from the journey's first touch).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.io.events import events_to_steps
    >>> ev = pd.DataFrame({"customer_id": ["a", "a", "a"], "timestamp": pd.to_datetime(["2024-01-01",
    ...     "2024-01-02", "2024-01-03"]), "channel": ["x", "y", "x"], "conversion": [0, 1, 0], "value": [0, 5.0, 0]})
    >>> events_to_steps(ev)[["journey_id", "step", "channel", "conversions"]].values.tolist()
    [['a#1', 1, 'x', 1.0], ['a#1', 2, 'y', 1.0], ['a#2', 1, 'x', 0.0]]
    """
    return steps_and_ledger(events, split_on_conversion=split_on_conversion, segments=segments,
                            split_sessions=split_sessions, session_timeout=session_timeout, lookback=lookback,
                            conversion_window=conversion_window)[0]


def steps_and_ledger(events: pd.DataFrame, *, split_on_conversion: bool = True,
                     segments: list[str] | None = None, split_sessions: bool = False, session_timeout=None,
                     lookback=None, conversion_window=None, file=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`events_to_steps` and the ledger entries of its windows (:func:`cjkit.io.journey_rules.rule_entries`).

    Touches left out by *lookback* are ``outside_lookback`` exclusions; conversions not credited
    under *conversion_window* are ``outside_conversion_window`` changes (1 -> 0), each with its
    input row (``row`` of :func:`read_events`, else the 1-based position in *events*).
    """
    ev = _rules.order_touches(events.assign(row=events["row"] if "row" in events else range(1, len(events) + 1)))
    jnum = _rules.journey_numbers(ev, split_on_conversion=split_on_conversion, split_sessions=split_sessions,
                                  session_timeout=session_timeout)
    ev["journey_id"] = (ev["customer_id"].astype("string") + "#" + jnum.astype("string")).astype("string")
    inside = _rules.within_lookback(ev, ev["journey_id"], lookback)
    outside = ev.loc[~inside, ["row", "customer_id"]]
    if not inside.all():
        log.info("%d touches outside the lookback window of %s left out (see ledger)", int((~inside).sum()), lookback)
        ev = ev[inside].reset_index(drop=True)
    g = ev.groupby("journey_id", sort=False)
    ev["step"] = g.cumcount() + 1
    ev["n_steps"] = g["step"].transform("size")
    conv = g["conversion"].transform("max").astype("float64") if "conversion" in ev else 0.0
    ok = (_rules.credited(g["timestamp"].transform("min"), g["timestamp"].transform("max"), conversion_window)
          if conversion_window is not None else 1)
    lost = ev.loc[(ev["conversion"] == 1) & (pd.Series(ok, index=ev.index) == 0), ["row", "customer_id"]] \
        if "conversion" in ev and conversion_window is not None else ev.iloc[:0][["row", "customer_id"]]
    ledger = _rules.rule_entries(outside, lost, lookback=lookback, conversion_window=conversion_window, file=file)
    ev["conversions"] = conv * ok
    ev["nulls"] = 1.0 - ev["conversions"]
    ev["value"] = (g["value"].transform("sum").astype("float64") if "value" in ev else 0.0) * ok
    for s in segments or []:
        ev[s] = g[s].transform("first")
    keep = ["journey_id", "customer_id", "step", "n_steps", "channel", "timestamp", "device", "event",
            "conversions", "nulls", "value"]
    keep = [c for c in keep if c in ev]
    return ev[keep + [s for s in segments or [] if s not in keep]], ledger


def paths_to_steps(paths: pd.DataFrame, *, segments: list[str] | None = None) -> pd.DataFrame:
    """Expand a path table into the long *steps* form (one row per path position).

    Each path row becomes one journey (``journey_id`` ``p<row>``) that stands for ``n_journeys``
    real journeys; the counts stay on every step as weights.

    Parameters
    ----------
    paths : DataFrame
        ``data`` of :func:`read_path_table` (path, conversions, nulls, value).
    segments : list of str, optional
        Segment columns to carry along.

    Returns
    -------
    DataFrame
        journey_id, step, n_steps, channel, conversions, nulls, value, n_journeys (+ segments).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.io.events import paths_to_steps
    >>> t = pd.DataFrame({"path": ["a > b"], "conversions": [3.0], "nulls": [1.0], "value": [9.0]})
    >>> paths_to_steps(t)[["journey_id", "step", "channel", "n_journeys"]].values.tolist()
    [['p1', 1, 'a', 4.0], ['p1', 2, 'b', 4.0]]
    """
    t = paths.reset_index(drop=True)
    for c in ("nulls", "value"):
        if c not in t:
            t[c] = 0.0
    toks = t["path"].astype("string").str.split(SEP, regex=False)
    long = t.assign(channel=toks).explode("channel", ignore_index=False)
    long["journey_id"] = ("p" + (long.index.to_series() + 1).astype("string")).astype("string")
    long["step"] = long.groupby(level=0).cumcount() + 1
    long["n_steps"] = long.groupby(level=0)["step"].transform("size")
    long["channel"] = long["channel"].astype("string").str.strip()
    long["n_journeys"] = long["conversions"] + long["nulls"]
    cols = ["journey_id", "step", "n_steps", "channel", "conversions", "nulls", "value", "n_journeys"]
    return long[cols + list(segments or [])].reset_index(drop=True)


def steps_to_paths(steps: pd.DataFrame, *, segments: list[str] | None = None,
                   node: str = "channel") -> pd.DataFrame:
    """Aggregate the long *steps* form back into a path table.

    Parameters
    ----------
    steps : DataFrame
        The steps form (journey_id, step, the *node* column, conversions, nulls, value).
    segments : list of str, optional
        Segment columns; one row per path and segment.
    node : str
        Column whose values make up the path (``channel``, ``touchpoint``, ``phase``).

    Returns
    -------
    DataFrame
        path, (segments), conversions, nulls, value, n_journeys — one row per distinct path, most
        frequent first (ties by path).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.io.events import paths_to_steps, steps_to_paths
    >>> t = pd.DataFrame({"path": ["a > b", "a > b"], "conversions": [1.0, 0.0], "nulls": [0.0, 1.0]})
    >>> steps_to_paths(paths_to_steps(t))[["path", "conversions", "nulls"]].values.tolist()
    [['a > b', 1.0, 1.0]]
    """
    if node not in steps:
        raise ParameterError("node", node, allowed=list(steps.columns))
    # stable sort on step keeps the journeys in input order and puts each journey's steps in order
    s = steps.sort_values("step", kind="stable")
    s = s.assign(_node=s[node].astype(object).where(s[node].notna(), "(unmapped)").astype(str))
    g = s.groupby("journey_id", sort=False)
    seg = list(segments or [])
    per = g.agg(path=("_node", SEP.join), conversions=("conversions", "first"),
                nulls=("nulls", "first"), value=("value", "first"), **{c: (c, "first") for c in seg})
    out = per.groupby(["path", *seg], sort=False, as_index=False)[["conversions", "nulls", "value"]].sum()
    out["path"] = out["path"].astype("string")
    out["n_journeys"] = out["conversions"] + out["nulls"]
    # one fixed order (most frequent first) so that every route returns the same table
    out = out.sort_values(["n_journeys", "path", *seg], ascending=[False] + [True] * (1 + len(seg)), kind="stable")
    return out.reset_index(drop=True)


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
