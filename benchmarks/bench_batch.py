"""Batch runs: what a report pays before its analysis, and how the demo run scales with workers.

Two ratios, both against baselines measured in the same run:

1. **Per-report overhead / bare papermill.** Baseline: papermill executing an empty notebook
   (one ``pass`` cell) in a fresh kernel, over IPC sockets as cjkit starts kernels (wall time of
   the call). Overhead: for the demo's satisfaction report run by the batch runner
   (:func:`cjkit.report.batch.execute`, one report after the other as a worker runs them), the
   time from the call until its ``open_study`` cell has finished (papermill's cell timestamps):
   kernel, parameters, imports, reading the run's snapshot. "Before": a fresh kernel per report;
   "now": the kernel started ahead while the previous report ran (steady state: the first
   report of a worker has no previous one and is not counted). Target ≤ 1.5.
2. **Speed-up of 2 workers over 1** on the demo run (``surveys/demo/report.yaml``, every report
   rebuilt, HTML only unless ``--formats`` says otherwise), wall time of ``cj.run_reports``
   including the snapshot, the grid, the preflight and the manifest. Target ≥ 1.7 on 2 cores.

Peak memory: the largest resident set of this process and of its children (kernels, workers).
The machine's load moves every number: the load average is printed beside them.

Usage::

    python benchmarks/bench_batch.py [--repeats 5] [--formats html] [--skip-scaling]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402
import papermill  # noqa: E402

import cjkit as cj  # noqa: E402
from cjkit.report import batch, outputs, snapshot  # noqa: E402
from cjkit.report.study import grid_values  # noqa: E402

SPEC = ROOT / "surveys" / "demo" / "spec.yaml"
RUN_FILE = ROOT / "surveys" / "demo" / "report.yaml"
REPORT = "10_satisfaction_report"


def _notebook(path: Path, body: str) -> Path:
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell(body)]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(book, path)
    return path


def _finished(cell) -> dt.datetime:
    text = cell.metadata["papermill"]["end_time"]
    stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)


def overhead(repeats: int, tmp: Path) -> dict:
    """Median seconds: bare papermill; a report's start-up with a fresh kernel each, and with warm kernels."""
    empty = _notebook(tmp / "empty.ipynb", "pass")
    bare = []
    with tempfile.TemporaryDirectory(prefix="cjkit-k-") as sockets:
        manager = outputs.ipc_kernel_manager(sockets)
        for i in range(repeats):
            start = time.perf_counter()
            papermill.execute_notebook(str(empty), str(tmp / f"empty_{i}.ipynb"), kernel_name="python3",
                                       cwd=str(tmp), progress_bar=False, log_output=False,
                                       kernel_manager_class=manager)
            bare.append(time.perf_counter() - start)
    cfg = batch.load_run(RUN_FILE)
    jobs = [j for j in batch.expand_grid(cfg, values_of=grid_values) if j.notebook.stem == REPORT][:repeats + 1]
    cache = tmp / snapshot.CACHE_FOLDER
    snapshot.prepare([cfg.parameters], cache)
    out = {"bare": statistics.median(bare)}
    for mode in ("cold", "warm"):
        folder = tmp / mode
        folder.mkdir()
        seconds = []
        with snapshot.active(cache):
            for i, job in enumerate(jobs):
                start = dt.datetime.now(dt.timezone.utc)
                row = batch.execute(job, folder, cache=cache, prestart=mode == "warm" and i < len(jobs) - 1)
                if row["status"] != "ok":
                    raise SystemExit(f"{job.name}: {row['error']}")
                book = nbformat.read(folder / f"{job.name}.ipynb", as_version=4)
                opened = next(c for c in book.cells if "open_study(" in c.source)
                seconds.append((_finished(opened) - start).total_seconds())
        # the first warm report has no report before it to warm its kernel: steady state only
        out[mode] = statistics.median(seconds[1:] if mode == "warm" else seconds[:-1])
    return out


def scaling(formats: tuple[str, ...], tmp: Path) -> dict:
    """Wall seconds of the demo run with 1 and with 2 workers (every report rebuilt)."""
    cfg = replace(batch.load_run(RUN_FILE), output_root=tmp / "reports", formats=formats)
    out = {}
    for workers in (1, 2):
        start = time.perf_counter()
        result = cj.run_reports(cfg, run=f"w{workers}", workers=workers, force=True, progress=False)
        out[workers] = time.perf_counter() - start
        out[f"reports_{workers}"] = len(result)
        out[f"failed_{workers}"] = int((result["status"] == "failed").sum())
    return out


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--formats", default="html", help="comma-separated: html, pdf, pptx (demo run)")
    ap.add_argument("--skip-scaling", action="store_true", help="only the overhead ratio")
    args = ap.parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    with tempfile.TemporaryDirectory(prefix="cjkit-bench-") as folder:
        tmp = Path(folder)
        load = os.getloadavg()[0]
        t = overhead(args.repeats, tmp)
        s = {} if args.skip_scaling else scaling(tuple(args.formats.split(",")), tmp)
    own, children = _peak_mb()
    print(f"load average at start {load:.1f} on {os.cpu_count()} cores; peak RSS {own:.0f} MB (this process), "
          f"{children:.0f} MB (largest child)")
    print(f"{'measure':<44} {'seconds':>8} {'ratio':>7}  target")
    print(f"{'bare papermill, empty notebook (baseline)':<44} {t['bare']:8.2f} {1:7.2f}")
    print(f"{'report overhead, fresh kernel each (before)':<44} {t['cold']:8.2f} {t['cold'] / t['bare']:7.2f}")
    print(f"{'report overhead, warm kernels (now)':<44} {t['warm']:8.2f} {t['warm'] / t['bare']:7.2f}  <= 1.5")
    ok = t["warm"] / t["bare"] <= 1.5
    if s:
        speedup = s[1] / s[2]
        one = "demo run, 1 worker ({} reports, {} failed)".format(s["reports_1"], s["failed_1"])
        two = "demo run, 2 workers ({} failed)".format(s["failed_2"])
        print(f"{one:<44} {s[1]:8.1f} {1:7.2f}")
        print(f"{two:<44} {s[2]:8.1f} {speedup:7.2f}  >= 1.7 (speed-up)")
        ok = ok and speedup >= 1.7
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
