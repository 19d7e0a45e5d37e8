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
"""
from __future__ import annotations

import csv
import logging
import re
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from cjkit.quality import ledger as _ledger_mod
from cjkit.errors import DataError, ParameterError

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
_TRUE = {"1", "1.0", "true", "yes", "ja", "y", "t"}
_FALSE = {"0", "0.0", "false", "no", "nein", "n", "f", ""}


class Loaded(NamedTuple):
    """Result of a reader: the usable rows and the :mod:`cjkit.quality.ledger` of excluded rows."""

    data: pd.DataFrame
    excluded: pd.DataFrame
    n_input: int


def _read_table(source, sep=None) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        return source.copy()
    path = Path(source)
    if not path.is_file():
        raise DataError("file not found", file=path)
    if path.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(path)
    try:
        # sep=None sniffs ';' (ChannelAttribution's Data.csv) as well as ','.
        return pd.read_csv(path, sep=sep, engine="python" if sep is None else "c", dtype=str,
                           keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"cannot parse as a delimited table: {exc}", file=path) from None


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
    """Record rows in *mask* (index = 0-based data row) in the ledger; return the still-kept mask."""
    if mask.any():
        idx = mask[mask].index
        parts.append(_ledger_mod.entries(file=file, rows=(idx + 1).tolist(), check=check, action="excluded",
                                         reason=reason, column=column, old_values=values.loc[idx].tolist(),
                                         respondent_ids=None if ids is None else ids.loc[idx].tolist()))
    return ~mask


def _ledger(parts: list) -> pd.DataFrame:
    led = _ledger_mod.concat(*parts)
    return led.sort_values("row", kind="stable").reset_index(drop=True)


def normalize_path(path: pd.Series, sep: str = ">") -> pd.Series:
    """Canonical path strings: channels stripped of blanks and joined with ``" > "``.

    Examples
    --------
    >>> normalize_path(pd.Series(["a>b", " a >  b "])).tolist()
    ['a > b', 'a > b']
    """
    parts = path.astype("string").str.split(re.escape(sep), regex=True)
    return parts.map(lambda toks: SEP.join(t.strip() for t in toks if t.strip()) if isinstance(toks, list) else pd.NA,
                     na_action="ignore").astype("string")


def read_path_table(source, columns: dict | None = None, sep: str = ">", allow_negative: bool = False,
                    segments: list[str] | None = None) -> Loaded:
    """Read an aggregated path table (ChannelAttribution / pychattr layout).

    Parameters
    ----------
    source : str, Path or DataFrame
        CSV (``,`` or ``;``, sniffed), Parquet, or a frame.
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
    Loaded
        ``data`` with columns path, conversions, nulls, value, n_journeys (+ segments);
        ``excluded``: a :mod:`cjkit.quality.ledger` frame (file, row, column, check, reason, old_value, ...).

    Examples
    --------
    >>> t = pd.DataFrame({"path": ["a>b", "b"], "conversions": [2, 1]})
    >>> read_path_table(t).data[["path", "conversions", "nulls"]].values.tolist()
    [['a > b', 2.0, 0.0], ['b', 1.0, 0.0]]
    """
    file = getattr(source, "name", None) if not isinstance(source, pd.DataFrame) else None
    file = str(source) if isinstance(source, (str, Path)) else file
    raw = _read_table(source).reset_index(drop=True)
    cols = _resolve_columns(raw, PATH_ALIASES, columns, ["path", "conversions"], file)
    ledger, keep = [], pd.Series(True, index=raw.index)
    out = pd.DataFrame({"path": normalize_path(raw[cols["path"]], sep)})
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
        out[s] = raw[s].astype("string")
    out["n_journeys"] = out["conversions"] + out["nulls"]
    excluded = _ledger(ledger)
    if len(excluded):
        log.warning("%s: %d path rows excluded (see ledger)", file or "path table", len(excluded))
    return Loaded(out[keep].reset_index(drop=True), excluded, len(raw))


def _to_bool(s: pd.Series) -> pd.Series:
    low = s.astype("string").str.strip().str.lower()
    return pd.Series(np.where(low.isin(_TRUE), 1.0, np.where(low.isin(_FALSE) | low.isna(), 0.0, np.nan)),
                     index=s.index)


def read_events(source, columns: dict | None = None, segments: list[str] | None = None,
                drop_duplicates: bool = True) -> Loaded:
    """Read and validate an event log (CSV or Parquet, or a frame).

    Rows without customer id, timestamp or channel, with an unreadable timestamp, conversion flag or
    value, and exact duplicates are excluded into the ledger with their 1-based row and reason.

    Returns
    -------
    Loaded
        ``data`` with columns customer_id, session_id, timestamp, channel, device, event,
        conversion (int 0/1), value (float64) and the segment columns, sorted by customer and time.

    Examples
    --------
    >>> ev = pd.DataFrame({"user_id": ["u1", "u1", None], "time": ["2024-01-01", "2024-01-02", "2024-01-01"],
    ...                    "channel": ["email", "search", "email"], "converted": [0, 1, 0]})
    >>> res = read_events(ev)
    >>> len(res.data), res.excluded["reason"].tolist()
    (2, ['missing customer_id'])
    """
    file = str(source) if isinstance(source, (str, Path)) else None
    raw = _read_table(source, sep=",").reset_index(drop=True)
    cols = _resolve_columns(raw, EVENT_ALIASES, columns, ["customer_id", "timestamp", "channel"], file)
    ledger, keep = [], pd.Series(True, index=raw.index)
    out = pd.DataFrame(index=raw.index)
    for name in ("customer_id", "session_id", "channel", "device", "event"):
        if name in cols:
            out[name] = raw[cols[name]].astype("string").str.strip().replace("", pd.NA)
        else:
            out[name] = pd.Series(pd.NA, index=raw.index, dtype="string")
    ids = out["customer_id"]
    for name in ("customer_id", "channel"):
        keep &= _exclude(ledger, keep & out[name].isna(), cols[name], f"missing_{name}", f"missing {name}",
                         raw[cols[name]], file, ids)
    ts_raw = raw[cols["timestamp"]]
    ts = ts_raw if pd.api.types.is_datetime64_any_dtype(ts_raw) else pd.to_datetime(ts_raw, errors="coerce",
                                                                                    format="mixed")
    keep &= _exclude(ledger, keep & ts_raw.isna(), cols["timestamp"], "missing_timestamp", "missing timestamp",
                     ts_raw, file, ids)
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
        val = pd.to_numeric(raw[cols["value"]], errors="coerce").astype("float64")
        keep &= _exclude(ledger, keep & val.isna() & raw[cols["value"]].notna(), cols["value"], "not_a_number",
                         "value is not a number", raw[cols["value"]], file, ids)
        out["value"] = val.fillna(0.0)
    else:
        out["value"] = 0.0
    for s in segments or []:
        if s not in raw.columns:
            raise DataError("segment column not found", file=file, column=s)
        out[s] = raw[s].astype("string")
    if drop_duplicates:
        key = ["customer_id", "timestamp", "channel", "event"]
        dup = out.loc[keep, key].duplicated(keep="first").reindex(out.index, fill_value=False)
        keep &= _exclude(ledger, dup, cols["customer_id"], "duplicate_event",
                         "duplicate event (same customer, time, channel, event)", raw[cols["customer_id"]], file, ids)
    excluded = _ledger(ledger)
    if len(excluded):
        log.warning("%s: %d of %d event rows excluded (see ledger)", file or "event log", len(excluded), len(raw))
    data = out[keep].sort_values(["customer_id", "timestamp"], kind="stable").reset_index(drop=True)
    return Loaded(data, excluded, len(raw))


def events_to_steps(events: pd.DataFrame, split_on_conversion: bool = True,
                    segments: list[str] | None = None) -> pd.DataFrame:
    """Turn a validated event log into the long *steps* form, one row per touch of a journey.

    A journey is a customer's touches in time order; with *split_on_conversion* every conversion
    ends a journey and the next touch starts a new one (ChannelAttribution's convention).

    Returns
    -------
    DataFrame
        journey_id, customer_id, step (1-based), n_steps, channel, timestamp, device, event,
        conversions, nulls, value (journey totals, repeated on each step) and the segment columns
        (taken from the journey's first touch).

    Examples
    --------
    >>> ev = pd.DataFrame({"customer_id": ["a", "a", "a"], "timestamp": pd.to_datetime(["2024-01-01",
    ...     "2024-01-02", "2024-01-03"]), "channel": ["x", "y", "x"], "conversion": [0, 1, 0], "value": [0, 5.0, 0]})
    >>> events_to_steps(ev)[["journey_id", "step", "channel", "conversions"]].values.tolist()
    [['a#1', 1, 'x', 1.0], ['a#1', 2, 'y', 1.0], ['a#2', 1, 'x', 0.0]]
    """
    ev = events.sort_values(["customer_id", "timestamp"], kind="stable").reset_index(drop=True)
    conv = ev["conversion"].astype("int64") if "conversion" in ev else pd.Series(0, index=ev.index)
    if split_on_conversion:
        # conversions *before* this touch decide which journey it belongs to
        before = conv.groupby(ev["customer_id"]).cumsum() - conv
        jnum = before + 1
    else:
        jnum = pd.Series(1, index=ev.index)
    ev["journey_id"] = (ev["customer_id"].astype("string") + "#" + jnum.astype("string")).astype("string")
    g = ev.groupby("journey_id", sort=False)
    ev["step"] = g.cumcount() + 1
    ev["n_steps"] = g["step"].transform("size")
    ev["conversions"] = g["conversion"].transform("max").astype("float64") if "conversion" in ev else 0.0
    ev["nulls"] = 1.0 - ev["conversions"]
    ev["value"] = g["value"].transform("sum").astype("float64") if "value" in ev else 0.0
    for s in segments or []:
        ev[s] = g[s].transform("first")
    keep = ["journey_id", "customer_id", "step", "n_steps", "channel", "timestamp", "device", "event",
            "conversions", "nulls", "value"]
    keep = [c for c in keep if c in ev]
    return ev[keep + [s for s in segments or [] if s not in keep]]


def paths_to_steps(paths: pd.DataFrame, segments: list[str] | None = None) -> pd.DataFrame:
    """Expand a path table into the long *steps* form (one row per path position).

    Each path row becomes one journey (``journey_id`` ``p<row>``) that stands for ``n_journeys``
    real journeys; the counts stay on every step as weights.

    Examples
    --------
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


def steps_to_paths(steps: pd.DataFrame, segments: list[str] | None = None, node: str = "channel") -> pd.DataFrame:
    """Aggregate the long *steps* form back into a path table.

    Returns
    -------
    DataFrame
        path, (segments), conversions, nulls, value, n_journeys — one row per distinct path.

    Examples
    --------
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
    return out


def resolve_input(path: str, base: str | Path | None = None) -> Path:
    """Resolve a (possibly relative) report parameter path robustly.

    Relative paths are tried against *base* (default: the project's ``notebooks`` folder, where
    report parameters are written relative to), then against the current working directory.
    Output paths that do not exist yet resolve against *base*.

    Examples
    --------
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
    """Journeys ready for analysis: the path table, the long steps form, and the exclusion ledger."""

    paths: pd.DataFrame
    steps: pd.DataFrame
    excluded: pd.DataFrame
    n_input: int
    n_kept: int
    source: str


def load_journeys(path_file: str = "", event_file: str = "", segments: list[str] | None = None,
                  base: str | Path | None = None) -> Journeys:
    """Load either an event log (*event_file*) or a path table (*path_file*) for the path report.

    Relative names resolve as in :func:`resolve_input`. Event logs keep their timestamps (time
    between steps) and *segments*; path tables carry their counts as journey weights.

    Examples
    --------
    >>> j = load_journeys(path_file=pd.DataFrame({"path": ["a > b"], "conversions": [1]}))
    >>> j.paths["path"].tolist(), j.steps["step"].tolist()
    (['a > b'], [1, 2])
    """
    segments = list(segments or [])
    if isinstance(event_file, pd.DataFrame) or event_file:
        src = event_file if isinstance(event_file, pd.DataFrame) else resolve_input(event_file, base)
        loaded = read_events(src, segments=segments)
        steps = events_to_steps(loaded.data, segments=segments)
        return Journeys(steps_to_paths(steps, segments=segments), steps, loaded.excluded, loaded.n_input,
                        len(loaded.data), str(getattr(src, "name", src)) if not isinstance(src, pd.DataFrame) else "<frame>")
    if isinstance(path_file, pd.DataFrame) or path_file:
        src = path_file if isinstance(path_file, pd.DataFrame) else resolve_input(path_file, base)
        loaded = read_path_table(src, segments=segments)
        return Journeys(loaded.data, paths_to_steps(loaded.data, segments=segments), loaded.excluded,
                        loaded.n_input, len(loaded.data), str(src) if not isinstance(src, pd.DataFrame) else "<frame>")
    raise ParameterError("path_file", path_file,
                         message="give path_file (aggregated path table) or event_file (event log)")
