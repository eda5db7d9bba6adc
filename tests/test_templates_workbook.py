"""What every template workbook must be, checked on the built files (no spreadsheet engine)."""

from __future__ import annotations

import io
import math
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

import xlfuncs
from xlfuncs import InputError
from xlfuncs._currency import in_currency
from xlfuncs.cli import main
from xlfuncs.templates import RISK_TEMPLATES, TEMPLATE_NAMES, build_all, template
from xlfuncs.templates._risk import RISK_SHEET
from xlfuncs.templates._workbook import DASH, NOT_IN_USE, SHEETS, resolve_inputs

ROOT = Path(__file__).resolve().parent.parent
#: Functions that older Excel, LibreOffice 7.4 or Google Sheets lack, or that need a prefix.
NOT_CLASSIC = re.compile(
    r"\b(XLOOKUP|XMATCH|LET|LAMBDA|FILTER|SORT|SORTBY|UNIQUE|SEQUENCE|RANDARRAY|IFS|SWITCH|"
    r"MAXIFS|MINIFS|CONCAT|TEXTJOIN|IFNA)\b\s*[(.]?",
    re.IGNORECASE,
)
#: The 2010 functions a Risk sheet may use, written with their prefix as SPEC allows.
PREFIXED = {"_xlfn.BETA.INV", "_xlfn.NORM.S.INV", "_xlfn.NORM.S.DIST"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("built")
    return {path.stem: path for path in build_all(folder)}


def test_building_twice_gives_identical_bytes(built, tmp_path):
    again = build_all(tmp_path)
    for path in again:
        assert path.read_bytes() == built[path.stem].read_bytes(), path.name


#: The one part of a workbook that names the version of the library that wrote
#: it (openpyxl's AppVersion): it differs between openpyxl releases that write
#: the same workbook, so comparisons across installations leave it out.
WRITER_VERSION_PARTS = {"docProps/app.xml"}


# A number stored with a formula, in a worksheet part (cells without t= hold numbers).
_STORED_NUMBER = re.compile(
    rb"(<c r=\"[A-Z]+[0-9]+\"(?: s=\"[0-9]+\")?><f>.*?</f><v>)([^<]*)(</v>)"
)


def workbook_parts(data: bytes) -> dict[str, bytes]:
    """A workbook's parts by name, without the part that names the writing library's version.

    The numbers stored with formulas are masked: :func:`stored_numbers` gives them,
    to be compared with a tolerance.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: _STORED_NUMBER.sub(rb"\1#\3", archive.read(name))
            for name in archive.namelist()
            if name not in WRITER_VERSION_PARTS
        }


def stored_numbers(data: bytes) -> dict[str, list[float]]:
    """The numbers stored with formulas, by part, in the order of the cells."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: [float(m.group(2)) for m in _STORED_NUMBER.finditer(archive.read(name))]
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        }


def assert_same_workbook(got: bytes, expected: bytes, what: str) -> None:
    """Every part equal, and every stored number equal but perhaps for its last digits.

    A stored number is its formula's value, written so that it reads back
    exactly. Powers such as ``(1 + r) ^ m`` may differ in their last bit
    between numpy releases or processors, which changes the last digits of
    the text; a difference beyond the 14th significant digit is a real change.
    """
    assert workbook_parts(got) == workbook_parts(expected), f"{what} differs"
    for part, numbers in stored_numbers(expected).items():
        others = stored_numbers(got)[part]
        assert len(others) == len(numbers), f"{what}: {part}"
        for value, other in zip(others, numbers, strict=True):
            assert math.isclose(value, other, rel_tol=2e-14, abs_tol=1e-300), (
                f"{what}: {part} stores {value!r} where {other!r} was expected"
            )


def test_committed_templates_equal_a_fresh_build(built):
    # templates/ is what users download; rebuild with build/build_templates.py.
    # Built with another openpyxl release, only docProps/app.xml may differ.
    for path in built.values():
        committed = ROOT / "templates" / path.name
        assert_same_workbook(
            path.read_bytes(), committed.read_bytes(), f"templates/{path.name} (stale?)"
        )


def test_comparing_stored_numbers_allows_only_the_15th_digit(built):
    data = built["tco_comparison"].read_bytes()
    numbers = stored_numbers(data)["xl/worksheets/sheet3.xml"]
    assert len(numbers) > 100  # the Calculations sheet stores its figures

    def restored(old: bytes, new: bytes) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
            for name in source.namelist():
                part = source.read(name)
                if name == "xl/worksheets/sheet3.xml":
                    assert old in part
                    part = part.replace(old, new, 1)
                target.writestr(name, part)
        return out.getvalue()

    # One unit in the 15th digit, as a build with numpy 1.24 stores some powers: the same.
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet3.xml")
    cell = _STORED_NUMBER.search(sheet, sheet.index(b'<c r="E45"'))
    value = float(cell.group(2))
    assert_same_workbook(data, data, "itself")

    def storing(number: float) -> bytes:
        return restored(cell.group(0), cell.group(1) + f"{number:.15g}".encode() + b"</v>")

    assert_same_workbook(storing(value * (1 + 5e-15)), data, "a last-digit difference")
    with pytest.raises(AssertionError, match="stores"):
        assert_same_workbook(storing(value * (1 + 1e-12)), data, "a real change")


def test_comparing_by_parts_ignores_only_the_writers_version(built):
    data = built["margin_trap"].read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert set(names) & WRITER_VERSION_PARTS == WRITER_VERSION_PARTS
        assert "<AppVersion>" in archive.read("docProps/app.xml").decode()

    def rewritten(changed_part: str) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
            for name in names:
                part = source.read(name)
                target.writestr(name, part + b" " if name == changed_part else part)
        return out.getvalue()

    assert workbook_parts(rewritten("docProps/app.xml")) == workbook_parts(data)
    assert workbook_parts(rewritten("xl/workbook.xml")) != workbook_parts(data)


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_sheets_protection_and_calculation_on_load(built, name):
    wb = openpyxl.load_workbook(built[name])
    # The five sheets in their order; a template that simulates has its Risk sheet after Summary.
    expected = SHEETS if name not in RISK_TEMPLATES else (*SHEETS[:4], RISK_SHEET, *SHEETS[4:])
    assert tuple(wb.sheetnames) == expected
    for ws in wb.worksheets:
        assert ws.protection.sheet, f"{ws.title} is not protected"
        assert not ws.protection.password, f"{ws.title} has a password"
        assert ws.freeze_panes, f"{ws.title} has no frozen panes"
        assert ws.page_setup.orientation == "landscape"
        if not ws.sheet_properties.pageSetUpPr.fitToPage:  # blocks of months
            assert ws.title == "Calculations"
            assert ws.page_setup.scale >= 75 and ws.print_title_cols == "$A:$D"
        else:  # one page wide
            assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert wb.calculation.fullCalcOnLoad
    with zipfile.ZipFile(built[name]) as archive:
        core = archive.read("docProps/core.xml").decode()
    assert "2025-01-01T00:00:00Z" in core  # fixed timestamps, for identical rebuilds


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_input_is_named_unlocked_validated_and_explained(built, name):
    module = template(name)
    wb = openpyxl.load_workbook(built[name])
    inputs = wb["Inputs"]
    validated = {
        str(cell): dv for dv in inputs.data_validations.dataValidation for cell in dv.sqref.ranges
    }
    for spec in module.INPUTS:
        name_ = wb.defined_names.get(spec.name)
        assert name_ is not None, f"{spec.name} has no workbook-scoped name"
        sheet, coordinate = next(iter(name_.destinations))
        assert sheet == "Inputs"
        cell = inputs[coordinate.replace("$", "")]
        # Units and notes name the workbook's currency where the declaration has its sign.
        unit, description = in_currency(spec.unit, "USD"), in_currency(spec.description, "USD")
        assert inputs.cell(cell.row, 3).value == unit  # unit in its own column
        assert inputs.cell(cell.row, 8).value == description  # the note
        if spec.fixed:  # fixed when the workbook is written (currency, trials), shown locked
            assert cell.protection.locked and cell.value == spec.default, spec.name
            assert cell.coordinate not in validated
            continue
        assert cell.protection.locked is False, spec.name
        assert cell.fill.fgColor.rgb.endswith("FFF2CC"), spec.name  # the one input style
        dv = validated[cell.coordinate]
        assert dv.showInputMessage and dv.prompt.startswith(description[:40])
        if spec.rule is not None:
            assert dv.showErrorMessage and dv.type in ("decimal", "whole", "custom")
    for ws in wb.worksheets:
        if ws.title != "Inputs":
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.protection.locked, f"{ws.title}!{cell.coordinate} is unlocked"
    assert not any(ws.defined_names for ws in wb.worksheets)  # no sheet-scoped names


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_formulas_use_classic_functions_and_names(built, name):
    wb = openpyxl.load_workbook(built[name])
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert not NOT_CLASSIC.search(cell.value), f"{ws.title}!{cell.coordinate}"
                    prefixed = set(re.findall(r"_xlfn\.[A-Z.]+(?=\()", cell.value))
                    assert prefixed <= (PREFIXED if ws.title == RISK_SHEET else set()), (
                        f"{ws.title}!{cell.coordinate}: {prefixed}"
                    )
                    # Inputs are reached by name, never by their cell address.
                    assert "Inputs!" not in cell.value, f"{ws.title}!{cell.coordinate}"


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_summary_shows_the_overall_check_flag(built, name):
    wb = openpyxl.load_workbook(built[name])
    assert wb["Summary"]["C4"].value.startswith("=IF(all_checks_pass,")


def test_user_text_that_looks_like_a_formula_stays_text(tmp_path):
    names = {"a_name": "=HYPERLINK(1)", "b_name": "+1", "c_name": "-2", "d_name": "@SUM(A1)"}
    template("tco_comparison").build(names, tmp_path / "tco.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "tco.xlsx")
    cells = [
        wb["Inputs"][str(wb.defined_names[n].attr_text.split("!")[1]).replace("$", "")]
        for n in names
    ]
    for cell, text in zip(cells, names.values(), strict=True):
        assert cell.data_type == "s" and cell.value == text


def test_bad_inputs_are_refused_with_a_plain_message():
    with pytest.raises(
        InputError,
        match=r"tco_comparison: b_accuracy must be between 0 and 1, "
        r"got 95 \(enter 95% or 0.95\)",
    ):
        resolve_inputs("tco_comparison", template("tco_comparison").INPUTS, {"b_accuracy": 95})
    with pytest.raises(InputError, match="unknown input 'tasks'"):
        resolve_inputs("tco_comparison", template("tco_comparison").INPUTS, {"tasks": 1})
    with pytest.raises(InputError, match="months must be a whole number from 1 to 60"):
        template("tco_comparison").build({"months": 61}, "never-written.xlsx")
    with pytest.raises(InputError, match="pricing must be one of API, Self-hosted"):
        resolve_inputs("tco_comparison", template("tco_comparison").INPUTS, {"a_pricing": "Cloud"})
    assert not Path("never-written.xlsx").exists()


def test_excel_functions_do_not_load_openpyxl():
    code = "import sys, xlfuncs, xlfuncs.udfs, xlfuncs.cli; print('openpyxl' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_cli_writes_templates_and_keeps_existing_files(tmp_path, capsys):
    assert main(["templates", "--out", str(tmp_path), "margin_trap"]) == 0
    written = tmp_path / "margin_trap.xlsx"
    committed = (ROOT / "templates" / "margin_trap.xlsx").read_bytes()
    assert_same_workbook(written.read_bytes(), committed, "the written margin_trap.xlsx")
    written.write_bytes(b"my own edits")
    assert main(["templates", "--out", str(tmp_path), "margin_trap"]) == 1
    assert written.read_bytes() == b"my own edits"
    assert "use --overwrite" in capsys.readouterr().err
    assert main(["templates", "--out", str(tmp_path), "--overwrite", "margin_trap"]) == 0
    assert written.read_bytes() != b"my own edits"
    assert main(["templates", "--out", str(tmp_path), "no_such"]) == 2
    assert main(["templates", "--out", str(tmp_path / "all")]) == 0
    assert sorted(p.stem for p in (tmp_path / "all").iterdir()) == sorted(TEMPLATE_NAMES)
    # Run again on a complete folder: nothing written, exit 1, as the README says.
    capsys.readouterr()
    assert main(["templates", "--out", str(tmp_path / "all")]) == 1
    assert capsys.readouterr().out == ""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Run again on a complete folder, the\ncommand writes nothing and exits with 1." in readme
    for code in ("**0** when every workbook", "**1** when at least", "**2** for an unknown"):
        assert code in readme.replace("\n", " ")


def test_the_checks_of_options_a_scenario_does_not_give_store_no_result(tmp_path):
    """Two options given: the rows of options C and D on Checks store "not in use" and
    dashes (the evaluator's values), never TRUE or FALSE; the overall check passes."""
    option = {"input_tokens": 1000, "output_tokens": 200, "cost_per_error": 5}
    scenario = {
        "name": "two options",
        "tasks_per_month": 1000,
        "options": [
            option | {"name": "X", "input_price": 1, "output_price": 4, "accuracy": 0.9},
            option | {"name": "Y", "input_price": 2, "output_price": 8, "accuracy": 0.95},
        ],
    }
    report = xlfuncs.generate([scenario], tmp_path, summary=False)
    assert report.ok, [str(f) for f in report.failures]
    checks = openpyxl.load_workbook(report.written[0], data_only=True)["Checks"]
    book = template("tco_comparison").build({}, tmp_path / "places.xlsx")
    # Keys "checks.{cell}.{letter}": the cells of one option's checks.
    of = {x: [key.split(".")[1] for key in book.check_cells if key.endswith(x)] for x in "ABCD"}
    for letter in "CD":
        assert {checks[cell].value for cell in of[letter]} == {NOT_IN_USE, DASH}
    results = [cell for cell in of["A"] + of["B"] if cell.startswith("C")]
    assert {checks[cell].value for cell in results} == {True}
    assert checks["C4"].value is True
