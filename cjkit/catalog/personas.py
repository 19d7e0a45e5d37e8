"""Personas: who a journey map is drawn for (name, description, goals, needs, pains, channels, quote).

A persona file (YAML, schema ``persona``) lists the personas of a survey and the value
each has in the survey's persona column. Goals and needs are a list, or phase id -> text
when they belong to a phase of the journey; channels name touchpoints the persona uses.
:func:`load_personas` validates the file (every problem at once) into :class:`Personas`.

Examples
--------
>>> import cjkit as cj
>>> ps = cj.load_personas({"personas": [{"id": "pendler", "name": "Pendlerin",
...                                      "goals": {"awareness": "Verbindung finden"}}]})
>>> p = ps.get("Pendlerin")
>>> p.id, p.segment, p.phase_goals
('pendler', 'Pendlerin', {'awareness': 'Verbindung finden'})
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from cjkit.catalog import config
from cjkit.errors import Problem


@dataclass(frozen=True)
class Persona:
    """One persona.

    Parameters
    ----------
    id : str
    name : str
        Shown on the map.
    segment : str
        Value of the survey's persona column (default: the name).
    description : str
    goals, needs : tuple of str
        All goals and needs, in file order.
    phase_goals, phase_needs : dict
        Phase id -> text, when the file places goals or needs on phases.
    channels : tuple of str
        Touchpoint ids (or free text) the persona uses.
    pains, phase_pains : tuple of str, dict
        Pain points, like goals and needs.
    devices : tuple of str
        Devices the persona uses.
    quote : str
        A representative quote (masked).

    Examples
    --------
    >>> Persona("a", "Anna").segment
    'Anna'
    """

    id: str
    name: str
    segment: str = ""
    description: str = ""
    goals: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    phase_goals: dict = field(default_factory=dict)
    phase_needs: dict = field(default_factory=dict)
    channels: tuple[str, ...] = ()
    pains: tuple[str, ...] = ()
    phase_pains: dict = field(default_factory=dict)
    devices: tuple[str, ...] = ()
    quote: str = ""

    def __post_init__(self):
        if not self.segment:
            object.__setattr__(self, "segment", self.name)

    @classmethod
    def from_dict(cls, d: dict) -> Persona:
        """Build a persona from its (schema-valid) YAML mapping."""
        def split(value):
            if isinstance(value, dict):
                return tuple(value.values()), dict(value)
            return tuple(value or ()), {}
        goals, phase_goals = split(d.get("goals"))
        needs, phase_needs = split(d.get("needs"))
        pains, phase_pains = split(d.get("pains"))
        return cls(id=d["id"], name=d["name"], segment=d.get("segment", d["name"]),
                   description=d.get("description", ""), goals=goals, needs=needs, phase_goals=phase_goals,
                   phase_needs=phase_needs, channels=tuple(d.get("channels", ())), pains=pains,
                   phase_pains=phase_pains, devices=tuple(d.get("devices", ())), quote=d.get("quote", ""))


@dataclass(frozen=True)
class Personas:
    """The personas of a survey and the column that assigns respondents to them.

    Parameters
    ----------
    column : str
        Survey column holding each respondent's persona.
    personas : tuple of Persona
    path : Path or None
        The file read (not compared).

    Examples
    --------
    >>> ps = Personas("persona", (Persona("a", "Anna"), Persona("b", "Ben", segment="B")))
    >>> len(ps), [p.id for p in ps], ps.get("B").name
    (2, ['a', 'b'], 'Ben')
    """

    column: str
    personas: tuple[Persona, ...]
    path: Path | None = field(default=None, compare=False, repr=False)

    def __iter__(self):
        return iter(self.personas)

    def __len__(self) -> int:
        return len(self.personas)

    def get(self, key: str) -> Persona | None:
        """The persona whose id, segment value or name is *key*; None if there is none."""
        for attr in ("id", "segment", "name"):
            for p in self.personas:
                if getattr(p, attr) == key:
                    return p
        return None


def _check(data: dict):
    """Ids and segment values are unique (two personas cannot share respondents)."""
    items = [p for p in data.get("personas", []) if isinstance(p, dict)] if isinstance(
        data.get("personas"), list) else []
    for attr in ("id", "segment"):
        values = [p.get(attr, p.get("name")) if attr == "segment" else p.get(attr) for p in items]
        counts = Counter(v for v in values if isinstance(v, str))
        for i, v in enumerate(values):
            if isinstance(v, str) and counts[v] > 1:
                yield Problem(f"personas[{i}].{attr}", f"'{v}' is used by more than one persona")


def load_personas(source) -> Personas:
    """Load and validate a persona file.

    Parameters
    ----------
    source : str, Path, dict or Personas
        Persona file, its parsed mapping, or personas (returned as they are).

    Returns
    -------
    Personas

    Raises
    ------
    ConfigError
        Listing every problem of the file with its key path.

    Examples
    --------
    >>> import cjkit as cj
    >>> cj.load_personas({"personas": [{"id": "a", "name": "A"}, {"id": "a", "name": "B", "goal": "x"}]})
    Traceback (most recent call last):
    ...
    cjkit.errors.ConfigError: 3 problems in configuration:
    configuration: personas[1]: Additional properties are not allowed ('goal' was unexpected)
    configuration: personas[0].id: 'a' is used by more than one persona
    configuration: personas[1].id: 'a' is used by more than one persona
    """
    if isinstance(source, Personas):
        return source
    data = config.load_config(source, "persona", check=_check)
    path = Path(source) if isinstance(source, (str, Path)) else None
    return Personas(column=data.get("segment_column", "persona"),
                    personas=tuple(Persona.from_dict(p) for p in data["personas"]), path=path)
