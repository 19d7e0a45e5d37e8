"""CSV/TSV reader: encodings, delimiters, decimal comma, zip, type inference, row numbering."""
from __future__ import annotations

import csv
import io
import zipfile

import numpy as np
import pandas as pd
import pytest

from cjkit.io.readers import csv as csv_reader

ROWS = [["name", "ort", "note", "betrag"], ["Müller", "Köln", "2", "1.234,50"], ["Gärtner", "Düsseldorf", "1", "7,25"],
        ["Weiß", "Lübeck", "3", "-0,5"]]


def _write(path, rows, delimiter=",", encoding="utf-8"):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


@pytest.mark.parametrize("encoding, expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                                ("cp1252", "cp1252"), ("latin-1", "cp1252")])
def test_encodings_detected(tmp_path, encoding, expected):
    res = csv_reader.read(_write(tmp_path / "x.csv", ROWS, ";", encoding))
    assert res.meta["encoding"] == expected
    assert res.wide["name"].tolist() == ["Müller", "Gärtner", "Weiß"]
    assert list(res.wide.columns) == ["name", "ort", "note", "betrag"]  # no BOM left in the first name


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_sniffed(tmp_path, delimiter):
    rows = [["a", "b", "c"], ["1", "x y", "3"], ["4", "5,6", "7"]] if delimiter != "," else [["a", "b", "c"], ["1", "2", "3"]]
    res = csv_reader.read(_write(tmp_path / "x.txt", rows, delimiter))
    assert res.meta["delimiter"] == delimiter and list(res.wide.columns) == ["a", "b", "c"]


def test_german_decimal_comma_and_thousands(tmp_path):
    res = csv_reader.read(_write(tmp_path / "de.csv", ROWS, ";", "cp1252"))
    assert res.meta["decimal"] == ","
    np.testing.assert_allclose(res.wide["betrag"], [1234.5, 7.25, -0.5])
    assert res.wide["note"].dtype.kind in "if"


def test_decimal_point_file_untouched(tmp_path):
    res = csv_reader.read(_write(tmp_path / "en.csv", [["a", "b"], ["1.5", "2"], ["3.25", "4"]]))
    assert res.meta["decimal"] == "." and res.wide["a"].tolist() == [1.5, 3.25]


def test_quoted_newlines_and_row_index(tmp_path):
    rows = [["id", "comment"], ["1", "line one\nline two"], ["2", "plain"]]
    res = csv_reader.read(_write(tmp_path / "nl.csv", rows))
    assert res.wide.index.name == "row" and res.wide.index.tolist() == [1, 2]
    assert res.wide.loc[1, "comment"] == "line one\nline two"


def test_zip_read_directly(tmp_path):
    inner = _write(tmp_path / "inner.csv", ROWS, ";")
    z = tmp_path / "data.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(inner, "inner.csv")
    res = csv_reader.read(z)
    assert res.wide.shape == (3, 4)


def test_text_after_first_block_keeps_column_as_text(tmp_path):
    # pyarrow guesses types from the first block; a late text value must not break the load
    n = 300_000
    lines = ["id,score"] + [f"{i},{i % 5}" for i in range(n)] + [f"{n},unknown"]
    path = tmp_path / "late.csv"
    path.write_text("\n".join(lines) + "\n")
    res = csv_reader.read(path)
    assert len(res.wide) == n + 1
    assert res.wide["score"].iloc[-1] == "unknown" and res.wide["score"].iloc[7] == "2"


def test_counts_match_python_csv_on_real_export(shared_data):
    path = shared_data / "survey_exports" / "google_forms" / \
        "Autistica_Turing Citizen Science Platform (Responses) - Form Responses 1(3).csv"
    with open(path, encoding="utf-8", newline="") as fh:
        records = [r for r in csv.reader(fh) if r]
    res = csv_reader.read(path)
    assert len(res.wide) == len(records) - 1 == res.meta["n_input"]
    assert pd.isna(res.wide.iloc[3, 2]) == (records[4][2] == "")


def test_spss_reference_csv_with_null_marker(shared_data):
    res = csv_reader.read(shared_data / "survey_exports" / "spss" / "pyreadstat_test_data" / "basic"
                          / "sample_missing.csv")
    assert res.wide["mynum"].isna().sum() == 2 and res.wide["mynum"].dtype == "float64"


def test_utf16_with_bom_from_excel_unicode_text(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes("id;name;wert\n1;Müller;1,5\n2;Weiß;2,25\n".encode("utf-16"))
    res = csv_reader.read(path)
    assert res.meta["encoding"] == "utf-16" and res.wide["name"].tolist() == ["Müller", "Weiß"]
    assert res.wide["wert"].tolist() == [1.5, 2.25]
