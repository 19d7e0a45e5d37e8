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

import pandas as pd

from cjkit.cluster import connect
from cjkit.coding.codebook import load_codebook
from cjkit.coding.coder import code_texts
from cjkit.errors import ParameterError

log = logging.getLogger("cjkit.coding.scaleout")
#: the stemmers the coder shares are not thread-safe: one partition at a time per process, so
#: a cluster scales over worker processes (``dask worker --nthreads 1 --nworkers N``)
_ONE_AT_A_TIME = threading.Lock()


def _code_partition(part: pd.DataFrame, codebook, options: dict) -> tuple[int, pd.DataFrame]:
    """One partition coded, with its number of texts (``row`` is shifted once all are back)."""
    with _ONE_AT_A_TIME:
        return len(part), code_texts(part, codebook, **options)


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
                    **options) -> pd.DataFrame:
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
    **options
        Passed to :func:`cjkit.code_texts` (``text_col``, ``id_cols``, ``lang``, ``model``,
        ``label_lang``, ``sentiment``, ``single_label``, ``fallback``, ``chunk_size``).

    Returns
    -------
    DataFrame
        The table of :func:`cjkit.code_texts` for all texts: the same rows, order, values
        and types as one call on the whole collection.

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
        results = dask.compute(*[dask.delayed(_code_partition)(p, cb, options) for p in parts], scheduler="synchronous")
        return _join(results)
    with connect(cluster, insecure=insecure) as client:
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
