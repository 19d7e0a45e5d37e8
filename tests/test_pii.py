"""PII masking: recall on a generated set, and no masking of ordinary survey text."""
from __future__ import annotations

import random
import string

import pandas as pd
import pytest

from cjkit.errors import ParameterError
from cjkit.coding.pii import count_pii, mask_pii

FIRST = ["max", "anna", "lena", "jonas", "mia", "paul", "sophie", "leon", "emma", "noah", "jürgen", "özlem"]
LAST = ["mueller", "schmidt", "schneider", "fischer", "weber", "meyer", "wagner", "becker", "hoffmann"]
DOMAINS = ["web.de", "gmx.net", "t-online.de", "gmail.com", "firma.co.uk", "uni-koeln.de", "hotel-sonne.at"]
TEMPLATES = ["Bitte melden Sie sich unter {} bei mir.", "Contact me at {} please", "{}",
             "Meine Daten: {}.", "Rückruf erbeten ({})", "Schreiben Sie mir an {}, danke!"]


def iban(rng, country="DE", length=22):
    bban = "".join(rng.choice(string.digits) for _ in range(length - 4))
    # ISO 13616 check digits: move country + 00 to the end, letters -> numbers, 98 - mod 97
    num = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(num) % 97
    raw = f"{country}{check:02d}{bban}"
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4)) if rng.random() < 0.5 else raw


def phone(rng):
    area = rng.choice(["30", "40", "89", "221", "711", "6221", "171", "151", "160", "1522"])
    sub = "".join(rng.choice(string.digits) for _ in range(rng.randint(5, 8)))
    fmt = rng.choice([f"0{area} {sub}", f"0{area}/{sub}", f"0{area}-{sub}", f"+49 {area} {sub}",
                      f"+49 (0){area} {sub[:3]} {sub[3:]}", f"0049 {area} {sub}", f"(0{area}) {sub}",
                      f"+1 (555) {sub[:3]}-{sub[3:7].ljust(4, '0')}", f"+44 20 {sub[:4]} {sub[4:].ljust(4, '1')}",
                      f"+43 1 {sub}", f"+41 44 {sub[:3]} {sub[3:5]} {sub[5:].ljust(2, '2')}"])
    return fmt


def generated(n=300, seed=0):
    rng = random.Random(seed)
    items = []
    for _ in range(n):
        f, l_ = rng.choice(FIRST), rng.choice(LAST)
        items += [("EMAIL", f"{f}.{l_}{rng.randint(1, 99)}@{rng.choice(DOMAINS)}"),
                  ("PHONE", phone(rng)),
                  ("IBAN", iban(rng, *rng.choice([("DE", 22), ("AT", 20), ("CH", 21), ("GB", 22), ("NL", 18)]))),
                  ("URL", rng.choice([f"https://www.example.com/confirm?token={rng.getrandbits(64):x}",
                                      f"https://hotel.de/buchung/{rng.getrandbits(40):X}{rng.randint(10, 99)}",
                                      f"www.facebook.com/{f}.{l_}", f"https://x.com/reset#{f}{rng.randint(100, 999)}",
                                      f"https://mail.example.org/u/{f}%40gmx.de"])),
                  ("HANDLE", f"@{f}_{l_}{rng.randint(0, 9)}")]
    return [(kind, value, rng.choice(TEMPLATES).format(value)) for kind, value in items]


@pytest.mark.parametrize("kind", ["EMAIL", "PHONE", "IBAN", "URL", "HANDLE"])
def test_recall_on_generated_set(kind):
    cases = [c for c in generated() if c[0] == kind]
    masked = mask_pii([text for _, _, text in cases])
    hit = [value not in m and f"[{kind}]" in m for (_, value, _), m in zip(cases, masked)]
    recall = sum(hit) / len(hit)
    assert recall >= 0.98, (kind, recall, [c for c, h in zip(cases, hit) if not h][:5])


def test_ordinary_text_is_left_alone(shared_data):
    lines = (shared_data / "german_hotel_absa" / "test.txt").read_text(encoding="utf-8").splitlines()
    texts = [ln.split("\t", 1)[1] for ln in lines]
    changed = [t for t, m in zip(texts, mask_pii(texts)) if t != m]
    assert len(changed) / len(texts) < 0.005, changed[:5]
    for t in ["Zimmer 204 kostete 89,50 EUR", "am 12.03.2024 um 14:30 Uhr", "PLZ 80331 München",
              "Rechnung Nr. 2023-00451", "Buchungsnummer 12345678", "5 Sterne, 3 Nächte", "https://www.hotel.de/zimmer",
              "E-Mail an den Service", "Preis 1.299,00 €"]:
        assert mask_pii(t) == t


def test_types_and_counts():
    s = pd.Series(["mail: a@b.de", None, "ok"], dtype="string")
    out = mask_pii(s)
    assert isinstance(out, pd.Series) and out.dtype == "string" and out.isna().tolist() == [False, True, False]
    assert out[0] == "mail: [EMAIL]"
    c = count_pii(["a@b.de und c@d.de", "@hans", "+49 30 1234567"]).set_index("kind")["n"]
    assert (c["email"], c["handle"], c["phone"]) == (2, 1, 1)
    with pytest.raises(ParameterError, match="kinds"):
        mask_pii("x", kinds=["ssn"])
