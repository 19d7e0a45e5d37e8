"""Text polarity against labelled data: lexicon, rating-anchored model, majority class, VADER.

    .venv/bin/python benchmarks/bench_sentiment.py [--lexicon-only]

(``--lexicon-only`` skips the rating-anchored models and their goals: seconds instead of minutes.)

Data (../shared/data), three classes negative/neutral/positive unless stated:

* german_hotel_absa (German hotel reviews, per-aspect polarity): the text polarity is the
  polarity all its aspects share; texts whose aspects disagree are left out. Scored on
  test.txt; the majority class and the rating-anchored model learn on train.txt + dev.txt.
* womens_ecommerce_reviews (English): Rating 1-2 negative, 3 neutral, 4-5 positive. A fixed
  random sample (seed 0) of 6,000 reviews with text; the model is cross-validated on it.
* car_rental_feedback (English): Satisfaction 0 negative, 1 positive (two classes; the
  lexicon's and VADER's neutral band is not used: score < 0 negative, else positive).
  Deduplicated on the comment; the model is cross-validated on it.
* sentiment_social (German and English; ``tests/fixtures/sentiment_social.csv``, written for
  cjkit, CC0): short social-media posts and reviews to rail, air, telecom, retail, banking and
  utility providers, hand-labelled before the lexicon was extended for them. Scored per language
  on its dev and held-out parts (split by hash, see ``sentiment_social.md``); the lexicon's
  social-media vocabulary and rules were tuned on dev rows only. No rating-anchored model:
  60 texts per part are too few to learn from.

Scores: accuracy and macro-F1 (sklearn ``f1_score(average="macro")`` over the gold classes).
Goals, each by a clear margin (at least 0.02): the lexicon's macro-F1 beats the majority class on
every set and VADER's on every English set; the rating-anchored model beats both in accuracy and
in macro-F1. The lexicon's accuracy is printed beside the majority class's but is no goal: on a
set where three answers in four are positive, "always positive" has the higher accuracy, and a
lexicon knows no class shares.

Before/after: ``BEFORE`` holds the lexicon's figures of the release before the social-media
vocabulary (same script, same rows); the lexicon must not fall below them on any set.

Nothing is tuned on the scored rows. The lexicon's neutral band (0.2) and its contrast weights
(VADER's 0.5 before and 1.5 after "but"/"aber") were checked on development rows only: German
hotel train.txt + dev.txt and English reviews outside the 6,000 scored ones. The car-rental set
has no development part: its lexicon figure measures general service vocabulary (waiting,
billing, selling pressure, improvement requests), which was added without a held-out check of
that set, so read it as less strict than the other two.
"""
from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from cjkit.coding.sentiment import fit_sentiment, score_sentiment  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
FIXTURE = ROOT / "tests" / "fixtures" / "sentiment_social.csv"
MARGIN = 0.02
# lexicon (accuracy, macro-F1) of the release before the social-media vocabulary
BEFORE = {"german_hotel_absa (test)": (0.730, 0.606), "womens_ecommerce_reviews (6,000)": (0.751, 0.527),
          "car_rental_feedback (dedup.)": (0.803, 0.782),
          "sentiment_social de (dev)": (0.747, 0.748), "sentiment_social de (held-out)": (0.730, 0.709),
          "sentiment_social en (dev)": (0.787, 0.790), "sentiment_social en (held-out)": (0.641, 0.626)}
POL = {"positiv": "positive", "negativ": "negative", "neutral": "neutral"}


def hotel(split: str) -> pd.DataFrame:
    """German hotel reviews with one shared aspect polarity: text, gold."""
    rows = []
    for line in (DATA / "german_hotel_absa" / f"{split}.txt").read_text(encoding="utf-8").splitlines():
        lab, text = line.split("\t", 1)
        pols = {x.rsplit(":", 1)[1] for x in lab.split()}
        if len(pols) == 1:
            rows.append((text, POL[pols.pop()]))
    return pd.DataFrame(rows, columns=["text", "gold"])


def womens(n: int = 6000, seed: int = 0) -> pd.DataFrame:
    df = pd.read_csv(DATA / "womens_ecommerce_reviews" / "womens_clothing_ecommerce_reviews.csv.zip", index_col=0)
    df = df[df["Review Text"].notna()].sample(n, random_state=seed)
    gold = np.where(df["Rating"] <= 2, "negative", np.where(df["Rating"] == 3, "neutral", "positive"))
    return pd.DataFrame({"text": df["Review Text"].to_numpy(), "gold": gold, "rating": df["Rating"].to_numpy()})


def car_rental() -> pd.DataFrame:
    df = pd.read_csv(DATA / "car_rental_feedback" / "car_rental_training_data.csv", sep=";")
    df = df.drop_duplicates("Customer_Service")
    return pd.DataFrame({"text": df["Customer_Service"].to_numpy(),
                         "gold": np.where(df["Satisfaction"] == 1, "positive", "negative")})


def social(lang: str, part: str) -> pd.DataFrame:
    """The cjkit social-media fixture, one language, its dev or held-out part: text, gold."""
    df = pd.read_csv(FIXTURE)
    held = np.array([int(hashlib.sha256(t.encode("utf-8")).hexdigest()[:8], 16) % 10 < 3 for t in df["text"]])
    df = df[(df["lang"] == lang) & (held == (part == "held-out"))]
    return pd.DataFrame({"text": df["text"].to_numpy(), "gold": df["label"].to_numpy()})


def scores(gold, pred) -> tuple[float, float]:
    labels = sorted(set(gold))
    return accuracy_score(gold, pred), f1_score(gold, pred, labels=labels, average="macro", zero_division=0)


def two_class(sentiment: np.ndarray) -> np.ndarray:
    return np.where(sentiment < 0, "negative", "positive")


def main() -> int:
    lexicon_only = "--lexicon-only" in sys.argv[1:]
    results = []
    t0 = time.perf_counter()
    sets = []
    train = pd.concat([hotel("train"), hotel("dev")], ignore_index=True)
    sets.append(("german_hotel_absa (test)", "de", hotel("test"), train, False))
    sets.append(("womens_ecommerce_reviews (6,000)", "en", womens(), None, False))
    sets.append(("car_rental_feedback (dedup.)", "en", car_rental(), None, True))
    for lang in ("de", "en"):
        for part in ("dev", "held-out"):
            sets.append((f"sentiment_social {lang} ({part})", lang, social(lang, part), "none", False))
    for name, lang, df, train, binary in sets:
        gold = df["gold"].to_numpy()
        rows = {}
        s = score_sentiment(df["text"], lang=lang)
        rows["lexicon"] = scores(gold, two_class(s["sentiment"].to_numpy()) if binary else s["label"].to_numpy())
        has_train = isinstance(train, pd.DataFrame)
        majority = (train["gold"] if has_train else pd.Series(gold)).value_counts().idxmax()
        if isinstance(train, str) or lexicon_only:      # no model: too few texts, or not asked for
            pass
        elif has_train:
            model = fit_sentiment(train["text"], train["gold"], lang=lang)
            rows["rating-anchored (train -> test)"] = scores(gold, model.score(df["text"])["label"].to_numpy())
            rows["rating-anchored (5-fold CV, train)"] = (model.cv_accuracy, model.cv_macro_f1)
        else:
            model = fit_sentiment(df["text"], gold, lang=lang)
            rows["rating-anchored (5-fold CV)"] = (model.cv_accuracy, model.cv_macro_f1)
        rows["majority class"] = scores(gold, np.full(len(gold), majority))
        if lang == "en":
            v = score_sentiment(df["text"], lang="en", method="vader")
            rows["VADER"] = scores(gold, two_class(v["sentiment"].to_numpy()) if binary else v["label"].to_numpy())
        print(f"\n{name}: n = {len(df)}, classes {dict(pd.Series(gold).value_counts())}")
        for k, (acc, f1) in rows.items():
            print(f"  {k:38s} accuracy {acc:.3f}  macro-F1 {f1:.3f}")
        b_acc, b_f1 = BEFORE[name]
        l_acc, l_f1 = rows["lexicon"]
        ok = round(l_f1, 3) >= b_f1
        results.append(ok)
        print(f"  lexicon before -> after: accuracy {b_acc:.3f} -> {l_acc:.3f}, macro-F1 {b_f1:.3f} -> {l_f1:.3f}"
              f" (no regression: {'MET' if ok else 'NOT MET'})")
        maj_acc, maj = rows["majority class"]
        vader_acc, vader = rows.get("VADER", (-1.0, -1.0))
        for k, (acc, f1) in rows.items():
            if not k.startswith(("lexicon", "rating-anchored")):
                continue
            checks = [("macro-F1", f1, maj, vader)]
            if k.startswith("rating-anchored"):
                checks.append(("accuracy", acc, maj_acc, vader_acc))
            else:
                print(f"  (lexicon accuracy {acc:.3f} vs majority {maj_acc:.3f}"
                      + (f", VADER {vader_acc:.3f}" if lang == "en" else "") + ": no goal, see the docstring)")
            for what, x, m, v in checks:
                ok = x >= m + MARGIN and (lang != "en" or x >= v + MARGIN)
                results.append(ok)
                print(f"  goal {k}: {what} {x:.3f} >= majority {m:.3f} + {MARGIN}"
                      + (f" and VADER {v:.3f} + {MARGIN}" if lang == "en" else "") + f": {'MET' if ok else 'NOT MET'}")
    print(f"\nall goals met: {all(results)}  ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
