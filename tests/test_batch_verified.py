"""Batch workbooks hold what the scenario file says, and every figure equals the Python functions.

The example scenarios are written by ``xlfuncs.generate`` (which fills the
built template rather than building each workbook). The scenario file itself
is the oracle of what goes where: it is read here with a plain YAML parser
and a by-hand mapping (shared keys to their names, the n-th option to letter
A, B, ...; a reference option by name to its letter; "8%" to 0.08), and every
value it gives must be in the workbook's input cell of that name. The
workbooks are then recalculated by LibreOffice and compared figure by figure
with the Python functions, exactly as the template's own tests compare a
fresh build.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from tco_comparison_oracle import expected_figures, tolerance
from template_support import compare_figures, error_cells, recalculated, require_libreoffice

import xlfuncs
from xlfuncs.templates import template
from xlfuncs.templates._workbook import resolve_inputs

pytestmark = pytest.mark.libreoffice

EXAMPLE = Path(xlfuncs.__file__).parent / "batch" / "example_scenarios.yaml"
TCO = template("tco_comparison")


def inputs_held(path: Path) -> dict[str, object]:
    """The input values a workbook holds, read through their workbook-wide names."""
    workbook = load_workbook(path)
    values = {}
    for spec in TCO.INPUTS:
        [(sheet, coordinate)] = workbook.defined_names[spec.name].destinations
        values[spec.name] = workbook[sheet][coordinate.replace("$", "")].value
    return values


def _number(value: object) -> object:
    """A scenario file's number as meant: "8%" is 0.08."""
    if isinstance(value, str) and value.endswith("%"):
        return float(value[:-1]) / 100
    return value


def as_written(path: Path = EXAMPLE) -> list[dict[str, object]]:
    """Each scenario's inputs as the file gives them, by the template's input names."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    scenarios = []
    for item in document["scenarios"]:
        names = [option["name"] for option in item["options"]]
        values: dict[str, object] = {"scenario": item["name"]}
        for key, value in item.items():
            if key not in ("name", "options", "reference_option"):
                values[key] = _number(value)
        reference = item["reference_option"]
        values["reference_option"] = (
            "ABCD"[names.index(reference)] if reference in names else (reference)
        )
        for letter, option in zip("abcd", item["options"], strict=False):
            values |= {f"{letter}_{key}": _number(v) for key, v in option.items()}
            values[f"{letter}_include"] = "Yes"
        for letter in "abcd"[len(names) :]:
            values[f"{letter}_include"] = "No"  # options a scenario does not give are left out
        scenarios.append(values)
    return scenarios


def test_every_value_the_scenario_file_gives_is_in_its_cell(tmp_path):
    report = xlfuncs.generate(EXAMPLE, tmp_path / "batch")
    assert report.ok
    written = as_written()
    assert [path.name for path in report.written] == [f"{v['scenario']}.xlsx" for v in written]
    problems = []
    for path, given in zip(report.written, written, strict=True):
        held = inputs_held(path)
        for name, value in given.items():
            same = held[name] == value or (
                isinstance(value, float) and abs(held[name] - value) <= 1e-12 * abs(value)
            )
            if not same:
                problems.append(f"{path.name} {name}: workbook {held[name]!r}, file {value!r}")
    assert problems == []


def test_every_figure_of_the_example_workbooks_equals_the_python_functions(tmp_path):
    require_libreoffice()
    report = xlfuncs.generate(EXAMPLE, tmp_path / "batch")
    assert report.ok and len(report.written) == 5
    cases = []
    for path, given in zip(report.written, as_written(), strict=True):
        # The file's values over the rest of what the workbook holds (checked above).
        values = resolve_inputs("tco_comparison", TCO.INPUTS, inputs_held(path) | given)
        # A fresh build of the same inputs says where each figure lives.
        layout = TCO.build(values, tmp_path / "layout.xlsx")
        cases.append((path, values, layout))
    workbooks = recalculated([path for path, *_ in cases], tmp_path / "recalculated")
    problems = []
    for (path, values, layout), workbook in zip(cases, workbooks, strict=True):
        assert _unexpected_errors(path, values, layout, workbook) == [], path.name
        # The inputs of an option left out are blank and its own rows say "check
        # input" (tests/test_page_layout.py sees that none of it is shown); the figures
        # of the options given, and the shared ones, are compared with the oracle, fed
        # the template's own inputs where they are blank.
        defaults = {spec.name: spec.default for spec in TCO.INPUTS}
        filled = {k: defaults[k] if v is None else v for k, v in values.items()}
        left_out = {x for x in "ABCD" if values.get(f"{x.lower()}_include") != "Yes"}
        figures = {k: w for k, w in layout.figures.items() if not left_out & set(k.split("."))}
        expected = {k: w for k, w in expected_figures(filled)[0].items() if k in figures}
        found = compare_figures(workbook, figures, expected, abs_tol=tolerance(filled))
        problems += [f"{path.name}: {problem}" for problem in found[:3]]
    assert problems == []


def _unexpected_errors(path, values, layout, workbook) -> list[str]:
    """Error values other than the #N/A drawn as no point: the chart's rows past the
    horizon, and the rows of an option left out (its inputs are blank, so nothing of it
    is worked out)."""
    chart = {f"Calculations!{cell}" for k, (_, cell) in layout.figures.items() if ".chart." in k}
    left_out = [x.lower() for x in "ABCD" if values.get(f"{x.lower()}_include") != "Yes"]
    formulas = load_workbook(path)
    unexpected = []
    for error in error_cells(workbook):
        where, value = error.split(" = ")
        sheet, cell = where.split("!")
        formula = str(formulas[sheet][cell].value)
        of_left_out = any(f"{x}_inputs_ok" in formula for x in left_out)
        if not (value == "#N/A" and (where in chart or of_left_out)):
            unexpected.append(error)
    return unexpected


def test_what_has_no_neutral_default_must_be_given(tmp_path):
    """An option given only its accuracy: each input without a neutral value is named."""
    options = [{"name": "first", "accuracy": 0.9}, {"name": "second", "accuracy": 0.95}]
    case = {"name": "case", "reference_option": "A", "options": options}
    report = xlfuncs.generate([case], tmp_path, summary=False)
    [failure] = report.failures
    assert "the scenario needs tasks_per_month" in failure.reason
    for option in ("first", "second"):
        missing = failure.reason.split(f"option '{option}' needs ")[1].split(", which")[0]
        for key in ("input_tokens", "output_tokens", "cost_per_error", "input_price"):
            assert key in missing
        # Inputs with a neutral value (calls 1, no reasoning tokens, no cache) are not asked for.
        for key in ("calls", "reasoning_tokens", "cached_share", "accuracy"):
            assert key not in missing
    assert not (tmp_path / "case.xlsx").exists()


def test_a_filled_workbook_shows_its_scenario_name(tmp_path):
    report = xlfuncs.generate(EXAMPLE, tmp_path / "batch")
    for path, given in zip(report.written, as_written(), strict=True):
        shown = load_workbook(path, data_only=True)  # the values stored with the formulas
        name = given["scenario"]
        assert shown["About"]["B3"].value == f"Scenario: {name}"
        subtitle = shown["Summary"]["B2"].value
        assert subtitle == f"Scenario: {name}. The inputs are on the Inputs sheet."
        assert "Illustrative" not in subtitle
