"""What to fix first, as charts: driver weights, importance x performance, and the pain points.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.plot import theme
from cjkit.plot.charts.base import as_frame, current_axes, flag_values, set_alt_text
from cjkit.plot.layout import place_labels
from cjkit.stats.quadrants import QUADRANTS

log = logging.getLogger("cjkit.plot.charts")


def driver_plot(data, *, x="relative_weight", y="driver", r2="r2", label="auto", top=None,
                 weights_are="auto", lang="de", ax=None, **kwargs):
    """Relative importance of drivers as bars that add up to the model's R².

    Parameters
    ----------
    data : DataFrame
        Driver table: driver, touchpoint, phase, coef, relative_weight, r2.
    weights_are : {"auto", "share", "r2"}
        Whether ``relative_weight`` holds shares of R² (summing to 1; bars are
        share x R²) or parts of R² (summing to R²). "auto" decides by the sum.
    label : "auto" or str
        Column for the bar names; "auto" uses catalog touchpoint names when every
        driver has its own touchpoint, else the driver id.
    top : int, optional
        Only the ``top`` most important drivers.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (*ax*, or the current Axes).

    Examples
    --------
    >>> import cjkit as cj
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> d = pd.DataFrame({"driver": ["q1", "q2"], "touchpoint": ["website", "hotline"],
    ...                   "relative_weight": [0.3, 0.1], "r2": 0.4})
    >>> ax = cj.driver_plot(d, lang="en")
    >>> ax.get_title(loc=plt.rcParams["axes.titlelocation"])  # left under cj.set_theme()
    'Driver analysis (R² = 0.40)'
    """
    theme.check_lang(lang)
    data = as_frame(data, "driver_plot", [x, y])
    ax = current_axes(ax)
    w = data[x].astype(float)
    rsq = float(data[r2].iloc[0]) if r2 in data.columns else float(w.sum())
    if r2 in data.columns and data[r2].nunique() > 1:
        raise DataError("driver_plot: the table holds more than one model (several r2 values); "
                        "plot one model at a time", column=r2)
    if weights_are == "auto":
        weights_are = "share" if abs(w.sum() - 1) < 0.02 and abs(w.sum() - rsq) > 0.02 else "r2"
    if weights_are not in ("share", "r2"):
        raise ParameterError("weights_are", weights_are, allowed=["auto", "share", "r2"])
    part = w * rsq if weights_are == "share" else w
    if weights_are == "r2" and abs(part.sum() - rsq) > 0.02:
        log.warning("driver_plot: relative weights add up to %.3f, not to R² = %.3f", part.sum(), rsq)
    frame = data.assign(_part=part, _share=part / rsq if rsq else np.nan).sort_values("_part", ascending=False)
    if top:
        frame = frame.head(top)
    label = _auto_label(frame, label, y)
    names = theme.axis_labels(label, frame[label], lang, frame=frame)
    pos = np.arange(len(frame))
    ax.barh(pos, frame["_part"], color=kwargs.pop("color", theme.PALETTE[0]), height=0.7, **kwargs)
    for p, (v, s) in enumerate(zip(frame["_part"], frame["_share"])):
        text = f"{theme.fmt_number(v, lang, decimals=3)} ({theme.fmt_number(s, lang, decimals=0, percent=True)})"
        ax.text(v, p, "  " + text, va="center", fontsize="small", color=theme.INK, gid=f"weight:{p}")
    ax.set_yticks(pos, [names[v] for v in frame[label]])
    ax.set_ylim(len(frame) - 0.5, -0.5)
    ax.set_xlim(0, frame["_part"].max() * 1.35)
    ax.xaxis.set_major_formatter(theme.number_formatter(lang))
    ax.set_xlabel(theme.label("relative_weight", lang))
    ax.grid(axis="y", visible=False)
    ax.set_title(f"{theme.label('driver_title', lang)} (R² = {theme.fmt_number(rsq, lang, decimals=2)})")
    return ax


QUADRANT_COLORS = {"fix_first": "#D55E00", "keep_up": "#009E73",
                   "low_priority": "#8C8C8C", "possible_overkill": "#0072B2"}


def _auto_label(frame: pd.DataFrame, label: str, fallback: str) -> str:
    """"auto": touchpoint names when every row has its own touchpoint, else the id column."""
    if label != "auto":
        return label
    tp = frame.get("touchpoint")
    return "touchpoint" if tp is not None and tp.notna().all() and tp.is_unique else fallback


def ipa_plot(data, *, x="importance", y="performance", label="auto", xline=None, yline=None,
              flag="flag", lang="de", ax=None, **kwargs):
    """Importance-performance portfolio: scatter with quadrant lines at the means.

    Points are coloured by quadrant (relative to the drawn lines; names as in
    :data:`cjkit.stats.quadrants.QUADRANTS`), named from the catalog and labelled without
    overlapping each other where space allows. Low-base points are hollow,
    suppressed ones are left out.

    Parameters
    ----------
    data : DataFrame
        IPA table: driver, touchpoint, importance, performance[, importance_cut,
        performance_cut, flag] as returned by :func:`cjkit.stats.ipa.importance_performance`.
    label : "auto" or str
        Column naming the points; "auto" = touchpoint if unique per row, else driver.
    xline, yline : float, optional
        Where the quadrant lines cross; default the table's ``importance_cut`` /
        ``performance_cut`` if present, else the mean of the plotted points.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (*ax*, or the current Axes).

    Examples
    --------
    >>> import cjkit as cj
    >>> import pandas as pd
    >>> t = pd.DataFrame({"touchpoint": ["website", "hotline", "app", "billing"],
    ...                   "importance": [30, 25, 10, 35], "performance": [4.2, 3.1, 3.9, 3.4]})
    >>> ax = cj.ipa_plot(t, lang="de")
    >>> sorted(a.get_text() for a in ax.texts if (a.get_gid() or "").startswith("label:"))
    ['App', 'Hotline', 'Rechnung und Zahlung', 'Website']
    """
    theme.check_lang(lang)
    data = as_frame(data, "ipa_plot", [x, y])
    data = data[flag_values(data, flag) != "suppressed"].dropna(subset=[x, y]).reset_index(drop=True)
    label = _auto_label(data, label, "driver" if "driver" in data.columns else x)
    as_frame(data, "ipa_plot", [label])
    ax = current_axes(ax)
    xs, ys = data[x].astype(float).to_numpy(), data[y].astype(float).to_numpy()
    cut_x = f"{x}_cut" if f"{x}_cut" in data.columns else None
    cut_y = f"{y}_cut" if f"{y}_cut" in data.columns else None
    xm = float(xline if xline is not None else data[cut_x].iloc[0] if cut_x else np.mean(xs))
    ym = float(yline if yline is not None else data[cut_y].iloc[0] if cut_y else np.mean(ys))
    quad = np.where(xs >= xm, np.where(ys >= ym, "keep_up", "fix_first"),
                    np.where(ys >= ym, "possible_overkill", "low_priority"))
    low = (flag_values(data, flag) == "low_base").to_numpy()
    colours = np.array([QUADRANT_COLORS[q] for q in quad])
    size = kwargs.pop("s", 55)
    ax.scatter(xs[~low], ys[~low], c=colours[~low], s=size, zorder=3, edgecolor="white", linewidth=0.8,
               gid="ipa_points", **kwargs)
    if low.any():
        ax.scatter(xs[low], ys[low], facecolor="white", edgecolor=colours[low], s=size, zorder=3,
                   linewidth=1.5, gid="ipa_low_base", label=theme.label("low_base", lang))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))

    def _span(v, m):  # lines in the middle, with room around the points for labels
        half = max(abs(v.max() - m), abs(m - v.min()), 1e-9) * 1.25
        lo = m - half
        if v.min() >= 0 > lo:  # importances are not negative: no empty negative axis
            lo = max(lo, v.min() - 0.15 * half)
        return lo, m + half
    ax.set_xlim(*_span(xs, xm))
    ax.set_ylim(*_span(ys, ym))
    lines = [ax.axvline(xm, color=theme.MUTED, lw=1, ls="--", zorder=1),
             ax.axhline(ym, color=theme.MUTED, lw=1, ls="--", zorder=1)]
    names_q = QUADRANTS.set_index("quadrant")[f"label_{lang}"]
    corners = {"possible_overkill": (0.01, 0.99, "left", "top"), "keep_up": (0.99, 0.99, "right", "top"),
               "low_priority": (0.01, 0.01, "left", "bottom"), "fix_first": (0.99, 0.01, "right", "bottom")}
    avoid = [ax.text(cx, cy, names_q[key], transform=ax.transAxes, ha=ha, va=va, color=QUADRANT_COLORS[key],
                     fontweight="bold", fontsize="small", gid=f"quadrant:{key}")
             for key, (cx, cy, ha, va) in corners.items()]
    names = theme.axis_labels(label, data[label], lang, frame=data)
    place_labels(ax, xs, ys, [names[v] for v in data[label]], avoid=avoid, soft=lines, fontsize="small")
    ax.xaxis.set_major_formatter(theme.number_formatter(lang))
    ax.yaxis.set_major_formatter(theme.number_formatter(lang))
    ax.set_xlabel(theme.label(x, lang))
    ax.set_ylabel(theme.label(y, lang))
    return ax


def painpoint_plot(data, *, x="score", y="touchpoint_label", top=10, lang="de", ax=None, **kwargs):
    """Ranked pain points as horizontal bars of their score, each annotated with its evidence.

    Parameters
    ----------
    data : DataFrame
        Pain-point table (:func:`cjkit.rank_painpoints` or ``cj.report.painpoint_table``):
        score, rank and, when present, low_share, n_mentions, phase_label, flag.
    x : str
        Column of the bar length (the score, 0-1).
    y : str
        Column naming a pain point; the phase label is added in brackets when present.
    top : int
        The *top* highest-ranked pain points are drawn.
    lang : {"de", "en"}
        Language of the axis title, the evidence notes and the alt text.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.barh`.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; its figure carries an alt text (:func:`alt_text`).

    Examples
    --------
    >>> import cjkit as cj
    >>> import pandas as pd
    >>> p = pd.DataFrame({"touchpoint_label": ["Wi-Fi", "Room"], "score": [0.8, 0.4], "rank": [1, 2],
    ...                   "low_share": [0.25, 0.1], "n_mentions": [12, 0]})
    >>> ax = cj.painpoint_plot(p, lang="en")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Wi-Fi', 'Room']
    >>> cj.alt_text(ax.figure, lang="en")
    'Bar chart of the 2 top pain points by score; first Wi-Fi (score 0.80).'
    """
    theme.check_lang(lang)
    data = as_frame(data, "painpoint_plot", [x, y])
    ax = current_axes(ax)
    if "rank" in data.columns:  # only ranked pain points: other touchpoints keep a score but are no pain point
        data = data[data["rank"].notna()]
    order = "rank" if "rank" in data.columns else x
    frame = data[data[x].notna()].sort_values(order, ascending=order == "rank", kind="stable").head(top)
    names = frame[y].astype(str)
    if "phase_label" in frame.columns:
        names = names + " (" + frame["phase_label"].astype(str) + ")"
    pos = np.arange(len(frame))
    low = flag_values(frame, "flag").isin(["low_base", "suppressed"]).to_numpy()
    bars = ax.barh(pos, frame[x].astype(float), color=kwargs.pop("color", theme.PALETTE[1 % len(theme.PALETTE)]),
                   height=0.65, **kwargs)
    for bar, is_low in zip(bars, low):
        if is_low:
            bar.set_hatch("//")
            bar.set_alpha(0.6)
    for p, (_, r) in enumerate(frame.iterrows()):
        note = theme.label("painpoint_evidence", lang).format(
            low=theme.fmt_number(r.get("low_share", np.nan), lang, decimals=0, percent=True),
            mentions=theme.fmt_number(r.get("n_mentions", np.nan), lang, decimals=0))
        ax.text(float(r[x]), p, "  " + note, va="center", fontsize="small", color=theme.INK, gid=f"evidence:{p}")
    ax.set_yticks(pos, names.tolist())
    ax.set_ylim(len(frame) - 0.5, -0.5)
    ax.set_xlim(0, max(float(frame[x].max()) * 1.6, 0.1) if len(frame) else 1)
    ax.set_xlabel(theme.label("painpoint_axis", lang))
    ax.grid(axis="y", visible=False)
    if len(frame):
        set_alt_text(ax.figure, theme.label("alt_painpoints", lang).format(
            k=len(frame), first=names.iloc[0], score=theme.fmt_number(frame[x].iloc[0], lang, decimals=2)))
    return ax
