"""Blocks of rows that share one formula per column, computed for every row at once.

A simulation sheet holds thousands of rows that differ only in their row: a
trial number, then formulas that read their own row and fixed cells
elsewhere. A spreadsheet stores such a block as *shared formulas* (one
formula text per column, its relative references moving with the row).
This module computes such a block the same way: each column's formula is
compiled once, in the block's first row, and evaluated over every row of
every scenario in one numpy pass, rows and scenarios laid out along one
axis (scenario-major: element ``scenario * rows + row``).

Rules a block's formulas follow, checked when the calculator compiles them:

* a reference to the block's own columns names the first row (the row the
  formula is written in): a row reads only itself;
* every other reference is absolute in its row (``$B$5``, ``E$40`` or a
  defined name), so that it reads the same cell from every row.

The cells around the block read it as usual: ``PERCENTILE(F31:F1030, 0.5)``
gets the column's values without a value per cell being built.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from openpyxl.utils import column_index_from_string

from .values import _V, FormulaError

__all__ = ["RowBlock"]

# A cell reference in formula text, outside quotes: its row may carry a "$".
_REFERENCE = re.compile(
    r"\"(?:[^\"]|\"\")*\"|(?<![A-Za-z0-9_.])(\$?)([A-Za-z]{1,3})(\$?)([0-9]+)(?![A-Za-z0-9_(])"
)


@dataclass(frozen=True)
class RowBlock:
    """Rows ``first_row`` to ``first_row + rows - 1`` of ``sheet``, one formula per column.

    ``columns`` are the block's column numbers (1 = A). The workbook holds
    each formula column's formula in the first row, as text a spreadsheet
    shows; ``numbers`` gives the columns that hold plain numbers instead, one
    per row (a trial number).
    """

    sheet: str
    first_row: int
    rows: int
    columns: tuple[int, ...]
    numbers: Mapping[int, np.ndarray] = field(default_factory=dict)

    @property
    def last_row(self) -> int:
        return self.first_row + self.rows - 1

    def holds(self, sheet: str, row: int, column: int) -> bool:
        """Whether the cell is one of the block's."""
        return (
            sheet == self.sheet
            and self.first_row <= row <= self.last_row
            and column in self.columns
        )

    def meets(self, sheet: str, r1: int, c1: int, r2: int, c2: int) -> bool:
        """Whether the range shares a cell with the block."""
        return (
            sheet == self.sheet
            and r1 <= self.last_row
            and r2 >= self.first_row
            and any(c1 <= column <= c2 for column in self.columns)
        )

    def check_text(self, column: int, text: str) -> None:
        """Refuse a formula whose references would not move with the row as the block's do."""
        for found in _REFERENCE.finditer(text):
            if found.group(2) is None:  # a quoted text
                continue
            row_fixed, row = found.group(3), int(found.group(4))
            own_column = column_index_from_string(found.group(2).upper()) in self.columns
            if own_column and self.first_row <= row <= self.last_row:
                if row == self.first_row and not row_fixed:
                    continue  # its own row
                raise FormulaError(
                    f"a row of the block reads {found.group(0)}; it may read only its own "
                    f"row, written relative ({found.group(2)}{self.first_row})"
                )
            if not row_fixed:
                raise FormulaError(
                    f"a row of the block reads {found.group(0)}, which would move with the "
                    f"row (write ${found.group(2)}${row} or a defined name)"
                )

    def key(self) -> tuple[str, int, int]:
        """The place of the block among the calculator's formulas (column 0: no cell)."""
        return (self.sheet, self.first_row, 0)


def repeated(v: _V, times: int) -> _V:
    """Values of shape (N, ...) repeated row by row for a block of ``times`` rows."""
    if v.num.shape[0] == 1 or times == 1:
        return v
    return _V(
        np.repeat(v.num, times, axis=0),
        None if v.kind is None else np.repeat(v.kind, times, axis=0),
        None if v.text is None else np.repeat(v.text, times, axis=0),
    )


def column_slice(values: _V, size: int, rows: int, start: int, stop: int) -> _V:
    """Rows ``start`` to ``stop`` (block positions, ``stop`` excluded) of one block
    column's values, as a range of shape (N, stop - start, 1)."""

    def part(array: np.ndarray) -> np.ndarray:
        return array.reshape(size, rows)[:, start:stop].reshape(size, stop - start, 1)

    return _V(
        part(values.num),
        None if values.kind is None else part(values.kind),
        None if values.text is None else part(values.text),
    )


def joined(columns: list[_V]) -> _V:
    """Ranges of one column each, side by side."""
    if len(columns) == 1:
        return columns[0]
    num = np.concatenate([v.num for v in columns], axis=2)
    kind = None
    if any(v.kind is not None for v in columns):
        kind = np.concatenate([v.kinds() for v in columns], axis=2)
    text = None
    if any(v.text is not None for v in columns):
        text = np.concatenate([v.texts() for v in columns], axis=2)
    return _V(num, kind, text)
