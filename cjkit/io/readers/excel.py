"""Excel workbooks (.xlsx/.xlsm via openpyxl, legacy .xls via xlrd).

Cells are read as their stored values: a formula is never evaluated by cjkit (openpyxl
returns the value Excel cached), and text that merely looks like a formula stays text.

Examples
--------
>>> import tempfile, pathlib
>>> import pandas as pd
>>> from cjkit.io.readers import excel
>>> path = pathlib.Path(tempfile.mkdtemp()) / "answers.xlsx"
>>> with pd.ExcelWriter(path) as xl:
...     pd.DataFrame({"id": [1, 2], "note": [2, 1]}).to_excel(xl, sheet_name="Daten", index=False)
...     pd.DataFrame({"code": [1, 2], "label": ["sehr gut", "gut"]}).to_excel(xl, sheet_name="Codebuch", index=False)
>>> res = excel.read(path, sheet="Daten")
>>> res.meta["sheets"], len(res.wide)
(['Daten', 'Codebuch'], 2)
"""
from __future__ import annotations

import datetime
import warnings
import zipfile
from pathlib import Path

import pandas as pd

from cjkit.errors import DataError
from ._base import ReadResult, dedupe, make_meta, question_frame, with_row_index


def read(path, *, sheet=0, header_rows: int = 1, **_ignored) -> ReadResult:
    """Read one sheet of a workbook; the first *header_rows* rows are headers.

    Parameters
    ----------
    path : str or Path
        ``.xlsx``/``.xlsm`` or legacy ``.xls``.
    sheet : int or str
        Sheet position or name (default: the first sheet).
    header_rows : int
        Header rows; names come from the first, all are kept in ``meta['header_rows']``.

    Returns
    -------
    ReadResult
        Cell values as stored (formulas are not evaluated); ``meta['sheets']`` lists all sheets.

    Raises
    ------
    DataError
        Damaged workbook, unknown sheet (the available ones are named), empty sheet.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> from cjkit.io.readers.excel import read
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "answers.xlsx"
    >>> pd.DataFrame({"id": ["a", "b"], "kommentar": ["=1+1", "gut"]}).to_excel(path, sheet_name="Daten", index=False)
    >>> read(path).wide["kommentar"].tolist()   # a formula is never evaluated; no value cached by Excel: missing
    [nan, 'gut']
    >>> read(path, sheet="Codebuch")
    Traceback (most recent call last):
    ...
    cjkit.errors.DataError: file '...answers.xlsx': no sheet called 'Codebuch'; sheets: ['Daten']
    """
    path = Path(path)
    engine = "xlrd" if path.suffix.lower() == ".xls" else "openpyxl"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # xlrd's deprecation notice is not the researcher's concern
            book = pd.ExcelFile(path, engine=engine)
            sheets = [str(s) for s in book.sheet_names]
            if isinstance(sheet, str) and sheet not in sheets:
                raise DataError(f"no sheet called '{sheet}'; sheets: {sheets}", file=path)
            if isinstance(sheet, int) and not 0 <= sheet < len(sheets):
                raise DataError(f"sheet number {sheet} does not exist; the workbook has {len(sheets)}", file=path)
            raw = book.parse(sheet, header=None, dtype=object)
    except DataError:
        raise
    except (zipfile.BadZipFile, ValueError, KeyError, OSError, EOFError) as exc:
        raise DataError(f"cannot read the workbook — damaged or not an Excel file ({exc.__class__.__name__}: "
                        f"{str(exc)[:120]})", file=path) from None
    except Exception as exc:  # xlrd raises its own XLRDError for damaged .xls files
        if exc.__class__.__name__ == "XLRDError":
            raise DataError(f"cannot read the .xls workbook: {exc}", file=path) from None
        raise
    raw = raw.dropna(how="all", axis=1)
    if raw.empty:
        raise DataError(f"sheet {sheet!r} is empty; expected a header row and data rows", file=path)
    headers = [["" if pd.isna(v) else str(v) for v in raw.iloc[i]] for i in range(min(header_rows, len(raw)))]
    body = raw.iloc[header_rows:]
    if body.empty:
        raise DataError("the sheet has a header but no data rows", file=path, row=1)
    names = dedupe(headers[0])
    # keep blank rows: the validator counts and reports them instead of losing them here
    wide = with_row_index(body.set_axis(names, axis=1).reset_index(drop=True))
    wide = wide.apply(_column)  # one dtype per column, like the CSV path: float64, datetime or str
    questions = question_frame([{"column": n, "source_name": h, "question_text": h, "item_text": None,
                                 "group": n, "kind": None} for n, h in zip(names, headers[0])])
    meta = make_meta("excel", path, header_rows=headers, questions=questions, n_input=len(wide),
                     sheets=sheets, sheet=sheets[sheet] if isinstance(sheet, int) else sheet)
    return ReadResult(wide, meta)


def _column(s: pd.Series) -> pd.Series:
    non = s.dropna()
    if len(non) and non.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).all():
        return s.astype("float64")
    if len(non) and non.map(lambda v: isinstance(v, (pd.Timestamp, datetime.datetime, datetime.date))).all():
        return pd.to_datetime(s)
    return s.astype("str")
