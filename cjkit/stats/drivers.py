"""Key-driver analysis: regression and relative importance of touchpoint/phase ratings.

The driver data are screened first (:mod:`cjkit.stats.driver_checks`: drivers without answers,
without variance, duplicated or almost collinear are excluded with a reason; an outcome without
variance is refused), then the R^2 is decomposed into relative weights and LMG
(:mod:`cjkit.stats.importance`) and the regression gives signed coefficients. For a binary
outcome the decomposition is of the linear-probability R^2, while the coefficient table comes
from a logistic regression. Coefficients of weighted data have robust (HC1) standard errors.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.miscmodels.ordinal_model import OrderedModel

from cjkit.errors import DataError, ParameterError
from cjkit.stats.base import apply_base_rule, resolve_base_rule
from cjkit.stats.driver_checks import diagnostic, diagnostics_frame, has_variance, screen_drivers
from cjkit.stats.importance import (MAX_LMG_PREDICTORS, lmg_from_corr, relative_importance,  # noqa: F401
                                    relative_weights_from_corr, subset_r2)
from cjkit.stats.sufficient import weights_of

log = logging.getLogger("cjkit.stats.drivers")


def outcome_values(long: pd.DataFrame, *, outcome: str, positive=None) -> pd.Series:
    """Numeric outcome per respondent; a text-coded (single-choice) outcome becomes 1/0.

    Parameters
    ----------
    long : DataFrame
        The long survey frame.
    outcome : str
        Question id of the outcome.
    positive : str, optional
        For an outcome held as labels in ``text`` (``value`` empty), the label counted as 1;
        every other label is 0 and a missing label stays missing.

    Returns
    -------
    Series
        Index respondent_id (as text); float values, 1/0 for a text-coded outcome.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.drivers import outcome_values
    >>> f = pd.DataFrame({"respondent_id": ["a", "b", "c"], "question": "sat", "value": None,
    ...                   "text": ["Satisfied", "Neutral or Dissatisfied", None]})
    >>> outcome_values(f, outcome="sat", positive="Satisfied").tolist()
    [1.0, 0.0, nan]
    """
    o = long[long["question"] == outcome]
    if o.empty:
        raise ParameterError("outcome", outcome, allowed="question ids in the long frame")
    o = o.drop_duplicates("respondent_id")
    ids = pd.Index(o["respondent_id"].astype(str), name="respondent_id")
    numeric = pd.to_numeric(o["value"], errors="coerce")
    if positive is None:
        if numeric.notna().any():
            return pd.Series(numeric.to_numpy(float), index=ids, name=outcome)
        levels = sorted(o["text"].dropna().astype(str).unique()) if "text" in o.columns else []
        raise ParameterError("positive", None, allowed=levels or "a label of the outcome",
                             message=f"outcome '{outcome}' has labels but no numeric values; "
                             "name the label that counts as 1 with positive=")
    labels = o["text"] if "text" in o.columns and o["text"].notna().any() else o["value"]
    labels = labels.astype("string")
    if not (labels == str(positive)).any():
        raise ParameterError("positive", positive, allowed=sorted(labels.dropna().unique()))
    coded = np.where(labels.isna().to_numpy(), np.nan, (labels == str(positive)).fillna(False).to_numpy(float))
    return pd.Series(coded, index=ids, name=outcome)


def driver_matrix(long: pd.DataFrame, *, outcome: str, drivers=None, weight: str = "weight",
                  roles=("driver",), positive=None, complete: bool = True) -> pd.DataFrame:
    """Wide respondent x question matrix of the outcome and driver ratings (listwise complete).

    Respondents with a missing outcome or driver answer are excluded and counted: the result's
    ``attrs`` hold ``n_input``, ``n_excluded`` and ``excluded_by`` (missing answers per question).
    With ``complete=False`` every respondent is kept (missing answers stay NaN) and the counts
    say what listwise deletion would leave out.

    Parameters
    ----------
    long : DataFrame
        The long survey frame.
    outcome : str
        Question id of the outcome.
    drivers : list of str, optional
        Driver question ids; default the questions with a role in *roles*.
    weight : str
        Weight column (1 where missing from the frame).
    roles : sequence of str
        Spec roles that make a question a driver when *drivers* is not given.
    positive : str, optional
        For a text-coded outcome, the label counted as 1 (see :func:`outcome_values`).
    complete : bool
        Keep only complete rows (listwise deletion); ``False`` keeps every respondent.

    Returns
    -------
    DataFrame
        Index respondent_id; columns the outcome, the drivers and ``weight``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.drivers import driver_matrix
    >>> f = pd.DataFrame({"respondent_id": ["a", "a", "b", "b"], "question": ["y", "x"] * 2,
    ...                   "role": ["overall", "driver"] * 2, "value": [5.0, 4.0, 3.0, None]})
    >>> m = driver_matrix(f, outcome="y")
    >>> len(m), m.attrs["n_excluded"], m.attrs["excluded_by"]
    (1, 1, {'x': 1})
    """
    qs = set(long["question"].unique())
    if outcome not in qs:
        raise ParameterError("outcome", outcome, allowed="question ids in the long frame")
    if drivers is None:
        sel = long["role"].isin(list(roles)) if "role" in long.columns else long["question"] != outcome
        drivers = [q for q in pd.unique(long.loc[sel, "question"]) if q != outcome]
    drivers = list(dict.fromkeys(drivers))  # a driver named twice is one driver
    if outcome in drivers:
        raise ParameterError("drivers", outcome, allowed="question ids other than the outcome",
                             message=f"parameter 'drivers': the outcome '{outcome}' cannot be its own driver")
    unknown = [d for d in drivers if d not in qs]
    if unknown or not drivers:
        raise ParameterError("drivers", unknown or drivers, allowed="question ids in the long frame")
    cols = [outcome, *drivers]
    sel = long["question"].isin(cols).to_numpy()
    d = long.loc[sel, ["respondent_id", "question", "value"]]
    # a numpy scatter instead of pivot_table: ~20x faster on a 2M-row survey
    rid, ids = pd.factorize(d["respondent_id"])
    qpos = pd.Index(cols).get_indexer(d["question"])
    dup = pd.Series(rid * len(cols) + qpos).duplicated().to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise DataError(f"respondent {ids[rid[i]]!r} answers question {cols[qpos[i]]!r} more than once",
                        column="question")
    mat = np.full((len(ids), len(cols)), np.nan)
    mat[rid, qpos] = d["value"].to_numpy(dtype=float)
    mat[:, 0] = outcome_values(long, outcome=outcome, positive=positive).reindex(pd.Index(ids).astype(str)).to_numpy()
    wide = pd.DataFrame(mat, index=pd.Index(ids, name="respondent_id"), columns=cols)
    w = np.ones(len(ids))
    w[rid] = weights_of(long.loc[sel], weight)
    wide["weight"] = w
    n_input, complete_only = len(wide), complete
    miss = wide[[outcome, *drivers]].isna()
    complete = ~miss.any(axis=1)
    out = (wide.loc[complete] if complete_only else wide).astype(float)
    out.attrs.update(n_input=n_input, n_excluded=int((~complete).sum()),
                     excluded_by={k: int(v) for k, v in miss.sum().items() if v})
    if (~complete).any() and complete_only:
        log.info("driver analysis: %d of %d respondents excluded for a missing answer (%s)",
                 (~complete).sum(), n_input, out.attrs["excluded_by"])
    return out


def _method_kind(y: pd.Series, method: str) -> str:
    allowed = ("auto", "ols", "logit", "ordinal")
    if method not in allowed:
        raise ParameterError("method", method, allowed=allowed)
    if method != "auto":
        return method
    return "logit" if y.nunique() == 2 else "ols"


def regression(data: pd.DataFrame, *, outcome: str, drivers, method: str = "auto",
               weight: str | None = None, cov_type: str = "auto") -> pd.DataFrame:
    """Fit the driver regression with statsmodels and return one row per term.

    ``ols``: weighted least squares; ``logit``: binomial GLM (outcome coded 0/1, weights as
    variance weights); ``ordinal``: proportional-odds logit (``OrderedModel``, unweighted).

    Parameters
    ----------
    data : DataFrame
        Wide frame, one complete row per respondent (see :func:`driver_matrix`).
    outcome : str
        Outcome column.
    drivers : list of str
        Driver columns.
    method : {"auto", "ols", "logit", "ordinal"}
        Regression type; ``auto`` uses logit for a two-level outcome, else OLS.
    weight : str, optional
        Weight column; default unweighted.
    cov_type : {"auto", "nonrobust", "HC0", "HC1", "HC2", "HC3"}
        Standard errors. ``auto``: the robust sandwich ``HC1`` when the weights vary (survey
        weights are not precision weights, so the model-based errors would be wrong), else the
        model-based ones. The ordinal model has model-based errors only.

    Returns
    -------
    DataFrame
        term, coef, std_err, statistic, p_value, ci_low, ci_high, std_coef, odds_ratio,
        method, r2, r2_kind, n, cov_type

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.drivers import regression
    >>> f = pd.DataFrame({"y": [1.0, 2.0, 3.0, 5.0], "x": [1.0, 2.0, 3.0, 4.0]})
    >>> regression(f, outcome="y", drivers=["x"])["coef"].round(2).tolist()
    [-0.5, 1.3]
    """
    drivers = list(drivers)
    allowed = ("auto", "nonrobust", "HC0", "HC1", "HC2", "HC3")
    if cov_type not in allowed:
        raise ParameterError("cov_type", cov_type, allowed=allowed)
    w = data[weight].to_numpy(float) if weight else np.ones(len(data))
    if (w <= 0).any():  # a respondent with weight 0 is not in the sample
        data, w = data[w > 0], w[w > 0]
    y = data[outcome]
    kind = _method_kind(y, method)
    X = data[drivers].astype(float)
    w = w / w.mean()
    # a coefficient of a constant or linearly dependent driver is noise: refuse by name
    for c in [outcome, *drivers]:
        if not has_variance(data[c].to_numpy(float), w)[0]:
            raise DataError(f"'{c}' has no variance in the regression data; drop it (key_drivers does "
                            "this for you, with a reason)", column=c)
    z = (X - X.mean()) / X.std(ddof=0)
    if np.linalg.matrix_rank(z.to_numpy(), tol=1e-8 * np.sqrt(len(z))) < len(drivers):
        raise DataError("the drivers are linearly dependent (a duplicate or an exact combination of others); "
                        "key_drivers excludes such drivers with a reason", column=", ".join(drivers))
    if cov_type == "auto":
        cov_type = "nonrobust" if np.allclose(w, 1) else "HC1"
    if kind == "ols":
        res = sm.WLS(y.astype(float), sm.add_constant(X), weights=w).fit(cov_type=cov_type)
        r2, r2_kind = res.rsquared, "r2"
    elif kind == "logit":
        levels = sorted(y.unique())
        if len(levels) != 2:
            raise DataError(f"logit needs a binary outcome, found {len(levels)} levels", column=outcome)
        yb = (y == levels[1]).astype(float)
        res = sm.GLM(yb, sm.add_constant(X), family=sm.families.Binomial(), var_weights=w).fit(cov_type=cov_type)
        p0 = np.average(yb, weights=w)  # the intercept-only model has a closed form
        llnull = float(np.sum(w * (yb * np.log(p0) + (1 - yb) * np.log(1 - p0))))
        r2, r2_kind = 1 - res.llf / llnull, "pseudo_r2_mcfadden"
    else:
        if not np.allclose(w, 1):
            log.warning("ordinal driver model is fitted unweighted (OrderedModel has no weights)")
        yo = pd.Series(pd.Categorical(y, ordered=True), index=y.index)
        res = OrderedModel(yo, X, distr="logit").fit(method="bfgs", disp=False, maxiter=500)
        r2, r2_kind = res.prsquared, "pseudo_r2_mcfadden"
    ci = np.asarray(res.conf_int())
    tab = pd.DataFrame({"term": list(res.params.index), "coef": np.asarray(res.params),
                        "std_err": np.asarray(res.bse), "statistic": np.asarray(res.tvalues),
                        "p_value": np.asarray(res.pvalues), "ci_low": ci[:, 0], "ci_high": ci[:, 1]})
    if kind == "ordinal":  # thresholds are not drivers
        tab = tab[tab["term"].isin(drivers)]
    sd_x = X.std().reindex(tab["term"]).to_numpy()
    tab["std_coef"] = tab["coef"] * sd_x / float(y.astype(float).std()) if kind == "ols" else np.nan
    tab["odds_ratio"] = np.exp(tab["coef"]) if kind != "ols" else np.nan
    tab["method"], tab["r2"], tab["r2_kind"], tab["n"] = kind, float(r2), r2_kind, len(data)
    tab["cov_type"] = "nonrobust" if kind == "ordinal" else cov_type
    return tab.reset_index(drop=True)


def _prepare(long, *, outcome, drivers, weight, positive, missing, min_tolerance):
    """Respondents and drivers the model can use, with a diagnostics row for every decision."""
    if missing not in ("listwise", "pairwise"):
        raise ParameterError("missing", missing, allowed=["listwise", "pairwise"])
    wide = driver_matrix(long, outcome=outcome, drivers=drivers, weight=weight, positive=positive,
                         complete=False)
    drivers = [c for c in wide.columns if c not in (outcome, "weight")]
    rows, n_input = [], len(wide)
    no_y, zero_w = wide[outcome].isna(), wide["weight"] <= 0
    if no_y.any():
        rows.append(diagnostic(outcome, "missing_outcome", no_y.sum(), None, "respondents_excluded",
                               f"{int(no_y.sum())} respondents did not answer '{outcome}'"))
    if (zero_w & ~no_y).any():
        rows.append(diagnostic(outcome, "zero_weight", (zero_w & ~no_y).sum(), None, "respondents_excluded",
                               f"{int((zero_w & ~no_y).sum())} respondents have weight 0"))
    data = wide[~no_y & ~zero_w]
    kept = []
    for d in drivers:
        if data[d].notna().any():
            kept.append(d)
        else:
            rows.append(diagnostic(d, "no_answers", 0, 1, "excluded",
                                   f"no respondent with an answer to '{outcome}' answered '{d}'"))
    screened = []
    for _ in range(len(drivers) + 1):  # an excluded driver may give listwise respondents back
        used = data if missing == "pairwise" else data.dropna(subset=kept)
        if len(used) < 3 or not kept:
            break
        new, checks = screen_drivers(used, outcome=outcome, drivers=kept, weight="weight",
                                     pairwise=missing == "pairwise", min_tolerance=min_tolerance)
        screened += [r for r in checks if r["action"] == "excluded"]
        if new == kept:
            screened += [r for r in checks if r["action"] != "excluded"]
            break
        kept = new
    rows += screened
    listwise = data.dropna(subset=kept)
    n_used = len(listwise)
    for d in kept:
        lacking = int(data[d].isna().sum())
        if lacking:
            rows.append(diagnostic(d, "missing_answer", lacking, None,
                                   "respondents_excluded" if missing == "listwise" else "pairwise",
                                   f"{lacking} respondents did not answer '{d}'" +
                                   (" and are left out of the model (listwise deletion)" if missing == "listwise"
                                    else "; its correlations use the respondents who did")))
    left = n_input - n_used
    why = []
    if no_y.any():
        why.append(f"{int(no_y.sum())} without an answer to the outcome")
    if (zero_w & ~no_y).any():
        why.append(f"{int((zero_w & ~no_y).sum())} with weight 0")
    if len(data) > n_used:
        why.append(f"{len(data) - n_used} with at least one missing driver answer")
    share = 100 * n_used / n_input if n_input else 0.0
    rows.append(diagnostic(outcome, "respondents_used", n_used, n_input, "info",
                           f"the regression uses {n_used} of {n_input} respondents ({share:.0f} %)"
                           + (f"; left out: {', '.join(why)}" if left else "")))
    if left and n_input and left / n_input > 0.2:
        log.warning("driver analysis: only %d of %d respondents (%.0f %%) have every answer; "
                    "consider missing='pairwise' or fewer drivers", n_used, n_input, share)
    return data, listwise, kept, rows


def driver_diagnostics(long: pd.DataFrame, *, outcome: str, drivers=None, positive=None,
                       weight: str = "weight", missing: str = "listwise",
                       min_tolerance: float = 1e-3) -> pd.DataFrame:
    """Which drivers and respondents a driver analysis can use, and why the others are left out.

    Runs the checks of :func:`key_drivers` without fitting: missing answers (listwise deletion),
    weight 0, drivers without answers, without variance, duplicated or almost collinear, and a
    constant outcome (then the analysis is refused, shown as a row with action ``refused``).

    Parameters
    ----------
    long : DataFrame
        The long survey frame.
    outcome : str
        Question id of the outcome.
    drivers : list of str, optional
        Driver question ids; default all questions with role ``driver``.
    positive : str, optional
        For a text-coded outcome, the label counted as 1.
    weight : str
        Weight column.
    missing : {"listwise", "pairwise"}
        How missing answers are handled (see :func:`key_drivers`).
    min_tolerance : float
        Smallest tolerance ``1 - R^2_j`` (largest VIF ``1 / min_tolerance``) a driver may have.

    Returns
    -------
    DataFrame
        question, check, value, threshold, action, reason; one row per check that found
        something, plus the VIF of every driver kept and the count of respondents used.

    Examples
    --------
    >>> import cjkit as cj
    >>> long = cj.example_study().long
    >>> d = cj.driver_diagnostics(long, outcome="overall")
    >>> d.loc[d["check"] == "respondents_used", ["question", "value", "threshold"]]
      question  value  threshold
    0  overall  120.0      120.0
    """
    try:
        rows = _prepare(long, outcome=outcome, drivers=drivers, weight=weight, positive=positive,
                        missing=missing, min_tolerance=min_tolerance)[3]
    except DataError as err:
        if str(outcome) not in str(err) or "no variance" not in str(err):
            raise
        rows = [diagnostic(outcome, "constant_outcome", 0.0, None, "refused", str(err))]
    return diagnostics_frame(rows)


def key_drivers(long: pd.DataFrame, *, outcome: str, drivers=None, method: str = "auto",
                positive=None, weight: str = "weight", min_n=None, suppress_n=None,
                missing: str = "listwise", cov_type: str = "auto",
                min_tolerance: float = 1e-3) -> pd.DataFrame:
    """Which ratings drive the outcome: coefficients plus relative weights and LMG.

    Drivers that cannot be estimated (no answers, no variance, duplicates, almost collinear)
    are excluded with a reason and a warning; an outcome without variance is refused. The
    checks and the count of respondents used are in ``attrs["diagnostics"]`` (see
    :func:`driver_diagnostics`).

    Parameters
    ----------
    long : DataFrame
        The long survey frame.
    outcome : str
        Question id of the outcome (overall satisfaction, NPS, recommendation, ...).
    drivers : list of str, optional
        Driver question ids; default all questions with role ``driver``.
    method : {"auto", "ols", "logit", "ordinal"}
        Regression type; ``auto`` uses logit for a two-level outcome, else OLS.
    positive : str, optional
        For a text-coded outcome (e.g. "Satisfied" / "Neutral or Dissatisfied"), the label
        counted as 1; see :func:`outcome_values`.
    weight : str
        Weight column.
    min_n, suppress_n : int, optional
        Base rule (default 30 / 10) on the respondents used.
    missing : {"listwise", "pairwise"}
        ``listwise``: respondents with a missing answer are left out (counted in the diagnostics).
        ``pairwise``: relative weights and LMG from pairwise-complete correlations (every answer
        counts; warned and repaired when the matrix is not positive definite); the coefficients
        still come from the complete cases.
    cov_type : {"auto", "nonrobust", "HC0", "HC1", "HC2", "HC3"}
        Standard errors of the coefficients; ``auto`` is the robust ``HC1`` for varying weights.
    min_tolerance : float
        Smallest tolerance ``1 - R^2_j`` a driver may have (largest VIF ``1 / min_tolerance``).

    Returns
    -------
    DataFrame
        driver, phase, touchpoint, coef, p_value, std_coef, odds_ratio, relative_weight,
        relative_weight_pct, lmg, lmg_pct, sign (of the coefficient; importance is unsigned), rank, r2,
        r2_model, method, n, n_excluded, flag.
        ``relative_weight`` and ``lmg`` each sum to ``r2`` (linear R^2); ``r2_model`` is the
        fit statistic of the regression (pseudo R^2 for logit/ordinal). ``n`` is the number of
        respondents the coefficients use (pairwise: the smallest base behind a correlation),
        ``n_excluded`` those left out; then n_weighted, n_effective (Kish; the base rule counts the
        smaller of n and n_effective) and design_effect. With ``missing="pairwise"`` and too few
        complete respondents for a regression, the coefficients are empty and the diagnostics
        say so.

    Examples
    --------
    >>> import cjkit as cj
    >>> long = cj.example_study().long
    >>> kd = cj.key_drivers(long, outcome="overall")
    >>> kd[["driver", "relative_weight", "lmg", "rank"]].round(3)
            driver  relative_weight    lmg  rank
    0      tp_room            0.292  0.288     1
    1  tp_check_in            0.199  0.206     2
    2   tp_website            0.064  0.064     3
    3   tp_booking            0.062  0.059     4
    4      tp_wifi            0.052  0.053     5
    """
    data, listwise, drivers, rows = _prepare(long, outcome=outcome, drivers=drivers, weight=weight,
                                             positive=positive, missing=missing, min_tolerance=min_tolerance)
    min_n, suppress_n = resolve_base_rule(min_n, suppress_n)
    if not drivers:
        raise DataError("no driver can be estimated: " + "; ".join(r["reason"] for r in rows
                                                                  if r["action"] == "excluded"), column=outcome)
    needed = max(suppress_n, len(drivers) + 2)
    fit = len(listwise) >= needed
    if not fit and missing == "listwise":
        raise DataError(f"only {len(listwise)} complete respondents for {len(drivers)} drivers; "
                        f"at least {needed} needed (missing='pairwise' uses every answer for the "
                        "relative weights)", column=outcome)
    imp = relative_importance(data if missing == "pairwise" else listwise, outcome=outcome, drivers=drivers,
                              weight="weight", missing=missing,
                              decompositions=("relative_weights", "lmg") if len(drivers) <= MAX_LMG_PREDICTORS
                              else ("relative_weights",))
    rows += imp.attrs.get("diagnostics", [])
    if fit:
        reg = regression(listwise, outcome=outcome, drivers=drivers, method=method, weight="weight",
                         cov_type=cov_type)
    else:  # pairwise relative weights stand without the coefficients
        rows.append(diagnostic(outcome, "regression", len(listwise), needed, "not_fitted",
                               f"only {len(listwise)} respondents answered every driver ({needed} needed): "
                               "no coefficients; the relative weights use pairwise correlations"))
        log.warning("driver analysis: %s", rows[-1]["reason"])
        reg = pd.DataFrame({"term": drivers, "coef": np.nan, "p_value": np.nan, "std_coef": np.nan,
                            "odds_ratio": np.nan, "r2": np.nan, "method": _method_kind(data[outcome], method)})
    out = imp.drop(columns="n").merge(
        reg[["term", "coef", "p_value", "std_coef", "odds_ratio", "r2", "method"]]
        .rename(columns={"term": "driver", "r2": "r2_model"}), on="driver", how="left")
    if "lmg" not in out.columns:
        out["lmg"] = out["lmg_pct"] = np.nan
    meta_cols = [c for c in ("phase", "touchpoint") if c in long.columns]
    meta = long.loc[long["question"].isin(drivers), ["question", *meta_cols]].drop_duplicates("question")
    out = out.merge(meta.rename(columns={"question": "driver"}), on="driver", how="left")
    out["sign"] = np.sign(out["coef"]).fillna(0).astype(int)
    out["rank"] = out["relative_weight"].rank(ascending=False, method="min").astype(int)
    w = (data if missing == "pairwise" else listwise)["weight"].to_numpy(float)
    n = int((w > 0).sum())
    deff = n * (w ** 2).sum() / w.sum() ** 2 if n else np.nan  # Kish: n / n_effective
    if missing == "pairwise":  # the weakest correlation decides: its base, the sample's design effect
        n = int(imp["n"].iloc[0])
        w = w * n / max(int((w > 0).sum()), 1)
    out["n"] = n
    out["n_excluded"] = _n_input(rows) - n
    out["n_weighted"], out["n_effective"] = float(w.sum()), n / deff
    out["design_effect"] = deff
    out = apply_base_rule(out, min_n, suppress_n, effective_cols=("n_effective",))
    cols = ["driver", *meta_cols, "coef", "p_value", "std_coef", "odds_ratio", "relative_weight",
            "relative_weight_pct", "lmg", "lmg_pct", "sign", "rank", "r2", "r2_model", "method", "n",
            "n_excluded", "flag", "n_weighted", "n_effective", "design_effect"]
    out = out[cols].sort_values("rank", kind="stable").reset_index(drop=True)
    out.attrs["diagnostics"] = rows
    return out


def _n_input(rows) -> int:
    return int(next(r["threshold"] for r in rows if r["check"] == "respondents_used"))
