"""Readers for survey and feedback exports, a registry of them, and format detection.

Every reader takes a path and returns a :class:`ReadResult` ``(wide, meta)`` with the same
meta keys, so :func:`cjkit.io.load.load` treats all formats alike. :func:`detect` looks at the
file name and the first records to pick the reader; files that are not survey data (a
Word report, a LimeSurvey group file, an R syntax file, a licence) get a :class:`DataError`
that says what the file is and what to export instead.

Examples
--------
>>> import tempfile, pathlib
>>> from cjkit.io import readers
>>> path = pathlib.Path(tempfile.mkdtemp()) / "umfrage.csv"
>>> _ = path.write_text("id;zufriedenheit\\n1;4,5\\n2;2,0\\n", encoding="utf-8")
>>> res = readers.read(path)
>>> res.meta["format"], res.meta["delimiter"], res.meta["decimal"], res.meta["n_input"]
('csv', ';', ',', 2)
>>> res.wide["zufriedenheit"].tolist()
[4.5, 2.0]
"""
from __future__ import annotations

import difflib
import inspect
import json
import re
import zipfile
from pathlib import Path

from cjkit.errors import DataError, ParameterError
from . import _text
from . import csv as csv_reader
from . import excel
from . import feedback
from . import formbricks
from . import googleforms
from . import limesurvey
from . import parquet
from . import qualtrics
from . import spss
from . import stata
from . import surveymonkey
from ._base import ReadResult

__all__ = ["ReadResult", "read", "detect", "formats", "options", "check_file", "REGISTRY"]

REGISTRY = {
    "csv": csv_reader.read,
    "excel": excel.read,
    "spss": spss.read,
    "parquet": parquet.read,
    "stata": stata.read,
    "qualtrics": qualtrics.read,
    "surveymonkey": surveymonkey.read,
    "limesurvey": limesurvey.read,
    "googleforms": googleforms.read,
    "formbricks": formbricks.read,
    "feedback": feedback.read,
}

SUFFIX = {".sav": "spss", ".zsav": "spss", ".por": "spss", ".dta": "stata", ".xlsx": "excel", ".xlsm": "excel",
          ".xls": "excel", ".parquet": "parquet", ".pq": "parquet"}

EXPORT_INSTEAD = "export the responses as CSV, Excel (.xlsx), SPSS (.sav) or Stata (.dta)"
OUT_OF_SCOPE = {
    ".docx": f"a Word document (a report, not response data); {EXPORT_INSTEAD}",
    ".doc": f"a Word document (a report, not response data); {EXPORT_INSTEAD}",
    ".odt": f"a text document (OpenDocument), not response data; {EXPORT_INSTEAD}",
    ".rtf": f"a text document (RTF), not response data; {EXPORT_INSTEAD}",
    ".pdf": f"a PDF document, not response data; {EXPORT_INSTEAD}",
    ".pptx": f"a PowerPoint presentation, not response data; {EXPORT_INSTEAD}",
    ".ppt": f"a PowerPoint presentation, not response data; {EXPORT_INSTEAD}",
    ".html": f"a web page (HTML), not a data export; {EXPORT_INSTEAD}",
    ".htm": f"a web page (HTML), not a data export; {EXPORT_INSTEAD}",
    ".xml": f"an XML file, which cjkit does not read as responses; {EXPORT_INSTEAD}",
    ".json": "a JSON file, which cjkit does not read as responses (API downloads differ per tool); "
             f"{EXPORT_INSTEAD}",
    ".ods": "a spreadsheet in OpenDocument format (.ods), which cjkit does not read; save it as "
            "Excel (.xlsx) or CSV",
    ".numbers": "an Apple Numbers spreadsheet, which cjkit does not read; export it as Excel (.xlsx) or CSV",
    ".sas7bdat": "a SAS data file (.sas7bdat), which cjkit does not read; export it from SAS as CSV, "
                 "SPSS (.sav) or Stata (.dta)",
    ".xpt": "a SAS transport file (.xpt), which cjkit does not read; export it as CSV, SPSS (.sav) or "
            "Stata (.dta)",
    ".rds": "an R data file (.rds), which cjkit does not read; in R, write it with haven::write_sav() "
            "or write.csv()",
    ".rdata": "an R workspace (.RData), which cjkit does not read; in R, write the data frame with "
              "haven::write_sav() or write.csv()",
    ".rda": "an R workspace (.rda), which cjkit does not read; in R, write the data frame with "
            "haven::write_sav() or write.csv()",
    ".feather": "an Arrow/Feather file, which cjkit does not read; write it as Parquet or CSV",
    ".qsf": "a Qualtrics survey definition (.qsf) without responses; load the CSV export and pass "
            "the .qsf as qsf= (or put it beside the CSV) for question texts",
    ".lsg": "a LimeSurvey question-group file (XML, questions without responses); export responses "
            "in LimeSurvey via Responses > Export > CSV or 'R (data file)'",
    ".lss": "a LimeSurvey survey structure file (XML, no responses); export responses in LimeSurvey "
            "via Responses > Export > CSV or 'R (data file)'",
    ".lsa": "a LimeSurvey archive; export responses in LimeSurvey via Responses > Export > CSV",
    ".lsq": "a LimeSurvey question file (XML, no responses); export responses in LimeSurvey via "
            "Responses > Export > CSV",
    ".r": "an R syntax file (code, not data); load the data file it reads (e.g. "
          "survey_<id>_R_data_file.csv) — its labels are picked up automatically",
    ".sps": "an SPSS syntax file (code, not data); load the .sav file instead",
    ".do": "a Stata do-file (code, not data); load the .dta file instead",
    ".py": "a Python script (code, not data); load the data file instead",
    ".ipynb": "a Jupyter notebook, not data; load the export file instead",
    ".md": "a documentation file (Markdown), not survey data",
    ".png": "an image, not survey data", ".jpg": "an image, not survey data",
    ".jpeg": "an image, not survey data", ".gif": "an image, not survey data",
}
# content signatures for files whose name does not say what they are (a .csv that is a workbook)
MAGIC = [(b"%PDF", "a PDF document, not response data; " + EXPORT_INSTEAD),
         (b"\xd0\xcf\x11\xe0", None),  # OLE2: a legacy .xls, or a .doc/.ppt
         (b"PK\x03\x04", None),  # zip container: .xlsx, .docx, .pptx, .ods or a plain archive
         (b"$FL2", "spss"), (b"$FL3", "spss"), (b"PAR1", "parquet"), (b"<stata_dta>", "stata"),
         (b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xc2\xea\x81\x60", "a SAS data file (.sas7bdat), "
          "which cjkit does not read; export it from SAS as CSV, SPSS (.sav) or Stata (.dta)"),
         (b"\x89PNG", "an image (PNG), not survey data"), (b"\xff\xd8\xff", "an image (JPEG), not survey data"),
         (b"{\\rtf", "a text document (RTF), not response data; " + EXPORT_INSTEAD)]
ZIP_KINDS = [("xl/workbook.xml", "excel"),
             ("word/document.xml", "a Word document (a report, not response data); " + EXPORT_INSTEAD),
             ("ppt/presentation.xml", "a PowerPoint presentation, not response data; " + EXPORT_INSTEAD),
             ("content.xml", "an OpenDocument file (.ods/.odt), which cjkit does not read; save it as "
                             "Excel (.xlsx) or CSV")]
DOC_NAMES = re.compile(r"(^|[_\-. ])(licen[cs]e|readme|description|copying|notice|authors|changelog)([_\-. ]|$)",
                       re.I)
LIME_STRUCTURE = ("this is a LimeSurvey survey structure file (tab-separated questions and answer options, "
                  "no responses); use cjkit.io.readers.limesurvey.read_structure() for question texts, "
                  "and export the responses in LimeSurvey via Responses > Export > CSV or 'R (data file)'")


def formats() -> list[str]:
    """Names of all registered readers, sorted.

    Returns
    -------
    list of str
        The values :func:`read` accepts as ``format=`` (besides ``"auto"``).

    Examples
    --------
    >>> from cjkit.io import readers
    >>> readers.formats()
    ['csv', 'excel', 'feedback', 'formbricks', 'googleforms', 'limesurvey', 'parquet', 'qualtrics', 'spss', 'stata', 'surveymonkey']
    """
    return sorted(REGISTRY)


def _out_of_scope(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix in OUT_OF_SCOPE:
        raise DataError(f"this is {OUT_OF_SCOPE[suffix]}", file=path)
    if DOC_NAMES.search(path.name):
        raise DataError("this is a licence/readme/package description file, not survey data; "
                        "expected a CSV, TSV, Excel, SPSS, Stata or Parquet export", file=path)


def check_file(path: Path) -> None:
    """Raise a :class:`DataError` naming *path* unless it is a readable file.

    Parameters
    ----------
    path : Path
        The export the researcher passed.

    Raises
    ------
    DataError
        Missing file (with similar names in the folder), a folder, or a file that cannot be opened.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cjkit.io.readers import check_file
    >>> check_file(pathlib.Path(tempfile.mkdtemp()))
    Traceback (most recent call last):
    ...
    cjkit.errors.DataError: file '...': this is a folder; expected one export file (CSV, Excel, SPSS, ...), e.g. a file inside it
    """
    if path.is_dir():
        raise DataError("this is a folder; expected one export file (CSV, Excel, SPSS, Stata or Parquet), "
                        "e.g. a file inside it", file=path)
    if not path.exists():
        near = sorted(p.name for p in path.parent.glob(f"{path.stem[:3]}*") if p.is_file())[:5] \
            if path.parent.is_dir() else []
        hint = f"; files with a similar name in that folder: {near}" if near else ""
        where = "" if path.parent.is_dir() else f"; the folder '{path.parent}' does not exist either"
        raise DataError(f"file not found{where}{hint}", file=path)
    if not path.is_file():
        raise DataError("not a regular file (a device, pipe or socket); expected an export file", file=path)
    try:
        with open(path, "rb") as fh:
            fh.read(1)
    except PermissionError:
        raise DataError("permission denied: the file cannot be opened for reading; expected a file you "
                        "may read — check its permissions or copy it into your project", file=path) from None
    except OSError as exc:
        raise DataError(f"the file cannot be opened ({exc.strerror or exc}); expected a readable file",
                        file=path) from None


def _magic(path: Path, head: bytes) -> str | None:
    """The format told by the first bytes, for files whose name does not say it; raises for
    kinds cjkit does not read."""
    for sig, kind in MAGIC:
        if not head.startswith(sig):
            continue
        if sig == b"PK\x03\x04":
            return _zip_kind(path)
        if sig == b"\xd0\xcf\x11\xe0":  # OLE2: legacy Excel, or Word/PowerPoint 97-2003
            return "excel" if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in head or \
                b"B\x00o\x00o\x00k" in head else _ole_kind(path)
        if kind in REGISTRY or kind == "stata":
            return kind
        raise DataError(f"this is {kind}", file=path)
    # Stata 8-13 (formats 113-117 begin with the release byte, then the byte order 1 or 2)
    if len(head) > 3 and 104 <= head[0] <= 117 and head[1] in (1, 2) and head[2] == 1:
        return "stata"
    return None


def _ole_kind(path: Path) -> str:
    with open(path, "rb") as fh:
        data = fh.read(4 << 20)
    if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in data or b"B\x00o\x00o\x00k" in data:
        return "excel"
    raise DataError("this is an old Microsoft Office document (Word or PowerPoint 97-2003), not response "
                    f"data; {EXPORT_INSTEAD}", file=path)


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        raise DataError("this looks like a zip container (an .xlsx/.docx or archive) but is damaged or "
                        "truncated; export the file again", file=path) from None
    for member, kind in ZIP_KINDS:
        if member in names:
            if kind == "excel":
                return "excel"
            raise DataError(f"this is {kind}", file=path)
    raise DataError(f"this is a zip archive holding {len(names)} files (named '{path.name}'); unpack it and "
                    "load the export file inside", file=path)


def _excel_kind(path: Path) -> str:
    """The platform of an export downloaded as a workbook (Qualtrics, SurveyMonkey, ...), else ``excel``."""
    try:
        rows = excel.first_rows(path, 6)
    except DataError:
        return "excel"  # the Excel reader names the problem
    for fmt, probe in PROBES:
        if probe(rows, path):
            return fmt
    return "excel"


def detect(path) -> str:
    """Name of the reader for *path*, from its suffix and its first records.

    Parameters
    ----------
    path : str or Path
        The export; a ``.zip`` holding one file is looked into.

    Returns
    -------
    str
        One of :func:`formats` (plain delimited text that no tool signature matches is ``"csv"``).

    Raises
    ------
    DataError
        If the file does not exist, is a folder, cannot be opened, or is not survey data (the
        message says what it is and what to export instead).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cjkit.io.readers import detect
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "answers.csv").write_text("Respondent ID,Q1\\n,Response\\n1,yes\\n")
    >>> detect(d / "answers.csv")
    'surveymonkey'
    >>> _ = (d / "survey.qsf").write_text("{}")
    >>> detect(d / "survey.qsf")
    Traceback (most recent call last):
    ...
    cjkit.errors.DataError: file '...survey.qsf': this is a Qualtrics survey definition (.qsf) without responses; ...
    >>> _ = (d / "responses.json").write_text("[]")
    >>> detect(d / "responses.json")
    Traceback (most recent call last):
    ...
    cjkit.errors.DataError: file '...responses.json': this is a JSON file, which cjkit does not read as responses ...; export the responses as CSV, Excel (.xlsx), SPSS (.sav) or Stata (.dta)
    """
    path = Path(path)
    check_file(path)
    _out_of_scope(path)
    name = path
    if path.suffix.lower() == ".zip":
        name = Path(_text.inner_name(path))
        try:
            _out_of_scope(name)
        except DataError as err:  # name the archive the researcher passed, and the file inside
            raise DataError(f"the file inside, '{name.name}', is not survey data: "
                            f"{str(err).split(': ', 1)[1]}", file=path) from None
        if name.suffix.lower() in SUFFIX:  # binary formats are read from files, not from inside archives
            raise DataError(f"this zip archive holds '{name.name}'; unpack it and load '{name.name}' itself",
                            file=path)
    suffix = name.suffix.lower()
    if suffix in SUFFIX:
        fmt = SUFFIX[suffix]
        return _excel_kind(path) if fmt == "excel" and name is path else fmt
    # 4 complete records: up to 3 header rows and the first data row, however long they are
    sample, whole = _text.read_head(path, records=6, size=64 * 1024)
    if not sample.strip():
        raise DataError("the file is empty; expected a header row and data rows", file=path)
    kind = _magic(path, sample) if name is path else None
    if kind:
        return _excel_kind(path) if kind == "excel" else kind
    if b"\x00" in sample[:4096] and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError("this is a binary file of unknown format; expected CSV, TSV, Excel (.xlsx), "
                        "SPSS (.sav/.zsav/.por), Stata (.dta) or Parquet", file=path)
    encoding = _text.detect_encoding(sample, complete=whole, file=path)
    text = _text.decode_sample(sample, encoding)
    if text.lstrip()[:1] in ("{", "[") and _is_json(text):
        raise DataError(f"this is {OUT_OF_SCOPE['.json']}", file=path)
    if text.lstrip()[:5].lower() in ("<?xml", "<html", "<!doc"):
        raise DataError(f"this is {OUT_OF_SCOPE['.xml'] if text.lstrip()[:5] == '<?xml' else OUT_OF_SCOPE['.html']}",
                        file=path)
    rows = _text.first_rows(text, _text.sniff_delimiter(text), 6)
    for fmt, probe in PROBES:
        if probe(rows, path):
            return fmt
    return "csv"


def _is_json(text: str) -> bool:
    head = text.lstrip()
    try:
        json.loads(head)
        return True
    except ValueError:  # the head of a long JSON file is cut: judge by how it starts
        return head.startswith(('{"', "[{", "[\n", "{\n", "[\r", "{\r", "[ ", "{ ", "[]", "{}"))


def _is_lime_structure(rows, path):
    # two layouts: the current "id, related_id, class, type/scale, name, ..." and the older
    # "class, type/scale, name, relevance, text, ..." — both list questions, never responses
    head = [c.strip().lower() for c in rows[0]] if rows else []
    if "class" in head and "type/scale" in head and "name" in head:
        raise DataError(LIME_STRUCTURE, file=path)
    return False


PROBES = [
    ("limesurvey_structure", _is_lime_structure),
    ("qualtrics", qualtrics.looks_like),
    ("surveymonkey", surveymonkey.looks_like),
    ("formbricks", formbricks.looks_like),
    ("limesurvey", limesurvey.looks_like),
    ("googleforms", googleforms.looks_like),
]


TEXT_FORMATS = ("csv", "qualtrics", "surveymonkey", "limesurvey", "googleforms", "formbricks")
# options of read_table that readers passing **kw through to it accept
_TEXT_OPTIONS = ("encoding", "delimiter", "decimal")


def options(fmt: str) -> list[str]:
    """The keyword options the reader *fmt* accepts.

    Parameters
    ----------
    fmt : str
        One of :func:`formats`.

    Returns
    -------
    list of str
        Sorted option names.

    Examples
    --------
    >>> from cjkit.io.readers import options
    >>> options("excel")
    ['header_rows', 'sheet']
    >>> options("qualtrics")
    ['decimal', 'delimiter', 'encoding', 'qsf']
    """
    reader = REGISTRY[fmt]
    params = inspect.signature(reader).parameters
    named = {n for n, p in params.items() if p.kind == p.KEYWORD_ONLY
             or (p.kind == p.POSITIONAL_OR_KEYWORD and n != "path")}
    if any(p.kind == p.VAR_KEYWORD for p in params.values()):
        if fmt == "csv":
            named |= {"header_rows", *_TEXT_OPTIONS}
        elif fmt == "feedback":
            named |= {"sheet", "header_rows", "qsf", "syntax", "columns", *_TEXT_OPTIONS}
        else:
            named |= set(_TEXT_OPTIONS)
    return sorted(named)


def _check_options(fmt: str, path: Path, kw: dict) -> None:
    allowed = options(fmt)
    unknown = [k for k in kw if k not in allowed]
    if unknown:
        close = {k: difflib.get_close_matches(k, allowed, n=1) for k in unknown}
        hints = "; ".join(f"did you mean '{c[0]}' instead of '{k}'?" for k, c in close.items() if c)
        raise ParameterError(unknown[0], kw[unknown[0]], allowed=allowed or "no options",
                             message=f"file '{path.name}': unknown option "
                                     f"{', '.join(repr(k) for k in unknown)} for the {fmt} reader"
                                     + (f" ({hints})" if hints else ""))


def read(path, format: str = "auto", **kw) -> ReadResult:  # noqa: A002 - mirrors load(format=)
    """Read *path* with the reader named *format* (``"auto"``: :func:`detect`).

    Parameters
    ----------
    path : str or Path
        The export.
    format : str
        ``"auto"`` or one of :func:`formats`.
    **kw
        Options of the chosen reader (e.g. ``sheet=`` for Excel, ``qsf=`` for Qualtrics).

    Returns
    -------
    ReadResult
        ``(wide, meta)``: one row per respondent indexed by the 1-based data row, and the same
        meta keys for every format (see :class:`cjkit.io.readers.ReadResult`).

    Raises
    ------
    DataError
        Missing, empty, damaged or out-of-scope file, naming the file.
    ParameterError
        Unknown *format*.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cjkit.io.readers import read
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "export.txt"
    >>> _ = path.write_text("id,nps\\nA,9\\nB,6\\n")
    >>> res = read(path, format="csv")
    >>> res.wide
         id  nps
    row
    1     A    9
    2     B    6
    >>> read(path, format="sas")
    Traceback (most recent call last):
    ...
    cjkit.errors.ParameterError: parameter 'format' got 'sas'; allowed: auto, csv, excel, ...
    """
    if format != "auto" and format not in REGISTRY:
        raise ParameterError("format", format, allowed=["auto"] + formats())
    path = Path(path)
    fmt = detect(path) if format == "auto" else format
    if format != "auto":
        check_file(path)
        _out_of_scope(path)
        if fmt in TEXT_FORMATS and path.suffix.lower() not in SUFFIX:
            # a structure file read with format="csv" would still become fake respondents
            head = _text.read_sample(path, 64 * 1024, records=2)
            text = _text.decode_sample(head, _text.detect_encoding(head, complete=False, file=path))
            _is_lime_structure(_text.first_rows(text, _text.sniff_delimiter(text), 1), path)
    # a misspelt option (shet=, delimter=) must not be ignored silently: the researcher meant something
    _check_options(fmt, path, kw)
    try:
        return REGISTRY[fmt](path, **kw)
    except PermissionError:
        raise DataError("permission denied: a file the reader needs cannot be opened; expected a file you may "
                        "read", file=path) from None
    except (IsADirectoryError, FileNotFoundError) as exc:
        raise DataError(f"cannot open '{exc.filename}' ({exc.strerror}); expected an existing file",
                        file=path) from None
