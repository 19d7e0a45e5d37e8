"""Data-quality checks on a wide survey frame, every finding recorded in the ledger.

Rows are excluded for being empty, duplicate respondent ids, incomplete, speeders or
straight-liners (in that order, each row once, under the first check it fails); values that
are missing codes, out of range or not numbers are recorded as ``value_changed``; text cells
holding formulas (``=HYPERLINK(...)``) or huge texts are ``flagged`` and kept as plain text.
Thresholds come from the spec's ``quality`` block.

Examples
--------
>>> import pandas as pd
>>> from cjkit.quality.validate import validate
>>> spec = {"survey": "t", "respondent_id": "id", "questions": [{"id": "q1", "type": "open"}]}
>>> kept, led = validate(pd.DataFrame({"id": ["a", "b"], "q1": ["=HYPERLINK(1)", ""]}), spec)
>>> led[["row", "check", "action"]]
   row        check   action
0    2    empty_row excluded
1    1 formula_text  flagged
"""
from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cjkit.quality import ledger as ledger_mod
from cjkit.errors import ParameterError
from cjkit.io.spec import SurveySpec, long_parts, load_spec

log = logging.getLogger("cjkit.quality.validate")

DEFAULTS = {"speeder_seconds": None, "speeder_median_share": 0.3, "straightline_min_items": 10,
            "min_completion": 0.5, "drop_duplicates": "first"}
FORMULA = re.compile(r"^\s*[=+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*\(")
LONG_TEXT = 32_767  # Excel's cell limit: longer texts break round trips and usually are paste accidents


def quality_settings(spec) -> dict:
    """The spec's ``quality`` block completed with :data:`DEFAULTS`.

    Parameters
    ----------
    spec : str, Path, dict, SurveySpec or None

    Returns
    -------
    dict
        Every key of :data:`DEFAULTS`.

    Examples
    --------
    >>> quality_settings({"survey": "t", "respondent_id": "id", "quality": {"min_completion": 0.8},
    ...                   "questions": [{"id": "q", "type": "open"}]})["min_completion"]
    0.8
    >>> quality_settings(None)["drop_duplicates"]
    'first'
    """
    return {**DEFAULTS, **(load_spec(spec).quality if spec is not None else {})}


def _rows(wide: pd.DataFrame) -> pd.Series:
    if wide.index.name == "row":
        return pd.Series(wide.index.to_numpy(), index=wide.index)
    return pd.Series(np.arange(1, len(wide) + 1), index=wide.index)


def _is_text(s: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(s) or s.dtype == object


def _arrow_text(s: pd.Series) -> pa.Array:
    """The column as an arrow string array (zero-copy for pandas' arrow-backed str dtype), so
    that checks over millions of cells run in pyarrow compute rather than Python."""
    try:
        arr = pa.array(s, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = pa.array(s.astype("string"), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type) else pc.cast(arr, pa.string())


def _mask(arr) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _blank(frame: pd.DataFrame) -> pd.DataFrame:
    cols = {}
    for c in frame.columns:
        s = frame[c]
        cols[c] = s.isna().to_numpy(copy=True)
        if _is_text(s):
            cols[c] |= _mask(pc.equal(pc.utf8_trim_whitespace(_arrow_text(s)), ""))
    return pd.DataFrame(cols, index=frame.index)


def _answer_columns(wide: pd.DataFrame, spec: SurveySpec | None, id_col: str | None) -> list[str]:
    if spec:
        cols = [c for q in spec.questions for c in q.source_columns]
        return [c for c in dict.fromkeys(cols) if c in wide.columns]
    return [c for c in wide.columns if c not in (id_col, "respondent_id")]


def text_flags(wide: pd.DataFrame, *, file=None, ids=None) -> pd.DataFrame:
    """Flag text cells that look like spreadsheet formulas or exceed 32,767 characters.

    The cells are kept unchanged as text — cjkit never evaluates them — but a spreadsheet
    opening an export could, so reports show them.

    Parameters
    ----------
    wide : DataFrame
        One row per respondent.
    file : str, optional
        Data file name for the ledger.
    ids : Series, optional
        Respondent ids aligned with *wide*.

    Returns
    -------
    DataFrame
        Ledger entries with action ``flagged`` (checks ``formula_text``, ``long_text``).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.quality.validate import text_flags
    >>> text_flags(pd.DataFrame({"c": ["ok", '=HYPERLINK("x")', "+SUM(A1)"]}))[["row", "column", "check"]]
       row column         check
    0    2      c  formula_text
    1    3      c  formula_text
    """
    rows = _rows(wide)
    parts = []
    for col in wide.columns:
        if not _is_text(wide[col]):
            continue
        arr = _arrow_text(wide[col])
        formula = pd.Series(_mask(pc.match_substring_regex(arr, FORMULA.pattern)), index=wide.index)
        length = pd.Series(pc.fill_null(pc.utf8_length(arr), 0).to_numpy(zero_copy_only=False), index=wide.index)
        if not formula.any() and not (length > LONG_TEXT).any():
            continue
        s = wide[col].astype("string")
        if formula.any():
            parts.append(ledger_mod.entries(
                file=file, rows=rows[formula], check="formula_text", action="flagged", column=col,
                respondent_ids=None if ids is None else ids[formula],
                reason="cell starts like a spreadsheet formula; kept as plain text, never evaluated",
                old_values=s[formula].str.slice(0, 200)))
        long = length > LONG_TEXT
        if long.any():
            parts.append(ledger_mod.entries(
                file=file, rows=rows[long], check="long_text", action="flagged", column=col,
                respondent_ids=None if ids is None else ids[long],
                reason=[f"text of {n:,} characters (over {LONG_TEXT:,}); kept whole" for n in s[long].str.len()],
                old_values=s[long].str.slice(0, 80)))
    return ledger_mod.concat(*parts)


def _blocks(spec: SurveySpec) -> list:
    """The question of each block of rows in the long frame (see :func:`cjkit.io.spec.to_long`:
    one block of all respondents per question, one per option of a multi-choice question)."""
    return [q for q in spec.questions for _ in (q.columns if q.type == "multi" else (None,))]


def _value_changes(wide, spec, built, rows, file) -> pd.DataFrame:
    """value_changed entries from the blocks' missing reasons (everything but 'no answer');
    only the changed cells are turned into text."""
    n = len(wide)
    blocks = _blocks(spec)
    at, which, reasons = [], [], []
    for b, block in enumerate(built.blocks):
        codes = block.reason.codes
        hit = (codes >= 0) & ~block.reason.equals("no answer")
        if hit.any():
            pos = np.flatnonzero(hit)
            at.append(pos)
            which.append(np.full(len(pos), b))
            reasons.append(np.array(block.reason.strings, dtype=object)[codes[pos]])
    if not at:
        return ledger_mod.empty()
    pos, block, reason = np.concatenate(at), np.concatenate(which), np.concatenate(reasons)
    cols = np.array([q.column for q in blocks], dtype=object)[block]
    old = np.empty(len(pos), dtype=object)
    for b in np.unique(block):  # one vectorised lookup per source column
        sel = block == b
        old[sel] = wide[blocks[b].column].to_numpy(dtype=object)[pos[sel]]
    codes, distinct = pd.factorize(reason)
    names = {"missing code": "missing_code", "not a number": "unknown_value", "out of range": "out_of_range"}
    kind = np.array([next((v for k, v in names.items() if r.startswith(k)), "value_changed") for r in distinct],
                    dtype=object)[codes]
    rid = built.ids.to_numpy(dtype=object)[pos]
    row_no = rows.to_numpy()[pos]
    found = [ledger_mod.entries(file=file, rows=row_no[kind == k], check=k, action="value_changed",
                                 column=cols[kind == k], respondent_ids=rid[kind == k],
                                 reason=reason[kind == k], old_values=old[kind == k], new_values=None)
              for k in np.unique(kind)]
    return ledger_mod.concat(*found)


def validate(wide: pd.DataFrame, spec=None, *, file=None,
             actions: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the quality checks and return the kept rows and the ledger.

    Parameters
    ----------
    wide : DataFrame
        One row per respondent; index ``row`` (1-based file rows) as readers return it.
    spec : str, Path, dict or SurveySpec, optional
        The survey spec (see :func:`cjkit.io.spec.load_spec`). Without it only empty rows,
        duplicate ids and text flags are checked.
    actions : dict, optional
        ``{"speeder": "excluded"|"flagged", "straightliner": ..., "incomplete": ...}`` —
        flag instead of exclude (default: exclude).

    Returns
    -------
    (DataFrame, DataFrame)
        The kept wide rows and the ledger (columns :data:`cjkit.quality.ledger.COLUMNS`).
        ``len(wide) == len(kept) + n_excluded`` always holds.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.quality.validate import validate
    >>> spec = {"survey": "t", "respondent_id": "id", "questions": [
    ...     {"id": "q1", "type": "rating", "scale": {"min": 1, "max": 5}, "missing": [9]}]}
    >>> wide = pd.DataFrame({"id": ["a", "b", "b", "c"], "q1": [4, 9, 2, None]})
    >>> kept, led = validate(wide, spec, file="t.csv")
    >>> kept["id"].tolist()
    ['a', 'b']
    >>> led[["row", "check", "action"]]
       row         check          action
    0    4     empty_row        excluded
    1    3  duplicate_id        excluded
    2    2  missing_code   value_changed
    """
    kept, led, _ = check(wide, spec, file=file, actions=actions)
    return kept, led


def check(wide: pd.DataFrame, spec=None, *, file=None, actions: dict | None = None):
    """:func:`validate` that also returns the long frame of the kept rows (None without a spec),
    so that callers need not build it twice.

    Parameters
    ----------
    wide, spec, file, actions
        As for :func:`validate`.

    Returns
    -------
    (DataFrame, DataFrame, DataFrame or None)
        Kept rows, ledger, long frame of the kept rows.

    Examples
    --------
    >>> import pandas as pd
    >>> spec = {"survey": "t", "respondent_id": "id", "questions": [{"id": "q1", "type": "open"}]}
    >>> kept, led, long = check(pd.DataFrame({"id": ["a", "b"], "q1": ["gut", ""]}), spec)
    >>> len(kept), led["check"].tolist(), long["text"].tolist()
    (1, ['empty_row'], ['gut'])
    """
    spec = load_spec(spec) if spec is not None else None
    q = quality_settings(spec)
    acts = {"speeder": "excluded", "straightliner": "excluded", "incomplete": "excluded", **(actions or {})}
    for k, v in acts.items():
        if v not in ("excluded", "flagged"):
            raise ParameterError(f"actions['{k}']", v, allowed=["excluded", "flagged"])
    rows = _rows(wide)
    id_col = spec.respondent_id if spec else ("respondent_id" if "respondent_id" in wide else None)
    ids = wide[id_col].astype("string") if id_col and id_col in wide else None
    keep = pd.Series(True, index=wide.index)
    parts = []

    def record(mask, check, reason, action="excluded", column=None, old=None):
        mask = mask & keep if action == "excluded" else mask
        if not mask.any():
            return
        reasons = reason[mask].to_numpy() if isinstance(reason, pd.Series) else reason
        parts.append(ledger_mod.entries(file=file, rows=rows[mask], check=check, action=action, reason=reasons,
                                        respondent_ids=None if ids is None else ids[mask], column=column,
                                        old_values=None if old is None else old[mask]))
        if action == "excluded":
            keep.loc[mask] = False

    answer_cols = _answer_columns(wide, spec, id_col)
    blank = _blank(wide[answer_cols]) if answer_cols else pd.DataFrame(index=wide.index)
    record(blank.all(axis=1) if answer_cols else pd.Series(False, index=wide.index), "empty_row",
           "no answer to any question")
    if ids is not None:
        policy = q["drop_duplicates"]
        record(ids.isna(), "missing_id", "respondent id is empty", action="flagged", column=id_col)
        dup_any = ids.duplicated(keep=False) & ids.notna() & keep
        if dup_any.any() and policy == "none":
            record(dup_any, "duplicate_id", "respondent id occurs more than once", action="flagged", column=id_col)
        elif dup_any.any():
            live = ids.where(keep)
            drop = dup_any if policy == "all" else live.duplicated(keep=policy) & live.notna()
            first = rows.groupby(ids).transform("min" if policy != "last" else "max")
            reason = ("respondent id " + ids.fillna("") + " occurs more than once" +
                      ("" if policy == "all" else ("; kept row " + first.astype("string"))))
            record(drop, "duplicate_id", reason, column=id_col, old=ids)
    if spec is None:
        kept = wide if keep.all() else wide.loc[keep]
        return kept, ledger_mod.concat(*parts, text_flags(kept, file=file, ids=None if ids is None else ids[keep])), None

    scored = wide
    if spec.weight and spec.weight in wide:
        # a row without a usable design weight cannot be analysed: exclude it with its reason
        raw_w = wide[spec.weight]
        w = pd.to_numeric(raw_w.astype("string").str.replace(",", ".", regex=False), errors="coerce")
        record(w.isna() | (w <= 0), "invalid_weight", "weight '" + raw_w.astype("string").fillna("") +
               "' is not a positive number", column=spec.weight, old=raw_w)
        scored = wide.assign(**{spec.weight: w.where(w > 0, 1.0)})  # placeholder for excluded rows only
    built = long_parts(scored, spec, file=file)
    n = len(wide)
    # share of questions answered: blocks of single questions (not the options of multi-choice ones)
    answered, asked = np.zeros(n), 0
    for block, x in zip(built.blocks, _blocks(spec)):
        if x.type != "multi":
            answered += ~block.reason.equals("no answer")
            asked += 1
    share = pd.Series(answered / max(asked, 1), index=wide.index)
    record(share < q["min_completion"], "incomplete",
           "answered " + (share * 100).round().astype(int).astype("string") + f"% of questions, below "
           f"min_completion {q['min_completion']:.0%}", action=acts["incomplete"])
    if spec.duration:
        dur = pd.to_numeric(wide[spec.duration], errors="coerce")
        limit = q["speeder_median_share"] * float(dur.median()) if dur.notna().any() else 0.0
        if q["speeder_seconds"] is not None:
            limit = max(limit, float(q["speeder_seconds"]))
        record(dur < limit, "speeder", "duration " + dur.round(0).astype("string") + f" s below {limit:.0f} s "
               f"(max of speeder_seconds and {q['speeder_median_share']:.0%} of the median)",
               action=acts["speeder"], column=spec.duration, old=dur)
    _straightline(wide, spec, built, q, record, acts["straightliner"])
    kept = wide.loc[keep]
    changes = _value_changes(wide, spec, built, rows, file)
    changes = changes[changes["row"].isin(rows[keep])] if len(changes) else changes
    led = ledger_mod.concat(*parts, changes, text_flags(kept, file=file, ids=None if ids is None else ids[keep]))
    log.info("validated %s: %d rows in, %d kept", file or "data", len(wide), int(keep.sum()))
    # the long frame is written out once, for the kept respondents only
    return kept, led, built.frame(None if keep.all() else np.flatnonzero(keep.to_numpy()))


def _straightline(wide, spec, built, q, record, action):
    """Respondents giving one and the same answer to at least ``straightline_min_items`` items of
    a scale (answers as given, before reverse coding); with several scales the first in
    (min, max) order is reported. Running count/min/max per respondent, one column at a time."""
    n = len(wide)
    groups: dict[tuple, list] = {}
    for block, x in zip(built.blocks, _blocks(spec)):
        if x.is_scale:
            groups.setdefault((float(x.scale.min), float(x.scale.max)), []).append((block.value, x.reverse))
    hit = np.zeros(n, dtype=bool)
    reason = np.full(n, "", dtype=object)
    for (lo, hi), members in sorted(groups.items()):
        count, low, high = np.zeros(n, dtype=np.int64), np.full(n, np.inf), np.full(n, -np.inf)
        for col, rev in members:
            raw = lo + hi - col if rev else col  # as answered
            count += ~np.isnan(raw)
            low, high = np.fmin(low, raw), np.fmax(high, raw)
        new = (count >= q["straightline_min_items"]) & (low == high) & ~hit
        if not new.any():
            continue
        hit |= new
        combos, inv = np.unique(np.column_stack([low[new], count[new]]), axis=0, return_inverse=True)
        texts = np.array([f"same answer {v:g} on all {int(k)} items of the {lo:g}-{hi:g} scale "
                          f"(straightline_min_items {q['straightline_min_items']})" for v, k in combos], dtype=object)
        reason[new] = texts[inv.ravel()]
    if hit.any():
        record(pd.Series(hit, index=wide.index), "straightliner",
               pd.Series(reason, index=wide.index, dtype="string"), action=action)
