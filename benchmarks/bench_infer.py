"""Benchmark: proposing a spec for a wide export vs reading the same file with pandas.

A seeded script writes a survey export with 2,400 columns (ratings 1-5 with a "9 = don't
know" code, 0-10 recommendation items, choice questions, comments, an id, a date, a weight and
a duration) and as many rows as asked. Timed, best of ``--repeat`` runs:

- ``pandas``  : ``pandas.read_csv`` of the file (baseline);
- ``propose`` : :func:`cjkit.io.infer.propose_spec` on the frame cjkit's reader returns;
- ``total``   : cjkit read + propose, for information.

Goal: ``propose`` within 3x of ``pandas``. Both are timed as wall-clock and as CPU time of
this process (both are single-threaded); the goal is judged on CPU time, which other work on a
shared machine does not inflate. Prints the ratios; exits 1 when the goal is missed.

    .venv/bin/python benchmarks/bench_infer.py [--rows 1000] [--columns 2400] [--repeat 3]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cjkit.io import readers
from cjkit.io.infer import propose_spec

GOAL = 3.0
WORDS = ("the room was clean but the check-in took far too long and nobody answered the phone "
         "das Frühstück war gut aber das WLAN im Zimmer ging nicht und die Rezeption war unfreundlich").split()
TOPICS = ["Check-in", "Zimmer", "Frühstück", "WLAN", "Rezeption", "Parken", "Buchung", "Hotline", "App",
          "Sauberkeit", "Website", "Newsletter", "Rechnung", "Check-out", "Wellness"]


def make_export(path: Path, rows: int, columns: int, seed: int = 11) -> None:
    """Write a seeded wide survey export with *columns* columns to *path*."""
    rng = np.random.default_rng(seed)
    data = {"lfdn": np.arange(1, rows + 1),
            "datum": pd.date_range("2025-01-01", periods=rows, freq="37min").strftime("%Y-%m-%d %H:%M"),
            "gewicht": rng.uniform(0.5, 2.0, rows).round(3),
            "dauer_s": rng.integers(120, 1800, rows)}
    k = 0
    while len(data) < columns:
        kind = k % 10
        if kind < 6:  # rating 1-5, 9 = weiß nicht
            v = rng.integers(1, 6, rows)
            v[rng.random(rows) < 0.05] = 9
            data[f"Zufriedenheit {TOPICS[k % len(TOPICS)]} {k}"] = v
        elif kind == 6:  # 0-10 recommendation
            data[f"Weiterempfehlung {k}"] = rng.integers(0, 11, rows)
        elif kind in (7, 8):  # single choice
            data[f"Kanal {k}"] = rng.choice(["Web", "Telefon", "Filiale", "App"], rows)
        else:  # comment, mostly empty
            texts = [" ".join(rng.choice(WORDS, rng.integers(4, 14))) for _ in range(rows)]
            data[f"Kommentar {k}"] = np.where(rng.random(rows) < 0.3, texts, "")
        k += 1
    pd.DataFrame(data).to_csv(path, index=False)


def timed(fn) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds of this process) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--columns", type=int, default=2400)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "wide_export.csv"
        make_export(path, args.rows, args.columns)
        raw = readers.read(path)
        proposal = propose_spec(raw.wide, raw.meta)  # warm-up: catalog and models are read once per process
        # alternating runs, so that both see the same load on a shared machine; best of each
        runs = [(timed(lambda: pd.read_csv(path)), timed(lambda: propose_spec(raw.wide, raw.meta)))
                for _ in range(args.repeat)]
        total = timed(lambda: propose_spec(*(lambda r: (r.wide, r.meta))(readers.read(path))))
    pandas_wall, pandas_cpu = min(r[0][0] for r in runs), min(r[0][1] for r in runs)
    propose_wall, propose_cpu = min(r[1][0] for r in runs), min(r[1][1] for r in runs)
    ratio = propose_cpu / pandas_cpu
    print(f"{args.rows} rows x {args.columns} columns, {len(proposal.spec.questions)} questions proposed")
    print(f"pandas.read_csv  wall {pandas_wall:.2f} s  cpu {pandas_cpu:.2f} s")
    print(f"propose_spec     wall {propose_wall:.2f} s  cpu {propose_cpu:.2f} s")
    print(f"cjkit read + propose_spec  wall {total[0]:.2f} s  cpu {total[1]:.2f} s")
    print(f"ratio propose / pandas read: cpu {ratio:.2f}, wall {propose_wall / pandas_wall:.2f} "
          f"(goal <= {GOAL:g} on cpu) -> {'ok' if ratio <= GOAL else 'MISSED'}")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
