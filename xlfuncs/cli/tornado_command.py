"""``xlfuncs tornado BLOCK.csv``: which guess moves TCO most, as a table and a chart.

The block files are option blocks saved as CSV, laid out as in a sheet
(name, then a value or low, most likely and high, then optionally the
distribution), and read like the batch scenario files: ``,`` or ``;``
between cells, a decimal comma with ``;``, thousands separators and ``95%``.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path

from .._install import MATPLOTLIB, pip_install

_HEADERS = ["input", "low", "high", "result at low", "result at high", "swing"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "tornado",
        help="which uncertain input moves TCO most: a tornado table and chart",
        description=(
            "Compute TCO (or, with --other, the TCO difference option - other) with each "
            "uncertain input of the blocks at its low and at its high value, every other "
            "input at its most likely value, and print the inputs by swing, largest first "
            "(as the Excel function TCO_TORNADO does). With --png, also draw the tornado "
            f"chart (needs matplotlib: {pip_install(MATPLOTLIB)})."
        ),
    )
    parser.add_argument(
        "block", type=Path, metavar="BLOCK.csv", help="the option's block, as a CSV file"
    )
    parser.add_argument(
        "--other", type=Path, metavar="B.csv", help="a second option: figures become differences"
    )
    parser.add_argument(
        "--shared",
        type=Path,
        metavar="S.csv",
        help="inputs of both options: tasks_per_month, months, monthly_growth, "
        "annual_discount_rate",
    )
    parser.add_argument("--png", type=Path, metavar="out.png", help="draw the chart to this file")
    parser.add_argument(
        "--overwrite", action="store_true", help="replace the chart file if it exists"
    )
    parser.add_argument("--csv", action="store_true", help="print CSV for scripts")
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> int:
    from .._errors import InputError, MissingDependencyError
    from .._tornado import TORNADO_COLUMNS, tco_tornado

    files = {"option_block": arguments.block}
    if arguments.other is not None:
        files["other_block"] = arguments.other
    if arguments.shared is not None:
        files["shared_block"] = arguments.shared
    if arguments.png is not None and arguments.png.suffix.lower() != ".png":
        return _fail(
            f"--png {arguments.png}: the chart is a PNG picture, so the file name must end in .png"
        )
    if arguments.png is not None and arguments.png.exists() and not arguments.overwrite:
        return _fail(f"{arguments.png} already exists (use --overwrite to replace it)")
    try:
        blocks = {argument: read_block_file(path) for argument, path in files.items()}
        table = tco_tornado(
            blocks["option_block"], blocks.get("other_block"), blocks.get("shared_block")
        )
    except InputError as error:
        return _fail(_in_file_words(str(error), error.argument, files))

    what = "TCO difference (a - b)" if "other_block" in blocks else "TCO"
    if arguments.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(TORNADO_COLUMNS)
        for name, *numbers in table.tolist():
            writer.writerow([name, *("" if math.isnan(v) else format(v, ".15g") for v in numbers)])
    else:
        _print_table(table, what, files)
    if arguments.png is not None:
        from .._tornado_chart import draw_tornado

        try:
            draw_tornado(table, arguments.png, what, note=_which_is_which(files, name_only=True))
        except MissingDependencyError as error:
            return _fail(str(error))
        except OSError as error:
            return _fail(f"cannot write {arguments.png}: {error.strerror or error}")
        print(f"Chart written to {arguments.png}", file=sys.stderr)
    return 0


def read_block_file(path: Path) -> list[list[object]]:
    """An option block from a CSV file, as the rows of cells a sheet range gives.

    Numbers are read with the batch files' reader (decimal comma with ``;``,
    thousands separators, ``95%``); text stays text; empty cells are
    ``None``. Short rows are padded with empty cells, and columns empty in
    every row at the right are dropped.
    """
    from .._errors import ScenarioFileError
    from .._files.csv_table import csv_records

    file = str(path)
    if _is_workbook(path):
        raise ScenarioFileError(
            f"{file}: is a workbook, not a CSV file; save the sheet with the block as CSV "
            "(in Excel: File > Save As > CSV UTF-8) and give that file"
        )
    try:
        with csv_records(path, file) as (records, decimal):
            rows = [[_cell(text, decimal) for text in cells] for _, cells in records]
    except FileNotFoundError:
        raise ScenarioFileError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise ScenarioFileError(f"{file}: is a folder, not a CSV file") from None
    except OSError as error:
        raise ScenarioFileError(f"{file}: cannot be read ({error.strerror or error})") from None
    width = max((len(row) for row in rows), default=0)
    while width and all(len(row) < width or row[width - 1] is None for row in rows):
        width -= 1
    if not width:
        raise ScenarioFileError(f"{file}: the file is empty")
    return [row[:width] + [None] * (width - len(row)) for row in rows]


#: How workbook files begin: XLSX/XLSM/ODS are zip archives, XLS an OLE2 compound file.
_WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def _is_workbook(path: Path) -> bool:
    try:
        with open(path, "rb") as stream:
            start = stream.read(8)
    except OSError:
        return False  # the reader says what is wrong with it
    return start.startswith(_WORKBOOK_SIGNATURES)


def _cell(text: str, decimal: str) -> object:
    from .._files.number_text import parse_number

    text = text.strip()
    if not text:
        return None
    number = parse_number(text, decimal)
    return text if number is None else number


def _in_file_words(message: str, argument: str | None, files: dict[str, Path]) -> str:
    """A block's message with the block named by its file: ``b.csv row 3: ...``."""
    prefix = f"TCO_TORNADO: {argument}"
    if argument in files and message.startswith(prefix):
        rest = message[len(prefix) :]
        return f"{files[argument]}{rest}"
    return message.removeprefix("TCO_TORNADO: ")


def _fail(message: str) -> int:
    print(f"xlfuncs tornado: {message}", file=sys.stderr)
    return 1


def _money(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    return f"{value:,.2f}" if math.isfinite(value) else "overflow"


def _value(value: float) -> str:
    if math.isnan(value):
        return ""
    return f"{value:,.15g}"


def _which_is_which(files: dict[str, Path], name_only: bool = False) -> str:
    """What the prefixes a:, b: and shared: stand for; empty for a single block."""
    if "other_block" not in files:
        return ""
    names = {"option_block": "a", "other_block": "b", "shared_block": "shared"}
    return "; ".join(
        f"{names[argument]}: {path.name if name_only else path}" for argument, path in files.items()
    )


def _print_table(table, what: str, files: dict[str, Path]) -> None:
    lines = [_HEADERS]
    for name, low, high, at_low, at_high, swing in table.tolist():
        lines.append(
            [name, _value(low), _value(high), _money(at_low), _money(at_high), _money(swing)]
        )
    widths = [max(len(row[i]) for row in lines) for i in range(len(_HEADERS))]
    print(f"{what}, with one input at a time at its low and its high value (money)")
    if "other_block" in files:
        print(_which_is_which(files))
    for row in lines:
        cells = [
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())
