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


# hand-written sentences (written before the lexicon and the neutral band were tuned)
RULES_DE = [
    ("Das Essen war gut.", "positive"),
    ("Das Essen war nicht gut.", "negative"),
    ("Das Zimmer war kein bisschen sauber.", "negative"),
    ("Die Lage ist nicht schlecht.", "positive"),
    ("Der Service war kaum freundlich.", "negative"),
    ("Frühstück lecker, aber das Personal war total unhöflich.", "negative"),
    ("Das Zimmer war etwas laut, jedoch das Personal war hervorragend.", "positive"),
    ("Nicht freundlich, aber das Zimmer war wunderschön.", "positive"),
    ("Wir kommen gerne wieder, alles einwandfrei.", "positive"),
    ("Totale Zumutung, das Bad war dreckig.", "negative"),
    ("Das Zimmer liegt im dritten Stock.", "neutral"),
]
RULES_EN = [
    ("The staff was helpful.", "positive"),
    ("The staff was not helpful.", "negative"),
    ("The room was barely clean.", "negative"),
    ("The food was not bad at all.", "positive"),
    ("Nice dress but the fabric feels cheap and itchy.", "negative"),
    ("Long lines at pickup, however the agent was very friendly and quick.", "positive"),
    ("I do not like waiting, but the car was great.", "positive"),
    ("Total rip off, hidden fees everywhere.", "negative"),
    ("Love it, so cute and flattering!", "positive"),
    ("I picked up the car at nine.", "neutral"),
]


@pytest.mark.parametrize("lang,text,gold", [("de", t, g) for t, g in RULES_DE] + [("en", t, g) for t, g in RULES_EN])
def test_handwritten_polarity(lang, text, gold):
    assert labels([text], lang=lang) == [gold]


def test_negation_ends_at_clause_and_intensifiers_scale():
    s = score_sentiment(["Nicht teuer, aber schlecht", "gut", "sehr gut", "etwas gut", "good", "very good",
                         "slightly good"], lang="auto")["sentiment"].to_numpy()
    assert s[0] < 0                         # "nicht" does not reach over "aber" to "schlecht"
    assert s[2] > s[1] > s[3] > 0
    assert s[5] > s[4] > s[6] > 0


def test_clause_mean_and_neutral_band():
    mixed, one = score_sentiment(["Zimmer schön. Bett schlecht.", "Zimmer schön. Bett schön."], lang="de")["sentiment"]
    assert abs(mixed) < 0.2 < one           # opposite clauses cancel; the neutral band takes them
    txt = score_sentiment(["Zimmer schön. Bett schlecht."], lang="de", aggregate="text", threshold=0.5)
    assert txt["label"].tolist() == ["neutral"]
    with pytest.raises(ParameterError):
        score_sentiment(["x"], aggregate="sentence")


def _macro(gold, pred):
    from sklearn.metrics import f1_score
    return f1_score(gold, pred, labels=sorted(set(gold)), average="macro", zero_division=0)


def test_lexicon_beats_majority_on_held_out_rows(shared_data):
    sets = []
    rows = []
    for line in (shared_data / "german_hotel_absa" / "test.txt").read_text(encoding="utf-8").splitlines():
        lab, text = line.split("\t", 1)
        pols = {x.rsplit(":", 1)[1] for x in lab.split()}
        if len(pols) == 1:
            rows.append((text, {"positiv": "positive", "negativ": "negative"}.get(pols.pop(), "neutral")))
    sets.append(("de", pd.DataFrame(rows, columns=["text", "gold"]), False))
    w = pd.read_csv(shared_data / "womens_ecommerce_reviews" / "womens_clothing_ecommerce_reviews.csv.zip",
                    index_col=0)
    w = w[w["Review Text"].notna()].sample(3000, random_state=7)
    sets.append(("en", pd.DataFrame({"text": w["Review Text"].to_numpy(), "gold": np.where(
        w["Rating"] <= 2, "negative", np.where(w["Rating"] == 3, "neutral", "positive"))}), False))
    c = pd.read_csv(shared_data / "car_rental_feedback" / "car_rental_training_data.csv", sep=";")
    c = c.drop_duplicates("Customer_Service")
    sets.append(("en", pd.DataFrame({"text": c["Customer_Service"].to_numpy(),
                                     "gold": np.where(c["Satisfaction"] == 1, "positive", "negative")}), True))
    for lang, df, binary in sets:
        s = score_sentiment(df["text"], lang=lang)
        pred = np.where(s["sentiment"] < 0, "negative", "positive") if binary else s["label"].to_numpy()
        gold = df["gold"].to_numpy()
        majority = _macro(gold, np.full(len(gold), pd.Series(gold).value_counts().idxmax()))
        assert _macro(gold, pred) > majority + 0.15


def test_fit_sentiment_cross_validation_is_deterministic(shared_data):
    from cjkit.coding.sentiment import fit_sentiment
    c = pd.read_csv(shared_data / "car_rental_feedback" / "car_rental_training_data.csv", sep=";")
    c = c.drop_duplicates("Customer_Service")
    a = fit_sentiment(c["Customer_Service"], c["Satisfaction"], lang="en")
    b = fit_sentiment(c["Customer_Service"].tolist(), c["Satisfaction"].to_numpy(), lang="en")
    assert (a.cv_accuracy, a.cv_macro_f1) == (b.cv_accuracy, b.cv_macro_f1)
    assert (a.cv_predictions == b.cv_predictions).all()
    assert a.classes == ["negative", "positive"] and a.n == len(c)
    assert a.cv_macro_f1 > 0.6                       # majority class: about 0.37
    out = a.score(["The agent was rude and I waited an hour", "Great car, quick pickup"])
    assert out["label"].tolist() == ["negative", "positive"]


def test_fit_sentiment_ratings_and_errors():
    from cjkit.coding.sentiment import fit_sentiment
    texts = ["alles super", "ganz toll", "sehr schlecht", "total mies", "geht so", "naja mittel"] * 3
    m = fit_sentiment(texts, [5, 4, 1, 2, 3, 3] * 3, scale=(1, 5), folds=3)
    assert m.classes == ["negative", "neutral", "positive"]
    assert 0 <= m.cv_accuracy <= 1 and len(m.cv_predictions) == 18
    with pytest.raises(ParameterError):
        fit_sentiment(texts, [5] * 18)
    with pytest.raises(ParameterError):
        fit_sentiment(texts[:3], [5, 1, 1])


# customer-service language, written before the lexicon entries for it
SERVICE = [
    ("de", "Eine Stunde in der Warteschleife, danach wurde ich abgewimmelt.", "negative"),
    ("de", "Man hat mir zu viel berechnet und keine Rückmeldung gegeben.", "negative"),
    ("de", "Nie wieder! 😡", "negative"),
    ("de", "Sehr kundenfreundlich und lösungsorientiert 👍", "positive"),
    ("en", "The agent was pushy and tried to upsell me insurance.", "negative"),
    ("en", "I was overcharged and nobody answered my emails.", "negative"),
    ("en", "It took forever to get the car.", "negative"),
    ("en", "Pickup went smoothly, no problems at all 😊", "positive"),
]


@pytest.mark.parametrize("lang,text,gold", SERVICE)
def test_service_language(lang, text, gold):
    assert labels([text], lang=lang) == [gold]


def test_emoji_count_and_are_never_negated():
    # one clause, one term: the polarity is v / sqrt(v**2 + 2) with the lexicon valence v
    v = lexicon("en").set_index("term")["valence"]
    s = score_sentiment(["😡", "not 😊", "👎"], lang="en")["sentiment"].to_numpy()
    assert s[0] == pytest.approx(v["😡"] / np.sqrt(v["😡"] ** 2 + 2))
    assert s[1] == pytest.approx(v["😊"] / np.sqrt(v["😊"] ** 2 + 2))     # "not" is about words
    assert s[2] < 0
    # words keep their negation
    w = lexicon("en").set_index("term")["valence"]["=helpful"]
    t = score_sentiment(["not helpful"], lang="en")["sentiment"].item()
    assert t == pytest.approx(-0.74 * w / np.sqrt((0.74 * w) ** 2 + 2))
