"""Formula texts evaluated by the package's own evaluator, without a spreadsheet application.

A :class:`Sheet` holds one cell per argument, each with a defined name, and
the formulas to evaluate; it is compiled once and evaluated for a block of
argument sets at a time (one scenario per set).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName

from xlfuncs.formulas import Calculator

SHEET = "S"


class Sheet:
    """Argument cells in column A (defined names), formulas in the cells given."""

    def __init__(
        self,
        arguments: Sequence[str],
        formulas: Mapping[str, str],
        names: Mapping[str, str] | None = None,
    ):
        """``formulas`` maps a cell (``B1``) to a formula text without ``=``; ``names`` maps
        more defined names to cells of the sheet (``volume_factor`` -> ``C1``)."""
        workbook = Workbook()
        ws = workbook.active
        ws.title = SHEET
        cells = {}
        for row, name in enumerate(arguments, start=1):
            ws[f"A{row}"] = 0.0
            cells[name] = (SHEET, f"A{row}")
            workbook.defined_names[name] = DefinedName(name, attr_text=f"{SHEET}!$A${row}")
        for name, cell in (names or {}).items():
            column = "".join(c for c in cell if c.isalpha())
            row = "".join(c for c in cell if c.isdigit())
            workbook.defined_names[name] = DefinedName(name, attr_text=f"{SHEET}!${column}${row}")
        for cell, text in formulas.items():
            ws[cell] = "=" + text
        self.calculator = Calculator(workbook, cells)

    def evaluate(self, rows: Sequence[Mapping[str, float]]) -> list[dict[str, object]]:
        """Every formula's value per argument set (numbers, texts, or error names)."""
        block = {name: [row[name] for row in rows] for name in self.calculator.inputs}
        found = self.calculator.evaluate(block, size=len(rows))
        return [
            {
                cell: found[SHEET, cell].python(i)
                for cell in (c for s, c in found.formulas if s == SHEET)
            }
            for i in range(len(rows))
        ]


def column(index: int) -> str:
    """The letter of the ``index``-th column from B (index 1 is B)."""
    return get_column_letter(index + 1)


def close(got: object, want: float, scale: float | None = None, rel: float = 1e-9) -> bool:
    """``got`` is a number within ``rel`` of ``want`` (or of ``scale``, for sums that cancel).

    NaN in ``want`` (no answer) is matched by any error value.
    """
    if isinstance(want, float) and math.isnan(want):
        return isinstance(got, str) and got.startswith("#")
    if not isinstance(got, float):
        return False
    size = max(abs(want), abs(scale or 0.0))
    return abs(got - want) <= rel * size or got == want
