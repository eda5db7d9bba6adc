"""Each Excel function with an example call and a sensitivity table, for the host tests.

The Office.js tests (``test_udfs_officejs.py``) and the classic xlwings tests
(``test_udfs_classic.py``) call every function with these arguments.
"""

from __future__ import annotations

import inspect

import xlfuncs

__all__ = ["FUNCTIONS", "TABLES", "parameters"]

#: Each Excel function: its Python core, and an example with every argument given.
FUNCTIONS = {
    "TOKEN_COST": (xlfuncs.token_cost, (2000, 500, 3.0, 15.0, 1000, 2.5, 0.4, 0.3)),
    "SELFHOST_COST": (xlfuncs.selfhost_cost, (2.5, 3000, 1500, 0.6)),
    "ERROR_COST": (xlfuncs.error_cost, (0.92, 40.0, 0.7, 5.0)),
    "COST_PER_CORRECT": (xlfuncs.cost_per_correct, (0.05, 0.8)),
    "NET_VALUE": (xlfuncs.net_value, (12.0, 0.9, 0.4, 30.0)),
    "TCO": (xlfuncs.tco, (20000, 0.012, 0.95, 8.0, 50000, 2000, 36, 0.03, 0.08)),
    "BREAKEVEN_ACCURACY": (
        xlfuncs.breakeven_accuracy,
        (0.002, 0.05, 0.99, 10.0, 3000, 500, 20000),
    ),
    "BREAKEVEN_ERROR_COST": (
        xlfuncs.breakeven_error_cost,
        (0.001, 0.95, 0.05, 0.99, 3000, 500, 20000),
    ),
    "BREAKEVEN_VOLUME": (xlfuncs.breakeven_volume, (0.001, 6000, 0.013, 0)),
    "MARGIN": (xlfuncs.margin, (10.0, 4.0)),
    "MARGIN_PATH": (xlfuncs.margin_path, (10.0, 4.0, -0.5, -0.2, 5)),
    "YEARS_TO_ZERO_MARGIN": (xlfuncs.years_to_zero_margin, (10.0, 4.0, -0.5, -0.2)),
    "HDR": (xlfuncs.hdr, (3, 7, 12345, 4, 99_999_999)),
}
#: A range sensitivity table per function: (column argument, its values, row argument, its values).
TABLES = {
    "TOKEN_COST": ("input_tokens", [1000, 2000, 8000], "calls", [1, 2.5, 4]),
    "SELFHOST_COST": ("gpu_hour_price", [1.0, 2.5, 4.0], "utilization", [0.3, 0.6, 1.0]),
    "ERROR_COST": ("accuracy", [0.8, 0.9, 0.99], "catch_rate", [0.0, 0.5, 0.9]),
    "COST_PER_CORRECT": ("cost_per_task", [0.01, 0.05], "accuracy", [0.5, 0.8, 1.0]),
    "NET_VALUE": ("accuracy", [0.8, 0.9, 0.99], "cost_per_error", [0.0, 30.0]),
    "TCO": ("tasks_per_month", [1000, 20000, 500000], "accuracy", [0.8, 0.95, 0.99]),
    "BREAKEVEN_ACCURACY": ("cost_per_error", [1.0, 10.0, 100.0], "tasks_per_month", [1, 1e5]),
    # Equal accuracies in two cells: #DIV/0! inside the table.
    "BREAKEVEN_ERROR_COST": (
        "efficient_accuracy",
        [0.9, 0.95, 0.99],
        "frontier_accuracy",
        [0.95, 0.99],
    ),
    # Equal costs per task in the first column: #DIV/0! there.
    "BREAKEVEN_VOLUME": ("a_monthly_fixed", [0, 6000, 20000], "b_cost_per_task", [0.001, 0.013]),
    "MARGIN": ("price", [5.0, 10.0, 20.0], "cost", [0.0, 4.0, 12.0]),
    # A rising price never meets a cost that rises as fast: #N/A there.
    "YEARS_TO_ZERO_MARGIN": (
        "annual_price_change",
        [-0.5, -0.2, 0.1],
        "annual_cost_change",
        [-0.3, 0.0],
    ),
    # Trials down a column, variables across a row: a Risk sheet's uniforms.
    "HDR": ("trial", [1, 2, 10_000_000], "var_id", [0, 1, 99_999_999]),
}


def parameters(name: str) -> list[str]:
    return list(inspect.signature(FUNCTIONS[name][0]).parameters)
