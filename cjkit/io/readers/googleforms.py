"""Google Forms response sheets downloaded as CSV.

The first column is ``Timestamp`` (``M/D/YYYY H:MM:SS``; German locale: ``Zeitstempel``
``DD.MM.YYYY HH:MM:SS``), every further column is one question with its full text as header.
Questions become ``q1``, ``q2`` … with texts in ``meta['questions']``. Google Forms has no
respondent id, so the row number is used.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from . import excel
from ._base import ReadResult, question_frame

STAMPS = {"Timestamp": "%m/%d/%Y %H:%M:%S", "Zeitstempel": "%d.%m.%Y %H:%M:%S"}
STAMP = re.compile(r"^\d{1,2}[./]\d{1,2}[./]\d{4} \d{1,2}:\d{2}:\d{2}$")
EXTRA = {"Email Address": "email_address", "E-Mail-Adresse": "email_address", "Score": "score",
         "Punkte": "score"}


def looks_like(rows, path=None) -> bool:
    """True for a Google Forms header (Timestamp first, then question texts) and date values.

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
    >>> from cjkit.io.readers.googleforms import looks_like
    >>> looks_like([["Zeitstempel", "Wie zufrieden sind Sie?"], ["05.01.2025 10:00:00", "5"]])
    True
    >>> looks_like([["Timestamp", "How satisfied?"], ["", ""], ["1/5/2025 10:00:00", "5"]])
    True
    """
    if len(rows) < 2 or not rows[0] or rows[0][0].strip() not in STAMPS:
        return False
    # a blank first row (an emptied response) must not hide the export: judge the stamps there are
    # (an edited cell that is no stamp is reported by the reader, not a reason to miss the export)
    return any(STAMP.match(r[0].strip()) for r in rows[1:] if r)


def _names(header: list[str]) -> list[str]:
    out, q = [], 0
    for c in header:
        if c in STAMPS:
            out.append("timestamp")
        elif c in EXTRA:
            out.append(EXTRA[c])
        else:
            q += 1
            out.append(f"q{q}")
    return out


def read(path, **kw) -> ReadResult:
    """Read a Google Forms CSV download.

    Parameters
    ----------
    path : str or Path
        The CSV downloaded from the responses sheet.
    **kw
        Options of :func:`cjkit.io.readers.csv.read_table`.

    Returns
    -------
    ReadResult
        ``timestamp`` parsed to datetime (unparsable stamps stay NaT and are named in
        ``meta['issues']``), question columns ``q<n>``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cjkit.io.readers import googleforms
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "Form Responses 1.csv"
    >>> _ = path.write_text("Timestamp,How satisfied are you?,What should we improve?\\n"
    ...                     "1/5/2025 10:00:00,5,Nothing\\n1/6/2025 11:30:00,3,The wifi\\n")
    >>> res = googleforms.read(path)
    >>> res.wide
                  timestamp  q1        q2
    row
    1   2025-01-05 10:00:00   5   Nothing
    2   2025-01-06 11:30:00   3  The wifi
    >>> res.meta["questions"]["question_text"].tolist()
    ['Timestamp', 'How satisfied are you?', 'What should we improve?']
    """
    path = Path(path)
    res = excel.table(path, header_rows=1, fmt="googleforms", names=lambda h: _names(h[0]), **kw)
    header = res.meta["header_rows"][0]
    wide = res.wide
    if "timestamp" in wide:
        raw = wide["timestamp"].astype("string")
        stamp = pd.to_datetime(raw, format=STAMPS.get(header[0], "mixed"), errors="coerce")
        wide = wide.assign(timestamp=stamp)
        bad = raw.notna() & stamp.isna()
        if bad.any():
            extra = pd.DataFrame({"row": wide.index[bad], "column": "timestamp", "check": "unparsable_date",
                                  "action": "value_changed", "reason": "not a date/time, set to missing",
                                  "old_value": raw[bad].to_numpy()})
            res.meta["issues"] = pd.concat([res.meta["issues"], extra], ignore_index=True)
    rows = [{"column": n, "source_name": h, "question_text": re.sub(r"^Q\d+:\s*", "", h), "item_text": None,
             "group": n, "kind": "system" if n in ("timestamp", "email_address", "score") else None}
            for n, h in zip(_names(header), header) if n in wide.columns]
    res.meta.update(questions=question_frame(rows), id_column=None)
    return ReadResult(wide, res.meta)
