"""SPSS data files (.sav, .zsav, .por) via pyreadstat.

Value labels become ordered categories (ordered by code; values without a label keep their
code as category text, so nothing is lost) and their mapping is kept in
``meta['value_labels']``. User-defined missing values (discrete codes and ranges) become
missing, and every such cell is listed in ``meta['missing_values']`` with its reason, e.g.
``user-missing -1: refused``. Use :func:`codes` to get numeric codes back for scoring.
"""
from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from cjkit.errors import DataError
from ._base import MISSING_COLUMNS, ReadResult, make_meta, question_frame, with_row_index


def _in_ranges(s: pd.Series, ranges: list[dict]) -> pd.Series:
    hit = pd.Series(False, index=s.index)
    for r in ranges:
        lo, hi = r["lo"], r["hi"]
        if isinstance(lo, str) or isinstance(hi, str):
            hit |= s.astype("string").str.strip().eq(str(lo).strip()).fillna(False)
        else:
            num = pd.to_numeric(s, errors="coerce")
            hit |= ((num >= lo) & (num <= hi)).fillna(False)
    return hit


def _categorical(s: pd.Series, labels: dict) -> pd.Series:
    codes = sorted(set(labels) | set(s.dropna().unique()), key=lambda v: (isinstance(v, str), v))
    names, seen = [], set()
    for c in codes:
        name = str(labels.get(c, _fmt(c)))
        if name in seen:  # two codes with one label: keep them apart
            name = f"{name} ({_fmt(c)})"
        seen.add(name)
        names.append(name)
    mapping = dict(zip(codes, names))
    return pd.Series(pd.Categorical(s.map(mapping), categories=names, ordered=True), index=s.index, name=s.name)


def _fmt(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def read(path, **_ignored) -> ReadResult:
    """Read an SPSS file.

    Parameters
    ----------
    path : str or Path
        ``.sav``, ``.zsav`` or ``.por``.

    Returns
    -------
    ReadResult
        Labelled columns as ordered categoricals, dates as datetime64;
        ``meta['value_labels']`` {column: {code: label}}, ``meta['missing_values']`` (row,
        column, old_value, reason), ``meta['variable_labels']`` used as question texts.

    Raises
    ------
    DataError
        If pyreadstat cannot read the file (damaged or not SPSS).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd, pyreadstat
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "survey.sav"
    >>> pyreadstat.write_sav(pd.DataFrame({"id": [1.0, 2.0, 3.0], "sat": [1.0, 5.0, 9.0]}), str(path),
    ...                      column_labels=["ID", "Satisfaction"], missing_ranges={"sat": [9.0]},
    ...                      variable_value_labels={"sat": {1.0: "very unhappy", 5.0: "very happy", 9.0: "refused"}})
    >>> from cjkit.io.readers import spss
    >>> res = spss.read(path)
    >>> res.wide["sat"].tolist()
    ['very unhappy', 'very happy', nan]
    >>> res.meta["missing_values"].to_dict("records")
    [{'row': 3, 'column': 'sat', 'old_value': '9', 'reason': 'user-missing 9: refused'}]
    """
    path = Path(path)
    try:
        if path.suffix.lower() == ".por":
            df, m = pyreadstat.read_por(str(path))
        else:
            df, m = pyreadstat.read_sav(str(path), user_missing=True)
    except Exception as exc:  # pyreadstat raises its own ReadstatError/PyreadstatError types
        raise DataError(f"cannot read as SPSS {path.suffix} ({exc.__class__.__name__}: {str(exc)[:160]}); "
                        "expected an SPSS data file", file=path) from None
    wide = with_row_index(df.reset_index(drop=True))
    miss_rows = []
    for col, ranges in (m.missing_ranges or {}).items():
        hit = _in_ranges(wide[col], ranges)
        if hit.any():
            labels = m.variable_value_labels.get(col, {})
            for row, val in wide.loc[hit, col].items():
                label = labels.get(val)
                miss_rows.append({"row": row, "column": col, "old_value": _fmt(val),
                                  "reason": f"user-missing {_fmt(val)}" + (f": {label}" if label else "")})
            wide[col] = wide[col].mask(hit)
    value_labels = {}
    for col, labels in (m.variable_value_labels or {}).items():
        if col in wide:
            value_labels[col] = dict(labels)
            wide[col] = _categorical(wide[col], labels)
    for col in wide.columns:
        if wide[col].dtype == object and wide[col].dropna().map(
                lambda v: isinstance(v, (datetime.date, datetime.datetime))).all() and wide[col].notna().any():
            wide[col] = pd.to_datetime(wide[col])
        elif wide[col].dtype == object:
            wide[col] = wide[col].replace("", np.nan).astype("str")
    texts = dict(zip(m.column_names, m.column_labels or [None] * len(m.column_names)))
    questions = question_frame([{"column": c, "source_name": c, "question_text": texts.get(c) or c,
                                 "item_text": None, "group": c,
                                 "kind": "labelled" if c in value_labels else None} for c in wide.columns])
    meta = make_meta("spss", path, encoding=m.file_encoding, questions=questions, value_labels=value_labels,
                     missing_values=pd.DataFrame(miss_rows, columns=MISSING_COLUMNS), n_input=len(wide),
                     header_rows=[list(m.column_names)], variable_labels=texts,
                     mr_sets=getattr(m, "mr_sets", {}) or {})
    return ReadResult(wide, meta)


def codes(wide: pd.DataFrame, value_labels: dict) -> pd.DataFrame:
    """Turn labelled categorical columns back into their numeric (or string) codes.

    Parameters
    ----------
    wide : DataFrame
        As returned by :func:`read`.
    value_labels : dict
        ``meta['value_labels']`` of the same read.

    Returns
    -------
    DataFrame
        A copy with every labelled column as codes (missing stays missing).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd, pyreadstat
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "survey.sav"
    >>> pyreadstat.write_sav(pd.DataFrame({"id": [1.0, 2.0, 3.0], "sat": [1.0, 5.0, 9.0]}), str(path),
    ...                      column_labels=["ID", "Satisfaction"], missing_ranges={"sat": [9.0]},
    ...                      variable_value_labels={"sat": {1.0: "very unhappy", 5.0: "very happy", 9.0: "refused"}})
    >>> from cjkit.io.readers import spss
    >>> res = spss.read(path)
    >>> spss.codes(res.wide, res.meta["value_labels"])["sat"].tolist()
    [1.0, 5.0, nan]
    """
    out = wide.copy()
    for col, labels in value_labels.items():
        if col in out and isinstance(out[col].dtype, pd.CategoricalDtype):
            inverse = {str(v): k for k, v in labels.items()}
            back = out[col].astype("string").map(lambda s: inverse.get(s, s) if isinstance(s, str) else s)
            num = pd.to_numeric(back, errors="coerce")
            out[col] = num.astype("float64") if num.notna().sum() == back.notna().sum() else back.astype("string")
    return out
