"""Charts for journey paths: Sankey/flow diagram, funnel chart, transition heat map.

Axes-level functions in the seaborn manner: tidy input from :mod:`cjkit.paths.journeys`, ``ax=`` in,
the Axes out, labels from the catalogs in the chosen language (``lang="de"|"en"``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MPath

from cjkit.catalog import i18n
from cjkit.paths.channels import node_labels
from cjkit.errors import DataError

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#7F7F7F",
           "#8C564B", "#17BECF", "#BCBD22", "#9467BD"]
FIXED = {"(conversion)": "#009E73", "(null)": "#B8B8B8", "(unmapped)": "#DDDDDD", "(more)": "#CCCCCC"}


def _check(frame: pd.DataFrame, cols, name: str) -> None:
    missing = [c for c in cols if c not in frame]
    if missing:
        raise DataError(f"{name} needs column(s) {', '.join(missing)}; got {', '.join(map(str, frame.columns))}")


def _lang(lang: str) -> dict:
    # the words live in the one label catalog; "share" is lower case inside a sentence here
    return {**i18n.labels(["journeys", "step", "from", "to"], lang), "share": i18n.label("share_lower", lang)}


def _fmt(x: float, lang: str, percent: bool = False) -> str:
    """Thousands separators and decimal comma as readers of each language expect."""
    text = f"{x * 100:,.1f} %" if percent else f"{x:,.0f}"
    return text.replace(",", "\u2009" if lang == "de" else ",").replace(".", "," if lang == "de" else ".")


def _colors(names) -> dict:
    out, i = {}, 0
    for n in names:
        if n in FIXED:
            out[n] = FIXED[n]
        elif n not in out:
            out[n] = PALETTE[i % len(PALETTE)]
            i += 1
    return out


def plot_flow(data: pd.DataFrame, *, ax=None, lang: str = "de", model="accra", labels: dict | None = None,
              gap: float = 0.02, min_label_share: float = 0.03):
    """Sankey/flow diagram of journeys between step positions (from :func:`cjkit.paths.journeys.flows`).

    Each column is a step; node height is proportional to weighted journeys; ribbons show
    how journeys move on to the next node or end in ``(conversion)`` / ``(null)``.

    Examples
    --------
    >>> from cjkit import paths
    >>> t = pd.DataFrame({"path": ["a > b", "a"], "conversions": [1.0, 0.0], "nulls": [1.0, 1.0]})
    >>> ax = plot_flow(paths.flows(t, node="channel"), lang="en")
    """
    _check(data, ["step", "source", "target", "n"], "plot_flow")
    t = _lang(lang)
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
            ax.text(c + width / 2 + 0.03, (b + top) / 2, labels.get(n, n), va="center", ha="left", fontsize=8)
    steps = sorted(size.index.get_level_values(0).unique())
    ax.set_xlim(min(steps) - 0.3, max(steps) + 0.9)
    ax.set_ylim(min(v[0] for v in pos.values()) - 0.02, 1.02)
    ax.set_xticks(steps, [f"{t['step']} {s}" for s in steps])
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    return ax


def plot_funnel(data: pd.DataFrame, *, ax=None, lang: str = "de", model="accra", labels: dict | None = None,
                color: str = "#0072B2"):
    """Funnel chart of :func:`cjkit.paths.journeys.funnel`: centred bars per stage with journeys and share.

    Examples
    --------
    >>> from cjkit import paths
    >>> t = pd.DataFrame({"path": ["a > b", "a"], "conversions": [1.0, 0.0], "nulls": [0.0, 1.0]})
    >>> ax = plot_funnel(paths.funnel(t, stage="step"), lang="en")
    """
    _check(data, ["stage", "n_journeys", "share_of_start"], "plot_funnel")
    _lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.6 * len(data) + 1))
    labels = {**node_labels(data["stage"], lang=lang, model=model), **(labels or {})}
    y = np.arange(len(data))[::-1]
    n = data["n_journeys"].to_numpy(dtype=float)
    widths = n / n.max() if n.max() > 0 else n
    colors = [FIXED["(conversion)"] if s == "(conversion)" else color for s in data["stage"]]
    ax.barh(y, widths, left=(1 - widths) / 2, color=colors, height=0.75)
    for yi, w, nn, sh in zip(y, widths, n, data["share_of_start"]):
        ax.text(0.5, yi, f"{_fmt(nn, lang)} ({_fmt(sh, lang, percent=True)})",
                ha="center", va="center", fontsize=9, color="white" if w > 0.35 else "black")
    t = _lang(lang)
    ax.set_yticks(y, [f"{t['step']} {s}" if str(s).isdigit() else labels.get(s, s) for s in data["stage"]])
    ax.set_xticks([])
    ax.set_xlim(0, 1)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    return ax


def plot_transition_heatmap(data: pd.DataFrame, *, ax=None, value: str = "probability", lang: str = "de",
                            model="accra", labels: dict | None = None, annotate: bool = True, cmap: str = "Blues"):
    """Heat map of a transition table (:func:`cjkit.paths.journeys.transition_matrix` or
    :func:`cjkit.paths.attribution.transition_probabilities`): rows *from*, columns *to*.

    Examples
    --------
    >>> from cjkit import paths
    >>> t = pd.DataFrame({"path": ["a > b", "b > a"], "conversions": [1.0, 0.0], "nulls": [0.0, 1.0]})
    >>> ax = plot_transition_heatmap(paths.transition_matrix(t), lang="en")
    """
    _check(data, ["source", "target", value], "plot_transition_heatmap")
    t = _lang(lang)
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
    ax.set_xlabel(t["to"])
    ax.set_ylabel(t["from"])
    if annotate and m.size <= 400:
        vmax = m.to_numpy().max() or 1
        for i in range(len(rows)):
            for j in range(len(cols)):
                v = m.iat[i, j]
                if v:
                    txt = f"{v:.2f}" if value == "probability" else f"{v:,.0f}"
                    ax.text(j, i, txt, ha="center", va="center", fontsize=7,
                            color="white" if v > 0.6 * vmax else "black")
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label=t["share"] if value == "probability" else value)
    return ax


_MODEL_LABELS = {"first_touch": ("Erster Kontakt", "First touch"), "last_touch": ("Letzter Kontakt", "Last touch"),
                 "linear": ("Linear", "Linear"), "time_decay": ("Zeitverfall", "Time decay"),
                 "position_based": ("Positionsbasiert", "Position-based")}


def plot_attribution(data: pd.DataFrame, *, ax=None, value: str = "conversions", lang: str = "de", model="accra",
                     labels: dict | None = None, top: int = 12):
    """Grouped bars comparing attribution models per channel (:func:`cjkit.paths.attribution.attribution_table`).

    Examples
    --------
    >>> from cjkit import attribution
    >>> t = pd.DataFrame({"path": ["a > b", "b"], "conversions": [1.0, 1.0]})
    >>> ax = plot_attribution(attribution.attribution_table(t), lang="en")
    """
    _check(data, ["model", "channel", value], "plot_attribution")
    _lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 5))
    wide = data.pivot_table(index="channel", columns="model", values=value, aggfunc="sum", sort=False)
    wide = wide.loc[wide.abs().max(axis=1).sort_values(ascending=False).index[:top]]
    models = list(pd.unique(data["model"]))
    labels = {**node_labels(wide.index, lang=lang, model=model), **(labels or {})}
    width = 0.8 / max(len(models), 1)
    x = np.arange(len(wide))
    for i, m in enumerate(models):
        name = _MODEL_LABELS.get(m, (None, None))[0 if lang == "de" else 1] or m.replace("_", " ").capitalize()
        if m.startswith("markov_order_"):
            name = f"Markov ({'Ordnung' if lang == 'de' else 'order'} {m.rsplit('_', 1)[1]})"
        ax.bar(x + (i - (len(models) - 1) / 2) * width, wide[m].to_numpy(), width, label=name,
               color=PALETTE[i % len(PALETTE)])
    ax.set_xticks(x, [labels.get(c, c) for c in wide.index], rotation=45, ha="right")
    ax.legend(frameon=False, fontsize=8, ncols=2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax
