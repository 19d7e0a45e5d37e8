"""What a coding session offers: its answers, and the codes suggested for one answer.

The rule coder's suggestions carry their evidence (the matched spans); the learning coder adds
the codes it finds likely enough, and where both suggest a code the higher confidence stands.

Examples
--------
>>> import pandas as pd
>>> from cjkit.workbench.suggestions import session_answers
>>> session_answers(pd.DataFrame({"respondent_id": [1, 2], "text": [" laut ", ""]}), "text")
  respondent_id question  text
0             1     text  laut
"""
from __future__ import annotations

import pandas as pd

from cjkit.errors import ParameterError

UNIT = ["respondent_id", "question"]


def session_answers(texts, text_col: str) -> pd.DataFrame:
    """respondent_id, question, text of the non-empty answers (ids as strings)."""
    if not isinstance(texts, pd.DataFrame) or text_col not in texts.columns or "respondent_id" not in texts.columns:
        got = list(texts.columns) if isinstance(texts, pd.DataFrame) else type(texts).__name__
        raise ParameterError("texts", got, message=f"texts must be a DataFrame with respondent_id and "
                             f"'{text_col}' (e.g. the open answers of study.long); got {got}")
    out = pd.DataFrame({"respondent_id": texts["respondent_id"].astype(str),
                        "question": texts["question"].astype(str) if "question" in texts.columns else "text",
                        "text": texts[text_col].astype("string").fillna("").str.strip()})
    return out[out["text"] != ""].drop_duplicates(UNIT).reset_index(drop=True)


def suggested_codes(hits: pd.DataFrame | None, labels: dict, model, text: str, threshold: float) -> pd.DataFrame:
    """The codes suggested for one answer: the rule coder's (with evidence), then the learning coder's.

    Parameters
    ----------
    hits : DataFrame or None
        The rule coder's hits in the answer (code, confidence, start, end).
    labels : dict
        Code -> label in the session's language.
    model : LearningCoder or None
        The session's learning coder.
    text : str
        The answer.
    threshold : float
        Probability from which the learning coder suggests a code.

    Returns
    -------
    DataFrame
        code, label, source (rule | model), confidence, spans as (start, end) pairs.
    """
    out = []
    if hits is not None:
        for code, h in hits.groupby("code", sort=False, observed=True):
            out.append({"code": str(code), "label": labels.get(str(code), str(code)), "source": "rule",
                        "confidence": float(h["confidence"].max()),
                        "spans": [(int(s), int(e)) for s, e in zip(h["start"], h["end"])]})
    if model is not None:
        p = model.predict_proba([text]).iloc[0]
        have = {o["code"] for o in out}
        for code, prob in p.sort_values(ascending=False).items():
            if prob >= threshold and code not in have:
                out.append({"code": code, "label": labels.get(code, code), "source": "model",
                            "confidence": float(prob), "spans": []})
            elif code in have:
                for o in out:
                    if o["code"] == code:
                        o["confidence"] = max(o["confidence"], float(prob))
    return pd.DataFrame(out, columns=["code", "label", "source", "confidence", "spans"])
