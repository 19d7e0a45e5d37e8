"""Learning coder: training speed and quality against a plain TF-IDF + logistic regression baseline.

    .venv/bin/python benchmarks/bench_learn.py

Speed: the learning coder (default settings, rule features from the default codebook, compiled
once beforehand as in a notebook session) is trained on the first 2,000 German hotel reviews;
the baseline is ``TfidfVectorizer(sublinear_tf=True)`` + ``OneVsRestClassifier(LogisticRegression())``
fitted on the same texts in the same process. Best of three runs each. Exit status 1 when the
learning coder takes more than three times as long as the baseline.

Quality: macro-F1 of both on the same split of every labelled set found in ../shared/data:
German hotel reviews (aspects, multi-label, official train/test), Bitext customer service
(11 categories), BANKING77 (77 intents, official train/test), CFPB complaints (product) and car
rental comments (business area); the sets without a split are split 70/30, stratified, seed 0.
For the single-label sets both models give every text at least its most likely code (the learning
coder sees from the training codes that they exclude each other and gives probabilities that sum
to 1). The learning coder's regularisation is chosen by an inner cross-validation on the training
part only; the test part is used for nothing but the printed scores.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from cjkit.coding.coder import compile_codebook  # noqa: E402
from cjkit.coding.learn import LearningCoder  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
ASPECTS = ["HOTEL", "ZIMMER", "SERVICE", "LAGE", "ESSEN&TRINKEN"]
MAX_RATIO = 3.0


class Baseline:
    """TF-IDF words + one logistic regression per code."""

    def fit(self, texts, Y: pd.DataFrame):
        self.vec = TfidfVectorizer(sublinear_tf=True)
        self.codes = list(Y.columns)
        self.model = OneVsRestClassifier(LogisticRegression(max_iter=1000)).fit(self.vec.fit_transform(texts),
                                                                                  Y.to_numpy())
        return self

    def predict_proba(self, texts) -> np.ndarray:
        return self.model.predict_proba(self.vec.transform(texts))


def decide(P: np.ndarray, single: bool) -> np.ndarray:
    out = (P >= 0.5).astype(int)
    if single:
        out[np.arange(len(P)), P.argmax(1)] = 1
    return out


def hotel(split: str) -> pd.DataFrame:
    rows = []
    for line in (DATA / "german_hotel_absa" / f"{split}.txt").read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            labels, text = line.split("\t", 1)
            asp = {lab.replace("__label__", "").rsplit(":", 1)[0] for lab in labels.split()}
            rows.append({"text": text.strip(), **{a: int(a in asp) for a in ASPECTS}})
    return pd.DataFrame(rows)


def single(df: pd.DataFrame, text: str, label: str) -> pd.DataFrame:
    df = df.dropna(subset=[text, label])
    return pd.DataFrame({"text": df[text].astype(str).to_numpy(), "label": df[label].astype(str).to_numpy()})


def split(df: pd.DataFrame):
    df = df[df["label"].map(df["label"].value_counts()) >= 5]
    tr, te = train_test_split(df, test_size=0.3, random_state=0, stratify=df["label"])
    return tr.reset_index(drop=True), te.reset_index(drop=True)


def datasets():
    """(name, train texts, train Y, test texts, test Y, single-label?) per available set."""
    if (DATA / "german_hotel_absa" / "train.txt").exists():
        tr, te = hotel("train"), hotel("test")
        yield "german_hotel_absa aspects", tr["text"], tr[ASPECTS], te["text"], te[ASPECTS], False
    sets = []
    p = DATA / "bitext_customer_service" / "Bitext_Sample_Customer_Service_Training_Dataset.csv"
    if p.exists():
        sets.append(("bitext categories", split(single(pd.read_csv(p), "utterance", "category"))))
    p = DATA / "banking77"
    if (p / "train.csv").exists():
        sets.append(("banking77 intents", (single(pd.read_csv(p / "train.csv"), "text", "category"),
                                           single(pd.read_csv(p / "test.csv"), "text", "category"))))
    p = DATA / "cfpb_complaints_sample" / "cfpb_complaints_with_narratives.csv"
    if p.exists():
        sets.append(("cfpb product", split(single(pd.read_csv(p), "Consumer complaint narrative", "Product"))))
    p = DATA / "car_rental_feedback" / "car_rental_training_data.csv"
    if p.exists():
        df = single(pd.read_csv(p, sep=";"), "Customer_Service", "Business_Area").drop_duplicates("text")
        sets.append(("car_rental business area", split(df)))
    for name, (tr, te) in sets:
        codes = sorted(set(tr["label"]))
        Ytr = pd.get_dummies(tr["label"]).reindex(columns=codes, fill_value=0).astype(int)
        Yte = pd.get_dummies(te["label"]).reindex(columns=codes, fill_value=0).astype(int)
        yield name, tr["text"], Ytr, te["text"], Yte, True


def best_time(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    tr = hotel("train").iloc[:2000]
    t = time.perf_counter()
    compile_codebook("default", sentiment=False, stopwords=True)
    print(f"codebook compiled once per session: {time.perf_counter() - t:.2f} s")
    t_base = best_time(lambda: Baseline().fit(tr["text"], tr[ASPECTS]))
    t_learn = best_time(lambda: LearningCoder().fit(tr["text"], tr[ASPECTS]))
    t_text = best_time(lambda: LearningCoder(codebook=None).fit(tr["text"], tr[ASPECTS]))
    ratio = t_learn / t_base
    print(f"training on {len(tr)} texts, {len(ASPECTS)} codes (best of 3):")
    print(f"  TF-IDF + LogisticRegression baseline  {t_base:6.3f} s")
    print(f"  LearningCoder (text only)             {t_text:6.3f} s  ({t_text / t_base:.1f}x)")
    print(f"  LearningCoder (text + rules)          {t_learn:6.3f} s  ({ratio:.1f}x; limit {MAX_RATIO:.0f}x)"
          f"  = {len(tr) / t_learn:,.0f} texts/s")
    print("macro-F1 on test, learning coder vs baseline (same split):")
    for name, xtr, ytr, xte, yte, one in datasets():
        m = LearningCoder(progress=False).fit(xtr, ytr)
        f_l = f1_score(yte, decide(m.predict_proba(xte).to_numpy(), one), average="macro", zero_division=0)
        b = Baseline().fit(xtr, ytr)
        f_b = f1_score(yte, decide(b.predict_proba(xte), one), average="macro", zero_division=0)
        verdict = "beats" if f_l > f_b else "does NOT beat"
        print(f"  {name:<28} train {len(xtr):>5}  codes {ytr.shape[1]:>3}  "
              f"learning {f_l:.3f}  baseline {f_b:.3f}  -> {verdict} the baseline")
    if ratio > MAX_RATIO:
        print(f"FAIL: training takes {ratio:.1f}x the baseline (limit {MAX_RATIO:.0f}x)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
