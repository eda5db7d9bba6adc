"""TCO_TORNADO: the cases it builds, their order, and the table it returns.

Expected figures are TCO computed case by case in the test by the
month-by-month reference (:mod:`reference_models`, one scalar call per case,
independent of the core's closed form): the tornado's job is to build the
cases and order them, and its one vectorised call must agree with SPEC's
definition. A few figures are also worked by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import reference_models
from uncertainty_examples import BOTH, EFFICIENT, FRONTIER

import xlfuncs

MOST_LIKELY = {
    "tasks_per_month": 1_000,
    "cost_per_task": 0.01,
    "accuracy": 0.95,
    "cost_per_error": 2.0,
    "upfront": 5_000,
    "monthly_fixed": 100,
    "months": 24,
    "monthly_growth": 0.01,
    "annual_discount_rate": 0.08,
}
GUESSES = {
    "tasks_per_month": (800, 1_000, 1_500),
    "accuracy": (0.90, 0.95, 0.97),
    "cost_per_error": (1.0, 2.0, 10.0, "pert"),  # the distribution does not matter here
    "upfront": (2_000, 5_000, 9_000),
    "months": (12, 24, 36),
}
BLOCK = {**MOST_LIKELY, **GUESSES}


def tco_with(values, **changes):
    return reference_models.tco(**{**values, **changes})


def rows(table):
    return [tuple(record) for record in table.tolist()]


def test_the_table_has_the_contracts_six_columns():
    table = xlfuncs.tco_tornado(BLOCK)
    assert table.dtype.names == (
        "input",
        "low",
        "high",
        "result_at_low",
        "result_at_high",
        "swing",
    )
    assert table.shape == (1 + len(GUESSES),)


def test_each_swing_is_tco_with_one_input_at_low_and_high():
    table = xlfuncs.tco_tornado(BLOCK)
    base = tco_with(MOST_LIKELY)
    name, low, high, at_low, at_high, swing = table[0].tolist()
    assert name == "base" and math.isnan(low) and math.isnan(high)
    assert at_low == pytest.approx(base, rel=1e-12) and at_high == at_low and swing == 0
    seen = set()
    for name, low, high, at_low, at_high, swing in table[1:].tolist():
        guess = GUESSES[name]
        assert (low, high) == (guess[0], guess[2])  # as typed
        assert at_low == pytest.approx(tco_with(MOST_LIKELY, **{name: low}), rel=1e-12)
        assert at_high == pytest.approx(tco_with(MOST_LIKELY, **{name: high}), rel=1e-12)
        assert swing == abs(at_high - at_low)
        seen.add(name)
    assert seen == set(GUESSES)


def test_rows_are_ordered_by_swing_largest_first():
    swings = xlfuncs.tco_tornado(BLOCK)["swing"][1:]
    assert np.all(np.diff(swings) <= 0)


def test_a_hand_worked_table():
    # 12 months of 1,000 tasks at 0.01 with 5 % errors at 2: 12 * 1000 * 0.11 = 1,320.
    # Errors at 1 or 10: 12 * 1000 * (0.01 + 0.05 e) = 720 or 6,120 (swing 5,400).
    # 800 or 1,500 tasks: 1,056 or 1,980 (swing 924).
    # Accuracy 0.9 or 0.97: 12 * 1000 * (0.01 + 0.1 * 2) = 2,520, or 840 (swing 1,680).
    block = {
        "tasks_per_month": (800, 1000, 1500),
        "cost_per_task": 0.01,
        "accuracy": (0.9, 0.95, 0.97),
        "cost_per_error": (1, 2, 10),
    }
    table = rows(xlfuncs.tco_tornado(block))[1:]
    got = [(n, lo, hi, round(a, 6), round(b, 6), round(s, 6)) for n, lo, hi, a, b, s in table]
    assert got == [
        ("cost_per_error", 1, 10, 720.0, 6120.0, 5400.0),
        ("accuracy", 0.9, 0.97, 2520.0, 840.0, 1680.0),
        ("tasks_per_month", 800, 1500, 1056.0, 1980.0, 924.0),
    ]


def test_equal_swings_keep_tcos_argument_order():
    # upfront and monthly_fixed * months both add one for one: a guess of
    # 0..1,200 upfront and 0..100 a month over 12 months swing TCO by 1,200
    # each; so does monthly_fixed. TCO's order is upfront, then monthly_fixed.
    block = {
        "monthly_fixed": (0, 50, 100),
        "upfront": (0, 600, 1_200),
        "tasks_per_month": 1_000,
        "cost_per_task": 0.01,
        "accuracy": 0.95,
        "cost_per_error": 2,
    }
    table = xlfuncs.tco_tornado(block)
    assert table["swing"][1] == table["swing"][2] == pytest.approx(1_200)
    assert table["input"].tolist() == ["base", "upfront", "monthly_fixed"]


def test_equal_swings_keep_block_order_option_other_shared():
    # Two identical options with the same guess of the cost per error. The
    # option's row and the other's swing the difference by exactly as much
    # (one moves TCO(option), the other -TCO(other)); the shared volume moves
    # both alike, so the difference does not swing at all.
    option = {"cost_per_task": 0.01, "accuracy": 0.9, "cost_per_error": (1, 2, 3)}
    table = xlfuncs.tco_tornado(option, dict(option), {"tasks_per_month": (500, 1000, 2000)})
    assert table["input"].tolist() == [
        "base",
        "a:cost_per_error",
        "b:cost_per_error",
        "shared:tasks_per_month",
    ]
    # 12 months x 1,000 tasks x 10 % errors x (3 - 1) = 2,400
    assert table["swing"][1] == table["swing"][2] == pytest.approx(2_400)
    assert table["swing"][3] == 0.0 and table["result_at_low"][0] == 0.0


def test_two_blocks_give_differences_with_prefixed_names():
    efficient, frontier, shared = EFFICIENT, FRONTIER, BOTH
    table = xlfuncs.tco_tornado(efficient, frontier, shared)
    likely = {
        name: value[1] if isinstance(value, tuple) else value
        for name, value in {**efficient, **shared}.items()
    }
    other = {
        name: value[1] if isinstance(value, tuple) else value
        for name, value in {**frontier, **shared}.items()
    }
    assert table[0]["result_at_low"] == pytest.approx(
        reference_models.tco(**likely) - reference_models.tco(**other), rel=1e-12
    )
    expected_names = {
        "a:accuracy",
        "a:cost_per_error",
        "a:upfront",
        "b:accuracy",
        "b:cost_per_error",
        "shared:tasks_per_month",
        "shared:monthly_growth",
    }
    assert set(table["input"][1:].tolist()) == expected_names
    for name, low, high, at_low, at_high, _ in rows(table)[1:]:
        block, argument = name.split(":")
        for value, result in ((low, at_low), (high, at_high)):
            a = {**likely, argument: value} if block in ("a", "shared") else likely
            b = {**other, argument: value} if block in ("b", "shared") else other
            expected = reference_models.tco(**a) - reference_models.tco(**b)
            assert result == pytest.approx(expected, rel=1e-9, abs=1e-6)


def test_a_shared_block_alone_adds_rows_without_prefixes():
    option = {"cost_per_task": 0.01, "accuracy": 0.95, "cost_per_error": 2}
    table = xlfuncs.tco_tornado(option, None, {"tasks_per_month": (800, 1000, 1500)})
    assert table["input"].tolist() == ["base", "tasks_per_month"]
    assert table["result_at_high"][1] == pytest.approx(
        reference_models.tco(1500, 0.01, 0.95, 2), rel=1e-12
    )


def test_an_overflowing_swing_goes_last():
    # Volume growing 100 % a month for 600 months overflows: its high case is
    # infinite, so its swing is too, and it sorts after the finite swings.
    block = {
        "tasks_per_month": 1e300,
        "cost_per_task": (0.01, 0.02, 0.03),
        "accuracy": 0.95,
        "cost_per_error": 2,
        "months": (1, 1, 600),
        "monthly_growth": 1.0,
    }
    table = xlfuncs.tco_tornado(block)
    assert table["input"].tolist() == ["base", "cost_per_task", "months"]
    assert not math.isfinite(table["swing"][2])


def test_no_random_numbers_the_same_table_every_time():
    first = xlfuncs.tco_tornado(BLOCK)
    assert repr(first.tolist()) == repr(xlfuncs.tco_tornado(BLOCK).tolist())


def test_a_sheet_range_gives_the_same_table_as_a_mapping():
    sheet = [["Parameter", "Low", "Most likely", "High", "Distribution"]]
    for name, value in BLOCK.items():
        if isinstance(value, tuple):
            sheet.append([name, *value[:3], value[3] if len(value) == 4 else ""])
        else:
            sheet.append([name, value, "", "", ""])
    assert repr(xlfuncs.tco_tornado(sheet).tolist()) == repr(xlfuncs.tco_tornado(BLOCK).tolist())


# --- errors ----------------------------------------------------------------------------------


def test_no_uncertain_row_is_an_error_not_a_lone_base_row():
    with pytest.raises(xlfuncs.InputError) as caught:
        xlfuncs.tco_tornado(MOST_LIKELY)
    assert str(caught.value) == (
        "TCO_TORNADO: no input is uncertain, so nothing can swing; give at least one row of "
        "option_block a low below its high"
    )
    assert caught.value.argument == "option_block"
    flat = {**MOST_LIKELY, "accuracy": (0.95, 0.95, 0.95)}  # low = high is a fixed value
    del flat["months"]
    with pytest.raises(xlfuncs.InputError, match="option_block, other_block or shared_block a low"):
        xlfuncs.tco_tornado(flat, flat, {"months": 12})


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ({**MOST_LIKELY, "accuracy": (0.9, 0.95, 1.2)},),
            "TCO_TORNADO: option_block: accuracy high must be between 0 and 1, got 1.2 (enter 1.2% "
            "or 0.012)",
        ),
        (
            (BLOCK, {"cost_per_task": 0.01}),
            "TCO_TORNADO: other_block has no row for tasks_per_month, which is required",
        ),
        (
            (BLOCK, None, {"tasks_per_month": 5}),
            "TCO_TORNADO: tasks_per_month is in shared_block and in option_block; give it in "
            "one place",
        ),
        (
            (BLOCK, None, {"accuracy": 0.9}),
            "TCO_TORNADO: shared_block: accuracy cannot be given here; shared_block takes "
            "tasks_per_month, months, monthly_growth, annual_discount_rate",
        ),
    ],
)
def test_bad_blocks_are_named(arguments, message):
    with pytest.raises(xlfuncs.InputError) as caught:
        xlfuncs.tco_tornado(*arguments)
    assert str(caught.value) == message
