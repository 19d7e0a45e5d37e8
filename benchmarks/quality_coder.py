"""Coding quality of the default codebook (rule coder) and of the learning coder.

    .venv/bin/python benchmarks/quality_coder.py

Data (../shared/data):

* German hotel reviews (SuperGLEBer hotel ABSA): aspect categories HOTEL, ZIMMER, SERVICE,
  LAGE, ESSEN&TRINKEN. Codes of the default codebook are mapped to these aspects
  (``HOTEL_MAP``); the learning coder learns the aspects on train.txt; both are scored on
  test.txt. Aspect + polarity F1 is reported too (rule polarity = sign of the span polarities).
* Bitext customer-service utterances (English): the 11 categories are mapped to canonical
  journey stages (``BITEXT_STAGE``); the rule coder predicts the stages of the codes it finds;
  the learning coder is trained on a stratified 70 % split and scored on the other 30 %
  (the set has no official split; seed 0).

Scores: macro-F1 over labels (sklearn ``f1_score(average="macro")`` on indicator matrices).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from cjkit.coding.coder import code_texts  # noqa: E402
from cjkit.coding.learn import LearningCoder  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
ASPECTS = ["HOTEL", "ZIMMER", "SERVICE", "LAGE", "ESSEN&TRINKEN"]
HOTEL_MAP = {
    "ZIMMER": ["room", "bed", "bathroom", "noise", "room_amenities", "cleanliness", "wifi"],
    "ESSEN&TRINKEN": ["food_beverage", "breakfast"],
    "SERVICE": ["reception", "check_in", "check_out", "customer_service", "friendliness", "competence",
                "staff", "complaint_handling", "availability", "communication"],
    "LAGE": ["location"],
    "HOTEL": ["stay_overall", "price", "value_for_money", "ambience", "wellness", "pets", "parking",
              "recommendation", "return_intent", "accessibility"],
}
BITEXT_STAGE = {"ORDER": "purchase", "INVOICE": "purchase", "PAYMENT": "purchase",
                "SHIPPING_ADDRESS": "delivery", "DELIVERY": "delivery",
                "ACCOUNT": "service", "CONTACT": "service", "REFUND": "service",
                "FEEDBACK": "advocacy", "CANCELLATION_FEE": "retention", "NEWSLETTER": "retention"}


def read_hotel(split: str) -> pd.DataFrame:
    rows = []
    for line in (DATA / "german_hotel_absa" / f"{split}.txt").read_text(encoding="utf-8").splitlines():
        if "\t" not in line:
            continue
        labels, text = line.split("\t", 1)
        pairs = [lab.replace("__label__", "").rsplit(":", 1) for lab in labels.split()]
        rows.append({"text": text.strip(), "aspects": sorted({a for a, _ in pairs}),
                     "aspect_polarity": sorted({f"{a}:{p}" for a, p in pairs})})
    return pd.DataFrame(rows)


def read_bitext() -> pd.DataFrame:
    df = pd.read_csv(DATA / "bitext_customer_service" / "Bitext_Sample_Customer_Service_Training_Dataset.csv")
    return pd.DataFrame({"text": df["utterance"].astype(str), "category": df["category"],
                         "stage": df["category"].map(BITEXT_STAGE)})


def indicator(label_lists, labels) -> np.ndarray:
    return np.array([[int(lab in set(row)) for lab in labels] for row in label_lists])


def rule_hotel(test: pd.DataFrame):
    coded = code_texts(test["text"], lang="de")
    to_aspect = {c: a for a, cs in HOTEL_MAP.items() for c in cs}
    coded = coded.assign(aspect=coded["code"].astype(str).map(to_aspect)).dropna(subset=["aspect"])
    asp = coded.groupby("row")["aspect"].agg(lambda s: sorted(set(s))).reindex(range(len(test)))
    pol = coded.groupby(["row", "aspect"])["polarity"].sum()
    pol_lab = pol.map(lambda v: "positiv" if v > 0 else "negativ" if v < 0 else "neutral")
    ap = [f"{a}:{p}" for (r, a), p in pol_lab.items()]
    rows = [r for (r, a) in pol_lab.index]
    ap_lists = pd.Series(ap, index=rows).groupby(level=0).agg(list).reindex(range(len(test)))
    return ([x if isinstance(x, list) else [] for x in asp], [x if isinstance(x, list) else [] for x in ap_lists])


def rule_bitext(test: pd.DataFrame):
    coded = code_texts(test["text"], lang="en")
    st = coded.dropna(subset=["canonical_stage"]).groupby("row")["canonical_stage"].agg(
        lambda s: sorted(set(map(str, s)))).reindex(range(len(test)))
    return [x if isinstance(x, list) else [] for x in st]


def macro_f1(gold_lists, pred_lists, labels) -> float:
    return float(f1_score(indicator(gold_lists, labels), indicator(pred_lists, labels), average="macro",
                          zero_division=0))


def main():
    t0 = time.perf_counter()
    train, test = read_hotel("train"), read_hotel("test")
    ap_labels = sorted({x for row in pd.concat([train, test])["aspect_polarity"] for x in row})
    r_asp, r_ap = rule_hotel(test.reset_index(drop=True))
    print(f"German hotel reviews (train {len(train)}, test {len(test)}), macro-F1 on test:")
    print(f"  rule coder, default codebook  aspects: {macro_f1(test['aspects'], r_asp, ASPECTS):.3f}   "
          f"aspect+polarity: {macro_f1(test['aspect_polarity'], r_ap, ap_labels):.3f}")
    for name, cb in (("learning coder (text)", None), ("learning coder (text+rules)", "default")):
        y = pd.DataFrame(indicator(train["aspects"], ASPECTS), columns=ASPECTS)
        m = LearningCoder(codebook=cb, progress=False).fit(train["text"], y)
        p = m.predict(test["text"])
        f_a = f1_score(indicator(test["aspects"], ASPECTS), p[ASPECTS].to_numpy(), average="macro", zero_division=0)
        y2 = pd.DataFrame(indicator(train["aspect_polarity"], ap_labels), columns=ap_labels)
        m2 = LearningCoder(codebook=cb, progress=False).fit(train["text"], y2)
        p2 = m2.predict(test["text"]).reindex(columns=ap_labels, fill_value=0)
        f_ap = f1_score(indicator(test["aspect_polarity"], ap_labels), p2.to_numpy(), average="macro", zero_division=0)
        print(f"  {name:<30} aspects: {f_a:.3f}   aspect+polarity: {f_ap:.3f}")

    bt = read_bitext()
    tr, te = train_test_split(bt, test_size=0.3, random_state=0, stratify=bt["category"])
    te = te.reset_index(drop=True)
    stages = sorted(set(BITEXT_STAGE.values()))
    gold = [[s] for s in te["stage"]]
    r = rule_bitext(te)
    print(f"Bitext utterances -> journey stages (train {len(tr)}, test {len(te)}), macro-F1 on test:")
    print(f"  rule coder, default codebook  stages: {macro_f1(gold, r, stages):.3f}")
    for name, cb in (("learning coder (text)", None), ("learning coder (text+rules)", "default")):
        y = pd.DataFrame(indicator([[s] for s in tr["stage"]], stages), columns=stages)
        m = LearningCoder(codebook=cb, progress=False).fit(tr["text"], y)
        p = m.predict(te["text"])
        print(f"  {name:<30} stages: {f1_score(indicator(gold, stages), p[stages].to_numpy(), average='macro'):.3f}")
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
