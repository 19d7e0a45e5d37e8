"""Path analysis checked against direct computations on the raw path tables and hand examples."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from cjkit.paths import channels
from cjkit.io import events
from cjkit.paths import journeys as paths
from cjkit.errors import DataError, ParameterError

AP = "attribution_paths"


@pytest.fixture(scope="module")
def ca(shared_data):
    return events.read_path_table(shared_data / AP / "channelattribution" / "Data.csv").data


@pytest.fixture(scope="module")
def ft_steps(shared_data):
    t = events.read_path_table(shared_data / AP / "pychattr" / "free_trial_and_demo_path_data_final.csv.gz").data
    return channels.assign_channels(events.paths_to_steps(t), model="accra")


def test_common_paths_match_groupby_on_raw_table(ca):
    got = paths.common_paths(ca, top=10)
    raw = ca.groupby("path")[["conversions", "nulls"]].sum()
    raw["n"] = raw.sum(axis=1)
    ref = raw.sort_values(["n", "conversions"], ascending=False).head(10)
    assert got["path"].tolist()[:3] == ref.index.tolist()[:3]
    np.testing.assert_allclose(got["n_journeys"], ref["n"])
    np.testing.assert_allclose(got["conversion_rate"], ref["conversions"] / ref["n"])
    assert got["rank"].tolist() == list(range(1, 11))


def test_path_lengths_match_separator_count(ca):
    got = paths.path_lengths(ca).set_index("n_steps")
    n = ca["path"].str.count(">") + 1
    ref = (ca["conversions"] + ca["nulls"]).groupby(n).sum()
    np.testing.assert_allclose(got.loc[ref.index, "n_journeys"], ref)
    assert got["share"].sum() == pytest.approx(1.0)


def test_step_funnel_is_survival_of_path_lengths(ca):
    f = paths.funnel(ca, stage="step", max_steps=8)
    w = ca["conversions"] + ca["nulls"]
    n = ca["path"].str.count(">") + 1
    body = f[~f["stage"].isin(["(start)", "(conversion)"])]
    for k, row in zip(range(1, 9), body.itertuples()):
        assert row.n_journeys == pytest.approx(w[n >= k].sum())
        assert row.conversions == pytest.approx(ca["conversions"][n >= k].sum())
    np.testing.assert_allclose(body["drop_off"].iloc[1:], -np.diff(body["n_journeys"]))
    assert f["stage"].iloc[-1] == "(conversion)" and f["n_journeys"].iloc[-1] == ca["conversions"].sum()


def test_phase_funnel_by_hand():
    steps = channels.assign_channels(events.paths_to_steps(pd.DataFrame({
        "path": ["blog > direct", "blog", "direct > blog", "alpha"],
        "conversions": [2.0, 0.0, 1.0, 0.0], "nulls": [2.0, 3.0, 0.0, 1.0]})), model="accra")
    # blog -> awareness, direct -> consideration (accra); alpha unmapped
    f = paths.funnel(steps).set_index("stage")
    assert f.loc["(start)", "n_journeys"] == 9
    assert f.loc["awareness", "n_journeys"] == 8       # all but the unmapped journey got at least this far
    assert f.loc["consideration", "n_journeys"] == 5   # furthest phase consideration: paths 1 and 3
    assert f.loc["awareness", "n_touched"] == 8 and f.loc["consideration", "conversions"] == 3
    assert f.loc["consideration", "step_conversion"] == pytest.approx(5 / 8)
    assert list(f.index) == ["(start)", "awareness", "consideration", "(conversion)"]


def test_transition_matrix_matches_plain_count(ca):
    got = paths.transitions(ca, include_start_end=False).set_index(["source", "target"])["n"]
    ref = Counter()
    for p, w in zip(ca["path"], ca["conversions"] + ca["nulls"]):
        toks = [t.strip() for t in p.split(">")]
        for a, b in zip(toks, toks[1:]):
            ref[(a, b)] += w
    ref = {k: v for k, v in ref.items() if v}
    assert set(got.index) == set(ref)
    np.testing.assert_allclose(got.loc[list(ref)].to_numpy(), list(ref.values()))
    full = paths.transitions(ca)
    np.testing.assert_allclose(full.groupby("source")["probability"].sum(), 1.0)


def test_loops_and_returns_by_hand():
    steps = channels.assign_channels(events.paths_to_steps(pd.DataFrame({
        "path": ["direct > blog > direct", "blog > blog", "blog > direct"],
        "conversions": [1.0, 0.0, 0.0], "nulls": [0.0, 1.0, 2.0]})), model="accra")
    m = paths.loops(steps, node="phase").set_index("metric")
    assert m.loc["share_repeat", "value"] == pytest.approx(1 / 4)
    assert m.loc["share_loop", "value"] == pytest.approx(1 / 4)
    assert m.loc["share_return", "value"] == pytest.approx(1 / 4)  # consideration -> awareness
    assert m.loc["conversion_rate_return", "value"] == 1.0 and m.loc["conversion_rate_no_return", "n"] == 3


def test_time_between_steps_from_events():
    ev = pd.DataFrame({"customer_id": ["a", "a", "a", "b", "b"],
                       "timestamp": pd.to_datetime(["2024-01-01 00:00", "2024-01-01 02:00", "2024-01-01 06:00",
                                                    "2024-01-01 00:00", "2024-01-01 01:00"]),
                       "channel": ["x", "y", "x", "x", "y"], "conversion": 0, "value": 0.0})
    t = paths.time_between_steps(events.events_to_steps(ev)).set_index(["source", "target"])
    assert t.loc[("x", "y"), "n"] == 2 and t.loc[("x", "y"), "mean"] == pytest.approx(1.5)
    assert t.loc[("(any)", "(any)"), "median"] == pytest.approx(2.0)
    with pytest.raises(DataError, match="timestamp"):
        paths.time_between_steps(pd.DataFrame({"path": ["a > b"], "conversions": [1.0]}))
    with pytest.raises(ParameterError):
        paths.time_between_steps(events.events_to_steps(ev), unit="fortnight")


def test_by_segment_parts_add_up(ft_steps):
    s = ft_steps.assign(seg=np.where(ft_steps["journey_id"].str[1:].astype(int) % 3 == 0, "x", "y"))
    tot = paths.path_lengths(s)
    seg = paths.path_lengths(s, by=["seg"]).groupby("n_steps")["n_journeys"].sum()
    np.testing.assert_allclose(seg.loc[tot["n_steps"]], tot["n_journeys"])
    fb = paths.funnel(s, by=["seg"])
    f = paths.funnel(s)
    np.testing.assert_allclose(fb.groupby("stage", sort=False)["n_journeys"].sum().loc[f["stage"]], f["n_journeys"])
    tm = paths.transitions(s, node="phase", by=["seg"])
    assert set(tm["seg"]) == {"x", "y"}
    np.testing.assert_allclose(tm.groupby(["seg", "source"])["probability"].sum(), 1.0)


def test_flows_conserve_journeys(ft_steps):
    fl = paths.flows(ft_steps, node="touchpoint", max_steps=4)
    total = ft_steps.drop_duplicates("journey_id")["n_journeys"].sum()
    assert fl[fl["step"] == 1]["n"].sum() == pytest.approx(total)
    for k in (2, 3, 4):
        inflow = fl[fl["step"] == k - 1].groupby("target")["n"].sum()
        outflow = fl[fl["step"] == k].groupby("source")["n"].sum()
        inflow = inflow.drop([c for c in ("(conversion)", "(null)") if c in inflow.index])
        np.testing.assert_allclose(outflow.loc[inflow.index], inflow)


def test_phase_common_paths_collapse_repeats(ft_steps):
    cp = paths.common_paths(ft_steps, node="phase", collapse_repeats=True, top=None)
    toks = cp["path"].str.split(" > ")
    assert all(a != b for t in toks for a, b in zip(t, t[1:]))
    assert cp["n_journeys"].sum() == pytest.approx(ft_steps.drop_duplicates("journey_id")["n_journeys"].sum())


def test_missing_columns_error():
    with pytest.raises(DataError, match="phase"):
        paths.transitions(pd.DataFrame({"journey_id": ["a"], "step": [1], "channel": ["x"]}), node="phase")
    with pytest.raises(ParameterError, match="order"):
        paths.funnel(pd.DataFrame({"journey_id": ["a"], "step": [1], "channel": ["x"], "stage": ["s"],
                                   "conversions": [1.0]}), stage="stage")
