"""Zero-shot topic coding of the composed codebooks on labelled data from other industries.

    .venv/bin/python benchmarks/quality_industry.py

For every labelled set in ../shared/data whose labels are topics or touchpoints, the texts are
coded with the shared codebook plus the industry codebook named in ``industry_label_map.yaml``
(beside this script), nothing trained. A label counts as predicted when any of its codes is
found in the text; the mapping and its reasons are in the YAML, written before the scores were
seen. Score: macro-F1 over the set's labels (sklearn ``f1_score(average="macro")`` on
indicator matrices), plus micro precision and recall so a high F1 from one large class shows.
Sets without topic labels are listed with the reason in the YAML's ``not_used``.
"""
from __future__ import annotations

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
from cjkit.coding.codebook import load_codebook  # noqa: E402
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


def label_codes(name: str) -> dict:
    """label -> codes of the set (banking sets: each label is itself a code)."""
    m = MAP[name]
    if "labels" in m:
        return {lab: spec["codes"] for lab, spec in m["labels"].items()}
    return None


def predict(name: str, texts: list, labels: list) -> list:
    m = MAP[name]
    cb = load_codebook(m["codebooks"])
    coded = code_texts(texts, cb, lang=m["lang"], sentiment=False)
    found = coded.groupby("row")["code"].agg(lambda s: set(s.astype(str))).reindex(range(len(texts)))
    found = [x if isinstance(x, set) else set() for x in found]
    lc = label_codes(name) or {lab: [lab] for lab in labels}
    return [[lab for lab in labels if f & set(lc[lab])] for f in found]


def indicator(lists, labels) -> np.ndarray:
    return np.array([[int(lab in set(row)) for lab in labels] for row in lists])


def main():
    t0 = time.perf_counter()
    print("Zero-shot coding with composed codebooks (no training), macro-F1 over each set's labels:")
    print(f"  {'set':<26}{'codebooks':<32}{'texts':>7}{'labels':>8}{'macro-F1':>10}{'micro-P':>9}{'micro-R':>9}")
    for name, (texts, gold, labels) in read_sets().items():
        pred = predict(name, texts, labels)
        g, p = indicator(gold, labels), indicator(pred, labels)
        f = f1_score(g, p, average="macro", zero_division=0)
        mp = precision_score(g, p, average="micro", zero_division=0)
        mr = recall_score(g, p, average="micro", zero_division=0)
        books = "+".join(MAP[name]["codebooks"])
        print(f"  {name:<26}{books:<32}{len(texts):>7}{len(labels):>8}{f:>10.3f}{mp:>9.3f}{mr:>9.3f}")
        per = f1_score(g, p, average=None, zero_division=0)
        print("      per label: " + ", ".join(f"{lab} {v:.2f}" for lab, v in zip(labels, per)))
    print("  not used: " + "; ".join(f"{k} ({v})" for k, v in MAP["not_used"].items()))
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
