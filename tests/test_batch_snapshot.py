"""A batch run loads each survey once: the snapshot is exact, private, read by every step, and erased."""
import json
import os
import stat

import nbformat as nbf
import pandas as pd
import pytest
import yaml

import cjkit as cj
from cjkit.cli import main
from cjkit.io import erasure
from cjkit.io.load import load
from cjkit.report import snapshot, study as study_mod


def _survey(folder, n=30):
    data = cj.example_data(n)
    data["persona"] = "Familie"
    folder.mkdir(parents=True, exist_ok=True)
    data.to_csv(folder / "answers.csv", index=False)
    spec = {**cj.example_spec(), "data": "answers.csv"}
    (folder / "spec.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return data


def _notebook(path):
    """A report that can only succeed from the snapshot: its kernel has no loader."""
    book = nbf.v4.new_notebook()
    params = nbf.v4.new_code_cell('spec: str = ""\nsegment: str = "all"\noutput_dir: str = "."')
    params.metadata["tags"] = ["parameters"]
    first = ("import os, sys\nfresh = {'pid': os.getpid(), 'preloaded': 'cjkit' in sys.modules, "
             "'leftover': 'study' in globals()}")
    body = ("import json, os, pathlib\nimport cjkit as cj\nimport cjkit.report.study as loader\n"
            "loader.load = None  # reading the export here would fail\n"
            "study = cj.open_study(spec, segment_column='persona', segment=segment)\n"
            "out = pathlib.Path(output_dir); out.mkdir(parents=True, exist_ok=True)\n"
            "(out / 'facts.json').write_text(json.dumps({'n': len(study.wide), 'mean': float(study.long['value'].sum())}))\n"
            "(out / 'kernel.json').write_text(json.dumps(fresh))")
    book.cells = [params, nbf.v4.new_code_cell(first), nbf.v4.new_code_cell(body)]
    book.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbf.write(book, path)


@pytest.fixture()
def project(tmp_path):
    _notebook(tmp_path / "notebooks" / "report.ipynb")
    _survey(tmp_path / "surveys" / "s")
    run = tmp_path / "surveys" / "s" / "report.yaml"
    run.write_text(yaml.safe_dump({"run": "r", "notebooks": ["../../notebooks/report.ipynb"],
                                   "output_root": "../../reports", "parameters": {"spec": "spec.yaml"},
                                   "grid": {"segment": ["all", "@values"]}, "permissions": "group"}),
                   encoding="utf-8")
    return tmp_path, run


def test_snapshot_gives_back_exactly_what_the_export_loads(tmp_path):
    data = cj.example_data(40)
    data.loc[3, "comment"] = None
    data.to_csv(tmp_path / "answers.csv", index=False)
    spec = cj.load_spec(cj.example_spec())
    loaded = load(tmp_path / "answers.csv", spec)
    back = snapshot.read_snapshot(snapshot.write_snapshot(loaded, tmp_path / "k"))
    for name in ("wide", "long", "ledger"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(loaded, name))
    assert back.n_input == 40 and back.long["phase"].cat.ordered
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [tmp_path / "k", *(tmp_path / "k").iterdir()]}
    assert modes == {"k": 0o700, "wide.parquet": 0o600, "long.parquet": 0o600, "ledger.parquet": 0o600,
                     "meta.json": 0o600}


def test_a_run_loads_the_survey_once_every_step_reads_the_snapshot_and_forget_deletes_it(project, monkeypatch,
                                                                                          capsys):
    tmp_path, run = project
    calls = []
    real = snapshot.load
    monkeypatch.setattr(snapshot, "load", lambda *a, **k: calls.append(a) or real(*a, **k))

    def refuse(*args, **kwargs):
        raise AssertionError("grid, preflight or manifest read the export again")

    monkeypatch.setattr(study_mod, "load", refuse)
    assert main(["report", str(run), "--quiet", "--workers", "2"]) == 0
    assert len(calls) == 1                                     # one load for the grid, manifest and both reports
    out = tmp_path / "reports" / "r"
    data = pd.read_csv(tmp_path / "surveys" / "s" / "answers.csv")
    ratings = ["tp_website", "tp_booking", "tp_check_in", "tp_room", "tp_wifi", "overall", "recommend"]
    for name in ("report__all", "report__familie"):           # every respondent is a Familie
        facts = json.loads((out / name / "facts.json").read_text(encoding="utf-8"))
        assert facts == {"n": 30, "mean": float(data[ratings].to_numpy().sum())}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["ledger_summary"]["data"] == "answers.csv"
    cache = out / erasure.CACHE_FOLDER
    first = [p for p in cache.iterdir() if p.is_dir()]
    assert len(first) == 1 and stat.S_IMODE(cache.stat().st_mode) == 0o700   # private though the run is 'group'
    assert {stat.S_IMODE(p.stat().st_mode) for p in first[0].iterdir()} == {0o600}
    assert stat.S_IMODE((out / "report__all.html").stat().st_mode) == 0o640
    assert snapshot.ENV not in os.environ                      # the runner leaves the environment as it was
    # changed data: a new snapshot, the old one deleted, the reports rebuilt from the new one; one worker
    # starts the second report's kernel (which imports cjkit) while the first report is exported
    _survey(tmp_path / "surveys" / "s", n=25)
    assert main(["report", str(run), "--quiet", "--workers", "1"]) == 0
    second = [p for p in cache.iterdir() if p.is_dir()]
    assert len(second) == 1 and second[0].name != first[0].name and len(calls) == 2
    assert json.loads((out / "report__all" / "facts.json").read_text(encoding="utf-8"))["n"] == 25
    kernel = {name: json.loads((out / name / "kernel.json").read_text()) for name in ("report__all", "report__familie")}
    assert [k["preloaded"] for k in kernel.values()] == [False, True]        # cold first, then warm
    assert not any(k["leftover"] for k in kernel.values())                   # each report in a fresh kernel
    assert kernel["report__all"]["pid"] != kernel["report__familie"]["pid"]
    # an erasure request deletes every run's cache (it may hold the erased respondent's answers)
    assert main(["forget", "r0007", "--spec", str(tmp_path / "surveys" / "s" / "spec.yaml")]) == 0
    assert not cache.exists()
    assert "1 respondent(s) added" in capsys.readouterr().out


def test_a_notebook_opened_by_hand_reads_the_export(tmp_path, monkeypatch):
    _survey(tmp_path / "s")
    monkeypatch.delenv(snapshot.ENV, raising=False)
    opened = cj.open_study(str(tmp_path / "s" / "spec.yaml"))
    assert opened.n_input == 30
    monkeypatch.setenv(snapshot.ENV, str(tmp_path / "no-cache"))   # a stale setting: still loads
    assert cj.open_study(str(tmp_path / "s" / "spec.yaml")).n_input == 30
