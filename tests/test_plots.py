"""Axes-level charts: what is drawn must equal the numbers in the table."""
from __future__ import annotations

import zipfile

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle
from scipy import stats

from cjkit.plot import charts as plots
from cjkit.plot import theme
from cjkit.errors import DataError, ParameterError
from cjkit.stats.quadrants import QUADRANTS


pytestmark = pytest.mark.usefixtures("themed")  # figures are closed by the suite's conftest


@pytest.fixture
def sat():
    return pd.DataFrame({
        "touchpoint": ["website", "hotline", "app", "billing"],
        "metric": "mean",
        "value": [4.1, 3.2, 3.8, 2.9],
        "n": [220, 41, 12, 180],
        "n_weighted": [220.0, 41.0, 12.0, 180.0],
        "ci_low": [3.95, 2.85, 3.1, 2.7],
        "ci_high": [4.25, 3.55, 4.5, 3.1],
        "flag": ["", "low_base", "suppressed", ""],
    })


def _title(ax):
    return next((ax.get_title(loc) for loc in ("left", "center", "right") if ax.get_title(loc)), "")


def _by_gid(ax, prefix):
    found = {}
    for art in [*ax.texts, *ax.collections, *ax.lines, *ax.patches]:
        gid = art.get_gid()
        if gid and gid.startswith(prefix):
            found[gid[len(prefix):]] = art
    return found


# ------------------------------------------------------------------ satisfaction_plot
@pytest.mark.parametrize("horizontal", [True, False])
def test_ci_whiskers_span_ci_low_to_ci_high(sat, horizontal):
    fig, ax = plt.subplots()
    kw = {"x": "value", "y": "touchpoint"} if horizontal else {"x": "touchpoint", "y": "value"}
    out = plots.satisfaction_plot(sat, **kw, ax=ax)
    assert out is ax
    whiskers = _by_gid(ax, "ci:")
    assert set(whiskers) == {"website|None", "hotline|None", "billing|None"}  # suppressed: none
    for _, row in sat[sat.flag != "suppressed"].iterrows():
        (seg,) = whiskers[f"{row.touchpoint}|None"].get_segments()
        along = seg[:, 0] if horizontal else seg[:, 1]
        assert sorted(along) == pytest.approx([row.ci_low, row.ci_high])


def test_bars_heights_low_base_hatched_suppressed_omitted(sat):
    fig, ax = plt.subplots()
    plots.satisfaction_plot(sat, ax=ax)
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert sorted(b.get_width() for b in bars) == pytest.approx(sorted([4.1, 3.2, 2.9]))
    hatched = [b for b in bars if b.get_hatch()]
    assert [b.get_width() for b in hatched] == pytest.approx([3.2])  # the low-base hotline
    texts = [t.get_text() for t in ax.texts]
    assert "Nicht ausgewiesen" in texts
    assert "3,8" not in texts  # the suppressed value is not printed anywhere
    assert ax.get_legend() is not None and any("Fallzahl" in t.get_text() for t in ax.get_legend().texts)


def test_every_value_suppressed_gives_an_empty_chart_not_an_error(sat):
    hidden = sat.assign(value=np.nan, ci_low=np.nan, ci_high=np.nan, flag="suppressed", n=3)
    fig, ax = plt.subplots()
    assert plots.satisfaction_plot(hidden, ax=ax) is ax
    assert not [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() > 0]
    assert np.isfinite(ax.get_xlim()).all()
    assert [t.get_text() for t in ax.texts].count("Nicht ausgewiesen") == 4


def test_bar_labels_german_and_english(sat):
    fig, (a, b) = plt.subplots(1, 2)
    plots.satisfaction_plot(sat, lang="de", ax=a, show_n=True)
    plots.satisfaction_plot(sat, lang="en", ax=b)
    de = [t.get_text() for t in a.get_yticklabels()]
    en = [t.get_text() for t in b.get_yticklabels()]
    assert de[3] == "Rechnung und Zahlung (n\u00a0=\u00a0180)"
    assert en[3] == "Billing and payment"
    assert a.get_xlabel() == "Zufriedenheit" and b.get_xlabel() == "Satisfaction"
    assert _by_gid(a, "value:")["website|None"].get_text() == "4,1"
    assert _by_gid(b, "value:")["website|None"].get_text() == "4.1"


def test_grouped_bars_and_bad_input(sat):
    two = pd.concat([sat.assign(wave="2025"), sat.assign(wave="2026", value=sat.value + 0.1)])
    fig, ax = plt.subplots()
    plots.satisfaction_plot(two, hue="wave", ax=ax)
    assert len(_by_gid(ax, "ci:")) == 6
    with pytest.raises(DataError, match="more than one row"):
        plots.satisfaction_plot(two, ax=ax)
    with pytest.raises(ParameterError, match="exactly one of x and y"):
        plots.satisfaction_plot(sat, x="value", y="n", ax=ax)
    with pytest.raises(DataError, match="column 'score'"):
        plots.satisfaction_plot(sat, x="score", ax=ax)


# ------------------------------------------------------------------ NPS
@pytest.fixture
def nps_answers():
    rng = np.random.default_rng(7)
    return pd.DataFrame({"value": rng.integers(0, 11, 400).astype(float),
                         "persona": rng.choice(["Familien", "Paare"], 400),
                         "weight": rng.uniform(0.5, 2, 400)})


def _nps(values, w=None):
    v = np.asarray(values, float)
    w = np.ones_like(v) if w is None else np.asarray(w, float)
    return 100 * (w[v >= 9].sum() - w[v <= 6].sum()) / w.sum()


def test_nps_annotation_equals_independent_nps(nps_answers):
    data = nps_answers.copy()
    data.loc[:4, "value"] = np.nan  # no answer: not counted
    fig, ax = plt.subplots()
    assert plots.nps_plot(data, ax=ax) is ax
    expected = _nps(data["value"].dropna())
    assert _by_gid(ax, "nps")[""].get_text() == f"NPS {theme.fmt_number(expected, 'de', decimals=0, sign=True)}"
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    share = data["value"].value_counts(normalize=True).reindex(range(11), fill_value=0)
    assert [b.get_height() for b in bars] == pytest.approx(share.to_list())
    colours = [to_hex(b.get_facecolor()) for b in bars]
    assert colours[6] == theme.NPS_COLORS["detractor"].lower()
    assert colours[7] == colours[8] == theme.NPS_COLORS["passive"].lower()
    assert colours[9] == theme.NPS_COLORS["promoter"].lower()


def test_nps_by_group_weighted(nps_answers):
    fig, ax = plt.subplots()
    plots.nps_plot(nps_answers, hue="persona", weight="weight", lang="en", ax=ax)
    marks = _by_gid(ax, "nps:")
    for g, part in nps_answers.groupby("persona"):
        expected = _nps(part["value"], part["weight"])
        assert marks[g].get_text() == theme.fmt_number(expected, "en", decimals=0, sign=True)
    table = plots.nps_table(nps_answers, hue="persona", weight="weight")
    assert table[["detractor", "passive", "promoter"]].sum(axis=1).to_numpy() == pytest.approx(1.0)
    assert [t.get_text() for t in ax.get_legend().texts][0] == "Detractors (0–6)"


def test_nps_rejects_out_of_range_answers():
    with pytest.raises(DataError, match=r"row 3, column 'value'.*0-10"):
        plots.nps_table(pd.DataFrame({"value": [5, 10, 11, 3]}))
    with pytest.raises(DataError, match="row 2"):
        plots.nps_table(pd.DataFrame({"value": [5, 7.5]}))


# ------------------------------------------------------------------ drivers
def test_driver_bars_sum_to_r2_for_both_conventions():
    base = pd.DataFrame({"driver": ["q_web", "q_hot", "q_bill"], "touchpoint": ["website", "hotline", "billing"],
                         "phase": "retention", "coef": [0.2, 0.4, 0.1]})
    shares = base.assign(relative_weight=[0.25, 0.55, 0.20], r2=0.40)
    parts = base.assign(relative_weight=[0.10, 0.22, 0.08], r2=0.40)  # as cjkit.stats.drivers returns
    for table in (shares, parts):
        fig, ax = plt.subplots()
        plots.driver_plot(table, lang="en", ax=ax)
        widths = [p.get_width() for p in ax.patches]
        assert sum(widths) == pytest.approx(0.40)
        assert widths == sorted(widths, reverse=True)
        assert [t.get_text() for t in ax.get_yticklabels()][0] == "Hotline"
        assert _title(ax) == "Driver analysis (R² = 0.40)"
    fig, ax = plt.subplots()
    plots.driver_plot(parts, ax=ax)
    assert _title(ax) == "Treiberanalyse (R² = 0,40)"
    with pytest.raises(DataError, match="more than one model"):
        plots.driver_plot(parts.assign(r2=[0.4, 0.5, 0.4]), ax=ax)


# ------------------------------------------------------------------ IPA
@pytest.fixture
def ipa_table():
    tps = ["website", "online_shop", "hotline", "app", "delivery", "billing", "customer_service",
           "complaint_handling", "booking", "check_in", "room", "wifi"]
    rng = np.random.default_rng(11)
    imp = rng.uniform(2, 20, len(tps))
    perf = rng.uniform(3, 4.5, len(tps))
    imp[1], perf[1] = imp[0] + 0.05, perf[0] + 0.01  # two nearly identical points
    return pd.DataFrame({"driver": [f"q_{t}" for t in tps], "touchpoint": tps, "importance": imp,
                         "performance": perf, "flag": ""})


def test_ipa_quadrant_lines_at_means_and_colours(ipa_table):
    fig, ax = plt.subplots(figsize=(8, 6))
    assert plots.ipa_plot(ipa_table, lang="en", ax=ax) is ax
    vline = [ln for ln in ax.lines if ln.get_linestyle() == "--" and ln.get_xdata()[0] == ln.get_xdata()[1]][0]
    hline = [ln for ln in ax.lines if ln.get_linestyle() == "--" and ln.get_ydata()[0] == ln.get_ydata()[1]][0]
    assert vline.get_xdata()[0] == pytest.approx(ipa_table.importance.mean())
    assert hline.get_ydata()[0] == pytest.approx(ipa_table.performance.mean())
    names = {k: t.get_text() for k, t in _by_gid(ax, "quadrant:").items()}
    assert names == dict(zip(QUADRANTS.quadrant, QUADRANTS.label_en))
    pts = _by_gid(ax, "ipa_points")[""]
    hi_i = ipa_table.importance >= ipa_table.importance.mean()
    hi_p = ipa_table.performance >= ipa_table.performance.mean()
    expected = np.where(hi_i, np.where(hi_p, "keep_up", "fix_first"),
                        np.where(hi_p, "possible_overkill", "low_priority"))
    got = [to_hex(c) for c in pts.get_facecolors()]
    assert got == [plots.QUADRANT_COLORS[q].lower() for q in expected]


def test_ipa_labels_do_not_overlap(ipa_table):
    fig, ax = plt.subplots(figsize=(8, 6))
    plots.ipa_plot(ipa_table, lang="de", ax=ax)
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(r) for t in _by_gid(ax, "label:").values()]
    assert len(boxes) == len(ipa_table)
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (i, j)
    assert "Kundenservice" in _by_gid(ax, "label:")


def test_ipa_uses_table_cuts_and_drops_suppressed(ipa_table):
    t = ipa_table.assign(importance_cut=10.0, performance_cut=3.5)
    t.loc[0, "flag"] = "suppressed"
    fig, ax = plt.subplots()
    plots.ipa_plot(t, ax=ax)
    xs = {ln.get_xdata()[0] for ln in ax.lines if ln.get_linestyle() == "--"}
    assert 10.0 in xs
    assert "Website" not in _by_gid(ax, "label:")
    assert len(_by_gid(ax, "ipa_points")[""].get_offsets()) == len(t) - 1


# ------------------------------------------------------------------ personas
@pytest.fixture
def personas():
    rows = [("Familien", "website", 4.2, 0.01), ("Familien", "hotline", 3.0, 0.40),
            ("Paare", "website", 3.6, 0.20), ("Paare", "hotline", 3.9, 0.03),
            ("Business", "website", 3.1, 0.50), ("Business", "hotline", 2.4, 0.001)]
    t = pd.DataFrame(rows, columns=["persona", "touchpoint", "value", "p_value"])
    t["flag"] = ["", "", "", "", "suppressed", ""]
    return t


def test_persona_heat_values_colours_and_significance(personas):
    fig, ax = plt.subplots()
    assert plots.persona_plot(personas, x="persona", ax=ax) is ax
    mesh = _by_gid(ax, "persona_heat")[""]
    arr = mesh.get_array()
    grid = np.ma.filled(arr.reshape(2, 3).astype(float), np.nan)  # rows: website, hotline; cols: personas
    expected = np.array([[4.2, 3.6, np.nan], [3.0, 3.9, 2.4]])
    np.testing.assert_allclose(grid, expected)
    cells = _by_gid(ax, "cell:")
    assert cells["website|Familien"].get_text() == "4,2*"
    assert cells["website|Paare"].get_text() == "3,6"
    assert "website|Business" not in cells  # suppressed: no value
    assert set(_by_gid(ax, "sig:")) == {"website|Familien", "hotline|Paare", "hotline|Business"}
    # colours rank with the values: the blue-minus-red channel grows with the score
    fig.canvas.draw()  # colours are mapped at draw time
    colours = mesh.get_facecolors()
    vals = np.ma.filled(arr.astype(float), np.nan).ravel()
    assert len(colours) == len(vals)
    ok = ~np.isnan(vals)
    blue_red = colours[:, 2] - colours[:, 0]
    order = np.argsort(vals[ok])
    assert np.all(np.diff(blue_red[ok][order]) > 0)


def test_persona_dot_plot_filled_when_significant(personas):
    fig, ax = plt.subplots()
    plots.persona_plot(personas, x="persona", kind="dot", lang="en", ax=ax, sig="p_value", alpha=0.05)
    assert len(_by_gid(ax, "dot_sig:")["Familien"].get_offsets()) == 1
    assert len(_by_gid(ax, "dot:")["Familien"].get_offsets()) == 1
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Website", "Hotline"]
    with pytest.raises(ParameterError, match="kind"):
        plots.persona_plot(personas, x="persona", kind="pie", ax=ax)


def test_persona_table_as_compare_returns_it(personas):
    # cjkit.stats.compare.persona_comparison: column segment, boolean significant (object with NaN
    # where untested), direction higher/lower, readable labels in touchpoint_label
    t = personas.rename(columns={"persona": "segment"}).drop(columns="p_value")
    t["significant"] = pd.Series([True, False, np.nan, True, np.nan, True], dtype=object)
    t["direction"] = ["higher", "", "", "lower", "", "lower"]
    t.loc[t.touchpoint == "website", "touchpoint"] = "own_portal"  # survey-specific, not in the catalog
    t["touchpoint_label"] = t["touchpoint"].map({"own_portal": "Kundenportal", "hotline": "Hotline (EN?)"})
    fig, ax = plt.subplots()
    plots.persona_plot(t, ax=ax)
    cells = {k: v.get_text() for k, v in _by_gid(ax, "cell:").items()}
    assert cells["own_portal|Familien"] == "4,2\u25b2" and cells["hotline|Paare"] == "3,9\u25bc"
    assert cells["hotline|Familien"] == "3,0"
    # catalog ids get the catalog's name in lang; unknown ids the table's own label
    assert [x.get_text() for x in ax.get_yticklabels()] == ["Kundenportal", "Hotline"]
    assert any("höher/niedriger" in a.get_text() for a in ax.texts)
    with pytest.raises(DataError, match="more than one row"):
        plots.persona_plot(pd.concat([t, t.iloc[[0]]]), ax=ax)


# ------------------------------------------------------------------ waves
def test_wave_trend_lines_bands_and_gaps():
    waves = pd.CategoricalDtype(["W1", "W2", "W3"], ordered=True)
    t = pd.DataFrame({"wave": pd.Categorical(["W3", "W1", "W2", "W1", "W2", "W3"], dtype=waves),
                      "touchpoint": ["website"] * 3 + ["hotline"] * 3,
                      "value": [4.0, 3.5, 3.8, 3.0, 3.1, 3.3],
                      "flag": ["", "", "", "", "suppressed", "low_base"]})
    t["ci_low"], t["ci_high"] = t.value - 0.2, t.value + 0.25
    fig, ax = plt.subplots()
    assert plots.trend_plot(t, hue="touchpoint", lang="en", ax=ax) is ax
    web = _by_gid(ax, "trend:")["website"]
    np.testing.assert_allclose(web.get_ydata(), [3.5, 3.8, 4.0])  # categorical wave order
    hot = _by_gid(ax, "trend:")["hotline"]
    np.testing.assert_allclose(hot.get_ydata(), [3.0, np.nan, 3.3])  # suppressed: gap
    band = _by_gid(ax, "band:")["website"]
    ys = band.get_paths()[0].vertices[:, 1]
    assert ys.min() == pytest.approx(3.3) and ys.max() == pytest.approx(4.25)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["W1", "W2", "W3"]
    legend = [x.get_text() for x in ax.get_legend().texts]
    assert legend[:2] == ["Website", "Hotline"] and legend[-1].startswith("Low base")
    assert ax.get_xlabel() == "Wave"


def test_wave_trend_rings_significant_changes_in_wave_order_column():
    # as cjkit.stats.compare.wave_trend returns: wave strings, wave_order, significant (object, NaN first wave)
    t = pd.DataFrame({"wave": ["Frühjahr", "Herbst", "Sommer"], "wave_order": [0, 2, 1],
                      "value": [3.1, 3.9, 3.2], "ci_low": [3.0, 3.8, 3.1], "ci_high": [3.2, 4.0, 3.3],
                      "significant": pd.Series([np.nan, True, False], dtype=object), "flag": ""})
    fig, ax = plt.subplots()
    plots.trend_plot(t, lang="de", ax=ax)
    assert [x.get_text() for x in ax.get_xticklabels()] == ["Frühjahr", "Sommer", "Herbst"]
    np.testing.assert_allclose(_by_gid(ax, "trend:")["None"].get_ydata(), [3.1, 3.2, 3.9])
    ring = _by_gid(ax, "sig:")["None"]
    np.testing.assert_allclose(ring.get_offsets(), [[2, 3.9]])
    assert [x.get_text() for x in ax.get_legend().texts] == ["Signifikante Veränderung zur Vorwelle"]


# ------------------------------------------------------------------ real data
def test_real_airline_survey_bars_and_personas(shared_data, tmp_path):
    """Means with t intervals and Welch tests from scipy on the public airline survey."""
    with zipfile.ZipFile(shared_data / "airline_satisfaction" / "airline_passenger_satisfaction.zip") as z:
        name = next(n for n in z.namelist() if n.endswith(".csv"))
        wide = pd.read_csv(z.open(name), nrows=4000)
    cols = {"Ease of Online Booking": "booking", "Check-in Service": "check_in",
            "In-flight Wifi Service": "wifi", "Food and Drink": "food_beverage", "Cleanliness": "cleanliness",
            "Baggage Handling": "luggage_belt"}  # an id the catalog lacks is shown as it is
    long = wide.melt(id_vars=["Type of Travel"], value_vars=list(cols), var_name="q", value_name="value")
    long = long[long.value > 0].assign(touchpoint=lambda d: d.q.map(cols))  # 0 = not applicable
    rows = []
    for tp, part in long.groupby("touchpoint"):
        m, se, n = part.value.mean(), stats.sem(part.value), len(part)
        lo, hi = stats.t.interval(0.95, n - 1, loc=m, scale=se)
        rows.append({"touchpoint": tp, "value": m, "n": n, "ci_low": lo, "ci_high": hi, "flag": ""})
    table = pd.DataFrame(rows).sort_values("value")
    fig, (a, b) = plt.subplots(1, 2, figsize=(13, 4), layout="constrained")
    plots.satisfaction_plot(table, scale=(1, 5), lang="en", ax=a)
    for _, r in table.iterrows():
        (seg,) = _by_gid(a, "ci:")[f"{r.touchpoint}|None"].get_segments()
        assert sorted(seg[:, 0]) == pytest.approx([r.ci_low, r.ci_high])
    assert "luggage_belt" in [t.get_text() for t in a.get_yticklabels()]
    prow = []
    for (tp, seg), part in long.groupby(["touchpoint", "Type of Travel"]):
        rest = long[(long.touchpoint == tp) & (long["Type of Travel"] != seg)].value
        prow.append({"persona": seg, "touchpoint": tp, "value": part.value.mean(),
                     "p_value": stats.ttest_ind(part.value, rest, equal_var=False).pvalue})
    ptab = pd.DataFrame(prow)
    plots.persona_plot(ptab, x="persona", lang="en", ax=b)
    assert len(_by_gid(b, "sig:")) == int((ptab.p_value < 0.05).sum())
    fig.savefig(tmp_path / "airline.png")
    assert (tmp_path / "airline.png").stat().st_size > 10_000


def test_every_chart_returns_the_axes_it_was_given(sat, nps_answers, ipa_table, personas):
    drivers = pd.DataFrame({"driver": ["q1", "q2"], "touchpoint": ["website", "hotline"],
                            "relative_weight": [0.3, 0.1], "r2": 0.4})
    waves = pd.DataFrame({"wave": ["W1", "W2"], "value": [3.0, 3.2], "ci_low": [2.9, 3.1], "ci_high": [3.1, 3.3]})
    calls = [lambda ax: plots.satisfaction_plot(sat, ax=ax),
             lambda ax: plots.nps_plot(nps_answers, ax=ax),
             lambda ax: plots.nps_plot(nps_answers, hue="persona", ax=ax),
             lambda ax: plots.driver_plot(drivers, ax=ax),
             lambda ax: plots.ipa_plot(ipa_table, ax=ax),
             lambda ax: plots.persona_plot(personas, x="persona", ax=ax),
             lambda ax: plots.persona_plot(personas, x="persona", kind="dot", ax=ax),
             lambda ax: plots.trend_plot(waves, ax=ax)]
    fig, axes = plt.subplots(2, 4, figsize=(20, 8))
    for call, ax in zip(calls, axes.ravel()):
        assert call(ax) is ax
        assert ax.has_data() or ax.texts
    # without ax= they draw on the current Axes, like seaborn
    plt.figure()
    current = plt.gca()
    assert plots.driver_plot(drivers) is current


# --------------------------------------------------------------------------- pain points and alt text
@pytest.fixture
def pains():
    return pd.DataFrame({"touchpoint_label": ["WLAN", "Zimmer", "Parken"], "phase_label": "Bindung",
                         "score": [0.3, 0.9, 0.5], "rank": [3, 1, 2], "low_share": [0.36, 0.05, 0.17],
                         "n_mentions": [198, 239, 0], "flag": ["", "", "low_base"]})


def test_painpoint_plot_draws_the_ranking_with_its_evidence(pains):
    fig, ax = plt.subplots()
    plots.painpoint_plot(pains, lang="de", ax=ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Zimmer (Bindung)", "Parken (Bindung)", "WLAN (Bindung)"]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert [round(b.get_width(), 6) for b in bars] == [0.9, 0.5, 0.3]     # score of rank 1, 2, 3
    assert bars[1].get_hatch() == "//" and not bars[0].get_hatch()        # the low base is marked
    notes = {t.get_gid(): t.get_text().strip() for t in ax.texts}
    assert notes["evidence:0"] == "5\xa0% niedrig · 239 Nennungen"
    assert notes["evidence:1"] == "17\xa0% niedrig · 0 Nennungen"
    assert ax.get_xlabel() == theme.label("painpoint_axis", "de")
    assert plots.alt_text(fig, lang="de").startswith("Balkendiagramm der 3 wichtigsten Pain Points")


def test_painpoint_plot_top_and_missing_column(pains):
    fig, ax = plt.subplots()
    plots.painpoint_plot(pains, top=1, lang="en", ax=ax)
    assert len(ax.get_yticklabels()) == 1
    assert plots.alt_text(fig, lang="en") == ("Bar chart of the 1 top pain points by score; first Zimmer (Bindung) "
                                              "(score 0.90).")
    with pytest.raises(DataError, match="score"):
        plots.painpoint_plot(pains.drop(columns="score"), ax=ax)


def test_generic_alt_text_names_title_axes_and_categories(sat):
    fig, ax = plt.subplots()
    plots.satisfaction_plot(sat, x="value", y="touchpoint", lang="en", ax=ax)
    text = plots.alt_text(fig, lang="en")
    assert text.startswith("Chart: ") and "Website" in text and "Satisfaction" in text
