"""The journey-path report's tables, tiles and findings: labels not ids, numbers in the locale's format,
sentences computed from the tables. Expected strings are written out by hand."""
from __future__ import annotations

import html
import re

import pandas as pd
import pytest
import yaml

import cjkit as cj
from cjkit.catalog.config import DATA
from cjkit.errors import ParameterError

NBSP = "\u00a0"


def _rows(table) -> list[list[str]]:
    """Header and body cells of a rendered table, as text."""
    text = table.data if hasattr(table, "data") else table
    rows = re.findall(r"<tr>(.*?)</tr>", text, flags=re.S)
    return [[html.unescape(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, flags=re.S)] for r in rows]


def _compare() -> pd.DataFrame:
    # two channels; a's Shapley value (7) lies inside Markov's interval 5-7.5, b's (1) outside 3-5.5
    return pd.DataFrame({"approach": ["last_touch"] * 2 + ["markov_order_1"] * 2 + ["shapley"] * 2,
                         "channel": ["b", "a"] * 3, "conversions": [4.0, 6.0, 4.0, 6.0, 1.0, 7.0],
                         "ci_low": [None, None, 3.0, 5.0, None, None], "ci_high": [None, None, 5.5, 7.5, None, None]})


def test_funnel_table_names_phases_and_formats_counts_and_shares():
    f = pd.DataFrame({"stage": ["(start)", "awareness", "consideration"], "n_journeys": [20000.0, 20000.0, 11250.0],
                      "share_of_start": [1.0, 1.0, 0.5625], "step_conversion": [None, 1.0, 0.5625],
                      "drop_off": [0.0, 0.0, 8750.0]})
    rows = _rows(cj.report.path_table(f, "funnel", lang="de"))
    assert rows[0] == ["Stufe", "Journeys", "Anteil vom Start", "Weiter von der Vorstufe", "Abbrüche"]
    # 11,250 / 20,000 = 0.5625 -> 56.2 % (half to even, as Babel rounds), German separators
    assert rows[3] == ["Erwägung", "11.250", f"56,2{NBSP}%", f"56,2{NBSP}%", "8.750"]
    assert rows[1][0] == "Start" and rows[1][3] == "–"  # no step before the start
    en = _rows(cj.report.path_table(f, "funnel", lang="en"))
    assert en[3] == ["Consideration", "11,250", "56.2%", "56.2%", "8,750"]


def test_compare_table_sets_markov_interval_shapley_and_last_touch_side_by_side():
    rows = _rows(cj.report.path_table(_compare(), "compare", labels={"a": "Alpha", "b": "Beta"}, lang="de"))
    assert rows[0] == ["Kanal", "Markov", "95-%-KI", "Shapley", "Letzter Kontakt", "Shapley im Markov-Intervall"]
    assert rows[1] == ["Alpha", "6,0", "5,0–7,5", "7,0", "6,0", "ja"]   # sorted by Markov, largest first
    assert rows[2] == ["Beta", "4,0", "3,0–5,5", "1,0", "4,0", "nein"]


def test_paths_are_read_with_labels_forward_and_backward():
    common = pd.DataFrame({"path": ["a > awareness"], "n_journeys": [1234.0], "share": [0.25], "conversions": [3.0],
                           "conversion_rate": [0.0024], "value": [1500.5]})
    rows = _rows(cj.report.path_table(common, "common_paths", labels={"a": "Alpha"}, lang="en"))
    assert rows[1] == ["Alpha › Awareness", "1,234", "25.0%", "3", "0.2%", "1,500"]
    back = pd.DataFrame({"path_back": ["a < awareness"], "n_steps_back": [2], "conversions": [5.0], "share": [0.5]})
    assert _rows(cj.report.path_table(back, "backward_paths", labels={"a": "Alpha"}, lang="en"))[1][0] == \
        "Alpha ‹ Awareness"


def test_summary_metrics_have_words_and_their_own_formats():
    s = pd.DataFrame({"metric": ["n_journeys", "conversion_rate", "mean_steps", "median_steps"],
                      "value": [20000.0, 0.12485, 2.6098, 2.0]})
    rows = _rows(cj.report.path_table(s, "summary", lang="de"))
    assert rows[1:] == [["Journeys", "20.000"], ["Conversion-Rate", f"12,5{NBSP}%"],
                        ["Kontakte je Journey (Mittelwert)", "2,61"], ["Kontakte je Journey (Median)", "2,0"]]


def test_excluded_rows_are_summarised_per_check_without_folders():
    ledger = pd.DataFrame({"file": ["/data/in/events.csv"] * 7, "row": [9, 2, 3, 4, 5, 6, 7],
                           "column": ["timestamp"] * 7, "check": ["outside_lookback"] * 7,
                           "action": ["excluded"] * 7, "reason": ["touch more than lookback=5D before"] * 7})
    rows = _rows(cj.report.path_table(ledger, "excluded", lang="de"))
    assert rows[1] == ["events.csv", "Kontakt vor dem Lookback-Fenster", "timestamp", "ausgeschlossen", "7",
                       "2, 3, 4, 5, 6 …"]
    assert "/data/in" not in cj.report.path_table(ledger, "excluded", lang="de").data


def test_segment_columns_come_first_under_their_own_names():
    m = pd.DataFrame({"device": ["mobile"], "channel": ["email"], "conversions": [2.5], "removal_effect": [0.4],
                      "value": [10.0]})
    rows = _rows(cj.report.path_table(m, "markov", by=["device"], lang="en"))
    assert rows == [["device", "Channel", "Conversions", "Removal effect", "Value"],
                    ["mobile", "E-mail", "2.5", "40.0%", "10"]]


def test_channel_labels_add_the_touchpoint_of_the_catalog():
    catalog = yaml.safe_load((DATA / "touchpoints" / "default.yaml").read_text(encoding="utf-8"))
    search = next(t for t in catalog["touchpoints"] if t["id"] == "search")
    names = cj.report.channel_labels(["organic_google", "zz_unknown"], lang="de", labels={"zz_unknown": "Sonstiges"})
    assert names == {"(conversion)": "Conversion", "(null)": "ohne Conversion",
                     "organic_google": f"organic google ({search['label_de']})", "zz_unknown": "Sonstiges"}


def test_findings_name_channels_drop_overlap_and_touches():
    summary = pd.DataFrame({"metric": ["n_journeys", "conversions", "conversion_rate"], "value": [100.0, 10.0, 0.1]})
    # strict: 50 -> 25 (50 %) -> 5 (20 %): the weakest step is the second; loose keeps 40 % there
    ordered = pd.DataFrame({"mode": ["strict"] * 3 + ["loose"] * 3, "stage": ["a", "b", "c"] * 2,
                            "stage_order": [1, 2, 3] * 2, "n_journeys": [50.0, 25.0, 5.0, 50.0, 30.0, 12.0],
                            "step_conversion": [None, 0.5, 0.2, None, 0.6, 0.4]})
    # conversions after 1, 2, 3 touches: 2, 1, 7 -> cumulative 20 %, 30 %, 100 %: median 3
    touches = pd.DataFrame({"n_touches": [1, 2, 3], "conversions": [2.0, 1.0, 7.0], "share": [0.2, 0.1, 0.7],
                            "cum_share": [0.2, 0.3, 1.0]})
    check = pd.DataFrame({"order": [1, 2], "auc": [0.6, 0.7], "pauc": [0.6, 0.69], "suggested": [False, True]})
    f = cj.report.path_findings(summary, compare=_compare(), ordered=ordered, touches=touches, order_check=check,
                                n_input=40, n_excluded=1, labels={"a": "Alpha", "b": "Beta", "c": "Gamma"}, lang="en")
    text = dict(zip(f["topic"] + f.groupby("topic").cumcount().astype(str), f["text"]))
    assert text["path_basis0"] == ("100 journeys with 10 conversions (conversion rate 10.0%); 1 of 40 rows "
                                   "excluded.")
    assert text["path_channels0"] == ("By the Markov model Alpha with 6.0 conversions (60.0%) and Beta with 4.0 "
                                      "conversions (40.0%) carry the most conversions.")
    assert text["path_channels1"] == "As the last touch, Alpha closes most often (6 conversions)."
    assert text["path_funnel0"] == ("In the strict funnel Alpha › Beta › Gamma most journeys drop between Beta and "
                                    "Gamma: only 20.0% go straight on (5 of 25); with other touches between (loose) "
                                    "it is 40.0%.")
    # |6 - 7| = 1 and |4 - 1| = 3: Beta differs most; only Beta's Shapley value is outside its interval
    assert text["path_attribution0"].startswith("Markov and Shapley differ most for Beta: 4.0 against 1.0 conversions; "
                                                "for 1 of 2 channels")
    assert text["path_attribution1"].startswith("The bootstrap intervals of the two strongest channels by Markov "
                                                "overlap (Alpha: 5.0 to 7.5; Beta: 3.0 to 5.5)")
    assert text["path_attribution2"] == "The order check suggests a Markov chain of order 2; the report uses order 1."
    assert text["path_time0"] == ("Converting journeys need 3 touches (median); 20.0% convert at the first touch, "
                                  "100.0% by the third.")
    de = cj.report.path_findings(summary, compare=_compare(), n_input=40, lang="de")
    assert de["topic_label"].tolist()[:2] == ["Datenbasis", "Kanäle mit Conversions"]


def test_separate_intervals_say_the_first_channel_is_ahead():
    c = _compare()
    c.loc[c["approach"] == "markov_order_1", ["ci_low", "ci_high"]] = [[3.0, 4.5], [5.0, 7.5]]  # b, a
    summary = pd.DataFrame({"metric": ["conversions"], "value": [10.0]})
    f = cj.report.path_findings(summary, compare=c, lang="de")
    assert f["text"].iloc[-1] == ("Die Bootstrap-Intervalle der beiden stärksten Kanäle nach Markov überschneiden "
                                  "sich nicht (a: 5,0 bis 7,5; b: 3,0 bis 4,5): a liegt gesichert vorn.")


def test_key_figures_and_tiles():
    summary = pd.DataFrame({"metric": ["n_journeys", "conversions", "value"], "value": [20000.0, 10.0, 0.0]})
    figures = cj.report.path_key_figures(summary, compare=_compare(), n_input=40, n_excluded=0, lang="de")
    markov = figures[figures["figure"].str.startswith("markov_")]
    assert markov[["figure", "value", "ci_low", "ci_high"]].values.tolist() == [["markov_a", 6.0, 5.0, 7.5],
                                                                                 ["markov_b", 4.0, 3.0, 5.5]]
    tiles = cj.report.path_tiles(figures, lang="de").data
    # 6 of 10 conversions = 60 %; a value of 0 (no value column in the data) gets no tile
    assert "20.000" in tiles and f"Conversions, 60,0{NBSP}% aller" in tiles and "Stärkster Kanal (Markov): a" in tiles and "5,0 bis 7,5" in tiles
    assert "Umsatz" not in tiles


def test_heading_and_bad_kind():
    j = cj.paths.load_journeys(path_file=pd.DataFrame({"path": ["a > b", "b"], "conversions": [1, 1],
                                                       "nulls": [1, 2]}))
    head = cj.report.path_heading(j, "phase", source="demo.csv", lang="de").data
    assert "<h1>Customer-Journey-Pfade: demo.csv</h1>" in head and "Journeys: <b>5</b>" in head
    with pytest.raises(ParameterError, match="kind"):
        cj.report.path_table(pd.DataFrame(), "sankey")
    with pytest.raises(ParameterError, match="lang"):
        cj.report.path_table(pd.DataFrame(), "funnel", lang="fr")


def test_methods_appendix_has_the_path_topics_in_both_languages():
    from cjkit.paths.shapley import shapley_attribution
    import inspect

    en = cj.report.methods_appendix(lang="en", topics=["path_markov", "path_shapley", "path_funnel", "path_order"])
    text = en.set_index("method")["text"]
    assert "removal effect" in text["path_markov"] and "percentiles" in text["path_markov"]
    exact = inspect.signature(shapley_attribution).parameters["max_exact"].default
    assert f"up to {exact} channels are solved exactly" in text["path_shapley"]
    assert "penalised" in text["path_order"] and "very next touch" in text["path_funnel"]
    de = cj.report.methods_appendix(lang="de", topics=["path_order"])
    assert de["topic"].iloc[0] == "Ordnung der Markov-Kette"


def test_alt_texts_describe_flow_and_attribution_from_their_tables():
    # step 1: 60 + 20 journeys start with awareness, 20 with consideration (100 in all); 10 convert later
    flow = pd.DataFrame({"step": [1, 1, 1, 2], "source": ["awareness", "awareness", "consideration", "consideration"],
                         "target": ["consideration", "(null)", "(null)", "(conversion)"],
                         "n": [60.0, 20.0, 20.0, 10.0]})
    assert cj.report.path_alt(flow, "flow", lang="de") == (
        f"Pfadfluss über 2 Schritte: 80,0{NBSP}% der Journeys beginnen mit Aufmerksamkeit; 10,0{NBSP}% enden mit "
        "einer Conversion.")
    text = cj.report.path_alt(_compare(), "attribution", labels={"a": "Alpha"}, lang="en")
    assert text == ("Bar chart of the conversions credited to each channel (Last touch, Markov (order 1), Shapley); "
                    "by Markov (order 1) Alpha gets the most (6.0).")
    with pytest.raises(ParameterError, match="kind"):
        cj.report.path_alt(flow, "sankey")
