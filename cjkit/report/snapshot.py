"""Load a survey once per batch run: Parquet snapshots of the loaded study in the run's private cache.

A batch run reads and validates each (spec, data) pair once (:func:`prepare`) and stores the
result, the wide frame, the long frame, the ledger and the reader's metadata, as Parquet and
JSON in ``<run>/_cache/<key>/``. The key is a SHA-256 of every input file (the spec, the files
it names, the erasure list), cjkit's catalogs and the cjkit version, so a changed input is
never answered from an old snapshot. While the run is active the environment variable
:data:`ENV` names the cache folder; :func:`cjkit.report.study.open_study` in the notebooks,
the grid expansion, the preflight and the manifest then read the snapshot (:func:`find`)
instead of the export. A notebook run by hand (no :data:`ENV`) loads the export as always.

The cache holds personal data: it is private (folder 0700, files 0600) whatever the run's
``permissions``, every run deletes snapshots it no longer needs, and ``cjkit forget``
deletes the caches of every run (:func:`cjkit.io.erasure.purge_caches`).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> import cjkit as cj
>>> from cjkit.io.load import load
>>> from cjkit.report import snapshot
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = Path(tmp) / "answers.csv"
...     cj.example_data(40).to_csv(path, index=False)
...     loaded = load(path, cj.load_spec(cj.example_spec()))
...     back = snapshot.read_snapshot(snapshot.write_snapshot(loaded, Path(tmp) / "k"))
>>> back.long.equals(loaded.long), back.n_input
(True, 40)
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

from cjkit._version import __version__
from cjkit.errors import CjkitError
from cjkit.io.erasure import CACHE_FOLDER
from cjkit.io.load import Loaded, load
from cjkit.io.spec import load_spec
from cjkit.report.manifest import input_hashes

log = logging.getLogger("cjkit.report.snapshot")
#: environment variable naming the active run's cache folder (set by the batch runner only)
ENV = "CJKIT_SNAPSHOTS"
INDEX = "index.json"
_FRAMES = ("wide", "long", "ledger")


def resolve_data(spec, data) -> Path | None:
    """The data file a study reads: *data* (relative to the working folder) or the spec's ``data``."""
    if data:
        path = Path(data)
        return path if path.is_absolute() else Path.cwd() / path
    return spec.data_path


def snapshot_key(spec_file, data_file) -> str:
    """SHA-256 of everything a loaded study depends on: the input files, the catalogs, the version.

    Parameters
    ----------
    spec_file, data_file : str or Path
        The survey spec (YAML) and the data file it is applied to.

    Returns
    -------
    str

    Examples
    --------
    See :func:`prepare`.
    """
    hashes = input_hashes({"spec": str(spec_file), "data": str(data_file)}, base=Path(spec_file).parent)
    h = hashlib.sha256(f"{Path(spec_file).resolve()}\n{Path(data_file).resolve()}\n{__version__}\n".encode())
    for name, digest in sorted(hashes.items()):
        h.update(f"{name}={digest}\n".encode())
    return h.hexdigest()


def _private_write(path: Path, write) -> None:
    """Write through *write(path)* with the file mode 0600 from the first byte."""
    old = os.umask(0o077)
    try:
        write(path)
    finally:
        os.umask(old)
    os.chmod(path, 0o600)


def write_snapshot(loaded: Loaded, folder) -> Path:
    """Store a loaded survey as ``wide/long/ledger.parquet`` and ``meta.json`` in *folder* (0700/0600).

    Parameters
    ----------
    loaded : Loaded
        What :func:`cjkit.io.load.load` returned.
    folder : str or Path
        The snapshot folder (created).

    Returns
    -------
    Path
        *folder*.

    Examples
    --------
    See the module example.
    """
    folder = Path(folder)
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(mode=0o700, parents=True)
    os.chmod(tmp, 0o700)
    for name in _FRAMES:
        frame = getattr(loaded, name)
        _private_write(tmp / f"{name}.parquet", lambda p, f=frame: f.to_parquet(p, engine="pyarrow"))
    meta = {"n_input": int(loaded.n_input), "meta": loaded.meta, "version": __version__}
    _private_write(tmp / "meta.json", lambda p: p.write_text(json.dumps(meta, default=str), encoding="utf-8"))
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)  # a reader sees a whole snapshot or none
    return folder


def read_snapshot(folder, spec=None) -> Loaded:
    """The loaded survey stored by :func:`write_snapshot`.

    Parameters
    ----------
    folder : str or Path
    spec : SurveySpec, optional
        Attached to the result (the spec is not stored).

    Returns
    -------
    Loaded
        ``meta`` as JSON gave it back (values that are not JSON became text).

    Examples
    --------
    See the module example.
    """
    import pandas as pd  # pandas' Parquet reader, only where a snapshot is read

    folder = Path(folder)
    facts = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    frames = {name: pd.read_parquet(folder / f"{name}.parquet", engine="pyarrow") for name in _FRAMES}
    return Loaded(wide=frames["wide"], long=frames["long"], ledger=frames["ledger"], meta=facts["meta"],
                  spec=spec, n_input=facts["n_input"])


def _index_key(spec_file, data_file) -> str:
    return f"{Path(spec_file).resolve()}\n{Path(data_file).resolve()}"


def prepare(parameter_sets, cache) -> dict:
    """Load each distinct (spec, data) of a run once and store its snapshot in *cache*.

    A spec or data file that cannot be loaded is skipped here (the run's preflight names the
    problem); a snapshot whose key is in the cache already is reused.

    Parameters
    ----------
    parameter_sets : iterable of dict
        Report parameters (``spec`` as a YAML path, optional ``data``).
    cache : str or Path
        The run's cache folder (created 0700).

    Returns
    -------
    dict
        ``"<spec>\\n<data>"`` (resolved paths) -> key; also written to ``index.json``. Empty
        (and no cache folder) when the run reads no survey.

    Examples
    --------
    >>> import tempfile, yaml
    >>> from pathlib import Path
    >>> import cjkit as cj
    >>> from cjkit.report import snapshot
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     cj.example_data(40).to_csv(Path(tmp) / "answers.csv", index=False)
    ...     _ = (Path(tmp) / "spec.yaml").write_text(yaml.safe_dump({**cj.example_spec(), "data": "answers.csv"}))
    ...     index = snapshot.prepare([{"spec": str(Path(tmp) / "spec.yaml")}], Path(tmp) / "_cache")
    ...     print(len(index), sorted(p.name for p in (Path(tmp) / "_cache").iterdir())[-1])
    1 index.json
    """
    cache = Path(cache)
    index: dict = {}
    for params in parameter_sets:
        spec_value = params.get("spec")
        if not isinstance(spec_value, (str, Path)) or not str(spec_value):
            continue
        try:
            spec = load_spec(spec_value)
            data = resolve_data(spec, params.get("data") or None)
            if data is None or spec.path is None:
                continue
            entry = _index_key(spec.path, data)
            if entry in index:
                continue
            key = snapshot_key(spec.path, data)
            cache.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(cache, 0o700)
            if not (cache / key / "meta.json").is_file():
                write_snapshot(load(data, spec), cache / key)
            index[entry] = key
        except CjkitError as err:  # the preflight reports it with the report's name
            log.info("no snapshot for %s: %s", spec_value, err)
        except (OSError, ValueError, TypeError) as err:  # e.g. a column Parquet cannot store: load normally
            log.warning("no snapshot for %s (%s: %s); the reports load the data themselves",
                        spec_value, type(err).__name__, err)
    if index:
        _private_write(cache / INDEX, lambda p: p.write_text(json.dumps(index, indent=1), encoding="utf-8"))
    elif cache.is_dir() and not cache.is_symlink():  # nothing to snapshot (e.g. journey paths only)
        shutil.rmtree(cache)
    return index


def find(spec, data_file) -> Loaded | None:
    """The snapshot of (*spec*, *data_file*) in the active run's cache, or None (then load normally).

    Parameters
    ----------
    spec : SurveySpec
        With its file (``spec.path``); a spec given as a dictionary has no snapshot.
    data_file : Path

    Returns
    -------
    Loaded or None

    Examples
    --------
    >>> import cjkit as cj
    >>> from cjkit.report.snapshot import find
    >>> find(cj.load_spec(cj.example_spec()), "answers.csv") is None  # no run active
    True
    """
    cache = os.environ.get(ENV)
    if not cache or getattr(spec, "path", None) is None or data_file is None:
        return None
    try:
        index = json.loads((Path(cache) / INDEX).read_text(encoding="utf-8"))
        key = index.get(_index_key(spec.path, data_file))
        return read_snapshot(Path(cache) / key, spec) if key else None
    except (OSError, ValueError) as err:  # a missing or broken cache: the export is read instead
        log.warning("snapshot cache %s unusable (%s); loading the data", cache, err)
        return None


@contextlib.contextmanager
def active(cache):
    """While active, :func:`find` (also in kernels and workers started inside) reads *cache*.

    Parameters
    ----------
    cache : str or Path or None
        None: nothing changes.

    Examples
    --------
    >>> import os
    >>> from cjkit.report.snapshot import ENV, active
    >>> with active("reports/demo/_cache"):
    ...     inside = os.environ[ENV]
    >>> inside, ENV in os.environ
    ('reports/demo/_cache', False)
    """
    old = os.environ.get(ENV)
    if cache is not None:
        os.environ[ENV] = str(cache)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = old


def prune(cache, keep) -> list[str]:
    """Delete the snapshots in *cache* whose key is not in *keep* (inputs changed since, or erased).

    Parameters
    ----------
    cache : str or Path
    keep : iterable of str
        Keys still in use.

    Returns
    -------
    list of str
        The keys deleted.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from cjkit.report.snapshot import prune
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     (Path(tmp) / "old").mkdir(); (Path(tmp) / "new").mkdir()
    ...     print(prune(tmp, ["new"]), sorted(p.name for p in Path(tmp).iterdir()))
    ['old'] ['new']
    """
    cache, keep, gone = Path(cache), set(keep), []
    for item in sorted(cache.iterdir()) if cache.is_dir() else []:
        if item.is_dir() and not item.is_symlink() and item.name not in keep:
            shutil.rmtree(item)
            gone.append(item.name)
    return gone

