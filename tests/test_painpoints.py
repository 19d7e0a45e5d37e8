"""Pain-point ranking: every evidence column and the score recomputed by hand with pandas, the
consistency rule with the importance-performance analysis, and the top 3 on real surveys."""
from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from cjkit.errors import ParameterError
from cjkit.stats.painpoints import painpoint_method, rank_painpoints

UNITS = [("web", "information", "website"), ("shop", "purchase", "online_shop"),
         ("hotline", "service", "hotline")]


def _survey(seed=3, n=300):
    rng = np.random.default_rng(seed)
    ids = [f"r{i}" for i in range(n)]
    weights = rng.choice([0.5, 1.0, 2.0], n)
    rows = []
    for q, phase, tp in UNITS:
        p = {"web": [0.05, 0.1, 0.25, 0.3, 0.3], "shop": [0.2, 0.2, 0.2, 0.2, 0.2],
             "hotline": [0.3, 0.3, 0.2, 0.1, 0.1]}[q]
        v = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0], n, p=p)
        if q == "hotline":
            v[rng.random(n) < 0.7] = np.nan  # most never called: few raters
        rows.append(pd.DataFrame({"respondent_id": ids, "question": q, "type": "csat", "role": "driver",
                                  "phase": phase, "touchpoint": tp, "value": v, "weight": weights}))
    wide = pd.concat(rows).pivot(index="respondent_id", columns="question", values="value").loc[ids]
    overall = np.clip(np.round(1.5 + 0.3 * wide["web"].fillna(3) + 0.4 * wide["shop"] + rng.normal(0, 0.5, n)), 1, 5)
    rows.append(pd.DataFrame({"respondent_id": ids, "question": "overall", "type": "csat",
                              "role": "overall", "phase": "retention", "touchpoint": None,
                              "value": overall.to_numpy(), "weight": weights}))
    long = pd.concat(rows, ignore_index=True)
    long["text"] = pd.Series(pd.NA, index=long.index, dtype="string")
    comments = pd.DataFrame({"respondent_id": ids[:40], "question": "comment", "type": "open", "role": "comment",
                             "phase": None, "touchpoint": None, "value": np.nan, "weight": weights[:40],
                             "text": [f"Lieferung kam nie an, schreibt mir an kunde{i}@example.de" for i in range(40)]})
    long = pd.concat([long, comments], ignore_index=True)
    coded = pd.DataFrame({
        "respondent_id": ids[:40] + ids[:3] + ids[20:26],
        "question": "comment",
        "code": ["delivery_late"] * 40 + ["shop_slow"] * 3 + ["web_praise"] * 6,
        # the shop complaints are coded to the delivery phase: the touchpoint decides where they count
        "phase": ["delivery"] * 40 + ["delivery"] * 3 + ["information"] * 6,
        "touchpoint": ["delivery"] * 40 + ["online_shop"] * 3 + ["website"] * 6,
        "polarity": [-1] * 43 + [1] * 6,
        "evidence": ["kam nie an"] * 40 + ["zu langsam"] * 3 + ["toll"] * 6,
    })
    drivers = pd.DataFrame({"driver": ["web", "shop", "hotline"], "phase": ["information", "purchase", "service"],
                            "touchpoint": ["website", "online_shop", "hotline"],
                            "relative_weight": [0.14, 0.24, 0.02], "relative_weight_pct": [35.0, 60.0, 5.0],
                            "sign": [1, 1, -1], "r2": 0.4, "flag": ""})
    return long, coded, drivers


def _wmean(x, w):
    return float(np.sum(x * w) / np.sum(w))


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
    resp = long.drop_duplicates("respondent_id").set_index("respondent_id")["weight"]
    y = long[long.question == "overall"].set_index("respondent_id")["value"]
    for q, phase, tp in UNITS:
        r = long[(long.question == q) & long.value.notna()].set_index("respondent_id")
        low = r["value"] <= 2
        assert out.loc[tp, "n"] == len(r)
        assert out.loc[tp, "n_low"] == low.sum()
        assert out.loc[tp, "low_share"] == pytest.approx(_wmean(low, r["weight"]))
        assert out.loc[tp, "performance"] == pytest.approx(_wmean((r["value"] - 1) / 4 * 100, r["weight"]))
        assert out.loc[tp, "gap"] == pytest.approx(75 - out.loc[tp, "performance"])
        wl, wh = r["weight"][low], r["weight"][~low]
        assert out.loc[tp, "effect"] == pytest.approx(_wmean(y[wl.index], wl) - _wmean(y[wh.index], wh))
    # signed derived importance in percent of outcome variance: 0.24 * 100, and -0.02 * 100 for the hotline
    assert out.loc["online_shop", "driver_impact"] == pytest.approx(24.0)
    assert out.loc["hotline", "driver_impact"] == pytest.approx(-2.0)
    # the three shop complaints count for the shop's own phase (purchase), weighted by the respondents
    assert out.loc["online_shop", "phase"] == "purchase" and out.loc["online_shop", "n_mentions"] == 3
    assert out.loc["online_shop", "mention_share"] == pytest.approx(resp[["r0", "r1", "r2"]].sum() / resp.sum())
    assert out.loc["website", "n_mentions"] == 0  # praise is not a pain point
    # a unit only mentioned, never rated: base = mentioners, effect from mentioners vs the rest
    assert out.loc["delivery", "n"] == 40 and np.isnan(out.loc["delivery", "low_share"])
    m = y.index.isin([f"r{i}" for i in range(40)])
    assert out.loc["delivery", "effect"] == pytest.approx(_wmean(y[m], resp[y.index][m]) - _wmean(y[~m], resp[y.index][~m]))


def test_score_status_and_rank_follow_the_ipa(fake_pii):
    long, coded, drivers = _survey()
    out = rank_painpoints(long, coded=coded, driver_table=drivers, outcome="overall", min_n=30, suppress_n=10)
    out = out.set_index("touchpoint")
    # hand IPA: mean of the weighted driver means and of the importances (relative_weight_pct)
    means = {q: _wmean(g["value"], g["weight"]) for q, g in long[long.value.notna()].groupby("question")}
    perf_cut = np.mean([means["web"], means["shop"], means["hotline"]])
    imp_cut = np.mean([35.0, 60.0, 5.0])
    assert means["shop"] < perf_cut and 60 >= imp_cut  # shop: fix first
    assert means["web"] >= perf_cut and 35 >= imp_cut  # web: keep up
    assert out.loc["online_shop", "quadrant"] == "fix_first" and out.loc["online_shop", "status"] == "fix_first"
    assert out.loc["website", "status"] == "keep_up" and pd.isna(out.loc["website", "rank"])
    assert out.loc["hotline", "status"] == "negative_direction"  # rated badly, but the driver points the other way
    assert out.loc["hotline", "score"] == 0.0 and pd.isna(out.loc["hotline", "rank"])
    # the exception: never rated, complained about by 40 of 300 (weighted share well above 5 %)
    assert out.loc["delivery", "status"] == "raised_unprompted"
    for tp in ("online_shop", "website"):
        assert out.loc[tp, "score"] == pytest.approx(out.loc[tp, "low_share"] * max(out.loc[tp, "driver_impact"], 0))
    # scored pain points first, an unscored exception after them
    assert out.loc["online_shop", "rank"] == 1 and out.loc["delivery", "rank"] == 2
    assert list(out.index[:2]) == ["online_shop", "delivery"]
    # the exception needs its threshold and the minimum base of complaints
    strict = rank_painpoints(long, coded=coded, driver_table=drivers, min_mention_share=0.5).set_index("touchpoint")
    assert strict.loc["delivery", "status"] == "no_position" and pd.isna(strict.loc["delivery", "rank"])
    high_base = rank_painpoints(long, coded=coded, driver_table=drivers, min_n=41, suppress_n=10).set_index("touchpoint")
    assert high_base.loc["delivery", "status"] == "no_position"


def test_scores_are_absolute_not_relative_to_the_run(fake_pii):
    long, coded, drivers = _survey()
    full = rank_painpoints(long, driver_table=drivers, min_n=0, suppress_n=0).set_index("touchpoint")
    # drop the best-scoring unit: nothing else moves (no scaling by a run's maximum)
    rest = rank_painpoints(long[long.question != "shop"], driver_table=drivers[drivers.driver != "shop"],
                           min_n=0, suppress_n=0).set_index("touchpoint")
    assert rest.loc["website", "score"] == pytest.approx(full.loc["website", "score"])
    assert rest.loc["website", "low_share"] == pytest.approx(full.loc["website", "low_share"])
    # a segment: its own shares, by hand, on the same scale as the total
    seg = long[long.respondent_id.isin([f"r{i}" for i in range(150)])]
    part = rank_painpoints(seg, driver_table=drivers, min_n=0, suppress_n=0).set_index("touchpoint")
    r = seg[(seg.question == "web") & seg.value.notna()]
    assert part.loc["website", "score"] == pytest.approx(_wmean(r["value"] <= 2, r["weight"]) * 14.0)


def test_verbatims_are_masked_and_whole_answers_preferred(fake_pii):
    long, coded, drivers = _survey()
    out = rank_painpoints(long, coded=coded, driver_table=drivers, outcome="overall", n_examples=2, min_n=0, suppress_n=0)
    ex = out.set_index("touchpoint").loc["delivery", "examples"]
    assert fake_pii and "@" not in ex and "[EMAIL]" in ex
    assert ex.count(" | ") == 1 and "Lieferung kam nie an" in ex
    assert out.set_index("touchpoint").loc["online_shop", "examples"].startswith("Lieferung")


def test_base_rule_suppresses_small_units(fake_pii):
    long, coded, drivers = _survey()
    out = rank_painpoints(long, coded=coded, driver_table=drivers, outcome="overall", min_n=150, suppress_n=110).set_index("touchpoint")
    assert out.loc["hotline", "flag"] == "suppressed" and out.loc["hotline", "status"] == "suppressed"  # 103 raters
    assert np.isnan(out.loc["hotline", "score"]) and pd.isna(out.loc["hotline", "rank"])
    assert out.loc["delivery", "flag"] == "suppressed" and pd.isna(out.loc["delivery", "examples"])


def test_level_phase_and_bad_input(fake_pii):
    long, coded, drivers = _survey()
    out = rank_painpoints(long, coded=coded, driver_table=drivers, by="phase", min_n=0, suppress_n=0)
    assert list(out.columns[:2]) == ["phase", "n"] and "delivery" in set(out.phase)
    with pytest.raises(ParameterError, match="coded"):
        rank_painpoints(long, coded=coded.drop(columns="polarity"))
    with pytest.raises(ParameterError, match="by"):
        rank_painpoints(long, by="channel")
    with pytest.raises(ParameterError, match="min_mention_share"):
        rank_painpoints(long, min_mention_share=5)
    with pytest.raises(ParameterError, match="relative_weight"):
        rank_painpoints(long, driver_table=drivers.drop(columns=["relative_weight", "r2"]))


def test_method_text_in_both_languages():
    de, en = painpoint_method(lang="de"), painpoint_method(lang="en", target=80, min_mention_share=0.1)
    assert "Anteil Unzufriedener" in de and "5\u00a0%" in de and "Zuerst verbessern" in de
    assert "target 80" in en and "10%" in en and "fix first" in en
    with pytest.raises(ParameterError, match="lang"):
        painpoint_method(lang="fr")


# --- real surveys through the Study API: the top 3 agree with the report's IPA ---------------

def _check_top3(study, coded):
    import cjkit as cj
    pains = cj.report.painpoint_table(study, coded, lang="en")
    ipa = cj.report.ipa_table(study, lang="en")
    fix_first = set(ipa.loc[ipa["quadrant"] == "fix_first", "touchpoint"].astype(str))
    top = pains[pains["rank"].notna()].sort_values("rank").head(3)
    assert len(top) >= 1 and top["rank"].tolist() == list(range(1, len(top) + 1))
    for _, row in top.iterrows():
        if row["touchpoint"] in fix_first:
            assert row["status"] == "fix_first"
        else:  # the stated exception, checked by hand from the coded answers
            assert row["status"] == "raised_unprompted"
            neg = coded[(coded["polarity"] < 0) & (coded["touchpoint"] == row["touchpoint"])]
            w = study.long.drop_duplicates("respondent_id").set_index("respondent_id")["weight"]
            share = w[neg["respondent_id"].unique()].sum() / w.sum()
            assert share >= 0.05 and len(neg["respondent_id"].unique()) >= 30
            assert ipa.set_index("touchpoint")["quadrant"].get(row["touchpoint"], "low_priority") == "low_priority"
    return pains, top


@pytest.fixture(scope="module")
def airline_study(shared_data, root, tmp_path_factory):
    import cjkit as cj
    folder = tmp_path_factory.mktemp("airline")
    spec = yaml.safe_load((root / "surveys" / "airline" / "spec.yaml").read_text(encoding="utf-8"))
    for q in spec["questions"]:
        if q["id"] == "satisfaction":
            q.setdefault("positive", "Satisfied")
    spec["data"] = "sample.csv"
    shutil.copy(root / "surveys" / "airline" / "touchpoints.yaml", folder / "touchpoints.yaml")
    pd.read_csv(shared_data / "airline_satisfaction" / "airline_passenger_satisfaction.zip").sample(
        4000, random_state=1).to_csv(folder / "sample.csv", index=False)
    (folder / "spec.yaml").write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return cj.open_study(folder / "spec.yaml")


def test_airline_top_pain_points_lie_in_fix_first(airline_study):
    pains, top = _check_top3(airline_study, None)
    assert top["touchpoint"].iloc[0] == "wifi"  # not online boarding, which the IPA calls "keep up"
    boarding = pains.set_index("touchpoint").loc["online_boarding"]
    assert boarding["status"] == "keep_up" and pd.isna(boarding["rank"])
    # wifi recomputed from the wide data: 0 = not applicable, bottom-2 of 1-5, index 0-100
    wifi = airline_study.wide["In-flight Wifi Service"].replace(0, np.nan).dropna()
    row = pains.set_index("touchpoint").loc["wifi"]
    assert row["low_share"] == pytest.approx((wifi <= 2).mean())
    assert row["performance"] == pytest.approx(((wifi - 1) / 4 * 100).mean())
    assert row["driver_impact"] > 0 and row["score"] == pytest.approx((wifi <= 2).mean() * row["driver_impact"])
    # departure/arrival time has a negative coefficient in the driver model: not counted as important
    schedule = pains.set_index("touchpoint").loc["flight_schedule"]
    assert schedule["driver_impact"] < 0 and schedule["status"] == "negative_direction" and schedule["score"] == 0


def test_demo_top_pain_points_lie_in_fix_first_or_the_exception(root):
    import cjkit as cj
    study = cj.open_study(root / "surveys" / "demo" / "spec.yaml")
    coded = cj.report.coded_comments(study)
    pains, top = _check_top3(study, coded)
    assert "wifi" in set(top["touchpoint"])  # the planted slow Wi-Fi
    assert "room" not in set(top["touchpoint"])  # rated well (IPA "keep up"), whatever is written about it


def test_a_unit_without_phase_is_one_row_whether_rated_or_mentioned(fake_pii):
    long, coded, _ = _survey()
    # the hotline is rated without a phase, and the same unit (no phase, hotline) is mentioned
    long.loc[long["question"] == "hotline", "phase"] = None
    extra = coded.iloc[:12].assign(code="hotline_wait", phase=None, touchpoint="hotline", evidence="Warteschleife")
    out = rank_painpoints(long, coded=pd.concat([coded, extra], ignore_index=True), outcome="overall")
    hotline = out[out["touchpoint"] == "hotline"]
    assert len(hotline) == 1 and hotline["phase"].isna().all()
    raters = long[(long["question"] == "hotline") & long["value"].notna()]
    assert hotline["n"].item() == len(raters)                         # the rating base, counted here
    assert hotline["n_mentions"].item() == extra["respondent_id"].nunique()  # and its 12 mentions beside it
