"""Persona/segment comparison and wave trends as tidy tables ready to plot.

Both tables hold one row per cell and group with the metric, its confidence interval, the
bases and the flag of the base rule, plus the significance of the difference that a chart
would annotate: each segment against the rest of the sample, each wave against the previous one.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cjkit.errors import ParameterError
from cjkit.stats.metrics import metrics as _metrics
from cjkit.stats.significance import compare_groups

_KEEP = ["value", "ci_low", "ci_high", "n", "n_weighted", "n_effective", "design_effect", "flag"]


def _levels(col: pd.Series) -> list:
    if isinstance(col.dtype, pd.CategoricalDtype):
        return [c for c in col.cat.categories if c in set(col.dropna())]
    return sorted(col.dropna().unique().tolist(), key=str)


def _direction(diff, significant):
    return np.where(significant & (diff > 0), "higher", np.where(significant & (diff < 0), "lower", ""))


def persona_comparison(long: pd.DataFrame, *, segment_column: str = "persona", by=("question",),
                       metric: str = "mean", questions=None, correction: str = "holm",
                       alpha: float = 0.05, scales=None, weight: str = "weight",
                       min_n=None, suppress_n=None, se_method: str = "kish", strata: str | None = None,
                       cluster: str | None = None, fpc=None) -> pd.DataFrame:
    """Metric per segment level next to the total, with a test of each level against the rest.

    Parameters
    ----------
    long : DataFrame
        The long survey frame.
    segment_column : str
        Segment column (persona, customer type, ...).
    by : sequence of str
        Cells of the table, default per question.
    metric : str
        mean, top2, bottom2, nps, promoters, passives or detractors.
    correction : str
        Multiple-testing correction over the levels within a cell (holm, fdr_bh, ...).
    se_method, strata, cluster, fpc : optional
        Standard errors and tests from the Kish effective base (default) or design-based
        (``"taylor"`` with the design's columns), see :func:`cjkit.metrics`.

    Returns
    -------
    DataFrame
        by columns, variable, segment, metric, value, ci_low, ci_high, n, n_weighted, n_effective,
        total, difference_vs_rest, p_value, p_adjusted, significant, direction, flag, design_effect,
        note (why a test was not run)

    Examples
    --------
    >>> import cjkit as cj
    >>> long = cj.example_study().long
    >>> t = cj.persona_comparison(long, segment_column="persona", questions=["overall"], metric="top2")
    >>> t[["question", "segment", "value", "total", "p_adjusted"]].round(3)
      question  segment  value  total  p_adjusted
    0  overall  Familie  0.410  0.513       0.093
    1  overall     Paar  0.596  0.513       0.093
    """
    if segment_column not in long.columns:
        raise ParameterError("segment_column", segment_column, allowed=list(long.columns))
    segment = segment_column  # the column; its levels become the output column "segment"
    by = [c for c in ([by] if isinstance(by, str) else list(by)) if c != segment]
    design = dict(se_method=se_method, strata=strata, cluster=cluster, fpc=fpc)
    kw = dict(metrics=[metric], questions=questions, scales=scales, weight=weight,
              min_n=min_n, suppress_n=suppress_n, **design)
    per = _metrics(long, by=[*by, segment], **kw)
    if per.empty:
        return per
    cells = [c for c in per.columns if c in [*by, "question"]]
    total = _metrics(long, by=by, **kw)[[*cells, "value"]].rename(columns={"value": "total"})
    tests = compare_groups(long, between=segment, by=by, metric=metric, pairs="rest", correction=correction,
                           alpha=alpha, questions=questions, scales=scales, weight=weight,
                           min_n=min_n, suppress_n=suppress_n, **design)
    tests = tests[[*cells, "group_b", "difference", "p_value", "p_adjusted", "significant", "note"]].rename(
        columns={"group_b": segment, "difference": "difference_vs_rest"})
    out = per.merge(total, on=cells, how="left").merge(tests, on=[*cells, segment], how="left")
    out["direction"] = _direction(out["difference_vs_rest"], out["significant"].fillna(False).astype(bool))
    out = out.rename(columns={segment: "segment"})
    out["note"] = out["note"].fillna("")
    out.insert(len(cells), "variable", segment)
    cols = [*cells, "variable", "segment", "metric", "value", "ci_low", "ci_high", "n", "n_weighted",
            "n_effective", "total", "difference_vs_rest", "p_value", "p_adjusted", "significant",
            "direction", "flag", "design_effect", "note"]
    return out[cols].reset_index(drop=True)


def wave_trend(long: pd.DataFrame, *, wave_column: str = "wave", by=("question",), metric: str = "mean",
               questions=None, correction: str = "holm", alpha: float = 0.05, scales=None,
               weight: str = "weight", min_n=None, suppress_n=None, se_method: str = "kish",
               strata: str | None = None, cluster: str | None = None, fpc=None) -> pd.DataFrame:
    """Metric per wave with the change against the previous wave and its significance.

    Wave order is the category order of the wave column if it is categorical, else sorted.

    Parameters
    ----------
    long : DataFrame
        The long survey frame.
    wave_column : str
        Wave column (at least two waves).
    by : sequence of str
        Cells of the table, default per question.
    metric : str
        mean, top2, bottom2, nps, promoters, passives, detractors or index.
    questions : list of str, optional
        Questions to include.
    correction : {"holm", "fdr_bh", "bonferroni", "none"}
        Multiple-testing correction over the wave steps within a cell.
    alpha : float
        Significance level of ``significant``.
    scales : dict, optional
        ``{question: (min, max)}`` for the box metrics.
    weight : str
        Weight column.
    min_n, suppress_n : int, optional
        Base rule (see :func:`cjkit.stats.base.apply_base_rule`).
    se_method, strata, cluster, fpc : optional
        Standard errors and tests from the Kish effective base (default) or design-based
        (``"taylor"`` with the design's columns), see :func:`cjkit.metrics`.

    Returns
    -------
    DataFrame
        by columns, wave, wave_order, metric, value, ci_low, ci_high, n, n_weighted, n_effective,
        change, p_value, p_adjusted, significant, direction, flag, design_effect, note (why a test
        was not run). The first wave has no change.

    Examples
    --------
    >>> import cjkit as cj
    >>> long = cj.example_study().long
    >>> t = cj.wave_trend(long, wave_column="wave", metric="nps", questions=["recommend"])
    >>> t[["wave", "value", "change", "p_value"]].round(2)
       wave  value  change  p_value
    0  2025   4.86     NaN      NaN
    1  2026  -2.80   -7.66     0.63
    """
    if wave_column not in long.columns:
        raise ParameterError("wave_column", wave_column, allowed=list(long.columns))
    wave = wave_column  # the column; its levels become the output column "wave"
    by = [c for c in ([by] if isinstance(by, str) else list(by)) if c != wave]
    levels = _levels(long[wave])
    if len(levels) < 2:
        raise ParameterError("wave_column", wave, message=f"column '{wave}' has {len(levels)} wave(s); "
                             "a trend needs at least 2")
    design = dict(se_method=se_method, strata=strata, cluster=cluster, fpc=fpc)
    per = _metrics(long, by=[*by, wave], metrics=[metric], questions=questions, scales=scales,
                   weight=weight, min_n=min_n, suppress_n=suppress_n, **design)
    if per.empty:
        return per
    cells = [c for c in per.columns if c in [*by, "question"]]
    tests = compare_groups(long, between=wave, by=by, metric=metric, pairs="adjacent", correction=correction,
                           alpha=alpha, questions=questions, scales=scales, weight=weight,
                           min_n=min_n, suppress_n=suppress_n, **design)
    tests = tests[[*cells, "group_b", "difference", "p_value", "p_adjusted", "significant", "note"]].rename(
        columns={"group_b": wave, "difference": "change"})
    out = per.merge(tests, on=[*cells, wave], how="left")
    out["wave_order"] = out[wave].map({lv: i for i, lv in enumerate(levels)})
    out["direction"] = _direction(out["change"], out["significant"].fillna(False).astype(bool))
    out = out.rename(columns={wave: "wave"}).sort_values([*cells, "wave_order"], kind="stable")
    out["note"] = out["note"].fillna("")
    cols = [*cells, "wave", "wave_order", "metric", "value", "ci_low", "ci_high", "n", "n_weighted",
            "n_effective", "change", "p_value", "p_adjusted", "significant", "direction", "flag",
            "design_effect", "note"]
    return out[cols].reset_index(drop=True)
