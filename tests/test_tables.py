"""Formatted report tables and figure tiles: no row index, catalog headers, locale numbers,
percentages, bases with low-base marks, significance arrows with a legend, escaped text."""
import re
from html import unescape

import pandas as pd
import pytest

import cjkit as cj
from cjkit.errors import ParameterError


def _cells(html: str) -> list[list[str]]:
    """The table's cell texts, unescaped, row by row (the header first)."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [[unescape(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)] for r in rows]


SCORES = pd.DataFrame({"phase": ["retention", "retention", "retention"], "touchpoint": ["room", "wifi", "spa"],
                       "question": ["q1", "q2", "q3"], "metric": "mean", "value": [4.256, 2.5, 3.0],
                       "ci_low": [4.1, 2.2, None], "ci_high": [4.4, 2.8, None], "n": [1234, 25, 8],
                       "flag": ["", "low_base", "suppressed"], "phase_label": "Bindung",
                       "touchpoint_label": ["Zimmer", "WLAN", "Spa"], "item_label": ["Zimmer", "WLAN", "Spa"]})


def test_scores_table_labels_locale_and_bases():
    html = cj.report.format_table(SCORES.assign(value=[4.256, 2.5, None]), lang="de", kind="scores").data
    cells = _cells(html)
    assert cells[0] == ["Phase", "Bewertung", "Mittelwert", "95-%-KI", "Basis (n)"]
    assert cells[1] == ["Bindung", "Zimmer", "4,26", "4,10–4,40", "1.234"]
    assert cells[2][-1] == "25*" and cells[3][2] == "–" and cells[3][-1] == "8*"
    assert "Basis unter 30" in html and "unter 10" in html          # the legend of the marks
    assert "row_heading" not in html and "room" not in html and "q1" not in html


def test_english_and_swiss_number_formats():
    en = _cells(cj.report.format_table(SCORES, lang="en", kind="scores").data)
    ch = _cells(cj.report.format_table(SCORES, lang="de", locale="de_CH", kind="scores").data)
    assert en[0][2] == "Mean" and en[1][2:] == ["4.26", "4.10–4.40", "1,234"]
    assert ch[1][2:] == ["4.26", "4.10–4.40", "1'234"]


def test_shares_are_percentages():
    top2 = SCORES.assign(metric="top2", value=[0.7049, 0.5, 0.2], ci_low=[0.68, 0.3, 0.1], ci_high=[0.72, 0.7, 0.3])
    cells = _cells(cj.report.format_table(top2, lang="de", kind="scores").data)
    assert cells[0][2] == "Top-2-Box" and cells[1][2] == "70\xa0%" and cells[1][3] == "68\xa0%–72\xa0%"


def test_significance_arrows_and_legend():
    seg = pd.DataFrame({"item_label": ["WLAN", "WLAN"], "segment": ["Paar", "Familie"], "metric": "mean",
                        "value": [2.1, 3.4], "total": [2.8, 2.8], "difference_vs_rest": [-1.3, 1.3],
                        "p_adjusted": [0.0001, 0.2], "direction": ["lower", ""], "n": [80, 70], "flag": ""})
    html = cj.report.format_table(seg, lang="en", kind="segments").data
    cells = _cells(html)
    assert cells[1][2] == "2.10 ▼" and cells[2][2] == "3.40"
    assert cells[1][4] == "-1.30"
    assert cells[1][5] == "< 0.001"
    assert "▲/▼ significantly higher/lower than the other respondents (p &lt; 0.05" in html


def test_text_is_escaped_and_rows_limited():
    frame = pd.DataFrame({"text": ["<script>x</script>", "b", "c"], "codes": ["Preis", "WLAN", "Zimmer"]})
    html = cj.report.format_table(frame, lang="de", kind="verbatims", max_rows=2).data
    assert "&lt;script&gt;" in html and "<script>x" not in html
    assert len(_cells(html)) == 3                                  # header and two rows


def test_ledger_words_come_from_the_catalog():
    ledger = pd.DataFrame({"check": ["speeder"], "action": ["excluded"], "n_rows": [12], "n_entries": [12],
                           "example_reason": ["duration 63.0 s below 155 s"]})
    assert _cells(cj.report.format_table(ledger, lang="de", kind="ledger").data)[1] == \
        ["Zu schnell ausgefüllt", "ausgeschlossen", "12"]


def test_wide_tables_fit_the_page():
    html = cj.report.format_table(SCORES, lang="de", css=True).data
    assert "<style>" not in cj.report.format_table(SCORES, lang="de").data     # a report has it in its heading
    assert cj.report.tables.CSS in cj.report.heading(cj.example_study(), "satisfaction").data
    assert "width:100%" in html and "overflow-wrap:break-word" in html and "@media print" in html


def test_unknown_kind_is_a_parameter_error():
    with pytest.raises(ParameterError, match="kind"):
        cj.report.format_table(SCORES, kind="pie")


def test_figure_tiles_show_labels_not_internal_names():
    study = cj.example_study()
    html = cj.report.figure_tiles(cj.report.key_figures(study), study, lang="de").data
    assert "overall_mean" not in html and "respondents_in_scope" not in html
    assert "Gesamtzufriedenheit (Mittelwert)" in html and "Net Promoter Score" in html
    assert "3,50" in html and "95-%-KI 3,33 bis 3,67" in html
