"""XLSX scenario files: the container checked before unpacking, then the cells as stored.

A password-protected workbook (an OLE file, not a zip) and a zip beyond the
limits are refused from the file's first bytes and its zip directory; so
are, with a message saying what to do, a zip holding no workbook, an
OpenDocument spreadsheet renamed ``.xlsx`` and a workbook saved as Strict
Open XML. The sheet read is the one named ``Scenarios`` (in any case), else
the first visible sheet of cells (never a hidden one, nor a chart sheet).
It is read cell by cell with openpyxl's parser and defusedxml (no XML
entities), ignoring the size the sheet declares; a formula is read as its
stored value, or as a :class:`~xlfuncs._files.text.Formula` when there is
none, or when the file says its stored values are placeholders to
recalculate (``fullCalcOnLoad``, as XlsxWriter and openpyxl write: their
formulas store 0 or nothing).
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Iterator
from pathlib import Path

from ..._files.limits import LIMITS, LimitError
from ..._files.text import FileReadError, Formula, check_size

__all__ = ["xlsx_rows"]


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_DIRECTORY = b"PK\x05\x06"


_STRICT = b"purl.oclc.org/ooxml"
_OPEN_DOCUMENT = b"application/vnd.oasis.opendocument"
_RECALCULATE = re.compile(rb"<(?:\w+:)?calcPr\b[^>]*\bfullCalcOnLoad=\"(?:1|true)\"")
# The package's parts that say what it is are read only if they are this small.
_SMALL_PART = 1 << 20


def _check_workbook_container(path: Path, file: str) -> bool:
    """Refuse a password-protected or old-format workbook, and a zip beyond the limits,
    from the file's first bytes and its zip directory, before unpacking anything.

    Then refuse a zip that is not a workbook of the transitional format,
    and return whether the workbook asks for its formulas to be recalculated
    when opened (so that the values it stores are placeholders)."""
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
            infos = {info.filename: info for info in archive.infolist()}
            unpacked = sum(info.file_size for info in infos.values())
            parts = len(infos)
            if parts > limit.size:
                raise limit.refuse(file, found=f"it has {parts:,}")
            limit = LIMITS["unpacked_bytes"]
            if unpacked > limit.size:
                raise limit.refuse(file, found=f"it unpacks to {unpacked:,}")

            def small(name: str) -> bytes:
                info = infos.get(name)
                return archive.read(info) if info and info.file_size <= _SMALL_PART else b""

            return _recalculates(small, file)
    except (FileReadError, LimitError):
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise FileReadError(f"{file}: not a readable .xlsx workbook ({error})") from None


def _recalculates(small, file: str) -> bool:
    """What the package's own parts say it is; whether it asks to be recalculated on opening."""
    if small("mimetype").startswith(_OPEN_DOCUMENT):
        raise FileReadError(
            f"{file}: this is an OpenDocument spreadsheet (.ods) named .xlsx; in LibreOffice, "
            "save it as Excel 2007-365 (.xlsx)"
        )
    relations = small("_rels/.rels")
    if _STRICT in relations:
        raise FileReadError(
            f"{file}: this workbook is saved as Strict Open XML, which cannot be read; in Excel, "
            "save it as Excel Workbook (.xlsx)"
        )
    found = re.search(
        rb'Target="/?([^"]*)"[^>]*/officeDocument"|/officeDocument"[^>]*Target="/?([^"]*)"',
        relations,
    )
    workbook = (found.group(1) or found.group(2)).decode("utf-8", "replace") if found else ""
    data = small(workbook or "xl/workbook.xml")
    if not data:
        raise FileReadError(f"{file}: not an .xlsx workbook (a zip file without a workbook in it)")
    if _STRICT in data:
        raise FileReadError(
            f"{file}: this workbook is saved as Strict Open XML, which cannot be read; in Excel, "
            "save it as Excel Workbook (.xlsx)"
        )
    return _RECALCULATE.search(data) is not None


def _cell_parser(placeholders: bool = False):
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class CellParser(WorkSheetParser):
        """openpyxl's sheet parser, reading each cell's stored value and noting its formula.

        With ``placeholders``, a formula's stored value is never taken.
        """

        def parse_cell(self, element):
            cell = super().parse_cell(element)
            formula = element.find(FORMULA_TAG)
            # A stored value: text in <v>, or an empty text result (t="str") as Excel stores it.
            # Programs that write formulas without calculating them leave <v> empty.
            stored = bool(element.findtext(VALUE_TAG)) or (
                element.get("t") == "str" and element.find(VALUE_TAG) is not None
            )
            if formula is not None and (placeholders or not stored):
                cell["formula"] = "=" + formula.text if formula.text else "a shared formula"
                cell["placeholder"] = placeholders and stored
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
    placeholders = _check_workbook_container(path, file)
    try:
        # openpyxl parses with defusedxml when it is installed (a dependency of
        # xlfuncs), which refuses entity declarations: no XML bombs.
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # zip, XML or openpyxl errors of all kinds
        raise FileReadError(f"{file}: cannot read this workbook ({_reason(error)})") from error
    try:
        sheet = _scenario_sheet(book, file)
        parser = _cell_parser(placeholders)
        rows_limit, columns_limit = LIMITS["rows"], LIMITS["columns"]
        with sheet._get_source() as source:
            cells = parser(
                source,
                getattr(sheet, "_shared_strings", book.shared_strings),
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
                        value = Formula(
                            sheet.title, coordinate, cell["formula"], cell["placeholder"]
                        )
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


def _scenario_sheet(book, file: str):
    """The sheet of cells named ``Scenarios`` in any case, else the first visible one."""
    sheets = [s for s in book.worksheets if hasattr(s, "_get_source")]
    named = [s for s in sheets if s.title.strip().casefold() == "scenarios"]
    visible = [s for s in sheets if getattr(s, "sheet_state", "visible") == "visible"]
    if named or visible:
        return (named or visible)[0]
    charts = [s.title for s in book.chartsheets]
    if charts:
        raise FileReadError(
            f"{file}: the sheet {charts[0]} is a chart, and the workbook has no visible sheet of "
            "cells to read scenarios from; put the table on a sheet named Scenarios"
        )
    raise FileReadError(
        f"{file}: the workbook has no visible sheet of cells to read scenarios from; put the "
        "table on a sheet named Scenarios"
    )


def _reason(error: BaseException) -> str:
    """The first cause of a failed read, in words."""
    while error.__cause__ is not None or error.__context__ is not None:
        error = error.__cause__ or error.__context__
    if type(error).__module__.startswith("defusedxml"):
        return "it declares XML entities, which are refused as a possible XML bomb"
    return f"{type(error).__name__}: {error}"
