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

import re
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
from . import surveymonkey
from ._base import ReadResult

__all__ = ["ReadResult", "read", "detect", "formats", "REGISTRY"]

REGISTRY = {
    "csv": csv_reader.read,
    "excel": excel.read,
    "spss": spss.read,
    "parquet": parquet.read,
    "qualtrics": qualtrics.read,
    "surveymonkey": surveymonkey.read,
    "limesurvey": limesurvey.read,
    "googleforms": googleforms.read,
    "formbricks": formbricks.read,
    "feedback": feedback.read,
}

SUFFIX = {".sav": "spss", ".zsav": "spss", ".por": "spss", ".xlsx": "excel", ".xlsm": "excel",
          ".xls": "excel", ".parquet": "parquet", ".pq": "parquet"}

OUT_OF_SCOPE = {
    ".docx": "a Word document (a report, not response data); export the responses as CSV, Excel or SPSS",
    ".doc": "a Word document (a report, not response data); export the responses as CSV, Excel or SPSS",
    ".pdf": "a PDF document, not response data; export the responses as CSV, Excel or SPSS",
    ".qsf": "a Qualtrics survey definition (.qsf) without responses; load the CSV export and pass "
            "the .qsf as qsf= (or put it beside the CSV) for question texts",
    ".lsg": "a LimeSurvey question-group file (XML, questions without responses); export responses "
            "in LimeSurvey via Responses > Export > CSV or 'R (data file)'",
    ".lss": "a LimeSurvey survey structure file (XML, no responses); export responses in LimeSurvey "
            "via Responses > Export > CSV or 'R (data file)'",
    ".lsa": "a LimeSurvey archive; export responses in LimeSurvey via Responses > Export > CSV",
    ".r": "an R syntax file (code, not data); load the data file it reads (e.g. "
          "survey_<id>_R_data_file.csv) — its labels are picked up automatically",
    ".sps": "an SPSS syntax file (code, not data); load the .sav file instead",
    ".md": "a documentation file (Markdown), not survey data",
}
DOC_NAMES = re.compile(r"(^|[_\-. ])(licen[cs]e|readme|description|copying|notice|authors|changelog)([_\-. ]|$)",
                       re.I)


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
    ['csv', 'excel', 'feedback', 'formbricks', 'googleforms', 'limesurvey', 'parquet', 'qualtrics', 'spss', 'surveymonkey']
    """
    return sorted(REGISTRY)


def _out_of_scope(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix in OUT_OF_SCOPE:
        raise DataError(f"this is {OUT_OF_SCOPE[suffix]}", file=path)
    if DOC_NAMES.search(path.name):
        raise DataError("this is a licence/readme/package description file, not survey data; "
                        "expected a CSV, TSV, Excel, SPSS or Parquet export", file=path)


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
        If the file does not exist or is not survey data (the message says what it is and
        what to export instead).

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
    """
    path = Path(path)
    if not path.is_file():
        raise DataError("file not found", file=path)
    _out_of_scope(path)
    name = path
    if path.suffix.lower() == ".zip":
        name = Path(_text.inner_name(path))
        _out_of_scope(name)
    if name.suffix.lower() in SUFFIX:
        return SUFFIX[name.suffix.lower()]
    sample = _text.read_sample(path, 64 * 1024)
    if not sample.strip():
        raise DataError("the file is empty; expected a header row and data rows", file=path)
    if b"\x00" in sample[:4096] and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError("this is a binary file of unknown format; expected CSV, TSV, Excel (.xlsx), "
                        "SPSS (.sav/.zsav/.por) or Parquet", file=path)
    encoding = _text.detect_encoding(sample, complete=len(sample) < 64 * 1024, file=path)
    text = _text.decode_sample(sample, encoding)
    rows = _text.first_rows(text, _text.sniff_delimiter(text), 3)
    for fmt, probe in PROBES:
        if probe(rows, path):
            return fmt
    return "csv"


def _is_lime_structure(rows, path):
    if rows and rows[0][:4] == ["id", "related_id", "class", "type/scale"]:
        raise DataError("this is a LimeSurvey survey structure file (tab-separated questions, no "
                        "responses); use cjkit.io.readers.limesurvey.read_structure() for question texts, "
                        "and export responses via Responses > Export > CSV or 'R (data file)'", file=path)
    return False


PROBES = [
    ("limesurvey_structure", _is_lime_structure),
    ("qualtrics", qualtrics.looks_like),
    ("surveymonkey", surveymonkey.looks_like),
    ("formbricks", formbricks.looks_like),
    ("limesurvey", limesurvey.looks_like),
    ("googleforms", googleforms.looks_like),
]


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
    fmt = detect(path) if format == "auto" else format
    if fmt not in REGISTRY:
        raise ParameterError("format", format, allowed=["auto"] + formats())
    if format != "auto":
        _out_of_scope(Path(path))
        if not Path(path).is_file():
            raise DataError("file not found", file=path)
    return REGISTRY[fmt](path, **kw)
