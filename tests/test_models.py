"""Journey models: the five shipped models, crosswalk round trips, user models and schema errors."""
import itertools

import pandas as pd
import pytest
import yaml

import cjkit
from cjkit.catalog import models
from cjkit.errors import ConfigError, ParameterError

SHIPPED = ["accra", "b2b", "service", "six_phases", "six_stages"]


def test_list_names_the_five_models():
    assert cjkit.catalog.models.list() == SHIPPED


@pytest.mark.parametrize("model, labels", [
    ("accra", ["Awareness", "Consideration", "Conversion", "Retention", "Advocacy"]),
    ("six_phases", ["Bewusstsein", "Überlegung", "Entscheidung", "Kauf", "Retention", "Befürwortung"]),
    ("six_stages", ["Informieren", "Befähigen", "Evaluieren", "Bewerten", "Kaufen", "Nutzen/Anwenden"]),
    ("service", ["Pre-Service", "Service", "Post-Service"]),
    ("b2b", ["Awareness", "Consideration", "Decision", "Fulfillment", "Renewal"]),
])
def test_phases_in_order_with_labels(model, labels):
    ph = models.phases(model)
    lang = "de" if model.startswith("six") or model == "service" else "en"
    assert ph[f"label_{lang}"].tolist() == labels
    assert ph["order"].is_monotonic_increasing
    # every phase is documented in both languages, with the customer's guiding question
    for col in ["label_de", "label_en", "description_de", "description_en", "question_de", "question_en"]:
        assert ph[col].str.len().gt(0).all(), col


def test_phase_categories_are_ordered():
    dtype = models.phase_categories("accra")
    s = pd.Series(["advocacy", "awareness", "retention"], dtype=dtype)
    assert s.sort_values().tolist() == ["awareness", "retention", "advocacy"]
    assert s.min() == "awareness"


@pytest.mark.parametrize("a, b", list(itertools.permutations(SHIPPED, 2)))
def test_crosswalk_round_trip(a, b):
    """Every phase of a maps somewhere in b, weights sum to 1, and mapping back reaches the phase again."""
    ab, ba = models.crosswalk(a, b), models.crosswalk(b, a)
    assert set(ab["from_phase"]) == set(models.get(a).phase_ids)
    assert ab.groupby("from_phase")["weight"].sum().round(12).eq(1).all()
    assert ab.groupby("from_phase")["primary"].sum().eq(1).all()
    back = ab[["from_phase", "to_phase"]].merge(ba[["from_phase", "to_phase"]], left_on="to_phase",
                                                right_on="from_phase", suffixes=("", "_back"))
    for phase, group in back.groupby("from_phase"):
        assert phase in set(group["to_phase_back"]), (a, b, phase)


def test_crosswalk_identity_is_one_to_one():
    cw = models.crosswalk("accra", "accra")
    assert (cw["from_phase"] == cw["to_phase"]).all() and cw["weight"].eq(1).all()


def test_crosswalk_known_values():
    cw = models.crosswalk("accra", "service").set_index(["from_phase", "to_phase"])["weight"]
    assert cw[("conversion", "pre_service")] == 1.0
    assert cw[("retention", "service")] == 0.75       # delivery, usage, service of 4 stages
    assert cw[("retention", "post_service")] == 0.25  # retention
    six = models.crosswalk("six_stages", "b2b").set_index(["from_phase", "to_phase"])["weight"]
    assert six[("nutzen", "fulfillment")] == pytest.approx(3 / 5)
    assert six[("nutzen", "renewal")] == pytest.approx(2 / 5)


def test_translate_primary_and_split():
    frame = pd.DataFrame({"phase": ["awareness", "retention", "advocacy"], "n": [10, 20, 5]})
    out = models.translate(frame, "accra", "service")
    assert out["phase"].tolist() == ["pre_service", "service", "post_service"]
    assert out["phase"].dtype == models.phase_categories("service")
    split = models.translate(frame, "accra", "service", how="split")
    assert len(split) == 4
    weighted = (split["n"] * split["crosswalk_weight"]).groupby(split["phase"], observed=True).sum()
    assert weighted.sum() == pytest.approx(35)
    assert weighted["post_service"] == pytest.approx(20 * 0.25 + 5)


def test_translate_rejects_unknown_phase():
    with pytest.raises(ParameterError, match="unknown to model 'accra'.*kauf"):
        models.translate(pd.DataFrame({"phase": ["kauf"]}), "accra", "b2b")


def _user_model():
    return {"id": "hotel_stay", "name_de": "Aufenthalt", "name_en": "Stay", "phases": [
        {"id": "planen", "order": 1, "label_de": "Planen", "label_en": "Plan", "description_de": "d",
         "description_en": "d", "canonical": ["awareness", "information", "evaluation", "decision", "purchase"]},
        {"id": "aufenthalt", "order": 2, "label_de": "Aufenthalt", "label_en": "Stay", "description_de": "d",
         "description_en": "d", "canonical": ["delivery", "usage", "service"]},
        {"id": "danach", "order": 3, "label_de": "Danach", "label_en": "After", "description_de": "d",
         "description_en": "d", "canonical": ["retention", "advocacy"]}]}


def test_user_model_from_yaml_works_like_shipped(tmp_path):
    path = tmp_path / "hotel_stay.yaml"
    path.write_text(yaml.safe_dump(_user_model(), allow_unicode=True), encoding="utf-8")
    assert models.register(path) == "hotel_stay"
    assert "hotel_stay" in models.list()
    cw = models.crosswalk("hotel_stay", "service")
    assert dict(cw[cw.primary][["from_phase", "to_phase"]].values) == {
        "planen": "pre_service", "aufenthalt": "service", "danach": "post_service"}


@pytest.mark.parametrize("mutate, key, text", [
    (lambda m: m["phases"][1].pop("label_de"), "phases[1]", "'label_de' is a required property"),
    (lambda m: m["phases"][2].update(canonical=["after_sales"]), "phases[2].canonical[0]", "after_sales"),
    (lambda m: m["phases"][0].update(order="eins"), "phases[0].order", "not of type 'integer'"),
    (lambda m: m["phases"][2].update(id="planen"), "phases[2].id", "duplicate phase id"),
    (lambda m: m["phases"][2].update(canonical=["retention"]), "phases[*].canonical", "not covered: advocacy"),
    (lambda m: m.update(colour="blue"), "<root>", "'colour' was unexpected"),
])
def test_broken_model_names_the_key(tmp_path, mutate, key, text):
    model = _user_model()
    mutate(model)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(model, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        models.load_model(path)
    assert err.value.key == key
    assert text in str(err.value) and "broken.yaml" in str(err.value)


def test_invalid_yaml_reports_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\nphases: [\n  - id: a\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.yaml.*invalid YAML \(line \d+"):
        models.load_model(path)


def test_unknown_model_lists_allowed():
    with pytest.raises(ParameterError, match="allowed: accra, b2b"):
        models.get("aida")


def test_every_problem_of_a_model_file_at_once(tmp_path):
    model = _user_model()
    model["phases"][0]["order"] = "eins"                 # schema
    model["phases"][1].pop("label_en")                   # schema
    model["phases"][2]["id"] = model["phases"][0]["id"]  # semantic: duplicate id
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(model, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        models.load_model(path)
    assert [p.key for p in err.value.problems] == ["phases[0].order", "phases[1]", "phases[2].id"]
    assert str(err.value).count("broken.yaml: phases[") == 3


def test_model_object_from_file_equals_model_from_dict(tmp_path):
    path = tmp_path / "hotel_stay.yaml"
    path.write_text(yaml.safe_dump(_user_model(), allow_unicode=True), encoding="utf-8")
    from_file, from_dict = models.load_model(path), models.load_model(_user_model())
    assert from_file == from_dict and from_file.path == path and from_dict.path is None
    assert from_file.phase_ids == tuple(p["id"] for p in sorted(_user_model()["phases"], key=lambda p: p["order"]))
