"""File names made from scenario names: safe on Windows, macOS and Linux, unique in a batch.

A scenario name is text typed by a person or pasted from anywhere. Before it
names a file it must not be able to leave the output folder (``../``, an
absolute path), break a file system (NUL, control characters, ``<>:"|?*``,
Windows device names such as ``CON`` or ``COM1``, a trailing dot or space, a
name too long), hide what it is (right-to-left overrides and other invisible
format characters), or land on another scenario's file: Windows and macOS
compare names without regard to case, so ``Acme`` and ``ACME`` collide there.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MAX_STEM_LENGTH", "UniqueNames", "safe_stem"]

#: Longest stem (name without ``.xlsx``), in characters, leaving room for a
#: `` (2)`` suffix and the extension well inside every file system's limit.
MAX_STEM_LENGTH = 140
# ext4 and APFS count bytes (255 per name), NTFS counts UTF-16 units (255).
_MAX_STEM_BYTES = 200

# Characters Windows forbids in names, and both path separators.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$",
    *(f"{device}{digit}" for device in ("COM", "LPT") for digit in "0123456789¹²³"),
}
_FALLBACK = "scenario"


def _is_hidden_or_control(character: str) -> bool:
    # Cc: control characters (NUL, tab, newline, DEL ...); Cf: invisible format
    # characters (right-to-left override, zero-width joiner ...); Cs, Co, Cn:
    # surrogates, private use and unassigned code points.
    return unicodedata.category(character).startswith("C")


def _truncate(stem: str, max_chars: int) -> str:
    stem = stem[:max_chars]
    while len(stem.encode("utf-8")) > _MAX_STEM_BYTES:
        stem = stem[:-1]
    return stem


def _tidy_ends(stem: str) -> str:
    # Windows drops trailing dots and spaces; a leading dot hides a file on
    # macOS and Linux, and "." or ".." would name a folder.
    return stem.strip(" .")


def safe_stem(name: object, max_chars: int = MAX_STEM_LENGTH) -> str:
    """A file name stem for a scenario name, safe on every common file system.

    Forbidden and invisible characters become ``_``, runs of white space one
    space, leading and trailing dots and spaces go, a Windows device name gets
    a ``_`` appended, and the result is cut to ``max_chars`` characters. An
    empty result becomes ``scenario``. Letters of any script are kept.

    Examples
    --------
    >>> safe_stem("Acme / Q3: 95%?")
    'Acme _ Q3_ 95%_'
    >>> safe_stem("../../etc/passwd")
    '_.._etc_passwd'
    >>> safe_stem("con")
    'con_'
    >>> safe_stem("COM1.backup")
    'COM1_.backup'
    >>> safe_stem(" .. ")
    'scenario'
    """
    text = unicodedata.normalize("NFC", str(name))
    text = "".join("_" if _is_hidden_or_control(c) else c for c in text)
    text = _FORBIDDEN.sub("_", text)
    text = re.sub(r"\s+", " ", text)
    stem = _tidy_ends(_truncate(_tidy_ends(text), max_chars))
    if not stem:
        return _FALLBACK
    # "CON.backup" is as reserved as "CON": Windows looks at the part before the first dot.
    device, dot, rest = stem.partition(".")
    if device.rstrip(" ").upper() in _RESERVED:
        stem = _truncate(device + "_" + dot + rest, max_chars)
    return stem


class UniqueNames:
    """Hands out file names that differ from each other on every file system.

    Names are compared as Windows and macOS compare them: ignoring case and
    Unicode normalisation. The second ``Acme`` becomes ``Acme (2)``.
    ``reserved`` names (such as the batch's own ``summary``) are never handed out.

    Examples
    --------
    >>> names = UniqueNames(reserved=["summary"])
    >>> [names.take(n, ".xlsx") for n in ["Acme", "ACME", "a/b", "Summary"]]
    ['Acme.xlsx', 'ACME (2).xlsx', 'a_b.xlsx', 'Summary (2).xlsx']
    """

    def __init__(self, reserved: list[str] | tuple[str, ...] = ()):
        self._taken = {self.key(n) for n in reserved}
        # The next number to try for each stem: names that differ only beyond the
        # stem's length (or only in case) number on from there, never from 2 again.
        self._next: dict[str, int] = {}

    def reserve(self, name: str) -> None:
        """Never hand out ``name`` (a stem), e.g. a file already in the folder."""
        self._taken.add(self.key(name))

    @staticmethod
    def key(stem: str) -> str:
        """A name as Windows and macOS compare it: one normal form, any case."""
        return unicodedata.normalize("NFC", stem).casefold()

    def take(self, name: object, extension: str = "") -> str:
        """A safe, not yet used file name for ``name``, with ``extension`` appended."""
        stem = safe_stem(name)
        key = self.key(stem)
        candidate, number = stem, self._next.get(key, 1)
        if number > 1:
            number -= 1
        while self.key(candidate) in self._taken:
            number += 1
            suffix = f" ({number})"
            candidate = _tidy_ends(_truncate(stem, MAX_STEM_LENGTH - len(suffix))) + suffix
        self._next[key] = number + 1
        self._taken.add(self.key(candidate))
        return candidate + extension
