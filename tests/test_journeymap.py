"""Journey map: layout follows the model, colours and marks follow the numbers."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from cjkit.catalog import models
from cjkit.plot import theme
from cjkit.catalog import touchpoints
from cjkit.errors import DataError
from cjkit.plot.journeymap import journey_map, journey_map_figure


pytestmark = pytest.mark.usefixtures("themed")  # figures are closed by the suite's conftest


@pytest.fixture
def table():
    # deliberately not in journey order, and with a phase-less touchpoint catalogue mix
    rows = [("retention", "hotline", 2.6, 150, ""), ("awareness", "advertising", 3.9, 300, ""),
            ("conversion", "online_shop", 4.3, 280, ""), ("consideration", "website", 3.7, 260, ""),
            ("awareness", "website", 3.5, 240, "low_base"), ("retention", "delivery", 4.0, 200, ""),
            ("conversion", "hotline", 3.1, 25, "suppressed"), ("advocacy", "customer_reviews", 4.5, 90, ""),
            ("retention", "billing", 3.0, 210, "")]
    return pd.DataFrame(rows, columns=["phase", "touchpoint", "value", "n", "flag"]).assign(metric="mean")


def _gids(ax, prefix):
    out = {}
    for art in [*ax.patches, *ax.texts, *ax.lines, *ax.collections]:
        g = art.get_gid()
        if g and g.startswith(prefix):
            out[g[len(prefix):]] = art
    return out


def test_one_column_per_phase_in_model_order_with_labels(table):
    fig, (a, b) = plt.subplots(1, 2, figsize=(16, 7))
    assert journey_map(table, model="accra", lang="de", ax=a) is a
    journey_map(table, model="accra", lang="en", ax=b)
    ph = models.phases("accra")
    for ax, col in ((a, "label_de"), (b, "label_en")):
        labels = _gids(ax, "phase_label:")
        assert [labels[str(j)].get_text().replace("\n", " ") for j in range(len(ph))] == ph[col].tolist()
    cells = _gids(a, "cell:")
    order = list(ph["phase"])
    for key, patch in cells.items():
        _, phase = key.split("|")
        assert int(np.floor(patch.get_x())) == order.index(phase)  # column = model position
    assert a.get_xlim()[0] == 0 and 5 <= a.get_xlim()[1] < 5.1


def test_rows_are_touchpoints_labelled_from_catalog(table):
    fig, (a, b) = plt.subplots(1, 2, figsize=(16, 7))
    journey_map(table, model="accra", lang="de", ax=a)
    journey_map(table, model="accra", lang="en", ax=b)
    de = [t.get_text() for t in a.get_yticklabels()]
    en = [t.get_text() for t in b.get_yticklabels()]
    cat = touchpoints.load().set_index("id")
    assert de[0] == "Emotionskurve" and en[0] == "Emotion curve"
    # journey order: a touchpoint's row comes by the first phase it occurs in
    assert de[1:] == [cat.loc[t, "label_de"] for t in
                      ["advertising", "website", "online_shop", "hotline", "delivery", "billing", "customer_reviews"]]
    assert en[1:3] == ["Advertising", "Website"]


def test_cell_colours_rank_with_values(table):
    fig, ax = plt.subplots(figsize=(10, 6))
    journey_map(table, model="accra", ax=ax)
    cells = _gids(ax, "cell:")
    shown = table[table.flag != "suppressed"].sort_values("value")
    colours = [cells[f"{r.touchpoint}|{r.phase}"].get_facecolor() for r in shown.itertuples()]
    blue_minus_red = [c[2] - c[0] for c in colours]
    assert np.all(np.diff(blue_minus_red) > 0)
    # the value printed in each cell is the table's value, German decimal comma
    values = _gids(ax, "value:")
    for r in shown.itertuples():
        assert values[f"{r.touchpoint}|{r.phase}"].get_text() == theme.fmt_number(r.value, "de")


def test_suppressed_cells_show_no_value_and_empty_cells_have_no_cell(table):
    fig, ax = plt.subplots(figsize=(10, 6))
    journey_map(table, model="accra", show_n=True, ax=ax)
    cells, values = _gids(ax, "cell:"), _gids(ax, "value:")
    assert "hotline|conversion" in cells
    assert "hotline|conversion" not in values and "hotline|conversion" not in _gids(ax, "n:")
    assert all("3,1" != t.get_text() for t in ax.texts)  # the suppressed 3.1 is nowhere
    assert cells["hotline|conversion"].get_facecolor()[:3] == pytest.approx(
        plt.matplotlib.colors.to_rgb(theme.SUPPRESSED))
    assert "advertising|retention" not in cells  # advertising does not occur there: empty
    assert cells["website|awareness"].get_hatch()  # low base hatched
    assert not cells["website|consideration"].get_hatch()
    assert _gids(ax, "n:")["delivery|retention"].get_text() == "n\u00a0=\u00a0200"


def test_emotion_curve_is_n_weighted_phase_mean(table):
    fig, ax = plt.subplots(figsize=(10, 6))
    journey_map(table, model="accra", ax=ax)
    shown = table[table.flag != "suppressed"]
    expected = {p: np.average(g.value, weights=g.n) for p, g in shown.groupby("phase")}
    labels = _gids(ax, "emotion:")
    assert {p: t.get_text() for p, t in labels.items()} == {p: theme.fmt_number(v, "de") for p, v in expected.items()}
    curve = _gids(ax, "emotion_curve")[""]
    ys = dict(zip(models.phases("accra")["phase"], curve.get_ydata()))
    ranked = sorted(expected, key=expected.get)
    # y grows downwards on the map: higher satisfaction is drawn higher up (smaller y)
    assert [ys[p] for p in ranked] == sorted((ys[p] for p in ranked), reverse=True)


def test_emotion_from_phase_level_rows_and_explicit(table):
    with_level = pd.concat([table, pd.DataFrame({"phase": ["retention"], "touchpoint": [pd.NA],
                                                 "value": [2.2], "n": [400], "flag": [""]})])
    fig, (a, b) = plt.subplots(1, 2, figsize=(16, 6))
    journey_map(with_level, model="accra", lang="en", ax=a)
    assert _gids(a, "emotion:")["retention"].get_text() == "2.2"
    journey_map(table, model="accra", emotion={"awareness": 1.5, "advocacy": 4.9}, ax=b)
    assert set(_gids(b, "emotion:")) == {"awareness", "advocacy"}


def test_emotion_on_another_scale_does_not_change_cell_colours(table):
    fig, (a, b) = plt.subplots(1, 2, figsize=(16, 6))
    journey_map(table, model="accra", ax=a)
    index = pd.DataFrame({"phase": ["awareness", "retention"], "value": [70.0, 55.0]})  # 0-100 index
    journey_map(table, model="accra", emotion=index, ax=b)
    ca, cb = _gids(a, "cell:"), _gids(b, "cell:")
    assert all(ca[k].get_facecolor() == cb[k].get_facecolor() for k in ca)
    ys = _gids(b, "emotion_curve")[""].get_ydata()
    strip_top, strip_bottom = b.get_ylim()[1], 0
    assert np.nanmin(ys) > strip_top and np.nanmax(ys) < strip_bottom  # inside the strip
    assert ys[0] < ys[3]  # 70 drawn above 55
    with pytest.raises(DataError, match="emotion frame needs columns phase and value"):
        journey_map(table, model="accra", emotion=index.rename(columns={"value": "index"}), ax=b)


def test_pain_points_marked_with_rank(table):
    pains = pd.DataFrame({"phase": ["retention", "retention", "awareness", "conversion", "advocacy"],
                          "touchpoint": ["hotline", "billing", pd.NA, "online_shop", "customer_reviews"],
                          "rank": [1, 2, 3, 9, pd.NA], "score": [0.9, 0.7, 0.6, 0.1, np.nan]})
    fig, ax = plt.subplots(figsize=(10, 6))
    journey_map(table, model="accra", pain_points=pains, top=5, ax=ax)
    marks = _gids(ax, "pain:")
    assert {k for k in marks if not k.endswith(":rank")} == {"hotline|retention", "billing|retention", "|awareness"}
    assert marks["hotline|retention:rank"].get_text() == "1"
    assert marks["billing|retention:rank"].get_text() == "2"
    # the hotline/retention marker sits inside its cell
    cell = _gids(ax, "cell:")["hotline|retention"]
    x, y = marks["hotline|retention"].get_xdata()[0], marks["hotline|retention"].get_ydata()[0]
    assert cell.get_x() <= x <= cell.get_x() + cell.get_width()
    assert cell.get_y() <= y <= cell.get_y() + cell.get_height()
    # the phase-level pain point sits in the emotion strip (above the grid)
    assert marks["|awareness"].get_ydata()[0] < 0


def test_without_model_uses_categorical_order_and_ids():
    dtype = pd.CategoricalDtype(["b_phase", "a_phase"], ordered=True)
    t = pd.DataFrame({"phase": pd.Categorical(["a_phase", "b_phase"], dtype=dtype),
                      "touchpoint": ["my_kiosk", "hotline"], "value": [3.0, 4.0]})
    fig, ax = plt.subplots()
    journey_map(t, lang="en", ax=ax)
    labels = _gids(ax, "phase_label:")
    assert [labels["0"].get_text(), labels["1"].get_text()] == ["b_phase", "a_phase"]
    assert [x.get_text() for x in ax.get_yticklabels()][1:] == ["Hotline", "my_kiosk"]


def test_survey_specific_touchpoints_named_by_table_labels(table):
    t = pd.concat([table, pd.DataFrame({"phase": ["conversion"], "touchpoint": ["online_boarding"],
                                        "value": [3.3], "n": [99], "flag": [""]})])
    t["touchpoint_label"] = t["touchpoint"].map({"online_boarding": "Online boarding"})
    fig, ax = plt.subplots()
    journey_map(t, model="accra", lang="en", ax=ax)
    labels = [x.get_text() for x in ax.get_yticklabels()]
    assert "Online boarding" in labels and "Advertising" in labels


def test_bad_input_is_named(table):
    with pytest.raises(DataError, match="column 'phase'.*not in model 'accra'"):
        journey_map(table.assign(phase="somewhere"), model="accra")
    with pytest.raises(DataError, match="more than one row for phase 'retention', touchpoint 'hotline'"):
        journey_map(pd.concat([table, table.iloc[[0]]]), model="accra")
    with pytest.raises(DataError, match="column 'value'"):
        journey_map(table.drop(columns="value"), model="accra")


def test_figure_with_colourbar_and_legend(table, tmp_path):
    pains = pd.DataFrame({"phase": ["retention"], "touchpoint": ["hotline"], "rank": [1]})
    fig = journey_map_figure(table, model="accra", pain_points=pains, scale=(1, 5), lang="en", title="Demo")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2  # map + colour bar
    bar_ax = fig.axes[1]
    assert bar_ax.get_xlim() == pytest.approx((1, 5))
    legend = [t.get_text() for t in fig.legends[0].texts]
    assert legend == ["Does not occur in this phase", "Not shown (base too small)",
                      "Low base – interpret with caution", "Pain point (rank)"]
    fig.savefig(tmp_path / "map.png")
    assert (tmp_path / "map.png").stat().st_size > 20_000


def test_shares_in_percent_without_emotion_curve(table, caplog):
    shares = table.assign(value=table.value / 5, metric="top2")
    shares = pd.concat([shares, pd.DataFrame({"phase": [pd.NA], "touchpoint": ["hotline"], "value": [0.5]})])
    fig, ax = plt.subplots(figsize=(10, 6))
    with caplog.at_level("INFO", logger="cjkit"):
        journey_map(shares, model="accra", emotion=False, percent=True, decimals=0, lang="de", ax=ax)
    assert _gids(ax, "value:")["delivery|retention"].get_text() == "80\u00a0%"
    assert not _gids(ax, "emotion")  # no curve, no labels
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "Werbung"
    assert "1 rows without a phase are not shown" in caplog.text


def test_figure_legend_explains_only_what_is_shown():
    t = pd.DataFrame({"phase": ["awareness", "conversion"], "touchpoint": ["advertising", "online_shop"],
                      "value": [3.0, 4.0], "flag": ["", ""]})
    fig = journey_map_figure(t, model="accra", lang="de")
    assert [x.get_text() for x in fig.legends[0].texts] == ["Kommt in dieser Phase nicht vor"]
