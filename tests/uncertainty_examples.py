"""The essay's efficient-vs-frontier case as option blocks, shared by the uncertainty tests.

Illustrative guesses (low, most likely, high), not measurements: an efficient
model with a scaffolding build against a frontier model, over a shared
workload.
"""

EFFICIENT = {
    "cost_per_task": 0.002,
    "accuracy": (0.90, 0.95, 0.97),
    "cost_per_error": (0.2, 0.5, 2.0),
    "upfront": (20_000, 40_000, 90_000),
    "monthly_fixed": 500,
}
FRONTIER = {
    "cost_per_task": 0.04,
    "accuracy": (0.97, 0.98, 0.99),
    "cost_per_error": (0.2, 0.5, 2.0),
    "upfront": 5_000,
}
BOTH = {
    "tasks_per_month": (20_000, 50_000, 150_000),
    "months": 36,
    "monthly_growth": (0.0, 0.02, 0.05),
    "annual_discount_rate": 0.08,
}
