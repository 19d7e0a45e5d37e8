"""Disclosure control: small cells suppressed, and no suppressed cell recoverable from the totals.

The attack is computed independently of the implementation: a linear programme (scipy
``linprog``) finds the smallest and largest value each suppressed cell can take given every
published cell, the row and column totals and non-negative counts. A cell is protected when
the two differ.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from cjkit.catalog import i18n
from cjkit.errors import ParameterError
from cjkit.stats.disclosure import COMPLEMENTARY, PRIMARY, TOTAL_ONLY, suppress_small_cells


def tidy(grid, row_names=None, col_names=None) -> pd.DataFrame:
    grid = np.asarray(grid)
    rows = row_names or [f"r{i}" for i in range(grid.shape[0])]
    cols = col_names or [f"c{j}" for j in range(grid.shape[1])]
    return pd.DataFrame([{"segment": r, "answer": c, "n": int(grid[i, j]), "share": grid[i, j] / grid[i].sum()}
                         for i, r in enumerate(rows) for j, c in enumerate(cols)])


def attack(grid, suppressed, column_totals=True) -> list[tuple[float, float]]:
    """Feasible [min, max] of each suppressed cell from published cells and margins (LP)."""
    grid = np.asarray(grid, dtype=float)
    cells = np.argwhere(suppressed)
    a_eq, b_eq = [], []
    for i in range(grid.shape[0]):
        a_eq.append([1.0 if r == i else 0.0 for r, _ in cells])
        b_eq.append(grid[i].sum() - grid[i][~suppressed[i]].sum())
    if column_totals:
        for j in range(grid.shape[1]):
            a_eq.append([1.0 if c == j else 0.0 for _, c in cells])
            b_eq.append(grid[:, j].sum() - grid[:, j][~suppressed[:, j]].sum())
    bounds = []
    for k in range(len(cells)):
        c = np.zeros(len(cells))
        c[k] = 1.0
        lo = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None)).fun
        hi = -linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None)).fun
        bounds.append((lo, hi))
    return bounds


def mask_of(out: pd.DataFrame, shape) -> np.ndarray:
    return out["suppressed"].to_numpy().reshape(shape)


def test_primary_suppression_alone_is_recoverable_and_the_full_rule_is_not():
    grid = np.array([[3, 20, 31], [18, 25, 40], [22, 17, 29]])
    primary = np.zeros(grid.shape, dtype=bool)
    primary[0, 0] = True
    # row total 54 minus the published 20 and 31 gives the 3 back
    assert attack(grid, primary) == [(3.0, 3.0)]
    out = suppress_small_cells(tidy(grid), rows="segment", columns="answer")
    sup = mask_of(out, grid.shape)
    assert out["suppression_reason"].tolist()[0] == "primary"
    assert sup.sum(axis=1)[0] >= 2 and sup.sum(axis=0)[0] >= 2
    for lo, hi in attack(grid, sup):
        assert hi - lo > 0.5
    assert out.loc[out["suppressed"], ["n", "share"]].isna().all().all()
    assert out.loc[~out["suppressed"], "n"].notna().all()


@pytest.mark.parametrize("seed", range(8))
def test_random_tables_cannot_be_recovered(seed):
    rng = np.random.default_rng(seed)
    grid = rng.integers(5, 60, size=(5, 4))
    small = rng.choice(grid.size, size=rng.integers(1, 4), replace=False)
    grid.flat[small] = rng.integers(1, 5, size=len(small))
    out = suppress_small_cells(tidy(grid), rows="segment", columns="answer")
    sup = mask_of(out, grid.shape)
    assert (sup.flat[small]).all()
    for axis in (0, 1):
        counts = sup.sum(axis=axis)
        assert ((counts == 0) | (counts >= 2)).all()
    for lo, hi in attack(grid, sup):
        assert hi - lo > 0.5


def test_a_bridge_between_two_protected_blocks_is_widened():
    # primary cells: two 2x2 blocks joined by one cell (r1, c2); every line has two blanks,
    # yet the joining cell is determined: the check must add a cell
    grid = np.full((4, 4), 30)
    for i, j in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)]:
        grid[i, j] = 2
    primary = grid < 5
    bounds = attack(grid, primary)
    cells = [tuple(c) for c in np.argwhere(primary)]
    assert bounds[cells.index((1, 2))] == (2.0, 2.0)       # the attack works on the naive pattern
    out = suppress_small_cells(tidy(grid), rows="segment", columns="answer")
    sup = mask_of(out, grid.shape)
    assert sup.sum() > primary.sum()
    for lo, hi in attack(grid, sup):
        assert hi - lo > 0.5


def test_one_way_table_effective_base_and_zeros():
    t = pd.DataFrame({"touchpoint": ["web", "app", "shop", "phone"], "n": [40, 3, 22, 0],
                      "n_effective": [35.0, 3.0, 4.2, 0.0], "value": [0.5, 0.7, 0.6, np.nan]})
    out = suppress_small_cells(t, rows="touchpoint", effective="n_effective")
    # app (n=3) and shop (effective 4.2) are primary; zeros are not small by default
    assert out["suppression_reason"].tolist() == ["", "primary", "primary", ""]
    single = suppress_small_cells(t.assign(n_effective=t["n"]), rows="touchpoint")
    assert single["suppression_reason"].tolist() == ["", "primary", "complementary", ""]
    sup = single["suppressed"].to_numpy()[None, :]
    for lo, hi in attack(t["n"].to_numpy()[None, :], sup, column_totals=False):
        assert hi - lo > 0.5
    zeros = suppress_small_cells(t, rows="touchpoint", suppress_zeros=True, min_cell=3)
    assert zeros["suppression_reason"].tolist()[3] == "primary"


def test_by_groups_are_protected_separately_and_order_is_kept():
    a = tidy([[2, 30], [40, 50]]).assign(wave="w1")
    b = tidy([[20, 30], [40, 50]]).assign(wave="w2")
    data = pd.concat([b, a], ignore_index=True)
    out = suppress_small_cells(data, rows="segment", columns="answer", by="wave")
    assert out[["wave", "segment", "answer"]].equals(data[["wave", "segment", "answer"]])
    assert not out.loc[out["wave"] == "w2", "suppressed"].any()
    assert out.loc[out["wave"] == "w1", "suppressed"].all()


def test_single_cell_line_is_flagged():
    t = pd.DataFrame({"segment": ["a", "b", "b"], "answer": ["yes", "yes", "no"], "n": [2, 30, 40]})
    out = suppress_small_cells(t, rows="segment", columns="answer")
    assert out["suppression_reason"].tolist()[0] == "single_cell_line"


def test_bad_input():
    t = tidy([[2, 30], [40, 50]])
    with pytest.raises(ParameterError, match="count"):
        suppress_small_cells(t, rows="segment", columns="answer", count="base")
    with pytest.raises(ParameterError, match="min_cell"):
        suppress_small_cells(t, rows="segment", columns="answer", min_cell=0)
    with pytest.raises(ParameterError, match="rows/columns"):
        suppress_small_cells(pd.concat([t, t]), rows="segment", columns="answer")


def test_every_reason_has_report_wording():
    for reason in (PRIMARY, COMPLEMENTARY, TOTAL_ONLY):
        assert i18n.label(f"suppressed_{reason}", "de") != i18n.label(f"suppressed_{reason}", "en")
