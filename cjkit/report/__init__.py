"""report step of the cjkit flow: the report sections the notebooks call, as ``cj.report``.

``cj.report.key_figures(study)``, ``cj.report.driver_table(study, lang="en")`` ... are the
functions of :mod:`cjkit.report.sections`. They are resolved on first use (PEP 562), so
``import cjkit.report.batch`` (the command line and the batch runner) does not import the
statistics, coding and IPython stack that the sections need.
"""
from __future__ import annotations

import importlib

__all__ = [
    "add_labels",
    "channel_labels",
    "code_counts",
    "coded_comments",
    "coding_note",
    "driver_diagnostics",
    "driver_labels",
    "driver_questions",
    "driver_table",
    "executive_summary",
    "figure_tiles",
    "format_figures",
    "format_table",
    "heading",
    "ipa_table",
    "journey_map_data",
    "key_figures",
    "ledger_table",
    "methods_appendix",
    "methods_html",
    "note",
    "painpoint_table",
    "path_alt",
    "path_findings",
    "path_heading",
    "path_key_figures",
    "path_table",
    "path_tiles",
    "phase_scores",
    "report_codebook",
    "report_plan",
    "save_figure",
    "section_shown",
    "section_status",
    "segment_comparison",
    "sentiment_vs_rating",
    "show_figure",
    "subheading",
    "summary_html",
    "touchpoint_scores",
    "trend_table",
    "value_key_figures",
    "value_summary",
    "value_table",
    "variable_labels",
    "verbatims",
    "weight_diagnostics",
    "write_key_figures",
]


_PLAN = ("report_plan", "section_status")  # light: no statistics or coding stack
_MODULES = {"executive_summary": "summary", "summary_html": "summary", "format_table": "tables",
            "figure_tiles": "tables", "methods_appendix": "methods", "methods_html": "methods",
            "driver_diagnostics": "diagnostics", "driver_labels": "valuelabels", "value_table": "valuetables",
            "value_summary": "valuetables", "variable_labels": "valuelabels", "value_key_figures": "valuelabels",
            "weight_diagnostics": "diagnostics",
            # the journey-path report
            "channel_labels": "pathtables", "path_alt": "pathalt", "path_table": "pathtables", "path_heading": "pathtables",
            "path_key_figures": "pathfindings", "path_tiles": "pathfindings", "path_findings": "pathfindings"}


def __getattr__(name: str):
    if name in __all__:
        module = "cjkit.report." + ("plan" if name in _PLAN else _MODULES.get(name, "sections"))
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value  # resolve once
        return value
    raise AttributeError(f"module 'cjkit.report' has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *__all__})
