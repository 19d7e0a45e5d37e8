"""Layout helpers: label placement on scatters, text fitted to a width, short quotes.

:func:`place_labels` places point labels on a scatter so that they do not overlap (greedy,
no dependencies); used by :func:`cjkit.plot.charts.ipa_plot`. Each label tries positions
around its point - right, left, above, below, diagonals - first close, then further away
with a thin leader line, and takes the first one that overlaps no other label, no point and
no given artist and stays inside the Axes. Crowded points are placed first because they have
the fewest free positions, and among them long labels.

:func:`chars_across`, :func:`fit` and :func:`short_quote` size the texts of the journey map's
lanes so that they stay inside their phase column at a readable font size.
"""
from __future__ import annotations

import re
import textwrap

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
_CHAR_WIDTH = 0.5  # average advance of a DejaVu Sans character, in units of the font size


def chars_across(width_points: float, fontsize: float) -> int:
    """How many characters of *fontsize* fit into *width_points* (DejaVu Sans, mixed text).

    Parameters
    ----------
    width_points : float
        Available width in typographic points.
    fontsize : float
        Font size in points.

    Returns
    -------
    int
        At least 8.

    Examples
    --------
    >>> chars_across(144, 8)
    36
    """
    return max(8, int(width_points / (fontsize * _CHAR_WIDTH)))


def fit(text: str, width: int, lines: int) -> str:
    """Wrap *text* to *width* characters and at most *lines* lines, ending in "…" if cut.

    Parameters
    ----------
    text : str
    width : int
        Characters per line.
    lines : int
        Maximum number of lines.

    Returns
    -------
    str

    Examples
    --------
    >>> fit("Wie werde ich auf das Angebot aufmerksam?", 16, 2)
    'Wie werde ich\\nauf das Angebot…'
    >>> fit("Kurz", 16, 1)
    'Kurz'
    """
    wrapped = textwrap.wrap(" ".join(str(text).split()), width, break_long_words=True)
    if len(wrapped) <= lines:
        return "\n".join(wrapped)
    kept = wrapped[:lines]
    kept[-1] = kept[-1][: max(1, width - 1)].rstrip(" ,.;:") + "…"
    return "\n".join(kept)


def short_quote(examples, keywords=(), *, limit: int = 90) -> str:
    """The shortest sentence of *examples* that names one of *keywords*, as a short quote.

    Example answers often carry several topics; the sentence about the pain point's
    touchpoint is the evidence. Without a matching sentence the first sentence is taken.

    Parameters
    ----------
    examples : str or list of str
        Answers, one string with answers separated by " | " or a list.
    keywords : iterable of str
        Words naming the touchpoint (label, aliases); matched case-insensitively.
    limit : int
        Longer sentences are cut with "…".

    Returns
    -------
    str
        Empty if there is no text.

    Examples
    --------
    >>> short_quote("Sauna top. Das WLAN war extrem langsam. | Gerne wieder!", ["wlan"])
    'Das WLAN war extrem langsam.'
    """
    if examples is None or (isinstance(examples, float) and np.isnan(examples)):
        return ""
    answers = examples.split(" | ") if isinstance(examples, str) else [str(e) for e in examples]
    sentences = [s.strip() for a in answers for s in re.split(r"(?<=[.!?])\s+", a) if s.strip()]
    if not sentences:
        return ""
    words = [k.lower() for k in keywords if k]
    hits = [s for s in sentences if any(w in s.lower() for w in words)]
    best = min(hits, key=len) if hits else sentences[0]
    return best if len(best) <= limit else best[: limit - 1].rstrip() + "…"


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
