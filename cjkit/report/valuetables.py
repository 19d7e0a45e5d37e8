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

from pathlib import Path

import pandas as pd
from IPython.display import HTML

from cjkit.catalog import i18n, touchpoints
from cjkit.catalog.config import read_yaml
from cjkit.errors import ConfigError, ParameterError
from cjkit.report.htmltable import html_table
from cjkit.report.methods import min_stability
from cjkit.report.study import Study
from cjkit.report.tables import format_table

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


def driver_labels(study: Study, *, lang: str = "de") -> dict:
    """Readable names of the driver questions: the touchpoint each one rates, in *lang*.

    Parameters
    ----------
    study : Study
        The opened study (its questions and touchpoint catalog).
    lang : {"de", "en"}
        Label language.

    Returns
    -------
    dict
        question id -> touchpoint label (the question id when the question names no touchpoint).

    Examples
    --------
    >>> import cjkit as cj
    >>> cj.report.driver_labels(cj.example_study(), lang="en")["tp_wifi"]
    'Wi-Fi'
    """
    i18n.check_lang(lang)
    names = touchpoints.labels(lang, study.spec.catalog)
    return {q.id: names.get(q.touchpoint, q.id) if q.touchpoint else q.id
            for q in study.spec.questions if q.role == "driver"}


def check_currency(currency: str) -> str:
    """*currency* if Babel knows it as an ISO 4217 code, else a :class:`ParameterError`."""
    from babel.numbers import is_currency

    if not isinstance(currency, str) or not is_currency(currency):
        raise ParameterError("currency", currency, allowed="an ISO 4217 code such as EUR, CHF, GBP, USD")
    return currency


def format_money(x, currency: str = "EUR", *, lang: str = "de", locale: str | None = None) -> str:
    """An amount in whole currency units, written the locale's way (Babel): ``150.436 €``, ``€150,436``.

    Parameters
    ----------
    x : float
        The amount.
    currency : str
        ISO 4217 code (``EUR``, ``CHF``, ``USD`` ...).
    lang : {"de", "en"}
        Report language.
    locale : {"de_DE", "de_AT", "de_CH", "en_GB", "en_US"}, optional
        Regional format; default the locale of *lang*.

    Returns
    -------
    str

    Examples
    --------
    >>> from cjkit.report.valuetables import format_money
    >>> format_money(150436.19, "EUR", lang="de"), format_money(150436.19, "CHF", lang="en")
    ('150.436\\xa0€', 'CHF150,436')
    """
    from babel.numbers import format_currency

    if pd.isna(x):
        return i18n.MISSING
    return format_currency(x, check_currency(currency), locale=i18n.resolve_locale(lang, locale),
                           format="#,##0\xa0¤" if lang == "de" else "¤#,##0", currency_digits=False)


def variable_labels(study: Study, source=None, *, lang: str = "de") -> dict:
    """Readable names of the variables a persona proposal is built on, in *lang*.

    The study's catalog names its questions: a driver question by the touchpoint it rates, any
    other question by its text. Columns from outside the survey (a behaviour or CRM file joined
    to it) are named by *source*: a YAML file or a dict, ``column: {de: ..., en: ...}`` or
    ``column: text`` (one text for both languages).

    Parameters
    ----------
    study : Study
        The opened study.
    source : str, Path or dict, optional
        Names of the other columns.
    lang : {"de", "en"}
        Label language.

    Returns
    -------
    dict
        column -> label; columns without a name are left out (tables show them as they are).

    Raises
    ------
    ConfigError
        When *source* is not a mapping of columns to a text or to ``de``/``en`` texts; the message
        names the file and the column.

    Examples
    --------
    >>> import cjkit as cj
    >>> names = cj.report.variable_labels(cj.example_study(), {"mit_hund": {"de": "mit Hund", "en": "with a dog"}},
    ...                                   lang="en")
    >>> names["mit_hund"], names["tp_wifi"]
    ('with a dog', 'Wi-Fi')
    """
    i18n.check_lang(lang)
    names = {q.id: q.text for q in study.spec.questions if q.text}
    names.update(driver_labels(study, lang=lang))
    if source is None or source == {}:
        return names
    where = str(source) if isinstance(source, (str, Path)) else "<labels>"
    raw = read_yaml(Path(source)) if isinstance(source, (str, Path)) else source
    if not isinstance(raw, dict):
        raise ConfigError(f"expected a mapping of columns to labels, got {type(raw).__name__}", path=where)
    problems = []
    for column, value in raw.items():
        if isinstance(value, str):
            names[str(column)] = value
        elif isinstance(value, dict) and isinstance(value.get(lang), str):
            names[str(column)] = value[lang]
        else:
            problems.append((str(column), f"expected a text or texts under de and en, got {value!r}"))
    if problems:
        raise ConfigError.from_problems(problems, path=where)
    return names


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
        :func:`driver_labels`; ids without a name are shown as they are.
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
        Readable names of the driver questions (:func:`driver_labels`).
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


def value_key_figures(proposals, *, respondents: int, link_summary: pd.DataFrame | None = None,
                      stake: pd.DataFrame | None = None, lang: str = "de") -> pd.DataFrame:
    """The key figures of the persona and value report, labelled in the report language.

    Parameters
    ----------
    proposals : PersonaProposals
        :func:`~cjkit.propose_personas` (its ``k``).
    respondents : int
        Respondents in the report.
    link_summary : DataFrame, optional
        ``link.summary`` of :func:`~cjkit.link_customers` (its ``matched`` count of the survey side).
    stake : DataFrame, optional
        :func:`~cjkit.value_at_stake`: one figure per item, with its base.
    lang : {"de", "en"}
        Language of the ``label`` column.

    Returns
    -------
    DataFrame
        figure, value, n, label: the form :func:`~cjkit.report.write_key_figures`, the run's index
        page and the deck read.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> import cjkit as cj
    >>> f = cj.report.value_key_figures(SimpleNamespace(k=4), respondents=2945, lang="en")
    >>> f[["figure", "value", "label"]].values.tolist()
    [['personas_proposed', 4.0, 'Personas proposed'], ['respondents_in_scope', 2945.0, 'Respondents']]
    """
    i18n.check_lang(lang)
    rows = [("personas_proposed", float(proposals.k), None, i18n.label("fig_personas_proposed", lang)),
            ("respondents_in_scope", float(respondents), None, i18n.label("respondents", lang))]
    if link_summary is not None and len(link_summary):
        rows.append(("matched", float(link_summary["matched"].iloc[0]), None, i18n.label("fig_matched", lang)))
    for r in (stake.itertuples() if stake is not None else []):
        rows.append((f"value_at_stake_{r.item}", round(float(r.value_at_stake), 2), int(r.n), str(r.label)))
    return pd.DataFrame(rows, columns=["figure", "value", "n", "label"])
