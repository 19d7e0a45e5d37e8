"""Excel workbooks: .xlsx and legacy .xls, sheets, formulas never evaluated."""
from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from cjkit.io import readers
from cjkit.errors import DataError
from cjkit.io.readers import excel


def test_real_xlsx_and_xls(shared_data):
    q = shared_data / "survey_exports" / "qualtrics" / "QualtricsTools_samples"
    res = readers.read(q / "Sample Coded Comments" / "Q5 Coded.xlsx")
    ref = pd.read_excel(q / "Sample Coded Comments" / "Q5 Coded.xlsx")
    assert res.wide.shape == ref.shape and list(res.wide.columns) == list(ref.columns)
    assert res.wide["ResponseID"].tolist() == ref["ResponseID"].tolist()
    xls = readers.read(q / "Better Sample Survey" / "example_long_and_lean.xls")
    assert xls.meta["sheets"] == ["lean_dict", "qdict", "panel_df"] and xls.wide.shape == (420, 4)
    other = excel.read(q / "Better Sample Survey" / "example_long_and_lean.xls", sheet="qdict")
    assert other.meta["sheet"] == "qdict" and len(other.wide) == 42


def test_formula_cells_are_not_evaluated(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "score", "comment"])
    ws.append([1, 4, "fine"])
    ws.append([2, 5, '=HYPERLINK("http://evil.example","click")'])
    wb.save(tmp_path / "f.xlsx")
    res = excel.read(tmp_path / "f.xlsx")
    # openpyxl without a cached value gives nothing back, and cjkit evaluates nothing
    assert res.wide.loc[2, "comment"] != "click"
    assert res.wide["score"].tolist() == [4.0, 5.0]


def test_unknown_sheet_and_empty_sheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Daten"
    wb.save(tmp_path / "e.xlsx")
    with pytest.raises(DataError, match=r"no sheet called 'X'; sheets: \['Daten'\]"):
        excel.read(tmp_path / "e.xlsx", sheet="X")
    with pytest.raises(DataError, match="empty"):
        excel.read(tmp_path / "e.xlsx")
