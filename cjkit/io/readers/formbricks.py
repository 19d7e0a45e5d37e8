"""Formbricks CSV exports (response download).

One header row; system columns (``No.``, ``Response ID``, ``Timestamp``, ``Finished`` …) become
lower_snake names, numbered questions ``"5. Please rank …"`` become ``q5`` and their
``" - Option ID"`` companions ``q5_option_id``. Texts stay in ``meta['questions']``.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from . import excel
from ._base import ReadResult, question_frame, snake

NUMBERED = re.compile(r"^(\d+)\.\s+(.*?)(\s+-\s+Option ID)?$", re.S)


def looks_like(rows, path=None) -> bool:
    """True for the header of a Formbricks export.

    Parameters
    ----------
    rows : list of list of str
        The first records of the file, split into fields.
    path : str or Path, optional
        Not used; part of the common probe signature.

    Returns
    -------
    bool

    Examples
    --------
    >>> from cjkit.io.readers.formbricks import looks_like
    >>> looks_like([["No.", "Response ID", "Timestamp", "Finished"]]), looks_like([["id", "Response ID"]])
    (True, False)
    """
    head = rows[0] if rows else []
    return "Response ID" in head and ("Formbricks ID (internal)" in head or head[:2] == ["No.", "Response ID"])


def _name(header: str) -> str:
    m = NUMBERED.match(header.strip())
    if m:
        return f"q{m.group(1)}" + ("_option_id" if m.group(3) else "")
    return snake(header)


def read(path, **kw) -> ReadResult:
    """Read a Formbricks response export.

    Parameters
    ----------
    path : str or Path
        The CSV download of the responses.
    **kw
        Options of :func:`cjkit.io.readers.csv.read_table`.

    Returns
    -------
    ReadResult
        ``timestamp`` parsed as datetime, ``finished`` as boolean, respondent id column
        ``response_id``; ``meta['questions']`` maps ``q<n>`` to the question text.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cjkit.io.readers import formbricks
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "responses.csv"
    >>> _ = path.write_text("No.,Response ID,Timestamp,Finished,1. How likely are you to recommend us?\\n"
    ...                     "1,abc,2025-01-05 10:00:00,Yes,9\\n2,def,2025-01-06 11:00:00,No,6\\n")
    >>> res = formbricks.read(path)
    >>> res.wide
         no response_id           timestamp  finished  q1
    row
    1     1         abc 2025-01-05 10:00:00      True   9
    2     2         def 2025-01-06 11:00:00     False   6
    >>> res.meta["questions"].set_index("column").loc["q1", "question_text"]
    'How likely are you to recommend us?'
    """
    path = Path(path)
    res = excel.table(path, header_rows=1, fmt="formbricks",
                                names=lambda h: [_name(c) for c in h[0]], **kw)
    wide = res.wide
    if "timestamp" in wide:
        wide = wide.assign(timestamp=pd.to_datetime(wide["timestamp"], errors="coerce"))
    if "finished" in wide and not pd.api.types.is_bool_dtype(wide["finished"]):
        wide = wide.assign(finished=wide["finished"].astype("string").str.lower().map(
            {"yes": True, "no": False, "true": True, "false": False}).astype("boolean"))
    rows = []
    for src in res.meta["header_rows"][0]:
        name = _name(src)
        if name not in wide.columns:
            continue
        m = NUMBERED.match(src.strip())
        rows.append({"column": name, "source_name": src, "question_text": m.group(2) if m else src,
                     "item_text": "option id" if m and m.group(3) else None,
                     "group": f"q{m.group(1)}" if m else name, "kind": None if m else "system"})
    res.meta.update(questions=question_frame(rows),
                    id_column="response_id" if "response_id" in wide.columns else None)
    return ReadResult(wide, res.meta)
