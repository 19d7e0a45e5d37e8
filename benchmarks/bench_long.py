"""Benchmark: loading with a survey spec against a plain pandas long-form build of the same file.

Baseline (``pandas``): ``pd.read_csv`` of the file, ``melt`` of the numeric scale columns (with
the respondent id and the segment columns), ``merge`` of the question table (question, type,
role, phase, touchpoint, scale), answers outside the scale set to NaN. The spec's question
table is read before the timer starts. cjkit (``load+spec``): ``cjkit.io.load.load(path, spec)``
— reader, spec, every validation check, ledger and long frame. Both start from the file.

Two surveys: the 130k-row airline survey (zipped CSV) and a generated survey of 1M respondents
(seeded; 26 ratings with a missing code, NPS, a single choice, an open comment, two segments and
a weight). Every variant runs in a fresh process; time is the best of ``--repeat`` runs, peak
memory the largest growth of the process's resident memory during the first run.

Goal: time and peak memory of ``load+spec`` within 2x of the pandas build.

    .venv/bin/python benchmarks/bench_long.py [--rows 1000000] [--repeat 3]
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
AIRLINE_SPEC = ROOT / "surveys" / "airline" / "spec.yaml"

CHILD = r"""
import gc, json, sys, threading, time
variant, path, spec, inner = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
import pandas as pd
import cjkit.io.load
from cjkit.io.spec import load_spec

sp = load_spec(spec)
qt = sp.question_table()
qt = qt[qt["scale_max"].notna()]  # the numeric scale questions: what a melt can hold
segments = list(sp.segments)
id_vars = [sp.respondent_id, *segments] + ([sp.weight] if sp.weight else [])

def rss_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20

def once():
    if variant == "pandas":
        wide = pd.read_csv(path)
        long = wide.melt(id_vars=id_vars, value_vars=list(qt["column"]), var_name="column", value_name="value")
        long = long.merge(qt.drop(columns="text"), on="column", how="left")
        long["value"] = long["value"].where(long["value"].between(long["scale_min"], long["scale_max"]))
        return long
    return cjkit.io.load.load(path, sp).long

gc.collect()
base, peak, done = rss_mb(), [0.0], threading.Event()
def sampler():
    while not done.is_set():
        peak[0] = max(peak[0], rss_mb())
        time.sleep(0.002)
th = threading.Thread(target=sampler, daemon=True)
th.start()
t = time.perf_counter(); n = len(once()); first = time.perf_counter() - t
done.set(); th.join()
times = [first]
for _ in range(inner - 1):
    gc.collect()
    t = time.perf_counter(); once(); times.append(time.perf_counter() - t)
print(json.dumps({"seconds": min(times), "rows": n, "peak_mb": peak[0] - base}))
"""


def generate(folder: Path, rows: int, seed: int = 11) -> tuple[Path, Path]:
    """A generated survey CSV and its spec: 26 ratings 1-5 (9 = no answer), NPS, a single
    choice, an open comment, two segments and a design weight."""
    import pandas as pd
    import yaml

    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"resp_id": np.arange(1, rows + 1),
                          "region": rng.choice(["Nord", "Süd", "Ost", "West"], rows),
                          "segment": rng.choice(["Geschäftsreise", "Urlaub", "Familie", "Sonstiges"], rows),
                          "weight": rng.uniform(0.5, 2.0, rows).round(3)})
    tps = ["advertising", "social_media", "website", "customer_reviews", "booking", "billing", "email",
           "check_in", "reception", "room", "food_beverage", "wellness", "cleanliness", "wifi", "check_out",
           "follow_up", "hotline", "app", "parking", "customer_service", "complaint_handling",
           "loyalty_programme", "delivery", "online_shop", "search", "word_of_mouth"]
    phases = ["awareness", "consideration", "conversion", "retention", "advocacy"]
    questions = []
    for i, tp in enumerate(tps, 1):
        col = f"q{i:02d}"
        frame[col] = np.where(rng.random(rows) < 0.04, 9, rng.integers(1, 6, rows))
        questions.append({"id": tp, "column": col, "type": "rating", "scale": {"min": 1, "max": 5},
                          "missing": [9], "phase": phases[i * len(phases) // (len(tps) + 1)], "touchpoint": tp})
    frame["nps"] = rng.integers(0, 11, rows)
    frame["channel"] = rng.integers(1, 5, rows)
    words = np.array(["gut", "schlecht", "Check-in", "langsam", "freundlich", "Zimmer", "sauber", "laut"])
    frame["comment"] = np.where(rng.random(rows) < 0.3,
                                [" ".join(w) for w in words[rng.integers(0, len(words), (rows, 4))]], "")
    questions += [{"id": "nps", "type": "nps", "phase": "advocacy"},
                  {"id": "channel", "type": "single",
                   "scale": {"min": 1, "max": 4, "labels": {1: "Web", 2: "App", 3: "Telefon", 4: "Filiale"}}},
                  {"id": "comment", "type": "open"}]
    data = folder / f"generated_{rows}.csv"
    frame.to_csv(data, index=False)
    spec = folder / "spec.yaml"
    spec.write_text(yaml.safe_dump({"survey": "generated", "respondent_id": "resp_id", "weight": "weight",
                                    "segments": ["region", "segment"], "data": data.name,
                                    "questions": questions}, allow_unicode=True), encoding="utf-8")
    return data, spec


def run(variant: str, path: Path, spec: Path, inner: int) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, variant, str(path), str(spec), str(inner)],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench(name: str, path: Path, spec: Path, repeat: int) -> list[str]:
    res = {v: run(v, path, spec, repeat) for v in ("pandas", "load+spec")}
    base = res["pandas"]
    lines = []
    for v, r in res.items():
        lines.append(f"{name:<22} {v:<10} {r['rows']:>12,} {r['seconds']:>8.2f} {r['seconds'] / base['seconds']:>8.2f} "
                     f"{r['peak_mb']:>9.0f} {r['peak_mb'] / base['peak_mb']:>8.2f}")
    return lines


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    lines = []
    data = ROOT.parent / "shared" / "data" / "airline_satisfaction" / "airline_passenger_satisfaction.zip"
    if data.is_file():
        lines += bench("airline (130k)", data, AIRLINE_SPEC, args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        path, spec = generate(Path(tmp), args.rows)
        print(f"(generated {args.rows:,} respondents in {time.perf_counter() - t:.1f} s)")
        lines += bench(f"generated ({args.rows // 1000:,}k)", path, spec, max(1, args.repeat - 2))
    print(f"\n{'survey':<22} {'variant':<10} {'long rows':>12} {'best s':>8} {'x pandas':>8} "
          f"{'peak MB':>9} {'x pandas':>8}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
