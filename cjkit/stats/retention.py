"""Retention: repurchase curves and churn models by customer experience.

* :func:`survival_curves` gives Kaplan-Meier curves of the time to the next purchase (or to churn)
  per group (NPS group, touchpoint experience) with pointwise log-log confidence bands (Greenwood).
* :func:`churn_model` fits a Cox proportional-hazards model (time to event) or a logistic model
  (event within a horizon) with statsmodels and reports hazard or odds ratios.

The survey is joined to the customer records, and the times are built, in
:mod:`cjkit.stats.customer_link`.

Examples
--------
>>> import pandas as pd
>>> import cjkit as cj
>>> d = pd.DataFrame({"weeks": [2, 3, 3, 5, 8], "bought": [1, 1, 0, 1, 0]})
>>> cj.survival_curves(d, time="weeks", event="bought")[["time", "n_at_risk", "events", "survival"]]
   time  n_at_risk  events  survival
0   0.0          5       0  1.000000
1   2.0          5       1  0.800000
2   3.0          4       1  0.600000
3   5.0          2       1  0.300000
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cjkit.errors import ParameterError
from cjkit.stats.customer_link import check_columns

log = logging.getLogger("cjkit")

CURVE_COLUMNS = ["group", "time", "n_at_risk", "events", "survival", "ci_low", "ci_high"]
MODEL_COLUMNS = ["term", "reference", "estimate", "ratio", "ci_low", "ci_high", "p_value", "n", "events", "method"]
METHODS = ("cox", "logistic")


def _km(t: np.ndarray, e: np.ndarray, z: float) -> pd.DataFrame:
    times = np.unique(t[e == 1])
    at_risk = np.array([(t >= s).sum() for s in times])
    events = np.array([((t == s) & (e == 1)).sum() for s in times])
    surv = np.cumprod(1 - events / at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        green = np.cumsum(events / (at_risk * (at_risk - events)))       # Greenwood: var(log S)
        # log-log band: stays inside (0, 1)
        se_ll = np.sqrt(green) / np.abs(np.log(surv))
        low = surv ** np.exp(z * se_ll)
        high = surv ** np.exp(-z * se_ll)
    low = np.where(surv > 0, low, 0.0)
    high = np.where(surv > 0, high, 0.0)
    first = pd.DataFrame({"time": [0.0], "n_at_risk": [len(t)], "events": [0], "survival": [1.0],
                          "ci_low": [1.0], "ci_high": [1.0]})
    rest = pd.DataFrame({"time": times.astype(float), "n_at_risk": at_risk, "events": events, "survival": surv,
                         "ci_low": low, "ci_high": high})
    return pd.concat([first, rest], ignore_index=True)


def survival_curves(data: pd.DataFrame, *, time: str, event: str, group: str | None = None,
                    confidence: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier curves with pointwise confidence bands, per group.

    Parameters
    ----------
    data : DataFrame
        One row per customer.
    time : str
        Time to the event or to the end of observation (censored).
    event : str
        1 = the event (repurchase, churn) happened at *time*, 0 = censored.
    group : str, optional
        Column whose values get one curve each (e.g. the NPS group); default one curve ``all``.
    confidence : float
        Level of the log-log band (Greenwood variance).

    Returns
    -------
    DataFrame
        Columns :data:`CURVE_COLUMNS`: a step per event time, starting at time 0 with survival 1.

    Raises
    ------
    ParameterError
        Unknown column or confidence outside (0, 1).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"t": [1, 2, 2, 4], "e": [1, 1, 0, 1], "g": ["a", "a", "b", "b"]})
    >>> survival_curves(d, time="t", event="e", group="g")["group"].unique().tolist()
    ['a', 'b']
    """
    from scipy.stats import norm

    check_columns(data, time=time, event=event, group=group)
    if not 0 < confidence < 1:
        raise ParameterError("confidence", confidence, allowed="a number between 0 and 1")
    z = float(norm.ppf(0.5 + confidence / 2))
    keep = data[[time, event]].notna().all(axis=1)
    if (~keep).any():
        log.info("survival_curves: %d rows without time or event left out", int((~keep).sum()))
    frame = data[keep]
    parts = []
    groups = [("all", frame)] if group is None else [(str(k), g) for k, g in frame.groupby(group, sort=True,
                                                                                            observed=True)]
    for name, g in groups:
        parts.append(_km(g[time].astype(float).to_numpy(), g[event].astype(int).to_numpy(), z).assign(group=name))
    return pd.concat(parts, ignore_index=True)[CURVE_COLUMNS]


def _design(frame: pd.DataFrame, covariates: list[str]) -> tuple[pd.DataFrame, dict]:
    parts, refs = [], {}
    for c in covariates:
        s = frame[c]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            parts.append(s.astype(float).rename(c))
            refs[c] = ""
            continue
        levels = sorted(s.astype(str).unique())
        ref = str(s.astype(str).value_counts().idxmax())  # the largest group as reference: stable estimates
        for lv in levels:
            if lv != ref:
                parts.append((s.astype(str) == lv).astype(float).rename(f"{c}={lv}"))
                refs[f"{c}={lv}"] = f"{c}={ref}"
    return pd.concat(parts, axis=1), refs


def churn_model(data: pd.DataFrame, *, time: str, event: str, covariates, method: str = "cox",
                horizon: float | None = None, confidence: float = 0.95) -> pd.DataFrame:
    """Hazard ratios (Cox) or odds ratios (logistic) of the event by customer experience.

    Parameters
    ----------
    data : DataFrame
        One row per customer.
    time, event : str
        Time to the event or censoring, and the 0/1 event indicator.
    covariates : list of str
        Numbers enter as they are; other columns as one 0/1 column per value against the largest
        group (named in ``reference``).
    method : {"cox", "logistic"}
        ``cox``: proportional hazards (statsmodels ``PHReg``, Breslow ties). ``logistic``: the event
        within *horizon*; customers censored before the horizon are left out (logged).
    horizon : float, optional
        Needed for ``logistic``.
    confidence : float
        Level of the intervals.

    Returns
    -------
    DataFrame
        Columns :data:`MODEL_COLUMNS`: one row per term; ``ratio`` = exp(estimate).

    Raises
    ------
    ParameterError
        Unknown column or method, or ``logistic`` without a horizon.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> g = np.repeat(["detractor", "promoter"], 100)
    >>> t = rng.exponential(np.where(g == "detractor", 1.0, 2.0))
    >>> d = pd.DataFrame({"t": t, "e": 1, "nps_group": g})
    >>> churn_model(d, time="t", event="e", covariates=["nps_group"])["term"].tolist()
    ['nps_group=promoter']
    """
    import statsmodels.api as sm
    from scipy.stats import norm

    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    check_columns(data, time=time, event=event, covariates=covariates)
    if method not in METHODS:
        raise ParameterError("method", method, allowed=METHODS)
    frame = data[[time, event, *covariates]].dropna()
    if len(frame) < len(data):
        log.info("churn_model: %d rows with missing values left out", len(data) - len(frame))
    if method == "logistic":
        if horizon is None:
            raise ParameterError("horizon", horizon, allowed="a time for method='logistic'")
        known = (frame[time] >= horizon) | (frame[event] == 1)
        log.info("churn_model: %d customers censored before the horizon left out", int((~known).sum()))
        frame = frame[known]
    X, refs = _design(frame, covariates)
    if method == "cox":
        fit = sm.PHReg(frame[time].astype(float), X, status=frame[event].astype(int), ties="breslow").fit()
    else:
        y = ((frame[event] == 1) & (frame[time] <= horizon)).astype(float)
        fit = sm.Logit(y, sm.add_constant(X)).fit(disp=0)
    params = pd.Series(np.asarray(fit.params), index=fit.model.exog_names)
    bse = pd.Series(np.asarray(fit.bse), index=params.index)
    pvals = pd.Series(np.asarray(fit.pvalues), index=params.index)
    z = float(norm.ppf(0.5 + confidence / 2))
    terms = [c for c in X.columns]
    out = pd.DataFrame({"term": terms, "reference": [refs[c] for c in terms],
                        "estimate": params[terms].to_numpy(), "ratio": np.exp(params[terms].to_numpy()),
                        "ci_low": np.exp(params[terms].to_numpy() - z * bse[terms].to_numpy()),
                        "ci_high": np.exp(params[terms].to_numpy() + z * bse[terms].to_numpy()),
                        "p_value": pvals[terms].to_numpy(), "n": len(frame),
                        "events": int(frame[event].sum()), "method": method})
    return out[MODEL_COLUMNS]
