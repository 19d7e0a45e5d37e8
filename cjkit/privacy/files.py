"""Files that hold respondent data are private: readable by their owner only.

Coded answers carry evidence spans (the words of the answer) and respondent ids, so a file of
codings is personal data like the answers themselves. Everything that writes such a file outside
a report run (whose folder modes :mod:`cjkit.report.outputs` sets) does it inside
:func:`private_files`: new files get mode 0600 and new folders 0700, and a file that existed
before is narrowed to 0600 when written again.

Examples
--------
>>> import os, stat, tempfile
>>> from cjkit.privacy.files import private_files, make_private
>>> folder = tempfile.mkdtemp()
>>> with private_files():
...     _ = open(os.path.join(folder, "coded.csv"), "w").write("r1,wifi")
>>> oct(stat.S_IMODE(os.stat(os.path.join(folder, "coded.csv")).st_mode))
'0o600'
"""
from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

FILE_MODE, FOLDER_MODE = 0o600, 0o700


@contextlib.contextmanager
def private_files():
    """While active, files and folders created by this process are readable by the owner only."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def make_private(*paths) -> None:
    """Narrow existing files to 0600 and folders to 0700 (a file written over keeps its old mode)."""
    for path in paths:
        p = Path(path)
        if p.exists() and not p.is_symlink():
            os.chmod(p, FOLDER_MODE if stat.S_ISDIR(p.stat().st_mode) else FILE_MODE)
