"""pytest configuration shared by the tests and the Examples in the package's docstrings.

``pytest cjkit --doctest-modules`` runs every docstring example in one process; many of them
draw a chart and leave its figure open, and matplotlib warns once more than 20 are open. The
fixture below closes them after each docstring, as ``tests/conftest.py`` does after each test.
"""
from __future__ import annotations

import sys

import pytest


@pytest.fixture(autouse=True)
def _close_doctest_figures():
    """Close every matplotlib figure an example leaves open.

    pyplot is looked up rather than imported, so examples that never draw stay free of matplotlib.
    """
    yield
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")
