"""Place point labels on a scatter so that they do not overlap (greedy, no dependencies).

Used by :func:`cjkit.plot.charts.ipa_plot`. Each label tries positions around its
point - right, left, above, below, diagonals - first close, then further away
with a thin leader line, and takes the first one that overlaps no other label,
no point and no given artist and stays inside the Axes. Crowded points are
placed first because they have the fewest free positions, and among them long labels.
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
_DISTANCE_COST = 3.0  # px² per point of offset: prefer near labels that cross a line over far ones


def _overlap(a, b) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def _crossings(start, box, obstacles, skip: int) -> int:
    """How many obstacles the straight leader from *start* to the centre of *box* runs through."""
    t = np.linspace(0.15, 0.85, 12)[:, None]
    path = start + t * (np.array([box.x0 + box.width / 2, box.y0 + box.height / 2]) - start)
    def hit(o):
        return bool(((path[:, 0] > o.x0) & (path[:, 0] < o.x1) & (path[:, 1] > o.y0) & (path[:, 1] < o.y1)).any())
    return sum(hit(o) for k, o in enumerate(obstacles) if k != skip)


def place_labels(ax, xs, ys, texts, *, avoid=(), soft=(), **text_kw) -> list:
    """Annotate points (xs, ys) of *ax* with *texts* avoiding overlaps; returns the annotations.

    *avoid* are artists no label may cover (e.g. quadrant names); *soft* are artists such as
    reference lines that labels avoid when they can, but may cross.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes with the points.
    xs, ys : sequence of float
        Point positions in data coordinates.
    texts : sequence of str
        One label per point.
    avoid : sequence of Artist
        Artists no label may cover.
    soft : sequence of Artist
        Artists labels avoid when they can.
    **text_kw
        Passed to ``Axes.annotate``.

    Returns
    -------
    list of matplotlib.text.Annotation
        One annotation per point, in input order.

    Examples
    --------
    >>> from cjkit.plot.layout import place_labels
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
    soft_boxes = [a.get_window_extent(renderer).expanded(1.0, 1.0).padded(2) for a in soft]
    # crowded first: count neighbours within 60 px
    dist = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1)) if len(pts) else np.empty((0, 0))
    crowd = (dist < 60 * fig.dpi / 100).sum(axis=1)
    order = np.lexsort((-np.array([len(t) for t in texts]), -crowd))  # crowded, then long labels first
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
                hard = (box.width * box.height - _overlap(box, frame)
                        + sum(_overlap(box, o) for k, o in enumerate(obstacles) if k != i))
                if r > _RADII[0]:  # a leader line must not cross other labels or points
                    hard += _crossings(pts[i], box, obstacles, skip=i) * box.height * box.width * 0.05
                # covering anything is worst, crossing a reference line is mild, distance costs a little
                cost = 10 * hard + 0.3 * sum(_overlap(box, o) for o in soft_boxes) + _DISTANCE_COST * r
                if cost < best_cost:
                    best, best_cost = ((dx * r, dy * r), ha, va, box), cost
            if best_cost == _DISTANCE_COST * _RADII[0]:
                break  # a free spot right next to the point: nothing can beat it
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
