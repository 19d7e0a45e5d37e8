"""Design-based standard errors: Taylor linearisation for weighted means, shares and NPS.

A weighted mean ``ybar = sum w y / sum w`` is a ratio of two totals; its linearised score is
``z_i = w_i (y_i - ybar) / sum w``. The variance of ``ybar`` is the variance of the total of
``z`` under the sampling design, estimated from the totals of the primary sampling units
(PSUs, the clusters; each respondent when there are none) within each stratum:

    var(ybar) = sum_h (1 - f_h) n_h / (n_h - 1) sum_c (z_hc - zbar_h)^2

with ``n_h`` PSUs in stratum ``h`` and the sampling fraction ``f_h = n_h / N_h`` when the
population count of PSUs ``N_h`` is given (else 0: sampling with replacement). The degrees
of freedom are the number of PSUs minus the number of strata. A share is the mean of a 0/1
indicator, an NPS the mean of ``100 * (promoter - detractor)``. Cells (segments, waves,
questions with missing answers) are domains: respondents outside a cell keep their PSU with a
score of 0, as in R's ``survey::svyby`` (Lumley 2010, ch. 2.3).

Without strata, clusters and finite-population correction the variance equals the robust
``HC1`` variance of an intercept-only weighted regression (statsmodels ``WLS``), and with
clusters the cluster-robust one. The Kish shortcut (``se_method="kish"`` of :func:`cjkit.metrics`)
treats the weighted sample as a simple random sample of ``n_effective`` respondents instead.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cjkit.errors import DataError, ParameterError

log = logging.getLogger("cjkit.stats.design")

SE_METHODS = ("kish", "taylor")


def design_frame(long: pd.DataFrame, *, strata: str | None = None, cluster: str | None = None,
                 fpc=None, id_col: str = "respondent_id") -> pd.DataFrame:
    """One row per respondent with its stratum, PSU and population count of PSUs.

    Parameters
    ----------
    long : DataFrame
        Long (or wide) frame with *id_col* and the design columns.
    strata, cluster : str, optional
        Stratum and cluster (PSU) columns; constant within a respondent.
    fpc : str or float, optional
        Population number of PSUs per stratum (a column constant within strata, or one number).
    id_col : str
        Respondent id column.

    Returns
    -------
    DataFrame
        Index respondent id (text); columns ``stratum``, ``psu`` (integer codes) and ``fpc``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.design import design_frame
    >>> f = pd.DataFrame({"respondent_id": list("abc"), "region": ["n", "n", "s"]})
    >>> design_frame(f, strata="region")["stratum"].tolist()
    [0, 0, 1]
    """
    for name, col in (("strata", strata), ("cluster", cluster), ("fpc", fpc if isinstance(fpc, str) else None)):
        if col is not None and col not in long.columns:
            raise ParameterError(name, col, allowed=list(long.columns))
    cols = [c for c in (strata, cluster, fpc if isinstance(fpc, str) else None) if c is not None]
    resp = long[[id_col, *cols]].drop_duplicates()
    dup = resp[id_col].duplicated()
    if dup.any():
        rid = resp.loc[dup, id_col].iloc[0]
        raise DataError(f"respondent {rid!r} has more than one stratum/cluster/fpc value; design columns "
                        "must be constant per respondent", column=", ".join(cols))
    for c in cols:
        if resp[c].isna().any():
            rid = resp.loc[resp[c].isna(), id_col].iloc[0]
            raise DataError(f"respondent {rid!r} has no value in design column '{c}'", column=c)
    out = pd.DataFrame(index=pd.Index(resp[id_col].astype(str), name=id_col))
    out["stratum"] = pd.factorize(resp[strata])[0] if strata else 0
    out["stratum_label"] = resp[strata].astype(str).to_numpy() if strata else "(all)"
    psu = resp[[strata, cluster]] if strata and cluster else resp[cluster] if cluster else None
    if psu is None:
        out["psu"] = np.arange(len(resp))
    else:  # a cluster id is only unique within its stratum
        out["psu"] = (pd.factorize(pd.MultiIndex.from_frame(psu))[0] if strata
                      else pd.factorize(psu)[0])
    if fpc is None:
        out["fpc"] = np.inf
    else:
        out["fpc"] = pd.to_numeric(resp[fpc], errors="coerce").to_numpy(float) if isinstance(fpc, str) \
            else float(fpc)
    return out


def linearized_variance(z, design: pd.DataFrame) -> tuple[float, int]:
    """Design variance of the total of the scores *z* (one per row of *design*) and its dof.

    Parameters
    ----------
    z : array-like of float
        Linearised scores, aligned with *design* (0 for respondents outside the domain).
    design : DataFrame
        From :func:`design_frame`.

    Returns
    -------
    (float, int)
        The variance and the degrees of freedom (PSUs minus strata).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.design import design_frame, linearized_variance
    >>> d = design_frame(pd.DataFrame({"respondent_id": list("abcd")}))
    >>> linearized_variance([1.0, -1.0, 2.0, -2.0], d)  # 4/3 * sum z^2
    (13.333333333333332, 3)
    """
    z = np.asarray(z, dtype=float)
    stratum, psu = design["stratum"].to_numpy(), design["psu"].to_numpy()
    totals = np.bincount(psu, weights=z)
    psu_stratum = np.zeros(len(totals), dtype=int)
    psu_stratum[psu] = stratum
    psu_fpc = np.full(len(totals), np.inf)
    psu_fpc[psu] = design["fpc"].to_numpy(float)
    n_h = np.bincount(psu_stratum)
    if (n_h[n_h > 0] < 2).any():
        h = int(np.flatnonzero(n_h == 1)[0])
        label = design["stratum_label"].to_numpy()[stratum == h][0] if "stratum_label" in design else h
        raise DataError(f"stratum {label!r} has a single primary sampling unit; its "
                        "variance cannot be estimated (merge it with a similar stratum)", column="strata")
    mean_h = np.bincount(psu_stratum, weights=totals) / np.where(n_h > 0, n_h, 1)
    dev2 = np.bincount(psu_stratum, weights=(totals - mean_h[psu_stratum]) ** 2)
    big_n = np.full(len(n_h), np.inf)
    big_n[psu_stratum] = psu_fpc
    if (big_n < n_h).any():
        raise DataError("fpc (population number of PSUs) is smaller than the number sampled", column="fpc")
    f = np.where(np.isfinite(big_n), n_h / big_n, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(n_h > 1, (1 - f) * n_h / (n_h - 1) * dev2, 0.0).sum()
    return float(var), int(len(totals) - (n_h > 0).sum())


def _domain_scores(y: np.ndarray, w: np.ndarray, domain=None):
    """Weighted domain mean, its linearised scores (0 outside the domain) and the domain mask."""
    dom = (~np.isnan(y) & (w > 0)) if domain is None else (np.asarray(domain, bool) & ~np.isnan(y) & (w > 0))
    if not dom.any():
        return np.nan, np.zeros(len(y)), dom
    wd, yd = np.where(dom, w, 0.0), np.where(dom, y, 0.0)
    m = float((wd * yd).sum() / wd.sum())
    return m, wd * (yd - m) / wd.sum(), dom


def taylor_difference(y, weights, design: pd.DataFrame, domain_a, domain_b) -> dict:
    """Difference of two domain means (b - a) with its Taylor-linearised standard error.

    The two domains may share strata and clusters; the covariance this creates is part of the
    variance of ``z_b - z_a``.

    Parameters
    ----------
    y, weights : array-like of float
        One value and weight per row of *design*.
    design : DataFrame
        From :func:`design_frame`.
    domain_a, domain_b : array-like of bool
        The two groups.

    Returns
    -------
    dict
        value_a, value_b, difference, se, dof.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.design import design_frame, taylor_difference
    >>> d = design_frame(pd.DataFrame({"respondent_id": list("abcdef")}))
    >>> r = taylor_difference([1.0, 2, 3, 4, 5, 6], [1.0] * 6, d, [1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1])
    >>> r["difference"], round(r["se"], 4)
    (3.0, 0.7303)
    """
    y, w = np.asarray(y, dtype=float), np.asarray(weights, dtype=float)
    ma, za, _ = _domain_scores(y, w, domain_a)
    mb, zb, _ = _domain_scores(y, w, domain_b)
    var, dof = linearized_variance(zb - za, design)
    return {"value_a": ma, "value_b": mb, "difference": mb - ma, "se": float(np.sqrt(var)), "dof": dof}


def taylor_mean(y, weights, design: pd.DataFrame, domain=None) -> dict:
    """Weighted mean of *y* over a domain with its Taylor-linearised standard error.

    Parameters
    ----------
    y : array-like of float
        One value per row of *design* (NaN outside the domain is allowed).
    weights : array-like of float
        One weight per row of *design*.
    design : DataFrame
        From :func:`design_frame`.
    domain : array-like of bool, optional
        Rows in the domain; default the rows with a value and a positive weight.

    Returns
    -------
    dict
        value, se, dof, n (respondents with a positive weight in the domain), design_effect
        (variance against a simple random sample of the same n).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.design import design_frame, taylor_mean
    >>> d = design_frame(pd.DataFrame({"respondent_id": list("abcd")}))
    >>> r = taylor_mean([1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0], d)
    >>> round(r["value"], 3), round(r["se"], 4)  # the unweighted mean and s / sqrt(n)
    (2.5, 0.6455)
    """
    y, w = np.asarray(y, dtype=float), np.asarray(weights, dtype=float)
    m, z, dom = _domain_scores(y, w, domain)
    n = int(dom.sum())
    if n == 0:
        return {"value": np.nan, "se": np.nan, "dof": np.nan, "n": 0, "design_effect": np.nan}
    wd, yd = np.where(dom, w, 0.0), np.where(dom, y, 0.0)
    var, dof = linearized_variance(z, design)
    srs = float((wd * (yd - m) ** 2).sum() / wd.sum()) * n / max(n - 1, 1) / n
    deff = var / srs if srs > 0 else np.nan
    return {"value": m, "se": float(np.sqrt(var)), "dof": dof, "n": n, "design_effect": deff}


def unit_scores(values, metric: str, *, scale_min=None, scale_max=None) -> np.ndarray:
    """The per-respondent score whose weighted mean is *metric* (NaN stays NaN).

    Examples
    --------
    >>> from cjkit.stats.design import unit_scores
    >>> unit_scores([10.0, 8.0, 3.0], "nps").tolist()
    [100.0, 0.0, -100.0]
    """
    x = np.asarray(values, dtype=float)
    lo, hi = (np.asarray(v, dtype=float) if v is not None else None for v in (scale_min, scale_max))
    with np.errstate(invalid="ignore"):
        score = {"mean": lambda: x, "index": lambda: x,
                 "top2": lambda: (x >= hi - 1).astype(float), "bottom2": lambda: (x <= lo + 1).astype(float),
                 "promoters": lambda: (x >= 9).astype(float), "detractors": lambda: (x <= 6).astype(float),
                 "passives": lambda: ((x >= 7) & (x <= 8)).astype(float),
                 "nps": lambda: 100.0 * ((x >= 9).astype(float) - (x <= 6).astype(float))}[metric]()
    return np.where(np.isnan(x), np.nan, score)


def taylor_cells(units: pd.DataFrame, keys, metric_names, design: pd.DataFrame) -> pd.DataFrame:
    """Taylor-linearised estimate per cell and metric from the unit rows of a table.

    Parameters
    ----------
    units : DataFrame
        Unit rows from :func:`cjkit.stats.sufficient.unit_rows` (respondent_id, value, _w,
        scale_min, scale_max and the key columns).
    keys : list of str
        Cell columns.
    metric_names : sequence of str
        Metrics to estimate (see :func:`unit_scores`; ``index`` of one question is its mean
        rescaled to 0-100).
    design : DataFrame
        From :func:`design_frame`, covering every respondent of *units*.

    Returns
    -------
    DataFrame
        key columns, metric, value, se, dof, design_effect.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.design import design_frame, taylor_cells
    >>> u = pd.DataFrame({"question": "q", "respondent_id": list("abcd"), "value": [1.0, 2, 3, 4],
    ...                   "_w": 1.0, "scale_min": 1.0, "scale_max": 4.0})
    >>> taylor_cells(u, ["question"], ["mean"], design_frame(u))[["value", "se"]].round(4).values.tolist()
    [[2.5, 0.6455]]
    """
    units = units.reset_index(drop=True)
    pos = design.index.get_indexer(units["respondent_id"].astype(str))
    if (pos < 0).any():
        raise DataError("respondents without a row in the design frame", column="respondent_id")
    rows = []
    n = len(design)
    groups = units.groupby(list(keys), observed=True, dropna=False, sort=True) if keys else [((), units)]
    for key, cell in groups:
        key = key if isinstance(key, tuple) else (key,)
        p = pos[cell.index.to_numpy()]
        for m in metric_names:
            x = cell["value"].to_numpy(float)
            lo, hi = cell["scale_min"].to_numpy(float), cell["scale_max"].to_numpy(float)
            name = m
            if m == "index":  # an index row is on 0-100 already, so this leaves it as it is
                x, name = (x - lo) / np.where(hi > lo, hi - lo, np.nan) * 100, "mean"
            y, w = np.full(n, np.nan), np.zeros(n)
            y[p] = unit_scores(x, name, scale_min=lo, scale_max=hi)
            w[p] = cell["_w"].to_numpy(float)
            r = taylor_mean(y, w, design)
            rows.append({**dict(zip(keys, key)), "metric": m, "value": r["value"], "se": r["se"],
                         "dof": r["dof"], "design_effect": r["design_effect"]})
    return pd.DataFrame(rows)
