"""Writing workbooks: fast filling of a built template, and atomic, no-clobber saving.

**Filling.** Building a template with openpyxl takes tens of milliseconds,
nearly all of it spent laying out styles, validation and formulas that are
the same for every scenario. :class:`Filler` builds the template once with
marker values, finds the cells that hold them, and then makes each
scenario's workbook by writing the scenario's values into those cells of the
saved sheet XML (exactly as openpyxl writes them) and copying every other
part of the package unchanged. Before trusting this, it builds the template
a second time with other markers and checks that the two builds differ only
in the marked cells; a template whose layout depends on its values (or that
hides a value anywhere else) is built afresh for every scenario instead.

**Saving.** Each workbook is written to a temporary file in the output folder
(``.NAME.PID@HOST.RANDOM.part``, never ``.xlsx``) and moved into place in
one step, so a run killed at any moment leaves only complete workbooks; the
next run removes the temporary files of processes of this machine that no
longer run, and never those of a run still writing. Without
``overwrite`` the move refuses to replace an existing file, even one that
appeared while the workbook was being made.
"""

from __future__ import annotations

import io
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

from .._errors import XlfuncsError
from ..templates._workbook import starts_like_formula
from .parts import new_part
from .template import Template

__all__ = [
    "EXISTS",
    "Filler",
    "TemplateNotFillableError",
    "illegal_text",
    "quoted_inputs",
    "save_atomically",
    "write_bytes",
]

#: Modes for a file that already exists.
EXISTS = ("refuse", "overwrite", "skip")

# Characters XML 1.0 cannot hold (openpyxl refuses them too).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def illegal_text(text: str) -> str | None:
    """The first character a workbook cannot hold, shown as an escape, or ``None``."""
    found = _ILLEGAL.search(text)
    return None if found is None else repr(found.group())[1:-1]


class TemplateNotFillableError(XlfuncsError):
    """The template's output depends on its values beyond the input cells."""


# Markers -------------------------------------------------------------------


def _number_marker(rule, serial: int, variant: int) -> float:
    """An allowed value for the rule, unlike any other number a template writes."""
    low = rule.low if math.isfinite(rule.low) else -1000.0
    high = rule.high if math.isfinite(rule.high) else low + 1e6
    if rule.whole:
        # Whole numbers near the top of the range, distinct per input and variant.
        value = float(math.floor(high) - 2 * serial - variant)
        if value < low:
            raise TemplateNotFillableError("not enough whole numbers for markers")
        return value
    fraction = 0.6180339887 + 0.0001 * serial + 0.00003 * variant
    return low + (high - low) * fraction


def _markers(inputs, quoted: frozenset[str], variant: int) -> dict[str, float | str]:
    """A value per input, distinct per input and per variant wherever the rules allow."""
    markers: dict[str, float | str] = {}
    for serial, spec in enumerate(inputs):
        choices = tuple(getattr(spec, "choices", ()) or ())
        if choices:
            markers[spec.name] = choices[variant % len(choices)]
        elif spec.rule is None:
            start = "=" if spec.name in quoted else ""
            markers[spec.name] = f"{start}xlfuncsmarker{variant}n{serial}q"
        else:
            markers[spec.name] = _number_marker(spec.rule, serial, variant)
    return markers


def _number_text(value: float) -> str:
    return "%.16g" % value  # noqa: UP031 - exactly as openpyxl writes numbers


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text_element(text: str) -> str:
    # As openpyxl does: preserve spaces only where stripping would change the text.
    stripped = text.strip()
    space = ' xml:space="preserve"' if stripped and stripped != text else ""
    return f"<is><t{space}>{_escape(text)}</t></is>"


class _Sheet:
    """A sheet's XML cut at its input cells: literal pieces, and a slot per input."""

    def __init__(self, xml: str, markers: Mapping[str, float | str], cells: Mapping[str, str]):
        slots: list[tuple[int, int, str, str]] = []  # start, end, input name, opening tag
        for name, marker in markers.items():
            if name in cells:
                pattern = rf'<c r="{cells[name]}"[ >].*?</c>'
            elif isinstance(marker, str):
                pattern = r"<c [^>]*><is><t>" + re.escape(_escape(marker)) + "</t></is></c>"
            else:
                pattern = r"<c [^>]*><v>" + re.escape(_number_text(marker)) + "</v></c>"
            for found in re.finditer(pattern, xml):
                text = found.group()
                slots.append((found.start(), found.end(), name, text[: text.index(">") + 1]))
        slots.sort()
        self.pieces: list[str] = []
        self.slots: list[tuple[str, str]] = []
        position = 0
        for start, end, name, opening in slots:
            if start < position:
                raise TemplateNotFillableError("two inputs share a cell")
            self.pieces.append(xml[position:start])
            self.slots.append((name, opening))
            position = end
        self.pieces.append(xml[position:])

    def names(self) -> list[str]:
        return [name for name, _ in self.slots]

    def render(self, values: Mapping[str, float | str]) -> bytes:
        out = [self.pieces[0]]
        for (name, opening), piece in zip(self.slots, self.pieces[1:], strict=True):
            value = values[name]
            if isinstance(value, str):
                cell = (
                    f"{opening[:-1]} />" if value == "" else f"{opening}{_text_element(value)}</c>"
                )
            else:
                cell = f"{opening}<v>{_number_text(value)}</v></c>"
            out.append(cell)
            out.append(piece)
        return "".join(out).encode("utf-8")


def _build(template: Template, values: Mapping[str, float | str]) -> tuple[bytes, dict]:
    """The built workbook's bytes, and where the builder says each input is."""
    with tempfile.TemporaryDirectory(prefix="xlfuncs-") as folder:
        path = Path(folder) / "skeleton.xlsx"
        built = template.build(values, path)
        cells = dict(getattr(built, "input_cells", None) or {})
        return path.read_bytes(), cells


def _parts(data: bytes) -> dict[str, tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {i.filename: (i, archive.read(i)) for i in archive.infolist()}


# Parts whose content records when a workbook was made, not what it holds.
_TIMESTAMPED = "docProps/core.xml"


class Filler:
    """Makes a scenario's workbook from one build of the template (see the module docstring)."""

    def __init__(self, template: Template, quoted: frozenset[str] = frozenset()):
        inputs = list(template.inputs)
        first = _markers(inputs, quoted, 0)
        second = _markers(inputs, quoted, 1)
        skeleton_bytes, cells = _build(template, first)
        skeleton, check = _parts(skeleton_bytes), _parts(_build(template, second)[0])
        if list(skeleton) != list(check):
            raise TemplateNotFillableError("the parts of the workbook depend on the values")
        self.infos = [info for info, _ in skeleton.values()]
        self.fixed: dict[str, bytes] = {}
        self.sheets: dict[str, _Sheet] = {}
        # Inputs chosen from a list share their values with other cells: they
        # are found only by the cell the builder reports.
        listed = {spec.name for spec in inputs if getattr(spec, "choices", ())}
        if listed - set(cells):
            raise TemplateNotFillableError("an input chosen from a list has no known cell")
        searchable = {n: v for n, v in first.items() if n not in listed}
        # The inputs sheet is the one holding the most markers.
        home = max(
            (n for n in skeleton if n.startswith("xl/worksheets/sheet")),
            key=lambda n: len(_Sheet(skeleton[n][1].decode("utf-8"), searchable, {}).slots),
        )
        found: list[str] = []
        for name, (_, data) in skeleton.items():
            sheet = None
            if name.startswith("xl/worksheets/sheet"):
                here = cells if name == home else {}
                sheet = _Sheet(data.decode("utf-8"), {**searchable, **here}, here)
            if sheet is not None and sheet.slots:
                if sheet.render(second) != check[name][1]:
                    raise TemplateNotFillableError(f"{name} depends on the values beyond inputs")
                self.sheets[name] = sheet
                found += sheet.names()
            else:
                if name != _TIMESTAMPED and data != check[name][1]:
                    raise TemplateNotFillableError(f"{name} depends on the values")
                self.fixed[name] = data
        if sorted(found) != sorted(first):
            raise TemplateNotFillableError("an input is not in exactly one cell")

    def workbook_bytes(self, values: Mapping[str, float | str]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for template_info in self.infos:
                name = template_info.filename
                sheet = self.sheets.get(name)
                data = self.fixed[name] if sheet is None else sheet.render(values)
                # A fresh entry each time: writing fills in sizes and checksums, and
                # threads may share this filler.
                info = zipfile.ZipInfo(name, template_info.date_time)
                info.compress_type = template_info.compress_type
                info.external_attr = template_info.external_attr
                archive.writestr(info, data)
        return buffer.getvalue()


def quoted_inputs(values: Mapping[str, float | str]) -> frozenset[str]:
    """Text inputs whose value starts like a formula.

    Templates write such text with Excel's "quote prefix" style, so that
    typing over it cannot turn it into a formula: their cells take another style.
    """
    return frozenset(
        name
        for name, value in values.items()
        if isinstance(value, str) and starts_like_formula(value)
    )


# Saving --------------------------------------------------------------------


def save_atomically(
    write: Callable[[str], None], target: str | os.PathLike[str], overwrite: bool
) -> None:
    """Write a file through a temporary file beside it, then move it into place.

    ``write(path)`` writes the content to ``path`` (a string). Without
    ``overwrite``, :class:`FileExistsError` is raised if ``target`` exists,
    and the temporary file is removed. The file gets the permissions the
    user's umask gives, as any other program's new files do.
    """
    # Plain strings rather than pathlib: pathlib interns every name it parses,
    # which a batch of many thousand files would keep in memory.
    target = os.fspath(target)
    folder, name = os.path.split(target)
    temporary = new_part(folder or ".", os.path.splitext(name)[0])
    try:
        write(temporary)
        if overwrite:
            os.replace(temporary, target)
        else:
            _move_without_replacing(temporary, target)
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def write_bytes(path: str, data: bytes) -> None:
    with open(path, "wb") as stream:
        stream.write(data)


def _move_without_replacing(source: str, target: str) -> None:
    try:
        # A hard link fails if the target exists: no window between check and move.
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:
        # File systems without hard links (FAT, some network shares).
        if os.path.lexists(target):
            raise FileExistsError(target) from None
        os.replace(source, target)
