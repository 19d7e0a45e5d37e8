"""Similarity fallback of single-label coding: the closest code for answers without a rule hit.

``code_texts(single_label=True, fallback="similar")`` gives an answer that no keyword matched
the code whose own description it resembles most, offline and without training labels:

* each code is described per language by its **code document**: its label, definition,
  keywords, phrases and stems (without the ``*``/``=`` markers) and its include examples in
  that language; an answer of undetermined language is compared with both languages;
* answers and code documents are compared by scikit-learn TF-IDF over word uni- and bigrams
  and over character 3-5-grams (which catch inflections and compounds: "Mietwagens",
  "Rental"), both fitted on the code documents plus the answers being coded; the similarity
  is the mean of the two cosines (0 to 1);
* only codes with rules or examples of their own are candidates (a group or stage heading
  is never given);
* the answer is coded only when its best similarity reaches :data:`MIN_SIMILARITY`; below it
  (a blank, "ok", words no code speaks of) it keeps no code.

:data:`MIN_SIMILARITY` is the chance level of this similarity, measured on the shipped
codebooks alone (``benchmarks/similarity_threshold.py``; no labelled data, no scores): the
include examples of every code, compared with the code documents of the codes they are *not*
about, give pairwise similarities whose 95th percentile is 0.05 and 99th percentile 0.09,
while an example reaches a median 0.15 with its own code (left out of that code's document).
0.10 is thus the similarity that only one in a hundred sentence-code pairs without a relation
reaches, rounded up.

Examples
--------
>>> from cjkit.coding.codebook import load_codebook
>>> from cjkit.coding.similar import closest_codes
>>> cb = load_codebook({"id": "mini", "name_de": "Mini", "name_en": "Mini", "codes": [
...     {"id": "price", "kind": "topic", "label_de": "Preis", "label_en": "Price",
...      "match": {"en": {"keywords": ["price", "expensive", "cheap"]}}},
...     {"id": "staff", "kind": "topic", "label_de": "Personal", "label_en": "Staff",
...      "match": {"en": {"keywords": ["staff", "employee", "rude", "friendly"]}}}]})
>>> code, sim = closest_codes(["too pricey", "the employees", "xyz"], [1, 1, 1], cb)
>>> code.tolist()
[0, 1, -1]
"""
from __future__ import annotations

import logging

import numpy as np

from cjkit.catalog.i18n import LANGS
from cjkit.coding.texts import guess_languages

log = logging.getLogger("cjkit.coding.similar")

MIN_SIMILARITY = 0.10   # 99th percentile of unrelated sentence-code pairs, see the module text
SOURCES = ["rule", "model", "human", "similarity"]   # categories of code_texts' ``source``
SOURCE = SOURCES.index("similarity")
_RULES = ("keywords", "phrases", "stems")


def code_documents(cb, lang: str) -> list[str]:
    """One text per code describing it in *lang*: label, definition, rule terms, examples.

    Parameters
    ----------
    cb : cjkit.coding.codebook.Codebook
    lang : {"de", "en"}

    Returns
    -------
    list of str
        One document per row of ``cb.table``.

    Examples
    --------
    >>> from cjkit.coding.codebook import load_codebook
    >>> from cjkit.coding.similar import code_documents
    >>> cb = load_codebook(["shared"])
    >>> doc = code_documents(cb, "de")[cb.table["code"].tolist().index("booking")]
    >>> "Reservierung" in doc and "reservation" not in doc
    True
    """
    docs = []
    for row in cb.table.itertuples(index=False):
        parts = [_text(getattr(row, f"label_{lang}")), _text(getattr(row, f"definition_{lang}"))]
        for rule in _RULES:
            parts += [t.strip().strip("*=") for t in _text(getattr(row, f"{rule}_{lang}")).split(";")]
        examples = [e.strip() for e in _text(row.examples_include).split(" | ") if e.strip()]
        if examples:
            # examples are stored without a language: keep those recognisably in *lang*
            parts += [e for e, g in zip(examples, guess_languages(examples)) if g == lang]
        docs.append(" ".join(p for p in parts if p))
    return docs


def _text(cell) -> str:
    # a codebook read from CSV has NaN in empty cells
    return cell if isinstance(cell, str) else ""


def _candidates(cb) -> np.ndarray:
    """Codes with rules or examples of their own (headings have neither)."""
    t = cb.table
    own = t["examples_include"].fillna("").str.strip() != ""
    for lang in LANGS:
        for rule in _RULES + ("regex",):
            own |= t[f"{rule}_{lang}"].fillna("").astype(str).str.strip() != ""
    return own.to_numpy(bool)


def similarities(texts, docs, *, fit_on=None):
    """Similarity of each text with each document: mean of word and character TF-IDF cosines.

    Parameters
    ----------
    texts, docs : list of str
    fit_on : list of str, optional
        The texts the TF-IDF weights are fitted on (default: *docs* and *texts*).

    Returns
    -------
    ndarray of float, shape (len(texts), len(docs))
        0 (nothing shared) to 1 (the same words and spelling).

    Examples
    --------
    >>> from cjkit.coding.similar import similarities
    >>> s = similarities(["late train"], ["the train was late", "cheap price"])
    >>> bool(s[0, 0] > 0.3), float(s[0, 1])    # shares words / shares not even a 3-letter piece
    (True, 0.0)
    """
    return _cosine(_fit(list(docs) + list(texts) if fit_on is None else list(fit_on)), texts, docs)


def _fit(corpus: list) -> list:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return [TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True).fit(corpus),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(corpus)]


def _cosine(vecs: list, texts, docs) -> np.ndarray:
    # TF-IDF rows are L2-normalised: the product is the cosine; word and character views count alike
    return sum((v.transform(texts) @ v.transform(docs).T).toarray() for v in vecs) / len(vecs)


def closest_codes(texts, langs, cb) -> tuple[np.ndarray, np.ndarray]:
    """The most similar code per answer, or -1 where none reaches :data:`MIN_SIMILARITY`.

    Parameters
    ----------
    texts : list of str
        Answers (missing ones count as empty).
    langs : array of int
        Language per answer: 0 German, 1 English, 2 undetermined (compared with both).
    cb : cjkit.coding.codebook.Codebook

    Returns
    -------
    code : ndarray of int64
        Row of ``cb.table`` per answer, -1 below the threshold.
    similarity : ndarray of float
        The best similarity per answer (0 to 1), also where no code is given.

    Examples
    --------
    >>> from cjkit.coding.codebook import load_codebook
    >>> from cjkit.coding.similar import closest_codes
    >>> cb = load_codebook(["shared"])
    >>> code, sim = closest_codes(["Die Reservierungen gingen verloren", "hm"], [0, 0], cb)
    >>> str(cb.table["code"].iloc[code[0]]), int(code[1])
    ('booking', -1)
    """
    texts = [t if isinstance(t, str) else "" for t in texts]
    langs = np.asarray(langs, np.int64)
    code, sim = np.full(len(texts), -1, np.int64), np.zeros(len(texts))
    cand = _candidates(cb)
    if not texts or not cand.any():
        return code, sim
    docs = {lang: code_documents(cb, lang) for lang in LANGS}
    docs["und"] = [f"{a} {b}" for a, b in zip(docs["de"], docs["en"])]
    # one fit for all languages: the weights see every code document and every answer
    vecs = _fit(docs["de"] + docs["en"] + texts)
    for li, key in enumerate(("de", "en", "und")):
        idx = np.flatnonzero(langs == li)
        if idx.size:
            s = _cosine(vecs, [texts[i] for i in idx], docs[key])
            s[:, ~cand] = -1.0
            code[idx], sim[idx] = s.argmax(axis=1), np.maximum(s.max(axis=1), 0.0)
    code[sim < MIN_SIMILARITY] = -1
    log.info("similarity fallback: %d of %d answers reach %.2f", int((code >= 0).sum()), len(texts), MIN_SIMILARITY)
    return code, sim


def fill(h: dict, texts: list, cb, tp_code: np.ndarray) -> dict:
    """Give the code-less answers of a single-label coding their closest code, in place.

    Parameters
    ----------
    h : dict of arrays
        One hit per answer as :func:`cjkit.coding.coder.code_texts` builds it (``code`` -1
        where no rule matched); ``code``, ``tp_from`` and ``confidence`` (= the similarity)
        are filled, ``source`` is added (0 rule, :data:`SOURCE` similarity).
    texts : list of str
        All answers, indexed by ``h["row"]``.
    cb : cjkit.coding.codebook.Codebook
    tp_code : ndarray of int
        Per codebook row, the row whose touchpoint it carries (-1: none).

    Returns
    -------
    dict
        *h*.

    Examples
    --------
    >>> import numpy as np
    >>> from cjkit.coding.codebook import load_codebook
    >>> from cjkit.coding.similar import fill
    >>> cb = load_codebook(["shared"])
    >>> h = {"row": np.array([0, 1]), "code": np.array([2, -1]), "tp_from": np.array([2, -1]),
    ...      "confidence": np.array([1.0, 0.0]), "lang": np.array([1, 1])}
    >>> out = fill(h, ["booked", "They lost our reservations"], cb, np.arange(len(cb.table)))
    >>> cb.table["code"].iloc[out["code"]].tolist(), out["source"].tolist()
    (['booking', 'booking'], [0, 3])
    """
    source = np.zeros(h["code"].size, np.int8)
    todo = np.flatnonzero(h["code"] < 0)
    if todo.size:
        code, sim = closest_codes([texts[r] for r in h["row"][todo]], h["lang"][todo], cb)
        ok = code >= 0
        at = todo[ok]
        h["code"][at], h["tp_from"][at], h["confidence"][at] = code[ok], tp_code[code[ok]], sim[ok]
        source[at] = SOURCE
    h["source"] = source
    return h
