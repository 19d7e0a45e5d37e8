"""Parquet files (e.g. written by a previous cjkit run, DuckDB or Polars).

Examples
--------
>>> from cjkit.io.readers import parquet
>>> res = parquet.read("wave1.parquet")   # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cjkit.errors import DataError
from ._base import ReadResult, make_meta, question_frame, with_row_index


def read(path, *, columns=None, **_ignored) -> ReadResult:
    """Read a Parquet file (optionally only *columns*).

    Raises
    ------
    DataError
        If the file is damaged or not Parquet, or a requested column is absent.
    """
    path = Path(path)
    try:
        table = pq.read_table(path, columns=columns)
    except (pa.ArrowInvalid, pa.ArrowException, OSError) as exc:
        raise DataError(f"cannot read as Parquet — damaged or another format ({str(exc)[:160]})",
                        file=path) from None
    wide = with_row_index(table.to_pandas().reset_index(drop=True))
    questions = question_frame([{"column": c, "source_name": c, "question_text": c, "item_text": None,
                                 "group": c, "kind": None} for c in wide.columns])
    meta = make_meta("parquet", path, questions=questions, n_input=len(wide),
                     header_rows=[list(wide.columns)])
    return ReadResult(wide, meta)
