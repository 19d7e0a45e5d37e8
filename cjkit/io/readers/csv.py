"""CSV and TSV: encoding, delimiter and decimal comma detected, parsed by pyarrow.

The sample at the start of the file decides encoding (BOM, UTF-8, else charset-normalizer),
delimiter and decimal mark; pyarrow then parses the whole file multi-threaded. Ragged rows
are not fatal: they are excluded and reported in ``meta['issues']`` with their row number,
so the ledger can account for them.

Examples
--------
>>> import tempfile, pathlib
>>> from cjkit.io.readers import csv
>>> path = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
>>> _ = path.write_bytes("id;zufriedenheit;kommentar\\n1;4,5;schön ruhig\\n".encode("cp1252"))
>>> res = csv.read(path)
>>> res.meta["encoding"], res.meta["delimiter"], res.meta["decimal"]
('cp1252', ';', ',')
>>> res.wide["zufriedenheit"].tolist(), res.wide["kommentar"].tolist()
([4.5], ['schön ruhig'])
"""
from __future__ import annotations

import csv as _csv
import io
import itertools
import logging
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from cjkit.errors import DataError
from . import _text
from ._base import ISSUE_COLUMNS, ReadResult, dedupe, make_meta, question_frame, with_row_index

log = logging.getLogger("cjkit.io.readers")
BLOCK = 4 << 20
NULLS = ["", "NA", "N/A", "NaN", "nan", "NULL", "null", "#N/A", "#NULL!"]  # #NULL! = SPSS system-missing


def _convert_error_column(msg: str) -> int | None:
    m = re.search(r"In CSV column #(\d+)", msg)
    return int(m.group(1)) if m else None


def _scan_rows(path: Path, encoding: str, delimiter: str, header_rows: int, width: int):
    """Python pass over the file (only when pyarrow reported bad rows, or a multi-line cell may
    hide an unclosed quote).

    Returns the bad records ``(data row, fields, text, first line, last line)`` (field count not
    *width*), the number of data rows, and the last record ``(data row, first line, last line)``;
    lines are physical lines of the file, so a quote that swallows lines can be located.
    """
    bad, n, last = [], 0, None
    with _text.open_binary(path) as raw, _text.big_fields():
        text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        reader = _csv.reader(text, delimiter=delimiter)
        end = 0
        for i, rec in enumerate(reader):
            start, end = end + 1, reader.line_num
            if i < header_rows or not rec:
                continue
            n += 1
            last = (n, start, end)
            if len(rec) != width:
                bad.append((n, len(rec), delimiter.join(rec)[:80], start, end))
    return bad, n, last


def _ends_in_open_quote(path: Path, encoding: str, delimiter: str, first_line: int) -> bool:
    """True when the record starting at *first_line* runs to the end of the file inside quotes."""
    with _text.open_binary(path) as raw, _text.big_fields():
        text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        tail = itertools.islice(text, first_line - 1, None)
        try:
            for _ in _csv.reader(tail, delimiter=delimiter, strict=True):
                pass
        except _csv.Error as exc:
            return "unexpected end of data" in str(exc)
    return False


def _unclosed_quote(path: Path, row: int, first: int, last: int, fields: int | None, width: int):
    detail = f" ({fields} fields; the header has {width})" if fields is not None else ""
    return DataError(f"unbalanced quote: a quoted cell opened in line {first} is not closed where the cell ends, "
                     f"so lines {first}-{last} were read as one record{detail}; expected a closing \" for "
                     f"every opening \" — fix line {first} or export the file again", file=path, row=row)


def _parse(path: Path, *, encoding: str, delimiter: str, decimal: str, header_rows: int,
           newlines: bool, block: int, string_cols: dict):
    bad: list = []

    def handler(row):
        bad.append(row)
        return "skip"

    source = _text.open_binary(path)
    try:
        table = pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(encoding=encoding, block_size=block, autogenerate_column_names=True,
                                           skip_rows_after_names=header_rows),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=newlines,
                                             invalid_row_handler=handler),
            convert_options=pacsv.ConvertOptions(decimal_point=decimal, null_values=NULLS,
                                                 strings_can_be_null=True, column_types=string_cols))
    finally:
        source.close()
    return table, bad


def _reencode(path: Path) -> str:
    """The file is not valid UTF-8 beyond the sample: refuse mixed encodings, else detect the
    single-byte encoding from the whole file."""
    with _text.open_binary(path) as fh:
        whole = fh.read()
    try:
        whole.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason != "unexpected end of data":
            _text.mixed_encoding_check(whole, err.start, path)
    enc = _text.detect_encoding(whole, complete=True, file=path)
    if enc in ("utf-8", "utf-8-sig"):
        raise DataError("the file is not valid UTF-8 text; expected UTF-8 or Windows-1252", file=path)
    return enc


def read_table(path, *, header_rows: int | None = 1, encoding: str | None = None, delimiter: str | None = None,
               decimal: str | None = None, fmt: str = "csv", names=None) -> ReadResult:
    """Read a delimited text file whose first *header_rows* records are headers.

    Column names come from the first header record, or from ``names(header_records)`` when
    *names* is a callable (blanks and repeats made unique); all header records are kept in
    ``meta['header_rows']``.

    Parameters
    ----------
    path : str or Path
        The file (``.zip``/``.gz`` holding one file are read directly).
    header_rows : int or None
        Records before the data (Qualtrics: 3, SurveyMonkey: 2; 0: no header, columns are named
        ``col_1``, ``col_2`` ...). None: 1, unless the first row holds data rather than names
        (numbers or dates where the rows below have them too), then 0.
    encoding, delimiter, decimal : str, optional
        Detected from the start of the file when not given.
    fmt : str
        Value of ``meta['format']``.
    names : callable, optional
        ``names(header_records) -> list of column names``.

    Returns
    -------
    ReadResult
        Rows with a wrong number of fields are excluded and listed in ``meta['issues']`` with
        their 1-based data row (``check = "ragged_row"``); ``meta['n_input']`` counts them.

    Raises
    ------
    DataError
        Empty file, header-only file, truncated multi-byte text or an unparsable file,
        naming the file (and row when known).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cjkit.io.readers.csv import read_table
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "answers.csv"
    >>> _ = path.write_text("q1,q2\\nHow satisfied?,Recommend?\\n5,9\\n4,10,oops\\n3,7\\n")
    >>> res = read_table(path, header_rows=2)
    >>> res.wide
         q1  q2
    row
    1     5   9
    3     3   7
    >>> res.meta["issues"][["row", "check", "reason"]].to_dict("records")
    [{'row': 2, 'check': 'ragged_row', 'reason': 'row has 3 fields, the header has 2'}]
    >>> res.meta["n_input"], res.meta["header_rows"][1]
    (3, ['How satisfied?', 'Recommend?'])
    """
    path = Path(path)
    auto_header = header_rows is None
    # the head holds every header record and the first data rows, however long the headers are
    sample, complete = _text.read_head(path, records=(1 if auto_header else header_rows) + 2)
    if not sample.strip():
        raise DataError("the file is empty; expected a header row and data rows", file=path)
    encoding = encoding or _text.detect_encoding(sample, complete=complete, file=path)
    text = _text.decode_sample(sample, encoding)
    delimiter = delimiter or _text.sniff_delimiter(text)
    decimal = decimal or ("," if _text.uses_decimal_comma(text, delimiter) else ".")
    if auto_header:
        header_rows = 0 if _text.looks_headerless(_text.first_rows(text, delimiter, 50)) else 1
        if header_rows == 0:
            log.warning("%s: the first row holds data, not column names; read without a header "
                        "(pass header_rows=1 if it is a header)", path.name)
    headers = _text.first_rows(text, delimiter, header_rows) if header_rows else []
    if header_rows and (not headers or not any(c.strip() for c in headers[0])):
        raise DataError("no header row found; expected column names in the first row", file=path, row=0)
    if len(headers) < header_rows:
        raise DataError(f"expected {header_rows} header rows, but the file has only {len(headers)} rows",
                        file=path)
    if callable(names):  # platform readers build names from all header records
        names = names(headers)
    if header_rows == 0:  # no names in the file: col_1, col_2, ... as wide as the widest early row
        width = max((len(r) for r in _text.first_rows(text, delimiter, 50)), default=0)
        names = names or [f"col_{i}" for i in range(1, width + 1)]
    names = dedupe(names or headers[0])
    arrow_enc = "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding
    newlines = any("\n" in c or "\r" in c for r in _text.first_rows(text, delimiter, 500) for c in r)
    block, string_cols = BLOCK, {}
    for _attempt in range(len(names) + 4):
        try:
            table, bad = _parse(path, encoding=arrow_enc, delimiter=delimiter, decimal=decimal,
                                header_rows=header_rows, newlines=newlines, block=block, string_cols=string_cols)
        except pa.ArrowInvalid as exc:
            msg = str(exc)
            col = _convert_error_column(msg)
            if "Empty CSV file" in msg:
                if sample.strip() and _ends_in_open_quote(path, encoding, delimiter, 1):
                    raise DataError("unbalanced quote in the header: a quoted name opened in line 1 is never "
                                    "closed, so the whole file reads as one header; expected a closing \" — "
                                    "fix line 1 or export the file again", file=path, row=0) from None
                raise DataError("the file is empty; expected a header row and data rows", file=path) from None
            if "straddl" in msg or "block" in msg:
                block *= 8  # a huge cell (e.g. 1 MB of text) must fit into one parse block
                newlines = True
                continue
            if "invalid UTF8" in msg:
                encoding = _reencode(path)
                arrow_enc = encoding
                continue
            if col is not None and f"f{col}" not in string_cols:
                # pyarrow guesses types from the first block; a later text value keeps the column as text
                string_cols[f"f{col}"] = pa.string()
                continue
            raise DataError(f"cannot parse the file as delimited text ({msg.splitlines()[0][:200]})",
                            file=path) from None
        if arrow_enc == "utf8" and any(pa.types.is_binary(f.type) for f in table.schema):
            # pyarrow types a column with invalid UTF-8 as binary instead of failing
            encoding = _reencode(path)
            arrow_enc = encoding
            continue
        if bad and not newlines:
            newlines = True  # a quoted line break splits a record in two; parse again aware of it
            continue
        break
    else:
        raise DataError("cannot parse the file as delimited text", file=path)
    if table.num_columns != len(names):
        raise DataError(f"the header has {len(names)} columns but the data rows have {table.num_columns}; "
                        "expected the same number in every row", file=path, row=1)
    table = table.rename_columns(names)
    # free arrow buffers column by column as pandas takes them over: lower peak memory
    wide = table.to_pandas(split_blocks=True, self_destruct=True)
    del table
    issues = pd.DataFrame(columns=ISSUE_COLUMNS)
    n_input = len(wide)
    tail_flag = None
    multiline_tail = newlines and len(wide) and any(
        isinstance(v, str) and ("\n" in v or "\r" in v) for v in wide.iloc[-1].tolist())
    if bad or multiline_tail:
        rows_bad, n_scan, last = _scan_rows(path, encoding, delimiter, header_rows, len(names))
        for r, k, _, first, end in rows_bad:
            if end > first:
                # a record over several lines with the wrong field count: a quote swallowed lines
                raise _unclosed_quote(path, r, first, end, k, len(names))
        open_end = bool(last) and _ends_in_open_quote(path, encoding, delimiter, last[1])
        if open_end and last[2] > last[1]:
            # the last record runs to the end of the file inside quotes: the lines after the
            # opening quote would silently become one cell
            raise _unclosed_quote(path, last[0], last[1], last[2], None, len(names))
        if open_end and last[0] not in {r for r, *_ in rows_bad}:
            # one line, right width, but its last quote never closes: the file was cut there
            tail_flag = pd.DataFrame([{"row": last[0], "column": names[-1], "check": "unclosed_quote",
                                       "action": "flagged", "old_value": None,
                                       "reason": f"line {last[1]}, the last of the file, ends inside a quoted cell: "
                                                 "the file may be truncated and the cell incomplete"}],
                                     columns=ISSUE_COLUMNS)
    if bad:
        n_input = n_scan
        bad_set = {r for r, _, _, _, _ in rows_bad}
        kept_rows = [r for r in range(1, n_input + 1) if r not in bad_set]
        if len(kept_rows) != len(wide):  # the two parsers disagree: refuse rather than misnumber rows
            raise DataError(f"{len(rows_bad)} rows have the wrong number of fields and the file cannot be "
                            "re-aligned; expected every row to have "
                            f"{len(names)} fields", file=path, row=rows_bad[0][0] if rows_bad else None)
        wide = with_row_index(wide, kept_rows)
        issues = pd.DataFrame([{"row": r, "column": None, "check": "ragged_row", "action": "excluded",
                                "reason": f"row has {k} fields, the header has {len(names)}"
                                          + (" (file truncated?)" if r == n_input else ""),
                                "old_value": t} for r, k, t, _, _ in rows_bad], columns=ISSUE_COLUMNS)
        log.warning("%s: %d ragged rows excluded", path.name, len(rows_bad))
    else:
        wide = with_row_index(wide)
    if n_input == 0:
        raise DataError("the file has a header but no data rows", file=path, row=1)
    if newlines and len(names) >= 3:
        issues = pd.concat([issues, _swallowed_records(wide, delimiter, len(names))], ignore_index=True)
    if tail_flag is not None:
        issues = pd.concat([issues, tail_flag], ignore_index=True)
    if decimal == ",":
        wide = german_numbers(wide)
    # a trailing delimiter on every line makes a nameless, empty column: it holds nothing
    source = headers[0] if headers else names
    void = [n for n, h in zip(names, source) if not h.strip() and wide[n].isna().all()]
    if void:  # dropping nothing still copies every column of a wide frame
        wide = wide.drop(columns=void)
    questions = question_frame([{"column": n, "source_name": h, "question_text": h, "item_text": None,
                                 "group": n, "kind": None} for n, h in zip(names, source) if n not in void])
    meta = make_meta(fmt, path, encoding=encoding, delimiter=delimiter, decimal=decimal,
                     header_rows=headers, questions=questions, issues=issues, n_input=n_input,
                     headerless=header_rows == 0)
    return ReadResult(wide, meta)


def _swallowed_records(wide: pd.DataFrame, delimiter: str, width: int) -> pd.DataFrame:
    """Flag multi-line cells with an inner line that is a whole record of *width* fields: two
    unclosed quotes can pair up and hide the rows between them in one cell while every record
    still has the right number of fields. A comment can look like that too, so the cell is
    kept and flagged (row, column, reason) rather than refused."""
    rows = []
    for col in wide.columns:
        s = wide[col]
        if not (pd.api.types.is_string_dtype(s) or s.dtype == object):
            continue
        multi = s.dropna().astype("string")
        multi = multi[multi.str.contains("\n|\r", regex=True)]
        for row, value in multi.items():
            lines = re.split(r"\r\n|\n|\r", value)
            inner = [ln for ln in lines[1:-1] if len(next(_csv.reader([ln], delimiter=delimiter), [])) == width]
            if inner:
                rows.append({"row": row, "column": col, "check": "suspect_quote", "action": "flagged",
                             "old_value": value[:80],
                             "reason": f"the cell spans {len(lines)} lines and line '{inner[0][:40]}' inside it is "
                                       f"a whole record of {width} fields: a quote may be unclosed, hiding rows "
                                       "in this cell — check the file at this row"})
    return pd.DataFrame(rows, columns=ISSUE_COLUMNS)


def german_numbers(wide: pd.DataFrame) -> pd.DataFrame:
    """Convert text columns whose every value is a German number (``1.234,5``) to float.

    Parameters
    ----------
    wide : DataFrame
        Columns as read; other columns are left alone.

    Returns
    -------
    DataFrame
        A new frame; the input is not changed.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.io.readers.csv import german_numbers
    >>> german_numbers(pd.DataFrame({"umsatz": ["1.234,5", "12,0"], "plz": ["80331", "Nord"]}))
       umsatz    plz
    0  1234.5  80331
    1    12.0   Nord
    """
    out = wide
    for col in wide.columns:
        s = wide[col]
        if not (pd.api.types.is_string_dtype(s) or s.dtype == object):
            continue
        vals = s.dropna().astype("string")
        if len(vals) and vals.str.match(_text.GERMAN_NUMBER.pattern).all():
            num = vals.str.strip().str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
            out = out.assign(**{col: pd.to_numeric(num, errors="coerce").reindex(s.index).astype("float64")})
    return out


def read(path, **kw) -> ReadResult:
    """Read a CSV/TSV file with one header row (see :func:`read_table` for options).

    Parameters
    ----------
    path : str or Path
        The file.
    **kw
        Options of :func:`read_table` (``encoding``, ``delimiter``, ``decimal``, ``header_rows``).
        Without ``header_rows`` a file whose first row holds data (numbers or dates where the
        rows below have them too) is read without a header: columns ``col_1``, ``col_2`` ...

    Returns
    -------
    ReadResult
        ``meta['format'] == "csv"``; ``meta['headerless']`` says whether the file had no header.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cjkit.io.readers import csv
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tab.tsv"
    >>> _ = path.write_text("id\\tnps\\nA\\t9\\nB\\t6\\n")
    >>> res = csv.read(path)
    >>> res.meta["delimiter"], res.wide["nps"].tolist()
    ('\\t', [9, 6])
    >>> _ = path.write_text("17\\tSehr freundlich\\t5\\n18\\tZimmer zu klein\\t2\\n")
    >>> res = csv.read(path)
    >>> res.meta["headerless"], res.wide.columns.tolist(), len(res.wide)
    (True, ['col_1', 'col_2', 'col_3'], 2)
    """
    kw.setdefault("header_rows", None)  # a header-less export must not lose its first respondent
    return read_table(path, **kw)
