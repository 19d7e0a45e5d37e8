"""Industry codebooks: composition, matching outside hotels, industry proposal, spec field."""
from __future__ import annotations

import pandas as pd
import pytest
import yaml

from cjkit.coding.codebook import compose_codebooks, industries, list_codebooks, load_codebook
from cjkit.coding.coder import code_texts
from cjkit.coding.industry import propose_industry
from cjkit.errors import ConfigError, ParameterError
from cjkit.io.spec import load_spec


def codes(text, books):
    out = code_texts([text], load_codebook(books))
    return dict(zip(out["code"].astype(str), out.to_dict("records")))


def mini(terms, lang="en", rule="keywords"):
    return {"id": "mini", "name_de": "m", "name_en": "m", "codes": [
        {"id": "c", "kind": "topic", "label_de": "c", "label_en": "c", "match": {lang: {rule: terms}}}]}


# ---------------------------------------------------------------- composition
def test_every_industry_composes_with_shared_without_conflicts():
    assert len(industries()) >= 9
    for ind in industries():
        cb = load_codebook(["shared", ind])
        assert cb.table["code"].is_unique
        assert cb.composition.query("action == 'conflict'").empty, ind
        # shared codes survive, the industry adds its own
        assert {"price", "waiting_time", "friendliness"} <= set(cb.table["code"])
        assert len(cb.table) > len(load_codebook("shared").table)


def test_user_codebook_extends_replaces_and_adds(tmp_path):
    path = tmp_path / "my_codes.yaml"
    path.write_text(yaml.safe_dump({"id": "my_codes", "name_de": "Meine", "name_en": "Mine", "codes": [
        {"id": "price", "label_de": "Preis", "label_en": "Price", "match": {"de": {"keywords": ["Wucherpreis"]}}},
        {"id": "crowding", "label_de": "Enge", "label_en": "Crowding", "replace": True,
         "match": {"de": {"keywords": ["Sardinenbüchse"]}}},
        {"id": "lounge", "kind": "topic", "label_de": "Lounge", "label_en": "Lounge",
         "match": {"de": {"keywords": ["Lounge"]}}}]}, allow_unicode=True), encoding="utf-8")
    cb = load_codebook(["shared", "air_travel", str(path)])
    t = cb.table.set_index("code")
    assert "Wucherpreis" in t.loc["price", "keywords_de"] and "teuer" in t.loc["price", "keywords_de"]
    assert t.loc["crowding", "keywords_de"] == "Sardinenbüchse"   # replaced, not extended
    actions = cb.composition.set_index("code")["action"]
    assert actions["price"] == "extended" and actions["crowding"] == "replaced" and actions["lounge"] == "added"
    assert "lounge" in set(code_texts(["Die Lounge war voll"], cb)["code"].astype(str))
    # the parts are unchanged by composing
    assert "Wucherpreis" not in load_codebook("shared").table.set_index("code").loc["price", "keywords_de"]


def test_conflicts_are_listed_or_raised_with_file_and_key(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump({"id": "mine", "name_de": "m", "name_en": "m", "codes": [
        {"id": "booking", "label_de": "Buchung", "label_en": "Booking", "touchpoint": "app"}]}), encoding="utf-8")
    cb = compose_codebooks("shared", path)
    conflict = cb.composition.query("action == 'conflict'")
    assert conflict[["code", "field", "old", "new"]].values.tolist() == [["booking", "touchpoint", "booking", "app"]]
    with pytest.raises(ConfigError) as err:
        compose_codebooks("shared", path, on_conflict="raise")
    assert "mine.yaml" in str(err.value) and err.value.key == "codes[0].touchpoint"
    with pytest.raises(ParameterError):
        compose_codebooks("shared", path, on_conflict="ask")


def test_a_broken_part_names_its_own_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"id": "bad", "name_de": "b", "name_en": "b", "codes": [
        {"id": "x", "label_de": "x", "label_en": "x", "touchpoint": "nowhere"}]}), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_codebook(["shared", str(path)])
    assert "bad.yaml" in str(err.value) and "codes[0].touchpoint" in str(err.value)


def test_an_unknown_codebook_name_lists_the_shipped_ones():
    with pytest.raises(ConfigError) as err:
        load_codebook(["shared", "air_travell"])
    assert "air_travell" in str(err.value) and "air_travel" in str(err.value).split("shipped:")[1]


def test_list_codebooks_names_the_shipped_ones():
    t = list_codebooks()
    assert set(t.loc[t["kind"] == "industry", "name"]) == set(industries())
    assert (t["n_codes"] > 0).all()


# ---------------------------------------------------------------- matching quality
def test_compound_heads_match_outside_hotels():
    assert "toilet" in codes("Die Zugtoilette war defekt.", ["shared", "rail_transport"])
    assert "booking" in codes("Die Sitzplatzreservierung fehlte.", ["shared", "rail_transport"])
    assert "price" in codes("Der Fahrpreis ist gestiegen.", ["shared", "rail_transport"])
    assert "cancellation_outage" in codes("Stellwerksstörung in Köln.", ["shared", "rail_transport"])


def test_a_word_that_merely_begins_with_a_keyword_is_no_match():
    kw = load_codebook(mini(["Karte", "warten", "Kosten"], lang="de"))
    hits = code_texts(["Kartoffeln zum Essen", "Wartungsarbeiten", "kostenlos"], kw)
    assert hits.empty
    hits = code_texts(["Kartenzahlung", "Wartebereich", "Lieferkosten"], kw)
    assert sorted(hits["row"]) == [0, 1]  # "Kosten" is no compound head without *
    assert "app_website" not in codes("Es hat geklappt.", ["shared"])


def test_english_stems_do_not_over_match():
    assert "friendliness" not in codes("A friend of mine booked it.", ["shared"])
    assert "friendliness" in codes("Very friendly staff.", ["shared"])
    assert "friendliness" not in codes("The help page is useless.", ["shared"])
    mgr = load_codebook(mini(["manager"]))
    assert code_texts(["I managed it myself", "we manage"], mgr).empty
    assert len(code_texts(["the managers were great"], mgr)) == 1
    assert "delivery" in codes("The parcel was delivered late.", ["shared"])   # inflections still match
    assert "safety" not in codes("Wir haben uns sehr wohl gefühlt.", ["shared"])   # "sich" is no Sicherheit


def test_negation_ends_at_the_clause():
    c = codes("Kein WLAN im Zug, aber das Personal war freundlich.", ["shared", "rail_transport"])
    assert c["connectivity"]["negated"] and not c["friendliness"]["negated"]
    c = codes("The bus did not come. The driver of the next one was friendly.", ["shared", "rail_transport"])
    assert not c["friendliness"]["negated"]


def test_negated_mentions_are_coded_but_not_complaint_free_sentences():
    assert "complaint_handling" not in codes("No complaints, everything was fine.", ["shared"])
    assert codes("Die Mitarbeiter waren nicht freundlich.", ["shared"])["friendliness"]["polarity"] == -1


# ---------------------------------------------------------------- industry proposal and spec
@pytest.mark.parametrize("texts, expected", [
    (["Mein Koffer kam nicht an.", "Boarding chaotisch, Sitz zu eng.", "Flug gestrichen."], "air_travel"),
    (["No signal at home.", "Broadband speed is awful.", "The router keeps rebooting."], "telecom"),
    (["Der Zählerstand ist falsch.", "Abschlag verdoppelt.", "Kein Warmwasser seit Tagen."], "utilities"),
    (["Kein Termin beim Bürgeramt.", "Mein Antrag liegt seit Monaten."], "public_services"),
    (["Bei der Abholung des Mietwagens eine Stunde gewartet.", "Kaution nach drei Wochen noch blockiert.",
      "Uns wurde am Schalter eine Vollkasko aufgedrängt."], "car_rental"),
    (["The shuttle to the rental lot never came.", "They charged me for fuel although the tank was full.",
      "Pushy agent tried to upsell insurance."], "car_rental"),
])
def test_propose_industry_ranks_the_right_one_first(texts, expected):
    t = propose_industry(texts)
    assert t.iloc[0]["industry"] == expected
    assert list(t["rank"]) == list(range(1, len(t) + 1))
    assert t.iloc[0]["evidence"]


@pytest.mark.parametrize("texts, expected", [
    # airline tweets and passenger comments: mentions, hashtags, emoji, loan words
    (["@united flight delayed 3 hours and counting 😡", "@AmericanAir stuck on the tarmac for 2 hours",
      "lost my bag at JFK #lostluggage", "Rude flight attendant, worst flight ever"], "air_travel"),
    (["Koffer nicht angekommen @lufthansa", "Boarding am Gate chaotisch, null Beinfreiheit",
      "Crew war super nett 👍"], "air_travel"),
    # rail and bus posts; WLAN and reception on the train are rail, not telecom
    (["Mal wieder 40 Minuten Verspätung #DeutscheBahn", "ICE fällt aus, SEV ab Fulda", "Klo verstopft 🤢",
      "WLAN im Zug geht nicht"], "rail_transport"),
    (["WLAN im ICE geht nicht, wie immer", "Zwischen Hannover und Göttingen kein Netz", "Bordbistro geschlossen"],
     "rail_transport"),
    (["Wifi on this train is useless", "Toilets out of order again", "Missed my connection at Crewe",
      "The guard was really helpful"], "rail_transport"),
    (["Der Busfahrer ist an der Haltestelle vorbeigefahren", "Bus fährt abends nur stündlich",
      "Kontrolleur war unfreundlich"], "rail_transport"),
    # public offices and municipal services
    (["Die Sachbearbeiterin im Jobcenter war unfreundlich", "Öffnungszeiten nur vormittags",
      "Die Müllabfuhr hat unsere Tonne vergessen"], "public_services"),
    (["Couldn't get an appointment at the council for weeks", "Passport renewal took 3 months",
      "Bin collection missed again", "Pothole on our road for months"], "public_services"),
])
def test_propose_industry_picks_travel_and_public_services(texts, expected):
    t = propose_industry(texts)
    assert t.iloc[0]["industry"] == expected
    # clearly ahead: the runner-up covers fewer answers or fewer codes
    assert t.iloc[0]["score"] > t.iloc[1]["score"]


def test_travel_codebooks_compose_with_each_other():
    # a travel company asks about flights and trains at once: shared codes such as connection agree
    cb = load_codebook(["shared", "air_travel", "rail_transport", "public_services"])
    assert cb.composition.query("action == 'conflict'").empty
    assert cb.composition.set_index("code").loc["connection", "action"].tolist()[-1] == "extended"


def test_propose_industry_on_real_hotel_reviews(shared_data):
    lines = (shared_data / "german_hotel_absa" / "test.txt").read_text(encoding="utf-8").splitlines()
    t = propose_industry([ln.split("\t", 1)[1] for ln in lines if "\t" in ln], sample=300)
    # hotel staff, air conditioning and drinks are no reason to propose rail or air travel
    assert t.iloc[0]["industry"] == "hospitality"
    assert t.iloc[0]["hit_rate"] > 2 * t.iloc[1]["hit_rate"]


@pytest.mark.parametrize("industry", ["air_travel", "rail_transport", "public_services"])
def test_travel_and_public_codes_find_their_own_examples(industry):
    cb = load_codebook(["shared", industry])
    own = load_codebook(industry).table
    own = own[own["kind"].isin(["touchpoint", "topic"]) & (own["examples_include"].fillna("") != "")]
    assert len(own) >= 6
    for row in own.itertuples():
        # German and English rules and a place in the journey for every code the industry adds
        assert row.keywords_de and row.keywords_en, row.code
        assert isinstance(row.canonical_stage, str) and row.definition_de and row.definition_en, row.code
        assert row.examples_exclude, row.code
        for text in row.examples_include.split(";"):
            assert row.code in set(code_texts([text], cb)["code"].astype(str)), (row.code, text)


@pytest.mark.parametrize("text, industry, code, found", [
    # hashtags, mentions, emoji and capitals are folded away before matching
    ("#delayed again @united", "air_travel", "punctuality", True),
    ("#Verspätung #Zugausfall 😡", "rail_transport", "punctuality", True),
    ("#Verspätung #Zugausfall 😡", "rail_transport", "cancellation_outage", True),
    ("FLIGHT CANCELLED!!! @AmericanAir", "air_travel", "cancellation_outage", True),
    ("Cancelled Flightled my flight again", "air_travel", "cancellation_outage", True),
    ("on hold for 2 hours", "air_travel", "customer_service", True),
    ("on hold for 2 hours", "air_travel", "waiting_time", True),
    ("Der ICE fällt aus, SEV ab Fulda", "rail_transport", "cancellation_outage", True),
    ("Wagen proppenvoll", "rail_transport", "crowding", True),
    ("Zugklo defekt", "rail_transport", "toilet", True),
    ("Mit dem Kinderwagen in die Tram ist ein Kampf", "rail_transport", "children", True),
    ("Rollstuhlservice hat super geklappt", "air_travel", "accessibility", True),
    # what only looks like a code
    ("We were late for our flight because of traffic", "air_travel", "punctuality", False),
    ("I can't wait to fly with you again!", "air_travel", "waiting_time", False),
    ("Thanks for getting me home safe and sound", "air_travel", "safety", False),
    ("Ich habe im Flieger ein Buch gelesen.", "air_travel", "booking", False),
    ("Das war kinderleicht.", "rail_transport", "children", False),
    ("Lokführerstreik, nix fährt", "rail_transport", "transit_staff", False),
    ("Beschwerde über das Kontaktformular", "rail_transport", "connection", False),
    ("Kein WLAN an Bord", "air_travel", "onboard_service", False),
    ("The cabin crew were lovely", "air_travel", "cabin", False),
    ("Hot drinks from the trolley", "rail_transport", "atmosphere", False),
    ("Die Gebühr für den Reisepass ist zu hoch.", "public_services", "price", False),
    ("My form teacher at school was great", "public_services", "application_forms", False),
    ("Die Straßenbahn war pünktlich", "public_services", "public_space", False),
])
def test_travel_everyday_words_and_look_alikes(text, industry, code, found):
    assert (code in codes(text, ["shared", industry])) is found


def test_propose_industry_on_real_banking_queries(shared_data):
    queries = pd.read_csv(shared_data / "banking77" / "test.csv")
    t = propose_industry(queries, sample=300)
    assert t.iloc[0]["industry"] == "banking_insurance"
    assert t.iloc[0]["hit_rate"] > 2 * t.iloc[1]["hit_rate"]


def test_propose_industry_on_real_car_rental_comments(shared_data):
    comments = pd.read_csv(shared_data / "car_rental_feedback" / "car_rental_training_data.csv", sep=";")
    t = propose_industry(comments["Customer_Service"].astype(str), sample=300)
    assert t.iloc[0]["industry"] == "car_rental"
    assert t.iloc[0]["hit_rate"] > 2 * t.iloc[1]["hit_rate"]


def test_car_rental_codes_find_their_own_examples_in_both_languages():
    cb = load_codebook(["shared", "car_rental"])
    own = load_codebook("car_rental").table
    # the codes it adds (those that only extend a shared code have no examples of their own)
    own = own[own["kind"].isin(["touchpoint", "topic"]) & (own["examples_include"].fillna("") != "")]
    assert len(own) >= 10
    for row in own.itertuples():
        # every code of the rental journey has German and English rules and a place in the journey
        assert row.keywords_de and row.keywords_en, row.code
        assert row.canonical_stage and row.touchpoint, row.code
        for text in row.examples_include.split(";"):
            assert row.code in set(code_texts([text], cb)["code"].astype(str)), (row.code, text)


@pytest.mark.parametrize("text, code, found", [
    # everyday words of renters, both languages
    ("The agent was very nice.", "friendliness", True),
    ("Die Mitarbeiter waren sehr bemüht und geduldig.", "friendliness", True),
    ("The car was very nice.", "friendliness", False),            # a nice car is no staff attitude
    ("The A/C did not work and the heater rattled.", "vehicle_condition", True),
    ("Die Klimaanlage war kaputt.", "vehicle_condition", True),
    ("No cars were available in our class.", "vehicle_availability", True),
    ("Das gebuchte Auto war nicht verfügbar.", "vehicle_availability", True),
    ("In and out in ten minutes, very quick.", "waiting_time", True),
    ("Es ging schnell, keine Schlange.", "waiting_time", True),
    ("They kept pushing the insurance even after I said no thanks.", "upselling", True),
    ("I called twice and nobody answered.", "customer_service", True),
    # what only looks like a code
    ("We arrived very late, but someone was still there.", "punctuality", False),
    ("We arrived very late, but someone was still there.", "delivery", False),
    ("Wir kamen zu spät, aber es war noch jemand da.", "punctuality", False),
    ("The train was running late.", "punctuality", True),
    ("We got an upgrade at no charge.", "billing_fees", False),
    ("Upgrade ohne Aufpreis bekommen.", "price", False),
    ("Upgrade ohne Aufpreis bekommen.", "billing_fees", False),
    ("We won't return to that company.", "vehicle_return", False),
    ("We returned the car at night.", "vehicle_return", True),
    ("My card was declined.", "upselling", False),
])
def test_car_rental_everyday_words_and_look_alikes(text, code, found):
    assert (code in codes(text, ["shared", "car_rental"])) is found


def test_propose_industry_rejects_unknown_candidates():
    with pytest.raises(ParameterError):
        propose_industry(["x"], candidates=["space_travel"])


def test_spec_names_an_industry():
    base = {"survey": "t", "respondent_id": "id", "questions": [{"id": "q", "type": "open"}]}
    spec = load_spec({**base, "industry": "rail_transport"})
    assert spec.industry == "rail_transport" and spec.to_dict()["industry"] == "rail_transport"
    assert load_spec(spec.to_dict()) == spec
    with pytest.raises(ConfigError) as err:
        load_spec({**base, "industry": "railways"})
    assert err.value.problems[0].key == "industry" and "rail_transport" in str(err.value)
