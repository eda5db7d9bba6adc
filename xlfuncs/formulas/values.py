"""Values of the formula evaluator: typed arrays, and Excel's arithmetic, comparison and text.

Every expression evaluates to a :class:`_V`: arrays of shape (scenarios, rows,
columns) holding, per element, a kind (number, text, boolean, blank, error),
a number and a text. The helpers here follow Excel where LibreOffice agrees
(see :mod:`xlfuncs.formulas.calculator`); they assume floating-point warnings
are silenced by the caller, once per evaluation.
"""

from __future__ import annotations

import datetime
import math
import numbers
import re
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal

import numpy as np
from openpyxl.utils.datetime import to_excel

from .._errors import FormulaError
from .parser import ERROR_CODES

NUMBER, TEXT, BOOLEAN, BLANK, ERROR = 0, 1, 2, 3, 4
_NAMES_OF_ERRORS = {code: text for text, code in ERROR_CODES.items()}
_DIV0, _VALUE, _REF, _NUM, _NA = (
    ERROR_CODES[e] for e in ("#DIV/0!", "#VALUE!", "#REF!", "#NUM!", "#N/A")
)
_TOLERANCE = 2.0**-48  # LibreOffice's rtl::math::approxEqual
_DECIMAL = Context(prec=60)


class ExcelError(str):
    """An error value of a cell, e.g. ``ExcelError("#DIV/0!")``; compares as its text."""


# Values --------------------------------------------------------------------


class _V:
    """Values of an expression for every scenario: arrays of shape (N or 1, rows, columns).

    ``kind`` is ``None`` when every element is a number. ``num`` holds
    numbers, 0/1 for booleans, 0 for blanks and texts, the error code for
    errors; ``text`` (object array or ``None``) holds the texts.
    """

    __slots__ = ("kind", "num", "text")

    def __init__(self, num: np.ndarray, kind: np.ndarray | None = None, text=None):
        self.num, self.kind, self.text = num, kind, text

    @property
    def shape(self) -> tuple[int, ...]:
        return self.num.shape

    def kinds(self) -> np.ndarray:
        return np.zeros(self.num.shape, np.int8) if self.kind is None else self.kind

    def texts(self) -> np.ndarray:
        if self.text is None:
            return np.full(self.num.shape, None, dtype=object)
        return self.text


def _constant(value: object) -> _V:
    """A value the same in every scenario, shape (1, 1, 1) (made once per value)."""
    key = (type(value), value)
    found = _CONSTANTS.get(key)
    if found is None:
        found = _CONSTANTS[key] = _new_constant(value)
        if len(_CONSTANTS) > 10_000:  # a bound, whatever the workbooks
            _CONSTANTS.clear()
    return found


def _new_constant(value: object) -> _V:
    one = (1, 1, 1)
    if value is None:
        return _V(np.zeros(one), np.full(one, BLANK, np.int8))
    if isinstance(value, bool):
        return _V(np.full(one, float(value)), np.full(one, BOOLEAN, np.int8))
    if isinstance(value, ExcelError):
        return _V(np.full(one, float(ERROR_CODES[value])), np.full(one, ERROR, np.int8))
    if isinstance(value, (int, float)):
        return _V(np.full(one, float(value)))
    if isinstance(value, str):
        return _V(np.zeros(one), np.full(one, TEXT, np.int8), np.full(one, value, dtype=object))
    if isinstance(value, _DATES):
        return _V(np.full(one, float(to_excel(value))))  # a date is its serial number
    if isinstance(value, (numbers.Real, Decimal)):
        return _V(np.full(one, float(value)))
    raise FormulaError(f"a cell holds {value!r}, which formulas here cannot use")


_CONSTANTS: dict[tuple, _V] = {}
_DATES = (datetime.datetime, datetime.date, datetime.time, datetime.timedelta)


def _column_values(values: Sequence[object] | np.ndarray, size: int) -> _V:
    """One input's values for a block of scenarios, shape (N, 1, 1)."""
    # A column of texts alone (names, choices) skips numpy's copy to a text array.
    types = set(map(type, values)) if isinstance(values, (list, tuple)) else None
    if types != {str}:
        array = np.asarray(values)
        if array.dtype.kind in "fiu":
            if array.shape != (size,):
                raise FormulaError(f"expected {size} values, got shape {array.shape}")
            return _V(array.astype(float).reshape(size, 1, 1))
    items = list(values)
    if len(items) != size:
        raise FormulaError(f"expected {size} values, got {len(items)}")
    shape = (size, 1, 1)
    if types == {str}:
        text = np.empty(size, dtype=object)
        text[:] = items
        return _V(np.zeros(shape), np.full(shape, TEXT, np.int8), text.reshape(shape))
    num = np.zeros(size)
    kind = np.zeros(size, np.int8)
    text = np.full(size, None, dtype=object)
    for i, item in enumerate(items):
        if item is None:
            kind[i] = BLANK
        elif isinstance(item, ExcelError):
            kind[i], num[i] = ERROR, ERROR_CODES[item]
        elif isinstance(item, (bool, np.bool_)):
            kind[i], num[i] = BOOLEAN, float(item)
        elif isinstance(item, str):
            kind[i], text[i] = TEXT, item
        else:
            num[i] = float(to_excel(item) if isinstance(item, _DATES) else item)
    has_text = bool((kind == TEXT).any())
    return _V(
        num.reshape(shape),
        kind.reshape(shape) if kind.any() else None,
        text.reshape(shape) if has_text else None,
    )


def _broadcast(v: _V, shape: tuple[int, ...]) -> _V:
    return _V(
        np.broadcast_to(v.num, shape),
        None if v.kind is None else np.broadcast_to(v.kind, shape),
        None if v.text is None else np.broadcast_to(v.text, shape),
    )


def _with_errors(num: np.ndarray, err: np.ndarray | None) -> _V:
    """Numbers, with ``err`` (codes, 0 for none) where set and ``#NUM!`` where not finite."""
    finite = np.isfinite(num)
    if err is None and finite.all():
        return _V(num)
    if err is None:
        err = np.zeros(num.shape, np.int8)
    err = np.where(err != 0, err, np.where(finite, 0, _NUM)).astype(np.int8)
    if not err.any():
        return _V(num)
    bad = err != 0
    return _V(np.where(bad, err, num).astype(float), np.where(bad, ERROR, NUMBER).astype(np.int8))


def _first(*errors: np.ndarray | None) -> np.ndarray | None:
    """Per element, the first non-zero error code among ``errors`` (left to right)."""
    found = None
    for err in errors:
        if err is None:
            continue
        found = err if found is None else np.where(found != 0, found, err)
    return found


def _error_codes(v: _V) -> np.ndarray | None:
    if v.kind is None:
        return None
    return np.where(v.kind == ERROR, v.num, 0).astype(np.int8)


_PLAIN_NUMBER = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def _numbers(v: _V) -> tuple[np.ndarray, np.ndarray | None]:
    """Numbers for arithmetic and the error codes (``None`` if none): blank 0, TRUE 1,
    text a ``#VALUE!`` unless it reads as a plain number."""
    if v.kind is None:
        return v.num, None
    err = _error_codes(v)
    num = v.num
    is_text = v.kind == TEXT
    if is_text.any():
        num = num.copy()
        err = err.copy()
        read = _per_distinct(np.broadcast_to(v.text, v.shape)[is_text], _plain_number)
        plain = read != None  # noqa: E711 - elementwise on an object array
        num[is_text] = np.where(plain, read, num[is_text]).astype(float)
        err[is_text] = np.where(plain, err[is_text], _VALUE)
    return num, (err if err.any() else None)


def _plain_number(text: str) -> float | None:
    """The number a text reads as, or ``None`` when it is not a plain number."""
    return float(text) if _PLAIN_NUMBER.fullmatch(text) else None


def _general(number: float) -> str:
    """A number as text the way a spreadsheet joins it with ``&``: up to 15 digits."""
    if number == int(number) and abs(number) < 1e15:
        return str(int(number))
    text = "%.15g" % number  # noqa: UP031 - the C format gives 15 significant digits
    if "e" in text:
        mantissa, exponent = text.split("e")
        sign, digits = exponent[0], exponent[1:].lstrip("0")
        text = f"{mantissa}E{sign}{digits.zfill(2)}"
    return text


def _texts(v: _V) -> tuple[np.ndarray, np.ndarray | None]:
    """Every element as text (numbers in general format, TRUE/FALSE, blank ""), and errors."""
    shape = v.shape
    kind = np.broadcast_to(v.kinds(), shape)
    out = np.full(shape, "", dtype=object)
    numbers = kind == NUMBER
    if numbers.any():
        # A block of scenarios holds few distinct numbers: each is formatted once.
        out[numbers] = _per_distinct(v.num[numbers], lambda x: _general(float(x)))
    texts = kind == TEXT
    if texts.any():
        out[texts] = np.broadcast_to(v.text, shape)[texts]
    booleans = kind == BOOLEAN
    if booleans.any():
        out[booleans] = np.where(v.num[booleans] != 0, "TRUE", "FALSE").astype(object)
    return out, _error_codes(v)


def _per_distinct(values: np.ndarray, function: Callable[[object], object]) -> np.ndarray:
    """``function`` of each element (an object array), called once per distinct value."""
    distinct, inverse = np.unique(values, return_inverse=True)
    done = np.empty(len(distinct), dtype=object)
    done[:] = [function(value) for value in distinct]
    return done[inverse.reshape(values.shape)]


def _text_result(text: np.ndarray, err: np.ndarray | None) -> _V:
    shape = text.shape
    if err is None or not err.any():
        return _V(np.zeros(shape), np.full(shape, TEXT, np.int8), text)
    bad = err != 0
    return _V(
        np.where(bad, err, 0).astype(float),
        np.where(bad, ERROR, TEXT).astype(np.int8),
        np.where(bad, None, text),
    )


def _booleans(mask: np.ndarray, err: np.ndarray | None) -> _V:
    num = mask.astype(float)
    if err is None or not err.any():
        return _V(num, np.full(mask.shape, BOOLEAN, np.int8))
    bad = err != 0
    return _V(np.where(bad, err, num), np.where(bad, ERROR, BOOLEAN).astype(np.int8))


def _truth(v: _V) -> tuple[np.ndarray, np.ndarray | None]:
    """A condition's truth per element and errors: text is a ``#VALUE!``, blank FALSE."""
    truth = v.num != 0
    if v.kind is None:
        return truth, None
    err = _error_codes(v)
    err = np.where(v.kind == TEXT, _VALUE, err).astype(np.int8)
    truth = truth & (v.kind != ERROR) & (v.kind != TEXT)
    return truth, (err if err.any() else None)


def _select(mask: np.ndarray, a: _V, b: _V) -> _V:
    """Per element: ``a`` where ``mask``, else ``b``."""
    num = np.where(mask, a.num, b.num)
    kind = None
    if a.kind is not None or b.kind is not None:
        kind = np.where(mask, a.kinds(), b.kinds()).astype(np.int8)
    text = None
    if a.text is not None or b.text is not None:
        text = np.where(mask, a.texts(), b.texts())
    return _V(num, kind, text)


def _apply_errors(v: _V, err: np.ndarray | None) -> _V:
    """``v`` with the error ``err`` wherever it is set."""
    if err is None or not err.any():
        return v
    bad = err != 0
    return _V(
        np.where(bad, err, v.num).astype(float),
        np.where(bad, ERROR, v.kinds()).astype(np.int8),
        None if v.text is None else np.where(bad, None, v.text),
    )


# Arithmetic and comparison ---------------------------------------------------


def _approx_equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Equal, or both non-zero and closer than 2**-48 of the smaller (LibreOffice's rule)."""
    gap = np.abs(a - b)
    close = (a != 0) & (b != 0) & (gap < np.minimum(np.abs(a), np.abs(b)) * _TOLERANCE)
    whole = (gap == np.floor(gap)) & (np.abs(a) < 2.0**53) & (a == np.floor(a))
    whole &= b == np.floor(b)
    return (a == b) | (close & ~whole)


def _arithmetic(op: str, a: _V, b: _V) -> _V:
    x, ex = _numbers(a)
    y, ey = _numbers(b)
    err = _first(ex, ey)
    # Floating-point warnings are silenced once, around a whole evaluation.
    if op == "+":
        result = x + y
        opposite = ((x < 0) & (y > 0)) | ((x > 0) & (y < 0))
        if opposite.any():
            result = np.where(opposite & _approx_equal(x, -y), 0.0, result)
    elif op == "-":
        result = x - y
        same = ((x < 0) & (y < 0)) | ((x > 0) & (y > 0))
        if same.any():
            result = np.where(same & _approx_equal(x, y), 0.0, result)
    elif op == "*":
        result = x * y
    elif op == "/":
        zero = y == 0
        result = x / np.where(zero, 1.0, y)
        if zero.any():
            div = np.where(zero, _DIV0, 0).astype(np.int8)
            err = div if err is None else np.where(err != 0, err, div).astype(np.int8)
    else:  # "^"
        result = _power(x, y)
        zero_base = (x == 0) & (y <= 0)
        if zero_base.any():
            code = np.where(zero_base, np.where(y < 0, _DIV0, _NUM), 0).astype(np.int8)
            err = code if err is None else np.where(err != 0, err, code).astype(np.int8)
    return _with_errors(np.asarray(result, dtype=float), err)


def _scalar_power(x: float, y: float) -> float:
    """``x ** y`` by the C library's ``pow``, as LibreOffice computes it; NaN outside its
    domain and an infinity on overflow, as numpy gives them."""
    try:
        return math.pow(x, y)
    except ValueError:
        return math.nan
    except OverflowError:
        return math.copysign(math.inf, x) if y == int(y) and int(y) % 2 else math.inf


_SCALAR_POWER = np.frompyfunc(_scalar_power, 2, 1)


def _power(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x ** y`` element by element with the C library's ``pow``.

    numpy's vectorised power rounds some results a unit in the last place
    apart from ``pow`` on processors where it uses wide vector instructions,
    and only for arrays long enough to use them: a figure would then depend
    on how many scenarios were computed together.
    """
    return np.asarray(_SCALAR_POWER(x, y), dtype=float)


def _lower_texts(v: _V) -> np.ndarray:
    """Texts in lower case for comparing, "" elsewhere; in ``v``'s own (unbroadcast) shape."""
    kind = v.kinds()
    if v.text is None or not (kind == TEXT).any():
        return np.full(kind.shape, "", dtype=object)
    texts = np.where(kind == TEXT, v.text, "")
    return _per_distinct(texts, str.lower)


def _compare(a: _V, b: _V) -> tuple[np.ndarray, np.ndarray | None]:
    """-1, 0 or 1 per element, ordering numbers < text < booleans; and the errors.

    Blank takes the other side's type (0, "" or FALSE); text compares
    without regard to case; numbers compare with :func:`_approx_equal`.
    """
    equal = _approx_equal(a.num, b.num)
    order = np.where(equal, 0, np.sign(a.num - b.num)).astype(np.int8)
    if a.kind is None and b.kind is None:
        return order, None
    ka, kb = a.kinds(), b.kinds()
    err = _first(_error_codes(a), _error_codes(b))
    rank = np.array([0, 1, 2, -1, 3], np.int8)  # number, text, boolean, blank, error
    ra, rb = rank[ka], rank[kb]
    ra, rb = np.where(ra < 0, rb, ra), np.where(rb < 0, ra, rb)
    ra, rb = np.where(ra < 0, 0, ra), np.where(rb < 0, 0, rb)
    order = np.where(ra != rb, np.sign(ra.astype(np.int16) - rb), order).astype(np.int8)
    both_text = (ra == 1) & (rb == 1)
    if both_text.any():
        ta, tb = _lower_texts(a), _lower_texts(b)
        text_order = (ta > tb).astype(np.int8) - (ta < tb).astype(np.int8)
        order = np.where(both_text, text_order, order).astype(np.int8)
    return order, (err if err is not None and err.any() else None)


_COMPARE = {
    "=": lambda c: c == 0,
    "<>": lambda c: c != 0,
    "<": lambda c: c < 0,
    ">": lambda c: c > 0,
    "<=": lambda c: c <= 0,
    ">=": lambda c: c >= 0,
}


def _concatenate(parts: Sequence[_V]) -> _V:
    texts, errors = zip(*(_texts(p) for p in parts), strict=True)
    shape = np.broadcast_shapes(*(t.shape for t in texts))
    out = np.full(shape, "", dtype=object)
    for text in texts:
        out = out + text  # object arrays: Python's str + per element, in numpy's loop
    err = _first(*(None if e is None else np.broadcast_to(e, shape) for e in errors))
    return _text_result(out, err)


# Rounding and number text ----------------------------------------------------


def _decimal(number: float) -> Decimal:
    # Rounded to 15 significant digits first, as spreadsheets do: ROUND(2.675, 2) is 2.68.
    return Decimal("%.15g" % number)  # noqa: UP031


def _round_to(number: float, digits: int, mode: str = ROUND_HALF_UP) -> Decimal:
    exponent = Decimal(1).scaleb(-digits)
    return _decimal(number).quantize(exponent, rounding=mode, context=_DECIMAL)


def _fixed_text(number: float, digits: int, no_commas: bool) -> str:
    """``FIXED``: rounded half away from zero in binary, as LibreOffice does, then shown
    with 15 significant digits at most.

    Excel rounds the decimal value instead, so the two can differ when the
    16th digit decides a tie (1249.974999999999 to 2 places): a template
    that must show the same text everywhere rounds first, ``FIXED(ROUND(x,2),2)``.
    """
    scale = 10.0**digits
    scaled = number * scale
    rounded = math.ceil(scaled - 0.5) if number < 0 else math.floor(scaled + 0.5)
    value = rounded / scale
    shown = max(digits, 0)
    exact = Decimal("%.15g" % value) if value else Decimal(0)  # noqa: UP031
    return f"{exact:{'' if no_commas else ','}.{shown}f}"


_TEXT_FORMAT = re.compile(r"(?P<group>#,##)?(?P<int>0+)(?:\.(?P<dec>0+))?(?P<pct>%?)")


def _text_format(pattern: str) -> Callable[[float], str]:
    """The number formats ``TEXT`` supports: 0, 0.0..., #,##0, #,##0.00..., with %."""
    found = _TEXT_FORMAT.fullmatch(pattern)
    if found is None:
        raise FormulaError(f"TEXT format {pattern!r} is not supported; use FIXED or 0.0%")
    digits = len(found.group("dec") or "")
    scale = 100.0 if found.group("pct") else 1.0
    return lambda x: _fixed_text(x * scale, digits, not found.group("group")) + found.group("pct")


_BLANK = _constant(None)
