"""Typed configuration: question types, questions and journey models.

Configuration is read once from validated YAML (or a dict) into small frozen objects:
:class:`Question` (with its :class:`Scale`) for the questions of a survey spec
(:class:`cjkit.io.spec.SurveySpec`) and :class:`JourneyModel` with its :class:`Phase`
objects. :data:`QUESTION_TYPES` and :data:`SCALE_TYPES` are the one table of question
types that loading, validation and statistics share. This module imports no other cjkit
module but the errors, so every layer can build on it.

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
from pathlib import Path
from typing import Any

from cjkit.errors import ParameterError


#: every question type a spec may use (the schema's ``type`` enum must match)
QUESTION_TYPES = ("likert", "rating", "nps", "csat", "ces", "single", "multi", "open")
#: types answered on a numeric scale: they need ``scale`` (min, max), get range checks,
#: reverse coding and straight-lining checks
SCALE_TYPES = ("likert", "rating", "nps", "csat", "ces")
#: scale types summarised by their (weighted) mean; NPS is summarised as promoters minus
#: detractors instead, so it is a scale type but not a mean type
MEAN_SCALE_TYPES = tuple(t for t in SCALE_TYPES if t != "nps")
#: satisfaction ratings (shown together as one rating chart); effort (CES) runs the other way
#: round and NPS is a recommendation, so both are reported on their own
RATING_TYPES = ("likert", "rating", "csat")
#: scales implied by the type when the spec gives none
DEFAULT_SCALES = {"nps": (0, 10)}
#: role implied by the type when the spec gives none (other types: ``driver``)
DEFAULT_ROLE = {"nps": "nps", "open": "comment", "single": "profile", "multi": "profile"}
#: languages of labels in models, catalogs and codebooks
LANGS = ("de", "en")


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise ParameterError("lang", lang, allowed=LANGS)
    return lang


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
    positive : str, number or None
        For a two-answer (e.g. yes/no) outcome, the answer counted as positive (matched ignoring
        case): it becomes 1 in the long frame and every other answer 0, so the outcome is the
        share of positive answers and driver analyses model it as binary.

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
    positive: str | float | None = None

    def __post_init__(self):
        if self.column is None:  # frozen: the default is filled in once, here
            object.__setattr__(self, "column", self.id)

    def positive_answers(self) -> frozenset[str]:
        """The answers (codes or labels, case-folded) that count as positive; empty without ``positive:``.

        YAML reads a bare ``yes``/``no`` as a boolean, which here means the data's yes or no label.

        Returns
        -------
        frozenset of str

        Examples
        --------
        >>> from cjkit.catalog.types import Question
        >>> sorted(Question(id="sat", type="single", positive="Satisfied").positive_answers())
        ['satisfied']
        >>> "ja" in Question(id="rec", type="single", positive=True).positive_answers()
        True
        """
        if self.positive is None:
            return frozenset()
        if isinstance(self.positive, bool):
            return frozenset({"yes", "ja", "true", "j", "y", "1"} if self.positive
                             else {"no", "nein", "false", "n", "0"})
        return frozenset({str(self.positive).strip().removesuffix(".0").casefold()})

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
                   language_column=d.get("language_column"), positive=d.get("positive"))

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
        for key in ("phase", "touchpoint", "language_column", "positive"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


@dataclass(frozen=True)
class Phase:
    """One phase of a journey model.

    Parameters
    ----------
    id : str
    order : int
        Position in the journey (1 = first).
    label_de, label_en : str
    canonical : tuple of str
        The canonical stages the phase covers (the axis of all crosswalks).
    description_de, description_en, question_de, question_en : str
        Documentation and the customer's guiding question.

    Examples
    --------
    >>> Phase("kauf", 2, "Kauf", "Purchase", ("purchase",)).label("en")
    'Purchase'
    """

    id: str
    order: int
    label_de: str
    label_en: str
    canonical: tuple[str, ...]
    description_de: str = ""
    description_en: str = ""
    question_de: str = ""
    question_en: str = ""

    def label(self, lang: str = "de") -> str:
        """The label in *lang* (``"de"`` or ``"en"``)."""
        return getattr(self, f"label_{_lang(lang)}")

    @classmethod
    def from_dict(cls, d: dict) -> Phase:
        """Build a phase from its (schema-valid) YAML mapping."""
        return cls(id=d["id"], order=d["order"], label_de=d["label_de"], label_en=d["label_en"],
                   canonical=tuple(d["canonical"]),
                   **{k: d.get(k, "") for k in ("description_de", "description_en", "question_de", "question_en")})


@dataclass(frozen=True)
class JourneyModel:
    """A validated journey model (see :func:`cjkit.catalog.models.load_model`).

    Parameters
    ----------
    id : str
    name_de, name_en : str
    phases : tuple of Phase
        In journey order.
    description_de, description_en : str
    path : Path or None
        The model file, if read from one (not compared).

    Examples
    --------
    >>> from cjkit.catalog import models
    >>> m = models.get("service")
    >>> m.name("en"), m.phase_ids
    ('Service model (pre-service, service, post-service)', ('pre_service', 'service', 'post_service'))
    >>> m.phase("service").canonical
    ('delivery', 'usage', 'service')
    """

    id: str
    name_de: str
    name_en: str
    phases: tuple[Phase, ...]
    description_de: str = ""
    description_en: str = ""
    path: Path | None = field(default=None, compare=False, repr=False)

    def name(self, lang: str = "de") -> str:
        """The model's name in *lang* (``"de"`` or ``"en"``)."""
        return getattr(self, f"name_{_lang(lang)}")

    @property
    def phase_ids(self) -> tuple[str, ...]:
        """Phase ids in journey order."""
        return tuple(p.id for p in self.phases)

    def phase(self, phase_id: str) -> Phase:
        """The phase with id *phase_id* (KeyError if there is none)."""
        for p in self.phases:
            if p.id == phase_id:
                return p
        raise KeyError(phase_id)

    @classmethod
    def from_dict(cls, d: dict, path=None) -> JourneyModel:
        """Build a model from its (validated) YAML mapping; phases are sorted by ``order``."""
        return cls(id=d["id"], name_de=d["name_de"], name_en=d["name_en"],
                   phases=tuple(sorted((Phase.from_dict(p) for p in d["phases"]), key=lambda p: p.order)),
                   description_de=d.get("description_de", ""), description_en=d.get("description_en", ""),
                   path=Path(path) if path is not None else None)
