"""Writing workbooks: fast filling of a built template; saving is atomic and never clobbers.

**Filling.** Building a template with openpyxl takes tens of milliseconds,
nearly all of it spent laying out styles, validation and formulas that are
the same for every scenario. :class:`Filler` builds the template once, cuts
its saved sheet XML at the cells the template declares as its inputs and at
every formula cell, and then makes the workbooks of a block of scenarios by
writing each scenario's input values into those cells (exactly as openpyxl
writes them) and each formula's value, computed for the whole block at once
by :mod:`xlfuncs.formulas` from the formula text itself, beside its
formula; every other part of the package is copied unchanged. A filled
workbook holds, part for part, the workbook the template builds for the same
inputs; its parts are deflated with ISA-L rather than zlib where it is
installed (see :func:`xlfuncs._ooxml.compress_part`), several times as
fast. A template that does not say where its inputs are (a builder that
returns no book with ``input_cells``) is built afresh for every scenario.

**Saving.** Each workbook is saved through a temporary file moved into place
in one step (:func:`xlfuncs._files.saving.save_atomically`), so a run killed
at any moment leaves only complete workbooks.
"""

from __future__ import annotations

import math
import re
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import numpy as np

from ..._currency import DEFAULT_CURRENCY
from ..._errors import TemplateNotFillableError
from ..._ooxml import (
    FORMULA_CELL,
    SharedRows,
    block_cached_values,
    cached_value,
    cached_values,
    compress_part,
    inline_string,
    number_text,
    number_texts,
    read_package,
    sheet_parts,
    write_package,
)
from ...formulas.row_blocks import RowBlock
from ...templates._risk import DEFAULT_TRIALS, TRIALS_INPUT
from ...templates._workbook import CURRENCY_INPUT, starts_like_formula
from ..template import Template
from .provenance import READS, properties, room_for_properties

if TYPE_CHECKING:
    from ...formulas import Values

__all__ = [
    "EXISTS",
    "Filler",
    "TemplateNotFillableError",
    "quoted_inputs",
]

#: Modes for a file that already exists.
EXISTS = ("refuse", "overwrite", "skip")


#: Workbooks whose sheets' text is made at a time (a few hundred kilobytes each).
RENDERED_AT_ONCE = 128

# Any cell of a sheet's XML, with its coordinate.
_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"[^>]*?(?:/>|>.*?</c>)', re.DOTALL)
_STYLE = re.compile(r' s="[0-9]+"')


def _input_cell(head: str, value: float | str | None) -> str:
    """An input cell's XML for ``value``, as openpyxl writes it (``None``: a blank cell)."""
    if value is None:
        return f'{head} t="n" />'
    if isinstance(value, str):
        if value == "":
            return f'{head} t="inlineStr" />'
        return f'{head} t="inlineStr">{inline_string(value)}</c>'
    return f'{head} t="n"><v>{number_text(value)}</v></c>'


def _same_text(value: float | str, other: float | str) -> bool:
    """Whether two input values are the same value of the same type (0.0 and -0.0 are not)."""
    return (
        value == other
        and type(value) is type(other)
        and (value != 0 or math.copysign(1, value) == math.copysign(1, other))
    )


class _Sheet:
    """A sheet's XML cut at its input and formula cells: literal pieces between slots.

    A slot is ``("input", name, head)`` or ``("formula", (sheet, coordinate), head, middle)``,
    where ``head`` opens the cell up to its type attribute and ``middle`` is the
    formula element followed by ``<v>``.
    """

    def __init__(
        self,
        xml: str,
        inputs: Mapping[str, str],
        formulas: Mapping[str, tuple],
        block: RowBlock | None = None,
    ):
        names = {cell: name for name, cell in inputs.items()}
        rows = None
        if block is not None:  # its rows are the sheet's last: a slot of their own
            rows = SharedRows(xml, block.first_row, block.rows)
            xml = rows.head
        self.pieces: list[str] = []
        self.slots: list[tuple] = []
        position = 0
        for found in _CELL.finditer(xml):
            coordinate = found.group(1)
            text = found.group()
            if coordinate in names:
                style = _STYLE.search(text[: text.index(">")])
                head = f'<c r="{coordinate}"{style.group() if style else ""}'
                slot = ("input", names[coordinate], head)
            elif coordinate in formulas:
                cell = FORMULA_CELL.fullmatch(text)
                if cell is None:
                    raise TemplateNotFillableError(f"unexpected formula cell {text[:80]}")
                _, style, formula = cell.groups()
                slot = (
                    "formula",
                    formulas[coordinate],
                    f'<c r="{coordinate}"{style}',
                    f">{formula}<v>",
                )
            else:
                continue
            self.pieces.append(xml[position : found.start()])
            self.slots.append(slot)
            position = found.end()
        self.pieces.append(xml[position:])
        if rows is not None:
            self.slots.append(("block", block, rows))
            self.pieces.append(rows.tail)

    def render(
        self, block: Sequence[Mapping[str, float | str]], evaluation: Mapping[tuple, Values]
    ) -> list[bytes]:
        """The sheet's XML for each scenario of ``block``, given each formula cell's values.

        The cells that change are gathered per slot for the whole block; the
        rest of the XML becomes one format string, filled once per scenario.
        Formulas whose values are numbers in every scenario (most of them)
        store just the number, formatted for the whole block in one call.
        """
        size = len(block)
        statics: list[str] = []
        columns: list[list[str]] = []
        static = [self.pieces[0]]  # the literal text since the last slot
        numeric: list[tuple[int, np.ndarray]] = []
        for slot, piece in zip(self.slots, self.pieces[1:], strict=True):
            # A cell that is the same in every scenario of the block (an input
            # the scenarios share, a check that passes) becomes literal text.
            if slot[0] == "input":
                _, name, head = slot
                first = block[0][name]
                if all(_same_text(values[name], first) for values in block):
                    static += [_input_cell(head, first), piece]
                    continue
                statics.append("".join(static))
                columns.append([_input_cell(head, values[name]) for values in block])
                static = [piece]
                continue
            if slot[0] == "block":
                _, block, rows = slot
                columns_here = evaluation[("block", block.sheet, block.first_row)]
                statics.append("".join(static))
                columns.append(
                    [rows.body(block_cached_values(columns_here, block, i)) for i in range(size)]
                )
                static = [piece]
                continue
            _, where, head, middle = slot
            values = evaluation[where]
            if values.same_throughout():
                kind, text = cached_value(*values.first())
                static += [head, kind, middle, text, "</v></c>", piece]
            elif not values.kind.any():  # numbers only
                statics.append("".join([*static, head, middle]))
                numeric.append((len(columns), values.number))
                columns.append([])
                static = ["</v></c>", piece]
            else:
                statics.append("".join([*static, head]))
                columns.append([f"{t}{middle}{v}</v></c>" for t, v in cached_values(values)])
                static = [piece]
        static = "".join(static)
        statics.append(static)
        if not columns:
            return [static.encode("utf-8")] * size
        if numeric:
            # + 0.0: a formula's number is stored without a negative zero.
            numbers = np.stack([n for _, n in numeric]) + 0.0
            texts = number_texts(numbers.ravel())
            for row, (index, _) in enumerate(numeric):
                columns[index] = texts[row * size : (row + 1) * size]
        template = "%s".join(text.replace("%", "%%") for text in statics)
        return [(template % row).encode("utf-8") for row in zip(*columns, strict=True)]


def _skeleton_values(template: Template, quoted: frozenset) -> dict[str, float | str]:
    """The defaults, with a text that starts like a formula in each quoted input, and the
    value of each input fixed when the workbook is written (a ``(name, value)`` pair)."""
    values = {spec.name: spec.default for spec in template.inputs}
    # Named as a scenario: the build is a scenario's book (see TemplateBook.filled).
    scenario = getattr(template, "scenario_input", None)
    if scenario in values:
        values[scenario] = "Scenario"
    for item in quoted:
        if isinstance(item, tuple):
            values[item[0]] = item[1]
        else:
            values[item] = "=" + str(values[item])
    return values


class Filler:
    """Makes the workbooks of a block of scenarios from one build of the template.

    See the module docstring. ``quoted`` names the text inputs whose values
    start like a formula: their cells take another style.
    """

    def __init__(self, template: Template, quoted: frozenset = frozenset()):
        from ...formulas import Calculator, FormulaError

        with tempfile.TemporaryDirectory(prefix="xlfuncs-") as folder:
            path = Path(folder) / "skeleton.xlsx"
            book = template.build(_skeleton_values(template, quoted), path)
            data = path.read_bytes()
        cells = dict(getattr(book, "input_cells", None) or {})
        names = [spec.name for spec in template.inputs]
        if getattr(book, "workbook", None) is None or sorted(cells) != sorted(names):
            raise TemplateNotFillableError("the template does not say where each input is")
        input_sheet = book.input_sheet
        try:
            self.calculator = getattr(book, "calculator", None) or Calculator.of_book(book)
        except FormulaError as error:
            raise TemplateNotFillableError(str(error)) from error
        #: Where each figure, text and input of the workbook is, for the batch summary
        #: (the book itself holds closures, and a filler travels to worker processes).
        self.places = SimpleNamespace(
            figures=dict(book.figures),
            texts=dict(book.texts),
            input_cells=cells,
            input_sheet=input_sheet,
        )
        self.infos, self.fixed = read_package(data)
        formulas: dict[str, dict[str, tuple[str, str]]] = {}
        for sheet, coordinate in self.calculator.formula_cells:
            formulas.setdefault(sheet, {})[coordinate] = (sheet, coordinate)
        self.sheets: dict[str, _Sheet] = {}
        self.row_blocks = list(getattr(book, "row_blocks", ()))
        blocks = {block.sheet: block for block in self.row_blocks}
        if len(blocks) != len(self.row_blocks):
            raise TemplateNotFillableError("a sheet has more than one row block")
        for title, part in sheet_parts(self.fixed).items():
            here = cells if title == input_sheet else {}
            sheet = _Sheet(
                self.fixed[part].decode("utf-8"), here, formulas.get(title, {}), blocks.get(title)
            )
            if sheet.slots:
                self.sheets[part] = sheet
        found = [s[1] for sheet in self.sheets.values() for s in sheet.slots if s[0] == "input"]
        if sorted(found) != sorted(names):
            raise TemplateNotFillableError(f"an input's cell is not on the {input_sheet} sheet")
        cut = {s[1] for sheet in self.sheets.values() for s in sheet.slots if s[0] == "formula"}
        if cut != set(self.calculator.formula_cells):
            raise TemplateNotFillableError("a formula cell was not found in the sheet's XML")
        # The parts every workbook shares are compressed once.
        self.deflated = {
            name: compress_part(data, fast=True)
            for name, data in self.fixed.items()
            if name not in self.sheets
        }
        # What a workbook records of where it comes from (see .provenance): the
        # parts that make room for it are the same in every workbook.
        self.property_texts = {
            name: self.fixed[name].decode("utf-8") for name in READS if name in self.fixed
        }
        room = {
            name: compress_part(data, fast=True)
            for name, data in room_for_properties(self.property_texts).items()
        }
        own = properties(self.property_texts, "", "")  # the parts each workbook has its own of
        self.deflated_stamped = {
            name: packed for name, packed in (self.deflated | room).items() if name not in own
        }
        # Charts with a series per option: each workbook's copy draws only the options
        # its scenario gives, up to its horizon (see TemplateBook.option_charts).
        self.option_charts = [
            (chart.chart.path[1:], chart, self.fixed[chart.chart.path[1:]].decode("utf-8"))
            for chart in getattr(book, "option_charts", ())
        ]
        self.chart_variants: dict[tuple, dict[str, tuple[bytes, int, int]]] = {}
        self.infos_stamped = list(self.infos)
        for name in own:
            if name not in self.fixed:
                entry = zipfile.ZipInfo(name, self.infos[0].date_time)
                entry.external_attr = self.infos[0].external_attr
                self.infos_stamped.append(entry)

    def workbooks(
        self,
        block: Sequence[Mapping[str, float | str]],
        stamps: Sequence[tuple[str, str | None]] | None = None,
    ) -> list[bytes]:
        """The workbook bytes of each scenario of ``block`` (one evaluation for all).

        ``stamps`` gives each scenario's fingerprint and document title, which
        the workbook then records (see :mod:`.provenance`).
        """
        return [data for data, _ in self.each_workbook(block, stamps)]

    def each_workbook(
        self,
        block: Sequence[Mapping[str, float | str]],
        stamps: Sequence[tuple[str, str | None]] | None = None,
        keep: Sequence[tuple[str, str]] = (),
    ) -> Iterator[tuple[bytes, list]]:
        """:meth:`workbooks`, made one at a time, each with the values of the cells
        ``keep`` (sheet, coordinate) in that scenario (see ``Values.python``).

        A long block is evaluated at once (which costs less per scenario the
        more scenarios it holds), and its sheets' text is made a few hundred
        workbooks at a time, which bounds memory.
        """
        if not block:
            return
        columns = self.calculator.input_columns(block)
        evaluation = self.calculator.evaluate(columns, len(block))
        cells = {where: evaluation[where] for where in self.calculator.formula_cells}
        kept = [evaluation[where] for where in keep]
        if stamps is None:
            infos, deflated = self.infos, self.deflated
        else:
            infos, deflated = self.infos_stamped, self.deflated_stamped
        blocks = {
            ("block", b.sheet, b.first_row): (b, evaluation.block(b)) for b in self.row_blocks
        }
        at_once = RENDERED_AT_ONCE if not blocks else max(1, RENDERED_AT_ONCE // 50)
        for start in range(0, len(block), at_once):
            stop = min(start + at_once, len(block))
            some = {where: values.rows(start, stop) for where, values in cells.items()}
            for key, (row_block, columns) in blocks.items():
                rows = row_block.rows
                some[key] = {c: v.rows(start * rows, stop * rows) for c, v in columns.items()}
            rendered = {
                part: sheet.render(block[start:stop], some) for part, sheet in self.sheets.items()
            }
            for i in range(start, stop):
                parts = {part: sheets[i - start] for part, sheets in rendered.items()}
                if stamps is not None:
                    parts.update(properties(self.property_texts, *stamps[i]))
                data = write_package(infos, parts, self._charts_of(block[i], deflated), fast=True)
                yield data, [values.python(i) for values in kept]
            del rendered

    def _charts_of(self, values: Mapping[str, float | str], deflated: dict) -> dict:
        """``deflated`` with each option chart drawing the options ``values`` give, up to
        the horizon they give."""
        if not self.option_charts:
            return deflated
        shapes = tuple(chart.shape(values) for _, chart, _ in self.option_charts)
        built = tuple(chart.shape(None) for _, chart, _ in self.option_charts)
        if shapes == built:
            return deflated
        key = (shapes, id(deflated))
        if key not in self.chart_variants:
            variant = dict(deflated)
            for (part, chart, xml), shape in zip(self.option_charts, shapes, strict=True):
                variant[part] = compress_part(chart.redrawn(xml, *shape).encode("utf-8"), fast=True)
            self.chart_variants[key] = variant
        return self.chart_variants[key]

    def workbook_bytes(
        self, values: Mapping[str, float | str], stamp: tuple[str, str | None] | None = None
    ) -> bytes:
        """One scenario's workbook bytes."""
        return self.workbooks([values], None if stamp is None else [stamp])[0]


def quoted_inputs(values: Mapping[str, float | str]) -> frozenset:
    """What a build of the template depends on beyond its input cells' values.

    Text inputs whose value starts like a formula (templates write such text
    with Excel's "quote prefix" style, so that typing over it cannot turn it
    into a formula: their cells take another style), and, as a ``(name,
    value)`` pair, a currency other than US dollars (every money label, unit
    and number format shows it).
    """
    quoted: set = {
        name
        for name, value in values.items()
        if isinstance(value, str) and starts_like_formula(value)
    }
    currency = values.get(CURRENCY_INPUT, DEFAULT_CURRENCY)
    if currency != DEFAULT_CURRENCY:
        quoted.add((CURRENCY_INPUT, currency))
    # The Risk sheet's number of trial rows is fixed when the workbook is written.
    trials = values.get(TRIALS_INPUT)
    if trials is not None and trials != DEFAULT_TRIALS:
        quoted.add((TRIALS_INPUT, trials))
    return frozenset(quoted)
