"""Attribution: pychattr's shipped expected outputs, pychattr's published README figures, and the
exact Markov solution cross-checked by simulation and by an independent transition count."""
from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from cjkit.paths import attribution
from cjkit.io import events
from cjkit.errors import DataError, ParameterError

AP = "attribution_paths"


@pytest.fixture(scope="module")
def ca_data(shared_data):
    return events.read_path_table(shared_data / AP / "channelattribution" / "Data.csv").data


@pytest.fixture(scope="module")
def readme():
    # pychattr README example (separator ">>>"): published outputs quoted in the tests below
    t = pd.DataFrame({"path": ["A >>> B >>> A >>> B >>> B >>> A", "A >>> B >>> B >>> A >>> A", "A >>> A"],
                      "conversions": [1, 1, 1], "value": [1, 1, 1]})
    return events.read_path_table(t, sep=">>>").data


def test_heuristics_reproduce_pychattr_heuristic_csv(shared_data):
    d = shared_data / AP / "pychattr"
    paths = events.read_path_table(d / "example_data.csv", allow_negative=True).data
    got = attribution.heuristic_attribution(paths, rules=["first_touch", "last_touch", "linear"])
    wide = got.pivot(index="channel", columns="rule", values="conversions")
    ref = pd.read_csv(d / "heuristic.csv").set_index("channel_name")
    assert set(wide.index) == set(ref.index)
    for mine, theirs in [("first_touch", "first_touch_conversions"), ("last_touch", "last_touch_conversions"),
                         ("linear", "linear_touch_conversions")]:
        np.testing.assert_allclose(wide.loc[ref.index, mine], ref[theirs], rtol=0, atol=1e-9, err_msg=mine)
    # no revenue column in the fixture: value attribution is zero like pychattr's *_revenue columns
    np.testing.assert_allclose(got["value"], 0.0)


def test_coalitions_reproduce_pychattr_gb_csv(shared_data):
    d = shared_data / AP / "pychattr"
    paths = events.read_path_table(d / "free_trial_and_demo_path_data_final.csv.gz").data
    got = attribution.coalitions(paths).set_index("coalition")
    ref = pd.read_csv(d / "gb.csv").set_index("coalition")
    assert set(got.index) == set(ref.index)
    np.testing.assert_allclose(got.loc[ref.index, "conversions"], ref["total_conversions"])


def test_readme_transition_matrix_matches_published(readme):
    tm = attribution.markov_transitions(readme).set_index(["source", "target"])["probability"]
    published = {("(start)", "A"): 1.0, ("A", "B"): 0.5, ("A", "(conversion)"): 0.5, ("B", "A"): 1.0}
    assert dict(tm) == published


def test_readme_markov_matches_published_simulation(readme):
    # pychattr README (10,000 simulations): A 1.991106, B 1.008894; removal effects A 1.0, B 0.5067
    got = attribution.markov_attribution(readme).set_index("channel")
    np.testing.assert_allclose(got["conversions"], [1.991106, 1.008894], atol=0.02)
    np.testing.assert_allclose(got["removal_effect"], [1.0, 0.5067], atol=0.01)
    # the exact absorbing-chain values: removing B turns A->B into (null), halving conversions
    np.testing.assert_allclose(got["removal_effect"], [1.0, 0.5], atol=1e-12)


def _independent_counts(paths: pd.DataFrame) -> dict:
    """ChannelAttribution's counting rules in plain Python: repeats collapsed, touches weighted by
    conversions + nulls, the last touch by conversions (-> conversion) and nulls (-> null)."""
    counts = defaultdict(float)
    for path, conv, null in zip(paths["path"], paths["conversions"], paths["nulls"]):
        seq = []
        for ch in (c.strip() for c in path.split(">")):
            if not seq or seq[-1] != ch:
                seq.append(ch)
        prev = "(start)"
        for ch in seq:
            if conv + null > 0:
                counts[(prev, ch)] += conv + null
            prev = ch
        counts[(prev, "(conversion)")] += conv
        counts[(prev, "(null)")] += null
    return {k: v for k, v in counts.items() if v > 0}


def test_transition_counts_match_independent_count(ca_data):
    got = attribution.markov_transitions(ca_data).set_index(["source", "target"])["n"]
    ref = _independent_counts(ca_data)
    assert set(got.index) == set(ref)
    np.testing.assert_allclose(got.loc[list(ref)].to_numpy(), list(ref.values()))


@pytest.mark.parametrize("order", [1, 2, 3])
def test_markov_exact_agrees_with_simulation_on_channelattribution_data(ca_data, order):
    exact = attribution.markov_attribution(ca_data, order=order).set_index("channel")
    sim = attribution.markov_attribution(ca_data, order=order, method="simulation", n_sim=200_000, seed=7).set_index("channel")
    # binomial standard error of a removal effect near 0.5 with ~35% converting walkers ~ 0.002
    np.testing.assert_allclose(sim["removal_effect"], exact["removal_effect"], atol=0.012)
    np.testing.assert_allclose(sim["removal_effect_value"], exact["removal_effect_value"], atol=0.015)
    big = exact["conversions"] > 500
    np.testing.assert_allclose(sim.loc[big, "conversions"], exact.loc[big, "conversions"], rtol=0.03)
    # attribution redistributes all conversions and all value
    assert exact["conversions"].sum() == pytest.approx(ca_data["conversions"].sum())
    assert exact["value"].sum() == pytest.approx(ca_data["value"].sum())


def test_markov_higher_order_differs_and_first_order_ranking(ca_data):
    o1 = attribution.markov_attribution(ca_data, order=1).set_index("channel")["conversions"]
    o2 = attribution.markov_attribution(ca_data, order=2).set_index("channel")["conversions"]
    assert list(o1.sort_values(ascending=False).index[:3]) == ["alpha", "iota", "eta"]
    assert (o1 - o2).abs().max() > 10  # second order uses channel pairs: a genuinely different model


def test_markov_exact_on_dense_hand_chain():
    # a > b converts 1 of 2, b alone converts 1 of 2: P(conv)=0.5; removing a leaves the b path only
    t = pd.DataFrame({"path": ["a > b", "b"], "conversions": [1.0, 1.0], "nulls": [1.0, 1.0]})
    got = attribution.markov_attribution(t).set_index("channel")
    # start->a .5, start->b .5, a->b 1, b->conv .5 : P=.5; without a: .5*.5=.25 -> RE_a=.5; without b: 0 -> 1
    np.testing.assert_allclose(got["removal_effect"], [0.5, 1.0])
    np.testing.assert_allclose(got["conversions"], [2 * 0.5 / 1.5, 2 * 1.0 / 1.5])


def test_heuristic_time_decay_and_position_based_by_hand():
    t = pd.DataFrame({"path": ["a > b > c", "a > b", "c"], "conversions": [1.75, 1.0, 1.0], "value": [7.0, 0, 0]})
    h = attribution.heuristic_attribution(t, rules=["time_decay", "position_based"], half_life=1.0)
    td = h[h.rule == "time_decay"].set_index("channel")["conversions"]
    # path 1 weights .25,.5,1 (/1.75) -> .25,.5,1 ; path 2 .5,1 (/1.5) ; path 3: 1
    np.testing.assert_allclose(td[["a", "b", "c"]], [0.25 + 1 / 3, 0.5 + 2 / 3, 2.0])
    pb = h[h.rule == "position_based"].set_index("channel")["conversions"]
    np.testing.assert_allclose(pb[["a", "b", "c"]], [0.4 * 1.75 + 0.5, 0.2 * 1.75 + 0.5, 0.4 * 1.75 + 1.0])
    val = h[h.rule == "time_decay"].set_index("channel")["value"]
    np.testing.assert_allclose(val[["a", "b", "c"]], [1.0, 2.0, 4.0])


def test_time_decay_on_real_time():
    s = pd.DataFrame({"journey_id": ["j"] * 2, "step": [1, 2], "channel": ["a", "b"],
                      "timestamp": pd.to_datetime(["2024-01-01", "2024-01-08"]), "conversions": 1.0, "nulls": 0.0,
                      "value": 0.0})
    h = attribution.heuristic_attribution(s, rules=["time_decay"], half_life=7.0, decay_on="time").set_index("channel")
    np.testing.assert_allclose(h["conversions"], [1 / 3, 2 / 3])


def test_heuristics_conserve_conversions(ca_data):
    h = attribution.heuristic_attribution(ca_data)
    sums = h.groupby("rule")["conversions"].sum()
    np.testing.assert_allclose(sums, ca_data["conversions"].sum())


def test_markov_by_segment_equals_separate_runs(ca_data):
    d = ca_data.assign(seg=np.where(np.arange(len(ca_data)) % 2 == 0, "even", "odd"))
    by = attribution.markov_attribution(d, by=["seg"])
    alone = attribution.markov_attribution(d[d.seg == "odd"]).set_index("channel")
    odd = by[by.seg == "odd"].set_index("channel")
    np.testing.assert_allclose(odd.loc[alone.index, "conversions"], alone["conversions"])


def test_attribution_table_shares(ca_data):
    tab = attribution.attribution_table(ca_data.head(300))
    assert set(tab["approach"]) == set(attribution.RULES) | {"markov_order_1"}
    np.testing.assert_allclose(tab.groupby("approach")["share"].sum(), 1.0)


def test_bad_input_errors():
    t = pd.DataFrame({"path": ["a"], "conversions": [-1.0]})
    with pytest.raises(DataError, match="non-negative"):
        attribution.markov_attribution(t)
    with pytest.raises(ParameterError, match="method"):
        attribution.markov_attribution(pd.DataFrame({"path": ["a"], "conversions": [1.0]}), method="magic")
    with pytest.raises(ParameterError, match="rules"):
        attribution.heuristic_attribution(pd.DataFrame({"path": ["a"], "conversions": [1.0]}), rules=["u_shape"])
    with pytest.raises(DataError, match="path table"):
        attribution.heuristic_attribution(pd.DataFrame({"x": [1]}))


def test_heuristics_match_touch_by_touch_loop_on_channelattribution_data(ca_data):
    # pychattr's dictionary accumulation, one path and one touch at a time, with values too
    ref = defaultdict(lambda: defaultdict(float))
    for path, conv, val in zip(ca_data["path"], ca_data["conversions"], ca_data["value"]):
        touches = [t.strip() for t in path.split(">")]
        ref["first_touch"][touches[0]] += val
        ref["last_touch"][touches[-1]] += val
        for t in touches:
            ref["linear"][t] += val / len(touches)
        ref["first_touch_c"][touches[0]] += conv
    got = attribution.heuristic_attribution(ca_data, rules=["first_touch", "last_touch", "linear"])
    for rule in ("first_touch", "last_touch", "linear"):
        g = got[got.rule == rule].set_index("channel")["value"]
        r = pd.Series(ref[rule])
        np.testing.assert_allclose(g.loc[r.index], r, rtol=1e-10, err_msg=rule)
    g = got[got.rule == "first_touch"].set_index("channel")["conversions"]
    r = pd.Series(ref["first_touch_c"])
    np.testing.assert_allclose(g.loc[r.index], r)


def test_heuristic_by_segment_equals_separate_runs(ca_data):
    d = ca_data.assign(seg=np.where(np.arange(len(ca_data)) % 3 == 0, "a", "b"))
    by = attribution.heuristic_attribution(d, by=["seg"])
    alone = attribution.heuristic_attribution(d[d.seg == "a"])
    part = by[by.seg == "a"].drop(columns="seg").reset_index(drop=True)
    m = part.merge(alone, on=["rule", "channel"], suffixes=("", "_alone"))
    assert len(m) == len(alone)
    np.testing.assert_allclose(m["conversions"], m["conversions_alone"])
