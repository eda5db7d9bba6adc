"""``sweep``: every scenario's summary figures, in blocks, streamed to sweep.csv and sweep.parquet.

The blocks (of :data:`~xlfuncs.sweep.compute.BLOCK` scenarios) are computed in
this process, in worker processes (``jobs``) or as tasks of a Dask cluster
(``dask``), and written in order as they come back: the files are the same
byte for byte however the work was split, and memory holds a bounded number
of blocks whatever the number of scenarios. Each file is written to a
temporary file beside it and moved into place when complete: a sweep
stopped by Ctrl-C or a kill never leaves a file that looks complete.
"""

from __future__ import annotations

import collections
import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._errors import InputError, SweepError, SweepFileError
from .._files.output_folder import prepare_folder
from .._files.saving import new_part, remove_stale_parts, signals_held
from ..batch.read.checker import ScenarioProblem
from .compute import (
    BLOCK,
    CHEAPER_BY,
    CHEAPEST,
    Plan,
    block_table,
    encode_arrow,
    encode_csv,
    header_csv,
)
from .grid import DEFAULT_LIMIT, Grid, read_sweep
from .where import Condition, parse_where

__all__ = [
    "FORMATS",
    "SweepError",
    "SweepFileError",
    "SweepReport",
    "compute_block",
    "plan_of",
    "sweep",
]

#: The files a sweep can write.
FORMATS = ("csv", "parquet")


@dataclass
class SweepReport:
    """What a sweep wrote."""

    out_dir: Path
    template: str
    #: Scenarios computed.
    count: int = 0
    files: list[Path] = field(default_factory=list)
    #: 0-based numbers of the scenarios chosen for workbooks (``--where``, ``--workbooks``).
    chosen: list[int] = field(default_factory=list)
    workbooks: list[Path] = field(default_factory=list)
    #: Scenarios of a scenario file that could not be read, with why.
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problem_count and not self.failures


def plan_of(source, template: str | None = None, limit: int | None = DEFAULT_LIMIT):
    """The plan of a sweep file, or ``(plan, scenarios)`` for a scenario file.

    A ``.yaml``/``.yml``/``.json`` file with a ``sweep`` key is a sweep
    file; any other scenario file (CSV, XLSX, YAML, JSON) is swept one
    scenario a row.
    """
    if isinstance(source, Grid):
        return Plan(source.template, source, source.base.option_names), None
    path = Path(source)
    if path.suffix.lower() in (".yaml", ".yml", ".json") and _is_sweep_file(path):
        grid = read_sweep(path, template, limit)
        return Plan(grid.template, grid, grid.base.option_names), None
    from ..batch.read.sources import read_scenarios
    from ..batch.template import DEFAULT_TEMPLATE, Layout, resolve_template

    chosen = resolve_template(template or _named_template(path) or DEFAULT_TEMPLATE)
    return Plan(chosen.name, None), read_scenarios(path, Layout.of(chosen))


def _is_sweep_file(path: Path) -> bool:
    try:
        with open(path, "rb") as stream:
            head = stream.read(1 << 20)
    except OSError:
        return True  # read_sweep says why it cannot be read
    import re

    return re.search(rb'(^|\n|[{,]\s*)"?sweep"?\s*:', head) is not None


def _named_template(path: Path) -> str | None:
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        return None
    import re

    with open(path, "rb") as stream:
        found = re.search(rb'(?m)^"?template"?\s*:\s*"?([A-Za-z_]+)', stream.read(1 << 16))
    return found.group(1).decode() if found else None


# The worker side -------------------------------------------------------------


def compute_block(
    plan: Plan,
    start: int,
    stop: int,
    given: Sequence | None,
    formats: tuple[str, ...],
    csv_decimal: str,
    where: Condition | None,
) -> tuple[bytes | None, bytes | None, list[int]]:
    """One task: a block's CSV lines, its Arrow stream, and the scenarios meeting ``where``."""
    block = block_table(plan, start, stop, given)
    csv = encode_csv(block, csv_decimal) if "csv" in formats else None
    arrow = encode_arrow(plan, block) if "parquet" in formats else None
    chosen: list[int] = []
    if where is not None:
        columns = scenario_columns(plan, block)
        mask = where.mask(columns, len(block.scenarios))
        chosen = block.scenarios[mask].tolist()
    return csv, arrow, chosen


def scenario_columns(plan: Plan, block) -> dict[str, object]:
    """A block's columns by scenario, for ``--where``: number, axes, cheapest, cheaper_by."""
    columns: dict[str, object] = {"scenario": block.scenarios + 1}
    if plan.grid is not None:
        positions = np.unravel_index(block.scenarios, plan.grid.shape)
        for axis, where in zip(plan.grid.axes, positions, strict=True):
            columns[axis.key] = (
                np.asarray(axis.values, dtype=float)[where]
                if axis.numeric
                else [axis.values[i] for i in where.tolist()]
            )
    columns[CHEAPEST] = block.cheapest
    columns[CHEAPER_BY] = block.cheaper_by
    return columns


def where_columns(plan: Plan) -> tuple[list[str], dict[str, bool]]:
    names = ["scenario", *(axis.key for axis in plan.axes), CHEAPEST, CHEAPER_BY]
    numeric = {"scenario": True, CHEAPEST: False, CHEAPER_BY: True}
    numeric.update({axis.key: axis.numeric for axis in plan.axes})
    return names, numeric


# The driver ------------------------------------------------------------------


def _blocks(plan: Plan, scenarios, report: SweepReport) -> Iterator[tuple[int, int, list | None]]:
    """The blocks to compute: ranges of the grid, or scenarios read from a file."""
    if plan.grid is not None:
        for start in range(0, plan.grid.count, BLOCK):
            yield start, min(start + BLOCK, plan.grid.count), None
        return
    pending: list = []
    number = 0
    for item in scenarios:
        if isinstance(item, ScenarioProblem):
            report.problem_count += 1
            if len(report.problems) < 20:
                report.problems.append(str(item))
            continue
        pending.append((item.name, item.values, item.option_names))
        if len(pending) >= BLOCK:
            yield number, number + len(pending), pending
            number += len(pending)
            pending = []
    if pending:
        yield number, number + len(pending), pending


class _Output:
    """sweep.csv and sweep.parquet, each written to a temporary file until complete."""

    def __init__(self, folder: Path, plan: Plan, formats, csv_decimal: str, overwrite: bool):
        self.folder, self.overwrite = folder, overwrite
        self.targets = {kind: folder / f"sweep.{kind}" for kind in formats}
        for target in self.targets.values():
            if target.exists() and not overwrite:
                raise FileExistsError(target.name)
        self.parts: dict[str, str] = {}
        self.csv = self.parquet = None
        try:
            self._open(plan, formats, csv_decimal)
        except BaseException:
            self.abandon()
            raise

    def _open(self, plan: Plan, formats, csv_decimal: str) -> None:
        with signals_held():
            for kind in formats:
                self.parts[kind] = new_part(str(self.folder), "sweep")
        if "csv" in self.targets:
            self.csv = open(self.parts["csv"], "wb")  # noqa: SIM115 - closed in finish/abandon
            self.csv.write(header_csv(plan, csv_decimal))
        if "parquet" in self.targets:
            import pyarrow.parquet as pq

            from .compute import arrow_schema

            self.parquet = pq.ParquetWriter(self.parts["parquet"], arrow_schema(plan))

    def write(self, csv: bytes | None, arrow: bytes | None) -> None:
        if self.csv is not None and csv is not None:
            self.csv.write(csv)
        if self.parquet is not None and arrow is not None:
            import pyarrow as pa

            with pa.ipc.open_stream(arrow) as reader:
                self.parquet.write_table(reader.read_all())

    def finish(self) -> list[Path]:
        self._close()
        with signals_held():
            for kind, target in self.targets.items():
                if self.overwrite:
                    os.replace(self.parts[kind], target)
                else:
                    os.link(self.parts[kind], target)
                    os.unlink(self.parts[kind])
        return list(self.targets.values())

    def abandon(self) -> None:
        with contextlib.suppress(Exception):
            self._close()
        for part in self.parts.values():
            with contextlib.suppress(OSError):
                os.unlink(part)

    def _close(self) -> None:
        if self.csv is not None:
            self.csv.close()
            self.csv = None
        if self.parquet is not None:
            self.parquet.close()
            self.parquet = None


def sweep(
    source,
    out_dir: str | os.PathLike[str],
    *,
    template: str | None = None,
    jobs: int = 1,
    executor: Executor | None = None,
    workers: int | None = None,
    formats: Sequence[str] = ("csv",),
    max_scenarios: int | None = DEFAULT_LIMIT,
    overwrite: bool = False,
    csv_decimal: str = ".",
    where: str | None = None,
    workbooks: int = 0,
    pick: Sequence[int | str] = (),
    announce: Callable[[str], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> SweepReport:
    """Compute every scenario's summary figures and write them to sweep.csv / sweep.parquet.

    Parameters
    ----------
    source : path-like or Grid
        A sweep file (YAML or JSON with ``base`` and ``sweep``; see
        :mod:`xlfuncs.sweep.grid`) or a scenario file of any kind the
        batch reads, swept one scenario a row.
    out_dir : path-like
        Folder for the files (created if missing).
    template : str, optional
        The template, when the file does not name one.
    jobs : int, default 1
        Worker processes; 1 computes in this process.
    executor : concurrent.futures.Executor, optional
        Where to compute the blocks instead (a Dask ``Client.get_executor()``).
    workers : int, optional
        How many blocks ``executor`` computes at once (a cluster's threads);
        twice as many are kept in flight. By default this machine's cores.
    formats : sequence of {"csv", "parquet"}, default ("csv",)
        The files to write; ``parquet`` needs pyarrow (the ``parquet`` extra).
    max_scenarios : int or None
        The most scenarios a sweep file may make.
    overwrite : bool, default False
        Replace sweep.csv and sweep.parquet if they exist.
    csv_decimal : {".", ","}
        sweep.csv's decimal mark, as for ``summary.csv``.
    where : str, optional
        A condition (see :mod:`xlfuncs.sweep.where`) choosing scenarios for workbooks.
    workbooks : int, default 0
        Write the filled workbooks of this many scenarios (the first ones,
        or the first meeting ``where``) into ``out_dir/workbooks``.
    pick : sequence of int or str
        Scenarios whose workbooks to write as well: by number (from 1), or by
        name (a scenario file's names; a grid's scenarios are named after the
        base scenario and their number, ``Support desk 17``).
    announce : callable, optional
        Called with a sentence saying how many scenarios are to come, before any work.
    progress : callable, optional
        Called with the number of scenarios of each block as it is written.

    Returns
    -------
    SweepReport
    """
    formats = tuple(dict.fromkeys(formats))
    for kind in formats:
        if kind not in FORMATS:
            raise InputError(
                f"sweep: formats are csv and parquet, got {kind!r}", argument="formats"
            )
    if csv_decimal not in (".", ","):
        raise InputError(f"sweep: csv_decimal must be '.' or ',', got {csv_decimal!r}")
    if "parquet" in formats:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            from .._errors import MissingDependencyError
            from .._install import PYARROW, pip_install

            raise MissingDependencyError(
                "sweep: sweep.parquet needs the optional pyarrow package; install it with: "
                + pip_install(PYARROW)
            ) from None
    plan, scenarios = plan_of(source, template, max_scenarios)
    condition = None
    if where is not None:
        names, numeric = where_columns(plan)
        condition = parse_where(where, names, numeric)
    if announce is not None:
        if plan.grid is not None:
            shape = " x ".join(f"{len(a):,} {a.key}" for a in plan.grid.axes)
            announce(f"{plan.grid.count:,} scenarios of {plan.template} ({shape})")
        else:
            announce(f"the scenarios of {source} (template {plan.template}), read as they come")
    folder = Path(out_dir)
    prepare_folder(folder)
    report = SweepReport(folder, plan.template)
    stale = remove_stale_parts(folder)
    if stale:
        report.notes.append(
            f"removed {len(stale)} temporary file(s) left by an interrupted run in this folder"
        )
    wanted = workbooks if condition is not None else 0
    numbers = [p for p in pick if isinstance(p, int) or str(p).strip().isdigit()]
    names = {str(p) for p in pick if p not in numbers}
    if plan.grid is not None:
        numbered = {
            name: n
            for name, n in _named_numbers(names)
            if name == f"{plan.grid.base.name} {n}" and 1 <= n <= plan.grid.count
        }
        numbers += list(numbered.values())
        names -= set(numbered)
    numbers = [int(n) for n in numbers]
    found: set[str] = set()
    output = _Output(folder, plan, formats, csv_decimal, overwrite)
    pool = None
    if executor is None and jobs > 1:
        pool = executor = _process_pool(jobs)
    if pool is not None:
        workers = jobs
    elif executor is not None:
        workers = max(2, workers or os.cpu_count() or 1)
    else:
        workers = 1
    given_by_number: dict[int, tuple] = {}
    try:
        for (start, stop, given), (csv, arrow, chosen) in _run(
            plan, scenarios, report, executor, workers, formats, csv_decimal, condition
        ):
            output.write(csv, arrow)
            report.count = stop
            accepted = []
            if condition is not None and len(report.chosen) < wanted:
                accepted = chosen[: wanted - len(report.chosen)]
                report.chosen += accepted
            if given is not None:  # a scenario file's scenarios that get a workbook
                keep = set(accepted) | {n - 1 for n in numbers}
                for offset, item in enumerate(given):
                    if names and item[0] in names and item[0] not in found:
                        found.add(item[0])
                        keep.add(start + offset)
                        numbers.append(start + offset + 1)
                if condition is None:
                    keep |= set(range(start, min(stop, workbooks)))
                for number in keep:
                    if start <= number < stop:
                        given_by_number[number] = given[number - start]
            if progress is not None:
                progress(stop - start)
        report.files = output.finish()
    except BaseException:
        output.abandon()
        raise
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if condition is None and workbooks:
        report.chosen = list(range(min(workbooks, report.count)))
    for name in sorted(names - found):
        report.failures.append(f"--scenario {name!r}: no scenario of that name")
    for number in numbers:
        if not 1 <= number <= report.count:
            report.failures.append(
                f"--scenario {number}: the sweep has scenarios 1 to {report.count:,}"
            )
        elif number - 1 not in report.chosen:
            report.chosen.append(number - 1)
    if report.chosen:
        _write_workbooks(plan, report, given_by_number, overwrite)
    return report


def _named_numbers(names) -> list[tuple[str, int]]:
    """Names such as ``Support desk 17`` with the number at their end."""
    found = []
    for name in names:
        head, _, tail = name.rpartition(" ")
        if head and tail.isdigit():
            found.append((name, int(tail)))
    return found


def _run(plan, scenarios, report, executor, workers, formats, csv_decimal, condition):
    """Each block with its result, in order; at most a few blocks in flight."""
    blocks = _blocks(plan, scenarios, report)
    arguments = (formats, csv_decimal, condition)
    if executor is None:
        for start, stop, given in blocks:
            yield (start, stop, given), compute_block(plan, start, stop, given, *arguments)
        return
    in_flight: collections.deque = collections.deque()
    limit = 2 * workers
    for start, stop, given in blocks:
        with signals_held():
            future = executor.submit(compute_block, plan, start, stop, given, *arguments)
        in_flight.append(((start, stop, given), future))
        while len(in_flight) >= limit:
            done, future = in_flight.popleft()
            yield done, _result(future)
    while in_flight:
        done, future = in_flight.popleft()
        yield done, _result(future)


def _result(future):
    try:
        return future.result()
    except (InputError, KeyboardInterrupt):
        raise
    except Exception as error:  # a lost worker, a failed cluster node ...
        raise SweepError(
            f"a block of the sweep failed on its worker: {type(error).__name__}: {error}"
        ) from error


def _process_pool(jobs: int) -> Executor:
    from concurrent.futures import ProcessPoolExecutor

    from ..batch.run import _start_worker, pool_context

    return ProcessPoolExecutor(
        jobs, mp_context=pool_context(), initializer=_start_worker, initargs=(os.getpid(), {})
    )


def _write_workbooks(plan: Plan, report: SweepReport, given, overwrite: bool) -> None:
    """The filled workbooks of the chosen scenarios, through the batch's writer."""
    from ..batch.run import make_workbooks
    from ..batch.template import Layout, resolve_template
    from ..batch.write.filenames import UniqueNames

    chosen = resolve_template(plan.template)
    layout = Layout.of(chosen)
    folder = report.out_dir / "workbooks"
    prepare_folder(folder)
    names = UniqueNames()
    jobs = []
    for number in report.chosen:
        if plan.grid is not None:
            values = plan.grid.values_at(number)
            name = f"{plan.grid.base.name} {number + 1}"
            if layout.scenario_input:
                values[layout.scenario_input] = name
        else:
            name, values, _ = given[number]
        jobs.append((values, names.take(name, ".xlsx"), name))
    mode = "overwrite" if overwrite else "refuse"
    for job, (status, reason, _) in zip(
        jobs, make_workbooks(chosen.name, jobs, str(folder), mode), strict=True
    ):
        if status == "written":
            report.workbooks.append(folder / job[1])
        else:
            report.failures.append(f"{job[1]}: {reason}")
