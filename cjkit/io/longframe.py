"""Column arrays of the long frame, built question by question without per-row Python.

:func:`cjkit.io.spec.to_long` stacks one block of rows per question (per option for
multi-choice questions), each block over all respondents in file order. This module computes
each block's ``value`` (float), ``missing_reason``, ``text`` (pyarrow strings, built from a
few distinct strings by dictionary codes) and ``item``; the shared columns (question, type,
role, phase, touchpoint, segments) are categorical codes repeated per block, and the
respondent columns are the same arrow buffers referenced once per block, not copied.

Examples
--------
>>> import pandas as pd
>>> from cjkit.catalog.types import Question
>>> q = Question.from_dict({"id": "q", "type": "rating", "scale": {"min": 1, "max": 5}, "missing": [9]})
>>> b = scale_block(pd.Series([4, 9, 7, None]), q)
>>> b.value.tolist()[:1], b.reason.decode().to_pylist()
([4.0], [None, 'missing code 9', 'out of range: 7 not in 1..5', 'no answer'])
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cjkit.catalog.types import Question

STRING = pa.large_string()  # the storage of pandas' "string" dtype


@dataclass
class Coded:
    """A string column as int codes (-1 = missing) into a few distinct strings."""

    codes: np.ndarray
    strings: list

    def decode(self, pos: np.ndarray | None = None) -> pa.Array:
        """The strings (of the rows at *pos*) as an arrow array."""
        codes = self.codes if pos is None else self.codes[pos]
        if not self.strings or (codes < 0).all():
            return nulls(len(codes))
        return pc.take(pa.array(self.strings, STRING), pa.array(codes, mask=codes < 0))

    def equals(self, s: str) -> np.ndarray:
        return self.codes == (self.strings.index(s) if s in self.strings else -2)


@dataclass
class Block:
    """One question's (or one option's) rows: value, missing_reason, text, item."""

    value: np.ndarray
    reason: Coded
    text: Coded | pa.Array
    item: str | None = None

    def text_of(self, pos: np.ndarray | None = None) -> pa.Array:
        if isinstance(self.text, Coded):
            return self.text.decode(pos)
        return self.text if pos is None else pc.take(self.text, pa.array(pos))


def numeric(series: pd.Series) -> np.ndarray:
    """The column as float64 (decimal commas read as points; unparsable -> NaN)."""
    if pd.api.types.is_numeric_dtype(series) and not isinstance(series.dtype, pd.CategoricalDtype):
        return series.to_numpy(dtype="float64", na_value=np.nan)
    # parse each distinct answer once: text columns of survey exports hold few distinct values
    enc = pc.dictionary_encode(pc.replace_substring(pc.utf8_trim_whitespace(arrow_text(series)), ",", "."))
    uniq = pd.Series(pd.arrays.ArrowStringArray(enc.dictionary.cast(STRING)))
    parsed = np.append(pd.to_numeric(uniq, errors="coerce").to_numpy(dtype="float64", na_value=np.nan), np.nan)
    return parsed[pc.fill_null(enc.indices, len(parsed) - 1).to_numpy(zero_copy_only=False)]


def arrow_text(series: pd.Series) -> pa.Array:
    """The column as an arrow string array (zero-copy for arrow-backed strings)."""
    arr = pa.array(series.astype("string"), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(STRING)


@lru_cache(maxsize=2)
def nulls(n: int) -> pa.Array:
    """*n* missing strings (one immutable array, shared by every block that has no text)."""
    return pa.nulls(n, STRING)


class Coder:
    """Distinct strings -> int codes, so that a column of millions of rows is built from codes."""

    def __init__(self):
        self.codes: dict[str, int] = {}

    def __call__(self, s: str) -> int:
        return self.codes.setdefault(s, len(self.codes))

    def coded(self, codes: np.ndarray) -> Coded:
        return Coded(codes, list(self.codes))


def _fmt(v: float) -> str:
    return f"{v:g}"


def scale_block(raw: pd.Series, q: Question) -> Block:
    """A scale question: missing codes, unparsable values, out-of-range values and no-answers
    become NaN with their reason (in that order of precedence); reverse coding; labels as text."""
    n = len(raw)
    num = numeric(raw)
    is_text = not pd.api.types.is_numeric_dtype(raw) or isinstance(raw.dtype, pd.CategoricalDtype)
    isna = raw.isna().to_numpy()
    text_codes = any(not isinstance(c, (int, float)) for c in q.missing)
    stripped = raw.astype("string").str.strip() if is_text or text_codes else None
    blank = isna | (stripped.eq("").fillna(False).to_numpy(bool) if is_text else False)
    reasons, codes = Coder(), np.full(n, -1, dtype=np.int32)
    labels = {str(k): v for k, v in q.missing_labels.items()}
    for code in q.missing:
        if isinstance(code, (int, float)):
            hit = num == float(code)
        else:
            hit = stripped.eq(code).fillna(False).to_numpy(bool)
        hit &= codes < 0
        if hit.any():
            codes[hit] = reasons(f"missing code {code}" + (f": {labels[str(code)]}" if str(code) in labels else ""))
    bad = np.isnan(num) & ~blank & (codes < 0)
    if bad.any():
        shown = raw[bad].astype("string").str.slice(0, 40).to_numpy(dtype=object)
        uniq, inv = np.unique(shown.astype(str), return_inverse=True)
        codes[bad] = np.array([reasons("not a number: " + s) for s in uniq], dtype=np.int32)[inv]
    lo, hi = q.scale.min, q.scale.max
    out = ~np.isnan(num) & (codes < 0) & ((num < lo) | (num > hi))
    if out.any():
        uniq, inv = np.unique(num[out], return_inverse=True)
        codes[out] = np.array([reasons(f"out of range: {_fmt(v)} not in {lo:g}..{hi:g}") for v in uniq],
                              dtype=np.int32)[inv]
    empty = blank & (codes < 0)
    if empty.any():
        codes[empty] = reasons("no answer")
    value = np.where(codes < 0, num, np.nan)
    if q.reverse:
        value = lo + hi - value
    return Block(value, reasons.coded(codes), _scale_text(value, q))


def _scale_text(value: np.ndarray, q: Question) -> Coded:
    if not q.scale.labels:
        return Coded(np.full(len(value), -1, dtype=np.int32), [])
    keys = np.array(sorted(float(k) for k in q.scale.labels), dtype=float)
    names = {float(k): v for k, v in q.scale.labels.items()}
    idx = np.clip(np.searchsorted(keys, value), 0, len(keys) - 1)
    found = keys[idx] == value  # NaN never matches
    return Coded(np.where(found, idx, -1).astype(np.int32), [str(names[k]) for k in keys])


def text_block(raw: pd.Series, q: Question) -> Block:
    """An open, single-choice or two-answer outcome question: the stripped answer (or its label)
    as text, the code as value (single choice), 1/0 for a positive/other answer."""
    n = len(raw)
    arr = arrow_text(raw)
    stripped = pc.utf8_trim_whitespace(arr)
    blank = _mask(pc.or_kleene(pc.is_null(arr), pc.equal(stripped, "")))
    labels = {str(k): str(v) for k, v in q.scale.labels.items()} if q.scale else {}
    value = numeric(raw) if q.type == "single" else np.full(n, np.nan)
    text = stripped
    key = pc.replace_substring_regex(stripped, r"\.0$", "")
    if labels:
        at = pc.index_in(key, value_set=pa.array(list(labels), STRING))
        text = pc.coalesce(pc.take(pa.array(list(labels.values()), STRING), at), stripped)
    reasons, codes = Coder(), np.full(n, -1, dtype=np.int32)
    if blank.any():
        codes[blank] = reasons("no answer")
    for code in q.missing:  # a later code wins, as the spec lists them
        hit = _mask(pc.equal(stripped, str(code)))
        if hit.any():
            codes[hit] = reasons(f"missing code {code}")
    if q.positive is not None:
        # a two-answer outcome counts as 1 for the positive answer and 0 for any other, so that
        # drivers and metrics can use it like a numeric outcome; the answer text is kept
        # (matched ignoring case, on the code or its label; YAML's bare yes/no arrive as booleans)
        wanted = q.positive_answers()
        value = (_casefold_in(key, wanted) | _casefold_in(text, wanted)).astype("float64")
    answered = codes < 0
    return Block(np.where(answered, value, np.nan), reasons.coded(codes),
                 pc.if_else(pa.array(answered), text, pa.scalar(None, STRING)))


def multi_blocks(wide: pd.DataFrame, q: Question) -> list[Block]:
    """One block per option: 1 when selected (1 or the option text), 0 otherwise."""
    out = []
    for option, col in q.columns.items():
        raw = wide[col]
        num = numeric(raw)
        # exports mark a selected option by 1 or by the option text; blank means not selected
        filled = _mask(pc.not_equal(pc.utf8_trim_whitespace(arrow_text(raw)), ""))
        selected = np.nan_to_num(num, nan=0.0) != 0
        selected |= np.isnan(num) & filled
        none = Coded(np.full(len(raw), -1, dtype=np.int32), [])
        out.append(Block(selected.astype("float64"), none, none, item=option))
    return out


def _casefold_in(arr: pa.Array, wanted: frozenset) -> np.ndarray:
    """Whether each string, case-folded as Python does, is in *wanted* (looked up once per distinct string)."""
    enc = pc.dictionary_encode(arr)
    hit = np.array([s.casefold() in wanted for s in enc.dictionary.to_pylist()] + [False], dtype=bool)
    return hit[pc.fill_null(enc.indices, len(hit) - 1).to_numpy(zero_copy_only=False)]


def _mask(arr) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def strings(blocks: list[pa.Array]) -> pd.arrays.ArrowStringArray:
    """Blocks of arrow strings as one pandas string column (no copy of the blocks)."""
    return pd.arrays.ArrowStringArray(pa.chunked_array(blocks, type=STRING))


def repeated(series: pd.Series, times: int, *, categorical: bool = False):
    """*series* stacked *times* times: categorical codes repeated, arrow strings referenced
    once per block rather than copied."""
    s = series.reset_index(drop=True)
    if categorical and not isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype("category")
    if isinstance(s.dtype, pd.CategoricalDtype):
        return pd.Categorical.from_codes(np.tile(s.cat.codes.to_numpy(), times), dtype=s.dtype)
    return pd.concat([s] * times, ignore_index=True).array if times else s.iloc[:0].array



@dataclass
class Parts:
    """The blocks of a long frame before assembly, so that validation can decide which
    respondents to keep before any string column is written out.

    Attributes
    ----------
    blocks : list of Block
    shared : dict
        Column name -> (one value per block, CategoricalDtype): question, type, role, phase, touchpoint.
    ids : Series
        Respondent ids (string), one per wide row.
    weight : ndarray
    extra : dict
        Column name -> (wide column, categorical?) for wave, strata, cluster and segments.
    """

    blocks: list
    shared: dict
    ids: pd.Series
    weight: np.ndarray
    extra: dict

    @property
    def n(self) -> int:
        return len(self.ids)

    def frame(self, pos: np.ndarray | None = None) -> pd.DataFrame:
        """The long frame of the respondents at positions *pos* (default all), block by block."""
        k, m = len(self.blocks), self.n if pos is None else len(pos)
        ids = self.ids if pos is None else self.ids.iloc[pos]
        cols = {"respondent_id": repeated(ids, k)}
        for name, (values, dtype) in self.shared.items():
            codes = np.array([-1 if v is None else dtype.categories.get_loc(v) for v in values], dtype=np.int64)
            small = np.int8 if len(dtype.categories) < 127 else np.int16 if len(dtype.categories) < 32_767 else np.int32
            cols[name] = pd.Categorical.from_codes(np.broadcast_to(codes.astype(small)[:, None], (k, m)).reshape(-1),
                                                   dtype=dtype)
        cols["item"] = strings([nulls(m) if b.item is None else pa.repeat(pa.scalar(b.item, STRING), m)
                                for b in self.blocks])
        cols["value"] = np.concatenate([b.value if pos is None else b.value[pos] for b in self.blocks]) \
            if self.blocks else np.empty(0)
        cols["text"] = strings([b.text_of(pos) for b in self.blocks])
        cols["missing_reason"] = strings([b.reason.decode(pos) for b in self.blocks])
        cols["weight"] = np.tile(self.weight if pos is None else self.weight[pos], k)
        order = ["respondent_id", "question", "item", "type", "role", "value", "text", "missing_reason",
                 "phase", "touchpoint", "weight"]
        out = {c: cols[c] for c in order}
        for name, (series, categorical) in self.extra.items():
            out[name] = repeated(series if pos is None else series.iloc[pos], k, categorical=categorical)
        return pd.DataFrame(out, copy=False)
