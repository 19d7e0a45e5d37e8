"""Export a coding for analysis: SPSS, Stata, Excel, Parquet and REFI-QDA projects.

The code x respondent indicator matrix (:func:`cjkit.code_indicators`), optionally the sentiment
per code and the respondent's survey answers, becomes one analysis file:

* ``.sav`` (SPSS): variable labels are the code names, value labels ``0 = not mentioned``,
  ``1 = mentioned`` (sentiment: ``-1/0/1``); written with ``pyreadstat.write_sav``. pyreadstat
  (up to 1.3.7, the newest release) cannot write multiple-response sets into a ``.sav``, so an SPSS
  syntax file ``<name>.sps`` is written beside it: ``MRSETS /MDGROUP`` declares the code variables
  (prefix ``c_``) as a multiple-dichotomy set counted at ``VALUE=1`` (one set per question when the
  coding has several), labelled in the report language. Open the ``.sav``, then run the ``.sps``
  (File > Open > Syntax, Run > All); ``syntax=False`` leaves it out.
* ``.dta`` (Stata): the same labels; variable names are shortened to Stata's 32 characters (31,
  for the value-label sets) and kept unique.
* ``.xlsx`` (through :func:`cjkit.to_excel`, formula-safe) with a second sheet of the variables.
* ``.parquet``.
* ``.qdpx`` (REFI-QDA project, a zip with ``project.qde`` after the REFI-QDA 1.5 project schema):
  the codebook (also as ``codebook.qdc`` inside the zip), the answers as text sources
  (``sources/<guid>.txt``) and the codings as selections: the coded spans when a coded long frame
  (:func:`cjkit.code_texts`) is given, else the whole answer per code.

Only the given path (and for ``.sav`` its ``.sps``) is written, through a temporary file in the
same folder, renamed at the end.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> import pandas as pd
>>> from cjkit.report.coding_export import export_coding
>>> ind = pd.DataFrame({"respondent_id": ["1", "2"], "price": [1, 0], "wifi": [0, 1], "n_codes": [1, 1]})
>>> with tempfile.TemporaryDirectory() as tmp:
...     export_coding(ind, Path(tmp) / "coding.parquet").name
'coding.parquet'
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
import uuid
import xml.etree.ElementTree as ET
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from cjkit.catalog.i18n import check_lang
from cjkit.coding.codebook import QDC_NS, _guid, load_codebook, to_qdc
from cjkit.errors import ParameterError
from cjkit.report.export import to_excel

log = logging.getLogger("cjkit.report.coding_export")

FORMATS = {".sav": "sav", ".dta": "dta", ".xlsx": "xlsx", ".parquet": "parquet", ".qdpx": "qdpx"}
QDE_NS = "urn:QDA-XML:project:1.0"
_META = ("respondent_id", "question", "n_codes", "has_text")
_VALUE_LABELS = {"de": {0: "nicht genannt", 1: "genannt"}, "en": {0: "not mentioned", 1: "mentioned"}}
_SENT_LABELS = {"de": {-1: "negativ", 0: "neutral", 1: "positiv"}, "en": {-1: "negative", 0: "neutral", 1: "positive"}}
_PREFIX, _SENT = "c_", "s_"
_MR_LABEL = {"de": "Genannte Codes", "en": "Codes mentioned"}


def safe_names(names, max_len: int = 32) -> list[str]:
    """Variable names legal in SPSS and Stata, at most *max_len* characters and unique.

    Parameters
    ----------
    names : iterable of str
    max_len : int
        32 for Stata, 64 for SPSS.

    Returns
    -------
    list of str
        Letters, digits and ``_``; starting with a letter; no two equal (case-insensitive).

    Examples
    --------
    >>> from cjkit.report.coding_export import safe_names
    >>> safe_names(["ESSEN&TRINKEN", "1st", "a" * 40, "a" * 41], max_len=32)
    ['ESSEN_TRINKEN', 'v_1st', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_2']
    """
    out, taken = [], set()
    for name in names:
        base = re.sub(r"[^A-Za-z0-9_]+", "_", str(name)).strip("_") or "v"
        if not base[0].isalpha():
            base = "v_" + base
        base = base[:max_len]
        cand, k = base, 2
        while cand.lower() in taken:
            suffix = f"_{k}"
            cand, k = base[: max_len - len(suffix)] + suffix, k + 1
        taken.add(cand.lower())
        out.append(cand)
    return out


def _code_columns(indicators: pd.DataFrame) -> list[str]:
    return [c for c in indicators.columns if c not in _META]


def _labels(codebook, lang: str) -> dict:
    if codebook is None:
        return {}
    t = load_codebook(codebook).table
    return dict(zip(t["code"].astype(str), t[f"label_{lang}"].astype(str)))


def _per_respondent(frame: pd.DataFrame, cols: list[str], how: str) -> pd.DataFrame:
    """One row per respondent: several questions become ``<question>_<code>`` columns."""
    frame = frame.assign(respondent_id=frame["respondent_id"].astype("string"))
    if "question" in frame.columns and frame["question"].nunique(dropna=True) > 1:
        wide = frame.pivot_table(index="respondent_id", columns="question", values=cols, aggfunc=how)
        wide.columns = [f"{q}_{c}" for c, q in wide.columns]
        return wide.reset_index()
    return frame.groupby("respondent_id", sort=False, as_index=False)[cols].agg(how)


def _sentiment_wide(sentiment: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Coded long frame -> sign of the summed span polarity per respondent and code."""
    s = sentiment.dropna(subset=["code"]).assign(code=lambda d: d["code"].astype(str))
    s = s[s["code"].isin(codes)]
    keys = ["respondent_id"] + (["question"] if "question" in s.columns else [])
    pol = s.groupby(keys + ["code"], observed=True)["polarity"].sum().apply(np.sign).unstack("code")
    return pol.reindex(columns=codes).reset_index()


def coding_table(indicators: pd.DataFrame, *, survey: pd.DataFrame | None = None, codebook=None,
                 sentiment: pd.DataFrame | None = None, lang: str = "de"):
    """The analysis table of a coding and its variable and value labels.

    Parameters
    ----------
    indicators : DataFrame
        :func:`cjkit.code_indicators` output (``respondent_id``, optional ``question``, 0/1 code
        columns).
    survey : DataFrame, optional
        Wide survey frame with ``respondent_id``; respondents without an answer keep missing codes.
    codebook : str, path or Codebook, optional
        Code names for the variable labels (else the code ids).
    sentiment : DataFrame, optional
        Coded long frame (:func:`cjkit.code_texts`): adds ``s_<code>`` = sign of the span polarity.
    lang : {"de", "en"}

    Returns
    -------
    tuple
        (table, variable labels dict, value labels dict); code columns are ``c_<code>``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.report.coding_export import coding_table
    >>> ind = pd.DataFrame({"respondent_id": ["1"], "price": [1], "n_codes": [1]})
    >>> t, var, val = coding_table(ind, lang="en")
    >>> t.columns.tolist(), var["c_price"], val["c_price"][1]
    (['respondent_id', 'c_price', 'n_codes'], 'price', 'mentioned')
    """
    check_lang(lang, "lang")
    if "respondent_id" not in indicators.columns:
        raise ParameterError("indicators", list(indicators.columns),
                             message="the indicators need a respondent_id column (code_indicators output)")
    codes = _code_columns(indicators)
    names = _labels(codebook, lang)
    table = _per_respondent(indicators, codes + ["n_codes"] if "n_codes" in indicators else codes, "max")
    if "n_codes" in indicators:  # codes per respondent: summed over questions
        table["n_codes"] = _per_respondent(indicators, ["n_codes"], "sum")["n_codes"]
    new = {c: c if c in ("respondent_id", "n_codes") else _PREFIX + c for c in table.columns}
    var_labels, val_labels = {}, {}
    for c in table.columns:
        if c not in ("respondent_id", "n_codes"):
            code = next((k for k in codes if c == k or c.endswith("_" + k)), c)
            var_labels[new[c]] = names.get(code, code) + ("" if c == code else f" ({c[:-len(code) - 1]})")
            val_labels[new[c]] = dict(_VALUE_LABELS[lang])
    table = table.rename(columns=new)
    if sentiment is not None:
        sw = _per_respondent(_sentiment_wide(sentiment, codes).assign(
            respondent_id=lambda d: d["respondent_id"].astype("string")), codes, "max")
        sw = sw.rename(columns={c: _SENT + c for c in sw.columns if c != "respondent_id"})
        table = table.merge(sw, on="respondent_id", how="left")
        for c in sw.columns[1:]:
            var_labels[c] = ("Sentiment: " if lang == "en" else "Tonalität: ") + names.get(c[2:], c[2:])
            val_labels[c] = dict(_SENT_LABELS[lang])
    if survey is not None:
        if "respondent_id" not in survey.columns:
            raise ParameterError("survey", list(survey.columns)[:10], message="the survey needs a respondent_id column")
        s = survey.assign(respondent_id=survey["respondent_id"].astype("string")).reset_index(drop=True)
        clash = [c for c in table.columns if c in s.columns and c != "respondent_id"]
        s = s.drop(columns=clash)
        extra = ~table["respondent_id"].isin(s["respondent_id"])
        if extra.any():
            log.warning("%d coded respondents are not in the survey; kept with empty survey answers", int(extra.sum()))
        table = s.merge(table, on="respondent_id", how="outer", sort=False)
        order = pd.Index(s["respondent_id"]).append(pd.Index(table.loc[~table["respondent_id"].isin(s["respondent_id"]), "respondent_id"]))
        table = table.set_index("respondent_id").loc[order].reset_index()
    return table, var_labels, val_labels


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    """Numpy dtypes only (SPSS/Stata writers): categories/strings -> str, nullable -> float."""
    out = table.copy()
    for c in out.columns:
        s = out[c]
        if isinstance(s.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(s) or s.dtype == object:
            out[c] = s.astype(object).where(s.notna(), "").map(str)
        elif pd.api.types.is_bool_dtype(s):
            out[c] = s.astype(float)
        elif pd.api.types.is_extension_array_dtype(s):
            out[c] = s.astype("float64")
        elif pd.api.types.is_integer_dtype(s):
            out[c] = s.astype("float64") if s.isna().any() else s
    return out


def export_coding(indicators: pd.DataFrame, path, *, survey: pd.DataFrame | None = None, codebook=None,
                  format: str = "auto", sentiment: pd.DataFrame | None = None, texts: pd.DataFrame | None = None,
                  coded: pd.DataFrame | None = None, lang: str = "de", syntax: bool = True) -> Path:
    """Write a coding (codes x respondents, survey answers joined) as SPSS, Stata, Excel, Parquet or REFI-QDA.

    Parameters
    ----------
    indicators : DataFrame
        :func:`cjkit.code_indicators` output: ``respondent_id``, optional ``question``, one 0/1
        column per code, ``n_codes``.
    path : str or Path
        Target file; the only file written.
    survey : DataFrame, optional
        Wide survey frame with ``respondent_id`` joined to the codes (one row per respondent).
    codebook : str, path or Codebook, optional
        Code names (variable labels; the codebook of a ``.qdpx``).
    format : {"auto", "sav", "dta", "xlsx", "parquet", "qdpx"}
        ``auto`` takes it from the file suffix.
    sentiment : DataFrame, optional
        Coded long frame with ``polarity`` (:func:`cjkit.code_texts`): adds ``s_<code>`` (-1/0/1).
    texts : DataFrame, optional
        ``.qdpx`` only: the answers (``respondent_id``, optional ``question``, ``text``).
    coded : DataFrame, optional
        ``.qdpx`` only: coded long frame with ``start``/``end``; its spans become the selections.
    lang : {"de", "en"}
        Language of the labels.
    syntax : bool
        ``.sav`` only: also write ``<name>.sps``, the SPSS syntax that declares the code
        variables as a multiple-response set (:func:`mr_syntax`).

    Returns
    -------
    Path
        The written file (the ``.sps`` lies beside it, same name).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> import pyreadstat
    >>> import cjkit as cj
    >>> ind = pd.DataFrame({"respondent_id": ["1", "2"], "price": [1, 0], "n_codes": [1, 0]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = cj.export_coding(ind, Path(tmp) / "coding.sav", lang="en")
    ...     df, meta = pyreadstat.read_sav(str(path))
    >>> df["c_price"].tolist(), meta.variable_value_labels["c_price"]
    ([1.0, 0.0], {0.0: 'not mentioned', 1.0: 'mentioned'})
    """
    check_lang(lang, "lang")
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower()) if format == "auto" else format
    if fmt not in FORMATS.values():
        raise ParameterError("format", format if format != "auto" else path.suffix, allowed=sorted(FORMATS.values()))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if fmt == "qdpx":
            _write_qdpx(indicators, tmp, texts=texts, coded=coded, codebook=codebook, lang=lang)
        else:
            table, var_labels, val_labels = coding_table(indicators, survey=survey, codebook=codebook,
                                                         sentiment=sentiment, lang=lang)
            names = _write_table(table, var_labels, val_labels, tmp, fmt)
            if fmt == "sav" and syntax:
                sets = _mr_groups([names[c] for c in table.columns if c.startswith(_PREFIX)],
                                  indicators["question"].dropna().astype(str).unique()
                                  if "question" in indicators.columns else [])
                _atomic_text(path.with_suffix(".sps"), mr_syntax(sets, lang=lang, data_file=path.name))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _atomic_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, path)


def _mr_groups(variables: list[str], questions) -> dict:
    """Code variables per question (``c_<question>_<code>``); one group None without questions."""
    groups: dict = {}
    for v in variables:
        q = next((q for q in sorted(questions, key=len, reverse=True) if v.startswith(f"{_PREFIX}{q}_")), None)
        groups.setdefault(q, []).append(v)
    return groups


def _spss_name(text: str) -> str:
    """A valid multiple-response set name: ``$`` + letters, digits, ``_`` (at most 64 bytes)."""
    name = re.sub(r"\W", "_", str(text), flags=re.ASCII).strip("_") or "codes"
    return "$" + (name if name[0].isalpha() else "q" + name)[:63]


def mr_syntax(sets: dict, *, lang: str = "de", data_file: str | None = None) -> str:
    """SPSS syntax that declares code variables as multiple-dichotomy sets (``MRSETS /MDGROUP``).

    Parameters
    ----------
    sets : dict
        Question (or None for one set of all codes) -> list of 0/1 code variable names.
    lang : {"de", "en"}
        Language of the set labels ("Genannte Codes" / "Codes mentioned").
    data_file : str, optional
        Name of the ``.sav`` the syntax belongs to (named in a comment).

    Returns
    -------
    str
        The syntax; each set is counted at ``VALUE=1`` and its categories are labelled with the
        variable labels (the code names).

    Examples
    --------
    >>> from cjkit.report.coding_export import mr_syntax
    >>> print(mr_syntax({None: ["c_price", "c_wifi"]}, lang="en").splitlines()[-2])
      /MDGROUP NAME=$codes LABEL='Codes mentioned' CATEGORYLABELS=VARLABELS VARIABLES=c_price c_wifi VALUE=1
    """
    check_lang(lang, "lang")
    lines = ["* Encoding: UTF-8.",
             f"* Multiple-response sets of the coding{f' in {data_file}' if data_file else ''}: "
             "open the data file, then run this syntax.",
             "MRSETS"]
    used: set = set()
    for q, variables in sets.items():
        if not variables:
            continue
        name = _spss_name("codes" if q is None else q)
        while name in used:
            name += "_"
        used.add(name)
        label = _MR_LABEL[lang] + ("" if q is None else f": {q}")
        label = label.replace("'", "''")
        lines.append(f"  /MDGROUP NAME={name} LABEL='{label}' CATEGORYLABELS=VARLABELS "
                     f"VARIABLES={' '.join(variables)} VALUE=1")
    lines.append("  /DISPLAY NAME=[" + " ".join(sorted(used)) + "].")
    if data_file:   # MRSETS changes the open dataset only; saving keeps the sets in the file
        lines.append(f"* To keep the sets in the data file: SAVE OUTFILE='{data_file}'.")
    return "\n".join(lines) + "\n"


def _write_table(table, var_labels, val_labels, path: Path, fmt: str) -> dict:
    """Write *table*; returns the variable names used (column -> name in the file)."""
    same = {c: c for c in table.columns}
    if fmt == "parquet":
        table.to_parquet(path, index=False)
        return same
    if fmt == "xlsx":
        variables = pd.DataFrame({"variable": list(var_labels), "label": list(var_labels.values()),
                                  "values": ["; ".join(f"{k} = {v}" for k, v in val_labels[c].items()) for c in var_labels]})
        to_excel({"coding": table, "variables": variables}, path)
        return same
    import pyreadstat  # noqa: PLC0415 - optional heavy dependency, only for these formats

    # Stata allows 32 characters, but pyreadstat names each value-label set after its variable and
    # rejects some 32-character set names: 31 keeps every name valid for both
    names = safe_names(table.columns, max_len=31 if fmt == "dta" else 64)
    rename = dict(zip(table.columns, names))
    shortened = {a: b for a, b in rename.items() if a != b}
    if shortened:
        log.info("variable names changed for %s: %s", fmt, shortened)
    frame = _plain(table).rename(columns=rename)
    labels = {rename[c]: var_labels.get(c, str(c))[:80 if fmt == "dta" else 256] for c in table.columns}
    values = {rename[c]: v for c, v in val_labels.items()}
    if fmt == "sav":
        pyreadstat.write_sav(frame, str(path), column_labels=labels, variable_value_labels=values,
                             variable_measure={rename[c]: "nominal" for c in val_labels})
    else:
        pyreadstat.write_dta(frame, str(path), column_labels=labels, variable_value_labels=values)
    return rename


def _el(parent, tag, attrs=None, text=None):
    el = ET.SubElement(parent, f"{{{QDE_NS}}}{tag}", {k: str(v) for k, v in (attrs or {}).items()})
    if text is not None:
        el.text = text
    return el


def _write_qdpx(indicators, path: Path, *, texts, coded, codebook, lang: str) -> None:
    if texts is None or "text" not in texts.columns or "respondent_id" not in texts.columns:
        raise ParameterError("texts", None if texts is None else list(texts.columns),
                             message="a .qdpx export needs the answers: texts= with respondent_id and text")
    codes = _code_columns(indicators)
    keys = ["respondent_id"] + (["question"] if "question" in texts.columns and "question" in indicators.columns else [])
    stamp = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    user = str(uuid.uuid5(uuid.NAMESPACE_URL, "cjkit:user")).upper()
    ET.register_namespace("", QDE_NS)
    root = ET.Element(f"{{{QDE_NS}}}Project", {"name": path.stem.lstrip(".").split(".")[0], "origin": "cjkit",
                                                "creatingUserGUID": user, "creationDateTime": stamp})
    users = _el(root, "Users")
    _el(users, "User", {"guid": user, "name": "cjkit"})
    book = _el(root, "CodeBook")
    codes_el = _el(book, "Codes")
    guid = {}
    with tempfile.TemporaryDirectory() as tmp:
        qdc = None
        if codebook is not None:
            cb = load_codebook(codebook)
            qdc = to_qdc(cb, Path(tmp) / "codebook.qdc", lang=lang).read_bytes()
            for el in ET.fromstring(qdc).find(f"{{{QDC_NS}}}Codes"):
                codes_el.append(_retag(el))
            guid = {c: _guid(cb.meta["id"], c) for c in cb.table["code"].astype(str)}
        for c in codes:   # codes of the coding that the codebook lacks
            if c not in guid:
                guid[c] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"cjkit:coding:{c}")).upper()
                _el(codes_el, "Code", {"guid": guid[c], "name": c, "isCodable": "true"})
        sources = _el(root, "Sources")
        t = texts.reset_index(drop=True)
        ids = t[keys].astype("string")
        ind = indicators.assign(**{k: indicators[k].astype("string") for k in keys}).set_index(keys)
        spans = None
        if coded is not None:
            cd = coded.dropna(subset=["code"]).assign(**{k: coded[k].astype("string") for k in keys})
            spans = {tuple(k): g for k, g in cd.groupby(keys, sort=False)}
        files = {}
        for i in range(len(t)):
            key = tuple(ids.iloc[i])
            text = "" if pd.isna(t.at[i, "text"]) else str(t.at[i, "text"])
            sguid = str(uuid.uuid5(uuid.NAMESPACE_URL, "cjkit:source:" + "|".join(map(str, key)))).upper()
            src = _el(sources, "TextSource", {"guid": sguid, "name": " ".join(map(str, key)),
                                              "plainTextPath": f"internal://{sguid}.txt", "creatingUser": user,
                                              "creationDateTime": stamp})
            files[f"sources/{sguid}.txt"] = text
            sel = []
            if spans is not None:
                if key in spans:
                    g = spans[key]
                    sel = [(str(c), int(s), int(e)) for c, s, e in zip(g["code"], g["start"], g["end"])]
            else:
                k = key if len(keys) > 1 else key[0]
                if k in ind.index:
                    row = ind.loc[[k]].iloc[0]
                    sel = [(c, 0, len(text)) for c in codes if row[c] == 1]
            for n, (c, s, e) in enumerate(sel):
                if c not in guid:
                    continue
                ps = _el(src, "PlainTextSelection", {
                    "guid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"cjkit:sel:{sguid}:{n}")).upper(),
                    "name": text[s:e][:60], "startPosition": s, "endPosition": e, "creatingUser": user,
                    "creationDateTime": stamp})
                cod = _el(ps, "Coding", {"guid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"cjkit:cod:{sguid}:{n}")).upper(),
                                         "creatingUser": user, "creationDateTime": stamp})
                _el(cod, "CodeRef", {"targetGUID": guid[c]})
        ET.indent(root)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("project.qde", ET.tostring(root, encoding="utf-8", xml_declaration=True))
            for name, text in files.items():
                z.writestr(name, text.encode("utf-8"))
            if qdc is not None:
                z.writestr("codebook.qdc", qdc)


def _retag(el):
    """A codebook element in the project namespace (REFI-QDA codebook and project share the tags)."""
    new = ET.Element(f"{{{QDE_NS}}}{el.tag.split('}', 1)[-1]}", el.attrib)
    new.text = el.text
    for child in el:
        new.append(_retag(child))
    return new
