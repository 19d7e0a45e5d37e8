"""Weighted sufficient statistics per table cell: the basis of every metric and every test.

One pass over the long frame gives per cell the unweighted base (answers with a positive
weight: a weight of 0 takes a respondent out of the estimate, so out of the base), the weighted sums
(``s_w``, ``s_w2``, ``s_wx``, ``s_wx2``) and the weighted counts of top/bottom boxes and NPS
groups; metrics and significance tests are computed from these sums only.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cjkit.catalog.types import SCALE_TYPES
from cjkit.errors import DataError, ParameterError

log = logging.getLogger("cjkit.stats.sufficient")

METRIC_NAMES = ("mean", "top2", "bottom2", "nps", "promoters", "passives", "detractors", "index")
_SUMS = ("n", "n_missing", "s_w", "s_w2", "s_wx", "s_wx2", "s_top", "s_bottom", "s_prom",
         "s_pass", "s_det")


def weights_of(long: pd.DataFrame, weight: str = "weight") -> np.ndarray:
    """The weight column as float array (1.0 if absent); negative, missing or all-zero weights raise DataError.

    Parameters
    ----------
    long : DataFrame
        Rows to weight.
    weight : str
        Weight column; without it every row weighs 1.

    Returns
    -------
    numpy.ndarray of float
        One weight per row.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.sufficient import weights_of
    >>> weights_of(pd.DataFrame({"value": [1.0, 2.0]})).tolist()
    [1.0, 1.0]
    """
    if weight is None or weight not in long.columns:
        return np.ones(len(long))
    w = pd.to_numeric(long[weight], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"weights must be finite and >= 0; got {long[weight].iloc[i]!r} "
                        f"({bad.sum()} bad rows)", row=i + 1, column=weight)
    if len(w) and not (w > 0).any():
        raise DataError(f"all {len(w)} weights are 0; nothing can be estimated (check the weighting "
                        "or the filter that was applied)", column=weight)
    return w


def scale_ranges(d: pd.DataFrame, scales) -> pd.DataFrame:
    """Per question scale (min, max): given, fixed 0-10 for NPS, else observed range (logged).

    Parameters
    ----------
    d : DataFrame
        Long rows with question, value and (optionally) type.
    scales : dict, optional
        ``{question: (min, max)}``; these win over everything else.

    Returns
    -------
    DataFrame
        Index question; columns scale_min, scale_max.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.sufficient import scale_ranges
    >>> d = pd.DataFrame({"question": ["sat", "sat", "rec"], "type": ["csat", "csat", "nps"],
    ...                   "value": [2.0, 4.0, 9.0]})
    >>> scale_ranges(d, {"sat": (1, 5)})
              scale_min  scale_max
    question
    rec             0.0       10.0
    sat             1.0        5.0
    """
    obs = d.groupby("question", observed=True)["value"].agg(["min", "max"])
    types = d.groupby("question", observed=True)["type"].first() if "type" in d.columns else None
    out = obs.rename(columns={"min": "scale_min", "max": "scale_max"})
    if types is not None:
        nps = types.reindex(out.index).astype(str).eq("nps").to_numpy()
        out.loc[nps, ["scale_min", "scale_max"]] = [0.0, 10.0]
    for q, (lo, hi) in (scales or {}).items():
        if q in out.index:
            out.loc[q, ["scale_min", "scale_max"]] = [float(lo), float(hi)]
    inferred = [q for q in out.index if q not in (scales or {}) and not (types is not None and str(types.get(q)) == "nps")]
    if inferred:  # top/bottom-2-box depend on it: an unused top category would shift the box
        log.info("scale range inferred from the observed answers for %s; pass scales= (or use the "
                 "spec's scales) to fix it", ", ".join(map(str, inferred[:5])) + (" ..." if len(inferred) > 5 else ""))
    return out


def select(long: pd.DataFrame, questions=None, types=None, roles=None) -> pd.DataFrame:
    """Rows of the numeric questions to measure (by id, type and/or role).

    Parameters
    ----------
    long : DataFrame
        The long survey frame.
    questions : list of str, optional
        Keep these question ids (unknown ids raise :class:`~cjkit.errors.ParameterError`).
    types : list of str, optional
        Without *questions*: keep these question types; default the rating scales and NPS.
    roles : list of str, optional
        Keep only these spec roles.

    Returns
    -------
    DataFrame
        The selected rows (missing answers included; the statistics count them).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.sufficient import select
    >>> f = pd.DataFrame({"question": ["a", "b"], "type": ["csat", "open"], "value": [4.0, None]})
    >>> select(f)["question"].tolist()
    ['a']
    """
    if "question" not in long.columns or "value" not in long.columns:
        raise ParameterError("long", "frame", message="the long frame needs 'question' and 'value' columns")
    mask = pd.Series(True, index=long.index)
    if questions is not None:
        questions = [questions] if isinstance(questions, str) else list(questions)
        unknown = sorted(set(questions) - set(long["question"].unique()))
        if unknown:
            raise ParameterError("questions", unknown, allowed="question ids in the long frame")
        mask &= long["question"].isin(questions)
    elif "type" in long.columns:
        mask &= long["type"].isin(types or SCALE_TYPES)
    if roles is not None and "role" in long.columns:
        mask &= long["role"].isin([roles] if isinstance(roles, str) else list(roles))
    return long.loc[mask]


def unit_rows(long: pd.DataFrame, by=("question",), *, questions=None, types=None, roles=None,
              scales=None, weight: str = "weight") -> tuple[pd.DataFrame, list]:
    """The answers behind each cell, one row per respondent and cell (an index when "question"
    is not in *by*), with the weight ``_w`` and the scale range; and the cell columns.

    Parameters
    ----------
    long : DataFrame
        The long survey frame.
    by : sequence of str
        Cell columns.
    questions, types, roles, scales, weight
        As in :func:`group_stats`.

    Returns
    -------
    (DataFrame, list of str)
        The unit rows and the cell key columns.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.sufficient import unit_rows
    >>> f = pd.DataFrame({"respondent_id": ["a", "b"], "question": "q", "type": "csat", "value": [4.0, 2.0]})
    >>> unit_rows(f)[1]
    ['question']
    """
    by = [by] if isinstance(by, str) else list(by)
    missing = [c for c in by if c not in long.columns]
    if missing:
        raise ParameterError("by", missing, allowed=list(long.columns))
    d = select(long, questions, types, roles)
    cols = list(dict.fromkeys([*by, "question", "respondent_id", "value"]
                              + [c for c in ("type",) if c in d.columns]))
    d = d[cols].assign(_w=weights_of(d, weight))
    sc = scale_ranges(d, scales)
    d = d.join(sc, on="question")
    # a single question needs no index: report it as itself
    index = "question" not in by and d["question"].nunique() > 1
    if index:
        span = (d["scale_max"] - d["scale_min"]).replace(0, np.nan)
        d["value"] = (d["value"] - d["scale_min"]) / span * 100
        # one index value per respondent and cell; a respondent with no valid answer is missing
        d = d.groupby([*by, "respondent_id"], observed=True, dropna=False, sort=False).agg(
            value=("value", "mean"), _w=("_w", "first")).reset_index()
        d["scale_min"], d["scale_max"], d["type"] = 0.0, 100.0, "index"
    keys = by if index else list(dict.fromkeys([*by, "question"]))
    return d, keys


def group_stats(long: pd.DataFrame, by=("question",), *, questions=None, types=None, roles=None,
                scales=None, weight: str = "weight") -> pd.DataFrame:
    """Weighted sufficient statistics per cell (the basis of every metric and test).

    If ``"question"`` is not in *by*, each respondent's answers within a cell are first
    rescaled to 0-100 and averaged (an index), so each respondent counts once.

    Parameters
    ----------
    long : DataFrame
        The long survey frame.
    by : sequence of str
        Cell columns.
    questions, types, roles : list of str, optional
        Row selection as in :func:`select`.
    scales : dict, optional
        ``{question: (min, max)}``; see :func:`scale_ranges`.
    weight : str
        Weight column.

    Returns
    -------
    DataFrame
        by columns, n, n_missing, s_w, s_w2, s_wx, s_wx2, s_top, s_bottom, s_prom, s_pass, s_det,
        scale_min, scale_max, kind ("scale" | "nps" | "index"), n_weighted, n_effective.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.sufficient import group_stats
    >>> f = pd.DataFrame({"respondent_id": ["a", "b"], "question": "q", "type": "csat",
    ...                   "value": [4.0, 2.0], "weight": [1.0, 3.0]})
    >>> group_stats(f)[["n", "s_w", "s_wx", "n_effective"]].iloc[0].tolist()
    [2.0, 4.0, 10.0, 1.6]
    """
    d, keys = unit_rows(long, by, questions=questions, types=types, roles=roles, scales=scales, weight=weight)
    index = keys != list(dict.fromkeys([*keys, "question"]))
    x = d["value"].to_numpy(dtype=float)
    if np.isinf(x).any():
        i = int(np.flatnonzero(np.isinf(x))[0])
        raise DataError(f"answer {x[i]} to question '{d['question'].iloc[i]}' is infinite; recode it as "
                        "missing", row=i + 1, column="value")
    valid = ~np.isnan(x)
    w = np.where(valid, d["_w"].to_numpy(), 0.0)
    if (valid & (w == 0)).any():  # in the data but not in the estimate: not part of the base
        log.info("%d answers with weight 0 do not count toward any base", int((valid & (w == 0)).sum()))
    answered, valid = valid, valid & (w > 0)
    xv = np.where(valid, x, 0.0)
    hi, lo = d["scale_max"].to_numpy(), d["scale_min"].to_numpy()
    is_nps = (d["type"].eq("nps").fillna(False).to_numpy(dtype=bool) if "type" in d.columns
              else np.zeros(len(d), bool))
    sums = pd.DataFrame({
        "n": valid.astype(np.int64), "n_missing": (~answered).astype(np.int64),
        "s_w": w, "s_w2": w * w, "s_wx": w * xv, "s_wx2": w * xv * xv,
        "s_top": w * (xv >= hi - 1), "s_bottom": w * (xv <= lo + 1),
        "s_prom": w * (is_nps & (xv >= 9)), "s_pass": w * (is_nps & (xv >= 7) & (xv <= 8)),
        "s_det": w * (is_nps & (xv <= 6)),
        "scale_min": lo, "scale_max": hi, "is_nps": is_nps,
    }, index=d.index)
    g = sums.groupby([d[k] for k in keys], observed=True, dropna=False, sort=True)
    out = g[list(_SUMS)].sum().join(g[["scale_min", "scale_max", "is_nps"]].first())
    out["kind"] = np.where(index, "index", np.where(out.pop("is_nps").to_numpy(dtype=bool), "nps", "scale"))
    return finish_stats(out.reset_index())


def finish_stats(st: pd.DataFrame) -> pd.DataFrame:
    """Add ``n_weighted`` and the Kish ``n_effective`` to a table of sums.

    Parameters
    ----------
    st : DataFrame
        Table with the weight sums ``s_w`` and ``s_w2``.

    Returns
    -------
    DataFrame
        A copy with ``n_weighted = s_w`` and ``n_effective = s_w^2 / s_w2``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.sufficient import finish_stats
    >>> finish_stats(pd.DataFrame({"s_w": [4.0], "s_w2": [10.0]}))["n_effective"].item()
    1.6
    """
    st = st.copy()
    s_w = st["s_w"].astype(float)
    st["n_weighted"] = s_w
    st["n_effective"] = np.where(st["s_w2"].astype(float) > 0,
                                 s_w ** 2 / st["s_w2"].astype(float).where(lambda s: s > 0), 0.0)
    return st


def estimates_from_stats(st, metric: str) -> dict:
    """Point estimate and unit variance of *metric* from sufficient statistics (frame or row).

    Parameters
    ----------
    st : DataFrame or Series
        Sufficient statistics (:func:`group_stats`), a table or one row.
    metric : str
        mean, top2, bottom2, nps, promoters, passives, detractors or index.

    Returns
    -------
    dict
        ``value`` (the estimate) and ``var`` (variance of one observation, to divide by
        the effective base), arrays for a table, floats for a row.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.sufficient import estimates_from_stats
    >>> st = pd.Series({"s_w": 4.0, "s_top": 1.0})
    >>> float(estimates_from_stats(st, "top2")["value"])
    0.25
    """
    s_w = st["s_w"] if np.ndim(st["s_w"]) else float(st["s_w"])
    with np.errstate(invalid="ignore", divide="ignore"):
        s_w = np.where(np.asarray(s_w, dtype=float) > 0, s_w, np.nan).astype(float)
        if metric in ("mean", "index"):
            m = st["s_wx"] / s_w
            var = np.maximum(st["s_wx2"] / s_w - m ** 2, 0.0)
            return {"value": m, "var": var}
        if metric == "nps":
            pp, pd_ = st["s_prom"] / s_w, st["s_det"] / s_w
            return {"value": 100 * (pp - pd_), "var": 1e4 * (pp + pd_ - (pp - pd_) ** 2)}
        share = {"top2": "s_top", "bottom2": "s_bottom", "promoters": "s_prom",
                 "passives": "s_pass", "detractors": "s_det"}[metric]
        p = st[share] / s_w
        return {"value": p, "var": p * (1 - p)}
