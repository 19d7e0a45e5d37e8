"""Shared test fixtures and the rules of the suite.

Real public data sets live beside the clone in ``../shared/data`` (or wherever
``CJKIT_SHARED_DATA`` points). Tests that read them carry the ``shared_data`` marker;
it is added automatically to every test using the ``shared_data`` fixture.

* Without the data, those tests are skipped and the terminal summary says how many,
  so a green run on a laptop never hides that part of the suite did not run.
* Under ``CI=true`` a missing data folder stops the session with an error naming the
  path: CI must run the whole suite or fail.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # no display in CI

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEFAULT_SHARED_DATA = ROOT.parent / "shared" / "data"
SHARED_DATA = Path(os.environ.get("CJKIT_SHARED_DATA") or DEFAULT_SHARED_DATA).resolve()

_MISSING = pytest.StashKey[int]()


def in_ci() -> bool:
    """True when the suite runs in CI (``CI=true``, as set by the common CI services)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def pytest_configure(config):
    # registered here rather than in pyproject so that pytester runs of this conftest know it too
    config.addinivalue_line("markers", "shared_data: needs the real public data in ../shared/data "
                                       "(or CJKIT_SHARED_DATA); skipped with a count when absent, an error under CI")


@pytest.hookimpl(trylast=True)  # after -k/-m deselection: only the tests that will run count
def pytest_collection_modifyitems(config, items):
    needs = []
    for item in items:
        if "shared_data" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("shared_data"):
            item.add_marker(pytest.mark.shared_data)
        if item.get_closest_marker("shared_data"):
            needs.append(item)
    if not needs or SHARED_DATA.is_dir():
        return
    if in_ci():
        pytest.exit(f"{len(needs)} selected tests need the shared data folder {SHARED_DATA}, which does not exist. "
                    "Under CI=true the whole suite must run: put the data there or set CJKIT_SHARED_DATA.",
                    returncode=pytest.ExitCode.USAGE_ERROR)
    skip = pytest.mark.skip(reason=f"needs shared data: {SHARED_DATA} does not exist")
    for item in needs:
        item.add_marker(skip)
    config.stash[_MISSING] = len(needs)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    n = config.stash.get(_MISSING, 0)
    if n:
        terminalreporter.write_sep("=", f"{n} tests need ../shared/data, which is not beside this checkout: skipped "
                                        f"(looked in {SHARED_DATA}; set CJKIT_SHARED_DATA to point elsewhere)",
                                   yellow=True, bold=True)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public data sets (tests using it are marked ``shared_data``)."""
    return SHARED_DATA


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure a test leaves open (keeps memory flat over the suite).

    pyplot is looked up rather than imported so that tests of import cost still see a clean process.
    """
    yield
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")


@pytest.fixture
def themed():
    """The cjkit plot theme, set freshly for a chart test (``pytestmark = pytest.mark.usefixtures("themed")``)."""
    from cjkit.plot import theme
    theme.set_theme()
