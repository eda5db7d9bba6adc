"""The inputs of tco_comparison.xlsx: a shared workload and a table of up to four options.

The one declaration of the template's inputs (name, label, unit, default,
allowed range, note, source); :mod:`.tco_comparison` re-exports it.
"""

from __future__ import annotations

from .._currency import CURRENCY_SIGN
from .._validation import POSITIVE, RULES
from ._monthly import workload_inputs
from ._risk import Uncertain, risk_inputs
from ._workbook import (
    COUNT,
    MONEY,
    PERCENT,
    InputSpec,
    currency_input,
    option_inputs,
    scenario_input,
)

__all__ = [
    "ILLUSTRATIVE_RANGES",
    "INPUTS",
    "MAX_MONTHS",
    "OPTIONS",
    "PRICING",
    "UNCERTAIN",
    "USD_PRICE",
    "USD_RATE",
    "YES_NO",
]

OPTIONS = ("A", "B", "C", "D")
#: The timeline has this many month columns; the horizon input may not exceed it.
MAX_MONTHS = 60
PRICING = ("API", "Self-hosted")
YES_NO = ("Yes", "No")

_PRICES = "list prices in USD per 1M tokens from the genai-prices 0.2.3 data, read 2026-11-28"
_LIST_PRICES = {
    "B": f"OpenAI gpt-4o-mini, {_PRICES}",
    "C": f"Anthropic claude-sonnet-4-0, {_PRICES}",
    "D": f"OpenAI o1, {_PRICES}",
}
_FRACTION = RULES["accuracy"]
_AMOUNT = RULES["upfront"]
_WORKLOAD = "Workload (shared by all options)"
_MODEL = "Model and pricing"
_QUALITY = "Accuracy and errors"
_PEOPLE = "Review, scaffolding and fixed costs"
_RATE = "US-dollar rate (converts the token prices, which are in US dollars)"
#: Number format of token prices in US dollars (per-1M-token prices need three decimals).
USD_PRICE = '#,##0.000 "USD"'
#: Number format of the US-dollar rate.
USD_RATE = "#,##0.000000"


def _per_option(key, label, unit, values, description, rule="spec", fmt=MONEY, **extra):
    """A row of the option table; ``rule="spec"`` takes SPEC's allowed range for ``key``."""
    section = extra.pop("section", _MODEL)
    if extra.get("choices"):
        rule = None
    return option_inputs(
        key,
        label,
        unit,
        dict(zip(OPTIONS, values, strict=True)),
        description,
        rule=RULES[key] if rule == "spec" else rule,
        number_format=fmt,
        section=section,
        **extra,
    )


#: The one declaration of this template's inputs (defaults are illustrative).
INPUTS: list[InputSpec] = [
    scenario_input(),
    currency_input(),
    InputSpec(
        "usd_rate",
        "US-dollar rate",
        f"{CURRENCY_SIGN} per USD",
        1.0,
        f"Units of {CURRENCY_SIGN} that one US dollar buys (1 in a workbook in USD). Every token "
        f"price below is in US dollars, as model list prices are; Calculations converts it to "
        f"{CURRENCY_SIGN} by price x rate.",
        POSITIVE,
        number_format=USD_RATE,
        section=_RATE,
    ),
    InputSpec(
        "usd_rate_date",
        "Date of the rate",
        "date",
        "not needed",
        "The day the rate is of (ISO date, e.g. 2026-11-27).",
        number_format="@",
        section=_RATE,
    ),
    InputSpec(
        "usd_rate_source",
        "Source of the rate",
        "text",
        "No conversion: the workbook is in US dollars",
        "Where the rate comes from, e.g. the European Central Bank reference rate.",
        number_format="@",
        section=_RATE,
    ),
    *workload_inputs(
        _WORKLOAD,
        tasks=20_000,
        max_months=MAX_MONTHS,
        notes=[
            "How many tasks the workload has in month 1; later months grow by the monthly growth.",
            f"Number of months compared, 1 to {MAX_MONTHS} (the timeline's length).",
            "Growth of the task volume per month, compounding (2% = 0.02; negative shrinks).",
            "Effective annual rate for discounting future months (your cost of capital).",
        ],
    ),
    InputSpec(
        "reference_option",
        "Reference option",
        "letter",
        "C",
        "The option the others are compared with in the break-even accuracy (A, B, C or D).",
        choices=OPTIONS,
        number_format="@",
        section=_WORKLOAD,
    ),
    *_per_option(
        "name",
        "Option name",
        "text",
        [
            "Small open model, self-hosted",
            "Efficient API model",
            "Frontier API model",
            "Frontier model, heavy test-time compute",
        ],
        "A short name for the option; shown on Summary.",
        rule=None,
        fmt="@",
        sources={"B": "e.g. GPT-4o mini", "C": "e.g. Claude Sonnet 4", "D": "e.g. o1"},
    ),
    *_per_option(
        "include",
        "Include in the comparison",
        "Yes/No",
        ["Yes"] * 4,
        "No leaves the option out of the ranking and the sentences.",
        fmt="@",
        choices=YES_NO,
    ),
    *_per_option(
        "pricing",
        "Pricing",
        "API/Self-hosted",
        ["Self-hosted", "API", "API", "API"],
        "API: pay per token at the prices below. Self-hosted: pay for GPU time "
        "(GPU-hour price, throughput, utilisation).",
        fmt="@",
        choices=PRICING,
    ),
    *_per_option(
        "input_tokens",
        "Input tokens per call",
        "tokens",
        [2000, 2000, 2000, 2000],
        "Prompt tokens sent in one model call, context included.",
        fmt=COUNT,
    ),
    *_per_option(
        "output_tokens",
        "Output tokens per call",
        "tokens",
        [500, 500, 500, 500],
        "Tokens the model writes in one call, reasoning excluded.",
        fmt=COUNT,
    ),
    *_per_option(
        "reasoning_tokens",
        "Reasoning tokens per call",
        "tokens",
        [0, 0, 0, 8000],
        "Hidden test-time compute tokens per call; billed as output tokens.",
        fmt=COUNT,
    ),
    *_per_option(
        "calls",
        "Model calls per task",
        "calls",
        [3, 2, 1, 1],
        "Average calls per task: agent loops, retries, debate, validation passes.",
        fmt="#,##0.0",
    ),
    *_per_option(
        "input_price",
        "Input price",
        "USD per 1M tokens",
        [0, 0.15, 3, 15],
        "Price per 1,000,000 input tokens in US dollars (API pricing only), converted at the "
        "US-dollar rate.",
        fmt=USD_PRICE,
    ),
    *_per_option(
        "output_price",
        "Output price",
        "USD per 1M tokens",
        [0, 0.6, 15, 60],
        "Price per 1,000,000 output tokens in US dollars, reasoning included (API pricing "
        "only), converted at the US-dollar rate.",
        fmt=USD_PRICE,
    ),
    *_per_option(
        "cached_share",
        "Share of input from the prompt cache",
        "fraction",
        [0, 0.5, 0.5, 0.5],
        "Share of input tokens billed at the cached price (0 to 1).",
        fmt=PERCENT,
    ),
    *_per_option(
        "cached_price",
        "Cached input price",
        "USD per 1M tokens",
        [0, 0.075, 0.3, 7.5],
        "Price per 1,000,000 input tokens read from the prompt cache, in US dollars, converted "
        "at the US-dollar rate.",
        fmt=USD_PRICE,
    ),
    *_per_option(
        "source",
        "Source of the prices",
        "text",
        ["Self-hosted: priced by GPU time, not by token", *(_LIST_PRICES[x] for x in "BCD")],
        "Where the three token prices above come from, and the day they were read.",
        rule=None,
        fmt="@",
    ),
    *_per_option(
        "gpu_hour_price",
        "GPU-hour price",
        "¤ per hour",
        [2.5, 0, 0, 0],
        "Cost of one GPU-hour, rented or owned (self-hosted pricing only).",
    ),
    *_per_option(
        "tokens_per_second",
        "GPU throughput",
        "tokens per second",
        [2500, 1000, 1000, 1000],
        "One GPU's sustained throughput, all requests together (self-hosted only).",
        fmt=COUNT,
    ),
    *_per_option(
        "utilization",
        "GPU utilisation",
        "fraction",
        [0.5, 1, 1, 1],
        "Share of paid GPU time doing useful work, above 0 and at most 1 (self-hosted only).",
        fmt=PERCENT,
    ),
    *_per_option(
        "accuracy",
        "Accuracy",
        "fraction",
        [0.9, 0.95, 0.99, 0.995],
        "Share of tasks done right (95% = 0.95). Measure it on your own tasks.",
        fmt=PERCENT,
        section=_QUALITY,
    ),
    *_per_option(
        "catch_rate",
        "Share of errors caught",
        "fraction",
        [0.6, 0.5, 0.3, 0.3],
        "Share of wrong results caught before they do harm (by validation or review).",
        fmt=PERCENT,
        section=_QUALITY,
    ),
    *_per_option(
        "cost_per_error",
        "Cost of an error not caught",
        "¤ per error",
        [40, 40, 40, 40],
        "What a wrong result that reaches a customer, a ledger or a regulator costs.",
        section=_QUALITY,
    ),
    *_per_option(
        "cost_per_caught_error",
        "Cost of a caught error",
        "¤ per error",
        [4, 4, 4, 4],
        "Rework cost of a wrong result that is caught.",
        section=_QUALITY,
    ),
    *_per_option(
        "review_share",
        "Share of tasks a person reviews",
        "fraction",
        [0.1, 0.05, 0.02, 0.01],
        "Share of tasks a person checks (0 to 1).",
        rule=_FRACTION,
        fmt=PERCENT,
        section=_PEOPLE,
    ),
    *_per_option(
        "review_cost",
        "Cost of one review",
        "¤ per review",
        [2, 2, 2, 2],
        "Loaded cost of a person checking one task.",
        rule=_AMOUNT,
        section=_PEOPLE,
    ),
    *_per_option(
        "build_hours",
        "Scaffolding build",
        "engineering hours",
        [1500, 600, 100, 100],
        "Hours to build validation loops, retrieval, evaluation harness (one-off).",
        rule=_AMOUNT,
        fmt=COUNT,
        section=_PEOPLE,
    ),
    *_per_option(
        "hourly_rate",
        "Loaded engineering rate",
        "¤ per hour",
        [120, 120, 120, 120],
        "Engineering cost per hour, overheads included.",
        rule=_AMOUNT,
        section=_PEOPLE,
    ),
    *_per_option(
        "monthly_maintenance",
        "Scaffolding maintenance",
        "¤ per month",
        [5000, 2500, 500, 500],
        "Upkeep of the scaffolding: fixes, re-evaluation, prompt and model updates.",
        rule=_AMOUNT,
        section=_PEOPLE,
    ),
    *_per_option(
        "monthly_fixed",
        "Other fixed costs",
        "¤ per month",
        [1500, 0, 0, 0],
        "Hosting, monitoring and licences that do not depend on volume.",
        section=_PEOPLE,
    ),
]

#: The inputs the Risk sheet can draw (in its column order): the shared volume, then per option.
UNCERTAIN = (
    Uncertain(
        "tasks_per_month", "Tasks in month 1", "tasks", RULES["tasks_per_month"], COUNT,
        "tasks_per_month", shared=True,
    ),
    Uncertain("accuracy", "Accuracy", "fraction", _FRACTION, PERCENT, "accuracy"),
    Uncertain(
        "cost_per_error", "Cost of an error not caught", f"{CURRENCY_SIGN} per error",
        RULES["cost_per_error"], MONEY, "cost_per_error",
    ),
    Uncertain(
        "calls", "Model calls per task", "calls", RULES["calls"], "#,##0.00", "cost_per_task",
    ),
)  # fmt: skip
INPUTS += risk_inputs(UNCERTAIN, OPTIONS)

#: The template's illustrative ranges (a scenario's book has none unless it gives them).
ILLUSTRATIVE_RANGES = {
    "tasks_per_month_low": 12_000,
    "tasks_per_month_high": 40_000,
    **{f"{x}_accuracy_low": low for x, low in zip("abcd", (0.8, 0.9, 0.97, 0.98), strict=True)},
    **{
        f"{x}_accuracy_high": high
        for x, high in zip("abcd", (0.95, 0.97, 0.995, 0.998), strict=True)
    },
    **{f"{x}_cost_per_error_low": 10 for x in "abcd"},
    **{f"{x}_cost_per_error_high": 150 for x in "abcd"},
    **{f"{x}_cost_per_error_distribution": "PERT" for x in "abcd"},
    "a_calls_high": 6,
    "b_calls_high": 4,
}
