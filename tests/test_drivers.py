"""Key-driver analysis against published worked examples and independent computations."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.miscmodels.ordinal_model import OrderedModel

from cjkit.stats.drivers import (driver_matrix, key_drivers, lmg_from_corr, regression, relative_importance,
                           subset_r2)
from cjkit.errors import DataError, ParameterError

# Motor Trend road tests (R datasets::mtcars; Henderson & Velleman 1981), the columns used below,
# in the row order of R's mtcars: mpg, cyl, disp, hp, vs, am, gear.
MTCARS = np.array([
    [21, 6, 160, 110, 0, 1, 4], [21, 6, 160, 110, 0, 1, 4], [22.8, 4, 108, 93, 1, 1, 4],
    [21.4, 6, 258, 110, 1, 0, 3], [18.7, 8, 360, 175, 0, 0, 3], [18.1, 6, 225, 105, 1, 0, 3],
    [14.3, 8, 360, 245, 0, 0, 3], [24.4, 4, 146.7, 62, 1, 0, 4], [22.8, 4, 140.8, 95, 1, 0, 4],
    [19.2, 6, 167.6, 123, 1, 0, 4], [17.8, 6, 167.6, 123, 1, 0, 4], [16.4, 8, 275.8, 180, 0, 0, 3],
    [17.3, 8, 275.8, 180, 0, 0, 3], [15.2, 8, 275.8, 180, 0, 0, 3], [10.4, 8, 472, 205, 0, 0, 3],
    [10.4, 8, 460, 215, 0, 0, 3], [14.7, 8, 440, 230, 0, 0, 3], [32.4, 4, 78.7, 66, 1, 1, 4],
    [30.4, 4, 75.7, 52, 1, 1, 4], [33.9, 4, 71.1, 65, 1, 1, 4], [21.5, 4, 120.1, 97, 1, 0, 3],
    [15.5, 8, 318, 150, 0, 0, 3], [15.2, 8, 304, 150, 0, 0, 3], [13.3, 8, 350, 245, 0, 0, 3],
    [19.2, 8, 400, 175, 0, 0, 3], [27.3, 4, 79, 66, 1, 1, 4], [26, 4, 120.3, 91, 0, 1, 5],
    [30.4, 4, 95.1, 113, 1, 1, 5], [15.8, 8, 351, 264, 0, 1, 5], [19.7, 6, 145, 175, 0, 1, 5],
    [15, 8, 301, 335, 0, 1, 5], [21.4, 4, 121, 109, 1, 1, 4]])


@pytest.fixture(scope="module")
def mtcars():
    return pd.DataFrame(MTCARS, columns=["mpg", "cyl", "disp", "hp", "vs", "am", "gear"])


def test_relative_weights_match_published_rwa_example(mtcars):
    # Published: R package rwa (Martin Chan), README "Basic example":
    # rwa(mtcars, outcome="mpg", predictors=c("cyl","disp","hp","gear")) ->
    # rsquare 0.7791896; Raw.RelWeight cyl 0.2284797, disp 0.2221469, hp 0.2321744, gear 0.0963886
    out = relative_importance(mtcars, outcome="mpg", drivers=["cyl", "disp", "hp", "gear"]).set_index("driver")
    assert out["r2"].iloc[0] == pytest.approx(0.7791896, abs=1e-7)
    assert out["relative_weight"].to_numpy() == pytest.approx([0.2284797, 0.2221469, 0.2321744, 0.0963886], abs=1e-7)
    assert out["relative_weight_pct"].to_numpy() == pytest.approx([29.32274, 28.50999, 29.79691, 12.37037], abs=1e-5)


def test_lmg_matches_published_relaimpo_example(mtcars):
    # Published: domir README (J. Luchman), relaimpo::calc.relimp(mpg ~ am + vs + cyl, mtcars, type="lmg"):
    # R^2 0.7619773; lmg am 0.1774892, vs 0.2027032, cyl 0.3817849
    out = relative_importance(mtcars, outcome="mpg", drivers=["am", "vs", "cyl"]).set_index("driver")
    assert out["r2"].iloc[0] == pytest.approx(0.7619773, abs=1e-7)
    assert out["lmg"].to_numpy() == pytest.approx([0.1774892, 0.2027032, 0.3817849], abs=1e-7)


def _ols_r2(data, y, xs):
    if not xs:
        return 0.0
    return sm.OLS(data[y], sm.add_constant(data[list(xs)])).fit().rsquared


def test_lmg_equals_shapley_over_all_orderings_with_ols_fits(mtcars):
    xs = ["cyl", "disp", "hp", "gear"]
    out = relative_importance(mtcars, outcome="mpg", drivers=xs).set_index("driver")["lmg"]
    shap = dict.fromkeys(xs, 0.0)
    for order in itertools.permutations(xs):
        for i, x in enumerate(order):
            shap[x] += _ols_r2(mtcars, "mpg", order[: i + 1]) - _ols_r2(mtcars, "mpg", order[:i])
    for x in xs:
        assert out[x] == pytest.approx(shap[x] / math.factorial(len(xs)), abs=1e-10)


def test_subset_r2_matches_statsmodels(mtcars):
    xs = ["cyl", "disp", "hp", "vs", "am"]
    r = mtcars[["mpg", *xs]].corr().to_numpy()
    r2 = subset_r2(r[1:, 1:], r[1:, 0])
    for mask in (0b00001, 0b00110, 0b10101, 0b11111):
        sub = [x for j, x in enumerate(xs) if mask >> j & 1]
        assert r2[mask] == pytest.approx(_ols_r2(mtcars, "mpg", sub))


def test_relative_weights_and_lmg_close_but_not_identical(mtcars):
    out = relative_importance(mtcars, outcome="mpg", drivers=["cyl", "disp", "hp", "vs", "am", "gear"])
    r2 = out["r2"].iloc[0]
    assert out["relative_weight"].sum() == pytest.approx(r2)
    assert out["lmg"].sum() == pytest.approx(r2)
    gap = (out["relative_weight"] - out["lmg"]).abs()
    assert 1e-4 < gap.max() < 0.05 * r2  # within 5 points of R^2 share, never equal
    # the collinear engine trio (cyl, disp, hp) may swap places, but it is the top-3 for both
    top = {c: set(out.nlargest(3, c)["driver"]) for c in ("relative_weight", "lmg")}
    assert top["relative_weight"] == top["lmg"] == {"cyl", "disp", "hp"}
    assert out["relative_weight"].corr(out["lmg"], method="spearman") > 0.7


def test_weights_act_as_frequency_weights(mtcars):
    w = np.where(np.arange(len(mtcars)) % 3 == 0, 2.0, 1.0)
    weighted = relative_importance(mtcars.assign(w=w), outcome="mpg", drivers=["cyl", "hp", "am"], weight="w")
    doubled = pd.concat([mtcars, mtcars[w == 2]], ignore_index=True)
    plain = relative_importance(doubled, outcome="mpg", drivers=["cyl", "hp", "am"])
    for c in ("relative_weight", "lmg", "r2"):
        assert weighted[c].to_numpy() == pytest.approx(plain[c].to_numpy())


def test_ols_regression_matches_numpy_lstsq(mtcars):
    tab = regression(mtcars, outcome="mpg", drivers=["cyl", "hp", "am"], method="ols").set_index("term")
    X = np.column_stack([np.ones(len(mtcars)), mtcars[["cyl", "hp", "am"]]])
    beta = np.linalg.lstsq(X, mtcars["mpg"], rcond=None)[0]
    assert tab["coef"].to_numpy() == pytest.approx(beta)
    assert tab.loc["hp", "std_coef"] == pytest.approx(beta[2] * mtcars.hp.std() / mtcars.mpg.std())
    assert tab["r2"].iloc[0] == pytest.approx(_ols_r2(mtcars, "mpg", ["cyl", "hp", "am"]))


def test_logit_and_ordinal_match_statsmodels_direct_fits(mtcars):
    tab = regression(mtcars, outcome="vs", drivers=["mpg", "hp"]).set_index("term")  # auto -> logit (two levels)
    ref = sm.Logit(mtcars["vs"], sm.add_constant(mtcars[["mpg", "hp"]])).fit(disp=False)
    assert tab["method"].iloc[0] == "logit"
    assert tab["coef"].to_numpy() == pytest.approx(ref.params.to_numpy(), rel=1e-5)
    assert tab["std_err"].to_numpy() == pytest.approx(ref.bse.to_numpy(), rel=1e-4)
    assert tab["r2"].iloc[0] == pytest.approx(ref.prsquared, rel=1e-6)
    w = np.linspace(0.5, 2.0, len(mtcars))
    wtab = regression(mtcars.assign(w=w), outcome="vs", drivers=["mpg", "hp"], weight="w")
    glm = sm.GLM(mtcars["vs"], sm.add_constant(mtcars[["mpg", "hp"]]), family=sm.families.Binomial(),
                 var_weights=w / w.mean()).fit()
    assert wtab["coef"].to_numpy() == pytest.approx(glm.params.to_numpy(), rel=1e-6)
    assert wtab["r2"].iloc[0] == pytest.approx(1 - glm.llf / glm.llnull)
    ordn = regression(mtcars, outcome="gear", drivers=["mpg", "hp"], method="ordinal").set_index("term")
    ref = OrderedModel(pd.Series(pd.Categorical(mtcars["gear"], ordered=True)), mtcars[["mpg", "hp"]],
                       distr="logit").fit(method="bfgs", disp=False, maxiter=500)
    assert list(ordn.index) == ["mpg", "hp"]  # thresholds are not drivers
    assert ordn["coef"].to_numpy() == pytest.approx(ref.params[["mpg", "hp"]].to_numpy(), rel=1e-4)


def _long_from_wide(wide, outcome, drivers):
    wide = wide.assign(respondent_id=[f"r{i}" for i in range(len(wide))])
    long = wide.melt(id_vars=["respondent_id"], value_vars=[outcome, *drivers], var_name="question")
    long["role"] = np.where(long["question"] == outcome, "overall", "driver")
    long["type"], long["weight"] = "rating", 1.0
    long["phase"] = "usage"
    long["touchpoint"] = long["question"]
    return long


def test_key_drivers_on_long_frame_with_missing_answers(mtcars):
    long = _long_from_wide(mtcars, "mpg", ["cyl", "disp", "hp", "gear"])
    long.loc[(long.question == "hp") & (long.respondent_id == "r3"), "value"] = np.nan
    kd = key_drivers(long, outcome="mpg", min_n=0, suppress_n=0)
    ref = relative_importance(mtcars.drop(index=3), outcome="mpg", drivers=["cyl", "disp", "hp", "gear"]).set_index("driver")
    got = kd.set_index("driver")
    assert got.loc[ref.index, "relative_weight"].to_numpy() == pytest.approx(ref["relative_weight"].to_numpy())
    assert kd["n"].iloc[0] == 31 and kd["n_excluded"].iloc[0] == 1  # excluded and counted
    assert kd["rank"].tolist() == sorted(kd["rank"])
    assert got.loc["gear", "sign"] == 1 and got.loc["cyl", "method"] == "ols"
    dm = driver_matrix(long, outcome="mpg")
    assert dm.attrs["n_input"] == 32 and dm.attrs["excluded_by"] == {"hp": 1}


def test_key_drivers_errors(mtcars):
    long = _long_from_wide(mtcars.assign(const=1.0), "mpg", ["cyl", "const"])
    kd = key_drivers(long, outcome="mpg", min_n=0, suppress_n=0)  # the constant driver is excluded, with reason
    assert kd["driver"].tolist() == ["cyl"]
    diag = pd.DataFrame(kd.attrs["diagnostics"])
    assert diag.set_index("question").loc["const", "action"] == "excluded"
    with pytest.raises(DataError, match="no variance"):
        key_drivers(_long_from_wide(mtcars.assign(mpg=20.0), "mpg", ["cyl"]), outcome="mpg", min_n=0, suppress_n=0)
    with pytest.raises(ParameterError, match="outcome"):
        key_drivers(long, outcome="nps")
    with pytest.raises(ParameterError, match="method"):
        regression(mtcars, outcome="mpg", drivers=["cyl"], method="probit")


@pytest.mark.slow
def test_airline_drivers_of_satisfaction(shared_data):
    from test_metrics import _airline_long  # the shared long-frame builder of the test suite
    wide = pd.read_csv(shared_data / "airline_satisfaction" / "airline_passenger_satisfaction.zip")
    wide = wide.sample(30_000, random_state=7)
    long = _airline_long(wide)
    sat = pd.DataFrame({"respondent_id": wide["ID"].astype(str), "question": "satisfaction",
                        "type": "single", "role": "overall", "weight": 1.0,
                        "value": (wide["Satisfaction"] == "Satisfied").astype(float).to_numpy()})
    long = pd.concat([long, sat], ignore_index=True)
    kd = key_drivers(long, outcome="satisfaction")
    assert len(kd) == 14 and kd["method"].iloc[0] == "logit"
    assert kd["relative_weight"].sum() == pytest.approx(kd["r2"].iloc[0])
    assert kd["lmg"].sum() == pytest.approx(kd["r2"].iloc[0])
    # the linear R^2 being decomposed is that of an OLS of the 0/1 outcome on the complete cases
    dm = driver_matrix(long, outcome="satisfaction")
    assert kd["r2"].iloc[0] == pytest.approx(_ols_r2(dm, "satisfaction", list(kd["driver"])))
    assert kd["n"].iloc[0] + kd["n_excluded"].iloc[0] == len(wide)
    assert kd["driver"].iloc[0] == "online_boarding"
    assert kd["relative_weight"].rank().corr(kd["lmg"].rank(), method="spearman") > 0.9


def test_text_coded_outcome_needs_positive_label():
    long = pd.DataFrame({"respondent_id": ["a", "b", "c", "a", "b", "c"],
                         "question": ["sat"] * 3 + ["x"] * 3, "role": ["outcome"] * 3 + ["driver"] * 3,
                         "value": [np.nan] * 3 + [1.0, 2.0, 3.0],
                         "text": ["Satisfied", "Neutral", "Satisfied", None, None, None]})
    with pytest.raises(ParameterError, match=r"positive.*Neutral, Satisfied"):
        driver_matrix(long, outcome="sat")
    with pytest.raises(ParameterError, match="positive"):
        driver_matrix(long, outcome="sat", positive="satisfied")  # labels are case-sensitive
    assert driver_matrix(long, outcome="sat", positive="Satisfied")["sat"].tolist() == [1.0, 0.0, 1.0]


@pytest.mark.slow
def test_airline_spec_long_frame_gives_the_same_drivers(shared_data, root):
    spec_path = root / "surveys" / "airline" / "spec.yaml"
    from cjkit.io.spec import load_spec, to_long
    from test_metrics import _airline_long
    wide = pd.read_csv(shared_data / "airline_satisfaction" / "airline_passenger_satisfaction.zip").sample(
        8_000, random_state=3)
    via_spec = key_drivers(to_long(wide, load_spec(spec_path)), outcome="satisfaction", positive="Satisfied")
    mine = _airline_long(wide)
    mine = pd.concat([mine, pd.DataFrame({"respondent_id": wide["ID"].astype(str), "question": "satisfaction",
                                          "role": "overall", "weight": 1.0,
                                          "value": (wide["Satisfaction"] == "Satisfied").astype(float).to_numpy()})])
    ours = key_drivers(mine, outcome="satisfaction")
    assert via_spec["r2"].iloc[0] == pytest.approx(ours["r2"].iloc[0])
    assert sorted(via_spec["relative_weight"]) == pytest.approx(sorted(ours["relative_weight"]))
    assert via_spec["n"].iloc[0] == ours["n"].iloc[0]


def test_exact_lmg_refuses_too_many_predictors():
    with pytest.raises(ParameterError, match="at most 15"):
        lmg_from_corr(np.eye(16), np.full(16, 0.1))
    assert lmg_from_corr(np.eye(3), np.array([0.1, 0.2, 0.3])) == pytest.approx([0.01, 0.04, 0.09])
