"""The suite's own rules (tests/conftest.py): shared-data tests are counted when skipped,
and a missing data folder fails the session under CI instead of passing quietly."""
from __future__ import annotations

from pathlib import Path

import pytest

CONFTEST = Path(__file__).with_name("conftest.py").read_text(encoding="utf-8")

TESTS = '''
import pytest

def test_uses_fixture(shared_data):
    assert shared_data.is_dir()

@pytest.mark.shared_data
def test_marked_explicitly():
    pass

def test_needs_nothing():
    pass
'''


@pytest.fixture
def suite(pytester, monkeypatch, tmp_path):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_sample=TESTS)
    monkeypatch.delenv("CI", raising=False)
    return pytester


def test_missing_data_is_skipped_with_a_count(suite, tmp_path, monkeypatch):
    monkeypatch.setenv("CJKIT_SHARED_DATA", str(tmp_path / "nowhere"))
    result = suite.runpytest_subprocess("-rs")
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines(["*2 tests need ../shared/data, which is not beside this checkout: skipped*"])


def test_missing_data_fails_loudly_under_ci(suite, tmp_path, monkeypatch):
    missing = tmp_path / "nowhere"
    monkeypatch.setenv("CJKIT_SHARED_DATA", str(missing))
    monkeypatch.setenv("CI", "true")
    result = suite.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stdout.fnmatch_lines([f"*2 selected tests need the shared data folder {missing}, which does not exist*"])
    result.stdout.no_fnmatch_line("*passed*")


def test_present_data_runs_everything_under_ci(suite, tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    monkeypatch.setenv("CJKIT_SHARED_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("CI", "true")
    result = suite.runpytest_subprocess()
    result.assert_outcomes(passed=3)
    result.stdout.no_fnmatch_line("*need ../shared/data*")


def test_ci_without_shared_data_tests_selected_is_fine(suite, tmp_path, monkeypatch):
    monkeypatch.setenv("CJKIT_SHARED_DATA", str(tmp_path / "nowhere"))
    monkeypatch.setenv("CI", "true")
    result = suite.runpytest_subprocess("-k", "needs_nothing")
    result.assert_outcomes(passed=1, deselected=2)

