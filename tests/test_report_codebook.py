"""Which codebooks code a report's open answers: the spec's industry and own codebook, else the
industry that clearly fits the whole file's answers, else the cross-industry codes alone."""
from __future__ import annotations

import pandas as pd
import pytest
import yaml

import cjkit as cj
from cjkit.coding.codebook import load_codebook

TELECOM = ["Das Netz ist ständig weg, kein Empfang im Funkloch", "Internet bricht jeden Abend ab",
           "Die Rechnung war zu hoch, Roaming falsch berechnet", "Hotline Warteschleife 40 Minuten",
           "Datenvolumen nach zwei Wochen aufgebraucht, dann gedrosselt", "Vertrag gekündigt wegen Tarif",
           "Die Rufnummernmitnahme hat drei Wochen gedauert", "Neue SIM-Karte kam nicht an",
           "Im Shop wurde mir ein teurer Handyvertrag aufgeschwatzt", "Kein 5G, nur LTE"]
COURSE = ["Die Anmeldung zum Kurs war umständlich", "Der Vortrag war spannend", "Zu wenig Pausen",
          "Die Referentin war sehr kompetent", "Unterlagen kamen spät"]


def _study(tmp_path, comments, *, segments=None, **spec_keys):
    n = len(comments)
    data = pd.DataFrame({"id": [f"r{i:03d}" for i in range(n)],
                         "gruppe": segments or ["a", "b"] * (n // 2) + ["a"] * (n % 2),
                         "zufriedenheit": [(i % 5) + 1 for i in range(n)], "kommentar": comments})
    data.to_csv(tmp_path / "data.csv", index=False)
    spec = {"survey": "t", "respondent_id": "id", "data": "data.csv", "language": "de", "segments": ["gruppe"],
            "questions": [{"id": "zufriedenheit", "type": "csat", "role": "overall", "scale": {"min": 1, "max": 5}},
                          {"id": "kommentar", "type": "open", "role": "comment"}], **spec_keys}
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return tmp_path / "spec.yaml"


def test_the_spec_names_industry_and_own_codebook(tmp_path):
    own = {"id": "mine", "name_de": "Meine Codes", "name_en": "My codes", "codes": [{"id": "roaming_fee", "kind": "topic", "label_de": "Roaming-Gebühr",
                                    "label_en": "Roaming fee",
                                    "match": {"de": {"keywords": ["Roaming"]}, "en": {"keywords": ["roaming"]}}}]}
    (tmp_path / "meine_codes.yaml").write_text(yaml.safe_dump(own, allow_unicode=True), encoding="utf-8")
    study = cj.open_study(_study(tmp_path, TELECOM * 5, industry="telecom", codebook="meine_codes.yaml"))
    basis = cj.report.report_codebook(study)
    assert basis["sources"] == ["shared", "telecom", str(tmp_path / "meine_codes.yaml")] and basis["how"] == "spec"
    coded = cj.report.coded_comments(study, lang="de")
    # the same coding as composing the three by hand, and codes of each of the three are found
    by_hand = cj.code_texts(study.long[study.long["type"] == "open"].dropna(subset=["text"]),
                            load_codebook(basis["sources"]), model=study.model, label_lang="de")
    pd.testing.assert_frame_equal(coded, by_hand)
    telecom_codes = set(load_codebook("telecom").table["code"])
    assert "roaming_fee" in set(coded["code"]) and telecom_codes & set(coded["code"])
    note = cj.report.coding_note(study, lang="de")
    assert "meine_codes.yaml" in note and "festgelegt" in note


def test_an_industry_clearly_ahead_is_proposed_from_the_whole_file(tmp_path):
    # every segment's report gets the industry chosen on all answers, not on its own
    spec = _study(tmp_path, TELECOM * 5 + COURSE * 2, segments=["a"] * 50 + ["b"] * 10)
    whole = cj.open_study(spec)
    course_only = cj.open_study(spec, segment="b")
    assert set(course_only.long.dropna(subset=["text"])["text"]) <= set(COURSE)
    for study in (whole, course_only):
        basis = cj.report.report_codebook(study)
        assert (basis["industry"], basis["how"], basis["sources"]) == ("telecom", "proposed", ["shared", "telecom"])
    assert "aus den Antworten gewählt" in cj.report.coding_note(whole, lang="de")


def test_no_industry_clearly_ahead_means_the_cross_industry_codes(tmp_path):
    study = cj.open_study(_study(tmp_path, COURSE * 6))
    basis = cj.report.report_codebook(study)
    assert basis["sources"] == ["shared"] and basis["industry"] is None and basis["how"] == "shared"
    methods = cj.report.methods_appendix(lang="en", coding=cj.report.coding_note(study, lang="en"))
    assert methods["method"].iloc[-1] == "coding"
    assert methods["text"].iloc[-1].startswith("Open answers were coded with the cross-industry codebook;")


def test_a_missing_own_codebook_is_named(tmp_path):
    with pytest.raises(cj.ConfigError, match="codebook.*nope.yaml.*not found"):
        cj.open_study(_study(tmp_path, COURSE * 2, codebook="nope.yaml"))


def test_written_spec_keeps_its_own_codebook_relative(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "codes.yaml").write_text("id: x\ncodes: []\n", encoding="utf-8")
    spec = cj.load_spec(_study(tmp_path / "a", COURSE * 2, codebook="codes.yaml"))
    out = cj.write_spec(spec, tmp_path / "b" / "spec.yaml")
    again = cj.load_spec(out)
    assert (again.base_dir / again.codebook).resolve() == (tmp_path / "a" / "codes.yaml").resolve()
