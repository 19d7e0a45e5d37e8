"""Axes-level charts for customer-journey results.

Every function takes a tidy frame (the metric, driver or IPA tables of the
measure step, or raw long responses for the NPS), draws on ``ax`` (default:
the current Axes) and returns that Axes, like seaborn's axes-level functions.
Labels come from the catalogs in ``lang`` ("de" or "en"); colours from
:mod:`cjkit.plot.theme`. Rows flagged ``low_base`` are drawn hatched or hollow,
rows flagged ``suppressed`` are never drawn as a value.

One module per chart family: :mod:`~cjkit.plot.charts.satisfaction`,
:mod:`~cjkit.plot.charts.nps`, :mod:`~cjkit.plot.charts.priorities` (drivers, IPA, pain
points), :mod:`~cjkit.plot.charts.comparisons` (personas, waves), and what they share
(:mod:`~cjkit.plot.charts.base`: input checks, flags, alt texts). The researcher functions are
flat on ``cj.`` (``cj.satisfaction_plot`` ...); the names below keep ``cjkit.plot.charts`` working.

Examples
--------
>>> import cjkit as cj
>>> import pandas as pd
>>> t = pd.DataFrame({"touchpoint": ["website", "hotline"], "value": [4.1, 3.2],
...                   "ci_low": [3.9, 2.9], "ci_high": [4.3, 3.5], "n": [220, 41],
...                   "flag": ["", "low_base"]})
>>> ax = cj.satisfaction_plot(t, x="value", y="touchpoint", lang="en")
"""
from __future__ import annotations

from cjkit.plot.charts.base import alt_text, set_alt_text
from cjkit.plot.charts.comparisons import persona_plot, trend_plot
from cjkit.plot.charts.nps import nps_plot, nps_table
from cjkit.plot.charts.priorities import QUADRANT_COLORS, driver_plot, ipa_plot, painpoint_plot
from cjkit.plot.charts.satisfaction import satisfaction_plot

__all__ = ["QUADRANT_COLORS", "alt_text", "driver_plot", "ipa_plot", "nps_plot", "nps_table", "painpoint_plot",
           "persona_plot", "satisfaction_plot", "set_alt_text", "trend_plot"]
