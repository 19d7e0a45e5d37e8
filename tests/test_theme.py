"""Theme, labels and number formatting."""
from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pytest

from cjkit.plot import theme
from cjkit.errors import ParameterError


def test_labels_german_and_english():
    assert theme.label("satisfaction", "de") == "Zufriedenheit"
    assert theme.label("satisfaction", "en") == "Satisfaction"
    assert theme.label("share", "de") == "Anteil"
    assert theme.label("share", "en") == "Share"
    assert theme.label("Eigener Titel", "en") == "Eigener Titel"  # own text passes through
    with pytest.raises(ParameterError, match="lang.*de, en"):
        theme.label("share", "fr")


@pytest.mark.parametrize("x, lang, kw, expected", [
    (1234.5, "de", {}, "1.234,5"),
    (1234.5, "en", {}, "1,234.5"),
    (3.14159, "de", {"decimals": 2}, "3,14"),
    (0.425, "de", {"percent": True}, "42,5\u00a0%"),
    (0.425, "en", {"percent": True, "decimals": 0}, "42%"),
    (23, "de", {"sign": True, "decimals": 0}, "+23"),
    (-7, "de", {"sign": True, "decimals": 0}, "−7"),
    (-0.0001, "de", {}, "0,0"),            # no negative zero
    (0.0, "en", {"sign": True, "decimals": 0}, "0"),
    (float("nan"), "de", {}, "–"),
])
def test_fmt_number(x, lang, kw, expected):
    assert theme.fmt_number(x, lang, **kw) == expected


def test_number_formatter_uses_as_few_decimals_as_needed():
    f = theme.number_formatter("de")
    assert [f(v) for v in (1.0, 1.5, 0.25)] == ["1", "1,5", "0,25"]
    assert theme.number_formatter("en", percent=True)(0.2) == "20%"


def test_set_theme_font_palette_and_colormap():
    theme.set_theme()
    theme.set_theme()  # twice is harmless
    assert mpl.rcParams["font.sans-serif"][0] == "DejaVu Sans"
    cycle = [mpl.colors.to_hex(c) for c in mpl.rcParams["axes.prop_cycle"].by_key()["color"]]
    assert cycle[:len(theme.PALETTE)] == [c.lower() for c in theme.PALETTE]
    assert "cjkit_satisfaction" in mpl.colormaps
    # the font really exists here (no silent fallback with missing umlauts)
    from matplotlib import font_manager
    assert font_manager.findfont("DejaVu Sans", fallback_to_default=False)


def _luminance(rgb):
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb[:3]]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_satisfaction_colormap_is_diverging_and_monotone_in_lightness():
    # Lightness rises to the neutral middle and falls again: readable in greyscale and
    # for colour-vision deficiencies, and the two ends are told apart by hue (red vs blue).
    lum = np.array([_luminance(theme.SATISFACTION_CMAP(v)) for v in np.linspace(0, 1, 21)])
    assert np.all(np.diff(lum[:11]) > 0) and np.all(np.diff(lum[10:]) < 0)
    low, high = theme.SATISFACTION_CMAP(0.0), theme.SATISFACTION_CMAP(1.0)
    assert low[0] > low[2] and high[2] > high[0]  # red = dissatisfied, blue = satisfied


def test_palette_colours_distinct_under_deuteranopia():
    # Machado et al. (2009) deuteranopia matrix, severity 1.0, on linear RGB.
    m = np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                  [-0.011820, 0.042940, 0.968881]])
    rgb = np.array([mpl.colors.to_rgb(c) for c in theme.PALETTE[:6]])
    sim = np.clip(rgb @ m.T, 0, 1)
    d = np.sqrt(((sim[:, None, :] - sim[None, :, :]) ** 2).sum(-1))
    assert d[np.triu_indices(len(sim), 1)].min() > 0.1


def test_satisfaction_norm_ranks_and_centres():
    norm = theme.satisfaction_norm([2.0, 3.0, 4.5])
    vals = [norm(v) for v in (2.0, 3.0, 4.5)]
    assert vals == sorted(vals)
    assert norm(np.mean([2.0, 3.0, 4.5])) == pytest.approx(0.5)
    fixed = theme.satisfaction_norm([4.0, 4.2], scale=(1, 5))
    assert fixed(3.0) == pytest.approx(0.5) and fixed(1) == 0 and fixed(5) == 1


def test_text_color_contrast():
    assert theme.text_color("#2166AC") == "white"
    assert theme.text_color("#F7F7F7") == theme.INK


def test_catalog_labels_with_fallback():
    assert theme.phase_labels("accra", "de")["conversion"] == "Kauf"
    assert theme.phase_labels("accra", "en")["conversion"] == "Conversion"
    got = theme.touchpoint_labels(["hotline", "customer_service", "my_kiosk"], "de")
    assert got == {"hotline": "Hotline", "customer_service": "Kundenservice", "my_kiosk": "my_kiosk"}
    assert theme.touchpoint_labels(["customer_service"], "en") == {"customer_service": "Customer service"}


# ---- the client's theme file -------------------------------------------------------------

def test_theme_file_fills_defaults_and_resolves_paths(tmp_path):
    from PIL import Image
    from cjkit.catalog.themefile import load_theme

    Image.new("RGB", (40, 20), "#123456").save(tmp_path / "logo.png")
    (tmp_path / "theme.yaml").write_text(
        "name: Acme\nlogo: logo.png\ncolors: {primary: '#112233', palette: ['#000001', '#000002', '#000003']}\n"
        "footer: Acme intern\n", encoding="utf-8")
    t = load_theme(tmp_path / "theme.yaml")
    assert t.primary == "#112233" and t.palette == ("#000001", "#000002", "#000003")
    assert t.accent == load_theme().accent              # not given: the default theme's
    assert t.logo == tmp_path / "logo.png" and t.pptx_template is None
    assert t.footer_text("de") == t.footer_text("en") == "Acme intern"
    assert "--cj-primary: #112233;" in t.css()


def test_theme_file_errors_name_every_offending_key(tmp_path):
    from cjkit.catalog.themefile import load_theme
    from cjkit.errors import ConfigError

    (tmp_path / "theme.yaml").write_text(
        "name: Acme\nlogo: missing.png\npowerpoint_template: master.docx\nfont: Arial\n"
        "colors: {primary: red, palette: ['#000001']}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_theme(tmp_path / "theme.yaml")
    keys = {p.key for p in err.value.problems}
    assert keys == {"<root>", "colors.primary", "colors.palette", "logo", "powerpoint_template"}
    assert "theme.yaml" in str(err.value) and "'font' was unexpected" in str(err.value)


def test_set_theme_applies_the_theme_file_to_charts():
    theme.set_theme(theme={"name": "Acme", "colors": {"text": "#101010",
                                                       "palette": ["#AA0000", "#00AA00", "#0000AA"]},
                           "fonts": {"body": "No Such Font"}})
    try:
        cycle = [mpl.colors.to_hex(c).upper() for c in mpl.rcParams["axes.prop_cycle"].by_key()["color"]]
        assert cycle == ["#AA0000", "#00AA00", "#0000AA"]
        assert mpl.rcParams["text.color"] == "#101010"
        assert mpl.rcParams["font.sans-serif"][0] == "DejaVu Sans"  # a missing font falls back, no warning per chart
        assert theme.current_theme().name == "Acme"
        assert theme.PALETTE == ["#AA0000", "#00AA00", "#0000AA"] and theme.INK == "#101010"
        assert theme.NPS_COLORS["promoter"] == theme.current_theme().positive
    finally:
        theme.set_theme()
    assert theme.current_theme().name == "cjkit"
    assert theme.PALETTE[0] == "#0072B2" and theme.NPS_COLORS["detractor"] == "#D55E00" and theme.INK == "#222222"
