"""How coding functions take open answers, and the one language guesser.

The text-input convention
-------------------------
Every coding function (:func:`~cjkit.coding.coder.code_texts`,
:func:`~cjkit.coding.sentiment.score_sentiment`, ...) accepts the answers in one of three forms
and reads them with :func:`text_input`:

* a **DataFrame** with a text column (``text_col``, default ``"text"``) and identifying
  columns (``id_cols``; default ``respondent_id`` and ``question`` where present);
* a **Series**: its index becomes ``respondent_id`` and its name ``question``;
* a **list** (or any iterable) of answers: the position becomes ``respondent_id``.

Missing answers (``None``, NaN, ``pd.NA``) become ``""``: the row stays, so results line up
with the input, and it is an *empty* answer (``has_text`` False), not a neutral one. Other
non-string values (numbers typed into a text field) are read as their text.

Languages
---------
A response is German, English or undetermined (``"und"``, ISO 639-2). :func:`guess_language`
decides by counting German and English function words (``cjkit/data/lexicons/function_words.yaml``)
plus umlauts and ß as German evidence; a tie is ``"und"``. It is the same rule the coder and
sentiment scorer apply with ``lang="auto"`` (:meth:`cjkit.coding.matcher.Scan.doc_lang`).

Examples
--------
>>> import pandas as pd
>>> from cjkit.coding.texts import guess_language, text_input
>>> values, ids = text_input(pd.Series(["gut", None], index=["r1", "r2"], name="q1"))
>>> values, ids["respondent_id"].tolist(), ids["question"].tolist()
(['gut', ''], ['r1', 'r2'], ['q1', 'q1'])
>>> guess_language("Das Zimmer war sehr sauber"), guess_language("The room was clean"), guess_language("ok")
('de', 'en', 'und')
"""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from cjkit.catalog.i18n import LANGS
from cjkit.coding import matcher as M
from cjkit.errors import DataError, ParameterError

#: Language codes of a response: the report languages plus "und" (undetermined).
RESPONSE_LANGS = (*LANGS, "und")


def text_input(texts, text_col: str = "text", id_cols=None) -> tuple[list[str], pd.DataFrame]:
    """Answers as a list of str plus the identifying columns of each (see the module docstring).

    Parameters
    ----------
    texts : DataFrame, Series or list of str
    text_col : str
        Text column of a DataFrame.
    id_cols : list of str, optional
        Identifying columns of a DataFrame; default ``respondent_id`` and ``question`` where present.

    Returns
    -------
    values : list of str
        One str per input row; missing answers are ``""``.
    ids : DataFrame
        The id columns, always with ``respondent_id`` (or the given ids) and ``question``.

    Raises
    ------
    DataError
        If the text column or an id column is missing, naming the columns that exist.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.coding.texts import text_input
    >>> values, ids = text_input(pd.DataFrame({"respondent_id": ["a"], "text": [float("nan")]}))
    >>> values, ids.columns.tolist()
    ([''], ['respondent_id', 'question'])
    >>> text_input(["gut", 3])[0]
    ['gut', '3']
    """
    if isinstance(texts, pd.DataFrame):
        if text_col not in texts.columns:
            raise DataError(f"no text column '{text_col}'; columns are {', '.join(map(str, texts.columns))}",
                            column=text_col)
        if id_cols is None:
            id_cols = [c for c in ("respondent_id", "question") if c in texts.columns]
        missing = [c for c in id_cols if c not in texts.columns]
        if missing:
            raise DataError(f"id column(s) {missing} not in the data", column=missing[0])
        ids = texts[list(id_cols)].reset_index(drop=True)
        series = texts[text_col]
    elif type(texts) is list and set(map(type, texts)) <= {str}:
        # the usual list of answers: used as it is, no Series of the texts is built
        ids = pd.DataFrame({"respondent_id": np.arange(len(texts)).astype(object), "question": None})
        return texts, ids
    else:
        if isinstance(texts, str):  # a lone string would otherwise be read letter by letter
            texts = [texts]
        series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
        # the index becomes respondent_id (cast to string only for rows that are returned)
        ids = pd.DataFrame({"respondent_id": np.asarray(series.index, dtype=object)})
    if "question" not in ids.columns:
        q = series.name if isinstance(texts, pd.Series) and series.name is not None else (
            text_col if isinstance(texts, pd.DataFrame) else None)
        ids["question"] = q
    values = [v if type(v) is str else ("" if v is None or v is pd.NA or (isinstance(v, float) and v != v)
                                        else str(v)) for v in series.tolist()]
    return values, ids


def string_ids(ids: pd.DataFrame) -> pd.DataFrame:
    """Cast generated ``respondent_id``/``question`` columns to the string dtype of the long frame.

    Object columns become pandas ``string``; missing values stay missing. Changes *ids* in
    place and returns it.

    Parameters
    ----------
    ids : DataFrame
        As :func:`text_input` returns it.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> from cjkit.coding.texts import string_ids, text_input
    >>> string_ids(text_input(["a", "b"])[1]).dtypes.astype(str).tolist()
    ['string', 'string']
    """
    for c in ("respondent_id", "question"):
        if c in ids.columns and ids[c].dtype == object:
            v = ids[c].to_numpy()
            if pd.isna(v).all():
                ids[c] = pd.array([pd.NA] * len(v), dtype="string")
            elif not pd.isna(v).any():
                ids[c] = pd.array(v.astype(str), dtype="string")
            else:
                ids[c] = ids[c].map(lambda x: None if x is None else str(x)).astype("string")
    return ids


def lang_codes(lang: str, n: int, detected: np.ndarray | None = None) -> np.ndarray:
    """Language code per response for a scan: 0 German, 1 English, 2 undetermined.

    Parameters
    ----------
    lang : {"auto", "de", "en"}
        ``auto`` takes *detected* (from :meth:`cjkit.coding.matcher.Scan.doc_lang`).
    n : int
        Number of responses.
    detected : ndarray, optional
        Detected codes, needed with ``lang="auto"``.

    Returns
    -------
    ndarray of int8

    Examples
    --------
    >>> from cjkit.coding.texts import lang_codes
    >>> lang_codes("en", 2).tolist()
    [1, 1]
    """
    if lang == "auto":
        return detected
    if lang not in LANGS:
        raise ParameterError("lang", lang, allowed=["auto", *LANGS])
    return np.full(n, M.LANG_ID[lang], np.int8)


@functools.cache
def _language_matcher() -> M.Matcher:
    table = M.TermTable()
    M.add_function_words(table, stopwords=True, sentiment=False)
    return M.Matcher(table)


def guess_languages(texts) -> list[str]:
    """:func:`guess_language` for many answers at once (one scan, fast for large files).

    Parameters
    ----------
    texts : Series or list
        Answers; missing ones are ``"und"``.

    Returns
    -------
    list of str
        ``"de"``, ``"en"`` or ``"und"`` per answer.

    Examples
    --------
    >>> from cjkit.coding.texts import guess_languages
    >>> guess_languages(["Der Service war nicht gut", "We were very happy", None, "Frühstück"])
    ['de', 'en', 'und', 'de']
    """
    values, _ = text_input(texts)
    out = np.full(len(values), 2, np.int8)
    for off, scan in M.iter_scans(values, _language_matcher()):
        k = scan.block.doc_start.size
        out[off:off + k] = scan.doc_lang(k)
    return [RESPONSE_LANGS[c] for c in out]


def guess_language(text) -> str:
    """``"de"``, ``"en"`` or ``"und"`` (undetermined) for one answer.

    German and English function words are counted, umlauts and ß count as German; the
    language with more evidence wins, a tie (including no evidence) is ``"und"``.

    Parameters
    ----------
    text : str
        One answer; anything that is not a str is ``"und"``.

    Returns
    -------
    str

    Examples
    --------
    >>> from cjkit.coding.texts import guess_language
    >>> guess_language("Der Service war nicht gut"), guess_language("The room was clean"), guess_language(None)
    ('de', 'en', 'und')
    """
    if not isinstance(text, str):
        return "und"
    return guess_languages([text])[0]
