"""Scenarios of every shipped template with edge values: the batch summary's and the sweep's
tests share them."""

_TCO_OPTION = {
    "pricing": "API",
    "input_tokens": 2000,
    "output_tokens": 500,
    "reasoning_tokens": 0,
    "calls": 1,
    "input_price": 3,
    "output_price": 15,
    "cached_share": 0,
    "cached_price": 0,
    "gpu_hour_price": 0,
    "tokens_per_second": 1000,
    "utilization": 1,
    "accuracy": 0.95,
    "catch_rate": 0,
    "cost_per_error": 40,
    "cost_per_caught_error": 0,
    "review_share": 0,
    "review_cost": 0,
    "build_hours": 0,
    "hourly_rate": 0,
    "monthly_maintenance": 0,
    "monthly_fixed": 0,
}
_TCO_SELF_HOSTED = _TCO_OPTION | {
    "pricing": "Self-hosted",
    "gpu_hour_price": 2.5,
    "tokens_per_second": 2500,
    "utilization": 0.5,
    "build_hours": 1500,
    "hourly_rate": 120,
    "monthly_fixed": 1500,
}

_BREAKEVEN = {
    "efficient_cost_per_task": 0.002,
    "efficient_accuracy": 0.95,
    "frontier_cost_per_task": 0.05,
    "frontier_accuracy": 0.99,
    "cost_per_error": 10,
    "tasks_per_month": 10_000,
}

SCENARIOS = {
    "tco_comparison": [
        {
            "name": "one month, a tie",
            "tasks_per_month": 20_000,
            "months": 1,
            "monthly_growth": 0,
            "annual_discount_rate": 0,
            "reference_option": "twin 2",
            "options": [
                {"name": "twin 1", **_TCO_OPTION},
                {"name": "twin 2", **_TCO_OPTION},
                {"name": "perfect", **_TCO_OPTION, "accuracy": 1},
            ],
        },
        {
            "name": "sixty months, growth equal to the discount rate",
            "tasks_per_month": 20_000,
            "months": 60,
            "monthly_growth": 1.08 ** (1 / 12) - 1,
            "annual_discount_rate": 0.08,
            "reference_option": "B",
            "options": [
                {"name": "self-hosted", **_TCO_SELF_HOSTED},
                {"name": "api", **_TCO_OPTION, "calls": 2.5, "cached_share": 0.5},
            ],
        },
    ],
    # A scenario file gives every figure: the templates' own are illustrative.
    "breakeven_accuracy": [
        {"name": "defaults", **_BREAKEVEN},
        {
            **_BREAKEVEN,
            "name": "equal accuracies",
            "efficient_accuracy": 0.99,
            "frontier_accuracy": 0.99,
            "efficient_monthly_fixed": 300,
        },
        {
            **_BREAKEVEN,
            "name": "accuracy 1",
            "efficient_accuracy": 1,
            "frontier_accuracy": 1,
            "cost_per_error": 500,
        },
    ],
    "margin_trap": [
        {
            "name": "price race",
            "years": 10,
            "options": [
                {
                    "name": "cut",
                    "price": 0.01,
                    "cost": 0.004,
                    "annual_price_change": -0.3,
                    "annual_cost_change": -0.2,
                },
                {
                    "name": "hold",
                    "price": 0.03,
                    "cost": 0.012,
                    "annual_price_change": 0.1,
                    "annual_cost_change": 0.105,
                },
            ],
        },
        {
            "name": "never and already",
            "years": 1,
            "options": [
                {
                    "name": "safe",
                    "price": 1,
                    "cost": 0.5,
                    "annual_price_change": 0,
                    "annual_cost_change": 0,
                },
                {
                    "name": "underwater",
                    "price": 1,
                    "cost": 2,
                    "annual_price_change": -0.5,
                    "annual_cost_change": 0,
                },
            ],
        },
    ],
    "test_time_compute": [
        {
            "name": "essay",
            "cost_per_error": 5000,
            "value_per_correct": 500,
            "cases_per_month": 1000,
            "options": [
                {"name": "fast", "cost_per_case": 0.001, "seconds_per_case": 0.2, "accuracy": 0.95},
                {
                    "name": "thinking",
                    "cost_per_case": 50,
                    "seconds_per_case": 180,
                    "accuracy": 0.99,
                },
            ],
        },
        {
            "name": "equal accuracy",
            "cost_per_error": 0,
            "value_per_correct": 0,
            "cases_per_month": 0,
            "options": [
                {"name": "a", "cost_per_case": 1, "seconds_per_case": 0, "accuracy": 1},
                {"name": "b", "cost_per_case": 2, "seconds_per_case": 1, "accuracy": 1},
            ],
        },
    ],
    "scaffolding_build_vs_buy": [
        {
            "name": name,
            "tasks_per_month": 50_000,
            "cost_per_error": 5,
            "months": months,
            "monthly_growth": growth,
            "annual_discount_rate": 0.1,
            "hourly_rate": 150,
            "small_cost_per_call": 0.0004,
            "small_accuracy": 0.98,
            "frontier_cost_per_task": 0.03,
            "frontier_accuracy": 0.985,
            "frontier_monthly_fixed": 500,
            "options": [
                {
                    "name": "validation",
                    "build_hours": 400,
                    "maintenance_hours": 10,
                    "extra_calls": 1,
                },
                {"name": "debate", "build_hours": 0, "maintenance_hours": 0, "extra_calls": 0},
                {
                    "name": "retrieval",
                    "build_hours": 800,
                    "maintenance_hours": 25,
                    "extra_calls": 0.5,
                },
            ],
        }
        for name, months, growth in (("short", 1, 0.0), ("long", 60, 1.1 ** (1 / 12) - 1))
    ],
}
