"""What a reader sees on the printed pages of a workbook, checked from its PDF text layer.

LibreOffice prints each workbook to PDF (one soffice run for many files) and
``pdftotext -bbox-layout`` (poppler-utils) gives every printed word with its
box. On those pages :func:`layout_problems` finds

- two text lines drawn over each other (a wrapped text taller than its row,
  a long text running into its neighbour);
- the text of a visible cell that does not appear whole (clipped by the
  next cell, cut off at the page edge), the cell's text worked out from its
  stored value and number format as a spreadsheet displays it;
- text too small to read (the sheet shrunk to fit the page);
- nearly blank pages;
- a section heading printed as the last line of a page, its section on the next;
- a chart cut in two by a page break (its title and an axis title on different
  pages);
- figures of options that are not in use (``unused``: their letters): a
  figure of the workbook (``book.figures`` / ``book.texts`` / ``book.check_cells``
  keys ending in ``.X``) on Inputs, Summary or Checks that shows anything but
  nothing, a dash or "not in use", and the name an unused option takes in a
  scenario workbook.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries

from xlfuncs._libreoffice import export_pdf
from xlfuncs.templates._workbook import _HEADING_FILL, DASH, NOT_IN_USE

#: Words lower than this many points (the box of a line of 10-point text is
#: about 11 points high at 100 %) are too small to read on paper.
SMALLEST_READABLE = 7.0
#: A page with fewer words than this is nearly blank.
FEWEST_WORDS = 12
#: Sheets whose figures a reader looks at (an unused option shows none there).
READ_SHEETS = ("Inputs", "Summary", "Checks")
#: What an option a scenario does not give was called in its workbook.
UNUSED_NAMES = ("(not used)",)
#: What a cell of an option not in use may show: nothing, a dash, or that it is not in use.
SHOWS_NOTHING = (None, "", DASH, NOT_IN_USE)

_NS = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    line: int


@dataclass(frozen=True)
class Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]
    words: list[Word]


def pdftotext() -> str | None:
    return shutil.which("pdftotext")


def render(workbooks: Sequence[Path], out_dir: Path) -> list[Path]:
    """Each workbook printed to PDF by LibreOffice, all in one soffice run."""
    return export_pdf(workbooks, out_dir)


def pages(pdf: Path) -> list[Page]:
    """The words and lines of each page, from ``pdftotext -bbox-layout``."""
    html = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout
    root = ET.fromstring(html)
    found = []
    for number, page in enumerate(root.iter(f"{_NS}page"), start=1):
        lines: list[Line] = []
        words: list[Word] = []
        for line in page.iter(f"{_NS}line"):
            line_words = [w for w in line.iter(f"{_NS}word")]
            for w in line_words:
                words.append(
                    Word(
                        w.text or "",
                        *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")),
                        len(lines),
                    )
                )
            lines.append(
                Line(
                    " ".join(w.text or "" for w in line_words),
                    *(float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")),
                )
            )
        found.append(
            Page(number, float(page.get("width")), float(page.get("height")), lines, words)
        )
    return found


# What a cell displays ---------------------------------------------------------

_NUMBER_FORMAT = re.compile(r"^(#,##)?0(\.(0+))?(%?)$")


def displayed(value: object, number_format: str) -> tuple[str, ...] | None:
    """The texts a spreadsheet may show for ``value`` in ``number_format`` (a number
    halfway between two roundings in decimal may show either); None if unsure."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            return None
        texts = (
            _displayed(value, number_format),
            _displayed(value, number_format, ROUND_HALF_DOWN),
        )
        return None if None in texts else tuple(dict.fromkeys(texts))
    text = _displayed(value, number_format)
    return None if text is None else (text,)


def _displayed(value: object, number_format: str, rounding: str = ROUND_HALF_UP) -> str | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    found = _NUMBER_FORMAT.match(number_format or "")
    if found is None:
        if number_format in ("General", "@", "", None):
            return _general(float(value))
        return None
    grouped, _, decimals, percent = found.groups()
    number = Decimal(repr(float(value)))
    if percent:
        number *= 100
    places = len(decimals or "")
    number = number.quantize(Decimal(1).scaleb(-places), rounding=rounding)
    if number == 0:
        number = abs(number)
    text = f"{number:,.{places}f}" if grouped else f"{number:.{places}f}"
    return text + ("%" if percent else "")


def _general(value: float) -> str | None:
    if value == int(value) and abs(value) < 1e11:
        return str(int(value))
    return None  # General shows as many decimals as the column has room for


@dataclass(frozen=True)
class Cell:
    sheet: str
    coordinate: str
    texts: tuple[str, ...]

    @property
    def text(self) -> str:
        return self.texts[0]


def visible_cells(path: Path, sheets: Iterable[str] | None = None) -> list[Cell]:
    """Every non-empty cell a printed page shows, with the text it displays.

    Cells of hidden sheets, rows and columns, and all but the first cell of a
    merged range are left out; so are cells whose format this module cannot
    render exactly (General numbers with decimals).
    """
    book = openpyxl.load_workbook(path, data_only=True)
    cells = []
    for ws in book.worksheets:
        if ws.sheet_state != "visible" or (sheets is not None and ws.title not in sheets):
            continue
        covered = set()
        for merged in ws.merged_cells.ranges:
            for row, column in list(merged.cells)[1:]:
                covered.add((row, column))
        hidden_columns = {key for key, dim in ws.column_dimensions.items() if dim.hidden}
        # A sheet with a print area prints that alone (a Risk sheet leaves its trials out).
        areas = (
            [
                range_boundaries(area.split("!")[-1].replace("$", ""))
                for area in (ws.print_area or [])
            ]
            if isinstance(ws.print_area, list)
            else [
                range_boundaries(part.split("!")[-1].replace("$", ""))
                for part in (ws.print_area or "").split(",")
                if part
            ]
        )
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or (cell.row, cell.column) in covered:
                    continue
                if areas and not any(
                    c1 <= cell.column <= c2 and r1 <= cell.row <= r2 for c1, r1, c2, r2 in areas
                ):
                    continue
                if ws.row_dimensions[cell.row].hidden:
                    continue
                if get_column_letter(cell.column) in hidden_columns:
                    continue
                texts = displayed(cell.value, cell.number_format)
                if texts is None or not texts[0].strip():
                    continue
                cells.append(Cell(ws.title, cell.coordinate, texts))
    return cells


# Finding a cell's text on the pages ------------------------------------------


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def appears_whole(text: str, document: Sequence[Page]) -> bool:
    """Whether ``text`` is printed whole: word after word on a line, and where it wraps,
    on the next line down starting below its first word (or within its line's span)."""
    wanted = _squeezed(text)
    if not wanted:
        return True
    for page in document:
        for start, word in enumerate(page.words):
            if (
                word.text
                and wanted.startswith(word.text)
                and _follows(page, start, wanted[len(word.text) :])
            ):
                return True
    return False


def _follows(page: Page, index: int, rest: str) -> bool:
    first = page.words[index]
    current = first
    while rest:
        nxt = page.words[index + 1] if index + 1 < len(page.words) else None
        if nxt is not None and nxt.line == current.line and rest.startswith(nxt.text):
            index, current, rest = index + 1, nxt, rest[len(nxt.text) :]
            continue
        # The text wraps: the next line of the cell starts under its first word.
        height = current.y1 - current.y0
        below = [
            (i, w)
            for i, w in enumerate(page.words)
            if w.text
            and rest.startswith(w.text)
            and 0 <= w.y0 - current.y0 <= 2 * height
            and w.y0 > current.y0 + 0.5 * height
            and (abs(w.x0 - first.x0) <= 3 or first.x0 - 3 <= w.x0 <= current.x1)
        ]
        if not below:
            return False
        index, current = below[0]
        rest = rest[len(current.text) :]
    return True


# The problems -----------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    kind: str
    where: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}: {self.detail}"


def overlaps(page: Page) -> list[Problem]:
    """Pairs of text lines whose boxes overlap (more than a sliver of each)."""
    found = []
    lines = sorted(page.lines, key=lambda line: line.y0)
    for i, a in enumerate(lines):
        for b in lines[i + 1 :]:
            if b.y0 >= a.y1:
                break
            dy = min(a.y1, b.y1) - max(a.y0, b.y0)
            dx = min(a.x1, b.x1) - max(a.x0, b.x0)
            short = min(a.y1 - a.y0, b.y1 - b.y0)
            if dx > 1 and dy > 0.25 * short:
                found.append(
                    Problem("overlap", f"page {page.number}", f"{a.text[:60]!r} / {b.text[:60]!r}")
                )
    return found


def tiny_text(page: Page) -> list[Problem]:
    small = [line for line in page.lines if line.y1 - line.y0 < SMALLEST_READABLE]
    if not small:
        return []
    heights = sorted(line.y1 - line.y0 for line in small)
    return [
        Problem(
            "tiny text",
            f"page {page.number}",
            f"{len(small)} lines {heights[0]:.1f} pt high, e.g. {small[0].text[:60]!r}",
        )
    ]


def nearly_blank(page: Page) -> list[Problem]:
    if len(page.words) >= FEWEST_WORDS:
        return []
    text = " ".join(w.text for w in page.words)
    return [Problem("nearly blank", f"page {page.number}", f"{len(page.words)} words: {text!r}")]


def headings(path: Path) -> list[str]:
    """The text of every section heading (the bar across a sheet) of a workbook."""
    book = openpyxl.load_workbook(path, read_only=False)
    color = _HEADING_FILL.fgColor.rgb
    return [
        cell.value
        for ws in book.worksheets
        if ws.sheet_state == "visible"
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.fill.fgColor.rgb == color
    ]


def orphan_headings(texts: Iterable[str], document: Sequence[Page]) -> list[Problem]:
    """Headings printed as the last line of a page: their section starts the next page."""
    wanted = {_squeezed(text) for text in texts}
    found = []
    for page in document:
        if not page.lines:
            continue
        last = max(page.lines, key=lambda line: line.y0)
        # A heading starts at the sheet's left edge (a chart's legend may repeat its text).
        at_left = last.x0 <= min(line.x0 for line in page.lines) + 2
        if _squeezed(last.text) in wanted and at_left and page.number < len(document):
            found.append(Problem("orphan heading", f"page {page.number}", repr(last.text[:80])))
    return found


def chart_titles(path: Path) -> list[tuple[str, ...]]:
    """Per chart of a workbook, its title and axis titles (the runs of each ``c:title``)."""
    charts = []
    with zipfile.ZipFile(path) as archive:
        for name in sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart")):
            root = ET.fromstring(archive.read(name))
            titles = []
            for title in root.iter("{http://schemas.openxmlformats.org/drawingml/2006/chart}title"):
                runs = title.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}t")
                text = "".join(run.text or "" for run in runs)
                if text.strip():
                    titles.append(text)
            if len(titles) > 1:
                charts.append(tuple(titles))
    return charts


def split_charts(charts: Iterable[tuple[str, ...]], document: Sequence[Page]) -> list[Problem]:
    """Charts whose titles are not all printed on one page: a page break cuts them."""
    found = []
    for titles in charts:
        on = [{page.number for page in document if appears_whole(t, [page])} for t in titles]
        if all(on) and not set.intersection(*on):
            where = ", ".join(
                f"{t[:40]!r} on page {sorted(p)}" for t, p in zip(titles, on, strict=True)
            )
            found.append(Problem("split chart", "printed", where))
    return found


def unused_figures(
    path: Path, places: Mapping[str, tuple[str, str]], unused: Iterable[str]
) -> list[Problem]:
    """Figures of unused options (keys ``....X`` or ``....X.n``) on the sheets a reader
    reads that show a value (see :data:`SHOWS_NOTHING`), and unused options' names
    anywhere in the workbook."""
    letters = set(unused)
    if not letters:
        return []
    book = openpyxl.load_workbook(path, data_only=True)
    found = []
    for key, (sheet, coordinate) in places.items():
        parts = key.split(".")
        if sheet not in READ_SHEETS or not (letters & set(parts[1:])):
            continue
        value = book[sheet][coordinate].value
        if value not in SHOWS_NOTHING:
            found.append(Problem("unused option", f"{sheet}!{coordinate}", f"{key} = {value!r}"))
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and any(n in cell.value for n in UNUSED_NAMES):
                    found.append(
                        Problem(
                            "unused option", f"{ws.title}!{cell.coordinate}", repr(cell.value[:80])
                        )
                    )
    return found


def layout_problems(
    workbook: Path,
    pdf: Path,
    *,
    places: Mapping[str, tuple[str, str]] | None = None,
    unused: Iterable[str] = (),
    unused_words: Iterable[str] = (),
) -> list[Problem]:
    """Every problem of ``workbook`` as printed in ``pdf`` (see the module docstring).

    ``places`` maps figure keys to (sheet, cell) (a built book's ``figures``
    and ``texts``); ``unused`` are the letters of the options not in use and
    ``unused_words`` texts that must not be printed (their illustrative names).
    """
    document = pages(pdf)
    problems: list[Problem] = []
    for page in document:
        problems += overlaps(page) + tiny_text(page) + nearly_blank(page)
    for cell in visible_cells(workbook):
        if not any(appears_whole(text, document) for text in cell.texts):
            problems.append(
                Problem("not whole", f"{cell.sheet}!{cell.coordinate}", repr(cell.text[:100]))
            )
    problems += orphan_headings(headings(workbook), document)
    problems += split_charts(chart_titles(workbook), document)
    problems += unused_figures(workbook, places or {}, unused)
    printed = " ".join(w.text for page in document for w in page.words)
    for words in unused_words:
        if " ".join(words.split()) in printed:
            problems.append(Problem("unused option", "printed", repr(words)))
    return problems
