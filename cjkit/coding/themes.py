"""Theme discovery for what no code catches, and draft codes from the themes.

:func:`discover_themes` takes the answers (the text-input convention of
:mod:`cjkit.coding.texts`), codes them with the rule coder (or takes a coded frame), and
clusters the answers no code catches with enough confidence. It works offline with
scikit-learn:

* **terms**: words and bigrams of adjacent content words (the German and English stop words of
  ``cjkit/data/lexicons/function_words.yaml`` are left out, and no bigram spans a stop word, so
  every key phrase occurs as it is in its answers), plus character 3- to 5-grams of the content
  words, which match the parts of compounds ("Zimmerreinigung", "Reinigung"); both TF-IDF
  weighted (sublinear), joined and normalised;
* **space**: latent semantic analysis (the top 100 singular dimensions at most; exact from the
  answers' Gram matrix up to 3,000 answers, randomised truncated SVD above), rows normalised;
* **clusters**: k-means (``n_init=10``), seeded by ``random_state``: the same input and seed
  give the same themes;
* **number of themes** (``n_themes="auto"``): k from 2 to ``max_themes`` (at most a fifth of the
  uncoded answers) with the highest silhouette (on at most 2,000 answers); on a tie the smaller k.
  The silhouette of every k tried is returned as ``selection``.

Every input answer is accounted for in ``assignments``: ``coded`` (a code with at least
``min_confidence``), ``theme`` (clustered), ``too_short`` (fewer than ``min_words`` content
words), ``empty`` (no text) or ``not_clustered`` (too few uncoded answers to cluster, or no term
shared with any other uncoded answer; fewer than 6 uncoded answers are not clustered), each with a
readable ``reason``.

:func:`themes_to_codebook` turns the themes into **draft codes** (``draft: true``, a review note,
key phrases as match terms) that the codebook writers save as YAML, CSV or REFI-QDA (.qdc); after
review, compose them with your codebook: ``cj.load_codebook(["shared", "draft_themes.yaml"])``.

Examples
--------
>>> from cjkit.coding.themes import discover_themes
>>> texts = (["Please add a dark mode to the dashboard"] * 4 + ["Garage lights keep flickering"] * 4
...          + ["Preis zu hoch", "", "ok"])
>>> res = discover_themes(texts, codebook="shared", n_themes=2)
>>> res.assignments["status"].value_counts().to_dict()
{'theme': 8, 'coded': 1, 'empty': 1, 'too_short': 1}
>>> res.themes[["label", "n_texts"]].values.tolist()
[['add dark / dark mode', 4], ['garage lights / keep flickering', 4]]
"""
from __future__ import annotations

import functools
import re
from typing import NamedTuple

import numpy as np
import pandas as pd

from cjkit.catalog.i18n import LANGS
from cjkit.coding.codebook import Codebook, load_codebook
from cjkit.coding.coder import code_texts
from cjkit.coding.matcher import function_words
from cjkit.privacy.pii import mask_pii
from cjkit.coding.sentiment import score_sentiment
from cjkit.coding.textnorm import fold
from cjkit.coding.texts import RESPONSE_LANGS, guess_languages, string_ids, text_input
from cjkit.errors import DataError, ParameterError

THEME_COLUMNS = ["theme", "label", "key_phrases", "n_texts", "share", "sentiment", "lang", "examples"]
STATUSES = ("coded", "theme", "too_short", "empty", "not_clustered")
_WORD = re.compile(r"[^\W\d_]{2,}")
_REDACTED = re.compile(r"x{2,}")          # redaction marks as in "XXXX" of complaint databases
_MIN_POOL = 6                            # fewer uncoded answers are not clustered


class ThemeResult(NamedTuple):
    """What :func:`discover_themes` returns (unpack it or use the attributes).

    Attributes
    ----------
    themes : DataFrame
        One row per theme (:data:`THEME_COLUMNS`).
    assignments : DataFrame
        One row per input answer: its status, theme and reason.
    selection : DataFrame
        The number of themes tried (``k``), the ``silhouette`` of each and ``chosen``.
    """

    themes: pd.DataFrame
    assignments: pd.DataFrame
    selection: pd.DataFrame


@functools.cache
def stop_words() -> frozenset:
    """German and English stop words for theme terms, folded, from the function-word lexicon.

    Returns
    -------
    frozenset of str
        Every word of ``cjkit/data/lexicons/function_words.yaml`` (term syntax removed).

    Examples
    --------
    >>> from cjkit.coding.themes import stop_words
    >>> {"und", "the", "nicht", "fuer"} <= stop_words()
    True
    """

    out = set()

    def add(v):
        if isinstance(v, dict):
            for k, x in v.items():
                if isinstance(x, (list, dict)):
                    add(x)
                else:                     # intensifiers: term -> weight
                    add([k])
        elif isinstance(v, list):
            for t in v:
                out.update(w for w in re.split(r"[\s=*']+", fold(str(t))) if w)

    add(function_words())
    return frozenset(out)


def _content(text: str) -> list[tuple[str, bool]]:
    """Lower-cased words with a flag: True for a content word (no stop word, no redaction)."""

    stops = stop_words()
    return [(w, not (fold(w) in stops or _REDACTED.fullmatch(w)))
            for w in _WORD.findall(text.lower())]


def _terms(text: str) -> list[str]:
    """Content words and bigrams of adjacent content words (none spans a stop word)."""
    toks = _content(text)
    out = [w for w, ok in toks if ok]
    out += [f"{a} {b}" for (a, oka), (b, okb) in zip(toks, toks[1:]) if oka and okb and a != b]
    return out


def _shorten(text: str, n: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def discover_themes(texts, *, coded=None, codebook=None, min_confidence: float = 0.75,
                    n_themes="auto", max_themes: int = 8, lang: str = "auto", random_state: int = 0,
                    text_col: str = "text", id_cols=None, min_words: int = 2, n_phrases: int = 6,
                    n_examples: int = 3) -> ThemeResult:
    """Cluster the answers no code catches into themes, with key phrases, sentiment and examples.

    The method (terms, LSA, k-means, silhouette rule) is described in the module docstring of
    :mod:`cjkit.coding.themes`.

    Parameters
    ----------
    texts : DataFrame, Series or list of str
        Answers (text-input convention: a long survey frame works directly).
    coded : DataFrame, optional
        The output of :func:`~cjkit.coding.coder.code_texts` for *texts*; matched by its ``row``
        column, else by the id columns. Default: *texts* are coded with *codebook*.
    codebook : str, Path, dict, list or Codebook, optional
        For coding when *coded* is not given (default: the coder's default codebook).
    min_confidence : float
        An answer whose best code has a lower confidence counts as uncoded.
    n_themes : "auto" or int
        ``"auto"`` chooses k by the silhouette rule; an int fixes it.
    max_themes : int
        Largest k tried with ``"auto"``.
    lang : {"auto", "de", "en"}
        Language for coding and sentiment.
    random_state : int
        Seed of SVD and k-means.
    text_col, id_cols : as in :func:`~cjkit.coding.coder.code_texts`.
    min_words : int
        Uncoded answers with fewer content words are ``too_short``.
    n_phrases, n_examples : int
        Key phrases and example answers per theme.

    Returns
    -------
    ThemeResult
        ``themes``: ``theme`` (1 = largest), ``label`` (two top phrases), ``key_phrases``
        ("; "-joined), ``n_texts``, ``share`` (of the answers with text), ``sentiment`` (mean of
        :func:`~cjkit.coding.sentiment.score_sentiment`), ``lang`` (most frequent), ``examples``
        (answers nearest the theme centre, personal data masked, " | "-joined);
        ``assignments``: the id columns, ``row`` (0-based input position), ``status``
        (:data:`STATUSES`), ``theme`` (Int64), ``confidence`` (best code), ``codes``, ``reason``;
        ``selection``: ``k``, ``silhouette``, ``chosen``.

    Raises
    ------
    ParameterError
        For an invalid *n_themes*, *min_confidence* or *lang*.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.coding.themes import discover_themes
    >>> df = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(12)],
    ...                    "text": ["Dark mode for the dashboard, please"] * 6 + ["Die Hundewiese fehlt"] * 6})
    >>> themes, assignments, selection = discover_themes(df, codebook="shared", random_state=1)
    >>> themes[["theme", "n_texts"]].values.tolist()
    [[1, 6], [2, 6]]
    >>> assignments.columns.tolist()
    ['respondent_id', 'question', 'row', 'status', 'theme', 'confidence', 'codes', 'reason']
    """
    if not (n_themes == "auto" or (isinstance(n_themes, (int, np.integer)) and not isinstance(n_themes, bool)
                                   and n_themes >= 1)):
        raise ParameterError("n_themes", n_themes, allowed=["auto", "an int >= 1"])
    if not (isinstance(min_confidence, (int, float)) and 0 <= min_confidence <= 1):
        raise ParameterError("min_confidence", min_confidence, allowed=["a number from 0 to 1"])
    if lang != "auto" and lang not in LANGS:
        raise ParameterError("lang", lang, allowed=["auto", *LANGS])
    values, ids = text_input(texts, text_col, id_cols)
    n = len(values)
    id_names = list(ids.columns)
    if coded is None:
        kw = {} if codebook is None else {"codebook": codebook}
        coded = code_texts(texts, text_col=text_col, id_cols=id_cols, lang=lang, **kw)
    best, codes = _best_codes(coded, ids, n, min_confidence)

    status = np.empty(n, dtype=object)
    reason = np.empty(n, dtype=object)
    has_text = np.array([bool(v.strip()) for v in values])
    n_words = np.array([sum(ok for _, ok in _content(v)) for v in values])
    is_coded = np.nan_to_num(best, nan=-1.0) >= min_confidence
    status[:] = "theme"
    reason[:] = ""
    for i in range(n):
        if not has_text[i]:
            status[i], reason[i] = "empty", "no text"
        elif is_coded[i]:
            status[i], reason[i] = "coded", f"code(s) with confidence >= {min_confidence:g}"
        elif n_words[i] < min_words:
            status[i] = "too_short"
            reason[i] = f"{n_words[i]} content word(s) after stop words, fewer than min_words={min_words}"
        elif np.isnan(best[i]):
            reason[i] = "no code matched"
        else:
            reason[i] = f"best code confidence {best[i]:.2f} < min_confidence {min_confidence:g}"
    pool = np.flatnonzero(status == "theme")
    theme = np.full(n, -1, np.int64)
    sel = pd.DataFrame({"k": pd.Series(dtype="int64"), "silhouette": pd.Series(dtype="float64"),
                        "chosen": pd.Series(dtype="bool")})
    rows = []
    k_min = 2 if n_themes == "auto" else int(n_themes)
    if pool.size < max(_MIN_POOL, k_min + 1):
        status[pool] = "not_clustered"
        reason[pool] = [f"{r}; only {pool.size} uncoded answers, too few to cluster" for r in reason[pool]]
    else:
        labels, Z, Xw, vocab, ok, sel = _cluster([values[i] for i in pool], n_themes, max_themes, random_state)
        if (labels < 0).all():
            ok[:] = False
            reason[pool] = [f"{r}; too few uncoded answers share terms to cluster" for r in reason[pool]]
            status[pool] = "not_clustered"
        elif not ok.all():
            status[pool[~ok]] = "not_clustered"
            reason[pool[~ok]] = [f"{r}; shares no term with the other uncoded answers" for r in reason[pool[~ok]]]
        # themes numbered by size (largest first), ties by first answer
        sizes = np.bincount(labels[ok], minlength=labels.max() + 1)
        first = np.array([np.flatnonzero(labels == c).min() if sizes[c] else n for c in range(sizes.size)])
        order = [c for c in np.lexsort((first, -sizes)) if sizes[c] > 0]
        renum = {c: j + 1 for j, c in enumerate(order)}
        theme[pool[ok]] = [renum[c] for c in labels[ok]]
        sub = [values[i] for i in pool]
        senti = score_sentiment(sub, lang=lang)["sentiment"].to_numpy()
        langs = np.array(guess_languages(sub) if lang == "auto" else [lang] * len(sub), dtype=object)
        n_text = int(has_text.sum())
        for c in order:
            members = np.flatnonzero(ok & (labels == c))
            phrases = _key_phrases(Xw, vocab, members, n_phrases)
            centre = Z[members].mean(axis=0)
            near = members[np.argsort(-(Z[members] @ centre), kind="stable")[:n_examples]]
            lang_counts = pd.Series(langs[members]).value_counts()
            lang_counts = lang_counts.reindex([x for x in RESPONSE_LANGS if x in lang_counts.index])
            rows.append({"theme": renum[c], "label": " / ".join(phrases[:2]),
                         "key_phrases": "; ".join(phrases), "n_texts": members.size,
                         "share": members.size / n_text, "sentiment": float(senti[members].mean()),
                         "lang": lang_counts.idxmax(),
                         "examples": " | ".join(_shorten(mask_pii(sub[j])) for j in near)})
    themes = pd.DataFrame(rows, columns=THEME_COLUMNS)
    themes = themes.astype({"theme": "int64", "n_texts": "int64", "share": "float64", "sentiment": "float64"})
    for col in ("label", "key_phrases", "lang", "examples"):
        themes[col] = themes[col].astype("string")
    out = string_ids(ids.copy())
    out["row"] = np.arange(n, dtype=np.int64)
    out["status"] = pd.array(status.astype(str), dtype="string")
    out["theme"] = pd.array([int(t) if t > 0 else pd.NA for t in theme], dtype="Int64")
    out["confidence"] = best
    out["codes"] = pd.array(codes, dtype="string")
    out["reason"] = pd.array(reason.astype(str), dtype="string")
    return ThemeResult(themes, out[[*id_names, "row", "status", "theme", "confidence", "codes", "reason"]], sel)


def _best_codes(coded: pd.DataFrame, ids: pd.DataFrame, n: int, min_confidence: float):
    """Best code confidence per answer (NaN without a code) and the confident codes joined."""
    best = np.full(n, np.nan)
    codes = np.full(n, "", dtype=object)
    if not isinstance(coded, pd.DataFrame) or not {"code", "confidence"} <= set(coded.columns):
        raise DataError("coded must be the output of code_texts (columns code and confidence)", column="coded")
    if coded.empty:
        return best, codes
    c = coded[["code", "confidence"]].copy()
    c["code"] = c["code"].astype(str)
    if "row" in coded.columns:
        c["row"] = coded["row"].to_numpy()
    else:
        keys = [k for k in ids.columns if k in coded.columns and ids[k].notna().any()]
        if not keys:
            raise DataError("coded has neither a row column nor the id columns of texts", column="row")
        pos = ids[keys].astype(str).assign(row=np.arange(n)).drop_duplicates(keys)
        c = c.join(coded[keys].astype(str)).merge(pos, on=keys, how="inner")
    c = c[(c["row"] >= 0) & (c["row"] < n)]
    g = c.groupby("row")["confidence"].max()
    best[g.index.to_numpy(dtype=np.int64)] = g.to_numpy(dtype=float)
    conf = c[c["confidence"] >= min_confidence]
    joined = conf.groupby("row")["code"].agg(lambda s: "; ".join(dict.fromkeys(s)))
    codes[joined.index.to_numpy(dtype=np.int64)] = joined.to_numpy()
    return best, codes


def _cluster(texts: list[str], n_themes, max_themes: int, random_state: int):
    """Labels, LSA space, word matrix and vocabulary, usable-row mask and the k selection table."""
    from scipy import sparse
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import normalize

    m = len(texts)
    min_df = 2 if m >= 10 else 1

    def tfidf(vectorizer, docs):
        try:
            return vectorizer.fit_transform(docs), vectorizer.get_feature_names_out()
        except ValueError:   # no term left after min_df/max_df: no features of this kind
            return sparse.csr_matrix((len(docs), 0)), np.array([], dtype=object)

    Xw, vocab = tfidf(TfidfVectorizer(analyzer=_terms, min_df=min_df, max_df=0.7 if m >= 20 else 1.0,
                                      sublinear_tf=True), texts)
    content = [" ".join(w for w, ok in _content(t) if ok) for t in texts]
    Xc, _ = tfidf(TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=min_df, sublinear_tf=True,
                                  max_features=20_000), content)
    X = normalize(sparse.hstack([Xw * np.sqrt(0.6), Xc * np.sqrt(0.4)]).tocsr())
    ok = np.asarray(X.getnnz(axis=1) > 0)
    labels = np.full(m, -1, np.int64)
    empty_sel = pd.DataFrame({"k": pd.Series(dtype="int64"), "silhouette": pd.Series(dtype="float64"),
                              "chosen": pd.Series(dtype="bool")})
    if ok.sum() < 3 or min(X.shape[1], ok.sum()) < 2:
        return labels, np.zeros((m, 1)), Xw.tocsr(), vocab, ok, empty_sel
    Xo = X[ok]
    dims = max(1, min(100, Xo.shape[0] - 1, Xo.shape[1] - 1))
    Z = np.zeros((m, dims))
    if Xo.shape[0] <= 3000:   # exact LSA from the answers' Gram matrix (fast while answers < terms)
        from scipy.linalg import eigh
        gram = (Xo @ Xo.T).toarray()
        lam, vec = eigh(gram, subset_by_index=[gram.shape[0] - dims, gram.shape[0] - 1])
        lam, vec = lam[::-1], vec[:, ::-1]
        vec *= np.where(vec[np.abs(vec).argmax(axis=0), range(dims)] < 0, -1.0, 1.0)   # fixed signs
        Z[ok] = normalize(vec * np.sqrt(np.clip(lam, 0, None)))
    else:
        Z[ok] = normalize(TruncatedSVD(dims, random_state=random_state).fit_transform(Xo))
    Zo = Z[ok]

    def fit(k):
        return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(Zo)

    if n_themes == "auto":
        hi = max(2, min(max_themes, Zo.shape[0] // 5, Zo.shape[0] - 1))
        tried = []
        for k in range(2, hi + 1):
            lab = fit(k)
            s = (silhouette_score(Zo, lab, sample_size=min(Zo.shape[0], 2000), random_state=random_state)
                 if len(set(lab)) > 1 else -1.0)
            tried.append((k, float(s), lab))
        best = max(range(len(tried)), key=lambda i: (round(tried[i][1], 6), -tried[i][0]))
        labels[ok] = tried[best][2]
        sel = pd.DataFrame({"k": [t[0] for t in tried], "silhouette": [t[1] for t in tried],
                            "chosen": [i == best for i in range(len(tried))]})
    else:
        k = min(int(n_themes), Zo.shape[0])
        labels[ok] = fit(k) if k > 1 else 0
        sel = pd.DataFrame({"k": [k], "silhouette": [np.nan], "chosen": [True]})
    sel = sel.astype({"k": "int64", "silhouette": "float64", "chosen": "bool"})
    return labels, Z, Xw.tocsr(), vocab, ok, sel


def _key_phrases(Xw, vocab, members: np.ndarray, n_phrases: int) -> list[str]:
    """Terms most typical of the members: mean TF-IDF inside minus outside, in >= 2 members if possible."""
    inside = np.zeros(Xw.shape[0], bool)
    inside[members] = True
    m_in = np.asarray(Xw[inside].mean(axis=0)).ravel()
    m_out = np.asarray(Xw[~inside].mean(axis=0)).ravel() if (~inside).any() else np.zeros_like(m_in)
    df_in = np.asarray((Xw[inside] > 0).sum(axis=0)).ravel()
    score = m_in - m_out
    score[df_in < min(2, members.size)] = -np.inf
    out, covered = [], set()
    n_words = np.char.count(vocab.astype(str), " ") + 1
    for j in np.lexsort((vocab, -n_words, -score)):   # on a tie the bigram first
        if not np.isfinite(score[j]) or score[j] <= 0 or len(out) >= n_phrases:
            break
        words = set(vocab[j].split())
        if words <= covered:
            continue
        out.append(str(vocab[j]))
        covered |= words
    return out


def _slug(text: str, taken: set) -> str:
    base = "draft_" + (re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")[:40].strip("_") or "theme")
    slug, i = base, 2
    while slug in taken:
        slug, i = f"{base}_{i}", i + 1
    taken.add(slug)
    return slug


def themes_to_codebook(themes, *, id: str = "draft_themes", lang: str = "auto", min_texts: int = 1) -> Codebook:
    """Draft codes from the themes of :func:`discover_themes`, for review and composition.

    Each theme becomes a top-level topic code ``draft_<top phrase>`` with ``draft: true``, a
    review ``note``, labels ``Thema n: ...``/``Theme n: ...``, a definition with the theme's size
    and sentiment, its example answers and its key phrases as match terms (one word as
    ``keywords``, two words as ``phrases``). Save it with ``yaml.safe_dump(cb.to_dict())``,
    :func:`~cjkit.coding.codebook.to_csv` or :func:`~cjkit.coding.codebook.to_qdc`; after
    review, compose it: ``load_codebook(["shared", "draft_themes.yaml"])``.

    Parameters
    ----------
    themes : DataFrame or ThemeResult
        ``themes`` of :func:`discover_themes` (or the whole result).
    id : str
        Codebook id.
    lang : {"auto", "de", "en"}
        Language of the match terms; ``auto`` takes each theme's ``lang`` (both languages for
        ``und``).
    min_texts : int
        Themes with fewer answers are left out.

    Returns
    -------
    Codebook

    Raises
    ------
    DataError
        If *themes* has no theme with at least *min_texts* answers.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.coding.themes import themes_to_codebook
    >>> themes = pd.DataFrame({"theme": [1], "label": ["app crashes / login"],
    ...     "key_phrases": ["app crashes; login"], "n_texts": [12], "share": [0.05],
    ...     "sentiment": [-0.4], "lang": ["en"], "examples": ["The app crashes at login"]})
    >>> cb = themes_to_codebook(themes)
    >>> cb.table[["code", "draft", "keywords_en", "phrases_en"]].values.tolist()
    [['draft_app_crashes', True, 'login', 'app crashes']]
    """
    if isinstance(themes, ThemeResult):
        themes = themes.themes
    if lang != "auto" and lang not in LANGS:
        raise ParameterError("lang", lang, allowed=["auto", *LANGS])
    missing = [c for c in ("theme", "key_phrases", "n_texts") if c not in themes.columns]
    if missing:
        raise DataError(f"themes lacks column(s) {missing}; pass the themes of discover_themes", column=missing[0])
    use = themes[themes["n_texts"] >= min_texts]
    if use.empty:
        raise DataError(f"no theme with at least min_texts={min_texts} answers")
    taken: set = set()
    codes = []
    for r in use.to_dict("records"):
        phrases = [p.strip() for p in str(r["key_phrases"]).split(";") if p.strip()]
        label = str(r.get("label") or " / ".join(phrases[:2]) or f"{r['theme']}")
        t_lang = str(r.get("lang") or "und") if lang == "auto" else lang
        langs = [t_lang] if t_lang in LANGS else list(LANGS)
        rules = {}
        if phrases:
            one = [p for p in phrases if " " not in p]
            more = [p for p in phrases if " " in p]
            rules = {k: v for k, v in (("keywords", one), ("phrases", more)) if v}
        size = f"{int(r['n_texts'])}"
        share = f", {100 * r['share']:.1f}%" if pd.notna(r.get("share", np.nan)) else ""
        senti = f"{r['sentiment']:+.2f}" if pd.notna(r.get("sentiment", np.nan)) else "n/a"
        code = {"id": _slug(phrases[0] if phrases else f"theme {r['theme']}", taken), "kind": "topic",
                "label_de": f"Thema {r['theme']}: {label}", "label_en": f"Theme {r['theme']}: {label}",
                "definition_de": f"Entwurf aus der Themensuche: {size} Antworten{share}, mittleres Sentiment "
                                 f"{senti}. Schlüsselbegriffe: {'; '.join(phrases)}.",
                "definition_en": f"Draft from theme discovery: {size} answers{share}, mean sentiment {senti}. "
                                 f"Key phrases: {'; '.join(phrases)}.",
                "draft": True,
                "note": "draft code from discover_themes: review label, definition and match terms, place it "
                        "in the tree (stage, touchpoint), then remove draft"}
        ex = [e.strip() for e in str(r.get("examples") or "").split(" | ") if e.strip() and not pd.isna(e)]
        if ex:
            code["examples"] = {"include": ex}
        if rules:
            code["match"] = {lg: {k: list(v) for k, v in rules.items()} for lg in langs}
        codes.append(code)
    return load_codebook({"id": id, "name_de": "Entwurf: Themen ohne Code",
                          "name_en": "Draft: themes no code catches",
                          "description_en": "Draft codes proposed by discover_themes; review before use.",
                          "description_de": "Von discover_themes vorgeschlagene Entwurfscodes; vor Gebrauch prüfen.",
                          "codes": codes})

