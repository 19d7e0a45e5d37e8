"""Social-media conventions for sentiment: mentions, hashtags, emoji, capitals, "!!!", irony.

Short posts to a provider ("@DB_Bahn super, WLAN geht mal wieder nicht... #fail") carry their
polarity in conventions the lexicon alone does not read:

* an **@mention** names the addressee and is no content; web links neither: both are blanked
  before the scan (:func:`prepare_texts`); a **hashtag** is read as its words (``#fail`` as
  ``fail``, ``#BahnChaos`` as ``Bahn Chaos``); emoji glued to a word are set apart so that
  ``super😊`` is two tokens.
* **capitals** and **exclamation marks** intensify, with VADER's constants (Hutto & Gilbert 2014):
  a sentiment word written in capitals in a text that also has lower-case letters gains 0.733 in
  its direction (:func:`caps_words`); each ``!`` of a text (at most 4) adds 0.292 to the
  sentiment in its direction (:func:`exclamations`).
* **complaint markers** ("schon wieder", "mal wieder", "again", 🙄) turn praise in their
  reach into irony (:func:`ironic`): "super, geht mal wieder nicht" is a complaint. A marker with
  a negative valence in the lexicon ("schon wieder", "danke für nichts", 🙄) is a complaint on its
  own and makes every praise word of the text ironic; a marker of valence 0 ("mal wieder",
  "again": "mal wieder begeistert" is praise) does so only in a sentence that also holds a
  negative word or a negation that negates no sentiment word ("geht mal wieder nicht"), or when
  it is written in capitals ("cancelled AGAIN").

Examples
--------
>>> from cjkit.coding.social import prepare_texts
>>> prepare_texts(["@DB_Bahn super, WLAN geht nicht #fail #BahnChaos😡"])
['         super, WLAN geht nicht  fail  Bahn Chaos 😡 ']
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from cjkit.coding import matcher as M

CAPS_INCR = 0.733      # VADER: a sentiment word in capitals among lower-case text
EXCL_INCR = 0.292      # VADER: per exclamation mark, at most EXCL_MAX of them
EXCL_MAX = 4
MARKER = -2            # owner of a complaint-marker term in the term table (codes own 0, 1, ...)
SHOUTED_MARKER = -1.5  # valence of a marker of valence 0 written in capitals ("AGAIN"): a complaint

_MENTION = re.compile(r"@\w+")
_LINK = re.compile(r"https?://\S+|www\.\S+")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-zäöüß])(?=[A-ZÄÖÜ])")
# emoji and pictographs, with their variation selector, skin tone and joined parts
_EMOJI = re.compile("(?:[\u2600-\u27bf\u2b50\u2b55\U0001f000-\U0001faff][\ufe0f\U0001f3fb-\U0001f3ff]*"
                    "(?:\u200d[\u2600-\u27bf\U0001f000-\U0001faff][\ufe0f]?)*)+")
_SEP = "\x00"


def _blank_mention(m: re.Match) -> str:
    # "a@b.de" is an e-mail address, not a mention
    before = m.string[m.start() - 1] if m.start() else " "
    return m.group() if before.isalnum() or before in "._-" else " " * len(m.group())


def _prepare(text: str) -> str:
    text = _MENTION.sub(_blank_mention, text)
    text = _LINK.sub(lambda m: " " * len(m.group()), text)
    text = _HASHTAG.sub(lambda m: " " + _CAMEL.sub(" ", m.group(1)), text)
    return _EMOJI.sub(lambda m: f" {m.group()} ", text)


def _candidates(values: list) -> np.ndarray:
    """Texts that may hold a mention, hashtag, link or emoji, found on the UTF-8 bytes of all texts
    at once: "@", "#", "://" and "ww" (links), and the lead bytes of characters from U+2600 on
    (emoji and pictographs)."""
    raw = np.frombuffer((_SEP.join(values) + _SEP).encode("utf-8", "surrogatepass"), np.uint8)
    sep = np.flatnonzero(raw == 0)
    if sep.size != len(values):      # a text holds a NUL itself: look at every text
        return np.arange(len(values))
    cur, nxt = raw[:-1], raw[1:]
    hit = ((cur == ord("@")) | (cur == ord("#")) | (cur == 0xF0) | ((cur == 0xE2) & (nxt >= 0x98))
           | ((cur == ord(":")) & (nxt == ord("/"))) | ((cur == ord("w")) & (nxt == ord("w"))))
    return np.unique(np.searchsorted(sep, np.flatnonzero(hit)))


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _blank(text: str) -> str:
    text = _EMAIL.sub(lambda m: " " * len(m.group()), text)  # "info@firma.de" is no information
    text = _MENTION.sub(_blank_mention, text)
    text = _LINK.sub(lambda m: " " * len(m.group()), text)
    return _HASHTAG.sub(lambda m: " " + m.group(1), text)


def blank_handles(values: list) -> list:
    """Blank @mentions, e-mail addresses and links and drop the ``#`` of hashtags, keeping every
    character's position.

    For the rule coder, whose evidence spans point into the answer as written: "@DB_Info" names
    the addressee and must not code ``information``; "#Verspätung" is the word "Verspätung".

    Parameters
    ----------
    values : list of str

    Returns
    -------
    list of str
        One text per input text, each as long as its input.

    Examples
    --------
    >>> from cjkit.coding.social import blank_handles
    >>> blank_handles(["@DB_Info Zug fällt aus #Verspätung", "mail an info@firma.de"])
    ['         Zug fällt aus  Verspätung', 'mail an              ']
    """
    out = list(values)
    # on the rule coder's hot path: plain substring tests (cheaper than _candidates' byte scan, which
    # also looks for emoji); only the few texts with a marker go through the expressions
    for i, v in enumerate(out):
        if "@" in v or "#" in v or "://" in v or "www." in v:
            out[i] = _blank(v)
    return out


def prepare_texts(values: list) -> list:
    """Blank @mentions and links, read hashtags as words, set emoji apart.

    Parameters
    ----------
    values : list of str

    Returns
    -------
    list of str
        One text per input text.

    Examples
    --------
    >>> from cjkit.coding.social import prepare_texts
    >>> prepare_texts(["thanks @united for nothing https://t.co/x", "#Verspätung"])
    ['thanks         for nothing                 ', ' Verspätung']
    """
    out = list(values)
    if not out:
        return out
    for i in _candidates(out):     # only the few texts with a marker go through the expressions
        out[i] = _prepare(out[i])
    return out


def caps_words(scan: M.Scan, start: np.ndarray, end: np.ndarray, doc: np.ndarray) -> np.ndarray:
    """Which folded spans are written in capitals (2+ letters) in a text with lower-case letters.

    Parameters
    ----------
    scan : cjkit.coding.matcher.Scan
    start, end, doc : ndarray of int
        Folded spans and their text.

    Returns
    -------
    ndarray of bool

    Examples
    --------
    >>> import numpy as np
    >>> from cjkit.coding import matcher as M
    >>> from cjkit.coding.social import caps_words
    >>> t = M.TermTable(); t.add("=bad", M.SENT, lang="en")
    >>> scan = M.Matcher(t).scan(M.fold_block(["so BAD", "BAD", "so bad"]))
    >>> caps_words(scan, scan.start, scan.end, scan.doc).tolist()
    [True, False, False]
    """
    import pyarrow.compute as pc

    if start.size == 0:
        return np.zeros(0, bool)
    b = scan.block
    o_s, o_e = b.to_original(start), b.to_original(end, end=True)
    span = b.original_spans(o_s, o_e)
    upper = pc.utf8_is_upper(span).to_numpy(zero_copy_only=False) & (o_e - o_s >= 2)
    d_end = np.append(b.doc_start[1:] - 1, len(b.original))
    shouting = pc.utf8_is_upper(b.original_spans(b.doc_start, d_end)).to_numpy(zero_copy_only=False)
    # a text all in capitals shouts everywhere: no word stands out (VADER's rule)
    return upper & ~shouting[doc]


def exclamations(scan: M.Scan, n_docs: int) -> np.ndarray:
    """Exclamation marks per text, at most :data:`EXCL_MAX`.

    Parameters
    ----------
    scan : cjkit.coding.matcher.Scan
    n_docs : int

    Returns
    -------
    ndarray of int

    Examples
    --------
    >>> from cjkit.coding import matcher as M
    >>> from cjkit.coding.social import exclamations
    >>> scan = M.Matcher(M.TermTable()).scan(M.fold_block(["gut!!", "ok", "!!!!!!"]))
    >>> exclamations(scan, 3).tolist()
    [2, 0, 4]
    """
    pos = np.flatnonzero(scan.block.codes == ord("!"))
    doc = np.searchsorted(scan.block.doc_start_f, pos, side="right") - 1
    return np.minimum(np.bincount(doc, minlength=n_docs), EXCL_MAX)


def ironic(scan: M.Scan, marker: np.ndarray, start: np.ndarray, doc: np.ndarray, val: np.ndarray,
           free_cues: np.ndarray) -> np.ndarray:
    """Which sentiment hits are praise made ironic by a complaint marker (see the module text).

    Parameters
    ----------
    scan : cjkit.coding.matcher.Scan
    marker : ndarray of bool
        Per sentiment hit: is it a complaint marker.
    start, doc : ndarray of int
        Folded start and text of the sentiment hits.
    val : ndarray of float
        Their valence after negation.
    free_cues : ndarray of int
        Folded starts of the negation cues that negate no sentiment word: after a marker of
        valence 0 in its sentence they make it a complaint ("geht mal wieder nicht").

    Returns
    -------
    ndarray of bool

    Examples
    --------
    >>> from cjkit.coding.sentiment import score_sentiment
    >>> score_sentiment(["super, WLAN geht mal wieder nicht", "mal wieder super"], lang="de")["label"].tolist()
    ['negative', 'positive']
    """
    out = np.zeros(val.size, bool)
    if not marker.any():
        return out
    strong = marker & (val < 0)
    weak = np.flatnonzero(marker & (val == 0))
    praise = ~marker & (val > 0)
    out |= praise & np.isin(doc, doc[strong])
    if weak.size:
        sent = scan.sentence_id(start)
        complaint = np.isin(sent[weak], sent[~marker & (val < 0)])
        if free_cues.size:
            # a free cue after the marker, in its sentence ("mal wieder nicht", not "kaum ... wieder")
            c = np.sort(free_cues)
            k = np.searchsorted(c, start[weak], side="right")
            after = k < c.size
            complaint |= after & (scan.sentence_id(c[np.minimum(k, c.size - 1)]) == sent[weak])
        out |= praise & np.isin(sent, sent[weak][complaint])
    return out


def marker_rows(table: M.TermTable) -> pd.Series:
    """Complaint markers of a term table: label -> valence (for reading and tests).

    Parameters
    ----------
    table : cjkit.coding.matcher.TermTable

    Returns
    -------
    Series

    Examples
    --------
    >>> from cjkit.coding import matcher as M
    >>> from cjkit.coding.sentiment import add_lexicon
    >>> from cjkit.coding.social import marker_rows
    >>> t = M.TermTable(); add_lexicon(t)
    >>> float(marker_rows(t)["mal wieder"])
    0.0
    """
    rows = [i for i, o in enumerate(table.owner) if o == MARKER]
    return pd.Series([table.weight[i] for i in rows], index=[table.label[i] for i in rows]).groupby(level=0).first()
