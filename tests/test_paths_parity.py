"""One engine, two sizes: every path function gives the same table (dtypes included) whether the
event log is a DataFrame in memory or a CSV/Parquet file read by DuckDB out of core."""
from __future__ import annotations

import pandas as pd
import pytest

from cjkit.io import events
from cjkit.paths import bigpaths
from cjkit.paths import journeys as paths

# a small log with every hard case; comments give the hand-computed journeys
ROWS = [  # customer, timestamp, channel, conversion, value, segment
    ("a", "2024-03-31T01:40:00+01:00", "email", "0", "", "new"),
    ("a", "2024-03-31T01:50:00+01:00", "shop", "ja", "30", "new"),      # tied with the next row, conversion
    ("a", "2024-03-31T01:50:00+01:00", " search ", "nein", "", "new"),  # ... so search comes first (trimmed)
    ("a", "2024-03-31T03:10:00+02:00", "email", "0", "", "new"),        # 20 min later across the DST switch
    ("a", "2024-03-31T03:10:00+02:00", "email", "0", "", "new"),        # duplicate: excluded
    ("b", "2024-04-01 10:00:00", "blog", "0", "", "old"),
    ("b", "2024-04-01 10:00:00", "ads", "0", "", "old"),                 # tie without conversion: file order
    ("b", "2024-04-01 12:00:00", "shop", "1", "10", "old"),
    ("b", "2024-04-01 12:00:00", "shop", "1", "25", "old"),              # same second, other value: kept
    ("b", "2024-04-03 12:00:00", "blog", "0", "", "old"),
    ("c", "gestern", "blog", "0", "", "new"),                            # bad timestamp: excluded
    ("c", "2024-04-02 08:00:00Z", "ads", "2", "", "new"),                # conversion=2: excluded
    ("c", "2024-04-02 09:00:00Z", "ads", "yes", "zwölf", "new"),         # value not a number: excluded
    ("c", "2024-04-02 09:30:00Z", "", "0", "", "new"),                   # missing channel: excluded
    ("c", "2024-04-02 10:00:00Z", "blog", "true", "5", "new"),
    ("", "2024-04-02 10:00:00Z", "blog", "0", "", "new"),                # missing customer: excluded
    ("d", "2024-04-02 10:00:00+00:00", "ads", "no", "", "old"),
    ("d", "2024-04-09 10:00:00+00:00", "ads", "f", "", "old"),
    ("d", "2024-04-09 11:00:00+00:00", "email", "0", "", "old"),
]
# hand-computed journeys (tie rule: time, conversion last, then file order; each conversion ends one)
EXPECTED_PATHS = {"email > search > shop": (1, 30.0), "email": (0, 0.0), "blog > ads > shop": (1, 10.0),
                  "shop": (1, 25.0), "blog": (1, 5.0), "ads > ads > email": (0, 0.0)}
EXPECTED_LEDGER = {5: "duplicate_event", 11: "bad_timestamp", 12: "bad_conversion", 13: "not_a_number",
                   14: "missing_channel", 16: "missing_customer_id"}
MAPPING = pd.DataFrame({"channel": ["ads", "blog", "email", "search", "shop"],
                        "phase": ["awareness", "awareness", "consideration", "consideration", "purchase"]})
ORDER = ["awareness", "consideration", "purchase"]
RULES = [{}, {"session_timeout": "2D"}, {"lookback": "3D"}, {"conversion_window": "1h"},
         {"split_on_conversion": False, "drop_duplicates": False}]


def _frame(drop=()):
    df = pd.DataFrame(ROWS, columns=["customer_id", "timestamp", "channel", "conversion", "value", "segment"])
    return df.drop(columns=list(drop))


def _write(d, drop=()):
    df = _frame(drop)
    df.to_csv(d / "events.csv", index=False)
    df.to_parquet(d / "events.parquet")
    return {"frame": df, "csv": str(d / "events.csv"), "parquet": str(d / "events.parquet"), "drop": drop}


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    return _write(tmp_path_factory.mktemp("parity"))


@pytest.fixture(scope="module", params=[("value",), ("value", "conversion")], ids=["no_value", "bare"])
def partial(request, tmp_path_factory):
    return _write(tmp_path_factory.mktemp("parity"), request.param)


@pytest.fixture(scope="module", params=["full", "no_value", "bare"])
def logs(request, tmp_path_factory):
    drop = {"full": (), "no_value": ("value",), "bare": ("value", "conversion")}[request.param]
    return _write(tmp_path_factory.mktemp("parity"), drop)


def _memory(df, rules, by=None):
    rules = dict(rules)
    dd = rules.pop("drop_duplicates", True)
    data = events.read_events(df, segments=by, drop_duplicates=dd).data
    return events.events_to_steps(data, segments=by, **rules)


CALLS = {
    "path_table": lambda d, kw: paths.path_table(d, **kw),
    "path_table_by": lambda d, kw: paths.path_table(d, by=["segment"], **kw),
    "transitions": lambda d, kw: paths.transitions(d, by=["segment"], **kw),
    "transitions_collapsed": lambda d, kw: paths.transitions(d, collapse_repeats=True, **kw),
    "path_lengths": lambda d, kw: paths.path_lengths(d, by=["segment"], **kw),
    "time_between_steps": lambda d, kw: paths.time_between_steps(d, unit="min", **kw),
    "time_between_steps_by": lambda d, kw: paths.time_between_steps(d, unit="s", by=["segment"], **kw),
    "funnel_steps": lambda d, kw: paths.funnel(d, stage="step", max_steps=2, by=["segment"], **kw),
    "funnel_phase": lambda d, kw: paths.funnel(d, mapping=MAPPING, order=ORDER, **kw),
    "common_paths": lambda d, kw: paths.common_paths(d, top=None, **kw),
    "path_summary": lambda d, kw: paths.path_summary(d, by=["segment"], **kw),
    "loops": lambda d, kw: paths.loops(d, node="channel", **kw),
    "flows": lambda d, kw: paths.flows(d, node="channel", **kw),
}


@pytest.fixture(scope="module")
def con():
    return bigpaths.scan_connection(memory_limit="256MB", threads=1)


def _compare(logs, route, rules, names, con):
    steps = _memory(logs["frame"], rules, by=["segment"])
    for name in names:
        small = CALLS[name](steps, {})
        big = CALLS[name](logs[route], {"rules": rules, "con": con})
        pd.testing.assert_frame_equal(big, small, obj=name)


@pytest.mark.parametrize("route", ["csv", "parquet"])
def test_every_path_function_is_identical_on_both_routes(full, route, con):
    _compare(full, route, {}, CALLS, con)


def test_missing_optional_columns_are_fine_on_both_routes(partial, con):
    _compare(partial, "parquet", {}, ["path_table_by", "funnel_phase"], con)


@pytest.mark.parametrize("rules", RULES[1:], ids=lambda r: "-".join(r))
def test_journey_rules_are_identical_on_both_routes(full, rules, con):
    _compare(full, "parquet", rules, ["path_table_by", "time_between_steps_by", "funnel_steps"], con)


def test_hand_computed_journeys_ties_duplicates_and_values(logs):
    table = paths.path_table(logs["parquet"]).set_index("path")
    if logs["drop"]:  # without conversion flags no journey ends early; without values all values are 0
        assert table["value"].sum() == 0
        return
    got = {p: (int(r.conversions), r.value) for p, r in table.iterrows()}
    assert got == EXPECTED_PATHS


def test_ledger_rows_identical_on_both_routes(logs):
    mem = events.read_events(logs["csv"]).ledger
    for route in ("csv", "parquet"):
        acc = bigpaths.scan_ledger(logs[route])
        assert dict(zip(acc.ledger["row"], acc.ledger["check"])) == dict(zip(mem["row"], mem["check"]))
        assert acc.n_input == len(ROWS) and acc.summary["n_excluded"].iloc[0] == len(acc.ledger)
    if not logs["drop"]:
        assert dict(zip(mem["row"], mem["check"])) == EXPECTED_LEDGER
