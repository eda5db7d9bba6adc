"""The Excel functions: =TCO(), =MARGIN(), =BREAKEVEN_ACCURACY() and the rest.

Name this module in xlwings' "UDF Modules" setting (classic xlwings on
Windows), or import it in an xlwings Lite ``main.py`` or an xlwings Server
custom-functions module. Each function is a thin wrapper over the numeric
core; :func:`xlfuncs._excel.evaluate` converts the cells and the errors.
MODEL_PRICE and MODEL_TOKEN_COST load the price data (the optional
genai-prices package) on their first call, not when this module is imported.
"""

# Excel function names are upper case on purpose: xlwings registers the
# Python name, and classic Excel shows it as written.
# ruff: noqa: N802

from __future__ import annotations

from ._errors import MissingDependencyError
from ._install import XLWINGS, pip_install

try:
    import xlwings  # noqa: F401
except ImportError as error:
    raise MissingDependencyError(
        "The Excel functions need xlwings: " + pip_install(XLWINGS)
    ) from error

from . import (
    _breakeven,
    _hdr,
    _margins,
    _model_prices,
    _tco,
    _tornado,
    _uncertainty,
    _unit_costs,
)
from ._excel import evaluate, excel_function

__all__ = [
    "BREAKEVEN_ACCURACY",
    "BREAKEVEN_ERROR_COST",
    "BREAKEVEN_VOLUME",
    "COST_PER_CORRECT",
    "ERROR_COST",
    "HDR",
    "MARGIN",
    "MARGIN_PATH",
    "MODEL_PRICE",
    "MODEL_TOKEN_COST",
    "NET_VALUE",
    "PROB_CHEAPER",
    "SELFHOST_COST",
    "TCO",
    "TCO_SIM",
    "TCO_TORNADO",
    "TOKEN_COST",
    "YEARS_TO_ZERO_MARGIN",
]


@excel_function(_unit_costs.token_cost)
def TOKEN_COST(
    input_tokens,
    output_tokens,
    input_price,
    output_price,
    reasoning_tokens=None,
    calls=None,
    cached_share=None,
    cached_price=None,
):
    """Cost of one task through a metered API, reasoning tokens and repeated calls included (money)."""
    return evaluate(
        _unit_costs.token_cost,
        input_tokens,
        output_tokens,
        input_price,
        output_price,
        reasoning_tokens,
        calls,
        cached_share,
        cached_price,
    )


@excel_function(_unit_costs.selfhost_cost)
def SELFHOST_COST(gpu_hour_price, tokens_per_task, tokens_per_second, utilization=None):
    """Cost of one task on rented or owned GPUs (money)."""
    return evaluate(
        _unit_costs.selfhost_cost, gpu_hour_price, tokens_per_task, tokens_per_second, utilization
    )


@excel_function(_unit_costs.error_cost)
def ERROR_COST(accuracy, cost_per_error, catch_rate=None, cost_per_caught_error=None):
    """Expected cost of errors per task, caught errors at rework cost (money)."""
    return evaluate(
        _unit_costs.error_cost, accuracy, cost_per_error, catch_rate, cost_per_caught_error
    )


@excel_function(_unit_costs.cost_per_correct)
def COST_PER_CORRECT(cost_per_task, accuracy):
    """Cost of one correct result when wrong results are retried: cost / accuracy (money)."""
    return evaluate(_unit_costs.cost_per_correct, cost_per_task, accuracy)


@excel_function(_unit_costs.net_value)
def NET_VALUE(value_per_correct, accuracy, cost_per_task, cost_per_error):
    """Expected net value of one task: value of right answers less cost and errors (money)."""
    return evaluate(
        _unit_costs.net_value, value_per_correct, accuracy, cost_per_task, cost_per_error
    )


@excel_function(_tco.tco)
def TCO(
    tasks_per_month,
    cost_per_task,
    accuracy,
    cost_per_error,
    upfront=None,
    monthly_fixed=None,
    months=None,
    monthly_growth=None,
    annual_discount_rate=None,
):
    """Total cost of ownership over the horizon, errors and scaffolding included, discounted (money)."""
    return evaluate(
        _tco.tco,
        tasks_per_month,
        cost_per_task,
        accuracy,
        cost_per_error,
        upfront,
        monthly_fixed,
        months,
        monthly_growth,
        annual_discount_rate,
    )


@excel_function(_breakeven.breakeven_accuracy)
def BREAKEVEN_ACCURACY(
    efficient_cost_per_task,
    frontier_cost_per_task,
    frontier_accuracy,
    cost_per_error,
    efficient_monthly_fixed=None,
    frontier_monthly_fixed=None,
    tasks_per_month=None,
):
    """Accuracy the efficient option needs to cost no more than the frontier one; above 1: never (fraction)."""
    return evaluate(
        _breakeven.breakeven_accuracy,
        efficient_cost_per_task,
        frontier_cost_per_task,
        frontier_accuracy,
        cost_per_error,
        efficient_monthly_fixed,
        frontier_monthly_fixed,
        tasks_per_month,
    )


@excel_function(_breakeven.breakeven_error_cost)
def BREAKEVEN_ERROR_COST(
    efficient_cost_per_task,
    efficient_accuracy,
    frontier_cost_per_task,
    frontier_accuracy,
    efficient_monthly_fixed=None,
    frontier_monthly_fixed=None,
    tasks_per_month=None,
):
    """Cost per error above which the frontier option is cheaper overall (money)."""
    return evaluate(
        _breakeven.breakeven_error_cost,
        efficient_cost_per_task,
        efficient_accuracy,
        frontier_cost_per_task,
        frontier_accuracy,
        efficient_monthly_fixed,
        frontier_monthly_fixed,
        tasks_per_month,
    )


@excel_function(_breakeven.breakeven_volume)
def BREAKEVEN_VOLUME(a_cost_per_task, a_monthly_fixed, b_cost_per_task, b_monthly_fixed):
    """Tasks per month at which options A and B cost the same; negative: they never cross (count)."""
    return evaluate(
        _breakeven.breakeven_volume,
        a_cost_per_task,
        a_monthly_fixed,
        b_cost_per_task,
        b_monthly_fixed,
    )


@excel_function(_margins.margin)
def MARGIN(price, cost):
    """Gross margin: (price - cost) / price (fraction)."""
    return evaluate(_margins.margin, price, cost)


@excel_function(_margins.margin_path)
def MARGIN_PATH(price, cost, annual_price_change, annual_cost_change, years):
    """Gross margin in years 0 to years as price and cost change yearly; spills down a column (fraction)."""
    return evaluate(
        _margins.margin_path, price, cost, annual_price_change, annual_cost_change, years
    )


@excel_function(_margins.years_to_zero_margin)
def YEARS_TO_ZERO_MARGIN(price, cost, annual_price_change, annual_cost_change):
    """Years until the gross margin reaches zero; #N/A if it never does (years)."""
    return evaluate(
        _margins.years_to_zero_margin, price, cost, annual_price_change, annual_cost_change
    )


@excel_function(_uncertainty.tco_sim)
def TCO_SIM(option_block, percentiles=None, trials=None, seed=None, generator=None, entity=None):
    """TCO percentiles from Monte Carlo trials of low / most likely / high guesses; spills across a row (money)."""
    return evaluate(
        _uncertainty.tco_sim, option_block, percentiles, trials, seed, generator, entity
    )


@excel_function(_uncertainty.prob_cheaper)
def PROB_CHEAPER(
    block_a,
    block_b,
    shared_block=None,
    trials=None,
    seed=None,
    correlation=None,
    generator=None,
    entity=None,
):
    """Probability that option A's TCO is below option B's, from Monte Carlo trials; ties count as not cheaper (fraction)."""
    return evaluate(
        _uncertainty.prob_cheaper,
        block_a,
        block_b,
        shared_block,
        trials,
        seed,
        correlation,
        generator,
        entity,
    )


@excel_function(_hdr.hdr)
def HDR(trial, var_id, entity=None, seed3=None, seed4=None):
    """Uniform random number between 0 and 1 from whole-number ids, the same in every workbook (HDR 2.0) (fraction)."""
    return evaluate(_hdr.hdr, trial, var_id, entity, seed3, seed4)


@excel_function(_tornado.tco_tornado)
def TCO_TORNADO(option_block, other_block=None, shared_block=None):
    """Which input moves TCO (or a TCO difference) most: low and high of each guess, largest swing first; spills a table (money)."""
    return evaluate(_tornado.tornado_rows, option_block, other_block, shared_block)


@excel_function(_model_prices.model_price)
def MODEL_PRICE(model, kind=None, provider=None, as_of=None):
    """List price of a model per 1,000,000 tokens on a date, from genai-prices; #N/A if unknown (US dollars)."""
    return evaluate(_model_prices.model_price, model, kind, provider, as_of)


@excel_function(_model_prices.model_token_cost)
def MODEL_TOKEN_COST(
    model,
    input_tokens,
    output_tokens,
    reasoning_tokens=None,
    calls=None,
    cached_share=None,
    provider=None,
    as_of=None,
):
    """Cost of one task through a metered API at the model's list prices on a date (US dollars)."""
    return evaluate(
        _model_prices.model_token_cost,
        model,
        input_tokens,
        output_tokens,
        reasoning_tokens,
        calls,
        cached_share,
        provider,
        as_of,
    )
