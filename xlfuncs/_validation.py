"""Argument checking: the one place where inputs become checked float arrays.

Every public function is wrapped by :func:`checked`, which turns each argument
into a float array, applies the default for an omitted optional argument,
checks the value against the argument's allowed range (the table in the
contract, keyed by argument name), checks that the shapes broadcast, calls
the pure arithmetic, and returns a plain float when every input was a single
value.
"""

from __future__ import annotations

import functools
import inspect
import math
import sys
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ._errors import ArgumentError, InputError

__all__ = [
    "RULES",
    "Rule",
    "check_argument",
    "checked",
    "contains_bool",
    "describe_element",
    "described",
    "did_you_mean",
    "format_number",
    "is_number",
    "violation",
]

_INF = math.inf


class Rule:
    """The allowed values of one kind of input: an interval, perhaps whole numbers.

    A rule is the one place an input kind's checking lives: the Python and
    Excel functions, the templates' data validation and Checks rows, and the
    scenario reader all ask the same rule, and its :meth:`refusal` words
    every message the same way.

    ``fraction`` marks a share, rate or accuracy, held as a fraction
    (0.95 is 95 %). For such an input a refused value that looks like a
    percentage typed without its % sign gets a hint (see :meth:`hint`).
    """

    # A plain class rather than a dataclass: this module is imported when
    # Excel starts the function server, and every millisecond shows.
    __slots__ = ("fraction", "high", "high_open", "low", "low_open", "whole")

    def __init__(
        self,
        low: float = -_INF,
        high: float = _INF,
        low_open: bool = False,
        high_open: bool = False,
        whole: bool = False,
        fraction: bool = False,
    ):
        self.low, self.high = low, high
        self.low_open, self.high_open = low_open, high_open
        self.whole, self.fraction = whole, fraction

    def __repr__(self) -> str:
        return f"Rule({self.describe()})"

    def admits_number(self, value: float) -> bool:
        """Whether one value is allowed: the fast path for single values."""
        if not math.isfinite(value):
            return False
        if value < self.low or (self.low_open and value == self.low):
            return False
        if value > self.high or (self.high_open and value == self.high):
            return False
        return not self.whole or value == math.floor(value)

    def admits(self, values: np.ndarray) -> np.ndarray:
        """Boolean mask of the values this rule allows (NaN is never allowed)."""
        ok = np.isfinite(values)
        ok &= values > self.low if self.low_open else values >= self.low
        ok &= values < self.high if self.high_open else values <= self.high
        if self.whole:
            ok &= np.floor(values) == values
        return ok

    def hint(self, value: float) -> str:
        """What a refused value probably meant, e.g. ``enter 8% or 0.08``; else ``""``.

        Only for a fraction-kind rule, and only for a value that looks like a
        percentage typed without the % sign: its size above 1 and at most
        100, with at most two decimals (8, 2.5 and -30 qualify; 1.0000000001
        and 250 do not), and whose hundredth the rule allows.

        Examples
        --------
        >>> RULES["annual_discount_rate"].hint(8)
        'enter 8% or 0.08'
        >>> RULES["monthly_growth"].hint(-30)
        'enter -30% or -0.3'
        >>> RULES["catch_rate"].hint(1.0000000001)
        ''
        """
        if not self.fraction or not math.isfinite(value) or not 1 < abs(value) <= 100:
            return ""
        if round(value, 2) != value or not self.admits_number(value / 100):
            return ""
        return f"enter {format_number(value)}% or {format_number(value / 100)}"

    def refusal(self, value: float) -> tuple[str, str] | None:
        """Why this rule refuses one number, or ``None`` when it is allowed.

        Returns what is required (e.g. ``must be between 0 and 1``) and the
        hint of :meth:`hint` (``""`` when there is none). Every face words its
        message from these two, so they read the same everywhere.

        Examples
        --------
        >>> RULES["accuracy"].refusal(95)
        ('must be between 0 and 1', 'enter 95% or 0.95')
        >>> RULES["accuracy"].refusal(0.95) is None
        True
        """
        if self.admits_number(value):
            return None
        if math.isnan(value):
            return "must be a number", ""
        if math.isinf(value):
            # "must be 0 or more, got infinity" would read as a contradiction.
            return "must be a finite number", ""
        return f"must be {self.describe()}", self.hint(value)

    def describe(self) -> str:
        """What is allowed, in words, e.g. ``between 0 and 1``."""
        low, high = format_number(self.low), format_number(self.high)
        if self.whole:
            return f"a whole number from {low} to {high}"
        if self.high == _INF:
            return f"greater than {low}" if self.low_open else f"{low} or more"
        if not self.low_open and not self.high_open:
            return f"between {low} and {high}"
        if self.low_open and not self.high_open:
            return f"greater than {low} and at most {high}"
        if self.low_open and self.high_open:
            return f"greater than {low} and less than {high}"
        return f"from {low} to less than {high}"  # pragma: no cover - unused so far


NON_NEGATIVE = Rule(low=0.0)
POSITIVE = Rule(low=0.0, low_open=True)
FRACTION = Rule(low=0.0, high=1.0, fraction=True)
POSITIVE_FRACTION = Rule(low=0.0, high=1.0, low_open=True, fraction=True)
#: Growth, discount and price or cost change rates: above 100 % a year (or a
#: month) is almost always a percentage typed as a whole number.
CHANGE = Rule(low=-1.0, high=1.0, low_open=True, fraction=True)
MONTHS = Rule(low=1.0, high=600.0, whole=True)
YEARS = Rule(low=1.0, high=100.0, whole=True)

#: Allowed values by argument name (the contract's table). Functions that
#: are stricter about an argument say so in their own ``rules``.
RULES: dict[str, Rule] = {
    **dict.fromkeys(
        [
            "input_tokens",
            "output_tokens",
            "reasoning_tokens",
            "calls",
            "input_price",
            "output_price",
            "cached_price",
            "gpu_hour_price",
            "tokens_per_task",
            "cost_per_error",
            "cost_per_caught_error",
            "cost_per_task",
            "value_per_correct",
            "efficient_cost_per_task",
            "frontier_cost_per_task",
            "a_cost_per_task",
            "b_cost_per_task",
            "tasks_per_month",
            "upfront",
            "monthly_fixed",
            "efficient_monthly_fixed",
            "frontier_monthly_fixed",
            "a_monthly_fixed",
            "b_monthly_fixed",
            "cost",
        ],
        NON_NEGATIVE,
    ),
    **dict.fromkeys(
        ["accuracy", "efficient_accuracy", "frontier_accuracy", "catch_rate", "cached_share"],
        FRACTION,
    ),
    **dict.fromkeys(
        ["monthly_growth", "annual_discount_rate", "annual_price_change", "annual_cost_change"],
        CHANGE,
    ),
    "months": MONTHS,
    "years": YEARS,
    "tokens_per_second": POSITIVE,
    "utilization": POSITIVE_FRACTION,
    "price": POSITIVE,
}


def did_you_mean(word: str, known: Sequence[str]) -> str:
    """`` (did you mean X?)`` for the name of ``known`` closest to ``word``, or nothing.

    Words over 100 characters get no guess: comparing them costs time for nothing.

    >>> did_you_mean("acuracy", ["accuracy", "cost"]), did_you_mean("zzz", ["accuracy"])
    (' (did you mean accuracy?)', '')
    """
    if len(word) > 100:
        return ""
    import difflib  # only on an error: keeps importing the Excel functions light

    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def format_number(value: float) -> str:
    """A number as a person would write it: 95, 0.95, 12.5, -0.1, NaN."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "infinity" if value > 0 else "minus infinity"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return format(value, ".15g")


def _where(index: tuple[int, ...]) -> str:
    """Position of an element, in the words of a spreadsheet range."""
    if len(index) == 0:
        return ""
    if len(index) == 1:
        return f" in item {index[0] + 1}"
    if len(index) == 2:
        return f" in row {index[0] + 1}, column {index[1] + 1}"
    return " at position (" + ", ".join(str(i + 1) for i in index) + ")"


def _shape_words(shape: tuple[int, ...]) -> str:
    if len(shape) == 2:
        rows, cols = shape
        return f"{rows} row{'s' * (rows != 1)} x {cols} column{'s' * (cols != 1)}"
    if len(shape) == 1:
        return f"{shape[0]} value{'s' * (shape[0] != 1)}"
    return "shape " + " x ".join(map(str, shape))  # only ranges are described


def describe_element(element: object) -> str:
    """One cell's value in the words of a message: ``a blank``, ``TRUE``, ``the text 'n/a'``."""
    if element is None or (isinstance(element, str) and element.strip() == ""):
        return "a blank"
    if isinstance(element, (bool, np.bool_)):
        return "TRUE" if element else "FALSE"
    if isinstance(element, str):
        return f"the text {element!r}"
    if isinstance(element, (int, np.integer)) and abs(int(element)) > _LARGEST_WHOLE:
        digits = len(str(abs(int(element))))
        return f"a whole number of {digits:,} digits, more than any cell can hold"
    return repr(element)


# The largest whole number a float, and so a spreadsheet cell, can hold (about 1.8e308).
_LARGEST_WHOLE = int(sys.float_info.max)


def is_number(element: object) -> bool:
    """Whether a value is a number a cell can hold.

    TRUE and FALSE are not (numpy would take them as 1 and 0), nor is a
    Python integer too large for a float (hundreds of digits), which would
    otherwise raise OverflowError deep in the arithmetic. A
    :class:`decimal.Decimal` is (classic xlwings reads Currency and
    Accounting cells as one), except a signalling NaN, which has no float.
    """
    if isinstance(element, int) and not isinstance(element, bool):
        return abs(element) <= _LARGEST_WHOLE
    if isinstance(element, (float, np.integer, np.floating)):
        return not isinstance(element, np.bool_)
    return _is_decimal(element) and not element.is_snan()


def _is_decimal(element: object) -> bool:
    """Whether a value is a :class:`decimal.Decimal`: how classic xlwings reads a
    Currency or Accounting cell.

    Without importing :mod:`decimal` (the Excel functions import this module
    when Excel starts them): while nothing has imported it, no value is one.
    """
    decimal = sys.modules.get("decimal")
    return decimal is not None and isinstance(element, decimal.Decimal)


def contains_bool(nested: object) -> bool:
    """Whether a list (of lists) holds TRUE or FALSE, which numpy would take as 1 and 0."""
    return any(
        isinstance(item, (bool, np.bool_))
        or (isinstance(item, (list, tuple)) and contains_bool(item))
        for item in nested
    )


def _to_float_array(function: str, name: str, value: object) -> np.ndarray:
    """Convert one argument to a float array, rejecting anything that is not a number."""

    def fail(text: str) -> InputError:
        return InputError(f"{function}: {name} {text}", function=function, argument=name)

    if is_number(value):
        array = np.array(float(value))
    elif isinstance(value, (str, bytes, bool, np.bool_)) or value is None:
        raise fail(f"must be a number, got {describe_element(value)}")
    else:
        try:
            array = np.asarray(value)
        except (ValueError, TypeError):
            raise fail("must be a number or a rectangular range of numbers") from None
        if array.dtype.kind in "iuf" and not (
            isinstance(value, (list, tuple)) and contains_bool(value)
        ):
            array = array.astype(np.float64, copy=False)
        elif array.size and array.dtype.kind in "biufOUS":
            # Find the first element that is not a number, to say where it is.
            elements = np.asarray(value, dtype=object) if array.dtype.kind != "O" else array
            for index in np.ndindex(array.shape):
                element = elements[index]
                if not is_number(element):
                    raise fail(f"must be a number, got {describe_element(element)}{_where(index)}")
            array = array.astype(np.float64)
        elif array.size:
            raise fail(f"must be a number, got {value!r}")
    if array.size == 0:
        raise fail("is an empty range: give at least one value")
    return array


def violation(rule: Rule, value: float, where: str = "") -> str:
    """Why ``rule`` refuses ``value``, e.g. ``must be between 0 and 1, got 95 (enter 95% or 0.95)``.

    ``value`` is one the rule refuses; ``where`` (e.g. `` in row 2, column
    1``) follows the value received.
    """
    refusal = rule.refusal(value)
    assert refusal is not None, f"{value} is allowed"
    required, hint = refusal
    text = f"{required}, got {format_number(value)}{where}"
    return f"{text} ({hint})" if hint else text


def _check_rule(function: str, name: str, array: np.ndarray, rule: Rule) -> None:
    if array.ndim == 0 and rule.admits_number(float(array)):
        return
    ok = rule.admits(array)
    if ok.all():
        return
    index = tuple(int(i) for i in np.argwhere(~ok)[0])
    text = violation(rule, float(array[index]), _where(index))
    raise InputError(f"{function}: {name} {text}", function=function, argument=name)


def check_argument(
    function: str, name: str, value: object, rule: Rule, *, single: bool = False
) -> np.ndarray:
    """One argument as a checked float array (0-d when ``single``), or :class:`InputError`.

    The checking that :func:`checked` applies to each argument, for functions
    whose arguments are not all numbers (the Monte Carlo functions take
    option blocks).
    """
    array = _to_float_array(function, name, value)
    if single:
        if array.size != 1:
            raise InputError(
                f"{function}: {name} must be a single value, got a range of "
                f"{_shape_words(array.shape)}",
                function=function,
                argument=name,
            )
        array = array.reshape(())
    _check_rule(function, name, array, rule)
    return array


def checked(
    function: str,
    rules: Mapping[str, Rule] | None = None,
    *,
    scalar_only: bool = False,
) -> Callable[[Callable[..., object]], Callable[..., object]]:
    """Wrap the arithmetic of a public function with the checking of its inputs.

    ``function`` is the Excel name used in messages. ``rules`` overrides
    :data:`RULES` for this function's arguments. The wrapped arithmetic gets
    float arrays (or ``None`` for an omitted argument whose default is
    ``None``) and may assume every value is allowed and the shapes broadcast.
    With ``scalar_only`` every argument must be a single value.
    """
    own_rules = {**RULES, **(rules or {})}

    def decorate(arithmetic: Callable[..., object]) -> Callable[..., object]:
        signature = inspect.signature(arithmetic)
        names = list(signature.parameters)
        defaults = {
            n: p.default
            for n, p in signature.parameters.items()
            if p.default is not inspect.Parameter.empty
        }
        arg_rules = [own_rules[n] for n in names]
        required = [n for n in names if n not in defaults]

        @functools.wraps(arithmetic)
        def wrapper(*args: object, **kwargs: object) -> object:
            if len(args) > len(names):
                raise ArgumentError(
                    f"{arithmetic.__name__}() takes {len(names)} arguments, got {len(args)}"
                )
            values = dict(zip(names, args, strict=False))
            for key, val in kwargs.items():
                if key not in signature.parameters:
                    raise ArgumentError(f"{arithmetic.__name__}() has no argument {key!r}")
                if key in values:
                    raise ArgumentError(f"{arithmetic.__name__}() got {key!r} twice")
                values[key] = val
            if len(values) < len(required):
                _missing(arithmetic.__name__, [n for n in required if n not in values])
            arrays: list[np.ndarray | None] = []
            for name, rule in zip(names, arg_rules, strict=True):
                value = values.get(name)
                if value is None:
                    if name not in defaults:
                        raise InputError(
                            f"{function}: {name} is required, got a blank",
                            function=function,
                            argument=name,
                        )
                    value = defaults[name]
                    if value is None:
                        arrays.append(None)
                        continue
                arrays.append(check_argument(function, name, value, rule, single=scalar_only))
            shapes = [a.shape for a in arrays if a is not None]
            try:
                # All single values (the usual scalar call) need no broadcasting
                # rules, which take a tenth of such a call.
                shape = np.broadcast_shapes(*shapes) if any(shapes) else ()
            except ValueError:
                listed = ", ".join(
                    f"{n} is {_shape_words(a.shape)}"
                    for n, a in zip(names, arrays, strict=True)
                    if a is not None and a.shape
                )
                raise InputError(
                    f"{function}: the ranges do not line up: {listed} (use ranges of one "
                    "size, or a column against a row for a table)",
                    function=function,
                ) from None
            with np.errstate(all="ignore"):
                result = arithmetic(*arrays)
            if scalar_only or not shape:
                return float(result) if np.ndim(result) == 0 else np.asarray(result)
            result = np.asarray(result, dtype=np.float64)
            if result.shape != shape:
                result = np.broadcast_to(result, shape).copy()
            return result

        return described(function, {n: own_rules[n] for n in names})(wrapper)

    return decorate


def _missing(function: str, names: list[str]) -> None:
    """Raise the TypeError Python raises for required arguments left out of a call.

    Only arguments not given at all: ``None`` (a blank cell) is given, and
    gets the message "is required, got a blank" that Excel shows.
    """
    if not names:
        return
    quoted = [repr(n) for n in names]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
    raise ArgumentError(
        f"{function}() missing {len(names)} required argument{'s' * (len(names) != 1)}: {listed}"
    )


def described(
    function: str, rules: Mapping[str, object]
) -> Callable[[Callable[..., object]], Callable[..., object]]:
    """Attach what messages and the Excel layer read to a public function.

    ``excel_name`` is ``function``; ``rules`` gives the allowed values of each
    checked argument, from which the Excel layer documents it (text arguments
    have none). ``block_arguments`` lists those whose rule is not a numeric
    :class:`Rule` (option blocks): Excel hands them over as rows of cells.
    :func:`checked` attaches these itself; functions that check their own
    arguments use this.
    """

    def attach(wrapper: Callable[..., object]) -> Callable[..., object]:
        wrapper.excel_name = function
        wrapper.rules = dict(rules)
        wrapper.block_arguments = tuple(
            name for name, rule in rules.items() if not isinstance(rule, Rule)
        )
        return wrapper

    return attach
