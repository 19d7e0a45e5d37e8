"""Every real export in the manifest loads with exactly its respondents.

``fixtures/real_exports.csv`` lists real files under the shared data folder with their
format, the number of respondents and how that number was obtained (a reader other than
cjkit's: pandas' C parser with the known header-row count, pandas.read_spss, openpyxl, xlrd).
The test recounts with that method — so the manifest cannot drift from the data — and
compares cjkit's reading with it.
"""
from __future__ import annotations

from collections import Counter

import pytest

import cjkit as cj
from cjkit.io import readers
from real_exports import count, read_manifest

ENTRIES = read_manifest()


def test_manifest_covers_every_format_with_real_files():
    assert len(ENTRIES) >= 25
    per_format = Counter(e["format"] for e in ENTRIES)
    # formats with real files in the shared data (Stata and Parquet have generated fixtures)
    for fmt in ("qualtrics", "surveymonkey", "limesurvey", "googleforms", "formbricks", "spss", "excel", "csv"):
        assert per_format[fmt] >= 1, fmt
    assert set(per_format) <= set(readers.formats())
    assert all(e["method"] and int(e["respondents"]) > 0 for e in ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["path"].rsplit("/", 1)[-1] for e in ENTRIES])
def test_real_export_has_exactly_its_respondents(entry, shared_data):
    path = shared_data / entry["path"]
    expected = int(entry["respondents"])
    assert count(path, entry["method"]) == expected, "the manifest no longer matches the independent reader"
    assert cj.detect_format(path) == entry["format"]
    res = cj.read_export(path)
    assert res.meta["n_input"] == expected
    assert len(res.wide) + len(set(res.meta["issues"].query("action == 'excluded'")["row"])) == expected
    data = cj.load(path)
    s = data.summary.iloc[0]
    assert s["n_input"] == expected and s["n_input"] == s["n_kept"] + s["n_excluded"]
    assert len(data.wide) == s["n_kept"]
    excluded = data.ledger.query("action == 'excluded'")
    assert excluded["reason"].notna().all() and excluded["row"].between(1, expected).all()


# one real export per format, small enough to open quickly
_PER_FORMAT = {}
for _e in ENTRIES:
    if int(_e["respondents"]) <= 5000:
        _PER_FORMAT.setdefault(_e["format"], _e)


@pytest.mark.parametrize("entry", list(_PER_FORMAT.values()), ids=list(_PER_FORMAT))
def test_readme_flow_opens_a_study_from_the_inferred_spec(entry, shared_data, tmp_path):
    """The README's own steps: read the export, infer and write a spec, open the study from it."""
    path = shared_data / entry["path"]
    raw = cj.read_export(path)
    try:
        spec = cj.infer_spec(raw.wide, raw.meta, survey="my_survey")
    except cj.DataError as err:  # an export without a question-like column says so, naming the file
        assert path.name in str(err) and "no column looks like a survey question" in str(err)
        return
    spec_path = cj.write_spec(spec, tmp_path / "surveys" / "my_survey" / "spec.yaml")
    study = cj.open_study(spec_path)  # finds the export through the spec's data: (relative to the spec)
    counts = study.summary().set_index("measure")["n"]
    expected = int(entry["respondents"])
    excluded = counts[counts.index.str.startswith("excluded")].sum()
    assert counts["input_rows"] == study.n_input == expected          # every data row of the export
    assert counts["kept"] + excluded == expected and counts["kept"] == len(study.wide)
