"""Column tests with letters for banner tables, as SPSS Custom Tables marks them.

Every pair of segment columns of a table row is tested: a two-sample z-test of proportions with
the pooled proportion, or a two-sample t-test of means with the pooled variance of the two
columns. With weights, each column's base is its effective base (Kish),
``n_eff = (sum w)^2 / sum w^2``, its proportion or mean and standard deviation are weighted:

* proportions: ``z = (p_a - p_b) / sqrt(p (1 - p) (1/n_a + 1/n_b))`` with
  ``p = (n_a p_a + n_b p_b) / (n_a + n_b)``;
* means: ``t = (m_a - m_b) / sqrt(s^2 (1/n_a + 1/n_b))`` with
  ``s^2 = ((n_a - 1) s_a^2 + (n_b - 1) s_b^2) / (n_a + n_b - 2)`` on ``n_a + n_b - 2`` degrees of
  freedom, where ``s_a^2 = sum w (x - m_a)^2 / sum w * n_a / (n_a - 1)``.

Without weights these are exactly ``statsmodels.stats.proportion.proportions_ztest`` and the
pooled ``ttest_ind``. The p-values of one row are corrected together (Bonferroni, Holm or
Benjamini-Hochberg). A cell gets the letter of every column it is significantly *higher* than.
A pair is not tested when a column is suppressed by the base rule, or when there is no variance
in either column (``reason`` says so); such a pair never gets a letter.
"""
from __future__ import annotations

import string

import numpy as np
import pandas as pd

from cjkit.errors import ParameterError
from cjkit.stats.base import apply_base_rule, resolve_base_rule
from cjkit.stats.significance import adjust_pvalues

KINDS = ("mean", "proportion")
CORRECTIONS = ("bonferroni", "holm", "bh", "fdr_bh", "none")


def column_letters(n: int) -> list[str]:
    """A, B, ..., Z, AA, AB, ... for *n* columns."""
    letters = list(string.ascii_uppercase)
    return [letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26] for i in range(n)]


def _check(data, value, segment, by, kind, correction, weight):
    for name, col in (("value", value), ("segment", segment), *(("by", b) for b in by)):
        if col not in data.columns:
            raise ParameterError(name, col, allowed=list(data.columns))
    if kind not in KINDS:
        raise ParameterError("kind", kind, allowed=KINDS)
    if correction not in CORRECTIONS:
        raise ParameterError("correction", correction, allowed=CORRECTIONS)
    if weight is not None and weight in data.columns:
        w = pd.to_numeric(data[weight], errors="coerce")
        if (w < 0).any() or w.isna().any():
            raise ParameterError("weight", weight, allowed="a column of non-negative numbers",
                                 message=f"weight column '{weight}' has negative or missing weights")
    if kind == "proportion":
        v = pd.to_numeric(data[value], errors="coerce").dropna()
        if not v.isin([0, 1]).all():
            raise ParameterError("value", value, allowed="0/1 indicators for kind='proportion'",
                                 message=f"column '{value}' has values other than 0 and 1: {sorted(set(v) - {0, 1})[:5]}")


def _cells(data, value, segment, by, weight, levels):
    """Per (row, column): n (positive weights), weighted n, effective n, value, sd."""
    d = data[[*by, segment, value]].copy()
    d["_w"] = pd.to_numeric(data[weight], errors="coerce") if weight is not None and weight in data.columns else 1.0
    d["_x"] = pd.to_numeric(d[value], errors="coerce")
    d = d[d["_x"].notna() & (d["_w"] > 0) & d[segment].notna()]  # a zero weight is no respondent
    d[segment] = d[segment].astype("string")
    d["_wx"], d["_w2"] = d["_w"] * d["_x"], d["_w"] ** 2
    g = d.groupby([*by, segment], dropna=False, observed=True)
    out = g.agg(n=("_x", "size"), n_weighted=("_w", "sum"), _w2=("_w2", "sum"), _wx=("_wx", "sum"))
    out["value"] = out["_wx"] / out["n_weighted"]
    d = d.join(out["value"].rename("_m"), on=[*by, segment])
    d["_ss"] = d["_w"] * (d["_x"] - d["_m"]) ** 2
    out["n_effective"] = out["n_weighted"] ** 2 / out.pop("_w2")
    ne = out["n_effective"]
    var = d.groupby([*by, segment], dropna=False, observed=True)["_ss"].sum() / out["n_weighted"]
    out["sd"] = np.sqrt(var * ne / (ne - 1)).where(ne > 1)
    out = out.drop(columns="_wx").reset_index()
    out[segment] = pd.Categorical(out[segment], categories=levels)
    return out


def _pair_test(a, b, kind):
    """(statistic, dof, p_value, reason) of one pair of columns (rows of the cell table)."""
    from scipy import stats
    na, nb = a["n_effective"], b["n_effective"]
    if kind == "proportion":
        p = (na * a["value"] + nb * b["value"]) / (na + nb)
        var = p * (1 - p) * (1 / na + 1 / nb)
        if not var > 0:
            return np.nan, np.nan, np.nan, "no_variance"
        z = (a["value"] - b["value"]) / np.sqrt(var)
        return z, np.nan, 2 * stats.norm.sf(abs(z)), ""
    dof = na + nb - 2
    if not dof > 0:
        return np.nan, np.nan, np.nan, "too_few"
    s2 = ((na - 1) * a["sd"] ** 2 + (nb - 1) * b["sd"] ** 2) / dof
    if not s2 > 0:
        return np.nan, dof, np.nan, "no_variance"
    t = (a["value"] - b["value"]) / np.sqrt(s2 * (1 / na + 1 / nb))
    return t, dof, 2 * stats.t.sf(abs(t), dof), ""


def column_pairs(cells: pd.DataFrame, *, segment: str, by=(), kind: str = "mean",
                 correction: str = "holm", alpha: float = 0.05) -> pd.DataFrame:
    """Every pair of columns of each row, tested and corrected (see :func:`column_tests`).

    Parameters
    ----------
    cells : DataFrame
        The per-column table of :func:`column_tests` (by columns, segment, letter, n_effective,
        value, sd, flag).
    segment, by, kind, correction, alpha
        As in :func:`column_tests`.

    Returns
    -------
    DataFrame
        by columns, segment_a, segment_b, letter_a, letter_b, value_a, value_b, statistic, dof,
        p_value, p_adjusted, higher (the letter of the higher column if significant, else ""), reason.
    """
    rows = []
    groups = cells.groupby(list(by), dropna=False, observed=True, sort=False) if by else [((), cells)]
    for key, g in groups:
        key = key if isinstance(key, tuple) else (key,)
        g = g.reset_index(drop=True)
        family = []
        for i in range(len(g)):
            for j in range(i + 1, len(g)):
                a, b = g.loc[i], g.loc[j]
                if "suppressed" in (a["flag"], b["flag"]):
                    stat, dof, p, reason = np.nan, np.nan, np.nan, "suppressed"
                else:
                    stat, dof, p, reason = _pair_test(a, b, kind)
                family.append({**dict(zip(by, key)), "segment_a": a[segment], "segment_b": b[segment],
                               "letter_a": a["letter"], "letter_b": b["letter"], "value_a": a["value"],
                               "value_b": b["value"], "statistic": stat, "dof": dof, "p_value": p,
                               "reason": reason})
        if family:
            p_adj = adjust_pvalues([f["p_value"] for f in family],
                                   correction="fdr_bh" if correction == "bh" else correction)
            for f, q in zip(family, p_adj):
                f["p_adjusted"] = q
                f["higher"] = ("" if not q < alpha else f["letter_a"] if f["value_a"] > f["value_b"]
                               else f["letter_b"])
            rows.extend(family)
    cols = [*by, "segment_a", "segment_b", "letter_a", "letter_b", "value_a", "value_b", "statistic", "dof",
            "p_value", "p_adjusted", "higher", "reason"]
    return pd.DataFrame(rows, columns=cols)


def column_tests(data: pd.DataFrame, *, segment: str, value: str = "value", by=(), kind: str = "mean",
                 weight: str | None = "weight", correction: str = "holm", alpha: float = 0.05,
                 min_n=None, suppress_n=None) -> pd.DataFrame:
    """Pairwise column tests with letters, as in SPSS Custom Tables, with effective bases.

    Parameters
    ----------
    data : DataFrame
        One row per respondent (and table row, see *by*) with the segment and the value.
    segment : str
        Column whose levels are the table's columns (A, B, C... in order of the levels; an
        ordered categorical keeps its order, otherwise they are sorted).
    value : str
        The numeric answer (``kind="mean"``) or a 0/1 indicator (``kind="proportion"``).
    by : sequence of str
        Columns identifying a table row (e.g. ``("question",)``); each row is one test family.
    kind : {"mean", "proportion"}
        t-test of means or z-test of proportions.
    weight : str or None
        Weight column; rows with weight 0 are left out (they are no respondents).
    correction : {"bonferroni", "holm", "bh", "fdr_bh", "none"}
        Multiple-testing correction over the pairs of one row (``bh`` = Benjamini-Hochberg).
    alpha : float
        Significance level of the corrected p-values.
    min_n, suppress_n : int, optional
        Base rule on the unweighted base (see :func:`cjkit.stats.base.apply_base_rule`);
        suppressed columns are not tested.

    Returns
    -------
    DataFrame
        by columns, segment, letter, n, n_weighted, n_effective, value, sd, higher_than (the
        letters of the columns this cell is significantly higher than, e.g. ``"AC"``), flag.

    Examples
    --------
    >>> import cjkit as cj
    >>> import pandas as pd
    >>> d = pd.DataFrame({"segment": ["a"] * 40 + ["b"] * 40,
    ...                   "value": [1] * 30 + [0] * 10 + [1] * 15 + [0] * 25})
    >>> cj.column_tests(d, segment="segment", kind="proportion", weight=None)[["segment", "letter", "value", "higher_than"]]
      segment letter  value higher_than
    0       a      A  0.750           B
    1       b      B  0.375
    """
    by = [by] if isinstance(by, str) else list(by)
    _check(data, value, segment, by, kind, correction, weight)
    min_n, suppress_n = resolve_base_rule(min_n, suppress_n)
    seg = data[segment]
    levels = ([str(c) for c in seg.cat.categories] if isinstance(seg.dtype, pd.CategoricalDtype)
              else sorted(seg.dropna().astype(str).unique()))
    cells = _cells(data, value, segment, by, weight, levels)
    letters = dict(zip(levels, column_letters(len(levels))))
    cells["letter"] = cells[segment].astype(str).map(letters)
    cells = apply_base_rule(cells, min_n, suppress_n, estimate_cols=())
    cells = cells.sort_values([*by, segment], kind="stable").reset_index(drop=True)
    pairs = column_pairs(cells, segment=segment, by=by, kind=kind, correction=correction, alpha=alpha)
    won = pairs[pairs["higher"] != ""]
    won = won.assign(winner=np.where(won["higher"] == won["letter_a"], won["segment_a"], won["segment_b"]),
                     loser=np.where(won["higher"] == won["letter_a"], won["letter_b"], won["letter_a"]))
    higher = won.groupby([*by, "winner"], dropna=False, observed=True)["loser"].agg(lambda s: "".join(sorted(s)))
    key = (pd.MultiIndex.from_frame(cells[[*by, segment]].astype({segment: str})) if by
           else pd.Index(cells[segment].astype(str)))
    cells["higher_than"] = higher.reindex(key).fillna("").to_numpy() if len(higher) else ""
    suppressed = cells["flag"] == "suppressed"
    cells.loc[suppressed, ["value", "sd"]] = np.nan
    cells[segment] = cells[segment].astype(str)
    return cells[[*by, segment, "letter", "n", "n_weighted", "n_effective", "value", "sd", "higher_than", "flag"]]
