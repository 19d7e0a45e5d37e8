"""One report of a batch run: papermill in a fresh kernel, then HTML and the deliverables.

:func:`execute` never raises: a failing cell, a refused output path or a broken export makes
that report ``failed`` with its error, and the run goes on. It runs in a worker process (or on
a Dask worker, :mod:`cjkit.report.distributed`), so everything it needs comes as arguments.
See :func:`cjkit.report.batch.run_batch` for a run end to end.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from cjkit.catalog.themefile import load_theme
from cjkit.errors import CjkitError
from cjkit.privacy.pii import mask_pii
from cjkit.report import kernels, outputs, snapshot
from cjkit.report.deck import export_deck
from cjkit.report.export import neutralise_csv_file
from cjkit.report.grid import Job
from cjkit.report.pdf import export_pdf
from cjkit.report.styling import style_html


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
            made["pptx"] = export_deck(out_dir / job.name, theme=loaded, lang=lang, survey=title or None,
                                       spec=job.parameters.get("spec")).name
        except CjkitError as err:
            notes.append(f"PowerPoint: {err}")
    return made, mask_pii("; ".join(notes))
