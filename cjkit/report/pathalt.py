"""Alt texts of the journey-path report's charts: what a screen reader says instead of the image.

The path charts carry no title, so the generic description of a chart's titles and axes says
little about them. :func:`path_alt` describes a flow or an attribution chart from the table it
draws, in the report language: where journeys start and how many convert, or which channel the
models credit most.
"""
from __future__ import annotations

import pandas as pd

from cjkit.catalog import i18n
from cjkit.errors import ParameterError
from cjkit.report.pathtables import _node_namer

_KINDS = ("flow", "attribution")


def _approach(name: str, lang: str) -> str:
    if name.startswith("markov_order_"):
        return f"Markov ({i18n.label('order', lang)} {name.rsplit('_', 1)[1]})"
    return i18n.label_or(name, lang, name.replace("_", " "))


def path_alt(frame: pd.DataFrame, kind: str, *, labels: dict | None = None, model="accra", lang: str = "de",
             locale: str | None = None) -> str:
    """The alt text of a path chart, computed from the table the chart draws.

    Parameters
    ----------
    frame : DataFrame
        ``flow``: :func:`cjkit.paths.flows` (step, source, target, n); ``attribution``:
        :func:`cjkit.paths.attribution_table` (approach, channel, conversions).
    kind : {"flow", "attribution"}
        Which chart it is.
    labels : dict, optional
        Channel names (:func:`~cjkit.report.pathtables.channel_labels`).
    model : str
        Journey model naming phases.
    lang : {"de", "en"}
        Language of the text.
    locale : {"de_DE", "de_AT", "de_CH", "en_GB", "en_US"}, optional
        Number format.

    Returns
    -------
    str
        One or two sentences, passed to :func:`~cjkit.report.show_figure` as ``alt``.

    Examples
    --------
    >>> import pandas as pd
    >>> import cjkit as cj
    >>> f = pd.DataFrame({"step": [1, 1, 2], "source": ["awareness", "awareness", "consideration"],
    ...                   "target": ["consideration", "(null)", "(conversion)"], "n": [30.0, 70.0, 10.0]})
    >>> cj.report.path_alt(f, "flow", lang="en")
    'Path flow over 2 steps: 100.0% of journeys start with Awareness; 10.0% end in a conversion.'
    """
    i18n.check_lang(lang)
    if kind not in _KINDS:
        raise ParameterError("kind", kind, allowed=list(_KINDS))
    name = _node_namer(labels or {}, lang, model)

    def pct(x):
        return i18n.format_percent(x, lang=lang, locale=locale, decimals=1)

    if kind == "flow":
        first = frame[frame["step"] == frame["step"].min()]
        total = first["n"].sum()
        start = first.groupby("source")["n"].sum().sort_values(ascending=False, kind="stable")
        converted = frame.loc[frame["target"] == "(conversion)", "n"].sum()
        return i18n.label("alt_path_flow", lang).format(
            steps=int(frame["step"].max()), first=name(start.index[0]), share=pct(start.iloc[0] / total),
            converted=pct(converted / total))
    approaches = list(pd.unique(frame["approach"]))
    lead = frame[frame["approach"] == approaches[-1]] if not any(a.startswith("markov") for a in approaches) else \
        frame[frame["approach"].str.startswith("markov")]
    top = lead.sort_values("conversions", ascending=False, kind="stable").iloc[0]
    return i18n.label("alt_path_attribution", lang).format(
        approaches=", ".join(_approach(a, lang) for a in approaches), model=_approach(top["approach"], lang),
        channel=name(top["channel"]), value=i18n.format_number(top["conversions"], lang=lang, locale=locale))
