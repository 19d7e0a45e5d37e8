"""PowerPoint deck: one slide per saved chart with its title and source note, key figures as a table."""
from __future__ import annotations

import datetime
import io
import json
import os
import zipfile

import matplotlib.pyplot as plt
import pytest

from cjkit.errors import DataError, ParameterError
from cjkit.report import deck, sections

pptx = pytest.importorskip("pptx")
from pptx import Presentation  # noqa: E402
from pptx.util import Inches  # noqa: E402


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    """A report's output folder as a notebook leaves it: charts, key figures."""
    out = tmp_path_factory.mktemp("run") / "10_satisfaction_report__familie-mit-kindern__all"
    for k, name in enumerate(["satisfaction_by_touchpoint", "drivers", "my_own_chart"]):
        fig, ax = plt.subplots(figsize=(4, 2 + k), dpi=50)
        ax.plot([0, 1], [k, k + 1])
        path = sections.save_figure(fig, out, name)
        os.utime(path, ns=(1_000_000_000 * (k + 1),) * 2)  # the order the report saved them
        plt.close(fig)
    figures = {"respondents_in_scope": {"value": 538.0, "ci_low": None, "ci_high": None, "n": 538},
               "gesamtzufriedenheit_top2": {"value": 0.695486, "ci_low": 0.678158, "ci_high": 0.712277, "n": 538},
               "nps": {"value": 12.54, "ci_low": 9.62, "ci_high": 15.46, "n": 538}}
    (out / "key_figures.json").write_text(json.dumps(figures), encoding="utf-8")
    return out


def _texts(slide):
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


def test_one_slide_per_chart_with_titles_and_source_note(report_dir):
    path = deck.export_deck(report_dir, lang="de", survey="Gästebefragung 2025", date=datetime.date(2026, 3, 2))
    assert path == report_dir.parent / f"{report_dir.name}.pptx"
    prs = Presentation(path)
    slides = list(prs.slides)
    titles = [s.shapes.title.text for s in slides]
    assert titles == ["Zufriedenheitsbericht – familie mit kindern", "Zufriedenheit nach Touchpoint",
                      "Treiber der Gesamtzufriedenheit", "My own chart", "Kennzahlen"]
    charts = slides[1:4]
    assert [len([s for s in c.shapes if s.shape_type == 13]) for c in charts] == [1, 1, 1]  # 13: picture
    for c in charts:
        assert "Quelle: Gästebefragung 2025 · n = 538 · 02.03.2026" in _texts(c)
        pic = next(s for s in c.shapes if s.shape_type == 13)
        assert pic.left >= 0 and pic.left + pic.width <= prs.slide_width
        assert pic.top >= Inches(1.2) and pic.top + pic.height <= prs.slide_height - Inches(0.9)
    assert "Gästebefragung 2025 · 02.03.2026" in " ".join(_texts(slides[0]))


def test_key_figure_table_with_labels_and_formats(report_dir):
    prs = Presentation(deck.export_deck(report_dir, lang="en"))
    table = next(s for s in prs.slides[-1].shapes if s.has_table).table
    rows = [[table.cell(i, j).text for j in range(4)] for i in range(len(table.rows))]
    assert rows[0] == ["Figure", "Value", "95% confidence interval", "n"]
    assert rows[1] == ["Respondents in the report", "538", "", "538"]
    assert rows[2] == ["Gesamtzufriedenheit: top-2 box", "70%", "68% – 71%", "538"]
    assert rows[3] == ["Net Promoter Score", "+13", "+10 – +15", "538"]


def test_master_template_is_used(report_dir, tmp_path):
    master = Presentation()
    master.slide_width, master.slide_height = Inches(10), Inches(7.5)   # 4:3, unlike the default 16:9
    master.slides.add_slide(master.slide_layouts[0]).shapes.title.text = "Muster-Folie"
    buf = io.BytesIO()
    master.save(buf)
    potx = tmp_path / "master.potx"   # the same package labelled as a template, as PowerPoint saves one
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(potx, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            dst.writestr(item, body.replace(b"presentation.main+xml", b"template.main+xml")
                         if item.filename == "[Content_Types].xml" else body)
    (tmp_path / "theme.yaml").write_text("name: Acme\npowerpoint_template: master.potx\nfooter: Acme intern\n",
                                         encoding="utf-8")
    prs = Presentation(deck.export_deck(report_dir, theme=tmp_path / "theme.yaml", charts=["drivers"]))
    assert (prs.slide_width, prs.slide_height) == (Inches(10), Inches(7.5))
    titles = [s.shapes.title.text for s in prs.slides]
    assert "Muster-Folie" not in titles and titles[1] == "Treiber der Gesamtzufriedenheit"
    assert "Acme intern" in _texts(prs.slides[1])


def test_bad_input_named(report_dir, tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        deck.export_deck(tmp_path / "nothing")
    with pytest.raises(ParameterError, match="charts"):
        deck.export_deck(report_dir, charts=["drivers", "no_such_chart"])
