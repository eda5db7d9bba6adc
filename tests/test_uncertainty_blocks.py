"""Option blocks: the sheet layouts accepted, and errors that name the row."""

from __future__ import annotations

import numpy as np
import pytest
import reference_models

import xlfuncs

REQUIRED_ROWS = [
    ["tasks_per_month", 800, 1000, 1500],
    ["cost_per_task", 0.01, "", ""],
    ["accuracy", 0.9, 0.95, 0.97],
    ["cost_per_error", 2, None, None],
]
AS_MAPPING = {
    "tasks_per_month": (800, 1000, 1500),
    "cost_per_task": 0.01,
    "accuracy": (0.9, 0.95, 0.97),
    "cost_per_error": 2,
}
FIXED = {"tasks_per_month": 1000, "cost_per_task": 0.01, "accuracy": 0.95, "cost_per_error": 2}


def trials(block, **kwargs):
    return xlfuncs.tco_sim_trials(block, 500, **kwargs)


def error_of(block):
    """The error of TCO_SIM (the Excel function's name is in every message) for ``block``."""
    with pytest.raises(xlfuncs.InputError) as caught:
        xlfuncs.tco_sim(block)
    return caught.value


# --- layouts that are accepted --------------------------------------------------------------


def test_a_sheet_range_and_a_mapping_are_the_same_block():
    assert np.array_equal(trials(REQUIRED_ROWS), trials(AS_MAPPING))


def test_a_two_column_block_holds_fixed_values():
    rows = [[name, value] for name, value in FIXED.items()]
    assert xlfuncs.tco_sim(rows, 0.5) == pytest.approx(reference_models.tco(**FIXED), rel=1e-12)


def test_a_fixed_row_of_a_four_column_block_is_name_value_blank_blank():
    rows = [[name, value, "", ""] for name, value in FIXED.items()]
    assert xlfuncs.tco_sim(rows, 0.5) == pytest.approx(reference_models.tco(**FIXED), rel=1e-12)


def test_names_are_case_insensitive_and_trimmed():
    rows = [[f"  {name.upper()} ", *rest] for name, *rest in REQUIRED_ROWS]
    assert np.array_equal(trials(rows), trials(REQUIRED_ROWS))


def test_a_heading_row_and_blank_rows_are_skipped():
    rows = [["Parameter", "Low", "Most likely", "High"], *REQUIRED_ROWS[:2], ["", "", "", ""]]
    rows += [*REQUIRED_ROWS[2:], [None, None, None, None]]
    assert np.array_equal(trials(rows), trials(REQUIRED_ROWS))


def test_a_named_row_left_blank_takes_the_default():
    rows = [*REQUIRED_ROWS, ["months", "", "", ""], ["upfront", None, None, None]]
    assert np.array_equal(trials(rows), trials(REQUIRED_ROWS))  # 12 months, nothing upfront


def test_numpy_arrays_and_nan_blanks_are_accepted():
    rows = np.array(
        [
            [name, *(v if v not in ("", None) else np.nan for v in rest)]
            for name, *rest in REQUIRED_ROWS
        ],
        dtype=object,
    )
    assert np.array_equal(trials(rows), trials(REQUIRED_ROWS))


def test_a_mapping_value_may_be_none_for_the_default():
    assert np.array_equal(trials({**AS_MAPPING, "upfront": None}), trials(AS_MAPPING))


def test_a_one_row_block_is_read_as_one_row():
    # Excel hands a one-row range over as a flat list.
    flat = ["tasks_per_month", 800, 1000, 1500]
    a = {k: v for k, v in FIXED.items() if k != "tasks_per_month"}
    assert xlfuncs.prob_cheaper(a, a, flat) == 0.0


# --- errors ---------------------------------------------------------------------------------


def test_an_unknown_name_suggests_the_closest():
    rows = [*REQUIRED_ROWS, ["upfornt", 100, "", ""]]
    error = error_of(rows)
    assert str(error).startswith(
        "TCO_SIM: option_block row 5: unknown name 'upfornt' (did you mean upfront?);"
    )
    assert "tasks_per_month, cost_per_task, accuracy" in str(error)
    assert error.function == "TCO_SIM" and error.argument == "option_block"


def test_an_unknown_name_without_a_close_one_lists_the_names():
    message = str(error_of({**AS_MAPPING, "colour": 1}))
    assert "unknown name 'colour';" in message and "did you mean" not in message


def test_a_duplicate_name_names_both_rows():
    rows = [*REQUIRED_ROWS, ["Accuracy", 0.9, "", ""]]
    assert str(error_of(rows)) == (
        "TCO_SIM: option_block row 5: accuracy is given twice (row 3 and row 5)"
    )


def test_tco_sim_trials_names_itself():
    with pytest.raises(xlfuncs.InputError) as caught:
        xlfuncs.tco_sim_trials({**AS_MAPPING, "acuracy": 0.9})
    assert str(caught.value).startswith("TCO_SIM_TRIALS: option_block: unknown name 'acuracy'")
    assert caught.value.function == "TCO_SIM_TRIALS"


def test_a_duplicate_key_in_a_mapping_is_an_error():
    message = str(error_of({**AS_MAPPING, "Accuracy": 0.9}))
    assert (
        message
        == "TCO_SIM: option_block: accuracy is given twice (as 'accuracy' and as 'Accuracy')"
    )


def test_a_missing_required_argument_is_named():
    message = str(error_of(REQUIRED_ROWS[:3]))
    assert message == "TCO_SIM: option_block has no row for cost_per_error, which is required"


def test_a_required_argument_left_blank_is_an_error():
    rows = [*REQUIRED_ROWS[:3], ["cost_per_error", "", "", ""]]
    assert (
        str(error_of(rows))
        == "TCO_SIM: option_block row 4: cost_per_error is required, got a blank"
    )


@pytest.mark.parametrize(
    ("guess", "words"),
    [
        ((0.96, 0.95, 0.97), "accuracy low 0.96 is above most likely 0.95"),
        ((0.9, 0.98, 0.97), "accuracy most likely 0.98 is above high 0.97"),
    ],
)
def test_a_guess_out_of_order_is_an_error(guess, words):
    rows = [*REQUIRED_ROWS[:2], ["accuracy", *guess], REQUIRED_ROWS[3]]
    assert str(error_of(rows)) == (
        f"TCO_SIM: option_block row 3: {words} (enter low <= most likely <= high)"
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["accuracy", 0.9, 0.95, 1.2], "row 3: accuracy high must be between 0 and 1, got 1.2"),
        (
            ["accuracy", 95, "", ""],
            "row 3: accuracy must be between 0 and 1, got 95 (enter 95% or 0.95)",
        ),
        (["months", 12.5, "", ""], "row 5: months must be a whole number from 1 to 600, got 12.5"),
        (
            ["months", 6, 12, 700],
            "row 5: months high must be a whole number from 1 to 600, got 700",
        ),
        (
            ["monthly_growth", -1, 0, 0.1],
            "row 5: monthly_growth low must be greater than -1 and at most 1, got -1",
        ),
        (["upfront", -5, "", ""], "row 5: upfront must be 0 or more, got -5"),
    ],
)
def test_a_value_outside_the_allowed_range_names_the_row(row, message):
    rows = (
        [*REQUIRED_ROWS, row]
        if row[0] != "accuracy"
        else [*REQUIRED_ROWS[:2], row, REQUIRED_ROWS[3]]
    )
    assert str(error_of(rows)).startswith(f"TCO_SIM: option_block {message}")


@pytest.mark.parametrize(
    ("cells", "blank"),
    [(["", 0.95, 0.97], "low"), ([0.9, None, 0.97], "most likely"), ([0.9, 0.95, ""], "high")],
)
def test_a_blank_inside_a_row_names_the_cell(cells, blank):
    rows = [*REQUIRED_ROWS[:2], ["accuracy", *cells], REQUIRED_ROWS[3]]
    assert str(error_of(rows)).startswith(
        f"TCO_SIM: option_block row 3: the accuracy {blank} value is blank; enter one value"
    )


@pytest.mark.parametrize(
    ("value", "described"),
    [("95%", "the text '95%'"), (True, "TRUE"), ([1], "[1]")],
)
def test_a_value_that_is_not_a_number_is_named(value, described):
    rows = [*REQUIRED_ROWS[:2], ["accuracy", 0.9, value, 0.97], REQUIRED_ROWS[3]]
    assert str(error_of(rows)) == (
        f"TCO_SIM: option_block row 3: accuracy most likely must be a number, got {described}"
    )


def test_values_without_a_name_are_an_error():
    rows = [*REQUIRED_ROWS, ["", 5, "", ""]]
    assert (
        str(error_of(rows))
        == "TCO_SIM: option_block row 5 has values but no name in the first column"
    )


def test_a_number_where_a_name_belongs_is_an_error():
    rows = [*REQUIRED_ROWS, [7, 5, "", ""]]
    assert str(error_of(rows)) == (
        "TCO_SIM: option_block row 5: the first column must hold an argument name, got 7"
    )


@pytest.mark.parametrize("width", [1, 3, 6])
def test_a_block_has_two_four_or_five_columns(width):
    rows = [row[:width] + [""] * (width - len(row)) for row in REQUIRED_ROWS]
    assert str(error_of(rows)) == (
        "TCO_SIM: option_block must have 2 columns (name, value), 4 (name, low, most likely, "
        f"high) or 5 (the same and a distribution), got {width}"
    )


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ([["tasks_per_month", 1], ["accuracy", 0.9, 0.95, 0.97]], "must be a rectangular range"),
        ([], "is an empty range"),
        (None, "is required, got a blank"),
        ({**AS_MAPPING, "accuracy": (0.9, 0.95)}, "accuracy must be one number or three"),
    ],
)
def test_shapeless_blocks_are_errors(block, message):
    assert message in str(error_of(block))


# --- PROB_CHEAPER's blocks ------------------------------------------------------------------

OPTION = {k: v for k, v in AS_MAPPING.items() if k != "tasks_per_month"}


def test_a_required_argument_may_come_from_the_shared_block():
    shared = {"tasks_per_month": (800, 1000, 1500)}
    assert xlfuncs.prob_cheaper(OPTION, OPTION, shared) == 0.0


def test_a_missing_required_argument_names_the_block():
    with pytest.raises(xlfuncs.InputError) as caught:
        xlfuncs.prob_cheaper(AS_MAPPING, OPTION)
    assert str(caught.value) == (
        "PROB_CHEAPER: block_b has no row for tasks_per_month, which is required"
    )
    assert caught.value.argument == "block_b"


def test_a_name_in_the_shared_block_and_an_option_block_is_an_error():
    with pytest.raises(xlfuncs.InputError) as caught:
        xlfuncs.prob_cheaper(AS_MAPPING, OPTION, {"tasks_per_month": 1000})
    assert str(caught.value) == (
        "PROB_CHEAPER: tasks_per_month is in shared_block and in block_a; give it in one place"
    )


def test_the_shared_block_holds_only_the_situation():
    shared = [["tasks_per_month", 1000], ["accuracy", 0.9]]
    with pytest.raises(xlfuncs.InputError) as caught:
        xlfuncs.prob_cheaper(OPTION, OPTION, shared)
    assert str(caught.value) == (
        "PROB_CHEAPER: shared_block row 2: accuracy cannot be given here; shared_block takes "
        "tasks_per_month, months, monthly_growth, annual_discount_rate"
    )
