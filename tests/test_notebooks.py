"""The report notebooks run under papermill through the batch CLI on a small grid, and write
key figures that agree with an independent computation."""
import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml

NOTEBOOKS = ["10_satisfaction_report", "20_pain_points", "30_journey_map"]
PERSONA = "Geschaeftsreisender"


@pytest.fixture(scope="module")
def cli_run(root, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    cfg = {"run": "ci", "title": "CI <grid>", "output_root": str(out), "workers": 2,
           "notebooks": [str(root / "notebooks" / f"{nb}.ipynb") for nb in NOTEBOOKS],
           "parameters": {"spec": str(root / "surveys" / "demo" / "spec.yaml"), "lang": "de"},
           "grid": {"segment": [PERSONA], "wave": ["2025-H2"]}}
    path = out / "run.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "cjkit.cli", "report", str(path), "--quiet"],
                          capture_output=True, text=True, timeout=900)
    return proc, out / "ci"


def test_cli_runs_every_report(cli_run):
    proc, run_dir = cli_run
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1] == str(run_dir / "index.html")
    assert "3 reports: 3 ok" in proc.stdout
    for nb in NOTEBOOKS:
        name = f"{nb}__geschaeftsreisender__2025-h2"
        html = (run_dir / f"{name}.html").read_text(encoding="utf-8")
        assert "data:image/png;base64" in html                 # figures are embedded
        assert "open_study(" not in html                       # code hidden
        assert (run_dir / name / "key_figures.json").is_file()
    index = (run_dir / "index.html").read_text(encoding="utf-8")
    assert "CI &lt;grid&gt;" in index and index.count(".html\">") == 3
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["ledger_summary"]["n_input"] == 3008
    assert manifest["inputs"]["spec"]["sha256"] and manifest["packages"]["pandas"]


def test_key_figures_agree_with_pandas(cli_run, root):
    _, run_dir = cli_run
    figures = json.loads((run_dir / "10_satisfaction_report__geschaeftsreisender__2025-h2" / "key_figures.json")
                         .read_text(encoding="utf-8"))
    from cjkit.report.study import open_study
    full = open_study(root / "surveys" / "demo" / "spec.yaml")     # independent: plain pandas on kept rows
    kept = full.wide[(full.wide["persona"] == PERSONA) & (full.wide["welle"] == "2025-H2")]
    w, nps = kept["gewicht"].astype(float), kept["weiterempfehlung"].astype(float)
    expected = 100 * (w[nps >= 9].sum() - w[nps <= 6].sum()) / w.sum()
    assert figures["nps"]["value"] == pytest.approx(expected, abs=1e-5)
    assert figures["respondents_in_scope"]["value"] == len(kept)
    overall = kept["gesamtzufriedenheit"].astype(float)
    assert figures["gesamtzufriedenheit_mean"]["value"] == pytest.approx(np.average(overall, weights=w), abs=1e-5)


def test_rerun_skips_up_to_date(cli_run):
    _, run_dir = cli_run
    proc = subprocess.run([sys.executable, "-m", "cjkit.cli", "report", str(run_dir.parent / "run.yaml"), "--quiet"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and "3 skipped" in proc.stdout


def test_mistyped_parameter_fails_before_running(root, tmp_path):
    cfg = {"notebooks": [str(root / "notebooks" / "10_satisfaction_report.ipynb")], "output_root": str(tmp_path),
           "parameters": {"spec": str(root / "surveys" / "demo" / "spec.yaml"), "langauge": "de"}}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "cjkit.cli", "report", str(path), "--quiet"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "has no parameter 'langauge'" in proc.stderr and "allowed:" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("nb", ["01_explore", *NOTEBOOKS, "40_journey_paths", "60_value"])
def test_notebooks_show_only_catalog_text(root, nb):
    """No Markdown (it would show developer text in one language); every heading and note a
    notebook asks for is in the label catalog, so it exists in German and English."""
    import nbformat

    from cjkit.catalog import i18n
    book = nbformat.read(root / "notebooks" / f"{nb}.ipynb", as_version=4)
    assert [c.cell_type for c in book.cells] == ["code"] * len(book.cells)
    assert "parameters" in book.cells[0].metadata.get("tags", [])
    code = "\n".join(c.source for c in book.cells)
    keys = set(re.findall(r"\"((?:sec|note|no)_\w+)\"", code))
    assert keys and keys <= set(i18n.LABELS), keys - set(i18n.LABELS)
    assert "print(" not in code                                      # key figures are tiles and tables
