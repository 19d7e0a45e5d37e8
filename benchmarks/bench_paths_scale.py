"""Benchmark: the path engine on event files too big for memory, against hand-written DuckDB SQL.

Generates a seeded event log as Parquet (1M-row files, about 8 events per customer, the generator
of ``bench_paths.py``), then runs in separate child processes (so each peak RSS is its own), both
under the same DuckDB memory limit (default 4 GB) with spilling to a temporary folder:

* ``cjkit`` — ``cj.paths.path_table``, ``cj.paths.transitions`` and ``cj.paths.funnel`` given the
  files: every check of the ledger, the tie rule, duplicates, UTC timestamps, journeys, in as many
  customer buckets as the memory limit needs (``cjkit.paths.buckets.bucket_count``); then
  in a process of its own (DuckDB keeps its address space reserved after closing), the path table
  through ``cj.paths.collapse_channels`` (the top channels, every other touch merged into
  ``(other)``, identical paths added up), ``cj.paths.markov_attribution`` and
  ``cj.paths.shapley_attribution`` (attribution works on distinct paths held as integer codes);
* ``sql``   — the same three results in plain DuckDB SQL written by hand (journeys split at
  conversions, ordered by time only; no checks, no duplicates, no ledger), in one pass;
* ``sqlb``  — the same plain SQL run per customer bucket (as many as cjkit uses) and summed in
  pandas: the fair baseline when one pass does not fit the memory limit.

A route that fails (DuckDB out of memory, the process killed by ``prlimit``) is reported as failed.
Prints the seconds of each, the ratios cjkit / plain SQL and the peak RSS. It then counts the
touches that share customer and second: plain SQL orders them arbitrarily (by time only) and keeps
exact duplicates, cjkit orders them by its tie rule (conversion last, then file order) and drops
duplicates, so the distinct-path counts may differ by at most one per tied group (checked), while
the journeys agree (checked).

Last result, end to end in one run (50M events, 50 files, DuckDB memory limit 4 GB, 8 GB address-space
cap, ``--routes sqlb,cjkit,attr``; 2 cores shared with other jobs, so seconds vary by up to 2.5x between
runs):

=====================  ==========  ===========  ===========  ===========================
result                 cjkit       plain SQL    bucketed     cjkit / bucketed plain SQL
=====================  ==========  ===========  ===========  ===========================
path table             233 s       out of mem.  220 s        1.06x
transitions            168 s       out of mem.  169 s        1.00x
funnel                 266 s       out of mem.  171 s        1.56x
all three              667 s                    560 s        1.19x
=====================  ==========  ===========  ===========  ===========================

21 customer buckets, 7,558,347 journeys, 4,105,707 distinct paths; peak RSS 3.6 GB (cjkit) and 4.0 GB
(bucketed plain SQL). The one-pass plain SQL ran out of memory at 50M within 4 GB in earlier runs and is
left out with ``--routes``. Attribution in a process of its own, from the path table the cjkit route
wrote: collapse to the top 8 channels + ``(other)`` 27.4 s (3,976,974 distinct paths), Markov 20.1 s,
Shapley 18.1 s, peak RSS 3.6 GB. 25 groups of tied touches (2 exact duplicates, none with a
conversion): the bucketed plain SQL found 2 more distinct paths than cjkit, within them.

    nice -n 10 prlimit --as=8000000000 .venv/bin/python benchmarks/bench_paths_scale.py --events 50000000
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import cjkit as cj
from cjkit.paths.buckets import bucket_count
from bench_paths import CHANNELS, generate


ORDER = ["awareness", "consideration"]
TOP = 8  # channels kept for Markov and Shapley (exact Shapley up to 15)
BUCKET = " WHERE hash(customer_id) % {n} = {b}"

PLAIN = {
    "path_table": """
        WITH ev AS (SELECT customer_id, timestamp AS ts, channel, conversion, value,
                 customer_id || '#' || CAST(1 + COALESCE(SUM(conversion) OVER (PARTITION BY customer_id ORDER BY timestamp
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS VARCHAR) AS jid FROM {src}),
        j AS (SELECT jid, string_agg(channel, ' > ' ORDER BY ts) AS path, MAX(conversion) AS conv, SUM(value) AS value
              FROM ev GROUP BY jid)
        SELECT path, SUM(conv) AS conversions, SUM(1 - conv) AS nulls, SUM(value) AS value, COUNT(*) AS n_journeys
        FROM j GROUP BY path ORDER BY n_journeys DESC, path""",
    "transitions": """
        WITH ev AS (SELECT customer_id, timestamp AS ts, channel, conversion,
                 customer_id || '#' || CAST(1 + COALESCE(SUM(conversion) OVER (PARTITION BY customer_id ORDER BY timestamp
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS VARCHAR) AS jid FROM {src}),
        s AS (SELECT jid, channel, conversion, LAG(channel) OVER w AS prev, LEAD(channel) OVER w AS nxt FROM ev
              WINDOW w AS (PARTITION BY jid ORDER BY ts)),
        t AS (SELECT COALESCE(prev, '(start)') AS source, channel AS target FROM s
              UNION ALL SELECT channel, CASE WHEN conversion = 1 THEN '(conversion)' ELSE '(null)' END FROM s WHERE nxt IS NULL)
        SELECT source, target, COUNT(*) AS n, COUNT(*) / SUM(COUNT(*)) OVER (PARTITION BY source) AS probability
        FROM t GROUP BY source, target ORDER BY source, n DESC, target""",
    "funnel": """
        WITH ev AS (SELECT customer_id, timestamp AS ts, channel, conversion,
                 customer_id || '#' || CAST(1 + COALESCE(SUM(conversion) OVER (PARTITION BY customer_id ORDER BY timestamp
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS VARCHAR) AS jid FROM {src}),
        j AS (SELECT jid, MAX(conversion) AS conv, MAX(m.stage_order) AS mx FROM ev LEFT JOIN stage_map m USING (channel)
              GROUP BY jid)
        SELECT k.stage_order, SUM(CASE WHEN mx >= k.stage_order THEN 1 ELSE 0 END) AS n_journeys,
               SUM(CASE WHEN mx >= k.stage_order THEN conv ELSE 0 END) AS conversions
        FROM j CROSS JOIN (SELECT DISTINCT stage_order FROM stage_map) k GROUP BY k.stage_order ORDER BY 1""",
}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


#: how the buckets' results add up, in DuckDB (a pandas concat of millions of path strings beside
#: DuckDB's buffers does not fit the address-space cap)
SUMS = {
    "path_table": """SELECT path, SUM(conversions) AS conversions, SUM(nulls) AS nulls, SUM(value) AS value,
                     SUM(n_journeys) AS n_journeys FROM parts GROUP BY path ORDER BY n_journeys DESC, path""",
    "transitions": """SELECT source, target, SUM(n) AS n, SUM(n) / SUM(SUM(n)) OVER (PARTITION BY source) AS probability
                      FROM parts GROUP BY source, target ORDER BY source, n DESC, target""",
    "funnel": """SELECT stage_order, SUM(n_journeys) AS n_journeys, SUM(conversions) AS conversions
                 FROM parts GROUP BY stage_order ORDER BY stage_order""",
}


def _plain_bucketed(con, name: str, src: str, n: int):
    """The plain SQL of *name* per customer bucket, its rows collected in DuckDB and summed there."""
    con.execute("DROP TABLE IF EXISTS parts")
    for b in range(n):
        sql = PLAIN[name].format(src=f"(SELECT * FROM {src}{BUCKET.format(n=n, b=b)})")
        con.execute(f"CREATE TABLE parts AS {sql}" if b == 0 else f"INSERT INTO parts {sql}")
    out = con.sql(SUMS[name]).df()
    con.execute("DROP TABLE parts")
    return out


def _attribution(folder: Path) -> dict:
    """Collapse to the top channels, Markov and Shapley on the path table the cjkit step wrote."""
    table = pd.read_parquet(folder / "path_table.parquet")
    timings, out = {}, {"step": "attr", "buckets": 0, "n_journeys": float(table["n_journeys"].sum())}
    t = time.perf_counter()
    top = cj.paths.collapse_channels(table, top=TOP)
    timings["collapse"] = round(time.perf_counter() - t, 2)
    out["n_paths"] = len(top)
    del table
    for name, fn in (("markov", cj.paths.markov_attribution), ("shapley", cj.paths.shapley_attribution)):
        t = time.perf_counter()
        try:
            fn(top)
            timings[name] = round(time.perf_counter() - t, 2)
        except Exception as exc:  # reported, not raised: the other model still runs
            timings[name] = f"failed: {type(exc).__name__} {(str(exc).splitlines() or [''])[0][:160]}"
        print(f"attr {name}: {timings[name]} s", file=sys.stderr, flush=True)
    return {**out, "timings": timings, "peak_rss_mb": round(_peak_mb(), 1)}


def ties(folder: Path) -> dict:
    """Touches sharing customer and second, where plain SQL (ordered by time only) and cjkit differ.

    The generator gives each file its own customers, so ties are counted file by file. cjkit orders
    tied touches by its documented rule (conversion last, then file order) and drops exact
    duplicates; plain SQL orders them arbitrarily and keeps duplicates. So a journey with a tie can
    get another path string: the distinct-path counts may differ by up to the number of such
    journeys, while the journeys and conversions agree.
    """
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 1; SET memory_limit = '1GB'; SET enable_progress_bar = false")
    out = {"tied_groups": 0, "duplicates": 0, "customers": 0, "with_conversion": 0}
    for f in sorted(folder.glob("events-*.parquet")):
        g, d, c, v = con.sql(f"""SELECT COUNT(*), COALESCE(SUM(n - n_distinct), 0), COUNT(DISTINCT customer_id),
            COALESCE(SUM(conv), 0) FROM (SELECT customer_id, COUNT(*) AS n,
            COUNT(DISTINCT (channel, conversion, value)) AS n_distinct, MAX(conversion) AS conv
            FROM read_parquet('{f}') GROUP BY customer_id, timestamp HAVING COUNT(*) > 1)""").fetchall()[0]
        for k, x in zip(out, (g, d, c, v)):
            out[k] += int(x)
    return out


def run_step(step: str, folder: Path, memory_limit: str, buckets: int | None = None) -> dict:
    """One measured route in this (child) process."""
    src = str(folder / "events-*.parquet")
    if step == "attr":  # a process of its own, without DuckDB: it keeps address space reserved after closing
        return _attribution(folder)
    con = cj.paths.scan_connection(memory_limit=memory_limit, threads=2, temp_directory=str(folder / "spill"),
                                   buckets=buckets)
    n_buckets = bucket_count(src, con=con)
    mapping = cj.paths.map_channels(CHANNELS, model="accra").dropna(subset=["phase"])
    timings = {}
    out = {"step": step, "buckets": n_buckets if step != "sql" else 1, "n_journeys": float("nan"), "n_paths": 0}
    kept = {}
    if step == "cjkit":
        calls = {"path_table": lambda: cj.paths.path_table(src, con=con),
                 "transitions": lambda: cj.paths.transitions(src, con=con),
                 "funnel": lambda: cj.paths.funnel(src, mapping=mapping, order=ORDER, con=con)}
    else:
        rank = mapping[mapping["phase"].isin(ORDER)].assign(stage_order=lambda m: m["phase"].map(
            {p: i + 1 for i, p in enumerate(ORDER)}))[["channel", "stage_order"]]
        con.register("stage_map", rank)
        scan = f"read_parquet('{src}')"
        if step == "sql":
            calls = {k: (lambda sql=sql: con.sql(sql.format(src=scan)).df()) for k, sql in PLAIN.items()}
        else:
            calls = {k: (lambda k=k: _plain_bucketed(con, k, scan, n_buckets)) for k in PLAIN}
    for name, fn in calls.items():
        t = time.perf_counter()
        try:
            res = fn()
        except Exception as exc:  # the plain one-pass SQL may run out of memory: report it, go on
            timings[name] = f"failed: {type(exc).__name__} {(str(exc).splitlines() or [''])[0][:160]}"
            continue
        timings[name] = round(time.perf_counter() - t, 2)
        print(f"{step} {name}: {timings[name]} s", file=sys.stderr, flush=True)  # survives a later crash
        if name == "path_table":
            out["n_journeys"], out["n_paths"] = float(res["n_journeys"].sum()), len(res)
            if step == "cjkit":  # handed to the attribution step (not timed)
                res.to_parquet(folder / "path_table.parquet")

        del res
    out["timings"] = timings
    out["peak_rss_mb"] = round(_peak_mb(), 1)
    return out


def child(step: str, folder: Path, memory_limit: str, buckets: int | None = None) -> dict:
    more = ["--buckets", str(buckets)] if buckets else []
    env = {**os.environ, "ARROW_DEFAULT_MEMORY_POOL": "system"} if step == "attr" else None  # frees at once
    proc = subprocess.run([sys.executable, __file__, "--step", step, "--dir", str(folder), "--memory-limit", memory_limit,
                           *more], capture_output=True, text=True, check=False, env=env)
    if proc.returncode != 0:  # killed (address-space limit, out of memory): the whole route failed
        why = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1][:160]
        return {"step": step, "failed": why, "timings": {}, "n_journeys": float("nan"), "n_paths": 0,
                "peak_rss_mb": float("nan"), "buckets": 0}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _ratio(a, b) -> str:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return f"{a / max(b, 1e-9):.2f}x"
    return "n/a (plain SQL not run or failed)" if isinstance(a, (int, float)) else "n/a (cjkit failed)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=2_000_000)
    ap.add_argument("--memory-limit", default="4GB", help="DuckDB memory limit (it spills to disk beyond it)")
    ap.add_argument("--keep", help="generate into this folder and keep it")
    ap.add_argument("--buckets", type=int, help="customer buckets (default: chosen from rows and memory limit)")
    ap.add_argument("--routes", default="sql,sqlb,cjkit,attr",
                    help="routes to run (the one-pass plain SQL 'sql' runs out of memory at 50M within 4 GB)")
    ap.add_argument("--step", help=argparse.SUPPRESS)
    ap.add_argument("--dir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        print(json.dumps(run_step(args.step, Path(args.dir), args.memory_limit, args.buckets)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        files = sorted(folder.glob("events-*.parquet"))
        if not (args.keep and len(files) == -(-args.events // 1_000_000)):  # reuse a kept log of this size
            files = generate(folder, args.events)
        size = sum(f.stat().st_size for f in files) / 1e6
        print(f"{args.events:,} events in {len(files)} Parquet files ({size:,.0f} MB), ready in "
              f"{time.perf_counter() - t:.1f} s; DuckDB memory limit {args.memory_limit}")
        res = {}
        for s in ("sql", "sqlb", "cjkit", "attr"):
            if s not in args.routes.split(","):
                res[s] = {"step": s, "failed": "not run (--routes)", "timings": {}, "n_journeys": float("nan"),
                          "n_paths": 0, "peak_rss_mb": float("nan"), "buckets": 0}
                continue
            res[s] = child(s, folder, args.memory_limit, args.buckets)
            print(f"{s}: {json.dumps(res[s])}", flush=True)  # each route as soon as it is done
        tie = ties(folder)
    print(f"\n{'route':6} {'buckets':>8} {'journeys':>12} {'paths':>10} {'peak RSS MB':>12}  seconds per result")
    for s, r in res.items():
        if s == "attr":
            continue
        print(f"{s:6} {r['buckets']:>8} {r['n_journeys']:>12,.0f} {r['n_paths']:>10,} {r['peak_rss_mb']:>12,.0f}  "
              f"{r.get('failed') or r['timings']}")
    t = {s: r["timings"] for s, r in res.items()}
    for name in PLAIN:
        print(f"{name:12} cjkit / plain SQL: {_ratio(t['cjkit'].get(name), t['sql'].get(name))}; "
              f"cjkit / bucketed plain SQL: {_ratio(t['cjkit'].get(name), t['sqlb'].get(name))}")
    for base in ("sql", "sqlb"):
        ok = all(isinstance(t[s].get(k), (int, float)) for s in ("cjkit", base) for k in PLAIN)
        if ok:
            a, b = (sum(t[s][k] for k in PLAIN) for s in ("cjkit", base))
            print(f"all three   cjkit / {'plain SQL' if base == 'sql' else 'bucketed plain SQL'}: {a / b:.2f}x "
                  f"({a:.1f} s vs {b:.1f} s)")
    if all(isinstance(t["attr"].get(k), (int, float)) for k in ("collapse", "markov", "shapley")):
        print(f"attribution on the top {TOP} channels + (other) ({res['attr']['n_paths']:,} distinct paths): "
              f"collapse {t['attr']['collapse']:.1f} s, Markov {t['attr']['markov']:.1f} s, "
              f"Shapley {t['attr']['shapley']:.1f} s; peak RSS {res['attr']['peak_rss_mb']:,.0f} MB")
    print(f"ties: {tie['tied_groups']} groups of touches share customer and second ({tie['duplicates']} exact "
          f"duplicates, {tie['with_conversion']} with a conversion) in the journeys of {tie['customers']} customers; "
          "cjkit orders them by its tie rule (conversion last, then file order) and drops duplicates, plain SQL "
          "orders them arbitrarily and keeps duplicates")
    for base in ("sql", "sqlb"):
        if res[base]["n_journeys"] == res[base]["n_journeys"] and res["cjkit"]["n_journeys"] == res["cjkit"]["n_journeys"]:
            assert res["cjkit"]["n_journeys"] == res[base]["n_journeys"], f"cjkit and {base} disagree on the journeys"
            gap = res["cjkit"]["n_paths"] - res[base]["n_paths"]
            # a tied group changes at most one journey's path string: one distinct path more or less
            assert abs(gap) <= tie["tied_groups"], f"cjkit and {base} differ by {gap} paths, beyond the ties"
            print(f"distinct paths cjkit - {base}: {gap:+d} (the ties allow at most {tie['tied_groups']})")


if __name__ == "__main__":
    main()
