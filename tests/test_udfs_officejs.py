"""The Excel functions called the way Excel calls them: xlwings' Office.js path.

Every call goes through ``xlwings.server.custom_functions_call`` in the
Office.js host process (see ``excel_host.py``), with arguments as Office.js
sends them: every argument a list of rows, null for an omitted one, error
cells as ``{"type": "Error", ...}``. Unless a comment says otherwise the
expected numbers come from the Python core called in this process with the
same inputs: the Excel layer must add nothing to the numbers, only turn
"no answer" into the Excel error value that the contract names.
"""

from __future__ import annotations

import inspect
import math
import re
import subprocess
import sys

import numpy as np
import pytest
from excel_examples import FUNCTIONS, TABLES, parameters
from excel_host import OMIT, ROOT, ExcelFunctionError, ExcelHost
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xlfuncs
from xlfuncs import udfs

NAN = float("nan")

BROADCASTING = [name for name in FUNCTIONS if name != "MARGIN_PATH"]

#: The contract's defaults of the optional arguments ("input_price": that argument's value).
DEFAULTS = {
    "TOKEN_COST": {
        "reasoning_tokens": 0,
        "calls": 1,
        "cached_share": 0,
        "cached_price": "input_price",
    },
    "SELFHOST_COST": {"utilization": 1},
    "ERROR_COST": {"catch_rate": 0, "cost_per_caught_error": 0},
    "TCO": {
        "upfront": 0,
        "monthly_fixed": 0,
        "months": 12,
        "monthly_growth": 0,
        "annual_discount_rate": 0,
    },
    "BREAKEVEN_ACCURACY": {
        "efficient_monthly_fixed": 0,
        "frontier_monthly_fixed": 0,
        "tasks_per_month": 1,
    },
    "BREAKEVEN_ERROR_COST": {
        "efficient_monthly_fixed": 0,
        "frontier_monthly_fixed": 0,
        "tasks_per_month": 1,
    },
    "HDR": {"entity": 0, "seed3": 0, "seed4": 0},
}

#: The contract's error value where an equation has no answer; overflow is #NUM!.
NO_ANSWER = {
    "BREAKEVEN_ERROR_COST": "Div0",
    "BREAKEVEN_VOLUME": "Div0",
    "YEARS_TO_ZERO_MARGIN": "NotAvailable",
}

#: Every way an argument can arrive blank in Office.js.
BLANKS = {
    "omitted": OMIT,
    "empty text": [[""]],
    "empty cell": [[None]],
    "NaN": [[NAN]],
}


def error(error_type: str) -> dict:
    return {"type": "Error", "errorType": error_type}


def cells(name: str, result: object) -> list[list[object]]:
    """What Excel must show for a core result: numbers, and the contract's error values."""
    array = np.asarray(result, dtype=np.float64)
    if array.ndim == 0:
        array = array.reshape(1, 1)
    elif array.ndim == 1:
        array = array[:, np.newaxis]  # MARGIN_PATH: years down a column
    return [
        [
            value
            if math.isfinite(value)
            else error(NO_ANSWER.get(name, "Num") if math.isnan(value) else "Num")
            for value in row
        ]
        for row in array.tolist()
    ]


def with_argument(name: str, args: tuple, argument: str, value: object) -> list:
    changed = list(args)
    changed[parameters(name).index(argument)] = value
    return changed


def expect_input_error(call) -> ExcelFunctionError:
    """The error of a call with bad input: the short message alone, as Excel shows it."""
    with pytest.raises(ExcelFunctionError) as caught:
        call()
    problem = caught.value
    assert problem.is_xlwings_error, problem  # so every xlwings host shows the message itself
    assert "Traceback" not in problem.message
    assert "\n" not in problem.message
    return problem


# Numbers: the Excel path gives the core's numbers ------------------------------------------


@pytest.mark.parametrize("name", FUNCTIONS)
def test_an_example_gives_the_cores_number(excel, name):
    core, args = FUNCTIONS[name]
    assert excel.call(name, *args) == cells(name, core(*args))


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        # Hand calculation: (10 - 4) / 10.
        ("MARGIN", (10, 4), 0.6),
        # Hand calculation: 12 months * 1000 tasks * (0.01 + (1 - 0.9) * 1).
        ("TCO", (1000, 0.01, 0.9, 1), 1320.0),
        # The contract's example: 6000 / (0.013 - 0.001).
        ("BREAKEVEN_VOLUME", (0.001, 6000, 0.013, 0), 500000.0),
        # The essay's case: (50 - 0.001) / (0.99 - 0.95).
        ("BREAKEVEN_ERROR_COST", (0.001, 0.95, 50, 0.99), 1249.975),
        # Hand calculation: (2000 * 3 + 500 * 15) / 1e6.
        ("TOKEN_COST", (2000, 500, 3, 15), 0.0135),
    ],
)
def test_hand_calculated_values(excel, name, args, expected):
    [[value]] = excel.call(name, *args)
    assert value == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name", BROADCASTING)
def test_a_column_against_a_row_gives_the_cores_table(excel, name):
    core, args = FUNCTIONS[name]
    column_name, column, row_name, row = TABLES[name]
    excel_args = with_argument(name, args, column_name, [[v] for v in column])
    excel_args = with_argument(name, excel_args, row_name, [row])
    core_args = with_argument(name, args, column_name, np.array(column)[:, np.newaxis])
    core_args = with_argument(name, core_args, row_name, np.array([row]))
    table = excel.call(name, *excel_args)
    assert len(table) == len(column) and len(table[0]) == len(row)
    assert table == cells(name, core(*core_args))


@pytest.mark.parametrize("name", BROADCASTING)
def test_a_row_spills_across_a_row(excel, name):
    core, args = FUNCTIONS[name]
    row_name, row = TABLES[name][2:]
    result = excel.call(name, *with_argument(name, args, row_name, [row]))
    assert result == cells(name, core(*with_argument(name, args, row_name, np.array([row]))))
    assert len(result) == 1 and len(result[0]) == len(row)


@pytest.mark.parametrize("name", BROADCASTING)
def test_a_column_spills_down_a_column(excel, name):
    core, args = FUNCTIONS[name]
    column_name, column = TABLES[name][:2]
    result = excel.call(name, *with_argument(name, args, column_name, [[v] for v in column]))
    expected = core(*with_argument(name, args, column_name, np.array(column)[:, np.newaxis]))
    assert result == cells(name, expected)
    assert len(result) == len(column) and all(len(r) == 1 for r in result)


@pytest.mark.parametrize("years", [1, 5, 100])
def test_margin_path_spills_a_column_of_years_plus_one(excel, years):
    result = excel.call("MARGIN_PATH", 10, 4, -0.5, -0.2, years)
    assert result == [[v] for v in xlfuncs.margin_path(10, 4, -0.5, -0.2, years).tolist()]
    assert len(result) == years + 1
    # Year 0 is today's margin, by hand: (10 - 4) / 10.
    assert result[0] == [pytest.approx(0.6, rel=1e-15)]


def _valid(rule) -> st.SearchStrategy:
    """Values a rule allows, within a few powers of ten of real figures."""
    if rule.whole:
        return st.integers(int(rule.low), int(rule.high))
    high = rule.high if math.isfinite(rule.high) else 1e6
    return st.floats(
        rule.low,
        high,
        exclude_min=rule.low_open,
        exclude_max=rule.high_open,
        allow_nan=False,
        allow_subnormal=False,
    )


@st.composite
def _valid_call(draw, name):
    core = FUNCTIONS[name][0]
    args = []
    for argument, parameter in inspect.signature(core).parameters.items():
        optional = parameter.default is not inspect.Parameter.empty
        if optional and draw(st.booleans()):
            args.append(OMIT)
        else:
            args.append(draw(_valid(core.rules[argument])))
    return args


@pytest.mark.parametrize("name", FUNCTIONS)
def test_valid_input_gives_the_cores_number(excel, name):
    core = FUNCTIONS[name][0]

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(args=_valid_call(name))
    def check(args):
        expected = cells(name, core(*(None if a is OMIT else a for a in args)))
        assert excel.call(name, *args) == expected

    check()


# Blanks: the default for an optional argument, an error for a required one ----------------


def _optional_cases():
    for name, defaults in DEFAULTS.items():
        for argument in defaults:
            for blank in BLANKS:
                yield pytest.param(name, argument, blank, id=f"{name}-{argument}-{blank}")


@pytest.mark.parametrize(("name", "argument", "blank"), list(_optional_cases()))
def test_a_blank_optional_argument_means_its_default(excel, name, argument, blank):
    core, args = FUNCTIONS[name]
    default = DEFAULTS[name][argument]
    if isinstance(default, str):  # another argument's value
        default = args[parameters(name).index(default)]
    expected = cells(name, core(*with_argument(name, args, argument, default)))
    assert excel.call(name, *with_argument(name, args, argument, BLANKS[blank])) == expected


def _required_cases():
    for name in FUNCTIONS:
        for argument in parameters(name):
            if argument not in DEFAULTS.get(name, {}):
                for blank in BLANKS:
                    yield pytest.param(name, argument, blank, id=f"{name}-{argument}-{blank}")


@pytest.mark.parametrize(("name", "argument", "blank"), list(_required_cases()))
def test_a_blank_required_argument_is_an_error_naming_it(excel, name, argument, blank):
    args = with_argument(name, FUNCTIONS[name][1], argument, BLANKS[blank])
    problem = expect_input_error(lambda: excel.call(name, *args))
    assert problem.message.startswith(f"{name}: {argument} is required")


# No answer: an Excel error value in its cell, never NaN, infinity or a blank -----------------


@pytest.mark.parametrize(
    ("name", "args", "no_answer"),
    [
        # The second efficient accuracy equals the frontier's 0.95.
        ("BREAKEVEN_ERROR_COST", (0.001, [[0.9], [0.95]], 0.05, 0.95), 1),
        # The first option B costs the same per task as option A.
        ("BREAKEVEN_VOLUME", (0.001, 6000, [[0.001], [0.013]], 0), 0),
        # Price rising 10 % a year while cost falls 20 %: the margin never reaches zero.
        ("YEARS_TO_ZERO_MARGIN", (10, 4, [[-0.5], [0.1]], -0.2), 1),
        # Volume doubling every month for 600 months, discounted at -99.99999999 %
        # a year (each month's cost 13.6 times the last month's in today's money):
        # beyond any float.
        ("TCO", (1000, 0.01, 0.9, 1, OMIT, OMIT, 600, 1, [[0.01], [-0.9999999999]]), 1),
    ],
)
def test_a_cell_without_an_answer_is_an_excel_error(excel, name, args, no_answer):
    expected_error = error(NO_ANSWER.get(name, "Num"))
    result = excel.call(name, *args)
    assert result[no_answer] == [expected_error]
    answered = result[1 - no_answer][0]
    assert isinstance(answered, float) and math.isfinite(answered)


@pytest.mark.parametrize(
    ("name", "args", "error_type"),
    [
        ("BREAKEVEN_ERROR_COST", (0.001, 0.95, 0.05, 0.95), "Div0"),
        ("BREAKEVEN_VOLUME", (0.001, 6000, 0.001, 0), "Div0"),
        ("YEARS_TO_ZERO_MARGIN", (10, 4, 0.1, -0.2), "NotAvailable"),
        ("TCO", (1000, 0.01, 0.9, 1, OMIT, OMIT, 600, 1, -0.9999999999), "Num"),
    ],
)
def test_a_single_cell_without_an_answer_is_an_excel_error(excel, name, args, error_type):
    assert excel.call(name, *args) == [[error(error_type)]]


# Bad input: the short message, through the Excel path ----------------------------------------

DIV0_CELL = {"type": "Error", "errorType": "Div0", "basicValue": "#DIV/0!"}
NA_CELL = {"type": "Error", "errorType": "NotAvailable", "basicValue": "#N/A"}
SPILL_CELL = {"type": "Error", "errorType": "Spill", "basicValue": "#SPILL!"}
#: A Stocks cell as Office.js hands it to a custom function.
LINKED_DATA_CELL = {"type": "LinkedEntity", "text": "Microsoft Corp", "id": {"domainId": "x"}}
TCO_ARGS = (1000, 0.01, 0.9, 1)


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        pytest.param(
            "TCO",
            (1000, "high", 0.9, 1),
            "TCO: cost_per_task must be a number, got the text 'high'",
            id="text",
        ),
        pytest.param(
            "TCO",
            (1000, 0.01, True, 1),
            "TCO: accuracy must be a number, got TRUE",
            id="TRUE",
        ),
        pytest.param(
            "MARGIN",
            (False, 4),
            "MARGIN: price must be a number, got FALSE",
            id="FALSE",
        ),
        pytest.param(
            "TCO",
            (1000, 0.01, 95, 1),
            "TCO: accuracy must be between 0 and 1, got 95 (enter 95% or 0.95)",
            id="percent-as-95",
        ),
        pytest.param(
            "TCO",
            (1000, -0.01, 0.9, 1),
            "TCO: cost_per_task must be 0 or more, got -0.01",
            id="negative",
        ),
        pytest.param(
            "TCO",
            (*TCO_ARGS, OMIT, OMIT, 12.5),
            "TCO: months must be a whole number from 1 to 600, got 12.5",
            id="fractional-months",
        ),
        pytest.param(
            "TCO",
            ([[1000], [2000], [3000]], 0.01, [[0.9], [0.8]], 1),
            "TCO: the ranges do not line up: tasks_per_month is 3 rows x 1 column, "
            "accuracy is 2 rows x 1 column (use ranges of one size, or a column against "
            "a row for a table)",
            id="mismatched-columns",
        ),
        pytest.param(
            "MARGIN",
            ([[10, 20, 40]], [[1, 2]]),
            "MARGIN: the ranges do not line up: price is 1 row x 3 columns, "
            "cost is 1 row x 2 columns (use ranges of one size, or a column against "
            "a row for a table)",
            id="mismatched-rows",
        ),
        pytest.param(
            "TCO",
            ([[1000, 2000], [3000, ""]], 0.01, 0.9, 1),
            "TCO: tasks_per_month must be a number, got a blank in row 2, column 2",
            id="blank-text-in-range",
        ),
        pytest.param(
            "TCO",
            ([[1000, None], [3000, 4000]], 0.01, 0.9, 1),
            "TCO: tasks_per_month must be a number, got a blank in row 1, column 2",
            id="empty-cell-in-range",
        ),
        pytest.param(
            "TCO",
            ([[1000], [NAN]], 0.01, 0.9, 1),
            "TCO: tasks_per_month must be a number, got a blank in row 2, column 1",
            id="NaN-in-range",
        ),
        pytest.param(
            "TCO",
            ([[1000], ["n/a"]], 0.01, 0.9, 1),
            "TCO: tasks_per_month must be a number, got the text 'n/a' in row 2, column 1",
            id="text-in-range",
        ),
        pytest.param(
            "TCO",
            ([[1000, 2000], [True, 4000]], 0.01, 0.9, 1),
            "TCO: tasks_per_month must be a number, got TRUE in row 2, column 1",
            id="TRUE-in-range",
        ),
        pytest.param(
            "TCO",
            (1000, 0.01, SPILL_CELL, 1),
            "TCO: accuracy must be a number, got the error value #SPILL!",
            id="error-cell-excel-cannot-be-handed-back",
        ),
        pytest.param(
            "TCO",
            (1000, 0.01, LINKED_DATA_CELL, 1),
            "TCO: accuracy must be a number, got a Stocks or Geography data type "
            "(refer to one of its fields, e.g. =A2.Price)",
            id="linked-data-type",
        ),
        pytest.param(
            "TCO",
            ([[1000], [LINKED_DATA_CELL]], 0.01, 0.9, 1),
            "TCO: tasks_per_month must be a number, got a Stocks or Geography data type "
            "(refer to one of its fields, e.g. =A2.Price) in row 2, column 1",
            id="linked-data-type-in-range",
        ),
        pytest.param(
            "TCO",
            ("__xlwings_not_an_object_handle__", 0.01, 0.9, 1),
            "TCO: tasks_per_month must be a number, got a Stocks or Geography data type "
            "(refer to one of its fields, e.g. =A2.Price)",
            id="linked-data-type-as-xlwings-server-sends-it",
        ),
        pytest.param(
            "TCO",
            ([[]], 0.01, 0.9, 1),
            "TCO: tasks_per_month is an empty range: give at least one value",
            id="empty-range",
        ),
        pytest.param(
            "MARGIN_PATH",
            (10, 4, [[-0.5, -0.3]], -0.2, 5),
            "MARGIN_PATH: annual_price_change must be a single value, got a range of "
            "1 row x 2 columns",
            id="range-where-one-value-belongs",
        ),
    ],
)
def test_bad_input_gives_the_short_message(excel, name, args, message):
    problem = expect_input_error(lambda: excel.call(name, *args))
    assert problem.message == message


# What Excel registers: names, descriptions, parameters -----------------------------------

#: Units an argument's help may state, in parentheses.
# "id": HDR's whole-number ids, which name a variable or an entity and count nothing.
UNITS = re.compile(r"\([^)]*\b(money|tokens|fraction|count|months|years|tokens per second|id)\b")


def _registered(excel) -> dict[str, dict]:
    return {function["id"]: function for function in excel.meta()["functions"]}


#: The functions that look prices up by model name (tests in test_prices_excel.py).
PRICE_FUNCTIONS = ["MODEL_PRICE", "MODEL_TOKEN_COST"]
#: Functions that take option blocks (tests in test_uncertainty_excel.py).
MONTE_CARLO = ["TCO_SIM", "PROB_CHEAPER", "TCO_TORNADO"]


def test_exactly_the_excel_functions_are_registered_under_upper_case_names(excel):
    functions = excel.meta()["functions"]
    expected = sorted([*FUNCTIONS, *PRICE_FUNCTIONS, *MONTE_CARLO])
    assert sorted(f["name"] for f in functions) == expected
    assert sorted(f["id"] for f in functions) == expected
    assert sorted(udfs.__all__) == expected


@pytest.mark.parametrize("name", FUNCTIONS)
def test_each_function_has_a_one_line_description(excel, name):
    description = _registered(excel)[name]["description"]
    assert description.strip()
    assert "\n" not in description
    assert len(description) <= 255  # the longest text Excel's function dialog takes


@pytest.mark.parametrize("name", FUNCTIONS)
def test_each_parameter_says_unit_range_and_default(excel, name):
    registered = _registered(excel)[name]["parameters"]
    assert [p["name"] for p in registered] == parameters(name)
    for parameter in registered:
        argument, text = parameter["name"], parameter["description"]
        assert 0 < len(text) <= 255, argument
        assert "\n" not in text, argument
        assert UNITS.search(text), f"{name} {argument}: no unit in {text!r}"
        assert "Must be " in text, f"{name} {argument}: no allowed range in {text!r}"
        if argument in DEFAULTS.get(name, {}):
            assert parameter.get("optional") is True, argument
            default = DEFAULTS[name][argument]
            assert text.endswith(f"Optional, default {default}."), text
        else:
            assert "optional" not in parameter, argument
            assert "Optional" not in text, argument


@pytest.mark.parametrize(
    ("name", "argument", "allowed"),
    [
        # The contract's table of allowed values, and the functions' own rules.
        ("TCO", "accuracy", "Must be between 0 and 1."),
        ("TCO", "months", "Must be a whole number from 1 to 600."),
        ("TCO", "monthly_growth", "Must be greater than -1 and at most 1."),
        ("MARGIN_PATH", "years", "Must be a whole number from 1 to 100."),
        ("SELFHOST_COST", "utilization", "Must be greater than 0 and at most 1."),
        ("SELFHOST_COST", "tokens_per_second", "Must be greater than 0."),
        ("COST_PER_CORRECT", "accuracy", "Must be greater than 0 and at most 1."),
        ("BREAKEVEN_ACCURACY", "cost_per_error", "Must be greater than 0."),
        ("YEARS_TO_ZERO_MARGIN", "cost", "Must be greater than 0."),
        ("MARGIN", "cost", "Must be 0 or more."),
    ],
)
def test_the_allowed_range_is_the_contracts(excel, name, argument, allowed):
    [parameter] = [p for p in _registered(excel)[name]["parameters"] if p["name"] == argument]
    assert allowed in parameter["description"]


# The Python side of the Excel functions -------------------------------------------------


@pytest.mark.parametrize("name", FUNCTIONS)
def test_the_excel_function_takes_the_cores_arguments(name):
    core = FUNCTIONS[name][0]
    wrapper = inspect.signature(getattr(udfs, name)).parameters
    own = inspect.signature(core).parameters
    assert list(wrapper) == list(own)
    for argument, parameter in own.items():
        optional = parameter.default is not inspect.Parameter.empty
        # None in Excel is a blank cell or an omitted argument, which the core reads as default.
        assert (wrapper[argument].default is None) == optional, argument
        assert (wrapper[argument].default is inspect.Parameter.empty) == (not optional)


def test_importing_the_excel_functions_does_not_import_openpyxl():
    found = subprocess.run(
        [sys.executable, "-c", "import xlfuncs.udfs, sys; print('openpyxl' in sys.modules)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == "False"


def test_a_formatted_number_cell_counts_as_its_number(excel):
    # Office.js may hand over a cell as a data type carrying its plain value in
    # "basicValue" (a currency or date format, for example). MARGIN(10, 4) is
    # (10 - 4) / 10 = 0.6 by hand, whichever way the 10 arrives.
    price = {"type": "FormattedNumber", "basicValue": 10, "numberFormat": "$#,##0.00"}
    assert excel.call("MARGIN", [[price]], 4) == [[0.6]]
    assert excel.call("MARGIN", [[price], [price]], 4) == [[0.6], [0.6]]


# Error values as arguments: the first one is the answer, as with Excel's own functions ----


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        pytest.param("TCO", (1000, 0.01, DIV0_CELL, 1), "Div0", id="a-single-cell"),
        pytest.param("TCO", ([[1000], [DIV0_CELL]], 0.01, 0.9, 1), "Div0", id="a-cell-of-a-range"),
        pytest.param(
            "TCO", (1000, NA_CELL, DIV0_CELL, 1), "NotAvailable", id="the-first-argument-wins"
        ),
        pytest.param(
            "TCO",
            ([[1000, NA_CELL], [DIV0_CELL, 4000]], 0.01, 0.9, 1),
            "NotAvailable",
            id="row-by-row-within-a-range",
        ),
        pytest.param(
            # Bad input elsewhere does not hide the error value: Excel's own
            # functions also answer with the error they were given.
            "TCO",
            (1000, -0.01, DIV0_CELL, 1),
            "Div0",
            id="before-any-check",
        ),
        pytest.param(
            "TCO",
            (1000, 0.01, {"type": "Error", "errorType": "Num"}, 1),
            "Num",
            id="without-its-text",
        ),
        pytest.param(
            "MARGIN",
            (10, [[{"type": "Error", "errorType": "Ref", "basicValue": "#REF!"}]]),
            "Ref",
            id="ref",
        ),
    ],
)
def test_an_error_value_among_the_arguments_is_the_answer(excel, name, args, expected):
    assert excel.call(name, *args) == [[error(expected)]]


# The wire: results too large for Office.js are refused with their size -----------------


@pytest.fixture(scope="module")
def excel_limited(tmp_path_factory):
    """An Office.js host whose result limit is set to 100,000 bytes."""
    host = ExcelHost(
        tmp_path_factory.mktemp("excel_host_limited") / "stderr.txt",
        env={"XLFUNCS_MAX_RESULT_BYTES": "100000"},
    )
    yield host
    host.close()


def test_a_result_larger_than_the_limit_is_refused_with_its_size(excel_limited):
    # 100 x 100 = 10,000 cells of about 17 characters each: about 180 KB of JSON,
    # above the 100,000 bytes the host was started with.
    volumes = [[v] for v in range(1000, 101000, 1000)]
    accuracies = [[0.5 + i / 250 for i in range(100)]]
    problem = expect_input_error(
        lambda: excel_limited.call("TCO", volumes, 0.013, accuracies, 7.5, OMIT, OMIT, 36)
    )
    assert re.fullmatch(
        r"TCO: the result is 100 rows x 100 columns, about 1\d\d KB to send to Excel, more "
        r"than the limit of 100 KB \(use smaller ranges, or raise the limit with the setting "
        r"XLFUNCS_MAX_RESULT_BYTES\)",
        problem.message,
    ), problem.message


def test_ranges_that_span_too_many_cells_are_refused_before_computing(excel_limited):
    # A 1,000-row column against a 1,000-column row spans 1,000,000 cells: at
    # least 4 bytes of JSON each ("0.0,"), 4 MB, above the 100,000 bytes allowed.
    volumes = [[float(v)] for v in range(1, 1001)]
    accuracies = [[0.5 + i / 2500 for i in range(1000)]]
    problem = expect_input_error(lambda: excel_limited.call("TCO", volumes, 0.01, accuracies, 8))
    assert problem.message == (
        "TCO: the ranges given span 1,000 rows x 1,000 columns, at least 4.0 MB to send to "
        "Excel, more than the limit of 100 KB (use smaller ranges, or raise the limit with "
        "the setting XLFUNCS_MAX_RESULT_BYTES)"
    )


def test_whole_columns_against_whole_rows_are_refused_not_computed(excel):
    # =TCO(A:A, 0.01, 1:1, 8): 1,048,576 x 16,384 cells, some 17 billion, which
    # no machine could hold; the host must answer, and stay up for the next call.
    column = [[float(v)] for v in range(1, 1_048_577)]
    row = [[0.9] * 16_384]
    problem = expect_input_error(lambda: excel.call("TCO", column, 0.01, row, 8))
    assert problem.message.startswith(
        "TCO: the ranges given span 1,048,576 rows x 16,384 columns, at least 68.7 GB"
    ), problem.message
    assert excel.call("TCO", 1000, 0.01, 0.9, 8) == [[pytest.approx(12 * 1000 * 0.81)]]


def test_a_result_within_the_limit_is_sent(excel_limited):
    # 10 x 100 cells: about 18 KB, below the limit.
    volumes = [[v] for v in range(1000, 11000, 1000)]
    accuracies = [[0.5 + i / 250 for i in range(100)]]
    table = excel_limited.call("TCO", volumes, 0.013, accuracies, 7.5)
    expected = xlfuncs.tco(np.array(volumes), 0.013, np.array(accuracies), 7.5)
    assert table == expected.tolist()


def test_the_default_limit_is_five_megabytes_and_spares_a_100000_row_column(excel):
    from xlfuncs._excel import MAX_RESULT_BYTES

    assert MAX_RESULT_BYTES == 5_000_000  # Microsoft's documented payload limit, 5 MB
    volumes = [[float(v)] for v in range(1, 100_001)]
    table = excel.call("TCO", volumes, 0.01, 0.9, 1)
    assert len(table) == 100_000 and table[-1] == [pytest.approx(12 * 100_000 * 0.11)]


@pytest.mark.parametrize("setting", ["0", "-5", "five megabytes"])
def test_a_bad_limit_setting_is_named(monkeypatch, setting):
    from xlfuncs._excel import FunctionInputError, _max_result_bytes

    monkeypatch.setenv("XLFUNCS_MAX_RESULT_BYTES", setting)
    with pytest.raises(FunctionInputError) as caught:
        _max_result_bytes("TCO")
    assert str(caught.value) == (
        "TCO: the setting XLFUNCS_MAX_RESULT_BYTES must be a whole number of bytes, 1 or more, "
        f"got {setting!r}"
    )
