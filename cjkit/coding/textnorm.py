"""Text normalisation for coding: case and umlaut folding, tokens, stems, compounds.

Folding makes ``Ä/ä`` and ``ae``, ``ß`` and ``ss``, ``é`` and ``e`` equal, so that a
codebook term written either way matches answers written either way. Because folding
changes lengths (``ä`` -> ``ae``), :func:`fold_block` keeps the few positions where the
length changes, so that a match found in folded text maps back to the exact span of the
original answer (the evidence a researcher reads).

Examples
--------
>>> from cjkit.coding.textnorm import fold, tokenize, split_compound
>>> fold("Frühstück im Straßencafé")
'fruehstueck im strassencafe'
>>> tokenize("Das Zimmer war nicht sauber!")
['das', 'zimmer', 'war', 'nicht', 'sauber']
>>> split_compound("rezeptionspersonal", {"rezeption", "personal"})
['rezeption', 'personal']
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import snowballstemmer

from cjkit.catalog.i18n import check_lang


# Special foldings that NFKD does not give (or gives differently from German convention).
_SPECIAL = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss", "æ": "ae", "œ": "oe",
            "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
            "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
            "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
            "\u00ab": '"', "\u00bb": '"', "\u2039": '"', "\u203a": '"',
            "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2015": "-", "\u2212": "-",
            "\u2026": "...", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
            "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": ""}


def _fold_char(ch: str) -> str:
    low = ch.lower() if len(ch.lower()) == 1 else ch
    if low in _SPECIAL:
        return _SPECIAL[low]
    if low == "\u0308":   # decomposed umlaut (u + diaeresis) folds like the composed one: ue
        return "e"
    if "\u0300" <= low <= "\u036f":  # other combining marks left by decomposed input
        return ""
    decomposed = unicodedata.normalize("NFKD", low)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base if base and len(base) <= 2 and base.isascii() else low


@functools.cache
def _fold_table() -> dict[int, str]:
    """Code point -> folded text, for every character whose folding is not plain ``lower()``."""
    table = {}
    for cp in list(range(0x80, 0x250)) + list(range(0x300, 0x370)) + [ord(c) for c in _SPECIAL]:
        ch = chr(cp)
        out = _fold_char(ch)
        if out != ch.lower() or len(ch.lower()) != 1:
            table[cp] = out
    table[0x130] = "i"  # 'İ'.lower() has two code points; keep one
    return table


def _fold_cp(cp: int) -> str:
    """Lower-cased and folded text of one character (as :func:`fold` folds it in a text)."""
    low = "i" if cp == 0x130 else chr(cp).lower()
    return _fold_table().get(ord(low), low) if len(low) == 1 else low


def fold(text: str) -> str:
    """Lower-case *text* and fold umlauts, ß, accents and typographic punctuation.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        Same meaning, comparable spelling: ``ü`` -> ``ue``, ``ß`` -> ``ss``, dashes -> ``-``.

    Examples
    --------
    >>> fold("Größe: GRÜN – „okay“")
    'groesse: gruen - "okay"'
    """
    return text.replace("\u0130", "I").lower().translate(_fold_table())


@dataclass
class FoldedBlock:
    """Many texts joined by ``\\n`` (each preceded by a space) and folded at once, with the
    map back to the originals.

    Attributes
    ----------
    original, folded : str
        The joined original and folded texts.
    doc_start, doc_start_f : ndarray
        Start offset of each text in ``original`` and in ``folded``.
    codes : ndarray of uint32
        Code points of ``folded`` (for vectorised boundary checks).

    Examples
    --------
    >>> from cjkit.coding.textnorm import fold_block
    >>> b = fold_block(["Maß", "ok"])
    >>> b.original, b.folded, b.doc_start.tolist(), b.doc_start_f.tolist()
    (' Maß\\n ok', ' mass\\n ok', [1, 6], [1, 7])
    """

    original: str
    folded: str
    doc_start: np.ndarray
    doc_start_f: np.ndarray
    codes: np.ndarray
    _sp_f: np.ndarray     # folded start of every char whose folded width is not 1
    _sp_o: np.ndarray     # its original index
    _sp_w: np.ndarray     # its folded width
    _sp_cum: np.ndarray   # cumulative (width - 1) up to and including it

    @staticmethod
    def _per_doc(marks: np.ndarray, starts: np.ndarray, cum: np.ndarray) -> tuple:
        """Per text: does it hold one of the sorted *marks*, and *cum* at the last mark before it."""
        first = np.searchsorted(marks, starts, side="left")
        has = first != np.r_[first[1:], marks.size]
        return has, np.where(first > 0, cum[np.maximum(first - 1, 0)], 0)

    @functools.cached_property
    def _fold_docs(self) -> tuple:
        return self._per_doc(self._sp_f, self.doc_start_f, self._sp_cum)

    def to_original(self, pos_f: np.ndarray, end: bool = False, doc=None) -> np.ndarray:
        """Map folded offsets to original offsets (``end=True`` for exclusive span ends).

        Parameters
        ----------
        pos_f : array of int
            Offsets in ``folded``.
        end : bool
            The offsets are exclusive span ends.
        doc : array of int, optional
            Text of each offset: offsets in texts without a widened character (most) are
            then shifted by their text's offset, with no search.

        Returns
        -------
        ndarray of int64

        Examples
        --------
        >>> from cjkit.coding.textnorm import fold_block
        >>> fold_block(["süß"]).to_original([1, 4], end=True).tolist()
        [1, 3]
        """
        p = np.asarray(pos_f, dtype=np.int64) - (1 if end else 0)
        if self._sp_f.size == 0:
            out = p
        elif doc is not None:
            has, base = self._fold_docs
            doc = np.asarray(doc)
            out = p - base[doc]
            odd = np.flatnonzero(has[doc])
            out[odd] = self.to_original(p[odd]) if odd.size else out[odd]
        else:
            k = np.searchsorted(self._sp_f, p, side="right") - 1
            kk = np.maximum(k, 0)
            inside = (k >= 0) & (p < self._sp_f[kk] + self._sp_w[kk])
            shift = np.where(k >= 0, self._sp_cum[kk], 0)
            out = np.where(inside, self._sp_o[kk], p - shift)
        return out + (1 if end else 0)

    @functools.cached_property
    def _utf8(self) -> tuple:
        """UTF-8 bytes of ``original``; for non-ASCII text also the character index of every
        multi-byte character and the running count of extra bytes (None for ASCII text)."""
        o = self.original
        if o.isascii():
            return np.frombuffer(o.encode("ascii"), np.uint8), None, None
        raw = np.frombuffer(o.encode("utf-8", "surrogatepass"), np.uint8)
        lead_pos = np.flatnonzero(raw >= 0xC0)          # first byte of each multi-byte character
        lead = raw[lead_pos]
        extra = 1 + (lead >= 0xE0).astype(np.int64) + (lead >= 0xF0)
        cum = np.cumsum(extra)
        return raw, lead_pos - (cum - extra), cum

    @functools.cached_property
    def _byte_docs(self) -> tuple:
        raw, lead_char, cum = self._utf8
        return self._per_doc(lead_char, self.doc_start, cum)

    def original_spans(self, start, end, doc=None):
        """The original text of each span ``[start, end)`` (offsets in ``original``).

        Built as one Arrow string array from the UTF-8 bytes, with no Python string per span:
        a large coding has hundreds of thousands of evidence spans.

        Parameters
        ----------
        start, end : array of int
            Offsets in ``original``.
        doc : array of int, optional
            Text of each span: spans in texts of ASCII only (most) then need no search.

        Returns
        -------
        pyarrow.LargeStringArray

        Examples
        --------
        >>> from cjkit.coding.textnorm import fold_block
        >>> b = fold_block(["Süßes Frühstück", "ok"])
        >>> b.original_spans([1, 7, 18], [6, 16, 20]).to_pylist()
        ['Süßes', 'Frühstück', 'ok']
        """
        import pyarrow as pa
        start = np.asarray(start, np.int64)
        end = np.asarray(end, np.int64)
        raw, lead_char, cum = self._utf8
        if lead_char is not None and doc is not None:
            has, base = self._byte_docs
            doc = np.asarray(doc)
            odd = np.flatnonzero(has[doc])
            s_odd, e_odd = start[odd], end[odd]
            start, end = start + base[doc], end + base[doc]
            k = np.searchsorted(lead_char, s_odd, side="left")
            start[odd] = s_odd + np.where(k > 0, cum[np.maximum(k - 1, 0)], 0)
            k = np.searchsorted(lead_char, e_odd, side="left")
            end[odd] = e_odd + np.where(k > 0, cum[np.maximum(k - 1, 0)], 0)
        elif lead_char is not None:   # character -> byte offset: add the extra bytes before it
            k = np.searchsorted(lead_char, start, side="left")
            start = start + np.where(k > 0, cum[np.maximum(k - 1, 0)], 0)
            k = np.searchsorted(lead_char, end, side="left")
            end = end + np.where(k > 0, cum[np.maximum(k - 1, 0)], 0)
        n = end - start
        offsets = np.zeros(n.size + 1, np.int64)
        np.cumsum(n, out=offsets[1:])
        # byte k of span i sits at start[i] + k: gather all spans' bytes in one indexing step
        # (32-bit positions where they fit: half the memory of the two helper arrays)
        it = np.int32 if raw.size < 2 ** 31 else np.int64
        pos = np.repeat((start - offsets[:-1]).astype(it), n)
        pos += np.arange(offsets[-1], dtype=it)
        data = raw[pos]
        return pa.LargeStringArray.from_buffers(n.size, pa.py_buffer(offsets), pa.py_buffer(data))


def fold_block(texts) -> FoldedBlock:
    """Fold a list of texts in one pass (C-level string operations plus numpy).

    Parameters
    ----------
    texts : list of str
        ``None`` is read as an empty text.

    Returns
    -------
    FoldedBlock

    Examples
    --------
    >>> b = fold_block(["Grüße", "ok"])
    >>> b.folded
    ' gruesse\\n ok'
    >>> b.to_original([4, 6]).tolist()   # 'e' of 'ue' -> 'ü'; second 's' of 'ss' -> 'ß'
    [3, 4]
    """
    if not isinstance(texts, list):
        texts = list(texts)
    # every text starts after a space: patterns of function words can then begin with " "
    # (the leading space joins with the first text: one copy of the (possibly huge) block)
    try:   # the join checks in C that every text is a str; anything else is converted first
        original = "\n ".join([" " + texts[0], *texts[1:]]) if texts else " "
    except TypeError:
        texts = ["" if t is None else str(t) for t in texts]
        original = "\n ".join([" " + texts[0], *texts[1:]])
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    doc_start = 1 + np.concatenate([[0], np.cumsum(lengths + 2)[:-1]]).astype(np.int64)
    # lower-case and fold on the code points with numpy: str.lower of a long text that holds
    # one wide character (an emoji) is several times slower than this
    cps = np.frombuffer(original.encode("utf-32-le"), dtype=np.uint32)
    nonascii = np.flatnonzero(cps >= 128)
    if (cps[nonascii] == 0x3A3).any():   # capital sigma lowers by context (final sigma): let str.lower decide
        cps = np.frombuffer(original.replace("\u0130", "I").lower().encode("utf-32-le"), dtype=np.uint32)
        nonascii = np.flatnonzero(cps >= 128)
    # (fresh arrays of the text's size cost page faults: few temporaries, in place where possible)
    low = cps.copy()
    # A-Z -> a-z, tested on the low byte only (a strided view, no copy): a non-ASCII character
    # whose low byte looks like A-Z is overwritten by its folding below anyway
    np.bitwise_or(low, np.uint32(32), out=low, where=(cps.view(np.uint8)[::4] - np.uint8(65)) < 26)
    sp_o = np.empty(0, np.int64)
    sp_w = np.empty(0, np.int64)
    if nonascii.size:
        uniq, inv = np.unique(cps[nonascii], return_inverse=True)
        reps = [_fold_cp(u) for u in uniq.tolist()]
        width = np.fromiter(map(len, reps), dtype=np.int64, count=len(reps))
        one = np.array([ord(r) if len(r) == 1 else 0 for r in reps], dtype=np.uint32)
        low[nonascii] = one[inv]
        special = width[inv] != 1
        sp_o = nonascii[special]
        sp_w = width[inv][special]
        if sp_o.size:
            # characters folded to 0, 2 or 3 letters (soft hyphen, ä -> ae, … -> ...): copy the
            # others to their shifted places, then write the letters of the widened ones
            at = sp_o + np.cumsum(sp_w - 1) - (sp_w - 1)    # folded start of each widened character
            rep_of = inv[special]
            letters = [np.array([ord(r[k]) if len(r) > k else 0 for r in reps], dtype=np.uint32)
                       for k in range(int(width.max()))]
            wide = sp_w >= 1
            if wide.any():
                low[sp_o[wide]] = letters[0][rep_of[wide]]   # the first letter stays in place
            # the other letters get slots of their own; every other character moves up
            extra = np.maximum(sp_w - 1, 0)
            dst = np.ones(low.size + int((sp_w - 1).sum()), bool)
            slot = np.repeat(at + 1, extra) + np.arange(int(extra.sum())) - np.repeat(np.cumsum(extra) - extra, extra)
            dst[slot] = False
            out = np.empty(dst.size, np.uint32)
            if wide.all():
                out[dst] = low
            else:   # characters folded to nothing (soft hyphen) are dropped
                src = np.ones(low.size, bool)
                src[sp_o[~wide]] = False
                out[dst] = low[src]
            for k in range(1, len(letters)):
                m = sp_w > k
                out[at[m] + k] = letters[k][rep_of[m]]
            low = out
    codes = low
    folded = str(codes.data, "utf-32-le")   # decoded from the buffer, no bytes copy
    delta = sp_w - 1
    sp_cum = np.cumsum(delta)
    sp_f = sp_o + sp_cum - delta
    if sp_o.size:
        k = np.searchsorted(sp_o, doc_start, side="left") - 1
        doc_start_f = doc_start + np.where(k >= 0, sp_cum[np.maximum(k, 0)], 0)
    else:
        doc_start_f = doc_start.copy()
    return FoldedBlock(original, folded, doc_start, doc_start_f, codes, sp_f, sp_o, sp_w, sp_cum)


_TOKEN = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")


def tokenize(text: str, *, folded: bool = True) -> list[str]:
    """Word tokens of *text* (folded unless ``folded=False``); hyphenated words stay whole.

    Parameters
    ----------
    text : str
    folded : bool
        Fold the tokens (see :func:`fold`).

    Returns
    -------
    list of str

    Examples
    --------
    >>> tokenize("Check-in: 5 Min., super!")
    ['check-in', '5', 'min', 'super']
    """
    return _TOKEN.findall(fold(text) if folded else text)


@functools.cache
def _stemmer(lang: str):
    check_lang(lang)
    return snowballstemmer.stemmer("german" if lang == "de" else "english")


def stem(word: str, lang: str = "de") -> str:
    """Snowball stem of one word, returned in folded spelling (``ü`` -> ``ue``).

    Parameters
    ----------
    word : str
    lang : {"de", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> stem("Freundlichkeit", "de"), stem("waiting", "en")
    ('freundlich', 'wait')
    """
    prefix, _ = term_stem(word, lang)
    return prefix


def stem_tokens(tokens, lang: str = "de") -> list[str]:
    """Stem a list of tokens (see :func:`stem`).

    Parameters
    ----------
    tokens : list of str
    lang : {"de", "en"}

    Returns
    -------
    list of str

    Examples
    --------
    >>> from cjkit.coding.textnorm import stem_tokens
    >>> stem_tokens(["Zimmer", "freundliche"], "de")
    ['zimm', 'freundlich']
    """
    return [stem(t, lang) for t in tokens]


_DEUMLAUT = str.maketrans({"ä": "a", "ö": "o", "ü": "u"})


@functools.cache
def term_stem(term: str, lang: str = "de", min_len: int = 4) -> tuple[str, str]:
    """Split a codebook word into (folded stem prefix, folded tail) for prefix matching.

    The Snowball stemmer rewrites letters (German ``ü`` -> ``u``, English ``y`` -> ``i``),
    so its stem is not always a prefix of the word. We keep the longest prefix of the word
    that the stem covers; a stem shorter than *min_len* is too ambiguous (``lage`` ->
    ``lag``), so the whole word is kept.

    Parameters
    ----------
    term : str
    lang : {"de", "en"}
    min_len : int
        Shortest stem kept as a prefix.

    Returns
    -------
    (str, str)
        Folded prefix to match, folded tail of the word.

    Examples
    --------
    >>> term_stem("Frühstück", "de"), term_stem("delivery", "en"), term_stem("Lage", "de")
    (('fruehstueck', ''), ('deliver', 'y'), ('lage', ''))
    """
    low = term.lower().replace("ß", "ss")
    stemmed = _stemmer(lang).stemWord(low)
    plain = low.translate(_DEUMLAUT)
    n = 0
    while n < min(len(stemmed), len(plain)) and stemmed[n] == plain[n]:
        n += 1
    if n < min_len:
        n = len(low)
    return fold(low[:n]), fold(low[n:])


# Inflection endings accepted after a stemmed codebook word.
SUFFIXES = {
    "de": ("", "e", "en", "em", "er", "es", "n", "s", "ns", "ens", "ern", "st", "t", "te", "ten",
           "tes", "et", "est", "ste", "sten", "ter", "tem", "n's"),
    # no "er"/"ers"/"ly": after a stem they make another word ("manage" -> "manager",
    # "friend" -> "friendly", "charge" -> "charger"); a codebook lists such forms itself.
    # "d" only follows an "e" ("arrive-d"; "car-d" is no form of "car", see the matcher)
    "en": ("", "s", "es", "ed", "d", "ing", "est", "y", "ies", "ied", "'s", "s'"),
}
# Linking elements between German compound parts ("Rezeption-s-personal", "Kunde-n-service").
FUGEN = ("", "s", "es", "n", "en", "e", "er", "ns")


def split_compound(word: str, vocabulary, *, min_part: int = 3) -> list[str]:
    """Split a German compound into parts from *vocabulary* (dynamic programming).

    Linking elements (``-s-``, ``-n-``, ``-en-`` ...) between parts are dropped. Returns
    ``[word]`` when no complete split exists. Prefers the split with the fewest parts.

    Parameters
    ----------
    word : str
    vocabulary : iterable of str
        Known parts (folded on the fly).
    min_part : int
        Shortest part.

    Returns
    -------
    list of str
        Folded parts.

    Examples
    --------
    >>> split_compound("Kundenservice", {"kunde", "service"})
    ['kunde', 'service']
    >>> split_compound("Lieferzeit", {"liefer", "zeit"})
    ['liefer', 'zeit']
    """
    w = fold(word)
    vocab = {fold(v) for v in vocabulary}
    n = len(w)
    best: list[list[str] | None] = [None] * (n + 1)
    best[n] = []
    for i in range(n - 1, -1, -1):
        for j in range(i + min_part, n + 1):
            part = w[i:j]
            if part not in vocab:
                continue
            for fuge in FUGEN:
                k = j + len(fuge)
                if k <= n and w[j:k] == fuge and best[k] is not None:
                    cand = [part] + best[k]
                    if best[i] is None or len(cand) < len(best[i]):
                        best[i] = cand
    return best[0] if best[0] else [w]
