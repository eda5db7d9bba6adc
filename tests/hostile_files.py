"""Scenario files just beyond each reading limit, and the hostile files that set them.

Shared by the tests (each file refused with its message, in a subprocess
under a hard timeout) and ``bench/bench_limits.py`` (the time and memory of
each refusal). Each maker writes one file into a folder and returns its path.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

from xlfuncs._files.limits import LIMITS

HEAD = "scenario,option,tasks_per_month,cost_per_error,cost_per_task,accuracy"


def _option_rows(name: str, count: int = 3) -> list[str]:
    return [f"{name},{k},100,10,0.5,0.9" for k in "abc"[:count]]


def big_file(folder: Path) -> Path:
    """A CSV one byte over the size limit (sparse: nothing of it is ever read)."""
    path = folder / "big.csv"
    with path.open("wb") as stream:
        stream.write(HEAD.encode() + b"\n")
        stream.truncate(LIMITS["file_bytes"].size + 1)
    return path


def too_many_rows(folder: Path) -> Path:
    """One scenario spread over one row more than the limit."""
    path = folder / "rows.csv"
    row = "One scenario,a,100,10,0.5,0.9\n"
    path.write_text(HEAD + "\n" + row * (LIMITS["rows"].size + 1), encoding="utf-8")
    return path


def too_many_columns(folder: Path) -> Path:
    """A value one column beyond the column limit."""
    path = folder / "columns.csv"
    extra = "," * (LIMITS["columns"].size - len(HEAD.split(",")) + 1) + "x"  # column limit + 1
    lines = [HEAD, *(r + extra for r in _option_rows("Desk"))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def too_many_scenarios(folder: Path) -> Path:
    """A YAML list of one scenario more than the limit."""
    path = folder / "scenarios.yaml"
    path.write_text("scenarios: [" + "{}, " * LIMITS["scenarios"].size + "{}]\n", encoding="utf-8")
    return path


def too_deep_json(folder: Path) -> Path:
    """100,000 nested lists."""
    path = folder / "deep.json"
    path.write_text('{"scenarios": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    return path


def too_deep_yaml(folder: Path) -> Path:
    """Block mappings nested one level deeper than the limit (within YAML's own limit)."""
    path = folder / "deep.yaml"
    lines = ["scenarios:", "  - name: x"]
    lines += [f"{'  ' * (level + 2)}k{level}:" for level in range(LIMITS["depth"].size)]
    lines[-1] += " 1"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def billion_laughs(folder: Path) -> Path:
    """Nine levels of ten aliases: a billion copies of one scalar, used as a name."""
    path = folder / "laughs.yaml"
    lines = ['a0: &a0 "lol"']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    lines += ["scenarios:", "  - name: *a9", "    options: []"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def too_many_aliases(folder: Path) -> Path:
    """One alias more than the limit, each a plain scalar."""
    path = folder / "aliases.yaml"
    aliases = ", ".join(["*n"] * (LIMITS["aliases"].size + 1))
    path.write_text(f"note: &n x\nscenarios: [[{aliases}]]\n", encoding="utf-8")
    return path


def zip_bomb(folder: Path) -> Path:
    """A workbook whose one part unpacks to a byte more than the limit (compressed: ~100 KB)."""
    path = folder / "bomb.xlsx"
    chunk = b" " * 2**20
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part,
    ):
        for _ in range(LIMITS["unpacked_bytes"].size // len(chunk)):
            part.write(chunk)
        part.write(b" ")
    return path


def too_many_parts(folder: Path) -> Path:
    """A workbook of one zip part more than the limit."""
    path = folder / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(LIMITS["zip_parts"].size + 1):
            archive.writestr(f"part{number}.xml", "")
    return path


def whole_grid_workbook(folder: Path) -> Path:
    """A small scenario workbook whose sheet declares every cell of Excel's grid."""
    from openpyxl import Workbook

    path = folder / "grid.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "Scenarios"
    for line in [HEAD, *_option_rows("Desk")]:
        sheet.append([_cell(v) for v in line.split(",")])
    book.save(path)
    _rewrite_sheet(
        path, lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml)
    )
    return path


def far_cell_workbook(folder: Path) -> Path:
    """A scenario workbook with a value in the last row of Excel's grid."""
    from openpyxl import Workbook

    path = folder / "far.xlsx"
    book = Workbook()
    sheet = book.active
    for line in [HEAD, *_option_rows("Desk")]:
        sheet.append([_cell(v) for v in line.split(",")])
    sheet["A1048576"] = "far away"
    book.save(path)
    return path


def escaped_quotes_json(folder: Path) -> Path:
    """58 KB of escaped quotes in a string never closed: every quote could start a string."""
    path = folder / "quotes.json"
    path.write_text('{"scenarios": ["' + '\\"' * 29_000, encoding="utf-8")
    return path


def named_pipe(folder: Path) -> Path:
    """A named pipe called cases.csv: opening it to read waits for a writer for ever."""
    path = folder / "pipe.csv"
    os.mkfifo(path)
    return path


def endless_device(folder: Path) -> Path:
    """cases.csv, a link to /dev/zero: a file that never ends."""
    path = folder / "zero.csv"
    path.symlink_to("/dev/zero")
    return path


def _cell(text: str) -> object:
    try:
        return float(text)
    except ValueError:
        return text


def _rewrite_sheet(path: Path, change) -> None:
    with zipfile.ZipFile(path) as source:
        parts = {i.filename: source.read(i) for i in source.infolist()}
    name = "xl/worksheets/sheet1.xml"
    changed = change(parts[name].decode("utf-8"))
    assert changed != parts[name].decode("utf-8")
    parts[name] = changed.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for filename, data in parts.items():
            target.writestr(filename, data)


#: Each maker, and a piece of the message that refuses its file (None: it is read).
REFUSALS = {
    "file size": (big_file, "a scenario file's size is limited to 67,108,864 bytes"),
    "rows": (too_many_rows, "the number of rows of a scenario table is limited to 100,000"),
    "columns": (too_many_columns, "the number of columns of a scenario table is limited to"),
    "scenarios": (too_many_scenarios, "the number of scenarios in a file is limited to 50,000"),
    "JSON nesting": (too_deep_json, "the nesting of lists and mappings is limited to 32 levels"),
    "YAML nesting": (too_deep_yaml, "the nesting of lists and mappings is limited to 32 levels"),
    "billion laughs": (billion_laughs, "once YAML aliases are expanded is limited to 1,000,000"),
    "aliases": (too_many_aliases, "the number of YAML aliases (*name) is limited to 10,000"),
    "zip bomb": (zip_bomb, "a scenario workbook's unpacked size is limited to 104,857,600"),
    "zip parts": (too_many_parts, "the number of parts in a scenario workbook is limited to"),
    "far cell": (far_cell_workbook, "the number of rows of a scenario table is limited to"),
    "whole grid": (whole_grid_workbook, None),
    "escaped quotes": (escaped_quotes_json, "not valid JSON"),
}
if hasattr(os, "mkfifo") and os.path.exists("/dev/zero"):
    REFUSALS["named pipe"] = (named_pipe, "is not a regular file")
    REFUSALS["/dev/zero"] = (endless_device, "is not a regular file")


# Reading in a fresh process ---------------------------------------------------

READ_IN_A_FRESH_PROCESS = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from batch_standin import STANDIN
    from xlfuncs.batch.read.checker import ScenarioFileError
    from xlfuncs.batch.read.sources import read_scenarios
    from xlfuncs.batch.template import Layout
    try:
        items = list(read_scenarios(sys.argv[1], Layout.of(STANDIN)))
    except ScenarioFileError as error:
        print("refused:", error)
    else:
        print("read:", len(items), [type(i).__name__ for i in items])
    """
)


def read_in_a_fresh_process(path: Path) -> str:
    """Read ``path`` as scenarios in a new interpreter: ``refused: ...`` or ``read: ...``."""
    code = READ_IN_A_FRESH_PROCESS.format(tests=str(Path(__file__).parent))
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()
