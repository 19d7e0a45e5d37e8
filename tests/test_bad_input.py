"""Bad input never gives an internal traceback: a DataError naming file/row/column, or a
ledger entry — and the row accounting still adds up."""
from __future__ import annotations

import pytest

from cjkit.errors import DataError
from cjkit.io.load import load


def _load(path):
    data = load(path)
    s = data.summary.iloc[0]
    assert s["n_input"] == s["n_kept"] + s["n_excluded"]
    return data


def test_empty_file(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(DataError, match=r"empty\.csv.*empty"):
        load(tmp_path / "empty.csv")


def test_whitespace_only_file(tmp_path):
    (tmp_path / "blank.csv").write_text("\n\n   \n")
    with pytest.raises(DataError, match="empty"):
        load(tmp_path / "blank.csv")


def test_header_only_file(tmp_path):
    (tmp_path / "header.csv").write_text("id,q1,q2\n")
    with pytest.raises(DataError, match=r"header\.csv', row 1: the file has a header but no data rows"):
        load(tmp_path / "header.csv")


def test_truncated_last_line_is_excluded_in_ledger(tmp_path):
    (tmp_path / "cut.csv").write_text("id,comment,score\n1,ok,3\n2,fine,4\n3,mi")
    data = _load(tmp_path / "cut.csv")
    assert data.wide["id"].tolist() == [1, 2]
    entry = data.ledger.query("check == 'ragged_row'").iloc[0]
    assert entry["row"] == 3 and entry["action"] == "excluded" and "truncated" in entry["reason"]
    assert entry["file"] == "cut.csv" and entry["old_value"] == "3,mi"


def test_truncated_inside_quoted_text(tmp_path):
    (tmp_path / "cutq.csv").write_text('id,comment,score\n1,"ok",3\n2,"this is cut')
    data = _load(tmp_path / "cutq.csv")
    assert len(data.wide) == 1 and data.summary.iloc[0]["n_excluded"] == 1


def test_truncated_multibyte_character(tmp_path):
    (tmp_path / "cutu.csv").write_bytes("id,name\n1,Müller\n2,Gä".encode("utf-8")[:-1])
    with pytest.raises(DataError, match="truncated"):
        load(tmp_path / "cutu.csv")


def test_ragged_rows_are_excluded_with_row_numbers(tmp_path):
    (tmp_path / "ragged.csv").write_text("a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n")
    data = _load(tmp_path / "ragged.csv")
    assert data.wide.index.tolist() == [1, 4]
    led = data.ledger.query("check == 'ragged_row'")
    assert led["row"].tolist() == [2, 3]
    assert led["reason"].tolist() == ["row has 2 fields, the header has 3", "row has 4 fields, the header has 3"]


def test_wrong_encoding_mixed_in_file(tmp_path):
    body = "id,name\n1,Müller\n".encode("utf-8") + b"3,x\n" * 5 + "2,Gärtner\n".encode("cp1252")
    (tmp_path / "mixed.csv").write_bytes(body)
    with pytest.raises(DataError, match=r"mixed\.csv', row 7: mixed text encodings"):
        load(tmp_path / "mixed.csv")


def test_single_byte_encoding_late_in_large_file(tmp_path):
    # the sample is pure ASCII, the cp1252 byte comes after it: detected on the full file
    body = b"id,name\n" + b"1,Muller\n" * 40_000 + "2,Gärtner\n".encode("cp1252")
    (tmp_path / "late.csv").write_bytes(body)
    data = _load(tmp_path / "late.csv")
    assert data.meta["encoding"] == "cp1252" and data.wide["name"].iloc[-1] == "Gärtner"


def test_binary_file_named_csv(tmp_path):
    (tmp_path / "image.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(DataError, match="binary"):
        load(tmp_path / "image.csv")


def test_one_megabyte_cell_is_kept_and_flagged(tmp_path):
    big = "x" * 1_048_576
    (tmp_path / "big.csv").write_text(f'id,text\n1,"{big}"\n2,short\n')
    data = _load(tmp_path / "big.csv")
    assert len(data.wide.loc[1, "text"]) == 1_048_576
    flag = data.ledger.query("check == 'long_text'").iloc[0]
    assert flag["row"] == 1 and flag["column"] == "text" and flag["action"] == "flagged"


def test_formula_text_is_kept_as_text_and_flagged(tmp_path):
    (tmp_path / "formula.csv").write_text(
        'id,comment\n1,"=HYPERLINK(""http://evil.example"",""klick"")"\n2,"=1+1 is not a formula call"\n'
        '3,"-1 Punkt Abzug"\n')
    data = _load(tmp_path / "formula.csv")
    assert data.wide.loc[1, "comment"] == '=HYPERLINK("http://evil.example","klick")'
    flags = data.ledger.query("check == 'formula_text'")
    assert flags["row"].tolist() == [1] and flags["action"].tolist() == ["flagged"]
    assert "never evaluated" in flags["reason"].iloc[0]


def test_damaged_excel(tmp_path):
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(DataError, match=r"broken\.xlsx.*(damaged|Excel)"):
        load(tmp_path / "broken.xlsx")


def test_damaged_zip(tmp_path):
    (tmp_path / "data.zip").write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(DataError, match="zip"):
        load(tmp_path / "data.zip")


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="not found"):
        load(tmp_path / "nope.csv")


def test_spec_column_missing_names_column(tmp_path, root):
    (tmp_path / "x.csv").write_text("lfdn,other\n1,2\n")
    # hardly any of the spec's columns: probably not the survey export; file and first missing column named
    with pytest.raises(DataError, match=r"x\.csv', column 'gewicht': 1 of the spec's \d+ columns are in this file; "
                                        r"is it the survey export"):
        load(tmp_path / "x.csv", root / "surveys" / "demo" / "spec.yaml")
