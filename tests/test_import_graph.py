"""The import graph of cjkit: no cycles, and imports inside functions only where the allowlist says why.

Every module under ``cjkit/`` is parsed with ``ast`` (nothing is imported), so the test sees
function-level imports too, which a runtime check of ``sys.modules`` would miss until the
function runs. An edge ``a -> b`` means module ``a`` imports module ``b``; relative imports
are resolved, ``from pkg import name`` points at ``pkg.name`` when that is a module and at
``pkg`` otherwise. The implicit import of parent packages (importing ``cjkit.stats.metrics``
runs ``cjkit/stats/__init__.py``) is not an edge: every module would otherwise depend on
``cjkit`` and the graph would only show that. Imports under ``if TYPE_CHECKING:`` never run
and are left out.
"""
from __future__ import annotations

import ast
from pathlib import Path

import cjkit

ROOT = Path(cjkit.__file__).parent

# (importing module, imported module) pairs allowed inside a function, and why. Keep it short:
# a function-level import hides a dependency from the reader and from this graph's cycle check.
# Function-level imports of cjkit modules; none remains (optional heavy third-party libraries may
# still be imported inside the functions that need them).
FUNCTION_LEVEL_ALLOWED: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.Module):
    """(node, in_function) for every import statement that can run."""
    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    yield from walk(ast.Module(body=[sub], type_ignores=[]), in_function)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, in_function
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            yield from walk(child, inner)
    yield from walk(tree, False)


def _targets(node, module: str, is_package: bool, known: set[str]) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in known]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[:len(base) - (node.level - 1)]
        source = ".".join([*base, *([node.module] if node.module else [])])
    else:
        source = node.module or ""
    out = []
    for alias in node.names:
        sub = f"{source}.{alias.name}"
        if sub in known:
            out.append(sub)
        elif source in known:
            out.append(source)
    return out


def import_graph() -> tuple[dict[str, set[str]], set[tuple[str, str]]]:
    """Edges per module (module- and function-level) and the function-level pairs."""
    mods = _modules()
    known = set(mods)
    edges: dict[str, set[str]] = {m: set() for m in mods}
    in_functions: set[tuple[str, str]] = set()
    for module, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, in_function in _imports(tree):
            for target in _targets(node, module, path.name == "__init__.py", known):
                if target == module or module.startswith(target + "."):
                    continue  # a package's own parents are imported implicitly anyway
                edges[module].add(target)
                if in_function:
                    in_functions.add((module, target))
    return edges, in_functions


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1 = on the DFS stack, 2 = done
    stack: list[str] = []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for t in sorted(edges.get(m, ())):
            if state.get(t) == 1:
                return stack[stack.index(t):] + [t]
            if t not in state:
                found = visit(t)
                if found:
                    return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(edges):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def test_graph_sees_the_package():
    edges, _ = import_graph()
    # a few edges known from the code: guards against a parser that silently finds nothing
    assert "cjkit.stats.metrics" in edges["cjkit.stats.compare"]
    assert "cjkit.report.study" in edges["cjkit.report.sections.base"]
    assert "cjkit.catalog.models" in edges["cjkit.plot.journeymap"]


def test_find_cycle_on_a_known_graph():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle():
    edges, _ = import_graph()
    cycle = find_cycle(edges)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_function_level_imports_only_on_the_allowlist():
    _, in_functions = import_graph()
    unexpected = sorted(in_functions - FUNCTION_LEVEL_ALLOWED)
    assert not unexpected, "function-level imports of cjkit modules (move them to the top of the module, " \
        "or allow-list them with the reason): " + ", ".join(f"{a} -> {b}" for a, b in unexpected)
    stale = sorted(FUNCTION_LEVEL_ALLOWED - in_functions)
    assert not stale, "allowlist entries that no longer exist: " + ", ".join(f"{a} -> {b}" for a, b in stale)
