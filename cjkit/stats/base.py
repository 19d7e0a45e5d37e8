"""The minimum-base rule: the one place where low bases are flagged and tiny bases suppressed.

Every result table of the stats step passes through :func:`apply_base_rule`: a cell with a
base ``n < min_n`` is flagged ``"low_base"``, one with ``n < suppress_n`` is flagged
``"suppressed"`` and its estimates are blanked (the row stays, so nothing disappears silently).
When weights vary, the base that counts is the smaller of the unweighted base and the Kish
effective base: 50 interviews whose weights concentrate on 5 respondents carry the
information of 5.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cjkit.errors import ParameterError

log = logging.getLogger("cjkit.stats.base")

DEFAULT_MIN_N = 30
DEFAULT_SUPPRESS_N = 10
#: estimate columns blanked in suppressed cells (counts and bases stay visible)
ESTIMATE_COLUMNS = ("value", "ci_low", "ci_high", "value_a", "value_b", "difference",
                    "statistic", "p_value", "p_adjusted", "coef", "std_coef", "odds_ratio",
                    "relative_weight", "relative_weight_pct", "lmg", "lmg_pct", "effect")


def resolve_base_rule(min_n=None, suppress_n=None) -> tuple[int, int]:
    """Fill in the project defaults (30 / 10) and check that ``suppress_n <= min_n``.

    Parameters
    ----------
    min_n : int, optional
        Base below which an estimate is flagged ``low_base``; default 30.
    suppress_n : int, optional
        Base below which an estimate is ``suppressed``; default 10.

    Returns
    -------
    (int, int)
        ``(min_n, suppress_n)``.

    Examples
    --------
    >>> from cjkit.stats.base import resolve_base_rule
    >>> resolve_base_rule(None, 5)
    (30, 5)
    """
    min_n = DEFAULT_MIN_N if min_n is None else int(min_n)
    suppress_n = DEFAULT_SUPPRESS_N if suppress_n is None else int(suppress_n)
    if suppress_n < 0 or min_n < suppress_n:
        raise ParameterError("suppress_n", suppress_n, allowed=f"0 <= suppress_n <= min_n ({min_n})")
    return min_n, suppress_n


def apply_base_rule(frame: pd.DataFrame, min_n=DEFAULT_MIN_N, suppress_n=DEFAULT_SUPPRESS_N, *,
                    n_cols=("n",), estimate_cols=None, effective_cols=()) -> pd.DataFrame:
    """Flag low bases and blank suppressed estimates.

    Parameters
    ----------
    frame : DataFrame
        A result table with one or more unweighted base columns.
    min_n, suppress_n : int
        Bases below ``min_n`` are flagged ``low_base``; below ``suppress_n`` ``suppressed``.
    n_cols : sequence of str
        Base columns; the smallest of them decides (e.g. ``("n_a", "n_b")`` for a comparison).
    estimate_cols : sequence of str, optional
        Columns set to NaN in suppressed rows; default :data:`ESTIMATE_COLUMNS` present in *frame*.
    effective_cols : sequence of str
        Effective-base columns (Kish) that decide too: the smallest of all base columns counts.
        They are compared with a relative tolerance of 1e-9, so equal weights never lose a
        respondent to rounding.

    Returns
    -------
    DataFrame
        A copy with a ``flag`` column ("" | "low_base" | "suppressed").

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.stats.base import apply_base_rule
    >>> t = pd.DataFrame({"value": [4.1, 3.9, 2.0], "n": [120, 25, 4]})
    >>> apply_base_rule(t)["flag"].tolist()
    ['', 'low_base', 'suppressed']
    >>> t["n_effective"] = [5.0, 25.0, 4.0]  # weights concentrated on 5 respondents
    >>> apply_base_rule(t, effective_cols=["n_effective"])["flag"].tolist()
    ['suppressed', 'low_base', 'suppressed']
    """
    min_n, suppress_n = resolve_base_rule(min_n, suppress_n)
    missing = [c for c in [*n_cols, *effective_cols] if c not in frame.columns]
    if missing:
        raise ParameterError("n_cols", missing, allowed=list(frame.columns),
                             message=f"parameter 'n_cols': base column(s) {missing} not in the table")
    out = frame.copy()
    base = out[list(n_cols)].min(axis=1).fillna(0).to_numpy(dtype=float)
    if effective_cols:
        eff = out[list(effective_cols)].astype(float).min(axis=1).fillna(0).to_numpy()
        base = np.minimum(base, eff * (1 + 1e-9))
    flag = np.where(base < suppress_n, "suppressed", np.where(base < min_n, "low_base", ""))
    out["flag"] = flag
    cols = [c for c in (estimate_cols or ESTIMATE_COLUMNS) if c in out.columns]
    if cols:
        out.loc[flag == "suppressed", cols] = np.nan
    if (flag == "suppressed").any():
        log.info("base rule: %d of %d cells suppressed (n < %d), %d flagged low base (n < %d)",
                 (flag == "suppressed").sum(), len(out), suppress_n, (flag == "low_base").sum(), min_n)
    return out
