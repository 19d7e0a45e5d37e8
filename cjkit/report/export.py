r"""Export report tables for stakeholders (Excel, CSV), safe against formula injection.

A verbatim such as ``=HYPERLINK("http://evil", "Klick")`` or a channel name such as
``+cmd|' /C calc'!A0`` must reach a spreadsheet as text, never as a formula.

* **Excel** (:func:`to_excel`): every text cell is stored as a text cell (``t="s"``) and a
  cell that starts like a formula also gets Excel's *quote prefix* style, so Excel shows the
  text exactly as written, keeps it text when the cell is edited, and never runs it. The
  visible text is not changed (no apostrophe is added); ``\r`` and ``\n`` are kept.
* **CSV** (:func:`neutralise`, :func:`neutralise_csv_file`): CSV has no cell types, so a text
  cell that a spreadsheet would read as a formula gets one leading apostrophe. The rule is
  reversible: a text that starts with any number of apostrophes followed by ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return gets one more apostrophe, and
  :func:`restore_csv_text` removes exactly one again. Plain numbers (``-3``, ``+0.5``) are
  data and stay as they are. The rule is applied exactly once: the batch runner applies it to
  every CSV file a report writes.
* **Control characters** (other than tab, line feed and carriage return) cannot be stored in
  an Excel file and break many tools; they become their visible Unicode *control picture*
  (``\x07`` -> ``␇``, U+2400 + code), in both formats.

Examples
--------
>>> import pandas as pd
>>> from cjkit.report.export import neutralise, restore_csv_text
>>> neutralise(pd.DataFrame({"text": ["=1+1", "ok"], "n": [-3, 4]}))["text"].tolist()
["'=1+1", 'ok']
>>> restore_csv_text("'=1+1"), restore_csv_text("''=1+1")
('=1+1', "'=1+1")
"""
from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pandas as pd

from cjkit.errors import ParameterError

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _picture(m: re.Match) -> str:
    code = ord(m.group())
    return "\u2421" if code == 0x7F else chr(0x2400 + code)


def clean_text(value):
    r"""Replace control characters (except tab, line feed, carriage return) by their visible picture.

    Parameters
    ----------
    value : object
        Any cell value; only strings are changed.

    Returns
    -------
    object

    Examples
    --------
    >>> from cjkit.report.export import clean_text
    >>> clean_text("Bad\x07 room\r\nok"), clean_text(3)
    ('Bad␇ room\r\nok', 3)
    """
    return _CONTROL.sub(_picture, value) if isinstance(value, str) else value


def is_formula_like(value) -> bool:
    """True for text a spreadsheet would read as a formula (a plain number is not).

    Parameters
    ----------
    value : object

    Returns
    -------
    bool

    Examples
    --------
    >>> from cjkit.report.export import is_formula_like
    >>> is_formula_like("=SUM(A1)"), is_formula_like("+cmd|x"), is_formula_like("-3"), is_formula_like(-3)
    (True, True, False, False)
    """
    return isinstance(value, str) and value.startswith(_DANGEROUS) and not _NUMBER.fullmatch(value)


def csv_text(value):
    """The CSV rule for one cell: one apostrophe before text that starts like a formula.

    Also applied to text that already starts with apostrophes before such a character, so
    :func:`restore_csv_text` can undo it exactly. Control characters are replaced
    (:func:`clean_text`).

    Parameters
    ----------
    value : object

    Returns
    -------
    object

    Examples
    --------
    >>> from cjkit.report.export import csv_text
    >>> csv_text('=HYPERLINK("x")'), csv_text("'=x"), csv_text("-3"), csv_text("it's ok")
    ('\\'=HYPERLINK("x")', "''=x", '-3', "it's ok")
    """
    value = clean_text(value)
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def restore_csv_text(value):
    """Undo :func:`csv_text`: remove the one apostrophe it added.

    Parameters
    ----------
    value : object

    Returns
    -------
    object

    Examples
    --------
    >>> from cjkit.report.export import csv_text, restore_csv_text
    >>> all(restore_csv_text(csv_text(t)) == t for t in ["=1", "'=1", "''+x", "ok", "'quoted'", "-3"])
    True
    """
    if isinstance(value, str) and _QUOTED.match(value):
        return value[1:]
    return value


def _text_columns(frame: pd.DataFrame):
    for col in frame.columns:
        s = frame[col]
        if (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)
                or isinstance(s.dtype, pd.CategoricalDtype)):
            yield col


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with the CSV rule (:func:`csv_text`) applied to every text cell and column name.

    Numeric columns are left untouched (a negative number is data, not a formula).

    Parameters
    ----------
    frame : DataFrame
        Any table.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.report.export import neutralise
    >>> neutralise(pd.DataFrame({"text": ["=1+1", "ok"], "n": [-3, 4]})).to_dict("list")
    {'text': ["'=1+1", 'ok'], 'n': [-3, 4]}
    """
    out = frame.copy()
    out.columns = [csv_text(str(c)) for c in out.columns]
    for col in list(_text_columns(out)):
        out[col] = out[col].astype(object).map(csv_text)
    return out


def neutralise_csv_file(path) -> int:
    """Apply the CSV rule (:func:`csv_text`) to every cell of an existing CSV file, in place.

    The batch runner calls this for every CSV file a report notebook wrote, so tables written
    with plain ``DataFrame.to_csv`` are safe too. Quoting follows the file (comma separated,
    quotes where needed, CRLF rows as in RFC 4180), and so does the encoding (UTF-8, with or
    without BOM; anything else is read and written back byte for byte as Latin-1); line breaks
    inside cells, ``\\r`` included, are kept.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    int
        Number of cells changed.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from cjkit.report.export import neutralise_csv_file
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "t.csv"
    ...     _ = path.write_text('channel,n\\n=1+2,-3\\n', encoding="utf-8")
    ...     print(neutralise_csv_file(path), path.read_bytes().decode("utf-8").replace("\\r\\n", "\\n"))
    1 channel,n
    '=1+2,-3
    <BLANKLINE>
    """
    path = Path(path)
    raw = path.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:  # a table written in a legacy code page: every byte is a character
        encoding, text = "latin-1", raw.decode("latin-1")
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))  # long verbatims are one field
    rows = list(csv.reader(io.StringIO(text, newline="")))
    changed = 0
    out = []
    for row in rows:
        new = [csv_text(cell) for cell in row]
        changed += sum(a != b for a, b in zip(row, new))
        out.append(new)
    if changed:
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", encoding=encoding, newline="") as fh:
            csv.writer(fh, lineterminator="\r\n").writerows(out)  # RFC 4180: a cell with \r is quoted
        os.replace(tmp, path)
    return changed


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
    base = _SHEET_BAD.sub("_", clean_text(str(name))).strip("'")[:31] or "Tabelle"
    candidate, k = base, 2
    while candidate.lower() in {u.lower() for u in used}:
        suffix = f" ({k})"
        candidate, k = base[: 31 - len(suffix)] + suffix, k + 1
    used.add(candidate)
    return candidate


def text_cell(ws, row: int, col: int, text):
    """Write *text* into an openpyxl worksheet cell as text, never as a formula.

    The visible text is unchanged (no added apostrophe); control characters become visible
    symbols (:func:`clean_text`); formula-like text gets Excel's quote prefix, so it stays text
    even when the cell is edited.

    Parameters
    ----------
    ws : openpyxl.worksheet.worksheet.Worksheet
    row, col : int
        1-based cell position.
    text : str

    Returns
    -------
    openpyxl.cell.cell.Cell

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> from cjkit.report.export import text_cell
    >>> cell = text_cell(Workbook().active, 1, 1, "=HYPERLINK(1)")
    >>> cell.value, cell.data_type, cell.quotePrefix
    ('=HYPERLINK(1)', 's', True)
    """
    text = clean_text(str(text))
    cell = ws.cell(row, col)
    cell.value = text
    cell.data_type = "s"  # openpyxl typed '=...' as a formula; the text is the value
    if is_formula_like(text) or text.startswith("'"):
        cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
    return cell


def _as_text_cells(ws, texts: dict) -> None:
    for (row, col), text in texts.items():
        text_cell(ws, row, col, text)


def to_excel(tables: dict[str, pd.DataFrame], path) -> Path:
    """Write report tables to one workbook, one sheet per table; text cells stay text.

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
    (['=HYPERLINK(1)', 'gut'], [3, 4])
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
            frame = table.reset_index(drop=True)
            header = [clean_text(str(c)) for c in frame.columns]
            texts = {(1, i): c for i, c in enumerate(header, start=1)}
            text_cols = set(_text_columns(frame))
            columns = []
            for i, col in enumerate(frame.columns, start=1):
                values = frame.iloc[:, i - 1]
                if col in text_cols:
                    # Excel has no categorical or nullable dtypes; text goes in afterwards, typed
                    # as text, so openpyxl never reads '=...' as a formula
                    values = values.astype(object).map(clean_text)
                    texts.update({(r, i): v for r, v in enumerate(values, start=2) if isinstance(v, str)})
                    values = values.map(lambda v: None if isinstance(v, str) else v)
                columns.append(values.rename(i))
            frame = pd.concat(columns, axis=1) if columns else pd.DataFrame(index=frame.index)
            frame.columns = header
            frame.to_excel(xl, sheet_name=name, index=False)
            ws = xl.sheets[name]
            _as_text_cells(ws, texts)
            ws.freeze_panes = "A2"
            for i, col in enumerate(frame.columns, start=1):
                width = max([len(str(col))] + [len(str(texts.get((r, i), ""))) for r in range(2, min(len(frame), 200) + 2)])
                ws.column_dimensions[ws.cell(1, i).column_letter].width = min(60, max(8, width + 2))
    return path
