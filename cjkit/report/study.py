"""A study: one survey loaded, validated and scoped, ready for the report notebooks.

This is the one place with real state (the loaded data and its ledger), so it is a
small dataclass; everything else in cjkit stays functions. Notebooks call
:func:`open_study` with their parameters and hand ``study.long`` to the measure
functions.

Examples
--------
>>> import cjkit as cj
>>> study = cj.example_study()  # a small synthetic hotel survey, built in memory
>>> study.summary()
      measure    n
0  input_rows  120
1        kept  120
2    in_scope  120
"""
from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from cjkit.quality import ledger as ledger_mod
from cjkit.catalog import models
from cjkit.errors import ConfigError, ParameterError
from cjkit.io.load import load
from cjkit.io.spec import SurveySpec, load_spec
from cjkit.report import snapshot

log = logging.getLogger("cjkit.report.study")
ALL = "all"


#: Roles of an overall outcome, in the order they are looked for.
OUTCOME_ROLES = ("overall", "outcome")


def outcome_question(spec, role: str = "overall"):
    """The spec's outcome question with *role*, or None.

    ``role="overall"`` also finds a question with role ``outcome`` (e.g. a labelled yes/no
    outcome with ``positive:``), and a single CSAT question (role ``csat``) when the survey has
    nothing else.

    Parameters
    ----------
    spec : str, Path, dict or SurveySpec
    role : {"overall", "nps"}

    Returns
    -------
    Question or None

    Examples
    --------
    >>> import cjkit as cj
    >>> from cjkit.report.study import outcome_question
    >>> outcome_question(cj.example_spec()).id, outcome_question(cj.example_spec(), "nps").id
    ('overall', 'recommend')
    """
    spec = load_spec(spec)
    roles = OUTCOME_ROLES if role in OUTCOME_ROLES else (role,)
    for r in roles:
        found = spec.questions_with(role=r)
        if found:
            return found[0]
    csat = spec.questions_with(role="csat")
    if role in OUTCOME_ROLES and len(csat) == 1:
        return csat[0]
    return None


@dataclass(repr=False)  # the default repr would print both data frames
class Study:
    """A loaded survey: spec, kept respondents (wide and long), the ledger and the scope.

    Made by :func:`open_study`; the notebooks hand it to the :mod:`cjkit.report` sections and
    ``study.long`` to the measure functions.

    Parameters
    ----------
    spec : dict
        The completed spec (:func:`cjkit.io.spec.load_spec`).
    data_path : Path
        The data file that was read.
    wide, long : DataFrame
        Respondents in scope: one row per respondent, and one row per respondent x question.
    ledger : DataFrame
        Data-quality ledger of the whole input (before the scope filter).
    n_input, n_kept : int
        Rows read, and respondents kept after the quality checks.
    scope : dict
        ``segment_column``, ``segment`` and ``wave`` of the scope filter.
    model : str
        Journey model the phases are reported in.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> study
    Study(survey='example_hotel', model='accra', n_input=120, n_kept=120, in_scope=120, scope={'segment_column': 'persona', 'segment': 'all', 'wave': 'all'})
    >>> study.outcome("overall"), study.scales["recommend"]
    ('overall', (0.0, 10.0))
    """

    spec: SurveySpec
    data_path: Path
    wide: pd.DataFrame
    long: pd.DataFrame
    ledger: pd.DataFrame
    n_input: int
    n_kept: int
    scope: dict = field(default_factory=dict)
    model: str = "accra"
    #: the long frame before the scope filter: choices that must be the same for every segment's
    #: report (such as the industry codebook proposed from the open answers) are made on it
    whole_long: pd.DataFrame | None = field(default=None, compare=False)
    _memo: dict = field(default_factory=dict, init=False, compare=False)

    def __repr__(self) -> str:
        return (f"Study(survey={self.spec.survey!r}, model={self.model!r}, n_input={self.n_input}, "
                f"n_kept={self.n_kept}, in_scope={len(self.wide)}, scope={self.scope!r})")

    def memo(self, key: tuple, compute):
        """The result of *compute()* for *key*, computed once per study (and its current long frame).

        A report asks for the same driver analysis or coding in several sections (summary,
        driver table, importance-performance, pain points); this keeps the first result. A
        scoped study (:meth:`scoped`) has its own memo. The result is shared: do not change it
        in place.

        Parameters
        ----------
        key : tuple
            What was computed and from which options, e.g. ``("key_drivers", outcome, drivers)``.
        compute : callable
            Called without arguments the first time.

        Returns
        -------
        object
            What *compute* returned.

        Examples
        --------
        >>> import cjkit as cj
        >>> study, calls = cj.example_study(), []
        >>> [study.memo(("n",), lambda: calls.append(1) or len(study.wide)) for _ in range(3)], len(calls)
        ([120, 120, 120], 1)
        """
        full = (id(self.long), *key)  # a long frame replaced by the user is a new question
        if full not in self._memo:
            self._memo[full] = compute()
        return self._memo[full]

    @property
    def questions(self) -> pd.DataFrame:
        """The spec's question table (question, type, role, phase, touchpoint, scale...)."""
        qt = self.spec.question_table()
        if self.model != self.spec.journey_model:
            qt = models.translate(qt, self.spec.journey_model, self.model)
        return qt

    @property
    def scales(self) -> dict:
        """``{question: (min, max)}`` from the spec, for top/bottom-box definitions."""
        qt = self.spec.question_table().dropna(subset=["scale_min"])
        return {q: (lo, hi) for q, lo, hi in qt[["question", "scale_min", "scale_max"]].itertuples(index=False)}

    def outcome(self, role: str = "overall") -> str:
        """Question id of the outcome with *role* ("overall" or "nps"); "overall" also finds a
        question with role ``outcome`` or a survey's only ``csat`` question."""
        q = outcome_question(self.spec, role)
        if q is None:
            raise ConfigError(f"the spec has no question with role '{role}'", path=self.spec.path)
        return q.id

    def positive(self, role: str = "overall"):
        """The answer label counted as positive for a labelled outcome (spec ``positive:``), else None.

        Matched to the labels in the data ignoring case (``positive: satisfied`` finds
        "Satisfied"); YAML reads ``positive: yes`` as True, which then means the data's yes label.

        Parameters
        ----------
        role : {"overall", "nps"}
            Role of the outcome (see :func:`outcome_question`).

        Returns
        -------
        str or None
            The label as it occurs in the data; None for a numeric outcome.

        Raises
        ------
        ConfigError
            Naming the spec key (``questions[i].positive``) when no answer of the outcome
            matches, or when a labelled outcome has no ``positive:``.

        Examples
        --------
        >>> import cjkit as cj
        >>> cj.example_study().positive() is None  # a rating: no label to name
        True
        """
        q = outcome_question(self.spec, role)
        if q is None or (q.positive is None and q.is_scale):
            return None
        index = [x.id for x in self.spec.questions].index(q.id)
        seen = self.long.loc[self.long["question"] == q.id, "text"].dropna().astype(str).unique()
        if q.positive is None:  # answer labels without a numeric scale: which one counts?
            raise ConfigError(f"outcome '{q.id}' has answer labels ({', '.join(sorted(seen)[:10])}); name the "
                              "one that counts as positive with 'positive:'", path=self.spec.path,
                              key=f"questions[{index}].positive")
        wanted = q.positive_answers()
        found = [v for v in seen if v.strip().removesuffix(".0").casefold() in wanted]
        if not found:
            raise ConfigError(f"positive answer {q.positive!r} does not occur in '{q.id}'; answers: "
                              f"{', '.join(sorted(seen)[:20]) or 'none'}", path=self.spec.path,
                              key=f"questions[{index}].positive")
        return found[0]

    def scoped(self, *, segment: str = ALL, wave: str = ALL) -> "Study":
        """The same study narrowed to one segment and/or wave, in memory (the data is not read again).

        Parameters
        ----------
        segment : str
            Keep only respondents whose scope's segment column equals this (``"all"``: no filter).
        wave : str
            Keep only this wave (``"all"``: no filter).

        Returns
        -------
        Study
            Ledger, bases of the whole file and journey model as in this study.

        Examples
        --------
        >>> import cjkit as cj
        >>> study = cj.example_study()
        >>> couples = study.scoped(segment="Paar")
        >>> set(couples.wide["persona"]), couples.n_kept == study.n_kept, couples.scope["segment"]
        ({'Paar'}, True, 'Paar')
        """
        wide = _filter(self.wide, self.scope["segment_column"], segment, "segment")
        wide = _filter(wide, self.spec.wave, wave, "wave")
        long = (self.long.reset_index(drop=True) if wide is self.wide else  # "all": nobody to filter
                self.long[self.long["respondent_id"].isin(wide["respondent_id"])].reset_index(drop=True))
        return replace(self, wide=wide, long=long, scope={**self.scope, "segment": segment, "wave": wave},
                       whole_long=self.long if self.whole_long is None else self.whole_long)

    def summary(self) -> pd.DataFrame:
        """Base sizes: input rows, excluded per check, kept, in scope — checked to add up."""
        ledger_mod.summary(self.ledger, self.n_input, n_kept=self.n_kept)  # raises if rows are unaccounted
        checks = ledger_mod.by_check(self.ledger)
        excluded = checks[checks["action"] == "excluded"]
        rows = [("input_rows", self.n_input)]
        rows += [(f"excluded: {c}", int(n)) for c, n in zip(excluded["check"], excluded["n_rows"])]
        rows += [("kept", self.n_kept), ("in_scope", int(self.wide.shape[0]))]
        return pd.DataFrame(rows, columns=["measure", "n"])


def _resolve_data(spec: SurveySpec, data) -> Path:
    path = snapshot.resolve_data(spec, data)
    if path is None:
        raise ParameterError("data", data, message="no data file given and the spec names none ('data:')")
    return path


def _filter(wide: pd.DataFrame, column: str | None, value, what: str) -> pd.DataFrame:
    if value in (None, "", ALL):
        return wide
    if column not in wide.columns:
        raise ParameterError(what, column, allowed=list(wide.columns))
    values = wide[column].astype("string")
    if str(value) not in set(values.dropna()):
        raise ParameterError(what, value, allowed=sorted(values.dropna().unique()),
                             message=f"no respondent has {column} = {value!r}")
    return wide[values == str(value)]


def open_study(spec, *, data: str | None = None, model: str | None = None,
               segment_column: str | None = None, segment: str = ALL, wave: str = ALL) -> Study:
    """Load, validate and scope a survey.

    Parameters
    ----------
    spec : str, Path, dict or SurveySpec
        Survey spec (YAML path) or a spec from :func:`cjkit.io.spec.load_spec`.
    data : str, optional
        Data file; default the spec's ``data`` (relative to the spec).
    model : str, optional
        Journey model to report in; phases are translated through the crosswalk.
    segment_column, segment : str
        Keep only respondents whose *segment_column* equals *segment* (``"all"``: everyone).
    wave : str
        Keep only this wave (``"all"``: every wave).

    Returns
    -------
    Study
        With ``n_input = n_kept + excluded`` recorded in the ledger; the scope filter is
        reported separately (``summary()``), it is not a data-quality exclusion.

    Notes
    -----
    Inside a batch run (``cjkit report``) the survey is read from the run's snapshot
    (:mod:`cjkit.report.snapshot`), loaded and validated once for all reports; opened by
    hand, it is read from the export.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import cjkit as cj
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "answers.csv"
    ...     cj.example_data(60).to_csv(path, index=False)
    ...     study = cj.open_study(cj.example_spec(), data=path, segment="Paar", model="six_phases")
    >>> study.n_input, len(study.wide), set(study.wide["persona"]), study.model
    (60, 34, {'Paar'}, 'six_phases')
    """
    spec = load_spec(spec)
    path = _resolve_data(spec, data)
    # inside a batch run the runner has loaded and validated this survey once already
    loaded = snapshot.find(spec, path) or load(path, spec)
    seg_col = segment_column or (spec.segments[0] if spec.segments else None)
    target = model or spec.journey_model
    long = loaded.long
    if target != spec.journey_model:
        long = models.translate(long, spec.journey_model, target)
    whole = Study(spec=spec, data_path=path, wide=loaded.wide, long=long, ledger=loaded.ledger,
                  n_input=loaded.n_input, n_kept=len(loaded.wide),
                  scope={"segment_column": seg_col, "segment": ALL, "wave": ALL}, model=target)
    study = whole.scoped(segment=segment, wave=wave)
    log.info("%s: %d input rows, %d kept, %d in scope", path.name, loaded.n_input, len(loaded.wide), len(study.wide))
    return study


def grid_values(parameters: dict, name: str) -> list:
    """Expand ``'@values'`` in a batch grid: the distinct values of a segment or wave column.

    Parameters
    ----------
    parameters : dict
        The fixed parameters of a batch run (``spec``, optional ``data`` and ``segment_column``).
    name : str
        ``"segment"``, ``"wave"`` or the name of a data column.

    Returns
    -------
    list of str
        Sorted distinct values of the column among the kept respondents.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import cjkit as cj
    >>> from cjkit.report.study import grid_values
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "answers.csv"
    ...     cj.example_data(40).to_csv(path, index=False)
    ...     params = {"spec": cj.example_spec(), "data": str(path)}
    ...     values = grid_values(params, "segment"), grid_values(params, "wave")
    >>> values
    (['Familie', 'Paar'], ['2025', '2026'])
    """
    spec = load_spec(parameters["spec"])
    column = {"segment": parameters.get("segment_column") or (spec.segments or [None])[0],
              "wave": spec.wave}.get(name, name)
    st = open_study(spec, data=parameters.get("data") or None)
    full = st.wide
    if column not in full.columns:
        raise ParameterError(name, column, allowed=list(full.columns))
    return sorted(full[column].dropna().astype(str).unique())


def run_context(parameters: dict) -> dict:
    """Run-level facts for a batch manifest: the data-quality ledger summary of the input.

    Parameters
    ----------
    parameters : dict
        The fixed parameters of a batch run (``spec``, optional ``data``).

    Returns
    -------
    dict
        ``{"ledger_summary": {"data": file name, input and kept counts, "excluded_by_reason": {...}}}``;
        empty when the run reads no survey spec.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import cjkit as cj
    >>> from cjkit.report.study import run_context
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "answers.csv"
    ...     cj.example_data(40).to_csv(path, index=False)
    ...     facts = run_context({"spec": cj.example_spec(), "data": str(path)})["ledger_summary"]
    >>> facts["data"], facts["excluded_by_reason"]
    ('answers.csv', {})
    >>> run_context({"path_file": "paths.csv"})  # a run without a survey (e.g. journey paths only)
    {}
    """
    if not parameters.get("spec"):
        return {}
    st = open_study(parameters["spec"], data=parameters.get("data") or None)
    totals = ledger_mod.summary(st.ledger, st.n_input, n_kept=st.n_kept).iloc[0]
    checks = ledger_mod.by_check(st.ledger)
    excluded = checks[checks["action"] == "excluded"]
    return {"ledger_summary": {"data": st.data_path.name, **{k: int(v) for k, v in totals.items()},
                               "excluded_by_reason": dict(zip(excluded["check"], excluded["n_rows"].astype(int)))}}


# the example survey: (question id, touchpoint, phase) of the driver ratings, 1-5
_EXAMPLE_DRIVERS = [("tp_website", "website", "consideration"), ("tp_booking", "booking", "conversion"),
                    ("tp_check_in", "check_in", "retention"), ("tp_room", "room", "retention"),
                    ("tp_wifi", "wifi", "retention")]
_EXAMPLE_COMMENTS = ["Das Zimmer war sehr sauber und ruhig.", "Das WLAN war leider sehr langsam.",
                     "Beim Check-in mussten wir lange warten.", "Freundliches Personal, gerne wieder!", ""]


def example_spec() -> dict:
    """The survey spec of :func:`example_study` (a raw dict, as a YAML spec would hold it).

    Returns
    -------
    dict
        survey, journey_model, respondent_id, weight, wave, segments and questions: five
        driver ratings (1-5) on touchpoints of the ``accra`` model, an overall rating (csat),
        a recommendation question (NPS, 0-10) and an open comment.

    Examples
    --------
    >>> import cjkit as cj
    >>> [q["id"] for q in cj.example_spec()["questions"]][-3:]
    ['overall', 'recommend', 'comment']
    """
    rating = {"min": 1, "max": 5}
    questions = [{"id": q, "text": f"Satisfaction with {tp}", "type": "rating", "scale": rating,
                  "phase": ph, "touchpoint": tp} for q, tp, ph in _EXAMPLE_DRIVERS]
    questions += [{"id": "overall", "text": "Overall satisfaction", "type": "csat", "role": "overall",
                   "scale": rating},
                  {"id": "recommend", "text": "Would you recommend us?", "type": "nps", "role": "nps",
                   "scale": {"min": 0, "max": 10}},
                  {"id": "comment", "text": "What should we improve?", "type": "open", "role": "comment"}]
    return {"survey": "example_hotel", "title": "Example hotel survey (synthetic)", "language": "de",
            "journey_model": "accra", "respondent_id": "id", "weight": "weight", "wave": "wave",
            "segments": ["persona"], "questions": questions}


def example_data(n: int = 120, *, seed: int = 0) -> pd.DataFrame:
    """Synthetic answers for :func:`example_spec`: one row per respondent, as an export holds them.

    The overall rating is driven mostly by the room and the check-in, so a driver analysis
    has something to find; two personas and two waves make comparisons possible.

    Parameters
    ----------
    n : int
        Number of respondents (at least 20: the driver analysis needs a base).
    seed : int
        Seed of the random generator; the same seed gives the same data.

    Returns
    -------
    DataFrame
        id, wave, persona, weight, the five driver ratings, overall, recommend, comment.

    Examples
    --------
    >>> import cjkit as cj
    >>> d = cj.example_data(40)
    >>> d.shape, bool(d["overall"].between(1, 5).all())
    ((40, 12), True)
    """
    if not isinstance(n, (int, np.integer)) or n < 20:
        raise ParameterError("n", n, allowed="an integer of at least 20")
    rng = np.random.default_rng(seed)
    out = pd.DataFrame({"id": [f"r{i:04d}" for i in range(1, n + 1)],
                        "wave": np.where(np.arange(n) < n // 2, "2025", "2026"),
                        "persona": rng.choice(["Familie", "Paar"], size=n),
                        "weight": rng.choice([0.8, 1.0, 1.25], size=n)})
    latent = rng.normal(size=n)
    for q, _, _ in _EXAMPLE_DRIVERS:
        out[q] = np.clip(np.round(3.6 + 0.8 * latent + rng.normal(scale=0.9, size=n)), 1, 5).astype(int)
    drive = 0.45 * out["tp_room"] + 0.3 * out["tp_check_in"] + 0.1 * out["tp_wifi"]
    out["overall"] = np.clip(np.round(drive + rng.normal(scale=0.6, size=n) + 0.6), 1, 5).astype(int)
    out["recommend"] = np.clip(np.round(2.3 * out["overall"] - 0.5 + rng.normal(scale=1.2, size=n)), 0, 10).astype(int)
    out["comment"] = rng.choice(_EXAMPLE_COMMENTS, size=n)
    return out


def example_study(n: int = 120, *, seed: int = 0, **scope) -> Study:
    """A small synthetic hotel survey opened as a :class:`Study`, for examples and first steps.

    The data of :func:`example_data` are written to a temporary CSV file and opened with
    :func:`open_study` (so they pass the same reader, spec and quality checks as a real
    export); the file is removed afterwards.

    Parameters
    ----------
    n : int
        Number of respondents.
    seed : int
        Seed of the random generator.
    **scope
        Passed to :func:`open_study`: ``segment``, ``wave``, ``model``, ``segment_column``.

    Returns
    -------
    Study

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study(seed=1, wave="2026")
    >>> study.n_input, len(study.wide), study.outcome("nps")
    (120, 60, 'recommend')
    """
    data = example_data(n, seed=seed)
    with tempfile.TemporaryDirectory(prefix="cjkit-example-") as tmp:
        path = Path(tmp) / "example_hotel.csv"
        data.to_csv(path, index=False)
        return open_study(load_spec(example_spec()), data=path, **scope)
