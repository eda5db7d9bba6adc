"""Writing the summary table to ``summary.xlsx`` and ``summary.csv``.

``summary.xlsx`` holds values, never formulas, and names as text; it reads
the same in every language of Excel and LibreOffice.

``summary.csv`` is UTF-8 with a byte order mark so that Excel reads accents
right. By default its fields are separated by ``,`` with ``.`` decimals; with
``decimal=","`` by ``;`` with decimal commas, as Excel in German, French and
many other languages expects. Every text field is quoted, and no text can be
read as a formula whichever of ``,``, ``;`` or tab the reader splits the
lines on: a reader that splits on another separator than the file's cuts
text at that separator (quotes do not protect it: a quoted field followed by
a character that is not the reader's separator is not a quoted field to it),
so each piece it could cut off that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return gets a ``'`` in front, as OWASP recommends against
CSV injection.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..._errors import InputError
from ..._files.saving import save_atomically
from ..._ooxml import inline_string, number_text
from ...templates._workbook import starts_like_formula

__all__ = ["Columns", "neutralise", "write"]


@dataclass(frozen=True)
class Columns:
    """The table's columns: headings, widths, and the number format of each figure column.

    ``formats`` maps a column's position to its Excel number format; every
    other column holds text.
    """

    headings: tuple[str, ...]
    widths: tuple[float, ...]
    formats: dict[int, str]

    def is_text(self, index: int) -> bool:
        return index not in self.formats


# Where a reader could start a cell: the start of the text, or after a
# separator it might split on or a line break it might end a row at. Spaces
# and quotes a reader might strip come before the formula character.
_PIECE_START = re.compile(r"""(?:^|(?<=[,;\t\r\n]))([ "]*)(?=[=+\-@\t\r])""")

#: The decimal marks ``summary.csv`` can be written with, and the field separator of each.
CSV_SEPARATORS = {".": ",", ",": ";"}


def neutralise(text: str) -> str:
    """Text made safe for a CSV cell however a reader splits it.

    Every piece a reader could cut off at a ``,``, ``;``, tab or line break
    (and the text itself) that starts with a formula character (``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return, after any spaces or
    quotes) gets a ``'`` in front of that character.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("Acme")
    ('\\'=HYPERLINK("http://x")', 'Acme')
    >>> neutralise("x;=1+1;y"), neutralise("a, -b"), neutralise("Email - cheap")
    ("x;'=1+1;y", "a, '-b", 'Email - cheap')
    """
    return _PIECE_START.sub(r"\1'", text)


def write(
    rows: Callable[[], Iterator[Sequence[object]]],
    columns: Columns,
    out_dir: Path,
    overwrite: bool,
    decimal: str = ".",
) -> list[Path]:
    """Write summary.xlsx and summary.csv into ``out_dir``; returns their paths.

    ``rows()`` gives the rows afresh each time it is called: the rows are
    made once per file rather than held in a list. ``decimal`` is the CSV's
    decimal mark: ``"."`` (fields separated by ``,``) or ``","`` (by ``;``).
    """
    if decimal not in CSV_SEPARATORS:
        raise InputError(
            f"summary.csv: the decimal mark must be '.' or ',', got {decimal!r}",
            argument="csv_decimal",
        )
    # A summary file there in another case (Summary.xlsx) is the same file on Windows
    # and macOS: it is written (or kept) under the name it has.
    present = {}
    with contextlib.suppress(OSError), os.scandir(out_dir) as entries:
        present = {e.name.casefold(): e.name for e in entries}
    paths = [out_dir / present.get(n, n) for n in ("summary.xlsx", "summary.csv")]
    for path in paths:
        if not overwrite and path.exists():
            raise FileExistsError(path.name)
    save_atomically(lambda path: _write_xlsx(rows(), path, columns), paths[0], overwrite)
    save_atomically(lambda path: _write_csv(rows(), path, columns, decimal), paths[1], overwrite)
    return paths


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _styled_skeleton(columns: Columns) -> tuple[dict[str, bytes], list, str, list[str], list[str]]:
    """A summary workbook laid out by openpyxl: its parts, and each column's cell attributes.

    Row 2 holds a sample of each column's style, row 3 the text columns with
    Excel's quote prefix (for text that starts like a formula).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Summary"
    sheet.freeze_panes = "C2"
    for index, width in enumerate(columns.widths):
        sheet.column_dimensions[_column_letter(index)].width = width
    sheet.append(columns.headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index in range(len(columns.headings)):
        plain, quoted = sheet.cell(2, index + 1), sheet.cell(3, index + 1)
        if columns.is_text(index):
            plain.value, quoted.value = "x", "x"
            quoted.quotePrefix = True
        else:
            plain.value = 1.0
            plain.number_format = columns.formats[index]
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        infos = archive.infolist()
        parts = {i.filename: archive.read(i) for i in infos}
    xml = parts["xl/worksheets/sheet1.xml"].decode("utf-8")

    def openings(row: int) -> list[str]:
        found = dict(re.findall(rf'<c r="([A-Z]+){row}"([^>]*)>', xml))
        return [found.get(_column_letter(i), "") for i in range(len(columns.headings))]

    return parts, infos, xml, openings(2), openings(3)


def _write_xlsx(rows: Iterable[Sequence[object]], path: str, columns: Columns) -> None:
    """summary.xlsx: values only, names as text, each column in its number format.

    The rows are written straight into the sheet XML of a workbook that
    openpyxl laid out (styles, widths, frozen heading): tens of thousands of
    rows take a fraction of a second.
    """
    parts, infos, xml, plain, quoted = _styled_skeleton(columns)
    heading = re.search(r'<row r="1".*?</row>', xml).group()
    before, _, rest = xml.partition("<sheetData>")
    after = rest[rest.index("</sheetData>") :]
    # The dimension is not known before the rows are out; it is optional (Excel
    # and LibreOffice work it out), so it goes rather than hold every row in memory.
    before = re.sub(r'<dimension ref="[^"]*" ?/>', "", before)
    sheet = "xl/worksheets/sheet1.xml"
    letters = [_column_letter(i) for i in range(len(columns.headings))]
    with zipfile.ZipFile(path, "w") as archive:
        for info in infos:
            if info.filename != sheet:
                archive.writestr(info, parts[info.filename])
                continue
            entry = zipfile.ZipInfo(sheet, info.date_time)
            entry.compress_type = info.compress_type
            with archive.open(entry, "w") as stream:
                stream.write(f"{before}<sheetData>{heading}".encode())
                for number, row in enumerate(rows, start=2):
                    xml_row = _row_xml(number, row, plain, quoted, columns, letters)
                    stream.write(xml_row.encode("utf-8"))
                stream.write(after.encode())


def _row_xml(
    number: int,
    row: Sequence[object],
    plain: list[str],
    quoted: list[str],
    columns: Columns,
    letters: list[str],
) -> str:
    cells = []
    for index, value in enumerate(row):
        if value is None:
            continue
        if columns.is_text(index):
            text = str(value)
            attributes = (quoted if starts_like_formula(text) else plain)[index]
            body = inline_string(text)
        else:
            attributes, body = plain[index], f"<v>{number_text(value)}</v>"
        cells.append(f'<c r="{letters[index]}{number}"{attributes}>{body}</c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def _write_csv(
    rows: Iterable[Sequence[object]], path: str, columns: Columns, decimal: str = "."
) -> None:
    separator = CSV_SEPARATORS[decimal]
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        stream.write(_csv_line(columns.headings, separator, decimal))
        for row in rows:
            stream.write(_csv_line(row, separator, decimal))


def _csv_line(row: Sequence[object], separator: str, decimal: str) -> str:
    """One line of the CSV: text quoted and neutralised, numbers bare in the decimal mark."""
    fields = []
    for value in row:
        if isinstance(value, str):
            fields.append('"' + neutralise(value).replace('"', '""') + '"')
        elif value is None:
            fields.append("")
        else:
            number = format(value, ".12g")
            fields.append(number.replace(".", ",") if decimal == "," else number)
    return separator.join(fields) + "\r\n"
