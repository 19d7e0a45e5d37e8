"""Formbricks CSV exports (response download).

One header row; system columns (``No.``, ``Response ID``, ``Timestamp``, ``Finished`` …) become
lower_snake names, numbered questions ``"5. Please rank …"`` become ``q5`` and their
``" - Option ID"`` companions ``q5_option_id``. Texts stay in ``meta['questions']``.

Examples
--------
>>> from cjkit.io.readers import formbricks
>>> res = formbricks.read("formbricks_export.csv")   # doctest: +SKIP
>>> res.wide[["response_id", "q1", "q10"]].head()     # doctest: +SKIP
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from . import csv as csv_reader
from ._base import ReadResult, question_frame, snake

NUMBERED = re.compile(r"^(\d+)\.\s+(.*?)(\s+-\s+Option ID)?$", re.S)


def looks_like(rows, path=None) -> bool:
    """True for the header of a Formbricks export."""
    head = rows[0] if rows else []
    return "Response ID" in head and ("Formbricks ID (internal)" in head or head[:2] == ["No.", "Response ID"])


def _name(header: str) -> str:
    m = NUMBERED.match(header.strip())
    if m:
        return f"q{m.group(1)}" + ("_option_id" if m.group(3) else "")
    return snake(header)


def read(path, **kw) -> ReadResult:
    """Read a Formbricks response export.

    Returns
    -------
    ReadResult
        ``timestamp`` parsed as datetime, ``finished`` as boolean, respondent id column
        ``response_id``; ``meta['questions']`` maps ``q<n>`` to the question text.
    """
    path = Path(path)
    res = csv_reader.read_table(path, header_rows=1, fmt="formbricks",
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
