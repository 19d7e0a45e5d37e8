"""Pain-point ranking per phase/touchpoint, each with its evidence.

Four kinds of evidence are combined, each only if available:

* ``low_share``: weighted share of respondents who gave the unit at least one bottom-2-box rating;
* ``mention_share``: share of all respondents with a negatively coded open answer on the unit
  (polarity -1 in the coded-text frame of the coding step);
* ``driver_impact``: the unit's share of explained variance in the outcome (sum of the
  relative weights of its driver questions, in percent);
* ``effect``: how much lower the outcome is for respondents with a low rating (or negative
  mention) of the unit than for the others (weighted means; a negative number hurts).

Each component is scaled to 0-1 by its maximum over units (a negative effect by its largest
magnitude, positive effects count 0). ``score`` is incidence x impact, the priority rule of
problem-impact analysis: incidence is the weighted mean of the scaled low_share and mention_share,
impact that of the scaled driver_impact and effect. A frequent problem that barely matters and an
important touchpoint that almost nobody rates low both rank below a frequent problem that
matters. Example verbatims are passed through ``cjkit.coding.pii.mask_pii`` before they leave this module.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cjkit.coding.pii import mask_pii
from cjkit.errors import ParameterError
from cjkit.stats.drivers import outcome_values
from cjkit.catalog.types import MEAN_SCALE_TYPES
from cjkit.stats.sufficient import scale_ranges, weights_of
from cjkit.stats.base import apply_base_rule, resolve_base_rule

log = logging.getLogger("cjkit.stats.painpoints")
DEFAULT_COMPONENTS = {"low_share": 1.0, "mention_share": 1.0, "driver_impact": 1.0, "effect": 1.0}
CODED_COLUMNS = ("respondent_id", "question", "code", "phase", "touchpoint", "polarity", "evidence")




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


def _unit_ratings(long, level, scales, weight, y):
    """Raters, low raters and effect per unit, on integer codes (fast on millions of rows)."""
    mask = long["value"].notna()
    if "type" in long.columns:
        mask &= long["type"].isin(MEAN_SCALE_TYPES)
    if "role" in long.columns:
        mask &= long["role"].fillna("driver").eq("driver")
    cols = [c for c in dict.fromkeys([*level, "respondent_id", "question", "value", "type", weight])
            if c in long.columns]
    d = long.loc[mask.to_numpy(), cols]
    if d.empty:  # no ratings (e.g. a comments-only file): an empty table indexed like the units
        index = (pd.MultiIndex.from_arrays([[] for _ in level], names=level) if len(level) > 1
                 else pd.Index([], name=level[0]))
        return pd.DataFrame({c: pd.Series(dtype=float) for c in ("n", "n_low", "low_share", "effect")}, index=index)
    low = d["value"].to_numpy(float) <= d["question"].map(scale_ranges(d, scales)["scale_min"]).to_numpy(float) + 1
    unit = d.groupby(level, observed=True, dropna=False, sort=False).ngroup().to_numpy()
    k = int(unit.max()) + 1
    keys = d[level].iloc[np.unique(unit, return_index=True)[1]]
    resp, ids = pd.factorize(d["respondent_id"])
    # one record per (unit, respondent): low if any of the unit's ratings is bottom-2
    pair, pairs = pd.factorize(unit.astype(np.int64) * len(ids) + resp)
    p_unit, p_resp = pairs // len(ids), pairs % len(ids)
    p_low = np.bincount(pair, weights=low, minlength=len(pairs)) > 0
    p_w = np.empty(len(pairs))
    p_w[pair] = weights_of(d, weight)
    sw = np.bincount(p_unit, weights=p_w, minlength=k)
    out = pd.DataFrame({"n": np.bincount(p_unit, minlength=k),
                        "n_low": np.bincount(p_unit, weights=p_low, minlength=k).astype(int),
                        "low_share": np.bincount(p_unit, weights=p_w * p_low, minlength=k) / sw},
                       index=_unit_index(keys, level))
    if y is not None:
        p_y = y.reindex(ids).to_numpy(float)[p_resp]
        out["effect"] = _mean_diff(p_unit, p_low, p_w, p_y, k)
    return out


def _mentions(coded, long, level, weight, y, n_respondents):
    missing = [c for c in CODED_COLUMNS if c not in coded.columns]
    if missing:
        raise ParameterError("coded", missing, allowed=list(CODED_COLUMNS),
                             message=f"coded-text frame lacks column(s) {missing}")
    neg = coded[pd.to_numeric(coded["polarity"], errors="coerce") < 0]
    per = pd.concat([_keys(neg, level), neg[["respondent_id"]]], axis=1).drop_duplicates()
    unit = per.groupby(level, dropna=False).agg(n_mentions=("respondent_id", "nunique"))
    unit["mention_share"] = unit["n_mentions"] / n_respondents
    if y is not None and len(unit):
        # everyone with an outcome: mentioners of the unit against all other respondents
        w = pd.Series(weights_of(long, weight), index=long["respondent_id"].to_numpy())
        w = w[~w.index.duplicated()].reindex(y.index).fillna(1.0).to_numpy()
        code = per.groupby(level, dropna=False, sort=True).ngroup().to_numpy()
        effects = []
        for c in range(int(code.max()) + 1):
            flagged = y.index.isin(per["respondent_id"].to_numpy()[code == c])
            effects.append(_mean_diff(np.zeros(len(y), dtype=np.int64), flagged, w, y.to_numpy(float), 1)[0])
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


def rank_painpoints(long: pd.DataFrame, *, coded: pd.DataFrame | None = None,
                    driver_table: pd.DataFrame | None = None, outcome: str | None = None,
                    by=("phase", "touchpoint"), positive=None, components: dict | None = None, scales=None,
                    weight: str = "weight", n_examples: int = 3, mask=None,
                    min_n=None, suppress_n=None) -> pd.DataFrame:
    """Rank phases/touchpoints by how much they hurt, with the evidence for each.

    Parameters
    ----------
    long : DataFrame
        The long survey frame (driver ratings with phase and touchpoint).
    coded : DataFrame, optional
        Coded open answers (respondent_id, question, code, phase, touchpoint, polarity, evidence).
    driver_table : DataFrame, optional
        Output of :func:`cjkit.stats.drivers.key_drivers` (driver, phase, touchpoint, relative_weight_pct).
    outcome : str, optional
        Outcome question id for ``effect`` (e.g. overall satisfaction).
    positive : str, optional
        For a text-coded outcome, the label counted as 1 (see :func:`cjkit.stats.drivers.outcome_values`).
    by : str or sequence of str
        Unit of the ranking, e.g. ``("phase",)`` or ``("phase", "touchpoint")``.
    components : dict, optional
        Weights of low_share, mention_share, driver_impact, effect in the score (default 1 each).
    n_examples : int
        Example verbatims per unit, PII-masked.
    mask : callable, optional
        Series -> Series masking function; default ``cjkit.coding.pii.mask_pii``.

    Returns
    -------
    DataFrame
        by columns, n, n_low, low_share, n_mentions, mention_share, driver_impact, effect,
        score, rank, basis, examples, flag. ``n`` is the unweighted base of the unit (raters, or
        mentioners where a unit is only mentioned); ``basis`` names the components in the score.

    Examples
    --------
    >>> import cjkit as cj
    >>> long = cj.example_study().long
    >>> kd = cj.key_drivers(long, outcome="overall")
    >>> pains = cj.rank_painpoints(long, driver_table=kd, outcome="overall")  # no coded answers: ratings only
    >>> pains[["phase", "touchpoint", "score", "rank"]].round(3).head(3)
               phase touchpoint  score  rank
    0      retention       room  0.882     1
    1      retention   check_in  0.833     2
    2  consideration    website  0.525     3
    """
    level = [by] if isinstance(by, str) else list(by)  # the unit of the ranking
    missing = [c for c in level if c not in long.columns]
    if missing:
        raise ParameterError("by", missing, allowed=list(long.columns))
    comp = {**DEFAULT_COMPONENTS, **(components or {})}
    unknown = set(comp) - set(DEFAULT_COMPONENTS)
    if unknown:
        raise ParameterError("components", sorted(unknown), allowed=list(DEFAULT_COMPONENTS))
    min_n, suppress_n = resolve_base_rule(min_n, suppress_n)
    y = outcome_values(long, outcome=outcome, positive=positive).dropna() if outcome is not None else None
    units = _unit_ratings(long, level, scales, weight, y)
    n_resp = long["respondent_id"].nunique()
    neg = None
    if coded is not None and len(coded):
        mentions, neg = _mentions(coded, long, level, weight, y, n_resp)
        units = units.join(mentions, how="outer")
        if "mention_effect" in units:
            units["effect"] = units.get("effect", pd.Series(np.nan, index=units.index)).fillna(
                units.pop("mention_effect"))
        units["n"] = units["n"].fillna(units["n_mentions"])
    for col in ("n_low", "low_share", "n_mentions", "mention_share", "effect"):
        if col not in units:
            units[col] = np.nan
    units["n_mentions"] = units["n_mentions"].fillna(0) if coded is not None else np.nan
    units["mention_share"] = units["mention_share"].fillna(0) if coded is not None else np.nan
    units["driver_impact"] = np.nan
    if driver_table is not None and len(driver_table):
        d = driver_table.dropna(subset=["relative_weight_pct"])
        imp = pd.concat([_keys(d, level), d[["relative_weight_pct"]]], axis=1).groupby(
            level, dropna=False)["relative_weight_pct"].sum()
        units["driver_impact"] = imp.reindex(units.index).fillna(0.0)
    scaled = {
        "low_share": units["low_share"],
        "mention_share": units["mention_share"],
        "driver_impact": units["driver_impact"],
        "effect": (-units["effect"]).clip(lower=0),
    }
    # priority = how many are hurt (incidence) x how much it hurts (impact), each the weighted mean of
    # its max-scaled components; a group without any component drops out of the product
    basis, groups = [], []
    for group in (("low_share", "mention_share"), ("driver_impact", "effect")):
        parts, total = 0.0, 0.0
        for name in group:
            s = scaled[name]
            if comp[name] <= 0 or s.isna().all():
                continue
            top = s.max()
            parts = parts + comp[name] * (s / top if top > 0 else s * 0).fillna(0)
            total += comp[name]
            basis.append(name)
        if total:
            groups.append(parts / total)
    units["score"] = np.prod(groups, axis=0) if groups else np.nan
    units["basis"] = "+".join(basis)
    units = units.reset_index()
    units["examples"] = pd.Series(pd.NA, index=units.index, dtype="string")
    if neg is not None and n_examples > 0 and not neg.empty:
        ex = _examples(neg, long, level, n_examples, mask or mask_pii)
        if len(ex):
            units = units.drop(columns="examples").merge(
                ex.rename("examples").reset_index(), on=level, how="left")
    units["n"] = units["n"].fillna(0).astype(int)
    units = apply_base_rule(units, min_n, suppress_n, estimate_cols=(
        "low_share", "mention_share", "driver_impact", "effect", "score", "examples"))
    units["rank"] = units["score"].rank(ascending=False, method="min").astype("Int64")
    for c in level:  # journey order where the long frame has one
        if isinstance(long[c].dtype, pd.CategoricalDtype):
            units[c] = pd.Categorical(units[c], categories=long[c].cat.categories.astype(str),
                                      ordered=long[c].cat.ordered)
    cols = [*level, "n", "n_low", "low_share", "n_mentions", "mention_share", "driver_impact",
            "effect", "score", "rank", "basis", "examples", "flag"]
    return units.sort_values(["rank", *level], na_position="last", kind="stable")[cols].reset_index(drop=True)
