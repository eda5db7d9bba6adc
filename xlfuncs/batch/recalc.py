"""Calculated values in the written workbooks, for readers that do not calculate.

openpyxl writes formulas without results, so pandas, file previewers and
mail clients show empty cells. LibreOffice (headless, many files per run)
computes every formula; its own re-saved file is not shipped, since it drops
frozen panes and rewrites styles. Instead each computed value is copied into
the cached-value slot (``<v>``) of the same formula cell in the original
file's sheet XML, and every other byte of the original stays as built.
Excel still recalculates on opening (the workbook asks it to).
"""

from __future__ import annotations

import io
import re
import tempfile
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from .writer import save_atomically, write_bytes

__all__ = ["recalculate_workbooks", "store_values"]

# Workbooks per soffice run: start-up is paid once, a failure costs one chunk.
_CHUNK = 200
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# A formula cell as openpyxl writes it: the formula, then an empty value.
# (Formula text is escaped XML: it holds no "<".)
_FORMULA_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*)>(<f[^>]*>[^<]*</f>|<f[^>]*/>)<v ?/></c>')


def _sheet_parts(parts: Mapping[str, bytes]) -> dict[str, str]:
    """Sheet title -> the part holding its XML."""
    workbook = ElementTree.fromstring(parts["xl/workbook.xml"])
    rels = ElementTree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_RELS}Relationship")}
    found = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets[sheet.get(f"{_DOC_REL}id")]
        found[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return found


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cached(value: object, data_type: str) -> tuple[str, str] | None:
    """The ``t`` attribute and ``<v>`` text for a computed value."""
    if value is None:
        return None
    if data_type == "e":
        return ' t="e"', _escape(str(value))
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, (int, float)):
        return "", repr(value) if isinstance(value, float) else str(value)
    return ' t="str"', _escape(str(value))


def store_values(original: bytes, computed: Path) -> bytes:
    """``original`` with every formula cell's value taken from the calculated copy."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        infos = archive.infolist()
        parts = {i.filename: archive.read(i) for i in infos}
    book = load_workbook(computed, read_only=True, data_only=True)
    try:
        for title, part in _sheet_parts(parts).items():
            values = {
                cell.coordinate: (cell.value, cell.data_type)
                for row in book[title].iter_rows()
                for cell in row
                if getattr(cell, "coordinate", None) and cell.value is not None
            }

            def fill(match: re.Match, values=values) -> str:
                coordinate, attributes, formula = match.groups()
                cached = _cached(*values.get(coordinate, (None, "n")))
                if cached is None:
                    return match.group()
                kind, text = cached
                return f'<c r="{coordinate}"{attributes}{kind}>{formula}<v>{text}</v></c>'

            parts[part] = _FORMULA_CELL.sub(fill, parts[part].decode("utf-8")).encode("utf-8")
    finally:
        book.close()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for template_info in infos:
            info = zipfile.ZipInfo(template_info.filename, template_info.date_time)
            info.compress_type = template_info.compress_type
            info.external_attr = template_info.external_attr
            archive.writestr(info, parts[template_info.filename])
    return buffer.getvalue()


def _chunks(items: list[Path], size: int) -> Iterator[list[Path]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def recalculate_workbooks(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Store calculated values in each workbook; yields ``(path, problem)`` for failures."""
    from .._recalc import LibreOfficeError, recalculate

    for chunk in _chunks(list(paths), _CHUNK):
        with tempfile.TemporaryDirectory(prefix="xlfuncs-recalc-") as folder:
            try:
                computed = recalculate(chunk, folder)
            except LibreOfficeError as error:
                for path in chunk:
                    yield path, str(error)
                continue
            for path, copy in zip(chunk, computed, strict=True):
                try:
                    data = store_values(path.read_bytes(), copy)
                    save_atomically(lambda target, data=data: write_bytes(target, data), path, True)
                except Exception as error:  # one unreadable copy must not stop the others
                    yield path, f"could not store calculated values: {error}"
