"""Comparisons as charts: personas (segments) x touchpoints as a heat map, and waves as a trend.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.plot import theme
from cjkit.plot.charts.base import as_frame, current_axes, flag_values, level_order, significant_marks


def persona_plot(data, *, x="segment", y="touchpoint", value="value", sig="auto", alpha=0.05,
                       kind="heat", order=None, y_order=None, flag="flag", model=None, scale=None,
                       decimals=1, lang="de", ax=None, **kwargs):
    """Score per persona (or segment) and touchpoint, significant differences marked.

    Parameters
    ----------
    x : str
        Persona/segment column (across in the heat map, colours in the dot plot); the
        default ``segment`` is what :func:`cjkit.stats.compare.persona_comparison` returns.
    y : str
        Touchpoint or phase column (down).
    sig : str or None
        Column with booleans (marked when True) or p-values (marked when < ``alpha``),
        e.g. the test of each persona against the rest. "auto": ``significant``, else
        ``p_adjusted``, else ``p_value``, else no marks. With a ``direction`` column
        ("higher"/"lower") the heat map shows ▲/▼ instead of *.
    kind : {"heat", "dot"}
        Heat map with printed values, or a dot plot (filled dot = significant).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (*ax*, or the current Axes).

    Examples
    --------
    >>> import cjkit as cj
    >>> import pandas as pd
    >>> t = pd.DataFrame({"persona": ["Familien", "Familien", "Paare", "Paare"],
    ...                   "touchpoint": ["website", "hotline"] * 2, "value": [4.2, 3.0, 3.6, 3.9],
    ...                   "p_value": [0.01, 0.4, 0.2, 0.03]})
    >>> ax = cj.persona_plot(t, x="persona", y="touchpoint", sig="p_value")
    >>> [a.get_text() for a in ax.texts if (a.get_gid() or "").startswith("cell:")]
    ['4,2*', '3,6', '3,0', '3,9*']
    """
    theme.check_lang(lang)
    if kind not in ("heat", "dot"):
        raise ParameterError("kind", kind, allowed=["heat", "dot"])
    data = as_frame(data, "persona_plot", [x, y, value])
    ax = current_axes(ax)
    cols, rows = level_order(data[x], order), level_order(data[y], y_order)
    dup = data.duplicated([x, y], keep=False)
    if dup.any():
        raise DataError(f"persona_plot: more than one row for {x}={data.loc[dup, x].iloc[0]!r}, "
                        f"{y}={data.loc[dup, y].iloc[0]!r}; filter to one question/metric per {y} first",
                        row=int(np.flatnonzero(dup.to_numpy())[0]) + 1)
    keep = (flag_values(data, flag) != "suppressed").to_numpy()
    marks = significant_marks(data, sig, alpha) & keep
    arrows = {"higher": "\u25b2", "lower": "\u25bc"}  # ▲ ▼ (in DejaVu Sans)
    direction = data["direction"].astype("string").fillna("") if "direction" in data.columns else None
    frame = data.assign(_v=pd.to_numeric(data[value], errors="coerce").where(keep), _s=marks,
                        _m=[(arrows.get(d, "*") if direction is not None else "*") if m else ""
                            for m, d in zip(marks, direction if direction is not None else [""] * len(data))])
    idx = frame.set_index([y, x])
    full = pd.MultiIndex.from_product([rows, cols])
    grid = idx["_v"].reindex(full).unstack().reindex(index=rows, columns=cols).astype(float)
    mark = idx["_m"].reindex(full).unstack().reindex(index=rows, columns=cols).fillna("")
    xnames, ynames = theme.axis_labels(x, cols, lang, model, data), theme.axis_labels(y, rows, lang, model, data)
    p_text = f"(p\u00a0<\u00a0{theme.fmt_number(alpha, lang, decimals=2)})"
    if direction is not None:
        note = (f"\u25b2/\u25bc {theme.label('sig_higher_lower', lang)} {p_text}")
    else:
        note = f"* {theme.label('significant', lang)} {p_text}"
    if kind == "heat":
        norm = theme.satisfaction_norm(grid.to_numpy().ravel(), scale)
        mesh = ax.pcolormesh(np.ma.masked_invalid(grid.to_numpy(float)), cmap=theme.SATISFACTION_CMAP, norm=norm,
                             edgecolors="white", linewidth=2, **kwargs)
        mesh.set_gid("persona_heat")
        for i, r in enumerate(rows):
            for j, c in enumerate(cols):
                v = grid.loc[r, c]
                if pd.isna(v):
                    ax.text(j + 0.5, i + 0.5, "–", ha="center", va="center", color=theme.MUTED)
                    continue
                star = bool(mark.loc[r, c])
                ax.text(j + 0.5, i + 0.5, theme.fmt_number(v, lang, decimals=decimals) + mark.loc[r, c],
                        ha="center", va="center", fontsize="small", fontweight="bold" if star else "normal",
                        color=theme.text_color(theme.SATISFACTION_CMAP(norm(v))), gid=f"cell:{r}|{c}")
                if star:
                    ax.add_patch(plt.Rectangle((j + 0.06, i + 0.06), 0.88, 0.88, fill=False, lw=1.6,
                                               edgecolor=theme.INK, gid=f"sig:{r}|{c}"))
        ax.set_xticks(np.arange(len(cols)) + 0.5, [xnames[c] for c in cols])
        ax.set_yticks(np.arange(len(rows)) + 0.5, [ynames[r] for r in rows])
        ax.xaxis.tick_top()
        ax.set_xlim(0, len(cols))
        ax.set_ylim(len(rows), 0)
        ax.grid(False)
        ax.tick_params(length=0)
        for s in ax.spines.values():
            s.set_visible(False)
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.annotate(note, xy=(0, 0), xycoords="axes fraction", xytext=(0, -6), textcoords="offset points",
                    ha="left", va="top", fontsize="small", color=theme.MUTED)
        return ax
    for i, r in enumerate(rows):
        vals = grid.loc[r].dropna()
        if len(vals) > 1:
            ax.plot([vals.min(), vals.max()], [i, i], color="#CFCFCF", lw=2.5, zorder=1, solid_capstyle="round")
    for k, c in enumerate(cols):
        colour = theme.PALETTE[k % len(theme.PALETTE)]
        v = grid[c].to_numpy(float)
        s = (mark[c] != "").to_numpy()
        pos = np.arange(len(rows))
        ax.scatter(v[s], pos[s], s=60, color=colour, edgecolor=colour, zorder=3, gid=f"dot_sig:{c}")
        ax.scatter(v[~s], pos[~s], s=60, facecolor="white", edgecolor=colour, linewidth=1.6, zorder=3,
                   label=xnames[c], gid=f"dot:{c}")
    ax.set_yticks(range(len(rows)), [ynames[r] for r in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    if scale:
        ax.set_xlim(*scale)
    ax.xaxis.set_major_formatter(theme.number_formatter(lang))
    ax.set_xlabel(theme.label("satisfaction", lang))
    ax.grid(axis="y", visible=False)
    handles = [plt.Line2D([], [], marker="o", ls="", color=theme.PALETTE[k % len(theme.PALETTE)], label=xnames[c])
               for k, c in enumerate(cols)]
    handles.append(plt.Line2D([], [], marker="o", ls="", color=theme.MUTED,
                              label=f"{theme.label('significant', lang)} {p_text}"))
    handles.append(plt.Line2D([], [], marker="o", ls="", markerfacecolor="white", color=theme.MUTED,
                              label="n. s." if lang == "de" else "not significant"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), title=theme.label(x, lang))
    return ax


def trend_plot(data, *, x="wave", y="value", hue=None, order=None, hue_order=None,
               ci=("ci_low", "ci_high"), flag="flag", sig="auto", alpha=0.05, model=None, scale=None,
               show_values=None, decimals=1, percent=False, value_label=None, lang="de", ax=None, **kwargs):
    """One line per group across survey waves, with confidence bands.

    Suppressed points are left out (the line has a gap), low-base points are drawn
    hollow, and points whose change against the previous wave is significant (``sig``:
    a boolean or p-value column as :func:`cjkit.stats.compare.wave_trend` returns; "auto" =
    ``significant``, ``p_adjusted`` or ``p_value`` if present) get a ring. Waves follow
    ``order``, a ``<x>_order`` column (as :func:`cjkit.stats.compare.wave_trend` returns), the
    Categorical order, else sorting.

    Parameters
    ----------
    data : DataFrame
        Trend table, one row per wave (and group), e.g. from :func:`cjkit.stats.compare.wave_trend`.
    x : str
        Wave column.
    y : str
        Value column.
    hue : str, optional
        Group column: one line per group (touchpoint, question, segment ...).
    order, hue_order : list, optional
        Order of the waves and of the groups.
    ci : (str, str) or None
        Columns of the interval drawn as a band; None for no band.
    flag : str
        Base-rule flag column (``low_base`` hollow, ``suppressed`` left out).
    sig : "auto", str or None
        Significance column (booleans or p-values).
    alpha : float
        Threshold for a p-value column.
    model, scale : optional
        Journey model for labels; (min, max) of the value axis.
    show_values : bool, optional
        Print the values at the points; default when there are at most two lines.
    decimals, percent : int, bool
        Number format of printed values.
    value_label : str, optional
        Axis title of the values.
    lang : {"de", "en"}
        Label language.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default the current Axes.
    **kwargs
        Passed to ``Axes.plot``.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (*ax*, or the current Axes).

    Examples
    --------
    >>> import cjkit as cj
    >>> import pandas as pd
    >>> t = pd.DataFrame({"wave": ["2025", "2026"] * 2, "touchpoint": ["website"] * 2 + ["hotline"] * 2,
    ...                   "value": [3.9, 4.1, 3.0, 3.4], "ci_low": [3.8, 4.0, 2.8, 3.2],
    ...                   "ci_high": [4.0, 4.2, 3.2, 3.6]})
    >>> ax = cj.trend_plot(t, x="wave", y="value", hue="touchpoint", lang="en")
    >>> [t.get_text() for t in ax.get_legend().texts]
    ['Website', 'Hotline']
    """
    theme.check_lang(lang)
    ci = tuple(ci) if ci else None
    data = as_frame(data, "trend_plot", [x, y, hue, *(ci or ())])
    ax = current_axes(ax)
    if order is None and f"{x}_order" in data.columns:  # as cjkit.stats.compare.wave_trend returns
        order = list(data.sort_values(f"{x}_order")[x].drop_duplicates())
    waves = (level_order(data[x], order) if order is not None or isinstance(data[x].dtype, pd.CategoricalDtype)
             else sorted(pd.unique(data[x].dropna())))
    hues = level_order(data[hue], hue_order) if hue else [None]
    names = theme.axis_labels(hue, hues, lang, model, data) if hue else {None: None}
    if show_values is None:
        show_values = len(hues) <= 2
    flags = flag_values(data, flag)
    data = data.assign(_sig=significant_marks(data, sig, alpha, "trend_plot") & (flags != "suppressed"))
    pos = np.arange(len(waves))
    for k, h in enumerate(hues):
        part = data if h is None else data[data[hue] == h]
        part = part.assign(_flag=flags[part.index])
        if part.duplicated(x).any():
            raise DataError(f"trend_plot: several rows for one wave{f' in group {h!r}' if hue else ''}; "
                            "filter to one metric/group first", column=x)
        part = part.set_index(x).reindex(waves)
        vals = part[y].astype(float).where(part["_flag"] != "suppressed")
        colour = kwargs.get("color", theme.PALETTE[k % len(theme.PALETTE)])
        ax.plot(pos, vals.to_numpy(), marker="o", color=colour, lw=2, label=names[h], gid=f"trend:{h}",
                **{k2: v for k2, v in kwargs.items() if k2 != "color"})
        low = (part["_flag"] == "low_base").to_numpy() & vals.notna().to_numpy()
        if low.any():
            ax.plot(pos[low], vals.to_numpy()[low], ls="", marker="o", markerfacecolor="white", color=colour,
                    zorder=3, gid=f"low_base:{h}")
        ring = part["_sig"].fillna(False).astype(bool).to_numpy() & vals.notna().to_numpy()
        if ring.any():
            ax.scatter(pos[ring], vals.to_numpy()[ring], s=190, facecolor="none", edgecolor=theme.INK,
                       linewidth=1.3, zorder=4, gid=f"sig:{h}")
        if ci:
            lo = part[ci[0]].astype(float).where(vals.notna()).to_numpy()
            hi = part[ci[1]].astype(float).where(vals.notna()).to_numpy()
            band = ax.fill_between(pos, lo, hi, color=colour, alpha=0.15, lw=0)
            band.set_gid(f"band:{h}")
        if show_values:
            for p, v in zip(pos, vals):
                if pd.notna(v):
                    ax.annotate(theme.fmt_number(v, lang, decimals=decimals, percent=percent), (p, v),
                                xytext=(0, 8), textcoords="offset points", ha="center", fontsize="small",
                                color=colour)
    ax.set_xticks(pos, [str(w) for w in waves])
    ax.set_xlim(-0.3, len(waves) - 0.7)
    if scale:
        ax.set_ylim(*scale)
    ax.yaxis.set_major_formatter(theme.number_formatter(lang, percent=percent))
    ax.set_xlabel(theme.label(x, lang))
    ax.set_ylabel(value_label or theme.label("satisfaction", lang))
    ax.grid(axis="x", visible=False)
    handles, _ = ax.get_legend_handles_labels()
    if data["_sig"].any():
        handles.append(plt.Line2D([], [], marker="o", ls="", markersize=11, markerfacecolor="none",
                                  color=theme.INK, label=theme.label("sig_change", lang)))
    if (flags == "low_base").any():
        handles.append(plt.Line2D([], [], marker="o", ls="", markerfacecolor="white", color=theme.MUTED,
                                  label=theme.label("low_base", lang)))
    if hue or len(handles):
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1),
                  title=theme.label(hue, lang) if hue else None)
    return ax
