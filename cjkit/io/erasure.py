"""The erasure list: respondents who asked to be forgotten stay out of every load.

``cjkit forget <respondent_id>...`` (or :func:`forget`) adds respondents to the survey's
erasure list, the file ``erased_respondents.json`` in the folder of the survey spec (for a
spec given as a dictionary: the folder of the data file). :func:`cjkit.io.load.load`, and so
every study, report and batch run, drops the listed respondents right after reading, before
any check or coding, with one ledger entry per dropped row (check ``erased``, no id, no
values). An old export or a restored snapshot therefore cannot bring them back.

The list holds no personal data: only salted SHA-256 hashes of the ids (trimmed, case
ignored) and, per request, its date and the number of ids. The salt is random per list.
Ids with few possible values (``r0001``) can still be found by trying them all, so keep the
list where the data is.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> import pandas as pd
>>> from cjkit.io.erasure import erased, forget
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = forget(["Max@Example.org"], folder=tmp)["path"]
...     text = path.read_text(encoding="utf-8")
...     print(erased(pd.Series(["a", "max@example.org "]), path).tolist(), "example" in text)
[False, True] False
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
from pathlib import Path

import pandas as pd

from cjkit.errors import ConfigError, ParameterError

#: File name of the erasure list, in the folder of the survey spec (or of the data file).
ERASURE_FILE = "erased_respondents.json"
#: Folder inside each run folder where a batch run keeps its snapshots of the loaded data
#: (:mod:`cjkit.report.snapshot`); they hold personal data, so an erasure deletes them.
CACHE_FOLDER = "_cache"


def list_path(spec=None, data=None) -> Path | None:
    """Where the erasure list of a survey lives.

    Parameters
    ----------
    spec : SurveySpec, optional
        The loaded spec; a spec read from a file keeps the list beside that file.
    data : str or Path, optional
        The data file; used when the spec has no file.

    Returns
    -------
    Path or None

    Examples
    --------
    >>> from cjkit.io.erasure import list_path
    >>> list_path(data="surveys/demo/hotel_guests.csv").as_posix()
    'surveys/demo/erased_respondents.json'
    """
    if spec is not None and getattr(spec, "path", None):
        return Path(spec.path).parent / ERASURE_FILE
    if data is not None:
        return Path(data).parent / ERASURE_FILE
    return None


def _digest(salt: str, rid) -> str:
    return hashlib.sha256((salt + str(rid).strip().casefold()).encode("utf-8")).hexdigest()


def read_list(path) -> dict:
    """The erasure list at *path* (an empty list when there is none).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    dict
        ``salt``, ``hashes`` (list of hex digests) and ``requests`` (date and count of each).

    Raises
    ------
    ConfigError
        If the file exists but is not an erasure list.

    Examples
    --------
    >>> from cjkit.io.erasure import read_list
    >>> sorted(read_list("no-such-folder/erased_respondents.json"))
    ['hashes', 'requests', 'salt']
    """
    path = Path(path)
    if not path.is_file():
        return {"salt": "", "hashes": [], "requests": []}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data.get("salt"), str) or not isinstance(data.get("hashes"), list):
            raise ValueError
    except (ValueError, AttributeError):
        raise ConfigError("not a cjkit erasure list (expected JSON with 'salt' and 'hashes'); "
                          "do not edit it by hand", path=path) from None
    data.setdefault("requests", [])
    return data


def forget(ids, *, folder=None, path=None) -> dict:
    """Add respondents to an erasure list (created when missing); ids already listed are not counted twice.

    Parameters
    ----------
    ids : iterable of str
        Respondent ids as they appear in the data's id column.
    folder : str or Path, optional
        Folder of the list (the survey folder); the file is :data:`ERASURE_FILE`.
    path : str or Path, optional
        The list file itself (instead of *folder*).

    Returns
    -------
    dict
        ``path``, ``added`` (new ids), ``total`` (ids on the list).

    Examples
    --------
    >>> import tempfile
    >>> from cjkit.io.erasure import forget
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     first, again = forget(["r1", "r2"], folder=tmp), forget(["r2", "r3"], folder=tmp)
    >>> first["added"], again["added"], again["total"]
    (2, 1, 3)
    """
    ids = [str(i) for i in ids if str(i).strip()]
    if not ids:
        raise ParameterError("ids", ids, message="no respondent ids given to forget")
    if path is None and folder is None:
        raise ParameterError("folder", None, message="name the survey folder (or the list file) of the erasure list")
    path = Path(path) if path is not None else Path(folder) / ERASURE_FILE
    data = read_list(path)
    salt = data["salt"] or secrets.token_hex(16)
    known = set(data["hashes"])
    new = sorted({_digest(salt, i) for i in ids} - known)
    data.update(salt=salt, hashes=sorted(known | set(new)),
                about="cjkit erasure list: salted SHA-256 hashes of erased respondent ids, no ids in clear")
    data["requests"].append({"date": dt.date.today().isoformat(), "count": len(new)})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return {"path": path, "added": len(new), "total": len(data["hashes"])}


def erased(ids: pd.Series, path) -> pd.Series:
    """Which of *ids* are on the erasure list at *path*.

    Parameters
    ----------
    ids : Series
        Respondent ids.
    path : str, Path or None
        The list (None or a missing file: nobody is erased).

    Returns
    -------
    Series of bool
        Aligned with *ids*.

    Examples
    --------
    See the module example.
    """
    if path is None:
        return pd.Series(False, index=ids.index)
    data = read_list(path)
    if not data["hashes"]:
        return pd.Series(False, index=ids.index)
    hashes = set(data["hashes"])
    return ids.map(lambda v: not pd.isna(v) and _digest(data["salt"], v) in hashes).astype(bool)


def summary(path) -> dict:
    """What a manifest records about an erasure list: counts and dates, never ids or hashes.

    Parameters
    ----------
    path : str, Path or None

    Returns
    -------
    dict
        ``respondents`` (ids on the list) and ``requests`` (date and count of each); empty
        without a list.

    Examples
    --------
    >>> import tempfile
    >>> from cjkit.io.erasure import forget, summary
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = forget(["r1"], folder=tmp)
    ...     facts = summary(f"{tmp}/erased_respondents.json")
    >>> facts["respondents"], [r["count"] for r in facts["requests"]]
    (1, [1])
    """
    if path is None or not Path(path).is_file():
        return {}
    data = read_list(path)
    return {"respondents": len(data["hashes"]), "requests": data["requests"]}


def purge_caches(output_root) -> list[str]:
    """Delete the snapshot cache of every run folder under *output_root* (after an erasure).

    A batch run keeps the data it loaded in ``<run>/_cache/`` (:data:`CACHE_FOLDER`); a
    snapshot taken before the erasure still holds the erased respondents, so every cache
    goes. The next run loads the data again, without them. Links are removed, never followed.

    Parameters
    ----------
    output_root : str or Path
        The folder of the run folders (``reports/``).

    Returns
    -------
    list of str
        The run folders whose cache was deleted.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from cjkit.io.erasure import CACHE_FOLDER, purge_caches
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     (Path(tmp) / "demo" / CACHE_FOLDER / "k").mkdir(parents=True)
    ...     print(purge_caches(tmp), (Path(tmp) / "demo" / CACHE_FOLDER).exists())
    ['demo'] False
    """
    root = Path(output_root)
    purged = []
    for cache in sorted(root.glob(f"*/{CACHE_FOLDER}")) if root.is_dir() else []:
        if cache.parent.is_symlink():
            continue
        if cache.is_symlink() or cache.is_file():
            cache.unlink()
        else:
            shutil.rmtree(cache)
        purged.append(cache.parent.name)
    return purged
