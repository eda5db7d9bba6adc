"""A sweep's figures for a block of scenarios: the template's own formulas, evaluated at once.

The figures are the cells of the template's summary columns (those of the
workbook's Summary sheet and ``summary.csv``), worked out by the template
evaluator from the workbook's formulas, as :class:`~xlfuncs.batch.summary.SummaryTable`
does for a batch: a block of scenarios costs one pass over the formulas, and
the inputs every scenario of the block shares are worked out once.

A :class:`Plan` says what to compute and is small enough to send to other
processes or cluster workers; :func:`block_table` computes one block of it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .._currency import DEFAULT_CURRENCY
from ..batch.summary.export import _csv_line
from ..batch.summary.table import SummaryTable, _text, summary_columns
from ..batch.template import Layout, resolve_template
from ..templates._risk import ENTITY_INPUT
from ..templates._workbook import CURRENCY_INPUT
from .grid import Grid

#: The summary figures of a Risk sheet (keys ``risk.*``), which a sweep leaves out.
SIMULATED = "risk."

__all__ = ["BLOCK", "Block", "Plan", "block_table", "encode_csv", "header_csv", "headings"]

#: Scenarios computed together: one task of a worker process or a cluster.
#: Every way of running a sweep uses it, so that their files are byte for byte the same.
BLOCK = 10_000
CHEAPEST, CHEAPER_BY = "cheapest", "cheaper_by"
_NUMBER, _TEXT, _INDEX, _AXIS = "number", "text", "index", "axis"


@dataclass(frozen=True)
class Plan:
    """What a sweep computes: the template, the grid (or none, for scenarios given one by one)."""

    template: str
    grid: Grid | None
    #: Option names of the grid's scenarios (all share the base scenario's options).
    option_names: tuple[str, ...] = ()

    @property
    def axes(self):
        return self.grid.axes if self.grid is not None else ()


@dataclass
class Block:
    """One block's table: its columns (heading, kind, values), and per scenario its key figures."""

    headings: list[str]
    kinds: list[str]
    columns: list[list | np.ndarray]
    #: Per scenario of the block (0-based index in the sweep).
    scenarios: np.ndarray
    #: Per scenario: the cheapest option's name ("" where none), and by how much.
    cheapest: list[str]
    cheaper_by: np.ndarray
    #: Per scenario and option given (columns in option order): the compared cost, NaN if none.
    costs: np.ndarray
    #: Per scenario, the position of the cheapest option (-1 for none).
    cheapest_position: np.ndarray

    @property
    def rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0


class _Figures:
    """A template's summary cells and their compiled formulas, made once per process."""

    _made: ClassVar[dict[str, _Figures]] = {}
    _lock = threading.Lock()

    def __init__(self, name: str):
        template = resolve_template(name)
        self.layout = Layout.of(template)
        # A sweep leaves out the Risk sheet's figures: a simulation of its own per scenario
        # of a grid of a million would be a billion trials.
        columns = [
            column for column in summary_columns(template) if not column.key.startswith(SIMULATED)
        ]
        self.table = SummaryTable(self.layout, template, chunk=None, columns=columns)
        self.table.cells()
        self.calculator = self.table._calculator
        self.declared = self.table.declared
        self.by_option = self.table.by_option
        self.cost = getattr(template, "sweep_cost", None)

    @classmethod
    def of(cls, name: str) -> _Figures:
        with cls._lock:
            if name not in cls._made:
                cls._made[name] = cls(name)
            return cls._made[name]

    def cells(self, column) -> list[tuple[str, str]]:
        return self.table._column_cells(column)


def headings(plan: Plan) -> tuple[list[str], list[str]]:
    """The sweep table's headings and the kind of each column."""
    figures = _Figures.of(plan.template)
    names = ["Scenario", *(axis.key for axis in plan.axes)]
    kinds = [_INDEX if plan.grid is not None else _TEXT]
    kinds += [_AXIS if axis.numeric else _TEXT for axis in plan.axes]
    if figures.by_option:
        names.append("Option")
        kinds.append(_TEXT)
    if figures.table.has_currency:  # as the batch summary has it
        names.append("Currency")
        kinds.append(_TEXT)
    for column in figures.declared:
        names.append(column.heading)
        kinds.append(_TEXT if column.is_text else _NUMBER)
    if figures.cost is not None:
        names += [CHEAPEST, CHEAPER_BY]
        kinds += [_TEXT, _NUMBER]
    return names, kinds


def block_table(
    plan: Plan,
    start: int,
    stop: int,
    given: Sequence[tuple[str, Mapping[str, float | str], tuple[str, ...]]] | None = None,
    indices: np.ndarray | None = None,
) -> Block:
    """The table of scenarios ``start`` to ``stop`` of a grid (or of ``indices``), or of the
    scenarios ``given`` (name, input values, option names) numbered from ``start``."""
    figures = _Figures.of(plan.template)
    calculator = figures.calculator
    if given is not None:
        size = len(given)
        scenario_numbers = np.arange(start, start + size)
        evaluation = calculator.evaluate(
            calculator.input_columns([values for _, values, _ in given]), size
        )
        option_names = [names for _, _, names in given]
        currencies = [str(v.get(CURRENCY_INPUT, DEFAULT_CURRENCY)) for _, v, _ in given]
        axis_columns: list = []
    else:
        grid = plan.grid
        scenario_numbers = (
            np.arange(start, stop, dtype=np.int64) if indices is None else np.asarray(indices)
        )
        size = len(scenario_numbers)
        positions = list(np.unravel_index(scenario_numbers, grid.shape)) if grid.axes else []
        block, swept = {}, set()
        for axis, where in zip(grid.axes, positions, strict=True):
            for name, column in axis.inputs.items():
                swept.add(name)
                if all(type(v) is float for v in column):
                    block[name] = np.asarray(column, dtype=float)[where]
                else:
                    block[name] = [column[i] for i in where.tolist()]
        if grid.base.values.get(ENTITY_INPUT, 0) is None and ENTITY_INPUT in calculator.inputs:
            # No entity given: each scenario its own streams, its number in the grid (as a
            # batch of the grid's scenarios numbers them by their place in the file).
            block[ENTITY_INPUT] = scenario_numbers.astype(float) + 1.0
            swept.add(ENTITY_INPUT)
        same = {
            name: value
            for name, value in grid.base.values.items()
            if name in calculator.inputs and name not in swept
        }
        evaluation = calculator.evaluate(block, size, same=same)
        option_names = [plan.option_names] * size
        currencies = (
            [str(v) for v in block[CURRENCY_INPUT]]
            if CURRENCY_INPUT in block
            else [str(grid.base.values.get(CURRENCY_INPUT, DEFAULT_CURRENCY))] * size
        )
        axis_columns = [
            np.asarray(axis.values, dtype=float)[where]
            if axis.numeric
            else [axis.values[i] for i in where.tolist()]
            for axis, where in zip(grid.axes, positions, strict=True)
        ]
    counts = np.array([len(names) for names in option_names], dtype=np.int64)
    if not figures.by_option:
        counts = np.ones(size, dtype=np.int64)
    owner = np.repeat(np.arange(size), counts)
    position = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)

    def per_row(values, text: bool):
        if text:
            return [values[i] for i in owner.tolist()]
        return np.asarray(values)[owner]

    columns: list = [
        per_row(scenario_numbers, False)
        if given is None
        else per_row([name for name, _, _ in given], True)
    ]
    columns += [per_row(c, not isinstance(c, np.ndarray)) for c in axis_columns]
    if figures.by_option:
        columns.append(
            [option_names[s][p] for s, p in zip(owner.tolist(), position.tolist(), strict=True)]
        )
    if figures.table.has_currency:
        columns.append(per_row(currencies, True))
    for column in figures.declared:
        values = [evaluation[where] for where in figures.cells(column)]
        if column.is_text:
            texts = [_texts(v) for v in values]
            if len(texts) == 1:
                columns.append(per_row(texts[0], True))
            else:
                columns.append(
                    [texts[p][s] for s, p in zip(owner.tolist(), position.tolist(), strict=True)]
                )
        else:
            numbers = np.stack([v.numbers() for v in values], axis=1)
            columns.append(numbers[owner, position if numbers.shape[1] > 1 else 0])
    costs, labels = _costs(figures, evaluation, size, counts)
    cheapest_position = np.full(size, -1, dtype=np.int64)
    cheaper_by = np.full(size, math.nan)
    finite = np.isfinite(costs)
    has_any = finite.any(axis=1)
    ranked = np.where(finite, costs, np.inf)
    if costs.shape[1]:
        order = np.argsort(ranked, axis=1, kind="stable")
        cheapest_position = np.where(has_any, order[:, 0], -1)
        if costs.shape[1] > 1:
            lowest = np.take_along_axis(ranked, order[:, :1], axis=1)[:, 0]
            second = np.take_along_axis(ranked, order[:, 1:2], axis=1)[:, 0]
            both = np.isfinite(second) & has_any
            cheaper_by = np.where(both, second - np.where(both, lowest, 0.0), math.nan)
    names_of = labels if labels is not None else None
    cheapest = [
        "" if p < 0 else (names_of[p] if names_of is not None else option_names[i][p])
        for i, p in enumerate(cheapest_position.tolist())
    ]
    if figures.cost is not None:
        columns.append(per_row(cheapest, True))
        columns.append(cheaper_by[owner])
    names, kinds = headings(plan)
    return Block(
        names, kinds, columns, scenario_numbers, cheapest, cheaper_by, costs, cheapest_position
    )


def _texts(values) -> list[str]:
    """A text column's cells as the summary shows them (:func:`~xlfuncs.batch.summary._text`),
    for a block at once: texts as they are, finite numbers in general format, else blank."""
    from ..formulas import NUMBER, TEXT

    shown = np.full(len(values), "", dtype=object)
    is_text = values.kind == TEXT
    if is_text.any():
        shown[is_text] = values.text[is_text]
    numbers = (values.kind == NUMBER) & np.isfinite(values.number)
    if numbers.any():
        shown[numbers] = [_text(float(v)) for v in values.number[numbers].tolist()]
    return shown.tolist()


def _costs(figures: _Figures, evaluation, size: int, counts: np.ndarray):
    """Per scenario, the compared cost of each option given; and the choices' names when the
    template names them itself."""
    cost = figures.cost
    if cost is None:
        return np.empty((size, 0)), None
    book = figures.table._book
    if isinstance(cost, str):
        letters = figures.layout.letters
        width = int(counts.max()) if size else 0
        found = np.full((size, width), math.nan)
        for index, letter in enumerate(letters[:width]):
            key = cost.format(x=letter)
            where = book.figures.get(key) or book.texts[key]
            numbers = evaluation[where].numbers()
            found[:, index] = np.where(index < counts, numbers, math.nan)
        return found, None
    labels = [label for label, _ in cost]
    found = np.stack(
        [evaluation[book.figures.get(key) or book.texts[key]].numbers() for _, key in cost],
        axis=1,
    )
    return found, labels


def encode_csv(block: Block, decimal: str = ".") -> bytes:
    """The block's rows as lines of ``sweep.csv``: each field as ``summary.csv`` writes it
    (text quoted and neutralised, numbers to 12 significant digits), column by column."""
    from ..batch.summary.export import CSV_SEPARATORS, neutralise

    separator = CSV_SEPARATORS[decimal]
    comma = decimal == ","
    fields = []
    for kind, column in zip(block.kinds, block.columns, strict=True):
        if kind == _TEXT:
            quoted: dict[str, str] = {}  # names repeat: each is quoted once
            texts = []
            for value in column:
                found = quoted.get(value)
                if found is None:
                    found = quoted[value] = '"' + neutralise(value).replace('"', '""') + '"'
                texts.append(found)
            fields.append(texts)
            continue
        values = np.asarray(column).tolist()
        if kind == _INDEX:
            texts = [format(v + 1, ".12g") for v in values]
        elif kind == _AXIS:
            texts = [repr(v) for v in values]
        else:
            texts = ["" if v != v else format(v, ".12g") for v in values]
        if comma:
            texts = [t.replace(".", ",") for t in texts]
        fields.append(texts)
    end = "\r\n"
    return "".join(separator.join(row) + end for row in zip(*fields, strict=True)).encode("utf-8")


def header_csv(plan: Plan, decimal: str = ".") -> bytes:
    from ..batch.summary.export import CSV_SEPARATORS

    names, _ = headings(plan)
    return ("\ufeff" + _csv_line(names, CSV_SEPARATORS[decimal], decimal)).encode("utf-8")


def arrow_schema(plan: Plan):
    """The Arrow schema of ``sweep.parquet``: the columns of ``sweep.csv``."""
    import pyarrow as pa

    names, kinds = headings(plan)
    types = {_INDEX: pa.int64(), _AXIS: pa.float64(), _NUMBER: pa.float64(), _TEXT: pa.string()}
    return pa.schema([pa.field(name, types[kind]) for name, kind in zip(names, kinds, strict=True)])


def encode_arrow(plan: Plan, block: Block) -> bytes:
    """The block's rows as an Arrow IPC stream (small to send, read back without copying)."""
    import pyarrow as pa

    schema = arrow_schema(plan)
    arrays = []
    for kind, column, field in zip(block.kinds, block.columns, schema, strict=True):
        if kind == _INDEX:
            arrays.append(pa.array(np.asarray(column, dtype=np.int64) + 1, type=field.type))
        elif kind in (_AXIS, _NUMBER):
            values = np.asarray(column, dtype=float)
            arrays.append(pa.array(values, type=field.type, mask=np.isnan(values)))
        else:
            arrays.append(pa.array(list(column), type=field.type))
    table = pa.Table.from_arrays(arrays, schema=schema)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()
