"""Batch report runs: papermill over a parameter grid, in parallel, reproducibly.

A run configuration (YAML, schema ``report_run``) names notebooks, fixed parameters
and a grid; every combination becomes one executed notebook and one HTML report
(code hidden) in ``reports/<run>/``. Parameters are checked against each notebook's
tagged ``parameters`` cell *before* anything runs. A failing report does not stop the
others; reruns skip reports whose notebook, parameters and inputs are unchanged.

Examples
--------
>>> from cjkit.report.batch import RunConfig, slug
>>> slug("Geschäftsreisender / Familie")
'geschaeftsreisender-familie'
"""
from __future__ import annotations

import hashlib
import itertools
import json
import logging
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from cjkit.catalog.config import load_config
from cjkit.cluster import check_address
from cjkit.privacy.pii import mask_pii
from cjkit._version import __version__
from cjkit.errors import CjkitError, ConfigError, ParameterError, Problem
from cjkit.io import erasure
from cjkit.report import kernels, outputs, snapshot
from cjkit.report.distributed import job_pool
from cjkit.report.export import neutralise_csv_file
from cjkit.catalog.themefile import load_theme
from cjkit.report.deck import export_deck
from cjkit.report.pdf import export_pdf
from cjkit.report.styling import style_html
from cjkit.report.manifest import PATH_PARAMETERS, input_hashes, write_index, write_manifest

log = logging.getLogger("cjkit.report.batch")
#: the notebooks folder of this cjkit checkout (always allowed)
OWN_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
_TYPES = {"str": str, "int": int, "float": (int, float), "bool": bool, "list": list, "dict": dict}


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
    >>> from cjkit.report.batch import load_run
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
    >>> from cjkit.report.batch import unique_slugs
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
    >>> from cjkit.report.batch import notebook_parameters
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
    >>> from cjkit.report.batch import validate_parameters
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
    >>> from cjkit.report.batch import expand_grid, load_run
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
    >>> from cjkit.report.batch import Job, job_key
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


def execute(job: Job, out_dir: Path, timeout: int = 900, permissions: str = "private", *,
            formats: tuple[str, ...] = ("html",), theme: Path | None = None, title: str = "",
            cache: Path | None = None, prestart: bool = False) -> dict:
    """Run one job with papermill and export HTML with code hidden. Never raises: errors are returned.

    The kernel talks to the runner over IPC sockets in a private temporary folder (no TCP
    port); files the notebook writes get the run's *permissions*; CSV files it writes get the
    formula rule of :func:`cjkit.report.export.neutralise_csv_file`; the HTML report loads
    no remote script (:func:`cjkit.report.outputs.export_html`).

    Parameters
    ----------
    job : Job
    out_dir : Path
        Folder for ``<name>.ipynb``, ``<name>.html`` and the notebook's own ``<name>/`` folder.
    timeout : int
        Seconds per cell.
    permissions : {"private", "group", "shared"}
        Modes of the written files (see :data:`cjkit.report.outputs.PERMISSIONS`).
    formats : tuple of str
        ``html`` plus optionally ``pdf`` and ``pptx`` (see :class:`RunConfig`).
    theme : Path or None
        The client's theme file for HTML, PDF and PowerPoint.
    title : str
        The run's title, shown as the survey on the PDF cover and the slides.
    cache : Path or None
        The run's snapshot cache (:mod:`cjkit.report.snapshot`): the notebook's kernel reads
        the loaded survey from there.
    prestart : bool
        Another report follows in this process: start its kernel now, so it has imported
        cjkit by the time this report is done (:mod:`cjkit.report.kernels`).

    Returns
    -------
    dict
        name, notebook, status (ok | failed), error, ipynb, html, pdf, pptx, notes, seconds.
        A PDF or deck that cannot be made (e.g. no Chromium) is a note, not a failure.

    Examples
    --------
    See :func:`run_batch`, which calls it per report.
    """
    import papermill  # the notebook-execution stack loads only for report runs (and in each worker)

    ipynb, html, own = out_dir / f"{job.name}.ipynb", out_dir / f"{job.name}.html", out_dir / job.name
    start = time.perf_counter()
    status, error, made, notes = "ok", "", {"pdf": "", "pptx": ""}, ""
    try:
        outputs.check_name(job.name, "report")
        for target in (ipynb, html, own):
            outputs.check_target(target)
        if own.is_dir():  # last run's tables and figures may hold respondents erased since
            shutil.rmtree(own)
        for ext in ("pdf", "pptx"):  # so may last run's deliverables, whether or not this run makes them
            outputs.check_target(out_dir / f"{job.name}.{ext}")
            (out_dir / f"{job.name}.{ext}").unlink(missing_ok=True)
        warm = kernels.take(job.notebook.parent, cache, permissions)  # started while the last report ran
        if prestart:  # and the next report's kernel starts and imports while this one runs
            kernels.prestart(job.notebook.parent, cache, permissions)
        with outputs.umask_for(permissions), tempfile.TemporaryDirectory(prefix="cjkit-k-") as sockets, \
                snapshot.active(cache):
            kernel = {"km": warm[0]} if warm else \
                {"kernel_manager_class": outputs.ipc_kernel_manager(sockets)} if outputs.IPC else {}
            try:
                papermill.execute_notebook(str(job.notebook), str(ipynb), parameters={**job.parameters,
                                           "output_dir": str(own)}, kernel_name="python3",
                                           cwd=str(job.notebook.parent), progress_bar=False, log_output=False,
                                           execution_timeout=timeout, **kernel)
            except Exception as exc:  # papermill's PapermillExecutionError carries the cell's error
                status = "failed"
                error = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', str(exc))}"[:2000]
            finally:
                kernels.release(warm)
            for table in own.rglob("*.csv") if own.is_dir() else []:
                if not table.is_symlink():
                    neutralise_csv_file(table)
            if ipynb.is_file():
                html.write_text(outputs.export_html(ipynb), encoding="utf-8")
            if status == "ok":
                made, notes = _deliverables(job, out_dir, html, formats=formats, theme=theme, title=title)
    except Exception as exc:  # a refused target or a broken export: this report failed, the run goes on
        status, error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
    return {"name": job.name, "notebook": job.notebook.name, "status": status, "error": error,
            "ipynb": ipynb.name if ipynb.is_file() else "", "html": html.name if html.is_file() else "",
            **made, "notes": notes, "seconds": round(time.perf_counter() - start, 1)}


def _deliverables(job: Job, out_dir: Path, html: Path, *, formats, theme, title) -> tuple[dict, str]:
    """The client's look on the HTML, then the PDF and the deck the run asks for.

    A deliverable that cannot be made (no Chromium for the PDF, a broken master slide) is
    reported as a note on the report; the HTML report itself stands.
    """
    lang = job.parameters.get("lang", "de")
    lang = lang if lang in ("de", "en") else "de"
    made, notes = {"pdf": "", "pptx": ""}, []
    loaded = load_theme(theme) if theme else None
    style_html(html, theme=loaded, lang=lang)
    if "pdf" in formats:
        try:
            made["pdf"] = export_pdf(html, theme=loaded, lang=lang, survey=title or None).name
        except CjkitError as err:
            notes.append(f"PDF: {err}")
    if "pptx" in formats:
        try:
            made["pptx"] = export_deck(out_dir / job.name, theme=loaded, lang=lang, survey=title or None).name
        except CjkitError as err:
            notes.append(f"PowerPoint: {err}")
    return made, mask_pii("; ".join(notes))


def _previous(manifest_path: Path) -> dict:
    if not manifest_path.is_file():
        return {}
    try:
        return {r["name"]: r for r in json.loads(manifest_path.read_text(encoding="utf-8")).get("reports", [])}
    except (json.JSONDecodeError, KeyError, TypeError):
        log.warning("ignoring unreadable manifest %s; all reports will be rebuilt", manifest_path)
        return {}


def _check_jobs(cfg: RunConfig, values_of, preflight) -> tuple[list[Job], list[dict]]:
    """Expand the grid and check every job (parameter names and types, then *preflight*)."""
    jobs = expand_grid(cfg, values_of)
    for job in jobs:  # all parameters are checked before anything runs
        validate_parameters(job.notebook, {**job.parameters, "output_dir": "x"})
    checked = preflight(jobs) if preflight else []
    return jobs, checked


def run_batch(config, *, run: str | None = None, workers: int | None = None, force: bool = False,
              progress: bool = True, values_of=None, context=None, preflight=None, cluster=None) -> pd.DataFrame:
    r"""Execute every report of a run configuration.

    Parameters
    ----------
    config : str, Path, dict or RunConfig
        Run configuration (see :func:`load_run`).
    run : str, optional
        Output folder name under the output root (default: the config's ``run``).
    workers : int, optional
        Parallel processes (default: config ``workers`` or 2).
    force : bool
        Rebuild reports that are up to date.
    values_of : callable, optional
        Expands ``'@values'`` in the grid; see :func:`expand_grid`.
    context : callable, optional
        ``context(parameters) -> dict`` of run-level facts for the manifest (e.g. the
        data-quality ledger summary), called once with the fixed parameters.
    preflight : callable, optional
        ``preflight(jobs) -> list of dict`` checking every report before any kernel starts
        (see :func:`cjkit.report.plan.preflight`): a report with ``errors`` stops the run, one
        with ``run=False`` is not run (status ``not_applicable``), ``omitted`` sections are
        listed in ``index.html``.
    cluster : str, distributed.Client or cluster object, optional
        Run the reports on a Dask cluster instead of local processes (default: the config's
        ``dask``); see :func:`cjkit.report.distributed.job_pool`.

    Returns
    -------
    DataFrame
        One row per report: name, notebook, parameters, status (ok | failed | skipped |
        not_applicable), error, ipynb, html, seconds, key, notes. The manifest and
        ``index.html`` are written too.

    Raises
    ------
    CjkitError
        When the run configuration, a parameter, the spec or the data is wrong: nothing runs,
        but ``index.html`` is written listing the problems.

    Examples
    --------
    >>> import tempfile, nbformat
    >>> from pathlib import Path
    >>> from cjkit.report.batch import load_run, run_batch
    >>> book = nbformat.v4.new_notebook()
    >>> cell = nbformat.v4.new_code_cell('x: int = 1\noutput_dir: str = "."')
    >>> cell.metadata["tags"] = ["parameters"]
    >>> book.cells = [cell, nbformat.v4.new_code_cell("assert x < 3, 'x too big'")]
    >>> book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     nbformat.write(book, Path(tmp) / "nb.ipynb")
    ...     cfg = load_run({"notebooks": ["nb.ipynb"], "parameters": {}, "grid": {"x": [1, 5]},
    ...                     "output_root": "reports", "notebook_folders": ["."]}, base=tmp)
    ...     result = run_batch(cfg, run="demo", workers=1, progress=False)
    ...     print(sorted(p.name for p in (Path(tmp) / "reports" / "demo").iterdir()))
    ['index.html', 'manifest.json', 'nb__1.html', 'nb__1.ipynb', 'nb__5.html', 'nb__5.ipynb']
    >>> result[["name", "status", "error"]]
        name  status                        error
    0  nb__1      ok
    1  nb__5  failed  AssertionError: x too big
    """
    cfg = load_run(config)
    if isinstance(cluster or cfg.dask, str):  # an unencrypted address is refused before anything is read
        check_address(cluster or cfg.dask, insecure=cfg.dask_insecure)
    out_dir = outputs.run_folder(cfg.output_root, run or cfg.run, permissions=cfg.permissions)
    sources = [e.path for e in cfg.notebooks if e.path.parent == out_dir.resolve()]
    if sources:  # a report named like its notebook would overwrite the source
        raise CjkitError(f"run folder '{out_dir}' holds the notebook '{sources[0].name}' itself; choose another "
                         "'run' or 'output_root'")
    # every (spec, data) is read and validated once; grid, preflight, reports and manifest read the snapshot
    cache = out_dir / snapshot.CACHE_FOLDER
    outputs.check_target(cache)
    index = snapshot.prepare([cfg.parameters, *(e.parameters for e in cfg.notebooks if e.parameters)], cache)
    with snapshot.active(cache if index else None):
        result = _run_jobs(cfg, out_dir, workers=workers, force=force, progress=progress, values_of=values_of,
                           context=context, preflight=preflight, cluster=cluster or cfg.dask,
                           cache=cache if index else None)
    snapshot.prune(cache, index.values())
    return result


def _run_jobs(cfg: RunConfig, out_dir: Path, *, workers, force, progress, values_of, context,
              preflight, cluster, cache) -> pd.DataFrame:
    """The body of :func:`run_batch` once the snapshots are ready: check, run, write manifest and index."""
    from tqdm.auto import tqdm  # progress bars only when a run starts

    try:
        if cfg.theme:  # a broken theme file is found before any kernel starts
            load_theme(cfg.theme)
        jobs, checked = _check_jobs(cfg, values_of, preflight)
    except CjkitError as err:  # e.g. a broken spec while expanding '@values': the index says so
        write_index(out_dir, cfg, [], {"errors": [str(err)]})
        _apply_permissions(out_dir, cfg.permissions)
        raise
    notes = {c["name"]: c for c in checked}
    errors = [f"{c['name']}: {e}" for c in checked for e in c["errors"]]
    if errors:
        rows = [{"name": c["name"], "notebook": c["notebook"], "status": "not_run", "error": " | ".join(c["errors"]),
                 "ipynb": "", "html": "", "seconds": 0.0, "notes": _notes(c)} for c in checked]
        write_index(out_dir, cfg, rows, {"errors": list(dict.fromkeys(errors))})
        _apply_permissions(out_dir, cfg.permissions)
        shown = list(dict.fromkeys(e for c in checked for e in c["errors"]))
        raise CjkitError(f"preflight of '{cfg.path.name if cfg.path else cfg.run}' found {len(shown)} "
                         f"problem(s), nothing was run (see {out_dir / 'index.html'}):\n  " + "\n  ".join(shown))
    previous = _previous(out_dir / "manifest.json")
    _remove_stale(out_dir, previous, {job.name for job in jobs})
    keys = {job.name: job_key(job, __version__) for job in jobs}
    todo, rows = [], []
    for job in jobs:
        plan = notes.get(job.name, {})
        if plan and not plan["run"]:  # the survey lacks what this report is about
            rows.append({"name": job.name, "notebook": job.notebook.name, "status": "not_applicable",
                         "error": plan["reason"], "ipynb": "", "html": "", "seconds": 0.0})
            continue
        old = previous.get(job.name, {})
        if (not force and old.get("key") == keys[job.name] and old.get("status") in ("ok", "skipped")
                and (out_dir / old.get("html", "-")).is_file()):
            rows.append({**old, "status": "skipped", "seconds": 0.0})
        else:
            todo.append(job)
    n_workers = workers or cfg.workers
    timeout = cfg.timeout_seconds
    bar = tqdm(total=len(todo), desc=f"cjkit report {out_dir.name}", unit="report", disable=not progress)
    with job_pool(min(n_workers, len(todo) or 1), cluster if todo else None,
                  insecure=cfg.dask_insecure) as (submit, finished):
        last = len(todo) - max(1, min(n_workers, len(todo)))  # the final reports start no kernel ahead
        futures = {submit(execute, job, out_dir, timeout, cfg.permissions, formats=cfg.formats,
                          theme=cfg.theme, title=cfg.title, cache=cache, prestart=cluster is None and i < last): job
                   for i, job in enumerate(todo)}
        for fut in finished(futures):
            job = futures[fut]
            try:
                row = fut.result()
            except Exception as exc:  # a crashed worker process still must not stop the others
                row = {"name": job.name, "notebook": job.notebook.name, "status": "failed",
                       "error": f"{type(exc).__name__}: {exc}", "ipynb": "", "html": "", "seconds": 0.0}
            row["error"] = mask_pii(row["error"]) if row["error"] else ""  # a cell's error may quote data
            if row["status"] == "failed":  # the caller shows failures once (the CLI: one line each)
                log.info("report %s failed: %s", job.name, row["error"])
            rows.append(row)
            bar.update(1)
    bar.close()
    by_name = {job.name: job for job in jobs}
    for row in rows:
        row["parameters"] = {k: v for k, v in by_name[row["name"]].parameters.items()}
        row["key"] = keys[row["name"]]
        row["notes"] = "; ".join(filter(None, [_notes(notes.get(row["name"], {})), row.get("notes", "")]))
    order = {job.name: i for i, job in enumerate(jobs)}
    rows.sort(key=lambda r: order[r["name"]])
    extra = context(cfg.parameters) if context else {}
    erased = _erasure_facts(cfg)
    if erased:
        extra = {**extra, "erasure": erased}
    write_manifest(out_dir, cfg, rows, extra)
    write_index(out_dir, cfg, rows, extra)
    _apply_permissions(out_dir, cfg.permissions)
    return pd.DataFrame(rows, columns=["name", "notebook", "parameters", "status", "error", "ipynb",
                                       "html", "pdf", "pptx", "seconds", "key", "notes"])


def _apply_permissions(out_dir: Path, permissions: str) -> None:
    """The run's modes on its files; the snapshot cache holds raw answers and stays private (0700/0600)."""
    outputs.apply_permissions(out_dir, permissions)
    cache = out_dir / snapshot.CACHE_FOLDER
    if cache.is_dir() and not cache.is_symlink():
        outputs.apply_permissions(cache, "private")


def _remove_stale(out_dir: Path, previous: dict, current: set) -> None:
    """Delete the files of reports an earlier run wrote that this run no longer makes (e.g. a
    segment whose only respondent was erased): they would keep data nobody asks for."""
    for name in previous:
        if name not in current:
            outputs.remove_report(out_dir, name)


def remove_outputs(spec, output_root) -> list[str]:
    """Delete every report under *output_root* that read the survey *spec* (after an erasure).

    Each run folder's ``manifest.json`` says which reports were made from which spec; their
    HTML, executed notebook and output folder (tables, figures, key figures) are deleted at
    once, and the next run rebuilds them without the erased respondents. The snapshot cache
    of every run folder (the loaded data, :mod:`cjkit.report.snapshot`) is deleted too.

    Parameters
    ----------
    spec : str or Path
        The survey spec.
    output_root : str or Path
        The folder of the run folders (``reports/``).

    Returns
    -------
    list of str
        ``<run>/<report>`` of every report removed.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> from cjkit.report.batch import remove_outputs
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     run = Path(tmp) / "reports" / "demo"
    ...     run.mkdir(parents=True)
    ...     _ = (run / "r__all.html").write_text("quote")
    ...     rows = [{"name": "r__all", "parameters": {"spec": str(Path(tmp) / "spec.yaml")}}]
    ...     _ = (run / "manifest.json").write_text(json.dumps({"reports": rows}))
    ...     print(remove_outputs(Path(tmp) / "spec.yaml", Path(tmp) / "reports"), list(run.glob("*.html")))
    ['demo/r__all'] []
    """
    spec = Path(spec).resolve()
    removed = []
    root = Path(output_root)
    erasure.purge_caches(root)  # a snapshot of the data may hold the erased respondents
    for manifest in sorted(root.glob("*/manifest.json")) if root.is_dir() else []:
        out_dir = manifest.parent
        if out_dir.is_symlink():
            continue
        for name, row in _previous(manifest).items():
            used = (row.get("parameters") or {}).get("spec")
            if not isinstance(used, str) or Path(used).resolve() != spec:
                continue
            if outputs.remove_report(out_dir, name):
                removed.append(f"{out_dir.name}/{name}")
    return removed


def _erasure_facts(cfg: RunConfig) -> dict:
    """Counts and dates of the survey's erasure list for the manifest (never ids or hashes)."""
    spec = cfg.parameters.get("spec")
    if not isinstance(spec, str) or not spec:
        return {}
    return erasure.summary(Path(spec).parent / erasure.ERASURE_FILE)


def _notes(checked: dict) -> str:
    """The sections a report omits, and why, as one line for the index and the result."""
    return "; ".join(f"{section}: {why}" for section, why in checked.get("omitted", []))
