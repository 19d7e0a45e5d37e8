"""load(): the two views, the ledger, and the airline survey end to end."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cjkit.catalog import models
from cjkit.io.load import load
from cjkit.io.spec import load_spec


@pytest.fixture(scope="module")
def airline(root, shared_data):
    return load(spec=root / "surveys" / "airline" / "spec.yaml")


def test_airline_spec_maps_14_ratings(root):
    spec = load_spec(root / "surveys" / "airline" / "spec.yaml")
    ratings = spec.questions_with(types=["rating"])
    assert len(ratings) == 14
    assert all(q.phase and q.touchpoint for q in ratings)
    assert len({q.column for q in ratings}) == 14
    cat = spec.catalog.set_index("id")
    assert {"wifi", "online_boarding", "gate", "seat", "baggage"} <= set(cat.index)


@pytest.mark.slow
def test_airline_loads_from_zip_and_accounts_for_every_row(airline, shared_data):
    s = airline.summary.iloc[0]
    assert s["n_input"] == 129_880 == s["n_kept"] + s["n_excluded"]
    assert airline.meta["format"] == "csv" and airline.wide["ID"].is_unique
    long = airline.long
    assert len(long) == s["n_kept"] * 15
    assert long["phase"].dtype == models.phase_categories("service")
    # rating 0 means "not applicable": missing with its reason, counted in the ledger
    raw = pd.read_csv(shared_data / "airline_satisfaction" / "airline_passenger_satisfaction.zip")
    kept = raw[raw["ID"].isin(airline.wide["ID"])]
    n_zero = int((kept["In-flight Wifi Service"] == 0).sum())
    wifi = long[long["question"] == "inflight_wifi"]
    assert wifi["missing_reason"].eq("missing code 0: not applicable / not rated").sum() == n_zero
    changed = airline.ledger.query("check == 'missing_code' and column == 'In-flight Wifi Service'")
    assert len(changed) == n_zero
    # mean per touchpoint equals plain pandas on the raw file (0 excluded)
    ref = kept["Seat Comfort"].replace(0, np.nan).mean()
    assert long.loc[long["question"] == "seat_comfort", "value"].mean() == pytest.approx(ref)


def test_demo_views(root):
    data = load(spec=root / "surveys" / "demo" / "spec.yaml")
    assert data.wide.index.name == "row" and data.wide["respondent_id"].is_unique
    assert set(data.long["respondent_id"]) == set(data.wide["respondent_id"])
    assert data.long["phase"].cat.ordered
    assert data.summary.iloc[0]["n_input"] == 3008


def test_spss_labels_scored_by_code(shared_data):
    path = shared_data / "survey_exports" / "spss" / "pyreadstat_test_data" / "basic" / "sample_missing.sav"
    spec = {"survey": "s", "respondent_id": "mychar", "questions": [
        {"id": "myord", "type": "rating", "scale": {"min": 1, "max": 3}}]}
    data = load(path, spec, validate=False)
    assert data.wide["myord"].cat.ordered
    assert data.long["value"].tolist()[:4] == [1.0, 2.0, 3.0, 1.0]
    um = data.ledger.query("check == 'user_missing'")
    assert len(um) == 5 and set(um["action"]) == {"value_changed"}


def test_without_spec(tmp_path):
    (tmp_path / "a.csv").write_text("x,y\n1,2\n,\n3,4\n")
    data = load(tmp_path / "a.csv")
    assert data.long is None and data.wide["respondent_id"].tolist() == ["1", "3"]
    assert data.ledger["check"].tolist() == ["empty_row"]


def test_data_from_spec_and_format_override(root, tmp_path):
    (tmp_path / "d.txt").write_text("rid;q\n1;4\n2;5\n")
    (tmp_path / "spec.yaml").write_text("survey: t\ndata: d.txt\nformat: csv\nrespondent_id: rid\n"
                                        "questions:\n- {id: q, type: rating, scale: {min: 1, max: 5}}\n")
    data = load(spec=tmp_path / "spec.yaml")
    assert data.long["value"].tolist() == [4.0, 5.0]
