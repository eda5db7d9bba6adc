"""The few pieces of the .xlsx file format that xlfuncs writes itself.

openpyxl writes every workbook once; these helpers patch what it cannot
write or what would be slow to write again for every scenario: text and
inline strings, cell references, and the cached value (``<v>``) of a formula
cell, which is what file previews, phones, pandas and ``openpyxl`` with
``data_only=True`` show.

Every number xlfuncs writes into a sheet's XML itself (an input cell of a
filled workbook, a formula's cached value, a figure of the summary) is
written by one rule, :func:`number_text`: openpyxl's text (16 significant
digits) when it reads back as the same float, else 17 digits, which always
do. A filled workbook's inputs are therefore written as the template's
builder writes them, and every stored figure reads back as exactly the
value the evaluator computed.

>>> inline_string(" a < b ")
'<is><t xml:space="preserve"> a &lt; b </t></is>'
>>> cached_value(2, 1.0, None), cached_value(0, 0.1 + 0.2, None)
((' t="b"', '1'), ('', '0.30000000000000004'))
>>> fill_formula_cells('<c r="A1" s="2"><f>1/0</f><v /></c>', {"A1": (' t="e"', "#DIV/0!")})
'<c r="A1" s="2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
"""

from __future__ import annotations

import io
import re
import struct
import xml.etree.ElementTree as ElementTree
import zipfile
import zlib
from collections.abc import Mapping, Sequence

import numpy as np
from openpyxl.utils import get_column_letter, quote_sheetname

from ._errors import TemplateNotFillableError

__all__ = [
    "COMPRESSION_LEVEL",
    "FORMULA_CELL",
    "SharedRows",
    "block_cached_values",
    "cached_value",
    "cached_values",
    "cell_reference",
    "compress_part",
    "escape",
    "fill_formula_cells",
    "inline_string",
    "number_text",
    "number_texts",
    "read_package",
    "sheet_parts",
    "write_package",
]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

# Sheet names a reference may give without quotes (and that are not cell names).
_PLAIN_SHEET = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*|TRUE|FALSE", re.IGNORECASE)

# Kinds of a value, as the evaluator numbers them.
_NUMBER, _TEXT, _BOOLEAN, _BLANK, _ERROR = 0, 1, 2, 3, 4
_ERROR_TEXT = {
    1: "#NULL!",
    2: "#DIV/0!",
    3: "#VALUE!",
    4: "#REF!",
    5: "#NAME?",
    6: "#NUM!",
    7: "#N/A",
}

#: A formula cell as openpyxl writes it (with or without a cached value): its
#: coordinate, its style attribute, and its formula element. Formula text is
#: escaped XML, so it holds no "<".
FORMULA_CELL = re.compile(
    r'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?)(?: t="[a-z]+")?>'
    r"(<f>[^<]*</f>|<f [^>]*>[^<]*</f>|<f[^>]*/>)(?:<v ?/>|<v>[^<]*</v>)</c>"
)


def escape(text: str) -> str:
    """Text for an XML element's content: ``&``, ``<`` and ``>`` escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inline_string(text: str) -> str:
    """A cell's inline string element, as openpyxl writes it.

    Spaces are preserved only where stripping would change the text.
    """
    stripped = text.strip()
    space = ' xml:space="preserve"' if stripped and stripped != text else ""
    return f"<is><t{space}>{escape(text)}</t></is>"


def cell_reference(row: int, column: int, sheet: str | None = None, absolute: bool = False) -> str:
    """``B3``, ``$B$3`` or ``'My sheet'!$B$3`` for row 3, column 2.

    >>> cell_reference(3, 2, "My sheet", absolute=True), cell_reference(3, 2, "Inputs")
    ("'My sheet'!$B$3", 'Inputs!B3')
    """
    letter = get_column_letter(column)
    where = f"${letter}${row}" if absolute else f"{letter}{row}"
    if sheet is None:
        return where
    plain = _PLAIN_SHEET.fullmatch(sheet) and not _CELL_LIKE.fullmatch(sheet)
    return f"{sheet if plain else quote_sheetname(sheet)}!{where}"


def number_text(number: float) -> str:
    """A number's text in a sheet's XML: 16 significant digits, or 17 where 16 do not read back.

    openpyxl writes a number with 16 significant digits (``%.16g``); most
    floats read back from those as the same float, and the text is
    openpyxl's. The others need 17, which always do.

    >>> number_text(20000.0), number_text(0.075), number_text(-0.0), number_text(1e16)
    ('20000', '0.075', '-0', '1e+16')
    >>> number_text(0.1 + 0.2), number_text(2 / 3)
    ('0.30000000000000004', '0.6666666666666666')
    """
    text = "%.16g" % number  # noqa: UP031 - the C format rounds to significant digits
    if float(text) != number:
        text = "%.17g" % number  # noqa: UP031
    return text


def number_texts(numbers: Sequence[float]) -> list[str]:
    """:func:`number_text` of each of many floats, formatted in a few calls for the whole list.

    >>> number_texts([1.0, -0.0, 0.5, 0.1 + 0.2])
    ['1', '-0', '0.5', '0.30000000000000004']
    """
    values = np.asarray(numbers, dtype=float)
    floats = values.tolist()
    joined = ("%.16g " * len(floats)) % tuple(floats)
    texts = joined.split(" ")[:-1]
    back = np.fromstring(joined, sep=" ") if floats else values
    for i in np.flatnonzero(back != values).tolist():
        texts[i] = "%.17g" % floats[i]  # noqa: UP031
    return texts


def cached_value(kind: int, number: float, text: str | None) -> tuple[str, str]:
    """The ``t`` attribute and the ``<v>`` text of a formula cell's value.

    A formula's number is stored without a negative zero (a spreadsheet shows none).
    """
    if kind in (_NUMBER, _BLANK):
        return "", number_text(number + 0.0)
    if kind == _TEXT:
        return ' t="str"', escape(text)
    if kind == _BOOLEAN:
        return ' t="b"', "1" if number else "0"
    return ' t="e"', _ERROR_TEXT[int(number)]


def cached_values(values) -> list[tuple[str, str]]:
    """:func:`cached_value` for each scenario of an evaluator's ``Values``."""
    kinds = values.kind
    if not kinds.any():
        return [("", text) for text in number_texts(values.number + 0.0)]
    numbers = values.number.tolist()
    texts = values.text
    return [
        cached_value(k, x, None if texts is None else texts[i])
        for i, (k, x) in enumerate(zip(kinds.tolist(), numbers, strict=True))
    ]


def fill_formula_cells(xml: str, values: Mapping[str, tuple[str, str]]) -> str:
    """A sheet's XML with the cached value of each formula cell in ``values`` (by coordinate)."""

    def fill(match: re.Match) -> str:
        coordinate, style, formula = match.groups()
        found = values.get(coordinate)
        if found is None:
            return match.group()
        kind, text = found
        return f'<c r="{coordinate}"{style}{kind}>{formula}<v>{text}</v></c>'

    return FORMULA_CELL.sub(fill, xml)


def read_package(data: bytes) -> tuple[list[zipfile.ZipInfo], dict[str, bytes]]:
    """The entries of an .xlsx package (in order) and their contents by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        return infos, {info.filename: archive.read(info) for info in infos}


#: Deflate level of every package xlfuncs writes: four times as fast as zlib's
#: default for files about a tenth larger, which matters when a batch writes
#: thousands.
COMPRESSION_LEVEL = 1

try:
    # ISA-L deflates three to four times as fast as zlib at the same level, into
    # slightly smaller parts. Its exact bytes are not promised to stay the same
    # from one of its releases to the next, so it serves only where speed
    # matters (a batch's workbooks); the templates we ship stay byte for byte
    # reproducible with zlib. It is not installed in the browser (xlwings Lite).
    from isal import isal_zlib as _fast_zlib
except ImportError:
    _fast_zlib = zlib


def compress_part(data: bytes, fast: bool = False) -> tuple[bytes, int, int]:
    """A package part deflated once: ``(deflated, crc32, size)``, for :func:`write_package`.

    ``fast`` deflates with ISA-L when it is installed (see above).
    """
    engine = _fast_zlib if fast else zlib
    packer = engine.compressobj(COMPRESSION_LEVEL, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(), engine.crc32(data), len(data)


def write_package(
    infos: Sequence[zipfile.ZipInfo],
    parts: Mapping[str, bytes],
    deflated: Mapping[str, tuple[bytes, int, int]] | None = None,
    fast: bool = False,
) -> bytes:
    """An .xlsx package of the entries of ``infos`` (names and times), in their order.

    ``parts`` holds each entry's content; ``deflated`` may hold entries already
    compressed by :func:`compress_part` (the parts every workbook of a batch
    shares). The same parts always give the same bytes; ``fast`` is passed to
    :func:`compress_part`.
    """
    local, central = [], []
    offset = 0
    for info in infos:
        name = info.filename.encode("utf-8")
        packed = (deflated or {}).get(info.filename) or compress_part(parts[info.filename], fast)
        data, crc, size = packed
        year, month, day, hour, minute, second = info.date_time
        date = (year - 1980) << 9 | month << 5 | day
        clock = hour << 11 | minute << 5 | second // 2
        flags = 0 if name.isascii() else 0x800
        fields = (20, flags, zipfile.ZIP_DEFLATED, clock, date, crc, len(data), size, len(name))
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + name
        local += [header, data]
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                3 << 8 | 20,  # made by: Unix, version 2.0
                *fields,
                0,
                0,
                0,
                0,
                info.external_attr,
                offset,
            )
            + name
        )
        offset += len(header) + len(data)
    directory = b"".join(central)
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(infos), len(infos), len(directory), offset, 0
    )
    return b"".join(local) + directory + end


def sheet_parts(parts: Mapping[str, bytes]) -> dict[str, str]:
    """Sheet title -> the name of the package part holding its XML."""
    workbook = ElementTree.fromstring(parts["xl/workbook.xml"])
    rels = ElementTree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_RELS}Relationship")}
    found = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets[sheet.get(f"{_DOC_REL}id")]
        found[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return found


_ROW_CELL = re.compile(r'<c r="([A-Z]+)([0-9]+)"((?: s="[0-9]+")?)(?: t="[a-z]+")?>(.*?)</c>')
_DIMENSION = re.compile(r'<dimension ref="([A-Z]+[0-9]+)(?::([A-Z]+)([0-9]+))?" ?/>')


class SharedRows:
    """A sheet's XML with a block of rows written as shared formulas and their values.

    A spreadsheet stores rows that repeat one formula per column as *shared
    formulas*: the first row holds each formula's text, the others refer to
    it and hold only their values. openpyxl writes the first row of such a
    block (its styles and formulas); this class takes it as the pattern and
    writes every row of the block, with each cell's cached value. The block
    must be the last rows of the sheet.
    """

    def __init__(self, xml: str, first_row: int, rows: int):
        start = xml.find(f'<row r="{first_row}"')
        stop = xml.find("</sheetData>")
        last = first_row + rows - 1
        later = [int(r) for r in re.findall(r'<row r="([0-9]+)"', xml[start:stop])]
        if start < 0 or stop < 0 or max(later, default=0) > last:
            raise TemplateNotFillableError(
                f"rows {first_row} to {last} are not the sheet's last rows"
            )
        self.head, self.tail = xml[:start], xml[stop:]
        self.first_row, self.rows = first_row, rows
        self.cells: list[tuple[str, str, str | None]] = []  # column, style, formula text
        # The first row as openpyxl writes it, or as this class wrote it.
        for found in _ROW_CELL.finditer(xml[start : xml.find("</row>", start)]):
            column, _, style, inner = found.groups()
            formula = re.fullmatch(
                r'<f(?: t="shared" ref="[A-Z0-9:]+" si="[0-9]+")?>([^<]*)</f>'
                r"(?:<v ?/>|<v>[^<]*</v>)",
                inner,
            )
            self.cells.append((column, style, None if formula is None else formula.group(1)))
        right = max((c for c, _, _ in self.cells), key=lambda c: (len(c), c))
        self.head = _DIMENSION.sub(
            lambda m: (
                f'<dimension ref="{m.group(1)}:{_wider(m.group(2), right)}'
                f'{max(last, int(m.group(3) or 0))}"/>'
            ),
            self.head,
            count=1,
        )

    def columns(self) -> list[str]:
        return [column for column, _, _ in self.cells]

    def body(self, values: Mapping[str, Sequence[tuple[str, str]] | list[str]]) -> str:
        """The XML of every row of the block; ``values`` gives, per column letter, each
        row's cached value: a number's text, or a ``(t attribute, text)`` pair."""
        first, last = self.first_row, self.first_row + self.rows - 1
        columns = []
        for index, (column, style, formula) in enumerate(self.cells):
            found = values[column]
            numbers = range(first, last + 1)
            if formula is None:  # plain numbers
                cells = [
                    f'<c r="{column}{r}"{style}><v>{v}</v></c>'
                    for r, v in zip(numbers, found, strict=True)
                ]
            else:
                shared = f'<f t="shared" si="{index}"/>'
                if found and isinstance(found[0], str):
                    cells = [
                        f'<c r="{column}{r}"{style}>{shared}<v>{v}</v></c>'
                        for r, v in zip(numbers, found, strict=True)
                    ]
                else:
                    cells = [
                        f'<c r="{column}{r}"{style}{t}>{shared}<v>{v}</v></c>'
                        for r, (t, v) in zip(numbers, found, strict=True)
                    ]
                master = f'<f t="shared" ref="{column}{first}:{column}{last}" si="{index}">'
                cells[0] = cells[0].replace(shared, f"{master}{formula}</f>", 1)
            columns.append(cells)
        rows = zip(range(first, last + 1), zip(*columns, strict=True), strict=True)
        return "".join(f'<row r="{r}">{"".join(cells)}</row>' for r, cells in rows)

    def render(self, values: Mapping[str, Sequence[tuple[str, str]] | list[str]]) -> str:
        """The whole sheet's XML, the block's rows (:meth:`body`) in their place."""
        return self.head + self.body(values) + self.tail


def _wider(column: str | None, other: str) -> str:
    if column is None:
        return other
    return max(column, other, key=lambda c: (len(c), c))


def block_cached_values(columns: Mapping[int, object], block, scenario: int) -> dict:
    """One scenario's cached values of a row block (``columns``: the evaluator's ``Values``
    of each column, scenario-major), by column letter, as :meth:`SharedRows.body` takes them."""
    found = {}
    start, stop = scenario * block.rows, (scenario + 1) * block.rows
    for column, values in columns.items():
        part = values.rows(start, stop)
        letter = get_column_letter(column)
        if column in block.numbers or not part.kind.any():
            found[letter] = number_texts(part.number + 0.0)
        else:
            found[letter] = cached_values(part)
    return found
