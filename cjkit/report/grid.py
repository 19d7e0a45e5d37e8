"""The jobs of a batch run: every notebook x every grid combination, checked before anything runs.

:func:`expand_grid` turns a :class:`~cjkit.report.runconfig.RunConfig` into :class:`Job` s with
file-name-safe, collision-free names (:func:`slug`, :func:`unique_slugs`);
:func:`validate_parameters` checks a job's parameters against the notebook's tagged
``parameters`` cell; :func:`job_key` fingerprints everything a report depends on, so a rerun
skips reports that are up to date.

Examples
--------
>>> from cjkit.report.grid import slug
>>> slug("Geschäftsreisender / Familie")
'geschaeftsreisender-familie'
"""
from __future__ import annotations

import hashlib
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from cjkit.errors import ConfigError, ParameterError
from cjkit.report.manifest import input_hashes
from cjkit.report.runconfig import load_run

_TYPES = {"str": str, "int": int, "float": (int, float), "bool": bool, "list": list, "dict": dict}


@dataclass(frozen=True)
class Job:
    """One report: a notebook and its parameters.

    Parameters
    ----------
    notebook : Path
    parameters : dict
    name : str
        File name stem of the executed notebook and its HTML report.

    Examples
    --------
    >>> from pathlib import Path
    >>> Job(Path("nb.ipynb"), {"segment": "all"}, "nb__all").name
    'nb__all'
    """

    notebook: Path
    parameters: dict = field(hash=False)
    name: str = ""


def slug(text: str) -> str:
    """File-name-safe slug: umlauts transliterated, everything else to '-'.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        Lower case; ``"x"`` if nothing usable is left.

    Examples
    --------
    >>> slug("Familie mit Kindern")
    'familie-mit-kindern'
    """
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
    return re.sub(r"[^A-Za-z0-9_]+", "-", str(text).translate(table)).strip("-").lower() or "x"


def unique_slugs(values) -> dict:
    """A file-name part per value, distinct even where the slugs of two values are the same.

    Values whose slugs collide (they differ only in case, umlaut spelling or punctuation)
    get the first 8 hex digits of the SHA-256 of the value appended, so no report
    overwrites another.

    Parameters
    ----------
    values : iterable

    Returns
    -------
    dict
        value -> name part.

    Examples
    --------
    >>> from cjkit.report.grid import unique_slugs
    >>> names = unique_slugs(["Müller", "Mueller", "Paar"])
    >>> names["Paar"], names["Müller"] != names["Mueller"], names["Müller"].startswith("mueller-")
    ('paar', True, True)
    """
    values = list(dict.fromkeys(values))
    plain = {v: slug(v) for v in values}
    counts: dict = {}
    for s in plain.values():
        counts[s] = counts.get(s, 0) + 1
    return {v: s if counts[s] == 1 else f"{s}-{hashlib.sha256(str(v).encode('utf-8')).hexdigest()[:8]}"
            for v, s in plain.items()}


def notebook_parameters(notebook) -> dict:
    """The parameters a notebook declares in its tagged cell: name -> {type, default, help}.

    Parameters
    ----------
    notebook : str or Path

    Returns
    -------
    dict

    Examples
    --------
    >>> import tempfile, nbformat
    >>> from pathlib import Path
    >>> from cjkit.report.grid import notebook_parameters
    >>> book = nbformat.v4.new_notebook()
    >>> cell = nbformat.v4.new_code_cell('lang: str = "de"  # report language')
    >>> cell.metadata["tags"] = ["parameters"]
    >>> book.cells = [cell]
    >>> book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     nbformat.write(book, Path(tmp) / "nb.ipynb")
    ...     notebook_parameters(Path(tmp) / "nb.ipynb")
    {'lang': {'type': 'str', 'default': '"de"', 'help': 'report language'}}

    Raises
    ------
    ConfigError
        If the notebook has no cell tagged ``parameters``.
    """
    import papermill  # the notebook-execution stack (papermill, nbconvert) loads only for report runs

    params = papermill.inspect_notebook(str(notebook))
    if not params:
        raise ConfigError("the notebook has no cell tagged 'parameters'", path=notebook)
    return {name: {"type": p["inferred_type_name"], "default": p["default"], "help": p["help"]}
            for name, p in params.items()}


def validate_parameters(notebook, parameters: dict) -> None:
    """Refuse unknown or mistyped parameters before any notebook runs.

    Parameters
    ----------
    notebook : str or Path
        Notebook with a cell tagged ``parameters``.
    parameters : dict
        The values a run would inject.

    Examples
    --------
    >>> import tempfile, nbformat
    >>> from pathlib import Path
    >>> from cjkit.report.grid import validate_parameters
    >>> book = nbformat.v4.new_notebook()
    >>> cell = nbformat.v4.new_code_cell("top_n: int = 10  # how many")
    >>> cell.metadata["tags"] = ["parameters"]
    >>> book.cells = [cell]
    >>> book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     nbformat.write(book, Path(tmp) / "nb.ipynb")
    ...     validate_parameters(Path(tmp) / "nb.ipynb", {"top_n": "ten"})
    Traceback (most recent call last):
    ...
    cjkit.errors.ParameterError: parameter 'top_n' of notebook 'nb.ipynb' must be int, got str 'ten'

    Raises
    ------
    ParameterError
        Naming the parameter, the notebook, the allowed names or the expected type.
    """
    declared = notebook_parameters(notebook)
    for name, value in parameters.items():
        if name not in declared:
            raise ParameterError(name, value, allowed=sorted(declared),
                                 message=f"notebook '{Path(notebook).name}' has no parameter '{name}'")
        expected = _TYPES.get(declared[name]["type"])
        if expected is not None and (not isinstance(value, expected) or
                                     (expected is not bool and isinstance(value, bool))):
            raise ParameterError(name, value, message=(
                f"parameter '{name}' of notebook '{Path(notebook).name}' must be {declared[name]['type']}, "
                f"got {type(value).__name__} {value!r}"))

def expand_grid(config, values_of=None) -> list[Job]:
    """All jobs of a run: every notebook x every grid combination.

    Parameters
    ----------
    config : str, Path, dict or RunConfig
        The run configuration (see :func:`load_run`).
    values_of : callable, optional
        ``values_of(parameters, name) -> list`` expanding the grid value ``'@values'``
        (e.g. all personas found in the data).

    Returns
    -------
    list of Job
        Named ``<notebook>__<value>__<value>`` (``__all`` without a grid).

    Examples
    --------
    >>> import tempfile, nbformat
    >>> from pathlib import Path
    >>> from cjkit.report.grid import expand_grid
    >>> from cjkit.report.runconfig import load_run
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     nbformat.write(nbformat.v4.new_notebook(), Path(tmp) / "nb.ipynb")
    ...     cfg = load_run({"notebooks": ["nb.ipynb"], "parameters": {"lang": "de"}, "notebook_folders": ["."],
    ...                     "grid": {"segment": ["all", "@values"]}}, base=tmp)
    ...     jobs = expand_grid(cfg, values_of=lambda params, name: ["Familie", "Paar"])
    >>> [(j.name, j.parameters["segment"]) for j in jobs]
    [('nb__all', 'all'), ('nb__familie', 'Familie'), ('nb__paar', 'Paar')]
    """
    cfg = load_run(config)
    grid = {}
    for name, values in cfg.grid.items():
        expanded = []
        for v in values:
            if v == "@values":
                if values_of is None:
                    raise ConfigError("'@values' needs the data to expand", path=cfg.path, key=f"grid.{name}")
                expanded += [x for x in values_of(cfg.parameters, name) if x not in expanded]
            elif v not in expanded:
                expanded.append(v)
        grid[name] = expanded
    names = list(grid)
    parts = {n: unique_slugs(grid[n]) for n in names}
    jobs = []
    for entry in cfg.notebooks:
        nb = entry.path
        stem = nb.stem if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_\-]*", nb.stem) else slug(nb.stem)
        fixed = cfg.parameters if entry.parameters is None else entry.parameters
        if not entry.grid:
            jobs.append(Job(nb, dict(fixed), stem))
            continue
        for combo in itertools.product(*(grid[n] for n in names)) if names else [()]:
            params = {**fixed, **dict(zip(names, combo))}
            label = "__".join(parts[n][v] for n, v in zip(names, combo)) or "all"
            jobs.append(Job(nb, params, f"{stem}__{label}"))
    return jobs


def job_key(job: Job, version: str) -> str:
    """Fingerprint of everything a report depends on.

    The notebook, the parameters, every input file (parameters naming files, the spec and
    every file it names: data, touchpoint catalog, journey model, codebooks), the survey's
    erasure list, cjkit's catalogs (journey models, touchpoints, codebooks, lexicons,
    schemas) and the cjkit version (see :func:`cjkit.report.manifest.input_hashes`).

    Parameters
    ----------
    job : Job
    version : str
        The cjkit version.

    Returns
    -------
    str
        SHA-256 hex digest; a rerun skips a report whose key is unchanged.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from cjkit.report.grid import Job, job_key
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     nb = Path(tmp) / "nb.ipynb"
    ...     _ = nb.write_text("{}")
    ...     a, b = job_key(Job(nb, {"x": 1}), "1.0"), job_key(Job(nb, {"x": 2}), "1.0")
    >>> len(a), a == b
    (64, False)
    """
    h = hashlib.sha256()
    h.update(job.notebook.read_bytes())
    h.update(json.dumps(job.parameters, sort_keys=True, default=str).encode())
    for name, digest in sorted(input_hashes(job.parameters, base=job.notebook.parent).items()):
        h.update(f"{name}={digest}\n".encode())
    h.update(version.encode())
    return h.hexdigest()
