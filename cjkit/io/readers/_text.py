"""Byte-level helpers shared by the text readers: opening (also inside a zip), encoding
detection, delimiter sniffing and German number format.

Only the head of the file is inspected here; the full parse is left to pyarrow so that
large files stay fast. The head is never a fixed number of bytes: it grows until it holds the
records the caller needs, because a wide export (2,000 columns of question texts) can have a
header record of several hundred KB, and a cut header would be mistaken for something else.
"""
from __future__ import annotations

import codecs
import contextlib
import csv as _csv
import gzip
import io
import re
import unicodedata
import zipfile
from pathlib import Path

import charset_normalizer

from cjkit.errors import DataError

SAMPLE_BYTES = 256 * 1024
DELIMITERS = [",", ";", "\t", "|"]
BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
# 1.234,56 | 1234,5 | -0,5 — a decimal comma, optionally with dots as thousands separators
GERMAN_NUMBER = re.compile(r"^\s*[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?\s*$")
GERMAN_DECIMAL = re.compile(r"^\s*[-+]?\d{1,3}(\.\d{3})*,\d+\s*$|^\s*[-+]?\d+,\d+\s*$")


@contextlib.contextmanager
def big_fields():
    """Let the csv module read cells of any size (a 1 MB comment is data, not an error)."""
    old = _csv.field_size_limit()
    _csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        _csv.field_size_limit(old)


def open_binary(path: Path):
    """Open *path* for binary reading; a ``.zip`` holding exactly one data file is opened inside,
    a ``.gz`` is decompressed on the fly (path tables are often shipped as ``.csv.gz``)."""
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")
    if path.suffix.lower() == ".zip":
        try:
            zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise DataError("not a valid zip archive (truncated or damaged?)", file=path) from None
        names = [n for n in zf.namelist() if not n.endswith("/") and not n.startswith("__MACOSX")]
        if len(names) != 1:
            raise DataError(f"a zip archive must hold exactly one data file, found {len(names)}: {names[:5]}",
                            file=path)
        return zf.open(names[0])
    return open(path, "rb")


def inner_name(path: Path) -> str:
    """The name of the data file: the file itself, or the single member of a zip."""
    if path.suffix.lower() == ".zip":
        with open_binary(path) as member:  # validates the archive, names the problem
            return member.name
    if path.suffix.lower() == ".gz":
        return path.stem
    return path.name


MAX_HEAD_BYTES = 256 << 20  # a header beyond 256 MB is not a header: stop growing the head there
LINE_END = re.compile(rb"\r\n|\n|\r")


def complete_records(data: bytes) -> int:
    """Records that end inside *data*: line ends outside double quotes (a quoted line break
    belongs to a cell). Works on the raw bytes, before the delimiter is known.

    Examples
    --------
    >>> complete_records(b'a,b\\n"x\\ny",2\\n3,')
    2
    """
    parts = data.split(b'"')
    return sum(len(LINE_END.findall(parts[i])) for i in range(0, len(parts), 2))


def read_head(path: Path, records: int = 0, size: int = SAMPLE_BYTES) -> tuple[bytes, bool]:
    """The first *size* bytes of *path*, grown until they hold *records* complete records.

    Parameters
    ----------
    path : Path
        The file (``.zip``/``.gz`` holding one file are read inside).
    records : int
        Complete records the head must hold (header rows plus a data row).
    size : int
        Minimum bytes to read.

    Returns
    -------
    tuple of (bytes, bool)
        The head and whether it is the whole file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "wide.csv"
    >>> _ = path.write_text(",".join(f"q{i}" for i in range(50_000)) + "\\n1,2\\n")
    >>> head, whole = read_head(path, records=2, size=1024)
    >>> len(head) > 300_000, whole
    (True, True)
    """
    with open_binary(path) as fh:
        data = fh.read(size)
        step = max(size, 64 * 1024)
        # one byte more than a record needs: the head must show where the record ends
        while records and complete_records(data) < records and len(data) < MAX_HEAD_BYTES:
            more = fh.read(step)
            if not more:
                return data, True
            data += more
            step *= 2
        whole = len(data) < size or not fh.read(1)
    return data, whole


def read_sample(path: Path, size: int = SAMPLE_BYTES, *, records: int = 0) -> bytes:
    """The head of *path* (see :func:`read_head`) without the end-of-file flag."""
    return read_head(path, records, size)[0]


def detect_encoding(sample: bytes, *, complete: bool, file=None) -> str:
    """Guess the encoding of *sample*: a BOM wins, then strict UTF-8, then charset-normalizer
    (which tells cp1252 from Latin-1 and others). *complete* says the sample is the whole file,
    so a broken last character means a truncated file rather than a cut sample."""
    for bom, name in BOMS:
        if sample.startswith(bom):
            return name
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # a multi-byte character cut by the sample boundary is not an encoding problem
        if exc.reason == "unexpected end of data" and exc.start >= len(sample) - 3:
            if not complete:
                return "utf-8"
            raise DataError(f"the file ends in the middle of a character (byte {exc.start}); "
                            "it looks truncated — export it again", file=file) from None
        mixed_encoding_check(sample, exc.start, file)
    if _plausible_cp1252(sample):
        return "cp1252"
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        raise DataError("cannot tell the text encoding; expected UTF-8, UTF-8 with BOM or "
                        "Windows-1252/Latin-1 text — is this a binary file?", file=file)
    enc = best.encoding
    # short samples leave single-byte code pages ambiguous (cp1250 vs cp1252); the Western
    # European one is what German and English exports use, so prefer it when it decodes cleanly
    if enc.startswith(("cp125", "latin", "iso8859", "mac")):
        try:
            sample.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return enc


def _plausible_cp1252(data: bytes) -> bool:
    """True when every non-ASCII byte decodes in cp1252 to a Latin letter or common typographic
    sign — the signature of German/Western exports that statistical detectors often misread
    when only a few such bytes exist."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    extra = [c for c in text if ord(c) > 127]
    if not extra:
        return False
    ok = sum(("LATIN" in unicodedata.name(c, "")) or c in "€„“”‘’‚–—…°§·²³µ×÷«»¿¡ " for c in extra)
    return ok / len(extra) >= 0.95


def mixed_encoding_check(data: bytes, bad: int, file=None) -> None:
    """Raise if *data* is valid UTF-8 with non-ASCII text before byte *bad* but not at *bad*:
    two encodings in one file cannot both be right, so guessing would corrupt one part."""
    head = data[:bad]
    if any(b >= 0x80 for b in head):
        line = head.count(b"\n") + 1
        snippet = data[bad:bad + 12].decode("cp1252", errors="replace")
        raise DataError(f"mixed text encodings: the file is UTF-8 up to here, but byte {bad} ({snippet!r}) is "
                        "not; expected one encoding throughout — re-export as UTF-8",
                        file=file, row=max(line - 1, 0)) from None


def decode_sample(sample: bytes, encoding: str) -> str:
    text = sample.decode(encoding, errors="ignore")
    return text.lstrip("\ufeff")


def _lines(text: str) -> io.StringIO:
    # universal newlines: CR-only (old Mac/Excel) and mixed line ends split like LF
    return io.StringIO(text, newline=None)


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the first lines into the most, equally long rows."""
    lines = text.splitlines()[:-1] or text.splitlines()
    head = "\n".join(lines[:50])
    best, best_score = ",", (-1, 0)
    for d in DELIMITERS:
        try:
            rows = [r for r in _csv.reader(_lines(head), delimiter=d) if r][:30]
        except _csv.Error:
            continue
        if not rows:
            continue
        widths = [len(r) for r in rows]
        modal = max(set(widths), key=widths.count)
        score = (widths.count(modal) / len(widths) if modal > 1 else 0, modal)
        if score > best_score:
            best, best_score = d, score
    return best


def first_rows(text: str, delimiter: str, n: int) -> list[list[str]]:
    """The first *n* parsed records of the decoded sample (quoted newlines respected)."""
    out = []
    with big_fields():
        for row in _csv.reader(_lines(text), delimiter=delimiter):
            out.append(row)
            if len(out) >= n:
                break
    return out


def uses_decimal_comma(text: str, delimiter: str) -> bool:
    """True when number cells in the sample use a decimal comma (German export)."""
    if delimiter == ",":
        return False
    rows = first_rows(text, delimiter, 200)[1:]
    cells = [c for r in rows for c in r if c.strip()]
    commas = sum(bool(GERMAN_DECIMAL.match(c)) for c in cells)
    points = sum(bool(re.match(r"^\s*[-+]?\d+\.\d+\s*$", c)) and not GERMAN_NUMBER.match(c) for c in cells)
    return commas > 0 and commas >= points


NUMBER = re.compile(r"^\s*[-+]?(\d+([.,]\d+)?|\d{1,3}([.,]\d{3})+([.,]\d+)?)\s*$")
DATE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})([ T]\d{1,2}:\d{2}(:\d{2})?)?\s*$")


def _valued(cell: str) -> bool:
    return bool(NUMBER.match(cell) or DATE.match(cell))


def looks_headerless(rows: list[list[str]]) -> bool:
    """True when the first record is data, not column names.

    Column names are words; a number or a date in the first record, in a column whose cells
    below are numbers or dates too, is a respondent's answer (a header-less feedback dump).
    Year columns (``region,2019,2020``) are names, not answers.

    Parameters
    ----------
    rows : list of list of str
        The first records of the file.

    Returns
    -------
    bool

    Examples
    --------
    >>> looks_headerless([["id", "comment", "rating"], ["1", "nice", "5"]])
    False
    >>> looks_headerless([["1", "nice", "5"], ["2", "awful", "1"]])
    True
    >>> looks_headerless([["region", "2019", "2020"], ["north", "5", "6"]])
    False
    """
    body = [r for r in rows[1:] if any(c.strip() for c in r)]
    if not rows or not body:
        return False
    head = rows[0]
    hits = []
    for j, cell in enumerate(head):
        below = [r[j] for r in body if j < len(r) and r[j].strip()]
        if cell.strip() and _valued(cell) and below and sum(map(_valued, below)) >= 0.8 * len(below):
            hits.append(cell.strip())
    if not hits:
        return False
    years = all(re.fullmatch(r"(19|20)\d\d", h) for h in hits)
    words = any(c.strip() and not _valued(c) for c in head)
    return not (years and words)
