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
A response is German, English or undetermined (``"und"``, ISO 639-2). :func:`guess_languages`
decides in three steps:

1. German and English function words (``cjkit/data/lexicons/function_words.yaml``) plus umlauts
   and ß as German evidence: the language with more evidence wins (the rule the coder applies,
   :func:`cjkit.coding.stopwords.detect_lang`);
2. on a tie, the sentiment lexicon with more words in the response ("not bad at all": English,
   "Mega!": German);
3. a response with no evidence at all takes the majority language of the responses guessed
   together ("👍" among German answers is German); ``"und"`` when they tie, and for empty answers.

@mentions and links are no evidence (:func:`cjkit.coding.social.prepare_texts`). The sentiment
scorer applies the same guesser with ``lang="auto"``.

Examples
--------
>>> import pandas as pd
>>> from cjkit.coding.texts import guess_language, text_input
>>> values, ids = text_input(pd.Series(["gut", None], index=["r1", "r2"], name="q1"))
>>> values, ids["respondent_id"].tolist(), ids["question"].tolist()
(['gut', ''], ['r1', 'r2'], ['q1', 'q1'])
>>> guess_language("Das Zimmer war sehr sauber"), guess_language("The room was clean"), guess_language("ok")
('de', 'en', 'und')
>>> guess_languages(["not bad at all", "Das Zimmer war schön", "Der Service war gut", "👍"])
['en', 'de', 'de', 'de']
"""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from cjkit.catalog.i18n import LANGS
from cjkit.coding import matcher as M
from cjkit.coding.lexicons import add_lexicon
from cjkit.coding.social import prepare_texts
from cjkit.coding.stopwords import detect_lang
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
        ``auto`` takes *detected* (from :func:`scan_languages`).
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
    add_lexicon(table)     # stopwords are counted on the words themselves (detect_lang)
    return M.Matcher(table)


def scan_languages(scan: M.Scan, n_docs: int) -> np.ndarray:
    """Steps 1 and 2 of the guesser (see the module text) for the texts of one scan.

    Parameters
    ----------
    scan : cjkit.coding.matcher.Scan
        A scan whose term table holds the sentiment lexicons
        (:func:`cjkit.coding.lexicons.add_lexicon`).
    n_docs : int
        Number of texts in the scan.

    Returns
    -------
    ndarray of int8
        0 German, 1 English, 2 undetermined.

    Examples
    --------
    >>> from cjkit.coding import matcher as M
    >>> from cjkit.coding.lexicons import add_lexicon
    >>> from cjkit.coding.texts import scan_languages
    >>> t = M.TermTable(); add_lexicon(t)
    >>> scan_languages(M.Matcher(t).scan(M.fold_block(["the room", "not bad at all", "Mega!", "ok"])), 4).tolist()
    [1, 1, 0, 2]
    """
    dl = detect_lang(scan.block, scan.ctx, n_docs)
    und = dl == 2
    if und.any():
        s = scan.of_kind(M.SENT)
        lx = scan.arr["lang"][scan.term[s]]
        de = np.bincount(scan.doc[s][lx == 0], minlength=n_docs)
        en = np.bincount(scan.doc[s][lx == 1], minlength=n_docs)
        dl = np.where(und & (de > en), 0, np.where(und & (en > de), 1, dl)).astype(np.int8)
    return dl


def majority_language(codes: np.ndarray, has_text: np.ndarray) -> np.ndarray:
    """Step 3 of the guesser: texts without evidence take the majority language of the others.

    Parameters
    ----------
    codes : ndarray of int8
        0 German, 1 English, 2 undetermined, per text.
    has_text : ndarray of bool
        False for empty answers, which stay undetermined.

    Returns
    -------
    ndarray of int8

    Examples
    --------
    >>> import numpy as np
    >>> from cjkit.coding.texts import majority_language
    >>> majority_language(np.array([0, 0, 1, 2, 2], np.int8), np.array([1, 1, 1, 1, 0], bool)).tolist()
    [0, 0, 1, 0, 2]
    >>> majority_language(np.array([0, 1, 2], np.int8), np.ones(3, bool)).tolist()   # a tie
    [0, 1, 2]
    """
    counts = np.bincount(codes[codes != 2], minlength=2)
    if counts[0] == counts[1]:
        return codes
    return np.where((codes == 2) & has_text, int(counts.argmax()), codes).astype(np.int8)


def guess_languages(texts) -> list[str]:
    """The language of each answer, by the three steps of the module text (one scan, fast for
    large files); step 3 (the majority language) looks at the answers given together.

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
    for off, scan in M.iter_scans(prepare_texts(values), _language_matcher()):
        k = scan.block.doc_start.size
        out[off:off + k] = scan_languages(scan, k)
    out = majority_language(out, np.fromiter((bool(v.strip()) for v in values), dtype=bool, count=len(values)))
    return [RESPONSE_LANGS[c] for c in out]


def guess_language(text) -> str:
    """``"de"``, ``"en"`` or ``"und"`` (undetermined) for one answer.

    German and English function words are counted, umlauts and ß count as German; the
    language with more evidence wins; on a tie the sentiment lexicon with more words in the
    answer; with no evidence at all ``"und"`` (one answer has no majority to fall back on,
    see :func:`guess_languages`).

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
