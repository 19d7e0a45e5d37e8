"""Import time of cjkit against pandas, measured in fresh interpreters.

``import cjkit`` must cost at most 0.5 s more than ``import pandas`` (the flat API resolves
its names on first use, so the package itself should add almost nothing). The pandas
baseline is measured in the same run, so a slow or busy machine moves both numbers.

Each statement runs in its own fresh ``python -c`` subprocess (a warm ``sys.modules``
would hide the cost), several times; the median is reported. Exit status 1 if the target
is missed.

Usage::

    python benchmarks/bench_import.py [--repeats 7] [--budget 0.5]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

STATEMENTS = {
    "python (empty)": "pass",
    "import pandas": "import pandas",
    "import cjkit": "import cjkit",
    "cjkit.metrics": "import cjkit; cjkit.metrics",
    "cjkit.load": "import cjkit; cjkit.load",
}
# timed inside the child so interpreter start-up is not part of the number
_CHILD = "import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"


def measure(stmt: str, repeats: int) -> list[float]:
    """Seconds of *stmt* in *repeats* fresh interpreters."""
    times = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", _CHILD.format(stmt=stmt)], capture_output=True,
                             text=True, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return times


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--budget", type=float, default=0.5, help="allowed seconds over import pandas")
    args = ap.parse_args(argv)
    medians = {}
    for name, stmt in STATEMENTS.items():
        times = measure(stmt, args.repeats)
        medians[name] = statistics.median(times)
        print(f"{name:<16} median {medians[name]:.3f} s  (min {min(times):.3f}, max {max(times):.3f}, "
              f"n = {args.repeats})")
    base = medians["import pandas"]
    print()
    ok = True
    for name in ("import cjkit", "cjkit.metrics", "cjkit.load"):
        extra = medians[name] - base
        print(f"{name:<16} {extra:+.3f} s vs import pandas (ratio {medians[name] / base:.2f})")
    extra = medians["import cjkit"] - base
    if extra > args.budget:
        print(f"FAIL: import cjkit costs {extra:.3f} s more than import pandas (budget {args.budget} s)")
        ok = False
    else:
        print(f"OK: import cjkit is within {args.budget} s of import pandas")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
