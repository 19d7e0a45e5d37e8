"""The uniform result of every reader and the small helpers readers share."""
from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pandas as pd

QUESTION_COLUMNS = ["column", "source_name", "question_text", "item_text", "group", "kind"]
MISSING_COLUMNS = ["row", "column", "old_value", "reason"]
ISSUE_COLUMNS = ["row", "column", "check", "action", "reason", "old_value"]


class ReadResult(NamedTuple):
    """What every reader returns.

    Attributes
    ----------
    wide : DataFrame
        One row per respondent, index ``row`` = 1-based data row in the file (rows
        excluded while reading leave gaps, so positions stay traceable).
    meta : dict
        Always the same keys: ``format``, ``file``, ``encoding``, ``delimiter``, ``decimal``,
        ``header_rows`` (list of the raw header records), ``headerless`` (True when the
        file has no header row and columns are named ``col_1`` ...), ``questions`` (DataFrame with
        column, source_name, question_text, item_text, group, kind), ``value_labels``
        ({column: {code: label}}), ``missing_values`` (DataFrame row, column, old_value,
        reason: values set to missing while reading, e.g. SPSS user-missing),
        ``issues`` (DataFrame row, column, check, action, reason, old_value: rows excluded or
        cells flagged while reading), ``n_input`` (data rows in the file) and ``id_column``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cjkit.io.readers import read
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = path.write_text("id,q1\\nA,5\\nB,4\\n")
    >>> wide, meta = read(path)
    >>> wide.index.name, sorted(meta)
    ('row', ['decimal', 'delimiter', 'encoding', 'file', 'format', 'header_rows', 'headerless', 'id_column', 'issues', 'missing_values', 'n_input', 'questions', 'value_labels'])
    """

    wide: pd.DataFrame
    meta: dict


def make_meta(fmt: str, file, **kw) -> dict:
    meta = {"format": fmt, "file": str(file), "encoding": None, "delimiter": None, "decimal": ".",
            "header_rows": [], "questions": pd.DataFrame(columns=QUESTION_COLUMNS),
            "value_labels": {}, "missing_values": pd.DataFrame(columns=MISSING_COLUMNS),
            "issues": pd.DataFrame(columns=ISSUE_COLUMNS), "n_input": None, "id_column": None,
            "headerless": False}
    meta.update(kw)
    return meta


def question_frame(rows: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=QUESTION_COLUMNS)
    for c in QUESTION_COLUMNS:
        out[c] = out[c].astype("string")
    return out


def dedupe(names: list[str]) -> list[str]:
    """Make column names unique and non-empty: blanks become ``unnamed_<n>``, repeats get ``__2``..."""
    out, seen = [], {}
    for i, name in enumerate(names, start=1):
        name = (name or "").strip() or f"unnamed_{i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}__{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def strip_html(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text or "")
    text = text.replace("&nbsp;", " ").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return re.sub(r"\s+", " ", text).strip()


def snake(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_") or "col"


def with_row_index(wide: pd.DataFrame, rows=None) -> pd.DataFrame:
    """Give *wide* the 1-based data-row index named ``row``."""
    idx = pd.Index(range(1, len(wide) + 1) if rows is None else list(rows), dtype="int64", name="row")
    return wide.set_axis(idx, axis=0)


def file_of(path) -> Path:
    return Path(path)
