"""Hostile scenario files, third round: each kind of failure closed, with several cases of it.

Kinds: a value read twice and one dropped (two spellings of one key), two
things with one name (duplicate options, Unicode normal forms), numbers
that are not what was typed (glued digit groups, placeholder values of
formulas, absurd magnitudes), the wrong part of a workbook (hidden and
chart sheets, a sheet named in another case, blank scenario cells on a
scenario's later rows), and messages that mislead (Strict OOXML, an ODS
file renamed, text length in Excel's UTF-16 units).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import unicodedata
import zipfile
from pathlib import Path

import pytest
from batch_standin import STANDIN
from hostile_files import HEAD
from openpyxl import Workbook

from xlfuncs._files.number_text import parse_number, readings
from xlfuncs.batch.read.checker import Scenario, ScenarioFileError, ScenarioProblem
from xlfuncs.batch.read.sources import read_scenarios
from xlfuncs.batch.template import Layout

LAYOUT = Layout.of(STANDIN)


def read(path):
    return list(read_scenarios(path, LAYOUT))


def options(*names):
    return [{"name": n, "cost_per_task": 0.5, "accuracy": 0.9} for n in names]


def scenario(name="Desk", names=("a", "b", "c")):
    return {"name": name, "tasks_per_month": 100, "cost_per_error": 10, "options": options(*names)}


def json_file(path, document):
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def csv_file(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# A value read twice and one dropped ------------------------------------------------


@pytest.mark.parametrize(
    "first, second",
    [
        ("accuracy", "Accuracy"),
        ("cost_per_task", "cost per task"),
        ("cost_per_task", "Cost-Per-Task"),
        ("name", "Name"),
    ],
)
def test_two_spellings_of_one_option_key_are_refused_naming_both(tmp_path, first, second):
    document = {"scenarios": [scenario(), scenario("Good")]}
    option = document["scenarios"][0]["options"][0]
    option[first] = option.get(first, "a")
    option[second] = 0.95 if first != "name" else "other"
    bad, good = read(json_file(tmp_path / "cases.json", document))
    assert isinstance(good, Scenario)
    assert isinstance(bad, ScenarioProblem)
    text = str(bad)
    assert f"{first!r} and {second!r} are one key written two ways" in text, text


def test_two_spellings_of_one_scenario_key_are_refused_in_yaml(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            scenarios:
              - name: Desk
                tasks_per_month: 100
                Tasks per month: 200
                cost_per_error: 10
                options:
                  - {name: a, cost_per_task: 1, accuracy: 0.9}
                  - {name: b, cost_per_task: 1, accuracy: 0.9}
            """
        ),
        encoding="utf-8",
    )
    (bad,) = read(path)
    assert isinstance(bad, ScenarioProblem)
    assert "line 4, key 'Tasks per month': 'tasks_per_month' and 'Tasks per month' are one key" in (
        str(bad)
    )


def test_keys_are_read_without_regard_to_case_at_every_level(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            Scenarios:
              - Name: Desk
                Tasks_per_month: 100
                COST_PER_ERROR: 10
                Options:
                  - {Name: a, Cost per task: 1, Accuracy: 0.9}
                  - {NAME: b, cost_per_task: 2, accuracy: 0.8}
                  - {nAmE: c, cost_per_task: 3, accuracy: 0.7}
            """
        ),
        encoding="utf-8",
    )
    (desk,) = read(path)
    assert isinstance(desk, Scenario), str(desk)
    assert desk.name == "Desk"
    assert desk.option_names == ("a", "b", "c")
    assert (desk.values["a_cost_per_task"], desk.values["b_accuracy"]) == (1.0, 0.8)
    assert desk.values["tasks_per_month"] == 100


def test_two_spellings_of_scenarios_at_the_top_are_refused(tmp_path):
    path = tmp_path / "cases.json"
    path.write_text(
        json.dumps({"scenarios": [scenario()], "Scenarios": [scenario("Other")]}),
        encoding="utf-8",
    )
    with pytest.raises(ScenarioFileError, match="'scenarios' and 'Scenarios' are one key"):
        read(path)


# Two things with one name -----------------------------------------------------------

CAFE_NFC = unicodedata.normalize("NFC", "Café")
CAFE_NFD = unicodedata.normalize("NFD", "Café")


@pytest.mark.parametrize(
    "names",
    [("Same", "Same", "c"), ("Same", "same", "c"), ("a", CAFE_NFC, CAFE_NFD), ("a", " b", "B ")],
)
def test_two_options_of_one_name_are_refused(tmp_path, names):
    bad, good = read(
        json_file(tmp_path / "cases.json", {"scenarios": [scenario(names=names), scenario("Good")]})
    )
    assert isinstance(good, Scenario)
    assert "two options are named" in str(bad), str(bad)


def test_two_options_of_one_name_are_refused_in_a_table(tmp_path):
    path = csv_file(
        tmp_path / "cases.csv",
        [HEAD, "Desk,Same,100,10,0.5,0.9", "Desk,SAME,100,10,0.5,0.9", "Desk,c,100,10,0.5,0.9"],
    )
    (bad,) = read(path)
    assert "rows 2-4" in str(bad) and "two options are named" in str(bad), str(bad)


def test_names_are_read_in_one_unicode_normal_form(tmp_path):
    # A table's rows of one scenario, its name typed in two normal forms: one scenario.
    path = csv_file(
        tmp_path / "cases.csv",
        [
            HEAD,
            *(
                f"{n},{o},100,10,0.5,0.9"
                for n, o in zip([CAFE_NFC, CAFE_NFD, "CAFÉ"], "abc", strict=True)
            ),
        ],
    )
    (cafe,) = read(path)
    assert isinstance(cafe, Scenario), str(cafe)
    assert cafe.name == CAFE_NFC
    # The reference option named in the other normal form and case than the option.
    document = {"scenarios": [scenario(names=("a", "b", CAFE_NFD))]}
    (desk,) = read(json_file(tmp_path / "cases.json", document))
    assert desk.option_names == ("a", "b", CAFE_NFC)


# Numbers that are not what was typed ---------------------------------------------------


@pytest.mark.parametrize(
    "text", ["20 000 30 000", "1 2", "12 34", "1 000 00", "0.5 0.5", "95 5%", "- 5", "1 234.5 6"]
)
def test_digits_separated_by_spaces_are_not_glued(text):
    assert readings(text) == {}


@pytest.mark.parametrize(
    "text, value",
    [("20 000", 20_000.0), ("1 234 567", 1_234_567.0), ("95 %", 0.95), ("1\u202f234,5", 1234.5)],
)
def test_a_space_between_thousands_is_still_read(text, value):
    assert parse_number(text, "," if "," in text else ".") == value


def test_a_cell_of_two_numbers_is_refused_in_a_file(tmp_path):
    path = csv_file(tmp_path / "cases.csv", [HEAD, "Desk,a,20 000 30 000,10,0.5,0.9"])
    (bad,) = read(path)
    assert "tasks_per_month must be a number" in str(bad), str(bad)


def xlsxwriter_book(path, formula_value=None, hidden_first=False, formula=True):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    if hidden_first:
        old = book.add_worksheet("Old")
        old.write_row(0, 0, HEAD.split(","))
        old.write_row(1, 0, ["Stale", "a", 1, 1, 1, 0.1])
        old.hide()
    sheet = book.add_worksheet("Cases")
    sheet.write_row(0, 0, HEAD.split(","))
    for row, name in enumerate("abc", start=1):
        sheet.write_row(row, 0, ["Desk", name, 100, 10, 0.5, 0.9])
    if not formula:
        pass
    elif formula_value is not None:
        sheet.write_formula(1, 4, "=0.25+0.25", None, formula_value)
    else:
        sheet.write_formula(1, 4, "=0.25+0.25")
    if hidden_first:
        sheet.activate()
    book.close()
    return path


@pytest.mark.parametrize("stored", [None, 0])
def test_a_formula_whose_value_a_writer_left_as_placeholder_is_refused(tmp_path, stored):
    path = xlsxwriter_book(tmp_path / "cases.xlsx", stored)
    (bad,) = read(path)
    assert isinstance(bad, ScenarioProblem)
    text = str(bad)
    assert "cell Cases!E2 holds the formula =0.25+0.25" in text, text
    assert "open the file in Excel or LibreOffice and save it" in text


@pytest.mark.parametrize("key, value", [("tasks_per_month", 1e150), ("cost_per_error", 1e300)])
@pytest.mark.parametrize("as_text", [False, True])
def test_absurd_magnitudes_are_refused(tmp_path, key, value, as_text):
    document = {"scenarios": [scenario(), scenario("Good")]}
    document["scenarios"][0][key] = f"{value:g}" if as_text else value
    bad, good = read(json_file(tmp_path / "cases.json", document))
    assert isinstance(good, Scenario)
    assert f"{key} is too large" in str(bad), str(bad)


def test_an_absurd_option_magnitude_in_a_workbook_is_refused(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEAD.split(","))
    sheet.append(["Desk", "a", 100, 10, 1e200, 0.9])
    sheet.append(["Desk", "b", 100, 10, 0.5, 0.9])
    book.save(tmp_path / "cases.xlsx")
    (bad,) = read(tmp_path / "cases.xlsx")
    assert "cost_per_task is too large" in str(bad), str(bad)


# The wrong part of a workbook ------------------------------------------------------------


def test_a_hidden_first_sheet_is_not_read(tmp_path):
    (desk,) = read(xlsxwriter_book(tmp_path / "cases.xlsx", hidden_first=True, formula=False))
    assert isinstance(desk, Scenario), str(desk)
    assert desk.name == "Desk"


@pytest.mark.parametrize("title", ["scenarios", "SCENARIOS", " Scenarios"])
def test_a_sheet_named_scenarios_in_any_case_is_found(tmp_path, title):
    book = Workbook()
    book.active.append(["Not", "this"])
    sheet = book.create_sheet(title)
    sheet.append(HEAD.split(","))
    for name in "abc":
        sheet.append(["Desk", name, 100, 10, 0.5, 0.9])
    book.save(tmp_path / "cases.xlsx")
    (desk,) = read(tmp_path / "cases.xlsx")
    assert isinstance(desk, Scenario), str(desk)


def continuation_book(path, merge: bool):
    book = Workbook()
    sheet = book.active
    sheet.title = "Scenarios"
    sheet.append(HEAD.split(","))
    sheet.append(["Desk", "a", 100, 10, 0.5, 0.9])
    sheet.append([None, "b", 100, 10, 0.5, 0.9])
    sheet.append([None, "c", None, None, 0.5, 0.9])
    sheet.append(["Other", "a", 100, 10, 0.5, 0.9])
    sheet.append([" ", "b", 100, 10, 0.5, 0.9])
    sheet.append([None, "c", 100, 10, 0.5, 0.9])
    if merge:
        sheet.merge_cells("A2:A4")
        sheet.merge_cells("A5:A7")
    book.save(path)
    return path


@pytest.mark.parametrize("merge", [False, True])
def test_blank_or_merged_scenario_cells_continue_the_scenario_above(tmp_path, merge):
    desk, other = read(continuation_book(tmp_path / "cases.xlsx", merge))
    assert (desk.name, desk.option_names) == ("Desk", ("a", "b", "c"))
    assert (other.name, other.option_names) == ("Other", ("a", "b", "c"))
    assert desk.where.endswith("rows 2-4")


def test_blank_scenario_cells_continue_in_csv_but_not_on_the_first_row(tmp_path):
    path = csv_file(
        tmp_path / "cases.csv",
        [HEAD, ",z,100,10,0.5,0.9", "Desk,a,100,10,0.5,0.9", ",b,,,0.5,0.9", ",c,,,0.5,0.9"],
    )
    first, desk = read(path)
    assert "every row needs a scenario name" in str(first)
    assert desk.option_names == ("a", "b", "c")


# Messages that mislead ------------------------------------------------------------------


def test_a_strict_ooxml_workbook_gets_a_plain_message(tmp_path):
    path = tmp_path / "cases.xlsx"
    book = Workbook()
    book.active.append(HEAD.split(","))
    book.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {i.filename: source.read(i) for i in source.infolist()}
    strict = {
        name: data.replace(
            b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        ).replace(
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        )
        for name, data in parts.items()
    }
    with zipfile.ZipFile(path, "w") as target:
        for name, data in strict.items():
            target.writestr(name, data)
    with pytest.raises(ScenarioFileError) as caught:
        read(path)
    assert str(caught.value) == (
        f"{path}: this workbook is saved as Strict Open XML, which cannot be read; in Excel, "
        "save it as Excel Workbook (.xlsx)"
    )


def test_an_ods_file_renamed_xlsx_gets_a_plain_message(tmp_path):
    path = tmp_path / "cases.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(ScenarioFileError) as caught:
        read(path)
    assert str(caught.value) == (
        f"{path}: this is an OpenDocument spreadsheet (.ods) named .xlsx; in LibreOffice, "
        "save it as Excel 2007-365 (.xlsx)"
    )


def test_a_zip_that_is_no_workbook_gets_a_plain_message(tmp_path):
    path = tmp_path / "cases.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ScenarioFileError) as caught:
        read(path)
    assert (
        str(caught.value) == f"{path}: not an .xlsx workbook (a zip file without a workbook in it)"
    )


@pytest.mark.parametrize("only_chart", [True, False])
def test_a_chart_sheet_gets_a_plain_message_or_is_passed_over(tmp_path, only_chart):
    from openpyxl.chart import BarChart

    book = Workbook()
    data = book.active
    data.title = "Data" if only_chart else "Cases"
    data.append(HEAD.split(","))
    for name in "abc":
        data.append(["Desk", name, 100, 10, 0.5, 0.9])
    chart = book.create_chartsheet("Scenarios", 0)
    chart.add_chart(BarChart())
    if only_chart:
        data.sheet_state = "hidden"
    book.save(tmp_path / "cases.xlsx")
    if only_chart:
        with pytest.raises(ScenarioFileError) as caught:
            read(tmp_path / "cases.xlsx")
        assert "the sheet Scenarios is a chart" in str(caught.value)
    else:
        (desk,) = read(tmp_path / "cases.xlsx")
        assert isinstance(desk, Scenario), str(desk)


@pytest.mark.parametrize(
    "name, units", [("😀" * 16_384, 32_768), ("😀" * 16_383 + "x", 32_767), ("x" * 32_767, 32_767)]
)
def test_a_cells_length_is_counted_in_utf16_units(tmp_path, name, units):
    document = {"scenarios": [scenario(name)]}
    (item,) = read(json_file(tmp_path / "cases.json", document))
    if units > 32_767:
        assert f"has {units:,} characters as Excel counts them" in str(item), str(item)[:300]
    else:
        assert isinstance(item, Scenario)


# Unbounded: refused in bounded time ---------------------------------------------------


def test_a_json_file_of_escaped_quotes_is_refused_at_once(tmp_path):
    from hostile_files import escaped_quotes_json, read_in_a_fresh_process

    path = escaped_quotes_json(tmp_path)
    assert read_in_a_fresh_process(path).startswith(f"refused: {path}, line 1: not valid JSON")


CLI = "import sys; from xlfuncs.cli import main; sys.exit(main(sys.argv[1:]))"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
@pytest.mark.parametrize("kind", ["pipe", "device", "folder"])
def test_tornado_refuses_a_named_pipe_a_device_or_a_folder_at_once(tmp_path, kind):
    if kind == "pipe":
        path = tmp_path / "block.csv"
        os.mkfifo(path)
        words = "is not a regular file (a named pipe, a device or a socket)"
    elif kind == "device":
        path = Path("/dev/zero")
        words = "is not a regular file (a named pipe, a device or a socket)"
    else:
        path = tmp_path / "block.csv"
        path.mkdir()
        words = "is a folder"
    done = subprocess.run(
        [sys.executable, "-c", CLI, "tornado", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith(f"xlfuncs tornado: {path}: {words}"), done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("dangling", [False, True])
@pytest.mark.parametrize("overwrite", [False, True])
def test_tornado_never_writes_its_chart_through_a_symbolic_link(tmp_path, dangling, overwrite):
    from xlfuncs.cli import main

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "victim.png"
    if not dangling:
        target.write_bytes(b"keep me")
    link = tmp_path / "chart.png"
    link.symlink_to(target)
    examples = Path(__file__).resolve().parents[1] / "docs" / "examples"
    argv = ["tornado", str(examples / "efficient.csv"), "--shared", str(examples / "both.csv")]
    argv += ["--png", str(link)] + (["--overwrite"] if overwrite else [])
    assert main(argv) == 1
    assert link.is_symlink()
    assert target.exists() != dangling
    if not dangling:
        assert target.read_bytes() == b"keep me"


@pytest.mark.parametrize("kind", ["missing", "folder", "dangling link", "pipe", "device"])
def test_a_scenario_path_that_is_no_file_is_said_as_it_is(tmp_path, kind):
    path = tmp_path / "cases.csv"
    if kind == "folder":
        path.mkdir()
    elif kind == "dangling link":
        path.symlink_to(tmp_path / "gone.csv")
    elif kind == "pipe":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    with pytest.raises(ScenarioFileError) as caught:
        read(path)
    words = {
        "missing": "no such file",
        "folder": "is a folder, not a file",
        "dangling link": f"is a symbolic link to {tmp_path / 'gone.csv'}, which does not exist",
        "pipe": "is not a regular file (a named pipe, a device or a socket)",
        "device": "is not a regular file (a named pipe, a device or a socket)",
    }[kind]
    assert str(caught.value).startswith(f"{path}: {words}")


def test_a_merge_keys_spelling_gives_way_to_the_mappings_own(tmp_path):
    # YAML merge keys bring in a base's keys, and the mapping's own win: in any spelling.
    path = tmp_path / "cases.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            x-base: &base {Cost per task: 0.5, Accuracy: 0.9}
            scenarios:
              - name: Desk
                tasks_per_month: 100
                cost_per_error: 10
                options:
                  - {<<: *base, name: a, accuracy: 0.95}
                  - {<<: *base, name: b}
                  - {<<: *base, name: c, cost_per_task: 0.25}
            """
        ),
        encoding="utf-8",
    )
    (desk,) = read(path)
    assert isinstance(desk, Scenario), str(desk)
    assert (desk.values["a_accuracy"], desk.values["b_accuracy"]) == (0.95, 0.9)
    assert (desk.values["b_cost_per_task"], desk.values["c_cost_per_task"]) == (0.5, 0.25)
