"""Stata data files (.dta, versions 8-15 and later) via pyreadstat.

Value labels become ordered categories (as for SPSS, see :mod:`cjkit.io.readers.spss`), and
Stata's extended missing values ``.a`` ... ``.z`` (e.g. ``.a`` = don't know, ``.b`` = refused)
become missing with the reason listed in ``meta['missing_values']``; the plain ``.`` is
missing without a reason. Dates in ``%td``/``%tc`` formats become datetime64; a value that is
no possible date becomes missing and is listed in ``meta['issues']`` instead of rejecting the file.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from .spss import _finish, _read_stats_file
from ._base import ReadResult, with_row_index


def read(path) -> ReadResult:
    """Read a Stata ``.dta`` file.

    Parameters
    ----------
    path : str or Path
        The ``.dta`` file.

    Returns
    -------
    ReadResult
        Labelled columns as ordered categoricals (codes back with
        :func:`cjkit.io.readers.spss.codes`), ``meta['value_labels']``, ``meta['missing_values']``
        (one entry per ``.a``-``.z`` cell, with its label when the value label set has one),
        variable labels as question texts.

    Raises
    ------
    DataError
        If the file is damaged or not a Stata file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd, pyreadstat
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "survey.dta"
    >>> df = pd.DataFrame({"id": [1.0, 2.0, 3.0], "sat": [1, "a", 5]})
    >>> pyreadstat.write_dta(df, str(path), column_labels=["ID", "Satisfaction"],
    ...                      variable_value_labels={"sat": {1: "very unhappy", 5: "very happy"}},
    ...                      missing_user_values={"sat": ["a"]})
    >>> from cjkit.io.readers import stata
    >>> res = stata.read(path)
    >>> res.wide["sat"].tolist()
    ['very unhappy', nan, 'very happy']
    >>> res.meta["missing_values"].to_dict("records")
    [{'row': 2, 'column': 'sat', 'old_value': '.a', 'reason': 'Stata missing .a'}]
    """
    path = Path(path)

    def parse(convert: bool):
        return pyreadstat.read_dta(str(path), user_missing=True, disable_datetime_conversion=not convert)

    df, m, issues = _read_stats_file(path, parse, "Stata")
    wide = with_row_index(df.reset_index(drop=True))
    miss_rows = []
    for col in wide.columns:
        s = wide[col]
        if s.dtype != object:
            continue
        # tagged missing values arrive as the letters 'a'..'z' in a numeric column
        declared = set((m.missing_user_values or {}).get(col, []))
        letters = s.map(lambda v: isinstance(v, str) and len(v) == 1 and v.isalpha() and v.islower())
        numeric = s[~letters].dropna().map(lambda v: isinstance(v, (int, float, np.integer, np.floating))).all()
        if not letters.any() or not (numeric or letters.all()) or (declared and not set(s[letters]) <= declared):
            continue
        labels = (m.variable_value_labels or {}).get(col, {})
        for row, val in s[letters].items():
            label = labels.get(f".{val}") or labels.get(val)
            miss_rows.append({"row": row, "column": col, "old_value": f".{val}",
                              "reason": f"Stata missing .{val}" + (f": {label}" if label else "")})
        wide[col] = pd.to_numeric(s.mask(letters), errors="coerce").astype("float64")
    return _finish(wide, m, path, "stata", miss_rows, issues)
