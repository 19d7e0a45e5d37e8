"""What a report notebook displays around its tables: headings, notes, omitted sections, figures.

Every heading and note comes from the label catalog in the report language (notebooks contain
no Markdown); figures are embedded as PNG with their alt text (:func:`show_figure`) and saved
for the deck (:func:`save_figure`).
"""
from __future__ import annotations

import html
from pathlib import Path

from IPython.display import HTML, Markdown, display

from cjkit.catalog import i18n, models
from cjkit.catalog.i18n import check_lang as _check_lang
from cjkit.errors import ParameterError
from cjkit.plot.charts.base import alt_text
from cjkit.report.plan import SECTIONS, section_status
from cjkit.report.study import Study
from cjkit.report.tables import CSS


def section_shown(study: Study, section: str, *, lang: str = "de", heading: str | None = None,
                  note: str | None = None) -> bool:
    """Whether a report section has something to show; if not, say why in one line.

    Notebooks guard each section with it, so a survey without NPS, without open answers or
    without a second wave gets its report without that section and a note in its place.

    Parameters
    ----------
    study : Study
        The opened study.
    section : str
        A section name of :data:`cjkit.report.plan.SECTIONS` (``nps``, ``drivers``, ...).
    lang : {"de", "en"}
        Language of the note.
    heading : str, optional
        Label key of the section heading (``sec_nps``, ...), displayed first.
    note : str, optional
        Label key of a one-line explanation displayed under the heading when the section is shown.

    Returns
    -------
    bool
        True when the section can be shown; False after displaying the note.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study(wave="2026")
    >>> cj.report.section_shown(study, "nps", lang="en")
    True
    >>> cj.report.section_shown(study, "trend", lang="en")
    <IPython.core.display.Markdown object>
    False
    """
    if section not in SECTIONS:
        raise ParameterError("section", section, allowed=list(SECTIONS))
    row = section_status(study, lang=lang).set_index("section").loc[section]
    if heading is not None:
        display(subheading(heading, lang=lang, note=note if row["shown"] else None))
    if not row["shown"]:
        display(Markdown(f"*{i18n.label('section_omitted', lang)}: {row['reason']}.*"))
    return bool(row["shown"])


_TITLES = ("satisfaction", "painpoints", "journeymap", "explore", "value")  # label keys title_<kind>


def heading(study: Study, kind: str, *, lang: str = "de") -> HTML:
    """Report heading (survey title, scope, bases) as escaped HTML for the notebook.

    Parameters
    ----------
    study : Study
        The opened study.
    kind : {"satisfaction", "painpoints", "journeymap", "explore", "value"}
        Which report the heading introduces.
    lang : {"de", "en"}
        Language of the heading.

    Returns
    -------
    IPython.display.HTML
        Shown by the notebook when it is the cell's last value.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> print(cj.report.heading(study, "satisfaction", lang="en").data.split("</style>")[1])
    <h1>Satisfaction report: Example hotel survey (synthetic)</h1><p>Segment: <b>all</b> · Wave: <b>all</b> · Respondents: <b>120</b> · Journey model: ACCRA model</p>
    """
    _check_lang(lang)
    if kind not in _TITLES:
        raise ParameterError("kind", kind, allowed=list(_TITLES))
    title = i18n.label(f"title_{kind}", lang)
    scope = study.scope
    all_ = i18n.label("all", lang)
    seg = scope.get("segment") if scope.get("segment") not in (None, "", "all") else all_
    wave = scope.get("wave") if scope.get("wave") not in (None, "", "all") else all_
    words = tuple(i18n.labels(["segment", "wave", "respondents", "journey_model"], lang).values())
    model = models.get(study.model).name(lang)
    # the report's stylesheet comes with its heading, once (tables, tiles, notes)
    return HTML(f"<style>{CSS}</style>"
                f"<h1>{html.escape(title)}: {html.escape(study.spec.title or study.spec.survey)}</h1>"
                f"<p>{words[0]}: <b>{html.escape(str(seg))}</b>"
                f" · {words[1]}: <b>{html.escape(str(wave))}</b> · {words[2]}: "
                f"<b>{i18n.format_number(len(study.wide), lang=lang, decimals=0)}</b>"
                f" · {words[3]}: {html.escape(model)}</p>")


def subheading(key: str, *, lang: str = "de", note: str | None = None) -> HTML:
    """A section heading (and an optional one-line note) in the report language.

    Parameters
    ----------
    key : str
        Label key of the heading in :mod:`cjkit.catalog.i18n` (``sec_summary``, ``sec_nps``, ...).
    lang : {"de", "en"}
        Report language.
    note : str, optional
        Label key of a note shown under the heading.

    Returns
    -------
    IPython.display.HTML
        Escaped HTML; shown by the notebook when it is the cell's last value.

    Examples
    --------
    >>> import cjkit as cj
    >>> cj.report.subheading("sec_summary", lang="en").data
    '<h2>Executive summary</h2>'
    """
    text = f"<h2>{html.escape(i18n.label(key, lang))}</h2>"
    if note is not None:
        text += f'<p class="cj-note">{html.escape(i18n.label(note, lang))}</p>'
    return HTML(text)


def note(key: str, *, lang: str = "de") -> HTML:
    """A one-line note of the label catalog as escaped HTML (e.g. why a table is empty).

    Parameters
    ----------
    key : str
        Label key in :mod:`cjkit.catalog.i18n`.
    lang : {"de", "en"}
        Report language.

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> import cjkit as cj
    >>> cj.report.note("no_significant_change", lang="en").data
    '<p class="cj-note">No change against the previous wave is significant.</p>'
    """
    return HTML(f'<p class="cj-note">{html.escape(i18n.label(key, lang))}</p>')


def save_figure(fig, output_dir, name: str) -> Path:
    """Save a figure as PNG (150 dpi) into *output_dir*.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    output_dir : str or Path
        Folder; created if missing.
    name : str
        File name without the ``.png`` suffix.

    Returns
    -------
    Path
        The written file.

    Examples
    --------
    >>> import tempfile
    >>> import cjkit as cj
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = cj.report.save_figure(fig, tmp, "empty")
    ...     saved = path.name, path.stat().st_size > 0
    >>> saved
    ('empty.png', True)
    """
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    fig.savefig(path, dpi=150, bbox_inches="tight")
    return path


def show_figure(fig, output_dir=None, name: str | None = None, *, alt: str | None = None, lang: str = "de"):
    """Show a figure in the report as an image with alt text, save it as PNG and close it.

    The image goes into the notebook as HTML with an ``alt`` attribute, so the HTML report
    describes every chart to screen readers (and nbconvert has no image without alt text).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    output_dir : str or Path, optional
        Folder for ``<name>.png`` (:func:`save_figure`); not saved without it.
    name : str, optional
        File name without ``.png``.
    alt : str, optional
        Alt text; default the one the chart set, else a description of its titles and axes
        (:func:`cjkit.plot.charts.alt_text`).
    lang : {"de", "en"}
        Language of a generated alt text.

    Returns
    -------
    str
        The alt text used.

    Examples
    --------
    >>> import cjkit as cj
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("NPS")
    >>> cj.report.show_figure(fig, lang="en")
    <IPython.core.display.HTML object>
    'Chart: NPS.'
    """
    import base64
    import io

    import matplotlib.pyplot as plt

    _check_lang(lang)
    text = alt or alt_text(fig, lang=lang)
    if output_dir is not None and name:
        save_figure(fig, output_dir, name)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    display(HTML(f'<img src="data:image/png;base64,{data}" alt="{html.escape(text, quote=True)}" '
                 f'style="max-width:100%;height:auto">'))
    plt.close(fig)  # shown once, as the image above; the inline backend does not show it again
    return text
