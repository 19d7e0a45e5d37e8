"""Score sections: satisfaction per touchpoint and phase, the journey map's cells, segments and waves.
"""
from __future__ import annotations

import pandas as pd

from cjkit.catalog import touchpoints
from cjkit.errors import ParameterError
from cjkit.report.sections.base import add_labels, item_labels, memoized, rating_rows
from cjkit.report.study import Study
from cjkit.stats import compare, metrics


def touchpoint_scores(study: Study, *, lang: str = "de", metric: str = "mean") -> pd.DataFrame:
    """Score per touchpoint question in journey order, with CI, bases and base-rule flag.

    Parameters
    ----------
    study : Study
        The opened study; its driver ratings (likert, rating, csat) are scored.
    lang : {"de", "en"}
        Language of the label columns.
    metric : str
        Metric of :func:`cjkit.stats.metrics.metrics` (mean, top2, index, ...).

    Returns
    -------
    DataFrame
        phase, touchpoint, question, metric, value, ci_low, ci_high, n, n_weighted, n_effective,
        flag, phase_label, touchpoint_label, item_label (the touchpoint label, with the question id
        where a touchpoint has several questions: one chart row per question); sorted by phase,
        best first within a phase. Ratings without a touchpoint are under ``unassigned``.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> t = cj.report.touchpoint_scores(study, lang="en")
    >>> t[["touchpoint_label", "question", "value", "n"]].round(2)
      touchpoint_label     question  value    n
    0          Website   tp_website   3.43  120
    1          Booking   tp_booking   3.52  120
    2             Room      tp_room   3.48  120
    3         Check-in  tp_check_in   3.47  120
    4            Wi-Fi      tp_wifi   3.44  120
    """
    m = metrics.metrics(rating_rows(study), by=["phase", "touchpoint", "question"], metrics=[metric],
                        scales=study.scales)
    m = m.sort_values(["phase", "value"], ascending=[True, False], na_position="last")
    return item_labels(add_labels(m, study, lang=lang).reset_index(drop=True), study, lang)


def phase_scores(study: Study, *, lang: str = "de") -> pd.DataFrame:
    """Satisfaction index (0-100) per journey phase: the emotion curve of the journey map.

    Parameters
    ----------
    study : Study
        The opened study.
    lang : {"de", "en"}
        Language of ``phase_label``.

    Returns
    -------
    DataFrame
        phase, metric (``index``), value, ci_low, ci_high, n, n_weighted, n_effective, flag,
        phase_label; in the phase order of the journey model.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> cj.report.phase_scores(study, lang="en")[["phase", "phase_label", "value", "n"]].round(1)
               phase    phase_label  value    n
    0  consideration  Consideration   60.9  120
    1     conversion     Conversion   63.1  120
    2      retention      Retention   61.6  120
    """
    m = metrics.metrics(rating_rows(study), by=["phase"], metrics=["index"], scales=study.scales)
    return add_labels(m.sort_values("phase"), study, lang=lang).reset_index(drop=True)


def journey_map_data(study: Study, *, lang: str = "de") -> pd.DataFrame:
    """Satisfaction index (0-100) per phase x touchpoint, the cells of the journey map.

    Several rating questions on one touchpoint in one phase are averaged per respondent
    (each rescaled to 0-100), so every cell has one value whatever the scales.

    Parameters
    ----------
    study : Study
        The opened study.
    lang : {"de", "en"}
        Language of the label columns.

    Returns
    -------
    DataFrame
        phase, touchpoint, metric (``index``), value, ci_low, ci_high, n, ..., flag and the label
        columns; the input of :func:`cjkit.plot.journeymap.journey_map`.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> cj.report.journey_map_data(study, lang="en")[["phase", "touchpoint", "value", "n"]].round(1)
               phase touchpoint  value    n
    0  consideration    website   60.9  120
    1     conversion    booking   63.1  120
    2      retention   check_in   61.8  120
    3      retention       room   62.1  120
    4      retention       wifi   61.0  120
    """
    m = metrics.metrics(rating_rows(study), by=["phase", "touchpoint"], metrics=["index"], scales=study.scales)
    # a map cell needs a phase; ratings without one are in touchpoint_scores, not on the map
    return add_labels(m[m["phase"].notna()].reset_index(drop=True), study, lang=lang)


@memoized
def segment_comparison(study: Study, *, segment_column: str | None = None, metric: str = "mean",
                       lang: str = "de") -> pd.DataFrame:
    """Score per segment and touchpoint next to the total, each segment tested against the rest.

    Parameters
    ----------
    study : Study
        The opened study.
    segment_column : str, optional
        Segment column; default the study's segment column (the first segment of the spec).
    metric : str
        mean, top2, bottom2, nps, ... (see :func:`cjkit.stats.compare.persona_comparison`).
    lang : {"de", "en"}
        Language of the label columns.

    Returns
    -------
    DataFrame
        The table of :func:`cjkit.stats.compare.persona_comparison` with the label columns and
        ``item_label`` (see :func:`touchpoint_scores`).

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> t = cj.report.segment_comparison(study, lang="en")
    >>> t[t["question"] == "tp_room"][["segment", "value", "difference_vs_rest", "significant"]].round(2)
       segment  value  difference_vs_rest  significant
    6  Familie   3.36               -0.22        False
    7     Paar   3.58                0.22        False
    """
    column = segment_column or study.scope.get("segment_column")
    if column is None or column not in study.long.columns:
        raise ParameterError("segment_column", column, allowed=list(study.spec.segments))
    out = compare.persona_comparison(rating_rows(study), segment_column=column, by=["phase", "touchpoint", "question"], metric=metric,
                                     scales=study.scales)
    return item_labels(add_labels(out, study, lang=lang), study, lang)


@memoized
def trend_table(study: Study, *, role: str = "overall", metric: str = "mean", lang: str = "de") -> pd.DataFrame:
    """Outcome (role) and touchpoint scores per wave, with the change against the previous wave.

    Parameters
    ----------
    study : Study
        The opened study; the spec's ``wave`` column gives the waves.
    role : {"overall", "nps"}
        Spec role of the outcome shown next to the touchpoints.
    metric : str
        mean, top2, ... (see :func:`cjkit.stats.compare.wave_trend`).
    lang : {"de", "en"}
        Language of the label columns.

    Returns
    -------
    DataFrame
        The table of :func:`cjkit.stats.compare.wave_trend` with the label columns; empty
        when the study has fewer than two waves in scope.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> t = cj.report.trend_table(study, lang="en")
    >>> t[t["question"] == "tp_room"][["wave", "value", "change", "p_value"]].round(2)
       wave  value  change  p_value
    6  2025   3.54     NaN      NaN
    7  2026   3.42   -0.12     0.58
    >>> cj.report.trend_table(cj.example_study(wave="2026")).empty  # one wave: no trend
    True
    """
    wave = study.spec.wave
    if not wave or study.long[wave].nunique() < 2:
        return pd.DataFrame()
    out = compare.wave_trend(rating_rows(study, ("driver", role)), wave_column=wave, by=["phase", "touchpoint", "question"], metric=metric, scales=study.scales)
    return item_labels(add_labels(out, study, lang=lang), study, lang)
