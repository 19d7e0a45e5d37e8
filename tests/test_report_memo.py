"""Within a report the driver analysis, the coding and the shared sections are computed once."""
import pandas as pd

import cjkit as cj
from cjkit.report.sections import comments
from cjkit.stats import drivers
from cjkit.stats.ipa import ipa as plain_ipa


def _counting(monkeypatch, owner, name):
    calls = []
    real = getattr(owner, name)
    monkeypatch.setattr(owner, name, lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_one_driver_analysis_and_one_coding_serve_every_section(monkeypatch):
    study = cj.example_study()
    fits = _counting(monkeypatch, drivers, "key_drivers")
    coder = _counting(monkeypatch, comments, "code_texts")
    coded = cj.report.coded_comments(study, lang="en")
    cj.report.executive_summary(study, coded=cj.report.coded_comments(study, lang="en"), lang="en")
    table = cj.report.driver_table(study, lang="en")
    quadrants = cj.report.ipa_table(study, lang="en")
    cj.report.painpoint_table(study, coded, lang="en")
    assert len(fits) == 1 and len(coder) == 1
    # the same numbers as the public functions computing on their own
    monkeypatch.undo()
    own = cj.key_drivers(study.long, outcome="overall", drivers=list(table["driver"]))
    pd.testing.assert_series_equal(table["relative_weight_pct"], own["relative_weight_pct"])
    ipa = plain_ipa(study.long, outcome="overall", drivers=list(table["driver"]), lang="en")
    assert quadrants["quadrant"].tolist() == ipa["quadrant"].tolist()
    pd.testing.assert_series_equal(quadrants["performance"], ipa["performance"])


def test_a_scoped_study_and_a_replaced_frame_are_computed_anew():
    study = cj.example_study()
    whole = cj.report.driver_table(study)
    couples = study.scoped(segment="Paar")
    scoped = cj.report.driver_table(couples)
    own = cj.key_drivers(couples.long, outcome="overall", drivers=list(whole["driver"]))
    pd.testing.assert_series_equal(scoped.set_index("driver")["relative_weight_pct"],
                                   own.set_index("driver")["relative_weight_pct"])
    assert not scoped["relative_weight_pct"].equals(whole["relative_weight_pct"])
    first = cj.report.key_figures(study)
    first.loc[:, "value"] = -1.0                      # a changed copy does not change the next answer
    assert (cj.report.key_figures(study)["value"] != -1.0).any()
    study.long = study.long[study.long["respondent_id"] != "r0001"]
    assert cj.report.key_figures(study).set_index("figure").loc["overall_mean", "n"] == 119   # one answer less
