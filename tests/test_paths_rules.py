"""Journey rules, ordered funnels, backward paths, timing and identity stitching, checked against
a small log whose journeys are worked out by hand below."""
from __future__ import annotations

import pandas as pd
import pytest

from cjkit.errors import DataError
from cjkit.io import events
from cjkit.paths import bigpaths, funnels, stitching, timing
from cjkit.paths import journeys as paths

LOG = pd.DataFrame([
    ("u", "2024-05-01 09:00", "ad", 0, 0.0), ("u", "2024-05-01 09:20", "blog", 0, 0.0),
    ("u", "2024-05-03 10:00", "ad", 0, 0.0), ("u", "2024-05-03 10:30", "shop", 1, 50.0),
    ("u", "2024-05-10 08:00", "mail", 0, 0.0),
    ("v", "2024-05-01 12:00", "ad", 0, 0.0), ("v", "2024-05-01 12:05", "shop", 0, 0.0),
    ("v", "2024-05-02 12:00", "blog", 0, 0.0), ("v", "2024-05-02 12:30", "shop", 1, 20.0),
], columns=["customer_id", "timestamp", "channel", "conversion", "value"])
# By hand, default rules: u#1 ad>blog>ad>shop (converts, 50), u#2 mail, v#1 ad>shop>blog>shop (converts, 20).
HAND = {
    "default": {"ad > blog > ad > shop": (1, 50.0), "mail": (0, 0.0), "ad > shop > blog > shop": (1, 20.0)},
    # 2 days without a touch in u's journey (09:20 -> 10:00 two days later); v's longest gap is 23:55
    "session_timeout": {"ad > blog": (0, 0.0), "ad > shop": (1, 50.0), "mail": (0, 0.0),
                        "ad > shop > blog > shop": (1, 20.0)},
    # only touches at most 1 day before the journey's conversion: u keeps 10:00 and 10:30, v keeps the 2nd day
    "lookback": {"ad > shop": (1, 50.0), "mail": (0, 0.0), "blog > shop": (1, 20.0)},
    # u converts 2 days 1.5 h and v 24.5 h after their first touch: neither within 1 day
    "conversion_window": {"ad > blog > ad > shop": (0, 0.0), "mail": (0, 0.0), "ad > shop > blog > shop": (0, 0.0)},
}
RULES = {"default": {}, "session_timeout": {"session_timeout": "1D"}, "lookback": {"lookback": "1D"},
         "conversion_window": {"conversion_window": "1D"}}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("rules")
    LOG.to_parquet(d / "log.parquet")
    return str(d / "log.parquet")


def _steps(rules=None, log=LOG):
    return events.events_to_steps(events.read_events(log).data, **(rules or {}))


@pytest.mark.parametrize("name", list(HAND))
def test_journey_rules_match_the_hand_computed_journeys_on_both_routes(name, files):
    for table in (paths.path_table(_steps(RULES[name])), paths.path_table(files, rules=RULES[name])):
        got = {p: (int(r.conversions), r.value) for p, r in table.set_index("path").iterrows()}
        assert got == HAND[name]


def test_strict_and_loose_funnels_with_time_limits(files):
    s = _steps()
    def counts(stages, **kw):
        return funnels.ordered_funnel(s, stages=stages, **kw)["n_journeys"].tolist()
    # strict [ad, shop]: u#1 ...ad>shop at steps 3-4, v#1 ad>shop at steps 1-2
    assert counts(["ad", "shop"], mode="strict") == [2.0, 2.0]
    # ... within 20 minutes: u's ad -> shop took 30 minutes, v's 5
    assert counts(["ad", "shop"], mode="strict", within="20min") == [2.0, 1.0]
    # loose [ad, blog, shop]: both pass; strict: u stops after blog (ad follows), v after ad (shop follows)
    assert counts(["ad", "blog", "shop"]) == [2.0, 2.0, 2.0]
    assert counts(["ad", "blog", "shop"], mode="strict") == [2.0, 1.0, 0.0]
    # loose within 1 h: u's blog 20 min after ad, but shop 2 days after blog; v's blog a day after ad
    assert counts(["ad", "blog", "shop"], within="1h") == [2.0, 1.0, 0.0]
    # per gap: no limit ad -> blog, 1 h blog -> shop: u fails (2 days), v passes (30 min)
    assert counts(["ad", "blog", "shop"], within=[None, "1h"]) == [2.0, 2.0, 1.0]
    # files give the same funnels as the steps in memory, time limits included
    for stages, kw in [(["ad", "shop"], {"mode": "strict"}), (["ad", "blog", "shop"], {}),
                       (["ad", "shop"], {"mode": "strict", "within": "20min"}),
                       (["ad", "blog", "shop"], {"mode": "strict"}), (["ad", "blog", "shop"], {"within": "1h"}),
                       (["ad", "blog", "shop"], {"within": [None, "1h"]})]:
        pd.testing.assert_frame_equal(funnels.ordered_funnel(files, stages=stages, **kw),
                                      funnels.ordered_funnel(s, stages=stages, **kw))
    # the hand counts again, read from the file: strict within 20 min, loose per gap
    assert funnels.ordered_funnel(files, stages=["ad", "shop"], mode="strict", within="20min")[
        "n_journeys"].tolist() == [2.0, 1.0]
    assert funnels.ordered_funnel(files, stages=["ad", "blog", "shop"], within=[None, "1h"])[
        "n_journeys"].tolist() == [2.0, 2.0, 1.0]
    # strict on files, where only stage touches leave DuckDB: u's ad (step 3) -> shop (step 4) is
    # adjacent, but ad (step 1) -> ... -> shop is not; the other touches still break strictness
    assert funnels.ordered_funnel(files, stages=["blog", "shop"], mode="strict")["n_journeys"].tolist() == [2.0, 1.0]
    out = funnels.ordered_funnel(s, stages=["ad", "blog", "shop"], within=[None, "1h"])
    assert out["conversions"].tolist() == [2.0, 2.0, 1.0] and out["drop_off"].tolist() == [0.0, 0.0, 1.0]


def test_backward_paths_touches_and_time_to_conversion_on_both_routes(files):
    s = _steps()
    back = timing.backward_paths(s, max_steps=2)
    assert back[["path_back", "conversions"]].values.tolist() == [["shop < ad", 1.0], ["shop < blog", 1.0]]
    assert timing.touches_to_conversion(s)[["n_touches", "conversions"]].values.tolist() == [[4, 2.0]]
    ttc = timing.time_to_conversion(s).set_index("bin")["conversions"]
    assert ttc["1 - 7 d"] == 2.0 and ttc.sum() == 2.0  # 49.5 h and 24.5 h
    custom = timing.time_to_conversion(s, bins=["25h"], labels=["short", "long"])
    assert custom["conversions"].tolist() == [1.0, 1.0]  # 24.5 h < 25 h <= 49.5 h
    for fn, kw in [(timing.backward_paths, {"max_steps": 2}), (timing.touches_to_conversion, {}),
                   (timing.time_to_conversion, {}), (timing.time_to_conversion, {"bins": ["25h"]})]:
        pd.testing.assert_frame_equal(fn(files, **kw), fn(s, **kw))


def test_identity_stitching_merges_devices_and_records_it_on_both_routes(tmp_path):
    log = pd.concat([LOG, pd.DataFrame([("cookie-7", "2024-05-02 08:00", "search", 0, 0.0)], columns=LOG.columns)])
    read = events.read_events(log)
    res = stitching.stitch_identities(read, id_map=pd.DataFrame({"id": ["cookie-7"], "customer_id": ["u"]}))
    table = paths.path_table(events.events_to_steps(res.data))
    assert "ad > blog > search > ad > shop" in set(table["path"])
    assert res.ledger[["check", "action", "old_value", "new_value"]].values.tolist() == [
        ["identity_stitched", "value_changed", "cookie-7", "u"]]
    assert res.summary["n_values_changed"].iloc[0] == 1 and res.summary["n_kept"].iloc[0] == len(LOG) + 1
    # the file route: the same journeys and the same ledger entry (the cookie's touch is input row 10)
    f = tmp_path / "log.csv"
    log.to_csv(f, index=False)
    id_map = pd.DataFrame({"id": ["cookie-7"], "customer_id": ["u"]})
    pd.testing.assert_frame_equal(paths.path_table(str(f), rules={"identity_map": id_map}), table)
    acc = bigpaths.scan_ledger(str(f), identity_map=id_map)
    assert res.ledger["row"].tolist() == acc.ledger["row"].tolist() == [10]
    assert acc.ledger[["check", "old_value", "new_value"]].values.tolist() == [["identity_stitched", "cookie-7", "u"]]
    assert acc.summary["n_kept"].iloc[0] == len(LOG) + 1
    with pytest.raises(DataError, match="two customers: cookie-7"):
        stitching.stitch_identities(read, id_map=pd.DataFrame({"id": ["cookie-7", "cookie-7"], "customer_id": ["u", "v"]}))


WINDOW_ROWS = [  # customer, timestamp, channel, conversion, value
    ("a", "2024-01-01 00:00", "email", 0, ""),   # row 1: 8 days before a's purchase: outside lookback 3D
    ("a", "2024-01-08 00:00", "search", 0, ""),  # row 2
    ("a", "2024-01-09 00:00", "shop", 1, "50"),  # row 3: 1 day after the journey's first remaining touch: credited
    ("b", "2024-01-01 00:00", "ads", 0, ""),     # row 4: exactly 3 days before: inside (lookback includes its edge)
    ("b", "2024-01-04 00:00", "shop", 1, "20"),  # row 5: 3 days after b's first touch > 2D: not credited
    ("c", "2024-01-02 00:00", "blog", 0, ""),    # row 6
    ("c", "2024-01-02 12:00", "shop", 1, "10"),  # row 7: 12 hours: credited
    ("d", "someday", "blog", 0, ""),             # row 8: bad timestamp, excluded by the checks
]
WINDOW_RULES = {"lookback": "3D", "conversion_window": "2D"}
# hand-computed ledger: (row, check, action, old, new)
WINDOW_LEDGER = [(1, "outside_lookback", "excluded", None, None),
                 (5, "outside_conversion_window", "value_changed", "1", "0"),
                 (8, "bad_timestamp", "excluded", "someday", None)]
WINDOW_PATHS = {"search > shop": (1.0, 50.0), "ads > shop": (0.0, 0.0), "blog > shop": (1.0, 10.0)}


@pytest.fixture(scope="module")
def window_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("windows")
    df = pd.DataFrame(WINDOW_ROWS, columns=["customer_id", "timestamp", "channel", "conversion", "value"])
    df.to_csv(d / "events.csv", index=False)
    return str(d / "events.csv")


def _entries(led):
    rows = led.astype(object).where(led.notna(), None)
    return sorted(zip(rows["row"].astype(int), rows["check"], rows["action"], rows["old_value"], rows["new_value"]))


def test_window_drops_are_in_the_ledger_on_both_routes(window_files):
    mem = events.load_journeys(event_file=window_files, rules=WINDOW_RULES)
    assert _entries(mem.ledger) == WINDOW_LEDGER
    assert mem.summary[["n_input", "n_kept", "n_excluded", "n_values_changed"]].iloc[0].tolist() == [8, 6, 2, 1]
    assert {p: (c, v) for p, c, v in mem.paths[["path", "conversions", "value"]].values.tolist()} == WINDOW_PATHS
    for con in (None, bigpaths.scan_connection(buckets=3)):
        acc = bigpaths.scan_ledger(window_files, rules=WINDOW_RULES, con=con)
        assert _entries(acc.ledger) == WINDOW_LEDGER
        assert acc.ledger.loc[acc.ledger["check"].str.startswith("outside"), "column"].tolist() == [
            "timestamp", "conversion"]
        assert (acc.n_input, acc.n_kept) == (8, 6)
        table = paths.path_table(window_files, rules=WINDOW_RULES, con=con)
        assert {p: (c, v) for p, c, v in table[["path", "conversions", "value"]].values.tolist()} == WINDOW_PATHS
    # without the rules nothing is left out but the bad row
    assert _entries(bigpaths.scan_ledger(window_files).ledger) == WINDOW_LEDGER[2:]


def test_funnel_with_time_limits_per_segment_on_files_equals_memory(tmp_path):
    # segment w has only u's journeys (no blog -> shop within 1 h), x only v's; a segment y whose
    # one journey touches no stage still gets its rows (zeros), as in memory
    log = pd.concat([LOG.assign(seg=LOG["customer_id"].map({"u": "w", "v": "x"})),
                     pd.DataFrame([("z", "2024-05-04 09:00", "mail", 0, 0.0, "y")], columns=[*LOG.columns, "seg"])],
                    ignore_index=True)
    log.to_parquet(tmp_path / "seg.parquet")
    s = events.events_to_steps(events.read_events(log, segments=["seg"]).data, segments=["seg"])
    kw = {"stages": ["ad", "blog", "shop"], "within": [None, "1h"], "by": ["seg"]}
    got = funnels.ordered_funnel(str(tmp_path / "seg.parquet"), **kw)
    pd.testing.assert_frame_equal(got, funnels.ordered_funnel(s, **kw))
    assert got.groupby("seg")["n_journeys"].apply(list).to_dict() == {
        "w": [1.0, 1.0, 0.0], "x": [1.0, 1.0, 1.0], "y": [0.0, 0.0, 0.0]}
