"""Google Forms response sheets downloaded as CSV.

The first column is ``Timestamp`` (``M/D/YYYY H:MM:SS``; German locale: ``Zeitstempel``
``DD.MM.YYYY HH:MM:SS``), every further column is one question with its full text as header.
Questions become ``q1``, ``q2`` … with texts in ``meta['questions']``. Google Forms has no
respondent id, so the row number is used.

Examples
--------
>>> from cjkit.io.readers import googleforms
>>> res = googleforms.read("Form Responses 1.csv")   # doctest: +SKIP
>>> res.wide.columns[:3].tolist()                    # doctest: +SKIP
['timestamp', 'q1', 'q2']
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from . import csv as csv_reader
from ._base import ReadResult, question_frame

STAMPS = {"Timestamp": "%m/%d/%Y %H:%M:%S", "Zeitstempel": "%d.%m.%Y %H:%M:%S"}
EXTRA = {"Email Address": "email_address", "E-Mail-Adresse": "email_address", "Score": "score",
         "Punkte": "score"}


def looks_like(rows, path=None) -> bool:
    """True for a Google Forms header (Timestamp first, then question texts) and date values."""
    if len(rows) < 2 or not rows[0] or rows[0][0] not in STAMPS:
        return False
    return bool(re.match(r"^\d{1,2}[./]\d{1,2}[./]\d{4} \d{1,2}:\d{2}:\d{2}$", rows[1][0].strip()))


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

    Returns
    -------
    ReadResult
        ``timestamp`` parsed to datetime (unparsable stamps stay NaT and are named in
        ``meta['issues']``), question columns ``q<n>``.
    """
    path = Path(path)
    res = csv_reader.read_table(path, header_rows=1, fmt="googleforms", names=lambda h: _names(h[0]), **kw)
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
