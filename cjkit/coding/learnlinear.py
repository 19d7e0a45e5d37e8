"""The learning coder's linear models: one logistic model per code, its regularisation, its decisions.

Each code gets a linear model with logistic loss and class weights against rare codes
(stochastic gradient descent, a fixed number of passes), all on the same feature matrix. The
regularisation ``C`` is chosen by an inner cross-validation on the training texts only
(:func:`choose_C`); mutually exclusive codes share a softmax (:func:`decide`); ``cv >= 2`` adds
Platt scaling on out-of-fold scores (:func:`platt_scaling`). The functions take the estimator for its
parameters (:func:`choose_C` also records its inner scores in ``cv_scores_``);
:class:`cjkit.coding.learn.LearningCoder` keeps the learned state.

Examples
--------
>>> import numpy as np
>>> from cjkit.coding.learnlinear import decide, decisions
>>> P = decide(np.array([[2.0, 0.0]]), np.array([0.5, 0.5]), np.array([0, 1]), single=True)
>>> np.round(P, 3).tolist(), decisions(P, 0.9, single=True).tolist()
([[0.881, 0.119]], [[1, 0]])
"""
from __future__ import annotations

import logging

import numpy as np
from sklearn.linear_model import LogisticRegression, SGDClassifier

log = logging.getLogger("cjkit.coding.learn")


def sgd(coder, n: int, C: float | None = None, epochs: int | None = None) -> SGDClassifier:
    """One code's logistic model: SGD with class weights against rare codes, a fixed number of passes."""
    return SGDClassifier(loss="log_loss", alpha=1.0 / ((C or coder.C_) * n), max_iter=epochs or coder.epochs,
                         tol=None, class_weight="balanced", random_state=coder.random_state)


def fit_linear(coder, F, Y: np.ndarray, C: float, epochs: int | None = None):
    """Per-code logistic models on *F*: (learned column indices, coef matrix, intercepts)."""
    learned, coefs, intercepts = [], [], []
    for j in range(Y.shape[1]):
        yc = Y[:, j]
        if min(int(yc.sum()), len(yc) - int(yc.sum())) < coder.min_positive:
            continue
        est = sgd(coder, len(yc), C, epochs).fit(F, yc)
        learned.append(j)
        coefs.append(est.coef_.ravel())
        intercepts.append(est.intercept_[0])
    coef = np.array(coefs).T if coefs else np.zeros((F.shape[1], 0))
    return np.array(learned, dtype=np.int64), coef, np.array(intercepts, dtype=float)


def decide(z: np.ndarray, base: np.ndarray, learned: np.ndarray, single: bool) -> np.ndarray:
    """Probabilities from the learned codes' scores *z* (base rates for the others)."""
    P = np.tile(base, (len(z), 1))
    if learned.size:
        if single:      # mutually exclusive codes: softmax over the learned codes' scores
            e = np.exp(z - z.max(1, keepdims=True))
            P[:, learned] = e / e.sum(1, keepdims=True) * max(1.0 - np.delete(base, learned).sum(), 0.0)
        else:
            P[:, learned] = 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))
    return P


def choose_C(coder, F, Y: np.ndarray, single: bool) -> float:
    """C from ``C_grid`` with the best inner cross-validated macro-F1 (training texts only)."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import KFold

    rng = np.random.default_rng(coder.random_state)
    rows = np.sort(rng.permutation(len(Y))[:coder.inner_max])
    F, Y = F[rows], Y[rows]
    base = Y.mean(0)
    scores = {float(c): [] for c in coder.C_grid}
    for tr, te in KFold(int(coder.inner_folds), shuffle=True, random_state=coder.random_state).split(Y):
        for c in scores:
            # half the passes: enough to rank the candidates, at half the cost
            learned, coef, icpt = fit_linear(coder, F[tr], Y[tr], c, max(5, int(coder.epochs) // 2))
            P = decide(np.asarray(F[te] @ coef) + icpt, base, learned, single)
            D = decisions(P, coder.threshold, single)
            scores[c].append(f1_score(Y[te], D, average="macro", zero_division=0))
    coder.cv_scores_ = {c: float(np.mean(v)) for c, v in scores.items()}
    best = max(coder.cv_scores_.values())
    C = min(c for c, v in coder.cv_scores_.items() if v >= best - 1e-9)
    log.info("LearningCoder: C = %g chosen by %d-fold inner cross-validation (macro-F1 %s)",
             C, coder.inner_folds, ", ".join(f"C={c:g}: {v:.3f}" for c, v in coder.cv_scores_.items()))
    return C


def decisions(P: np.ndarray, threshold: float, single: bool) -> np.ndarray:
    """0/1 per code (probability >= *threshold*); *single*: at least the most likely code."""
    out = (P >= threshold).astype(int)
    if single and P.shape[1]:
        out[np.arange(len(P)), P.argmax(1)] = 1
    return out


def platt_scaling(coder, F, yc, folds) -> tuple[float, float]:
    """Slope and intercept of Platt scaling on out-of-fold decision scores."""
    scores = np.zeros(len(yc))
    for k in range(int(coder.cv)):
        test = folds == k
        if len(np.unique(yc[~test])) < 2:
            return 1.0, 0.0
        scores[test] = sgd(coder, int((~test).sum())).fit(F[~test], yc[~test]).decision_function(F[test])
    lr = LogisticRegression(C=1e6).fit(scores[:, None], yc)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])
