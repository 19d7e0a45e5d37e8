"""Significance tests checked against scipy and statsmodels, base rule and corrections."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from cjkit.errors import ParameterError
from cjkit.stats.significance import (adjust_pvalues, apply_base_rule, chi2_independence, compare_groups,
                                resolve_base_rule)


def _survey(seed=0, n=600, weighted=False):
    rng = np.random.default_rng(seed)
    seg = rng.choice(["a", "b", "c", "d"], n, p=[0.4, 0.3, 0.25, 0.05])
    shift = pd.Series({"a": 0.0, "b": 0.4, "c": -0.2, "d": 0.0})[seg].to_numpy()
    resp = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(n)], "segment": seg,
                         "wave": rng.choice(["W1", "W2", "W3"], n),
                         "weight": rng.uniform(0.4, 2.5, n) if weighted else 1.0})
    sat = np.clip(np.round(rng.normal(3.3 + shift, 1.1)), 1, 5)
    rec = np.clip(np.round(rng.normal(7 + 2 * shift, 2.2)), 0, 10)
    return pd.concat([resp.assign(question="sat", type="csat", value=sat),
                      resp.assign(question="nps", type="nps", value=rec)], ignore_index=True)


def _values(long, q, seg, col="segment"):
    g = long[(long.question == q) & (long[col] == seg)].dropna(subset=["value"])
    return g["value"].to_numpy(), g["weight"].to_numpy()


def test_welch_t_matches_scipy():
    long = _survey()
    out = compare_groups(long, between="segment", questions=["sat"], min_n=0, suppress_n=0, correction="none")
    for _, r in out.iterrows():
        xa, _ = _values(long, "sat", r.group_a)
        xb, _ = _values(long, "sat", r.group_b)
        ref = stats.ttest_ind(xb, xa, equal_var=False)
        assert r.statistic == pytest.approx(ref.statistic)
        assert r.p_value == pytest.approx(ref.pvalue)
        assert r.dof == pytest.approx(ref.df)
        assert r.difference == pytest.approx(xb.mean() - xa.mean())


def test_weighted_t_matches_statsmodels_comparemeans():
    long = _survey(weighted=True)
    out = compare_groups(long, between="segment", questions=["sat"], min_n=0, suppress_n=0)
    r = out[(out.group_a == "a") & (out.group_b == "b")].iloc[0]

    def d(seg):
        x, w = _values(long, "sat", seg)
        return DescrStatsW(x, weights=w * (w.sum() / (w ** 2).sum()))  # sums to Kish n_eff
    t, p, dof = CompareMeans(d("b"), d("a")).ttest_ind(usevar="unequal")
    assert (r.statistic, r.p_value, r.dof) == pytest.approx((t, p, dof))


def test_two_proportion_z_and_chi2_match_scipy_and_statsmodels():
    long = _survey()
    z = compare_groups(long, between="segment", questions=["sat"], metric="top2", test="z", min_n=0, suppress_n=0)
    c = compare_groups(long, between="segment", questions=["sat"], metric="top2", test="chi2", min_n=0, suppress_n=0)
    for (_, rz), (_, rc) in zip(z.iterrows(), c.iterrows()):
        xa, _ = _values(long, "sat", rz.group_a)
        xb, _ = _values(long, "sat", rz.group_b)
        ka, kb = (xa >= 4).sum(), (xb >= 4).sum()
        stat, p = proportions_ztest([kb, ka], [len(xb), len(xa)])
        assert (rz.statistic, rz.p_value) == pytest.approx((stat, p))
        table = np.array([[ka, len(xa) - ka], [kb, len(xb) - kb]])
        chi2, pc, dof, _ = stats.chi2_contingency(table, correction=False)
        assert (rc.statistic, rc.p_value, rc.dof) == pytest.approx((chi2, pc, dof))


def test_mann_whitney_matches_rank_sum_computation():
    long = _survey()
    out = compare_groups(long, between="segment", questions=["sat"], test="mannwhitney", min_n=0, suppress_n=0)
    r = out[(out.group_a == "a") & (out.group_b == "c")].iloc[0]
    xa, _ = _values(long, "sat", "a")
    xc, _ = _values(long, "sat", "c")
    ranks = stats.rankdata(np.concatenate([xc, xa]))
    u_c = ranks[: len(xc)].sum() - len(xc) * (len(xc) + 1) / 2
    assert r.statistic == pytest.approx(u_c)
    assert r.p_value == pytest.approx(stats.mannwhitneyu(xc, xa).pvalue)


def test_nps_difference_test_against_recoded_scores():
    long = _survey(weighted=True)
    out = compare_groups(long, between="segment", questions=["nps"], metric="nps", min_n=0, suppress_n=0)
    r = out[(out.group_a == "a") & (out.group_b == "b")].iloc[0]

    def recode(seg):
        x, w = _values(long, "nps", seg)
        y = np.select([x >= 9, x <= 6], [100.0, -100.0], 0.0)
        n_eff = w.sum() ** 2 / (w ** 2).sum()
        d = DescrStatsW(y, weights=w)
        return d.mean, d.var / n_eff  # population variance of the recode = multinomial variance
    (ma, va), (mb, vb) = recode("a"), recode("b")
    assert r.difference == pytest.approx(mb - ma)
    assert r.statistic == pytest.approx((mb - ma) / np.sqrt(va + vb))
    assert r.p_value == pytest.approx(2 * stats.norm.sf(abs(r.statistic)))


def test_holm_and_bh_match_statsmodels_and_hand_holm():
    p = np.array([0.001, 0.02, 0.03, 0.04, 0.2, np.nan])
    ok = p[:5]
    assert adjust_pvalues(p, correction="holm")[:5] == pytest.approx(multipletests(ok, method="holm")[1])
    assert adjust_pvalues(p, correction="fdr_bh")[:5] == pytest.approx(multipletests(ok, method="fdr_bh")[1])
    # Holm by hand: sorted p_(i) * (m - i + 1), running maximum, capped at 1
    m, order = len(ok), np.argsort(ok)
    holm = np.minimum(np.maximum.accumulate(ok[order] * (m - np.arange(m))), 1)
    assert adjust_pvalues(ok, correction="holm")[order] == pytest.approx(holm)
    assert np.isnan(adjust_pvalues(p, correction="holm")[5])
    rnd = np.random.default_rng(4).uniform(0, 0.2, 60) ** 2
    rnd[[3, 7]] = rnd[10]  # ties
    for method in ("holm", "fdr_bh", "bonferroni"):
        assert adjust_pvalues(rnd, correction=method) == pytest.approx(multipletests(rnd, method=method)[1])
    with pytest.raises(ParameterError, match="correction"):
        adjust_pvalues(p, correction="sidak-ish")


def test_correction_family_per_cell_and_suppressed_tests_left_out():
    long = _survey(n=400)
    out = compare_groups(long, between="segment", questions=["sat", "nps"], min_n=30, suppress_n=25)
    assert (out.loc[out.flag == "suppressed", "p_value"].isna()).all()  # segment d is tiny
    for q, g in out.groupby("question"):
        ok = g.p_value.notna()
        assert g.loc[ok, "p_adjusted"].to_numpy() == pytest.approx(
            multipletests(g.loc[ok, "p_value"], method="holm")[1])
    everything = compare_groups(long, between="segment", questions=["sat", "nps"], family="all", correction="fdr_bh")
    ok = everything.p_value.notna()
    assert everything.loc[ok, "p_adjusted"].to_numpy() == pytest.approx(
        multipletests(everything.loc[ok, "p_value"], method="fdr_bh")[1])


def test_pairs_adjacent_and_rest():
    long = _survey()
    adj = compare_groups(long, between="wave", questions=["sat"], pairs="adjacent")
    assert list(zip(adj.group_a, adj.group_b)) == [("W1", "W2"), ("W2", "W3")]
    rest = compare_groups(long, between="segment", questions=["sat"], pairs="rest", min_n=0, suppress_n=0)
    r = rest[rest.group_b == "b"].iloc[0]
    xb, _ = _values(long, "sat", "b")
    others = long[(long.question == "sat") & (long.segment != "b")]["value"].to_numpy()
    assert r.group_a == "(rest)"
    assert r.p_value == pytest.approx(stats.ttest_ind(xb, others, equal_var=False).pvalue)
    ref = compare_groups(long, between="segment", questions=["sat"], pairs="reference", reference="a")
    assert set(ref.group_a) == {"a"} and len(ref) == 3
    with pytest.raises(ParameterError, match="pairs"):
        compare_groups(long, between="segment", pairs="some")


def test_chi2_independence_matches_scipy():
    long = _survey()
    out = chi2_independence(long, between="segment").set_index("question")
    g = long[long.question == "sat"]
    chi2, p, dof, _ = stats.chi2_contingency(pd.crosstab(g["value"], g["segment"]).to_numpy())
    assert (out.loc["sat", "statistic"], out.loc["sat", "p_value"], out.loc["sat", "dof"]) == pytest.approx((chi2, p, dof))


def test_apply_base_rule_is_configurable():
    t = pd.DataFrame({"value": [1.0, 2.0, 3.0, 4.0], "p_value": 0.01, "n_a": [100, 50, 12, 5],
                      "n_b": [100, 20, 60, 60]})
    out = apply_base_rule(t, n_cols=("n_a", "n_b"))
    assert out.flag.tolist() == ["", "low_base", "low_base", "suppressed"]
    assert np.isnan(out.loc[3, "value"]) and np.isnan(out.loc[3, "p_value"])
    out = apply_base_rule(t, min_n=60, suppress_n=15, n_cols=("n_a", "n_b"))
    assert out.flag.tolist() == ["", "low_base", "suppressed", "suppressed"]
    assert t["value"].notna().all()  # input untouched
    assert resolve_base_rule() == (30, 10)
    with pytest.raises(ParameterError, match="suppress_n"):
        apply_base_rule(t, min_n=5, suppress_n=10, n_cols=("n_a",))
    with pytest.raises(ParameterError, match="n_cols"):
        apply_base_rule(t)
