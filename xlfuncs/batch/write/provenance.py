"""What a workbook was made from, recorded in the workbook itself.

Each workbook a batch writes carries, in its custom document properties
(``docProps/custom.xml``, shown by Excel under *File > Info > Properties >
Advanced Properties > Custom*), a fingerprint of everything it was made
from: the template, the version of xlfuncs that built it, and every input
value (prices looked up by model name included). A later run that keeps
existing workbooks (``--skip-existing``) compares fingerprints, so that a
workbook made from other inputs is never passed off as this run's. Its
document title is set to the scenario's name.

The properties are added to the finished bytes of the workbook: the
parts that do not change are copied as they are, without being compressed
again.
"""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Mapping

from ..._files.limits import UNWRITABLE
from ..._ooxml import escape
from ..._version import __version__

__all__ = [
    "FINGERPRINT_PROPERTY",
    "READS",
    "fingerprint",
    "properties",
    "recorded_fingerprint",
    "room_for_properties",
    "stamp",
]

#: The custom document property holding the fingerprint.
FINGERPRINT_PROPERTY = "xlfuncs inputs"
_FORMAT = "xlfuncs-inputs-1"
# A kept workbook's properties are read only if they are this small.
_MOST = 1 << 20

_CUSTOM = "docProps/custom.xml"
_CORE = "docProps/core.xml"
_TYPES = "[Content_Types].xml"
_RELS = "_rels/.rels"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
_PROPERTIES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "</Properties>"
)
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one custom properties use
_VALUE_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"

# Custom properties parts as other applications write them may give the
# properties' namespace a prefix (<op:Properties>, <op:property>), call the
# value types' namespace by another prefix than vt (<v:lpwstr>), or quote
# attributes with '. The patterns below take any prefix (or none) and either quote.
_PREFIX = r"(?:[A-Za-z_][\w.-]*:)?"
# The root element's start tag, after the XML declaration and any comments.
_ROOT = re.compile(
    r"\A\ufeff?(?:\s|<\?.*?\?>|<!--.*?-->)*"
    rf"<(?P<prefix>{_PREFIX})Properties(?P<attributes>(?:\s[^>]*?)?)(?P<empty>/?)>",
    re.DOTALL,
)
_DECLARATION = re.compile(r"""\bxmlns(?::(?P<prefix>[\w.-]+))?\s*=\s*(["'])(?P<uri>.*?)\2""")
_PID = re.compile(r"""\bpid\s*=\s*["'](\d+)["']""")
# The start tag of the fingerprint property.
_FINGERPRINT_TAG = (
    rf"<(?P<prefix>{_PREFIX})property\s[^>]*?"
    rf"""\bname\s*=\s*(?P<quote>["']){re.escape(FINGERPRINT_PROPERTY)}(?P=quote)"""
)
# The whole fingerprint property (an empty one included), to replace it.
_FINGERPRINT = re.compile(
    _FINGERPRINT_TAG + r"[^>]*?(?:/>|>.*?</(?P=prefix)property\s*>)", re.DOTALL
)
# The fingerprint property's text value, to read it.
_RECORDED = re.compile(_FINGERPRINT_TAG + rf"[^>]*(?<!/)>\s*<{_PREFIX}lpwstr>(?P<value>[^<]*)</")


def fingerprint(
    template_name: str,
    values: Mapping[str, float | str],
    template_version: str | None = None,
) -> str:
    """A short text that changes whenever anything a workbook is made from changes.

    SHA-256 of the template's name and version (by default the version of
    xlfuncs, which builds the templates) and every input value, numbers to
    the last bit.

    >>> a = fingerprint("tco_comparison", {"accuracy": 0.95, "name": "x"}, "1.0")
    >>> a == fingerprint("tco_comparison", {"name": "x", "accuracy": 0.95}, "1.0")
    True
    >>> a == fingerprint("tco_comparison", {"accuracy": 0.5, "name": "x"}, "1.0")
    False
    >>> a.startswith("sha256:")
    True
    """
    # Python's repr of text and numbers is exact and unambiguous (a float's
    # repr reads back as the same float).
    inputs = [
        (key, value if value is None or isinstance(value, str) else float(value))
        for key, value in sorted(values.items())
    ]
    text = repr((_FORMAT, template_name, template_version or __version__, inputs))
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def stamp(data: bytes, fingerprint_text: str, title: str | None = None) -> bytes:
    """The workbook ``data`` with the fingerprint in its custom properties, and its title set."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        end_of_entries = archive.start_dir
    starts = [*sorted(i.header_offset for i in infos), end_of_entries]
    span = dict(itertools.pairwise(starts))
    texts = {
        i.filename: _text(data[i.header_offset : span[i.header_offset]])
        for i in infos
        if i.filename in READS
    }
    # The parts that are the same in every workbook of a batch are read,
    # changed and compressed once; the two that differ are stored as they are.
    changed = {name: (content, True) for name, content in room_for_properties(texts).items()}
    changed.update(
        (name, (content, False))
        for name, content in properties(texts, fingerprint_text, title).items()
    )
    return _rewritten(data, infos, span, changed)


#: The parts of a package that :func:`room_for_properties` and :func:`properties` read.
READS = (_CUSTOM, _CORE, _TYPES, _RELS)


def room_for_properties(texts: Mapping[str, str]) -> dict[str, bytes]:
    """The package parts that declare the custom properties part, given the texts of
    :data:`READS` that the package has: the same for every workbook made from one package."""
    changed = {}
    if _TYPES in texts:
        changed[_TYPES] = _with_custom_type(texts[_TYPES])
    if _RELS in texts:
        changed[_RELS] = _with_custom_relation(texts[_RELS])
    return changed


def properties(
    texts: Mapping[str, str], fingerprint_text: str, title: str | None = None
) -> dict[str, bytes]:
    """The custom properties part holding the fingerprint, and the core properties part
    with ``title`` (when given and the package has one), given the texts of :data:`READS`."""
    changed = {_CUSTOM: _with_property(texts.get(_CUSTOM, _PROPERTIES), fingerprint_text)}
    if title is not None and _CORE in texts:
        changed[_CORE] = _with_title(texts[_CORE], title)
    return changed


def _text(entry: bytes) -> str:
    """The text of a zip entry (local header and data), as found in the archive."""
    name_length, extra_length = struct.unpack_from("<HH", entry, 26)
    method, compressed = (
        struct.unpack_from("<H", entry, 8)[0],
        struct.unpack_from("<L", entry, 18)[0],
    )
    start = 30 + name_length + extra_length
    body = entry[start : start + compressed] if compressed else entry[start:]
    if method == zipfile.ZIP_DEFLATED:
        body = zlib.decompressobj(-15).decompress(body)
    return body.decode("utf-8")


# Remembered results, here and below, are applied after the definitions rather than
# as decorators, so that mutation testing (mutmut leaves decorated functions alone)
# reaches the functions' bodies.
_text = functools.lru_cache(maxsize=64)(_text)


def _with_custom_type(xml: str) -> bytes:
    if "/docProps/custom.xml" not in xml:
        override = f'<Override PartName="/docProps/custom.xml" ContentType="{_CUSTOM_TYPE}"/>'
        xml = xml.replace("</Types>", override + "</Types>")
    return xml.encode("utf-8")


_with_custom_type = functools.lru_cache(maxsize=16)(_with_custom_type)


def _with_custom_relation(xml: str) -> bytes:
    if _CUSTOM_REL not in xml:
        relation = (
            f'<Relationship Id="rIdXlfuncsCustom" Type="{_CUSTOM_REL}" '
            'Target="docProps/custom.xml"/>'
        )
        xml = xml.replace("</Relationships>", relation + "</Relationships>")
    return xml.encode("utf-8")


_with_custom_relation = functools.lru_cache(maxsize=16)(_with_custom_relation)


def recorded_fingerprint(path: str | os.PathLike[str]) -> str | None:
    """The fingerprint a workbook records, or ``None`` (none, or not a workbook we can read)."""
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.NameToInfo.get(_CUSTOM)
            if info is None or info.file_size > _MOST:
                return None
            text = archive.read(info).decode("utf-8")
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError, RuntimeError, ValueError):
        return None
    found = _RECORDED.search(text)
    return found["value"] if found else None


def _escape(text: str) -> str:
    return escape(UNWRITABLE.sub("", text))


def _with_property(xml: str, value: str) -> bytes:
    """The custom properties part ``xml`` with the fingerprint ``value`` (see
    :func:`_around_fingerprint`)."""
    around = _around_fingerprint(xml)
    if around is None:  # not a custom properties part: left as it was
        return xml.encode("utf-8")
    before, after = around
    return (before + _escape(value) + after).encode("utf-8")


def _around_fingerprint(xml: str) -> tuple[str, str] | None:
    """The custom properties part ``xml`` with a fingerprint property in place of any
    it had, cut where the fingerprint's value goes: the text before and after it.

    The new property is the last, numbered one above the largest number the
    others have (custom properties are numbered from 2), and written with the
    prefixes the part's root element gives the two namespaces; every other
    byte of the part is kept. ``None`` if the part has no ``Properties`` root.

    Remembered: each workbook of a batch adds its own fingerprint to the same part.
    """
    xml = _FINGERPRINT.sub("", xml)
    root = _ROOT.match(xml)
    if root is None:
        return None
    prefix = root["prefix"]
    value_prefixes = [
        found["prefix"]
        for found in _DECLARATION.finditer(root["attributes"])
        if found["uri"] == _VALUE_TYPES
    ]
    if value_prefixes:
        value_type = f"{value_prefixes[0]}:lpwstr" if value_prefixes[0] else "lpwstr"
        declaration = ""
    else:  # the part does not declare the value types: the value does
        value_type, declaration = "vt:lpwstr", f' xmlns:vt="{_VALUE_TYPES}"'
    pid = max([1, *map(int, _PID.findall(xml))]) + 1
    start = (
        f'<{prefix}property fmtid="{_FMTID}" pid="{pid}" name="{FINGERPRINT_PROPERTY}">'
        f"<{value_type}{declaration}>"
    )
    end = f"</{value_type}></{prefix}property>"
    if root["empty"]:  # <Properties ... />: opened and closed around the property
        return xml[: root.start("empty")] + ">" + start, (
            end + f"</{prefix}Properties>" + xml[root.end() :]
        )
    closings = list(re.finditer(rf"</{re.escape(prefix)}Properties\s*>", xml))
    if not closings:
        return None
    cut = closings[-1].start()
    return xml[:cut] + start, end + xml[cut:]


_around_fingerprint = functools.lru_cache(maxsize=16)(_around_fingerprint)


def _with_title(xml: str, title: str) -> bytes:
    element = f"<dc:title>{_escape(title)}</dc:title>"
    if re.search(r"<dc:title\s*/>|<dc:title>.*?</dc:title>", xml, flags=re.DOTALL):
        xml = re.sub(
            r"<dc:title\s*/>|<dc:title>.*?</dc:title>",
            lambda _: element,
            xml,
            count=1,
            flags=re.DOTALL,
        )
    else:
        xml = xml.replace("</cp:coreProperties>", element + "</cp:coreProperties>")
    return xml.encode("utf-8")


# A small zip writer: unchanged entries are copied byte for byte (local
# header, compressed data, data descriptor); changed ones are compressed anew.


def _rewritten(
    data: bytes,
    infos: list[zipfile.ZipInfo],
    span: dict[int, int],
    changed: dict[str, tuple[bytes, bool]],
) -> bytes:
    out = io.BytesIO()
    directory = []
    for info in infos:
        offset = out.tell()
        if info.filename in changed:
            content, compress = changed.pop(info.filename)
            make = _entry if compress else _stored_entry
            entry, record = make(info.filename, content, info.date_time)
            out.write(entry)
            record = {**record, "external_attr": info.external_attr}
        else:
            out.write(data[info.header_offset : span[info.header_offset]])
            record = {
                "name": info.filename.encode("utf-8"),
                "flags": info.flag_bits,
                "method": info.compress_type,
                "date_time": info.date_time,
                "crc": info.CRC,
                "compressed": info.compress_size,
                "size": info.file_size,
                "external_attr": info.external_attr,
                "version": info.extract_version,
            }
        record["offset"] = offset
        directory.append(record)
    date_time = infos[0].date_time if infos else (1980, 1, 1, 0, 0, 0)
    for name, (content, compress) in changed.items():  # parts the workbook did not have
        offset = out.tell()
        entry, record = (_entry if compress else _stored_entry)(name, content, date_time)
        out.write(entry)
        record = {**record, "offset": offset}
        directory.append(record)
    start = out.tell()
    for r in directory:
        time, date = _dos(r["date_time"])
        out.write(
            struct.pack(
                "<4s4B4HL2L5H2L",
                b"PK\x01\x02",
                20,
                0,
                r["version"],
                0,
                r["flags"],
                r["method"],
                time,
                date,
                r["crc"],
                r["compressed"],
                r["size"],
                len(r["name"]),
                0,
                0,
                0,
                0,
                r["external_attr"],
                r["offset"],
            )
        )
        out.write(r["name"])
    size = out.tell() - start
    count = len(directory)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size, start, 0))
    return out.getvalue()


def _entry(name: str, content: bytes, date_time) -> tuple[bytes, dict]:
    """A zip entry (local header and compressed data) and its directory record.

    Remembered: the parts that are the same in every workbook of a batch
    are compressed once.
    """
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = compressor.compress(content) + compressor.flush()
    encoded = name.encode("utf-8")
    time, date = _dos(date_time)
    crc = zlib.crc32(content)
    header = struct.pack(
        "<4s2B4HL2L2H",
        b"PK\x03\x04",
        20,
        0,
        0,
        zipfile.ZIP_DEFLATED,
        time,
        date,
        crc,
        len(packed),
        len(content),
        len(encoded),
        0,
    )
    return header + encoded + packed, {
        "name": encoded,
        "flags": 0,
        "method": zipfile.ZIP_DEFLATED,
        "date_time": date_time,
        "crc": crc,
        "compressed": len(packed),
        "size": len(content),
        "external_attr": 0o600 << 16,
        "version": 20,
    }


_entry = functools.lru_cache(maxsize=32)(_entry)


def _stored_entry(name: str, content: bytes, date_time) -> tuple[bytes, dict]:
    """A zip entry holding ``content`` uncompressed (for small parts that differ each time)."""
    encoded = name.encode("utf-8")
    time, date = _dos(date_time)
    crc = zlib.crc32(content)
    size = len(content)
    header = struct.pack(
        "<4s2B4HL2L2H",
        b"PK\x03\x04",
        10,
        0,
        0,
        zipfile.ZIP_STORED,
        time,
        date,
        crc,
        size,
        size,
        len(encoded),
        0,
    )
    record = {
        "name": encoded,
        "flags": 0,
        "method": zipfile.ZIP_STORED,
        "date_time": date_time,
        "crc": crc,
        "compressed": size,
        "size": size,
        "external_attr": 0o600 << 16,
        "version": 10,
    }
    return header + encoded + content, record


def _dos(date_time) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day
