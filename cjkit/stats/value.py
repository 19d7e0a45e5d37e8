"""Value at stake: what detractors put at risk and what moving passives to promoters is worth.

Two figures a CX lead is asked for, each with its assumption written out in the report language:

* **detractors at risk** — the value (revenue, lifetime value) of the detractors times their
  excess churn over the promoters: if detractors churned like promoters, this value would stay;
* **passives to promoters** — the number of passives times the difference between the promoters'
  and the passives' mean value per customer: a passive who becomes a promoter is assumed to be
  worth what promoters are worth on average.

Both are associations in observed data, not proven effects; the assumption column says so.

Examples
--------
>>> import pandas as pd
>>> import cjkit as cj
>>> d = pd.DataFrame({"nps": [10, 9, 8, 7, 3, 2], "clv": [500.0, 300, 200, 200, 100, 300],
...                   "churned": [0, 0, 0, 1, 1, 0]})
>>> cj.value_at_stake(d, nps="nps", value="clv", churned="churned", lang="en")[["item", "value_at_stake"]]
                    item  value_at_stake
0     detractors_at_risk           200.0
1  passives_to_promoters           400.0
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cjkit.catalog import i18n
from cjkit.errors import ParameterError

GROUPS = ("promoter", "passive", "detractor")
COLUMNS = ["item", "nps_group", "n", "base_value", "rate", "value_at_stake", "label", "assumption"]


def nps_group(score) -> pd.Series:
    """Promoter (9-10), passive (7-8) or detractor (0-6) per 0-10 score; missing stays missing.

    Parameters
    ----------
    score : Series or array-like
        Likelihood-to-recommend scores 0-10.

    Returns
    -------
    Series
        ``promoter``, ``passive``, ``detractor`` or missing.

    Examples
    --------
    >>> nps_group([10, 8, 6, None]).tolist()
    ['promoter', 'passive', 'detractor', nan]
    """
    s = pd.Series(score, dtype="float")
    out = np.where(s >= 9, "promoter", np.where(s >= 7, "passive", "detractor"))
    return pd.Series(out, index=s.index, dtype="object").where(s.notna())


def value_at_stake(data: pd.DataFrame, *, nps: str, value: str, churned: str | None = None,
                   churn_rates: dict | None = None, lang: str = "de") -> pd.DataFrame:
    """Revenue of detractors at risk and the value of moving passives to promoters.

    Parameters
    ----------
    data : DataFrame
        One row per customer with the 0-10 recommendation score and a value (revenue, CLV).
    nps : str
        Recommendation score column (0-10).
    value : str
        Value per customer (e.g. ``clv`` from :func:`cjkit.stats.clv.customer_value`).
    churned : str, optional
        0/1 column: the customer churned (or did not rebook) in the period, or a probability of having
        churned (e.g. ``1 - p_alive``); its mean per group is the churn rate.
    churn_rates : dict, optional
        NPS group -> churn rate, when the data have no churn column (researcher's assumption).
    lang : {"de", "en"}
        Language of ``label`` and ``assumption``.

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS`: one row ``detractors_at_risk`` (``rate`` = excess churn of the
        detractors over the promoters) and one ``passives_to_promoters`` (``rate`` = relative
        value uplift), each with its assumption.

    Raises
    ------
    ParameterError
        Unknown column, or neither *churned* nor *churn_rates* given.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"nps": [9, 8, 4], "umsatz": [300.0, 200.0, 150.0]})
    >>> r = value_at_stake(d, nps="nps", value="umsatz",
    ...                    churn_rates={"promoter": 0.1, "passive": 0.2, "detractor": 0.4})
    >>> r["value_at_stake"].round(2).tolist()
    [45.0, 100.0]
    """
    i18n.check_lang(lang)
    for name, col in (("nps", nps), ("value", value), ("churned", churned)):
        if col is not None and col not in data.columns:
            raise ParameterError(name, col, allowed=list(data.columns))
    frame = data.assign(_group=nps_group(data[nps].to_numpy()).to_numpy()).dropna(subset=["_group", value])
    if churned is not None:
        rates = frame.groupby("_group")[churned].mean().to_dict()
    elif churn_rates is not None:
        rates = dict(churn_rates)
    else:
        raise ParameterError("churned", None, allowed="a 0/1 churn column, or churn_rates per NPS group")
    g = frame.groupby("_group")[value]
    n = g.size().reindex(GROUPS, fill_value=0)
    total, mean = g.sum().reindex(GROUPS, fill_value=0.0), g.mean().reindex(GROUPS)
    excess = float(rates.get("detractor", np.nan) - rates.get("promoter", np.nan))
    at_risk = float(total["detractor"] * max(excess, 0.0))
    uplift = float(mean["promoter"] - mean["passive"])
    money = {k: i18n.format_number(v, lang=lang, decimals=0) for k, v in
             (("promoter", mean["promoter"]), ("passive", mean["passive"]))}
    rows = [
        {"item": "detractors_at_risk", "nps_group": "detractor", "n": int(n["detractor"]),
         "base_value": float(total["detractor"]), "rate": excess, "value_at_stake": at_risk,
         "label": i18n.label("value_detractors_at_risk", lang),
         "assumption": i18n.label("value_assumption_detractors", lang).format(
             **{k: i18n.format_percent(rates.get(k, np.nan), lang=lang, decimals=1)
                for k in ("detractor", "promoter")})},
        {"item": "passives_to_promoters", "nps_group": "passive", "n": int(n["passive"]),
         "base_value": float(total["passive"]), "rate": uplift / mean["passive"] if mean["passive"] else np.nan,
         "value_at_stake": float(n["passive"] * max(uplift, 0.0)),
         "label": i18n.label("value_passives_to_promoters", lang),
         "assumption": i18n.label("value_assumption_passives", lang).format(**money)},
    ]
    return pd.DataFrame(rows, columns=COLUMNS)
