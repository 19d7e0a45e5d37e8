"""The journey-path report as a deliverable: its heading, key-figure tiles and formatted tables.

The path functions of ``cj.paths`` return tidy tables with channel names, phase ids and shares
between 0 and 1. :func:`path_table` turns each of them into the table a reader sees, in one
language: channels, touchpoints, phases and paths by their labels (:func:`channel_labels`),
counts with thousands separators, shares as percentages, the 95 % bootstrap interval in one
column, yes/no words, no row index. :func:`path_heading` and :func:`path_tiles` open the report.
The raw tables stay what the notebook saves as CSV for analysts.
"""
from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from cjkit.catalog import i18n, models
from cjkit.errors import ParameterError
from cjkit.paths.channels import map_channels, node_labels
from cjkit.report.htmltable import html_table
from cjkit.report.tables import CSS

#: kind -> (column, header label key, format) of the columns shown, in order (those present)
PATH_KINDS = {
    "summary": [("metric", "col_metric", "metric"), ("value", "pcol_figure", "mval")],
    "windows": [("metric", "col_metric", "metric"), ("without_rules", "pcol_without_rules", "mval"),
                ("with_rules", "pcol_with_rules", "mval")],
    "loops": [("metric", "col_metric", "metric"), ("value", "pcol_figure", "mval"), ("n", "pcol_journeys", "int")],
    "mapping": [("channel", "pcol_channel", "text"), ("touchpoint", "col_touchpoint", "node"),
                ("phase", "col_phase", "node")],
    "common_paths": [("path", "pcol_path", "path"), ("n_journeys", "pcol_journeys", "int"), ("share", "col_share", "pct"),
                     ("conversions", "pcol_conversions", "int"), ("conversion_rate", "pcol_conversion_rate", "pct"),
                     ("value", "pcol_value", "int")],
    "funnel": [("stage", "pcol_stage", "stage"), ("n_journeys", "pcol_journeys", "int"),
               ("share_of_start", "pcol_share_of_start", "pct"), ("step_conversion", "pcol_step_conversion", "pct"),
               ("drop_off", "pcol_drop_off", "int"), ("conversions", "pcol_conversions", "int")],
    "ordered_funnel": [("mode", "pcol_mode", "mode"), ("stage", "pcol_stage", "stage"),
                       ("n_journeys", "pcol_journeys", "int"), ("share_of_start", "pcol_share_of_start", "pct"),
                       ("step_conversion", "pcol_step_conversion", "pct"), ("drop_off", "pcol_drop_off", "int"),
                       ("conversions", "pcol_conversions", "int")],
    "backward_paths": [("path_back", "pcol_path_back", "back"), ("n_steps_back", "pcol_steps_back", "int"),
                       ("conversions", "pcol_conversions", "int"), ("share", "col_share", "pct")],
    "touches": [("n_touches", "pcol_touches", "int"), ("conversions", "pcol_conversions", "int"),
                ("share", "col_share", "pct"), ("cum_share", "pcol_cum_share", "pct")],
    "time_to_conversion": [("bin", "pcol_time", "bin"), ("conversions", "pcol_conversions", "int"),
                           ("share", "col_share", "pct"), ("cum_share", "pcol_cum_share", "pct")],
    "lengths": [("n_steps", "pcol_n_steps", "int"), ("n_journeys", "pcol_journeys", "int"), ("share", "col_share", "pct"),
                ("conversions", "pcol_conversions", "int"), ("conversion_rate", "pcol_conversion_rate", "pct")],
    "markov": [("channel", "pcol_channel", "node"), ("conversions", "pcol_conversions", "num1"),
               ("removal_effect", "pcol_removal_effect", "pct"), ("value", "pcol_value", "int")],
    "compare": [("channel", "pcol_channel", "node"), ("markov", "pcol_markov", "num1"), ("ci", "col_ci", "text"),
                ("shapley", "pcol_shapley", "num1"), ("last_touch", "pcol_last_touch", "num1"),
                ("in_interval", "pcol_in_interval", "bool")],
    "participation": [("channel", "pcol_channel", "node"), ("journeys", "pcol_journeys_with", "int"),
                      ("conversions", "pcol_conversions", "int"), ("conversion_rate", "pcol_conversion_rate", "pct"),
                      ("last_touch", "pcol_last_touch", "int"), ("assists", "pcol_assists", "int"),
                      ("assist_ratio", "pcol_assist_ratio", "num2")],
    "order_check": [("order", "pcol_order", "int"), ("auc", "pcol_auc", "num3"), ("pauc", "pcol_pauc", "num3"),
                    ("suggested", "pcol_suggested", "bool")],
    "excluded": [("file", "pcol_file", "text"), ("check", "col_check", "check"), ("column", "pcol_column", "text"),
                 ("action", "col_action", "action"), ("n_rows", "pcol_rows", "int"), ("examples", "pcol_examples", "text")],
}
_COUNTS = {"n_journeys", "n_distinct_paths", "conversions", "value", "n_channels"}
_SHARES = {"conversion_rate", "share_repeat", "share_loop", "share_return", "conversion_rate_return",
           "conversion_rate_no_return"}
_BINS = ("< 1 h", "1 h - 1 d", "1 - 7 d", "7 - 30 d", ">= 30 d")  # default bins of cj.paths.time_to_conversion


def channel_labels(channels, *, channel_map="default", model="accra", lang: str = "de",
                   labels: dict | None = None) -> dict:
    """Readable names of channels: the channel's name and the touchpoint it stands for.

    Parameters
    ----------
    channels : iterable of str
        Channel names as in the data.
    channel_map : str, Path or dict
        Channel map (as for :func:`cjkit.paths.map_channels`).
    model : str or dict, optional
        Journey model of the mapping.
    lang : {"de", "en"}
        Label language.
    labels : dict, optional
        Own names (channel -> text), used as they are.

    Returns
    -------
    dict
        channel -> label, e.g. ``"organic_google"`` -> ``"organic google (Search engine)"``, and the
        markers ``(conversion)`` and ``(null)`` in the words of the report's tables.

    Examples
    --------
    >>> import cjkit as cj
    >>> cj.report.channel_labels(["newsletter", "alpha"], lang="en")
    {'(conversion)': 'Conversion', '(null)': 'No conversion', 'newsletter': 'newsletter (E-mail)', 'alpha': 'alpha'}
    """
    i18n.check_lang(lang)
    names = list(pd.unique(pd.Series(list(channels), dtype="string").dropna()))
    mapped = map_channels(names, channel_map=channel_map, model=model).set_index("channel")["touchpoint"]
    tp = node_labels(mapped.dropna().unique(), lang=lang, model=None)
    out = _markers(lang)
    for c in names:
        readable = c.replace("_", " ")
        touchpoint = mapped.get(c)
        label = tp.get(touchpoint) if isinstance(touchpoint, str) else None
        out[c] = f"{readable} ({label})" if label and label.lower() != readable.lower() else readable
    return {**out, **(labels or {})}


def _markers(lang: str) -> dict:
    """The conversion markers of the path tables, in the words the report uses for them."""
    return {"(conversion)": i18n.label("path_node_conversion", lang), "(null)": i18n.label("path_node_null", lang)}


def _node_namer(labels: dict, lang: str, model):
    cache = {**_markers(lang), **labels}

    def name(v) -> str:
        if pd.isna(v):
            return i18n.MISSING
        v = str(v)
        if v not in cache:
            cache[v] = node_labels([v], lang=lang, model=model).get(v, v)
        return cache[v]
    return name


def _formatter(how: str, lang: str, locale, name):
    def num(x, d):
        return i18n.format_number(x, lang=lang, locale=locale, decimals=d)

    def pct(x):
        return i18n.format_percent(x, lang=lang, locale=locale, decimals=1)

    def metric_value(x, metric):
        if metric in _SHARES:
            return pct(x)
        return num(x, 0 if metric in _COUNTS else 1 if metric == "median_steps" else 2)

    return {
        "int": lambda x, r: num(x, 0), "num1": lambda x, r: num(x, 1), "num2": lambda x, r: num(x, 2),
        "num3": lambda x, r: num(x, 3), "pct": lambda x, r: pct(x), "text": lambda x, r: str(x),
        "bool": lambda x, r: i18n.label("yes" if bool(x) else "no", lang),
        "node": lambda x, r: name(x),
        "path": lambda x, r: " › ".join(name(p) for p in str(x).split(" > ")),
        "back": lambda x, r: " ‹ ".join(name(p) for p in str(x).split(" < ")),
        "stage": lambda x, r: (f"{i18n.label('step', lang)} {x}" if str(x).isdigit() else name(x)),
        "mode": lambda x, r: i18n.label_or(f"path_mode_{x}", lang, str(x)),
        "bin": lambda x, r: (i18n.label(f"path_bin_{_BINS.index(x)}", lang) if x in _BINS else str(x)),
        "metric": lambda x, r: i18n.label_or(f"pm_{x}", lang, str(x)),
        "check": lambda x, r: i18n.label_or(f"check_{x}", lang, str(x)),
        "action": lambda x, r: i18n.label_or(f"action_{x}", lang, str(x)),
        "mval": lambda x, r: metric_value(x, r.get("metric")),
    }[how]


def _compare(frame: pd.DataFrame, lang: str, locale) -> pd.DataFrame:
    """Markov (with its interval), Shapley and last touch side by side, one row per channel."""
    markov = frame[frame["approach"].astype(str).str.startswith("markov")].set_index("channel")
    out = pd.DataFrame({"channel": markov.index, "markov": markov["conversions"].to_numpy()})
    for approach in ("shapley", "last_touch"):
        part = frame[frame["approach"] == approach].set_index("channel")["conversions"]
        out[approach] = out["channel"].map(part)
    lo, hi = markov["ci_low"].to_numpy(), markov["ci_high"].to_numpy()
    out["ci"] = [i18n.MISSING if pd.isna(a) or pd.isna(b) else
                 f"{i18n.format_number(a, lang=lang, locale=locale)}–{i18n.format_number(b, lang=lang, locale=locale)}"
                 for a, b in zip(lo, hi)]
    inside = (out["shapley"].to_numpy() >= lo) & (out["shapley"].to_numpy() <= hi)
    out["in_interval"] = pd.Series(inside, dtype="object").where(~(pd.isna(lo) | out["shapley"].isna().to_numpy()))
    return out.sort_values("markov", ascending=False, kind="stable").reset_index(drop=True)


def _excluded(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger of excluded rows in one line per file, check and action, with the first rows as examples."""
    if not len(ledger):
        return pd.DataFrame(columns=["file", "check", "column", "action", "n_rows", "examples"])
    data = ledger.assign(file=[Path(str(f)).name for f in ledger["file"]], column=ledger["column"].fillna(""))
    groups = data.groupby(["file", "check", "column", "action"], sort=False, dropna=False)["row"]
    out = groups.agg(n_rows="size", examples=lambda r: ", ".join(str(int(x)) for x in sorted(r.dropna())[:5])
                     + (" …" if len(r) > 5 else "")).reset_index()
    return out.sort_values("n_rows", ascending=False, kind="stable")


def path_table(frame: pd.DataFrame, kind: str, *, by=None, labels: dict | None = None, model="accra",
               lang: str = "de", locale: str | None = None, max_rows: int | None = None) -> HTML:
    """A table of the journey-path report, formatted for the reader in one language.

    Parameters
    ----------
    frame : DataFrame
        The raw table of a ``cj.paths`` function (``path_summary``, ``common_paths``,
        ``ordered_funnel`` with a ``mode`` column, ``attribution_table(..., shapley=True)``, ...).
    kind : str
        Which table it is: a key of :data:`PATH_KINDS`. ``compare`` takes the attribution table
        with Markov, Shapley and last touch and sets them side by side per channel; ``excluded``
        takes ``journeys.ledger`` and shows one line per file, check and action with example rows.
    by : list of str, optional
        Segment columns of a table computed ``by=`` segments, shown first under their own names.
    labels : dict, optional
        Readable names of channels (:func:`channel_labels`); phases, touchpoints and markers
        such as ``(conversion)`` are named from the catalogs.
    model : str or dict
        Journey model naming the phases.
    lang : {"de", "en"}
        Language of headers, words and number formats.
    locale : {"de_DE", "de_AT", "de_CH", "en_GB", "en_US"}, optional
        Regional number format; default the locale of *lang*.
    max_rows : int, optional
        Show only the first rows (the caller's order).

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> import pandas as pd
    >>> import cjkit as cj
    >>> f = pd.DataFrame({"stage": ["awareness", "consideration"], "n_journeys": [20000.0, 11250.0],
    ...                   "share_of_start": [1.0, 0.5625], "step_conversion": [None, 0.5625]})
    >>> t = cj.report.path_table(f, "funnel", lang="de").data
    >>> "Aufmerksamkeit" in t and "20.000" in t and "56,2" in t and "awareness" not in t
    True
    """
    i18n.check_lang(lang)
    if kind not in PATH_KINDS:
        raise ParameterError("kind", kind, allowed=list(PATH_KINDS))
    prepare = {"compare": lambda f: _compare(f, lang, locale), "excluded": _excluded}.get(kind)
    data = prepare(frame) if prepare else frame.reset_index(drop=True)
    if max_rows is not None:
        data = data.head(max_rows)
    name = _node_namer(labels or {}, lang, model)
    cells, numeric = {}, []
    spec = [(col, None, "text") for col in (by or [])] + PATH_KINDS[kind]
    for col, key, how in spec:
        if col not in data.columns:
            continue
        header = str(col) if key is None else i18n.label(key, lang)
        fmt = _formatter(how, lang, locale, name)
        records = data.to_dict("records")
        cells[header] = [i18n.MISSING if not isinstance(v, str) and pd.isna(v) else fmt(v, r)
                         for v, r in zip(data[col], records)]
        if how not in ("text", "node", "path", "back", "stage", "mode", "bin", "metric", "check", "action", "bool") or col == "ci":
            numeric.append(header)
    return html_table(pd.DataFrame(cells), numeric=numeric)


def path_heading(journeys, level: str, *, source: str = "", model="accra", lang: str = "de") -> HTML:
    """The report's title and what it covers: source, journeys, level of the paths, journey model.

    Parameters
    ----------
    journeys : Journeys
        The loaded journeys (:func:`cjkit.paths.load_journeys`).
    level : {"phase", "touchpoint", "channel"}
        The level the paths are described at (:func:`cjkit.paths.node_column`).
    source : str
        Name shown after the title; default the name of the file read.
    model : str
        Journey model id.
    lang : {"de", "en"}
        Language of the heading.

    Returns
    -------
    IPython.display.HTML
        The report's stylesheet, an ``<h1>`` and one line.

    Examples
    --------
    >>> import pandas as pd
    >>> import cjkit as cj
    >>> j = cj.paths.load_journeys(path_file=pd.DataFrame({"path": ["a > b"], "conversions": [1], "nulls": [1]}))
    >>> print(cj.report.path_heading(j, "channel", source="paths.csv", lang="en").data.split("</style>")[1])
    <h1>Customer journey paths: paths.csv</h1><p>Journeys: <b>2</b> · Level of the paths: channels · Journey model: ACCRA model</p>
    """
    i18n.check_lang(lang)
    source = source or ("" if str(journeys.source).startswith("<") else Path(str(journeys.source)).name)
    title = i18n.label("title_journey_paths", lang) + (f": {source}" if source else "")
    paths = journeys.paths
    n = paths["n_journeys"].sum() if "n_journeys" in paths.columns else len(paths)
    words = (i18n.label("pm_n_journeys", lang), i18n.label("path_head_level", lang),
             i18n.label(f"path_level_{level}", lang), i18n.label("journey_model", lang), models.get(model).name(lang))
    return HTML(f"<style>{CSS}</style><h1>{html.escape(title)}</h1>"
                f"<p>{words[0]}: <b>{i18n.format_number(n, lang=lang, decimals=0)}</b> · {html.escape(words[1])}: "
                f"{html.escape(words[2])} · {html.escape(words[3])}: {html.escape(words[4])}</p>")
