"""Independent respondent counts for the real exports listed in ``fixtures/real_exports.csv``.

Each manifest row names a *method*; :func:`count` computes the number of respondents with
that method using a reader other than cjkit's (pandas' C parser, pyreadstat, pandas.read_spss,
openpyxl, xlrd), so the test compares cjkit against a second opinion, not against itself.
Run this file as a script to print the manifest rows from the current shared data.
"""
from __future__ import annotations

import csv
import io
import sys
import zipfile
from pathlib import Path

MANIFEST = Path(__file__).resolve().parent / "fixtures" / "real_exports.csv"
FIELDS = ["path", "format", "respondents", "method"]


def _csv_count(path: Path, skip: int, sep: str, enc: str) -> int:
    import pandas as pd

    src = path
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            src = io.BytesIO(zf.read(zf.namelist()[0]))
    # every header row is skipped, the rest are data rows; blank lines are no respondents
    df = pd.read_csv(src, header=None, skiprows=skip, sep=sep, encoding=enc, dtype=str,
                     keep_default_na=False, engine="c", skip_blank_lines=True)
    return len(df)


def count(path: Path, method: str) -> int:
    """Respondents in *path* by *method* (``reader;key=value;...``)."""
    reader, *opts = method.split(";")
    kw = dict(o.split("=", 1) for o in opts)
    if reader == "pandas.read_csv":
        sep = {"tab": "\t", "semicolon": ";", "comma": ","}[kw.get("sep", "comma")]
        return _csv_count(path, int(kw["skip"]), sep, kw.get("encoding", "utf-8-sig"))
    if reader == "pandas.read_spss":
        import pandas as pd
        return len(pd.read_spss(path, convert_categoricals=False))
    if reader == "pyreadstat.read_por":  # pandas has no .por reader; row count of a plain pyreadstat read
        import pyreadstat
        return len(pyreadstat.read_por(str(path))[0])
    if reader == "pandas.read_stata":
        import pandas as pd
        return len(pd.read_stata(path, convert_categoricals=False, convert_dates=False))
    if reader == "openpyxl":
        import openpyxl
        wb = openpyxl.load_workbook(path, read_only=True)
        ws = wb[wb.sheetnames[int(kw.get("sheet", 0))]]
        rows = [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]
        wb.close()
        return len(rows) - int(kw["header"])
    if reader == "xlrd":
        import xlrd
        sheet = xlrd.open_workbook(path).sheet_by_index(int(kw.get("sheet", 0)))
        filled = [i for i in range(sheet.nrows) if any(str(v).strip() for v in sheet.row_values(i))]
        return len(filled) - int(kw["header"])
    raise ValueError(f"unknown method {method!r}")


def read_manifest() -> list[dict]:
    with open(MANIFEST, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _guess_method(rel: str, fmt: str) -> str:
    if fmt == "qualtrics":
        return "pandas.read_csv;skip=HDR"
    if fmt == "surveymonkey":
        return "pandas.read_csv;skip=2"
    if fmt in ("formbricks", "googleforms", "limesurvey", "csv"):
        return "pandas.read_csv;skip=1" + (";sep=semicolon" if "car_rental" in rel else "")
    if fmt == "spss":
        return "pyreadstat.read_por" if rel.endswith(".por") else "pandas.read_spss"
    if fmt == "excel":
        return "xlrd;header=1" if rel.endswith(".xls") else "openpyxl;header=1"
    raise ValueError(fmt)


if __name__ == "__main__":  # regenerate: python tests/real_exports.py <shared data root> < paths
    root = Path(sys.argv[1])
    import cjkit as cj
    out = csv.DictWriter(sys.stdout, FIELDS, lineterminator="\n")
    out.writeheader()
    for rel in (line.strip() for line in sys.stdin if line.strip()):
        fmt = cj.detect_format(root / rel)
        method = _guess_method(rel, fmt)
        if "HDR" in method:  # header rows of a Qualtrics export: 3 with import ids, else 2
            head = (root / rel).read_text(encoding="utf-8-sig", errors="replace")[:200_000]
            method = method.replace("HDR", "3" if "ImportId" in head else "2")
        out.writerow({"path": rel, "format": fmt, "respondents": count(root / rel, method), "method": method})
