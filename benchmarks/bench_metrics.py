"""Benchmark: touchpoint metrics, drivers and pain points of the 130k airline survey, from the file.

Baseline (``pandas``), timed from the file: ``pd.read_csv``, ``melt`` of the 14 ratings, ``merge``
of the question table (phase, touchpoint), answers outside 1-5 set to missing, then per phase,
touchpoint and question the same statistics ``cj.metrics`` reports: n, n_missing, mean with its
t interval, top-2 and bottom-2 box shares with Wilson intervals. cjkit, timed from the same file:
``cj.load`` with the spec (reader, all quality checks, ledger, long frame) plus ``cj.metrics``.
The analyses without a pandas counterpart (drivers, pain points, comparisons, raking) are then
timed on the loaded frame and shown against the same baseline. Peak memory is the largest
growth of the process's resident memory during a step's first run; memory a step frees stays with
the process, so only the first two rows compare memory fairly (bench_long.py runs each in a fresh
process).

    .venv/bin/python benchmarks/bench_metrics.py [path/to/airline_passenger_satisfaction.zip]
"""
from __future__ import annotations

import gc
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cjkit.io.load import load
from cjkit.io.spec import load_spec
from cjkit.stats.compare import persona_comparison
from cjkit.stats.drivers import key_drivers
from cjkit.stats.ipa import importance_performance
from cjkit.stats.metrics import metrics
from cjkit.stats.painpoints import rank_painpoints
from cjkit.stats.weighting import rake

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "surveys" / "airline" / "spec.yaml"   # maps the 14 ratings to phases and touchpoints
DATA = ROOT.parent / "shared" / "data" / "airline_satisfaction" / "airline_passenger_satisfaction.zip"
POSITIVE = "Satisfied"                                # the outcome is a two-class label
BY = ["phase", "touchpoint", "question"]


def pandas_metrics(path: Path, qt: pd.DataFrame) -> pd.DataFrame:
    """The touchpoint table in plain pandas/scipy, from the file."""
    from scipy import stats

    wide = pd.read_csv(path)
    long = wide.melt(id_vars=["ID"], value_vars=list(qt["column"]), var_name="column", value_name="value")
    long = long.merge(qt[["column", "question", "phase", "touchpoint", "scale_min", "scale_max"]], on="column")
    long["value"] = long["value"].where(long["value"].between(long["scale_min"], long["scale_max"]))
    long["top2"] = (long["value"] >= long["scale_max"] - 1).astype(float).where(long["value"].notna())
    long["bottom2"] = (long["value"] <= long["scale_min"] + 1).astype(float).where(long["value"].notna())
    g = long.groupby(BY, observed=True)
    out = g.agg(n=("value", "count"), rows=("value", "size"), mean=("value", "mean"), sd=("value", "std"),
                top2=("top2", "mean"), bottom2=("bottom2", "mean")).reset_index()
    out["n_missing"] = out.pop("rows") - out["n"]
    half = stats.t.ppf(0.975, out["n"] - 1) * out["sd"] / np.sqrt(out["n"])
    out["mean_low"], out["mean_high"] = out["mean"] - half, out["mean"] + half
    z = stats.norm.ppf(0.975)
    for share in ("top2", "bottom2"):
        p, n = out[share], out["n"]
        centre = (p + z ** 2 / (2 * n)) / (1 + z ** 2 / n)
        width = z * np.sqrt(p * (1 - p) / n + z ** 2 / (4 * n ** 2)) / (1 + z ** 2 / n)
        out[f"{share}_low"], out[f"{share}_high"] = centre - width, centre + width
    return out


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


def measure(fn, repeat: int = 3):
    """Best time of *repeat* runs and the peak resident-memory growth of the first."""
    gc.collect()
    base, peak, done = rss_mb(), [0.0], threading.Event()

    def sampler():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb())
            time.sleep(0.002)

    th = threading.Thread(target=sampler, daemon=True)
    th.start()
    t0 = time.perf_counter()
    result = fn()
    times = [time.perf_counter() - t0]
    done.set()
    th.join()
    for _ in range(repeat - 1):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), max(peak[0] - base, 0.0), result


def full_run(long: pd.DataFrame):
    """What a CX report stands on: touchpoint metrics, drivers, pain points and IPA."""
    m = metrics(long, by=BY)
    kd = key_drivers(long, outcome="satisfaction", positive=POSITIVE)
    pp = rank_painpoints(long, driver_table=kd, outcome="satisfaction", positive=POSITIVE)
    return m, kd, pp, importance_performance(kd, m, lang="en")


def main(path: Path | None = None) -> None:
    path = path or DATA
    spec = load_spec(SPEC)
    qt = spec.question_table()
    qt = qt[qt["role"] == "driver"]
    rows = []

    def row(label, fn, repeat=3):
        seconds, peak, result = measure(fn, repeat)
        rows.append((label, seconds, peak))
        return result

    row("pandas: read + melt + merge + touchpoint metrics (baseline)", lambda: pandas_metrics(path, qt))
    m = row("cjkit: load with spec + cj.metrics (same statistics)", lambda: metrics(load(path, spec).long, by=BY))
    long = row("cjkit: load with spec alone", lambda: load(path, spec).long)
    row("  + metrics per travel class x question", lambda: metrics(long, by=["Class", "question"]))
    row("  + metrics: phase index per customer type", lambda: metrics(long, by=["phase", "Customer Type"]))
    kd = row("  + key_drivers: logit + relative weights + LMG (14 drivers)",
             lambda: key_drivers(long, outcome="satisfaction", positive=POSITIVE))
    pp = row("  + rank_painpoints: low ratings + driver impact + effect",
             lambda: rank_painpoints(long, driver_table=kd, outcome="satisfaction", positive=POSITIVE))
    row("  + persona_comparison: travel class vs rest, Welch t + Holm",
        lambda: persona_comparison(long, segment_column="Class"))
    row("  + full: metrics + drivers + pain points + IPA", lambda: full_run(long))
    targets = {"Class": {"Business": 0.4, "Economy": 0.45, "Economy Plus": 0.15},
               "Customer Type": {"Returning": 0.7, "First-time": 0.3}}
    raked = row("  + rake: IPF on class x customer type", lambda: rake(long, targets=targets))
    row("  + metrics, weighted (raked): per touchpoint question", lambda: metrics(raked, by=BY))

    base_s, base_mb = rows[0][1], rows[0][2]
    print(f"airline survey: {long['respondent_id'].nunique():,} respondents, {len(long):,} long rows\n")
    print(f"{'step':<62} {'best s':>8} {'x pandas':>9} {'peak MB':>8} {'x pandas':>9}")
    for label, seconds, peak in rows:
        print(f"{label:<62} {seconds:>8.3f} {seconds / base_s:>9.2f} {peak:>8.0f} {peak / max(base_mb, 1):>9.2f}")
    print(f"raking: {raked.attrs['raking']}")

    print("\nper-touchpoint satisfaction (mean, top-2-box):")
    table = m.pivot_table(index=BY, columns="metric", values="value", observed=True)
    print(table[["mean", "top2"]].round(3).to_string())
    print(f"\ndrivers of satisfaction: R^2 (linear) = {kd['r2'].iloc[0]:.4f}, "
          f"sum relative weights = {kd['relative_weight'].sum():.4f}, sum LMG = {kd['lmg'].sum():.4f}, "
          f"n = {kd['n'].iloc[0]:,}, excluded (not applicable) = {kd['n_excluded'].iloc[0]:,}")
    print(kd[["driver", "relative_weight_pct", "lmg_pct", "odds_ratio", "rank"]].round(3).to_string(index=False))
    print("\npain-point ranking:")
    print(pp[["phase", "touchpoint", "n", "low_share", "driver_impact", "effect", "score", "rank"]]
          .round(3).to_string(index=False))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
