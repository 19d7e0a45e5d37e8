"""Banner tables (crosstabs) as SPSS Custom Tables and Turas lay them out: questions down,
segments across (plus Total), column-test letters, base and effective base, low bases marked.

A rating question gives two rows, the top-2 box (percent, z-test of proportions) and the mean
(t-test of means); a single- or multiple-choice question one percent row per answer. The tests are
:func:`cjkit.stats.columns.column_tests`; the Total column is not tested. :func:`banner_to_excel`
writes a formatted workbook with a notes sheet (legend and test settings), :func:`banner_to_docx`
a Word table.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from cjkit.catalog import i18n
from cjkit.catalog.types import SCALE_TYPES
from cjkit.errors import ParameterError
from cjkit.report.export import text_cell
from cjkit.stats.base import resolve_base_rule
from cjkit.stats.columns import column_tests
from cjkit.stats.disclosure import suppress_small_cells
from cjkit.stats.sufficient import scale_ranges

TOTAL = "total"
CHOICE_TYPES = ("single", "multi")
COLUMNS = ["question", "question_label", "row", "row_label", "kind", "segment", "letter", "value",
           "higher_than", "n", "n_effective", "flag"]


def _question_labels(data, lang):
    spec = getattr(data, "spec", None)
    if spec is None:
        return {}
    return {q.id: (q.text_en or q.text if lang == "en" else q.text) or q.id for q in spec.questions}


def _rows(long, segment, questions, scales, weight):
    """One frame per test kind: question, row, segment, weight, x (a 0/1 indicator or the rating)."""
    percent, means, order = [], [], []
    keep = [c for c in dict.fromkeys(["respondent_id", segment, weight]) if c in long.columns]
    for q in questions:
        d = long[long["question"] == q]
        kind = str(d["type"].iloc[0]) if "type" in d.columns and len(d) else ""
        if kind in SCALE_TYPES:
            d = d[d["value"].notna()]
            if d.empty:
                continue
            hi = scale_ranges(d, scales)["scale_max"].iloc[0]
            percent.append(d[keep].assign(question=q, row="top2", x=(d["value"] >= hi - 1).astype(float)))
            means.append(d[keep].assign(question=q, row="mean", x=d["value"].astype(float)))
            order += [(q, "top2"), (q, "mean")]
        elif kind == "multi" and "item" in d.columns:  # one 0/1 row per option (the long frame's item)
            d = d[d["value"].notna() & d["item"].notna()]
            for item in dict.fromkeys(d["item"].astype(str)):
                sub = d[d["item"].astype(str) == item]
                percent.append(sub[keep].assign(question=q, row=item, x=sub["value"].gt(0).astype(float)))
                order.append((q, item))
        elif kind in CHOICE_TYPES:
            answer = d["text"].astype("string").fillna(d["value"].astype("string"))
            d = d.assign(_a=answer)[answer.notna()]
            if d.empty:
                continue
            per = d.drop_duplicates("respondent_id")[keep]
            for a in sorted(d["_a"].unique(), key=str):
                chose = set(d.loc[d["_a"] == a, "respondent_id"])
                percent.append(per.assign(question=q, row=str(a), x=per["respondent_id"].isin(chose).astype(float)))
                order.append((q, str(a)))
    return percent, means, order


def banner_table(data, *, segment: str, questions=None, total: bool = True, weight: str = "weight",
                 correction: str = "holm", alpha: float = 0.05, scales=None, min_n=None, suppress_n=None,
                 lang: str = "de") -> pd.DataFrame:
    """Questions down, segments across: percents and means with column-test letters and bases.

    Parameters
    ----------
    data : Study or DataFrame
        An opened study (its long frame, scales and question texts are used) or a long frame.
    segment : str
        Segment column whose levels are the banner's columns (A, B, C...).
    questions : list of str, optional
        Question ids, in the order shown; default every rating and choice question.
    total : bool
        Add a Total column (not tested).
    weight : str
        Weight column; tests use the effective base.
    correction : {"bonferroni", "holm", "bh", "fdr_bh", "none"}
        Multiple-testing correction over the column pairs of a row.
    alpha : float
        Significance level of the letters.
    scales : dict, optional
        ``{question: (min, max)}`` for the top-2 box; default the study's scales.
    min_n, suppress_n : int, optional
        Base rule: cells below ``min_n`` are marked low base, below ``suppress_n`` not shown.
    lang : {"de", "en"}
        Language of the labels.

    Returns
    -------
    DataFrame
        question, question_label, row, row_label, kind ("percent" or "mean"), segment ("total"
        for the Total column), letter, value (a share for percents), higher_than, n,
        n_effective, flag; the settings are in ``.attrs["banner"]``.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> t = cj.banner_table(study, segment="persona", questions=["overall"], lang="en")
    >>> t[["row", "segment", "letter", "value", "higher_than", "n"]].round(2)
        row  segment letter  value higher_than    n
    0  top2    total          0.51              120
    1  top2  Familie      A   0.41               54
    2  top2     Paar      B   0.60           A   66
    3  mean    total          3.50              120
    4  mean  Familie      A   3.30               54
    5  mean     Paar      B   3.67           A   66
    """
    i18n.check_lang(lang)
    long = data.long if hasattr(data, "long") else data
    if segment not in long.columns:
        raise ParameterError("segment", segment, allowed=[c for c in long.columns if c not in ("value", "text")])
    scales = scales if scales is not None else getattr(data, "scales", None)
    known = list(dict.fromkeys(long["question"].astype(str)))
    if questions is None:
        types = long.drop_duplicates("question").set_index("question")["type"].astype(str)
        questions = [q for q in known if types.get(q) in (*SCALE_TYPES, *CHOICE_TYPES)]
    unknown = [q for q in questions if q not in known]
    if unknown:
        raise ParameterError("questions", unknown, allowed=known)
    min_n, suppress_n = resolve_base_rule(min_n, suppress_n)
    percent, means, order = _rows(long, segment, questions, scales, weight)
    opts = dict(by=["question", "row"], weight=weight if weight in long.columns else None,
                correction=correction, alpha=alpha, min_n=min_n, suppress_n=suppress_n)
    parts = []
    for frames, kind, test in ((percent, "percent", "proportion"), (means, "mean", "mean")):
        if not frames:
            continue
        d = pd.concat(frames, ignore_index=True)
        d = d[d[segment].notna()]
        cells = column_tests(d, segment=segment, value="x", kind=test, **opts)
        if total:
            tot = column_tests(d.assign(**{segment: TOTAL}), segment=segment, value="x", kind=test, **opts)
            cells = pd.concat([tot.assign(letter=""), cells], ignore_index=True)
        parts.append(cells.assign(kind=kind).rename(columns={segment: "segment"}))
    if not parts:
        raise ParameterError("questions", questions, message="none of the questions is a rating or a choice "
                             "question with answers; a banner table needs at least one")
    out = _protect(pd.concat(parts, ignore_index=True), total=total, suppress_n=suppress_n)
    rank = {key: i for i, key in enumerate(order)}
    levels = [TOTAL, *[s for s in dict.fromkeys(out["segment"]) if s != TOTAL]]
    out["_order"] = [rank[(q, r)] for q, r in zip(out["question"], out["row"])]
    out["_col"] = out["segment"].map({s: i for i, s in enumerate(levels)})
    out = out.sort_values(["_order", "_col"], kind="stable").reset_index(drop=True)
    labels = _question_labels(data, lang)
    out["question_label"] = out["question"].map(lambda q: labels.get(q, q))
    fixed = {"top2": i18n.label("banner_top2", lang), "mean": i18n.label("mean", lang)}
    out["row_label"] = out["row"].map(lambda r: fixed.get(r, r))
    out = out[COLUMNS]
    out.attrs["banner"] = {"segment": segment, "correction": correction, "alpha": alpha, "min_n": min_n,
                           "suppress_n": suppress_n, "weight": opts["weight"] or "", "lang": lang}
    return out


def _protect(out: pd.DataFrame, *, total: bool, suppress_n: int) -> pd.DataFrame:
    """Complementary suppression: a segment column suppressed for its small base must not be
    recoverable from the Total and the other columns, so each row that hides one column hides
    the next smallest too (:func:`cjkit.stats.disclosure.suppress_small_cells`)."""
    seg = out[out["segment"] != TOTAL]
    if not total or seg.empty:
        return out
    checked = suppress_small_cells(seg[["question", "row", "segment", "n", "n_effective"]], rows="segment",
                                   by=["question", "row"], count="n", effective="n_effective",
                                   min_cell=suppress_n, blank=[])
    hide = checked.index[checked["suppressed"].to_numpy()]
    out = out.copy()
    out.loc[hide, "flag"] = "suppressed"
    out.loc[hide, ["value", "higher_than"]] = [float("nan"), ""]
    # the other cells of the row no longer name a hidden column in their letters (single letters:
    # up to 26 columns)
    if seg["letter"].astype(str).str.len().max() == 1:
        hidden = out.loc[hide].groupby(["question", "row"])["letter"].agg("".join)
        for (q, r), letters in hidden.items():
            row = (out["question"] == q) & (out["row"] == r)
            out.loc[row, "higher_than"] = out.loc[row, "higher_than"].astype(str).str.translate(
                str.maketrans("", "", letters))
    return out


def _settings(table: pd.DataFrame) -> dict:
    return {"segment": "", "correction": "holm", "alpha": 0.05, "min_n": 30, "suppress_n": 10, "weight": "",
            **table.attrs.get("banner", {})}


def _fmt(value, letters, flag, kind, lang) -> str:
    if flag == "suppressed" or pd.isna(value):
        return i18n.MISSING
    num = (i18n.format_percent(value, lang=lang, decimals=0) if kind == "percent"
           else i18n.format_number(value, lang=lang, decimals=2 if kind == "mean" else 0))
    num = f"({num})" if flag == "low_base" else num
    return f"{num} {letters}".strip()


def _headers(table: pd.DataFrame, lang: str) -> dict:
    cols = table.drop_duplicates("segment")[["segment", "letter"]]
    return {s: (i18n.label("banner_total", lang) if s == TOTAL else f"{s} ({letter})")
            for s, letter in zip(cols["segment"], cols["letter"])}


def banner_layout(table: pd.DataFrame, *, lang: str = "de") -> pd.DataFrame:
    """The banner as a wide text table: one row per answer row plus base rows, one column per segment.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`banner_table`.
    lang : {"de", "en"}
        Number format and labels.

    Returns
    -------
    DataFrame
        Columns question, row, then one per banner column ("Total", "Paar (A)", ...); cells read
        ``"45 % BC"``; low bases in brackets, suppressed cells as a dash.
    """
    i18n.check_lang(lang)
    heads = list(_headers(table, lang).values())
    rows, question = [], None
    for title, row_label, kind, cells in _sheet_rows(table, lang):
        if kind == "title":
            question = title
            continue
        rows.append([question, row_label, *(_fmt(v, x, f, kind, lang) for v, x, f in cells)])
    return pd.DataFrame(rows, columns=["question", "row", *heads])


def banner_notes(table: pd.DataFrame, *, lang: str = "de") -> pd.DataFrame:
    """Legend and test settings of a banner table, one line each (the workbook's notes sheet).

    Parameters
    ----------
    table : DataFrame
        Output of :func:`banner_table`.
    lang : {"de", "en"}

    Returns
    -------
    DataFrame
        Columns item, text.
    """
    s = _settings(table)
    fmt = {"alpha": i18n.format_percent(s["alpha"], lang=lang, decimals=0), "min_n": s["min_n"],
           "suppress_n": s["suppress_n"], "correction": i18n.label(f"banner_correction_{s['correction']}", lang),
           "weight": s["weight"] or i18n.label("banner_unweighted", lang), "segment": s["segment"]}
    keys = ("banner_note_letters", "banner_note_tests", "banner_note_correction", "banner_note_effective_base",
            "banner_note_low_base", "banner_note_suppressed", "banner_note_weight", "banner_note_total")
    return pd.DataFrame({"item": [k.removeprefix("banner_note_") for k in keys],
                         "text": [i18n.label(k, lang).format(**fmt) for k in keys]})


def _sheet_rows(table: pd.DataFrame, lang: str):
    """(question label, row label, kind, [(value, letters, flag) per column]) including base rows."""
    heads = _headers(table, lang)
    for _, g in table.groupby("question", sort=False):
        yield g["question_label"].iloc[0], None, "title", []
        for _, cells in g.groupby("row", sort=False):
            yield None, cells["row_label"].iloc[0], cells["kind"].iloc[0], list(
                zip(cells["value"], cells["higher_than"], cells["flag"]))
        first = g[g["row"] == g["row"].iloc[0]]
        yield None, i18n.label("banner_base", lang), "base", [(v, "", "") for v in first["n"]]
        yield None, i18n.label("banner_effective_base", lang), "base", [(v, "", "") for v in first["n_effective"]]


def banner_to_excel(table: pd.DataFrame, path, *, lang: str = "de") -> Path:
    """Write a banner table to a formatted Excel workbook with a notes sheet.

    Each banner column has a value cell (percent or mean format) and a letters cell; cells that
    are significantly higher than another column are bold, low bases are in brackets and
    italic, suppressed cells show a dash. The second sheet holds the legend and the settings.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`banner_table`.
    path : str or Path
        The ``.xlsx`` file to write.
    lang : {"de", "en"}
        Language of labels and notes.

    Returns
    -------
    Path
        The written file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import cjkit as cj
    >>> t = cj.banner_table(cj.example_study(), segment="persona", lang="en")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = cj.banner_to_excel(t, pathlib.Path(tmp) / "banner.xlsx", lang="en")
    ...     out.suffix
    '.xlsx'
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    i18n.check_lang(lang)
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ParameterError("path", str(path), allowed="a file name ending in .xlsx")
    heads = _headers(table, lang)
    wb = Workbook()
    ws = wb.active
    ws.title = i18n.label("banner_sheet", lang)
    ws.cell(1, 1, i18n.label("banner_question", lang)).font = Font(bold=True)
    for j, head in enumerate(heads.values()):
        col = 3 + 2 * j
        text_cell(ws, 1, col, head).font = Font(bold=True)
        ws.merge_cells(start_row=1, start_column=col, end_row=1, end_column=col + 1)
        ws.cell(1, col).alignment = Alignment(horizontal="center", wrap_text=True)
    r = 2
    for question, row_label, kind, cells in _sheet_rows(table, lang):
        if kind == "title":
            text_cell(ws, r, 1, question).font = Font(bold=True)
            r += 1
            continue
        text_cell(ws, r, 2, row_label)
        for j, (value, letters, flag) in enumerate(cells):
            col = 3 + 2 * j
            if flag == "suppressed" or pd.isna(value):
                ws.cell(r, col, i18n.MISSING).alignment = Alignment(horizontal="right")
                continue
            c = ws.cell(r, col, float(value))
            pattern = {"percent": "0%", "mean": "0.00", "base": "#,##0"}[kind]
            c.number_format = f'"("{pattern}")"' if flag == "low_base" else pattern
            c.font = Font(bold=bool(letters), italic=flag == "low_base")
            if letters:
                ws.cell(r, col + 1, letters).font = Font(bold=True)
        r += 1
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 24
    for j in range(len(heads)):
        ws.column_dimensions[get_column_letter(3 + 2 * j)].width = 10
        ws.column_dimensions[get_column_letter(4 + 2 * j)].width = 6
    ws.freeze_panes = "C2"
    notes = wb.create_sheet(i18n.label("banner_notes", lang))
    for i, text in enumerate(banner_notes(table, lang=lang)["text"], start=1):
        notes.cell(i, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 110
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def banner_to_docx(table: pd.DataFrame, path, *, lang: str = "de") -> Path:
    """Write a banner table to a Word document: the table of :func:`banner_layout` and the notes.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`banner_table`.
    path : str or Path
        The ``.docx`` file to write.
    lang : {"de", "en"}
        Language of labels and notes.

    Returns
    -------
    Path
        The written file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import cjkit as cj
    >>> t = cj.banner_table(cj.example_study(), segment="persona", lang="de")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     cj.banner_to_docx(t, pathlib.Path(tmp) / "banner.docx").name
    'banner.docx'
    """
    import docx

    i18n.check_lang(lang)
    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise ParameterError("path", str(path), allowed="a file name ending in .docx")
    heads = list(_headers(table, lang).values())
    document = docx.Document()
    grid = document.add_table(rows=1, cols=2 + len(heads))
    grid.style = "Table Grid"
    for cell, name in zip(grid.rows[0].cells, [i18n.label("banner_question", lang), "", *heads]):
        cell.paragraphs[0].add_run(str(name)).bold = True
    for title, row_label, kind, cells in _sheet_rows(table, lang):
        row = grid.add_row().cells
        if kind == "title":
            row[0].paragraphs[0].add_run(str(title)).bold = True
            continue
        row[1].text = str(row_label)
        for cell, (v, letters, flag) in zip(row[2:], cells):
            run = cell.paragraphs[0].add_run(_fmt(v, letters, flag, kind, lang))
            run.bold, run.italic = bool(letters), flag == "low_base"
    document.add_heading(i18n.label("banner_notes", lang), level=2)
    for text in banner_notes(table, lang=lang)["text"]:
        document.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path
