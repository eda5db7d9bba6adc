"""The Risk sheet's cost: writing its trials, its size, and its recalculation.

Run: ``python bench/bench_risk.py`` (a few minutes on two cores). Every
figure is a ratio against a baseline timed in the same run (the machine is
shared and noisy).

1. The trial rows of one tco_comparison workbook (1,000 trials, four
   options) with their values stored, as xlfuncs writes them (one
   evaluation of each column for every trial at once, shared formulas
   written into the sheet's XML), against openpyxl alone saving the same
   cells without values. Target: at least 10x. The rows' own cost is the
   difference between a workbook of 10,000 trials and one of 1,000, per
   1,000 (the rest of the workbook is the same in both).
2. One whole workbook (a scenario's, every sheet) and a batch of 100 such
   workbooks: ms per workbook, and the ratio against openpyxl saving the
   same workbook without values.
3. The file's size at 1,000 trials (target under 500 KB) and at 10,000.
4. LibreOffice's recalculation of one such workbook: what a reader's
   machine does when it opens the file.
5. ``tco_sim(..., generator="hdr")`` with 1,000,000 trials (target under
   1 s), against the default generator.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from _timing import best_of  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

import xlfuncs  # noqa: E402
from xlfuncs._libreoffice import recalculate  # noqa: E402
from xlfuncs._ooxml import SharedRows, block_cached_values  # noqa: E402
from xlfuncs.batch.run import make_workbooks  # noqa: E402
from xlfuncs.batch.template import resolve_template  # noqa: E402
from xlfuncs.formulas import Calculator  # noqa: E402
from xlfuncs.templates._workbook import TemplateBook, deterministic_bytes  # noqa: E402
from xlfuncs.templates.tco_comparison import ILLUSTRATIVE_RANGES  # noqa: E402

TEMPLATE = resolve_template("tco_comparison")


def scenario(index: int, trials: int = 1000) -> dict:
    values = {spec.name: spec.default for spec in TEMPLATE.inputs}
    values.update(ILLUSTRATIVE_RANGES)
    values.update(scenario=f"Scenario {index}", risk_entity=float(index), risk_trials=trials)
    return values


def trial_rows(folder: Path) -> float:
    print("1. The trial rows of one workbook (1,000 trials, four options)")
    book = TEMPLATE.build(scenario(1), folder / "one.xlsx")
    block = book.row_blocks[0]
    sheet = book.workbook[block.sheet]
    # The same cells through openpyxl: every row's formulas, translated as a spreadsheet
    # would show them, saved without values.
    from openpyxl import Workbook
    from openpyxl.formula.translate import Translator

    first = {column: sheet.cell(block.first_row, column).value for column in block.columns}
    plain = Workbook()
    target = plain.active

    def fill() -> None:
        for offset in range(block.rows):
            row = block.first_row + offset
            for column, text in first.items():
                origin = sheet.cell(block.first_row, column).coordinate
                here = sheet.cell(row, column).coordinate
                value = (
                    Translator(text, origin).translate_formula(here)
                    if isinstance(text, str)
                    else offset + 1
                )
                target.cell(row, column, value)

    fill()
    baseline = best_of(lambda: plain.save(io.BytesIO()), 2)
    print(
        f"   openpyxl saving the {block.rows * len(first):,} cells without values: {baseline:.3f} s"
    )
    from xlfuncs._ooxml import read_package, sheet_parts

    def writing(trials: int):
        """Evaluating the whole workbook and writing its trial rows with their values."""
        path = folder / f"rows{trials}.xlsx"
        built = TEMPLATE.build(scenario(1, trials), path)
        calculator = Calculator.of_book(built)
        rows_block = built.row_blocks[0]
        _, parts = read_package(path.read_bytes())
        sheet_xml = parts[sheet_parts(parts)[rows_block.sheet]].decode("utf-8")
        rows = SharedRows(sheet_xml, rows_block.first_row, rows_block.rows)

        def run() -> None:
            evaluation = calculator.evaluate()
            rows.body(block_cached_values(evaluation.block(rows_block), rows_block, 0))

        return run

    # The rows' own cost, apart from the rest of the workbook (the same at any number of
    # trials): the difference between 10,000 and 1,000 trials, per 1,000.
    small, large = best_of(writing(1_000), 5), best_of(writing(10_000), 5)
    per_thousand = (large - small) / 9
    print(
        f"   xlfuncs: the whole workbook evaluated and its trial rows written with their "
        f"values: {small:.3f} s with 1,000 trials, {large:.3f} s with 10,000"
    )
    print(
        f"   the rows' own cost per 1,000 trials: {per_thousand:.3f} s; "
        f"ratio {baseline / per_thousand:.1f}x   (target at least 10x)"
    )
    return baseline


def whole_workbooks(folder: Path, trial_cells: float) -> None:
    print("2. Whole workbooks with a Risk sheet of 1,000 trials")
    package = TemplateBook.package
    TemplateBook.package = lambda book: deterministic_bytes(book.workbook)
    try:
        baseline = best_of(lambda: TEMPLATE.build(scenario(1), folder / "plain.xlsx"), 2)
    finally:
        TemplateBook.package = package
    baseline += trial_cells  # its trial rows saved by openpyxl too (item 1)
    print(
        f"   openpyxl saving one workbook without values, its trial rows included: "
        f"{baseline * 1000:.0f} ms"
    )

    def one_workbook() -> None:
        make_workbooks("tco_comparison", [(scenario(1), "a.xlsx")], str(folder / "one"), "replace")

    # The first workbook of a process builds the template (openpyxl) and compiles its
    # formulas; every later one, alone or in a batch, reuses them.
    start = time.perf_counter()
    one_workbook()
    first = time.perf_counter() - start
    one = best_of(one_workbook, 3)
    print(
        f"   xlfuncs, the first workbook of a process (the template's build included): "
        f"{first * 1000:.0f} ms, {baseline / first:.1f}x"
    )
    print(f"   xlfuncs, one more workbook alone: {one * 1000:.0f} ms, {baseline / one:.1f}x")
    jobs = [(scenario(i), f"s{i}.xlsx") for i in range(100)]
    (folder / "batch").mkdir()
    (folder / "one").mkdir(exist_ok=True)
    start = time.perf_counter()
    results = make_workbooks("tco_comparison", jobs, str(folder / "batch"), "replace")
    batch = time.perf_counter() - start
    assert all(status == "written" for status, *_ in results), results[:1]
    print(
        f"   xlfuncs, a batch of 100: {batch:.2f} s, {batch * 10:.0f} ms per workbook, "
        f"{baseline / (batch / 100):.1f}x the openpyxl save"
    )


def sizes(folder: Path) -> Path:
    print("3. File size")
    found = None
    for trials in (1000, 10_000):
        name = f"size{trials}.xlsx"
        make_workbooks("tco_comparison", [(scenario(7, trials), name)], str(folder), "replace")
        size = (folder / name).stat().st_size
        print(
            f"   {trials:,} trials: {size / 1000:.0f} KB"
            + ("   (target under 500 KB)" if trials == 1000 else "")
        )
        found = found or folder / name
    return found


def libreoffice(path: Path, folder: Path) -> None:
    print("4. LibreOffice's recalculation of one workbook (1,000 trials)")
    empty = folder / "empty.xlsx"
    from openpyxl import Workbook

    Workbook().save(empty)
    start_up = best_of(lambda: recalculate([empty], folder / "lo0"), 1)
    whole = best_of(lambda: recalculate([path], folder / "lo1"), 1)
    print(f"   soffice with an empty workbook (start-up): {start_up:.2f} s")
    print(
        f"   soffice with the workbook: {whole:.2f} s "
        f"(the recalculation itself about {whole - start_up:.2f} s)"
    )
    load_workbook(folder / "lo1" / path.name, data_only=True)


def simulation() -> None:
    print("5. tco_sim with 1,000,000 trials, four uncertain inputs")
    block = {
        "tasks_per_month": (10_000, 20_000, 40_000),
        "cost_per_task": (0.002, 0.004, 0.01),
        "accuracy": (0.9, 0.95, 0.97, "pert"),
        "cost_per_error": (5, 20, 100),
    }
    hdr = best_of(lambda: xlfuncs.tco_sim(block, trials=1_000_000, generator="hdr"), 2)
    default = best_of(lambda: xlfuncs.tco_sim(block, trials=1_000_000), 2)
    print(
        f'   generator="hdr" {hdr:.3f} s, generator="default" {default:.3f} s, '
        f"ratio {hdr / default:.2f}; target under 1 s"
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="xlfuncs-bench-") as name:
        folder = Path(name)
        whole_workbooks(folder, trial_rows(folder))
        path = sizes(folder)
        libreoffice(path, folder)
        simulation()


if __name__ == "__main__":
    main()
