"""Retention and value: the customer join is accounted for in the ledger, Kaplan-Meier curves match
statsmodels and a hand computation, the churn models recover a planted hazard ratio and match
statsmodels' logistic fit, value at stake is computed as its assumption says."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.duration.survfunc import SurvfuncRight

import cjkit as cj
from cjkit.errors import DataError, ParameterError
from cjkit.quality import ledger


def test_link_customers_records_both_sides():
    survey = pd.DataFrame({"lfdn": ["W1", "W2", "W3", "W4"], "nps": [9, 3, 7, 10]},
                          index=pd.Index([1, 2, 4, 5], name="row"))
    crm = pd.DataFrame({"kunden_id": ["W1", "W3", "K9", "K8", "W4"], "umsatz": [100.0, 50, 20, 10, 70]})
    link = cj.link_customers(survey, customers=crm, survey_id="lfdn", customer_id="kunden_id",
                             survey_file="guests.csv", customer_file="crm.csv")
    assert link.data["lfdn"].tolist() == ["W1", "W3", "W4"] and link.data["umsatz"].tolist() == [100, 50, 70]
    s = link.summary.set_index("side")
    assert s.loc["survey"].tolist() == [4, 3, 1] and s.loc["customers"].tolist() == [5, 3, 2]
    led = link.ledger
    assert (led["check"] == "customer_link").all() and (led["action"] == "excluded").all()
    survey_side = led[led["file"] == "guests.csv"]
    assert survey_side["row"].tolist() == [2] and survey_side["respondent_id"].tolist() == ["W2"]  # the file's row
    assert sorted(led[led["file"] == "crm.csv"]["respondent_id"]) == ["K8", "K9"]
    # every survey row is accounted for: matched + excluded in the ledger
    assert ledger.summary(survey_side, n_input=len(survey), n_kept=len(link.data))["n_excluded"].iloc[0] == 1


def test_link_customers_bad_input():
    survey = pd.DataFrame({"lfdn": ["1"]})
    with pytest.raises(DataError, match="row 3.*more than once|more than once.*row 3"):
        cj.link_customers(survey, customers=pd.DataFrame({"k": ["1", "2", "1"]}), survey_id="lfdn",
                          customer_id="k", customer_file="crm.csv")
    with pytest.raises(ParameterError, match="customer_id"):
        cj.link_customers(survey, customers=pd.DataFrame({"k": ["1"]}), survey_id="lfdn", customer_id="id")


def test_kaplan_meier_matches_statsmodels_and_hand():
    rng = np.random.default_rng(5)
    t = np.round(rng.exponential(10, 200), 0) + 1
    e = (rng.random(200) < 0.7).astype(int)
    d = pd.DataFrame({"t": t, "e": e})
    km = cj.survival_curves(d, time="t", event="e").iloc[1:]
    sf = SurvfuncRight(t, e)
    assert km["time"].to_numpy() == pytest.approx(sf.surv_times)
    assert km["survival"].to_numpy() == pytest.approx(sf.surv_prob)
    # log-log band from statsmodels' Greenwood standard error of S
    se_log = sf.surv_prob_se / sf.surv_prob
    ok = (sf.surv_prob < 1) & (sf.surv_prob > 0)
    half = 1.959963984540054 * se_log[ok] / np.abs(np.log(sf.surv_prob[ok]))
    assert km["ci_low"].to_numpy()[ok] == pytest.approx(sf.surv_prob[ok] ** np.exp(half))
    assert km["ci_high"].to_numpy()[ok] == pytest.approx(sf.surv_prob[ok] ** np.exp(-half))
    # by hand: times 2 (event), 3 (event, censored), 5 (event): S = 4/5, 4/5*3/4, 4/5*3/4*1/2
    small = cj.survival_curves(pd.DataFrame({"t": [2, 3, 3, 5, 8], "e": [1, 1, 0, 1, 0], "g": "x"}),
                               time="t", event="e", group="g")
    assert small["survival"].tolist() == pytest.approx([1, 0.8, 0.6, 0.3])
    assert small["n_at_risk"].tolist() == [5, 5, 4, 2]


def test_cox_recovers_planted_hazard_ratio_and_logistic_matches_statsmodels():
    rng = np.random.default_rng(3)
    group = np.array(["passive"] * 600 + ["detractor"] * 300 + ["promoter"] * 300)
    hazard = np.select([group == "detractor", group == "promoter"], [2.0, 0.5], 1.0) / 20
    t_event = rng.exponential(1 / hazard)
    cens = rng.uniform(10, 60, len(group))
    d = pd.DataFrame({"t": np.minimum(t_event, cens), "e": (t_event <= cens).astype(int), "nps_group": group})
    cox = cj.churn_model(d, time="t", event="e", covariates=["nps_group"]).set_index("term")
    assert set(cox["reference"]) == {"nps_group=passive"}                    # the largest group
    for term, planted in {"nps_group=detractor": 2.0, "nps_group=promoter": 0.5}.items():
        assert cox.loc[term, "ci_low"] < planted < cox.loc[term, "ci_high"]
    logit = cj.churn_model(d, time="t", event="e", covariates=["nps_group"], method="logistic",
                           horizon=10).set_index("term")
    known = d[(d["t"] >= 10) | (d["e"] == 1)]
    y = ((known["e"] == 1) & (known["t"] <= 10)).astype(float)
    X = sm.add_constant(pd.DataFrame({"det": (known["nps_group"] == "detractor").astype(float),
                                      "pro": (known["nps_group"] == "promoter").astype(float)}))
    ref = sm.Logit(y, X).fit(disp=0)
    assert logit.loc["nps_group=detractor", "ratio"] == pytest.approx(np.exp(ref.params["det"]))
    assert logit.loc["nps_group=promoter", "p_value"] == pytest.approx(ref.pvalues["pro"])
    assert logit["n"].iloc[0] == len(known)
    with pytest.raises(ParameterError, match="horizon"):
        cj.churn_model(d, time="t", event="e", covariates=["nps_group"], method="logistic")


def test_value_at_stake_by_hand():
    d = pd.DataFrame({"nps": [10, 9, 9, 8, 7, 6, 2, 0], "clv": [500.0, 300, 400, 200, 100, 300, 100, 200],
                      "churned": [0, 0, 1, 0, 1, 1, 1, 0]})
    out = cj.value_at_stake(d, nps="nps", value="clv", churned="churned", lang="de").set_index("item")
    # detractors (6, 2, 0): value 600, churn 2/3; promoters churn 1/3 -> 600 x 1/3
    assert out.loc["detractors_at_risk", "value_at_stake"] == pytest.approx(200.0)
    # passives (8, 7): mean 150; promoters mean 400 -> 2 x 250
    assert out.loc["passives_to_promoters", "value_at_stake"] == pytest.approx(500.0)
    assert "400 statt 150" in out.loc["passives_to_promoters", "assumption"]
    en = cj.value_at_stake(d, nps="nps", value="clv", churned="churned", lang="en")
    assert en["assumption"].str.startswith("Assumption").all()
    with pytest.raises(ParameterError, match="churned"):
        cj.value_at_stake(d, nps="nps", value="clv")


def test_repurchase_times_by_hand():
    survey = pd.DataFrame({"lfdn": ["a", "b", "c", "d"], "datum": ["01.03.2025", "10.03.2025", "01.04.2025", "01.08.2025"]})
    tx = pd.DataFrame({"kunde": ["a", "a", "a", "b", "c"],
                       "tag": ["2025-02-20", "2025-03-15", "2025-05-01", "2025-03-05", "2025-04-01"]})
    rep = cj.repurchase_times(survey, transactions=tx, survey_id="lfdn", survey_date="datum", customer_id="kunde",
                              date="tag", end="2025-06-30", unit="D", dayfirst=True).set_index("lfdn")
    # a: next after 1 March is 15 March (14 days); b: nothing after 10 March, censored at 30 June (112 days);
    # c: a purchase on the survey day is not a repurchase; d: surveyed after the end, left out
    assert rep.loc["a", ["time", "event"]].tolist() == [14.0, 1]
    assert rep.loc["b", ["time", "event"]].tolist() == [112.0, 0]
    assert rep.loc["c", ["time", "event"]].tolist() == [90.0, 0]
    assert "d" not in rep.index
