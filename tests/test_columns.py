"""Column tests with letters checked against statsmodels and against a hand computation of the
effective-base (Kish) tests for weighted data."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest
from statsmodels.stats.weightstats import ttest_ind

from cjkit.errors import ParameterError
from cjkit.stats.columns import column_letters, column_pairs, column_tests


def _data(seed=7, weights=False):
    rng = np.random.default_rng(seed)
    sizes = {"Nord": 120, "Ost": 90, "Sued": 150, "West": 60}
    shift = {"Nord": 0.0, "Ost": 0.5, "Sued": -0.3, "West": 0.2}
    frames = []
    for seg, n in sizes.items():
        frames.append(pd.DataFrame({
            "region": seg,
            "score": np.clip(np.round(rng.normal(3.2 + shift[seg], 1.0, n)), 1, 5),
            "top": (rng.random(n) < 0.4 + shift[seg] / 2).astype(int),
            "weight": rng.choice([0.5, 1.0, 1.5, 3.0], n) if weights else 1.0,
        }))
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("correction,sm", [("holm", "holm"), ("bonferroni", "bonferroni"), ("bh", "fdr_bh")])
def test_proportions_match_statsmodels(correction, sm):
    d = _data()
    cells = column_tests(d, segment="region", value="top", kind="proportion", weight=None, correction=correction)
    pairs = column_pairs(cells, segment="region", kind="proportion", correction=correction)
    p_raw = []
    for seg_a, seg_b in itertools.combinations(["Nord", "Ost", "Sued", "West"], 2):
        a, b = d.loc[d.region == seg_a, "top"], d.loc[d.region == seg_b, "top"]
        z, p = proportions_ztest([a.sum(), b.sum()], [len(a), len(b)])
        row = pairs[(pairs.segment_a == seg_a) & (pairs.segment_b == seg_b)].iloc[0]
        assert row["statistic"] == pytest.approx(z) and row["p_value"] == pytest.approx(p)
        p_raw.append(p)
    reject, p_adj, _, _ = multipletests(p_raw, alpha=0.05, method=sm)
    assert pairs["p_adjusted"].to_numpy() == pytest.approx(p_adj)
    # letters by hand: a cell carries the letter of every column it is significantly higher than
    share = d.groupby("region")["top"].mean()
    letter = dict(zip(["Nord", "Ost", "Sued", "West"], "ABCD"))
    expected = {s: "" for s in letter}
    for (seg_a, seg_b), rej in zip(itertools.combinations(letter, 2), reject):
        if rej:
            hi, lo = (seg_a, seg_b) if share[seg_a] > share[seg_b] else (seg_b, seg_a)
            expected[hi] += letter[lo]
    got = cells.set_index("region")
    assert {s: got.loc[s, "higher_than"] for s in letter} == {s: "".join(sorted(v)) for s, v in expected.items()}
    assert got["letter"].tolist() == list("ABCD") and got["n"].tolist() == [120, 90, 150, 60]
    assert any(expected.values())  # the planted differences are found


def test_means_match_statsmodels_pooled_t_test():
    d = _data()
    cells = column_tests(d, segment="region", value="score", kind="mean", weight=None, correction="none")
    pairs = column_pairs(cells, segment="region", kind="mean", correction="none")
    for seg_a, seg_b in itertools.combinations(["Nord", "Ost", "Sued", "West"], 2):
        a, b = d.loc[d.region == seg_a, "score"], d.loc[d.region == seg_b, "score"]
        t, p, dof = ttest_ind(a, b, usevar="pooled")
        row = pairs[(pairs.segment_a == seg_a) & (pairs.segment_b == seg_b)].iloc[0]
        assert (row["statistic"], row["p_value"], row["dof"]) == pytest.approx((t, p, dof))
    assert cells.set_index("region")["sd"].to_dict() == pytest.approx(d.groupby("region")["score"].std().to_dict())


def test_weighted_tests_use_the_effective_base():
    d = _data(weights=True)
    cells = column_tests(d, segment="region", value="score", kind="mean", correction="holm").set_index("region")
    pairs = column_pairs(cells.reset_index(), segment="region", kind="mean", correction="none")
    hand = {}
    for seg, g in d.groupby("region"):
        w, x = g["weight"].to_numpy(), g["score"].to_numpy()
        n_eff = w.sum() ** 2 / (w ** 2).sum()
        m = (w * x).sum() / w.sum()
        s2 = (w * (x - m) ** 2).sum() / w.sum() * n_eff / (n_eff - 1)
        hand[seg] = (n_eff, m, s2)
        assert cells.loc[seg, "n_effective"] == pytest.approx(n_eff)
        assert cells.loc[seg, "n_weighted"] == pytest.approx(w.sum())
        assert cells.loc[seg, "value"] == pytest.approx(m)
    (na, ma, va), (nb, mb, vb) = hand["Nord"], hand["Ost"]
    s2 = ((na - 1) * va + (nb - 1) * vb) / (na + nb - 2)
    t = (ma - mb) / np.sqrt(s2 * (1 / na + 1 / nb))
    row = pairs[(pairs.segment_a == "Nord") & (pairs.segment_b == "Ost")].iloc[0]
    assert row["statistic"] == pytest.approx(t)
    assert row["p_value"] == pytest.approx(2 * stats.t.sf(abs(t), na + nb - 2))
    # weighted proportion test: pooled z on effective bases
    cells = column_tests(d, segment="region", value="top", kind="proportion", correction="none")
    pairs = column_pairs(cells, segment="region", kind="proportion", correction="none")
    g = {s: grp for s, grp in d.groupby("region")}
    pa = np.average(g["Nord"]["top"], weights=g["Nord"]["weight"])
    pb = np.average(g["West"]["top"], weights=g["West"]["weight"])
    na, nb = (x["weight"].sum() ** 2 / (x["weight"] ** 2).sum() for x in (g["Nord"], g["West"]))
    pool = (na * pa + nb * pb) / (na + nb)
    z = (pa - pb) / np.sqrt(pool * (1 - pool) * (1 / na + 1 / nb))
    row = pairs[(pairs.segment_a == "Nord") & (pairs.segment_b == "West")].iloc[0]
    assert row["statistic"] == pytest.approx(z)


def test_equal_weights_change_nothing_and_zero_weights_are_no_respondents():
    d = _data()
    plain = column_tests(d, segment="region", value="score", weight=None)
    doubled = column_tests(d.assign(weight=2.0), segment="region", value="score")
    assert doubled["n_effective"].tolist() == pytest.approx(plain["n"].astype(float).tolist())
    assert doubled["higher_than"].tolist() == plain["higher_than"].tolist()
    zero = d.assign(weight=np.where(np.arange(len(d)) % 3 == 0, 0.0, 1.0))
    out = column_tests(zero, segment="region", value="score").set_index("region")
    assert out.loc["Nord", "n"] == (zero[(zero.region == "Nord")].weight > 0).sum()


def test_untestable_pairs_get_no_letter_and_say_why():
    d = pd.DataFrame({"seg": ["a"] * 40 + ["b"] * 40 + ["c"] * 5,
                      "x": [4.0] * 40 + [2.0] * 40 + [1.0, 5.0, 3.0, 3.0, 2.0]})
    cells = column_tests(d, segment="seg", value="x", weight=None, min_n=30, suppress_n=10)
    pairs = column_pairs(cells, segment="seg", kind="mean")
    assert pairs.set_index(["segment_a", "segment_b"]).loc[("a", "b"), "reason"] == "no_variance"
    assert set(pairs.loc[pairs.segment_b == "c", "reason"]) == {"suppressed"}
    assert (cells["higher_than"] == "").all() and np.isnan(cells.set_index("seg").loc["c", "value"])
    props = column_tests(d.assign(x=(d.seg == "a").astype(int)).iloc[:80], segment="seg", value="x",
                         kind="proportion", weight=None)
    # 100 % against 0 %: the pooled variance is positive, so this one is testable and significant
    assert props.set_index("seg").loc["a", "higher_than"] == "B"


def test_bad_input_and_letters():
    d = _data()
    with pytest.raises(ParameterError, match="correction"):
        column_tests(d, segment="region", value="score", correction="sidak")
    with pytest.raises(ParameterError, match="kind"):
        column_tests(d, segment="region", value="score", kind="median")
    with pytest.raises(ParameterError, match="0 and 1"):
        column_tests(d, segment="region", value="score", kind="proportion")
    with pytest.raises(ParameterError, match="segment"):
        column_tests(d, segment="land", value="score")
    with pytest.raises(ParameterError, match="weight"):
        column_tests(d.assign(weight=-1.0), segment="region", value="score")
    assert column_letters(28)[-3:] == ["Z", "AA", "AB"]
    rows = column_tests(d.assign(q=np.where(d.index % 2, "q1", "q2")), segment="region", value="score", by="q")
    assert len(rows) == 8 and set(rows["q"]) == {"q1", "q2"}
