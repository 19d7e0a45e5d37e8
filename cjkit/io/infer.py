"""Propose a survey spec from an export, for the researcher to check and edit.

:func:`propose_spec` looks at each column's name, the reader's question texts and value
labels, and the values, and decides what the column is: respondent id, weight, wave, date,
interview duration, a segment, or a question with a type (``nps``, ``csat``, ``ces``,
``rating``, ``single``, ``open``), a role (overall outcome, NPS, driver, comment, a two-answer
outcome with its ``positive`` answer) and missing codes (9/99/-99 beyond the scale, answers
labelled "weiß nicht" / "don't know" / "not applicable", 0 in a battery of 1..k ratings that
uses 0 for "not applicable"). Question texts are matched to catalog touchpoints in German and
English; a match below ``min_confidence`` is not assigned. Every decision is a row of
``Proposal.decisions`` with what the researcher should check. :func:`infer_spec` returns the
spec alone; :func:`write_spec` writes it as YAML that :func:`cjkit.io.spec.load_spec` accepts.

Examples
--------
>>> import pandas as pd
>>> from cjkit.io.infer import infer_spec
>>> wide = pd.DataFrame({"id": ["a", "b", "c", "d"], "nps": [0, 7, 10, 9],
...                      "q1": [1, 5, 3, 9], "comment": ["gut", None, "sehr langsamer Check-in", "ok"]})
>>> spec = infer_spec(wide, survey="demo")
>>> [(q.id, q.type, q.missing) for q in spec.questions]
[('nps', 'nps', ()), ('q1', 'rating', (9,)), ('comment', 'open', ())]
>>> spec.respondent_id
'id'
"""
from __future__ import annotations

import functools
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import yaml

from cjkit.catalog import i18n, models
from cjkit.catalog import touchpoints
from cjkit.catalog.types import Question
from cjkit.errors import ConfigError, DataError, ParameterError
from cjkit.io.spec import SurveySpec, load_spec

log = logging.getLogger("cjkit.io.infer")

ID_NAMES = re.compile(r"^(respondent_?id|response_?id|responseid|_?record_?id|id|lfdn|case_?id|"
                      r"participant_?id|serial|interview_?id|feedback_id|complaint_?id|befragten_?id|"
                      r"teilnehmer_?id|fall_?nr|laufnummer)$", re.I)
WEIGHT_NAMES = re.compile(r"weight|gewicht", re.I)
WAVE_NAMES = re.compile(r"^(wave|welle|erhebungswelle|survey_?wave|period|periode|quarter|quartal)$", re.I)
DATE_NAMES = re.compile(r"date|datum|time_?stamp|zeitstempel|submitted|recorded|received|eingang", re.I)
# interview duration only: the name must say so (a flight's delay or distance is not one)
DURATION_NAMES = re.compile(r"duration|dauer|interview_?time|time_?taken|time_?spent|bearbeitungszeit|"
                            r"completion_?time|antwortzeit|ausfüllzeit", re.I)
NOT_DURATION = re.compile(r"delay|verspät|distance|distanz|entfernung|flight|flug|aufenthalt|stay|nights|nächte", re.I)
MINUTES = re.compile(r"minute|minuten|\bmin\b", re.I)
NPS_NAMES = re.compile(r"\bnps\b|nps_|recommend|empfehl|weiterempf", re.I)
OVERALL_NAMES = re.compile(r"overall|gesamt|insgesamt|all in all|alles in allem|general satisfaction|"
                           r"^(satisfaction|zufriedenheit|rating|bewertung|score|stars|sterne)$", re.I)
CSAT_NAMES = re.compile(r"satisf|zufrieden|csat", re.I)
CES_NAMES = re.compile(r"customer effort|\bces\b|aufwand|effort", re.I)
OUTCOME_NAMES = re.compile(r"satisf|zufrieden|recommend|empfehl|outcome|loyal|churn|kündig|repurchase|"
                           r"wiederkauf|overall|gesamt", re.I)
SEGMENT_NAMES = re.compile(r"gender|geschlecht|sex|age_?group|altersgruppe|alter|class|klasse|type|typ|"
                           r"channel|kanal|region|segment|status|customer|kunde|tarif|product|produkt|"
                           r"submitted via|source|quelle|country|land|division|department|persona|market|markt",
                           re.I)
COMMENT_NAMES = re.compile(r"comment|kommentar|feedback|anmerkung|bemerkung|review|verbatim|remarks|"
                           r"anything else|sonst noch|why|warum|begründ|reason|grund|suggest|vorschlag|"
                           r"improve|verbesser|narrative|freitext|free text|open answer", re.I)
CHANNEL_NAMES = re.compile(r"channel|kanal|submitted via|source|quelle|medium|eingangsweg", re.I)
# columns the survey tool adds about the interview itself or personal data: never a question
SYSTEM_NAMES = re.compile(r"^(ip_?address|progress|finished|status|recipient.*|.*e_?mail.*|location_?(latitude|"
                          r"longitude)|external_?reference|external_?data_?reference|user_?language|useragent.*|"
                          r"url|seed|last_?page|start_?language|token|quotas|survey_?id|notes|tags|"
                          r"distribution_?channel|ref_?url|user_?id|.*_id_internal|no|lastname|firstname|"
                          r"name|vorname|nachname|telefon|phone|zip_?code|plz|postcode)$", re.I)
# answer labels that mean "no valid answer"
NA_LABEL = re.compile(r"wei(ß|ss) (ich )?nicht|keine angabe|k\. ?a\.|nicht beantwortet|trifft nicht zu|"
                      r"nicht zutreffend|kann ich nicht beurteilen|nicht beurteilbar|don'?t know|do not know|"
                      r"not applicable|^n/?a$|no answer|not answered|refused|prefer not|no basis|cannot (say|judge)|"
                      r"can'?t say|not sure|unsure|no opinion|keine meinung", re.I)
MISSING_CANDIDATES = {-99, -98, -9, -1, 9, 98, 99, 999}
DATE_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?|^\d{1,2}[./]\d{1,2}[./]\d{2,4}( \d{1,2}:\d{2})?")
POSITIVE_ANSWERS = re.compile(r"^(yes|ja|true|wahr|y|j|satisfied|zufrieden|very satisfied|sehr zufrieden|"
                              r"recommended|empfohlen|would recommend|promoter|positive|positiv|good|gut|"
                              r"loyal|retained)$", re.I)
NEGATIVE_HINT = re.compile(r"\b(no|nein|not|nicht|un\w*|dis\w*|neutral|false|falsch|negativ\w*|bad|schlecht|"
                           r"churn\w*)\b", re.I)
WORDS_DE = {"der", "die", "das", "und", "ist", "nicht", "mit", "für", "sehr", "wie", "ich", "sie", "wir",
            "auf", "ein", "eine", "zu", "bei", "war", "waren", "zufrieden", "zufriedenheit", "haben", "hat",
            "des", "dem", "den", "von", "im", "ihre", "ihr", "uns", "auch", "aber", "alles", "gut", "kein"}
WORDS_EN = {"the", "and", "is", "not", "with", "for", "very", "how", "i", "you", "we", "on", "a", "to",
            "at", "was", "were", "satisfied", "satisfaction", "have", "has", "of", "your", "our", "it",
            "this", "that", "but", "all", "good", "no", "my", "would", "in"}
# words that say how a touchpoint was rated, not which one: left out when judging a match
GENERIC_WORDS = {"satisfaction", "satisfied", "zufriedenheit", "zufrieden", "with", "mit", "the", "der", "die",
                 "das", "des", "dem", "den", "and", "und", "of", "von", "with", "quality", "qualität", "rating",
                 "bewertung", "service", "services", "ease", "how", "wie", "your", "ihre", "ihr", "overall",
                 "in-flight", "inflight", "on-board", "onboard", "vor", "ort", "experience", "erlebnis", "q",
                 "question", "frage", "please", "bitte", "rate", "bewerten", "sie", "you", "were", "was", "war",
                 "a", "an", "ein", "eine", "to", "zu", "for", "für", "at", "am", "im", "in", "on", "auf",
                 "sehr", "very", "level", "niveau", "speed", "schnelligkeit", "friendliness", "freundlichkeit",
                 "an", "bei", "beim", "zum", "zur", "during", "während", "by", "our", "unser", "unsere", "unserem",
                 "unserer", "ihrem", "ihrer", "is", "ist", "are", "sind", "did", "do", "haben", "have", "staff",
                 "personal", "mitarbeiter", "process", "prozess", "ablauf"}
UMLAUT = re.compile(r"[äöüß]")
TOKEN = re.compile(r"[a-zäöüß0-9]+(?:-[a-zäöüß0-9]+)*")
DECISION_COLUMNS = ["column", "decision", "proposal", "confidence", "check"]


@dataclass(frozen=True)
class Proposal:
    """A proposed spec and the decisions behind it.

    Attributes
    ----------
    spec : SurveySpec
        The proposed spec (write it with :func:`write_spec`, edit it, load it with
        :func:`cjkit.io.spec.load_spec`).
    decisions : DataFrame
        One row per decision: ``column`` (as in the file), ``decision`` (respondent_id,
        weight, wave, date, duration, segment, language, question, touchpoint, left_out),
        ``proposal`` (what was chosen), ``confidence`` (0-1; NaN where not scored) and
        ``check`` (what the researcher should check, empty when nothing).

    Examples
    --------
    See :func:`propose_spec`.
    """

    spec: SurveySpec
    decisions: pd.DataFrame

    def to_check(self) -> pd.DataFrame:
        """The decisions the researcher should check (non-empty ``check``)."""
        return self.decisions[self.decisions["check"] != ""].reset_index(drop=True)


def _qid(name: str, used: set) -> str:
    base = re.sub(r"[^A-Za-z0-9_]+", "_", str(name)).strip("_") or "q"
    base = base if re.match(r"^[A-Za-z_]", base) else f"q_{base}"
    out, k = base, 2
    while out in used:
        out, k = f"{base}_{k}", k + 1
    used.add(out)
    return out


def _norm(name) -> str:
    """A column name for matching: lower case, spaces and hyphens as underscores."""
    return re.sub(r"[\s\-]+", "_", str(name).strip()).lower()


@dataclass(frozen=True)
class _Column:
    """What propose_spec needs to know of a column's values, computed once per column on the
    distinct values (wide exports have thousands of columns)."""

    n: int                              # answers: values neither missing nor blank
    counts: dict | None = None          # numeric answers: value -> frequency, by value
    text_codes: tuple = ()              # "weiß nicht" and the like among numbers typed as text
    uniq: tuple = ()                    # distinct text answers, stripped
    series: pd.Series | None = None     # the column (text columns)
    is_date: bool = False
    many: bool = False                  # too many distinct texts for a choice (uniq: the first ones)

    @property
    def k(self) -> int:
        """Number of distinct text answers (1001 stands for "many": not counted one by one)."""
        return 1001 if self.many else len(self.uniq)

    def head(self, k: int = 200) -> list[str]:
        """The first *k* text answers (stripped, not blank)."""
        if self.series is None:
            return []
        out = [str(v).strip() for v in self.series.iloc[:4 * k].tolist() if isinstance(v, str)]
        return [t for t in out if t][:k]


def _is_number(dtype) -> bool:
    if isinstance(dtype, np.dtype):  # the common case, without pandas' general dtype checks
        return dtype.kind in "iuf"
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _profile_numbers(f: np.ndarray, stats: tuple | None = None) -> _Column:
    """Value counts of one numeric column; *stats* = (has NaN, min, max, whole numbers) when
    already computed for a whole block of columns at once."""
    has_nan, lo, hi, whole = stats if stats is not None else (True, None, None, None)
    if has_nan:
        f = f[~np.isnan(f)]
    if not len(f):
        return _Column(n=0)
    if lo is None:
        lo, hi, whole = f.min(), f.max(), bool((f == np.floor(f)).all())
    if hi - lo < 4096 and lo > -1e6 and whole:
        # whole numbers in a small range (every rating scale): counting beats sorting
        cnt = np.bincount((f - lo).astype(np.int64))
        nz = np.flatnonzero(cnt)
        return _Column(n=len(f), counts=dict(zip((nz + lo).tolist(), cnt[nz].tolist())))
    vals, cnt = np.unique(f, return_counts=True)
    return _Column(n=len(f), counts=dict(zip(vals.tolist(), cnt.tolist())))


def _is_float(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def _arrow_text(s: pd.Series):
    """The column as a pyarrow array when it is Arrow-backed text, else None."""
    if not hasattr(s.array, "__arrow_array__"):
        return None
    arrow = s.array.__arrow_array__()
    return arrow if str(arrow.type) in ("string", "large_string", "string_view") else None


def _value_counts(s: pd.Series) -> tuple[list, list]:
    """Distinct non-missing values and their frequencies; counted by pyarrow for Arrow-backed
    text (a third of the time of ``Series.value_counts``, which matters over thousands of columns)."""
    arrow = _arrow_text(s)
    if arrow is not None:
        vc = pc.value_counts(arrow)
        values, freq = vc.field("values").to_pylist(), vc.field("counts").to_pylist()
        return [v for v in values if v is not None], [c for v, c in zip(values, freq) if v is not None]
    vc = s.value_counts(sort=False, dropna=True)
    return vc.index.tolist(), vc.to_numpy().tolist()


def _profile(s: pd.Series) -> _Column:
    if pd.api.types.is_datetime64_any_dtype(s):
        return _Column(n=int(s.notna().sum()), is_date=True)
    if _is_number(s.dtype):
        return _profile_numbers(s.to_numpy(dtype="float64", na_value=np.nan))
    values, freq = _value_counts(s)
    if len(values) > 20:
        # more distinct answers than a choice question has: when nearly every one of the first
        # answers differs and they are sentences (or there are very many), the column holds
        # comments, names or ids, and its distinct values need not be looked at one by one
        arrow = _arrow_text(s)
        raw = arrow.slice(0, 60).to_pylist() if arrow is not None else s.iloc[:60].tolist()
        first = [t for t in (v.strip() for v in raw if isinstance(v, str)) if t]
        distinct = len(set(first))
        if (len(first) >= 10 and distinct >= 0.9 * len(first) and not all(map(_is_float, first[:8]))
                and (len(values) > 1000 or sum(len(t.split()) for t in first) >= 3 * len(first))):
            n = sum(c for v, c in zip(values, freq) if str(v).strip())
            return _Column(n=n, uniq=tuple(dict.fromkeys(first)), series=s, many=True)
    merged: dict[str, int] = {}
    for u, c in zip(values, freq):
        key = str(u).strip()
        if key:
            merged[key] = merged.get(key, 0) + int(c)
    n = sum(merged.values())
    if not n:
        return _Column(n=0)
    uniq = tuple(merged)
    sample = uniq[:200]
    if all(DATE_VALUE.match(u) for u in sample):
        return _Column(n=n, is_date=True)
    # numbers typed as text, possibly with a few answers such as "weiß nicht"
    numbers: dict[float, int] = {}
    bad = []
    for u in uniq:
        try:
            x = float(u.replace(",", "."))
        except ValueError:
            bad.append(u)
            if len(bad) > 3:
                break
            continue
        numbers[x] = numbers.get(x, 0) + merged[u]
    if numbers and len(bad) <= 3 and all(NA_LABEL.search(b) for b in bad) and not np.isnan(list(numbers)).any():
        return _Column(n=n, counts=dict(sorted(numbers.items())), text_codes=tuple(bad), uniq=uniq, series=s)
    return _Column(n=n, uniq=uniq, series=s)


def _na_codes(labels: dict) -> dict:
    """Codes whose value label says "no valid answer" (weiß nicht, not applicable, ...)."""
    return {k: str(v) for k, v in labels.items() if isinstance(k, (int, float)) and NA_LABEL.search(str(v))}


def _scale(counts: dict, name: str, labels: dict):
    """(type, min, max, missing codes, notes) for integer answers that look like a rating
    scale, else None. *counts* is the frequency of each value."""
    na = _na_codes(labels)
    vals = {int(v) for v in counts}
    missing = {v for v in vals if v in MISSING_CANDIDATES} | {int(k) for k in na}
    main = vals - missing
    if not main:
        return None
    lo, hi = min(main), max(main)
    if hi > 5 and hi not in (7, 10):
        # a few answers above a standard scale end are errors to report, not a wider scale
        inside = [(v, c) for v, c in counts.items() if v in main]
        cum = np.cumsum([c for _, c in inside])
        q99 = inside[int(np.searchsorted(cum, 0.99 * cum[-1]))][0]
        std = [h for h in (4, 5, 7, 10) if h >= q99]
        if std and std[0] < hi:
            hi = std[0]
            main = {v for v in main if v <= hi}
    # 9 inside a 0-10 scale is an answer, not a code -- unless its label says otherwise
    back = {m for m in missing if lo <= m <= hi and m not in na}
    main |= back
    missing -= back
    notes = []
    # a scale starts at 0 or 1; in a small sample nobody may have chosen the lowest answers, so a
    # higher start is accepted up to a standard scale end (ages and amounts end beyond 10)
    if lo < 0 or hi > 10 or hi < 3 or (lo > 2 and hi not in (5, 7, 10)):
        return None
    lo_labelled = labels.get(lo, labels.get(float(lo)))
    if lo == 0 and hi in (4, 5, 6, 7) and lo_labelled is None:
        notes.append("zero")  # 0 on a 1..k scale: judged with the battery it belongs to
    if hi == 10:
        if NPS_NAMES.search(name) or lo == 0:
            return "nps", 0, 10, sorted(missing), notes
        return "rating", 1 if lo == 1 else 0, 10, sorted(missing), notes
    if hi in (4, 5, 6, 7):
        return "rating", min(lo, 1) if lo != 0 else 0, hi, sorted(missing), notes
    return None


class _Matcher:
    """Finds catalog touchpoints named in a question text, with a confidence.

    All labels and aliases go into one regular expression (longest first, so "online booking"
    wins over "booking"). The confidence says how much of the text the match explains: the
    whole content of the text (generic words such as "satisfaction" or "quality" left out)
    0.95, its head (the last content word, where English and German put the thing a phrase is
    about) 0.8, a modifier elsewhere in the text 0.55.
    """

    def __init__(self, catalog: pd.DataFrame):
        names: dict[str, str] = {}
        for _, tp in catalog.iterrows():
            cands = [tp["label_en"], tp["label_de"], tp["id"].replace("_", " ")]
            cands += [a for a in (tp["aliases_en"] + ";" + tp["aliases_de"]).split(";") if a]
            for n in cands:
                key = n.lower().strip()
                if len(key) > 2:
                    names.setdefault(key, tp["id"])
        self.names = names
        alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        # German inflection (des Zimmers, am Empfang) may follow a name; no other letters
        self.pattern = re.compile(rf"(?<![a-zäöüß0-9-])({alts})(?:e?s|e?n|e)?(?![a-zäöüß0-9-])")

    def match(self, text: str) -> tuple[str | None, float, str]:
        low = text.lower().replace("_", " ")
        best = self._match(low)
        # column names often spell umlauts out (fruehstueck, bestaetigung)
        spelled = low.replace("ae", "ä").replace("oe", "ö").replace("ue", "ü")
        if spelled != low and best[1] < 0.95:
            other = self._match(spelled)
            best = other if other[1] > best[1] else best
        return best

    def _match(self, low: str) -> tuple[str | None, float, str]:
        # short tokens and tokens with digits are question codes (q12, tp, f3a), not content
        content = [t for t in TOKEN.findall(low) if t not in GENERIC_WORDS and len(t) > 2
                   and not any(ch.isdigit() for ch in t)]
        if not content:
            return None, 0.0, ""
        best = (None, 0.0, "")
        for m in self.pattern.finditer(low):
            name = m.group(1)
            words = TOKEN.findall(name)
            if [w for w in words if w not in GENERIC_WORDS] == content or " ".join(content) == m.group(0):
                conf = 0.95
            elif content[-1] in TOKEN.findall(m.group(0)):
                # the head; a word right before it may make it something else ("leg room")
                before = [t for t in TOKEN.findall(low[:m.start()]) if t in content]
                conf = 0.65 if before and len(words) == 1 else 0.8
            else:
                conf = 0.55
            if conf > best[1]:
                best = (self.names[name], conf, m.group(0))
        return best


@functools.cache
def _default_matcher() -> _Matcher:
    # the shipped catalog does not change within a process; its expression is compiled once
    return _Matcher(touchpoints.load())


def _detect_language(texts: list[str]) -> tuple[str, float]:
    words = TOKEN.findall(" ".join(texts).lower())
    de = sum(w in WORDS_DE for w in words) + 2 * len(UMLAUT.findall(" ".join(texts[:2000]).lower()))
    en = sum(w in WORDS_EN for w in words)
    if de + en == 0:
        return "en", 0.0
    lang = "de" if de > en else "en"
    return lang, round(max(de, en) / (de + en), 2)


def _positive_answer(levels: list[str]) -> str | None:
    """The positive one of two answers (yes/no, satisfied / neutral or dissatisfied, ...)."""
    pos = [lv for lv in levels if POSITIVE_ANSWERS.match(lv.strip()) and not NEGATIVE_HINT.search(lv)]
    if len(pos) == 1:
        return pos[0]
    # "satisfied" against "neutral or dissatisfied": the answer without a negation
    plain = [lv for lv in levels if not NEGATIVE_HINT.search(lv)]
    if len(plain) == 1 and any(POSITIVE_ANSWERS.search(w) for w in TOKEN.findall(plain[0].lower())):
        return plain[0]
    return None


#: second-header-row texts of survey tools that name no item ("Response" under a single question in
#: SurveyMonkey): left out of the question text
PLACEHOLDER_ITEMS = frozenset({"Response", "Open-Ended Response"})


def propose_spec(wide: pd.DataFrame, meta: dict | None = None, *, survey: str = "survey",
                 journey_model: str = "accra", language: str | None = None, data=None,
                 max_single: int = 20, min_confidence: float = 0.75) -> Proposal:
    """Propose a spec from a wide frame, with the decisions behind it.

    Parameters
    ----------
    wide : DataFrame
        One row per respondent (e.g. ``cj.read_export(path).wide``).
    meta : dict, optional
        Reader metadata: question texts (``questions``), ``value_labels``, ``id_column``.
    survey : str
        Survey id for the spec.
    journey_model : str
        Model the proposed phases refer to.
    language : {"de", "en"}, optional
        Survey language; default: detected from the question texts and answers.
    data : str or Path, optional
        The data file; written into the spec as ``data`` (relative to the spec file). Default:
        the export the frame was read from (``meta["file"]``), so that
        ``cj.open_study(spec)`` finds it.
    max_single : int
        At most this many distinct answers make a text column single choice (else open).
    min_confidence : float
        A touchpoint is assigned only from this confidence on (0-1); weaker matches are listed
        in the decisions and left unassigned.

    Returns
    -------
    Proposal
        ``spec`` and ``decisions`` (see :class:`Proposal`).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.io.infer import propose_spec
    >>> wide = pd.DataFrame({"lfdn": [1, 2, 3, 4, 5, 6],
    ...                      "Zufriedenheit Hotline": [1, 4, 5, 2, 3, 9],
    ...                      "Gesamturteil": ["zufrieden", "unzufrieden", "zufrieden", "zufrieden",
    ...                                       "unzufrieden", "zufrieden"]})
    >>> p = propose_spec(wide)
    >>> p.spec.language, p.spec.question("Gesamturteil").positive
    ('de', 'zufrieden')
    >>> tp = p.decisions[p.decisions["decision"] == "touchpoint"].iloc[0]
    >>> tp["column"], tp["proposal"], float(tp["confidence"])
    ('Zufriedenheit Hotline', 'hotline', 0.95)
    """
    if journey_model not in models.list():
        raise ParameterError("journey_model", journey_model, allowed=models.list())
    if language is not None:
        i18n.check_lang(language, "language")
    meta = meta or {}
    texts, kinds = {}, {}
    qframe = meta.get("questions")
    if qframe is not None and len(qframe):
        for r in qframe.itertuples(index=False):
            t = r.question_text if pd.notna(r.question_text) else ""
            item = r.item_text if pd.notna(r.item_text) and str(r.item_text).strip() not in PLACEHOLDER_ITEMS else None
            texts[r.column] = t + (f" - {item}" if item else "")
            kind = getattr(r, "kind", None)
            kinds[r.column] = kind if isinstance(kind, str) else None
    labels = meta.get("value_labels") or {}
    catalog = touchpoints.load()
    matcher = _default_matcher()
    stages = catalog.set_index("id")["canonical_stages"]
    to_phase = models.canonical_to_phase(journey_model)
    spec: dict = {"survey": re.sub(r"[^A-Za-z0-9_\-]+", "_", survey) or "survey", "journey_model": journey_model}
    if data is None and meta and meta.get("file") and Path(meta["file"]).is_file():
        data = meta["file"]  # the export the frame was read from: open_study(spec) then finds it
    if data is not None:
        spec["data"] = str(Path(data).resolve())
    rows: list[dict] = []

    def decide(column, decision, proposal, confidence=np.nan, check=""):
        if decision == "left_out":
            log.info("column %s left out of the proposed spec: %s", column, proposal)
        rows.append({"column": str(column), "decision": decision, "proposal": str(proposal),
                     "confidence": confidence, "check": check})

    # readers add a 'respondent_id' column (the data row) that is not in the file
    file_cols = [c for c in wide.columns if c != "respondent_id" or (qframe is not None and c in set(qframe["column"]))]
    id_col = meta.get("id_column")
    if id_col not in wide.columns:
        id_col = next((c for c in file_cols if ID_NAMES.match(_norm(c))), None)
    if id_col is None:
        # an unnamed id is one of the first columns, unique, complete, whole numbers or short codes
        id_col = next((c for c in file_cols[:10] if wide[c].notna().all() and wide[c].is_unique
                       and not pd.api.types.is_float_dtype(wide[c]) and not _profile(wide[c]).is_date
                       and wide[c].astype("string").str.len().max() <= 40), None)
    if id_col is None:
        spec["respondent_id"] = "respondent_id"
        decide("", "respondent_id", "respondent_id (data row)", check="no id column found: the data row is the id")
    else:
        spec["respondent_id"] = str(id_col)
        unique = wide[id_col].is_unique
        decide(id_col, "respondent_id", id_col, check="" if unique else "ids repeat: duplicates are handled by quality")
    questions, seg_cands, used, lang_texts, zero_cols = [], [], set(), [], {}
    # the numeric columns as one float block: one conversion instead of one per column
    dtypes = dict(zip(wide.columns, wide.dtypes))
    numeric = [c for c in file_cols if c != id_col and _is_number(dtypes[c])]
    block = wide[numeric].to_numpy(dtype="float64", na_value=np.nan) if numeric else None
    position = {c: j for j, c in enumerate(numeric)}
    if block is not None and block.size:
        # column statistics for the whole block at once (per column they cost more in overhead)
        nan = np.isnan(block)
        has_nan = nan.any(axis=0)
        filled_lo = np.where(nan, np.inf, block).min(axis=0)
        filled_hi = np.where(nan, -np.inf, block).max(axis=0)
        whole = ((block == np.floor(block)) | nan).all(axis=0)
        block_stats = list(zip(has_nan.tolist(), filled_lo.tolist(), filled_hi.tolist(), whole.tolist()))
    for col in file_cols:
        if col == id_col:
            continue
        name = str(col)
        norm = _norm(name)
        text = texts.get(col, "") or name
        s = None if col in position else wide[col]
        prof = _profile_numbers(block[:, position[col]], block_stats[position[col]]) if s is None else _profile(s)
        if not prof.n:
            decide(name, "left_out", "empty column")
            continue
        if text != name:
            lang_texts.append(text)
        if prof.is_date:
            if DATE_NAMES.search(name) and "date" not in spec:
                spec["date"] = name
                decide(name, "date", name)
            else:
                decide(name, "left_out", "date or time")
            continue
        counts = prof.counts
        if counts is not None and DURATION_NAMES.search(name) and not NOT_DURATION.search(name) \
                and "duration" not in spec and min(counts) >= 0:
            spec["duration"] = name
            decide(name, "duration", name, check="the spec expects seconds; the name says minutes"
                   if MINUTES.search(name) else "")
            continue
        if counts is not None and WEIGHT_NAMES.search(name) and min(counts) > 0:
            if "weight" not in spec:
                spec["weight"] = name
                decide(name, "weight", name)
            continue
        n_distinct = len(counts) if counts is not None else prof.k
        if WAVE_NAMES.match(norm) and n_distinct <= 24 and "wave" not in spec:
            spec["wave"] = name
            decide(name, "wave", name)
            continue
        if kinds.get(col) == "system" or SYSTEM_NAMES.match(norm):
            decide(name, "left_out", "survey-tool or personal-data column")
            continue
        q: dict = {"id": _qid(name, used)}
        if q["id"] != name:
            q["column"] = name
        if text and text != name:
            q["text"] = str(text)[:300]
        col_labels = labels.get(col) or {}
        if isinstance(dtypes[col], pd.CategoricalDtype) and col_labels:
            q.update(_labelled(col_labels))
        else:
            integers = counts is not None and all(float(v).is_integer() for v in counts)
            found = _scale(counts, f"{name} {text}", col_labels) if integers else None
            if found:
                qtype, lo, hi, missing, notes = found
                q.update(type=qtype, scale={"min": lo, "max": hi})
                if col_labels:
                    q["scale"]["labels"] = {int(k): str(v) for k, v in col_labels.items()
                                            if isinstance(k, (int, float)) and lo <= k <= hi and int(k) not in missing}
                missing = list(missing) + list(prof.text_codes)
                if missing:
                    q["missing"] = missing
                    named = {str(m): str(col_labels[m]) for m in missing if m in col_labels}
                    if named:
                        q["missing_labels"] = named
                if "zero" in notes:
                    zero_cols[q["id"]] = (hi, counts)
            elif integers and set(counts) <= {0, 1} and len(counts) == 2 \
                    and OUTCOME_NAMES.search(f"{name} {text}") \
                    and not any(x.get("role") == "outcome" for x in questions):
                q.update(type="single", role="outcome", positive=1)
            elif counts is not None:
                decide(name, "left_out", "numbers, not a rating scale (e.g. age, amount, delay)")
                continue
            else:
                k = prof.k
                lower = sorted({u.casefold() for u in prof.uniq}) if k <= 3 else []
                # a yes/no question is an outcome only when its name or its answers say satisfaction,
                # recommendation or the like; "Do you have children? yes/no" stays a choice
                if len(lower) == 2 and (pos := _positive_answer(list(prof.uniq))) is not None \
                        and not any(x.get("role") == "outcome" for x in questions) \
                        and (OUTCOME_NAMES.search(f"{name} {text}") or OUTCOME_NAMES.search(pos)):
                    q.update(type="single", role="outcome", positive=pos)
                elif k <= max_single and k < max(2, 0.5 * prof.n) and not (
                        # a column named as comments whose answers are sentences stays open text even
                        # when a small sample repeats the same few comments
                        COMMENT_NAMES.search(f"{name} {text}") and _sentences(prof)):
                    q["type"] = "single"
                    if 2 <= k <= 12:
                        seg_cands.append((name, k))
                elif COMMENT_NAMES.search(f"{name} {text}") or _sentences(prof):
                    # comments are sentences; many distinct short texts (names, codes, states) are not
                    q["type"] = "open"
                    if len(lang_texts) < 2000:
                        lang_texts.extend(prof.head(50))
                else:
                    decide(name, "left_out", "many distinct short texts (names or codes), not comments")
                    continue
        tp, conf, matched = matcher.match(str(text)) if text else (None, 0.0, "")
        if name != text and conf < min_confidence:
            tp2, conf2, matched2 = matcher.match(name)
            if conf2 > conf:
                tp, conf, matched = tp2, conf2, matched2
        if tp and q["type"] not in ("open",) and q.get("role") != "outcome":
            if conf >= min_confidence:
                q["touchpoint"] = tp
                q["phase"] = to_phase[stages[tp].split(";")[0]]
                decide(name, "touchpoint", tp, conf, "" if conf >= 0.9 else f"matched '{matched}': check")
            else:
                decide(name, "touchpoint", "(none)", conf,
                       f"weak match '{matched}' -> {tp} below {min_confidence:g}: assign by hand if right")
        q["_conf"] = conf if q.get("touchpoint") else None
        questions.append(q)
    _zero_battery(questions, zero_cols, decide)
    _roles(questions, decide)
    segments = _segments(seg_cands, decide)
    spec["segments"] = segments
    if language is None:
        language, lconf = _detect_language(lang_texts + [str(c) for c in wide.columns])
        decide("", "language", language, lconf, "" if lconf >= 0.7 else "few words to go by: check")
    spec["language"] = language
    if not questions:
        raise DataError("no column looks like a survey question (ratings, choices or comments); "
                        "write the spec by hand", file=meta.get("file"))
    for q in questions:
        conf = q.pop("_conf")
        decide(q.get("column", q["id"]), "question",
               f"{q['type']}" + (f", role {q['role']}" if "role" in q else "")
               + (f", scale {q['scale']['min']}-{q['scale']['max']}" if "scale" in q else "")
               + (f", missing {q['missing']}" if q.get("missing") else "")
               + (f", positive '{q['positive']}'" if "positive" in q else ""),
               conf if conf is not None else np.nan,
               f"check that '{q['positive']}' is the answer to count as 1" if "positive" in q else "")
    n_ratings = sum(q["type"] in ("rating", "csat", "ces", "likert") for q in questions)
    spec["quality"] = {"straightline_min_items": max(2, min(10, n_ratings)), "min_completion": 0.5}
    spec["questions"] = questions
    # built directly rather than through load_spec: the proposal is valid by construction, and
    # schema validation of thousands of questions would cost more than the inference itself;
    # the written file is validated when it is loaded
    built = SurveySpec(
        survey=spec["survey"], respondent_id=spec["respondent_id"],
        questions=tuple(Question.from_dict(q) for q in questions), journey_model=journey_model,
        segments=tuple(segments), quality=spec["quality"], model_ref=journey_model,
        **{k: spec.get(k) for k in SurveySpec._OPTIONAL})
    decisions = pd.DataFrame(rows, columns=DECISION_COLUMNS)
    return Proposal(built, decisions)


def _labelled(labels: dict) -> dict:
    """Type and scale of a column with value labels (SPSS): consecutive integer codes 1..k
    (k >= 3) are a rating scale with those labels, negative codes and codes labelled "don't
    know" / "keine Angabe" missing; anything else single choice."""
    na = _na_codes(labels)
    codes = [k for k in labels if isinstance(k, (int, float)) and float(k).is_integer()]
    valid = sorted(int(k) for k in codes if k >= 0 and k not in na)
    missing = sorted({int(k) for k in codes if k < 0} | {int(k) for k in na})
    out: dict = {}
    if len(valid) >= 3 and valid == list(range(valid[0], valid[-1] + 1)) and valid[0] in (0, 1):
        out.update(type="rating", scale={"min": valid[0], "max": valid[-1],
                                         "labels": {k: str(labels[k]) for k in valid}})
        if missing:
            out["missing"] = missing
            out["missing_labels"] = {str(m): str(labels[m]) for m in missing}
    else:
        out["type"] = "single"
    return out


def _zero_battery(questions: list, zero_cols: dict, decide) -> None:
    """0 in a battery of 1..k ratings that otherwise starts at 1 means "not applicable" when it
    is rare (below half the share of the least used real answer) in most of the battery's
    columns; then 0 is a missing code of every rating of that battery, also where nobody
    chose it. A lone 0..k column, or a column where 0 is common, keeps 0 as an answer."""
    by_max: dict[int, list] = {}
    for q in questions:
        if q["type"] == "rating" and q["scale"]["min"] in (0, 1):
            by_max.setdefault(q["scale"]["max"], []).append(q)
    for hi, battery in by_max.items():
        zeros = [q for q in battery if q["id"] in zero_cols]
        if not zeros:
            continue
        rare = [q for q in zeros if _zero_is_rare(zero_cols[q["id"]][1])]
        if len(battery) >= 3 and len(rare) >= max(2, 0.5 * len(zeros)):
            # a column of the battery where 0 is common keeps it as an answer (a real 0-k scale)
            battery = [q for q in battery if q["id"] not in zero_cols or q in rare]
            for q in battery:
                q["scale"]["min"] = 1
                q["scale"].get("labels", {}).pop(0, None)
                if 0 not in q.get("missing", []):
                    q["missing"] = [0] + list(q.get("missing", []))
            decide("", "missing_code", f"0 = not applicable on {len(battery)} ratings 1-{hi}", 0.7,
                   "0 is rare in these ratings and outside the 1-k scale: check that it means 'not applicable'")
        else:
            for q in zeros:
                decide(q.get("column", q["id"]), "missing_code", f"0 kept as an answer (scale 0-{hi})", np.nan,
                       "0 on a scale that usually starts at 1: if it means 'not applicable', add 0 to missing")


def _zero_is_rare(counts: dict) -> bool:
    others = [c for v, c in counts.items() if v >= 1]
    return 0 in counts and len(others) > 0 and counts[0] < 0.5 * min(others)


def _roles(questions: list, decide) -> None:
    """Overall outcome, CSAT and CES types by name; the first overall-looking scale question
    is the overall outcome, others stay drivers."""
    scales = [q for q in questions if q["type"] in ("rating", "csat", "ces")]
    for q in scales:
        words = f"{q.get('column', q['id'])} {q.get('text', '')}"
        if CES_NAMES.search(words):
            q["type"] = "ces"
    has_overall = False
    for q in scales:
        words = f"{q.get('column', q['id'])} {q.get('text', '')}".strip()
        if q["type"] != "ces" and not q.get("touchpoint") and OVERALL_NAMES.search(words) and not has_overall:
            q["role"] = "overall"
            if CSAT_NAMES.search(words):
                q["type"] = "csat"
            has_overall = True
    if (not has_overall and len(scales) == 1 and not any(q.get("role") == "outcome" for q in questions)
            and not any(q["type"] == "nps" for q in questions)):
        # a feedback file with one rating (stars, score): that rating is the overall judgement
        scales[0]["role"] = "overall"
        has_overall = True
    outcomes = [q for q in questions if q.get("role") == "outcome"]
    if not has_overall and not outcomes and not any(q["type"] == "nps" for q in questions) and scales:
        decide("", "role", "(no overall outcome)", check="no overall question found: set role: overall by hand")


def _sentences(prof) -> bool:
    """True when a text column's answers read as sentences (three or more words on average)."""
    return float(np.mean([len(t.split()) for t in prof.head()] or [0])) >= 3


def _segments(cands: list, decide) -> list:
    """Up to five single-choice columns with 2-12 answers, those named like segments
    (channel, gender, class, region, ...) first."""
    ranked = sorted(cands, key=lambda c: (not CHANNEL_NAMES.search(c[0]), not SEGMENT_NAMES.search(c[0])))
    out = [c[0] for c in ranked[:5]]
    for name in out:
        decide(name, "segment", "channel" if CHANNEL_NAMES.search(name) else name)
    return out


def decision_summary(proposal: Proposal, *, max_rows: int = 40) -> str:
    """A short text table of what :func:`propose_spec` decided; rows to check are marked "!".

    Design columns (id, weight, wave, date, duration, language, segments), roles other than
    driver, touchpoints and every decision with something to check are listed; plain
    questions and left-out columns are counted.

    Parameters
    ----------
    proposal : Proposal
    max_rows : int
        At most this many table rows (the rest are counted).

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.io.infer import propose_spec, decision_summary
    >>> wide = pd.DataFrame({"id": ["a", "b", "c", "d"], "Gesamtzufriedenheit": [1, 4, 5, 2]})
    >>> print(decision_summary(propose_spec(wide, language="de")))
      column               decision       proposal                         confidence  check
      id                   respondent_id  id
      Gesamtzufriedenheit  question       csat, role overall, scale 1-5
    1 question(s): 1 csat
    """
    d = proposal.decisions
    plain = (d["decision"] == "question") & ~d["proposal"].str.contains("role ") & (d["check"] == "")
    left = d["decision"] == "left_out"
    shown = d[~plain & ~left]
    lines = []
    fmt = "{mark} {column:<{w1}}  {decision:<13}  {proposal:<{w2}}  {conf:<10}  {check}"
    w1 = min(36, max([6] + [len(c) for c in shown["column"]]))
    w2 = min(48, max([8] + [len(p) for p in shown["proposal"]]))
    lines.append(fmt.format(mark=" ", column="column", w1=w1, decision="decision", proposal="proposal", w2=w2,
                            conf="confidence", check="check"))
    for r in shown.head(max_rows).itertuples(index=False):
        conf = "" if pd.isna(r.confidence) else f"{r.confidence:.2f}"
        lines.append(fmt.format(mark="!" if r.check else " ", column=r.column[:36], w1=w1, decision=r.decision,
                                proposal=r.proposal[:48], w2=w2, conf=conf, check=r.check).rstrip())
    if len(shown) > max_rows:
        lines.append(f"  ... {len(shown) - max_rows} more rows (Proposal.decisions has them all)")
    types = pd.Series([q.type for q in proposal.spec.questions]).value_counts()
    lines.append(f"{len(proposal.spec.questions)} question(s): " + ", ".join(f"{n} {t}" for t, n in types.items())
                 + (f"; {int(left.sum())} column(s) left out" if left.any() else ""))
    if left.any():
        names = d.loc[left, "column"].tolist()
        lines.append("left out: " + ", ".join(names[:12]) + (f", ... ({len(names) - 12} more)" if len(names) > 12 else ""))
    return "\n".join(lines)


def infer_spec(wide: pd.DataFrame, meta: dict | None = None, *, survey: str = "survey",
               journey_model: str = "accra", language: str | None = None, data=None,
               max_single: int = 20, min_confidence: float = 0.75) -> SurveySpec:
    """Propose a spec from a wide frame (the spec of :func:`propose_spec`).

    Parameters
    ----------
    wide, meta, survey, journey_model, language, data, max_single, min_confidence
        As in :func:`propose_spec`.

    Returns
    -------
    SurveySpec
        With respondent_id, weight/wave/date/duration where found, segments, language,
        quality and questions. :func:`write_spec` writes it as YAML for editing.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.io.infer import infer_spec
    >>> wide = pd.DataFrame({"lfdn": [1, 2, 3, 4, 5, 6], "gewicht": [0.5, 1.5, 1.0, 1.0, 1.0, 1.0],
    ...                      "kanal": ["web", "web", "tel", "tel", "web", "tel"],
    ...                      "Zufriedenheit Hotline": [1, 4, 5, 2, 3, 9]})
    >>> spec = infer_spec(wide)
    >>> spec.respondent_id, spec.weight, spec.segments
    ('lfdn', 'gewicht', ('kanal',))
    >>> q = spec.question("Zufriedenheit_Hotline")
    >>> q.column, q.type, q.scale.max, q.touchpoint
    ('Zufriedenheit Hotline', 'rating', 5, 'hotline')
    """
    return propose_spec(wide, meta, survey=survey, journey_model=journey_model, language=language, data=data,
                        max_single=max_single, min_confidence=min_confidence).spec


def write_spec(spec, path, *, force: bool = False) -> Path:
    r"""Write *spec* as YAML (values equal to their defaults left out) and return the path.

    :func:`cjkit.io.spec.load_spec` reads the file back into an equal spec. Files the spec
    names (``data``, ``touchpoint_catalog``, a journey-model file) are written relative to the
    spec's folder, so they still point at the same files. Given a :class:`Proposal`, each
    proposed touchpoint gets a comment with its confidence.

    Parameters
    ----------
    spec : SurveySpec, Proposal, dict, str or Path
        The spec, e.g. from :func:`infer_spec` or :func:`propose_spec`.
    path : str or Path
        File to write; missing folders are created.
    force : bool
        Overwrite an existing file (default: refuse, so that an edited spec is not lost).

    Returns
    -------
    Path

    Raises
    ------
    ConfigError
        *path* exists and *force* is False.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from pathlib import Path
    >>> from cjkit.io.infer import infer_spec, write_spec
    >>> from cjkit.io.spec import load_spec
    >>> spec = infer_spec(pd.DataFrame({"id": [1, 2, 3], "nps": [0, 10, 8]}), language="en")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_spec(spec, Path(tmp) / "spec.yaml")
    ...     print(path.read_text(encoding="utf-8").split("\n", 2)[2])
    ...     print(load_spec(path) == spec)
    survey: survey
    language: en
    journey_model: accra
    respondent_id: id
    quality:
      straightline_min_items: 2
      min_completion: 0.5
    questions:
    - id: nps
      type: nps
    <BLANKLINE>
    True
    """
    path = Path(path)
    decisions = None
    if isinstance(spec, Proposal):
        spec, decisions = spec.spec, spec.decisions
    if path.exists() and not force:
        raise ConfigError("the file exists and may hold your edits; choose another file or overwrite it "
                          "with force=True (cjkit infer --force)", path=path)
    spec = load_spec(spec)
    clean = spec.to_dict()
    path.parent.mkdir(parents=True, exist_ok=True)
    # files named in the spec are relative to the spec's folder: written to another folder,
    # they are re-expressed relative to the new one so that they still point at the same files
    moved = path.parent.resolve() != spec.base_dir.resolve()
    for key in ("data", "touchpoint_catalog", "codebook", "journey_model"):
        ref = clean.get(key)
        if ref and (moved or Path(ref).is_absolute()) and (key != "journey_model" or str(ref).endswith((".yaml", ".yml"))):
            clean[key] = Path(os.path.relpath((spec.base_dir / ref).resolve(), path.parent.resolve())).as_posix()
    header = ("# Survey spec proposed by cjkit.io.infer.infer_spec — check types, scales, missing codes,\n"
              "# phases and touchpoints before use. Schema: cjkit/data/schemas/survey_spec.schema.yaml\n")
    text = yaml.safe_dump(clean, sort_keys=False, allow_unicode=True, width=110)
    if decisions is not None:
        text = _with_comments(text, spec, decisions)
    path.write_text(header + text, encoding="utf-8")
    return path


def _with_comments(text: str, spec: SurveySpec, decisions: pd.DataFrame) -> str:
    """The YAML with a comment after each proposed touchpoint (its confidence and the words
    matched) and after each weak match that was left unassigned."""
    tp = decisions[decisions["decision"] == "touchpoint"].set_index("column")
    by_id = {q.id: q.column for q in spec.questions}
    out, current = [], None
    for line in text.splitlines():
        if line.startswith("- id: "):
            current = by_id.get(yaml.safe_load(line[6:]))
            if current in tp.index and tp.loc[current, "proposal"] == "(none)":
                row = tp.loc[current]
                line += f"  # no touchpoint: {row['check']} (confidence {row['confidence']:.2f})"
        elif line.startswith("  touchpoint: ") and current in tp.index:
            line += f"  # confidence {tp.loc[current, 'confidence']:.2f}"
        out.append(line)
    return "\n".join(out) + "\n"
