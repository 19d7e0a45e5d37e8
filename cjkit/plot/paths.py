"""Charts for journey paths: flow (Sankey) diagram, funnel chart, transition heat map, attribution bars.

Axes-level functions in the seaborn manner: tidy input from :mod:`cjkit.paths.journeys` and
:mod:`cjkit.paths.attribution`, ``ax=`` in, the Axes out. Colours, text colour, number format and
labels come from :mod:`cjkit.plot.theme` (the one theme of every cjkit chart), node names from the
catalogs (:func:`cjkit.paths.channels.node_labels`) in the chosen language (``lang="de"|"en"``).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MPath

from cjkit.catalog import i18n
from cjkit.errors import DataError
from cjkit.paths.channels import node_labels
from cjkit.plot import theme

# Outcome and filler nodes keep one colour in every chart, so "converted" always looks the same.
FIXED = {"(conversion)": theme.PALETTE[2], "(null)": theme.NPS_COLORS["passive"],
         "(unmapped)": theme.SUPPRESSED, "(more)": theme.SUPPRESSED}


def _check(frame: pd.DataFrame, cols, name: str) -> None:
    missing = [c for c in cols if c not in frame]
    if missing:
        raise DataError(f"{name} needs column(s) {', '.join(missing)}; got {', '.join(map(str, frame.columns))}")


def _word(key: str, lang: str) -> str:
    return i18n.label(key, lang)  # also checks lang


def _colors(names) -> dict:
    out, i = {}, 0
    for n in names:
        if n in FIXED:
            out[n] = FIXED[n]
        elif n not in out:
            out[n] = theme.PALETTE[i % len(theme.PALETTE)]
            i += 1
    return out


def flow_plot(data: pd.DataFrame, *, lang: str = "de", model="accra", labels: dict | None = None,
              gap: float = 0.02, min_label_share: float = 0.03, ax=None):
    """Sankey/flow diagram of journeys between step positions (from :func:`cjkit.paths.journeys.flows`).

    Each column is a step; node height is proportional to weighted journeys; ribbons show
    how journeys move on to the next node or end in ``(conversion)`` / ``(null)``.

    Parameters
    ----------
    data : DataFrame
        step, source, target, n (:func:`cjkit.paths.flows`).
    lang : {"de", "en"}
        Label language.
    model : str or dict, optional
        Journey model naming phase nodes.
    labels : dict, optional
        Own node labels (node -> text), overriding the catalogs.
    gap : float
        Vertical gap between nodes (share of the height).
    min_label_share : float
        Nodes smaller than this share of the height get no label.
    ax : matplotlib Axes, optional
        Where to draw; a new figure otherwise.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.journeys import flows
    >>> from cjkit.plot.paths import flow_plot
    >>> t = pd.DataFrame({"path": ["a > b", "a"], "conversions": [1.0, 0.0], "nulls": [1.0, 1.0]})
    >>> ax = flow_plot(flows(t, node="channel"), lang="en")
    >>> [tick.get_text() for tick in ax.get_xticklabels()]
    ['Step 1', 'Step 2', 'Step 3']
    """
    _check(data, ["step", "source", "target", "n"], "flow_plot")
    step_word = _word("step", lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 6))
    if data.empty:
        ax.set_axis_off()
        return ax
    f = data.copy()
    f["tstep"] = f["step"] + 1
    names = pd.unique(pd.concat([f["source"], f["target"]]).astype(str))
    col = _colors(names)
    labels = {**node_labels(names, lang=lang, model=model), **(labels or {})}
    out_n = f.groupby(["step", "source"])["n"].sum()
    in_n = f.groupby(["tstep", "target"])["n"].sum()
    size = pd.concat([out_n.rename_axis(["col", "node"]), in_n.rename_axis(["col", "node"])], axis=1).fillna(0).max(axis=1)
    total = size.groupby(level=0).sum().max()
    pos = {}
    for c, grp in size.groupby(level=0):
        # outcome nodes at the bottom keep the picture readable
        order = sorted(grp.index.get_level_values(1), key=lambda n: (n in ("(conversion)", "(null)"), -grp[(c, n)]))
        y = 1.0
        for n in order:
            h = grp[(c, n)] / total * (1 - gap * max(len(order) - 1, 0))
            pos[(c, n)] = [y - h, y, y]  # bottom, top, running offset for ribbons (out), reused for in
            y -= h + gap
    width = 0.12
    in_off = {k: v[1] for k, v in pos.items()}
    for _, r in f.sort_values(["step", "n"], ascending=[True, False]).iterrows():
        s, tg = pos[(r["step"], r["source"])], pos[(r["tstep"], r["target"])]
        h = (s[1] - s[0]) * r["n"] / max(size[(r["step"], r["source"])], 1e-12)
        y0_top, y0_bot = s[2], s[2] - h
        s[2] -= h
        h1 = (tg[1] - tg[0]) * r["n"] / max(size[(r["tstep"], r["target"])], 1e-12)
        y1_top = in_off[(r["tstep"], r["target"])]
        y1_bot = y1_top - h1
        in_off[(r["tstep"], r["target"])] -= h1
        x0, x1 = r["step"] + width / 2, r["tstep"] - width / 2
        xm = (x0 + x1) / 2
        verts = [(x0, y0_top), (xm, y0_top), (xm, y1_top), (x1, y1_top), (x1, y1_bot), (xm, y1_bot),
                 (xm, y0_bot), (x0, y0_bot), (x0, y0_top)]
        codes = [MPath.MOVETO, MPath.CURVE4, MPath.CURVE4, MPath.CURVE4, MPath.LINETO,
                 MPath.CURVE4, MPath.CURVE4, MPath.CURVE4, MPath.CLOSEPOLY]
        ax.add_patch(PathPatch(MPath(verts, codes), facecolor=col[r["source"]], edgecolor="none", alpha=0.35))
    for (c, n), (b, top, _) in pos.items():
        ax.add_patch(Rectangle((c - width / 2, b), width, top - b, facecolor=col[n], edgecolor="white", lw=0.5))
        if (top - b) >= min_label_share:
            ax.text(c + width / 2 + 0.03, (b + top) / 2, labels.get(n, n), va="center", ha="left", fontsize=8,
                    color=theme.INK)
    steps = sorted(size.index.get_level_values(0).unique())
    ax.set_xlim(min(steps) - 0.3, max(steps) + 0.9)
    ax.set_ylim(min(v[0] for v in pos.values()) - 0.02, 1.02)
    ax.set_xticks(steps, [f"{step_word} {s}" for s in steps])
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    return ax


def funnel_plot(data: pd.DataFrame, *, lang: str = "de", model="accra", labels: dict | None = None,
                color: str = theme.PALETTE[0], ax=None):
    """Funnel chart of :func:`cjkit.paths.journeys.funnel`: centred bars per stage with journeys and share.

    Parameters
    ----------
    data : DataFrame
        stage, n_journeys, share_of_start (:func:`cjkit.paths.funnel`).
    lang : {"de", "en"}
        Label language (also of the numbers: ``1.234 (56,7 %)`` in German).
    model : str or dict, optional
        Journey model naming the phases.
    labels : dict, optional
        Own stage labels, overriding the catalogs.
    color : str
        Bar colour (the conversion bar keeps the conversion colour).
    ax : matplotlib Axes, optional
        Where to draw; a new figure otherwise.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.journeys import funnel
    >>> from cjkit.plot.paths import funnel_plot
    >>> t = pd.DataFrame({"path": ["a > b", "a"], "conversions": [1.0, 0.0], "nulls": [0.0, 1.0]})
    >>> ax = funnel_plot(funnel(t, stage="step"), lang="en")
    >>> [txt.get_text() for txt in ax.texts]
    ['2 (100.0%)', '2 (100.0%)', '1 (50.0%)', '1 (50.0%)']
    """
    _check(data, ["stage", "n_journeys", "share_of_start"], "funnel_plot")
    step_word = _word("step", lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.6 * len(data) + 1))
    labels = {**node_labels(data["stage"], lang=lang, model=model), **(labels or {})}
    y = np.arange(len(data))[::-1]
    n = data["n_journeys"].to_numpy(dtype=float)
    widths = n / n.max() if n.max() > 0 else n
    colors = [FIXED["(conversion)"] if s == "(conversion)" else color for s in data["stage"]]
    ax.barh(y, widths, left=(1 - widths) / 2, color=colors, height=0.75)
    for yi, w, nn, sh in zip(y, widths, n, data["share_of_start"]):
        ax.text(0.5, yi, f"{theme.fmt_number(nn, lang, decimals=0)} "
                f"({theme.fmt_number(sh, lang, percent=True, decimals=1)})",
                ha="center", va="center", fontsize=9, color="white" if w > 0.35 else theme.INK)
    ax.set_yticks(y, [f"{step_word} {s}" if str(s).isdigit() else labels.get(s, s) for s in data["stage"]])
    ax.set_xticks([])
    ax.set_xlim(0, 1)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    return ax


def transition_plot(data: pd.DataFrame, *, value: str = "probability", lang: str = "de", model="accra",
                    labels: dict | None = None, annotate: bool = True, cmap: str = "Blues", ax=None):
    """Heat map of a transition table (:func:`cjkit.paths.journeys.transitions` or
    :func:`cjkit.paths.attribution.markov_transitions`): rows *from*, columns *to*.

    Parameters
    ----------
    data : DataFrame
        source, target and the *value* column.
    value : str
        Column shown: ``probability`` (share of the row's transitions) or ``n``.
    lang : {"de", "en"}
        Label language (also of the numbers).
    model : str or dict, optional
        Journey model naming phase nodes.
    labels : dict, optional
        Own node labels, overriding the catalogs.
    annotate : bool
        Write the values into the cells (up to 400 cells).
    cmap : str
        Matplotlib colormap.
    ax : matplotlib Axes, optional
        Where to draw; a new figure otherwise.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.journeys import transitions
    >>> from cjkit.plot.paths import transition_plot
    >>> t = pd.DataFrame({"path": ["a > b", "b > a"], "conversions": [1.0, 0.0], "nulls": [0.0, 1.0]})
    >>> ax = transition_plot(transitions(t), lang="de")
    >>> ax.get_xlabel(), [txt.get_text() for txt in ax.texts][:3]
    ('nach', ['0,50', '0,50', '0,50'])
    """
    _check(data, ["source", "target", value], "transition_plot")
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 7))
    m = data.pivot_table(index="source", columns="target", values=value, aggfunc="sum", fill_value=0.0)
    first = [x for x in ("(start)",) if x in m.index]
    last = [x for x in ("(conversion)", "(null)") if x in m.columns]
    rows = first + sorted(r for r in m.index if r not in first)
    cols = sorted(c for c in m.columns if c not in last) + last
    m = m.reindex(index=rows, columns=cols, fill_value=0.0)
    labels = {**node_labels(list(rows) + list(cols), lang=lang, model=model), **(labels or {})}
    im = ax.imshow(m.to_numpy(dtype=float), cmap=cmap, aspect="auto")
    ax.set_xticks(range(len(cols)), [labels.get(c, c) for c in cols], rotation=45, ha="right")
    ax.set_yticks(range(len(rows)), [labels.get(r, r) for r in rows])
    ax.set_xlabel(_word("to", lang))
    ax.set_ylabel(_word("from", lang))
    if annotate and m.size <= 400:
        vmax = m.to_numpy().max() or 1
        for i in range(len(rows)):
            for j in range(len(cols)):
                v = m.iat[i, j]
                if v:
                    txt = theme.fmt_number(v, lang, decimals=2 if value == "probability" else 0)
                    ax.text(j, i, txt, ha="center", va="center", fontsize=7,
                            color="white" if v > 0.6 * vmax else theme.INK)
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04,
                       label=theme.label("share", lang) if value == "probability" else value)
    return ax


def attribution_plot(data: pd.DataFrame, *, value: str = "conversions", lang: str = "de", model="accra",
                     labels: dict | None = None, top: int = 12, ax=None):
    """Grouped bars comparing attribution approaches per channel
    (:func:`cjkit.paths.attribution.attribution_table`), with confidence intervals as error bars.

    Parameters
    ----------
    data : DataFrame
        approach, channel and the *value* column; ci_low/ci_high (e.g. from ``n_boot=``) draw
        error bars on the conversions of the approaches that have them.
    value : str
        ``conversions``, ``value`` or ``share``.
    lang : {"de", "en"}
        Label language.
    model : str or dict, optional
        Journey model naming phase nodes.
    labels : dict, optional
        Own channel labels, overriding the catalogs.
    top : int
        Channels shown (largest first).
    ax : matplotlib Axes, optional
        Where to draw; a new figure otherwise.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.attribution import attribution_table
    >>> from cjkit.plot.paths import attribution_plot
    >>> t = pd.DataFrame({"path": ["a > b", "b"], "conversions": [1.0, 1.0]})
    >>> ax = attribution_plot(attribution_table(t, rules=["first_touch", "linear"]), lang="en")
    >>> [txt.get_text() for txt in ax.get_legend().get_texts()]
    ['First touch', 'Linear', 'Markov (order 1)']
    >>> tab = attribution_table(t, rules=["last_touch"], shapley=True, n_boot=20)
    >>> [txt.get_text() for txt in attribution_plot(tab, lang="de").get_legend().get_texts()]
    ['Letzter Kontakt', 'Markov (Ordnung 1)', 'Shapley']
    """
    _check(data, ["approach", "channel", value], "attribution_plot")
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 5))
    wide = data.pivot_table(index="channel", columns="approach", values=value, aggfunc="sum", sort=False)
    wide = wide.loc[wide.abs().max(axis=1).sort_values(ascending=False).index[:top]]
    approaches = list(pd.unique(data["approach"]))
    labels = {**node_labels(wide.index, lang=lang, model=model), **(labels or {})}
    width = 0.8 / max(len(approaches), 1)
    x = np.arange(len(wide))
    # bootstrap intervals (ci_low/ci_high of attributed conversions) become error bars
    ci = {}
    if value == "conversions" and {"ci_low", "ci_high"} <= set(data.columns):
        for m, g in data.dropna(subset=["ci_low", "ci_high"]).groupby("approach", sort=False):
            g = g.set_index("channel").reindex(wide.index)
            ci[m] = np.vstack([wide[m].to_numpy() - g["ci_low"].to_numpy(), g["ci_high"].to_numpy() - wide[m].to_numpy()])
    for i, m in enumerate(approaches):
        name = _word(m, lang) if m in i18n.LABELS else m.replace("_", " ").capitalize()
        if m.startswith("markov_order_"):
            name = f"Markov ({_word('order', lang)} {m.rsplit('_', 1)[1]})"
        err = ci.get(m)
        ax.bar(x + (i - (len(approaches) - 1) / 2) * width, wide[m].to_numpy(), width, label=name,
               color=theme.PALETTE[i % len(theme.PALETTE)],
               yerr=None if err is None else np.clip(np.nan_to_num(err), 0, None),
               error_kw={"elinewidth": 0.8, "capsize": 2, "ecolor": theme.INK})
    ax.set_xticks(x, [labels.get(c, c) for c in wide.index], rotation=45, ha="right")
    ax.legend(frameon=False, fontsize=8, ncols=2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax
