"""What a scenario file may leave out: neutral defaults, and what must be given.

A template's own defaults are illustrative figures (a 2 % monthly growth,
2,000 input tokens, 0.15 per million tokens ...), good for showing how a
workbook works and wrong as a silent stand-in for a number the user forgot.
A scenario file therefore fills a missing input only with a neutral value,
one that adds nothing and changes nothing: one call per task, no reasoning
tokens, no prompt cache, no review, no scaffolding, no growth, no
discounting (the defaults of the functions in the contract). What has no
neutral value must be given: each option's accuracy, the cost of an error,
its token counts and prices (or a model name, whose list prices are looked
up), or its GPU figures when self-hosted.

The shared inputs' table applies to templates that compare options. An
input the tables do not name is never filled silently with the template's
illustrative figure (a value per correct answer of 500, a cost falling 20 %
a year): it must be given, unless its default is 0 (nothing added), it is
a count of calls of 1, or it only places a row or column of a sensitivity
table (``table_error_cost_1`` ...), which is no assumption about the case.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["OPTION", "SHARED", "Omission", "option_rule", "shared_rule"]

API, SELF_HOSTED = "API", "Self-hosted"


@dataclass(frozen=True)
class Omission:
    """How one input may be left out: its default, or when it must be given."""

    #: The neutral value; ``None``: none (must be given, or see ``same_as``).
    value: float | str | None = None
    #: Left out, it takes this other input's value (``cached_price`` -> ``input_price``).
    same_as: str | None = None
    #: Must be given only when this holds of the option's other values; otherwise ``value``.
    needed: Callable[[Mapping[str, object]], bool] | None = None
    #: ``needed`` in words, e.g. ``when pricing is API``.
    needed_words: str = ""
    #: Not used in that case: the template's value fills the cell.
    unused_otherwise: bool = False
    #: Left out, the cell stays blank (a range's end: the input is then fixed).
    blank: bool = False
    #: The rule in words, where the fields do not say it.
    words_given: str = ""

    def words(self) -> str:
        """The rule as ``xlfuncs templates --describe`` states it."""
        if self.words_given:
            return self.words_given
        if self.needed is not None:
            otherwise = "not used" if self.unused_otherwise else f"default {_show(self.value)}"
            return f"required {self.needed_words} (otherwise {otherwise})"
        if self.same_as is not None:
            return f"default: the same as {self.same_as}"
        if self.blank:
            return "default blank (no range: the input is fixed)"
        if self.value is None:
            return "required"
        return f"default {_show(self.value)}"


def _show(value: object) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


REQUIRED = Omission()


def _api(values: Mapping[str, object]) -> bool:
    return values.get("pricing") == API


def _self_hosted(values: Mapping[str, object]) -> bool:
    return values.get("pricing") == SELF_HOSTED


def _positive(key: str) -> Callable[[Mapping[str, object]], bool]:
    def test(values: Mapping[str, object]) -> bool:
        value = values.get(key)
        return isinstance(value, float) and value > 0

    return test


_API_WORDS = "when pricing is API and no model is given"
#: Where an option's prices come from when the scenario file gives them.
TYPED = "as given in the scenario file"

#: Option inputs, by row key.
OPTION: dict[str, Omission] = {
    "include": Omission("Yes"),
    "input_tokens": REQUIRED,
    "output_tokens": REQUIRED,
    "reasoning_tokens": Omission(0.0),
    "calls": Omission(1.0),
    "input_price": Omission(0.0, needed=_api, needed_words=_API_WORDS),
    "output_price": Omission(0.0, needed=_api, needed_words=_API_WORDS),
    "cached_share": Omission(0.0),
    "cached_price": Omission(same_as="input_price"),
    "gpu_hour_price": Omission(
        0.0, needed=_self_hosted, needed_words="when pricing is Self-hosted"
    ),
    "tokens_per_second": Omission(
        needed=_self_hosted, needed_words="when pricing is Self-hosted", unused_otherwise=True
    ),
    "utilization": Omission(1.0),
    "accuracy": REQUIRED,
    "catch_rate": Omission(0.0),
    "cost_per_error": REQUIRED,
    "cost_per_caught_error": Omission(0.0),
    "review_share": Omission(0.0),
    "review_cost": Omission(
        0.0, needed=_positive("review_share"), needed_words="when review_share is above 0"
    ),
    "build_hours": Omission(0.0),
    "hourly_rate": Omission(
        0.0, needed=_positive("build_hours"), needed_words="when build_hours is above 0"
    ),
    "monthly_maintenance": Omission(0.0),
    "monthly_fixed": Omission(0.0),
    "upfront": Omission(0.0),
    "cost_per_task": REQUIRED,
    "source": Omission(TYPED),
}

#: Shared inputs of a scenario, by name.
SHARED: dict[str, Omission] = {
    "tasks_per_month": REQUIRED,
    "cost_per_error": REQUIRED,
    "months": Omission(12.0),
    "monthly_growth": Omission(0.0),
    "annual_discount_rate": Omission(0.0),
    # The Risk sheet's settings: the contract's defaults, no assumption about the case.
    "risk_correlation": Omission(1.0),
    "risk_percentile_low": Omission(0.05),
    "risk_percentile_mid": Omission(0.5),
    "risk_percentile_high": Omission(0.95),
    "risk_trials": Omission(1000.0),
    # Left out: the scenario's position in its file (its own random streams).
    "risk_entity": Omission(blank=True, words_given="default: the scenario's position in its file"),
}

#: ``pricing`` left out: API, unless the option gives GPU figures and no token prices.
PRICING_WORDS = (
    "default API, or Self-hosted when the option gives gpu_hour_price and no input_price, "
    "output_price or model"
)


def default_pricing(given: Mapping[str, object]) -> str:
    """The pricing of an option that does not say."""
    prices = ("input_price", "output_price", "model")
    if "gpu_hour_price" in given and not any(k in given for k in prices):
        return SELF_HOSTED
    return API


#: Inputs the tables do not name whose template default is neutral: one call.
NEUTRAL = {"small_base_calls": 1.0}
#: Inputs that only place a row or a column of a sensitivity table: not assumptions.
GRID_PREFIXES = ("table_",)


def _untabled_rule(key: str, template_default: object) -> Omission:
    """An input the tables do not name: neutral defaults and a table's grid are kept,
    an illustrative figure never is."""
    if key in NEUTRAL:
        return Omission(NEUTRAL[key])
    if template_default is None:  # an input that may stay blank (a range's end)
        return Omission(blank=True)
    if not isinstance(template_default, (int, float)) or isinstance(template_default, bool):
        return Omission(template_default)  # a text input (a label, a choice): not a figure
    if key.startswith(GRID_PREFIXES):
        return Omission(template_default)
    if isinstance(template_default, (int, float)) and template_default == 0:
        return Omission(0.0)
    return REQUIRED


def option_rule(key: str, template_defaults: list[object]) -> Omission:
    """The rule for an option input: the table's, else a neutral default (see
    :func:`_untabled_rule`) when the template's is the same for every option,
    else required."""
    if key in OPTION:
        return OPTION[key]
    if len(set(template_defaults)) == 1:
        return _untabled_rule(key, template_defaults[0])
    return REQUIRED


def shared_rule(key: str, template_default: object, compares_options: bool = True) -> Omission:
    """The rule for a shared input: the table's for a template that compares options (the
    table is about their workload), else a neutral default or required
    (:func:`_untabled_rule`)."""
    if compares_options and key in SHARED:
        return SHARED[key]
    return _untabled_rule(key, template_default)
