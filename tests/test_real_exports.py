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
