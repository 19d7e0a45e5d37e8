"""The live filter panel without a browser: filters narrow the study as a report run would, the chart is redrawn in place."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cjkit.errors import ParameterError
from cjkit.report import sections
from cjkit.report.grid import expand_grid
from cjkit.report.runconfig import load_run
from cjkit.report.study import open_study
from cjkit.workbench.explore import explore, ratings_distribution

PERSONA = "Geschaeftsreisender"


@pytest.fixture(scope="module")
def demo(root):
    return open_study(root / "surveys" / "demo" / "spec.yaml")


def test_filters_redraw_in_place_with_the_report_numbers(root, demo):
    panel = explore(demo, lang="en")
    chart, before, version = panel.chart, bytes(panel.chart.value), panel.version
    panel.filters["segment"].value = PERSONA
    panel.filters["wave"].value = "2025-H2"
    assert panel.chart is chart and bytes(panel.chart.value) != before and panel.version == version + 2
    # the batch path: open_study with the same scope, then the report section
    batch = open_study(root / "surveys" / "demo" / "spec.yaml", segment=PERSONA, wave="2025-H2")
    expected = sections.touchpoint_scores(batch, lang="en")
    pd.testing.assert_frame_equal(panel.scores.reset_index(drop=True), expected.reset_index(drop=True))
    assert f"{len(batch.wide)}" in panel.status.value
    assert len(panel.tables.outputs) == 2 and "<table" in panel.tables.outputs[0]["data"]["text/html"]


def test_drill_down_and_the_filter_as_a_report_run_file(root, demo, tmp_path):
    panel = explore(demo, notebooks_dir=root / "notebooks")
    q = panel.drill.options[0][1]
    panel.drill.value = q
    values = demo.long.loc[(demo.long["question"] == q) & demo.long["value"].notna()]
    dist = ratings_distribution(demo, q)
    # independent: weighted shares by hand
    w = values.groupby("value")["weight"].sum()
    assert np.allclose(dist.set_index("value")["share"], w / w.sum())
    assert dist["n"].sum() == len(values)
    assert len(panel.drill_out.outputs) == 3
    assert "@" not in panel.drill_out.outputs[2]["data"]["text/html"].split("<script")[0]

    panel.filters["segment"].value = PERSONA
    path = panel.write_run_file(tmp_path / "run.yaml")
    jobs = expand_grid(load_run(path))
    assert len(jobs) == 3 and {j.parameters["segment"] for j in jobs} == {PERSONA}
    assert {j.parameters["wave"] for j in jobs} == {"all"}
    assert jobs[0].parameters["spec"] == str((root / "surveys" / "demo" / "spec.yaml").resolve())


def test_not_a_study_is_a_clear_error():
    with pytest.raises(ParameterError, match="open_study"):
        explore(pd.DataFrame())
