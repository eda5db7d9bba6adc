"""Limits on what a scenario file may hold, far above any real file, checked before the work.

A scenario file is typed or exported by a person: a few kilobytes, tens of
scenarios, a handful of options each. A file far beyond that is a mistake
(an export of the wrong sheet) or an attack (a zip bomb, a "billion laughs"
YAML, a sheet declaring every cell of Excel's grid). Each limit is checked
as early as it can be, before the memory or time it guards is spent, and
refused with a message that names it. Text is held to what a spreadsheet
cell can hold.
"""

from __future__ import annotations

import re

from .._errors import LimitError

__all__ = [
    "CELL_TEXT",
    "LIMITS",
    "Limit",
    "LimitError",
    "text_problem",
    "utf16_length",
]


class Limit:
    """One limit: its size and what it counts, in words."""

    __slots__ = ("size", "unit", "words")

    def __init__(self, size: int, unit: str, words: str):
        self.size, self.unit, self.words = size, unit, words

    def refuse(self, file: str, where: str = "", found: str = "") -> LimitError:
        """The error for a file over this limit."""
        place = ", ".join(p for p in (file, where) if p)
        got = f" ({found})" if found else ""
        return LimitError(
            f"{place}: {self.words} is limited to {self.size:,} {self.unit}{got}; "
            "a scenario file this large is refused"
        )


#: The limits, by name. Real files stay far below every one.
LIMITS = {
    "file_bytes": Limit(64 * 2**20, "bytes", "a scenario file's size"),
    "unpacked_bytes": Limit(100 * 2**20, "bytes", "a scenario workbook's unpacked size"),
    "zip_parts": Limit(1_000, "parts", "the number of parts in a scenario workbook"),
    "rows": Limit(100_000, "rows", "the number of rows of a scenario table"),
    "columns": Limit(1_000, "columns", "the number of columns of a scenario table"),
    "scenarios": Limit(50_000, "scenarios", "the number of scenarios in a file"),
    "depth": Limit(32, "levels", "the nesting of lists and mappings"),
    "aliases": Limit(10_000, "aliases", "the number of YAML aliases (*name)"),
    "expanded": Limit(1_000_000, "values", "the number of values once YAML aliases are expanded"),
    "digits": Limit(40, "digits", "a number's length"),
}

#: The most characters a spreadsheet cell holds (Excel's limit).
CELL_TEXT = 32_767

# Characters XML 1.0 cannot hold, so no workbook can: control characters
# other than tab, line feed and carriage return, the non-characters U+FFFE and
# U+FFFF, and surrogates that are not part of a pair.
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def utf16_length(text: str) -> int:
    """The length of ``text`` as Excel counts it: in UTF-16 code units.

    >>> utf16_length("abc"), utf16_length("\U0001f600")
    (3, 2)
    """
    return len(text) + sum(1 for c in text if c > "\uffff")


def text_problem(text: str) -> str | None:
    """Why a workbook cannot hold ``text`` (a character, or its length), or ``None``.

    Examples
    --------
    >>> text_problem("Support desk") is None
    True
    >>> text_problem("Bell\\x07")
    'holds the control character \\\\x07, which a workbook cannot hold (character 5)'
    >>> text_problem("x" * 40_000)
    'has 40,000 characters; a spreadsheet cell holds at most 32,767'
    """
    if len(text) > CELL_TEXT // 2:
        # Excel counts UTF-16 units: a character beyond the Basic Multilingual Plane
        # (an emoji, a rare CJK ideograph) counts twice.
        units = utf16_length(text)
        if units > CELL_TEXT:
            how = "" if units == len(text) else " as Excel counts them"
            return f"has {units:,} characters{how}; a spreadsheet cell holds at most {CELL_TEXT:,}"
    found = UNWRITABLE.search(text)
    if found is None:
        return None
    char = found.group()
    kind = "an unpaired surrogate" if "\ud800" <= char <= "\udfff" else "the control character"
    if char in "\ufffe\uffff":
        kind = "the non-character"
    shown = f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
    return f"holds {kind} {shown}, which a workbook cannot hold (character {found.start() + 1})"
