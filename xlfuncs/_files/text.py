"""Opening scenario files: their size, their text encoding, and parsing under the limits.

Each reader here checks the limits of :mod:`.limits` before it spends the
memory or time they guard, and turns every failure of a parser (a syntax
error, a nesting too deep for it, a number too long for Python) into a
:class:`FileReadError` that names the file and, where known, the place.

Numbers in YAML and JSON are kept as the text written (:class:`NumberText`),
so that they are read by the same rule as a CSV cell (:mod:`.number_text`) and a
number typed where a name belongs keeps its digits (``1.50`` stays ``1.50``).
YAML files are read by :mod:`xlfuncs.batch.read.yaml_files`, workbooks by
:mod:`xlfuncs.batch.read.xlsx_files`.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import stat
from pathlib import Path

from .._errors import FileReadError
from .limits import LIMITS

__all__ = [
    "FileReadError",
    "Formula",
    "JsonNumber",
    "NumberText",
    "check_size",
    "json_document",
    "open_text",
    "read_text",
]


class NumberText(str):
    """A number as written in a YAML file: read like a number typed in a cell."""

    __slots__ = ()


class JsonNumber(str):
    """A JSON number as written: JSON's syntax allows only a decimal point."""

    __slots__ = ()


class Formula:
    """An XLSX cell holding a formula whose value the file does not store."""

    __slots__ = ("cell", "formula", "placeholder", "sheet")

    def __init__(self, sheet: str, cell: str, formula: str, placeholder: bool = False):
        self.sheet, self.cell, self.formula = sheet, cell, formula
        #: The file stores a value, but one its writer put there without calculating.
        self.placeholder = placeholder

    def problem(self) -> str:
        stored = (
            "the value the file stores for it is a placeholder (the program that wrote the "
            "file never calculated it, and asks for it to be recalculated when opened)"
            if self.placeholder
            else "the file stores no value for it (it was written by a program, never calculated)"
        )
        return (
            f"cell {self.sheet}!{self.cell} holds the formula {self.formula} and {stored}; open "
            "the file in Excel or LibreOffice and save it, or type the value instead of the formula"
        )

    def __repr__(self) -> str:
        return self.formula


def check_size(path: Path, file: str) -> int:
    """The file's size in bytes; refused above the limit before anything is read."""
    try:
        status = path.stat()
    except FileNotFoundError:
        if os.path.islink(path):
            raise FileReadError(
                f"{file}: is a symbolic link to {os.readlink(path)}, which does not exist"
            ) from None
        raise FileReadError(f"{file}: no such file") from None
    except OSError as error:
        raise FileReadError(f"{file}: cannot read it ({error.strerror or error})") from None
    if stat.S_ISDIR(status.st_mode):
        raise FileReadError(f"{file}: is a folder, not a file")
    if not stat.S_ISREG(status.st_mode):
        # A named pipe waits for a writer for ever; a device such as /dev/zero never ends.
        raise FileReadError(
            f"{file}: is not a regular file (a named pipe, a device or a socket); give a saved file"
        )
    size = status.st_size
    limit = LIMITS["file_bytes"]
    if size > limit.size:
        raise limit.refuse(file, found=f"it has {size:,}")
    return size


# Text encodings ---------------------------------------------------------------


def _encoding(head: bytes) -> str:
    """The encoding of a text file from its first bytes: a byte order mark, or UTF-16's zeros."""
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # Without a mark, text in UTF-16 has a zero byte beside each ASCII character.
    if len(head) >= 4 and head[1] == head[3] == 0 and head[0] and head[2]:
        return "utf-16-le"
    if len(head) >= 4 and head[0] == head[2] == 0 and head[1] and head[3]:
        return "utf-16-be"
    return "utf-8"


def _not_text(file: str, error: UnicodeDecodeError) -> FileReadError:
    return FileReadError(
        f"{file}: not UTF-8 or UTF-16 text (byte {error.start}); save it as UTF-8 "
        "(in Excel: File > Save As > CSV UTF-8; in an editor: encoding UTF-8)"
    )


class _DecodeErrors(io.TextIOWrapper):
    """A text stream whose decoding errors name the file."""

    file = ""

    def read(self, *args):
        try:
            return super().read(*args)
        except UnicodeDecodeError as error:
            raise _not_text(self.file, error) from None

    def readline(self, *args):
        try:
            return super().readline(*args)
        except UnicodeDecodeError as error:
            raise _not_text(self.file, error) from None

    def __next__(self):
        try:
            return super().__next__()
        except UnicodeDecodeError as error:
            raise _not_text(self.file, error) from None


def open_text(path: Path, file: str) -> io.TextIOWrapper:
    """The file as text (UTF-8 with or without a byte order mark, UTF-16 or UTF-32)."""
    check_size(path, file)
    raw = path.open("rb")
    encoding = _encoding(raw.peek(4)[:4]) if hasattr(raw, "peek") else "utf-8"
    stream = _DecodeErrors(raw, encoding=encoding, newline="")
    stream.file = file
    return stream


def read_text(path: Path, file: str) -> str:
    """The whole file as text, decoded as :func:`open_text` does."""
    with open_text(path, file) as stream:
        return stream.read()


# JSON ----------------------------------------------------------------------

# A string, or a bracket. The closing quote is optional, so that a string left open
# ends the scan (one pass) rather than make the search try again at each quote inside it.
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)


def _json_depth_within_limit(text: str, file: str) -> None:
    """Refuse nesting deeper than the limit before the parser recurses into it."""
    limit = LIMITS["depth"].size
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                line = text.count("\n", 0, match.start()) + 1
                raise LIMITS["depth"].refuse(file, f"line {line}")
        elif token in "]}":
            depth -= 1


def json_document(path: Path, file: str) -> object:
    """The parsed JSON document, numbers kept as written (:class:`JsonNumber`)."""
    text = read_text(path, file)
    _json_depth_within_limit(text, file)

    def pairs(items: list[tuple[str, object]]) -> dict:
        keys = [k for k, _ in items]
        twice = {k for k in keys if keys.count(k) > 1}
        if twice:
            raise FileReadError(f"{file}: key {sorted(twice)[0]!r} given twice in one object")
        return dict(items)

    def constant(name: str) -> object:
        return JsonNumber(name)  # NaN, Infinity: not numbers; reported where they stand

    try:
        return json.loads(
            text,
            object_pairs_hook=pairs,
            parse_int=JsonNumber,
            parse_float=JsonNumber,
            parse_constant=constant,
        )
    except json.JSONDecodeError as error:
        raise FileReadError(f"{file}, line {error.lineno}: not valid JSON: {error.msg}") from None
    except RecursionError:
        raise LIMITS["depth"].refuse(file) from None
