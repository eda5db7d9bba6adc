"""One exception hierarchy: every error xlfuncs raises on purpose is an XlfuncsError."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
import xlwings as xw

import xlfuncs
from xlfuncs._excel import FunctionInputError
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
