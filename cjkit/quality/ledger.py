"""The data-quality ledger: every excluded row, changed value and flag, with its reason.

A ledger is a tidy DataFrame with the fixed columns :data:`COLUMNS`. Each step that drops or
changes data appends entries; :func:`summary` checks the invariant
``n_input == n_kept + n_excluded`` so that no row is ever lost silently, and
:func:`by_check` gives the table that reports show.

Reasons and values quote what the respondent typed ("not a number: ..."), so personal data
in them (an e-mail typed into a rating, a phone number in an age field) is masked with
:func:`cjkit.privacy.pii.mask_pii` when an entry is made: no ledger, example or report built
from it carries the raw value. The masker is a leaf module (regular expressions and name
lists, no other cjkit import but the errors), the one thing the quality step takes from coding.

Examples
--------
>>> from cjkit.quality import ledger
>>> led = ledger.entries(file="a.csv", rows=[3], check="duplicate_id", action="excluded",
...                      reason="respondent id 17 already in row 1", respondent_ids=["17"])
>>> ledger.summary(led, n_input=10)[["n_input", "n_kept", "n_excluded"]].iloc[0].tolist()
[10, 9, 1]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cjkit.privacy.pii import mask_pii
from cjkit.errors import CjkitError

COLUMNS = ["file", "row", "respondent_id", "column", "check", "action", "reason", "old_value", "new_value"]
#: columns that may quote what a respondent typed: masked before they are stored
MASKED_COLUMNS = ("reason", "old_value", "new_value")
ACTIONS = ("excluded", "value_changed", "flagged")


def empty() -> pd.DataFrame:
    """An empty ledger with the fixed columns and dtypes.

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS`; ``row`` is nullable Int64, the others strings.

    Examples
    --------
    >>> from cjkit.quality import ledger
    >>> led = ledger.empty()
    >>> len(led), led.columns.tolist()
    (0, ['file', 'row', 'respondent_id', 'column', 'check', 'action', 'reason', 'old_value', 'new_value'])
    """
    return _typed(pd.DataFrame(columns=COLUMNS))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reindex(columns=COLUMNS)
    out["row"] = pd.array(out["row"], dtype="Int64")
    for col in COLUMNS:
        if col != "row":
            out[col] = out[col].astype("string")
    for col in MASKED_COLUMNS:
        out[col] = _masked(out[col])
    return out.reset_index(drop=True)


def _masked(values: pd.Series) -> pd.Series:
    """Personal data in quoted values replaced by placeholders; each distinct text is masked once."""
    codes, uniq = pd.factorize(values)
    if not len(uniq):
        return values
    masked = np.array(mask_pii([str(u) for u in uniq]) + [None], dtype=object)
    return pd.Series(masked[codes], index=values.index, dtype="string")


def entries(*, file=None, rows, check: str, action: str, reason, respondent_ids=None, column=None,
            old_values=None, new_values=None) -> pd.DataFrame:
    """Build ledger entries for several rows at once.

    Parameters
    ----------
    file : str or Path, optional
        The data file the rows belong to.
    rows : sequence of int
        1-based data rows in the file.
    check : str
        Name of the check, e.g. ``duplicate_id``, ``speeder``, ``out_of_range``.
    action : {"excluded", "value_changed", "flagged"}
    reason : str or sequence of str
        Why — one text for all rows or one per row.
    respondent_ids, column, old_values, new_values : optional
        Scalars or per-row sequences. Values are stored as text the way a researcher typed
        them (``7.0`` read as a float is shown as ``7``).

    Returns
    -------
    DataFrame
        One entry per row, columns :data:`COLUMNS`.

    Raises
    ------
    CjkitError
        For an action outside ``excluded``, ``value_changed``, ``flagged``.

    Examples
    --------
    >>> from cjkit.quality import ledger
    >>> led = ledger.entries(file="hotel.csv", rows=[4, 9], check="out_of_range", action="value_changed",
    ...                      column="q5", reason="7 is outside the scale 1-5; set to missing",
    ...                      old_values=[7.0, 9.0], new_values=None)
    >>> led[["row", "column", "old_value", "new_value"]]
       row column old_value new_value
    0    4     q5         7      <NA>
    1    9     q5         9      <NA>
    """
    if action not in ACTIONS:
        raise CjkitError(f"ledger action must be one of {ACTIONS}, got {action!r}")
    rows = list(rows)
    n = len(rows)

    def per_row(v):
        if v is None or isinstance(v, str) or not hasattr(v, "__len__"):
            return [v] * n
        v = list(v)
        return v

    frame = pd.DataFrame({"file": per_row(None if file is None else str(file)), "row": rows,
                          "respondent_id": per_row(respondent_ids), "column": per_row(column), "check": check,
                          "action": action, "reason": per_row(reason),
                          "old_value": _texts(per_row(old_values)),
                          "new_value": _texts(per_row(new_values))},
                         columns=COLUMNS)
    return _typed(frame)


def _text(v):
    """Values as the researcher typed them: 7.0 read as float is shown as '7'."""
    if _isna(v):
        return None
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def _texts(values: list) -> list:
    """:func:`_text` of every value, computed once per distinct (type, value): a file with a
    missing code in every row has hundreds of thousands of equal old values."""
    if not values:
        return []
    kinds, _ = pd.factorize(np.fromiter(map(type, values), dtype=object, count=len(values)))
    out = np.empty(len(values), dtype=object)
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    for k in np.unique(kinds):  # True == 1 as dict keys: tell the types apart first
        sel = kinds == k
        try:
            codes, uniq = pd.factorize(arr[sel], use_na_sentinel=False)
        except TypeError:  # unhashable values: one at a time
            out[sel] = [_text(v) for v in arr[sel]]
            continue
        out[sel] = np.array([_text(v) for v in uniq] + [None], dtype=object)[codes]
    return list(out)


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def concat(*ledgers: pd.DataFrame) -> pd.DataFrame:
    """Append ledgers, keeping the fixed columns.

    Parameters
    ----------
    *ledgers : DataFrame or None
        Ledgers of the steps in order; ``None`` and empty ledgers are skipped.

    Returns
    -------
    DataFrame
        One ledger (an empty one if there was nothing to append).

    Examples
    --------
    >>> from cjkit.quality import ledger
    >>> a = ledger.entries(rows=[2], check="empty_row", action="excluded", reason="no answer given")
    >>> b = ledger.entries(rows=[5, 6], check="speeder", action="excluded", reason="finished in 40 s")
    >>> ledger.concat(a, None, b)["check"].tolist()
    ['empty_row', 'speeder', 'speeder']
    """
    parts = [led for led in ledgers if led is not None and len(led)]
    return _typed(pd.concat(parts, ignore_index=True)) if parts else empty()


def excluded_rows(ledger: pd.DataFrame) -> set[int]:
    """The distinct rows the ledger excludes (a row excluded by two checks counts once).

    Parameters
    ----------
    ledger : DataFrame
        A ledger.

    Returns
    -------
    set of int

    Examples
    --------
    >>> from cjkit.quality import ledger
    >>> led = ledger.concat(ledger.entries(rows=[5, 6], check="speeder", action="excluded", reason="too fast"),
    ...                     ledger.entries(rows=[6], check="straightliner", action="excluded", reason="all 3s"),
    ...                     ledger.entries(rows=[8], check="out_of_range", action="flagged", reason="age 130"))
    >>> sorted(ledger.excluded_rows(led))
    [5, 6]
    """
    return set(ledger.loc[ledger["action"] == "excluded", "row"].dropna().astype(int))


def summary(ledger: pd.DataFrame, n_input: int, n_kept: int | None = None) -> pd.DataFrame:
    """Row accounting: one row with n_input, n_kept, n_excluded, n_values_changed, n_flagged.

    Parameters
    ----------
    ledger : DataFrame
        The ledger of everything done to the input.
    n_input : int
        Data rows in the input.
    n_kept : int, optional
        Rows actually kept; when given it is checked against ``n_input - n_excluded``.

    Returns
    -------
    DataFrame
        One row: n_input, n_kept, n_excluded (distinct excluded rows), n_values_changed, n_flagged.

    Raises
    ------
    CjkitError
        If ``n_input != n_kept + n_excluded`` — some row was lost without a ledger entry.

    Examples
    --------
    >>> from cjkit.quality import ledger
    >>> led = ledger.entries(rows=[5, 6], check="speeder", action="excluded", reason="finished in 40 s")
    >>> ledger.summary(led, n_input=100, n_kept=98)
       n_input  n_kept  n_excluded  n_values_changed  n_flagged
    0      100      98           2                 0          0
    >>> ledger.summary(led, n_input=100, n_kept=97)
    Traceback (most recent call last):
    ...
    cjkit.errors.CjkitError: row accounting does not add up: 100 input rows but 97 kept + 2 excluded; every dropped row must be in the ledger
    """
    n_excl = len(excluded_rows(ledger))
    kept = n_input - n_excl if n_kept is None else n_kept
    if n_input != kept + n_excl:
        raise CjkitError(f"row accounting does not add up: {n_input} input rows but {kept} kept + "
                         f"{n_excl} excluded; every dropped row must be in the ledger")
    changed = ledger.loc[ledger["action"] == "value_changed"]
    return pd.DataFrame([{"n_input": int(n_input), "n_kept": int(kept), "n_excluded": n_excl,
                          "n_values_changed": len(changed),
                          "n_flagged": int((ledger["action"] == "flagged").sum())}])


def by_check(ledger: pd.DataFrame) -> pd.DataFrame:
    """Counts per check and action, the table reports show.

    Parameters
    ----------
    ledger : DataFrame
        A ledger.

    Returns
    -------
    DataFrame
        check, action, n_rows (distinct rows), n_entries, example_reason; sorted by check and action.

    Examples
    --------
    >>> from cjkit.quality import ledger
    >>> led = ledger.concat(ledger.entries(rows=[5, 6], check="speeder", action="excluded", reason="too fast"),
    ...                     ledger.entries(rows=[2], check="duplicate_id", action="excluded", reason="id 17 twice"))
    >>> ledger.by_check(led)
              check    action  n_rows  n_entries example_reason
    0  duplicate_id  excluded       1          1    id 17 twice
    1       speeder  excluded       2          2       too fast
    """
    if ledger.empty:
        return pd.DataFrame(columns=["check", "action", "n_rows", "n_entries", "example_reason"])
    g = ledger.groupby(["check", "action"], sort=True, observed=True)
    out = g.agg(n_rows=("row", "nunique"), n_entries=("row", "size"), example_reason=("reason", "first"))
    return out.reset_index()
