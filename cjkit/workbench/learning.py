"""The learning coder inside a coding session: train on the researcher's codes, score it on new ones.

The session trains a :class:`cjkit.LearningCoder` on the finished answers (text features only:
the rule coder's hits are shown beside it as suggestions of their own) and, before it trains
again, scores the model it had on the answers coded since; those answers were not part of its
training, so the figures are an honest held-out check. Every code decision (answer x code, yes
or no) is one unit: Cohen's kappa and Krippendorff's alpha (:mod:`cjkit.coding.agreement`) and
F1 of the model's decisions against the researcher's.

Examples
--------
>>> from cjkit.workbench.learning import agreement_figures
>>> agreement_figures([1, 0, 1, 0], [1, 0, 1, 0])["cohen_kappa"]
1.0
"""
from __future__ import annotations

import logging

import numpy as np

from cjkit.coding.agreement import cohen_kappa, krippendorff_alpha
from cjkit.coding.learn import LearningCoder
from cjkit.errors import DataError

log = logging.getLogger("cjkit.workbench.learning")


def decisions(codes: dict, units, code_list) -> np.ndarray:
    """0/1 matrix units x codes from a mapping unit -> list of codes."""
    index = {c: j for j, c in enumerate(code_list)}
    m = np.zeros((len(units), len(code_list)), dtype=int)
    for i, u in enumerate(units):
        for c in codes.get(u, ()):
            if c in index:
                m[i, index[c]] = 1
    return m


def agreement_figures(a, b) -> dict:
    """Cohen's kappa, Krippendorff's alpha and F1 of two 0/1 decision vectors (researcher, model)."""
    a, b = np.asarray(a, dtype=int), np.asarray(b, dtype=int)
    tp, fp, fn = int((a & b).sum()), int(((1 - a) & b).sum()), int((a & (1 - b)).sum())
    return {"cohen_kappa": cohen_kappa(a, b) if len(a) else float("nan"),
            "krippendorff_alpha": krippendorff_alpha(np.stack([a, b])) if len(a) else float("nan"),
            "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0}


def fit_coder(texts: list, labels: list, *, threshold: float = 0.5) -> LearningCoder | None:
    """A learning coder trained on *texts* and their code lists; None while there is too little to learn."""
    if not any(labels):
        return None
    # a fixed C and fewer passes: trained every few answers, it must answer in well under a second
    model = LearningCoder(codebook=None, C=4.0, epochs=10, threshold=threshold, progress=False)
    try:
        return model.fit(texts, labels)
    except DataError as exc:
        log.info("learning coder not trained yet: %s", exc)
        return None


def score_coder(model: LearningCoder, texts: list, units: list, researcher: dict) -> dict:
    """Agreement figures of *model*'s decisions on *texts* (the *units*) with the researcher's codes."""
    pred = model.predict(texts)
    cols = list(pred.columns)
    predicted = {u: [c for j, c in enumerate(cols) if pred.iat[i, j]] for i, u in enumerate(units)}
    codes = sorted({c for u in units for c in researcher.get(u, [])} | set(cols))
    a, b = decisions(researcher, units, codes), decisions(predicted, units, codes)
    return agreement_figures(a.ravel(), b.ravel())
