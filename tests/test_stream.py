"""Streaming coding of files: the same coding as code_texts on the whole file, every row accounted for."""
from __future__ import annotations

import os

import pandas as pd
import pytest

import cjkit as cj
from cjkit.coding.coder import OUTPUT, code_texts
from cjkit.errors import DataError, ParameterError
from cjkit.quality import ledger


@pytest.fixture(scope="module")
def answers(shared_data):
    """600 real answers (German hotel sentences, English service requests) with gaps."""
    lines = (shared_data / "german_hotel_absa" / "test.txt").read_text(encoding="utf-8").splitlines()
    de = [ln.split("\t", 1)[1] for ln in lines[:300]]
    en = pd.read_csv(shared_data / "bitext_customer_service" / "Bitext_Sample_Customer_Service_Training_Dataset.csv",
                     nrows=300)["utterance"].tolist()
    texts = [t for pair in zip(de, en) for t in pair]
    for i in range(0, len(texts), 37):      # missing, empty and blank answers in between
        texts[i] = [None, "", "   "][i % 3]
    return pd.DataFrame({"respondent_id": [f"{i:05d}" for i in range(len(texts))], "question": "q_comment",
                         "text": texts})


def plain(frame: pd.DataFrame) -> list:
    """Rows as plain Python values (categoricals, Arrow strings and numpy scalars alike)."""
    cols = {c: [None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in frame[c].astype(object)]
            for c in frame.columns}
    return list(zip(*cols.values()))


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_file_coding_equals_code_texts(answers, tmp_path, suffix):
    src = tmp_path / f"answers{suffix}"
    if suffix == ".csv":
        answers.to_csv(src, index=False)
        expected_input = pd.read_csv(src, dtype=str, keep_default_na=False, na_values=[""])
    else:
        answers.to_parquet(src)
        expected_input = answers
    expected = code_texts(expected_input)
    summary = cj.code_file(src, out=tmp_path / "coded.parquet", chunk_rows=97)
    got = pd.read_parquet(tmp_path / "coded.parquet")
    assert list(got.columns) == ["respondent_id", "question"] + OUTPUT
    assert plain(got) == plain(expected)
    assert summary["n_rows"].item() == len(answers)
    assert summary["n_spans"].item() == len(expected)
    assert summary["n_coded"].item() == expected["row"].nunique()


def test_rows_without_text_go_to_the_ledger(answers, tmp_path):
    src = tmp_path / "answers.parquet"
    answers.to_parquet(src)
    summary = cj.code_file(src, out=tmp_path / "coded.parquet", chunk_rows=250)
    # independent count: the answers that are None or only whitespace, as 1-based data rows
    blank = [i + 1 for i, t in enumerate(answers["text"]) if not isinstance(t, str) or not t.strip()]
    led = pd.read_parquet(summary["ledger"].item())
    assert led["row"].tolist() == blank
    assert led["respondent_id"].tolist() == [f"{r - 1:05d}" for r in blank]
    assert set(led["action"]) == {"excluded"} and set(led["column"]) == {"text"}
    assert summary["n_empty"].item() == len(blank) == 17
    # codings and ledger hold respondent ids and answer words: owner-only, even over a wider old file
    (tmp_path / "again.parquet").write_bytes(b"")
    (tmp_path / "again.parquet").chmod(0o644)
    again = cj.code_file(src, out=tmp_path / "again.parquet", chunk_rows=250)
    for f in (summary["out"].item(), summary["ledger"].item(), again["out"].item()):
        assert oct(os.stat(f).st_mode & 0o777) == "0o600"


def test_single_label_gives_one_row_per_answer(answers, tmp_path):
    src = tmp_path / "answers.parquet"
    answers.to_parquet(src)
    cj.code_file(src, out=tmp_path / "one.parquet", single_label=True, sentiment=False, chunk_rows=200)
    got = pd.read_parquet(tmp_path / "one.parquet")
    assert got["row"].tolist() == list(range(len(answers)))


def test_csv_ids_keep_leading_zeros(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text("id,comment\n007,Preis zu hoch\n", encoding="utf-8")
    cj.code_file(src, out=tmp_path / "c.parquet", text_col="comment", id_cols=["id"])
    got = pd.read_parquet(tmp_path / "c.parquet")
    assert got["id"].tolist() == ["007"] and got["question"].tolist() == ["comment"]


def test_bad_input_is_named(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text("respondent_id,answer\n1,gut\n", encoding="utf-8")
    with pytest.raises(DataError, match="no text column 'text'; columns are respondent_id, answer"):
        cj.code_file(src, out=tmp_path / "c.parquet")
    with pytest.raises(DataError, match=r"\['wave'\]"):
        cj.code_file(src, out=tmp_path / "c.parquet", text_col="answer", id_cols=["wave"])
    with pytest.raises(ParameterError, match="a.xlsx"):
        cj.code_file(tmp_path / "a.xlsx", out=tmp_path / "c.parquet")
    with pytest.raises(ParameterError, match="chunk_rows"):
        cj.code_file(src, out=tmp_path / "c.parquet", text_col="answer", chunk_rows=0)


def test_file_without_rows(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text("respondent_id,text\n", encoding="utf-8")
    summary = cj.code_file(src, out=tmp_path / "c.parquet")
    assert summary[["n_rows", "n_spans"]].iloc[0].tolist() == [0, 0]
    got = pd.read_parquet(tmp_path / "c.parquet")
    assert len(got) == 0 and list(got.columns) == ["respondent_id", "question"] + OUTPUT
    assert list(pd.read_parquet(tmp_path / "c_ledger.parquet").columns) == ledger.COLUMNS
