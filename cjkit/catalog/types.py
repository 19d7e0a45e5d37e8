"""Question types and the typed survey specification.

A survey spec is read once from validated YAML (or a dict) into a :class:`SurveySpec`
of :class:`Question` objects; derived tables (:meth:`SurveySpec.question_table`, the
touchpoint catalog) are methods and properties of the object rather than entries
hidden in a dict. :data:`QUESTION_TYPES` and :data:`SCALE_TYPES` are the one table of
question types that loading, validation and statistics share.

Examples
--------
>>> from cjkit.catalog.types import SCALE_TYPES, MEAN_SCALE_TYPES, Question
>>> SCALE_TYPES
('likert', 'rating', 'nps', 'csat', 'ces')
>>> "nps" in MEAN_SCALE_TYPES
False
>>> Question.from_dict({"id": "q1", "type": "rating", "scale": {"min": 1, "max": 5}}).column
'q1'
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cjkit.catalog import models, touchpoints

#: every question type a spec may use (the schema's ``type`` enum must match)
QUESTION_TYPES = ("likert", "rating", "nps", "csat", "ces", "single", "multi", "open")
#: types answered on a numeric scale: they need ``scale`` (min, max), get range checks,
#: reverse coding and straight-lining checks
SCALE_TYPES = ("likert", "rating", "nps", "csat", "ces")
#: scale types summarised by their (weighted) mean; NPS is summarised as promoters minus
#: detractors instead, so it is a scale type but not a mean type
MEAN_SCALE_TYPES = tuple(t for t in SCALE_TYPES if t != "nps")
#: scales implied by the type when the spec gives none
DEFAULT_SCALES = {"nps": (0, 10)}
#: role implied by the type when the spec gives none (other types: ``driver``)
DEFAULT_ROLE = {"nps": "nps", "open": "comment", "single": "profile", "multi": "profile"}


@dataclass(frozen=True)
class Scale:
    """A numeric answer scale.

    Parameters
    ----------
    min, max : float
        Lowest and highest valid answer.
    labels : dict, optional
        Answer code -> label.

    Examples
    --------
    >>> Scale(1, 5).max
    5
    """

    min: float
    max: float
    labels: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The YAML form, e.g. ``{"min": 1, "max": 5}``.

        Examples
        --------
        >>> Scale(0, 10).to_dict()
        {'min': 0, 'max': 10}
        """
        return {"min": self.min, "max": self.max, **({"labels": dict(self.labels)} if self.labels else {})}


@dataclass(frozen=True)
class Question:
    """One question of a survey spec, with defaults filled in.

    Parameters
    ----------
    id : str
        Question id used in results (``question`` column of the long frame).
    type : str
        One of :data:`QUESTION_TYPES`.
    column : str
        Source column (default: the id); a multi-choice question reads ``columns`` instead.
    columns : dict
        Multi-choice only: option id -> source column.
    role : str
        driver, overall, nps, profile, comment or outcome (default by type).
    scale : Scale or None
        Answer scale; always set for :data:`SCALE_TYPES`.
    reverse : bool
        Reverse-code answers (``min + max - x``).
    missing : tuple
        Codes meaning "no valid answer".
    missing_labels : dict
        Missing code (as text) -> label.
    phase, touchpoint : str or None
        Journey phase (of the spec's model) and catalog touchpoint measured.
    text, text_en, language_column : str or None
        Question texts and the column holding each answer's language.

    Examples
    --------
    >>> q = Question.from_dict({"id": "nps", "type": "nps"})
    >>> q.role, q.scale, q.is_scale
    ('nps', Scale(min=0, max=10, labels={}), True)
    >>> q.to_dict()
    {'id': 'nps', 'type': 'nps'}
    """

    id: str
    type: str
    column: str | None = None
    columns: dict = field(default_factory=dict)
    role: str = "driver"
    scale: Scale | None = None
    reverse: bool = False
    missing: tuple = ()
    missing_labels: dict = field(default_factory=dict)
    phase: str | None = None
    touchpoint: str | None = None
    text: str | None = None
    text_en: str | None = None
    language_column: str | None = None

    def __post_init__(self):
        if self.column is None:  # frozen: the default is filled in once, here
            object.__setattr__(self, "column", self.id)

    @property
    def is_scale(self) -> bool:
        """True for :data:`SCALE_TYPES` (numeric answers on a scale)."""
        return self.type in SCALE_TYPES

    @property
    def source_columns(self) -> list[str]:
        """The data columns this question reads (the option columns of a multi-choice question).

        Examples
        --------
        >>> Question.from_dict({"id": "k", "type": "multi", "columns": {"web": "k1", "tel": "k2"}}).source_columns
        ['k1', 'k2']
        """
        return list(self.columns.values()) if self.type == "multi" else [self.column]

    @classmethod
    def from_dict(cls, d: dict) -> Question:
        """Build a question from its (schema-valid) YAML mapping, filling defaults.

        Parameters
        ----------
        d : dict
            One entry of the spec's ``questions`` list.

        Returns
        -------
        Question

        Examples
        --------
        >>> Question.from_dict({"id": "txt", "type": "open", "column": "F7"}).role
        'comment'
        """
        scale = d.get("scale")
        if scale is None and d["type"] in DEFAULT_SCALES:
            scale = dict(zip(("min", "max"), DEFAULT_SCALES[d["type"]]))
        return cls(id=d["id"], type=d["type"], column=d.get("column", d["id"]),
                   columns=dict(d.get("columns", {})), role=d.get("role", DEFAULT_ROLE.get(d["type"], "driver")),
                   scale=Scale(scale["min"], scale["max"], dict(scale.get("labels", {}))) if scale else None,
                   reverse=bool(d.get("reverse", False)), missing=tuple(d.get("missing", ())),
                   missing_labels=dict(d.get("missing_labels", {})), phase=d.get("phase"),
                   touchpoint=d.get("touchpoint"), text=d.get("text"), text_en=d.get("text_en"),
                   language_column=d.get("language_column"))

    def to_dict(self) -> dict:
        """The YAML mapping, leaving out values equal to their defaults.

        ``Question.from_dict(q.to_dict()) == q`` holds for every question.
        """
        out: dict[str, Any] = {"id": self.id}
        if self.text is not None:
            out["text"] = self.text
        if self.text_en is not None:
            out["text_en"] = self.text_en
        out["type"] = self.type
        if self.column != self.id:
            out["column"] = self.column
        if self.columns:
            out["columns"] = dict(self.columns)
        if self.role != DEFAULT_ROLE.get(self.type, "driver"):
            out["role"] = self.role
        default = DEFAULT_SCALES.get(self.type)
        if self.scale is not None and not (default and (self.scale.min, self.scale.max) == default
                                           and not self.scale.labels):
            out["scale"] = self.scale.to_dict()
        if self.reverse:
            out["reverse"] = True
        if self.missing:
            out["missing"] = list(self.missing)
        if self.missing_labels:
            out["missing_labels"] = dict(self.missing_labels)
        for key in ("phase", "touchpoint", "language_column"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


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
    segments : tuple of str
        Columns to break results down by.
    quality : dict
        Data-quality thresholds (see :data:`cjkit.quality.validate.DEFAULTS`).
    title, language, data, format, touchpoint_catalog : str or None
        As in the YAML; ``data`` and ``touchpoint_catalog`` are relative to the spec file.
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
    segments: tuple[str, ...] = ()
    quality: dict = field(default_factory=dict)
    title: str | None = None
    language: str | None = None
    data: str | None = None
    format: str | None = None
    touchpoint_catalog: str | None = None
    path: Path | None = field(default=None, compare=False)
    base_dir: Path = field(default_factory=Path.cwd, compare=False, repr=False)
    model_ref: str | None = field(default=None, compare=False, repr=False)

    _OPTIONAL = ("title", "language", "weight", "wave", "date", "duration", "data", "format",
                 "touchpoint_catalog")

    @cached_property
    def catalog(self) -> pd.DataFrame:
        """The touchpoint catalog (default, extended by ``touchpoint_catalog``)."""
        return touchpoints.load(self.base_dir / self.touchpoint_catalog if self.touchpoint_catalog else None)

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
        cols = [self.respondent_id] + [c for c in (self.weight, self.wave, self.date, self.duration) if c]
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
        for key in ("title", "language"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        out["journey_model"] = self.model_ref or self.journey_model
        for key in ("touchpoint_catalog", "data", "format"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        out["respondent_id"] = self.respondent_id
        for key in ("weight", "wave", "date", "duration"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.segments:
            out["segments"] = list(self.segments)
        if self.quality:
            out["quality"] = dict(self.quality)
        out["questions"] = [q.to_dict() for q in self.questions]
        return out
