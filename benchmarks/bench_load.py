"""Benchmark: loading survey exports with cjkit vs ``pyarrow.csv.read_csv`` in the same run.

Two files: the 130k-row airline survey (zipped CSV, read directly) and a generated 1M-row
survey CSV. For each, every variant runs in a fresh subprocess (so peak memory is its own):

- ``pyarrow``     : ``pyarrow.csv.read_csv`` on the same file (baseline);
- ``read``        : ``cjkit.io.readers.read`` (detection, encoding/delimiter sniffing, parse, pandas frame);
- ``load``        : ``cjkit.io.load.load`` without a spec (read + empty-row and text checks + ledger);
- ``load+spec``   : airline only, ``load`` with ``surveys/airline/spec.yaml`` (long frame, all checks).

Goals: ``read`` within 1.5x of pyarrow, peak memory (max RSS growth) under 3x the file size.

    .venv/bin/python benchmarks/bench_load.py [--rows 1000000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
AIRLINE = ROOT.parent / "shared" / "data" / "airline_satisfaction" / "airline_passenger_satisfaction.zip"
SPEC = ROOT / "surveys" / "airline" / "spec.yaml"

CHILD = r"""
import gc, json, sys, threading, time, zipfile
variant, path, spec, inner = sys.argv[1], sys.argv[2], sys.argv[3] or None, int(sys.argv[4])
import pyarrow.csv, pyarrow as pa
import cjkit.io.load, cjkit.io.readers

def rss_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20

def once():
    if variant == "pyarrow":
        src = zipfile.ZipFile(path).open(zipfile.ZipFile(path).namelist()[0]) if path.endswith(".zip") else path
        return pyarrow.csv.read_csv(src).num_rows
    if variant == "read":
        return len(cjkit.io.readers.read(path).wide)
    if variant == "load":
        return len(cjkit.io.load.load(path).wide)
    return len(cjkit.io.load.load(path, spec).wide)

# peak memory: sample RSS while the first run works (ru_maxrss would include import peaks)
gc.collect()
base, peak, done = rss_mb(), [0.0], threading.Event()
def sampler():
    while not done.is_set():
        peak[0] = max(peak[0], rss_mb())
        time.sleep(0.002)
th = threading.Thread(target=sampler, daemon=True)
th.start()
n = once()
done.set(); th.join()
times = []
for _ in range(inner):
    gc.collect()
    t = time.perf_counter(); once(); times.append(time.perf_counter() - t)
print(json.dumps({"seconds": min(times), "rows": n, "peak_mb": peak[0] - base}))
"""


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """A survey-like CSV: id, date, duration, 12 ratings 1-5 (9 = no answer), NPS, segment, comment."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"resp_id": np.arange(1, rows + 1),
                          "date": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, rows), "D"),
                          "duration_s": rng.gamma(4, 120, rows).round(1)})
    for i in range(1, 13):
        frame[f"q{i:02d}"] = np.where(rng.random(rows) < 0.05, 9, rng.integers(1, 6, rows))
    frame["nps"] = rng.integers(0, 11, rows)
    frame["segment"] = rng.choice(["Geschäftsreise", "Urlaub", "Familie", "Sonstiges"], rows)
    words = np.array(["gut", "schlecht", "Check-in", "langsam", "freundlich", "Zimmer", "sauber", "laut"])
    frame["comment"] = np.where(rng.random(rows) < 0.3,
                                [" ".join(w) for w in words[rng.integers(0, len(words), (rows, 4))]], "")
    frame.to_csv(path, index=False)


def run(variant: str, path: Path, spec: Path | None = None, inner: int = 3) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, variant, str(path), str(spec or ""), str(inner)],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench(name: str, path: Path, variants: list[str], repeat: int, spec: Path | None = None) -> None:
    size_mb = path.stat().st_size / 2**20
    if path.suffix == ".zip":
        import zipfile
        size_mb = zipfile.ZipFile(path).infolist()[0].file_size / 2**20  # memory goal refers to the data
    print(f"\n{name}: {path.name} ({size_mb:.1f} MB of CSV)")
    print(f"{'variant':<11} {'rows':>9} {'best s':>8} {'x pyarrow':>10} {'peak MB':>8} {'x file':>7}")
    # variants run in turn, each in a fresh process: first run measures memory, best of *repeat* times
    base = None
    for v in variants:
        runs = [run(v, path, spec, inner=1 if v == "load+spec" else repeat)]
        best = min(r["seconds"] for r in runs)
        peak = max(r["peak_mb"] for r in runs)
        base = best if v == "pyarrow" else base
        print(f"{v:<11} {runs[0]['rows']:>9,} {best:>8.3f} {best / base:>10.2f} {peak:>8.1f} {peak / size_mb:>7.2f}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    if AIRLINE.is_file():
        bench("airline survey", AIRLINE, ["pyarrow", "read", "load", "load+spec"], args.repeat, SPEC)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"generated_{args.rows}.csv"
        t = time.perf_counter()
        generate(path, args.rows)
        print(f"\n(generated {args.rows:,} rows in {time.perf_counter() - t:.1f} s)")
        bench("generated survey", path, ["pyarrow", "read", "load"], args.repeat)


if __name__ == "__main__":
    main()
