"""Spec inference: proposed types and scales, YAML that load_spec accepts and load applies."""
from __future__ import annotations

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
    # what infer_spec proposes, write_spec writes and load_spec reads back is the same spec
    assert load_spec(path) == spec
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
