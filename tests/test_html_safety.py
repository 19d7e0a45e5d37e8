"""Verbatims in HTML reports are escaped: rendered in headless Chromium, a `<script>` in an open
answer shows as text and never runs; a control character does not break the report; the report
loads no remote script and no MathJax; the Excel export keeps formula text as text."""
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib.image as mpimg
import openpyxl
import pandas as pd
import pytest
import yaml

from cjkit.report.execute import execute
from cjkit.report.grid import Job

PAYLOAD = ("=HYPERLINK(\"http://evil.example\",\"klick\") Das WLAN war\x07 extrem langsam, Preis $5 bis $10 "
           "<script>document.title='PWNED'</script> <img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("headless Chromium is not installed (make test installs the Debian package when run as root)")
    return exe


@pytest.fixture(scope="module")
def hostile_report(root, tmp_path_factory):
    """The pain-point report of a small survey whose open answers all carry an HTML/formula payload."""
    tmp = tmp_path_factory.mktemp("hostile")
    raw = pd.read_csv(root / "surveys" / "demo" / "hotel_guests.csv", dtype=str)
    part = raw[raw["persona"] == "Geschaeftsreisender"].head(300).copy()
    part["kommentar"] = PAYLOAD
    part.to_csv(tmp / "hostile.csv", index=False)
    spec = yaml.safe_load((root / "surveys" / "demo" / "spec.yaml").read_text(encoding="utf-8"))
    spec["data"] = "hostile.csv"
    (tmp / "spec.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    job = Job(root / "notebooks" / "20_pain_points.ipynb", {"spec": str(tmp / "spec.yaml"), "lang": "de"}, "hostile")
    row = execute(job, tmp)
    assert row["status"] == "ok", row["error"]
    return tmp


def _run(args, timeout=90):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout)


def test_verbatims_render_as_text_in_chromium(hostile_report, tmp_path):
    exe = _chromium()
    page = (hostile_report / "hostile.html").resolve()
    source = page.read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title=" in source          # escaped in the file itself
    assert "<script>document.title='PWNED'</script>" not in source
    dom = _run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'dom'}", "--virtual-time-budget=3000",
                "--dump-dom", page.as_uri()]).stdout
    assert "<title>PWNED</title>" not in dom                  # the script did not run
    assert 'data-pwned="1"' not in dom                        # nor did the onerror handler
    assert "&lt;script&gt;document.title='PWNED'&lt;/script&gt;" in dom   # shown as text
    shot = tmp_path / "report.png"
    _run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'shot'}", "--window-size=1280,2400",
          "--virtual-time-budget=3000", f"--screenshot={shot}", page.as_uri()])
    image = mpimg.imread(shot)
    assert image.shape[:2] == (2400, 1280)
    assert image[..., :3].std() > 0.05                          # a rendered page, not a blank one


def test_report_loads_no_remote_script_and_no_mathjax(hostile_report):
    page = (hostile_report / "hostile.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"import\s[^;]*from\s*[\"'](https?:)?//", page)
    assert "MathJax" not in page and "require.min.js" not in page and "mermaid" not in page
    assert "Preis $5 bis $10" in page                           # shown as typed, never typeset


def test_excel_export_neutralises_formula(hostile_report):
    book = openpyxl.load_workbook(hostile_report / "hostile" / "pain_points.xlsx")
    cells = [c for row in book["Verbatims"].iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    hostile = [c for c in cells if c.value.startswith("=HYPERLINK")]
    assert hostile and all(c.data_type == "s" and c.quotePrefix for c in hostile)   # text as written, typed text
    assert not any(c.value.startswith("'=") for c in cells)                         # no visible apostrophe
    assert all(c.data_type != "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)
