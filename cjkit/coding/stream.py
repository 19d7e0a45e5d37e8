"""Code a file of answers chunk by chunk: CSV or Parquet in, Parquet out, in bounded memory.

:func:`code_file` reads the text and id columns of a large file in chunks of *chunk_rows*
rows (pyarrow's streaming CSV reader, or the row groups of a Parquet file), codes each chunk
with :func:`cjkit.coding.coder.code_texts` and appends the result to one Parquet file. Memory
is that of one chunk, whatever the size of the file: tens of millions of answers code on a
laptop. The result is the one :func:`~cjkit.coding.coder.code_texts` gives on the whole file
(``row`` counts data rows of the file from 0), so a file coded in chunks and a frame coded at
once can be compared row for row.

Every data row is accounted for: answers without text are written to a ledger file (the
columns of :mod:`cjkit.quality.ledger`) with their row, id and reason, and the summary this
function returns gives the counts. CSV columns are read as text, so ids such as ``007``
keep their leading zeros.

Examples
--------
>>> import pathlib, tempfile
>>> import pandas as pd
>>> from cjkit.coding.stream import code_file
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "answers.csv").write_text("respondent_id,text\\n1,WLAN ständig weg\\n2,\\n", encoding="utf-8")
>>> summary = code_file(folder / "answers.csv", out=folder / "coded.parquet")
>>> summary[["n_rows", "n_empty", "n_coded"]].iloc[0].tolist()
[2, 1, 1]
>>> pd.read_parquet(folder / "coded.parquet")["code"].astype(str).tolist()
['wifi']
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cjkit.coding.codebook import load_codebook
from cjkit.coding.coder import code_texts
from cjkit.errors import DataError, ParameterError
from cjkit.privacy.files import make_private, private_files
from cjkit.quality import ledger

log = logging.getLogger("cjkit.coding.stream")

#: File types :func:`code_file` reads, by suffix.
SOURCES = (".csv", ".parquet", ".pq")


def code_file(source, *, out, codebook="default", text_col: str = "text", id_cols=None,
              ledger_out=None, chunk_rows: int = 200_000, lang: str = "auto", model=None,
              label_lang: str = "de", sentiment: bool = True, single_label: bool = False,
              fallback: str | None = None) -> pd.DataFrame:
    """Code the answers of a CSV or Parquet file and write the coding to a Parquet file.

    The streaming form of :func:`~cjkit.coding.coder.code_texts` for files that do not fit in
    memory: the same options, the same output columns, one chunk of rows in memory at a time.

    Parameters
    ----------
    source : str or Path
        A ``.csv`` (UTF-8, comma-separated, header row) or ``.parquet`` file.
    out : str or Path
        The Parquet file to write (replaced if it exists).
    codebook : "default", path, dict or Codebook
    text_col : str
        Column holding the answers.
    id_cols : list of str, optional
        Columns identifying an answer (default: ``respondent_id`` and ``question`` where the
        file has them).
    ledger_out : str or Path, optional
        Parquet file for the ledger of rows without text (default: *out* with the suffix
        ``_ledger.parquet``).
    chunk_rows : int
        Rows coded at once; bounds memory, the result does not depend on it.
    lang, model, label_lang, sentiment, single_label, fallback
        As in :func:`~cjkit.coding.coder.code_texts`.

    Returns
    -------
    DataFrame
        One row: ``source``, ``out``, ``ledger`` (the files), ``n_rows`` (data rows read),
        ``n_empty`` (rows without answer text, listed in the ledger), ``n_coded`` (answers
        with at least one code) and ``n_spans`` (rows written to *out*).

    Raises
    ------
    ParameterError
        For a file type other than CSV or Parquet, or *chunk_rows* below 1.
    DataError
        If the file lacks the text column or an id column (naming the columns it has).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandas as pd
    >>> from cjkit.coding.stream import code_file
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"respondent_id": ["a", "b", "c"],
    ...               "text": ["Preis zu hoch", None, "The staff were friendly"]}).to_parquet(folder / "in.parquet")
    >>> s = code_file(folder / "in.parquet", out=folder / "coded.parquet", chunk_rows=2)
    >>> s[["n_rows", "n_empty", "n_spans"]].iloc[0].tolist()
    [3, 1, 3]
    >>> pd.read_parquet(folder / "coded.parquet")[["respondent_id", "code", "row"]].astype(str).values.tolist()
    [['a', 'price', '0'], ['c', 'staff', '2'], ['c', 'friendliness', '2']]
    >>> pd.read_parquet(folder / "coded_ledger.parquet")[["row", "respondent_id", "reason"]].values.tolist()
    [[2, 'b', 'no answer text: nothing to code']]
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    source, out = Path(source), Path(out)
    if chunk_rows < 1:
        raise ParameterError("chunk_rows", chunk_rows, message=f"parameter 'chunk_rows' must be at least 1, "
                             f"got {chunk_rows!r}")
    ledger_out = Path(ledger_out) if ledger_out is not None else out.with_name(out.stem + "_ledger.parquet")
    cb = load_codebook(codebook)
    names = _column_names(source)
    if text_col not in names:
        raise DataError(f"no text column '{text_col}'; columns are {', '.join(names)}", file=source,
                        column=text_col)
    if id_cols is None:
        id_cols = [c for c in ("respondent_id", "question") if c in names]
    missing = [c for c in id_cols if c not in names]
    if missing:
        raise DataError(f"id column(s) {missing} not in the file; columns are {', '.join(names)}",
                        file=source, column=missing[0])
    columns = list(dict.fromkeys([*id_cols, text_col]))
    options = dict(codebook=cb, text_col=text_col, id_cols=list(id_cols), lang=lang, model=model,
                   label_lang=label_lang, sentiment=sentiment, single_label=single_label, fallback=fallback)
    writer = led_writer = None
    n_rows = n_empty = n_coded = n_spans = 0
    clock = time.perf_counter()
    # the coding holds respondent ids and the words of their answers: owner-only files
    with private_files():
        try:
            for chunk in _chunks(source, columns, chunk_rows):
                frame = chunk.to_pandas()
                coded = code_texts(frame, **options)
                coded["row"] += n_rows          # rows count through the file, as for one code_texts call
                table = pa.Table.from_pandas(coded, preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(out, table.schema)
                writer.write_table(table.cast(writer.schema))
                empty = empty_rows(frame[text_col])
                if empty.size:
                    led = _ledger(source, frame, empty, n_rows, text_col, id_cols)
                    led_table = pa.Table.from_pandas(led, preserve_index=False)
                    if led_writer is None:
                        led_writer = pq.ParquetWriter(ledger_out, led_table.schema)
                    led_writer.write_table(led_table.cast(led_writer.schema))
                n_rows += len(frame)
                n_empty += int(empty.size)
                n_spans += len(coded)
                n_coded += int(coded.loc[coded["code"].notna(), "row"].nunique())
                log.info("code_file %s: %d rows coded (%.0f rows/s)", source.name, n_rows,
                         n_rows / max(time.perf_counter() - clock, 1e-9))
            if writer is None:   # no data rows: still write the (empty) coding of nothing
                empty_frame = pd.DataFrame({c: pd.Series([], dtype="string") for c in columns})
                writer = pq.ParquetWriter(out, pa.Table.from_pandas(code_texts(empty_frame, **options),
                                                                    preserve_index=False).schema)
            if led_writer is None:
                empty_ledger = pa.Table.from_pandas(ledger.empty(), preserve_index=False)
                led_writer = pq.ParquetWriter(ledger_out, empty_ledger.schema)
        finally:
            for w in (writer, led_writer):
                if w is not None:
                    w.close()
        make_private(out, ledger_out)
    log.info("code_file %s: %d rows, %d without text (ledger %s), %d coded, %d spans written to %s",
             source.name, n_rows, n_empty, ledger_out.name, n_coded, n_spans, out.name)
    return pd.DataFrame({"source": [str(source)], "out": [str(out)], "ledger": [str(ledger_out)],
                         "n_rows": [n_rows], "n_empty": [n_empty], "n_coded": [n_coded], "n_spans": [n_spans]})


def _kind(source: Path) -> str:
    suffix = source.suffix.lower()
    if suffix not in SOURCES:
        raise ParameterError("source", str(source), allowed=list(SOURCES),
                             message=f"parameter 'source' must be a file ending in {', '.join(SOURCES)}; "
                                     f"got '{source.name}'")
    if not source.is_file():
        raise DataError("file not found", file=source)
    return "csv" if suffix == ".csv" else "parquet"


def _column_names(source: Path) -> list[str]:
    """The columns of *source*, read from the header or the Parquet schema only."""
    import pyarrow.csv as pv
    import pyarrow.parquet as pq
    if _kind(source) == "parquet":
        return list(pq.ParquetFile(source).schema_arrow.names)
    with pv.open_csv(source) as reader:
        return list(reader.schema.names)


def _chunks(source: Path, columns: list, chunk_rows: int):
    """Yield Arrow tables of at most *chunk_rows* rows holding *columns* (all as text for CSV)."""
    import pyarrow as pa
    import pyarrow.csv as pv
    import pyarrow.parquet as pq
    if _kind(source) == "parquet":
        batches = pq.ParquetFile(source).iter_batches(batch_size=min(chunk_rows, 65_536), columns=columns)
    else:
        # every column as text: ids keep leading zeros and a late non-number cannot fail the read
        convert = pv.ConvertOptions(include_columns=columns, column_types={c: pa.large_string() for c in columns},
                                    strings_can_be_null=True)
        batches = pv.open_csv(source, convert_options=convert, read_options=pv.ReadOptions(block_size=1 << 22))
    pending, n = [], 0
    for batch in batches:
        while batch.num_rows:
            take = batch.slice(0, chunk_rows - n)
            pending.append(take)
            n += take.num_rows
            batch = batch.slice(take.num_rows)
            if n == chunk_rows:
                yield pa.Table.from_batches(pending)
                pending, n = [], 0
    if n:
        yield pa.Table.from_batches(pending)


def empty_rows(text: pd.Series) -> np.ndarray:
    """Positions of answers without text (missing, empty or only spaces)."""
    t = text.astype("string").str.strip()
    return np.flatnonzero((t.isna() | (t == "")).to_numpy(dtype=bool))


def _ledger(source: Path, frame: pd.DataFrame, empty: np.ndarray, offset: int, text_col: str,
            id_cols: list) -> pd.DataFrame:
    ids = frame[id_cols[0]].iloc[empty].astype("string").tolist() if id_cols else None
    return ledger.entries(file=source.name, rows=(empty + offset + 1).tolist(), check="empty_text",
                          action="excluded", reason="no answer text: nothing to code",
                          respondent_ids=ids, column=text_col)
