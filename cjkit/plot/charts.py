"""Axes-level charts for customer-journey results.

Every function takes a tidy frame (the metric, driver or IPA tables of the
measure step, or raw long responses for the NPS), draws on ``ax`` (default:
the current Axes) and returns that Axes, like seaborn's axes-level functions.
Labels come from the catalogs in ``lang`` ("de" or "en"); colours from
:mod:`cjkit.plot.theme`. Rows flagged ``low_base`` are drawn hatched or hollow,
rows flagged ``suppressed`` are never drawn as a value.

Examples
--------
>>> import cjkit as cj
>>> import pandas as pd
>>> t = pd.DataFrame({"touchpoint": ["website", "hotline"], "value": [4.1, 3.2],
...                   "ci_low": [3.9, 2.9], "ci_high": [4.3, 3.5], "n": [220, 41],
...                   "flag": ["", "low_base"]})
>>> ax = cj.satisfaction_plot(t, x="value", y="touchpoint", lang="en")
"""
from __future__ import annotations

import logging

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from cjkit.plot import theme
from cjkit.errors import DataError, ParameterError
from cjkit.plot.layout import place_labels
from cjkit.stats import metrics as stats_metrics
from cjkit.stats.quadrants import QUADRANTS

log = logging.getLogger("cjkit.plot.charts")


# --------------------------------------------------------------------------- helpers
def _frame(data, func: str, required) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise ParameterError("data", type(data).__name__, allowed="a pandas DataFrame",
                             message=f"{func}: parameter 'data' must be a DataFrame, got {type(data).__name__}")
    for col in required:
        if col is not None and col not in data.columns:
            raise DataError(f"{func}: column is missing; the frame has {list(data.columns)}", column=col)
    return data.reset_index(drop=True)  # positions double as 1-based row numbers in messages


def _levels(values: pd.Series, order=None) -> list:
    """Category order: explicit, else the ordered Categorical's order, else first appearance."""
    if order is not None:
        return list(order)
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.dropna())
        return [c for c in values.cat.categories if c in present]
    return list(pd.unique(values.dropna()))


def _flags(data: pd.DataFrame, flag: str | None) -> pd.Series:
    if flag is None or flag not in data.columns:
        return pd.Series("", index=data.index)
    return data[flag].astype("string").fillna("")


def _ax(ax):
    return plt.gca() if ax is None else ax


# --------------------------------------------------------------------------- satisfaction
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
    data = _frame(data, "satisfaction_plot", [x, y, hue, *(ci or ())])
    num_x, num_y = (pd.api.types.is_numeric_dtype(data[c]) for c in (x, y))
    if num_x == num_y:
        raise ParameterError("x/y", (x, y), message="satisfaction_plot: exactly one of x and y must be the "
                             f"numeric value column; got x={x!r}, y={y!r}")
    horizontal = num_x
    cat, val = (y, x) if horizontal else (x, y)
    cats = _levels(data[cat], order)
    hues = _levels(data[hue], hue_order) if hue else [None]
    keys = [cat] + ([hue] if hue else [])
    dup = data.duplicated(keys, keep=False)
    if dup.any():
        first = data.loc[dup, keys].iloc[0].tolist()
        raise DataError(f"satisfaction_plot: more than one row for {dict(zip(keys, first))}; "
                        "filter the metric table to one metric first", row=int(np.argmax(dup.to_numpy())) + 1)
    if data[cat].isna().any():
        log.info("satisfaction_plot: %d rows without a %s are not shown", int(data[cat].isna().sum()), cat)
    ax = _ax(ax)
    flags = _flags(data, flag)
    base = scale[0] if scale else 0.0
    width = 0.8 / len(hues)
    colours = dict(zip(hues, theme.PALETTE * 3)) if hue else {None: kwargs.pop("color", theme.PALETTE[0])}
    bar = ax.barh if horizontal else ax.bar
    pos_of = {c: i for i, c in enumerate(cats)}
    top = np.nanmax(data[list(ci)[1] if ci else val].to_numpy(dtype=float)) if len(data) else 1.0
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


# --------------------------------------------------------------------------- NPS
def nps_table(data, *, x="value", hue=None, weight=None) -> pd.DataFrame:
    """Shares of detractors (0-6), passives (7-8), promoters (9-10) and NPS, per group.

    Returns a tidy frame: [hue], n, n_weighted, detractor, passive, promoter (shares 0-1),
    nps (-100 to 100). Answers outside 0-10 raise :class:`DataError` naming the row.

    Parameters
    ----------
    data : DataFrame
        Answers, one row per respondent (0-10; NaN ignored).
    x : str
        Answer column.
    hue : str, optional
        Group column; one row per group.
    weight : str, optional
        Weight column.

    Returns
    -------
    DataFrame
        [hue], n, n_weighted, detractor, passive, promoter (shares 0-1), nps (-100 to 100).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.plot.charts import nps_table
    >>> t = nps_table(pd.DataFrame({"value": [0, 7, 9, 10]}))
    >>> int(t.loc[0, "n"]), float(t.loc[0, "nps"])
    (4, 25.0)
    """
    data = _frame(data, "nps_table", [x, hue, weight])
    vals = pd.to_numeric(data[x], errors="coerce")
    bad = (data[x].notna() & vals.isna()) | ~(vals.isna() | (vals.between(0, 10) & (vals % 1 == 0)))
    if bad.any():
        pos = int(np.argmax(bad.to_numpy()))
        raise DataError(f"NPS answers must be whole numbers 0-10, got {data[x].iloc[pos]!r}",
                        row=pos + 1, column=x)
    if vals.isna().any():
        log.info("nps: %d rows without an answer in column %r are not counted", int(vals.isna().sum()), x)
    w = data[weight].astype(float) if weight else pd.Series(1.0, index=data.index)
    frame = pd.DataFrame({"g": data[hue] if hue else "all", "v": vals, "w": w}).dropna(subset=["v"])
    frame["cls"] = np.select([frame["v"] <= 6, frame["v"] <= 8], ["detractor", "passive"], "promoter")
    rows = []
    for g, part in frame.groupby("g", sort=False, observed=True):
        tot = part["w"].sum()
        share = part.groupby("cls")["w"].sum().reindex(["detractor", "passive", "promoter"], fill_value=0) / tot
        # the NPS itself is the one of cjkit.stats.metrics.nps, so chart and tables cannot disagree
        rows.append({"group": g, "n": len(part), "n_weighted": tot, **share.to_dict(),
                     "nps": float(stats_metrics.nps(part["v"], weights=part["w"])["value"].iloc[0])})
    out = pd.DataFrame(rows)
    return out.rename(columns={"group": hue}) if hue else out.drop(columns="group")


def nps_plot(data, *, x="value", hue=None, order=None, weight=None, lang="de", ax=None, **kwargs):
    """Distribution of 0-10 recommendation answers with the NPS.

    Without ``hue``: eleven bars (share of answers per score) coloured as detractor,
    passive or promoter, and the NPS in a box. With ``hue``: one 100 % stacked bar per
    group (detractors | passives | promoters) with its NPS at the right.

    Parameters
    ----------
    data : DataFrame
        One row per answer (long or wide), ``x`` holding 0-10.
    weight : str, optional
        Column with design weights.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (*ax*, or the current Axes).

    Examples
    --------
    >>> import cjkit as cj
    >>> import pandas as pd
    >>> answers = pd.DataFrame({"value": [10, 9, 8, 3, 10, 6], "persona": list("aabbbb")})
    >>> ax = cj.nps_plot(answers, x="value", lang="en")  # (3 promoters - 2 detractors) / 6
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "nps"]
    ['NPS +17']
    >>> ax = cj.nps_plot(answers, x="value", hue="persona")
    """
    theme.check_lang(lang)
    ax = _ax(ax)
    table = nps_table(data, x=x, hue=hue, weight=weight)
    pct = theme.number_formatter(lang, decimals=0, percent=True)
    classes = ["detractor", "passive", "promoter"]
    handles = [Patch(color=theme.NPS_COLORS[c], label=theme.label(c, lang)) for c in classes]
    if hue is None:
        vals = pd.to_numeric(data[x], errors="coerce")
        w = data[weight].astype(float) if weight else pd.Series(1.0, index=data.index)
        answered = vals.notna()
        share = (w[answered].groupby(vals[answered]).sum().reindex(range(11), fill_value=0)
                 / w[answered].sum())
        cols = [theme.NPS_COLORS[c] for c in ["detractor"] * 7 + ["passive"] * 2 + ["promoter"] * 2]
        ax.bar(range(11), share.to_numpy(), color=cols, width=0.8, **kwargs)
        for s, v in share.items():
            ax.text(s, v, theme.fmt_number(v, lang, decimals=0, percent=True), ha="center", va="bottom",
                    fontsize="x-small", color=theme.MUTED)
        ax.set_xticks(range(11))
        ax.set_xlim(-0.6, 10.6)
        ax.set_ylim(0, share.max() * 1.18 + 1e-9)
        ax.set_xlabel(theme.label("nps_scale", lang))
        ax.set_ylabel(theme.label("share", lang))
        ax.yaxis.set_major_formatter(pct)
        ax.grid(axis="x", visible=False)
        r = table.iloc[0]
        # NPS beside the chart, under the legend, so it can never cover a bar
        ax.text(1.03, 0.42, f"NPS {theme.fmt_number(r['nps'], lang, decimals=0, sign=True)}",
                transform=ax.transAxes, fontsize="x-large", fontweight="bold", va="bottom", gid="nps")
        ax.text(1.03, 0.40, f"n\u00a0=\u00a0{theme.fmt_number(r['n'], lang, decimals=0)}",
                transform=ax.transAxes, color=theme.MUTED, va="top")
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1))
        return ax
    groups = _levels(data[hue], order)
    table = table.set_index(hue).reindex(groups)
    for i, g in enumerate(groups):
        left = 0.0
        for c in classes:
            s = table.loc[g, c]
            ax.barh(i, s, left=left, color=theme.NPS_COLORS[c], height=0.65, edgecolor="white", linewidth=1,
                    **kwargs)
            if s >= 0.06:  # only label segments wide enough for the text
                ax.text(left + s / 2, i, theme.fmt_number(s, lang, decimals=0, percent=True), ha="center",
                        va="center", fontsize="small", color="white" if c != "passive" else theme.INK)
            left += s
        ax.text(1.02, i, f"{theme.fmt_number(table.loc[g, 'nps'], lang, decimals=0, sign=True)}",
                transform=ax.get_yaxis_transform(), va="center", fontweight="bold", gid=f"nps:{g}")
    ax.text(1.02, -0.65, "NPS", transform=ax.get_yaxis_transform(), va="center", color=theme.MUTED,
            fontsize="small")
    names = theme.axis_labels(hue, groups, lang, frame=data)
    bases = {g: theme.fmt_number(table.loc[g, "n"], lang, decimals=0) for g in groups}
    ax.set_yticks(range(len(groups)), [f"{names[g]} (n\u00a0=\u00a0{bases[g]})" for g in groups])
    ax.set_ylim(len(groups) - 0.5, -0.8)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(pct)
    ax.set_xlabel(theme.label("share", lang))
    ax.grid(axis="y", visible=False)
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3)
    return ax


# --------------------------------------------------------------------------- drivers and IPA
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
    data = _frame(data, "driver_plot", [x, y])
    ax = _ax(ax)
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
    data = _frame(data, "ipa_plot", [x, y])
    data = data[_flags(data, flag) != "suppressed"].dropna(subset=[x, y]).reset_index(drop=True)
    label = _auto_label(data, label, "driver" if "driver" in data.columns else x)
    _frame(data, "ipa_plot", [label])
    ax = _ax(ax)
    xs, ys = data[x].astype(float).to_numpy(), data[y].astype(float).to_numpy()
    cut_x = f"{x}_cut" if f"{x}_cut" in data.columns else None
    cut_y = f"{y}_cut" if f"{y}_cut" in data.columns else None
    xm = float(xline if xline is not None else data[cut_x].iloc[0] if cut_x else np.mean(xs))
    ym = float(yline if yline is not None else data[cut_y].iloc[0] if cut_y else np.mean(ys))
    quad = np.where(xs >= xm, np.where(ys >= ym, "keep_up", "fix_first"),
                    np.where(ys >= ym, "possible_overkill", "low_priority"))
    low = (_flags(data, flag) == "low_base").to_numpy()
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


# --------------------------------------------------------------------------- personas and waves
def _significant(data: pd.DataFrame, sig, alpha: float, func: str = "persona_plot") -> pd.Series:
    """Boolean marks from a bool column (True = significant) or a p-value column (< alpha).

    ``sig="auto"`` takes ``significant``, else ``p_adjusted``, else ``p_value``, else none.
    """
    if sig == "auto":
        sig = next((c for c in ("significant", "p_adjusted", "p_value") if c in data.columns), None)
    elif sig is not None and sig not in data.columns:
        raise DataError(f"{func}: significance column is missing", column=sig)
    if sig is None:
        return pd.Series(False, index=data.index)
    col = data[sig]
    if pd.api.types.is_bool_dtype(col) or set(col.dropna().unique()) <= {True, False}:
        return col.map(lambda v: v is True or v is np.True_ or v == 1).astype(bool)
    return pd.to_numeric(col, errors="coerce").lt(alpha).fillna(False).astype(bool)


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
    data = _frame(data, "persona_plot", [x, y, value])
    ax = _ax(ax)
    cols, rows = _levels(data[x], order), _levels(data[y], y_order)
    dup = data.duplicated([x, y], keep=False)
    if dup.any():
        raise DataError(f"persona_plot: more than one row for {x}={data.loc[dup, x].iloc[0]!r}, "
                        f"{y}={data.loc[dup, y].iloc[0]!r}; filter to one question/metric per {y} first",
                        row=int(np.flatnonzero(dup.to_numpy())[0]) + 1)
    keep = (_flags(data, flag) != "suppressed").to_numpy()
    marks = _significant(data, sig, alpha) & keep
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
    data = _frame(data, "trend_plot", [x, y, hue, *(ci or ())])
    ax = _ax(ax)
    if order is None and f"{x}_order" in data.columns:  # as cjkit.stats.compare.wave_trend returns
        order = list(data.sort_values(f"{x}_order")[x].drop_duplicates())
    waves = (_levels(data[x], order) if order is not None or isinstance(data[x].dtype, pd.CategoricalDtype)
             else sorted(pd.unique(data[x].dropna())))
    hues = _levels(data[hue], hue_order) if hue else [None]
    names = theme.axis_labels(hue, hues, lang, model, data) if hue else {None: None}
    if show_values is None:
        show_values = len(hues) <= 2
    flags = _flags(data, flag)
    data = data.assign(_sig=_significant(data, sig, alpha, "trend_plot") & (flags != "suppressed"))
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


# --------------------------------------------------------------------------- pain points
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
    data = _frame(data, "painpoint_plot", [x, y])
    ax = _ax(ax)
    if "rank" in data.columns:  # only ranked pain points: other touchpoints keep a score but are no pain point
        data = data[data["rank"].notna()]
    order = "rank" if "rank" in data.columns else x
    frame = data[data[x].notna()].sort_values(order, ascending=order == "rank", kind="stable").head(top)
    names = frame[y].astype(str)
    if "phase_label" in frame.columns:
        names = names + " (" + frame["phase_label"].astype(str) + ")"
    pos = np.arange(len(frame))
    low = _flags(frame, "flag").isin(["low_base", "suppressed"]).to_numpy()
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


def set_alt_text(fig, text: str):
    """Attach an alt text to a figure (shown to screen readers and in the HTML report).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    text : str

    Returns
    -------
    matplotlib.figure.Figure
        *fig*, for chaining.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = set_alt_text(plt.figure(), "Two bars")
    >>> alt_text(fig)
    'Two bars'
    """
    fig._cjkit_alt_text = str(text)
    return fig


def alt_text(fig, *, lang="de") -> str:
    """The alt text of a figure: the one a chart set, else a description from its titles and axes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    lang : {"de", "en"}
        Language of the generic words.

    Returns
    -------
    str

    Examples
    --------
    >>> import cjkit as cj
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax.set_title("NPS"); ax.set_xlabel("Score");  # doctest: +ELLIPSIS
    Text(...)
    >>> cj.alt_text(fig, lang="en")
    'Chart: NPS; Score.'
    """
    theme.check_lang(lang)
    own = getattr(fig, "_cjkit_alt_text", None)
    if own:
        return own
    parts = []
    title = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
    if title:
        parts.append(title)
    for ax in fig.axes:
        texts = [ax.get_title(loc=loc) for loc in ("left", "center", "right")]
        parts += [t for t in texts if t]
        parts += [t for t in (ax.get_xlabel(), ax.get_ylabel()) if t]
        ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        if ticks and not any(c.isdigit() for c in "".join(ticks)):
            parts.append(", ".join(ticks[:12]))
    body = "; ".join(dict.fromkeys(p.strip() for p in parts if p.strip()))
    return f"{theme.label('alt_chart', lang)}: {body}." if body else theme.label("alt_chart", lang)
