"""Parquet files."""
from __future__ import annotations

import pandas as pd
import pytest

from cjkit.io import readers
from cjkit.errors import DataError


def test_roundtrip(tmp_path):
    frame = pd.DataFrame({"id": ["a", "b", "c"], "q1": [1.0, None, 5.0], "when": pd.to_datetime(["2025-01-01"] * 3)})
    frame.to_parquet(tmp_path / "x.parquet")
    res = readers.read(tmp_path / "x.parquet")
    assert res.meta["format"] == "parquet" and res.wide.index.tolist() == [1, 2, 3]
    pd.testing.assert_frame_equal(res.wide.reset_index(drop=True), frame)


def test_not_parquet(tmp_path):
    (tmp_path / "x.parquet").write_text("id,q1\n1,2\n")
    with pytest.raises(DataError, match="Parquet"):
        readers.read(tmp_path / "x.parquet")
