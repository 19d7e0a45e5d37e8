"""Parquet files (e.g. written by a previous cjkit run, DuckDB or Polars).

Examples
--------
>>> import tempfile, pathlib
>>> import pandas as pd
>>> from cjkit.io.readers import parquet
>>> path = pathlib.Path(tempfile.mkdtemp()) / "wave1.parquet"
>>> pd.DataFrame({"id": ["a", "b"], "nps": [9, 6]}).to_parquet(path)
>>> parquet.read(path).wide.shape
(2, 2)
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cjkit.errors import DataError
from ._base import ReadResult, make_meta, question_frame, with_row_index


def read(path, *, columns=None) -> ReadResult:
    """Read a Parquet file (optionally only *columns*).

    Parameters
    ----------
    path : str or Path
        The file.
    columns : list of str, optional
        Read only these columns (Parquet reads them without touching the others).

    Returns
    -------
    ReadResult
        Column types as stored; ``meta['format'] == "parquet"``.

    Raises
    ------
    DataError
        If the file is damaged or not Parquet, or a requested column is absent.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> from cjkit.io.readers.parquet import read
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "wave1.parquet"
    >>> pd.DataFrame({"id": ["a", "b"], "nps": [9, 6]}).to_parquet(path)
    >>> read(path, columns=["nps"]).wide
         nps
    row
    1      9
    2      6
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
