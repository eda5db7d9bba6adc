"""The checking rule's own words: what a rule allows, numbers as people write them, places.

Every expected text is written by hand from the contract's wording.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import xlfuncs
from xlfuncs._validation import Rule, format_number


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (Rule(low=0.0), "0 or more"),
        (Rule(low=0.0, low_open=True), "greater than 0"),
        (Rule(low=0.0, high=1.0), "between 0 and 1"),
        (Rule(low=0.0, high=1.0, low_open=True), "greater than 0 and at most 1"),
        (Rule(low=0.0, high=1.0, low_open=True, high_open=True), "greater than 0 and less than 1"),
        (Rule(low=0.0, high=1.0, high_open=True), "from 0 to less than 1"),
        (Rule(low=1.0, high=600.0, whole=True), "a whole number from 1 to 600"),
    ],
)
def test_a_rule_says_what_it_allows(rule, words):
    assert rule.describe() == words


def test_a_rule_by_default_is_closed_not_whole_and_not_a_fraction():
    rule = Rule(low=0.0, high=1.0)
    assert (rule.low, rule.high) == (0.0, 1.0)
    assert rule.admits_number(0.0) and rule.admits_number(1.0) and rule.admits_number(0.5)
    assert not rule.low_open and not rule.high_open and not rule.whole and not rule.fraction
    assert rule.hint(50) == ""  # not a share or rate: 50 is not read as 50 %
    assert Rule().admits_number(-1e300) and Rule().admits_number(1e300)


def test_the_hint_follows_the_rule_not_the_argument_name():
    # A rate allowed up to 1000 %: 100 may be 100 %, 101 is never a percentage typed bare.
    wide = Rule(low=-1.0, high=10.0, low_open=True, fraction=True)
    assert wide.hint(100) == "enter 100% or 1"
    assert wide.hint(100.5) == ""
    assert wide.hint(101) == ""
    assert wide.hint(1) == ""  # size 1 is not above 1
    assert wide.hint(math.inf) == ""


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (95, "95"),
        (0.95, "0.95"),
        (-0.1, "-0.1"),
        (12.5, "12.5"),
        (999999999999999.0, "999999999999999"),
        (1e15, "1e+15"),
        (1e20, "1e+20"),
        (1.0000000001, "1.0000000001"),
        (math.nan, "NaN"),
        (math.inf, "infinity"),
        (-math.inf, "minus infinity"),
    ],
)
def test_numbers_read_as_a_person_writes_them(value, text):
    assert format_number(value) == text


def test_a_bad_value_deep_in_a_3_d_array_is_placed():
    accuracy = np.full((2, 3, 2), 0.9)
    accuracy[1, 2, 0] = 95
    message = (
        "TCO: accuracy must be between 0 and 1, got 95 at position (2, 3, 1) (enter 95% or 0.95)"
    )
    with pytest.raises(xlfuncs.InputError, match=f"^{re.escape(message)}$"):
        xlfuncs.tco(1000, 0.01, accuracy, 2.0)


def test_a_3_d_array_where_one_value_belongs_is_described_by_its_shape():
    message = "MARGIN_PATH: price must be a single value, got a range of shape 2 x 1 x 3"
    with pytest.raises(xlfuncs.InputError, match=f"^{re.escape(message)}$"):
        xlfuncs.margin_path(np.ones((2, 1, 3)), 4, 0, 0, 3)


def test_ranges_that_do_not_line_up_are_named_by_their_shapes():
    message = (
        "MARGIN: the ranges do not line up: price is shape 2 x 1 x 3, cost is 4 values "
        "(use ranges of one size, or a column against a row for a table)"
    )
    with pytest.raises(xlfuncs.InputError, match=f"^{re.escape(message)}$"):
        xlfuncs.margin(np.ones((2, 1, 3)), [1, 2, 3, 4])


def test_numbers_held_as_objects_are_numbers():
    # A column read from a spreadsheet library can hold Python ints of any size.
    volumes = np.array([1000, 2**70], dtype=object)
    expected = xlfuncs.tco(np.array([1000.0, 2.0**70]), 0.01, 0.95, 2.0)
    assert list(xlfuncs.tco(volumes, 0.01, 0.95, 2.0)) == list(expected)


def test_a_range_of_complex_numbers_is_not_numbers():
    message = "TCO: cost_per_task must be a number, got [(1+2j)]"
    with pytest.raises(xlfuncs.InputError, match=f"^{re.escape(message)}$"):
        xlfuncs.tco(1000, [1 + 2j], 0.95, 2.0)


def test_a_value_that_is_no_number_inside_a_range_is_shown_as_it_is():
    costs = np.array([0.01, 1 + 2j], dtype=object)
    message = "TCO: cost_per_task must be a number, got (1+2j) in item 2"
    with pytest.raises(xlfuncs.InputError, match=f"^{re.escape(message)}$"):
        xlfuncs.tco(1000, costs, 0.95, 2.0)


# A whole number too large for a float (a pasted ID, a runaway formula) -----------------

_HUGE = 10**400  # a float holds up to about 1.8e308
_VALID = {
    "token_cost": (1000, 200, 3, 15),
    "selfhost_cost": (2.5, 1000, 50),
    "error_cost": (0.9, 10),
    "cost_per_correct": (0.01, 0.9),
    "net_value": (1, 0.9, 0.01, 10),
    "tco": (1000, 0.01, 0.9, 10),
    "breakeven_accuracy": (0.01, 0.05, 0.99, 10),
    "breakeven_error_cost": (0.01, 0.9, 0.05, 0.99),
    "breakeven_volume": (0.001, 1000, 0.01, 0),
    "margin": (1, 0.4),
    "margin_path": (1, 0.4, -0.1, -0.2, 3),
    "years_to_zero_margin": (1, 0.4, -0.3, -0.1),
}


@pytest.mark.parametrize("name", sorted(_VALID))
def test_a_whole_number_too_large_for_a_cell_is_bad_input_naming_its_size(name):
    function = getattr(xlfuncs, name)
    for position in range(len(_VALID[name])):
        arguments = list(_VALID[name])
        arguments[position] = _HUGE
        with pytest.raises(xlfuncs.InputError) as caught:  # not OverflowError
            function(*arguments)
        assert "a whole number of 401 digits, more than any cell can hold" in str(caught.value)


def test_a_whole_number_too_large_for_a_cell_in_an_option_block():
    block = {"tasks_per_month": (1, 2, _HUGE), "cost_per_task": 0.01, "accuracy": 0.9}
    with pytest.raises(xlfuncs.InputError, match="401 digits"):
        xlfuncs.tco_sim(block | {"cost_per_error": 1})
    # The largest whole number a float holds is still a number.
    assert xlfuncs.margin(2**1023, 1) == pytest.approx(1.0)
