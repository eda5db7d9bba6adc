"""Filled workbooks are the template's own build; --verify checks their values with LibreOffice."""

from __future__ import annotations

import pickle
import random
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from template_support import require_libreoffice, unpacked

import xlfuncs
from xlfuncs.batch.template import resolve_template
from xlfuncs.batch.verify import verify_workbooks
from xlfuncs.batch.write.filler import Filler
from xlfuncs.cli import main
from xlfuncs.templates import TEMPLATE_NAMES, template

EXAMPLE = Path(xlfuncs.__file__).parent / "batch" / "example_scenarios.yaml"


def drawn(template, rng: random.Random) -> dict[str, float | str]:
    """Defaults with every number scaled and every choice and name drawn (all allowed)."""
    values = {}
    for spec in template.inputs:
        value = spec.default
        if spec.choices:
            value = rng.choice(spec.choices)
        elif value is None:  # a range's end: drawn as a scaled copy of its most likely value
            base = next(
                (
                    s.default
                    for s in template.inputs
                    if spec.name.startswith(s.name + "_")
                    and s.name + "_low" in (spec.name, spec.name.replace("_high", "_low"))
                ),
                None,
            )
            value = (
                None
                if base is None or rng.random() < 0.5
                else round(
                    float(base) * (rng.uniform(0.5, 1.0) if spec.name.endswith("_low") else 1.0), 6
                )
            )
        elif spec.name == "currency":
            # One Filler writes one currency (a batch keeps one per currency).
            value = spec.default
        elif spec.rule is None:
            value = f" {value} & <{rng.randint(0, 9)}>\nsecond line"
        elif not spec.rule.whole:
            scaled = round(float(value) * rng.uniform(0.5, 1.0), 6)
            value = scaled if spec.rule.admits_number(scaled) else value
        values[spec.name] = value
    if "usd_rate" in values:
        values["usd_rate"] = 1  # in US dollars, one dollar
    return values


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_a_block_of_filled_workbooks_equals_fresh_builds_part_by_part(name, tmp_path):
    template = resolve_template(name)
    rng = random.Random(name)
    block = [drawn(template, rng) for _ in range(4)]
    filled = Filler(template).workbooks(block)
    for index, values in enumerate(block):
        fresh = tmp_path / f"{index}.xlsx"
        template.build(values, fresh)
        assert unpacked(filled[index]) == unpacked(fresh), index


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_cells_a_block_shares_are_written_as_in_fresh_builds(name, tmp_path):
    """Scenarios that share inputs (and so checks and texts) with one that does not;
    a zero input given as 0.0 in one scenario and -0.0 in the others."""
    template = resolve_template(name)
    shared = drawn(template, random.Random(name))
    other = drawn(template, random.Random(name + "other"))
    number = next(
        spec.name
        for spec in template.inputs
        if spec.rule is not None and not spec.choices and spec.rule.admits_number(0.0)
    )
    block = [dict(shared, **{number: -0.0}) for _ in range(3)]
    block += [dict(shared, **{number: 0.0}), dict(other, **{number: 0.0})]
    filled = Filler(template).workbooks(block)
    for index, values in enumerate(block):
        fresh = tmp_path / f"{index}.xlsx"
        template.build(values, fresh)
        assert unpacked(filled[index]) == unpacked(fresh), index


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plain")
    report = xlfuncs.generate(EXAMPLE, folder)
    assert report.ok
    return report


def test_every_file_of_a_batch_shows_values_to_readers_that_do_not_calculate(example):
    """Workbooks and summary.xlsx: no formula without its value (summary.xlsx has none).

    An empty text is a value (a figure of an option not in use shows blank): it is
    stored as ``<v></v>``, which openpyxl reads as None, so the stored parts are read."""
    for path in [*example.written, *example.summary_files]:
        if path.suffix != ".xlsx":
            continue
        formulas, values = load_workbook(path), load_workbook(path, data_only=True)
        empty = [
            f"{sheet.title}!{cell.coordinate}"
            for sheet in formulas.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.data_type == "f" and values[sheet.title][cell.coordinate].value is None
        ]
        assert _without_stored_value(path, empty) == [], path.name
    assert any(p.name == "summary.xlsx" for p in example.summary_files)


def _without_stored_value(path: Path, cells: list[str]) -> list[str]:
    """Of ``Sheet!A1`` cells, those whose XML holds no ``<v>`` (an empty text has one)."""
    if not cells:
        return []
    with zipfile.ZipFile(path) as archive:
        book = archive.read("xl/workbook.xml").decode("utf-8")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="/?(?:xl/)?([^"]+)"', rels))
        reverse = re.findall(r'Target="/?(?:xl/)?([^"]+)"[^>]*Id="(rId\d+)"', rels)
        targets |= {rid: target for target, rid in reverse}
        parts = {
            name: archive.read("xl/" + targets[rid]).decode("utf-8")
            for name, rid in re.findall(r'<sheet name="([^"]+)"[^>]*r:id="(rId\d+)"', book)
        }
    missing = []
    for cell in cells:
        sheet, coordinate = cell.split("!")
        found = re.search(rf'<c r="{coordinate}"[^>]*>(.*?)</c>', parts[sheet])
        if found is None or ("<v>" not in found.group(1) and "<v/>" not in found.group(1)):
            missing.append(cell)
    return missing


def _tamper(path: Path, cell: str) -> None:
    """Change the value stored in a Calculations formula cell, nothing else."""
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    name = "xl/worksheets/sheet3.xml"
    text = parts[name].decode("utf-8")
    start = text.index(f'<c r="{cell}"')
    value = text.index("<v>", start) + 3
    end = text.index("</v>", value)
    parts[name] = (text[:value] + "12345.678" + text[end:]).encode("utf-8")
    with zipfile.ZipFile(path, "w") as archive:
        for part, data in parts.items():
            archive.writestr(part, data)


@pytest.mark.libreoffice
def test_verify_names_a_stored_value_libreoffice_does_not_confirm(example, tmp_path):
    require_libreoffice()
    report = example
    copies = []
    for path in report.written:
        copy = tmp_path / path.name
        shutil.copy(path, copy)
        copies.append(copy)
    # Option A's TCO, wherever the template puts it.
    sheet, tco = (
        template("tco_comparison").build({}, tmp_path / "layout.xlsx").figures["calc.tco.A"]
    )
    _tamper(copies[1], tco)
    problems = dict(verify_workbooks(copies))
    assert list(problems) == [copies[1]]
    assert problems[copies[1]].startswith(f"1 cell differs from LibreOffice: {sheet}!{tco}: ")
    assert "stored 12345.678, LibreOffice " in problems[copies[1]]


@pytest.mark.libreoffice
def test_the_old_recalc_option_verifies_and_changes_no_file(example, tmp_path, capsys):
    require_libreoffice()
    report = example
    out = tmp_path / "verified"
    assert main(["generate", "--example", "--out", str(out), "--recalc"]) == 0
    captured = capsys.readouterr()
    assert "--recalc is now --verify" in captured.err
    assert "--verify: LibreOffice computes the same value for every formula" in captured.out
    for path in report.written:
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_old_recalc_argument_warns_in_python(tmp_path, monkeypatch):
    monkeypatch.setenv("SOFFICE", str(tmp_path / "no-soffice-here"))  # nothing is written
    with pytest.warns(DeprecationWarning, match=r"verify=True"):
        report = xlfuncs.generate(EXAMPLE, tmp_path, recalc=True, summary=False)
    assert report.verified and not report.ok  # LibreOffice missing: each workbook says so
    assert "LibreOffice is needed" in report.failures[0].reason


def test_a_filler_sent_to_a_worker_process_makes_the_same_workbooks():
    """Pickled as a spawned or forkserver worker receives it: its formulas compile again."""
    template = resolve_template("tco_comparison")
    filler = Filler(template)
    block = [drawn(template, random.Random(seed)) for seed in range(3)]
    copy = pickle.loads(pickle.dumps(filler))
    assert copy.workbooks(block) == filler.workbooks(block)
