"""Generate the synthetic guest profiles and booking history of the demo (seeded, reproducible).

Two files for the persona and value report, keyed by the survey's respondent id ``lfdn``:

* ``guest_profiles.csv`` — travel behaviour per respondent (travels with dog, with children, on
  business, nights per stay, booking lead time, spa use, booking on mobile, stays per year), planted
  per persona so that persona proposals have something to find;
* ``bookings.csv`` — the booking history from the hotels' CRM (``kunden_id`` = ``lfdn``, date,
  revenue in euro) from 2023 to the end of June 2026, with guests not in the survey and survey
  respondents missing from the CRM, so that the join has something to record. Guests who gave a
  low recommendation score book again less often and stop booking sooner (planted).

The data are SYNTHETIC (column ``quelle`` says so in every row). Run after ``generate.py``:
``python surveys/demo/generate_value.py``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261129
HERE = Path(__file__).resolve().parent
START, END = pd.Timestamp("2023-01-01"), pd.Timestamp("2026-06-30")

# persona -> P(dog), P(children), P(business), mean nights, median lead days, P(spa), P(mobile), stays/year
BEHAVIOUR = {
    "Hundebesitzer-Paar":   (0.92, 0.05, 0.04, 4.0, 40, 0.35, 0.30, 2.0),
    "Wellness-Geniesserin": (0.08, 0.04, 0.04, 2.5, 20, 0.92, 0.60, 2.5),
    "Geschaeftsreisender":  (0.04, 0.02, 0.92, 1.5, 5, 0.10, 0.75, 6.0),
    "Familie mit Kindern":  (0.12, 0.92, 0.02, 6.0, 90, 0.30, 0.35, 1.2),
}
# persona -> mean revenue per stay (euro)
SPEND = {"Hundebesitzer-Paar": 520, "Wellness-Geniesserin": 430, "Geschaeftsreisender": 180,
         "Familie mit Kindern": 950}
# NPS group -> multiplier of the booking rate and yearly probability of ceasing to book (planted)
NPS_EFFECT = {"promoter": (1.2, 0.10), "passive": (1.0, 0.25), "detractor": (0.7, 0.55)}


def profiles(survey: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """Travel behaviour per respondent of *survey* (columns ``lfdn`` and ``persona``)."""
    rng = np.random.default_rng(seed)
    rows = []
    for rid, persona in zip(survey["lfdn"], survey["persona"]):
        if persona not in BEHAVIOUR:
            continue
        dog, kids, business, nights, lead, spa, mobile, stays = BEHAVIOUR[persona]
        rows.append({"lfdn": rid, "mit_hund": int(rng.random() < dog), "mit_kindern": int(rng.random() < kids),
                     "geschaeftlich": int(rng.random() < business),
                     "naechte": int(1 + rng.poisson(nights - 1)),
                     "vorlauf_tage": int(round(lead * rng.lognormal(0, 0.35))),
                     "spa_genutzt": int(rng.random() < spa), "mobil_gebucht": int(rng.random() < mobile),
                     "aufenthalte_pro_jahr": round(float(stays * rng.lognormal(0, 0.25)), 1)})
    return pd.DataFrame(rows)


def _group(score) -> str:
    return "promoter" if score >= 9 else ("passive" if score >= 7 else "detractor")


def _history(rng, rate_per_year: float, p_stop_year: float, start: pd.Timestamp, end: pd.Timestamp,
             mean_spend: float, first: pd.Timestamp | None = None) -> list[tuple[pd.Timestamp, float]]:
    """Bookings of one guest: Poisson stays while active, a geometric end after each stay (BG/NBD-like)."""
    out, t = [], first if first is not None else start + pd.Timedelta(days=int(rng.integers(0, 365)))
    p_stop = 1 - (1 - p_stop_year) ** (1 / max(rate_per_year, 0.1))  # per stay
    guest_mean = mean_spend * rng.gamma(8, 1 / 8)                     # guest-level spend (Gamma-Gamma)
    while t <= end:
        out.append((t, round(float(guest_mean * rng.gamma(6, 1 / 6)), 2)))
        if rng.random() < p_stop:
            break
        t = t + pd.Timedelta(days=int(rng.exponential(365 / rate_per_year)) + 1)
    return out


def bookings(survey: pd.DataFrame, seed: int = SEED, n_other: int = 800) -> pd.DataFrame:
    """CRM bookings of the respondents (some missing) and of *n_other* guests not in the survey."""
    rng = np.random.default_rng(seed + 1)
    rows = []
    for rid, persona, score, day in zip(survey["lfdn"], survey["persona"], survey["weiterempfehlung"],
                                        survey["datum"]):
        if persona not in BEHAVIOUR or pd.isna(score) or rng.random() < 0.03:  # 3 % not found in the CRM
            continue
        stay = pd.to_datetime(day, format="%d.%m.%Y") - pd.Timedelta(days=int(rng.integers(2, 20)))
        mult, stop = NPS_EFFECT[_group(score)]
        rate = BEHAVIOUR[persona][7] * mult * rng.gamma(4, 1 / 4)
        # the surveyed stay is a booking; earlier stays with the same guest-level rate
        before = [(t, v) for t, v in _history(rng, rate, 0.05, START, stay, SPEND[persona]) if t < stay]
        after = _history(rng, rate, stop, stay, END, SPEND[persona], first=stay)
        rows += [(rid, t, v) for t, v in before[-6:] + after]
    for i in range(n_other):
        persona = list(BEHAVIOUR)[int(rng.integers(4))]
        rows += [(f"K-{i + 1:05d}", t, v) for t, v in
                 _history(rng, BEHAVIOUR[persona][7], 0.3, START, END, SPEND[persona])]
    out = pd.DataFrame(rows, columns=["kunden_id", "datum", "umsatz_eur"]).sort_values(["kunden_id", "datum"])
    out["datum"] = out["datum"].dt.strftime("%Y-%m-%d")
    out["quelle"] = "synthetisch"
    return out.reset_index(drop=True)


if __name__ == "__main__":
    survey = pd.read_csv(HERE / "hotel_guests.csv", dtype={"lfdn": str}).drop_duplicates("lfdn")
    survey = survey[survey["persona"].notna()]
    prof = profiles(survey)
    prof.to_csv(HERE / "guest_profiles.csv", index=False, encoding="utf-8")
    book = bookings(survey)
    book.to_csv(HERE / "bookings.csv", index=False, encoding="utf-8")
    print(f"wrote {len(prof)} profiles and {len(book)} bookings")
