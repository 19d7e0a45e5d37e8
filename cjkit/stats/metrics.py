"""Satisfaction metrics on the long frame: means, top/bottom-2-box, NPS, CES, indices.

All metrics are weighted (``weight`` column, 1.0 when unweighted) and come with the
unweighted base ``n``, the weighted base ``n_weighted``, the Kish effective base
``n_effective = (sum w)^2 / sum w^2`` and a confidence interval computed on the effective base:

* means: t interval, ``se^2 = var_w / (n_effective - 1)`` (identical to statsmodels
  ``DescrStatsW`` with the weights rescaled to sum to ``n_effective``);
* shares (top-2-box, promoters, ...): Wilson score interval;
* NPS = 100 * (share promoters - share detractors): normal interval with the multinomial
  variance ``(p_P + p_D - (p_P - p_D)^2) / n_effective``.

This Kish shortcut (``se_method="kish"``, the default) treats a weighted sample as a simple
random sample of ``n_effective`` respondents. ``se_method="taylor"`` gives design-based
standard errors by Taylor linearisation (:mod:`cjkit.stats.design`), with optional strata,
clusters and finite-population correction; the t interval of a mean then has the design's
degrees of freedom and a share's Wilson interval uses the base implied by its design variance.
``design_effect`` is the variance against a simple random sample of the same ``n``
(Kish: ``n / n_effective``). The base rule counts the smaller of ``n`` and ``n_effective``.

Shares are proportions (0-1); NPS runs from -100 to 100; an ``index`` (several questions
averaged per respondent, each rescaled to 0-100) runs from 0 to 100.
Answers with a missing code are never dropped silently: they are counted in ``n_missing``.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
# the quantile functions themselves (scipy.stats.norm/t.ppf call these): importing scipy.special
# costs a fifth of importing scipy.stats, and cj.metrics is the first thing a notebook runs
from scipy.special import ndtri, stdtrit

from cjkit.errors import DataError, ParameterError
from cjkit.stats.base import apply_base_rule, resolve_base_rule
from cjkit.stats.design import SE_METHODS, design_frame, taylor_cells
from cjkit.stats.sufficient import (METRIC_NAMES, estimates_from_stats,  # noqa: F401
                                    finish_stats, group_stats, scale_ranges, select, unit_rows, weights_of)

log = logging.getLogger("cjkit.stats.metrics")

OUTPUT_COLUMNS = ["metric", "value", "n", "n_weighted", "n_effective", "ci_low", "ci_high", "flag",
                  "n_missing", "se", "design_effect"]


def wilson_interval(p, n, level: float = 0.95):
    """Wilson score interval for proportion(s) *p* on (effective) base(s) *n*.

    Parameters
    ----------
    p : float or array-like
        Observed proportion(s), 0-1.
    n : float or array-like
        (Effective) base(s).
    level : float
        Confidence level.

    Returns
    -------
    (low, high)
        Interval bounds, floats or arrays like *p*.

    Examples
    --------
    >>> from cjkit.stats.metrics import wilson_interval
    >>> [round(float(b), 4) for b in wilson_interval(0.5, 100)]
    [0.4038, 0.5962]
    """
    p, n = np.asarray(p, dtype=float), np.asarray(n, dtype=float)
    z = ndtri(0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        denom = 1 + z ** 2 / n
        centre = (p + z ** 2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z ** 2 / (4 * n ** 2)) / denom
    return centre - half, centre + half


def _standard_error(est: dict, n_eff, metric: str):
    n_eff = np.asarray(n_eff, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        if metric in ("mean", "index"):
            dof = n_eff - 1
            return np.sqrt(est["var"] / np.where(dof > 0, dof, np.nan))
        return np.sqrt(est["var"] / np.where(n_eff > 0, n_eff, np.nan))


def _interval(est: dict, n_eff, metric: str, level: float, se=None, dof=None):
    n_eff = np.asarray(n_eff, dtype=float)
    se = _standard_error(est, n_eff, metric) if se is None else np.asarray(se, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        if metric in ("mean", "index"):
            dof = n_eff - 1 if dof is None else np.asarray(dof, dtype=float)
            t = stdtrit(np.where(dof > 0, dof, np.nan), 0.5 + level / 2)
            return est["value"] - t * se, est["value"] + t * se
        if metric == "nps":
            z = ndtri(0.5 + level / 2)
            return np.clip(est["value"] - z * se, -100, 100), np.clip(est["value"] + z * se, -100, 100)
        p = np.asarray(est["value"], dtype=float)
        # the base whose binomial variance equals the (design) variance of the share
        base = np.where(se > 0, p * (1 - p) / se ** 2, n_eff)
        return wilson_interval(p, base, level)


def metrics(long: pd.DataFrame, *, by=("question",), metrics=None, questions=None, types=None,
            roles=None, scales=None, weight: str = "weight", level: float = 0.95,
            min_n=None, suppress_n=None, se_method: str = "kish", strata: str | None = None,
            cluster: str | None = None, fpc=None) -> pd.DataFrame:
    """Weighted satisfaction metrics with confidence intervals and bases, per table cell.

    Parameters
    ----------
    long : DataFrame
        The long survey frame (respondent_id, question, type, role, value, weight, ...).
    by : sequence of str
        Cell columns, e.g. ``["phase", "touchpoint", "question"]`` or ``["persona", "question"]``.
        Without ``"question"`` in *by*, the questions of a cell are averaged into a 0-100 index.
    metrics : sequence of str, optional
        Subset of mean, top2, bottom2, nps, promoters, passives, detractors, index.
        Default: mean/top2/bottom2 for scales (CSAT, CES, likert, rating), nps and its
        three shares plus the mean for NPS questions, index for indices.
    questions, types, roles : optional
        Which questions to measure (default: all scale and NPS questions).
    scales : dict, optional
        ``{question: (min, max)}``; default observed range (NPS fixed at 0-10).
        Top-2-box is ``value >= max - 1``, bottom-2-box ``value <= min + 1``.
    level : float
        Confidence level of ``ci_low``/``ci_high``.
    min_n, suppress_n : int, optional
        Base rule (default 30 / 10) on the smaller of ``n`` and ``n_effective``, see
        :func:`cjkit.stats.base.apply_base_rule`.
    se_method : {"kish", "taylor"}
        Standard errors from the Kish effective base, or design-based by Taylor linearisation.
    strata, cluster : str, optional
        Stratum and cluster (PSU) columns of the design (``se_method="taylor"``; the spec's
        ``strata:`` and ``cluster:``).
    fpc : str or float, optional
        Population number of PSUs per stratum (column or number), for the finite-population
        correction (``se_method="taylor"``).

    Returns
    -------
    DataFrame
        by columns (+ question), metric, value, n, n_weighted, n_effective, ci_low, ci_high,
        flag, n_missing, se, design_effect. ``n`` counts answers with a positive weight.

    Examples
    --------
    >>> import cjkit as cj
    >>> import pandas as pd
    >>> from cjkit.stats.metrics import metrics
    >>> long = pd.DataFrame({"respondent_id": list("abcd"), "question": "q1", "type": "csat",
    ...                      "value": [5.0, 4.0, 2.0, 5.0], "weight": 1.0})
    >>> cj.metrics(long, metrics=["top2"], scales={"q1": (1, 5)}, min_n=0, suppress_n=0)["value"].item()
    0.75
    """
    wanted = check_metric_options(metrics, se_method, strata, cluster, fpc, min_n, suppress_n)
    st = group_stats(long, by, questions=questions, types=types, roles=roles, scales=scales, weight=weight)
    taylor = None
    if se_method == "taylor":
        def taylor(sub, keys, m):
            return _taylor(long, by, sub, keys, m, dict(questions=questions, types=types, roles=roles,
                                                        scales=scales, weight=weight), (strata, cluster, fpc))
    return metrics_from_stats(st, by=by, metrics=wanted, level=level, min_n=min_n, suppress_n=suppress_n,
                              taylor=taylor)


def check_metric_options(metrics, se_method, strata, cluster, fpc, min_n, suppress_n):
    """The metric names asked for (None: the defaults), after checking the options of :func:`metrics`
    before any work is done."""
    wanted = None if metrics is None else ([metrics] if isinstance(metrics, str) else list(metrics))
    bad = [m for m in (wanted or []) if m not in METRIC_NAMES]
    if bad:
        raise ParameterError("metrics", bad, allowed=METRIC_NAMES)
    if se_method not in SE_METHODS:
        raise ParameterError("se_method", se_method, allowed=SE_METHODS)
    if se_method == "kish" and (strata or cluster or fpc is not None):
        raise ParameterError("se_method", se_method, allowed=["taylor"],
                             message="parameter 'se_method': strata, cluster and fpc need se_method='taylor'")
    resolve_base_rule(min_n, suppress_n)  # bad base-rule values fail before any work
    return wanted


def metrics_from_stats(st: pd.DataFrame, *, by=("question",), metrics=None, level: float = 0.95,
                       min_n=None, suppress_n=None, taylor=None) -> pd.DataFrame:
    """The metrics table of :func:`metrics` from a table of sufficient statistics.

    Parameters
    ----------
    st : DataFrame
        Sufficient statistics per cell, as :func:`cjkit.stats.sufficient.group_stats` returns them
        (or computed elsewhere, e.g. by a database over a file too large for memory).
    by, metrics, level, min_n, suppress_n
        As for :func:`metrics`.
    taylor : callable, optional
        ``taylor(sub, keys, metric)`` returning design-based ``se``, ``dof`` and ``design_effect``
        arrays for the cells of *sub*; default the Kish effective base.

    Returns
    -------
    DataFrame
        As :func:`metrics`.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.metrics import metrics_from_stats
    >>> st = pd.DataFrame({"question": ["q"], "n": [4], "n_missing": [0], "s_w": [4.0], "s_w2": [4.0],
    ...                    "s_wx": [16.0], "s_wx2": [66.0], "s_top": [3.0], "s_bottom": [1.0], "s_prom": [0.0],
    ...                    "s_pass": [0.0], "s_det": [0.0], "scale_min": [1.0], "scale_max": [5.0],
    ...                    "kind": ["scale"], "n_weighted": [4.0], "n_effective": [4.0]})
    >>> metrics_from_stats(st, metrics=["mean", "top2"], min_n=0, suppress_n=0)[["metric", "value"]]
      metric  value
    0   mean   4.00
    1   top2   0.75
    """
    wanted = None if metrics is None else ([metrics] if isinstance(metrics, str) else list(metrics))
    min_n, suppress_n = resolve_base_rule(min_n, suppress_n)
    keys = [c for c in st.columns if c in ([by] if isinstance(by, str) else list(by)) or c == "question"]
    default = {"scale": ("mean", "top2", "bottom2"), "index": ("index",),
               "nps": ("nps", "promoters", "passives", "detractors", "mean")}
    parts = []
    for kind, names in default.items():
        sub = st[st["kind"] == kind]
        if sub.empty:
            continue
        if wanted is None:
            chosen = names
        else:  # "mean" of several questions per respondent is their index
            chosen = [m for m in wanted if m in names] or (["index"] if kind == "index" and "mean" in wanted else [])
            if kind != "index" and "index" in wanted:
                chosen.append("index")  # a single question's index: its mean on 0-100
        for m in chosen:
            est = estimates_from_stats(sub, "mean" if m == "index" else m)
            n_eff = sub["n_effective"].to_numpy(float)
            se = _standard_error(est, n_eff, "mean" if m == "index" else m)
            with np.errstate(invalid="ignore", divide="ignore"):
                deff = sub["n"].to_numpy(float) / np.where(n_eff > 0, n_eff, np.nan)
            dof = None
            if taylor is not None:
                tay = taylor(sub, keys, m)
                se, dof, deff = tay["se"], tay["dof"], tay["design_effect"]
                if m == "index" and kind != "index":  # back to the question's scale for the interval
                    se = se * (sub["scale_max"] - sub["scale_min"]).to_numpy(float) / 100
            lo, hi = _interval(est, n_eff, "mean" if m == "index" else m, level, se=se, dof=dof)
            if m == "index" and kind != "index":
                lo_s, span = sub["scale_min"].to_numpy(float), (sub["scale_max"] - sub["scale_min"]).to_numpy(float)
                est = {"value": (np.asarray(est["value"]) - lo_s) / span * 100}
                lo, hi = (np.asarray(lo) - lo_s) / span * 100, (np.asarray(hi) - lo_s) / span * 100
                se = np.asarray(se) / span * 100
            parts.append(sub[keys].assign(
                metric=m, value=np.asarray(est["value"], dtype=float), n=sub["n"],
                n_weighted=sub["n_weighted"], n_effective=sub["n_effective"],
                ci_low=np.asarray(lo, dtype=float), ci_high=np.asarray(hi, dtype=float),
                n_missing=sub["n_missing"], se=np.asarray(se, dtype=float),
                design_effect=np.asarray(deff, dtype=float), _order=METRIC_NAMES.index(m)))
    if not parts:
        return pd.DataFrame(columns=[*keys, *OUTPUT_COLUMNS])
    out = pd.concat(parts, ignore_index=True).sort_values([*keys, "_order"], kind="stable")
    out = apply_base_rule(out.drop(columns="_order"), min_n, suppress_n, effective_cols=("n_effective",),
                          estimate_cols=("value", "ci_low", "ci_high", "se"))
    return out[[*keys, *OUTPUT_COLUMNS]].reset_index(drop=True)


def _taylor(long, by, sub, keys, metric, select_kw, design_cols):
    """Taylor standard errors of *metric* for the cells of *sub*, in the order of *sub*."""
    strata, cluster, fpc = design_cols
    units, unit_keys = unit_rows(long, by, **select_kw)
    design = design_frame(long, strata=strata, cluster=cluster, fpc=fpc)
    name = "index" if metric == "index" else metric
    cells = units.merge(sub[keys].drop_duplicates(), on=keys, how="inner") if keys else units
    tab = taylor_cells(cells, unit_keys, [name], design)
    tab = sub[keys].merge(tab, on=keys, how="left") if keys else tab
    return {c: tab[c].to_numpy(float) for c in ("se", "dof", "design_effect")}


def nps(scores, *, weights=None, level: float = 0.95) -> pd.DataFrame:
    """NPS of a plain vector of 0-10 answers (NaN ignored), with its multinomial CI.

    Parameters
    ----------
    scores : array-like
        Answers on the 0-10 scale; NaN is ignored, other values raise
        :class:`~cjkit.errors.DataError`.
    weights : array-like, optional
        One weight per answer.
    level : float
        Confidence level of the interval.

    Returns
    -------
    DataFrame
        One row: metric, value (-100 to 100), ci_low, ci_high, n, n_weighted, n_effective.

    Examples
    --------
    >>> import cjkit as cj
    >>> cj.nps([10, 9, 8, 3])["value"].item()
    25.0
    """
    x = np.asarray(scores, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    long = pd.DataFrame({"respondent_id": np.arange(len(x)).astype(str), "question": "nps",
                         "type": "nps", "value": x, "weight": w})
    return metrics(long, metrics=["nps"], level=level, min_n=0, suppress_n=0)
