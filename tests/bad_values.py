"""Bad values for every kind of argument, with the message tail each one gets.

The contract's table of allowed values, argument by argument, as lists of
(value, end of the message) pairs; shared by the tests of every function
that takes these arguments.
"""

from __future__ import annotations

import math

__all__ = [
    "ALLOWED",
    "CHANGE",
    "FRACTION",
    "MONTHS",
    "NON_NEGATIVE",
    "NOT_NUMBERS",
    "POSITIVE",
    "POSITIVE_FRACTION",
    "YEARS",
]

# Out-of-range values per kind of argument, with what the message says.
NON_NEGATIVE = [(-1, "must be 0 or more, got -1"), (-0.01, "must be 0 or more, got -0.01")]
POSITIVE = [(0, "must be greater than 0, got 0"), (-2.5, "must be greater than 0, got -2.5")]
FRACTION = [
    (-0.1, "must be between 0 and 1, got -0.1"),
    # 95 meant as 95 %: the message says how to enter it
    (95, "must be between 0 and 1, got 95 (enter 95% or 0.95)"),
    (1.5, "must be between 0 and 1, got 1.5 (enter 1.5% or 0.015)"),
    (100, "must be between 0 and 1, got 100 (enter 100% or 1)"),
    # above 100 it cannot be a percentage typed without the % sign
    (250, "must be between 0 and 1, got 250"),
    # nor with more than two decimals, nor when its hundredth is not allowed either
    (1.0000000001, "must be between 0 and 1, got 1.0000000001"),
    (2.555, "must be between 0 and 1, got 2.555"),
    (-30, "must be between 0 and 1, got -30"),
]
POSITIVE_FRACTION = [
    (0, "must be greater than 0 and at most 1, got 0"),
    (95, "must be greater than 0 and at most 1, got 95 (enter 95% or 0.95)"),
]
_CHANGE = "must be greater than -1 and at most 1, got "
CHANGE = [
    (-1, _CHANGE + "-1"),
    (-1.5, _CHANGE + "-1.5 (enter -1.5% or -0.015)"),
    (-30, _CHANGE + "-30 (enter -30% or -0.3)"),
    (1.0000000001, _CHANGE + "1.0000000001"),
    (8, _CHANGE + "8 (enter 8% or 0.08)"),
    (2.5, _CHANGE + "2.5 (enter 2.5% or 0.025)"),
    (100, _CHANGE + "100 (enter 100% or 1)"),
    (-100, _CHANGE + "-100"),
    (101, _CHANGE + "101"),
]
MONTHS = [
    (0, "must be a whole number from 1 to 600, got 0"),
    (601, "must be a whole number from 1 to 600, got 601"),
    (12.5, "must be a whole number from 1 to 600, got 12.5"),
]
TRIAL = [
    (0, "must be a whole number from 1 to 10000000, got 0"),
    (10_000_001, "must be a whole number from 1 to 10000000, got 10000001"),
    (2.5, "must be a whole number from 1 to 10000000, got 2.5"),
]
HDR_ID = [
    (-1, "must be a whole number from 0 to 99999999, got -1"),
    (100_000_000, "must be a whole number from 0 to 99999999, got 100000000"),
    (0.5, "must be a whole number from 0 to 99999999, got 0.5"),
]
YEARS = [
    (0, "must be a whole number from 1 to 100, got 0"),
    (101, "must be a whole number from 1 to 100, got 101"),
    (2.5, "must be a whole number from 1 to 100, got 2.5"),
]

#: The contract's table of allowed values, by argument name.
ALLOWED = {
    **dict.fromkeys(
        [
            "input_tokens",
            "output_tokens",
            "reasoning_tokens",
            "calls",
            "input_price",
            "output_price",
            "cached_price",
            "gpu_hour_price",
            "tokens_per_task",
            "cost_per_error",
            "cost_per_caught_error",
            "cost_per_task",
            "value_per_correct",
            "efficient_cost_per_task",
            "frontier_cost_per_task",
            "a_cost_per_task",
            "b_cost_per_task",
            "tasks_per_month",
            "upfront",
            "monthly_fixed",
            "efficient_monthly_fixed",
            "frontier_monthly_fixed",
            "a_monthly_fixed",
            "b_monthly_fixed",
            "cost",
        ],
        NON_NEGATIVE,
    ),
    **dict.fromkeys(
        ["accuracy", "efficient_accuracy", "frontier_accuracy", "catch_rate", "cached_share"],
        FRACTION,
    ),
    **dict.fromkeys(
        ["monthly_growth", "annual_discount_rate", "annual_price_change", "annual_cost_change"],
        CHANGE,
    ),
    "months": MONTHS,
    "years": YEARS,
    "trial": TRIAL,
    **dict.fromkeys(["var_id", "entity", "seed3", "seed4"], HDR_ID),
    "tokens_per_second": POSITIVE,
    "utilization": POSITIVE_FRACTION,
    "price": POSITIVE,
}

#: Bad for any numeric argument.
NOT_NUMBERS = [
    ("abc", "must be a number, got the text 'abc'"),
    # text that looks like a number is still text: nothing is guessed
    ("5", "must be a number, got the text '5'"),
    ("", "must be a number, got a blank"),
    (True, "must be a number, got TRUE"),
    (False, "must be a number, got FALSE"),
    (math.nan, "must be a number, got NaN"),
    (math.inf, "must be a finite number, got infinity"),
    (-math.inf, "must be a finite number, got minus infinity"),
]
