"""Path charts draw what the tables say; the path report notebook runs under papermill."""
from __future__ import annotations

import json

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import PathPatch, Rectangle

from cjkit.paths import attribution
from cjkit.paths import channels
from cjkit.io import events
from cjkit.paths import journeys as paths
from cjkit.plot import paths as plots_paths
from cjkit.errors import DataError, ParameterError


@pytest.fixture(scope="module")
def steps(shared_data):
    t = events.read_path_table(shared_data / "attribution_paths" / "pychattr" /
                               "free_trial_and_demo_path_data_final.csv.gz").data
    return channels.assign_channels(events.paths_to_steps(t), model="accra")


def test_flow_draws_one_ribbon_per_flow_and_one_box_per_node(steps):
    fl = paths.flows(steps, node="phase", max_steps=3)
    fig, ax = plt.subplots()
    assert plots_paths.flow_plot(fl, ax=ax, lang="en") is ax
    ribbons = [p for p in ax.patches if isinstance(p, PathPatch)]
    boxes = [p for p in ax.patches if isinstance(p, Rectangle)]
    nodes = set(zip(fl["step"], fl["source"])) | set(zip(fl["step"] + 1, fl["target"]))
    assert len(ribbons) == len(fl) and len(boxes) == len(nodes)
    # box heights are proportional to journeys: step-1 boxes add up like the step-1 flows
    first = {b.get_y(): b.get_height() for b in boxes if abs(b.get_x() + b.get_width() / 2 - 1) < 1e-9}
    by_node = fl[fl["step"] == 1].groupby("source")["n"].sum()
    np.testing.assert_allclose(sorted(np.array(list(first.values())) / sum(first.values())),
                               sorted(by_node / by_node.sum()), rtol=1e-6)
    texts = {t.get_text() for t in ax.texts}
    assert "Awareness" in texts and "No conversion" in texts


def test_funnel_bars_follow_funnel_table(steps):
    f = paths.funnel(steps)
    ax = plots_paths.funnel_plot(f, lang="de")
    widths = [p.get_width() for p in ax.patches]
    np.testing.assert_allclose(widths, f["n_journeys"] / f["n_journeys"].max())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "Start" and labels[-1] == "Konversion"
    assert any("100,0\u00a0%" in t.get_text() for t in ax.texts)  # German decimal comma, space before %
    step_ax = plots_paths.funnel_plot(paths.funnel(steps, stage="step", max_steps=3), lang="en")
    assert "Step 1" in [t.get_text() for t in step_ax.get_yticklabels()]


def test_heatmap_cells_are_transition_probabilities(steps):
    tm = paths.transitions(steps, node="touchpoint", collapse_repeats=True)
    ax = plots_paths.transition_plot(tm, lang="en")
    img = ax.images[0].get_array()
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows[0] == "Start"
    np.testing.assert_allclose(np.asarray(img).sum(axis=1), 1.0)  # each source row is a distribution


def test_attribution_bars(shared_data):
    t = events.read_path_table(shared_data / "attribution_paths" / "channelattribution" / "Data.csv").data
    tab = attribution.attribution_table(t)
    ax = plots_paths.attribution_plot(tab, lang="en", top=5)
    assert len(ax.patches) == 5 * tab["approach"].nunique()
    assert max(p.get_height() for p in ax.patches) == pytest.approx(
        tab.groupby(["approach", "channel"])["conversions"].sum().max())


def test_bad_input_errors():
    with pytest.raises(DataError, match="flow_plot"):
        plots_paths.flow_plot(pd.DataFrame({"x": [1]}))
    with pytest.raises(ParameterError, match="lang"):
        plots_paths.funnel_plot(pd.DataFrame({"stage": ["a"], "n_journeys": [1.0], "share_of_start": [1.0]}),
                                lang="fr")


def test_notebook_parameters_all_parse_with_help(root):
    import papermill
    params = papermill.inspect_notebook(str(root / "notebooks" / "40_journey_paths.ipynb"))
    assert {"path_file", "event_file", "journey_model", "channel_map", "segment_column", "markov_order",
            "max_steps", "top_n", "lang", "output_dir", "lookback", "conversion_window", "session_timeout",
            "funnel_stages", "funnel_within"} == set(params)
    assert all(p["help"] and p["inferred_type_name"] in ("str", "int") for p in params.values())


@pytest.mark.slow
def test_path_report_notebook_runs_and_writes_key_figures(root, shared_data, tmp_path):
    import papermill
    out = tmp_path / "report"
    papermill.execute_notebook(
        str(root / "notebooks" / "40_journey_paths.ipynb"), str(tmp_path / "out.ipynb"), kernel_name="python3",
        cwd=str(root / "notebooks"), progress_bar=False,
        parameters={"path_file": str(shared_data / "attribution_paths" / "pychattr" / "demo_data_small.csv"),
                    "output_dir": str(out), "lang": "en"})
    figures = json.loads((out / "key_figures.json").read_text(encoding="utf-8"))
    ref = pd.read_csv(shared_data / "attribution_paths" / "pychattr" / "demo_data_small.csv")
    assert figures["n_input"]["value"] == 10 and figures["conversions"]["value"] == ref["total_conversions"].sum()
    markov = {k: v for k, v in figures.items() if k.startswith("markov_")}
    assert sum(v["value"] for v in markov.values()) == pytest.approx(ref["total_conversions"].sum())
    # each Markov figure carries its bootstrap interval and a label in the report language
    assert all(v["ci_low"] <= v["value"] <= v["ci_high"] and v["label"].startswith("Markov: ") for v in markov.values())
    for name in ("funnel", "flow", "transitions", "attribution"):
        assert (out / f"{name}.png").stat().st_size > 1000  # beside key_figures.json, where the deck finds them


@pytest.mark.slow
def test_path_report_notebook_on_an_event_log_with_segments(root, tmp_path):
    import papermill
    rng = np.random.default_rng(3)
    n = 3000
    ev = pd.DataFrame({"customer_id": rng.integers(0, 400, n).astype(str),
                       "timestamp": pd.Timestamp("2024-03-01") + pd.to_timedelta(rng.integers(0, 10**6, n), unit="s"),
                       "channel": rng.choice(["organic_google", "paid_google_cpc", "email", "blog", "shop"], n),
                       "conversion": (rng.random(n) < 0.05).astype(int), "device": rng.choice(["mobile", "desktop"], n)})
    ev.loc[5, "customer_id"] = None  # one row for the ledger
    ev.to_csv(tmp_path / "events.csv", index=False)
    out = tmp_path / "report"
    papermill.execute_notebook(
        str(root / "notebooks" / "40_journey_paths.ipynb"), str(tmp_path / "out.ipynb"), kernel_name="python3",
        cwd=str(root / "notebooks"), progress_bar=False,
        parameters={"event_file": str(tmp_path / "events.csv"), "segment_column": "device", "output_dir": str(out)})
    figures = json.loads((out / "key_figures.json").read_text(encoding="utf-8"))
    assert figures["n_input"]["value"] == n and figures["n_excluded"]["value"] == 1
    # the channels map onto the journey model, so the flows run through its phases
    assert set(pd.read_csv(out / "flows.csv")["source"].dropna()) & {"awareness", "consideration"}
    assert (out / "time_between_steps.csv").is_file()
    seg = pd.read_csv(out / "markov_by_segment.csv")
    assert set(seg["device"]) == {"mobile", "desktop"}

