"""The Net Promoter Score: detractors, passives and promoters from raw answers, as a table and a chart.
"""
from __future__ import annotations

import logging

from matplotlib.patches import Patch
import numpy as np
import pandas as pd

from cjkit.errors import DataError
from cjkit.plot import theme
from cjkit.plot.charts.base import as_frame, current_axes, level_order
from cjkit.stats import metrics as stats_metrics

log = logging.getLogger("cjkit.plot.charts")


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
    data = as_frame(data, "nps_table", [x, hue, weight])
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
    ax = current_axes(ax)
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
    groups = level_order(data[hue], order)
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
