"""What to fix first: the drivers of the outcome, importance x performance, and the pain points.

All three use one driver analysis per study (:func:`driver_questions` picks the ratings with
enough coverage), computed once and shared with the executive summary.
"""
from __future__ import annotations

import pandas as pd

from cjkit.catalog import i18n, touchpoints
from cjkit.report.sections.base import UNASSIGNED, add_labels, item_labels, positive_answer, rating_rows
from cjkit.report.study import Study, outcome_question
from cjkit.stats import drivers, ipa, metrics
from cjkit.stats.painpoints import rank_painpoints


def driver_questions(study: Study, *, min_coverage: float = 0.75, max_drivers: int = 15) -> list[str]:
    """Driver ratings fit for a regression, best covered first.

    A driver must be answered by at least *min_coverage* of the respondents in scope
    (touchpoints few guests use would shrink the listwise sample), and at most *max_drivers*
    are kept (LMG is exponential in their number).

    Parameters
    ----------
    study : Study
        The opened study.
    min_coverage : float
        Least share of respondents in scope who answered the rating.
    max_drivers : int
        Most drivers returned.

    Returns
    -------
    list of str
        Question ids.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> cj.report.driver_questions(study)   # questionnaire order among equal coverage
    ['tp_website', 'tp_booking', 'tp_check_in', 'tp_room', 'tp_wifi']
    """
    d = rating_rows(study, ("driver",))
    if d.empty:
        return []
    coverage = (d.groupby("question", observed=True)["value"].apply(lambda v: v.notna().mean())
                .sort_values(ascending=False, kind="stable"))  # ties keep the questionnaire's order
    return coverage[coverage >= min_coverage].index[:max_drivers].tolist()


def driver_table(study: Study, *, role: str = "overall", lang: str = "de", **kwargs) -> pd.DataFrame:
    """Key drivers of the outcome with *role*: coefficients, relative weights and LMG (both sum to R²).

    Parameters
    ----------
    study : Study
        The opened study.
    role : {"overall", "nps"}
        Spec role of the outcome question.
    lang : {"de", "en"}
        Language of the label columns.
    **kwargs
        Passed to :func:`driver_questions` (``min_coverage``, ``max_drivers``).

    Returns
    -------
    DataFrame
        The table of :func:`cjkit.stats.drivers.key_drivers` with phase_label and touchpoint_label.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> d = cj.report.driver_table(study, lang="en")
    >>> d[["driver", "touchpoint_label", "relative_weight_pct", "rank"]].round(1)
            driver touchpoint_label  relative_weight_pct  rank
    0      tp_room             Room                 43.6     1
    1  tp_check_in         Check-in                 29.8     2
    2   tp_website          Website                  9.6     3
    3   tp_booking          Booking                  9.2     4
    4      tp_wifi            Wi-Fi                  7.8     5
    """
    d = _key_drivers(study, study.outcome(role), driver_questions(study, **kwargs), positive_answer(study, role))
    return _driver_labels(add_labels(d, study, lang=lang), study, lang)


def _key_drivers(study: Study, outcome: str, questions, positive) -> pd.DataFrame:
    """One driver analysis per (study, outcome, drivers, positive answer), shared by every section."""
    return study.memo(("key_drivers", outcome, tuple(questions), positive),
                      lambda: drivers.key_drivers(study.long, outcome=outcome, drivers=list(questions),
                                                  positive=positive)).copy()


def _driver_labels(out: pd.DataFrame, study: Study, lang: str) -> pd.DataFrame:
    """``item_label`` of a driver table: the touchpoint, told apart by the question where needed."""
    if out.empty:
        return out.assign(item_label=pd.Series(dtype="string"))
    return item_labels(out.assign(question=out["driver"]), study, lang).drop(columns="question")


def ipa_table(study: Study, *, role: str = "overall", lang: str = "de", **kwargs) -> pd.DataFrame:
    """Importance-performance per driver with quadrant names in *lang*.

    Parameters
    ----------
    study : Study
        The opened study.
    role : {"overall", "nps"}
        Spec role of the outcome question.
    lang : {"de", "en"}
        Language of the quadrant and label columns.
    **kwargs
        Passed to :func:`driver_questions`.

    Returns
    -------
    DataFrame
        The table of :func:`cjkit.stats.ipa.importance_performance` with the label columns.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> cj.report.ipa_table(study, lang="en")[["driver", "quadrant"]]
            driver           quadrant
    0      tp_room            keep_up
    1  tp_check_in            keep_up
    2   tp_website       low_priority
    3   tp_booking  possible_overkill
    4      tp_wifi       low_priority
    """
    # what cjkit.ipa computes, on the driver analysis the report has already made
    kd = _key_drivers(study, study.outcome(role), driver_questions(study, **kwargs), positive_answer(study, role))
    perf = metrics.metrics(study.long, by=["question"], questions=list(kd["driver"]), metrics=["mean"], weight="weight")
    out = ipa.importance_performance(kd, perf, importance="relative_weight_pct", metric="mean", lang=lang)
    return _driver_labels(add_labels(out, study, lang=lang), study, lang)


def painpoint_table(study: Study, coded: pd.DataFrame | None = None, *, role: str = "overall",
                    lang: str = "de", **kwargs) -> pd.DataFrame:
    """Ranked pain points per phase x touchpoint, with the evidence for each.

    Low ratings, negative mentions in the coded open answers, driver impact and the effect on
    the outcome, with PII-masked example verbatims. Only touchpoints in the importance-performance
    "fix first" quadrant, or raised unprompted by many respondents, get a rank; every other
    touchpoint keeps its evidence and a status saying why it is no pain point
    (:func:`cjkit.painpoint_method` states the rule).

    Parameters
    ----------
    study : Study
        The opened study.
    coded : DataFrame, optional
        Coded open answers (:func:`coded_comments`); without them the ranking uses the ratings only.
    role : {"overall", "nps"}
        Spec role of the outcome.
    lang : {"de", "en"}
        Language of the label columns.
    **kwargs
        Passed to :func:`cjkit.stats.painpoints.rank_painpoints` (``level``, ``target``, ...).

    Returns
    -------
    DataFrame
        The table of :func:`cjkit.stats.painpoints.rank_painpoints`, ranked pain points first (by
        rank), then the other touchpoints by score, with the label columns and ``status_label``.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> coded = cj.report.coded_comments(study)
    >>> table = cj.report.painpoint_table(study, coded, lang="en")
    >>> table[["touchpoint", "status_label", "rank"]].head(3)
      touchpoint        status_label  rank
    0       room  Keep up the good work  <NA>
    1   check_in  Keep up the good work  <NA>
    2    website        Low priority  <NA>
    """
    q = outcome_question(study.spec, role)
    outcome = q.id if q is not None and q.id in set(study.long["question"]) else None
    positive = positive_answer(study, role)
    questions = driver_questions(study)
    # without an outcome (e.g. a comments-only feedback file) the ranking rests on the
    # low ratings and the negative mentions alone
    drv = _key_drivers(study, outcome, questions, positive) if outcome is not None and questions else None
    # CSAT items are touchpoint ratings like driver ratings: both count as low ratings
    long = study.long.assign(touchpoint=study.long["touchpoint"].astype("string").fillna(UNASSIGNED),
                             role=study.long["role"].replace({"csat": "driver"}))
    if coded is not None and len(coded):
        coded = coded.assign(touchpoint=coded["touchpoint"].astype("string").fillna(UNASSIGNED))
    ranked = rank_painpoints(long, coded=coded, driver_table=drv, outcome=outcome, positive=positive,
                             scales=study.scales, **kwargs)
    ranked = ranked.sort_values(["rank", "score"], ascending=[True, False], na_position="last", kind="stable")
    status = ranked["status"].astype("string")
    ranked["status_label"] = [i18n.label_or(f"painpoint_status_{s}", lang, s) for s in status.fillna("")]
    return add_labels(ranked.reset_index(drop=True), study, lang=lang)
