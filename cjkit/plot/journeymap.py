"""The customer-journey map: phases across, touchpoints down, satisfaction in colour.

:func:`journey_map` draws on one Axes, top to bottom: the phases of the journey
model as chevrons, an emotion curve (mean satisfaction per phase), and a grid
with one row per touchpoint and one column per phase. Each cell where a
touchpoint occurs is coloured by its score and shows the value; cells without
data stay empty, suppressed cells are grey without a value, low-base cells are
hatched; pain points get a yellow warning triangle with their rank.
:func:`journey_map_figure` adds a colour bar and a legend.

Examples
--------
>>> import cjkit as cj
>>> import pandas as pd
>>> t = pd.DataFrame({"phase": ["awareness", "conversion", "retention"],
...                   "touchpoint": ["advertising", "online_shop", "hotline"],
...                   "value": [3.9, 4.2, 2.8], "n": [300, 280, 120], "flag": ""})
>>> fig = cj.journey_map_figure(t, model="accra", lang="en")
"""
from __future__ import annotations

import logging
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.cm import ScalarMappable
from matplotlib.patches import Patch, Polygon, Rectangle

from cjkit.catalog import models
from cjkit.errors import DataError
from cjkit.plot import theme

log = logging.getLogger("cjkit.plot.journeymap")

EMOTION_HEIGHT = 2.2   # rows of the emotion strip
HEADER_TOP = -(EMOTION_HEIGHT + 1.35)  # y of the chevrons' top edge (y grows downwards)
_GAP = 0.05            # white space around each cell (data units)
HEADER_COLOR = "#2F3E4E"
EMPTY_EDGE = "#C4C4C4"


def _phases(data: pd.DataFrame, phase: str, model) -> list:
    """Column order: the model's phases; else the Categorical's categories; else appearance."""
    values = data[phase].dropna().astype(str)
    if model is not None:
        order = list(models.phase_categories(model).categories)
        unknown = sorted(set(values) - set(order))
        if unknown:
            raise DataError(f"journey_map: phases {unknown} are not in model "
                            f"'{models.get(model).id}' (phases: {order})", column=phase)
        return order
    if isinstance(data[phase].dtype, pd.CategoricalDtype):
        return [str(c) for c in data[phase].cat.categories]
    return list(pd.unique(values))


def _prepare(data, *, model, phase, touchpoint, value, n, flag, emotion, scale, touchpoint_order):
    """Validate and reshape the metric table; the figure-level function reuses it for sizing."""
    for col in (phase, touchpoint, value):
        if col not in data.columns:
            raise DataError(f"journey_map: column is missing; the frame has {list(data.columns)}", column=col)
    phases = _phases(data, phase, model)
    frame = data.assign(_phase=data[phase].astype("string"), _tp=data[touchpoint].astype("string"),
                        _v=pd.to_numeric(data[value], errors="coerce"),
                        _n=pd.to_numeric(data[n], errors="coerce") if n in data.columns else np.nan,
                        _flag=data[flag].astype("string").fillna("") if flag in data.columns else "")
    cells = frame[frame["_tp"].notna() & frame["_phase"].notna()]
    unplaced = frame["_phase"].isna()
    if unplaced.any():  # not silently: say which rows the map cannot show
        log.info("journey_map: %d rows without a phase are not shown (touchpoints: %s)", int(unplaced.sum()),
                 sorted(frame.loc[unplaced, "_tp"].dropna().unique()))
    dup = cells.duplicated(["_phase", "_tp"], keep=False)
    if dup.any():
        first = cells.loc[dup, ["_phase", "_tp"]].iloc[0].tolist()
        raise DataError(f"journey_map: more than one row for phase '{first[0]}', touchpoint '{first[1]}'; "
                        "filter the metric table to one metric (and one wave/segment) first",
                        row=int(np.flatnonzero(dup.to_numpy())[0]) + 1)
    pos = {p: j for j, p in enumerate(phases)}
    if touchpoint_order is None:  # journey order: first phase of occurrence, then mean phase
        stats = cells.assign(_j=cells["_phase"].map(pos)).groupby("_tp", sort=False)["_j"].agg(["min", "mean"])
        touchpoint_order = list(stats.sort_values(["min", "mean"], kind="stable").index)
    left_out = sorted(set(cells["_tp"]) - set(touchpoint_order))
    if left_out:
        log.info("journey_map: touchpoints not in touchpoint_order are not shown: %s", left_out)
    shown = cells[(cells["_flag"] != "suppressed") & cells["_v"].notna()]
    emo = _emotion(frame, shown, phases, emotion)
    norm = theme.satisfaction_norm(shown["_v"], scale)
    emo_norm = norm
    if emo.notna().any() and not emo.dropna().between(norm.vmin, norm.vmax).all():
        # an emotion curve on another scale than the cells (e.g. an index 0-100) gets its own axis
        log.info("journey_map: emotion values lie outside the cells' colour range; the curve is scaled on its own")
        emo_norm = theme.satisfaction_norm(emo, None)
    return {"phases": phases, "cells": cells.set_index(["_tp", "_phase"]), "rows": list(touchpoint_order),
            "emotion": emo, "norm": norm, "emo_norm": emo_norm}


def _emotion(frame, shown, phases, emotion) -> pd.Series:
    """Satisfaction per phase for the emotion curve (NaN where unknown)."""
    if emotion is False:
        return pd.Series(np.nan, index=phases, dtype=float)
    if emotion is None:
        # n-weighted mean of the shown cells; a phase-level row (no touchpoint) wins where present
        w = shown["_n"].fillna(1.0) if shown["_n"].notna().any() else pd.Series(1.0, index=shown.index)
        mean = (shown["_v"] * w).groupby(shown["_phase"]).sum() / w.groupby(shown["_phase"]).sum()
        level = frame[frame["_tp"].isna() & frame["_v"].notna() & (frame["_flag"] != "suppressed")]
        mean = level.set_index("_phase")["_v"].combine_first(mean)
    elif isinstance(emotion, pd.DataFrame):
        for col in ("phase", "value"):
            if col not in emotion.columns:
                raise DataError(f"journey_map: the emotion frame needs columns phase and value; it has "
                                f"{list(emotion.columns)}", column=col)
        mean = emotion.set_index(emotion["phase"].astype(str))["value"].astype(float)
    else:
        mean = pd.Series(emotion, dtype=float)
        mean.index = mean.index.astype(str)
    return mean.reindex(phases).astype(float)


def _chevron(ax, j: int, text: str, first: bool) -> None:
    y0, y1, t = HEADER_TOP, HEADER_TOP + 0.95, 0.12
    x0, x1 = j + _GAP / 2, j + 1 - _GAP / 2
    pts = [(x0, y0), (x1 - t, y0), (x1, (y0 + y1) / 2), (x1 - t, y1), (x0, y1)]
    if not first:
        pts.append((x0 + t, (y0 + y1) / 2))
    ax.add_patch(Polygon(pts, closed=True, facecolor=HEADER_COLOR, edgecolor="none", gid=f"phase:{j}"))
    long_word = max((len(w) for w in text.split()), default=0) > 15
    ax.text(j + 0.5 + (0 if first else t / 2), (y0 + y1) / 2, textwrap.fill(text, 13, break_long_words=False),
            ha="center", va="center", color="white", fontweight="bold",
            fontsize="x-small" if long_word else "small", gid=f"phase_label:{j}")


def _warning(ax, x: float, y: float, rank, gid: str) -> None:
    """A yellow warning triangle with the pain point's rank (readable on red and blue cells).

    Drawn as a marker so its shape does not depend on the cells' aspect ratio.
    """
    ax.plot([x], [y], marker="^", markersize=17, markerfacecolor=theme.WARN, markeredgecolor=theme.INK,
            markeredgewidth=0.9, ls="", zorder=5, gid=gid)
    ax.annotate(str(rank), (x, y), xytext=(0, -1.5), textcoords="offset points", ha="center", va="center",
                fontsize=7.5, fontweight="bold", color=theme.INK, zorder=6, gid=f"{gid}:rank")


def journey_map(data, *, model=None, phase="phase", touchpoint="touchpoint", value="value", n="n",
                flag="flag", pain_points=None, top=5, emotion=None, scale=None, touchpoint_order=None,
                decimals=1, percent=False, show_n=False, lang="de", ax=None):
    """Draw a journey map on *ax*: phase chevrons, emotion curve and touchpoint x phase grid.

    Parameters
    ----------
    data : DataFrame
        Metric table with phase, touchpoint, value[, n, flag] - one row per cell. Rows
        without a touchpoint are phase-level values and feed the emotion curve.
    model : str or dict, optional
        Journey model: column order and phase labels. Without it, the phase column's
        Categorical order (or first appearance) and the raw ids are used.
    pain_points : DataFrame, optional
        Pain-point table (phase, touchpoint, rank, ...); the ``top`` best-ranked are marked
        in their cell, phase-level ones (no touchpoint) on the emotion curve.
    emotion : None, False, DataFrame (phase, value) or mapping phase -> value
        None: n-weighted mean of the shown cells per phase; False: no curve.
    scale : tuple, optional
        (min, max) of the score scale; colours are then centred on its midpoint,
        otherwise on the mean of the shown values.
    touchpoint_order : list, optional
        Row order; default by the first phase in which a touchpoint occurs.
    decimals, percent : int, bool
        Number format of the printed values (``percent`` for shares such as top-2-box).
    show_n : bool
        Print the base under each value.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import cjkit as cj
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> t = pd.DataFrame({"phase": ["awareness", "retention"], "touchpoint": ["advertising", "hotline"],
    ...                   "value": [3.9, 2.8], "n": [300, 120]})
    >>> pains = pd.DataFrame({"phase": ["retention"], "touchpoint": ["hotline"], "rank": [1]})
    >>> fig, ax = plt.subplots(figsize=(9, 4))
    >>> ax = cj.journey_map(t, model="accra", pain_points=pains, lang="de", ax=ax)
    >>> [a.get_text() for a in ax.texts if (a.get_gid() or "").startswith("phase_label")]
    ['Aufmerksamkeit', 'Erwägung', 'Kauf', 'Bindung', 'Empfehlung']
    """
    theme.check_lang(lang)
    prep = _prepare(data, model=model, phase=phase, touchpoint=touchpoint, value=value, n=n, flag=flag,
                    emotion=emotion, scale=scale, touchpoint_order=touchpoint_order)
    ax = plt.gca() if ax is None else ax
    phases, rows, cells, norm = prep["phases"], prep["rows"], prep["cells"], prep["norm"]
    cmap = theme.SATISFACTION_CMAP
    # catalog names first; a table's own *_label columns name ids the catalogs do not know
    named = data.rename(columns={phase: "phase", f"{phase}_label": "phase_label", touchpoint: "touchpoint",
                                 f"{touchpoint}_label": "touchpoint_label"})
    plabels = theme.axis_labels("phase", phases, lang, model, named)
    for j, p in enumerate(phases):
        _chevron(ax, j, plabels.get(p, p), j == 0)
    for i, tp in enumerate(rows):
        for j, p in enumerate(phases):
            x0, y0, size = j + _GAP, i + _GAP, 1 - 2 * _GAP
            if (tp, p) not in cells.index:
                continue  # touchpoint does not occur in this phase: leave the background
            c = cells.loc[(tp, p)]
            if c["_flag"] == "suppressed" or pd.isna(c["_v"]):
                ax.add_patch(Rectangle((x0, y0), size, size, facecolor=theme.SUPPRESSED, edgecolor="none",
                                       gid=f"cell:{tp}|{p}"))
                continue
            face = cmap(norm(c["_v"]))
            low = c["_flag"] == "low_base"
            ax.add_patch(Rectangle((x0, y0), size, size, facecolor=face, gid=f"cell:{tp}|{p}",
                                   edgecolor=(0, 0, 0, 0.22) if low else "none", hatch="////" if low else None,
                                   linewidth=0))
            has_n = show_n and pd.notna(c["_n"])
            ink = theme.text_color(face)
            shown = theme.fmt_number(c["_v"], lang, decimals=decimals, percent=percent)
            ax.text(j + 0.5, i + (0.4 if has_n else 0.5), shown,
                    ha="center", va="center", fontsize="small", fontweight="bold", color=ink,
                    gid=f"value:{tp}|{p}")
            if has_n:
                ax.text(j + 0.5, i + 0.72, f"n\u00a0=\u00a0{theme.fmt_number(c['_n'], lang, decimals=0)}",
                        ha="center", va="center", fontsize="x-small", color=ink, gid=f"n:{tp}|{p}")
    if emotion is not False:
        _draw_emotion(ax, prep["emotion"], prep["emo_norm"], lang, decimals, percent)
    if pain_points is not None:
        _draw_pain(ax, pain_points, phases, rows, prep["emotion"], prep["emo_norm"], top)
    tlabels = theme.axis_labels("touchpoint", rows, lang, frame=named)
    strip = [] if emotion is False else [(HEADER_TOP + 1.15 + EMOTION_HEIGHT / 2, theme.label("emotion_curve", lang))]
    ticks = strip + [(i + 0.5, tlabels[r]) for i, r in enumerate(rows)]
    ax.set_yticks([t[0] for t in ticks], [t[1] for t in ticks])
    ax.set_xticks([])
    ax.set_xlim(0, len(phases) + 0.01)  # room for the last chevron's tip
    ax.set_ylim(len(rows) + 0.02, HEADER_TOP - 0.02)
    ax.grid(False)
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.set_facecolor("white")
    for j in range(len(phases)):  # dotted outlines keep the grid visible where nothing occurs
        for i in range(len(rows)):
            ax.add_patch(Rectangle((j + _GAP, i + _GAP), 1 - 2 * _GAP, 1 - 2 * _GAP, facecolor="white",
                                   edgecolor=EMPTY_EDGE, linestyle=":", linewidth=0.9, zorder=0.5))
    return ax


def _strip_y(v, norm) -> float:
    """Emotion value -> y inside the strip (higher satisfaction = higher up)."""
    top = HEADER_TOP + 1.15
    return top + EMOTION_HEIGHT * (1 - float(np.clip(norm(v), 0, 1)) * 0.8 - 0.1)


def _draw_emotion(ax, emo: pd.Series, norm, lang: str, decimals: int, percent: bool) -> None:
    top = HEADER_TOP + 1.15
    ax.add_patch(Rectangle((0, top), len(emo), EMOTION_HEIGHT, facecolor="#FAFAFA", edgecolor="none", zorder=0))
    if emo.isna().all():
        return
    mid = _strip_y(norm.inverse(0.5), norm)
    ax.plot([0, len(emo)], [mid, mid], color="#C8C8C8", lw=0.8, ls="--", zorder=1)
    xs = np.arange(len(emo)) + 0.5
    ys = np.array([_strip_y(v, norm) if pd.notna(v) else np.nan for v in emo])
    ax.plot(xs, ys, color=theme.INK, lw=2, zorder=2, gid="emotion_curve")
    for x, y, v in zip(xs, ys, emo):
        if pd.isna(v):
            continue
        ax.scatter([x], [y], s=70, color=theme.SATISFACTION_CMAP(norm(v)), edgecolor=theme.INK, zorder=3)
        in_lower_half = y > mid  # y grows downwards; the label goes where the strip has room
        ax.text(x + 0.09, y + (-0.38 if in_lower_half else 0.38),
                theme.fmt_number(v, lang, decimals=decimals, percent=percent), ha="left", va="center",
                fontsize="small", color=theme.INK, zorder=4, gid=f"emotion:{emo.index[int(x)]}")


def _draw_pain(ax, pains: pd.DataFrame, phases, rows, emo, norm, top) -> None:
    if "rank" not in pains.columns or "phase" not in pains.columns:
        raise DataError(f"journey_map: pain_points needs columns phase and rank; it has {list(pains.columns)}",
                        column="rank" if "rank" not in pains.columns else "phase")
    p = pains.dropna(subset=["rank"])
    if top:
        p = p[p["rank"] <= top]
    tp_col = p["touchpoint"].astype("string") if "touchpoint" in p.columns else pd.Series(pd.NA, index=p.index)
    for (_, r), tp in zip(p.iterrows(), tp_col):
        ph = None if pd.isna(r["phase"]) else str(r["phase"])
        rank = int(r["rank"])
        if ph is not None and ph in phases and pd.notna(tp) and tp in rows:
            _warning(ax, phases.index(ph) + 0.13, rows.index(tp) + 0.5, rank, f"pain:{tp}|{ph}")
        elif ph is not None and ph in phases:
            j = phases.index(ph)
            y = _strip_y(emo.iloc[j], norm) if pd.notna(emo.iloc[j]) else HEADER_TOP + 1.15 + EMOTION_HEIGHT / 2
            _warning(ax, j + 0.3, y, rank, f"pain:{'' if pd.isna(tp) else tp}|{ph}")
        elif pd.notna(tp) and tp in rows:  # touchpoint-level pain point: mark the row's label end
            _warning(ax, 0.02, rows.index(tp) + 0.5, rank, f"pain:{tp}|")
        else:
            log.info("journey_map: pain point rank %s (phase %r, touchpoint %r) has no place on the map",
                     rank, ph, tp)


def journey_map_figure(data, *, model=None, title=None, figsize=None, lang="de", value_label=None, **kwargs):
    """Figure-level journey map: :func:`journey_map` plus colour bar and legend.

    Parameters
    ----------
    title : str, optional
        Figure title.
    figsize : tuple, optional
        Default grows with the number of phases and touchpoints.
    value_label : str, optional
        Colour-bar title; default "Zufriedenheit"/"Satisfaction".
    **kwargs
        Passed to :func:`journey_map` (phase, touchpoint, value, pain_points, scale, ...).

    Returns
    -------
    Figure

    Examples
    --------
    >>> import cjkit as cj
    >>> import pandas as pd
    >>> t = pd.DataFrame({"phase": ["awareness", "retention"], "touchpoint": ["advertising", "hotline"],
    ...                   "value": [3.9, 2.8]})
    >>> fig = cj.journey_map_figure(t, model="accra", scale=(1, 5), title="Hotel 2026")
    >>> fig.axes[0].texts[0].get_text()  # the first phase chevron, labelled in German by default
    'Aufmerksamkeit'
    >>> len(fig.axes)  # the map and its colour bar
    2

    """
    theme.check_lang(lang)
    keys = ("phase", "touchpoint", "value", "n", "flag", "emotion", "scale", "touchpoint_order")
    prep = _prepare(data, model=model, **{k: kwargs.get(k, d) for k, d in zip(
        keys, ("phase", "touchpoint", "value", "n", "flag", None, None, None))})
    n_rows, n_cols = len(prep["rows"]), len(prep["phases"])
    if figsize is None:
        figsize = (2.6 + 1.75 * n_cols, 1.9 + 0.5 * (n_rows + EMOTION_HEIGHT + 1.35))
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    journey_map(data, model=model, lang=lang, ax=ax, **kwargs)
    bar = fig.colorbar(ScalarMappable(norm=prep["norm"], cmap=theme.SATISFACTION_CMAP), ax=ax,
                       location="bottom", shrink=0.35, aspect=18, anchor=(0.0, 1.0), pad=0.01)
    bar.formatter = theme.number_formatter(lang, percent=kwargs.get("percent", False))
    bar.update_ticks()
    bar.outline.set_visible(False)
    bar.ax.set_title(value_label or theme.label("satisfaction", lang), fontsize="small", loc="left",
                     fontweight="normal")
    flags = set(prep["cells"]["_flag"]) | ({"suppressed"} if prep["cells"]["_v"].isna().any() else set())
    handles = []  # explain only what the map shows
    if len(prep["cells"]) < n_rows * n_cols:
        handles.append(Patch(facecolor="white", edgecolor=EMPTY_EDGE, linestyle=":",
                             label=theme.label("not_applicable", lang)))
    if "suppressed" in flags:
        handles.append(Patch(facecolor=theme.SUPPRESSED, label=theme.label("suppressed", lang)))
    if "low_base" in flags:
        handles.append(Patch(facecolor="#D1E5F0", hatch="////", edgecolor=(0, 0, 0, 0.3),
                             label=theme.label("low_base", lang)))
    if kwargs.get("pain_points") is not None:
        handles.append(plt.Line2D([], [], marker="^", ls="", markersize=11, markerfacecolor=theme.WARN,
                                  markeredgecolor=theme.INK, label=theme.label("pain_point", lang)))
    if handles:
        fig.legend(handles=handles, loc="outside lower right", fontsize="small", ncols=2, frameon=False)
    if title:
        fig.suptitle(title, x=0.02, ha="left", fontweight="bold")
    return fig
