"""Persona comparison and wave trend tables recomputed with pandas and scipy."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from cjkit.stats.compare import persona_comparison, wave_trend
from cjkit.errors import ParameterError


def _survey(seed=8, n=900):
    rng = np.random.default_rng(seed)
    persona = rng.choice(["Sparfuchs", "Komfort", "Business"], n, p=[0.45, 0.4, 0.15])
    wave = pd.Categorical(rng.choice(["W2", "W10", "W1"], n), categories=["W1", "W2", "W10"], ordered=True)
    trend = pd.Series({"W1": 0.0, "W2": 0.2, "W10": 0.5})[np.asarray(wave)].to_numpy()
    bonus = pd.Series({"Sparfuchs": -0.3, "Komfort": 0.3, "Business": 0.0})[persona].to_numpy()
    resp = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(n)], "persona": persona, "wave": wave,
                         "weight": 1.0})
    sat = np.clip(np.round(rng.normal(3.2 + bonus + trend, 1.0)), 1, 5)
    rec = np.clip(np.round(rng.normal(7 + bonus + trend, 2.0)), 0, 10)
    return pd.concat([resp.assign(question="sat", type="csat", value=sat),
                      resp.assign(question="nps", type="nps", value=rec)], ignore_index=True)


def test_persona_values_total_and_rest_tests():
    long = _survey()
    out = persona_comparison(long, segment_column="persona", questions=["sat"])
    s = long[long.question == "sat"]
    pvals = []
    for _, r in out.iterrows():
        mine = s.loc[s.persona == r.segment, "value"]
        rest = s.loc[s.persona != r.segment, "value"]
        assert r.value == pytest.approx(mine.mean())
        assert r.total == pytest.approx(s["value"].mean())
        assert r.difference_vs_rest == pytest.approx(mine.mean() - rest.mean())
        assert r.p_value == pytest.approx(stats.ttest_ind(mine, rest, equal_var=False).pvalue)
        pvals.append(r.p_value)
    assert out["p_adjusted"].to_numpy() == pytest.approx(multipletests(pvals, method="holm")[1])
    kom = out.set_index("segment").loc["Komfort"]
    assert kom.direction == "higher" and kom.significant
    assert {"variable", "segment", "ci_low", "ci_high", "n", "flag"} <= set(out.columns)
    assert set(out["variable"]) == {"persona"}


def test_persona_nps_comparison_has_nps_scale():
    long = _survey()
    out = persona_comparison(long, segment_column="persona", questions=["nps"], metric="nps")
    s = long[long.question == "nps"]
    for _, r in out.iterrows():
        x = s.loc[s.persona == r.segment, "value"]
        assert r.value == pytest.approx(100 * ((x >= 9).mean() - (x <= 6).mean()))
        assert -100 <= r.ci_low < r.value < r.ci_high <= 100


def test_wave_trend_changes_follow_wave_order():
    long = _survey()
    out = wave_trend(long, wave_column="wave", questions=["sat"])
    assert out["wave"].tolist() == ["W1", "W2", "W10"]  # category order, not string order
    assert out["wave_order"].tolist() == [0, 1, 2]
    s = long[long.question == "sat"]
    means = s.groupby("wave", observed=True)["value"].mean()
    assert np.isnan(out["change"].iloc[0])
    for i, (prev, cur) in enumerate([("W1", "W2"), ("W2", "W10")], start=1):
        assert out["change"].iloc[i] == pytest.approx(means[cur] - means[prev])
        ref = stats.ttest_ind(s.loc[s.wave == cur, "value"], s.loc[s.wave == prev, "value"], equal_var=False)
        assert out["p_value"].iloc[i] == pytest.approx(ref.pvalue)
    assert out["value"].is_monotonic_increasing


def test_wave_trend_top2_and_base_rule():
    long = _survey(n=120)
    out = wave_trend(long, wave_column="wave", questions=["sat"], metric="top2", min_n=40, suppress_n=36)
    s = long[long.question == "sat"]
    for _, r in out.iterrows():
        g = s[s.wave == r.wave]["value"]
        if len(g) < 36:
            assert r.flag == "suppressed" and np.isnan(r.value)
        else:
            assert r.value == pytest.approx((g >= 4).mean())
            assert r.flag == ("low_base" if len(g) < 40 else "")
    assert set(out["flag"]) == {"", "low_base", "suppressed"}


def test_errors_name_the_parameter():
    long = _survey()
    with pytest.raises(ParameterError, match="segment_column"):
        persona_comparison(long, segment_column="cluster")
    with pytest.raises(ParameterError, match="at least 2"):
        wave_trend(long.assign(wave="W1"), wave_column="wave")


def test_persona_comparison_of_a_phase_index():
    long = _survey().assign(phase="usage")
    out = persona_comparison(long, segment_column="persona", by=["phase"], questions=["sat", "nps"])
    assert set(out["metric"]) == {"index"}
    s = long.assign(x=np.where(long.question == "nps", long.value / 10, (long.value - 1) / 4) * 100)
    idx = s.groupby(["persona", "respondent_id"])["x"].mean().groupby("persona").mean()
    for _, r in out.iterrows():
        assert r.value == pytest.approx(idx[r.segment])


def test_segment_and_wave_tables_take_the_design_based_errors():
    from cjkit.report.study import example_study
    from cjkit.stats.design import design_frame, taylor_mean
    long = example_study().long
    t = persona_comparison(long, segment_column="persona", questions=["overall"], se_method="taylor")
    resp = long[long["question"] == "overall"]
    for _, row in t.iterrows():
        dom = (resp["persona"] == row["segment"]).to_numpy()
        ref = taylor_mean(resp["value"], resp["weight"], design_frame(resp), domain=dom)
        half = stats.t.ppf(0.975, ref["dof"]) * ref["se"]
        assert row["value"] == pytest.approx(ref["value"])
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((ref["value"] - half, ref["value"] + half))
    assert t["p_value"].notna().all()
    w = wave_trend(long, wave_column="wave", questions=["overall"], se_method="taylor")
    assert w["change"].notna().sum() == 1
