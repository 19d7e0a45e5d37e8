"""Benchmark: attribution from distinct paths with counts against expanding every touch.

Generates a seeded journey table (one row per journey: path, conversions, nulls, value; path
lengths 1-12 over 15 channels with a skewed channel mix, so many journeys share a path) as
Parquet in a temporary folder, then measures in separate child processes (each peak RSS is its
own), on the same data:

* ``touches`` — the former route: every journey exploded into one row per touch, heuristic
  weights per touch, and the first-order Markov chain counted touch by touch (kept here verbatim
  in compact form as the baseline);
* ``paths``   — ``cj.paths.heuristic_attribution`` and ``cj.paths.markov_attribution``, which reduce
  the table to distinct paths with counts first.

Prints time and peak RSS above the loaded table for both, their ratios, and the largest
difference of the attributed conversions (the two routes must agree).

    .venv/bin/python benchmarks/bench_attribution.py [--journeys 2000000] [--seed 1]
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
import pandas as pd

CHANNELS = [f"channel_{i:02d}" for i in range(15)]
RULES = ("first_touch", "last_touch", "linear", "time_decay", "position_based")


def generate(path: Path, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    probs = np.r_[0.25, 0.18, 0.12, 0.1, 0.08, np.full(10, 0.027)]
    probs = probs / probs.sum()
    lengths = np.minimum(rng.geometric(0.35, n), 12)
    codes = rng.choice(len(CHANNELS), lengths.sum(), p=probs)
    names = np.array(CHANNELS, dtype=object)[codes]
    bounds = np.r_[0, np.cumsum(lengths)]
    paths = [" > ".join(names[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
    conv = (rng.random(n) < 0.04 + 0.01 * lengths).astype(float)
    pd.DataFrame({"path": paths, "conversions": conv, "nulls": 1 - conv,
                  "value": conv * rng.gamma(2, 50, n)}).to_parquet(path)


def _touch_route(t: pd.DataFrame) -> pd.Series:
    """The former implementation: one row per touch for heuristics and Markov counts."""
    from scipy import sparse
    from scipy.sparse.linalg import spsolve

    t = t.reset_index(drop=True)
    long = t.assign(channel=t["path"].astype("string").str.split(">", regex=False)).explode("channel")
    long["jid"] = long.index.to_numpy()
    long["channel"] = long["channel"].astype("string").str.strip()
    long = long.reset_index(drop=True)
    long["pos"] = long.groupby("jid", sort=False).cumcount()
    long["n"] = long.groupby("jid", sort=False)["pos"].transform("size")
    pos, n = long["pos"].to_numpy(), long["n"].to_numpy()
    for rule in RULES:
        if rule == "first_touch":
            w = (pos == 0).astype(float)
        elif rule == "last_touch":
            w = (pos == n - 1).astype(float)
        elif rule == "linear":
            w = 1.0 / n
        elif rule == "position_based":
            w = np.where(n == 1, 1.0, np.where(n == 2, 0.5, np.where(pos == 0, 0.4, np.where(pos == n - 1, 0.4,
                                                                                               0.2 / np.maximum(n - 2, 1)))))
        else:
            raw = np.power(0.5, (n - 1 - pos) / 7.0)
            w = raw / pd.Series(raw).groupby(long["jid"].to_numpy()).transform("sum").to_numpy()
        long.assign(c=long["conversions"].to_numpy() * w).groupby("channel", sort=False)["c"].sum()
    # first-order chain, touch by touch, repeats collapsed
    codes, channels = pd.factorize(long["channel"])
    jid = long["jid"].to_numpy()
    sid = codes + 1
    first = np.r_[True, jid[1:] != jid[:-1]]
    keep = first | (sid != np.roll(sid, 1))
    sid, jid, first = sid[keep], jid[keep], first[keep]
    prev = np.where(first, 0, np.roll(sid, 1))
    per = long.groupby("jid", sort=False)[["conversions", "nulls"]].first()
    conv, null = (per[c].reindex(jid).to_numpy() for c in ("conversions", "nulls"))
    last = np.r_[jid[1:] != jid[:-1], True]
    s = len(channels) + 1
    m = sparse.coo_matrix((np.r_[conv + null, conv[last], null[last]],
                           (np.r_[prev, sid[last], sid[last]], np.r_[sid, np.full(last.sum(), s), np.full(last.sum(), s + 1)])),
                          shape=(s + 2, s + 2)).tocsr()
    rows = np.asarray(m.sum(axis=1)).ravel()[:s]
    p = sparse.diags(np.divide(1.0, rows, out=np.zeros(s), where=rows > 0)) @ m[:s]
    q, r = p[:, :s].tocsc(), np.asarray(p[:, s].todense()).ravel()
    a = sparse.identity(s, format="csc") - q
    full = spsolve(a.tocsc(), r)[0]
    re = []
    for c in range(len(channels)):
        k = np.flatnonzero(np.arange(s) != c + 1)
        re.append(1 - spsolve(a[k][:, k].tocsc(), r[k])[0] / full)
    re = np.array(re)
    return pd.Series(re / re.sum() * t["conversions"].sum(), index=list(channels))


def _path_route(t: pd.DataFrame) -> pd.Series:
    import cjkit as cj

    cj.paths.heuristic_attribution(t)
    return cj.paths.markov_attribution(t).set_index("channel")["conversions"]


def child(route: str, file: str) -> None:
    t = pd.read_parquet(file)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    got = (_touch_route if route == "touches" else _path_route)(t)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak - base, "conversions": got.to_dict()}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--journeys", type=int, default=2_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--child", nargs=2, metavar=("ROUTE", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "journeys.parquet"
        generate(file, args.journeys, args.seed)
        t = pd.read_parquet(file)
        n_touches = int(t["path"].str.count(">").sum() + len(t))
        print(f"{len(t):,} journeys, {n_touches:,} touches, {t['path'].nunique():,} distinct paths")
        res = {}
        for route in ("touches", "paths"):
            out = subprocess.run([sys.executable, __file__, "--child", route, str(file)], capture_output=True,
                                 text=True, check=True)
            res[route] = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{route:8s} {res[route]['seconds']:8.2f} s  {res[route]['peak_mb']:9.1f} MB peak above the table")
    old, new = res["touches"], res["paths"]
    diff = max(abs(old["conversions"][c] - new["conversions"][c]) for c in old["conversions"])
    print(f"paths vs touches: {old['seconds'] / new['seconds']:.1f}x faster, "
          f"{old['peak_mb'] / max(new['peak_mb'], 1e-9):.1f}x less peak memory; "
          f"largest difference in Markov conversions {diff:.2e}")


if __name__ == "__main__":
    main()
