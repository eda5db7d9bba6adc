"""TCO against hand-worked cases and against a literal month-by-month sum.

The library sums the months in closed form (two geometric series); the
reference below walks the months one by one, exactly as the contract writes
the formula, so the two share no code.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import xlfuncs

# 12.682503... % a year is exactly 1 % a month: (1 + a) ** (1/12) - 1 = 0.01.
ONE_PERCENT_A_MONTH = 1.01**12 - 1


def reference_tco(
    tasks_per_month,
    cost_per_task,
    accuracy,
    cost_per_error,
    upfront=0.0,
    monthly_fixed=0.0,
    months=12,
    monthly_growth=0.0,
    annual_discount_rate=0.0,
):
    """The contract's TCO, one month at a time."""
    r = (1 + annual_discount_rate) ** (1 / 12) - 1
    per_task = cost_per_task + (1 - accuracy) * cost_per_error
    month_costs = []
    for m in range(1, int(months) + 1):
        tasks = tasks_per_month * (1 + monthly_growth) ** (m - 1)
        month_costs.append((tasks * per_task + monthly_fixed) / (1 + r) ** m)
    # fsum: the reference itself adds no rounding error over 600 months
    return upfront + math.fsum(month_costs)


def approx(expected):
    # Hand values are decimals; a relative 1e-12 is a few hundred ulps.
    return pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        # 12 * 1000 * (0.01 + 0.05 * 2) = 12 * 110
        ((1000, 0.01, 0.95, 2.0), {}, 1320.0),
        # 5000 + 24 * (1000 * 0.11 + 200) = 5000 + 24 * 310
        ((1000, 0.01, 0.95, 2.0), {"upfront": 5000, "monthly_fixed": 200, "months": 24}, 12440.0),
        # months 12.0 is 12: same as the first case
        ((1000, 0.01, 0.95, 2.0), {"months": 12.0}, 1320.0),
        # growth, no discounting: 110 * (1 + 1.1 + 1.21) = 110 * 3.31
        ((1000, 0.01, 0.95, 2.0), {"months": 3, "monthly_growth": 0.1}, 364.1),
        # shrinking volume: 100 * (1 + 0.5 + 0.25) = 175
        ((100, 1.0, 1.0, 0.0), {"months": 3, "monthly_growth": -0.5}, 175.0),
        # accuracy 1: errors cost nothing, cost_per_error is ignored: 12 * 1000 * 0.01
        ((1000, 0.01, 1.0, 1e6), {}, 120.0),
        # no tasks: only the build and the fixed costs: 800 + 12 * 50
        ((0, 0.01, 0.5, 100), {"upfront": 800, "monthly_fixed": 50}, 1400.0),
        # one month at 1 % a month: 10 + (1000 * 0.11 + 5) / 1.01 = 10 + 115 / 1.01
        (
            (1000, 0.01, 0.95, 2.0),
            {
                "upfront": 10,
                "monthly_fixed": 5,
                "months": 1,
                "monthly_growth": 0.5,
                "annual_discount_rate": ONE_PERCENT_A_MONTH,
            },
            123.86138613861387,
        ),
        # growth equal to the monthly discount rate: every month is worth
        # 100 / 1.01 today, so 600 * 100 / 1.01
        (
            (100, 1.0, 1.0, 0.0),
            {"months": 600, "monthly_growth": 0.01, "annual_discount_rate": ONE_PERCENT_A_MONTH},
            59405.94059405941,
        ),
    ],
)
def test_tco_hand_cases(args, kwargs, expected):
    assert xlfuncs.tco(*args, **kwargs) == approx(expected)


def test_tco_follows_excel_npv_timing():
    # Month m is discounted by (1 + r) ** m (end of month, as Excel's NPV),
    # upfront is at time 0 and not discounted. At 1 % a month:
    # 100 / 1.01 + 100 / 1.01 ** 2 = 99.00990099... + 98.02960494... = NPV(1%, 100, 100)
    assert xlfuncs.tco(
        100, 1.0, 1.0, 0.0, months=2, annual_discount_rate=ONE_PERCENT_A_MONTH
    ) == approx(197.0395059307911)
    # With 50 % growth and a 1000 build: 1000 + 100 / 1.01 + 150 / 1.0201
    # = 1000 + NPV(1%, 100, 150)
    assert xlfuncs.tco(
        100,
        1.0,
        1.0,
        0.0,
        upfront=1000,
        months=2,
        monthly_growth=0.5,
        annual_discount_rate=ONE_PERCENT_A_MONTH,
    ) == approx(1246.054308401137)


def test_tco_defaults_are_the_contract_defaults():
    # upfront 0, monthly_fixed 0, months 12, no growth, no discounting
    assert xlfuncs.tco(1000, 0.01, 0.95, 2.0) == xlfuncs.tco(1000, 0.01, 0.95, 2.0, 0, 0, 12, 0, 0)
    # None means the default, as an empty cell does in Excel
    assert xlfuncs.tco(1000, 0.01, 0.95, 2.0, None, None, None, None, None) == approx(1320.0)


ANNUAL_RATES = [0.0, 0.08, -0.5, 1.0, ONE_PERCENT_A_MONTH]
GROWTH_CASES = {
    "no growth": lambda r: 0.0,
    "2% a month": lambda r: 0.02,
    "-30% a month": lambda r: -0.3,
    "50% a month": lambda r: 0.5,
    # ratio (1 + g) / (1 + r) exactly 1, where the geometric series has no closed form
    "equal to the discount rate": lambda r: r,
    # ratio within an ulp or so of 1, where the textbook closed form loses every digit
    "nearly equal, above": lambda r: r + 1e-12,
    "nearly equal, below": lambda r: r - 1e-9,
    "barely above": lambda r: r + 1e-15,
}


@pytest.mark.parametrize("months", [1, 2, 12, 600])
@pytest.mark.parametrize("annual_rate", ANNUAL_RATES)
@pytest.mark.parametrize("growth_case", list(GROWTH_CASES))
def test_tco_matches_month_by_month_reference(growth_case, annual_rate, months):
    monthly_rate = (1 + annual_rate) ** (1 / 12) - 1
    growth = GROWTH_CASES[growth_case](monthly_rate)
    args = (1000, 0.01, 0.95, 2.0, 5000, 300, months, growth, annual_rate)
    # Both sides sum at most 600 positive terms, each with a few ulps of
    # error (about 1e-13 relative in all); 1e-12 leaves room for that and
    # nothing for a wrong exponent or a wrong timing.
    assert xlfuncs.tco(*args) == pytest.approx(reference_tco(*args), rel=1e-12)


def test_tco_column_against_row():
    # months down, monthly_growth across; 100 tasks at 1 each:
    # 1 month: 100, 100; 2 months: 100 + 100, 100 + 110
    table = xlfuncs.tco(100, 1.0, 1.0, 0.0, months=[[1], [2]], monthly_growth=[[0.0, 0.1]])
    assert table.shape == (2, 2)
    np.testing.assert_allclose(table, [[100.0, 100.0], [200.0, 210.0]], rtol=1e-12)


def test_tco_table_equals_scalar_calls():
    accuracies = [0.8, 0.9, 0.99]
    rates = [0.0, 0.05, 0.1, 0.2]
    table = xlfuncs.tco(1000, 0.01, [[a] for a in accuracies], 2.0, 100, 10, 36, 0.01, [rates])
    expected = [
        [xlfuncs.tco(1000, 0.01, a, 2.0, 100, 10, 36, 0.01, d) for d in rates] for a in accuracies
    ]
    assert table.shape == (3, 4)
    # same arithmetic element by element: identical up to an ulp
    np.testing.assert_allclose(table, expected, rtol=1e-14)


def test_tco_single_values_give_a_plain_float():
    assert type(xlfuncs.tco(1000, 0.01, 0.95, 2.0)) is float
    assert type(xlfuncs.tco(1000, 0.01, 0.95, 2.0, months=np.int64(12))) is float


def test_tco_accepts_lists():
    # 12 * 1000 * 0.11, 12 * 2000 * 0.11
    result = xlfuncs.tco([1000, 2000], 0.01, 0.95, 2.0)
    assert isinstance(result, np.ndarray)
    np.testing.assert_allclose(result, [1320.0, 2640.0], rtol=1e-12)


def test_tco_range_of_months():
    # 1000 + months * 100 for months 1, 12, 600
    result = xlfuncs.tco(100, 1.0, 1.0, 0.0, upfront=1000, months=[1, 12, 600])
    np.testing.assert_allclose(result, [1100.0, 2200.0, 61000.0], rtol=1e-12)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # No tasks, volume doubling every month for 600 months and a discount
        # rate of -99.99999999 % a year: the discounted volume factor
        # 2 ** 599 / (1e-10 ** (1/12)) ** 600 ~ 1e680 overflows a float, but
        # 0 tasks cost 0 whatever the factor: only the build is left, 100.
        ((0, 0.01, 0.95, 2.0, 100, 0, 600, 1.0, -0.9999999999), 100.0),
        # Free, perfect tasks under the same factor, no monthly fixed cost: the build, 5
        ((1000, 0.0, 1.0, 2.0, 5, 0, 600, 1.0, -0.9999999999), 5.0),
        # The highest growth allowed without discounting: 5 + 600 * 7
        ((1000, 0.0, 1.0, 2.0, 5, 7, 600, 1.0, 0.0), 4205.0),
    ],
)
def test_tco_zero_costs_stay_zero_when_the_growth_factor_overflows(args, expected):
    assert xlfuncs.tco(*args) == approx(expected)
