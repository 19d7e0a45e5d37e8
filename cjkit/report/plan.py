"""Which report sections a survey can fill, and the preflight of a batch run.

Surveys differ: one has no NPS question, another a yes/no outcome instead of an overall
rating, a feedback export has only comments and a star rating. The sections of a report
decide from the spec's roles (and, for segments and waves, from the data in scope) whether
they have something to show; a section without its inputs is omitted with a one-line note
saying why, never an empty chart or a traceback.

:data:`REPORTS` declares, per report notebook, the sections it shows and the *core*
sections of which at least one must be possible for the report to make sense.
:func:`preflight` checks every report of a batch run before any kernel starts: the spec,
the data, the values of ``lang``, ``journey_model``, ``segment_column``, ``segment`` and
``wave``, and which sections each report will omit.

Examples
--------
>>> import cjkit as cj
>>> status = cj.report.section_status(cj.example_study(), lang="en")
>>> status.set_index("section").loc[["nps", "drivers"], "shown"].tolist()
[True, True]
"""
from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd

from cjkit.catalog import i18n, models
from cjkit.catalog.types import RATING_TYPES
from cjkit.errors import CjkitError, ParameterError
from cjkit.report.batch import run_batch
from cjkit.report.grid import notebook_parameters
from cjkit.report.study import grid_values, open_study, outcome_question, run_context
from cjkit.stats.base import DEFAULT_SUPPRESS_N

#: Roles of the ratings scored per touchpoint (driver ratings and CSAT items).
RATING_ROLES = ("driver", "csat")

#: Every section a report can show (the reasons for omitting one are i18n keys ``why_no_*``).
SECTIONS = ("outcome", "touchpoint_scores", "nps", "drivers", "ipa", "segments", "trend", "comments",
            "sentiment", "painpoints", "journey_map")

#: Report notebook (file stem) -> the sections it shows and its core sections (at least one
#: of them must be possible, else the report is not run). Notebooks not listed here (e.g. the
#: journey-path report, which reads event logs) are not checked against a survey spec.
REPORTS = {
    "01_explore": {"sections": ("touchpoint_scores", "comments"), "core": ()},
    "10_satisfaction_report": {"sections": ("outcome", "touchpoint_scores", "nps", "drivers", "ipa",
                                            "segments", "trend"),
                               "core": ("outcome", "touchpoint_scores", "nps")},
    "20_pain_points": {"sections": ("comments", "painpoints", "ipa", "sentiment"), "core": ("painpoints",)},
    "30_journey_map": {"sections": ("journey_map", "painpoints"), "core": ("journey_map",)},
}


def _ratings(study) -> pd.DataFrame:
    long = study.long
    return long[long["role"].isin(RATING_ROLES) & long["type"].isin(RATING_TYPES)]


def _available(study) -> dict[str, str | None]:
    """Section -> None when it can be shown, else the i18n key of the reason."""
    spec = study.spec
    long = study.long
    ratings = _ratings(study)
    answered = ratings[ratings["value"].notna()]
    has_ratings = len(answered) > 0
    # a rating is shown from a base of DEFAULT_SUPPRESS_N answers: with no such question the
    # score sections would only hold suppressed cells
    shown_ratings = has_ratings and int(answered.groupby("question", observed=True).size().max()) >= DEFAULT_SUPPRESS_N
    outcome = outcome_question(spec)
    has_outcome = outcome is not None and outcome.id in set(long["question"])
    drivers = has_outcome and answered[answered["role"] == "driver"]["question"].nunique() > 0
    comments = bool(((long["type"] == "open") & long["text"].notna()).any())
    numeric_outcome = has_outcome and outcome.positive is None and outcome.is_scale
    nps = outcome_question(spec, "nps")
    seg_col = study.scope.get("segment_column")
    one_segment = study.scope.get("segment") not in (None, "", "all")
    segments = seg_col in study.wide.columns and study.wide[seg_col].nunique() >= 2
    wave = spec.wave
    trend = bool(wave) and wave in study.wide.columns and study.wide[wave].nunique() >= 2

    def need(ok: bool, key: str) -> str | None:
        return None if ok else key

    return {
        "outcome": need(has_outcome, "why_no_outcome"),
        "touchpoint_scores": need(has_ratings, "why_no_ratings") or need(shown_ratings, "why_small_bases"),
        "nps": need(nps is not None and long.loc[long["question"] == nps.id, "value"].notna().any(), "why_no_nps"),
        "drivers": need(drivers, "why_no_drivers"),
        "ipa": need(drivers, "why_no_drivers"),
        "segments": (need(has_ratings, "why_no_ratings") or need(not one_segment, "why_one_segment")
                     or need(bool(segments), "why_no_segments")),
        "trend": need(has_ratings, "why_no_ratings") or need(trend, "why_no_trend"),
        "comments": need(comments, "why_no_comments"),
        "sentiment": need(comments and numeric_outcome, "why_no_sentiment"),
        "painpoints": need(has_ratings or comments, "why_no_painpoints"),
        "journey_map": (need(has_ratings, "why_no_ratings") or need(shown_ratings, "why_small_bases")
                        or need(answered["phase"].notna().any(), "why_no_phases")),
    }


def section_status(study, *, lang: str = "de") -> pd.DataFrame:
    """Which report sections the study can fill, and why the others are omitted.

    Parameters
    ----------
    study : Study
        The opened study (:func:`cjkit.report.study.open_study`).
    lang : {"de", "en"}
        Language of the reasons.

    Returns
    -------
    DataFrame
        section, shown (bool), reason (empty where shown); one row per entry of :data:`SECTIONS`.

    Examples
    --------
    >>> import cjkit as cj
    >>> status = cj.report.section_status(cj.example_study(wave="2026"), lang="en")
    >>> status[~status["shown"]][["section", "reason"]].to_string(index=False)
    'section                             reason\\n  trend fewer than two waves in the report'
    """
    i18n.check_lang(lang)
    why = _available(study)
    return pd.DataFrame([{"section": name, "shown": why[name] is None,
                          "reason": "" if why[name] is None else i18n.label(why[name], lang)}
                         for name in SECTIONS])


def report_plan(study, notebook: str, *, lang: str = "de") -> dict:
    """What one report notebook will show for *study*.

    Parameters
    ----------
    study : Study
    notebook : str
        Notebook file stem, a key of :data:`REPORTS` (others: nothing is checked).
    lang : {"de", "en"}

    Returns
    -------
    dict
        ``run`` (False when none of the core sections is possible), ``reason`` (why not),
        ``omitted`` (list of ``(section, reason)``).

    Examples
    --------
    >>> import cjkit as cj
    >>> cj.report.report_plan(cj.example_study(wave="2025"), "10_satisfaction_report", lang="en")
    {'run': True, 'reason': '', 'omitted': [('trend', 'fewer than two waves in the report')]}
    """
    entry = REPORTS.get(notebook)
    if entry is None:
        return {"run": True, "reason": "", "omitted": []}
    status = section_status(study, lang=lang).set_index("section")
    omitted = [(s, status.loc[s, "reason"]) for s in entry["sections"] if not status.loc[s, "shown"]]
    core = entry["core"]
    run = not core or any(status.loc[s, "shown"] for s in core)
    reason = "" if run else "; ".join(dict.fromkeys(status.loc[s, "reason"] for s in core))
    return {"run": run, "reason": reason, "omitted": omitted}


def _check_value(wide: pd.DataFrame, column, value, name: str) -> None:
    """The scope filter's own check (open_study applies it), run on the unscoped data."""
    if value in (None, "", "all"):
        return
    if column is None or column not in wide.columns:
        raise ParameterError(name, column, allowed=list(wide.columns),
                             message=f"parameter '{name}': the data have no column {column!r} to filter on")
    values = wide[column].dropna().astype("string")
    if str(value) not in set(values):
        raise ParameterError(name, value, allowed=sorted(values.unique()),
                             message=f"parameter '{name}': no respondent has {column} = {value!r}; "
                                     f"values: {', '.join(sorted(values.unique())[:20])}")


def _defaults(notebook) -> dict:
    """The literal defaults of a notebook's parameters cell (``segment_column: str = "persona"``)."""
    out = {}
    if not Path(notebook).is_file():  # nothing to read; the batch runner refuses missing notebooks itself
        return out
    for name, p in notebook_parameters(notebook).items():
        try:
            out[name] = ast.literal_eval(p["default"])
        except (ValueError, SyntaxError):  # an expression, not a literal: the run must set it
            continue
    return out


def preflight(jobs) -> list[dict]:
    """Check every report of a batch run before any notebook runs.

    Checks ``lang``, ``journey_model``, the spec and its data, ``segment_column``,
    ``segment`` and ``wave`` against the data, and which sections each report omits.
    The spec and data are opened once per distinct ``(spec, data, segment_column)``.

    Parameters
    ----------
    jobs : list of Job
        The expanded jobs (:func:`cjkit.report.batch.expand_grid`).

    Returns
    -------
    list of dict
        Per job: ``name``, ``errors`` (messages naming the parameter; the run must stop),
        ``run`` (False: the report makes no sense for this survey), ``reason``, ``omitted``
        (list of ``(section, reason)``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import cjkit as cj
    >>> from cjkit.report.batch import Job
    >>> from cjkit.report.plan import preflight
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "answers.csv"
    ...     cj.example_data(40).to_csv(path, index=False)
    ...     params = {"spec": cj.example_spec(), "data": str(path), "lang": "fr", "segment": "Paar"}
    ...     checked = preflight([Job(Path("10_satisfaction_report.ipynb"), params, "r")])
    >>> checked[0]["errors"]
    ["parameter 'lang' got 'fr'; allowed: de, en"]
    """
    opened: dict = {}
    defaults: dict = {}
    out = []
    for job in jobs:
        if job.notebook.stem in REPORTS and job.notebook not in defaults:
            defaults[job.notebook] = _defaults(job.notebook)
        # what the notebook will use: its own defaults for the parameters the run leaves out
        p = {**defaults.get(job.notebook, {}), **job.parameters}
        row = {"name": job.name, "notebook": job.notebook.name, "errors": [], "run": True, "reason": "",
               "omitted": []}
        out.append(row)
        if job.notebook.stem not in REPORTS:
            continue
        lang = p.get("lang", "de")
        try:
            i18n.check_lang(lang)
        except ParameterError as err:
            row["errors"].append(str(err))
            lang = "en"
        model = p.get("journey_model") or None
        if model is not None and model not in models.list():
            row["errors"].append(f"parameter 'journey_model' got {model!r}; allowed: {', '.join(models.list())}")
            model = None
        if not p.get("spec"):
            row["errors"].append("parameter 'spec' is empty: name the survey spec (YAML)")
            continue
        key = (str(p["spec"]), str(p.get("data") or ""), str(p.get("segment_column") or ""), model)
        if key not in opened:
            try:
                opened[key] = open_study(p["spec"], data=p.get("data") or None, model=model,
                                         segment_column=p.get("segment_column") or None)
            except CjkitError as err:
                opened[key] = err
        study = opened[key]
        if isinstance(study, CjkitError):
            row["errors"].append(str(study))
            continue
        try:
            _check_value(study.wide, study.scope["segment_column"], p.get("segment"), "segment")
            _check_value(study.wide, study.spec.wave, p.get("wave"), "wave")
            study.positive()  # a labelled outcome's positive answer must occur in the data
        except CjkitError as err:
            row["errors"].append(str(err))
            continue
        # the sections are judged on the respondents of the report's own scope
        scoped = study.scoped(segment=p.get("segment", "all"), wave=p.get("wave", "all"))
        row.update(report_plan(scoped, job.notebook.stem, lang=lang))
    return out


def format_preflight(checked: list[dict]) -> str:
    """The preflight result as a plain-text table, one line per report (what the CLI prints).

    Parameters
    ----------
    checked : list of dict
        The result of :func:`preflight`.

    Returns
    -------
    str

    Examples
    --------
    >>> from cjkit.report.plan import format_preflight
    >>> print(format_preflight([{"name": "10_satisfaction_report__all", "errors": [], "run": True,
    ...                          "reason": "", "omitted": [("nps", "no NPS question")]}]))
    10_satisfaction_report__all  runs; omits nps (no NPS question)
    """
    width = max((len(r["name"]) for r in checked), default=0)
    lines = []
    for r in checked:
        if r["errors"]:
            what = "ERROR " + " | ".join(r["errors"])
        elif not r["run"]:
            what = f"not run: {r['reason']}"
        elif r["omitted"]:
            what = "runs; omits " + "; ".join(f"{s} ({why})" for s, why in r["omitted"])
        else:
            what = "runs; all sections"
        lines.append(f"{r['name']:<{width}}  {what}")
    return "\n".join(lines)


def run_reports(config, *, run: str | None = None, workers: int | None = None, force: bool = False,
                progress: bool = True, show_plan: bool = True) -> pd.DataFrame:
    """Run the reports of a run file on a survey: checked first, then executed with papermill.

    Before any notebook starts, every report is checked (:func:`preflight`): a wrong
    parameter value, spec or data stops the run with a message naming the parameter and the
    report (``index.html`` lists it too); reports a survey cannot fill are not run. ``'@values'``
    in the grid expands to the segment or wave values in the data, and the manifest records
    the data-quality ledger summary.

    Parameters
    ----------
    config : str, Path, dict or RunConfig
        The run file (``report.yaml``) or its content (see :func:`cjkit.report.batch.load_run`).
    run : str, optional
        Output folder name (default: the run file's ``run``).
    workers : int, optional
        Reports run in parallel (default: the run file's ``workers``).
    force : bool
        Rebuild reports that are up to date.
    progress : bool
        Show a progress bar.
    show_plan : bool
        Print the preflight table (one line per report: runs, omits ..., not run, ERROR).

    Returns
    -------
    DataFrame
        One row per report (see :func:`cjkit.report.batch.run_batch`), with ``notes`` on the
        sections each report omitted.

    Raises
    ------
    CjkitError
        When the preflight finds a problem; nothing has run then.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import cjkit as cj
    >>> notebooks = Path(cj.__file__).resolve().parent.parent / "notebooks"
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "spec.yaml").write_text("survey: hotel", encoding="utf-8")  # no questions yet
    ...     run = {"notebooks": [str(notebooks / "10_satisfaction_report.ipynb")], "output_root": tmp,
    ...            "parameters": {"spec": str(Path(tmp) / "spec.yaml"), "lang": "de"}}
    ...     try:
    ...         cj.run_reports(run, progress=False, show_plan=False)
    ...     except cj.CjkitError as err:
    ...         print(str(err).splitlines()[0][:40], (Path(tmp) / "run" / "index.html").is_file())
    preflight of 'run' found 1 problem(s), n True
    """
    def checked(jobs):
        result = preflight(jobs)
        if show_plan:
            print(format_preflight(result))
        return result

    return run_batch(config, run=run, workers=workers, force=force, progress=progress, values_of=grid_values,
                     context=run_context, preflight=checked)
