"""Importance-performance analysis (Martilla & James 1977) with derived importance.

Importance comes from the key-driver analysis (share of R^2 by relative weights by default),
performance from the satisfaction metrics (mean score by default). The cross-hairs are the
mean (or median) of the plotted points, or fixed values, and each driver falls into one of
four quadrants, labelled in German and English.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cjkit.catalog import i18n
from cjkit.errors import ParameterError
from cjkit.stats.base import apply_base_rule, resolve_base_rule
from cjkit.stats.drivers import key_drivers
from cjkit.stats.metrics import metrics
from cjkit.stats.quadrants import QUADRANTS  # noqa: F401 (public here too)

_FLAG_ORDER = {"": 0, "low_base": 1, "suppressed": 2}


def _cut(values: pd.Series, split, name: str) -> float:
    if isinstance(split, (int, float)) and not isinstance(split, bool):
        return float(split)
    if split == "mean":
        return float(values.mean())
    if split == "median":
        return float(values.median())
    raise ParameterError(name, split, allowed=["mean", "median", "a number"])


def importance_performance(driver_table: pd.DataFrame, performance: pd.DataFrame, *,
                           importance: str = "relative_weight_pct", metric: str = "mean",
                           split=("mean", "mean"), lang: str = "de", min_n=None,
                           suppress_n=None) -> pd.DataFrame:
    """Place each driver in an importance-performance quadrant.

    Parameters
    ----------
    driver_table : DataFrame
        Output of :func:`cjkit.stats.drivers.key_drivers` (columns driver, the *importance* column, flag).
    performance : DataFrame
        Output of :func:`cjkit.stats.metrics.metrics` per question (question, metric, value, n, flag).
    importance : str
        Importance column: relative_weight_pct (default), lmg_pct, relative_weight, lmg.
    metric : str
        Performance metric taken from *performance* (mean, top2, ...).
    split : (importance_split, performance_split)
        Each "mean", "median" or a number (e.g. the scale midpoint for performance).
    lang : {"de", "en"}
        Language of ``quadrant_label``.
    min_n, suppress_n : int, optional
        Base rule on the performance base ``n``; the worst of this and the input flags is kept,
        and suppressed drivers get no quadrant and do not move the cross-hairs.

    Returns
    -------
    DataFrame
        driver, phase, touchpoint, importance, performance, importance_cut, performance_cut,
        quadrant, quadrant_label, direction, n, flag. ``direction`` is "negative" for a driver
        with a negative coefficient (column ``sign`` of the driver table): higher ratings go with
        a worse outcome, so its importance is not a reason to improve it.

    Examples
    --------
    >>> import cjkit as cj
    >>> import pandas as pd
    >>> d = pd.DataFrame({"driver": ["a", "b"], "relative_weight_pct": [70.0, 30.0], "flag": ""})
    >>> p = pd.DataFrame({"question": ["a", "b"], "metric": "mean", "value": [3.0, 4.5],
    ...                   "n": 100, "flag": ""})
    >>> cj.importance_performance(d, p, lang="en")["quadrant"].tolist()
    ['fix_first', 'possible_overkill']
    """
    i18n.check_lang(lang)
    if importance not in driver_table.columns:
        raise ParameterError("importance", importance, allowed=[c for c in driver_table.columns if c != "driver"])
    perf = performance[performance["metric"] == metric]
    if perf.empty:
        raise ParameterError("metric", metric, allowed=sorted(performance["metric"].unique()))
    perf = perf[["question", "value", "n", "flag"]].rename(
        columns={"question": "driver", "value": "performance", "flag": "_pflag"})
    meta = [c for c in ("phase", "touchpoint") if c in driver_table.columns]
    extra = [c for c in ("flag", "sign") if c in driver_table.columns]
    out = driver_table[["driver", *meta, importance, *extra]].rename(
        columns={importance: "importance", "flag": "_iflag", "sign": "_sign"}).merge(perf, on="driver", how="left")
    # relative weights are unsigned: say which drivers go with a worse outcome when rated higher
    out["direction"] = (pd.Series(np.where(out["_sign"] < 0, "negative", "positive"), index=out.index)
                        .where(out["_sign"].notna()) if "_sign" in out else pd.Series(pd.NA, index=out.index))
    if out["performance"].isna().all():
        raise ParameterError("performance", "table", message="no performance value matches a driver id")
    for col in ("_iflag", "_pflag"):
        if col not in out:
            out[col] = ""
    ruled = apply_base_rule(out[["n"]].fillna(0), *resolve_base_rule(min_n, suppress_n), estimate_cols=())
    worst = np.maximum.reduce([out["_iflag"].fillna("").map(_FLAG_ORDER).to_numpy(),
                               out["_pflag"].fillna("").map(_FLAG_ORDER).to_numpy(),
                               ruled["flag"].map(_FLAG_ORDER).to_numpy()])
    out["flag"] = pd.Series(worst, index=out.index).map({v: k for k, v in _FLAG_ORDER.items()})
    usable = out["flag"] != "suppressed"
    i_split, p_split = split if isinstance(split, (tuple, list)) else (split, split)
    out["importance_cut"] = _cut(out.loc[usable, "importance"], i_split, "split[0]")
    out["performance_cut"] = _cut(out.loc[usable, "performance"], p_split, "split[1]")
    hi_imp = out["importance"] >= out["importance_cut"]
    hi_perf = out["performance"] >= out["performance_cut"]
    quadrant = np.select([hi_imp & ~hi_perf, hi_imp & hi_perf, ~hi_imp & ~hi_perf],
                         ["fix_first", "keep_up", "low_priority"], "possible_overkill")
    out["quadrant"] = pd.Series(quadrant, index=out.index).where(
        usable & out["importance"].notna() & out["performance"].notna())
    labels = QUADRANTS.set_index("quadrant")[f"label_{lang}"]
    out["quadrant_label"] = out["quadrant"].map(labels)
    cols = ["driver", *meta, "importance", "performance", "importance_cut", "performance_cut",
            "quadrant", "quadrant_label", "direction", "n", "flag"]
    return out[cols]


def ipa(long: pd.DataFrame, *, outcome: str, drivers=None, metric: str = "mean",
        importance: str = "relative_weight_pct", split=("mean", "mean"), lang: str = "de",
        weight: str = "weight", min_n=None, suppress_n=None, method: str = "auto",
        positive=None) -> pd.DataFrame:
    """Run driver analysis and metrics on the long frame, then :func:`importance_performance`.

    Parameters
    ----------
    long : DataFrame
        The long survey frame.
    outcome : str
        Question id of the outcome.
    drivers : list of str, optional
        Driver question ids; default all questions with role ``driver``.
    metric, importance, split, lang, min_n, suppress_n
        As in :func:`importance_performance`.
    weight : str
        Weight column.
    method : {"auto", "ols", "logit", "ordinal"}
        Regression type of the driver analysis (see :func:`cjkit.stats.drivers.key_drivers`).
    positive : str, optional
        For a text-coded outcome, the label counted as 1.

    Returns
    -------
    DataFrame
        As :func:`importance_performance`.

    Examples
    --------
    >>> import cjkit as cj
    >>> from cjkit.stats.ipa import ipa
    >>> long = cj.example_study().long
    >>> ipa(long, outcome="overall", lang="en")[["driver", "quadrant_label"]]
            driver         quadrant_label
    0      tp_room  Keep up the good work
    1  tp_check_in  Keep up the good work
    2   tp_website           Low priority
    3   tp_booking      Possible overkill
    4      tp_wifi           Low priority
    """
    kd = key_drivers(long, outcome=outcome, drivers=drivers, weight=weight, min_n=min_n, suppress_n=suppress_n,
                     method=method, positive=positive)
    perf = metrics(long, by=["question"], questions=list(kd["driver"]), metrics=[metric],
                   weight=weight, min_n=min_n, suppress_n=suppress_n)
    return importance_performance(kd, perf, importance=importance, metric=metric, split=split, lang=lang,
                                  min_n=min_n, suppress_n=suppress_n)
