"""Top channels for attribution: the collapsed path table worked out by hand, Markov and Shapley on
it against independent computations, and channel sets of paths over more than 64 channels."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cjkit as cj
from cjkit.errors import ParameterError

# journeys touching a channel: a 3+3+1 = 7, b 3+3 = 6, c 3+3+1 = 7, d 3+3+2 = 8
# -> top 2 = d (8), then a (7, tied with c, first by name)
PATHS = pd.DataFrame({"path": ["a > b > c", "c > d", "b > d > a", "d", "a > c > c"],
                      "conversions": [2.0, 1.0, 0.0, 1.0, 1.0], "nulls": [1.0, 2.0, 3.0, 1.0, 0.0],
                      "value": [20.0, 10.0, 0.0, 10.0, 10.0]})
O = "(other)"
# by hand: b and c become (other); "a > b > c" and "a > c > c" are the same path afterwards
COLLAPSED = [[f"a > {O} > {O}", 3.0, 1.0, 30.0, 4.0], [f"{O} > d", 1.0, 2.0, 10.0, 3.0],
             [f"{O} > d > a", 0.0, 3.0, 0.0, 3.0], ["d", 1.0, 1.0, 10.0, 2.0]]


def test_top_channels_merge_the_rest_into_other_and_add_up_identical_paths():
    out = cj.paths.collapse_channels(PATHS, top=2)
    assert out.columns.tolist() == ["path", "conversions", "nulls", "value", "n_journeys"]
    assert out.values.tolist() == COLLAPSED
    assert out["path"].dtype == "string"


def test_a_channel_list_keeps_exactly_those_and_drop_mode_leaves_out_empty_journeys():
    same = cj.paths.collapse_channels(PATHS, channels=["a", "d"])
    assert same.values.tolist() == COLLAPSED
    # drop: a > b > c -> a; c > d -> d; b > d > a -> d > a; d -> d; a > c > c -> a
    dropped = cj.paths.collapse_channels(PATHS, top=2, other=None)
    assert dropped[["path", "conversions", "nulls"]].values.tolist() == [
        ["d", 2.0, 3.0], ["a", 3.0, 1.0], ["d > a", 0.0, 3.0]]
    only_b = cj.paths.collapse_channels(PATHS, channels=["b"], other=None)  # 3 journeys touch no b
    assert only_b[["path", "conversions", "nulls"]].values.tolist() == [["b", 2.0, 4.0]]


def test_segments_are_collapsed_on_their_own():
    two = pd.concat([PATHS.assign(seg="x"), PATHS.iloc[:2].assign(seg="y")], ignore_index=True)
    out = cj.paths.collapse_channels(two, channels=["a", "d"], by=["seg"])
    assert out.columns.tolist() == ["path", "seg", "conversions", "nulls", "value", "n_journeys"]
    y = out[out["seg"] == "y"].drop(columns="seg").values.tolist()
    assert y == [[f"{O} > d", 1.0, 2.0, 10.0, 3.0], [f"a > {O} > {O}", 2.0, 1.0, 20.0, 3.0]]
    assert out.loc[out["seg"] == "x", "conversions"].sum() == PATHS["conversions"].sum()


def _markov_by_hand(paths: list[tuple[list[str], float, float]]) -> dict:
    """First-order removal effects from a dense absorbing chain built here (repeats collapsed)."""
    states = sorted({c for p, _, _ in paths for c in p})
    idx = {s: i + 1 for i, s in enumerate(states)}  # 0 = start, then channels, conversion, null
    k = len(states) + 3
    conv_s, null_s = k - 2, k - 1
    w = np.zeros((k, k))
    for p, conv, null in paths:
        seq = [c for i, c in enumerate(p) if i == 0 or c != p[i - 1]]
        w[0, idx[seq[0]]] += conv + null
        for a, b in zip(seq, seq[1:]):
            w[idx[a], idx[b]] += conv + null
        w[idx[seq[-1]], conv_s] += conv
        w[idx[seq[-1]], null_s] += null

    def p_conv(removed=None):
        m = w.copy()
        if removed is not None:
            m[idx[removed], :] = 0.0
            m[idx[removed], null_s] = 1.0
        rows = m.sum(axis=1, keepdims=True)
        p = np.divide(m, rows, out=np.zeros_like(m), where=rows > 0)
        t = list(range(conv_s))  # transient: start and channels
        q, r = p[np.ix_(t, t)], p[t, conv_s]
        return np.linalg.solve(np.eye(len(t)) - q, r)[0]

    full = p_conv()
    return {s: 1 - p_conv(s) / full for s in states}


def test_markov_on_the_collapsed_table_equals_a_hand_built_chain():
    collapsed = cj.paths.collapse_channels(PATHS, top=2)
    got = cj.paths.markov_attribution(collapsed).set_index("channel")
    by_hand = _markov_by_hand([(["a", O, O], 3.0, 1.0), ([O, "d"], 1.0, 2.0), ([O, "d", "a"], 0.0, 3.0),
                               (["d"], 1.0, 1.0)])
    for ch, re in by_hand.items():
        assert got.loc[ch, "removal_effect"] == pytest.approx(re, abs=1e-12)
    total = sum(by_hand.values())
    for ch, re in by_hand.items():
        assert got.loc[ch, "conversions"] == pytest.approx(re / total * 5.0, abs=1e-12)


def test_shapley_on_the_collapsed_table_equals_the_hand_computation():
    # coalitions {a, (other)}: 3 conversions, v({a}) = v({(other)}) = 0 -> 1.5 each;
    # {(other), d}: 1, v({d}) = 1, v({(other)}) = 0 -> d 1, (other) 0; {d}: 1 -> d 1
    collapsed = cj.paths.collapse_channels(PATHS, top=2)
    got = cj.paths.shapley_attribution(collapsed, game="conversions").set_index("channel")["conversions"]
    assert got.to_dict() == pytest.approx({"a": 1.5, O: 1.5, "d": 2.0})


def test_touch_rules_give_other_the_credit_of_the_merged_channels():
    before = cj.paths.heuristic_attribution(PATHS, rules=["linear", "position_based"])
    after = cj.paths.heuristic_attribution(cj.paths.collapse_channels(PATHS, top=2),
                                           rules=["linear", "position_based"])
    for rule in ("linear", "position_based"):
        b = before[before["rule"] == rule].set_index("channel")["conversions"]
        a = after[after["rule"] == rule].set_index("channel")["conversions"]
        assert a[O] == pytest.approx(b["b"] + b["c"])
        assert a["d"] == pytest.approx(b["d"]) and a["a"] == pytest.approx(b["a"])


def test_channel_sets_of_paths_over_more_than_64_channels_match_plain_python():
    rng = np.random.default_rng(3)
    names = [f"ch{i:03d}" for i in range(150)]  # three 64-bit words per set
    paths = [" > ".join(rng.choice(names, size=rng.integers(1, 6))) for _ in range(400)]
    t = pd.DataFrame({"path": paths, "conversions": rng.integers(0, 3, 400).astype(float)})
    expected = {}
    for p, c in zip(paths, t["conversions"]):
        key = " > ".join(sorted(set(p.split(" > "))))
        expected[key] = expected.get(key, 0.0) + c
    got = cj.paths.coalitions(t).set_index("coalition")["conversions"].to_dict()
    assert got == pytest.approx(expected)


def test_bad_options_name_the_parameter():
    with pytest.raises(ParameterError, match="top"):
        cj.paths.collapse_channels(PATHS, top=2, channels=["a"])
    with pytest.raises(ParameterError, match="top"):
        cj.paths.collapse_channels(PATHS, top=0)
    with pytest.raises(ParameterError, match="other"):
        cj.paths.collapse_channels(PATHS, channels=["a", "d"], other="d")
