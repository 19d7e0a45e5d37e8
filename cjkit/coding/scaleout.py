"""Code a large text collection in parallel partitions with Dask, on this machine or a cluster.

:func:`code_texts_dask` runs :func:`cjkit.coding.coder.code_texts` on every partition of a
``dask.dataframe`` (read with ``dd.read_parquet`` / ``dd.read_csv``, or made from a pandas
frame) and gives the same table as one :func:`~cjkit.coding.coder.code_texts` call on all the
texts: rows in input order, ``row`` counting across partitions, the same categories. The
codebook is compiled once per worker, not once per partition. Without a cluster the
partitions run one after the other in this process (memory bounded by a partition); with
``cluster=`` they run on a ``dask.distributed`` cluster (reached over TLS only, see
:mod:`cjkit.cluster`). A worker process codes one partition at a time (the stemmers are not
thread-safe), so start workers with one thread each and as many processes as cores.

With ``out=`` nothing is gathered: each partition writes its coding to
``out/part-NNNNN.parquet`` where it was coded (so on a cluster *out* must be a folder every
worker sees), the answers without text go to ``out/ledger.parquet``, and the call returns a
one-row summary. Rows still count across the whole collection: the partitions' lengths are
counted first (one extra read of the texts). The folder is 0700 and its files 0600.

Examples
--------
>>> import pandas as pd
>>> import cjkit as cj
>>> texts = pd.DataFrame({"respondent_id": ["r1", "r2", "r3"],
...                       "text": ["WLAN ständig weg", "Zimmer sauber", "Lieferzeit zu lang"]})
>>> spread = cj.code_texts_dask(texts, npartitions=2)
>>> spread.equals(cj.code_texts(texts))
True
"""
from __future__ import annotations

import copy
import logging
import threading
from pathlib import Path

import numpy as np
import pandas as pd

from cjkit.cluster import connect
from cjkit.coding.codebook import load_codebook
from cjkit.coding.coder import code_texts
from cjkit.coding.stream import empty_rows
from cjkit.errors import ParameterError
from cjkit.privacy.files import make_private, private_files
from cjkit.quality import ledger

log = logging.getLogger("cjkit.coding.scaleout")
#: the stemmers the coder shares are not thread-safe: one partition at a time per process, so
#: a cluster scales over worker processes (``dask worker --nthreads 1 --nworkers N``)
_ONE_AT_A_TIME = threading.Lock()


def _code_partition(part: pd.DataFrame, codebook, options: dict) -> tuple[int, pd.DataFrame]:
    """One partition coded, with its number of texts (``row`` is shifted once all are back)."""
    with _ONE_AT_A_TIME:
        return len(part), code_texts(part, codebook, **options)


def _write_partition(part: pd.DataFrame, codebook, options: dict, path: str, offset: int):
    """One partition coded and written to *path* (owner-only); returns its counts and ledger rows."""
    text_col = options.get("text_col", "text")
    with _ONE_AT_A_TIME, private_files():
        coded = code_texts(part, codebook, **options)
        coded["row"] += offset
        coded.to_parquet(path, index=False)
        make_private(path)
    empty = empty_rows(part[text_col]) if text_col in part.columns else np.array([], dtype=int)
    id_cols = options.get("id_cols") or [c for c in ("respondent_id",) if c in part.columns]
    ids = part[id_cols[0]].iloc[empty].astype("string").tolist() if id_cols and empty.size else None
    led = ledger.entries(file="texts", rows=(empty + offset + 1).tolist(), check="empty_text", action="excluded",
                         reason="no answer text: nothing to code", respondent_ids=ids, column=text_col)
    return len(part), len(coded), int(coded.loc[coded["code"].notna(), "row"].nunique()), led


def _write_all(parts, cb, options: dict, out, compute) -> pd.DataFrame:
    """Code every partition into *out*; *compute* runs a list of delayed tasks where they belong."""
    import dask

    folder = Path(out)
    with private_files():
        folder.mkdir(parents=True, exist_ok=True)
    make_private(folder)
    for old in folder.glob("part-*.parquet"):  # a smaller rerun must not leave partitions of the last one
        old.unlink()
    lengths = compute([dask.delayed(len)(p) for p in parts])
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int)
    tasks = [dask.delayed(_write_partition)(p, cb, options, str(folder / f"part-{i:05d}.parquet"), int(o))
             for i, (p, o) in enumerate(zip(parts, offsets))]
    results = compute(tasks)
    led = pd.concat([r[3] for r in results], ignore_index=True) if results else ledger.empty()
    with private_files():
        led.to_parquet(folder / "ledger.parquet", index=False)
    make_private(folder / "ledger.parquet")
    log.info("coded %d texts in %d partitions into %s", sum(r[0] for r in results), len(results), folder)
    return pd.DataFrame({"out": [str(folder)], "ledger": [str(folder / "ledger.parquet")],
                         "n_partitions": [len(results)], "n_rows": [sum(r[0] for r in results)],
                         "n_empty": [len(led)], "n_coded": [sum(r[2] for r in results)],
                         "n_spans": [sum(r[1] for r in results)]})


def _as_dask(texts, text_col: str, npartitions):
    import dask  # dask loads only for distributed coding
    import dask.dataframe as dd

    if isinstance(texts, dd.DataFrame):
        return texts if npartitions is None else texts.repartition(npartitions=npartitions)
    if isinstance(texts, (list, tuple, pd.Series)):
        texts = pd.DataFrame({text_col: pd.Series(texts).reset_index(drop=True)}) if not isinstance(
            texts, pd.Series) else texts.rename(text_col).to_frame()
    if not isinstance(texts, pd.DataFrame):
        raise ParameterError("texts", type(texts).__name__,
                             allowed="a dask or pandas DataFrame, a Series or a list of str")
    with dask.config.set({"dataframe.convert-string": False}):  # keep the input's own text types
        return dd.from_pandas(texts, npartitions=npartitions or 4, sort=False)


def code_texts_dask(texts, codebook="default", *, cluster=None, insecure: bool = False, npartitions=None,
                    out=None, **options) -> pd.DataFrame:
    """Code open answers like :func:`cjkit.code_texts`, partition by partition with Dask.

    Parameters
    ----------
    texts : dask.dataframe.DataFrame, DataFrame, Series or list of str
        The answers; a dask frame is used with its partitions (e.g. ``dd.read_parquet``),
        the others are split into *npartitions*.
    codebook : "default", path, dict or Codebook
        Loaded here once and sent to the workers.
    cluster : str, distributed.Client or cluster object, optional
        Where the partitions run: a scheduler address (``tls://host:8786``), a client or a
        ``distributed.LocalCluster``; default: partition after partition in this process.
    insecure : bool
        Allow a ``tcp://`` scheduler address (a cluster on this machine).
    npartitions : int, optional
        Partitions to split into (default: a dask frame's own, else 4).
    out : str or Path, optional
        A folder to write the coding to, one Parquet file per partition plus ``ledger.parquet``
        (the answers without text), instead of gathering it in memory; on a cluster a folder
        every worker can write to. Created 0700, files 0600; earlier ``part-*`` files are removed.
    **options
        Passed to :func:`cjkit.code_texts` (``text_col``, ``id_cols``, ``lang``, ``model``,
        ``label_lang``, ``sentiment``, ``single_label``, ``fallback``, ``chunk_size``).

    Returns
    -------
    DataFrame
        The table of :func:`cjkit.code_texts` for all texts: the same rows, order, values
        and types as one call on the whole collection. With *out*: one row ``out``, ``ledger``,
        ``n_partitions``, ``n_rows``, ``n_empty``, ``n_coded`` (answers with a code) and
        ``n_spans`` (rows written), and the partition files read together
        (``pd.read_parquet(out)`` on the ``part-*`` files in name order) are that table.

    Raises
    ------
    ParameterError
        For texts of another type or an unencrypted scheduler address.

    Examples
    --------
    >>> import cjkit as cj
    >>> cj.code_texts_dask(["Das WLAN war langsam", "Frühstück lecker"], npartitions=2)[["code", "row"]]
                code  row
    0           wifi    0
    1   waiting_time    0
    2      breakfast    1
    3  food_beverage    1
    """
    import dask  # dask loads only for distributed coding

    cb = copy.copy(load_codebook(codebook))
    cb.__dict__.pop("_compiled", None)  # compiled scanners stay in the process that built them
    parts = _as_dask(texts, options.get("text_col", "text"), npartitions).to_delayed()
    if cluster is None:
        if out is not None:
            return _write_all(parts, cb, options, out, lambda tasks: dask.compute(*tasks, scheduler="synchronous"))
        results = dask.compute(*[dask.delayed(_code_partition)(p, cb, options) for p in parts], scheduler="synchronous")
        return _join(results)
    with connect(cluster, insecure=insecure) as client:
        if out is not None:
            shared = client.scatter(cb, broadcast=True)
            return _write_all(parts, shared, options, out, lambda tasks: client.gather(client.compute(tasks)))
        shared = client.scatter(cb, broadcast=True)  # one copy per worker, compiled there once
        results = client.gather(client.compute([dask.delayed(_code_partition)(p, shared, options) for p in parts]))
    log.info("coded %d texts in %d partitions on a Dask cluster", sum(n for n, _ in results), len(results))
    return _join(results)


def _join(results) -> pd.DataFrame:
    """The partitions' tables in order, ``row`` counting across the whole collection."""
    tables, offset = [], 0
    for n, table in results:
        tables.append(table.assign(row=table["row"] + offset))
        offset += n
    return pd.concat(tables, ignore_index=True)
