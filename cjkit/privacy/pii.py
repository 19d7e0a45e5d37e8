"""Mask personal data in verbatims before they are shown in a notebook, report or export.

Found and replaced by a typed placeholder, so the sentence stays readable and masked items
can be counted:

========================  ==================  ================================================
kind                      placeholder         how it is recognised
========================  ==================  ================================================
``url``                   ``[URL]``           links with query strings, tokens, ids or profiles
``email``                 ``[EMAIL]``         address, also obfuscated ("name (at) web.de",
                                              "name [at] gmx dot de")
``iban``                  ``[IBAN]``          any case, spaces or dashes; ISO 13616 checksum
``card``                  ``[CARD]``          13-19 digits, issuer prefix, Luhn checksum
``date_of_birth``         ``[DATE_OF_BIRTH]`` a date after "geboren am", "born on", "DOB" ...
``id``                    ``[ID]``            after "Kundennummer", "booking reference" ...
``address``               ``[ADDRESS]``       street + house number (DE/AT/CH and EN), postcode
``phone``                 ``[PHONE]``         national and international formats with 7-15
                                              digits; never dates, times, opening hours,
                                              hotline or toll-free numbers
``handle``                ``[HANDLE]``        @names
``name``                  ``[NAME]``          titles, context words, first-name gazetteers
========================  ==================  ================================================

Detection works on spans of the original text; where two detectors claim the same
characters, the one listed first above wins (an IBAN is never half-masked as a phone).

Examples
--------
>>> from cjkit.privacy.pii import mask_pii
>>> mask_pii("Bitte an max.muster@web.de oder 0171 2345678, IBAN DE89 3704 0044 0532 0130 00.")
'Bitte an [EMAIL] oder [PHONE], IBAN [IBAN].'
"""
from __future__ import annotations

import pandas as pd

from cjkit.privacy import pii_patterns as pat
from cjkit.privacy import pii_names
from cjkit.errors import ParameterError

KINDS = ("url", "email", "iban", "card", "date_of_birth", "id", "address", "phone", "handle", "name")
_DETECTORS = {
    "email": pat.emails, "iban": pat.ibans, "card": pat.cards, "date_of_birth": pat.dates_of_birth,
    "id": pat.identifiers, "address": pat.addresses, "phone": pat.phones, "handle": pat.handles, "name": pii_names.names,
}


def _check_kinds(kinds) -> tuple[str, ...]:
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise ParameterError("kinds", bad[0], allowed=KINDS)
    return kinds


_NEED_DIGIT = frozenset({"iban", "card", "date_of_birth", "id", "address", "phone"})


def _find(text: str, kinds: tuple[str, ...], all_urls: bool) -> list[tuple[int, int, str]]:
    taken: list[tuple[int, int, str]] = []
    has_digit = any(c.isdigit() for c in text)
    for kind in KINDS:                     # priority order: earlier kinds keep their characters
        if kind not in kinds or (kind in _NEED_DIGIT and not has_digit):
            continue
        found = pat.urls(text, all_urls) if kind == "url" else _DETECTORS[kind](text)
        for start, end, k in sorted(found, key=lambda s: (s[0], -s[1])):
            if not any(start < e and s < end for s, e, _ in taken):
                taken.append((start, end, k))
    return sorted(taken)


def find_pii(text: str, *, kinds=KINDS, all_urls: bool = False) -> pd.DataFrame:
    """Where personal data is in one text: columns start, end, kind, placeholder.

    Parameters
    ----------
    text : str
    kinds : iterable of str
        Kinds to look for, out of :data:`KINDS`.
    all_urls : bool
        Treat every URL as personal, not only those with tokens or ids.

    Returns
    -------
    DataFrame
        One row per span, in text order (``text[start:end]`` is the personal data).

    Examples
    --------
    >>> find_pii("Frau Müller an der Rezeption")[["start", "end", "kind"]].values.tolist()
    [[5, 11, 'name']]
    """
    kinds = _check_kinds(kinds)
    spans = _find(text, kinds, all_urls) if isinstance(text, str) else []
    return pd.DataFrame({"start": [s for s, _, _ in spans], "end": [e for _, e, _ in spans],
                         "kind": [k for _, _, k in spans], "placeholder": [f"[{k.upper()}]" for _, _, k in spans]})


def _mask_one(text, kinds, all_urls: bool):
    if not isinstance(text, str):
        return text
    for start, end, kind in reversed(_find(text, kinds, all_urls)):
        text = text[:start] + f"[{kind.upper()}]" + text[end:]
    return text


def mask_pii(text_or_series, *, kinds=KINDS, all_urls: bool = False):
    """Mask personal data in a string or a Series of strings.

    Parameters
    ----------
    text_or_series : str, Series or list of str
    kinds : iterable of str
        Kinds to mask, any of ``"email", "url", "iban", "card", "date_of_birth", "id",
        "address", "phone", "handle", "name"`` (default: all).
    all_urls : bool
        Mask every URL, not only those with personal tokens.

    Returns
    -------
    Same type as the input (missing values stay missing).

    Examples
    --------
    >>> mask_pii("Folgt uns @hotel_sonne, Link: https://x.de/b?token=a8f3k2")
    'Folgt uns [HANDLE], Link: [URL]'
    >>> mask_pii("Zimmer 204 kostete 89,50 EUR am 12.03.2024 um 14:30")
    'Zimmer 204 kostete 89,50 EUR am 12.03.2024 um 14:30'
    >>> mask_pii("Frau Müller an der Rezeption, IBAN de89 3704 0044 0532 0130 00")
    'Frau [NAME] an der Rezeption, IBAN [IBAN]'
    >>> mask_pii("Mail: anna (at) web.de", kinds=["email"])
    'Mail: [EMAIL]'
    """
    kinds = _check_kinds(kinds)
    if isinstance(text_or_series, pd.Series):
        return text_or_series.map(lambda t: _mask_one(t, kinds, all_urls), na_action="ignore").astype(
            text_or_series.dtype if text_or_series.dtype != object else object)
    if isinstance(text_or_series, (list, tuple)):
        return [_mask_one(t, kinds, all_urls) for t in text_or_series]
    return _mask_one(text_or_series, kinds, all_urls)


def count_pii(text_or_series) -> pd.DataFrame:
    """How many items of each kind would be masked: columns kind, n.

    Parameters
    ----------
    text_or_series : str, list or Series

    Returns
    -------
    DataFrame
        One row per kind of :data:`KINDS`.

    Examples
    --------
    >>> count_pii(["a@b.de", "call +49 30 1234567"]).set_index("kind")["n"].to_dict()["email"]
    1
    """
    texts = list(text_or_series) if not isinstance(text_or_series, str) else [text_or_series]
    counts = dict.fromkeys(KINDS, 0)
    for t in texts:
        if isinstance(t, str):
            for _, _, kind in _find(t, KINDS, False):
                counts[kind] += 1
    return pd.DataFrame({"kind": list(counts), "n": list(counts.values())})
