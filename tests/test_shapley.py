"""Shapley attribution against marketing-attribution-models (DP6) and a hand computation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cjkit as cj
from cjkit.errors import ParameterError


def _grouped(spec):
    return pd.DataFrame({"path": [p for p, _, _ in spec], "conversions": [float(c) for _, c, _ in spec],
                         "nulls": [float(n) for _, _, n in spec]})


# marketing-attribution-models' own test fixture (tests/conftest.py, small_format_3_df): grouped
# journeys with occurrences; 200 conversions in two converting coalitions of three and two channels
MAM_FIXTURE = [("direct > google_search > meta_ads", 120, 300), ("meta_ads > direct", 0, 450),
               ("email > organic_search", 80, 0)]
# a richer example with sub-coalitions, run through the same package
RICH = [("a", 10, 40), ("b", 6, 30), ("c", 3, 50), ("a > b", 12, 20), ("b > a", 5, 5), ("a > c", 4, 30),
        ("c > b > a", 9, 11), ("b > c", 2, 18), ("a > b > c > d", 7, 3), ("d", 1, 9), ("d > a", 3, 7), ("c > d", 2, 2)]


@pytest.mark.parametrize(("spec", "game", "expected"), [
    # reference numbers from marketing-attribution-models 2.1.1 (pip), MAM(df, format_type="grouped_journey",
    # ...).run_shapley(max_size=<largest coalition>, value_column="conversions" | "conv_rate").to_polars()
    (MAM_FIXTURE, "conversions", {"direct": 40.0, "google_search": 40.0, "meta_ads": 40.0, "email": 40.0,
                                  "organic_search": 40.0}),
    (MAM_FIXTURE, "conversion_rate", {"direct": 40.0, "google_search": 40.0, "meta_ads": 40.0, "email": 40.0,
                                      "organic_search": 40.0}),
    (RICH, "conversions", {"a": 45.5, "b": 23.333333333333332, "c": 0.5000000000000009, "d": -5.333333333333333}),
    (RICH, "conversion_rate", {"a": 32.84247969628103, "b": 21.955045980656415, "c": 5.445414706763208,
                               "d": 3.7570596162993497}),
])
def test_matches_marketing_attribution_models(spec, game, expected):
    got = cj.paths.shapley_attribution(_grouped(spec), game=game).set_index("channel")["conversions"]
    assert set(got.index) == set(expected)
    np.testing.assert_allclose(got.loc[list(expected)].to_numpy(), list(expected.values()), rtol=1e-12, atol=1e-12)


def test_three_channels_by_hand():
    # coalition {a, b, c} converts 30 of 60 journeys; its sub-coalitions: {a} 5/50, {b} 2/40,
    # {a, b} 12/40, {b, c} 6/30; {c} and {a, c} never convert (worth 0).
    t = _grouped([("a", 5, 45), ("b", 2, 38), ("a > b", 12, 28), ("c > b", 6, 24), ("a > c > b", 30, 30),
                  ("c", 0, 10)])
    v = {"": 0, "a": 0.1, "b": 0.05, "c": 0.0, "ab": 0.3, "ac": 0.0, "bc": 0.2, "abc": 0.5}
    # Shapley value of a in {a,b,c}: weights 1/3 (empty and full predecessor sets) and 1/6 (one predecessor)
    phi_a = (v["a"] - v[""]) / 3 + (v["ab"] - v["b"]) / 6 + (v["ac"] - v["c"]) / 6 + (v["abc"] - v["bc"]) / 3
    phi_b = (v["b"] - v[""]) / 3 + (v["ab"] - v["a"]) / 6 + (v["bc"] - v["c"]) / 6 + (v["abc"] - v["ac"]) / 3
    phi_c = (v["c"] - v[""]) / 3 + (v["ac"] - v["a"]) / 6 + (v["bc"] - v["b"]) / 6 + (v["abc"] - v["ab"]) / 3
    assert phi_a + phi_b + phi_c == pytest.approx(v["abc"])
    # the coalition's phis times its 60 journeys sum to its 30 conversions; {a,b} by the two-player formula
    ab_a = (v["a"] + v["ab"] - v["b"]) / 2 * 40
    ab_b = (v["b"] + v["ab"] - v["a"]) / 2 * 40
    bc_b = (v["b"] + v["bc"] - v["c"]) / 2 * 30
    bc_c = (v["c"] + v["bc"] - v["b"]) / 2 * 30
    expected = {"a": 5 + ab_a + phi_a * 60, "b": 2 + ab_b + bc_b + phi_b * 60, "c": bc_c + phi_c * 60}
    got = cj.paths.shapley_attribution(t).set_index("channel")["conversions"]
    np.testing.assert_allclose(got.loc[list(expected)].to_numpy(), list(expected.values()), rtol=1e-12)
    assert got.sum() == pytest.approx(t["conversions"].sum())


def test_sampling_approaches_exact_values_and_is_seeded():
    rng = np.random.default_rng(3)
    names = [f"c{i}" for i in range(8)]
    paths = [" > ".join(rng.choice(names, size=rng.integers(1, 9), replace=False)) for _ in range(120)]
    t = pd.DataFrame({"path": paths, "conversions": rng.poisson(3, 120).astype(float),
                      "nulls": rng.poisson(6, 120).astype(float)})
    t["value"] = t["conversions"] * rng.gamma(2, 50, 120)
    exact = cj.paths.shapley_attribution(t).set_index("channel")
    sampled = cj.paths.shapley_attribution(t, max_exact=3, n_samples=1000, seed=5).set_index("channel")
    # 1000 orderings per coalition: sampling error well under 1 % of all conversions per channel
    np.testing.assert_allclose(sampled["conversions"], exact["conversions"], rtol=0, atol=0.01 * t["conversions"].sum())
    assert sampled["conversions"].sum() == pytest.approx(t["conversions"].sum())
    assert exact["value"].sum() == pytest.approx(t["value"].sum())
    again = cj.paths.shapley_attribution(t, max_exact=3, n_samples=1000, seed=5).set_index("channel")
    np.testing.assert_array_equal(again["conversions"], sampled["conversions"])


def test_shapley_beside_markov_in_the_attribution_table():
    t = _grouped(RICH)
    tab = cj.paths.attribution_table(t, rules=["last_touch"], shapley=True, n_boot=30)
    assert list(pd.unique(tab["approach"])) == ["last_touch", "markov_order_1", "shapley"]
    np.testing.assert_allclose(tab.groupby("approach")["conversions"].sum(), t["conversions"].sum())
    assert tab.loc[tab.approach == "markov_order_1", "ci_low"].notna().all()
    assert tab.loc[tab.approach == "shapley", "ci_low"].isna().all()


def test_bad_options():
    t = _grouped(RICH)
    with pytest.raises(ParameterError, match="game"):
        cj.paths.shapley_attribution(t, game="rate")
    with pytest.raises(ParameterError, match="max_exact"):
        cj.paths.shapley_attribution(t, max_exact=40)
