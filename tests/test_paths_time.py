"""Time on both routes: per-row offsets, UTC computing, display zone, and a daylight-saving gap
that is its real length whatever the machine's zone."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from cjkit.io import events
from cjkit.paths import bigpaths
from cjkit.paths import journeys as paths

# Europe/Berlin switches from +01:00 to +02:00 at 2024-03-31 02:00 local time: 01:50 -> 03:10 is
# 20 real minutes (the wall clocks differ by 80). Hand-computed gaps in minutes: a: 20, b: 30.
LOG = ("customer_id,timestamp,channel,conversion\n"
       "a,2024-03-31T01:50:00+01:00,email,0\n"
       "a,2024-03-31T03:10:00+02:00,shop,1\n"
       "b,2024-10-27T02:50:00+02:00,email,0\n"   # autumn: 02:50 summer time -> 02:20 winter time
       "b,2024-10-27T02:20:00+01:00,shop,0\n")
EXPECTED = {("email", "shop"): [20.0, 30.0]}

SCRIPT = """
import json, sys
from cjkit.io import events
from cjkit.paths import journeys as paths
f = sys.argv[1]
mem = paths.time_between_steps(events.events_to_steps(events.read_events(f).data), unit="min")
big = paths.time_between_steps(f, unit="min")
print(json.dumps({"mem": mem["mean"].tolist(), "big": big["mean"].tolist(), "p25": big["p25"].tolist()}))
"""


def test_mixed_offsets_parse_per_row_and_display_zone_is_only_display(tmp_path):
    f = tmp_path / "dst.csv"
    f.write_text(LOG, encoding="utf-8")
    res = events.read_events(f, tz="Europe/Berlin")
    assert res.ledger.empty and str(res.data["timestamp"].dt.tz) == "Europe/Berlin"
    utc = events.read_events(f).data["timestamp"]
    assert (res.data["timestamp"] == utc).all()  # the same instants, only shown in another zone
    assert utc.iloc[0] == pd.Timestamp("2024-03-31 00:50", tz="UTC")
    steps = events.events_to_steps(res.data)
    gaps = paths.time_between_steps(steps, unit="min").set_index(["source", "target"])
    assert gaps.loc[("email", "shop"), "n"] == 2
    assert gaps.loc[("email", "shop"), ["p25", "p75"]].tolist() == [22.5, 27.5]  # of 20 and 30


def test_dst_gap_is_real_length_on_both_routes_in_a_berlin_process(tmp_path):
    f = tmp_path / "dst.csv"
    f.write_text(LOG, encoding="utf-8")
    env = {**os.environ, "TZ": "Europe/Berlin", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(f)], env=env, capture_output=True, text=True,
                         check=True, timeout=120)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["mem"] == got["big"] == [25.0, 25.0]  # mean of 20 and 30, the (any) row and email > shop
    assert got["p25"] == [22.5, 22.5]


def test_a_caller_connection_in_local_time_is_pinned_to_utc(tmp_path):
    f = tmp_path / "dst.parquet"
    frame = pd.read_csv(pd.io.common.StringIO(LOG))
    # naive wall-clock times that are UTC instants: 00:50 and 01:10 UTC = 20 minutes
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True, format="ISO8601").dt.tz_localize(None)
    frame.to_parquet(f)
    con = bigpaths.scan_connection(memory_limit="256MB", threads=1)
    con.execute("SET TimeZone = 'Europe/Berlin'")
    big = paths.time_between_steps(str(f), unit="min", con=con).set_index(["source", "target"])
    assert big.loc[("email", "shop"), ["p25", "p75"]].tolist() == [22.5, 27.5]
    mem = paths.time_between_steps(events.events_to_steps(events.read_events(frame).data), unit="min")
    pd.testing.assert_frame_equal(paths.time_between_steps(str(f), unit="min", con=con), mem)
