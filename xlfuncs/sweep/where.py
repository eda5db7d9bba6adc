"""``--where``: a condition on a sweep's scenarios, read by a small parser (never ``eval``).

A condition compares a column to a value, and conditions combine with
``and``, ``or``, ``not`` and parentheses::

    cheapest == 'Frontier model' and tasks_per_month >= 10000
    not (cost_per_error < 10 or options.A.accuracy > 0.97)

The columns are those of each scenario: ``scenario`` (its number), the swept
keys, ``cheapest`` and ``cheaper_by``. Values are numbers (``10000``,
``1e4``, ``95%``) or texts in single or double quotes. The operators are
``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .._errors import WhereError

__all__ = ["Condition", "WhereError", "parse_where"]

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?)
      | (?P<text>'[^']*'|"[^"]*")
      | (?P<op>==|!=|<=|>=|<|>|\(|\))
      | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)
_COMPARE = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_WORDS = ("and", "or", "not")


@dataclass(frozen=True)
class Condition:
    """A parsed condition: a tree of tuples, evaluated on columns of numpy arrays."""

    tree: tuple
    text: str

    def names(self) -> set[str]:
        found: set[str] = set()

        def walk(node):
            if node[0] == "compare":
                found.add(node[1])
            else:
                for child in node[1:]:
                    walk(child)

        walk(self.tree)
        return found

    def mask(self, columns: Mapping[str, Sequence | np.ndarray], size: int) -> np.ndarray:
        """Which of ``size`` scenarios meet the condition; ``columns`` by name."""

        def walk(node) -> np.ndarray:
            kind = node[0]
            if kind == "and":
                return walk(node[1]) & walk(node[2])
            if kind == "or":
                return walk(node[1]) | walk(node[2])
            if kind == "not":
                return ~walk(node[1])
            _, name, op, value = node
            column = columns[name]
            if isinstance(value, str):
                values = np.asarray([str(v) if v is not None else "" for v in column], dtype=object)
                if op not in ("==", "!="):
                    raise WhereError(f"--where: {name} {op} {value!r}: texts compare by == or !=")
                return np.asarray(_COMPARE[op](values, value), dtype=bool).reshape(size)
            numbers = np.asarray(column, dtype=float) if len(column) else np.zeros(0)
            with np.errstate(invalid="ignore"):
                return np.asarray(_COMPARE[op](numbers, value), dtype=bool).reshape(size)

        return walk(self.tree)


def parse_where(text: str, names: Sequence[str], numeric: Mapping[str, bool]) -> Condition:
    """Read a condition; ``names`` are the columns it may use, ``numeric`` says which hold
    numbers. Raises :class:`WhereError` naming what is wrong and where."""
    tokens = _tokens(text)
    position = 0

    def peek():
        return tokens[position] if position < len(tokens) else (None, None, len(text))

    def take():
        nonlocal position
        token = peek()
        position += 1
        return token

    def fail(message: str, at: int):
        raise WhereError(f"--where {text!r}: {message} (at character {at + 1})", argument="where")

    def either():
        left = both()
        while peek()[:2] == ("name", "or"):
            take()
            left = ("or", left, both())
        return left

    def both():
        left = negated()
        while peek()[:2] == ("name", "and"):
            take()
            left = ("and", left, negated())
        return left

    def negated():
        if peek()[:2] == ("name", "not"):
            take()
            return ("not", negated())
        return atom()

    def atom():
        kind, value, at = take()
        if (kind, value) == ("op", "("):
            inner = either()
            if take()[:2] != ("op", ")"):
                fail("a ( is not closed", at)
            return inner
        if kind != "name" or value in _WORDS:
            fail(f"expected a column name, got {value or 'the end'!r}", at)
        if value not in names:
            from .._validation import did_you_mean

            fail(
                f"no column {value!r}{did_you_mean(value, list(names))}; "
                f"the columns are {', '.join(names)}",
                at,
            )
        op_kind, op, op_at = take()
        if op_kind != "op" or op not in _COMPARE:
            fail(f"expected ==, !=, <, <=, > or >= after {value}, got {op or 'the end'!r}", op_at)
        literal_kind, literal, literal_at = take()
        if literal_kind == "number":
            number = float(literal[:-1]) / 100 if literal.endswith("%") else float(literal)
            if not numeric.get(value, False):
                fail(f"{value} holds text: compare it to a text in quotes", literal_at)
            return ("compare", value, op, number)
        if literal_kind == "text":
            if numeric.get(value, False):
                fail(f"{value} holds numbers: compare it to a number", literal_at)
            return ("compare", value, op, literal[1:-1])
        fail(f"expected a number or a text in quotes, got {literal or 'the end'!r}", literal_at)

    tree = either()
    if position < len(tokens):
        fail(f"unexpected {tokens[position][1]!r}", tokens[position][2])
    return Condition(tree, text)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    tokens, at = [], 0
    while at < len(text):
        if text[at:].strip() == "":
            break
        found = _TOKEN.match(text, at)
        if found is None or found.end() == at:
            start = at + len(text[at:]) - len(text[at:].lstrip())
            raise WhereError(
                f"--where {text!r}: cannot read {text[start : start + 10]!r} "
                f"(at character {start + 1})",
                argument="where",
            )
        kind = found.lastgroup
        tokens.append((kind, found.group(kind), found.start(kind)))
        at = found.end()
    return tokens
