"""Read and validate event logs (one row per touch): checks, duplicates, timestamps in UTC.

Rows without customer, timestamp or channel, unreadable values and duplicates are excluded into
the ledger with their row and reason; see :func:`read_events`.
"""
from __future__ import annotations


import numpy as np
import pandas as pd

from cjkit.errors import DataError
from cjkit.io import journey_rules as _rules
from cjkit.io.eventbase import (DUPLICATE_KEY, EVENT_ALIASES, FALSE_WORDS, TRUE_WORDS, PathInput, _exclude, _ledger,
                                _read_table, _resolve_columns, _text, log)


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
