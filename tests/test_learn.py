"""Learning coder: quality on real data, calibrated confidence, uncertainty sampling, sklearn API."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import f1_score

from cjkit.errors import DataError
from cjkit.coding.learn import LearningCoder, suggest_next

ASPECTS = ["HOTEL", "ZIMMER", "SERVICE", "LAGE", "ESSEN&TRINKEN"]


def read(shared_data, split, n):
    rows = []
    for line in (shared_data / "german_hotel_absa" / f"{split}.txt").read_text(encoding="utf-8").splitlines()[:n]:
        labels, text = line.split("\t", 1)
        asp = {lab.replace("__label__", "").rsplit(":", 1)[0] for lab in labels.split()}
        rows.append({"text": text, **{a: int(a in asp) for a in ASPECTS}})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def hotel(shared_data):
    return read(shared_data, "train", 600), read(shared_data, "test", 300)


@pytest.fixture(scope="module")
def fitted(hotel):
    train, _ = hotel
    return LearningCoder(codebook="default").fit(train["text"], train[ASPECTS])


def test_quality_on_hotel_reviews(hotel, fitted):
    _, test = hotel
    pred = fitted.predict(test["text"])
    assert list(pred.columns) == ASPECTS
    macro = f1_score(test[ASPECTS], pred, average="macro")
    assert macro > 0.65


def test_confidence_is_calibrated(hotel, fitted):
    _, test = hotel
    P = fitted.predict_proba(test["text"]).to_numpy().ravel()
    Y = test[ASPECTS].to_numpy().ravel()
    assert ((P >= 0) & (P <= 1)).all()
    # reliability: in each probability bin the observed rate is near the mean prediction
    bins = np.digitize(P, [0.2, 0.4, 0.6, 0.8])
    for b in np.unique(bins):
        m = bins == b
        if m.sum() >= 40:
            assert abs(P[m].mean() - Y[m].mean()) < 0.2
    brier = np.mean((P - Y) ** 2)
    assert brier < np.mean((Y.mean() - Y) ** 2)   # better than predicting the base rate


def test_suggest_next_lowest_confidence_first(hotel, fitted):
    _, test = hotel
    sug = suggest_next(fitted, test["text"], n=10, exclude_rows=[0, 1, 2])
    assert len(sug) == 10 and sug["rank"].tolist() == list(range(1, 11))
    assert sug["confidence"].is_monotonic_increasing
    assert not set(sug["row"]) & {0, 1, 2}
    P = fitted.predict_proba(test["text"]).to_numpy()
    conf_all = np.maximum(P, 1 - P).min(1)
    rest = np.delete(conf_all, list(sug["row"]) + [0, 1, 2])
    assert sug["confidence"].max() <= rest.min() + 1e-12
    assert set(sug["uncertain_code"]) <= set(ASPECTS)


def test_sklearn_api_and_list_labels():
    texts = ["WLAN weg", "WLAN langsam", "Preis hoch", "zu teuer", "WLAN ok und billig", "Preis fair"] * 3
    codes = [["wifi"], ["wifi"], ["price"], ["price"], ["wifi", "price"], ["price"]] * 3
    m = LearningCoder(codebook=None, C=2.0)
    assert clone(m).get_params()["C"] == 2.0
    m.fit(texts, codes)
    assert m.codes_ == ["price", "wifi"]
    long = m.predict_long(["WLAN geht nicht"])
    assert long["code"].tolist() == ["wifi"] and long["source"].tolist() == ["model"]
    assert 0.5 <= long["confidence"].iloc[0] <= 1


def test_rare_codes_and_errors(caplog):
    texts = ["a b", "c d", "e f", "g h", "i j", "k l"]
    y = pd.DataFrame({"common": [1, 0, 1, 0, 1, 0], "rare": [1, 0, 0, 0, 0, 0]})
    m = LearningCoder(codebook=None).fit(texts, y)
    assert "rare" in caplog.text
    assert np.allclose(m.predict_proba(["x y"])["rare"], 1 / 6)
    with pytest.raises(DataError, match="one row per text"):
        LearningCoder(codebook=None).fit(texts, y.iloc[:3])
    with pytest.raises(DataError, match="too few"):
        LearningCoder(codebook=None).fit(texts[:2], y.iloc[:2])


def test_single_label_gives_every_text_its_most_likely_code(fitted):
    texts = ["", "Parkplatz", "Zimmer sauber, Frühstück gut"]
    P = fitted.predict_proba(texts)
    one = fitted.predict(texts, single_label=True)
    assert (one.sum(axis=1) >= 1).all()
    assert all(one.loc[i, P.loc[i].idxmax()] == 1 for i in range(len(texts)))
    assert (one >= fitted.predict(texts)).all().all()


def test_platt_option_and_reproducible_fit():
    texts = ["WLAN weg", "WLAN langsam", "Preis hoch", "zu teuer", "WLAN ok und billig", "Preis fair"] * 4
    codes = [["wifi"], ["wifi"], ["price"], ["price"], ["wifi", "price"], ["price"]] * 4
    a = LearningCoder(codebook=None, cv=2).fit(texts, codes)
    assert a.platt_.shape == (2, 2)
    P = a.predict_proba(["WLAN geht nicht", ""]).to_numpy()
    assert ((P >= 0) & (P <= 1)).all()
    b = LearningCoder(codebook=None).fit(texts, codes)
    c = LearningCoder(codebook=None).fit(texts, codes)
    assert np.allclose(b.predict_proba(texts), c.predict_proba(texts))
