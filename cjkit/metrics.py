"""Satisfaction metrics on the long frame: means, top/bottom-2-box, NPS, CES, indices.

All metrics are weighted (``weight`` column, 1.0 when unweighted) and come with the
unweighted base ``n``, the weighted base ``n_weighted``, the Kish effective base
``n_effective = (sum w)^2 / sum w^2`` and a confidence interval computed on the effective base:

* means: t interval, ``se^2 = var_w / (n_effective - 1)`` (identical to statsmodels
  ``DescrStatsW`` with the weights rescaled to sum to ``n_effective``);
* shares (top-2-box, promoters, ...): Wilson score interval;
* NPS = 100 * (share promoters - share detractors): normal interval with the multinomial
  variance ``(p_P + p_D - (p_P - p_D)^2) / n_effective``.

Shares are proportions (0-1); NPS runs from -100 to 100; an ``index`` (several questions
averaged per respondent, each rescaled to 0-100) runs from 0 to 100.
Answers with a missing code are never dropped silently: they are counted in ``n_missing``.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from scipy import stats

from .errors import DataError, ParameterError
from .significance import apply_base_rule, resolve_base_rule

log = logging.getLogger("cjkit.metrics")

SCALE_TYPES = ("likert", "rating", "csat", "ces")
METRIC_NAMES = ("mean", "top2", "bottom2", "nps", "promoters", "passives", "detractors", "index")
_SUMS = ("n", "n_missing", "s_w", "s_w2", "s_wx", "s_wx2", "s_top", "s_bottom", "s_prom",
         "s_pass", "s_det")
OUTPUT_COLUMNS = ["metric", "value", "n", "n_weighted", "n_effective", "ci_low", "ci_high", "flag",
                  "n_missing"]


def weights_of(long: pd.DataFrame, weight: str = "weight") -> np.ndarray:
    """The weight column as float array (1.0 if absent); negative or missing weights raise DataError.

    Examples
    --------
    >>> weights_of(pd.DataFrame({"value": [1.0, 2.0]})).tolist()
    [1.0, 1.0]
    """
    if weight is None or weight not in long.columns:
        return np.ones(len(long))
    w = pd.to_numeric(long[weight], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"weights must be finite and >= 0; got {long[weight].iloc[i]!r} "
                        f"({bad.sum()} bad rows)", row=i + 1, column=weight)
    return w


def _scales(d: pd.DataFrame, scales) -> pd.DataFrame:
    """Per question scale (min, max): given, fixed 0-10 for NPS, else observed range (logged)."""
    obs = d.groupby("question", observed=True)["value"].agg(["min", "max"])
    types = d.groupby("question", observed=True)["type"].first() if "type" in d.columns else None
    out = obs.rename(columns={"min": "scale_min", "max": "scale_max"})
    if types is not None:
        nps = types.reindex(out.index).astype(str).eq("nps").to_numpy()
        out.loc[nps, ["scale_min", "scale_max"]] = [0.0, 10.0]
    for q, (lo, hi) in (scales or {}).items():
        if q in out.index:
            out.loc[q, ["scale_min", "scale_max"]] = [float(lo), float(hi)]
    inferred = [q for q in out.index if q not in (scales or {}) and not (types is not None and str(types.get(q)) == "nps")]
    if inferred:  # top/bottom-2-box depend on it: an unused top category would shift the box
        log.info("scale range inferred from the observed answers for %s; pass scales= (or use the "
                 "spec's scales) to fix it", ", ".join(map(str, inferred[:5])) + (" ..." if len(inferred) > 5 else ""))
    return out


def select(long: pd.DataFrame, questions=None, types=None, roles=None) -> pd.DataFrame:
    """Rows of the numeric questions to measure (by id, type and/or role).

    Examples
    --------
    >>> f = pd.DataFrame({"question": ["a", "b"], "type": ["csat", "open"], "value": [4.0, None]})
    >>> select(f)["question"].tolist()
    ['a']
    """
    if "question" not in long.columns or "value" not in long.columns:
        raise ParameterError("long", "frame", message="the long frame needs 'question' and 'value' columns")
    mask = pd.Series(True, index=long.index)
    if questions is not None:
        questions = [questions] if isinstance(questions, str) else list(questions)
        unknown = sorted(set(questions) - set(long["question"].unique()))
        if unknown:
            raise ParameterError("questions", unknown, allowed="question ids in the long frame")
        mask &= long["question"].isin(questions)
    elif "type" in long.columns:
        mask &= long["type"].isin(types or (*SCALE_TYPES, "nps"))
    if roles is not None and "role" in long.columns:
        mask &= long["role"].isin([roles] if isinstance(roles, str) else list(roles))
    return long.loc[mask]


def group_stats(long: pd.DataFrame, by=("question",), *, questions=None, types=None, roles=None,
                scales=None, weight: str = "weight") -> pd.DataFrame:
    """Weighted sufficient statistics per cell (the basis of every metric and test).

    If ``"question"`` is not in *by*, each respondent's answers within a cell are first
    rescaled to 0-100 and averaged (an index), so each respondent counts once.

    Returns
    -------
    DataFrame
        by columns, n, n_missing, s_w, s_w2, s_wx, s_wx2, s_top, s_bottom, s_prom, s_pass, s_det,
        scale_min, scale_max, kind ("scale" | "nps" | "index"), n_weighted, n_effective.

    Examples
    --------
    >>> f = pd.DataFrame({"respondent_id": ["a", "b"], "question": "q", "type": "csat",
    ...                   "value": [4.0, 2.0], "weight": [1.0, 3.0]})
    >>> group_stats(f)[["n", "s_w", "s_wx", "n_effective"]].iloc[0].tolist()
    [2.0, 4.0, 10.0, 1.6]
    """
    by = [by] if isinstance(by, str) else list(by)
    missing = [c for c in by if c not in long.columns]
    if missing:
        raise ParameterError("by", missing, allowed=list(long.columns))
    d = select(long, questions, types, roles)
    cols = list(dict.fromkeys([*by, "question", "respondent_id", "value"]
                              + [c for c in ("type",) if c in d.columns]))
    d = d[cols].assign(_w=weights_of(d, weight))
    sc = _scales(d, scales)
    d = d.join(sc, on="question")
    x = d["value"].to_numpy(dtype=float)
    # a single question needs no index: report it as itself
    index = "question" not in by and d["question"].nunique() > 1
    if index:
        span = (d["scale_max"] - d["scale_min"]).replace(0, np.nan)
        d["value"] = (d["value"] - d["scale_min"]) / span * 100
        # one index value per respondent and cell; a respondent with no valid answer is missing
        d = d.groupby([*by, "respondent_id"], observed=True, dropna=False, sort=False).agg(
            value=("value", "mean"), _w=("_w", "first")).reset_index()
        d["scale_min"], d["scale_max"], d["type"] = 0.0, 100.0, "index"
        x = d["value"].to_numpy(dtype=float)
    valid = ~np.isnan(x)
    w = np.where(valid, d["_w"].to_numpy(), 0.0)
    xv = np.where(valid, x, 0.0)
    hi, lo = d["scale_max"].to_numpy(), d["scale_min"].to_numpy()
    is_nps = (d["type"].eq("nps").fillna(False).to_numpy(dtype=bool) if "type" in d.columns
              else np.zeros(len(d), bool))
    sums = pd.DataFrame({
        "n": valid.astype(np.int64), "n_missing": (~valid).astype(np.int64),
        "s_w": w, "s_w2": w * w, "s_wx": w * xv, "s_wx2": w * xv * xv,
        "s_top": w * (xv >= hi - 1), "s_bottom": w * (xv <= lo + 1),
        "s_prom": w * (is_nps & (xv >= 9)), "s_pass": w * (is_nps & (xv >= 7) & (xv <= 8)),
        "s_det": w * (is_nps & (xv <= 6)),
        "scale_min": lo, "scale_max": hi, "is_nps": is_nps,
    }, index=d.index)
    keys = by if index else list(dict.fromkeys([*by, "question"]))
    g = sums.groupby([d[k] for k in keys], observed=True, dropna=False, sort=True)
    out = g[list(_SUMS)].sum().join(g[["scale_min", "scale_max", "is_nps"]].first())
    out["kind"] = np.where(index, "index", np.where(out.pop("is_nps").to_numpy(dtype=bool), "nps", "scale"))
    return finish_stats(out.reset_index())


def finish_stats(st: pd.DataFrame) -> pd.DataFrame:
    """Add ``n_weighted`` and the Kish ``n_effective`` to a table of sums.

    Examples
    --------
    >>> finish_stats(pd.DataFrame({"s_w": [4.0], "s_w2": [10.0]}))["n_effective"].item()
    1.6
    """
    st = st.copy()
    s_w = st["s_w"].astype(float)
    st["n_weighted"] = s_w
    st["n_effective"] = np.where(st["s_w2"].astype(float) > 0,
                                 s_w ** 2 / st["s_w2"].astype(float).where(lambda s: s > 0), 0.0)
    return st


def estimates_from_stats(st, metric: str) -> dict:
    """Point estimate and unit variance of *metric* from sufficient statistics (frame or row).

    Examples
    --------
    >>> st = pd.Series({"s_w": 4.0, "s_top": 1.0})
    >>> float(estimates_from_stats(st, "top2")["value"])
    0.25
    """
    s_w = st["s_w"] if np.ndim(st["s_w"]) else float(st["s_w"])
    with np.errstate(invalid="ignore", divide="ignore"):
        s_w = np.where(np.asarray(s_w, dtype=float) > 0, s_w, np.nan).astype(float)
        if metric in ("mean", "index"):
            m = st["s_wx"] / s_w
            var = np.maximum(st["s_wx2"] / s_w - m ** 2, 0.0)
            return {"value": m, "var": var}
        if metric == "nps":
            pp, pd_ = st["s_prom"] / s_w, st["s_det"] / s_w
            return {"value": 100 * (pp - pd_), "var": 1e4 * (pp + pd_ - (pp - pd_) ** 2)}
        share = {"top2": "s_top", "bottom2": "s_bottom", "promoters": "s_prom",
                 "passives": "s_pass", "detractors": "s_det"}[metric]
        p = st[share] / s_w
        return {"value": p, "var": p * (1 - p)}


def wilson_interval(p, n, level: float = 0.95):
    """Wilson score interval for proportion(s) *p* on (effective) base(s) *n*.

    Examples
    --------
    >>> [round(float(b), 4) for b in wilson_interval(0.5, 100)]
    [0.4038, 0.5962]
    """
    p, n = np.asarray(p, dtype=float), np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        denom = 1 + z ** 2 / n
        centre = (p + z ** 2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z ** 2 / (4 * n ** 2)) / denom
    return centre - half, centre + half


def _interval(est: dict, n_eff, metric: str, level: float):
    n_eff = np.asarray(n_eff, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        if metric in ("mean", "index"):
            dof = n_eff - 1
            se = np.sqrt(est["var"] / np.where(dof > 0, dof, np.nan))
            t = stats.t.ppf(0.5 + level / 2, np.where(dof > 0, dof, np.nan))
            return est["value"] - t * se, est["value"] + t * se
        if metric == "nps":
            se = np.sqrt(est["var"] / n_eff)
            z = stats.norm.ppf(0.5 + level / 2)
            return np.clip(est["value"] - z * se, -100, 100), np.clip(est["value"] + z * se, -100, 100)
        return wilson_interval(est["value"], n_eff, level)


def metrics(long: pd.DataFrame, by=("question",), *, metrics=None, questions=None, types=None,
            roles=None, scales=None, weight: str = "weight", level: float = 0.95,
            min_n=None, suppress_n=None) -> pd.DataFrame:
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
        Base rule (default 30 / 10), see :func:`cjkit.significance.apply_base_rule`.

    Returns
    -------
    DataFrame
        by columns (+ question), metric, value, n, n_weighted, n_effective, ci_low, ci_high,
        flag, n_missing.

    Examples
    --------
    >>> long = pd.DataFrame({"respondent_id": list("abcd"), "question": "q1", "type": "csat",
    ...                      "value": [5.0, 4.0, 2.0, 5.0], "weight": 1.0})
    >>> metrics(long, metrics=["top2"], scales={"q1": (1, 5)}, min_n=0, suppress_n=0)["value"].item()
    0.75
    """
    wanted = None if metrics is None else ([metrics] if isinstance(metrics, str) else list(metrics))
    bad = [m for m in (wanted or []) if m not in METRIC_NAMES]
    if bad:
        raise ParameterError("metrics", bad, allowed=METRIC_NAMES)
    min_n, suppress_n = resolve_base_rule(min_n, suppress_n)
    st = group_stats(long, by, questions=questions, types=types, roles=roles, scales=scales, weight=weight)
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
            lo, hi = _interval(est, sub["n_effective"], m, level)
            if m == "index" and kind != "index":
                lo_s, span = sub["scale_min"].to_numpy(float), (sub["scale_max"] - sub["scale_min"]).to_numpy(float)
                est = {"value": (np.asarray(est["value"]) - lo_s) / span * 100}
                lo, hi = (np.asarray(lo) - lo_s) / span * 100, (np.asarray(hi) - lo_s) / span * 100
            parts.append(sub[keys].assign(
                metric=m, value=np.asarray(est["value"], dtype=float), n=sub["n"],
                n_weighted=sub["n_weighted"], n_effective=sub["n_effective"],
                ci_low=np.asarray(lo, dtype=float), ci_high=np.asarray(hi, dtype=float),
                n_missing=sub["n_missing"], _order=METRIC_NAMES.index(m)))
    if not parts:
        return pd.DataFrame(columns=[*keys, *OUTPUT_COLUMNS])
    out = pd.concat(parts, ignore_index=True).sort_values([*keys, "_order"], kind="stable")
    out = apply_base_rule(out.drop(columns="_order"), min_n, suppress_n)
    return out[[*keys, *OUTPUT_COLUMNS]].reset_index(drop=True)


def nps(scores, weights=None, level: float = 0.95) -> pd.DataFrame:
    """NPS of a plain vector of 0-10 answers (NaN ignored), with its multinomial CI.

    Examples
    --------
    >>> nps([10, 9, 8, 3])["value"].item()
    25.0
    """
    x = np.asarray(scores, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    long = pd.DataFrame({"respondent_id": np.arange(len(x)).astype(str), "question": "nps",
                         "type": "nps", "value": x, "weight": w})
    return metrics(long, metrics=["nps"], level=level, min_n=0, suppress_n=0)
