"""Export report tables for stakeholders (Excel), safe against formula injection.

A verbatim such as ``=HYPERLINK("http://evil", "Klick")`` must reach Excel as text,
never as a formula. Cells starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return are prefixed with an apostrophe-free single quote character
(``'``), the OWASP recommendation; numbers stay numbers.

Examples
--------
>>> import pandas as pd
>>> from cjkit.report.export import neutralise
>>> neutralise(pd.DataFrame({"text": ["=1+1", "ok"], "n": [-3, 4]}))["text"].tolist()
["'=1+1", 'ok']
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from cjkit.errors import ParameterError

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _neutralise_value(v):
    if isinstance(v, str) and v.startswith(_DANGEROUS):
        return "'" + v
    return v


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy in which every text cell that a spreadsheet would run as a formula is quoted.

    Column names are treated the same way. Numeric columns are left untouched (a negative
    number is data, not a formula).

    Parameters
    ----------
    frame : DataFrame
        Any table.

    Returns
    -------
    DataFrame
        A copy with text cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return
        prefixed with ``'``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.report.export import neutralise
    >>> neutralise(pd.DataFrame({"text": ["=1+1", "ok"], "n": [-3, 4]})).to_dict("list")
    {'text': ["'=1+1", 'ok'], 'n': [-3, 4]}
    """
    out = frame.copy()
    out.columns = [_neutralise_value(str(c)) for c in out.columns]
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s) or isinstance(s.dtype, pd.CategoricalDtype):
            out[col] = s.astype(object).map(_neutralise_value)
    return out


def sheet_name(name: str, used: set[str]) -> str:
    """An Excel-legal, unique sheet name (max 31 characters, no []:*?/\\).

    Parameters
    ----------
    name : str
        Wanted name.
    used : set of str
        Names already taken in the workbook (compared without case); the result is added.

    Returns
    -------
    str

    Examples
    --------
    >>> from cjkit.report.export import sheet_name
    >>> used = set()
    >>> sheet_name("IPA: Q1/Q2", used), sheet_name("ipa: q1/q2", used)
    ('IPA_ Q1_Q2', 'ipa_ q1_q2 (2)')
    """
    base = _SHEET_BAD.sub("_", str(name)).strip("'")[:31] or "Tabelle"
    candidate, k = base, 2
    while candidate.lower() in {u.lower() for u in used}:
        suffix = f" ({k})"
        candidate, k = base[: 31 - len(suffix)] + suffix, k + 1
    used.add(candidate)
    return candidate


def to_excel(tables: dict[str, pd.DataFrame], path) -> Path:
    """Write report tables to one workbook, one sheet per table, with neutralised cells.

    Parameters
    ----------
    tables : dict of str to DataFrame
        Sheet title -> table (tidy, as returned by cjkit's measure functions).
    path : str or Path
        Target ``.xlsx`` file; folders are created.

    Returns
    -------
    Path
        The written file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import cjkit as cj
    >>> import pandas as pd
    >>> table = pd.DataFrame({"verbatim": ["=HYPERLINK(1)", "gut"], "n": [3, 4]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = cj.to_excel({"Verbatims": table}, Path(tmp) / "tables.xlsx")
    ...     back = pd.read_excel(path, sheet_name="Verbatims")
    >>> back["verbatim"].tolist(), back["n"].tolist()
    (["'=HYPERLINK(1)", 'gut'], [3, 4])
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ParameterError("path", str(path), message=f"Excel export needs a .xlsx file name, got '{path.name}'")
    if not tables:
        raise ParameterError("tables", "{}", message="no tables to export")
    path.parent.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for title, table in tables.items():
            name = sheet_name(title, used)
            frame = neutralise(table.reset_index(drop=True))
            for col in frame.columns:  # Excel has no categorical or nullable dtypes
                if isinstance(frame[col].dtype, pd.CategoricalDtype):
                    frame[col] = frame[col].astype(object)
            frame.to_excel(xl, sheet_name=name, index=False)
            ws = xl.sheets[name]
            ws.freeze_panes = "A2"
            for i, col in enumerate(frame.columns, start=1):
                width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)])
                ws.column_dimensions[ws.cell(1, i).column_letter].width = min(60, max(8, width + 2))
    return path
