"""How the modules of xlfuncs and of the test suite depend on each other.

No import cycles, counting imports made inside functions too (a cycle hidden
in a function works until someone moves the import, then fails on start-up);
every module imports on its own in a fresh interpreter; test modules share
helpers through support modules, never by importing one another.

The layers, each importing only its own and those below it: the core (the
numeric functions, the Excel layer, errors, shared file helpers), the
formula evaluator (``xlfuncs.formulas``), the templates, the batch, the
sweep (built on the batch), and the command line. One home for each thing: every exception class in
``_errors.py``, no two modules and no two classes with the same name.
"""

from __future__ import annotations
import __future__

import ast
import collections
import importlib
import inspect
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
    importing one (``from .. import templates``) can never start a cycle.
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


# Layers ----------------------------------------------------------------------

#: The layers from the bottom: a module imports only its own layer and those below.
LAYERS = ("core", "formulas", "templates", "batch", "sweep", "cli")


def layer(name: str) -> str:
    """The layer of an xlfuncs module (the package face ``xlfuncs`` has none)."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else "core"


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    return [
        f"{module} ({layer(module)}) imports {target} ({layer(target)})"
        for module, targets in sorted(graph.items())
        if module != "xlfuncs"  # the face loads the batch on first use of generate
        for target in sorted(targets)
        if LAYERS.index(layer(target)) > LAYERS.index(layer(module))
    ]


def test_the_layer_check_sees_an_import_upwards():
    assert layer("xlfuncs._tco") == layer("xlfuncs._files.limits") == "core"
    assert layer("xlfuncs.formulas.parser") == "formulas"
    assert layer("xlfuncs.sweep.stream") == "sweep"
    graph = {"xlfuncs.formulas.values": {"xlfuncs.templates._workbook", "xlfuncs._errors"}}
    assert layer_violations(graph) == [
        "xlfuncs.formulas.values (formulas) imports xlfuncs.templates._workbook (templates)"
    ]


def test_each_layer_imports_only_its_own_and_those_below():
    # The evaluator knows nothing of templates, batch or command line; the
    # core nothing of any of them; the templates nothing of the batch; the
    # batch nothing of the sweep built on it.
    assert layer_violations(import_graph()) == []


def test_no_module_takes_names_from_the_package_face():
    # The face (xlfuncs/__init__.py) imports the numeric core and loads the
    # batch on demand: a module importing a name from it (as the version once
    # was) ties itself to all of that. Submodules may be named through it.
    offenders = []
    for name, path in MODULES.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            source = ".".join([*base, *([node.module] if node.module else [])])
            source = source if node.level else node.module
            if source == "xlfuncs" and name != "xlfuncs":
                offenders += [
                    f"{name}: {alias.name}"
                    for alias in node.names
                    if f"xlfuncs.{alias.name}" not in MODULES
                ]
    assert offenders == []


# One home for each thing -------------------------------------------------------


def test_every_exception_class_is_defined_in_errors():
    # The one exception that cannot live there: it must also be an xlwings
    # error, and xlwings is an optional package that _errors.py never imports.
    adapters = {"xlfuncs._excel.FunctionInputError"}
    found = set()
    for name in MODULES:
        if name.endswith("__main__"):
            continue
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__.startswith("xlfuncs")
            ):
                found.add(f"{value.__module__}.{value.__qualname__}")
    elsewhere = sorted(c for c in found if not c.startswith("xlfuncs._errors."))
    assert elsewhere == sorted(adapters)
    errors = importlib.import_module("xlfuncs._errors")
    assert {c.rpartition(".")[2] for c in found if c.startswith("xlfuncs._errors.")} == set(
        errors.__all__
    )


def test_every_exception_class_is_in_the_documented_tree():
    errors = importlib.import_module("xlfuncs._errors")
    tree = errors.__doc__.split("::", 1)[1]
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    for name in errors.__all__:
        assert f" {name} " in tree or f" {name}\n" in tree, name
        assert name in readme, name


def test_no_two_modules_share_a_name():
    # A leading underscore does not tell two modules apart for a reader.
    names = collections.defaultdict(list)
    for name in MODULES:
        leaf = name.rpartition(".")[2]
        if leaf != "__main__":
            names[leaf.lstrip("_")].append(name)
    assert {leaf: found for leaf, found in names.items() if len(found) > 1} == {}


def test_no_two_classes_share_a_name():
    names = collections.defaultdict(list)
    for name, path in MODULES.items():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                names[node.name.lstrip("_")].append(name)
    assert {cls: found for cls, found in names.items() if len(found) > 1} == {}


def test_the_evaluators_all_lists_its_public_names():
    formulas = importlib.import_module("xlfuncs.formulas")
    public = {
        name
        for name, value in vars(formulas).items()
        if not name.startswith("_")
        and not inspect.ismodule(value)
        and not isinstance(value, __future__._Feature)
    }
    assert sorted(formulas.__all__) == sorted(public)
    calculator = importlib.import_module("xlfuncs.formulas.calculator")
    assert set(calculator.__all__) <= set(formulas.__all__)


# The route of a scenario file --------------------------------------------------

_YAML = """scenarios:
  - name: Support desk
    tasks_per_month: 20000
    options:
      - name: Efficient model
        accuracy: 95%
        cost_per_error: 10
        input_tokens: 2000
        output_tokens: 300
        input_price: 0.15
        output_price: 0.6
      - name: Frontier model
        accuracy: 0.99
        cost_per_error: 10
        input_tokens: 2000
        output_tokens: 300
        input_price: 2.5
        output_price: 10
"""
_CSV = (
    "scenario,option,tasks_per_month,accuracy,cost_per_error,input_tokens,output_tokens,"
    "input_price,output_price\n"
    "Support desk,Efficient model,20000,95%,10,2000,300,0.15,0.6\n"
    "Support desk,Frontier model,20000,0.99,10,2000,300,2.5,10\n"
)


def reading_calls(path: Path) -> tuple[set[tuple[str, str]], list[str]]:
    """The calls between reader modules while a file is read, and those into a caller."""
    from xlfuncs.batch.read.sources import read_scenarios
    from xlfuncs.batch.template import Layout, resolve_template

    reader = ("xlfuncs.batch.read.", "xlfuncs._files.")
    stack: list[str | None] = []
    edges: set[tuple[str, str]] = set()
    back: list[str] = []

    def profile(frame, event, arg):
        name = frame.f_globals.get("__name__", "")
        module = name if name.startswith(reader) else None
        if event == "call":
            caller = next((m for m in reversed(stack) if m), None)
            if module and caller and module != caller:
                edges.add((caller, module))
                if module in stack:
                    back.append(f"{caller} calls back {module}.{frame.f_code.co_name}")
            stack.append(module)
        elif event == "return" and stack:
            stack.pop()

    layout = Layout.of(resolve_template("tco_comparison"))
    sys.setprofile(profile)
    try:
        items = list(read_scenarios(path, layout))
    finally:
        sys.setprofile(None)
    assert [type(item).__name__ for item in items] == ["Scenario"]
    return edges, back


def test_the_route_check_sees_a_cycle():
    assert cycles({"a": {"b"}, "b": {"a"}}) == [["a", "b"]]


def test_reading_a_scenario_file_goes_one_way_through_the_reader(tmp_path):
    # One pass: each reader module hands on to the next, and none calls back
    # into a module that called it (no locate or where callbacks); the
    # shared file helpers in xlfuncs._files call no reader module.
    for name, text in (("cases.yaml", _YAML), ("cases.csv", _CSV)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        edges, back = reading_calls(path)
        assert back == [], name
        graph: dict[str, set[str]] = {}
        for caller, callee in edges:
            graph.setdefault(caller, set()).add(callee)
            graph.setdefault(callee, set())
        assert cycles(graph) == [], name
        assert [e for e in edges if e[0].startswith("xlfuncs._files.") and "batch" in e[1]] == []
