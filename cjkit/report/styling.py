"""The client's look on an HTML report: the theme's CSS, logo and footer.

:func:`style_html` rewrites a report's HTML file in place: a ``<style id="cj-theme">`` block
with the theme's colours and fonts (:meth:`cjkit.catalog.themefile.Theme.css`), the logo at
the top and the footer text at the bottom. Running it again replaces what it added before,
so a report re-styled with another theme carries only the new one.

Examples
--------
>>> from cjkit.report.styling import inject_style
>>> inject_style("<html><head></head><body>x</body></html>", "h1 {}", "t")
'<html><head><style id="t">\\nh1 {}</style></head><body>x</body></html>'
"""
from __future__ import annotations

import base64
import html as _html
import re
from pathlib import Path

from cjkit.catalog import i18n
from cjkit.catalog.themefile import load_theme
from cjkit.errors import DataError

_ADDED = re.compile(r'<(style|div) id="cj-theme[^"]*"[^>]*>.*?</\1>', re.S)


def inject_style(page: str, css: str, style_id: str) -> str:
    """Put a ``<style id=style_id>`` with *css* at the end of the page's head (the page's start without one).

    Parameters
    ----------
    page : str
        HTML text.
    css : str
        Style rules.
    style_id : str
        The style element's id.

    Returns
    -------
    str
    """
    style = f'<style id="{style_id}">\n{css}</style>'
    if re.search(r"</head\s*>", page, re.I):
        return re.sub(r"</head\s*>", lambda _m: style + "</head>", page, count=1, flags=re.I)
    return style + page


def logo_tag(theme) -> str:
    """The theme's logo as an inline ``<img>`` (the report stays one self-contained file); empty without logo.

    Parameters
    ----------
    theme : Theme

    Returns
    -------
    str
    """
    if theme.logo is None or not theme.logo.is_file():
        return ""
    kind = "png" if theme.logo.suffix.lower() == ".png" else "jpeg"
    data = base64.b64encode(theme.logo.read_bytes()).decode("ascii")
    return f'<img src="data:image/{kind};base64,{data}" alt="{_html.escape(theme.name)}">'


def style_html(html_path, *, theme=None, lang: str = "de"):
    """Give an HTML report the client's look: theme CSS, logo on top, footer text at the bottom.

    Parameters
    ----------
    html_path : str or Path
        The report; rewritten in place.
    theme : str, Path, dict or Theme, optional
        Client theme; default the shipped one.
    lang : {"de", "en"}
        Language of the footer text.

    Returns
    -------
    Path
        *html_path*.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import cjkit as cj
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     page = Path(tmp) / "r.html"
    ...     _ = page.write_text("<html><head></head><body><h1>Bericht</h1></body></html>", encoding="utf-8")
    ...     _ = cj.style_html(page, theme={"name": "Acme", "colors": {"primary": "#112233"}, "footer": "Acme"})
    ...     text = cj.style_html(page, theme={"name": "Acme", "footer": "Acme"}).read_text(encoding="utf-8")
    >>> text.count('id="cj-theme"'), "#112233" in text, text.count("Acme</div>")
    (1, False, 1)
    """
    i18n.check_lang(lang)
    html_path = Path(html_path)
    if not html_path.is_file():
        raise DataError("the HTML report does not exist", file=html_path)
    theme = load_theme(theme)
    page = _ADDED.sub("", html_path.read_text(encoding="utf-8"))
    css = theme.css() + (".cj-theme-logo img { max-height: 56px; margin: 8px 0 16px 0; }\n"
                         ".cj-theme-footer { margin-top: 32px; padding-top: 8px; border-top: 1px solid #DDD;"
                         " font-size: 0.8em; color: #6B6B6B; }\n")
    page = inject_style(page, css, "cj-theme")
    logo, footer = logo_tag(theme), theme.footer_text(lang)
    top = f'<div id="cj-theme-logo" class="cj-theme-logo">{logo}</div>' if logo else ""
    bottom = (f'<div id="cj-theme-footer" class="cj-theme-footer">{_html.escape(footer)}</div>' if footer else "")
    if re.search(r"<body\b[^>]*>", page, re.I):
        page = re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + top, page, count=1, flags=re.I)
    else:
        page = top + page
    page = (re.sub(r"</body\s*>", lambda _m: bottom + "</body>", page, count=1, flags=re.I)
            if re.search(r"</body\s*>", page, re.I) else page + bottom)
    html_path.write_text(page, encoding="utf-8")
    return html_path
