"""Margins and the price race against hand-worked cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

import xlfuncs


def approx(expected):
    # Hand values are decimals; a relative 1e-12 is a few hundred ulps.
    return pytest.approx(expected, rel=1e-12, abs=1e-15)


# MARGIN -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # (10 - 4) / 10
        ((10, 4), 0.6),
        # cost above price: (10 - 12) / 10
        ((10, 12), -0.2),
        # free to serve: (10 - 0) / 10
        ((10, 0), 1.0),
        # break-even: (5 - 5) / 5
        ((5, 5), 0.0),
        # (0.002 - 0.0015) / 0.002
        ((0.002, 0.0015), 0.25),
    ],
)
def test_margin_hand_cases(args, expected):
    assert xlfuncs.margin(*args) == approx(expected)


def test_margin_column_against_row():
    # price down, cost across; (p - c) / p
    table = xlfuncs.margin([[10.0], [20.0]], [[0.0, 5.0, 10.0]])
    # 10: 1, 0.5, 0; 20: 1, 0.75, 0.5
    np.testing.assert_allclose(table, [[1.0, 0.5, 0.0], [1.0, 0.75, 0.5]], rtol=1e-12)


# MARGIN_PATH --------------------------------------------------------------


def test_margin_path_hand_case():
    # prices halve, costs fall 20 % a year:
    # t=0: (10 - 4) / 10 = 0.6
    # t=1: (5 - 3.2) / 5 = 0.36
    # t=2: (2.5 - 2.56) / 2.5 = -0.024
    # t=3: (1.25 - 2.048) / 1.25 = -0.6384
    path = xlfuncs.margin_path(10, 4, -0.5, -0.2, 3)
    assert isinstance(path, np.ndarray)
    assert path.shape == (4,)
    np.testing.assert_allclose(path, [0.6, 0.36, -0.024, -0.6384], rtol=1e-12)


def test_margin_path_one_year():
    # t=0: (10 - 5) / 10; t=1: (11 - 5.25) / 11 = 5.75 / 11
    path = xlfuncs.margin_path(10, 5, 0.1, 0.05, 1)
    np.testing.assert_allclose(path, [0.5, 5.75 / 11], rtol=1e-12)


@pytest.mark.parametrize("years", [1, 2, 10, 100])
def test_margin_path_has_years_plus_one_values_starting_at_today(years):
    path = xlfuncs.margin_path(10, 4, -0.3, -0.1, years)
    assert path.shape == (years + 1,)
    assert path[0] == xlfuncs.margin(10, 4)
    # the last year is MARGIN on the grown price and cost
    last = xlfuncs.margin(10 * 0.7**years, 4 * 0.9**years)
    assert path[-1] == pytest.approx(last, rel=1e-12)


def test_margin_path_unchanged_prices_keep_the_margin():
    # no change: (10 - 4) / 10 every year
    np.testing.assert_allclose(xlfuncs.margin_path(10, 4, 0, 0, 5), [0.6] * 6, rtol=1e-12)


def test_margin_path_takes_whole_floats_and_single_cell_ranges():
    # 3.0 years is 3 years; a range of one cell is a single value
    expected = xlfuncs.margin_path(10, 4, -0.5, -0.2, 3)
    np.testing.assert_array_equal(xlfuncs.margin_path(10, 4, -0.5, -0.2, 3.0), expected)
    np.testing.assert_array_equal(xlfuncs.margin_path([[10]], 4, -0.5, -0.2, [[3]]), expected)


# YEARS_TO_ZERO_MARGIN -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # ln(4 / 10) / ln(0.5 / 0.8) = -0.916290731874155 / -0.4700036292457356
        ((10, 4, -0.5, -0.2), 1.949539694713897),
        # flat prices, costs up 25 %: ln(0.4) / ln(1 / 1.25)
        # = -0.916290731874155 / -0.2231435513142097
        ((10, 4, 0.0, 0.25), 4.106283719505391),
        # prices halve, costs flat, half the price today: ln(0.5) / ln(0.5) = 1
        ((10, 5, -0.5, 0.0), 1.0),
        # cost already equals price: 0
        ((10, 10, -0.5, 0.0), 0.0),
        # cost already above price: 0, even though prices rise faster than costs
        ((10, 12, 0.5, 0.0), 0.0),
    ],
)
def test_years_to_zero_margin_hand_cases(args, expected):
    assert xlfuncs.years_to_zero_margin(*args) == approx(expected)


@pytest.mark.parametrize(
    "args",
    [
        # prices and costs fall alike: ln(0.4) / ln(1) = ln(0.4) / 0
        (10, 4, -0.2, -0.2),
        # prices rise, costs flat
        (10, 4, 0.1, 0.0),
        # costs fall faster than prices
        (10, 4, -0.1, -0.5),
        # both unchanged
        (10, 4, 0.0, 0.0),
    ],
)
def test_years_to_zero_margin_never(args):
    result = xlfuncs.years_to_zero_margin(*args)
    assert type(result) is float
    assert math.isnan(result)


def test_years_to_zero_margin_column_against_row():
    # cost down, annual_price_change across; costs flat
    table = xlfuncs.years_to_zero_margin(10, [[5.0], [10.0]], [[-0.5, 0.0]], 0.0)
    # cost 5: ln(0.5) / ln(0.5) = 1, never (NaN); cost 10: 0 already, 0 already
    np.testing.assert_allclose(table, [[1.0, np.nan], [0.0, 0.0]], rtol=1e-12)


# Return types -------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "args"),
    [
        (xlfuncs.margin, (10, 4)),
        (xlfuncs.years_to_zero_margin, (10, 4, -0.5, -0.2)),
    ],
)
def test_single_values_give_a_plain_float(function, args):
    assert type(function(*args)) is float


def test_margin_accepts_lists():
    # (10 - 4) / 10, (8 - 4) / 8
    np.testing.assert_allclose(xlfuncs.margin([10, 8], 4), [0.6, 0.5], rtol=1e-12)
