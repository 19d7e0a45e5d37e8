"""Learning coder: quality on real data, calibrated confidence, uncertainty sampling, sklearn API."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import f1_score

from cjkit.errors import DataError, ParameterError
from cjkit.coding.learn import LearningCoder
from cjkit.coding.suggest import suggest_next

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


def test_mutually_exclusive_codes_sum_to_one_and_get_one_code():
    texts = ["Karte gesperrt", "Karte verloren", "Überweisung fehlt", "Überweisung dauert",
             "Konto kündigen", "Konto schließen"] * 4
    intents = ["card", "card", "transfer", "transfer", "account", "account"] * 4
    m = LearningCoder(codebook=None).fit(texts, intents)
    assert m.multi_label_ is False
    P = m.predict_proba(["Karte weg", "Überweisung", "Hallo"])
    assert np.allclose(P.sum(axis=1), 1.0)
    pred = m.predict(["Karte weg", "Überweisung", "Hallo"])
    assert (pred.sum(axis=1) == 1).all()
    assert pred.idxmax(axis=1).tolist()[:2] == ["card", "transfer"]
    # forcing independent yes/no decisions gives probabilities that need not sum to 1
    free = LearningCoder(codebook=None, multi_label=True).fit(texts, intents)
    assert free.multi_label_ is True and not np.allclose(free.predict_proba(["Hallo"]).sum(axis=1), 1.0)


def test_C_chosen_by_inner_cross_validation_on_training_texts(hotel):
    train, _ = hotel
    m = LearningCoder(codebook=None, C_grid=(0.5, 8.0), inner_folds=2).fit(train["text"], train[ASPECTS])
    assert set(m.cv_scores_) == {0.5, 8.0}
    assert m.C_ == max(m.cv_scores_, key=lambda c: (m.cv_scores_[c], -c))
    assert all(0 < v <= 1 for v in m.cv_scores_.values())
    fixed = LearningCoder(codebook=None, C=2.0).fit(train["text"][:40], train[ASPECTS][:40])
    assert fixed.C_ == 2.0 and fixed.cv_scores_ is None
    with pytest.raises(ParameterError, match="C"):
        LearningCoder(codebook=None, C="big").fit(train["text"][:40], train[ASPECTS][:40])


def test_texts_follow_the_one_input_convention():
    texts = ["WLAN weg", "WLAN langsam", "Preis hoch", "zu teuer"] * 3
    codes = [["wifi"], ["wifi"], ["price"], ["price"]] * 3
    frame = pd.DataFrame({"respondent_id": range(12), "text": texts})
    a = LearningCoder(codebook=None).fit(frame, codes)
    b = LearningCoder(codebook=None).fit(pd.Series(texts), codes)
    assert np.allclose(a.predict_proba(frame), b.predict_proba(texts))
    # a missing answer is an empty text, not an error
    assert len(b.predict_proba(["WLAN", None, float("nan")])) == 3
    with pytest.raises(DataError, match="no text column"):
        b.predict_proba(pd.DataFrame({"answer": texts}))
    long = b.predict_long(pd.Series(["WLAN weg", "zu teuer"], index=["r7", "r9"], name="q2"))
    assert long[["respondent_id", "question", "code"]].values.tolist() == [["r7", "q2", "wifi"], ["r9", "q2", "price"]]
