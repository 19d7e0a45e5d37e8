"""The coded-text frame: the hits of all chunks joined, one row per answer on request, ids.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from cjkit.coding.codeframe import row_ids
>>> row_ids(pd.DataFrame({"respondent_id": [7, 8], "question": [None, None]}).astype(object),
...          np.array([0, 0, 1]))["respondent_id"].tolist()
['7', '7', '8']
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cjkit.catalog import models
from cjkit.coding.codehits import take_hits
from cjkit.coding.primary import pick
from cjkit.coding.texts import string_ids

log = logging.getLogger("cjkit.coding.coder")


_KEYS = ["row", "start", "end", "code", "tp_from", "polarity", "negated", "confidence", "rule", "lang", "evidence"]


def concat_hits(parts: list) -> dict:
    """The hits of all chunks as one dict of arrays (``evidence`` is an Arrow string array)."""
    import pyarrow as pa
    if not parts:
        h = {k: np.empty(0, dtype=bool if k == "negated" else np.int64) for k in _KEYS}
        h["evidence"] = pa.array([], pa.large_string())
        return h
    h = {k: np.concatenate([p[k] for p in parts]) for k in _KEYS + ["point"] if k != "evidence" and k in parts[0]}
    h["evidence"] = pa.concat_arrays([p["evidence"] for p in parts])
    return h


def one_per_answer(h: dict, spec: np.ndarray, langs: np.ndarray) -> dict:
    """Keep each answer's primary code (:mod:`cjkit.coding.primary`); add a code-less row per
    answer without any hit, so every answer has exactly one row."""
    import pyarrow as pa
    h = take_hits(h, pick(h["row"], h["code"], h["rule"], h["start"], spec, end=h["end"], point=h.get("point")))
    missing = np.setdiff1d(np.arange(langs.size), h["row"])
    if missing.size:
        log.info("single_label: %d of %d answers have no code (kept with an empty code)", missing.size, langs.size)
        n = missing.size
        empty = {"row": missing, "start": np.zeros(n, np.int64), "end": np.zeros(n, np.int64),
                 "code": np.full(n, -1), "tp_from": np.full(n, -1), "polarity": np.zeros(n, np.int8),
                 "negated": np.zeros(n, bool), "confidence": np.zeros(n), "rule": np.full(n, -1),
                 "lang": langs[missing]}
        h = {k: np.concatenate([h[k], empty[k]]) for k in empty} | {
            "evidence": pa.concat_arrays([h["evidence"], pa.nulls(n, pa.large_string())])}
        h = take_hits(h, np.argsort(h["row"], kind="stable"))
    return h


def row_ids(ids: pd.DataFrame, rows: np.ndarray, positions: bool = False) -> pd.DataFrame:
    """The id columns of the coded rows; generated ids are stringified once per answer.

    With *positions* the ids are those of a list of answers (``respondent_id`` the position,
    no ``question``): they are written straight from *rows*.
    """
    import pyarrow as pa
    if positions:
        text = pd.StringDtype("pyarrow")
        return pd.DataFrame({"respondent_id": pd.array(pa.array(rows).cast(pa.large_string()), dtype=text),
                             "question": pd.array(pa.nulls(rows.size, pa.large_string()), dtype=text)})
    # rows arrive sorted: unique values and inverse by differencing, no hashing
    first = np.r_[True, rows[1:] != rows[:-1]] if rows.size else np.zeros(0, bool)
    uniq, inv = rows[first], np.cumsum(first) - 1
    sub = ids.iloc[uniq].reset_index(drop=True)
    for c in ("respondent_id", "question"):
        if c in sub.columns and sub[c].dtype == object:
            sub[c] = _ids_as_text(sub[c])
    sub = string_ids(sub)
    return sub.iloc[inv].reset_index(drop=True)


def _ids_as_text(col: pd.Series) -> pd.Series:
    """Generated ids as text in one Arrow step (``str()`` per id would be the slowest step of a
    large coding): whole numbers (list positions, numeric respondent ids), all-missing columns
    and plain text. Anything else is returned as is for :func:`string_ids`."""
    import pyarrow as pa
    try:
        arr = pa.array(col.to_numpy(), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return col
    if pa.types.is_null(arr.type):
        arr = pa.nulls(len(arr), pa.large_string())
    elif not (pa.types.is_integer(arr.type) or (pa.types.is_string(arr.type) and arr.null_count == 0)):
        return col
    return pd.Series(pd.array(arr.cast(pa.large_string()), dtype="string"), index=col.index, name=col.name)


def phases(canonical: np.ndarray, stages: list, model) -> pd.Categorical:
    """Canonical stage codes -> phases of *model* (default: the canonical axis itself)."""
    if model is None:
        return pd.Categorical.from_codes(canonical, categories=stages, ordered=True)
    mapping = models.canonical_to_phase(model)
    dtype = models.phase_categories(model)
    lut = np.array([dtype.categories.get_loc(mapping[s]) if s in mapping else -1 for s in stages] + [-1])
    return pd.Categorical.from_codes(lut[canonical], dtype=dtype)
