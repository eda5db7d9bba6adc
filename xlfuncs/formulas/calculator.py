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
than 2**-48 of their size, and ``a+b``/``a-b`` give exactly 0 when the
operands are that close, so that a tie or a zero difference takes the same
branch in every engine; decide a comparison of two computed figures at a
stated precision with ``ROUND`` all the same.

Constructs to avoid in templates, because LibreOffice and Excel differ
(the evaluator follows Excel): booleans where a number or text is expected
(LibreOffice's booleans are the numbers 1 and 0, so ``ISNUMBER(TRUE)``,
``COUNT`` over TRUE, ``TRUE&""`` and ``"a"<TRUE`` differ: test an input with
``AND(ISNUMBER(x),NOT(ISLOGICAL(x)))``); the type of the error of an
argument out of domain (``LN(0)``, ``SQRT(-1)``, ``INDEX`` or ``SMALL``
out of range, ``0^-1``, ``BETA.INV``, ``NORM.S.INV`` or ``PERCENTILE``
beyond their domains: Excel ``#NUM!``/``#REF!``/``#DIV/0!``, LibreOffice
mostly ``#VALUE!``: catch them with ``IFERROR`` or keep arguments in
range); ``0^0`` and odd roots of negatives (``(-8)^(1/3)``); ``FIXED`` of
a figure whose 16th digit decides the rounding (round first:
``FIXED(ROUND(x,2),2)``); a number joined to text with ``&`` beyond 1e15
or below 1e-5 (use ``FIXED``); text that looks like a number in
arithmetic; ``IFNA`` and other functions newer than Excel 2007 (not
supported, except ``_xlfn.BETA.INV``, ``_xlfn.NORM.S.INV`` and
``_xlfn.NORM.S.DIST`` with cumulative ``TRUE``, written with their
``_xlfn.`` prefix); ``BETA.INV`` above ``p = 1 - 1e-6`` (LibreOffice's
result there is up to 2e-11 relative from the exact quantile, which the
evaluator and Excel give); array formulas other than ``FREQUENCY`` in a
column of one cell more than its bins (array formulas are evaluated, an
element per cell, but only FREQUENCY returns an array); ranges where a
single value is expected (implicit intersection; evaluated here as
``#VALUE!``); ``INDEX(range, 0)``; an empty text ``""`` as a formula's
result (readers of stored values show it as no value at all: show a dash
or words). Supported functions: see :data:`FUNCTIONS`.

The evaluator is three modules: :mod:`.parser` reads a formula,
:mod:`.compiler` turns it into numpy closures over
:mod:`.values` (typed arrays and Excel's operators), and this
module runs a workbook's formulas in order and gives their values.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet.formula import ArrayFormula

from .._ooxml import cell_reference
from .compiler import FUNCTIONS, Closure, _compile, _Run, _Scope, dependencies
from .parser import FormulaSyntaxError, parse
from .row_blocks import RowBlock, repeated
from .values import (
    _BLANK,
    _NAMES_OF_ERRORS,
    _V,
    _VALUE,
    BLANK,
    BOOLEAN,
    ERROR,
    NUMBER,
    TEXT,
    ExcelError,
    FormulaError,
    _broadcast,
    _column_values,
    _constant,
)

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
]

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

    def rows(self, start: int, stop: int) -> Values:
        """Scenarios ``start`` to ``stop`` (not included)."""
        text = None if self.text is None else self.text[start:stop]
        return Values(self.kind[start:stop], self.number[start:stop], text)

    def same_throughout(self) -> bool:
        """Whether every scenario has the same value (NaN never equals itself)."""
        return bool(
            (self.kind == self.kind[0]).all()
            and (self.number == self.number[0]).all()
            and (self.text is None or (self.text == self.text[0]).all())
        )

    def first(self) -> tuple[int, float, str | None]:
        """The first scenario's kind, number and text, as stored."""
        return int(self.kind[0]), float(self.number[0]), None if self.text is None else self.text[0]

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

    def __init__(
        self, size: int, cells: Mapping[tuple[str, int, int], _V], formulas, run: _Run | None = None
    ):
        self.size = size
        self._cells = cells
        #: Formula cells, in the order they were computed, as (sheet, coordinate).
        self.formulas: list[tuple[str, str]] = formulas
        self._run = run

    def __getitem__(self, where: tuple[str, str]) -> Values:
        sheet, coordinate = where
        row, column = coordinate_to_tuple(coordinate.replace("$", ""))
        found = self._cells.get((sheet, row, column))
        if found is None:
            found = _BLANK if self._run is None else self._run.cell((sheet, row, column))
        return Values._of(found, self.size)

    def block(self, block: RowBlock) -> dict[int, Values]:
        """Every column of a row block: :class:`Values` of ``size * rows`` elements,
        scenario-major (element ``scenario * rows + row``)."""
        for known, columns in [] if self._run is None else self._run.blocks:
            if known == block:
                count = self.size * block.rows
                return {column: Values._of(v, count) for column, v in columns.items()}
        raise FormulaError(f"no row block at {block.sheet}!{block.first_row}")


def _array_element(anchor: tuple, whole: Closure, place: tuple[int, int]) -> Closure:
    """One cell of an array formula: its element of the formula's array, computed once
    per evaluation. As in Excel, an array of one row or column repeats across the
    range, and a cell beyond the array shows #N/A."""
    row, column = place

    def element(run: _Run) -> _V:
        found = run.ranges.get(("array", anchor))
        if found is None:
            # Kept with the run's ranges (whose keys are 5-tuples) for this evaluation.
            found = run.ranges["array", anchor] = whole(run)
        rows, columns = found.shape[1:]
        if (row >= rows and rows > 1) or (column >= columns and columns > 1):
            return _constant(ExcelError("#N/A"))
        i, j = min(row, rows - 1), min(column, columns - 1)
        return _V(
            found.num[:, i : i + 1, j : j + 1],
            None if found.kind is None else found.kind[:, i : i + 1, j : j + 1],
            None if found.text is None else found.text[:, i : i + 1, j : j + 1],
        )

    return element


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

    def __init__(
        self,
        workbook,
        inputs: Mapping[str, tuple[str, str]],
        row_blocks: Sequence[RowBlock] = (),
    ):
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
        self._names = names
        self._texts: dict[tuple[str, int, int], str] = {}
        #: Row blocks (see .row_blocks), and the formula text of each of their columns.
        self.row_blocks = tuple(row_blocks)
        self._block_texts: dict[tuple[str, int, int], str] = {}
        #: Array formulas (e.g. FREQUENCY) by their first cell: text and range.
        self._arrays: dict[tuple[str, int, int], tuple[str, str]] = {}
        for ws in workbook.worksheets:
            for (row, column), cell in ws._cells.items():  # only the cells in use
                key = (ws.title, row, column)
                value = cell.value
                block = next((b for b in self.row_blocks if b.holds(*key)), None)
                if block is not None:
                    if row == block.first_row and column not in block.numbers:
                        if not (cell.data_type == "f" and isinstance(value, str)):
                            raise FormulaError(
                                f"{cell_reference(row, column, ws.title)}: a column of a row "
                                "block needs a formula in its first row"
                            )
                        self._block_texts[key] = value
                    continue
                if cell.data_type == "f" and isinstance(value, str):
                    self._texts[key] = value
                elif isinstance(value, ArrayFormula):
                    self._arrays[key] = (value.text, value.ref)
                elif value is not None or key in input_keys:
                    self.constants[key] = _constant(value)
        for sheet, row, column in self._arrays:
            for cell in self._array_cells(sheet, row, column):
                self.constants.pop(cell, None)  # the formula's own cells
        self._compile_all()

    def _array_cells(self, sheet: str, row: int, column: int) -> list[tuple[str, int, int]]:
        """The cells of the array formula whose first cell is (sheet, row, column)."""
        first, _, last = self._arrays[sheet, row, column][1].replace("$", "").partition(":")
        r1, c1 = coordinate_to_tuple(first)
        r2, c2 = coordinate_to_tuple(last or first)
        return [(sheet, r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]

    def _compile_all(self) -> None:
        formulas: dict[tuple[str, int, int], tuple[Closure, list]] = {}
        for key, text in self._texts.items():
            sheet, row, column = key
            scope = _Scope(sheet, row, column, self._names)
            try:
                tree = parse(text)
                formulas[key] = (_compile(tree, scope), dependencies(tree, scope))
            except (FormulaError, FormulaSyntaxError) as error:
                raise FormulaError(f"{cell_reference(row, column, sheet)}: {error}") from None
        for key, (text, _) in self._arrays.items():
            sheet, row, column = key
            scope = _Scope(sheet, row, column, self._names)
            try:
                tree = parse(text)
                whole, reads = _compile(tree, scope), dependencies(tree, scope)
            except (FormulaError, FormulaSyntaxError) as error:
                raise FormulaError(f"{cell_reference(row, column, sheet)}: {error}") from None
            for cell in self._array_cells(*key):
                place = (cell[1] - row, cell[2] - column)
                formulas[cell] = (_array_element(key, whole, place), reads)
        self._block_runs = {}
        for block in self.row_blocks:
            runner = _BlockRunner(block, self._block_texts, self._names)
            self._block_runs[block.key()] = runner
            formulas[block.key()] = (runner, runner.reads)
        for key, (_, reads) in formulas.items():
            for target in list(reads):
                place = target[1:]
                for block in self.row_blocks:
                    touched = block.holds(*place) if target[0] == "ref" else block.meets(*place)
                    if touched and block.key() != key:
                        reads.append(("ref", *block.key()))
        self._order = _evaluation_order(formulas)
        self._formulas = formulas

    # Compiled formulas are closures: a copy sent to another process compiles the texts again.
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        del state["_formulas"], state["_order"], state["_block_runs"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._compile_all()

    @classmethod
    def of_book(cls, book) -> Calculator:
        """The calculator of a :class:`~xlfuncs.templates._workbook.TemplateBook`."""
        inputs = {name: (book.input_sheet, cell) for name, cell in book.input_cells.items()}
        return cls(book.workbook, inputs, getattr(book, "row_blocks", ()))

    @property
    def formula_cells(self) -> list[tuple[str, str]]:
        """Every formula cell as (sheet, coordinate), in evaluation order."""
        return [(s, cell_reference(r, c)) for s, r, c in self._order if c]

    def restricted_to(self, cells: Sequence[tuple[str, str]]) -> Calculator:
        """This calculator for ``cells`` (sheet, coordinate) and the formulas they read,
        directly or not: the rest of the workbook is left out of its evaluation.

        The compiled formulas are shared, not compiled again.
        """
        by_sheet: dict[str, list[tuple[int, int]]] = {}
        for sheet, row, column in self._formulas:
            by_sheet.setdefault(sheet, []).append((row, column))
        wanted = [(sheet, *coordinate_to_tuple(cell)) for sheet, cell in cells]
        needed: set[tuple] = set()
        while wanted:
            key = wanted.pop()
            if key in needed or key not in self._formulas:
                continue
            needed.add(key)
            for target in self._formulas[key][1]:
                if target[0] == "ref":
                    wanted.append(target[1:])
                    continue
                sheet, r1, c1, r2, c2 = target[1:]
                wanted += [
                    (sheet, r, c)
                    for r, c in by_sheet.get(sheet, ())
                    if r1 <= r <= r2 and c1 <= c <= c2
                ]
        restricted = object.__new__(Calculator)
        restricted.__dict__.update(self.__dict__)
        restricted._order = [key for key in self._order if key in needed]
        return restricted

    def input_columns(self, rows: Sequence[Mapping[str, object]]) -> dict[str, list]:
        """Each input's values across ``rows`` (one mapping of input values per scenario).

        A block holds hundreds of inputs for thousands of scenarios: one
        ``itemgetter`` per row and one transpose beat a lookup per value.
        """
        names = list(self.inputs)
        if len(names) < 2:
            return {name: [row[name] for row in rows] for name in names}
        columns = zip(*map(itemgetter(*names), rows), strict=True)
        found = dict(zip(names, map(list, columns), strict=False))
        return found if rows else {name: [] for name in names}

    def evaluate(
        self,
        block: Mapping[str, object] | None = None,
        size: int | None = None,
        same: Mapping[str, object] | None = None,
    ):
        """Every formula's values for a block of scenarios (see the module docstring).

        ``same`` maps input names to one value each that every scenario of
        the block shares: formulas that read only such inputs are worked out
        once for the block, not once per scenario, with the same result.
        """
        block = dict(block or {})
        same = dict(same or {})
        unknown = (set(block) | set(same)) - set(self.inputs)
        if unknown:
            raise FormulaError(f"not inputs of this workbook: {', '.join(sorted(unknown))}")
        if size is None:
            size = len(next(iter(block.values()))) if block else 1
        cells = dict(self.constants)
        for name, value in same.items():
            cells[self.inputs[name]] = _constant(value)
        for name, values in block.items():
            cells[self.inputs[name]] = _column_values(values, size)
        run = _Run(size, cells)
        with np.errstate(all="ignore"):
            for key in self._order:
                if key[2]:
                    cells[key] = _cell_result(self._formulas[key][0](run))
                else:  # a row block: its columns go to the run, not to a cell
                    self._formulas[key][0](run)
        return Evaluation(size, cells, self.formula_cells, run)

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
            if not key[2]:
                continue
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


class _BlockRun(_Run):
    """A run over every row of a row block: external cells repeated for each row."""

    __slots__ = ("outer", "times")

    def __init__(self, outer: _Run, block: RowBlock):
        super().__init__(outer.size * block.rows, {})
        self.outer, self.times = outer, block.rows

    def cell(self, key: tuple[str, int, int]) -> _V:
        found = self.cells.get(key)
        if found is None:
            found = self.cells[key] = repeated(self.outer.cell(key), self.times)
        return found

    def range(self, key: tuple[str, int, int, int, int]) -> _V:
        found = self.ranges.get(key)
        if found is None:
            found = self.ranges[key] = repeated(self.outer.range(key), self.times)
        return found


class _BlockRunner:
    """A row block's formulas, compiled in its first row; calling it computes every row."""

    def __init__(self, block: RowBlock, texts: Mapping[tuple[str, int, int], str], names):
        self.block = block
        self.columns: list[tuple[int, Closure]] = []
        self.reads: list[tuple] = []
        local: dict[int, list[int]] = {}
        compiled: dict[int, Closure] = {}
        for column in block.columns:
            key = (block.sheet, block.first_row, column)
            if column in block.numbers:
                continue
            text = texts.get(key)
            where = cell_reference(block.first_row, column, block.sheet)
            if text is None:
                raise FormulaError(f"{where}: a column of a row block needs a formula")
            try:
                block.check_text(column, text)
                tree = parse(text)
                scope = _Scope(block.sheet, block.first_row, column, names)
                compiled[column] = _compile(tree, scope)
                reads = dependencies(tree, scope)
            except (FormulaError, FormulaSyntaxError) as error:
                raise FormulaError(f"{where}: {error}") from None
            local[column] = []
            for target in reads:
                if target[0] == "ref" and block.holds(*target[1:]):
                    local[column].append(target[3])
                elif target[0] == "range" and block.meets(*target[1:]):
                    raise FormulaError(f"{where}: a row of the block reads a range of the block")
                else:
                    self.reads.append(target)
        for column in _columns_in_order(local, block):
            self.columns.append((column, compiled[column]))

    def __call__(self, run: _Run) -> _V:
        block = self.block
        inner = _BlockRun(run, block)
        count = run.size * block.rows
        values: dict[int, _V] = {}
        for column, numbers in block.numbers.items():
            flat = np.tile(np.asarray(numbers, dtype=float), run.size)
            values[column] = _V(flat.reshape(count, 1, 1))
        inner.cells.update({(block.sheet, block.first_row, c): v for c, v in values.items()})
        for column, closure in self.columns:
            result = _cell_result(closure(inner))
            if result.num.shape[0] != count:
                result = _broadcast(result, (count, 1, 1))
            values[column] = inner.cells[block.sheet, block.first_row, column] = result
        run.blocks.append((block, values))
        return _BLANK


def _columns_in_order(local: Mapping[int, list[int]], block: RowBlock) -> list[int]:
    """The block's formula columns, each after the columns of its row it reads."""
    order: list[int] = []
    state: dict[int, int] = {}

    def visit(column: int) -> None:
        if state.get(column) == 2 or column in block.numbers:
            return
        if state.get(column) == 1:
            where = cell_reference(block.first_row, column, block.sheet)
            raise FormulaError(f"circular reference through {where}")
        state[column] = 1
        for needed in local.get(column, ()):
            if needed not in local and needed not in block.numbers:
                raise FormulaError(
                    f"{cell_reference(block.first_row, needed, block.sheet)} is in a row block "
                    "but holds no formula"
                )
            visit(needed)
        state[column] = 2
        order.append(column)

    for column in local:
        visit(column)
    return order


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
