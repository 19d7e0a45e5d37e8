"""Rule coder: compounds, folding, negation, exclusions, evidence spans, attribution, output shape."""
from __future__ import annotations

import pandas as pd
import pytest

from cjkit.coding.coder import OUTPUT, code_indicators, code_texts
from cjkit.errors import DataError, ParameterError


def codes_of(text, **kw):
    out = code_texts([text], **kw)
    return dict(zip(out["code"].astype(str), out.to_dict("records")))


@pytest.fixture(scope="module")
def hotel(shared_data):
    lines = (shared_data / "german_hotel_absa" / "test.txt").read_text(encoding="utf-8").splitlines()
    return pd.DataFrame({"respondent_id": [f"h{i}" for i in range(400)],
                         "text": [ln.split("\t", 1)[1] for ln in lines[:400]]})


def test_output_shape(hotel):
    out = code_texts(hotel)
    assert list(out.columns) == ["respondent_id", "question"] + OUTPUT
    assert set(out["source"].astype(str)) == {"rule"}
    assert out["polarity"].isin([-1, 0, 1]).all() and out["confidence"].between(0, 1).all()
    assert out["phase"].cat.ordered
    assert out["row"].nunique() > 300   # most hotel sentences get a code


def test_evidence_is_the_original_span(hotel):
    out = code_texts(hotel)
    texts = hotel["text"].tolist()
    for r in out.itertuples():
        assert texts[r.row][r.start:r.end] == r.evidence
        assert texts[r.row].lower()[r.start] == str(r.evidence).lower()[0]


def test_chunking_does_not_change_the_result(hotel):
    a = code_texts(hotel)
    b = code_texts(hotel, chunk_size=37)
    pd.testing.assert_frame_equal(a.astype(str), b.astype(str))


def test_german_compounds_and_folding():
    c = codes_of("Das Rezeptionspersonal und der Kundenservice, Lieferzeit ewig.")
    assert {"reception", "staff", "customer_service", "delivery", "waiting_time"} <= set(c)
    assert c["delivery"]["evidence"] == "Lieferzeit"
    assert c["staff"]["evidence"] == "Rezeptionspersonal" and c["staff"]["confidence"] == 0.8
    assert set(codes_of("Fruehstueck prima")) == set(codes_of("Frühstück prima")) >= {"breakfast"}
    assert "breakfast" in codes_of("Das Frühstücksbuffet war reichhaltig")


def test_inflections_and_english_stems():
    assert "friendliness" in codes_of("Sehr freundliche Mitarbeiter")
    assert "delivery" in codes_of("The parcel was delivered late")
    assert "booking" in codes_of("Wir haben online gebucht")       # ge- participle


def test_negation_scope():
    assert codes_of("Das Personal war nicht freundlich.")["friendliness"]["negated"]
    assert codes_of("The agent was not helpful")["friendliness"]["negated"]
    assert codes_of("unfreundliche Rezeption")["friendliness"]["negated"]
    assert not codes_of("Nicht nur freundlich, sondern auch kompetent")["friendliness"]["negated"]
    assert codes_of("Das Frühstück schmeckte nicht.")["breakfast"]["polarity"] == -1
    # the cue's scope ends at the clause: "aber" opens a new one
    assert not codes_of("Nicht schlecht, aber die Rezeption war super")["reception"]["negated"]
    assert codes_of("Kein Parkplatz vorhanden!")["parking"]["polarity"] == -1


def test_exclusions():
    assert "pets" not in codes_of("Hunderte Gäste im Speisesaal")
    assert "pets" in codes_of("Unser Hund war willkommen")
    assert "waiting_time" not in codes_of("Wartungsarbeiten im Flur")
    assert "online_shop" not in codes_of("I called in order to ask")


def test_span_polarity_and_touchpoint_attribution():
    c = codes_of("Zimmer sauber, aber das Personal an der Rezeption war unfreundlich")
    assert c["room"]["polarity"] == 1
    assert c["friendliness"]["polarity"] == -1 and c["friendliness"]["touchpoint"] == "reception"
    assert c["friendliness"]["canonical_stage"] == "delivery"
    p = codes_of("Der Preis ist zu hoch")["price"]
    assert pd.isna(p["touchpoint"])


def test_language_rules():
    # German 'Bad' (bathroom) vs English 'bad'
    assert "bathroom" in codes_of("Das Bad war schmutzig")
    assert "bathroom" not in codes_of("The service was bad and the wait was long")
    assert codes_of("The service was bad")["customer_service"]["lang"] == "en"
    assert "bathroom" in codes_of("bad", lang="de") and "bathroom" not in codes_of("bad", lang="en")


def test_model_phases():
    out = code_texts(["Die Lieferung kam zu spät"], model="accra")
    assert list(out["phase"].cat.categories) == ["awareness", "consideration", "conversion", "retention", "advocacy"]
    assert out.set_index(out["code"].astype(str)).loc["delivery", "phase"] == "retention"


def test_inputs_and_errors():
    s = pd.Series(["WLAN gut", None, ""], index=["a", "b", "c"], name="q10")
    out = code_texts(s)
    assert out["respondent_id"].tolist() == ["a"] and out["question"].tolist() == ["q10"]
    assert code_texts([]).empty and list(code_texts([]).columns)[-1] == "row"
    with pytest.raises(DataError, match="no text column 'comment'"):
        code_texts(pd.DataFrame({"text": ["x"]}), text_col="comment")
    with pytest.raises(ParameterError, match="lang"):
        code_texts(["x"], lang="fr")


def test_code_indicators_keep_uncoded_answers():
    df = pd.DataFrame({"respondent_id": ["1", "2", "3"], "question": "q", "text": ["WLAN weg", "ok", "Preis hoch, WLAN ok"]})
    out = code_texts(df)
    wide = code_indicators(out, df)
    assert wide["respondent_id"].tolist() == ["1", "2", "3"]
    assert wide["wifi"].tolist() == [1, 0, 1] and wide["n_codes"].tolist()[1] == 0
    by_tp = code_indicators(out, df, by="touchpoint")
    assert "wifi" in by_tp.columns



def test_code_indicators_never_drop_rows_silently(caplog):
    df = pd.DataFrame({"respondent_id": [1, 2, 3, 4], "text": ["WLAN weg", "ok", None, "  "]})
    coded = code_texts(pd.concat([df, pd.DataFrame({"respondent_id": [9], "text": ["Preis hoch"]})]))
    wide = code_indicators(coded, df, id_cols=["respondent_id"])
    # every respondent of the survey is a row; the coded answer outside it is kept as well
    assert wide["respondent_id"].tolist() == ["1", "2", "3", "4", "9"]
    assert wide["wifi"].tolist() == [1, 0, 0, 0, 0] and wide["price"].tolist() == [0, 0, 0, 0, 1]
    assert wide["n_codes"].tolist() == [1, 0, 0, 0, 1]
    assert wide["has_text"].tolist() == [True, True, False, False, True]
    notes = wide.attrs["notes"]
    assert notes.set_index("respondent_id")["reason"].to_dict() == {
        "9": "coded, but not among the responses", "3": "no answer text", "4": "no answer text"}
    assert "no answer text" in caplog.text
    # nothing coded at all: still one all-zero row per answer
    empty = code_indicators(code_texts(["ok"]).iloc[:0], df, id_cols=["respondent_id"])
    assert len(empty) == 4 and empty["n_codes"].eq(0).all()

def test_regex_rules():
    c = codes_of("Preis-/Leistungs-Verhältnis stimmt")
    assert c["value_for_money"]["rule"] in ("preis\\W{0,3}leistung", "Preis-Leistung")
    assert c["value_for_money"]["evidence"].startswith("Preis")


def test_rule_coder_finds_what_a_naive_search_finds(hotel):
    """Cross-check against an independent per-text regex search for exact-word terms."""
    import re
    from cjkit.coding.codebook import load_codebook
    from cjkit.coding.textnorm import fold
    t = load_codebook("default").table
    exact = {}
    for row in t.itertuples():
        for term in str(row.keywords_de).split(";"):
            term = term.strip()
            if term.startswith("=") and " " not in term and len(term) > 3:
                exact.setdefault(row.code, []).append(fold(term[1:]))
    out = code_texts(hotel, lang="de")
    found = set(zip(out["row"], out["code"].astype(str)))
    for code, terms in exact.items():
        rx = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, terms)) + r")(?!\w)")
        excl_col = t.set_index("code").loc[code, "exclude_de"]
        for i, text in enumerate(hotel["text"]):
            if rx.search(fold(text)) and not excl_col:
                assert (i, code) in found, (code, text)


def test_span_polarity_agrees_with_touchpoint_ratings_in_demo(root):
    """The demo comments are written from each guest's worst and best touchpoint ratings:
    a touchpoint coded positive should have been rated high, one coded negative low."""
    import yaml
    path = root / "surveys" / "demo" / "hotel_guests.csv"
    spec = yaml.safe_load((root / "surveys" / "demo" / "spec.yaml").read_text(encoding="utf-8"))
    col2tp = {q.get("column", q["id"]): q["touchpoint"] for q in spec["questions"]
              if q.get("touchpoint") and q["type"] in ("rating", "likert", "csat")}
    d = pd.read_csv(path, dtype={"lfdn": str}).rename(columns={"lfdn": "respondent_id", "kommentar": "text"})
    out = code_texts(d[["respondent_id", "text"]])
    out = out[out["touchpoint"].notna()].assign(touchpoint=lambda x: x["touchpoint"].astype(str))
    ratings = d.melt(id_vars=["respondent_id"], value_vars=list(col2tp), var_name="col", value_name="rating")
    ratings["touchpoint"] = ratings["col"].map(col2tp)
    m = out.merge(ratings, on=["respondent_id", "touchpoint"])
    m = m[m["rating"] <= 5]                       # 9 = not used
    assert len(m) > 1000
    assert m[["polarity", "rating"]].corr("spearman").iloc[0, 1] > 0.4
    assert (m.loc[m["polarity"] == 1, "rating"] == 5).mean() > 0.8
    assert (m.loc[m["polarity"] == -1, "rating"] <= 3).mean() > 0.7


# --- single-label output -------------------------------------------------------------------
# A small two-level codebook, so the expected primary codes below can be worked out by hand
# from the evidence rule (most distinct terms; then industry > shared, topic > touchpoint,
# deeper code; then first mention), independent of the shipped vocabulary.

def _code(id_, kind, terms, **kw):
    return {"id": id_, "kind": kind, "label_de": id_, "label_en": id_,
            "match": {"de": {"keywords": terms}}, **kw}


SHARED = {"id": "mini_shared", "name_de": "Mini", "name_en": "Mini", "codes": [
    {"id": "usage", "kind": "group", "label_de": "Nutzung", "label_en": "Usage", "canonical_stage": "usage",
     "children": [_code("room", "touchpoint", ["Zimmer"], touchpoint="room"),
                  _code("price", "topic", ["Preis", "teuer", "Kosten"]),
                  _code("waiting", "topic", ["Wartezeit", "warten"])]}]}
INDUSTRY = {"id": "mini_industry", "name_de": "Branche", "name_en": "Industry", "codes": [
    {"id": "rental", "kind": "group", "label_de": "Miete", "label_en": "Rental", "canonical_stage": "usage",
     "children": [_code("deposit", "topic", ["Kaution"])]}]}


def primary(texts, codebook=SHARED, lang="de"):
    return code_texts(texts, codebook, lang=lang, single_label=True)["code"].astype(object).tolist()


def test_single_label_keeps_the_code_with_most_distinct_terms():
    # price: "teuer" and "Preis" (2 terms) against room: "Zimmer" (1 term, named first)
    assert primary(["Das Zimmer war teuer, der Preis zu hoch"]) == ["price"]
    # a word said three times is one piece of evidence: 1 term each, the topic wins the tie
    assert primary(["Zimmer, Zimmer, Zimmer, und teuer"]) == ["price"]
    # polarity plays no part: praise and complaint about the price are both about the price
    assert primary(["Preis super, Kosten fair, Zimmer laut"]) == primary(["Preis zu hoch, Kosten unfair, Zimmer laut"])


def test_single_label_ties_go_to_first_mention_then_specificity():
    # two topics of the same level with one term each: the first mentioned
    assert primary(["Preis hoch, Wartezeit lang", "Wartezeit lang, Preis hoch"]) == ["price", "waiting"]
    # the code an industry codebook added beats the shared one wherever it stands
    from cjkit.coding.codebook import compose_codebooks
    both = compose_codebooks(SHARED, INDUSTRY)
    assert primary(["Preis und Kaution zu hoch", "Kaution und Preis zu hoch"], both) == ["deposit", "deposit"]
    # ... but not against more evidence: two price terms against one deposit term
    assert primary(["Kaution hoch, Preis hoch, alles teuer"], both) == ["price"]


def test_single_label_keeps_every_answer_once():
    df = pd.DataFrame({"respondent_id": ["a", "b", "c", "d"], "text": ["", "alles gut", "Preis hoch", None]})
    out = code_texts(df, SHARED, lang="de", single_label=True)
    assert out["respondent_id"].tolist() == ["a", "b", "c", "d"] and out["row"].tolist() == [0, 1, 2, 3]
    assert out["code"].isna().tolist() == [True, True, False, True]
    assert out["confidence"].tolist() == [0.0, 0.0, 1.0, 0.0]
    assert out["evidence"].isna().tolist() == [True, True, False, True]
    assert list(out.columns) == ["respondent_id", "question"] + OUTPUT


def test_single_label_on_hand_labelled_answers():
    # primary topic as a coder would note it, shipped default codebook
    texts = {"Frühstück lecker, Buffet reichhaltig, nur das WLAN war schwach": {"breakfast", "food_beverage"},
             "Das WLAN ging ständig nicht, keine Internetverbindung im ganzen Haus": {"wifi"},
             "The parcel was delivered late and the delivery driver left it in the rain": {"delivery", "delivery_delay"}}
    got = primary(list(texts), "default", lang="auto")
    assert all(g in want for g, want in zip(got, texts.values())), got


def test_single_label_is_one_of_the_multi_label_codes(hotel):
    multi = code_texts(hotel)
    one = code_texts(hotel, single_label=True, chunk_size=97)
    assert len(one) == len(hotel) and one["row"].tolist() == list(range(len(hotel)))
    found = set(zip(multi["row"], multi["code"].astype(str)))
    coded = one.dropna(subset=["code"])
    assert all((r, c) in found for r, c in zip(coded["row"], coded["code"].astype(str)))
    assert set(coded["row"]) == set(multi["row"])     # uncoded exactly where multi-label finds nothing


def test_evidence_spans_with_multibyte_characters():
    texts = ["😀 Frühstück € top, WLAN weg", "Straße: Parkplatz 💡 fehlt", "Das Frühstück", ""]
    out = code_texts(texts, lang="de")
    assert {"breakfast", "wifi", "parking"} <= set(out["code"].astype(str))
    for r in out.itertuples():
        assert texts[r.row][r.start:r.end] == r.evidence


@pytest.mark.parametrize("ids", [[1, 2, 3], ["a", "b", "c"], ["a", None, "c"], [1, None, 3], [True, False, True],
                                 [1.5, 2.0, 3.0], ["a", float("nan"), "c"], [None, None, None]])
def test_ids_are_written_as_text_like_string_ids(ids):
    from cjkit.coding.texts import string_ids
    df = pd.DataFrame({"respondent_id": pd.Series(ids, dtype=object), "text": ["WLAN weg", "Preis hoch", "Zimmer"]})
    out = code_texts(df)
    want = string_ids(df[["respondent_id"]].copy())["respondent_id"].iloc[out["row"]].reset_index(drop=True)
    pd.testing.assert_series_equal(out["respondent_id"], want)


def test_mentions_and_links_are_no_content_and_hashtags_are_words():
    texts = ["@DB_Info Zug fällt aus #Verspätung", "mail an info@firma.de wegen der Rechnung",
             "see https://www.example.com/info"]
    out = code_texts(texts, ["shared", "rail_transport"], sentiment=False)
    first = out[out["row"] == 0]
    assert "information" not in set(first["code"])                    # the addressee @DB_Info
    assert {"cancellation_outage", "punctuality"} <= set(first["code"])
    for r in out.itertuples():                                        # spans point into the answer as written
        assert texts[r.row][r.start:r.end] == r.evidence
    assert "information" not in set(out.loc[out["row"] == 2, "code"])  # words of a link
    assert set(out.loc[out["row"] == 1, "code"]) == {"billing_fees"}  # not "information" from info@


@pytest.mark.parametrize("text", ["WLAN funktioniert nicht. Personal sehr freundlich",
                                  "Hotline erreicht man nicht, Personal freundlich"])
def test_a_negation_that_closes_its_clause_does_not_reach_into_the_next(text):
    out = code_texts([text], ["shared", "hospitality"])
    friendly = out[out["code"] == "friendliness"]
    assert len(friendly) == 1 and not friendly["negated"].item() and friendly["polarity"].item() == 1
    # the negated mention has no sentiment word in its own clause: a complaint, whatever follows
    assert out.loc[out["code"] != "friendliness", "polarity"].eq(-1).all()
