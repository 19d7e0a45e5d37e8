"""Customer lifetime value: BG/NBD for repeat purchases and Gamma-Gamma for spend (scipy ML).

The BG/NBD model (Fader, Hardie and Lee 2005, "Counting your customers the easy way") lets each
customer buy at a Poisson rate (gamma heterogeneity: ``r``, ``alpha``) until they drop out, with a
drop-out chance after each purchase (beta heterogeneity: ``a``, ``b``). The Gamma-Gamma model
(Fader, Hardie and Lee 2005, "RFM and CLV") describes the mean spend per transaction (``p``, ``q``,
``gamma``), independent of the purchase process. Both are fitted by maximum likelihood with scipy
and checked against the published CDNOW estimates.

Input is one row per customer (:func:`rfm_summary` builds it from a transactions table):
``frequency`` (repeat purchases, the first purchase not counted), ``recency`` (time from the first to
the last purchase), ``age`` (time from the first purchase to the end of observation, *T* in the
papers) and ``monetary_value`` (mean value of the repeat purchases).

Examples
--------
>>> import pandas as pd
>>> import cjkit as cj
>>> tx = pd.DataFrame({"customer": ["a", "a", "b"], "date": ["2025-01-01", "2025-01-15", "2025-01-08"],
...                    "amount": [10.0, 30.0, 5.0]})
>>> cj.rfm_summary(tx, customer="customer", date="date", amount="amount", end="2025-01-29", unit="W")
  customer  frequency  recency  age  monetary_value
0        a          1      2.0  4.0            30.0
1        b          0      0.0  3.0             0.0
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cjkit.errors import ParameterError

UNITS = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}
SUMMARY_COLUMNS = ["customer", "frequency", "recency", "age", "monetary_value"]
PARAMETER_COLUMNS = ["model", "parameter", "value", "log_likelihood", "n"]


def rfm_summary(transactions: pd.DataFrame, *, customer: str, date: str, amount: str | None = None,
                end=None, unit: str = "W") -> pd.DataFrame:
    """Frequency, recency, age and mean spend per customer from a transactions table.

    Purchases of one customer on the same day count as one (their amounts add up), as in the papers.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase.
    customer, date : str
        Customer id and purchase date columns.
    amount : str, optional
        Purchase value column (for ``monetary_value``; 0 without it).
    end : date-like, optional
        End of observation (default: the last purchase date in the table).
    unit : {"D", "W", "M"}
        Time unit of recency and age: days, weeks or months.

    Returns
    -------
    DataFrame
        Columns :data:`SUMMARY_COLUMNS`, one row per customer.

    Raises
    ------
    ParameterError
        Unknown column or unit.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"id": [1, 1, 1], "day": ["2025-03-01", "2025-03-01", "2025-03-11"], "eur": [5, 5, 20]})
    >>> rfm_summary(tx, customer="id", date="day", amount="eur", unit="D").to_dict("records")
    [{'customer': 1, 'frequency': 1, 'recency': 10.0, 'age': 10.0, 'monetary_value': 20.0}]
    """
    if unit not in UNITS:
        raise ParameterError("unit", unit, allowed=list(UNITS))
    wanted = [customer, date, *([amount] if amount else [])]
    missing = [c for c in wanted if c not in transactions.columns]
    if missing:
        raise ParameterError("customer" if customer in missing else ("date" if date in missing else "amount"),
                             missing, allowed=list(transactions.columns))
    tx = pd.DataFrame({"customer": transactions[customer],
                       "day": pd.to_datetime(transactions[date]).dt.normalize(),
                       "amount": transactions[amount].astype(float) if amount else 0.0})
    end = pd.Timestamp(end) if end is not None else tx["day"].max()
    tx = tx[tx["day"] <= end]
    daily = tx.groupby(["customer", "day"], sort=True)["amount"].sum().reset_index()
    first = daily.groupby("customer")["day"].transform("min")
    daily["repeat"] = daily["day"] > first
    g = daily.groupby("customer", sort=True)
    days = UNITS[unit]
    out = pd.DataFrame({"frequency": g["repeat"].sum().astype(int),
                        "recency": (g["day"].max() - g["day"].min()).dt.days / days,
                        "age": (end - g["day"].min()).dt.days / days})
    spend = daily[daily["repeat"]].groupby("customer")["amount"].mean()
    out["monetary_value"] = spend.reindex(out.index).fillna(0.0)
    return out.rename_axis("customer").reset_index()[SUMMARY_COLUMNS]


def _columns(data: pd.DataFrame, names: dict[str, str]) -> dict[str, np.ndarray]:
    missing = {k: v for k, v in names.items() if v not in data.columns}
    if missing:
        key = next(iter(missing))
        raise ParameterError(key, missing[key], allowed=list(data.columns))
    return {k: data[v].astype(float).to_numpy() for k, v in names.items()}


def _bgnbd_ll(params, x, t_x, T):
    from scipy.special import betaln, gammaln

    r, alpha, a, b = params
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a1 = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a2 = np.where(x > 0, betaln(a + 1, b + x - 1) - betaln(a, b) - (r + x) * np.log(alpha + t_x), -np.inf)
    return common + np.logaddexp(a1, a2)


def _fit(negll, start) -> tuple[np.ndarray, float]:
    from scipy.optimize import minimize

    # positive parameters: optimise their logarithms; BFGS, and Nelder-Mead when it does not converge
    f = lambda z: negll(np.exp(z))  # noqa: E731
    res = minimize(f, np.log(start), method="BFGS")
    if not res.success:
        res = minimize(f, res.x, method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 20000})
    return np.exp(res.x), -float(res.fun)


def _table(model: str, names, values, ll: float, n: int) -> pd.DataFrame:
    return pd.DataFrame({"model": model, "parameter": names, "value": values, "log_likelihood": ll, "n": n})


def fit_bgnbd(data: pd.DataFrame, *, frequency: str = "frequency", recency: str = "recency",
              age: str = "age") -> pd.DataFrame:
    """Fit the BG/NBD repeat-purchase model by maximum likelihood.

    Parameters
    ----------
    data : DataFrame
        One row per customer (:func:`rfm_summary`).
    frequency, recency, age : str
        Columns of repeat purchases, time of the last purchase and time observed (*x*, *t_x*, *T*).

    Returns
    -------
    DataFrame
        Columns :data:`PARAMETER_COLUMNS`; parameters ``r, alpha, a, b``.

    Raises
    ------
    ParameterError
        A column not in the data.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"frequency": [0, 1, 3, 0, 2, 5], "recency": [0, 4, 20, 0, 10, 30],
    ...                   "age": [40, 38, 35, 30, 40, 36]})
    >>> fit_bgnbd(s)["parameter"].tolist()
    ['r', 'alpha', 'a', 'b']
    """
    c = _columns(data, {"frequency": frequency, "recency": recency, "age": age})
    x, t_x, T = c["frequency"], c["recency"], c["age"]
    scale = max(float(np.mean(T)), 1e-9)
    params, ll = _fit(lambda p: -_bgnbd_ll(p, x, t_x, T).sum(), [1.0, scale, 1.0, 1.0])
    return _table("bgnbd", ["r", "alpha", "a", "b"], params, ll, len(x))


def _gg_ll(params, x, m):
    from scipy.special import gammaln

    p, q, g = params
    return (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(g) + (p * x - 1) * np.log(m)
            + p * x * np.log(x) - (p * x + q) * np.log(g + x * m))


def fit_gamma_gamma(data: pd.DataFrame, *, frequency: str = "frequency",
                    monetary_value: str = "monetary_value") -> pd.DataFrame:
    """Fit the Gamma-Gamma spend model on the customers with repeat purchases.

    Parameters
    ----------
    data : DataFrame
        One row per customer; customers without repeat purchases (or without spend) are left out.
    frequency, monetary_value : str
        Columns of repeat purchases and their mean value.

    Returns
    -------
    DataFrame
        Columns :data:`PARAMETER_COLUMNS`; parameters ``p, q, gamma``; ``n`` = customers fitted.

    Raises
    ------
    ParameterError
        A column not in the data.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"frequency": [1, 2, 3, 1, 4, 2], "monetary_value": [20, 35, 25, 60, 30, 18]})
    >>> fit_gamma_gamma(s)["parameter"].tolist()
    ['p', 'q', 'gamma']
    """
    c = _columns(data, {"frequency": frequency, "monetary_value": monetary_value})
    keep = (c["frequency"] > 0) & (c["monetary_value"] > 0)
    x, m = c["frequency"][keep], c["monetary_value"][keep]
    params, ll = _fit(lambda p: -_gg_ll(p, x, m).sum(), [1.0, 1.0, float(np.mean(m))])
    return _table("gamma_gamma", ["p", "q", "gamma"], params, ll, int(keep.sum()))


def _params(table: pd.DataFrame, names) -> list[float]:
    values = table.set_index("parameter")["value"]
    return [float(values[n]) for n in names]


def expected_purchases(x, t_x, T, t, params) -> np.ndarray:
    """Expected purchases in the next *t* time units (BG/NBD conditional expectation, FHL 2005 eq. 10)."""
    from scipy.special import hyp2f1

    r, alpha, a, b = params
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    z = t / (alpha + T + t)
    head = (a + b + x - 1) / (a - 1)
    tail = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
    return head * tail / (1 + (x > 0) * a / (b + np.maximum(x, 1) - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))


def p_alive(x, t_x, T, params) -> np.ndarray:
    """Probability that a customer is still active (BG/NBD)."""
    r, alpha, a, b = params
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    return 1 / (1 + (x > 0) * a / (b + np.maximum(x, 1) - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))


def customer_value(data: pd.DataFrame, *, bgnbd: pd.DataFrame, gamma_gamma: pd.DataFrame, horizon: float = 52,
                   step: float = 4, discount_rate: float = 0.0) -> pd.DataFrame:
    """Expected purchases, spend and discounted lifetime value per customer over a horizon.

    Parameters
    ----------
    data : DataFrame
        One row per customer (:func:`rfm_summary`).
    bgnbd, gamma_gamma : DataFrame
        Fitted parameters (:func:`fit_bgnbd`, :func:`fit_gamma_gamma`).
    horizon : float
        Horizon in the summary's time unit (default 52: a year in weeks).
    step : float
        Length of a discounting period in the same unit (default 4).
    discount_rate : float
        Discount rate per period (0 = undiscounted).

    Returns
    -------
    DataFrame
        The customer columns plus ``p_alive, expected_purchases, expected_spend, clv``.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"customer": ["a"], "frequency": [2], "recency": [30.0], "age": [38.0],
    ...                   "monetary_value": [20.0]})
    >>> bg = pd.DataFrame({"parameter": ["r", "alpha", "a", "b"], "value": [0.243, 4.414, 0.793, 2.426]})
    >>> gg = pd.DataFrame({"parameter": ["p", "q", "gamma"], "value": [6.25, 3.74, 15.44]})
    >>> cv = customer_value(s, bgnbd=bg, gamma_gamma=gg)
    >>> cv[["p_alive", "expected_purchases", "expected_spend", "clv"]].round(2).iloc[0].tolist()
    [0.73, 1.59, 22.74, 36.19]
    """
    bg = _params(bgnbd, ["r", "alpha", "a", "b"])
    p, q, g = _params(gamma_gamma, ["p", "q", "gamma"])
    x, t_x, T = (data[c].astype(float).to_numpy() for c in ("frequency", "recency", "age"))
    m = data["monetary_value"].astype(float).to_numpy()
    # Gamma-Gamma conditional mean spend (FHL 2005): a weighted mean of the population and own mean
    spend = (p * (g + x * m)) / (p * x + q - 1)
    value, previous = np.zeros(len(x)), np.zeros(len(x))
    edges = np.arange(step, horizon + 1e-9, step)
    for i, edge in enumerate(edges, start=1):
        now = expected_purchases(x, t_x, T, edge, bg)
        value += (now - previous) * spend / (1 + discount_rate) ** i
        previous = now
    out = data.copy()
    out["p_alive"] = p_alive(x, t_x, T, bg)
    out["expected_purchases"] = expected_purchases(x, t_x, T, horizon, bg)
    out["expected_spend"] = spend
    out["clv"] = value
    return out
