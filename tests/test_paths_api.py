"""The researcher namespace cj.paths: unique names, keyword-only options, plots that return their Axes."""
from __future__ import annotations

import inspect

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import cjkit as cj

PLOTS = ["flow_plot", "funnel_plot", "transition_plot", "attribution_plot"]


def test_every_exported_name_resolves_and_none_collides_with_the_flat_api():
    assert len(cj.paths.__all__) == len(set(cj.paths.__all__))
    assert not set(cj.paths.__all__) & set(cj.__all__)
    for name in cj.paths.__all__:
        assert getattr(cj.paths, name) is not None, name
    with pytest.raises(AttributeError):
        cj.paths.transition_matrix  # noqa: B018 - the old, ambiguous name is gone


def test_functions_take_data_first_and_options_by_keyword():
    for name in cj.paths.__all__:
        obj = getattr(cj.paths, name)
        if not inspect.isfunction(obj):
            continue
        params = list(inspect.signature(obj).parameters.values())
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        assert len(positional) <= 1, (name, [p.name for p in positional])
        assert "model" not in {p.name for p in params} or name in {
            "map_channels", "assign_channels", "node_labels", *PLOTS}, name  # model = the journey model only


def test_plots_draw_into_the_given_axes():
    t = pd.DataFrame({"path": ["a > b", "b > a", "a"], "conversions": [1.0, 0.0, 1.0], "nulls": [0.0, 1.0, 1.0]})
    data = {"flow_plot": cj.paths.flows(t, node="channel"), "funnel_plot": cj.paths.funnel(t, stage="step"),
            "transition_plot": cj.paths.transitions(t), "attribution_plot": cj.paths.attribution_table(t)}
    for name in PLOTS:
        fig, ax = plt.subplots()
        assert getattr(cj.paths, name)(data[name], lang="en", ax=ax) is ax
        plt.close(fig)
