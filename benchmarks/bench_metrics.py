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

from cjkit.compare import persona_comparison
from cjkit.drivers import key_drivers
from cjkit.ipa import importance_performance
from cjkit.metrics import metrics
from cjkit.painpoints import rank_painpoints
from cjkit.weighting import rake

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "airline_satisfaction" / \
    "airline_passenger_satisfaction.zip"
RATINGS = {  # CSV column -> (question id, phase, touchpoint)
    "Ease of Online Booking": ("online_booking", "booking", "booking"),
    "Departure and Arrival Time Convenience": ("time_convenience", "booking", "schedule"),
    "Check-in Service": ("checkin", "airport", "check_in"),
    "Gate Location": ("gate_location", "airport", "gate"),
    "Online Boarding": ("online_boarding", "airport", "boarding"),
    "Seat Comfort": ("seat", "flight", "seat"),
    "Leg Room Service": ("leg_room", "flight", "seat"),
    "Cleanliness": ("cleanliness", "flight", "cleanliness"),
    "Food and Drink": ("food", "flight", "food_beverage"),
    "In-flight Service": ("inflight_service", "flight", "cabin_service"),
    "On-board Service": ("onboard_service", "flight", "cabin_service"),
    "In-flight Wifi Service": ("wifi", "flight", "wifi"),
    "In-flight Entertainment": ("entertainment", "flight", "entertainment"),
    "Baggage Handling": ("baggage", "arrival", "baggage"),
}


def airline_long(path: Path) -> pd.DataFrame:
    wide = pd.read_csv(path).rename(columns={"ID": "respondent_id", "Class": "travel_class",
                                             "Customer Type": "customer_type"})
    wide["respondent_id"] = wide["respondent_id"].astype(str)
    seg = ["travel_class", "customer_type"]
    long = wide[["respondent_id", *seg, *RATINGS]].melt(id_vars=["respondent_id", *seg],
                                                          var_name="column", value_name="raw")
    meta = pd.DataFrame([(c, *v) for c, v in RATINGS.items()], columns=["column", "question", "phase", "touchpoint"])
    long = long.merge(meta, on="column")
    long["value"] = long["raw"].astype(float).where(long["raw"] > 0)  # 0 = not applicable
    long["missing_reason"] = np.where(long["raw"] == 0, "code 0: not applicable", None)
    long["type"], long["role"] = "rating", "driver"
    sat = wide[["respondent_id", *seg]].assign(
        question="satisfaction", type="single", role="overall", phase="arrival", touchpoint=None,
        value=(wide["Satisfaction"] == "Satisfied").astype(float))
    long = pd.concat([long.drop(columns=["column", "raw"]), sat], ignore_index=True)
    long["phase"] = pd.Categorical(long["phase"], ["booking", "airport", "flight", "arrival"], ordered=True)
    long["weight"] = 1.0
    return long


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
    kd = key_drivers(long, "satisfaction")
    pp = rank_painpoints(long, drivers=kd, outcome="satisfaction")
    return m, kd, pp, importance_performance(kd, m, lang="en")


def main(path: Path = DATA) -> None:
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
    timed("metrics: per travel class x question", lambda: metrics(long, by=["travel_class", "question"]), base)
    timed("metrics: phase index per customer type", lambda: metrics(long, by=["phase", "customer_type"]), base)
    _, kd = timed("key_drivers: logit + relative weights + LMG (14 drivers)",
                  lambda: key_drivers(long, "satisfaction"), base)
    _, pp = timed("rank_painpoints: low ratings + driver impact + effect",
                  lambda: rank_painpoints(long, drivers=kd, outcome="satisfaction"), base)
    timed("persona_comparison: travel class vs rest, Welch t + Holm",
          lambda: persona_comparison(long, "travel_class"), base)
    timed("full: metrics + drivers + pain points + IPA", lambda: full_run(long), base)
    targets = {"travel_class": {"Business": 0.4, "Economy": 0.45, "Economy Plus": 0.15},
               "customer_type": {"Returning": 0.7, "First-time": 0.3}}
    _, raked = timed("rake: IPF on class x customer type (130k respondents)", lambda: rake(long, targets), base)
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
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA)
