"""How a key figure is named and written: one label and one number format for every place.

A report's key figures (:func:`cjkit.report.sections.key_figures`, stored as
``key_figures.json``) are shown three times: as tiles in the report
(:func:`cjkit.report.tables.figure_tiles`), as a line in the run's ``index.html``
(:mod:`cjkit.report.manifest`) and in the key-figure table of the PowerPoint deck
(:mod:`cjkit.report.deck`). All three take the label and the formatted value from here, so a
figure reads the same wherever it appears.

A figure id is a catalog key (``respondents_in_scope``, ``nps``) or ``<question>_<metric>``.
The headline figures of the overall outcome and the CES question get their catalog names
(``Gesamtzufriedenheit (Mittelwert)``); which questions those are comes from the survey spec
(:func:`figure_roles`), by the rule of :func:`cjkit.report.study.outcome_question`. Any other
figure is named by its question id and the metric in words.

Examples
--------
>>> from cjkit.report.figuretext import figure_label, figure_roles, figure_value
>>> roles = figure_roles([{"id": "overall", "role": "overall"}, {"id": "effort", "type": "ces"}])
>>> figure_label("overall_mean", "en", roles=roles), figure_value("overall_mean", 3.4967, "en")
('Overall satisfaction (mean)', '3.50')
>>> figure_label("overall_top2", "de"), figure_value("overall_top2", 0.695, "de")
('Overall: Top-2-Box', '70\\xa0%')
>>> figure_label("nps", "de"), figure_value("nps", 12.54, "de")
('Net Promoter Score', '+13')
"""
from __future__ import annotations

from pathlib import Path

from cjkit.catalog import i18n

#: roles that make a question the overall outcome, in the order they are looked for
OUTCOME_ROLES = ("overall", "outcome")
#: figure ids (besides ``respondents*`` and ``n_*``) that count things: written without decimals
COUNTS = frozenset({"n", "conversions", "personas_proposed", "matched"})
#: figure-id endings whose values are shares (0..1), written as percentages
SHARE_SUFFIXES = ("_top2", "_bottom2", "_share", "_positive_share")
# (role, metric) -> catalog label of a headline figure
_ROLE_LABELS = {("overall", "mean"): "tile_overall_mean", ("overall", "top2"): "tile_overall_top2",
                ("overall", "positive_share"): "tile_positive_share", ("ces", "mean"): "tile_ces"}
_FIXED = {"nps": "tile_nps"}
_METRICS = ("positive_share", "mean", "top2", "bottom2", "index", "nps", "share")


def _get(question, key: str):
    return question.get(key) if isinstance(question, dict) else getattr(question, key, None)


def _questions(spec) -> list:
    """The question records of a spec file, its content, a loaded spec or a list of questions."""
    if spec is None:
        return []
    if isinstance(spec, (str, Path)):
        import yaml  # only the roles are read; the spec was validated where it was loaded

        try:
            spec = yaml.safe_load(Path(spec).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return []
    if isinstance(spec, dict):
        spec = spec.get("questions")
    elif hasattr(spec, "questions"):
        spec = spec.questions
    return [q for q in spec or [] if isinstance(q, dict) or hasattr(q, "id")]


def figure_roles(spec) -> dict:
    """Which questions the headline figures are about: question id -> ``"overall"`` or ``"ces"``.

    Parameters
    ----------
    spec : str, Path, dict, SurveySpec, list or None
        The survey spec (file, content or loaded) or its questions (dicts or ``Question``).
        An unreadable file or None gives no roles: figures are then named by their ids.

    Returns
    -------
    dict

    Examples
    --------
    >>> figure_roles({"questions": [{"id": "q1", "role": "csat"}, {"id": "q2", "type": "ces"}]})
    {'q1': 'overall', 'q2': 'ces'}
    """
    questions = _questions(spec)
    roles: dict = {}
    overall = next((q for r in OUTCOME_ROLES for q in questions if _get(q, "role") == r), None)
    csat = [q for q in questions if _get(q, "role") == "csat"]
    overall = overall if overall is not None else csat[0] if len(csat) == 1 else None
    if overall is not None:
        roles[str(_get(overall, "id"))] = "overall"
    ces = next((q for q in questions if _get(q, "type") == "ces"), None)
    if ces is not None:
        roles.setdefault(str(_get(ces, "id")), "ces")
    return roles


def _split(figure: str) -> tuple[str, str]:
    """(question id, metric) of ``<question>_<metric>``; ("", "") for other ids."""
    for metric in _METRICS:
        if figure.endswith(f"_{metric}") and len(figure) > len(metric) + 1:
            return figure[: -len(metric) - 1], metric
    return "", ""


def question_of(figure: str) -> str:
    """The question id of a ``<question>_<metric>`` figure; ``""`` for any other figure.

    Examples
    --------
    >>> question_of("overall_positive_share"), question_of("nps")
    ('overall', '')
    """
    return _split(str(figure))[0]


def figure_label(figure: str, lang: str = "de", *, roles: dict | None = None) -> str:
    """The label of a key figure in *lang*.

    Parameters
    ----------
    figure : str
        Key-figure id as in ``key_figures.json`` (``respondents_in_scope``, ``<question>_mean`` ...).
    lang : {"de", "en"}
    roles : dict, optional
        Question id -> role, from :func:`figure_roles`.

    Returns
    -------
    str

    Examples
    --------
    >>> figure_label("respondents_in_scope", "en"), figure_label("wait_index", "de")
    ('Respondents in the report', 'Wait: Index (0–100)')
    """
    i18n.check_lang(lang)
    figure = str(figure)
    if figure in _FIXED:
        return i18n.label(_FIXED[figure], lang)
    if figure in i18n.LABELS:
        return i18n.label(figure, lang)
    qid, metric = _split(figure)
    if not qid:
        return figure.replace("_", " ")
    role = (roles or {}).get(qid)
    if (role, metric) in _ROLE_LABELS:
        return i18n.label(_ROLE_LABELS[(role, metric)], lang)
    what = i18n.label_or(f"suffix_{metric}", lang, i18n.label_or(metric, lang, metric.replace("_", " ")))
    words = qid.replace("_", " ")
    return f"{words[:1].upper()}{words[1:]}: {what}"


def figure_kind(figure: str) -> str:
    """How a figure's number is written: ``count``, ``share``, ``nps`` or ``number``.

    Examples
    --------
    >>> [figure_kind(f) for f in ("respondents_kept", "overall_top2", "nps", "overall_mean")]
    ['count', 'share', 'nps', 'number']
    >>> [figure_kind(f) for f in ("n_journeys", "conversion_rate", "share_loop", "markov_email")]
    ['count', 'share', 'share', 'number']
    """
    figure = str(figure)
    if figure.startswith(("respondents", "n_")) or figure in COUNTS:
        return "count"
    if figure.endswith(SHARE_SUFFIXES) or figure.startswith("share_") or "_rate" in figure:
        return "share"
    if figure == "nps" or figure.endswith("_nps"):
        return "nps"
    return "number"


def figure_value(figure: str, value, lang: str = "de", *, locale: str | None = None) -> str:
    """A key figure's value (or an interval bound) as the reader sees it.

    Counts without decimals, shares as whole percentages, the NPS signed without decimals,
    other figures with two decimals, all in the locale's format (Babel).

    Parameters
    ----------
    figure : str
        Key-figure id; decides the format (:func:`figure_kind`).
    value : float or None
        None or NaN is shown as the catalog's missing mark.
    lang : {"de", "en"}
    locale : {"de_DE", "de_AT", "de_CH", "en_GB", "en_US"}, optional
        Regional number format.

    Returns
    -------
    str

    Examples
    --------
    >>> figure_value("respondents_in_scope", 1538.0, "de"), figure_value("overall_positive_share", 0.5, "en")
    ('1.538', '50%')
    """
    if value is None or value != value:
        return i18n.MISSING
    kind = figure_kind(figure)
    if kind == "share":
        return i18n.format_percent(value, lang=lang, locale=locale, decimals=0)
    decimals = 2 if kind == "number" else 0
    return i18n.format_number(value, lang=lang, locale=locale, decimals=decimals, sign=kind == "nps")
