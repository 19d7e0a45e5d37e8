"""Reading path tables and event logs, the exclusion ledger, and path <-> long conversions."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cjkit.io import events
from cjkit.quality import ledger
from cjkit.errors import DataError

AP = "attribution_paths"


def test_reads_semicolon_and_comma_path_tables(shared_data):
    ca = events.read_path_table(shared_data / AP / "channelattribution" / "Data.csv")
    raw = pd.read_csv(shared_data / AP / "channelattribution" / "Data.csv", sep=";")
    assert ca.n_input == len(raw) == len(ca.data) == 10_000 and ca.ledger.empty
    assert ca.data["conversions"].sum() == raw["total_conversions"].sum()
    assert ca.data["nulls"].sum() == raw["total_null"].sum()
    assert ca.data["value"].sum() == pytest.approx(raw["total_conversion_value"].sum())
    pc = events.read_path_table(shared_data / AP / "pychattr" / "free_trial_and_demo_path_data_final.csv.gz")
    assert len(pc.data) == 3840 and pc.data["path"].iloc[1] == "blog > blog"


def test_negative_counts_go_to_ledger_unless_allowed(shared_data):
    f = shared_data / AP / "pychattr" / "example_data.csv"
    strict = events.read_path_table(f)
    assert strict.n_input == len(strict.data) + len(strict.ledger) == 17
    assert strict.ledger["row"].tolist() == [16, 17]
    assert strict.ledger["reason"].str.contains("negative conversions").all()
    assert len(events.read_path_table(f, allow_negative=True).data) == 17


def test_path_normalisation_handles_compact_separator(shared_data):
    paths = events.read_path_table(shared_data / AP / "pychattr" / "example_data.csv", allow_negative=True).data
    assert "events > organic > events" in set(paths["path"])


def test_event_ledger_accounts_for_every_row(tmp_path):
    f = tmp_path / "ev.csv"
    f.write_text(
        "user_id,time,channel,device,converted,revenue\n"
        "u1,2024-01-01 10:00,email,mobile,0,\n"          # 1 ok
        ",2024-01-01 10:00,email,mobile,0,\n"            # 2 missing id
        "u1,,search,desktop,0,\n"                        # 3 missing timestamp
        "u1,yesterday-ish,search,desktop,0,\n"           # 4 unreadable timestamp
        "u2,2024-01-02 09:00,,desktop,0,\n"              # 5 missing channel
        "u2,2024-01-02 09:30,search,desktop,maybe,\n"    # 6 bad conversion
        "u2,2024-01-02 09:45,shop,desktop,1,zwölf\n"     # 7 bad value
        "u2,2024-01-02 10:00,shop,desktop,ja,99.5\n"     # 8 ok (German yes)
        "u1,2024-01-01 10:00,email,mobile,0,\n",         # 9 duplicate of 1
        encoding="utf-8")
    res = events.read_events(f)
    assert res.n_input == 9 == len(res.data) + len(res.ledger)
    reasons = dict(zip(res.ledger["row"], res.ledger["reason"]))
    assert reasons == {2: "missing customer_id", 3: "missing timestamp", 4: "timestamp not readable as date/time",
                       5: "missing channel", 6: "conversion is not 0/1/true/false", 7: "value is not a number",
                       9: "duplicate event (same customer, time, channel, event, conversion, value)"}
    assert res.data["conversion"].tolist() == [0, 1] and res.data["value"].tolist() == [0.0, 99.5]
    # the shared ledger format: accounting adds up and each exclusion names file, column and check
    acc = ledger.summary(res.ledger, n_input=res.n_input, n_kept=len(res.data)).iloc[0]
    assert (acc["n_kept"], acc["n_excluded"]) == (2, 7)
    row7 = res.ledger.set_index("row").loc[7]
    assert (row7["file"], row7["column"], row7["check"], row7["old_value"]) == (str(f), "revenue", "not_a_number",
                                                                              "zwölf")


def test_missing_column_and_file_errors(tmp_path):
    f = tmp_path / "ev.csv"
    f.write_text("who,when\na,2024-01-01\n", encoding="utf-8")
    with pytest.raises(DataError, match="customer_id") as err:
        events.read_events(f)
    assert "ev.csv" in str(err.value) and "who" in str(err.value)
    with pytest.raises(DataError, match="not found"):
        events.read_events(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="column 'kanal'"):
        events.read_events(f, columns={"customer_id": "who", "timestamp": "when", "channel": "kanal"})


def test_events_to_steps_splits_journeys_at_conversions():
    ev = pd.DataFrame({"customer_id": ["a"] * 4 + ["b"],
                       "timestamp": pd.to_datetime(["2024-01-04", "2024-01-01", "2024-01-02", "2024-01-03",
                                                    "2024-01-01"]),
                       "channel": ["x", "y", "z", "x", "y"], "conversion": [0, 0, 1, 0, 0],
                       "value": [0, 0, 20.0, 0, 0], "seg": ["s1", "s1", "s1", "s2", "s3"]})
    st = events.events_to_steps(ev, segments=["seg"])
    paths = events.steps_to_paths(st)
    assert dict(zip(paths["path"], paths["conversions"])) == {"y > z": 1.0, "x > x": 0.0, "y": 0.0}
    assert st.loc[st.journey_id == "a#2", "seg"].tolist() == ["s2", "s2"]
    assert st.loc[st.journey_id == "a#1", "value"].tolist() == [20.0, 20.0]


def test_paths_steps_roundtrip(shared_data):
    paths = events.read_path_table(shared_data / AP / "pychattr" / "free_trial_and_demo_path_data_final.csv.gz").data
    steps = events.paths_to_steps(paths)
    assert len(steps) == paths["path"].str.count(">").add(1).sum()
    back = events.steps_to_paths(steps).set_index("path").sort_index()
    # the file repeats some paths (converting and non-converting rows); the round trip merges them
    ref = paths.groupby("path").sum().sort_index()
    assert len(back) == len(ref) == 3732
    pd.testing.assert_frame_equal(back, ref[back.columns], check_dtype=False, check_index_type=False)


def test_resolve_input_prefers_notebook_folder(root, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    got = events.resolve_input("../../shared/data")
    assert got == (root / "notebooks" / "../../shared/data").resolve()
    (tmp_path / "local.csv").write_text("x\n", encoding="utf-8")
    assert events.resolve_input("local.csv") == (tmp_path / "local.csv").resolve()
    assert events.resolve_input("/tmp") == Path("/tmp")


def test_event_log_through_shared_readers_accounts_every_row(tmp_path):
    """A German export (semicolon, Windows-1252, decimal comma) with a ragged row, bad timestamps
    and blank channels: input rows = kept + excluded-with-reason, each naming file, row and column."""
    f = tmp_path / "ereignisse.csv"
    lines = ["kunde;zeitpunkt;kanal;konversion;umsatz",
             "k1;2024-01-01 10:00;E-Mail-Öffnung;0;0,00",      # 1 ok (umlaut in cp1252)
             "k1;irgendwann;Suche;0;0,00",                      # 2 bad timestamp
             "k2;2024-01-02 09:00;;0;0,00",                     # 3 blank channel
             "k2;2024-01-02 09:30;   ;0;0,00",                  # 4 channel of blanks only
             "k2;2024-01-02 10:00;Shop;1;1.234,50;zu viel",     # 5 ragged: one field too many
             "k3;;Suche;0;0,00",                                # 6 missing timestamp
             "k2;2024-01-03 10:00;Shop;1;99,50"]                # 7 ok
    f.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    res = events.read_events(f)
    # independent: what each line above says
    expected = {2: "bad_timestamp", 3: "missing_channel", 4: "missing_channel", 5: "ragged_row",
                6: "missing_timestamp"}
    assert dict(zip(res.ledger["row"].astype(int), res.ledger["check"])) == expected
    assert res.n_input == 7 and len(res.data) == 2
    acc = res.summary.iloc[0]
    assert (acc["n_input"], acc["n_kept"], acc["n_excluded"]) == (7, 2, 5)
    assert (res.ledger["file"] == str(f)).all() and res.ledger["reason"].notna().all()
    assert res.ledger.set_index("row").loc[2, "column"] == "zeitpunkt"
    assert res.data["channel"].tolist() == ["E-Mail-Öffnung", "Shop"]
    assert res.data["value"].tolist() == [0.0, 99.5]  # decimal comma read as a number


def test_numeric_ids_with_gaps_stay_integers(tmp_path):
    f = tmp_path / "ev.csv"
    f.write_text("customer_id,timestamp,channel\n17,2024-01-01,email\n,2024-01-02,email\n17,2024-01-03,shop\n",
                 encoding="utf-8")
    res = events.read_events(f)
    assert res.data["customer_id"].tolist() == ["17", "17"]
    assert res.ledger["check"].tolist() == ["missing_customer_id"]


def test_path_table_from_excel_and_parquet_match_csv(shared_data, tmp_path):
    raw = pd.read_csv(shared_data / AP / "pychattr" / "demo_data_small.csv")
    raw.to_excel(tmp_path / "paths.xlsx", index=False)
    raw.to_parquet(tmp_path / "paths.parquet")
    ref = events.read_path_table(shared_data / AP / "pychattr" / "demo_data_small.csv").data
    for name in ("paths.xlsx", "paths.parquet"):
        got = events.read_path_table(tmp_path / name).data
        pd.testing.assert_frame_equal(got, ref, check_dtype=False)


def test_not_a_table_gets_a_clear_error(tmp_path):
    f = tmp_path / "README.md"
    f.write_text("# notes\n", encoding="utf-8")
    with pytest.raises(DataError, match="README.md"):
        events.read_events(f)
