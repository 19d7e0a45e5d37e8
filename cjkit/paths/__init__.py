"""Journey paths across channels: the ``cj.paths`` namespace.

``import cjkit as cj`` and call ``cj.paths.load_journeys``, ``cj.paths.funnel``,
``cj.paths.markov_attribution``, ``cj.paths.flow_plot`` ... The path side follows the same flow
as the survey side and shares its readers (:mod:`cjkit.io.readers`), its data-quality ledger
(:mod:`cjkit.quality.ledger`), its journey models and touchpoint catalog, and its chart theme::

    read   read_events, read_path_table, load_journeys -> Journeys (paths, steps, ledger)
    map    map_channels, assign_channels (channel -> touchpoint -> phase of the journey model)
    count  path_table, path_summary, common_paths, funnel, transitions, loops, flows, path_lengths,
           time_between_steps — each takes a DataFrame or event files (CSV/Parquet, globs):
           one engine, two sizes, identical results (files run out of core in DuckDB)
    rules  events_to_steps(split_sessions=, session_timeout=, lookback=, conversion_window=),
           ordered_funnel (strict/loose, time limits), backward_paths, touches_to_conversion,
           time_to_conversion, stitch_identities (device/cookie -> customer, in the ledger)
    credit heuristic_attribution (rules=), markov_attribution (order="auto", n_boot=), choose_order,
           shapley_attribution, attribution_table, channel_participation, channel_roi (cost=),
           collapse_channels (top channels, the rest as "(other)": attribution on huge path tables)
    draw   flow_plot, funnel_plot, transition_plot, attribution_plot (data, *, ..., ax=None) -> Axes
    big    scan_connection (memory limit, spill folder), scan_ledger (rows left out of files);
           scan_* : the older names of the file route

Names are resolved on first use, so ``cj.paths`` does not import DuckDB or matplotlib until a
function needing them is called.

Examples
--------
>>> import pandas as pd
>>> import cjkit as cj
>>> t = pd.DataFrame({"path": ["a > b", "b"], "conversions": [1, 1], "nulls": [1, 0]})
>>> journeys = cj.paths.load_journeys(path_file=t)
>>> cj.paths.common_paths(journeys.steps)[["path", "n_journeys", "conversion_rate"]].values.tolist()
[['a > b', 2.0, 0.5], ['b', 1.0, 1.0]]
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# public name -> (module, attribute); the attribute defaults to the public name
_API: dict[str, tuple[str, str | None]] = {
    # read
    "read_events": ("cjkit.io.events", None),
    "read_path_table": ("cjkit.io.events", None),
    "load_journeys": ("cjkit.io.events", None),
    "Journeys": ("cjkit.io.events", None),
    "PathInput": ("cjkit.io.events", None),
    "events_to_steps": ("cjkit.io.events", None),
    "paths_to_steps": ("cjkit.io.events", None),
    "steps_to_paths": ("cjkit.io.events", None),
    "normalize_path": ("cjkit.io.events", None),
    "resolve_input": ("cjkit.io.events", None),
    # channels -> touchpoints -> phases
    "load_channel_map": ("cjkit.paths.channels", None),
    "map_channels": ("cjkit.paths.channels", None),
    "assign_channels": ("cjkit.paths.channels", None),
    "node_column": ("cjkit.paths.channels", None),
    "node_labels": ("cjkit.paths.channels", None),
    # path analysis in memory
    "path_table": ("cjkit.paths.journeys", None),
    "path_summary": ("cjkit.paths.journeys", None),
    "common_paths": ("cjkit.paths.journeys", None),
    "funnel": ("cjkit.paths.journeys", None),
    "transitions": ("cjkit.paths.journeys", None),
    "loops": ("cjkit.paths.journeys", None),
    "flows": ("cjkit.paths.journeys", None),
    "path_lengths": ("cjkit.paths.journeys", None),
    "time_between_steps": ("cjkit.paths.journeys", None),
    # journey rules: ordered funnels, what leads to a conversion, identity stitching
    "ordered_funnel": ("cjkit.paths.funnels", None),
    "backward_paths": ("cjkit.paths.timing", None),
    "touches_to_conversion": ("cjkit.paths.timing", None),
    "time_to_conversion": ("cjkit.paths.timing", None),
    "stitch_identities": ("cjkit.paths.stitching", None),
    # attribution
    "RULES": ("cjkit.paths.heuristics", None),
    "heuristic_attribution": ("cjkit.paths.heuristics", None),
    "coalitions": ("cjkit.paths.heuristics", None),
    "markov_attribution": ("cjkit.paths.attribution", None),
    "markov_transitions": ("cjkit.paths.attribution", None),
    "choose_order": ("cjkit.paths.attribution", None),
    "attribution_table": ("cjkit.paths.attribution", None),
    "shapley_attribution": ("cjkit.paths.shapley", None),
    "channel_participation": ("cjkit.paths.credit", None),
    "channel_roi": ("cjkit.paths.credit", None),
    "collapse_channels": ("cjkit.paths.collapse", None),
    # out of core (DuckDB over CSV/Parquet files)
    "scan_connection": ("cjkit.paths.bigpaths", None),
    "scan_ledger": ("cjkit.paths.bigpaths", None),
    "ScanLedger": ("cjkit.paths.bigpaths", None),
    "scan_path_table": ("cjkit.paths.bigpaths", None),
    "scan_transitions": ("cjkit.paths.bigpaths", None),
    "scan_path_lengths": ("cjkit.paths.bigpaths", None),
    "scan_time_between_steps": ("cjkit.paths.bigpaths", None),
    "scan_funnel": ("cjkit.paths.journeys", "funnel"),
    # charts (data first, keywords, ax= in, Axes out)
    "flow_plot": ("cjkit.plot.paths", None),
    "funnel_plot": ("cjkit.plot.paths", None),
    "transition_plot": ("cjkit.plot.paths", None),
    "attribution_plot": ("cjkit.plot.paths", None),
}

__all__ = sorted(_API)


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'cjkit.paths' has no attribute {name!r}")
    module, attr = _API[name]
    value = getattr(importlib.import_module(module), attr or name)
    globals()[name] = value  # resolve once
    return value


def __dir__():
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # static analysers and IDEs see the real objects
    from cjkit.io.events import load_journeys, read_events, read_path_table  # noqa: F401
    from cjkit.paths.attribution import attribution_table, choose_order, markov_attribution  # noqa: F401
    from cjkit.paths.collapse import collapse_channels  # noqa: F401
    from cjkit.paths.credit import channel_participation, channel_roi  # noqa: F401
    from cjkit.paths.heuristics import coalitions, heuristic_attribution  # noqa: F401
    from cjkit.paths.shapley import shapley_attribution  # noqa: F401
    from cjkit.paths.journeys import common_paths, funnel, transitions  # noqa: F401
    from cjkit.plot.paths import attribution_plot, flow_plot, funnel_plot, transition_plot  # noqa: F401
