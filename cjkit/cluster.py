"""Connecting to a Dask cluster: over TLS only, unless told otherwise.

Coding a large text collection (:func:`cjkit.coding.scaleout.code_texts_dask`) and running a
report grid (``cjkit report RUNFILE --dask tls://scheduler:8786``) can be spread over a
``dask.distributed`` cluster. Answers are personal data, so they travel encrypted: a scheduler
address must use ``tls://``, with the certificates from the Dask configuration
(``distributed.comm.tls.*``). A plain ``tcp://`` address (or one without a scheme, which Dask
reads as ``tcp://``) is refused unless the caller says ``insecure=True``, which is meant for
a cluster on this machine (tests, a ``LocalCluster``).

Like the other modules below the flow (:mod:`cjkit.errors`, :mod:`cjkit.privacy`) it may be
used from every step.

Examples
--------
>>> from cjkit.cluster import check_address
>>> check_address("tls://scheduler.example.org:8786")
'tls://scheduler.example.org:8786'
>>> check_address("scheduler:8786")
Traceback (most recent call last):
...
cjkit.errors.ParameterError: Dask scheduler address 'scheduler:8786' is not encrypted: cjkit sends survey data to a cluster only over TLS. Give a 'tls://host:port' address (certificates in the Dask configuration, distributed.comm.tls), or allow an unencrypted connection explicitly (--dask-insecure, run-file key 'dask_insecure: true', insecure=True) for a cluster on this machine
"""
from __future__ import annotations

import contextlib
import logging

from cjkit.errors import CjkitError, ParameterError

log = logging.getLogger("cjkit.cluster")
SECURE = ("tls://",)
#: in-process transports never leave the process
LOCAL = ("inproc://",)


def check_address(address, *, insecure: bool = False) -> str:
    """Refuse an unencrypted scheduler address unless *insecure* is True.

    Parameters
    ----------
    address : str
        The scheduler's address, e.g. ``tls://10.0.0.5:8786``.
    insecure : bool
        Allow ``tcp://`` (a cluster on this machine, a test).

    Returns
    -------
    str
        The address, unchanged.

    Raises
    ------
    ParameterError
        Naming the address and how to give a TLS one.

    Examples
    --------
    See the module example.
    """
    if not isinstance(address, str) or not address.strip():
        raise ParameterError("dask", address, message=f"Dask scheduler address must be text like "
                                                      f"'tls://host:8786', got {address!r}")
    text = address.strip()
    if text.startswith(SECURE + LOCAL) or insecure:
        return text
    raise ParameterError("dask", text, message=(
        f"Dask scheduler address {text!r} is not encrypted: cjkit sends survey data to a cluster only over TLS. "
        "Give a 'tls://host:port' address (certificates in the Dask configuration, distributed.comm.tls), "
        "or allow an unencrypted connection explicitly (--dask-insecure, run-file key 'dask_insecure: true', "
        "insecure=True) for a cluster on this machine"))


def _is_client(obj) -> bool:
    return type(obj).__name__ == "Client" and hasattr(obj, "submit") and hasattr(obj, "gather")


@contextlib.contextmanager
def connect(cluster, *, insecure: bool = False):
    """A ``distributed.Client`` for *cluster*, closed afterwards if it was opened here.

    Parameters
    ----------
    cluster : str, distributed.Client or cluster object
        A scheduler address (checked with :func:`check_address`), a client (used as it is) or
        a cluster such as ``distributed.LocalCluster`` (its own scheduler: no check).
    insecure : bool
        Allow a ``tcp://`` address.

    Yields
    ------
    distributed.Client

    Raises
    ------
    ParameterError
        For an unencrypted address.
    CjkitError
        When the scheduler cannot be reached.

    Examples
    --------
    >>> from cjkit.cluster import connect
    >>> with connect("tcp://127.0.0.1:8786") as client:
    ...     pass
    Traceback (most recent call last):
    ...
    cjkit.errors.ParameterError: Dask scheduler address 'tcp://127.0.0.1:8786' is not encrypted: ...
    """
    if _is_client(cluster):
        yield cluster
        return
    if isinstance(cluster, str):
        address = check_address(cluster, insecure=insecure)
    elif hasattr(cluster, "scheduler_address"):
        address = cluster.scheduler_address
    else:
        raise ParameterError("dask", cluster, allowed="a scheduler address, a distributed.Client or a cluster")
    from distributed import Client  # dask.distributed loads only for distributed runs

    try:
        client = Client(address, timeout="20s", set_as_default=False)
    except (OSError, TimeoutError) as err:
        raise CjkitError(f"cannot reach the Dask scheduler at {address!r}: {err}") from None
    try:
        log.info("connected to the Dask scheduler %s (%d workers)", address,
                 len(client.scheduler_info().get("workers", {})))
        yield client
    finally:
        client.close()
