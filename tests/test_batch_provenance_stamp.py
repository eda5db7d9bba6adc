"""The record of what a workbook was made from, written into any package.

The batch's templates fill their workbooks in place and record the
fingerprint as they go; a template that cannot be filled in place is built
from scratch and its finished bytes are stamped (:func:`stamp`). Here the
stamp is put on packages written by Python's :mod:`zipfile` and by openpyxl,
and on property parts as other applications write them (no custom
properties yet, other properties already there, an empty ``<Properties/>``,
the namespaces under other prefixes, a title missing, empty or on several
lines). The results are read back by
independent readers: :mod:`zipfile` (the archive's checksums), the zip
format's own rule that each entry's local header agrees with the central
directory, :mod:`xml.etree.ElementTree` and openpyxl.
"""

from __future__ import annotations

import io
import struct
import zipfile
from xml.etree import ElementTree

import pytest
from openpyxl import Workbook, load_workbook

from xlfuncs.batch.write.provenance import (
    FINGERPRINT_PROPERTY,
    fingerprint,
    properties,
    recorded_fingerprint,
    room_for_properties,
    stamp,
)

CUSTOM = "docProps/custom.xml"
CORE = "docProps/core.xml"
TYPES = "[Content_Types].xml"
RELS = "_rels/.rels"

_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_DC = "http://purl.org/dc/elements/1.1/"
_CUSTOM_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)

_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
_RELS_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://example.com/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)


def _core(inside: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        f'metadata/core-properties" xmlns:dc="{_DC}">'
        f"<dc:creator>someone</dc:creator>{inside}</cp:coreProperties>"
    )


def _custom(inside: str = "") -> str:
    return f'<Properties xmlns="{_CUSTOM_NS}" xmlns:vt="{_VT}">{inside}</Properties>'


def _property(pid: int, name: str, value: str) -> str:
    return (
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" '
        f'name="{name}"><vt:lpwstr>{value}</vt:lpwstr></property>'
    )


def _custom_properties(xml: bytes) -> list[tuple[str, int, str]]:
    """(name, pid, text) of each custom property in order, read by an XML parser; nothing
    else is in the part."""
    root = ElementTree.fromstring(xml)
    found = root.findall(f"{{{_CUSTOM_NS}}}property")
    assert len(found) == len(root) and not (root.text or "").strip()
    assert not any((p.tail or "").strip() for p in found)
    return [
        (p.get("name"), int(p.get("pid")), p.find(f"{{{_VT}}}lpwstr").text or "") for p in found
    ]


def _titles(xml: bytes) -> list[str]:
    return [t.text or "" for t in ElementTree.fromstring(xml).iter(f"{{{_DC}}}title")]


# The property parts ----------------------------------------------------------------------


def test_a_package_without_custom_properties_gets_them_numbered_from_2():
    made = properties({}, "sha256:abc")
    assert list(made) == [CUSTOM]  # no title asked for, no core part to put it in
    # pid 2 is the first a custom property may have (pid 0 and 1 are reserved)
    assert _custom_properties(made[CUSTOM]) == [(FINGERPRINT_PROPERTY, 2, "sha256:abc")]


def test_other_custom_properties_are_kept_and_an_old_fingerprint_replaced():
    old = _property(3, FINGERPRINT_PROPERTY, "sha256:old").replace("<vt:", "\n<vt:")
    texts = {CUSTOM: _custom(_property(2, "Owner", "Finance") + old + _property(5, "B", "x"))}
    found = _custom_properties(properties(texts, "sha256:new")[CUSTOM])
    # the largest pid was 5; the old fingerprint (on two lines) is gone
    assert found == [
        ("Owner", 2, "Finance"),
        ("B", 5, "x"),
        (FINGERPRINT_PROPERTY, 6, "sha256:new"),
    ]


@pytest.mark.parametrize("end", ["", "\n", "  \r\n"])
def test_an_empty_properties_element_gets_the_fingerprint(end):
    texts = {CUSTOM: f'<Properties xmlns="{_CUSTOM_NS}" xmlns:vt="{_VT}"/>{end}'}
    found = _custom_properties(properties(texts, "sha256:abc")[CUSTOM])
    assert found == [(FINGERPRINT_PROPERTY, 2, "sha256:abc")]


def test_the_fingerprint_goes_last_and_every_other_byte_is_kept():
    # The part as Excel writes it, with the new property last and numbered one above the
    # largest (2), written in the same form as the others.
    texts = {CUSTOM: _custom(_property(2, "Owner", "F"))}
    made = properties(texts, "sha256:abc")[CUSTOM]
    assert made == _custom(
        _property(2, "Owner", "F") + _property(3, FINGERPRINT_PROPERTY, "sha256:abc")
    ).encode("utf-8")


def _prefixed_property(pid: int, name: str, value: str, prefixes: tuple[str, str]) -> str:
    """A text property with the two namespaces' ``prefixes`` (each "" or ending in ":")."""
    own, values = prefixes
    return (
        f"<{own}property fmtid='{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}' pid='{pid}' "
        f"name='{name}'><{values}lpwstr>{value}</{values}lpwstr></{own}property>"
    )


# (start of the part, prefixes of the properties' and the value types' namespaces) as
# other applications may write them: any prefix, or none, is allowed for either namespace
# (Namespaces in XML 1.0, section 6), and attributes may be quoted with '.
_OTHER_PREFIXES = {
    "op, vt": (f'<op:Properties xmlns:op="{_CUSTOM_NS}" xmlns:vt="{_VT}">', ("op:", "vt:")),
    "op, v": (f'<op:Properties xmlns:v="{_VT}" xmlns:op="{_CUSTOM_NS}">', ("op:", "v:")),
    "none, v": (f'<Properties xmlns="{_CUSTOM_NS}" xmlns:v="{_VT}">', ("", "v:")),
    "op, none": (f'<op:Properties xmlns:op="{_CUSTOM_NS}" xmlns="{_VT}">', ("op:", "")),
    "declared after a comment, quoted with '": (
        "<?xml version='1.0' encoding='UTF-8'?>\r\n<!-- made elsewhere -->\r\n"
        f"<p:Properties\r\n xmlns:p='{_CUSTOM_NS}' xmlns:t = '{_VT}'>",
        ("p:", "t:"),
    ),
}


@pytest.mark.parametrize("start, prefixes", _OTHER_PREFIXES.values(), ids=list(_OTHER_PREFIXES))
def test_a_part_with_other_prefixes_gets_one_fingerprint_and_keeps_the_rest(start, prefixes):
    kept = _prefixed_property(2, "Owner", "Finance", prefixes)
    old = _prefixed_property(3, FINGERPRINT_PROPERTY, "sha256:old", prefixes)
    last = _prefixed_property(5, "B", "x", prefixes)
    end = f"</{prefixes[0]}Properties>\n"
    texts = {CUSTOM: start + kept + old.replace(">sha", ">\nsha") + last + end}
    made = properties(texts, "sha256:new")[CUSTOM]
    # read by the namespaces' names, whatever their prefixes: the largest pid was 5, the
    # old fingerprint (on two lines) is gone
    assert _custom_properties(made) == [
        ("Owner", 2, "Finance"),
        ("B", 5, "x"),
        (FINGERPRINT_PROPERTY, 6, "sha256:new"),
    ]
    text = made.decode("utf-8")
    assert text.startswith(start + kept + last) and text.endswith(end)


@pytest.mark.parametrize(
    "part",
    [
        f'<op:Properties xmlns:op="{_CUSTOM_NS}" xmlns:v="{_VT}"/>\n',
        f"<op:Properties xmlns:op='{_CUSTOM_NS}' xmlns:v='{_VT}' />\n",
        f'<op:Properties xmlns:op="{_CUSTOM_NS}"/>\n',  # the value types not declared
    ],
)
def test_an_empty_properties_element_with_a_prefix_gets_the_fingerprint(part):
    made = properties({CUSTOM: part}, "sha256:abc")[CUSTOM]
    assert _custom_properties(made) == [(FINGERPRINT_PROPERTY, 2, "sha256:abc")]
    assert made.endswith(b"</op:Properties>\n")


@pytest.mark.parametrize(
    "core",
    [
        _core(),  # no title
        _core("<dc:title/>"),
        _core("<dc:title />"),
        _core("<dc:title>Old\nname</dc:title>"),
    ],
)
def test_the_title_is_set_whatever_the_core_part_had(core):
    made = properties({CORE: core}, "sha256:abc", "Case 7")
    assert _titles(made[CORE]) == ["Case 7"]
    assert b"<dc:creator>someone</dc:creator>" in made[CORE]


def test_the_title_is_escaped_and_loses_what_a_workbook_cannot_hold():
    made = properties({CORE: _core()}, "sha256:abc", "R&D <east>\x01 \ud800done")
    assert _titles(made[CORE]) == ["R&D <east> done"]


def test_no_title_leaves_the_core_part_alone():
    assert list(properties({CORE: _core()}, "sha256:abc")) == [CUSTOM]
    assert list(properties({}, "sha256:abc", "Case 7")) == [CUSTOM]


def test_the_package_declares_the_custom_part_once():
    # Checked in full here: the declarations are remembered, so mutation testing counts
    # them as called only by the first test that makes them.
    assert room_for_properties({}) == {}
    made = room_for_properties({TYPES: _TYPES_XML, RELS: _RELS_XML})
    types = ElementTree.fromstring(made[TYPES])
    assert [(e.tag.rpartition("}")[2], e.get("PartName")) for e in types] == [
        ("Default", None),
        ("Override", "/docProps/custom.xml"),
    ]
    relations = ElementTree.fromstring(made[RELS])
    assert [(e.get("Id"), e.get("Type"), e.get("Target")) for e in relations] == [
        ("rId1", "http://example.com/officeDocument", "xl/workbook.xml"),
        ("rIdXlfuncsCustom", _CUSTOM_REL, "docProps/custom.xml"),
    ]
    again = room_for_properties({k: v.decode() for k, v in made.items()})
    assert again == made


# The fingerprint ---------------------------------------------------------------------------


def test_a_name_with_a_lone_surrogate_has_a_fingerprint_of_its_own():
    # JSON may hold a lone surrogate ("\ud800"); it is an input like any other
    first = fingerprint("tco_comparison", {"name": "\ud800"}, "1.0")
    assert first.startswith("sha256:")
    assert first != fingerprint("tco_comparison", {"name": "\udc00"}, "1.0")


# Stamping a finished package -------------------------------------------------------------

_WHEN = (2024, 5, 17, 13, 45, 58)  # even seconds: a zip file's clock counts in twos


class _Stream(io.RawIOBase):
    """A stream that can only be written, as a pipe: zipfile then puts each entry's checksum
    and sizes in a data descriptor after its data."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        self.data += chunk
        return len(chunk)


#: An extra field some writers put in the local header (id 0xCAFE, no data: Java's jar mark).
_EXTRA = b"\xfe\xca\x00\x00"


def _package(parts: dict[str, str], stored: tuple[str, ...] = (), streamed: bool = False) -> bytes:
    """A zip archive of ``parts``, deflated but for ``stored``, each dated two seconds apart,
    the first with an extra field; ``streamed``: written as to a pipe."""
    out = _Stream() if streamed else io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for index, (name, text) in enumerate(parts.items()):
            info = zipfile.ZipInfo(name, (*_WHEN[:5], _WHEN[5] - 2 * index))
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            info.external_attr = (0o640 + index) << 16
            info.extra = _EXTRA if index == 0 else b""
            archive.writestr(info, text)
    return bytes(out.data) if streamed else out.getvalue()


def _declared(data: bytes) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The parts [Content_Types].xml overrides, and (Id, Type, Target) of each package
    relationship, read by an XML parser."""
    types = ElementTree.fromstring(_read(data, TYPES))
    rels = ElementTree.fromstring(_read(data, RELS))
    return (
        [e.get("PartName") for e in types if e.tag.endswith("Override")],
        [(e.get("Id"), e.get("Type"), e.get("Target")) for e in rels],
    )


def _local_headers_agree(data: bytes) -> None:
    """The archive is one unbroken run of entries, each local header saying what the central
    directory says (zip format 4.3.6, 4.3.7), then the directory and its end record for a
    single-disk archive without a comment (4.3.16)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        position = 0
        for info in sorted(archive.infolist(), key=lambda i: i.header_offset):
            assert info.header_offset == position, info.filename  # nothing in between
            fields = struct.unpack_from("<4s5H3L2H", data, info.header_offset)
            signature, version, flags, method, _time, _date, crc, packed, size = fields[:9]
            name_length, extra_length = fields[9:]
            start = info.header_offset + 30
            assert signature == b"PK\x03\x04", info.filename
            assert data[start : start + name_length] == info.filename.encode(), info.filename
            assert (version, flags, method) == (
                info.extract_version,
                info.flag_bits,
                info.compress_type,
            ), info.filename
            written = (info.CRC, info.compress_size, info.file_size)
            if flags & 0x08:  # checksum and sizes follow the data, in a data descriptor
                assert (crc, packed, size) == (0, 0, 0), info.filename
                descriptor = struct.unpack_from(
                    "<4s3L", data, start + name_length + extra_length + info.compress_size
                )
                assert descriptor == (b"PK\x07\x08", *written), info.filename
            else:
                assert (crc, packed, size) == written, info.filename
            assert (info.volume, info.internal_attr) == (0, 0), info.filename
            body = start + name_length + extra_length
            if method == zipfile.ZIP_STORED:
                assert data[body : body + info.compress_size] == archive.read(info)
            position = body + info.compress_size + (16 if flags & 0x08 else 0)
        assert archive.start_dir == position
        assert archive.comment == b""
    end = struct.unpack("<4s4H2LH", data[-22:])
    count = len(archive.infolist())
    assert end == (b"PK\x05\x06", 0, 0, count, count, len(data) - 22 - position, position, 0)


def _infos(data: bytes) -> dict[str, zipfile.ZipInfo]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None  # every entry's checksum matches its data
        return {i.filename: i for i in archive.infolist()}


def _read(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def test_stamping_a_package_without_custom_properties():
    parts = {
        TYPES: _TYPES_XML,
        RELS: _RELS_XML,
        CORE: _core("<dc:title>x</dc:title>"),
        "xl/workbook.xml": "<workbook/>" * 50,
        "xl/media/logo.bin": "stored as it is",
    }
    before = _package(parts, stored=("xl/media/logo.bin",))
    after = stamp(before, "sha256:abc", "Case 1")
    _local_headers_agree(after)
    old, new = _infos(before), _infos(after)
    assert list(new) == [*parts, CUSTOM]  # the new part comes last
    for name in ("xl/workbook.xml", "xl/media/logo.bin"):  # copied as they were
        kept = ("compress_type", "CRC", "compress_size", "file_size", "flag_bits")
        assert [getattr(new[name], a) for a in kept] == [getattr(old[name], a) for a in kept]
        assert _read(after, name) == _read(before, name)
    for name, info in new.items():
        if name in old:  # changed or copied: dated and permitted as before
            assert info.date_time == old[name].date_time, name
            assert info.external_attr == old[name].external_attr, name
    # the new part is dated as the package's first part, readable and writable by its owner
    assert new[CUSTOM].date_time == _WHEN
    assert new[CUSTOM].external_attr == 0o600 << 16
    # parts that differ from workbook to workbook are stored, the others compressed
    assert new[CUSTOM].compress_type == new[CORE].compress_type == zipfile.ZIP_STORED
    assert new[TYPES].compress_type == new[RELS].compress_type == zipfile.ZIP_DEFLATED
    assert _custom_properties(_read(after, CUSTOM)) == [(FINGERPRINT_PROPERTY, 2, "sha256:abc")]
    assert _titles(_read(after, CORE)) == ["Case 1"]
    assert _declared(after) == (
        ["/docProps/custom.xml"],
        [
            ("rId1", "http://example.com/officeDocument", "xl/workbook.xml"),
            ("rIdXlfuncsCustom", _CUSTOM_REL, "docProps/custom.xml"),
        ],
    )


def test_stamping_again_replaces_the_fingerprint_in_place():
    before = _package(
        {TYPES: _TYPES_XML, RELS: _RELS_XML, CUSTOM: _custom(_property(2, "Owner", "F"))}
    )
    once = stamp(before, "sha256:one")
    twice = stamp(once, "sha256:two", "Case 2")
    _local_headers_agree(twice)
    assert list(_infos(twice)) == [TYPES, RELS, CUSTOM]  # no core part: no title to set
    assert _custom_properties(_read(twice, CUSTOM)) == [
        ("Owner", 2, "F"),
        (FINGERPRINT_PROPERTY, 3, "sha256:two"),
    ]


def test_stamping_a_package_written_as_a_stream():
    parts = {TYPES: _TYPES_XML, RELS: _RELS_XML, "xl/workbook.xml": "<workbook/>"}
    before = _package(parts, streamed=True)
    assert all(i.flag_bits & 0x08 for i in _infos(before).values())  # data descriptors
    after = stamp(before, "sha256:abc")
    _local_headers_agree(after)
    assert list(_infos(after)) == [*parts, CUSTOM]
    assert _declared(after)[0] == ["/docProps/custom.xml"]
    assert _custom_properties(_read(after, CUSTOM)) == [(FINGERPRINT_PROPERTY, 2, "sha256:abc")]


def test_an_empty_package_gets_custom_properties_dated_1980():
    after = stamp(_package({}), "sha256:abc")
    assert _infos(after)[CUSTOM].date_time == (1980, 1, 1, 0, 0, 0)  # the zip format's epoch


def test_a_stamped_openpyxl_workbook_opens_with_its_title_and_fingerprint(tmp_path):
    book = Workbook()
    book.active["A1"] = 42
    data = io.BytesIO()
    book.save(data)
    path = tmp_path / "stamped.xlsx"
    path.write_bytes(stamp(data.getvalue(), "sha256:abc", "Case 3"))
    _local_headers_agree(path.read_bytes())
    again = load_workbook(path)
    assert again.active["A1"].value == 42
    assert again.properties.title == "Case 3"
    assert {p.name: p.value for p in again.custom_doc_props.props} == {
        FINGERPRINT_PROPERTY: "sha256:abc"
    }
    assert recorded_fingerprint(path) == "sha256:abc"


def test_a_workbook_with_prefixed_custom_properties_opens_with_one_fingerprint(tmp_path):
    book = Workbook()
    book.active["A1"] = 42
    saved = io.BytesIO()
    book.save(saved)
    with zipfile.ZipFile(saved) as archive:
        parts = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    # the custom properties as another application writes them, declared in the package
    prefixes = ("op:", "v:")
    parts[CUSTOM] = (
        f'<op:Properties xmlns:op="{_CUSTOM_NS}" xmlns:v="{_VT}">'
        + _prefixed_property(2, "Owner", "Finance", prefixes)
        + _prefixed_property(3, FINGERPRINT_PROPERTY, "sha256:old", prefixes)
        + "</op:Properties>"
    )
    parts[TYPES] = parts[TYPES].replace(
        "</Types>",
        '<Override PartName="/docProps/custom.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
    )
    parts[RELS] = parts[RELS].replace(
        "</Relationships>",
        f'<Relationship Id="rIdOther" Type="{_CUSTOM_REL}" Target="docProps/custom.xml"/>'
        "</Relationships>",
    )
    path = tmp_path / "stamped.xlsx"
    path.write_bytes(stamp(stamp(_package(parts), "sha256:one"), "sha256:two", "Case 4"))
    _local_headers_agree(path.read_bytes())
    # declared once, as it was
    assert _declared(path.read_bytes())[0].count("/docProps/custom.xml") == 1
    assert [t for _, t, _ in _declared(path.read_bytes())[1]].count(_CUSTOM_REL) == 1
    again = load_workbook(path)
    assert again.active["A1"].value == 42
    assert [(p.name, p.value) for p in again.custom_doc_props.props] == [
        ("Owner", "Finance"),
        (FINGERPRINT_PROPERTY, "sha256:two"),
    ]
    pids = [pid for _, pid, _ in _custom_properties(_read(path.read_bytes(), CUSTOM))]
    assert pids == [2, 3]  # the replaced fingerprint's number is free again
    assert recorded_fingerprint(path) == "sha256:two"


# Reading the fingerprint back ------------------------------------------------------------


def test_no_fingerprint_is_read_where_there_is_none(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(_package({TYPES: _TYPES_XML}))
    assert recorded_fingerprint(path) is None  # no custom properties
    path.write_bytes(_package({CUSTOM: _custom(_property(2, "Owner", "F"))}))
    assert recorded_fingerprint(path) is None  # custom properties, no fingerprint
    path.write_bytes(b"not a zip archive")
    assert recorded_fingerprint(path) is None


@pytest.mark.parametrize("start, prefixes", _OTHER_PREFIXES.values(), ids=list(_OTHER_PREFIXES))
def test_a_fingerprint_is_read_whatever_the_prefixes(tmp_path, start, prefixes):
    entry = _prefixed_property(2, FINGERPRINT_PROPERTY, "sha256:abc", prefixes)
    path = tmp_path / "book.xlsx"
    path.write_bytes(_package({CUSTOM: start + entry + f"</{prefixes[0]}Properties>"}))
    assert recorded_fingerprint(path) == "sha256:abc"


def test_custom_properties_are_read_up_to_one_mebibyte(tmp_path):
    entry = _property(2, FINGERPRINT_PROPERTY, "sha256:abc")
    text = _custom(entry)
    path = tmp_path / "book.xlsx"
    path.write_bytes(
        _package({CUSTOM: text.replace("<property", " " * (2**20 - len(text)) + "<property")})
    )
    assert recorded_fingerprint(path) == "sha256:abc"  # exactly 1 MiB
    path.write_bytes(
        _package({CUSTOM: text.replace("<property", " " * (2**20 + 1 - len(text)) + "<property")})
    )
    assert recorded_fingerprint(path) is None  # a byte more
