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
from collections.abc import Iterable, Sequence
from pathlib import Path

from ._errors import InputError, LibreOfficeError

__all__ = ["INSTALL_HINT", "LibreOfficeError", "export_pdf", "find_soffice", "recalculate"]

#: soffice --convert-to targets, by the suffix of the file it writes.
_FILTERS = {".xlsx": "xlsx:Calc MS Excel 2007 XML", ".pdf": "pdf:calc_pdf_Export"}

INSTALL_HINT = (
    "LibreOffice is needed to recalculate workbooks; install it with "
    "`apt-get install -y --no-install-recommends libreoffice-calc-nogui` "
    "(or from libreoffice.org) so that `soffice` is on the PATH, or set SOFFICE "
    "to its full path"
)

# Calc > Formula > "Recalculation on file load": 0 = always, for Excel 2007+ and ODF files.
_ALWAYS_RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def find_soffice() -> str | None:
    """Path of the soffice program: $SOFFICE if set, else soffice or libreoffice on the PATH."""
    configured = os.environ.get("SOFFICE")
    if configured:
        return configured if Path(configured).exists() else shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def _write_profile(profile: Path) -> None:
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_ALWAYS_RECALCULATE, encoding="utf-8")


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
    soffice = find_soffice()
    if soffice is None:
        raise LibreOfficeError(INSTALL_HINT)
    out.mkdir(parents=True, exist_ok=True)
    targets = [out / Path(name).with_suffix(suffix).name for name in names]
    for target in targets:
        target.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="xlfuncs-lo-") as profile:
        _write_profile(Path(profile))
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
            run = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as error:
            raise LibreOfficeError(f"soffice did not finish within {timeout:g} s") from error
    missing = [t.name for t in targets if not t.exists()]
    if run.returncode != 0 or missing:
        raise LibreOfficeError(
            f"soffice exited with {run.returncode} and did not write {missing}: "
            f"{(run.stderr or run.stdout).strip()[:500]}"
        )
    return targets
