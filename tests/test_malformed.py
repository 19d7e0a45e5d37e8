"""Malformed and unusual input: never a Python traceback.

Every case writes its file(s) into ``tmp_path`` and states what must happen:

* ``Err``: a :class:`cjkit.CjkitError` whose message names the file and matches a pattern (the
  row/line or what was expected);
* ``Ok``: the file loads, the row accounting ``n_input == n_kept + n_excluded`` holds, and
  ``n_input`` equals the number of data records the case wrote (counted by the case itself,
  not taken from cjkit); optional checks look at the result and the ledger.

Any other exception fails the test — that is the point of the suite.
"""
from __future__ import annotations

import builtins
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import openpyxl
import pandas as pd
import pyreadstat
import pytest

import cjkit as cj
from cjkit.errors import CjkitError, ParameterError


@dataclass
class Err:
    match: str
    names_file: bool = True


@dataclass
class Ok:
    n: int  # data records the case wrote
    check: Callable | None = None
    fmt: str | None = None


@dataclass
class Case:
    id: str
    make: Callable[[Path], Path]
    expect: Err | Ok
    options: dict = field(default_factory=dict)


CASES: list[Case] = []


def case(id, expect, **options):
    def deco(make):
        CASES.append(Case(id, make, expect, options))
        return make
    return deco


def text(name, content, encoding="utf-8"):
    def make(d: Path) -> Path:
        p = d / name
        p.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
        return p
    return make


def add(id, make, expect, **options):
    CASES.append(Case(id, make, expect, options))


def ledger_has(check, *, row=None, column=None, action=None):
    def verify(data):
        led = data.ledger[data.ledger["check"] == check]
        assert len(led), f"no ledger entry {check!r}: {data.ledger[['row', 'check']].to_dict('records')}"
        if row is not None:
            assert row in led["row"].tolist(), led
        if column is not None:
            assert column in led["column"].tolist(), led
        if action is not None:
            assert set(led["action"]) == {action}, led
        assert led["file"].notna().all() and led["reason"].notna().all()
    return verify


def columns_are(names):
    def verify(data):
        assert [c for c in data.wide.columns if c != "respondent_id"] == names
    return verify


def all_of(*checks):
    def verify(data):
        for c in checks:
            c(data)
    return verify


# --- paths that are not readable files ------------------------------------------------------

add("path-missing", lambda d: d / "umfrage.csv", Err("file not found"))
add("path-missing-folder", lambda d: d / "nope" / "umfrage.csv", Err("folder .* does not exist"))
add("path-typo-hint", lambda d: (d / "umfrage_2025.csv").write_text("a\n1\n") and d / "umfrage_2052.csv",
    Err(r"similar name.*umfrage_2025\.csv"))
add("path-directory", lambda d: d, Err("this is a folder; expected one export file"))
add("path-directory-format-csv", lambda d: d, Err("this is a folder"), format="csv")
add("path-missing-format-spss", lambda d: d / "x.sav", Err("file not found"), format="spss")

# --- empty, header-only, binary -------------------------------------------------------------

add("empty-file", text("leer.csv", ""), Err("empty; expected a header row"))
add("whitespace-only", text("blank.csv", "\n \n\t\n"), Err("empty"))
add("header-only", text("kopf.csv", "id;q1;q2\n"), Err(r"row 1: the file has a header but no data rows"))
add("header-only-crlf", text("kopf2.csv", "id,q1\r\n"), Err("no data rows"))
add("binary-named-csv", text("bild.csv", b"\x00\x01\x02\x03garbage\x00" * 50), Err("binary file of unknown format"))
add("png-named-csv", text("logo.csv", b"\x89PNG\r\n\x1a\n" + bytes(200)), Err("image"))
add("empty-xlsx", text("leer.xlsx", b""), Err("damaged|empty|Excel"))
add("empty-sav", text("leer.sav", b""), Err("SPSS"))
add("empty-dta", text("leer.dta", b""), Err("Stata"))

# --- files of another kind: what they are and what to export instead -------------------------


def _zip(name, members):
    def make(d):
        p = d / name
        with zipfile.ZipFile(p, "w") as zf:
            for m, data in members.items():
                zf.writestr(m, data)
        return p
    return make


DOCX = {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}
add("docx", _zip("bericht.docx", DOCX), Err("Word document.*export the responses as CSV"))
add("docx-named-csv", _zip("bericht.csv", DOCX), Err("Word document"))
add("pptx-named-xls-content", _zip("folien.dat", {"ppt/presentation.xml": "<p/>"}), Err("PowerPoint"))
add("ods", _zip("tabelle.ods", {"content.xml": "<x/>"}), Err(r"OpenDocument.*\.xlsx"))
add("ods-content-unnamed", _zip("tabelle.dat", {"content.xml": "<x/>", "mimetype": "x"}), Err("OpenDocument"))
add("zip-two-files", _zip("export.zip", {"a.csv": "id\n1\n", "b.csv": "id\n2\n"}), Err("exactly one data file"))
add("zip-holding-docx", _zip("export.zip", {"bericht.docx": "x"}), Err("Word document"))
add("zip-empty", _zip("export.zip", {}), Err("exactly one data file, found 0"))
add("zip-content-named-csv", _zip("daten.csv", {"a.txt": "x", "b.txt": "y"}), Err("zip archive holding 2 files"))
add("pdf", text("bericht.pdf", b"%PDF-1.7\n..."), Err("PDF document.*export the responses"))
add("pdf-named-csv", text("bericht.csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), Err("PDF document"))
add("json", text("responses.json", '[{"id": 1}]'), Err("JSON file.*export the responses as CSV"))
add("json-named-txt", text("responses.txt", '[\n  {"id": 1, "nps": 9}\n]\n'), Err("JSON"))
add("xml-named-csv", text("export.csv", '<?xml version="1.0"?><responses/>'), Err("XML"))
add("html-named-csv", text("export.csv", "<!DOCTYPE html><html><body>login</body></html>"), Err("HTML"))
add("sas7bdat", text("daten.sas7bdat", bytes(64)), Err(r"SAS data file.*Stata \(\.dta\)"))
add("rds", text("daten.rds", b"X\n"), Err(r"R data file.*write_sav"))
add("qsf", text("survey.qsf", "{}"), Err(r"Qualtrics survey definition"))
add("spss-syntax", text("labels.sps", "VALUE LABELS q1 1 'gut'."), Err(r"SPSS syntax file.*\.sav"))
add("stata-do", text("clean.do", "use data.dta"), Err(r"Stata do-file.*\.dta"))
add("lss", text("survey.lss", "<document/>"), Err("LimeSurvey survey structure file"))
add("readme", text("README.txt", "about the data\n"), Err("licence/readme"))

# --- reader options -------------------------------------------------------------------------

CSV = "id,q1\n1,4\n2,5\n"
add("option-typo-csv", text("a.csv", CSV), Err(r"unknown option 'delimter' for the csv reader.*'delimiter'"),
    delimter=";")
add("option-typo-excel", lambda d: _xlsx(d / "a.xlsx", [["id"], [1]]), Err(r"unknown option 'shet'.*'sheet'"),
    shet="Daten")
add("option-unknown-spss", lambda d: _sav(d / "a.sav"), Err(r"unknown option 'sheet' for the spss reader"),
    sheet=1)
add("option-unknown-stata", lambda d: _dta(d / "a.dta"), Err(r"unknown option 'encodng' for the stata reader"),
    encodng="latin1")
add("option-typo-qualtrics", lambda d: _qualtrics(d / "q.csv", 3, 2), Err(r"'qfs'.*did you mean 'qsf'"),
    qfs="x.qsf")
add("option-format-unknown", text("a.csv", CSV), Err(r"parameter 'format' got 'sas'", names_file=False),
    format="sas")
add("option-sheet-missing", lambda d: _xlsx(d / "a.xlsx", [["id"], [1]]), Err(r"no sheet called 'Daten'"),
    sheet="Daten")
add("option-sheet-number", lambda d: _xlsx(d / "a.xlsx", [["id"], [1]]), Err(r"sheet number 5 does not exist"),
    sheet=5)
add("option-header-rows-zero-excel", lambda d: _xlsx(d / "a.xlsx", [["id"], [1]]), Err("header_rows must be"),
    header_rows=0)
add("option-header-rows-too-many", text("a.csv", "id\n1\n"), Err("expected 3 header rows"), header_rows=3)
add("option-format-mismatch-spss", text("a.sav", CSV), Err(r"cannot read as SPSS"), format="spss")
add("option-format-mismatch-excel", text("a.xlsx", CSV), Err(r"damaged or not an Excel file"))


# --- line endings, blank lines, encodings ---------------------------------------------------

add("cr-only", text("mac.csv", "id,comment,score\r1,gut,3\r2,schlecht,1\r3,ok,2\r"), Ok(3))
add("cr-only-no-final", text("mac2.csv", "id;score\r1;3\r2;1"), Ok(2))
add("crlf", text("win.csv", "id,score\r\n1,3\r\n2,1\r\n"), Ok(2))
add("mixed-line-ends", text("mix.csv", "id,comment,score\r\n1,ok,3\n2,fine,4\r3,x,5\n"), Ok(3))
add("cr-only-quoted-newline", text("macq.csv", 'id,comment\r1,"zwei\rZeilen"\r2,eins\r'),
    Ok(2, lambda data: (data.wide.loc[1, "comment"].count("\r") + data.wide.loc[1, "comment"].count("\n")) == 1))
add("blank-lines-between", text("gaps.csv", "id,score\n1,3\n\n2,1\n\n\n3,2\n"), Ok(3))
add("no-final-newline", text("nofinal.csv", "id,score\n1,3\n2,1"), Ok(2))
add("utf8-bom", text("bom.csv", "\ufeffid;Zufriedenheit\n1;gut\n2;schön\n"),
    Ok(2, columns_are(["id", "Zufriedenheit"])))
add("utf16-tab", text("u16.csv", "id\tscore\n1\t3\n2\t1\n", "utf-16"), Ok(2))
add("cp1252", text("win1252.csv", "id;kommentar\n1;Müll\n2;süß\n", "cp1252"),
    Ok(2, lambda data: data.wide.loc[2, "kommentar"] == "süß"))
add("latin1-semicolon-decimal-comma", text("de.csv", "id;note\n1;1,5\n2;2,0\n", "latin-1"),
    Ok(2, lambda data: data.wide["note"].tolist() == [1.5, 2.0]))
add("mixed-encodings", lambda d: text("mixed.csv", "id,name\n1,Müller\n".encode() + "2,Gärtner\n".encode("cp1252"))(d),
    Err(r"row \d+: mixed text encodings"))
add("truncated-multibyte", lambda d: text("cut.csv", "id,name\n1,Müller\n2,Gä".encode()[:-1])(d), Err("truncated"))
add("nul-bytes-in-text", text("nul.csv", "id,c\n1,a\x00b\n"), Err("binary"))

# --- quotes -----------------------------------------------------------------------------------

add("quote-unclosed-mid-file", text("q.csv", 'id,comment,score\n1,"ok",3\n2,"bad quote,4\n3,fine,5\n4,more,2\n'),
    Err(r"row 2: unbalanced quote: a quoted cell opened in line 3"))
add("quote-unclosed-last-column", text("q2.csv", 'id,score,comment\n1,3,"ok"\n2,4,"bad\n3,5,fine\n4,2,more\n'),
    Err(r"row 2: unbalanced quote.*line 3"))
add("quote-unclosed-semicolon", text("q3.csv", 'id;kommentar;note\n1;"gut";2\n2;"schlecht;4\n3;ok;1\n'),
    Err(r"unbalanced quote.*line 3"))
add("quote-unclosed-first-row", text("q4.csv", 'id,comment,score\n1,"never closed,3\n2,fine,4\n3,ok,1\n'),
    Err(r"row 1: unbalanced quote.*line 2"))
# two unclosed quotes pair up: by the CSV grammar this is 2 records of the right width, so the
# hidden lines cannot be refused as ragged; the cell that hides them is flagged at its row
add("quote-two-unbalanced", text("q5.csv", 'id,c,s\n1,"a,1\n2,b,2\n3,c",3\n4,d,4\n'),
    Ok(2, ledger_has("suspect_quote", row=1, column="c", action="flagged")))
add("quote-truncated-last-line", text("cutq.csv", 'id,comment,score\n1,"ok",3\n2,"this is cut'),
    Ok(2, ledger_has("ragged_row", row=2, action="excluded")))
add("quote-unclosed-in-header", text("hq.csv", 'id,"comment,score\n1,ok,3\n2,fine,4\n'),
    Err(r"unbalanced quote in the header.*line 1"))
add("quote-unclosed-at-eof-one-line", text("eof.csv", 'id,comment,score\n1,ok,3\n2,fine,"4\n'),
    Ok(2, ledger_has("unclosed_quote", row=2, action="flagged")))
add("quote-everything-quoted", text("allq.csv", '"id","q1"\n"1","5"\n"2",""\n'), Ok(2))
add("quote-escaped", text("esc.csv", 'id,c\n1,"er sagte ""gut"""\n2,x\n'),
    Ok(2, lambda data: data.wide.loc[1, "c"] == 'er sagte "gut"'))
add("quote-literal-mid-field", text("inch.csv", 'id,c\n1,5" screen\n2,17" monitor\n'),
    Ok(2, lambda data: data.wide.loc[1, "c"] == '5" screen'))
add("quote-multiline-comment", text("ml.csv", 'id,comment,score\n1,"Zeile eins\nZeile zwei, mit Komma",3\n2,kurz,4\n'),
    Ok(2, lambda data: "Zeile zwei" in data.wide.loc[1, "comment"]))
add("quote-multiline-last-row", text("ml2.csv", 'id,comment\n1,kurz\n2,"Zeile eins\nZeile zwei"\n'),
    Ok(2, lambda data: data.wide.loc[2, "comment"].endswith("zwei")))
add("quote-ragged-after-valid", text("r.csv", 'id,c,s\n1,"a",1\n2,"b",2,extra\n3,"c",3\n'),
    Ok(3, ledger_has("ragged_row", row=2)))

# --- ragged rows ------------------------------------------------------------------------------

add("ragged-short", text("r1.csv", "a,b,c\n1,2,3\n4,5\n6,7,8\n"), Ok(3, ledger_has("ragged_row", row=2, action="excluded")))
add("ragged-long", text("r2.csv", "a,b,c\n1,2,3\n4,5,6,7\n"), Ok(2, ledger_has("ragged_row", row=2)))
add("ragged-truncated-last", text("r3.csv", "id,comment,score\n1,ok,3\n2,fine,4\n3,mi"),
    Ok(3, ledger_has("ragged_row", row=3)))
add("ragged-many", text("r4.csv", "a,b\n" + "".join(f"{i},{i}\n" if i % 3 else f"{i}\n" for i in range(1, 31))),
    Ok(30, lambda data: data.summary.iloc[0]["n_excluded"] == 10))
add("trailing-delimiter", text("t.csv", "id,q1,\n1,4,\n2,5,\n"), Ok(2, columns_are(["id", "q1"])))
add("duplicate-column-names", text("dup.csv", "id,q,q\n1,2,3\n"), Ok(1, columns_are(["id", "q", "q__2"])))
add("blank-column-name", text("bl.csv", "id,,q\n1,2,3\n"), Ok(1, columns_are(["id", "unnamed_2", "q"])))

# --- header-less files ------------------------------------------------------------------------

add("headerless-tsv", text("feedback.tsv", "101\tSehr freundliches Personal\t5\n102\tZimmer zu klein\t2\n103\tOk\t3\n"),
    Ok(3, columns_are(["col_1", "col_2", "col_3"])))
add("headerless-csv-dates", text("fb.csv", "2025-01-05,great stay\n2025-01-06,noisy room\n"),
    Ok(2, columns_are(["col_1", "col_2"])))
add("headerless-semicolon", text("fb2.csv", "1;4,5;gut\n2;3,0;naja\n"), Ok(2))
add("header-years-is-header", text("years.csv", "region,2019,2020\nnord,5,6\nsüd,4,3\n"),
    Ok(2, columns_are(["region", "2019", "2020"])))
add("header-words-is-header", text("words.csv", "id,rating\n1,5\n2,4\n"), Ok(2, columns_are(["id", "rating"])))
add("headerless-forced-header", text("forced.csv", "1,2\n3,4\n"), Ok(1, columns_are(["1", "2"])), header_rows=1)
add("headerless-forced-none", text("none.csv", "id,q\n1,2\n"), Ok(2, columns_are(["col_1", "col_2"])),
    header_rows=0)


# --- Qualtrics --------------------------------------------------------------------------------

def _qualtrics_rows(n_cols, n_rows, *, legacy=False, text_len=20):
    names = ["ResponseId", "Duration (in seconds)"] + [f"{1 + i // 500}_Q{i % 500 + 1}" for i in range(n_cols - 2)]
    texts = ["Response ID", "Duration (in seconds)"] + [
        f"Loop {1 + i // 500} - Wie zufrieden waren Sie mit Aspekt {i}? " + "x" * text_len for i in range(n_cols - 2)]
    ids = ['{"ImportId":"_recordId"}', '{"ImportId":"duration"}'] + [
        f'{{"ImportId":"{1 + i // 500}_QID{i % 500 + 1}"}}' for i in range(n_cols - 2)]
    data = [[f"R_{r}", str(100 + r)] + [str((r + i) % 5 + 1) for i in range(n_cols - 2)] for r in range(1, n_rows + 1)]
    if legacy:
        sys = ["V1", "V10"] + names[2:]
        return [sys, ["ResponseID", "Duration"] + texts[2:]] + [[d[0], d[1]] + d[2:] for d in data]
    return [names, texts, ids] + data


def _csv_text(rows, delimiter=","):
    def cell(c):
        return '"' + c.replace('"', '""') + '"' if any(x in c for x in f'{delimiter}"\n') else c
    return "".join(delimiter.join(cell(c) for c in r) + "\n" for r in rows)


def _qualtrics(path, n_cols, n_rows, **kw):
    path.write_text(_csv_text(_qualtrics_rows(n_cols, n_rows, **kw)), encoding="utf-8-sig")
    return path


def _no_header_in_data(data):
    vals = pd.to_numeric(data.wide.iloc[:, 2], errors="coerce")
    assert vals.notna().all(), data.wide.iloc[:3, :4]  # a header row would be text here


add("qualtrics-wide-3row", lambda d: _qualtrics(d / "wide.csv", 2100, 4, text_len=300),
    Ok(4, all_of(_no_header_in_data, lambda data: data.meta["format"] == "qualtrics"
                 and data.meta["layout"] == "import_id" and len(data.meta["header_rows"][1][2]) > 300)))
add("qualtrics-wide-legacy", lambda d: _qualtrics(d / "legacy.csv", 2100, 3, legacy=True, text_len=300),
    Ok(3, all_of(_no_header_in_data, lambda data: data.meta["layout"] == "legacy")))
add("qualtrics-2row-no-import-ids",
    text("q2row.csv", "StartDate,EndDate,ResponseId,Q1\nStart Date,End Date,Response ID,Wie zufrieden?\n"
                      "2025-01-05,2025-01-05,R_1,5\n2025-01-06,2025-01-06,R_2,4\n"),
    Ok(2, all_of(lambda data: data.meta["format"] == "qualtrics", lambda data: data.wide["Q1"].tolist() == [5, 4])))
add("qualtrics-3row-small", lambda d: _qualtrics(d / "small.csv", 5, 2), Ok(2, _no_header_in_data))
add("qualtrics-header-only", lambda d: (d / "h.csv").write_text(_csv_text(_qualtrics_rows(5, 0))) and d / "h.csv",
    Err("no data rows"))
add("qualtrics-tsv-utf16", lambda d: (d / "q.tsv").write_text(_csv_text(_qualtrics_rows(6, 3), "\t"),
                                                               encoding="utf-16") and d / "q.tsv",
    Ok(3, all_of(_no_header_in_data, lambda data: data.meta["format"] == "qualtrics")))
add("qualtrics-newline-in-text-row",
    lambda d: (d / "nl.csv").write_text(_csv_text([r if i != 1 else [c + "\nzweite Zeile" for c in r]
                                                   for i, r in enumerate(_qualtrics_rows(6, 2))])) and d / "nl.csv",
    Ok(2, _no_header_in_data))


def _qualtrics_xlsx(path, n_cols, n_rows, **kw):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Sheet0")
    for i, r in enumerate(_qualtrics_rows(n_cols, n_rows, **kw)):
        ws.append(r if i < (2 if kw.get("legacy") else 3) else [r[0]] + [int(c) for c in r[1:]])
    wb.save(path)
    return path


add("qualtrics-xlsx-3row", lambda d: _qualtrics_xlsx(d / "export.xlsx", 40, 3),
    Ok(3, all_of(_no_header_in_data, lambda data: data.meta["format"] == "qualtrics"
                 and data.meta["layout"] == "import_id")))
add("qualtrics-xlsx-legacy", lambda d: _qualtrics_xlsx(d / "legacy.xlsx", 20, 2, legacy=True),
    Ok(2, all_of(_no_header_in_data, lambda data: data.meta["layout"] == "legacy")))
add("qualtrics-xlsx-wide", lambda d: _qualtrics_xlsx(d / "wide.xlsx", 2100, 2, text_len=100),
    Ok(2, _no_header_in_data))


# --- Google Forms, LimeSurvey, SurveyMonkey, Formbricks ----------------------------------------

GF = "Timestamp,How satisfied are you?,What should we improve?\n"
add("gforms-blank-first-row", text("Form Responses 1.csv", GF + ",,\n1/5/2025 10:00:00,5,Nothing\n1/6/2025 11:30:00,3,Wifi\n"),
    Ok(3, lambda data: data.meta["format"] == "googleforms"))
add("gforms-german", text("Formularantworten 1.csv", "Zeitstempel,Wie zufrieden?\n05.01.2025 10:00:00,5\n"),
    Ok(1, lambda data: data.meta["format"] == "googleforms"))
add("gforms-bad-timestamp", text("Form Responses 2.csv", GF + "1/5/2025 10:00:00,5,x\nnot a date,4,y\n1/6/2025 10:00:00,4,z\n"),
    Ok(3, ledger_has("unparsable_date", row=2, column="timestamp")))

LIME_NEW = "id\trelated_id\tclass\ttype/scale\tname\trelevance\ttext\thelp\tlanguage\n\t\tQ\tL\tgender\t1\tGender?\t\ten\n"
LIME_OLD = "class\ttype/scale\tname\trelevance\ttext\thelp\tlanguage\tvalidation\tmandatory\nS\t\tsid\t\t12345\n" \
           "Q\tL\tgender\t1\tGender?\t\ten\t\tN\n"
add("lime-structure-new", text("structure.txt", LIME_NEW), Err("LimeSurvey survey structure file"))
add("lime-structure-old", text("export.txt", LIME_OLD), Err("LimeSurvey survey structure file.*Responses > Export"))
add("lime-structure-old-as-csv", text("export.txt", LIME_OLD), Err("LimeSurvey survey structure"), format="csv")
add("lime-structure-named-tsv", text("survey.tsv", LIME_OLD), Err("LimeSurvey survey structure"))
add("lime-structure-bom", text("s.txt", "\ufeff" + LIME_NEW), Err("LimeSurvey survey structure"))
add("lime-response-csv", text("results.csv", "id,submitdate,lastpage,startlanguage,q1\n1,2025-01-01,2,de,A1\n"),
    Ok(1, lambda data: data.meta["format"] == "limesurvey"))

SM = "Respondent ID,Start Date,How did you hear about us?,Rate us,\n,,Response,Website,Hotline\n"
add("surveymonkey", text("sm.csv", SM + "101,01/05/2025,Friends,5,3\n102,01/06/2025,Web,4,2\n"),
    Ok(2, lambda data: data.meta["format"] == "surveymonkey"))
add("surveymonkey-header-only", text("sm2.csv", SM), Err("no data rows"))
add("formbricks", text("fb.csv", "No.,Response ID,Timestamp,Finished,1. NPS?\n1,a,2025-01-05 10:00:00,Yes,9\n"),
    Ok(1, lambda data: data.meta["format"] == "formbricks"))


# --- Excel ------------------------------------------------------------------------------------

def _xlsx(path, rows, merges=(), sheet="Sheet"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


MERGED = [["ID", "Zufriedenheit", None, None, "Kommentar"], [None, "Zimmer", "Service", "Lage", None],
          [1, 4, 5, 3, "gut"], [2, 2, 3, 4, None], [3, 5, 5, 5, "super"]]
add("excel-merged-2row-header", lambda d: _xlsx(d / "m.xlsx", MERGED, ["B1:D1", "A1:A2", "E1:E2"]),
    Ok(3, columns_are(["ID", "Zufriedenheit - Zimmer", "Zufriedenheit - Service", "Zufriedenheit - Lage",
                       "Kommentar"])), header_rows=2)
add("excel-2row-header-unmerged", lambda d: _xlsx(d / "u.xlsx", [["Q1", "Q2"], ["Wie?", "Warum?"], [1, "x"]]),
    Ok(1, columns_are(["Q1 - Wie?", "Q2 - Warum?"])), header_rows=2)
add("excel-3row-header", lambda d: _xlsx(d / "t.xlsx", [["A", None], ["B", "C"], ["D", "E"], [1, 2], [3, 4]],
                                         ["A1:B1"]),
    Ok(2, columns_are(["A - B - D", "A - C - E"])), header_rows=3)
add("excel-formula-no-cache", lambda d: _xlsx(d / "f.xlsx", [["id", "a", "b"], [1, 2, "=B2*2"], [2, 3, 6]]),
    Ok(2, ledger_has("formula_without_value", row=1, column="b", action="value_changed")))
add("excel-formula-text-cell", lambda d: _xlsx(d / "ft.xlsx", [["id", "c"], [1, "'=1+1 ist Text"]]), Ok(1))
add("excel-leading-blank-rows", lambda d: _xlsx(d / "lb.xlsx", [[None], [None], ["id", "q"], [1, 2], [2, 3]]),
    Ok(2, columns_are(["id", "q"])))
add("excel-blank-row-in-data", lambda d: _xlsx(d / "br.xlsx", [["id", "q"], [1, 2], [None, None], [3, 4]]),
    Ok(3, ledger_has("empty_row", row=2, action="excluded")))
add("excel-empty-sheet", lambda d: _xlsx(d / "e.xlsx", []), Err("empty; expected a header row"))
add("excel-header-only", lambda d: _xlsx(d / "h.xlsx", [["id", "q"]]), Err("row 1: the sheet has a header but no data rows"))
add("excel-damaged", text("kaputt.xlsx", b"PK\x03\x04 not really"), Err(r"damaged|Excel"))
add("excel-truncated", lambda d: text("cut.xlsx", _xlsx(d / "full.xlsx", [["id"], [1]]).read_bytes()[:300])(d),
    Err("damaged|Excel|zip"))
add("excel-xls-damaged", text("alt.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)), Err("workbook|Excel|xls"))
add("excel-named-csv", lambda d: (_xlsx(d / "x.xlsx", [["id", "q"], [1, 2]]).rename(d / "export.csv"), d / "export.csv")[1],
    Ok(1, lambda data: data.meta["format"] == "excel"))
add("surveymonkey-xlsx", lambda d: _xlsx(d / "sm.xlsx", [["Respondent ID", "Start Date", "How did you hear about us?"],
                                                      [None, None, "Response"], [101, "01/05/2025", "Friends"],
                                                      [102, "01/06/2025", "Web"]]),
    Ok(2, all_of(lambda data: data.meta["format"] == "surveymonkey", columns_are(["start_date", "q01"]),
                 lambda data: data.wide["respondent_id"].tolist() == ["101", "102"])))
add("lime-structure-xlsx", lambda d: _xlsx(d / "structure.xlsx", [["class", "type/scale", "name", "text"],
                                                                   ["Q", "L", "gender", "Gender?"]]),
    Err("LimeSurvey survey structure"))
add("zip-holding-sav", lambda d: _zip("spss.zip", {"umfrage.sav": _sav(d / "u.sav").read_bytes()})(d),
    Err(r"unpack it and load 'umfrage\.sav'"))
add("excel-sheet-by-name", lambda d: _xlsx(d / "s.xlsx", [["id"], [1], [2]], sheet="Daten"), Ok(2), sheet="Daten")


# --- SPSS ---------------------------------------------------------------------------------------

def _sav(path, df=None, **kw):
    df = pd.DataFrame({"id": [1.0, 2.0, 3.0], "q1": [1.0, 5.0, 9.0]}) if df is None else df
    pyreadstat.write_sav(df, str(path), **kw)
    return path


add("spss-date-out-of-range",
    lambda d: _sav(d / "dates.sav", pd.DataFrame({"id": [1.0, 2.0, 3.0], "visit": [13.8e9, 1e14, 13.9e9]}),
                   variable_format={"visit": "DATETIME20"}),
    Ok(3, all_of(ledger_has("invalid_date", row=2, column="visit", action="value_changed"),
                 lambda data: data.wide["visit"].notna().tolist() == [True, False, True])))
add("spss-date-out-of-range-adate",
    lambda d: _sav(d / "adate.sav", pd.DataFrame({"id": [1.0, 2.0], "d": [-1e13, 13.8e9]}),
                   variable_format={"d": "ADATE10"}),
    Ok(2, ledger_has("invalid_date", row=1, column="d")))
add("spss-user-missing", lambda d: _sav(d / "um.sav", missing_ranges={"q1": [9.0]},
                                        variable_value_labels={"q1": {9.0: "keine Angabe"}}),
    Ok(3, ledger_has("user_missing", row=3, column="q1", action="value_changed")))
add("spss-zsav", lambda d: _sav(d / "c.zsav", compress=True), Ok(3))
add("spss-truncated", lambda d: text("cut.sav", _sav(d / "full.sav").read_bytes()[:200])(d), Err("SPSS"))
add("spss-text-content", text("fake.sav", "id,q\n1,2\n"), Err(r"cannot read as SPSS"))
add("spss-por-damaged", text("x.por", "garbage"), Err("SPSS"))
add("spss-named-dat", lambda d: (_sav(d / "s.sav").rename(d / "daten.dat"), d / "daten.dat")[1],
    Ok(3, lambda data: data.meta["format"] == "spss"))


# --- Stata --------------------------------------------------------------------------------------

def _dta(path, df=None, **kw):
    df = pd.DataFrame({"id": [1.0, 2.0, 3.0], "sat": [1, 5, 3]}) if df is None else df
    pyreadstat.write_dta(df, str(path), **kw)
    return path


add("stata-basic-labels", lambda d: _dta(d / "b.dta", variable_value_labels={"sat": {1: "low", 3: "mid", 5: "high"}}),
    Ok(3, lambda data: data.wide["sat"].astype(str).tolist() == ["low", "high", "mid"]))
add("stata-tagged-missing", lambda d: _dta(d / "t.dta", pd.DataFrame({"id": [1.0, 2.0, 3.0], "sat": [1, "a", "b"]}),
                                           missing_user_values={"sat": ["a", "b"]}),
    Ok(3, ledger_has("user_missing", row=2, column="sat")))
add("stata-date-out-of-range", lambda d: _dta(d / "dt.dta", pd.DataFrame({"id": [1.0, 2.0], "when": [21915.0, 1e8]}),
                                              variable_format={"when": "%td"}),
    Ok(2, ledger_has("invalid_date", row=2, column="when")))
add("stata-version-8", lambda d: _dta(d / "v8.dta", version=8), Ok(3))
add("stata-truncated", lambda d: text("cut.dta", _dta(d / "full.dta").read_bytes()[:100])(d), Err("Stata"))
add("stata-text-content", text("fake.dta", "id,q\n1,2\n"), Err(r"cannot read as Stata"))
add("stata-named-bin", lambda d: (_dta(d / "s.dta").rename(d / "daten.bin"), d / "daten.bin")[1],
    Ok(3, lambda data: data.meta["format"] == "stata"))

# --- Parquet ------------------------------------------------------------------------------------

add("parquet-damaged", text("x.parquet", b"PAR1garbagePAR1"), Err("Parquet"))
add("parquet-ok", lambda d: (pd.DataFrame({"id": [1, 2]}).to_parquet(d / "p.parquet"), d / "p.parquet")[1], Ok(2))


def _chmod_unreadable(d: Path) -> Path:
    p = d / "geheim.csv"
    p.write_text(CSV)
    return p


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_malformed(c, tmp_path):
    path = c.make(tmp_path)
    options = dict(c.options)
    if isinstance(c.expect, Err):
        with pytest.raises(CjkitError) as info:
            cj.load(path, **options)
        msg = str(info.value)
        if c.expect.names_file:
            assert Path(path).name in msg, msg
        assert re.search(c.expect.match, msg, re.S), msg
        return
    data = cj.load(path, **options)
    s = data.summary.iloc[0]
    assert s["n_input"] == s["n_kept"] + s["n_excluded"]
    assert s["n_input"] == c.expect.n, data.summary
    assert len(data.wide) == s["n_kept"]
    if c.expect.check is not None:
        result = c.expect.check(data)
        assert result is None or result, data.wide.head()


def test_suite_size():
    assert len(CASES) >= 100
    assert len({c.id for c in CASES}) == len(CASES)


def test_unreadable_file_names_it(tmp_path, monkeypatch):
    p = _chmod_unreadable(tmp_path)
    real_open = builtins.open

    def fake_open(file, *args, **kw):  # the suite may run as root, where chmod does not block reads
        if Path(str(file)) == p:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kw)

    monkeypatch.setattr(builtins, "open", fake_open)
    with pytest.raises(cj.DataError, match=r"geheim\.csv.*permission denied"):
        cj.load(p)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root (and Windows) read files whatever their mode bits say")
def test_file_without_read_permission(tmp_path):
    p = _chmod_unreadable(tmp_path)
    p.chmod(0)
    try:
        with pytest.raises(cj.DataError, match=r"geheim\.csv.*permission denied"):
            cj.load(p)
    finally:
        p.chmod(0o644)


def test_headerless_feedback_dump_finds_its_text(tmp_path):
    p = tmp_path / "reviews.tsv"
    p.write_text("5\tDas Zimmer war sehr sauber und ruhig\t2025-01-05\n2\tZu laut, schlechtes Frühstück\t2025-01-06\n")
    res = cj.read_feedback(p)
    assert len(res.wide) == 2 and res.meta["headerless"]
    assert res.wide["text"].tolist()[0] == "Das Zimmer war sehr sauber und ruhig"


def test_misspelt_load_option_names_the_load_option(tmp_path):
    (tmp_path / "a.csv").write_text(CSV)
    with pytest.raises(ParameterError, match="did you mean 'validate'"):
        cj.load(tmp_path / "a.csv", validat=False)


def test_unknown_option_is_a_parameter_error(tmp_path):
    (tmp_path / "a.csv").write_text(CSV)
    with pytest.raises(ParameterError) as info:
        cj.read_export(tmp_path / "a.csv", sep=";")
    assert "a.csv" in str(info.value) and "delimiter" in str(info.value)

