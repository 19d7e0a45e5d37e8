"""Benchmark: journey path aggregations over 10M events with DuckDB (out of core).

Generates a synthetic event log (customer_id, timestamp, channel, conversion, value) as Parquet
files in a temporary folder, then measures in separate child processes (so that each peak RSS is
its own):

* ``duckdb``  — the ``cj.paths.scan_*`` functions (DuckDB, out of core) over all events with a DuckDB memory
  limit (default 1 GB): ledger, path table, transitions, path lengths, phase funnel;
* ``duckdb1m`` — the same on the first 1M events;
* ``pandas1m`` — the in-memory baseline on those 1M events: cj.paths.read_events ->
  events_to_steps -> steps_to_paths, transitions, path_lengths, funnel.

Prints time, peak RSS and throughput ratios measured in the same run.

    .venv/bin/python benchmarks/bench_paths.py [--events 10000000] [--memory-limit 1GB] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

import cjkit as cj  # cj.paths resolves names on first use: each step imports only what it measures

CHANNELS = np.array(["organic_google", "paid_google_cpc", "email", "blog", "direct", "paid_social",
                     "paid_google_display", "organic_facebook", "review_sites", "other"])
CHUNK = 1_000_000


def generate(folder: Path, n_events: int, seed: int = 1) -> list[Path]:
    """Write n_events events in 1M-row Parquet files; about 8 events per customer."""
    rng = np.random.default_rng(seed)
    files = []
    probs = np.array([0.22, 0.15, 0.12, 0.1, 0.14, 0.08, 0.06, 0.05, 0.03, 0.05])
    for i, start in enumerate(range(0, n_events, CHUNK)):
        n = min(CHUNK, n_events - start)
        n_cust = max(n // 8, 1)
        cust = (rng.integers(0, n_cust, n) + i * CHUNK).astype(np.int64)
        ts = np.datetime64("2024-01-01T00:00:00") + rng.integers(0, 90 * 86400, n).astype("timedelta64[s]")
        conv = (rng.random(n) < 0.03).astype(np.int8)
        table = pa.table({"customer_id": pa.array(cust.astype(str)), "timestamp": pa.array(ts),
                          "channel": pa.array(CHANNELS[rng.choice(len(CHANNELS), n, p=probs)]),
                          "conversion": pa.array(conv), "value": pa.array(np.where(conv == 1, rng.gamma(2, 60, n), 0.0))})
        path = folder / f"events-{i:03d}.parquet"
        pq.write_table(table, path)
        files.append(path)
    return files


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def run_step(step: str, folder: Path, memory_limit: str = "1GB") -> dict:
    """One measured step in this (child) process; returns timings and peak RSS."""
    paths = cj.paths
    mapping = paths.map_channels(CHANNELS, model="accra").dropna(subset=["phase"])
    order = ["awareness", "consideration"]
    t0 = time.perf_counter()
    out = {"step": step}
    if step.startswith("duckdb"):
        src = str(folder / "*.parquet") if step == "duckdb" else str(folder / "events-000.parquet")
        con = paths.scan_connection(memory_limit=memory_limit, threads=2, temp_directory=str(folder / "duckdb_tmp"))
        timings = {}
        for name, fn in [("ledger", lambda: paths.scan_ledger(src, con=con)),
                         ("path_table", lambda: paths.scan_path_table(src, con=con)),
                         ("transitions", lambda: paths.scan_transitions(src, con=con)),
                         ("path_lengths", lambda: paths.scan_path_lengths(src, con=con)),
                         ("funnel", lambda: paths.scan_funnel(src, mapping=mapping, order=order, con=con))]:
            t = time.perf_counter()
            res = fn()
            timings[name] = round(time.perf_counter() - t, 2)
            if name == "ledger":
                out["n_events"] = res.n_input
            if name == "path_table":
                out["n_journeys"] = float(res["n_journeys"].sum())
                out["n_paths"] = len(res)
            del res
        out["timings"] = timings
    else:
        timings = {}
        t = time.perf_counter()
        loaded = paths.read_events(folder / "events-000.parquet", drop_duplicates=False)
        steps = paths.events_to_steps(loaded.data)
        timings["read+steps"] = round(time.perf_counter() - t, 2)
        for name, fn in [("path_table", lambda: paths.steps_to_paths(steps)),
                         ("transitions", lambda: paths.transitions(steps)),
                         ("path_lengths", lambda: paths.path_lengths(steps)),
                         ("funnel", lambda: paths.funnel(paths.assign_channels(steps, model="accra")))]:
            t = time.perf_counter()
            res = fn()
            timings[name] = round(time.perf_counter() - t, 2)
            if name == "path_table":
                out["n_journeys"] = float(res["n_journeys"].sum())
                out["n_paths"] = len(res)
        out["n_events"] = loaded.n_input
        out["timings"] = timings
    out["seconds"] = round(time.perf_counter() - t0, 2)
    out["peak_rss_mb"] = round(_peak_mb(), 1)
    return out


def child(step: str, folder: Path, memory_limit: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--step", step, "--dir", str(folder), "--memory-limit", memory_limit],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"step {step} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--keep", help="generate into this folder and keep it")
    ap.add_argument("--memory-limit", default="1GB", help="DuckDB memory limit (it spills to disk beyond it)")
    ap.add_argument("--step", help=argparse.SUPPRESS)
    ap.add_argument("--dir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        print(json.dumps(run_step(args.step, Path(args.dir), args.memory_limit)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        files = generate(folder, args.events)
        size = sum(f.stat().st_size for f in files) / 1e6
        print(f"generated {args.events:,} events in {len(files)} Parquet files ({size:,.0f} MB) "
              f"in {time.perf_counter() - t:.1f} s")
        res = {s: child(s, folder, args.memory_limit) for s in ("pandas1m", "duckdb1m", "duckdb")}
    print(f"\n{'step':10} {'events':>12} {'journeys':>12} {'paths':>10} {'seconds':>9} {'peak RSS MB':>12}  details")
    for s, r in res.items():
        print(f"{s:10} {r['n_events']:>12,} {r['n_journeys']:>12,.0f} {r['n_paths']:>10,} {r['seconds']:>9.1f} "
              f"{r['peak_rss_mb']:>12,.0f}  {r['timings']}")
    rate = {s: r["n_events"] / r["seconds"] for s, r in res.items()}
    print(f"\nthroughput (events/s): pandas 1M {rate['pandas1m']:,.0f}, DuckDB 1M {rate['duckdb1m']:,.0f}, "
          f"DuckDB all {res['duckdb']['n_events']:,} events {rate['duckdb']:,.0f}")
    print(f"ratio DuckDB 1M / pandas 1M (same events): {rate['duckdb1m'] / rate['pandas1m']:.2f}x faster; "
          f"DuckDB all / pandas 1M throughput: {rate['duckdb'] / rate['pandas1m']:.2f}x")
    print(f"peak RSS: DuckDB on all {res['duckdb']['n_events']:,} events {res['duckdb']['peak_rss_mb']:,.0f} MB vs pandas on 1M "
          f"{res['pandas1m']['peak_rss_mb']:,.0f} MB (ratio {res['duckdb']['peak_rss_mb'] / res['pandas1m']['peak_rss_mb']:.2f})")
    assert res["duckdb1m"]["n_paths"] == res["pandas1m"]["n_paths"], "DuckDB and pandas disagree on the 1M subset"


if __name__ == "__main__":
    main()
