"""Channel map: real channel names to catalog touchpoints and model phases; config errors."""
from __future__ import annotations

import pandas as pd
import pytest

from cjkit.paths import channels
from cjkit.io import events
from cjkit.catalog import models
from cjkit.errors import ConfigError, ParameterError


def test_real_channel_names_map_to_catalog_touchpoints(shared_data):
    paths = events.read_path_table(shared_data / "attribution_paths" / "pychattr" /
                                   "free_trial_and_demo_path_data_final.csv.gz").data
    names = events.paths_to_steps(paths)["channel"].unique()
    m = channels.map_channels(names, model="accra").set_index("channel")
    expected = {"organic_google": "search", "organic_bing": "search", "paid_google_cpc": "advertising",
                "paid_bing_cpc": "advertising", "paid_google_display": "advertising", "paid_social": "advertising",
                "organic_facebook": "social_media", "organic_social": "social_media",
                "blog": "website", "direct": "website", "paid_capterra_cpc": "customer_reviews",
                "review_sites": "customer_reviews"}
    for ch, tp in expected.items():
        assert m.loc[ch, "touchpoint"] == tp, ch
    assert m.loc["other", "rule"] == "unmapped" and pd.isna(m.loc["other", "touchpoint"])
    assert set(m["touchpoint"].dropna()) <= set(channels._catalog("default")["id"])


@pytest.mark.parametrize("model", ["accra", "six_phases", "b2b"])
def test_phase_follows_canonical_stage_through_model(model):
    m = channels.map_channels(["organic_google", "paid_google_cpc", "email", "blog", "shop", "support"], model=model)
    phase_of = {s: ph.id for ph in sorted(models.get(model).phases, key=lambda p: -p.order)
                for s in ph.canonical}  # lowest order wins, as in the catalogue crosswalk
    for _, r in m.iterrows():
        assert r["phase"] == phase_of[r["canonical_stage"]]
    assert isinstance(m["phase"].dtype, pd.CategoricalDtype) and m["phase"].cat.ordered


def test_catalog_aliases_and_ids_are_fallbacks():
    m = channels.map_channels(["Live Chat", "check_in", "Newsletter", "zeta"], model=None).set_index("channel")
    assert m.loc["Live Chat", "touchpoint"] == "chatbot"
    assert (m.loc["check_in", "touchpoint"], m.loc["check_in", "rule"]) == ("check_in", "touchpoint_id")
    assert m.loc["Newsletter", "touchpoint"] == "email"
    assert m.loc["zeta", "rule"] == "unmapped"


def test_assign_keeps_rows_and_adds_columns():
    s = pd.DataFrame({"journey_id": ["p1"] * 3, "step": [1, 2, 3], "channel": ["blog", "alpha", "email"]})
    out = channels.assign_channels(s, model="accra")
    assert len(out) == 3 and out["touchpoint"].isna().tolist() == [False, True, False]
    assert channels.node_column(out) == "phase"
    assert channels.node_column(out.assign(phase=pd.NA)) == "channel"


def test_config_errors_name_file_and_key(tmp_path):
    bad = tmp_path / "map.yaml"
    bad.write_text("rules:\n  - {id: x, touchpoint: teleport, pattern: 'x'}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"map.yaml.*rules\[0\].touchpoint.*teleport"):
        channels.load_channel_map(str(bad))
    bad.write_text("rules:\n  - {id: x, touchpoint: email, pattern: '(unclosed'}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"rules\[0\].pattern"):
        channels.load_channel_map(str(bad))
    bad.write_text("rules:\n  - {id: x, pattern: 'x'}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="touchpoint"):
        channels.load_channel_map(str(bad))
    with pytest.raises(ParameterError, match="channel_map"):
        channels.load_channel_map("nonexistent")


def test_custom_map_rules_in_order(tmp_path):
    f = tmp_path / "m.yaml"
    f.write_text("rules:\n  - {id: a, touchpoint: hotline, canonical: service, aliases: [callme]}\n"
                 "  - {id: b, touchpoint: email, pattern: 'call.*'}\n", encoding="utf-8")
    m = channels.map_channels(["callme", "calling"], channel_map=str(f), model=None).set_index("channel")
    assert m.loc["callme", "touchpoint"] == "hotline" and m.loc["callme", "canonical_stage"] == "service"
    assert m.loc["calling", "touchpoint"] == "email"


def test_node_labels_languages():
    de = channels.node_labels(["awareness", "(conversion)", "alpha"], lang="de")
    en = channels.node_labels(["awareness", "(conversion)"], lang="en")
    assert de == {"awareness": "Aufmerksamkeit", "(conversion)": "Konversion", "alpha": "alpha"}
    assert en["awareness"] == "Awareness"
    with pytest.raises(ParameterError):
        channels.node_labels(["x"], lang="fr")
