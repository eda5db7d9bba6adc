"""Parse a classic spreadsheet formula into a small syntax tree.

The grammar is the subset the templates write: numbers, text in double
quotes, ``TRUE``/``FALSE``, error literals, cell references and ranges (with
``$`` and an optional sheet name, quoted when needed), workbook-scoped
defined names, function calls, and the operators with Excel's precedence,
from the tightest: ``:`` (range), unary ``-``/``+``, ``%``, ``^``, ``*``/``/``,
``+``/``-``, ``&``, then the comparisons ``= <> < > <= >=``. ``^`` groups from
the left and unary minus binds tighter than it, so ``-2^2`` is 4, as in
Excel and LibreOffice.

Nodes are tuples whose first item names their kind:

``("num", float)``, ``("str", text)``, ``("bool", bool)``, ``("err", code)``,
``("ref", sheet, row, column)``, ``("range", sheet, row1, col1, row2, col2)``,
``("name", name)``, ``("call", FUNCTION, args)``, ``("neg", node)``,
``("pct", node)``, ``("op", operator, left, right)``, ``("empty",)`` (an
argument left out, as in ``IF(x,,1)``). ``sheet`` is ``None`` for a
reference without one (the formula's own sheet).

>>> parse("-2^2")
('op', '^', ('neg', ('num', 2.0)), ('num', 2.0))
>>> parse("'My sheet'!$B$3*10%")
('op', '*', ('ref', 'My sheet', 3, 2), ('pct', ('num', 10.0)))
"""

from __future__ import annotations

import functools
import re

from openpyxl.utils import column_index_from_string

from .._errors import FormulaSyntaxError

__all__ = ["ERROR_CODES", "FormulaSyntaxError", "parse"]

#: Excel's error values and the code each has in an evaluation (0 is "no error").
ERROR_CODES = {
    "#NULL!": 1,
    "#DIV/0!": 2,
    "#VALUE!": 3,
    "#REF!": 4,
    "#NAME?": 5,
    "#NUM!": 6,
    "#N/A": 7,
}


_CELL = r"\$?[A-Za-z]{1,3}\$?[0-9]+"
_SHEET = r"(?:'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_.]*)"
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<str>"(?:[^"]|"")*")
  | (?P<err>\#NULL!|\#DIV/0!|\#VALUE!|\#REF!|\#NAME\?|\#NUM!|\#N/A)
  | (?P<ref>(?:(?P<sheet>"""
    + _SHEET
    + r""")!)?(?P<first>"""
    + _CELL
    + r""")(?::(?P<second>"""
    + _CELL
    + r"""))?)(?![A-Za-z0-9_.(])
  | (?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)
  | (?P<func>[A-Za-z_][A-Za-z0-9_.]*)(?=\()
  | (?P<name>[A-Za-z_\\][A-Za-z0-9_.]*)
  | (?P<op><>|<=|>=|[-+*/^&=<>%(),:])
    """,
    re.VERBOSE,
)

_COMPARISONS = ("=", "<>", "<", ">", "<=", ">=")


def _cell(text: str) -> tuple[int, int]:
    found = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?([0-9]+)", text)
    return int(found.group(2)), column_index_from_string(found.group(1).upper())


def _tokens(formula: str) -> list[tuple[str, object]]:
    tokens: list[tuple[str, object]] = []
    position = 0
    while position < len(formula):
        found = _TOKEN.match(formula, position)
        if found is None:
            raise FormulaSyntaxError(
                f"cannot read the formula {formula!r} at {formula[position : position + 20]!r}"
            )
        position = found.end()
        kind = found.lastgroup
        if kind in ("sheet", "first", "second"):  # inner groups of a reference
            kind = "ref"
        text = found.group()
        if kind == "space":
            continue
        if kind == "str":
            tokens.append(("str", text[1:-1].replace('""', '"')))
        elif kind == "err":
            tokens.append(("err", ERROR_CODES[text]))
        elif kind == "ref":
            sheet = found.group("sheet")
            if sheet is not None and sheet.startswith("'"):
                sheet = sheet[1:-1].replace("''", "'")
            first = _cell(found.group("first"))
            second = found.group("second")
            if second is None:
                tokens.append(("ref", (sheet, *first)))
            else:
                last = _cell(second)
                rows = sorted((first[0], last[0]))
                cols = sorted((first[1], last[1]))
                tokens.append(("range", (sheet, rows[0], cols[0], rows[1], cols[1])))
        elif kind == "num":
            tokens.append(("num", float(text)))
        elif kind == "func":
            tokens.append(("func", text.upper()))
        elif kind == "name":
            upper = text.upper()
            if upper in ("TRUE", "FALSE"):
                tokens.append(("bool", upper == "TRUE"))
            else:
                tokens.append(("name", text))
        else:
            tokens.append(("op", text))
    tokens.append(("end", None))
    return tokens


class _Parser:
    def __init__(self, formula: str):
        self.formula = formula
        self.tokens = _tokens(formula)
        self.at = 0

    def peek(self) -> tuple[str, object]:
        return self.tokens[self.at]

    def take(self) -> tuple[str, object]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def fail(self, what: str) -> FormulaSyntaxError:
        return FormulaSyntaxError(f"{what} in the formula {self.formula!r}")

    def expect(self, op: str) -> None:
        kind, value = self.take()
        if (kind, value) != ("op", op):
            raise self.fail(f"expected {op!r}, found {value!r}")

    def is_op(self, *ops: str) -> bool:
        kind, value = self.peek()
        return kind == "op" and value in ops

    def comparison(self):
        node = self.concatenation()
        while self.is_op(*_COMPARISONS):
            node = ("op", self.take()[1], node, self.concatenation())
        return node

    def concatenation(self):
        node = self.additive()
        while self.is_op("&"):
            self.take()
            node = ("op", "&", node, self.additive())
        return node

    def additive(self):
        node = self.multiplicative()
        while self.is_op("+", "-"):
            node = ("op", self.take()[1], node, self.multiplicative())
        return node

    def multiplicative(self):
        node = self.power()
        while self.is_op("*", "/"):
            node = ("op", self.take()[1], node, self.power())
        return node

    def power(self):
        node = self.unary()
        while self.is_op("^"):
            self.take()
            node = ("op", "^", node, self.unary())
        return node

    def unary(self):
        if self.is_op("-"):
            self.take()
            return ("neg", self.unary())
        if self.is_op("+"):
            self.take()
            return self.unary()
        node = self.primary()
        while self.is_op("%"):
            self.take()
            node = ("pct", node)
        return node

    def primary(self):
        kind, value = self.take()
        if kind in ("num", "str", "bool", "err", "name"):
            return (kind, value)
        if kind == "ref":
            return ("ref", *value)
        if kind == "range":
            return ("range", *value)
        if kind == "func":
            # Functions newer than Excel 2007 are stored with the prefix "_xlfn.".
            if value.upper().startswith("_XLFN."):
                value = value[len("_xlfn.") :]
            self.expect("(")
            args = []
            if self.is_op(")"):
                self.take()
                return ("call", value, tuple(args))
            while True:
                if self.is_op(",", ")"):
                    args.append(("empty",))
                else:
                    args.append(self.comparison())
                kind, sep = self.take()
                if (kind, sep) == ("op", ")"):
                    return ("call", value, tuple(args))
                if (kind, sep) != ("op", ","):
                    raise self.fail(f"expected ',' or ')' after an argument of {value}")
        if (kind, value) == ("op", "("):
            node = self.comparison()
            self.expect(")")
            return node
        raise self.fail(f"unexpected {value!r}")


@functools.lru_cache(maxsize=8192)
def parse(formula: str):
    """The syntax tree of ``formula`` (with or without its leading ``=``).

    Trees are tuples, shared between calls with the same text.

    Raises
    ------
    FormulaSyntaxError
        The text is not a formula of the supported grammar.
    """
    text = formula[1:] if formula.startswith("=") else formula
    parser = _Parser(text)
    node = parser.comparison()
    if parser.peek()[0] != "end":
        raise parser.fail(f"unexpected {parser.peek()[1]!r}")
    return node
