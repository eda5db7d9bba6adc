"""Properties that must hold for every valid input (hypothesis).

Tolerances: the functions do a handful of float operations, each off by at
most half an ulp (1.1e-16 relative). Where a check subtracts nearly equal
amounts, the error is measured against the size of the amounts involved
(``scale``), not against the difference. A relative 1e-9 leaves a factor of
a million over rounding while any mistake in a formula shows up at the size
of a term.
"""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import arguments, for_argument, money

import xlfuncs

TOLERANCE = 1e-9

# Modest example counts keep the suite fast; no deadline because the first
# call of a function pays numpy's start-up costs.
PROPERTY = settings(max_examples=60, deadline=None)

BREAKEVEN_NAMES = [
    "efficient_cost_per_task",
    "efficient_accuracy",
    "frontier_cost_per_task",
    "frontier_accuracy",
    "efficient_monthly_fixed",
    "frontier_monthly_fixed",
    "tasks_per_month",
]


def monthly_cost(tasks, cost_per_task, accuracy, cost_per_error, monthly_fixed):
    """One month of an option, as both break-evens define it."""
    return tasks * (cost_per_task + (1 - accuracy) * cost_per_error) + monthly_fixed


# Break-even ---------------------------------------------------------------


@PROPERTY
@given(
    arguments("breakeven_accuracy", BREAKEVEN_NAMES[:1] + BREAKEVEN_NAMES[2:]),
    for_argument("breakeven_accuracy", "cost_per_error"),
)
def test_breakeven_accuracy_equalises_monthly_costs(args, cost_per_error):
    accuracy = xlfuncs.breakeven_accuracy(
        args["efficient_cost_per_task"],
        args["frontier_cost_per_task"],
        args["frontier_accuracy"],
        cost_per_error,
        args["efficient_monthly_fixed"],
        args["frontier_monthly_fixed"],
        args["tasks_per_month"],
    )
    tasks = args["tasks_per_month"]
    efficient = (
        tasks,
        args["efficient_cost_per_task"],
        accuracy,
        cost_per_error,
        args["efficient_monthly_fixed"],
    )
    frontier = (
        tasks,
        args["frontier_cost_per_task"],
        args["frontier_accuracy"],
        cost_per_error,
        args["frontier_monthly_fixed"],
    )
    # the amounts that cancel: both options' costs and the error cost at the
    # (possibly unclamped) accuracy
    scale = (
        tasks * (efficient[1] + frontier[1] + cost_per_error * (1 + abs(accuracy)))
        + efficient[4]
        + frontier[4]
    )
    assert abs(monthly_cost(*efficient) - monthly_cost(*frontier)) <= TOLERANCE * scale


@PROPERTY
@given(arguments("breakeven_error_cost", BREAKEVEN_NAMES))
def test_breakeven_accuracy_inverts_breakeven_error_cost(args):
    # At the break-even cost per error, the efficient option's own accuracy
    # is the break-even accuracy.
    cost_per_error = xlfuncs.breakeven_error_cost(**args)
    assume(not math.isnan(cost_per_error) and cost_per_error > 0)
    # keep the gap in accuracy away from 0, where cost_per_error is ill-conditioned
    assume(abs(args["frontier_accuracy"] - args["efficient_accuracy"]) > 1e-6)
    assume(cost_per_error <= 1e12)
    accuracy = xlfuncs.breakeven_accuracy(
        args["efficient_cost_per_task"],
        args["frontier_cost_per_task"],
        args["frontier_accuracy"],
        cost_per_error,
        args["efficient_monthly_fixed"],
        args["frontier_monthly_fixed"],
        args["tasks_per_month"],
    )
    # accuracy = fa - premium / (premium / (fa - ea)): a few roundings on
    # numbers no bigger than 1
    assert accuracy == pytest.approx(args["efficient_accuracy"], abs=TOLERANCE)


@PROPERTY
@given(arguments("breakeven_error_cost", BREAKEVEN_NAMES))
def test_breakeven_error_cost_equalises_monthly_costs(args):
    cost_per_error = xlfuncs.breakeven_error_cost(**args)
    gap = args["frontier_accuracy"] - args["efficient_accuracy"]
    if gap == 0:
        assert math.isnan(cost_per_error)
        return
    tasks = args["tasks_per_month"]
    efficient = monthly_cost(
        tasks,
        args["efficient_cost_per_task"],
        args["efficient_accuracy"],
        cost_per_error,
        args["efficient_monthly_fixed"],
    )
    frontier = monthly_cost(
        tasks,
        args["frontier_cost_per_task"],
        args["frontier_accuracy"],
        cost_per_error,
        args["frontier_monthly_fixed"],
    )
    scale = (
        tasks
        * (args["efficient_cost_per_task"] + args["frontier_cost_per_task"] + abs(cost_per_error))
        + args["efficient_monthly_fixed"]
        + args["frontier_monthly_fixed"]
    )
    assert abs(efficient - frontier) <= TOLERANCE * scale


@PROPERTY
@given(
    arguments(
        "breakeven_volume",
        ["a_cost_per_task", "a_monthly_fixed", "b_cost_per_task", "b_monthly_fixed"],
    )
)
def test_breakeven_volume_equalises_monthly_costs(args):
    volume = xlfuncs.breakeven_volume(**args)
    if args["a_cost_per_task"] == args["b_cost_per_task"]:
        assert math.isnan(volume)
        return
    a = args["a_cost_per_task"] * volume + args["a_monthly_fixed"]
    b = args["b_cost_per_task"] * volume + args["b_monthly_fixed"]
    scale = (
        abs(volume) * (args["a_cost_per_task"] + args["b_cost_per_task"])
        + args["a_monthly_fixed"]
        + args["b_monthly_fixed"]
    )
    assert abs(a - b) <= TOLERANCE * scale


# TCO ----------------------------------------------------------------------

TCO_NAMES = list(inspect.signature(xlfuncs.tco).parameters)


@PROPERTY
@given(arguments("tco", TCO_NAMES))
def test_tco_without_growth_or_discounting_is_months_times_a_month(args):
    args.update(monthly_growth=0.0, annual_discount_rate=0.0)
    per_task = args["cost_per_task"] + (1 - args["accuracy"]) * args["cost_per_error"]
    # upfront + months * (tasks * (cost + (1 - acc) * cpe) + fixed); sums of
    # non-negative terms, so a relative tolerance is sound
    expected = args["upfront"] + args["months"] * (
        args["tasks_per_month"] * per_task + args["monthly_fixed"]
    )
    assert xlfuncs.tco(**args) == pytest.approx(expected, rel=TOLERANCE, abs=0)


@PROPERTY
@given(arguments("tco", TCO_NAMES), st.one_of(st.just(0.0), st.floats(1e-3, 100)))
def test_tco_scales_with_its_money_arguments(args, factor):
    # Every cost is non-negative and TCO is a positive combination of
    # cost_per_task, (1 - accuracy) * cost_per_error, upfront and
    # monthly_fixed: scaling all of them scales the TCO.
    scaled = dict(args)
    for name in ("cost_per_task", "cost_per_error", "upfront", "monthly_fixed"):
        scaled[name] = factor * args[name]
    assert xlfuncs.tco(**scaled) == pytest.approx(
        factor * xlfuncs.tco(**args), rel=TOLERANCE, abs=0
    )


@PROPERTY
@given(arguments("tco", TCO_NAMES))
def test_tco_is_the_sum_of_its_parts(args):
    # Linear in cost_per_task, upfront and monthly_fixed: the TCO of each part
    # on its own adds up to the whole.
    per_task = dict(args, upfront=0.0, monthly_fixed=0.0)
    fixed_only = dict(args, cost_per_task=0.0, cost_per_error=0.0, upfront=0.0)
    parts = args["upfront"] + xlfuncs.tco(**per_task) + xlfuncs.tco(**fixed_only)
    assert xlfuncs.tco(**args) == pytest.approx(parts, rel=TOLERANCE, abs=0)


@PROPERTY
@given(arguments("tco", TCO_NAMES), money, money)
def test_tco_is_linear_in_cost_per_task(args, first, second):
    # tco(c1 + c2) - tco(0) = (tco(c1) - tco(0)) + (tco(c2) - tco(0)); written
    # without subtractions, as tco(c1 + c2) + tco(0) = tco(c1) + tco(c2).
    def at(cost):
        return xlfuncs.tco(**dict(args, cost_per_task=cost))

    assert at(first + second) + at(0.0) == pytest.approx(
        at(first) + at(second), rel=TOLERANCE, abs=0
    )


@PROPERTY
@given(arguments("tco", TCO_NAMES))
def test_tco_uses_error_cost_per_task(args):
    # Errors at cost_per_error are the same as a cost per task of ERROR_COST
    # with a perfect accuracy.
    with_errors = xlfuncs.tco(**args)
    error = xlfuncs.error_cost(args["accuracy"], args["cost_per_error"])
    folded = xlfuncs.tco(
        **dict(args, cost_per_task=args["cost_per_task"] + error, accuracy=1.0, cost_per_error=0.0)
    )
    assert with_errors == pytest.approx(folded, rel=TOLERANCE, abs=0)


@PROPERTY
@given(arguments("tco", TCO_NAMES))
def test_tco_grows_with_the_horizon(args):
    months = int(args["months"])
    assume(months < 600)
    shorter = xlfuncs.tco(**args)
    longer = xlfuncs.tco(**dict(args, months=months + 1))
    # one more month of non-negative costs
    assert longer >= shorter
    if args["monthly_fixed"] > 0 and args["annual_discount_rate"] <= 0:
        # that month is worth at least monthly_fixed today; it must show
        assert longer - shorter >= args["monthly_fixed"] * (1 - TOLERANCE) - TOLERANCE * shorter


# Unit costs ---------------------------------------------------------------

TOKEN_NAMES = list(inspect.signature(xlfuncs.token_cost).parameters)


@PROPERTY
@given(arguments("token_cost", TOKEN_NAMES))
def test_token_cost_without_cache_ignores_cached_price(args):
    args["cached_share"] = 0.0
    without = dict(args, cached_price=None)
    assert xlfuncs.token_cost(**args) == xlfuncs.token_cost(**without)


@PROPERTY
@given(arguments("token_cost", TOKEN_NAMES))
def test_token_cost_cached_price_defaults_to_input_price(args):
    same = dict(args, cached_price=args["input_price"])
    assert xlfuncs.token_cost(**dict(args, cached_price=None)) == xlfuncs.token_cost(**same)


@PROPERTY
@given(arguments("cost_per_correct", ["cost_per_task", "accuracy"]))
def test_cost_per_correct_times_accuracy_is_the_cost(args):
    result = xlfuncs.cost_per_correct(**args)
    assert result * args["accuracy"] == pytest.approx(args["cost_per_task"], rel=TOLERANCE)


@PROPERTY
@given(arguments("net_value", ["value_per_correct", "accuracy", "cost_per_task", "cost_per_error"]))
def test_net_value_is_value_less_costs(args):
    net = xlfuncs.net_value(**args)
    value = args["accuracy"] * args["value_per_correct"]
    costs = args["cost_per_task"] + xlfuncs.error_cost(args["accuracy"], args["cost_per_error"])
    assert abs(net - (value - costs)) <= TOLERANCE * (value + costs)


# Margins ------------------------------------------------------------------


@PROPERTY
@given(
    arguments(
        "years_to_zero_margin", ["price", "cost", "annual_price_change", "annual_cost_change"]
    )
)
def test_margin_is_zero_at_years_to_zero_margin(args):
    years = xlfuncs.years_to_zero_margin(**args)
    price, cost = args["price"], args["cost"]
    growth_price = 1 + args["annual_price_change"]
    growth_cost = 1 + args["annual_cost_change"]
    if cost >= price:
        assert years == 0.0
        return
    if growth_price / growth_cost >= 1:
        assert math.isnan(years)
        return
    assert years > 0
    # keep the grown price and cost representable (no underflow to 0)
    exponents = years * abs(math.log(growth_price)) + years * abs(math.log(growth_cost))
    assume(exponents < 600)
    grown = xlfuncs.margin(price * growth_price**years, cost * growth_cost**years)
    # each power is off by about ulp * exponent; the margin then by the same
    # in absolute terms: at most 1e-16 * 600 * a few, far below 1e-9
    assert abs(grown) <= TOLERANCE


@PROPERTY
@given(
    arguments("margin_path", ["price", "cost", "annual_price_change", "annual_cost_change"]),
    st.integers(1, 30),
)
def test_margin_path_is_margin_of_the_grown_price_and_cost(args, years):
    path = xlfuncs.margin_path(**args, years=years)
    assert path.shape == (years + 1,)
    t = np.arange(years + 1)
    expected = [
        xlfuncs.margin(
            args["price"] * (1 + args["annual_price_change"]) ** k,
            args["cost"] * (1 + args["annual_cost_change"]) ** k,
        )
        for k in t
    ]
    # same powers, one by one in Python and as an array in numpy
    np.testing.assert_allclose(path, expected, rtol=TOLERANCE, atol=TOLERANCE)


# Broadcasting -------------------------------------------------------------

BROADCASTING = [
    xlfuncs.token_cost,
    xlfuncs.selfhost_cost,
    xlfuncs.error_cost,
    xlfuncs.cost_per_correct,
    xlfuncs.net_value,
    xlfuncs.tco,
    xlfuncs.breakeven_accuracy,
    xlfuncs.breakeven_error_cost,
    xlfuncs.breakeven_volume,
    xlfuncs.margin,
    xlfuncs.years_to_zero_margin,
]


@pytest.mark.parametrize("function", BROADCASTING, ids=lambda f: f.__name__)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_column_against_row_is_the_table_of_single_calls(function, data):
    names = list(inspect.signature(function).parameters)
    values = data.draw(arguments(function.__name__, names), label="single values")
    down, across = data.draw(
        st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True), label="axes"
    )
    column = data.draw(st.lists(for_argument(function.__name__, down), min_size=1, max_size=4))
    row = data.draw(st.lists(for_argument(function.__name__, across), min_size=1, max_size=4))

    table = function(**dict(values, **{down: [[v] for v in column], across: [row]}))

    expected = [[function(**dict(values, **{down: v, across: w})) for w in row] for v in column]
    assert isinstance(table, np.ndarray)
    assert table.shape == (len(column), len(row))
    # the same elementwise arithmetic; only numpy's vectorised log/exp could
    # differ from the single-value path, by an ulp or so
    np.testing.assert_allclose(table, expected, rtol=1e-12, atol=0, equal_nan=True)
