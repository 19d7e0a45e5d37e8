"""A batch run's configuration: the run file (YAML, schema ``report_run``) as a frozen object.

:func:`load_run` validates a run file, refuses notebooks from outside the project's notebook
folders and a run name that is a path, and makes every path absolute (relative to the file)
once, so nothing downstream reads the raw YAML. :class:`RunConfig` is what the grid expansion
(:mod:`cjkit.report.grid`), the runner (:mod:`cjkit.report.batch`) and the manifest read.

Examples
--------
>>> from cjkit.report.runconfig import NotebookEntry
>>> from pathlib import Path
>>> NotebookEntry(Path("nb.ipynb")).grid
True
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from cjkit.catalog.config import load_config
from cjkit.errors import ParameterError, Problem
from cjkit.report import outputs
from cjkit.report.manifest import PATH_PARAMETERS

#: the notebooks folder of this cjkit checkout (always allowed)
OWN_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


@dataclass(frozen=True)
class NotebookEntry:
    """One notebook of a run.

    Examples
    --------
    >>> from pathlib import Path
    >>> NotebookEntry(Path("paths.ipynb"), {"lang": "de"}, grid=False).grid
    False

    Parameters
    ----------
    path : Path
        The notebook (absolute).
    parameters : dict or None
        Parameters replacing the run's parameters for this notebook (None: the run's).
    grid : bool
        False: run once, not once per grid combination.
    """

    path: Path
    parameters: dict | None = None
    grid: bool = True


@dataclass(frozen=True)
class RunConfig:
    """A validated batch run configuration (schema ``report_run``), see :func:`load_run`.

    Paths are absolute: notebook paths and the parameters named in ``path_parameters``
    are resolved against the configuration file's folder once, when it is loaded.

    Parameters
    ----------
    notebooks : tuple of NotebookEntry
    parameters : dict
        Parameters passed to every notebook.
    run : str
        Output folder name under *output_root*.
    output_root : Path
    title : str
    grid : dict
        Parameter -> list of values; ``'@values'`` expands to the values found in the data.
    path_parameters : tuple of str
        Parameters holding file paths.
    workers : int
        Parallel processes.
    timeout_seconds : int
        Per-cell execution timeout.
    path : Path or None
        The configuration file.
    notebook_folders : tuple of Path
        Folders notebooks may come from: the project's ``notebooks/`` folder (the nearest
        one above the run file), cjkit's own, and those the run file lists in
        ``notebook_folders``.
    permissions : {"private", "group", "shared"}
        Modes of the written files: 0600/0700 (default), 0640/0750 or 0644/0755.
    formats : tuple of str
        What every report is delivered as: ``html`` always, plus ``pdf`` (paginated, by headless
        Chromium, :func:`cjkit.report.pdf.export_pdf`) and ``pptx`` (the key charts and figures,
        :func:`cjkit.report.deck.export_deck`).
    theme : Path or None
        The client's theme file (:func:`cjkit.catalog.themefile.load_theme`) applied to the
        HTML, PDF and PowerPoint; None: cjkit's default look.
    dask : str or None
        Address of a Dask scheduler (``tls://host:8786``) whose workers run the reports
        (:mod:`cjkit.report.distributed`); None: local worker processes.
    dask_insecure : bool
        Allow a ``tcp://`` scheduler address (a cluster on this machine).

    Examples
    --------
    >>> import tempfile, nbformat
    >>> from pathlib import Path
    >>> from cjkit.report.runconfig import load_run
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     nbformat.write(nbformat.v4.new_notebook(), Path(tmp) / "nb.ipynb")
    ...     cfg = load_run({"notebooks": ["nb.ipynb"], "parameters": {"spec": "spec.yaml", "lang": "de"},
    ...                     "notebook_folders": ["."]}, base=tmp)
    ...     print(cfg.notebooks[0].path.name, cfg.run, cfg.parameters["spec"] == str(Path(tmp).resolve() / "spec.yaml"))
    ...     print(cfg.with_parameters(lang="en").parameters["lang"], cfg.parameters["lang"])
    nb.ipynb run True
    en de
    """

    notebooks: tuple[NotebookEntry, ...]
    parameters: dict
    run: str
    output_root: Path
    title: str = ""
    grid: dict = field(default_factory=dict)
    path_parameters: tuple[str, ...] = PATH_PARAMETERS
    workers: int = 2
    timeout_seconds: int = 900
    path: Path | None = None
    notebook_folders: tuple[Path, ...] = ()
    permissions: str = "private"
    formats: tuple[str, ...] = ("html",)
    theme: Path | None = None
    dask: str | None = None
    dask_insecure: bool = False

    def with_parameters(self, **values) -> RunConfig:
        """A copy with *values* added to (or replacing) the run's parameters."""
        return replace(self, parameters={**self.parameters, **values})

    def with_grid(self, **values) -> RunConfig:
        """A copy with grid entries *values* added or replaced."""
        return replace(self, grid={**self.grid, **values})

def _notebook_folders(data: dict, base: Path) -> tuple[Path, ...]:
    """Folders notebooks may come from: the project's notebooks/, cjkit's own, and those listed."""
    found = [OWN_NOTEBOOKS]
    for folder in [base, *base.parents]:
        if (folder / "notebooks").is_dir():
            found.append((folder / "notebooks").resolve())
            break
    listed = data.get("notebook_folders") if isinstance(data.get("notebook_folders"), list) else []
    found += [(base / f).resolve() for f in listed if isinstance(f, str)]
    return tuple(dict.fromkeys(found))


def _check_run_file(data: dict, base: Path) -> list[Problem]:
    """Problems the schema cannot see: missing or foreign notebooks, a run name that is a path."""
    out = []
    allowed = _notebook_folders(data, base)
    entries = data.get("notebooks")
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        nb = entry if isinstance(entry, str) else entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(nb, str):
            continue
        path = (base / nb).resolve()  # symbolic links resolved: a link cannot smuggle a notebook in
        if not path.is_file():
            out.append(Problem(f"notebooks[{i}]", f"notebook '{nb}' not found (looked at {path})"))
        elif path.suffix != ".ipynb" or not any(path.is_relative_to(f) for f in allowed):
            out.append(Problem(f"notebooks[{i}]", (
                f"notebook '{nb}' is outside the project's notebook folders ({', '.join(str(f) for f in allowed)}); "
                "list its folder under 'notebook_folders' to allow it")))
    run = data.get("run")
    if isinstance(run, str) and ".." in run and not run.startswith("."):  # the schema refuses the rest
        try:
            outputs.check_name(run, "run")
        except ParameterError as err:
            out.append(Problem("run", str(err)))
    return out


def load_run(source, *, base=None) -> RunConfig:
    """Load and validate a run configuration; paths become absolute (relative to the file).

    Parameters
    ----------
    source : str, Path, dict or RunConfig
        The YAML file, its parsed content, or a loaded configuration (returned as it is).
    base : str or Path, optional
        Folder relative paths refer to when *source* is a dict (default: the working folder).

    Returns
    -------
    RunConfig

    Raises
    ------
    ConfigError
        Every schema problem and every missing notebook, with key paths.

    Examples
    --------
    See :class:`RunConfig`.
    """
    if isinstance(source, RunConfig):
        return source
    path = Path(source).resolve() if isinstance(source, (str, Path)) else None
    base = path.parent if path else Path(base or Path.cwd()).resolve()
    data = load_config(path or source, schema="report_run", check=lambda d: _check_run_file(d, base))
    path_params = tuple(data.get("path_parameters", PATH_PARAMETERS))

    def resolve(params: dict) -> dict:
        params = dict(params)
        for name in path_params:
            if params.get(name):
                params[name] = str((base / params[name]).resolve())
        return params

    entries = []
    for entry in data["notebooks"]:
        nb = entry if isinstance(entry, str) else entry["path"]
        own = entry if isinstance(entry, dict) else {}
        entries.append(NotebookEntry((base / nb).resolve(),
                                     resolve(own["parameters"]) if "parameters" in own else None,
                                     own.get("grid", True)))
    root = data.get("output_root")
    return RunConfig(notebooks=tuple(entries), parameters=resolve(data["parameters"]),
                     run=data.get("run", path.stem if path else "run"),
                     output_root=(base / root).resolve() if root else entries[0].path.parent.parent / "reports",
                     title=data.get("title", ""), grid={k: list(v) for k, v in data.get("grid", {}).items()},
                     path_parameters=path_params, workers=data.get("workers", 2),
                     timeout_seconds=data.get("timeout_seconds", 900), path=path,
                     notebook_folders=_notebook_folders(data, base),
                     permissions=data.get("permissions", "private"),
                     formats=tuple(dict.fromkeys(["html", *data.get("formats", [])])),
                     theme=(base / data["theme"]).resolve() if data.get("theme") else None,
                     dask=data.get("dask"), dask_insecure=data.get("dask_insecure", False))
