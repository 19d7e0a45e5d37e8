"""Persona files: validated into typed personas; the demo's personas match its data."""
from __future__ import annotations

import pandas as pd
import pytest

import cjkit as cj
from cjkit.catalog import models
from cjkit.catalog.personas import Persona, Personas, load_personas
from cjkit.errors import ConfigError


def test_demo_personas_match_the_survey(root):
    ps = load_personas(root / "surveys" / "demo" / "personas.yaml")
    assert isinstance(ps, Personas) and ps.column == "persona" and len(ps) == 4
    data = pd.read_csv(root / "surveys" / "demo" / "hotel_guests.csv", usecols=["persona"])
    assert {p.segment for p in ps} == set(data["persona"].dropna())   # every respondent has a persona
    phases = set(models.get("accra").phase_ids)
    catalog = set(cj.touchpoints()["id"])
    for p in ps:
        assert p.name and p.description and p.goals and p.needs
        assert set(p.phase_goals) <= phases and set(p.phase_needs) <= phases
        assert set(p.channels) <= catalog
    dog = ps.get("Hundebesitzer-Paar")
    assert dog is ps.get("hundebesitzer_paar") and dog.phase_goals["retention"].startswith("Entspannen")
    wellness = ps.get("wellness_geniesserin")
    assert wellness.phase_goals == {} and len(wellness.goals) == 3   # a list: goals of the whole journey


def test_every_problem_named_with_its_key(tmp_path):
    path = tmp_path / "personas.yaml"
    path.write_text("segment_column: 3\npersonas:\n  - {id: A, name: x}\n  - {name: y, segment: x}\n"
                    "  - {id: b, name: z, goals: 7, channels: web}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_personas(path)
    keys = {p.key for p in err.value.problems}
    assert {"segment_column", "personas[0].id", "personas[1]", "personas[2].goals",
            "personas[2].channels"} <= keys
    assert "personas[1].segment" in keys          # segment 'x' = the first persona's name: shared respondents
    assert str(path) in str(err.value)


def test_defaults():
    p = Persona.from_dict({"id": "a", "name": "Anna", "needs": ["Ruhe"]})
    assert (p.segment, p.goals, p.needs, p.channels) == ("Anna", (), ("Ruhe",), ())
    assert load_personas({"personas": [{"id": "a", "name": "A"}]}).column == "persona"


def test_pains_devices_and_quote():
    ps = load_personas({"personas": [{"id": "a", "name": "Anna", "pains": {"conversion": "versteckte Gebühren"},
                                      "devices": ["Smartphone"], "quote": "Ich buche abends auf dem Handy."}]})
    a = ps.get("a")
    assert a.pains == ("versteckte Gebühren",) and a.phase_pains == {"conversion": "versteckte Gebühren"}
    assert a.devices == ("Smartphone",) and a.quote.startswith("Ich buche")
    with pytest.raises(ConfigError, match="quote"):
        load_personas({"personas": [{"id": "a", "name": "A", "quote": ["a", "list"]}]})
