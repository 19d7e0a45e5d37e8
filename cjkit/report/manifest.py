"""The manifest of a report run and the file hashes a report's fingerprint is made of.

The manifest (``manifest.json``) makes a run reproducible: the hash of every input file
(data, spec, catalogs, erasure list), parameters, package versions, the data-quality
ledger summary and, after an erasure, its counts and dates (never the erased data). The
page for people beside it is written by :mod:`cjkit.report.runindex`.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path

import yaml

from cjkit.catalog.config import DATA
from cjkit.io.erasure import ERASURE_FILE


PATH_PARAMETERS = ("spec", "data", "path_file", "persona_file")
PACKAGES = ["cjkit", "pandas", "numpy", "scipy", "statsmodels", "scikit-learn", "seaborn", "matplotlib",
            "papermill", "nbconvert", "nbformat", "pyarrow", "pyyaml"]


def file_hash(path) -> str:
    """SHA-256 of a file, streamed.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    str
        64 hex digits.

    Examples
    --------
    >>> import hashlib
    >>> from cjkit.report.manifest import file_hash
    >>> from cjkit.catalog.config import DATA
    >>> path = DATA / "models" / "accra.yaml"
    >>> file_hash(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    True
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def catalog_hash() -> str:
    """One SHA-256 over cjkit's package data: journey models, touchpoints, codebooks, lexicons, schemas.

    Returns
    -------
    str

    Examples
    --------
    >>> from cjkit.report.manifest import catalog_hash
    >>> len(catalog_hash())
    64
    """
    h = hashlib.sha256()
    for path in sorted(p for p in DATA.rglob("*") if p.is_file()):
        h.update(f"{path.relative_to(DATA).as_posix()}={file_hash(path)}\n".encode())
    return h.hexdigest()


def _strings(node, key=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, f"{key}.{k}" if key else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings(v, f"{key}[{i}]")
    elif isinstance(node, str) and 0 < len(node) < 1024 and "\n" not in node:
        yield key, node


def _file(value, base: Path) -> Path | None:
    if not isinstance(value, (str, Path)) or not str(value) or len(str(value)) > 1024 or "\n" in str(value):
        return None
    path = Path(value) if Path(value).is_absolute() else base / value
    try:
        return path if path.is_file() else None
    except OSError:
        return None


def input_files(parameters: dict, *, base) -> dict[str, Path]:
    r"""Every file a report reads: parameters naming files, the files a YAML spec names, erasure lists.

    Parameters
    ----------
    parameters : dict
        The report's parameters (relative paths are relative to *base*).
    base : str or Path
        Folder relative parameter paths refer to (the notebook's folder).

    Returns
    -------
    dict
        Name (parameter, ``spec:<key>`` or ``erasure_list``) -> file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from cjkit.report.manifest import input_files
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "spec.yaml").write_text("survey: s\ndata: answers.csv\n", encoding="utf-8")
    ...     _ = (Path(tmp) / "answers.csv").write_text("id\n1\n", encoding="utf-8")
    ...     print(sorted(input_files({"spec": "spec.yaml", "lang": "de"}, base=tmp)))
    ['spec', 'spec:data']
    """
    base = Path(base)
    files = {name: f for name, value in parameters.items() if (f := _file(value, base)) is not None}
    spec = files.get("spec")
    if spec is not None and spec.suffix.lower() in (".yaml", ".yml"):
        try:
            content = yaml.safe_load(spec.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):  # the preflight reports a broken spec
            content = None
        for key, value in _strings(content):
            if (f := _file(value, spec.parent)) is not None and f.resolve() != spec.resolve():
                files[f"spec:{key}"] = f
    folders = {f.parent for name, f in files.items() if name in ("spec", "data", "spec:data")}
    for i, folder in enumerate(sorted(folders)):
        if (folder / ERASURE_FILE).is_file():
            files["erasure_list" if i == 0 else f"erasure_list:{i}"] = folder / ERASURE_FILE
    return files


def input_hashes(parameters: dict, *, base) -> dict[str, str]:
    """SHA-256 of every input of a report (:func:`input_files`) plus ``catalogs`` (:func:`catalog_hash`).

    Parameters
    ----------
    parameters : dict
    base : str or Path

    Returns
    -------
    dict
        Name -> hex digest.

    Examples
    --------
    >>> from cjkit.report.manifest import input_hashes
    >>> sorted(input_hashes({"lang": "de"}, base="."))
    ['catalogs']
    """
    out = {name: file_hash(path) for name, path in input_files(parameters, base=base).items()}
    out["catalogs"] = catalog_hash()
    return out


def package_versions() -> dict[str, str]:
    """Installed versions of the packages a report depends on.

    Returns
    -------
    dict
        Package name -> version (``"not installed"`` if missing), plus ``python``.

    Examples
    --------
    >>> from cjkit.report.manifest import PACKAGES, package_versions
    >>> sorted(package_versions()) == sorted(["python", *PACKAGES])
    True
    """
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def write_manifest(out_dir: Path, cfg, rows: list[dict], extra: dict) -> Path:
    """Write ``manifest.json`` for a run and return its path.

    Parameters
    ----------
    out_dir : Path
        The run's output folder.
    cfg : RunConfig
        The run configuration (:func:`cjkit.report.runconfig.load_run`).
    rows : list of dict
        One entry per report (name, notebook, status, error, ipynb, html, seconds, ...).
    extra : dict
        Run-level facts, e.g. ``ledger_summary``.

    Returns
    -------
    Path

    Examples
    --------
    See :func:`cjkit.report.batch.run_batch`, which writes it.
    """
    base = cfg.path.parent if cfg.path else Path.cwd()
    inputs = {name: {"path": str(path), "sha256": file_hash(path)}
              for name, path in input_files(cfg.parameters, base=base).items()}
    inputs["catalogs"] = {"path": str(DATA), "sha256": catalog_hash()}
    for entry in cfg.notebooks:
        inputs[f"notebook:{entry.path.name}"] = {"path": str(entry.path), "sha256": file_hash(entry.path)}
    manifest = {"run": out_dir.name, "title": cfg.title, "config": str(cfg.path) if cfg.path else None,
                "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "inputs": inputs, "parameters": cfg.parameters, "grid": cfg.grid,
                "packages": package_versions(), **extra, "reports": rows}
    path = out_dir / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return path
