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
:func:`~cjkit.coding.suggest.suggest_next` ranks uncoded answers by the model's least confident decision: code those
next (uncertainty sampling).

One job per module: the features (:mod:`cjkit.coding.learnfeatures`), the per-code linear models
and their decisions (:mod:`cjkit.coding.learnlinear`), the estimator here, and which answers to
code next (:mod:`cjkit.coding.suggest`).

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
from sklearn.base import BaseEstimator, ClassifierMixin

from cjkit.coding.learnfeatures import as_indicator, as_texts, features
from cjkit.coding.learnlinear import choose_C, decide, decisions, platt_scaling, sgd
from cjkit.coding.texts import string_ids, text_input
from cjkit.errors import DataError, ParameterError

log = logging.getLogger("cjkit.coding.learn")

_PROGRESS_FROM = 20_000     # texts x codes from which fit shows a progress bar (progress=None)


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

        texts = as_texts(X)
        Y = as_indicator(y, len(texts))
        if len(texts) < 4:
            raise DataError(f"{len(texts)} coded texts are too few to learn from")
        if self.C != "auto" and not (isinstance(self.C, numbers.Real) and not isinstance(self.C, bool) and self.C > 0):
            raise ParameterError("C", self.C, allowed=["'auto'", "a number > 0"])
        n = len(texts)
        show = self.progress if self.progress is not None else n * Y.shape[1] >= _PROGRESS_FROM
        bar = tqdm(total=Y.shape[1] + 1, desc="LearningCoder.fit", unit="step", disable=not show, leave=False)
        F = features(self, texts, fit=True)
        bar.update(1)
        self.codes_ = [str(c) for c in Y.columns]
        one = Y.to_numpy().sum(1) == 1
        self.multi_label_ = bool(not one.all()) if self.multi_label is None else bool(self.multi_label)
        self.cv_scores_ = None
        if self.C == "auto":
            bar.set_description("LearningCoder.fit: choosing C")
            if len(texts) >= 2 * int(self.inner_folds):
                self.C_ = choose_C(self, F, Y.to_numpy(), not self.multi_label_)
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
            est = sgd(self, n).fit(F, yc)
            self.estimators_[str(code)] = est
            learned.append(self.codes_.index(str(code)))
            coefs.append(est.coef_.ravel())
            intercepts.append(est.intercept_[0])
            if folds is not None:
                platt.append(platt_scaling(self, F, yc, folds))
            bar.update(1)
        bar.close()
        self.learned_ = np.array(learned, dtype=np.int64)
        self.coef_ = np.array(coefs).T if coefs else np.zeros((F.shape[1], 0))
        self.intercept_ = np.array(intercepts, dtype=float)
        self.platt_ = np.array(platt, dtype=float).reshape(-1, 2) if folds is not None else None
        self.base_rate_ = np.array([e if isinstance(e, float) else 0.0 for e in self.estimators_.values()])
        self.classes_ = np.array(self.codes_)
        return self

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
        texts = as_texts(X)
        z = np.zeros((len(texts), 0))
        if self.learned_.size:
            z = np.asarray(features(self, texts) @ self.coef_) + self.intercept_
            if self.platt_ is not None:
                z = z * self.platt_[:, 0] + self.platt_[:, 1]
        P = decide(z, self.base_rate_, self.learned_, not self.multi_label_)
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
        return pd.DataFrame(decisions(P.to_numpy(), self.threshold, single), columns=P.columns, index=P.index)

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

