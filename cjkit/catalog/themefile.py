"""The client's look: a theme file with logo, colours, fonts, footer and PowerPoint master.

A theme is YAML (schema ``theme``), validated once into a frozen :class:`Theme` that the
chart theme (:func:`cjkit.plot.theme.set_theme`), the HTML reports (:meth:`Theme.css`), the
PDF export and the PowerPoint deck all read, so one file gives every deliverable the same
look. Paths in the file (logo, template) are relative to the file. Missing keys take the
values of the shipped default theme (``cjkit/data/themes/default.yaml``).

Examples
--------
>>> import cjkit as cj
>>> t = cj.load_theme({"name": "Acme", "colors": {"primary": "#112233"}})
>>> t.primary, t.accent, t.font
('#112233', '#0072B2', 'DejaVu Sans')
>>> t.footer_text("en")
'Confidential – for internal use only'
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from cjkit.catalog import config
from cjkit.errors import Problem

_DEFAULT = config.DATA / "themes" / "default.yaml"
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


@dataclass(frozen=True)
class Theme:
    """A validated report theme (see :func:`load_theme`).

    Parameters
    ----------
    name : str
    primary, accent, positive, negative, text : str
        Hex colours: headings and title bars, highlights, good and bad results, body text.
    palette : tuple of str
        Series colours in order.
    font, heading_font : str
        Font families of text and headings.
    footer : dict
        Footer text per language (``{"de": ..., "en": ...}``).
    logo, pptx_template : Path or None
        Logo image and PowerPoint master, resolved against the theme file.
    path : Path or None
        The theme file, if read from one (not compared).

    Examples
    --------
    >>> Theme(name="x").palette[0]
    '#0072B2'
    """

    name: str
    primary: str = "#2F3E4E"
    accent: str = "#0072B2"
    positive: str = "#009E73"
    negative: str = "#D55E00"
    text: str = "#222222"
    palette: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
                                "#F0E442", "#000000")
    font: str = "DejaVu Sans"
    heading_font: str = "DejaVu Sans"
    footer: dict = field(default_factory=dict)
    logo: Path | None = None
    pptx_template: Path | None = None
    path: Path | None = field(default=None, compare=False, repr=False)

    def footer_text(self, lang: str = "de") -> str:
        """The footer in *lang*; a footer given as one text serves both languages."""
        return self.footer.get(lang, self.footer.get("*", ""))

    def css(self) -> str:
        """A CSS block giving an HTML report this theme's colours and fonts.

        Custom properties (``--cj-primary`` ...) are set on ``:root`` so that print styles
        and the report's own styles can use them.

        Returns
        -------
        str

        Examples
        --------
        >>> print(Theme(name="x", primary="#112233").css().splitlines()[1])
          --cj-primary: #112233;
        """
        return "\n".join([
            ":root {",
            f"  --cj-primary: {self.primary};", f"  --cj-accent: {self.accent};",
            f"  --cj-positive: {self.positive};", f"  --cj-negative: {self.negative};",
            f"  --cj-text: {self.text};",
            f"  --cj-font: '{self.font}', 'DejaVu Sans', Arial, sans-serif;",
            f"  --cj-heading-font: '{self.heading_font}', 'DejaVu Sans', Arial, sans-serif;",
            "}",
            "body { font-family: var(--cj-font); color: var(--cj-text); }",
            "h1, h2, h3, h4 { font-family: var(--cj-heading-font); color: var(--cj-primary); }",
            "a { color: var(--cj-accent); }",
            "table thead th { border-bottom: 2px solid var(--cj-primary); }",
            ".cj-positive { color: var(--cj-positive); } .cj-negative { color: var(--cj-negative); }",
        ]) + "\n"


@functools.cache
def _default_data() -> dict:
    """The shipped default theme, read and validated once per process."""
    return config.load_config(_DEFAULT, "theme")


def _check(base: Path | None):
    """Semantic checks: the files the theme names exist and are of the right kind."""
    def check(data: dict):
        for key, suffixes in (("logo", _IMAGE_SUFFIXES), ("powerpoint_template", (".potx", ".pptx"))):
            value = data.get(key)
            if not isinstance(value, str):
                continue  # missing, or wrongly typed (the schema reports it)
            target = Path(value) if base is None else base / value
            if Path(value).suffix.lower() not in suffixes:
                yield Problem(key, f"must be a {' or '.join(suffixes)} file; got '{value}'")
            elif not target.is_file():
                yield Problem(key, f"file not found: '{target}'")
    return check


def load_theme(source=None) -> Theme:
    """Load and validate a theme file; missing keys take the default theme's values.

    Parameters
    ----------
    source : str, Path, dict, Theme or None
        Theme file, its parsed mapping, a theme (returned as is) or None for the default
        theme. Every problem of the file (unknown key, colour not ``#RRGGBB``, logo or
        template missing) is reported at once, each with its key.

    Returns
    -------
    Theme

    Raises
    ------
    ConfigError
        Listing every problem with its key path.

    Examples
    --------
    >>> import cjkit as cj
    >>> cj.load_theme().name
    'cjkit'
    >>> cj.load_theme({"name": "x", "colors": {"primary": "blue", "accnt": "#000000"}})
    Traceback (most recent call last):
    ...
    cjkit.errors.ConfigError: 2 problems in configuration:
    configuration: colors: Additional properties are not allowed ('accnt' was unexpected)
    configuration: colors.primary: 'blue' does not match '^#[0-9A-Fa-f]{6}$'
    """
    if isinstance(source, Theme):
        return source
    default = _default_data()
    if source is None:
        data, base, path = default, _DEFAULT.parent, _DEFAULT
    else:
        path = Path(source) if isinstance(source, (str, Path)) else None
        base = path.resolve().parent if path is not None else None
        data = config.load_config(source, "theme", check=_check(base))
    colors = {**default["colors"], **data.get("colors", {})}
    fonts = {**default["fonts"], **data.get("fonts", {})}
    footer = data.get("footer", default.get("footer", {}))
    footer = {"*": footer} if isinstance(footer, str) else dict(footer)

    def resolve(key):
        value = data.get(key)
        return None if value is None else (Path(value) if base is None else base / value)
    return Theme(name=data["name"], primary=colors["primary"], accent=colors["accent"],
                 positive=colors["positive"], negative=colors["negative"], text=colors["text"],
                 palette=tuple(colors["palette"]), font=fonts["body"],
                 heading_font=fonts.get("heading", fonts["body"]), footer=footer,
                 logo=resolve("logo"), pptx_template=resolve("powerpoint_template"), path=path)
