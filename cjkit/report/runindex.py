"""The index page of a report run (``index.html``): the run as people read it.

Title, run date, survey, each report named by type and persona or wave with its key figures
(labelled and formatted as in the report and the deck, :mod:`cjkit.report.figuretext`), links
to its PDF and deck, and failures with their (masked) error. Everything shown is HTML-escaped;
links point only at plain files of the run folder.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import yaml

from cjkit.catalog import i18n
from cjkit.privacy.pii import mask_pii
from cjkit.report.figuretext import figure_label, figure_roles, figure_value


_CSS = """body{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;margin:2em auto;max-width:70em;color:#222}
h1{font-size:1.6em}table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border-bottom:1px solid #ddd;
padding:.35em .6em;text-align:left;vertical-align:top}th{background:#f3f3f3}.failed{color:#b00020}
.skipped{color:#777}.ok{color:#1b7a3a}code{font-size:.9em}.small{color:#666;font-size:.85em}"""


def _ledger_table(summary: dict, lang: str = "de") -> str:
    """The run's data basis in the run's language: named rows, numbers in its format, exclusions by check."""
    if not summary:
        return ""

    def shown(v) -> str:
        return i18n.format_number(v, lang=lang, decimals=0) if isinstance(v, (int, float)) else str(v)
    rows = "".join(f"<tr><td>{html.escape(i18n.label_or(f'index_{k}', lang, str(k)))}</td>"
                   f"<td>{html.escape(shown(v))}</td></tr>"
                   for k, v in summary.items() if not isinstance(v, (dict, list)))
    reasons = summary.get("excluded_by_reason") or {}
    rows += "".join(f"<tr><td>&nbsp;&nbsp;{html.escape(i18n.label_or(f'check_{k}', lang, str(k)))}</td>"
                    f"<td>{html.escape(shown(v))}</td></tr>" for k, v in reasons.items())
    return f"<h2>{html.escape(_word('data_quality', lang))}</h2><table>{rows}</table>"


#: report notebook (file stem) -> label key of its report type (others: the stem, readable)
REPORT_TYPES = {"01_explore": "title_explore", "10_satisfaction_report": "title_satisfaction",
                "20_pain_points": "title_painpoints", "30_journey_map": "title_journeymap",
                "40_journey_paths": "title_journey_paths", "60_value": "title_value"}
#: the index page's own words (German, English), kept together so they can join the label catalog


def _word(key: str, lang: str) -> str:
    return i18n.label(f"index_{key}", lang if lang in i18n.LANGS else "en")

_SAFE_LINK = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*\.(html|pdf|pptx)")


def _lang(cfg) -> str:
    lang = cfg.parameters.get("lang", "de")
    return lang if lang in i18n.LANGS else "en"  # a wrong lang is itself an error the page must show


def report_label(row: dict, grid_names, lang: str = "de") -> str:
    """A readable name for a report: its type, then its grid values (``Pain-Point-Bericht · Familie``).

    Parameters
    ----------
    row : dict
        One report (``notebook``, ``parameters``).
    grid_names : list of str
        The run's grid parameters (segment, wave, ...).
    lang : {"de", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> from cjkit.report.runindex import report_label
    >>> report_label({"notebook": "20_pain_points.ipynb", "parameters": {"segment": "Familie", "wave": "all"}},
    ...              ["segment", "wave"], "de")
    'Pain-Point-Bericht · Familie · alle Wellen'
    """
    stem = Path(str(row.get("notebook", ""))).stem
    key = REPORT_TYPES.get(stem)
    parts = [i18n.label_or(key, lang, stem) if key else re.sub(r"^\d+_", "", stem).replace("_", " ").capitalize()]
    params = row.get("parameters") or {}
    for name in grid_names:
        value = params.get(name)
        if value in (None, ""):
            continue
        if value == "all":
            value = _word(f"all_{name}" if name in ("segment", "wave") else "all_other", lang)
        parts.append(str(value))
    return " · ".join(parts)


def _figures(folder: Path, lang: str, roles: dict, limit: int = 5) -> str:
    """The first numbers of a report's key_figures.json, labelled and formatted in the report language
    (as in the report and the deck, :mod:`cjkit.report.figuretext`)."""
    path = folder / "key_figures.json"
    if path.is_symlink() or not path.is_file():
        return ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    items = []
    for name, value in data.items() if isinstance(data, dict) else []:
        # a report may store its own label for a figure (the path and value reports do)
        own = value.get("label") if isinstance(value, dict) and isinstance(value.get("label"), str) else None
        value = value.get("value") if isinstance(value, dict) else value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            continue
        if name.startswith("respondents_") and name != "respondents_in_scope":
            continue
        label, shown = own or figure_label(str(name), lang, roles=roles), figure_value(str(name), value, lang)
        items.append(f"{html.escape(label)}: {html.escape(shown)}")
        if len(items) == limit:
            break
    return "<br>".join(items)


def _survey(cfg) -> tuple[str, dict]:
    """The survey's title and the roles of its headline questions (:func:`figure_roles`), read from the run's spec."""
    spec = cfg.parameters.get("spec")
    try:
        content = yaml.safe_load(Path(spec).read_text(encoding="utf-8")) if isinstance(spec, str) else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        content = None
    if not isinstance(content, dict):
        return "", {}
    return str(content.get("title") or content.get("survey") or ""), figure_roles(content)


def _link(row: dict, out_dir: Path, text: str, key: str = "html") -> str:
    """A link only to a plain file of this run folder (``<name>.html``, ``.pdf``, ``.pptx``); any
    other name stays text."""
    target = str(row.get(key) or "")
    if (_SAFE_LINK.fullmatch(target) and target.endswith(f".{key}") and ".." not in target
            and (out_dir / target).is_file()):
        return f'<a href="{html.escape(target, quote=True)}">{html.escape(text)}</a>'
    return html.escape(text)


def _deliverable_links(row: dict, out_dir: Path) -> str:
    """Links to the report's PDF and PowerPoint deck, where the run made them."""
    links = [_link(row, out_dir, name, key) for key, name in (("pdf", "PDF"), ("pptx", "PowerPoint"))
             if row.get(key)]
    return f' <span class="small">({" · ".join(links)})</span>' if links else ""


def write_index(out_dir: Path, cfg, rows: list[dict], extra: dict) -> Path:
    """Write ``index.html``: title, run date, survey, one line per report with its key figures.

    Links are named by report type and grid values (persona, wave); only plain HTML files of
    the run folder become links. Failed reports show their message (personal data masked).
    Everything shown is HTML-escaped.

    Parameters
    ----------
    out_dir, cfg, rows, extra
        As for :func:`write_manifest`.

    Returns
    -------
    Path

    Examples
    --------
    See :func:`cjkit.report.batch.run_batch`, which writes it.
    """
    lang = _lang(cfg)
    grid_names = list(cfg.grid)
    survey, roles = _survey(cfg)
    head = "".join(f"<th>{html.escape(_word(k, lang))}</th>" for k in ["report", "key_figures", "status", "note",
                                                                         "omitted"])
    body = []
    for r in rows:
        link = _link(r, out_dir, report_label(r, grid_names, lang)) + _deliverable_links(r, out_dir)
        figures = (_figures(out_dir / str(r.get("name", "")), lang, roles)
                   if r.get("status") in ("ok", "skipped") else "")
        status = f'<span class="{html.escape(r["status"])}">{html.escape(r["status"])}</span>'
        detail = f'<code>{html.escape(str(mask_pii(r["error"])))}</code>' if r.get("error") else ""
        notes = f'<span class="small">{html.escape(r.get("notes") or "")}</span>'
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in [link, figures, status, detail, notes]) + "</tr>")
    n_failed = sum(r["status"] == "failed" for r in rows)
    errors = extra.get("errors") or []
    error_box = (f"<h2 class='failed'>{_word('errors_before', lang)}</h2><ul>"
                 + "".join(f"<li><code>{html.escape(str(mask_pii(e)))}</code></li>" for e in errors) + "</ul>"
                 ) if errors else ""
    title = html.escape(cfg.title or survey or f"cjkit: {out_dir.name}")
    when = i18n.format_date(dt.date.today(), lang=lang)
    erased = extra.get("erasure") or {}
    facts = [f"{_word('run', lang)} <b>{html.escape(out_dir.name)}</b>", html.escape(when)]
    if survey and survey != cfg.title:
        facts.append(f"{_word('survey', lang)}: {html.escape(survey)}")
    facts += [f"{len(rows)} {_word('reports', lang)}",
              f"{n_failed} {_word('failed', lang)}"]
    if erased:
        facts.append(f"{erased.get('respondents', 0)} {_word('erased', lang)}")
    facts.append("<a href='manifest.json'>manifest.json</a>")
    page = (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>{_CSS}</style></head><body><h1>{title}</h1>"
            f"<p class='small'>{' · '.join(facts)}</p>"
            f"{error_box}<table><tr>{head}</tr>{''.join(body)}</table>"
            f"{_ledger_table(extra.get('ledger_summary', {}), lang)}"
            "</body></html>")
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
