"""What every report section shares: labels next to ids, the ratings it scores, per-study memos.

:func:`add_labels` puts phase and touchpoint names in the report language beside the ids;
:func:`question_label` and :func:`item_labels` name questions; :func:`rating_rows` are the
ratings a section scores (a rating without a touchpoint is reported under ``unassigned``, never
dropped); :func:`memoized` computes a section once per study and options, so the executive
summary and the section itself share one result.
"""
from __future__ import annotations

import functools
import inspect

import pandas as pd

from cjkit.catalog import i18n, models, touchpoints
from cjkit.catalog.i18n import check_lang as _check_lang
from cjkit.catalog.types import RATING_TYPES
from cjkit.report.plan import RATING_ROLES
from cjkit.report.study import Study


UNASSIGNED = "unassigned"  # touchpoint id of ratings and codes the spec assigns to no touchpoint


def memoized(func):
    """A section computed once per study and options: the summary and the section itself share it."""
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(study, *args, **kwargs):
        bound = signature.bind(study, *args, **kwargs)
        bound.apply_defaults()  # segment_comparison(study) and (study, lang="de") are one question
        key = (func.__name__, *list(bound.arguments.items())[1:])
        try:
            hash(key)
        except TypeError:  # an option that is a table or list: computed each time
            return func(study, *args, **kwargs)
        if not isinstance(study, Study):
            return func(study, *args, **kwargs)
        return study.memo(key, lambda: func(study, *args, **kwargs)).copy()
    return wrapper


def rating_rows(study: Study, roles=RATING_ROLES) -> pd.DataFrame:
    """The satisfaction ratings of the study with the given roles; a rating without a
    touchpoint is reported under "unassigned" (never dropped, never a NaN touchpoint)."""
    long = study.long
    out = long[long["role"].isin(roles) & long["type"].isin(RATING_TYPES)]
    # an outcome (role overall) rates the whole experience, not a touchpoint: it keeps no touchpoint
    rated = out["role"].isin(RATING_ROLES)
    return out.assign(touchpoint=out["touchpoint"].astype("string").mask(rated & out["touchpoint"].isna(), UNASSIGNED))


def positive_answer(study: Study, role: str = "overall"):
    return study.positive(role)


def add_labels(frame: pd.DataFrame, study: Study, *, lang: str = "de") -> pd.DataFrame:
    """Add ``phase_label``/``touchpoint_label`` columns in *lang* next to the id columns.

    Parameters
    ----------
    frame : DataFrame
        Any table with a ``phase`` and/or ``touchpoint`` column of ids.
    study : Study
        Gives the journey model (phase names) and the touchpoint catalog of the spec.
    lang : {"de", "en"}
        Label language.

    Returns
    -------
    DataFrame
        A copy of *frame* with the label columns; touchpoints unknown to the catalog keep their id.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> import pandas as pd
    >>> cj.report.add_labels(pd.DataFrame({"phase": ["retention"], "touchpoint": ["wifi"]}), study, lang="en")
           phase touchpoint phase_label touchpoint_label
    0  retention       wifi   Retention            Wi-Fi
    """
    _check_lang(lang)
    out = frame.copy()
    unassigned = i18n.label("unassigned", lang)
    if "phase" in out.columns:
        out["phase_label"] = (out["phase"].astype("string").map(models.phase_labels(study.model, lang))
                              .fillna(i18n.label("unassigned_phase", lang)))
    if "touchpoint" in out.columns:
        labels = {**touchpoints.labels(lang, study.spec.catalog), UNASSIGNED: unassigned}
        tp = out["touchpoint"].astype("string")
        out["touchpoint_label"] = tp.map(labels).fillna(tp).fillna(unassigned)
    return out


#: longest question name in a chart row or table cell; longer texts (a questionnaire's full
#: wording, as an inferred spec has it) are cut at a word and end in "…"
MAX_LABEL = 70


def _short(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= MAX_LABEL:
        return text
    cut = text[:MAX_LABEL - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[MAX_LABEL // 2:] else cut).rstrip(" ,;:-–") + "…"


def question_label(study: Study, qid: str, *, lang: str = "de") -> str:
    """A short name of a question in *lang*: its text (without a lead-in such as "How satisfied were
    you with:"); else its text as the questionnaire has it (a spec inferred from an export knows
    only that), else its column header, else the name of its question type; the id only when the
    spec says nothing."""
    q = next((q for q in study.spec.questions if q.id == qid), None)
    if q is None:
        return str(qid)
    text = (q.text if lang == "de" else q.text_en) or q.text or q.text_en
    if text:
        # the part after a lead-in ("How satisfied were you with: the room"); a text that ends in
        # its colon has no such part and is named as a whole
        short = text.rsplit(": ", 1)[-1].strip().rstrip("?:").strip()
        return _short(short if len(short) > 1 else text.strip().rstrip(":?").strip()) or str(qid)
    if getattr(q, "column", None) and q.column != q.id:
        return _short(str(q.column))
    key = f"qtype_{q.type}"
    return i18n.label_or(key, lang, str(qid))


def item_labels(out: pd.DataFrame, study: Study, lang: str) -> pd.DataFrame:
    """Add ``item_label``: one chart row per question. A touchpoint rated by several questions
    is told apart by the question's short name (:func:`question_label`)."""
    if out.empty or "question" not in out.columns:
        return out.assign(item_label=out.get("touchpoint_label", pd.Series(dtype="string")))
    pairs = out[["touchpoint", "question"]].drop_duplicates()
    several = set(pairs.loc[pairs.duplicated("touchpoint", keep=False), "question"])
    names = {qid: question_label(study, qid, lang=lang) for qid in out["question"].dropna().unique()}
    # two long questions cut to the same name stay apart: numbered in questionnaire order
    taken = pd.Series(list(names.values()))
    repeated = set(taken[taken.duplicated()])
    seen: dict[str, int] = {}
    for qid, name in list(names.items()):
        if name in repeated:
            seen[name] = seen.get(name, 0) + 1
            names[qid] = f"{name} ({seen[name]})"
    qnames = out["question"].map(names).astype("string")
    label = out["touchpoint_label"].astype("string")
    label = label.where(~out["question"].isin(several), label + " – " + qnames)
    # questions not assigned to a touchpoint are named by themselves, not as "unassigned – ..."
    label = label.where(out["touchpoint"].astype("string").fillna(UNASSIGNED) != UNASSIGNED, qnames)
    # an outcome (e.g. overall satisfaction in a trend table) is no touchpoint: it is named by its question
    return out.assign(item_label=label.where(out["touchpoint"].notna(), qnames))
