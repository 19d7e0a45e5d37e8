"""Read and validate aggregated path tables (one row per distinct path with its counts).

The ChannelAttribution / pychattr layout: ``path`` such as ``blog > organic_google``, conversions,
nulls (non-converting journeys) and value; unusable rows go to the ledger with row and reason.
"""
from __future__ import annotations

import re

import pandas as pd

from cjkit.errors import DataError
from cjkit.io.eventbase import (PATH_ALIASES, SEP, PathInput, _exclude, _ledger, _read_table, _resolve_columns,
                                _text, log)


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
