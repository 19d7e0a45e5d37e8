"""Quotes that cannot identify a person: what may stand beside a verbatim in a report.

A verbatim is personal data twice over: by what it says (masked with
:func:`cjkit.privacy.pii.mask_pii`) and by what stands beside it. A respondent id, or a
persona, hotel and age group that together fit one guest, point at the person as surely as a
name. So a published quote

* never carries a respondent id (:data:`NEVER_BESIDE`), whatever the allow-list says;
* carries only the columns of an allow-list (:data:`DEFAULT_ALLOW`: question, codes,
  evidence, polarity); a segment column appears only when it is allowed by name;
* names a segment only when that segment has at least ``min_group`` respondents
  (:data:`DEFAULT_MIN_GROUP`); a smaller group is shown as "(small group)";
* appears once: answers that are the same after masking (copied, or given to several
  questions) are merged, with the number of ``mentions``.
"""
from __future__ import annotations

import re

import pandas as pd

from cjkit.catalog import i18n
from cjkit.privacy.pii import mask_pii
from cjkit.errors import ParameterError

#: columns that may stand beside a quote unless the caller says otherwise
DEFAULT_ALLOW = ("question", "codes", "evidence", "polarity")
#: smallest segment (respondents) a quote may be attributed to
DEFAULT_MIN_GROUP = 10
#: columns never shown beside a quote
NEVER_BESIDE = ("respondent_id", "id", "email", "e_mail", "name", "phone", "ip_address", "row")


def _norm(text) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def safe_quotes(quotes: pd.DataFrame, *, text: str = "text", allow=DEFAULT_ALLOW, respondents=None,
                min_group: int = DEFAULT_MIN_GROUP, lang: str = "de") -> pd.DataFrame:
    """Verbatims ready to publish: masked, de-duplicated, only allowed columns beside them.

    Parameters
    ----------
    quotes : DataFrame
        One row per answer: the text column and any other columns.
    text : str
        Name of the text column.
    allow : sequence of str
        Columns that may stand beside the quote (those missing from ``quotes`` are ignored).
        A respondent id or another column of :data:`NEVER_BESIDE` is refused.
    respondents : DataFrame, optional
        One row per respondent with the segment columns; gives the size of each segment.
        Without it the sizes are counted in ``quotes`` itself.
    min_group : int
        Segments with fewer respondents are not named beside a quote.
    lang : {"de", "en"}
        Language of the "(small group)" label.

    Returns
    -------
    DataFrame
        ``text`` (masked) first, the allowed columns, and ``mentions`` (how many answers gave
        this text); one row per distinct text, in the order of first appearance.

    Examples
    --------
    >>> import pandas as pd
    >>> q = pd.DataFrame({"respondent_id": ["a@x.de", "r2", "r3"], "hotel": ["Berlin", "Berlin", "Sylt"],
    ...                   "text": ["WLAN weg, ruf an: 0171 2345678", "Frühstück top", "frühstück top "]})
    >>> safe_quotes(q, allow=["hotel"], min_group=2, lang="en")
                        text           hotel  mentions
    0  WLAN weg, ruf an: [PHONE]          Berlin         1
    1          Frühstück top  Berlin; (small group)         2
    """
    i18n.check_lang(lang)
    allow = [allow] if isinstance(allow, str) else list(allow)
    refused = [c for c in allow if c.casefold() in NEVER_BESIDE]
    if refused:
        raise ParameterError("allow", refused[0], allowed="columns that do not identify a respondent")
    if text not in quotes.columns:
        raise ParameterError("text", text, allowed=list(quotes.columns))
    if not isinstance(min_group, int) or min_group < 1:
        raise ParameterError("min_group", min_group, allowed="an integer >= 1")
    beside = [c for c in allow if c in quotes.columns and c != text]
    out = quotes[[text, *beside]].copy()
    out = out[out[text].notna() & (out[text].astype(str).str.strip() != "")]
    out[text] = mask_pii(out[text].astype("string"))
    for col in beside:
        if pd.api.types.is_string_dtype(out[col]) or out[col].dtype == object:
            out[col] = mask_pii(out[col].astype("string"))
    small = i18n.label("small_group", lang)
    base = respondents if respondents is not None else quotes
    for col in beside:
        if col in base.columns and col not in DEFAULT_ALLOW:
            sizes = base[col].value_counts(dropna=True)
            ok = out[col].map(sizes).fillna(0) >= min_group
            out[col] = out[col].astype("string").where(ok, small)
    key = out[text].map(_norm)
    if "question" in beside:
        key = out["question"].astype(str) + "\x00" + key
    grouped = out.groupby(key, sort=False)
    agg = {col: (col, lambda s: "; ".join(dict.fromkeys(s.dropna().astype(str))) if not
                 pd.api.types.is_numeric_dtype(s) else s.mean()) for col in beside}
    result = grouped.agg(**{text: (text, "first")}, **agg, mentions=(text, "size")).reset_index(drop=True)
    return result.rename(columns={text: "text"})
