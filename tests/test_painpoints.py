"""Pain-point ranking: every evidence column recomputed by hand with pandas."""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from cjkit.errors import ParameterError
from cjkit.stats.painpoints import rank_painpoints

UNITS = [("web", "information", "website"), ("shop", "purchase", "online_shop"),
         ("hotline", "service", "hotline")]


def _survey(seed=3, n=300):
    rng = np.random.default_rng(seed)
    ids = [f"r{i}" for i in range(n)]
    rows = []
    for q, phase, tp in UNITS:
        p = {"web": [0.05, 0.1, 0.25, 0.3, 0.3], "shop": [0.2, 0.2, 0.2, 0.2, 0.2],
             "hotline": [0.3, 0.3, 0.2, 0.1, 0.1]}[q]
        v = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0], n, p=p)
        if q == "hotline":
            v[rng.random(n) < 0.7] = np.nan  # most never called: few raters
        rows.append(pd.DataFrame({"respondent_id": ids, "question": q, "type": "csat", "role": "driver",
                                  "phase": phase, "touchpoint": tp, "value": v}))
    wide = pd.concat(rows).pivot(index="respondent_id", columns="question", values="value")
    overall = np.clip(np.round(1.5 + 0.3 * wide["web"].fillna(3) + 0.4 * wide["shop"] + rng.normal(0, 0.5, n)), 1, 5)
    rows.append(pd.DataFrame({"respondent_id": wide.index, "question": "overall", "type": "csat",
                              "role": "overall", "phase": "retention", "touchpoint": None,
                              "value": overall.to_numpy()}))
    long = pd.concat(rows, ignore_index=True)
    long["weight"] = 1.0
    long["text"] = pd.Series(pd.NA, index=long.index, dtype="string")
    comments = pd.DataFrame({"respondent_id": ids[:12], "question": "comment", "type": "open", "role": "comment",
                             "phase": None, "touchpoint": None, "value": np.nan, "weight": 1.0,
                             "text": [f"Lieferung kam nie an, schreibt mir an kunde{i}@example.de" for i in range(12)]})
    long = pd.concat([long, comments], ignore_index=True)
    coded = pd.DataFrame({
        "respondent_id": ids[:12] + ids[:3] + ids[20:26],
        "question": "comment",
        "code": ["delivery_late"] * 12 + ["shop_slow"] * 3 + ["web_praise"] * 6,
        "phase": ["delivery"] * 12 + ["purchase"] * 3 + ["information"] * 6,
        "touchpoint": ["delivery"] * 12 + ["online_shop"] * 3 + ["website"] * 6,
        "polarity": [-1] * 15 + [1] * 6,
        "evidence": ["kam nie an"] * 12 + ["zu langsam"] * 3 + ["toll"] * 6,
    })
    drivers = pd.DataFrame({"driver": ["web", "shop", "hotline"], "phase": ["information", "purchase", "service"],
                            "touchpoint": ["website", "online_shop", "hotline"],
                            "relative_weight_pct": [35.0, 60.0, 5.0]})
    return long, coded, drivers


@pytest.fixture
def fake_pii(monkeypatch):
    calls = []

    def mask_pii(series):
        calls.append(len(series))
        return series.str.replace(r"\S+@\S+", "[EMAIL]", regex=True)
    monkeypatch.setattr("cjkit.stats.painpoints.mask_pii", mask_pii)  # the default mask, looked up per call
    return calls


def test_evidence_columns_recomputed_by_hand(fake_pii):
    long, coded, drivers = _survey()
    out = rank_painpoints(long, coded=coded, driver_table=drivers, outcome="overall", min_n=30, suppress_n=10)
    out = out.set_index("touchpoint")
    y = long[long.question == "overall"].set_index("respondent_id")["value"]
    for q, phase, tp in UNITS:
        r = long[(long.question == q) & long.value.notna()].set_index("respondent_id")["value"]
        low = r <= 2
        assert out.loc[tp, "n"] == len(r)
        assert out.loc[tp, "n_low"] == low.sum()
        assert out.loc[tp, "low_share"] == pytest.approx(low.mean())
        assert out.loc[tp, "effect"] == pytest.approx(y[low[low].index].mean() - y[low[~low].index].mean())
    assert out.loc["online_shop", "n_mentions"] == 3
    assert out.loc["online_shop", "mention_share"] == pytest.approx(3 / 300)
    assert out.loc["website", "n_mentions"] == 0  # praise is not a pain point
    assert out.loc["online_shop", "driver_impact"] == 60.0
    # a unit only mentioned, never rated: base = mentioners, effect from mentioners vs the rest
    assert out.loc["delivery", "n"] == 12 and np.isnan(out.loc["delivery", "low_share"])
    mentioned = y.index.isin([f"r{i}" for i in range(12)])
    assert out.loc["delivery", "effect"] == pytest.approx(y[mentioned].mean() - y[~mentioned].mean())
    assert out.loc["delivery", "flag"] == "low_base"


def test_score_is_incidence_times_impact(fake_pii):
    long, coded, drivers = _survey()
    out = rank_painpoints(long, coded=coded, driver_table=drivers, outcome="overall", min_n=0, suppress_n=0)
    comp = pd.DataFrame({
        "low_share": out["low_share"] / out["low_share"].max(),
        "mention_share": out["mention_share"] / out["mention_share"].max(),
        "driver_impact": out["driver_impact"] / out["driver_impact"].max(),
        "effect": (-out["effect"]).clip(lower=0) / (-out["effect"]).clip(lower=0).max(),
    }).fillna(0)
    incidence = comp[["low_share", "mention_share"]].mean(axis=1)
    impact = comp[["driver_impact", "effect"]].mean(axis=1)
    assert out["score"].to_numpy() == pytest.approx((incidence * impact).to_numpy())
    assert out["rank"].tolist() == list(range(1, len(out) + 1))
    assert out["score"].is_monotonic_decreasing
    assert set(out["basis"]) == {"low_share+mention_share+driver_impact+effect"}
    only_ratings = rank_painpoints(long, components={"mention_share": 0, "driver_impact": 0, "effect": 0},
                                   min_n=0, suppress_n=0)
    assert only_ratings["touchpoint"].iloc[0] == "hotline"  # the worst-rated touchpoint
    assert set(only_ratings["basis"]) == {"low_share"}


def test_verbatims_are_masked_and_whole_answers_preferred(fake_pii):
    long, coded, drivers = _survey()
    out = rank_painpoints(long, coded=coded, driver_table=drivers, outcome="overall", n_examples=2, min_n=0, suppress_n=0)
    ex = out.set_index("touchpoint").loc["delivery", "examples"]
    assert fake_pii and "@" not in ex and "[EMAIL]" in ex
    assert ex.count(" | ") == 1 and "Lieferung kam nie an" in ex
    assert out.set_index("touchpoint").loc["online_shop", "examples"].startswith("Lieferung")


def test_base_rule_suppresses_small_units(fake_pii):
    long, coded, drivers = _survey()
    out = rank_painpoints(long, coded=coded, driver_table=drivers, outcome="overall", min_n=150, suppress_n=100).set_index("touchpoint")
    assert out.loc["hotline", "flag"] == "suppressed"  # ~90 raters
    assert np.isnan(out.loc["hotline", "score"]) and pd.isna(out.loc["hotline", "rank"])
    assert out.loc["delivery", "flag"] == "suppressed" and pd.isna(out.loc["delivery", "examples"])
    assert out.index[-1] in ("hotline", "delivery")


def test_level_phase_and_bad_input(fake_pii):
    long, coded, drivers = _survey()
    out = rank_painpoints(long, coded=coded, driver_table=drivers, by="phase", min_n=0, suppress_n=0)
    assert list(out.columns[:2]) == ["phase", "n"] and "delivery" in set(out.phase)
    with pytest.raises(ParameterError, match="coded"):
        rank_painpoints(long, coded=coded.drop(columns="polarity"))
    with pytest.raises(ParameterError, match="by"):
        rank_painpoints(long, by="channel")


@pytest.mark.slow
def test_airline_painpoint_ranking(shared_data):
    from test_metrics import _airline_long
    wide = pd.read_csv(shared_data / "airline_satisfaction" / "airline_passenger_satisfaction.zip")
    wide = wide.sample(20_000, random_state=11)
    long = _airline_long(wide)
    sat = pd.DataFrame({"respondent_id": wide["ID"].astype(str), "question": "satisfaction", "type": "single",
                        "role": "overall", "weight": 1.0,
                        "value": (wide["Satisfaction"] == "Satisfied").astype(float).to_numpy()})
    long = pd.concat([long, sat], ignore_index=True)
    from cjkit.stats.drivers import key_drivers
    kd = key_drivers(long, outcome="satisfaction")
    out = rank_painpoints(long, driver_table=kd, outcome="satisfaction")
    assert len(out) == 12 and out["rank"].tolist() == list(range(1, 13))  # 14 ratings on 12 touchpoints
    assert out["driver_impact"].sum() == pytest.approx(100.0)
    wifi = wide["In-flight Wifi Service"].replace(0, np.nan).dropna()
    assert out.set_index("touchpoint").loc["wifi", "low_share"] == pytest.approx((wifi <= 2).mean())
    assert (out["effect"] < 0).sum() >= 10  # low ratings go with less satisfaction almost everywhere
