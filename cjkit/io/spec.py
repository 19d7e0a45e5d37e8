"""Survey specifications: which column is what, and how to read it.

A spec (YAML, schema ``survey_spec``) names the respondent id, weight, wave and
segment columns and, per question, its type, scale, reverse coding, missing
codes and the journey phase and touchpoint it measures. :func:`load_spec` reads it
into a :class:`~cjkit.catalog.types.SurveySpec`; :func:`to_long` applies a spec to
a wide frame and yields the tidy long frame the rest of cjkit uses.

Examples
--------
>>> import pandas as pd
>>> from cjkit.io.spec import load_spec, to_long
>>> s = load_spec({"survey": "t", "respondent_id": "id",
...                "questions": [{"id": "q1", "type": "rating", "scale": {"min": 1, "max": 5}}]})
>>> to_long(pd.DataFrame({"id": [1, 2], "q1": [4, 7]}), s)[["respondent_id", "value", "missing_reason"]]
  respondent_id  value           missing_reason
0             1    4.0                     <NA>
1             2    NaN  out of range: 7 not in 1..5
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cjkit.catalog import models
from cjkit.catalog import touchpoints
from cjkit.catalog.config import DATA, load_config
from cjkit.catalog.types import (DEFAULT_ROLE, DEFAULT_SCALES, MEAN_SCALE_TYPES, QUESTION_TYPES,  # noqa: F401
                                 SCALE_TYPES, Question)
from cjkit.errors import ConfigError, DataError, Problem
from cjkit.io import longframe

#: roles a question can play (the schema's enum), the categories of the long frame's role column
ROLES = ("driver", "overall", "nps", "csat", "ces", "profile", "comment", "outcome")
LONG_COLUMNS = ["respondent_id", "question", "item", "type", "role", "value", "text",
                "missing_reason", "phase", "touchpoint", "weight"]


@dataclass(frozen=True)
class SurveySpec:
    """A validated survey specification (see :func:`cjkit.io.spec.load_spec`).

    Two specs are equal when their content is; where they were read from (``path``) and
    the loaded touchpoint catalog do not take part in the comparison.

    Parameters
    ----------
    survey : str
        Survey id.
    respondent_id : str
        Respondent id column (``respondent_id``: the data row number).
    questions : tuple of Question
    journey_model : str
        Id of the journey model the phases refer to.
    weight, wave, date, duration : str or None
        Columns of the design weight, survey wave, interview date and duration (seconds).
    strata, cluster : str or None
        Columns of the sampling design's stratum and cluster (primary sampling unit), used by
        design-based standard errors (``cj.metrics(..., se_method="taylor")``).
    segments : tuple of str
        Columns to break results down by.
    quality : dict
        Data-quality thresholds (see :data:`cjkit.quality.validate.DEFAULTS`).
    title, language, data, format, touchpoint_catalog : str or None
        As in the YAML; ``data`` and ``touchpoint_catalog`` are relative to the spec file.
    industry : str or None
        Id of a shipped industry codebook (``air_travel``, ``telecom`` ...): open answers are
        coded with the shared codebook plus this one.
    codebook : str or None
        The researcher's own codebook (YAML, CSV or REFI-QDA ``.qdc``), relative to the spec:
        composed on top of the shared and the industry codebook.
    path : Path or None
        The spec file (None for a spec built from a dict).
    base_dir : Path
        Folder that relative paths in the spec refer to.
    model_ref : str or None
        The ``journey_model`` entry as written (an id or a YAML path), for writing back.
    catalog : DataFrame
        The touchpoint catalog the spec's touchpoints come from (computed on first use).

    Examples
    --------
    >>> from cjkit.io.spec import load_spec
    >>> s = load_spec({"survey": "t", "respondent_id": "id",
    ...                "questions": [{"id": "q1", "type": "rating", "scale": {"min": 1, "max": 5},
    ...                               "phase": "conversion"}, {"id": "nps", "type": "nps"}]})
    >>> s.question("nps").scale.max, s.journey_model, s.path is None
    (10, 'accra', True)
    >>> s.question_table()[["question", "type", "role", "phase", "scale_max"]]
      question    type    role       phase  scale_max
    0       q1  rating  driver  conversion          5
    1      nps     nps     nps         NaN         10
    """

    survey: str
    respondent_id: str
    questions: tuple[Question, ...]
    journey_model: str = "accra"
    weight: str | None = None
    wave: str | None = None
    date: str | None = None
    duration: str | None = None
    strata: str | None = None
    cluster: str | None = None
    segments: tuple[str, ...] = ()
    quality: dict = field(default_factory=dict)
    title: str | None = None
    language: str | None = None
    data: str | None = None
    format: str | None = None
    touchpoint_catalog: str | None = None
    industry: str | None = None
    codebook: str | None = None
    path: Path | None = field(default=None, compare=False)
    base_dir: Path = field(default_factory=Path.cwd, compare=False, repr=False)
    model_ref: str | None = field(default=None, compare=False, repr=False)

    _OPTIONAL = ("title", "language", "weight", "wave", "date", "duration", "strata", "cluster", "data", "format",
                 "touchpoint_catalog", "industry", "codebook")

    @cached_property
    def catalog(self) -> pd.DataFrame:
        """The touchpoint catalog (default, extended by ``touchpoint_catalog``)."""
        return touchpoints.load(self.base_dir / self.touchpoint_catalog if self.touchpoint_catalog else None)

    @property
    def codebook_path(self) -> Path | None:
        """The researcher's own ``codebook`` file resolved against the spec's folder, or None."""
        return self.base_dir / self.codebook if self.codebook else None

    @property
    def data_path(self) -> Path | None:
        """The ``data`` file resolved against the spec's folder, or None."""
        return self.base_dir / self.data if self.data else None

    def question(self, question_id: str) -> Question:
        """The question with id *question_id* (KeyError if there is none)."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def questions_with(self, *, role: str | None = None, types=None) -> list[Question]:
        """Questions with *role* and/or a type in *types*, in spec order.

        Examples
        --------
        >>> from cjkit.io.spec import load_spec
        >>> s = load_spec({"survey": "t", "respondent_id": "id", "questions": [
        ...     {"id": "a", "type": "open"}, {"id": "b", "type": "ces", "scale": {"min": 1, "max": 7}}]})
        >>> [q.id for q in s.questions_with(types=SCALE_TYPES)], [q.id for q in s.questions_with(role="comment")]
        (['b'], ['a'])
        """
        return [q for q in self.questions
                if (role is None or q.role == role) and (types is None or q.type in types)]

    def required_columns(self) -> list[str]:
        """Every source column the spec refers to, each once, in spec order."""
        cols = [self.respondent_id] + [c for c in (self.weight, self.wave, self.date, self.duration,
                                                    self.strata, self.cluster) if c]
        cols += list(self.segments)
        for q in self.questions:
            cols += q.source_columns
        return list(dict.fromkeys(cols))

    def question_table(self) -> pd.DataFrame:
        """One row per question: question, column, type, role, phase (ordered by the journey
        model), touchpoint, scale_min, scale_max, reverse, text."""
        rows = [{"question": q.id, "column": q.column, "type": q.type, "role": q.role, "phase": q.phase,
                 "touchpoint": q.touchpoint, "scale_min": q.scale.min if q.scale else np.nan,
                 "scale_max": q.scale.max if q.scale else np.nan, "reverse": q.reverse,
                 "text": q.text or ""} for q in self.questions]
        out = pd.DataFrame(rows)
        out["phase"] = out["phase"].astype(models.phase_categories(self.journey_model))
        return out

    def to_dict(self) -> dict:
        """The YAML mapping (defaults left out); :func:`cjkit.io.spec.load_spec` reads it back
        into an equal spec."""
        out: dict[str, Any] = {"survey": self.survey}
        for key in ("title", "language", "industry"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        out["journey_model"] = self.model_ref or self.journey_model
        for key in ("touchpoint_catalog", "codebook", "data", "format"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        out["respondent_id"] = self.respondent_id
        for key in ("weight", "wave", "date", "duration", "strata", "cluster"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.segments:
            out["segments"] = list(self.segments)
        if self.quality:
            out["quality"] = dict(self.quality)
        out["questions"] = [q.to_dict() for q in self.questions]
        return out



def _resolve_model(ref, base: Path, path) -> str:
    """The id of the spec's journey model, registering a model file given by path."""
    if str(ref).endswith((".yaml", ".yml")):
        model_path = base / ref
        if not model_path.is_file():
            raise ConfigError(f"journey model file '{ref}' not found", path=path, key="journey_model")
        return models.register(model_path)
    if ref not in models.list():
        raise ConfigError(f"unknown journey model '{ref}'; known: {', '.join(models.list())}",
                          path=path, key="journey_model")
    return ref


def _problems(data: dict, base: Path, path) -> list[Problem]:
    """Checks the schema cannot express, for every question; wrongly typed values are left to
    the schema's report."""
    out = []
    try:
        model_id = _resolve_model(data.get("journey_model", "accra"), base, path)
        phase_ids = set(models.phase_categories(model_id).categories)
    except ConfigError as err:
        if err.path not in (None, str(path) if path else None):
            raise  # the model file itself is broken: that error names its own file
        out += err.problems
        model_id, phase_ids = None, None
    industry = data.get("industry")
    # the industry codebooks are package data; io may not import cjkit.coding, so look at the files
    known = sorted(f.stem.removeprefix("industry_") for f in (DATA / "codebooks").glob("industry_*.yaml"))
    if isinstance(industry, str) and industry not in known:
        out.append(Problem("industry", f"unknown industry '{industry}'; known: {', '.join(known)}"))
    own = data.get("codebook")
    if isinstance(own, str) and not (base / own).is_file():
        out.append(Problem("codebook", f"codebook file '{own}' not found (paths are relative to the spec's folder)"))
    ref = data.get("touchpoint_catalog")
    tp_ids = set(touchpoints.load(base / ref if isinstance(ref, str) else None)["id"])
    questions = data.get("questions")
    seen: dict[str, int] = {}
    for i, q in enumerate(questions if isinstance(questions, list) else []):
        if not isinstance(q, dict):
            continue
        key = f"questions[{i}]"
        qid, qtype, scale = q.get("id"), q.get("type"), q.get("scale")
        if isinstance(qid, str):
            if qid in seen:
                out.append(Problem(f"{key}.id", f"duplicate question id '{qid}' (also questions[{seen[qid]}])"))
            seen.setdefault(qid, i)
        if qtype == "multi" and "columns" not in q:
            out.append(Problem(f"{key}.columns", "a multi-choice question needs 'columns' (option id -> column)"))
        if qtype in SCALE_TYPES and qtype not in DEFAULT_SCALES and scale is None:
            out.append(Problem(f"{key}.scale", f"a {qtype} question needs a scale with min and max"))
        if (isinstance(scale, dict) and isinstance(scale.get("min"), (int, float))
                and isinstance(scale.get("max"), (int, float)) and scale["min"] >= scale["max"]):
            out.append(Problem(f"{key}.scale", "scale min must be below max"))
        phase = q.get("phase")
        if phase_ids is not None and isinstance(phase, str) and phase not in phase_ids:
            out.append(Problem(f"{key}.phase", f"phase '{phase}' is not in journey model '{model_id}' "
                                               f"(phases: {', '.join(sorted(phase_ids))})"))
        tp = q.get("touchpoint")
        if isinstance(tp, str) and tp not in tp_ids:
            out.append(Problem(f"{key}.touchpoint", f"touchpoint '{tp}' is not in the touchpoint catalog"))
    return out


def load_spec(source) -> SurveySpec:
    """Load, validate and complete a survey spec.

    Fills defaults (``column`` = id, ``role`` by type, NPS scale 0-10), resolves the
    journey model and touchpoint catalog (ids or paths relative to the spec) and checks
    that every phase and touchpoint exists. All problems of the file are reported at once.

    Parameters
    ----------
    source : str, Path, dict or SurveySpec
        A spec YAML file, its parsed content (paths relative to the working folder), or an
        already loaded spec (returned as it is).

    Returns
    -------
    SurveySpec

    Raises
    ------
    ConfigError
        Naming the spec file and every offending key, e.g. ``questions[3].phase``
        (``.problems`` lists them).

    Examples
    --------
    >>> from cjkit.io.spec import load_spec
    >>> s = load_spec({"survey": "t", "respondent_id": "id", "segments": ["seg"],
    ...                "questions": [{"id": "nps", "type": "nps", "phase": "advocacy"}]})
    >>> s.question("nps").scale, s.segments
    (Scale(min=0, max=10, labels={}), ('seg',))
    >>> load_spec({"survey": "t", "respondent_id": "id",
    ...            "questions": [{"id": "q", "type": "likert", "phase": "kauf"}]})
    Traceback (most recent call last):
    ...
    cjkit.errors.ConfigError: 2 problems in configuration:
    configuration: questions[0].scale: a likert question needs a scale with min and max
    configuration: questions[0].phase: phase 'kauf' is not in journey model 'accra' (phases: ...)
    """
    if isinstance(source, SurveySpec):
        return source
    path = Path(source) if isinstance(source, (str, Path)) else None
    base = path.parent if path else Path.cwd()
    data = load_config(source, schema="survey_spec", check=lambda d: _problems(d, base, path))
    ref = data.get("journey_model", "accra")
    return SurveySpec(
        survey=data["survey"], respondent_id=data["respondent_id"],
        questions=tuple(Question.from_dict(q) for q in data["questions"]),
        journey_model=_resolve_model(ref, base, path), segments=tuple(data.get("segments", ())),
        quality=dict(data.get("quality") or {}), path=path, base_dir=base, model_ref=ref,
        **{k: data.get(k) for k in SurveySpec._OPTIONAL})


def question_table(spec) -> pd.DataFrame:
    """One row per question, see :meth:`cjkit.catalog.types.SurveySpec.question_table`.

    Parameters
    ----------
    spec : str, Path, dict or SurveySpec

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> question_table({"survey": "t", "respondent_id": "id",
    ...                 "questions": [{"id": "x", "type": "open"}]})[["question", "role"]]
      question     role
    0        x  comment
    """
    return load_spec(spec).question_table()


def required_columns(spec) -> list[str]:
    """All source columns the spec refers to.

    Parameters
    ----------
    spec : str, Path, dict or SurveySpec

    Returns
    -------
    list of str

    Examples
    --------
    >>> required_columns({"survey": "t", "respondent_id": "id", "weight": "w",
    ...                   "questions": [{"id": "k", "type": "multi", "columns": {"a": "k1", "b": "k2"}}]})
    ['id', 'w', 'k1', 'k2']
    """
    return load_spec(spec).required_columns()


def check_columns(wide: pd.DataFrame, spec, file=None) -> None:
    """Raise :class:`DataError` naming every spec column that the data lacks.

    Parameters
    ----------
    wide : DataFrame
        One row per respondent.
    spec : str, Path, dict or SurveySpec
    file : str, optional
        Data file name for the message.

    Raises
    ------
    DataError
        Listing the missing columns (``.column`` is the first).

    Examples
    --------
    >>> import pandas as pd
    >>> check_columns(pd.DataFrame({"id": [1]}), {"survey": "t", "respondent_id": "id",
    ...               "questions": [{"id": "q1", "type": "open"}]}, file="x.csv")
    Traceback (most recent call last):
    ...
    cjkit.errors.DataError: file 'x.csv', column 'q1': the spec refers to columns the data does not have: ['q1']; available: ['id']
    """
    missing = [c for c in load_spec(spec).required_columns() if c not in wide.columns]
    if missing:
        raise DataError(f"the spec refers to columns the data does not have: {missing}; "
                        f"available: {list(wide.columns)[:40]}", file=file, column=missing[0])


def _numeric(series: pd.Series) -> pd.Series:
    return pd.Series(longframe.numeric(series), index=series.index)


def to_long(wide: pd.DataFrame, spec, *, file=None) -> pd.DataFrame:
    """Apply *spec* to a wide frame (one row per respondent) and return the tidy long frame.

    Values that are missing codes, unparsable or out of range become NaN and keep the reason
    in ``missing_reason`` — they are never dropped, so the ledger can account for them.

    Parameters
    ----------
    wide : DataFrame
        One row per respondent, holding every column the spec names.
    spec : str, Path, dict or SurveySpec
    file : str, optional
        Data file name for error messages.

    Returns
    -------
    DataFrame
        Columns respondent_id, question, item, type, role, value, text, missing_reason,
        phase (ordered categorical), touchpoint, weight, then wave, strata, cluster and segment columns.

    Raises
    ------
    DataError
        Spec columns missing in *wide*, or weights that are not positive numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> s = {"survey": "t", "respondent_id": "id", "segments": ["seg"], "questions": [
    ...      {"id": "ces", "type": "ces", "scale": {"min": 1, "max": 7}, "reverse": True, "missing": [99]}]}
    >>> to_long(pd.DataFrame({"id": ["a", "b"], "seg": ["x", "y"], "ces": [2, 99]}), s)[
    ...     ["respondent_id", "value", "missing_reason", "seg"]]
      respondent_id  value missing_reason seg
    0             a    6.0           <NA>   x
    1             b    NaN  missing code 99   y
    """
    return long_parts(wide, spec, file=file).frame()


def long_parts(wide: pd.DataFrame, spec, *, file=None) -> longframe.Parts:
    """The blocks of :func:`to_long` before they are written out as a frame (validation decides
    on exclusions first, then writes only the kept respondents).

    Parameters
    ----------
    wide, spec, file
        As for :func:`to_long`.

    Returns
    -------
    cjkit.io.longframe.Parts
        ``.frame()`` is the long frame.

    Examples
    --------
    >>> import pandas as pd
    >>> s = {"survey": "t", "respondent_id": "id",
    ...      "questions": [{"id": "q", "type": "csat", "scale": {"min": 1, "max": 5}}]}
    >>> parts = long_parts(pd.DataFrame({"id": ["a", "b"], "q": [5, 6]}), s)
    >>> parts.blocks[0].value.tolist(), parts.frame()["missing_reason"].tolist()
    ([5.0, nan], [<NA>, 'out of range: 6 not in 1..5'])
    """
    spec = load_spec(spec)
    check_columns(wide, spec, file=file)
    n = len(wide)
    if spec.weight:
        weight = _numeric(wide[spec.weight])
        bad = weight.isna() | (weight <= 0)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
            got = wide[spec.weight].iloc[row - 1]
            raise DataError(f"weights must be positive numbers, got '{'' if pd.isna(got) else got}' "
                            f"({int(bad.sum())} row(s) affected; exclude empty rows first with cjkit.quality.validate)",
                            file=file, row=row, column=spec.weight)
        weight = weight.to_numpy()
    else:
        weight = np.ones(n)
    blocks, owner = [], []  # owner: the question each block of n rows belongs to
    for q in spec.questions:
        if q.is_scale:
            new = [longframe.scale_block(wide[q.column], q)]
        elif q.type == "multi":
            new = longframe.multi_blocks(wide, q)
        else:
            new = [longframe.text_block(wide[q.column], q)]
        blocks += new
        owner += [q] * len(new)
    tps = pd.Index(list(dict.fromkeys(q.touchpoint for q in spec.questions if q.touchpoint)), dtype=str)
    shared = {"question": ([q.id for q in owner], pd.CategoricalDtype([q.id for q in spec.questions])),
              "type": ([q.type for q in owner], pd.CategoricalDtype(list(QUESTION_TYPES))),
              "role": ([q.role for q in owner], pd.CategoricalDtype(list(ROLES))),
              "phase": ([q.phase for q in owner], models.phase_categories(spec.journey_model)),
              "touchpoint": ([q.touchpoint for q in owner], pd.CategoricalDtype(tps))}
    extra = {c: (wide[c], c in spec.segments)
             for c in [x for x in (spec.wave, spec.strata, spec.cluster) if x] + list(spec.segments)}
    return longframe.Parts(blocks, shared, wide[spec.respondent_id].astype("string"), weight, extra)
