"""Personal-data masking: precision and recall per kind on the frozen DE/EN test set.

    .venv/bin/python benchmarks/quality_pii.py

Test set: ``tests/fixtures/pii_sentences.csv`` (made once by
``tests/fixtures/make_pii_sentences.py`` from Faker's de_DE, de_AT, de_CH, en_GB and en_US
providers; spans annotated). Scores:

* recall per kind: share of annotated spans whose characters are all masked with the right
  placeholder (``recall_any``: masked with any placeholder, which protects the person too);
* precision per kind: share of masked spans of that kind that overlap an annotated span of the
  same kind;
* clean sentences altered: share of sentences without personal data that the masker changed;
  the same share on real German hotel reviews (``../shared/data/german_hotel_absa/test.txt``);
* the held-out set ``pii_holdout.csv`` (other wording, written after tuning) is scored the same
  way and shows how far the masker carries beyond the phrasing it was tuned on;
* names are also scored separately for those whose first word is in the shipped gazetteers
  and those that are not, so recall is not credited to the gazetteer alone.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from cjkit.privacy.pii import KINDS, find_pii, mask_pii  # noqa: E402
from cjkit.privacy.pii_names import gazetteer  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "pii_sentences.csv"
HOLDOUT = ROOT / "tests" / "fixtures" / "pii_holdout.csv"


def evaluate(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Per-kind precision/recall table and the clean-sentence and name breakdown figures."""
    known = gazetteer()
    gold_n = dict.fromkeys(KINDS, 0)
    hit = dict.fromkeys(KINDS, 0)
    hit_any = dict.fromkeys(KINDS, 0)
    pred_n = dict.fromkeys(KINDS, 0)
    pred_ok = dict.fromkeys(KINDS, 0)
    names = {"in": [0, 0], "out": [0, 0]}
    altered = clean = 0
    misses = []
    for text, spans in zip(frame["text"], frame["spans"]):
        gold = [(s, e, k.lower()) for s, e, k in json.loads(spans)]
        found = find_pii(text)
        pred = list(zip(found["start"], found["end"], found["kind"]))
        if not gold:
            clean += 1
            altered += bool(pred)
        for s, e, k in gold:
            gold_n[k] += 1
            same = [(ps, pe) for ps, pe, pk in pred if pk == k]
            covered = all(any(ps <= i < pe for ps, pe in same) for i in range(s, e) if not text[i].isspace())
            anyc = all(any(ps <= i < pe for ps, pe, _ in pred) for i in range(s, e) if not text[i].isspace())
            hit[k] += covered
            hit_any[k] += anyc
            if not covered:
                misses.append((k, text[s:e], text))
            if k == "name":
                group = "in" if text[s:e].split()[0].casefold() in known else "out"
                names[group][0] += 1
                names[group][1] += covered
        for ps, pe, pk in pred:
            pred_n[pk] += 1
            pred_ok[pk] += any(ps < e and s < pe and k == pk for s, e, k in gold)
    rows = [{"kind": k, "n_gold": gold_n[k], "recall": hit[k] / gold_n[k] if gold_n[k] else float("nan"),
             "recall_any": hit_any[k] / gold_n[k] if gold_n[k] else float("nan"), "n_masked": pred_n[k],
             "precision": pred_ok[k] / pred_n[k] if pred_n[k] else float("nan")} for k in KINDS]
    total = sum(gold_n.values())
    extra = {"recall_overall": sum(hit.values()) / total, "recall_any_overall": sum(hit_any.values()) / total,
             "clean_altered": altered / clean, "n_clean": clean,
             "names_in_gazetteer": names["in"], "names_outside_gazetteer": names["out"], "misses": misses}
    return pd.DataFrame(rows), extra


def real_reviews() -> None:
    """Share of real German hotel reviews (no personal data expected) that the masker changes."""
    path = ROOT.parent / "shared" / "data" / "german_hotel_absa" / "test.txt"
    if not path.exists():
        print(f"(skipped: {path.name} not found)")
        return
    texts = [ln.split("\t", 1)[1] for ln in path.read_text(encoding="utf-8").splitlines() if "\t" in ln]
    t0 = time.perf_counter()
    masked = mask_pii(texts)
    secs = time.perf_counter() - t0
    changed = [m for t, m in zip(texts, masked) if t != m]
    print(f"== real hotel reviews: {len(changed)}/{len(texts)} changed = {len(changed) / len(texts):.2%} "
          f"({secs / len(texts) * 1000:.2f} ms per answer)")
    for m in changed:
        print("   ", m[:120])


def main() -> None:
    for path in (FIXTURE, HOLDOUT):
        print(f"== {path.name}")
        report(pd.read_csv(path, keep_default_na=False))
    real_reviews()


def report(frame: pd.DataFrame) -> None:
    t0 = time.perf_counter()
    table, extra = evaluate(frame)
    secs = time.perf_counter() - t0
    pd.set_option("display.width", 120)
    print(table.round(3).to_string(index=False))
    print(f"\nrecall overall {extra['recall_overall']:.3f} (any placeholder {extra['recall_any_overall']:.3f}); "
          f"clean sentences altered {extra['clean_altered']:.3%} of {extra['n_clean']}")
    for label, key in [("inside", "names_in_gazetteer"), ("outside", "names_outside_gazetteer")]:
        n, h = extra[key]
        print(f"names with first word {label} the gazetteer: {h}/{n} = {h / n:.3f}" if n else f"no names {label}")
    print(f"{len(frame)} sentences in {secs:.2f} s")
    if "-v" in sys.argv:
        for kind, value, text in extra["misses"]:
            print(f"MISS {kind:14} {value!r:40} {text}")


if __name__ == "__main__":
    main()
