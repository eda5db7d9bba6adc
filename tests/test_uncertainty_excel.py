"""TCO_SIM and PROB_CHEAPER called the way Excel calls them: xlwings' Office.js path.

Blocks are sent as Office.js sends a range: a list of rows with names, numbers
and "" for an empty cell; a one-row range arrives flat (xlwings' doing), a
single cell as a plain value. Expected numbers come from the Python functions
called in this process with the same block as a mapping: the Excel layer must
add nothing to the figures.
"""

from __future__ import annotations

import pytest
import reference_models
from excel_host import OMIT, ExcelFunctionError

import xlfuncs
from xlfuncs import udfs

#: A block as a finance user lays it out: a heading, fixed rows with two
#: blank cells, a blank spacer row, and an optional argument left blank.
SHEET_BLOCK = [
    ["Parameter", "Low", "Most likely", "High"],
    ["tasks_per_month", 800, 1000, 1500],
    ["cost_per_task", 0.012, "", ""],
    ["", "", "", ""],
    ["Accuracy", 0.9, 0.95, 0.97],
    ["cost_per_error", 1, 2, 10],
    ["months", 36, "", ""],
    ["upfront", "", "", ""],
]
SAME_BLOCK = {
    "tasks_per_month": (800, 1000, 1500),
    "cost_per_task": 0.012,
    "accuracy": (0.9, 0.95, 0.97),
    "cost_per_error": (1, 2, 10),
    "months": 36,
}
FIXED_ROWS = [
    ["tasks_per_month", 1000],
    ["cost_per_task", 0.01],
    ["accuracy", 0.95],
    ["cost_per_error", 2],
]


def error_cell(text: str) -> dict:
    return {"type": "Error", "basicValue": text, "errorType": "NotAvailable"}


def excel_error(call) -> ExcelFunctionError:
    with pytest.raises(ExcelFunctionError) as caught:
        call()
    assert caught.value.is_xlwings_error  # shown as #VALUE! with the message, no traceback
    assert "Traceback" not in caught.value.message
    return caught.value


# --- TCO_SIM --------------------------------------------------------------------------------


def test_tco_sim_spills_the_default_percentiles_across_a_row(excel):
    expected = xlfuncs.tco_sim(SAME_BLOCK).tolist()
    assert excel.call("TCO_SIM", SHEET_BLOCK) == [expected]


def test_tco_sim_takes_percentiles_trials_and_seed_from_cells(excel):
    column = [[0.05], [0.5], [0.95]]
    expected = xlfuncs.tco_sim(SAME_BLOCK, [0.05, 0.5, 0.95], 2_000, 7).tolist()
    assert excel.call("TCO_SIM", SHEET_BLOCK, column, 2_000, 7) == [expected]
    # A one-row range of percentiles arrives flat; still one row of results.
    assert excel.call("TCO_SIM", SHEET_BLOCK, [[0.05, 0.5, 0.95]], 2_000, 7) == [expected]


def test_one_percentile_gives_one_cell(excel):
    assert excel.call("TCO_SIM", SHEET_BLOCK, 0.5) == [[xlfuncs.tco_sim(SAME_BLOCK, 0.5)]]


@pytest.mark.parametrize("blank", [OMIT, [[""]], [[None]]])
def test_blank_settings_mean_the_defaults(excel, blank):
    expected = [xlfuncs.tco_sim(SAME_BLOCK).tolist()]
    assert excel.call("TCO_SIM", SHEET_BLOCK, blank, blank, blank) == expected


def test_a_two_column_block_of_fixed_values_gives_tco(excel):
    # Every percentile of fixed inputs is TCO itself: 12 * 1000 * (0.01 + 0.05 * 2) = 1320.
    [row] = excel.call("TCO_SIM", FIXED_ROWS)
    assert row == [row[0]] * 3
    assert row[0] == pytest.approx(reference_models.tco(1000, 0.01, 0.95, 2), rel=1e-12)
    assert row[0] == pytest.approx(1320.0, rel=1e-12)


def test_a_cell_formatted_as_currency_counts_as_its_number(excel):
    money = {"type": "FormattedNumber", "basicValue": 2, "numberFormat": "$#,##0.00"}
    rows = [*FIXED_ROWS[:3], ["cost_per_error", money]]
    assert excel.call("TCO_SIM", rows) == excel.call("TCO_SIM", FIXED_ROWS)


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            [*SHEET_BLOCK, ["acuracy", 0.9, "", ""]],
            "TCO_SIM: option_block row 9: unknown name 'acuracy' (did you mean accuracy?);",
        ),
        (
            [*SHEET_BLOCK, ["accuracy", 0.9, "", ""]],
            "TCO_SIM: option_block row 9: accuracy is given twice (row 5 and row 9)",
        ),
        (
            [row if row[0] != "Accuracy" else ["Accuracy", 0.9, 0.95, 1.2] for row in SHEET_BLOCK],
            "TCO_SIM: option_block row 5: accuracy high must be between 0 and 1, got 1.2",
        ),
        (
            [row if row[0] != "Accuracy" else ["Accuracy", 0.9, "", 0.97] for row in SHEET_BLOCK],
            "TCO_SIM: option_block row 5: the accuracy most likely value is blank;",
        ),
        (
            [
                row if row[0] != "Accuracy" else ["Accuracy", 0.96, 0.95, 0.97]
                for row in SHEET_BLOCK
            ],
            "TCO_SIM: option_block row 5: accuracy low 0.96 is above most likely 0.95",
        ),
        (
            [row[:3] for row in SHEET_BLOCK],
            "TCO_SIM: option_block must have 2 columns (name, value), 4 (name, low, most likely, "
            "high) or 5 (the same and a distribution), got 3",
        ),
        (
            [row for row in SHEET_BLOCK if row[0] != "cost_per_error"],
            "TCO_SIM: option_block has no row for cost_per_error, which is required",
        ),
        ("tasks_per_month", "TCO_SIM: option_block must have 2 columns"),
        (OMIT, "TCO_SIM: option_block is required, got a blank"),
    ],
)
def test_a_bad_block_shows_the_message(excel, block, message):
    error = excel_error(lambda: excel.call("TCO_SIM", block))
    assert error.message.startswith(message)


def test_an_error_cell_in_a_block_is_the_answer(excel):
    # As with Excel's own functions, an error value among the inputs is the result.
    block = [
        row if row[0] != "cost_per_task" else ["cost_per_task", error_cell("#N/A"), "", ""]
        for row in SHEET_BLOCK
    ]
    assert excel.call("TCO_SIM", block) == [[{"type": "Error", "errorType": "NotAvailable"}]]


def test_a_bad_setting_shows_the_message(excel):
    error = excel_error(lambda: excel.call("TCO_SIM", SHEET_BLOCK, [[0.5, 90]]))
    assert error.message == (
        "TCO_SIM: percentiles must be greater than 0 and less than 1, got 90 in row 1, column 2 "
        "(enter 90% or 0.9)"
    )
    error = excel_error(lambda: excel.call("TCO_SIM", SHEET_BLOCK, OMIT, 50))
    assert error.message == "TCO_SIM: trials must be a whole number from 100 to 10000000, got 50"


# --- PROB_CHEAPER ---------------------------------------------------------------------------

EFFICIENT = [
    ["cost_per_task", 0.002, "", ""],
    ["accuracy", 0.90, 0.95, 0.97],
    ["cost_per_error", 0.5, 1, 4],
]
FRONTIER = [
    ["cost_per_task", 0.04, "", ""],
    ["accuracy", 0.97, 0.98, 0.99],
    ["cost_per_error", 0.5, 1, 4],
]
SHARED = ["tasks_per_month", 5_000, 10_000, 30_000]  # one row: Office.js sends it flat


def as_mapping(rows):
    return {row[0]: tuple(row[1:]) if row[2] != "" else row[1] for row in rows}


def test_prob_cheaper_gives_the_python_figure(excel):
    expected = xlfuncs.prob_cheaper(
        as_mapping(EFFICIENT), as_mapping(FRONTIER), {"tasks_per_month": (5_000, 10_000, 30_000)}
    )
    assert 0 < expected < 1
    assert excel.call("PROB_CHEAPER", EFFICIENT, FRONTIER, SHARED) == [[expected]]


def test_swapped_options_add_up_to_one(excel):
    [[forward]] = excel.call("PROB_CHEAPER", EFFICIENT, FRONTIER, SHARED, 5_000, 3)
    [[backward]] = excel.call("PROB_CHEAPER", FRONTIER, EFFICIENT, SHARED, 5_000, 3)
    assert forward + backward == 1.0


def test_an_option_against_itself_is_never_cheaper(excel):
    assert excel.call("PROB_CHEAPER", EFFICIENT, EFFICIENT, SHARED) == [[0.0]]


def test_a_shared_name_in_an_option_block_shows_the_message(excel):
    block = [*EFFICIENT, ["tasks_per_month", 1000, "", ""]]
    error = excel_error(lambda: excel.call("PROB_CHEAPER", block, FRONTIER, SHARED))
    assert error.message == (
        "PROB_CHEAPER: tasks_per_month is in shared_block and in block_a; give it in one place"
    )


def test_without_the_shared_block_the_volume_is_required(excel):
    error = excel_error(lambda: excel.call("PROB_CHEAPER", EFFICIENT, FRONTIER))
    assert (
        error.message == "PROB_CHEAPER: block_a has no row for tasks_per_month, which is required"
    )


# --- what Excel shows in Insert Function ----------------------------------------------------


def _registered(excel, name):
    [function] = [f for f in excel.meta()["functions"] if f["id"] == name]
    return function


@pytest.mark.parametrize("name", ["TCO_SIM", "PROB_CHEAPER", "TCO_TORNADO"])
def test_the_functions_are_documented(excel, name):
    function = _registered(excel, name)
    assert 0 < len(function["description"]) <= 255 and "\n" not in function["description"]
    core = getattr(udfs, name).core
    for parameter in function["parameters"]:
        text = parameter["description"]
        assert 0 < len(text) <= 255 and "\n" not in text
        assert "Must be " in text
        if parameter["name"] in core.block_arguments:
            assert "Must be 2, 4 or 5 columns: " in text
            assert "then a value or low, most likely, high (and triangular or pert)." in text


def test_the_shared_block_says_which_names_it_takes(excel):
    texts = {p["name"]: p["description"] for p in _registered(excel, "PROB_CHEAPER")["parameters"]}
    assert (
        "names from tasks_per_month, months, monthly_growth, annual_discount_rate"
        in (texts["shared_block"])
    )
    assert texts["shared_block"].endswith("Optional, default none.")


def test_the_settings_say_their_range_and_default(excel):
    texts = {p["name"]: p["description"] for p in _registered(excel, "TCO_SIM")["parameters"]}
    assert texts["percentiles"].endswith(
        "Must be greater than 0 and less than 1. Optional, default {0.1,0.5,0.9}."
    )
    assert texts["trials"].endswith(
        "Must be a whole number from 100 to 10000000. Optional, default 10000."
    )
    assert texts["seed"].endswith(
        "Must be a whole number from 0 to 1000000000. Optional, default 0."
    )
    assert "optional" not in _registered(excel, "TCO_SIM")["parameters"][0]


def test_the_worked_example_with_headings_in_every_block(excel):
    # Three blocks side by side as the user guide lays them out, each headed
    # by a title row; the figure is the Python one for the same guesses.
    efficient = [
        ["Efficient model", "Low", "Most likely", "High"],
        ["cost_per_task", 0.002, "", ""],
        ["accuracy", 0.90, 0.95, 0.97],
        ["cost_per_error", 0.2, 0.5, 2],
        ["upfront", 20_000, 40_000, 90_000],
        ["monthly_fixed", 500, "", ""],
    ]
    frontier = [
        ["Frontier model", "Low", "Most likely", "High"],
        ["cost_per_task", 0.04, "", ""],
        ["accuracy", 0.97, 0.98, 0.99],
        ["cost_per_error", 0.2, 0.5, 2],
        ["upfront", 5_000, "", ""],
    ]
    both = [
        ["Both options", "Low", "Most likely", "High"],
        ["tasks_per_month", 20_000, 50_000, 150_000],
        ["months", 36, "", ""],
        ["monthly_growth", 0, 0.02, 0.05],
        ["annual_discount_rate", 0.08, "", ""],
    ]
    expected = xlfuncs.prob_cheaper(
        as_mapping(efficient[1:]), as_mapping(frontier[1:]), as_mapping(both[1:])
    )
    assert excel.call("PROB_CHEAPER", efficient, frontier, both) == [[expected]]
    assert excel.call("PROB_CHEAPER", efficient, efficient, both) == [[0.0]]
    one_option = [*efficient, *both[1:]]
    expected_row = xlfuncs.tco_sim({**as_mapping(efficient[1:]), **as_mapping(both[1:])})
    assert excel.call("TCO_SIM", one_option) == [expected_row.tolist()]


# --- PROB_CHEAPER's correlation, PERT rows ---------------------------------------------------


def test_prob_cheaper_takes_the_correlation_from_a_cell(excel):
    shared = {"tasks_per_month": (5_000, 10_000, 30_000)}
    for rho in (0, 0.5, -1):
        expected = xlfuncs.prob_cheaper(
            as_mapping(EFFICIENT), as_mapping(FRONTIER), shared, 10_000, 0, rho
        )
        got = excel.call("PROB_CHEAPER", EFFICIENT, FRONTIER, SHARED, OMIT, OMIT, rho)
        assert got == [[expected]]
    # A blank correlation is 1: the figure of before.
    assert excel.call("PROB_CHEAPER", EFFICIENT, FRONTIER, SHARED, OMIT, OMIT, [[""]]) == (
        excel.call("PROB_CHEAPER", EFFICIENT, FRONTIER, SHARED)
    )
    assert excel.call("PROB_CHEAPER", EFFICIENT, EFFICIENT, SHARED, OMIT, OMIT, 0) != [[0.0]]


def test_a_bad_correlation_shows_the_message(excel):
    error = excel_error(
        lambda: excel.call("PROB_CHEAPER", EFFICIENT, FRONTIER, SHARED, OMIT, OMIT, 50)
    )
    assert error.message == "PROB_CHEAPER: correlation must be between -1 and 1, got 50"


#: A five-column block: the last column names each row's distribution.
PERT_BLOCK = [
    ["Parameter", "Low", "Most likely", "High", "Distribution"],
    ["tasks_per_month", 800, 1000, 1500, "PERT"],
    ["cost_per_task", 0.012, "", "", ""],
    ["accuracy", 0.9, 0.95, 0.97, "triangular"],
    ["cost_per_error", 1, 2, 10, "pert"],
    ["months", 36, "", "", ""],
]
PERT_MAPPING = {
    "tasks_per_month": (800, 1000, 1500, "pert"),
    "cost_per_task": 0.012,
    "accuracy": (0.9, 0.95, 0.97),
    "cost_per_error": (1, 2, 10, "pert"),
    "months": 36,
}


def test_a_five_column_block_gives_the_python_figures(excel):
    assert excel.call("TCO_SIM", PERT_BLOCK) == [xlfuncs.tco_sim(PERT_MAPPING).tolist()]


def test_an_unknown_distribution_shows_the_row(excel):
    block = [row if row[0] != "accuracy" else [*row[:4], "normal"] for row in PERT_BLOCK]
    error = excel_error(lambda: excel.call("TCO_SIM", block))
    assert error.message == (
        "TCO_SIM: option_block row 4: the accuracy distribution must be triangular or pert "
        "(or blank for triangular), got the text 'normal'"
    )


# --- TCO_TORNADO ----------------------------------------------------------------------------


def _as_cells(table):
    """The Python table as Excel shows it: the base row's low and high cells empty."""
    cells = [[name, low, high, a, b, s] for name, low, high, a, b, s in table.tolist()]
    cells[0][1] = cells[0][2] = ""
    return cells


def test_tco_tornado_spills_six_columns_base_row_first(excel):
    cells = excel.call("TCO_TORNADO", SHEET_BLOCK)
    assert len(cells) == 4 and all(len(row) == 6 for row in cells)  # base + 3 uncertain rows
    base = reference_models.tco(1000, 0.012, 0.95, 2, months=36)
    assert cells[0][:3] == ["base", "", ""]
    assert cells[0][3] == cells[0][4] == pytest.approx(base, rel=1e-12)
    assert cells[0][5] == 0
    assert [row[0] for row in cells[1:]] == ["cost_per_error", "accuracy", "tasks_per_month"]
    assert cells[1][1:3] == [1, 10]
    assert cells[1][3] == pytest.approx(
        reference_models.tco(1000, 0.012, 0.95, 1, months=36), rel=1e-12
    )
    assert cells == _as_cells(xlfuncs.tco_tornado(SAME_BLOCK))


def test_tco_tornado_of_two_options_and_a_one_row_shared_block(excel):
    cells = excel.call("TCO_TORNADO", EFFICIENT, FRONTIER, SHARED)
    expected = xlfuncs.tco_tornado(
        as_mapping(EFFICIENT), as_mapping(FRONTIER), {"tasks_per_month": (5_000, 10_000, 30_000)}
    )
    assert cells == _as_cells(expected)
    assert {row[0] for row in cells[1:]} == {
        "a:accuracy",
        "a:cost_per_error",
        "b:accuracy",
        "b:cost_per_error",
        "shared:tasks_per_month",
    }
    # With the other block left out (and the shared one given), no prefixes.
    alone = excel.call("TCO_TORNADO", EFFICIENT, OMIT, SHARED)
    assert [row[0] for row in alone[1:]] == [
        row[0]
        for row in _as_cells(
            xlfuncs.tco_tornado(
                as_mapping(EFFICIENT), None, {"tasks_per_month": (5_000, 10_000, 30_000)}
            )
        )[1:]
    ]


def test_tco_tornado_reads_a_five_column_block(excel):
    assert excel.call("TCO_TORNADO", PERT_BLOCK) == _as_cells(xlfuncs.tco_tornado(PERT_MAPPING))


def test_an_overflowing_case_shows_num(excel):
    block = [
        ["tasks_per_month", 1e300, "", ""],
        ["cost_per_task", 0.01, 0.02, 0.03],
        ["accuracy", 0.95, "", ""],
        ["cost_per_error", 2, "", ""],
        ["months", 1, 1, 600],
        ["monthly_growth", 1, "", ""],
    ]
    cells = excel.call("TCO_TORNADO", block)
    assert cells[2][0] == "months"
    assert cells[2][4] == {"type": "Error", "errorType": "Num"}
    assert cells[2][5] == {"type": "Error", "errorType": "Num"}


def test_tco_tornado_without_an_uncertain_row_shows_the_message(excel):
    error = excel_error(lambda: excel.call("TCO_TORNADO", FIXED_ROWS))
    assert error.message == (
        "TCO_TORNADO: no input is uncertain, so nothing can swing; give at least one row of "
        "option_block a low below its high"
    )


def test_tco_tornado_is_documented(excel):
    function = _registered(excel, "TCO_TORNADO")
    assert 0 < len(function["description"]) <= 255
    texts = {p["name"]: p["description"] for p in function["parameters"]}
    assert list(texts) == ["option_block", "other_block", "shared_block"]
    assert texts["other_block"].endswith("Optional, default none.")
    assert all(0 < len(t) <= 255 and "\n" not in t for t in texts.values())
