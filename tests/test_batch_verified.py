"""Batch workbooks pass the template's own check: every figure equals the Python functions.

The example scenarios are written by ``xlfuncs.generate`` (which fills the
built template rather than building each workbook), recalculated by
LibreOffice, and compared figure by figure with the Python functions on the
inputs each workbook holds, exactly as the template's own tests compare a
fresh build.
"""

from __future__ import annotations

from pathlib import Path

import pytest
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


def test_every_figure_of_the_example_workbooks_equals_the_python_functions(tmp_path):
    require_libreoffice()
    report = xlfuncs.generate(EXAMPLE, tmp_path / "batch")
    assert report.ok and len(report.written) == 5
    cases = []
    for path in report.written:
        values = resolve_inputs("tco_comparison", TCO.INPUTS, inputs_held(path))
        # A fresh build of the same inputs says where each figure lives.
        layout = TCO.build(values, tmp_path / "layout.xlsx")
        cases.append((path, values, layout))
    workbooks = recalculated([path for path, *_ in cases], tmp_path / "recalculated")
    problems = []
    for (path, values, layout), workbook in zip(cases, workbooks, strict=True):
        assert error_cells(workbook) == [], path.name
        found = compare_figures(
            workbook, layout.figures, expected_figures(values)[0], abs_tol=tolerance(values)
        )
        problems += [f"{path.name}: {problem}" for problem in found[:3]]
    assert problems == []
