"""The cjkit exception family.

Every error a researcher can cause with bad input is a :class:`CjkitError`
whose message says *where* (file, row, column or configuration key) and
*what was expected*, so that no internal traceback is needed to fix it.
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


class CjkitError(Exception):
    """Base class of all errors raised by cjkit on bad input or configuration.

    Catch this one class to handle every problem a researcher can fix in the data, the
    configuration or a parameter.

    Parameters
    ----------
    message : str
        What is wrong, in words a researcher can act on.

    Examples
    --------
    >>> from cjkit.errors import CjkitError, DataError
    >>> try:
    ...     raise DataError("expected a number", file="hotel.csv", row=12, column="q5")
    ... except CjkitError as err:
    ...     print(err)
    file 'hotel.csv', row 12, column 'q5': expected a number
    """


def _where(file=None, row=None, column=None, key=None) -> str:
    parts = []
    if file is not None:
        parts.append(f"file '{Path(file).name if isinstance(file, Path) else file}'")
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column '{column}'")
    if key is not None:
        parts.append(f"key '{key}'")
    return ", ".join(parts)


class Problem(NamedTuple):
    """One problem in a configuration file: the key path and what is wrong there."""

    key: str
    message: str


class ConfigError(CjkitError):
    """A YAML configuration (model, catalog, codebook, spec) is invalid.

    Parameters
    ----------
    message : str
        What is wrong and what was expected.
    path : str or Path, optional
        The configuration file.
    key : str, optional
        The offending key path, e.g. ``phases[2].label_de``.

    Attributes
    ----------
    problems : list of Problem
        Every problem found in the file (one for an error raised with *message* and *key*);
        see :meth:`from_problems`.

    Examples
    --------
    >>> from cjkit.errors import ConfigError, Problem
    >>> print(ConfigError("must be below max", path="spec.yaml", key="questions[1].scale"))
    file 'spec.yaml', key 'questions[1].scale': must be below max
    >>> err = ConfigError.from_problems([Problem("survey", "required"), Problem("questions[0].type", "unknown")],
    ...                                 path="spec.yaml")
    >>> print(err)
    2 problems in spec.yaml:
    spec.yaml: survey: required
    spec.yaml: questions[0].type: unknown
    >>> [p.key for p in err.problems]
    ['survey', 'questions[0].type']
    """

    def __init__(self, message: str, path=None, key: str | None = None):
        self.path = str(path) if path is not None else None
        self.key = key
        self.problems = [Problem(key or "<root>", message)]
        where = _where(file=self.path, key=key)
        super().__init__(f"{where}: {message}" if where else message)

    @classmethod
    def from_problems(cls, problems, path=None) -> "ConfigError":
        """One error for all *problems* of a file, one line ``file: key: message`` each.

        A single problem gives the same message as ``ConfigError(message, path, key)``.
        ``.key`` is the first problem's key path.
        """
        problems = [Problem(*p) for p in problems]
        if len(problems) == 1:
            return cls(problems[0].message, path=path, key=problems[0].key)
        err = cls.__new__(cls)
        err.path = str(path) if path is not None else None
        err.key = problems[0].key
        err.problems = problems
        name = err.path or "configuration"
        lines = [f"{len(problems)} problems in {name}:"] + [f"{name}: {p.key}: {p.message}" for p in problems]
        CjkitError.__init__(err, "\n".join(lines))
        return err


class DataError(CjkitError):
    """Input data cannot be read or does not fit its specification.

    Parameters
    ----------
    message : str
        What is wrong and what was expected.
    file : str or Path, optional
        The data file.
    row : int, optional
        1-based data row (the first row after the header rows is row 1).
    column : str, optional
        Column name as it appears in the file.

    Examples
    --------
    >>> from cjkit.errors import DataError
    >>> err = DataError("'sehr gut' is not a number on the scale 1-5", file="hotel.csv", row=12, column="q5")
    >>> str(err)
    "file 'hotel.csv', row 12, column 'q5': 'sehr gut' is not a number on the scale 1-5"
    >>> err.row, err.column
    (12, 'q5')
    """

    def __init__(self, message: str, file=None, row: int | None = None,
                 column: str | None = None):
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        where = _where(file=self.file, row=row, column=column)
        super().__init__(f"{where}: {message}" if where else message)


class ParameterError(CjkitError):
    """A function or report parameter has a value that is not allowed.

    The message names the parameter, the allowed values and the value received.

    Parameters
    ----------
    name : str
        The parameter.
    value : object
        The value received.
    allowed : sequence or str, optional
        The allowed values, or a text describing them.
    message : str, optional
        Replaces the default ``parameter '<name>' got <value>``.

    Examples
    --------
    >>> from cjkit.errors import ParameterError
    >>> str(ParameterError("lang", "fr", allowed=["de", "en"]))
    "parameter 'lang' got 'fr'; allowed: de, en"
    """

    def __init__(self, name: str, value, allowed=None, message: str | None = None):
        self.name = name
        self.value = value
        self.allowed = allowed
        text = message or f"parameter '{name}' got {value!r}"
        if allowed is not None:
            text += f"; allowed: {', '.join(map(str, allowed)) if not isinstance(allowed, str) else allowed}"
        super().__init__(text)
