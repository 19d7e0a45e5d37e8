"""The shipped sentiment lexicons: their files and their terms in a term table.

``cjkit/data/lexicons/sentiment_<lang>.yaml`` holds ``terms`` (term -> valence -3..+3, as in
VADER; valence 0 marks a phrase that is *no* judgement, such as "laut Plan", and absorbs the
words inside it) and ``markers``, the complaint markers of :mod:`cjkit.coding.social`. The
sentiment scorer reads the valences; the language guesser counts the terms of each language
as evidence where stopwords tie (:func:`cjkit.coding.texts.guess_languages`).

Examples
--------
>>> from cjkit.coding.lexicons import lexicon_terms
>>> lexicon_terms("de")["freundlich"]
2.0
"""
from __future__ import annotations

import functools

from cjkit.catalog.config import DATA, read_yaml
from cjkit.catalog.i18n import LANGS
from cjkit.coding import matcher as M
from cjkit.coding.social import MARKER


@functools.cache
def lexicon_file(lang: str) -> dict:
    """The parsed lexicon file of one language (``terms`` and ``markers``).

    Parameters
    ----------
    lang : {"de", "en"}

    Returns
    -------
    dict

    Examples
    --------
    >>> from cjkit.coding.lexicons import lexicon_file
    >>> sorted(lexicon_file("en"))
    ['language', 'markers', 'terms']
    """
    return read_yaml(DATA / "lexicons" / f"sentiment_{lang}.yaml")


def lexicon_terms(lang: str) -> dict:
    """Term -> valence of one language's lexicon (without the complaint markers).

    Parameters
    ----------
    lang : {"de", "en"}

    Returns
    -------
    dict

    Examples
    --------
    >>> from cjkit.coding.lexicons import lexicon_terms
    >>> lexicon_terms("en")["=rude"]
    -2.0
    """
    return lexicon_file(lang)["terms"]


def add_lexicon(table: M.TermTable) -> None:
    """Add both lexicons to a term table: the terms, and the complaint markers (owner ``MARKER``).

    Parameters
    ----------
    table : cjkit.coding.matcher.TermTable
        Gets one sentiment term per lexicon entry, changed in place.

    Returns
    -------
    None

    Examples
    --------
    >>> from cjkit.coding import matcher
    >>> from cjkit.coding.lexicons import add_lexicon, lexicon_terms
    >>> t = matcher.TermTable()
    >>> add_lexicon(t)
    >>> len(t.label) >= len(lexicon_terms("de")) + len(lexicon_terms("en"))
    True
    """
    for lang in LANGS:
        for term, val in lexicon_terms(lang).items():
            table.add(term, M.SENT, lang=lang, weight=float(val))
        for term, val in lexicon_file(lang).get("markers", {}).items():
            table.add(term, M.SENT, owner=MARKER, lang=lang, weight=float(val))
