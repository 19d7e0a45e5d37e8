"""Load YAML configuration and validate it against cjkit's JSON schemas.

Schemas live as YAML in ``cjkit/data/schemas/<name>.schema.yaml`` so that
configuration and its rules are both plain data. Validation collects *every*
problem of a file -- schema violations and the semantic checks a schema cannot
express -- and raises them together in one :class:`~cjkit.errors.ConfigError`,
so a researcher fixes a file in one pass instead of one error per run.

Examples
--------
>>> from cjkit.catalog.config import load_config
>>> load_config({"notebooks": ["a.ipynb"], "parameters": {}}, "report_run")["notebooks"]
['a.ipynb']
"""
from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from cjkit.errors import ConfigError, Problem

DATA = Path(__file__).resolve().parents[1] / "data"
# libyaml's loader when PyYAML was built with it: the same documents, read several times faster
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: a semantic check: validated data in, problems (key path, message) out
Check = Callable[[Any], Iterable[Problem]]


def key_path(parts) -> str:
    """Format a sequence of keys and list indices as a key path.

    Parameters
    ----------
    parts : iterable of str or int
        Mapping keys and list positions from the document root.

    Returns
    -------
    str
        E.g. ``questions[3].scale``; ``<root>`` for the document itself.

    Examples
    --------
    >>> key_path(["questions", 3, "scale", "min"])
    'questions[3].scale.min'
    >>> key_path([])
    '<root>'
    """
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "<root>"


@functools.cache
def schema(name: str) -> dict:
    """Return the JSON schema called *name* (file ``<name>.schema.yaml``).

    Parameters
    ----------
    name : str
        Schema name, e.g. ``"survey_spec"``.

    Returns
    -------
    dict
        The parsed schema (cached; do not modify).

    Raises
    ------
    ConfigError
        If no such schema exists.

    Examples
    --------
    >>> schema("survey_spec")["required"]
    ['survey', 'respondent_id', 'questions']
    """
    path = DATA / "schemas" / f"{name}.schema.yaml"
    if not path.is_file():
        raise ConfigError(f"no schema called '{name}'", path=str(path))
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader


def read_yaml(path) -> Any:
    """Read a YAML file, turning syntax errors into :class:`ConfigError` with line numbers.

    Parameters
    ----------
    path : str or Path
        The YAML file.

    Returns
    -------
    Any
        The parsed document.

    Raises
    ------
    ConfigError
        File missing, not UTF-8, or not valid YAML (with line and column).

    Examples
    --------
    >>> read_yaml(DATA / "models" / "accra.yaml")["id"]
    'accra'
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file not found", path=path) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=path) from None
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ConfigError(f"invalid YAML{where}: {getattr(exc, 'problem', exc)}", path=path) from None


def _uses_format(node) -> bool:
    """True if a schema has a ``format`` keyword (a string; a *property* called format is a dict)."""
    if isinstance(node, dict):
        return isinstance(node.get("format"), str) or any(_uses_format(v) for v in node.values())
    if isinstance(node, list):
        return any(_uses_format(v) for v in node)
    return False


def _jsonschema():
    """Import jsonschema without the IRI format checker's grammar package.

    jsonschema is imported here, not at module level, so ``import cjkit`` stays cheap for
    notebooks that never read a configuration file. When ``rfc3987_syntax`` is installed (Jupyter
    pulls it in), importing jsonschema compiles its IRI grammars: about 2 s in every process, every
    report kernel included. cjkit's schemas check no ``iri`` format, so the package is hidden while
    jsonschema loads; whoever imports it later gets it as usual.
    """
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        import jsonschema
        return jsonschema
    sys.modules["rfc3987_syntax"] = None  # an ImportError for jsonschema, which then skips the IRI checks
    try:
        import jsonschema
    finally:
        del sys.modules["rfc3987_syntax"]
    return jsonschema


@functools.cache
def _validator(name: str):
    """The compiled validator of schema *name*, built once per process."""
    jsonschema = _jsonschema()
    sch = schema(name)
    cls = jsonschema.validators.validator_for(sch)
    return cls(sch, format_checker=cls.FORMAT_CHECKER if _uses_format(sch) else None)


def schema_problems(data: Any, schema_name: str) -> list[Problem]:
    """Every violation of schema *schema_name* in *data*, in document order.

    Parameters
    ----------
    data : Any
        Parsed YAML.
    schema_name : str
        Schema name, e.g. ``"journey_model"``.

    Returns
    -------
    list of Problem
        ``(key, message)`` pairs; empty if *data* is valid.

    Examples
    --------
    >>> bad = {"notebooks": [], "parameters": {}, "workers": 0}
    >>> for p in schema_problems(bad, "report_run"):
    ...     print(p.key, "|", p.message)
    notebooks | [] should be non-empty
    workers | 0 is less than the minimum of 1
    """
    best_match = _jsonschema().exceptions.best_match  # imported only when validating (see _jsonschema)

    out = []
    for err in _validator(schema_name).iter_errors(data):
        if err.context:
            # oneOf/anyOf report one error for the whole value; what to fix is said by the
            # alternatives of the value's own type (a mapping given where a string or a mapping
            # is allowed: the mapping alternative's errors, not "is not of type 'string'")
            fitting = [e for e in err.context
                       if not (e.validator == "type" and list(e.absolute_path) == list(err.absolute_path))]
            err = best_match(fitting or err.context)
        out.append(Problem(key_path(err.absolute_path), err.message))
    order = {p: i for i, p in enumerate(out)}
    return sorted(dict.fromkeys(out), key=lambda p: (_sort_key(p.key), order[p]))


def _sort_key(key: str):
    # numeric list positions sort as numbers: questions[2] before questions[10]
    return [int(t) if t.isdigit() else t for t in re.split(r"\[(\d+)\]", key)]


def raise_problems(problems: Iterable[Problem], path=None) -> None:
    """Raise one :class:`ConfigError` listing all *problems*; do nothing if there are none.

    Parameters
    ----------
    problems : iterable of Problem
        ``(key, message)`` pairs.
    path : str or Path, optional
        The configuration file, named in the message.

    Raises
    ------
    ConfigError
        With ``.problems`` holding every problem and ``.key`` the first key path.

    Examples
    --------
    >>> from cjkit.errors import ConfigError, Problem
    >>> try:
    ...     raise_problems([Problem("a", "wrong"), Problem("b[1]", "missing")], path="x.yaml")
    ... except ConfigError as err:
    ...     print(err)
    2 problems in x.yaml:
    x.yaml: a: wrong
    x.yaml: b[1]: missing
    """
    problems = list(problems)
    if problems:
        raise ConfigError.from_problems(problems, path=path)


def validate(data: Any, schema_name: str, path=None, check: Check | None = None) -> Any:
    """Validate *data* against schema *schema_name* and an optional semantic *check*.

    Parameters
    ----------
    data : Any
        Parsed YAML.
    schema_name : str
        Schema name.
    path : str or Path, optional
        File the data came from, for the error message.
    check : callable, optional
        ``check(data) -> iterable of Problem`` for rules a schema cannot express (unique
        ids, references to other files). It runs even when the schema found problems, so
        that all of a file's problems are reported together; it must therefore tolerate
        wrongly typed values (skip them, the schema already reports them).

    Returns
    -------
    Any
        *data* unchanged.

    Raises
    ------
    ConfigError
        Listing every problem with its key path (``.problems``).

    Examples
    --------
    >>> validate({"notebooks": ["a.ipynb"], "parameters": {}}, "report_run")
    {'notebooks': ['a.ipynb'], 'parameters': {}}
    >>> validate({"notebooks": ["a.ipynb"]}, "report_run", path="run.yaml")
    Traceback (most recent call last):
    ...
    cjkit.errors.ConfigError: file 'run.yaml', key '<root>': 'parameters' is a required property
    """
    problems = schema_problems(data, schema_name)
    if check is not None and isinstance(data, dict):
        problems += [p for p in check(data) if p not in problems]
    raise_problems(problems, path=path)
    return data


def load_config(source, schema: str, check: Check | None = None) -> Any:
    """Read (if a path) and validate a configuration against *schema*.

    Parameters
    ----------
    source : str, Path or dict
        YAML file or already-parsed data.
    schema : str
        Schema name, e.g. ``"journey_model"``.
    check : callable, optional
        Semantic check, see :func:`validate`.

    Returns
    -------
    Any
        The parsed, validated data.

    Raises
    ------
    ConfigError
        Unreadable file, or every schema and semantic problem at once.

    Examples
    --------
    >>> from cjkit.catalog.config import DATA, load_config
    >>> load_config(DATA / "models" / "service.yaml", "journey_model")["id"]
    'service'
    """
    if isinstance(source, (str, Path)):
        return validate(read_yaml(source), schema, path=source, check=check)
    return validate(source, schema, check=check)
