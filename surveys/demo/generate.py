"""Generate the synthetic demo survey of cjkit (seeded, reproducible).

A German-language guest survey of "Pfotenglück Wellnesshotels", a fictitious chain
of dog-friendly wellness hotels: ~3,000 respondents over two waves, four personas,
ratings of 20 touchpoints across all ACCRA phases, overall satisfaction, NPS, CES
and open answers in German (some English) with realistic spelling noise.

The data are SYNTHETIC. The structure is planted so that reports have something
to find: persona and wave differences, a few clear pain points, and some bad rows
(duplicates, speeders, straight-liners, out-of-range codes, an empty row) that the
validation must catch.

Run: ``python surveys/demo/generate.py`` (writes hotel_guests.csv next to this file).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261123
HERE = Path(__file__).resolve().parent

# touchpoint column -> (touchpoint id, base mean on 1-5, share who used it, weight in overall satisfaction)
TOUCHPOINTS = {
    "tp_werbung":        ("advertising",        3.4, 0.55, 0.00),
    "tp_social_media":   ("social_media",       3.7, 0.45, 0.00),
    "tp_empfehlung":     ("word_of_mouth",      4.3, 0.50, 0.02),
    "tp_website":        ("website",            3.9, 0.92, 0.04),
    "tp_bewertungen":    ("customer_reviews",   4.0, 0.70, 0.02),
    "tp_beratung":       ("hotline",            3.9, 0.35, 0.03),
    "tp_buchung":        ("booking",            3.8, 0.97, 0.06),
    "tp_zahlung":        ("billing",            3.9, 0.97, 0.05),
    "tp_bestaetigung":   ("email",              4.2, 0.95, 0.02),
    "tp_anreise_parken": ("parking",            3.5, 0.70, 0.03),
    "tp_checkin":        ("check_in",           3.4, 0.99, 0.09),
    "tp_rezeption":      ("reception",          4.4, 0.98, 0.08),
    "tp_zimmer":         ("room",               4.1, 1.00, 0.15),
    "tp_sauberkeit":     ("cleanliness",        4.2, 1.00, 0.12),
    "tp_fruehstueck":    ("food_beverage",      4.3, 0.96, 0.10),
    "tp_wellness":       ("wellness",           3.9, 0.85, 0.12),
    "tp_wlan":           ("wifi",               2.9, 0.80, 0.04),
    "tp_checkout":       ("check_out",          4.1, 0.97, 0.02),
    "tp_app":            ("app",                3.5, 0.40, 0.01),
    "tp_feedback_mail":  ("follow_up",          3.8, 0.60, 0.01),
}

PERSONAS = {
    # share, mean shift per touchpoint (planted differences)
    "Hundebesitzer-Paar": (0.34, {"tp_zahlung": -0.7, "tp_zimmer": -0.2, "tp_empfehlung": 0.3, "tp_rezeption": 0.2}),
    "Wellness-Geniesserin": (0.28, {"tp_wellness": -0.6, "tp_fruehstueck": 0.2, "tp_social_media": 0.3}),
    "Geschaeftsreisender": (0.18, {"tp_wlan": -0.9, "tp_checkin": -0.4, "tp_app": 0.3, "tp_wellness": 0.2}),
    "Familie mit Kindern": (0.20, {"tp_zimmer": -0.3, "tp_fruehstueck": -0.3, "tp_anreise_parken": -0.4}),
}
# wave 2: check-in was reorganised (better), the booking site was relaunched (worse on mobile)
WAVE_SHIFT = {"2025-H2": {"tp_checkin": 0.6, "tp_buchung": -0.5, "tp_website": -0.3, "tp_wlan": 0.2}}
HOTELS = ["Ostsee", "Allgäu", "Schwarzwald", "Spreewald"]

POS = {
    "booking": ["Die Buchung ging schnell und einfach.", "Buchung online war unkompliziert."],
    "check_in": ["Check-in ging super schnell.", "Beim Einchecken mussten wir gar nicht warten."],
    "reception": ["Das Personal an der Rezeption war sehr freundlich.", "Sehr freundliches Rezeptionspersonal, immer hilfsbereit."],
    "room": ["Das Zimmer war groß und ruhig.", "Schönes Zimmer mit Blick, Bett sehr bequem."],
    "cleanliness": ["Alles war sehr sauber.", "Sauberkeit top!"],
    "food_beverage": ["Das Frühstück war hervorragend, viel Auswahl.", "Tolles Frühstücksbuffet mit regionalen Produkten."],
    "wellness": ["Der Spa-Bereich ist ein Traum.", "Sauna und Pool waren wunderbar entspannend."],
    "word_of_mouth": ["Freunde hatten uns das Hotel empfohlen, zu Recht.", "Auf Empfehlung von Bekannten gebucht und nicht bereut."],
    "wifi": ["WLAN war stabil."],
    "parking": ["Parkplatz direkt am Haus, sehr praktisch."],
    "billing": ["Rechnung war korrekt und transparent."],
}
NEG = {
    "booking": ["Die Buchung über die neue Website war auf dem Handy eine Katastrophe.", "Buchungsseite hat sich ständig aufgehängt, musste dreimal neu anfangen."],
    "website": ["Auf der Webseite findet man kaum Infos zu den Hunderegeln.", "Website ist unübersichtlich."],
    "check_in": ["Beim Check-in mussten wir über 30 Minuten warten.", "Lange Wartezeit beim Einchecken, nur eine Person an der Rezeption."],
    "billing": ["Die Hundegebühr von 25 Euro pro Nacht stand nirgends bei der Buchung, das war ärgerlich.", "Auf der Rechnung waren Extrakosten für den Hund, die vorher nicht kommuniziert wurden."],
    "room": ["Das Zimmer war zu klein für uns und den Hund.", "Zimmer hellhörig, nachts laut."],
    "cleanliness": ["Das Bad war nicht sauber.", "Hundehaare im Zimmer vom Vorgänger."],
    "food_beverage": ["Frühstück war überfüllt, kaum Platz für Familien.", "Beim Frühstück fehlte Auswahl für Kinder."],
    "wellness": ["Die Sauna war ständig überfüllt.", "Spa zu voll, keine freien Liegen, Massagetermine ausgebucht."],
    "wifi": ["Das WLAN war extrem langsam, kein Arbeiten möglich.", "WLAN im Zimmer ging fast nie, für Geschäftsreisende ein No-Go."],
    "parking": ["Zu wenige Parkplätze, mussten weit weg parken.", "Parken kostet extra und ist teuer."],
    "reception": ["Die Rezeption war nicht freundlich."],
    "app": ["Die App stürzt ab."],
}
EN_POS = {"room": "The room was lovely and very quiet.", "reception": "Staff at the reception were super friendly.",
          "wellness": "Great spa, very relaxing."}
EN_NEG = {"wifi": "The wifi was terrible, could not work at all.", "check_in": "Check-in took forever, long queue.",
          "billing": "Unexpected dog fee on the bill, not mentioned when booking."}
OTHER = ["Gerne wieder!", "Insgesamt ein schöner Aufenthalt.", "Preis-Leistung passt.", "Weiter so.",
         "Bello hat sich auch wohlgefühlt :)"]
PII = ["Bitte rufen Sie mich zurück: 0171 2345678.", "Meine E-Mail: sabine.mueller@example.de",
       "Erstattung bitte auf DE89 3704 0044 0532 0130 00.", "Schreiben Sie mir auf Instagram @bello_und_ich"]


def _noise(text: str, rng: np.random.Generator) -> str:
    """Typing noise as in real open answers: lower case, lost umlauts, swapped or doubled letters."""
    if rng.random() < 0.15:
        text = text.lower()
    if rng.random() < 0.12:
        text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    if rng.random() < 0.2 and len(text) > 12:
        i = int(rng.integers(1, len(text) - 2))
        text = text[:i] + text[i + 1] + text[i] + text[i + 2:] if text[i].isalpha() and text[i + 1].isalpha() else text
    if rng.random() < 0.08:
        i = int(rng.integers(1, len(text) - 1))
        text = text[:i] + text[i] + text[i:]
    return text


def _comment(ratings: dict[str, float], rng: np.random.Generator) -> str:
    english = rng.random() < 0.08
    by_tp = {TOUCHPOINTS[c][0]: v for c, v in ratings.items() if not np.isnan(v)}
    parts = []
    worst = sorted(by_tp.items(), key=lambda kv: kv[1])
    best = sorted(by_tp.items(), key=lambda kv: -kv[1])
    for tp, v in worst[:2]:
        pool = (EN_NEG if english else NEG)
        if v <= 2 and tp in pool and rng.random() < 0.85:
            choice = pool[tp] if english else pool[tp][int(rng.integers(len(pool[tp])))]
            parts.append(choice)
    for tp, v in best[:2]:
        pool = (EN_POS if english else POS)
        if v >= 5 and tp in pool and rng.random() < 0.6:
            choice = pool[tp] if english else pool[tp][int(rng.integers(len(pool[tp])))]
            parts.append(choice)
    if not parts or rng.random() < 0.2:
        parts.append(OTHER[int(rng.integers(len(OTHER)))] if not english else "Would come again.")
    if rng.random() < 0.015:
        parts.append(PII[int(rng.integers(len(PII)))])
    rng.shuffle(parts)
    return " ".join(_noise(p, rng) for p in parts)


def generate(n_per_wave: int = 1500, seed: int = SEED) -> pd.DataFrame:
    """Return the demo survey as a wide DataFrame (one row per respondent, German column names)."""
    rng = np.random.default_rng(seed)
    rows = []
    names = list(PERSONAS)
    shares = np.array([PERSONAS[p][0] for p in names])
    for w, (wave, start) in enumerate([("2025-H1", "2025-03-01"), ("2025-H2", "2025-09-01")]):
        # sample over-represents business travellers; design weights correct this (see spec)
        sample_shares = shares * np.array([0.9, 0.9, 1.6, 0.9])
        sample_shares /= sample_shares.sum()
        persona = rng.choice(names, size=n_per_wave, p=sample_shares)
        for i in range(n_per_wave):
            p = persona[i]
            halo = rng.normal(0, 0.45)
            ratings = {}
            for col, (tp, mean, used, _) in TOUCHPOINTS.items():
                if rng.random() > used:
                    ratings[col] = np.nan
                    continue
                mu = mean + PERSONAS[p][1].get(col, 0.0) + WAVE_SHIFT.get(wave, {}).get(col, 0.0)
                ratings[col] = float(np.clip(np.rint(mu + halo + rng.normal(0, 0.75)), 1, 5))
            weighted = sum(TOUCHPOINTS[c][3] * (v if not np.isnan(v) else TOUCHPOINTS[c][1]) for c, v in ratings.items())
            weighted /= sum(t[3] for t in TOUCHPOINTS.values())
            overall = float(np.clip(np.rint(weighted + 0.3 * halo + rng.normal(0, 0.45)), 1, 5))
            nps = int(np.clip(np.rint(2.2 * overall - 0.6 + rng.normal(0, 1.3)), 0, 10))
            ces = int(np.clip(np.rint(8 - ratings["tp_buchung"] if not np.isnan(ratings["tp_buchung"]) else 3) + rng.integers(-1, 2), 1, 7))
            comment = _comment(ratings, rng) if rng.random() < 0.72 else ""
            day = pd.Timestamp(start) + pd.Timedelta(days=int(rng.integers(0, 150)))
            rows.append({"lfdn": f"W{w + 1}-{i + 1:05d}", "welle": wave, "datum": day.strftime("%d.%m.%Y"),
                         "dauer_s": int(rng.gamma(6, 70) + 120), "persona": p,
                         "hotel": HOTELS[int(rng.integers(len(HOTELS)))],
                         "altersgruppe": rng.choice(["18-34", "35-54", "55+"], p=[0.25, 0.45, 0.30]),
                         **{c: (9 if np.isnan(v) else int(v)) for c, v in ratings.items()},
                         "gesamtzufriedenheit": int(overall), "weiterempfehlung": nps,
                         "aufwand_buchung": ces, "kommentar": comment})
    df = pd.DataFrame(rows)
    # design weight = population share / sample share per persona and wave
    pop = dict(zip(names, shares))
    sample = df.groupby(["welle", "persona"])["lfdn"].transform("size") / df.groupby("welle")["lfdn"].transform("size")
    df["gewicht"] = (df["persona"].map(pop) / sample).round(4)
    return _plant_quality_problems(df, rng)


def _plant_quality_problems(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Bad rows a real field phase produces, so that the data-quality ledger has work."""
    tp_cols = list(TOUCHPOINTS)
    idx = rng.choice(len(df), size=90, replace=False)
    speeders, liners, outliers = idx[:30], idx[30:55], idx[55:60]
    df.loc[df.index[speeders], "dauer_s"] = rng.integers(25, 80, size=len(speeders))
    for i in liners:
        df.loc[df.index[i], tp_cols + ["gesamtzufriedenheit"]] = 3  # the same box everywhere
    for i in outliers:
        df.loc[df.index[i], tp_cols[int(rng.integers(len(tp_cols)))]] = 6   # not a valid code on 1-5
    dupes = df.iloc[rng.choice(len(df), size=6, replace=False)].copy()       # double submissions
    empty = pd.DataFrame([{c: (f"W2-{99990 + k}" if c == "lfdn" else ("2025-H2" if c == "welle" else None))
                           for c in df.columns} for k in range(2)])
    df = pd.concat([df, dupes, empty], ignore_index=True)
    df.loc[df.index[:1], "kommentar"] = "Super Hotel <script>alert('x')</script> und =HYPERLINK(\"http://x\")"
    return df


if __name__ == "__main__":
    out = generate()
    out.to_csv(HERE / "hotel_guests.csv", index=False, encoding="utf-8")
    print(f"wrote {len(out)} rows to {HERE / 'hotel_guests.csv'}")
