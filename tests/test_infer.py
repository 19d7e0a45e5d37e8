"""Spec inference: proposed types and scales, YAML that load_spec accepts and load applies."""
from __future__ import annotations

import dataclasses

import pandas as pd

from cjkit.io import readers
from cjkit.io.infer import infer_spec, write_spec
from cjkit.io.load import load
from cjkit.io.spec import load_spec


def test_types_on_the_demo_survey(root, tmp_path):
    res = readers.read(root / "surveys" / "demo" / "hotel_guests.csv")
    spec = infer_spec(res.wide, res.meta, survey="demo")
    given = {q.id: q for q in load_spec(root / "surveys" / "demo" / "spec.yaml").questions}
    got = {q.id: q for q in spec.questions}
    assert spec.respondent_id == "lfdn" and spec.weight == "gewicht"
    assert spec.date == "datum" and spec.duration == "dauer_s"
    # the hand-written spec is the reference for types and scales
    for qid in ("tp_werbung", "tp_zimmer", "gesamtzufriedenheit", "weiterempfehlung", "aufwand_buchung", "kommentar"):
        assert got[qid].type == given[qid].type
        if given[qid].scale:
            assert (got[qid].scale.min, got[qid].scale.max) == (given[qid].scale.min, given[qid].scale.max)
    assert got["tp_werbung"].missing == (9,)
    assert got["gesamtzufriedenheit"].role == "overall" and spec.language == "de"
    # touchpoints come from the column names alone (the CSV has no question texts); where one
    # is proposed it should be the one the researcher chose by hand
    both = [qid for qid, q in got.items() if q.touchpoint and qid in given and given[qid].touchpoint]
    agree = [qid for qid in both if got[qid].touchpoint == given[qid].touchpoint]
    assert len(agree) >= 15 and len(agree) >= 0.9 * len(both)
    path = write_spec(spec, tmp_path / "spec.yaml")
    # what infer_spec proposes, write_spec writes and load_spec reads back is the same spec; the
    # export it was read from is its data file, written relative to the spec file
    back = load_spec(path)
    assert dataclasses.replace(back, data=None, path=None) == dataclasses.replace(spec, data=None, path=None)
    assert (path.parent / back.data).resolve() == (root / "surveys" / "demo" / "hotel_guests.csv").resolve()
    data = load(root / "surveys" / "demo" / "hotel_guests.csv", path)
    assert data.summary.iloc[0]["n_input"] == 3008


def test_airline_proposal(shared_data):
    res = readers.read(shared_data / "airline_satisfaction" / "airline_passenger_satisfaction.zip")
    spec = infer_spec(res.wide.head(2000), res.meta, survey="airline")
    ratings = spec.questions_with(types=["rating"])
    assert spec.respondent_id == "ID" and len(ratings) == 14
    assert all(q.scale.max == 5 for q in ratings)
    assert "Class" in spec.segments


def test_spss_labels_become_scale_labels(shared_data):
    res = readers.read(shared_data / "survey_exports" / "spss" / "pyreadstat_test_data" / "basic" / "sample.sav")
    spec = infer_spec(res.wide, res.meta)
    by_id = {q.id: q for q in spec.questions}
    # ordered codes 1..3 with labels are a small rating scale; two codes are a choice
    assert by_id["myord"].type == "rating"
    assert by_id["myord"].scale.to_dict() == {"min": 1, "max": 3, "labels": {1: "low", 2: "medium", 3: "high"}}
    assert by_id["mylabl"].type == "single"


def test_nps_and_missing_codes():
    wide = pd.DataFrame({"rid": list("abcdef"), "empfehlung": [0, 3, 10, 9, 8, 99],
                         "zufriedenheit": [1, 2, 3, 4, 5, -1]})
    qs = {q.id: q for q in infer_spec(wide).questions}
    assert qs["empfehlung"].type == "nps" and qs["empfehlung"].missing == (99,)
    assert qs["zufriedenheit"].scale.to_dict() == {"min": 1, "max": 5} and qs["zufriedenheit"].missing == (-1,)


def test_not_applicable_codes_from_labels_and_answers():
    wide = pd.DataFrame({"id": range(8),
                         # a 1-5 rating with "weiß nicht" typed as an answer
                         "service": ["1", "2", "weiß nicht", "4", "5", "3", "weiß nicht", "2"],
                         # 9 labelled "keine Angabe" is a missing code even beside a 1-5 scale
                         "beratung": [1, 2, 9, 4, 5, 3, 9, 2],
                         "preis": [1, 2, -99, 4, 5, 3, 2, 1]})
    labels = {"beratung": {1: "sehr schlecht", 5: "sehr gut", 9: "keine Angabe"}}
    qs = {q.id: q for q in infer_spec(wide, {"value_labels": labels}).questions}
    assert qs["service"].scale.to_dict() == {"min": 1, "max": 5} and qs["service"].missing == ("weiß nicht",)
    assert qs["beratung"].missing == (9,) and qs["beratung"].missing_labels == {"9": "keine Angabe"}
    assert qs["preis"].missing == (-99,)
    long = load_spec_and_long(wide, infer_spec(wide, {"value_labels": labels}))
    assert long.loc[long["question"] == "service", "value"].isna().sum() == 2


def load_spec_and_long(wide, spec):
    from cjkit.io.spec import to_long
    return to_long(wide, spec)


def test_zero_is_not_applicable_only_in_a_battery_where_it_is_rare():
    rng = pd.Series(range(300))
    ratings = {f"r{i}": ((rng * (i + 1) + i) % 5 + 1).where(rng % (40 + i) != 0, 0) for i in range(4)}
    wide = pd.DataFrame({"id": rng, **ratings, "nps": rng % 11, "lone": rng % 6})
    qs = {q.id: q for q in infer_spec(wide).questions}
    # a 1-5 battery with a rare 0: not applicable, scale 1-5
    assert all(0 in qs[f"r{i}"].missing and qs[f"r{i}"].scale.min == 1 for i in range(4))
    # 0 is an answer on a 0-10 recommendation scale
    assert qs["nps"].type == "nps" and 0 not in qs["nps"].missing
    # a 0-5 column where 0 is as common as any answer is a real 0-5 scale
    assert qs["lone"].scale.min == 0 and 0 not in qs["lone"].missing


def test_yes_no_outcome_names_its_positive_answer():
    wide = pd.DataFrame({"id": range(6),
                         "Würden Sie wieder buchen (zufrieden)?": ["ja", "nein", "ja", "ja", "nein", "ja"],
                         "Haben Sie Kinder?": ["ja", "nein", "nein", "ja", "nein", "nein"],
                         "Zimmer": [1, 2, 3, 4, 5, 4]})
    qs = {q.column: q for q in infer_spec(wide).questions}
    assert qs["Würden Sie wieder buchen (zufrieden)?"].role == "outcome"
    assert qs["Würden Sie wieder buchen (zufrieden)?"].positive == "ja"
    # a yes/no question about the respondent is not an outcome
    assert qs["Haben Sie Kinder?"].role != "outcome"


def test_duration_only_when_the_name_says_interview_duration():
    wide = pd.DataFrame({"id": range(5), "Departure Delay in Minutes": [0, 5, 30, 0, 2],
                         "Flight Distance": [300, 1200, 800, 450, 2000], "q1": [1, 2, 3, 4, 5]})
    assert infer_spec(wide).duration is None
    wide["interviewtime"] = [300.5, 412.0, 250.2, 600.0, 380.1]
    assert infer_spec(wide).duration == "interviewtime"


def test_write_spec_keeps_an_existing_file(tmp_path):
    import pytest
    from cjkit.errors import ConfigError
    spec = infer_spec(pd.DataFrame({"id": [1, 2, 3], "nps": [0, 10, 8]}))
    path = write_spec(spec, tmp_path / "spec.yaml")
    path.write_text("# edited\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ConfigError, match="spec.yaml"):
        write_spec(spec, path)
    assert path.read_text(encoding="utf-8").startswith("# edited")
    write_spec(spec, path, force=True)
    assert load_spec(path) == spec


def test_zero_labelled_not_applicable_is_a_missing_code():
    wide = pd.DataFrame({"id": range(6), "wifi": [0, 1, 2, 3, 4, 5]})
    labels = {"wifi": {0: "not applicable", 1: "very poor", 5: "excellent"}}
    q = infer_spec(wide, {"value_labels": labels}).question("wifi")
    assert q.missing == (0,) and q.missing_labels == {"0": "not applicable"}
    assert (q.scale.min, q.scale.max) == (1, 5)
    # unlabelled and alone, 0 stays an answer, and the decisions ask the researcher to check it
    from cjkit.io.infer import propose_spec
    p = propose_spec(wide)
    assert p.spec.question("wifi").scale.min == 0
    assert (p.decisions.loc[p.decisions["column"] == "wifi", "check"] != "").any()


def test_language_is_detected_from_texts():
    de = pd.DataFrame({"id": range(4), "Ihr Kommentar": ["Das Zimmer war sehr sauber und ruhig",
                                                        "Frühstück gut, aber der Check-in dauerte lange",
                                                        "Nicht zufrieden mit dem WLAN", "Alles bestens"]})
    en = pd.DataFrame({"id": range(4), "Your comment": ["The room was very clean and quiet",
                                                       "Breakfast was good but the check-in took long",
                                                       "Not happy with the wifi", "All fine"]})
    assert infer_spec(de).language == "de" and infer_spec(en).language == "en"


def test_positive_answer_makes_a_two_answer_outcome_numeric():
    from cjkit.io.spec import to_long
    wide = pd.DataFrame({"id": ["a", "b", "c", "d"],
                         "sat": ["Satisfied", "Neutral or Dissatisfied", None, " satisfied "]})
    spec = {"survey": "t", "respondent_id": "id",
            "questions": [{"id": "sat", "type": "single", "role": "outcome", "positive": "Satisfied"}]}
    long = to_long(wide, spec)
    # the positive answer (any case, surrounding blanks) is 1, the other answer 0, no answer missing
    assert long["value"].tolist()[:2] == [1.0, 0.0] and pd.isna(long["value"].iloc[2])
    assert long["value"].iloc[3] == 1.0 and long["text"].iloc[1] == "Neutral or Dissatisfied"
    assert load_spec(spec).question("sat").to_dict()["positive"] == "Satisfied"
