"""SPSS reader against pyreadstat's own expected CSVs shipped beside the test files."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cjkit.errors import DataError
from cjkit.io.readers import csv as csv_reader
from cjkit.io.readers import spss


@pytest.fixture(scope="module")
def basic(shared_data):
    return shared_data / "survey_exports" / "spss" / "pyreadstat_test_data" / "basic"


@pytest.mark.parametrize("name", ["sample.sav", "sample.zsav", "sample.por"])
def test_sample_matches_reference_csv(basic, name):
    res = spss.read(basic / name)
    ref = csv_reader.read(basic / "sample.csv").wide
    wide = spss.codes(res.wide, res.meta["value_labels"])
    wide.columns = [c.lower() for c in wide.columns]  # .por stores upper-case names
    assert list(wide.columns) == list(ref.columns)
    assert wide["mychar"].tolist() == ref["mychar"].tolist()
    np.testing.assert_allclose(wide["mynum"], ref["mynum"])
    np.testing.assert_allclose(wide["mylabl"], ref["mylabl"])
    np.testing.assert_allclose(wide["myord"], ref["myord"])
    assert (wide["mydate"].dt.strftime("%Y-%m-%d").fillna("") == ref["mydate"].astype("string").fillna("")).all()


def test_value_labels_become_ordered_categories(basic):
    res = spss.read(basic / "sample.sav")
    myord = res.wide["myord"]
    assert isinstance(myord.dtype, pd.CategoricalDtype) and myord.cat.ordered
    assert list(myord.cat.categories) == ["low", "medium", "high"]
    assert res.meta["value_labels"]["mylabl"] == {1.0: "Male", 2.0: "Female"}
    assert (myord.iloc[0] < myord.iloc[1]) and myord.iloc[2] == "high"


def test_user_missing_become_missing_with_reason(basic):
    res = spss.read(basic / "sample_missing.sav")
    ref = csv_reader.read(basic / "sample_missing.csv").wide           # missing as #NULL!
    raw = csv_reader.read(basic / "sample_missing_user.csv").wide      # user-missing codes visible
    codes = spss.codes(res.wide, res.meta["value_labels"])
    for col in ("mynum", "mylabl", "myord"):
        np.testing.assert_allclose(codes[col].to_numpy(float), ref[col].to_numpy(float))
    miss = res.meta["missing_values"]
    # every user-missing cell is listed with the value pyreadstat's "user" reference shows
    for _, m in miss.iterrows():
        assert float(m["old_value"]) == pytest.approx(float(raw.loc[m["row"], m["column"]]))
    assert set(zip(miss["row"], miss["column"])) == {(6, "mynum"), (7, "mynum"), (6, "mylabl"),
                                                     (6, "myord"), (7, "myord")}
    assert miss.set_index(["row", "column"]).loc[(6, "mylabl"), "reason"] == "user-missing -1: undetermined"


@pytest.mark.parametrize("sav, ref", [("missing_test.sav", "missing_sav_unformatted.csv"),
                                      ("missing_char.sav", "missing_char_unformatted.csv")])
def test_missing_data_files(shared_data, sav, ref):
    folder = shared_data / "survey_exports" / "spss" / "pyreadstat_test_data" / "missing_data"
    res = spss.read(folder / sav)
    expected = csv_reader.read(folder / ref).wide
    col = expected.columns[0]
    got = spss.codes(res.wide, res.meta["value_labels"])[col]
    assert got.isna().tolist() == expected[col].isna().tolist()
    assert len(res.meta["missing_values"]) == int(expected[col].isna().sum())


def test_real_survey_sav(shared_data):
    res = spss.read(shared_data / "survey_exports" / "spss" / "mass_survey_sav" / "survey.sav")
    assert res.wide.shape == (237, 12)
    assert res.meta["n_input"] == 237
    smoke = res.wide["Smoke"]
    assert smoke.cat.ordered and smoke.notna().sum() == 236  # MASS::survey has one missing Smoke


def test_multiple_response_sets_kept_in_meta(shared_data):
    res = spss.read(shared_data / "survey_exports" / "spss" / "pyreadstat_test_data" / "multiple_response"
                    / "simple_alltypes.sav")
    assert "mymrset" in res.meta["mr_sets"]
    assert set(res.meta["missing_values"]["column"]) <= {"x", "z"}


def test_damaged_sav_gives_data_error(tmp_path):
    bad = tmp_path / "broken.sav"
    bad.write_bytes(b"$FL2@(#) IBM SPSS STATISTICS" + b"\x00" * 10)
    with pytest.raises(DataError, match="broken.sav"):
        spss.read(bad)
