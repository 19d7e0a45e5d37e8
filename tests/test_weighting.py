"""Weighting checked against closed forms and an independent calibration solver."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from cjkit.errors import DataError, ParameterError
from cjkit.stats.weighting import design_weights, effective_n, margins, rake, weight_summary


def _sample(seed=1, n=600):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "respondent_id": [f"r{i}" for i in range(n)],
        "sex": rng.choice(["f", "m"], n, p=[0.65, 0.35]),
        "age": rng.choice(["18-34", "35-54", "55+"], n, p=[0.5, 0.3, 0.2]),
        "region": rng.choice(["nord", "sued", "ost", "west"], n, p=[0.4, 0.3, 0.1, 0.2]),
        "dw": rng.uniform(0.5, 2.0, n),
    })


TARGETS = {"sex": {"f": 0.51, "m": 0.49},
           "age": {"18-34": 0.28, "35-54": 0.34, "55+": 0.38},
           "region": {"nord": 0.2, "sued": 0.3, "ost": 0.2, "west": 0.3}}


def test_effective_n_equals_kish_cv_formula():
    w = np.random.default_rng(0).lognormal(size=1000)
    cv2 = w.var() / w.mean() ** 2  # Kish: n_eff = n / (1 + CV^2), CV with population variance
    assert effective_n(w) == pytest.approx(len(w) / (1 + cv2))
    assert effective_n(np.ones(50)) == 50


def test_raking_reproduces_all_margins_and_converges():
    s = _sample()
    out = rake(s, targets=TARGETS)
    info = out.attrs["raking"]
    assert info["converged"] and info["iterations"] < 100 and info["max_error"] < 1e-8
    for var, t in TARGETS.items():
        achieved = out.groupby(var)["weight"].sum() / out["weight"].sum()
        for lv, share in t.items():
            assert achieved[lv] == pytest.approx(share, abs=1e-8)
    got = margins(out, variables=["sex"]).set_index("level")["share"]
    assert got["f"] == pytest.approx(0.51)
    assert out["weight"].mean() == pytest.approx(1.0)
    assert info["n_effective"] == pytest.approx(effective_n(out["weight"]))


def test_raking_equals_calibration_with_the_raking_distance():
    # Independent method: raking is calibration with the multiplicative (exponential) distance
    # (Deville & Saerndal 1992): w_i = d_i * exp(x_i' lambda), solved here by Newton/hybr.
    s = _sample(seed=2)
    out = rake(s, targets=TARGETS, base_weight="dw", tol=1e-12, max_iter=500)
    X = np.column_stack([(s[v] == lv).to_numpy(float) for v, t in TARGETS.items() for lv in list(t)[1:]]
                        + [np.ones(len(s))])
    d = s["dw"].to_numpy()
    total = d.sum()
    T = np.array([t[lv] * total for v, t in TARGETS.items() for lv in list(t)[1:]] + [total])
    def calibration_gap(lam):
        return X.T @ (d * np.exp(X @ lam)) - T

    sol = optimize.root(calibration_gap, np.zeros(X.shape[1]), tol=1e-12)
    # judge the solution by its residual, not by the root-finder's `success` flag, whose
    # meaning at tight tolerances differs between scipy releases
    assert np.max(np.abs(calibration_gap(sol.x))) < 1e-9 * total
    w_cal = d * np.exp(X @ sol.x)
    assert out["weight"].to_numpy() == pytest.approx(w_cal / w_cal.mean(), rel=1e-7)


def test_raking_one_variable_is_poststratification():
    s = _sample(seed=3)
    out = rake(s, targets={"age": TARGETS["age"]})
    sample_share = s["age"].value_counts(normalize=True)
    expected = s["age"].map(lambda a: TARGETS["age"][a] / sample_share[a])
    assert out["weight"].to_numpy() == pytest.approx((expected / expected.mean()).to_numpy())


def test_raking_independent_table_closed_form():
    # Hand-worked: a sample whose sex x age table is the product of its margins is raked in one
    # sweep, and every weight is (target share / sample share) of sex times that of age.
    cells = {("f", "young"): 30, ("f", "old"): 30, ("m", "young"): 20, ("m", "old"): 20}
    rows = [(f"{sx}{ag}{i}", sx, ag) for (sx, ag), k in cells.items() for i in range(k)]
    s = pd.DataFrame(rows, columns=["respondent_id", "sex", "age"])
    out = rake(s, targets={"sex": {"f": 0.5, "m": 0.5}, "age": {"young": 0.2, "old": 0.8}})
    w = out.groupby(["sex", "age"])["weight"].first()
    raw = {("f", "young"): (0.5 / 0.6) * (0.2 / 0.5), ("f", "old"): (0.5 / 0.6) * (0.8 / 0.5),
           ("m", "young"): (0.5 / 0.4) * (0.2 / 0.5), ("m", "old"): (0.5 / 0.4) * (0.8 / 0.5)}
    mean = sum(raw[c] * k for c, k in cells.items()) / 100
    for c, v in raw.items():
        assert w[c] == pytest.approx(v / mean)
    assert out.attrs["raking"]["iterations"] <= 2


def test_raking_on_long_frame_keeps_one_weight_per_respondent():
    s = _sample(seed=4, n=120)
    long = pd.concat([s.assign(question=q, value=1.0) for q in ("q1", "q2", "q3")], ignore_index=True)
    out = rake(long, targets={"sex": TARGETS["sex"]})
    assert len(out) == len(long)
    assert out.groupby("respondent_id")["weight"].nunique().max() == 1
    assert out.drop_duplicates("respondent_id").groupby("sex")["weight"].sum().div(120)["f"] == pytest.approx(0.51)


def test_raking_errors_name_the_problem():
    s = _sample()
    with pytest.raises(DataError, match="column 'region'.*no target"):
        rake(s, targets={"region": {"nord": 0.5, "sued": 0.5}})
    with pytest.raises(DataError, match="no respondents"):
        rake(s, targets={"sex": {"f": 0.4, "m": 0.4, "d": 0.2}})
    bad = pd.concat([s.head(3), s.head(1).assign(sex="m" if s.sex.iloc[0] == "f" else "f")])
    with pytest.raises(DataError, match="constant per respondent"):
        rake(bad, targets={"sex": TARGETS["sex"]})
    with pytest.raises(ParameterError):
        rake(s, targets={})


def test_bounds_trim_weights():
    s = _sample()
    free = rake(s, targets=TARGETS)
    out = rake(s, targets=TARGETS, bounds=(0.5, 2.0), max_iter=200, strict=False)
    assert free["weight"].max() > 2.0  # the bound is binding here
    assert out["weight"].between(0.5, 2.0).all()
    assert out["weight"].mean() == pytest.approx(1.0, abs=1e-12)  # mean 1 and the bounds, both exact
    info = out.attrs["raking"]
    assert not info["converged"] and 0 < info["max_error"] < 0.1
    # the reported error is the real one: recompute the worst margin from the returned weights
    got = out.groupby("sex")["weight"].sum() / out["weight"].sum()
    assert abs(got["f"] - 0.51) == pytest.approx(info["max_error"], abs=1e-9) and info["worst"][0] == "sex"
    with pytest.raises(DataError, match="did not meet the targets"):
        rake(s, targets=TARGETS, bounds=(0.5, 2.0), max_iter=200)


def test_design_weights_normalised_and_checked():
    s = _sample()
    out = design_weights(s, column="dw")
    assert out["weight"].mean() == pytest.approx(1.0)
    assert np.allclose(out["weight"] / s["dw"], 1 / s["dw"].mean())
    s.loc[7, "dw"] = 0
    with pytest.raises(DataError, match=r"row 8, column 'dw'"):
        design_weights(s, column="dw")
    with pytest.raises(ParameterError):
        design_weights(s, column="nope")


def test_weight_summary_design_effect():
    s = rake(_sample(), targets=TARGETS)
    tot = weight_summary(s)
    assert tot["n"].item() == len(s)
    assert tot["n_effective"].item() == pytest.approx(effective_n(s["weight"]))
    assert tot["design_effect"].item() == pytest.approx(len(s) / effective_n(s["weight"]))
    per = weight_summary(s, by="sex").set_index("sex")
    assert per.loc["f", "n_effective"] == pytest.approx(effective_n(s.loc[s.sex == "f", "weight"]))


def test_wikipedia_ipf_example_margins_and_preserved_odds_ratios():
    # The seed table and margins of the IPF example on Wikipedia ("Iterative proportional fitting",
    # section Example). One respondent per cell whose base weight is the seed count; raking must
    # hit both margins and keep every cross-product ratio of the seed (IPF only rescales rows/columns).
    seed = np.array([[40, 30, 20, 10], [35, 50, 100, 75], [30, 80, 70, 120], [20, 30, 40, 50]], float)
    rows, cols = np.array([150, 300, 400, 150.0]), np.array([200, 300, 400, 100.0])
    cells = pd.DataFrame([(f"c{i}{j}", f"r{i}", f"k{j}", seed[i, j]) for i in range(4) for j in range(4)],
                         columns=["respondent_id", "row", "col", "seed"])
    out = rake(cells, targets={"row": dict(zip([f"r{i}" for i in range(4)], rows)),
                       "col": dict(zip([f"k{j}" for j in range(4)], cols))}, base_weight="seed", tol=1e-12,
               max_iter=1000)
    fitted = out["weight"].to_numpy().reshape(4, 4) * 1000 / out["weight"].sum()
    assert fitted.sum(axis=1) == pytest.approx(rows, rel=1e-9)
    assert fitted.sum(axis=0) == pytest.approx(cols, rel=1e-9)
    for (i, j, k, m) in [(0, 1, 0, 1), (0, 2, 1, 3), (1, 3, 0, 2)]:
        ratio = lambda t: t[i, k] * t[j, m] / (t[i, m] * t[j, k])  # noqa: E731
        assert ratio(fitted) == pytest.approx(ratio(seed), rel=1e-9)
