"""Scenario files in YAML, JSON, CSV and XLSX: read alike; bad values reported in place."""

from __future__ import annotations

import json
import zipfile

import pytest
from batch_standin import STANDIN
from openpyxl import Workbook

from xlfuncs.batch.read.checker import (
    Scenario,
    ScenarioFileError,
    ScenarioProblem,
    parse_number,
)
from xlfuncs.batch.read.sources import read_scenarios
from xlfuncs.batch.template import Layout

LAYOUT = Layout.of(STANDIN)

YAML = """\
scenarios:
  - name: Support desk
    tasks_per_month: 20000
    months: 36
    cost_per_error: 10
    options:
      - name: Efficient
        cost_per_task: 0.002
        accuracy: 95%
      - name: Frontier
        cost_per_task: 0.05
        accuracy: 0.99
      - name: Reasoning
        cost_per_task: 0.4
        accuracy: 0.9
  - name: Claims
    tasks_per_month: 500
    cost_per_error: 500
    options:
      - {name: Efficient, accuracy: 0.9, cost_per_task: 0.01}
      - {name: Frontier, accuracy: 0.97, cost_per_task: 0.01}
      - {name: Reasoning, accuracy: 0.99, cost_per_task: 0.01, upfront: 1000}
"""

# The same two scenarios as the YAML, written as Excel writes a long table.
CSV_ROWS = [
    [
        "scenario",
        "option",
        "tasks_per_month",
        "months",
        "cost_per_error",
        "cost_per_task",
        "accuracy",
        "upfront",
    ],
    ["Support desk", "Efficient", "20000", "36", "10", "0.002", "95%", ""],
    ["Support desk", "Frontier", "20000", "", "", "0.05", "0.99", ""],
    ["Support desk", "Reasoning", "", "36", "", "0.4", "0.9", ""],
    ["Claims", "Efficient", "500", "", "500", "0.01", "0.9", ""],
    ["Claims", "Frontier", "500", "", "500", "0.01", "0.97", ""],
    ["Claims", "Reasoning", "500", "", "500", "0.01", "0.99", "1000"],
]


def read(source):
    return list(read_scenarios(source, LAYOUT))


def scenarios(source) -> list[Scenario]:
    items = read(source)
    assert all(isinstance(s, Scenario) for s in items), [str(s) for s in items]
    return items


def write_csv(path, rows, delimiter=",", decimal=".", bom=False):
    def cell(text):
        if decimal == "," and text[:1].isdigit():
            text = text.replace(".", ",")
        return f'"{text}"' if delimiter in text else text

    body = "\r\n".join(delimiter.join(cell(c) for c in row) for row in rows) + "\r\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + body.encode("utf-8"))
    return path


def write_xlsx(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.title = "Scenarios"
    for row in rows:
        sheet.append([parse_number(c) if parse_number(c) is not None else (c or None) for c in row])
    book.save(path)
    return path


def test_yaml_nests_shared_inputs_and_options_and_fills_defaults(tmp_path):
    (tmp_path / "cases.yaml").write_text(YAML, encoding="utf-8")
    desk, claims = scenarios(tmp_path / "cases.yaml")
    assert desk.name == "Support desk"
    assert desk.option_names == ("Efficient", "Frontier", "Reasoning")
    assert desk.values["scenario"] == "Support desk"
    assert desk.values["a_accuracy"] == 0.95  # written 95%
    assert desk.values["c_accuracy"] == 0.9
    assert desk.values["cost_per_error"] == 10.0
    assert desk.values["a_upfront"] == 0.0  # the neutral default
    assert desk.values["monthly_growth"] == 0.0  # the neutral default, not the template's
    assert claims.values["c_upfront"] == 1000
    assert claims.values["months"] == 12.0  # the neutral default (as TCO's)


def test_all_four_formats_give_the_same_scenarios(tmp_path):
    (tmp_path / "cases.yaml").write_text(YAML, encoding="utf-8")
    import yaml

    (tmp_path / "cases.json").write_text(json.dumps(yaml.safe_load(YAML)), encoding="utf-8")
    write_csv(tmp_path / "cases.csv", CSV_ROWS)
    write_xlsx(tmp_path / "cases.xlsx", CSV_ROWS)
    expected = [(s.name, dict(s.values)) for s in scenarios(tmp_path / "cases.yaml")]
    for suffix in ("json", "csv", "xlsx"):
        got = [(s.name, dict(s.values)) for s in scenarios(tmp_path / f"cases.{suffix}")]
        assert got == expected, suffix


@pytest.mark.parametrize("delimiter, decimal", [(",", "."), (";", ","), ("\t", ".")])
@pytest.mark.parametrize("bom", [False, True])
def test_csv_as_excel_writes_it_in_any_locale(tmp_path, delimiter, decimal, bom):
    path = write_csv(tmp_path / "cases.csv", CSV_ROWS, delimiter, decimal, bom)
    desk, claims = scenarios(path)
    assert desk.values["a_accuracy"] == 0.95
    assert desk.values["a_cost_per_task"] == 0.002
    assert claims.values["c_upfront"] == 1000


@pytest.mark.parametrize(
    "text, decimal, expected",
    [
        ("95%", ".", 0.95),
        ("95 %", ",", 0.95),  # French Excel puts a space before %
        ("99,5%", ",", 0.995),
        ("0,95", ".", None),  # a decimal comma, in a file of decimal points: not a number
        ("0,95", None, 0.95),  # a decimal comma that cannot be a thousands separator
        ("20,000", ".", 20000.0),  # en-US thousands
        ("20.000", ",", 20000.0),  # de-DE thousands
        ("1.234.567,5", ",", 1234567.5),
        ("20\u00a0000", ",", 20000.0),  # fr-FR thousands (no-break space)
        ("1,5", ",", 1.5),
        ("-0.5", ".", -0.5),
        ("1e3", ".", 1000.0),
        ("ten", ".", None),
        ("nan", ".", None),
        ("inf", ".", None),
        ("1,2,3", ".", None),
        ("$5", ".", None),
    ],
)
def test_numbers_as_people_and_spreadsheets_write_them(text, decimal, expected):
    assert parse_number(text, decimal) == expected


def test_an_unknown_key_suggests_the_closest_known_name(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text(YAML.replace("accuracy: 95%", "acuracy: 95%"), encoding="utf-8")
    desk, claims = read(path)
    assert isinstance(desk, ScenarioProblem) and isinstance(claims, Scenario)
    assert str(desk).startswith(
        f"{path}, line 9, key 'acuracy': unknown key (did you mean accuracy?); "
    )
    assert desk.scenario == "Support desk"


def test_an_unknown_column_suggests_the_closest_known_name(tmp_path):
    rows = [list(CSV_ROWS[0]), *CSV_ROWS[1:]]
    rows[0][6] = "acuracy"
    path = write_csv(tmp_path / "cases.csv", rows)
    with pytest.raises(
        ScenarioFileError, match=r"column 7: unknown column 'acuracy' \(did you mean accuracy\?\)"
    ):
        read(path)


def test_headings_are_matched_like_a_person_would_write_them(tmp_path):
    rows = [
        ["Scenario", "Option", "Tasks per month", "Cost-per-task", "ACCURACY", "Cost Per Error"],
        *[["A", n, "10", "0.1", "0.9", "5"] for n in ("x", "y", "z")],
    ]
    (scenario,) = scenarios(write_csv(tmp_path / "cases.csv", rows))
    assert scenario.values["tasks_per_month"] == 10


def test_an_input_at_the_wrong_level_says_where_it_belongs(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text(YAML.replace("        accuracy: 0.99", "        months: 12"), encoding="utf-8")
    problem = read(path)[0]
    assert "unknown key (a shared input: put it beside the scenario's name)" in str(problem)


def test_an_out_of_range_value_names_file_line_key_value_and_rule(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text(YAML.replace("accuracy: 0.99", "accuracy: 99"), encoding="utf-8")
    problem = read(path)[0]
    assert str(problem) == (
        f"{path}, line 12, key 'accuracy': accuracy must be between 0 and 1, got 99 "
        "(enter 99% or 0.99)"
    )
    assert (problem.key, problem.value, problem.where) == ("accuracy", 99.0, "line 12")


def test_a_bad_csv_cell_names_row_column_value_and_rule(tmp_path):
    rows = [list(r) for r in CSV_ROWS]
    rows[5][6] = "ninety"  # row 6 of the file (the heading is row 1)
    path = write_csv(tmp_path / "cases.csv", rows)
    desk, claims = read(path)
    assert isinstance(desk, Scenario)
    assert (
        str(claims)
        == f"{path}, row 6, column 'accuracy': accuracy must be a number (fraction), got 'ninety'"
    )
    assert claims.scenario == "Claims"


def test_every_problem_of_a_scenario_is_reported(tmp_path):
    rows = [list(r) for r in CSV_ROWS]
    rows[1][2] = "-1"
    rows[2][6] = "1.5"
    problem = read(write_csv(tmp_path / "cases.csv", rows))[0]
    assert "row 2, column 'tasks_per_month': tasks_per_month must be 0 or more, got -1" in str(
        problem
    )
    assert "row 3, column 'accuracy': accuracy must be between 0 and 1, got 1.5" in str(problem)


def test_shared_inputs_must_agree_across_a_scenarios_rows(tmp_path):
    rows = [list(r) for r in CSV_ROWS]
    rows[2][2] = "25000"
    problem = read(write_csv(tmp_path / "cases.csv", rows))[0]
    assert str(problem).endswith(
        "rows 2 and 3, column 'tasks_per_month': a scenario's rows must agree on its shared "
        "input tasks_per_month, got 20000 and 25000"
    )


def test_a_scenarios_rows_must_be_together(tmp_path):
    rows = [CSV_ROWS[0], CSV_ROWS[1], CSV_ROWS[4], CSV_ROWS[2]]
    items = read(write_csv(tmp_path / "cases.csv", rows))
    assert [type(i).__name__ for i in items] == [
        "ScenarioProblem",
        "ScenarioProblem",
        "ScenarioProblem",
    ]
    assert "rows must be next to each other" in str(items[2])


def test_a_wrong_number_of_options_is_a_problem_of_that_scenario(tmp_path):
    path = tmp_path / "cases.yaml"
    third = "      - {name: Reasoning, accuracy: 0.99, cost_per_task: 0.01, upfront: 1000}\n"
    path.write_text(YAML.replace(third, ""))
    desk, claims = read(path)
    assert isinstance(desk, Scenario)
    assert "a scenario of standin needs 3 options, this one has 2" in str(claims)


def test_a_csv_file_that_is_not_utf8_says_how_to_save_it(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes("scenario,option\nZürich,x\n".encode("cp1252"))
    with pytest.raises(ScenarioFileError, match="Save As > CSV UTF-8"):
        read(path)


def test_yaml_is_read_with_a_safe_loader(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text("scenarios: !!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(ScenarioFileError, match="line 1: not valid YAML"):
        read(path)


def test_a_key_given_twice_is_an_error_not_a_silent_overwrite(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text(YAML.replace("    months: 36\n", "    months: 36\n    months: 12\n"))
    with pytest.raises(ScenarioFileError, match="line 5: key 'months' given twice"):
        read(path)
    path = tmp_path / "cases.json"
    path.write_text('{"scenarios": [{"name": "a", "months": 1, "months": 2}]}')
    with pytest.raises(ScenarioFileError, match="key 'months' given twice"):
        read(path)


def test_json_syntax_errors_give_the_line(tmp_path):
    path = tmp_path / "cases.json"
    path.write_text('{"scenarios": [\n{"name": "a",}\n]}')
    with pytest.raises(ScenarioFileError, match="line 2: not valid JSON"):
        read(path)


def test_scenarios_in_memory_are_read_like_a_file():
    options = [{"name": n, "cost_per_task": 0.1, "accuracy": 0.9} for n in "xyz"]
    scenario = {"name": "a", "tasks_per_month": 10, "cost_per_error": 5, "options": options}
    document = {"scenarios": [scenario]}
    (scenario,) = scenarios(document)
    assert scenario.option_names == ("x", "y", "z")
    (scenario,) = scenarios(document["scenarios"])
    assert scenario.values["b_name"] == "y"


def test_an_unsupported_suffix_or_missing_file_is_refused(tmp_path):
    with pytest.raises(ScenarioFileError, match="scenario files end in"):
        read(tmp_path / "cases.txt")
    with pytest.raises(ScenarioFileError, match="no such file"):
        read(tmp_path / "cases.csv")


SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
SHARED_STRINGS_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
)


def xml_bomb_workbook(path):
    """A workbook whose shared strings expand a billion-laughs entity (10**9 'lol's)."""
    good = write_xlsx(path.with_name("good.xlsx"), CSV_ROWS)
    entities = "".join(
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "lol") * 10}">' for i in range(1, 10)
    )
    strings = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as bomb:
        for item in source.infolist():
            data = source.read(item.filename).decode("utf-8")
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    "</Types>",
                    '<Override PartName="/xl/sharedStrings.xml" '
                    f'ContentType="{SHARED_STRINGS_TYPE}"/></Types>',
                )
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    "</Relationships>",
                    f'<Relationship Id="rId99" Type="{SHARED_STRINGS_REL}" '
                    'Target="sharedStrings.xml"/></Relationships>',
                )
            elif item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    '<c r="A2" t="inlineStr"><is><t>Support desk</t></is></c>',
                    '<c r="A2" t="s"><v>0</v></c>',
                )
                assert 't="s"' in data
            bomb.writestr(item, data)
        bomb.writestr("xl/sharedStrings.xml", strings)
    return path


def test_an_xml_bomb_in_a_workbook_is_refused(tmp_path):
    path = xml_bomb_workbook(tmp_path / "bomb.xlsx")
    with pytest.raises(ScenarioFileError, match="XML entities, which are refused") as caught:
        read(path)
    root = caught.value
    while root.__cause__ or root.__context__:
        root = root.__cause__ or root.__context__
    assert type(root).__name__ == "EntitiesForbidden"  # defusedxml refused it


def test_an_option_input_beside_the_scenarios_name_is_for_every_option(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text(
        "scenarios:\n"
        "  - name: Desk\n"
        "    tasks_per_month: 100\n"
        "    cost_per_error: 10\n"
        "    cost_per_task: 0.5\n"
        "    accuracy: 90%\n"
        "    options:\n"
        "      - {name: a}\n"
        "      - {name: b, accuracy: 0.99}\n"
        "      - {name: c, cost_per_task: 2}\n",
        encoding="utf-8",
    )
    (desk,) = scenarios(path)
    v = desk.values
    assert (v["a_cost_per_task"], v["b_cost_per_task"], v["c_cost_per_task"]) == (0.5, 0.5, 2)
    assert (v["a_accuracy"], v["b_accuracy"], v["c_accuracy"]) == (0.9, 0.99, 0.9)
