"""Place point labels on a scatter so that they do not overlap (greedy, no dependencies).

Used by :func:`cjkit.plots.ipa_chart`. Each label tries positions around its
point - right, left, above, below, diagonals - first close, then further away
with a thin leader line, and takes the first one that overlaps no other label,
no point and no given artist and stays inside the Axes. Crowded points are
placed first because they have the fewest free positions.
"""
from __future__ import annotations

import numpy as np
from matplotlib.transforms import Bbox

# (dx, dy) direction in points and the text alignment that keeps the text on that side
_DIRECTIONS = [((1, 0), "left", "center"), ((-1, 0), "right", "center"),
               ((0.7, 0.7), "left", "bottom"), ((0.7, -0.7), "left", "top"),
               ((-0.7, 0.7), "right", "bottom"), ((-0.7, -0.7), "right", "top"),
               ((0, 1), "center", "bottom"), ((0, -1), "center", "top")]
_RADII = (7, 16, 28, 42)
_POINT_HALF = 4.0  # half side, in points, of the square kept free around each marker


def _overlap(a, b) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def place_labels(ax, xs, ys, texts, *, avoid=(), **text_kw) -> list:
    """Annotate points (xs, ys) of *ax* with *texts* avoiding overlaps; returns the annotations.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.scatter([1, 1.01], [1, 1.01])
    >>> anns = place_labels(ax, [1, 1.01], [1, 1.01], ["A", "B"])
    >>> len(anns)
    2
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    pts = ax.transData.transform(np.column_stack([xs, ys])) if len(xs) else np.empty((0, 2))
    half = _POINT_HALF * fig.dpi / 72
    obstacles = [Bbox.from_extents(px - half, py - half, px + half, py + half) for px, py in pts]
    obstacles += [a.get_window_extent(renderer) for a in avoid]
    frame = ax.get_window_extent(renderer)
    # crowded first: count neighbours within 60 px
    dist = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1)) if len(pts) else np.empty((0, 0))
    order = np.argsort(-(dist < 60 * fig.dpi / 100).sum(axis=1), kind="stable")
    placed = [None] * len(xs)
    for i in order:
        ann = ax.annotate(texts[i], (xs[i], ys[i]), xytext=(0, 0), textcoords="offset points",
                          zorder=4, gid=f"label:{texts[i]}", **text_kw)
        best, best_cost = None, np.inf
        for r in _RADII:
            for (dx, dy), ha, va in _DIRECTIONS:
                ann.set_position((dx * r, dy * r))
                ann.set_ha(ha)
                ann.set_va(va)
                box = ann.get_window_extent(renderer).expanded(1.04, 1.1)
                outside = box.width * box.height - _overlap(box, frame)
                cost = outside * 10 + sum(_overlap(box, o) for k, o in enumerate(obstacles) if k != i)
                if cost < best_cost:
                    best, best_cost = ((dx * r, dy * r), ha, va, box), cost
                if cost == 0:
                    break
            if best_cost == 0:
                break
        (off, ha, va, box) = best
        ann.set_position(off)
        ann.set_ha(ha)
        ann.set_va(va)
        if np.hypot(*off) > _RADII[0] + 1:  # far from its point: redraw with a leader line
            ann.remove()
            ann = ax.annotate(texts[i], (xs[i], ys[i]), xytext=off, textcoords="offset points", ha=ha,
                              va=va, zorder=4, gid=f"label:{texts[i]}",
                              arrowprops={"arrowstyle": "-", "color": "#9A9A9A", "lw": 0.6,
                                          "shrinkA": 1, "shrinkB": 4}, **text_kw)
        obstacles.append(box)
        placed[i] = ann
    return placed
