"""Attacks on a report run are blocked: paths outside the run folder, symbolic links, foreign
notebooks, a spec pointing at another file, colliding report names, script links in the
index, mathtext in chart labels; and a real run is private (file modes, IPC kernel, no CDN)."""
import json
import os
import re
import stat

import matplotlib.pyplot as plt
import nbformat as nbf
import pandas as pd
import pytest
import yaml

import cjkit as cj
from cjkit.cli import main
from cjkit.errors import CjkitError, ConfigError, DataError, ParameterError
from cjkit.report import batch, runindex


def _notebook(path, body="print(x)", extra=""):
    book = nbf.v4.new_notebook()
    params = nbf.v4.new_code_cell('x: int = 1\nlabel: str = "a"\noutput_dir: str = "."' + extra)
    params.metadata["tags"] = ["parameters"]
    book.cells = [params, nbf.v4.new_code_cell(body)]
    book.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbf.write(book, path)
    return path


@pytest.fixture()
def project(tmp_path):
    """A project: notebooks/, surveys/s/run.yaml, reports/ beside them."""
    _notebook(tmp_path / "notebooks" / "nb.ipynb")
    run = tmp_path / "surveys" / "s" / "run.yaml"
    run.parent.mkdir(parents=True)
    run.write_text(yaml.safe_dump({"run": "t", "notebooks": ["../../notebooks/nb.ipynb"], "parameters": {},
                                   "output_root": "../../reports"}), encoding="utf-8")
    return tmp_path


def _files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_run_name_with_a_path_is_refused(project, capsys):
    run = project / "surveys" / "s" / "run.yaml"
    before = _files(project)
    assert main(["report", str(run), "--run", "../../x", "--quiet"]) == 2
    assert "run name '../../x' is not allowed" in capsys.readouterr().err
    for bad in ("..", ".", "a/b", "..\\x", ".hidden", "-rf"):
        with pytest.raises(ParameterError):
            batch.run_batch(run, run=bad, progress=False)
    assert _files(project) == before                                      # nothing written anywhere
    cfg = yaml.safe_load(run.read_text())
    for bad in ("..", "a..b", "../x"):
        run.write_text(yaml.safe_dump({**cfg, "run": bad}), encoding="utf-8")
        with pytest.raises(ConfigError, match=r"(key 'run'|run.yaml: run): "):
            batch.load_run(run)


def test_symlinked_run_folder_and_report_files_are_not_followed(project, tmp_path_factory):
    run = project / "surveys" / "s" / "run.yaml"
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (project / "reports").mkdir()
    (project / "reports" / "t").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(CjkitError, match="symbolic link"):
        batch.run_batch(run, progress=False)
    assert list(elsewhere.iterdir()) == []
    # a report file planted as a link to the source notebook: that report fails, the source stays
    (project / "reports" / "t").unlink()
    (project / "reports" / "t").mkdir()
    source = project / "notebooks" / "nb.ipynb"
    original = source.read_bytes()
    (project / "reports" / "t" / "nb__all.ipynb").symlink_to(source)
    job = batch.expand_grid(batch.load_run(run))[0]
    row = batch.execute(job, project / "reports" / "t")
    assert row["status"] == "failed" and "symbolic link" in row["error"]
    assert source.read_bytes() == original


def test_output_folder_holding_the_notebooks_is_refused(project):
    run = project / "surveys" / "s" / "run.yaml"
    cfg = {**yaml.safe_load(run.read_text()), "output_root": "../..", "run": "notebooks"}
    run.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    with pytest.raises(CjkitError, match="holds the notebook 'nb.ipynb' itself"):
        batch.run_batch(run, progress=False)


def test_notebooks_only_from_the_project_unless_allowed(project, tmp_path_factory):
    foreign = _notebook(tmp_path_factory.mktemp("foreign") / "evil.ipynb")
    run = project / "surveys" / "s" / "run.yaml"
    cfg = {**yaml.safe_load(run.read_text()), "notebooks": [str(foreign)]}
    run.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"key 'notebooks\[0\]'.*outside the project's notebook folders"):
        batch.load_run(run)
    (project / "notebooks" / "link.ipynb").symlink_to(foreign)            # a link into notebooks/ is no way in
    run.write_text(yaml.safe_dump({**cfg, "notebooks": ["../../notebooks/link.ipynb"]}), encoding="utf-8")
    with pytest.raises(ConfigError, match="outside the project's notebook folders"):
        batch.load_run(run)
    run.write_text(yaml.safe_dump({**cfg, "notebook_folders": [str(foreign.parent)]}), encoding="utf-8")
    assert batch.load_run(run).notebooks[0].path == foreign.resolve()     # explicitly allowed


def test_spec_data_path_is_resolved_and_its_content_never_quoted(tmp_path):
    secret = tmp_path / "private" / "notes.txt"
    secret.parent.mkdir()
    secret.write_text("Max Mustermann;DE89370400440532013000;geheim\nzweite Zeile\n", encoding="utf-8")
    spec = {**cj.example_spec(), "data": "../private/notes.txt"}
    (tmp_path / "survey").mkdir()
    (tmp_path / "survey" / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    with pytest.raises(DataError) as err:
        cj.open_study(tmp_path / "survey" / "spec.yaml")
    message = str(err.value)
    assert str(secret.resolve()) in message and "data:" in message        # where it was read from
    assert "Mustermann" not in message and "DE89" not in message and "geheim" not in message


def test_segment_values_differing_in_case_or_umlauts_get_distinct_report_files(tmp_path):
    _notebook(tmp_path / "nb.ipynb")
    cfg = batch.load_run({"notebooks": ["nb.ipynb"], "parameters": {}, "notebook_folders": ["."],
                          "grid": {"label": ["@values"]}}, base=tmp_path)
    values = ["Müller", "Mueller", "müller", "MÜLLER", "a/b", "a-b", "..", "Paar"]
    jobs = batch.expand_grid(cfg, values_of=lambda params, name: values)
    names = [j.name for j in jobs]
    assert len(set(n.lower() for n in names)) == len(values)             # distinct even on a case-blind disk
    assert all(re.fullmatch(r"[a-z0-9_][a-z0-9_\-]*", n) for n in names)  # plain file names, no dots or slashes
    assert names[-1] == "nb__paar"                                       # no collision: the plain slug
    _notebook(tmp_path / "Mein Bericht (v2).ipynb")
    cfg = batch.load_run({"notebooks": ["Mein Bericht (v2).ipynb"], "parameters": {}, "notebook_folders": ["."]},
                         base=tmp_path)
    assert [j.name for j in batch.expand_grid(cfg)] == ["mein-bericht-v2__all"]


@pytest.mark.parametrize("html", ["javascript:alert(1)", "JaVaScRiPt:alert(1)//.html", "https://evil.example/x.html",
                                  "../outside.html", "data:text/html,<script>1</script>", "//evil.example/a.html"])
def test_index_links_only_to_report_files_of_the_run(tmp_path, html):
    (tmp_path / "ok.html").write_text("ok")
    cfg = batch.load_run({"notebooks": ["nb.ipynb"], "parameters": {"lang": "en"}, "notebook_folders": ["."],
                          "title": "T"}, base=_notebook(tmp_path / "nb.ipynb").parent)
    rows = [{"name": "bad", "notebook": "nb.ipynb", "status": "ok", "error": "", "html": html, "parameters": {}},
            {"name": "ok", "notebook": "nb.ipynb", "status": "ok", "error": "", "html": "ok.html", "parameters": {}}]
    page = runindex.write_index(tmp_path, cfg, rows, {}).read_text(encoding="utf-8")
    hrefs = re.findall(r"href=[\"']([^\"']*)", page)
    assert sorted(hrefs) == ["manifest.json", "ok.html"]


def test_mathtext_in_a_segment_label_is_plain_text(themed, tmp_path):
    data = pd.DataFrame({"segment": ["$x$", "Preis $5 bis $10", "$\\frac{"] * 2,
                         "touchpoint": ["wifi"] * 3 + ["room"] * 3, "value": [3.1, 3.5, 4.0, 2.9, 4.2, 3.3],
                         "n": [40] * 6})
    fig, ax = plt.subplots()
    cj.persona_plot(data, sig=None, ax=ax)
    fig.savefig(tmp_path / "p.png")                                      # mathtext would raise here
    shown = {t.get_text() for t in ax.get_xticklabels()}
    assert {"$x$", "Preis $5 bis $10", "$\\frac{"} <= shown


def test_kernel_is_not_interrupted_when_it_shuts_down(tmp_path):
    import asyncio

    from cjkit.report.outputs import ipc_kernel_manager

    km = ipc_kernel_manager(tmp_path)(kernel_name="python3")
    assert (km.transport, km.ip) == ("ipc", str(tmp_path / "kernel"))
    km.shutting_down = True
    asyncio.run(km._async_interrupt_kernel())                           # no SIGINT: nothing to log
    km.shutting_down = False
    with pytest.raises(RuntimeError, match="No kernel is running"):      # a timeout still interrupts
        asyncio.run(km._async_interrupt_kernel())


def test_run_is_private_quiet_uses_ipc_and_loads_no_remote_script(tmp_path, capfd):
    """One real run from the command line: file modes, IPC kernel, self-contained HTML, CSV tables
    neutralised, and on the console one line per failed report and nothing else."""
    body = ("import json, pathlib\nfrom ipykernel import get_connection_info\n"
            "print('transport', json.loads(get_connection_info())['transport'])\n"
            "assert x < 2, 'x too big, write to max.mustermann@example.org'\n"
            "out = pathlib.Path(output_dir); out.mkdir(parents=True, exist_ok=True)\n"
            "import pandas as pd\n"
            "pd.DataFrame({'channel': ['=HYPERLINK(\"http://evil\",\"x\")', '+cmd|calc', 'Mail'], 'n': [1, -2, 3]})"
            ".to_csv(out / 'markov.csv', index=False)\n"
            "from IPython.display import Markdown\nMarkdown('Preis $5 bis $10')")
    _notebook(tmp_path / "notebooks" / "nb.ipynb", body=body, extra='\nspec: str = ""')
    cj.example_data(20).to_csv(tmp_path / "answers.csv", index=False)
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump({**cj.example_spec(), "data": "answers.csv"}), encoding="utf-8")
    (tmp_path / "run.yaml").write_text(yaml.safe_dump({
        "run": "t", "notebooks": ["notebooks/nb.ipynb"], "parameters": {"spec": "spec.yaml"}, "grid": {"x": [1, 2]}, "output_root": "reports"}), encoding="utf-8")
    capfd.readouterr()
    assert main(["report", str(tmp_path / "run.yaml"), "--quiet"]) == 1
    console = capfd.readouterr()
    assert [line for line in console.err.splitlines() if line.strip()] == [
        "FAILED nb__2: AssertionError: x too big, write to [EMAIL]"]             # one line, masked
    assert "ERROR" not in console.out + console.err and "KeyboardInterrupt" not in console.out + console.err
    assert "TCP without encryption" not in console.out + console.err
    out = tmp_path / "reports" / "t"
    modes = {p.relative_to(out).as_posix(): stat.S_IMODE(os.lstat(p).st_mode) for p in [out, *out.rglob("*")]}
    assert modes.pop(".") == 0o700 and modes.pop("nb__1") == 0o700
    cache_dirs = [p for p in modes if p.startswith("_cache") and (out / p).is_dir()]
    assert cache_dirs and {modes.pop(p) for p in cache_dirs} == {0o700}   # the study snapshot's folders
    assert any(p.startswith("_cache/") for p in modes)                      # ... and its files, 0600 below
    assert modes and set(modes.values()) == {0o600}, modes               # html, ipynb, manifest, index, csv
    executed = nbf.read(out / "nb__1.ipynb", as_version=4)
    assert "transport ipc" in executed.cells[-1].outputs[0]["text"]
    page = (out / "nb__1.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"from\s*[\"'](https?:)?//", page) and "MathJax" not in page
    assert "Preis $5 bis $10" in page
    table = pd.read_csv(out / "nb__1" / "markov.csv")
    assert table["channel"].tolist() == ["'=HYPERLINK(\"http://evil\",\"x\")", "'+cmd|calc", "Mail"]
    assert table["n"].tolist() == [1, -2, 3]
    facts = json.loads((out / "manifest.json").read_text())
    assert [r["status"] for r in facts["reports"]] == ["ok", "failed"]
    assert "mustermann" not in json.dumps(facts) and "mustermann" not in (out / "index.html").read_text()


def test_permissions_are_private_unless_the_run_file_says_otherwise(tmp_path):
    from cjkit.report.outputs import apply_permissions, run_folder

    _notebook(tmp_path / "nb.ipynb")
    base = {"notebooks": ["nb.ipynb"], "parameters": {}, "notebook_folders": ["."]}
    assert batch.load_run(base, base=tmp_path).permissions == "private"
    assert batch.load_run({**base, "permissions": "group"}, base=tmp_path).permissions == "group"
    with pytest.raises(ConfigError, match="permissions"):
        batch.load_run({**base, "permissions": "world"}, base=tmp_path)
    folder = run_folder(tmp_path / "reports", "g", permissions="group")
    (folder / "sub").mkdir()
    (folder / "sub" / "a.html").write_text("x")
    (folder / "link.html").symlink_to(tmp_path / "nb.ipynb")
    before = stat.S_IMODE(os.stat(tmp_path / "nb.ipynb").st_mode)
    apply_permissions(folder, "group")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750 and stat.S_IMODE((folder / "sub").stat().st_mode) == 0o750
    assert stat.S_IMODE((folder / "sub" / "a.html").stat().st_mode) == 0o640
    assert stat.S_IMODE(os.stat(tmp_path / "nb.ipynb").st_mode) == before    # a link's target is not touched
