"""Terms of the automaton: the codebook term syntax, hit kinds and the function words.

Term syntax (codebook ``keywords``): ``word`` matches the word and its inflections (stemmed;
in German also as the first part of a compound: ``Liefer`` in ``Lieferzeit``), ``*word``
also as the last part of a compound (``Rezeptionspersonal``), ``word*`` any ending,
``=word`` the exact word only. A word preceded by ``un`` (``unfreundlich``) matches and is
marked negated. :class:`TermTable` parses terms in this syntax into flat arrays, one row per
pattern, that :class:`cjkit.coding.matcher.Matcher` compiles into one automaton.

Examples
--------
>>> from cjkit.coding.terms import CODE, TermTable
>>> t = TermTable(); t.add("*Toilette", CODE, owner=0)
>>> t.pattern, t.min_left
(['toilette'], [3])
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from cjkit.catalog.config import DATA, read_yaml
from cjkit.coding.textnorm import SUFFIXES, fold, term_stem

# hit kinds
CODE, EXCLUDE, NEG, PSEUDO, CLAUSE, SENT, INTENS, STOP_DE, STOP_EN, CONTRAST, LOC = range(11)
# match modes
WORD, PREFIX, EXACT, PHRASE = range(4)
LANG_ID = {"de": 0, "en": 1}


@functools.cache
def function_words() -> dict:
    """Negation cues, pseudo-negations, clause and contrast words, stopwords, intensifiers, and
    the fuller stop-word lists of theme discovery (``theme_stopwords``).

    Returns
    -------
    dict
        Lists (per language) of the function-word file ``cjkit/data/lexicons/function_words.yaml``.

    Examples
    --------
    >>> from cjkit.coding.matcher import function_words
    >>> sorted(function_words())
    ['clause', 'contrast', 'intensifiers', 'negation', 'pseudo_negation', 'stopwords', 'theme_stopwords']
    """
    return read_yaml(DATA / "lexicons" / "function_words.yaml")


def add_function_words(table: "TermTable", *, stopwords: bool = True, sentiment: bool = True) -> None:
    """Add negation and clause terms, plus language stopwords and the contrast words and
    intensifiers that only sentiment scoring needs (fewer terms scan faster).

    Parameters
    ----------
    table : TermTable
        Changed in place.
    stopwords : bool
        Add the stopwords (language detection).
    sentiment : bool
        Add contrast words and intensifiers (sentiment rules).

    Returns
    -------
    None

    Examples
    --------
    >>> from cjkit.coding import matcher as M
    >>> small, full = M.TermTable(), M.TermTable()
    >>> M.add_function_words(small, stopwords=False, sentiment=False); M.add_function_words(full)
    >>> len(small.pattern) < len(full.pattern)
    True
    """
    fw = function_words()
    for lang in ("de", "en"):
        for t in fw["negation"][lang]:
            table.add(t, NEG, lang=lang)
        for t in fw["pseudo_negation"][lang]:
            table.add(t, PSEUDO, lang=lang)
        for t in fw["clause"][lang]:
            table.add(t, CLAUSE, lang=lang)
        if sentiment:
            for t in fw["contrast"][lang]:
                table.add(t, CONTRAST, lang=lang)
            for t, w in fw["intensifiers"][lang].items():
                table.add(t, INTENS, lang=lang, weight=float(w))
        if stopwords:
            for t in fw["stopwords"][lang]:
                table.add(t, STOP_DE if lang == "de" else STOP_EN, lang=lang)


# Prepositions of containment: a place named right after one ("WLAN *im* Zimmer", "the wifi *in
# the* room") says where another topic happened; it is no topic of its own (see Scan.places).
# "at" / "am" / "bei" are left out: they name the venue or provider ("at the tax office"), which
# is a touchpoint in its own right.
LOCATIVES = {"de": ["=im", "=in", "=innerhalb"], "en": ["=in", "=inside"]}
PLACE_GAP = 2   # words allowed between the preposition and the place ("in unserem Zimmer", "in the hotel room")


def add_locatives(table: "TermTable") -> None:
    """Add the locative prepositions (:data:`LOCATIVES`) that :meth:`Scan.places` reads.

    Parameters
    ----------
    table : TermTable
        Changed in place.

    Returns
    -------
    None

    Examples
    --------
    >>> from cjkit.coding import matcher as M
    >>> t = M.TermTable(); M.add_locatives(t)
    >>> " im" in t.pattern and " in" in t.pattern
    True
    """
    for lang, words in LOCATIVES.items():
        for w in words:
            table.add(w, LOC, lang=lang)


def pack_ending(s: str) -> int:
    """Pack a short folded string (a word ending) into one integer, length in the high byte.

    Endings are then compared as integers, many at once (-1: longer than 6 letters).

    Parameters
    ----------
    s : str

    Returns
    -------
    int

    Examples
    --------
    >>> from cjkit.coding.terms import pack_ending
    >>> pack_ending("en") == (2 << 48) | ord("e") | (ord("n") << 8), pack_ending("ungen")  > 0, pack_ending("x" * 7)
    (True, True, -1)
    """
    if len(s) > 6:
        return -1
    v = len(s) << 48
    for k, ch in enumerate(s):
        v |= min(ord(ch), 255) << (8 * k)
    return v


# Endings the stemmer may cut from a codebook word and still mean the same word.
_WEAK_TAILS = {"en": {"", "e", "y", "s", "es", "ed", "d", "ing"}, "de": set()}
# Word parts that make a derivation, not a compound head: "Funktion|iert", "Kost|enlos",
# "Wart|ung". After a keyword they mean the word merely begins with the keyword.
DERIVATIONS = ("ier", "ung", "lich", "isch", "heit", "keit", "bar", "haft", "los", "sam", "chen",
               "lein", "ell", "ett", "ion", "ik", "ig", "iv", "ant", "ent", "ist", "ismus", "ös", "oes")


def _inflectional(tail: str, lang: str, word: str) -> bool:
    """True if *tail* (cut by the stemmer from *word*) is an inflection of the word."""
    if lang == "en":
        return tail in _WEAK_TAILS["en"]
    # German nouns keep their whole form and take inflections after it: "Fehl" would also
    # match "fehlt", "Schad" the "schade" of "schade eigentlich", "Reis" the rice of "Reise"
    if tail and word[:1].isupper():
        return False
    return tail in SUFFIXES["de"]


@dataclass
class TermTable:
    """Flat arrays describing every term in the automaton (one row per term).

    Parameters
    ----------
    pattern, kind, owner, lang, mode, min_left, compound, tail, weight, label, lead : list
        One entry per term; filled by :meth:`add`, not by hand.

    Examples
    --------
    >>> from cjkit.coding import matcher as M
    >>> t = M.TermTable(); t.add("Zimmer", M.CODE, owner=0); t.add("warten", M.CODE, owner=1)
    >>> t.pattern, t.label    # a noun keeps its -er ("Zimmer", "Fehler"); a verb is stemmed
    (['zimmer', 'wart'], ['Zimmer', 'warten'])
    """

    pattern: list = field(default_factory=list)
    kind: list = field(default_factory=list)
    owner: list = field(default_factory=list)
    lang: list = field(default_factory=list)
    mode: list = field(default_factory=list)
    min_left: list = field(default_factory=list)   # 0: must start a word; k: may follow k+ chars
    compound: list = field(default_factory=list)   # German: may be the first part of a compound
    tail: list = field(default_factory=list)       # packed own ending (delivery -> 'y')
    weight: list = field(default_factory=list)
    label: list = field(default_factory=list)      # the term as written (shown as 'rule')
    lead: list = field(default_factory=list)       # 1: pattern starts with a space (see add)

    def add(self, term: str, kind: int, owner: int = -1, lang: str = "de", weight: float = 0.0,
            compound_min: int = 4) -> None:
        """Parse one term written in codebook syntax and append it (plus hyphen variants).

        Parameters
        ----------
        term : str
            In codebook syntax (``word``, ``*word``, ``word*``, ``=word``, phrases).
        kind : int
            Hit kind (``CODE``, ``NEG``, ``SENT`` ...).
        owner : int
            Codebook row of a code term, -1 otherwise.
        lang : {"de", "en"}
        weight : float
            Valence or intensifier factor.
        compound_min : int
            Shortest German word that may start a compound.

        Returns
        -------
        None

        Examples
        --------
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); t.add("check-in", M.CODE, owner=0, lang="en")
        >>> sorted(t.pattern)
        ['check in', 'check-in', 'checkin']
        """
        raw = term.strip()
        if not raw:
            return
        left_open = raw.startswith("*")
        right_open = raw.endswith("*")
        exact = raw.startswith("=")
        core = fold(raw.strip("*=").strip())
        phrase = " " in core or "-" in core or "'" in core
        if exact:
            mode, tail, pat = EXACT, "", core
        elif right_open:
            mode, tail, pat = PREFIX, "", core
        elif phrase:
            mode, tail, pat = PHRASE, "", core
        else:
            mode = WORD
            # stem the word as written (with umlauts): Snowball reads "schön", not "schoen"
            word = raw.strip("*=").strip()
            pat, tail = term_stem(word, lang)
            if not _inflectional(tail, lang, word):
                # the stemmer cut a derivation, not an inflection ("friendly" -> "friend",
                # "manager" -> "manag", "Sicherheit" -> "sich"): the stem would match other
                # words, so the whole word is the pattern and only inflections may follow
                pat, tail = core, ""
        if left_open and len(core) < 4:
            # a short head inside a longer word is mostly chance ("app" in "geklappt")
            left_open = False
        variants = {pat}
        if "-" in pat:  # "check-in" also as "check in" and "checkin"
            variants |= {pat.replace("-", " "), pat.replace("-", "")}
        # Word-initial function words (and 1-2 letter code words) are stored as " word": the
        # automaton then does not report them inside other words ("the" in "other"), which
        # would cost time in the scan. Texts always start after a space (fold_block).
        lead = int(mode in (EXACT, PREFIX) and not left_open
                   and (kind not in (CODE, EXCLUDE) or len(core) <= 2))
        for v in variants:
            self.lead.append(lead)
            v = " " + v if lead else v
            self.pattern.append(v)
            self.kind.append(kind)
            self.owner.append(owner)
            self.lang.append(LANG_ID[lang])
            self.mode.append(mode)
            self.min_left.append((3 if kind in (CODE, EXCLUDE) else 1) if left_open else 0)
            self.compound.append(lang == "de" and mode == WORD and len(core) >= compound_min
                                 and kind in (CODE, EXCLUDE))
            self.tail.append(pack_ending(tail))
            self.weight.append(weight)
            self.label.append(raw)

    def arrays(self) -> dict:
        """Returns
        -------
        dict of ndarray
            One array per column, plus ``length`` and ``simple`` derived from the patterns.

        Examples
        --------
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); t.add("Zimmer", M.CODE, owner=3)
        >>> a = t.arrays(); int(a["owner"][0]), int(a["length"][0])
        (3, 6)
        """
        return {"kind": np.array(self.kind, np.int8), "owner": np.array(self.owner, np.int64),
                "lang": np.array(self.lang, np.int8), "mode": np.array(self.mode, np.int8),
                "min_left": np.array(self.min_left, np.int64),
                "compound": np.array(self.compound, bool), "tail": np.array(self.tail, np.int64),
                "weight": np.array(self.weight, float),
                "length": np.array([len(p) for p in self.pattern], np.int64),
                "lead": np.array(self.lead, np.int64),
                "simple": (np.array(self.lead, np.int64) == 1) & (np.array(self.mode, np.int8) == EXACT)}
