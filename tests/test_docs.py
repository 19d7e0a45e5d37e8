"""README and the user guides teach the flat API: every ``cj.<name>`` they mention exists in ``cj.__all__``,
every Python snippet parses, and the German and English guides cover the same names."""
from __future__ import annotations

import ast
import importlib
import re

import pytest

import cjkit as cj

DOCS = ["README.md", "docs/guide_de.md", "docs/guide_en.md"]
NAME = re.compile(r"(?<![\w.])cj\.([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?")
PY_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def _names(text: str) -> set[tuple[str, str | None]]:
    return {(m.group(1), m.group(2)) for m in NAME.finditer(text)}


@pytest.mark.parametrize("doc", DOCS)
def test_every_cj_name_is_public_api(root, doc):
    text = (root / doc).read_text(encoding="utf-8")
    names = _names(text)
    assert names, f"{doc} shows no cj.<name> at all"
    unknown = sorted(n for n, _ in names if n not in cj.__all__)
    assert unknown == [], f"{doc} uses names that are not in cj.__all__: {unknown}"
    # a namespace's own names are checked against its public list once it declares one
    for namespace in ("paths", "report"):
        module = importlib.import_module(f"cjkit.{namespace}")
        public = getattr(module, "__all__", None)
        used = sorted(sub for n, sub in names if n == namespace and sub)
        if public is not None:
            assert set(used) <= set(public), f"{doc}: cj.{namespace}.{set(used) - set(public)} not public"


@pytest.mark.parametrize("doc", DOCS)
def test_snippets_parse_and_import_only_the_flat_api(root, doc):
    blocks = PY_BLOCK.findall((root / doc).read_text(encoding="utf-8"))
    assert blocks, f"{doc} has no Python snippet"
    for block in blocks:
        tree = ast.parse(block)  # a snippet researchers copy must at least be valid Python
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("cjkit"), f"{doc}: 'from {node.module} import' in a snippet"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("cjkit"):
                        assert (alias.name, alias.asname) == ("cjkit", "cj"), f"{doc}: import {alias.name}"


def test_german_and_english_guides_teach_the_same_names(root):
    de = _names((root / "docs/guide_de.md").read_text(encoding="utf-8"))
    en = _names((root / "docs/guide_en.md").read_text(encoding="utf-8"))
    assert de == en, {"only in German": de - en, "only in English": en - de}


def test_guides_link_each_other_and_readme_links_both(root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "docs/guide_de.md" in readme and "docs/guide_en.md" in readme
    assert "guide_en.md" in (root / "docs/guide_de.md").read_text(encoding="utf-8")
    assert "guide_de.md" in (root / "docs/guide_en.md").read_text(encoding="utf-8")
