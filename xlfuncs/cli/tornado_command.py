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
import os
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
    parser.add_argument(
        "--decimal",
        choices=(".", ","),
        default=None,
        metavar="MARK",
        help="decimal mark of the block files' numbers, '.' or ','; by default each file's "
        "own numbers settle it (0.075 or 0,95 can only be read one way)",
    )
    parser.add_argument(
        "--csv", action="store_true", help="print CSV for scripts (inputs named a:NAME, b:NAME)"
    )
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
    if arguments.png is not None:
        problem = _png_problem(arguments.png, arguments.overwrite)
        if problem:
            return _fail(problem)
    try:
        blocks = {
            argument: read_block_file(path, getattr(arguments, "decimal", None))
            for argument, path in files.items()
        }
        table = tco_tornado(
            blocks["option_block"], blocks.get("other_block"), blocks.get("shared_block")
        )
    except InputError as error:
        return _fail(_in_file_words(str(error), error.argument, files))

    labels = block_labels(blocks, files)
    what = f"TCO difference ({labels['a']} - {labels['b']})" if "other_block" in blocks else "TCO"
    if arguments.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(TORNADO_COLUMNS)
        for name, *numbers in table.tolist():
            writer.writerow([name, *("" if math.isnan(v) else format(v, ".15g") for v in numbers)])
    else:
        _print_table(relabelled(table, blocks, files), what, files, labels)
    if arguments.png is not None:
        from .._tornado_chart import draw_tornado

        try:
            draw_tornado(
                relabelled(table, blocks, files),
                arguments.png,
                what,
                note=_which_is_which(files, labels, name_only=True),
            )
        except MissingDependencyError as error:
            return _fail(str(error))
        except OSError as error:
            return _fail(f"cannot write {arguments.png}: {error.strerror or error}")
        print(f"Chart written to {arguments.png}", file=sys.stderr)
    return 0


def _png_problem(path: Path, overwrite: bool) -> str:
    """Why the chart cannot be written to ``path``; empty when it can.

    A symbolic link is refused, dangling or not: writing through it would
    put the chart (or replace a file) somewhere else than the name given.
    """
    if path.is_symlink():
        target = os.readlink(path)
        dangling = "" if path.exists() else ", which does not exist"
        return (
            f"--png {path} is a symbolic link to {target}{dangling}; give the path of the "
            "chart file itself"
        )
    if path.is_dir():
        return f"--png {path}: is a folder; give the name of the chart file (ending in .png)"
    if path.exists() and not path.is_file():
        return f"--png {path}: is not a regular file; give the name of a chart file"
    if path.exists() and not overwrite:
        return f"{path} already exists (use --overwrite to replace it)"
    return ""


_PREFIXES = {"option_block": "a", "other_block": "b", "shared_block": "shared"}


def block_labels(blocks: dict[str, list[list[object]]], files: dict[str, Path]) -> dict[str, str]:
    """What each prefix (``a``, ``b``, ``shared``) stands for, in the files' own words.

    A block's heading row names it (``Efficient model, Low, Most likely,
    High``); a block without one is named by its file's name. Two blocks of
    one name keep their letters.
    """
    from .._option_block import _is_heading

    labels = {}
    for argument, rows in blocks.items():
        first = rows[0][0] if rows and rows[0] else None
        heading = isinstance(first, str) and first.strip() and _is_heading(rows[0])
        labels[_PREFIXES[argument]] = first.strip() if heading else files[argument].stem
    if len({label.casefold() for label in labels.values()}) < len(labels):
        return {prefix: prefix for prefix in labels}
    return labels


def relabelled(table, blocks: dict[str, list[list[object]]], files: dict[str, Path]):
    """The table with ``a:cost_per_error`` shown as ``Efficient model: cost_per_error``."""
    import numpy as np

    labels = block_labels(blocks, files)
    names = []
    for name in table["input"].tolist():
        prefix, colon, rest = name.partition(":")
        names.append(f"{labels[prefix]}: {rest}" if colon and prefix in labels else name)
    width = max(len(n) for n in names)
    dtype = [("input", f"U{width}")] + [(n, table.dtype[n]) for n in table.dtype.names[1:]]
    out = np.empty(len(table), dtype=dtype)
    out["input"] = names
    for field in table.dtype.names[1:]:
        out[field] = table[field]
    return out


def read_block_file(path: Path, decimal: str | None = None) -> list[list[object]]:
    """An option block from a CSV file, as the rows of cells a sheet range gives.

    Numbers are read with the batch files' reader (decimal comma with ``;``,
    thousands separators, ``95%``); text stays text; empty cells are
    ``None``. Short rows are padded with empty cells, and columns empty in
    every row at the right are dropped. ``decimal`` states the decimal mark
    (by default the file's own numbers settle it).
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
        with csv_records(path, file, decimal) as (records, mark):
            rows = [[_cell(text, mark) for text in cells] for _, cells in records]
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
    if not path.is_file():
        return False  # a folder, a named pipe, a device: the reader says what is wrong
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


def _which_is_which(files: dict[str, Path], labels: dict[str, str], name_only: bool = False) -> str:
    """Which file each block's name comes from; empty for a single block."""
    if "other_block" not in files:
        return ""
    if name_only:  # under the chart, whose bars name the blocks already: the files, short
        names = [path.name for path in files.values()]
        return "from " + (", ".join(names[:-1]) + " and " + names[-1])
    return "; ".join(f"{labels[_PREFIXES[a]]}: {path}" for a, path in files.items())


def _print_table(table, what: str, files: dict[str, Path], labels: dict[str, str]) -> None:
    lines = [_HEADERS]
    for name, low, high, at_low, at_high, swing in table.tolist():
        lines.append(
            [name, _value(low), _value(high), _money(at_low), _money(at_high), _money(swing)]
        )
    widths = [max(len(row[i]) for row in lines) for i in range(len(_HEADERS))]
    print(f"{what}, with one input at a time at its low and its high value (money)")
    if "other_block" in files:
        print(_which_is_which(files, labels))
    for row in lines:
        cells = [
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())
