"""Streaming coding of a large file: throughput and peak memory of ``cj.code_file``.

    .venv/bin/python benchmarks/bench_code_file.py --n 1000000          # quick
    prlimit --as=5000000000 .venv/bin/python benchmarks/bench_code_file.py --n 20000000

A Parquet file of *n* answers is written first (real answers, German hotel review sentences
and English Bitext customer-service utterances from ../shared/data, drawn with replacement by a
seeded generator; one in 50 left empty; a respondent id and a question per row), in slices so
the input never sits in memory as a whole. Then ``cj.code_file`` codes it with the default
options (shared codebook, language detection, sentiment) into a Parquet file. Everything the
user pays is timed: reading, coding, writing the coding and the ledger.

Baseline, measured in the same run: ``code_texts`` on the first *chunk* answers held in
memory, the in-memory coder the streaming one wraps (texts/s). The ratio says what streaming
costs per answer; the peak memory (``ru_maxrss`` of this process, the whole run included) says
whether it stays bounded. The goal: 20 million answers within 4 GB.

Last result (``--n 20000000`` under ``prlimit --as=5000000000``, 2-core machine shared with other
work, run at low priority): 20,000,000 answers (399,924 without text, in the ledger) coded into
32.7 million spans (571 MB Parquet) with a peak RSS of 926 MB for the whole run, input
generation included; 173 s CPU (about 115,000 answers per CPU second, 1.07x the in-memory
coder's rate), 1,230 s wall on the busy machine.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import cjkit as cj  # noqa: E402

DATA = ROOT.parent / "shared" / "data"


def corpus() -> list[str]:
    hotel = []
    for split in ("train", "dev", "test"):
        for line in (DATA / "german_hotel_absa" / f"{split}.txt").read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                hotel.append(line.split("\t", 1)[1].strip())
    bitext = pd.read_csv(DATA / "bitext_customer_service" / "Bitext_Sample_Customer_Service_Training_Dataset.csv")
    return hotel + bitext["utterance"].astype(str).tolist()


def write_input(path: Path, n: int, seed: int, slice_rows: int = 500_000) -> None:
    """*n* answers drawn from the corpus, written in slices (the file never sits in memory)."""
    base = pa.array(corpus() + [None], pa.large_string())
    rng = np.random.default_rng(seed)
    schema = pa.schema([("respondent_id", pa.large_string()), ("question", pa.large_string()),
                        ("text", pa.large_string())])
    with pq.ParquetWriter(path, schema) as writer:
        for off in range(0, n, slice_rows):
            k = min(slice_rows, n - off)
            pick = rng.integers(0, len(base) - 1, k)
            pick[rng.random(k) < 0.02] = len(base) - 1          # an empty answer now and then
            ids = pa.array(np.char.add("r", np.arange(off, off + k).astype(str)).tolist(), pa.large_string())
            writer.write_table(pa.table({"respondent_id": ids, "question": pa.array(["q_comment"] * k, pa.large_string()),
                                         "text": base.take(pa.array(pick))}, schema=schema))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--chunk", type=int, default=200_000, help="chunk_rows of code_file")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dir", type=Path, default=None, help="folder for the files (default: a temporary one)")
    args = ap.parse_args(argv)
    folder = args.dir or Path(tempfile.mkdtemp(prefix="bench_code_file_"))
    folder.mkdir(parents=True, exist_ok=True)
    src, out = folder / "answers.parquet", folder / "coded.parquet"
    t = time.perf_counter()
    write_input(src, args.n, args.seed)
    print(f"input: {args.n:,} answers, {src.stat().st_size / 1e6:,.0f} MB Parquet, written in "
          f"{time.perf_counter() - t:.0f} s; peak RSS so far {peak_mb():,.0f} MB")

    first = pq.ParquetFile(src).read_row_group(0).slice(0, args.chunk).to_pandas()
    cj.code_texts(first.head(2000))                  # compile the codebook outside the timings
    w, c = time.perf_counter(), time.process_time()
    cj.code_texts(first)
    mem_w, mem_c = time.perf_counter() - w, time.process_time() - c
    n_mem, first = len(first), None
    print(f"code_texts in memory ({n_mem:,} answers): {n_mem / mem_w:,.0f} answers/s wall, "
          f"{n_mem / mem_c:,.0f} answers/s cpu; peak RSS so far {peak_mb():,.0f} MB")

    w, c = time.perf_counter(), time.process_time()
    summary = cj.code_file(src, out=out, chunk_rows=args.chunk)
    wall, cpu = time.perf_counter() - w, time.process_time() - c
    s = summary.iloc[0]
    print(f"code_file: {s['n_rows']:,} rows, {s['n_empty']:,} without text (ledger), {s['n_coded']:,} coded, "
          f"{s['n_spans']:,} spans, {out.stat().st_size / 1e6:,.0f} MB written")
    print()
    print(f"{'answers':>12} {'wall s':>8} {'cpu s':>8} {'answers/s':>11} {'vs in-memory':>13} {'peak RSS MB':>12}")
    print(f"{args.n:>12,} {wall:>8.0f} {cpu:>8.0f} {args.n / wall:>11,.0f} {(args.n / cpu) / (n_mem / mem_c):>12.2f}x "
          f"{peak_mb():>12,.0f}")
    print(f"goal: 20,000,000 answers within 4,096 MB peak RSS")
    if args.dir is None:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
