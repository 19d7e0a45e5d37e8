"""Codebooks: load and validate YAML, flatten to a table, exchange as CSV and REFI-QDA (.qdc).

A codebook is a tree of codes: journey stage -> touchpoint -> topic. Each code has German
and English labels, a definition, include/exclude examples and match rules per language
(``keywords``, ``stems``, ``phrases``, ``regex``, ``exclude``). The tree is validated by the
``codebook`` schema plus checks a schema cannot express (unique ids, known touchpoints,
regexes that compile).

The REFI-QDA codebook (``.qdc``) is the exchange format MAXQDA, ATLAS.ti, NVivo and QualCoder
read: code names and hierarchy survive in every tool; cjkit's extra fields travel as a
``[cjkit]`` JSON line at the end of each code's description, so a round trip is lossless.

Examples
--------
>>> from cjkit.coding import codebook
>>> cb = codebook.load_codebook("default")
>>> t = codebook.codebook_table(cb)
>>> t.set_index("code").loc["breakfast", ["parent", "touchpoint", "canonical_stage"]].tolist()
['food_beverage', 'food_beverage', 'usage']
"""
from __future__ import annotations

import json
import logging
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cjkit.catalog import touchpoints
from cjkit.catalog.config import DATA, load_config
from cjkit.catalog.i18n import LANGS
from cjkit.coding.textnorm import fold
from cjkit.errors import ConfigError, DataError, ParameterError, Problem

DEFAULT = DATA / "codebooks" / "default.yaml"
log = logging.getLogger("cjkit.coding.codebook")
RULES = ("keywords", "stems", "phrases", "regex", "exclude")
QDC_NS = "urn:QDA-XML:codebook:1.0"
_SCALARS = ("id", "kind", "label_de", "label_en", "definition_de", "definition_en",
            "canonical_stage", "touchpoint", "color", "draft", "note")
COLUMNS = (["code", "parent", "level", "kind", "path", "label_de", "label_en", "definition_de",
            "definition_en", "canonical_stage", "touchpoint", "topic", "color",
            "examples_include", "examples_exclude", "draft", "note"]
           + [f"{r}_{lang}" for lang in LANGS for r in RULES])


@dataclass(frozen=True)
class Codebook:
    """A validated codebook: metadata, the code tree and its flat table.

    Build it with :func:`load_codebook`, which validates; the object is not changed
    afterwards (edit the YAML or CSV and load again).

    Parameters
    ----------
    meta : dict
        id, name_de, name_en, version, descriptions.
    codes : list
        The code tree as in the YAML (``children`` nest).
    source : str, optional
        The file it was read from.

    Attributes
    ----------
    table : DataFrame
        One row per code (:data:`COLUMNS`), see :func:`codebook_table`.
    composition : DataFrame or None
        For a composed codebook (:func:`compose_codebooks`): one row per code that a later
        codebook added, extended or replaced, and per conflicting field.

    Examples
    --------
    >>> from cjkit.coding.codebook import load_codebook
    >>> cb = load_codebook({"id": "mini", "name_de": "Mini", "name_en": "Mini", "codes": [
    ...     {"id": "service", "label_de": "Service", "label_en": "Service", "canonical_stage": "service",
    ...      "children": [{"id": "wait", "label_de": "Wartezeit", "label_en": "Waiting time",
    ...                    "match": {"de": {"stems": ["wart*"]}}}]}]})
    >>> cb.id, cb.name("en")
    ('mini', 'Mini')
    >>> cb.table[["code", "kind", "canonical_stage", "stems_de"]].tail(1)
      code        kind canonical_stage stems_de
    1  wait  touchpoint         service    wart*
    """

    meta: dict
    codes: list
    source: str | None = None
    table: pd.DataFrame = field(default=None, repr=False, compare=False)
    composition: pd.DataFrame = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        if self.table is None:  # frozen: the derived table is set once, here
            object.__setattr__(self, "table", _flatten(self.codes))

    @property
    def id(self) -> str:
        """The codebook id."""
        return self.meta["id"]

    def name(self, lang: str = "de") -> str:
        """The codebook's name in *lang* (``"de"`` or ``"en"``)."""
        if lang not in LANGS:
            raise ParameterError("lang", lang, allowed=LANGS)
        return self.meta[f"name_{lang}"]

    def to_dict(self) -> dict:
        """The YAML mapping (schema ``codebook``); :func:`load_codebook` reads it back."""
        return {**self.meta, "codes": self.codes}


def _walk(codes, key="codes", parent=None, depth=1, ancestors=()):
    for i, c in enumerate(codes):
        k = f"{key}[{i}]"
        yield c, k, parent, depth, ancestors
        yield from _walk(c.get("children", []), f"{k}.children", c, depth + 1, ancestors + (c,))


def _inherit(c, ancestors, name):
    for node in (c, *reversed(ancestors)):
        if node.get(name):
            return node[name]
    return None


def _flatten(codes) -> pd.DataFrame:
    rows = []
    for c, _, parent, depth, anc in _walk(codes):
        kind = c.get("kind") or ("topic" if depth >= 3 else "touchpoint" if depth == 2 else "stage")
        row = {"code": c["id"], "parent": parent["id"] if parent else None, "level": depth,
               "kind": kind, "path": "/".join([a["id"] for a in anc] + [c["id"]]),
               "label_de": c["label_de"], "label_en": c["label_en"],
               "definition_de": c.get("definition_de", ""), "definition_en": c.get("definition_en", ""),
               "canonical_stage": _inherit(c, anc, "canonical_stage"),
               "touchpoint": _inherit(c, anc, "touchpoint"),
               "topic": c["id"] if kind == "topic" else None, "color": c.get("color"),
               "examples_include": " | ".join(c.get("examples", {}).get("include", [])),
               "examples_exclude": " | ".join(c.get("examples", {}).get("exclude", [])),
               "draft": bool(c.get("draft", False)), "note": c.get("note", "")}
        for lang in LANGS:
            rules = c.get("match", {}).get(lang, {})
            for r in RULES:
                row[f"{r}_{lang}"] = "; ".join(rules.get(r, []))
        rows.append(row)
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["level"] = out["level"].astype("int64")
    return out


def _well_formed(codes) -> list:
    """The code dicts of a (possibly schema-invalid) tree; anything else is left to the schema."""
    return [c for c in codes if isinstance(c, dict)] if isinstance(codes, list) else []


def _problems(data: dict) -> list[Problem]:
    """Semantic checks: unique ids, known touchpoints, compiling regexes, usable terms."""
    known_tp = set(touchpoints.load()["id"])
    out = []
    seen: dict[str, str] = {}

    def walk(codes, key):
        for i, c in enumerate(codes if isinstance(codes, list) else []):
            if not isinstance(c, dict):
                continue
            k = f"{key}[{i}]"
            cid = c.get("id")
            if isinstance(cid, str) and cid in seen:
                out.append(Problem(f"{k}.id", f"duplicate code id '{cid}' (also at {seen[cid]})"))
            if isinstance(cid, str):
                seen.setdefault(cid, k)
            tp = c.get("touchpoint")
            if isinstance(tp, str) and tp and tp not in known_tp:
                out.append(Problem(f"{k}.touchpoint", f"unknown touchpoint '{tp}'; expected an id of the "
                                                      f"touchpoint catalog ({', '.join(sorted(known_tp))})"))
            match = c.get("match")
            for lang, rules in (match.items() if isinstance(match, dict) else ()):
                for r, terms in (rules.items() if isinstance(rules, dict) else ()):
                    for j, t in enumerate(terms if isinstance(terms, list) else []):
                        if not isinstance(t, str):
                            continue
                        where = f"{k}.match.{lang}.{r}[{j}]"
                        if r == "regex":
                            try:
                                re.compile(t)
                            except re.error as exc:
                                out.append(Problem(where, f"regex does not compile: {exc}"))
                        elif not t.strip("*= "):
                            out.append(Problem(where, "term is empty after removing wildcards"))
            walk(c.get("children"), f"{k}.children")

    walk(data.get("codes"), "codes")
    return out


def load_codebook(source="default") -> Codebook:
    """Load and validate a codebook from a shipped name, a YAML path, a dict, CSV or .qdc file.

    Parameters
    ----------
    source : str, Path, dict, Codebook or list of these
        A shipped codebook by name (``"default"``, ``"shared"`` or an industry such as
        ``"air_travel"``, see :func:`list_codebooks`), a YAML, CSV (:func:`to_csv`) or
        REFI-QDA ``.qdc`` file, the parsed YAML, or a loaded codebook (returned as it is).
        A list is composed in order with :func:`compose_codebooks`
        (``["shared", "air_travel", "my_codes.yaml"]``).

    Returns
    -------
    Codebook

    Raises
    ------
    ConfigError
        Naming the file and every offending key path, e.g. ``codes[2].children[0].touchpoint``.

    Examples
    --------
    >>> from cjkit.coding.codebook import load_codebook
    >>> cb = load_codebook("default")
    >>> cb.meta["id"], len(cb.table) > 50
    ('default', True)
    """
    if isinstance(source, Codebook):
        return source
    if isinstance(source, (list, tuple)):
        return compose_codebooks(*source)
    if isinstance(source, str) and _shipped(source) is not None:
        source = _shipped(source)
    elif isinstance(source, str) and re.fullmatch(r"[a-z][a-z0-9_]*", source) and not Path(source).exists():
        # a bare name that is no shipped codebook: say which names exist
        known = sorted(f.stem.removeprefix("industry_") for f in (DATA / "codebooks").glob("*.yaml"))
        raise ConfigError(f"no shipped codebook '{source}' and no such file; shipped: {', '.join(known)}",
                          path=source)
    if isinstance(source, (str, Path)):
        # a file is parsed once per modification time (the compiled scanner is cached on it)
        p = Path(source)
        key = (str(p.resolve()), p.stat().st_mtime_ns) if p.is_file() else None
        if key in _cache:
            return _cache[key]
        cb = _load_file(source)
        if key is not None:
            _cache[key] = cb
        return cb
    return _load_data(source)


_cache: dict = {}


def _shipped(name: str) -> Path | None:
    """The package file of a shipped codebook name (``shared``, ``air_travel`` ...), else None."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        return None
    for f in (DATA / "codebooks" / f"{name}.yaml", DATA / "codebooks" / f"industry_{name}.yaml"):
        if f.is_file():
            return f
    return None


def list_codebooks() -> pd.DataFrame:
    """The shipped codebooks: name, kind (``general``, ``shared`` or ``industry``), labels, codes.

    Returns
    -------
    DataFrame
        Columns ``name``, ``kind``, ``name_de``, ``name_en``, ``n_codes``.

    Examples
    --------
    >>> from cjkit.coding.codebook import list_codebooks
    >>> t = list_codebooks()
    >>> {"default", "shared", "air_travel", "telecom"} <= set(t["name"])
    True
    >>> t.set_index("name").loc["shared", "kind"]
    'shared'
    """
    rows = []
    for f in sorted((DATA / "codebooks").glob("*.yaml")):
        name = f.stem.removeprefix("industry_")
        cb = load_codebook(f)
        kind = "industry" if f.stem.startswith("industry_") else "shared" if name == "shared" else "general"
        rows.append({"name": name, "kind": kind, "name_de": cb.meta["name_de"], "name_en": cb.meta["name_en"],
                     "n_codes": int(cb.table["kind"].isin(["touchpoint", "topic"]).sum())})
    return pd.DataFrame(rows, columns=["name", "kind", "name_de", "name_en", "n_codes"])


def industries() -> list[str]:
    """Names of the shipped industry codebooks (each is composed with ``"shared"``).

    Every ``industry_<name>.yaml`` in the package's codebook folder is one; a new file is listed
    here, offered by :func:`cjkit.coding.industry.propose_industry` and accepted as a spec's
    ``industry:`` without further registration.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from cjkit.coding.codebook import industries
    >>> "rail_transport" in industries() and "car_rental" in industries() and "shared" not in industries()
    True
    """
    return sorted(f.stem.removeprefix("industry_") for f in (DATA / "codebooks").glob("industry_*.yaml"))


# fields that change what a code means when a later codebook gives another value (labels and
# definitions only reword it: the later wording is taken silently)
_CONFLICT_FIELDS = ("kind", "canonical_stage", "touchpoint")


def compose_codebooks(*sources, on_conflict: str = "override") -> Codebook:
    """Compose codebooks in order: later ones add codes, extend codes with the same id or replace them.

    Each source is loaded and validated on its own first, so an error names its file. Then,
    code by code of each later source:

    * a new id is added (a top-level code at the end, a child under its parent);
    * an existing id is *extended*: its match terms and examples get the later terms
      (duplicates dropped), other fields given in the later code override, children merge
      by the same rule;
    * with ``replace: true`` on the later code, the code (with its children) is replaced.

    A field that changes the code's meaning given in both with different values (``kind``,
    ``canonical_stage``, ``touchpoint``) is a conflict unless the later code says ``replace: true``: the later value wins and the conflict is listed
    in ``composition`` and logged (``on_conflict="override"``), or a :class:`ConfigError`
    names both files and the key (``on_conflict="raise"``).

    Parameters
    ----------
    *sources : str, Path, dict or Codebook
        As for :func:`load_codebook`; typically ``"shared"``, an industry and your own file.
    on_conflict : {"override", "raise"}

    Returns
    -------
    Codebook
        id and names joined from the parts; ``composition`` has columns ``code``, ``action``
        (``added``, ``extended``, ``replaced``, ``conflict``), ``source``, ``field``, ``old``, ``new``.

    Raises
    ------
    ConfigError
        A source is invalid, or a conflict with ``on_conflict="raise"``.

    Examples
    --------
    >>> from cjkit.coding.codebook import compose_codebooks
    >>> mine = {"id": "mine", "name_de": "Meine", "name_en": "Mine", "codes": [
    ...     {"id": "price", "label_de": "Preis", "label_en": "Price",
    ...      "match": {"de": {"keywords": ["Wucher"]}}},
    ...     {"id": "lounge", "label_de": "Lounge", "label_en": "Lounge", "kind": "topic",
    ...      "match": {"en": {"keywords": ["lounge"]}}}]}
    >>> cb = compose_codebooks("shared", "air_travel", mine)
    >>> cb.id
    'shared+air_travel+mine'
    >>> cb.composition.query("source == 'mine'")[["code", "action"]].values.tolist()
    [['price', 'extended'], ['lounge', 'added']]
    >>> "Wucher" in cb.table.set_index("code").loc["price", "keywords_de"]
    True
    """
    if on_conflict not in ("override", "raise"):
        raise ParameterError("on_conflict", on_conflict, allowed=["override", "raise"])
    if not sources:
        raise ParameterError("sources", "()", allowed=["one or more codebooks"])
    books = [load_codebook(s) for s in sources]
    if len(books) == 1:
        return books[0]
    codes = json.loads(json.dumps(books[0].codes))   # deep copy: the loaded books stay unchanged
    origin = {c["id"]: books[0].source or books[0].id for c, *_ in _walk(codes)}
    log_rows: list[dict] = []

    def index(tree):
        out = {}
        for c, _, parent, *_ in _walk(tree):
            out[c["id"]] = (c, parent)
        return out

    for book in books[1:]:
        where = book.source or book.id
        for i, new in enumerate(book.codes):
            _absorb(codes, new, None, where, origin, log_rows, on_conflict, f"codes[{i}]")
    meta = {"id": "+".join(b.id for b in books),
            "name_de": " + ".join(b.meta["name_de"] for b in books),
            "name_en": " + ".join(b.meta["name_en"] for b in books),
            "version": " + ".join(str(b.meta.get("version", "")) for b in books)}
    # groups that only carried extensions of earlier codes are empty now: drop them
    codes = [c for c in codes if not (c.get("kind") == "group" and not c.get("children") and not c.get("match"))]
    # "+" joins the part ids readably but is no valid code id: validate under a plain id
    cb = _load_data({**meta, "id": "composed", "codes": codes})
    cb.meta["id"] = meta["id"]
    comp = pd.DataFrame(log_rows, columns=["code", "action", "source", "field", "old", "new"])
    for r in comp.query("action == 'conflict'").itertuples():
        log.warning("codebook conflict: %s.%s is %r in %s, %r in %s (the later wins)",
                    r.code, r.field, r.old, origin.get(r.code, "?"), r.new, r.source)
    object.__setattr__(cb, "composition", comp)
    return cb


def _find(codes, code_id):
    for c, *_ in _walk(codes):
        if c["id"] == code_id:
            return c
    return None


def _absorb(codes, new, parent, where, origin, rows, on_conflict, key):
    """Put the later code *new* into the composed tree *codes*, under *parent* if it is new."""
    old = _find(codes, new["id"])
    if old is not None:
        _merge(codes, old, new, where, origin, rows, on_conflict, key)
        return
    node = json.loads(json.dumps({k: v for k, v in new.items() if k not in ("children", "replace")}))
    (parent.setdefault("children", []) if parent is not None else codes).append(node)
    origin.setdefault(new["id"], where)
    rows.append({"code": new["id"], "action": "added", "source": where, "field": "", "old": "", "new": ""})
    for j, child in enumerate(new.get("children", [])):
        _absorb(codes, child, node, where, origin, rows, on_conflict, f"{key}.children[{j}]")


def _merge(codes, old: dict, new: dict, where, origin, rows, on_conflict, key):
    """Extend (or replace) the composed code *old* in place by the later code *new*."""
    for f in () if new.get("replace") else _CONFLICT_FIELDS:
        if f in new and f in old and new[f] != old[f]:
            if on_conflict == "raise":
                raise ConfigError(f"code '{new['id']}' has {f} '{new[f]}' here but '{old[f]}' in "
                                  f"{origin.get(new['id'], 'an earlier codebook')} (set replace: true "
                                  f"to replace the code, or use the same value)", path=where, key=f"{key}.{f}")
            rows.append({"code": new["id"], "action": "conflict", "source": where, "field": f,
                         "old": str(old[f]), "new": str(new[f])})
    if new.get("replace"):
        old.clear()
        old.update(json.loads(json.dumps({k: v for k, v in new.items() if k not in ("replace", "children")})))
        rows.append({"code": new["id"], "action": "replaced", "source": where, "field": "", "old": "", "new": ""})
    else:
        for f, v in new.items():
            if f in ("id", "children", "replace"):
                continue
            if f in ("match", "examples"):
                # terms and examples accumulate: a user file adds words without repeating ours
                m = old.setdefault(f, {})
                for lang, rules in v.items():
                    if f == "examples":
                        cur = m.setdefault(lang, [])
                        cur.extend(t for t in rules if t not in cur)
                        continue
                    for rule, terms in rules.items():
                        cur = m.setdefault(lang, {}).setdefault(rule, [])
                        cur.extend(t for t in terms if t not in cur)
            else:
                old[f] = json.loads(json.dumps(v))
        rows.append({"code": new["id"], "action": "extended", "source": where, "field": "", "old": "", "new": ""})
    for j, child in enumerate(new.get("children", [])):
        _absorb(codes, child, old, where, origin, rows, on_conflict, f"{key}.children[{j}]")


def _load_file(source) -> Codebook:
    if isinstance(source, (str, Path)):
        suffix = Path(source).suffix.lower()
        if suffix == ".csv":
            return from_csv(source)
        if suffix == ".qdc":
            return from_qdc(source)
    return _load_data(source)


def _load_data(source) -> Codebook:
    data = load_config(source, schema="codebook", check=_problems)
    meta = {k: v for k, v in data.items() if k != "codes"}
    return Codebook(meta, data["codes"], str(source) if isinstance(source, (str, Path)) else None)


def codebook_table(codebook="default", lang: str | None = None) -> pd.DataFrame:
    """One row per code: hierarchy, inherited stage/touchpoint, labels and rules (";"-joined).

    Parameters
    ----------
    codebook : str, Path, dict or Codebook
        As for :func:`load_codebook`.
    lang : {"de", "en"}, optional
        Adds a ``label`` column in this language.

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS` (plus ``label``).

    Examples
    --------
    >>> from cjkit.coding.codebook import codebook_table
    >>> t = codebook_table("default", lang="en")
    >>> t.set_index("code").loc["breakfast", ["kind", "label"]].tolist()
    ['topic', 'Breakfast']
    """
    cb = load_codebook(codebook)
    out = cb.table.copy()
    if lang is not None:
        out["label"] = out[f"label_{lang}"]
    return out



# ---------------------------------------------------------------- CSV
def to_csv(codebook, path) -> Path:
    """Write the flat codebook table as UTF-8 CSV (opens in Excel; edit and re-import).

    Parameters
    ----------
    codebook : str, Path, dict or Codebook
    path : str or Path

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from cjkit.coding.codebook import from_csv, load_codebook, to_csv
    >>> cb = load_codebook("default")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     back = from_csv(to_csv(cb, Path(tmp) / "codes.csv"), id="default")
    >>> back.table["code"].tolist() == cb.table["code"].tolist()
    True
    """
    path = Path(path)
    codebook_table(codebook).to_csv(path, index=False, encoding="utf-8")
    return path


def _split(cell) -> list[str]:
    if cell is None or (isinstance(cell, float) and pd.isna(cell)) or cell is pd.NA:
        return []
    return [t.strip() for t in str(cell).split(";") if t.strip()]


def from_csv(path, *, id: str | None = None) -> Codebook:
    """Read a codebook table written by :func:`to_csv` (or edited in Excel).

    Parameters
    ----------
    path : str or Path
    id : str, optional
        Codebook id (default: from the file name).

    Returns
    -------
    Codebook
        Validated like a YAML codebook.

    Examples
    --------
    See :func:`to_csv`.

    Raises
    ------
    DataError
        For a missing column or a parent that names no code (file, row and column named).
    """
    path = Path(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise DataError("file not found", file=path) from None
    for col in ("code", "parent", "label_de", "label_en"):
        if col not in df.columns:
            raise DataError(f"missing column '{col}'; expected the columns of cjkit.coding.codebook.to_csv",
                            file=path, column=col)
    nodes: dict[str, dict] = {}
    roots: list[dict] = []
    for i, r in enumerate(df.to_dict("records"), start=1):
        node = {"id": r["code"], "label_de": r["label_de"], "label_en": r["label_en"]}
        for k in ("kind", "definition_de", "definition_en", "color", "note"):
            if r.get(k):
                node[k] = r[k]
        if str(r.get("draft", "")).strip().lower() in ("true", "1", "yes", "ja"):
            node["draft"] = True
        # only store stage/touchpoint where they differ from the parent's (they are inherited)
        parent = nodes.get(r["parent"]) if r["parent"] else None
        if r["parent"] and parent is None:
            raise DataError(f"parent '{r['parent']}' is not a code listed above this row",
                            file=path, row=i, column="parent")
        for k in ("canonical_stage", "touchpoint"):
            if r.get(k) and (parent is None or _row_value(df, parent["id"], k) != r[k]):
                node[k] = r[k]
        ex = {k: [e.strip() for e in r.get(f"examples_{k}", "").split(" | ") if e.strip()]
              for k in ("include", "exclude")}
        if any(ex.values()):
            node["examples"] = {k: v for k, v in ex.items() if v}
        match = {lang: {rule: _split(r.get(f"{rule}_{lang}")) for rule in RULES} for lang in LANGS}
        match = {lang: {k: v for k, v in m.items() if v} for lang, m in match.items()}
        match = {lang: m for lang, m in match.items() if m}
        if match:
            node["match"] = match
        nodes[node["id"]] = node
        (parent.setdefault("children", []) if parent else roots).append(node)
    data = {"id": id or re.sub(r"[^a-z0-9_]", "_", path.stem.lower()).strip("_") or "codebook",
            "name_de": path.stem, "name_en": path.stem, "codes": roots}
    return load_codebook(data)


def _row_value(df, code, col):
    v = df.loc[df["code"] == code, col]
    return v.iloc[0] if len(v) else None


# ---------------------------------------------------------------- REFI-QDA
def _guid(book_id: str, code_id: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"cjkit:{book_id}:{code_id}")).upper()


def to_qdc(codebook, path, *, lang: str = "de") -> Path:
    """Write a REFI-QDA codebook (.qdc) with code names in *lang*.

    Stages without rules are exported as not codable folders; a Set per kind
    (stage, touchpoint, topic) helps MAXQDA/ATLAS.ti users filter.

    Parameters
    ----------
    codebook : str, Path, dict or Codebook
    path : str or Path
    lang : {"de", "en"}
        Language of the code names.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from cjkit.coding.codebook import from_qdc, load_codebook, to_qdc
    >>> cb = load_codebook("default")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     back = from_qdc(to_qdc(cb, Path(tmp) / "default.qdc"))
    >>> back.codes == cb.codes
    True
    """
    cb = load_codebook(codebook)
    book = cb.meta["id"]
    ET.register_namespace("", QDC_NS)
    root = ET.Element(f"{{{QDC_NS}}}CodeBook", {"origin": "cjkit"})
    codes_el = ET.SubElement(root, f"{{{QDC_NS}}}Codes")
    kinds = cb.table.set_index("code")["kind"].to_dict()

    def add(parent_el, c):
        attrs = {"guid": _guid(book, c["id"]), "name": c[f"label_{lang}"],
                 "isCodable": "true" if kinds[c["id"]] != "stage" else "false"}
        if c.get("color"):
            attrs["color"] = c["color"]
        el = ET.SubElement(parent_el, f"{{{QDC_NS}}}Code", attrs)
        other = "en" if lang == "de" else "de"
        lines = [c.get(f"definition_{lang}", ""), f"({other}: {c[f'label_{other}']})"]
        if c.get("draft"):
            lines.append("DRAFT: " + (c.get("note") or "review before use"))
        for k in ("include", "exclude"):
            if c.get("examples", {}).get(k):
                lines.append(f"{k}: " + " | ".join(c["examples"][k]))
        extra = {k: c[k] for k in list(_SCALARS) + ["examples", "match"] if k in c}
        lines.append("[cjkit] " + json.dumps(extra, ensure_ascii=False))
        ET.SubElement(el, f"{{{QDC_NS}}}Description").text = "\n".join(x for x in lines if x)
        for child in c.get("children", []):
            add(el, child)

    for c in cb.codes:
        add(codes_el, c)
    sets_el = ET.SubElement(root, f"{{{QDC_NS}}}Sets")
    for kind, grp in cb.table.groupby("kind", sort=True):
        s = ET.SubElement(sets_el, f"{{{QDC_NS}}}Set", {"guid": _guid(book, f"set:{kind}"), "name": kind})
        for code in grp["code"]:
            ET.SubElement(s, f"{{{QDC_NS}}}MemberCode", {"guid": _guid(book, code)})
    ET.indent(root)
    path = Path(path)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path


def _slug(name: str, taken: set) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", fold(name)).strip("_") or "code"
    if not base[0].isalpha():
        base = "c_" + base
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}_{n}", n + 1
    taken.add(slug)
    return slug


def from_qdc(path) -> Codebook:
    """Read a REFI-QDA codebook (.qdc) from any QDA tool.

    Codes exported by cjkit come back with all fields; codes from other tools get an id
    derived from their name, the name as German and English label and the description as
    definition (they carry no match rules until you add some).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    Codebook

    Raises
    ------
    DataError
        File missing, not XML, or without codes.

    Examples
    --------
    See :func:`to_qdc`.
    """
    path = Path(path)
    try:
        tree = ET.parse(path)
    except FileNotFoundError:
        raise DataError("file not found", file=path) from None
    except ET.ParseError as exc:
        raise DataError(f"not valid XML: {exc}", file=path, row=exc.position[0]) from None
    root = tree.getroot()
    ns = {"q": QDC_NS} if root.tag.startswith("{") else {"q": ""}
    q = "q:" if ns["q"] else ""
    if not root.tag.endswith("CodeBook"):
        raise DataError(f"root element is <{root.tag}>, expected <CodeBook> ({QDC_NS})", file=path)
    taken: set = set()

    def read(el) -> dict:
        desc_el = el.find(f"{q}Description", ns)
        desc = (desc_el.text or "") if desc_el is not None else ""
        m = re.search(r"^\[cjkit\] (\{.*\})\s*$", desc, flags=re.M)
        if m:
            node = json.loads(m.group(1))
            taken.add(node["id"])
        else:
            name = el.get("name") or "code"
            node = {"id": _slug(name, taken), "label_de": name, "label_en": name}
            if desc.strip():
                node["definition_de"] = node["definition_en"] = desc.strip()
            if el.get("color") and re.fullmatch(r"#[0-9A-Fa-f]{6}", el.get("color")):
                node["color"] = el.get("color")
        children = [read(c) for c in el.findall(f"{q}Code", ns)]
        if children:
            node["children"] = children
        return node

    codes_el = root.find(f"{q}Codes", ns)
    codes = [read(c) for c in (codes_el.findall(f"{q}Code", ns) if codes_el is not None else [])]
    if not codes:
        raise DataError("the codebook contains no <Code> elements", file=path)
    stem = re.sub(r"[^a-z0-9_]", "_", path.stem.lower()).strip("_") or "codebook"
    if not stem[0].isalpha():
        stem = "c_" + stem
    return load_codebook({"id": stem, "name_de": path.stem, "name_en": path.stem, "codes": codes})
