"""Which uncoded answers a human should code next: the learning coder's least confident first.

Examples
--------
See :func:`suggest_next`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cjkit.coding.texts import text_input
from cjkit.privacy.pii import mask_pii

if TYPE_CHECKING:
    from cjkit.coding.learn import LearningCoder


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
    >>> from cjkit.coding.suggest import suggest_next
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
