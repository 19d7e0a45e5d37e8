"""Excel and CSV exports: formulas neutralised with the visible text unchanged, numbers kept,
control characters handled, legal sheet names."""
import csv
import zipfile

import openpyxl
import pandas as pd
import pytest

from cjkit.errors import ParameterError
from cjkit.report.export import (csv_text, neutralise, neutralise_csv_file, restore_csv_text, sheet_name,
                                 to_excel)

ATTACKS = ['=HYPERLINK("http://x","klick")', "+49 171 1", "-minus", "@SUM(A1)", "\tTab", "\rCR first",
           "+cmd|' /C calc'!A0", "harmlos"]


def test_excel_formulas_are_text_cells_with_the_text_unchanged(tmp_path):
    table = pd.DataFrame({"verbatim": ATTACKS, "delta": [-0.5, 1, 2, 3, 4, 5, 6, 7]})
    path = to_excel({"Pain points": table}, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(path)["Pain points"]
    texts = [ws.cell(r, 1).value for r in range(2, 2 + len(ATTACKS))]
    assert texts == ATTACKS                                              # no apostrophe added, \r kept
    assert all(ws.cell(r, 1).data_type == "s" for r in range(2, 2 + len(ATTACKS)))   # text, not formula
    assert all(ws.cell(r, 1).quotePrefix for r in range(2, 2 + len(ATTACKS) - 1))    # Excel keeps it text
    assert not ws.cell(2 + len(ATTACKS) - 1, 1).quotePrefix                          # harmless text: no style
    assert ws.cell(2, 2).value == -0.5 and ws.cell(2, 2).data_type == "n"
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet                                            # no formula element anywhere


def test_excel_keeps_carriage_returns_and_survives_control_characters(tmp_path):
    table = pd.DataFrame({"verbatim": ["Zeile 1\r\nZeile 2", "Klingel\x07 kaputt\x00", "ok"]})
    ws = openpyxl.load_workbook(to_excel({"v": table}, tmp_path / "c.xlsx"))["v"]
    assert ws.cell(2, 1).value == "Zeile 1\r\nZeile 2"
    assert ws.cell(3, 1).value == "Klingel\u2407 kaputt\u2400"              # visible control pictures


def test_categorical_and_string_dtypes(tmp_path):
    t = pd.DataFrame({"phase": pd.Categorical(["awareness", "=evil"]), "n": pd.array([1, None], dtype="Int64")})
    assert neutralise(t)["phase"].tolist() == ["awareness", "'=evil"]
    path = to_excel({"a": t}, tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(path)["a"]
    assert ws.cell(3, 1).value == "=evil" and ws.cell(3, 1).data_type == "s"
    assert ws.cell(2, 2).value == 1 and ws.cell(3, 2).value is None


def test_csv_rule_is_reversible_and_leaves_numbers():
    texts = ATTACKS + ["'=already quoted", "''@twice", "it's fine", "-3", "+0.5", "1e5", ""]
    out = [csv_text(t) for t in texts]
    assert [restore_csv_text(t) for t in out] == texts                   # exactly reversible
    assert out[:7] == ["'" + t for t in ATTACKS[:7]] and out[7] == "harmlos"
    assert out[8:11] == ["''=already quoted", "'''@twice", "it's fine"]
    assert out[11:14] == ["-3", "+0.5", "1e5"]                           # plain numbers are data


def test_csv_file_rewrite_keeps_cells_and_carriage_returns(tmp_path):
    frame = pd.DataFrame({"channel": ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "Mail, Brief"],
                          "conversions": [1.5, -2.0, 3.0]})
    path = tmp_path / "markov.csv"
    frame.to_csv(path, index=False)                                      # as a notebook writes it
    assert neutralise_csv_file(path) == 2
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert [r[0] for r in rows[1:]] == ["'" + frame["channel"][0], "'" + frame["channel"][1], "Mail, Brief"]
    assert [r[1] for r in rows[1:]] == ["1.5", "-2.0", "3.0"]
    back = pd.read_csv(path)["channel"].map(restore_csv_text)
    assert back.tolist() == frame["channel"].tolist()
    written = tmp_path / "b.csv"
    written.write_text("a\n\"Zeile\rzwei\"\nx\x01\n=1\n", encoding="utf-8", newline="")
    assert neutralise_csv_file(written) == 2
    with open(written, encoding="utf-8", newline="") as fh:
        assert [r[0] for r in csv.reader(fh)] == ["a", "Zeile\rzwei", "x\u2401", "'=1"]


def test_sheet_names_legal_and_unique():
    used = set()
    names = [sheet_name(n, used) for n in ["Zufriedenheit/Touchpoint [alle]", "a" * 40, "a" * 40]]
    assert names[0] == "Zufriedenheit_Touchpoint _alle_"[:31]
    assert all(len(n) <= 31 for n in names) and len(set(names)) == 3


def test_rejects_wrong_suffix(tmp_path):
    with pytest.raises(ParameterError, match="needs a .xlsx"):
        to_excel({"a": pd.DataFrame({"x": [1]})}, tmp_path / "x.csv")


def test_csv_file_rewrite_keeps_the_encoding_and_long_cells(tmp_path):
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes("kanal\n=Größe\nBüro\n".encode("cp1252"))
    assert neutralise_csv_file(legacy) == 1
    assert legacy.read_bytes().decode("cp1252").splitlines() == ["kanal", "'=Größe", "Büro"]
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffkanal\n@x\n".encode("utf-8"))
    neutralise_csv_file(bom)
    assert bom.read_bytes() == "\ufeffkanal\r\n'@x\r\n".encode("utf-8")
    long = tmp_path / "long.csv"
    long.write_text("text\n" + "-" + "sehr lang " * 30000 + "\n", encoding="utf-8")
    assert neutralise_csv_file(long) == 1
