"""Paginated PDF of an HTML report: cover page, page numbers, footer, tables that fit the page.

The report's HTML is printed by headless Chromium (``--print-to-pdf``). A print copy of the
page gets a cover (title, survey, date, logo), the theme's colours and fonts, and print
styles: CSS page-margin boxes carry the page numbers and the footer (Chromium's own header
and footer, which show the file URL and the print date, are switched off), tables are laid
out to the page width with wrapping cells and smaller type when they have many columns, and
figures are scaled to the page. Scripts are dropped from the print copy, so printing needs no
network and shows exactly what the static report shows.

Examples
--------
>>> import inspect
>>> from cjkit.report.pdf import export_pdf
>>> list(inspect.signature(export_pdf).parameters)[:2]
['html_path', 'pdf_path']
"""
from __future__ import annotations

import datetime as _dt
import html as _html
import logging
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from cjkit.catalog import i18n
from cjkit.catalog.themefile import load_theme
from cjkit.errors import CjkitError, DataError, ParameterError
from cjkit.report.styling import inject_style, logo_tag

log = logging.getLogger("cjkit.report.pdf")

#: Flags for a quiet, offline, sandbox-free headless Chromium (containers often lack user namespaces).
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--no-pdf-header-footer")
PAPERS = ("A4", "letter")
ORIENTATIONS = ("landscape", "portrait")
_PAPER_MM = {"A4": (210, 297), "letter": (216, 279)}  # short and long side
WIDE_TABLE_COLUMNS = 9  # from this many columns a table is set in smaller type

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.S | re.I)
_TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table\s*>", re.S | re.I)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr\s*>", re.S | re.I)
_CELL = re.compile(r"<t[hd]\b[^>]*?(?:colspan=[\"']?(\d+))?[^>]*>", re.I)


def chromium() -> str | None:
    """The headless Chromium executable on this machine, or None.

    Returns
    -------
    str or None

    Examples
    --------
    >>> from cjkit.report.pdf import chromium
    >>> chromium() is None or chromium().endswith(("chromium", "chromium-browser", "chrome"))
    True
    """
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome", "chrome")) if p), None)


def _css_text(text: str) -> str:
    """A text as a CSS string literal (quotes and backslashes escaped, line breaks as spaces)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def print_css(theme, *, lang: str = "de", paper: str = "A4", orientation: str = "landscape") -> str:
    """The print styles: page size, page numbers and footer in the margins, tables and figures that fit.

    Parameters
    ----------
    theme : Theme
        Colours, fonts and footer text.
    lang : {"de", "en"}
        Language of the page numbers ("Seite 2 von 9").
    paper : {"A4", "letter"}
    orientation : {"landscape", "portrait"}

    Returns
    -------
    str

    Examples
    --------
    >>> from cjkit.catalog.themefile import load_theme
    >>> css = print_css(load_theme(), lang="en")
    >>> 'counter(page) " of " counter(pages)' in css
    True
    """
    before, _, rest = i18n.label("page_of", lang).partition("{page}")
    middle, _, after = rest.partition("{pages}")
    number = " ".join(p for p in (_css_text(before) if before else "", "counter(page)",
                                  _css_text(middle), "counter(pages)", _css_text(after) if after else "") if p)
    margin_font = "font: 8pt var(--cj-font); color: #6B6B6B;"
    # the tallest a figure may be: the page's content height less room for a heading
    short, long_ = _PAPER_MM[paper]
    max_figure = (short if orientation == "landscape" else long_) - 30 - 25
    return theme.css() + f"""
@page {{
  size: {paper} {orientation};
  margin: 14mm 12mm 16mm 12mm;
  @bottom-left {{ content: {_css_text(theme.footer_text(lang))}; {margin_font} }}
  @bottom-right {{ content: {number}; {margin_font} }}
}}
@page :first {{ @bottom-left {{ content: none; }} @bottom-right {{ content: none; }} }}
html, body {{ background: white !important; }}
body {{ margin: 0 !important; padding: 0 !important; font-size: 10pt; }}
* {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
.jp-Notebook, .jp-Cell, .jp-OutputArea, .jp-OutputArea-child, .jp-OutputArea-output, .jp-RenderedHTMLCommon,
.container, #notebook-container, .output_area, .output_subarea {{
  overflow: visible !important; max-width: 100% !important; width: auto !important;
  padding-left: 0 !important; padding-right: 0 !important; margin-left: 0 !important; box-shadow: none !important;
}}
.jp-OutputPrompt, .jp-InputPrompt, .prompt {{ display: none !important; }}
table {{ table-layout: fixed; width: 100% !important; max-width: 100%; border-collapse: collapse;
  font-size: 8pt; page-break-inside: auto; }}
table.cj-wide {{ font-size: 6.5pt; }}
th, td {{ overflow-wrap: anywhere; word-wrap: break-word; white-space: normal !important;
  padding: 2px 4px !important; vertical-align: top; }}
tr {{ page-break-inside: avoid; break-inside: avoid; }}
thead {{ display: table-header-group; }}
img, svg, canvas {{ max-width: 100% !important; max-height: {max_figure}mm !important; width: auto;
  height: auto !important; object-fit: contain; page-break-inside: avoid; break-inside: avoid; }}
pre {{ white-space: pre-wrap !important; overflow-wrap: anywhere; }}
h1, h2, h3 {{ page-break-after: avoid; break-after: avoid; }}
.jp-OutputArea-child {{ break-inside: auto !important; page-break-inside: auto !important; }}
ul.cj-summary li, .cj-tiles {{ break-inside: avoid; page-break-inside: avoid; }}
.cj-cover {{ height: 170mm; display: flex; flex-direction: column; justify-content: center;
  page-break-after: always; break-after: page; border-left: 8mm solid var(--cj-primary); padding-left: 12mm; }}
.cj-cover img {{ max-height: 30mm; max-width: 80mm !important; width: auto; align-self: flex-start;
  margin-bottom: 12mm; }}
.cj-cover h1 {{ font-size: 26pt; margin: 0 0 6mm 0; }}
.cj-cover p {{ font-size: 14pt !important; margin: 1mm 0; color: var(--cj-text); }}
"""


def _columns(table_body: str) -> int:
    """The widest row of an HTML table, counting colspans."""
    return max((sum(int(span or 1) for span in _CELL.findall(row)) for row in _ROW.findall(table_body)), default=0)


def _mark_wide_tables(page: str) -> str:
    def mark(m):
        attrs, body = m.group(1), m.group(2)
        if _columns(body) < WIDE_TABLE_COLUMNS:
            return m.group(0)
        if re.search(r"\bclass\s*=\s*[\"']", attrs, re.I):
            attrs = re.sub(r"(\bclass\s*=\s*[\"'])", r"\1cj-wide ", attrs, count=1, flags=re.I)
        else:
            attrs += ' class="cj-wide"'
        return f"<table{attrs}>{body}</table>"
    return _TABLE.sub(mark, page)


def _title_of(page: str, fallback: str) -> str:
    for pattern in (r"<h1\b[^>]*>(.*?)</h1\s*>", r"<title\b[^>]*>(.*?)</title\s*>"):
        m = re.search(pattern, page, re.S | re.I)
        if m:
            text = _html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).replace("¶", "").strip()
            if text:
                return text
    return fallback


def cover_html(title: str, *, survey: str | None = None, date=None, theme=None, lang: str = "de") -> str:
    """The cover page: logo, title, survey and date.

    Parameters
    ----------
    title : str
    survey : str, optional
        Survey name shown under the title.
    date : date, optional
        Default today, formatted for *lang*.
    theme : Theme, optional
        Logo and colours.
    lang : {"de", "en"}

    Returns
    -------
    str
        An HTML ``<section class="cj-cover">``.

    Examples
    --------
    >>> import datetime
    >>> html = cover_html("Bericht <1>", survey="Demo", date=datetime.date(2026, 1, 5))
    >>> "Bericht &lt;1&gt;" in html, "5. Januar 2026" in html
    (True, True)
    """
    theme = load_theme(theme)
    parts = ['<section class="cj-cover">', logo_tag(theme)]
    parts.append(f"<h1>{_html.escape(title)}</h1>")
    if survey:
        parts.append(f"<p>{_html.escape(i18n.label('survey', lang))}: {_html.escape(survey)}</p>")
    shown = i18n.format_date(date or _dt.date.today(), lang=lang, format="long")
    parts.append(f"<p>{_html.escape(shown)}</p></section>")
    return "\n".join(parts)


def print_page(page: str, *, title: str, survey=None, date=None, theme=None, lang="de", paper="A4",
               orientation="landscape") -> str:
    """The print copy of a report page: no scripts, print styles, cover, wide tables marked."""
    theme = load_theme(theme)
    page = _mark_wide_tables(_SCRIPT.sub("", page))
    page = inject_style(page, print_css(theme, lang=lang, paper=paper, orientation=orientation), "cj-print")
    cover = cover_html(title, survey=survey, date=date, theme=theme, lang=lang)
    if re.search(r"<body\b[^>]*>", page, re.I):
        return re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + cover, page, count=1, flags=re.I)
    return cover + page


def export_pdf(html_path, pdf_path=None, *, theme=None, lang: str = "de", title: str | None = None,
               survey: str | None = None, date=None, paper: str = "A4", orientation: str = "landscape",
               timeout: int = 180):
    """Print an HTML report to a paginated PDF with cover page, page numbers and footer.

    Parameters
    ----------
    html_path : str or Path
        The report's HTML file (e.g. as written by a batch run).
    pdf_path : str or Path, optional
        Default: the HTML file with the suffix ``.pdf``.
    theme : str, Path, dict or Theme, optional
        Client theme (logo, colours, fonts, footer); default the shipped one.
    lang : {"de", "en"}
        Language of cover and page numbers.
    title : str, optional
        Cover title; default the report's first heading.
    survey : str, optional
        Survey name on the cover.
    date : date, optional
        Date on the cover; default today.
    paper : {"A4", "letter"}
    orientation : {"landscape", "portrait"}
    timeout : int
        Seconds Chromium may take.

    Returns
    -------
    Path
        The written PDF.

    Raises
    ------
    DataError
        The HTML file does not exist.
    CjkitError
        Headless Chromium is not installed or fails to print.

    Examples
    --------
    >>> import cjkit as cj
    >>> cj.export_pdf("no_such_report.html")
    Traceback (most recent call last):
    ...
    cjkit.errors.DataError: file 'no_such_report.html': the HTML report does not exist
    """
    i18n.check_lang(lang)
    if paper not in PAPERS:
        raise ParameterError("paper", paper, allowed=PAPERS)
    if orientation not in ORIENTATIONS:
        raise ParameterError("orientation", orientation, allowed=ORIENTATIONS)
    html_path = Path(html_path)
    if not html_path.is_file():
        raise DataError("the HTML report does not exist", file=html_path)
    pdf_path = Path(pdf_path) if pdf_path is not None else html_path.with_suffix(".pdf")
    exe = chromium()
    if exe is None:
        raise CjkitError("printing a PDF needs headless Chromium, which is not installed "
                         "(Debian/Ubuntu: apt-get install chromium; in the repository: make browser)")
    page = html_path.read_text(encoding="utf-8")
    copy = print_page(page, title=title or _title_of(page, html_path.stem), survey=survey, date=date,
                      theme=theme, lang=lang, paper=paper, orientation=orientation)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cjkit-pdf-") as tmp:
        source = Path(tmp) / "report.html"
        source.write_text(copy, encoding="utf-8")
        target = Path(tmp) / "report.pdf"
        try:
            done = subprocess.run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}",
                                   f"--print-to-pdf={target}", source.as_uri()],
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise CjkitError(f"Chromium took longer than {timeout} s to print {html_path.name}") from None
        if not target.is_file() or target.stat().st_size == 0:
            last = (done.stderr or "").strip().splitlines()[-1:] or ["no message"]
            raise CjkitError(f"Chromium could not print {html_path.name} (exit {done.returncode}: {last[0]})")
        shutil.move(str(target), pdf_path)
    log.info("PDF written: %s", pdf_path)
    return pdf_path
