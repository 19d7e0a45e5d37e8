"""Charts of the persona and value step: data first, ax in and out, labels in both languages."""
from __future__ import annotations

import inspect

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import cjkit as cj
from cjkit.errors import DataError, ParameterError

SELECTION = pd.DataFrame({"k": [2, 3, 4], "silhouette": [0.3, 0.4, 0.35], "stability_ari": [1.0, 0.95, 0.7],
                          "stable": [True, True, False], "chosen": [False, True, False]})
REC = pd.DataFrame({"segment": ["A", "A", "B"], "driver": ["tp_wifi", "tp_room", "tp_room"],
                    "expected_gain": [0.1, 0.3, 0.2], "ci_low": [0.05, 0.2, 0.1], "ci_high": [0.15, 0.4, 0.3]})
KM = pd.DataFrame({"group": ["promoter"] * 3 + ["detractor"] * 3, "time": [0, 2, 5] * 2,
                   "survival": [1, 0.8, 0.5, 1, 0.9, 0.7], "ci_low": [1, 0.6, 0.3, 1, 0.8, 0.5],
                   "ci_high": [1, 0.9, 0.7, 1, 1, 0.9]})
VALUE = pd.DataFrame({"label": ["a", "b"], "value_at_stake": [200.0, 400.0], "nps_group": ["detractor", "passive"]})
CASES = {"persona_selection_plot": (SELECTION, {}), "recommendation_plot": (REC, {}),
         "survival_plot": (KM, {}), "value_plot": (VALUE, {})}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("lang", ["de", "en"])
def test_data_first_ax_in_and_out(name, lang):
    func = getattr(cj, name)
    params = list(inspect.signature(func).parameters.values())
    assert params[0].name == "data" and all(p.kind == p.KEYWORD_ONLY for p in params[1:])
    data, kw = CASES[name]
    fig, ax = plt.subplots()
    try:
        assert func(data, ax=ax, lang=lang, **kw) is ax and ax.has_data()
        assert ax.get_xlabel()
    finally:
        plt.close(fig)


def test_recommendation_order_and_labels():
    fig, ax = plt.subplots()
    cj.recommendation_plot(REC, segment="A", ax=ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["tp_room", "tp_wifi"]   # largest gain first
    plt.close(fig)
    fig, ax = plt.subplots()
    cj.survival_plot(KM, ax=ax, lang="de")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Promotoren", "Kritiker"]
    assert ax.get_ylabel() == "Anteil noch ohne erneute Buchung"
    plt.close(fig)


def test_bad_input_named():
    with pytest.raises(DataError, match="expected_gain"):
        cj.recommendation_plot(REC.drop(columns="expected_gain"))
    with pytest.raises(ParameterError, match="segment"):
        cj.recommendation_plot(REC, segment="C")
