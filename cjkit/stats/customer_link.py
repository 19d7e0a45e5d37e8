"""Survey answers joined to customer records, and the time from each survey to the next purchase.

* :func:`link_customers` joins the survey (one row per respondent) to a customer table (CRM
  extract, RFM summary) by customer id and records the join in the ledger: respondents without a
  customer record and customers without a survey answer, each with the reason.
* :func:`repurchase_times` gives each respondent the time from the survey to the next purchase (or
  to the end of observation), the input of :func:`cjkit.stats.retention.survival_curves`.

Examples
--------
>>> import pandas as pd
>>> import cjkit as cj
>>> s = pd.DataFrame({"lfdn": ["1", "2"], "nps": [9, 3]})
>>> c = pd.DataFrame({"kunde": ["1", "8"], "umsatz": [100.0, 20.0]})
>>> cj.link_customers(s, customers=c, survey_id="lfdn", customer_id="kunde").data[["lfdn", "umsatz"]]
  lfdn  umsatz
0    1   100.0
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.quality import ledger as ledger_mod

log = logging.getLogger("cjkit")


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
    check_columns(data, survey_id=survey_id, survey_date=survey_date)
    check_columns(transactions, customer_id=customer_id, date=date)
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


def check_columns(data: pd.DataFrame, **named):
    """Raise ParameterError naming the parameter whose column(s) are not in *data*."""
    for name, col in named.items():
        cols = [col] if isinstance(col, str) else list(col or [])
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise ParameterError(name, missing if len(cols) > 1 else col, allowed=list(data.columns))
