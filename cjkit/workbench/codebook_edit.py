"""Edit a codebook YAML from the notebook: add, rename, merge and move codes, accept drafts.

Every edit changes the tree in memory and is validated at once by :func:`cjkit.load_codebook`
(the codebook schema plus its checks: unique ids, known touchpoints, regexes that compile); an
edit that would make the codebook invalid raises a :class:`cjkit.ConfigError` and leaves both
the tree and the file as they were. :meth:`CodebookEditor.save` rewrites the YAML (through a
temporary file; comments of a hand-written file are not kept). Codes already given in coding
files keep their old ids: rename or merge before coding, or recode.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> import yaml
>>> from cjkit.workbench.codebook_edit import CodebookEditor
>>> book = {"id": "mini", "name_de": "Mini", "name_en": "Mini", "codes": [
...     {"id": "service", "label_de": "Service", "label_en": "Service", "canonical_stage": "service"}]}
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = Path(tmp) / "codes.yaml"
...     _ = path.write_text(yaml.safe_dump(book), encoding="utf-8")
...     ed = CodebookEditor(path)
...     ed.add("wait", parent="service", label_de="Wartezeit", label_en="Waiting time")
...     _ = ed.save()
...     print(CodebookEditor(path).codebook.table["code"].tolist())
['service', 'wait']
"""
from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path

import yaml

from cjkit.coding.codebook import RULES, load_codebook
from cjkit.errors import ConfigError, ParameterError


def _find(codes, code_id, parent=None):
    """(list holding the code, its index, parent code) or None."""
    for i, c in enumerate(codes):
        if c.get("id") == code_id:
            return codes, i, parent
        hit = _find(c.get("children", []), code_id, c)
        if hit:
            return hit
    return None


class CodebookEditor:
    """Edit a codebook YAML file, validated after every edit.

    Parameters
    ----------
    path : str or Path
        The codebook YAML (a copy of a shipped one, e.g. written by ``yaml.safe_dump(cb.to_dict())``).

    Attributes
    ----------
    data : dict
        The codebook as in the YAML.
    codebook : Codebook
        The validated codebook of :attr:`data`.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import yaml
    >>> import cjkit as cj
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "codes.yaml"
    ...     _ = path.write_text(yaml.safe_dump(cj.load_codebook("default").to_dict()), encoding="utf-8")
    ...     ed = CodebookEditor(path)
    ...     ed.rename("wifi", "internet")
    >>> "internet" in set(ed.codebook.table["code"])
    True
    """

    def __init__(self, path):
        self.path = Path(path)
        try:
            self.data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read the codebook: {exc}", path=self.path) from None
        self.codebook = self._validated(self.data)

    def _validated(self, data):
        try:
            return load_codebook(copy.deepcopy(data))
        except ConfigError as exc:
            raise ConfigError(f"{self.path.name}: {exc}", path=self.path) from None

    def _edit(self, change) -> None:
        data = copy.deepcopy(self.data)
        change(data)
        self.codebook = self._validated(data)
        self.data = data

    def _locate(self, data, code: str):
        hit = _find(data["codes"], code)
        if hit is None:
            raise ParameterError("code", code, allowed=f"a code of {self.path.name}")
        return hit

    def add(self, code: str, *, parent: str | None = None, label_de: str, label_en: str,
            touchpoint: str | None = None, canonical_stage: str | None = None, keywords_de=(),
            keywords_en=()) -> None:
        """Add a code under *parent* (None: a new top-level stage code)."""
        def change(data):
            new = {"id": code, "label_de": label_de, "label_en": label_en}
            if touchpoint:
                new["touchpoint"] = touchpoint
            if canonical_stage:
                new["canonical_stage"] = canonical_stage
            match = {lang: {"keywords": list(k)} for lang, k in (("de", keywords_de), ("en", keywords_en)) if k}
            if match:
                new["match"] = match
            if parent is None:
                data["codes"].append(new)
            else:
                siblings, i, _ = self._locate(data, parent)
                siblings[i].setdefault("children", []).append(new)
        self._edit(change)

    def rename(self, code: str, new_id: str, *, label_de: str | None = None, label_en: str | None = None) -> None:
        """Give a code a new id (and optionally new labels)."""
        def change(data):
            siblings, i, _ = self._locate(data, code)
            siblings[i]["id"] = new_id
            if label_de:
                siblings[i]["label_de"] = label_de
            if label_en:
                siblings[i]["label_en"] = label_en
        self._edit(change)

    def merge(self, code: str, into: str) -> None:
        """Merge *code* into *into*: its match terms and examples are added, its children move along."""
        def change(data):
            siblings, i, _ = self._locate(data, code)
            src = siblings.pop(i)
            t_sib, j, _ = self._locate(data, into)
            tgt = t_sib[j]
            for lang, rules in src.get("match", {}).items():
                dst = tgt.setdefault("match", {}).setdefault(lang, {})
                for r in RULES:
                    dst[r] = list(dict.fromkeys(dst.get(r, []) + rules.get(r, []))) if rules.get(r) else dst.get(r, [])
                tgt["match"][lang] = {r: v for r, v in dst.items() if v}
            for kind, ex in src.get("examples", {}).items():
                tgt.setdefault("examples", {}).setdefault(kind, []).extend(ex)
            if src.get("children"):
                tgt.setdefault("children", []).extend(src["children"])
        self._edit(change)

    def move(self, code: str, *, parent: str | None, touchpoint: str | None = None,
             canonical_stage: str | None = None) -> None:
        """Move a code under another *parent* (None: top level), optionally with a new touchpoint or stage."""
        def change(data):
            siblings, i, _ = self._locate(data, code)
            node = siblings.pop(i)
            if touchpoint:
                node["touchpoint"] = touchpoint
            if canonical_stage:
                node["canonical_stage"] = canonical_stage
            if parent is None:
                data["codes"].append(node)
            else:
                t_sib, j, _ = self._locate(data, parent)
                t_sib[j].setdefault("children", []).append(node)
        self._edit(change)

    def accept_draft(self, code: str) -> None:
        """Turn a draft code (from theme discovery) into a regular code."""
        def change(data):
            siblings, i, _ = self._locate(data, code)
            siblings[i].pop("draft", None)
            siblings[i].pop("note", None)
        self._edit(change)

    def save(self, path=None) -> Path:
        """Write the YAML (validated) to *path* (default: the file it was read from).

        Parameters
        ----------
        path : str or Path, optional

        Returns
        -------
        Path
        """
        target = Path(path) if path is not None else self.path
        text = yaml.safe_dump(self.data, allow_unicode=True, sort_keys=False, width=100)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".yaml", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, target)
        return target
