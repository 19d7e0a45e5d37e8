"""What the journey readers share: column aliases, conversion words, the result type and ledger helpers.

Used by :mod:`cjkit.io.eventlog` (event logs), :mod:`cjkit.io.pathtables` (path tables) and
:mod:`cjkit.io.steps` (the long steps form); see :mod:`cjkit.io.events` for the whole picture.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from cjkit.errors import DataError
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
