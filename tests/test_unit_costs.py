"""Unit costs against hand-worked cases (contract section "Unit costs").

Expected values are decimal hand calculations; the float results may differ
from them in the last bits, hence ``approx`` at a relative 1e-12 (a few
hundred ulps, far below any formula mistake).
"""

from __future__ import annotations

import numpy as np
import pytest

import xlfuncs


def approx(expected):
    return pytest.approx(expected, rel=1e-12, abs=1e-15)


# TOKEN_COST ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        # (1000 * 3 + 500 * 15) / 1e6 = 10500 / 1e6
        ((1000, 500, 3.0, 15.0), {}, 0.0105),
        # 3 * (1000 * 3 + (500 + 2000) * 15) / 1e6 = 3 * 40500 / 1e6
        ((1000, 500, 3.0, 15.0), {"reasoning_tokens": 2000, "calls": 3}, 0.1215),
        # fractional calls: 1.5 * 10500 / 1e6
        ((1000, 500, 3.0, 15.0), {"calls": 1.5}, 0.01575),
        # no calls, no cost: 0 * 10500 / 1e6
        ((1000, 500, 3.0, 15.0), {"calls": 0}, 0.0),
        # 10000 * (0.25 * 2 + 0.75 * 0.5) / 1e6 = 10000 * 0.875 / 1e6
        ((10_000, 0, 2.0, 8.0), {"cached_share": 0.75, "cached_price": 0.5}, 0.00875),
        # cached_price omitted is input_price: 10000 * (0.25 * 2 + 0.75 * 2) / 1e6
        ((10_000, 0, 2.0, 8.0), {"cached_share": 0.75}, 0.02),
        # everything cached, for free: 10000 * (0 * 2 + 1 * 0) / 1e6 + 100 * 8 / 1e6
        ((10_000, 100, 2.0, 8.0), {"cached_share": 1, "cached_price": 0}, 0.0008),
        # reasoning tokens bill at the output price: (0 * 3 + (0 + 1000) * 15) / 1e6
        ((0, 0, 3.0, 15.0), {"reasoning_tokens": 1000}, 0.015),
    ],
)
def test_token_cost_hand_cases(args, kwargs, expected):
    assert xlfuncs.token_cost(*args, **kwargs) == approx(expected)


def test_token_cost_all_arguments_by_position():
    # 2 * (1000 * (0.5 * 4 + 0.5 * 1) + (200 + 300) * 10) / 1e6 = 2 * 7500 / 1e6
    assert xlfuncs.token_cost(1000, 200, 4.0, 10.0, 300, 2, 0.5, 1.0) == approx(0.015)


def test_token_cost_column_against_row():
    # input_tokens down, output_price across; (input * 3 + 500 * price) / 1e6:
    # 1000: 3000 + 5000, 3000 + 10000, 3000 + 15000
    # 2000: 6000 + 5000, 6000 + 10000, 6000 + 15000
    table = xlfuncs.token_cost([[1000], [2000]], 500, 3.0, [[10.0, 20.0, 30.0]])
    assert table.shape == (2, 3)
    np.testing.assert_allclose(table, [[0.008, 0.013, 0.018], [0.011, 0.016, 0.021]], rtol=1e-12)


# SELFHOST_COST ------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # 3.6 * 100 / (3600 * 10 * 1) = 360 / 36000
        ((3.6, 100, 10), 0.01),
        # 2 * 1000 / (3600 * 50 * 0.5) = 2000 / 90000 = 1 / 45
        ((2.0, 1000, 50, 0.5), 1 / 45),
        # utilization 1 is the default: 7.2 * 500 / (3600 * 20 * 1) = 3600 / 72000
        ((7.2, 500, 20, 1.0), 0.05),
        # a free GPU or an empty task costs nothing
        ((0.0, 1000, 50), 0.0),
        ((2.0, 0, 50), 0.0),
    ],
)
def test_selfhost_cost_hand_cases(args, expected):
    assert xlfuncs.selfhost_cost(*args) == approx(expected)


def test_selfhost_cost_column_against_row():
    # utilization down, tokens_per_second across; 3.6 * 1000 / (3600 * tps * u) = 1 / (tps * u)
    table = xlfuncs.selfhost_cost(3.6, 1000, [[10.0, 100.0]], [[0.5], [1.0]])
    # 1 / (10 * 0.5), 1 / (100 * 0.5); 1 / (10 * 1), 1 / (100 * 1)
    np.testing.assert_allclose(table, [[0.2, 0.02], [0.1, 0.01]], rtol=1e-12)


# ERROR_COST ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # (1 - 0.95) * 100 = 5
        ((0.95, 100), 5.0),
        # (1 - 0.95) * ((1 - 0.8) * 100 + 0.8 * 10) = 0.05 * 28
        ((0.95, 100, 0.8, 10), 1.4),
        # every error caught: (1 - 0.9) * (0 * 1000 + 1 * 20) = 0.1 * 20
        ((0.9, 1000, 1.0, 20), 2.0),
        # catch rate without a rework cost: 0.1 * (0.5 * 1000 + 0.5 * 0)
        ((0.9, 1000, 0.5), 50.0),
        # never wrong: (1 - 1) * ... = 0
        ((1.0, 1000, 0.3, 20), 0.0),
        # always wrong: (1 - 0) * 250 = 250
        ((0.0, 250), 250.0),
    ],
)
def test_error_cost_hand_cases(args, expected):
    assert xlfuncs.error_cost(*args) == approx(expected)


def test_error_cost_column_against_row():
    # accuracy down, cost_per_error across; (1 - a) * cpe
    table = xlfuncs.error_cost([[0.9], [0.99]], [[10.0, 1000.0]])
    # 0.1 * 10, 0.1 * 1000; 0.01 * 10, 0.01 * 1000
    np.testing.assert_allclose(table, [[1.0, 100.0], [0.1, 10.0]], rtol=1e-12)


# COST_PER_CORRECT ---------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # 0.01 / 0.8 = 0.0125: 1.25 attempts per correct result
        ((0.01, 0.8), 0.0125),
        # 5 / 1 = 5
        ((5.0, 1.0), 5.0),
        # 0 / 0.5 = 0
        ((0.0, 0.5), 0.0),
        # 1 / 0.001 = 1000: a tiny accuracy is allowed, only 0 is not
        ((1.0, 0.001), 1000.0),
    ],
)
def test_cost_per_correct_hand_cases(args, expected):
    assert xlfuncs.cost_per_correct(*args) == approx(expected)


def test_cost_per_correct_list_of_accuracies():
    # 1 / 0.5, 1 / 0.8, 1 / 1
    result = xlfuncs.cost_per_correct(1.0, [0.5, 0.8, 1.0])
    np.testing.assert_allclose(result, [2.0, 1.25, 1.0], rtol=1e-12)


# NET_VALUE ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # 0.95 * 10 - 0.001 - 0.05 * 500 = 9.5 - 0.001 - 25
        ((10, 0.95, 0.001, 500), -15.501),
        # 0.99 * 100 - 50 - 0.01 * 500 = 99 - 50 - 5
        ((100, 0.99, 50, 500), 44.0),
        # always right: 1 * 10 - 2 - 0 * 1000
        ((10, 1.0, 2, 1000), 8.0),
        # always wrong: 0 * 10 - 2 - 1 * 30
        ((10, 0.0, 2, 30), -32.0),
    ],
)
def test_net_value_hand_cases(args, expected):
    assert xlfuncs.net_value(*args) == approx(expected)


def test_net_value_column_against_row():
    # accuracy down, cost_per_error across; a * 100 - 1 - (1 - a) * cpe
    table = xlfuncs.net_value(100, [[0.9], [1.0]], 1, [[0.0, 100.0]])
    # 90 - 1 - 0, 90 - 1 - 10; 100 - 1 - 0, 100 - 1 - 0
    np.testing.assert_allclose(table, [[89.0, 79.0], [99.0, 99.0]], rtol=1e-12)


# Return types -------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "args"),
    [
        (xlfuncs.token_cost, (1000, 500, 3.0, 15.0)),
        (xlfuncs.selfhost_cost, (2.0, 1000, 50)),
        (xlfuncs.error_cost, (0.95, 100)),
        (xlfuncs.cost_per_correct, (0.01, 0.8)),
        (xlfuncs.net_value, (10, 0.95, 0.001, 500)),
    ],
)
def test_single_values_give_a_plain_float(function, args):
    result = function(*args)
    assert type(result) is float
    # numpy scalars and 0-d arrays count as single values too
    assert type(function(*(np.float64(a) for a in args))) is float
    assert type(function(*(np.array(a) for a in args))) is float


def test_integer_arrays_are_accepted():
    # (1000 * 3 + 500 * 15) / 1e6 and (2000 * 3 + 500 * 15) / 1e6
    result = xlfuncs.token_cost(np.array([1000, 2000]), 500, 3, 15)
    np.testing.assert_allclose(result, [0.0105, 0.0135], rtol=1e-12)
