"""How the modules of xlfuncs and of the test suite depend on each other.

No import cycles, counting imports made inside functions too (a cycle hidden
in a function works until someone moves the import, then fails on start-up);
every module imports on its own in a fresh interpreter; test modules share
helpers through support modules, never by importing one another.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import xlfuncs

PACKAGE = Path(xlfuncs.__file__).parent
TESTS = Path(__file__).parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(name: str, path: Path) -> set[str]:
    """The xlfuncs modules ``name`` imports anywhere in its code (names resolved to modules)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            found.add(source)
            # "from . import templates" names a module, not an attribute
            found.update(f"{source}.{alias.name}" for alias in node.names)
    return {m for m in found if m in MODULES}


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules it imports, leaving out its own parent packages.

    Python imports a module's parent packages before the module itself, so
    importing one (``from .. import __version__``) can never start a cycle.
    """
    graph = {}
    for name, path in MODULES.items():
        parents = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        graph[name] = imported_modules(name, path) - parents - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_graph_sees_imports_inside_functions():
    graph = import_graph()
    # xlfuncs.generate loads the batch only when first used, inside __getattr__
    assert "xlfuncs.batch.run" in graph["xlfuncs"]
    assert "xlfuncs.batch.read.tables" in graph["xlfuncs.batch.read.sources"]


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_every_module_imports_alone_in_a_fresh_interpreter():
    # One interpreter, but every xlfuncs module forgotten before each import:
    # each is imported as if it were the first thing a program imports.
    script = """
import importlib, json, sys, traceback
failed = {}
for name in json.loads(sys.argv[1]):
    for loaded in [m for m in sys.modules if m == "xlfuncs" or m.startswith("xlfuncs.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed[name] = traceback.format_exc(limit=3)
print(json.dumps(failed))
"""
    result = subprocess.run(
        [sys.executable, "-c", script, json.dumps(sorted(MODULES))],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert json.loads(result.stdout.splitlines()[-1]) == {}


def test_test_modules_never_import_each_other():
    # Shared helpers live in support modules (tests/*.py not named test_*).
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name} imports {n}"
                for n in names
                if n.split(".")[-1].startswith("test_") or n.startswith("tests.")
            ]
    assert offenders == []
