"""Every file under ../shared/data/survey_exports/ loads, or gets a clear, specific message."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from cjkit.io import readers
from cjkit.errors import DataError
from cjkit.io.load import load
from conftest import SHARED_DATA

pytestmark = pytest.mark.shared_data  # skipped with a count (error under CI) when the data is absent

ROOT = SHARED_DATA / "survey_exports"
FILES = sorted(p for p in ROOT.rglob("*") if p.is_file()) if ROOT.is_dir() else []

EXPECTED_FORMAT = [(r"qualtrics/.*\.csv$", "qualtrics"), (r"surveymonkey/.*\.csv$", "surveymonkey"),
                   (r"formbricks/.*\.csv$", "formbricks"), (r"google_forms/.*\.csv$", "googleforms"),
                   (r"_R_data_file\.csv$", "limesurvey"), (r"\.(sav|zsav|por)$", "spss"),
                   (r"\.xlsx?$", "excel"), (r"spss/.*\.csv$", "csv")]
OUT_OF_SCOPE = [(r"\.docx$", "Word document"), (r"\.qsf$", "Qualtrics survey definition"),
                (r"\.lsg$", "LimeSurvey question-group file"), (r"\.R$", "R syntax file"),
                (r"\.md$", "documentation file|licence"), (r"(LICENSE|DESCRIPTION)", "licence/readme"),
                (r"limesurvey/.*\.txt$", "LimeSurvey survey structure file")]


def _rel(p: Path) -> str:
    return p.relative_to(ROOT).as_posix()


def test_inventory():
    assert len(FILES) == 106


@pytest.mark.parametrize("path", FILES, ids=_rel)
def test_file_loads_or_is_explained(path):
    rel = _rel(path)
    refusal = next((msg for pat, msg in OUT_OF_SCOPE if re.search(pat, rel)), None)
    if refusal:
        with pytest.raises(DataError) as err:
            readers.read(path)
        assert re.search(refusal, str(err.value)), str(err.value)
        assert path.name in str(err.value)
        return
    fmt = next(f for pat, f in EXPECTED_FORMAT if re.search(pat, rel))
    assert readers.detect(path) == fmt
    data = load(path)
    s = data.summary.iloc[0]
    assert s["n_input"] > 0 and s["n_input"] == s["n_kept"] + s["n_excluded"]
    assert data.wide["respondent_id"].notna().all()
