"""Where the reports of a batch run execute: local worker processes, or a Dask cluster.

:func:`job_pool` gives :func:`cjkit.report.batch.run_batch` a way to submit one report and to
collect the finished ones, either from a ``ProcessPoolExecutor`` on this machine or from a
``dask.distributed`` cluster (``cjkit report RUNFILE --dask tls://scheduler:8786``). On a
cluster every worker runs :func:`cjkit.report.batch.execute` itself, so the workers need
cjkit, the notebooks and the run folder at the same paths (a shared file system) and the
snapshot cache of the run is read there too. The scheduler is reached over TLS only unless
an unencrypted connection is allowed explicitly (:func:`cjkit.cluster.check_address`).

Examples
--------
>>> from cjkit.report.distributed import job_pool
>>> with job_pool(1) as (submit, finished):
...     print([f.result() for f in finished([submit(abs, -2)])])
[2]
"""
from __future__ import annotations

import contextlib
from concurrent.futures import ProcessPoolExecutor, as_completed

from cjkit.cluster import connect


@contextlib.contextmanager
def job_pool(workers: int, cluster=None, *, insecure: bool = False):
    """``(submit, finished)`` for running reports: local processes, or a Dask cluster.

    Parameters
    ----------
    workers : int
        Local worker processes (ignored on a cluster: it has its own workers).
    cluster : str, distributed.Client or cluster object, optional
        A scheduler address (``tls://host:8786``), a client or a ``distributed.LocalCluster``.
    insecure : bool
        Allow a ``tcp://`` scheduler address.

    Yields
    ------
    tuple
        ``submit(fn, *args, **kwargs) -> future`` and ``finished(futures) -> iterator`` giving
        each future once it is done; ``future.result()`` returns or raises as the call did.

    Raises
    ------
    ParameterError
        For an unencrypted scheduler address.

    Examples
    --------
    See the module example.
    """
    if cluster is None:
        with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
            yield pool.submit, as_completed
        return
    from distributed import as_completed as dask_completed  # dask.distributed loads only for cluster runs

    with connect(cluster, insecure=insecure) as client:
        def submit(fn, *args, **kwargs):
            return client.submit(fn, *args, pure=False, **kwargs)  # every report runs, even with equal inputs

        def finished(futures):
            return dask_completed(list(futures), loop=client.loop)

        yield submit, finished
