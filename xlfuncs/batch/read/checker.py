"""The scenario value checker: every reader's values checked against the template's declaration.

A scenario is one case to put in a workbook: a name, the shared inputs
(volume, horizon, discount rate ...) and a list of options (vendors or
models) with their own inputs. YAML and JSON files nest them::

    scenarios:
      - name: Support desk
        tasks_per_month: 20000
        options:
          - name: Efficient model
            accuracy: 95%
          - name: Frontier model
            accuracy: 0.99

YAML and JSON files are read by :mod:`xlfuncs.batch.read.nested`; CSV and
XLSX files are a long table (see :mod:`xlfuncs.batch.read.tables`);
:func:`xlfuncs.batch.read.sources.read_scenarios` reads a file of any kind.
This module holds what every reader shares: the scenario and the problem it
yields, and :class:`ValueChecker`, which checks each value.

Readers yield scenarios in file order and never stop at a bad one: a bad
scenario comes out as a :class:`ScenarioProblem` saying where (file, row or
line, column or key), the value and the rule it broke, and reading goes on.
Only a file that cannot be read at all raises :class:`ScenarioFileError`.
Values are checked with the declaration's rules (:mod:`xlfuncs._validation`);
numbers written as text are read with the file's one decimal mark
(:mod:`xlfuncs._files.number_text`); every text goes through one check
(:mod:`xlfuncs._files.limits`); an
input left out takes a neutral default or must be given (:mod:`.defaults`).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import numbers
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..._currency import ALLOWED as CURRENCY_ALLOWED
from ..._currency import CURRENCIES, DEFAULT_CURRENCY, ecb_rate
from ..._errors import InputError, ScenarioFileError
from ..._files.limits import LIMITS, text_problem
from ..._files.number_text import (
    POINT,
    DecimalMark,
    UnsettledNumberError,
    count_digits,
    parse_number,
)
from ..._files.text import Formula, JsonNumber, NumberText
from ..._validation import RULES, did_you_mean, format_number
from ..template import InputDeclaration, Layout
from . import defaults
from .price_book import PRICE_KEYS, PriceBook

__all__ = [
    "Scenario",
    "ScenarioFileError",
    "ScenarioProblem",
    "ValueChecker",
    "parse_number",
    "suggest",
]

#: What an option a scenario does not give holds in its workbook: nothing (blank cells).
UNUSED_OPTION = None

SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv", ".xlsx": "xlsx"}


@dataclass(frozen=True)
class Scenario:
    """One checked scenario: its name, and every template input's value (defaults filled in)."""

    name: str
    #: Value of every declared input, by the template's input name (``a_accuracy`` ...).
    values: Mapping[str, float | str]
    #: The options' names, in the order given (option A first).
    option_names: tuple[str, ...]
    #: Where it came from, e.g. ``cases.csv, rows 2-5``.
    where: str = ""


@dataclass(frozen=True)
class ScenarioProblem:
    """Why one scenario cannot be built, and where in the file it is."""

    file: str
    where: str
    key: str | None
    value: object
    rule: str
    #: The scenario's name where known, else a description of its position.
    scenario: str = ""
    #: What was probably meant, e.g. ``enter 95% or 0.95``.
    hint: str = ""
    #: Further problems in the same scenario.
    more: tuple[ScenarioProblem, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        place = ", ".join(p for p in (self.file, self.where) if p)
        if self.key is not None:
            place += f", {self._key_words()}"
        got = "" if self.value is _NO_VALUE else f", got {_show(self.value)}"
        hint = f" ({self.hint})" if self.hint else ""
        text = f"{place}: {self.rule}{got}{hint}"
        return "; ".join([text, *map(str, self.more)])

    def _key_words(self) -> str:
        key = _shorten(self.key)
        return f"column {key!r}" if self.where.startswith("row") else f"key {key!r}"


_NO_VALUE = object()
#: ``usd_rate: ecb``: the European Central Bank reference rate.
ECB = "ecb"
_CURRENCY_KEYS = ("currency", "usd_rate", "usd_rate_date")
_RATE_KEYS = ("usd_rate", "usd_rate_date", "usd_rate_source")
_RATE_WORDS = (
    "a number above 0 (units of the scenario's currency that one US dollar buys) or ecb "
    "(the European Central Bank reference rate)"
)


#: How the source of an option given by its cost per task begins.
_COST_SOURCE = "cost per task as given"


def _cost_in_dollars(
    options: Sequence[tuple[str, Mapping[str, float | str]]], currency: str, rate: float
) -> None:
    """Options given by their cost per task, in a scenario in another currency than USD.

    The cost is in the scenario's currency, and the workbook's token prices
    are US dollars converted at the rate: the price becomes the cost over the
    rate, which the workbook turns back into the cost; the source says so.
    """
    for _, values in options:
        source = values.get("source")
        if not (isinstance(source, str) and source.startswith(_COST_SOURCE + ",")):
            continue
        cost = float(values["input_price"])
        price = cost / rate
        values.update(  # type: ignore[attr-defined]
            input_price=price,
            cached_price=price,
            source=f"{_COST_SOURCE}, {format_number(cost)} {currency}: entered as 1,000,000 "
            f"input tokens at {format_number(price)} US dollars per 1,000,000 tokens, the cost "
            "over the US-dollar rate",
        )


def _iso_date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        return None


# The option inputs a model name stands for.
_PRICE_INPUTS = ("input_price", "output_price", "cached_price")
#: An option key that stands for the cost of one task, tokens and prices included.
COST_PER_TASK = "cost_per_task"
# The option inputs the cost per task stands for.
_SHORTCUT_INPUTS = (
    "input_tokens",
    "output_tokens",
    "reasoning_tokens",
    "calls",
    "cached_share",
    *_PRICE_INPUTS,
    "gpu_hour_price",
    "tokens_per_second",
    "utilization",
)
# Integers below this need no check of their length.
_PLAIN_INT = 10**15
#: The largest number, in size, an input takes: a spreadsheet keeps 15 significant
#: digits, and figures beyond this lose their units (and their percentiles).
LARGEST = 1e15
# Values are shown in messages up to this length.
_SHOWN = 60


def _shorten(text: str) -> str:
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}... ({len(text):,} characters)"


def _show(value: object) -> str:
    if isinstance(value, Formula):
        return repr(value)
    if isinstance(value, str):
        return "a blank" if not value.strip() else repr(_shorten(str(value)))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, int):
        return format_number(float(value)) if value.bit_length() < 1000 else "a very long number"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return _shorten(repr(value))


def suggest(word: str, known: Iterable[str]) -> str:
    """`` (did you mean X?)`` for the known name closest to ``word`` in any case, or nothing."""
    return did_you_mean(word.lower(), list(known))


@functools.lru_cache(maxsize=4096)
def normalise_key(key: object) -> str:
    """A column heading or key as a name: ``Tasks per month`` -> ``tasks_per_month``.

    Case, spaces and hyphens do not matter: ``Accuracy`` and ``accuracy`` are one key.
    """
    text = unicodedata.normalize("NFC", str(key)).strip().casefold()
    text = re.sub(r"[\s\-]+", "_", text)
    return KEY_ALIASES.get(text, text)


#: Scenario keys that name a workbook input by a shorter name.
KEY_ALIASES = {
    "trials": "risk_trials",
    "entity": "risk_entity",
    "correlation": "risk_correlation",
}


def name_key(name: str) -> str:
    """A name as names are compared: one Unicode normal form, case folded.

    ``Café`` typed with a combining accent and ``CAFÉ`` are one name, as
    Windows and macOS compare file names and as a reader takes them.

    >>> name_key("Cafe\u0301") == name_key("CAFÉ")
    True
    """
    return unicodedata.normalize("NFC", name).strip().casefold()


def repeated_name(names: Sequence[str]) -> tuple[str, str] | None:
    """The first two names of ``names`` that are one name (see :func:`name_key`), or ``None``."""
    seen: dict[str, str] = {}
    for name in names:
        if not name:
            continue
        key = name_key(name)
        if key in seen:
            return seen[key], name
        seen[key] = name
    return None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE/FALSE"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return type(value).__name__


class ValueChecker:
    """Checks one raw value against its declared input; collects what is wrong.

    ``decimal`` is the file's :class:`~xlfuncs._files.number_text.DecimalMark` (or a mark,
    ``"."`` or ``","``, or ``None`` to settle nothing).
    """

    def __init__(self, template: str, file: str, decimal: DecimalMark | str | None = POINT):
        self.template, self.file = template, file
        self.mark = decimal if isinstance(decimal, DecimalMark) else DecimalMark(decimal)
        self.problems: list[ScenarioProblem] = []

    def fail(self, where: str, key: str | None, value: object, rule: str, hint: str = "") -> None:
        self.problems.append(ScenarioProblem(self.file, where, key, value, rule, hint=hint))

    def number(self, raw: object, where: str, key: str, unit: str) -> float | None:
        """A raw value as a number, or ``None`` with a problem recorded.

        A number larger than :data:`LARGEST` in size is refused: no input
        of a template is that large, and a spreadsheet keeps 15 digits.
        """
        number = self._number(raw, where, key, unit)
        if number is not None and abs(number) > LARGEST:
            self.fail(
                where,
                key,
                number,
                f"{key} is too large; a number here is at most {LARGEST:,.0f} in size "
                "(a spreadsheet keeps 15 significant digits)",
            )
            return None
        return number

    def _number(self, raw: object, where: str, key: str, unit: str) -> float | None:
        kind = type(raw)
        if kind is float or (kind is int and -_PLAIN_INT < raw < _PLAIN_INT):
            return float(raw)  # the common case from Python objects: nothing to read
        if isinstance(raw, Formula):
            self.fail(where, key, _NO_VALUE, raw.problem())
            return None
        if isinstance(raw, str):
            digits = count_digits(raw)
            if digits > LIMITS["digits"].size:
                self.fail(
                    where,
                    key,
                    _NO_VALUE,
                    f"{key} has {digits:,} digits; a number here has at most "
                    f"{LIMITS['digits'].size}",
                )
                return None
            try:
                # JSON's own numbers have a decimal point whatever the file's strings use.
                number = (
                    parse_number(raw, POINT) if isinstance(raw, JsonNumber) else self.mark.read(raw)
                )
            except UnsettledNumberError as unsettled:
                self.fail(where, key, _NO_VALUE, f"{key}: {unsettled}")
                return None
            if number is None:
                words = self.mark.describe() if parse_number(raw, None) is not None else ""
                self.fail(where, key, raw, f"{key} must be a number ({unit})", words)
            return number
        if isinstance(raw, bool) or not isinstance(raw, numbers.Real):
            self.fail(where, key, raw, f"{key} must be a number ({unit})")
            return None
        if isinstance(raw, numbers.Integral):  # numpy's integers too
            raw = int(raw)
        size = LIMITS["digits"].size
        # The bit length first: a huge whole number is never written out to count its digits.
        if isinstance(raw, int) and (raw.bit_length() > 3.33 * size or abs(raw) >= 10**size):
            self.fail(
                where,
                key,
                _NO_VALUE,
                f"{key} is a number of more than {LIMITS['digits'].size} digits",
            )
            return None
        return float(raw)

    def check(self, spec: InputDeclaration, raw: object, where: str, key: str) -> float | str:
        """The checked value, the default for a blank; a problem is recorded otherwise."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return spec.default
        if key in _CURRENCY_KEYS:
            return self._currency_key(spec, raw, where, key)
        if spec.rule is None:
            return self._text(spec, raw, where, key)
        number = self.number(raw, where, key, spec.unit)
        if number is None:
            return spec.default
        refusal = spec.rule.refusal(number)
        if refusal is not None:
            required, hint = refusal
            if isinstance(raw, str) and raw.strip().endswith("%"):
                hint = ""  # typed with its % sign: no need to suggest one
            self.fail(where, key, number, f"{key} {required}", hint)
        return number

    def _currency_key(self, spec: InputDeclaration, raw: object, where: str, key: str):
        """``currency``, ``usd_rate`` (a number above 0, or ``ecb``) and ``usd_rate_date``."""
        if key == "usd_rate":
            if isinstance(raw, str) and raw.strip().casefold() == ECB:
                return ECB
            if isinstance(raw, str) and not any(c.isdigit() for c in raw):
                self.fail(where, key, raw, f"usd_rate must be {_RATE_WORDS}")
                return spec.default
            number = self.number(raw, where, key, spec.unit)
            if number is None:
                return spec.default
            refusal = spec.rule.refusal(number) if spec.rule is not None else None
            if refusal is not None:
                self.fail(where, key, number, f"usd_rate must be {_RATE_WORDS}")
            return number
        if key == "usd_rate_date":
            if isinstance(raw, datetime.datetime):
                raw = raw.date()
            text = raw.isoformat() if isinstance(raw, datetime.date) else self.text(raw, where, key)
            if text and _iso_date(text) is None:
                self.fail(where, key, text, "usd_rate_date must be a date written YYYY-MM-DD")
            return text or str(spec.default)
        text = self.text(raw, where, key)
        if text and text not in CURRENCIES:
            hint = f"did you mean {text.upper()!r}?" if text.upper() in CURRENCIES else ""
            self.fail(where, key, text, f"currency must be {CURRENCY_ALLOWED}", hint)
            return str(spec.default)
        return text or str(spec.default)

    def settle_currency(
        self,
        layout: Layout,
        shared: dict[str, float | str],
        options: Sequence[tuple[str, Mapping[str, float | str]]],
        where: str,
        prices: PriceBook,
    ) -> None:
        """The US-dollar rate of a scenario, its date and source; never a silent conversion.

        Token prices are US dollars: a scenario in another currency with an
        option priced by token needs ``usd_rate``, a number or ``ecb`` (the
        European Central Bank reference rate of ``usd_rate_date``, else of the
        run's price date). A scenario in US dollars has the rate 1.
        """
        if "usd_rate" not in layout.shared:
            return
        currency = str(shared.get("currency", DEFAULT_CURRENCY))
        rate = shared.get("usd_rate")
        given_date = shared.get("usd_rate_date")
        if currency == DEFAULT_CURRENCY:
            if rate not in (None, ECB, 1.0):
                self.fail(where, "usd_rate", rate, "usd_rate must be 1 in a scenario in USD")
            shared["usd_rate"] = 1.0
            return
        if rate is None:
            by_token = [name for name, values in options if values.get("pricing", "API") == "API"]
            if by_token:
                self.fail(
                    where,
                    "usd_rate",
                    _NO_VALUE,
                    f"a scenario in {currency} needs usd_rate, {_RATE_WORDS}: token prices are "
                    f"US dollars (option {_shorten(by_token[0])!r} is priced by token) and are "
                    "never converted without a rate",
                )
            else:
                shared.setdefault("usd_rate_source", "Not used: no option is priced by token")
            return
        if rate == ECB:
            day = prices.today if given_date is None else _iso_date(str(given_date))
            if day is None:
                return  # the date's own problem is recorded
            try:
                found, used, source = ecb_rate(currency, day)
            except InputError as error:
                self.fail(where, "usd_rate", ECB, str(error).removeprefix("usd_rate: "))
                return
            except ImportError as error:
                self.fail(where, "usd_rate", ECB, str(error).removeprefix("usd_rate: "))
                return
            shared["usd_rate"] = found
            shared["usd_rate_date"] = used.isoformat()
            shared.setdefault("usd_rate_source", source)
        else:
            shared.setdefault("usd_rate_date", "not given")
            shared.setdefault("usd_rate_source", defaults.TYPED)
        _cost_in_dollars(options, currency, float(shared["usd_rate"]))

    def text(self, raw: object, where: str, key: str) -> str:
        """Any text from a scenario file: a name, an option's name, a text input.

        A number stands for the text it was written as; a list, a mapping or
        TRUE/FALSE (YAML's reading of an unquoted yes, no, on, off) is an
        error that says to quote it; so is text a workbook cannot hold.
        Returns ``""`` for a blank or a problem.
        """
        if raw is None:
            return ""
        if isinstance(raw, Formula):
            self.fail(where, key, _NO_VALUE, raw.problem())
            return ""
        if isinstance(raw, str):
            # One normal form for every name: "Café" typed two ways is one name.
            text = unicodedata.normalize("NFC", str(raw)).strip()
        elif isinstance(raw, bool) or not isinstance(raw, numbers.Real):
            self.fail(
                where,
                key,
                _NO_VALUE,
                f'{key} must be text, got {_kind(raw)}; write it in quotes ("...") to keep '
                "it as text",
            )
            return ""
        elif isinstance(raw, numbers.Integral):
            raw = int(raw)  # numpy's integers too
            if raw.bit_length() > 3.33 * 1000:
                self.fail(where, key, _NO_VALUE, f"{key} is a number too long to be a name")
                return ""
            text = str(raw)
        else:
            text = format_number(float(raw))
        problem = text_problem(text)
        if problem:
            self.fail(where, key, _NO_VALUE, f"{key} {problem}")
            return ""
        return text

    def _text(self, spec: InputDeclaration, raw: object, where: str, key: str) -> str:
        choices = tuple(getattr(spec, "choices", ()) or ())
        if isinstance(raw, bool) and choices == ("Yes", "No"):
            return "Yes" if raw else "No"  # YAML reads yes and no as true and false
        text = self.text(raw, where, key)
        if not text:
            return str(spec.default)
        if choices:
            matching = [c for c in choices if c.casefold() == text.casefold()]
            if not matching:
                self.fail(where, key, text, f"{key} must be one of {', '.join(choices)}")
                return str(spec.default)
            return matching[0]
        return text

    def complete_shared(
        self, layout: Layout, shared: dict[str, float | str], where: str
    ) -> dict[str, float | str]:
        """The shared inputs with neutral defaults for those left out; missing ones reported."""
        missing = []
        for key in layout.shared_keys:
            if key in shared or key == layout.reference_input or key in _RATE_KEYS:
                continue  # the rate's keys are settled with the options (settle_currency)
            rule = defaults.shared_rule(key, layout.shared[key].default, bool(layout.letters))
            if rule.blank:
                shared[key] = None
            elif rule.value is None:
                missing.append(key)
            else:
                shared[key] = rule.value
        if missing:
            self.fail(
                where,
                None,
                _NO_VALUE,
                f"the scenario needs {_listing(missing)}, which {_has(missing)} no neutral default",
            )
        return shared

    def complete_option(
        self,
        layout: Layout,
        name: str,
        given: dict[str, float | str],
        extras: Mapping[str, object],
        where: str,
        places: Mapping[str, str],
        prices: PriceBook,
    ) -> dict[str, float | str]:
        """One option's values: prices looked up by model name, neutral defaults filled in,
        and one problem naming every input it must give and does not.

        ``where`` is the option's place in the file, ``places`` that of each
        of its ``extras`` the file says more precisely (a YAML key's line).
        """
        values = dict(given)
        if not _blank(extras.get(COST_PER_TASK)):
            at = places.get(COST_PER_TASK) or where
            self._cost_per_task(layout, values, extras, at)
        self._model_prices(layout, values, extras, where, places, prices)
        if not _blank(extras.get("model")):
            # The model stands for the prices, even when its lookup failed (reported above).
            for key in _PRICE_INPUTS:
                if key in layout.value_keys:
                    values.setdefault(key, 0.0)
        if "pricing" in layout.value_keys and "pricing" not in values:
            values["pricing"] = defaults.default_pricing({**given, **extras})
        missing: dict[str, list[str]] = {}  # by the condition that makes them required
        for key in layout.value_keys:
            if key in values:
                continue
            rule = defaults.option_rule(
                key, [layout.options[x][key].default for x in layout.letters]
            )
            if rule.needed is not None:
                if rule.needed(values):
                    missing.setdefault(rule.needed_words.removeprefix("when "), []).append(key)
                elif not rule.unused_otherwise:
                    values[key] = rule.value
            elif rule.same_as is not None:
                if rule.same_as in values:
                    values[key] = values[rule.same_as]
            elif rule.blank:
                values[key] = None
            elif rule.value is None:
                missing.setdefault("", []).append(key)
            else:
                values[key] = rule.value
        if missing:
            keys = [k for group in missing.values() for k in group]
            parts = [_listing(g) + (f" ({c})" if c else "") for c, g in missing.items()]
            self.fail(
                where,
                None,
                _NO_VALUE,
                f"option {_shorten(name)!r} needs {_listing(parts)}, which "
                f"{_has(keys)} no neutral default",
            )
        return values

    def _cost_per_task(
        self,
        layout: Layout,
        values: dict[str, float | str],
        extras: Mapping[str, object],
        at: str,
    ) -> None:
        """An option's model cost per task, given instead of its tokens and prices.

        A workbook prices a task by its tokens, so the cost stands there as
        1,000,000 input tokens at the cost per 1,000,000 tokens, nothing
        else (one call, no output or reasoning tokens, no cache), with
        API pricing; its source says so. TOKEN_COST then gives the cost
        back exactly, and the TCO is SPEC's with that cost per task.
        """
        cost = self.number(extras[COST_PER_TASK], at, COST_PER_TASK, "amount per task")
        if cost is None:
            return
        refusal = RULES["cost_per_task"].refusal(cost)
        if refusal is not None:
            self.fail(at, COST_PER_TASK, cost, f"{COST_PER_TASK} {refusal[0]}")
            return
        stands_for = [k for k in _SHORTCUT_INPUTS if k in values]
        stands_for += [k for k in ("model",) if not _blank(extras.get(k))]
        if values.get("pricing", "API") != "API":
            stands_for.append("pricing")
        if stands_for:
            self.fail(
                at,
                COST_PER_TASK,
                _NO_VALUE,
                f"give the option's cost_per_task or its {stands_for[0]}, not both "
                "(cost_per_task stands for its tokens, prices and calls)",
            )
            return
        shortcut = {
            "pricing": "API",
            "input_tokens": 1_000_000.0,
            "output_tokens": 0.0,
            "reasoning_tokens": 0.0,
            "calls": 1.0,
            "cached_share": 0.0,
            "input_price": cost,
            "output_price": 0.0,
            "cached_price": cost,
            "source": (
                f"{_COST_SOURCE}, {format_number(cost)}: entered as 1,000,000 input "
                "tokens at that price per 1,000,000 tokens"
            ),
        }
        values.update((k, v) for k, v in shortcut.items() if k in layout.value_keys)

    def _model_prices(
        self,
        layout: Layout,
        values: dict[str, float | str],
        extras: Mapping[str, object],
        option_place: str,
        places: Mapping[str, str],
        prices: PriceBook,
    ) -> None:
        """Token prices from the model's name, when the option gives one."""

        def where(key: str) -> str:
            return places.get(key) or option_place

        texts = {k: self.text(extras.get(k), where(k), k) for k in ("model", "provider")}
        as_of = extras.get("as_of")
        if not texts["model"]:
            for key in ("provider", "as_of"):
                if not _blank(extras.get(key)):
                    self.fail(
                        where(key), key, _NO_VALUE, f"{key} goes with model, which is not given"
                    )
            return
        typed = [k for k in _PRICE_INPUTS if k in values]
        if typed:
            self.fail(
                where("model"),
                "model",
                _NO_VALUE,
                f"give the option's model or its prices, not both ({typed[0]} is given too)",
            )
            return
        if isinstance(as_of, (NumberText, JsonNumber)):
            as_of = self.number(as_of, where("as_of"), "as_of", "date")
            if as_of is None:
                return
        try:
            found, source = prices.prices(texts["model"], texts["provider"] or None, as_of)
        except InputError as error:
            self.fail(where("model"), "model", _NO_VALUE, str(error))
            return
        # Only the prices the template has rows for (a cache-read price may have none).
        values.update((k, v) for k, v in found.items() if k in layout.value_keys)
        if "source" in layout.value_keys and "source" not in values:
            values["source"] = source

    def reference(
        self, layout: Layout, raw: object, option_names: Sequence[str], where: str
    ) -> dict[str, str]:
        """The reference option's letter, given as a letter or as an option's name.

        Left out, it is the last option given.
        """
        key = layout.reference_input
        if key is None:
            return {}
        letters = layout.letters[: len(option_names)]
        if _blank(raw):
            return {key: letters[-1]} if letters else {}
        text = self.text(raw, where, key)
        if not text:
            return {}
        by_name = [
            x for x, n in zip(letters, option_names, strict=False) if name_key(n) == name_key(text)
        ]
        if by_name:
            return {key: by_name[0]}
        if text.upper() in letters:
            return {key: text.upper()}
        self.fail(
            where,
            key,
            text,
            f"{key} must be one of this scenario's options, by name "
            f"or by letter ({', '.join(letters)})",
        )
        return {}


def _listing(keys: Sequence[str]) -> str:
    return keys[0] if len(keys) == 1 else f"{', '.join(keys[:-1])} and {keys[-1]}"


def _has(keys: Sequence[str]) -> str:
    return "has" if len(keys) == 1 else "have"


def text_name(raw: object) -> str:
    """A scenario or option name as text, for grouping rows (checked elsewhere)."""
    if isinstance(raw, float):
        return format_number(raw)
    if isinstance(raw, Formula):
        return repr(raw)
    return "" if raw is None else str(raw).strip()


def check_option_count(
    layout: Layout, count: int, checker: ValueChecker, where: str, key: str
) -> None:
    most, least = len(layout.letters), layout.min_options
    if not least <= count <= most:
        wanted = f"{most}" if least == most else f"{least} to {most}"
        checker.fail(
            where,
            key,
            _NO_VALUE,
            f"a scenario of {layout.template_name} needs {wanted} options, this one has {count:,}",
        )


def check_option_names(names: Sequence[str], checker: ValueChecker, where: str) -> None:
    """Two options of one scenario named alike (in any case or normal form) are refused:
    a comparison of "Same" with "Same" says nothing."""
    repeated = repeated_name(names)
    if repeated is not None:
        first, second = repeated
        same = "" if first == second else f" and {_shorten(second)!r}"
        checker.fail(
            where,
            None,
            _NO_VALUE,
            f"two options are named {_shorten(first)!r}{same}; give each option its own name",
        )


def assemble(
    layout: Layout,
    name: str,
    shared: Mapping[str, float | str],
    options: Sequence[tuple[str, Mapping[str, float | str]]],
) -> dict[str, float | str]:
    """The flat ``build()`` values of a scenario: declared defaults, then the given values."""
    values: dict[str, float | str] = {s.name: s.default for s in layout.shared.values()}
    values.update(shared)
    if layout.scenario_input:
        values[layout.scenario_input] = name
    for index, letter in enumerate(layout.letters):
        specs = layout.options[letter]
        if index >= len(options) and layout.include_key:
            # An option the scenario does not give is left out of the comparison,
            # its cells blank: none of the template's illustrative values shows.
            for spec in specs.values():
                values[spec.name] = UNUSED_OPTION
            values[specs[layout.include_key].name] = "No"
            continue
        for spec in specs.values():
            values[spec.name] = spec.default
        if index >= len(options):
            continue
        option_name, given = options[index]
        for key, value in given.items():
            values[specs[key].name] = value
        if layout.option_name_key:
            values[specs[layout.option_name_key].name] = option_name
    return values


def finish(
    checker: ValueChecker, scenario: str, build: Scenario | None
) -> Scenario | ScenarioProblem:
    """The scenario, or its first problem carrying the others."""
    if not checker.problems:
        assert build is not None
        return build
    first, *more = checker.problems
    checker.problems = []
    return dataclasses.replace(first, scenario=scenario, more=tuple(more))


def option_extras(layout: Layout) -> tuple[str, ...]:
    """Option keys a file may give beyond the template's inputs: a model name for prices,
    or the cost per task itself (:meth:`ValueChecker._cost_per_task`)."""
    keys = set(layout.value_keys)
    if not {"input_price", "output_price"} <= keys:
        return ()
    if COST_PER_TASK in keys or "input_tokens" not in keys:
        return PRICE_KEYS
    return (*PRICE_KEYS, COST_PER_TASK)


def number_keys(layout: Layout) -> tuple[set[str], set[str]]:
    """Shared and option keys whose values are numbers."""
    first = layout.options[layout.letters[0]] if layout.letters else {}
    shared = {k for k in layout.shared_keys if layout.shared[k].rule is not None}
    return shared, {k for k in layout.value_keys if first[k].rule is not None}
