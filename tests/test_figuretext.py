"""A key figure reads the same in the report's tiles, the run's index page and the PowerPoint deck."""
from __future__ import annotations

import json
import html
import re

import pytest
import yaml
from pptx import Presentation

import cjkit as cj
from cjkit.report.batch import RunConfig
from cjkit.report.deck import export_deck
from cjkit.report.figuretext import figure_label, figure_roles, figure_value
from cjkit.report.runindex import write_index
from cjkit.report.study import outcome_question


@pytest.fixture(scope="module")
def study():
    return cj.example_study()


def _rendered(study, lang, tmp_path):
    """(tiles, index page, deck rows) of one report of the example survey."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(cj.example_spec(), allow_unicode=True), encoding="utf-8")
    figures = cj.report.key_figures(study)
    out = tmp_path / "run"
    cj.report.write_key_figures(figures, out / "rep")
    (out / "rep.html").write_text("<p>report</p>", encoding="utf-8")
    tiles = html.unescape(cj.report.figure_tiles(figures, study, lang=lang).data)
    cfg = RunConfig(notebooks=(), parameters={"spec": str(spec), "lang": lang}, run="run", output_root=tmp_path)
    row = {"name": "rep", "notebook": "10_satisfaction_report.ipynb", "status": "ok", "error": "", "html": "rep.html",
           "parameters": {}}
    page = html.unescape(write_index(out, cfg, [row], {}).read_text(encoding="utf-8"))
    table = next(s for s in Presentation(export_deck(out / "rep", lang=lang, spec=spec)).slides[-1].shapes
                 if s.has_table).table
    deck = {table.cell(i, 0).text: table.cell(i, 1).text for i in range(1, len(table.rows))}
    return tiles, page, deck


@pytest.mark.parametrize("lang", ["de", "en"])
def test_headline_figures_render_identically_in_tiles_index_and_deck(study, lang, tmp_path):
    tiles, page, deck = _rendered(study, lang, tmp_path)
    stored = cj.report.key_figures(study).set_index("figure")["value"]
    # written out by hand from the example survey's figures (3.4967 mean, 50.8 % top-2, NPS +1.04)
    comma = lang == "de"
    expected = {"respondents_in_scope": "120",
                "overall_mean": f"{stored['overall_mean']:.2f}".replace(".", "," if comma else "."),
                "overall_top2": f"{round(stored['overall_top2'] * 100):d}" + ("\u00a0%" if comma else "%"),
                "nps": f"+{round(stored['nps']):d}"}
    assert expected["overall_mean"] == ("3,50" if comma else "3.50") and expected["nps"] == "+1"
    roles = figure_roles(cj.example_spec())
    for figure, value in expected.items():
        label = figure_label(figure, lang, roles=roles)
        assert figure_value(figure, stored[figure], lang) == value
        assert re.search(rf'cj-tile-label">{re.escape(label)}</div><div class="cj-tile-value">{re.escape(value)}<',
                         tiles), figure
        assert f"{label}: {value}" in page, figure
        assert deck[label] == value, figure


def test_roles_follow_the_outcome_rule_of_the_study():
    spec = cj.example_spec()
    assert figure_roles(spec) == {outcome_question(spec).id: "overall"}
    csat_only = {"questions": [{"id": "q1", "role": "csat"}, {"id": "q2", "type": "ces"}]}
    assert figure_roles(csat_only) == {"q1": "overall", "q2": "ces"}
    two_csat = {"questions": [{"id": "q1", "role": "csat"}, {"id": "q3", "role": "csat"}]}
    assert figure_roles(two_csat) == {}                      # no single CSAT question: no overall outcome
    assert figure_roles(None) == {} and figure_roles("no/such/spec.yaml") == {}


def test_labels_and_numbers_without_a_spec():
    assert figure_label("wait_mean", "en") == "Wait: mean"
    assert figure_label("nps", "de") == "Net Promoter Score"
    assert figure_value("overall_bottom2", 0.126, "en") == "13%"
    assert figure_value("respondents_kept", 1538.0, "de") == "1.538"
    assert figure_value("nps", -4.6, "en") == "-5"
    assert figure_value("overall_mean", None, "en") == figure_value("overall_mean", float("nan"), "en")


def test_a_reports_own_labels_and_counts_reach_the_run_index(tmp_path):
    from cjkit.report.runindex import _figures

    (tmp_path / "key_figures.json").write_text(json.dumps({
        "n_journeys": {"value": 20000.0, "label": "Journeys"},
        "conversion_rate": {"value": 0.12485, "label": "Conversion-Rate"},
        "markov_email": {"value": 431.2567, "ci_low": 400.0, "ci_high": 460.0, "label": "Markov: E-Mail"}}),
        encoding="utf-8")
    shown = _figures(tmp_path, "de", roles={}).split("<br>")
    # written out by hand: a count without decimals, a share as a whole percentage, conversions with two
    assert shown == ["Journeys: 20.000", "Conversion-Rate: 12\u00a0%", "Markov: E-Mail: 431,26"]


def test_the_run_index_names_its_data_basis_in_the_run_language():
    from cjkit.report.runindex import _ledger_table

    facts = {"data": "hotel_guests.csv", "n_input": 3008, "n_kept": 2945, "n_excluded": 63,
             "excluded_by_reason": {"duplicate_id": 6, "speeder": 30}}
    page = _ledger_table(facts, "de")
    assert "<h2>Datenqualität</h2>" in page and "Data quality" not in page
    for shown in ("Zeilen in der Datei", "3.008", "Verwertbare Befragte", "2.945", "Doppelte Befragten-ID",
                  "Zu schnell ausgefüllt"):
        assert shown in page
    assert not any(raw in page for raw in ("n_input", "n_kept", "duplicate_id", "speeder"))
    assert "Rows in the file</td><td>3,008" in _ledger_table(facts, "en")
