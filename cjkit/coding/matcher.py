"""One Aho-Corasick pass over many texts, with word-boundary, stem, compound and negation logic.

Every term of a codebook, the negation cues, clause markers, language stopwords and the
sentiment lexicon go into *one* automaton. The texts of a chunk are folded and joined into
one string (:func:`cjkit.coding.textnorm.fold_block`) and scanned once in C; everything after
the scan (is this hit a whole word? an inflection? part of a compound? negated?) is decided
with numpy on arrays of hits, never with a Python loop over codes or texts.

Term syntax (codebook ``keywords``): ``word`` matches the word and its inflections (stemmed;
in German also as the first part of a compound: ``Liefer`` in ``Lieferzeit``), ``*word``
also as the last part of a compound (``Rezeptionspersonal``), ``word*`` any ending,
``=word`` the exact word only. A word preceded by ``un`` (``unfreundlich``) matches and is
marked negated.
"""
from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field

import ahocorasick
import numpy as np

from cjkit.catalog.config import DATA, read_yaml
from cjkit.coding.textnorm import SUFFIXES, FoldedBlock, fold, fold_block, term_stem

# hit kinds
CODE, EXCLUDE, NEG, PSEUDO, CLAUSE, SENT, INTENS, STOP_DE, STOP_EN, CONTRAST, LOC = range(11)
# match modes
WORD, PREFIX, EXACT, PHRASE = range(4)
LANG_ID = {"de": 0, "en": 1}

_ASCII_WORD = np.zeros(128, dtype=bool)
for _c in "abcdefghijklmnopqrstuvwxyz0123456789":
    _ASCII_WORD[ord(_c)] = True
_WORD_LUT = np.append(_ASCII_WORD, True)   # index 128 = any non-ASCII character: a letter
_CLAUSE_LUT = np.zeros(129, dtype=bool)
_CLAUSE_LUT[[ord(c) for c in ".;!?:,\n()"]] = True
_SENTENCE_LUT = np.zeros(129, dtype=bool)
_SENTENCE_LUT[[ord(c) for c in ".;!?\n"]] = True
# masks of the low n bytes of a uint64 (n = 0..8): the first n letters of an 8-letter window
_LOW_BYTES = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [2 ** 64 - 1], np.uint64)


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


def iter_scans(texts: list, matcher: "Matcher", chunk_size: int = 100_000):
    """Yield ``(offset, scan)`` for consecutive chunks of *texts* (bounded memory).

    Parameters
    ----------
    texts : list of str
    matcher : Matcher
    chunk_size : int
        Texts per scan.

    Returns
    -------
    iterator of (int, Scan)
        Offset of the chunk's first text, and its scan.

    Examples
    --------
    >>> from cjkit.coding import matcher as M
    >>> t = M.TermTable(); t.add("Zimmer", M.CODE, owner=0)
    >>> m = M.Matcher(t)
    >>> [(off, scan.block.doc_start.size) for off, scan in M.iter_scans(["a", "b", "c"], m, chunk_size=2)]
    [(0, 2), (2, 1)]
    """
    for off in range(0, max(len(texts), 1), chunk_size):
        chunk = texts[off:off + chunk_size]
        if not chunk:
            return
        yield off, matcher.scan(fold_block(chunk))


def _pack(s: str) -> int:
    """Pack a short folded string into one integer (length in the high byte)."""
    if len(s) > 6:
        return -1
    v = len(s) << 48
    for k, ch in enumerate(s):
        v |= min(ord(ch), 255) << (8 * k)
    return v


_D = _pack("d")
_MIN_HEAD = 4   # letters of a compound's head after a first-part keyword (and its linking s/n)
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
            self.tail.append(_pack(tail))
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


class Matcher:
    """A compiled automaton over a :class:`TermTable` (build once, scan many chunks).

    Parameters
    ----------
    table : TermTable

    Examples
    --------
    >>> from cjkit.coding import matcher as M
    >>> t = M.TermTable(); t.add("Zimmer", M.CODE, owner=0)
    >>> M.Matcher(t).arr["kind"].tolist()
    [0]
    """

    def __init__(self, table: TermTable):
        self.table = table
        self.arr = table.arrays()
        groups: dict[str, list[int]] = {}
        for i, p in enumerate(table.pattern):
            groups.setdefault(p, []).append(i)
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        members, offsets = [], [0]
        for g, (p, idx) in enumerate(groups.items()):
            self.automaton.add_word(p, g)
            members.extend(idx)
            offsets.append(len(members))
        if groups:
            self.automaton.make_automaton()
        self.group_members = np.array(members, np.int64)
        self.group_offsets = np.array(offsets, np.int64)
        # _accept counts the letters before a hit only up to 3
        assert not table.min_left or max(table.min_left) <= 3, "min_left above 3"
        self.suffix_sets = {lid: np.array([_pack(s) for s in SUFFIXES[lang]], np.int64)
                            for lang, lid in LANG_ID.items()}
        self._suffix_keys = np.unique(np.concatenate([v * 2 + lid for lid, v in self.suffix_sets.items()]))

    def scan(self, block: FoldedBlock) -> "Scan":
        """Find every accepted hit of every term in *block*.

        Parameters
        ----------
        block : cjkit.coding.textnorm.FoldedBlock

        Returns
        -------
        Scan

        Examples
        --------
        >>> import numpy as np
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
        >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
        >>> codes = scan.of_kind(M.CODE)
        >>> scan.start[codes].tolist(), scan.end[codes].tolist(), scan.doc[codes].tolist()
        ([5], [11], [0])
        """
        # chain.from_iterable flattens the (end, group) tuples in C: the only per-hit Python cost
        if self.automaton.kind == ahocorasick.AHOCORASICK:
            flat = np.fromiter(itertools.chain.from_iterable(self.automaton.iter(block.folded)), dtype=np.int64)
        else:   # an empty table: the automaton was never built and finds nothing
            flat = np.empty(0, np.int64)
        end_incl, grp = flat[0::2], flat[1::2]
        sizes = self.group_offsets[grp + 1] - self.group_offsets[grp]
        if (sizes == 1).all():   # usual case: each pattern belongs to one term
            term = self.group_members[self.group_offsets[grp]]
            end = end_incl + 1
        else:
            rep = np.repeat(np.arange(grp.size), sizes)
            first = np.repeat(self.group_offsets[grp], sizes)
            within = np.arange(rep.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
            term = self.group_members[first + within]
            end = end_incl[rep] + 1
        a = self.arr
        start = end - a["length"][term] + a["lead"][term]
        ctx = Context.build(block)
        # exact words stored with a leading space already start a word: only the end is checked
        simple = a["simple"][term]
        s_idx = np.flatnonzero(simple)
        s_ok = s_idx[~ctx.isword[np.minimum(end[s_idx], ctx.codes.size - 1)] | (end[s_idx] >= ctx.codes.size)]
        c_idx = np.flatnonzero(~simple)
        ok, neg_prefix, conf, c_start, c_end = self._accept(ctx, term[c_idx], start[c_idx], end[c_idx])
        # a hit covers whole words: "Lieferzeit", not the stem "Liefer"
        term = np.concatenate([term[c_idx][ok], term[s_ok]])
        start = np.concatenate([c_start, start[s_ok]])
        end = np.concatenate([c_end, end[s_ok]])
        neg_prefix = np.concatenate([neg_prefix, np.zeros(s_ok.size, bool)])
        conf = np.concatenate([conf, np.ones(s_ok.size)])
        doc = np.searchsorted(block.doc_start_f, start, side="right") - 1
        return Scan(block, ctx, term, start, end, doc, neg_prefix, conf, a)

    def _accept(self, ctx: "Context", term, start, end):
        """Decide which raw hits are words, inflections or compound parts.

        Returns the indices of accepted hits and, for them, the un- prefix flag, a confidence
        (1.0 whole word, 0.9 inflected, 0.8 compound part) and the enclosing word span.
        """
        a = self.arr
        codes = ctx.codes
        # letters of the same word before the hit, counted up to 3 (all the left tests need):
        # the exact word start is looked up only for the few kept hits deeper inside a word
        iw = ctx.isword
        b1 = (start >= 1) & iw[np.maximum(start - 1, 0)]
        b2 = b1 & (start >= 2) & iw[np.maximum(start - 2, 0)]
        lp = b1.astype(np.int64) + b2 + (b2 & (start >= 3) & iw[np.maximum(start - 3, 0)])
        mode, lang, min_left = a["mode"][term], a["lang"][term], a["min_left"][term]
        # the two letters before a hit inside a word: 'un' negates, 'ge' is a German participle
        at2 = np.flatnonzero(lp == 2)    # read the letters only where there are two
        two = np.full(term.size, -1, np.int64)
        two[at2] = ((codes[start[at2] - 2].astype(np.int64) & 255)
                    | ((codes[start[at2] - 1].astype(np.int64) & 255) << 8) | (2 << 48))
        un = two == _pack("un")
        ge = (two == _pack("ge")) & (lang == 0)
        left_ok = (lp == 0) | ((min_left > 0) & (lp >= min_left)) | ((mode != EXACT) & (mode != PHRASE) & (un | ge))
        sel = np.flatnonzero(left_ok)   # most raw hits sit inside other words: drop them early
        term, start, end, lp, un, mode, lang = term[sel], start[sel], end[sel], lp[sel], un[sel], mode[sel], lang[sel]
        deep = np.flatnonzero(lp >= 3)
        wstart = start - lp
        wstart[deep] = ctx.word_start(start[deep])
        lp = start - wstart
        wend = ctx.word_end(end)
        rp = wend - end
        suffix = np.where(rp == 0, 0, -1).astype(np.int64)
        short = np.flatnonzero((rp > 0) & (rp <= 6))
        if short.size:
            r = rp[short]
            # the ending's letters from the 8-letter window; the few endings with a non-ASCII
            # letter (marked 128 there) are packed letter by letter, as _pack does
            v = (ctx.window[end[short]] & _LOW_BYTES[r]).astype(np.int64) | (r << 48)
            odd = np.flatnonzero((v & 0x808080808080) != 0)
            if odd.size:
                ro, eo = r[odd], end[short][odd]
                w = ro << 48
                for k in range(int(ro.max())):
                    ch = codes[np.minimum(eo + k, codes.size - 1)].astype(np.int64)
                    w |= np.where(k < ro, np.minimum(ch, 255) << (8 * k), 0)
                v[odd] = w
            suffix[short] = v
        # (ending, language) as one key looked up in one sorted table: one binary search per hit
        keys = self._suffix_keys
        key = suffix * 2 + lang
        infl = (keys[np.minimum(np.searchsorted(keys, key), keys.size - 1)] == key) & ((lang == 0) | (lang == 1))
        # English "-d" inflects only a word ending in "e" ("arrive-d"), never "car" -> "card"
        infl &= ~((suffix == _D) & (lang == LANG_ID["en"]) & (codes[np.maximum(end - 1, 0)] != ord("e")))
        own_tail = suffix == a["tail"][term]
        compound_right = a["compound"][term] & (rp >= 3)
        if compound_right.any():
            compound_right &= self._compound_head(ctx, end, rp, a["tail"][term], compound_right)
        right_ok = np.select(
            [mode == EXACT, mode == PREFIX, mode == PHRASE],
            [rp == 0, np.ones(term.size, bool), infl],
            default=infl | own_tail | compound_right)
        ok = np.flatnonzero(right_ok)
        conf = np.where((lp == 0) & (rp == 0), 1.0, np.where(compound_right | (lp >= 3), 0.8, 0.9))
        return sel[ok], un[ok] & (lp[ok] == 2), conf[ok], wstart[ok], np.maximum(wend, end)[ok]


    def _compound_head(self, ctx: "Context", end, rp, tail, cand):
        """For candidate first-part hits: does a compound head follow?

        The keyword's own ending must begin there (the ``e`` of ``Karte`` in ``Kartenzahlung``,
        not in ``Kartoffel``; ``Warte|bereich`` for ``warten``), and what follows the ending
        and an optional linking ``s``/``n`` must not be a derivational suffix (``Wart|ung``).
        """
        idx = np.flatnonzero(cand)
        ok = np.zeros(cand.size, bool)
        if not idx.size:
            return ok
        codes = ctx.codes
        n = codes.size
        tl = np.where(tail[idx] < 0, 0, (tail[idx] >> 48) & 255)
        e = end[idx]
        # how much of its own ending follows: "Warte|bereich" keeps the "e" of "warten"
        matched = np.zeros(idx.size, np.int64)
        running = np.ones(idx.size, bool)
        for k in range(int(tl.max()) if tl.size else 0):
            ch = codes[np.minimum(e + k, n - 1)].astype(np.int64)
            want = (tail[idx] >> (8 * k)) & 255
            running &= (k < tl) & (np.minimum(ch, 255) == want)
            matched += running
        good = matched >= np.minimum(tl, 1)
        tl = matched
        start = e + tl
        bad = np.zeros(idx.size, bool)
        win = ctx.window
        for fuge in (0, 1):
            s0 = start + fuge
            if fuge:
                ch = codes[np.minimum(start, n - 1)]
                has = (ch == ord("s")) | (ch == ord("n"))
            else:
                has = np.ones(idx.size, bool)
            # the next 8 letters as one uint64: each derivation is then one masked comparison
            ahead = win[np.minimum(s0, n - 1)]
            for key, mask, length in self._derivation_keys:
                bad |= has & ((ahead & mask) == key) & (s0 + length <= e + rp[idx])
        # a head of four letters at least: "Sprit|zer" or "Kart|ell" is no compound
        ok[idx] = good & ~bad & (rp[idx] - tl >= _MIN_HEAD)
        return ok

    _derivations = tuple(fold(d) for d in DERIVATIONS)
    # (little-endian letters, mask of their bytes, length) per derivation; all ASCII, <= 8 letters
    _derivation_keys = tuple((np.uint64(int.from_bytes(d.encode("ascii"), "little")),
                              np.uint64((1 << (8 * len(d))) - 1), len(d)) for d in _derivations)


@dataclass
class Context:
    """Per-chunk arrays for word and clause arithmetic on the folded string.

    Parameters
    ----------
    codes, isword, nonword, word_starts, clause_pos, sentence_pos, small : ndarray
        Built by :meth:`build`, not by hand.

    Examples
    --------
    >>> from cjkit.coding import matcher as M
    >>> M.Context.build(M.fold_block(["a b"])).word_starts.tolist()
    [1, 3]
    """

    codes: np.ndarray
    isword: np.ndarray         # word character at position
    nonword: np.ndarray        # positions of non-word characters
    word_starts: np.ndarray    # positions where a word begins
    clause_pos: np.ndarray     # sorted positions of clause punctuation (incl. commas)
    sentence_pos: np.ndarray   # sorted positions of sentence punctuation
    small: np.ndarray = None   # uint8 per position: the ASCII code, 128 for any other character
    _padded: np.ndarray = field(default=None, repr=False)   # small plus 8 zero bytes

    @classmethod
    def build(cls, block: FoldedBlock) -> "Context":
        """Parameters
        ----------
        block : cjkit.coding.textnorm.FoldedBlock

        Returns
        -------
        Context

        Examples
        --------
        >>> from cjkit.coding import matcher as M
        >>> M.Context.build(M.fold_block(["ab, c"])).clause_pos.tolist()
        [3]
        """
        c = block.codes
        # 8 zero bytes after the text let :attr:`window` read 8 letters anywhere without a copy
        padded = np.empty(c.size + 8, np.uint8)
        padded[c.size:] = 0
        small = np.minimum(c, 128, out=padded[:c.size], casting="unsafe")
        # _WORD_LUT by comparisons (uint8 wrap-around: x - 97 < 26 is a-z): a table lookup per
        # character is several times slower
        # (in place into two scratch arrays: every temporary of the text's size costs page faults)
        t = small - np.uint8(97)
        isword = t < 26
        flag = np.less(np.subtract(small, np.uint8(48), out=t), 10)
        isword |= flag
        isword |= np.equal(small, 128, out=flag)
        nonword = np.flatnonzero(~isword)
        # a word starts at 0 or right after a non-word character (far fewer than characters)
        # (only the last non-word character can be the last character of the text)
        after = nonword[:nonword.size - int(nonword.size > 0 and nonword[-1] == c.size - 1)] + 1
        starts = after[isword[after]]
        if c.size and isword[0]:
            starts = np.r_[0, starts]
        # punctuation is rare: look up only the non-word characters that are no space
        punct = nonword[small[nonword] != ord(" ")]
        # positions, not flags per character: punctuation is rare
        kind = small[punct]
        return cls(c, isword, nonword, starts, punct[_CLAUSE_LUT[kind]], punct[_SENTENCE_LUT[kind]], small, padded)

    @functools.cached_property
    def window(self) -> np.ndarray:
        """Per position the next 8 characters as one little-endian uint64 (non-ASCII -> 128).

        A strided view over the padded bytes, no copy per position: comparing the letters at
        many positions with short words (stopwords, endings) is one gather and one comparison.
        """
        small = self.small
        pad = self._padded if self._padded is not None else np.concatenate([small, np.zeros(8, np.uint8)])
        return np.ndarray(shape=(small.size,), dtype="<u8", buffer=pad, strides=(1,))

    @functools.cached_property
    def _words_cum(self) -> np.ndarray:
        flags = np.zeros(self.codes.size + 1, bool)   # a byte per character, summed as int32
        flags[self.word_starts + 1] = True
        return np.cumsum(flags, dtype=np.int32)

    def nth_word_start(self, pos, n: int) -> np.ndarray:
        """The *n*-th word start at or after each position (``n >= 0``; beyond the last word
        the largest int64), or with ``n < 0`` the ``-n``-th before it (before the first, -1).

        ``words_before(x) - words_before(p) <= n`` is then ``x <= nth_word_start(p, n)`` for
        ``x >= p``: a word distance tested without counting the words of every position.

        Parameters
        ----------
        pos : array of int
        n : int

        Returns
        -------
        ndarray of int64

        Examples
        --------
        >>> from cjkit.coding import matcher as M
        >>> ctx = M.Context.build(M.fold_block(["aa bb cc dd"]))
        >>> ctx.nth_word_start([2], 1).tolist(), ctx.nth_word_start([7], -2).tolist()
        ([7], [1])
        """
        ws = self.word_starts
        q = np.searchsorted(ws, np.asarray(pos), side="left") + n
        ok = (q >= 0) & (q < ws.size)
        return np.where(ok, ws[np.clip(q, 0, max(ws.size - 1, 0))] if ws.size else 0,
                        np.iinfo(np.int64).max if n >= 0 else -1).astype(np.int64)

    def words_before(self, pos) -> np.ndarray:
        """Number of words that begin before each position in *pos*.

        Parameters
        ----------
        pos : array of int
            Folded offsets.

        Returns
        -------
        ndarray of int

        Examples
        --------
        >>> import numpy as np
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
        >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
        >>> scan.ctx.words_before([5, 11]).tolist()
        [1, 2]
        """
        pos = np.asarray(pos)
        if "_words_cum" not in self.__dict__ and pos.size * 64 < self.codes.size:
            # few positions: a binary search each beats a count table of the whole text
            return np.searchsorted(self.word_starts, pos, side="left").astype(np.int32)
        return self._words_cum[pos]

    def word_start(self, pos):
        """Start of the word each position in *pos* lies in (the position itself if it starts one).

        Parameters
        ----------
        pos : array of int

        Returns
        -------
        ndarray of int

        Examples
        --------
        >>> import numpy as np
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
        >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
        >>> scan.ctx.word_start([7]).tolist()
        [5]
        """
        pos = np.asarray(pos)
        out = pos.copy()
        inside = (pos > 0) & self.isword[np.maximum(pos - 1, 0)]
        if inside.any():
            k = np.searchsorted(self.nonword, pos[inside], side="left") - 1
            out[inside] = np.where(k >= 0, self.nonword[np.maximum(k, 0)] + 1, 0)
        return out

    def word_end(self, pos):
        """End (exclusive) of the word each position in *pos* lies in.

        Parameters
        ----------
        pos : array of int

        Returns
        -------
        ndarray of int

        Examples
        --------
        >>> import numpy as np
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
        >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
        >>> scan.ctx.word_end([7]).tolist()
        [11]
        """
        pos = np.asarray(pos)
        out = pos.copy()
        n = self.codes.size
        inside = (pos < n) & self.isword[np.minimum(pos, n - 1)]
        if inside.any():
            k = np.searchsorted(self.nonword, pos[inside], side="left")
            out[inside] = np.where(k < self.nonword.size, self.nonword[np.minimum(k, self.nonword.size - 1)], n)
        return out


@dataclass
class Scan:
    """Accepted hits of one chunk (folded offsets) plus what is needed to interpret them.

    Parameters
    ----------
    block, ctx : FoldedBlock, Context
        The scanned chunk.
    term, start, end, doc, neg_prefix, conf : ndarray
        Per hit: term row, folded span, text number, ``un-`` prefix, match confidence.
    arr : dict
        :meth:`TermTable.arrays` of the matcher.

    Examples
    --------
    >>> import numpy as np
    >>> from cjkit.coding import matcher as M
    >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
    >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
    >>> int(scan.term.size) > 0
    True
    """

    block: FoldedBlock
    ctx: Context
    term: np.ndarray
    start: np.ndarray
    end: np.ndarray
    doc: np.ndarray
    neg_prefix: np.ndarray
    conf: np.ndarray
    arr: dict

    def of_kind(self, kind: int) -> np.ndarray:
        """Indices of the hits of one kind (``CODE``, ``NEG``, ``STOP_DE`` ...).

        Parameters
        ----------
        kind : int

        Returns
        -------
        ndarray of int

        Examples
        --------
        >>> import numpy as np
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
        >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
        >>> scan.start[scan.of_kind(M.NEG)].tolist()
        [16]
        """
        return np.flatnonzero(self.arr["kind"][self.term] == kind)

    def _boundaries(self, punct: np.ndarray) -> np.ndarray:
        kind = self.arr["kind"][self.term]
        words = self.start[(kind == CLAUSE) | (kind == CONTRAST)]
        if not words.size:
            return punct
        # merge the few clause words into the sorted punctuation (no sort of all boundaries)
        words = np.unique(words).astype(np.int64)
        if not punct.size:
            return words
        i = np.searchsorted(punct, words)
        new = (i >= punct.size) | (punct[np.minimum(i, punct.size - 1)] != words)
        return np.insert(punct, i[new], words[new])

    @functools.cached_property
    def _clause_pos(self) -> np.ndarray:
        return self._boundaries(self.ctx.clause_pos)

    @functools.cached_property
    def _sentence_pos(self) -> np.ndarray:
        return self._boundaries(self.ctx.sentence_pos)

    def clause_positions(self) -> np.ndarray:
        """Sorted positions of clause boundaries: punctuation (with commas) and clause words.

        Returns
        -------
        ndarray of int

        Examples
        --------
        >>> import numpy as np
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
        >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
        >>> scan.clause_positions().tolist()
        [28, 30, 40, 45]
        """
        return self._clause_pos

    def clause_id(self, pos) -> np.ndarray:
        """Number of clause boundaries before *pos* (equal ids = same clause).

        Parameters
        ----------
        pos : array of int

        Returns
        -------
        ndarray of int

        Examples
        --------
        >>> import numpy as np
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
        >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
        >>> scan.clause_id(np.array([5, 35])).tolist()   # "aber" starts a new clause
        [0, 2]
        """
        return np.searchsorted(self._clause_pos, pos, side="right")

    def sentence_id(self, pos) -> np.ndarray:
        """Like :meth:`clause_id` but commas do not split (``Zimmer groß, sauber und ruhig``).

        Parameters
        ----------
        pos : array of int

        Returns
        -------
        ndarray of int

        Examples
        --------
        >>> import numpy as np
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
        >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
        >>> scan.sentence_id(np.array([5, 35])).tolist()
        [0, 1]
        """
        return np.searchsorted(self._sentence_pos, pos, side="right")

    def negated(self, h_start: np.ndarray, h_end: np.ndarray, prefix: np.ndarray | None = None,
                window: int = 2, post_window: int = 2) -> np.ndarray:
        """Whether spans ``[h_start, h_end)`` lie in the scope of a negation cue.

        Pre-scope: a cue at most *window* words before, same clause ("nicht sehr freundlich",
        "not helpful"). Post-scope (German verb-final): a cue at most *post_window* words
        after that ends its clause ("das Frühstück schmeckte nicht."). Cues inside a
        pseudo-negation ("nicht nur", "not only") do not count. An ``un-`` prefix
        (*prefix* True) flips the result once more.

        Parameters
        ----------
        h_start, h_end : array of int
            Folded spans.
        prefix : array of bool, optional
            Span starts with a negating ``un-``.
        window, post_window : int
            Words before / after the span a cue may stand.

        Returns
        -------
        ndarray of bool

        Examples
        --------
        >>> import numpy as np
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
        >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
        >>> scan.negated(np.array([22, 35]), np.array([28, 40])).tolist()   # "sauber", "ruhig"
        [True, False]
        """
        h_start = np.asarray(h_start, np.int64)
        h_end = np.asarray(h_end, np.int64)
        flag = np.zeros(h_start.size, bool) if prefix is None else np.asarray(prefix, bool).copy()
        cues = self.of_kind(NEG)
        pseudo = self.of_kind(PSEUDO)
        if cues.size and pseudo.size:
            ps = np.argsort(self.start[pseudo])
            p_start, p_end = self.start[pseudo][ps], self.end[pseudo][ps]
            j = np.searchsorted(p_start, self.start[cues], side="right") - 1
            inside = (j >= 0) & (p_end[np.maximum(j, 0)] > self.start[cues])
            cues = cues[~inside]
        if cues.size == 0 or h_start.size == 0:
            return flag
        order = np.argsort(self.start[cues])
        c_start, c_end = self.start[cues][order], self.end[cues][order]
        cpos = self.clause_positions()
        if cpos.size == 0:
            cpos = np.array([self.ctx.codes.size], np.int64)
        W = self.ctx.words_before
        # word distance first: few hits have a cue that near, only they need the clause tests
        j = np.searchsorted(c_end, h_start, side="right") - 1
        jj = np.maximum(j, 0)
        # (word counts as thresholds per cue: "at most *window* words between" is "starts no
        # later than the (window+1)-th word start after the cue", no lookup per hit)
        pre = (j >= 0) & (h_start <= self.ctx.nth_word_start(c_end, window)[jj])
        k = np.searchsorted(c_start, h_end, side="left")
        kk = np.minimum(k, c_start.size - 1)
        post = (k < c_start.size) & (h_end > self.ctx.nth_word_start(c_start, -post_window - 1)[kk])
        near = np.flatnonzero(pre | post)
        if not near.size:
            return flag
        h_clause = np.searchsorted(cpos, h_start[near], side="right")
        # pre-scope: a cue shortly before, same clause
        jj = jj[near]
        pre = pre[near] & (np.searchsorted(cpos, c_end[jj], side="right") == h_clause)
        # post-scope: the cue is the clause's last word
        kk = kk[near]
        nxt = cpos[np.minimum(np.searchsorted(cpos, c_end[kk], side="left"), cpos.size - 1)]
        post = (post[near] & (np.searchsorted(cpos, c_start[kk], side="right") == h_clause)
                & (W(np.maximum(nxt, c_end[kk])) == W(c_end[kk])))
        flag[near] ^= pre | post
        return flag

    def places(self, h_start, h_end, tp, placeable=None) -> tuple[np.ndarray, np.ndarray]:
        """Which code hits only name the place of another topic, and the scope of that topic.

        A hit right after a locative preposition (:data:`LOCATIVES`, at most :data:`PLACE_GAP`
        words between) in a clause that also names a touchpoint other than its own is a place,
        not a mention: in "WLAN im Zimmer geht nicht" and "the wifi in the room was down" the
        text is about the wifi. The topic's scope then runs over its place ("WLAN im Zimmer"),
        so a negation after the place still reaches it.

        Parameters
        ----------
        h_start, h_end : array of int
            Folded spans of the code hits.
        tp : array of int
            Touchpoint number of each hit's code, -1 for a code without touchpoint.
        placeable : array of bool, optional
            Whether each hit's code can be a place at all (default all): a website or a bill
            is a channel, so "booking on the website" names both.

        Returns
        -------
        (ndarray of bool, ndarray of int)
            Per hit: is it a mere place; the end of its scope (its own end, or the end of the
            place that follows it).

        Examples
        --------
        >>> import numpy as np
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); M.add_function_words(t); M.add_locatives(t)
        >>> t.add("WLAN", M.CODE, owner=0); t.add("Zimmer", M.CODE, owner=1)
        >>> scan = M.Matcher(t).scan(M.fold_block(["WLAN im Zimmer geht nicht"]))
        >>> c = scan.of_kind(M.CODE)
        >>> place, scope_end = scan.places(scan.start[c], scan.end[c], scan.arr["owner"][scan.term[c]])
        >>> place.tolist(), scope_end.tolist()     # Zimmer is a place; WLAN's scope is "WLAN im Zimmer"
        ([False, True], [15, 15])
        """
        h_start = np.asarray(h_start, np.int64)
        h_end = np.asarray(h_end, np.int64)
        tp = np.asarray(tp, np.int64)
        place = np.zeros(h_start.size, bool)
        scope_end = h_end.copy()
        loc = self.of_kind(LOC)
        if not loc.size or not h_start.size:
            return place, scope_end
        order = np.argsort(self.end[loc])
        l_start, l_end = self.start[loc][order], self.end[loc][order]
        W = self.ctx.words_before
        # cheap tests first: a touchpoint right after a preposition (most hits are not)
        j = np.searchsorted(l_end, h_start, side="right") - 1
        cand = np.flatnonzero((j >= 0) & (tp >= 0) & (True if placeable is None else np.asarray(placeable, bool)))
        cand = cand[h_start[cand] <= self.ctx.nth_word_start(l_end, PLACE_GAP)[j[cand]]]
        prep = l_start[j[cand]]
        clause = self.clause_id(h_start[cand])
        cand, prep, clause = (x[self.clause_id(prep) == clause] for x in (cand, prep, clause))
        if not cand.size:
            return place, scope_end
        # the hits of each candidate's clause: another touchpoint named there makes it a place
        bounds = np.concatenate([[0], self._clause_pos, [np.iinfo(np.int64).max]])   # clause k: [b[k], b[k+1])
        # only hits starting or ending in a candidate's clause matter: sort those, not all hits
        c_lo, c_hi = bounds[np.unique(clause)], bounds[np.unique(clause) + 1]
        near = self._in_ranges(h_start, c_lo, c_hi) | self._in_ranges(h_end, c_lo, c_hi, closed=True)
        sub = np.flatnonzero(near)
        by_start = sub[np.argsort(h_start[sub], kind="stable")]
        ss = h_start[by_start]
        lo = np.searchsorted(ss, bounds[clause], side="left")
        hi = np.searchsorted(ss, bounds[clause + 1], side="left")
        lens = hi - lo
        rep = np.repeat(np.arange(cand.size), lens)
        other = by_start[np.repeat(lo, lens) + np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens)]
        is_cand = np.zeros(h_start.size, bool)
        is_cand[cand] = True
        named = (tp[other] >= 0) & ~is_cand[other] & (tp[other] != tp[cand][rep])
        hit = np.bincount(rep[named], minlength=cand.size) > 0
        cand, prep, clause = cand[hit], prep[hit], clause[hit]
        place[cand] = True
        if cand.size:
            # the topic just before a place (nothing but the preposition between) spans it
            # the nearest end before the preposition counts only if the hit starts in its clause,
            # so hits ending outside every candidate clause cannot be it
            keep = np.flatnonzero(~place & near)
            kord = keep[np.argsort(h_end[keep], kind="stable")]
            k = np.searchsorted(h_end[kord], prep, side="right") - 1
            kk = kord[np.maximum(k, 0)]
            ok = (k >= 0) & (self.clause_id(h_start[kk]) == clause) & (W(prep) - W(h_end[kk]) == 0)
            np.maximum.at(scope_end, kk[ok], h_end[cand][ok])
        return place, scope_end

    @staticmethod
    def _in_ranges(pos, lo, hi, closed=False) -> np.ndarray:
        """Whether each position lies in one of the sorted, disjoint ranges ``[lo, hi)``
        (``[lo, hi]`` with *closed*)."""
        k = np.searchsorted(lo, pos, side="right") - 1
        kk = np.maximum(k, 0)
        return (k >= 0) & ((pos <= hi[kk]) if closed else (pos < hi[kk]))

    def doc_lang(self, n_docs: int) -> np.ndarray:
        """Per text 0 (German), 1 (English) or 2 (undetermined) from stopword hits and umlauts.

        Needs the stopwords in the automaton (``add_function_words(stopwords=True)``);
        :func:`cjkit.coding.stopwords.detect_lang` applies the same rule without them.

        Parameters
        ----------
        n_docs : int
            Number of texts in the chunk.

        Returns
        -------
        ndarray of int8

        Examples
        --------
        >>> import numpy as np
        >>> from cjkit.coding import matcher as M
        >>> t = M.TermTable(); M.add_function_words(t); t.add("Zimmer", M.CODE, owner=0)
        >>> scan = M.Matcher(t).scan(M.fold_block(["Das Zimmer war nicht sauber, aber ruhig. Gut", "the room"]))
        >>> scan.doc_lang(2).tolist()
        [0, 1]
        """
        de = np.bincount(self.doc[self.of_kind(STOP_DE)], minlength=n_docs)
        en = np.bincount(self.doc[self.of_kind(STOP_EN)], minlength=n_docs)
        return decide_lang(self.block, de, en, n_docs)


def decide_lang(block: FoldedBlock, de: np.ndarray, en: np.ndarray, n_docs: int) -> np.ndarray:
    """More German evidence (stopwords plus umlauts and ß) -> 0, more English -> 1, a tie -> 2."""
    de = de.astype(float)
    if block._sp_o.size:
        um = np.searchsorted(block.doc_start, block._sp_o, side="right") - 1
        de += np.bincount(um, minlength=n_docs)
    return np.where(de > en, 0, np.where(en > de, 1, 2)).astype(np.int8)
