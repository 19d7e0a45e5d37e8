"""Batch runs: parameter validation, grid expansion, failure isolation, skipping, manifest and index."""
import json
from dataclasses import replace

import nbformat as nbf
import pytest
import yaml

from cjkit.report import batch, grid
from cjkit.errors import ConfigError, ParameterError


def _notebook(path, body="print(x * factor)"):
    book = nbf.v4.new_notebook()
    params = nbf.v4.new_code_cell('x: int = 1  # a number\nfactor: float = 2.0  # multiplier\n'
                                  'label: str = "a"  # a label\noutput_dir: str = "."  # where to write')
    params.metadata["tags"] = ["parameters"]
    book.cells = [params, nbf.v4.new_code_cell("if label == 'boom':\n    raise ValueError('label boom is not allowed')"),
                  nbf.v4.new_code_cell(body)]
    book.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    nbf.write(book, path)
    return path


@pytest.fixture()
def run_config(tmp_path):
    _notebook(tmp_path / "nb.ipynb")
    cfg = {"run": "t", "title": "Test <run>", "notebooks": ["nb.ipynb"], "parameters": {"factor": 3.0},
           "grid": {"x": [1, 2], "label": ["a", "boom"]}, "output_root": "out", "notebook_folders": ["."]}
    path = tmp_path / "run.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return path


def test_notebook_parameters_read_from_tagged_cell(tmp_path):
    p = grid.notebook_parameters(_notebook(tmp_path / "nb.ipynb"))
    assert p["x"]["type"] == "int" and p["factor"]["default"] == "2.0" and p["label"]["help"] == "a label"


@pytest.mark.parametrize("params, match", [
    ({"y": 1}, "has no parameter 'y'.*allowed: factor, label, output_dir, x"),
    ({"x": "1"}, "parameter 'x' .* must be int, got str '1'"),
    ({"x": True}, "must be int, got bool"),
    ({"label": 3}, "must be str"),
])
def test_unknown_or_mistyped_parameter_is_an_error(tmp_path, params, match):
    nb = _notebook(tmp_path / "nb.ipynb")
    with pytest.raises(ParameterError, match=match):
        batch.validate_parameters(nb, params)
    batch.validate_parameters(nb, {"x": 2, "factor": 1, "label": "b"})  # int is fine for float


def test_notebook_without_parameters_cell(tmp_path):
    book = nbf.v4.new_notebook()
    book.cells = [nbf.v4.new_code_cell("1")]
    nbf.write(book, tmp_path / "plain.ipynb")
    with pytest.raises(ConfigError, match="no cell tagged 'parameters'"):
        grid.notebook_parameters(tmp_path / "plain.ipynb")


def test_grid_expansion_and_values_of(run_config):
    cfg = batch.load_run(run_config)
    jobs = batch.expand_grid(cfg)
    assert [j.name for j in jobs] == ["nb__1__a", "nb__1__boom", "nb__2__a", "nb__2__boom"]
    assert jobs[0].parameters == {"factor": 3.0, "x": 1, "label": "a"}
    cfg = replace(cfg, grid={"label": ["all", "@values"]})
    jobs = batch.expand_grid(cfg, values_of=lambda params, name: ["Familie", "Geschäftsreise"])
    assert [j.parameters["label"] for j in jobs] == ["all", "Familie", "Geschäftsreise"]
    assert jobs[2].name == "nb__geschaeftsreise"
    with pytest.raises(ConfigError, match="'@values' needs the data"):
        batch.expand_grid(cfg)


def test_bad_config_names_key(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text(yaml.safe_dump({"notebooks": ["missing.ipynb"], "parameters": {}}))
    with pytest.raises(ConfigError, match=r"key 'notebooks\[0\]'.*not found"):
        batch.load_run(path)
    path.write_text(yaml.safe_dump({"notebooks": [], "parameters": {}}))
    with pytest.raises(ConfigError, match=r"key 'notebooks'"):
        batch.load_run(path)


def test_mistyped_grid_value_stops_before_running(run_config, tmp_path):
    cfg = batch.load_run(run_config)
    cfg = cfg.with_grid(x=[1, "zwei"])
    with pytest.raises(ParameterError, match="must be int"):
        batch.run_batch(cfg, progress=False)
    assert not (tmp_path / "out" / "t").exists() or not any((tmp_path / "out" / "t").glob("*.ipynb"))


def test_run_batch_isolates_failures_skips_up_to_date(run_config, tmp_path):
    result = batch.run_batch(run_config, workers=2, progress=False,
                             context=lambda params: {"ledger_summary": {"input_rows": 10, "kept": 9}})
    out = tmp_path / "out" / "t"
    status = dict(zip(result["name"], result["status"]))
    assert status == {"nb__1__a": "ok", "nb__1__boom": "failed", "nb__2__a": "ok", "nb__2__boom": "failed"}
    failed = result.set_index("name").loc["nb__1__boom", "error"]
    assert "ValueError" in failed and "label boom is not allowed" in failed
    executed = nbf.read(out / "nb__2__a.ipynb", as_version=4)
    assert executed.cells[-1].outputs[0]["text"].strip() == "6.0"          # 2 * 3.0: parameters injected
    html = (out / "nb__2__a.html").read_text(encoding="utf-8")
    assert "6.0" in html and "print(x * factor)" not in html              # code hidden
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["ledger_summary"] == {"input_rows": 10, "kept": 9}
    assert manifest["packages"]["papermill"] and len(manifest["inputs"]["notebook:nb.ipynb"]["sha256"]) == 64
    assert {r["name"]: r["parameters"]["x"] for r in manifest["reports"]}["nb__2__a"] == 2
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="nb__1__a.html"' in index and "Test &lt;run&gt;" in index and "label boom is not allowed" in index
    # rerun: ok reports are up to date and skipped, failed ones run again
    again = batch.run_batch(run_config, workers=2, progress=False)
    assert dict(zip(again["name"], again["status"])) == {**status, "nb__1__a": "skipped", "nb__2__a": "skipped"}
    # a changed notebook invalidates every report
    _notebook(tmp_path / "nb.ipynb", body="print(x + factor)")
    third = batch.run_batch(run_config, workers=2, progress=False)
    assert (third["status"] == "skipped").sum() == 0


def test_notebook_with_own_parameters_runs_once(run_config, tmp_path):
    other = _notebook(tmp_path / "other.ipynb")
    cfg = yaml.safe_load(run_config.read_text())
    cfg["notebooks"].append({"path": "other.ipynb", "parameters": {"label": "paths"}, "grid": False})
    run_config.write_text(yaml.safe_dump(cfg, sort_keys=False))
    jobs = batch.expand_grid(batch.load_run(run_config))
    assert [j.name for j in jobs][-1] == "other" and jobs[-1].parameters == {"label": "paths"}
    assert len(jobs) == 5 and jobs[-1].notebook == other.resolve()


def test_every_problem_of_a_run_file_at_once(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text(yaml.safe_dump({"notebooks": ["missing.ipynb", {"path": "gone.ipynb", "grid": "no"}],
                                    "parameters": {}, "workers": 0, "run": ".."}))
    with pytest.raises(ConfigError) as err:
        batch.load_run(path)
    assert [p.key for p in err.value.problems] == ["notebooks[1].grid", "run", "workers", "notebooks[0]",
                                                   "notebooks[1]"]
    assert "gone.ipynb' not found" in str(err.value)


def test_run_config_from_dict_equals_file(run_config):
    from_file = batch.load_run(run_config)
    from_dict = batch.load_run(yaml.safe_load(run_config.read_text()), base=run_config.parent)
    assert from_dict == replace(from_file, path=None)
    assert batch.load_run(from_file) is from_file


def test_index_page_for_people(tmp_path):
    """Title, run date, survey, reports named by type, persona and wave, key figures, masked failures."""
    import datetime as dt

    from cjkit.report.runindex import write_index

    (tmp_path / "spec.yaml").write_text(yaml.safe_dump({"survey": "hotel", "title": "Gästebefragung 2025",
        "questions": [{"id": "overall", "text": "Gesamtzufriedenheit", "role": "overall"}]}, allow_unicode=True), encoding="utf-8")
    _notebook(tmp_path / "10_satisfaction_report.ipynb")
    cfg = batch.load_run({"notebooks": ["10_satisfaction_report.ipynb"], "notebook_folders": ["."],
                          "parameters": {"spec": "spec.yaml", "lang": "de"},
                          "grid": {"segment": ["Familie"], "wave": ["all"]}}, base=tmp_path)
    out = tmp_path / "run"
    (out / "ok").mkdir(parents=True)
    (out / "ok.html").write_text("<p>report</p>", encoding="utf-8")
    (out / "ok" / "key_figures.json").write_text(json.dumps({
        "respondents_input": {"value": 130.0}, "respondents_in_scope": {"value": 120.0, "n": 120},
        "overall_mean": {"value": 3.5}, "overall_top2": {"value": 0.51}, "nps": {"value": 1.04}}), encoding="utf-8")
    rows = [{"name": "ok", "notebook": "10_satisfaction_report.ipynb", "status": "ok", "error": "", "html": "ok.html",
             "parameters": {"segment": "Familie", "wave": "all"}},
            {"name": "bad", "notebook": "10_satisfaction_report.ipynb", "status": "failed", "html": "",
             "error": "ValueError: Antwort von max.mustermann@example.org", "parameters": {"segment": "Paar", "wave": "all"}}]
    page = write_index(out, cfg, rows, {}).read_text(encoding="utf-8")
    assert "<h1>Gästebefragung 2025</h1>" in page and dt.date.today().strftime("%d.%m.%Y") in page
    assert '<a href="ok.html">Zufriedenheitsbericht · Familie · alle Wellen</a>' in page
    assert "Befragte im Bericht: 120" in page and "Gesamtzufriedenheit (Mittelwert): 3,50" in page
    assert "Gesamtzufriedenheit (Top-2-Box): 51\u00a0%" in page and "Net Promoter Score: +1" in page
    assert "130" not in page                                              # only the base in scope is shown
    assert "Zufriedenheitsbericht · Paar · alle Wellen" in page and "[EMAIL]" in page and "mustermann" not in page
