"""Relative importance of drivers: decompositions of the model R^2 from correlations.

Two decompositions of the model R^2 are reported side by side, so a researcher can see that
the ranking does not hinge on one method:

* Johnson's (2000) relative weights (what Qualtrics Stats iQ reports): the predictors are
  replaced by their closest orthogonal counterparts ``Z = X R^{-1/2}``; each weight is
  ``sum_k lambda_jk^2 beta_k^2`` with ``Lambda = R^{1/2}`` and ``beta = Lambda^{-1} r_xy``.
* LMG / Shapley value of R^2 (Lindeman, Merenda & Gold 1980; relaimpo's ``lmg``): the
  average gain in R^2 from adding a predictor over all orders, computed exactly from the
  R^2 of all ``2^p`` subsets (vectorised, fine up to ~15 predictors).

Both sum to the R^2 of the linear model on the same (weighted) correlation matrix, from
complete cases (listwise) or from pairwise-complete correlations.
"""
from __future__ import annotations

import itertools
import logging
from math import factorial

import numpy as np
import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.stats.driver_checks import diagnostic, has_variance, nearest_correlation, weighted_corr

log = logging.getLogger("cjkit.stats.importance")
MAX_LMG_PREDICTORS = 15


def _wcorr(data: np.ndarray, w: np.ndarray, names=None) -> np.ndarray:
    """Weighted correlations of complete columns; a column without variance is refused by name."""
    for j in range(data.shape[1]):
        varies, sd, _ = has_variance(data[:, j], w)
        if not varies:
            name = names[j] if names is not None else str(j)
            raise DataError(f"'{name}' has no variance in the driver data (weighted SD {sd:.3g}); "
                            "drop it from the drivers", column=name)
    return weighted_corr(data, w)[0]


def relative_weights_from_corr(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """Johnson's raw relative weights from predictor and predictor-outcome correlations.

    Parameters
    ----------
    rxx : numpy.ndarray
        Correlation matrix of the predictors (p x p).
    rxy : numpy.ndarray
        Correlations of the predictors with the outcome (p).

    Returns
    -------
    numpy.ndarray
        Raw relative weights (p); they sum to the model R^2.

    Examples
    --------
    >>> import numpy as np
    >>> from cjkit.stats.importance import relative_weights_from_corr
    >>> relative_weights_from_corr(np.eye(2), np.array([0.3, 0.4])).round(2).tolist()
    [0.09, 0.16]
    """
    evals, evecs = np.linalg.eigh(rxx)
    lam = evecs @ np.diag(np.sqrt(np.clip(evals, 0, None))) @ evecs.T
    beta = np.linalg.solve(lam, rxy)
    return (lam ** 2) @ (beta ** 2)


def subset_r2(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """R^2 of every predictor subset, indexed by bitmask (bit j set = predictor j in).

    Parameters
    ----------
    rxx : numpy.ndarray
        Correlation matrix of the predictors (p x p).
    rxy : numpy.ndarray
        Correlations of the predictors with the outcome (p).

    Returns
    -------
    numpy.ndarray
        ``2^p`` values; entry ``m`` is the R^2 of the predictors in bitmask ``m``.

    Examples
    --------
    >>> import numpy as np
    >>> from cjkit.stats.importance import subset_r2
    >>> subset_r2(np.eye(2), np.array([0.3, 0.4])).round(2).tolist()
    [0.0, 0.09, 0.16, 0.25]
    """
    p = len(rxy)
    r2 = np.zeros(2 ** p)
    for k in range(1, p + 1):
        combos = np.array(list(itertools.combinations(range(p), k)))
        sub = rxx[combos[:, :, None], combos[:, None, :]]          # (m, k, k)
        r = rxy[combos]                                            # (m, k)
        sol = np.linalg.solve(sub, r[..., None])[..., 0]
        r2[(1 << combos).sum(axis=1)] = (r * sol).sum(axis=1)
    return r2


def lmg_from_corr(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """LMG (Shapley) decomposition of R^2 from correlations.

    Parameters
    ----------
    rxx : numpy.ndarray
        Correlation matrix of the predictors (p x p, p at most 15).
    rxy : numpy.ndarray
        Correlations of the predictors with the outcome (p).

    Returns
    -------
    numpy.ndarray
        LMG share of R^2 per predictor (p); they sum to the model R^2.

    Examples
    --------
    >>> import numpy as np
    >>> from cjkit.stats.importance import lmg_from_corr
    >>> rxx = np.array([[1.0, 0.5], [0.5, 1.0]])
    >>> float(lmg_from_corr(rxx, np.array([0.4, 0.4])).sum().round(4))  # = R^2 of the model
    0.2133
    """
    p = len(rxy)
    if p > MAX_LMG_PREDICTORS:
        raise ParameterError("drivers", f"{p} predictors",
                             allowed=f"at most {MAX_LMG_PREDICTORS} for the exact LMG decomposition")
    r2 = subset_r2(rxx, rxy)
    masks = np.arange(2 ** p)
    size = np.array([bin(m).count("1") for m in masks])
    weight = np.array([factorial(s) * factorial(p - s - 1) / factorial(p) if s < p else 0.0
                       for s in range(p + 1)])
    out = np.empty(p)
    for j in range(p):
        without = masks[(masks >> j) & 1 == 0]
        out[j] = (weight[size[without]] * (r2[without | (1 << j)] - r2[without])).sum()
    return out


def relative_importance(data: pd.DataFrame, *, outcome: str, drivers, weight: str | None = None,
                        decompositions=("relative_weights", "lmg"), missing: str = "listwise") -> pd.DataFrame:
    """Relative weights and LMG for a wide frame (one row per respondent).

    Parameters
    ----------
    data : DataFrame
        Wide frame, one row per respondent (see :func:`driver_matrix`); complete rows for
        ``missing="listwise"``.
    outcome : str
        Outcome column.
    drivers : list of str
        Driver columns.
    weight : str, optional
        Weight column; default unweighted.
    decompositions : sequence of {"relative_weights", "lmg"}
        Which decompositions of R^2 to compute.
    missing : {"listwise", "pairwise"}
        ``pairwise``: each correlation from the respondents who answered both questions; a
        correlation matrix that is then not positive definite is reported (``attrs["diagnostics"]``
        and a warning) and replaced by the nearest positive definite one.

    Returns
    -------
    DataFrame
        driver, relative_weight, relative_weight_pct, lmg, lmg_pct, r2, n
        (``*_pct`` = share of R^2 in percent; NaN when R^2 is numerically 0, since the shares
        of nothing are noise). ``n`` is the smallest base behind a correlation.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from cjkit.stats.importance import relative_importance
    >>> rng = np.random.default_rng(0)
    >>> x = pd.DataFrame(rng.normal(size=(200, 2)), columns=["a", "b"])
    >>> x["y"] = x["a"] + 0.5 * x["b"] + rng.normal(size=200)
    >>> t = relative_importance(x, outcome="y", drivers=["a", "b"])
    >>> bool(np.isclose(t["relative_weight"].sum(), t["r2"].iloc[0]))
    True
    """
    if missing not in ("listwise", "pairwise"):
        raise ParameterError("missing", missing, allowed=["listwise", "pairwise"])
    drivers = list(drivers)
    cols = [outcome, *drivers]
    w = data[weight].to_numpy(float) if weight else np.ones(len(data))
    rows = []
    if missing == "listwise":
        if data[cols].isna().any().any():
            raise DataError("relative importance needs complete cases; use driver_matrix() first "
                            "or missing='pairwise'",
                            column=", ".join(data[cols].columns[data[cols].isna().any()]))
        r, n = _wcorr(data[cols].to_numpy(float), w, cols), int((w > 0).sum())
    else:
        values = data[cols].to_numpy(float)
        for j, c in enumerate(cols):
            if not has_variance(values[:, j], w)[0]:
                raise DataError(f"'{c}' has no variance in the driver data; drop it from the drivers", column=c)
        r, base = weighted_corr(values, w, pairwise=True)
        n = int(base.min())
        if np.isnan(r).any():
            raise DataError("some pairs of questions have no respondent in common; pairwise "
                            "correlations are not defined", column=outcome)
        low = float(np.linalg.eigvalsh(r).min())
        if low <= 1e-10:
            rows.append(diagnostic(outcome, "positive_definite", low, 1e-10, "adjusted",
                                   f"the pairwise correlation matrix is not positive definite (smallest "
                                   f"eigenvalue {low:.3g}); the nearest positive definite matrix is used"))
            log.warning("driver analysis: %s", rows[-1]["reason"])
            r = nearest_correlation(r)
    rxx, rxy = r[1:, 1:], r[1:, 0]
    r2 = float(rxy @ np.linalg.lstsq(rxx, rxy, rcond=None)[0])
    # shares of an R^2 that is numerically zero are floating-point noise, not importance
    denom = r2 if r2 > 1e-12 else np.nan
    out = pd.DataFrame({"driver": drivers})
    if "relative_weights" in decompositions:
        rw = relative_weights_from_corr(rxx, rxy)
        out["relative_weight"], out["relative_weight_pct"] = rw, 100 * rw / denom
    if "lmg" in decompositions:
        lm = lmg_from_corr(rxx, rxy)
        out["lmg"], out["lmg_pct"] = lm, 100 * lm / denom
    out["r2"], out["n"] = r2, n
    out.attrs["diagnostics"] = rows
    return out
