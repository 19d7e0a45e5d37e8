"""Refresh the outputs nbval compares: run each notebook and keep only its marked cells' outputs.

    .venv/bin/python tests/refresh_notebook_outputs.py [notebooks/NN_name.ipynb ...]

Run it after a deliberate change of a report's key figures. Each notebook runs from the
``notebooks/`` folder with its default parameters; the outputs of cells marked
``# NBVAL_CHECK_OUTPUT`` are stored, every other cell is saved without outputs (the notebooks
stay small and hold no respondent data). Review the diff before committing it.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MARK = "# NBVAL_CHECK_OUTPUT"


def refresh(path: Path) -> int:
    book = nbformat.read(path, as_version=4)
    NotebookClient(book, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    kept = 0
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)  # timings would make every refresh a diff
        if MARK in cell.source:
            kept += 1
        else:
            cell.outputs = []
            cell.execution_count = None
    # kernel and widget state of this run are no part of the notebook: keep the metadata as it was
    book.metadata.pop("widgets", None)
    book.metadata["language_info"] = {"name": "python"}
    nbformat.write(book, path)
    return kept


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
    for p in paths:
        print(f"{p.name}: {refresh(p.resolve())} marked cells refreshed")
