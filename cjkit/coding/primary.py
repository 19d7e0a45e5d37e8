"""One code per answer: the evidence rule of ``code_texts(single_label=True)``.

Some analyses need exactly one code per answer (a business area, the primary topic, an
intent). Of the codes the rules found in an answer, the one with the strongest evidence is kept:

1. **more pieces of evidence**: each stretch of text matched for the code that brings a term
   not met before. "late" and "delay" are two pieces of evidence for punctuality, "late, late,
   late" is one (repeating a word adds nothing), and so is "it took us" when both "it took" and
   "took us" are terms (overlapping matches are one stretch of text);
2. then the code with more of that evidence **in the point of the answer**: the part of a
   sentence after a contrast word ("aber", "jedoch", "allerdings", "trotzdem", "dennoch";
   "but", "however"; "X war gut, aber Y", "X was fine, but Y": Y is the point), and the
   main clause beside a concessive one ("obwohl", "although", "though": in "although X, Y"
   and "Y, although X" the point is Y). "However" and the German adverbs may stand inside
   their clause ("der Preis war jedoch zu hoch"): the point starts where that clause starts.
   This counts only in answers of up to three sentences; in a longer story ("I paid the
   loan, but the bureau still reports it") "but" carries the narrative, not the point;
3. then the **more specific** code: a code that a later codebook added to a composed codebook
   (an industry's or your own) over a shared one; then a topic (what the answer is about) over
   a touchpoint (where it happened); then a code deeper in the code tree;
4. then the code **mentioned first** in the answer;
5. then the code listed first in the codebook, so the choice never depends on chance.

So a contrast decides between codes with equal evidence, it never outweighs more evidence:
in "staff friendly and helpful, but the car was dirty" two terms for friendliness still beat
one for cleanliness. Polarity and negation play no part: a complaint about the price and praise
of the price are both about the price. Answers without any rule hit keep no code;
:func:`code_texts` still returns a row for each of them (code missing), so no answer is lost.
With ``fallback="similar"`` such an answer may get the code whose description it resembles
most (:mod:`cjkit.coding.similar`), marked ``source`` "similarity"; the choice among rule hits
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

from cjkit.coding import matcher as M

# Contrast words among the scanner's clause words (rule 2). "doch", "yet" and "while" are left
# out: mostly a particle, "not yet" and "while waiting", not a contrast.
CONJUNCTIONS = {"aber", "but"}            # open the part that is the point
ADVERBS = {"jedoch", "allerdings", "trotzdem", "dennoch", "however"}   # the point is their clause
CONCESSIVE = {"obwohl", "although", "though"}   # their clause is conceded, the rest is the point
MAX_SENTENCES = 3   # longer answers tell a story: a contrast there is no sign of the point


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
         spec: np.ndarray, *, end: np.ndarray | None = None, point: np.ndarray | None = None) -> np.ndarray:
    """Indices of the hits to keep: per answer, the first span of its primary code.

    Parameters
    ----------
    row, code, rule, start : ndarray of int
        Per code hit: answer number, codebook row, matched rule term, start offset.
    spec : ndarray of int
        :func:`specificity` per codebook row.
    end : ndarray of int, optional
        Per hit: end offset. Overlapping hits of one code are one stretch of text (one piece
        of evidence); without *end* no two hits overlap.
    point : ndarray of bool, optional
        Per hit: in the point of its answer (:func:`in_point`); default none is.

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
    >>> # "it took us ... price": overlapping terms 1, 2 of code 0 are one stretch, so the
    >>> # tie goes to the more specific code 1
    >>> pick(np.array([0, 0, 0]), np.array([0, 0, 1]), np.array([1, 2, 3]), np.array([0, 3, 20]),
    ...      spec=np.array([1, 2]), end=np.array([7, 10, 25])).tolist()
    [2]
    >>> # one term each, code 0 in the point ("... but <code 0>"): it beats the specific code 1
    >>> pick(np.array([0, 0]), np.array([0, 1]), np.array([7, 8]), np.array([9, 0]),
    ...      spec=np.array([1, 2]), point=np.array([True, False])).tolist()
    [0]
    """
    row, code, rule, start = (np.asarray(x, np.int64) for x in (row, code, rule, start))
    if row.size == 0:
        return np.zeros(0, np.int64)
    end = start if end is None else np.asarray(end, np.int64)
    point = np.zeros(row.size, bool) if point is None else np.asarray(point, bool)
    # hits of one (answer, code) together, in reading order (the longer of two at one start first)
    o = np.lexsort((rule, -end, start, code, row))
    r, c, s, e = row[o], code[o], start[o], end[o]
    new_pair = np.r_[True, (r[1:] != r[:-1]) | (c[1:] != c[:-1])]
    pair = np.cumsum(new_pair) - 1
    # stretches: a hit that starts before the earlier hits of its pair have ended joins their
    # stretch (the pair number in the high digits lets one running maximum serve all pairs)
    big = int(max(e.max(), s.max())) + 1
    reach = np.maximum.accumulate(pair * big + e)
    new_stretch = new_pair | (pair * big + s >= np.r_[-1, reach[:-1]])
    stretch = np.cumsum(new_stretch) - 1
    heads = np.flatnonzero(new_stretch)
    s_point = np.maximum.reduceat(point[o].astype(np.int64), heads)
    # a stretch counts when it holds a term not met earlier in the answer for that code
    n_rules = int(rule.max()) + 1
    _, first = np.unique(pair * n_rules + rule[o], return_index=True)
    counted = np.unique(stretch[first])
    s_pair = pair[heads][counted]
    n_pairs = int(pair[-1]) + 1
    n_evidence = np.bincount(s_pair, minlength=n_pairs)
    n_point = np.bincount(s_pair, weights=s_point[counted], minlength=n_pairs)
    head = np.flatnonzero(new_pair)
    p_row, p_code, p_start, p_hit = r[head], c[head], s[head], o[head]
    # per answer: most evidence, most in the point, most specific, first mentioned, first listed
    best = np.lexsort((p_code, p_start, -spec[p_code], -n_point, -n_evidence, p_row))
    keep = best[np.r_[True, p_row[best][1:] != p_row[best][:-1]]]
    return np.sort(p_hit[keep])


def in_point(scan, table, doc, start) -> np.ndarray:
    """Whether each code hit stands in the point of its answer (rule 2 of the module).

    Parameters
    ----------
    scan : cjkit.coding.matcher.Scan
        The scanned chunk (its clause words and punctuation).
    table : cjkit.coding.matcher.TermTable
        The terms of the scanner (to tell the contrast words among its clause words).
    doc, start : ndarray of int
        Per code hit: text number in the chunk and folded start offset.

    Returns
    -------
    ndarray of bool

    Examples
    --------
    >>> import numpy as np
    >>> from cjkit.coding import matcher as M
    >>> from cjkit.coding.primary import in_point
    >>> t = M.TermTable(); M.add_function_words(t, stopwords=False, sentiment=False)
    >>> scan = M.Matcher(t).scan(M.fold_block(["Auto gut, aber Preis hoch. Service ok"]))
    >>> in_point(scan, t, np.zeros(3, int), np.array([1, 16, 28])).tolist()   # Auto, Preis, Service
    [False, True, False]
    """
    doc, start = np.asarray(doc, np.int64), np.asarray(start, np.int64)
    point = np.zeros(start.size, bool)
    ci = scan.of_kind(M.CLAUSE)
    if not ci.size or not start.size:
        return point
    word = pd.Series(np.asarray(table.label, dtype=object)[scan.term[ci]]).str.lstrip("=").to_numpy()
    w_start, w_end = scan.start[ci], scan.end[ci]
    sentence = scan.ctx.sentence_pos      # sentence punctuation; the texts are joined by a newline
    h_sent = np.searchsorted(sentence, start, side="right")
    # where the point starts: at a conjunction, or where the clause holding an adverb starts
    at = np.where(np.isin(word, list(CONJUNCTIONS)), w_start, -1)
    adv = np.isin(word, list(ADVERBS))
    if adv.any():
        at[adv] = _clause_start(scan, w_start[adv], w_end[adv])
    at = np.sort(at[at >= 0])
    if at.size:
        j = np.searchsorted(at, start, side="right") - 1
        point |= (j >= 0) & (np.searchsorted(sentence, at, side="right")[np.maximum(j, 0)] == h_sent)
    conc = np.isin(word, list(CONCESSIVE))
    if conc.any():
        # the conceded clause runs from the word to the next clause boundary (comma, clause word);
        # the rest of its sentence is the point
        c_start = np.sort(w_start[conc])
        bounds = scan.clause_positions()
        nxt = np.searchsorted(bounds, c_start, side="right")
        c_end = np.where(nxt < bounds.size, bounds[np.minimum(nxt, bounds.size - 1)], np.iinfo(np.int64).max)
        c_sent = np.searchsorted(sentence, c_start, side="right")
        j = np.searchsorted(c_start, start, side="right") - 1
        conceded = (j >= 0) & (start < c_end[np.maximum(j, 0)])
        same = np.isin(h_sent, c_sent)
        point = (point | same) & ~conceded
    # only short answers: in a story of many sentences a contrast is no sign of the point
    return point & (_sentences(scan)[doc] <= MAX_SENTENCES)


def _clause_start(scan, w_start, w_end) -> np.ndarray:
    """Start of the clause (between punctuation marks) holding each adverb; an adverb set off
    by commas on both sides (", however,") is no clause of its own: then the clause before."""
    punct = scan.ctx.clause_pos
    if not punct.size:
        return np.zeros(w_start.size, np.int64)
    k = np.searchsorted(punct, w_start, side="right") - 1
    nk = np.minimum(k + 1, punct.size - 1)
    alone = ((k >= 0) & (k + 1 < punct.size) & _no_word(scan, punct[np.maximum(k, 0)] + 1, w_start)
             & _no_word(scan, w_end, np.maximum(punct[nk], w_end)))
    k = np.where(alone, k - 1, k)
    clause = np.where(k >= 0, punct[np.maximum(k, 0)] + 1, 0)
    sentence = scan.ctx.sentence_pos
    s = np.searchsorted(sentence, w_start, side="right") - 1
    sent = np.where(s >= 0, sentence[np.maximum(s, 0)] + 1, 0) if sentence.size else 0
    return np.maximum(clause, sent)


def _no_word(scan, lo, hi) -> np.ndarray:
    """Per pair: no word starts in the folded text ``[lo, hi)``."""
    words = scan.ctx.word_starts
    return np.searchsorted(words, lo) == np.searchsorted(words, hi)


def _sentences(scan) -> np.ndarray:
    """Sentences per text of the chunk: a sentence starts at each text's first word and at the
    first word after sentence punctuation ("Great... But" is two, not four)."""
    words, doc_start = scan.ctx.word_starts, scan.block.doc_start_f
    nxt = np.searchsorted(words, scan.ctx.sentence_pos)
    starts = np.unique(np.r_[words[nxt[nxt < words.size]], words[:1]])
    return np.bincount(np.searchsorted(doc_start, starts, side="right") - 1, minlength=doc_start.size)
