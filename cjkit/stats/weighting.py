"""Survey weights: design weights from a column, raking (IPF) to target margins, Kish effective n.

Weights are computed on respondents (one row per ``respondent_id``); on a long frame the
respondent-level variables must be constant within a respondent, and the result is mapped
back to every row of that respondent.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cjkit.errors import DataError, ParameterError

log = logging.getLogger("cjkit.stats.weighting")


def effective_n(weights) -> float:
    """Kish effective sample size ``(sum w)^2 / sum w^2``.

    Parameters
    ----------
    weights : array-like
        Weights; NaN is ignored.

    Returns
    -------
    float
        Kish effective base; 0.0 when no weight is positive.

    Examples
    --------
    >>> import cjkit as cj
    >>> cj.effective_n([1, 1, 1, 1])
    4.0
    >>> round(cj.effective_n([1, 1, 1, 3]), 3)
    3.0
    """
    w = np.asarray(weights, dtype=float)
    w = w[~np.isnan(w)]
    return float(w.sum() ** 2 / (w ** 2).sum()) if (w > 0).any() else 0.0


def _respondents(frame: pd.DataFrame, columns, id_col: str) -> pd.DataFrame:
    """One row per respondent; checks that *columns* are constant within a respondent."""
    missing = [c for c in [id_col, *columns] if c not in frame.columns]
    if missing:
        raise ParameterError("columns", missing, allowed=list(frame.columns),
                             message=f"column(s) {missing} not in the frame")
    # factorize + first occurrence instead of drop_duplicates: fast on a 2M-row long frame
    codes, _ = pd.factorize(frame[id_col])
    if (codes < 0).any():
        raise DataError("respondent id is missing", row=int(np.flatnonzero(codes < 0)[0]) + 1, column=id_col)
    first = np.unique(codes, return_index=True)[1]
    resp = frame[[id_col, *columns]].iloc[first].reset_index(drop=True)
    if len(first) < len(frame):
        for c in columns:
            full = frame[c].to_numpy(dtype=object)
            ref = resp[c].to_numpy(dtype=object)[codes]
            differs = (full != ref) & ~(pd.isna(full) & pd.isna(ref))
            if differs.any():
                i = int(np.flatnonzero(differs)[0])
                raise DataError(f"respondent {frame[id_col].iloc[i]!r} has more than one value of '{c}'; "
                                "weighting variables must be constant per respondent", row=i + 1, column=c)
    return resp


def design_weights(frame: pd.DataFrame, *, column: str, normalize: bool = True,
                   id_col: str = "respondent_id") -> pd.DataFrame:
    """Take design weights from a column, checked and (optionally) normalised to mean 1.

    Parameters
    ----------
    frame : DataFrame
        Wide or long frame with one design weight per respondent.
    column : str
        Column with the design weights (positive numbers, constant within a respondent).
    normalize : bool
        Rescale to mean 1 over respondents.
    id_col : str
        Respondent id column.

    Returns
    -------
    DataFrame
        A copy of *frame* with the ``weight`` column set.

    Examples
    --------
    >>> import cjkit as cj
    >>> import pandas as pd
    >>> f = pd.DataFrame({"respondent_id": ["a", "b"], "w": [2.0, 6.0]})
    >>> cj.design_weights(f, column="w")["weight"].tolist()
    [0.5, 1.5]
    """
    if column not in frame.columns:
        raise ParameterError("column", column, allowed=list(frame.columns))
    w = pd.to_numeric(frame[column], errors="coerce")
    bad = w.isna() | ~np.isfinite(w) | (w <= 0)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"design weight must be a positive number, got {frame[column].iloc[i]!r} "
                        f"({int(bad.sum())} rows affected)", row=i + 1, column=column)
    out = frame.copy()
    if normalize:
        per_resp = _respondents(frame.assign(_w=w), ["_w"], id_col)["_w"] if id_col in frame.columns else w
        w = w / per_resp.mean()
    out["weight"] = w.astype(float)
    return out


def _shares(targets: dict, var: str) -> pd.Series:
    t = pd.Series(targets, dtype=float)
    if t.isna().any() or not np.isfinite(t).all() or (t < 0).any() or t.sum() <= 0:
        raise ParameterError(f"targets[{var}]", dict(targets), allowed="non-negative shares or counts")
    return t / t.sum()


def _trim(w: np.ndarray, bounds) -> np.ndarray:
    """Weights within *bounds* and with mean 1: clip and rescale until both hold."""
    lo, hi = bounds
    for _ in range(1000):
        w = np.clip(w / w.mean(), lo, hi)
        if abs(w.mean() - 1) < 1e-13:
            break
    return w


def rake(frame: pd.DataFrame, *, targets: dict, base_weight: str | None = None,
         id_col: str = "respondent_id", max_iter: int = 100, tol: float = 1e-8,
         bounds: tuple[float, float] | None = None, strict: bool = True,
         allow_zero: bool = False) -> pd.DataFrame:
    """Rake weights to target margins by iterative proportional fitting.

    Parameters
    ----------
    frame : DataFrame
        Wide or long frame with *id_col* and the raking variables.
    targets : dict
        ``{variable: {level: share_or_count}}``; each margin is normalised to sum to 1.
    base_weight : str, optional
        Column of starting (design) weights; default 1.
    max_iter, tol : convergence control (largest absolute margin error, in shares).
    bounds : (low, high), optional
        Trim weights (relative to mean 1, so ``low <= 1 <= high``) into this range after every
        sweep and at the end; the margins are then met only as far as the bounds allow.
    strict : bool
        Raise :class:`~cjkit.errors.DataError` when the margins are not met within *tol* after
        *max_iter* sweeps (the message gives the largest margin error and where). ``False``
        returns the weights with a warning and the error size in ``attrs["raking"]``.
    allow_zero : bool
        Allow a target of 0 for a level that has respondents (their weights become 0). Without
        it such a target is an error, since it silently removes those respondents.

    Returns
    -------
    DataFrame
        Copy of *frame* with a ``weight`` column (mean 1 over respondents, always);
        ``attrs["raking"]`` holds iterations, converged, max_error, worst (variable and level
        of the largest margin error) and n_effective.

    Examples
    --------
    >>> import cjkit as cj
    >>> import pandas as pd
    >>> f = pd.DataFrame({"respondent_id": list("abcd"), "sex": ["f", "f", "f", "m"]})
    >>> cj.rake(f, targets={"sex": {"f": 0.5, "m": 0.5}})["weight"].round(3).tolist()
    [0.667, 0.667, 0.667, 2.0]
    """
    if not targets:
        raise ParameterError("targets", targets, allowed="a non-empty {variable: {level: share}} mapping")
    if bounds is not None and not (0 <= bounds[0] <= 1 <= bounds[1]):
        raise ParameterError("bounds", bounds, allowed="(low, high) with 0 <= low <= 1 <= high (weights have mean 1)")
    variables = list(targets)
    resp = _respondents(frame, variables + ([base_weight] if base_weight else []), id_col)
    w = resp[base_weight].to_numpy(dtype=float) if base_weight else np.ones(len(resp))
    if base_weight and not (np.isfinite(w) & (w > 0)).all():
        raise DataError("base weights must be positive numbers", column=base_weight)
    codes, shares = [], []
    for var in variables:
        t = _shares(targets[var], var)
        col = resp[var]
        unknown = sorted(set(col.dropna().astype(str)) - set(map(str, t.index)))
        if col.isna().any() or unknown:
            raise DataError(f"respondents with levels {unknown or ['<missing>']} have no target; "
                            f"targets cover {list(t.index)}", column=var)
        empty = [lv for lv in t.index if t[lv] > 0 and not (col.astype(str) == str(lv)).any()]
        if empty:
            raise DataError(f"target level(s) {empty} have no respondents; they cannot be weighted up",
                            column=var)
        zeroed = {lv: int((col.astype(str) == str(lv)).sum()) for lv in t.index if t[lv] == 0}
        zeroed = {lv: k for lv, k in zeroed.items() if k}
        if zeroed and not allow_zero:
            raise DataError(f"target 0 for level(s) {list(zeroed)} would give {sum(zeroed.values())} "
                            f"respondents weight 0 ({zeroed}); exclude them from the data, or pass "
                            "allow_zero=True", column=var)
        cat = pd.Categorical(col.astype(str), categories=[str(i) for i in t.index])
        codes.append(cat.codes)
        shares.append(t.to_numpy())
    converged, err = False, np.inf
    for it in range(1, max_iter + 1):
        for c, s in zip(codes, shares):
            achieved = np.bincount(c, weights=w, minlength=len(s)) / w.sum()
            w = w * np.divide(s, achieved, out=np.zeros_like(s), where=achieved > 0)[c]
        if bounds is not None:
            w = _trim(w, bounds)
        errors = [np.abs(np.bincount(c, weights=w, minlength=len(s)) / w.sum() - s) for c, s in zip(codes, shares)]
        err = max(e.max() for e in errors)
        if err < tol:
            converged = True
            break
    worst_var = int(np.argmax([e.max() for e in errors]))
    worst = (variables[worst_var], str(list(targets[variables[worst_var]])[int(np.argmax(errors[worst_var]))]))
    if not converged:
        msg = (f"raking did not meet the targets after {it} iterations: largest margin error {err:.3g} "
               f"({100 * err:.2g} percentage points) at {worst[0]} = {worst[1]!r}, tolerance {tol:g}"
               + ("; the weight bounds may be too narrow" if bounds is not None else ""))
        if strict:
            raise DataError(msg + "; raise max_iter, widen bounds, or pass strict=False to accept "
                            "the weights with this error", column=worst[0])
        log.warning("%s", msg)
    w = _trim(w, bounds) if bounds is not None else w / w.mean()
    codes, _ = pd.factorize(frame[id_col])  # same first-appearance order as _respondents
    out = frame.copy()
    out["weight"] = w[codes]
    out.attrs["raking"] = {"iterations": it, "converged": converged, "max_error": float(err),
                           "worst": worst, "n_effective": effective_n(w)}
    log.info("raked %d respondents on %s in %d iterations (n_effective %.1f)",
             len(resp), variables, it, effective_n(w))
    return out


def weight_summary(frame: pd.DataFrame, *, by=(), weight: str = "weight",
                   id_col: str = "respondent_id") -> pd.DataFrame:
    """Bases and weighting efficiency per group.

    Parameters
    ----------
    frame : DataFrame
        Wide or long frame with a weight per respondent.
    by : str or sequence of str
        Group columns; default the whole sample.
    weight : str
        Weight column.
    id_col : str
        Respondent id column.

    Returns
    -------
    DataFrame
        by columns, n (respondents with a positive weight), n_weighted, n_effective, design_effect,
        efficiency, weight_min, weight_max, n_zero_weight

    Examples
    --------
    >>> import cjkit as cj
    >>> import pandas as pd
    >>> f = pd.DataFrame({"respondent_id": list("abc"), "weight": [1.0, 1.0, 4.0]})
    >>> cj.weight_summary(f)["n_effective"].item()
    2.0
    """
    by = [by] if isinstance(by, str) else list(by)
    resp = _respondents(frame, [*by, weight], id_col)

    def one(g):
        w = g[weight].to_numpy(dtype=float)
        ne, n = effective_n(w), int((w > 0).sum())  # weight 0: in the file, not in the sample
        return pd.Series({"n": n, "n_weighted": w.sum(), "n_effective": ne,
                          "design_effect": n / ne if ne else np.nan,
                          "efficiency": ne / n if n else np.nan,
                          "weight_min": w.min(), "weight_max": w.max(), "n_zero_weight": len(w) - n})
    if not by:
        return one(resp).to_frame().T.astype({"n": int, "n_zero_weight": int})
    rows = [dict(zip(by, k if isinstance(k, tuple) else (k,)), **one(g))
            for k, g in resp.groupby(by, observed=True, dropna=False)]
    return pd.DataFrame(rows).astype({"n": int, "n_zero_weight": int})


def margins(frame: pd.DataFrame, *, variables, weight: str = "weight",
            id_col: str = "respondent_id") -> pd.DataFrame:
    """Weighted share of each level of each variable, per respondent (to check raking).

    Parameters
    ----------
    frame : DataFrame
        Wide or long frame with a weight per respondent.
    variables : str or list of str
        Variables whose level shares are computed.
    weight : str
        Weight column.
    id_col : str
        Respondent id column.

    Returns
    -------
    DataFrame
        variable, level, n, share

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.weighting import margins
    >>> f = pd.DataFrame({"respondent_id": list("abc"), "sex": ["f", "f", "m"], "weight": [1.0, 1.0, 2.0]})
    >>> margins(f, variables="sex")["share"].tolist()
    [0.5, 0.5]
    """
    variables = [variables] if isinstance(variables, str) else list(variables)
    resp = _respondents(frame, [*variables, weight], id_col)
    rows = []
    for v in variables:
        g = resp.groupby(v, observed=True)[weight].agg(["size", "sum"])
        for lv, r in g.iterrows():
            rows.append({"variable": v, "level": lv, "n": int(r["size"]),
                         "share": r["sum"] / resp[weight].sum()})
    return pd.DataFrame(rows)
