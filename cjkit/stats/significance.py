"""Significance tests between segments and waves, multiple-testing correction, base-size rule.

Every result table of the measure step passes through :func:`apply_base_rule`, the one place
where the minimum-base rule lives: a cell with an unweighted base ``n < min_n`` is flagged
``"low_base"``, one with ``n < suppress_n`` is flagged ``"suppressed"`` and its estimates are
blanked (the row stays, so nothing disappears from a table silently).

Tests work on the sufficient statistics of :func:`cjkit.stats.metrics.group_stats` (weighted sums),
so weights enter through the Kish effective base ``n_effective``: a weighted mean or share is
tested as if it came from a simple random sample of ``n_effective`` respondents; the base rule
counts the smaller of ``n`` and ``n_effective``.
"""
from __future__ import annotations

import itertools
import logging

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from cjkit.errors import ParameterError
from cjkit.stats.base import apply_base_rule, resolve_base_rule  # noqa: F401 (public here too)
from cjkit.stats.design import SE_METHODS, design_frame, taylor_difference, unit_scores
from cjkit.stats.sufficient import (METRIC_NAMES, estimates_from_stats, finish_stats, group_stats, unit_rows,
                                    weights_of)

log = logging.getLogger("cjkit.stats.significance")

CORRECTIONS = ("holm", "fdr_bh", "bonferroni", "none")
_COMPARE_COLUMNS = ["variable", "group_a", "group_b", "metric", "value_a", "value_b", "difference", "test",
                    "statistic", "dof", "p_value", "p_adjusted", "significant", "n_a", "n_b", "n_effective_a",
                    "n_effective_b", "flag", "note", "n_weighted_a", "n_weighted_b", "design_effect_a",
                    "design_effect_b"]


def adjust_pvalues(p_values, *, correction: str = "holm") -> np.ndarray:
    """Multiple-testing correction that leaves NaN p-values (suppressed tests) out of the family.

    Parameters
    ----------
    p_values : array-like of float
        The p-values of one family of tests; NaN marks a test that was not run.
    correction : {"holm", "fdr_bh", "bonferroni", "none"}
        Holm step-down (family-wise error), Benjamini-Hochberg (false discovery rate),
        Bonferroni, or no correction.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in the input order, NaN where the input is NaN.

    Examples
    --------
    >>> import cjkit as cj
    >>> import numpy as np
    >>> cj.adjust_pvalues([0.01, np.nan, 0.04], correction="holm").round(3).tolist()
    [0.02, nan, 0.04]
    """
    if correction not in CORRECTIONS:
        raise ParameterError("correction", correction, allowed=CORRECTIONS)
    p = np.asarray(p_values, dtype=float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    if correction == "none" or not ok.any():
        out[ok] = p[ok]
        return out
    if correction == "holm":
        # same step-down formula as multipletests(method="holm"), which also runs gc.collect()
        # on every call: 0.1-0.3 s each with a survey frame in memory, once per table cell
        order = np.argsort(p[ok], kind="stable")
        m = order.size
        stepped = np.maximum.accumulate(p[ok][order] * (m - np.arange(m)))
        adj = np.empty(m)
        adj[order] = np.minimum(stepped, 1.0)
        out[ok] = adj
        return out
    out[ok] = multipletests(p[ok], method=correction)[1]
    return out


def _pairs(levels, pairs, reference):
    if pairs == "all":
        return list(itertools.combinations(levels, 2))
    if pairs == "adjacent":
        return list(zip(levels[:-1], levels[1:]))
    if pairs == "reference":
        if reference not in levels:
            raise ParameterError("reference", reference, allowed=levels)
        return [(reference, lv) for lv in levels if lv != reference]
    if pairs == "rest":
        return [(lv, "(rest)") for lv in levels]
    raise ParameterError("pairs", pairs, allowed=["all", "adjacent", "reference", "rest"])


def _two_sided_normal(z):
    return 2 * stats.norm.sf(np.abs(z))


def _test_pair(a: pd.Series, b: pd.Series, metric: str, test: str):
    """Difference b - a and its test from the sufficient statistics of two groups, and a note
    saying why a test could not be run ("" when it could)."""
    with np.errstate(divide="ignore", invalid="ignore"):  # empty/one-person groups give NaN
        va, vb, diff, stat, dof, p = _test_pair_stats(a, b, metric, test, estimates_from_stats)
        ea, eb = estimates_from_stats(a, metric), estimates_from_stats(b, metric)
    return (va, vb, diff, stat, dof, p, *_degenerate(ea, eb, a["n_effective"], b["n_effective"], diff, metric))


def _degenerate(ea, eb, na, nb, diff, metric):
    """Statistic, p-value and note for the cases a z or t statistic cannot handle (else ``None``).

    Without variance in either group the standard error is 0 and the statistic would be
    ``+-inf`` or ``0/0``. Equal values are then no difference (statistic 0, p = 1); different
    values are reported as not testable rather than as a made-up p-value.
    """
    if not (np.isfinite(ea["value"]) and np.isfinite(eb["value"])):
        return None, None, "not testable: a group has no respondents (answers with a positive weight)"
    if metric in ("mean", "index") and min(na, nb) < 2:
        return None, None, "not testable: a group has an effective base below 2"
    scale = max(abs(float(ea["value"])), abs(float(eb["value"])), 1.0)
    tiny = (1e-9 * scale) ** 2  # variances this small are rounding noise of a constant group
    if ea["var"] > tiny or eb["var"] > tiny:
        return None, None, ""
    if abs(diff) <= 1e-9 * scale:
        return 0.0, 1.0, "no variance in either group and equal values: no difference"
    return np.nan, np.nan, "not testable: no variance in either group (every answer the same), values differ"


def _test_pair_stats(a, b, metric, test, estimates_from_stats):
    ea, eb = estimates_from_stats(a, metric), estimates_from_stats(b, metric)
    diff = eb["value"] - ea["value"]
    na, nb = a["n_effective"], b["n_effective"]
    dof = np.nan
    if metric in ("mean", "index"):
        va, vb = ea["var"] / (na - 1), eb["var"] / (nb - 1)
        se = np.sqrt(va + vb)
        stat = diff / se
        dof = (va + vb) ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1))  # Welch-Satterthwaite
        p = 2 * stats.t.sf(abs(stat), dof)
    elif metric == "nps":
        stat = diff / np.sqrt(ea["var"] / na + eb["var"] / nb)
        p = _two_sided_normal(stat)
    else:  # a share: pooled two-proportion z-test; chi2 on the 2x2 table is its square
        pooled = (ea["value"] * na + eb["value"] * nb) / (na + nb)
        z = diff / np.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
        stat, p = (z ** 2, stats.chi2.sf(z ** 2, 1)) if test == "chi2" else (z, _two_sided_normal(z))
        dof = 1.0 if test == "chi2" else np.nan
    return ea["value"], eb["value"], diff, stat, dof, p


def compare_groups(long: pd.DataFrame, *, between: str, by=("question",), metric: str = "mean",
                   test: str = "auto", pairs: str = "all", reference=None, correction: str = "holm",
                   family: str = "by", alpha: float = 0.05, questions=None, scales=None,
                   weight: str = "weight", min_n=None, suppress_n=None, se_method: str = "kish",
                   strata: str | None = None, cluster: str | None = None, fpc=None) -> pd.DataFrame:
    """Test differences of a metric between the levels of a segment or wave column.

    Parameters
    ----------
    long : DataFrame
        The long survey frame.
    between : str
        Column whose levels are compared (a segment such as ``persona``, or ``wave``).
    by : sequence of str
        Table cells within which groups are compared (default per question).
    metric : {"mean", "top2", "bottom2", "nps", "promoters", "passives", "detractors", "index"}
    test : {"auto", "t", "mannwhitney", "z", "chi2"}
        ``auto``: Welch t for means, z for shares, the multinomial z-test for NPS.
        ``mannwhitney`` is rank-based and ignores weights (logged).
    pairs : {"all", "adjacent", "reference", "rest"}
        All pairs, neighbours in level order (waves), each vs ``reference``, or each vs the rest.
    correction : {"holm", "fdr_bh", "bonferroni", "none"}
        Applied within each table cell (``family="by"``) or over the whole table (``"all"``).
    se_method : {"kish", "taylor"}
        ``kish``: the tests above on the Kish effective bases. ``taylor``: a design-based t test
        (test ``"design_t"``) of the difference with its Taylor-linearised standard error and the
        design's degrees of freedom; groups that share strata or clusters get their covariance.
    strata, cluster, fpc : optional
        The sampling design for ``se_method="taylor"`` (see :func:`cjkit.metrics`).

    Returns
    -------
    DataFrame
        by columns, ``variable``, ``group_a``, ``group_b``, ``metric``, ``value_a``, ``value_b``,
        ``difference`` (b - a), ``test``, ``statistic``, ``dof``, ``p_value``, ``p_adjusted``,
        ``significant``, ``n_a``, ``n_b``, ``n_effective_a``, ``n_effective_b``, ``flag``, ``note``
        (why a test was not run, e.g. both groups without variance), ``n_weighted_a``,
        ``n_weighted_b``, ``design_effect_a``, ``design_effect_b`` (Kish, ``n / n_effective``).
        Two groups without variance and equal values give statistic 0 and p = 1; with different
        values the test is "not testable" (p empty, noted) instead of ``t = -inf``.

    Examples
    --------
    >>> import cjkit as cj
    >>> long = cj.example_study().long
    >>> t = cj.compare_groups(long, between="persona", questions=["overall"])
    >>> t[["question", "group_a", "group_b", "difference", "p_value"]].round(3)
      question  group_a group_b  difference  p_value
    0  overall  Familie    Paar       0.367     0.03
    """
    if metric not in METRIC_NAMES:
        raise ParameterError("metric", metric, allowed=METRIC_NAMES)
    if test not in ("auto", "t", "mannwhitney", "z", "chi2"):
        raise ParameterError("test", test, allowed=["auto", "t", "mannwhitney", "z", "chi2"])
    if family not in ("by", "all"):
        raise ParameterError("family", family, allowed=["by", "all"])
    if between not in long.columns:
        raise ParameterError("between", between, allowed=list(long.columns))
    if se_method not in SE_METHODS:
        raise ParameterError("se_method", se_method, allowed=SE_METHODS)
    if se_method == "taylor" and test not in ("auto", "t"):
        raise ParameterError("test", test, allowed=["auto", "t"],
                             message=f"parameter 'test': se_method='taylor' runs a design-based t test, not {test!r}")
    by = [c for c in by if c != between]
    st = group_stats(long, by=[*by, between], questions=questions, scales=scales, weight=weight)
    if st.empty:
        return pd.DataFrame(columns=[*[c for c in by if c != between], "question", *_COMPARE_COLUMNS])
    if test == "auto":
        test = "t" if metric in ("mean", "index") else "z"
    design = None
    if se_method == "taylor":
        test = "design_t"
        units, _ = unit_rows(long, [*by, between], questions=questions, scales=scales, weight=weight)
        design = design_frame(long, strata=strata, cluster=cluster, fpc=fpc)
    col = long[between]
    levels = list(col.cat.categories) if isinstance(col.dtype, pd.CategoricalDtype) \
        else sorted(col.dropna().unique().tolist(), key=str)
    cell_cols = [c for c in st.columns if c in [*by, "question"] and c != between]
    sum_cols = [c for c in st.columns if c.startswith("s_") or c in ("n", "n_missing")]
    rows = []
    for key, cell in (st.groupby(cell_cols, observed=True, dropna=False, sort=False) if cell_cols
                      else [((), st)]):
        key = key if isinstance(key, tuple) else (key,)
        cell = cell.set_index(between)
        present = [lv for lv in levels if lv in cell.index]
        for ga, gb in _pairs(present, pairs, reference):
            a = cell.loc[ga]
            b = cell.loc[gb] if gb != "(rest)" else _rest(cell, ga, sum_cols)
            if gb == "(rest)":
                a, b = b, a  # difference reads "group minus rest"
            row = dict(zip(cell_cols, key), variable=between, group_a=gb if gb == "(rest)" else ga,
                       group_b=ga if gb == "(rest)" else gb, metric=metric, n_a=a["n"], n_b=b["n"],
                       n_effective_a=a["n_effective"], n_effective_b=b["n_effective"])
            note = ""
            if test == "mannwhitney":
                va, vb, diff, stat, dof, p = _mannwhitney(long, dict(zip(cell_cols, key)), between,
                                                          row["group_a"], row["group_b"], a, b, metric)
            elif design is not None:
                va, vb, diff, stat, dof, p, note = _design_pair(units, design, dict(zip(cell_cols, key)), between,
                                                                row["group_a"], row["group_b"], metric)
            else:
                va, vb, diff, stat, dof, p, stat_fix, p_fix, note = _test_pair(a, b, metric, test)
                if stat_fix is not None or note:
                    stat, p = (stat_fix, p_fix) if stat_fix is not None else (np.nan, np.nan)
                    dof = np.nan if stat_fix is None or metric not in ("mean", "index") else dof
            row.update(value_a=va, value_b=vb, difference=diff, test=test, statistic=stat,
                       dof=dof, p_value=p, note=note, n_weighted_a=a["n_weighted"], n_weighted_b=b["n_weighted"])
            rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:  # one level only: nothing to compare, but the table keeps its columns
        log.warning("compare_groups: '%s' has fewer than two levels with answers (%s); no test", between, levels)
        return pd.DataFrame(columns=[*cell_cols, *_COMPARE_COLUMNS])
    min_n, suppress_n = resolve_base_rule(min_n, suppress_n)
    out = apply_base_rule(out, min_n, suppress_n, n_cols=("n_a", "n_b"),
                          effective_cols=("n_effective_a", "n_effective_b"),
                          estimate_cols=("statistic", "p_value", "value_a", "value_b", "difference"))
    if family == "all" or not cell_cols:
        out["p_adjusted"] = adjust_pvalues(out["p_value"], correction=correction)
    else:
        out["p_adjusted"] = out.groupby(cell_cols, observed=True, dropna=False, sort=False)[
            "p_value"].transform(lambda s: adjust_pvalues(s.to_numpy(), correction=correction))
    out["significant"] = out["p_adjusted"] < alpha
    cols = [*cell_cols, *_COMPARE_COLUMNS]
    with np.errstate(divide="ignore", invalid="ignore"):
        for g in ("a", "b"):
            out[f"design_effect_{g}"] = out[f"n_{g}"] / out[f"n_effective_{g}"].where(out[f"n_effective_{g}"] > 0)
    return out[cols].reset_index(drop=True)


def _design_pair(units, design, cell_key, between, ga, gb, metric):
    """Design-based t test of group b minus group a ("(rest)": everyone else in the cell)."""
    sel = np.ones(len(units), bool)
    for c, v in cell_key.items():
        sel &= (units[c].isna() if pd.isna(v) else units[c] == v).to_numpy()
    cell = units[sel]
    pos = design.index.get_indexer(cell["respondent_id"].astype(str))
    x = cell["value"].to_numpy(float)
    lo, hi = cell["scale_min"].to_numpy(float), cell["scale_max"].to_numpy(float)
    name = metric
    if metric == "index":  # on 0-100, like metrics()
        x, name = (x - lo) / np.where(hi > lo, hi - lo, np.nan) * 100, "mean"
    y, w = np.full(len(design), np.nan), np.zeros(len(design))
    group = np.full(len(design), None, dtype=object)
    y[pos], w[pos], group[pos] = unit_scores(x, name, scale_min=lo, scale_max=hi), cell["_w"].to_numpy(float), \
        cell[between].to_numpy(dtype=object)
    in_cell = np.zeros(len(design), bool)
    in_cell[pos] = True

    def domain(g, other):
        return in_cell & (group != other) if g == "(rest)" else in_cell & (group == g)
    r = taylor_difference(y, w, design, domain(ga, gb), domain(gb, ga))
    va, vb, diff, se, dof = r["value_a"], r["value_b"], r["difference"], r["se"], r["dof"]
    if not (np.isfinite(va) and np.isfinite(vb)):
        return va, vb, diff, np.nan, np.nan, np.nan, "not testable: a group has no respondents (answers with a positive weight)"
    scale = max(abs(va), abs(vb), 1.0)
    if se <= 1e-9 * scale:
        if abs(diff) <= 1e-9 * scale:
            return va, vb, diff, 0.0, dof, 1.0, "no variance in either group and equal values: no difference"
        return va, vb, diff, np.nan, np.nan, np.nan, ("not testable: no variance in either group (every answer "
                                                      "the same), values differ")
    if dof < 1:
        return va, vb, diff, np.nan, np.nan, np.nan, "not testable: the design has no degrees of freedom"
    stat = diff / se
    return va, vb, diff, stat, float(dof), float(2 * stats.t.sf(abs(stat), dof)), ""


def _rest(cell: pd.DataFrame, level, sum_cols) -> pd.Series:
    """Sufficient statistics of all other groups: sums are additive, so rest = total - group."""
    rest = cell[sum_cols].sum() - cell.loc[level, sum_cols]
    rest = pd.concat([rest, cell.loc[level].drop(sum_cols)])
    return finish_stats(rest.to_frame().T).iloc[0]


def _mannwhitney(long, cell_key, between, ga, gb, a, b, metric):
    if metric not in ("mean",):
        raise ParameterError("test", "mannwhitney", allowed="metric='mean' only")
    sel = long["value"].notna()
    for c, v in cell_key.items():
        sel &= long[c].isna() if pd.isna(v) else long[c] == v

    def values(g):
        if g == "(rest)":
            other = gb if ga == "(rest)" else ga
            return long.loc[sel & (long[between] != other), "value"].to_numpy()
        return long.loc[sel & (long[between] == g), "value"].to_numpy()
    xa, xb = values(ga), values(gb)
    if "weight" in long.columns and long.loc[sel, "weight"].nunique() > 1:
        log.warning("Mann-Whitney test on %s ignores the weights (rank test on unweighted answers)", cell_key)
    if len(xa) == 0 or len(xb) == 0:
        return np.nan, np.nan, np.nan, np.nan, np.nan, np.nan
    res = stats.mannwhitneyu(xb, xa, alternative="two-sided")
    va, vb = a["s_wx"] / a["s_w"], b["s_wx"] / b["s_w"]
    return va, vb, vb - va, float(res.statistic), np.nan, float(res.pvalue)


def chi2_independence(long: pd.DataFrame, *, between: str, questions=None, weight: str = "weight",
                      min_n=None, suppress_n=None) -> pd.DataFrame:
    """Chi-square test of the whole answer distribution of each question against *between*.

    Weighted counts are rescaled to the Kish effective base so the test is not inflated
    by weighting.

    Parameters
    ----------
    long : DataFrame
        The long survey frame.
    between : str
        Column whose levels form the columns of the contingency table (segment, wave, ...).
    questions : list of str, optional
        Questions to test; default every question with answers.
    weight : str
        Weight column.
    min_n, suppress_n : int, optional
        Base rule on the question's base (see :func:`cjkit.stats.base.apply_base_rule`).

    Returns
    -------
    DataFrame
        question, variable, statistic, dof, p_value, cramers_v, n, n_effective, n_weighted,
        design_effect, flag

    Examples
    --------
    >>> import cjkit as cj
    >>> long = cj.example_study().long
    >>> t = cj.chi2_independence(long, between="persona", questions=["overall"])
    >>> t[["question", "statistic", "dof", "p_value", "cramers_v", "n"]].round(3)
      question  statistic  dof  p_value  cramers_v    n
    0  overall      6.936    4    0.139      0.244  120
    """
    d = long[long["value"].notna() & long[between].notna()]
    if questions is not None:
        d = d[d["question"].isin(list(questions))]
    w = pd.Series(weights_of(d, weight), index=d.index)
    d, w = d[w > 0], w[w > 0]  # weight 0: not in the estimate, so not in the base
    rows = []
    for q, g in d.assign(_w=w).groupby("question", sort=True):
        table = g.pivot_table(index="value", columns=between, values="_w", aggfunc="sum",
                              fill_value=0.0, observed=True).to_numpy(dtype=float)
        n = len(g)
        n_eff = g["_w"].sum() ** 2 / (g["_w"] ** 2).sum()
        table = table * n_eff / table.sum()
        table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
        expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
        stat = float(((table - expected) ** 2 / expected).sum()) if table.size else np.nan
        dof = (table.shape[0] - 1) * (table.shape[1] - 1)
        p = float(stats.chi2.sf(stat, dof)) if dof > 0 else np.nan
        k = min(table.shape) - 1
        v = np.sqrt(stat / (table.sum() * k)) if k > 0 else np.nan
        rows.append(dict(question=q, variable=between, statistic=stat, dof=dof, p_value=p,
                         cramers_v=v, n=n, n_effective=n_eff, n_weighted=float(g["_w"].sum()),
                         design_effect=n / n_eff))
    out = pd.DataFrame(rows, columns=["question", "variable", "statistic", "dof", "p_value",
                                      "cramers_v", "n", "n_effective", "n_weighted", "design_effect"])
    min_n, suppress_n = resolve_base_rule(min_n, suppress_n)
    return apply_base_rule(out, min_n, suppress_n, estimate_cols=("statistic", "p_value", "cramers_v"),
                           effective_cols=("n_effective",))
