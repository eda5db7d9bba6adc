"""Break-even functions against hand-worked cases (contract section "Break-even").

Results are returned unclamped; only a division by zero has no answer, which
is NaN in Python (#DIV/0! in Excel).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import xlfuncs


def approx(expected):
    # Hand values are decimals; a relative 1e-12 is a few hundred ulps.
    return pytest.approx(expected, rel=1e-12, abs=1e-15)


# BREAKEVEN_ACCURACY -------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # 0.99 - (0.05 - 0.002) / 10 = 0.99 - 0.0048
        ((0.002, 0.05, 0.99, 10), 0.9852),
        # equal costs: the efficient option needs the frontier's accuracy
        ((0.03, 0.03, 0.97, 100), 0.97),
        # frontier dearer by 0.5 per task, errors cost 1000: 0.9 - 0.5 / 1000
        ((0.0, 0.5, 0.9, 1000), 0.8995),
        # efficient option dearer per task: 0.9 - (0.01 - 0.02) / 1 = 0.91
        ((0.02, 0.01, 0.9, 1), 0.91),
        # below 0 is returned as is (wins at any accuracy): 0.99 - 50 / 10 = -4.01
        ((0.0, 50.0, 0.99, 10), -4.01),
        # fixed costs spread over the volume, above 1 returned as is (loses at
        # any accuracy): 0.99 - (0.048 + (0 - 3000) / 10000) / 10
        # = 0.99 - (0.048 - 0.3) / 10 = 0.99 + 0.0252
        ((0.002, 0.05, 0.99, 10, 3000, 0, 10_000), 1.0152),
        # frontier fixed costs: 0.95 - (0.01 + (500 - 100) / 1000) / 20 = 0.95 - 0.41 / 20
        ((0.0, 0.01, 0.95, 20, 100, 500, 1000), 0.9295),
        # tasks_per_month defaults to 1: 0.95 - (0 + (10 - 0) / 1) / 100 = 0.85
        ((0.0, 0.0, 0.95, 100, 0, 10), 0.85),
    ],
)
def test_breakeven_accuracy_hand_cases(args, expected):
    assert xlfuncs.breakeven_accuracy(*args) == approx(expected)


def test_breakeven_accuracy_column_against_row():
    # frontier_accuracy down, cost_per_error across; a - (0.05 - 0.01) / cpe
    table = xlfuncs.breakeven_accuracy(0.01, 0.05, [[0.9], [0.99]], [[1.0, 10.0, 100.0]])
    # 0.9 - 0.04, 0.9 - 0.004, 0.9 - 0.0004; 0.99 - 0.04, 0.99 - 0.004, 0.99 - 0.0004
    expected = [[0.86, 0.896, 0.8996], [0.95, 0.986, 0.9896]]
    np.testing.assert_allclose(table, expected, rtol=1e-12)


# BREAKEVEN_ERROR_COST -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # the essay's case: (50 - 0.001) / (0.99 - 0.95) = 49.999 / 0.04
        ((0.001, 0.95, 50, 0.99), 1249.975),
        # (0.05 - 0.01) / (0.98 - 0.9) = 0.04 / 0.08
        ((0.01, 0.9, 0.05, 0.98), 0.5),
        # fixed costs: (0.04 + (0 - 2000) / 10000) / 0.08 = (0.04 - 0.2) / 0.08;
        # negative is returned as is (frontier never cheaper, whatever an error costs)
        ((0.01, 0.9, 0.05, 0.98, 2000, 0, 10_000), -2.0),
        # frontier less accurate: 0.04 / (0.95 - 0.99) = -1
        ((0.01, 0.99, 0.05, 0.95), -1.0),
        # equal costs, different accuracies: 0 / 0.1 = 0 (frontier wins at any cost)
        ((0.02, 0.8, 0.02, 0.9), 0.0),
        # frontier fixed costs, default volume 1: (0 + (30 - 0) / 1) / (1 - 0.7) = 100
        ((0.0, 0.7, 0.0, 1.0, 0, 30), 100.0),
    ],
)
def test_breakeven_error_cost_hand_cases(args, expected):
    assert xlfuncs.breakeven_error_cost(*args) == approx(expected)


@pytest.mark.parametrize(
    "args",
    [
        # equal accuracies: 0.04 / 0
        (0.01, 0.95, 0.05, 0.95),
        # equal accuracies and equal costs: 0 / 0
        (0.01, 0.95, 0.01, 0.95),
        # equal accuracies, difference only in fixed costs: (100 / 10) / 0
        (0.01, 0.9, 0.01, 0.9, 0, 100, 10),
    ],
)
def test_breakeven_error_cost_equal_accuracies_has_no_answer(args):
    result = xlfuncs.breakeven_error_cost(*args)
    assert type(result) is float
    assert math.isnan(result)


def test_breakeven_error_cost_column_against_row_with_a_gap():
    # efficient_accuracy down, frontier_accuracy across; 0.04 / (fa - ea)
    table = xlfuncs.breakeven_error_cost(0.01, [[0.9], [0.95]], 0.05, [[0.95, 0.98]])
    # 0.04 / 0.05, 0.04 / 0.08; 0.04 / 0 (no answer), 0.04 / 0.03
    expected = [[0.8, 0.5], [np.nan, 4 / 3]]
    np.testing.assert_allclose(table, expected, rtol=1e-12)


# BREAKEVEN_VOLUME ---------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # GPU server at 6000 a month and 0.001 per task against an API at 0.013:
        # (6000 - 0) / (0.013 - 0.001) = 6000 / 0.012
        ((0.001, 6000, 0.013, 0), 500_000.0),
        # negative returned as is (A dearer per task too): 6000 / (0.013 - 0.02) = 6000 / -0.007
        ((0.02, 6000, 0.013, 0), -857142.8571428572),
        # equal fixed costs: 0 / (0.002 - 0.001) = 0
        ((0.001, 100, 0.002, 100), 0.0),
        # B has the fixed cost: (0 - 500) / (0.01 - 0.06) = -500 / -0.05
        ((0.06, 0, 0.01, 500), 10_000.0),
    ],
)
def test_breakeven_volume_hand_cases(args, expected):
    assert xlfuncs.breakeven_volume(*args) == approx(expected)


@pytest.mark.parametrize(
    "args",
    [
        # equal costs per task: 6000 / 0
        (0.01, 6000, 0.01, 0),
        # everything equal: 0 / 0
        (0.01, 100, 0.01, 100),
        # all zero: 0 / 0
        (0, 0, 0, 0),
    ],
)
def test_breakeven_volume_equal_costs_per_task_has_no_answer(args):
    result = xlfuncs.breakeven_volume(*args)
    assert type(result) is float
    assert math.isnan(result)


def test_breakeven_volume_column_against_row():
    # a_cost_per_task down, b_cost_per_task across; 100 / (b - a)
    table = xlfuncs.breakeven_volume([[0.01], [0.02]], 100, [[0.01, 0.03]], 0)
    # 100 / 0 (no answer), 100 / 0.02; 100 / -0.01, 100 / 0.01
    expected = [[np.nan, 5000.0], [-10_000.0, 10_000.0]]
    np.testing.assert_allclose(table, expected, rtol=1e-12)


# Return types -------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "args"),
    [
        (xlfuncs.breakeven_accuracy, (0.002, 0.05, 0.99, 10)),
        (xlfuncs.breakeven_error_cost, (0.001, 0.95, 50, 0.99)),
        (xlfuncs.breakeven_volume, (0.001, 6000, 0.013, 0)),
    ],
)
def test_single_values_give_a_plain_float(function, args):
    assert type(function(*args)) is float


def test_breakeven_accepts_lists():
    # 0.99 - 0.048 / 10, 0.99 - 0.048 / 100
    result = xlfuncs.breakeven_accuracy(0.002, 0.05, 0.99, [10, 100])
    np.testing.assert_allclose(result, [0.9852, 0.98952], rtol=1e-12)
