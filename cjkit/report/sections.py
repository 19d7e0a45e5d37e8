"""Report sections: the tables each report notebook shows, computed from a :class:`~cjkit.report.study.Study`.

Notebooks stay thin by calling these; each returns one tidy DataFrame with readable
labels in the report language next to the ids. :func:`write_key_figures` stores the
figures that tests and nbval check.
"""
from __future__ import annotations

import functools
import html
import inspect
import json
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown, display

from cjkit.catalog import i18n, models, touchpoints
from cjkit.catalog.i18n import check_lang as _check_lang
from cjkit.catalog.types import RATING_TYPES
from cjkit.coding.coder import code_texts
from cjkit.privacy.pii import mask_pii
from cjkit.coding.sentiment import agreement_with_rating, score_sentiment
from cjkit.errors import ParameterError
from cjkit.plot.charts import alt_text
from cjkit.quality import ledger as ledger_mod
from cjkit.report import quotes
from cjkit.report.methods import STRONG_RHO, WEAK_RHO
from cjkit.report.plan import RATING_ROLES, SECTIONS, section_status
from cjkit.report.study import Study, outcome_question
from cjkit.report.tables import CSS
from cjkit.stats import compare, drivers, ipa, metrics
from cjkit.stats.drivers import outcome_values
from cjkit.stats.painpoints import rank_painpoints


UNASSIGNED = "unassigned"  # touchpoint id of ratings and codes the spec assigns to no touchpoint


def _memoized(func):
    """A section computed once per study and options: the summary and the section itself share it."""
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(study, *args, **kwargs):
        bound = signature.bind(study, *args, **kwargs)
        bound.apply_defaults()  # segment_comparison(study) and (study, lang="de") are one question
        key = (func.__name__, *list(bound.arguments.items())[1:])
        try:
            hash(key)
        except TypeError:  # an option that is a table or list: computed each time
            return func(study, *args, **kwargs)
        if not isinstance(study, Study):
            return func(study, *args, **kwargs)
        return study.memo(key, lambda: func(study, *args, **kwargs)).copy()
    return wrapper


def _ratings(study: Study, roles=RATING_ROLES) -> pd.DataFrame:
    """The satisfaction ratings of the study with the given roles; a rating without a
    touchpoint is reported under "unassigned" (never dropped, never a NaN touchpoint)."""
    long = study.long
    out = long[long["role"].isin(roles) & long["type"].isin(RATING_TYPES)]
    # an outcome (role overall) rates the whole experience, not a touchpoint: it keeps no touchpoint
    rated = out["role"].isin(RATING_ROLES)
    return out.assign(touchpoint=out["touchpoint"].astype("string").mask(rated & out["touchpoint"].isna(), UNASSIGNED))


def _positive(study: Study, role: str = "overall"):
    return study.positive(role)


def section_shown(study: Study, section: str, *, lang: str = "de", heading: str | None = None,
                  note: str | None = None) -> bool:
    """Whether a report section has something to show; if not, say why in one line.

    Notebooks guard each section with it, so a survey without NPS, without open answers or
    without a second wave gets its report without that section and a note in its place.

    Parameters
    ----------
    study : Study
        The opened study.
    section : str
        A section name of :data:`cjkit.report.plan.SECTIONS` (``nps``, ``drivers``, ...).
    lang : {"de", "en"}
        Language of the note.
    heading : str, optional
        Label key of the section heading (``sec_nps``, ...), displayed first.
    note : str, optional
        Label key of a one-line explanation displayed under the heading when the section is shown.

    Returns
    -------
    bool
        True when the section can be shown; False after displaying the note.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study(wave="2026")
    >>> cj.report.section_shown(study, "nps", lang="en")
    True
    >>> cj.report.section_shown(study, "trend", lang="en")
    <IPython.core.display.Markdown object>
    False
    """
    if section not in SECTIONS:
        raise ParameterError("section", section, allowed=list(SECTIONS))
    row = section_status(study, lang=lang).set_index("section").loc[section]
    if heading is not None:
        display(subheading(heading, lang=lang, note=note if row["shown"] else None))
    if not row["shown"]:
        display(Markdown(f"*{i18n.label('section_omitted', lang)}: {row['reason']}.*"))
    return bool(row["shown"])


def add_labels(frame: pd.DataFrame, study: Study, *, lang: str = "de") -> pd.DataFrame:
    """Add ``phase_label``/``touchpoint_label`` columns in *lang* next to the id columns.

    Parameters
    ----------
    frame : DataFrame
        Any table with a ``phase`` and/or ``touchpoint`` column of ids.
    study : Study
        Gives the journey model (phase names) and the touchpoint catalog of the spec.
    lang : {"de", "en"}
        Label language.

    Returns
    -------
    DataFrame
        A copy of *frame* with the label columns; touchpoints unknown to the catalog keep their id.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> import pandas as pd
    >>> cj.report.add_labels(pd.DataFrame({"phase": ["retention"], "touchpoint": ["wifi"]}), study, lang="en")
           phase touchpoint phase_label touchpoint_label
    0  retention       wifi   Retention            Wi-Fi
    """
    _check_lang(lang)
    out = frame.copy()
    unassigned = i18n.label("unassigned", lang)
    if "phase" in out.columns:
        out["phase_label"] = (out["phase"].astype("string").map(models.phase_labels(study.model, lang))
                              .fillna(unassigned))
    if "touchpoint" in out.columns:
        labels = {**touchpoints.labels(lang, study.spec.catalog), UNASSIGNED: unassigned}
        tp = out["touchpoint"].astype("string")
        out["touchpoint_label"] = tp.map(labels).fillna(tp).fillna(unassigned)
    return out


@_memoized
def key_figures(study: Study) -> pd.DataFrame:
    """Headline figures: base sizes, overall satisfaction (mean, top-2-box), NPS, CES with CIs.

    Parameters
    ----------
    study : Study
        The opened study; the outcome questions are found by their spec role (``overall``,
        ``nps``) and the first CES question by its type.

    Returns
    -------
    DataFrame
        figure, value, ci_low, ci_high, n (one row per figure; rounded for display only by the caller).

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> cj.report.key_figures(study).round(2)
                     figure   value  ci_low  ci_high    n
    0     respondents_input  120.00     NaN      NaN  120
    1      respondents_kept  120.00     NaN      NaN  120
    2  respondents_in_scope  120.00     NaN      NaN  120
    3          overall_mean    3.50    3.33     3.67  120
    4          overall_top2    0.51    0.42     0.60  120
    5                   nps    1.04  -14.45    16.52  120
    """
    rows = [{"figure": "respondents_input", "value": float(study.n_input), "n": study.n_input},
            {"figure": "respondents_kept", "value": float(study.n_kept), "n": study.n_kept},
            {"figure": "respondents_in_scope", "value": float(len(study.wide)), "n": len(study.wide)}]
    present = set(study.long["question"])
    overall, nps = outcome_question(study.spec), outcome_question(study.spec, "nps")
    wanted = []
    if overall is not None and overall.id in present:
        if overall.positive is not None or not overall.is_scale:
            rows.append(_positive_share(study, overall.id))  # a labelled outcome: share positive
        else:
            wanted += [(overall.id, "mean"), (overall.id, "top2")]
    if nps is not None:
        wanted.append((nps.id, "nps"))
    wanted += [(q.id, "mean") for q in study.spec.questions if q.type == "ces"][:1]
    for qid, metric in wanted:
        if qid not in present or study.long.loc[study.long["question"] == qid, "value"].isna().all():
            continue
        m = metrics.metrics(study.long, by=["question"], questions=[qid], metrics=[metric], scales=study.scales)
        r = m.iloc[0]
        name = {"mean": f"{qid}_mean", "top2": f"{qid}_top2", "nps": "nps"}[metric]
        rows.append({"figure": name, "value": r["value"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                     "n": int(r["n"])})
    return pd.DataFrame(rows, columns=["figure", "value", "ci_low", "ci_high", "n"])


def _positive_share(study: Study, qid: str) -> dict:
    """Weighted share of positive answers of a labelled outcome, with a normal-approximation
    95 % interval on the Kish effective base (the weights widen the interval, not the share)."""
    y = outcome_values(study.long, outcome=qid, positive=_positive(study))
    rows = study.long[study.long["question"] == qid].drop_duplicates("respondent_id")
    w = pd.Series(rows["weight"].to_numpy(float), index=rows["respondent_id"].astype(str)).reindex(y.index)
    ok = y.notna()
    y, w = y[ok].to_numpy(float), w[ok].to_numpy(float)
    n = len(y)
    if n == 0:
        return {"figure": f"{qid}_positive_share", "value": np.nan, "n": 0}
    share = float(np.average(y, weights=w))
    n_eff = w.sum() ** 2 / (w ** 2).sum()
    half = 1.959963984540054 * np.sqrt(share * (1 - share) / n_eff)
    return {"figure": f"{qid}_positive_share", "value": share, "ci_low": max(0.0, share - half),
            "ci_high": min(1.0, share + half), "n": n}


def question_label(study: Study, qid: str, *, lang: str = "de") -> str:
    """A short name of a question in *lang*: its text (without a lead-in such as "How satisfied were
    you with:"); else its text as the questionnaire has it (a spec inferred from an export knows
    only that), else its column header, else the name of its question type; the id only when the
    spec says nothing."""
    q = next((q for q in study.spec.questions if q.id == qid), None)
    if q is None:
        return str(qid)
    text = (q.text if lang == "de" else q.text_en) or q.text or q.text_en
    if text:
        return text.rsplit(": ", 1)[-1].strip().rstrip("?").strip() or str(qid)
    if getattr(q, "column", None) and q.column != q.id:
        return str(q.column)
    key = f"qtype_{q.type}"
    return i18n.label_or(key, lang, str(qid))


def _item_labels(out: pd.DataFrame, study: Study, lang: str) -> pd.DataFrame:
    """Add ``item_label``: one chart row per question. A touchpoint rated by several questions
    is told apart by the question's short name (:func:`question_label`)."""
    if out.empty or "question" not in out.columns:
        return out.assign(item_label=out.get("touchpoint_label", pd.Series(dtype="string")))
    pairs = out[["touchpoint", "question"]].drop_duplicates()
    several = set(pairs.loc[pairs.duplicated("touchpoint", keep=False), "question"])
    names = {qid: question_label(study, qid, lang=lang) for qid in out["question"].dropna().unique()}
    qnames = out["question"].map(names).astype("string")
    label = out["touchpoint_label"].astype("string")
    label = label.where(~out["question"].isin(several), label + " – " + qnames)
    # questions not assigned to a touchpoint are named by themselves, not as "unassigned – ..."
    label = label.where(out["touchpoint"].astype("string").fillna(UNASSIGNED) != UNASSIGNED, qnames)
    # an outcome (e.g. overall satisfaction in a trend table) is no touchpoint: it is named by its question
    return out.assign(item_label=label.where(out["touchpoint"].notna(), qnames))


def touchpoint_scores(study: Study, *, lang: str = "de", metric: str = "mean") -> pd.DataFrame:
    """Score per touchpoint question in journey order, with CI, bases and base-rule flag.

    Parameters
    ----------
    study : Study
        The opened study; its driver ratings (likert, rating, csat) are scored.
    lang : {"de", "en"}
        Language of the label columns.
    metric : str
        Metric of :func:`cjkit.stats.metrics.metrics` (mean, top2, index, ...).

    Returns
    -------
    DataFrame
        phase, touchpoint, question, metric, value, ci_low, ci_high, n, n_weighted, n_effective,
        flag, phase_label, touchpoint_label, item_label (the touchpoint label, with the question id
        where a touchpoint has several questions: one chart row per question); sorted by phase,
        best first within a phase. Ratings without a touchpoint are under ``unassigned``.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> t = cj.report.touchpoint_scores(study, lang="en")
    >>> t[["touchpoint_label", "question", "value", "n"]].round(2)
      touchpoint_label     question  value    n
    0          Website   tp_website   3.43  120
    1          Booking   tp_booking   3.52  120
    2             Room      tp_room   3.48  120
    3         Check-in  tp_check_in   3.47  120
    4            Wi-Fi      tp_wifi   3.44  120
    """
    m = metrics.metrics(_ratings(study), by=["phase", "touchpoint", "question"], metrics=[metric],
                        scales=study.scales)
    m = m.sort_values(["phase", "value"], ascending=[True, False], na_position="last")
    return _item_labels(add_labels(m, study, lang=lang).reset_index(drop=True), study, lang)


def phase_scores(study: Study, *, lang: str = "de") -> pd.DataFrame:
    """Satisfaction index (0-100) per journey phase: the emotion curve of the journey map.

    Parameters
    ----------
    study : Study
        The opened study.
    lang : {"de", "en"}
        Language of ``phase_label``.

    Returns
    -------
    DataFrame
        phase, metric (``index``), value, ci_low, ci_high, n, n_weighted, n_effective, flag,
        phase_label; in the phase order of the journey model.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> cj.report.phase_scores(study, lang="en")[["phase", "phase_label", "value", "n"]].round(1)
               phase    phase_label  value    n
    0  consideration  Consideration   60.9  120
    1     conversion     Conversion   63.1  120
    2      retention      Retention   61.6  120
    """
    m = metrics.metrics(_ratings(study), by=["phase"], metrics=["index"], scales=study.scales)
    return add_labels(m.sort_values("phase"), study, lang=lang).reset_index(drop=True)


def driver_questions(study: Study, *, min_coverage: float = 0.75, max_drivers: int = 15) -> list[str]:
    """Driver ratings fit for a regression, best covered first.

    A driver must be answered by at least *min_coverage* of the respondents in scope
    (touchpoints few guests use would shrink the listwise sample), and at most *max_drivers*
    are kept (LMG is exponential in their number).

    Parameters
    ----------
    study : Study
        The opened study.
    min_coverage : float
        Least share of respondents in scope who answered the rating.
    max_drivers : int
        Most drivers returned.

    Returns
    -------
    list of str
        Question ids.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> cj.report.driver_questions(study)   # questionnaire order among equal coverage
    ['tp_website', 'tp_booking', 'tp_check_in', 'tp_room', 'tp_wifi']
    """
    d = _ratings(study, ("driver",))
    if d.empty:
        return []
    coverage = (d.groupby("question", observed=True)["value"].apply(lambda v: v.notna().mean())
                .sort_values(ascending=False, kind="stable"))  # ties keep the questionnaire's order
    return coverage[coverage >= min_coverage].index[:max_drivers].tolist()


def driver_table(study: Study, *, role: str = "overall", lang: str = "de", **kwargs) -> pd.DataFrame:
    """Key drivers of the outcome with *role*: coefficients, relative weights and LMG (both sum to R²).

    Parameters
    ----------
    study : Study
        The opened study.
    role : {"overall", "nps"}
        Spec role of the outcome question.
    lang : {"de", "en"}
        Language of the label columns.
    **kwargs
        Passed to :func:`driver_questions` (``min_coverage``, ``max_drivers``).

    Returns
    -------
    DataFrame
        The table of :func:`cjkit.stats.drivers.key_drivers` with phase_label and touchpoint_label.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> d = cj.report.driver_table(study, lang="en")
    >>> d[["driver", "touchpoint_label", "relative_weight_pct", "rank"]].round(1)
            driver touchpoint_label  relative_weight_pct  rank
    0      tp_room             Room                 43.6     1
    1  tp_check_in         Check-in                 29.8     2
    2   tp_website          Website                  9.6     3
    3   tp_booking          Booking                  9.2     4
    4      tp_wifi            Wi-Fi                  7.8     5
    """
    d = _key_drivers(study, study.outcome(role), driver_questions(study, **kwargs), _positive(study, role))
    return _driver_labels(add_labels(d, study, lang=lang), study, lang)


def _key_drivers(study: Study, outcome: str, questions, positive) -> pd.DataFrame:
    """One driver analysis per (study, outcome, drivers, positive answer), shared by every section."""
    return study.memo(("key_drivers", outcome, tuple(questions), positive),
                      lambda: drivers.key_drivers(study.long, outcome=outcome, drivers=list(questions),
                                                  positive=positive)).copy()


def _driver_labels(out: pd.DataFrame, study: Study, lang: str) -> pd.DataFrame:
    """``item_label`` of a driver table: the touchpoint, told apart by the question where needed."""
    if out.empty:
        return out.assign(item_label=pd.Series(dtype="string"))
    return _item_labels(out.assign(question=out["driver"]), study, lang).drop(columns="question")


def ipa_table(study: Study, *, role: str = "overall", lang: str = "de", **kwargs) -> pd.DataFrame:
    """Importance-performance per driver with quadrant names in *lang*.

    Parameters
    ----------
    study : Study
        The opened study.
    role : {"overall", "nps"}
        Spec role of the outcome question.
    lang : {"de", "en"}
        Language of the quadrant and label columns.
    **kwargs
        Passed to :func:`driver_questions`.

    Returns
    -------
    DataFrame
        The table of :func:`cjkit.stats.ipa.importance_performance` with the label columns.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> cj.report.ipa_table(study, lang="en")[["driver", "quadrant"]]
            driver           quadrant
    0      tp_room            keep_up
    1  tp_check_in            keep_up
    2   tp_website       low_priority
    3   tp_booking  possible_overkill
    4      tp_wifi       low_priority
    """
    # what cjkit.ipa computes, on the driver analysis the report has already made
    kd = _key_drivers(study, study.outcome(role), driver_questions(study, **kwargs), _positive(study, role))
    perf = metrics.metrics(study.long, by=["question"], questions=list(kd["driver"]), metrics=["mean"], weight="weight")
    out = ipa.importance_performance(kd, perf, importance="relative_weight_pct", metric="mean", lang=lang)
    return _driver_labels(add_labels(out, study, lang=lang), study, lang)


@_memoized
def segment_comparison(study: Study, *, segment_column: str | None = None, metric: str = "mean",
                       lang: str = "de") -> pd.DataFrame:
    """Score per segment and touchpoint next to the total, each segment tested against the rest.

    Parameters
    ----------
    study : Study
        The opened study.
    segment_column : str, optional
        Segment column; default the study's segment column (the first segment of the spec).
    metric : str
        mean, top2, bottom2, nps, ... (see :func:`cjkit.stats.compare.persona_comparison`).
    lang : {"de", "en"}
        Language of the label columns.

    Returns
    -------
    DataFrame
        The table of :func:`cjkit.stats.compare.persona_comparison` with the label columns and
        ``item_label`` (see :func:`touchpoint_scores`).

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> t = cj.report.segment_comparison(study, lang="en")
    >>> t[t["question"] == "tp_room"][["segment", "value", "difference_vs_rest", "significant"]].round(2)
       segment  value  difference_vs_rest  significant
    6  Familie   3.36               -0.22        False
    7     Paar   3.58                0.22        False
    """
    column = segment_column or study.scope.get("segment_column")
    if column is None or column not in study.long.columns:
        raise ParameterError("segment_column", column, allowed=list(study.spec.segments))
    out = compare.persona_comparison(_ratings(study), segment_column=column, by=["phase", "touchpoint", "question"], metric=metric,
                                     scales=study.scales)
    return _item_labels(add_labels(out, study, lang=lang), study, lang)


@_memoized
def trend_table(study: Study, *, role: str = "overall", metric: str = "mean", lang: str = "de") -> pd.DataFrame:
    """Outcome (role) and touchpoint scores per wave, with the change against the previous wave.

    Parameters
    ----------
    study : Study
        The opened study; the spec's ``wave`` column gives the waves.
    role : {"overall", "nps"}
        Spec role of the outcome shown next to the touchpoints.
    metric : str
        mean, top2, ... (see :func:`cjkit.stats.compare.wave_trend`).
    lang : {"de", "en"}
        Language of the label columns.

    Returns
    -------
    DataFrame
        The table of :func:`cjkit.stats.compare.wave_trend` with the label columns; empty
        when the study has fewer than two waves in scope.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> t = cj.report.trend_table(study, lang="en")
    >>> t[t["question"] == "tp_room"][["wave", "value", "change", "p_value"]].round(2)
       wave  value  change  p_value
    6  2025   3.54     NaN      NaN
    7  2026   3.42   -0.12     0.58
    >>> cj.report.trend_table(cj.example_study(wave="2026")).empty  # one wave: no trend
    True
    """
    wave = study.spec.wave
    if not wave or study.long[wave].nunique() < 2:
        return pd.DataFrame()
    out = compare.wave_trend(_ratings(study, ("driver", role)), wave_column=wave, by=["phase", "touchpoint", "question"], metric=metric, scales=study.scales)
    return _item_labels(add_labels(out, study, lang=lang), study, lang)


def ledger_table(study: Study) -> pd.DataFrame:
    """Data-quality ledger per check: what was excluded or flagged, and why.

    Parameters
    ----------
    study : Study
        The opened study.

    Returns
    -------
    DataFrame
        check, action, n_rows, n_entries, example_reason (no rows when every check passed).

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> t = cj.report.ledger_table(study)
    >>> list(t.columns), len(t)  # the synthetic survey passes every check
    (['check', 'action', 'n_rows', 'n_entries', 'example_reason'], 0)
    """
    return ledger_mod.by_check(study.ledger)


def _jsonable(v):
    if isinstance(v, (np.floating, float)):
        return None if np.isnan(v) else round(float(v), 6)
    if isinstance(v, (np.integer,)):
        return int(v)
    return v


def write_key_figures(figures: pd.DataFrame, output_dir, *, name: str = "key_figures.json") -> Path:
    """Write the key figures as JSON (``{figure: {value, ci_low, ci_high, n}}``) for tests and audits.

    Parameters
    ----------
    figures : DataFrame
        The table of :func:`key_figures`.
    output_dir : str or Path
        Folder; created if missing.
    name : str
        File name.

    Returns
    -------
    Path
        The written file.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> import json, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = cj.report.write_key_figures(cj.report.key_figures(study), tmp)
    ...     stored = json.loads(path.read_text(encoding="utf-8"))
    >>> stored["overall_mean"]["n"], round(stored["overall_mean"]["value"], 2)
    (120, 3.5)
    """
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = {r["figure"]: {k: _jsonable(r[k]) for k in figures.columns if k != "figure"}
            for r in figures.to_dict("records")}
    path = out / name
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


_TITLES = ("satisfaction", "painpoints", "journeymap", "explore", "value")  # label keys title_<kind>


def heading(study: Study, kind: str, *, lang: str = "de") -> HTML:
    """Report heading (survey title, scope, bases) as escaped HTML for the notebook.

    Parameters
    ----------
    study : Study
        The opened study.
    kind : {"satisfaction", "painpoints", "journeymap", "explore", "value"}
        Which report the heading introduces.
    lang : {"de", "en"}
        Language of the heading.

    Returns
    -------
    IPython.display.HTML
        Shown by the notebook when it is the cell's last value.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> print(cj.report.heading(study, "satisfaction", lang="en").data.split("</style>")[1])
    <h1>Satisfaction report: Example hotel survey (synthetic)</h1><p>Segment: <b>all</b> · Wave: <b>all</b> · Respondents: <b>120</b> · Journey model: ACCRA model</p>
    """
    _check_lang(lang)
    if kind not in _TITLES:
        raise ParameterError("kind", kind, allowed=list(_TITLES))
    title = i18n.label(f"title_{kind}", lang)
    scope = study.scope
    all_ = i18n.label("all", lang)
    seg = scope.get("segment") if scope.get("segment") not in (None, "", "all") else all_
    wave = scope.get("wave") if scope.get("wave") not in (None, "", "all") else all_
    words = tuple(i18n.labels(["segment", "wave", "respondents", "journey_model"], lang).values())
    model = models.get(study.model).name(lang)
    # the report's stylesheet comes with its heading, once (tables, tiles, notes)
    return HTML(f"<style>{CSS}</style>"
                f"<h1>{html.escape(title)}: {html.escape(study.spec.title or study.spec.survey)}</h1>"
                f"<p>{words[0]}: <b>{html.escape(str(seg))}</b>"
                f" · {words[1]}: <b>{html.escape(str(wave))}</b> · {words[2]}: "
                f"<b>{i18n.format_number(len(study.wide), lang=lang, decimals=0)}</b>"
                f" · {words[3]}: {html.escape(model)}</p>")


def format_figures(figures: pd.DataFrame, *, decimals: int = 2) -> str:
    """Key figures as a fixed-width text table with rounded values (stable for nbval).

    Parameters
    ----------
    figures : DataFrame
        The table of :func:`key_figures`.
    decimals : int
        Decimals of value and interval; empty where a figure has no interval.

    Returns
    -------
    str

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> print(cj.report.format_figures(cj.report.key_figures(study).iloc[2:4]))
                  figure  value ci_low ci_high   n
    respondents_in_scope 120.00                120
            overall_mean   3.50   3.33    3.67 120
    """
    shown = figures.copy()
    for col in ("value", "ci_low", "ci_high"):
        shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else f"{v:.{decimals}f}")
    return shown.to_string(index=False)


def save_figure(fig, output_dir, name: str) -> Path:
    """Save a figure as PNG (150 dpi) into *output_dir*.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    output_dir : str or Path
        Folder; created if missing.
    name : str
        File name without the ``.png`` suffix.

    Returns
    -------
    Path
        The written file.

    Examples
    --------
    >>> import tempfile
    >>> import cjkit as cj
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = cj.report.save_figure(fig, tmp, "empty")
    ...     saved = path.name, path.stat().st_size > 0
    >>> saved
    ('empty.png', True)
    """
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    fig.savefig(path, dpi=150, bbox_inches="tight")
    return path


def journey_map_data(study: Study, *, lang: str = "de") -> pd.DataFrame:
    """Satisfaction index (0-100) per phase x touchpoint, the cells of the journey map.

    Several rating questions on one touchpoint in one phase are averaged per respondent
    (each rescaled to 0-100), so every cell has one value whatever the scales.

    Parameters
    ----------
    study : Study
        The opened study.
    lang : {"de", "en"}
        Language of the label columns.

    Returns
    -------
    DataFrame
        phase, touchpoint, metric (``index``), value, ci_low, ci_high, n, ..., flag and the label
        columns; the input of :func:`cjkit.plot.journeymap.journey_map`.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> cj.report.journey_map_data(study, lang="en")[["phase", "touchpoint", "value", "n"]].round(1)
               phase touchpoint  value    n
    0  consideration    website   60.9  120
    1     conversion    booking   63.1  120
    2      retention   check_in   61.8  120
    3      retention       room   62.1  120
    4      retention       wifi   61.0  120
    """
    m = metrics.metrics(_ratings(study), by=["phase", "touchpoint"], metrics=["index"], scales=study.scales)
    # a map cell needs a phase; ratings without one are in touchpoint_scores, not on the map
    return add_labels(m[m["phase"].notna()].reset_index(drop=True), study, lang=lang)


def painpoint_table(study: Study, coded: pd.DataFrame | None = None, *, role: str = "overall",
                    lang: str = "de", **kwargs) -> pd.DataFrame:
    """Ranked pain points per phase x touchpoint, with the evidence for each.

    Low ratings, negative mentions in the coded open answers, driver impact and the effect on
    the outcome, with PII-masked example verbatims. Only touchpoints in the importance-performance
    "fix first" quadrant, or raised unprompted by many respondents, get a rank; every other
    touchpoint keeps its evidence and a status saying why it is no pain point
    (:func:`cjkit.painpoint_method` states the rule).

    Parameters
    ----------
    study : Study
        The opened study.
    coded : DataFrame, optional
        Coded open answers (:func:`coded_comments`); without them the ranking uses the ratings only.
    role : {"overall", "nps"}
        Spec role of the outcome.
    lang : {"de", "en"}
        Language of the label columns.
    **kwargs
        Passed to :func:`cjkit.stats.painpoints.rank_painpoints` (``level``, ``target``, ...).

    Returns
    -------
    DataFrame
        The table of :func:`cjkit.stats.painpoints.rank_painpoints`, ranked pain points first (by
        rank), then the other touchpoints by score, with the label columns and ``status_label``.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> coded = cj.report.coded_comments(study)
    >>> table = cj.report.painpoint_table(study, coded, lang="en")
    >>> table[["touchpoint", "status_label", "rank"]].head(3)
      touchpoint        status_label  rank
    0       room  Keep up the good work  <NA>
    1   check_in  Keep up the good work  <NA>
    2    website        Low priority  <NA>
    """
    q = outcome_question(study.spec, role)
    outcome = q.id if q is not None and q.id in set(study.long["question"]) else None
    positive = _positive(study, role)
    questions = driver_questions(study)
    # without an outcome (e.g. a comments-only feedback file) the ranking rests on the
    # low ratings and the negative mentions alone
    drv = _key_drivers(study, outcome, questions, positive) if outcome is not None and questions else None
    # CSAT items are touchpoint ratings like driver ratings: both count as low ratings
    long = study.long.assign(touchpoint=study.long["touchpoint"].astype("string").fillna(UNASSIGNED),
                             role=study.long["role"].replace({"csat": "driver"}))
    if coded is not None and len(coded):
        coded = coded.assign(touchpoint=coded["touchpoint"].astype("string").fillna(UNASSIGNED))
    ranked = rank_painpoints(long, coded=coded, driver_table=drv, outcome=outcome, positive=positive,
                             scales=study.scales, **kwargs)
    ranked = ranked.sort_values(["rank", "score"], ascending=[True, False], na_position="last", kind="stable")
    status = ranked["status"].astype("string")
    ranked["status_label"] = [i18n.label_or(f"painpoint_status_{s}", lang, s) for s in status.fillna("")]
    return add_labels(ranked.reset_index(drop=True), study, lang=lang)


def coded_comments(study: Study, *, codebook="default", lang: str = "de") -> pd.DataFrame:
    """Code every open answer of the study with the rule coder (codes, evidence spans, polarity).

    Parameters
    ----------
    study : Study
        The opened study; its ``open`` questions are coded, phases in the study's model.
    codebook : str, Path or dict
        Codebook id, file or mapping (see :func:`cjkit.coding.codebook.load_codebook`).
    lang : {"de", "en"}
        Language of ``code_label``.

    Returns
    -------
    DataFrame
        The coded-text frame of :func:`cjkit.coding.coder.code_texts`: one row per coded span.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> coded = cj.report.coded_comments(study, lang="en")
    >>> coded[["respondent_id", "code", "polarity"]].head(3)
      respondent_id          code  polarity
    0         r0002      check_in        -1
    1         r0002  waiting_time        -1
    2         r0004          room         1
    """
    texts = study.long[(study.long["type"] == "open") & study.long["text"].notna()]
    key = ("coded_comments", codebook if isinstance(codebook, (str, Path)) else id(codebook), lang)
    return study.memo(key, lambda: code_texts(texts, codebook, model=study.model,
                                              label_lang=_check_lang(lang))).copy()


def verbatims(study: Study, coded: pd.DataFrame, *, polarity: int | None = None, lang: str = "de",
              allow=quotes.DEFAULT_ALLOW, min_group: int = quotes.DEFAULT_MIN_GROUP) -> pd.DataFrame:
    """Open answers with their codes and evidence, safe to show in a report.

    Personal data in the texts is masked, answers that are the same after masking are shown
    once, no respondent id stands beside a quote, and segment columns appear only when
    ``allow`` names them and only for segments of at least ``min_group`` respondents
    (:func:`cjkit.report.quotes.safe_quotes`).

    Parameters
    ----------
    study : Study
        The opened study (gives the answer texts and the segment columns).
    coded : DataFrame
        Coded open answers (:func:`coded_comments`).
    polarity : {-1, 0, 1}, optional
        Keep only answers with at least one coded span of this polarity.
    lang : {"de", "en"}
        Report language (checked; the code labels come from *coded*).
    allow : sequence of str
        Columns that may stand beside a quote: any of question, codes, evidence, polarity and
        the study's segment columns (default: no segment column).
    min_group : int
        Segments with fewer respondents are shown as "(small group)" (default 10).

    Returns
    -------
    DataFrame
        text (masked), the allowed columns (codes "; "-joined, evidence "; "-joined matched spans,
        masked, polarity the mean of the spans), mentions.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> coded = cj.report.coded_comments(study, lang="en")
    >>> cj.report.verbatims(study, coded, polarity=-1, lang="en")[["codes", "polarity", "mentions"]].head(3)
                                          codes  polarity  mentions
    0  Check-in / arrival; Waiting time / speed      -1.0        20
    1    Wi-Fi / internet; Waiting time / speed      -1.0        22
    """
    _check_lang(lang)
    keys = ["respondent_id", "question"]
    spans = coded if polarity is None else coded[coded["polarity"] == polarity]
    per = (spans.groupby(keys, observed=True)
           .agg(codes=("code_label", lambda s: "; ".join(dict.fromkeys(s.astype(str)))),
                evidence=("evidence", lambda s: "; ".join(dict.fromkeys(s.astype(str)))),
                polarity=("polarity", "mean"))
           .reset_index())
    segs = [c for c in study.spec.segments if c in study.long.columns]
    texts = study.long.loc[study.long["type"] == "open", [*keys, "text", *segs]]
    out = per.merge(texts, on=keys, how="left")
    respondents = study.long.drop_duplicates("respondent_id")[segs]
    return quotes.safe_quotes(out, allow=allow, respondents=respondents, min_group=min_group, lang=lang)


def code_counts(study: Study, coded: pd.DataFrame, *, lang: str = "de") -> pd.DataFrame:
    """How often each code was mentioned, and with which polarity.

    Parameters
    ----------
    study : Study
        The opened study (gives the number of respondents who answered an open question).
    coded : DataFrame
        Coded open answers (:func:`coded_comments`).
    lang : {"de", "en"}
        Language of the label columns.

    Returns
    -------
    DataFrame
        code, code_label, phase, touchpoint, n_respondents (with the code), share (of all who
        answered the open question), negative, neutral, positive (respondents per polarity),
        plus the label columns; most frequent first.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> coded = cj.report.coded_comments(study, lang="en")
    >>> cj.report.code_counts(study, coded, lang="en")[["code", "n_respondents", "share", "negative"]].head(3).round(2)
               code  n_respondents  share  negative
    0  waiting_time             42   0.47        42
    1   cleanliness             26   0.29         0
    2          room             26   0.29         0
    """
    n_answered = study.long.loc[(study.long["type"] == "open") & study.long["text"].notna(), "respondent_id"].nunique()
    if coded.empty:
        return pd.DataFrame(columns=["code", "code_label", "phase", "touchpoint", "n_respondents", "share",
                                     "negative", "neutral", "positive"])
    pol = coded.assign(pol=coded["polarity"].map({-1: "negative", 0: "neutral", 1: "positive"}))
    counts = pol.pivot_table(index="code", columns="pol", values="respondent_id", aggfunc="nunique", fill_value=0)
    base = (coded.groupby("code", observed=True)
            .agg(code_label=("code_label", "first"), phase=("phase", "first"), touchpoint=("touchpoint", "first"),
                 n_respondents=("respondent_id", "nunique")))
    out = base.join(counts.reindex(columns=["negative", "neutral", "positive"], fill_value=0)).reset_index()
    out["share"] = out["n_respondents"] / n_answered if n_answered else np.nan
    out = out.sort_values("n_respondents", ascending=False, ignore_index=True)
    return add_labels(out[["code", "code_label", "phase", "touchpoint", "n_respondents", "share",
                           "negative", "neutral", "positive"]], study, lang=lang)


def sentiment_vs_rating(study: Study, *, role: str = "overall", lang: str = "de") -> pd.DataFrame:
    """Agreement of open-answer sentiment with the respondent's outcome rating.

    Displays the agreement in words: strong from Spearman's rho 0.5, moderate from 0.3, weak below
    0.3 (or with fewer than 30 pairs), and then a warning that the text sentiment is no stand-in for
    the rating. The sentence is also kept in ``attrs["summary"]``.

    Parameters
    ----------
    study : Study
        The opened study.
    role : {"overall", "nps"}
        Spec role of the rating compared with the sentiment.
    lang : {"de", "en"}
        Language of the sentence.

    Returns
    -------
    DataFrame
        metric (spearman_rho, p_value, exact_agreement, cohen_kappa, opposite), value, n; see
        :func:`cjkit.coding.sentiment.agreement_with_rating`.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> table = cj.report.sentiment_vs_rating(study, lang="en")
    <IPython.core.display.Markdown object>
    >>> table.attrs["summary"][:40]
    'Text sentiment and rating agree weakly ('
    >>> table.round(3)
                metric  value   n
    0     spearman_rho  0.052  90
    1          p_value  0.628  90
    2  exact_agreement  0.389  90
    3      cohen_kappa  0.056  90
    4         opposite  0.289  90
    """
    _check_lang(lang)
    texts = study.long[(study.long["type"] == "open") & study.long["text"].notna()]
    q = outcome_question(study.spec, role)
    if q is None or q.positive is not None or not q.is_scale:
        raise ParameterError("role", role, message=f"sentiment_vs_rating needs a numeric rating with role "
                                                   f"'{role}'; the spec has {'none' if q is None else repr(q.id)}")
    scores = score_sentiment(texts)
    qid = q.id
    rating = study.long.loc[study.long["question"] == qid].set_index("respondent_id")["value"]
    scale = study.scales[qid]
    out = agreement_with_rating(scores, scores["respondent_id"].map(rating).to_numpy(), scale=scale)
    v = out.set_index("metric")["value"]
    n = int(out["n"].iloc[0])
    rho = float(v["spearman_rho"]) if np.isfinite(v["spearman_rho"]) else 0.0
    strength = "strong" if rho >= STRONG_RHO else "moderate" if rho >= WEAK_RHO else "weak"
    if n < 30:
        strength = "weak"
    text = i18n.label("sentiment_agreement", lang).format(
        strength=i18n.label(f"agreement_{strength}", lang), rho=i18n.format_number(rho, lang=lang, decimals=2),
        exact=i18n.format_percent(v["exact_agreement"], lang=lang),
        opposite=i18n.format_percent(v["opposite"], lang=lang), n=i18n.format_number(n, lang=lang, decimals=0)) + "."
    if strength == "weak":
        text += " " + i18n.label("sentiment_weak_warning", lang)
    out.attrs["summary"] = text
    display(Markdown(text))
    return out


def subheading(key: str, *, lang: str = "de", note: str | None = None) -> HTML:
    """A section heading (and an optional one-line note) in the report language.

    Parameters
    ----------
    key : str
        Label key of the heading in :mod:`cjkit.catalog.i18n` (``sec_summary``, ``sec_nps``, ...).
    lang : {"de", "en"}
        Report language.
    note : str, optional
        Label key of a note shown under the heading.

    Returns
    -------
    IPython.display.HTML
        Escaped HTML; shown by the notebook when it is the cell's last value.

    Examples
    --------
    >>> import cjkit as cj
    >>> cj.report.subheading("sec_summary", lang="en").data
    '<h2>Executive summary</h2>'
    """
    text = f"<h2>{html.escape(i18n.label(key, lang))}</h2>"
    if note is not None:
        text += f'<p class="cj-note">{html.escape(i18n.label(note, lang))}</p>'
    return HTML(text)


def show_figure(fig, output_dir=None, name: str | None = None, *, alt: str | None = None, lang: str = "de"):
    """Show a figure in the report as an image with alt text, save it as PNG and close it.

    The image goes into the notebook as HTML with an ``alt`` attribute, so the HTML report
    describes every chart to screen readers (and nbconvert has no image without alt text).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    output_dir : str or Path, optional
        Folder for ``<name>.png`` (:func:`save_figure`); not saved without it.
    name : str, optional
        File name without ``.png``.
    alt : str, optional
        Alt text; default the one the chart set, else a description of its titles and axes
        (:func:`cjkit.plot.charts.alt_text`).
    lang : {"de", "en"}
        Language of a generated alt text.

    Returns
    -------
    str
        The alt text used.

    Examples
    --------
    >>> import cjkit as cj
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("NPS")
    >>> cj.report.show_figure(fig, lang="en")
    <IPython.core.display.HTML object>
    'Chart: NPS.'
    """
    import base64
    import io

    import matplotlib.pyplot as plt

    _check_lang(lang)
    text = alt or alt_text(fig, lang=lang)
    if output_dir is not None and name:
        save_figure(fig, output_dir, name)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    display(HTML(f'<img src="data:image/png;base64,{data}" alt="{html.escape(text, quote=True)}" '
                 f'style="max-width:100%;height:auto">'))
    plt.close(fig)  # shown once, as the image above; the inline backend does not show it again
    return text


def note(key: str, *, lang: str = "de") -> HTML:
    """A one-line note of the label catalog as escaped HTML (e.g. why a table is empty).

    Parameters
    ----------
    key : str
        Label key in :mod:`cjkit.catalog.i18n`.
    lang : {"de", "en"}
        Report language.

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> import cjkit as cj
    >>> cj.report.note("no_significant_change", lang="en").data
    '<p class="cj-note">No change against the previous wave is significant.</p>'
    """
    return HTML(f'<p class="cj-note">{html.escape(i18n.label(key, lang))}</p>')
