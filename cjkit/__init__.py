"""cjkit: a customer-journey research notebook kit.

The researcher API is flat: ``import cjkit as cj`` and call ``cj.open_study``,
``cj.metrics``, ``cj.key_drivers``, ``cj.code_texts``, ``cj.journey_map`` ...
The subpackages follow the flow of the work and are the code's layout, not the API::

    catalog -> io -> quality -> coding -> stats -> plot -> report
                                          paths (journey paths: events, attribution)

The specialised sides have namespaces: ``cj.paths`` (journey paths and attribution)
and ``cj.report`` (the report sections the notebooks call).

Names are resolved on first use (PEP 562), so ``import cjkit`` stays cheap and a
notebook that only loads data never imports the plotting or modelling stack.

Conventions: the data come first, every option is a keyword (``cj.key_drivers(long,
outcome="overall")``); results are tidy DataFrames with lower_snake columns; plots take
``ax=`` and return the Axes they drew on.

Examples
--------
>>> import cjkit as cj
>>> study = cj.example_study()  # a small synthetic hotel survey
>>> cj.key_drivers(study.long, outcome="overall")["driver"].iloc[0]
'tp_room'
>>> int(cj.report.key_figures(study).set_index("figure").loc["overall_mean", "n"])
120
"""
from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING

from cjkit._version import __version__
from cjkit.errors import CjkitError, ConfigError, DataError, ParameterError

logging.getLogger("cjkit").addHandler(logging.NullHandler())

# public name -> (module, attribute); the attribute defaults to the public name
_API: dict[str, tuple[str, str | None]] = {
    # open, read and check data
    "open_study": ("cjkit.report.study", None),
    "Study": ("cjkit.report.study", None),
    "example_study": ("cjkit.report.study", None),
    "example_data": ("cjkit.report.study", None),
    "example_spec": ("cjkit.report.study", None),
    "load": ("cjkit.io.load", None),
    "read_export": ("cjkit.io.readers", "read"),
    "detect_format": ("cjkit.io.readers", "detect"),
    "read_feedback": ("cjkit.io.readers.feedback", "read"),
    "load_spec": ("cjkit.io.spec", None),
    "infer_spec": ("cjkit.io.infer", None),
    "propose_spec": ("cjkit.io.infer", None),
    "write_spec": ("cjkit.io.infer", None),
    "to_long": ("cjkit.io.spec", None),
    "validate": ("cjkit.quality.validate", None),
    "ledger_summary": ("cjkit.quality.ledger", "summary"),
    # journey models and touchpoints
    "journey_model": ("cjkit.catalog.models", "get"),
    "journey_models": ("cjkit.catalog.models", "list_models"),
    "journey_phases": ("cjkit.catalog.models", "phases"),
    "crosswalk": ("cjkit.catalog.models", None),
    "touchpoints": ("cjkit.catalog.touchpoints", "load"),
    "load_theme": ("cjkit.catalog.themefile", None),
    "load_personas": ("cjkit.catalog.personas", None),
    # code open answers
    "load_codebook": ("cjkit.coding.codebook", None),
    "compose_codebooks": ("cjkit.coding.codebook", None),
    "list_codebooks": ("cjkit.coding.codebook", None),
    "propose_industry": ("cjkit.coding.industry", None),
    "code_texts": ("cjkit.coding.coder", None),
    "code_indicators": ("cjkit.coding.coder", None),
    "code_file": ("cjkit.coding.stream", None),
    "code_texts_dask": ("cjkit.coding.scaleout", None),
    "score_sentiment": ("cjkit.coding.sentiment", None),
    "discover_themes": ("cjkit.coding.themes", None),
    "themes_to_codebook": ("cjkit.coding.themes", None),
    "fit_sentiment": ("cjkit.coding.sentiment", None),
    "LearningCoder": ("cjkit.coding.learn", None),
    "mask_pii": ("cjkit.privacy.pii", None),
    "count_pii": ("cjkit.privacy.pii", None),
    "find_pii": ("cjkit.privacy.pii", None),
    "cohen_kappa": ("cjkit.coding.agreement", None),
    "krippendorff_alpha": ("cjkit.coding.agreement", None),
    "coder_agreement": ("cjkit.coding.agreement", "agreement_table"),
    # statistics
    "metrics": ("cjkit.stats.metrics", None),
    "nps": ("cjkit.stats.metrics", None),
    "scan_metrics": ("cjkit.stats.outofcore", None),
    "scan_stats": ("cjkit.stats.outofcore", None),
    "scan_correlations": ("cjkit.stats.outofcore", None),
    "compare_groups": ("cjkit.stats.significance", None),
    "chi2_independence": ("cjkit.stats.significance", None),
    "adjust_pvalues": ("cjkit.stats.significance", None),
    "key_drivers": ("cjkit.stats.drivers", None),
    "driver_diagnostics": ("cjkit.stats.drivers", None),
    "importance_performance": ("cjkit.stats.ipa", None),
    "rank_painpoints": ("cjkit.stats.painpoints", None),
    "painpoint_method": ("cjkit.stats.painpoints", None),
    "column_tests": ("cjkit.stats.columns", None),
    "persona_comparison": ("cjkit.stats.compare", None),
    "propose_personas": ("cjkit.stats.personas_propose", None),
    "recommendations": ("cjkit.stats.recommend", None),
    "what_if": ("cjkit.stats.recommend", None),
    "rfm_summary": ("cjkit.stats.clv", None),
    "fit_bgnbd": ("cjkit.stats.clv", None),
    "fit_gamma_gamma": ("cjkit.stats.clv", None),
    "customer_value": ("cjkit.stats.clv", None),
    "link_customers": ("cjkit.stats.customer_link", None),
    "survival_curves": ("cjkit.stats.retention", None),
    "churn_model": ("cjkit.stats.retention", None),
    "repurchase_times": ("cjkit.stats.customer_link", None),
    "nps_group": ("cjkit.stats.value", None),
    "value_at_stake": ("cjkit.stats.value", None),
    "wave_trend": ("cjkit.stats.compare", None),
    "rake": ("cjkit.stats.weighting", None),
    "design_weights": ("cjkit.stats.weighting", None),
    "effective_n": ("cjkit.stats.weighting", None),
    "weight_summary": ("cjkit.stats.weighting", None),
    "suppress_small_cells": ("cjkit.stats.disclosure", None),
    # charts (axes-level: data first, ax= in, Axes out)
    "set_theme": ("cjkit.plot.theme", None),
    "satisfaction_plot": ("cjkit.plot.charts", None),
    "nps_plot": ("cjkit.plot.charts", None),
    "driver_plot": ("cjkit.plot.charts", None),
    "ipa_plot": ("cjkit.plot.charts", None),
    "persona_plot": ("cjkit.plot.charts", None),
    "trend_plot": ("cjkit.plot.charts", None),
    "painpoint_plot": ("cjkit.plot.charts", None),
    "alt_text": ("cjkit.plot.charts", None),
    "persona_selection_plot": ("cjkit.plot.value", None),
    "recommendation_plot": ("cjkit.plot.value", None),
    "survival_plot": ("cjkit.plot.value", None),
    "value_plot": ("cjkit.plot.value", None),
    "journey_map": ("cjkit.plot.journeymap", None),
    "journey_map_figure": ("cjkit.plot.journeymap", None),
    "journey_comparison": ("cjkit.plot.journeycompare", None),
    # deliverables
    "run_reports": ("cjkit.report.plan", "run_reports"),
    "to_excel": ("cjkit.report.export", None),
    "banner_table": ("cjkit.report.banner", None),
    "banner_to_excel": ("cjkit.report.banner", None),
    "banner_to_docx": ("cjkit.report.banner", None),
    "export_coding": ("cjkit.report.coding_export", None),
    "safe_quotes": ("cjkit.report.quotes", None),
    "export_pdf": ("cjkit.report.pdf", None),
    "export_deck": ("cjkit.report.deck", None),
    "style_html": ("cjkit.report.styling", None),
    # interactive coding and exploration in JupyterLab
    "coding_workbench": ("cjkit.workbench.widgets", None),
    "CodingSession": ("cjkit.workbench.session", None),
    "coding_agreement": ("cjkit.workbench.review", None),
    "coding_disagreements": ("cjkit.workbench.review", None),
    "consolidate_codings": ("cjkit.workbench.review", None),
    "CodebookEditor": ("cjkit.workbench.codebook_edit", None),
    "codebook_editor": ("cjkit.workbench.codebook_view", None),
    "explore": ("cjkit.workbench.explore", None),
}
# namespaces for the specialised sides
_NAMESPACES = {"paths": "cjkit.paths", "report": "cjkit.report"}

__all__ = sorted([*_API, *_NAMESPACES, "CjkitError", "ConfigError", "DataError", "ParameterError",
                  "__version__"])


def __getattr__(name: str):
    if name in _NAMESPACES:
        value = importlib.import_module(_NAMESPACES[name])
    elif name in _API:
        module, attr = _API[name]
        value = getattr(importlib.import_module(module), attr or name)
    else:
        raise AttributeError(f"module 'cjkit' has no attribute {name!r}")
    globals()[name] = value  # resolve once
    return value


def __dir__():
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # static analysers and IDEs see the real objects
    from cjkit.catalog.models import (  # noqa: F401
        crosswalk,
        get as journey_model,
        list_models as journey_models,
        phases as journey_phases,
    )
    from cjkit.catalog.personas import load_personas  # noqa: F401
    from cjkit.catalog.themefile import load_theme  # noqa: F401
    from cjkit.catalog.touchpoints import load as touchpoints  # noqa: F401
    from cjkit.coding.agreement import (  # noqa: F401
        agreement_table as coder_agreement,
        cohen_kappa,
        krippendorff_alpha,
    )
    from cjkit.coding.codebook import compose_codebooks, list_codebooks, load_codebook  # noqa: F401
    from cjkit.coding.industry import propose_industry  # noqa: F401
    from cjkit.coding.coder import code_indicators, code_texts  # noqa: F401
    from cjkit.coding.stream import code_file  # noqa: F401
    from cjkit.coding.scaleout import code_texts_dask  # noqa: F401
    from cjkit.coding.learn import LearningCoder  # noqa: F401
    from cjkit.privacy.pii import count_pii, find_pii, mask_pii  # noqa: F401
    from cjkit.coding.sentiment import fit_sentiment, score_sentiment  # noqa: F401
    from cjkit.coding.themes import discover_themes, themes_to_codebook  # noqa: F401
    from cjkit.io.infer import infer_spec, propose_spec, write_spec  # noqa: F401
    from cjkit.io.load import load  # noqa: F401
    from cjkit.io.readers import detect as detect_format, read as read_export  # noqa: F401
    from cjkit.io.readers.feedback import read as read_feedback  # noqa: F401
    from cjkit.io.spec import load_spec, to_long  # noqa: F401
    from cjkit.plot.charts import (  # noqa: F401
        alt_text,
        driver_plot,
        ipa_plot,
        nps_plot,
        painpoint_plot,
        persona_plot,
        satisfaction_plot,
        trend_plot,
    )
    from cjkit.plot.journeycompare import journey_comparison  # noqa: F401
    from cjkit.plot.journeymap import journey_map, journey_map_figure  # noqa: F401
    from cjkit.plot.theme import set_theme  # noqa: F401
    from cjkit.plot.value import persona_selection_plot, recommendation_plot, survival_plot, value_plot  # noqa: F401
    from cjkit.quality.ledger import summary as ledger_summary  # noqa: F401
    from cjkit.quality.validate import validate  # noqa: F401
    from cjkit.report.plan import run_reports  # noqa: F401
    from cjkit.report.coding_export import export_coding  # noqa: F401
    from cjkit.report.export import to_excel  # noqa: F401
    from cjkit.report.quotes import safe_quotes  # noqa: F401
    from cjkit.report.banner import banner_table, banner_to_docx, banner_to_excel  # noqa: F401
    from cjkit.report.deck import export_deck  # noqa: F401
    from cjkit.report.pdf import export_pdf  # noqa: F401
    from cjkit.report.styling import style_html  # noqa: F401
    from cjkit.report.study import Study, example_data, example_spec, example_study, open_study  # noqa: F401
    from cjkit.stats.compare import persona_comparison, wave_trend  # noqa: F401
    from cjkit.stats.disclosure import suppress_small_cells  # noqa: F401
    from cjkit.stats.personas_propose import propose_personas  # noqa: F401
    from cjkit.stats.recommend import recommendations, what_if  # noqa: F401
    from cjkit.stats.clv import customer_value, fit_bgnbd, fit_gamma_gamma, rfm_summary  # noqa: F401
    from cjkit.stats.customer_link import link_customers, repurchase_times  # noqa: F401
    from cjkit.stats.retention import churn_model, survival_curves  # noqa: F401
    from cjkit.stats.value import nps_group, value_at_stake  # noqa: F401
    from cjkit.stats.drivers import driver_diagnostics, key_drivers  # noqa: F401
    from cjkit.stats.ipa import importance_performance  # noqa: F401
    from cjkit.stats.metrics import metrics, nps  # noqa: F401
    from cjkit.stats.outofcore import scan_correlations, scan_metrics, scan_stats  # noqa: F401
    from cjkit.stats.painpoints import painpoint_method, rank_painpoints  # noqa: F401
    from cjkit.stats.columns import column_tests  # noqa: F401
    from cjkit.stats.significance import adjust_pvalues, chi2_independence, compare_groups  # noqa: F401
    from cjkit.stats.weighting import design_weights, effective_n, rake, weight_summary  # noqa: F401
    from cjkit.workbench.codebook_edit import CodebookEditor  # noqa: F401
    from cjkit.workbench.codebook_view import codebook_editor  # noqa: F401
    from cjkit.workbench.explore import explore  # noqa: F401
    from cjkit.workbench.review import coding_agreement, coding_disagreements, consolidate_codings  # noqa: F401
    from cjkit.workbench.session import CodingSession  # noqa: F401
    from cjkit.workbench.widgets import coding_workbench  # noqa: F401
    from cjkit import paths, report  # noqa: F401
