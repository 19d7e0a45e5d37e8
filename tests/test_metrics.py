"""Metrics checked against statsmodels, scipy and plain pandas/numpy recomputations."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from cjkit.errors import DataError, ParameterError
from cjkit.stats.metrics import metrics, nps, wilson_interval

AIRLINE_RATINGS = {  # CSV column -> (question id, phase, touchpoint)
    "Ease of Online Booking": ("online_booking", "booking", "booking"),
    "Departure and Arrival Time Convenience": ("time_convenience", "booking", "schedule"),
    "Check-in Service": ("checkin", "airport", "check_in"),
    "Gate Location": ("gate_location", "airport", "gate"),
    "Online Boarding": ("online_boarding", "airport", "boarding"),
    "Seat Comfort": ("seat", "flight", "seat"),
    "Leg Room Service": ("leg_room", "flight", "seat"),
    "Cleanliness": ("cleanliness", "flight", "cleanliness"),
    "Food and Drink": ("food", "flight", "food_beverage"),
    "In-flight Service": ("inflight_service", "flight", "cabin_service"),
    "On-board Service": ("onboard_service", "flight", "cabin_service"),
    "In-flight Wifi Service": ("wifi", "flight", "wifi"),
    "In-flight Entertainment": ("entertainment", "flight", "entertainment"),
    "Baggage Handling": ("baggage", "arrival", "baggage"),
}


def _airline_long(wide: pd.DataFrame) -> pd.DataFrame:
    """Long frame of the airline survey; 0 = 'not applicable' becomes NaN with a reason."""
    wide = wide.rename(columns={"ID": "respondent_id", "Class": "travel_class"})
    wide["respondent_id"] = wide["respondent_id"].astype(str)
    long = wide[["respondent_id", "travel_class", *AIRLINE_RATINGS]].melt(
        id_vars=["respondent_id", "travel_class"], var_name="column", value_name="raw")
    meta = pd.DataFrame([(c, *v) for c, v in AIRLINE_RATINGS.items()],
                        columns=["column", "question", "phase", "touchpoint"])
    long = long.merge(meta, on="column")
    long["value"] = long["raw"].astype(float).where(long["raw"] > 0)
    long["missing_reason"] = np.where(long["raw"] == 0, "code 0: not applicable", None)
    long["type"], long["role"], long["weight"] = "rating", "driver", 1.0
    long["phase"] = pd.Categorical(long["phase"], ["booking", "airport", "flight", "arrival"], ordered=True)
    return long.drop(columns=["column", "raw"])


def _survey(seed=0, n=400, weighted=True):
    rng = np.random.default_rng(seed)
    resp = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(n)],
                         "persona": rng.choice(["a", "b", "c"], n, p=[0.5, 0.4, 0.1]),
                         "weight": rng.uniform(0.3, 3.0, n) if weighted else 1.0})
    qs = [("csat_web", "csat", "information", "website", 1, 5),
          ("csat_shop", "csat", "purchase", "store_visit", 1, 5),
          ("ces", "ces", "service", "hotline", 1, 7),
          ("nps", "nps", "advocacy", None, 0, 10)]
    rows = []
    for q, typ, phase, tp, lo, hi in qs:
        v = rng.integers(lo, hi + 1, n).astype(float)
        v[rng.random(n) < 0.08] = np.nan  # "weiß nicht"
        rows.append(resp.assign(question=q, type=typ, role="driver", phase=phase, touchpoint=tp, value=v,
                                missing_reason=np.where(np.isnan(v), "code 99: weiß nicht", None)))
    return pd.concat(rows, ignore_index=True)


def test_weighted_mean_and_ci_match_descrstatsw():
    long = _survey()
    out = metrics(long, by=["persona", "question"], metrics=["mean"], min_n=0, suppress_n=0)
    for _, row in out.iterrows():
        g = long[(long.persona == row.persona) & (long.question == row.question)].dropna(subset=["value"])
        w = g["weight"].to_numpy()
        n_eff = w.sum() ** 2 / (w ** 2).sum()
        # frequency weights summing to the effective base: the Kish approximation of the design
        d = DescrStatsW(g["value"].to_numpy(), weights=w * n_eff / w.sum())
        lo, hi = d.tconfint_mean(alpha=0.05)
        assert row.value == pytest.approx(d.mean, rel=1e-12)
        assert (row.ci_low, row.ci_high) == pytest.approx((lo, hi), rel=1e-10)
        assert row.n == len(g) and row.n_weighted == pytest.approx(w.sum())
        assert row.n_effective == pytest.approx(n_eff)


def test_unweighted_mean_ci_is_the_t_interval():
    long = _survey(weighted=False)
    out = metrics(long, metrics=["mean"], questions=["csat_web"])
    x = long.loc[(long.question == "csat_web"), "value"].dropna()
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert out[["ci_low", "ci_high"]].iloc[0].tolist() == pytest.approx([lo, hi])


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_top2_wilson_matches_statsmodels(level):
    long = _survey(weighted=False)
    out = metrics(long, by=["persona", "question"], metrics=["top2", "bottom2"], questions=["csat_web", "ces"],
                  level=level, min_n=0, suppress_n=0)
    for _, row in out.iterrows():
        x = long[(long.persona == row.persona) & (long.question == row.question)]["value"].dropna()
        hi_box = 7 if row.question == "ces" else 5
        count = (x >= hi_box - 1).sum() if row.metric == "top2" else (x <= 2).sum()
        lo, hi = proportion_confint(count, len(x), alpha=1 - level, method="wilson")
        assert row.value == pytest.approx(count / len(x))
        assert (row.ci_low, row.ci_high) == pytest.approx((lo, hi), rel=1e-9)


def test_weighted_share_is_weighted_average_of_indicator():
    long = _survey()
    out = metrics(long, metrics=["top2"], questions=["csat_shop"]).iloc[0]
    g = long[long.question == "csat_shop"].dropna(subset=["value"])
    assert out.value == pytest.approx(np.average(g["value"] >= 4, weights=g["weight"]))
    lo, hi = wilson_interval(out.value, out.n_effective)
    assert (out.ci_low, out.ci_high) == pytest.approx((float(lo), float(hi)))


def test_nps_and_ci_against_recoded_mean():
    long = _survey()
    out = metrics(long, questions=["nps"]).set_index("metric")
    g = long[long.question == "nps"].dropna(subset=["value"])
    w = g["weight"].to_numpy()
    # NPS is the weighted mean of +100 / 0 / -100; its multinomial variance is that recode's variance
    recode = np.select([g["value"] >= 9, g["value"] <= 6], [100.0, -100.0], 0.0)
    n_eff = w.sum() ** 2 / (w ** 2).sum()
    d = DescrStatsW(recode, weights=w)
    se = np.sqrt(d.var / n_eff)
    assert out.loc["nps", "value"] == pytest.approx(d.mean)
    assert out.loc["nps", "ci_high"] - out.loc["nps", "value"] == pytest.approx(stats.norm.ppf(0.975) * se)
    shares = out.loc[["promoters", "passives", "detractors"], "value"]
    assert shares.sum() == pytest.approx(1.0)
    assert 100 * (shares["promoters"] - shares["detractors"]) == pytest.approx(out.loc["nps", "value"])


def test_nps_textbook_example():
    # 4 answers: 10 and 9 promote, 8 is passive, 3 detracts -> 50% - 25% = 25
    assert nps([10, 9, 8, 3])["value"].item() == pytest.approx(25.0)
    assert nps([10, 10, 0, np.nan])["value"].item() == pytest.approx(100 * (2 / 3 - 1 / 3))


def test_missing_answers_are_counted_not_dropped():
    long = _survey()
    out = metrics(long, metrics=["mean"])
    per_q = long.groupby("question").size()
    assert (out.set_index("question")["n"] + out.set_index("question")["n_missing"]).equals(per_q.loc[out.question].set_axis(out.question))


def test_base_rule_flags_and_suppresses():
    long = _survey(n=200)
    out = metrics(long, by=["persona", "question"], metrics=["mean"], questions=["csat_web"], min_n=60, suppress_n=25)
    # the base that counts is the Kish effective base (smaller than n when weights vary)
    ans = long[(long["question"] == "csat_web") & long["value"].notna()]
    kish = ans.groupby("persona")["weight"].agg(lambda w: w.sum() ** 2 / (w ** 2).sum())
    for _, row in out.iterrows():
        base = min(row.n, kish[row.persona])
        if base < 25:
            assert row.flag == "suppressed" and np.isnan(row.value) and np.isnan(row.ci_low)
        elif base < 60:
            assert row.flag == "low_base" and not np.isnan(row.value)
        else:
            assert row.flag == ""
    assert set(out.flag) == {"", "low_base", "suppressed"}
    assert (out["n"] >= 25).all()  # suppressed on the effective base alone
    with pytest.raises(ParameterError, match="suppress_n"):
        metrics(long, min_n=10, suppress_n=30)


def test_phase_index_averages_each_respondent_once():
    long = _survey()
    out = metrics(long, by=["phase"], types=["csat", "ces"], min_n=0, suppress_n=0).set_index("phase")
    # independent: rescale to 0-100 with the known scales, average per respondent, weighted mean
    d = long[long.type.isin(["csat", "ces"])].copy()
    hi = np.where(d.type == "ces", 7, 5)
    d["x"] = (d["value"] - 1) / (hi - 1) * 100
    r = d.groupby(["phase", "respondent_id"]).agg(x=("x", "mean"), w=("weight", "first")).dropna()
    expected = r.groupby("phase").apply(lambda g: np.average(g.x, weights=g.w))
    assert set(out.metric) == {"index"}
    for ph, val in expected.items():
        assert out.loc[ph, "value"] == pytest.approx(val)


def test_index_of_a_single_question_is_its_rescaled_mean():
    long = _survey()
    idx = metrics(long, by=["phase"], questions=["ces"], metrics=["index"]).iloc[0]
    mean = metrics(long, questions=["ces"], metrics=["mean"], scales={"ces": (1, 7)}).iloc[0]
    assert idx.metric == "index"
    assert idx.value == pytest.approx((mean.value - 1) / 6 * 100)
    assert (idx.ci_low, idx.ci_high) == pytest.approx(((mean.ci_low - 1) / 6 * 100, (mean.ci_high - 1) / 6 * 100))


def test_bad_weight_names_row_and_column():
    long = _survey()
    long.loc[5, "weight"] = -1.0
    with pytest.raises(DataError, match=r"row 6, column 'weight'"):
        metrics(long)


def test_unknown_metric_and_question():
    long = _survey()
    with pytest.raises(ParameterError, match="metrics"):
        metrics(long, metrics=["median"])
    with pytest.raises(ParameterError, match="questions"):
        metrics(long, questions=["nope"])


@pytest.mark.slow
def test_airline_touchpoint_satisfaction_matches_plain_pandas(shared_data):
    wide = pd.read_csv(shared_data / "airline_satisfaction" / "airline_passenger_satisfaction.zip")
    long = _airline_long(wide)
    out = metrics(long, by=["phase", "touchpoint", "question"])
    assert len(wide) == 129_880
    assert set(out.question) == {v[0] for v in AIRLINE_RATINGS.values()}
    means = out[out.metric == "mean"].set_index("question")
    for col, (q, _, _) in AIRLINE_RATINGS.items():
        x = wide[col].replace(0, np.nan)
        assert means.loc[q, "value"] == pytest.approx(x.mean())
        assert means.loc[q, "n"] == x.notna().sum()
        assert means.loc[q, "n_missing"] == (wide[col] == 0).sum()  # "not applicable", kept and counted
    top2 = out[out.metric == "top2"].set_index("question")
    assert top2.loc["wifi", "value"] == pytest.approx((wide["In-flight Wifi Service"].replace(0, np.nan).dropna() >= 4).mean())
    assert list(out.phase.cat.categories) == ["booking", "airport", "flight", "arrival"]
