"""Benchmark: full metric + driver + pain-point computation on the 130k airline survey.

Prints each step's time and its ratio to a plain pandas groupby (mean and count per
phase/touchpoint/question) over the same long frame, measured in the same run.

    .venv/bin/python benchmarks/bench_metrics.py [path/to/airline_passenger_satisfaction.zip]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cjkit.stats.compare import persona_comparison
from cjkit.stats.drivers import key_drivers
from cjkit.stats.ipa import importance_performance
from cjkit.io.load import load
from cjkit.stats.metrics import metrics
from cjkit.stats.painpoints import rank_painpoints
from cjkit.stats.weighting import rake

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "surveys" / "airline" / "spec.yaml"   # maps the 14 ratings to phases and touchpoints
POSITIVE = "Satisfied"                                # the outcome is a two-class label


def airline_long(path: Path | None = None) -> pd.DataFrame:
    """The long frame the way a researcher gets it: reader, spec and validation of cjkit."""
    return load(path, SPEC).long


def timed(label, fn, baseline=None, repeat=3):
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    ratio = f"{best / baseline:8.1f}x" if baseline else "  (baseline)"
    print(f"{label:<58s} {best:8.3f} s {ratio}")
    return best, result


def full_run(long: pd.DataFrame):
    """What a CX report stands on: touchpoint metrics, drivers, pain points and IPA."""
    m = metrics(long, by=["phase", "touchpoint", "question"])
    kd = key_drivers(long, outcome="satisfaction", positive=POSITIVE)
    pp = rank_painpoints(long, driver_table=kd, outcome="satisfaction", positive=POSITIVE)
    return m, kd, pp, importance_performance(kd, m, lang="en")


def main(path: Path | None = None) -> None:
    t0 = time.perf_counter()
    long = airline_long(path)
    print(f"airline survey: {long['respondent_id'].nunique():,} respondents, {len(long):,} long rows, "
          f"built in {time.perf_counter() - t0:.2f} s\n")
    ratings = long[long["role"] == "driver"]
    base, _ = timed("plain pandas groupby mean+count (phase, touchpoint, question)",
                    lambda: ratings.groupby(["phase", "touchpoint", "question"], observed=True)["value"]
                    .agg(["mean", "count"]))
    _, m = timed("metrics: mean/top2/bottom2 + CIs per touchpoint question",
                 lambda: metrics(long, by=["phase", "touchpoint", "question"]), base)
    timed("metrics: per travel class x question", lambda: metrics(long, by=["Class", "question"]), base)
    timed("metrics: phase index per customer type", lambda: metrics(long, by=["phase", "Customer Type"]), base)
    _, kd = timed("key_drivers: logit + relative weights + LMG (14 drivers)",
                  lambda: key_drivers(long, outcome="satisfaction", positive=POSITIVE), base)
    _, pp = timed("rank_painpoints: low ratings + driver impact + effect",
                  lambda: rank_painpoints(long, driver_table=kd, outcome="satisfaction", positive=POSITIVE), base)
    timed("persona_comparison: travel class vs rest, Welch t + Holm",
          lambda: persona_comparison(long, segment_column="Class"), base)
    timed("full: metrics + drivers + pain points + IPA", lambda: full_run(long), base)
    targets = {"Class": {"Business": 0.4, "Economy": 0.45, "Economy Plus": 0.15},
               "Customer Type": {"Returning": 0.7, "First-time": 0.3}}
    _, raked = timed("rake: IPF on class x customer type (130k respondents)", lambda: rake(long, targets=targets), base)
    timed("metrics, weighted (raked): per touchpoint question",
          lambda: metrics(raked, by=["phase", "touchpoint", "question"]), base)
    print(f"raking: {raked.attrs['raking']}")

    print("\nper-touchpoint satisfaction (mean, top-2-box):")
    print(m.pivot_table(index=["phase", "touchpoint", "question"], columns="metric", values="value",
                        observed=True)[["mean", "top2"]].round(3).to_string())
    print(f"\ndrivers of satisfaction: R^2 (linear) = {kd['r2'].iloc[0]:.4f}, "
          f"sum relative weights = {kd['relative_weight'].sum():.4f}, sum LMG = {kd['lmg'].sum():.4f}, "
          f"n = {kd['n'].iloc[0]:,}, excluded (not applicable) = {kd['n_excluded'].iloc[0]:,}")
    print(kd[["driver", "relative_weight_pct", "lmg_pct", "odds_ratio", "rank"]].round(3).to_string(index=False))
    print("\npain-point ranking:")
    print(pp[["phase", "touchpoint", "n", "low_share", "driver_impact", "effect", "score", "rank"]]
          .round(3).to_string(index=False))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
