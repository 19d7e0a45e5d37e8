"""Charts of the persona and value step: persona selection, recommendations, repurchase, value at stake.

Axes-level like the other charts: the tidy table of the statistics step first, ``ax=`` in, the
Axes out, fixed words from the label catalog in ``lang``.

Examples
--------
>>> import pandas as pd
>>> import cjkit as cj
>>> sel = pd.DataFrame({"k": [2, 3, 4], "silhouette": [0.3, 0.4, 0.35], "stability_ari": [1.0, 0.95, 0.7],
...                     "stable": [True, True, False], "chosen": [False, True, False]})
>>> ax = cj.persona_selection_plot(sel, lang="en")
>>> ax.get_xlabel()
'Number of personas'
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from cjkit.catalog import i18n
from cjkit.errors import DataError, ParameterError
from cjkit.plot import theme


def _frame(data, func: str, required) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise ParameterError("data", type(data).__name__, allowed="a pandas DataFrame")
    missing = [c for c in required if c not in data.columns]
    if missing:
        raise DataError(f"{func}: column is missing; the frame has {list(data.columns)}", column=missing[0])
    return data.reset_index(drop=True)


def persona_selection_plot(data, *, lang="de", ax=None):
    """Silhouette and seed stability per number of personas, the chosen number marked.

    Parameters
    ----------
    data : DataFrame
        ``PersonaProposals.selection``: k, silhouette, stability_ari, chosen.
    lang : {"de", "en"}
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> sel = pd.DataFrame({"k": [2, 3], "silhouette": [0.3, 0.4], "stability_ari": [1.0, 0.9],
    ...                     "chosen": [False, True]})
    >>> fig, ax = plt.subplots()
    >>> len(persona_selection_plot(sel, ax=ax).lines)
    3
    """
    theme.check_lang(lang)
    data = _frame(data, "persona_selection_plot", ["k", "silhouette", "stability_ari", "chosen"])
    ax = ax or plt.gca()
    ax.plot(data["k"], data["silhouette"], marker="o", color=theme.PALETTE[0],
            label=theme.label("persona_silhouette", lang))
    ax.plot(data["k"], data["stability_ari"], marker="s", color=theme.PALETTE[1],
            label=theme.label("persona_stability", lang))
    chosen = data[data["chosen"]]
    ax.axvline(float(chosen["k"].iloc[0]) if len(chosen) else np.nan, color=theme.MUTED, linestyle="--")
    ax.set_xticks(data["k"])
    ax.set_xlabel(theme.label("persona_k_axis", lang))
    ax.set_ylim(min(0.0, float(data["silhouette"].min())), 1.05)
    ax.legend(frameon=False, loc="lower left")
    return ax


def recommendation_plot(data, *, segment=None, lang="de", ax=None):
    """Expected gain per touchpoint with its bootstrap interval, largest first.

    Parameters
    ----------
    data : DataFrame
        ``cj.recommendations`` table: segment, driver, expected_gain, ci_low, ci_high.
    segment : str, optional
        The persona to show (default: the first in the table).
    lang : {"de", "en"}
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> rec = pd.DataFrame({"segment": "all", "driver": ["tp_wifi", "tp_room"], "expected_gain": [0.3, 0.1],
    ...                     "ci_low": [0.2, 0.0], "ci_high": [0.4, 0.2]})
    >>> fig, ax = plt.subplots()
    >>> [t.get_text() for t in recommendation_plot(rec, lang="en", ax=ax).get_yticklabels()]
    ['tp_wifi', 'tp_room']
    """
    theme.check_lang(lang)
    data = _frame(data, "recommendation_plot", ["segment", "driver", "expected_gain", "ci_low", "ci_high"])
    seg = data["segment"].iloc[0] if segment is None else segment
    frame = data[data["segment"] == seg].sort_values("expected_gain", ascending=False)
    if frame.empty:
        raise ParameterError("segment", segment, allowed=sorted(data["segment"].unique()))
    ax = ax or plt.gca()
    pos = np.arange(len(frame))
    gain = frame["expected_gain"].to_numpy()
    err = np.vstack([gain - frame["ci_low"].to_numpy(), frame["ci_high"].to_numpy() - gain]).clip(min=0)
    ax.barh(pos, gain, xerr=err, color=theme.PALETTE[0], height=0.6, ecolor=theme.INK, capsize=3)
    names = frame["driver_label"] if "driver_label" in frame.columns else frame["driver"]
    ax.set_yticks(pos, list(names))
    ax.set_ylim(len(frame) - 0.5, -0.5)
    ax.set_xlabel(theme.label("expected_gain_axis", lang))
    ax.set_title(str(seg), loc="left")
    return ax


def survival_plot(data, *, lang="de", xlabel="time_weeks", ax=None):
    """Kaplan-Meier step curves with their confidence bands, one colour per group.

    Parameters
    ----------
    data : DataFrame
        ``cj.survival_curves`` table: group, time, survival, ci_low, ci_high.
    lang : {"de", "en"}
    xlabel : str
        Catalog key (or text) of the time axis.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> km = pd.DataFrame({"group": "all", "time": [0, 2, 5], "survival": [1, 0.8, 0.5],
    ...                    "ci_low": [1, 0.6, 0.3], "ci_high": [1, 0.9, 0.7]})
    >>> fig, ax = plt.subplots()
    >>> len(survival_plot(km, ax=ax).lines)
    1
    """
    theme.check_lang(lang)
    data = _frame(data, "survival_plot", ["group", "time", "survival", "ci_low", "ci_high"])
    ax = ax or plt.gca()
    colours = {**theme.NPS_COLORS}
    for i, (name, g) in enumerate(data.groupby("group", sort=False)):
        colour = colours.get(str(name), theme.PALETTE[i % len(theme.PALETTE)])
        text = i18n.label_or(f"nps_{name}", lang, fallback=str(name))
        ax.step(g["time"], g["survival"], where="post", color=colour, label=text)
        ax.fill_between(g["time"], g["ci_low"], g["ci_high"], step="post", color=colour, alpha=0.2, linewidth=0)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(theme.label(xlabel, lang))
    ax.set_ylabel(theme.label("repurchase_axis", lang))
    ax.legend(frameon=False)
    return ax


def value_plot(data, *, lang="de", currency="EUR", ax=None):
    """Value at stake as bars: detractors' revenue at risk and passives moved to promoters.

    Parameters
    ----------
    data : DataFrame
        ``cj.value_at_stake`` table: label, value_at_stake, nps_group.
    lang : {"de", "en"}
    currency : str
        ISO 4217 code of the amounts, named on the axis (``EUR``, ``CHF``, ``USD`` ...).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> v = pd.DataFrame({"label": ["a", "b"], "value_at_stake": [200.0, 400.0], "nps_group": ["detractor", "passive"]})
    >>> fig, ax = plt.subplots()
    >>> len(value_plot(v, ax=ax).patches)
    2
    >>> value_plot(v, lang="en", currency="CHF", ax=ax).get_xlabel()
    'Value at stake (CHF)'
    """
    theme.check_lang(lang)
    data = _frame(data, "value_plot", ["label", "value_at_stake", "nps_group"])
    ax = ax or plt.gca()
    pos = np.arange(len(data))
    colours = [theme.NPS_COLORS.get(g, theme.PALETTE[0]) for g in data["nps_group"]]
    ax.barh(pos, data["value_at_stake"], color=colours, height=0.6)
    for p, v in zip(pos, data["value_at_stake"]):
        ax.text(v, p, "  " + theme.fmt_number(v, lang, decimals=0), va="center", fontsize="small", color=theme.INK)
    ax.set_yticks(pos, list(data["label"]))
    ax.set_ylim(len(data) - 0.5, -0.5)
    ax.set_xlim(0, float(data["value_at_stake"].max() or 1) * 1.3)
    ax.set_xlabel(theme.label("value_at_stake_axis_currency", lang).format(currency=currency))
    return ax
