"""Markov removal effects on wide chains (many channels, high order) against an independent
recursion, the order choice against a weighted ROC from scikit-learn, and bootstrap intervals."""
from __future__ import annotations

from functools import lru_cache
from math import comb

import numpy as np
import pandas as pd
import pytest

import cjkit as cj


def _increasing_paths(n_channels: int, n_paths: int, max_len: int, seed: int) -> pd.DataFrame:
    """Paths whose channel numbers strictly increase: the chain of any order is then acyclic."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n_paths):
        length = int(rng.integers(1, max_len + 1))
        start = int(rng.integers(0, n_channels - 3 * length))
        steps = np.cumsum(np.r_[0, rng.integers(1, 4, size=length - 1)])
        rows.append(" > ".join(f"ch{start + s:03d}" for s in steps))
    return pd.DataFrame({"path": rows, "conversions": rng.poisson(2, n_paths).astype(float),
                         "nulls": rng.poisson(5, n_paths).astype(float)})


def _removal_by_recursion(paths: pd.DataFrame, order: int) -> dict:
    """Removal effects from first principles, in plain Python with tuples as states.

    P(convert from state s) = P(s -> conversion) + sum over t of P(s -> t) * P(convert from t);
    with channel c removed, every state containing c converts with probability 0. The chain is
    acyclic, so the recursion ends; no matrix is formed or factorised.
    """
    counts: dict = {}

    def add(a, b, w):
        if w > 0:
            counts.setdefault(a, {}).setdefault(b, 0.0)
            counts[a][b] += w

    for path, conv, null in zip(paths["path"], paths["conversions"], paths["nulls"]):
        touches = [t.strip() for t in path.split(">")]
        if len(touches) < order:
            windows = [tuple(touches)]
        else:
            windows = [tuple(touches[i:i + order]) for i in range(len(touches) - order + 1)]
        states = [w for i, w in enumerate(windows) if i == 0 or w != windows[i - 1]]
        prev = ("(start)",)
        for s in states:
            add(prev, s, conv + null)
            prev = s
        add(prev, "(conversion)", conv)
        add(prev, "(null)", null)
    prob = {a: {b: w / sum(out.values()) for b, w in out.items()} for a, out in counts.items()}

    @lru_cache(maxsize=None)
    def reach(state):  # channels in this state or any state after it
        out = set(state) - {"(start)"}
        for nxt in prob.get(state, {}):
            if nxt not in ("(conversion)", "(null)"):
                out |= reach(nxt)
        return frozenset(out)

    @lru_cache(maxsize=None)
    def p_conv(state, removed):
        if removed is not None and removed not in reach(state):
            return p_conv(state, None)  # the removed channel lies on no path from here
        if removed is not None and removed in state:
            return 0.0
        total = 0.0
        for nxt, p in prob.get(state, {}).items():
            if nxt == "(conversion)":
                total += p
            elif nxt != "(null)":
                total += p * p_conv(nxt, removed)
        return total

    full = p_conv(("(start)",), None)
    channels = sorted({t.strip() for path in paths["path"] for t in path.split(">")})
    return {c: 1 - p_conv(("(start)",), c) / full for c in channels}


@pytest.mark.parametrize(("n_channels", "order", "n_paths", "max_len"), [(500, 4, 800, 6), (200, 9, 400, 12)])
def test_wide_high_order_chain_equals_independent_recursion(n_channels, order, n_paths, max_len):
    # 200 channels at order 9 overflowed the old packing of states into one 64-bit integer
    paths = _increasing_paths(n_channels, n_paths, max_len, seed=n_channels)
    got = cj.paths.markov_attribution(paths, order=order).set_index("channel")["removal_effect"]
    ref = _removal_by_recursion(paths, order)
    assert len(got) >= 0.9 * n_channels
    assert set(got.index) == set(ref)
    np.testing.assert_allclose(got.loc[list(ref)].to_numpy(), list(ref.values()), rtol=0, atol=1e-9)


def test_choose_order_auc_equals_weighted_roc_and_penalty_by_hand(shared_data):
    from sklearn.metrics import roc_auc_score

    data = cj.paths.read_path_table(shared_data / "attribution_paths" / "channelattribution" / "Data.csv").data
    res = cj.paths.choose_order(data, max_order=2, roc_npt=2000).set_index("order")
    n = data["conversions"].sum() + data["nulls"].sum()
    channels = {t.strip() for p in data["path"] for t in p.split(">")}
    for k in (1, 2):
        # score of a path: P(last state -> conversion) / P(last state -> end), counted independently
        ends: dict = {}
        last_states = []
        for path, conv, null in zip(data["path"], data["conversions"], data["nulls"]):
            touches = [t.strip() for t in path.split(">")]
            last = tuple(touches[-k:]) if len(touches) >= k else tuple(touches)
            e = ends.setdefault(last, [0.0, 0.0])
            e[0] += conv
            e[1] += null
            last_states.append(last)
        score = np.array([ends[s][0] / sum(ends[s]) for s in last_states])
        y = np.r_[np.ones(len(score)), np.zeros(len(score))]
        w = np.r_[data["conversions"].to_numpy(), data["nulls"].to_numpy()]
        auc = roc_auc_score(y[w > 0], np.r_[score, score][w > 0], sample_weight=w[w > 0])
        assert res.loc[k, "auc"] == pytest.approx(auc, abs=2e-3)
        nodes = comb(len(channels) + k - 1, k)
        assert res.loc[k, "pauc"] == pytest.approx(1 - (1 - res.loc[k, "auc"]) * (n - 1) / (n - nodes - 1))
    assert res["suggested"].sum() == 1
    assert res.loc[res["suggested"]].index[0] == res["pauc"].idxmax()


def test_order_auto_reports_the_chosen_order():
    t = pd.DataFrame({"path": ["a > b", "b > a", "a", "b"] * 5, "conversions": [9, 1, 2, 2] * 5,
                      "nulls": [1, 9, 8, 8] * 5})
    chosen = cj.paths.choose_order(t, max_order=3).query("suggested")["order"].iloc[0]
    got = cj.paths.markov_attribution(t, order="auto", max_order=3)
    assert set(got["order"]) == {chosen}
    same = cj.paths.markov_attribution(t, order=int(chosen))
    np.testing.assert_allclose(got["conversions"], same["conversions"])


def test_bootstrap_intervals_cover_the_estimate_and_shrink_with_more_journeys():
    base = pd.DataFrame({"path": ["a > b", "b", "a > c", "c > b", "a"], "conversions": [6.0, 3.0, 4.0, 2.0, 1.0],
                         "nulls": [10.0, 12.0, 9.0, 8.0, 14.0], "value": [60.0, 30.0, 40.0, 20.0, 10.0]})
    small = cj.paths.markov_attribution(base, n_boot=100, seed=1).set_index("channel")
    big = cj.paths.markov_attribution(base.assign(conversions=base.conversions * 100, nulls=base.nulls * 100,
                                                  value=base.value * 100), n_boot=100, seed=1).set_index("channel")
    for res in (small, big):
        assert (res["ci_low"] <= res["conversions"] + 1e-9).all() and (res["conversions"] <= res["ci_high"] + 1e-9).all()
        assert (res["removal_effect_ci_low"] <= res["removal_effect"] + 1e-9).all()
    # sampling error of a share falls like 1/sqrt(n): 100x the journeys, about a tenth of the width
    width_small = (small["ci_high"] - small["ci_low"]) / small["conversions"]
    width_big = (big["ci_high"] - big["ci_low"]) / big["conversions"]
    assert ((width_big / width_small) < 0.2).all()
    again = cj.paths.markov_attribution(base, n_boot=100, seed=1)
    np.testing.assert_array_equal(again["ci_low"], small.reset_index()["ci_low"])


def test_conversion_types_are_attributed_separately():
    t = pd.DataFrame({"path": ["a > b", "b", "a > b", "a"], "conversions": [1.0, 2.0, 3.0, 1.0],
                      "nulls": [1.0, 1.0, 0.0, 2.0], "conversion_type": ["lead", "lead", "purchase", "purchase"]})
    got = cj.paths.markov_attribution(t)
    for kind, part in t.groupby("conversion_type"):
        alone = cj.paths.markov_attribution(part.drop(columns="conversion_type")).set_index("channel")
        mine = got[got.conversion_type == kind].set_index("channel")
        np.testing.assert_allclose(mine.loc[alone.index, "conversions"], alone["conversions"])
    h = cj.paths.heuristic_attribution(t, rules=["last_touch"])
    assert h.groupby("conversion_type")["conversions"].sum().to_dict() == {"lead": 3.0, "purchase": 4.0}
