"""The executive summary: every sentence computed from the data, checked against numpy/pandas
computations written out here, in the report language and locale."""
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import cjkit as cj
from cjkit.catalog import i18n
from cjkit.errors import ParameterError
from cjkit.report import methods


@pytest.fixture(scope="module")
def study():
    return cj.example_study()


@pytest.fixture(scope="module")
def summary_en(study):
    return cj.report.executive_summary(study, lang="en").set_index("topic", append=True)


def _text(summary, topic):
    return " ".join(summary.xs(topic, level="topic")["text"])


def _wmean(frame, qid):
    rows = frame[(frame["question"] == qid) & frame["value"].notna()]
    return np.average(rows["value"], weights=rows["weight"])


def test_overall_level_with_interval_and_top2(study, summary_en):
    w = study.wide["weight"].to_numpy(float)
    y = study.wide["overall"].to_numpy(float)
    mean = np.average(y, weights=w)
    top2 = w[y >= 4].sum() / w.sum()
    text = _text(summary_en, "level")
    assert f"stands at {mean:.2f} on a scale of 1 to 5" in text
    assert f"{top2:.0%} of respondents give one of the two best ratings" in text
    assert f"n = {len(y)})" in text


def test_change_since_the_previous_wave(study, summary_en):
    long = study.long
    wave = long["wave"].astype(str)
    change = _wmean(long[wave == "2026"], "overall") - _wmean(long[wave == "2025"], "overall")
    text = _text(summary_en, "change")
    assert f"Compared with wave 2025 it changed by {change:+.2f}" in text
    assert "not significant" in text  # the example waves do not differ (p well above 0.05)


def test_report_on_one_wave_compares_with_the_wave_before(study, tmp_path):
    cj.example_data().to_csv(tmp_path / "hotel.csv", index=False)
    one_wave = cj.open_study(cj.example_spec(), data=tmp_path / "hotel.csv", wave="2026")
    long = study.long
    wave = long["wave"].astype(str)
    change = _wmean(long[wave == "2026"], "overall") - _wmean(long[wave == "2025"], "overall")
    s = cj.report.executive_summary(one_wave, lang="en")
    assert s.set_index("topic").loc["change", "text"].startswith(f"Compared with wave 2025 it changed by {change:+.2f}")
    assert len(one_wave.wide) == 60 and s.set_index("topic").loc["level", "n"] == 60


def test_no_change_sentence_with_a_single_wave(study):
    first = replace(study, long=study.long[study.long["wave"].astype(str) == "2025"])
    assert "change" not in set(cj.report.executive_summary(first, lang="en")["topic"])


def test_strongest_and_weakest_touchpoint_by_index(study, summary_en):
    long = study.long[study.long["role"] == "driver"]
    index = {q: (_wmean(long, q) - 1) / 4 * 100 for q in long["question"].unique()}
    best, worst = max(index, key=index.get), min(index, key=index.get)
    labels = {"tp_website": "Website", "tp_booking": "Booking", "tp_room": "Room", "tp_check_in": "Check-in",
              "tp_wifi": "Wi-Fi"}
    text = _text(summary_en, "touchpoints")
    assert text.startswith(f"{labels[best]} performs best (index {index[best]:.0f} out of 100")
    assert f"{labels[worst]} weakest (index {index[worst]:.0f};" in text


def test_top_pain_points_with_their_evidence(root):
    demo = cj.open_study(root / "surveys" / "demo" / "spec.yaml")
    coded = cj.report.coded_comments(demo, lang="en")
    s = cj.report.executive_summary(demo, lang="en", coded=coded)
    pains = s[s["topic"] == "painpoints"]["text"].tolist()
    assert len(pains) == methods.TOP_PAINPOINTS
    # Wi-Fi: the share of low ratings (1 or 2 of 5) counted with pandas, the mentions in the coded answers
    rows = demo.long[(demo.long["question"] == "tp_wlan") & demo.long["value"].notna()]
    low = rows.loc[rows["value"] <= 2, "weight"].sum() / rows["weight"].sum()
    mentions = coded[(coded["touchpoint"] == "wifi") & (coded["polarity"] == -1)]["respondent_id"].nunique()
    wifi = next(t for t in pains if "Wi-Fi (Retention)" in t)
    assert f"{low:.0%} low ratings" in wifi and f"{mentions} negative mentions" in wifi


def test_no_pain_point_is_said_in_words(study):
    # the small example survey has no touchpoint that is important and weak: the summary says so
    coded = cj.report.coded_comments(study, lang="en")
    s = cj.report.executive_summary(study, lang="en", coded=coded)
    assert s[s["topic"] == "painpoints"]["text"].tolist() == [i18n.label("note_no_painpoints", "en")]


def test_significant_persona_difference_is_named(study):
    # couples rate the Wi-Fi 1 or 2, families 4 or 5: a difference no test can miss
    long = study.long.copy()
    wifi = long["question"] == "tp_wifi"
    alternate = np.arange(wifi.sum()) % 2
    long.loc[wifi, "value"] = np.where(long.loc[wifi, "persona"] == "Paar", 1.0, 4.0) + alternate
    text = " ".join(cj.report.executive_summary(replace(study, long=long), lang="en")
                    .query("topic == 'segments'")["text"])
    assert "Persona 'Paar' rates Wi-Fi significantly lower" in text
    assert "Persona 'Familie' rates Wi-Fi significantly higher" in text


def test_no_persona_difference_says_so_with_the_threshold(summary_en):
    assert _text(summary_en, "segments") == ("The personas do not differ significantly (p < 0.05, Holm-adjusted).")


def test_data_basis_with_kish_effective_n(study, summary_en):
    w = study.wide["weight"].to_numpy(float)
    n_eff = w.sum() ** 2 / (w ** 2).sum()
    text = _text(summary_en, "basis")
    assert text == (f"{len(w)} respondents in this report ({len(w)} usable of {len(w)} rows); "
                    f"weighted, effective base {n_eff:.0f} (Kish).")


def test_german_locale_formats_and_swiss_variant(study):
    de = cj.report.executive_summary(study, lang="de")
    ch = cj.report.executive_summary(study, lang="de", locale="de_CH")
    mean = np.average(study.wide["overall"], weights=study.wide["weight"])
    assert f"liegt bei {mean:.2f}".replace(".", ",") in de["text"].iloc[0]
    assert f"liegt bei {mean:.2f}" in ch["text"].iloc[0]           # de_CH writes a decimal point
    assert de["topic_label"].iloc[0] == i18n.label("sum_topic_level", "de")


def test_summary_html_groups_findings_and_escapes():
    frame = pd.DataFrame({"topic": ["level", "painpoints", "painpoints"],
                          "topic_label": ["Level", "Pain points", "Pain points"],
                          "text": ["a <b>", "one", "two"], "value": [1.0, 2.0, 3.0], "n": [1, 2, 3]})
    html = cj.report.summary_html(frame).data
    assert html.count("Pain points") == 1 and "<li>one</li><li>two</li>" in html
    assert "a &lt;b&gt;" in html


def test_methods_appendix_states_the_thresholds():
    m = cj.report.methods_appendix(lang="de").set_index("method")["text"]
    assert "p < 0,05" in m["significance"] and "Holm" in m["significance"]
    assert "unter 30" in m["base_rule"] and "unter 10" in m["base_rule"]
    assert "die 3 Pain Points" in m["painpoints"]
    with pytest.raises(ParameterError, match="topics"):
        cj.report.methods_appendix(topics=["nope"])
