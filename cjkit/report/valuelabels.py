"""Names and figures of the persona and value report: labels of its variables, amounts in a currency.

:func:`driver_labels` and :func:`variable_labels` name the variables a report shows (driver
questions by their touchpoint, other questions by their text, columns joined from outside the
survey by a small labels file) in the report language; :func:`format_money` writes an amount in
the run's currency the locale's way (Babel); :func:`value_key_figures` collects the report's key
figures with their labels for the run's index page and the deck.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from cjkit.catalog import i18n, touchpoints
from cjkit.catalog.config import read_yaml
from cjkit.errors import ConfigError, ParameterError
from cjkit.report.study import Study


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
    >>> from cjkit.report.valuelabels import format_money
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
