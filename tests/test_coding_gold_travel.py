"""Rule coder against hand-labelled travel and public-service sentences
(tests/fixtures/coding_gold_travel.csv: air travel, rail and public transport, public services).

The labels were written before the travel codebooks were widened and are frozen (see
tests/fixtures/coding_gold_travel.md). Each sentence is coded with the shared codebook plus the
codebook of its industry; per code we count true and false positives over the codes that occur
in the labels. The floors are those of tests/test_coding_gold.py:

* a code with at least 4 labelled sentences needs precision and recall of at least 0.6;
* a rarer code must be found at least once;
* over all codes, precision and recall of at least 0.9;

and sentences labelled with no code (look-alikes, thanks, the customer's own lateness) must
mostly stay uncoded.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from cjkit.coding.codebook import load_codebook
from cjkit.coding.coder import code_texts

GOLD = Path(__file__).parent / "fixtures" / "coding_gold_travel.csv"
MIN_SUPPORT, CODE_FLOOR, OVERALL_FLOOR = 4, 0.6, 0.9
INDUSTRIES = {"air_travel", "rail_transport", "public_services"}


def _labels(cell: str) -> set:
    return {c for c in cell.split(";") if c}


@pytest.fixture(scope="module")
def gold() -> pd.DataFrame:
    return pd.read_csv(GOLD, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def predicted(gold) -> pd.Series:
    """Codes found per sentence (all codes, not only those of the labels)."""
    found = pd.Series([set()] * len(gold), index=gold.index, dtype=object)
    for industry, grp in gold.groupby("industry"):
        out = code_texts(grp["text"].tolist(), load_codebook(["shared", industry]), sentiment=False)
        per_row = out.groupby("row")["code"].agg(lambda s: set(s.astype(str))).to_dict()
        for k, idx in enumerate(grp.index):
            found[idx] = per_row.get(k, set())
    return found


@pytest.fixture(scope="module")
def scores(gold, predicted) -> pd.DataFrame:
    vocab = set().union(*map(_labels, gold["codes"]))
    tp, fp, fn = Counter(), Counter(), Counter()
    for cell, got in zip(gold["codes"], predicted):
        want, got = _labels(cell), got & vocab
        tp.update(want & got)
        fp.update(got - want)
        fn.update(want - got)
    rows = [{"code": c, "support": tp[c] + fn[c], "tp": tp[c], "fp": fp[c], "fn": fn[c]} for c in sorted(vocab)]
    return pd.DataFrame(rows).set_index("code")


def test_gold_set_is_large_mixed_and_well_formed(gold):
    assert len(gold) >= 150 and gold["id"].is_unique
    assert set(gold["industry"]) == INDUSTRIES and set(gold["lang"]) == {"de", "en"}
    for industry, grp in gold.groupby("industry"):
        # both languages in every industry, and every label a code of the composed codebooks
        assert set(grp["lang"]) == {"de", "en"}, industry
        known = set(load_codebook(["shared", industry]).table["code"])
        assert set().union(*map(_labels, grp["codes"])) <= known, industry
    # social-media style is in the set, and so are sentences that must get no code
    assert gold["text"].str.contains("#").sum() >= 5 and gold["text"].str.contains("@").sum() >= 10
    assert (gold["codes"] == "").sum() >= 10


def test_every_code_meets_its_floor(scores):
    s = scores.assign(precision=lambda d: d.tp / (d.tp + d.fp).where(d.tp + d.fp > 0),
                      recall=lambda d: d.tp / d.support)
    common = s[s.support >= MIN_SUPPORT]
    low = common[(common.precision.fillna(0) < CODE_FLOOR) | (common.recall < CODE_FLOOR)]
    assert low.empty, f"codes below the floor {CODE_FLOOR}:\n{low}"
    rare = s[s.support < MIN_SUPPORT]
    assert (rare.tp > 0).all(), f"rare codes never found:\n{rare[rare.tp == 0]}"


def test_overall_precision_and_recall(scores):
    tp, fp, fn = scores[["tp", "fp", "fn"]].sum()
    assert tp / (tp + fp) >= OVERALL_FLOOR, (tp, fp)
    assert tp / (tp + fn) >= OVERALL_FLOOR, (tp, fn)


def test_sentences_without_a_topic_stay_mostly_uncoded(gold, predicted):
    # any code counts here, also one the labels never use
    empty = gold["codes"] == ""
    coded = [t for t, got in zip(gold.loc[empty, "text"], predicted[empty]) if got]
    assert len(coded) <= 0.2 * empty.sum(), coded
