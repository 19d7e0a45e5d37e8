"""Warm kernels: the next report's kernel starts, and imports cjkit, while this report runs.

Starting a kernel and importing pandas, matplotlib and cjkit in it is most of what a short
report costs. A worker process of a batch run therefore starts the kernel for its next report
(:func:`prestart`) when the current report begins, and sends it one silent cell that imports
what every report notebook imports; the current notebook runs and its HTML, PDF and PowerPoint
are made meanwhile. The next report takes that kernel (:func:`take`) instead of starting one.
Every report still runs in a fresh kernel of its own: nothing of another report's namespace
is in it, only the modules already imported. The kernel talks over IPC sockets in a private
folder (:func:`cjkit.report.outputs.ipc_kernel_manager`), in the notebook's folder, with the
run's file modes and snapshot cache, exactly as a kernel started for the report would.

Examples
--------
>>> from cjkit.report import kernels
>>> kernels.take(".", None, "private") is None  # nothing was started in this process
True
"""
from __future__ import annotations

import logging
import multiprocessing.util
import os
import tempfile

from cjkit.report import outputs, snapshot

log = logging.getLogger("cjkit.report.kernels")
#: what the report notebooks import first; silent, so execution counts are unchanged
PRELOAD = ("import matplotlib.pyplot\nimport pyarrow.parquet\nimport jsonschema\nimport cjkit\n"
           "import cjkit.report.sections\nimport cjkit.plot.charts\n")
_WARM: dict = {}


def _key(cwd, cache, permissions) -> tuple:
    return (os.fspath(cwd), os.fspath(cache) if cache else None, permissions)


def prestart(cwd, cache, permissions: str = "private") -> None:
    """Start a kernel for this process's next report and let it import cjkit (returns at once).

    Parameters
    ----------
    cwd : str or Path
        The notebook folder the next report runs in.
    cache : Path or None
        The run's snapshot cache (:mod:`cjkit.report.snapshot`).
    permissions : {"private", "group", "shared"}
        Modes of the files the kernel writes.

    Examples
    --------
    See the module example; :func:`cjkit.report.batch.execute` calls it.
    """
    from jupyter_core.utils import run_sync  # the notebook stack loads only for report runs

    shutdown()
    if not outputs.IPC:  # TCP kernels are not kept waiting on a port
        return
    sockets = tempfile.TemporaryDirectory(prefix="cjkit-k-")
    try:
        with outputs.umask_for(permissions), snapshot.active(cache):
            km = outputs.ipc_kernel_manager(sockets.name)(kernel_name="python3")
            run_sync(km.start_kernel)(cwd=os.fspath(cwd))
        client = km.client()
        client.start_channels()
        client.execute(PRELOAD, silent=True, store_history=False)
    except Exception as err:  # no warm kernel: the next report starts its own, as without this
        log.info("no kernel started ahead: %s", err)
        sockets.cleanup()
        return
    _WARM.update(km=km, client=client, sockets=sockets, key=_key(cwd, cache, permissions))
    if not _WARM.get("finalizer"):  # worker processes end with os._exit: atexit would not run
        _WARM["finalizer"] = multiprocessing.util.Finalize(None, shutdown, exitpriority=10)


def take(cwd, cache, permissions: str = "private"):
    """The kernel started ahead for a report in *cwd* with *cache* and *permissions*, or None.

    A kernel started for other settings is shut down (a run changes them only between
    notebook folders).

    Parameters
    ----------
    cwd, cache, permissions
        As for :func:`prestart`.

    Returns
    -------
    tuple or None
        ``(kernel manager, socket folder, clients made for it)``: pass the manager to papermill
        (``km=``) and shut it down with :func:`release` afterwards.

    Examples
    --------
    See the module example.
    """
    if not _WARM.get("km"):
        return None
    if _WARM["key"] != _key(cwd, cache, permissions):
        shutdown()
        return None
    km, client, sockets = _WARM.pop("km"), _WARM.pop("client"), _WARM.pop("sockets")
    _WARM.pop("key")
    client.stop_channels()
    # nbclient leaves the channels of a client it made for a manager it does not own open, and
    # their zmq context then cannot be destroyed; keep the clients so release() can close them
    made, make = [], km.client

    def client_kept(**kwargs):
        made.append(make(**kwargs))
        return made[-1]

    km.client = client_kept
    return km, sockets, made


def release(taken) -> None:
    """Shut down a kernel from :func:`take` and remove its socket folder.

    Parameters
    ----------
    taken : tuple or None
        What :func:`take` returned.

    Examples
    --------
    >>> from cjkit.report.kernels import release
    >>> release(None)
    """
    if not taken:
        return
    from jupyter_core.utils import ensure_async, run_sync  # the notebook stack loads only for report runs

    km, sockets, made = taken
    for client in made:
        client.stop_channels()

    async def stop():
        if await ensure_async(km.is_alive()):
            await ensure_async(km.shutdown_kernel(now=False))  # also removes its connection files
        else:
            await ensure_async(km.cleanup_resources())

    try:
        run_sync(stop)()
    except Exception as err:  # a kernel that died with its report: nothing left to stop
        log.info("kernel shutdown: %s", err)
    finally:
        sockets.cleanup()


def shutdown() -> None:
    """Shut down the kernel waiting in this process, if any (the end of a run, or other settings).

    Examples
    --------
    >>> from cjkit.report.kernels import shutdown
    >>> shutdown()
    """
    if _WARM.get("km"):
        client = _WARM.pop("client")
        client.stop_channels()
        release((_WARM.pop("km"), _WARM.pop("sockets"), []))
        _WARM.pop("key", None)
