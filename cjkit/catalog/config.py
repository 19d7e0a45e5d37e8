"""Load YAML configuration and validate it against cjkit's JSON schemas.

Schemas live as YAML in ``cjkit/data/schemas/<name>.schema.yaml`` so that
configuration and its rules are both plain data.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from cjkit.errors import ConfigError

DATA = Path(__file__).resolve().parents[1] / "data"


def _key_path(parts) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "<root>"


@functools.cache
def schema(name: str) -> dict:
    """Return the JSON schema called *name* (file ``<name>.schema.yaml``)."""
    path = DATA / "schemas" / f"{name}.schema.yaml"
    if not path.is_file():
        raise ConfigError(f"no schema called '{name}'", path=str(path))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def read_yaml(path) -> Any:
    """Read a YAML file, turning syntax errors into :class:`ConfigError` with line numbers."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file not found", path=path) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=path) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ConfigError(f"invalid YAML{where}: {getattr(exc, 'problem', exc)}", path=path) from None


def validate(data: Any, schema_name: str, path=None) -> Any:
    """Validate *data* against schema *schema_name*; raise on the first (most specific) error.

    Raises
    ------
    ConfigError
        Naming the file and the key path of the offending value.
    """
    validator = jsonschema.Draft202012Validator(schema(schema_name))
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if errors:
        err = jsonschema.exceptions.best_match(errors)
        raise ConfigError(err.message, path=path, key=_key_path(err.absolute_path))
    return data


def load_config(source, schema: str) -> Any:
    """Read (if a path) and validate a configuration against *schema*.

    Parameters
    ----------
    source : str, Path or dict
        YAML file or already-parsed data.
    schema : str
        Schema name, e.g. ``"journey_model"``.

    Examples
    --------
    >>> from cjkit.catalog.config import load_config
    >>> m = load_config({"id": "x"}, "journey_model")  # doctest: +SKIP
    """
    if isinstance(source, (str, Path)):
        return validate(read_yaml(source), schema, path=source)
    return validate(source, schema)
