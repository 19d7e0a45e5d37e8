"""The coding workbench and the filter panel in a real JupyterLab, driven by Playwright in the system Chromium.

A temporary copy of the notebooks and the demo survey is served by ``jupyter lab`` on a random
localhost port with a random token. The test runs the workbench notebook, codes 50 answers with
the workbench's key field, watches the learning coder's agreement figure change, restarts the
kernel and finds the 50 codings again, exports REFI-QDA and reads the kappa/alpha table against
a second coder's file; then a filter of the exploration panel redraws its chart in place.
Playwright never downloads a browser here: it is pointed at the Debian Chromium, and the test is
skipped (with the reason) where there is none.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from cjkit.coding.coder import code_texts
from cjkit.workbench import store

N_CODE = 50
CHROMIUM = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium", shutil.which("chromium-browser"))
                 if p and Path(p).is_file()), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _second_coder(root: Path, path: Path) -> None:
    """Coder 2 coded every demo answer: the rule coder's codes, with every 4th answer's first code left out."""
    raw = pd.read_csv(root / "surveys" / "demo" / "hotel_guests.csv", dtype=str, usecols=["lfdn", "kommentar"])
    raw = raw[raw["kommentar"].fillna("").str.strip() != ""].reset_index(drop=True)
    answers = pd.DataFrame({"respondent_id": raw["lfdn"], "question": "kommentar", "text": raw["kommentar"]})
    hits = code_texts(answers, "default", sentiment=False)
    by_row = hits.groupby("row")["code"].agg(lambda s: sorted(set(map(str, s)))).to_dict()
    rows = []
    for i, rid in enumerate(answers["respondent_id"]):
        codes = by_row.get(i, [])
        if i % 4 == 0:
            codes = codes[1:]
        rows += [(rid, "kommentar", "add", c) for c in codes] + [(rid, "kommentar", "done", None)]
    store.append(path, "coder_2", rows)


def _set_parameters(nb_path: Path, **values) -> None:
    nb = nbformat.read(nb_path, as_version=4)
    lines = nb.cells[0].source.splitlines()
    for name, value in values.items():
        lines = [f"{name}: str = {json.dumps(value)}" if ln.startswith(f"{name}:") else ln for ln in lines]
    nb.cells[0].source = "\n".join(lines)
    nbformat.write(nb, nb_path)


@pytest.fixture(scope="module")
def lab(root, tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("no Chromium found (make test installs the Debian package as root); the browser test needs one")
    pytest.importorskip("playwright.sync_api", reason="playwright (pip) is not installed")
    work = tmp_path_factory.mktemp("lab")
    shutil.copytree(root / "surveys" / "demo", work / "surveys" / "demo")
    (work / "notebooks").mkdir()
    shutil.copy(root / "notebooks" / "50_coding_workbench.ipynb", work / "notebooks")
    coding = work / "reports" / "interactive" / "coding"
    _set_parameters(work / "notebooks" / "50_coding_workbench.ipynb", compare_with=str(coding / "coder_2.csv"))
    # the exploration notebook: its set-up cell and the filter panel (the static sections are checked by nbval)
    nb = nbformat.read(root / "notebooks" / "01_explore.ipynb", as_version=4)
    nb.cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", []) or "open_study" in c.source
                or "cj.explore(" in c.source]
    nbformat.write(nb, work / "notebooks" / "01_explore.ipynb")
    settings = work / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "PYTHONPATH": str(root), "JUPYTERLAB_SETTINGS_DIR": str(work / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(work / "workspaces"), "JUPYTER_RUNTIME_DIR": str(work / "runtime")}
    env.pop("MPLBACKEND", None)
    proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
                             "--LabApp.expose_app_in_browser=True", "--ServerApp.open_browser=False",
                             *(["--allow-root"] if os.geteuid() == 0 else [])],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _second_coder(root, coding / "coder_2.csv")       # while the server starts
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1):
                    break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("jupyter lab did not start")
        yield {"base": base, "token": token, "work": work, "coding": coding}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


def _page(browser):
    pg = browser.new_page(viewport={"width": 1400, "height": 1000})
    pg.set_default_timeout(30_000)
    return pg


@pytest.fixture(scope="module")
def explore_page(lab, browser):
    """The exploration notebook, opened and started first: its kernel loads while the coding goes on."""
    pg = _page(browser)
    _open(pg, lab, "01_explore.ipynb", wait=False)
    # run all once its kernel is up, without waiting here
    pg.evaluate("() => { const w = window.jupyterapp.shell.currentWidget; w.sessionContext.ready.then("
                "() => window.jupyterapp.commands.execute('notebook:run-all-cells')); }")
    return pg


@pytest.fixture(scope="module")
def page(lab, browser, explore_page):
    return _page(browser)


def _open(page, lab, name: str, *, wait: bool = True) -> None:
    page.goto(f"{lab['base']}/lab/tree/notebooks/{name}?token={lab['token']}")
    page.wait_for_function(f"() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           f" && window.jupyterapp.shell.currentWidget.context"
                           f" && window.jupyterapp.shell.currentWidget.context.path.endsWith('{name}')"
                           " && window.jupyterapp.shell.currentWidget.sessionContext")
    if wait:
        page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.ready")


def _run_all(page) -> None:
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")


def _restart_and_run_all(page) -> None:
    page.evaluate("async () => { const ctx = window.jupyterapp.shell.currentWidget.sessionContext;"
                  " await ctx.restartKernel(); }")
    _run_all(page)


def test_code_fifty_answers_restart_export_and_compare(lab, page):
    _open(page, lab, "50_coding_workbench.ipynb")
    _run_all(page)
    page.wait_for_selector(".cj-progress [data-n='0']", timeout=60_000)
    keys = page.locator(".cj-keys input")
    first_figure = None
    for i in range(1, N_CODE + 1):
        keys.fill("a")
        keys.press("Enter")
        page.wait_for_selector(f".cj-progress [data-n='{i}']")
        if i == 20:
            page.wait_for_selector(".cj-agreement-text [data-n='20']")
            first_figure = page.locator("img.cj-agreement").get_attribute("src")
    page.wait_for_selector(f".cj-agreement-text [data-n='{N_CODE}']")
    assert page.locator("img.cj-agreement").get_attribute("src") != first_figure   # the figure was redrawn
    saved = store.replay(store.read_actions(lab["coding"] / "coder_1.csv"))
    assert len(saved.done) == N_CODE

    _restart_and_run_all(page)
    page.wait_for_selector(f".cj-progress [data-n='{N_CODE}']", timeout=60_000)    # all 50 back after the restart
    page.wait_for_selector(f".cj-agreement-text [data-n='{N_CODE}']")

    page.locator(".cj-export").click()
    page.wait_for_selector(".cj-status:has-text('coder_1.qdpx')")
    with zipfile.ZipFile(lab["coding"] / "coder_1.qdpx") as z:
        assert sum(n.startswith("sources/") for n in z.namelist()) == N_CODE
    table = page.locator("table:has(th:has-text('krippendorff_alpha'))").first
    table.wait_for()
    text = table.inner_text()
    assert "cohen_kappa" in text and "all_codes" in text


def test_a_filter_redraws_the_chart_in_place(explore_page):
    page = explore_page
    page.wait_for_selector(".cj-explore-status [data-version='1']", timeout=60_000)
    chart = page.locator("img.cj-explore-chart")
    before = chart.get_attribute("src")
    page.locator(".cj-filter-wave select").select_option("2025-H2")
    page.wait_for_selector(".cj-explore-status [data-version='2']")
    assert page.locator("img.cj-explore-chart").count() == 1          # the same image, a new picture
    assert chart.get_attribute("src") != before
    assert "2025-H2" in page.locator(".cj-explore-status").inner_text()
