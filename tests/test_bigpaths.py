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
    return {"glob": str(d / "*.parquet"), "csv": str(d / "events.csv"), "steps": steps, "loaded": loaded,
            "frame": df, "parts": [str(d / "part-0.parquet"), str(d / "part-1.parquet")]}


@pytest.mark.parametrize("which", ["glob", "csv"])
def test_scan_ledger_names_every_excluded_row(event_files, which):
    acc = bigpaths.scan_ledger(event_files[which])
    df = event_files["frame"]
    # independent: the rows of the generated frame with a gap, 1-based within their file
    half = len(df) // 2
    expected = set()
    for i in np.flatnonzero(df["customer_id"].isna() | df["channel"].isna()):
        file = event_files["csv"] if which == "csv" else event_files["parts"][i // half]
        expected.add((file, int(i % half if which == "glob" else i) + 1))
    assert set(zip(acc.ledger["file"], acc.ledger["row"].astype(int))) == expected
    assert acc.n_input == len(df) and acc.n_kept == len(df) - 5
    assert dict(acc.ledger["check"].value_counts()) == {"missing_customer_id": 3, "missing_channel": 2}
    summary = acc.summary.iloc[0]
    assert (summary["n_input"], summary["n_kept"], summary["n_excluded"]) == (30_000, 29_995, 5)
    # the same rows the in-memory reader excludes from the same file
    if which == "csv":
        mem = events.read_events(event_files["csv"]).ledger
        assert set(zip(mem["row"], mem["check"])) == set(zip(acc.ledger["row"], acc.ledger["check"]))


def test_scan_reads_semicolon_csv_and_excludes_bad_timestamps(tmp_path):
    f = tmp_path / "events.csv"
    f.write_text("kunde;zeitpunkt;kanal;konversion\n"
                 "a;2024-01-01 10:00:00;email;0\n"
                 "a;gestern;search;0\n"              # unreadable timestamp: excluded, not an error
                 "a;2024-01-02 10:00:00;search;1\n"
                 "b;2024-01-01 09:00:00;;0\n"        # blank channel
                 "b;2024-01-03 09:00:00;blog;0\n", encoding="utf-8")
    cols = {"customer_id": "kunde", "timestamp": "zeitpunkt", "channel": "kanal", "conversion": "konversion"}
    acc = bigpaths.scan_ledger(str(f), columns=cols)
    assert acc.ledger[["row", "check", "column"]].values.tolist() == [[2, "bad_timestamp", "zeitpunkt"],
                                                                       [4, "missing_channel", "kanal"]]
    assert acc.ledger["old_value"].iloc[0] == "gestern" and acc.ledger["old_value"].isna().iloc[1]
    table = bigpaths.scan_path_table(str(f), columns=cols).set_index("path")
    assert table["conversions"].to_dict() == {"email > search": 1.0, "blog": 0.0}
    mem = events.read_events(f, columns=cols)
    assert set(zip(mem.ledger["row"], mem.ledger["check"])) == {(2, "bad_timestamp"), (4, "missing_channel")}


def test_scan_refuses_excel_with_a_clear_error(tmp_path):
    f = tmp_path / "events.xlsx"
    pd.DataFrame({"customer_id": ["a"], "timestamp": ["2024-01-01"], "channel": ["x"]}).to_excel(f, index=False)
    with pytest.raises(DataError, match="CSV or Parquet"):
        bigpaths.scan_path_table(str(f))
    with pytest.raises(DataError, match="no file matches"):
        bigpaths.scan_path_table(str(tmp_path / "nothing-*.parquet"))


@pytest.mark.parametrize("which", ["glob", "csv"])
def test_path_table_equals_pandas(event_files, which):
    big = bigpaths.scan_path_table(event_files[which]).set_index("path").sort_index()
    small = events.steps_to_paths(event_files["steps"]).set_index("path").sort_index()
    assert big.index.equals(small.index)
    for c in ("conversions", "nulls", "value", "n_journeys"):
        np.testing.assert_allclose(big[c], small[c], err_msg=c)


def test_transitions_lengths_and_times_equal_pandas(event_files):
    st = event_files["steps"]
    key = ["segment", "source", "target"]
    big = bigpaths.scan_transitions(event_files["glob"], by=["segment"]).set_index(key).sort_index()
    small = paths.transitions(st, by=["segment"]).set_index(key).sort_index()
    assert big.index.equals(small.index)
    np.testing.assert_allclose(big[["n", "probability"]], small[["n", "probability"]])
    bl = bigpaths.scan_path_lengths(event_files["glob"], by=["segment"])
    sl = paths.path_lengths(st, by=["segment"])
    pd.testing.assert_frame_equal(bl.reset_index(drop=True), sl.reset_index(drop=True), check_dtype=False)
    bt = bigpaths.scan_time_between_steps(event_files["glob"], unit="min").set_index(["source", "target"]).sort_index()
    ptime = paths.time_between_steps(st, unit="min").set_index(["source", "target"]).sort_index()
    np.testing.assert_allclose(bt[["n", "mean", "median", "p25", "p75"]], ptime[["n", "mean", "median", "p25", "p75"]])


def test_scan_funnel_equals_pandas(event_files):
    st = channels.assign_channels(event_files["steps"], model="accra")
    mapping = channels.map_channels(CHANNELS, model="accra")
    order = list(st["phase"].cat.categories)
    big = paths.funnel(event_files["glob"], mapping=mapping.dropna(subset=["phase"]), order=order)
    big = big.set_index("stage")
    small = paths.funnel(st).set_index("stage")
    for stage in big.index:
        for c in ("n_journeys", "n_touched", "conversions"):
            assert big.loc[stage, c] == pytest.approx(small.loc[stage, c]), (stage, c)


def test_markov_on_duckdb_path_table_equals_pandas(event_files):
    big = attribution.markov_attribution(bigpaths.scan_path_table(event_files["glob"])).set_index("channel").sort_index()
    small = attribution.markov_attribution(events.steps_to_paths(event_files["steps"])).set_index("channel").sort_index()
    np.testing.assert_allclose(big[["conversions", "value", "removal_effect"]],
                               small[["conversions", "value", "removal_effect"]], rtol=1e-9)


def test_memory_limited_connection_and_errors(event_files, tmp_path):
    con = bigpaths.scan_connection(memory_limit="64MB", threads=1, temp_directory=str(tmp_path))
    assert len(bigpaths.scan_path_table(event_files["glob"], con=con)) > 100
    with pytest.raises(DataError, match="not found"):
        bigpaths.scan_path_table(str(tmp_path / "missing.parquet"))
    with pytest.raises(DataError, match="column .kanal."):
        bigpaths.scan_path_table(event_files["glob"], columns={"channel": "kanal"})
