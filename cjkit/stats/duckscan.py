"""DuckDB over a long Parquet file: the connection, the row selection and the answers per cell.

The building blocks that :mod:`cjkit.stats.outofcore` (sufficient statistics, metrics, driver
correlations) and :mod:`cjkit.stats.scandesign` (design-based standard errors) share, so that both
select the same rows, give NPS and scale questions the same ranges and build the same cells as
:func:`cjkit.stats.sufficient.unit_rows` does in memory.
"""
from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from cjkit.catalog.types import SCALE_TYPES
from cjkit.errors import DataError, ParameterError

MEMORY_LIMIT = "2GB"


@contextmanager
def connect(path, memory_limit):
    import duckdb

    files = Path(path)
    if not files.is_file() and not any(files.parent.glob(files.name)):
        raise DataError("no Parquet file found", file=str(path))
    spill = tempfile.mkdtemp(prefix="cjkit-duckdb-")
    con = duckdb.connect(config={"memory_limit": memory_limit or MEMORY_LIMIT, "temp_directory": spill})
    try:
        con.execute(f"CREATE VIEW long AS SELECT * FROM read_parquet({lit(str(path))}, file_row_number = true)")
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def lit(s) -> str:
    return "'" + str(s).replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def in_list(values) -> str:
    return "(" + ", ".join(lit(v) for v in values) + ")"


def columns(con) -> list[str]:
    return [r[0] for r in con.execute("DESCRIBE long").fetchall()]


def categories(path, cols) -> dict:
    """Category order of dictionary-encoded (pandas categorical) columns, read from the first row
    group only, so that tables come out in the order the in-memory route gives (journey phases,
    questionnaire order)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = {}
    if not Path(path).is_file():
        return out
    pf = pq.ParquetFile(path)
    names = [c for c in cols if c in pf.schema_arrow.names and pa.types.is_dictionary(pf.schema_arrow.field(c).type)]
    if names and pf.num_row_groups:
        table = pf.read_row_group(0, columns=names)
        for c in names:
            arr = table.column(c)
            if arr.num_chunks:
                out[c] = pd.CategoricalDtype(arr.chunk(0).dictionary.to_pylist(), ordered=arr.type.ordered)
    return out


def selection(con, cols, questions, types, roles) -> str:
    if "question" not in cols or "value" not in cols:
        raise ParameterError("path", "file", message="the long file needs 'question' and 'value' columns")
    where = []
    if questions is not None:
        questions = [questions] if isinstance(questions, str) else list(questions)
        known = {r[0] for r in con.execute("SELECT DISTINCT CAST(question AS VARCHAR) FROM long").fetchall()}
        unknown = sorted(set(questions) - known)
        if unknown:
            raise ParameterError("questions", unknown, allowed="question ids in the long file")
        where.append(f"CAST(question AS VARCHAR) IN {in_list(questions)}")
    elif "type" in cols:
        where.append(f"CAST(type AS VARCHAR) IN {in_list(types or SCALE_TYPES)}")
    if roles is not None and "role" in cols:
        where.append(f"CAST(role AS VARCHAR) IN {in_list([roles] if isinstance(roles, str) else roles)}")
    return " AND ".join(where) or "TRUE"


def check_weights(con, weight_sql: str, where: str, weight: str) -> None:
    bad, positive, total = con.execute(
        f"SELECT count(*) FILTER (WHERE {weight_sql} IS NULL OR NOT isfinite({weight_sql}) OR {weight_sql} < 0), "
        f"count(*) FILTER (WHERE {weight_sql} > 0), count(*) FROM long WHERE {where}").fetchone()
    if bad:
        raise DataError(f"weights must be finite and >= 0 ({bad} bad rows)", column=weight)
    if total and not positive:
        raise DataError(f"all {total} weights are 0; nothing can be estimated", column=weight)


def cell_units(con, cols, by, where, *, scales=None, weight: str = "weight"):
    """SQL of the answers behind each cell (one row per respondent and cell when the questions of
    a cell are averaged into an index), with respondent_id, x, w, lo, hi and is_nps.

    Creates the temporary view ``sel`` (the selected rows) and table ``rng`` (each question's scale
    range: given, 0-10 for NPS, else the observed range). Returns the SQL, the cell key columns and
    whether the cells are indices.
    """
    w = f"CAST({ident(weight)} AS DOUBLE)" if weight in cols else "1.0"
    check_weights(con, w, where, weight)
    typ = "CAST(type AS VARCHAR)" if "type" in cols else "NULL"
    given = "".join(f" WHEN q = {lit(q)} THEN {float(lo)!r}" for q, (lo, hi) in (scales or {}).items())
    given_hi = "".join(f" WHEN q = {lit(q)} THEN {float(hi)!r}" for q, (lo, hi) in (scales or {}).items())
    keys_sql = ", ".join(ident(c) for c in dict.fromkeys([*by, "question"]))
    con.execute(f"""CREATE TEMP VIEW sel AS SELECT {keys_sql}, respondent_id, CAST(question AS VARCHAR) AS q,
        {typ} AS typ, CASE WHEN isnan(CAST(value AS DOUBLE)) THEN NULL ELSE CAST(value AS DOUBLE) END AS x,
        {w} AS w FROM long WHERE {where}""")
    # scale range per question: given, fixed 0-10 for NPS, else the observed range
    con.execute(f"""CREATE TEMP TABLE rng AS SELECT q,
        CASE {given} WHEN bool_or(typ = 'nps') THEN 0.0 ELSE min(x) END AS lo,
        CASE {given_hi} WHEN bool_or(typ = 'nps') THEN 10.0 ELSE max(x) END AS hi
        FROM sel GROUP BY q""")
    n_questions = con.execute("SELECT count(*) FROM rng").fetchone()[0]
    index = "question" not in by and n_questions > 1
    keys = by if index else list(dict.fromkeys([*by, "question"]))
    ksql = ", ".join(ident(c) for c in keys)
    if index:  # one index value per respondent and cell, each question rescaled to 0-100
        units = f"""SELECT {ksql}, respondent_id, avg((x - lo) / nullif(hi - lo, 0) * 100) AS x, any_value(w) AS w,
            0.0 AS lo, 100.0 AS hi, FALSE AS is_nps FROM sel JOIN rng USING (q) GROUP BY {ksql}, respondent_id"""
    else:
        units = f"SELECT {ksql}, respondent_id, x, w, lo, hi, coalesce(typ = 'nps', FALSE) AS is_nps FROM sel JOIN rng USING (q)"
    return units, keys, index
