"""Stata .dta: cjkit (pyreadstat) against pandas.read_stata, the independent reader."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadstat
import pytest

import cjkit as cj
from cjkit.io.readers import spss, stata

READSTAT = "hotel_survey_readstat.dta"
PANDAS = "hotel_survey_pandas117.dta"


@pytest.fixture(scope="module")
def folder(fixtures):
    return fixtures / "stata"


@pytest.mark.parametrize("name", [READSTAT, PANDAS])
def test_rows_values_and_labels_match_pandas(folder, name):
    path = folder / name
    ref = pd.read_stata(path, convert_categoricals=False, convert_missing=True)
    res = cj.read_export(path)
    assert cj.detect_format(path) == "stata" and res.meta["format"] == "stata"
    assert len(res.wide) == len(ref) and res.meta["n_input"] == len(ref)
    assert list(res.wide.columns) == list(ref.columns)
    with_labels = pd.read_stata(path, convert_missing=False)
    codes = spss.codes(res.wide, res.meta["value_labels"])
    for col in ref.columns:
        if pd.api.types.is_datetime64_any_dtype(ref[col]):
            assert res.wide[col].dt.strftime("%Y-%m-%d").tolist() == ref[col].dt.strftime("%Y-%m-%d").tolist()
        elif col in res.meta["value_labels"]:
            assert res.wide[col].astype("string").fillna("<NA>").tolist() == \
                with_labels[col].astype("string").fillna("<NA>").tolist()
            np.testing.assert_allclose(codes[col].to_numpy(float),
                                       pd.to_numeric(ref[col].astype(object).map(
                                           lambda v: np.nan if not isinstance(v, (int, float, np.number)) else v),
                                           errors="coerce").to_numpy(float))
        elif pd.api.types.is_numeric_dtype(ref[col]):
            np.testing.assert_allclose(pd.to_numeric(res.wide[col]).to_numpy(float), ref[col].to_numpy(float))


def test_tagged_missing_values_are_missing_with_reason(folder):
    path = folder / READSTAT
    ref = pd.read_stata(path, convert_categoricals=False, convert_missing=True)
    tagged = {i + 1: v.string for i, v in ref["zufriedenheit"].items() if isinstance(v, pd.io.stata.StataMissingValue)}
    res = stata.read(path)
    miss = res.meta["missing_values"]
    assert dict(zip(miss["row"], miss["old_value"])) == tagged and len(tagged) == 6
    assert res.wide.loc[list(tagged), "zufriedenheit"].isna().all()
    data = cj.load(path)
    led = data.ledger.query("check == 'user_missing'")
    assert sorted(led["row"]) == sorted(tagged) and set(led["action"]) == {"value_changed"}
    assert data.summary.iloc[0]["n_input"] == len(ref)


def test_variable_labels_are_question_texts(folder):
    res = stata.read(folder / READSTAT)
    q = res.meta["questions"].set_index("column")["question_text"]
    assert q["zufriedenheit"] == "Wie zufrieden waren Sie insgesamt?"


def test_impossible_date_is_recorded_not_fatal(tmp_path):
    df = pd.DataFrame({"id": [1.0, 2.0, 3.0], "besuch": [23800.0, 5e8, 23801.0]})
    pyreadstat.write_dta(df, str(tmp_path / "d.dta"), variable_format={"besuch": "%td"})
    with pytest.raises(Exception):  # the plain reader gives up on the whole file
        pyreadstat.read_dta(str(tmp_path / "d.dta"))
    data = cj.load(tmp_path / "d.dta")
    assert data.summary.iloc[0]["n_input"] == 3 and len(data.wide) == 3
    entry = data.ledger.query("check == 'invalid_date'").iloc[0]
    assert (entry["row"], entry["column"], entry["file"]) == (2, "besuch", "d.dta")
    assert data.wide["besuch"].dt.strftime("%Y-%m-%d").tolist()[0] == \
        (pd.Timestamp("1960-01-01") + pd.Timedelta(days=23800)).strftime("%Y-%m-%d")
