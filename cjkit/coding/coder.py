"""Rule-based coding of open answers: codes, evidence spans, negation and span sentiment.

All codebook terms, function words and the sentiment lexicon are compiled into one
Aho-Corasick automaton (:mod:`cjkit.coding.matcher`); each chunk of answers is folded and scanned
once, and the decisions after the scan are numpy operations. The result is the "coded text"
long form of ``docs/ARCHITECTURE.md``: one row per code and matched span.

Cross-cutting topics (waiting time, price, friendliness ...) carry no touchpoint of their own;
they take the touchpoint of the nearest touchpoint mention in the same answer (same sentence
preferred), so "Rezeptionspersonal unfreundlich" yields friendliness at the reception.

Examples
--------
>>> from cjkit.coding.coder import code_texts
>>> out = code_texts(["Das Rezeptionspersonal war nicht freundlich."])
>>> out[["code", "touchpoint", "evidence", "negated", "polarity"]].values.tolist()[-1]
['friendliness', 'reception', 'freundlich', True, -1]
"""
from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd

from cjkit.coding import matcher as M
from cjkit.catalog import models, touchpoints
from cjkit.catalog.i18n import LANGS, check_lang
from cjkit.coding.codebook import load_codebook
from cjkit.errors import ParameterError
from cjkit.coding.regexes import RegexRules
from cjkit.coding.primary import in_point, specificity
from cjkit.coding.codeframe import concat_hits, one_per_answer, phases, row_ids
from cjkit.coding.codehits import chunk_hits, sort_order, take_hits
from cjkit.coding.similar import SOURCES, fill
from cjkit.coding.stopwords import detect_lang
from cjkit.coding.sentiment import add_lexicon
from cjkit.coding.social import blank_handles
from cjkit.coding.texts import lang_codes, text_input

log = logging.getLogger("cjkit.coding.coder")

OUTPUT = ["code", "code_label", "phase", "touchpoint", "topic", "polarity", "start", "end",
          "evidence", "negated", "source", "confidence", "canonical_stage", "lang", "rule", "row"]


class _Compiled:
    """A codebook compiled for scanning (cached on the Codebook object)."""

    def __init__(self, cb, sentiment: bool, stopwords: bool):
        table = M.TermTable()
        self.regexes = []
        for i, row in enumerate(cb.table.itertuples(index=False)):
            for lang in LANGS:
                for t in _terms(getattr(row, f"keywords_{lang}")) + _terms(getattr(row, f"phrases_{lang}")):
                    table.add(t, M.CODE, owner=i, lang=lang)
                for t in _terms(getattr(row, f"stems_{lang}")):
                    table.add(t if t.endswith("*") else t + "*", M.CODE, owner=i, lang=lang)
                for t in _terms(getattr(row, f"exclude_{lang}")):
                    table.add(t, M.EXCLUDE, owner=i, lang=lang)
                for t in _terms(getattr(row, f"regex_{lang}")):
                    self.regexes.append((i, M.LANG_ID[lang], re.compile(t), t))
        M.add_function_words(table, stopwords=stopwords, sentiment=sentiment)
        M.add_locatives(table)
        # touchpoint number per code (-1: none): a place is judged against other touchpoints
        self.tp_num = pd.factorize(cb.table["touchpoint"])[0].astype(np.int64)
        # only a touchpoint met in person is a place ("im Zimmer"); "on the website" is a channel
        medium = touchpoints.load().set_index("id")["medium"]
        self.placeable = (cb.table["touchpoint"].map(medium) == "analog").to_numpy(bool)
        if sentiment:
            add_lexicon(table)
        self.matcher = M.Matcher(table)
        labels = np.array(table.label + [r[3] for r in self.regexes], dtype=object)
        # the categories of ``rule``: one per distinct codebook term (function words and the
        # sentiment lexicon never appear there, so the categories do not depend on lang= or
        # sentiment=); code terms point into them, other terms to -1
        is_code = np.r_[np.array(table.kind, np.int64) == M.CODE, np.ones(len(self.regexes), bool)]
        uniq, inv = np.unique(labels[is_code].astype(str), return_inverse=True)
        self.labels_index = pd.Index(uniq)
        self.label_code = np.full(labels.size, -1, np.int64)
        self.label_code[is_code] = inv
        self.n_terms = len(table.label)
        self.regex_rules = RegexRules(self.regexes)


def _terms(cell) -> list[str]:
    return [t.strip() for t in str(cell or "").split(";") if t.strip()]


def compile_codebook(codebook="default", *, sentiment: bool = True, stopwords: bool = True) -> _Compiled:
    """Compile (once) and return the scanner for *codebook*.

    Parameters
    ----------
    codebook : "default", path or Codebook
    sentiment : bool
        Include the sentiment lexicon (for span polarity).
    stopwords : bool
        Include the stopwords as terms (for :meth:`~cjkit.coding.matcher.Scan.doc_lang`;
        :func:`code_texts` detects the language without them, see
        :func:`~cjkit.coding.matcher.detect_lang`).

    Returns
    -------
    object
        The compiled scanner, cached on the codebook so each setting compiles once.

    Examples
    --------
    >>> from cjkit.coding.coder import compile_codebook
    >>> compile_codebook("default") is compile_codebook("default")
    True
    """
    cb = load_codebook(codebook)
    cache = cb.__dict__.setdefault("_compiled", {})
    key = (sentiment, stopwords)
    if key not in cache:
        cache[key] = _Compiled(cb, sentiment, stopwords)
    return cache[key]


def code_texts(texts, codebook="default", *, text_col: str = "text", id_cols=None,
               lang: str = "auto", model=None, label_lang: str = "de", sentiment: bool = True,
               single_label: bool = False, fallback: str | None = None,
               chunk_size: int = 20_000) -> pd.DataFrame:
    """Code open answers with the rules of *codebook*.

    Parameters
    ----------
    texts : DataFrame, Series or list of str
        Answers. A DataFrame needs *text_col*; a long survey frame works directly.
    codebook : "default", path, dict or Codebook
    text_col : str
    id_cols : list of str, optional
        Columns identifying an answer (default: ``respondent_id`` and ``question`` if present;
        else the index becomes ``respondent_id``).
    lang : {"auto", "de", "en"}
        ``auto`` detects per answer; rules of the answer's language apply (both when undetermined).
    model : str or dict, optional
        Journey model: ``phase`` holds its phase ids (ordered); default the canonical stages.
    label_lang : {"de", "en"}
        Language of ``code_label``.
    sentiment : bool
        Compute span ``polarity`` (set False for pure coding speed).
    single_label : bool
        One code per answer (business area, primary topic): the code with the most distinct
        matched terms, ties broken by evidence after a contrast word ("aber", "but"), then
        specificity, then first mention (the rule is documented
        in :mod:`cjkit.coding.primary`). Every answer gets exactly one row; an answer without
        any hit has a missing code, ``confidence`` 0 and ``start`` = ``end`` = 0.
    fallback : {None, "similar"}
        Only with *single_label*: ``"similar"`` gives an answer without any hit the code whose
        description (label, definition, terms, examples) it resembles most, if that similarity
        reaches the chance level (:mod:`cjkit.coding.similar`); such rows have ``source``
        "similarity", ``confidence`` = the similarity and no evidence. Rule-coded rows stay as
        they are.
    chunk_size : int
        Answers scanned at once (bounds memory; the result does not depend on it). The
        default keeps a chunk's arrays within the processor's cache, where the steps after the
        scan run fastest.

    Returns
    -------
    DataFrame
        One row per code and matched span (with *single_label*: one row per answer, the first
        span of its code): the id columns, then code, code_label, phase,
        touchpoint, topic, polarity (-1/0/+1), start, end (offsets in the original answer),
        evidence (the matched text), negated, source ("rule"; "similarity" from *fallback*),
        confidence, canonical_stage,
        lang, rule (the codebook term that matched), row (0-based input position).
        Label columns are categoricals (one code table, not one string per row).

    Examples
    --------
    >>> out = code_texts(pd.DataFrame({"respondent_id": ["r1"], "text": ["WLAN ständig weg, Lieferzeit zu lang"]}))
    >>> sorted(set(out["code"]))
    ['delivery', 'wifi']
    >>> one = code_texts(["Frühstück lecker, Buffet reichhaltig, nur das WLAN war schwach", "ok"],
    ...                  single_label=True)
    >>> one["code"].tolist()    # two food terms (lecker, Buffet) beat one each; "ok": no code
    ['food_beverage', nan]
    """
    check_lang(label_lang, "label_lang")
    if fallback not in (None, "similar"):
        raise ParameterError("fallback", fallback, allowed=[None, "similar"])
    if fallback and not single_label:
        raise ParameterError("fallback", fallback, message=f"parameter 'fallback' got {fallback!r}, "
                             "which needs single_label=True (one code per answer)")
    cb = load_codebook(codebook)
    # language detection counts stopwords on the words themselves (detect_lang): no terms needed
    comp = compile_codebook(cb, sentiment=sentiment, stopwords=False)
    values, ids = text_input(texts, text_col, id_cols)
    table = cb.table
    tp_code = np.where(table["touchpoint"].notna().to_numpy(), np.arange(len(table)), -1)
    parts, langs = [], []
    # an @mention or a link is no content, a hashtag is its word; positions stay those of the answer
    for off, scan in M.iter_scans(blank_handles(values), comp.matcher, chunk_size):
        k = scan.block.doc_start.size
        dl = lang_codes(lang, k, detect_lang(scan.block, scan.ctx, k) if lang == "auto" else None)
        langs.append(dl)
        h = chunk_hits(comp, scan, dl, tp_code, sentiment)
        if h["doc"].size == 0:
            continue
        if single_label:   # evidence after "aber" / "but" is the point (cjkit.coding.primary)
            h["point"] = in_point(scan, comp.matcher.table, h["doc"], h["start"])
        b = scan.block
        h["start"] = b.to_original(h["start"], doc=h["doc"])
        h["end"] = b.to_original(h["end"], end=True, doc=h["doc"])
        # the output order (answer, start, code) within the chunk, before the evidence is cut:
        # chunks come in answer order, so the concatenated hits need no sort of their strings
        h = take_hits(h, sort_order(h["doc"], h["start"] - b.doc_start[h["doc"]], h["code"]))
        doc = h["doc"]
        h["evidence"] = b.original_spans(h["start"], h["end"], doc=doc)
        h["start"] = h["start"] - b.doc_start[doc]
        h["end"] = h["end"] - b.doc_start[doc]
        h["lang"] = dl[doc]
        h["row"] = doc + off
        parts.append(h)
    h = concat_hits(parts)
    if single_label:
        h = one_per_answer(h, specificity(cb), np.concatenate(langs) if langs else np.zeros(0, np.int8))
        if fallback:
            h = fill(h, values, cb, tp_code)
    code, src = h["code"].astype(np.int64), h["tp_from"].astype(np.int64)

    def cat(values, idx):
        # categoricals: repeated labels cost one small table, not one string per row
        values = pd.Series(values, dtype=object)
        cats = pd.unique(values.dropna())
        lookup = pd.Index(cats).get_indexer(values.fillna("\x00"))
        return pd.Categorical.from_codes(np.where(idx >= 0, lookup[np.maximum(idx, 0)], -1), categories=cats)

    stages = models.canonical_stages().sort_values("order")["id"].tolist()
    stage_code = pd.Index(stages).get_indexer(table["canonical_stage"].fillna("\x00"))
    own = np.where(code >= 0, stage_code[np.maximum(code, 0)], -1)
    ctx = np.where(src >= 0, stage_code[np.maximum(src, 0)], -1)
    canonical = np.where(own >= 0, own, ctx)
    # (a list of answers: the text_input ids are the positions, written straight from the rows)
    positions = (type(texts) is list and list(ids.columns) == ["respondent_id", "question"]
                 and bool(ids["question"].isna().all()))
    cols = dict(row_ids(ids, h["row"], positions=positions))
    cols.update({
        "code": cat(table["code"], code),
        "code_label": cat(table[f"label_{label_lang}"], code),
        "phase": phases(canonical, stages, model),
        "touchpoint": cat(table["touchpoint"], src),
        "topic": cat(table["topic"], code),
        "polarity": h["polarity"].astype(np.int8),
        "start": h["start"].astype(np.int64),
        "end": h["end"].astype(np.int64),
        "evidence": pd.array(h["evidence"], dtype="string"),
        "negated": h["negated"].astype(bool),
        "source": pd.Categorical.from_codes(h.get("source", np.zeros(code.size, np.int8)), categories=SOURCES),
        "confidence": h["confidence"].astype(float),
        "canonical_stage": pd.Categorical.from_codes(canonical, categories=stages),
        "lang": pd.Categorical.from_codes(h["lang"].astype(np.int8), categories=["de", "en", "und"]),
        "rule": pd.Categorical.from_codes(h["rule"].astype(np.int64), categories=comp.labels_index),
        "row": h["row"].astype(np.int64)})
    out = pd.DataFrame(cols, copy=False)   # one constructor: no column-by-column insertion
    log.info("coded %d answers: %d codes in %d answers", len(values), len(out), int((np.diff(h["row"]) != 0).sum()) + bool(len(out)))
    return out


def code_indicators(coded: pd.DataFrame, responses=None, *, by: str = "code",
                    id_cols=("respondent_id", "question"), text_col: str = "text") -> pd.DataFrame:
    """Wide 0/1 table: one row per answer, one column per code (or touchpoint, topic, phase).

    No answer is dropped silently: with *responses*, every answer in it gets a row (all zeros
    when nothing was coded), answers coded but missing from *responses* are kept too, and both
    they and the respondents without an answer text are listed in ``attrs["notes"]`` with a
    reason (and logged). Without *responses* only coded answers can appear (logged).

    Parameters
    ----------
    coded : DataFrame
        Output of :func:`code_texts` (or a learning/human coding in the same shape).
    responses : DataFrame, optional
        All answers (with *id_cols*, and *text_col* if available); answers without any code then
        appear with zeros, so no answer is lost from the base.
    by : {"code", "touchpoint", "topic", "phase", "canonical_stage"}
    id_cols : sequence of str
        Columns identifying an answer.
    text_col : str
        Text column of *responses*; when present, ``has_text`` says whether the answer had text.

    Returns
    -------
    DataFrame
        *id_cols*, one int8 column per value of *by*, ``n_codes`` and (with a text column in
        *responses*) ``has_text``. ``attrs["notes"]``: *id_cols* and ``reason`` per answer that
        is not a plain coded or uncoded answer.

    Examples
    --------
    >>> c = code_texts(pd.DataFrame({"respondent_id": ["a", "b"], "text": ["Preis zu hoch", "ok"]}))
    >>> code_indicators(c, pd.DataFrame({"respondent_id": ["a", "b"]}), id_cols=["respondent_id"])["price"].tolist()
    [1, 0]
    >>> r = pd.DataFrame({"respondent_id": ["a", "b", "c"], "text": ["Preis zu hoch", "ok", None]})
    >>> w = code_indicators(c, r, id_cols=["respondent_id"])
    >>> w["has_text"].tolist(), w.attrs["notes"]["reason"].tolist()
    ([True, True, False], ['no answer text'])
    """
    if by not in ("code", "touchpoint", "topic", "phase", "canonical_stage"):
        raise ParameterError("by", by, allowed=["code", "touchpoint", "topic", "phase", "canonical_stage"])
    id_cols = list(id_cols)
    missing = [c for c in id_cols if c not in coded.columns]
    if missing:
        raise ParameterError("id_cols", missing, allowed=list(coded.columns))
    sub = coded.dropna(subset=[by])
    # group with missing ids kept (a list input has no question): crosstab would drop those rows
    keys = sub[id_cols].astype(object).assign(_value=sub[by].astype(str).to_numpy())
    counts = keys.groupby(id_cols + ["_value"], dropna=False, sort=True).size()
    wide = (counts.unstack("_value", fill_value=0) > 0).astype("int8") if len(counts) else \
        pd.DataFrame(index=pd.MultiIndex.from_arrays([[]] * len(id_cols), names=id_cols))
    wide.columns.name = None
    wide = wide.reset_index()
    notes = []
    all_ids = coded[id_cols].astype(object).drop_duplicates()
    lost = all_ids[~pd.MultiIndex.from_frame(all_ids).isin(pd.MultiIndex.from_frame(wide[id_cols].astype(object)))]
    if len(lost):   # every code of these answers lacks a value of *by*: kept as all-zero rows
        wide = pd.concat([wide, lost], ignore_index=True)
        notes.append(lost.assign(reason=f"coded, but no code has a {by}"))
    for c in id_cols:
        wide[c] = wide[c].astype(coded[c].dtype)
    if responses is not None:
        missing = [c for c in id_cols if c not in responses.columns]
        if missing:
            raise ParameterError("id_cols", missing, allowed=list(responses.columns))
        has_text = text_col in responses.columns
        cols = id_cols + ([text_col] if has_text else [])
        base = responses[cols].copy()
        for c in id_cols:   # compare ids as text, as code_texts writes them
            base[c] = base[c].astype("string")
            wide[c] = wide[c].astype("string")
        if has_text:
            t = base[text_col].astype("string").str.strip()
            base["has_text"] = (t.notna() & (t != "")).to_numpy(dtype=bool)
            base = base.groupby(id_cols, sort=False, as_index=False, dropna=False)["has_text"].any()
        else:
            base = base.drop_duplicates().reset_index(drop=True)
        known = pd.MultiIndex.from_frame(base[id_cols])
        extra = wide[~pd.MultiIndex.from_frame(wide[id_cols]).isin(known)]
        wide = base.merge(wide, on=id_cols, how="left")
        if len(extra):
            extra = extra.assign(has_text=True) if has_text else extra
            wide = pd.concat([wide, extra], ignore_index=True)
            notes.append(extra[id_cols].assign(reason="coded, but not among the responses"))
        if has_text:
            notes.append(base.loc[~base["has_text"], id_cols].assign(reason="no answer text"))
            wide["has_text"] = wide.pop("has_text").astype(bool)
    else:
        log.info("code_indicators without responses: answers without any code have no row")
    value_cols = [c for c in wide.columns if c not in id_cols and c != "has_text"]
    wide[value_cols] = wide[value_cols].fillna(0).astype("int8")
    wide.insert(len(id_cols) + len(value_cols), "n_codes", wide[value_cols].sum(axis=1).astype("int64"))
    notes = pd.concat(notes, ignore_index=True) if notes else pd.DataFrame(columns=id_cols + ["reason"])
    for reason, k in notes["reason"].value_counts().items():
        log.warning("code_indicators: %d answers %s", k, reason if reason.startswith("coded") else f"with {reason}")
    wide.attrs["notes"] = notes.reset_index(drop=True)
    return wide
