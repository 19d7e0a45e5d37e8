"""The journey-path report's key figures and its findings in words.

:func:`path_key_figures` collects the figures the report stands on (journeys, conversions,
conversion rate, value, touches per journey, rows read and excluded, each channel's Markov
conversions with their bootstrap interval) in the ``figure, value, ci_low, ci_high, n, label``
form that :func:`~cjkit.report.sections.write_key_figures`, the run's index page and the deck
read. :func:`path_tiles` shows them as tiles. :func:`path_findings` states what the tables show
in sentences computed from them: which channels carry conversions, where journeys drop in the
strict funnel, how Markov and Shapley differ and whether the bootstrap intervals overlap, and
the touches and time to conversion.
"""
from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from cjkit.catalog import i18n
from cjkit.report.pathtables import _BINS, _node_namer

_TILES = {"n_journeys": ("tile_path_journeys", 0), "conversions": ("tile_path_conversions", 0),
          "conversion_rate": ("tile_path_rate", None), "value": ("tile_path_value", 0),
          "mean_steps": ("tile_path_touches", 2)}


def _markov(compare: pd.DataFrame) -> pd.DataFrame:
    rows = compare[compare["approach"].astype(str).str.startswith("markov")]
    return rows.sort_values("conversions", ascending=False, kind="stable").reset_index(drop=True)


def path_key_figures(summary: pd.DataFrame, *, compare: pd.DataFrame | None = None, n_input: int | None = None,
                     n_excluded: int | None = None, labels: dict | None = None, model="accra",
                     lang: str = "de") -> pd.DataFrame:
    """The key figures of the journey-path report, labelled in the report language.

    Parameters
    ----------
    summary : DataFrame
        :func:`cjkit.paths.path_summary` (metric, value).
    compare : DataFrame, optional
        :func:`cjkit.paths.attribution_table` with a Markov approach (and its ``ci_low``/``ci_high``).
    n_input, n_excluded : int, optional
        Rows read and rows excluded (``journeys.n_input``, ``journeys.n_input - journeys.n_kept``).
    labels : dict, optional
        Channel names (:func:`~cjkit.report.pathtables.channel_labels`).
    model : str
        Journey model naming phases.
    lang : {"de", "en"}
        Language of the ``label`` column.

    Returns
    -------
    DataFrame
        figure, value, ci_low, ci_high, n, label; Markov figures are named ``markov_<channel>``.

    Examples
    --------
    >>> import pandas as pd
    >>> import cjkit as cj
    >>> s = pd.DataFrame({"metric": ["n_journeys", "conversions"], "value": [200.0, 25.0]})
    >>> cj.report.path_key_figures(s, n_input=40, n_excluded=1, lang="en")[["figure", "value", "label"]].values.tolist()
    [['n_journeys', 200.0, 'Journeys'], ['conversions', 25.0, 'Conversions'], ['n_input', 40.0, 'Rows read'], ['n_excluded', 1.0, 'Rows excluded']]
    """
    i18n.check_lang(lang)
    rows = [(m, float(v), None, None, None, i18n.label_or(f"pm_{m}", lang, m))
            for m, v in zip(summary["metric"], summary["value"])]
    for name, value in (("n_input", n_input), ("n_excluded", n_excluded)):
        if value is not None:
            rows.append((name, float(value), None, None, None, i18n.label(f"pm_{name}", lang)))
    if compare is not None:
        name = _node_namer(labels or {}, lang, model)
        for r in _markov(compare).itertuples():
            lo, hi = (getattr(r, "ci_low", None), getattr(r, "ci_high", None))
            rows.append((f"markov_{r.channel}", float(r.conversions), None if pd.isna(lo) else float(lo),
                         None if pd.isna(hi) else float(hi), None, f"Markov: {name(r.channel)}"))
    return pd.DataFrame(rows, columns=["figure", "value", "ci_low", "ci_high", "n", "label"])


def path_tiles(figures: pd.DataFrame, *, lang: str = "de", locale: str | None = None) -> HTML:
    """The report's key figures as tiles, the strongest Markov channel last with its conversions and interval.

    Parameters
    ----------
    figures : DataFrame
        :func:`path_key_figures`.
    lang : {"de", "en"}
        Language of the labels and number format.
    locale : {"de_DE", "de_AT", "de_CH", "en_GB", "en_US"}, optional
        Regional number format.

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> import pandas as pd
    >>> import cjkit as cj
    >>> s = pd.DataFrame({"metric": ["n_journeys", "conversion_rate"], "value": [20000.0, 0.12485]})
    >>> t = cj.report.path_tiles(cj.report.path_key_figures(s), lang="de").data
    >>> "20.000" in t and "12,5" in t and "Conversion-Rate" in t
    True
    """
    i18n.check_lang(lang)
    by = figures.set_index("figure")

    def tile(label: str, value: str, note: str = "") -> str:
        return (f'<div class="cj-tile"><div class="cj-tile-label">{html.escape(label)}</div>'
                f'<div class="cj-tile-value">{html.escape(value)}</div>'
                f'<div class="cj-tile-note">{html.escape(note)}</div></div>')

    tiles = []
    for fig, (key, decimals) in _TILES.items():
        if fig in by.index and not (fig == "value" and by.loc[fig, "value"] == 0):  # no value column: no tile
            v = by.loc[fig, "value"]
            shown = (i18n.format_percent(v, lang=lang, locale=locale, decimals=1) if decimals is None
                     else i18n.format_number(v, lang=lang, locale=locale, decimals=decimals))
            tiles.append(tile(i18n.label(key, lang), shown))
    markov = figures[figures["figure"].str.startswith("markov_")]
    if len(markov):
        top = markov.sort_values("value", ascending=False, kind="stable").iloc[0]
        total = by.loc["conversions", "value"] if "conversions" in by.index else markov["value"].sum()
        note = [i18n.label("tile_path_share", lang).format(
            share=i18n.format_percent(top["value"] / total, lang=lang, locale=locale, decimals=1))]
        if pd.notna(top["ci_low"]) and pd.notna(top["ci_high"]):
            note.append(i18n.label("tile_ci", lang).format(
                low=i18n.format_number(top["ci_low"], lang=lang, locale=locale),
                high=i18n.format_number(top["ci_high"], lang=lang, locale=locale)))
        # the channel's name in the label: a long name would not fit the tile's large figure
        tiles.append(tile(f'{i18n.label("tile_path_top_channel", lang)}: {top["label"].removeprefix("Markov: ")}',
                          i18n.format_number(top["value"], lang=lang, locale=locale), " · ".join(note)))
    return HTML(f'<div class="cj-tiles">{"".join(tiles)}</div>')


def _strict_drop(ordered: pd.DataFrame):
    """The strict funnel's weakest step: (row before, row of the stage, loose row of the stage)."""
    strict = ordered[ordered["mode"] == "strict"].sort_values("stage_order").reset_index(drop=True)
    if len(strict) < 2:
        return strict, None, None, None
    i = int(strict["step_conversion"].iloc[1:].astype(float).idxmin())
    loose = ordered[(ordered["mode"] == "loose") & (ordered["stage_order"] == strict.loc[i, "stage_order"])]
    return strict, strict.loc[i - 1], strict.loc[i], (loose.iloc[0] if len(loose) else None)


def path_findings(summary: pd.DataFrame, *, compare: pd.DataFrame, ordered: pd.DataFrame | None = None,
                  touches: pd.DataFrame | None = None, time_to_conversion: pd.DataFrame | None = None,
                  order_check: pd.DataFrame | None = None, markov_order: int = 1,
                  windows: pd.DataFrame | None = None, rules: dict | None = None, n_input: int | None = None,
                  n_excluded: int = 0, labels: dict | None = None, model="accra", lang: str = "de",
                  locale: str | None = None) -> pd.DataFrame:
    """The findings of the journey-path report in sentences, each computed from a table of the report.

    Parameters
    ----------
    summary : DataFrame
        :func:`cjkit.paths.path_summary`.
    compare : DataFrame
        :func:`cjkit.paths.attribution_table` with Markov (bootstrap ``ci_low``/``ci_high``),
        ``shapley=True`` and ``rules=["last_touch"]``.
    ordered : DataFrame, optional
        :func:`cjkit.paths.ordered_funnel` for ``strict`` and ``loose``, stacked with a ``mode`` column.
    touches, time_to_conversion : DataFrame, optional
        :func:`cjkit.paths.touches_to_conversion`, :func:`cjkit.paths.time_to_conversion`.
    order_check : DataFrame, optional
        :func:`cjkit.paths.choose_order`.
    markov_order : int
        The order the report uses.
    windows : DataFrame, optional
        path_summary without and with the journey rules (metric, without_rules, with_rules).
    rules : dict, optional
        The journey rules (``lookback``, ``conversion_window``, ``session_timeout``).
    n_input, n_excluded : int
        Rows read and excluded.
    labels : dict, optional
        Channel names (:func:`~cjkit.report.pathtables.channel_labels`).
    model : str
        Journey model naming phases.
    lang : {"de", "en"}
        Language of the sentences.
    locale : {"de_DE", "de_AT", "de_CH", "en_GB", "en_US"}, optional
        Number format.

    Returns
    -------
    DataFrame
        topic, topic_label, text, value, n; shown with :func:`~cjkit.report.summary_html`.

    Examples
    --------
    >>> import pandas as pd
    >>> import cjkit as cj
    >>> s = pd.DataFrame({"metric": ["n_journeys", "conversions", "conversion_rate"], "value": [100.0, 10.0, 0.1]})
    >>> c = pd.DataFrame({"approach": ["markov_order_1"] * 2 + ["shapley"] * 2, "channel": ["a", "b"] * 2,
    ...                   "conversions": [6.0, 4.0, 7.0, 3.0], "ci_low": [5.0, 3.0, None, None],
    ...                   "ci_high": [7.5, 5.5, None, None]})
    >>> f = cj.report.path_findings(s, compare=c, n_input=100, lang="en")
    >>> print(f["text"].iloc[-1])
    The bootstrap intervals of the two strongest channels by Markov overlap (a: 5.0 to 7.5; b: 3.0 to 5.5): their order is not established.
    """
    i18n.check_lang(lang)
    name = _node_namer(labels or {}, lang, model)

    def num(x, d=1):
        return i18n.format_number(x, lang=lang, locale=locale, decimals=d)

    def pct(x):
        return i18n.format_percent(x, lang=lang, locale=locale, decimals=1)

    def say(key, **kw):
        return i18n.label(key, lang).format(**kw)

    metric = dict(zip(summary["metric"], summary["value"].astype(float)))
    conversions = metric.get("conversions", float("nan"))
    rows = [("path_basis", say("sum_path_basis", journeys=num(metric.get("n_journeys"), 0), conversions=num(conversions, 0),
                               rate=pct(metric.get("conversion_rate")), excluded=num(n_excluded, 0),
                               rows=num(n_input if n_input is not None else metric.get("n_distinct_paths"), 0)),
             conversions, metric.get("n_journeys"))]
    markov = _markov(compare)
    top = markov.head(3)
    items = [say("sum_path_channel_item", channel=name(r.channel), value=num(r.conversions),
                 share=pct(r.conversions / conversions)) for r in top.itertuples()]
    listed = items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {i18n.label('word_and', lang)} {items[-1]}"
    rows.append(("path_channels", say("sum_path_channels", channels=listed), float(top["conversions"].iloc[0]),
                 conversions))
    last = compare[compare["approach"] == "last_touch"].sort_values("conversions", ascending=False, kind="stable")
    if len(last):
        rows.append(("path_channels", say("sum_path_last", channel=name(last["channel"].iloc[0]),
                                          value=num(last["conversions"].iloc[0], 0)),
                     float(last["conversions"].iloc[0]), conversions))
    if ordered is not None and len(ordered):
        strict, before, at, loose = _strict_drop(ordered)
        stages = " › ".join(name(s) for s in strict["stage"])
        if at is None:
            rows.append(("path_funnel", say("sum_path_funnel_single", stages=stages), float("nan"), pd.NA))
        else:
            rows.append(("path_funnel", say(
                "sum_path_funnel", stages=stages, from_stage=name(before["stage"]), to_stage=name(at["stage"]),
                share=pct(at["step_conversion"]), n_to=num(at["n_journeys"], 0), n_from=num(before["n_journeys"], 0),
                loose_share=pct(loose["step_conversion"]) if loose is not None else i18n.MISSING),
                float(at["step_conversion"]), before["n_journeys"]))
    shapley = compare[compare["approach"] == "shapley"].set_index("channel")["conversions"]
    if len(shapley) and len(markov):
        both = markov.set_index("channel").assign(shapley=shapley).dropna(subset=["shapley"])
        gap = (both["conversions"] - both["shapley"]).abs()
        ch = gap.idxmax()
        has_ci = both.dropna(subset=["ci_low", "ci_high"]) if {"ci_low", "ci_high"} <= set(both.columns) else both.iloc[:0]
        outside = int(((has_ci["shapley"] < has_ci["ci_low"]) | (has_ci["shapley"] > has_ci["ci_high"])).sum())
        rows.append(("path_attribution", say("sum_path_differ", channel=name(ch), markov=num(both.loc[ch, "conversions"]),
                                             shapley=num(both.loc[ch, "shapley"]), outside=outside, k=len(has_ci)),
                     float(gap.max()), len(both)))
    if len(markov) >= 2 and markov[["ci_low", "ci_high"]].iloc[:2].notna().all().all():
        a, b = markov.iloc[0], markov.iloc[1]
        overlap = a["ci_low"] <= b["ci_high"] and b["ci_low"] <= a["ci_high"]
        rows.append(("path_attribution", say("sum_path_overlap" if overlap else "sum_path_no_overlap",
                                             first=name(a["channel"]), first_low=num(a["ci_low"]),
                                             first_high=num(a["ci_high"]), second=name(b["channel"]),
                                             second_low=num(b["ci_low"]), second_high=num(b["ci_high"])),
                     float(overlap), pd.NA))
    if order_check is not None and order_check["suggested"].astype(bool).any():
        suggested = int(order_check.loc[order_check["suggested"].astype(bool), "order"].iloc[0])
        rows.append(("path_attribution", say("sum_path_order", suggested=suggested, used=markov_order),
                     float(suggested), pd.NA))
    if touches is not None and len(touches) and touches["conversions"].sum() > 0:
        t = touches.sort_values("n_touches")
        median = int(t.loc[t["cum_share"] >= 0.5, "n_touches"].iloc[0])
        rows.append(("path_time", say("sum_path_touches", median=median,
                                      first=pct(t.loc[t["n_touches"] == 1, "share"].sum()),
                                      within3=pct(t.loc[t["n_touches"] <= 3, "share"].sum())),
                     float(median), float(t["conversions"].sum())))
    if time_to_conversion is not None and time_to_conversion["conversions"].sum() > 0:
        t = time_to_conversion.reset_index(drop=True)
        week = t.loc[t["bin"].isin(_BINS[:3]), "share"].sum()
        mode = t.loc[t["share"].idxmax()]
        bin_label = i18n.label(f"path_bin_{_BINS.index(mode['bin'])}", lang) if mode["bin"] in _BINS else str(mode["bin"])
        rows.append(("path_time", say("sum_path_time", share=pct(week), mode_bin=bin_label, mode_share=pct(mode["share"])),
                     float(week), float(t["conversions"].sum())))
    if windows is not None and rules:
        w = windows.set_index("metric")
        used = ", ".join(f"{i18n.label_or(f'path_rule_{k}', lang, k)} {v}" for k, v in rules.items())
        rows.append(("path_windows", say("sum_path_windows", rules=used, with_rules=num(w.loc["conversions", "with_rules"], 0),
                                         without_rules=num(w.loc["conversions", "without_rules"], 0)),
                     float(w.loc["conversions", "with_rules"]), float(w.loc["conversions", "without_rules"])))
    out = pd.DataFrame(rows, columns=["topic", "text", "value", "n"])
    out.insert(1, "topic_label", [i18n.label(f"sum_topic_{t}", lang) for t in out["topic"]])
    return out
