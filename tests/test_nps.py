"""One NPS: the metrics table, the plain-vector function, the chart table and the sufficient
statistics give the same value, and it is the hand-computed one."""
import numpy as np
import pandas as pd
import pytest

from cjkit.plot.charts import nps_table
from cjkit.stats.metrics import metrics, nps
from cjkit.stats.sufficient import estimates_from_stats

SCORES = [10, 9, 9, 8, 7, 6, 3, 0, 10, np.nan]
WEIGHTS = [1.0, 2.0, 0.5, 1.0, 1.5, 1.0, 2.0, 0.5, 1.0, 3.0]


def hand_nps(scores, weights):
    # promoters 9-10, detractors 0-6, passives count in the base only; unanswered rows do not
    prom = det = base = 0.0
    for s, w in zip(scores, weights):
        if s != s:
            continue
        base += w
        prom += w if s >= 9 else 0.0
        det += w if s <= 6 else 0.0
    return 100 * (prom - det) / base


def test_hand_computation_itself():
    # promoters 1 + 2 + 0.5 + 1 = 4.5, detractors 1 + 2 + 0.5 = 3.5, base 10.5 (the NaN row is out)
    assert hand_nps(SCORES, WEIGHTS) == pytest.approx(100 * (4.5 - 3.5) / 10.5)


def test_three_routes_agree_with_the_hand_computation():
    expected = hand_nps(SCORES, WEIGHTS)
    plain = nps(SCORES, weights=WEIGHTS)["value"].item()
    long = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(len(SCORES))], "question": "nps",
                         "type": "nps", "value": SCORES, "weight": WEIGHTS})
    table = metrics(long, metrics=["nps"], min_n=0, suppress_n=0)["value"].item()
    chart = nps_table(pd.DataFrame({"value": SCORES, "w": WEIGHTS}), weight="w")["nps"].item()
    st = pd.Series({"s_w": 10.5, "s_prom": 4.5, "s_det": 3.5})
    sufficient = float(estimates_from_stats(st, "nps")["value"])
    for value in (plain, table, chart, sufficient):
        assert value == pytest.approx(expected, abs=1e-9)


def test_routes_agree_per_group():
    frame = pd.DataFrame({"value": SCORES[:-1], "w": WEIGHTS[:-1], "g": list("aabbaabba")})
    by_chart = nps_table(frame, hue="g", weight="w").set_index("g")["nps"]
    for g, part in frame.groupby("g"):
        assert by_chart[g] == pytest.approx(hand_nps(part["value"], part["w"]))
