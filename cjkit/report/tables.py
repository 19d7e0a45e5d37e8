"""Formatted report tables: what a reader sees instead of a printed DataFrame.

:func:`format_table` turns any result table of the report sections into an HTML table in one
language: no row index, column headers from the label catalog, phase and touchpoint labels
instead of ids, numbers and percentages in the locale's format, the 95 % interval in one
column, bases shown with low bases marked, significance as arrows, and a legend under the table
for every marker it uses. The CSS keeps wide tables inside an A4 page (full page width, small
type, cells that wrap only where a column would not fit).
"""
from __future__ import annotations

import hashlib
import html

import pandas as pd
from IPython.display import HTML

from cjkit.catalog import i18n
from cjkit.errors import ParameterError
from cjkit.report.figuretext import figure_label, figure_roles, figure_value, question_of
from cjkit.report.methods import ALPHA
from cjkit.report.study import Study
from cjkit.stats.base import DEFAULT_MIN_N, DEFAULT_SUPPRESS_N

#: metrics whose values are shares (0..1), shown as percentages
PERCENT_METRICS = {"top2", "bottom2", "top_box", "share", "positive_share"}
ARROWS = {"higher": " ▲", "lower": " ▼"}

# column -> (header label key, how to format it)
COLUMNS = {
    "rank": ("col_rank", "int"), "item_label": ("col_item", "text"), "code_label": ("col_code", "text"),
    "phase_label": ("col_phase", "text"), "touchpoint_label": ("col_touchpoint", "text"),
    "segment": ("col_segment", "text"), "wave": ("col_wave", "text"), "value": ("col_value", "value"),
    "ci": ("col_ci", "text"), "total": ("col_total", "value"), "difference_vs_rest": ("col_difference", "signed"),
    "change": ("col_change", "signed"), "p_adjusted": ("col_p", "p"), "low_share": ("col_low_share", "percent"),
    "n_mentions": ("col_n_mentions", "int"), "mention_share": ("col_mention_share", "percent"),
    "driver_impact": ("col_driver_impact", "number1"), "effect": ("col_effect", "signed"),
    "score": ("col_score", "number"), "n_respondents": ("col_n_respondents", "int"), "share": ("col_share", "percent"),
    "negative": ("col_negative", "int"), "neutral": ("col_neutral", "int"), "positive": ("col_positive", "int"),
    "relative_weight_pct": ("col_relative_weight", "number1"), "lmg_pct": ("col_lmg", "number1"),
    "importance": ("col_importance", "number"), "performance": ("col_performance", "number"),
    "quadrant_label": ("col_quadrant", "text"), "check": ("col_check", "check"), "action": ("col_action", "action"),
    "n_rows": ("col_n_rows", "int"), "example_reason": ("col_reason", "text"), "measure": ("col_measure", "measure"),
    "text": ("col_text", "text"), "codes": ("col_codes", "text"), "evidence": ("col_evidence", "text"),
    "section": ("col_section", "section"), "shown": ("col_shown", "bool"), "reason": ("col_why", "text"),
    "question": ("col_question", "text"), "type": ("col_type", "text"), "role": ("col_role", "text"),
    "n_effective": ("col_n_effective", "int"), "n": ("col_base", "base"),
    "status_label": ("col_status", "text"), "check_label": ("col_check", "text"),
    "action_label": ("col_action", "text"), "reason_label": ("col_why", "text"),
    # the persona and value report (cjkit.report.valuetables prepares the label columns)
    "k": ("col_k", "int"), "silhouette": ("col_silhouette", "number"), "stability_ari": ("col_stability", "number"),
    "stable": ("col_stable", "bool"), "chosen": ("col_chosen", "bool"), "proposal": ("col_proposal", "text"),
    "variable_label": ("col_variable", "text"), "level": ("col_level", "text"),
    "proposal_value": ("col_proposal_value", "number"), "rest_value": ("col_rest_value", "number"),
    "effect_size": ("col_effect_size", "signed"), "current": ("col_current", "number"),
    "target": ("col_target", "number"), "expected_gain": ("col_expected_gain", "signed"),
    "complaints": ("col_complaints", "int"), "new": ("col_new", "number"),
    "predicted_change": ("col_predicted_change", "signed"), "side_label": ("col_side", "text"),
    "matched": ("col_matched", "int"), "unmatched": ("col_unmatched", "int"), "model_label": ("col_model", "text"),
    "parameter": ("col_parameter", "text"), "estimate": ("col_estimate", "number"), "stake_label": ("col_stake_item", "text"),
    "log_likelihood": ("col_log_likelihood", "number1"), "term_label": ("col_term", "text"),
    "ratio": ("col_hazard_ratio", "number"), "p_value": ("col_p_value", "p"), "events": ("col_events", "int"),
    "rate": ("col_rate", "percent"), "base_value": ("col_base_value", "int"),
    "value_at_stake": ("col_value_at_stake", "int"),
}
#: kind -> the columns shown, in order (those present in the frame)
KINDS = {
    "scores": ["phase_label", "item_label", "value", "ci", "n"],
    "cells": ["phase_label", "touchpoint_label", "value", "ci", "n"],
    "phases": ["phase_label", "value", "ci", "n"],
    "drivers": ["rank", "touchpoint_label", "relative_weight_pct", "lmg_pct", "n"],
    "ipa": ["touchpoint_label", "importance", "performance", "quadrant_label", "n"],
    "segments": ["item_label", "segment", "value", "total", "difference_vs_rest", "p_adjusted", "n"],
    "trend": ["item_label", "wave", "value", "change", "p_adjusted", "n"],
    "painpoints": ["rank", "phase_label", "touchpoint_label", "status_label", "low_share", "n_mentions",
                   "driver_impact", "score", "n"],
    "codes": ["code_label", "phase_label", "touchpoint_label", "n_respondents", "share", "negative", "positive"],
    "verbatims": ["text", "codes"],
    "ledger": ["check", "action", "n_rows"],
    "diagnostics": ["item_label", "check_label", "action_label", "reason_label"],
    "bases": ["measure", "n"],
    "sections": ["section", "shown", "reason"],
    "questions": ["question", "type", "role", "phase_label", "touchpoint_label"],
}
# section ids of cjkit.report.plan.SECTIONS -> heading label keys
SECTION_LABELS = {"outcome": "sec_key_figures", "touchpoint_scores": "sec_touchpoints", "nps": "sec_nps",
                  "drivers": "sec_drivers", "ipa": "sec_ipa", "segments": "sec_segments", "trend": "sec_trend",
                  "comments": "sec_codes", "sentiment": "sec_sentiment", "painpoints": "sec_painpoints",
                  "journey_map": "sec_map"}
CSS = ("table.cj-table{table-layout:auto;width:100%;max-width:100%;border-collapse:collapse;font-size:9pt;"
       "margin:0.4em 0}"
       "table.cj-table th,table.cj-table td{padding:2px 6px;border-bottom:1px solid #ddd;white-space:normal;"
       "overflow-wrap:break-word;word-break:normal;hyphens:auto;vertical-align:top;text-align:left !important}"
       "table.cj-table th{text-align:left;font-weight:600;border-bottom:2px solid #888}"
       "table.cj-table td.cj-num,table.cj-table th.cj-num{text-align:right !important;"
       "font-variant-numeric:tabular-nums}"
       "table.cj-table td.cj-low{color:#8a5a00}"
       "p.cj-legend{font-size:8pt;color:#555;margin:0 0 1em 0}"
       "div.cj-tiles{display:flex;flex-wrap:wrap;gap:10px;margin:0.5em 0 1em 0}"
       "div.cj-tile{border:1px solid #ccc;border-radius:6px;padding:8px 12px;min-width:150px;max-width:220px}"
       "div.cj-tile .cj-tile-label{font-size:9pt;color:#555}"
       "div.cj-tile .cj-tile-value{font-size:20pt;font-weight:600;line-height:1.2}"
       "div.cj-tile .cj-tile-note{font-size:8pt;color:#666}"
       "@media print{table.cj-table{font-size:8pt;page-break-inside:auto}table.cj-table tr{page-break-inside:avoid}}")


def _value_header(frame: pd.DataFrame, lang: str) -> str:
    metrics = set(frame["metric"].dropna().astype(str)) if "metric" in frame.columns else set()
    if len(metrics) == 1:
        m = metrics.pop()
        key = {"mean": "col_mean", "index": "col_index", "nps": "nps", "positive_share": "positive_share"}.get(m)
        if key:
            return i18n.label(key, lang)
        if m in ("top2", "bottom2"):
            return "Top-2-Box" if m == "top2" else "Bottom-2-Box"
    return i18n.label("col_value", lang)


def _formatter(how: str, lang: str, locale, decimals: int, percent: pd.Series):
    def num(x, d=decimals, sign=False):
        return i18n.format_number(x, lang=lang, locale=locale, decimals=d, sign=sign)

    def pct(x):
        return i18n.format_percent(x, lang=lang, locale=locale, decimals=0)

    if how == "value":
        return lambda x, i: pct(x) if percent.iloc[i] else num(x)
    if how == "signed":
        return lambda x, i: (i18n.format_percent(x, lang=lang, locale=locale, sign=True) if percent.iloc[i]
                             else num(x, sign=True))
    simple = {"int": lambda x: num(x, 0), "number": num, "number1": lambda x: num(x, 1), "percent": pct,
              "p": lambda x: f"< {num(0.001, 3)}" if x < 0.0005 else num(x, 3), "bool": lambda x: i18n.label("yes" if bool(x) else "no", lang),
              "check": lambda x: i18n.label_or(f"check_{x}", lang, str(x)),
              "action": lambda x: i18n.label_or(f"action_{x}", lang, str(x)),
              "section": lambda x: i18n.label_or(SECTION_LABELS.get(str(x), ""), lang, str(x)),
              "measure": lambda x: _measure(str(x), lang),
              "text": lambda x: i18n.MISSING if pd.isna(x) else str(x)}
    f = simple[how]
    return lambda x, i: f(x)


def _measure(x: str, lang: str) -> str:
    if x.startswith("excluded: "):
        check = x.removeprefix("excluded: ")
        return f"{i18n.label('measure_excluded', lang)}: {i18n.label_or(f'check_{check}', lang, check)}"
    return i18n.label_or(f"measure_{x}", lang, x)


def format_table(frame: pd.DataFrame, *, lang: str = "de", locale: str | None = None, kind: str = "auto",
                 columns=None, decimals: int = 2, max_rows: int | None = None, css: bool = False) -> HTML:
    """A result table as a formatted HTML table in the report language (no row index).

    Parameters
    ----------
    frame : DataFrame
        A table of the report sections (:func:`~cjkit.report.sections.touchpoint_scores`,
        :func:`~cjkit.report.sections.painpoint_table`, ...) with their label columns.
    lang : {"de", "en"}
        Language of headers, words and number formats.
    locale : {"de_DE", "de_AT", "de_CH", "en_GB", "en_US"}, optional
        Regional number format; default the locale of *lang*.
    kind : str
        Which columns to show: a key of :data:`KINDS` (``scores``, ``painpoints``, ``segments``,
        ...) or ``auto`` (every column the catalog knows that is present).
    columns : list of str, optional
        The columns to show instead of those of *kind*.
    decimals : int
        Decimals of scores and intervals.
    max_rows : int, optional
        Show only the first rows (the caller's order).
    css : bool
        Include the stylesheet (:data:`CSS`). A report carries it once, in its heading
        (:func:`~cjkit.report.sections.heading`), so the tables stay the same when the style changes.

    Returns
    -------
    IPython.display.HTML
        The table and, when a marker is used, its legend.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> table = cj.report.format_table(cj.report.touchpoint_scores(study, lang="en"), lang="en", kind="scores")
    >>> "tp_room" in table.data or "row_heading" in table.data  # no ids, no row index
    False
    >>> "Base (n)" in table.data and "3.48" in table.data and "3.27–3.70" in table.data
    True
    """
    i18n.check_lang(lang)
    if kind != "auto" and kind not in KINDS:
        raise ParameterError("kind", kind, allowed=["auto", *KINDS])
    data = frame.reset_index(drop=True)
    if max_rows is not None:
        data = data.head(max_rows)
    if {"ci_low", "ci_high"} <= set(data.columns):
        data = data.assign(ci=[_ci(lo, hi, data, i, lang, locale, decimals)
                               for i, (lo, hi) in enumerate(zip(data["ci_low"], data["ci_high"]))])
    wanted = columns if columns is not None else (list(COLUMNS) if kind == "auto" else KINDS[kind])
    shown = [c for c in wanted if c in data.columns]
    percent = _percent_rows(data)
    flags = data["flag"].fillna("").astype(str) if "flag" in data.columns else pd.Series("", index=data.index)
    legend = []
    out = {}
    for col in shown:
        key, how = COLUMNS.get(col, (None, "text"))
        header = _value_header(data, lang) if col == "value" else i18n.label_or(key or "", lang, col)
        fmt = _formatter("int" if how == "base" else how, lang, locale, decimals, percent)
        cells = [fmt(v, i) if not (pd.isna(v) if not isinstance(v, (list, tuple)) else False) else i18n.MISSING
                 for i, v in enumerate(data[col])]
        if how == "base":
            cells = [c + ("*" if f in ("low_base", "suppressed") else "") for c, f in zip(cells, flags)]
        if col in ("value", "change", "difference_vs_rest") and "direction" in data.columns:
            target = "change" if "change" in shown else ("value" if col == "value" else None)
            if col == target:
                cells = [c + ARROWS.get(str(d), "") for c, d in zip(cells, data["direction"].fillna(""))]
                legend.append(i18n.label("legend_sig_trend" if "wave" in data.columns else "legend_sig_segment",
                                         lang).format(alpha=i18n.format_number(ALPHA, lang=lang, locale=locale,
                                                                               decimals=2)))
        out[header] = cells
    if flags.isin(["low_base", "suppressed"]).any() and "n" in shown:
        legend.insert(0, i18n.label("legend_low_base", lang).format(min_n=DEFAULT_MIN_N, suppress_n=DEFAULT_SUPPRESS_N))
    style = f"<style>{CSS}</style>" if css else ""
    return HTML(style + _html(pd.DataFrame(out), shown, flags, dict.fromkeys(legend)))


def _percent_rows(data: pd.DataFrame) -> pd.Series:
    if "metric" in data.columns:
        return data["metric"].astype(str).isin(PERCENT_METRICS).reset_index(drop=True)
    return pd.Series(False, index=data.index)


def _ci(lo, hi, data, i, lang, locale, decimals) -> str:
    if pd.isna(lo) or pd.isna(hi):
        return i18n.MISSING
    if _percent_rows(data).iloc[i]:
        return f"{i18n.format_percent(lo, lang=lang, locale=locale)}–{i18n.format_percent(hi, lang=lang, locale=locale)}"
    return (f"{i18n.format_number(lo, lang=lang, locale=locale, decimals=decimals)}–"
            f"{i18n.format_number(hi, lang=lang, locale=locale, decimals=decimals)}")


def _html(table: pd.DataFrame, shown: list, flags: pd.Series, legend) -> str:
    numeric = {h for h, c in zip(table.columns, shown) if c == "ci" or COLUMNS.get(c, (None, "text"))[1] not in
               ("text", "check", "action", "section", "measure", "bool")}
    classes = pd.DataFrame({h: ["cj-num" if h in numeric else "" for _ in range(len(table))] for h in table.columns})
    if len(table):
        low = flags.reset_index(drop=True).isin(["low_base", "suppressed"])
        classes.loc[low] = classes.loc[low] + " cj-low"
    # a stable id: the same table renders the same HTML (nbval, manifest hashes)
    uid = hashlib.sha1(table.to_json().encode("utf-8")).hexdigest()[:10]
    styler = (table.style.hide(axis="index").format(escape="html").set_uuid(uid)
              .set_td_classes(classes).set_table_attributes('class="cj-table"'))
    # numeric columns: header right-aligned above its figures
    styler = styler.set_table_styles({h: [{"selector": "th", "props": "text-align:right !important"}]
                                      for h in table.columns if h in numeric}, overwrite=False)
    notes = "".join(f'<p class="cj-legend">{html.escape(t)}</p>' for t in legend)
    return f"{styler.to_html()}{notes}"


def figure_tiles(figures: pd.DataFrame, study: Study, *, lang: str = "de", locale: str | None = None) -> HTML:
    """The key figures as tiles: a label, the value in large type, its 95 % interval and base.

    Parameters
    ----------
    figures : DataFrame
        The table of :func:`~cjkit.report.sections.key_figures`.
    study : Study
        The opened study (tells which question is the overall rating, the NPS and the CES, and
        their scales).
    lang : {"de", "en"}
        Language of the labels and number format.
    locale : {"de_DE", "de_AT", "de_CH", "en_GB", "en_US"}, optional
        Regional number format.

    Returns
    -------
    IPython.display.HTML
        The tiles (styled by the report's stylesheet, see :func:`format_table`).

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> tiles = cj.report.figure_tiles(cj.report.key_figures(study), study, lang="en").data
    >>> "Overall satisfaction (mean)" in tiles and "3.50" in tiles and "overall_mean" in tiles
    False
    >>> "Overall satisfaction (mean)" in tiles and "3.50" in tiles and "95% CI 3.33 to 3.67" in tiles
    True
    """
    i18n.check_lang(lang)
    roles = figure_roles(study.spec)
    tiles = []
    for _, r in figures.iterrows():
        figure = str(r["figure"])
        # the tiles show the headline: the base in scope and the figures of the overall, NPS and CES questions
        headline = figure in ("respondents_in_scope", "nps") or question_of(figure) in roles
        if not headline or pd.isna(r["value"]):
            continue
        notes = []
        if pd.notna(r.get("ci_low")) and pd.notna(r.get("ci_high")):
            low, high = (figure_value(figure, r[k], lang, locale=locale) for k in ("ci_low", "ci_high"))
            notes.append(i18n.label("tile_ci", lang).format(low=low, high=high))
        if not figure.startswith("respondents"):
            notes.append(i18n.label("tile_base", lang).format(n=i18n.format_number(r["n"], lang=lang, locale=locale,
                                                                                   decimals=0)))
        label, shown = figure_label(figure, lang, roles=roles), figure_value(figure, r["value"], lang, locale=locale)
        tiles.append(f'<div class="cj-tile"><div class="cj-tile-label">{html.escape(label)}</div>'
                     f'<div class="cj-tile-value">{html.escape(shown)}</div>'
                     f'<div class="cj-tile-note">{html.escape(" · ".join(notes))}</div></div>')
    return HTML(f'<div class="cj-tiles">{"".join(tiles)}</div>')
