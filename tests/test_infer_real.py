"""Spec inference on real exports: the proposed spec loads, opens and runs.

Only the shipped default catalogs are used (never the repository's hand-written airline spec or
its touchpoint file); every spec is written into tmp_path. Expectations come from the files
themselves: their column names, their answer labels and the data set descriptions.
"""
from __future__ import annotations

import pandas as pd
import pytest

import cjkit as cj
from cjkit.cli import main
from cjkit.io.infer import propose_spec, write_spec

SERVICE_RATINGS = ["Departure and Arrival Time Convenience", "Ease of Online Booking", "Check-in Service",
                   "Online Boarding", "Gate Location", "On-board Service", "Seat Comfort", "Leg Room Service",
                   "Cleanliness", "Food and Drink", "In-flight Service", "In-flight Wifi Service",
                   "In-flight Entertainment", "Baggage Handling"]


@pytest.fixture(scope="module")
def airline_sample(shared_data, tmp_path_factory):
    """3,000 passengers of the airline survey, as a plain CSV in a folder of its own."""
    full = pd.read_csv(shared_data / "airline_satisfaction" / "airline_passenger_satisfaction.zip")
    path = tmp_path_factory.mktemp("airline") / "passengers.csv"
    full.sample(3000, random_state=7).to_csv(path, index=False)
    return path


def _propose(path, **kw):
    raw = cj.read_export(path)
    return propose_spec(raw.wide, raw.meta, data=path, **kw)


def test_airline_spec_loads_opens_and_runs_drivers(airline_sample, tmp_path):
    proposal = _propose(airline_sample, survey="airline")
    spec_path = write_spec(proposal, tmp_path / "specs" / "airline.yaml")
    spec = cj.load_spec(spec_path)
    # data: is relative to the spec file and points at the sample
    assert not spec.data.startswith("/") and spec.data_path.resolve() == airline_sample.resolve()
    assert spec.respondent_id == "ID" and spec.language == "en"
    by_column = {q.column: q for q in spec.questions}
    # the outcome is the two-answer satisfaction, "satisfied" counting as 1 (the file's own label)
    outcome = by_column["Satisfaction"]
    assert outcome.role == "outcome" and str(outcome.positive).lower() == "satisfied"
    # 0 = not applicable on every one of the 14 service ratings (1-5 otherwise)
    for column in SERVICE_RATINGS:
        q = by_column[column]
        assert q.is_scale and (q.scale.min, q.scale.max) == (1, 5) and 0 in q.missing, column
    # flight delays and distance are minutes and miles of the flight, not the interview duration
    assert spec.duration is None
    assert not {"Departure Delay", "Arrival Delay", "Flight Distance"} & set(by_column)

    study = cj.open_study(spec_path)
    assert study.n_input == 3000
    long = study.long
    answers = long[long["question"] == outcome.id]
    # the 0/1 outcome follows the label, row by row
    assert ((answers["value"] == 1.0) == answers["text"].str.lower().eq("satisfied")).all()
    zero = long[long["missing_reason"].fillna("").str.startswith("missing code 0")]
    assert len(zero) > 0 and zero["value"].isna().all()
    drivers = cj.key_drivers(long, outcome=outcome.id)
    assert len(drivers) == len(SERVICE_RATINGS) and drivers["relative_weight"].notna().all()


def test_airline_touchpoints_are_right_or_left_open(airline_sample):
    proposal = _propose(airline_sample)
    by_column = {q.column: q for q in proposal.spec.questions}
    # unambiguous names get their touchpoint ...
    assert by_column["Check-in Service"].touchpoint == "check_in"
    assert by_column["Cleanliness"].touchpoint == "cleanliness"
    assert by_column["In-flight Wifi Service"].touchpoint == "wifi"
    # ... while "Leg Room" is not a hotel room and departure/arrival times are not check-in/-out:
    # better no touchpoint than a wrong one, with the weak candidate listed for the researcher
    assert by_column["Leg Room Service"].touchpoint is None
    assert by_column["Departure and Arrival Time Convenience"].touchpoint is None
    weak = proposal.decisions[(proposal.decisions["decision"] == "touchpoint")
                              & (proposal.decisions["proposal"] == "(none)")]
    assert "Leg Room Service" in set(weak["column"]) and (weak["check"] != "").all()


@pytest.mark.parametrize("relative", [
    "qualtrics/qualtRics_sample.csv",
    "qualtrics/QualtricsTools_samples/Better Sample Survey/Better_Sample_Survey.csv",
    "surveymonkey/ggwash_2022_anc_questionnaire_surveymonkey_REDACTED.csv",
    "formbricks/formbricks_enterprise_dream_survey_REDACTED.csv",
    "limesurvey/limonaid_extdata/testing/survey_100001_R_data_file.csv",
    "google_forms/Autistica_Turing Citizen Science Platform (Responses) - Form Responses 1(3).csv",
    "spss/mass_survey_sav/survey.sav",
    "spss/pyreadstat_test_data/basic/sample.sav",
])
def test_survey_exports_infer_to_specs_that_open(shared_data, tmp_path, relative):
    path = shared_data / "survey_exports" / relative
    spec_path = write_spec(_propose(path), tmp_path / "spec.yaml")
    study = cj.open_study(spec_path)
    # every row of the file is accounted for, kept or in the ledger (summary raises otherwise)
    assert len(study.summary()) and study.n_input >= len(study.wide) > 0


def test_qualtrics_duration_is_the_interview_duration(shared_data):
    spec = _propose(shared_data / "survey_exports" / "qualtrics" / "qualtRics_sample.csv").spec
    assert spec.duration == "Duration (in seconds)"
    assert spec.respondent_id == "ResponseId"


def test_german_comments_only(shared_data, tmp_path):
    lines = (shared_data / "german_hotel_absa" / "train.txt").read_text(encoding="utf-8").splitlines()[:400]
    texts = [line.split("\t", 1)[1] for line in lines if "\t" in line]
    path = tmp_path / "kommentare.csv"
    pd.DataFrame({"Ihr Kommentar": texts}).to_csv(path, index=False)
    proposal = _propose(path)
    spec = cj.load_spec(write_spec(proposal, tmp_path / "spec.yaml"))
    assert spec.language == "de"
    assert [q.role for q in spec.questions] == ["comment"]
    study = cj.open_study(tmp_path / "spec.yaml")
    assert len(study.wide) == len(texts)


def test_english_reviews_with_rating_and_recommendation(shared_data, tmp_path):
    reviews = pd.read_csv(shared_data / "womens_ecommerce_reviews" / "womens_clothing_ecommerce_reviews.csv.zip")
    path = tmp_path / "reviews.csv"
    reviews.head(600).to_csv(path, index=False)
    spec = _propose(path).spec
    by_column = {q.column: q for q in spec.questions}
    assert spec.language == "en"
    assert by_column["Review Text"].role == "comment"
    # the star rating (1-5) is the overall judgement; Recommended IND (1 = recommends) an outcome
    assert by_column["Rating"].role == "overall" and (by_column["Rating"].scale.min, by_column["Rating"].scale.max) == (1, 5)
    assert by_column["Recommended IND"].role == "outcome" and str(by_column["Recommended IND"].positive) == "1"
    study = cj.open_study(write_spec(spec, tmp_path / "spec.yaml"))
    assert study.n_input == 600


def test_english_complaints_with_date(shared_data, tmp_path):
    complaints = pd.read_csv(shared_data / "cfpb_complaints_sample" / "cfpb_complaints_with_narratives.csv")
    path = tmp_path / "complaints.csv"
    complaints.head(400).to_csv(path, index=False)
    spec = _propose(path).spec
    by_column = {q.column: q for q in spec.questions}
    assert by_column["Consumer complaint narrative"].role == "comment"
    assert spec.date == "Date received" and spec.respondent_id == "Complaint ID"
    assert cj.open_study(write_spec(spec, tmp_path / "spec.yaml")).n_input == 400


def test_car_rental_comments_with_satisfaction_flag(shared_data, tmp_path):
    path = shared_data / "car_rental_feedback" / "car_rental_training_data.csv"
    spec = _propose(path).spec
    by_column = {q.column: q for q in spec.questions}
    assert by_column["Customer_Service"].role == "comment"
    # Satisfaction is 1 (satisfied) / 0 in this file: an outcome with 1 as the positive answer
    assert by_column["Satisfaction"].role == "outcome" and str(by_column["Satisfaction"].positive) == "1"
    assert "Business_Area" in spec.segments


def test_cli_infer_prints_decisions_and_keeps_an_existing_spec(airline_sample, tmp_path, capsys):
    out = tmp_path / "spec.yaml"
    assert main(["infer", str(airline_sample), str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Satisfaction" in printed and "respondent_id" in printed and str(out) in printed
    edited = out.read_text(encoding="utf-8") + "# my edits\n"
    out.write_text(edited, encoding="utf-8")
    assert main(["infer", str(airline_sample), str(out)]) == 2
    err = capsys.readouterr().err
    assert "--force" in err and "spec.yaml" in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == edited
    assert main(["infer", str(airline_sample), str(out), "--force"]) == 0
    assert "# my edits" not in out.read_text(encoding="utf-8")
