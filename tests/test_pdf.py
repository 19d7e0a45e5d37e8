"""PDF export: a cover, page numbers on every following page, nothing cut off at the page edge.

The PDF is printed by headless Chromium; the checks read it back independently with pdfium
(text and character boxes) and rasterise its pages to find the right edge of the ink.
"""
from __future__ import annotations

import datetime
import re

import numpy as np
import pandas as pd
import pytest

from cjkit.errors import DataError, ParameterError
from cjkit.report import pdf

MM = 72 / 25.4  # PDF points per millimetre


@pytest.fixture(scope="module")
def report_html(tmp_path_factory):
    """An HTML report as a batch run writes it (nbconvert, inputs hidden) with a 24-column table."""
    nbformat = pytest.importorskip("nbformat")
    from nbconvert import HTMLExporter

    v4 = nbformat.v4
    wide = pd.DataFrame(np.arange(72).reshape(3, 24) * 1234.5678,
                        columns=[f"Zufriedenheit mit Touchpoint {i}" for i in range(23)] + ["QZ24"])
    wide["QZ24"] = wide["QZ24"].astype(object)
    wide.iloc[0, -1] = "Einunglaublichlangeswortohneleerzeichen" * 3   # cannot wrap at a space
    nb = v4.new_notebook(cells=[
        v4.new_markdown_cell("# Zufriedenheitsbericht"),
        v4.new_code_cell("table", outputs=[v4.new_output("display_data", data={
            "text/html": wide.to_html(), "text/plain": "table"})]),
        *[v4.new_markdown_cell(f"## Abschnitt {k}\n\n" + "Ein Satz über die Befragten. " * 250)
          for k in range(2)],
    ])
    body, _ = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                           exclude_output_prompt=True).from_notebook_node(nb)
    path = tmp_path_factory.mktemp("pdf") / "report.html"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def printed(report_html):
    if pdf.chromium() is None:
        pytest.skip("headless Chromium is not installed (make browser installs the Debian package)")
    pdfium = pytest.importorskip("pypdfium2")
    out = pdf.export_pdf(report_html, theme={"name": "Acme", "footer": "Acme – vertraulich"}, lang="de",
                         survey="Gästebefragung 2026", date=datetime.date(2026, 3, 2))
    doc = pdfium.PdfDocument(str(out))
    yield out, doc
    doc.close()


def test_pdf_beside_the_html_with_a_cover(printed, report_html):
    out, doc = printed
    assert out == report_html.with_suffix(".pdf") and len(doc) >= 3
    cover = doc[0].get_textpage().get_text_range()
    assert "Zufriedenheitsbericht" in cover and "Umfrage: Gästebefragung 2026" in cover
    assert "2. März 2026" in cover
    assert "Seite" not in cover and "Acme" not in cover  # no number or footer on the cover


def test_every_page_after_the_cover_is_numbered_with_footer(printed):
    _, doc = printed
    total = len(doc)
    for i in range(1, total):
        text = doc[i].get_textpage().get_text_range()
        assert f"Seite {i + 1} von {total}" in text, text[:200]
        assert "Acme – vertraulich" in text
        assert not re.search(r"file:/|report\.html", text)  # Chromium's own header/footer are off


def test_a4_landscape_pages(printed):
    _, doc = printed
    for page in doc:
        width, height = page.get_size()
        assert width == pytest.approx(297 * MM, abs=2) and height == pytest.approx(210 * MM, abs=2)


def test_wide_table_is_not_clipped(printed):
    _, doc = printed
    margin = 12 * MM
    found = False
    for page in doc:
        width, _ = page.get_size()
        text = page.get_textpage()
        hit = text.search("QZ24").get_next()
        if hit:
            found = True
            index, count = hit
            right = max(text.get_charbox(k)[2] for k in range(index, index + count))
            assert right <= width - margin + 1  # the last column's header lies inside the page margin
        # independently of the text layer: no ink in the right margin of any page
        image = np.asarray(page.render(scale=1).to_pil().convert("L"))
        ink_columns = np.flatnonzero((image < 200).any(axis=0))
        assert ink_columns.max() <= image.shape[1] - margin + 2
    assert found, "the last column of the wide table is missing from the PDF"


def test_print_copy_without_browser(report_html):
    page = report_html.read_text(encoding="utf-8")
    copy = pdf.print_page(page, title="Bericht", lang="en", orientation="portrait")
    assert "<script" not in copy.lower()                       # prints offline, as the static report
    assert 'class="cj-wide' in copy                             # 24 columns: smaller type
    assert "size: A4 portrait" in copy and 'counter(page) " of " counter(pages)' in copy
    assert copy.index('class="cj-cover"') > copy.lower().index("<body")


def test_bad_input_named():
    with pytest.raises(DataError, match="does not exist"):
        pdf.export_pdf("missing.html")
    with pytest.raises(ParameterError, match="orientation"):
        pdf.export_pdf("missing.html", orientation="sideways")


def test_style_html_gives_the_report_the_client_look_once(report_html, tmp_path):
    from PIL import Image
    from cjkit.report.styling import style_html

    page = tmp_path / "styled.html"
    page.write_text(report_html.read_text(encoding="utf-8"), encoding="utf-8")
    Image.new("RGB", (30, 10), "#112233").save(tmp_path / "logo.png")
    (tmp_path / "theme.yaml").write_text("name: Acme\nlogo: logo.png\ncolors: {primary: '#112233'}\n"
                                         "footer: {de: Acme vertraulich, en: Acme confidential}\n", encoding="utf-8")
    style_html(page, theme=tmp_path / "theme.yaml", lang="en")
    style_html(page, theme=tmp_path / "theme.yaml", lang="de")      # again: replaces, does not add
    text = page.read_text(encoding="utf-8")
    assert text.count('<style id="cj-theme">') == 1 and "--cj-primary: #112233;" in text
    assert text.count('id="cj-theme-logo"') == 1 and "data:image/png;base64," in text
    assert "Acme vertraulich</div>" in text and "Acme confidential" not in text
    assert text.index('id="cj-theme-logo"') < text.index("Zufriedenheitsbericht") < text.index("Acme vertraulich")
