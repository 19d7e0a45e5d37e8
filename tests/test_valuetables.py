"""The persona and value report's tables and summary: labels instead of ids, locale numbers,
yes/no words, percentages, no row index, and sentences with the numbers written out by hand."""
import re
from html import unescape

import pandas as pd
import pytest

import cjkit as cj
from cjkit.errors import ConfigError, ParameterError


def _cells(html: str) -> list[list[str]]:
    """The table's cell texts, unescaped, row by row (the header first)."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [[unescape(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)] for r in rows]


SELECTION = pd.DataFrame({"k": [2, 3], "silhouette": [0.3317, 0.3723], "stability_ari": [1.0, 0.7846],
                          "stable": [True, False], "chosen": [True, False]})
RECOMMENDATIONS = pd.DataFrame({
    "segment": ["Familie", "Familie", "Business"], "driver": ["tp_breakfast", "tp_room", "tp_room"], "rank": [1, 2, 1],
    "current": [3.9306, 3.7353, 4.0154], "target": [5.0, 5.0, 5.0], "gap": [1.07, 1.26, 0.98],
    "effect": [0.19, 0.14, 0.14], "expected_gain": [0.2027, 0.1831, 0.1341], "ci_low": [0.1386, 0.1152, 0.0803],
    "ci_high": [0.2705, 0.2527, 0.1812], "n": [525, 525, 1843], "complaints": [8, 17, 15]})
STAKE = pd.DataFrame({"item": ["detractors_at_risk"], "nps_group": ["detractor"], "n": [1717],
                      "base_value": [489090.8], "rate": [0.3076], "value_at_stake": [150436.19],
                      "label": ["Umsatz der Kritiker im Risiko"], "assumption": ["Annahme: <Abstand> zählt."]})
NAMES = {"tp_breakfast": "Frühstück", "tp_room": "Zimmer"}


def test_persona_selection_table_yes_no_and_decimal_comma():
    cells = _cells(cj.report.value_table(SELECTION, "persona_selection", lang="de").data)
    assert cells == [["Anzahl Personas", "Silhouette", "Stabilität (ARI)", "stabil", "gewählt"],
                     ["2", "0,33", "1,00", "ja", "ja"], ["3", "0,37", "0,78", "nein", "nein"]]


def test_recommendations_table_labels_interval_and_no_index():
    html = cj.report.value_table(RECOMMENDATIONS, "recommendations", labels=NAMES, lang="en").data
    cells = _cells(html)
    assert cells[0] == ["Persona/segment", "Rank", "Touchpoint", "Current", "Target", "Expected gain", "95% CI",
                        "Complaints", "Base (n)"]
    assert cells[1] == ["Familie", "1", "Frühstück", "3.93", "5.00", "+0.20", "0.14–0.27", "8", "525"]
    assert cells[3] == ["Business", "1", "Zimmer", "4.02", "5.00", "+0.13", "0.08–0.18", "15", "1,843"]
    assert "tp_room" not in html and "row_heading" not in html


def test_what_if_total_row_and_value_at_stake_with_assumption():
    what_if = pd.DataFrame({"segment": ["Familie", "Familie"], "driver": ["tp_breakfast", "total"],
                            "current": [3.93, 3.80], "new": [5.0, 4.0028], "effect": [0.19, None],
                            "predicted_change": [0.2027, 0.2027]})
    cells = _cells(cj.report.value_table(what_if, "what_if", labels=NAMES, lang="de").data)
    assert cells[1:] == [["Familie", "Frühstück", "3,93", "5,00", "+0,20"],
                         ["Familie", "Gesamt (Zielgröße)", "3,80", "4,00", "+0,20"]]
    html = cj.report.value_table(STAKE, "value_at_stake", lang="de").data
    assert _cells(html)[:2] == [["Größe", "Basis (n)", "Anteil", "Wert der Gruppe", "Wert im Risiko"],
                                ["Umsatz der Kritiker im Risiko", "1.717", "31\xa0%", "489.091\xa0€", "150.436\xa0€"]]
    assert '<p class="cj-legend">Annahme: &lt;Abstand&gt; zählt.</p>' in html


def test_currency_is_a_parameter_written_by_babel():
    # Babel's CLDR data: Swiss francs keep their code, the US dollar is US$ in British English
    html = cj.report.value_table(STAKE, "value_at_stake", lang="en", currency="CHF").data
    assert _cells(html)[1][3:] == ["CHF489,091", "CHF150,436"]
    assert _cells(cj.report.value_table(STAKE, "value_at_stake", lang="de", currency="USD").data)[1][4] == \
        "150.436\xa0$"
    en = cj.report.value_summary(SELECTION, RECOMMENDATIONS, STAKE, lang="en", currency="USD")
    assert en["text"].iloc[-1] == "Umsatz der Kritiker im Risiko: US$150,436 (n = 1,717)."
    with pytest.raises(ParameterError, match="currency"):
        cj.report.value_table(STAKE, "value_at_stake", currency="Euro")
    with pytest.raises(ParameterError, match="currency"):
        cj.report.value_summary(SELECTION, RECOMMENDATIONS, STAKE, currency="XYZ")


def test_variable_labels_from_the_catalog_and_a_labels_file(tmp_path):
    study = cj.example_study()
    path = tmp_path / "labels.yaml"
    path.write_text("mit_hund: {de: mit Hund, en: with a dog}\nnaechte: Nächte\n", encoding="utf-8")
    de = cj.report.variable_labels(study, path, lang="de")
    assert (de["mit_hund"], de["naechte"], de["tp_wifi"]) == ("mit Hund", "Nächte", "WLAN")
    assert cj.report.variable_labels(study, path, lang="en")["mit_hund"] == "with a dog"
    dist = pd.DataFrame({"proposal": ["p1"], "variable": ["mit_hund"], "level": [""], "kind": ["number"],
                         "value": [0.87], "rest_value": [0.23], "effect_size": [1.56], "effect_kind": ["cohen_d"],
                         "n": [435], "n_rest": [2510]})
    cells = _cells(cj.report.value_table(dist, "distinguishing", labels=de, lang="de").data)
    assert cells[1][:2] == ["p1", "mit Hund"] and "mit_hund" not in str(cells)
    bad = tmp_path / "bad.yaml"
    bad.write_text("mit_hund: {fr: avec chien}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="mit_hund") as err:
        cj.report.variable_labels(study, bad, lang="de")
    assert "bad.yaml" in str(err.value)


def test_link_clv_and_churn_tables_name_sides_models_and_groups():
    link = pd.DataFrame({"side": ["survey", "customers"], "n": [2945, 3711], "matched": [2857, 2857],
                         "unmatched": [88, 854]})
    assert _cells(cj.report.value_table(link, "customer_link", lang="en").data)[1:] == [
        ["Survey", "2,945", "2,857", "88"], ["Customer file", "3,711", "2,857", "854"]]
    clv = pd.DataFrame({"model": ["bgnbd", "gamma_gamma"], "parameter": ["a", "p"], "value": [220108.3912, 19.5709],
                        "log_likelihood": [-92583.598, -25300.234], "n": [3711, 3598]})
    assert _cells(cj.report.value_table(clv, "clv_parameters", lang="de").data)[1:] == [
        ["BG/NBD", "a", "220.108,39", "-92.583,6", "3.711"], ["Gamma-Gamma", "p", "19,57", "-25.300,2", "3.598"]]
    cox = pd.DataFrame({"term": ["nps_group=detractor"], "reference": ["nps_group=promoter"], "estimate": [-1.07],
                        "ratio": [0.3427], "ci_low": [0.2996], "ci_high": [0.3920], "p_value": [5e-55], "n": [2857],
                        "events": [1883], "method": ["cox"]})
    assert _cells(cj.report.value_table(cox, "churn_model", lang="en").data)[1] == [
        "Detractors (0–6)", "0.34", "0.30–0.39", "< 0.001", "2,857", "1,883"]


def test_crosstab_and_distinguishing_tables():
    crosstab = pd.DataFrame({"proposal": ["p1", "p2"], "Familie": [1234, 0], "Business": [3, 819]})
    assert _cells(cj.report.value_table(crosstab, "persona_crosstab", lang="de").data) == [
        ["Vorschlag", "Familie", "Business"], ["p1", "1.234", "3"], ["p2", "0", "819"]]
    dist = pd.DataFrame({"proposal": ["p1"], "variable": ["tp_room"], "level": [None], "kind": ["number"],
                         "value": [0.9897], "rest_value": [0.0502], "effect_size": [-0.8284], "effect_kind": ["cohen_d"],
                         "n": [872], "n_rest": [2073]})
    assert _cells(cj.report.value_table(dist, "distinguishing", labels=NAMES, lang="en").data)[1] == [
        "p1", "Zimmer", "–", "0.99", "0.05", "-0.83", "872"]
    with pytest.raises(ParameterError, match="kind"):
        cj.report.value_table(dist, "nope")


def test_value_summary_sentences_in_both_languages():
    de = cj.report.value_summary(SELECTION, RECOMMENDATIONS, STAKE, labels=NAMES, lang="de")
    assert de["topic"].tolist() == ["personas", "recommendations", "recommendations", "value"]
    assert de["text"].tolist() == [
        "Die Daten legen 2 Personas nahe: unter den stabilen Lösungen (mittlerer ARI ab 0,8) trennt diese Anzahl "
        "am besten (Silhouette 0,33).",
        "Familie: zuerst Frühstück verbessern – erwarteter Gewinn +0,20 (95-%-KI 0,14 bis 0,27; n = 525).",
        "Business: zuerst Zimmer verbessern – erwarteter Gewinn +0,13 (95-%-KI 0,08 bis 0,18; n = 1.843).",
        "Umsatz der Kritiker im Risiko: 150.436\xa0€ (n = 1.717).",
    ]
    en = cj.report.value_summary(SELECTION, RECOMMENDATIONS, lang="en")
    assert en["text"].iloc[2] == "Business: improve tp_room first – expected gain +0.13 (95% CI 0.08 to 0.18; n = 1,843)."
    assert "value" not in set(en["topic"])
    assert cj.report.summary_html(de).data.startswith('<ul class="cj-summary"><li><b>Personas:</b>')


def test_value_methods_topics_and_survey_default():
    m = cj.report.methods_appendix(lang="en", topics=["persona_k", "expected_gain", "clv", "value_at_stake"])
    text = m.set_index("method")["text"]
    assert "adjusted Rand index (ARI) of at least 0.8" in text["persona_k"]
    assert "Expected gain = effect × gap" in text["expected_gain"] and "bootstrap" in text["expected_gain"]
    assert "Fader, Hardie and Lee 2005" in text["clv"] and "Gamma-Gamma" in text["clv"]
    assert "not discounted" in text["clv"] and "estimates, not forecasts" in text["value_at_stake"]
    # the survey reports keep their appendix: the value topics are not in the default
    assert "clv" not in set(cj.report.methods_appendix(lang="de")["method"])


def test_driver_labels_name_the_touchpoint():
    names = cj.report.driver_labels(cj.example_study(), lang="de")
    assert names["tp_wifi"] == "WLAN"


def test_value_key_figures_are_labelled_rows_for_index_and_deck():
    from types import SimpleNamespace

    link = pd.DataFrame({"side": ["survey", "customers"], "n": [2945, 3657], "matched": [2857, 2857],
                         "unmatched": [88, 800]})
    f = cj.report.value_key_figures(SimpleNamespace(k=4), respondents=2945, link_summary=link, stake=STAKE, lang="de")
    assert f[["figure", "value", "label"]].values.tolist() == [
        ["personas_proposed", 4.0, "Vorgeschlagene Personas"], ["respondents_in_scope", 2945.0, "Befragte"],
        ["matched", 2857.0, "Befragte mit Buchungen verknüpft"],
        ["value_at_stake_detractors_at_risk", 150436.19, "Umsatz der Kritiker im Risiko"]]
    assert f["n"].iloc[-1] == 1717 and f["n"].iloc[:3].isna().all()
