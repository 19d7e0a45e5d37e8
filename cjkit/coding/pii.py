"""Mask personal data in verbatims before they are shown in a notebook or report.

Masked: e-mail addresses, IBANs, phone numbers (German and international formats),
URLs that carry personal tokens (query strings, long ids, e-mail or token paths) and
@handles. Each is replaced by a bracketed tag, e.g. ``[EMAIL]``, so that the sentence stays
readable and counts of masked items can be reported.

Examples
--------
>>> from cjkit.coding.pii import mask_pii
>>> mask_pii("Bitte an max.muster@web.de oder 0171 2345678, IBAN DE89 3704 0044 0532 0130 00.")
'Bitte an [EMAIL] oder [PHONE], IBAN [IBAN].'
"""
from __future__ import annotations

import re

import pandas as pd

from cjkit.errors import ParameterError

# Order matters: e-mails and URLs before handles and phone numbers (their digits and @).
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", flags=re.IGNORECASE)
# IBAN: 2 letters, 2 check digits, 10-30 alphanumerics, optionally grouped by spaces in 4s
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
_HANDLE = re.compile(r"(?<![\w@.])@\w(?:[\w.]{0,29}\w)?\b")
# Phone: +49 / 0049 / (0)... / 0xxx, then groups of digits separated by space, /, -, . or ()
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\d{1,3}[\s./-]?(?:\(0\)[\s./-]?)?|\(?0\)?)"   # country code or trunk 0
    r"\(?\d{1,5}\)?(?:[\s./-]?\d{1,5}){1,5}(?!\w)")
# A URL is personal when it carries a query string or fragment, an e-mail, a path segment
# that looks like an id/token (8+ characters with a digit, or long hex), or is a profile
# on a social network.
_URL_MARKERS = re.compile(r"[?#&=]|%40|@", flags=re.IGNORECASE)
_SOCIAL = re.compile(r"(?:facebook|instagram|linkedin|xing|twitter|x|tiktok|youtube|t\.me|wa\.me|github)\.",
                     flags=re.IGNORECASE)


def _is_personal_url(url: str) -> bool:
    if _URL_MARKERS.search(url):
        return True
    rest = re.sub(r"^(?:https?://)?", "", url, flags=re.IGNORECASE)
    host, _, path = rest.partition("/")
    segments = [seg for seg in path.split("/") if seg]
    if segments and _SOCIAL.search(host + "."):
        return True
    return any((len(seg) >= 8 and any(c.isdigit() for c in seg)) or re.fullmatch(r"[0-9a-f]{12,}", seg, re.I)
               for seg in segments)


KINDS = ("email", "url", "iban", "phone", "handle")


def _phone(m: re.Match) -> str:
    digits = sum(c.isdigit() for c in m.group())
    # 7-15 digits: shorter are prices, postcodes, times; longer are ids
    return "[PHONE]" if 7 <= digits <= 15 else m.group()


def _url(m: re.Match, all_urls: bool) -> str:
    url = m.group()
    trail = ""
    while url and url[-1] in ".,;:!?)":   # sentence punctuation is not part of the URL
        url, trail = url[:-1], url[-1] + trail
    return ("[URL]" if all_urls or _is_personal_url(url) else url) + trail


def _mask_one(text, kinds, all_urls: bool):
    if not isinstance(text, str):
        return text
    if "email" in kinds:
        text = _EMAIL.sub("[EMAIL]", text)
    if "url" in kinds:
        text = _URL.sub(lambda m: _url(m, all_urls), text)
    if "iban" in kinds:
        text = _IBAN.sub("[IBAN]", text)
    if "handle" in kinds:
        text = _HANDLE.sub("[HANDLE]", text)
    if "phone" in kinds:
        text = _PHONE.sub(_phone, text)
    return text


def mask_pii(text_or_series, *, kinds=KINDS, all_urls: bool = False):
    """Mask personal data in a string or a Series of strings.

    Parameters
    ----------
    text_or_series : str, Series or list of str
    kinds : iterable of {"email", "url", "iban", "phone", "handle"}
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
    """
    kinds = tuple(kinds)
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise ParameterError("kinds", bad[0], allowed=KINDS)
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
    rows = []
    for kind in KINDS:
        n = 0
        for t in texts:
            if isinstance(t, str):
                masked = _mask_one(t, (kind,), False)
                n += masked.count(f"[{kind.upper()}]") - t.count(f"[{kind.upper()}]")
        rows.append({"kind": kind, "n": n})
    return pd.DataFrame(rows)
