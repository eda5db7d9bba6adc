"""Option blocks: the inputs of one option, each a fixed value or a low / most likely / high guess.

In a sheet an option block is a range of 2, 4 or 5 columns. The first
column holds TCO's argument names (any case); the next holds one value
(fixed), or the next three hold low, most likely and high (a triangular
distribution); an optional fifth column names the distribution of the row,
``triangular`` (also when blank) or ``pert`` (Beta-PERT)::

    tasks_per_month   800    1000   1500
    cost_per_task     0.012
    accuracy          0.90   0.95   0.97   pert
    cost_per_error    1      2      10

In a 4- or 5-column block a fixed row leaves the low and high cells blank,
and its distribution cell is ignored when it names a known distribution. Wholly
blank rows are skipped, and so is a first row that holds no number and no
argument name (a heading such as ``name | low | likely | high``). A named
row with no value at all means the argument's default, as an empty cell does
everywhere else; a required argument must have a value.

From Python the same block is a mapping ``{name: value or (low, mode, high)}``
(``None`` for "default"; ``(low, mode, high, "pert")`` for a Beta-PERT
guess); a list of rows as a sheet gives it is read as a range.
:func:`read_block` checks every value against the argument's allowed
range (:data:`xlfuncs._validation.RULES`) and says which row is wrong.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping

import numpy as np

from ._errors import InputError
from ._tco import tco
from ._validation import (
    RULES,
    describe_element,
    did_you_mean,
    format_number,
    is_number,
    violation,
)

__all__ = [
    "DISTRIBUTIONS",
    "OPTION_BLOCK",
    "REQUIRED",
    "TCO_ARGUMENTS",
    "TCO_DEFAULTS",
    "BlockRule",
    "Guess",
    "read_block",
]

_PARAMETERS = inspect.signature(tco).parameters
#: TCO's arguments in signature order; a name's position keys its random stream.
TCO_ARGUMENTS: tuple[str, ...] = tuple(_PARAMETERS)
TCO_DEFAULTS: dict[str, float] = {
    name: float(p.default)
    for name, p in _PARAMETERS.items()
    if p.default is not inspect.Parameter.empty
}
REQUIRED: tuple[str, ...] = tuple(n for n in TCO_ARGUMENTS if n not in TCO_DEFAULTS)

_VALUE_WORDS = ("low", "most likely", "high")

#: The names a distribution cell may hold (any case); a blank means the first.
DISTRIBUTIONS = ("triangular", "pert")


class Guess:
    """One input: a distribution from ``low`` to ``high``, most likely ``mode``.

    ``distribution`` is ``"triangular"`` or ``"pert"`` (Beta-PERT).
    ``low == high`` is a fixed value: it takes no random draws.
    """

    # Plain classes rather than dataclasses: this module is imported when
    # Excel starts the function server, and every millisecond shows.
    __slots__ = ("distribution", "high", "low", "mode")

    def __init__(self, low: float, mode: float, high: float, distribution: str = "triangular"):
        self.low, self.mode, self.high = low, mode, high
        self.distribution = distribution

    def __repr__(self) -> str:
        return f"Guess({self.low!r}, {self.mode!r}, {self.high!r}, {self.distribution!r})"

    @classmethod
    def fixed_at(cls, value: float) -> Guess:
        return cls(value, value, value)

    @property
    def is_fixed(self) -> bool:
        return self.low == self.high


class BlockRule:
    """What a block argument may hold: rows naming arguments from ``allowed``.

    The counterpart, for an option block, of a numeric argument's
    :class:`xlfuncs._validation.Rule`; the Excel layer passes an argument
    with a ``BlockRule`` on as rows of cells rather than as numbers.
    """

    __slots__ = ("allowed",)

    def __init__(self, allowed: tuple[str, ...] = TCO_ARGUMENTS):
        self.allowed = allowed

    def __repr__(self) -> str:
        return f"BlockRule({self.allowed!r})"

    def describe(self) -> str:
        """What is allowed, in words (Insert Function shows it)."""
        if self.allowed == TCO_ARGUMENTS:
            names = "TCO argument names"
        else:
            names = "names from " + ", ".join(self.allowed)
        return (
            f"2, 4 or 5 columns: {names}, then a value or low, most likely, high "
            "(and triangular or pert)"
        )


#: An option block: any of TCO's arguments.
OPTION_BLOCK = BlockRule()

#: What a block's width must be, in words.
COLUMNS = (
    "must have 2 columns (name, value), 4 (name, low, most likely, high) "
    "or 5 (the same and a distribution)"
)


def _is_blank(cell: object) -> bool:
    if cell is None:
        return True
    if isinstance(cell, str):
        return cell.strip() == ""
    return isinstance(cell, (float, np.floating)) and math.isnan(cell)


def read_block(
    function: str, argument: str, block: object, rule: BlockRule = OPTION_BLOCK
) -> dict[str, Guess]:
    """The arguments an option block gives, checked, by lower-case name.

    ``function`` and ``argument`` name the block in messages; ``rule`` says
    which names it may hold. Arguments left blank (their default) are
    absent from the result; whether required ones are all there is for the
    caller to check, since a shared block may supply them.
    """
    reader = _Reader(function, argument, rule.allowed)
    if isinstance(block, Mapping):
        for key, value in block.items():
            name = reader.name(f"as {key!r}", key)
            reader.values("", name, _mapping_values(reader, name, value))
        return reader.found
    rows = _rows(reader, block)
    width = len(rows[0])
    if width not in (2, 4, 5):
        raise reader.fail("", f"{COLUMNS}, got {width}", predicate=True)
    for number, row in enumerate(rows, start=1):
        if number == 1 and _is_heading(row):
            continue
        where = f"row {number}"
        if _is_blank(row[0]):
            if all(_is_blank(cell) for cell in row[1:]):
                continue
            raise reader.fail(where, "has values but no name in the first column", predicate=True)
        name = reader.name(where, row[0])
        reader.values(where, name, row[1:])
    return reader.found


class _Reader:
    """Collects the arguments of one block and phrases errors with their position."""

    def __init__(self, function: str, argument: str, allowed: tuple[str, ...]):
        self.function = function
        self.argument = argument
        self.allowed = allowed
        self.found: dict[str, Guess] = {}
        self.given: dict[str, str] = {}  # name -> where it was given

    def fail(self, where: str, text: str, *, predicate: bool = False) -> InputError:
        """An error in a row (``where``) or the whole block; a ``predicate`` continues its name."""
        place = f"{self.argument} {where}" if where.startswith("row") else self.argument
        joiner = " " if predicate else ": "
        return InputError(
            f"{self.function}: {place}{joiner}{text}",
            function=self.function,
            argument=self.argument,
        )

    def name(self, where: str, cell: object) -> str:
        if not isinstance(cell, str):
            raise self.fail(
                where, f"the first column must hold an argument name, got {describe_element(cell)}"
            )
        name = cell.strip().lower()
        if name not in TCO_ARGUMENTS:
            raise self.fail(
                where,
                f"unknown name {cell.strip()!r}{did_you_mean(name, TCO_ARGUMENTS)}; "
                "the names are TCO's arguments: " + ", ".join(TCO_ARGUMENTS),
            )
        if name not in self.allowed:
            raise self.fail(
                where,
                f"{name} cannot be given here; {self.argument} takes " + ", ".join(self.allowed),
            )
        if name in self.given:
            raise self.fail(where, f"{name} is given twice ({self.given[name]} and {where})")
        self.given[name] = where
        return name

    def values(self, where: str, name: str, cells: list[object]) -> None:
        """Record one argument from its value cells: all blank, one value, or three.

        A fourth cell, if any, names the distribution.
        """
        distribution = self.distribution(where, name, cells[3]) if len(cells) == 4 else None
        cells = cells[:3]
        filled = [not _is_blank(cell) for cell in cells]
        if not any(filled):
            if name in REQUIRED:
                raise self.fail(where, f"{name} is required, got a blank")
            return  # the default, as an empty cell means everywhere
        if filled[0] and not any(filled[1:]):
            labelled = [(name, cells[0])]
        elif len(cells) == 3 and all(filled):
            labelled = [
                (f"{name} {word}", cell) for word, cell in zip(_VALUE_WORDS, cells, strict=True)
            ]
        else:
            blank = _VALUE_WORDS[filled.index(False)]
            raise self.fail(
                where,
                f"the {name} {blank} value is blank; enter one value (fixed, the next two "
                "cells blank) or all three of low, most likely, high",
            )
        rule = RULES[name]
        numbers = []
        for label, cell in labelled:
            if not is_number(cell):
                raise self.fail(where, f"{label} must be a number, got {describe_element(cell)}")
            number = float(cell)
            if not rule.admits_number(number):
                raise self.fail(where, f"{label} {violation(rule, number)}")
            numbers.append(number)
        if len(numbers) == 1:
            self.found[name] = Guess.fixed_at(numbers[0])
            return
        low, mode, high = numbers
        for a, a_word, b, b_word in (
            (low, "low", mode, "most likely"),
            (mode, "most likely", high, "high"),
        ):
            if a > b:
                raise self.fail(
                    where,
                    f"{name} {a_word} {format_number(a)} is above {b_word} {format_number(b)} "
                    "(enter low <= most likely <= high)",
                )
        self.found[name] = Guess(low, mode, high, distribution or DISTRIBUTIONS[0])

    def distribution(self, where: str, name: str, cell: object) -> str | None:
        """The distribution a row names: ``None`` when blank; an unknown one is an error."""
        if _is_blank(cell):
            return None
        if isinstance(cell, str) and cell.strip().lower() in DISTRIBUTIONS:
            return cell.strip().lower()
        raise self.fail(
            where,
            f"the {name} distribution must be triangular or pert (or blank for triangular), "
            f"got {describe_element(cell)}",
        )


def _mapping_values(reader: _Reader, name: str, value: object) -> list[object]:
    """A mapping's value as cells: a number, ``None``, (low, most likely, high) and a distribution.

    Always four cells (the last two blank for a single value), so that a
    fixed value and a guess are read alike.
    """
    if value is None or is_number(value) or isinstance(value, (int, float, str, bool, np.bool_)):
        return [value, None, None, None]
    if isinstance(value, (list, tuple, np.ndarray)) and len(value) in (1, 3, 4):
        cells = list(np.asarray(value, dtype=object).ravel())
        return cells + [None] * (4 - len(cells))
    raise reader.fail(
        "",
        f"{name} must be one number or three (low, most likely, high), the three "
        f"optionally followed by a distribution, got {value!r}",
    )


def _rows(reader: _Reader, block: object) -> list[list[object]]:
    """A range as a list of equally long rows; a single row or cell is a range too."""
    if isinstance(block, np.ndarray):
        block = block.tolist()
    if not isinstance(block, (list, tuple)):
        if block is None:
            raise reader.fail("", "is required, got a blank", predicate=True)
        return [[block]]
    if not block:
        raise reader.fail("", "is an empty range", predicate=True)
    nested = [isinstance(row, (list, tuple, np.ndarray)) for row in block]
    if not any(nested):
        return [list(block)]  # one row (Excel hands a one-row range over flat)
    if not all(nested) or len({len(row) for row in block}) != 1:
        raise reader.fail(
            "", "must be a rectangular range (rows of the same length)", predicate=True
        )
    return [list(row) for row in block]


def _is_heading(row: list[object]) -> bool:
    """A first row with no number and no argument name, e.g. ``name | low | likely | high``."""
    first = row[0]
    is_name = isinstance(first, str) and first.strip().lower() in TCO_ARGUMENTS
    return not is_name and not any(is_number(cell) for cell in row)
