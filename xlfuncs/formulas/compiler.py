"""Compile a formula's syntax tree into a numpy closure; the functions it may call.

:func:`_compile` turns a tree from :mod:`xlfuncs.formulas.parser`
into a function of a :class:`_Run` (the cells computed so far for a block
of scenarios) returning the formula's values. :data:`FUNCTIONS` are
evaluated on their arguments' values; the special forms (``IF``,
``IFERROR``, ``INDEX``, ``MATCH``, ``COLUMN``...) choose what to evaluate
or need their arguments' places.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP

import numpy as np

from .._exact_distributions import beta_ppf, normal_cdf, normal_ppf
from .row_blocks import RowBlock, column_slice, joined
from .values import (
    _BLANK,
    _COMPARE,
    _DIV0,
    _NA,
    _NAMES_OF_ERRORS,
    _NUM,
    _REF,
    _V,
    _VALUE,
    BLANK,
    BOOLEAN,
    ERROR,
    NUMBER,
    TEXT,
    ExcelError,
    FormulaError,
    _apply_errors,
    _approx_equal,
    _arithmetic,
    _booleans,
    _broadcast,
    _compare,
    _concatenate,
    _constant,
    _error_codes,
    _first,
    _fixed_text,
    _numbers,
    _round_to,
    _select,
    _text_format,
    _text_result,
    _truth,
    _with_errors,
)

# Compilation -----------------------------------------------------------------


class _Run:
    """One evaluation: the values of the cells computed so far, for a block of scenarios."""

    __slots__ = ("blocks", "cells", "ranges", "size")

    def __init__(self, size: int, cells: dict):
        self.size = size
        self.cells = cells
        self.ranges: dict[tuple, _V] = {}
        #: Row blocks computed so far, each with its columns' values (see .row_blocks).
        self.blocks: list[tuple[RowBlock, dict[int, _V]]] = []

    def cell(self, key: tuple[str, int, int]) -> _V:
        found = self.cells.get(key)
        if found is not None:
            return found
        for block, columns in self.blocks:
            if block.holds(*key) and key[2] in columns:
                row = key[1] - block.first_row
                return column_slice(columns[key[2]], self.size, block.rows, row, row + 1)
        return _BLANK

    def range(self, key: tuple[str, int, int, int, int]) -> _V:
        found = self.ranges.get(key)
        if found is None:
            found = self.ranges[key] = self._stack(key)
        return found

    def _stack(self, key: tuple[str, int, int, int, int]) -> _V:
        sheet, r1, c1, r2, c2 = key
        for block, columns in self.blocks:
            inside = block.first_row <= r1 and r2 <= block.last_row
            if inside and block.meets(*key) and all(c in columns for c in range(c1, c2 + 1)):
                start, stop = r1 - block.first_row, r2 - block.first_row + 1
                return joined(
                    [
                        column_slice(columns[c], self.size, block.rows, start, stop)
                        for c in range(c1, c2 + 1)
                    ]
                )
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


def _is_reference(node) -> bool:
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
        refs = [_is_reference(a) for a in args]
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


def _by_libm(function: Callable[[float], float]) -> Callable[[np.ndarray], np.ndarray]:
    """``function`` (from :mod:`math`) element by element: the C library's result, as
    LibreOffice's, whatever the array's length (numpy's vectorised exp and log may round
    a unit in the last place apart on some processors). NaN outside its domain, an
    infinity on overflow."""

    def one(x: float) -> float:
        try:
            return function(x)
        except ValueError:
            return math.nan
        except OverflowError:
            return math.inf

    each = np.frompyfunc(one, 1, 1)
    return lambda x: np.asarray(each(x), dtype=float)


_EXP, _LN, _LOG10 = _by_libm(math.exp), _by_libm(math.log), _by_libm(math.log10)


def _log(args: list[_V], refs: list[bool]) -> _V:
    x, ex = _numbers(args[0])
    base, eb = _numbers(args[1]) if len(args) > 1 else (np.array(10.0), None)
    err = _first(ex, eb)
    with np.errstate(all="ignore"):
        result = _LN(x) / _LN(base)
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

        if mode == ROUND_HALF_UP:
            quick = _round_half_up(operands)
            if quick is not None:
                return quick
        out, err = _elementwise(one, operands)
        num = np.where(out == None, 0.0, out).astype(float)  # noqa: E711 - elementwise
        return _with_errors(num, err)

    return apply


def _round_half_up(operands: list[_V]) -> _V | None:
    """``ROUND`` of number arguments with numpy, where that gives the exact result.

    The exact rounding (:func:`_round_to`) rounds the number's 15-digit decimal
    half away from zero. With ``y = |x| * 10**digits`` below 1e13 and whole
    ``digits`` from -15 to 15, ``floor(y + 0.5) / 10**digits`` is the same
    number unless ``y`` lies within its own rounding error of a tie (``.5``):
    those elements, and every element of arguments outside those bounds, are
    rounded the exact way. Returns ``None`` to leave it all to the exact way.
    """
    pairs = [_numbers(a) for a in operands]
    (x, ex), (d, ed) = pairs
    err = _first(ex, ed)
    shape = np.broadcast_shapes(x.shape, d.shape)
    x, d = np.broadcast_to(x, shape), np.broadcast_to(d, shape)
    with np.errstate(all="ignore"):
        digits = np.trunc(d)
        if not (np.isfinite(digits).all() and (np.abs(digits) <= 15).all()):
            return None
        scale = 10.0 ** np.abs(digits)
        y = np.where(digits >= 0, np.abs(x) * scale, np.abs(x) / scale)
        finite = np.isfinite(x)
        if not (np.where(finite, y, 0.0) < 1e13).all():
            return None
        whole = np.floor(y + 0.5)
        fraction = y - np.floor(y)
        near_tie = np.abs(fraction - 0.5) <= 1e-15 * np.maximum(y, 1.0) * 8
        rounded = np.where(digits >= 0, whole / scale, whole * scale)
        num = np.where(finite, np.copysign(rounded, x), x)
    if err is not None:
        num = np.where(err != 0, 0.0, num)
    slow = np.argwhere(near_tie & finite & (err == 0 if err is not None else True))
    for index in map(tuple, slow):
        num[index] = float(_round_to(float(x[index]), int(digits[index]), ROUND_HALF_UP))
    return _with_errors(np.asarray(num, dtype=float), err)


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


_PI = _constant(math.pi)


def _norm_s_inv(args: list[_V], refs: list[bool]) -> _V:
    """NORM.S.INV(p): #NUM! unless 0 < p < 1."""
    p, err = _numbers(args[0])
    bad = ~((p > 0.0) & (p < 1.0))
    with np.errstate(all="ignore"):
        z = normal_ppf(np.where(bad, 0.5, p))
    own = np.where(bad, _NUM, 0).astype(np.int8)
    return _with_errors(np.asarray(z, dtype=float), _first(err, own))


def _norm_s_dist(args: list[_V], refs: list[bool]) -> _V:
    """NORM.S.DIST(z, TRUE): the distribution function; the density (FALSE) is not supported."""
    z, err = _numbers(args[0])
    cumulative, cerr = _truth(args[1])
    if not cumulative.all():
        raise FormulaError(
            "NORM.S.DIST is supported with cumulative TRUE only (the distribution function)"
        )
    result = normal_cdf(np.where(np.isfinite(z), z, 0.0))
    return _with_errors(np.asarray(result, dtype=float), _first(err, cerr))


def _beta_inv(args: list[_V], refs: list[bool]) -> _V:
    """BETA.INV(p, alpha, beta, [A=0], [B=1]): #NUM! unless 0 <= p <= 1, alpha, beta > 0, A < B."""
    pairs = [_numbers(a) for a in args]
    if len(pairs) < 4:
        pairs.append((np.zeros((1, 1, 1)), None))
    if len(pairs) < 5:
        pairs.append((np.ones((1, 1, 1)), None))
    (p, _), (alpha, _), (beta, _), (low, _), (high, _) = pairs
    p, alpha, beta, low, high = np.broadcast_arrays(p, alpha, beta, low, high)
    bad = ~(
        (p >= 0.0)
        & (p <= 1.0)
        & (alpha > 0.0)
        & (beta > 0.0)
        & (low < high)
        & np.isfinite(low)
        & np.isfinite(high)
    )
    with np.errstate(all="ignore"):
        unit = beta_ppf(np.where(bad, 0.5, p), np.where(bad, 1.0, alpha), np.where(bad, 1.0, beta))
        result = low + unit * (high - low)
    own = np.where(bad, _NUM, 0).astype(np.int8)
    err = _first(*(e for _, e in pairs), own)
    return _with_errors(np.where(bad, 0.0, result), err)


def _numbers_of(v: _V) -> tuple[np.ndarray, np.ndarray | None]:
    """A range's numbers per scenario as rows (N, cells) with NaN where a cell holds
    no number (blank, text, TRUE/FALSE: ignored, as Excel's statistical functions do),
    and the range's first error per scenario."""
    numbers = v.kinds() == NUMBER
    flat = np.where(numbers, v.num, np.nan).reshape(v.shape[0], -1)
    return flat, _first_error_in(v)


def _percentile(args: list[_V], refs: list[bool]) -> _V:
    """PERCENTILE(range, k): the inclusive linear rule, x[i] + d (x[i+1] - x[i]) with
    i + d = k (n - 1), as LibreOffice computes it; #NUM! unless 0 <= k <= 1 and the
    range holds a number."""
    flat, err = _numbers_of(args[0])
    k, kerr = _numbers(args[1])
    size = max(flat.shape[0], k.shape[0])
    flat = np.broadcast_to(flat, (size, flat.shape[1]))
    ordered = np.sort(flat, axis=1)  # NaN last
    counts = np.isfinite(flat).sum(axis=1)
    k = np.broadcast_to(k.reshape(-1), (size,))
    bad = ~((k >= 0.0) & (k <= 1.0)) | (counts == 0)
    with np.errstate(all="ignore"):
        position = np.where(bad, 0.0, k) * np.maximum(counts - 1, 0)
        below = np.clip(_approx_floor(position), 0, np.maximum(counts - 1, 0)).astype(int)
        fraction = position - below
        above = np.minimum(below + 1, np.maximum(counts - 1, 0))
        rows = np.arange(size)
        low_value = ordered[rows, below]
        result = np.where(
            fraction == 0.0,
            low_value,
            low_value + fraction * (ordered[rows, above] - low_value),
        )
    own = np.where(bad, _NUM, 0).astype(np.int8).reshape(-1, 1, 1)
    return _with_errors(np.where(bad, 0.0, result).reshape(-1, 1, 1), _first(err, kerr, own))


def _approx_floor(x: np.ndarray) -> np.ndarray:
    """floor of x rounded to 15 significant digits: LibreOffice's rtl::math::approxFloor."""
    with np.errstate(all="ignore"):
        digits = np.where(x > 0, 14 - np.floor(np.log10(np.where(x > 0, x, 1.0))), 0.0)
        scale = 10.0**digits
        rounded = np.round(x * scale) / scale
    return np.floor(np.where(x > 0, rounded, x))


def _frequency(args: list[_V], refs: list[bool]) -> _V:
    """FREQUENCY(data, bins): a column of len(bins) + 1 counts: data <= the first bin,
    then above the next smaller bin and <= each bin, then above the largest bin.
    Unsorted bins count as in Excel (each bin takes the values above the next
    smaller bin); blanks and texts in either range are ignored."""
    data, derr = _numbers_of(args[0])
    bins_all, berr = _numbers_of(args[1])
    size = max(data.shape[0], bins_all.shape[0])
    data = np.broadcast_to(data, (size, data.shape[1]))
    bins_all = np.broadcast_to(bins_all, (size, bins_all.shape[1]))
    n_bins = int(np.isfinite(bins_all).sum(axis=1).max(initial=0))
    counts = np.zeros((size, n_bins + 1))
    for row in range(size):
        bins = bins_all[row][np.isfinite(bins_all[row])]
        values = data[row][np.isfinite(data[row])]
        order = np.argsort(bins, kind="stable")
        slot = np.searchsorted(bins[order], values, side="left")
        sorted_counts = np.bincount(slot, minlength=bins.size + 1)
        counts[row, order] = sorted_counts[: bins.size]
        counts[row, bins.size] = sorted_counts[bins.size]
    err = _first(derr, berr)
    if err is not None:
        err = np.broadcast_to(err.reshape(-1, 1, 1), (size, n_bins + 1, 1))
    return _with_errors(counts.reshape(size, n_bins + 1, 1), err)


#: Functions evaluated on their arguments' values, by name.
FUNCTIONS: dict[str, Callable[[list[_V], list[bool]], _V]] = {
    "ABS": _unary(np.abs),
    "INT": _unary(np.floor),
    "SIGN": _unary(np.sign),
    "EXP": _unary(_EXP),
    "SIN": _unary(_by_libm(math.sin)),
    "PI": lambda args, refs: _PI,
    "LN": _unary(_LN, lambda x: x > 0),
    "LOG10": _unary(_LOG10, lambda x: x > 0),
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
    "NORM.S.INV": _norm_s_inv,
    "NORM.S.DIST": _norm_s_dist,
    "BETA.INV": _beta_inv,
    "PERCENTILE": _percentile,
    "FREQUENCY": _frequency,
}

_ARITY = {
    "ABS": (1, 1), "INT": (1, 1), "SIGN": (1, 1), "EXP": (1, 1), "LN": (1, 1),
    "LOG10": (1, 1), "SQRT": (1, 1), "SIN": (1, 1), "PI": (0, 0), "LOG": (1, 2),
    "POWER": (2, 2), "MOD": (2, 2),
    "ROUND": (2, 2), "ROUNDUP": (2, 2), "ROUNDDOWN": (2, 2), "FIXED": (1, 3),
    "SUM": (1, None), "MIN": (1, None), "MAX": (1, None), "COUNT": (1, None),
    "AVERAGE": (1, None), "AND": (1, None), "OR": (1, None), "NOT": (1, 1),
    "ISNUMBER": (1, 1), "ISTEXT": (1, 1), "ISLOGICAL": (1, 1), "ISBLANK": (1, 1),
    "ISERROR": (1, 1), "ISERR": (1, 1), "ISNA": (1, 1), "NA": (0, 0),
    "SUMPRODUCT": (1, None), "CONCATENATE": (1, None), "SMALL": (2, 2), "LARGE": (2, 2),
    "RANK": (2, 3), "NORM.S.INV": (1, 1), "NORM.S.DIST": (2, 2), "BETA.INV": (3, 5),
    "PERCENTILE": (2, 2), "FREQUENCY": (2, 2),
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
