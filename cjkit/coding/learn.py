"""Learning coder: trained on a hand-coded sample, predicts codes with a probability.

Features are one sparse matrix: TF-IDF of character n-grams within words (folded text, so
``Rezeptionspersonal`` shares n-grams with ``Personal`` and ``Rezeption``), word uni/bigrams and,
when a codebook is given, the rule coder's hits as 0/1 columns (rules and learning combined).
The character n-grams are computed once per distinct word, not once per occurrence, which keeps
the features about as cheap as plain word TF-IDF. Each code gets a linear model with logistic
loss and class weights against rare codes (stochastic gradient descent, a fixed number of passes),
all on the same matrix. The regularisation ``C`` is chosen by an inner cross-validation on the
training texts only; training on 2,000 answers stays within three times a plain TF-IDF +
logistic regression fit (``benchmarks/bench_learn.py``).

Two kinds of coding are told apart by the training codes. Multi-label (an answer may have any
number of codes): every code is its own yes/no. Mutually exclusive (every training answer has
exactly one code: intents, categories): the per-code scores go through a softmax, so the
probabilities of an answer sum to 1 and :meth:`LearningCoder.predict` gives each answer its most
likely code.

``predict_proba`` returns the logistic model's probabilities. Logistic loss is a proper scoring
rule, so these are close to calibrated without an extra cross-validation; ``tests/test_learn.py``
checks the reliability (observed rate per probability bin) and the Brier score on held-out hotel
reviews. ``cv >= 2`` adds Platt scaling on out-of-fold scores for data where that check fails.
:func:`suggest_next` ranks uncoded answers by the model's least confident decision: code those
next (uncertainty sampling).

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
import numbers

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression, SGDClassifier

from cjkit.coding.codebook import load_codebook
from cjkit.coding.coder import code_texts
from cjkit.privacy.pii import mask_pii
from cjkit.coding.textnorm import fold
from cjkit.coding.texts import string_ids, text_input
from cjkit.errors import DataError, ParameterError

log = logging.getLogger("cjkit.coding.learn")

_TOKEN = r"(?u)\b\w+\b"
_PROGRESS_FROM = 20_000     # texts x codes from which fit shows a progress bar (progress=None)


def _char_matrix(words, lo: int, hi: int, grams: dict | None = None):
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


def _as_texts(X, text_col: str = "text") -> list[str]:
    """The answers as str, read by the one text-input convention (:func:`cjkit.coding.texts.text_input`)."""
    return text_input(X, text_col)[0]


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
    C : float or "auto"
        Inverse regularisation (as in logistic regression: the penalty is ``1 / (C * n_texts)``).
        ``"auto"`` (default) picks it from ``C_grid`` by an inner cross-validation on the
        training texts only (macro-F1 of the decisions, ``inner_folds`` folds on at most
        ``inner_max`` texts, half the ``epochs``); ties go to the smaller C (the stronger
        regularisation).
    multi_label : bool or None
        None (default) decides from the training codes: if every text has exactly one code,
        the codes exclude each other (intents, categories) and the probabilities of a text
        sum to 1 (softmax over the per-code scores); otherwise each code is its own yes/no.
    cv : int
        0 (default): the logistic model's probabilities. 2 or more: Platt scaling fitted on
        out-of-fold scores from that many folds (costs *cv* extra fits).
    threshold : float
        Probability from which :meth:`predict` assigns a code.
    min_positive : int
        Codes with fewer positive training examples are not learned (logged).
    max_features : int
        Most frequent character n-grams kept.
    epochs : int
        Passes of stochastic gradient descent over the training texts.
    progress : bool or None
        Progress bar while fitting; None shows one for large training sets only.
    random_state : int
        Seed of the gradient descent (fits are reproducible).

    C_grid : tuple of float
        Candidates for ``C="auto"``.
    inner_folds, inner_max : int
        Folds and most texts of the inner cross-validation for ``C="auto"``.

    Attributes
    ----------
    codes_ : list of str
    C_ : float
        The regularisation used (chosen by the inner cross-validation with ``C="auto"``).
    cv_scores_ : dict or None
        Inner cross-validated macro-F1 per candidate C (``C="auto"`` only).
    multi_label_ : bool
        Whether codes were learned as independent yes/no decisions.
    estimators_ : dict code -> fitted classifier (or a constant for all-negative codes)

    Examples
    --------
    >>> from cjkit.coding.learn import LearningCoder
    >>> LearningCoder(codebook=None, threshold=0.7).get_params()["threshold"]
    0.7
    """

    def __init__(self, codebook="default", *, ngram_range=(2, 5), C="auto", cv: int = 0,
                 threshold: float = 0.5, min_positive: int = 2, max_features: int = 300_000,
                 epochs: int = 15, progress: bool | None = None, random_state: int = 0,
                 multi_label: bool | None = None, C_grid=(1.0, 4.0, 16.0), inner_folds: int = 3,
                 inner_max: int = 1000):
        self.codebook = codebook
        self.ngram_range = ngram_range
        self.C = C
        self.multi_label = multi_label
        self.C_grid = C_grid
        self.inner_folds = inner_folds
        self.inner_max = inner_max
        self.cv = cv
        self.threshold = threshold
        self.min_positive = min_positive
        self.max_features = max_features
        self.epochs = epochs
        self.progress = progress
        self.random_state = random_state

    # ---------------------------------------------------------------- features
    def _rule_matrix(self, texts):
        coded = code_texts(pd.Series(texts), self.codebook, sentiment=False)
        m = sp.csr_matrix((np.ones(len(coded)), (coded["row"].to_numpy(),
                                                 self.rule_index_.get_indexer(coded["code"].astype(str)))),
                          shape=(len(texts), len(self.rule_index_)))
        m.data[:] = 1.0
        return m

    def _char_counts(self, texts):
        """Texts x kept character n-grams, via the distinct words of *texts*."""
        cv = CountVectorizer(preprocessor=fold, token_pattern=_TOKEN)
        try:
            counts = cv.fit_transform(texts)
        except ValueError:      # no word at all
            return sp.csr_matrix((len(texts), len(self.grams_)))
        m, _ = _char_matrix(cv.get_feature_names_out(), *self.ngram_range, grams=self.grams_)
        return (counts @ m).tocsr()

    def _features(self, texts, fit=False):
        if fit:
            self.word_ = CountVectorizer(preprocessor=fold, ngram_range=(1, 2), token_pattern=_TOKEN)
            try:
                words = self.word_.fit_transform(texts)
            except ValueError as exc:   # e.g. only empty texts
                raise DataError(f"the training texts give no features: {exc}") from None
            names = self.word_.get_feature_names_out()
            uni = np.flatnonzero(np.char.find(names.astype(str), " ") < 0)
            m, grams = _char_matrix(names[uni], *self.ngram_range)
            chars = (words[:, uni] @ m).tocsr()
            df = np.bincount(chars.indices, minlength=chars.shape[1])
            keep = np.flatnonzero(df >= (2 if len(texts) >= 50 else 1))
            if keep.size > self.max_features:
                keep = np.sort(keep[np.argsort(-df[keep], kind="stable")[:self.max_features]])
            names_g = np.empty(len(grams), dtype=object)
            names_g[list(grams.values())] = list(grams.keys())
            self.grams_ = {g: j for j, g in enumerate(names_g[keep])}
            chars = chars[:, keep]
            self.char_tfidf_ = TfidfTransformer(sublinear_tf=True).fit(chars)
            self.word_tfidf_ = TfidfTransformer(sublinear_tf=True).fit(words)
            if self.codebook is not None:
                self.rule_index_ = pd.Index(load_codebook(self.codebook).table["code"])
        else:
            words = self.word_.transform(texts)
            chars = self._char_counts(texts)
        blocks = [self.char_tfidf_.transform(chars), self.word_tfidf_.transform(words)]
        if self.codebook is not None:
            blocks.append(self._rule_matrix(texts))
        return sp.hstack(blocks, format="csr", dtype=np.float64)

    def _sgd(self, n: int, C: float | None = None, epochs: int | None = None) -> SGDClassifier:
        return SGDClassifier(loss="log_loss", alpha=1.0 / ((C or self.C_) * n), max_iter=epochs or self.epochs,
                             tol=None, class_weight="balanced", random_state=self.random_state)

    def _fit_linear(self, F, Y: np.ndarray, C: float, epochs: int | None = None):
        """Per-code logistic models on *F*: (learned column indices, coef matrix, intercepts)."""
        learned, coefs, intercepts = [], [], []
        for j in range(Y.shape[1]):
            yc = Y[:, j]
            if min(int(yc.sum()), len(yc) - int(yc.sum())) < self.min_positive:
                continue
            est = self._sgd(len(yc), C, epochs).fit(F, yc)
            learned.append(j)
            coefs.append(est.coef_.ravel())
            intercepts.append(est.intercept_[0])
        coef = np.array(coefs).T if coefs else np.zeros((F.shape[1], 0))
        return np.array(learned, dtype=np.int64), coef, np.array(intercepts, dtype=float)

    def _decide(self, z: np.ndarray, base: np.ndarray, learned: np.ndarray, single: bool) -> np.ndarray:
        """Probabilities from the learned codes' scores *z* (base rates for the others)."""
        P = np.tile(base, (len(z), 1))
        if learned.size:
            if single:      # mutually exclusive codes: softmax over the learned codes' scores
                e = np.exp(z - z.max(1, keepdims=True))
                P[:, learned] = e / e.sum(1, keepdims=True) * max(1.0 - np.delete(base, learned).sum(), 0.0)
            else:
                P[:, learned] = 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))
        return P

    def _choose_C(self, F, Y: np.ndarray, single: bool) -> float:
        """C from ``C_grid`` with the best inner cross-validated macro-F1 (training texts only)."""
        from sklearn.metrics import f1_score
        from sklearn.model_selection import KFold

        rng = np.random.default_rng(self.random_state)
        rows = np.sort(rng.permutation(len(Y))[:self.inner_max])
        F, Y = F[rows], Y[rows]
        base = Y.mean(0)
        scores = {float(c): [] for c in self.C_grid}
        for tr, te in KFold(int(self.inner_folds), shuffle=True, random_state=self.random_state).split(Y):
            for c in scores:
                # half the passes: enough to rank the candidates, at half the cost
                learned, coef, icpt = self._fit_linear(F[tr], Y[tr], c, max(5, int(self.epochs) // 2))
                P = self._decide(np.asarray(F[te] @ coef) + icpt, base, learned, single)
                D = self._threshold(P, single)
                scores[c].append(f1_score(Y[te], D, average="macro", zero_division=0))
        self.cv_scores_ = {c: float(np.mean(v)) for c, v in scores.items()}
        best = max(self.cv_scores_.values())
        C = min(c for c, v in self.cv_scores_.items() if v >= best - 1e-9)
        log.info("LearningCoder: C = %g chosen by %d-fold inner cross-validation (macro-F1 %s)",
                 C, self.inner_folds, ", ".join(f"C={c:g}: {v:.3f}" for c, v in self.cv_scores_.items()))
        return C

    def _threshold(self, P: np.ndarray, single: bool) -> np.ndarray:
        out = (P >= self.threshold).astype(int)
        if single and P.shape[1]:
            out[np.arange(len(P)), P.argmax(1)] = 1
        return out

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
        from tqdm.auto import tqdm

        texts = _as_texts(X)
        Y = _as_indicator(y, len(texts))
        if len(texts) < 4:
            raise DataError(f"{len(texts)} coded texts are too few to learn from")
        if self.C != "auto" and not (isinstance(self.C, numbers.Real) and not isinstance(self.C, bool) and self.C > 0):
            raise ParameterError("C", self.C, allowed=["'auto'", "a number > 0"])
        n = len(texts)
        show = self.progress if self.progress is not None else n * Y.shape[1] >= _PROGRESS_FROM
        bar = tqdm(total=Y.shape[1] + 1, desc="LearningCoder.fit", unit="step", disable=not show, leave=False)
        F = self._features(texts, fit=True)
        bar.update(1)
        self.codes_ = [str(c) for c in Y.columns]
        one = Y.to_numpy().sum(1) == 1
        self.multi_label_ = bool(not one.all()) if self.multi_label is None else bool(self.multi_label)
        self.cv_scores_ = None
        if self.C == "auto":
            bar.set_description("LearningCoder.fit: choosing C")
            if len(texts) >= 2 * int(self.inner_folds):
                self.C_ = self._choose_C(F, Y.to_numpy(), not self.multi_label_)
            else:
                self.C_ = 4.0
            bar.set_description("LearningCoder.fit")
        else:
            self.C_ = float(self.C)
        self.estimators_ = {}
        learned, coefs, intercepts, platt = [], [], [], []
        folds = None
        if self.cv and self.cv >= 2:
            folds = np.random.default_rng(self.random_state).permutation(n) % int(self.cv)
        for code in Y.columns:
            yc = Y[code].to_numpy()
            pos = int(yc.sum())
            neg = n - pos
            if pos < self.min_positive or neg < self.min_positive:
                log.warning("code '%s' has %d positive / %d negative training texts: not learned, "
                            "predicted with its base rate", code, pos, neg)
                self.estimators_[str(code)] = float(pos / n)
                bar.update(1)
                continue
            est = self._sgd(n).fit(F, yc)
            self.estimators_[str(code)] = est
            learned.append(self.codes_.index(str(code)))
            coefs.append(est.coef_.ravel())
            intercepts.append(est.intercept_[0])
            if folds is not None:
                platt.append(self._platt(F, yc, folds))
            bar.update(1)
        bar.close()
        self.learned_ = np.array(learned, dtype=np.int64)
        self.coef_ = np.array(coefs).T if coefs else np.zeros((F.shape[1], 0))
        self.intercept_ = np.array(intercepts, dtype=float)
        self.platt_ = np.array(platt, dtype=float).reshape(-1, 2) if folds is not None else None
        self.base_rate_ = np.array([e if isinstance(e, float) else 0.0 for e in self.estimators_.values()])
        self.classes_ = np.array(self.codes_)
        return self

    def _platt(self, F, yc, folds) -> tuple[float, float]:
        """Slope and intercept of Platt scaling on out-of-fold decision scores."""
        scores = np.zeros(len(yc))
        for k in range(int(self.cv)):
            test = folds == k
            if len(np.unique(yc[~test])) < 2:
                return 1.0, 0.0
            scores[test] = self._sgd(int((~test).sum())).fit(F[~test], yc[~test]).decision_function(F[test])
        lr = LogisticRegression(C=1e6).fit(scores[:, None], yc)
        return float(lr.coef_[0, 0]), float(lr.intercept_[0])

    def predict_proba(self, X) -> pd.DataFrame:
        """Probability of each code per text (rows: texts, columns: codes).

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
        z = np.zeros((len(texts), 0))
        if self.learned_.size:
            z = np.asarray(self._features(texts) @ self.coef_) + self.intercept_
            if self.platt_ is not None:
                z = z * self.platt_[:, 0] + self.platt_[:, 1]
        P = self._decide(z, self.base_rate_, self.learned_, not self.multi_label_)
        return pd.DataFrame(P, columns=self.codes_)

    def predict(self, X, *, single_label: bool | None = None) -> pd.DataFrame:
        """0/1 codes per text (probability >= ``threshold``).

        Parameters
        ----------
        X : list or Series of str
        single_label : bool or None
            Every text gets at least its most likely code, also when no probability reaches
            ``threshold`` (for codings in which every answer has a code, e.g. intents).
            None (default): True when the codes were learned as mutually exclusive
            (``multi_label_`` False).

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
        >>> int(m.predict(["Parkplatz"], single_label=True).sum(axis=1).iloc[0])
        1
        """
        P = self.predict_proba(X)
        single = (not self.multi_label_) if single_label is None else bool(single_label)
        return pd.DataFrame(self._threshold(P.to_numpy(), single), columns=P.columns, index=P.index)

    def predict_long(self, texts, ids: pd.DataFrame | None = None) -> pd.DataFrame:
        """Predicted codes in the coded-text long form (source "model", confidence = probability).

        Columns: respondent_id, question (from *ids* if given, else from *texts* as in
        :func:`cjkit.coding.texts.text_input`), code, source, confidence, row.

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
        values, own_ids = text_input(texts)
        P = self.predict_proba(values)
        r, c = np.nonzero(P.to_numpy() >= self.threshold)
        out = pd.DataFrame({"code": np.array(self.codes_, dtype=object)[c], "source": "model",
                            "confidence": P.to_numpy()[r, c], "row": r})
        ids = string_ids(own_ids) if ids is None else ids
        return pd.concat([ids.reset_index(drop=True).iloc[r].reset_index(drop=True), out], axis=1)


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
    texts = text_input(texts)[0]
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
