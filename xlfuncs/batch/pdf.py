"""``--pdf``: the Summary sheet of each workbook on one printed page, by LibreOffice.

Each workbook gets ``NAME.pdf`` beside ``NAME.xlsx``. LibreOffice (headless)
prints a temporary copy of the workbook in which every sheet but Summary is
hidden and Summary's page setup asks for one page, landscape, on A4 or US
Letter paper; the copy is otherwise the workbook itself, so the page shows
the values the workbook stores (LibreOffice is told not to recalculate).

Starting LibreOffice takes seconds, converting a workbook a fraction of one:
each soffice run converts many workbooks, and ``processes`` runs (one per
worker of the batch) share the work. A PDF is written through a temporary
file and moved into place like a workbook, so a run stopped at any moment
leaves only complete files.
"""

from __future__ import annotations

import math
import os
import queue
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .._errors import InputError, UnprintableWorkbookError
from .._files.saving import save_atomically
from .._ooxml import read_package, sheet_parts, write_package

__all__ = ["PAPERS", "SHEET", "check_paper", "make_pdfs", "pdf_name", "summary_only"]

#: Paper sizes, by name, as the ``paperSize`` codes of a sheet's page setup.
PAPERS = {"a4": 9, "letter": 1}
#: The sheet printed.
SHEET = "Summary"
#: Workbooks per soffice run at most: bounds the command line, and what a
#: failing run costs.
CHUNK = 400

WRITTEN, SKIPPED, FAILED = "written", "skipped", "failed"

_SHEET_TAG = re.compile(r"<sheet\b[^>]*>")
_NAME = re.compile(r'\bname="([^"]*)"')
_STATE = re.compile(r'\s+state="[^"]*"')
_PAGE_SETUP = re.compile(r"<pageSetup\b[^>]*?(?:/>|>.*?</pageSetup>)", re.DOTALL)
_BREAKS = re.compile(r"<(rowBreaks|colBreaks)\b[^>]*?(?:/>|>.*?</\1>)", re.DOTALL)
_SHEET_PR = re.compile(r"<sheetPr\b[^>]*?(?:/>|>.*?</sheetPr>)", re.DOTALL)
_FIT = re.compile(r"<pageSetUpPr\b[^>]*/>")
_PRINT_OPTIONS = re.compile(r"<printOptions\b[^>]*/>")
_MARGINS = re.compile(r"<pageMargins\b")
# What follows pageSetup in a worksheet, in the order the schema gives.
_AFTER_PAGE_SETUP = re.compile(
    r"<(?:headerFooter|rowBreaks|colBreaks|customProperties|cellWatches|ignoredErrors|"
    r"smartTags|drawing|legacyDrawing|legacyDrawingHF|drawingHF|picture|oleObjects|"
    r"controls|webPublishItems|tableParts|extLst)\b|</worksheet>"
)
# What may follow sheetPr: everything else of a worksheet.
_AFTER_SHEET_PR = re.compile(r"<(?:dimension|sheetViews|sheetFormatPr|cols|sheetData)\b")


def check_paper(paper: str) -> str:
    """``paper`` in lower case, or :class:`InputError` naming what is allowed."""
    name = str(paper).strip().lower()
    if name not in PAPERS:
        raise InputError(
            f"generate: paper must be one of {', '.join(map(repr, PAPERS))}, got {paper!r}",
            function="generate",
            argument="paper",
        )
    return name


def pdf_name(workbook: str) -> str:
    """The PDF's file name for a workbook's: ``NAME.pdf`` for ``NAME.xlsx``."""
    return os.path.splitext(workbook)[0] + ".pdf"


def summary_only(data: bytes, paper: str = "a4", sheet: str = SHEET) -> bytes:
    """The workbook ``data`` with every sheet but Summary (or ``sheet``) hidden, that
    sheet shown first and set up to print on one landscape page of ``paper``."""
    try:
        infos, parts = read_package(data)
        book = parts["xl/workbook.xml"].decode("utf-8")
        part = sheet_parts(parts).get(sheet)
    except Exception as error:
        raise UnprintableWorkbookError(f"the workbook cannot be read: {error}") from error
    if part is None or part not in parts:
        raise UnprintableWorkbookError(f"the workbook has no {sheet} sheet to print")
    titles = [_unescape(_NAME.search(tag).group(1)) for tag in _SHEET_TAG.findall(book)]
    position = titles.index(sheet)

    def shown_or_hidden(found: re.Match) -> str:
        tag = _STATE.sub("", found.group())
        if _unescape(_NAME.search(tag).group(1)) != sheet:
            tag = tag.replace("<sheet", '<sheet state="hidden"', 1)
        return tag

    book = _SHEET_TAG.sub(shown_or_hidden, book)
    # LibreOffice prints a hidden sheet's print area all the same: only the sheet keeps one.
    book = re.sub(
        r'<definedName name="_xlnm\.Print_Area" localSheetId="(\d+)"[^>]*>[^<]*</definedName>',
        lambda found: found.group() if int(found.group(1)) == position else "",
        book,
    )
    book = re.sub(r'\bactiveTab="\d+"', f'activeTab="{position}"', book)
    book = re.sub(r'\bfirstSheet="\d+"', f'firstSheet="{position}"', book)
    parts["xl/workbook.xml"] = book.encode("utf-8")
    parts[part] = _one_page(parts[part].decode("utf-8"), PAPERS[paper]).encode("utf-8")
    return write_package(infos, parts, fast=True)


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _one_page(xml: str, paper_size: int) -> str:
    """A worksheet's XML set up to print on one landscape page of the given paper,
    centred across it."""
    setup = (
        f'<pageSetup orientation="landscape" paperSize="{paper_size}" '
        'fitToWidth="1" fitToHeight="1" />'
    )
    xml = _BREAKS.sub("", xml)
    found = _PRINT_OPTIONS.search(xml)
    if found is not None:
        centred = re.sub(r'\s+horizontalCentered="[^"]*"', "", found.group())
        centred = centred.replace("<printOptions", '<printOptions horizontalCentered="1"', 1)
        xml = xml[: found.start()] + centred + xml[found.end() :]
    else:
        # printOptions comes just before pageMargins, or where pageSetup would be.
        at = _MARGINS.search(xml) or _PAGE_SETUP.search(xml) or _AFTER_PAGE_SETUP.search(xml)
        xml = xml[: at.start()] + '<printOptions horizontalCentered="1" />' + xml[at.start() :]
    if _PAGE_SETUP.search(xml):
        xml = _PAGE_SETUP.sub(setup, xml, count=1)
    else:
        at = _AFTER_PAGE_SETUP.search(xml).start()
        xml = xml[:at] + setup + xml[at:]
    found = _SHEET_PR.search(xml)
    if found is None:
        at = _AFTER_SHEET_PR.search(xml).start()
        return xml[:at] + '<sheetPr><pageSetUpPr fitToPage="1" /></sheetPr>' + xml[at:]
    properties = found.group()
    if _FIT.search(properties):
        fitted = _FIT.sub('<pageSetUpPr fitToPage="1" />', properties, count=1)
    elif properties.endswith("/>"):
        fitted = properties[:-2].rstrip() + '><pageSetUpPr fitToPage="1" /></sheetPr>'
    else:
        # pageSetUpPr comes after tabColor and outlinePr, the only children before it.
        fitted = properties.replace("</sheetPr>", '<pageSetUpPr fitToPage="1" /></sheetPr>')
    return xml[: found.start()] + fitted + xml[found.end() :]


def _exists_reason(name: str) -> str:
    return f"{name} already exists (--overwrite replaces it, --skip-existing keeps it)"


def _up_to_date(pdf: str, workbook: str) -> bool:
    """Whether the PDF was made after the workbook was last written."""
    try:
        return os.stat(pdf).st_mtime_ns >= os.stat(workbook).st_mtime_ns
    except OSError:
        return False


def make_pdfs(
    workbooks: Sequence[str | os.PathLike[str]],
    mode: str,
    paper: str = "a4",
    processes: int = 1,
    done: Callable[[int, str, str], None] | None = None,
) -> list[tuple[str, str]]:
    """Print the Summary sheet of each workbook to ``NAME.pdf`` beside it.

    Parameters
    ----------
    workbooks : sequence of path-like
        The workbooks (their file names differ).
    mode : {"refuse", "overwrite", "skip"}
        What to do with a PDF already there: fail, replace it, or keep it
        when it is at least as new as its workbook (an older one is made again).
    paper : {"a4", "letter"}
        The paper size; the page is landscape.
    processes : int
        soffice runs at a time.
    done : callable, optional
        Called with each workbook's index, status and reason as it is settled.

    Returns
    -------
    list of (status, reason)
        For each workbook: ``"written"``, ``"skipped"`` (kept) or ``"failed"``
        with why.

    Raises
    ------
    LibreOfficeError
        LibreOffice is not installed and some PDF is to be made (the message
        says what to install); none is then made or refused.
    """
    from .._libreoffice import PDF_INSTALL_HINT, LibreOfficeError, find_soffice

    paper = check_paper(paper)
    paths = [os.fspath(w) for w in workbooks]
    results: list[tuple[str, str] | None] = [None] * len(paths)

    def settle(index: int, status: str, reason: str = "") -> None:
        results[index] = status, reason
        if done is not None:
            done(index, status, reason)

    todo, decided = [], []
    for index, path in enumerate(paths):
        target = pdf_name(path)
        if mode == "skip" and _up_to_date(target, path):
            decided.append((index, SKIPPED, ""))
        elif mode == "refuse" and os.path.lexists(target):
            decided.append((index, FAILED, _exists_reason(os.path.basename(target))))
        else:
            todo.append(index)
    if todo and find_soffice() is None:
        raise LibreOfficeError(PDF_INSTALL_HINT)
    for index, status, reason in decided:
        settle(index, status, reason)
    if todo:
        runs = max(1, min(processes, len(todo)))
        rounds = math.ceil(len(todo) / (runs * CHUNK))
        size = math.ceil(len(todo) / (runs * rounds))
        chunks = [todo[start : start + size] for start in range(0, len(todo), size)]
        # Threads wait on the soffice runs and move each PDF into place as it
        # comes; this thread reports them, in the order they come.
        settled: queue.SimpleQueue[tuple[int, str, str]] = queue.SimpleQueue()
        # Set when this thread is stopped (Ctrl-C): the soffice runs end at once.
        cancel = threading.Event()
        with tempfile.TemporaryDirectory(prefix="xlfuncs-pdf-") as folder:

            def run(number: int) -> None:
                where = Path(folder) / str(number)
                _print_chunk(paths, chunks[number], where, mode, paper, settled.put, cancel)

            with ThreadPoolExecutor(runs, thread_name_prefix="xlfuncs-pdf") as pool:
                futures = [pool.submit(run, number) for number in range(len(chunks))]
                left = len(todo)
                try:
                    while left:
                        try:
                            index, status, reason = settled.get(timeout=0.2)
                        except queue.Empty:
                            if all(future.done() for future in futures) and settled.empty():
                                break
                            continue
                        settle(index, status, reason)
                        left -= 1
                except BaseException:
                    cancel.set()
                    raise
                for future in futures:
                    future.result()  # a failure of this module's own: raised here
    return [result or (FAILED, "not printed") for result in results]


def _print_chunk(
    paths: Sequence[str],
    chunk: Sequence[int],
    folder: Path,
    mode: str,
    paper: str,
    settle: Callable[[tuple[int, str, str]], None],
    cancel: threading.Event,
) -> None:
    """One soffice run for the workbooks ``chunk``: each PDF moved into place, and
    ``settle((index, status, reason))`` called, as soon as soffice has printed it."""
    from .._libreoffice import LibreOfficeError, convert

    copies, printed = folder / "copies", folder / "printed"
    copies.mkdir(parents=True)
    sources: list[tuple[int, Path]] = []
    for index in chunk:
        if cancel.is_set():
            return
        path = paths[index]
        try:
            with open(path, "rb") as stream:
                data = summary_only(stream.read(), paper)
            copy = copies / os.path.basename(path)
            copy.write_bytes(data)
        except UnprintableWorkbookError as error:
            settle((index, FAILED, str(error)))
            continue
        except OSError as error:
            settle((index, FAILED, f"could not be read: {error.strerror or error}"))
            continue
        sources.append((index, copy))
    if not sources:
        return
    targets = [printed / copy.with_suffix(".pdf").name for _, copy in sources]
    done: set[int] = set()

    def finished(number: int, problem: str = "") -> None:
        if number in done or cancel.is_set():
            return
        done.add(number)
        index, copy = sources[number]
        copy.unlink(missing_ok=True)
        settle((index, *_moved(targets[number], pdf_name(paths[index]), mode, problem)))

    # soffice takes a minute to start when the machine is busy, then about a second a file.
    timeout = 120.0 + 10.0 * len(sources)
    try:
        _, problem = convert(
            [copy for _, copy in sources],
            printed,
            ".pdf",
            recalculate=False,
            timeout=timeout,
            finished=finished,
            cancel=cancel,
        )
    except LibreOfficeError as error:  # uninstalled meanwhile
        problem = str(error)
    if cancel.is_set():
        return
    for number in range(len(sources)):
        finished(number, problem)


def _moved(pdf: Path, target: str, mode: str, problem: str) -> tuple[str, str]:
    """Move a PDF soffice printed into place; its status and reason."""
    if not pdf.exists():
        return FAILED, "LibreOffice did not print it" + (f": {problem}" if problem else "")
    try:
        save_atomically(lambda part: shutil.copyfile(pdf, part), target, mode != "refuse")
    except FileExistsError:
        return FAILED, _exists_reason(os.path.basename(target))
    except OSError as error:
        return FAILED, f"{os.path.basename(target)} could not be written: {error.strerror or error}"
    finally:
        pdf.unlink(missing_ok=True)
    return WRITTEN, ""
