"""Stored values in every workbook: their cost, as ratios against baselines timed in the same run.

Run: ``python bench/bench_stored_values.py`` (about a minute on two cores).

1. 1,000 tco_comparison workbooks (four options, 36 months) written by
   ``xlfuncs.generate`` with every formula's value stored, against a plain
   openpyxl build of the same workbooks without values (timed on a sample
   and scaled). Target: at least 10x.
2. The same batch against LibreOffice recalculation, the only way to get
   values into the files before (20 workbooks through one soffice run,
   scaled to 1,000, plus the batch itself). Target: at least 100x.
3. All five templates built with their stored values in a new process,
   imports included. Target: under 2 s.
4. The evaluation alone: one block of 256 scenarios against one scenario
   at a time.
5. The batch of 1. with zlib instead of ISA-L (where isal has no wheels).
"""

from __future__ import annotations

import sys
import tempfile
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_batch import scenarios  # noqa: E402
from bench_templates import cold_seconds  # noqa: E402

import xlfuncs  # noqa: E402
import xlfuncs._ooxml as ooxml  # noqa: E402
from xlfuncs._libreoffice import recalculate  # noqa: E402
from xlfuncs.batch.read.sources import read_scenarios  # noqa: E402
from xlfuncs.batch.template import Layout, resolve_template  # noqa: E402
from xlfuncs.formulas import Calculator  # noqa: E402
from xlfuncs.templates._workbook import TemplateBook, deterministic_bytes  # noqa: E402

TEMPLATE = resolve_template("tco_comparison")
COUNT = 1000


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def plain_build(values, path: Path) -> None:
    """The template built by openpyxl alone: formulas without values."""
    package = TemplateBook.package
    TemplateBook.package = lambda book: deterministic_bytes(book.workbook)
    try:
        TEMPLATE.build(values, path)
    finally:
        TemplateBook.package = package


def main() -> None:
    print(f"xlfuncs {xlfuncs.__version__}, Python {sys.version.split()[0]}")
    batch = list(scenarios(COUNT))
    values = [s.values for s in read_scenarios(batch[:60], Layout.of(TEMPLATE))]
    with tempfile.TemporaryDirectory(prefix="xlfuncs-bench-") as name:
        folder = Path(name)
        stored = min(
            timed(lambda: xlfuncs.generate(batch, folder / "stored", overwrite=True))
            for _ in range(2)
        )
        (folder / "plain").mkdir()
        plain = timed(
            lambda: [plain_build(v, folder / "plain" / f"{i}.xlsx") for i, v in enumerate(values)]
        )
        plain *= COUNT / len(values)
        sample = sorted((folder / "stored").glob("Case *.xlsx"))[:20]
        libreoffice = timed(lambda: recalculate(sample, folder / "libreoffice"))
        with_libreoffice = stored + libreoffice * COUNT / len(sample)
    print(f"1. {COUNT} workbooks of tco_comparison (4 options, 36 months), one process")
    each = 1000 / COUNT
    print(f"   plain openpyxl build, no values:   {plain:7.2f} s ({each * plain:.1f} ms each)")
    print(f"   xlfuncs.generate, values stored:   {stored:7.2f} s ({each * stored:.1f} ms each)")
    print(f"   speed-up over plain:               {plain / stored:7.1f}x  (target >= 10)")
    print(f"2. the batch with LibreOffice recalculation ({len(sample)} timed, scaled):")
    print(f"                                      {with_libreoffice:7.1f} s")
    print(
        f"   speed-up over LibreOffice:         {with_libreoffice / stored:7.1f}x  (target >= 100)"
    )
    cold = cold_seconds()
    print(f"3. all five templates with stored values, new process: {cold:.2f} s  (target < 2)")
    with tempfile.TemporaryDirectory(prefix="xlfuncs-bench-") as name:
        book = TEMPLATE.build(values[0], Path(name) / "one.xlsx")
    calculator = Calculator.of_book(book)
    block = {key: [v[key] for v in (values * 5)[:256]] for key in calculator.inputs}
    whole = min(timed(lambda: calculator.evaluate(block)) for _ in range(3))
    singles = timed(lambda: [calculator.evaluate({k: [v[k]] for k in v}) for v in values[:20]])
    singles *= 256 / 20
    print("4. evaluating every formula of tco_comparison for 256 scenarios")
    print(f"   one block:             {1000 * whole:7.1f} ms")
    print(f"   one scenario at a time:{1000 * singles:7.1f} ms")
    print(f"   speed-up:              {singles / whole:7.1f}x")
    fast, ooxml._fast_zlib = ooxml._fast_zlib, zlib
    try:
        with tempfile.TemporaryDirectory(prefix="xlfuncs-bench-") as name:
            with_zlib = min(
                timed(lambda: xlfuncs.generate(batch, Path(name), overwrite=True)) for _ in range(2)
            )
    finally:
        ooxml._fast_zlib = fast
    print(f"5. the batch of 1. deflated with zlib: {with_zlib:5.2f} s", end="")
    print(f" ({with_zlib / stored:.2f}x the time with {fast.__name__.split('.')[0]})")


if __name__ == "__main__":
    main()
