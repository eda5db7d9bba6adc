"""SPEC's models as plain Python, month by month: the tests' oracle, independent of xlfuncs.

Each function follows the definition in SPEC.md literally, with loops where
SPEC sums over months or years and scalar ``float`` arithmetic only: no
numpy, no closed-form series, nothing imported from :mod:`xlfuncs`. The
break-evens solve their defining equation (two monthly costs equal) rather
than repeat SPEC's rearranged formula, so a sign slip in the formula shows.
"""

from __future__ import annotations

import math

__all__ = [
    "breakeven_accuracy",
    "breakeven_error_cost",
    "breakeven_volume",
    "cost_per_correct",
    "discount_factors",
    "error_cost",
    "fixed_factor",
    "hdr",
    "margin",
    "margin_path",
    "monthly_cost",
    "monthly_discount_rate",
    "net_value",
    "selfhost_cost",
    "tco",
    "token_cost",
    "volume_factor",
    "years_to_zero_margin",
]


def token_cost(
    input_tokens,
    output_tokens,
    input_price,
    output_price,
    reasoning_tokens=0.0,
    calls=1.0,
    cached_share=0.0,
    cached_price=None,
):
    """TOKEN_COST: one task's API bill, token kind by token kind."""
    cached_price = input_price if cached_price is None else cached_price
    fresh_input = input_tokens * (1 - cached_share) * input_price
    cached_input = input_tokens * cached_share * cached_price
    output = (output_tokens + reasoning_tokens) * output_price
    return calls * (fresh_input + cached_input + output) / 1_000_000


def selfhost_cost(gpu_hour_price, tokens_per_task, tokens_per_second, utilization=1.0):
    """SELFHOST_COST: GPU hours a task takes times their price."""
    hours = tokens_per_task / (tokens_per_second * utilization) / 3600
    return hours * gpu_hour_price


def error_cost(accuracy, cost_per_error, catch_rate=0.0, cost_per_caught_error=0.0):
    """ERROR_COST: the share of wrong tasks, caught ones at rework cost."""
    wrong = 1 - accuracy
    return wrong * (1 - catch_rate) * cost_per_error + wrong * catch_rate * cost_per_caught_error


def cost_per_correct(cost_per_task, accuracy):
    """COST_PER_CORRECT (accuracy > 0)."""
    return cost_per_task / accuracy


def net_value(value_per_correct, accuracy, cost_per_task, cost_per_error):
    """NET_VALUE: value of right results less the task's cost and the wrong results' cost."""
    return accuracy * value_per_correct - cost_per_task - (1 - accuracy) * cost_per_error


def monthly_discount_rate(annual_discount_rate):
    """The monthly rate that compounds to the effective annual rate."""
    return (1 + annual_discount_rate) ** (1 / 12) - 1


def discount_factors(months, annual_discount_rate):
    """End-of-month discount factors for months 1..months (Excel's NPV convention)."""
    r = monthly_discount_rate(annual_discount_rate)
    return [1 / (1 + r) ** m for m in range(1, int(months) + 1)]


def monthly_cost(tasks, cost_per_task, accuracy, cost_per_error, monthly_fixed=0.0):
    """One month's cost, errors included, undiscounted."""
    return tasks * (cost_per_task + (1 - accuracy) * cost_per_error) + monthly_fixed


def tco(
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
    """TCO: the upfront build plus every month's cost, discounted, month by month."""
    total = upfront
    for m, discount in enumerate(discount_factors(months, annual_discount_rate), start=1):
        tasks = tasks_per_month * (1 + monthly_growth) ** (m - 1)
        total += monthly_cost(tasks, cost_per_task, accuracy, cost_per_error, monthly_fixed) * (
            discount
        )
    return total


def volume_factor(months, monthly_growth, annual_discount_rate):
    """TCO of one task a month at a cost of 1: the discounted task volume."""
    return tco(1.0, 1.0, 1.0, 0.0, 0.0, 0.0, months, monthly_growth, annual_discount_rate)


def fixed_factor(months, annual_discount_rate):
    """TCO of a fixed cost of 1 a month: the discounted months."""
    return tco(0.0, 0.0, 1.0, 0.0, 0.0, 1.0, months, 0.0, annual_discount_rate)


def breakeven_accuracy(
    efficient_cost_per_task,
    frontier_cost_per_task,
    frontier_accuracy,
    cost_per_error,
    efficient_monthly_fixed=0.0,
    frontier_monthly_fixed=0.0,
    tasks_per_month=1.0,
):
    """The efficient accuracy at which both monthly costs are equal (solved for it)."""
    frontier = monthly_cost(
        tasks_per_month,
        frontier_cost_per_task,
        frontier_accuracy,
        cost_per_error,
        frontier_monthly_fixed,
    )
    # frontier = T * (e + (1 - a) * cpe) + ef, solved for a
    wrong = (frontier - efficient_monthly_fixed - tasks_per_month * efficient_cost_per_task) / (
        tasks_per_month * cost_per_error
    )
    return 1 - wrong


def breakeven_error_cost(
    efficient_cost_per_task,
    efficient_accuracy,
    frontier_cost_per_task,
    frontier_accuracy,
    efficient_monthly_fixed=0.0,
    frontier_monthly_fixed=0.0,
    tasks_per_month=1.0,
):
    """The cost per error at which both monthly costs are equal (solved for it); NaN if none."""
    # Monthly cost = T * (c + (1 - a) * x) + f is linear in x: slope T * (1 - a).
    fixed_gap = tasks_per_month * (frontier_cost_per_task - efficient_cost_per_task) + (
        frontier_monthly_fixed - efficient_monthly_fixed
    )
    slope_gap = tasks_per_month * ((1 - efficient_accuracy) - (1 - frontier_accuracy))
    return math.nan if slope_gap == 0 else fixed_gap / slope_gap


def breakeven_volume(a_cost_per_task, a_monthly_fixed, b_cost_per_task, b_monthly_fixed):
    """Tasks per month at which v * a_cost + a_fixed = v * b_cost + b_fixed; NaN if none."""
    slope_gap = b_cost_per_task - a_cost_per_task
    return math.nan if slope_gap == 0 else (a_monthly_fixed - b_monthly_fixed) / slope_gap


def margin(price, cost):
    """MARGIN: the share of the price that is left after the cost."""
    return (price - cost) / price


def margin_path(price, cost, annual_price_change, annual_cost_change, years):
    """MARGIN_PATH: the margin in years 0..years, price and cost compounded year by year."""
    path = []
    for _ in range(int(years) + 1):
        path.append(margin(price, cost))
        price *= 1 + annual_price_change
        cost *= 1 + annual_cost_change
    return path


def years_to_zero_margin(price, cost, annual_price_change, annual_cost_change):
    """YEARS_TO_ZERO_MARGIN: t with price * (1 + pc) ** t = cost * (1 + cc) ** t; NaN if never."""
    if cost >= price:
        return 0.0
    if (1 + annual_price_change) >= (1 + annual_cost_change):
        return math.nan
    # log of both sides: ln(price) + t ln(1 + pc) = ln(cost) + t ln(1 + cc)
    return (math.log(cost) - math.log(price)) / (
        math.log(1 + annual_price_change) - math.log(1 + annual_cost_change)
    )


def hdr(trial, var_id, entity=0, seed3=0, seed4=0):
    """HDR 2.0 as printed in the SIPmath standard (Hubbard, WSC 2019), in Python integers."""
    t, v, e = trial, var_id, entity
    first = (t * 2499997 + v * 1800451 + e * 2000371 + seed3 * 1796777 + seed4 * 2299603) % 7450589
    second = (t * 2246527 + v * 2399993 + e * 2100869 + seed3 * 1918303 + seed4 * 1624729) % 7450987
    x = ((999999999999989 % (first * 4658 + 7450581)) * 383) % 99991
    y = ((999999999999989 % (second * 7580 + 7560584)) * 17669) % 7440893
    return (((x * 7440893 + y) * 1343) % 4294967296 + 0.5) / 4294967296
