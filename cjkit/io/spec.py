"""Survey specifications: which column is what, and how to read it.

A spec (YAML, schema ``survey_spec``) names the respondent id, weight, wave and
segment columns and, per question, its type, scale, reverse coding, missing
codes and the journey phase and touchpoint it measures. :func:`to_long` applies
a spec to a wide frame and yields the tidy long frame the rest of cjkit uses.

Examples
--------
>>> from cjkit import spec
>>> s = spec.load_spec("surveys/demo/spec.yaml")  # doctest: +SKIP
>>> long = spec.to_long(wide, s)                   # doctest: +SKIP
"""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd

from cjkit.catalog import models
from cjkit.catalog import touchpoints
from cjkit.catalog.config import load_config
from cjkit.errors import ConfigError, DataError

SCALE_TYPES = ("likert", "rating", "nps", "csat", "ces")
DEFAULT_SCALES = {"nps": (0, 10)}
DEFAULT_ROLE = {"nps": "nps", "open": "comment", "single": "profile", "multi": "profile"}
LONG_COLUMNS = ["respondent_id", "question", "item", "type", "role", "value", "text",
                "missing_reason", "phase", "touchpoint", "weight"]


def load_spec(source) -> dict:
    """Load, validate and complete a survey spec.

    Fills defaults (``column`` = id, ``role`` by type, NPS scale 0-10), resolves the
    journey model and touchpoint catalog (ids or paths relative to the spec) and checks
    that every phase and touchpoint exists.

    Raises
    ------
    ConfigError
        Naming the spec file and the key, e.g. ``questions[3].phase``.
    """
    path = Path(source) if isinstance(source, (str, Path)) else None
    spec = copy.deepcopy(load_config(source, schema="survey_spec"))
    base = path.parent if path else Path.cwd()
    spec["_path"] = str(path) if path else None
    spec["_dir"] = str(base)

    model_ref = spec.get("journey_model", "accra")
    if str(model_ref).endswith((".yaml", ".yml")):
        model_path = base / model_ref
        if not model_path.is_file():
            raise ConfigError(f"journey model file '{model_ref}' not found", path=path, key="journey_model")
        spec["journey_model"] = models.register(model_path)
    elif model_ref not in models.list():
        raise ConfigError(f"unknown journey model '{model_ref}'; known: {', '.join(models.list())}",
                          path=path, key="journey_model")
    else:
        spec["journey_model"] = model_ref
    catalog_ref = spec.get("touchpoint_catalog")
    catalog = touchpoints.load(base / catalog_ref if catalog_ref else None)
    phase_ids = set(models.phase_categories(spec["journey_model"]).categories)
    tp_ids = set(catalog["id"])

    seen: dict[str, int] = {}
    for i, q in enumerate(spec["questions"]):
        key = f"questions[{i}]"
        if q["id"] in seen:
            raise ConfigError(f"duplicate question id '{q['id']}' (also questions[{seen[q['id']]}])",
                              path=path, key=f"{key}.id")
        seen[q["id"]] = i
        if q["type"] == "multi" and "columns" not in q:
            raise ConfigError("a multi-choice question needs 'columns' (option id -> column)",
                              path=path, key=f"{key}.columns")
        q.setdefault("column", q["id"])
        q.setdefault("role", DEFAULT_ROLE.get(q["type"], "driver"))
        q.setdefault("reverse", False)
        q.setdefault("missing", [])
        if q["type"] in DEFAULT_SCALES and "scale" not in q:
            lo, hi = DEFAULT_SCALES[q["type"]]
            q["scale"] = {"min": lo, "max": hi}
        if q["type"] in SCALE_TYPES and "scale" not in q:
            raise ConfigError(f"a {q['type']} question needs a scale with min and max",
                              path=path, key=f"{key}.scale")
        if "scale" in q and q["scale"]["min"] >= q["scale"]["max"]:
            raise ConfigError("scale min must be below max", path=path, key=f"{key}.scale")
        if q.get("phase") is not None and q["phase"] not in phase_ids:
            raise ConfigError(f"phase '{q['phase']}' is not in journey model '{spec['journey_model']}' "
                              f"(phases: {', '.join(sorted(phase_ids))})", path=path, key=f"{key}.phase")
        if q.get("touchpoint") is not None and q["touchpoint"] not in tp_ids:
            raise ConfigError(f"touchpoint '{q['touchpoint']}' is not in the touchpoint catalog",
                              path=path, key=f"{key}.touchpoint")
    spec.setdefault("segments", [])
    spec.setdefault("quality", {})
    spec["_catalog"] = catalog
    return spec


def question_table(spec: dict) -> pd.DataFrame:
    """One row per question: question, column, type, role, phase, touchpoint, scale_min, scale_max,
    reverse, text."""
    rows = [{"question": q["id"], "column": q.get("column"), "type": q["type"], "role": q["role"],
             "phase": q.get("phase"), "touchpoint": q.get("touchpoint"),
             "scale_min": q.get("scale", {}).get("min", np.nan), "scale_max": q.get("scale", {}).get("max", np.nan),
             "reverse": q["reverse"], "text": q.get("text", "")} for q in spec["questions"]]
    out = pd.DataFrame(rows)
    out["phase"] = out["phase"].astype(models.phase_categories(spec["journey_model"]))
    return out


def required_columns(spec: dict) -> list[str]:
    """All source columns the spec refers to."""
    cols = [spec["respondent_id"]] + [spec[k] for k in ("weight", "wave", "date", "duration") if spec.get(k)]
    cols += spec.get("segments", [])
    for q in spec["questions"]:
        cols += list(q["columns"].values()) if q["type"] == "multi" else [q["column"]]
    return list(dict.fromkeys(cols))


def check_columns(wide: pd.DataFrame, spec: dict, file=None) -> None:
    """Raise :class:`DataError` naming every spec column that the data lacks."""
    missing = [c for c in required_columns(spec) if c not in wide.columns]
    if missing:
        raise DataError(f"the spec refers to columns the data does not have: {missing}; "
                        f"available: {list(wide.columns)[:40]}", file=file, column=missing[0])


def _numeric(series: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(series):
        return series.astype("float64")
    text = series.astype("string").str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").astype("float64")


def _scale_question(wide: pd.DataFrame, q: dict) -> pd.DataFrame:
    raw = wide[q["column"]]
    num = _numeric(raw)
    reason = pd.Series(pd.NA, index=wide.index, dtype="string")
    labels = {str(k): v for k, v in q.get("missing_labels", {}).items()}
    for code in q["missing"]:
        hit = (num == float(code)) if isinstance(code, (int, float)) else (raw.astype("string").str.strip() == code)
        hit = hit.fillna(False)
        reason = reason.mask(hit & reason.isna(), f"missing code {code}" + (f": {labels[str(code)]}" if str(code) in labels else ""))
    unparsable = num.isna() & raw.notna() & reason.isna() & (raw.astype("string").str.strip() != "")
    reason = reason.mask(unparsable, "not a number: " + raw.astype("string").str.slice(0, 40))
    lo, hi = q["scale"]["min"], q["scale"]["max"]
    out_of_range = num.notna() & reason.isna() & ((num < lo) | (num > hi))
    shown = num[out_of_range].map(lambda v: f"{v:g}").astype("string")
    reason.loc[out_of_range] = "out of range: " + shown + f" not in {lo:g}..{hi:g}"
    no_answer = raw.isna() | (raw.astype("string").str.strip() == "")
    reason = reason.mask(no_answer & reason.isna(), "no answer")
    value = num.where(reason.isna())
    if q["reverse"]:
        value = lo + hi - value
    scale_labels = {float(k): v for k, v in q.get("scale", {}).get("labels", {}).items()}
    text = value.map(scale_labels).astype("string") if scale_labels else pd.Series(pd.NA, index=wide.index, dtype="string")
    return pd.DataFrame({"item": pd.Series(pd.NA, index=wide.index, dtype="string"),
                         "value": value, "text": text, "missing_reason": reason})


def _text_question(wide: pd.DataFrame, q: dict) -> pd.DataFrame:
    raw = wide[q["column"]].astype("string")
    blank = raw.isna() | (raw.str.strip() == "")
    labels = {str(k): v for k, v in q.get("scale", {}).get("labels", {}).items()}
    value = _numeric(wide[q["column"]]) if q["type"] == "single" else pd.Series(np.nan, index=wide.index)
    text = raw.str.strip()
    if labels:
        text = text.map(lambda s: labels.get(s.removesuffix(".0"), s) if isinstance(s, str) else s).astype("string")
    reason = pd.Series(pd.NA, index=wide.index, dtype="string").mask(blank, "no answer")
    for code in q["missing"]:
        reason = reason.mask(raw.str.strip() == str(code), f"missing code {code}")
    return pd.DataFrame({"item": pd.Series(pd.NA, index=wide.index, dtype="string"),
                         "value": value.where(reason.isna()), "text": text.mask(reason.notna()),
                         "missing_reason": reason})


def _multi_question(wide: pd.DataFrame, q: dict) -> pd.DataFrame:
    parts = []
    for option, col in q["columns"].items():
        raw = wide[col]
        num = _numeric(raw)
        # exports mark a selected option by 1 or by the option text; blank means not selected
        selected = num.fillna(0).ne(0) | (num.isna() & raw.notna() & (raw.astype("string").str.strip() != ""))
        parts.append(pd.DataFrame({"item": option, "value": selected.astype("float64"),
                                   "text": pd.Series(pd.NA, index=wide.index, dtype="string"),
                                   "missing_reason": pd.Series(pd.NA, index=wide.index, dtype="string")},
                                  index=wide.index))
    return pd.concat(parts)


def to_long(wide: pd.DataFrame, spec: dict, *, file=None) -> pd.DataFrame:
    """Apply *spec* to a wide frame (one row per respondent) and return the tidy long frame.

    Values that are missing codes, unparsable or out of range become NaN and keep the reason
    in ``missing_reason`` — they are never dropped, so the ledger can account for them.

    Returns
    -------
    DataFrame
        Columns respondent_id, question, item, type, role, value, text, missing_reason,
        phase (ordered categorical), touchpoint, weight, then wave and segment columns.
    """
    check_columns(wide, spec, file=file)
    rid = wide[spec["respondent_id"]].astype("string")
    if spec.get("weight"):
        weight = _numeric(wide[spec["weight"]])
        bad = weight.isna() | (weight <= 0)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
            got = wide[spec["weight"]].iloc[row - 1]
            raise DataError(f"weights must be positive numbers, got '{'' if pd.isna(got) else got}' "
                            f"({int(bad.sum())} row(s) affected; exclude empty rows first with cjkit.quality.validate)",
                            file=file, row=row, column=spec["weight"])
    else:
        weight = pd.Series(1.0, index=wide.index)
    # column arrays once, taken by position per question (label lookups copy text columns each time)
    rid_arr, weight_arr = rid.to_numpy(), weight.to_numpy()
    extra = {c: wide[c].to_numpy() for c in ([spec["wave"]] if spec.get("wave") else []) + spec.get("segments", [])}
    frames = []
    for q in spec["questions"]:
        if q["type"] in SCALE_TYPES:
            part = _scale_question(wide, q)
        elif q["type"] == "multi":
            part = _multi_question(wide, q)
        else:
            part = _text_question(wide, q)
        pos = wide.index.get_indexer(part.index)
        part.insert(0, "respondent_id", rid_arr[pos])
        part.insert(1, "question", q["id"])
        part.insert(3, "type", q["type"])
        part.insert(4, "role", q["role"])
        part["phase"] = q.get("phase")
        part["touchpoint"] = q.get("touchpoint")
        part["weight"] = weight_arr[pos]
        for name, col in extra.items():
            part[name] = col[pos]
        frames.append(part.reset_index(drop=True))
    long = pd.concat(frames, ignore_index=True)
    for col in ("respondent_id", "question", "type", "role", "touchpoint", "item", "text", "missing_reason"):
        long[col] = long[col].astype("string")
    long["phase"] = long["phase"].astype(models.phase_categories(spec["journey_model"]))
    return long
