"""``xlfuncs generate``: one filled workbook per scenario of a file, from the shell."""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import textwrap
from pathlib import Path

from .._printable import printable

__all__ = ["register"]

DESCRIPTION = """\
Write one filled workbook per scenario of SCENARIOS (YAML, JSON, CSV or XLSX),
and summary.xlsx and summary.csv comparing them all, into the folder --out;
with --pdf also NAME.pdf beside each NAME.xlsx (its Summary sheet on one page,
printed by LibreOffice).
Exit codes: 0 every scenario was written (or kept, with --skip-existing);
1 some scenario, PDF or the summary failed (the others were written); 2 the
command was used wrongly; 3 the output folder cannot be used (not a folder,
read-only, disk full): the batch stopped, and what was written is listed;
4 --pdf without LibreOffice: every workbook was written, no PDF (the message
says what to install); 130 stopped with Ctrl-C, 143 stopped by SIGTERM (the
workbooks written are complete).
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
    existing.add_argument(
        "--overwrite", action="store_true", help="replace existing workbooks (and PDFs)"
    )
    existing.add_argument(
        "--skip-existing",
        action="store_true",
        help="keep existing workbooks and write the missing ones (resume a batch); "
        "with --pdf, keep each PDF at least as new as its workbook",
    )
    parser.add_argument("--fail-fast", action="store_true", help="stop at the first failure")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="recalculate the workbooks with LibreOffice and report any value that differs",
    )
    parser.add_argument(
        "--pdf",
        action="store_true",
        help="also print each workbook's Summary sheet to NAME.pdf, one page, with LibreOffice",
    )
    parser.add_argument(
        "--paper",
        choices=("a4", "letter"),
        default=None,
        type=str.lower,
        help="paper of the PDFs, landscape: a4 (the default) or letter (US Letter)",
    )
    parser.add_argument(
        "--decimal",
        choices=(".", ","),
        default=None,
        metavar="MARK",
        help="decimal mark of the scenario file's numbers, '.' or ','; by default the file's "
        "own numbers settle it (0.075 or 0,95 can only be read one way)",
    )
    parser.add_argument(
        "--csv-decimal",
        choices=(".", ","),
        default=".",
        metavar="MARK",
        help="decimal mark of summary.csv: '.' (fields separated by ',', the default) or "
        "',' (fields separated by ';', for Excel in German, French and other languages)",
    )
    parser.add_argument("--recalc", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=run, parser=parser)


#: Exit codes of ``xlfuncs generate``.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_OUTPUT, EXIT_NO_PDF = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143


def run(arguments: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = arguments.parser
    if arguments.example == bool(arguments.scenarios):
        parser.error("give a scenario file or --example (one of them)")
    if arguments.jobs < 1:
        parser.error("--jobs must be 1 or more")
    if arguments.paper is not None and not arguments.pdf:
        parser.error("--paper sets the paper of the PDFs: give it with --pdf")
    if arguments.template is not None:
        from .._errors import InputError
        from ..batch.template import DEFAULT_TEMPLATE
        from ..templates import check_name

        try:
            check_name(arguments.template)
        except InputError as error:
            print(f"xlfuncs generate: {printable(str(error))}", file=sys.stderr)
            return EXIT_USAGE
        if arguments.example and arguments.template != DEFAULT_TEMPLATE:
            # The bundled examples are scenarios of one template only.
            print(
                f"xlfuncs generate: --example: the bundled examples are for {DEFAULT_TEMPLATE}, "
                f"not {printable(arguments.template)}; write a scenario file for it "
                f"(xlfuncs templates --describe {printable(arguments.template)} lists its inputs)",
                file=sys.stderr,
            )
            return EXIT_USAGE
    if arguments.recalc:
        print(
            "xlfuncs generate: --recalc is now --verify (workbooks always carry their values); "
            "--recalc will be removed in the next release.",
            file=sys.stderr,
        )
        arguments.verify = True
    if arguments.verify:
        from .._libreoffice import INSTALL_HINT, find_soffice

        if find_soffice() is None:
            print(f"xlfuncs generate: --verify: {INSTALL_HINT}.", file=sys.stderr)
            return EXIT_FAILED

    from .._files.output_folder import OutputFolderError
    from ..batch import EXAMPLE_SCENARIOS
    from ..batch.run import generate
    from ..batch.template import DEFAULT_TEMPLATE

    source = EXAMPLE_SCENARIOS if arguments.example else Path(arguments.scenarios)
    progress = _Progress()
    terminated: list[int] = []
    previous = _on_sigterm(terminated)
    try:
        report = generate(
            source,
            arguments.out,
            template=arguments.template or DEFAULT_TEMPLATE,
            jobs=arguments.jobs,
            overwrite=arguments.overwrite,
            skip_existing=arguments.skip_existing,
            fail_fast=arguments.fail_fast,
            verify=arguments.verify,
            decimal=arguments.decimal,
            csv_decimal=arguments.csv_decimal,
            progress=progress.update,
            pdf=arguments.pdf,
            paper=arguments.paper or "a4",
        )
    except KeyboardInterrupt:
        progress.close()
        how = "stopped (SIGTERM)" if terminated else "interrupted (Ctrl-C)"
        print(
            f"xlfuncs generate: {how}; the workbooks already written are complete: "
            "run again with --skip-existing to finish",
            file=sys.stderr,
        )
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
    except OutputFolderError as error:
        progress.close()
        print(f"xlfuncs generate: {printable(str(error))}", file=sys.stderr)
        return EXIT_OUTPUT
    except (ValueError, OSError) as error:  # unknown template, unreadable file ...
        progress.close()
        print(f"xlfuncs generate: {printable(str(error))}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGTERM, previous)
    progress.close()
    # Results that came after the stream (the summary, --verify) are printed here.
    print(final_table(report, results=not progress.streamed, shown=progress.count))
    if report.stopped:
        print(f"xlfuncs generate: {printable(report.stopped)}", file=sys.stderr)
        return EXIT_OUTPUT
    if report.pdf_unavailable:
        print(f"xlfuncs generate: --pdf: {printable(report.pdf_unavailable)}", file=sys.stderr)
        return EXIT_FAILED if report.failures else EXIT_NO_PDF
    return EXIT_OK if report.ok else EXIT_FAILED


def _on_sigterm(received: list[int]):
    """Handle SIGTERM as Ctrl-C is handled (noted in ``received``); returns the old handler."""

    def stop(signum, frame):
        received.append(signum)
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave signals alone
        return signal.getsignal(signal.SIGTERM)


class _Progress:
    """A progress bar on a terminal; otherwise each result once, as it comes, on stdout."""

    def __init__(self) -> None:
        self.bar = None
        #: How many results were shown as they came.
        self.count = 0
        self.streamed = not sys.stderr.isatty()
        if not self.streamed:
            from tqdm import tqdm

            self.bar = tqdm(unit=" workbooks", desc="generate", file=sys.stderr)

    def update(self, outcome) -> None:
        self.count += 1
        if self.bar is not None:
            if outcome.file.endswith(".pdf") and self.bar.unit != " PDFs":
                from tqdm import tqdm

                self.bar.close()
                self.bar = tqdm(unit=" PDFs", desc="--pdf", file=sys.stderr)
            self.bar.update(1)
            if outcome.status == "failed":
                line = f"failed: {outcome.scenario}: {outcome.reason}"
                self.bar.write(printable(line), file=sys.stderr)
        else:
            print("\n".join(result_lines(outcome, _width())), flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _width() -> int:
    return max(60, shutil.get_terminal_size((100, 20)).columns)


def result_lines(outcome, width: int) -> list[str]:
    """One result: its status, then the file written or kept, or why it failed."""
    if outcome.status == "failed":
        detail = f"{outcome.scenario or '(scenario file)'}: {outcome.reason}"
    else:
        detail = outcome.file
    wrapped = textwrap.wrap(printable(detail), width - 9, break_on_hyphens=False) or [""]
    return [f"{outcome.status:<8} {wrapped[0]}", *(" " * 9 + more for more in wrapped[1:])]


def final_table(report, results: bool = True, shown: int = 0) -> str:
    """What was written, kept and failed (with the reason), one line each, then totals.

    ``results=False`` leaves out the lines of the first ``shown`` results,
    already printed: every result counted in the totals is named somewhere.
    """
    width = _width()
    counts = {"written": 0, "skipped": 0, "failed": 0}
    lines = []
    for number, outcome in enumerate(report.outcomes):
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        if results or number >= shown:
            lines += result_lines(outcome, width)
    if lines:
        lines.append("")
    totals = ", ".join(f"{n} {status}" for status, n in counts.items())
    pdfs = getattr(report, "pdfs", None)
    if pdfs or getattr(report, "pdfs_kept", None):
        totals += f"; PDF: {len(pdfs)} written, {len(report.pdfs_kept)} kept"
    lines.append(f"{totals}; folder {printable(str(report.out_dir))}")
    if report.summary_files:
        lines.append("summary: " + ", ".join(printable(p.name) for p in report.summary_files))
    lines += [printable(note) for note in report.notes]
    if report.verified:
        failed = any(o.reason.startswith("--verify:") for o in report.failures)
        lines.append(
            "--verify: some stored values differ from LibreOffice's (see above)"
            if failed
            else "--verify: LibreOffice computes the same value for every formula"
        )
    return "\n".join(lines)
