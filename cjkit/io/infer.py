"""Propose a survey spec from an export, for the researcher to edit.

:func:`infer_spec` looks at each column's values (and the reader's question texts and value
labels) and guesses its role: respondent id, weight, date, duration, or a question of type
``nps`` (0-10), ``rating`` (1-5, 1-7, 0-10 …; codes like 9/99/-1 beyond the scale become
``missing``), ``single`` (few distinct answers) or ``open`` (free text). Where a question
text names a catalog touchpoint, touchpoint and phase are proposed too. :func:`write_spec`
writes YAML that :func:`cjkit.io.spec.load_spec` accepts.

Examples
--------
>>> import pandas as pd
>>> from cjkit.io.infer import infer_spec
>>> wide = pd.DataFrame({"id": ["a", "b", "c", "d"], "nps": [0, 7, 10, 9],
...                      "q1": [1, 5, 3, 9], "comment": ["gut", None, "sehr langsamer Check-in", "ok"]})
>>> spec = infer_spec(wide, survey="demo")
>>> [(q.id, q.type, q.missing) for q in spec.questions]
[('nps', 'nps', ()), ('q1', 'rating', (9,)), ('comment', 'open', ())]
>>> spec.respondent_id
'id'
"""
from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cjkit.catalog import models
from cjkit.catalog import touchpoints
from cjkit.io.spec import SurveySpec, load_spec

log = logging.getLogger("cjkit.io.infer")

ID_NAMES = re.compile(r"^(respondent_?id|response_?id|responseid|_?record_?id|id|lfdn|case_?id|"
                      r"participant_?id|serial|interview_?id|feedback_id)$", re.I)
WEIGHT_NAMES = re.compile(r"weight|gewicht", re.I)
DATE_NAMES = re.compile(r"date|datum|time_?stamp|zeitstempel|submitted|recorded", re.I)
DURATION_NAMES = re.compile(r"duration|dauer|seconds|sekunden|time_?taken", re.I)
NPS_NAMES = re.compile(r"nps|recommend|empfehl|weiterempf", re.I)
MISSING_CANDIDATES = {-99, -9, -1, 9, 98, 99, 999}
DATE_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?|^\d{1,2}[./]\d{1,2}[./]\d{2,4}( \d{1,2}:\d{2})?")


def _qid(name: str, used: set) -> str:
    base = re.sub(r"[^A-Za-z0-9_]+", "_", str(name)).strip("_") or "q"
    base = base if re.match(r"^[A-Za-z_]", base) else f"q_{base}"
    out, k = base, 2
    while out in used:
        out, k = f"{base}_{k}", k + 1
    used.add(out)
    return out


def _numeric(s: pd.Series) -> pd.Series | None:
    if pd.api.types.is_bool_dtype(s):
        return None
    if pd.api.types.is_numeric_dtype(s):
        return s.astype("float64")
    if pd.api.types.is_string_dtype(s) or s.dtype == object:
        txt = s.dropna().astype("string").str.strip()
        txt = txt[txt != ""]
        num = pd.to_numeric(txt.str.replace(",", ".", regex=False), errors="coerce")
        if len(txt) and num.notna().all():
            return pd.to_numeric(s.astype("string").str.strip().str.replace(",", ".", regex=False), errors="coerce")
    return None


def _is_date(s: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(s):
        return True
    if pd.api.types.is_string_dtype(s) or s.dtype == object:
        vals = s.dropna().astype("string").head(200)
        return len(vals) > 0 and bool(vals.str.match(DATE_VALUE.pattern).all())
    return False


def _scale(values: np.ndarray, name: str):
    """(type, min, max, missing codes) for integer answers that look like a rating scale, else None."""
    vals = set(int(v) for v in values)
    missing = sorted(v for v in vals if v in MISSING_CANDIDATES)
    main = vals - set(missing)
    if not main:
        return None
    lo, hi = min(main), max(main)
    if hi > 5 and hi not in (7, 10):
        # a few answers above a standard scale end are errors to report, not a wider scale
        q99 = np.quantile([v for v in values if v in main], 0.99)
        std = [h for h in (4, 5, 7, 10) if h >= q99]
        if std and std[0] < hi:
            hi = std[0]
            main = {v for v in main if v <= hi}
    # 9 inside a 0-10 scale is an answer, not a code
    main |= {m for m in missing if lo <= m <= hi}
    missing = [m for m in missing if not lo <= m <= hi]
    if lo < 0 or hi > 10 or hi < 3:
        return None
    if hi == 10 and lo <= 1:
        if NPS_NAMES.search(name) or lo == 0:
            return "nps", 0, 10, missing
        return "rating", 1, 10, missing
    if hi in (4, 5, 6, 7):
        return "rating", min(lo, 1), hi, missing
    return None


def _touchpoint(text: str, catalog: pd.DataFrame) -> str | None:
    """The catalog touchpoint whose label or alias matches *text* — the longest match wins,
    so 'in-flight service' beats 'service'."""
    low = f" {text.lower().replace('_', ' ')} "
    best, best_len = None, 0
    for _, tp in catalog.iterrows():
        names = [tp["label_en"], tp["label_de"], tp["id"].replace("_", " ")]
        names += [a for a in (tp["aliases_en"] + ";" + tp["aliases_de"]).split(";") if a]
        for n in names:
            if len(n) > 3 and len(n) > best_len and re.search(
                    rf"(?<![a-zäöüß]){re.escape(n.lower())}(?![a-zäöüß])", low):
                best, best_len = tp["id"], len(n)
    return best


def _labelled(col, s: pd.Series, labels: dict, used: set, text: str) -> dict | None:
    """A question from a column with value labels (SPSS): consecutive integer codes 1..k (k >= 3)
    are a rating scale with those labels, negative codes missing; anything else single choice."""
    name = str(col)
    q: dict = {"id": _qid(name, used)}
    if q["id"] != name:
        q["column"] = name
    if text and text != name:
        q["text"] = str(text)[:300]
    codes = [k for k in labels if isinstance(k, (int, float)) and float(k).is_integer()]
    valid = sorted(int(k) for k in codes if k >= 0)
    missing = sorted(int(k) for k in codes if k < 0)
    if len(valid) >= 3 and valid == list(range(valid[0], valid[-1] + 1)) and valid[0] in (0, 1):
        q.update(type="rating", scale={"min": valid[0], "max": valid[-1],
                                       "labels": {k: str(labels[k]) for k in valid}})
        if missing:
            q["missing"] = missing
            q["missing_labels"] = {str(m): str(labels[m]) for m in missing}
    else:
        q["type"] = "single"
    return q


def infer_spec(wide: pd.DataFrame, meta: dict | None = None, *, survey: str = "survey",
               journey_model: str = "accra", language: str = "de", max_single: int = 20) -> SurveySpec:
    """Propose a spec from a wide frame.

    Parameters
    ----------
    wide : DataFrame
        One row per respondent (e.g. ``cjkit.io.readers.read(path).wide``).
    meta : dict, optional
        Reader metadata: question texts (``questions``), ``value_labels``, ``id_column``.
    survey : str
        Survey id for the spec.
    journey_model : str
        Model the proposed phases refer to.
    max_single : int
        At most this many distinct answers make a text column single choice (else open).

    Returns
    -------
    SurveySpec
        With survey, journey_model, language, respondent_id, weight/date/duration where
        found, segments, quality and questions; unclassifiable columns are left out (logged).
        :func:`write_spec` writes it as YAML for editing.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.io.infer import infer_spec
    >>> wide = pd.DataFrame({"lfdn": [1, 2, 3, 4, 5, 6], "gewicht": [0.5, 1.5, 1.0, 1.0, 1.0, 1.0],
    ...                      "kanal": ["web", "web", "tel", "tel", "web", "tel"],
    ...                      "Zufriedenheit Hotline": [1, 4, 5, 2, 3, 9]})
    >>> spec = infer_spec(wide)
    >>> spec.respondent_id, spec.weight, spec.segments
    ('lfdn', 'gewicht', ('kanal',))
    >>> q = spec.question("Zufriedenheit_Hotline")
    >>> q.column, q.type, q.scale.max, q.touchpoint
    ('Zufriedenheit Hotline', 'rating', 5, 'hotline')
    """
    meta = meta or {}
    texts = {}
    qframe = meta.get("questions")
    if qframe is not None and len(qframe):
        for _, r in qframe.iterrows():
            t = r["question_text"] if pd.notna(r["question_text"]) else ""
            texts[r["column"]] = t + (f" - {r['item_text']}" if pd.notna(r["item_text"]) else "")
    labels = meta.get("value_labels") or {}
    catalog = touchpoints.load()
    to_phase = models.canonical_to_phase(journey_model)
    spec: dict = {"survey": re.sub(r"[^A-Za-z0-9_\-]+", "_", survey), "language": language,
                  "journey_model": journey_model}
    id_col = meta.get("id_column")
    if id_col not in wide.columns:
        id_col = next((c for c in wide.columns if ID_NAMES.match(str(c))), None)
    if id_col is None:
        id_col = next((c for c in wide.columns if wide[c].notna().all() and wide[c].is_unique
                       and not pd.api.types.is_float_dtype(wide[c])), "respondent_id")
    spec["respondent_id"] = str(id_col)
    questions, segments, used = [], [], set()
    for col in wide.columns:
        if col in (id_col, "respondent_id"):
            continue
        s, name = wide[col], str(col)
        text = texts.get(col, name)
        if s.isna().all():
            continue
        if isinstance(s.dtype, pd.CategoricalDtype) and col in labels:
            q = _labelled(col, s, labels[col], used, text)
            if q:
                questions.append(q)
            continue
        num = _numeric(s) if not isinstance(s.dtype, pd.CategoricalDtype) else None
        if _is_date(s):
            if DATE_NAMES.search(name) and "date" not in spec:
                spec["date"] = name
            continue
        if num is not None and DURATION_NAMES.search(name) and "duration" not in spec:
            spec["duration"] = name
            continue
        if num is not None and WEIGHT_NAMES.search(name) and (num.dropna() > 0).all():
            spec.setdefault("weight", name)
            continue
        q: dict = {"id": _qid(name, used)}
        if q["id"] != name:
            q["column"] = name
        if text and text != name:
            q["text"] = str(text)[:300]
        vals = num.dropna().to_numpy() if num is not None else np.array([])
        if num is not None and len(vals) and np.all(vals == np.round(vals)) and _scale(vals, name):
            qtype, lo, hi, missing = _scale(vals, name)
            q.update(type=qtype, scale={"min": lo, "max": hi})
            if col in labels:
                q["scale"]["labels"] = {int(k): str(v) for k, v in labels[col].items()
                                        if isinstance(k, (int, float)) and lo <= k <= hi}
            if missing:
                q["missing"] = missing
                if col in labels:
                    q["missing_labels"] = {str(m): str(labels[col][m]) for m in missing if m in labels[col]}
        elif num is not None:
            log.info("column %s: numeric but not a rating scale; left out of the proposed spec", name)
            continue
        else:
            nonnull = s.dropna().astype("string").str.strip()
            nonnull = nonnull[nonnull != ""]
            k = nonnull.nunique()
            if k <= max_single and k < max(2, 0.5 * len(nonnull)):
                q["type"] = "single"
                if 2 <= k <= 8 and len(segments) < 5:
                    segments.append(name)
            elif (nonnull.str.len().mean() >= 15 or k > max_single
                  or (k == len(nonnull) >= 3 and nonnull.str.contains(" ").any())):
                q["type"] = "open"
            else:
                continue
        tp = _touchpoint(str(text), catalog)
        if tp:
            q["touchpoint"] = tp
            stages = catalog.set_index("id").loc[tp, "canonical_stages"].split(";")
            q["phase"] = to_phase[stages[0]]
        questions.append(q)
    spec["segments"] = segments
    spec["quality"] = {"straightline_min_items": max(2, min(10, sum(q["type"] == "rating" for q in questions))),
                       "min_completion": 0.5}
    spec["questions"] = questions
    return load_spec(spec)


def write_spec(spec, path) -> Path:
    r"""Write *spec* as YAML (values equal to their defaults left out) and return the path.

    :func:`cjkit.io.spec.load_spec` reads the file back into an equal spec. Files the spec
    names (``data``, ``touchpoint_catalog``, a journey-model file) are relative to the spec's
    folder; written to another folder, they are rewritten to point at the same files.

    Parameters
    ----------
    spec : SurveySpec, dict, str or Path
        The spec, e.g. from :func:`infer_spec`.
    path : str or Path
        File to write; missing folders are created.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from pathlib import Path
    >>> from cjkit.io.infer import infer_spec, write_spec
    >>> from cjkit.io.spec import load_spec
    >>> spec = infer_spec(pd.DataFrame({"id": [1, 2, 3], "nps": [0, 10, 8]}))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_spec(spec, Path(tmp) / "spec.yaml")
    ...     print(path.read_text(encoding="utf-8").split("\n", 2)[2])
    ...     print(load_spec(path) == spec)
    survey: survey
    language: de
    journey_model: accra
    respondent_id: id
    quality:
      straightline_min_items: 2
      min_completion: 0.5
    questions:
    - id: nps
      type: nps
    <BLANKLINE>
    True
    """
    path = Path(path)
    spec = load_spec(spec)
    clean = spec.to_dict()
    path.parent.mkdir(parents=True, exist_ok=True)
    # files named in the spec are relative to the spec's folder: written to another folder,
    # they are re-expressed relative to the new one so that they still point at the same files
    moved = path.parent.resolve() != spec.base_dir.resolve()
    for key in ("data", "touchpoint_catalog", "journey_model"):
        ref = clean.get(key)
        if moved and ref and (key != "journey_model" or str(ref).endswith((".yaml", ".yml"))):
            clean[key] = Path(os.path.relpath((spec.base_dir / ref).resolve(), path.parent.resolve())).as_posix()
    header = ("# Survey spec proposed by cjkit.io.infer.infer_spec — check types, scales, missing codes,\n"
              "# phases and touchpoints before use. Schema: cjkit/data/schemas/survey_spec.schema.yaml\n")
    path.write_text(header + yaml.safe_dump(clean, sort_keys=False, allow_unicode=True, width=110),
                    encoding="utf-8")
    return path
