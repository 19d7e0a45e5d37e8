"""LimeSurvey exports: the 'R (data file)' CSV with its R syntax file, plain CSV exports,
and the tab-separated survey structure (question texts, no responses).

The R data file's header holds question texts; the syntax file beside it
(``survey_<id>_R_syntax_file.R``) names each column and gives factor levels and labels,
which become ``meta['value_labels']``. Without the syntax file the header texts are used.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from cjkit.errors import DataError
from . import excel
from ._base import ReadResult, question_frame, snake

DATA_NAME = re.compile(r"survey_(\d+)_R_data_file", re.I)
NAME_LINE = re.compile(r'^names\(data\)\[(\d+)\]\s*<-\s*"(.*)"\s*$')
LABEL_LINE = re.compile(r'^attributes\(data\)\$variable\.labels\[(\d+)\]\s*<-\s*"(.*)"\s*$')
FACTOR_LINE = re.compile(r'^data\[, (\d+)\] <- factor\(data\[, \d+\], levels=c\((.*)\),\s*labels=c\((.*)\)\)\s*$')
LIME_HEADER = ["Response ID", "Date submitted", "Last page", "Start language"]


def looks_like(rows, path=None) -> bool:
    """True for a LimeSurvey response export (R data file or CSV with full headings).

    Parameters
    ----------
    rows : list of list of str
        The first records of the file, split into fields.
    path : str or Path, optional
        A name like ``survey_<id>_R_data_file.csv`` decides on its own.

    Returns
    -------
    bool

    Examples
    --------
    >>> from cjkit.io.readers.limesurvey import looks_like
    >>> looks_like([["id", "submitdate", "lastpage", "startlanguage", "q1"]])
    True
    >>> looks_like([["x"]], path="survey_998192_R_data_file.csv")
    True
    """
    if path is not None and DATA_NAME.search(Path(path).name):
        return True
    head = rows[0] if rows else []
    return head[:4] == LIME_HEADER or head[:4] == ["id", "submitdate", "lastpage", "startlanguage"]


def _r_values(text: str) -> list[str]:
    return [v.strip().strip('"') for v in re.findall(r'"(?:[^"\\]|\\.)*"|[^,]+', text)]


def read_syntax(path) -> dict:
    """Parse a LimeSurvey R syntax file.

    Parameters
    ----------
    path : str or Path
        ``survey_<id>_R_syntax_file.R`` as exported with the R data file.

    Returns
    -------
    dict
        ``{"names": {pos: name}, "labels": {pos: text}, "factors": {pos: {level: label}}}`` with
        1-based column positions.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "survey_123_R_data_file.csv").write_text('"Response ID","Date submitted","Gender"\\n'
    ...                                                   '1,2025-01-05,"F"\\n2,2025-01-06,"M"\\n')
    >>> _ = (d / "survey_123_R_syntax_file.R").write_text(
    ...     'names(data)[1] <- "id"\\nnames(data)[2] <- "submitdate"\\nnames(data)[3] <- "gender"\\n'
    ...     'attributes(data)$variable.labels[3] <- "Gender"\\n'
    ...     'data[, 3] <- factor(data[, 3], levels=c("F","M"),labels=c("female","male"))\\n')
    >>> from cjkit.io.readers.limesurvey import read_syntax
    >>> read_syntax(d / "survey_123_R_syntax_file.R")
    {'names': {1: 'id', 2: 'submitdate', 3: 'gender'}, 'labels': {3: 'Gender'}, 'factors': {3: {'F': 'female', 'M': 'male'}}}
    """
    out = {"names": {}, "labels": {}, "factors": {}}
    for line in Path(path).read_text(encoding="utf-8-sig", errors="replace").splitlines():
        if m := NAME_LINE.match(line):
            out["names"][int(m.group(1))] = m.group(2)
        elif m := LABEL_LINE.match(line):
            out["labels"][int(m.group(1))] = m.group(2).replace("\\'", "'")
        elif m := FACTOR_LINE.match(line):
            out["factors"][int(m.group(1))] = dict(zip(_r_values(m.group(2)), _r_values(m.group(3))))
    return out


def read(path, *, syntax=None, **kw) -> ReadResult:
    """Read a LimeSurvey response export.

    Parameters
    ----------
    path : str or Path
        The 'R (data file)' CSV or a CSV export with full headings.
    syntax : str or Path, optional
        The R syntax file; by default ``survey_<id>_R_syntax_file.R`` beside the data file.
    **kw
        Options of :func:`cjkit.io.readers.csv.read_table`.

    Returns
    -------
    ReadResult
        Columns named as in LimeSurvey (``id``, ``submitdate``, question codes), factor
        labels in ``meta['value_labels']``, texts in ``meta['questions']``; ``id_column="id"``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "survey_123_R_data_file.csv").write_text('"Response ID","Date submitted","Gender"\\n'
    ...                                                   '1,2025-01-05,"F"\\n2,2025-01-06,"M"\\n')
    >>> _ = (d / "survey_123_R_syntax_file.R").write_text(
    ...     'names(data)[1] <- "id"\\nnames(data)[2] <- "submitdate"\\nnames(data)[3] <- "gender"\\n'
    ...     'attributes(data)$variable.labels[3] <- "Gender"\\n'
    ...     'data[, 3] <- factor(data[, 3], levels=c("F","M"),labels=c("female","male"))\\n')
    >>> from cjkit.io.readers import limesurvey
    >>> res = limesurvey.read(d / "survey_123_R_data_file.csv")
    >>> res.wide.columns.tolist(), res.meta["id_column"]
    (['id', 'submitdate', 'gender'], 'id')
    >>> res.meta["value_labels"]
    {'gender': {'F': 'female', 'M': 'male'}}
    """
    path = Path(path)
    m = DATA_NAME.search(path.name)
    if syntax is None and m:
        cand = path.with_name(f"survey_{m.group(1)}_R_syntax_file.R")
        syntax = cand if cand.is_file() else None
    parsed = read_syntax(syntax) if syntax else {"names": {}, "labels": {}, "factors": {}}

    def names(headers):
        # columns the syntax file does not name (it skips some) get a short name from their text
        return [parsed["names"].get(i) or snake(h)[:60] for i, h in enumerate(headers[0], start=1)]

    res = excel.table(path, header_rows=1, fmt="limesurvey", names=names, **kw)
    header = res.meta["header_rows"][0]
    cols = names([header])
    labels = {}
    for pos, mapping in parsed["factors"].items():
        if pos <= len(cols) and cols[pos - 1] in res.wide.columns:
            labels[cols[pos - 1]] = mapping
    rows = [{"column": c, "source_name": h, "question_text": parsed["labels"].get(i, h), "item_text": None,
             "group": c, "kind": "choice" if i in parsed["factors"] else None}
            for i, (c, h) in enumerate(zip(cols, header), start=1) if c in res.wide.columns]
    id_col = "id" if "id" in res.wide.columns else ("response_id" if "response_id" in res.wide.columns else None)
    res.meta.update(questions=question_frame(rows), value_labels=labels, id_column=id_col,
                    syntax=str(syntax) if syntax else None)
    return res


def read_structure(path) -> pd.DataFrame:
    """Questions, sub-questions and answer options from a LimeSurvey survey structure TSV.

    Parameters
    ----------
    path : str or Path
        The tab-separated survey structure export (``.txt``).

    Returns
    -------
    DataFrame
        class (Q question, SQ sub-question, A answer option), name, text, language, type.

    Raises
    ------
    DataError
        If the file is not a LimeSurvey structure export.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cjkit.io.readers.limesurvey import read_structure
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "structure.txt"
    >>> _ = path.write_text("id\\trelated_id\\tclass\\ttype/scale\\tname\\trelevance\\ttext\\thelp\\tlanguage\\n"
    ...                     "\\t\\tQ\\tL\\tgender\\t1\\tYour gender?\\t\\ten\\n\\t\\tA\\t0\\tF\\t\\tfemale\\t\\ten\\n")
    >>> read_structure(path)
      class    name          text language type
    0     Q  gender  Your gender?       en    L
    1     A       F        female       en    0
    """
    path = Path(path)
    try:
        df = pd.read_csv(path, sep="\t", dtype="string", keep_default_na=False, quoting=3,
                         encoding="utf-8-sig", on_bad_lines="skip")
    except (ValueError, OSError) as exc:
        raise DataError(f"cannot read as a LimeSurvey structure file: {exc}", file=path) from None
    need = {"class", "name", "text", "language", "type/scale"}
    if not need <= set(df.columns):
        raise DataError(f"not a LimeSurvey structure file; expected columns {sorted(need)}", file=path)
    out = df.loc[df["class"].isin(["Q", "SQ", "A"]), ["class", "name", "text", "language", "type/scale"]]
    out = out.rename(columns={"type/scale": "type"}).reset_index(drop=True)
    out["text"] = out["text"].str.strip('"')
    return out
