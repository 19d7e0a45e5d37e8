"""Pattern detectors for personal data: each returns ``(start, end, kind)`` spans of one kind.

Numbers are validated where a standard allows it (IBAN: ISO 13616 mod-97; payment cards:
Luhn and issuer prefixes), so a long order number or a date is not taken for an IBAN or a
card. Dates of birth and customer or booking numbers are only recognised after a word that
says what they are; a bare date or number is ordinary survey text.
"""
from __future__ import annotations

import re

Span = tuple[int, int, str]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# "name (at) web.de", "name [at] gmx dot de", "name at gmx dot de" (the last needs a "dot")
_AT = r"(?:\s*[(\[{]\s*(?:at|ät|@)\s*[)\]}]\s*|\s+@\s*|\s*@\s+|\s+(?:at|ät)\s+(?=[\w-]+\s*(?:[(\[]\s*)?(?:dot|punkt)))"
_DOT = r"(?:\s*[(\[{]\s*(?:dot|punkt)\s*[)\]}]\s*|\s+(?:dot|punkt)\s+|\.)"
_EMAIL_OBF = re.compile(rf"\b[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[A-Za-z]{{2,}}\b", re.IGNORECASE)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", flags=re.IGNORECASE)
_URL_MARKERS = re.compile(r"[?#&=]|%40|@", flags=re.IGNORECASE)
_SOCIAL = re.compile(r"(?:facebook|instagram|linkedin|xing|twitter|x|tiktok|youtube|t\.me|wa\.me|github)\.",
                     flags=re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@.])@\w(?:[\w.-]{0,29}\w)?\b")
# IBAN candidates in any case, grouped by spaces or dashes; validated by mod-97 below
_IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[A-Za-z0-9]{11,30}|[ -]?[A-Za-z0-9]{2,4}(?:[ -][A-Za-z0-9]{4}){2,7}(?:[ -][A-Za-z0-9]{1,4})?)\b")
_CARD = re.compile(r"(?<![\w+])\d(?:[ -]?\d){12,18}(?![\w])")
# Phones: international (+49, 0049, 001-), national with trunk 0, or North-American 3-3-4;
# optional extension. Colons never occur inside, so times and opening hours stay out.
_PHONE = re.compile(
    r"(?<![\w+/.,])(?:(?:\+|00)\d{1,4}(?:[\s./-]?\(0\))?[\s./-]?|\(?0\d{0,5}\)?[\s./-]?|\(\d{3}\)\s?)"
    r"\d[\d\s./-]{3,18}\d(?:\s?(?:x|ext\.?|Durchwahl|-)\s?\d{1,5})?(?!\w|[.,]\d)"
    r"|(?<![\w+/.,-])\d{3}[.-]\d{3}[.-]\d{4}(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?![\w-])", re.IGNORECASE)
_PHONE_CONTEXT = re.compile(
    r"(?:\b(?:Tel(?:efon)?\.?|Telefonnummer|Handy(?:nummer)?|Mobil(?:nummer)?|Festnetz|Rückruf\s+unter|"
    r"erreichbar\s+unter|erreichen\s+(?:Sie\s+)?mich\s+(?:\w+\s+)?unter|unter|phone|mobile|cell|call\s+me\s+(?:back\s+)?on|"
    r"reach\s+me\s+on|on|at|number)\s*:?\s*)(?P<num>\+?\d[\d\s./()-]{5,18}\d)(?!\w|[.,:]\d)", re.IGNORECASE)
_DATE_LIKE = re.compile(r"^\s*(?:\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.)\s*$")

_MONTHS = (r"(?:Jan(?:uar|uary)?|Feb(?:ruar|ruary)?|Mär(?:z)?|Mar(?:ch)?|Apr(?:il)?|Mai|May|Jun[ei]?|Jul[iy]?|"
           r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Okt(?:ober)?|Oct(?:ober)?|Nov(?:ember)?|Dez(?:ember)?|Dec(?:ember)?)\.?")
_DATE = (rf"(?:\d{{1,2}}[./-]\d{{1,2}}[./-](?:19|20)?\d{{2}}|(?:19|20)\d{{2}}-\d{{2}}-\d{{2}}|"
         rf"\d{{1,2}}\.?\s{_MONTHS}\s(?:19|20)\d{{2}}|{_MONTHS}\s\d{{1,2}}(?:st|nd|rd|th)?,?\s(?:19|20)\d{{2}})")
_DOB = re.compile(
    rf"(?:geboren(?:\s+am)?|geb\.|Geburtsdatum|Geburtstag|born(?:\s+on)?|date\s+of\s+birth|d\.?o\.?b\.?|birthday)"
    rf"\s*(?:ist|is|was|war|lautet|am|on|the|der|den)?(?:\s+(?:ist|is|was|war|am|on|the|der|den))?\s*[:(]?\s*"
    rf"(?P<date>{_DATE})", re.IGNORECASE)
_ID_WORDS = (r"(?:Kunden|Buchungs|Vertrags|Auftrags|Bestell|Mitglieds|Versicherten|Versicherungs|Vorgangs|Ticket|"
             r"Reservierungs|Konto|Policen|Referenz|Fall|Sendungs|Tracking)-?(?:nummer|nr\.?|kennung|ID)|"
             r"Kd\.?-?Nr\.?|Kundennr\.?|Buchungscode|Referenz|"
             r"(?:customer|booking|order|account|membership|member|contract|reservation|reference|ticket|case|"
             r"policy|tracking|confirmation|loyalty)\s+(?:number|no\.?|ref(?:erence)?|id|code|#)|"
             r"booking\s+ref(?:erence)?|confirmation\s+code|ref\.?\s*no\.?")
_ID = re.compile(rf"(?:{_ID_WORDS})\s*(?:ist|is|lautet|was|war|of)?\s*[:#]?\s*(?:Nr\.?\s*)?"
                 r"(?P<id>(?=[A-Z0-9/-]*\d)[A-Z0-9][A-Z0-9/-]{3,24}[A-Z0-9])\b", re.IGNORECASE)

_DE_SUFFIX = (r"(?i:stra(?:ß|ss)e|str\.|weg|gasse|allee|platz|ring|damm|ufer|chaussee|steig|pfad|stieg|"
              r"promenade|markt|graben|kai|zeile|gürtel|lände|anger|hof|berg|feld|garten|park|brücke|tor|wall)")
_HOUSE = r"\d{1,4}(?!\d)(?:\s?[a-zA-Z](?![\wäöüß]))?(?:\s?[-/]\s?\d{1,4}(?:\s?[a-zA-Z](?![\wäöüß]))?)?(?![\d.,]\d)(?!\s?(?:Min|Gehmin|km|m\b|Meter|Uhr|€|EUR|%|Sterne|Tage|Nächte))"
_DE_POST = r"(?:,?\s*(?:D-|A-|CH-)?\d{4,5}\s+[A-ZÄÖÜ][\wäöüß.-]*(?:\s(?:am|an der|im|in|bei|ob der)\s[A-ZÄÖÜ][\w.-]*|\s[A-ZÄÖÜ][\w.-]*)?)?"
_ADDRESS_DE = re.compile(
    rf"(?:\b(?:[A-ZÄÖÜ][\wäöüß.]*[\s-]){{0,3}}[A-ZÄÖÜ]?[\wäöüß-]*?{_DE_SUFFIX}|\b(?:Am|An der|Auf dem|Im|In der|Zum|Zur)\s[A-ZÄÖÜ][\wäöüß-]+)"
    rf"\s{_HOUSE}{_DE_POST}")
# English street types (USPS Publication 28 suffixes and British usage)
_EN_SUFFIX = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Close|Crescent|Gardens?|Square|Sq|"
    "Terrace|Hill|Hills|Boulevard|Blvd|Parkway|Pkwy|Row|Grove|Park|Mews|Walk|Alley|Annex|Arcade|Bypass|Camp|"
    "Canyon|Cape|Causeway|Center|Centre|Circle|Cir|Cliffs?|Club|Common|Corners?|Course|Courts|Cove|Coves|Creek|"
    "Crest|Crossing|Dale|Dam|Divide|Drives|Estates?|Expressway|Extension|Falls|Ferry|Fields?|Flats?|Fords?|"
    "Forest|Forges?|Forks?|Fort|Freeway|Gateway|Glens?|Greens?|Groves|Harbors?|Haven|Heights|Highway|Hwy|"
    "Hollow|Inlet|Island|Islands|Isle|Junctions?|Keys?|Knolls?|Lakes?|Land|Landing|Light|Lights|Loaf|Locks?|"
    "Lodge|Loop|Mall|Manors?|Meadows?|Mill|Mills|Mission|Motorway|Mount|Mountains?|Neck|Orchard|Oval|Overpass|"
    "Parks|Pass|Passage|Path|Pike|Pines?|Plains?|Plaza|Points?|Ports?|Prairie|Radial|Ramp|Ranch|Rapids?|Rest|"
    "Ridges?|River|Roads|Route|Rue|Run|Shoals?|Shores?|Skyway|Springs?|Spurs?|Squares|Station|Stravenue|Stream|"
    "Streets|Summit|Terr|Throughway|Trace|Track|Trafficway|Trail|Tunnel|Turnpike|Underpass|Unions?|Valleys?|"
    "Via|Viaduct|Views?|Villages?|Ville|Vista|Walks|Wall|Ways|Wells?|Green|Rise|Parade|Wharf|Quay|Embankment|"
    "Burgs?|Branch|Brooks?|Bluffs?|Bottom|Bridges?|Curve|Crossroad|Overlook|Gardens|Commons|Crossing|Heights")
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}"
_EN_POST = (rf"(?:,?\s+(?:{_UK_POSTCODE}|\d{{5}}(?:-\d{{4}})?)(?:\s+[A-Z][\w.-]*(?:\s[A-Z][\w.-]*)?)?"
            rf"|,?\s+[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,?\s+(?:{_UK_POSTCODE}|[A-Z]{{2}}\s\d{{5}}(?:-\d{{4}})?))?")
_ADDRESS_EN = re.compile(
    r"(?:\b(?:Flat|Studio|Apartment|Apt\.?|Unit)\s\d{1,4}[A-Za-z]?,?\s(?:\d{1,5}[A-Za-z]?,?\s)?|\b\d{1,5}[A-Za-z]?,?\s)"
    rf"(?:[A-Z][\w'-]*\s){{1,3}}(?:{_EN_SUFFIX})\b\.?"
    r"(?:,?\s(?:Apt\.|Suite|Unit|Flat)\s\d{1,5}[A-Za-z]?)?" + _EN_POST)


def _spans(pattern: re.Pattern, text: str, kind: str, group: str | int = 0) -> list[Span]:
    return [(m.start(group), m.end(group), kind) for m in pattern.finditer(text)]


def emails(text: str) -> list[Span]:
    return _spans(_EMAIL, text, "email") + _spans(_EMAIL_OBF, text, "email")


def _is_personal_url(url: str) -> bool:
    if _URL_MARKERS.search(url):
        return True
    rest = re.sub(r"^(?:https?://)?", "", url, flags=re.IGNORECASE)
    host, _, path = rest.partition("/")
    segments = [seg for seg in path.split("/") if seg]
    if segments and _SOCIAL.search(host + "."):
        return True
    return any((len(seg) >= 8 and any(c.isdigit() for c in seg)) or re.fullmatch(r"[0-9a-f]{12,}", seg, re.I)
               for seg in segments)


def urls(text: str, all_urls: bool = False) -> list[Span]:
    out = []
    for m in _URL.finditer(text):
        url = m.group().rstrip(".,;:!?)")   # sentence punctuation is not part of the URL
        if all_urls or _is_personal_url(url):
            out.append((m.start(), m.start() + len(url), "url"))
    return out


def handles(text: str) -> list[Span]:
    return _spans(_HANDLE, text, "handle")


def iban_valid(candidate: str) -> bool:
    """ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 == 1."""
    s = re.sub(r"[\s-]", "", candidate).upper()
    if not (15 <= len(s) <= 34 and s[:2].isalpha() and s[2:4].isdigit() and s[4:].isalnum()):
        return False
    if sum(c.isdigit() for c in s[4:]) < 0.6 * len(s[4:]):   # account numbers are mostly digits
        return False
    return int("".join(str(int(c, 36)) for c in s[4:] + s[:4])) % 97 == 1


def ibans(text: str) -> list[Span]:
    out = []
    for m in _IBAN.finditer(text):
        cand = m.group()
        # the match may run into a following word or number: take the longest valid prefix
        for end in range(len(cand), 14, -1):
            if cand[end - 1] not in " -" and iban_valid(cand[:end]):
                out.append((m.start(), m.start() + end, "iban"))
                break
    return out


def luhn_valid(digits: str) -> bool:
    total = 0
    for k, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if k % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


_ISSUER = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|3[068]|35|6(?:011|5|4[4-9]|2))")


def _iban_shaped(text: str) -> list[tuple[int, int]]:
    """Regions shaped like an IBAN (valid or not): never half-masked as a card or a phone."""
    return [(m.start(), m.end()) for m in _IBAN.finditer(text) if m.group()[:2].isalpha()]


def _outside(spans: list[Span], regions: list[tuple[int, int]]) -> list[Span]:
    return [sp for sp in spans if not any(sp[0] < e and s < sp[1] for s, e in regions)]


def cards(text: str) -> list[Span]:
    out = []
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and _ISSUER.match(digits) and luhn_valid(digits):
            out.append((m.start(), m.end(), "card"))
    return _outside(out, _iban_shaped(text))


# service numbers are no one's personal data: toll-free and shared-cost prefixes, or a number
# introduced as a hotline
_SERVICE = re.compile(r"^(?:\+49\s?\(?0?\)?\s?|0049\s?|0)(?:800|180\d?|900|137|138)\b|^\+?1[\s.-]?\(?8(?:00|88|77|66|55|44|33)\b|"
                      r"^(?:\+44\s?\(?0?\)?\s?|0)(?:800|808|845|870|300|330|344|345)\b|^116\s?\d{3}$")
_HOTLINE_BEFORE = re.compile(r"(?:Hotline|Service-?(?:nummer|telefon)|Servicenummer|Kundenservice\s+unter|"
                             r"helpline|hotline|customer\s+service\s+(?:number|line|on))[\w\s:-]{0,25}$", re.IGNORECASE)


def phones(text: str) -> list[Span]:
    out = []
    matches = [(m.start(), m.end(), m.group()) for m in _PHONE.finditer(text)]
    matches += [(m.start("num"), m.end("num"), m.group("num")) for m in _PHONE_CONTEXT.finditer(text)]
    for start, end, value in matches:
        core = re.split(r"\s?(?:x|ext\.?|Durchwahl)\s?\d", value, flags=re.IGNORECASE)[0]
        digits = sum(c.isdigit() for c in re.sub(r"^\s*00", "", core))   # 00 is the exit code, not part of E.164
        # 7-15 digits (E.164); shorter are prices, postcodes and times, dates are not phones
        if _SERVICE.match(value.strip()) or _HOTLINE_BEFORE.search(text[max(0, start - 40):start]):
            continue
        if 7 <= digits <= 15 and not _DATE_LIKE.match(value) and not re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{2,4}", value):
            out.append((start, end, "phone"))
    return _outside(out, _iban_shaped(text))


def dates_of_birth(text: str) -> list[Span]:
    return _spans(_DOB, text, "date_of_birth", "date")


def identifiers(text: str) -> list[Span]:
    return _spans(_ID, text, "id", "id")


def addresses(text: str) -> list[Span]:
    spans = _spans(_ADDRESS_DE, text, "address") + _spans(_ADDRESS_EN, text, "address")
    # a full stop after the town ends the sentence, it is not part of the address
    return [(s, e - 1 if text[e - 1] == "." and not re.search(r"\b(?:St|Str|Rd|Ave)\.$", text[s:e]) else e, k)
            for s, e, k in spans]
