"""Bad input, function by function: the exact message a finance user reads.

Every message names the function, the argument, the value received and what
is allowed. The first table sweeps every argument of every function with the
kinds of bad value any argument can get (text, TRUE/FALSE, NaN, infinity, a
blank where a value is required, a value outside the contract's range); the
second lists the cases that need a hand-made input (ranges, shapes, the
stricter arguments of single functions).
"""

from __future__ import annotations

import inspect
import math
import re

import numpy as np
import pytest
import reference_models
from bad_values import (
    ALLOWED,
    NOT_NUMBERS,
    POSITIVE,
    POSITIVE_FRACTION,
)

import xlfuncs

#: A valid call of each function, by argument name (the docstring examples).
VALID = {
    xlfuncs.token_cost: {
        "input_tokens": 1000,
        "output_tokens": 500,
        "input_price": 3.0,
        "output_price": 15.0,
    },
    xlfuncs.selfhost_cost: {
        "gpu_hour_price": 2.0,
        "tokens_per_task": 1000,
        "tokens_per_second": 50,
    },
    xlfuncs.error_cost: {"accuracy": 0.95, "cost_per_error": 100},
    xlfuncs.cost_per_correct: {"cost_per_task": 0.01, "accuracy": 0.8},
    xlfuncs.net_value: {
        "value_per_correct": 10,
        "accuracy": 0.95,
        "cost_per_task": 0.001,
        "cost_per_error": 500,
    },
    xlfuncs.tco: {
        "tasks_per_month": 1000,
        "cost_per_task": 0.01,
        "accuracy": 0.95,
        "cost_per_error": 2,
    },
    xlfuncs.breakeven_accuracy: {
        "efficient_cost_per_task": 0.002,
        "frontier_cost_per_task": 0.05,
        "frontier_accuracy": 0.99,
        "cost_per_error": 10,
    },
    xlfuncs.breakeven_error_cost: {
        "efficient_cost_per_task": 0.001,
        "efficient_accuracy": 0.95,
        "frontier_cost_per_task": 50,
        "frontier_accuracy": 0.99,
    },
    xlfuncs.breakeven_volume: {
        "a_cost_per_task": 0.001,
        "a_monthly_fixed": 6000,
        "b_cost_per_task": 0.013,
        "b_monthly_fixed": 0,
    },
    xlfuncs.margin: {"price": 10, "cost": 4},
    xlfuncs.margin_path: {
        "price": 10,
        "cost": 4,
        "annual_price_change": -0.5,
        "annual_cost_change": -0.2,
        "years": 3,
    },
    xlfuncs.years_to_zero_margin: {
        "price": 10,
        "cost": 4,
        "annual_price_change": -0.5,
        "annual_cost_change": -0.2,
    },
    xlfuncs.hdr: {"trial": 1, "var_id": 1},
}

#: Where a function's own entry in the contract is stricter than the table.
STRICTER = {
    (xlfuncs.cost_per_correct, "accuracy"): POSITIVE_FRACTION,
    (xlfuncs.breakeven_accuracy, "cost_per_error"): POSITIVE,
    (xlfuncs.breakeven_accuracy, "tasks_per_month"): POSITIVE,
    (xlfuncs.breakeven_error_cost, "tasks_per_month"): POSITIVE,
    (xlfuncs.years_to_zero_margin, "cost"): POSITIVE,
}


def excel_name(function) -> str:
    return function.__name__.upper()


def argument_names(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def required(function) -> list[str]:
    params = inspect.signature(function).parameters
    return [n for n, p in params.items() if p.default is inspect.Parameter.empty]


def _sweep(valid=None, bad_values=None):
    """Every argument of every function with each of its bad values, and blank if required.

    ``valid`` maps each function to a valid call; ``bad_values(function, name)``
    lists (value, message tail) pairs. By default: the core functions and the
    contract's table.
    """
    valid = VALID if valid is None else valid
    if bad_values is None:

        def bad_values(function, name):
            return NOT_NUMBERS + STRICTER.get((function, name), ALLOWED[name])

    for function in valid:
        for name in argument_names(function):
            for value, text in bad_values(function, name):
                yield pytest.param(
                    function,
                    name,
                    value,
                    f"{excel_name(function)}: {name} {text}",
                    id=f"{function.__name__}-{name}-{value!r}",
                )
            if name in required(function):
                yield pytest.param(
                    function,
                    name,
                    None,
                    f"{excel_name(function)}: {name} is required, got a blank",
                    id=f"{function.__name__}-{name}-blank",
                )


def call_with(function, name, value):
    return function(**dict(VALID[function], **{name: value}))


def check_message(excinfo, message, function, argument):
    error = excinfo.value
    assert str(error) == message
    assert isinstance(error, xlfuncs.InputError)
    assert isinstance(error, ValueError)
    assert error.function == excel_name(function)
    assert error.argument == argument


def test_valid_calls_are_valid():
    """Each valid call gives SPEC's value, from the month-by-month reference of the tests."""
    for function, args in VALID.items():
        got = np.asarray(function(**args), dtype=float)
        want = np.asarray(getattr(reference_models, function.__name__)(**args), dtype=float)
        assert got.shape == want.shape and np.isfinite(want).all(), function.__name__
        np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=function.__name__)
    # Two by hand: (1000 * 3 + 500 * 15) per million tokens; 12 months of 1000 * (0.01 + 0.1)
    assert xlfuncs.token_cost(**VALID[xlfuncs.token_cost]) == pytest.approx(0.0105)
    assert xlfuncs.tco(**VALID[xlfuncs.tco]) == pytest.approx(12 * 1000 * (0.01 + 0.05 * 2))


#: Functions with text and date arguments: test_prices.py sweeps their numeric
#: arguments with the tables above and checks their names and dates itself.
TEXT_ARGUMENT_FUNCTIONS = {xlfuncs.model_price, xlfuncs.model_token_cost}

#: Functions of files rather than numbers: generate() checks each scenario's
#: values against the template's declaration (test_batch_scenarios.py).
FILE_FUNCTIONS = {"generate"}


def test_every_argument_has_allowed_values():
    # a new function or argument cannot slip past the sweeps below
    public = {n for n in xlfuncs.__all__ if inspect.isfunction(getattr(xlfuncs, n))}
    covered = [*VALID, *MONTE_CARLO_VALID, *TEXT_ARGUMENT_FUNCTIONS]
    missing = public - {f.__name__ for f in covered} - FILE_FUNCTIONS
    assert not missing, f"add a valid call of {sorted(missing)} to VALID"
    for function in MONTE_CARLO_VALID:
        assert set(required(function)) <= set(MONTE_CARLO_VALID[function])
        for name in argument_names(function):
            assert name in MONTE_CARLO_ALLOWED
    for function in VALID:
        assert set(required(function)) <= set(VALID[function])
        for name in argument_names(function):
            assert name in ALLOWED, f"add {name} to ALLOWED (the contract's table)"


@pytest.mark.parametrize(("function", "name", "value", "message"), list(_sweep()))
def test_every_argument_rejects_bad_values(function, name, value, message):
    with pytest.raises(xlfuncs.InputError, match=f"^{re.escape(message)}$") as excinfo:
        call_with(function, name, value)
    check_message(excinfo, message, function, name)


# Hand-made cases ----------------------------------------------------------

CASES = [
    # the contract's own example
    (
        xlfuncs.tco,
        {"accuracy": 95},
        "accuracy",
        "TCO: accuracy must be between 0 and 1, got 95 (enter 95% or 0.95)",
    ),
    # the stricter arguments, one by one
    (xlfuncs.margin, {"price": 0}, "price", "MARGIN: price must be greater than 0, got 0"),
    (
        xlfuncs.years_to_zero_margin,
        {"cost": 0},
        "cost",
        "YEARS_TO_ZERO_MARGIN: cost must be greater than 0, got 0",
    ),
    (
        xlfuncs.cost_per_correct,
        {"accuracy": 0},
        "accuracy",
        "COST_PER_CORRECT: accuracy must be greater than 0 and at most 1, got 0",
    ),
    (
        xlfuncs.breakeven_accuracy,
        {"cost_per_error": 0},
        "cost_per_error",
        "BREAKEVEN_ACCURACY: cost_per_error must be greater than 0, got 0",
    ),
    (
        xlfuncs.breakeven_accuracy,
        {"tasks_per_month": 0},
        "tasks_per_month",
        "BREAKEVEN_ACCURACY: tasks_per_month must be greater than 0, got 0",
    ),
    (
        xlfuncs.breakeven_error_cost,
        {"tasks_per_month": 0},
        "tasks_per_month",
        "BREAKEVEN_ERROR_COST: tasks_per_month must be greater than 0, got 0",
    ),
    (
        xlfuncs.margin_path,
        {"years": 0},
        "years",
        "MARGIN_PATH: years must be a whole number from 1 to 100, got 0",
    ),
    (
        xlfuncs.tco,
        {"months": 12.5},
        "months",
        "TCO: months must be a whole number from 1 to 600, got 12.5",
    ),
    (
        xlfuncs.tco,
        {"months": 0},
        "months",
        "TCO: months must be a whole number from 1 to 600, got 0",
    ),
    (
        xlfuncs.tco,
        {"months": 601},
        "months",
        "TCO: months must be a whole number from 1 to 600, got 601",
    ),
    (
        xlfuncs.selfhost_cost,
        {"utilization": 95},
        "utilization",
        "SELFHOST_COST: utilization must be greater than 0 and at most 1, got 95 "
        "(enter 95% or 0.95)",
    ),
    # a bad value inside a range: where it is, in spreadsheet words
    (
        xlfuncs.tco,
        {"tasks_per_month": [[1000, None], [2000, 3000]]},
        "tasks_per_month",
        "TCO: tasks_per_month must be a number, got a blank in row 1, column 2",
    ),
    (
        xlfuncs.tco,
        {"cost_per_task": [[0.01, 0.02], ["n/a", 0.04]]},
        "cost_per_task",
        "TCO: cost_per_task must be a number, got the text 'n/a' in row 2, column 1",
    ),
    (
        xlfuncs.token_cost,
        {"input_tokens": [1000, 2000, "many"]},
        "input_tokens",
        "TOKEN_COST: input_tokens must be a number, got the text 'many' in item 3",
    ),
    (
        xlfuncs.token_cost,
        {"calls": ["", 2]},
        "calls",
        "TOKEN_COST: calls must be a number, got a blank in item 1",
    ),
    (
        xlfuncs.error_cost,
        {"accuracy": [0.9, True]},
        "accuracy",
        "ERROR_COST: accuracy must be a number, got TRUE in item 2",
    ),
    (
        xlfuncs.error_cost,
        {"accuracy": [[0.9], [math.nan]]},
        "accuracy",
        "ERROR_COST: accuracy must be a number, got NaN in row 2, column 1",
    ),
    (
        xlfuncs.tco,
        {"accuracy": [[0.9, 95]]},
        "accuracy",
        "TCO: accuracy must be between 0 and 1, got 95 in row 1, column 2 (enter 95% or 0.95)",
    ),
    (
        xlfuncs.margin,
        {"price": [[10], [0]]},
        "price",
        "MARGIN: price must be greater than 0, got 0 in row 2, column 1",
    ),
    (
        xlfuncs.tco,
        {"monthly_growth": [0.01, math.inf]},
        "monthly_growth",
        "TCO: monthly_growth must be a finite number, got infinity in item 2",
    ),
    # empty and ragged ranges
    (
        xlfuncs.tco,
        {"tasks_per_month": []},
        "tasks_per_month",
        "TCO: tasks_per_month is an empty range: give at least one value",
    ),
    (
        xlfuncs.margin,
        {"cost": [[]]},
        "cost",
        "MARGIN: cost is an empty range: give at least one value",
    ),
    (
        xlfuncs.tco,
        {"tasks_per_month": [[1000, 2000], [3000]]},
        "tasks_per_month",
        "TCO: tasks_per_month must be a number or a rectangular range of numbers",
    ),
    (
        xlfuncs.breakeven_volume,
        {"a_monthly_fixed": [[1, 2], 3]},
        "a_monthly_fixed",
        "BREAKEVEN_VOLUME: a_monthly_fixed must be a number or a rectangular range of numbers",
    ),
    # MARGIN_PATH gives one column: its arguments are single values
    (
        xlfuncs.margin_path,
        {"price": [10, 20]},
        "price",
        "MARGIN_PATH: price must be a single value, got a range of 2 values",
    ),
    (
        xlfuncs.margin_path,
        {"years": [[1, 2]]},
        "years",
        "MARGIN_PATH: years must be a single value, got a range of 1 row x 2 columns",
    ),
    (
        xlfuncs.margin_path,
        {"annual_cost_change": [[0.1], [0.2], [0.3]]},
        "annual_cost_change",
        "MARGIN_PATH: annual_cost_change must be a single value, got a range of 3 rows x 1 column",
    ),
]


@pytest.mark.parametrize(
    ("function", "changes", "argument", "message"),
    CASES,
    ids=[f"{c[0].__name__}-{c[2]}-{i}" for i, c in enumerate(CASES)],
)
def test_hand_made_bad_input(function, changes, argument, message):
    with pytest.raises(xlfuncs.InputError, match=f"^{re.escape(message)}$") as excinfo:
        function(**dict(VALID[function], **changes))
    check_message(excinfo, message, function, argument)


# Ranges that do not line up -----------------------------------------------

LINE_UP = "(use ranges of one size, or a column against a row for a table)"


def _mismatches():
    for function in VALID:
        if function is xlfuncs.margin_path:
            continue
        first, second = argument_names(function)[:2]
        # HDR's ids are whole numbers.
        three, two = (
            ([1, 2, 3], [4, 5]) if function is xlfuncs.hdr else ([0.1, 0.2, 0.3], [0.4, 0.5])
        )
        yield pytest.param(
            function,
            {first: three, second: two},
            f"{excel_name(function)}: the ranges do not line up: "
            f"{first} is 3 values, {second} is 2 values {LINE_UP}",
            id=function.__name__,
        )
    yield pytest.param(
        xlfuncs.tco,
        {"tasks_per_month": [[1, 2, 3], [4, 5, 6]], "cost_per_task": [[0.1, 0.2], [0.3, 0.4]]},
        "TCO: the ranges do not line up: tasks_per_month is 2 rows x 3 columns, "
        f"cost_per_task is 2 rows x 2 columns {LINE_UP}",
        id="tco-two-tables",
    )
    yield pytest.param(
        xlfuncs.tco,
        {"months": [[12], [24]], "monthly_growth": [[0.0], [0.01], [0.02]]},
        "TCO: the ranges do not line up: months is 2 rows x 1 column, "
        f"monthly_growth is 3 rows x 1 column {LINE_UP}",
        id="tco-two-columns",
    )


@pytest.mark.parametrize(("function", "changes", "message"), list(_mismatches()))
def test_ranges_that_do_not_line_up(function, changes, message):
    # Values that are valid for every argument, so only the shapes are wrong.
    with pytest.raises(xlfuncs.InputError, match=f"^{re.escape(message)}$") as excinfo:
        function(**dict(VALID[function], **changes))
    # several arguments are at fault together: no single one is named
    check_message(excinfo, message, function, None)


# Blank optional arguments -------------------------------------------------


@pytest.mark.parametrize("function", list(VALID), ids=lambda f: f.__name__)
def test_blank_optional_argument_means_the_default(function):
    optional = [n for n in argument_names(function) if n not in required(function)]
    expected = function(**VALID[function])
    for name in optional:
        assert function(**dict(VALID[function], **{name: None})) == expected


# The Monte Carlo functions ------------------------------------------------
# Their blocks are ranges of names and values, checked row by row (the
# messages about a row are in test_uncertainty_blocks.py); their settings are
# numbers like any other argument.

_BLOCK = {"tasks_per_month": 1000, "cost_per_task": 0.01, "accuracy": 0.95, "cost_per_error": 2}
_OPTION = {k: v for k, v in _BLOCK.items() if k != "tasks_per_month"}

MONTE_CARLO_VALID = {
    xlfuncs.tco_sim: {"option_block": _BLOCK},
    xlfuncs.tco_sim_trials: {"option_block": _BLOCK},
    xlfuncs.prob_cheaper: {
        "block_a": _OPTION,
        "block_b": _OPTION,
        "shared_block": {"tasks_per_month": 1000},
    },
    xlfuncs.prob_cheaper_trials: {
        "block_a": _OPTION,
        "block_b": _OPTION,
        "shared_block": {"tasks_per_month": 1000},
    },
    xlfuncs.tco_tornado: {
        "option_block": {**_OPTION, "accuracy": (0.9, 0.95, 0.97)},
        "shared_block": {"tasks_per_month": 1000},
    },
}

COLUMNS = (
    "must have 2 columns (name, value), 4 (name, low, most likely, high) "
    "or 5 (the same and a distribution)"
)
#: Bad for any block argument: not a range of names and values.
NOT_BLOCKS = [
    ("abc", f"{COLUMNS}, got 1"),
    (5, f"{COLUMNS}, got 1"),
    (math.nan, f"{COLUMNS}, got 1"),
    ([["tasks_per_month", 800, 1000]], f"{COLUMNS}, got 3"),
    ([], "is an empty range"),
    ([["tasks_per_month", 1000], ["accuracy", 0.9, 0.95, 0.97]], "must be a rectangular range"),
]
MONTE_CARLO_ALLOWED = {
    **dict.fromkeys(
        ["option_block", "other_block", "block_a", "block_b", "shared_block"], NOT_BLOCKS
    ),
    "percentiles": [
        *NOT_NUMBERS,
        (0, "must be greater than 0 and less than 1, got 0"),
        (1, "must be greater than 0 and less than 1, got 1"),
        (-0.5, "must be greater than 0 and less than 1, got -0.5"),
        (90, "must be greater than 0 and less than 1, got 90 (enter 90% or 0.9)"),
    ],
    "trials": [
        *NOT_NUMBERS,
        (99, "must be a whole number from 100 to 10000000, got 99"),
        (10_000_001, "must be a whole number from 100 to 10000000, got 10000001"),
        (1000.5, "must be a whole number from 100 to 10000000, got 1000.5"),
    ],
    "seed": [
        *NOT_NUMBERS,
        (-1, "must be a whole number from 0 to 1000000000, got -1"),
        (1_000_000_001, "must be a whole number from 0 to 1000000000, got 1000000001"),
        (0.5, "must be a whole number from 0 to 1000000000, got 0.5"),
    ],
    "correlation": [
        *NOT_NUMBERS,
        # A correlation is no share, rate or accuracy: no percent hint.
        (-1.01, "must be between -1 and 1, got -1.01"),
        (1.5, "must be between -1 and 1, got 1.5"),
        (50, "must be between -1 and 1, got 50"),
        (-2, "must be between -1 and 1, got -2"),
        (150, "must be between -1 and 1, got 150"),
    ],
    "generator": [
        ("abc", 'must be "default" or "hdr", got the text \'abc\''),
        ("hdr2", 'must be "default" or "hdr", got the text \'hdr2\''),
        (5, 'must be "default" or "hdr", got 5'),
        (True, 'must be "default" or "hdr", got TRUE'),
    ],
    "entity": [
        *NOT_NUMBERS,
        (-1, "must be a whole number from 0 to 99999999, got -1"),
        (100_000_000, "must be a whole number from 0 to 99999999, got 100000000"),
        (0.5, "must be a whole number from 0 to 99999999, got 0.5"),
    ],
}


def _monte_carlo_sweep():
    return _sweep(MONTE_CARLO_VALID, lambda function, name: MONTE_CARLO_ALLOWED[name])


@pytest.mark.parametrize(("function", "name", "value", "message"), list(_monte_carlo_sweep()))
def test_every_monte_carlo_argument_rejects_bad_values(function, name, value, message):
    with pytest.raises(xlfuncs.InputError) as excinfo:
        function(**dict(MONTE_CARLO_VALID[function], **{name: value}))
    if name in ("percentiles", "trials", "seed", "correlation", "generator", "entity"):
        check_message(excinfo, message, function, name)
    else:  # a block's message may go on to say what the columns are for
        assert str(excinfo.value).startswith(message)
        assert excinfo.value.function == excel_name(function)
        assert excinfo.value.argument == name


def _same(result, expected) -> bool:
    """Equal results; a table's blank cells (NaN) count as equal."""
    return repr(np.asarray(result).tolist()) == repr(np.asarray(expected).tolist())


@pytest.mark.parametrize("function", list(MONTE_CARLO_VALID), ids=lambda f: f.__name__)
def test_blank_monte_carlo_setting_means_the_default(function):
    optional = [n for n in argument_names(function) if n not in required(function)]
    valid = MONTE_CARLO_VALID[function]
    expected = function(**valid)
    for name in optional:
        if name == "shared_block":  # it holds the volume here; without it, see below
            continue
        assert _same(function(**dict(valid, **{name: None})), expected), name
    if function is xlfuncs.prob_cheaper:
        with_volume = dict(_OPTION, tasks_per_month=1000)
        blank = function(with_volume, with_volume, None)
        assert blank == function(with_volume, with_volume) == 0.0


#: The arguments that are shares, rates or accuracies, held as fractions: only
#: these read a number such as 8 as a percentage typed without its % sign.
PERCENT_ARGUMENTS = {
    "accuracy",
    "efficient_accuracy",
    "frontier_accuracy",
    "catch_rate",
    "cached_share",
    "utilization",
    "monthly_growth",
    "annual_discount_rate",
    "annual_price_change",
    "annual_cost_change",
    "percentiles",  # the share of trials below each percentile: 90 means 0.9
}


def test_only_shares_rates_and_accuracies_suggest_a_percentage():
    import xlfuncs.udfs
    from xlfuncs.udfs import __all__ as excel_functions

    hinted, seen = set(), set()
    for function_name in excel_functions:
        for name, rule in xlfuncs.udfs.__dict__[function_name].core.rules.items():
            if isinstance(rule, xlfuncs._validation.Rule):
                seen.add(name)
                if rule.hint(50) or rule.hint(8) or rule.hint(-2):
                    hinted.add(name)
    assert "correlation" in seen
    assert hinted == PERCENT_ARGUMENTS
