"""Study facade and report sections on the demo survey, checked against independent pandas computations."""
import numpy as np
import pandas as pd
import pytest

from cjkit.report import sections as report
from cjkit.errors import ParameterError
from cjkit.report.study import grid_values, open_study, run_context


@pytest.fixture(scope="module")
def demo(root):
    return root / "surveys" / "demo" / "spec.yaml"


@pytest.fixture(scope="module")
def study(demo):
    return open_study(demo)


@pytest.fixture(scope="module")
def kept_raw(root, study):
    """The demo CSV read by plain pandas, restricted to the rows the ledger did not exclude."""
    raw = pd.read_csv(root / "surveys" / "demo" / "hotel_guests.csv", dtype={"lfdn": str})
    excluded = set(study.ledger.loc[study.ledger["action"] == "excluded", "row"].astype(int))
    raw.index = np.arange(1, len(raw) + 1)
    return raw.loc[~raw.index.isin(excluded)]


def test_rows_add_up(study):
    s = study.summary().set_index("measure")["n"]
    excluded = s[s.index.str.startswith("excluded")].sum()
    assert s["input_rows"] == 3008 and s["input_rows"] == s["kept"] + excluded
    assert s["excluded: duplicate_id"] == 6 and s["excluded: empty_row"] == 2
    assert s["excluded: speeder"] == 30 and s["excluded: straightliner"] == 25


def test_key_figures_match_plain_pandas(study, kept_raw):
    fig = report.key_figures(study).set_index("figure")
    w = kept_raw["gewicht"]
    nps = kept_raw["weiterempfehlung"]
    expected_nps = 100 * (w[nps >= 9].sum() - w[nps <= 6].sum()) / w.sum()
    assert fig.loc["nps", "value"] == pytest.approx(expected_nps, abs=1e-9)
    overall = kept_raw["gesamtzufriedenheit"]
    assert fig.loc["gesamtzufriedenheit_mean", "value"] == pytest.approx(np.average(overall, weights=w))
    assert fig.loc["gesamtzufriedenheit_top2", "value"] == pytest.approx(w[overall >= 4].sum() / w.sum())
    # CES is reverse coded in the spec: 8 - effort
    assert fig.loc["aufwand_buchung_mean", "value"] == pytest.approx(np.average(8 - kept_raw["aufwand_buchung"], weights=w))
    assert fig.loc["respondents_kept", "n"] == len(kept_raw)
    assert fig.loc["nps", "ci_low"] < fig.loc["nps", "value"] < fig.loc["nps", "ci_high"]


def test_touchpoint_scores_exclude_not_used_code(study, kept_raw):
    scores = report.touchpoint_scores(study, lang="en").set_index("question")
    wifi = kept_raw["tp_wlan"]
    used = wifi != 9
    assert scores.loc["tp_wlan", "n"] == used.sum()
    assert scores.loc["tp_wlan", "value"] == pytest.approx(np.average(wifi[used], weights=kept_raw["gewicht"][used]))
    assert scores.loc["tp_wlan", "touchpoint_label"] == "Wi-Fi"
    assert scores["value"].idxmin() == "tp_wlan"            # the planted pain point
    assert "aufwand_buchung" not in scores.index            # effort is not a satisfaction rating


def test_scope_filters_and_model_translation(demo):
    st = open_study(demo, segment="Geschaeftsreisender", wave="2025-H2", model="service")
    assert set(st.wide["persona"]) == {"Geschaeftsreisender"} and set(st.wide["welle"]) == {"2025-H2"}
    assert set(st.long["respondent_id"]) == set(st.wide["respondent_id"])
    assert set(st.long["phase"].dropna()) == {"pre_service", "service", "post_service"}
    assert st.summary().set_index("measure").loc["in_scope", "n"] == len(st.wide)


def test_unknown_segment_value_lists_allowed(demo):
    with pytest.raises(ParameterError, match="no respondent has persona = 'Astronaut'.*Familie mit Kindern"):
        open_study(demo, segment="Astronaut")


def test_drivers_sum_to_r2_and_find_planted_structure(study):
    d = report.driver_table(study)
    assert d["relative_weight"].sum() == pytest.approx(d["r2"].iloc[0])
    assert d["lmg"].sum() == pytest.approx(d["r2"].iloc[0])
    top3 = set(d.nsmallest(3, "rank")["driver"])
    assert "tp_zimmer" in top3                               # room carries the largest planted weight


def test_wave_trend_finds_planted_changes(study):
    t = report.trend_table(study)
    second = t[(t["wave"] == "2025-H2") & t["significant"].fillna(False).astype(bool)].set_index("question")
    assert second.loc["tp_checkin", "change"] > 0.3          # reorganised check-in
    assert second.loc["tp_buchung", "change"] < -0.3         # relaunched booking site


def test_grid_values_and_run_context(demo):
    assert grid_values({"spec": str(demo)}, "segment") == ["Familie mit Kindern", "Geschaeftsreisender",
                                                           "Hundebesitzer-Paar", "Wellness-Geniesserin"]
    assert grid_values({"spec": str(demo)}, "wave") == ["2025-H1", "2025-H2"]
    ctx = run_context({"spec": str(demo)})["ledger_summary"]
    assert ctx["n_input"] == ctx["n_kept"] + ctx["n_excluded"] == 3008
    assert ctx["excluded_by_reason"]["speeder"] == 30


# ------------------------------------------------------------------ the example survey
def test_example_study_matches_its_data():
    from cjkit.report.study import example_data, example_study

    raw = example_data(80, seed=3)
    st = example_study(80, seed=3)
    assert (st.n_input, st.n_kept, len(st.wide)) == (80, 80, 80)
    # independent: weighted mean and NPS of the generated answers with numpy
    fig = report.key_figures(st).set_index("figure")
    assert fig.loc["overall_mean", "value"] == pytest.approx(np.average(raw["overall"], weights=raw["weight"]))
    rec, w = raw["recommend"].to_numpy(), raw["weight"].to_numpy()
    expected_nps = 100 * (w[rec >= 9].sum() - w[rec <= 6].sum()) / w.sum()
    assert fig.loc["nps", "value"] == pytest.approx(expected_nps)
    # same seed, same data; the scope filter keeps exactly one wave
    pd.testing.assert_frame_equal(example_data(80, seed=3), raw)
    assert set(example_study(80, seed=3, wave="2026").wide["wave"].astype(str)) == {"2026"}


def test_example_data_rejects_a_tiny_sample():
    from cjkit.report.study import example_data

    with pytest.raises(ParameterError, match="'n'"):
        example_data(5)
