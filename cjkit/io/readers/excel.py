"""Excel workbooks (.xlsx/.xlsm via openpyxl, legacy .xls via xlrd).

Cells are read as their stored values: a formula is never evaluated by cjkit (openpyxl
returns the value Excel cached), and text that merely looks like a formula stays text. A
formula without a cached value (the workbook was written by a program and never saved in
Excel) is missing in the data and named in ``meta['issues']``, so the ledger shows it.

Headers over several rows (``header_rows=2``) give one name per column from all its header
cells, ``"Zufriedenheit - Zimmer"``; a header cell merged over several columns counts for each
of them, as the researcher sees it.

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
import logging
import posixpath
import re
import warnings
import zipfile
from pathlib import Path

import pandas as pd

from cjkit.errors import DataError
from . import csv as csv_reader
from ._base import ISSUE_COLUMNS, ReadResult, dedupe, make_meta, question_frame, with_row_index

log = logging.getLogger("cjkit.io.readers")
MERGE = re.compile(rb'<mergeCell[^>]*\sref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _sheet_xml(path: Path, sheet: str) -> str | None:
    """Member name of *sheet*'s XML inside an .xlsx (None for .xls or when it cannot be told)."""
    if path.suffix.lower() == ".xls":
        return None
    try:
        with zipfile.ZipFile(path) as zf:
            book = zf.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
    for m in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", book):
        tag = m.group(0)
        name = re.search(r'\sname="([^"]*)"', tag)
        rid = re.search(r'\br:id="([^"]*)"|\bid="([^"]*)"', tag)
        if not name or not rid:
            continue
        unescaped = name.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">") \
            .replace("&quot;", '"').replace("&apos;", "'")
        if unescaped != sheet:
            continue
        target = None
        for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
            if f'Id="{rid.group(1) or rid.group(2)}"' in rel.group(0):
                target = re.search(r'Target="([^"]*)"', rel.group(0)).group(1)
        if target is None:
            return None
        return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return None


FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")


def _scan_member(path: Path, member: str | None) -> tuple[bool, bytes]:
    """Stream the sheet XML once: whether any cell holds a formula, and the merged-cell list
    (it follows the cell data), without holding a large sheet in memory."""
    if member is None:
        return False, b""
    has_formula, merges, tail = False, [], b""
    try:
        with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
            while chunk := fh.read(1 << 20):
                window = tail + chunk
                has_formula = has_formula or bool(FORMULA_TAG.search(window))
                if b"<mergeCell" in window or merges:
                    merges.append(window if not merges else chunk)
                tail = window[-64:]
    except (KeyError, zipfile.BadZipFile, OSError):
        return False, b""
    return has_formula, b"".join(merges)


def _fill_merged(raw: pd.DataFrame, xml: bytes, last_row: int) -> pd.DataFrame:
    """Give every cell of a merged range that reaches into the first *last_row* rows the value
    of its top-left cell (Excel stores it only there)."""
    raw = raw.copy()
    for c1, r1, c2, r2 in MERGE.findall(xml):
        top, bottom = int(r1) - 1, int(r2) - 1
        left, right = _col_index(c1), _col_index(c2)
        if top >= last_row or top >= len(raw) or left >= raw.shape[1]:
            continue
        value = raw.iat[top, left]
        bottom, right = min(bottom, last_row - 1, len(raw) - 1), min(right, raw.shape[1] - 1)
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                raw.iat[r, c] = value
    return raw


def _formula_cells(path: Path, sheet: str) -> list[tuple[int, int, str]]:
    """(Excel row, column position, formula) of every formula cell of *sheet*."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        ws = wb[sheet]
        return [(c.row, c.column - 1, str(c.value)) for r in ws.iter_rows() for c in r
                if getattr(c, "data_type", None) == "f"]
    finally:
        wb.close()


def first_rows(path, n: int, sheet=0) -> list[list[str]]:
    """The first *n* non-blank rows of a sheet as text (for format detection).

    Parameters
    ----------
    path : str or Path
        The workbook.
    n : int
        Rows to return.
    sheet : int or str
        Sheet position or name.

    Returns
    -------
    list of list of str
        Blank cells are ``""``.

    Raises
    ------
    DataError
        Damaged workbook or unknown sheet.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> from cjkit.io.readers.excel import first_rows
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "answers.xlsx"
    >>> pd.DataFrame({"id": [1, 2], "note": ["gut", None]}).to_excel(path, index=False)
    >>> first_rows(path, 2)
    [['id', 'note'], ['1', 'gut']]
    """
    path = Path(path)
    raw = _head_openpyxl(path, sheet, n + 20)
    if raw is None:  # legacy .xls or a sheet openpyxl cannot stream: the full reader names problems
        raw = _raw(path, sheet, nrows=n + 20)[0]
    rows = [["" if pd.isna(v) else _cell_text(v) for v in raw.iloc[i]] for i in range(len(raw))]
    return [r for r in rows if any(r)][:n]


def _head_openpyxl(path: Path, sheet, n: int) -> pd.DataFrame | None:
    """The first *n* rows streamed by openpyxl (pandas would parse the whole sheet first)."""
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            names = wb.sheetnames
            if isinstance(sheet, bool) or (isinstance(sheet, int) and not 0 <= sheet < len(names)) \
                    or (isinstance(sheet, str) and sheet not in names) or not isinstance(sheet, (int, str)):
                return None
            ws = wb[names[sheet] if isinstance(sheet, int) else sheet]
            rows = [list(r) for r in ws.iter_rows(min_row=1, max_row=n, values_only=True)]
        finally:
            wb.close()
    except Exception:  # noqa: BLE001 - any failure here is reported by the full reader
        return None
    return pd.DataFrame(rows, dtype=object)


def _cell_text(v) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def _raw(path: Path, sheet, nrows=None):
    with open(path, "rb") as fh:  # by content: a legacy workbook may carry another name
        ole = fh.read(4) == b"\xd0\xcf\x11\xe0"
    engine = "xlrd" if path.suffix.lower() == ".xls" or ole else "openpyxl"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # xlrd's deprecation notice is not the researcher's concern
            book = pd.ExcelFile(path, engine=engine)
            sheets = [str(s) for s in book.sheet_names]
            if isinstance(sheet, str) and sheet not in sheets:
                raise DataError(f"no sheet called '{sheet}'; sheets: {sheets}", file=path)
            if isinstance(sheet, bool) or not isinstance(sheet, (int, str)):
                raise DataError(f"sheet must be a sheet name or position, got {sheet!r}; sheets: {sheets}",
                                file=path)
            if isinstance(sheet, int) and not 0 <= sheet < len(sheets):
                raise DataError(f"sheet number {sheet} does not exist; the workbook has {len(sheets)}", file=path)
            raw = book.parse(sheet, header=None, dtype=object, nrows=nrows)
    except DataError:
        raise
    except (zipfile.BadZipFile, ValueError, KeyError, OSError, EOFError, TypeError, AssertionError) as exc:
        raise DataError(f"cannot read the workbook — damaged or not an Excel file ({exc.__class__.__name__}: "
                        f"{str(exc)[:120]})", file=path) from None
    except Exception as exc:  # xlrd raises its own XLRDError for damaged .xls files
        if exc.__class__.__name__ in ("XLRDError", "InvalidFileException", "CompDocError"):
            raise DataError(f"cannot read the workbook: {exc}", file=path) from None
        raise
    name = sheets[sheet] if isinstance(sheet, int) else sheet
    return raw, sheets, name


def _header_names(headers: list[list[str]]) -> list[str]:
    """One name per column from all its header cells, top to bottom, repeats left out."""
    out = []
    for parts in zip(*headers):
        kept = []
        for p in (p.strip() for p in parts):
            if p and (not kept or kept[-1] != p):
                kept.append(p)
        out.append(" - ".join(kept))
    return out


def read(path, *, sheet=0, header_rows: int = 1) -> ReadResult:
    """Read one sheet of a workbook; the first *header_rows* rows are headers.

    Parameters
    ----------
    path : str or Path
        ``.xlsx``/``.xlsm`` or legacy ``.xls``.
    sheet : int or str
        Sheet position or name (default: the first sheet).
    header_rows : int
        Header rows (blank rows above them are skipped). With several, each column's name joins
        its header cells with ``" - "``; merged header cells count for every column they cover.
        All header rows are kept in ``meta['header_rows']``.

    Returns
    -------
    ReadResult
        Cell values as stored (formulas are not evaluated; formulas without a stored value are
        missing and listed in ``meta['issues']`` as ``formula_without_value``);
        ``meta['sheets']`` lists all sheets.

    Raises
    ------
    DataError
        Damaged workbook, unknown sheet (the available ones are named), empty sheet.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import openpyxl
    >>> from cjkit.io.readers.excel import read
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "answers.xlsx"
    >>> wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Daten"
    >>> for row in [["id", "Zufriedenheit", None], [None, "Zimmer", "Service"], [1, 4, 5], [2, 2, "=B4+1"]]:
    ...     ws.append(row)
    >>> ws.merge_cells("B1:C1"); ws.merge_cells("A1:A2"); wb.save(path)
    >>> res = read(path, header_rows=2)
    >>> res.wide.columns.tolist()
    ['id', 'Zufriedenheit - Zimmer', 'Zufriedenheit - Service']
    >>> res.wide["Zufriedenheit - Service"].tolist()   # the formula was never calculated by Excel
    [5.0, nan]
    >>> res.meta["issues"][["row", "column", "check", "old_value"]].to_dict("records")
    [{'row': 2, 'column': 'Zufriedenheit - Service', 'check': 'formula_without_value', 'old_value': '=B4+1'}]
    >>> read(path, sheet="Codebuch")
    Traceback (most recent call last):
    ...
    cjkit.errors.DataError: file '...answers.xlsx': no sheet called 'Codebuch'; sheets: ['Daten']
    """
    return read_sheet(path, sheet=sheet, header_rows=header_rows)


def read_sheet(path, *, sheet=0, header_rows: int = 1, names=None, fmt: str = "excel") -> ReadResult:
    """:func:`read` for platform readers: *names* builds the column names from the raw header rows.

    Parameters
    ----------
    path : str or Path
        The workbook.
    sheet : int or str
        Sheet position or name.
    header_rows : int
        Header rows.
    names : callable, optional
        ``names(header_records) -> list of column names`` (default: :func:`read`'s joined names).
    fmt : str
        Value of ``meta['format']``.

    Returns
    -------
    ReadResult
        As :func:`read`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> from cjkit.io.readers.excel import read_sheet
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "export.xlsx"
    >>> pd.DataFrame([["Q1", "Q2"], ["How?", "Why?"], [5, "ok"]]).to_excel(path, index=False, header=False)
    >>> read_sheet(path, header_rows=2, names=lambda h: h[0]).wide.columns.tolist()
    ['Q1', 'Q2']
    """
    path = Path(path)
    if not isinstance(header_rows, int) or isinstance(header_rows, bool) or header_rows < 1:
        raise DataError(f"header_rows must be a whole number of at least 1, got {header_rows!r}", file=path)
    raw, sheets, name = _raw(path, sheet)
    if raw.empty or raw.isna().all().all():
        raise DataError(f"sheet {name!r} is empty; expected a header row and data rows", file=path)
    filled = raw.notna().any(axis=1).to_numpy()
    top = int(filled.argmax())  # blank rows above the header are layout, not data
    member = _sheet_xml(path, name)
    has_formula, xml = _scan_member(path, member)
    head_raw = raw
    if header_rows > 1 and xml:
        # merged ranges use sheet positions: fill before empty columns are dropped
        head_raw = _fill_merged(raw, xml, top + header_rows)
    used = raw.columns[raw.notna().any(axis=0)]
    raw, head_raw = raw[used], head_raw[used]
    headers = [["" if pd.isna(v) else _cell_text(v) for v in head_raw.iloc[i]]
               for i in range(top, min(top + header_rows, len(raw)))]
    body = raw.iloc[top + header_rows:]
    if body.empty:
        raise DataError("the sheet has a header but no data rows", file=path, row=1)
    names = dedupe(names(headers) if callable(names) else
                   (headers[0] if header_rows == 1 else _header_names(headers)))
    # keep blank rows: the validator counts and reports them instead of losing them here
    wide = with_row_index(body.set_axis(names, axis=1).reset_index(drop=True))
    issues = pd.DataFrame(columns=ISSUE_COLUMNS)
    if has_formula:
        issues = _formulas_without_value(path, name, raw, wide, top + header_rows)
    wide = wide.apply(_column)  # one dtype per column, like the CSV path: float64, datetime or str
    questions = question_frame([{"column": n, "source_name": " - ".join(p for p in parts if p) or n,
                                 "question_text": next((p for p in parts if p), n),
                                 "item_text": parts[-1] if len(parts) > 1 and parts[-1] and parts[-1] != parts[0]
                                 else None, "group": n, "kind": None}
                                for n, parts in zip(names, zip(*headers))])
    meta = make_meta(fmt, path, header_rows=headers, questions=questions, n_input=len(wide), issues=issues,
                     sheets=sheets, sheet=name)
    return ReadResult(wide, meta)


def _formulas_without_value(path: Path, sheet: str, raw: pd.DataFrame, wide: pd.DataFrame,
                            first_data: int) -> pd.DataFrame:
    """Formula cells in data rows whose cached value is missing: the data cannot show what
    Excel would calculate, so the cell is missing and the ledger says why."""
    positions = {c: i for i, c in enumerate(raw.columns)}
    rows = []
    for excel_row, col, formula in _formula_cells(path, sheet):
        data_row = excel_row - first_data
        if data_row < 1 or data_row > len(wide) or col not in positions:
            continue
        name = wide.columns[positions[col]]
        if pd.isna(wide.iat[data_row - 1, positions[col]]):
            rows.append({"row": data_row, "column": name, "check": "formula_without_value",
                         "action": "value_changed", "old_value": formula,
                         "reason": "formula without a value saved by Excel (the file was written by a program): "
                                   "missing; open and save the workbook in Excel, or export values"})
    if rows:
        log.warning("%s: %d formula cells have no value saved by Excel; they are missing (see the ledger)",
                    path.name, len(rows))
    return pd.DataFrame(rows, columns=ISSUE_COLUMNS)


def _column(s: pd.Series) -> pd.Series:
    non = s.dropna()
    if len(non) and non.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).all():
        return s.astype("float64")
    if len(non) and non.map(lambda v: isinstance(v, (pd.Timestamp, datetime.datetime, datetime.date))).all():
        return pd.to_datetime(s)
    return s.astype("str")


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def table(path, *, header_rows: int, names=None, fmt: str, **kw) -> ReadResult:
    """A platform export as text or as workbook: the same header rows either way.

    Survey tools offer "Download as Excel" beside CSV; the platform readers call this so that
    both give the same columns (:func:`cjkit.io.readers.csv.read_table` or :func:`read_sheet`).

    Parameters
    ----------
    path : str or Path
        The export.
    header_rows : int
        Header rows of the platform's layout.
    names : callable, optional
        ``names(header_records) -> list of column names``.
    fmt : str
        Value of ``meta['format']``.
    **kw
        Text options (``encoding``, ``delimiter``, ``decimal``); a workbook takes none.

    Returns
    -------
    ReadResult

    Raises
    ------
    DataError
        Text options given for a workbook, or what the chosen reader raises.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> from cjkit.io.readers.excel import table
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "export.xlsx"
    >>> pd.DataFrame([["Respondent ID", "Q1"], [None, "Response"], [101, "ja"]]).to_excel(path, index=False, header=False)
    >>> table(path, header_rows=2, fmt="surveymonkey").wide.columns.tolist()
    ['Respondent ID', 'Q1']
    """
    path = Path(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        if kw:
            raise DataError(f"options {sorted(kw)} apply to text exports only; a workbook needs none", file=path)
        return read_sheet(path, header_rows=header_rows, names=names or (lambda h: h[0]), fmt=fmt)
    return csv_reader.read_table(path, header_rows=header_rows, names=names, fmt=fmt, **kw)
