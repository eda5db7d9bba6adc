"""The shipped templates with hostile inputs typed in, recalculated by LibreOffice.

Each case types values into the Inputs sheet of a built template, as a user
would (text in a number cell, 0 where 0 is not allowed, TRUE, 95 for 95 %,
an option left out with nonsense in it), and says what the Summary must show:
the Checks banner never becomes an error value and names the first input
that fails; figures computed from a failing input show "check input" rather
than a plausible number; left-out options break nothing.
"""

from __future__ import annotations

import math

import openpyxl
import pytest
from template_support import ERROR_VALUES, recalculated

from xlfuncs.templates import template
from xlfuncs.templates._workbook import DASH, NOT_IN_USE

pytestmark = pytest.mark.libreoffice

CHECK_INPUT = "check input"


def banner_naming(subject: str) -> str:
    return f"A CHECK FAILS: {subject}. See the Checks sheet."


# name -> (template, inputs typed in, expectations: figure or text key -> value, or a
# callable that judges the value).
CASES = {
    # Two included options of one name (in any case): a comparison of them says nothing.
    "two_options_named_alike": (
        "tco_comparison",
        {"a_name": "Same", "c_name": "SAME"},
        {"overall_flag": banner_naming("option names")},
    ),
    # The same name on an option left out of the comparison is no clash.
    "a_left_out_option_named_alike": (
        "tco_comparison",
        {"a_name": "Same", "d_name": "Same", "d_include": "No"},
        {"overall_flag": "All checks pass"},
    ),
    "text_in_accuracy": (
        "tco_comparison",
        {"b_accuracy": "ninety"},
        {
            "overall_flag": banner_naming("Accuracy (option B) must be between 0 and 1"),
            "summary.tco.B": CHECK_INPUT,
            "summary.tco.A": lambda v: isinstance(v, float),  # A does not use B's inputs
            "summary.rank_tco.1": CHECK_INPUT,
            "summary.sentence.B": "Check input: Accuracy (option B) must be between 0 and 1.",
        },
    ),
    "months_zero": (
        "tco_comparison",
        {"months": 0},
        {
            "overall_flag": banner_naming("Horizon must be a whole number from 1 to 60"),
            "summary.tco.A": CHECK_INPUT,
            "calc.volume_factor": CHECK_INPUT,
        },
    ),
    "months_61_is_not_cut_to_60": (
        "tco_comparison",
        {"months": 61},
        {
            "overall_flag": banner_naming("Horizon must be a whole number from 1 to 60"),
            "summary.tco.C": CHECK_INPUT,
            "timeline.cumulative.C.60": "#N/A",  # the chart leaves a gap
        },
    ),
    "utilisation_zero": (
        "tco_comparison",
        {"a_utilization": 0},
        {
            "overall_flag": lambda v: v.startswith("A CHECK FAILS: GPU utilisation (option A)"),
            "summary.tco.A": CHECK_INPUT,
            "summary.tco.B": lambda v: isinstance(v, float),
        },
    ),
    "discount_rate_minus_one": (
        "tco_comparison",
        {"annual_discount_rate": -1},
        {
            "overall_flag": lambda v: v.startswith("A CHECK FAILS: Annual discount rate must"),
            "summary.tco.D": CHECK_INPUT,
        },
    ),
    "accuracy_typed_as_95": (
        "tco_comparison",
        {"b_accuracy": 95},
        {
            "overall_flag": banner_naming("Accuracy (option B) must be between 0 and 1"),
            "calc.tco.B": CHECK_INPUT,
            "summary.breakeven_accuracy.B": CHECK_INPUT,
            "summary.sentence.B": lambda v: v.startswith("Check input:"),
        },
    ),
    "left_out_option_with_utilisation_zero": (
        "tco_comparison",
        {"a_include": "No", "a_utilization": 0, "a_accuracy": "n/a"},
        {
            "overall_flag": "All checks pass",
            "summary.rank_option.1": lambda v: v in ("B", "C", "D"),
            "summary.rank_tco.3": lambda v: isinstance(v, float),
            "summary.rank_tco.4": "",
            "calc.rank.A": "left out",
            "summary.sentence.A": "",
            "summary.left_out": lambda v: v.startswith("Left out of the comparison"),
        },
    ),
    "true_in_a_number_cell": (
        "tco_comparison",
        {"b_calls": True},
        {
            "overall_flag": lambda v: v.startswith(
                "A CHECK FAILS: Model calls per task (option B)"
            ),
            "summary.tco.B": CHECK_INPUT,
        },
    ),
    "numeric_option_name": (
        "tco_comparison",
        {"b_name": 2024},
        {
            "overall_flag": "All checks pass",
            "summary.sentence.B": lambda v: v.startswith("2024 "),
        },
    ),
    "breakeven_accuracy_95": (
        "breakeven_accuracy",
        {"efficient_accuracy": 95},
        {
            "overall_flag": banner_naming("Efficient model: accuracy must be between 0 and 1"),
            "summary.breakeven_accuracy": CHECK_INPUT,
            "summary.table.1.1": CHECK_INPUT,
            "summary.sentence.accuracy": lambda v: v.startswith("Check input:"),
        },
    ),
    "breakeven_true_cost_per_error": (
        "breakeven_accuracy",
        {"cost_per_error": True},
        {"overall_flag": lambda v: v.startswith("A CHECK FAILS: Cost of one error must")},
    ),
    "margin_far_zero_year_passes": (
        "margin_trap",
        {
            "c_price": 0.03,
            "c_cost": 0.012,
            "c_annual_price_change": 0.1,
            "c_annual_cost_change": 0.105,
        },
        {
            "overall_flag": "All checks pass",
            # ln(0.4) / ln(1.1 / 1.105), by hand: 202.04 years.
            "summary.years_to_zero.C": lambda v: math.isclose(v, 202.0429, rel_tol=1e-5),
        },
    ),
    "margin_text_price": (
        "margin_trap",
        {"e_price": "ten"},
        {
            "overall_flag": lambda v: v.startswith(
                "A CHECK FAILS: Price per task today (strategy E)"
            ),
            "summary.margin_today.E": CHECK_INPUT,
            "summary.margin_today.C": lambda v: isinstance(v, float),
            "timeline.margin.E.3": "#N/A",
        },
    ),
    "thinking_accuracy_typed_as_99": (
        "test_time_compute",
        {"t_accuracy": 99},
        {
            "overall_flag": lambda v: v.startswith("A CHECK FAILS: Accuracy (model T)"),
            "summary.net_value.T": CHECK_INPUT,
            "summary.breakeven_error_cost": CHECK_INPUT,
            "summary.sentence.value": lambda v: v.startswith("Check input:"),
        },
    ),
    "scaffolding_discount_minus_one": (
        "scaffolding_build_vs_buy",
        {"annual_discount_rate": -1},
        {
            "overall_flag": lambda v: v.startswith("A CHECK FAILS: Annual discount rate must"),
            "summary.small_tco": CHECK_INPUT,
            "summary.sentence.tco": lambda v: v.startswith("Check input:"),
        },
    ),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Every case typed into a fresh build and recalculated in one LibreOffice run."""
    folder = tmp_path_factory.mktemp("hostile")
    built = {}
    paths = []
    for case, (name, typed, _) in CASES.items():
        path = folder / f"{case}.xlsx"
        book = template(name).build({}, path)
        workbook = openpyxl.load_workbook(path)
        for input_name, value in typed.items():
            cell = workbook["Inputs"][book.input_cells[input_name]]
            cell.value = value
            if isinstance(value, bool):
                # Typing TRUE gives the cell the boolean format in LibreOffice, whatever its
                # format was (Excel keeps a boolean apart from numbers in any format).
                cell.number_format = "General"
        workbook.save(path)
        built[case] = book
        paths.append(path)
    workbooks = recalculated(paths, folder / "recalculated")
    return {case: (built[case], wb) for case, wb in zip(CASES, workbooks, strict=True)}


def _where(book, key: str) -> tuple[str, str]:
    return book.figures.get(key) or book.texts[key]


@pytest.mark.parametrize("case", list(CASES))
def test_summary_shows_what_a_user_needs(results, case):
    book, workbook = results[case]
    problems = []
    for key, want in CASES[case][2].items():
        sheet, cell = _where(book, key)
        got = workbook[sheet][cell].value
        got = "" if got is None else got
        ok = want(got) if callable(want) else got == want
        if not ok:
            problems.append(f"{key} at {sheet}!{cell}: {got!r}")
    assert problems == []


@pytest.mark.parametrize("case", list(CASES))
def test_summary_and_checks_never_show_an_error_value(results, case):
    _, workbook = results[case]
    found = [
        f"{name}!{cell.coordinate} = {cell.value}"
        for name in ("Summary", "Checks")
        for row in workbook[name].iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(ERROR_VALUES)
    ]
    assert found == []


def test_the_checks_of_an_option_left_out_show_no_result(results):
    """Option A left out (with a utilisation of 0 and text for its accuracy): its rows on
    Checks say "not in use" and show dashes, as LibreOffice recalculates them, and the
    overall check passes over them; the other options' rows show TRUE."""
    book, workbook = results["left_out_option_with_utilisation_zero"]
    checks = workbook["Checks"]
    of_a = {key: where for key, where in book.check_cells.items() if key.endswith(".A")}
    assert len(of_a) > 25  # an input check per input of A (C, D, E), and A's own checks
    shown = {checks[cell].value for _, cell in of_a.values()}
    assert shown == {NOT_IN_USE, DASH}
    of_b = [cell for key, (_, cell) in book.check_cells.items() if key.endswith(".B")]
    assert {checks[cell].value for cell in of_b if cell.startswith("C")} == {True}
    assert checks["C4"].value is True
