"""Qualtrics CSV exports, all three header layouts, plus question texts from a .qsf file.

- current export: 3 header rows — column names, question texts, ``{"ImportId":"QID1"}``;
- legacy export: 2 header rows — ``V1..V10`` then ``ResponseID, ResponseSet, ...`` and texts;
- QualtricsTools-style: names, texts, import ids (ids written as Python dicts).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from cjkit.errors import DataError
from . import _text
from . import excel
from ._base import ReadResult, dedupe, question_frame, strip_html

IMPORT_ID = re.compile(r"""ImportId["']\s*:\s*["']([^"']+)""")
ID_COLUMNS = ("ResponseId", "ResponseID", "_recordId")
SYSTEM_PAIRS = {("StartDate", "Start Date"), ("EndDate", "End Date"), ("ResponseId", "Response ID"),
                ("IPAddress", "IP Address"), ("RecordedDate", "Recorded Date"), ("Status", "Response Type"),
                ("Duration (in seconds)", "Duration (in seconds)"), ("Finished", "Finished"),
                ("Progress", "Progress"), ("DistributionChannel", "Distribution Channel"),
                ("UserLanguage", "User Language")}


def looks_like(rows, path=None) -> bool:
    """True for the first records of a Qualtrics export.

    Parameters
    ----------
    rows : list of list of str
        The first records of the file, split into fields.
    path : str or Path, optional
        Not used (the records decide); part of the common probe signature.

    Returns
    -------
    bool
        A third record with ``ImportId`` (current export) or ``V1``/``ResponseID`` (legacy export).

    Examples
    --------
    >>> from cjkit.io.readers.qualtrics import looks_like
    >>> looks_like([["ResponseId", "Q1"], ["Response ID", "How?"], ['{"ImportId":"_recordId"}', '{"ImportId":"QID1"}']])
    True
    >>> looks_like([["StartDate", "EndDate", "Q1"], ["Start Date", "End Date", "How?"], ["2025-01-05", "2025-01-05", "5"]])
    True
    >>> looks_like([["id", "q1"], ["1", "5"]])
    False
    """
    if len(rows) < 2:
        return False
    if len(rows) >= 3 and any("ImportId" in c for c in rows[2][:3]):
        return True
    if rows[0][:1] == ["V1"] and rows[1][:1] == ["ResponseID"]:
        return True
    # two header rows without import ids: Qualtrics' system columns, then their texts below
    pairs = {(a.strip(), b.strip()) for a, b in zip(rows[0], rows[1])}
    return len(pairs & SYSTEM_PAIRS) >= 2


def _layout(rows) -> tuple[int, str]:
    if len(rows) >= 3 and any("ImportId" in c for c in rows[2][:3]):
        return 3, "import_id"
    if rows[0][:1] == ["V1"]:
        return 2, "legacy"
    return 2, "two_row"


def _names(headers: list[list[str]]) -> list[str]:
    if headers[0][:1] == ["V1"]:
        # legacy: V1..V10 are system fields whose real names are in the second row
        return [h2 if re.fullmatch(r"V\d+", h1) else h1 for h1, h2 in zip(headers[0], headers[1])]
    return headers[0]


def read_qsf(path) -> dict[str, dict]:
    """Question texts and choices from a Qualtrics survey file (.qsf, JSON).

    Parameters
    ----------
    path : str or Path
        The ``.qsf`` file exported from the survey editor.

    Returns
    -------
    dict
        ``{key: {"qid", "tag", "text", "type", "choices": {code: text}}}`` with two keys per
        question: its QID and its data export tag. HTML in texts is removed.

    Raises
    ------
    DataError
        If the file is not valid .qsf JSON.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> from cjkit.io.readers.qualtrics import read_qsf
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "survey.qsf"
    >>> _ = path.write_text(json.dumps({"SurveyElements": [{"Element": "SQ", "Payload": {
    ...     "QuestionID": "QID1", "DataExportTag": "Q1", "QuestionText": "How satisfied are you?",
    ...     "QuestionType": "MC", "Choices": {"1": {"Display": "Very"}, "2": {"Display": "Not at all"}}}}]}))
    >>> qsf = read_qsf(path)
    >>> sorted(qsf), qsf["Q1"]["text"], qsf["Q1"]["choices"]
    (['Q1', 'QID1'], 'How satisfied are you?', {'1': 'Very', '2': 'Not at all'})
    """
    path = Path(path)
    try:
        survey = json.loads(path.read_text(encoding="utf-8-sig"))
        elements = survey["SurveyElements"]
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"not a Qualtrics .qsf survey file ({exc.__class__.__name__}: {str(exc)[:80]})",
                        file=path) from None
    out = {}
    for el in elements:
        if el.get("Element") != "SQ" or not isinstance(el.get("Payload"), dict):
            continue
        p = el["Payload"]
        choices = p.get("Choices") or {}
        entry = {"qid": p.get("QuestionID"), "tag": p.get("DataExportTag"),
                 "text": strip_html(p.get("QuestionText", "")), "type": p.get("QuestionType"),
                 "choices": {str(k): strip_html(v.get("Display", "")) for k, v in choices.items()
                             if isinstance(v, dict)} if isinstance(choices, dict) else {}}
        for key in (entry["qid"], entry["tag"]):
            if key:
                out[key] = entry
    return out


def _sibling_qsf(path: Path) -> Path | None:
    stem = re.sub(r"\s*\((Insights?|Legacy)\)$", "", path.stem)
    cand = path.with_name(stem + ".qsf")
    return cand if cand.is_file() else None


def read(path, *, qsf=None, **kw) -> ReadResult:
    """Read a Qualtrics CSV export (any of the three header layouts).

    Parameters
    ----------
    path : str or Path
        The CSV/TSV export, or the export downloaded as Excel (``.xlsx``).
    qsf : str or Path, optional
        The survey file; by default a ``.qsf`` with the same name beside the CSV is used.
    **kw
        Options of :func:`cjkit.io.readers.csv.read_table` (e.g. ``encoding``).

    Returns
    -------
    ReadResult
        ``meta['questions']`` holds, per column, the question text (from the .qsf when
        available, else the export's text row), the item text after `` - `` and the import id
        in ``group``; ``meta['layout']`` is ``import_id``, ``legacy`` or ``two_row``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = path.write_text('ResponseId,Q1,Q2_1\\nResponse ID,How satisfied are you?,Rate us - Website\\n'
    ...                     '"{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2_1""}"\\n'
    ...                     'R_1,5,4\\nR_2,3,2\\n')
    >>> from cjkit.io.readers import qualtrics
    >>> res = qualtrics.read(path)
    >>> res.meta["layout"], res.meta["id_column"], res.wide["Q1"].tolist()
    ('import_id', 'ResponseId', [5, 3])
    >>> res.meta["questions"][["column", "question_text", "item_text", "group"]].iloc[1:]
      column           question_text item_text   group
    1     Q1  How satisfied are you?      <NA>    QID1
    2   Q2_1                 Rate us   Website  QID2_1
    """
    path = Path(path)
    workbook = path.suffix.lower() in (".xlsx", ".xlsm", ".xls")
    if workbook:  # "Download as Excel": the same header rows in the first sheet
        rows = excel.first_rows(path, 3)
    else:
        sample, whole = _text.read_head(path, records=4)  # 3 header records + 1 data row, however long
        enc = kw.get("encoding") or _text.detect_encoding(sample, complete=whole, file=path)
        text = _text.decode_sample(sample, enc)
        rows = _text.first_rows(text, kw.get("delimiter") or _text.sniff_delimiter(text), 3)
    if len(rows) < 2:
        raise DataError("a Qualtrics export needs at least 2 header rows; the file has fewer rows", file=path)
    n_header, layout = _layout(rows)
    res = excel.table(path, header_rows=n_header, names=_names, fmt="qualtrics", **kw)
    headers = res.meta["header_rows"]
    names = dedupe(_names(headers))
    texts = headers[1] if len(headers) > 1 else [""] * len(names)
    ids = [(IMPORT_ID.search(c).group(1) if IMPORT_ID.search(c) else None) for c in headers[2]] \
        if layout == "import_id" else [None] * len(names)
    qsf_path = Path(qsf) if qsf else _sibling_qsf(path)
    qsf_q = read_qsf(qsf_path) if qsf_path else {}
    rows_q = []
    for name, src, text, iid in zip(names, _names(headers), texts, ids):
        if name not in res.wide.columns:
            continue
        stem, _, item = text.partition(" - ")
        key = (iid or "").split("-")[0].split("#")[0] or re.split(r"[_#]", name)[0]
        q = qsf_q.get(key) or qsf_q.get(name.rsplit("_", 1)[0]) or {}
        rows_q.append({"column": name, "source_name": src, "question_text": q.get("text") or stem or text,
                       "item_text": item or None, "group": iid or key, "kind": q.get("type")})
    res.meta.update(questions=question_frame(rows_q), layout=layout, qsf=str(qsf_path) if qsf_path else None,
                    id_column=next((c for c in ID_COLUMNS if c in res.wide.columns), None))
    dur = "Duration (in seconds)"
    res.meta["duration_column"] = dur if dur in res.wide.columns else None
    return res
