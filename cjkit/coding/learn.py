"""Learning coder: trained on a hand-coded sample, predicts codes with calibrated confidence.

Features are TF-IDF of character n-grams within words (folded text, so ``Rezeptionspersonal``
shares n-grams with ``Personal`` and ``Rezeption``) plus word uni/bigrams, and, when a
codebook is given, the rule coder's hits as extra features (rules and learning combined).
Each code gets a logistic regression, calibrated by cross-validation (Platt scaling) so that
``predict_proba`` can be read as a confidence. :func:`suggest_next` ranks uncoded answers by
the model's least confident decision: code those next (uncertainty sampling).

Examples
--------
>>> from cjkit.coding.learn import LearningCoder
>>> texts = ["Zimmer sauber", "Zimmer laut", "Frühstück lecker", "Frühstück kalt"] * 5
>>> y = pd.DataFrame({"room": [1, 1, 0, 0] * 5, "food": [0, 0, 1, 1] * 5})
>>> m = LearningCoder(codebook=None).fit(texts, y)
>>> m.predict(["Das Zimmer war groß"]).iloc[0].to_dict()
{'room': 1, 'food': 0}
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from cjkit.coding.codebook import load_codebook
from cjkit.coding.coder import code_texts
from cjkit.coding.pii import mask_pii
from cjkit.coding.textnorm import fold
from cjkit.errors import DataError

log = logging.getLogger("cjkit.coding.learn")


def _as_texts(X) -> list[str]:
    if isinstance(X, pd.DataFrame):
        raise DataError("pass the text column (a Series or list of str), not a whole DataFrame")
    return ["" if (v is None or v is pd.NA or (isinstance(v, float) and v != v)) else str(v) for v in list(X)]


def _as_indicator(y, n: int) -> pd.DataFrame:
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


class LearningCoder(ClassifierMixin, BaseEstimator):
    """Multi-label text coder (scikit-learn estimator).

    Parameters
    ----------
    codebook : "default", path, Codebook or None
        Adds the rule coder's code hits as features (hybrid). None: text features only.
    ngram_range : tuple
        Character n-gram sizes.
    C : float
        Inverse regularisation of the logistic regressions.
    cv : int
        Folds for probability calibration (fewer when a code has few positives).
    threshold : float
        Probability from which :meth:`predict` assigns a code.
    min_positive : int
        Codes with fewer positive training examples are not learned (logged).

    Attributes
    ----------
    codes_ : list of str
    estimators_ : dict code -> fitted classifier (or a constant for all-negative codes)

    Examples
    --------
    >>> from cjkit.coding.learn import LearningCoder
    >>> LearningCoder(codebook=None, threshold=0.7).get_params()["threshold"]
    0.7
    """

    def __init__(self, codebook="default", *, ngram_range=(2, 5), C: float = 4.0, cv: int = 3,
                 threshold: float = 0.5, min_positive: int = 2, max_features: int = 300_000):
        self.codebook = codebook
        self.ngram_range = ngram_range
        self.C = C
        self.cv = cv
        self.threshold = threshold
        self.min_positive = min_positive
        self.max_features = max_features

    # ---------------------------------------------------------------- features
    def _rule_matrix(self, texts):
        coded = code_texts(pd.Series(texts), self.codebook, sentiment=False)
        m = sp.csr_matrix((np.ones(len(coded)), (coded["row"].to_numpy(),
                                                 self.rule_index_.get_indexer(coded["code"].astype(str)))),
                          shape=(len(texts), len(self.rule_index_)))
        m.data[:] = 1.0
        return m

    def _features(self, texts, fit=False):
        if fit:
            self.char_ = TfidfVectorizer(analyzer="char_wb", ngram_range=self.ngram_range, preprocessor=fold,
                                         sublinear_tf=True, min_df=2 if len(texts) >= 50 else 1,
                                         max_features=self.max_features)
            self.word_ = TfidfVectorizer(preprocessor=fold, ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                                         token_pattern=r"(?u)\b\w+\b")
            try:
                blocks = [self.char_.fit_transform(texts), self.word_.fit_transform(texts)]
            except ValueError as exc:   # e.g. only empty texts
                raise DataError(f"the training texts give no features: {exc}") from None
            if self.codebook is not None:
                self.rule_index_ = pd.Index(load_codebook(self.codebook).table["code"])
        else:
            blocks = [self.char_.transform(texts), self.word_.transform(texts)]
        if self.codebook is not None:
            blocks.append(self._rule_matrix(texts))
        return sp.hstack(blocks).tocsr()

    # ---------------------------------------------------------------- estimator API
    def fit(self, X, y):
        """Learn from texts *X* and their codes *y* (0/1 DataFrame, one column per code, or
        one list of codes per text).

        Parameters
        ----------
        X : list or Series of str
            Hand-coded answers.
        y : DataFrame or list
            0/1 per code (one column per code) or, per answer, the list of its codes.

        Returns
        -------
        LearningCoder
            Itself, fitted.

        Examples
        --------
        >>> import pandas as pd
        >>> from cjkit.coding.learn import LearningCoder
        >>> texts = ["Zimmer sauber", "Zimmer laut", "Frühstück lecker", "Frühstück kalt"] * 5
        >>> y = pd.DataFrame({"room": [1, 1, 0, 0] * 5, "food": [0, 0, 1, 1] * 5})
        >>> m = LearningCoder(codebook=None).fit(texts, y)
        >>> m.codes_
        ['room', 'food']
        """
        texts = _as_texts(X)
        Y = _as_indicator(y, len(texts))
        if len(texts) < 4:
            raise DataError(f"{len(texts)} coded texts are too few to learn from")
        F = self._features(texts, fit=True)
        self.codes_ = [str(c) for c in Y.columns]
        self.estimators_ = {}
        for code in Y.columns:
            yc = Y[code].to_numpy()
            pos = int(yc.sum())
            neg = len(yc) - pos
            if pos < self.min_positive or neg < self.min_positive:
                log.warning("code '%s' has %d positive / %d negative training texts: not learned, "
                            "predicted with its base rate", code, pos, neg)
                self.estimators_[str(code)] = float(pos / len(yc))
                continue
            base = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000)
            folds = min(self.cv, pos, neg)
            est = CalibratedClassifierCV(base, method="sigmoid", cv=folds) if folds >= 2 else base
            self.estimators_[str(code)] = est.fit(F, yc)
        self.classes_ = np.array(self.codes_)
        return self

    def predict_proba(self, X) -> pd.DataFrame:
        """Calibrated probability of each code per text (rows: texts, columns: codes).

        Parameters
        ----------
        X : list or Series of str

        Returns
        -------
        DataFrame
            Probabilities 0..1, one column per code.

        Examples
        --------
        >>> import pandas as pd
        >>> from cjkit.coding.learn import LearningCoder
        >>> texts = ["Zimmer sauber", "Zimmer laut", "Frühstück lecker", "Frühstück kalt"] * 5
        >>> y = pd.DataFrame({"room": [1, 1, 0, 0] * 5, "food": [0, 0, 1, 1] * 5})
        >>> m = LearningCoder(codebook=None).fit(texts, y)
        >>> p = m.predict_proba(["Zimmer sehr laut"])
        >>> p.columns.tolist(), bool(p.loc[0, "room"] > p.loc[0, "food"])
        (['room', 'food'], True)
        """
        texts = _as_texts(X)
        F = self._features(texts)
        out = {}
        for code, est in self.estimators_.items():
            out[code] = np.full(len(texts), est) if isinstance(est, float) else est.predict_proba(F)[:, 1]
        return pd.DataFrame(out, columns=self.codes_)

    def predict(self, X) -> pd.DataFrame:
        """0/1 codes per text (probability >= ``threshold``).

        Parameters
        ----------
        X : list or Series of str

        Returns
        -------
        DataFrame
            0/1, one column per code.

        Examples
        --------
        >>> import pandas as pd
        >>> from cjkit.coding.learn import LearningCoder
        >>> texts = ["Zimmer sauber", "Zimmer laut", "Frühstück lecker", "Frühstück kalt"] * 5
        >>> y = pd.DataFrame({"room": [1, 1, 0, 0] * 5, "food": [0, 0, 1, 1] * 5})
        >>> m = LearningCoder(codebook=None).fit(texts, y)
        >>> m.predict(["Frühstück war kalt"]).iloc[0].to_dict()
        {'room': 0, 'food': 1}
        """
        return (self.predict_proba(X) >= self.threshold).astype(int)

    def predict_long(self, texts, ids: pd.DataFrame | None = None) -> pd.DataFrame:
        """Predicted codes in the coded-text long form (source "model", confidence = probability).

        Columns: respondent_id, question (from *ids* if given), code, source, confidence, row.

        Parameters
        ----------
        texts : list or Series of str
        ids : DataFrame, optional
            Identifying columns aligned with *texts*.

        Returns
        -------
        DataFrame

        Examples
        --------
        >>> import pandas as pd
        >>> from cjkit.coding.learn import LearningCoder
        >>> texts = ["Zimmer sauber", "Zimmer laut", "Frühstück lecker", "Frühstück kalt"] * 5
        >>> y = pd.DataFrame({"room": [1, 1, 0, 0] * 5, "food": [0, 0, 1, 1] * 5})
        >>> m = LearningCoder(codebook=None).fit(texts, y)
        >>> m.predict_long(["Zimmer laut"])[["code", "source"]].values.tolist()
        [['room', 'model']]
        """
        texts = list(texts)
        P = self.predict_proba(texts)
        r, c = np.nonzero(P.to_numpy() >= self.threshold)
        out = pd.DataFrame({"code": np.array(self.codes_, dtype=object)[c], "source": "model",
                            "confidence": P.to_numpy()[r, c], "row": r})
        if ids is not None:
            out = pd.concat([ids.reset_index(drop=True).iloc[r].reset_index(drop=True), out], axis=1)
        else:
            out.insert(0, "respondent_id", pd.array([str(i) for i in r], dtype="string"))
        return out


def suggest_next(coder: LearningCoder, texts, n: int = 50, *, ids: pd.DataFrame | None = None,
                 exclude_rows=None, mask: bool = True) -> pd.DataFrame:
    """Which uncoded answers a human should code next: lowest model confidence first.

    The confidence of an answer is that of its least certain yes/no decision,
    ``min over codes of max(p, 1 - p)``; answers near 0.5 teach the model most.

    Parameters
    ----------
    coder : fitted LearningCoder
    texts : list or Series of str
        The uncoded pool.
    n : int
        How many to suggest.
    ids : DataFrame, optional
        Identifying columns aligned with *texts* (returned with the suggestions).
    exclude_rows : iterable of int, optional
        Pool positions already coded.
    mask : bool
        Mask personal data in the returned text.

    Returns
    -------
    DataFrame
        rank, row, [ids], confidence, uncertain_code, p_uncertain_code, text.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.coding.learn import LearningCoder
    >>> texts = ["Zimmer sauber", "Zimmer laut", "Frühstück lecker", "Frühstück kalt"] * 5
    >>> y = pd.DataFrame({"room": [1, 1, 0, 0] * 5, "food": [0, 0, 1, 1] * 5})
    >>> m = LearningCoder(codebook=None).fit(texts, y)
    >>> from cjkit.coding.learn import suggest_next
    >>> s = suggest_next(m, ["Zimmer ok", "Frühstück ok", "Parkplatz"], n=2)
    >>> s.columns.tolist()[:3], len(s)
    (['rank', 'row', 'confidence'], 2)
    """
    texts = list(texts)
    P = coder.predict_proba(texts).to_numpy()
    certainty = np.maximum(P, 1 - P)
    worst = certainty.argmin(1)
    conf = certainty.min(1)
    rows = np.arange(len(texts))
    if exclude_rows is not None:
        keep = ~np.isin(rows, np.asarray(list(exclude_rows)))
        rows, conf, worst = rows[keep], conf[keep], worst[keep]
    order = np.argsort(conf, kind="stable")[:n]
    sel = rows[order]
    out = pd.DataFrame({"rank": np.arange(1, len(sel) + 1), "row": sel})
    if ids is not None:
        out = pd.concat([out, ids.reset_index(drop=True).iloc[sel].reset_index(drop=True)], axis=1)
    out["confidence"] = conf[order]
    out["uncertain_code"] = np.array(coder.codes_, dtype=object)[worst[order]]
    out["p_uncertain_code"] = P[sel, worst[order]]
    text = pd.Series([texts[i] for i in sel], dtype="string")
    if mask:
        text = mask_pii(text)
    out["text"] = text.to_numpy()
    return out
