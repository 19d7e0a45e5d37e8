"""Agreement statistics checked against sklearn, the krippendorff package and a published example."""
from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

from cjkit.coding.agreement import agreement_table, code_scores, cohen_kappa, disagreements, krippendorff_alpha
from cjkit.errors import DataError

NAN = np.nan
# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", example C: 4 coders, 12 units
PUBLISHED = [[1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
             [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
             [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
             [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN]]


def test_krippendorff_published_example():
    assert krippendorff_alpha(PUBLISHED) == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha(PUBLISHED, "interval") == pytest.approx(0.849, abs=5e-4)


@pytest.mark.parametrize("seed", range(5))
def test_krippendorff_against_package(seed):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, 60)
    data = np.array([np.where(rng.random(60) < 0.8, truth, rng.integers(0, 4, 60)) for _ in range(3)], float)
    data[rng.random(data.shape) < 0.1] = np.nan
    for level in ("nominal", "interval"):
        assert krippendorff_alpha(data, level) == pytest.approx(
            krippendorff.alpha(reliability_data=data, level_of_measurement=level), abs=1e-10)


@pytest.mark.parametrize("seed", range(5))
def test_kappa_against_sklearn(seed):
    rng = np.random.default_rng(seed)
    a = rng.choice(["x", "y", "z"], 80)
    b = np.where(rng.random(80) < 0.7, a, rng.choice(["x", "y", "z"], 80))
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


def _long(matrix, codes, coder=None):
    rows = [{"respondent_id": str(u), "code": codes[j]} for u, j in zip(*np.nonzero(matrix))]
    df = pd.DataFrame(rows, columns=["respondent_id", "code"])
    return df if coder is None else df.assign(coder=coder)


def test_code_scores_against_sklearn():
    rng = np.random.default_rng(0)
    codes = ["a", "b", "c", "d"]
    G = (rng.random((50, 4)) < 0.3).astype(int)
    P = np.where(rng.random((50, 4)) < 0.8, G, 1 - G)
    units = pd.DataFrame({"respondent_id": [str(i) for i in range(50)]})
    res = code_scores(_long(G, codes), _long(P, codes), unit_cols=["respondent_id"], units=units, codes=codes)
    p, r, f, s = precision_recall_fscore_support(G, P, zero_division=0)
    per = res.set_index("code").loc[codes]
    np.testing.assert_allclose(per["precision"], p)
    np.testing.assert_allclose(per["recall"], r)
    np.testing.assert_allclose(per["f1"], f)
    np.testing.assert_array_equal(per["support"], s)
    mac = precision_recall_fscore_support(G, P, average="macro", zero_division=0)
    mic = precision_recall_fscore_support(G, P, average="micro", zero_division=0)
    assert res.set_index("code").loc["macro_avg", "f1"] == pytest.approx(mac[2])
    assert res.set_index("code").loc["micro_avg", "f1"] == pytest.approx(mic[2])


def test_agreement_table_three_coders():
    rng = np.random.default_rng(3)
    codes = ["price", "wifi", "staff"]
    truth = (rng.random((40, 3)) < 0.4).astype(int)
    mats = {c: np.where(rng.random((40, 3)) < 0.85, truth, 1 - truth) for c in ("anna", "ben", "cem")}
    codings = pd.concat([_long(m, codes, c) for c, m in mats.items()])
    units = pd.DataFrame({"respondent_id": [str(i) for i in range(40)]})
    t = agreement_table(codings, unit_cols=["respondent_id"], units=units, codes=codes).set_index("code")
    for j, code in enumerate(codes):
        dec = np.stack([mats[c][:, j] for c in ("anna", "ben", "cem")])
        assert t.loc[code, "krippendorff_alpha"] == pytest.approx(
            krippendorff.alpha(reliability_data=dec, level_of_measurement="nominal"))
        pairs = [cohen_kappa_score(dec[i], dec[k]) for i, k in ((0, 1), (0, 2), (1, 2))]
        assert t.loc[code, "cohen_kappa"] == pytest.approx(np.mean(pairs))
        assert t.loc[code, "percent_agreement"] == pytest.approx(np.mean((dec == dec[0]).all(0)))
    assert t.loc["all_codes", "n_units"] == 120


def test_disagreements_review_table():
    codings = pd.DataFrame({"respondent_id": ["1", "1", "2", "2", "3"], "question": "q",
                            "code": ["price", "price", "wifi", "staff", "wifi"],
                            "coder": ["anna", "ben", "anna", "ben", "anna"]})
    texts = pd.DataFrame({"respondent_id": ["1", "2", "3"], "question": "q",
                          "text": ["zu teuer", "WLAN weg, schreib mir: a.b@web.de", "WLAN"]})
    rev = disagreements(codings, texts)
    assert set(zip(rev["respondent_id"], rev["code"])) == {("2", "staff"), ("2", "wifi"), ("3", "wifi")}
    assert {"coder_anna", "coder_ben", "n_yes", "n_coders", "text"} <= set(rev.columns)
    assert rev.loc[rev["respondent_id"] == "2", "text"].iloc[0] == "WLAN weg, schreib mir: [EMAIL]"


def test_errors():
    with pytest.raises(DataError, match="at least two coders"):
        agreement_table(pd.DataFrame({"respondent_id": ["1"], "code": ["a"], "coder": ["x"]}))
    with pytest.raises(DataError, match="unit columns"):
        code_scores(pd.DataFrame({"id": [1], "code": ["a"]}), pd.DataFrame({"id": [1], "code": ["a"]}))
