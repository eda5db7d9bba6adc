"""``generate``: one workbook per scenario, a summary of them all, and a report of what happened."""

from __future__ import annotations

import collections
import contextlib
import io
import multiprocessing
import os
import select
import signal
import threading
import warnings
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import InputError
from .._files.output_folder import output_problem, prepare_folder
from .._files.saving import remove_stale_parts, save_atomically, signals_held, write_bytes
from .read.checker import ScenarioFileError, ScenarioProblem
from .read.sources import read_scenarios
from .summary.table import SummaryTable
from .template import DEFAULT_TEMPLATE, Layout, Template, resolve_template
from .write.filenames import UniqueNames
from .write.filler import Filler, TemplateNotFillableError, quoted_inputs
from .write.provenance import READS, fingerprint, recorded_fingerprint, stamp

__all__ = ["BatchReport", "Outcome", "generate", "pool_context"]

WRITTEN, SKIPPED, FAILED = "written", "skipped", "failed"
# A worker's status when the output folder cannot be written at all: the
# scenario failed, and the batch stops.
_UNWRITABLE = "unwritable"
# The pool's workers are gone: the scenario failed, and the batch stops.
_BROKEN = "broken"
_BROKEN_POOL = (
    "the worker processes stopped ({error}); in a Python script, call generate() "
    'under `if __name__ == "__main__":`, since each worker process imports the script'
)
SUMMARY_NAMES = ("summary",)
# Scenarios sent to a worker at a time: few enough to keep every worker busy
# to the end, enough to make the cost of sending them small and to compute
# their stored values in one evaluation (which costs a third as much per
# scenario for a block of 256 as for a block of 64).
_CHUNK = 256
# Scenarios made at a time in this process, for the same reason (half the
# cost per scenario of 256).
_BLOCK = 1024


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one scenario (or to the summary)."""

    scenario: str
    #: The workbook's file name in the output folder; empty when none was chosen.
    file: str
    status: str
    reason: str = ""


@dataclass
class BatchReport:
    """What a batch wrote, what it skipped, what failed and why, in the scenario file's order."""

    out_dir: Path
    template: str
    outcomes: list[Outcome] = field(default_factory=list)
    summary_files: list[Path] = field(default_factory=list)
    summary: SummaryTable | None = None
    #: Whether LibreOffice recalculated the written workbooks to check their stored values.
    verified: bool = False
    #: Remarks that are not failures, e.g. why no summary was written.
    notes: list[str] = field(default_factory=list)
    #: Why the batch stopped before its end (the output folder could not be
    #: written), with what to do; empty when it ran to the end.
    stopped: str = ""
    #: With ``pdf=True``: the PDFs written, and those kept (``skip_existing``).
    pdfs: list[Path] = field(default_factory=list)
    pdfs_kept: list[Path] = field(default_factory=list)
    #: With ``pdf=True``, when LibreOffice is not installed: what to install
    #: (the workbooks are written all the same, the PDFs are not).
    pdf_unavailable: str = ""

    @property
    def written(self) -> list[Path]:
        return [self.out_dir / o.file for o in self.outcomes if o.status == WRITTEN]

    @property
    def skipped(self) -> list[Path]:
        return [self.out_dir / o.file for o in self.outcomes if o.status == SKIPPED]

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == FAILED]

    @property
    def ok(self) -> bool:
        """True when every scenario and the summary were written (or kept, with skip),
        and with ``pdf=True`` every PDF."""
        return not self.failures and not self.pdf_unavailable

    @property
    def recalculated(self) -> bool:
        """Deprecated name of :attr:`verified`."""
        return self.verified

    def summary_rows(self) -> list[list[object]]:
        """The summary table's rows, in the order of ``summary.headings``."""
        return list(self.summary.rows()) if self.summary is not None else []


#: What became of one scenario's workbook: status, reason, and the values kept for the summary.
_Result = tuple[str, str, list | None]

# The worker side: runs in this process, a process pool or a cluster -------------

_FILLERS: dict[tuple, Filler | None] = {}
# Threads of one process share the fillers: one thread makes each, the others wait.
_FILLERS_LOCK = threading.Lock()


def _filler(template: Template, quoted: frozenset) -> Filler | None:
    """The template's filler for these quoted inputs, made once per process."""
    key = (type(template).__module__, type(template).__qualname__, template.name, quoted)
    with _FILLERS_LOCK:
        if key not in _FILLERS:
            try:
                _FILLERS[key] = Filler(template, quoted)
            except TemplateNotFillableError:
                _FILLERS[key] = None  # build every workbook from scratch
        return _FILLERS[key]


def _install_fillers(fillers: dict[tuple, Filler | None]) -> None:
    """Start a worker process with fillers made elsewhere."""
    with _FILLERS_LOCK:
        _FILLERS.update(fillers)


def pool_context() -> multiprocessing.context.BaseContext:
    """How the batch starts its worker processes: never by a bare ``fork``.

    ``fork`` copies a process whatever its threads hold (locks of logging,
    of the import system, of a progress bar ...), and a worker can hang
    forever on a lock whose owner was not copied; Python 3.12 warns of it.
    A fork server (one clean process that forks the workers) where the
    system has one, else ``spawn`` (a fresh interpreter per worker).
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # The server imports the batch once, so each worker starts at once; and
    # it does not import the user's script (``__main__``).
    context.set_forkserver_preload(["xlfuncs.batch.run"])
    # Started now, it imports while this process reads the scenarios and
    # prepares the template, rather than when the first worker is needed.
    from multiprocessing import forkserver

    forkserver.ensure_running()
    return context


def _start_worker(parent: int, fillers: dict[tuple, Filler | None]) -> None:
    """Set up a worker process of the batch's own pool.

    Ctrl-C is for the batch to handle: the worker finishes the workbooks it
    was given. And it ends when the batch's process ends, however that ends
    (even killed outright): a worker is a child of the fork server, which
    would keep it running.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _install_fillers(fillers)
    threading.Thread(target=_end_with, args=(parent,), daemon=True, name="xlfuncs-parent").start()


def _end_with(parent: int) -> None:
    """Wait for the process ``parent`` to end, then end this one at once."""
    try:
        handle = os.pidfd_open(parent)  # Linux 5.3+: readable when the process ends
    except (AttributeError, OSError):
        handle = None
    if handle is not None:
        select.select([handle], [], [])
    else:
        while True:
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                break
            except OSError:
                pass
            threading.Event().wait(0.5)
    # Nothing to tell anyone: a temporary file being written stays behind,
    # and the next run in the folder removes it.
    os._exit(1)


_SUMMARY_FILES = ("summary.xlsx", "summary.csv")


def _source_in(scenarios: object, folder: Path) -> str | None:
    """The scenario file's name, as compared (:meth:`UniqueNames.key`), when it lies in
    ``folder``; else ``None``."""
    if not isinstance(scenarios, (str, os.PathLike)):
        return None
    path = Path(scenarios)
    try:
        inside = os.path.samefile(path.parent, folder)
    except OSError:
        return None
    return UniqueNames.key(path.name) if inside else None


def _names_in(folder: Path) -> dict[str, str]:
    """The workbooks in ``folder`` by their names as compared (:meth:`UniqueNames.key`)."""
    found: dict[str, str] = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.lower().endswith(".xlsx"):
                    found.setdefault(UniqueNames.key(entry.name), entry.name)
    except OSError:
        pass
    return found


def _not_written(name: str, error: OSError) -> str:
    """Why the file ``name`` could not be written, naming it."""
    if isinstance(error, IsADirectoryError):
        return f"{name} is a folder, so no file can be written under that name"
    return f"{name} could not be written: {error.strerror or error}"


def _exists_reason(file: str) -> str:
    return f"{file} already exists (--overwrite replaces it, --skip-existing keeps it)"


# A workbook in place is checked only up to this size; a larger one is not kept.
_LARGEST_KEPT = 256 * 2**20


def _broken(target: str) -> str:
    """Why the workbook at ``target`` cannot be kept as it is (it does not open, or
    fails its zip checks); empty when it is intact."""
    import zipfile

    try:
        if os.path.getsize(target) > _LARGEST_KEPT:
            return "is too large to be one of this batch's workbooks"
        with zipfile.ZipFile(target) as archive:
            if "xl/workbook.xml" not in archive.NameToInfo:
                return "is not a workbook"
            try:
                bad = archive.testzip()
            except Exception:  # a part that no longer decompresses
                return "fails its zip checks"
    except Exception:  # zip, zlib or file errors of any kind: not a workbook we can keep
        return "does not open as a workbook"
    return f"fails its zip checks (part {bad})" if bad else ""


def _parts(source) -> dict[str, tuple[int, int]]:
    """Each part of a workbook but those that record its provenance: its checksum and size."""
    import zipfile

    with zipfile.ZipFile(source) as archive:
        return {
            i.filename: (i.CRC, i.file_size) for i in archive.infolist() if i.filename not in READS
        }


def _kept(target: str, made_from: str, data: bytes | None = None) -> tuple[str, str]:
    """A workbook found in place with ``--skip-existing``: kept if it is intact, was made
    from the same inputs, and (when ``data``, this run's workbook, is given) holds
    what this run would write. Any other file is left as it is, and its scenario
    failed: it may be someone's work."""
    name = os.path.basename(target)
    broken = _broken(target)
    if broken:
        return FAILED, f"{name} exists but {broken}: use --overwrite to replace it"
    recorded = recorded_fingerprint(target)
    if recorded is None:
        why = "does not record what it was made from (made elsewhere, or by an older xlfuncs)"
    else:
        why = "was made from other inputs than the scenario now gives (or another template)"
    if recorded == made_from and data is not None:
        try:
            same = _parts(target) == _parts(io.BytesIO(data))
        except Exception:
            same = False
        if same:
            return SKIPPED, ""
        why = (
            "was changed after it was made (saved again by a spreadsheet program, so its "
            "figures may differ from the summary's)"
        )
    elif recorded == made_from:
        return SKIPPED, ""
    return FAILED, f"{name} exists but {why}: use --overwrite to replace it"


def _stamp(template: Template, values: Mapping[str, float | str], target: str, title=None):
    """What a workbook records of where it comes from: its fingerprint and document title
    (by default its file name)."""
    made_from = fingerprint(template.name, values, getattr(template, "version", None))
    if title is None:
        title = os.path.splitext(os.path.basename(target))[0]
    return made_from, title


def make_workbook(
    template: Template | str,
    values: Mapping[str, float | str],
    target: str,
    mode: str,
    data: bytes | None = None,
    title: str | None = None,
    recorded: tuple[str, str] | None = None,
) -> tuple[str, str]:
    """Write one scenario's workbook to the path ``target``; returns ``(status, reason)``.

    The workbook records what it was made from (see :mod:`.write.provenance`);
    ``title`` becomes its document title (by default its file name). ``data``
    is the workbook already made (by :meth:`Filler.workbooks`) with what it
    records, ``recorded``: the fingerprint and the title.
    """
    name = os.path.basename(target)
    try:
        template = resolve_template(template)
        made_from, title = recorded or _stamp(template, values, target, title)
    except Exception as error:
        return FAILED, str(error) or type(error).__name__
    replace = mode == "overwrite"
    if not replace and os.path.lexists(target):
        return _kept(target, made_from, data) if mode == "skip" else (FAILED, _exists_reason(name))
    try:
        if data is None:
            filler = _filler(template, quoted_inputs(values))
            if filler is not None:
                data = filler.workbook_bytes(values, (made_from, title))
        if data is not None:
            save_atomically(lambda path: write_bytes(path, data), target, replace)
        else:

            def build(path: str) -> None:
                template.build(values, path)
                with open(path, "rb") as stream:
                    built = stream.read()
                write_bytes(path, stamp(built, made_from, title))

            save_atomically(build, target, replace)
    except FileExistsError:
        return _kept(target, made_from, data) if mode == "skip" else (FAILED, _exists_reason(name))
    except OSError as error:
        problem = output_problem(error, os.path.dirname(target) or ".")
        if problem is not None:
            return _UNWRITABLE, problem
        return FAILED, _not_written(name, error)
    except Exception as error:  # a worker reports, it never stops the batch
        return FAILED, str(error) or type(error).__name__
    return WRITTEN, ""


def make_workbooks(
    template: Template | str,
    jobs: list[tuple],
    out_dir: str,
    mode: str,
    keep: Sequence[tuple[str, str]] = (),
) -> list[_Result]:
    """:func:`make_workbook` for a chunk of scenarios: one task for an executor.

    Each job is ``(values, file)`` or ``(values, file, title)``. The stored
    values of the chunk's workbooks are computed in one evaluation, and each
    workbook is written as soon as it is made. Each result is ``(status,
    reason, kept)``: ``kept`` holds the scenario's values of the cells ``keep``
    (for the summary), or ``None`` when the workbook was not made here.
    """
    results: list[_Result | None] = [None] * len(jobs)
    try:
        chosen = resolve_template(template)
        groups: dict[frozenset, list[int]] = {}
        for index, job in enumerate(jobs):
            # With skip, a workbook in place is made too, to check it holds the same.
            if mode != "refuse" or not os.path.lexists(os.path.join(out_dir, job[1])):
                groups.setdefault(quoted_inputs(job[0]), []).append(index)
        for quoted, indices in groups.items():
            filler = _filler(chosen, quoted)
            if filler is None:
                continue
            recorded = [_stamp(chosen, jobs[i][0], *jobs[i][1:]) for i in indices]
            made = filler.each_workbook([jobs[i][0] for i in indices], recorded, keep)
            for index, done, (data, kept) in zip(indices, recorded, made, strict=True):
                values, file, *title = jobs[index]
                target = os.path.join(out_dir, file)
                status, reason = make_workbook(
                    chosen, values, target, mode, data, *title, recorded=done
                )
                results[index] = status, reason, kept
    except Exception:  # the scenarios not yet written report their own failure below
        pass
    return [
        result
        or (
            *make_workbook(template, job[0], os.path.join(out_dir, job[1]), mode, None, *job[2:]),
            None,
        )
        for job, result in zip(jobs, results, strict=True)
    ]


# The driver ------------------------------------------------------------------


class _Dispatcher:
    """Sends chunks of scenarios to an executor, keeping a bounded number in flight.

    Results come back in the order sent, so the report follows the file.
    """

    def __init__(
        self,
        executor: Executor | None,
        workers: int,
        template_ref,
        out_dir: Path,
        mode: str,
        own_pool: bool = False,
        keep: Sequence[tuple[str, str]] = (),
    ):
        self.executor, self.template_ref = executor, template_ref
        #: The cells whose values come back with each result (the summary's).
        self.keep = list(keep)
        #: Hold signals back while submitting (which may start a worker of our pool).
        self.own_pool = own_pool
        self.out_dir, self.mode = str(out_dir), mode
        self.limit = max(2, 3 * workers)
        self.chunk: list[tuple] = []
        self.chunk_slots: list[int] = []
        self.in_flight: collections.deque[tuple[Future | list, list[int]]] = collections.deque()

    def add(
        self, slot: int, values: Mapping[str, float | str], file: str, title: str | None = None
    ) -> Iterable[tuple[int, _Result]]:
        self.chunk.append((values, file) if title is None else (values, file, title))
        self.chunk_slots.append(slot)
        size = _BLOCK if self.executor is None else _CHUNK
        if len(self.chunk) >= size:
            yield from self._send()

    def _send(self) -> Iterable[tuple[int, _Result]]:
        if not self.chunk:
            return
        jobs, slots = self.chunk, self.chunk_slots
        self.chunk, self.chunk_slots = [], []
        if self.executor is None:
            results = make_workbooks(self.template_ref, jobs, self.out_dir, self.mode, self.keep)
            yield from zip(slots, results, strict=True)
            return
        try:
            with signals_held() if self.own_pool else contextlib.nullcontext():
                future = self.executor.submit(
                    make_workbooks, self.template_ref, jobs, self.out_dir, self.mode, self.keep
                )
        except (BrokenExecutor, BrokenPipeError) as error:  # a worker died starting
            yield from zip(slots, [self._failed(error)] * len(slots), strict=True)
            return
        self.in_flight.append((future, slots))
        while len(self.in_flight) >= self.limit:
            yield from self._collect_oldest()

    def _collect_oldest(self) -> Iterable[tuple[int, _Result]]:
        future, slots = self.in_flight.popleft()
        try:
            results = future.result()
        except Exception as error:  # a worker that died, a lost cluster node ...
            results = [self._failed(error)] * len(slots)
        yield from zip(slots, results, strict=True)

    def _failed(self, error: Exception) -> _Result:
        if self.own_pool and isinstance(error, (BrokenExecutor, BrokenPipeError)):
            return _BROKEN, _BROKEN_POOL.format(error=type(error).__name__), None
        return FAILED, f"the worker failed: {type(error).__name__}: {error}", None

    def finish(self) -> Iterable[tuple[int, _Result]]:
        yield from self._send()
        while self.in_flight:
            yield from self._collect_oldest()


def generate(
    scenarios: str | os.PathLike[str] | Mapping | Iterable,
    out_dir: str | os.PathLike[str],
    *,
    template: str | Template = DEFAULT_TEMPLATE,
    jobs: int = 1,
    executor: Executor | None = None,
    overwrite: bool = False,
    skip_existing: bool = False,
    fail_fast: bool = False,
    verify: bool = False,
    summary: bool = True,
    decimal: str | None = None,
    csv_decimal: str = ".",
    recalc: bool = False,
    progress: Callable[[Outcome], None] | None = None,
    pdf: bool = False,
    paper: str = "a4",
) -> BatchReport:
    """Write one filled workbook per scenario, and a summary table comparing them all.

    Parameters
    ----------
    scenarios : path-like, mapping or iterable
        A scenario file (``.yaml``, ``.yml``, ``.json``, ``.csv``, ``.xlsx``),
        or scenarios in memory in the YAML layout: a mapping with a list under
        ``scenarios``, or that list itself (each scenario a mapping with
        ``name``, the shared inputs and a list of ``options``). An iterable
        is read lazily, so a generator of any length keeps memory flat.
    out_dir : path-like
        Folder for the workbooks, ``summary.xlsx`` and ``summary.csv``
        (created if missing).
    template : str or template object, default ``"tco_comparison"``
        Which template to fill.
    jobs : int, default 1
        Worker processes; 1 writes in this process. Ignored when
        ``executor`` is given.
    executor : concurrent.futures.Executor, optional
        Where to make the workbooks: any executor, such as a
        ``ThreadPoolExecutor``, a ``ProcessPoolExecutor`` or a Dask
        ``Client.get_executor()`` (its workers must see ``out_dir``). It is
        not shut down.
    overwrite : bool, default False
        Replace existing workbooks. Without it an existing file is never
        touched and its scenario is reported as failed.
    skip_existing : bool, default False
        Keep existing workbooks and make only the missing ones: resumes an
        interrupted batch. The summary is written afresh for the whole batch.
    fail_fast : bool, default False
        Stop at the first failure (scenarios already sent are finished).
    verify : bool, default False
        Have LibreOffice recalculate every written workbook and report, as a
        failure of its scenario, any formula cell whose stored value differs
        from LibreOffice's. Every workbook carries its formulas' values
        whether or not this is asked for.
    summary : bool, default True
        Write ``summary.xlsx`` and ``summary.csv``.
    decimal : {".", ","}, optional
        The decimal mark of numbers written as text in the scenario file.
        By default the file's own numbers settle it (``0.075`` can only have
        a decimal point); needed only for a file whose numbers all read the
        same either way but one, such as ``2.500``.
    csv_decimal : {".", ","}, default "."
        The decimal mark of ``summary.csv``: ``"."`` with fields separated
        by ``,``, or ``","`` with fields separated by ``;`` (as Excel in
        German, French and many other languages reads CSV files).
    progress : callable, optional
        Called with each scenario's :class:`Outcome` as it completes; with
        ``pdf``, then with each PDF's (its ``file`` is ``NAME.pdf``).
    recalc : bool, default False
        Deprecated name of ``verify``, kept for one release.
    pdf : bool, default False
        Also write ``NAME.pdf`` beside each ``NAME.xlsx``: its Summary sheet
        on one landscape page, printed by LibreOffice from the values the
        workbook stores. ``jobs`` LibreOffice processes share the work, each
        printing many workbooks. ``overwrite`` and ``skip_existing`` apply
        as to the workbooks; with ``skip_existing`` a PDF older than its
        workbook is made again. Without LibreOffice the workbooks are
        written, no PDF is, and :attr:`BatchReport.pdf_unavailable` says
        what to install. A PDF that cannot be made is reported as a failure
        of its scenario (file ``NAME.pdf``).
    paper : {"a4", "letter"}, default "a4"
        The PDFs' paper: A4 or US Letter, landscape.

    Returns
    -------
    BatchReport
        Files written, failures with their reasons, the summary's rows; in
        the order of the scenarios, whatever the number of jobs.

    Raises
    ------
    xlfuncs.InputError
        An unknown template, ``overwrite`` together with ``skip_existing``,
        a ``csv_decimal`` other than ``"."`` or ``","``, or an unknown
        ``paper`` (a ``ValueError``,
        like every :class:`xlfuncs.XlfuncsError` of bad input).

    Examples
    --------
    The bundled example scenarios (the essay's cases, illustrative figures):

    >>> import tempfile
    >>> from xlfuncs.batch import EXAMPLE_SCENARIOS
    >>> report = generate(EXAMPLE_SCENARIOS, tempfile.mkdtemp())
    >>> report.ok, len(report.written), [p.name for p in report.summary_files]
    (True, 5, ['summary.xlsx', 'summary.csv'])
    >>> report.written[2].name
    'Email drafting - errors are cheap.xlsx'
    """
    if recalc:
        warnings.warn(
            "generate(recalc=True) is now generate(verify=True); recalc will be removed",
            DeprecationWarning,
            stacklevel=2,
        )
    if overwrite and skip_existing:
        raise InputError(
            "generate: choose overwrite or skip_existing, not both", function="generate"
        )
    if csv_decimal not in (".", ","):
        raise InputError(
            f"generate: csv_decimal must be '.' or ',', got {csv_decimal!r}",
            function="generate",
            argument="csv_decimal",
        )
    if pdf:
        from .pdf import check_paper

        paper = check_paper(paper)
    mode = "overwrite" if overwrite else "skip" if skip_existing else "refuse"
    own_pool = executor is None and jobs > 1
    context = pool_context() if own_pool else None
    chosen = resolve_template(template)
    layout = Layout.of(chosen)
    folder = Path(out_dir)
    prepare_folder(folder)
    report = BatchReport(
        folder,
        chosen.name,
        summary=SummaryTable(layout, chosen, filler=lambda: _filler(chosen, frozenset())),
    )
    stale = remove_stale_parts(folder)
    if stale:
        report.notes.append(
            f"removed {len(stale)} temporary file(s) left by an interrupted run in this folder"
        )
    outcomes: list[Outcome | None] = []
    # Each outcome's row in the summary table, -1 for none (kept compact for long batches).
    summary_rows = array("l")
    # A registered template travels to workers by name, any other by pickling.
    template_ref = template if isinstance(template, str) else chosen

    if own_pool:
        # The workers get the filler made here rather than each making its own.
        _filler(chosen, frozenset())
        pool = ProcessPoolExecutor(
            jobs,
            mp_context=context,
            initializer=_start_worker,
            initargs=(os.getpid(), dict(_FILLERS)),
        )
    else:
        pool = executor
    workers = jobs if own_pool else max(jobs, os.cpu_count() or 1)
    # The summary's figures come back with the workbooks, rather than be worked out twice.
    keep = report.summary.cells() if report.summary.has_figures else ()
    dispatcher = _Dispatcher(pool, workers, template_ref, folder, mode, own_pool, keep)
    names = UniqueNames(reserved=SUMMARY_NAMES)
    source = _source_in(scenarios, folder)
    if source is not None and source.lower().endswith(".xlsx"):
        names.reserve(source[: -len(".xlsx")])  # never replaced, even with --overwrite
    # The folder's files by name as Windows and macOS compare names: a scenario
    # Acme writes (or keeps) the acme.xlsx there, never a second file beside it.
    existing = _names_in(folder)
    stop = False

    def settle(done: Iterable[tuple[int, _Result]]) -> None:
        nonlocal stop
        for slot, (status, reason, kept) in done:
            if status == _UNWRITABLE:
                status, stop = FAILED, True
                report.stopped = report.stopped or reason
            elif status == _BROKEN:
                status, stop = FAILED, True
            pending = outcomes[slot]
            outcome = Outcome(pending.scenario, pending.file, status, reason)
            if kept is not None and summary_rows[slot] >= 0:
                report.summary.given(summary_rows[slot], kept)
            outcomes[slot] = outcome
            if status == FAILED:
                stop = stop or fail_fast
                if summary_rows[slot] >= 0:
                    report.summary.files[summary_rows[slot]] = ""
            if progress is not None:
                progress(outcome)

    def fail(outcome: Outcome) -> None:
        nonlocal stop
        outcomes.append(outcome)
        summary_rows.append(-1)
        stop = stop or fail_fast
        if progress is not None:
            progress(outcome)

    try:
        items = iter(read_scenarios(scenarios, layout, decimal))
        while not stop:
            try:
                item = next(items)
            except StopIteration:
                break
            except ScenarioFileError as error:
                fail(Outcome("", "", FAILED, str(error)))
                break
            if isinstance(item, ScenarioProblem):
                fail(Outcome(item.scenario, "", FAILED, str(item)))
                continue
            file = names.take(item.name, ".xlsx")
            file = existing.get(UniqueNames.key(file), file)
            slot = len(outcomes)
            outcomes.append(Outcome(item.name, file, "pending"))
            summary_rows.append(len(report.summary))
            # The workbooks first: the figures they bring spare the summary's evaluation.
            settle(dispatcher.add(slot, item.values, file, item.name))
            report.summary.add(item, file)
        settle(dispatcher.finish())
    finally:
        # On Ctrl-C too: the workers (which ignore it) finish the workbooks
        # they hold, so that no temporary file is left behind.
        if own_pool:
            pool.shutdown(cancel_futures=True)
    report.outcomes = outcomes
    if report.stopped:
        report.notes.append("no summary: the batch stopped before its end")
        return report

    if (verify or recalc) and report.written:
        from .verify import verify_workbooks

        scenario_of = {o.file: o.scenario for o in report.outcomes}
        for path, problem in verify_workbooks(report.written):
            scenario = scenario_of.get(path.name, path.stem)
            report.outcomes.append(Outcome(scenario, path.name, FAILED, f"--verify: {problem}"))
        report.verified = True
    if pdf:
        _print_pdfs(report, mode, paper, jobs, summary_rows, progress)
    if summary and len(report.summary) and not report.summary.has_figures:
        report.notes.append(f"no summary: the template {chosen.name} declares no summary columns")
    elif summary and len(report.summary) and source in _SUMMARY_FILES:
        reason = (
            f"{source} is the scenario file itself, which is never replaced: give another "
            "folder with --out"
        )
        report.outcomes.append(Outcome("(summary)", source, FAILED, reason))
    elif summary and len(report.summary):
        try:
            report.summary_files = report.summary.write(
                folder, overwrite=mode != "refuse", csv_decimal=csv_decimal
            )
        except FileExistsError as error:
            name = str(error)
            reason = f"{name} already exists (--overwrite or --skip-existing replace it)"
            if (folder / name).is_dir():
                reason = f"{name} is a folder, which the summary never replaces"
            report.outcomes.append(Outcome("(summary)", name, FAILED, reason))
        except OSError as error:
            problem = output_problem(error, folder)
            name = os.path.basename(error.filename or "") if error.filename else "summary.xlsx"
            if name.endswith(".part") or not name:
                name = "summary.xlsx"
            reason = problem or _not_written(name, error)
            report.outcomes.append(Outcome("(summary)", name, FAILED, reason))
            if problem:
                report.stopped = problem
    return report


def _print_pdfs(
    report: BatchReport,
    mode: str,
    paper: str,
    processes: int,
    summary_rows: Sequence[int],
    progress: Callable[[Outcome], None] | None,
) -> None:
    """``pdf=True``: print each workbook written or kept; note the results in the report."""
    from .._libreoffice import LibreOfficeError
    from .pdf import make_pdfs, pdf_name

    workbooks = [
        (slot, o) for slot, o in enumerate(report.outcomes) if o.status in (WRITTEN, SKIPPED)
    ]
    report.summary.pdf = True

    def done(index: int, status: str, reason: str) -> None:
        slot, outcome = workbooks[index]
        path = report.out_dir / pdf_name(outcome.file)
        printed = Outcome(outcome.scenario, path.name, status, reason and f"PDF: {reason}")
        if status == FAILED:
            report.outcomes.append(printed)
        else:
            (report.pdfs if status == WRITTEN else report.pdfs_kept).append(path)
            if slot < len(summary_rows) and summary_rows[slot] >= 0:
                report.summary.pdf_made(summary_rows[slot])
        if progress is not None:
            progress(printed)

    try:
        make_pdfs(
            [report.out_dir / o.file for _, o in workbooks], mode, paper, max(1, processes), done
        )
    except LibreOfficeError as error:
        report.pdf_unavailable = f"no PDF made: {error}; the workbooks are written"
    # In the scenarios' order, as they came from the soffice runs.
    order = {pdf_name(o.file): n for n, (_, o) in enumerate(workbooks)}
    for pdfs in (report.pdfs, report.pdfs_kept):
        pdfs.sort(key=lambda path: order[path.name])
