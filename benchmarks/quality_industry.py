"""Zero-shot topic coding of the composed codebooks on labelled data from other industries.

    .venv/bin/python benchmarks/quality_industry.py

For every labelled set in ../shared/data whose labels are topics or touchpoints, the texts are
coded with the shared codebook plus the industry codebook named in ``industry_label_map.yaml``
(beside this script), nothing trained. A label counts as predicted when any of its codes is
found in the text; the mapping and its reasons are in the YAML, written before the scores were
seen. Score: macro-F1 over the set's labels (sklearn ``f1_score(average="macro")`` on
indicator matrices), plus micro precision and recall so a high F1 from one large class shows.
Sets without topic labels are listed with the reason in the YAML's ``not_used``.

Two modes are scored for every set:

* **multi-label** (``code_texts`` as is): every label with a code found in the text;
* **single-label** (``code_texts(single_label=True)``): one code per text, the code with the
  strongest evidence (rule in ``cjkit/coding/primary.py``), chosen among the codes the set's
  labels stand for (the codebook is cut to those codes, as a researcher asking "which of these
  business areas" would do); a code that the YAML gives to two labels predicts both. Texts
  without any hit keep no label and count as misses (``no code``: how many, single-label mode);
* **single-label with fallback** (``fallback="similar"``): as single-label, and a text without
  any hit gets the code whose description it resembles most when that similarity reaches the
  chance level (``cjkit/coding/similar.py``); ``no code`` after the slash: texts still without
  one. Micro precision/recall and per-label F1 of single-label without and with it are printed,
  so a fallback that buys recall with precision shows. It is reported beside the headline.

The headline (``*``) is the mode that fits the gold: a set whose gold has exactly one label per
text (car rental business areas, CFPB products, Bitext categories) is scored single-label; sets
with several labels per text (hotel aspects, NLU++ intents, banking77 intents read as several
topics) are scored multi-label. The goal is headline macro-F1 >= 0.5 on every set.

Sets whose codebook vocabulary was tuned by reading their texts (``tuned_on_dev`` in the YAML:
car rental) are split by a fixed hash of each text into a **dev** half, the only texts read
while tuning, and a **held-out** half, never read; the headline F1 of both halves is printed
below the set (each half over the labels it has texts for), so tuning that only fits the texts
it was read on shows as a gap between them.

    .venv/bin/python benchmarks/quality_industry.py --only car_rental_feedback
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sklearn.metrics import f1_score, precision_score, recall_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from cjkit.coding.codebook import Codebook, load_codebook  # noqa: E402
from cjkit.coding.coder import code_texts  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
MAP = yaml.safe_load((Path(__file__).parent / "industry_label_map.yaml").read_text(encoding="utf-8"))


def read_sets() -> dict:
    """name -> (texts, gold label lists, label names)."""
    out = {}
    m = MAP["german_hotel_absa"]
    rows = [ln.split("\t", 1) for ln in (DATA / "german_hotel_absa" / "test.txt").read_text(encoding="utf-8").splitlines()
            if "\t" in ln]
    gold = [sorted({lab.replace("__label__", "").rsplit(":", 1)[0] for lab in labs.split()}) for labs, _ in rows]
    out["german_hotel_absa"] = ([t.strip() for _, t in rows], gold, list(m["labels"]))

    m = MAP["car_rental_feedback"]
    cr = pd.read_csv(DATA / "car_rental_feedback" / "car_rental_training_data.csv", sep=";")
    cr = cr.drop_duplicates("Customer_Service")
    out["car_rental_feedback"] = (cr["Customer_Service"].astype(str).tolist(), [[x] for x in cr["Business_Area"]],
                                  list(m["labels"]))

    m = MAP["cfpb_complaints_sample"]
    cf = pd.read_csv(DATA / "cfpb_complaints_sample" / "cfpb_complaints_with_narratives.csv")
    prod = {p: lab for lab, spec in m["labels"].items() for p in spec["products"]}
    cf = cf.assign(label=cf["Product"].map(prod)).dropna(subset=["label"])
    out["cfpb_complaints_sample"] = (cf["Consumer complaint narrative"].astype(str).tolist(),
                                     [[x] for x in cf["label"]], list(m["labels"]))

    m = MAP["banking77"]
    b = pd.read_csv(DATA / "banking77" / "test.csv")
    rules = [(re.compile(r["pattern"]), r["codes"]) for r in m["rules"]]
    gold = [sorted({c for rx, cs in rules if rx.search(cat) for c in cs}) for cat in b["category"]]
    labels = sorted({c for r in m["rules"] for c in r["codes"]})
    out["banking77"] = (b["text"].astype(str).tolist(), gold, labels)

    m = MAP["banking_nlupp"]
    items = [x for f in sorted((DATA / "banking_nlupp" / "banking").glob("fold*.json"))
             for x in json.loads(f.read_text(encoding="utf-8"))]
    gold = [sorted({c for i in x.get("intents", []) for c in m["intents"].get(i, [])}) for x in items]
    labels = sorted({c for cs in m["intents"].values() for c in cs})
    out["banking_nlupp"] = ([x["text"] for x in items], gold, labels)

    m = MAP["bitext_customer_service"]
    bt = pd.read_csv(DATA / "bitext_customer_service" / "Bitext_Sample_Customer_Service_Training_Dataset.csv")
    bt = bt[bt["category"].isin(m["labels"])]
    out["bitext_customer_service"] = (bt["utterance"].astype(str).tolist(), [[x] for x in bt["category"]],
                                      list(m["labels"]))
    return out


def dev_half(texts: list) -> np.ndarray:
    """True for the dev half: the first byte of a salted SHA-256 of the text is even.

    A hash of the text, not of its row, so a repeated comment always falls in the same half and
    the split does not change when rows are reordered or added.
    """
    return np.array([hashlib.sha256(("cjkit-split-1:" + t).encode("utf-8")).digest()[0] % 2 == 0
                     for t in texts])


def label_codes(name: str) -> dict:
    """label -> codes of the set (banking sets: each label is itself a code)."""
    m = MAP[name]
    if "labels" in m:
        return {lab: spec["codes"] for lab, spec in m["labels"].items()}
    return None


def _prune(codes: list, keep: set) -> list:
    """The code tree with only the codes in *keep* (and their parents, without match rules)."""
    out = []
    for c in codes:
        children = _prune(c.get("children", []), keep)
        node = {k: v for k, v in c.items() if k != "children" and (c["id"] in keep or k != "match")}
        if c["id"] in keep or children:
            out.append({**node, "children": children} if children else node)
    return out


def predict(name: str, texts: list, labels: list, *, single_label: bool = False, fallback=None) -> list:
    m = MAP[name]
    cb = load_codebook(m["codebooks"])
    lc = label_codes(name) or {lab: [lab] for lab in labels}
    if single_label:
        keep = {c for cs in lc.values() for c in cs}
        # the composition is kept: it says which codes the industry codebook added
        cb = Codebook(cb.meta, _prune(cb.codes, keep), composition=cb.composition)
    coded = code_texts(texts, cb, lang=m["lang"], sentiment=False, single_label=single_label,
                       fallback=fallback)
    coded = coded.dropna(subset=["code"])
    found = coded.groupby("row")["code"].agg(lambda s: set(s.astype(str))).reindex(range(len(texts)))
    found = [x if isinstance(x, set) else set() for x in found]
    return [[lab for lab in labels if f & set(lc[lab])] for f in found]


def scores(gold, pred, labels) -> tuple:
    g, p = indicator(gold, labels), indicator(pred, labels)
    return (f1_score(g, p, average="macro", zero_division=0), precision_score(g, p, average="micro", zero_division=0),
            recall_score(g, p, average="micro", zero_division=0), f1_score(g, p, average=None, zero_division=0))


def indicator(lists, labels) -> np.ndarray:
    return np.array([[int(lab in set(row)) for lab in labels] for row in lists])


def print_split(texts, gold, labels, *, multi, single, fb, one):
    """Headline macro-F1 of the dev half (read while tuning) and of the held-out half.

    Each half is scored over the labels it has gold texts for: a label without any text in a
    half has no F1 there, and counting it as 0 would cap that half's score for a reason that
    has nothing to do with the coder (the labels left out are named).
    """
    dev = dev_half(texts)
    parts = []
    for half, mask in (("dev", dev), ("held-out", ~dev)):
        idx = np.flatnonzero(mask)
        sub = [gold[i] for i in idx]
        present = [lab for lab in labels if any(lab in g for g in sub)]
        absent = f", without {', '.join(sorted(set(labels) - set(present)))}" if len(present) < len(labels) else ""
        head = f"{half} ({idx.size} texts, {len(present)} labels{absent})"
        if one:
            s_f1 = scores(sub, [single[i] for i in idx], present)[0]
            f_f1 = scores(sub, [fb[i] for i in idx], present)[0]
            parts.append(f"{head} single {s_f1:.3f} *, +fallback {f_f1:.3f}")
        else:
            parts.append(f"{head} multi {scores(sub, [multi[i] for i in idx], present)[0]:.3f} *")
    print("      split by text hash (vocabulary tuned on dev only): " + "; ".join(parts))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--only", action="append", metavar="SET", help="score only this set (repeatable)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    print("Zero-shot coding with composed codebooks (no training), macro-F1 over each set's labels;")
    print("multi = every label found, single = one code per text; * = headline (single when the gold")
    print("has exactly one label per text); micro-P/R and per-label F1 are of the headline mode:")
    print("+fallback = single-label with fallback='similar' (no code: without / with the fallback):")
    print(f"  {'set':<26}{'codebooks':<32}{'texts':>7}{'labels':>8}{'gold/text':>10}"
          f"{'multi F1':>10}{'single F1':>11}{'+fallback':>10}{'no code':>12}{'micro-P':>9}{'micro-R':>9}"
          f"{'single P/R -> +fallback P/R':>30}  goal")
    sets = read_sets()
    unknown = set(args.only or []) - set(sets)
    if unknown:
        ap.error(f"unknown set {sorted(unknown)}; sets: {sorted(sets)}")
    for name, (texts, gold, labels) in sets.items():
        if args.only and name not in args.only:
            continue
        multi_pred = predict(name, texts, labels)
        multi = scores(gold, multi_pred, labels)
        one_pred = predict(name, texts, labels, single_label=True)
        single = scores(gold, one_pred, labels)
        n_none = sum(not p for p in one_pred)     # texts without any code stay in the score
        fb_pred = predict(name, texts, labels, single_label=True, fallback="similar")
        fb = scores(gold, fb_pred, labels)
        n_none_fb = sum(not p for p in fb_pred)
        n_gold = [len(g) for g in gold]
        one = min(n_gold) == max(n_gold) == 1
        head = single if one else multi
        books = "+".join(MAP[name]["codebooks"])
        per_text = "1" if one else f"{min(n_gold)}-{max(n_gold)}"
        mark_m, mark_s = ("", " *") if one else (" *", "  ")
        print(f"  {name:<26}{books:<32}{len(texts):>7}{len(labels):>8}{per_text:>10}"
              f"{multi[0]:>8.3f}{mark_m:<2}{single[0]:>9.3f}{mark_s:<2}{fb[0]:>8.3f}  {f'{n_none}/{n_none_fb}':>12}"
              f"{head[1]:>9.3f}{head[2]:>9.3f}{f'{single[1]:.3f}/{single[2]:.3f} -> {fb[1]:.3f}/{fb[2]:.3f}':>30}  "
              f"{'ok' if head[0] >= 0.5 else 'below 0.5'}")
        print("      per label: " + ", ".join(f"{lab} {v:.2f}" for lab, v in zip(labels, head[3])))
        print("      single -> +fallback: " + ", ".join(f"{lab} {a:.2f}->{b:.2f}" for lab, a, b in zip(labels, single[3], fb[3])))
        if MAP[name].get("tuned_on_dev"):
            print_split(texts, gold, labels, multi=multi_pred,
                        single=one_pred, fb=fb_pred, one=one)
    print("  not used: " + "; ".join(f"{k} ({v})" for k, v in MAP["not_used"].items()))
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
