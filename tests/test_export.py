"""Excel export: formulas neutralised, numbers kept, legal sheet names."""
import openpyxl
import pandas as pd
import pytest

from cjkit.errors import ParameterError
from cjkit.report.export import neutralise, sheet_name, to_excel


def test_dangerous_cells_are_quoted_numbers_kept(tmp_path):
    table = pd.DataFrame({
        "verbatim": ['=HYPERLINK("http://x","klick")', "+49 171 1", "-minus", "@SUM(A1)", "\tTab", "harmlos"],
        "delta": [-0.5, 1, 2, 3, 4, 5]})
    path = to_excel({"Pain points": table}, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(path)["Pain points"]
    texts = [ws.cell(r, 1).value for r in range(2, 8)]
    assert texts == ["'=HYPERLINK(\"http://x\",\"klick\")", "'+49 171 1", "'-minus", "'@SUM(A1)", "'\tTab", "harmlos"]
    assert all(ws.cell(r, 1).data_type == "s" for r in range(2, 8))   # stored as text, not formula
    assert ws.cell(2, 2).value == -0.5 and ws.cell(2, 2).data_type == "n"


def test_categorical_and_string_dtypes(tmp_path):
    t = pd.DataFrame({"phase": pd.Categorical(["awareness", "=evil"]), "n": pd.array([1, None], dtype="Int64")})
    assert neutralise(t)["phase"].tolist() == ["awareness", "'=evil"]
    path = to_excel({"a": t}, tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(path)["a"]
    assert ws.cell(3, 1).value == "'=evil" and ws.cell(2, 2).value == 1 and ws.cell(3, 2).value is None


def test_sheet_names_legal_and_unique():
    used = set()
    names = [sheet_name(n, used) for n in ["Zufriedenheit/Touchpoint [alle]", "a" * 40, "a" * 40]]
    assert names[0] == "Zufriedenheit_Touchpoint _alle_"[:31]
    assert all(len(n) <= 31 for n in names) and len(set(names)) == 3


def test_rejects_wrong_suffix(tmp_path):
    with pytest.raises(ParameterError, match="needs a .xlsx"):
        to_excel({"a": pd.DataFrame({"x": [1]})}, tmp_path / "x.csv")
