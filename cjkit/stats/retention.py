"""Retention: survey answers joined to customer records, repurchase curves and churn models.

* :func:`link_customers` joins the survey (one row per respondent) to a customer table (CRM
  extract, RFM summary) by customer id and records the join in the ledger: respondents without a
  customer record and customers without a survey answer, each with the reason.
* :func:`survival_curves` gives Kaplan-Meier curves of the time to the next purchase (or to churn)
  per group (NPS group, touchpoint experience) with pointwise log-log confidence bands (Greenwood).
* :func:`churn_model` fits a Cox proportional-hazards model (time to event) or a logistic model
  (event within a horizon) with statsmodels and reports hazard or odds ratios.

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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.quality import ledger as ledger_mod

log = logging.getLogger("cjkit")

CURVE_COLUMNS = ["group", "time", "n_at_risk", "events", "survival", "ci_low", "ci_high"]
MODEL_COLUMNS = ["term", "reference", "estimate", "ratio", "ci_low", "ci_high", "p_value", "n", "events", "method"]
METHODS = ("cox", "logistic")


@dataclass(frozen=True)
class Linked:
    """Survey rows joined to customer records.

    Parameters
    ----------
    data : DataFrame
        The matched respondents with the customer columns added.
    ledger : DataFrame
        One ledger entry per respondent without a customer record and per customer without a
        survey answer (check ``customer_link``).
    summary : DataFrame
        ``side, n, matched, unmatched`` for the survey and the customer table.
    """

    data: pd.DataFrame
    ledger: pd.DataFrame
    summary: pd.DataFrame


def _rows(frame: pd.DataFrame) -> list[int]:
    """1-based data rows: the index when it is the file's row number, else the position."""
    if frame.index.name == "row" and pd.api.types.is_integer_dtype(frame.index):
        return [int(i) for i in frame.index]
    return list(range(1, len(frame) + 1))


def link_customers(survey: pd.DataFrame, *, customers: pd.DataFrame, survey_id: str, customer_id: str,
                   survey_file: str | None = None, customer_file: str | None = None) -> Linked:
    """Join survey respondents to customer records by id; the join is recorded in the ledger.

    Parameters
    ----------
    survey : DataFrame
        One row per respondent.
    customers : DataFrame
        One row per customer (CRM extract, :func:`cjkit.stats.clv.rfm_summary`).
    survey_id, customer_id : str
        The id columns; ids are compared as text.
    survey_file, customer_file : str, optional
        File names for the ledger entries.

    Returns
    -------
    Linked
        ``data`` (matched respondents), ``ledger``, ``summary``.

    Raises
    ------
    ParameterError
        An id column that is not there.
    DataError
        A customer id that occurs more than once in the customer table (naming the first row).

    Examples
    --------
    >>> import pandas as pd
    >>> import cjkit as cj
    >>> s = pd.DataFrame({"lfdn": ["1", "2", "3"], "nps": [9, 3, 7]})
    >>> c = pd.DataFrame({"kunde": ["1", "3", "8"], "umsatz": [100.0, 50.0, 20.0]})
    >>> link = cj.link_customers(s, customers=c, survey_id="lfdn", customer_id="kunde")
    >>> link.summary[["side", "n", "matched", "unmatched"]].values.tolist()
    [['survey', 3, 2, 1], ['customers', 3, 2, 1]]
    """
    if survey_id not in survey.columns:
        raise ParameterError("survey_id", survey_id, allowed=list(survey.columns))
    if customer_id not in customers.columns:
        raise ParameterError("customer_id", customer_id, allowed=list(customers.columns))
    cid = customers[customer_id].astype("string")
    dup = cid[cid.duplicated()]
    if len(dup):
        pos = int(np.flatnonzero(cid.duplicated().to_numpy())[0]) + 1
        raise DataError(f"customer id {dup.iloc[0]!r} occurs more than once; one row per customer is needed",
                        file=customer_file, row=pos, column=customer_id)
    sid = survey[survey_id].astype("string")
    in_crm = sid.isin(set(cid.dropna())).to_numpy()
    in_survey = cid.isin(set(sid.dropna())).to_numpy()
    led = ledger_mod.concat(
        ledger_mod.entries(file=survey_file, rows=[r for r, m in zip(_rows(survey), in_crm) if not m],
                           check="customer_link", action="excluded", column=survey_id,
                           respondent_ids=list(sid[~in_crm]),
                           reason=f"respondent not found in the customer table (column {customer_id!r})"),
        ledger_mod.entries(file=customer_file, rows=[r for r, m in zip(_rows(customers), in_survey) if not m],
                           check="customer_link", action="excluded", column=customer_id,
                           respondent_ids=list(cid[~in_survey]),
                           reason=f"customer has no survey answer (column {survey_id!r})"))
    right = customers.assign(_key=cid).drop(columns=[customer_id] if customer_id != survey_id else [])
    data = survey.assign(_key=sid).merge(right, on="_key", how="inner", validate="many_to_one")
    data = data.drop(columns="_key")
    summary = pd.DataFrame({"side": ["survey", "customers"], "n": [len(survey), len(customers)],
                            "matched": [int(in_crm.sum()), int(in_survey.sum())],
                            "unmatched": [int((~in_crm).sum()), int((~in_survey).sum())]})
    log.info("link_customers: %d of %d respondents matched", int(in_crm.sum()), len(survey))
    return Linked(data=data, ledger=led, summary=summary)


def repurchase_times(data: pd.DataFrame, *, transactions: pd.DataFrame, survey_id: str, survey_date: str,
                     customer_id: str, date: str, end=None, unit: str = "W", dayfirst: bool = False) -> pd.DataFrame:
    """Time from each respondent's survey date to their next purchase, censored at the end.

    Parameters
    ----------
    data : DataFrame
        One row per respondent with id and survey date.
    transactions : DataFrame
        One row per purchase with customer id and date.
    survey_id, survey_date : str
        Respondent id and survey date columns of *data*.
    customer_id, date : str
        Customer id and purchase date columns of *transactions*.
    end : date-like, optional
        End of observation (default: the last purchase date).
    unit : {"D", "W", "M"}
        Time unit: days, weeks, months.
    dayfirst : bool
        Survey dates written day first (``22.04.2025``).

    Returns
    -------
    DataFrame
        *data*'s columns plus ``time`` and ``event`` (1 = bought again after the survey, 0 = not
        by the end); respondents surveyed after the end are left out (logged).

    Raises
    ------
    ParameterError
        Unknown column or unit.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"id": ["a", "b"], "when": ["2025-01-01", "2025-01-01"]})
    >>> tx = pd.DataFrame({"kunde": ["a", "a", "b"], "datum": ["2024-12-20", "2025-01-15", "2024-12-30"]})
    >>> repurchase_times(s, transactions=tx, survey_id="id", survey_date="when", customer_id="kunde",
    ...                  date="datum", end="2025-01-29", unit="D")[["id", "time", "event"]].values.tolist()
    [['a', 14.0, 1], ['b', 28.0, 0]]
    """
    units = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}
    if unit not in units:
        raise ParameterError("unit", unit, allowed=list(units))
    _check_columns(data, survey_id=survey_id, survey_date=survey_date)
    _check_columns(transactions, customer_id=customer_id, date=date)
    tx = pd.DataFrame({"_key": transactions[customer_id].astype("string"),
                       "_day": pd.to_datetime(transactions[date]).dt.normalize()})
    end = pd.Timestamp(end) if end is not None else tx["_day"].max()
    surveyed = pd.to_datetime(data[survey_date], dayfirst=dayfirst).dt.normalize()
    frame = data.assign(_key=data[survey_id].astype("string"), _surveyed=surveyed.to_numpy())
    late = frame["_surveyed"].isna() | (frame["_surveyed"] > end)
    if late.any():
        log.info("repurchase_times: %d respondents without a survey date or surveyed after the end left out",
                 int(late.sum()))
    frame = frame[~late]
    pairs = frame[["_key", "_surveyed"]].merge(tx, on="_key", how="left")
    after = pairs[(pairs["_day"] > pairs["_surveyed"]) & (pairs["_day"] <= end)]
    nxt = after.groupby("_key")["_day"].min()
    following = frame["_key"].map(nxt)
    frame["event"] = following.notna().astype(int).to_numpy()
    stop = following.fillna(end)
    frame["time"] = ((stop - frame["_surveyed"]).dt.days / units[unit]).to_numpy()
    return frame.drop(columns=["_key", "_surveyed"])


def _check_columns(data: pd.DataFrame, **named):
    for name, col in named.items():
        cols = [col] if isinstance(col, str) else list(col or [])
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise ParameterError(name, missing if len(cols) > 1 else col, allowed=list(data.columns))


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

    _check_columns(data, time=time, event=event, group=group)
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
    _check_columns(data, time=time, event=event, covariates=covariates)
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
