"""Sentiment of responses and coded spans, German and English, with no download at run time.

A curated lexicon per language (``cjkit/data/lexicons/sentiment_<lang>.yaml``, valence -3..+3
as in VADER) is scanned together with negation cues, intensifiers and contrast words in one
Aho-Corasick pass (:mod:`cjkit.coding.matcher`). Rules follow VADER (Hutto & Gilbert 2014): a negated
word counts -0.74 times, an intensifier multiplies the next word, after a contrast word
("aber", "but") sentiment weighs 1.5, before it 0.5, and the sum is normalised to
``s / sqrt(s**2 + 15)`` in [-1, 1]. For English, ``method="vader"`` uses the installed
vaderSentiment package instead.

Examples
--------
>>> from cjkit.coding.sentiment import score_sentiment
>>> score_sentiment(["Das Personal war nicht freundlich.", "Super Frühstück!"])["label"].tolist()
['negative', 'positive']
"""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from cjkit.catalog.config import DATA, read_yaml
from cjkit.catalog.i18n import LANGS, check_lang
from cjkit.coding import matcher as M
from cjkit.coding.texts import lang_codes, string_ids, text_input
from cjkit.errors import DataError, ParameterError

NEGATION_SCALAR = -0.74   # VADER's factor for a negated word
ALPHA = 15.0              # VADER's normalisation constant
THRESHOLD = 0.05          # |compound| below this is neutral (VADER convention)


@functools.cache
def _lexicon_terms(lang: str) -> dict:
    return read_yaml(DATA / "lexicons" / f"sentiment_{lang}.yaml")["terms"]


def lexicon(lang: str = "de") -> pd.DataFrame:
    """The shipped sentiment lexicon: columns term, valence, lang.

    Parameters
    ----------
    lang : {"de", "en"}

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> lexicon("de").query("term == 'freundlich'")["valence"].item()
    2.0
    """
    check_lang(lang)
    terms = _lexicon_terms(lang)
    return pd.DataFrame({"term": list(terms), "valence": [float(v) for v in terms.values()],
                         "lang": lang})


def add_lexicon(table: M.TermTable) -> None:
    """Add both lexicons to a term table (used by the rule coder for span polarity).

    Parameters
    ----------
    table : cjkit.coding.matcher.TermTable
        Gets one sentiment term per lexicon entry, changed in place.

    Returns
    -------
    None

    Examples
    --------
    >>> from cjkit.coding import matcher
    >>> from cjkit.coding.sentiment import add_lexicon, lexicon
    >>> t = matcher.TermTable()
    >>> add_lexicon(t)
    >>> len(t.label) >= len(lexicon("de")) + len(lexicon("en"))
    True
    """
    for lang in LANGS:
        for term, val in _lexicon_terms(lang).items():
            table.add(term, M.SENT, lang=lang, weight=float(val))


@functools.cache
def _matcher() -> M.Matcher:
    table = M.TermTable()
    M.add_function_words(table)
    add_lexicon(table)
    return M.Matcher(table)


def sentiment_hits(scan: M.Scan, doc_lang: np.ndarray) -> pd.DataFrame:
    """Scored sentiment words of one scan: doc, start, end (folded), valence after rules.

    Parameters
    ----------
    scan : cjkit.coding.matcher.Scan
        A scan with sentiment terms (see :func:`add_lexicon`).
    doc_lang : ndarray of int8
        Language code per text (0 de, 1 en, 2 undetermined: both lexicons count).

    Returns
    -------
    DataFrame
        doc, start, end, valence (negation, intensifiers and contrast applied).

    Examples
    --------
    >>> import numpy as np
    >>> from cjkit.coding import matcher
    >>> from cjkit.coding.sentiment import add_lexicon, sentiment_hits
    >>> t = matcher.TermTable(); matcher.add_function_words(t); add_lexicon(t)
    >>> scan = matcher.Matcher(t).scan(matcher.fold_block(["nicht freundlich"]))
    >>> sentiment_hits(scan, np.array([0], np.int8))["valence"].round(2).tolist()
    [-1.48]
    """
    a = scan.arr
    idx = scan.of_kind(M.SENT)
    lang = a["lang"][scan.term[idx]]
    idx = idx[(doc_lang[scan.doc[idx]] == 2) | (doc_lang[scan.doc[idx]] == lang)]
    start, end, doc = scan.start[idx], scan.end[idx], scan.doc[idx]
    # a phrase ("zu teuer", "kein problem") absorbs the words inside it
    order = np.lexsort((-(end - start), start))
    start, end, doc, idx = start[order], end[order], doc[order], idx[order]
    prev_max = np.concatenate([[-1], np.maximum.accumulate(end)[:-1]])
    keep = ~(end <= prev_max)
    start, end, doc, idx = start[keep], end[keep], doc[keep], idx[keep]
    val = a["weight"][scan.term[idx]].copy()
    val[scan.negated(start, end, scan.neg_prefix[idx])] *= NEGATION_SCALAR
    ints = scan.of_kind(M.INTENS)
    if ints.size and val.size:
        o = np.argsort(scan.end[ints])
        i_end, i_w, i_doc = scan.end[ints][o], a["weight"][scan.term[ints]][o], scan.doc[ints][o]
        j = np.searchsorted(i_end, start, side="right") - 1
        jj = np.maximum(j, 0)
        W = scan.ctx.words_before
        near = (j >= 0) & (i_doc[jj] == doc) & (W(start) - W(i_end[jj]) <= 1)
        val = np.where(near, val * i_w[jj], val)
    con = scan.of_kind(M.CONTRAST)
    if con.size and val.size:
        first = pd.Series(scan.start[con]).groupby(scan.doc[con]).min()
        pos = first.reindex(doc).to_numpy(dtype=float)
        has = ~np.isnan(pos)
        val = np.where(has & (start < pos), val * 0.5, np.where(has & (start > pos), val * 1.5, val))
    return pd.DataFrame({"doc": doc, "start": start, "end": end, "valence": val})


def span_polarity(scan: M.Scan, hits: pd.DataFrame, start: np.ndarray) -> np.ndarray:
    """-1/0/+1 per span: sign of the sentiment in its clause, else in its sentence.

    Parameters
    ----------
    scan : cjkit.coding.matcher.Scan
    hits : DataFrame
        From :func:`sentiment_hits` on the same scan.
    start : ndarray of int
        Folded start offsets of the spans.

    Returns
    -------
    ndarray of int8

    Examples
    --------
    >>> import numpy as np
    >>> from cjkit.coding import matcher
    >>> from cjkit.coding.sentiment import add_lexicon, sentiment_hits, span_polarity
    >>> t = matcher.TermTable(); matcher.add_function_words(t); add_lexicon(t)
    >>> scan = matcher.Matcher(t).scan(matcher.fold_block(["Zimmer schmutzig. Bad toll"]))
    >>> hits = sentiment_hits(scan, np.array([0], np.int8))
    >>> span_polarity(scan, hits, np.array([1, 19])).tolist()
    [-1, 1]
    """
    out = np.zeros(len(start), dtype=np.int8)
    if hits.empty or len(start) == 0:
        return out
    for ids in (scan.clause_id, scan.sentence_id):
        hid = ids(hits["start"].to_numpy())
        sid = ids(np.asarray(start))
        n = int(max(hid.max(), sid.max())) + 1
        sums = np.bincount(hid, weights=hits["valence"].to_numpy(), minlength=n)
        sign = np.sign(sums[sid]).astype(np.int8)
        out = np.where(out == 0, sign, out)
    return out


def score_sentiment(texts, *, text_col: str = "text", id_cols=None, lang: str = "auto",
                    method: str = "lexicon", chunk_size: int = 100_000) -> pd.DataFrame:
    """Sentiment per response.

    Parameters
    ----------
    texts : DataFrame, Series or list of str
    text_col, id_cols : as in :func:`cjkit.coding.coder.code_texts`.
    lang : {"auto", "de", "en"}
        ``auto`` detects the language per response (stopwords, umlauts); undetermined short
        answers are scored with both lexicons.
    method : {"lexicon", "vader"}
        ``vader`` scores English responses with vaderSentiment (German stays lexicon).

    Returns
    -------
    DataFrame
        id columns, ``lang`` (de|en|und), ``sentiment`` (-1..1), ``label``
        (negative|neutral|positive), ``n_positive``, ``n_negative`` (sentiment words),
        ``has_text`` (False for empty answers, which are not "neutral" opinions).

    Examples
    --------
    >>> score_sentiment(pd.Series(["not helpful at all", "very friendly staff"]))["sentiment"].round(2).tolist()
    [-0.34, 0.59]
    """
    if method not in ("lexicon", "vader"):
        raise ParameterError("method", method, allowed=["lexicon", "vader"])
    values, ids = text_input(texts, text_col, id_cols)
    n = len(values)
    total = np.zeros(n)
    npos = np.zeros(n, np.int64)
    nneg = np.zeros(n, np.int64)
    langs = np.full(n, 2, np.int8)
    for off, scan in M.iter_scans(values, _matcher(), chunk_size):
        k = scan.block.doc_start.size
        dl = lang_codes(lang, k, scan.doc_lang(k) if lang == "auto" else None)
        hits = sentiment_hits(scan, dl)
        d, v = hits["doc"].to_numpy(), hits["valence"].to_numpy()
        total[off:off + k] = np.bincount(d, weights=v, minlength=k)
        npos[off:off + k] = np.bincount(d[v > 0], minlength=k)
        nneg[off:off + k] = np.bincount(d[v < 0], minlength=k)
        langs[off:off + k] = dl
    compound = total / np.sqrt(total ** 2 + ALPHA)
    if method == "vader":
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
        sia = SentimentIntensityAnalyzer()
        for i in np.flatnonzero(langs == 1):
            compound[i] = sia.polarity_scores(values[i])["compound"]
    out = string_ids(ids.copy())
    out["lang"] = pd.array(np.array(["de", "en", "und"])[langs], dtype="string")
    out["sentiment"] = compound
    out["label"] = pd.array(np.where(compound >= THRESHOLD, "positive",
                                     np.where(compound <= -THRESHOLD, "negative", "neutral")), dtype="string")
    out["n_positive"] = npos
    out["n_negative"] = nneg
    out["has_text"] = np.fromiter((bool(v.strip()) for v in values), dtype=bool, count=n)
    return out


def agreement_with_rating(scores: pd.DataFrame, rating, *, scale=(1, 5),
                          sentiment_col: str = "sentiment") -> pd.DataFrame:
    """How text sentiment and a rating of the same response agree.

    The rating is cut into thirds of its scale (low/middle/high, e.g. 1-2/3/4-5 on 1..5,
    0-6/7-8/9-10 is *not* used: thirds keep the rule scale-free) and compared with the
    sentiment label; Spearman's rho uses the raw values.

    Parameters
    ----------
    scores : DataFrame
        Output of :func:`score_sentiment`.
    rating : str or array-like
        Column of *scores* or values aligned with its rows; NaN ratings and empty answers
        are left out (``n`` counts the pairs used).
    scale : (min, max)

    Returns
    -------
    DataFrame
        Rows metric/value/n: ``spearman_rho``, ``p_value``, ``exact_agreement`` (share with
        same band), ``cohen_kappa`` (bands), ``opposite`` (share positive text with low
        rating or negative text with high rating).

    Examples
    --------
    >>> s = score_sentiment(["toll", "schlecht", "Zimmer zum Hof"])
    >>> float(agreement_with_rating(s, [5, 1, 3]).set_index("metric").loc["exact_agreement", "value"])
    1.0
    """
    from scipy.stats import spearmanr
    from sklearn.metrics import cohen_kappa_score

    r = scores[rating] if isinstance(rating, str) else pd.Series(np.asarray(rating, float), index=scores.index)
    r = pd.to_numeric(r, errors="coerce").astype(float)
    lo, hi = scale
    if ((r < lo) | (r > hi)).any():
        bad = int(np.flatnonzero(((r < lo) | (r > hi)).to_numpy())[0]) + 1
        raise DataError(f"rating outside the scale {lo}..{hi}", row=bad,
                        column=rating if isinstance(rating, str) else "rating")
    ok = r.notna().to_numpy().copy()
    if "has_text" in scores.columns:   # an empty answer says nothing about agreement
        ok &= scores["has_text"].to_numpy(dtype=bool)
    s = scores[sentiment_col].to_numpy(float)[ok]
    rv = r.to_numpy()[ok]
    third = (hi - lo) / 3
    r_band = np.where(rv < lo + third, -1, np.where(rv > hi - third, 1, 0))
    s_band = np.where(s >= THRESHOLD, 1, np.where(s <= -THRESHOLD, -1, 0))
    n = int(ok.sum())
    rho, p = spearmanr(s, rv) if n > 2 else (np.nan, np.nan)
    kappa = cohen_kappa_score(r_band, s_band) if n and len(set(r_band) | set(s_band)) > 1 else np.nan
    rows = [("spearman_rho", rho), ("p_value", p), ("exact_agreement", float(np.mean(r_band == s_band)) if n else np.nan),
            ("cohen_kappa", kappa), ("opposite", float(np.mean(r_band * s_band == -1)) if n else np.nan)]
    return pd.DataFrame({"metric": [m for m, _ in rows], "value": [float(v) for _, v in rows], "n": n})
