"""A coding session's finished answers as a REFI-QDA project (``.qdpx``).

Rule-suggested codes keep their evidence as the coded span; other codes mark the whole answer.
:meth:`cjkit.workbench.session.CodingSession.export_qdpx` calls it.
"""
from __future__ import annotations

import pandas as pd

from cjkit.report.coding_export import export_coding
from cjkit.workbench.suggestions import UNIT


def session_qdpx(units: pd.DataFrame, codings: pd.DataFrame, path, *, answers: pd.DataFrame, rows: dict,
                 hits: dict, codebook, lang: str):
    """Write *codings* of the finished *units* as a REFI-QDA project.

    Parameters
    ----------
    units : DataFrame
        The finished answers: respondent_id, question, text.
    codings : DataFrame
        Their codes: respondent_id, question, code (one row per code).
    path : str or Path
    answers : DataFrame
        All answers of the session (respondent_id, question, text), by row.
    rows : dict
        (respondent_id, question) -> row of *answers*.
    hits : dict
        Row -> the rule coder's hits in that answer (code, start, end).
    codebook : Codebook
    lang : {"de", "en"}
        Language of the code names.

    Returns
    -------
    Path
    """
    ind = (codings.assign(v=1).pivot_table(index=UNIT, columns="code", values="v", aggfunc="max", fill_value=0)
           if len(codings) else pd.DataFrame(index=pd.MultiIndex.from_frame(units[UNIT])))
    ind = ind.reindex(pd.MultiIndex.from_frame(units[UNIT]), fill_value=0).reset_index().rename_axis(columns=None)
    ind["n_codes"] = ind.drop(columns=UNIT).sum(axis=1)
    spans = []
    for rid, q, code in codings[[*UNIT, "code"]].itertuples(index=False):
        row = rows[(rid, q)]
        g = hits.get(row)
        hit = g[g["code"].astype(str) == code] if g is not None else None
        pairs = list(zip(hit["start"], hit["end"])) if hit is not None and len(hit) else \
            [(0, len(answers.at[row, "text"]))]
        spans += [(rid, q, code, int(s), int(e)) for s, e in pairs]
    coded = pd.DataFrame(spans, columns=[*UNIT, "code", "start", "end"])
    return export_coding(ind, path, texts=units, coded=coded, codebook=codebook, lang=lang)
