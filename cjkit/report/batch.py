"""Batch report runs: papermill over a parameter grid, in parallel, reproducibly.

A run configuration (YAML, schema ``report_run``) names notebooks, fixed parameters
and a grid; every combination becomes one executed notebook and one HTML report
(code hidden) in ``reports/<run>/``. Parameters are checked against each notebook's
tagged ``parameters`` cell *before* anything runs. A failing report does not stop the
others; reruns skip reports whose notebook, parameters and inputs are unchanged.

The parts of a run live beside it, one job each: the run file (:mod:`cjkit.report.runconfig`),
the grid and its checks (:mod:`cjkit.report.grid`), one report in a kernel
(:mod:`cjkit.report.execute`), what earlier runs left (:mod:`cjkit.report.cleanup`), the
manifest and index page (:mod:`cjkit.report.manifest`).
"""
from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from cjkit._version import __version__
from cjkit.cluster import check_address
from cjkit.catalog.themefile import load_theme
from cjkit.errors import CjkitError
from cjkit.io import erasure
from cjkit.privacy.pii import mask_pii
from cjkit.report import outputs, snapshot
from cjkit.report.cleanup import previous_reports, remove_stale
from cjkit.report.distributed import job_pool
from cjkit.report.execute import execute
from cjkit.report.grid import Job, expand_grid, job_key, validate_parameters
from cjkit.report.manifest import write_manifest
from cjkit.report.runindex import write_index
from cjkit.report.runconfig import RunConfig, load_run

log = logging.getLogger("cjkit.report.batch")


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
    previous = previous_reports(out_dir / "manifest.json")
    remove_stale(out_dir, previous, {job.name for job in jobs})
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

def _erasure_facts(cfg: RunConfig) -> dict:
    """Counts and dates of the survey's erasure list for the manifest (never ids or hashes)."""
    spec = cfg.parameters.get("spec")
    if not isinstance(spec, str) or not spec:
        return {}
    return erasure.summary(Path(spec).parent / erasure.ERASURE_FILE)


def _notes(checked: dict) -> str:
    """The sections a report omits, and why, as one line for the index and the result."""
    return "; ".join(f"{section}: {why}" for section, why in checked.get("omitted", []))
