"""summary.csv is safe whichever separator a spreadsheet splits it on, and reads in every locale.

The oracle is LibreOffice: it opens the file with ``,``, ``;`` or tab as
the separator, formulas evaluated as Excel does, and we look for formulas in
what it made of the file.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from batch_processes_support import API_OPTION
from batch_standin import BY_HAND, STANDIN
from template_support import require_libreoffice

import xlfuncs
from xlfuncs._libreoffice import find_soffice
from xlfuncs.batch.read.sources import read_scenarios
from xlfuncs.batch.summary.export import neutralise
from xlfuncs.batch.summary.table import SummaryTable
from xlfuncs.batch.template import Layout

# Each hides a formula behind a separator other than the file's ``,``.
HOSTILE = [
    "x;=1+1;y",
    "x\t=2+2\ty",
    "x,=3+3,y",
    'x;"=4+4"',
    "x; -5+5",
    "x;+6+6",
    "x;@SUM(7;7)",
    'x";=8+8',
    "x\t\t=9+9",
    "=10+10;y",
]

#: LibreOffice's code of each separator in its CSV filter options.
SEPARATORS = {",": 44, ";": 59, "\t": 9}


def hostile_batch():
    return [
        {
            "name": name,
            "tasks_per_month": 1000,
            "reference_option": "A",
            "options": [
                {"name": HOSTILE[(i + 1) % len(HOSTILE)], **API_OPTION},
                {"name": "plain", **API_OPTION, "accuracy": 0.9},
            ],
        }
        for i, name in enumerate(HOSTILE)
    ]


def opened_in_libreoffice(csv_path: Path, out: Path, separator: str, language: int = 1033):
    """The sheet XML LibreOffice makes of the CSV split on ``separator``, formulas evaluated."""
    require_libreoffice()
    out.mkdir(parents=True, exist_ok=True)
    profile = out / "profile"
    # Filter options: separator, quote, UTF-8, first line, column formats,
    # language, quoted field as text, detect special numbers, three export-only
    # options, then "evaluate formulas" on (as Excel always does).
    options = f"{SEPARATORS[separator]},34,76,1,,{language},false,true,false,false,false,-1,true"
    subprocess.run(
        [
            find_soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            f"--infilter=Text - txt - csv (StarCalc):{options}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(csv_path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    with zipfile.ZipFile(out / (csv_path.stem + ".xlsx")) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
    return sheet, strings


def test_the_opener_finds_a_formula_hidden_behind_another_separator(tmp_path):
    # The check can fail: the same names written as today's main wrote them
    # (unquoted, only a leading formula character neutralised) hold formulas.
    unsafe = tmp_path / "unsafe.csv"
    lines = [",".join("'" + n if n[:1] in "=+-@\t" else n for n in HOSTILE[:3])]
    unsafe.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    for separator in (";", "\t"):
        sheet, _ = opened_in_libreoffice(unsafe, tmp_path / f"lo{ord(separator)}", separator)
        assert "<f" in sheet


@pytest.mark.parametrize("decimal", [".", ","])
def test_no_cell_holds_a_formula_whatever_the_readers_separator(tmp_path, decimal):
    out = tmp_path / "out"
    report = xlfuncs.generate(hostile_batch(), out, csv_decimal=decimal)
    assert report.ok, report.failures
    csv_path = out / "summary.csv"
    for separator in SEPARATORS:
        sheet, strings = opened_in_libreoffice(
            csv_path, tmp_path / f"lo{ord(separator)}", separator
        )
        formulas = re.findall(r"<f[ >][^<]*</f>", sheet)
        assert not formulas, (repr(separator), formulas[:5])
        # The reader really did cut the names at its separator.
        if separator == "\t":
            assert "x\t" not in strings


def test_every_text_field_is_quoted_and_numbers_are_bare(tmp_path):
    report = xlfuncs.generate(hostile_batch()[:1], tmp_path)
    assert report.ok
    lines = (tmp_path / "summary.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith(
        '"Scenario","Option","Workbook","Currency","Tasks in month 1","Months",'
        '"Reference option","Cost per task"'
    )
    fields = lines[1].split(",")
    assert fields[0] == '"x;\'=1+1;y"'
    assert fields[3] == '"USD"'
    assert re.fullmatch(r"\d+\.\d+", fields[7])


def test_decimal_commas_read_as_the_same_numbers_in_a_german_locale(tmp_path):
    batch = hostile_batch()[:2]
    for i, scenario in enumerate(batch):
        scenario["name"] = f"case {i}"
        scenario["options"][0]["name"] = "first"
    xlfuncs.generate(batch, tmp_path / "point")
    xlfuncs.generate(batch, tmp_path / "comma", csv_decimal=",")
    comma = (tmp_path / "comma" / "summary.csv").read_text(encoding="utf-8-sig")
    headings, first = comma.splitlines()[:2]
    # As many fields as headings: the decimal commas split no field (no text holds a ";").
    assert first.count(";") == headings.count(";") == 21  # 22 columns
    # LibreOffice in German (1031) reads the ;-separated file with decimal
    # commas, in English (1033) the ,-separated one: the same numbers.
    german, _ = opened_in_libreoffice(
        tmp_path / "comma" / "summary.csv", tmp_path / "de", ";", 1031
    )
    english, _ = opened_in_libreoffice(tmp_path / "point" / "summary.csv", tmp_path / "en", ",")
    numbers = re.compile(r'<c r="([A-Z]+\d+)"[^>]*t="n"[^>]*><v>([^<]*)</v>')
    assert numbers.findall(german) == numbers.findall(english)
    assert len(numbers.findall(german)) >= 2 * 2 * 4  # 2 scenarios x 2 options x 4+ figures


@pytest.mark.parametrize(
    "text, safe",
    [
        ("Acme", "Acme"),
        ("=1+1", "'=1+1"),
        ("\t=1", "'\t'=1"),
        ("a;=1", "a;'=1"),
        ("a, -1", "a, '-1"),
        ('a;"@x', "a;\"'@x"),
        ("a\r\n+1", "a\r\n'+1"),
        ("Email drafting - errors are cheap", "Email drafting - errors are cheap"),
    ],
)
def test_neutralise_marks_every_piece_a_reader_could_split_off(text, safe):
    assert neutralise(text) == safe


def test_a_summary_written_without_a_decimal_mark_has_points_and_commas(tmp_path):
    case = BY_HAND
    layout = Layout.of(STANDIN)
    table = SummaryTable(layout, STANDIN)
    for item in read_scenarios([case], layout):
        table.add(item, "by hand.xlsx")
    table.write(tmp_path, overwrite=False)
    lines = (tmp_path / "summary.csv").read_text(encoding="utf-8-sig").splitlines()
    # By hand, to 12 significant digits: error cost (1 - accuracy) * 10; TCO 12 months *
    # 1000 tasks * (cost + error cost) + upfront; cost per correct result cost / accuracy.
    assert lines[1:] == [
        '"by hand","efficient","by hand.xlsx",1,12120,0.0111111111111',
        '"by hand","frontier","by hand.xlsx",0.1,1800,0.0505050505051',
        '"by hand","built","by hand.xlsx",0.1,51320,0.010101010101',
    ]
