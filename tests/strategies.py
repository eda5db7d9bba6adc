"""Hypothesis strategies for valid arguments, one per kind of argument in the contract.

The bounds are realistic rather than the widest the contract allows: a
finance model never has a 10**300 cost per task, and keeping magnitudes
within a few powers of ten of real figures keeps every TCO far from float
overflow (1.5 ** 600 * 1e7 * 1e6 is about 1e119) so that tolerances can stay
tight. Positive values start at 1e-6, not at the smallest float, for the
same reason.
"""

from __future__ import annotations

from hypothesis import strategies as st


def _floats(low: float, high: float, **kwargs) -> st.SearchStrategy[float]:
    return st.floats(
        low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False, **kwargs
    )


def _non_negative(high: float) -> st.SearchStrategy[float]:
    return st.one_of(st.just(0.0), _floats(1e-6, high))


#: Fractions: accuracies, shares, catch rates; 0 and 1 included, nothing
#: between 0 and 1e-6 (no accuracy of 1e-300 %).
fractions = st.one_of(st.sampled_from([0.0, 1.0]), _floats(1e-6, 1.0))
#: Greater than 0 and at most 1 (utilization; accuracy in COST_PER_CORRECT).
positive_fractions = _floats(1e-6, 1.0)
#: Money per task, per error, per month, upfront: 0 up to a million.
money = _non_negative(1e6)
#: Money that must be greater than 0 (a price for MARGIN, a cost per error).
positive_money = _floats(1e-6, 1e6)
#: Tokens per call or per task, up to a long-context call.
token_counts = _non_negative(2e6)
#: Money per 1,000,000 tokens, up to the dearest list prices.
token_prices = _non_negative(1000.0)
#: Model calls per task (may be fractional).
calls = _non_negative(100.0)
#: Money per GPU-hour.
gpu_hour_prices = _non_negative(100.0)
#: One GPU's throughput in tokens per second (> 0).
tokens_per_second = _floats(1e-3, 1e5)
#: Tasks per month, 0 included.
tasks = _non_negative(1e7)
#: Tasks per month where the contract needs > 0 (break-evens).
positive_tasks = _floats(1e-3, 1e7)
#: Horizon: whole months 1 to 600, as int or as a whole float (12.0 is fine).
months = st.integers(1, 600).flatmap(lambda n: st.sampled_from([n, float(n)]))
#: Monthly volume growth, > -1 and <= 1; within +-50 % a month.
monthly_growth = _floats(-0.5, 0.5)
#: Effective annual discount rate, > -1 and <= 1; from -50 % to +100 %.
annual_discount_rate = _floats(-0.5, 1.0)
#: Yearly price or cost change, in whole basis points from -90 % to +100 %,
#: as a finance user types them. Distinct changes then differ by at least
#: 0.0001, which keeps YEARS_TO_ZERO_MARGIN's ln((1 + a) / (1 + b)) well
#: conditioned.
annual_changes = st.integers(-9000, 10000).map(lambda bp: bp / 10000)
#: Whole years 1 to 100 (MARGIN_PATH).
years = st.integers(1, 100)
#: Units of a workbook's currency that one US dollar buys (> 0): from a strong
#: currency's fraction of a dollar to tens of thousands of a weak one.
usd_rates = _floats(1e-4, 1e5)

#: Valid values by argument name (the contract's table of allowed values).
BY_ARGUMENT: dict[str, st.SearchStrategy] = {
    "input_tokens": token_counts,
    "output_tokens": token_counts,
    "reasoning_tokens": token_counts,
    "tokens_per_task": token_counts,
    "calls": calls,
    "input_price": token_prices,
    "output_price": token_prices,
    "cached_price": token_prices,
    "gpu_hour_price": gpu_hour_prices,
    "tokens_per_second": tokens_per_second,
    "utilization": positive_fractions,
    "accuracy": fractions,
    "efficient_accuracy": fractions,
    "frontier_accuracy": fractions,
    "catch_rate": fractions,
    "cached_share": fractions,
    "cost_per_error": money,
    "cost_per_caught_error": money,
    "cost_per_task": money,
    "value_per_correct": money,
    "efficient_cost_per_task": money,
    "frontier_cost_per_task": money,
    "a_cost_per_task": money,
    "b_cost_per_task": money,
    "upfront": money,
    "monthly_fixed": money,
    "efficient_monthly_fixed": money,
    "frontier_monthly_fixed": money,
    "a_monthly_fixed": money,
    "b_monthly_fixed": money,
    "tasks_per_month": tasks,
    "months": months,
    "monthly_growth": monthly_growth,
    "annual_discount_rate": annual_discount_rate,
    "annual_price_change": annual_changes,
    "annual_cost_change": annual_changes,
    "years": years,
    "price": positive_money,
    "cost": money,
    "usd_rate": usd_rates,
}

#: Functions that are stricter than the table about an argument (see their
#: entries in the contract).
OVERRIDES: dict[str, dict[str, st.SearchStrategy]] = {
    "cost_per_correct": {"accuracy": positive_fractions},
    "breakeven_accuracy": {"cost_per_error": positive_money, "tasks_per_month": positive_tasks},
    "breakeven_error_cost": {"tasks_per_month": positive_tasks},
    "years_to_zero_margin": {"cost": positive_money},
}


def for_argument(function: str, name: str) -> st.SearchStrategy:
    """Valid values of argument ``name`` of the Python function ``function``."""
    return OVERRIDES.get(function, {}).get(name, BY_ARGUMENT[name])


def arguments(function: str, names: list[str]) -> st.SearchStrategy[dict]:
    """A dict of valid single values for each of ``names``."""
    return st.fixed_dictionaries({name: for_argument(function, name) for name in names})
