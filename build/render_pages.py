"""Print workbooks' sheets to PDF and PNG pictures, one set per sheet, to look at.

Usage: python build/render_pages.py [--out FOLDER] [--dpi N] [--sheet NAME ...] BOOK.xlsx ...

Each sheet is printed as LibreOffice prints it (page setup, print titles,
scaling) into ``FOLDER/BOOK-SHEET.pdf`` and ``FOLDER/BOOK-SHEET-N.png`` (page
N). A sheet is printed on its own by a copy of the workbook in which every
other sheet is hidden; all copies go through one soffice run.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout, not an installed copy

from xlfuncs._libreoffice import export_pdf  # noqa: E402

_SHEET = re.compile(r"<sheet\b[^>]*?/>")
_NAME = re.compile(r'\bname="([^"]*)"')


def sheet_names(book: Path) -> list[str]:
    with zipfile.ZipFile(book) as archive:
        xml = archive.read("xl/workbook.xml").decode("utf-8")
    return [_NAME.search(tag).group(1) for tag in _SHEET.findall(xml)]


def only_sheet(book: Path, sheet: str, target: Path) -> None:
    """A copy of ``book`` in which every sheet but ``sheet`` is hidden (and ``sheet`` active)."""
    names = sheet_names(book)
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                xml = data.decode("utf-8")
                xml = _SHEET.sub(lambda tag: _shown(tag.group(), sheet), xml)
                xml = re.sub(r'\sactiveTab="[0-9]+"', "", xml)
                xml = xml.replace(
                    "<workbookView ", f'<workbookView activeTab="{names.index(sheet)}" '
                )
                data = xml.encode("utf-8")
            copy.writestr(info, data)


def _shown(tag: str, sheet: str) -> str:
    tag = re.sub(r'\sstate="[a-zA-Z]+"', "", tag)
    if _NAME.search(tag).group(1) == sheet:
        return tag
    return tag.replace("<sheet ", '<sheet state="hidden" ', 1)


def render(
    books: list[Path], out: Path, sheets: list[str] | None = None, dpi: int = 60
) -> list[Path]:
    """Print each sheet of each book to PDF and PNG pages in ``out``; returns the PNGs."""
    out.mkdir(parents=True, exist_ok=True)
    pictures = []
    with tempfile.TemporaryDirectory(prefix="xlfuncs-pages-") as folder:
        copies = []
        for book in books:
            for sheet in sheet_names(book):
                if sheets and sheet not in sheets:
                    continue
                copy = Path(folder) / f"{book.stem}-{sheet}.xlsx"
                only_sheet(book, sheet, copy)
                copies.append(copy)
        for pdf in export_pdf(copies, out):
            for old in out.glob(f"{pdf.stem}-*.png"):
                old.unlink()
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out / pdf.stem)], check=True
            )
            pictures += sorted(out.glob(f"{pdf.stem}-*.png"))
    return pictures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("books", nargs="+", type=Path, help=".xlsx files")
    parser.add_argument("--out", type=Path, default=Path("pages"), help="output folder")
    parser.add_argument("--dpi", type=int, default=60, help="resolution of the pictures")
    parser.add_argument("--sheet", action="append", help="only this sheet (repeatable)")
    arguments = parser.parse_args(argv)
    for picture in render(arguments.books, arguments.out, arguments.sheet, arguments.dpi):
        print(picture)
    return 0


if __name__ == "__main__":
    sys.exit(main())
