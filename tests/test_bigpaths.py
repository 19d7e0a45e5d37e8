"""DuckDB out-of-core aggregations give the same tables as the in-memory pandas path analysis."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cjkit.paths import attribution
from cjkit.paths import bigpaths
from cjkit.paths import channels
from cjkit.io import events
from cjkit.paths import journeys as paths
from cjkit.errors import DataError

CHANNELS = np.array(["organic_google", "paid_google_cpc", "email", "blog", "direct", "paid_social", "other"])


@pytest.fixture(scope="module")
def event_files(tmp_path_factory):
    rng = np.random.default_rng(42)
    n = 30_000
    df = pd.DataFrame({
        "customer_id": rng.integers(0, 4000, n).astype(str),
        # unique timestamps: the tie rule (time, then channel) never has to decide
        "timestamp": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.permutation(n) * 37, unit="s"),
        "channel": CHANNELS[rng.integers(0, len(CHANNELS), n)],
        "conversion": (rng.random(n) < 0.04).astype(int),
        "segment": rng.choice(["new", "returning"], n)})
    df["value"] = np.where(df["conversion"] == 1, rng.gamma(2.0, 40.0, n).round(2), 0.0)
    df["customer_id"] = df["customer_id"].astype(object)
    df.loc[[3, 50, 700], "customer_id"] = None
    df["channel"] = df["channel"].astype(object)
    df.loc[[10, 11], "channel"] = None
    d = tmp_path_factory.mktemp("bigpaths")
    df.iloc[: n // 2].to_parquet(d / "part-0.parquet")
    df.iloc[n // 2:].to_parquet(d / "part-1.parquet")
    df.to_csv(d / "events.csv", index=False)
    loaded = events.read_events(df, segments=["segment"])
    steps = events.events_to_steps(loaded.data, segments=["segment"])
    return {"glob": str(d / "*.parquet"), "csv": str(d / "events.csv"), "steps": steps, "loaded": loaded}


def test_ledger_counts_match_pandas_reader(event_files):
    led = bigpaths.ledger(event_files["glob"]).set_index("reason")["n"]
    assert led.sum() == event_files["loaded"].n_input == 30_000
    assert led["kept"] == len(event_files["loaded"].data)
    assert led["missing customer_id"] == 3 and led["missing channel"] == 2


@pytest.mark.parametrize("which", ["glob", "csv"])
def test_path_table_equals_pandas(event_files, which):
    big = bigpaths.path_table(event_files[which]).set_index("path").sort_index()
    small = events.steps_to_paths(event_files["steps"]).set_index("path").sort_index()
    assert big.index.equals(small.index)
    for c in ("conversions", "nulls", "value", "n_journeys"):
        np.testing.assert_allclose(big[c], small[c], err_msg=c)


def test_transitions_lengths_and_times_equal_pandas(event_files):
    st = event_files["steps"]
    key = ["segment", "source", "target"]
    big = bigpaths.transition_matrix(event_files["glob"], by=["segment"]).set_index(key).sort_index()
    small = paths.transition_matrix(st, by=["segment"]).set_index(key).sort_index()
    assert big.index.equals(small.index)
    np.testing.assert_allclose(big[["n", "probability"]], small[["n", "probability"]])
    bl = bigpaths.path_lengths(event_files["glob"], by=["segment"])
    sl = paths.path_lengths(st, by=["segment"])
    pd.testing.assert_frame_equal(bl.reset_index(drop=True), sl.reset_index(drop=True), check_dtype=False)
    bt = bigpaths.time_between_steps(event_files["glob"], unit="min").set_index(["source", "target"]).sort_index()
    ptime = paths.time_between_steps(st, unit="min").set_index(["source", "target"]).sort_index()
    np.testing.assert_allclose(bt[["n", "mean", "median", "p25", "p75"]], ptime[["n", "mean", "median", "p25", "p75"]])


def test_funnel_counts_equal_pandas(event_files):
    st = channels.assign(event_files["steps"], model="accra")
    mapping = channels.map_channels(CHANNELS, model="accra")
    order = list(st["phase"].cat.categories)
    big = bigpaths.funnel_counts(event_files["glob"], mapping.dropna(subset=["phase"]), order=order).set_index("stage")
    small = paths.funnel(st).set_index("stage")
    for stage in big.index:
        for c in ("n_journeys", "n_touched", "conversions"):
            assert big.loc[stage, c] == pytest.approx(small.loc[stage, c]), (stage, c)


def test_markov_on_duckdb_path_table_equals_pandas(event_files):
    big = attribution.markov(bigpaths.path_table(event_files["glob"])).set_index("channel").sort_index()
    small = attribution.markov(events.steps_to_paths(event_files["steps"])).set_index("channel").sort_index()
    np.testing.assert_allclose(big[["conversions", "value", "removal_effect"]],
                               small[["conversions", "value", "removal_effect"]], rtol=1e-9)


def test_memory_limited_connection_and_errors(event_files, tmp_path):
    con = bigpaths.connect(memory_limit="64MB", threads=1, temp_directory=str(tmp_path))
    assert len(bigpaths.path_table(event_files["glob"], con=con)) > 100
    with pytest.raises(DataError, match="not found"):
        bigpaths.path_table(str(tmp_path / "missing.parquet"))
    with pytest.raises(DataError, match="DuckDB"):
        bigpaths.path_table(event_files["glob"], columns={"channel": "kanal"})
