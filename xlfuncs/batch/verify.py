"""``--verify``: recalculate the written workbooks with LibreOffice and compare every value.

Every workbook xlfuncs writes carries the value of each formula beside it,
computed from the formula text by :mod:`xlfuncs.formulas`. This
module is the independent check of those values: LibreOffice (headless, many
files per run) opens each workbook, recalculates every formula, and each
formula cell's result is compared with the value stored in the file. The
workbooks themselves are not changed.

Two values agree when they are the same text, boolean or error, or numbers
within a relative 1e-9, measured against the largest of the two and of the
numbers in the cells the formula reads: LibreOffice, like Excel, rounds a
difference of nearly equal numbers to exactly 0 (``0.1+0.2-0.3``), which a
purely relative test would call a mismatch.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from openpyxl.utils import column_index_from_string, get_column_letter

__all__ = ["TOLERANCE", "Difference", "agree", "differences", "verify_workbooks"]

# Workbooks per soffice run: start-up is paid once, a failure costs one chunk.
_CHUNK = 200
#: Relative tolerance of a number (see the module docstring).
TOLERANCE = 1e-9
# Differences named in a failure's reason; the rest are counted.
_SHOWN = 3


@dataclass(frozen=True)
class Difference:
    """A formula cell whose stored value is not what LibreOffice computes."""

    sheet: str
    coordinate: str
    stored: object
    computed: object

    def __str__(self) -> str:
        return (
            f"{self.sheet}!{self.coordinate}: stored {_shown(self.stored)}, "
            f"LibreOffice {_shown(self.computed)}"
        )


def _shown(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, float):
        return f"{value:.15g}"
    return repr(value) if isinstance(value, str) else str(value)


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def agree(stored: object, computed: object, scale: float = 0.0) -> bool:
    """Whether a stored value and a recalculated one agree (see the module docstring).

    >>> agree(0.1 + 0.2 - 0.3, 0.0, scale=0.3), agree(1.0, 1.000001), agree(True, 1)
    (True, False, False)
    """
    if _number(stored) and _number(computed):
        size = max(abs(stored), abs(computed), scale)
        return math.isclose(stored, computed, rel_tol=0.0, abs_tol=TOLERANCE * size)
    if stored in (None, "") and computed in (None, ""):
        return True  # an empty text: some writers store no value for it
    return type(stored) is type(computed) and stored == computed


def differences(workbook: str | Path, recalculated: str | Path) -> list[Difference]:
    """The formula cells of ``workbook`` whose stored value differs from ``recalculated``'s."""
    from openpyxl import load_workbook

    from ..formulas import Calculator

    formulas = load_workbook(workbook)
    stored = load_workbook(workbook, data_only=True)
    computed = load_workbook(recalculated, data_only=True)
    blocks = shared_row_blocks(Path(workbook).read_bytes(), formulas)
    calculator = Calculator(formulas, {}, blocks)
    evaluation = calculator.evaluate()
    scales = calculator.scales(evaluation)
    found = []
    for sheet, coordinate in calculator.formula_cells:
        mine = stored[sheet][coordinate].value
        theirs = computed[sheet][coordinate].value
        if not agree(mine, theirs, scales.get((sheet, coordinate), 0.0)):
            found.append(Difference(sheet, coordinate, mine, theirs))
    for block in blocks:
        # Rows of one formula per column: compared with the evaluator's values too, so
        # that a stored value and LibreOffice's cannot agree on a wrong figure.
        mine_ws, theirs_ws = stored[block.sheet], computed[block.sheet]
        for column, values in evaluation.block(block).items():
            if column in block.numbers:
                continue
            for offset in range(block.rows):
                row = block.first_row + offset
                mine = mine_ws.cell(row, column).value
                theirs = theirs_ws.cell(row, column).value
                scale = max(abs(values.number[offset]), 0.0) if values.kind[offset] == 0 else 0.0
                if not agree(mine, theirs, scale):
                    found.append(
                        Difference(block.sheet, f"{get_column_letter(column)}{row}", mine, theirs)
                    )
    return found


def shared_row_blocks(package: bytes, workbook) -> list:
    """The row blocks of a workbook: rows whose formulas are shared, column by column.

    A block is a run of rows where every formula column shares one formula
    (a shared formula's ``ref`` spans the rows); the block's other columns
    hold plain numbers (a trial number), read from the cells.
    """
    import re

    from .._ooxml import read_package, sheet_parts
    from ..formulas.row_blocks import RowBlock

    _, parts = read_package(package)
    masters = re.compile(r'<f t="shared" ref="([A-Z]+)([0-9]+):([A-Z]+)([0-9]+)" si="[0-9]+"')
    blocks = []
    for title, part in sheet_parts(parts).items():
        spans: dict[tuple[int, int], list[int]] = {}
        for found in masters.finditer(parts[part].decode("utf-8")):
            first_column, first, last_column, last = found.groups()
            if first_column != last_column:
                continue  # shared across columns: not a row block
            key = (int(first), int(last))
            spans.setdefault(key, []).append(column_index_from_string(first_column))
        ws = workbook[title]
        for (first, last), columns in spans.items():
            rows = last - first + 1
            numbers = {}
            for cell in ws[first]:
                if cell.column in columns or cell.value is None or cell.data_type == "f":
                    continue
                values = [ws.cell(first + i, cell.column).value for i in range(rows)]
                if all(_number(v) for v in values):
                    numbers[cell.column] = np.array(values, dtype=float)
            blocks.append(
                RowBlock(title, first, rows, tuple(sorted([*columns, *numbers])), numbers)
            )
    return blocks


def _chunks(items: list[Path], size: int) -> Iterator[list[Path]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def verify_workbooks(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Recalculate each workbook with LibreOffice; yields ``(path, problem)`` where they differ."""
    from .._libreoffice import LibreOfficeError, recalculate

    for chunk in _chunks(list(paths), _CHUNK):
        with tempfile.TemporaryDirectory(prefix="xlfuncs-verify-") as folder:
            try:
                computed = recalculate(chunk, folder)
            except LibreOfficeError as error:
                for path in chunk:
                    yield path, str(error)
                continue
            for path, copy in zip(chunk, computed, strict=True):
                try:
                    found = differences(path, copy)
                except Exception as error:  # one unreadable copy must not stop the others
                    yield path, f"could not compare with LibreOffice's values: {error}"
                    continue
                if found:
                    shown = "; ".join(str(d) for d in found[:_SHOWN])
                    more = f" and {len(found) - _SHOWN} more" if len(found) > _SHOWN else ""
                    cells = "cell differs" if len(found) == 1 else "cells differ"
                    yield path, f"{len(found)} {cells} from LibreOffice: {shown}{more}"
