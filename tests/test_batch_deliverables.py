"""A batch run delivers every report as HTML in the client's look, and as PDF and PowerPoint when asked."""
import shutil

import nbformat as nbf
import pytest
import yaml
from pptx import Presentation

from cjkit.report import batch

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

BODY = """import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import cjkit as cj
fig, ax = plt.subplots()
ax.bar(["Check-in", "WLAN"], [72, 41])
cj.report.save_figure(fig, output_dir, "touchpoints")
print("Zufriedenheit je Touchpoint")"""


def _run_file(tmp_path, formats, theme=None):
    book = nbf.v4.new_notebook()
    params = nbf.v4.new_code_cell('lang: str = "de"  # report language\noutput_dir: str = "."  # where to write')
    params.metadata["tags"] = ["parameters"]
    book.cells = [params, nbf.v4.new_code_cell(BODY)]
    book.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    nbf.write(book, tmp_path / "nb.ipynb")
    cfg = {"run": "t", "title": "Gästebefragung", "notebooks": ["nb.ipynb"], "parameters": {"lang": "de"},
           "output_root": "out", "notebook_folders": ["."], "formats": formats}
    if theme:
        cfg["theme"] = theme
    path = tmp_path / "run.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_report_comes_as_themed_html_pdf_and_deck_linked_from_the_index(tmp_path):
    (tmp_path / "theme.yaml").write_text("name: Kunde AG\nfooter: {de: 'Kunde AG – vertraulich', en: 'Client plc'}\n"
                                         "colors: {primary: '#123456'}\n", encoding="utf-8")
    result = batch.run_batch(_run_file(tmp_path, ["pdf", "pptx"], theme="theme.yaml"), workers=1, progress=False)
    row = result.iloc[0]
    assert row["status"] == "ok", row["error"]
    out = tmp_path / "out" / "t"
    page = (out / row["html"]).read_text(encoding="utf-8")
    assert "Kunde AG – vertraulich" in page and "#123456" in page.lower()   # the theme file reached the HTML
    deck = Presentation(str(out / row["pptx"]))
    titles = [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]
    assert len(deck.slides) == 2 and titles[0]                              # title slide + one chart
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="{row["pptx"]}"' in index
    if CHROMIUM:
        assert (out / row["pdf"]).read_bytes()[:5] == b"%PDF-" and f'href="{row["pdf"]}"' in index
    else:  # no browser: the PDF is a note on the report, the report itself stands
        assert row["pdf"] == "" and "PDF" in row["notes"]


def test_broken_theme_file_stops_the_run_before_any_report(tmp_path):
    (tmp_path / "theme.yaml").write_text("name: x\ncolors: {primary: blue}\n", encoding="utf-8")
    with pytest.raises(Exception, match="primary"):
        batch.run_batch(_run_file(tmp_path, ["pptx"], theme="theme.yaml"), workers=1, progress=False)
    assert not list((tmp_path / "out" / "t").glob("*.ipynb"))


def test_formats_default_to_html_only_and_unknown_format_is_named(tmp_path):
    cfg = batch.load_run(_run_file(tmp_path, []))
    assert cfg.formats == ("html",) and cfg.theme is None
    with pytest.raises(Exception, match="formats"):
        batch.load_run(_run_file(tmp_path, ["docx"]))
