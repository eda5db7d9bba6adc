"""Scenario files as people really write them, and hostile ones: read right, or refused clearly.

Each resource limit is tested with a file just over it, read in a fresh
process under a generous hard timeout (the limit must refuse it before the
work it guards; the time and memory of each refusal are measured in
``bench/bench_limits.py``).
"""

from __future__ import annotations

import codecs
import json
import textwrap
import zipfile
from pathlib import Path

import pytest
from batch_standin import STANDIN
from hostile_files import HEAD, REFUSALS, read_in_a_fresh_process
from openpyxl import Workbook

import xlfuncs
from xlfuncs.batch.read.checker import Scenario, ScenarioFileError, ScenarioProblem
from xlfuncs.batch.read.sources import read_scenarios
from xlfuncs.batch.template import Layout

LAYOUT = Layout.of(STANDIN)
TESTS = Path(__file__).parent


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_file_just_over_a_limit_is_refused_naming_the_limit(tmp_path, case):
    make, message = REFUSALS[case]
    path = make(tmp_path)
    outcome = read_in_a_fresh_process(path)
    if message is None:
        # A sheet that declares all of Excel's grid but holds four rows is read as four rows.
        assert outcome == "read: 1 ['Scenario']"
    else:
        assert outcome.startswith(f"refused: {path}"), outcome
        assert message in outcome, outcome


def read(path, template=STANDIN):
    return list(read_scenarios(path, Layout.of(template)))


def csv_file(path, lines, encoding="utf-8"):
    path.write_bytes("\n".join(lines).encode(encoding) + b"\n")
    return path


GOOD = ["Good,a,100,10,0.5,0.9", "Good,b,100,10,0.5,0.9", "Good,c,100,10,0.5,0.9"]


# Formulas in scenario workbooks ------------------------------------------------


def formula_workbook(path, stored: str | None):
    """cost_per_task of the first row is =SUM(0.25,0.25), with or without a stored value."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Scenarios"
    sheet.append(HEAD.split(","))
    sheet.append(["Desk", "a", 100, 10, "=SUM(0.25,0.25)", 0.9])
    sheet.append(["Desk", "b", 100, 10, 0.5, 0.9])
    sheet.append(["Desk", "c", 100, 10, 0.5, 0.9])
    book.save(path)
    if stored is not None:
        with zipfile.ZipFile(path) as source:
            parts = {i.filename: source.read(i) for i in source.infolist()}
        sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
        written = "<f>SUM(0.25,0.25)</f><v />"
        assert written in sheet_xml
        parts["xl/worksheets/sheet1.xml"] = sheet_xml.replace(
            written, f"<f>SUM(0.25,0.25)</f><v>{stored}</v>"
        ).encode()
        # As Excel saves it: the value calculated, no request to recalculate on opening.
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b' fullCalcOnLoad="1"', b"")
        with zipfile.ZipFile(path, "w") as target:
            for name, data in parts.items():
                target.writestr(name, data)
    return path


def test_a_formula_is_read_as_its_stored_value(tmp_path):
    (desk,) = read(formula_workbook(tmp_path / "cases.xlsx", stored="0.5"))
    assert desk.values["a_cost_per_task"] == 0.5  # 0.25 + 0.25, as Excel stored it


def test_a_formula_without_a_stored_value_names_sheet_cell_formula_and_the_fix(tmp_path):
    path = formula_workbook(tmp_path / "cases.xlsx", stored=None)
    (desk,) = read(path)
    assert isinstance(desk, ScenarioProblem)
    assert str(desk) == (
        f"{path}, row 2, column 'cost_per_task': cell Scenarios!E2 holds the formula "
        "=SUM(0.25,0.25) and the file stores no value for it (it was written by a program, "
        "never calculated); open the file in Excel or LibreOffice and save it, or type the "
        "value instead of the formula"
    )


# One text check ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, problem",
    [
        ("nul\x00byte", "holds the control character \\x00, which a workbook cannot hold"),
        ("bell\x07", "holds the control character \\x07, which a workbook cannot hold"),
        ("esc\x1b[31m", "holds the control character \\x1b, which a workbook cannot hold"),
        ("half \ud800 pair", "holds an unpaired surrogate \\ud800, which a workbook cannot hold"),
        ("x" * 100_000, "has 100,000 characters; a spreadsheet cell holds at most 32,767"),
    ],
)
def test_a_scenario_name_a_workbook_cannot_hold_is_refused_and_the_rest_read(
    tmp_path, name, problem
):
    options = [{"name": k, "cost_per_task": 0.5, "accuracy": 0.9} for k in "abc"]
    document = {
        "scenarios": [
            {"name": name, "tasks_per_month": 100, "cost_per_error": 10, "options": options},
            {"name": "Good", "tasks_per_month": 100, "cost_per_error": 10, "options": options},
        ]
    }
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    bad, good = read(path)
    assert isinstance(good, Scenario)
    assert isinstance(bad, ScenarioProblem)
    assert f"key 'name': name {problem}" in str(bad)
    assert len(str(bad)) < 400


def test_an_option_name_over_a_cells_length_is_refused(tmp_path):
    path = csv_file(
        tmp_path / "cases.csv",
        [
            HEAD,
            f"Desk,{'o' * 40_000},100,10,0.5,0.9",
            "Desk,b,100,10,0.5,0.9",
            "Desk,c,100,10,0.5,0.9",
        ],
    )
    (desk,) = read(path)
    assert str(desk).startswith(
        f"{path}, row 2, column 'option': option has 40,000 characters; a spreadsheet cell "
        "holds at most 32,767"
    )


def test_a_list_map_or_boolean_where_a_name_belongs_says_to_quote_it(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            scenarios:
              - name: [x, y]
                tasks_per_month: 100
                cost_per_error: 10
                options:
                  - {name: {a: 1}, cost_per_task: 1, accuracy: 0.9}
                  - {name: no, cost_per_task: 1, accuracy: 0.9}
                  - {name: 2024, cost_per_task: 1, accuracy: 0.9}
              - name: 2024
                tasks_per_month: 100
                cost_per_error: 10
                options:
                  - {name: 1.50, cost_per_task: 1, accuracy: 0.9}
                  - {name: b, cost_per_task: 1, accuracy: 0.9}
                  - {name: c, cost_per_task: 1, accuracy: 0.9}
            """
        ),
        encoding="utf-8",
    )
    bad, good = read(path)
    text = str(bad)
    assert f"{path}, line 2, key 'name': name must be text, got a list; write it in quotes" in text
    assert "line 6, key 'name': name must be text, got a mapping; write it in quotes" in text
    assert "line 7, key 'name': name must be text, got TRUE/FALSE; write it in quotes" in text
    assert (good.name, good.option_names[0]) == ("2024", "1.50")  # numbers as written


# Numbers too long, nesting too deep ------------------------------------------------


def test_a_400_digit_integer_is_a_problem_of_its_scenario(tmp_path):
    path = tmp_path / "cases.yaml"
    options = "[{name: a, cost_per_task: 1, accuracy: 0.9}, {name: b, cost_per_task: 1, " + (
        "accuracy: 0.9}, {name: c, cost_per_task: 1, accuracy: 0.9}]"
    )
    path.write_text(
        "scenarios:\n"
        f"  - {{name: Huge, tasks_per_month: {'9' * 400}, cost_per_error: 10,\n"
        f"      options: {options}}}\n"
        f"  - {{name: Good, tasks_per_month: 100, cost_per_error: 10, options: {options}}}\n",
        encoding="utf-8",
    )
    huge, good = read(path)
    assert isinstance(good, Scenario)
    assert str(huge) == (
        f"{path}, line 2, key 'tasks_per_month': tasks_per_month has 400 digits; a number "
        "here has at most 40"
    )


def test_a_5000_digit_json_integer_names_the_file_and_key(tmp_path):
    options = [{"name": k, "cost_per_task": 1, "accuracy": 0.9} for k in "abc"]
    text = json.dumps(
        {
            "scenarios": [
                {"name": "Huge", "tasks_per_month": 1, "cost_per_error": 10, "options": options},
                {"name": "Good", "tasks_per_month": 100, "cost_per_error": 10, "options": options},
            ]
        }
    ).replace('"tasks_per_month": 1,', f'"tasks_per_month": {"7" * 5000},', 1)
    path = tmp_path / "cases.json"
    path.write_text(text, encoding="utf-8")
    huge, good = read(path)
    assert isinstance(good, Scenario)
    assert str(huge) == (
        f"{path}, scenario 1, key 'tasks_per_month': tasks_per_month has 5,000 digits; a "
        "number here has at most 40"
    )


def test_the_batch_and_its_summary_survive_a_huge_number(tmp_path):
    options = [{"name": k, "cost_per_task": 1, "accuracy": 0.9} for k in "abc"]
    scenarios = [
        {"name": "Huge", "tasks_per_month": 10**400, "cost_per_error": 10, "options": options},
        {"name": "Good", "tasks_per_month": 100, "cost_per_error": 10, "options": options},
    ]
    report = xlfuncs.generate(scenarios, tmp_path, template=STANDIN)
    assert [o.status for o in report.outcomes] == ["failed", "written"]
    assert "tasks_per_month is a number of more than 40 digits" in report.outcomes[0].reason
    assert (tmp_path / "summary.xlsx").exists()


# Encodings, YAML merge keys, empty files, encrypted workbooks ------------------------

YAML_CASES = """\
base: &base {cost_per_task: 0.5, accuracy: 0.9}
scenarios:
  - name: Zürich desk
    tasks_per_month: 100
    cost_per_error: 10
    options:
      - {<<: *base, name: a}
      - {<<: *base, name: b, accuracy: 0.95}
      - <<: *base
        name: c
"""


def test_yaml_merge_keys_are_accepted_and_own_keys_win(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text(YAML_CASES.replace("base: &base", "x-base: &base"), encoding="utf-8")
    (desk,) = read(path)
    assert isinstance(desk, Scenario), str(desk)
    assert desk.values["a_cost_per_task"] == desk.values["c_cost_per_task"] == 0.5
    assert (desk.values["a_accuracy"], desk.values["b_accuracy"]) == (0.9, 0.95)


@pytest.mark.parametrize("suffix", ["yaml", "json", "csv"])
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_text_files_in_utf16_or_with_a_byte_order_mark_are_decoded(tmp_path, suffix, encoding):
    import yaml

    yaml_text = YAML_CASES.replace("base: &base", "note: &base")
    text = {
        "yaml": yaml_text,
        "json": json.dumps(yaml.safe_load(yaml_text), ensure_ascii=False),
        "csv": "\n".join([HEAD, *(r.replace("Good", "Zürich desk") for r in GOOD)]),
    }[suffix]
    path = tmp_path / f"cases.{suffix}"
    data = text.encode(encoding)
    if encoding == "utf-16":
        assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    path.write_bytes(data)
    (desk,) = read(path)
    assert isinstance(desk, Scenario), str(desk)
    assert desk.name == "Zürich desk"


def test_a_text_file_in_another_encoding_names_the_file_and_the_fix(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_bytes("scenarios:\n  - name: Zürich\n".encode("cp1252"))
    with pytest.raises(ScenarioFileError, match=r"cases.yaml: not UTF-8 or UTF-16 text"):
        read(path)


def test_a_header_only_csv_says_it_has_no_scenarios(tmp_path):
    path = csv_file(tmp_path / "cases.csv", [HEAD])
    with pytest.raises(
        ScenarioFileError, match="no scenarios: the file has its headings but no rows below them"
    ):
        read(path)
    report = xlfuncs.generate(path, tmp_path / "out", template=STANDIN)
    assert not report.ok
    assert "no scenarios" in report.failures[0].reason


def test_a_password_protected_workbook_gets_one_line_saying_what_to_do(tmp_path):
    # An encrypted workbook is an OLE compound file, not a zip.
    path = tmp_path / "cases.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    with pytest.raises(ScenarioFileError) as caught:
        read(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message == (
        f"{path}: this workbook is password-protected (or in the old .xls format), so it "
        "cannot be read; in Excel, remove the password (File > Info > Protect Workbook) and "
        "save it as .xlsx"
    )


def test_a_number_of_one_digit_over_the_limit_is_refused_and_one_at_it_read(tmp_path):
    rows = [HEAD, *(r.replace(",0.9", f",0.{'1' * 39}") for r in GOOD)]
    rows += [r.replace("Good", "Long").replace(",0.9", f",0.{'1' * 40}") for r in GOOD]
    good, long = read(csv_file(tmp_path / "cases.csv", rows))
    assert good.values["a_accuracy"] == float("0." + "1" * 39)
    assert str(long).endswith(
        "column 'accuracy': accuracy has 41 digits; a number here has at most 40"
    )


def test_yaml_anchors_outside_scenarios_sit_under_x_keys(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text(YAML_CASES, encoding="utf-8")  # the anchor under "base:"
    with pytest.raises(ScenarioFileError) as caught:
        read(path)
    assert str(caught.value) == (
        f"{path}: unknown key 'base' at the top; the file holds a list named scenarios "
        "(and keys starting with x- for YAML anchors)"
    )
