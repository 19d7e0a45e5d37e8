"""Throughput of the rule coder against a raw Aho-Corasick scan and a naive per-code loop.

    .venv/bin/python benchmarks/bench_coder.py              # 1M answers, 500-code codebook
    .venv/bin/python benchmarks/bench_coder.py --n 200000   # quicker

Texts are real answers (German hotel review sentences and English Bitext customer-service
utterances, ../shared/data) sampled with replacement to *n*. The codebook is the shared one
composed with every shipped industry codebook, padded to 500 codes with codes built from
mid-frequency corpus words (4 keywords each, German and English in turn), so hit rates are
realistic.

Baselines, measured in the same run (the runs take turns, best of ``--repeat`` each):

* raw scan (the practical limit): one pyahocorasick automaton of the coder's code patterns
  exactly as the coder stores them (the coder's automaton holds these plus its exclusion terms and
  a few negation phrases; function words are looked up per word, not scanned), each text
  lower-cased and scanned after a space, hits collected as (text, end, pattern) tuples. No word
  boundaries, folding, negation or output frame.
* one-pass scan (for information): the same automaton once over all texts joined and
  lower-cased, hits as numpy arrays; on these texts about as fast as the raw scan (either one
  wins by up to 20% from run to run), so the coder's ratio to it is printed too.
* naive loop: for each code, ``Series.str.contains`` with a word-boundary regex of its terms
  (timed on ``--naive-n`` texts and scaled linearly to *n*, the loop being linear in n).

Goals: coder within 2x of the raw scan; at least 20x faster than the naive loop.
CPU time of this process is reported next to wall time because the machine may be shared.

Last result (2-core machine shared with other heavy work, so single runs vary by about 15%):
``--n 1000000``: coder / raw scan 1.88x CPU (3.00 s raw scan, 5.63 s coder; an earlier run,
before the last small changes, 2.07x), coder + sentiment 2.32x, naive loop / coder 242x;
``--n 200000``: 1.60x to 2.20x CPU over five runs, down from 3.6x; against the one-pass scan
1.75x at 1M and 2.1x to 2.3x at 200,000. What brought it there: the
codebook's regex rules run only over the answers that hold the words every match needs (they
had cost more than the scan); function words and stopwords are found by one integer key per word
and small hash tables instead of as automaton patterns; chunks of 20,000 answers keep the arrays
in the processor's cache; negation, places, touchpoint attribution and offset mapping look only
at the texts that need them. Per 20,000 answers about 40 ms CPU is the automaton pass itself
(the raw scan takes about 53 ms); folding takes about 11 ms, word arrays and keys 8 ms, the word
tests of the hits 9 ms, the decisions after the scan (exclusions, spans, places, negation,
touchpoints, regex rules) 15 ms and the evidence, ids and output frame about 8 ms.
"""
from __future__ import annotations

import argparse
import collections
import gc
import itertools
import re
import sys
import time
from pathlib import Path

import ahocorasick
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from cjkit.coding import matcher as M  # noqa: E402
from cjkit.coding.codebook import compose_codebooks, industries, load_codebook  # noqa: E402
from cjkit.coding.coder import code_texts, compile_codebook  # noqa: E402
from cjkit.coding.textnorm import fold, tokenize  # noqa: E402

DATA = ROOT.parent / "shared" / "data"


N_BITEXT = 0   # set by corpus(): the English utterances follow the German sentences


def corpus() -> list[str]:
    global N_BITEXT
    hotel = []
    for split in ("train", "dev", "test"):
        for line in (DATA / "german_hotel_absa" / f"{split}.txt").read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                hotel.append(line.split("\t", 1)[1].strip())
    bitext = pd.read_csv(DATA / "bitext_customer_service" / "Bitext_Sample_Customer_Service_Training_Dataset.csv")
    N_BITEXT = len(bitext)
    return hotel + bitext["utterance"].astype(str).tolist()


def codebook_500(texts: list[str], n_codes: int = 500) -> dict:
    """Every shipped industry codebook composed with shared, padded with corpus-word codes."""
    cb = compose_codebooks("shared", *industries())
    data = {**cb.to_dict(), "id": "bench_500"}
    used = {fold(t.strip("*=")) for col in cb.table.columns if col.startswith(("keywords_", "stems_"))
            for cell in cb.table[col] for t in str(cell).split(";") if t.strip()}
    # German words from the hotel sentences, English ones from the service utterances
    n_de = len(texts) - N_BITEXT
    by_lang = {"de": texts[:n_de][:20000], "en": texts[n_de:][:20000]}
    words = {}
    for lang, sample in by_lang.items():
        counts = collections.Counter(w for t in sample for w in tokenize(t) if len(w) >= 5 and w.isalpha())
        # mid-frequency words (ranks 300+): the most frequent ones would code nearly every answer
        words[lang] = [w for w, _ in counts.most_common() if w not in used][300:]
    need = n_codes - len(cb.table) - 1          # the group that holds them is a code too
    extra = []
    for i in range(need):
        lang = "de" if i % 2 == 0 else "en"
        kw = words[lang][4 * (i // 2): 4 * (i // 2) + 4]
        extra.append({"id": f"synthetic_{i:03d}", "kind": "topic", "label_de": f"Synthetisch {i}",
                      "label_en": f"Synthetic {i}", "match": {lang: {"keywords": kw}}})
    data["codes"] = data["codes"] + [{"id": "synthetic", "kind": "group", "label_de": "Synthetisch",
                                      "label_en": "Synthetic", "children": extra}]
    out = load_codebook(data)
    assert len(out.table) == n_codes, len(out.table)
    return out


def timed(fn, repeat: int = 3):
    """Best of *repeat* runs (wall and CPU seconds): the usual guard against a busy machine.

    The garbage collector is paused while a run is timed, as ``timeit`` does: otherwise the
    objects earlier runs left alive are traversed again and charged to whichever run comes next.
    """
    best_w = best_c = float("inf")
    for _ in range(repeat):
        res = None
        gc.collect()
        gc.disable()
        try:
            w, c = time.perf_counter(), time.process_time()
            res = fn()
            best_w, best_c = min(best_w, time.perf_counter() - w), min(best_c, time.process_time() - c)
        finally:
            gc.enable()
    return res, best_w, best_c


def raw_scan(texts, patterns):
    """Each text lower-cased and scanned after a space (as the coder stores short words: " tv")."""
    A = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for i, p in enumerate(patterns):
        A.add_word(p, i)
    A.make_automaton()

    def run():
        hits = []
        append = hits.append
        for i, t in enumerate(texts):
            for end, v in A.iter(" " + t.lower()):
                append((i, end, v))
        return hits
    return run


def one_pass_scan(texts, patterns):
    """The same automaton run once over all texts joined and lower-cased, hits as numpy arrays
    of (text, end, pattern): the coder's own way of scanning, without anything after the scan."""
    A = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for i, p in enumerate(patterns):
        A.add_word(p, i)
    A.make_automaton()

    def run():
        block = (" " + "\n ".join(texts)).lower()
        starts = np.cumsum([0] + [len(t) + 2 for t in texts[:-1]])
        flat = np.fromiter(itertools.chain.from_iterable(A.iter(block)), dtype=np.int64)
        end, pattern = flat[0::2], flat[1::2]
        return np.searchsorted(starts, end, side="right") - 1, end, pattern
    return run


def naive_loop(texts, cb):
    s = pd.Series(texts, dtype="string")
    rules = []
    for row in cb.table.itertuples(index=False):
        terms = [t.strip().strip("*=") for lang in ("de", "en") for t in str(getattr(row, f"keywords_{lang}")).split(";")
                 if t.strip()]
        if terms:
            rules.append((row.code, re.compile(r"\b(?:" + "|".join(re.escape(t.lower()) for t in terms) + r")",
                                               flags=re.IGNORECASE)))

    def run():
        out = {}
        for code, rx in rules:   # the loop over codes the task warns about
            out[code] = s.str.contains(rx, regex=True)
        return out
    return run


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--naive-n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each (best one counts)")
    args = ap.parse_args(argv)
    base = corpus()
    rng = np.random.default_rng(args.seed)
    texts = [base[i] for i in rng.integers(0, len(base), args.n)]
    cb = codebook_500(base)
    comp = compile_codebook(cb, sentiment=False)
    # the coder's own code patterns as it stores them (short words with their leading space)
    patterns = sorted({p for p, k in zip(comp.matcher.table.pattern, comp.matcher.table.kind) if k == M.CODE})
    print(f"{args.n:,} answers ({np.mean([len(t) for t in texts]):.0f} chars on average), "
          f"{len(cb.table)} codes, {len(patterns)} code patterns")
    code_texts(texts[:2000], cb, sentiment=False)    # compile outside the timing
    code_texts(texts[:2000], cb, sentiment=True)

    # the three runs take turns, best of --repeat each: a busy machine slows all of them alike
    scan_fn, one_fn = raw_scan(texts, patterns), one_pass_scan(texts, patterns)
    best = {}
    for _ in range(args.repeat):
        for name, fn in (("raw", scan_fn), ("one", one_fn), ("coder", lambda: code_texts(texts, cb, sentiment=False)),
                         ("sentiment", lambda: code_texts(texts, cb, sentiment=True))):
            res, w, c = timed(fn, repeat=1)
            size = len(res) if name == "raw" else (res[0].size if name == "one" else res)   # counts of hits only
            prev = best.get(name, (None, float("inf"), float("inf")))
            best[name] = (size, min(prev[1], w), min(prev[2], c))
            res = None
    (n_raw, raw_w, raw_c), (out, cod_w, cod_c), (_, sen_w, sen_c) = best["raw"], best["coder"], best["sentiment"]
    n_one, one_w, one_c = best["one"]
    print(f"raw Aho-Corasick scan     : {raw_w:7.2f} s wall {raw_c:7.2f} s cpu  ({n_raw:,} raw hits)")
    print(f"one-pass scan (joined)    : {one_w:7.2f} s wall {one_c:7.2f} s cpu  ({n_one:,} hits)")
    print(f"rule coder                : {cod_w:7.2f} s wall {cod_c:7.2f} s cpu  ({len(out):,} coded spans, "
          f"{out['row'].nunique() / args.n:.0%} of answers coded)")
    print(f"rule coder + sentiment    : {sen_w:7.2f} s wall {sen_c:7.2f} s cpu")
    nn = min(args.naive_n, args.n)
    _, nai_w, nai_c = timed(naive_loop(texts[:nn], cb), repeat=1)
    scale = args.n / nn
    print(f"naive str.contains loop   : {nai_w * scale:7.2f} s wall {nai_c * scale:7.2f} s cpu  "
          f"(measured on {nn:,} answers, x{scale:g})")
    print()
    print(f"coder / raw scan          : {cod_c / raw_c:5.2f}x cpu  {cod_w / raw_w:5.2f}x wall   (goal <= 2)")
    print(f"coder+sentiment / raw scan: {sen_c / raw_c:5.2f}x cpu  {sen_w / raw_w:5.2f}x wall")
    print(f"coder / one-pass scan     : {cod_c / one_c:5.2f}x cpu  {cod_w / one_w:5.2f}x wall   (for information)")
    print(f"naive loop / coder        : {nai_c * scale / cod_c:5.1f}x cpu  {nai_w * scale / cod_w:5.1f}x wall   (goal >= 20)")
    print(f"throughput                : {args.n / cod_w:,.0f} answers/s")


if __name__ == "__main__":
    main()
