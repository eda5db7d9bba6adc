"""Text made safe to print on a terminal: control characters shown as escapes.

A scenario name, a path or a message can hold characters a terminal acts
on rather than shows: escape sequences that move the cursor, recolour or
erase a line, a carriage return that overwrites it, or Unicode's
bidirectional overrides that reorder it. Printed raw, such a name could hide
its own "failed" line. Every text the command line prints goes through
:func:`printable`.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["printable"]

_SUSPECT = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def printable(text: str) -> str:
    """``text`` with every control or invisible formatting character as a visible escape.

    Parameters
    ----------
    text : str
        Anything about to be printed.

    Returns
    -------
    str
        The text, each control character (Unicode categories Cc and Cf,
        and the line and paragraph separators) written as ``\\xNN`` or
        ``\\uNNNN``; other characters, accents included, unchanged.

    Examples
    --------
    >>> printable("ok\\x1b[2K\\rfailed"), printable("Café")
    ('ok\\\\x1b[2K\\\\rfailed', 'Café')
    """
    if _SUSPECT.search(text) is None and text.isprintable():
        return text
    return "".join(_escaped(c) for c in text)


def _escaped(character: str) -> str:
    if character == " " or unicodedata.category(character) not in ("Cc", "Cf", "Zl", "Zp", "Cs"):
        return character
    escaped = repr(character)[1:-1]
    if escaped != character:  # \x1b, \r, \t ...
        return escaped
    return f"\\u{ord(character):04x}"
