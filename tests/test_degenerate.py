"""Degenerate data: every case gives a correct number, an exclusion with its reason, or a CjkitError.

Each number is checked against an independent computation (numpy, pandas, statsmodels or a
closed form written out here), never against the output of the function under test.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from cjkit.errors import DataError, ParameterError
from cjkit.stats.design import design_frame
from cjkit.stats.drivers import driver_diagnostics, key_drivers, relative_importance
from cjkit.stats.metrics import metrics, nps
from cjkit.stats.significance import chi2_independence, compare_groups
from cjkit.stats.weighting import effective_n, rake


def _wide(n=200, seed=0, weighted=True):
    rng = np.random.default_rng(seed)
    a, b, c = (rng.integers(1, 6, n).astype(float) for _ in range(3))
    y = np.clip(np.round(0.5 * a + 0.3 * b + 0.1 * c + rng.normal(0, 0.8, n)), 1, 5)
    return pd.DataFrame({"respondent_id": [f"r{i}" for i in range(n)], "y": y, "a": a, "b": b, "c": c,
                         "weight": rng.uniform(0.2, 3.0, n) if weighted else 1.0})


def _long(wide, outcome="y"):
    qs = [q for q in wide.columns if q not in ("respondent_id", "weight", "seg")]
    parts = [wide[["respondent_id", "weight", *(["seg"] if "seg" in wide else [])]].assign(
        question=q, type="csat", role="overall" if q == outcome else "driver", value=wide[q].astype(float))
        for q in qs]
    return pd.concat(parts, ignore_index=True)


def _wls(wide, outcome, drivers):
    ok = wide["weight"] > 0
    d = wide[ok].dropna(subset=[outcome, *drivers])
    w = d["weight"] / d["weight"].mean()
    return sm.WLS(d[outcome], sm.add_constant(d[drivers]), weights=w).fit(cov_type="HC1")


def _diag(kd):
    return pd.DataFrame(kd.attrs["diagnostics"]).set_index("question")


# --- drivers ---------------------------------------------------------------------------------

def test_constant_driver_after_filter_is_excluded_not_ranked():
    # constant 4.1 with uneven weights: its weighted SD is ~1e-15, not 0
    wide = _wide().assign(d=4.1)
    sd = np.sqrt(np.cov(wide["d"], aweights=wide["weight"]))
    assert 0 <= sd < 1e-12
    kd = key_drivers(_long(wide), outcome="y", drivers=["a", "b", "d"])
    assert "d" not in set(kd["driver"])
    assert _diag(kd).loc["d", "check"] == "constant" and "no variance" in _diag(kd).loc["d", "reason"]
    ref = _wls(wide, "y", ["a", "b"])
    assert kd.set_index("driver")["coef"].to_dict() == pytest.approx(ref.params[["a", "b"]].to_dict(), abs=1e-9)


def test_constant_outcome_is_refused_with_the_question_named():
    wide = _wide().assign(y=3.0)
    with pytest.raises(DataError, match="outcome 'y' has no variance"):
        key_drivers(_long(wide), outcome="y")
    diag = driver_diagnostics(_long(wide), outcome="y")
    assert diag["action"].tolist() == ["refused"] and diag["question"].tolist() == ["y"]


def test_duplicated_question_is_excluded_and_weights_are_those_without_it():
    wide = _wide(weighted=False)
    wide["a_copy"] = wide["a"]  # the same column mapped twice in a spec
    kd = key_drivers(_long(wide), outcome="y", drivers=["a", "a_copy", "b", "c"])
    assert sorted(kd["driver"]) == ["a", "b", "c"]
    assert "the same answers as 'a'" in _diag(kd).loc["a_copy", "reason"]
    ols = sm.OLS(wide["y"], sm.add_constant(wide[["a", "b", "c"]])).fit()
    assert kd["relative_weight"].sum() == pytest.approx(ols.rsquared, abs=1e-10)


def test_near_collinear_driver_is_excluded_and_shares_stay_percentages():
    wide = _wide(weighted=False)
    wide["abc"] = wide["a"] + wide["b"] + wide["c"] + np.random.default_rng(1).normal(0, 1e-7, len(wide))
    kd = key_drivers(_long(wide), outcome="y", drivers=["a", "b", "c", "abc"])
    assert "abc" not in set(kd["driver"])
    row = _diag(kd).loc["abc"]
    assert row["check"] == "collinearity" and row["action"] == "excluded" and row["value"] > 1e3
    assert kd["relative_weight_pct"].between(0, 100).all()
    assert kd["relative_weight_pct"].sum() == pytest.approx(100.0)


def test_nan_only_driver_is_excluded_without_emptying_the_sample():
    wide = _wide().assign(d=np.nan)
    kd = key_drivers(_long(wide), outcome="y", drivers=["a", "b", "d"])
    assert _diag(kd).loc["d", "check"] == "no_answers"
    assert kd["n"].iloc[0] == len(wide)


def test_listwise_deletion_is_counted_and_explained():
    wide = _wide()
    rng = np.random.default_rng(4)
    wide.loc[rng.random(len(wide)) < 0.3, "c"] = np.nan
    wide.loc[rng.random(len(wide)) < 0.1, "y"] = np.nan
    kd = key_drivers(_long(wide), outcome="y")
    used = len(wide.dropna(subset=["y", "a", "b", "c"]))
    assert kd["n"].iloc[0] == used and kd["n_excluded"].iloc[0] == len(wide) - used
    row = _diag(kd).loc["y"]
    row = row[row["check"] == "respondents_used"].iloc[0]
    assert row["value"] == used and row["threshold"] == len(wide)
    no_y = int(wide["y"].isna().sum())
    assert f"{no_y} without an answer to the outcome" in row["reason"]
    assert f"{len(wide) - no_y - used} with at least one missing driver answer" in row["reason"]


def test_pairwise_relative_weights_use_pairwise_correlations():
    wide = _wide(weighted=False)
    rng = np.random.default_rng(5)
    for col in ("a", "b", "c"):
        wide.loc[rng.random(len(wide)) < 0.25, col] = np.nan
    kd = key_drivers(_long(wide), outcome="y", missing="pairwise")
    r = wide[["y", "a", "b", "c"]].corr()  # pandas: pairwise-complete Pearson
    rxx, rxy = r.loc[["a", "b", "c"], ["a", "b", "c"]].to_numpy(), r.loc[["a", "b", "c"], "y"].to_numpy()
    r2 = rxy @ np.linalg.solve(rxx, rxy)
    assert kd["r2"].iloc[0] == pytest.approx(r2, abs=1e-10)
    assert kd["relative_weight"].sum() == pytest.approx(r2, abs=1e-10)


def test_pairwise_matrix_not_positive_definite_is_warned_and_repaired(caplog):
    rng = np.random.default_rng(6)
    t, e = rng.normal(size=(3, 60)), rng.normal(0, 0.3, size=(3, 60))
    nan = np.full(60, np.nan)
    # a~b and b~c strongly positive, a~c strongly negative: no dataset has these three correlations
    a = np.r_[t[0] + e[0], nan, t[2] + e[2]]
    b = np.r_[t[0] - e[0], t[1] + e[1], nan]
    c = np.r_[nan, t[1] - e[1], -t[2] - e[2]]
    y = np.r_[t[0], t[1], t[2]] + rng.normal(0, 1, 180)
    data = pd.DataFrame({"y": y, "a": a, "b": b, "c": c, "w": 1.0})
    assert np.linalg.eigvalsh(data[["a", "b", "c"]].corr().to_numpy()).min() < 0
    with caplog.at_level(logging.WARNING, logger="cjkit"):
        out = relative_importance(data, outcome="y", drivers=["a", "b", "c"], weight="w", missing="pairwise")
    assert "not positive definite" in caplog.text
    assert out.attrs["diagnostics"][0]["action"] == "adjusted"
    assert np.isfinite(out["relative_weight"]).all() and (out["relative_weight"] >= 0).all()


def test_respondents_with_weight_zero_leave_the_driver_model():
    wide = _wide()
    wide.loc[:39, "weight"] = 0.0
    kd = key_drivers(_long(wide), outcome="y")
    ref = _wls(wide, "y", ["a", "b", "c"])
    assert kd["n"].iloc[0] == len(wide) - 40
    assert _diag(kd).loc["y"].query("check == 'zero_weight'")["value"].iloc[0] == 40
    assert kd.set_index("driver")["coef"].to_dict() == pytest.approx(ref.params[["a", "b", "c"]].to_dict(), abs=1e-9)


def test_all_drivers_constant_is_a_clear_error():
    wide = _wide().assign(a=2.0, b=2.0, c=5.0)
    with pytest.raises(DataError, match="no driver can be estimated.*'a' has no variance"):
        key_drivers(_long(wide), outcome="y")


def test_binary_outcome_with_one_level_left_is_refused():
    wide = _wide().assign(y=1.0)
    with pytest.raises(DataError, match="no variance"):
        key_drivers(_long(wide), outcome="y", method="logit")


def test_outcome_as_its_own_driver_and_a_driver_named_twice():
    long = _long(_wide())
    with pytest.raises(ParameterError, match="own driver"):
        key_drivers(long, outcome="y", drivers=["a", "y"])
    kd = key_drivers(long, outcome="y", drivers=["a", "b", "a"])
    assert sorted(kd["driver"]) == ["a", "b"]


def test_too_few_respondents_for_the_drivers():
    with pytest.raises(DataError, match="complete respondents"):
        key_drivers(_long(_wide(n=4)), outcome="y", min_n=0, suppress_n=0)


# --- comparisons -----------------------------------------------------------------------------

def _groups(values_a, values_b, weight=1.0):
    rows = [("a", v) for v in values_a] + [("b", v) for v in values_b]
    return pd.DataFrame({"respondent_id": [f"r{i}" for i in range(len(rows))], "question": "q", "type": "csat",
                         "seg": [g for g, _ in rows], "value": [float(v) for _, v in rows], "weight": weight})


def test_two_constant_groups_with_different_means_are_not_testable():
    t = compare_groups(_groups([4] * 40, [5] * 40), between="seg", min_n=0, suppress_n=0).iloc[0]
    assert t["difference"] == 1.0
    assert np.isnan(t["statistic"]) and np.isnan(t["p_value"]) and "not testable" in t["note"]
    assert not np.isinf(t["statistic"])


def test_two_constant_groups_with_equal_means_do_not_differ():
    t = compare_groups(_groups([4] * 40, [4] * 40), between="seg", min_n=0, suppress_n=0).iloc[0]
    assert t["statistic"] == 0.0 and t["p_value"] == 1.0 and not t["significant"]


def test_shares_of_100_percent_in_both_groups_do_not_differ():
    t = compare_groups(_groups([5] * 40, [5, 4] * 20), between="seg", metric="top2",
                       scales={"q": (1, 5)}, min_n=0, suppress_n=0).iloc[0]
    assert t["statistic"] == 0.0 and t["p_value"] == 1.0


def test_nps_all_promoters_against_all_detractors_is_not_testable():
    f = _groups([10] * 30, [0] * 30).assign(type="nps")
    t = compare_groups(f, between="seg", metric="nps", min_n=0, suppress_n=0).iloc[0]
    assert t["difference"] == -200.0 and np.isnan(t["p_value"]) and "not testable" in t["note"]


def test_a_group_of_one_gives_no_t_test():
    t = compare_groups(_groups([3], [1, 2, 3, 4, 5]), between="seg", min_n=0, suppress_n=0).iloc[0]
    assert np.isnan(t["p_value"]) and "effective base below 2" in t["note"]


def test_weighted_welch_t_still_matches_statsmodels_when_one_group_varies():
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW
    f = _groups([4] * 20, [1, 2, 3, 4, 5] * 8)
    t = compare_groups(f, between="seg", min_n=0, suppress_n=0).iloc[0]
    ref = CompareMeans(DescrStatsW(np.array([1, 2, 3, 4, 5] * 8, dtype=float)),
                       DescrStatsW(np.full(20, 4.0))).ttest_ind(usevar="unequal")
    assert t["statistic"] == pytest.approx(ref[0]) and t["p_value"] == pytest.approx(ref[1])


# --- bases and weights -----------------------------------------------------------------------

def test_zero_weights_do_not_count_toward_the_base():
    f = _groups(list(range(1, 6)) * 10, [], weight=0.0).assign(seg="all")
    f.loc[:4, "weight"] = 1.0  # 50 answers, 5 of them weighted
    out = metrics(f, metrics=["mean"]).iloc[0]
    assert out["n"] == 5 and out["n_effective"] == 5.0 and out["flag"] == "suppressed"
    shown = metrics(f, metrics=["mean"], min_n=0, suppress_n=0).iloc[0]
    assert shown["value"] == pytest.approx(np.mean([1, 2, 3, 4, 5]))
    assert shown["ci_high"] - shown["ci_low"] > 0


def test_concentrated_weights_are_flagged_on_the_effective_base():
    f = _groups([1, 2, 3, 4, 5] * 10, [], weight=0.01).assign(seg="all")
    f.loc[0, "weight"] = 100.0
    out = metrics(f, metrics=["mean"]).iloc[0]
    w = f["weight"].to_numpy()
    assert out["n"] == 50 and out["n_effective"] == pytest.approx(w.sum() ** 2 / (w ** 2).sum())
    assert out["flag"] == "suppressed" and out["design_effect"] == pytest.approx(50 / out["n_effective"])


def test_all_zero_weights_are_an_error():
    with pytest.raises(DataError, match="all 10 weights are 0"):
        metrics(_groups([1, 2, 3, 4, 5] * 2, [], weight=0.0))
    with pytest.raises(DataError, match="weights are 0"):
        nps([9, 10, 3], weights=[0, 0, 0])
    assert effective_n([0.0, 0.0]) == 0.0


@pytest.mark.parametrize("bad", [-1.0, np.inf, np.nan])
def test_negative_infinite_or_missing_weight_names_the_row(bad):
    f = _groups([1, 2, 3], [4, 5])
    f.loc[3, "weight"] = bad
    with pytest.raises(DataError, match=r"row 4, column 'weight'"):
        metrics(f)


def test_infinite_answer_is_an_error_naming_the_question():
    f = _groups([1, 2, np.inf], [4, 5])
    with pytest.raises(DataError, match="question 'q' is infinite"):
        metrics(f)


def test_question_without_answers_is_counted_as_missing():
    f = _groups([np.nan] * 12, [])
    out = metrics(f, metrics=["mean"]).iloc[0]
    assert out["n"] == 0 and out["n_missing"] == 12 and out["flag"] == "suppressed" and np.isnan(out["value"])


def test_single_answer_has_no_interval_rather_than_a_zero_width_one():
    out = metrics(_groups([4], []), metrics=["mean"], min_n=0, suppress_n=0).iloc[0]
    assert out["value"] == 4.0 and np.isnan(out["ci_low"]) and np.isnan(out["se"])


def test_chi2_ignores_weight_zero_rows():
    f = _groups([1, 2, 1, 2, 1, 2, 2, 2], [1, 1, 1, 2, 1, 1, 1, 2])
    t0 = chi2_independence(f, between="seg", min_n=0, suppress_n=0)
    f2 = pd.concat([f, f.assign(respondent_id=f["respondent_id"] + "x", weight=0.0, value=1.0)])
    t1 = chi2_independence(f2, between="seg", min_n=0, suppress_n=0)
    assert t1["n"].iloc[0] == t0["n"].iloc[0] == 16
    assert t1["statistic"].iloc[0] == pytest.approx(t0["statistic"].iloc[0])


# --- raking and design -------------------------------------------------------------------------

def _people():
    return pd.DataFrame({"respondent_id": [f"p{i}" for i in range(10)],
                         "sex": ["f"] * 6 + ["m"] * 3 + ["d"]})


def test_zero_percent_target_for_a_populated_level_is_an_error():
    with pytest.raises(DataError, match=r"target 0 for level\(s\) \['d'\] would give 1 respondents weight 0"):
        rake(_people(), targets={"sex": {"f": 0.5, "m": 0.5, "d": 0.0}})


def test_zero_percent_target_allowed_on_request_gives_exact_margins_and_mean_one():
    out = rake(_people(), targets={"sex": {"f": 0.5, "m": 0.5, "d": 0.0}}, allow_zero=True)
    w = out.set_index("respondent_id")["weight"]
    # post-stratification by hand: weight = target share / sample share, rescaled to mean 1
    raw = {"f": 0.5 / 0.6, "m": 0.5 / 0.3, "d": 0.0}
    expect = out["sex"].map(raw).to_numpy()
    expect = expect / expect.mean()
    assert w.to_numpy() == pytest.approx(expect) and w.mean() == pytest.approx(1.0, abs=1e-12)


def test_raking_that_cannot_converge_raises_or_reports_its_error():
    f = _people()
    with pytest.raises(DataError, match="did not meet the targets"):
        rake(f, targets={"sex": {"f": 0.2, "m": 0.3, "d": 0.5}}, bounds=(0.5, 2.0))
    out = rake(f, targets={"sex": {"f": 0.2, "m": 0.3, "d": 0.5}}, bounds=(0.5, 2.0), strict=False)
    shares = out.groupby("sex")["weight"].sum() / out["weight"].sum()
    assert out["weight"].mean() == pytest.approx(1.0, abs=1e-12)
    assert out.attrs["raking"]["max_error"] == pytest.approx(abs(shares - pd.Series({"f": 0.2, "m": 0.3, "d": 0.5})).max())


def test_bad_targets_and_bounds_are_parameter_errors():
    with pytest.raises(ParameterError):
        rake(_people(), targets={"sex": {"f": np.nan, "m": 0.5, "d": 0.5}})
    with pytest.raises(ParameterError, match="bounds"):
        rake(_people(), targets={"sex": {"f": 0.4, "m": 0.4, "d": 0.2}}, bounds=(1.5, 3.0))


def test_design_column_that_varies_within_a_respondent_is_an_error():
    f = pd.DataFrame({"respondent_id": ["a", "a", "b"], "region": ["n", "s", "s"]})
    with pytest.raises(DataError, match="respondent 'a' has more than one"):
        design_frame(f, strata="region")



def test_a_single_group_gives_an_empty_comparison_with_its_columns():
    t = compare_groups(_groups([1, 2, 3, 4, 5] * 8, []), between="seg", min_n=0, suppress_n=0)
    assert t.empty and {"p_value", "note", "n_effective_a", "design_effect_b"} <= set(t.columns)


def test_weight_summary_leaves_weight_zero_out_of_the_base():
    from cjkit.stats.weighting import weight_summary
    f = pd.DataFrame({"respondent_id": list("abcdef"), "weight": [0.0, 0.0, 1.0, 1.0, 2.0, 2.0]})
    s = weight_summary(f).iloc[0]
    w = np.array([1.0, 1.0, 2.0, 2.0])
    assert s["n"] == 4 and s["n_zero_weight"] == 2
    assert s["design_effect"] == pytest.approx(4 / (w.sum() ** 2 / (w ** 2).sum()))


def test_driver_table_is_flagged_on_its_effective_base():
    wide = _wide(n=60)
    wide["weight"] = 0.05
    wide.loc[:4, "weight"] = 20.0  # 60 interviews, the information of about 5
    kd = key_drivers(_long(wide), outcome="y", min_n=30, suppress_n=10)
    w = wide["weight"].to_numpy()
    assert kd["n"].iloc[0] == 60 and kd["n_effective"].iloc[0] == pytest.approx(w.sum() ** 2 / (w ** 2).sum())
    assert (kd["flag"] == "suppressed").all() and kd["relative_weight"].isna().all()


def test_pairwise_without_enough_complete_respondents_keeps_weights_drops_coefficients():
    wide = _wide(n=120, weighted=False)
    # every respondent skips one of the three drivers: no complete case at all
    for i, col in enumerate(("a", "b", "c")):
        wide.loc[wide.index % 3 == i, col] = np.nan
    with pytest.raises(DataError, match="only 0 complete respondents"):
        key_drivers(_long(wide), outcome="y")
    kd = key_drivers(_long(wide), outcome="y", missing="pairwise")
    assert kd["coef"].isna().all() and kd["relative_weight"].notna().all()
    assert kd["n"].iloc[0] == 40  # each pair of drivers is answered together by a third
    assert _diag(kd).loc["y"].query("check == 'regression'")["action"].iloc[0] == "not_fitted"


def test_plain_regression_refuses_constant_and_dependent_drivers():
    from cjkit.stats.drivers import regression
    wide = _wide()
    with pytest.raises(DataError, match="'d' has no variance"):
        regression(wide.assign(d=2.5), outcome="y", drivers=["a", "d"], weight="weight")
    with pytest.raises(DataError, match="linearly dependent"):
        regression(wide.assign(d=wide["a"] - wide["b"]), outcome="y", drivers=["a", "b", "d"], weight="weight")


def test_design_based_test_of_constant_groups_is_not_testable_either():
    t = compare_groups(_groups([4] * 30, [5] * 30), between="seg", se_method="taylor",
                       min_n=0, suppress_n=0).iloc[0]
    assert t["difference"] == 1.0 and np.isnan(t["p_value"]) and "not testable" in t["note"]
    same = compare_groups(_groups([4] * 30, [4] * 30), between="seg", se_method="taylor",
                          min_n=0, suppress_n=0).iloc[0]
    assert same["statistic"] == 0.0 and same["p_value"] == 1.0
