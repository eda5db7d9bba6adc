"""The table that compares every scenario: each template's key figures, as its workbooks show them.

A template declares its summary columns beside its build function
(``SUMMARY_COLUMNS``: a heading, the key of a figure or text of the built
workbook, a number format) and whether the table has a row per scenario and
option (``SUMMARY_BY_OPTION``). The figures are the values of those cells,
worked out by the template evaluator (:mod:`xlfuncs.formulas`) from
the workbook's own formulas for a block of scenarios at once: the summary
says exactly what each filled workbook says, and no formula is written twice.

The table is written as ``summary.xlsx`` and ``summary.csv`` by
:mod:`xlfuncs.batch.summary.export`.
"""

from __future__ import annotations

import math
import tempfile
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np

from ..._currency import CURRENCY_SIGN, DEFAULT_CURRENCY, in_currency
from ...formulas import ExcelError
from ...templates._workbook import CURRENCY_INPUT, INPUT_KEY, INPUT_SHEET
from ..read.checker import Scenario
from ..template import Layout, Template
from . import export
from .export import neutralise

__all__ = ["SummaryTable", "neutralise", "summary_columns"]

# Between option names held in one string; a control character, which a
# workbook cannot hold, so no name contains it.
_SEPARATOR = "\x1f"
_TEXT_WIDTH, _NUMBER_WIDTH = 20, 12
#: An amount with its currency code ("1,234,567.89 EUR") needs more room.
_AMOUNT_WIDTH = 17


def _place(book: object, key: str) -> tuple[str, str]:
    """The (sheet, cell) of a summary column's key: a figure, a text, or an input."""
    if key.startswith(INPUT_KEY):
        sheet = getattr(book, "input_sheet", INPUT_SHEET)
        return sheet, book.input_cells[key.removeprefix(INPUT_KEY)]
    return book.figures.get(key) or book.texts[key]


def summary_columns(template: Template | None) -> tuple:
    """The summary columns a template declares (none for a workbook given as a file)."""
    return tuple(getattr(template, "summary_columns", ()) or ())


class SummaryTable:
    """Collects the scenarios of a batch; works out their summary figures a block at a time.

    Each scenario's input values wait until ``chunk`` scenarios have come in;
    then one evaluation of the template's formulas gives the declared
    figures of all of them, and only those are kept (numbers in compact
    arrays). Memory thus stays flat however long the batch; ``chunk=None``
    keeps every scenario and evaluates them in one go at the end. ``columns``
    chooses among the template's summary columns (a sweep leaves out the
    Risk sheet's).
    """

    def __init__(
        self,
        layout: Layout,
        template: Template | None = None,
        chunk: int | None = 2048,
        filler: Callable[[], object] | None = None,
        columns: Sequence | None = None,
    ):
        self.layout = layout
        # The batch writer's filler (see :mod:`xlfuncs.batch.write.filler`), when it has one: its
        # build and compiled formulas serve here too, rather than a second build.
        self._filler = filler
        self.chunk = chunk
        self.template = template
        # The template's summary columns, or the chosen ones among them.
        self.declared = summary_columns(template) if columns is None else tuple(columns)
        self.by_option = bool(getattr(template, "summary_by_option", bool(layout.letters)))
        self.scenarios: list[str] = []
        self.files: list[str] = []
        # Each scenario's currency code, when the template names one.
        self.has_currency = CURRENCY_INPUT in layout.shared
        self.currencies: list[str] = []
        # Each scenario's option names in one string: a tuple of strings takes
        # three times the memory, and a long batch keeps one per scenario.
        self._option_names: list[str] = []
        self._pending: list[Mapping[str, float | str]] = []
        # Values of :meth:`cells` worked out elsewhere, by row, until their row is flushed.
        self._given: dict[int, list] = {}
        self._results: list[array | list[str]] = [
            [] if column.is_text else array("d") for column in self.declared
        ]
        # Per declared column, how many cells it has (one per option letter, or one),
        # and per cell how its value is shown in the table.
        self._widths = [len(self._keys(column)) for column in self.declared]
        self._shows = [
            _text if column.is_text else _number
            for column, width in zip(self.declared, self._widths, strict=True)
            for _ in range(width)
        ]
        self._book = None
        #: Whether the table has a PDF column (``generate(pdf=True)``), and the
        #: rows whose PDF is there.
        self.pdf = False
        self._pdfs = bytearray()

    def pdf_made(self, row: int) -> None:
        """The scenario of ``row`` has its PDF (written or kept)."""
        if len(self._pdfs) <= row:
            self._pdfs.extend(bytes(row + 1 - len(self._pdfs)))
        self._pdfs[row] = 1

    def _pdf(self, row: int) -> str:
        """The PDF column's text for a row: the PDF's file name, or blank when it is missing."""
        if row < len(self._pdfs) and self._pdfs[row]:
            return self.files[row][: -len(".xlsx")] + ".pdf"
        return ""

    @property
    def has_figures(self) -> bool:
        return bool(self.declared)

    def __len__(self) -> int:
        return len(self.scenarios)

    def add(self, scenario: Scenario, file: str) -> None:
        self.scenarios.append(scenario.name)
        self.files.append(file)
        if self.has_currency:
            self.currencies.append(str(scenario.values.get(CURRENCY_INPUT, DEFAULT_CURRENCY)))
        self._option_names.append(_SEPARATOR.join(scenario.option_names))
        if self.declared:
            self._pending.append(scenario.values)
            if self.chunk and len(self._pending) >= self.chunk:
                self._flush()

    def option_names(self, row: int) -> list[str]:
        """The names of a scenario's options."""
        return self._option_names[row].split(_SEPARATOR)

    # Figures ------------------------------------------------------------------

    def given(self, row: int, values: Sequence[object]) -> None:
        """The values of :meth:`cells` in the scenario of ``row``, worked out elsewhere
        (by the batch writer, from the same formulas): that row is not evaluated again."""
        if self.declared:
            self._given[row] = [
                show(value) for show, value in zip(self._shows, values, strict=True)
            ]

    def cells(self) -> list[tuple[str, str]]:
        """The cells (sheet, coordinate) of every declared column, for every option letter."""
        self._built()
        return self._cells()

    def _built(self):
        """The template built once with its defaults: the formulas and where each figure is."""
        if self._book is None:
            filler = self._filler() if self._filler is not None else None
            if filler is not None:
                self._book, calculator = filler.places, filler.calculator
            else:
                from ...formulas import Calculator

                defaults = {spec.name: spec.default for spec in self.template.inputs}
                with tempfile.TemporaryDirectory(prefix="xlfuncs-") as folder:
                    self._book = self.template.build(defaults, Path(folder) / "summary.xlsx")
                calculator = Calculator.of_book(self._book)
            self._calculator = calculator.restricted_to(self._cells())
        return self._book

    def _cells(self) -> list[tuple[str, str]]:
        """The cells of every declared column, for every option letter."""
        return [cell for column in self.declared for cell in self._column_cells(column)]

    def _column_cells(self, column) -> list[tuple[str, str]]:
        """The cells of one declared column, for every option letter."""
        return [_place(self._book, key) for key in self._keys(column)]

    def _keys(self, column) -> list[str]:
        """The figure keys of a column: one per option letter, or one for the scenario."""
        if self.by_option and "{x}" in column.key:
            return [column.key.format(x=letter) for letter in self.layout.letters]
        return [column.key]

    def _flush(self) -> None:
        if not self._pending:
            return
        self._built()
        first = len(self.scenarios) - len(self._pending)
        rows = range(first, len(self.scenarios))
        missing = [row for row in rows if row not in self._given]
        self._pending = [self._pending[row - first] for row in missing]
        if len(missing) == len(rows):  # nothing given: the columns of one evaluation
            self._keep_evaluated()
            return
        if missing:
            self._keep_evaluated(missing)
        for row in rows:
            values, start = self._given.pop(row), 0
            for width, kept in zip(self._widths, self._results, strict=True):
                kept.extend(values[start : start + width])
                start += width

    def _keep_evaluated(self, rows: Sequence[int] | None = None) -> None:
        """Evaluate the pending scenarios; keep their figures, or set them aside as
        given for ``rows`` (the pending scenarios' rows)."""
        block = self._calculator.input_columns(self._pending)
        evaluation = self._calculator.evaluate(block, len(self._pending))
        size, self._pending = len(self._pending), []
        shown = []
        for column, kept in zip(self.declared, self._results, strict=True):
            values = [evaluation[where] for where in self._column_cells(column)]
            if column.is_text:
                by_scenario = [[_text(v.python(i)) for v in values] for i in range(size)]
            else:
                # Words where the workbook has no number ("reference", "never") stay blank.
                by_scenario = np.stack([v.numbers() for v in values], axis=1).tolist()
            if rows is None:
                kept.extend(value for scenario in by_scenario for value in scenario)
            shown.append(by_scenario)
        if rows is not None:
            for index, row in enumerate(rows):
                self._given[row] = [value for column in shown for value in column[index]]

    def figures(self) -> list[list[object]]:
        """Per declared column, its values by scenario (a list per option for option columns)."""
        self._flush()
        out = []
        for column, kept in zip(self.declared, self._results, strict=True):
            width = len(self._keys(column))
            values = [None if isinstance(v, float) and math.isnan(v) else v for v in kept]
            out.append([values[i * width : (i + 1) * width] for i in range(len(self))])
        return out

    # Table --------------------------------------------------------------------

    @property
    def _first(self) -> tuple[str, ...]:
        first = ("Scenario", "Option", "Workbook") if self.by_option else ("Scenario", "Workbook")
        if self.pdf:
            first = (*first, "PDF")
        return (*first, "Currency") if self.has_currency else first

    def _one_currency(self) -> str | None:
        """The batch's currency when every scenario has the same one."""
        codes = set(self.currencies) if self.has_currency else {DEFAULT_CURRENCY}
        return codes.pop() if len(codes) == 1 else None

    @property
    def headings(self) -> tuple[str, ...]:
        """Column headings: the scenario's, its files', its currency's, then the declared
        figures'."""
        return (*self._first, *(column.heading for column in self.declared))

    def columns(self) -> export.Columns:
        """The table's columns for the file writers: headings, widths, number formats.

        Amounts show the currency's code when the batch has one currency;
        with several, the Currency column says each row's.
        """
        first = len(self._first)
        code = self._one_currency()
        widths = (24, 20, 24)[: 3 if self.by_option else 2]
        widths += (24,) * self.pdf + (10,) * self.has_currency
        widths += tuple(
            _TEXT_WIDTH
            if column.is_text
            else _AMOUNT_WIDTH
            if code and CURRENCY_SIGN in column.number_format
            else _NUMBER_WIDTH
            for column in self.declared
        )
        formats = {
            first + index: in_currency(column.number_format, code)
            if code
            else column.number_format.replace(f' "{CURRENCY_SIGN}"', "")
            for index, column in enumerate(self.declared)
            if not column.is_text
        }
        return export.Columns(headings=self.headings, widths=widths, formats=formats)

    def rows(self) -> Iterator[list[object]]:
        """The table's rows, in the scenarios' order: one per scenario, or per scenario and
        option it gives."""
        figures = self.figures()
        names = zip(self.scenarios, self.files, self._option_names, strict=True)
        for row, (scenario, file, joined) in enumerate(names):
            files = [file, self._pdf(row)] if self.pdf else [file]
            currency = [self.currencies[row]] if self.has_currency else []
            if not self.by_option:
                yield [scenario, *files, *currency, *(_one(column[row]) for column in figures)]
                continue
            for index, option in enumerate(joined.split(_SEPARATOR)):
                yield [
                    scenario,
                    option,
                    *files,
                    *currency,
                    *(_at(column[row], index) for column in figures),
                ]

    def write(self, out_dir: Path, overwrite: bool, csv_decimal: str = ".") -> list[Path]:
        """Write summary.xlsx and summary.csv; returns their paths."""
        # Rows are made twice from the compact columns rather than held in a list.
        return export.write(self.rows, self.columns(), out_dir, overwrite, csv_decimal)


def _text(value: object) -> str:
    """A text column's value: the cell's text, a number in general format, else blank."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, float):
        return format(value, ".15g") if math.isfinite(value) else ""
    return "" if isinstance(value, ExcelError) else str(value)


def _number(value: object) -> float:
    """A number column's value: the cell's number, else NaN (shown blank)."""
    return value if type(value) is float else math.nan


def _one(values: Sequence[object]) -> object:
    return values[0]


def _at(values: Sequence[object], index: int) -> object:
    return values[index] if len(values) > 1 else values[0]
