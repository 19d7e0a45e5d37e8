"""PowerPoint deck of a report: title slide, one slide per key chart, key-figure tables.

:func:`export_deck` reads a report's output folder - the charts the notebook saved with
:func:`cjkit.report.sections.save_figure` (``<name>.png``) and its ``key_figures.json`` - and
builds a .pptx with python-pptx: a title slide (title, survey, date, logo), one slide per
chart with its title and a source note (survey, base, date), and the key figures as a table
(labels and numbers as everywhere else, :mod:`cjkit.report.figuretext`).
A theme's PowerPoint master (.potx or .pptx) supplies layouts, fonts and colours; without
one the slides are 16:9 in the theme's colours.

Examples
--------
>>> from cjkit.report.deck import chart_title
>>> chart_title("drivers", "en"), chart_title("journey_map__familie", "de")
('Drivers of overall satisfaction', 'Journey map familie')
"""
from __future__ import annotations

import datetime as _dt
import io
import json
import logging
import re
import zipfile
from pathlib import Path

from cjkit.catalog import i18n
from cjkit.catalog.themefile import load_theme
from cjkit.errors import DataError, ParameterError
from cjkit.report.figuretext import figure_label, figure_roles, figure_value

log = logging.getLogger("cjkit.report.deck")

_TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
_DECK_TYPE = b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
ROWS_PER_SLIDE = 10


def chart_title(name: str, lang: str = "de") -> str:
    """The slide title of chart file *name*: catalog label ``chart_<name>``, else the name in words.

    Parameters
    ----------
    name : str
        File name without ``.png``.
    lang : {"de", "en"}

    Returns
    -------
    str
    """
    key = f"chart_{name}"
    if key in i18n.LABELS:
        return i18n.label(key, lang)
    words = " ".join(w for w in name.replace("__", " ").split("_") if w)
    return words[:1].upper() + words[1:]


def report_title(name: str, lang: str = "de") -> str:
    """A readable title for a batch report folder ``<NN_notebook>__<segment>__<wave>``.

    Parameters
    ----------
    name : str
        Folder name, e.g. ``10_satisfaction_report__familie-mit-kindern__all``.
    lang : {"de", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> report_title("10_satisfaction_report__familie-mit-kindern__all", "de")
    'Zufriedenheitsbericht – familie mit kindern'
    >>> report_title("20_pain_points__all__all", "en")
    'Pain-point report'
    """
    kind, *rest = name.split("__")
    kind = re.sub(r"^\d+_", "", kind)
    short = kind.removesuffix("_report").replace("_", "")
    key = next((k for k in (f"title_{kind}", f"title_{short}") if k in i18n.LABELS), None)
    head = i18n.label(key, lang) if key else chart_title(kind, lang)
    scope = [r.replace("-", " ") for r in rest if r and r != "all"]
    return " – ".join([head, *scope])


def _open(template):
    """A presentation from a .pptx or .potx master, its own slides removed."""
    from pptx import Presentation
    from pptx.util import Inches

    if template is None:
        prs = Presentation()
        prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
        return prs
    data = Path(template).read_bytes()
    if Path(template).suffix.lower() == ".potx":  # python-pptx opens decks only: relabel the main part
        src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                body = src.read(item.filename)
                dst.writestr(item, body.replace(_TEMPLATE_TYPE, _DECK_TYPE) if item.filename == "[Content_Types].xml"
                             else body)
        data = out.getvalue()
    prs = Presentation(io.BytesIO(data))
    ids = prs.slides._sldIdLst  # python-pptx has no public slide removal
    for sld in list(ids):
        prs.part.drop_rel(sld.rId)
        ids.remove(sld)
    return prs


def _layout(prs, names, fallback: int):
    for layout in prs.slide_layouts:
        if layout.name in names:
            return layout
    return prs.slide_layouts[min(fallback, len(prs.slide_layouts) - 1)]


def _text(slide, text, left, top, width, height, *, size, color=None, bold=False, font=None, align=None):
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    para = frame.paragraphs[0]
    run = para.add_run()
    run.text = text
    run.font.size, run.font.bold = Pt(size), bold
    if font:
        run.font.name = font
    if color:
        run.font.color.rgb = RGBColor.from_string(color.lstrip("#"))
    if align is not None:
        para.alignment = align
    return box


def _title(slide, text, theme, styled: bool) -> None:
    from pptx.dml.color import RGBColor

    if slide.shapes.title is None:
        from pptx.util import Inches
        _text(slide, text, Inches(0.5), Inches(0.3), Inches(12), Inches(0.8), size=26, bold=True,
              color=theme.primary, font=theme.heading_font)
        return
    slide.shapes.title.text = text
    if styled:  # a client master styles its own titles
        for para in slide.shapes.title.text_frame.paragraphs:
            for run in para.runs:
                run.font.color.rgb = RGBColor.from_string(theme.primary.lstrip("#"))
                run.font.name = theme.heading_font


def _footer(slide, prs, theme, lang, note: str | None) -> None:
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Emu, Inches

    w, h = prs.slide_width, prs.slide_height
    if note:
        _text(slide, note, Inches(0.5), h - Inches(0.95), w - Inches(1), Inches(0.35), size=10, color="#6B6B6B",
              font=theme.font)
    footer = theme.footer_text(lang)
    if footer:
        _text(slide, footer, Inches(0.5), h - Inches(0.5), Emu(int(w * 0.6)), Inches(0.3), size=8,
              color="#6B6B6B", font=theme.font)
    _text(slide, str(len(prs.slides)), w - Inches(1.5), h - Inches(0.5), Inches(1), Inches(0.3), size=8,
          color="#6B6B6B", font=theme.font, align=PP_ALIGN.RIGHT)


def _read_figures(report_dir: Path):
    path = report_dir / "key_figures.json"
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"not valid JSON ({exc.msg}, line {exc.lineno})", file=path) from None
    return [{"figure": k, **v} for k, v in data.items() if isinstance(v, dict)]


def _table_slides(prs, rows, theme, lang, note, styled, roles) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    heads = [i18n.label(k, lang) for k in ("figure", "value", "ci95", "n")]
    for start in range(0, len(rows), ROWS_PER_SLIDE):
        chunk = rows[start:start + ROWS_PER_SLIDE]
        slide = prs.slides.add_slide(_layout(prs, ("Title Only",), 5))
        _title(slide, i18n.label("key_figures", lang), theme, styled)
        width = prs.slide_width - Inches(1)
        shape = slide.shapes.add_table(len(chunk) + 1, 4, Inches(0.5), Inches(1.4), width,
                                       Inches(0.4) * (len(chunk) + 1))
        table = shape.table
        for j, share in enumerate((0.5, 0.15, 0.23, 0.12)):
            table.columns[j].width = int(width * share)
        for j, text in enumerate(heads):
            table.cell(0, j).text = text
        for i, r in enumerate(chunk, start=1):
            bounds = [figure_value(r["figure"], r.get(k), lang) for k in ("ci_low", "ci_high")]
            ci = " – ".join(bounds) if r.get("ci_low") is not None and r.get("ci_high") is not None else ""
            n = r.get("n")
            cells = [r.get("label") or figure_label(r["figure"], lang, roles=roles),
                     figure_value(r["figure"], r.get("value"), lang),
                     ci, "" if n is None else i18n.format_number(n, lang=lang, decimals=0)]
            for j, text in enumerate(cells):
                table.cell(i, j).text = text
        for i in range(len(chunk) + 1):
            for j in range(4):
                cell = table.cell(i, j)
                if i == 0 and styled:
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = RGBColor.from_string(theme.primary.lstrip("#"))
                for para in cell.text_frame.paragraphs:
                    for run in para.runs:
                        run.font.size, run.font.name = Pt(14), theme.font
        _footer(slide, prs, theme, lang, note)


def export_deck(report_dir, pptx_path=None, *, theme=None, lang: str = "de", title: str | None = None,
                survey: str | None = None, date=None, charts=None, titles=None, figures=None, spec=None):
    """Build a PowerPoint deck of a report from its output folder.

    Parameters
    ----------
    report_dir : str or Path
        The report's output folder: the charts saved with ``cj.report.save_figure``
        (``<name>.png``) and ``key_figures.json``.
    pptx_path : str or Path, optional
        Default: ``<report_dir>.pptx`` beside the folder (where the HTML report lies).
    theme : str, Path, dict or Theme, optional
        Client theme: its PowerPoint master when it names one, logo, colours, fonts, footer.
    lang : {"de", "en"}
        Language of titles, notes and number formats.
    title : str, optional
        Title slide text; default the report type (and segment) read from the folder name.
    survey : str, optional
        Survey name on the title slide and in the source notes.
    date : date, optional
        Default today.
    charts : list of str, optional
        Chart names (files without ``.png``) in slide order; default every PNG of the folder
        in the order the report saved them.
    titles : dict, optional
        Chart name -> slide title, for charts the label catalog does not name.
    figures : DataFrame, optional
        Key figures (figure, value, ci_low, ci_high, n[, label]); default ``key_figures.json``.
    spec : str, Path, dict or SurveySpec, optional
        The survey spec: its overall and CES questions give the headline figures their names
        (:func:`cjkit.report.figuretext.figure_roles`); without it figures are named by their ids.

    Returns
    -------
    Path
        The written .pptx.

    Raises
    ------
    DataError
        The folder or a named chart does not exist, or ``key_figures.json`` is not JSON.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import matplotlib.pyplot as plt
    >>> import cjkit as cj
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     fig, ax = plt.subplots()
    ...     _ = cj.report.save_figure(fig, Path(tmp) / "report", "drivers")
    ...     deck = cj.export_deck(Path(tmp) / "report", lang="en", survey="Demo")
    ...     from pptx import Presentation
    ...     [s.shapes.title.text for s in Presentation(deck).slides]
    ['Report', 'Drivers of overall satisfaction']
    """
    i18n.check_lang(lang)
    report_dir = Path(report_dir)
    if not report_dir.is_dir():
        raise DataError("the report folder does not exist", file=report_dir)
    theme = load_theme(theme)
    pptx_path = Path(pptx_path) if pptx_path is not None else report_dir.parent / f"{report_dir.name}.pptx"
    pngs = {p.stem: p for p in report_dir.glob("*.png")}
    if charts is None:
        charts = sorted(pngs, key=lambda k: (pngs[k].stat().st_mtime_ns, k))
    else:
        unknown = [c for c in charts if c not in pngs]
        if unknown:
            raise ParameterError("charts", unknown, allowed=sorted(pngs))
    rows = (figures.to_dict("records") if figures is not None else _read_figures(report_dir))
    rows = [{k: (None if v != v else v) for k, v in r.items()} for r in rows]  # NaN -> None
    base = next((r.get("n") for r in rows if r["figure"] == "respondents_in_scope"), None)
    when = i18n.format_date(date or _dt.date.today(), lang=lang)
    note = " · ".join(p for p in (f"{i18n.label('source', lang)}: {survey}" if survey else "",
                                  f"n = {i18n.format_number(base, lang=lang, decimals=0)}" if base else "", when) if p)

    from pptx.util import Inches

    prs = _open(theme.pptx_template)
    styled = theme.pptx_template is None
    w, h = prs.slide_width, prs.slide_height
    slide = prs.slides.add_slide(_layout(prs, ("Title Slide",), 0))
    _title(slide, title or report_title(report_dir.name, lang), theme, styled)
    subtitle = " · ".join(p for p in (survey or "", when) if p)
    holders = [ph for ph in slide.placeholders if ph.placeholder_format.idx == 1]
    if holders:
        holders[0].text = subtitle
    else:
        _text(slide, subtitle, Inches(0.5), h // 2, w - Inches(1), Inches(0.6), size=18, font=theme.font)
    if theme.logo is not None and theme.logo.is_file():
        slide.shapes.add_picture(str(theme.logo), w - Inches(3), Inches(0.4), height=Inches(0.9))
    for name in charts:
        slide = prs.slides.add_slide(_layout(prs, ("Title Only",), 5))
        _title(slide, (titles or {}).get(name) or chart_title(name, lang), theme, styled)
        _picture(slide, pngs[name], Inches(0.5), Inches(1.3), w - Inches(1), h - Inches(2.4))
        _footer(slide, prs, theme, lang, note)
    if rows:
        _table_slides(prs, rows, theme, lang, note, styled, figure_roles(spec))
    pptx_path.parent.mkdir(parents=True, exist_ok=True)
    prs.save(pptx_path)
    log.info("deck written: %s (%d slides)", pptx_path, len(prs.slides))
    return pptx_path


def _picture(slide, path: Path, left, top, width, height) -> None:
    """Place an image as large as fits the box, centred, keeping its aspect ratio."""
    from PIL import Image

    with Image.open(path) as im:
        ratio = im.width / im.height
    if width / height > ratio:
        w, h = int(height * ratio), height
    else:
        w, h = width, int(width / ratio)
    slide.shapes.add_picture(str(path), left + (width - w) // 2, top + (height - h) // 2, w, h)
