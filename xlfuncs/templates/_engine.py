"""Evaluate a workbook's formulas for a block of scenarios at once, with numpy.

A template writes each calculated cell once, as the formula text a
spreadsheet shows. This module computes the value of every formula cell from
that same text, so the workbook's figures, the values stored in its cells
and the batch summary all come from one declaration. Each formula is parsed
once; the inputs are arrays with one element per scenario, so a block of
thousands of scenarios costs one pass over the formulas.

API
---
``Calculator(workbook, inputs)``
    Compile an openpyxl workbook: ``inputs`` maps input names to the
    ``(sheet, coordinate)`` of their cells. ``Calculator.of_book(book)``
    does so for a :class:`~xlfuncs.templates._workbook.TemplateBook`
    (its ``input_cells`` on the Inputs sheet).
``calculator.evaluate(block)``
    ``block`` maps input names to sequences (or arrays) of one value per
    scenario: numbers, texts, booleans or ``None`` (blank); an input left
    out keeps the value written in the workbook. Returns an
    :class:`Evaluation`.
``evaluation[sheet, coordinate]``
    The :class:`Values` of one formula (or any) cell: ``kind`` (one of
    :data:`NUMBER`, :data:`TEXT`, :data:`BOOLEAN`, :data:`ERROR`) per
    scenario, ``number`` (the number, 0/1 for booleans, the error's code for
    errors), ``text`` (texts, or ``None`` when no scenario has one);
    ``values.python(i)`` gives scenario ``i`` as a Python value
    (:class:`ExcelError` for an error) and ``values.numbers()`` the numbers
    with NaN where a scenario has none.
``evaluate_book(book, block)``
    Both steps for a built book; ``book_values(book, evaluation, key)``
    then gives a figure or text by its key in ``book.figures`` /
    ``book.texts`` (e.g. ``"calc.tco.A"`` or ``"summary.ranking"``).

Semantics
---------
Excel's classic (non-array) formula semantics, where LibreOffice agrees:
blank is 0 in arithmetic and ``""`` in text; text in arithmetic is a
``#VALUE!`` unless it reads as a plain number; the first error among the
operands propagates; ``x/0`` is ``#DIV/0!``; ``LN``/``SQRT``/``^`` outside
their domain or overflowing are ``#NUM!``; ``IF`` and ``IFERROR`` choose
per scenario, so the branch not taken cannot raise an error; ``AND``,
``OR``, ``SUM``, ``MIN``, ``MAX`` skip text and blanks in ranges. Numbers
are compared as LibreOffice and Excel do, as equal when they differ by less
than about 2**-44 of their size, and ``a+b``/``a-b`` give exactly 0 when the
operands are that close, so that a tie or a zero difference takes the same
branch in every engine; decide a comparison of two computed figures at a
stated precision with ``ROUND`` all the same.

Constructs to avoid in templates, because LibreOffice and Excel differ
(the evaluator follows Excel): booleans where a number or text is expected
(LibreOffice's booleans are the numbers 1 and 0, so ``ISNUMBER(TRUE)``,
``COUNT`` over TRUE, ``TRUE&""`` and ``"a"<TRUE`` differ: test an input with
``AND(ISNUMBER(x),NOT(ISLOGICAL(x)))``); the type of the error of an
argument out of domain (``LN(0)``, ``SQRT(-1)``, ``INDEX`` or ``SMALL``
out of range, ``0^-1``: Excel ``#NUM!``/``#REF!``/``#DIV/0!``, LibreOffice
mostly ``#VALUE!``: catch them with ``IFERROR`` or keep arguments in
range); ``0^0`` and odd roots of negatives (``(-8)^(1/3)``); ``FIXED`` of
a figure whose 16th digit decides the rounding (round first:
``FIXED(ROUND(x,2),2)``); a number joined to text with ``&`` beyond 1e15
or below 1e-5 (use ``FIXED``); text that looks like a number in
arithmetic; ``IFNA`` and other functions newer than Excel 2007 (not
supported); ranges where a single value is expected (implicit
intersection; evaluated here as ``#VALUE!``); ``INDEX(range, 0)``; an
empty text ``""`` as a formula's result (readers of stored values show it
as no value at all: show a dash or words). Supported functions: see :data:`FUNCTIONS`.

>>> from openpyxl import Workbook
>>> wb = Workbook()
>>> ws = wb.active
>>> ws.title = "S"
>>> ws["A1"], ws["A2"] = 2.0, "=IF(A1>=0,1/A1,\\"none\\")&\\" each\\""
>>> calc = Calculator(wb, {"x": ("S", "A1")})
>>> values = calc.evaluate({"x": [4, 0, -1]})["S", "A2"]
>>> [values.python(i) for i in range(3)]
['0.25 each', '#DIV/0!', 'none each']
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Context, Decimal

import numpy as np
from openpyxl.utils.cell import coordinate_to_tuple

from .._errors import XlfuncsError
from .._ooxml import cell_reference
from ._formula_parse import ERROR_CODES, FormulaSyntaxError, parse

__all__ = [
    "BLANK",
    "BOOLEAN",
    "ERROR",
    "FUNCTIONS",
    "NUMBER",
    "TEXT",
    "Calculator",
    "Evaluation",
    "ExcelError",
    "FormulaError",
    "Values",
    "book_values",
    "evaluate_book",
]

NUMBER, TEXT, BOOLEAN, BLANK, ERROR = 0, 1, 2, 3, 4
_NAMES_OF_ERRORS = {code: text for text, code in ERROR_CODES.items()}
_DIV0, _VALUE, _REF, _NUM, _NA = (
    ERROR_CODES[e] for e in ("#DIV/0!", "#VALUE!", "#REF!", "#NUM!", "#N/A")
)
_TOLERANCE = 2.0**-44  # LibreOffice's rtl::math::approxEqual
_DECIMAL = Context(prec=60)


class ExcelError(str):
    """An error value of a cell, e.g. ``ExcelError("#DIV/0!")``; compares as its text."""


class FormulaError(XlfuncsError, ValueError):
    """A formula this evaluator cannot compute (unknown function or name, circular reference)."""


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
    raise FormulaError(f"a cell holds {value!r}, which formulas here cannot use")


_CONSTANTS: dict[tuple, _V] = {}


def _column_values(values: Sequence[object] | np.ndarray, size: int) -> _V:
    """One input's values for a block of scenarios, shape (N, 1, 1)."""
    array = np.asarray(values) if not isinstance(values, np.ndarray) else values
    if array.dtype.kind in "fiu":
        if array.shape != (size,):
            raise FormulaError(f"expected {size} values, got shape {array.shape}")
        return _V(array.astype(float).reshape(size, 1, 1))
    items = list(values)
    if len(items) != size:
        raise FormulaError(f"expected {size} values, got {len(items)}")
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
            num[i] = float(item)
    shape = (size, 1, 1)
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
        for index in zip(*np.nonzero(is_text), strict=True):
            text = v.text[index]
            if _PLAIN_NUMBER.fullmatch(text):
                num[index] = float(text)
            else:
                err[index] = _VALUE
    return num, (err if err.any() else None)


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
    kind = v.kinds()
    out = np.empty(v.shape, dtype=object)
    flat_kind, flat_num, flat_out = kind.reshape(-1), v.num.reshape(-1), out.reshape(-1)
    flat_text = None if v.text is None else v.text.reshape(-1)
    if flat_kind.size != flat_num.size:  # a broadcast kind or text
        flat_kind = np.broadcast_to(kind, v.shape).reshape(-1)
    for i, k in enumerate(flat_kind.tolist()):
        if k == NUMBER:
            flat_out[i] = _general(float(flat_num[i]))
        elif k == TEXT:
            flat_out[i] = flat_text[i]
        elif k == BOOLEAN:
            flat_out[i] = "TRUE" if flat_num[i] else "FALSE"
        else:
            flat_out[i] = ""
    return out, _error_codes(v)


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
    """Equal, or both non-zero and within 2**-44 of the smaller (LibreOffice's rule)."""
    gap = np.abs(a - b)
    close = (a != 0) & (b != 0) & (gap <= np.minimum(np.abs(a), np.abs(b)) * _TOLERANCE)
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
        result = np.power(x, y)
        zero_base = (x == 0) & (y <= 0)
        if zero_base.any():
            code = np.where(zero_base, np.where(y < 0, _DIV0, _NUM), 0).astype(np.int8)
            err = code if err is None else np.where(err != 0, err, code).astype(np.int8)
    return _with_errors(np.asarray(result, dtype=float), err)


def _lower_texts(v: _V, other_kind: np.ndarray) -> np.ndarray:
    texts = v.texts()
    kind = v.kinds()
    out = np.empty(np.broadcast_shapes(texts.shape, other_kind.shape), dtype=object)
    texts, kind = np.broadcast_to(texts, out.shape), np.broadcast_to(kind, out.shape)
    for index in np.ndindex(out.shape):
        out[index] = texts[index].lower() if kind[index] == TEXT else ""
    return out


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
        ta, tb = _lower_texts(a, kb), _lower_texts(b, ka)
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
    out = np.empty(shape, dtype=object)
    columns = [np.broadcast_to(t, shape) for t in texts]
    for index in np.ndindex(shape):
        out[index] = "".join(c[index] for c in columns)
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


# Compilation -----------------------------------------------------------------


class _Run:
    """One evaluation: the values of the cells computed so far, for a block of scenarios."""

    __slots__ = ("cells", "ranges", "size")

    def __init__(self, size: int, cells: dict):
        self.size = size
        self.cells = cells
        self.ranges: dict[tuple, _V] = {}

    def cell(self, key: tuple[str, int, int]) -> _V:
        found = self.cells.get(key)
        return _BLANK if found is None else found

    def range(self, key: tuple[str, int, int, int, int]) -> _V:
        found = self.ranges.get(key)
        if found is None:
            found = self.ranges[key] = self._stack(key)
        return found

    def _stack(self, key: tuple[str, int, int, int, int]) -> _V:
        sheet, r1, c1, r2, c2 = key
        rows, cols = r2 - r1 + 1, c2 - c1 + 1
        items = [self.cell((sheet, r, c)) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
        size = max(v.num.shape[0] for v in items)
        shape = (size, rows, cols)

        def gather(part: Callable[[_V], np.ndarray], dtype) -> np.ndarray:
            flat = [np.broadcast_to(part(v), (size, 1, 1)).reshape(size) for v in items]
            return np.stack(flat, axis=1).astype(dtype, copy=False).reshape(shape)

        num = gather(lambda v: v.num, float)
        kind = None
        if any(v.kind is not None for v in items):
            kind = gather(lambda v: v.kinds(), np.int8)
        text = None
        if any(v.text is not None for v in items):
            text = gather(lambda v: v.texts(), object)
        return _V(num, kind, text)


_BLANK = _constant(None)


@dataclass
class _Scope:
    """Where a formula is: its sheet and cell, and the workbook's defined names."""

    sheet: str
    row: int
    column: int
    names: Mapping[str, tuple]


Closure = Callable[[_Run], _V]


def _resolve(node, scope: _Scope):
    """A reference node with its sheet filled in; a defined name becomes its reference."""
    kind = node[0]
    if kind == "name":
        target = scope.names.get(node[1].lower())
        if target is None:
            raise FormulaError(f"unknown name {node[1]!r}")
        return target
    if kind in ("ref", "range") and node[1] is None:
        return (kind, scope.sheet, *node[2:])
    return node


def _is_reference(node, scope: _Scope) -> bool:
    return node[0] in ("ref", "range", "name")


def dependencies(node, scope: _Scope) -> list[tuple]:
    """Cells and ranges a syntax tree reads (resolved references)."""
    found: list[tuple] = []
    stack = [node]
    while stack:
        item = stack.pop()
        kind = item[0]
        if kind in ("ref", "range", "name"):
            found.append(_resolve(item, scope))
        elif kind == "call":
            stack.extend(item[2])
        elif kind in ("neg", "pct"):
            stack.append(item[1])
        elif kind == "op":
            stack.extend(item[2:])
    return found


def _compile(node, scope: _Scope) -> Closure:
    kind = node[0]
    if kind in ("num", "str", "bool"):
        value = _constant(node[1])
        return lambda run: value
    if kind == "err":
        value = _constant(ExcelError(_NAMES_OF_ERRORS[node[1]]))
        return lambda run: value
    if kind == "empty":
        return lambda run: _BLANK
    if kind in ("ref", "range", "name"):
        target = _resolve(node, scope)
        key = tuple(target[1:])
        if target[0] == "ref":
            return lambda run: run.cell(key)
        return lambda run: run.range(key)
    if kind == "neg":
        inner = _compile(node[1], scope)
        zero = _constant(0.0)
        return lambda run: _arithmetic("-", zero, inner(run))
    if kind == "pct":
        inner = _compile(node[1], scope)
        hundred = _constant(100.0)
        return lambda run: _arithmetic("/", inner(run), hundred)
    if kind == "op":
        op, left, right = node[1], _compile(node[2], scope), _compile(node[3], scope)
        if op in _COMPARE:
            test = _COMPARE[op]

            def compare(run: _Run) -> _V:
                order, err = _compare(left(run), right(run))
                return _booleans(test(order), err)

            return compare
        if op == "&":
            return lambda run: _concatenate((left(run), right(run)))
        return lambda run: _arithmetic(op, left(run), right(run))
    if kind == "call":
        name, args = node[1], node[2]
        special = _SPECIAL.get(name)
        if special is not None:
            return special(args, scope)
        function = FUNCTIONS.get(name)
        if function is None:
            raise FormulaError(f"the function {name} is not supported here")
        compiled = [_compile(a, scope) for a in args]
        refs = [_is_reference(a, scope) for a in args]
        low, high = _ARITY.get(name, (0, None))
        if len(args) < low or (high is not None and len(args) > high):
            raise FormulaError(f"{name} takes {low} to {high} arguments, got {len(args)}")
        return lambda run: function([c(run) for c in compiled], refs)
    raise FormulaError(f"cannot evaluate {node!r}")


# Functions ---------------------------------------------------------------------


def _unary(function: Callable[[np.ndarray], np.ndarray], domain=None, code: int = _NUM):
    def apply(args: list[_V], refs: list[bool]) -> _V:
        x, err = _numbers(args[0])
        with np.errstate(all="ignore"):
            result = function(x)
        if domain is not None:
            bad = ~domain(x)
            if bad.any():
                own = np.where(bad, code, 0).astype(np.int8)
                err = own if err is None else np.where(err != 0, err, own).astype(np.int8)
        return _with_errors(np.asarray(result, dtype=float), err)

    return apply


def _log(args: list[_V], refs: list[bool]) -> _V:
    x, ex = _numbers(args[0])
    base, eb = _numbers(args[1]) if len(args) > 1 else (np.array(10.0), None)
    err = _first(ex, eb)
    with np.errstate(all="ignore"):
        result = np.log(x) / np.log(base)
    bad = (x <= 0) | (base <= 0)
    own = np.where(bad, _NUM, np.where(base == 1, _DIV0, 0)).astype(np.int8)
    err = own if err is None else np.where(err != 0, err, own).astype(np.int8)
    return _with_errors(np.asarray(result, dtype=float), err)


def _power(args: list[_V], refs: list[bool]) -> _V:
    return _arithmetic("^", args[0], args[1])


def _mod(args: list[_V], refs: list[bool]) -> _V:
    x, ex = _numbers(args[0])
    y, ey = _numbers(args[1])
    err = _first(ex, ey)
    zero = y == 0
    with np.errstate(all="ignore"):
        result = x - y * np.floor(x / np.where(zero, 1.0, y))
    own = np.where(zero, _DIV0, 0).astype(np.int8)
    err = own if err is None else np.where(err != 0, err, own).astype(np.int8)
    return _with_errors(np.asarray(result, dtype=float), err)


def _elementwise(function: Callable[..., object], args: list[_V]) -> tuple[np.ndarray, list]:
    """Call a scalar Python function per element of number arguments; errors first."""
    pairs = [_numbers(a) for a in args]
    err = _first(*(e for _, e in pairs))
    shape = np.broadcast_shapes(*(x.shape for x, _ in pairs))
    columns = [np.broadcast_to(x, shape) for x, _ in pairs]
    errs = None if err is None else np.broadcast_to(err, shape)
    out = np.empty(shape, dtype=object)
    for index in np.ndindex(shape):
        if errs is not None and errs[index]:
            out[index] = None
        else:
            out[index] = function(*(float(c[index]) for c in columns))
    return out, errs


def _rounding(mode: str):
    def apply(args: list[_V], refs: list[bool]) -> _V:
        operands = args if len(args) > 1 else [args[0], _constant(0.0)]

        def one(x: float, digits: float) -> float:
            if not math.isfinite(x):
                return x
            return float(_round_to(x, int(digits), mode))

        out, err = _elementwise(one, operands)
        num = np.where(out == None, 0.0, out).astype(float)  # noqa: E711 - elementwise
        return _with_errors(num, err)

    return apply


def _fixed(args: list[_V], refs: list[bool]) -> _V:
    operands = [args[0], args[1] if len(args) > 1 else _constant(2.0)]
    if len(args) > 2:
        truth, _ = _truth(args[2])
        operands.append(_V(truth.astype(float)))
    else:
        operands.append(_constant(0.0))

    def one(x: float, places: float, no_commas: float) -> str:
        return _fixed_text(x, int(places), bool(no_commas))

    out, err = _elementwise(one, operands)
    return _text_result(out, err)


def _first_error_in(v: _V) -> np.ndarray | None:
    """Per scenario, the first error of an array in reading order, shape (N, 1, 1)."""
    codes = _error_codes(v)
    if codes is None or not codes.any():
        return None
    flat = codes.reshape(codes.shape[0], -1)
    position = np.argmax(flat != 0, axis=1)
    return flat[np.arange(flat.shape[0]), position].reshape(-1, 1, 1)


def _reduce_numbers(args: list[_V], refs: list[bool]):
    """The numbers an aggregate counts, per argument: (values, counted mask), and errors."""
    parts, errors = [], []
    for v, is_ref in zip(args, refs, strict=True):
        errors.append(_first_error_in(v))
        if is_ref:
            counted = v.kinds() == NUMBER
            parts.append((np.where(counted, v.num, 0.0), counted))
        else:
            x, err = _numbers(v)
            errors.append(None if err is None else _first_error_in(_with_errors(x, err)))
            blank = v.kinds() == BLANK
            parts.append((np.where(blank, 0.0, x), ~blank))
    return parts, _first(*errors)


def _aggregate(kind: str):
    def apply(args: list[_V], refs: list[bool]) -> _V:
        parts, err = _reduce_numbers(args, refs)
        size = max(x.shape[0] for x, _ in parts)
        totals, counts = np.zeros(size), np.zeros(size)
        best = np.full(size, np.inf if kind == "MIN" else -np.inf)
        for x, counted in parts:
            x = np.broadcast_to(x, (size, *x.shape[1:])).reshape(size, -1)
            counted = np.broadcast_to(counted, (size, *counted.shape[1:])).reshape(size, -1)
            totals += x.sum(axis=1)
            counts += counted.sum(axis=1)
            if kind == "MIN":
                best = np.minimum(best, np.where(counted, x, np.inf).min(axis=1))
            elif kind == "MAX":
                best = np.maximum(best, np.where(counted, x, -np.inf).max(axis=1))
        if kind == "SUM":
            result = totals
        elif kind == "COUNT":
            result = counts
        elif kind == "AVERAGE":
            with np.errstate(all="ignore"):
                result = totals / np.where(counts == 0, 1, counts)
            own = np.where(counts == 0, _DIV0, 0).astype(np.int8).reshape(-1, 1, 1)
            err = own if err is None else np.where(err != 0, err, own).astype(np.int8)
        else:
            result = np.where(counts == 0, 0.0, best)
        return _with_errors(result.reshape(-1, 1, 1), err)

    return apply


def _logical(kind: str):
    def apply(args: list[_V], refs: list[bool]) -> _V:
        errors, votes, counts = [], [], []
        for v, is_ref in zip(args, refs, strict=True):
            k = v.kinds()
            counted = (k == NUMBER) | (k == BOOLEAN)
            errors.append(_first_error_in(v))
            if not is_ref:
                text = (k == TEXT).reshape(k.shape[0], -1).any(axis=1).reshape(-1, 1, 1)
                errors.append(np.where(text, _VALUE, 0).astype(np.int8))
            flat = counted.reshape(counted.shape[0], -1)
            truth = ((v.num != 0) & counted).reshape(counted.shape[0], -1)
            counts.append(flat.sum(axis=1))
            votes.append(truth.all(axis=1, where=flat) if kind == "AND" else truth.any(axis=1))
        size = max(c.shape[0] for c in counts)
        total = sum(np.broadcast_to(c, (size,)) for c in counts)
        combine = np.logical_and if kind == "AND" else np.logical_or
        result = np.broadcast_to(votes[0], (size,))
        for vote in votes[1:]:
            result = combine(result, np.broadcast_to(vote, (size,)))
        none = np.where(total == 0, _VALUE, 0).astype(np.int8).reshape(-1, 1, 1)
        err = _first(*errors, none)
        return _booleans(result.reshape(-1, 1, 1), err)

    return apply


def _not(args: list[_V], refs: list[bool]) -> _V:
    truth, err = _truth(args[0])
    return _booleans(~truth, err)


def _is(test: Callable[[np.ndarray, np.ndarray], np.ndarray]):
    def apply(args: list[_V], refs: list[bool]) -> _V:
        v = args[0]
        return _booleans(test(v.kinds(), v.num), None)

    return apply


def _na(args: list[_V], refs: list[bool]) -> _V:
    return _constant(ExcelError("#N/A"))


def _sumproduct(args: list[_V], refs: list[bool]) -> _V:
    shapes = {a.shape[1:] for a in args}
    errors = [_first_error_in(a) for a in args]
    if len(shapes) > 1:
        size = max(a.shape[0] for a in args)
        return _with_errors(np.zeros((size, 1, 1)), np.full((size, 1, 1), _VALUE, np.int8))
    product = None
    for a in args:
        x = np.where(a.kinds() == NUMBER, a.num, 0.0)
        product = x if product is None else product * x
    total = product.reshape(product.shape[0], -1).sum(axis=1).reshape(-1, 1, 1)
    return _with_errors(total, _first(*errors))


def _text(args: list[_V], refs: list[bool]) -> _V:
    raise FormulaError("TEXT needs its format as a literal text")  # replaced in _SPECIAL


def _concatenate_function(args: list[_V], refs: list[bool]) -> _V:
    return _concatenate(args)


def _rank_position(args: list[_V], refs: list[bool], smallest: bool) -> _V:
    """SMALL / LARGE: the k-th smallest or largest number of an array."""
    array, position = args
    k, kerr = _numbers(position)
    values = np.where(array.kinds() == NUMBER, array.num, np.nan)
    size = max(values.shape[0], k.shape[0])
    flat = np.broadcast_to(values, (size, *values.shape[1:])).reshape(size, -1)
    ordered = np.sort(flat if smallest else -flat, axis=1)  # NaN last
    counts = np.isfinite(flat).sum(axis=1)
    k = np.broadcast_to(np.floor(np.ceil(k)).reshape(-1), (size,)).astype(float)
    bad = (k < 1) | (k > counts)
    index = np.clip(k - 1, 0, flat.shape[1] - 1).astype(int)
    chosen = ordered[np.arange(size), index]
    result = chosen if smallest else -chosen
    own = np.where(bad, _NUM, 0).astype(np.int8).reshape(-1, 1, 1)
    err = _first(_first_error_in(array), kerr, own)
    return _with_errors(np.where(bad, 0.0, result).reshape(-1, 1, 1), err)


def _rank(args: list[_V], refs: list[bool]) -> _V:
    """RANK(x, ref, order): 1 + how many numbers of ``ref`` beat ``x`` (order 0: larger)."""
    x, xerr = _numbers(args[0])
    array = args[1]
    ascending, oerr = _numbers(args[2]) if len(args) > 2 else (np.zeros((1, 1, 1)), None)
    numbers = array.kinds() == NUMBER
    size = max(array.shape[0], x.shape[0], ascending.shape[0])
    values = np.broadcast_to(np.where(numbers, array.num, np.nan), (size, *array.shape[1:]))
    flat = values.reshape(size, -1)
    target = np.broadcast_to(x.reshape(-1, 1), (size, 1))
    up = np.broadcast_to(ascending.reshape(-1, 1) != 0, (size, 1))
    equal = _approx_equal(flat, target)
    with np.errstate(invalid="ignore"):
        beats = np.where(up, flat < target, flat > target) & ~equal
    found = (equal & np.isfinite(flat)).any(axis=1)
    result = 1 + beats.sum(axis=1)
    own = np.where(found, 0, _NA).astype(np.int8).reshape(-1, 1, 1)
    err = _first(xerr, oerr, _first_error_in(array), own)
    return _with_errors(result.astype(float).reshape(-1, 1, 1), err)


#: Functions evaluated on their arguments' values, by name.
FUNCTIONS: dict[str, Callable[[list[_V], list[bool]], _V]] = {
    "ABS": _unary(np.abs),
    "INT": _unary(np.floor),
    "SIGN": _unary(np.sign),
    "EXP": _unary(np.exp),
    "LN": _unary(np.log, lambda x: x > 0),
    "LOG10": _unary(np.log10, lambda x: x > 0),
    "SQRT": _unary(np.sqrt, lambda x: x >= 0),
    "LOG": _log,
    "POWER": _power,
    "MOD": _mod,
    "ROUND": _rounding(ROUND_HALF_UP),
    "ROUNDUP": _rounding(ROUND_UP),
    "ROUNDDOWN": _rounding(ROUND_DOWN),
    "FIXED": _fixed,
    "SUM": _aggregate("SUM"),
    "MIN": _aggregate("MIN"),
    "MAX": _aggregate("MAX"),
    "COUNT": _aggregate("COUNT"),
    "AVERAGE": _aggregate("AVERAGE"),
    "AND": _logical("AND"),
    "OR": _logical("OR"),
    "NOT": _not,
    "ISNUMBER": _is(lambda k, n: k == NUMBER),
    "ISTEXT": _is(lambda k, n: k == TEXT),
    "ISLOGICAL": _is(lambda k, n: k == BOOLEAN),
    "ISBLANK": _is(lambda k, n: k == BLANK),
    "ISERROR": _is(lambda k, n: k == ERROR),
    "ISERR": _is(lambda k, n: (k == ERROR) & (n != _NA)),
    "ISNA": _is(lambda k, n: (k == ERROR) & (n == _NA)),
    "NA": _na,
    "SUMPRODUCT": _sumproduct,
    "CONCATENATE": _concatenate_function,
    "SMALL": lambda args, refs: _rank_position(args, refs, True),
    "LARGE": lambda args, refs: _rank_position(args, refs, False),
    "RANK": _rank,
}

_ARITY = {
    "ABS": (1, 1), "INT": (1, 1), "SIGN": (1, 1), "EXP": (1, 1), "LN": (1, 1),
    "LOG10": (1, 1), "SQRT": (1, 1), "LOG": (1, 2), "POWER": (2, 2), "MOD": (2, 2),
    "ROUND": (2, 2), "ROUNDUP": (2, 2), "ROUNDDOWN": (2, 2), "FIXED": (1, 3),
    "SUM": (1, None), "MIN": (1, None), "MAX": (1, None), "COUNT": (1, None),
    "AVERAGE": (1, None), "AND": (1, None), "OR": (1, None), "NOT": (1, 1),
    "ISNUMBER": (1, 1), "ISTEXT": (1, 1), "ISLOGICAL": (1, 1), "ISBLANK": (1, 1),
    "ISERROR": (1, 1), "ISERR": (1, 1), "ISNA": (1, 1), "NA": (0, 0),
    "SUMPRODUCT": (1, None), "CONCATENATE": (1, None), "SMALL": (2, 2), "LARGE": (2, 2),
    "RANK": (2, 3),
}  # fmt: skip


# Functions that choose what to evaluate, or need their arguments' places -------------


def _if(args, scope: _Scope) -> Closure:
    if not 2 <= len(args) <= 3:
        raise FormulaError(f"IF takes 2 or 3 arguments, got {len(args)}")
    condition = _compile(args[0], scope)
    chosen = _compile(args[1], scope)
    other = _compile(args[2], scope) if len(args) == 3 else (lambda run: _constant(False))

    def evaluate(run: _Run) -> _V:
        truth, err = _truth(condition(run))
        if err is None and truth.all():
            return chosen(run)
        if err is None and not truth.any():
            return other(run)
        return _apply_errors(_select(truth, chosen(run), other(run)), err)

    return evaluate


def _iferror(args, scope: _Scope) -> Closure:
    if len(args) != 2:
        raise FormulaError("IFERROR takes 2 arguments")
    value, fallback = _compile(args[0], scope), _compile(args[1], scope)

    def evaluate(run: _Run) -> _V:
        v = value(run)
        if v.kind is None:
            return v
        failed = v.kind == ERROR
        if not failed.any():
            return v
        return _select(failed, fallback(run), v)

    return evaluate


def _position(args, scope: _Scope, which: int) -> Closure:
    """COLUMN() / ROW(), of the formula's own cell or of a reference: fixed numbers."""
    if not args:
        value = scope.column if which == 1 else scope.row
    else:
        target = _resolve(args[0], scope)
        if target[0] not in ("ref", "range"):
            raise FormulaError("COLUMN and ROW take a reference")
        value = target[3] if which == 1 else target[2]
    constant = _constant(float(value))
    return lambda run: constant


def _extent(args, scope: _Scope, which: int) -> Closure:
    target = _resolve(args[0], scope)
    if target[0] == "ref":
        value = 1
    elif target[0] == "range":
        value = target[5] - target[3] + 1 if which == 1 else target[4] - target[2] + 1
    else:
        raise FormulaError("COLUMNS and ROWS take a reference")
    constant = _constant(float(value))
    return lambda run: constant


def _index(args, scope: _Scope) -> Closure:
    if not 2 <= len(args) <= 3:
        raise FormulaError("INDEX takes 2 or 3 arguments")
    array = _compile(args[0], scope)
    first = _compile(args[1], scope)
    second = _compile(args[2], scope) if len(args) == 3 else None

    def evaluate(run: _Run) -> _V:
        v = array(run)
        rows, cols = v.shape[1:]
        i, ierr = _numbers(first(run))
        if second is None:
            j, jerr = np.ones_like(i), None
            if rows == 1:  # a row: the single index counts along it
                i, j = np.ones_like(i), i
        else:
            j, jerr = _numbers(second(run))
        size = max(v.shape[0], i.shape[0], j.shape[0])
        i = np.broadcast_to(np.trunc(i).reshape(-1), (size,))
        j = np.broadcast_to(np.trunc(j).reshape(-1), (size,))
        bad = (i < 1) | (i > rows) | (j < 1) | (j > cols)
        flat_index = (np.clip(i, 1, rows) - 1) * cols + np.clip(j, 1, cols) - 1
        flat_index = flat_index.astype(int)
        full = _broadcast(v, (size, rows, cols))
        pick = np.arange(size)

        def take(part: np.ndarray) -> np.ndarray:
            return part.reshape(size, -1)[pick, flat_index].reshape(size, 1, 1)

        picked = _V(
            take(full.num),
            None if v.kind is None else take(full.kind),
            None if v.text is None else take(full.text),
        )
        own = np.where(bad, np.where((i == 0) | (j == 0), _VALUE, _REF), 0)
        err = _first(ierr, jerr, own.astype(np.int8).reshape(-1, 1, 1))
        return _apply_errors(picked, err)

    return evaluate


def _match(args, scope: _Scope) -> Closure:
    if not 2 <= len(args) <= 3:
        raise FormulaError("MATCH takes 2 or 3 arguments")
    wanted, array = _compile(args[0], scope), _compile(args[1], scope)
    kind = args[2] if len(args) == 3 else ("num", 1.0)
    if kind[0] != "num" and not (kind[0] == "neg" and kind[1][0] == "num"):
        raise FormulaError("MATCH needs its match type as a number (0, 1 or -1)")
    match_type = kind[1] if kind[0] == "num" else -kind[1][1]

    def evaluate(run: _Run) -> _V:
        v = array(run)
        if 1 not in v.shape[1:]:
            size = v.shape[0]
            return _with_errors(np.zeros((size, 1, 1)), np.full((size, 1, 1), _NA, np.int8))
        x = wanted(run)
        length = max(v.shape[1:])
        flat = _V(
            v.num.reshape(v.shape[0], 1, length),
            None if v.kind is None else v.kind.reshape(v.shape[0], 1, length),
            None if v.text is None else v.text.reshape(v.shape[0], 1, length),
        )
        order, _ = _compare(x, flat)
        size = order.shape[0]
        xerr = _error_codes(x)
        same_type = flat.kinds() != ERROR
        if match_type == 0:
            hits = (order == 0) & same_type
            found = hits.any(axis=2)
            position = np.argmax(hits, axis=2) + 1
        else:
            # Sorted data: the last element not beyond the value.
            fits = ((order >= 0) if match_type > 0 else (order <= 0)) & same_type
            position = fits.sum(axis=2)
            found = position > 0
        own = np.where(found, 0, _NA).astype(np.int8).reshape(size, 1, 1)
        err = _first(None if xerr is None else _first_error_in(x), own)
        return _with_errors(position.astype(float).reshape(size, 1, 1), err)

    return evaluate


def _text_special(args, scope: _Scope) -> Closure:
    if len(args) != 2 or args[1][0] != "str":
        raise FormulaError("TEXT needs a number and its format as a literal text")
    value = _compile(args[0], scope)
    formatter = _text_format(args[1][1])

    def evaluate(run: _Run) -> _V:
        out, err = _elementwise(formatter, [value(run)])
        return _text_result(out, err)

    return evaluate


def _choose(args, scope: _Scope) -> Closure:
    index = _compile(args[0], scope)
    options = [_compile(a, scope) for a in args[1:]]

    def evaluate(run: _Run) -> _V:
        i, err = _numbers(index(run))
        i = np.trunc(i)
        result = _constant(ExcelError("#VALUE!"))
        for number, option in enumerate(options, start=1):
            mask = i == number
            if mask.any():
                result = _select(mask, option(run), result)
        return _apply_errors(result, err)

    return evaluate


_SPECIAL: dict[str, Callable] = {
    "IF": _if,
    "IFERROR": _iferror,
    "COLUMN": lambda args, scope: _position(args, scope, 1),
    "ROW": lambda args, scope: _position(args, scope, 0),
    "COLUMNS": lambda args, scope: _extent(args, scope, 1),
    "ROWS": lambda args, scope: _extent(args, scope, 0),
    "INDEX": _index,
    "MATCH": _match,
    "TEXT": _text_special,
    "CHOOSE": _choose,
}


# Public results ----------------------------------------------------------------


@dataclass(frozen=True)
class Values:
    """A cell's value in each scenario of a block.

    ``kind`` holds :data:`NUMBER`, :data:`TEXT`, :data:`BOOLEAN` or
    :data:`ERROR` per scenario (:data:`BLANK` only for an empty input cell);
    ``number`` the number (0/1 for a boolean, the error's code for an
    error); ``text`` the texts, or ``None`` when no scenario has one.
    """

    kind: np.ndarray
    number: np.ndarray
    text: np.ndarray | None

    def __len__(self) -> int:
        return len(self.kind)

    def python(self, i: int) -> float | str | bool | ExcelError | None:
        """Scenario ``i``'s value: a float, a str, a bool, an :class:`ExcelError`, or None."""
        kind = int(self.kind[i])
        if kind == NUMBER:
            return float(self.number[i])
        if kind == TEXT:
            return str(self.text[i])
        if kind == BOOLEAN:
            return bool(self.number[i])
        if kind == ERROR:
            return ExcelError(_NAMES_OF_ERRORS[int(self.number[i])])
        return None

    def numbers(self) -> np.ndarray:
        """The numbers, NaN where a scenario's value is not a number."""
        return np.where(self.kind == NUMBER, self.number, np.nan)

    @classmethod
    def _of(cls, v: _V, size: int) -> Values:
        full = _broadcast(v, (size, 1, 1))
        return cls(
            np.ascontiguousarray(full.kinds().reshape(size)),
            np.ascontiguousarray(full.num.reshape(size)),
            None if v.text is None else np.ascontiguousarray(full.text.reshape(size)),
        )


class Evaluation:
    """Every cell's values for a block of scenarios, by ``(sheet, coordinate)``."""

    def __init__(self, size: int, cells: Mapping[tuple[str, int, int], _V], formulas):
        self.size = size
        self._cells = cells
        #: Formula cells, in the order they were computed, as (sheet, coordinate).
        self.formulas: list[tuple[str, str]] = formulas

    def __getitem__(self, where: tuple[str, str]) -> Values:
        sheet, coordinate = where
        row, column = coordinate_to_tuple(coordinate.replace("$", ""))
        found = self._cells.get((sheet, row, column), _BLANK)
        return Values._of(found, self.size)


def _cell_result(v: _V) -> _V:
    """A formula's value in its cell: one value; blank shows as 0; a range is #VALUE!."""
    if v.shape[1:] != (1, 1):
        size = v.shape[0]
        return _V(np.full((size, 1, 1), float(_VALUE)), np.full((size, 1, 1), ERROR, np.int8))
    if v.kind is not None and (v.kind == BLANK).any():
        blank = v.kind == BLANK
        kind = np.where(blank, NUMBER, v.kind).astype(np.int8)
        return _V(np.where(blank, 0.0, v.num), kind, v.text)
    return v


class Calculator:
    """A workbook's formulas, compiled once, evaluated for blocks of scenarios."""

    def __init__(self, workbook, inputs: Mapping[str, tuple[str, str]]):
        names: dict[str, tuple] = {}
        for name, defined in workbook.defined_names.items():
            target = parse(defined.attr_text)
            if target[0] not in ("ref", "range") or target[1] is None:
                raise FormulaError(f"defined name {name!r} is not a cell or range of a sheet")
            names[name.lower()] = target
        self.inputs: dict[str, tuple[str, int, int]] = {}
        for name, (sheet, coordinate) in inputs.items():
            self.inputs[name] = (sheet, *coordinate_to_tuple(coordinate.replace("$", "")))
        input_keys = set(self.inputs.values())
        self.constants: dict[tuple[str, int, int], _V] = {}
        formulas: dict[tuple[str, int, int], tuple[Closure, list]] = {}
        for ws in workbook.worksheets:
            for (row, column), cell in ws._cells.items():  # only the cells in use
                key = (ws.title, row, column)
                value = cell.value
                if cell.data_type == "f" and isinstance(value, str):
                    scope = _Scope(ws.title, row, column, names)
                    where = cell_reference(row, column, ws.title)
                    try:
                        tree = parse(value)
                        formulas[key] = (_compile(tree, scope), dependencies(tree, scope))
                    except (FormulaError, FormulaSyntaxError) as error:
                        raise FormulaError(f"{where}: {error}") from None
                elif value is not None or key in input_keys:
                    self.constants[key] = _constant(value)
        self._order = _evaluation_order(formulas)
        self._formulas = formulas

    @classmethod
    def of_book(cls, book) -> Calculator:
        """The calculator of a :class:`~xlfuncs.templates._workbook.TemplateBook`."""
        inputs = {name: ("Inputs", cell) for name, cell in book.input_cells.items()}
        return cls(book.workbook, inputs)

    @property
    def formula_cells(self) -> list[tuple[str, str]]:
        """Every formula cell as (sheet, coordinate), in evaluation order."""
        return [(s, cell_reference(r, c)) for s, r, c in self._order]

    def evaluate(self, block: Mapping[str, object] | None = None, size: int | None = None):
        """Every formula's values for a block of scenarios (see the module docstring)."""
        block = dict(block or {})
        unknown = set(block) - set(self.inputs)
        if unknown:
            raise FormulaError(f"not inputs of this workbook: {', '.join(sorted(unknown))}")
        if size is None:
            size = len(next(iter(block.values()))) if block else 1
        cells = dict(self.constants)
        for name, values in block.items():
            cells[self.inputs[name]] = _column_values(values, size)
        run = _Run(size, cells)
        with np.errstate(all="ignore"):
            for key in self._order:
                cells[key] = _cell_result(self._formulas[key][0](run))
        return Evaluation(size, cells, self.formula_cells)

    def scales(self, evaluation: Evaluation, scenario: int = 0) -> dict[tuple[str, str], float]:
        """Per formula cell, the size of the figures it is computed from.

        The largest magnitude among its own number and the numbers of the
        cells it reads directly: the scale against which a difference that
        an engine rounds to zero (``a-b`` of nearly equal figures) is judged.
        """

        def magnitude(key: tuple) -> float:
            v = evaluation._cells.get(key)
            if v is None:
                return 0.0
            index = scenario % v.num.size
            kind = NUMBER if v.kind is None else int(v.kinds().reshape(-1)[index])
            number = float(v.num.reshape(-1)[index])
            return abs(number) if kind == NUMBER and math.isfinite(number) else 0.0

        found = {}
        for key in self._order:
            largest = magnitude(key)
            for target in self._formulas[key][1]:
                if target[0] == "ref":
                    largest = max(largest, magnitude(target[1:]))
                    continue
                sheet, r1, c1, r2, c2 = target[1:]
                for r in range(r1, r2 + 1):
                    for c in range(c1, c2 + 1):
                        largest = max(largest, magnitude((sheet, r, c)))
            sheet, row, column = key
            found[sheet, cell_reference(row, column)] = largest
        return found


def _evaluation_order(formulas: Mapping[tuple, tuple[Closure, list]]) -> list[tuple]:
    """Formula cells so that each comes after every formula cell it reads."""
    by_sheet: dict[str, set[tuple[int, int]]] = {}
    for sheet, row, column in formulas:
        by_sheet.setdefault(sheet, set()).add((row, column))
    needs: dict[tuple, list[tuple]] = {}
    for key, (_, reads) in formulas.items():
        wanted = []
        for target in reads:
            if target[0] == "ref":
                if target[1:] in formulas:
                    wanted.append(target[1:])
                continue
            sheet, r1, c1, r2, c2 = target[1:]
            here = by_sheet.get(sheet, set())
            if (r2 - r1 + 1) * (c2 - c1 + 1) <= len(here):
                wanted += [
                    (sheet, r, c)
                    for r in range(r1, r2 + 1)
                    for c in range(c1, c2 + 1)
                    if (r, c) in here
                ]
            else:
                wanted += [(sheet, r, c) for r, c in here if r1 <= r <= r2 and c1 <= c <= c2]
        needs[key] = wanted
    order: list[tuple] = []
    state: dict[tuple, int] = {}  # 1 in progress, 2 done
    for start in formulas:
        if state.get(start) == 2:
            continue
        stack = [(start, iter(needs[start]))]
        state[start] = 1
        while stack:
            key, pending = stack[-1]
            for nxt in pending:
                seen = state.get(nxt)
                if seen == 1:
                    sheet, row, column = nxt
                    raise FormulaError(
                        f"circular reference through {cell_reference(row, column, sheet)}"
                    )
                if seen is None:
                    state[nxt] = 1
                    stack.append((nxt, iter(needs[nxt])))
                    break
            else:
                stack.pop()
                state[key] = 2
                order.append(key)
    return order


def evaluate_book(book, block: Mapping[str, object] | None = None) -> Evaluation:
    """Evaluate a built :class:`~xlfuncs.templates._workbook.TemplateBook` for a block.

    Without ``block``, the book's own input values (one scenario).
    """
    return Calculator.of_book(book).evaluate(block)


def book_values(book, evaluation: Evaluation, key: str) -> Values:
    """The values of a figure or text of ``book`` by its key (``book.figures``/``texts``)."""
    where = book.figures.get(key) or book.texts.get(key)
    if where is None:
        raise FormulaError(f"{book.template} has no figure or text {key!r}")
    return evaluation[where]
