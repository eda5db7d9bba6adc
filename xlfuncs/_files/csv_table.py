"""CSV tables as Excel writes them in any locale: the rows, within the limits, and the decimal mark.

A CSV file may be UTF-8 with or without a byte order mark (or UTF-16), with
``,`` or ``;`` between cells (or a tab), and a decimal point or a decimal
comma, the same for every number of the file (:mod:`.number_text`). The
scenario reader and the option blocks of ``xlfuncs tornado`` both read CSV
through this module, under the limits of :mod:`.limits`.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterator
from pathlib import Path

from .._errors import FileReadError, LimitError, MixedDecimalMarksError, ScenarioFileError
from .limits import CELL_TEXT, LIMITS
from .number_text import DecimalMark
from .text import open_text

__all__ = ["csv_records", "csv_rows"]

#: A CSV file's rows: (line number, cells).
Records = Iterator[tuple[int, list[str]]]


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def csv_rows(path: Path, file: str) -> Records:
    """The CSV file's rows ``(line, cells)``, within the limits."""
    rows_limit, columns_limit = LIMITS["rows"], LIMITS["columns"]
    with open_text(path, file) as stream:
        first = stream.readline()
        while first and not first.strip(" \r\n,;\t"):
            first = stream.readline()
        delimiter = _delimiter(first)
        stream.seek(0)
        reader = csv.reader(stream, delimiter=delimiter)
        count = 0
        try:
            for cells in reader:
                if len(cells) > columns_limit.size and any(
                    c.strip() for c in cells[columns_limit.size :]
                ):
                    raise columns_limit.refuse(file, f"line {reader.line_num:,}")
                count += 1
                if count > rows_limit.size + 1:  # the headings and the rows below them
                    raise rows_limit.refuse(file, f"line {reader.line_num:,}")
                yield reader.line_num, cells
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise FileReadError(
                    f"{file}, line {reader.line_num + 1}: a cell holds more than "
                    f"{csv.field_size_limit():,} characters; a spreadsheet cell holds at most "
                    f"{CELL_TEXT:,}"
                ) from None
            raise FileReadError(f"{file}: not a readable CSV file: {error}") from None


@contextlib.contextmanager
def csv_records(
    path: Path, file: str, decimal: str | None = None
) -> Iterator[tuple[Records, str | None]]:
    """Open any CSV table as Excel writes it: its records (line, cells) and its decimal mark.

    The mark (``"."`` or ``","``) is settled by the file's own numbers, as
    for scenario files; ``None`` when nothing settles it, and then
    :func:`~xlfuncs._files.number_text.parse_number` refuses only the numbers that
    read two ways. The limits on scenario files apply. A file that cannot be
    read, or whose numbers use both marks, raises :class:`ScenarioFileError`
    naming ``file``. Other tables (option blocks for ``xlfuncs tornado``)
    are read through this too. ``decimal`` states the mark instead.
    """
    mark = DecimalMark(decimal)
    try:
        for number, cells in csv_rows(path, file):
            for cell in cells:
                mark.see(cell, f"line {number}")
        mark.check(file)
        yield csv_rows(path, file), mark.mark
    except (FileReadError, LimitError, MixedDecimalMarksError) as error:
        raise ScenarioFileError(str(error)) from None
