"""Guards of the driver analysis: which drivers can be estimated, and from which respondents.

A driver model is only as good as its correlation matrix. Before anything is fitted, the
drivers are screened and every decision is written to a diagnostics table (one row per check,
columns :data:`DIAGNOSTIC_COLUMNS`) that a report can show:

* a driver with no answers, or with no variance among the respondents used, is excluded
  (the variance check is relative to the size of the answers, never ``sd == 0``: a weighted
  standard deviation of a constant column comes out near ``1e-15``, not 0);
* a driver that duplicates another (the same column mapped twice, or a perfect linear copy)
  is excluded, the first one is kept;
* a driver that is almost a linear combination of the others (tolerance ``1 - R^2_j`` below
  ``min_tolerance``, i.e. a variance inflation factor above ``1 / min_tolerance``) is excluded,
  the worst first, until all remaining drivers pass; a VIF above 10 is kept with a warning;
* an outcome with no variance is refused (there is nothing to explain).

Pairwise-complete correlations may be not positive definite; that is reported and the matrix
is replaced by a positive definite correlation matrix close to it (eigenvalues raised to at least
:data:`PD_FLOOR`, then rescaled to a unit diagonal), so the repair itself cannot make a driver
look collinear.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cjkit.errors import DataError

log = logging.getLogger("cjkit.stats.driver_checks")

DIAGNOSTIC_COLUMNS = ["question", "check", "value", "threshold", "action", "reason"]
#: a standard deviation below this share of the largest absolute answer is no variance
RELATIVE_SD_TOLERANCE = 1e-9
#: correlations this close to +-1 make two drivers copies of each other
DUPLICATE_CORRELATION = 1 - 1e-9
VIF_WARNING = 10.0
#: smallest eigenvalue of a repaired pairwise correlation matrix (above any sensible min_tolerance)
PD_FLOOR = 0.01


def diagnostic(question, check, value, threshold, action, reason) -> dict:
    """One row of the diagnostics table (see :data:`DIAGNOSTIC_COLUMNS`)."""
    return {"question": str(question), "check": check,
            "value": float(value) if value is not None else np.nan,
            "threshold": float(threshold) if threshold is not None else np.nan,
            "action": action, "reason": reason}


#: order of the checks in a diagnostics table: the verdict first, the routine VIFs last
CHECK_ORDER = ("constant_outcome", "respondents_used", "missing_outcome", "zero_weight", "no_answers",
               "constant", "duplicate", "collinearity", "regression", "positive_definite", "missing_answer")


def diagnostics_frame(rows) -> pd.DataFrame:
    """The diagnostics rows as a tidy frame with the fixed columns, the verdict first.

    Parameters
    ----------
    rows : list of dict
        Rows made by :func:`diagnostic`.

    Returns
    -------
    DataFrame
        question, check, value, threshold, action, reason.

    Examples
    --------
    >>> from cjkit.stats.driver_checks import diagnostic, diagnostics_frame
    >>> diagnostics_frame([diagnostic("q1", "constant", 0.0, 1e-9, "excluded", "no variance")])["action"].tolist()
    ['excluded']
    """
    out = pd.DataFrame(list(rows), columns=DIAGNOSTIC_COLUMNS)
    order = {c: i for i, c in enumerate(CHECK_ORDER)}
    key = [(a == "ok", order.get(c, len(order))) for c, a in zip(out["check"], out["action"])]
    return out.iloc[sorted(range(len(out)), key=key.__getitem__)].reset_index(drop=True)


def weighted_moments(x: np.ndarray, w: np.ndarray) -> tuple[float, float, int]:
    """Weighted mean, weighted SD and number of respondents with a positive weight (NaN skipped)."""
    ok = ~np.isnan(x) & (w > 0)
    if not ok.any():
        return np.nan, np.nan, 0
    xv, wv = x[ok], w[ok]
    m = float(np.average(xv, weights=wv))
    return m, float(np.sqrt(max(np.average((xv - m) ** 2, weights=wv), 0.0))), int(ok.sum())


def has_variance(x: np.ndarray, w: np.ndarray) -> tuple[bool, float, float]:
    """Whether *x* varies among the positively weighted answers, scale-aware.

    Returns ``(varies, sd, threshold)``: constant when at most one respondent answers, all
    answers are equal, or the weighted SD is below ``RELATIVE_SD_TOLERANCE`` times the
    largest absolute answer.
    """
    ok = ~np.isnan(x) & (w > 0)
    if ok.sum() < 2:
        return False, 0.0, 0.0
    xv = x[ok]
    _, sd, _ = weighted_moments(xv, w[ok])
    threshold = RELATIVE_SD_TOLERANCE * max(float(np.abs(xv).max()), np.finfo(float).tiny)
    return bool(xv.max() > xv.min() and sd > threshold), sd, threshold


def weighted_corr(data: np.ndarray, w: np.ndarray, *, pairwise: bool = False):
    """Weighted correlation matrix; pairwise-complete when *pairwise* (else no NaN allowed).

    Returns ``(corr, base)`` where ``base[i, j]`` counts the respondents with a positive
    weight behind ``corr[i, j]``.
    """
    p = data.shape[1]
    if not pairwise:
        ok = w > 0
        x, ww = data[ok], w[ok] / w[ok].sum()
        centred = x - ww @ x
        cov = (centred * ww[:, None]).T @ centred
        sd = np.sqrt(np.clip(np.diag(cov), 0, None))
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = cov / np.outer(sd, sd)
        np.fill_diagonal(corr, 1.0)
        return np.clip(corr, -1, 1), np.full((p, p), int(ok.sum()))
    corr, base = np.eye(p), np.zeros((p, p), dtype=int)
    present = ~np.isnan(data) & (w > 0)[:, None]
    for i in range(p):
        for j in range(i, p):
            ok = present[:, i] & present[:, j]
            base[i, j] = base[j, i] = int(ok.sum())
            if i == j:
                continue
            c, _ = weighted_corr(data[ok][:, [i, j]], w[ok]) if ok.sum() > 1 else (np.full((2, 2), np.nan), None)
            corr[i, j] = corr[j, i] = c[0, 1]
    return corr, base


def nearest_correlation(corr: np.ndarray, floor: float = PD_FLOOR) -> np.ndarray:
    """Clip the eigenvalues of a symmetric matrix at *floor* and rescale it to a unit diagonal."""
    evals, evecs = np.linalg.eigh((corr + corr.T) / 2)
    fixed = evecs @ np.diag(np.clip(evals, floor, None)) @ evecs.T
    d = np.sqrt(np.diag(fixed))
    return fixed / np.outer(d, d)


def tolerances(rxx: np.ndarray) -> np.ndarray:
    """Tolerance ``1 - R^2_j`` of each predictor on the others (least squares, singular-safe)."""
    p = len(rxx)
    out = np.ones(p)
    for j in range(p):
        others = [k for k in range(p) if k != j]
        if not others:
            continue
        sub, r = rxx[np.ix_(others, others)], rxx[others, j]
        beta = np.linalg.lstsq(sub, r, rcond=None)[0]
        out[j] = max(1.0 - float(r @ beta), 0.0)
    return out


def screen_drivers(data: pd.DataFrame, *, outcome: str, drivers, weight: str | None = None,
                   pairwise: bool = False, min_tolerance: float = 1e-3):
    """Exclude drivers that cannot be estimated and refuse a constant outcome.

    Parameters
    ----------
    data : DataFrame
        Wide frame: the outcome, the drivers and the weight (rows with a missing outcome already
        left out; with ``pairwise=False`` complete rows only).
    outcome : str
        Outcome column.
    drivers : list of str
        Driver columns, in order of preference (the first of two duplicates is kept).
    weight : str, optional
        Weight column.
    pairwise : bool
        Screen on pairwise-complete correlations.
    min_tolerance : float
        Smallest tolerance ``1 - R^2_j`` a driver may have (VIF at most ``1 / min_tolerance``).

    Returns
    -------
    (list of str, list of dict)
        The drivers kept and the diagnostics rows.

    Raises
    ------
    DataError
        The outcome has no variance among the respondents used.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.driver_checks import screen_drivers
    >>> d = pd.DataFrame({"y": [1.0, 2, 3, 5], "a": [1.0, 2, 3, 4], "b": 3.0, "c": [1.0, 2, 3, 4]})
    >>> kept, rows = screen_drivers(d, outcome="y", drivers=["a", "b", "c"])
    >>> kept, [(r["question"], r["check"]) for r in rows]
    (['a'], [('b', 'constant'), ('c', 'duplicate')])
    """
    w = data[weight].to_numpy(float) if weight else np.ones(len(data))
    rows = []
    y = data[outcome].to_numpy(float)
    varies, sd, thr = has_variance(y, w)
    if not varies:
        values = pd.unique(y[~np.isnan(y) & (w > 0)])
        raise DataError(f"outcome '{outcome}' has no variance among the {int((~np.isnan(y) & (w > 0)).sum())} "
                        f"respondents used (answers: {values[:3].tolist()}); there is nothing for the drivers "
                        "to explain", column=outcome)
    kept = []
    for d in drivers:
        x = data[d].to_numpy(float)
        if not (~np.isnan(x) & (w > 0)).any():
            rows.append(diagnostic(d, "no_answers", 0, 1, "excluded",
                                   f"'{d}' has no answer with a positive weight"))
            continue
        varies, sd, thr = has_variance(x, w)
        if not varies:
            rows.append(diagnostic(d, "constant", sd, thr, "excluded",
                                   f"'{d}' has no variance among the respondents used (weighted SD {sd:.3g})"))
            continue
        kept.append(d)
    if not kept:
        return kept, rows
    corr, _ = weighted_corr(data[kept].to_numpy(float), w, pairwise=pairwise)
    dup = set()
    for j, d in enumerate(kept):
        for i in range(j):
            if kept[i] in dup or not abs(corr[i, j]) >= DUPLICATE_CORRELATION:
                continue
            same = np.array_equal(data[kept[i]].to_numpy(float), data[d].to_numpy(float), equal_nan=True)
            why = "the same answers as" if same else "perfectly correlated with"
            rows.append(diagnostic(d, "duplicate", abs(corr[i, j]), DUPLICATE_CORRELATION, "excluded",
                                   f"'{d}' has {why} '{kept[i]}' (correlation {corr[i, j]:.6f}); '{kept[i]}' is kept"))
            dup.add(d)
            break
    keep_idx = [j for j, d in enumerate(kept) if d not in dup]
    kept, corr = [kept[j] for j in keep_idx], corr[np.ix_(keep_idx, keep_idx)]
    if pairwise and len(kept) > 1 and np.linalg.eigvalsh(corr).min() <= 1e-10:
        corr = nearest_correlation(corr)  # reported by relative_importance, which repairs it the same way
    while len(kept) > 1:
        tol = tolerances(corr)
        worst = int(np.argmin(tol[::-1]))  # on a tie the later driver goes
        worst = len(tol) - 1 - worst
        if tol[worst] >= min_tolerance:
            for d, t in zip(kept, tol):
                vif = 1 / t if t > 0 else np.inf
                rows.append(diagnostic(d, "collinearity", vif, VIF_WARNING,
                                       "warning" if vif > VIF_WARNING else "ok",
                                       f"VIF {vif:.1f}: coefficients of '{d}' are unstable; its relative weight "
                                       "is still defined" if vif > VIF_WARNING else f"VIF {vif:.1f}"))
            break
        d = kept[worst]
        rows.append(diagnostic(d, "collinearity", 1 / tol[worst] if tol[worst] > 0 else np.inf, 1 / min_tolerance,
                               "excluded", f"'{d}' is almost a linear combination of the other drivers "
                               f"(tolerance {tol[worst]:.2g} < {min_tolerance:g})"))
        keep_idx = [j for j in range(len(kept)) if j != worst]
        kept, corr = [kept[j] for j in keep_idx], corr[np.ix_(keep_idx, keep_idx)]
    for r in rows:
        if r["action"] == "excluded":
            log.warning("driver analysis: %s", r["reason"])
    return kept, rows
