"""Render the Summary sheet of every template to docs/images/<name>.png, headless.

Usage: python build/render_screenshots.py

LibreOffice recalculates each workbook and prints its Summary sheet (the
other sheets are hidden in a scratch copy) to PDF; pdftoppm (poppler-utils)
turns the first page into a PNG.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from xlfuncs._libreoffice import export_pdf  # noqa: E402
from xlfuncs.templates import TEMPLATE_NAMES  # noqa: E402

IMAGES = ROOT / "docs" / "images"


def summary_only(source: Path, target: Path) -> None:
    """A copy of the workbook that prints only its Summary sheet, fitted to one page."""
    workbook = openpyxl.load_workbook(source)
    for sheet in workbook.worksheets:
        if sheet.title != "Summary":
            sheet.sheet_state = "hidden"
    summary = workbook["Summary"]
    workbook.active = workbook.worksheets.index(summary)
    summary.page_setup.fitToHeight = 1
    workbook.save(target)


def main() -> int:
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is missing: apt-get install -y poppler-utils", file=sys.stderr)
        return 1
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        copies = []
        for name in TEMPLATE_NAMES:
            copy = scratch / f"{name}.xlsx"
            summary_only(ROOT / "templates" / f"{name}.xlsx", copy)
            copies.append(copy)
        for pdf in export_pdf(copies, scratch / "pdf"):
            stem = IMAGES / pdf.stem
            subprocess.run(
                ["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", pdf, stem],
                check=True,
            )
            print(f"rendered {stem.with_suffix('.png').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
