"""Customer buckets: a log split into several buckets gives exactly the one-pass tables."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cjkit.errors import ParameterError
from cjkit.paths import bigpaths
from cjkit.paths import buckets
from cjkit.paths import journeys as paths
from cjkit.paths import timing

CHANNELS = np.array(["ads", "blog", "email", "search", "shop"])
MAPPING = pd.DataFrame({"channel": ["ads", "blog", "email", "search", "shop"],
                        "phase": ["awareness", "awareness", "consideration", "consideration", "purchase"]})
ORDER = ["awareness", "consideration", "purchase"]


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    rng = np.random.default_rng(7)
    n = 4000
    df = pd.DataFrame({
        "customer_id": rng.integers(0, 300, n).astype(str).astype(object),
        # minutes on a coarse grid: many ties, so the tie rule matters inside every bucket
        "timestamp": pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 5000, n) * 30, unit="min"),
        "channel": CHANNELS[rng.integers(0, len(CHANNELS), n)].astype(object),
        "conversion": (rng.random(n) < 0.08).astype(int),
        "segment": rng.choice(["new", "returning"], n).astype(object)})
    df["value"] = np.where(df["conversion"] == 1, rng.integers(1, 100, n).astype(float), 0.0)
    df.loc[[5, 6], "customer_id"] = None
    df = pd.concat([df, df.iloc[[10, 20, 30]]], ignore_index=True)  # duplicates
    d = tmp_path_factory.mktemp("buckets")
    df.iloc[:2000].to_parquet(d / "part-0.parquet")
    df.iloc[2000:].to_parquet(d / "part-1.parquet")
    df.to_csv(d / "events.csv", index=False)
    # devices 0..9 belong to customers 100..109: stitching must keep a customer's devices in one bucket
    id_map = pd.DataFrame({"id": [str(i) for i in range(10)], "customer_id": [str(100 + i) for i in range(10)]})
    return {"parquet": str(d / "*.parquet"), "csv": str(d / "events.csv"), "id_map": id_map}


CALLS = {
    "path_table": lambda src, con, by, rules: paths.path_table(src, by=by, rules=rules, con=con),
    "transitions": lambda src, con, by, rules: paths.transitions(src, by=by, rules=rules, con=con),
    "transitions_inner": lambda src, con, by, rules: paths.transitions(src, by=by, rules=rules, con=con,
                                                                       include_start_end=False, collapse_repeats=True),
    "funnel": lambda src, con, by, rules: paths.funnel(src, mapping=MAPPING, order=ORDER, by=by, rules=rules, con=con),
    "funnel_step": lambda src, con, by, rules: paths.funnel(src, stage="step", by=by, rules=rules, con=con),
    "path_lengths": lambda src, con, by, rules: paths.path_lengths(src, by=by, rules=rules, con=con),
    "time_to_conversion": lambda src, con, by, rules: timing.time_to_conversion(src, rules=rules, con=con),
}


@pytest.mark.parametrize("name, fmt", [(n, "parquet") for n in CALLS] + [("path_table", "csv"), ("funnel", "csv")])
def test_several_buckets_give_the_one_pass_result(log, fmt, name):
    for by, rules in [(None, {}), (["segment"], {"session_timeout": "3D", "lookback": "10D"}),
                      (None, {"identity_map": log["id_map"], "conversion_window": "5D"})]:
        one = CALLS[name](log[fmt], bigpaths.scan_connection(buckets=1), by, rules)
        many = CALLS[name](log[fmt], bigpaths.scan_connection(buckets=5), by, rules)
        assert len(one) > 3
        assert_frame_equal(many, one, check_exact=False, rtol=1e-12)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_scan_ledger_in_buckets_lists_the_same_rows(log, fmt):
    one = bigpaths.scan_ledger(log[fmt], identity_map=log["id_map"], con=bigpaths.scan_connection(buckets=1))
    many = bigpaths.scan_ledger(log[fmt], identity_map=log["id_map"], con=bigpaths.scan_connection(buckets=4))
    # the fixture's null ids (rows 6, 7) and repeated rows (4001-4003: rows 2001-2003 of part-1), plus
    # the stitched devices
    repeated = {4001, 4002, 4003} if fmt == "csv" else {2001, 2002, 2003}
    assert set(one.ledger.loc[one.ledger["action"] == "excluded", "row"]) == {6, 7} | repeated
    assert_frame_equal(many.ledger, one.ledger)
    assert (many.n_input, many.n_kept) == (one.n_input, one.n_kept) == (4003, 3998)


def test_buckets_partition_the_customers(log):
    # independent of the path code: every customer lands in exactly one of the buckets
    con = bigpaths.scan_connection()
    seen = []
    for b in range(4):
        flt = buckets._sql.bucket_filter("customer_id", (b, 4))
        seen += [r[0] for r in con.sql(f"SELECT DISTINCT customer_id FROM read_parquet('{log['parquet']}') n_ {flt} "
                                       "AND customer_id IS NOT NULL").fetchall()]
    assert len(seen) == len(set(seen)) == 300


def test_bucket_count_rule(log):
    # part-0: 2000 rows * 1600 bytes = 3.2 MB, one bucket in "4MB" (DuckDB's 3.8 MiB = 3,984,589 bytes);
    # both parts: 4003 rows * 1600 bytes = 6,404,800 bytes, and "2MB" is DuckDB's 1.9 MiB = 1,992,294
    # bytes: ceil(3.215) = 4 buckets
    part0 = log["parquet"].replace("*", "part-0")
    assert buckets.bucket_count(part0, con=bigpaths.scan_connection(memory_limit="4MB")) == 1
    assert buckets.estimate_rows(bigpaths.scan_connection(), bigpaths._sql.files(log["parquet"])) == 4003
    assert buckets.bucket_count(log["parquet"], con=bigpaths.scan_connection(memory_limit="2MB")) == 4
    assert buckets.memory_bytes("3.7 GiB") == pytest.approx(3.7 * 2 ** 30)
    with pytest.raises(ParameterError):
        bigpaths.scan_connection(buckets=0)
