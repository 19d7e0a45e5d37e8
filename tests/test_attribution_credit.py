"""Participation, assists, CPA and ROAS against counts written out by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cjkit as cj
from cjkit.errors import DataError


def test_participation_and_assists_by_hand():
    t = pd.DataFrame({"path": ["search > email > search", "email", "display > search", "display"],
                      "conversions": [3.0, 1.0, 2.0, 0.0], "nulls": [1.0, 4.0, 2.0, 6.0],
                      "value": [30.0, 10.0, 20.0, 0.0]})
    got = cj.paths.channel_participation(t).set_index("channel")
    # search touches paths 1 and 3: 4 + 4 journeys, 3 + 2 conversions, closes both (5 last-touch)
    # email touches paths 1 and 2: 4 + 5 journeys, 3 + 1 conversions, closes path 2 only (1) -> 3 assists
    # display touches paths 3 and 4: 4 + 6 journeys, 2 conversions, closes none -> 2 assists
    expected = pd.DataFrame({"journeys": [8.0, 9.0, 10.0], "conversions": [5.0, 4.0, 2.0], "value": [50.0, 40.0, 20.0],
                             "last_touch": [5.0, 1.0, 0.0], "assists": [0.0, 3.0, 2.0]},
                            index=["search", "email", "display"])
    pd.testing.assert_frame_equal(got[expected.columns], expected, check_names=False, check_index_type=False)
    np.testing.assert_allclose(got["conversion_rate"], [5 / 8, 4 / 9, 2 / 10])
    np.testing.assert_allclose(got["assist_ratio"].to_numpy(), [0.0, 3.0, np.nan])


def test_roi_per_channel_and_per_approach():
    t = pd.DataFrame({"path": ["a > b", "b"], "conversions": [2.0, 2.0], "value": [200.0, 100.0]})
    att = cj.paths.heuristic_attribution(t, rules=["first_touch", "last_touch"])
    cost = pd.DataFrame({"channel": ["a", "b"], "cost": [50.0, 150.0]})
    got = cj.paths.channel_roi(att, cost=cost).set_index(["rule", "channel"])
    # first touch: a gets 2 conversions / 200 value, b 2 / 100; last touch: b gets all 4 / 300
    assert got.loc[("first_touch", "a"), "cpa"] == 25.0 and got.loc[("first_touch", "a"), "roas"] == 4.0
    assert got.loc[("first_touch", "b"), "cpa"] == 75.0 and got.loc[("first_touch", "b"), "roas"] == pytest.approx(2 / 3)
    assert got.loc[("last_touch", "b"), "cpa"] == 37.5 and got.loc[("last_touch", "b"), "roas"] == 2.0
    # a never closes: no last-touch conversions, so no CPA, and no return on its cost
    assert np.isnan(got.loc[("last_touch", "a"), "cpa"]) and got.loc[("last_touch", "a"), "roas"] == 0.0


def test_roi_missing_cost_and_bad_cost():
    att = pd.DataFrame({"channel": ["a", "b"], "conversions": [1.0, 0.0], "value": [10.0, 0.0]})
    got = cj.paths.channel_roi(att, cost=pd.DataFrame({"channel": ["a"], "cost": [5.0]}))
    assert got["cpa"].tolist()[0] == 5.0 and np.isnan(got["cpa"].tolist()[1])
    with pytest.raises(DataError, match="row"):
        cj.paths.channel_roi(att, cost=pd.DataFrame({"channel": ["a"], "cost": ["viel"]}))
    with pytest.raises(DataError, match="'channel' and 'cost'"):
        cj.paths.channel_roi(att, cost=pd.DataFrame({"kanal": ["a"], "kosten": [1.0]}))
