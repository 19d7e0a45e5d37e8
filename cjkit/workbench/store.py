"""The coding file: one CSV per coder, every action appended the moment it happens.

A coding file is append-only: each accept, reject, added or removed code, memo and finished
answer is one line (:data:`COLUMNS`) with the time (UTC), the coder and the unit
(``respondent_id``, ``question``); texts that look like a spreadsheet formula are written with
one leading apostrophe and read back without it (:func:`cjkit.report.export.csv_text`). The file is opened, written and closed for every action, so
a kernel restart or a crash loses nothing; :func:`replay` rebuilds the current codes from it.
Files are readable by their owner only (0600, the folder 0700) because the memos and codes
are personal data, and no file is written through a symbolic link. Respondents on the
survey's erasure list (:mod:`cjkit.io.erasure`) are dropped when a file is read and removed
from it by :func:`purge`.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from cjkit.workbench.store import append, read_actions, replay
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = Path(tmp) / "coding" / "anna.csv"
...     _ = append(path, "anna", [("r1", "kommentar", "add", "price"), ("r1", "kommentar", "done", None)])
...     state = replay(read_actions(path))
>>> state.codes
{('r1', 'kommentar'): ['price']}
"""
from __future__ import annotations

import csv
import io
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.io.erasure import erased
from cjkit.report.export import csv_text, restore_csv_text
from cjkit.report.outputs import check_target

log = logging.getLogger("cjkit.workbench.store")

COLUMNS = ("time", "coder", "respondent_id", "question", "action", "code", "value", "n_coded", "memo")
#: what a line can record; ``model`` lines hold one agreement figure of the learning coder
ACTIONS = ("accept", "reject", "add", "remove", "memo", "done", "model")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _private_folder(folder: Path) -> None:
    check_target(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)


def append(path, coder: str, rows) -> int:
    """Append actions to the coding file at *path* (created 0600 with a header when missing).

    Parameters
    ----------
    path : str or Path
        The coder's coding file.
    coder : str
        Coder id written on every line.
    rows : iterable of tuple
        ``(respondent_id, question, action, code[, value[, n_coded[, memo]]])``; *action* one of
        :data:`ACTIONS`.

    Returns
    -------
    int
        Lines written.

    Examples
    --------
    >>> import tempfile, stat
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = Path(tmp) / "c.csv"
    ...     n = append(p, "anna", [("r1", "q", "add", "wifi")])
    ...     print(n, oct(stat.S_IMODE(p.stat().st_mode)))
    1 0o600
    """
    path = Path(path)
    _private_folder(path.parent)
    check_target(path)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    new = not path.exists() or path.stat().st_size == 0
    if new:
        writer.writerow(COLUMNS)
    stamp = _now()
    n = 0
    for row in rows:
        row = tuple(row) + (None,) * (7 - len(row))
        rid, question, action, code, value, n_coded, memo = row
        if action not in ACTIONS:
            raise ParameterError("action", action, allowed=ACTIONS)
        # texts follow the reversible CSV rule of cjkit's exports (a formula-like text gets one
        # leading apostrophe), so a memo opened in a spreadsheet never runs as a formula
        writer.writerow([stamp, csv_text(str(coder)), "" if rid is None else csv_text(str(rid)),
                         "" if question is None else csv_text(str(question)), action,
                         "" if code is None else csv_text(str(code)), "" if value is None else value,
                         "" if n_coded is None else int(n_coded), "" if memo is None else csv_text(str(memo))])
        n += 1
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, buf.getvalue().encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return n


def read_actions(path, *, erasure=None) -> pd.DataFrame:
    """The actions of one or more coding files, oldest first (erased respondents dropped).

    Parameters
    ----------
    path : str, Path or list of them
        Coding file(s); a missing file reads as no actions.
    erasure : str or Path, optional
        The survey's erasure list; its respondents' lines are left out (logged with a count).

    Returns
    -------
    DataFrame
        :data:`COLUMNS`, ids and codes as strings, ``value`` float, ``n_coded`` Int64.

    Examples
    --------
    >>> read_actions("no-such-file.csv").columns.tolist()[:4]
    ['time', 'coder', 'respondent_id', 'question']
    """
    paths = path if isinstance(path, (list, tuple)) else [path]
    frames = []
    for p in map(Path, paths):
        if not p.is_file():
            continue
        try:
            f = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            raise DataError(f"not a readable coding file: {exc}", file=p) from None
        missing = [c for c in COLUMNS if c not in f.columns]
        if missing:
            raise DataError(f"not a cjkit coding file: columns {', '.join(missing)} missing; "
                            f"expected {', '.join(COLUMNS)}", file=p)
        f = f[list(COLUMNS)]
        for col in ("coder", "respondent_id", "question", "code", "memo"):
            f[col] = f[col].map(restore_csv_text)
        frames.append(f)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(COLUMNS), dtype=str)
    out["value"] = pd.to_numeric(out["value"].replace("", None), errors="coerce").astype(float)
    out["n_coded"] = pd.to_numeric(out["n_coded"].replace("", None), errors="coerce").astype("Int64")
    if erasure is not None and len(out):
        gone = erased(out["respondent_id"], erasure).to_numpy() & (out["respondent_id"] != "").to_numpy()
        if gone.any():
            log.warning("%d coding lines of respondents on the erasure list left out", int(gone.sum()))
            out = out[~gone].reset_index(drop=True)
    return out.sort_values("time", kind="stable").reset_index(drop=True)


def purge(path, erasure) -> int:
    """Remove the lines of erased respondents from a coding file (rewritten in place, 0600).

    Parameters
    ----------
    path : str or Path
        Coding file.
    erasure : str or Path
        The survey's erasure list.

    Returns
    -------
    int
        Lines removed.

    Examples
    --------
    >>> purge("no-such-file.csv", "no-such-list.json")
    0
    """
    path = Path(path)
    if not path.is_file():
        return 0
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    gone = erased(raw["respondent_id"], erasure).to_numpy() & (raw["respondent_id"] != "").to_numpy()
    if not gone.any():
        return 0
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        raw[~gone].to_csv(fh, index=False, lineterminator="\n")
    os.replace(tmp, path)
    log.info("%d coding lines of erased respondents removed from %s", int(gone.sum()), path.name)
    return int(gone.sum())


@dataclass
class State:
    """What a coding file says now: codes, rejected suggestions, memos, finished units, model history."""

    codes: dict = field(default_factory=dict)
    rejected: dict = field(default_factory=dict)
    memos: dict = field(default_factory=dict)
    done: list = field(default_factory=list)
    history: pd.DataFrame | None = None


def replay(actions: pd.DataFrame) -> State:
    """Replay actions in order into the current :class:`State` (codes per unit sorted).

    Parameters
    ----------
    actions : DataFrame
        :func:`read_actions` output (one coder).

    Returns
    -------
    State

    Examples
    --------
    >>> a = pd.DataFrame({"respondent_id": ["1", "1", "1"], "question": ["q"] * 3,
    ...                   "action": ["accept", "add", "remove"], "code": ["a", "b", "a"],
    ...                   "value": [None] * 3, "n_coded": [None] * 3, "memo": [""] * 3})
    >>> replay(a).codes
    {('1', 'q'): ['b']}
    """
    codes: dict = {}
    rejected: dict = {}
    memos: dict = {}
    done: dict = {}
    hist = []
    for rid, q, action, code, value, n_coded, memo in actions[
            ["respondent_id", "question", "action", "code", "value", "n_coded", "memo"]].itertuples(index=False):
        unit = (rid, q)
        if action in ("accept", "add"):
            codes.setdefault(unit, set()).add(code)
            rejected.get(unit, set()).discard(code)
        elif action in ("reject", "remove"):
            codes.setdefault(unit, set()).discard(code)
            if action == "reject":
                rejected.setdefault(unit, set()).add(code)
        elif action == "memo":
            memos[unit] = memo
        elif action == "done":
            done.pop(unit, None)
            done[unit] = True
        elif action == "model":
            hist.append({"n_coded": n_coded, "metric": code, "value": value})
    history = pd.DataFrame(hist, columns=["n_coded", "metric", "value"])
    if len(history):
        history = history.pivot_table(index="n_coded", columns="metric", values="value", aggfunc="last")
        history = history.reset_index().rename_axis(columns=None)
    return State(codes={u: sorted(c) for u, c in codes.items() if c},
                 rejected={u: sorted(c) for u, c in rejected.items() if c},
                 memos=memos, done=list(done), history=history)
