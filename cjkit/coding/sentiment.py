"""Sentiment of responses and coded spans, German and English, with no download at run time.

A curated lexicon per language (``cjkit/data/lexicons/sentiment_<lang>.yaml``, valence -3..+3
as in VADER) is scanned together with negation cues, intensifiers and contrast words in one
Aho-Corasick pass (:mod:`cjkit.coding.matcher`). Rules follow VADER (Hutto & Gilbert 2014): a negated
word counts -0.74 times (the negation's scope ends at the clause), an intensifier or downtoner
multiplies the next word ("sehr", "very" 1.3; "etwas", "slightly" below 1), after a contrast word
("aber", "jedoch", "but", "however") sentiment weighs 1.5, before it 0.5. Each clause's sum is
normalised to ``s / sqrt(s**2 + 2)`` and the text polarity is the mean over the clauses with
sentiment words (weights 0.5 before and 1.5 after a contrast word); ``|polarity| < 0.2`` is neutral. For English, ``method="vader"`` uses the
installed vaderSentiment package instead.

Where ratings stand beside the comments, :func:`fit_sentiment` learns the survey's own polarity
from them (TF-IDF + lexicon features, logistic regression, cross-validated).

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

from cjkit.catalog.i18n import check_lang
from cjkit.coding import matcher as M
from cjkit.coding import social
from cjkit.coding.lexicons import add_lexicon, lexicon_terms
from cjkit.coding.texts import lang_codes, majority_language, scan_languages, string_ids, text_input
from cjkit.errors import DataError, ParameterError

NEGATION_SCALAR = -0.74   # VADER's factor for a negated word
ALPHA = 15.0              # VADER's normalisation constant
THRESHOLD = 0.05          # |compound| below this is neutral (VADER convention)
CLAUSE_ALPHA = 2.0        # normalisation of one clause's valence sum
CLAUSE_THRESHOLD = 0.2    # |text polarity| below this is neutral with clause aggregation
CONTRAST_BEFORE = 0.5     # weight of sentiment before a contrast word ("but", "aber"), VADER's value
CONTRAST_AFTER = 1.5      # weight after it


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
    terms = lexicon_terms(lang)
    return pd.DataFrame({"term": list(terms), "valence": [float(v) for v in terms.values()],
                         "lang": lang})


@functools.cache
def _matcher() -> M.Matcher:
    table = M.TermTable()
    # stopwords are counted on the words themselves (detect_lang): as terms they would slow the scan
    M.add_function_words(table, stopwords=False)
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
    # a phrase ("zu teuer", "kein problem") absorbs the words inside it; of two terms on the
    # same span the exact one wins ("=schaden" 0 over the inflected "schade")
    order = np.lexsort((a["mode"][scan.term[idx]] != M.EXACT, -(end - start), start))
    start, end, doc, idx = start[order], end[order], doc[order], idx[order]
    prev_max = np.concatenate([[-1], np.maximum.accumulate(end)[:-1]])
    keep = ~(end <= prev_max)
    start, end, doc, idx = start[keep], end[keep], doc[keep], idx[keep]
    val = a["weight"][scan.term[idx]].copy()
    # a word in capitals among lower-case text is shouted (VADER: +0.733 in its direction)
    caps = social.caps_words(scan, start, end, doc)
    val += np.sign(val) * social.CAPS_INCR * caps
    marker = a["owner"][scan.term[idx]] == social.MARKER
    val[marker & caps & (val == 0)] = social.SHOUTED_MARKER     # "cancelled AGAIN"
    # an emoji states the writer's mood; a preceding "not"/"nie" belongs to the words, not to it
    symbol = np.fromiter((not chr(c).isalnum() for c in scan.block.codes[start]), dtype=bool, count=start.size)
    # nor does it negate a complaint marker: "nicht schon wieder!" is the complaint itself
    negated, free_cues = _negated(scan, start, end, scan.neg_prefix[idx], symbol | marker)
    val[negated] *= NEGATION_SCALAR
    # praise next to a complaint marker is irony ("super, geht mal wieder nicht")
    val[social.ironic(scan, marker, start, doc, val, free_cues)] *= -1.0
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
        val = np.where(has & (start < pos), val * CONTRAST_BEFORE, np.where(has & (start > pos), val * CONTRAST_AFTER, val))
    keep = val != 0     # a marker of valence 0 only changes its neighbours
    return pd.DataFrame({"doc": doc[keep], "start": start[keep], "end": end[keep], "valence": val[keep]})


def _negated(scan: M.Scan, start: np.ndarray, end: np.ndarray, prefix: np.ndarray, immune: np.ndarray) -> tuple:
    """:meth:`~cjkit.coding.matcher.Scan.negated` with the cue in the word's own clause.

    A cue right before a comma or full stop ("funktioniert nicht. Nervt echt") is counted
    with the clause after it by the scope test; here a word is only negated by a cue that
    starts in its clause and is not part of a sentiment phrase ("geht nicht", "kein problem")
    or a pseudo-negation ("nicht nur"), which have spent it. *immune* hits (emoji, complaint
    markers) are never negated.

    Returns the flags and the starts of the free cues (those that negate no sentiment word).
    """
    cues = scan.start[scan.of_kind(M.NEG)]
    spent = np.zeros(cues.size, bool)
    for s, e in ((start, end), (scan.start[scan.of_kind(M.PSEUDO)], scan.end[scan.of_kind(M.PSEUDO)])):
        if s.size:
            o = np.argsort(s, kind="stable")
            j = np.searchsorted(s[o], cues, side="right") - 1
            spent |= (j >= 0) & (np.maximum.accumulate(e[o])[np.maximum(j, 0)] > cues)
    cues = cues[~spent]
    raw = scan.negated(start, end) & np.isin(scan.clause_id(start), scan.clause_id(cues)) & ~immune
    free = cues[~np.isin(scan.clause_id(cues), scan.clause_id(start[raw]))]
    return (raw ^ np.asarray(prefix, bool)) & ~immune, free


def span_polarity(scan: M.Scan, hits: pd.DataFrame, start: np.ndarray, negated: np.ndarray | None = None) -> np.ndarray:
    """-1/0/+1 per span: sign of the sentiment in its clause, else in its sentence.

    A *negated* span whose clause holds no sentiment word is -1 before the sentence is looked at:
    in "Hotline erreicht man nicht, Personal freundlich" the praise belongs to the staff.

    Parameters
    ----------
    scan : cjkit.coding.matcher.Scan
    hits : DataFrame
        From :func:`sentiment_hits` on the same scan.
    start : ndarray of int
        Folded start offsets of the spans.
    negated : ndarray of bool, optional
        Spans in the scope of a negation.

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
    neg = np.zeros(len(start), bool) if negated is None else np.asarray(negated, bool)
    if hits.empty or len(start) == 0:
        return np.where(neg, -1, out).astype(np.int8)
    for level, ids in enumerate((scan.clause_id, scan.sentence_id)):
        hid = ids(hits["start"].to_numpy())
        sid = ids(np.asarray(start))
        n = int(max(hid.max(), sid.max())) + 1
        sums = np.bincount(hid, weights=hits["valence"].to_numpy(), minlength=n)
        sign = np.sign(sums[sid]).astype(np.int8)
        out = np.where(out == 0, sign, out)
        if level == 0:  # a negated mention without sentiment in its clause ("kein WLAN") is negative
            out = np.where((out == 0) & neg, -1, out)
    return out.astype(np.int8)


def _clause_polarity(scan: M.Scan, hits: pd.DataFrame, k: int, emphasis: np.ndarray) -> np.ndarray:
    """Text polarity = weighted mean of the normalised polarities of the clauses with sentiment
    words; a text's *emphasis* ("!!!") is added to each clause sum in its direction."""
    if hits.empty:
        return np.zeros(k)
    d, v = hits["doc"].to_numpy(), hits["valence"].to_numpy()
    _, inv = np.unique(scan.clause_id(hits["start"].to_numpy()), return_inverse=True)
    csum = np.bincount(inv, weights=v)
    cdoc = np.zeros(csum.size, np.int64)
    cdoc[inv] = d
    csum += np.sign(csum) * emphasis[cdoc]
    cstart = np.zeros(csum.size, np.int64)
    cstart[inv] = hits["start"].to_numpy()
    cpol = csum / np.sqrt(csum ** 2 + CLAUSE_ALPHA)
    w = np.ones(csum.size)
    con = scan.of_kind(M.CONTRAST)
    if con.size:    # the clause after the (first) contrast word weighs 1.5, the one before 0.5
        first = pd.Series(scan.start[con]).groupby(scan.doc[con]).min().reindex(cdoc).to_numpy(dtype=float)
        w = np.where(np.isnan(first), 1.0, np.where(cstart < first, CONTRAST_BEFORE, CONTRAST_AFTER))
    num = np.bincount(cdoc, weights=w * cpol, minlength=k)
    n = np.bincount(cdoc, weights=w, minlength=k)
    return num / np.where(n > 0, n, 1)


def score_sentiment(texts, *, text_col: str = "text", id_cols=None, lang: str = "auto",
                    method: str = "lexicon", aggregate: str = "clause", threshold: float | None = None,
                    chunk_size: int = 100_000) -> pd.DataFrame:
    """Sentiment per response.

    Parameters
    ----------
    texts : DataFrame, Series or list of str
    text_col, id_cols : as in :func:`cjkit.coding.coder.code_texts`.
    lang : {"auto", "de", "en"}
        ``auto`` detects the language per response with :func:`cjkit.coding.texts.guess_languages`
        (stopwords and umlauts; on a tie the lexicon with more words in the response: "not
        bad at all" is English; with no evidence at all the majority language of the
        responses scored together, ``und`` when they tie and for empty answers). A response
        without evidence of its own is scored with both lexicons.
    method : {"lexicon", "vader"}
        ``vader`` scores English responses with vaderSentiment (German stays lexicon).
    aggregate : {"clause", "text"}
        ``clause`` (default): each clause's valence sum is normalised to
        ``s / sqrt(s**2 + 2)`` and the text polarity is the mean over the clauses that hold
        sentiment words (weights 0.5 before and 1.5 after a contrast word), so one strong clause does not drown a mixed answer; ``text``: the
        VADER-style sum over the whole text, ``s / sqrt(s**2 + 15)``.
    threshold : float, optional
        Neutral band: ``|sentiment| < threshold`` is neutral. Default 0.2 for ``clause``
        (chosen on development rows: German hotel train/dev, English reviews outside the
        benchmark sample), 0.05 for ``text`` and VADER (VADER's convention).

    Returns
    -------
    DataFrame
        id columns, ``lang`` (de|en|und), ``sentiment`` (-1..1), ``label``
        (negative|neutral|positive), ``n_positive``, ``n_negative`` (sentiment words),
        ``has_text`` (False for empty answers, which are not "neutral" opinions).

    Notes
    -----
    Social-media conventions are read as in :mod:`cjkit.coding.social`: @mentions and links
    are no content, hashtags are words, capitals and "!" intensify (VADER's constants), and
    praise beside a complaint marker ("super, WLAN geht mal wieder nicht") is irony.

    Examples
    --------
    >>> score_sentiment(pd.Series(["not helpful at all", "very friendly staff"]))["sentiment"].round(2).tolist()
    [-0.71, 0.9]
    >>> score_sentiment(["Zimmer ok, aber das Personal war sehr unfreundlich"])["label"].tolist()
    ['negative']
    """
    if method not in ("lexicon", "vader"):
        raise ParameterError("method", method, allowed=["lexicon", "vader"])
    if aggregate not in ("clause", "text"):
        raise ParameterError("aggregate", aggregate, allowed=["clause", "text"])
    values, ids = text_input(texts, text_col, id_cols)
    prepared = social.prepare_texts(values)
    n = len(values)
    total = np.zeros(n)
    npos = np.zeros(n, np.int64)
    nneg = np.zeros(n, np.int64)
    langs = np.full(n, 2, np.int8)
    for off, scan in M.iter_scans(prepared, _matcher(), chunk_size):
        k = scan.block.doc_start.size
        dl = lang_codes(lang, k, scan_languages(scan, k) if lang == "auto" else None)
        hits = sentiment_hits(scan, dl)
        d, v = hits["doc"].to_numpy(), hits["valence"].to_numpy()
        emphasis = social.EXCL_INCR * social.exclamations(scan, k)
        if aggregate == "clause":
            total[off:off + k] = _clause_polarity(scan, hits, k, emphasis)
        else:
            t = np.bincount(d, weights=v, minlength=k)
            total[off:off + k] = t + np.sign(t) * emphasis
        npos[off:off + k] = np.bincount(d[v > 0], minlength=k)
        nneg[off:off + k] = np.bincount(d[v < 0], minlength=k)
        langs[off:off + k] = dl
    has_text = np.fromiter((bool(v.strip()) for v in values), dtype=bool, count=n)
    if lang == "auto":
        langs = majority_language(langs, has_text)
    compound = total if aggregate == "clause" else total / np.sqrt(total ** 2 + ALPHA)
    band = np.full(n, (CLAUSE_THRESHOLD if aggregate == "clause" else THRESHOLD) if threshold is None
                   else float(threshold))
    if method == "vader":
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
        sia = SentimentIntensityAnalyzer()
        for i in np.flatnonzero(langs == 1):
            compound[i] = sia.polarity_scores(values[i])["compound"]
            band[i] = THRESHOLD if threshold is None else float(threshold)
    out = string_ids(ids.copy())
    out["lang"] = pd.array(np.array(["de", "en", "und"])[langs], dtype="string")
    out["sentiment"] = compound
    out["label"] = pd.array(np.where(compound >= band, "positive",
                                     np.where(compound <= -band, "negative", "neutral")), dtype="string")
    out["n_positive"] = npos
    out["n_negative"] = nneg
    out["has_text"] = has_text
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
    if "label" in scores.columns and sentiment_col == "sentiment":   # the band the scorer used
        s_band = scores["label"].map({"positive": 1, "negative": -1}).fillna(0).to_numpy(int)[ok]
    else:
        s_band = np.where(s >= CLAUSE_THRESHOLD, 1, np.where(s <= -CLAUSE_THRESHOLD, -1, 0))
    n = int(ok.sum())
    rho, p = spearmanr(s, rv) if n > 2 else (np.nan, np.nan)
    kappa = cohen_kappa_score(r_band, s_band) if n and len(set(r_band) | set(s_band)) > 1 else np.nan
    rows = [("spearman_rho", rho), ("p_value", p), ("exact_agreement", float(np.mean(r_band == s_band)) if n else np.nan),
            ("cohen_kappa", kappa), ("opposite", float(np.mean(r_band * s_band == -1)) if n else np.nan)]
    return pd.DataFrame({"metric": [m for m, _ in rows], "value": [float(v) for _, v in rows], "n": n})


LABELS = ("negative", "neutral", "positive")


def _rating_labels(ratings, scale) -> np.ndarray:
    """Polarity labels from ratings: thirds of the scale, 0/1 as negative/positive, or labels as given."""
    r = pd.Series(np.asarray(ratings, dtype=object))
    if r.map(lambda v: isinstance(v, str)).all():
        bad = sorted(set(r) - set(LABELS))
        if bad:
            raise ParameterError("ratings", bad[0], allowed=list(LABELS))
        return r.to_numpy(dtype=object).astype(str)
    v = pd.to_numeric(r, errors="coerce").to_numpy(float)
    if np.isnan(v).any():
        raise DataError("rating missing or not a number", row=int(np.flatnonzero(np.isnan(v))[0]) + 1,
                        column="ratings")
    if scale is None:
        if set(np.unique(v)) <= {0.0, 1.0}:
            return np.where(v == 1, "positive", "negative")
        scale = (float(v.min()), float(v.max()))
    lo, hi = scale
    third = (hi - lo) / 3
    return np.where(v < lo + third, "negative", np.where(v > hi - third, "positive", "neutral"))


def _features(values: list, lang: str) -> pd.DataFrame:
    s = score_sentiment(values, lang=lang)
    return pd.DataFrame({"text": values, "sentiment": s["sentiment"].to_numpy(),
                         "n_positive": s["n_positive"].to_numpy(float),
                         "n_negative": s["n_negative"].to_numpy(float)})


class SentimentModel:
    """A survey's own polarity, learned from its ratings (see :func:`fit_sentiment`).

    Attributes
    ----------
    pipeline : sklearn Pipeline
        TF-IDF (words and word pairs, character 3-5-grams) and the lexicon features
        (sentiment, n_positive, n_negative) into a logistic regression, fitted on all rows.
    classes : list of str
        The labels learned.
    cv_accuracy, cv_macro_f1 : float
        Cross-validated accuracy and macro-F1 (stratified folds, fixed seed).
    cv_predictions : ndarray of str
        The out-of-fold label of each training text.
    n : int
        Training texts.
    lang : str
        Language setting of the lexicon features.
    """

    def __init__(self, pipeline, classes, cv_accuracy, cv_macro_f1, cv_predictions, n, lang):
        self.pipeline, self.classes = pipeline, classes
        self.cv_accuracy, self.cv_macro_f1 = cv_accuracy, cv_macro_f1
        self.cv_predictions, self.n, self.lang = cv_predictions, n, lang

    def __repr__(self) -> str:
        return (f"SentimentModel(n={self.n}, classes={self.classes}, cv_accuracy={self.cv_accuracy:.3f}, "
                f"cv_macro_f1={self.cv_macro_f1:.3f})")

    def score(self, texts, *, text_col: str = "text", id_cols=None) -> pd.DataFrame:
        """Label new texts with the learned polarity.

        Parameters
        ----------
        texts : DataFrame, Series or list of str
        text_col, id_cols : as in :func:`score_sentiment`.

        Returns
        -------
        DataFrame
            id columns, ``label``, ``sentiment`` (P(positive) - P(negative), -1..1),
            ``has_text``.

        Examples
        --------
        >>> m = fit_sentiment(["super", "toll", "schlecht", "mies"] * 5, [5, 5, 1, 1] * 5, folds=2)
        >>> m.score(["super toll"])["label"].tolist()
        ['positive']
        """
        values, ids = text_input(texts, text_col, id_cols)
        proba = self.pipeline.predict_proba(_features(values, self.lang))
        cls = list(self.pipeline.classes_)
        col = {c: proba[:, cls.index(c)] if c in cls else np.zeros(len(values)) for c in LABELS}
        out = string_ids(ids.copy())
        out["label"] = pd.array(np.asarray(cls, dtype=object)[proba.argmax(1)].astype(str), dtype="string")
        out["sentiment"] = col["positive"] - col["negative"]
        out["has_text"] = np.fromiter((bool(v.strip()) for v in values), dtype=bool, count=len(values))
        return out


def fit_sentiment(texts, ratings, *, text_col: str = "text", id_cols=None, lang: str = "auto",
                  scale=None, folds: int = 5, seed: int = 0) -> SentimentModel:
    """Learn this survey's text polarity from the ratings given beside the comments.

    TF-IDF features of the texts and the lexicon's features go into a class-balanced logistic
    regression; stratified *folds*-fold cross-validation (fixed *seed*, so the same data give the
    same numbers) reports how well the polarity is predicted on texts the model has not seen.

    Parameters
    ----------
    texts : DataFrame, Series or list of str
    ratings : array-like
        One per text: a numeric rating (cut into thirds of *scale*: low negative, middle
        neutral, high positive), 0/1 (negative/positive) or the labels themselves.
    text_col, id_cols : as in :func:`score_sentiment`.
    lang : {"auto", "de", "en"}
        Language of the lexicon features.
    scale : (min, max), optional
        Rating scale; default 0/1 for two values, else the observed minimum and maximum.
    folds : int
        Cross-validation folds (at most the size of the smallest class).
    seed : int
        Seed of the fold split.

    Returns
    -------
    SentimentModel
        Fitted on all texts, with ``cv_accuracy``, ``cv_macro_f1`` and ``score(texts)``.

    Examples
    --------
    >>> import cjkit as cj
    >>> texts = ["Lieferung schnell, alles super", "Ware kaputt angekommen", "Passt, nichts Besonderes"] * 4
    >>> model = cj.fit_sentiment(texts, [5, 1, 3] * 4, folds=2)
    >>> model.classes
    ['negative', 'neutral', 'positive']
    >>> round(model.cv_macro_f1, 2)
    1.0
    """
    from sklearn.base import clone
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import Pipeline, make_union
    from sklearn.preprocessing import StandardScaler

    values, _ = text_input(texts, text_col, id_cols)
    y = _rating_labels(ratings, scale)
    if len(y) != len(values):
        raise ParameterError("ratings", f"{len(y)} values", message=f"ratings has {len(y)} values for "
                                                                   f"{len(values)} texts")
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise ParameterError("ratings", classes.tolist(), message="ratings need at least two polarity classes")
    k = int(min(folds, counts.min()))
    if k < 2:
        raise ParameterError("folds", folds, message=f"class {classes[counts.argmin()]!r} has "
                                                     f"{counts.min()} text(s): cross-validation needs 2 or more")
    X = _features(values, lang)
    tfidf = make_union(TfidfVectorizer(lowercase=True, ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                       TfidfVectorizer(lowercase=True, analyzer="char_wb", ngram_range=(3, 5), min_df=3,
                                       sublinear_tf=True, max_features=20_000))
    cols = ColumnTransformer([("text", tfidf, "text"),
                              ("lexicon", StandardScaler(), ["sentiment", "n_positive", "n_negative"])])
    pipe = Pipeline([("features", cols),
                     ("model", LogisticRegression(C=2.0, class_weight="balanced", max_iter=300))])
    pred = np.empty(len(y), dtype=object)
    for tr, te in StratifiedKFold(k, shuffle=True, random_state=seed).split(X, y):
        pred[te] = clone(pipe).fit(X.iloc[tr], y[tr]).predict(X.iloc[te])
    pred = pred.astype(str)
    acc = float(accuracy_score(y, pred))
    f1 = float(f1_score(y, pred, labels=classes, average="macro", zero_division=0))
    pipe.fit(X, y)
    return SentimentModel(pipe, classes.tolist(), acc, f1, pred, len(y), lang)
