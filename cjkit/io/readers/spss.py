"""SPSS data files (.sav, .zsav, .por) via pyreadstat.

Value labels become ordered categories (ordered by code; values without a label keep their
code as category text, so nothing is lost) and their mapping is kept in
``meta['value_labels']``. User-defined missing values (discrete codes and ranges) become
missing, and every such cell is listed in ``meta['missing_values']`` with its reason, e.g.
``user-missing -1: refused``. Use :func:`codes` to get numeric codes back for scoring.
"""
from __future__ import annotations

import datetime
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from cjkit.errors import DataError
from ._base import ISSUE_COLUMNS, MISSING_COLUMNS, ReadResult, make_meta, question_frame, with_row_index


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


def read(path) -> ReadResult:
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
        column, old_value, reason), ``meta['variable_labels']`` used as question texts. A date
        that cannot be a date (e.g. year 300,000 after a typing error) does not reject the file:
        it becomes missing and is listed in ``meta['issues']`` (check ``invalid_date``).

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
    >>> pyreadstat.write_sav(pd.DataFrame({"id": [1.0, 2.0], "visit": [13.8e9, 1e14]}), str(path),
    ...                      variable_format={"visit": "DATETIME20"})
    >>> res = spss.read(path)
    >>> res.wide["visit"].dt.year.tolist(), res.meta["issues"][["row", "column", "check"]].to_dict("records")
    ([2020.0, nan], [{'row': 2, 'column': 'visit', 'check': 'invalid_date'}])
    """
    path = Path(path)
    por = path.suffix.lower() == ".por"

    def parse(convert: bool):
        if por:
            return pyreadstat.read_por(str(path), disable_datetime_conversion=not convert)
        return pyreadstat.read_sav(str(path), user_missing=True, disable_datetime_conversion=not convert)

    df, m, issues = _read_stats_file(path, parse, "SPSS")
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
    return _finish(wide, m, path, "spss", miss_rows, issues)


def _read_stats_file(path: Path, parse, kind: str):
    """Run *parse(convert_dates)*; if a date is out of range, parse again without date conversion
    and convert the dates here, so one impossible date does not reject the whole file.

    Returns the data frame, pyreadstat's metadata and the issues (one per invalid date)."""
    try:
        return (*parse(True), [])
    except (OverflowError, ValueError) as exc:  # pyreadstat converts dates to Python objects
        first = exc
    except Exception as exc:  # pyreadstat raises its own ReadstatError/PyreadstatError types
        raise _unreadable(path, kind, exc) from None
    try:
        df, m = parse(False)
    except Exception as exc:  # noqa: BLE001 - any failure of the second parse: not readable at all
        raise _unreadable(path, kind, exc if not isinstance(exc, OverflowError) else first) from None
    df, issues = convert_dates(df, m.original_variable_types or {}, kind)
    return df, m, issues


def _unreadable(path: Path, kind: str, exc: Exception) -> DataError:
    suffix = {"SPSS": ".sav, .zsav or .por", "Stata": ".dta"}[kind]
    return DataError(f"cannot read as {kind} {path.suffix} ({exc.__class__.__name__}: {str(exc)[:160]}); "
                     f"expected a {kind} data file ({suffix}) — damaged, truncated or another format?", file=path)


# SPSS counts seconds from the start of the Gregorian calendar; Stata days or milliseconds from 1960
SPSS_DATE = re.compile(r"^(DATE|ADATE|EDATE|JDATE|SDATE|DATETIME|YMDHMS|MOYR|QYR|WKYR)\d*(\.\d+)?$", re.I)
SPSS_TIME = re.compile(r"^(TIME|MTIME)\d*(\.\d+)?$", re.I)
STATA_DAYS = re.compile(r"^%-?t?d", re.I)
STATA_MS = re.compile(r"^%-?tc", re.I)
# what a data frame can hold (datetime64[ns]); a survey date outside it is a typing or export error
FIRST_DATE, LAST_DATE = pd.Timestamp.min.ceil("D"), pd.Timestamp.max.floor("D")


def _date_rule(fmt: str, kind: str):
    if kind == "SPSS" and SPSS_DATE.match(fmt):
        return np.datetime64("1582-10-14T00:00:00", "s"), 1.0
    if kind == "Stata" and STATA_MS.match(fmt):
        return np.datetime64("1960-01-01T00:00:00", "s"), 0.001
    if kind == "Stata" and STATA_DAYS.match(fmt):
        return np.datetime64("1960-01-01T00:00:00", "s"), 86400.0
    return None


def convert_dates(df: pd.DataFrame, formats: dict, kind: str) -> tuple[pd.DataFrame, list[dict]]:
    """Numbers in date formats to datetime64; values that are no possible date become missing
    and are returned as issues (row, column, check, action, reason, old_value).

    Parameters
    ----------
    df : DataFrame
        As parsed without date conversion (0-based positions).
    formats : dict
        ``{column: format}`` (``original_variable_types`` of pyreadstat).
    kind : {"SPSS", "Stata"}
        Whose date arithmetic applies.

    Returns
    -------
    tuple of (DataFrame, list of dict)

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.io.readers.spss import convert_dates
    >>> df, issues = convert_dates(pd.DataFrame({"d": [21915.0, 9e9]}), {"d": "%td"}, "Stata")
    >>> df["d"].tolist()[0], issues[0]["row"], issues[0]["check"]
    (Timestamp('2020-01-01 00:00:00'), 2, 'invalid_date')
    """
    df = df.copy()
    issues = []
    for col, fmt in formats.items():
        if col not in df:
            continue
        if kind == "SPSS" and SPSS_TIME.match(fmt):
            num = pd.to_numeric(df[col], errors="coerce")
            df[col] = num.map(lambda v: str(datetime.timedelta(seconds=float(v))) if pd.notna(v) else np.nan)
            continue
        rule = _date_rule(fmt, kind)
        if rule is None:
            continue
        origin, factor = rule
        num = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype="float64")
        lo = (FIRST_DATE.to_datetime64().astype("datetime64[s]") - origin).astype("int64") / factor
        hi = (LAST_DATE.to_datetime64().astype("datetime64[s]") - origin).astype("int64") / factor
        ok = np.isfinite(num) & (num >= lo) & (num <= hi)
        out = np.full(len(num), np.datetime64("NaT"), dtype="datetime64[s]")
        out[ok] = origin + np.round(num[ok] * factor).astype("int64").astype("timedelta64[s]")
        df[col] = pd.Series(out, index=df.index).astype("datetime64[ns]")
        for pos in np.flatnonzero(~np.isnan(num) & ~ok):
            issues.append({"row": int(pos) + 1, "column": col, "check": "invalid_date", "action": "value_changed",
                           "old_value": _fmt(float(num[pos])),
                           "reason": f"{_fmt(float(num[pos]))} in date format {fmt} is no date between "
                                     f"{FIRST_DATE:%Y-%m-%d} and {LAST_DATE:%Y-%m-%d}: set to missing"})
    return df, issues


def _finish(wide: pd.DataFrame, m, path: Path, fmt: str, miss_rows: list[dict], issues: list[dict]) -> ReadResult:
    """Value labels to ordered categories, dates to datetime64, text blanks to missing, and the
    uniform meta (shared by the SPSS and Stata readers)."""
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
    meta = make_meta(fmt, path, encoding=m.file_encoding, questions=questions, value_labels=value_labels,
                     missing_values=pd.DataFrame(miss_rows, columns=MISSING_COLUMNS), n_input=len(wide),
                     header_rows=[list(m.column_names)], variable_labels=texts,
                     issues=pd.DataFrame(issues, columns=ISSUE_COLUMNS),
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
