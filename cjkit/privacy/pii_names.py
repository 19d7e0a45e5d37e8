"""Person names in verbatims: titles, context words and first-name gazetteers.

A run of capitalised words is a name when

* a title stands before it (Herr, Frau, Mr, Mrs, Ms, Dr, Prof ...);
* a phrase that introduces a name stands before it ("mein Name ist", "my name is",
  "Grüße,", "regards,"), or a role word ("Mitarbeiterin", "Kellner") in German;
* an English phrase that usually precedes a name does ("thanks to", "ask for", "I'm")
  — English writes nouns in lower case, so the capital carries the signal;
* a role phrase follows it ("an der Rezeption", "at reception", "from the team");
* or its first word is in the first-name gazetteers (``cjkit/data/gazetteers``, sources and
  licences in SOURCES.md). First names that are also common words (Rose, Mark, Will, May,
  Bill, Grace) count only in one of the contexts above or followed by a surname.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

GAZETTEERS = Path(__file__).resolve().parents[1] / "data" / "gazetteers"

# first names that are also everyday words in German or English CX text
AMBIGUOUS = frozenset("""
Will May June April August Rose Mark Bill Art Hope Joy Faith Grace Summer Page Dean Guy Don Ray Sky Star King
Long Major Young Love Penny Ruby Pearl Jade Amber Crystal Iris Lily Daisy Holly Ivy Violet Hazel Olive Dawn Eve
Angel Lane Drew Chase Carol Frank Earnest Miles Rich Sandy Misty Rusty Brandy Ginger Candy Honey Precious Destiny
Harmony Patience Prudence Charity Mercy Unity Trinity Liberty Sunny Stormy Su An In So Wolf Berg Lou Nur Max Tom
Mai Luna Lea Fee Flora Rosa Bo Ali Fox Rain Sol Sun My Jo Mo Or Lo Han Dan Kim Lee Jan Ben Sam Eli Ira Ida Emir
Otto Karin Nina Lana Mira Sara Hanna Noah Paul Kurt Ruth Esther Faye Gay Sterling Royal Christian German Norman
Frankie Chuck Bob Pat Sue Cliff Glen Rod Wade Gene Jack Jean Jeans Gale Lynn Trinity Walker Baker Hunter Parker
Carter Mason Cooper Tucker Taylor Bishop Price Rock Stone Reed Rex Rudy Spring Autumn Winter Storm Willow
Clay Dale Forest Heath Marsh Moss Ash Basil Bud Cash Colt Duke Earl Ernest Kay Kit Lane Lark Marina Nova
Oliver Page Robin Sage Tad Titus Ward Wes Dusty Sunday Tuesday Monday Friday Junior Major Senior
""".split())
# capitalised words that are never names: articles, pronouns, sentence starters, common nouns in CX text
_NOT_NAME = frozenset("""
Der Die Das Den Dem Des Ein Eine Einen Einem Einer Ich Wir Sie Er Es Ihr Mein Meine Unser Unsere Dein Bitte
Danke Hallo Leider Vielen Dank Gruß Grüße Freundlichen Liebe Lieber Sehr Hotel Zimmer Service Team Rezeption
Empfang Frühstück Kunde Kundin Kunden Mitarbeiter Mitarbeiterin Personal Chef Leitung Filiale Hotline Support
The A An I We You He She They It My Our Your His Her Their This That These Those Thanks Thank Hello Hi Dear
Please Sorry Yes No Kind Best Regards Hotel Room Staff Reception Desk Team Manager Customer Service Support
Mr Mrs Ms Dr Herr Herrn Frau Prof Miss Sir Madam I'm I'd I've I'll Dame Unser Unsere Berlin Wien Zürich London
Hamburg München Köln Paris Instagram Twitter Facebook Google Amazon Booking Check Am Im In Zum Zur Bei Mit Von
Vom Aus Auf Nach Für Über Unter Vor Und Oder Aber Auch Noch Schon Nur Mo Di Mi Do Fr Sa So Mon Tue Wed Thu Fri
Sat Sun Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag Monday Tuesday Wednesday Thursday Friday
Saturday Sunday Januar Februar März Mai Juni Juli Oktober Dezember January February March June July October
December Super Toll WLAN Wifi App Online EUR USD IBAN
""".split())

# role and family words that lead into a name ("Kellner Dion", "Tochter Anna") but can be surnames too
_LEADING = frozenset("""
Kellner Kellnerin Kollege Kollegin Mitarbeiter Mitarbeiterin Berater Beraterin Techniker Technikerin Fahrer
Fahrerin Monteur Verkäufer Verkäuferin Betreuer Betreuerin Servicekraft Zimmermädchen Ärztin Arzt Pfleger
Pflegerin Rezeptionist Rezeptionistin Agent Agentin Tochter Sohn Mann Ehemann Ehefrau Partner Partnerin Bruder
Schwester Mutter Vater Oma Opa Enkel Enkelin Kind Freund Freundin Nachbar Nachbarin Chefin Leiter Leiterin
Hausmeister Guide Reiseleiter Reiseleiterin
""".split())
_WORD = r"[A-ZÄÖÜ][a-zäöüßéèáàóòúùíìçñ']+(?:-[A-ZÄÖÜ][a-zäöüßéèáàóòúùíìçñ']+)*"
_NAME_RUN = re.compile(rf"{_WORD}(?:\s(?:von\s|van\s|de\s|zu\s|O')?{_WORD}){{0,2}}")
_TITLE = re.compile(r"(?:\b(?:Herrn?|Frau|Fr\.|Hr\.|Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Madam)\.?\s"
                    r"(?:(?:Dr|Prof)\.?\s)*)$")
_STRONG_BEFORE = re.compile(
    r"(?:\b(?:mein\s+Name\s+ist|ich\s+heiße|hier\s+ist|Gruß,?|Grüße,?|Grüßen,?|"
    r"my\s+name\s+is|name's|this\s+is|regards,?|wishes,?|thanks,?|"
    r"sincerely,?|cheers,?|Bitte\s+an|send\s+it\s+to|addressed\s+to|z\.\s?Hd\.?|c/o|"
    r"(?:Mitarbeiter|Kolleg|Kellner|Rezeptionist|Berater|Techniker|Fahrer|Monteur|Verkäufer|Betreuer|"
    r"Servicekraft|Zimmermädchen|Ärztin|Arzt|Pfleger|Agent|Reiseleiter|Leiter|Chef|Hausmeister|Guide)"
    r"(?:in|e|innen|n)?,?|"
    # family and companions: "Tochter Anna", "our daughter Emily"
    r"(?:Tochter|Sohn|Ehemann|Ehefrau|Mann|Partner(?:in)?|Bruder|Schwester|Mutter|Vater|Oma|Opa|Enkel(?:in)?|"
    r"Freund(?:in)?|Nachbar(?:in)?|daughter|son|husband|wife|partner|brother|sister|mother|father|mum|mom|dad|"
    r"grandma|grandpa|grandson|granddaughter|friend|neighbou?r|boyfriend|girlfriend)|"
    r"(?:Dame|Herr|lady|gentleman|woman|man|guy|girl|chap|fellow),)\s*)$", re.IGNORECASE)
# before a first name and surname: "Ich bin Anna Weber" (but "Ich bin Stammkunde")
_TWO_WORD_BEFORE = re.compile(r"(?:\b(?:ich\s+bin|I'm|I\s+am|to|for|by)\s+)$", re.IGNORECASE)
_EN_WEAK_BEFORE = re.compile(
    r"(?:\b(?:thanks\s+to|thank\s+you|thank|ask\s+for|asked\s+for|spoke\s+to|spoke\s+with|talked\s+to|"
    r"speak\s+to|named|called|I'm|I\s+am|agent|colleague|manager|waiter|waitress|receptionist|"
    r"Lob\s+an|Dank\s+an|danke|mit)\s+)$", re.IGNORECASE)
_ROLE_AFTER = re.compile(
    r"^\s*(?:,\s*)?(?:an\s+der\s+Rezeption|am\s+Empfang|vom\s+\w+|von\s+der\s+\w+|aus\s+dem\s+\w+|im\s+Service|"
    r"at\s+(?:the\s+)?(?:reception|front\s+desk|desk|counter|check-in)|from\s+(?:the\s+)?\w+|in\s+the\s+\w+\s+team|"
    r"hat\s+mir|hat\s+uns|war\s+(?:sehr|leider|super)|was\s+(?:very|so|rude|lovely|great)|sorted|helped)",
    re.IGNORECASE)
# a signature: "Anna Weber, Hauptstr. 5" / "Anna Weber, Tel. 030 ..."
_SIGNATURE_AFTER = re.compile(
    r"^,\s*(?:\d|\+|Tel\b|tel\b|phone\b|[\w-]*(?:stra(?:ß|ss)e|str\.|weg|gasse|platz|allee|ring|Street|Road|Lane)\b)",
    re.IGNORECASE)


# German adjectives and plural nouns before "vom Bahnhof", "an der Rezeption" ("Freundliche Angestellte")
_ADJECTIVE_END = re.compile(r"(?:e|en|er|es|em)$")


# answers typed all in lower case: "frau müller an der rezeption" (title, then a word that is no
# function word)
_LOWER_TITLED = re.compile(r"\b(?:herrn?|frau|mr|mrs|ms|dr)\.?\s+(?!(?:der|die|das|den|dem|des|ein|eine|und|oder|"
                           r"ist|war|hat|sehr|am|im|an|in|von|vom|zu|mit|auf|the|and|or|was|is|has|at|in|on|of|to|"
                           r"from|with|so|very|a|an)\b)([a-zäöüß][a-zäöüßéèáàóòúù'-]{2,}(?:-[a-zäöüß]+)?)")


@lru_cache(maxsize=None)
def gazetteer(lang: str | None = None) -> frozenset[str]:
    """Case-folded first names of the shipped list for ``lang`` ("de", "en"), or of both."""
    names = set()
    for path in sorted(GAZETTEERS.glob(f"first_names_{lang or '*'}.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                names.add(line.strip().casefold())
    return frozenset(names)


def _runs(text: str):
    """Runs of capitalised words, split at words that are never names ("Die Mitarbeiterin Anna" -> "Anna")."""
    for m in _NAME_RUN.finditer(text):
        pos, parts = m.start(), []
        for word in re.split(r"(\s)", m.group()):
            if word.strip() and word not in _NOT_NAME:
                parts.append((pos, word))
            elif word.strip():
                if parts:
                    yield parts
                parts = []
            pos += len(word)
        if parts:
            yield parts


def _split_leading(parts):
    """'Kellner Dion' -> 'Dion': a role word opening a run introduces the name after it."""
    if len(parts) > 1 and parts[0][1] in _LEADING:
        return parts[1:]
    return parts


def names(text: str) -> list[tuple[int, int, str]]:
    """Spans of person names in ``text``."""
    known, known_de = gazetteer(), gazetteer("de")
    out = []
    for parts in map(_split_leading, _runs(text)):
        words = [w for _, w in parts if w.strip() and w not in ("von", "van", "de", "zu")]
        start, end = parts[0][0], parts[-1][0] + len(parts[-1][1])
        before, after = text[max(0, start - 80):start], text[end:end + 80]   # context is local: keeps long texts linear
        first = words[0]
        in_gaz = first.casefold() in known
        # German writes nouns with a capital, and the long English list holds many German nouns
        # (Man, Wald, Sommer): alone, a first name counts only from the German list
        alone_ok = first.casefold() in known_de and first not in AMBIGUOUS
        if _TITLE.search(before) or _STRONG_BEFORE.search(before):
            ok = True
        elif alone_ok or (in_gaz and first not in AMBIGUOUS and len(words) == 2 and len(parts) == 2):
            ok = True                            # "Rose Miller": an ambiguous first name needs a surname
        elif _EN_WEAK_BEFORE.search(before) and not re.search(r"\bmit\s+$", before, re.I):
            ok = True
        elif len(words) >= 2 and _TWO_WORD_BEFORE.search(before):
            ok = True
        elif len(parts) == 2 and _SIGNATURE_AFTER.match(after):
            ok = True
        elif _ROLE_AFTER.match(after) and (in_gaz or (len(parts) == 2 and not _ADJECTIVE_END.search(first))):
            ok = True
        elif re.search(r"\bmit\s+$", before, re.I) and len(words) >= 2:
            ok = True
        else:
            ok = False
        if ok:
            out.append((start, end, "name"))
    out += [(m.start(1), m.end(1), "name") for m in _LOWER_TITLED.finditer(text)]
    return out
