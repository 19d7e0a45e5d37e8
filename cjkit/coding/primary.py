"""One code per answer: the evidence rule of ``code_texts(single_label=True)``.

Some analyses need exactly one code per answer (a business area, the primary topic, an
intent). Of the codes the rules found in an answer, the one with the strongest evidence is kept:

1. **more distinct rule terms** matched: "late" and "delay" are two pieces of evidence for
   punctuality, "late, late, late" is one (repeating a word adds nothing);
2. then the **more specific** code: a code that a later codebook added to a composed codebook
   (an industry's or your own) over a shared one; then a topic (what the answer is about) over
   a touchpoint (where it happened); then a code deeper in the code tree;
3. then the code **mentioned first** in the answer;
4. then the code listed first in the codebook, so the choice never depends on chance.

Polarity and negation play no part: a complaint about the price and praise of the price are
both about the price. Answers without any rule hit keep no code; :func:`code_texts` still
returns a row for each of them (code missing), so no answer is lost. With
``fallback="similar"`` such an answer may get the code whose description it resembles most
(:mod:`cjkit.coding.similar`), marked ``source`` "similarity"; the choice among rule hits
above is not touched by it.

Examples
--------
>>> import numpy as np
>>> from cjkit.coding.primary import pick
>>> # answer 0: code 1 has two distinct terms (rules 5, 6) against one for code 0
>>> pick(row=np.array([0, 0, 0]), code=np.array([0, 1, 1]), rule=np.array([4, 5, 6]),
...      start=np.array([0, 10, 20]), spec=np.zeros(2, np.int64)).tolist()
[1]
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def specificity(cb) -> np.ndarray:
    """Specificity rank per codebook row (higher = more specific), rule 2 of the module.

    Parameters
    ----------
    cb : cjkit.coding.codebook.Codebook

    Returns
    -------
    ndarray of int64
        One rank per row of ``cb.table``.

    Examples
    --------
    >>> from cjkit.coding.codebook import load_codebook
    >>> from cjkit.coding.primary import specificity
    >>> cb = load_codebook(["shared", "car_rental"])
    >>> s = dict(zip(cb.table["code"], specificity(cb)))
    >>> bool(s["vehicle_condition"] > s["product_quality"] > s["booking"])   # industry > topic > touchpoint
    True
    """
    table = cb.table
    added = np.zeros(len(table), bool)
    comp = cb.composition
    if comp is not None and len(comp):
        added = table["code"].isin(comp.loc[comp["action"] == "added", "code"]).to_numpy()
    topic = (table["kind"] == "topic").to_numpy()
    level = np.minimum(table["level"].to_numpy(np.int64), 99)
    return added * 10_000 + topic * 1_000 + level


def pick(row: np.ndarray, code: np.ndarray, rule: np.ndarray, start: np.ndarray,
         spec: np.ndarray) -> np.ndarray:
    """Indices of the hits to keep: per answer, the first span of its primary code.

    Parameters
    ----------
    row, code, rule, start : ndarray of int
        Per code hit: answer number, codebook row, matched rule term, start offset.
    spec : ndarray of int
        :func:`specificity` per codebook row.

    Returns
    -------
    ndarray of int
        Sorted hit indices, one per answer that has any hit.

    Examples
    --------
    >>> import numpy as np
    >>> from cjkit.coding.primary import pick
    >>> # one term each: the more specific code 1 wins although code 0 comes first
    >>> pick(np.array([0, 0]), np.array([0, 1]), np.array([7, 8]), np.array([0, 9]),
    ...      spec=np.array([1, 2])).tolist()
    [1]
    """
    row, code, rule, start = (np.asarray(x, np.int64) for x in (row, code, rule, start))
    if row.size == 0:
        return np.zeros(0, np.int64)
    # hits of one (answer, code) together, earliest first
    o = np.lexsort((rule, start, code, row))
    r, c = row[o], code[o]
    new_pair = np.r_[True, (r[1:] != r[:-1]) | (c[1:] != c[:-1])]
    pair = np.cumsum(new_pair) - 1
    # distinct rule terms per pair: one count per distinct (pair, rule)
    uniq = pd.unique(pair * (int(rule.max()) + 1) + rule[o])
    n_terms = np.bincount(uniq // (int(rule.max()) + 1), minlength=int(pair[-1]) + 1)
    first = np.flatnonzero(new_pair)
    p_row, p_code, p_start, p_hit = r[first], c[first], start[o][first], o[first]
    # per answer: most terms, most specific, first mentioned, first in the codebook
    best = np.lexsort((p_code, p_start, -spec[p_code], -n_terms, p_row))
    keep = best[np.r_[True, p_row[best][1:] != p_row[best][:-1]]]
    return np.sort(p_hit[keep])
