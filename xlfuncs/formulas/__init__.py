"""The formula evaluator: a workbook's classic formulas computed with numpy, scenarios in a block.

Design: a template writes each calculated cell once, as the formula text a
spreadsheet shows, and this package computes the value of that same text, so
that the stored values of a workbook, the batch summary and the checks of the
templates never restate a formula in Python. It runs in three steps, one
module each: :mod:`.parser` reads a formula into a small syntax tree,
:mod:`.compiler` turns the tree into a numpy closure over :mod:`.values`
(typed arrays with one element per scenario, and Excel's operators and
functions on them), and :mod:`.calculator` orders a workbook's formulas by
their dependencies and runs them for a block of scenarios in one pass. It
follows Excel's classic (non-array) semantics where LibreOffice agrees (see
:mod:`.calculator` for the rules and the constructs templates avoid). It sits
below the templates and the batch, and imports neither: it reads an openpyxl
workbook and knows nothing of what the workbook models.

>>> from openpyxl import Workbook
>>> book = Workbook()
>>> book.active["A1"], book.active["A2"] = 3, "=ROUND(A1/4,1)"
>>> Calculator(book, {"x": (book.active.title, "A1")}).evaluate({"x": [3, 10]})[
...     book.active.title, "A2"
... ].numbers().tolist()
[0.8, 2.5]
"""

from __future__ import annotations

from .calculator import (
    BLANK,
    BOOLEAN,
    ERROR,
    FUNCTIONS,
    NUMBER,
    TEXT,
    Calculator,
    Evaluation,
    ExcelError,
    FormulaError,
    Values,
)
from .parser import ERROR_CODES, FormulaSyntaxError, parse

__all__ = [
    "BLANK",
    "BOOLEAN",
    "ERROR",
    "ERROR_CODES",
    "FUNCTIONS",
    "NUMBER",
    "TEXT",
    "Calculator",
    "Evaluation",
    "ExcelError",
    "FormulaError",
    "FormulaSyntaxError",
    "Values",
    "parse",
]
