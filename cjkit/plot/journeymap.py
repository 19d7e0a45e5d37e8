"""The customer-journey map as researchers draw it: phases across, lanes down.

:func:`journey_map` draws on one Axes, one column per phase of the journey model (chevrons
on top) and these lanes, top to bottom:

- **goals** of the persona per phase (when a persona is given and places its goals on
  phases; a list of goals spans the journey), or else the phase's **guiding question** from
  the journey model; the persona's **needs** in a second lane when it has any;
- **touchpoints**: each phase lists its own touchpoints, in journey order, as chips coloured
  by their satisfaction with the value printed (grey: suppressed, hatched: low base; a framed
  chip is a channel of the persona), so no space is spent on touchpoints a phase does not have;
- the **emotion curve** through every touchpoint in journey order (not flat phase means; the
  phase mean is the dashed step behind it), pain points marked on it with their rank;
- **pain points** of each phase with a short (already masked) quote;
- **opportunities**: the highest-impact improvements.

:func:`journey_map_figure` sizes the map for an A4 landscape page and adds colour bar and
legend; :func:`journey_comparison` (in :mod:`cjkit.plot.journeycompare`) sets the personas'
emotion curves side by side.

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

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.cm import ScalarMappable
from matplotlib.patches import FancyBboxPatch, Patch, Polygon, Rectangle

from cjkit.catalog import models, touchpoints
from cjkit.catalog.personas import Persona
from cjkit.errors import DataError
from cjkit.plot import layout, theme
from cjkit.plot.journeylanes import Lanes, prepare

log = logging.getLogger("cjkit.plot.journeymap")

FONT = 7.5           # lane text size in points: readable when printed on A4
CHIP, PITCH = 0.46, 0.54  # chip height and row pitch of the touchpoint lane (data units)


def _chevron(ax, j: int, y0: float, text: str, first: bool, color: str, width: int) -> None:
    y1, t = y0 + 0.62, 0.1
    x0, x1 = j + 0.01, j + 0.99
    pts = [(x0, y0), (x1 - t, y0), (x1, (y0 + y1) / 2), (x1 - t, y1), (x0, y1)]
    if not first:
        pts.append((x0 + t, (y0 + y1) / 2))
    ax.add_patch(Polygon(pts, closed=True, facecolor=color, edgecolor="none", gid=f"phase:{j}"))
    ax.text(j + 0.5 + (0 if first else t / 2), (y0 + y1) / 2, layout.fit(text, width, 2), ha="center",
            va="center", color="white", fontweight="bold", fontsize=FONT + 1.5, gid=f"phase_label:{j}")


def _texts_lane(ax, lane, per_phase: dict, phases, width: int, gid: str, spanning=()) -> None:
    """Text per phase column, or one text spanning the whole lane (a persona's list of goals)."""
    lines = max(1, int(lane.height / 0.2) - 1)
    if spanning:
        text = "  ·  ".join(spanning)
        ax.text(0.04, lane.top + lane.height / 2, layout.fit(text, width * len(phases), lines), ha="left",
                va="center", fontsize=FONT, color=theme.INK, gid=f"{gid}:all")
        return
    for j, p in enumerate(phases):
        text = per_phase.get(p, "")
        if text:
            ax.text(j + 0.05, lane.top + 0.08, layout.fit(text, width, lines), ha="left", va="top",
                    fontsize=FONT, color=theme.INK, style="italic" if gid == "question" else "normal",
                    gid=f"{gid}:{p}")


def _chip_columns(prep, width: int) -> int:
    """Two chips side by side in a phase with many touchpoints, when a label still fits beside its value."""
    longest = max(map(len, prep.by_phase.values()), default=0)
    return 2 if longest > 6 and width // 2 >= 20 else 1


def _touchpoint_lane(ax, lane, prep, labels, persona, lang, decimals, percent, width) -> dict:
    """Chips per phase; returns touchpoint -> x of its point on the emotion curve."""
    sub = _chip_columns(prep, width)
    chip_w = 0.9 / sub - (0.02 if sub > 1 else 0)
    width = width // sub
    cmap, norm = theme.SATISFACTION_CMAP, prep.norm
    channels = set(persona.channels) if persona is not None else set()
    xs = {}
    for j, p in enumerate(prep.phases):
        tps = prep.by_phase[p]
        for k, tp in enumerate(tps):
            c = prep.cells.loc[(tp, p)]
            xs[(tp, p)] = j + (k + 0.5) / len(tps)
            y = lane.top + 0.06 + (k // sub) * PITCH
            x0 = j + 0.05 + (k % sub) * (chip_w + 0.04)
            hidden = c["_flag"] == "suppressed" or pd.isna(c["_v"])
            face = theme.SUPPRESSED if hidden else cmap(norm(c["_v"]))
            low = c["_flag"] == "low_base"
            ax.add_patch(FancyBboxPatch((x0, y), chip_w, CHIP, boxstyle="round,pad=0,rounding_size=0.06",
                                        mutation_aspect=1 / 3, facecolor=face, hatch="////" if low else None,
                                        edgecolor=theme.current_theme().accent if tp in channels else (0, 0, 0, 0.2),
                                        linewidth=1.6 if tp in channels else (0.4 if low else 0),
                                        gid=f"cell:{tp}|{p}"))
            ink = theme.INK if hidden else theme.text_color(face)
            shown = "" if hidden else theme.fmt_number(c["_v"], lang, decimals=decimals, percent=percent)
            ax.text(x0 + 0.03, y + CHIP / 2, layout.fit(labels[tp], width - len(shown) - 2, 1), ha="left",
                    va="center", fontsize=FONT, color=ink, gid=f"tp_label:{tp}|{p}")
            if shown:
                ax.text(x0 + chip_w - 0.03, y + CHIP / 2, shown, ha="right", va="center", fontsize=FONT,
                        fontweight="bold", color=ink, gid=f"value:{tp}|{p}")
    return xs


def _curve_y(lane, v, norm) -> float:
    return lane.top + lane.height * (0.9 - 0.8 * float(np.clip(norm(v), 0, 1)))


def _emotion_lane(ax, lane, prep, xs, pain_ranks, lang, decimals, percent) -> None:
    norm = prep.emo_norm
    ax.plot([0, len(prep.phases)], [_curve_y(lane, norm.inverse(0.5), norm)] * 2, color="#C8C8C8", lw=0.8,
            ls="--", zorder=1)
    pts = [(xs[k], v, k) for k, v in prep.curve.items() if k in xs and pd.notna(v)]
    if not pts:
        return
    for j, p in enumerate(prep.phases):  # the phase mean as a dashed step behind the curve
        if pd.notna(prep.phase_mean.get(p, np.nan)):
            y = _curve_y(lane, prep.phase_mean[p], norm)
            ax.plot([j + 0.04, j + 0.96], [y, y], color=theme.MUTED, lw=1, ls=(0, (3, 2)), zorder=1.5,
                    gid=f"phase_mean:{p}")
    x = np.array([p[0] for p in pts])
    y = np.array([_curve_y(lane, p[1], norm) for p in pts])
    ax.plot(x, y, color=theme.INK, lw=1.8, zorder=2, gid="emotion_curve")
    ax.scatter(x, y, s=28, c=[theme.SATISFACTION_CMAP(norm(p[1])) for p in pts], edgecolors=theme.INK,
               linewidths=0.6, zorder=3)
    for j, p in enumerate(prep.phases):  # values at each phase's lowest and highest touchpoint
        mine = [(xx, yy, v, key) for (xx, v, key), yy in zip(pts, y) if key[1] == p]
        if not mine:
            continue
        for xx, yy, v, key in {min(mine, key=lambda m: m[2]), max(mine, key=lambda m: m[2])}:
            above = yy > lane.top + lane.height / 2
            ax.text(xx, yy + (-0.17 if above else 0.17), theme.fmt_number(v, lang, decimals=decimals,
                                                                            percent=percent),
                    ha="center", va="bottom" if above else "top", fontsize=FONT - 1, color=theme.INK, zorder=4,
                    gid=f"emotion:{key[0]}|{key[1]}")
    for (xx, v, key), yy in zip(pts, y):
        if key in pain_ranks:
            ax.plot([xx], [yy], marker="^", markersize=12, markerfacecolor=theme.WARN, markeredgecolor=theme.INK,
                    markeredgewidth=0.8, ls="", zorder=5, gid=f"pain:{key[0]}|{key[1]}")
            ax.annotate(str(pain_ranks[key]), (xx, yy), xytext=(0, -1.2), textcoords="offset points",
                        ha="center", va="center", fontsize=6.5, fontweight="bold", zorder=6,
                        gid=f"pain:{key[0]}|{key[1]}:rank")


def _list_lane(ax, lane, items: dict, phases, width, gid, lines_each) -> None:
    """Per phase a numbered list: (marker, heading, text) entries."""
    for j, p in enumerate(phases):
        y = lane.top + 0.08
        for k, (marker, head, text) in enumerate(items.get(p, [])):
            body = layout.fit(f"{marker} {head}", width, 1)
            if text:
                body += "\n" + layout.fit(text, width, lines_each - 1)
            ax.text(j + 0.05, y, body, ha="left", va="top", fontsize=FONT, color=theme.INK, linespacing=1.15,
                    gid=f"{gid}:{p}:{k}")
            y += 0.2 * (body.count("\n") + 1) + 0.12


def journey_map(data, *, model=None, persona=None, pain_points=None, opportunities=None, phase="phase",
                touchpoint="touchpoint", value="value", n="n", flag="flag", top=5, per_phase=2, emotion=None,
                scale=None, touchpoint_order=None, decimals=1, percent=False, lang="de", ax=None):
    """Draw a journey map on *ax*: phases across; goals or guiding questions, touchpoints, emotion, pains, opportunities.

    Parameters
    ----------
    data : DataFrame
        Metric table with phase, touchpoint, value[, n, flag] - one row per touchpoint and
        phase (e.g. :func:`cjkit.report.journey_map_data`). Rows without a touchpoint are
        phase-level values and give the phase mean.
    model : str, dict or JourneyModel, optional
        Journey model: column order, phase labels and guiding questions. Without it, the phase
        column's Categorical order (or first appearance) and the raw ids are used.
    persona : Persona, optional
        Drawn as lanes: its goals (and needs) per phase, its channels framed. Without one the
        guiding question of each phase is shown.
    pain_points : DataFrame, optional
        Pain-point table (phase, touchpoint, rank[, examples]); the *top* best-ranked are
        marked on the curve and listed with a short quote from ``examples``.
    opportunities : DataFrame, optional
        phase, touchpoint and ``impact`` - or ``importance`` and ``performance`` (impact =
        importance x the performance gap to the best touchpoint). Default: the pain points'
        ``driver_impact`` when the pain table has it. The highest-impact ones are listed.
    top : int
        Number of pain points shown.
    per_phase : int
        Pain points and opportunities listed per phase.
    emotion : None or False
        False: no emotion curve.
    scale : tuple, optional
        (min, max) of the score scale; colours are centred on its midpoint, otherwise on the
        mean of the shown values.
    touchpoint_order : list, optional
        Journey order of the touchpoints (e.g. the survey's question order); default the
        touchpoint catalog's order, then first appearance.
    decimals, percent : int, bool
        Number format of the values (``percent`` for shares such as top-2-box).
    lang : {"de", "en"}
    ax : Axes, optional

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
    >>> fig, ax = plt.subplots(figsize=(11.7, 6))
    >>> ax = cj.journey_map(t, model="accra", lang="de", ax=ax)
    >>> [a.get_text() for a in ax.texts if (a.get_gid() or "").startswith("phase_label")]
    ['Aufmerksamkeit', 'Erwägung', 'Kauf', 'Bindung', 'Empfehlung']
    """
    theme.check_lang(lang)
    if persona is not None and not isinstance(persona, Persona):
        raise DataError(f"journey_map: persona must be a Persona (cj.load_personas(...).get(...)); "
                        f"got {type(persona).__name__}")
    prep = prepare(data, model=model, phase=phase, touchpoint=touchpoint, value=value, n=n, flag=flag,
                   scale=scale, touchpoint_order=touchpoint_order)
    ax = plt.gca() if ax is None else ax
    phases = prep.phases
    named = data.rename(columns={phase: "phase", f"{phase}_label": "phase_label", touchpoint: "touchpoint",
                                 f"{touchpoint}_label": "touchpoint_label"})
    plabels = theme.axis_labels("phase", phases, lang, model, named)
    tps = sorted({tp for tp, _ in prep.cells.index})
    tlabels = theme.axis_labels("touchpoint", tps, lang, frame=named)
    col_pts = ax.get_position().width * ax.figure.get_figwidth() * 72 / max(len(phases), 1)
    width = layout.chars_across(col_pts * 0.9, FONT)
    pains, pain_ranks = prep.pain_items(pain_points, tlabels, top, per_phase, _keywords(tlabels, lang))
    opps = prep.opportunity_items(opportunities, pain_points, tlabels, per_phase)
    lanes = Lanes()
    lanes.add("header", None, 0.75)
    if persona is not None:
        goals = persona.phase_goals
        lanes.add("goals", theme.label("goals", lang), 0.95 if goals else 0.55)
        if persona.needs:
            lanes.add("needs", theme.label("needs", lang), 0.75 if persona.phase_needs else 0.5)
    else:
        lanes.add("question", theme.label("guiding_question", lang), 0.75)
    rows = -(-max(map(len, prep.by_phase.values()), default=1) // _chip_columns(prep, width))
    lanes.add("touchpoints", theme.label("touchpoints", lang), 0.12 + PITCH * max(rows, 1))
    if emotion is not False:
        lanes.add("emotion", theme.label("emotion_curve", lang), 1.9)
    if pains:
        lanes.add("pains", theme.label("pain_points", lang), 0.2 + per_phase * 0.78)
    if opps:
        lanes.add("opportunities", theme.label("opportunities", lang), 0.2 + per_phase * 0.34)
    primary = theme.current_theme().primary
    for j, p in enumerate(phases):
        _chevron(ax, j, lanes["header"].top + 0.05, plabels.get(p, p), j == 0, primary, width)
    for k, lane in enumerate(lanes.body()):
        ax.add_patch(Rectangle((0, lane.top), len(phases), lane.height, zorder=0, edgecolor="none",
                               facecolor="#F6F7F8" if k % 2 == 0 else "white", gid=f"lane:{lane.key}"))
    if "question" in lanes:
        questions = ({ph.id: getattr(ph, f"question_{lang}") for ph in models.get(model).phases}
                     if model is not None else {})
        _texts_lane(ax, lanes["question"], questions, phases, width, "question")
    if "goals" in lanes:
        _texts_lane(ax, lanes["goals"], persona.phase_goals, phases, width, "goals",
                    spanning=() if persona.phase_goals else persona.goals)
    if "needs" in lanes:
        _texts_lane(ax, lanes["needs"], persona.phase_needs, phases, width, "needs",
                    spanning=() if persona.phase_needs else persona.needs)
    xs = _touchpoint_lane(ax, lanes["touchpoints"], prep, tlabels, persona, lang, decimals, percent, width)
    if "emotion" in lanes:
        _emotion_lane(ax, lanes["emotion"], prep, xs, pain_ranks, lang, decimals, percent)
    if "pains" in lanes:
        _list_lane(ax, lanes["pains"], pains, phases, width, "pain_text", 4)
    if "opportunities" in lanes:
        _list_lane(ax, lanes["opportunities"], opps, phases, width, "opportunity", 1)
    for j in range(1, len(phases)):
        ax.plot([j, j], [lanes.body()[0].top, lanes.bottom], color="white", lw=2.5, zorder=0.5)
    ticks = [(lane.top + lane.height / 2, lane.label) for lane in lanes.body()]
    ax.set_yticks([t[0] for t in ticks], [t[1] for t in ticks], fontweight="bold", fontsize=FONT + 1)
    ax.set_xticks([])
    ax.set_xlim(0, len(phases) + 0.01)
    ax.set_ylim(lanes.bottom + 0.02, -0.02)
    ax.grid(False)
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.set_facecolor("white")
    if persona is not None:
        ax.set_title(f"{persona.name}" + (f" – {persona.description}" if persona.description else ""),
                     loc="left", fontsize=FONT + 2.5, fontweight="bold", color=primary)
    return ax


def _keywords(tlabels: dict, lang: str) -> dict:
    """Touchpoint -> words naming it (label and catalog aliases), to find the quote about it."""
    cat = touchpoints.load().set_index("id")
    out = {}
    for tp, lab in tlabels.items():
        words = [lab, *lab.split()]
        if tp in cat.index:
            words += [w for col in ("aliases_de", "aliases_en") for w in str(cat.at[tp, col]).split(";") if w]
        out[tp] = [w for w in words if len(w) > 3]
    return out


def journey_map_figure(data, *, model=None, persona=None, title=None, figsize=(11.69, 8.27), lang="de",
                       value_label=None, **kwargs):
    """Figure-level journey map for an A4 landscape page: :func:`journey_map`, colour bar and legend.

    Parameters
    ----------
    data : DataFrame
        Metric table, as for :func:`journey_map`.
    model : str, dict or JourneyModel, optional
    persona : Persona, optional
        One map per persona: pass each persona with its own respondents' table.
    title : str, optional
        Figure title.
    figsize : tuple
        Inches; default A4 landscape.
    lang : {"de", "en"}
    value_label : str, optional
        Colour-bar title; default "Zufriedenheit"/"Satisfaction".
    **kwargs
        Passed to :func:`journey_map` (pain_points, opportunities, scale, touchpoint_order, ...).

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
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    journey_map(data, model=model, persona=persona, lang=lang, ax=ax, **kwargs)
    prep = prepare(data, model=model, **{k: kwargs[k] for k in ("phase", "touchpoint", "value", "n", "flag",
                                                                 "scale", "touchpoint_order") if k in kwargs})
    bar = fig.colorbar(ScalarMappable(norm=prep.norm, cmap=theme.SATISFACTION_CMAP), ax=ax, location="bottom",
                       shrink=0.3, aspect=22, anchor=(0.0, 1.0), pad=0.01)
    bar.formatter = theme.number_formatter(lang, percent=kwargs.get("percent", False))
    bar.update_ticks()
    bar.outline.set_visible(False)
    bar.ax.tick_params(labelsize=FONT)
    bar.ax.set_title(value_label or theme.label("satisfaction", lang), fontsize=FONT + 0.5, loc="left",
                     fontweight="normal")
    flags = set(prep.cells["_flag"]) | ({"suppressed"} if prep.cells["_v"].isna().any() else set())
    handles = []  # explain only what the map shows
    if "suppressed" in flags:
        handles.append(Patch(facecolor=theme.SUPPRESSED, label=theme.label("suppressed", lang)))
    if "low_base" in flags:
        handles.append(Patch(facecolor="#D1E5F0", hatch="////", edgecolor=(0, 0, 0, 0.3),
                             label=theme.label("low_base", lang)))
    if persona is not None and set(persona.channels) & {tp for tp, _ in prep.cells.index}:
        handles.append(Patch(facecolor="white", edgecolor=theme.current_theme().accent, linewidth=1.6,
                             label=f"{theme.label('channels', lang)}: {persona.name}"))
    if kwargs.get("pain_points") is not None and len(kwargs["pain_points"]):
        handles.append(plt.Line2D([], [], marker="^", ls="", markersize=10, markerfacecolor=theme.WARN,
                                  markeredgecolor=theme.INK, label=theme.label("pain_point", lang)))
    if handles:
        fig.legend(handles=handles, loc="outside lower right", fontsize=FONT, ncols=2, frameon=False)
    if title:
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    return fig
