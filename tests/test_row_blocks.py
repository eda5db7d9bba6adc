"""Row blocks: rows that share one formula per column, computed at once and written as shared
formulas. Expected values are hand calculations of the small sheets below."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import openpyxl
import pytest
from openpyxl import Workbook

from xlfuncs._errors import TemplateNotFillableError
from xlfuncs._ooxml import SharedRows, block_cached_values, read_package, sheet_parts
from xlfuncs.formulas import Calculator, FormulaError
from xlfuncs.formulas.row_blocks import RowBlock

#: Rows 5 to 9 of S: A holds 1..5, B = A * $A$1, C = B + 1; D1 sums C, D2 reads C7.
BLOCK = RowBlock("S", 5, 5, (1, 2, 3), {1: np.arange(1, 6, dtype=float)})


def sheet(**cells: object) -> Workbook:
    book = Workbook()
    ws = book.active
    ws.title = "S"
    ws["A1"] = 2.0
    ws["A5"] = 1
    ws["B5"] = "=A5*$A$1"
    ws["C5"] = "=B5+1"
    for coordinate, value in cells.items():
        ws[coordinate] = value
    return book


def test_a_block_is_computed_for_every_row_and_scenario():
    book = sheet(D1="=SUM(C5:C9)", D2="=C7", D3="=SUMPRODUCT((B5:B9>4)*1)", D4="=MAX(B5:C9)")
    calculator = Calculator(book, {"x": ("S", "A1")}, [BLOCK])
    evaluation = calculator.evaluate({"x": [2.0, 10.0]})
    # C = x * row + 1 for rows 1..5: sum 15x + 5; the third row 3x + 1.
    assert evaluation["S", "D1"].numbers().tolist() == [35.0, 155.0]
    assert evaluation["S", "D2"].numbers().tolist() == [7.0, 31.0]
    # B above 4: rows 3, 4, 5 at x = 2 (6, 8, 10); every row at x = 10.
    assert evaluation["S", "D3"].numbers().tolist() == [3.0, 5.0]
    assert evaluation["S", "D4"].numbers().tolist() == [11.0, 51.0]
    columns = evaluation.block(BLOCK)
    assert columns[3].numbers().tolist() == [3, 5, 7, 9, 11, 11, 21, 31, 41, 51]
    # The block's cells are not formula cells of their own: they are written as a block.
    assert ("S", "B5") not in calculator.formula_cells


def test_a_column_may_read_a_column_to_its_right():
    book = sheet()
    book.active["B5"] = "=C5*2"
    book.active["C5"] = "=A5+$A$1"
    evaluation = Calculator(book, {}, [BLOCK]).evaluate()
    assert evaluation.block(BLOCK)[2].numbers().tolist() == [6, 8, 10, 12, 14]


@pytest.mark.parametrize(
    "formula",
    [
        "=A5*A1",  # relative outside the block: would move with the row
        "=A6*$A$1",  # another row of the block
        "=$A$5*2",  # its own row, fixed: every row would read the first
        "=SUM(A5:A9)",  # a range of the block
    ],
)
def test_a_formula_that_would_not_move_with_its_row_is_refused(formula):
    book = sheet(B5=formula)
    with pytest.raises(FormulaError, match="S!B5"):
        Calculator(book, {}, [BLOCK])


def test_a_block_column_without_a_formula_is_refused():
    book = sheet()
    book.active["C5"] = 4
    with pytest.raises(FormulaError, match="needs a formula"):
        Calculator(book, {}, [BLOCK])


def written(book: Workbook, block: RowBlock, scenario: int = 0) -> bytes:
    """The workbook's bytes with the block written as shared formulas with their values."""
    calculator = Calculator(book, {}, [block])
    evaluation = calculator.evaluate()
    buffer = io.BytesIO()
    book.save(buffer)
    infos, parts = read_package(buffer.getvalue())
    part = sheet_parts(parts)[block.sheet]
    rows = SharedRows(parts[part].decode("utf-8"), block.first_row, block.rows)
    parts[part] = rows.render(block_cached_values(evaluation.block(block), block, scenario))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in infos:
            data = parts[info.filename]
            archive.writestr(info, data if isinstance(data, bytes) else data.encode("utf-8"))
    return out.getvalue()


def test_shared_rows_read_back_with_their_formulas_and_values():
    data = written(sheet(), BLOCK)
    formulas = openpyxl.load_workbook(io.BytesIO(data))["S"]
    values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["S"]
    # openpyxl places cells without a reference after the cell before them, and
    # translates each shared formula to its row.
    assert [values.cell(r, 1).value for r in range(5, 10)] == [1, 2, 3, 4, 5]
    assert [values.cell(r, 2).value for r in range(5, 10)] == [2, 4, 6, 8, 10]
    assert [values.cell(r, 3).value for r in range(5, 10)] == [3, 5, 7, 9, 11]
    assert formulas["B8"].value == "=A8*$A$1"
    assert formulas["C9"].value == "=B9+1"
    assert formulas.max_row == 9


def test_a_block_written_once_can_be_written_again():
    # A filled workbook's sheet already holds every row of its block.
    data = written(sheet(), BLOCK)
    _, parts = read_package(data)
    xml = parts[sheet_parts(parts)["S"]]
    xml = xml.decode("utf-8") if isinstance(xml, bytes) else xml
    rows = SharedRows(xml, 5, 5)
    assert [column for column, _, _ in rows.cells] == ["A", "B", "C"]
    assert rows.cells[1][2] == "A5*$A$1"


def test_rows_after_the_block_are_refused():
    book = sheet(A12=3)
    buffer = io.BytesIO()
    book.save(buffer)
    _, parts = read_package(buffer.getvalue())
    xml = parts[sheet_parts(parts)["S"]].decode("utf-8")
    with pytest.raises(TemplateNotFillableError, match="last rows"):
        SharedRows(xml, 5, 5)
