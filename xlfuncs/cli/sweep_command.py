"""``xlfuncs sweep``: a template's summary figures for every scenario of a grid; a decision map."""

from __future__ import annotations

import argparse
import signal
import sys

from .._printable import printable

__all__ = ["register"]

DESCRIPTION = """\
Compute the template's summary figures (those of summary.csv) for every scenario
of a sweep file (a base scenario and the keys to vary, YAML or JSON) or of a
scenario file (CSV, XLSX, YAML, JSON), in blocks, and write them to sweep.csv
(and sweep.parquet) in --out: one row per scenario and option, the swept values
as columns, the cheapest option and by how much. --map X,Y adds sweep.xlsx, a
decision map of two swept keys (and sweep.png with --png). See docs/sweep.md.
Exit codes: 0 done; 1 some scenarios of a scenario file or some workbooks failed;
2 the command was used wrongly or the sweep file is bad; 3 the output folder
cannot be used; 130 stopped with Ctrl-C, 143 stopped by SIGTERM (nothing left
that looks complete).
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sweep",
        help="summary figures for every combination of a few inputs, and a decision map",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", help="the sweep file or scenario file")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the files")
    parser.add_argument(
        "--template", default=None, metavar="NAME", help="template, if FILE names none"
    )
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (1)")
    parser.add_argument(
        "--dask",
        default=None,
        metavar="ADDRESS",
        help="run the blocks on a Dask cluster: its scheduler's address, or local:N for "
        "N worker processes on this machine",
    )
    parser.add_argument(
        "--parquet", action="store_true", help="write sweep.parquet too (the parquet extra)"
    )
    parser.add_argument("--no-csv", action="store_true", help="do not write sweep.csv")
    parser.add_argument(
        "--max-scenarios",
        type=int,
        default=None,
        metavar="N",
        help="allow a sweep of up to N scenarios (default 2,000,000)",
    )
    parser.add_argument("--overwrite", action="store_true", help="replace existing files")
    parser.add_argument(
        "--csv-decimal",
        choices=(".", ","),
        default=".",
        metavar="MARK",
        help="decimal mark of sweep.csv, as for summary.csv",
    )
    parser.add_argument(
        "--workbooks",
        type=int,
        default=0,
        metavar="N",
        help="write the filled workbooks of the first N scenarios (or of the first N "
        "meeting --where) into DIR/workbooks",
    )
    parser.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="NUMBER|NAME",
        help="write the workbook of this scenario too, by number (from 1) or by name; "
        "may be repeated",
    )
    parser.add_argument(
        "--where",
        default=None,
        metavar="CONDITION",
        help="choose the scenarios for --workbooks, e.g. \"cheapest == 'Frontier' and "
        'tasks_per_month >= 10000" (default 100 workbooks)',
    )
    parser.add_argument(
        "--map", default=None, metavar="X,Y", help="write sweep.xlsx: a map of two swept keys"
    )
    parser.add_argument(
        "--at",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="for the map, the value of another swept key (default: its middle value)",
    )
    parser.add_argument("--png", action="store_true", help="draw the map to sweep.png too")
    parser.set_defaults(handler=run, parser=parser)


EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_OUTPUT = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143
_WHERE_DEFAULT = 100


def _say(text: str) -> None:
    print(f"xlfuncs sweep: {printable(text)}", file=sys.stderr)


def run(arguments: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = arguments.parser
    if arguments.jobs < 1:
        parser.error("--jobs must be 1 or more")
    if arguments.dask and arguments.jobs > 1:
        parser.error("choose --jobs or --dask, not both")
    if arguments.max_scenarios is not None and arguments.max_scenarios < 1:
        parser.error("--max-scenarios must be 1 or more")
    if arguments.png and not arguments.map:
        parser.error("--png draws the map: give --map X,Y too")
    formats = (() if arguments.no_csv else ("csv",)) + (("parquet",) if arguments.parquet else ())
    if not formats:
        parser.error("--no-csv leaves nothing to write: add --parquet")
    from .._errors import InputError, MissingDependencyError, OutputFolderError, SweepError
    from ..sweep.grid import DEFAULT_LIMIT
    from ..sweep.stream import sweep

    limit = arguments.max_scenarios or DEFAULT_LIMIT
    workbooks = arguments.workbooks
    if arguments.where is not None and not workbooks:
        workbooks = _WHERE_DEFAULT
    progress = _SweepProgress()
    terminated: list[int] = []
    previous = _on_sigterm(terminated)
    cluster = None
    try:
        executor = workers = None
        if arguments.dask:
            executor, cluster, workers = _dask_executor(arguments.dask)
        report = sweep(
            arguments.file,
            arguments.out,
            template=arguments.template,
            jobs=arguments.jobs,
            executor=executor,
            workers=workers,
            formats=formats,
            max_scenarios=limit,
            overwrite=arguments.overwrite,
            csv_decimal=arguments.csv_decimal,
            where=arguments.where,
            workbooks=workbooks,
            pick=arguments.scenario,
            announce=progress.start,
            progress=progress.update,
        )
        progress.close()
        made = []
        if arguments.map:
            from ..sweep.decision_map import write_map

            made = write_map(
                report_plan(arguments, limit),
                arguments.out,
                arguments.map,
                arguments.at,
                png=arguments.png,
                overwrite=arguments.overwrite,
            )
    except KeyboardInterrupt:
        progress.close()
        how = "stopped (SIGTERM)" if terminated else "interrupted (Ctrl-C)"
        _say(f"{how}; no sweep file was left unfinished: run again to make them")
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
    except OutputFolderError as error:
        progress.close()
        _say(str(error))
        return EXIT_OUTPUT
    except FileExistsError as error:
        progress.close()
        _say(f"{error} already exists in {arguments.out} (--overwrite replaces it)")
        return EXIT_FAILED
    except (SweepError, MissingDependencyError) as error:
        progress.close()
        _say(str(error))
        return EXIT_FAILED
    except (InputError, ValueError) as error:
        progress.close()
        _say(str(error))
        return EXIT_USAGE
    except OSError as error:
        progress.close()
        _say(str(error))
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGTERM, previous)
        if cluster is not None:
            cluster.close()
    for line in _lines(report, made):
        print(line)
    for problem in report.problems:
        _say(problem)
    if report.problem_count > len(report.problems):
        _say(f"... and {report.problem_count - len(report.problems):,} more scenario problems")
    for failure in report.failures:
        _say(failure)
    return EXIT_OK if report.ok else EXIT_FAILED


def report_plan(arguments, limit):
    from ..sweep.stream import plan_of

    plan, _ = plan_of(arguments.file, arguments.template, limit)
    return plan


def _lines(report, made) -> list[str]:
    lines = [f"{report.count:,} scenarios; folder {printable(str(report.out_dir))}"]
    files = [p.name for p in report.files] + [p.name for p in made]
    lines.append("written: " + ", ".join(printable(f) for f in files))
    if report.workbooks:
        lines.append(
            f"workbooks: {len(report.workbooks)} in {printable(str(report.workbooks[0].parent))}"
        )
    if report.problem_count:
        count = report.problem_count
        lines.append(f"{count:,} scenario{'s' if count > 1 else ''} of the file could not be read")
    lines += [printable(n) for n in report.notes]
    return lines


def _dask_executor(address: str):
    """A Dask client's executor for ``ADDRESS`` or ``local:N``, what to close after, and the
    cluster's threads (blocks computed at once)."""
    try:
        import distributed
    except ImportError:
        from .._errors import MissingDependencyError
        from .._install import DASK, pip_install

        raise MissingDependencyError(
            "--dask needs the optional dask.distributed package; install it with: "
            + pip_install(DASK)
        ) from None
    cluster = None
    if address.startswith("local:"):
        count = address.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            from .._errors import InputError

            raise InputError(f"--dask local:N needs a number of workers N, got {address!r}")
        cluster = distributed.LocalCluster(
            n_workers=int(count),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=40,
        )
        client = distributed.Client(cluster)
    else:
        client = distributed.Client(address)

    class _Closing:
        def close(self):
            client.close()
            if cluster is not None:
                cluster.close()

    threads = sum(client.nthreads().values()) or 1
    return client.get_executor(pure=False), _Closing(), threads


def _on_sigterm(received: list[int]):
    def stop(signum, frame):
        received.append(signum)
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, stop)
    except ValueError:
        return signal.getsignal(signal.SIGTERM)


class _SweepProgress:
    """The count announced first; then a progress bar of scenarios on a terminal."""

    def __init__(self) -> None:
        self.bar = None
        self.total = None

    def start(self, sentence: str) -> None:
        print(f"xlfuncs sweep: {printable(sentence)}", file=sys.stderr, flush=True)
        import re

        found = re.match(r"([\d,]+) scenarios", sentence)
        self.total = int(found.group(1).replace(",", "")) if found else None
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=self.total, unit=" scenarios", desc="sweep", file=sys.stderr)

    def update(self, count: int) -> None:
        if self.bar is not None:
            self.bar.update(count)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
