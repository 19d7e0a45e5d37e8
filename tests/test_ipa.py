"""Importance-performance quadrants checked by hand and end to end."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cjkit.stats.drivers import key_drivers
from cjkit.errors import ParameterError
from cjkit.stats.ipa import QUADRANTS, importance_performance, ipa
from cjkit.stats.metrics import metrics


def _tables():
    drivers = pd.DataFrame({"driver": ["wifi", "seat", "food", "gate", "tiny"],
                            "phase": ["flight", "flight", "flight", "airport", "airport"],
                            "touchpoint": ["wifi", "seat", "food", "gate", "gate"],
                            "relative_weight_pct": [40.0, 30.0, 10.0, 15.0, 5.0],
                            "flag": ["", "", "", "", "suppressed"]})
    perf = pd.DataFrame({"question": ["wifi", "seat", "food", "gate", "tiny"], "metric": "mean",
                         "value": [2.5, 4.2, 3.9, 2.8, 4.0], "n": [500, 480, 470, 20, 5],
                         "flag": ["", "", "", "low_base", "suppressed"]})
    return drivers, perf


def test_quadrants_against_hand_classification():
    drivers, perf = _tables()
    out = importance_performance(drivers, perf, lang="en").set_index("driver")
    # cut = mean over the usable drivers: importance (40+30+10+15)/4 = 23.75, performance 3.35
    assert out["importance_cut"].iloc[0] == pytest.approx(23.75)
    assert out["performance_cut"].iloc[0] == pytest.approx((2.5 + 4.2 + 3.9 + 2.8) / 4)
    assert out.loc["wifi", "quadrant"] == "fix_first"
    assert out.loc["seat", "quadrant"] == "keep_up"
    assert out.loc["food", "quadrant"] == "possible_overkill"
    assert out.loc["gate", "quadrant"] == "low_priority"
    assert pd.isna(out.loc["tiny", "quadrant"]) and out.loc["tiny", "flag"] == "suppressed"
    assert out.loc["gate", "flag"] == "low_base"  # the worse of the two flags is carried
    assert out.loc["wifi", "quadrant_label"] == "Fix first"
    de = importance_performance(drivers, perf, lang="de").set_index("driver")
    assert de.loc["wifi", "quadrant_label"] == "Zuerst verbessern"
    assert de.loc["seat", "quadrant_label"] == "Stärken halten"


def test_base_rule_applies_to_the_performance_base():
    drivers, perf = _tables()
    out = importance_performance(drivers, perf, min_n=100, suppress_n=25).set_index("driver")
    assert out.loc["gate", "flag"] == "suppressed" and pd.isna(out.loc["gate", "quadrant"])
    # gate no longer moves the cross-hairs
    assert out["importance_cut"].iloc[0] == pytest.approx((40 + 30 + 10) / 3)
    assert out.loc["wifi", "flag"] == ""


def test_fixed_and_median_splits():
    drivers, perf = _tables()
    out = importance_performance(drivers, perf, split=("median", 3.0)).set_index("driver")
    assert out["importance_cut"].iloc[0] == pytest.approx(np.median([40, 30, 10, 15]))
    assert out["performance_cut"].iloc[0] == 3.0
    assert out.loc["gate", "quadrant"] == "low_priority"
    with pytest.raises(ParameterError, match="split"):
        importance_performance(drivers, perf, split=("mode", "mean"))
    with pytest.raises(ParameterError, match="lang"):
        importance_performance(drivers, perf, lang="fr")
    with pytest.raises(ParameterError, match="metric"):
        importance_performance(drivers, perf, metric="top2")


def test_quadrant_catalog_is_bilingual_and_complete():
    assert set(QUADRANTS["quadrant"]) == {"fix_first", "keep_up", "low_priority", "possible_overkill"}
    assert QUADRANTS[["label_de", "label_en"]].notna().all().all()


def test_ipa_end_to_end_uses_derived_importance():
    rng = np.random.default_rng(5)
    n = 500
    x = pd.DataFrame({"wifi": rng.integers(1, 6, n), "seat": rng.integers(1, 6, n),
                      "food": rng.integers(1, 6, n)}).astype(float)
    x["overall"] = np.clip(np.round(0.7 * x.wifi + 0.3 * x.seat + 0.05 * x.food + rng.normal(0, 0.6, n)), 1, 5)
    x["respondent_id"] = [f"r{i}" for i in range(n)]
    long = x.melt(id_vars="respondent_id", var_name="question")
    long["role"] = np.where(long.question == "overall", "overall", "driver")
    long["type"], long["weight"], long["phase"] = "csat", 1.0, "usage"
    long["touchpoint"] = long["question"]
    out = ipa(long, outcome="overall", lang="en").set_index("driver")
    kd = key_drivers(long, outcome="overall").set_index("driver")
    perf = metrics(long, questions=["wifi", "seat", "food"], metrics=["mean"]).set_index("question")
    assert out["importance"].to_dict() == pytest.approx(kd["relative_weight_pct"].to_dict())
    assert out["performance"].to_dict() == pytest.approx(perf["value"].to_dict())
    assert out.loc["wifi", "importance"] > out.loc["food", "importance"]
    assert out.loc["food", "quadrant"] in ("low_priority", "possible_overkill")


def test_negative_direction_is_named():
    drivers, perf = _tables()
    drivers["sign"] = [1, 1, -1, 1, 1]
    out = importance_performance(drivers, perf).set_index("driver")
    assert out.loc["food", "direction"] == "negative" and out.loc["wifi", "direction"] == "positive"
    assert importance_performance(*_tables())["direction"].isna().all()  # no sign column: unknown
