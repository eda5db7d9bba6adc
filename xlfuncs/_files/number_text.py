"""Numbers written as text, and the one decimal mark of a file, settled by its own numbers.

A number typed into a scenario file (or saved by Excel as CSV) may use a
decimal point or a decimal comma, with the other mark (or a space, or an
apostrophe) between thousands. Most numbers can be read only one way:
``0.075``, ``1.5`` and ``1,234.5`` have a decimal point, ``0,95`` and
``1.234,5`` a decimal comma, and ``20000`` or ``95%`` read the same either
way. A few read two ways: ``2.500`` is 2.5 with a decimal point and 2500 with
a decimal comma. The rule is therefore:

1. Every number of a file is read with the same decimal mark.
2. That mark is the one the file's unambiguous numbers use (or the one the
   user states, ``--decimal``); numbers with both marks in one file are an
   error, never a guess.
3. A number that reads two ways in a file whose other numbers settle
   nothing is an error that names it and says how to state the mark.

:func:`readings` gives a text's value under each mark;
:class:`DecimalMark` collects a file's evidence and reads its numbers.
"""

from __future__ import annotations

import math
import re

from .._errors import InputError, MixedDecimalMarksError, UnsettledNumberError
from .._validation import format_number

__all__ = [
    "COMMA",
    "MARKS",
    "POINT",
    "DecimalMark",
    "MixedDecimalMarksError",
    "UnsettledNumberError",
    "count_digits",
    "parse_number",
    "readings",
]

POINT, COMMA = ".", ","
#: The decimal marks, and how the options that state them are written.
MARKS = (POINT, COMMA)

# Spaces spreadsheets put between digit groups or before "%": plain, no-break, thin.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")
# Thousands groups separated by one space: 1 234 567 or 1 234,5 (or with a point).
_SPACE_GROUPS = re.compile(r"[+-]?[1-9]\d{0,2}( \d{3})+([.,]\d+)?")
# Swiss thousands groups: 1'234.50 (either apostrophe).
_APOSTROPHE_GROUPS = re.compile(r"[+-]?[1-9]\d{0,2}(['\u2019]\d{3})+([.,]\d+)?")
# Longer texts are not numbers anyone types; they are not looked at further.
_LONGEST = 400


def _pattern(decimal: str) -> re.Pattern[str]:
    mark = re.escape(decimal)
    group = re.escape(COMMA if decimal == POINT else POINT)
    return re.compile(
        rf"[+-]?(?:(?:[1-9]\d{{0,2}}(?:{group}\d{{3}})+|\d+)(?:{mark}\d*)?|{mark}\d+)"
        r"(?:[eE][+-]?\d+)?"
    )


_PATTERNS = {mark: _pattern(mark) for mark in MARKS}


def count_digits(text: str) -> int:
    """How many digits a text holds."""
    return sum(c.isdigit() for c in text)


def readings(text: str) -> dict[str, float]:
    """The value of ``text`` with each decimal mark that makes it a number.

    Empty when it is no number with either mark; the same value twice when
    the mark does not matter; two values when it does.

    Examples
    --------
    >>> readings("0.075"), readings("0,95"), readings("95 %")
    ({'.': 0.075}, {',': 0.95}, {'.': 0.95, ',': 0.95})
    >>> readings("2.500"), readings("1.234,5"), readings("ten")
    ({'.': 2.5, ',': 2500.0}, {',': 1234.5}, {})
    """
    if len(text) > _LONGEST:
        return {}
    compact = text.strip().replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")
    percent = compact.endswith("%")
    if percent:
        compact = compact[:-1].rstrip()
    if _SPACES.search(compact):
        # A space inside a number separates groups of three digits, and only them:
        # "20 000" is twenty thousand, "20 000 30 000" two numbers, never one.
        if not _SPACE_GROUPS.fullmatch(compact):
            return {}
        compact = _SPACES.sub("", compact)
    if _APOSTROPHE_GROUPS.fullmatch(compact):
        compact = compact.replace("'", "").replace("\u2019", "")
    found = {}
    for mark, pattern in _PATTERNS.items():
        if pattern.fullmatch(compact):
            other = COMMA if mark == POINT else POINT
            value = float(compact.replace(other, "").replace(mark, "."))
            if math.isfinite(value):
                found[mark] = value / 100 if percent else value
    return found


def parse_number(text: str, decimal: str | None = POINT) -> float | None:
    """A number written as a person or a spreadsheet writes it; ``None`` when it is not one.

    ``decimal`` is the decimal mark (``"."`` or ``","``); the other mark, a
    space or an apostrophe may separate thousands, and ``95%`` is 0.95. With
    ``decimal=None`` a number that reads two ways raises :class:`UnsettledNumberError`.

    Examples
    --------
    >>> parse_number("95%"), parse_number("0,95", ","), parse_number("1'234.5")
    (0.95, 0.95, 1234.5)
    >>> parse_number("20,000"), parse_number("20.000", ","), parse_number("20 000")
    (20000.0, 20000.0, 20000.0)
    >>> parse_number("0,95"), parse_number("nan"), parse_number("0.075", None)
    (None, None, 0.075)
    """
    found = readings(text)
    if decimal is not None:
        return found.get(decimal)
    values = set(found.values())
    if len(values) > 1:
        raise UnsettledNumberError(
            f"{text!r} reads as {format_number(found[POINT])} with a decimal point and as "
            f"{format_number(found[COMMA])} with a decimal comma, and no other number of the file "
            "settles which; state the decimal mark (--decimal . or --decimal ,)",
            text=text,
            values=found,
        )
    return values.pop() if values else None


class DecimalMark:
    """The decimal mark of one file: stated, or settled by the file's own numbers.

    Show it each number of the file with :meth:`see` (a pass over the file
    before reading it), then read with :meth:`read`. A file with no
    unambiguous number reads every number that does not depend on the mark,
    and refuses (:class:`UnsettledNumberError`) the few that do.
    """

    def __init__(self, stated: str | None = None):
        if stated is not None and stated not in MARKS:
            raise InputError(f"the decimal mark must be '.' or ',', got {stated!r}")
        self.stated = stated
        #: The first unambiguous number seen with each mark, and where it is.
        self.first: dict[str, tuple[str, str]] = {}

    def see(self, text: str, where: str) -> None:
        if self.stated is not None or len(self.first) == 2:
            return
        found = readings(text)
        if len(found) == 1:
            (mark,) = found
            self.first.setdefault(mark, (text, where))

    @property
    def mark(self) -> str | None:
        """The file's decimal mark, or ``None`` when nothing settles it."""
        if self.stated is not None:
            return self.stated
        return next(iter(self.first)) if len(self.first) == 1 else None

    def check(self, file: str) -> None:
        """Raise :class:`MixedDecimalMarksError` when the file uses both marks."""
        if self.stated is None and len(self.first) == 2:
            (point, at_point), (comma, at_comma) = self.first[POINT], self.first[COMMA]
            raise MixedDecimalMarksError(
                f"{file}: numbers are written with a decimal point ({at_point}: {point!r}) "
                f"and with a decimal comma ({at_comma}: {comma!r}); write every number of the "
                "file one way, or state the decimal mark (--decimal . or --decimal ,)"
            )

    def read(self, text: str) -> float | None:
        """The number ``text`` holds with the file's mark; ``None`` when it is not one."""
        return parse_number(text, self.mark)

    def describe(self) -> str:
        """The mark in words, for a message about a number that is not one."""
        mark = self.mark
        if mark is None:
            return ""
        how = (
            "as stated" if self.stated else f"as in {self.first[mark][1]}: {self.first[mark][0]!r}"
        )
        return f"the file's decimal mark is a {'point' if mark == POINT else 'comma'}, {how}"
