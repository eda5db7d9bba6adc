"""Recalculate workbooks with LibreOffice headless and read back what it computed.

openpyxl writes formulas without results; a spreadsheet engine computes them
when the file is opened. :func:`recalculate` has LibreOffice (``soffice``)
open each workbook, recalculate every formula, and save a copy, so that the
figures can be read with ``openpyxl.load_workbook(path, data_only=True)``.

LibreOffice trusts the results cached in an ``.xlsx`` file by default. A
private profile is written before the first start with the setting that
makes it always recalculate on load, so the user's own profile is neither
used nor changed, and one soffice run converts many files (start-up is the
slow part).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ._errors import InputError, LibreOfficeError

__all__ = [
    "INSTALL_HINT",
    "PDF_INSTALL_HINT",
    "LibreOfficeError",
    "convert",
    "export_pdf",
    "find_soffice",
    "recalculate",
]

#: soffice --convert-to targets, by the suffix of the file it writes.
_FILTERS = {
    ".xlsx": "xlsx:Calc MS Excel 2007 XML",
    ".pdf": "pdf:calc_pdf_Export",
    ".ods": "ods:calc8",
}

INSTALL_HINT = (
    "LibreOffice is needed to recalculate workbooks; install it with "
    "`apt-get install -y --no-install-recommends libreoffice-calc-nogui` "
    "(or from libreoffice.org) so that `soffice` is on the PATH, or set SOFFICE "
    "to its full path"
)

#: What to install for ``--pdf``: one line, said once by the batch.
PDF_INSTALL_HINT = (
    "LibreOffice is needed to make the PDFs; install it with "
    "`sudo apt-get install libreoffice-calc` (or from libreoffice.org) so that `soffice` "
    "is on the PATH, or set SOFFICE to its full path"
)

# Calc > Formula > "Recalculation on file load" for Excel 2007+ and ODF files:
# 0 = always (to check the stored values), 1 = never (to print them as stored).
_RECALCULATE_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
</oor:items>
"""


def find_soffice() -> str | None:
    """Path of the soffice program: $SOFFICE if set, else soffice or libreoffice on the PATH."""
    configured = os.environ.get("SOFFICE")
    if configured:
        return configured if Path(configured).exists() else shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def _write_profile(profile: Path, recalculate: bool = True) -> None:
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    settings = _RECALCULATE_ON_LOAD.format(mode=0 if recalculate else 1)
    (user / "registrymodifications.xcu").write_text(settings, encoding="utf-8")


def recalculate(
    workbooks: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    timeout: float = 600.0,
) -> list[Path]:
    """Recalculate every workbook with LibreOffice and save the results in ``out_dir``.

    All files go through one soffice run. Each copy keeps its file name, so
    the names must differ; the originals are not touched.

    Parameters
    ----------
    workbooks : iterable of path-like
        ``.xlsx`` files to recalculate.
    out_dir : path-like
        Folder for the recalculated copies (created if missing; must not be
        a folder of any of the inputs).
    timeout : float, default 600
        Seconds to wait for soffice.

    Returns
    -------
    list of Path
        The recalculated copies, in the order given.

    Raises
    ------
    LibreOfficeError
        soffice is not installed, exits with an error, or leaves a file out.
    """
    return _convert(workbooks, out_dir, ".xlsx", timeout)


def export_pdf(
    workbooks: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    timeout: float = 600.0,
) -> list[Path]:
    """Recalculate every workbook and print it to PDF in ``out_dir`` (one soffice run).

    Hidden sheets are not printed, so hide the sheets you do not want first.
    Returns the PDF files in the order given; raises :class:`LibreOfficeError`.
    """
    return _convert(workbooks, out_dir, ".pdf", timeout)


def _convert(
    workbooks: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    suffix: str,
    timeout: float,
) -> list[Path]:
    sources = [Path(w).resolve() for w in workbooks]
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise InputError(
            "recalculate: the workbooks' file names must differ", function="recalculate"
        )
    out = Path(out_dir).resolve()
    if any(s.parent == out for s in sources):
        raise InputError(
            "recalculate: out_dir must not hold the workbooks themselves",
            function="recalculate",
            argument="out_dir",
        )
    if not sources:
        return []
    targets, problem = convert(sources, out, suffix, timeout=timeout)
    missing = [t.name for t in targets if not t.exists()]
    if problem or missing:
        unwritten = f"soffice did not write {missing}" if missing else ""
        raise LibreOfficeError("; ".join(filter(None, [problem, unwritten])))
    return targets


def convert(
    sources: Sequence[Path],
    out: Path,
    suffix: str,
    *,
    recalculate: bool = True,
    timeout: float = 600.0,
    finished: Callable[[int], None] | None = None,
    cancel: threading.Event | None = None,
) -> tuple[list[Path], str]:
    """Convert files with one soffice run; returns the targets and what went wrong, if anything.

    The targets (``out`` / each source's stem + ``suffix``) that exist
    afterwards were written; the message is empty when soffice ended well.
    ``recalculate=False`` keeps the values stored in the files (for printing
    them); by default every formula is computed afresh. The sources' names
    must differ and ``out`` must not be their folder (:func:`recalculate`
    checks both). ``finished(i)`` is called, while soffice runs, for each
    source ``i`` it has moved past (it names each file as it starts on it),
    whose target may still be missing if soffice could not convert it; the
    others (the last, those never named) are known when this returns.
    With ``finished``, setting ``cancel`` stops soffice at once.

    Raises
    ------
    LibreOfficeError
        soffice is not installed.
    """
    soffice = find_soffice()
    if soffice is None:
        raise LibreOfficeError(INSTALL_HINT)
    out.mkdir(parents=True, exist_ok=True)
    targets = [out / Path(source).with_suffix(suffix).name for source in sources]
    for target in targets:
        target.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="xlfuncs-lo-") as profile:
        _write_profile(Path(profile), recalculate)
        command: Sequence[str] = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            _FILTERS[suffix],
            "--outdir",
            str(out),
            *map(str, sources),
        ]
        try:
            if finished is None:
                run = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
                code, said = run.returncode, run.stderr or run.stdout
            else:
                code, said = _run_reporting(command, sources, timeout, finished, cancel)
        except subprocess.TimeoutExpired:
            return targets, f"soffice did not finish within {timeout:g} s"
        except OSError as error:
            return targets, f"soffice could not be started: {error.strerror or error}"
    if code != 0:
        said = said.strip()[:500]
        return targets, f"soffice exited with {code}" + (f": {said}" if said else "")
    return targets, ""


def _run_reporting(
    command: Sequence[str],
    sources: Sequence[Path],
    timeout: float,
    finished: Callable[[int], None],
    cancel: threading.Event | None = None,
) -> tuple[int, str]:
    """Run soffice, calling ``finished(i)`` for each source as soffice moves past it.

    soffice prints ``convert SOURCE -> TARGET using filter : ...`` as it
    starts on each file, so a file is done when the next one is named.
    Returns the exit status and what soffice said on standard error.
    """
    index = {f"convert {source} -> ": i for i, source in enumerate(sources)}
    pending: list[int] = []
    told: set[int] = set()

    def tell_pending() -> None:
        for i in pending:
            if i not in told:
                told.add(i)
                finished(i)
        pending.clear()

    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as errors:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        late: list[bool] = []
        ended = threading.Event()

        def watch() -> None:
            """Stop soffice when it takes too long or the caller cancels."""
            deadline = time.monotonic() + timeout
            while not ended.wait(0.2):
                if cancel is not None and cancel.is_set():
                    break
                if time.monotonic() > deadline:
                    late.append(True)
                    break
            else:
                return
            process.kill()

        timer = threading.Thread(target=watch, daemon=True, name="xlfuncs-soffice-watch")
        timer.start()
        try:
            for line in process.stdout:
                head = line.split(" -> ", 1)[0] + " -> "
                i = index.get(head)
                if i is None:  # a name with " -> " in it: look further
                    i = next((n for key, n in index.items() if line.startswith(key)), None)
                if i is not None:
                    tell_pending()
                    pending.append(i)
            code = process.wait()
        finally:
            ended.set()
            timer.join()
            if process.poll() is None:
                process.kill()
                process.wait()
        errors.seek(0)
        said = errors.read()
    if late:
        raise subprocess.TimeoutExpired(command, timeout)
    return code, said
