"""A kept workbook is trusted only if it records being made from the same inputs.

``--skip-existing`` resumes a batch; if the scenario file changed in
between, the kept workbook and the new summary would disagree. Each workbook
records a fingerprint of what it was made from in its custom document
properties; a kept one that does not match is a failure naming the scenario.
"""

from __future__ import annotations

import json
import math
import subprocess
import zipfile

from batch_processes_support import API_OPTION, write_batch
from openpyxl import load_workbook
from template_support import require_libreoffice

import xlfuncs
from xlfuncs._libreoffice import find_soffice
from xlfuncs.batch.write.provenance import (
    FINGERPRINT_PROPERTY,
    fingerprint,
    recorded_fingerprint,
)
from xlfuncs.cli import main


def batch(accuracy=0.95, price=3):
    return [
        {
            "name": f"case {i}",
            "tasks_per_month": 1000,
            "reference_option": "A",
            "options": [
                {"name": "model", **API_OPTION, "accuracy": accuracy, "input_price": price}
            ],
        }
        for i in range(3)
    ]


def test_a_changed_scenario_file_fails_the_kept_workbooks_by_name(tmp_path, capsys):
    source = tmp_path / "cases.json"
    source.write_text(json.dumps({"scenarios": batch(0.95)}), encoding="utf-8")
    out = str(tmp_path / "out")
    assert main(["generate", str(source), "--out", out]) == 0
    changed = batch(0.95)
    changed[1]["options"][0]["accuracy"] = 0.61
    source.write_text(json.dumps({"scenarios": changed}), encoding="utf-8")
    capsys.readouterr()
    assert main(["generate", str(source), "--out", out, "--skip-existing"]) == 1
    printed = capsys.readouterr().out.replace("\n         ", " ")
    assert "skipped  case 0.xlsx" in printed and "skipped  case 2.xlsx" in printed
    assert (
        "failed   case 1: case 1.xlsx exists but was made from other inputs than the scenario "
        "now gives (or another template): use --overwrite to replace it"
    ) in printed
    # The kept workbook still says 0.95: it was not touched, and not passed off as 0.61.
    book = load_workbook(tmp_path / "out" / "case 1.xlsx")
    numbers = {
        c.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, float)
    }
    assert 0.95 in numbers and 0.61 not in numbers
    # --overwrite brings them in line.
    assert main(["generate", str(source), "--out", out, "--overwrite"]) == 0
    assert main(["generate", str(source), "--out", out, "--skip-existing"]) == 0


def test_prices_are_part_of_what_a_workbook_was_made_from(tmp_path):
    xlfuncs.generate(batch(price=3), tmp_path)
    report = xlfuncs.generate(batch(price=2.5), tmp_path, skip_existing=True)
    assert [o.status for o in report.outcomes[:3]] == ["failed"] * 3
    report = xlfuncs.generate(batch(price=3), tmp_path, skip_existing=True)
    assert report.ok and [o.status for o in report.outcomes[:3]] == ["skipped"] * 3


def test_the_fingerprint_and_the_title_are_document_properties_excel_shows(tmp_path):
    report = xlfuncs.generate(batch(), tmp_path, jobs=1)
    path = report.written[0]
    book = load_workbook(path)
    assert book.properties.title == "case 0"
    properties = {p.name: p.value for p in book.custom_doc_props.props}
    assert properties[FINGERPRINT_PROPERTY] == recorded_fingerprint(path)
    assert properties[FINGERPRINT_PROPERTY].startswith("sha256:")
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None


def test_libreoffice_reads_the_properties_back(tmp_path):
    # An independent reader: LibreOffice opens the workbook and saves it
    # again; title and custom property come through.
    require_libreoffice()
    report = xlfuncs.generate(batch()[:1], tmp_path / "out")
    converted = tmp_path / "lo"
    subprocess.run(
        [
            find_soffice(),
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(converted),
            str(report.written[0]),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    again = converted / report.written[0].name
    assert load_workbook(again).properties.title == "case 0"
    assert recorded_fingerprint(again) == recorded_fingerprint(report.written[0])


def test_a_workbook_made_by_hand_under_the_same_name_is_not_taken_for_the_scenarios(tmp_path):
    source = write_batch(tmp_path / "cases.json", 2)
    out = tmp_path / "out"
    out.mkdir()
    load = xlfuncs.generate(source, tmp_path / "elsewhere")
    (out / "case 0.xlsx").write_bytes(load.written[1].read_bytes())  # case 1's workbook
    report = xlfuncs.generate(source, out, skip_existing=True)
    assert [o.status for o in report.outcomes[:2]] == ["failed", "written"]
    assert "case 0.xlsx exists but was made from other inputs" in report.outcomes[0].reason


def test_the_fingerprint_changes_with_the_template_version():
    values = {"accuracy": 0.95, "name": "x"}
    made = fingerprint("tco_comparison", values, "1.0")
    assert made != fingerprint("tco_comparison", values, "1.1")
    assert made != fingerprint("breakeven_accuracy", values, "1.0")
    # By default, the version of xlfuncs, which builds the templates.
    assert fingerprint("tco_comparison", values) == fingerprint(
        "tco_comparison", values, xlfuncs.__version__
    )
    assert fingerprint("tco_comparison", values) != made


def test_the_fingerprint_tells_numbers_apart_to_the_last_bit():
    def made(value):
        return fingerprint("tco_comparison", {"accuracy": value}, "1.0")

    for value in (0.1, 1 / 3, 123456.789, 1e-10):
        assert made(value) != made(math.nextafter(value, 2 * value)), value
    assert made(1e-10) != made(2e-10)  # the same to 9 decimals
    assert made(0.95) == made(0.95) and made(1) == made(1.0)


def test_filled_inputs_read_back_as_the_numbers_of_the_scenario(tmp_path):
    """16 significant digits: a value that needs all of them is the same number in the
    workbook (15 digits would make 0.1234567890123457 of it)."""
    accuracy, price = 0.1234567890123456, 2.000000000000001
    assert f"{accuracy:.15g}" != repr(accuracy) and f"{price:.15g}" != repr(price)
    report = xlfuncs.generate(batch(accuracy, price)[:1], tmp_path, jobs=1)
    book = load_workbook(report.written[0])
    numbers = {
        c.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, float)
    }
    assert accuracy in numbers and price in numbers
