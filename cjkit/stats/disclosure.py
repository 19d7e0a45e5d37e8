"""Disclosure control for published tables: minimum cell size with complementary suppression.

A published cell that counts fewer than ``min_cell`` respondents (default 5, unweighted; the
effective base too when weights vary) can point at a person, so it is **primarily
suppressed**. Blanking it is not enough when row and column totals are published: the total
minus the other cells gives it back. **Complementary suppression** therefore blanks further
cells, the smallest ones first, until every row and every column with a suppressed cell holds
at least two, and a check by linear algebra finds no suppressed cell that the published cells
and the row and column totals determine exactly (the attack a reader would try). A row or
column with a single cell cannot be protected that way; its total is flagged instead.

The rule is a minimum; it does not bound how closely a reader can narrow a suppressed value
between limits (interval disclosure), which needs an optimisation-based audit.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cjkit.errors import ParameterError

log = logging.getLogger("cjkit.stats.disclosure")

DEFAULT_MIN_CELL = 5
PRIMARY, COMPLEMENTARY, TOTAL_ONLY = "primary", "complementary", "single_cell_line"


def _as_list(cols) -> list[str]:
    return [] if cols is None else [cols] if isinstance(cols, str) else list(cols)


def recoverable_cells(grid: np.ndarray, suppressed: np.ndarray, *, column_totals: bool = True) -> np.ndarray:
    """Which suppressed cells a reader can compute exactly from the other cells and the margins.

    The unknowns are the suppressed cells; each row total and column total is one linear
    equation. A cell is determined exactly when every solution of the homogeneous system
    (every vector of the null space) leaves it unchanged.

    Parameters
    ----------
    grid : 2-d array
        Cell values (rows x columns).
    suppressed : 2-d bool array
        True where a cell is not published.
    column_totals : bool
        Whether column totals are published too (False for a one-way table laid out as one row).

    Returns
    -------
    2-d bool array
        True where a suppressed cell is exactly recoverable.
    """
    idx = np.argwhere(suppressed)
    out = np.zeros_like(suppressed, dtype=bool)
    if len(idx) == 0:
        return out
    n_rows, n_cols = grid.shape
    a = np.zeros((n_rows + (n_cols if column_totals else 0), len(idx)))
    for k, (i, j) in enumerate(idx):
        a[i, k] = 1.0
        if column_totals:
            a[n_rows + j, k] = 1.0
    _, sing, vt = np.linalg.svd(a)
    rank = int((sing > 1e-9).sum())
    null = vt[rank:]                      # basis of the null space, one vector per row
    free = np.abs(null).max(axis=0) > 1e-9 if len(null) else np.zeros(len(idx), dtype=bool)
    for k, (i, j) in enumerate(idx):
        out[i, j] = not free[k]
    return out


def _cheapest(grid: np.ndarray, free: np.ndarray) -> int:
    """Index of the free cell that loses least information: the smallest count, zeros last."""
    cand = np.flatnonzero(free)
    vals = grid[cand]
    return int(cand[np.lexsort((vals, vals == 0))[0]])


def _protect(grid: np.ndarray, primary: np.ndarray, two_way: bool) -> np.ndarray:
    """Complementary suppression on one table: returns the full suppression mask."""
    sup = primary.copy()
    present = ~np.isnan(grid)
    values = np.nan_to_num(grid)
    for _ in range(grid.size + 1):
        changed = False
        for axis in (1, 0) if two_way else (1,):       # rows, then columns
            for line in range(grid.shape[1 - axis] if axis == 0 else grid.shape[0]):
                cells = (line, slice(None)) if axis == 1 else (slice(None), line)
                free = present[cells] & ~sup[cells]
                if sup[cells].sum() == 1 and free.any():   # one blank in a line with a total: add one
                    k = _cheapest(values[cells], free)
                    if axis == 1:
                        sup[line, k] = True
                    else:
                        sup[k, line] = True
                    changed = True
        exposed = recoverable_cells(values, sup & present, column_totals=two_way)
        if exposed.any():
            # still determined (e.g. a chain of pairs): widen through the row of the first such cell
            i, j = (int(v) for v in np.argwhere(exposed)[0])
            free_row, free_col = present[i] & ~sup[i], present[:, j] & ~sup[:, j]
            if free_row.any():
                sup[i, _cheapest(values[i], free_row)] = True
                changed = True
            elif two_way and free_col.any():
                sup[_cheapest(values[:, j], free_col), j] = True
                changed = True
        if not changed:
            break
    return sup


def suppress_small_cells(data: pd.DataFrame, *, rows, columns=None, count: str = "n",
                         effective: str | None = None, min_cell: int = DEFAULT_MIN_CELL, by=None,
                         blank=None, suppress_zeros: bool = False) -> pd.DataFrame:
    """Suppress small cells of a published table, with complementary suppression against totals.

    Parameters
    ----------
    data : DataFrame
        Tidy table, one row per cell: key columns, an unweighted count and any estimates.
    rows, columns : str or list of str
        Key columns that make the table's rows and columns (``columns=None``: a one-way table
        whose total is published).
    count : str
        Column with the unweighted count of respondents in the cell.
    effective : str, optional
        Column with the effective base (weighted data); a cell is small when either the count
        or the effective base is below ``min_cell``.
    min_cell : int
        Smallest publishable cell (default 5).
    by : str or list of str, optional
        Columns that split the data into separate tables (waves, segments); each is protected
        on its own.
    blank : list of str, optional
        Columns blanked in suppressed cells (default: every numeric column that is not a key).
    suppress_zeros : bool
        Treat empty cells as small too (default False: a zero discloses no respondent).

    Returns
    -------
    DataFrame
        The input rows in the input order with the ``blank`` columns set to missing where
        suppressed, plus ``suppressed`` (bool) and ``suppression_reason``
        (``"primary"``, ``"complementary"``, ``"single_cell_line"`` or empty; report wording in
        German and English: ``i18n.label("suppressed_" + reason, lang)``).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"segment": ["a", "a", "b", "b"], "answer": ["yes", "no"] * 2,
    ...                   "n": [3, 40, 25, 31]})
    >>> out = suppress_small_cells(t, rows="segment", columns="answer")
    >>> out["suppression_reason"].tolist()
    ['primary', 'complementary', 'complementary', 'complementary']
    """
    rows, cols, by = _as_list(rows), _as_list(columns), _as_list(by)
    missing = [c for c in [*rows, *cols, *by, count, *_as_list(effective)] if c not in data.columns]
    if missing:
        raise ParameterError("rows/columns/count", missing[0], allowed=list(data.columns))
    if not rows:
        raise ParameterError("rows", rows, allowed="one or more key columns")
    if not isinstance(min_cell, (int, np.integer)) or min_cell < 1:
        raise ParameterError("min_cell", min_cell, allowed="an integer >= 1")
    keys = [*by, *rows, *cols]
    if data.duplicated(keys).any():
        raise ParameterError("rows/columns", keys, allowed="keys that identify each cell once")
    out = data.copy()
    small = out[count].fillna(0) < min_cell
    if effective:
        small |= out[effective].fillna(0) < min_cell
    if not suppress_zeros:
        small &= out[count].fillna(0) > 0
    reason = pd.Series("", index=out.index, dtype=object)
    reason[small] = PRIMARY
    col_key = (lambda f: f[cols].astype(str).agg(" | ".join, axis=1)) if cols else (lambda f: pd.Series("", f.index))
    groups = out.groupby(by, sort=False, dropna=False) if by else [(None, out)]
    for _, part in groups:
        rk = part[rows].astype(str).agg(" | ".join, axis=1)
        ck = col_key(part)
        r_levels, c_levels = list(dict.fromkeys(rk)), list(dict.fromkeys(ck))
        grid = np.full((len(r_levels), len(c_levels)), np.nan)
        prim = np.zeros(grid.shape, dtype=bool)
        pos = {}
        for ix, r, c in zip(part.index, rk, ck):
            i, j = r_levels.index(r), c_levels.index(c)
            grid[i, j] = float(part.at[ix, count]) if pd.notna(part.at[ix, count]) else 0.0
            prim[i, j] = reason[ix] == PRIMARY
            pos[ix] = (i, j)
        if not cols:                      # one-way table: the total is the one column's sum
            grid, prim = grid.T, prim.T
            pos = {ix: (j, i) for ix, (i, j) in pos.items()}
        sup = _protect(grid, prim, two_way=bool(cols))
        for ix, (i, j) in pos.items():
            if sup[i, j] and not prim[i, j]:
                reason[ix] = COMPLEMENTARY
        for axis, labels in ((1, r_levels), (0, c_levels)) if cols else ((1, c_levels),):
            lone = (sup.sum(axis=axis) == 1) & ((~np.isnan(grid)).sum(axis=axis) == 1)
            for line in np.flatnonzero(lone):
                ix = [k for k, (i, j) in pos.items() if (i if axis == 1 else j) == line]
                reason[ix] = TOTAL_ONLY
                log.warning("the only cell of %r is small: its total must not be published either", labels[line])
    out["suppressed"] = reason != ""
    out["suppression_reason"] = reason
    blank = _as_list(blank) if blank is not None else [
        c for c in out.columns if c not in keys and c not in ("suppressed", "suppression_reason")
        and pd.api.types.is_numeric_dtype(out[c])]
    for c in blank:
        if pd.api.types.is_integer_dtype(out[c]):
            out[c] = out[c].astype("Float64")
        out.loc[out["suppressed"], c] = np.nan
    n_sup = int(out["suppressed"].sum())
    if n_sup:
        log.info("disclosure control: %d cell(s) suppressed (%d primary, min_cell=%d)", n_sup, int(small.sum()),
                 min_cell)
    return out
