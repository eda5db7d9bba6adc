"""Opening scenario files: their size, their text encoding, and parsing under the limits.

Each reader here checks the limits of :mod:`.limits` before it spends the
memory or time they guard, and turns every failure of a parser (a syntax
error, a nesting too deep for it, a number too long for Python) into a
:class:`FileReadError` that names the file and, where known, the place.

Numbers in YAML and JSON are kept as the text written (:class:`NumberText`),
so that they are read by the same rule as a CSV cell (:mod:`.numbers`) and a
number typed where a name belongs keeps its digits (``1.50`` stays ``1.50``).
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

from .._errors import InputError
from .limits import LIMITS, LimitError

__all__ = [
    "FileReadError",
    "Formula",
    "JsonNumber",
    "NumberText",
    "check_size",
    "json_document",
    "open_text",
    "read_text",
    "xlsx_rows",
    "yaml_document",
]


class FileReadError(InputError):
    """A scenario file that cannot be read at all."""


class NumberText(str):
    """A number as written in a YAML file: read like a number typed in a cell."""

    __slots__ = ()


class JsonNumber(str):
    """A JSON number as written: JSON's syntax allows only a decimal point."""

    __slots__ = ()


class Formula:
    """An XLSX cell holding a formula whose value the file does not store."""

    __slots__ = ("cell", "formula", "sheet")

    def __init__(self, sheet: str, cell: str, formula: str):
        self.sheet, self.cell, self.formula = sheet, cell, formula

    def problem(self) -> str:
        return (
            f"cell {self.sheet}!{self.cell} holds the formula {self.formula} and the file stores "
            "no value for it (it was written by a program, never calculated); open the file in "
            "Excel or LibreOffice and save it, or type the value instead of the formula"
        )

    def __repr__(self) -> str:
        return self.formula


def check_size(path: Path, file: str) -> int:
    """The file's size in bytes; refused above the limit before anything is read."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise FileReadError(f"{file}: no such file") from None
    except OSError as error:
        raise FileReadError(f"{file}: cannot read it ({error.strerror or error})") from None
    if path.is_dir():
        raise FileReadError(f"{file}: is a folder, not a file")
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


# YAML ----------------------------------------------------------------------


class Located(dict):
    """A YAML mapping that knows its line and the line of each key."""

    line = 0
    key_lines: dict


def _yaml_loader(file: str):
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # a safe loader: only plain data, never Python objects
        pass

    def mapping(loader, node):
        data = Located()
        data.line = node.start_mark.line + 1
        data.key_lines = {}
        yield data
        seen: set = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = loader.construct_object(key_node)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise FileReadError(
                    f"{file}, line {key_node.start_mark.line + 1}: a key must be a name, "
                    "not a list or a mapping"
                )
            if key in seen:
                raise FileReadError(
                    f"{file}, line {key_node.start_mark.line + 1}: key {key!r} given twice"
                )
            seen.add(key)
            data.key_lines[key] = key_node.start_mark.line + 1
        # Merge keys (<<: *base) bring in another mapping's keys; this mapping's own win.
        loader.flatten_mapping(node)
        data.update(loader.construct_mapping(node))

    def number(loader, node):
        return NumberText(node.value)

    def text(loader, node):
        return str(node.value)

    Loader.add_constructor("tag:yaml.org,2002:map", mapping)
    Loader.add_constructor("tag:yaml.org,2002:int", number)
    Loader.add_constructor("tag:yaml.org,2002:float", number)
    Loader.add_constructor("tag:yaml.org,2002:timestamp", text)
    return Loader


def _measure_nodes(root, file: str) -> None:
    """Refuse a YAML document whose aliases repeat too much or refer to themselves.

    A YAML alias (``*name``) repeats a node: a few aliases of aliases make a
    billion values ("billion laughs"). The document's size with every alias
    expanded is computed on the composed nodes, before anything is built.
    """
    import yaml

    expanded: dict[int, int] = {}
    on_path: set[int] = set()
    aliases = 0
    stack: list[tuple[object, int, bool]] = [(root, 1, False)]
    depth_limit, alias_limit = LIMITS["depth"], LIMITS["aliases"]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        children: list = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if done:
            on_path.discard(key)
            expanded[key] = 1 + sum(expanded[id(c)] for c in children)
            if expanded[key] > LIMITS["expanded"].size:
                raise LIMITS["expanded"].refuse(
                    file,
                    f"line {node.start_mark.line + 1}",
                    "a YAML alias repeats a large part of the file",
                )
            continue
        if key in expanded:
            aliases += 1
            if aliases > alias_limit.size:
                raise alias_limit.refuse(file, f"line {node.start_mark.line + 1}")
            continue
        if key in on_path:
            raise FileReadError(
                f"{file}, line {node.start_mark.line + 1}: a YAML alias refers to a list or "
                "mapping that contains it, which never ends"
            )
        if depth > depth_limit.size:
            raise depth_limit.refuse(file, f"line {node.start_mark.line + 1}")
        on_path.add(key)
        stack.append((node, depth, True))
        for child in children:
            if id(child) in on_path:
                raise FileReadError(
                    f"{file}, line {child.start_mark.line + 1}: a YAML alias refers to a list or "
                    "mapping that contains it, which never ends"
                )
            if id(child) in expanded:
                aliases += 1
                if aliases > alias_limit.size:
                    raise alias_limit.refuse(file, f"line {child.start_mark.line + 1}")
            else:
                stack.append((child, depth + 1, False))


def _count_scenarios(root, file: str) -> None:
    """Refuse more scenarios than the limit, counted before any is built."""
    import yaml

    items = root
    if isinstance(root, yaml.MappingNode):
        items = next(
            (v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "scenarios"),
            None,
        )
    limit = LIMITS["scenarios"]
    if isinstance(items, yaml.SequenceNode) and len(items.value) > limit.size:
        raise limit.refuse(file, found=f"it has {len(items.value):,}")


def yaml_document(path: Path, file: str) -> tuple[object, Callable[[object, object], str]]:
    """The parsed document and ``locate(mapping, key)``, which says on which line a key is."""
    import yaml

    text = read_text(path, file)
    loader = _yaml_loader(file)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, _locate
        _count_scenarios(node, file)
        _measure_nodes(node, file)
        return loader.construct_document(node), _locate
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f", line {mark.line + 1}" if mark else ""
        problem = error.problem or ""
        if "nesting depth" in problem:
            raise LIMITS["depth"].refuse(file, line.lstrip(", ")) from None
        raise FileReadError(f"{file}{line}: not valid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise FileReadError(f"{file}: not valid YAML: {error}") from None
    except RecursionError:
        raise LIMITS["depth"].refuse(file) from None
    finally:
        loader.dispose()


def _locate(item: object, key: object) -> str:
    if not isinstance(item, Located):
        return ""
    return f"line {item.key_lines.get(key, item.line) if key is not None else item.line}"


# JSON ----------------------------------------------------------------------

_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


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


# XLSX ----------------------------------------------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_DIRECTORY = b"PK\x05\x06"


def _check_workbook_container(path: Path, file: str) -> None:
    """Refuse a password-protected or old-format workbook, and a zip beyond the limits,
    from the file's first bytes and its zip directory, before unpacking anything."""
    import zipfile

    with path.open("rb") as stream:
        head = stream.read(8)
        if head == _OLE:
            raise FileReadError(
                f"{file}: this workbook is password-protected (or in the old .xls format), so it "
                "cannot be read; in Excel, remove the password (File > Info > Protect Workbook) "
                "and save it as .xlsx"
            )
        if not head.startswith(b"PK"):
            raise FileReadError(f"{file}: not an .xlsx workbook (it is not a zip file)")
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(max(0, size - 65_557))
        tail = stream.read()
    at = tail.rfind(_END_OF_DIRECTORY)
    if at < 0 or len(tail) < at + 22:
        raise FileReadError(f"{file}: not a readable .xlsx workbook (its zip directory is missing)")
    (parts,) = struct.unpack("<H", tail[at + 10 : at + 12])
    limit = LIMITS["zip_parts"]
    if parts > limit.size:
        raise limit.refuse(file, found=f"it has {parts:,}")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            parts = len(archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise FileReadError(f"{file}: not a readable .xlsx workbook ({error})") from None
    if parts > limit.size:
        raise limit.refuse(file, found=f"it has {parts:,}")
    limit = LIMITS["unpacked_bytes"]
    if unpacked > limit.size:
        raise limit.refuse(file, found=f"it unpacks to {unpacked:,}")


def _cell_parser():
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class CellParser(WorkSheetParser):
        """openpyxl's sheet parser, reading each cell's stored value and noting its formula."""

        def parse_cell(self, element):
            cell = super().parse_cell(element)
            formula = element.find(FORMULA_TAG)
            # A stored value: text in <v>, or an empty text result (t="str") as Excel stores it.
            # Programs that write formulas without calculating them leave <v> empty.
            stored = bool(element.findtext(VALUE_TAG)) or (
                element.get("t") == "str" and element.find(VALUE_TAG) is not None
            )
            if formula is not None and not stored:
                cell["formula"] = "=" + formula.text if formula.text else "a shared formula"
            return cell

    return CellParser


def xlsx_rows(path: Path, file: str) -> Iterator[tuple[int, list[object]]]:
    """Rows ``(number, values)`` of the sheet ``Scenarios`` (or the first sheet).

    A formula with a stored value gives that value; one without gives a
    :class:`Formula`. The sheet's declared size is ignored (it may claim all
    of Excel's grid); the cells it holds are read, within the limits.
    """
    from openpyxl import load_workbook

    check_size(path, file)
    _check_workbook_container(path, file)
    try:
        # openpyxl parses with defusedxml when it is installed (a dependency of
        # xlfuncs), which refuses entity declarations: no XML bombs.
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # zip, XML or openpyxl errors of all kinds
        raise FileReadError(f"{file}: cannot read this workbook ({_reason(error)})") from error
    try:
        sheet = book["Scenarios"] if "Scenarios" in book.sheetnames else book.worksheets[0]
        parser = _cell_parser()
        rows_limit, columns_limit = LIMITS["rows"], LIMITS["columns"]
        with sheet._get_source() as source:
            cells = parser(
                source,
                book.shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            for number, row in cells.parse():
                values: list[object] = []
                for cell in row:
                    value = cell["value"]
                    if "formula" in cell:
                        from openpyxl.utils import get_column_letter

                        coordinate = f"{get_column_letter(cell['column'])}{cell['row']}"
                        value = Formula(sheet.title, coordinate, cell["formula"])
                    if value is None or (isinstance(value, str) and not value.strip()):
                        continue
                    if cell["column"] > columns_limit.size:
                        raise columns_limit.refuse(file, f"row {number}")
                    values += [None] * (cell["column"] - 1 - len(values))
                    values.append(value)
                if not values:
                    continue
                if number > rows_limit.size:
                    raise rows_limit.refuse(file, f"row {number:,}")
                yield number, values
    except (FileReadError, LimitError):
        raise
    except Exception as error:
        raise FileReadError(f"{file}: cannot read this workbook ({_reason(error)})") from error
    finally:
        book.close()


def _reason(error: BaseException) -> str:
    """The first cause of a failed read, in words."""
    while error.__cause__ is not None or error.__context__ is not None:
        error = error.__cause__ or error.__context__
    if type(error).__module__.startswith("defusedxml"):
        return "it declares XML entities, which are refused as a possible XML bomb"
    return f"{type(error).__name__}: {error}"
