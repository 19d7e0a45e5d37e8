"""Journey map as researchers draw it: phases across; goals or guiding questions, touchpoints,
emotion curve, pain points and opportunities down; readable on an A4 landscape page."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from cjkit.catalog import models
from cjkit.catalog.personas import Persona
from cjkit.errors import DataError
from cjkit.plot import theme
from cjkit.plot.journeycompare import journey_comparison
from cjkit.plot.journeymap import journey_map, journey_map_figure

pytestmark = pytest.mark.usefixtures("themed")  # figures are closed by the suite's conftest

A4 = (11.69, 8.27)
ORDER = ["advertising", "website", "online_shop", "hotline", "delivery", "billing", "customer_reviews"]


@pytest.fixture
def table():
    # deliberately not in journey order
    rows = [("retention", "hotline", 2.6, 150, ""), ("awareness", "advertising", 3.9, 300, ""),
            ("conversion", "online_shop", 4.3, 280, ""), ("consideration", "website", 3.7, 260, ""),
            ("awareness", "website", 3.5, 240, "low_base"), ("retention", "delivery", 4.0, 200, ""),
            ("conversion", "hotline", 3.1, 25, "suppressed"), ("advocacy", "customer_reviews", 4.5, 90, ""),
            ("retention", "billing", 3.0, 210, "")]
    return pd.DataFrame(rows, columns=["phase", "touchpoint", "value", "n", "flag"])


def _gids(ax, prefix):
    out = {}
    for art in [*ax.patches, *ax.texts, *ax.lines, *ax.collections]:
        g = art.get_gid()
        if g and g.startswith(prefix):
            out[g[len(prefix):]] = art
    return out


def _map(table, **kw):
    fig, ax = plt.subplots(figsize=A4)
    journey_map(table, model="accra", touchpoint_order=ORDER, **kw, ax=ax)
    return ax


def test_phases_across_in_model_order_with_labels(table):
    for lang in ("de", "en"):
        ax = _map(table, lang=lang)
        labels = _gids(ax, "phase_label:")
        expected = models.phases("accra")[f"label_{lang}"].tolist()
        assert [labels[str(j)].get_text().replace("\n", " ") for j in range(len(expected))] == expected
    lanes = [t.get_text() for t in ax.get_yticklabels()]
    assert lanes == ["Guiding question", "Touchpoints", "Emotion curve"]


def test_each_phase_lists_its_own_touchpoints_in_journey_order(table):
    ax = _map(table)
    cells = _gids(ax, "cell:")
    assert set(cells) == {f"{r.touchpoint}|{r.phase}" for r in table.itertuples()}  # no empty grid cells
    phases = list(models.phases("accra")["phase"])
    for key, chip in cells.items():
        tp, phase = key.split("|")
        assert int(np.floor(chip.get_x())) == phases.index(phase)          # inside its phase column
    retention = sorted((cells[f"{tp}|retention"].get_y(), tp) for tp in ("hotline", "delivery", "billing"))
    assert [tp for _, tp in retention] == [tp for tp in ORDER if tp in ("hotline", "delivery", "billing")]
    # the lane is as tall as the longest phase list (3 chips), not one row per touchpoint (7)
    lane = _gids(ax, "lane:")["touchpoints"]
    assert lane.get_height() < 0.2 + 3 * 0.6


def test_chip_colours_rank_with_values_and_show_them(table):
    ax = _map(table)
    cells, values = _gids(ax, "cell:"), _gids(ax, "value:")
    shown = table[table.flag != "suppressed"].sort_values("value")
    blue_minus_red = [cells[f"{r.touchpoint}|{r.phase}"].get_facecolor()[2]
                      - cells[f"{r.touchpoint}|{r.phase}"].get_facecolor()[0] for r in shown.itertuples()]
    assert np.all(np.diff(blue_minus_red) > 0)
    for r in shown.itertuples():
        assert values[f"{r.touchpoint}|{r.phase}"].get_text() == theme.fmt_number(r.value, "de")
    assert "hotline|conversion" not in values                             # suppressed: grey, no number
    assert all(t.get_text() != "3,1" for t in ax.texts)
    assert cells["hotline|conversion"].get_facecolor()[:3] == pytest.approx(plt.matplotlib.colors.to_rgb(
        theme.SUPPRESSED))
    assert cells["website|awareness"].get_hatch() and not cells["website|consideration"].get_hatch()


def test_emotion_curve_runs_through_every_touchpoint_in_journey_order(table):
    ax = _map(table)
    curve = _gids(ax, "emotion_curve")[""]
    x, y = curve.get_xdata(), curve.get_ydata()
    shown = table[table.flag != "suppressed"]
    assert len(x) == len(shown) and np.all(np.diff(x) > 0)               # one point per touchpoint, left to right
    phases = list(models.phases("accra")["phase"])
    expected = (shown.assign(j=shown.phase.map(phases.index), k=shown.touchpoint.map(ORDER.index))
                .sort_values(["j", "k"])["value"].to_numpy())
    # y grows downwards and is linear in the value: higher satisfaction higher up
    slope = np.polyfit(expected, y, 1)
    assert slope[0] < 0 and np.allclose(np.polyval(slope, expected), y)
    # the phase mean (n-weighted, computed here) is the dashed step behind the curve
    ret = shown[shown.phase == "retention"]
    mean = np.average(ret.value, weights=ret.n)
    step = _gids(ax, "phase_mean:")["retention"].get_ydata()[0]
    assert step == pytest.approx(np.polyval(slope, mean))


def test_lanes_for_a_persona_or_the_guiding_question(table):
    ax = _map(table, lang="de")
    questions = {k: t.get_text().replace("\n", " ") for k, t in _gids(ax, "question:").items()}
    assert questions == dict(zip(models.phases("accra")["phase"], models.phases("accra")["question_de"]))
    dog = Persona("dog", "Hundebesitzer-Paar", description="Reist mit Hund",
                  goals=("Hund willkommen", "Ruhe"), phase_goals={"awareness": "Hund willkommen",
                                                                  "retention": "Ruhe"},
                  needs=("Auslauf", "klare Regeln"), channels=("website", "hotline"))
    fig, ax = plt.subplots(figsize=A4)
    journey_map(table, model="accra", persona=dog, lang="de", ax=ax)
    assert [t.get_text() for t in ax.get_yticklabels()][:2] == ["Ziele", "Bedürfnisse"]
    goals = _gids(ax, "goals:")
    assert {k: t.get_text() for k, t in goals.items()} == {"awareness": "Hund willkommen", "retention": "Ruhe"}
    assert _gids(ax, "needs:")["all"].get_text() == "Auslauf · klare Regeln"   # a list spans the journey
    assert not _gids(ax, "question:")
    assert ax.get_title(loc="left") == "Hundebesitzer-Paar – Reist mit Hund"
    cells = _gids(ax, "cell:")
    assert cells["website|consideration"].get_linewidth() > 1 > cells["delivery|retention"].get_linewidth()


def test_pain_points_on_the_curve_and_listed_with_a_short_quote(table):
    pains = pd.DataFrame({"phase": ["retention", "retention", "awareness", "conversion", "retention"],
                          "touchpoint": ["hotline", "billing", pd.NA, "online_shop", "delivery"],
                          "rank": [1, 2, 3, 9, 4],
                          "examples": ["Tolles Hotel. Die Hotline war nie erreichbar. | Hotline schlecht.",
                                       "Rechnung falsch.", "Keine Werbung gesehen.", "x", "Zu spät."]})
    ax = _map(table, pain_points=pains, top=5, per_phase=2, lang="de")
    marks = _gids(ax, "pain:")
    assert {k for k in marks if not k.endswith(":rank")} == {"hotline|retention", "billing|retention",
                                                            "delivery|retention"}
    assert marks["hotline|retention:rank"].get_text() == "1"
    curve = _gids(ax, "emotion_curve")[""]
    assert marks["hotline|retention"].get_ydata()[0] in curve.get_ydata()   # sits on the curve
    texts = {k: t.get_text() for k, t in _gids(ax, "pain_text:").items()}
    # two per phase, best ranks first; the quote is the sentence that names the touchpoint
    assert texts["retention:0"] == "⚠1 Hotline\n„Hotline schlecht.“"
    assert texts["retention:1"].startswith("⚠2 Rechnung")
    assert "retention:2" not in texts
    assert texts["awareness:0"] == "⚠3 \n„Keine Werbung gesehen.“".replace(" \n", "\n")
    assert not any(k.startswith("conversion") for k in texts)           # rank 9 is beyond top


def test_opportunities_are_the_highest_impact_improvements(table):
    ipa = pd.DataFrame({"phase": ["retention", "retention", "retention", "awareness"],
                        "touchpoint": ["hotline", "delivery", "billing", "advertising"],
                        "importance": [30.0, 40.0, 10.0, 20.0], "performance": [2.6, 4.0, 3.0, 3.9]})
    ax = _map(table, opportunities=ipa, lang="en")
    # impact = importance x gap to the best performance (4.0), the gap scaled by the range (1.4):
    # hotline 30 * 1.0 = 30, billing 10 * 0.714 = 7.1, delivery 0, advertising 20 * 0.071 = 1.4
    texts = {k: t.get_text() for k, t in _gids(ax, "opportunity:").items()}
    assert texts == {"retention:0": "▲ Hotline", "retention:1": "▲ Billing and payment",
                     "awareness:0": "▲ Advertising"}


def test_readable_on_a4_landscape_with_twenty_touchpoints(root):
    """Demo-sized map: 20 touchpoints, 10 in one phase; every text inside the page, no overlaps."""
    spec_order = ["advertising", "social_media", "word_of_mouth", "website", "customer_reviews", "hotline",
                  "booking", "billing", "email", "parking", "check_in", "reception", "room", "cleanliness",
                  "food_beverage", "wellness", "wifi", "check_out", "app", "follow_up"]
    phase = ["awareness"] * 3 + ["consideration"] * 3 + ["conversion"] * 3 + ["retention"] * 10 + ["advocacy"]
    t = pd.DataFrame({"phase": phase, "touchpoint": spec_order,
                      "value": np.linspace(45, 85, 20)[np.random.default_rng(1).permutation(20)], "n": 500})
    pains = pd.DataFrame({"phase": ["retention", "conversion"], "touchpoint": ["wifi", "booking"], "rank": [1, 2],
                          "examples": ["Das WLAN war extrem langsam, kein Arbeiten möglich, auch nicht abends "
                                       "in der Lobby oder im Zimmer.", "Die Buchung über die Website war mühsam."]})
    fig = journey_map_figure(t, model="accra", pain_points=pains, scale=(0, 100), touchpoint_order=spec_order,
                             lang="de")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    ax = fig.axes[0]
    texts = [x for x in ax.texts if x.get_text().strip()]
    assert min(x.get_fontsize() for x in texts) >= 6.5
    boxes = [x.get_window_extent(renderer) for x in texts]
    for b in boxes:
        assert page.x0 - 1 <= b.x0 and b.x1 <= page.x1 + 1 and page.y0 - 1 <= b.y0 and b.y1 <= page.y1 + 1
    lane_texts = [(x, b) for x, b in zip(texts, boxes)
                  if (x.get_gid() or "").split(":")[0] in ("tp_label", "value", "question", "pain_text", "phase_label")]
    for i, (a, ba) in enumerate(lane_texts):
        for c, bc in lane_texts[i + 1:]:
            assert not ba.overlaps(bc), (a.get_text(), c.get_text())
    # the page is used: chips fill the phases, lanes reach the bottom of the map
    assert len(_gids(ax, "cell:")) == 20
    assert ax.get_window_extent(renderer).height > 0.75 * page.height


def test_persona_comparison_curves_in_journey_order():
    t = pd.DataFrame({"persona": ["Familie"] * 3 + ["Business"] * 3,
                      "phase": ["awareness", "retention", "retention"] * 2,
                      "touchpoint": ["advertising", "wifi", "check_in"] * 2,
                      "value": [70.0, 52.0, 65.0, 68.0, 27.0, 57.0]})
    fig, ax = plt.subplots(figsize=(11.69, 5))
    journey_comparison(t, model="accra", touchpoint_order=["advertising", "check_in", "wifi"], lang="en", ax=ax,
                       personas={"personas": [{"id": "b", "name": "Business traveller", "segment": "Business"},
                                              {"id": "f", "name": "Family", "segment": "Familie"}]})
    lines = {line.get_gid(): line for line in ax.get_lines() if line.get_gid()}
    assert list(lines["persona:Business"].get_ydata()) == [68.0, 57.0, 27.0]   # advertising, check-in, wifi
    assert list(lines["persona:Familie"].get_xdata()) == [0, 1, 2]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Advertising", "Check-in", "Wi-Fi"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Family", "Business traveller"]


def test_figure_with_colourbar_and_legend_of_what_is_shown(table):
    pains = pd.DataFrame({"phase": ["retention"], "touchpoint": ["hotline"], "rank": [1]})
    fig = journey_map_figure(table, model="accra", pain_points=pains, scale=(1, 5), lang="en", title="Demo")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert tuple(fig.get_size_inches()) == pytest.approx(A4)
    assert fig.axes[1].get_xlim() == pytest.approx((1, 5))
    legend = [t.get_text() for t in fig.legends[0].texts]
    assert legend == ["Not shown (base too small)", "Low base – interpret with caution", "Pain point (rank)"]


def test_bad_input_is_named(table):
    with pytest.raises(DataError, match="column 'phase'.*not in model 'accra'"):
        journey_map(table.assign(phase="somewhere"), model="accra")
    with pytest.raises(DataError, match="more than one row for phase 'retention', touchpoint 'hotline'"):
        journey_map(pd.concat([table, table.iloc[[0]]]), model="accra")
    with pytest.raises(DataError, match="column 'value'"):
        journey_map(table.drop(columns="value"), model="accra")
    with pytest.raises(DataError, match="persona must be a Persona"):
        journey_map(table, model="accra", persona="Hundebesitzer")
    with pytest.raises(DataError, match="opportunities need an impact column"):
        journey_map(table, model="accra", opportunities=table[["phase", "touchpoint"]])
