"""SurveyMonkey CSV exports: two header rows, matrix and multi-select questions.

Row 1 holds the question text (blank for further columns of the same question), row 2 the
item: ``Response``, ``Open-Ended Response``, a matrix row, or a multi-select option. Columns
are renamed to short ids — system fields in lower_snake (``respondent_id``, ``start_date``),
questions ``q01``, ``q02_1``, ``q02_2`` … — and ``meta['questions']`` keeps the texts and the
kind of each question: ``single``, ``open``, ``multi`` (cell = option text or blank) or
``matrix`` (one value per item, e.g. a ranking).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import excel
from ._base import ReadResult, question_frame, snake

SYSTEM = {"Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
          "First Name", "Last Name", "Custom Data 1", "Custom Data"}


def looks_like(rows, path=None) -> bool:
    """True for the first records of a SurveyMonkey export.

    Parameters
    ----------
    rows : list of list of str
        The first records of the file, split into fields.
    path : str or Path, optional
        Not used; part of the common probe signature.

    Returns
    -------
    bool
        ``Respondent ID`` first and a second header row with ``Response`` items.

    Examples
    --------
    >>> from cjkit.io.readers.surveymonkey import looks_like
    >>> looks_like([["Respondent ID", "How did you hear about us?"], ["", "Response"]])
    True
    """
    if len(rows) < 2 or not rows[0] or rows[0][0] != "Respondent ID":
        return False
    return any(c in ("Response", "Open-Ended Response") for c in rows[1])


def _plan(headers: list[list[str]]) -> list[dict]:
    """One dict per column: name, question number, question text, item text."""
    top, sub = headers[0], headers[1] + [""] * (len(headers[0]) - len(headers[1]))
    plan, qn, current = [], 0, None
    for i, (t, s) in enumerate(zip(top, sub)):
        t, s = t.strip(), s.strip()
        if t and (t in SYSTEM or not s):
            plan.append({"name": snake(t), "q": None, "text": t, "item": None})
            current = None
            continue
        if t:
            qn += 1
            current = t
        plan.append({"name": None, "q": qn, "text": current or t, "item": s})
    by_q: dict[int, list[dict]] = {}
    for p in plan:
        if p["q"] is not None:
            by_q.setdefault(p["q"], []).append(p)
    for q, cols in by_q.items():
        for k, p in enumerate(cols, start=1):
            p["name"] = f"q{q:02d}" if len(cols) == 1 else f"q{q:02d}_{k}"
    return plan


def _kind(wide: pd.DataFrame, cols: list[dict]) -> str:
    if len(cols) == 1:
        return "open" if cols[0]["item"] == "Open-Ended Response" else "single"
    # multi-select: each cell is blank or repeats its option text
    is_multi = all(
        wide[c["name"]].dropna().astype("string").str.strip().eq(c["item"]).all() for c in cols)
    return "multi" if is_multi else "matrix"


def read(path, **kw) -> ReadResult:
    """Read a SurveyMonkey CSV export (2 header rows).

    Parameters
    ----------
    path : str or Path
        The CSV export ("All responses data", expanded or condensed columns).
    **kw
        Options of :func:`cjkit.io.readers.csv.read_table`.

    Returns
    -------
    ReadResult
        Wide frame with short column ids; ``meta['questions']`` (column, source_name,
        question_text, item_text, group = ``qNN``, kind).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = path.write_text("Respondent ID,Start Date,How did you hear about us?,Rate us,\\n"
    ...                     ",,Response,Website,Hotline\\n101,01/05/2025,Friends,5,3\\n102,01/06/2025,Web,4,2\\n")
    >>> from cjkit.io.readers import surveymonkey
    >>> res = surveymonkey.read(path)
    >>> res.wide.columns.tolist()
    ['respondent_id', 'start_date', 'q01', 'q02_1', 'q02_2']
    >>> res.meta["questions"][["column", "item_text", "kind"]].iloc[2:]
      column item_text    kind
    2    q01  Response  single
    3  q02_1   Website  matrix
    4  q02_2   Hotline  matrix
    """
    path = Path(path)
    res = excel.table(path, header_rows=2, fmt="surveymonkey",
                                names=lambda h: [p["name"] for p in _plan(h)], **kw)
    plan = [p for p in _plan(res.meta["header_rows"]) if p["name"] in res.wide.columns]
    groups: dict = {}
    for p in plan:
        groups.setdefault(p["q"], []).append(p)
    rows = []
    for p in plan:
        kind = _kind(res.wide, groups[p["q"]]) if p["q"] is not None else "system"
        rows.append({"column": p["name"], "source_name": p["text"], "question_text": p["text"],
                     "item_text": p["item"], "group": f"q{p['q']:02d}" if p["q"] else p["name"], "kind": kind})
    res.meta.update(questions=question_frame(rows),
                    id_column="respondent_id" if "respondent_id" in res.wide.columns else None)
    return res
