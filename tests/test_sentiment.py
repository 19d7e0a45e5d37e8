"""Sentiment per response and span, and its agreement with ratings."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr
from sklearn.metrics import cohen_kappa_score

from cjkit.errors import DataError, ParameterError
from cjkit.coding.sentiment import agreement_with_rating, lexicon, score_sentiment


def labels(texts, **kw):
    return score_sentiment(texts, **kw)["label"].tolist()


def test_rules_german():
    assert labels(["Das Personal war freundlich.", "Das Personal war nicht freundlich.",
                   "Das Personal war unfreundlich.", "Nicht nur freundlich, sondern auch kompetent.",
                   "Das Frühstück schmeckte nicht.", "Zimmer in Ordnung."]) == [
        "positive", "negative", "negative", "positive", "negative", "positive"]
    s = score_sentiment(["freundlich", "sehr freundlich", "Zimmer ok, aber das Personal war unfreundlich"])
    assert s["sentiment"][1] > s["sentiment"][0] > 0      # intensifier
    assert s["label"][2] == "negative"                     # after "aber" weighs more


def test_english_close_to_vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    sia = SentimentIntensityAnalyzer()
    texts = ["The staff was very friendly and helpful", "The room was dirty and the staff rude",
             "I am not happy with the delivery", "Great value for money", "Check-in was quick and easy",
             "Terrible experience, never again", "Thanks, excellent support", "The agent was not helpful",
             "Delivery was late and the parcel damaged", "Lovely hotel, perfect location"]
    ours = score_sentiment(texts, lang="en")["sentiment"].to_numpy()
    vader = np.array([sia.polarity_scores(t)["compound"] for t in texts])
    assert (np.sign(ours) == np.sign(vader)).mean() == 1.0
    assert spearmanr(ours, vader)[0] > 0.8
    v = score_sentiment(texts, lang="en", method="vader")["sentiment"].to_numpy()
    np.testing.assert_allclose(v, vader)


def test_hotel_reviews_polarity(shared_data):
    rows = []
    for line in (shared_data / "german_hotel_absa" / "test.txt").read_text(encoding="utf-8").splitlines():
        lab, text = line.split("\t", 1)
        pols = {x.rsplit(":", 1)[1] for x in lab.split()}
        if len(pols) == 1 and pols != {"neutral"}:
            rows.append((text, "positive" if pols == {"positiv"} else "negative"))
    df = pd.DataFrame(rows, columns=["text", "gold"])
    s = score_sentiment(df["text"], lang="de")
    decided = s["label"] != "neutral"
    assert decided.mean() > 0.6                                         # coverage
    assert (s.loc[decided, "label"].to_numpy() == df.loc[decided.to_numpy(), "gold"].to_numpy()).mean() > 0.9


def test_language_detection_and_output():
    s = score_sentiment(pd.Series(["Das Zimmer war sehr schön", "The room was great", "WLAN"], index=[7, 8, 9]))
    assert s["lang"].tolist() == ["de", "en", "und"]
    assert s["respondent_id"].tolist() == ["7", "8", "9"]
    assert list(s.columns) == ["respondent_id", "question", "lang", "sentiment", "label", "n_positive", "n_negative", "has_text"]
    assert s["sentiment"].between(-1, 1).all()


def test_lexicon_and_errors():
    lx = lexicon("en")
    assert {"term", "valence", "lang"} == set(lx.columns) and lx["valence"].between(-3, 3).all()
    with pytest.raises(ParameterError):
        lexicon("fr")
    with pytest.raises(ParameterError, match="method"):
        score_sentiment(["x"], method="bert")


def test_agreement_with_rating_against_scipy_and_sklearn():
    texts = ["toll", "super Service", "schlecht", "furchtbar", "ok", "Zimmer", "sehr gut", "leider laut"]
    rating = [5, 4, 1, 2, 3, 3, 2, 5]
    s = score_sentiment(texts)
    res = agreement_with_rating(s, rating).set_index("metric")["value"]
    assert res["spearman_rho"] == pytest.approx(spearmanr(s["sentiment"], rating)[0])
    r_band = np.where(np.array(rating) < 1 + 4 / 3, -1, np.where(np.array(rating) > 5 - 4 / 3, 1, 0))
    s_band = s["label"].map({"negative": -1, "neutral": 0, "positive": 1}).to_numpy()
    assert res["cohen_kappa"] == pytest.approx(cohen_kappa_score(r_band, s_band))
    assert res["exact_agreement"] == pytest.approx(np.mean(r_band == s_band))
    assert res["opposite"] == pytest.approx(2 / 8)    # "sehr gut" rated 2, "leider laut" rated 5


def test_agreement_with_rating_bad_values():
    s = score_sentiment(["gut", "schlecht"])
    with pytest.raises(DataError, match="row 2.*outside the scale"):
        agreement_with_rating(s, [4, 7])
    res = agreement_with_rating(s.assign(rating=[4, np.nan]), "rating")
    assert (res["n"] == 1).all()
    s2 = score_sentiment(["gut", "", "schlecht"])
    assert s2["has_text"].tolist() == [True, False, True]
    assert (agreement_with_rating(s2, [5, 3, 1])["n"] == 2).all()
