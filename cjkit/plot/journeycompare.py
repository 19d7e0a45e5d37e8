"""Personas compared along the journey: one emotion curve per persona over the touchpoints.

Examples
--------
>>> import cjkit as cj
>>> import matplotlib.pyplot as plt
>>> import pandas as pd
>>> t = pd.DataFrame({"persona": ["A", "A", "B", "B"], "phase": ["awareness", "retention"] * 2,
...                   "touchpoint": ["advertising", "hotline"] * 2, "value": [70.0, 50.0, 60.0, 75.0]})
>>> fig, ax = plt.subplots(figsize=(9, 4))
>>> ax = cj.journey_comparison(t, model="accra", lang="en", ax=ax)
>>> [line.get_label() for line in ax.get_lines() if line.get_gid()]
['A', 'B']
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from cjkit.catalog.personas import load_personas
from cjkit.errors import DataError
from cjkit.plot import theme
from cjkit.plot.journeylanes import prepare


def journey_comparison(data, *, segment="persona", personas=None, model=None, phase="phase",
                       touchpoint="touchpoint", value="value", flag="flag", touchpoint_order=None, scale=None,
                       decimals=1, percent=False, lang="de", ax=None):
    """Draw the emotion curves of several personas (or segments) over the touchpoints in journey order.

    Parameters
    ----------
    data : DataFrame
        Metric table with *segment*, phase, touchpoint, value[, flag]: one row per segment,
        phase and touchpoint (suppressed cells are left out of the curves).
    segment : str
        Column naming the persona or segment of each row.
    personas : str, Path, dict or Personas, optional
        Persona file: the segment values are shown by their persona names.
    model : str, dict or JourneyModel, optional
        Journey model: phase order and labels.
    touchpoint_order : list, optional
        Journey order of the touchpoints; default the touchpoint catalog's order.
    scale : tuple, optional
        (min, max) of the y axis; default the values' range.
    decimals, percent : int, bool
        Number format of the y axis.
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
    >>> t = pd.DataFrame({"persona": ["A", "B"], "phase": "retention", "touchpoint": "wifi", "value": [50.0, 30.0]})
    >>> fig, ax = plt.subplots()
    >>> [line.get_label() for line in cj.journey_comparison(t, model="accra", ax=ax).get_lines()]
    ['A', 'B']
    """
    theme.check_lang(lang)
    if segment not in data.columns:
        raise DataError(f"journey_comparison: column is missing; the frame has {list(data.columns)}", column=segment)
    ax = plt.gca() if ax is None else ax
    # the x axis: every touchpoint any persona has, phases in model order, touchpoints in journey order
    whole = prepare(data.drop_duplicates([phase, touchpoint]), model=model, phase=phase, touchpoint=touchpoint,
                    value=value, flag=flag, touchpoint_order=touchpoint_order)
    keys = [(tp, p) for p in whole.phases for tp in whole.by_phase[p]]
    pos = {k: i for i, k in enumerate(keys)}
    names = {}
    if personas is not None:
        names = {p.segment: p.name for p in load_personas(personas)}
    palette = list(theme.current_theme().palette)
    groups = [g for g in pd.unique(data[segment].dropna())]
    for i, g in enumerate(groups):
        part = data[data[segment] == g]
        prep = prepare(part, model=model, phase=phase, touchpoint=touchpoint, value=value, flag=flag,
                       touchpoint_order=touchpoint_order)
        pts = sorted((pos[k], v) for k, v in prep.curve.items() if k in pos)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", ms=4, lw=1.8, color=palette[i % len(palette)],
                label=names.get(g, str(g)), gid=f"persona:{g}", zorder=3)
    start = 0
    plabels = theme.axis_labels("phase", whole.phases, lang, model)
    for j, p in enumerate(whole.phases):
        n = len(whole.by_phase[p])
        if n:
            if j % 2 == 0:
                ax.axvspan(start - 0.5, start + n - 0.5, color="#F2F3F5", zorder=0, lw=0)
            ax.text(start + n / 2 - 0.5, 1.01, plabels.get(p, p), transform=ax.get_xaxis_transform(), ha="center",
                    va="bottom", fontsize="small", fontweight="bold", color=theme.current_theme().primary)
        start += n
    tlabels = theme.axis_labels("touchpoint", sorted({k[0] for k in keys}), lang, frame=data.rename(
        columns={touchpoint: "touchpoint", f"{touchpoint}_label": "touchpoint_label"}))
    ax.set_xticks(np.arange(len(keys)), [tlabels[k[0]] for k in keys], rotation=45, ha="right", fontsize="small")
    ax.set_xlim(-0.5, len(keys) - 0.5)
    if scale is not None:
        ax.set_ylim(*scale)
    ax.yaxis.set_major_formatter(theme.number_formatter(lang, decimals=None if not percent else 0, percent=percent))
    ax.set_ylabel(theme.label("satisfaction", lang))
    ax.grid(axis="x", visible=False)
    ax.legend(title=theme.label("persona", lang), loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
    return ax
