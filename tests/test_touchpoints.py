"""Touchpoint catalog: required entries, attributes, phase placement and user extension."""
import pytest
import yaml

from cjkit.catalog import touchpoints
from cjkit.errors import ConfigError

REQUIRED = ["personal_consultation", "field_sales", "store_visit", "hotline", "email", "website", "online_shop",
            "app", "chatbot", "social_media", "advertising", "search", "customer_reviews", "word_of_mouth",
            "delivery", "billing", "customer_service", "loyalty_programme"]


def test_catalog_has_required_touchpoints_with_attributes():
    cat = touchpoints.load()
    assert set(REQUIRED) <= set(cat["id"])
    assert cat["id"].is_unique
    assert set(cat["directness"]) == {"direct", "indirect"}
    assert set(cat["medium"]) == {"digital", "analog"}
    assert set(cat["ownership"]) == {"owned", "paid", "earned"}
    row = cat.set_index("id").loc["word_of_mouth"]
    assert (row["label_de"], row["directness"], row["ownership"]) == ("Empfehlung von Freunden", "indirect", "earned")


@pytest.mark.parametrize("tp, model, expected", [
    ("advertising", "accra", ["awareness"]),
    ("booking", "six_phases", ["entscheidung", "kauf"]),
    ("email", "service", ["pre_service", "service", "post_service"]),
    ("customer_service", "b2b", ["fulfillment"]),
])
def test_phases_for(tp, model, expected):
    assert touchpoints.phases_for(tp, model) == expected


def test_matrix_is_tidy_and_ordered():
    m = touchpoints.matrix("accra")
    assert list(m.columns) == ["touchpoint", "phase"]
    assert m["phase"].cat.ordered
    assert len(m) == sum(len(touchpoints.phases_for(t, "accra")) for t in touchpoints.load()["id"])


def test_extend_and_replace(tmp_path):
    extra = {"touchpoints": [
        {"id": "gate", "label_de": "Gate", "label_en": "Gate", "directness": "direct", "medium": "analog",
         "ownership": "owned", "canonical": ["delivery"]},
        {"id": "hotline", "label_de": "Service-Telefon", "label_en": "Service line", "directness": "direct",
         "medium": "analog", "ownership": "owned", "canonical": ["service"]}]}
    path = tmp_path / "airline.yaml"
    path.write_text(yaml.safe_dump(extra), encoding="utf-8")
    cat = touchpoints.load(path)
    assert {"gate", "website"} <= set(cat["id"]) and cat["id"].is_unique
    assert cat.set_index("id").loc["hotline", "label_de"] == "Service-Telefon"
    assert set(touchpoints.load(path, replace=True)["id"]) == {"gate", "hotline"}


def test_broken_catalog_names_key(tmp_path):
    path = tmp_path / "tp.yaml"
    path.write_text(yaml.safe_dump({"touchpoints": [{"id": "x", "label_de": "x", "label_en": "x",
                    "directness": "sometimes", "medium": "digital", "ownership": "owned", "canonical": ["usage"]}]}))
    with pytest.raises(ConfigError) as err:
        touchpoints.load(path)
    assert err.value.key == "touchpoints[0].directness" and "sometimes" in str(err.value)
