"""XLSX scenario files: the container checked before unpacking, then the cells as stored.

A password-protected workbook (an OLE file, not a zip) and a zip beyond the
limits are refused from the file's first bytes and its zip directory. The
sheet is then read cell by cell with openpyxl's parser and defusedxml (no
XML entities), ignoring the size the sheet declares; a formula is read as
its stored value, or as a :class:`~xlfuncs._files.text.Formula` when there is none.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from pathlib import Path

from ..._files.limits import LIMITS, LimitError
from ..._files.text import FileReadError, Formula, check_size

__all__ = ["xlsx_rows"]


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
