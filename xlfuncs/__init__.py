"""xlfuncs: what AI options really cost, in Excel and in Python.

Every function takes single values or arrays (numpy broadcasting) and returns
a plain float for single values. Rates, shares and accuracies are fractions
(0.95 is 95 %), token prices are money per 1,000,000 tokens, and the period
is a month. Bad input raises :class:`InputError`; a model or provider that
the price data does not know raises :class:`NotFoundError` (one of them).
Every error xlfuncs raises on purpose is an :class:`XlfuncsError`.
"""

from ._breakeven import breakeven_accuracy, breakeven_error_cost, breakeven_volume
from ._errors import (
    ArgumentError,
    InputError,
    LibreOfficeError,
    MissingDependencyError,
    NotFoundError,
    XlfuncsError,
)
from ._hdr import hdr
from ._margins import margin, margin_path, years_to_zero_margin
from ._model_prices import model_price, model_token_cost
from ._tco import tco
from ._tornado import tco_tornado
from ._uncertainty import prob_cheaper, prob_cheaper_trials, tco_sim, tco_sim_trials
from ._unit_costs import cost_per_correct, error_cost, net_value, selfhost_cost, token_cost
from ._version import __version__

__all__ = [
    "ArgumentError",
    "InputError",
    "LibreOfficeError",
    "MissingDependencyError",
    "NotFoundError",
    "XlfuncsError",
    "__version__",
    "breakeven_accuracy",
    "breakeven_error_cost",
    "breakeven_volume",
    "cost_per_correct",
    "error_cost",
    "generate",
    "hdr",
    "margin",
    "margin_path",
    "model_price",
    "model_token_cost",
    "net_value",
    "prob_cheaper",
    "prob_cheaper_trials",
    "selfhost_cost",
    "tco",
    "tco_sim",
    "tco_sim_trials",
    "tco_tornado",
    "token_cost",
    "years_to_zero_margin",
]


def __getattr__(name: str):
    # Batch generation needs openpyxl and YAML: loaded on first use, so that
    # the Excel functions (``import xlfuncs.udfs``) start without them.
    if name == "generate":
        from .batch.run import generate

        return generate
    raise AttributeError(f"module 'xlfuncs' has no attribute {name!r}")
