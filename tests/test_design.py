"""Design-based standard errors checked against statsmodels, hand formulas and a textbook example."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from cjkit.errors import DataError, ParameterError
from cjkit.stats.design import design_frame, linearized_variance, taylor_mean
from cjkit.stats.drivers import regression
from cjkit.stats.metrics import metrics


def _resp(n=300, seed=3):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"respondent_id": [f"r{i}" for i in range(n)],
                         "region": rng.choice(["nord", "sued", "ost"], n, p=[0.5, 0.3, 0.2]),
                         "school": rng.integers(0, 30, n).astype(str),
                         "y": rng.integers(1, 6, n).astype(float),
                         "rec": rng.integers(0, 11, n).astype(float),
                         "w": rng.uniform(0.3, 3.0, n)})


def _wls_intercept(y, w, **fit):
    return sm.WLS(y, np.ones(len(y)), weights=w).fit(**fit)


def test_taylor_se_without_design_equals_wls_hc1():
    r = _resp()
    got = taylor_mean(r["y"], r["w"], design_frame(r))
    ref = _wls_intercept(r["y"], r["w"], cov_type="HC1")
    assert got["value"] == pytest.approx(ref.params.iloc[0], abs=1e-12)
    assert got["se"] == pytest.approx(ref.bse.iloc[0], abs=1e-10)
    assert got["dof"] == len(r) - 1


def test_taylor_se_with_clusters_equals_cluster_robust_wls():
    r = _resp()
    got = taylor_mean(r["y"], r["w"], design_frame(r, cluster="school"))
    groups = pd.factorize(r["school"])[0]
    ref = _wls_intercept(r["y"], r["w"], cov_type="cluster", cov_kwds={"groups": groups})
    assert got["se"] == pytest.approx(ref.bse.iloc[0], abs=1e-10)
    assert got["dof"] == r["school"].nunique() - 1


def test_stratified_variance_by_hand():
    r = _resp()
    w, y = r["w"].to_numpy(), r["y"].to_numpy()
    m = (w * y).sum() / w.sum()
    z = pd.Series(w * (y - m) / w.sum())
    # stratified with replacement: sum over strata of n_h * sample variance of the scores
    by_hand = sum(len(g) * g.var(ddof=1) for _, g in z.groupby(r["region"]))
    got = taylor_mean(y, w, design_frame(r, strata="region"))
    assert got["se"] ** 2 == pytest.approx(by_hand, rel=1e-10)
    assert got["dof"] == len(r) - 3


def test_lohr_one_stage_cluster_gpa_example():
    # Lohr, Sampling: Design and Analysis (2nd ed., 2010), Example 5.2: a dormitory of 100 suites
    # of 4 students, SRS of 5 suites; ybar = 2.826, SE(ybar) = 0.1637 (with fpc, N = 100 suites)
    gpa = [[3.08, 2.60, 3.44, 3.04], [2.36, 3.04, 3.28, 2.68], [2.00, 2.56, 2.52, 1.88],
           [3.00, 2.88, 3.44, 3.64], [2.68, 1.92, 3.28, 3.20]]
    f = pd.DataFrame([(f"s{i}", f"r{i}{j}", v) for i, suite in enumerate(gpa) for j, v in enumerate(suite)],
                     columns=["suite", "respondent_id", "gpa"])
    got = taylor_mean(f["gpa"], np.full(20, 20.0), design_frame(f, cluster="suite", fpc=100))
    assert got["value"] == pytest.approx(2.826, abs=1e-9)
    assert got["se"] == pytest.approx(0.1637, abs=5e-5)
    # the same variance by the textbook formula for a one-stage cluster sample
    totals = np.array([sum(s) for s in gpa])
    se_total = 100 * np.sqrt((1 - 5 / 100) * totals.var(ddof=1) / 5)
    assert got["se"] == pytest.approx(se_total / 400, abs=1e-12)


def _long(r):
    base = r[["respondent_id", "region", "school", "w"]].rename(columns={"w": "weight"})
    return pd.concat([base.assign(question="sat", type="csat", value=r["y"]),
                      base.assign(question="rec", type="nps", value=r["rec"])], ignore_index=True)


@pytest.mark.parametrize("metric, score", [
    ("mean", lambda r: r["y"]),
    ("top2", lambda r: (r["y"] >= 4).astype(float)),
    ("nps", lambda r: 100.0 * ((r["rec"] >= 9).astype(float) - (r["rec"] <= 6).astype(float))),
])
def test_metrics_taylor_se_matches_statsmodels(metric, score):
    r = _resp()
    q = "rec" if metric == "nps" else "sat"
    out = metrics(_long(r), metrics=[metric], questions=[q], scales={"sat": (1, 5)}, se_method="taylor",
                  cluster="school", min_n=0, suppress_n=0)
    ref = _wls_intercept(score(r), r["w"], cov_type="cluster",
                         cov_kwds={"groups": pd.factorize(r["school"])[0]})
    row = out.iloc[0]
    assert row["value"] == pytest.approx(ref.params.iloc[0], abs=1e-9)
    assert row["se"] == pytest.approx(ref.bse.iloc[0], abs=1e-9)


def test_domain_estimate_keeps_respondents_outside_the_cell_with_score_zero():
    r = _resp()
    dom = (r["region"] == "ost").to_numpy()
    got = taylor_mean(r["y"], r["w"], design_frame(r), domain=dom)
    w, y = r["w"].to_numpy(), r["y"].to_numpy()
    m = (w[dom] * y[dom]).sum() / w[dom].sum()
    z = np.where(dom, w * (y - m) / w[dom].sum(), 0.0)
    n = len(r)
    assert got["value"] == pytest.approx(m, abs=1e-12)
    assert got["se"] == pytest.approx(np.sqrt(n / (n - 1) * ((z - z.mean()) ** 2).sum()), rel=1e-10)


def test_kish_and_taylor_options():
    r = _resp()
    kish = metrics(_long(r), metrics=["mean"], questions=["sat"], min_n=0, suppress_n=0)
    assert kish["design_effect"].iloc[0] == pytest.approx(len(r) / kish["n_effective"].iloc[0])
    with pytest.raises(ParameterError, match="se_method"):
        metrics(_long(r), se_method="bootstrap")
    with pytest.raises(ParameterError, match="taylor"):
        metrics(_long(r), strata="region")


def test_single_psu_stratum_and_bad_fpc_are_refused():
    r = _resp().head(6).assign(region=["a", "a", "b", "c", "c", "c"])
    with pytest.raises(DataError, match="'b' has a single primary sampling unit"):
        taylor_mean(r["y"], r["w"], design_frame(r, strata="region"))
    with pytest.raises(DataError, match="fpc"):
        linearized_variance(np.ones(6), design_frame(r, fpc=3))


def test_weighted_driver_regression_has_sandwich_errors():
    r = _resp()
    r["x1"], r["x2"] = r["rec"], np.random.default_rng(9).normal(size=len(r))
    tab = regression(r, outcome="y", drivers=["x1", "x2"], weight="w").set_index("term")
    X = np.column_stack([np.ones(len(r)), r["x1"], r["x2"]])
    w = r["w"].to_numpy() / r["w"].mean()
    y = r["y"].to_numpy()
    bread = np.linalg.inv(X.T @ (w[:, None] * X))
    beta = bread @ X.T @ (w * y)
    e = y - X @ beta
    meat = (X * ((w * e) ** 2)[:, None]).T @ X
    n, k = X.shape
    cov = bread @ meat @ bread * n / (n - k)  # HC1
    assert tab.loc[["const", "x1", "x2"], "coef"].to_numpy() == pytest.approx(beta, abs=1e-10)
    assert tab.loc[["const", "x1", "x2"], "std_err"].to_numpy() == pytest.approx(np.sqrt(np.diag(cov)), rel=1e-8)
    assert (tab["cov_type"] == "HC1").all()
    unweighted = regression(r.assign(w=1.0), outcome="y", drivers=["x1"], weight="w")
    assert (unweighted["cov_type"] == "nonrobust").all()


def test_unweighted_taylor_se_is_the_textbook_standard_error_of_descrstatsw():
    from statsmodels.stats.weightstats import DescrStatsW
    y = _resp()["y"].to_numpy()
    got = taylor_mean(y, np.ones(len(y)), design_frame(_resp()))
    assert got["se"] == pytest.approx(DescrStatsW(y).std_mean, abs=1e-12)
    assert got["design_effect"] == pytest.approx(1.0)


def test_spec_strata_and_cluster_reach_the_long_frame():
    from cjkit.io.spec import load_spec, to_long
    spec = load_spec({"survey": "t", "respondent_id": "id", "weight": "w", "strata": "region", "cluster": "school",
                      "questions": [{"id": "sat", "type": "csat", "scale": {"min": 1, "max": 5}}]})
    assert (spec.strata, spec.cluster) == ("region", "school")
    assert load_spec(spec.to_dict()) == spec
    assert {"region", "school"} <= set(spec.required_columns())
    r = _resp()
    wide = r.rename(columns={"respondent_id": "id", "y": "sat"})
    long = to_long(wide, spec)
    out = metrics(long, questions=["sat"], metrics=["mean"], se_method="taylor", strata=spec.strata,
                  cluster=spec.cluster, min_n=0, suppress_n=0)
    direct = taylor_mean(r["y"], r["w"], design_frame(r, strata="region", cluster="school"))
    assert out["se"].iloc[0] == pytest.approx(direct["se"], abs=1e-12)


def test_design_based_comparison_matches_robust_regression_on_a_group_dummy():
    from cjkit.stats.significance import compare_groups
    from scipy import stats as sps
    r = _resp()
    two = r[r["region"] != "ost"].reset_index(drop=True)
    long = _long(two)
    t = compare_groups(long, between="region", questions=["sat"], se_method="taylor", cluster="school",
                       min_n=0, suppress_n=0).iloc[0]
    X = sm.add_constant((two["region"] == t["group_b"]).astype(float))
    groups = pd.factorize(two["school"])[0]
    ref = sm.WLS(two["y"], X, weights=two["w"]).fit(cov_type="cluster", cov_kwds={"groups": groups})
    n = len(two)
    # statsmodels' cluster correction carries (N-1)/(N-K) with K = 2 terms; Taylor has none
    se = ref.bse.iloc[1] * np.sqrt((n - 2) / (n - 1))
    assert t["difference"] == pytest.approx(ref.params.iloc[1], abs=1e-10)
    assert t["statistic"] == pytest.approx(ref.params.iloc[1] / se, rel=1e-9)
    dof = two["school"].nunique() - 1
    assert t["dof"] == dof and t["p_value"] == pytest.approx(2 * sps.t.sf(abs(t["statistic"]), dof), rel=1e-9)
    assert t["test"] == "design_t"


def test_design_based_comparison_of_a_group_against_the_rest():
    from cjkit.stats.significance import compare_groups
    r = _resp()
    t = compare_groups(_long(r), between="region", questions=["sat"], pairs="rest", se_method="taylor",
                       min_n=0, suppress_n=0).set_index("group_b")
    inside = (r["region"] == "ost").to_numpy()
    w, y, n = r["w"].to_numpy(), r["y"].to_numpy(), len(r)
    ma, mb = np.average(y[~inside], weights=w[~inside]), np.average(y[inside], weights=w[inside])
    z = np.where(inside, w * (y - mb) / w[inside].sum(), -w * (y - ma) / w[~inside].sum())
    se = np.sqrt(n / (n - 1) * (z ** 2).sum())
    assert t.loc["ost", "difference"] == pytest.approx(mb - ma, abs=1e-12)
    assert t.loc["ost", "statistic"] == pytest.approx((mb - ma) / se, rel=1e-10)
    with pytest.raises(ParameterError, match="design-based"):
        compare_groups(_long(r), between="region", se_method="taylor", test="chi2")


# Reference values from samplics 0.6.0 (TaylorEstimator(PopParam.mean).estimate with samp_weight,
# stratum, psu and domain) run on the data of _resp(); samplics is not a dependency of cjkit (it is
# archived and pulls in polars), so its numbers are written out here.
SAMPLICS = {
    "none": (2.799664645564062, 0.09076396692873592, 0.3488173385556219, 0.030444807400857258),
    "strata": (2.799664645564062, 0.09066636631227802, 0.3488173385556219, 0.03050478301861809),
    "cluster": (2.799664645564062, 0.08200702860012021, 0.3488173385556219, 0.02504019652679586),
    "both": (2.799664645564062, 0.07854590739339563, 0.3488173385556219, 0.026774449944211992),
}
SAMPLICS_NPS_BOTH = (-47.87026603559606, 5.281182432247435)
SAMPLICS_DOMAIN_CLUSTER = {"nord": (2.9427394128750017, 0.11322663640540971),
                           "ost": (2.7864311930191437, 0.16943726486252972),
                           "sued": (2.6083862019545285, 0.12385237654941927)}


@pytest.mark.parametrize("design", list(SAMPLICS))
def test_taylor_mean_and_share_match_samplics(design):
    r = _resp()
    kw = {"none": {}, "strata": {"strata": "region"}, "cluster": {"cluster": "school"},
          "both": {"strata": "region", "cluster": "school"}}[design]
    d = design_frame(r, **kw)
    mean, share = taylor_mean(r["y"], r["w"], d), taylor_mean((r["y"] >= 4).astype(float), r["w"], d)
    got = (mean["value"], mean["se"], share["value"], share["se"])
    assert got == pytest.approx(SAMPLICS[design], abs=1e-9)


def test_taylor_nps_and_domains_match_samplics():
    r = _resp()
    score = 100.0 * ((r["rec"] >= 9).astype(float) - (r["rec"] <= 6).astype(float))
    got = taylor_mean(score, r["w"], design_frame(r, strata="region", cluster="school"))
    assert (got["value"], got["se"]) == pytest.approx(SAMPLICS_NPS_BOTH, abs=1e-9)
    d = design_frame(r, cluster="school")
    for region, ref in SAMPLICS_DOMAIN_CLUSTER.items():
        got = taylor_mean(r["y"], r["w"], d, domain=(r["region"] == region).to_numpy())
        assert (got["value"], got["se"]) == pytest.approx(ref, abs=1e-9)


def test_metrics_by_segment_are_domain_estimates_like_samplics():
    out = metrics(_long(_resp()), by=["region", "question"], metrics=["mean"], questions=["sat"],
                  se_method="taylor", cluster="school", min_n=0, suppress_n=0).set_index("region")
    for region, (value, se) in SAMPLICS_DOMAIN_CLUSTER.items():
        assert (out.loc[region, "value"], out.loc[region, "se"]) == pytest.approx((value, se), abs=1e-9)
