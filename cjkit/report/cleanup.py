"""What earlier runs left behind: their manifests, the files of reports a run no longer makes,
and every report made from a survey after an erasure.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from cjkit.report.cleanup import previous_reports
>>> with tempfile.TemporaryDirectory() as tmp:
...     previous_reports(Path(tmp) / "manifest.json")
{}
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

from cjkit.io import erasure
from cjkit.report import outputs

log = logging.getLogger("cjkit.report.batch")


def previous_reports(manifest_path: Path) -> dict:
    """The reports of an earlier run (name -> its manifest row); empty if there is no readable manifest."""
    if not manifest_path.is_file():
        return {}
    try:
        return {r["name"]: r for r in json.loads(manifest_path.read_text(encoding="utf-8")).get("reports", [])}
    except (json.JSONDecodeError, KeyError, TypeError):
        log.warning("ignoring unreadable manifest %s; all reports will be rebuilt", manifest_path)
        return {}

def remove_stale(out_dir: Path, previous: dict, current: set) -> None:
    """Delete the files of reports an earlier run wrote that this run no longer makes (e.g. a
    segment whose only respondent was erased): they would keep data nobody asks for."""
    for name in previous:
        if name not in current:
            outputs.remove_report(out_dir, name)


def remove_outputs(spec, output_root) -> list[str]:
    """Delete every report under *output_root* that read the survey *spec* (after an erasure).

    Each run folder's ``manifest.json`` says which reports were made from which spec; their
    HTML, executed notebook and output folder (tables, figures, key figures) are deleted at
    once, and the next run rebuilds them without the erased respondents. The snapshot cache
    of every run folder (the loaded data, :mod:`cjkit.report.snapshot`) is deleted too.

    Parameters
    ----------
    spec : str or Path
        The survey spec.
    output_root : str or Path
        The folder of the run folders (``reports/``).

    Returns
    -------
    list of str
        ``<run>/<report>`` of every report removed.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> from cjkit.report.cleanup import remove_outputs
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     run = Path(tmp) / "reports" / "demo"
    ...     run.mkdir(parents=True)
    ...     _ = (run / "r__all.html").write_text("quote")
    ...     rows = [{"name": "r__all", "parameters": {"spec": str(Path(tmp) / "spec.yaml")}}]
    ...     _ = (run / "manifest.json").write_text(json.dumps({"reports": rows}))
    ...     print(remove_outputs(Path(tmp) / "spec.yaml", Path(tmp) / "reports"), list(run.glob("*.html")))
    ['demo/r__all'] []
    """
    spec = Path(spec).resolve()
    removed = []
    root = Path(output_root)
    erasure.purge_caches(root)  # a snapshot of the data may hold the erased respondents
    for manifest in sorted(root.glob("*/manifest.json")) if root.is_dir() else []:
        out_dir = manifest.parent
        if out_dir.is_symlink():
            continue
        for name, row in previous_reports(manifest).items():
            used = (row.get("parameters") or {}).get("spec")
            if not isinstance(used, str) or Path(used).resolve() != spec:
                continue
            if outputs.remove_report(out_dir, name):
                removed.append(f"{out_dir.name}/{name}")
    return removed
