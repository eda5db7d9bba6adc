"""``xlfuncs generate``: one filled workbook per scenario of a file, from the shell."""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
from pathlib import Path

__all__ = ["register"]

DESCRIPTION = """\
Write one filled workbook per scenario of SCENARIOS (YAML, JSON, CSV or XLSX),
and summary.xlsx and summary.csv comparing them all, into the folder --out.
Exits with 0 only when every scenario was written (or kept, with --skip-existing).
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="one filled workbook per scenario of a file, and a summary",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("scenarios", nargs="?", metavar="SCENARIOS", help="the scenario file")
    parser.add_argument(
        "--example",
        action="store_true",
        help="use the bundled example scenarios (the essay's cases; illustrative figures)",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the workbooks")
    parser.add_argument(
        "--template", default=None, metavar="NAME", help="template to fill (tco_comparison)"
    )
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (1)")
    existing = parser.add_mutually_exclusive_group()
    existing.add_argument("--overwrite", action="store_true", help="replace existing workbooks")
    existing.add_argument(
        "--skip-existing",
        action="store_true",
        help="keep existing workbooks and write the missing ones (resume a batch)",
    )
    parser.add_argument("--fail-fast", action="store_true", help="stop at the first failure")
    parser.add_argument(
        "--recalc",
        action="store_true",
        help="store calculated values in the workbooks too (needs LibreOffice)",
    )
    parser.add_argument(
        "--csv-decimal",
        choices=(".", ","),
        default=".",
        metavar="MARK",
        help="decimal mark of summary.csv: '.' (fields separated by ',', the default) or "
        "',' (fields separated by ';', for Excel in German, French and other languages)",
    )
    parser.set_defaults(handler=run, parser=parser)


def run(arguments: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = arguments.parser
    if arguments.example == bool(arguments.scenarios):
        parser.error("give a scenario file or --example (one of them)")
    if arguments.jobs < 1:
        parser.error("--jobs must be 1 or more")
    if arguments.recalc:
        from ._recalc import INSTALL_HINT, find_soffice

        if find_soffice() is None:
            print(f"xlfuncs generate: --recalc: {INSTALL_HINT}.", file=sys.stderr)
            return 1

    from .batch import EXAMPLE_SCENARIOS
    from .batch.run import generate
    from .batch.template import DEFAULT_TEMPLATE

    source = EXAMPLE_SCENARIOS if arguments.example else Path(arguments.scenarios)
    progress = _Progress()
    try:
        report = generate(
            source,
            arguments.out,
            template=arguments.template or DEFAULT_TEMPLATE,
            jobs=arguments.jobs,
            overwrite=arguments.overwrite,
            skip_existing=arguments.skip_existing,
            fail_fast=arguments.fail_fast,
            recalc=arguments.recalc,
            csv_decimal=arguments.csv_decimal,
            progress=progress.update,
        )
    except (ValueError, OSError) as error:  # unknown template, unwritable folder ...
        progress.close()
        print(f"xlfuncs generate: {error}", file=sys.stderr)
        return 1
    progress.close()
    print(final_table(report))
    return 0 if report.ok else 1


class _Progress:
    """A progress bar on a terminal; a plain line per scenario otherwise."""

    def __init__(self) -> None:
        self.bar = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(unit=" workbooks", desc="generate", file=sys.stderr)

    def update(self, outcome) -> None:
        if self.bar is not None:
            self.bar.update(1)
            if outcome.status == "failed":
                self.bar.write(f"failed: {outcome.scenario}: {outcome.reason}", file=sys.stderr)
        else:
            detail = outcome.file if outcome.status != "failed" else outcome.reason
            print(f"{outcome.status}: {outcome.scenario or '(file)'}: {detail}", file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def final_table(report) -> str:
    """What was written, kept and failed (with the reason), one line each, then totals."""
    width = max(60, shutil.get_terminal_size((100, 20)).columns)
    counts = {"written": 0, "skipped": 0, "failed": 0}
    lines = []
    for outcome in report.outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        if outcome.status == "failed":
            detail = f"{outcome.scenario or '(scenario file)'}: {outcome.reason}"
        else:
            detail = outcome.file
        wrapped = textwrap.wrap(detail, width - 9, break_on_hyphens=False) or [""]
        lines.append(f"{outcome.status:<8} {wrapped[0]}")
        lines += [" " * 9 + more for more in wrapped[1:]]
    lines.append("")
    totals = ", ".join(f"{n} {status}" for status, n in counts.items())
    lines.append(f"{totals}; folder {report.out_dir}")
    if report.summary_files:
        lines.append("summary: " + ", ".join(p.name for p in report.summary_files))
    lines += report.notes
    if report.recalculated:
        lines.append("calculated values stored by LibreOffice")
    return "\n".join(lines)
