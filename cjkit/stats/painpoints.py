"""Pain-point ranking per phase/touchpoint that agrees with the importance-performance analysis.

Every number is on an absolute scale, computed from the unit alone, so a score means the same in
every segment and every wave (nothing is divided by the largest value of a run):

* ``low_share`` (incidence): weighted share of the unit's raters with at least one bottom-2-box
  rating (dissatisfied);
* ``performance``: weighted mean rating on the 0-100 index, ``100 * (x - min) / (max - min)``;
  ``gap = target - performance`` in index points (default target 75 = "satisfied", 4 on 1-5);
* ``mention_share``: weighted share of all respondents with a negatively coded open answer on
  the unit's touchpoint (a mention counts for the phase where the touchpoint is rated, so a
  Wi-Fi complaint is a Wi-Fi pain point whatever phase the text was coded to);
* ``driver_impact`` (signed derived importance): sum over the unit's drivers of
  ``sign(coef) * relative_weight * 100``, the percent of the outcome's variance the driver
  explains, negative when higher ratings go with a *worse* outcome;
* ``effect``: weighted mean outcome of the dissatisfied (or mentioners) minus the others.

``score = low_share * max(driver_impact, 0)``: how many are dissatisfied times how much the
touchpoint moves the outcome. A unit is a pain point (and gets a ``rank``) only when its
``status`` is ``fix_first`` (a driver in the IPA quadrant "fix first", the same IPA as the
report's chart) or ``raised_unprompted``, the one exception: a unit the driver model cannot place
(no rating in it) or places in "low priority", which at least ``min_mention_share`` of all
respondents (and at least ``min_n``) complain about in their own words. Pain points are ranked by
score, then by mention share; the other units stay in the table with their status and no rank.
Example verbatims are passed through ``cjkit.privacy.pii.mask_pii`` before they leave this module.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cjkit.catalog import i18n
from cjkit.catalog.types import MEAN_SCALE_TYPES
from cjkit.privacy.pii import mask_pii
from cjkit.errors import ParameterError
from cjkit.stats.base import apply_base_rule, resolve_base_rule
from cjkit.stats.drivers import outcome_values
from cjkit.stats.ipa import importance_performance
from cjkit.stats.metrics import metrics
from cjkit.stats.sufficient import scale_ranges, weights_of

log = logging.getLogger("cjkit.stats.painpoints")
CODED_COLUMNS = ("respondent_id", "question", "code", "phase", "touchpoint", "polarity", "evidence")
PAIN_STATUSES = ("fix_first", "raised_unprompted")
DEFAULT_TARGET = 75.0
DEFAULT_MIN_MENTION_SHARE = 0.05


def _keys(frame: pd.DataFrame, level) -> pd.DataFrame:
    """Unit keys as plain strings so that long and coded frames join whatever their dtypes."""
    return frame[level].astype("string")


def _mean_diff(unit, flagged, w, y, k):
    """Per unit code: weighted mean of *y* where flagged minus where not (NaN y left out)."""
    ok = ~np.isnan(y)

    def wmean(sel):
        sw = np.bincount(unit[sel], weights=w[sel], minlength=k)
        swy = np.bincount(unit[sel], weights=(w * y)[sel], minlength=k)
        return np.divide(swy, sw, out=np.full(k, np.nan), where=sw > 0)
    return wmean(ok & flagged) - wmean(ok & ~flagged)


def _unit_index(keys: pd.DataFrame, level) -> pd.Index:
    keys = keys.astype("string")
    return pd.MultiIndex.from_frame(keys) if len(level) > 1 else pd.Index(keys[level[0]], name=level[0])


def _empty_index(level) -> pd.Index:
    return (pd.MultiIndex.from_arrays([[] for _ in level], names=level) if len(level) > 1
            else pd.Index([], name=level[0], dtype="string"))


def _unit_ratings(long, level, scales, weight, y):
    """Raters, dissatisfied, performance index and effect per unit (integer codes: fast on millions of rows)."""
    mask = long["value"].notna()
    if "type" in long.columns:
        mask &= long["type"].isin(MEAN_SCALE_TYPES)
    if "role" in long.columns:
        mask &= long["role"].fillna("driver").eq("driver")
    cols = [c for c in dict.fromkeys([*level, "respondent_id", "question", "value", "type", weight])
            if c in long.columns]
    d = long.loc[mask.to_numpy(), cols]
    names = ("n", "n_low", "low_share", "performance", "effect")
    if d.empty:  # no ratings (e.g. a comments-only file): an empty table indexed like the units
        return pd.DataFrame({c: pd.Series(dtype=float) for c in names}, index=_empty_index(level))
    ranges = scale_ranges(d, scales)
    lo = d["question"].map(ranges["scale_min"]).to_numpy(float)
    hi = d["question"].map(ranges["scale_max"]).to_numpy(float)
    v = d["value"].to_numpy(float)
    low = v <= lo + 1
    index = 100 * (v - lo) / np.where(hi > lo, hi - lo, np.nan)
    row_w = weights_of(d, weight)
    unit = d.groupby(level, observed=True, dropna=False, sort=False).ngroup().to_numpy()
    k = int(unit.max()) + 1
    keys = d[level].iloc[np.unique(unit, return_index=True)[1]]
    resp, ids = pd.factorize(d["respondent_id"])
    # one record per (unit, respondent): dissatisfied if any of the unit's ratings is bottom-2
    pair, pairs = pd.factorize(unit.astype(np.int64) * len(ids) + resp)
    p_unit, p_resp = pairs // len(ids), pairs % len(ids)
    p_low = np.bincount(pair, weights=low, minlength=len(pairs)) > 0
    p_w = np.empty(len(pairs))
    p_w[pair] = row_w
    sw = np.bincount(p_unit, weights=p_w, minlength=k)
    ok = ~np.isnan(index)
    perf_w = np.bincount(unit[ok], weights=row_w[ok], minlength=k)
    out = pd.DataFrame({"n": np.bincount(p_unit, minlength=k),
                        "n_low": np.bincount(p_unit, weights=p_low, minlength=k).astype(int),
                        "low_share": np.bincount(p_unit, weights=p_w * p_low, minlength=k) / sw,
                        "performance": np.divide(np.bincount(unit[ok], weights=(row_w * index)[ok], minlength=k),
                                                 perf_w, out=np.full(k, np.nan), where=perf_w > 0)},
                       index=_unit_index(keys, level))
    out["effect"] = np.nan
    if y is not None:
        p_y = y.reindex(ids).to_numpy(float)[p_resp]
        out["effect"] = _mean_diff(p_unit, p_low, p_w, p_y, k)
    return out


def _attribute(neg: pd.DataFrame, rated: pd.Index, level) -> pd.DataFrame:
    """Re-key mentions of a touchpoint rated in exactly one unit to that unit: the touchpoint
    the text is about decides, not the phase the coder guessed for the text."""
    if "touchpoint" not in level or len(level) == 1 or not len(rated):
        return neg
    units = rated.to_frame(index=False).astype("string").drop_duplicates()
    single = units.groupby("touchpoint").filter(lambda g: len(g) == 1).set_index("touchpoint")
    neg = neg.copy()
    tp = neg["touchpoint"].astype("string")
    for col in level:
        if col != "touchpoint":
            home = tp.map(single[col])
            neg[col] = home.where(home.notna(), neg[col].astype("string"))
    return neg


def _mentions(coded, long, level, weight, y, rated):
    missing = [c for c in CODED_COLUMNS if c not in coded.columns]
    if missing:
        raise ParameterError("coded", missing, allowed=list(CODED_COLUMNS),
                             message=f"coded-text frame lacks column(s) {missing}")
    neg = _attribute(coded[pd.to_numeric(coded["polarity"], errors="coerce") < 0], rated, level)
    per = pd.concat([_keys(neg, level), neg[["respondent_id"]].astype("string")], axis=1).drop_duplicates()
    resp_w = pd.Series(weights_of(long, weight), index=long["respondent_id"].astype("string").to_numpy())
    resp_w = resp_w[~resp_w.index.duplicated()]
    per = per.assign(_w=per["respondent_id"].map(resp_w).fillna(1.0).to_numpy())
    unit = per.groupby(level, dropna=False).agg(n_mentions=("respondent_id", "nunique"), _w=("_w", "sum"))
    unit["mention_share"] = unit.pop("_w") / resp_w.sum()
    if y is not None and len(unit):
        # everyone with an outcome: mentioners of the unit against all other respondents
        yi = y.copy()
        yi.index = yi.index.astype("string")
        w = resp_w.reindex(yi.index).fillna(1.0).to_numpy()
        code = per.groupby(level, dropna=False, sort=True).ngroup().to_numpy()
        effects = []
        for c in range(int(code.max()) + 1):
            flagged = yi.index.isin(per["respondent_id"].to_numpy()[code == c])
            effects.append(_mean_diff(np.zeros(len(yi), dtype=np.int64), flagged, w, yi.to_numpy(float), 1)[0])
        unit["mention_effect"] = effects
    return unit, neg


def _examples(neg, long, level, n_examples, mask):
    if neg.empty or n_examples <= 0:
        return pd.Series(dtype="string")
    neg = neg.assign(**{c: _keys(neg, [c])[c] for c in level})
    text = neg["evidence"].astype("string")
    if "text" in long.columns:  # prefer the whole answer over the matched span
        full = long.dropna(subset=["text"]).drop_duplicates(["respondent_id", "question"]).set_index(
            ["respondent_id", "question"])["text"]
        idx = pd.MultiIndex.from_frame(neg[["respondent_id", "question"]].astype("object"))
        text = pd.Series(full.reindex(idx).to_numpy(), index=neg.index).astype("string").fillna(text)
    if "confidence" in neg.columns:
        neg = neg.sort_values("confidence", ascending=False, kind="stable")
    picked = neg.assign(_text=text).dropna(subset=["_text"]).drop_duplicates([*level, "_text"])
    picked = picked.groupby(level, dropna=False, sort=False).head(n_examples)
    masked = pd.Series(mask(picked["_text"].reset_index(drop=True)), dtype="string").to_numpy()
    picked = picked.assign(_text=masked)
    return picked.groupby(level, dropna=False)["_text"].agg(lambda s: " | ".join(s))


def _signed_importance(driver_table: pd.DataFrame) -> pd.Series:
    """Per driver: sign of the coefficient x relative weight x 100 (percent of outcome variance)."""
    d = driver_table
    if "relative_weight" in d.columns:
        rw = d["relative_weight"].astype(float)
    elif {"relative_weight_pct", "r2"} <= set(d.columns):
        rw = d["relative_weight_pct"].astype(float) * d["r2"].astype(float) / 100
    else:
        raise ParameterError("driver_table", sorted(d.columns), allowed=["relative_weight", "relative_weight_pct + r2"],
                             message="driver_table needs relative_weight (or relative_weight_pct and r2), "
                                     "as returned by key_drivers")
    sign = (d["sign"] if "sign" in d.columns else np.sign(d["coef"]) if "coef" in d.columns
            else pd.Series(1.0, index=d.index)).astype(float).fillna(1.0)
    return pd.Series((sign.where(sign != 0, 1.0) * rw * 100).to_numpy(), index=d["driver"].to_numpy())


def _unit_quadrants(long, driver_table, level, weight, split, min_n, suppress_n, scales):
    """The IPA of the report (same drivers, same performance metric, same cross-hairs), per unit:
    fix_first if any of the unit's drivers is, else the quadrant of its most important driver."""
    perf = metrics(long, by=["question"], questions=list(driver_table["driver"]), metrics=["mean"],
                   weight=weight, scales=scales, min_n=min_n, suppress_n=suppress_n)
    q = importance_performance(driver_table, perf, split=split, lang="en", min_n=min_n, suppress_n=suppress_n)
    q = pd.concat([_keys(driver_table, level).reset_index(drop=True),
                   q[["importance", "quadrant"]].reset_index(drop=True)], axis=1).dropna(subset=["quadrant"])
    q = q.assign(_fix=q["quadrant"].eq("fix_first")).sort_values(["_fix", "importance"], ascending=False)
    return q.groupby(level, dropna=False)["quadrant"].first()


_NO_KEY = "\x00none"


def _marked(frame: pd.DataFrame, level: list) -> pd.DataFrame:
    """*frame* with missing unit keys replaced by a marker (only where a key is missing)."""
    cols = [c for c in level if c in frame.columns and frame[c].isna().any()]
    if not cols:
        return frame
    return frame.assign(**{c: frame[c].astype(object).where(frame[c].notna(), _NO_KEY) for c in cols})


def rank_painpoints(long: pd.DataFrame, *, coded: pd.DataFrame | None = None,
                    driver_table: pd.DataFrame | None = None, outcome: str | None = None,
                    by=("phase", "touchpoint"), positive=None, scales=None, weight: str = "weight",
                    n_examples: int = 3, mask=None, min_n=None, suppress_n=None,
                    target: float = DEFAULT_TARGET, min_mention_share: float = DEFAULT_MIN_MENTION_SHARE,
                    split=("mean", "mean")) -> pd.DataFrame:
    """Rank phases/touchpoints by how much they hurt, consistent with the importance-performance analysis.

    The formula is in the module docstring and, in words for a methods appendix, in
    :func:`painpoint_method`.

    Parameters
    ----------
    long : DataFrame
        The long survey frame (driver ratings with phase and touchpoint).
    coded : DataFrame, optional
        Coded open answers (respondent_id, question, code, phase, touchpoint, polarity, evidence).
    driver_table : DataFrame, optional
        Output of :func:`cjkit.stats.drivers.key_drivers` (driver, phase, touchpoint, relative_weight, sign).
    outcome : str, optional
        Outcome question id for ``effect`` (e.g. overall satisfaction).
    by : str or sequence of str
        Unit of the ranking, e.g. ``("phase",)`` or ``("phase", "touchpoint")``.
    positive : str, optional
        For a text-coded outcome, the label counted as 1 (see :func:`cjkit.stats.drivers.outcome_values`).
    scales : dict, optional
        ``{question: (min, max)}`` for the bottom-2 box and the 0-100 index.
    weight : str
        Weight column.
    n_examples : int
        Example verbatims per unit, PII-masked.
    mask : callable, optional
        Series -> Series masking function; default ``cjkit.privacy.pii.mask_pii``.
    min_n, suppress_n : int, optional
        Base rule on ``n`` (see :func:`cjkit.stats.base.apply_base_rule`).
    target : float
        Target on the 0-100 index for ``gap`` (default 75: "satisfied", 4 on a 1-5 scale).
    min_mention_share : float
        Share of all respondents with a negative mention from which a unit outside "fix first"
        counts as ``raised_unprompted`` (default 0.05).
    split : (importance_split, performance_split)
        IPA cross-hairs, as in :func:`cjkit.stats.ipa.importance_performance`.

    Returns
    -------
    DataFrame
        by columns, n, n_low, low_share, performance, gap, n_mentions, mention_share,
        driver_impact, effect, quadrant, status, score, rank, basis, examples, flag; pain points
        first (by rank), then the other units by score. ``rank`` is set for pain points only.

    Examples
    --------
    >>> import cjkit as cj
    >>> long = cj.example_study().long
    >>> kd = cj.key_drivers(long, outcome="overall")
    >>> # ratings only; performance cut fixed at 3.5 on the 1-5 scale instead of the mean of the drivers
    >>> pains = cj.rank_painpoints(long, driver_table=kd, outcome="overall", split=("mean", 3.5))
    >>> pains[["touchpoint", "low_share", "driver_impact", "status", "score", "rank"]].round(3)
      touchpoint  low_share  driver_impact             status  score  rank
    0       room      0.196         29.240          fix_first  5.731     1
    1   check_in      0.218         19.939          fix_first  4.354     2
    2    website      0.220          6.448       low_priority  1.416  <NA>
    3    booking      0.190          6.153  possible_overkill  1.172  <NA>
    4       wifi      0.220          5.227       low_priority  1.152  <NA>
    """
    level = [by] if isinstance(by, str) else list(by)  # the unit of the ranking
    missing = [c for c in level if c not in long.columns]
    if missing:
        raise ParameterError("by", missing, allowed=list(long.columns))
    # a unit without a phase (or touchpoint) is one unit whether rated or mentioned: a marker stands
    # in for the missing key so that ratings, mentions and drivers join on it (NaN keys do not)
    dtypes = {c: long[c].dtype for c in level}
    long = _marked(long, level)
    coded = _marked(coded, level) if coded is not None else None
    driver_table = _marked(driver_table, level) if driver_table is not None else None
    if not 0 <= float(min_mention_share) <= 1:
        raise ParameterError("min_mention_share", min_mention_share, allowed="a share between 0 and 1")
    min_n, suppress_n = resolve_base_rule(min_n, suppress_n)
    y = outcome_values(long, outcome=outcome, positive=positive).dropna() if outcome is not None else None
    units = _unit_ratings(long, level, scales, weight, y)
    neg = None
    if coded is not None and len(coded):
        mentions, neg = _mentions(coded, long, level, weight, y, units.index)
        units = units.join(mentions, how="outer")
        if "mention_effect" in units:
            units["effect"] = units["effect"].fillna(units.pop("mention_effect"))
        units["n"] = units["n"].fillna(units["n_mentions"])
    for col in ("n_mentions", "mention_share"):
        units[col] = units[col].fillna(0) if col in units else (0.0 if coded is not None else np.nan)
    units["gap"] = float(target) - units["performance"]
    units["driver_impact"] = np.nan
    units["quadrant"] = pd.Series(pd.NA, index=units.index, dtype="string")
    if driver_table is not None and len(driver_table):
        dt = driver_table[driver_table["driver"].notna()].reset_index(drop=True)
        imp = _signed_importance(dt)
        per_unit = pd.concat([_keys(dt, level), pd.Series(imp.to_numpy(), name="imp")], axis=1).groupby(
            level, dropna=False)["imp"].sum(min_count=1)
        units["driver_impact"] = per_unit.reindex(units.index)
        units["quadrant"] = _unit_quadrants(long, dt, level, weight, split, min_n, suppress_n, scales).reindex(
            units.index).astype("string")
    units["score"] = units["low_share"] * units["driver_impact"].clip(lower=0)
    status = units["quadrant"].fillna("no_position").astype(object)
    status[units["driver_impact"] < 0] = "negative_direction"
    unprompted = (status.isin(["no_position", "low_priority"]) & (units["mention_share"] >= min_mention_share)
                  & (units["n_mentions"] >= max(min_n, 1)))
    status[unprompted] = "raised_unprompted"
    units["status"] = status
    units["basis"] = "+".join(c for c in ("low_share", "mention_share", "driver_impact", "effect")
                              if units[c].notna().any())
    units = units.reset_index()
    units["examples"] = pd.Series(pd.NA, index=units.index, dtype="string")
    if neg is not None and n_examples > 0 and not neg.empty:
        ex = _examples(neg, long, level, n_examples, mask or mask_pii)
        if len(ex):
            units = units.drop(columns="examples").merge(ex.rename("examples").reset_index(), on=level, how="left")
    units["n"] = units["n"].fillna(0).astype(int)
    units = apply_base_rule(units, min_n, suppress_n, estimate_cols=(
        "low_share", "performance", "gap", "mention_share", "driver_impact", "effect", "score", "examples"))
    units.loc[units["flag"] == "suppressed", "status"] = "suppressed"
    pain = units["status"].isin(PAIN_STATUSES)
    order = units[pain].sort_values(["score", "mention_share", "low_share"], ascending=False,
                                    na_position="last", kind="stable").index
    units["rank"] = pd.Series(pd.NA, index=units.index, dtype="Int64")
    units.loc[order, "rank"] = np.arange(1, len(order) + 1)
    units["_pain"] = pain
    for c in level:  # journey order where the long frame has one; the marker back to missing
        units[c] = units[c].astype(object).mask(units[c].astype(object) == _NO_KEY)
        if isinstance(dtypes[c], pd.CategoricalDtype):
            units[c] = pd.Categorical(units[c], categories=dtypes[c].categories.astype(str),
                                      ordered=dtypes[c].ordered)
    units = units.sort_values(["_pain", "rank", "score", "mention_share"], ascending=[False, True, False, False],
                              na_position="last", kind="stable")
    cols = [*level, "n", "n_low", "low_share", "performance", "gap", "n_mentions", "mention_share",
            "driver_impact", "effect", "quadrant", "status", "score", "rank", "basis", "examples", "flag"]
    return units[cols].reset_index(drop=True)


def painpoint_method(lang: str = "de", *, target: float = DEFAULT_TARGET,
                     min_mention_share: float = DEFAULT_MIN_MENTION_SHARE) -> str:
    """The pain-point formula in words, for a report's methods appendix.

    Parameters
    ----------
    lang : {"de", "en"}
        Language of the text.
    target : float
        Target on the 0-100 index, as given to :func:`rank_painpoints`.
    min_mention_share : float
        Threshold of the exception rule, as given to :func:`rank_painpoints`.

    Returns
    -------
    str
        One paragraph per element of the method, separated by blank lines.

    Examples
    --------
    >>> import cjkit as cj
    >>> print(cj.painpoint_method(lang="en").split("\\n\\n")[0])
    Score = share dissatisfied x signed derived importance. Share dissatisfied: weighted share of the raters of a touchpoint who gave a bottom-2-box rating (e.g. 1 or 2 on a 1-5 scale).
    """
    i18n.check_lang(lang)
    values = {"target": i18n.format_number(target, lang=lang, decimals=0),
              "share": i18n.format_percent(min_mention_share, lang=lang, decimals=0)}
    keys = ("painpoint_method_score", "painpoint_method_importance", "painpoint_method_gap",
            "painpoint_method_mentions", "painpoint_method_rule", "painpoint_method_exception")
    return "\n\n".join(i18n.label(k, lang).format(**values) for k in keys)
