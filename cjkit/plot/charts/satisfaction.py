"""Satisfaction per touchpoint (or phase): dots with intervals, in journey order, low bases hollow.
"""
from __future__ import annotations

import logging

from matplotlib.patches import Patch
import numpy as np
import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.plot import theme
from cjkit.plot.charts.base import as_frame, current_axes, flag_values, level_order

log = logging.getLogger("cjkit.plot.charts")


def satisfaction_plot(data, *, x="value", y="touchpoint", hue=None, order=None, hue_order=None,
                      model=None, ci=("ci_low", "ci_high"), flag="flag", n="n", scale=None,
                      show_values=True, show_n=False, decimals=1, percent=False, value_label=None,
                      lang="de", ax=None, **kwargs):
    """Score per touchpoint (or phase) as bars with confidence-interval whiskers.

    Parameters
    ----------
    data : DataFrame
        Metric table: a category column, ``value``, ``ci_low``, ``ci_high``, ``n``, ``flag``.
    x, y : str
        One is the (numeric) value column, the other the category; ``y`` categorical gives
        horizontal bars (the default, best for long touchpoint names).
    hue : str, optional
        Second group column (e.g. ``wave`` or ``persona``): side-by-side bars.
    model : str or dict, optional
        Journey model for phase labels (when the category is ``phase``).
    ci : tuple of str or None
        Columns with the interval bounds; ``None`` draws no whiskers.
    scale : tuple, optional
        (min, max) of the value axis; bars start at min (default 0).
    show_n : bool
        Append the base "(n = 123)" to category labels (without ``hue``).
    **kwargs
        Passed to ``Axes.bar``/``barh``.

    Returns
    -------
    Axes
        Low-base bars are hatched; suppressed bars are left out and "nicht ausgewiesen"
        ("not shown") is written in their place.

    Examples
    --------
    >>> import cjkit as cj
    >>> import pandas as pd
    >>> t = pd.DataFrame({"touchpoint": ["website", "hotline"], "value": [4.1, 3.2],
    ...                   "ci_low": [3.9, 2.9], "ci_high": [4.3, 3.5], "flag": ["", "low_base"]})
    >>> ax = cj.satisfaction_plot(t, x="value", y="touchpoint", scale=(1, 5), lang="de")
    >>> [label.get_text() for label in ax.get_yticklabels()], ax.get_xlabel()
    (['Website', 'Hotline'], 'Zufriedenheit')
    """
    theme.check_lang(lang)
    ci = tuple(ci) if ci else None
    data = as_frame(data, "satisfaction_plot", [x, y, hue, *(ci or ())])
    num_x, num_y = (pd.api.types.is_numeric_dtype(data[c]) for c in (x, y))
    if num_x == num_y:
        raise ParameterError("x/y", (x, y), message="satisfaction_plot: exactly one of x and y must be the "
                             f"numeric value column; got x={x!r}, y={y!r}")
    horizontal = num_x
    cat, val = (y, x) if horizontal else (x, y)
    cats = level_order(data[cat], order)
    hues = level_order(data[hue], hue_order) if hue else [None]
    keys = [cat] + ([hue] if hue else [])
    dup = data.duplicated(keys, keep=False)
    if dup.any():
        first = data.loc[dup, keys].iloc[0].tolist()
        raise DataError(f"satisfaction_plot: more than one row for {dict(zip(keys, first))}; "
                        "filter the metric table to one metric first", row=int(np.argmax(dup.to_numpy())) + 1)
    if data[cat].isna().any():
        log.info("satisfaction_plot: %d rows without a %s are not shown", int(data[cat].isna().sum()), cat)
    ax = current_axes(ax)
    flags = flag_values(data, flag)
    base = scale[0] if scale else 0.0
    width = 0.8 / len(hues)
    colours = dict(zip(hues, theme.PALETTE * 3)) if hue else {None: kwargs.pop("color", theme.PALETTE[0])}
    bar = ax.barh if horizontal else ax.bar
    pos_of = {c: i for i, c in enumerate(cats)}
    tops = data[list(ci)[1] if ci else val].to_numpy(dtype=float)
    # every value suppressed (bases too small) leaves nothing to scale by: an empty chart, no error
    top = float(np.nanmax(tops)) if np.isfinite(tops).any() else base + 1.0
    pad = 0.015 * ((scale[1] - base) if scale else max(top - base, 1e-9))
    any_low = False
    for j, h in enumerate(hues):
        part = data if h is None else data[data[hue] == h]
        for idx, row in part.iterrows():
            if row[cat] not in pos_of:
                continue
            p = pos_of[row[cat]] - 0.4 + width * (j + 0.5)
            if flags[idx] == "suppressed" or pd.isna(row[val]):
                ax.text(base + pad if horizontal else p, p if horizontal else base + pad,
                        theme.label("not_shown_short", lang), fontsize="x-small", style="italic",
                        color=theme.MUTED, ha="left" if horizontal else "center",
                        va="center" if horizontal else "bottom", rotation=0 if horizontal else 90)
                continue
            low = flags[idx] == "low_base"
            any_low |= low
            bar(p, row[val] - base, width * 0.92, base, color=colours[h], alpha=0.45 if low else 1.0,
                hatch="///" if low else None, edgecolor=colours[h], linewidth=0.8, **kwargs)
            end = row[val]
            if ci and pd.notna(row[ci[0]]) and pd.notna(row[ci[1]]):
                err = [[row[val] - row[ci[0]]], [row[ci[1]] - row[val]]]
                eb = ax.errorbar(row[val] if horizontal else p, p if horizontal else row[val],
                                 **{"xerr" if horizontal else "yerr": err}, fmt="none", ecolor=theme.INK,
                                 elinewidth=1.1, capsize=3, zorder=3)
                eb.lines[2][0].set_gid(f"ci:{row[cat]}|{h}")
                end = max(end, row[ci[1]])
            if show_values:
                text = theme.fmt_number(row[val], lang, decimals=decimals, percent=percent)
                ax.text(end + pad if horizontal else p, p if horizontal else end + pad, text,
                        fontsize="small", color=theme.INK, va="center" if horizontal else "bottom",
                        ha="left" if horizontal else "center", gid=f"value:{row[cat]}|{h}")
    names = theme.axis_labels(cat, cats, lang, model, data)
    if show_n and n in data.columns and not hue:
        ns = data.set_index(cat)[n]
        names = {c: f"{names[c]} (n\u00a0=\u00a0{theme.fmt_number(ns.get(c), lang, decimals=0)})" for c in cats}
    ticks = (ax.set_yticks if horizontal else ax.set_xticks)
    ticks(range(len(cats)), [names[c] for c in cats])
    vaxis = ax.xaxis if horizontal else ax.yaxis
    vaxis.set_major_formatter(theme.number_formatter(lang, percent=percent))
    lim = (ax.set_xlim if horizontal else ax.set_ylim)
    lim(scale if scale else (base, top + (top - base) * 0.12))
    if horizontal:
        ax.set_ylim(len(cats) - 0.5, -0.5)  # first category on top
        ax.grid(axis="y", visible=False)
    else:
        ax.grid(axis="x", visible=False)
    (ax.set_xlabel if horizontal else ax.set_ylabel)(value_label or theme.label("satisfaction", lang))
    (ax.set_ylabel if horizontal else ax.set_xlabel)(theme.label(cat, lang))
    hue_names = theme.axis_labels(hue, hues, lang, model, data) if hue else {}
    handles = [Patch(color=colours[h], label=hue_names[h]) for h in hues if hue]
    if any_low:
        handles.append(Patch(facecolor="white", edgecolor=theme.MUTED, hatch="///",
                             label=theme.label("low_base", lang)))
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1),
                  title=theme.label(hue, lang) if hue else None)
    return ax
