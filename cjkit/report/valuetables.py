"""The persona and value report as a deliverable: its tables and its summary in words.

:func:`value_table` turns each result table of the persona and value notebook (persona
selection, distinguishing answers, quotes, recommendations, what-if, customer link, CLV
parameters, rebooking model, value at stake) into a formatted table of
:func:`~cjkit.report.tables.format_table`: readable labels instead of ids, numbers in the
locale's format, yes/no words, percentages, no row index. :func:`value_summary` states the
findings in sentences computed from the same tables. The raw tables stay what the notebook saves
as CSV for analysts.
"""
from __future__ import annotations


import pandas as pd
from IPython.display import HTML

from cjkit.catalog import i18n
from cjkit.errors import ParameterError
from cjkit.report.htmltable import html_table
from cjkit.report.methods import min_stability
from cjkit.report.tables import format_table
from cjkit.report.valuelabels import check_currency, format_money

#: kind -> the columns shown, in order (after :func:`value_table` added its label columns)
VALUE_KINDS = {
    "persona_selection": ["k", "silhouette", "stability_ari", "stable", "chosen"],
    "persona_sizes": ["proposal", "n", "share"],
    "persona_crosstab": None,  # proposal, then one count column per persona of the survey
    "distinguishing": ["proposal", "variable_label", "level", "proposal_value", "rest_value", "effect_size", "n"],
    "quotes": ["proposal", "text"],
    "recommendations": ["segment", "rank", "touchpoint_label", "current", "target", "expected_gain", "ci",
                        "complaints", "n"],
    "what_if": ["segment", "touchpoint_label", "current", "new", "predicted_change"],
    "customer_link": ["side_label", "n", "matched", "unmatched"],
    "clv_parameters": ["model_label", "parameter", "estimate", "log_likelihood", "n"],
    "churn_model": ["term_label", "ratio", "ci", "p_value", "n", "events"],
    "value_at_stake": ["stake_label", "n", "rate", "base_value", "value_at_stake"],
}


def _labelled(frame: pd.DataFrame, kind: str, labels: dict, lang: str, locale) -> pd.DataFrame:
    out = frame.reset_index(drop=True).copy()
    if kind == "persona_crosstab":
        # a crosstab of proposals (rows) and the survey's personas (columns): counts as text in the locale
        out = out.rename(columns={out.columns[0]: "proposal"}) if "proposal" not in out.columns else out
        for col in out.columns[1:]:
            out[col] = [i18n.format_number(x, lang=lang, locale=locale, decimals=0) for x in out[col]]
    if kind == "distinguishing":
        out["variable_label"] = out["variable"].map(lambda v: labels.get(v, v))
        out = out.rename(columns={"value": "proposal_value"})
    if "driver" in out.columns:
        total = i18n.label("total_outcome", lang)
        out["touchpoint_label"] = out["driver"].map(lambda d: total if d == "total" else labels.get(d, d))
    if kind == "customer_link":
        out["side_label"] = out["side"].map(lambda s: i18n.label_or(f"side_{s}", lang, s))
    if kind == "clv_parameters":
        out["model_label"] = out["model"].map(lambda m: i18n.label_or(f"model_{m}", lang, m))
        out = out.rename(columns={"value": "estimate"})
    if kind == "churn_model":
        out["term_label"] = out["term"].map(lambda t: i18n.label_or(str(t).split("=")[-1], lang, t))
    if kind == "value_at_stake":
        out["stake_label"] = out["label"]
    return out


def value_table(frame: pd.DataFrame, kind: str, *, labels: dict | None = None, lang: str = "de",
                locale: str | None = None, decimals: int = 2, currency: str = "EUR") -> HTML:
    """A table of the persona and value report, formatted for the reader in one language.

    Parameters
    ----------
    frame : DataFrame
        The raw table: ``proposals.selection``, ``proposals.distinguishing()``, ``proposals.quotes``,
        :func:`~cjkit.recommendations`, :func:`~cjkit.what_if`, ``link.summary``, the BG/NBD and
        Gamma-Gamma parameters, :func:`~cjkit.churn_model`, :func:`~cjkit.value_at_stake`.
    kind : str
        Which table it is: a key of :data:`VALUE_KINDS`.
    labels : dict, optional
        Readable names of ids (driver questions, persona characteristics), e.g. from
        :func:`~cjkit.report.valuelabels.driver_labels`; ids without a name are shown as they are.
    lang : {"de", "en"}
        Language of headers, words and number formats.
    locale : {"de_DE", "de_AT", "de_CH", "en_GB", "en_US"}, optional
        Regional number format; default the locale of *lang*.
    decimals : int
        Decimals of scores, gains and intervals.
    currency : str
        ISO 4217 code of the amounts in the value-at-stake table (``EUR``, ``CHF``, ``USD`` ...).

    Returns
    -------
    IPython.display.HTML
        The table; under the value-at-stake table its assumptions, one line each.

    Examples
    --------
    >>> import pandas as pd
    >>> import cjkit as cj
    >>> sel = pd.DataFrame({"k": [2, 3], "silhouette": [0.3317, 0.3723], "stability_ari": [1.0, 0.7846],
    ...                     "stable": [True, False], "chosen": [True, False]})
    >>> t = cj.report.value_table(sel, "persona_selection", lang="de").data
    >>> "0,37" in t and "nein" in t and "Stabilität (ARI)" in t and "True" not in t
    True
    """
    i18n.check_lang(lang)
    if kind not in VALUE_KINDS:
        raise ParameterError("kind", kind, allowed=list(VALUE_KINDS))
    data = _labelled(frame, kind, labels or {}, lang, locale)
    if kind == "value_at_stake":
        return _stake_table(data, currency, lang, locale)
    columns = VALUE_KINDS[kind] if VALUE_KINDS[kind] is not None else list(data.columns)
    return format_table(data, lang=lang, locale=locale, columns=columns, decimals=decimals)


def _stake_table(data: pd.DataFrame, currency: str, lang: str, locale) -> HTML:
    """Value at stake with its amounts in *currency*, and its assumptions under the table."""
    check_currency(currency)
    money = {"base_value": "col_base_value_amount", "value_at_stake": "col_value_at_stake_amount"}
    cells, numeric = {}, []
    for col in VALUE_KINDS["value_at_stake"]:
        if col not in data.columns:
            continue
        key = money.get(col) or {"stake_label": "col_stake_item", "n": "col_base", "rate": "col_rate"}[col]
        header = i18n.label(key, lang)
        if col in money:
            cells[header] = [format_money(x, currency, lang=lang, locale=locale) for x in data[col]]
        elif col == "n":
            cells[header] = [i18n.format_number(x, lang=lang, locale=locale, decimals=0) for x in data[col]]
        elif col == "rate":
            cells[header] = [i18n.format_percent(x, lang=lang, locale=locale, decimals=0) for x in data[col]]
        else:
            cells[header] = [str(x) for x in data[col]]
        if col != "stake_label":
            numeric.append(header)
    notes = data["assumption"].dropna().astype(str).tolist() if "assumption" in data.columns else []
    return html_table(pd.DataFrame(cells), numeric=numeric, legend=notes)


def value_summary(selection: pd.DataFrame, recommendations: pd.DataFrame, stake: pd.DataFrame | None = None, *,
                  labels: dict | None = None, lang: str = "de", locale: str | None = None,
                  currency: str = "EUR") -> pd.DataFrame:
    """The findings of the persona and value report in sentences, each with its numbers.

    Parameters
    ----------
    selection : DataFrame
        ``proposals.selection`` (k, silhouette, stability_ari, stable, chosen).
    recommendations : DataFrame
        :func:`~cjkit.recommendations`: each persona's first touchpoint is named.
    stake : DataFrame, optional
        :func:`~cjkit.value_at_stake`; without it the summary has no value sentence.
    labels : dict, optional
        Readable names of the driver questions (:func:`~cjkit.report.valuelabels.driver_labels`).
    lang : {"de", "en"}
        Language of the sentences.
    locale : {"de_DE", "de_AT", "de_CH", "en_GB", "en_US"}, optional
        Number format; default the locale of *lang*.
    currency : str
        ISO 4217 code of the value at stake (``EUR``, ``CHF``, ``USD`` ...).

    Returns
    -------
    DataFrame
        topic (personas, recommendations, value), topic_label, text, value, n; shown with
        :func:`~cjkit.report.summary_html`.

    Examples
    --------
    >>> import pandas as pd
    >>> import cjkit as cj
    >>> sel = pd.DataFrame({"k": [2, 3], "silhouette": [0.31, 0.37], "stability_ari": [1.0, 0.95],
    ...                     "stable": [True, True], "chosen": [False, True]})
    >>> rec = pd.DataFrame({"segment": ["A"], "driver": ["tp_wifi"], "rank": [1], "expected_gain": [0.2],
    ...                     "ci_low": [0.14], "ci_high": [0.27], "n": [525]})
    >>> cj.report.value_summary(sel, rec, labels={"tp_wifi": "Wi-Fi"}, lang="en")["text"].iloc[1]
    'A: improve Wi-Fi first – expected gain +0.20 (95% CI 0.14 to 0.27; n = 525).'
    """
    i18n.check_lang(lang)
    check_currency(currency)
    labels = labels or {}

    def num(x, d=2, sign=False):
        return i18n.format_number(x, lang=lang, locale=locale, decimals=d, sign=sign)

    chosen = selection[selection["chosen"].astype(bool)].iloc[0]
    rows = [("personas", i18n.label("sum_value_personas", lang).format(
        k=int(chosen["k"]), min_ari=num(min_stability(), 1), silhouette=num(chosen["silhouette"])),
        int(chosen["k"]), pd.NA)]
    first = recommendations[recommendations["rank"] == 1]
    for _, r in first.iterrows():
        text = i18n.label("sum_value_recommendation", lang).format(
            segment=r["segment"], driver=labels.get(r["driver"], r["driver"]), gain=num(r["expected_gain"], sign=True),
            low=num(r["ci_low"]), high=num(r["ci_high"]), n=num(r["n"], 0))
        rows.append(("recommendations", text, float(r["expected_gain"]), int(r["n"])))
    if stake is not None:
        for _, r in stake.iterrows():
            amount = format_money(r["value_at_stake"], currency, lang=lang, locale=locale)
            rows.append(("value", i18n.label("sum_value_stake", lang).format(label=r["label"], value=amount,
                                                                              n=num(r["n"], 0)),
                         float(r["value_at_stake"]), int(r["n"])))
    out = pd.DataFrame(rows, columns=["topic", "text", "value", "n"])
    out.insert(1, "topic_label", [i18n.label(f"sum_topic_{t}", lang) for t in out["topic"]])
    return out

