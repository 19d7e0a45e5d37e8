"""The features of the learning coder: one sparse matrix per set of answers.

TF-IDF of character n-grams within words (folded text, so ``Rezeptionspersonal`` shares
n-grams with ``Personal`` and ``Rezeption``), word uni/bigrams and, when a codebook is given,
the rule coder's hits as 0/1 columns. The character n-grams are computed once per distinct
word, not once per occurrence, which keeps the features about as cheap as plain word TF-IDF.
:func:`features` learns the vocabularies on the estimator (attributes ending in ``_``, as
scikit-learn does) when ``fit=True`` and reuses them otherwise.

Examples
--------
>>> from cjkit.coding.learnfeatures import char_matrix
>>> m, grams = char_matrix(["ab"], 2, 3)
>>> sorted(grams), m.toarray().tolist()
([' a', ' ab', 'ab', 'ab ', 'b '], [[1.0, 1.0, 1.0, 1.0, 1.0]])
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from cjkit.coding.codebook import load_codebook
from cjkit.coding.coder import code_texts
from cjkit.coding.textnorm import fold
from cjkit.coding.texts import text_input
from cjkit.errors import DataError

TOKEN = r"(?u)\b\w+\b"


def char_matrix(words, lo: int, hi: int, grams: dict | None = None):
    """Words x character n-grams (0/1 counts) of ``" word "``; *grams* fixed or grown."""
    grow = grams is None
    if grow:
        grams = {}
    rows, cols = [], []
    for i, w in enumerate(words):
        p = f" {w} "
        for n in range(lo, hi + 1):
            for k in range(len(p) - n + 1):
                j = grams.get(p[k:k + n])
                if j is None:
                    if not grow:
                        continue
                    j = grams[p[k:k + n]] = len(grams)
                rows.append(i)
                cols.append(j)
    m = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(words), len(grams)))
    m.sum_duplicates()
    return m, grams


def as_texts(X, text_col: str = "text") -> list[str]:
    """The answers as str, read by the one text-input convention (:func:`cjkit.coding.texts.text_input`)."""
    return text_input(X, text_col)[0]


def as_indicator(y, n: int) -> pd.DataFrame:
    """Codes as a 0/1 frame (one column per code) from a frame or one list of codes per text."""
    if isinstance(y, pd.DataFrame):
        if len(y) != n:
            raise DataError(f"{len(y)} rows of codes for {n} texts; one row per text expected")
        return (y.fillna(0).astype(float) > 0).astype(int).reset_index(drop=True)
    y = list(y)
    if len(y) != n:
        raise DataError(f"{len(y)} code lists for {n} texts; one list per text expected")
    codes = sorted({c for row in y for c in ([row] if isinstance(row, str) else row)})
    return pd.DataFrame([[int(c in ([row] if isinstance(row, str) else row)) for c in codes] for row in y],
                        columns=codes)


def _rule_matrix(coder, texts):
    """Texts x codes: 1 where the rule coder finds the code."""
    coded = code_texts(pd.Series(texts), coder.codebook, sentiment=False)
    m = sp.csr_matrix((np.ones(len(coded)), (coded["row"].to_numpy(),
                                             coder.rule_index_.get_indexer(coded["code"].astype(str)))),
                      shape=(len(texts), len(coder.rule_index_)))
    m.data[:] = 1.0
    return m


def _char_counts(coder, texts):
    """Texts x kept character n-grams, via the distinct words of *texts*."""
    cv = CountVectorizer(preprocessor=fold, token_pattern=TOKEN)
    try:
        counts = cv.fit_transform(texts)
    except ValueError:      # no word at all
        return sp.csr_matrix((len(texts), len(coder.grams_)))
    m, _ = char_matrix(cv.get_feature_names_out(), *coder.ngram_range, grams=coder.grams_)
    return (counts @ m).tocsr()


def features(coder, texts, fit=False):
    """The feature matrix of *texts* for *coder*; ``fit=True`` learns the vocabularies first.

    Parameters
    ----------
    coder : LearningCoder
        Its ``ngram_range``, ``max_features`` and ``codebook``; fitting sets ``word_``,
        ``grams_``, ``char_tfidf_``, ``word_tfidf_`` and ``rule_index_``.
    texts : list of str
    fit : bool

    Returns
    -------
    scipy.sparse.csr_matrix
    """
    if fit:
        coder.word_ = CountVectorizer(preprocessor=fold, ngram_range=(1, 2), token_pattern=TOKEN)
        try:
            words = coder.word_.fit_transform(texts)
        except ValueError as exc:   # e.g. only empty texts
            raise DataError(f"the training texts give no features: {exc}") from None
        names = coder.word_.get_feature_names_out()
        uni = np.flatnonzero(np.char.find(names.astype(str), " ") < 0)
        m, grams = char_matrix(names[uni], *coder.ngram_range)
        chars = (words[:, uni] @ m).tocsr()
        df = np.bincount(chars.indices, minlength=chars.shape[1])
        keep = np.flatnonzero(df >= (2 if len(texts) >= 50 else 1))
        if keep.size > coder.max_features:
            keep = np.sort(keep[np.argsort(-df[keep], kind="stable")[:coder.max_features]])
        names_g = np.empty(len(grams), dtype=object)
        names_g[list(grams.values())] = list(grams.keys())
        coder.grams_ = {g: j for j, g in enumerate(names_g[keep])}
        chars = chars[:, keep]
        coder.char_tfidf_ = TfidfTransformer(sublinear_tf=True).fit(chars)
        coder.word_tfidf_ = TfidfTransformer(sublinear_tf=True).fit(words)
        if coder.codebook is not None:
            coder.rule_index_ = pd.Index(load_codebook(coder.codebook).table["code"])
    else:
        words = coder.word_.transform(texts)
        chars = _char_counts(coder, texts)
    blocks = [coder.char_tfidf_.transform(chars), coder.word_tfidf_.transform(words)]
    if coder.codebook is not None:
        blocks.append(_rule_matrix(coder, texts))
    return sp.hstack(blocks, format="csr", dtype=np.float64)
