"""Batch report runs: papermill over a parameter grid, in parallel, reproducibly.

A run configuration (YAML, schema ``report_run``) names notebooks, fixed parameters
and a grid; every combination becomes one executed notebook and one HTML report
(code hidden) in ``reports/<run>/``. Parameters are checked against each notebook's
tagged ``parameters`` cell *before* anything runs. A failing report does not stop the
others; reruns skip reports whose notebook, parameters and inputs are unchanged.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import logging
import re
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cjkit.catalog.config import load_config
from cjkit._version import __version__
from cjkit.errors import ConfigError, ParameterError
from cjkit.report.manifest import PATH_PARAMETERS, file_hash, write_index, write_manifest

log = logging.getLogger("cjkit.report.batch")
_TYPES = {"str": str, "int": int, "float": (int, float), "bool": bool, "list": list, "dict": dict}


@dataclass(frozen=True)
class Job:
    """One report: a notebook and its parameters."""

    notebook: Path
    parameters: dict = field(hash=False)
    name: str = ""


def slug(text: str) -> str:
    """File-name-safe slug: umlauts transliterated, everything else to '-'."""
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
    return re.sub(r"[^A-Za-z0-9_.]+", "-", str(text).translate(table)).strip("-").lower() or "x"


def notebook_parameters(notebook) -> dict:
    """The parameters a notebook declares in its tagged cell: name -> {type, default, help}.

    Raises
    ------
    ConfigError
        If the notebook has no cell tagged ``parameters``.
    """
    import papermill

    params = papermill.inspect_notebook(str(notebook))
    if not params:
        raise ConfigError("the notebook has no cell tagged 'parameters'", path=notebook)
    return {name: {"type": p["inferred_type_name"], "default": p["default"], "help": p["help"]}
            for name, p in params.items()}


def validate_parameters(notebook, parameters: dict) -> None:
    """Refuse unknown or mistyped parameters before any notebook runs.

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


def load_run(path) -> dict:
    """Load and validate a run configuration; paths become absolute (relative to the file)."""
    path = Path(path).resolve()
    cfg = dict(load_config(path, schema="report_run"))
    base = path.parent
    cfg["_path"] = str(path)
    cfg.setdefault("run", path.stem)
    path_params = cfg.get("path_parameters", PATH_PARAMETERS)

    def resolve(params: dict) -> dict:
        params = dict(params)
        for name in path_params:
            if params.get(name):
                params[name] = str((base / params[name]).resolve())
        return params

    nbs, own = [], {}
    for i, entry in enumerate(cfg["notebooks"]):
        nb = entry if isinstance(entry, str) else entry["path"]
        p = (base / nb).resolve()
        if not p.is_file():
            raise ConfigError(f"notebook '{nb}' not found (looked at {p})", path=path, key=f"notebooks[{i}]")
        nbs.append(p)
        if isinstance(entry, dict):
            own[p] = {"parameters": resolve(entry["parameters"]) if "parameters" in entry else None,
                      "grid": entry.get("grid", True)}
    cfg["notebooks"] = nbs
    cfg["notebook_options"] = own
    cfg["parameters"] = resolve(cfg["parameters"])
    root = cfg.get("output_root")
    cfg["output_root"] = (base / root).resolve() if root else nbs[0].parent.parent / "reports"
    return cfg


def expand_grid(cfg: dict, values_of=None) -> list[Job]:
    """All jobs of a run: every notebook x every grid combination.

    Parameters
    ----------
    values_of : callable, optional
        ``values_of(parameters, name) -> list`` expanding the grid value ``'@values'``
        (e.g. all personas found in the data).
    """
    grid = {}
    for name, values in cfg.get("grid", {}).items():
        expanded = []
        for v in values:
            if v == "@values":
                if values_of is None:
                    raise ConfigError("'@values' needs the data to expand", path=cfg.get("_path"), key=f"grid.{name}")
                expanded += [x for x in values_of(cfg["parameters"], name) if x not in expanded]
            elif v not in expanded:
                expanded.append(v)
        grid[name] = expanded
    names = list(grid)
    jobs = []
    for nb in cfg["notebooks"]:
        opts = cfg.get("notebook_options", {}).get(nb, {})
        fixed = cfg["parameters"] if opts.get("parameters") is None else opts["parameters"]
        if not opts.get("grid", True):
            jobs.append(Job(nb, dict(fixed), f"{nb.stem}"))
            continue
        for combo in itertools.product(*(grid[n] for n in names)) if names else [()]:
            params = {**fixed, **dict(zip(names, combo))}
            label = "__".join(slug(v) for v in combo) or "all"
            jobs.append(Job(nb, params, f"{nb.stem}__{label}"))
    return jobs


def job_key(job: Job, version: str) -> str:
    """Fingerprint of everything a report depends on: notebook, parameters, input files, cjkit."""
    h = hashlib.sha256()
    h.update(job.notebook.read_bytes())
    h.update(json.dumps(job.parameters, sort_keys=True, default=str).encode())
    for name in PATH_PARAMETERS:
        value = job.parameters.get(name)
        if value and Path(value).is_file():
            h.update(file_hash(value).encode())
    h.update(version.encode())
    return h.hexdigest()


def execute(job: Job, out_dir: Path, timeout: int = 900) -> dict:
    """Run one job with papermill and export HTML with code hidden. Never raises: errors are returned."""
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    ipynb, html = out_dir / f"{job.name}.ipynb", out_dir / f"{job.name}.html"
    params = {**job.parameters, "output_dir": str(out_dir / job.name)}
    start = time.perf_counter()
    status, error = "ok", ""
    try:
        papermill.execute_notebook(str(job.notebook), str(ipynb), parameters=params, kernel_name="python3",
                                   cwd=str(job.notebook.parent), progress_bar=False, log_output=False,
                                   execution_timeout=timeout)
    except Exception as exc:  # papermill's PapermillExecutionError carries the cell's error
        status = "failed"
        error = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', str(exc))}"[:2000]
    if ipynb.is_file():
        exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
        body, _ = exporter.from_notebook_node(nbformat.read(ipynb, as_version=4))
        html.write_text(body, encoding="utf-8")
    return {"name": job.name, "notebook": job.notebook.name, "status": status, "error": error,
            "ipynb": ipynb.name if ipynb.is_file() else "", "html": html.name if html.is_file() else "",
            "seconds": round(time.perf_counter() - start, 1)}


def _previous(manifest_path: Path) -> dict:
    if not manifest_path.is_file():
        return {}
    try:
        return {r["name"]: r for r in json.loads(manifest_path.read_text(encoding="utf-8")).get("reports", [])}
    except (json.JSONDecodeError, KeyError, TypeError):
        log.warning("ignoring unreadable manifest %s; all reports will be rebuilt", manifest_path)
        return {}


def run_batch(config, *, run: str | None = None, workers: int | None = None, force: bool = False,
              progress: bool = True, values_of=None, context=None) -> pd.DataFrame:
    """Execute every report of a run configuration.

    Parameters
    ----------
    config : str, Path or dict
        Run configuration file (or a dict already passed through :func:`load_run`).
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

    Returns
    -------
    DataFrame
        One row per report: name, notebook, parameters, status (ok | failed | skipped),
        error, ipynb, html, seconds, key. The manifest and ``index.html`` are written too.
    """
    from tqdm.auto import tqdm


    cfg = config if isinstance(config, dict) else load_run(config)
    jobs = expand_grid(cfg, values_of)
    for job in jobs:  # all parameters are checked before anything runs
        validate_parameters(job.notebook, {**job.parameters, "output_dir": "x"})
    out_dir = Path(cfg["output_root"]) / (run or cfg["run"])
    out_dir.mkdir(parents=True, exist_ok=True)
    previous = _previous(out_dir / "manifest.json")
    keys = {job.name: job_key(job, __version__) for job in jobs}
    todo, rows = [], []
    for job in jobs:
        old = previous.get(job.name, {})
        if (not force and old.get("key") == keys[job.name] and old.get("status") in ("ok", "skipped")
                and (out_dir / old.get("html", "-")).is_file()):
            rows.append({**old, "status": "skipped", "seconds": 0.0})
        else:
            todo.append(job)
    n_workers = workers or cfg.get("workers", 2)
    timeout = cfg.get("timeout_seconds", 900)
    bar = tqdm(total=len(todo), desc=f"cjkit report {out_dir.name}", unit="report", disable=not progress)
    with ProcessPoolExecutor(max_workers=max(1, min(n_workers, len(todo) or 1))) as pool:
        futures = {pool.submit(execute, job, out_dir, timeout): job for job in todo}
        for fut in as_completed(futures):
            job = futures[fut]
            try:
                row = fut.result()
            except Exception as exc:  # a crashed worker process still must not stop the others
                row = {"name": job.name, "notebook": job.notebook.name, "status": "failed",
                       "error": f"{type(exc).__name__}: {exc}", "ipynb": "", "html": "", "seconds": 0.0}
            if row["status"] == "failed":
                log.error("report %s failed: %s", job.name, row["error"])
            rows.append(row)
            bar.update(1)
    bar.close()
    by_name = {job.name: job for job in jobs}
    for row in rows:
        row["parameters"] = {k: v for k, v in by_name[row["name"]].parameters.items()}
        row["key"] = keys[row["name"]]
    order = {job.name: i for i, job in enumerate(jobs)}
    rows.sort(key=lambda r: order[r["name"]])
    extra = context(cfg["parameters"]) if context else {}
    write_manifest(out_dir, cfg, rows, extra)
    write_index(out_dir, cfg, rows, extra)
    return pd.DataFrame(rows, columns=["name", "notebook", "parameters", "status", "error", "ipynb",
                                       "html", "seconds", "key"])
