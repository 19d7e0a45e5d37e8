"""One visual theme for every cjkit chart, and the words and numbers on it.

The theme is set once per session with :func:`set_theme`; every plotting
function then only picks colours from the constants below, so a report looks
the same whichever chart a researcher draws. Labels come in German or English
(:func:`label`), numbers are formatted with a decimal comma for German
(:func:`fmt_number`), and catalog ids are turned into readable names
(:func:`phase_labels`, :func:`touchpoint_labels`).

Examples
--------
>>> from cjkit.plot import theme
>>> theme.set_theme()
>>> theme.label("satisfaction", "de"), theme.label("satisfaction", "en")
('Zufriedenheit', 'Satisfaction')
>>> theme.fmt_number(1234.5, "de"), theme.fmt_number(0.42, "en", percent=True, decimals=0)
('1.234,5', '42%')
"""
from __future__ import annotations

import logging

import matplotlib as mpl
import pandas as pd
import seaborn as sns
from matplotlib.colors import LinearSegmentedColormap, Normalize, TwoSlopeNorm
from matplotlib.ticker import FuncFormatter

from cjkit.catalog import i18n, models, touchpoints
from cjkit.catalog.themefile import Theme, load_theme

log = logging.getLogger("cjkit.plot.theme")

#: Okabe & Ito (2008) qualitative palette, distinguishable with all common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
#: Detractor / passive / promoter colours (vermillion, neutral grey, bluish green from Okabe-Ito).
NPS_COLORS = {"detractor": "#D55E00", "passive": "#B8B8B8", "promoter": "#009E73"}
#: Text colour, muted grey for notes and reference lines, pain-point marker fill.
INK, MUTED, WARN = "#222222", "#6B6B6B", "#F0E442"
#: Colour of empty cells (touchpoint does not occur) and suppressed cells.
EMPTY, SUPPRESSED = "#F4F4F4", "#DCDCDC"
FONT = "DejaVu Sans"  # ships with matplotlib, so it exists on every machine and has umlauts
_ACTIVE: Theme | None = None  # the client theme of the last set_theme()

# ColorBrewer RdBu anchors (colour-blind safe): red = dissatisfied, white = neutral, blue = satisfied.
SATISFACTION_CMAP = LinearSegmentedColormap.from_list(
    "cjkit_satisfaction",
    ["#B2182B", "#EF8A62", "#FDDBC7", "#F7F7F7", "#D1E5F0", "#67A9CF", "#2166AC"]).with_extremes(bad=EMPTY)

# The words and numbers live in the one language catalog; the theme re-exports the check
# every chart calls, so there is a single definition of the report languages.
check_lang = i18n.check_lang


def label(key: str, lang: str = "de") -> str:
    """Axis title or legend text for *key* in German or English.

    Keys are those of :data:`cjkit.catalog.i18n.LABELS`. Unknown keys are returned
    unchanged, so a researcher's own text can be passed wherever a label key is accepted
    (use :func:`cjkit.catalog.i18n.label` to have unknown keys rejected).

    Parameters
    ----------
    key : str
        Catalog key or free text.
    lang : {"de", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> from cjkit.plot.theme import label
    >>> label("share", "de"), label("share", "en"), label("Mein Titel", "en")
    ('Anteil', 'Share', 'Mein Titel')
    """
    return i18n.label_or(key, lang)


def fmt_number(x, lang: str = "de", *, decimals: int = 1, percent: bool = False,
               sign: bool = False) -> str:
    """Format a number for a chart: :func:`cjkit.catalog.i18n.format_number` with a typographic minus.

    The report locale of *lang* (de_DE, en_GB) gives grouping and decimal separator; the
    minus becomes "−" (U+2212), the width of "+", so signed labels line up on a chart.

    Parameters
    ----------
    x : float
        The number; with ``percent=True`` a share between 0 and 1. NaN gives "–".
    lang : {"de", "en"}
    decimals : int
        Digits after the decimal separator.
    percent : bool
        Multiply by 100 and append a percent sign ("42 %" in German, "42%" in English).
    sign : bool
        Always show the sign ("+23"), e.g. for NPS.

    Returns
    -------
    str

    Examples
    --------
    >>> from cjkit.plot.theme import fmt_number
    >>> fmt_number(3.14159, "de", decimals=2), fmt_number(-0.05, "de", percent=True, decimals=0)
    ('3,14', '−5\xa0%')
    >>> fmt_number(1234.5, "de"), fmt_number(0.42, "en", percent=True, decimals=0)
    ('1.234,5', '42%')
    """
    check_lang(lang)
    fmt = i18n.format_percent if percent else i18n.format_number
    return fmt(x, lang=lang, decimals=decimals, sign=sign).replace("-", "−")


def number_formatter(lang: str = "de", *, decimals: int | None = None,
                     percent: bool = False) -> FuncFormatter:
    """A matplotlib tick formatter using :func:`fmt_number`.

    Parameters
    ----------
    lang : {"de", "en"}
    decimals : int, optional
        Fixed decimals; ``None`` gives each tick as few decimals as it needs ("1", "1,5", "0,25").
    percent : bool
        Ticks are shares shown as percentages.

    Returns
    -------
    matplotlib.ticker.FuncFormatter

    Examples
    --------
    >>> from cjkit.plot.theme import number_formatter
    >>> f = number_formatter("de")
    >>> f(1.5), f(2.0), number_formatter("en", percent=True)(0.25)
    ('1,5', '2', '25%')
    """
    check_lang(lang)

    def _fmt(v, _pos=None):
        d = decimals
        if d is None:
            shown = abs(v) * (100 if percent else 1)
            d = next((k for k in range(4) if abs(round(shown, k) - shown) < 1e-9), 3)
        return fmt_number(v, lang, decimals=d, percent=percent)
    return FuncFormatter(_fmt)


def phase_labels(model, lang: str = "de") -> dict[str, str]:
    """Phase id -> label of journey *model* in *lang*; ``{}`` if *model* is None.

    Parameters
    ----------
    model : str, dict, Path or JourneyModel
        Journey model id, model file, or loaded model.
    lang : {"de", "en"}

    Returns
    -------
    dict

    Examples
    --------
    >>> from cjkit.plot.theme import phase_labels
    >>> phase_labels("service", "en")
    {'pre_service': 'Pre-service', 'service': 'Service', 'post_service': 'Post-service'}
    """
    check_lang(lang)
    return i18n.phase_labels(None if model is None else models.get(model), lang)


def touchpoint_labels(ids, lang: str = "de", catalog: pd.DataFrame | None = None) -> dict[str, str]:
    """Touchpoint id -> catalog label in *lang*; ids unknown to the catalog keep their id.

    Parameters
    ----------
    ids : iterable
    lang : {"de", "en"}
    catalog : DataFrame, optional
        Touchpoint catalog; default the shipped one.

    Returns
    -------
    dict

    Examples
    --------
    >>> from cjkit.plot.theme import touchpoint_labels
    >>> touchpoint_labels(["reception", "no_such_touchpoint"], "en")
    {'reception': 'Reception', 'no_such_touchpoint': 'no_such_touchpoint'}
    """
    check_lang(lang)
    ids = list(ids)
    out = i18n.touchpoint_labels(ids, lang, touchpoints.load() if catalog is None else catalog)
    for i in ids:
        if out[i] == str(i) and not pd.isna(i):
            log.debug("touchpoint %r is not in the catalog; its id is used as label", i)
    return out


def axis_labels(column: str, values, lang: str = "de", model=None, frame: pd.DataFrame | None = None) -> dict:
    """Readable tick labels for the values of a group column (phase, touchpoint or other).

    Phases are named by *model*, touchpoints by the default catalog, both in *lang*. Ids
    these do not know (e.g. from a survey-specific touchpoint catalog) take the
    ``<column>_label`` column of *frame* if there is one (as the report tables carry),
    else they show their value.

    Parameters
    ----------
    column : str
        Name of the group column ("phase", "touchpoint" or any other).
    values : iterable
        Its values, in plotting order.
    lang : {"de", "en"}
    model : str or dict, optional
        Journey model naming the phases.
    frame : DataFrame, optional
        Table with a ``<column>_label`` column for ids the catalogs do not know.

    Returns
    -------
    dict
        value -> label.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.plot.theme import axis_labels
    >>> axis_labels("touchpoint", ["reception", "x1"], "de",
    ...             frame=pd.DataFrame({"touchpoint": ["x1"], "touchpoint_label": ["Eigener TP"]}))
    {'reception': 'Rezeption', 'x1': 'Eigener TP'}
    """
    check_lang(lang)
    values = list(values)
    if column == "phase":
        known = phase_labels(model, lang)
    elif column == "touchpoint":
        catalog = i18n.touchpoint_labels(None, lang, touchpoints.load())
        known = {v: catalog[v] for v in values if v in catalog}
    else:
        known = {}
    own = {}
    if frame is not None and f"{column}_label" in frame.columns:
        pairs = frame[[column, f"{column}_label"]].dropna().drop_duplicates(column)
        own = dict(zip(pairs[column].astype(str), pairs[f"{column}_label"].astype(str)))
    out = {}
    for v in values:
        key = str(v)
        out[v] = known.get(v, known.get(key, own.get(key, key)))
        if out[v] == key and column == "touchpoint":
            log.debug("touchpoint %r is not in the catalog; its id is used as label", v)
    return out


def set_theme(context: str = "notebook", font_scale: float = 1.0, *, theme=None) -> None:
    """Set the cjkit theme for all following matplotlib/seaborn charts.

    Light grid, Okabe-Ito palette, DejaVu Sans, no top/right spines, and the
    ``cjkit_satisfaction`` diverging colormap registered by name. With a client
    theme file, its palette, font and colours replace the defaults. Calling it
    again is harmless.

    Parameters
    ----------
    context : {"paper", "notebook", "talk", "poster"}
        Seaborn scaling context.
    font_scale : float
        Extra scaling of all fonts.
    theme : str, Path, dict or Theme, optional
        Client theme (see :func:`cjkit.catalog.themefile.load_theme`); default the shipped one.

    Returns
    -------
    None

    Examples
    --------
    >>> set_theme(context="paper")
    >>> set_theme(theme={"name": "Acme", "colors": {"palette": ["#111111", "#222222", "#333333"]}})
    >>> import matplotlib as mpl
    >>> mpl.colors.to_hex(mpl.rcParams["axes.prop_cycle"].by_key()["color"][0])
    '#111111'
    >>> set_theme()  # back to the default look
    """
    global _ACTIVE, INK
    _ACTIVE = load_theme(theme)
    # charts read these at call time (theme.PALETTE, theme.NPS_COLORS, theme.INK): update them in
    # place, so every chart follows the client theme without taking it as a parameter
    PALETTE[:] = list(_ACTIVE.palette)
    NPS_COLORS.update(detractor=_ACTIVE.negative, promoter=_ACTIVE.positive)
    INK = _ACTIVE.text
    font = _available_font(_ACTIVE.font)
    sns.set_theme(context=context, style="whitegrid", palette=list(_ACTIVE.palette), font=font,
                  font_scale=font_scale, rc={
                      "font.family": "sans-serif",
                      "font.sans-serif": [font, FONT],
                      "axes.spines.top": False, "axes.spines.right": False,
                      "axes.edgecolor": "#BBBBBB", "axes.labelcolor": _ACTIVE.text,
                      "axes.titleweight": "bold", "axes.titlelocation": "left",
                      "axes.titlesize": "large",
                      "grid.color": "#E6E6E6", "grid.linewidth": 0.8,
                      "text.color": _ACTIVE.text, "xtick.color": _ACTIVE.text, "ytick.color": _ACTIVE.text,
                      "legend.frameon": False,
                      "figure.dpi": 100, "savefig.dpi": 150, "savefig.bbox": "tight",
                      "axes.formatter.use_locale": False,
                      "text.parse_math": False,  # a '$' in a segment value or verbatim is text, not mathtext
                  })
    if "cjkit_satisfaction" not in mpl.colormaps:
        mpl.colormaps.register(SATISFACTION_CMAP)
    # report tables show whole verbatims (pandas cuts cells at 50 characters by default)
    pd.set_option("display.max_colwidth", 300)


def _available_font(name: str) -> str:
    """*name* if matplotlib finds it, else the bundled font (said once in the log, not per chart)."""
    from matplotlib import font_manager

    if name == FONT or name in {f.name for f in font_manager.fontManager.ttflist}:
        return name
    log.info("font %r of the theme is not installed; charts use %s", name, FONT)
    return FONT


def current_theme() -> Theme:
    """The client theme set by the last :func:`set_theme` (the default theme before any).

    Returns
    -------
    Theme

    Examples
    --------
    >>> from cjkit.plot.theme import current_theme, set_theme
    >>> set_theme()
    >>> current_theme().primary
    '#2F3E4E'
    """
    return _ACTIVE if _ACTIVE is not None else load_theme()


def satisfaction_norm(values, scale=None, center=None):
    """Colour normalisation for satisfaction colours.

    With *scale* (min, max) the neutral colour sits at *center* or the scale midpoint;
    without, the range is symmetric around the mean of *values*, so cells above the
    average are blue and below it red, and colours rank with the values.

    Parameters
    ----------
    values : array-like
        The values to be coloured.
    scale : (min, max), optional
        The answer scale.
    center : float, optional
        The neutral value.

    Returns
    -------
    matplotlib.colors.Normalize

    Examples
    --------
    >>> from cjkit.plot.theme import satisfaction_norm
    >>> n = satisfaction_norm([2.0, 4.0], scale=(1, 5))
    >>> float(n(3.0)), float(n(5.0))
    (0.5, 1.0)
    >>> n = satisfaction_norm([2.0, 3.0, 4.0])
    >>> float(n(3.0))
    0.5
    """
    v = pd.Series(values, dtype="float64").dropna()
    if scale is not None:
        lo, hi = map(float, scale)
        mid = (lo + hi) / 2 if center is None else float(center)
        return TwoSlopeNorm(mid, lo, hi) if lo < mid < hi else Normalize(lo, hi)
    if v.empty:
        return Normalize(0, 1)
    mid = float(v.mean()) if center is None else float(center)
    half = max(float(v.max()) - mid, mid - float(v.min()), 1e-9) * 1.05
    return Normalize(mid - half, mid + half)


def text_color(rgba) -> str:
    """Dark or white text, whichever reads better on background *rgba* (WCAG luminance).

    Parameters
    ----------
    rgba : colour
        Any matplotlib colour.

    Returns
    -------
    str

    Examples
    --------
    >>> from cjkit.plot.theme import text_color
    >>> text_color("#2166AC"), text_color("#F7F7F7")
    ('white', '#222222')
    """
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in mpl.colors.to_rgb(rgba))
    return INK if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.3 else "white"
