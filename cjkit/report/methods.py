"""The methods appendix: the rules and thresholds behind every generated sentence and marker.

The executive summary (:mod:`cjkit.report.summary`) and the formatted tables
(:mod:`cjkit.report.tables`) decide with the thresholds defined here what counts as
"significant", which figures are marked as resting on a low base and how many pain points the
summary names. :func:`methods_appendix` states them in the report language, with the numbers
read from the same constants, so the appendix cannot drift from what the report did.

Each paragraph is one entry of :data:`METHODS`: ``id -> (topic label key, text label key,
values)``; further methods add an entry (and their two label keys in
:mod:`cjkit.catalog.i18n`) and appear in every report's appendix.
"""
from __future__ import annotations

import html
import inspect

import pandas as pd
from IPython.display import HTML

from cjkit.catalog import i18n
from cjkit.errors import ParameterError
from cjkit.paths.shapley import shapley_attribution
from cjkit.stats.base import DEFAULT_MIN_N, DEFAULT_SUPPRESS_N
from cjkit.stats.painpoints import painpoint_method
from cjkit.stats.personas_propose import propose_personas

#: Significance level of every test a report marks (after Holm's correction).
ALPHA = 0.05
#: How many pain points the executive summary names.
TOP_PAINPOINTS = 3
#: How many significant persona differences the executive summary names at most.
TOP_SEGMENT_DIFFERENCES = 3
#: Spearman's rho below this: text sentiment and rating agree weakly.
WEAK_RHO = 0.3
#: From this rho on: strong agreement.
STRONG_RHO = 0.5


def _number(x, lang: str, decimals: int = 2) -> str:
    return i18n.format_number(x, lang=lang, decimals=decimals)


def min_stability() -> float:
    """The stability a number of personas needs (the default of :func:`~cjkit.propose_personas`).

    Read from the function itself, so the appendix and the summary cannot drift from the rule.

    Returns
    -------
    float

    Examples
    --------
    >>> min_stability()
    0.8
    """
    return float(inspect.signature(propose_personas).parameters["min_stability"].default)


#: id -> (topic label key, text label key, function lang -> values for the text's placeholders)
METHODS: dict[str, tuple[str, str, object]] = {
    "base_rule": ("method_topic_base_rule", "method_base_rule",
                  lambda lang: {"min_n": DEFAULT_MIN_N, "suppress_n": DEFAULT_SUPPRESS_N}),
    "ci": ("method_topic_ci", "method_ci", lambda lang: {}),
    "weighting": ("method_topic_weighting", "method_weighting", lambda lang: {}),
    "significance": ("method_topic_significance", "method_significance",
                     lambda lang: {"alpha": _number(ALPHA, lang)}),
    "index": ("method_topic_index", "method_index", lambda lang: {"suppress_n": DEFAULT_SUPPRESS_N}),
    "painpoints": ("method_topic_painpoints", "method_painpoints",
                   lambda lang: {"top": TOP_PAINPOINTS, "method": painpoint_method(lang=lang).replace("\n\n", " ")}),
    "sentiment": ("method_topic_sentiment", "method_sentiment",
                  lambda lang: {"weak": _number(WEAK_RHO, lang, 1), "strong": _number(STRONG_RHO, lang, 1)}),
    # the persona and value report
    "persona_k": ("method_topic_persona_k", "method_persona_k",
                  lambda lang: {"min_ari": _number(min_stability(), lang, 1)}),
    "expected_gain": ("method_topic_expected_gain", "method_expected_gain", lambda lang: {}),
    "clv": ("method_topic_clv", "method_clv", lambda lang: {}),
    "value_at_stake": ("method_topic_value_at_stake", "method_value_at_stake", lambda lang: {}),
    # the journey-path report
    "path_markov": ("method_topic_path_markov", "method_path_markov", lambda lang: {}),
    "path_shapley": ("method_topic_path_shapley", "method_path_shapley",
                     lambda lang: {"max_exact": inspect.signature(shapley_attribution).parameters["max_exact"].default}),
    "path_funnel": ("method_topic_path_funnel", "method_path_funnel", lambda lang: {}),
    "path_order": ("method_topic_path_order", "method_path_order", lambda lang: {}),
}
#: The topics of the journey-path report's appendix.
PATH_TOPICS = ("path_markov", "path_shapley", "path_funnel", "path_order")
#: The topics of the survey reports (satisfaction, pain points, journey map): the default appendix.
SURVEY_TOPICS = ("base_rule", "ci", "weighting", "significance", "index", "painpoints", "sentiment")


def methods_appendix(*, lang: str = "de", topics=None, coding: str = "") -> pd.DataFrame:
    """The methods appendix: one paragraph per rule, with the thresholds the report applied.

    Parameters
    ----------
    lang : {"de", "en"}
        Language of the texts.
    topics : list of str, optional
        Ids of :data:`METHODS` to include, in this order; default the survey reports' topics
        (:data:`SURVEY_TOPICS`); the persona and value report names its own (``persona_k``,
        ``expected_gain``, ``clv``, ``value_at_stake``), the journey-path report those of
        :data:`PATH_TOPICS`.
    coding : str
        The sentence saying which codebooks coded the open answers
        (:func:`cjkit.report.sections.comments.coding_note`); added as its own paragraph when given.

    Returns
    -------
    DataFrame
        method (id), topic (heading in *lang*), text (the paragraph in *lang*).

    Examples
    --------
    >>> import cjkit as cj
    >>> m = cj.report.methods_appendix(lang="en", topics=["significance", "base_rule"])
    >>> m["topic"].tolist()
    ['Significance', 'Bases']
    >>> m["text"].iloc[0][:40]
    "Significant means p < 0.05 after Holm's "
    """
    i18n.check_lang(lang)
    chosen = list(SURVEY_TOPICS if topics is None else topics)
    unknown = [t for t in chosen if t not in METHODS]
    if unknown:
        raise ParameterError("topics", unknown, allowed=list(METHODS))
    rows = []
    for method in chosen:
        topic, text, values = METHODS[method]
        rows.append({"method": method, "topic": i18n.label(topic, lang),
                     "text": i18n.label(text, lang).format(**values(lang))})
    if coding:
        rows.append({"method": "coding", "topic": i18n.label("method_topic_coding", lang), "text": coding})
    return pd.DataFrame(rows, columns=["method", "topic", "text"])


def methods_html(appendix: pd.DataFrame) -> HTML:
    """The appendix as a definition list (escaped HTML) for the end of a report.

    Parameters
    ----------
    appendix : DataFrame
        The table of :func:`methods_appendix`.

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> import cjkit as cj
    >>> print(cj.report.methods_html(cj.report.methods_appendix(lang="en", topics=["ci"])).data[:38])
    <dl class="cj-methods"><dt>Confidence
    """
    items = "".join(f"<dt>{html.escape(t)}</dt><dd>{html.escape(x)}</dd>"
                    for t, x in zip(appendix["topic"], appendix["text"]))
    return HTML(f'<dl class="cj-methods">{items}</dl>')
