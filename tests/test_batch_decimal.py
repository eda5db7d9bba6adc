"""One decimal mark per scenario file, settled by its own numbers; never a silent x1000."""

from __future__ import annotations

import pytest
from batch_standin import STANDIN

from xlfuncs._files.number_text import DecimalMark, parse_number, readings
from xlfuncs.batch.read.checker import Scenario, ScenarioFileError, ScenarioProblem
from xlfuncs.batch.read.sources import read_scenarios
from xlfuncs.batch.template import Layout
from xlfuncs.cli import main

LAYOUT = Layout.of(STANDIN)
HEAD = "scenario;option;tasks_per_month;cost_per_task;accuracy;upfront;cost_per_error"


def write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read(path, decimal=None):
    return list(read_scenarios(path, LAYOUT, decimal))


def test_swiss_csv_semicolons_with_decimal_points_is_read_with_points(tmp_path):
    # Swiss-German Excel: ";" between cells, "." as the decimal mark.
    path = write(
        tmp_path / "cases.csv",
        [
            HEAD,
            "Desk;a;20000;1.125;0.95;2.500;10",
            "Desk;b;20000;0.075;0.99;0;10",
            "Desk;c;20000;0.4;0.9;0;10",
        ],
    )
    (desk,) = read(path)
    assert isinstance(desk, Scenario), str(desk)
    # The values as typed in the file, read with a decimal point.
    assert desk.values["a_cost_per_task"] == 1.125
    assert desk.values["a_upfront"] == 2.5
    assert desk.values["b_cost_per_task"] == 0.075
    assert desk.values["a_accuracy"] == 0.95


def test_german_csv_with_decimal_commas_reads_points_as_thousands(tmp_path):
    path = write(
        tmp_path / "cases.csv",
        [
            HEAD,
            "Desk;a;20.000;1,125;0,95;2.500;10",
            "Desk;b;20.000;0,075;0,99;0;10",
            "Desk;c;20.000;0,4;0,9;1.234,5;10",
        ],
    )
    (desk,) = read(path)
    assert desk.values["tasks_per_month"] == 20000
    assert desk.values["a_cost_per_task"] == 1.125
    assert desk.values["a_upfront"] == 2500
    assert desk.values["c_upfront"] == 1234.5


def test_thousands_separators_follow_the_files_mark(tmp_path):
    path = write(
        tmp_path / "cases.csv",
        [
            "scenario,option,tasks_per_month,cost_per_task,accuracy,upfront,cost_per_error",
            'Desk,a,"20,000",0.5,0.95,"1,234.5",10',
            "Desk,b,20 000,0.5,0.95,1'234.5,10",
            "Desk,c,20000,0.5,0.95,0,10",
        ],
    )
    (desk,) = read(path)
    assert desk.values["tasks_per_month"] == 20000
    assert desk.values["a_upfront"] == desk.values["b_upfront"] == 1234.5


def test_a_file_with_both_marks_is_refused_naming_one_of_each(tmp_path):
    path = write(
        tmp_path / "cases.csv",
        [HEAD, "Desk;a;100;0.075;0,95;0;10", "Desk;b;100;1;0,9;0;10", "Desk;c;100;1;0,9;0;10"],
    )
    with pytest.raises(ScenarioFileError) as caught:
        read(path)
    message = str(caught.value)
    assert "row 2: '0.075'" in message and "row 2: '0,95'" in message
    assert "--decimal ." in message


def test_a_number_that_reads_two_ways_in_an_unsettled_file_is_refused_by_name(tmp_path):
    path = write(
        tmp_path / "cases.csv",
        [
            HEAD,
            "Plain;a;100;1;1;0;10",
            "Plain;b;100;1;1;0;10",
            "Plain;c;100;1;1;0;10",
            "Ambiguous;a;100;1;1;2.500;10",
            "Ambiguous;b;100;1;1;0;10",
            "Ambiguous;c;100;1;1;0;10",
        ],
    )
    plain, ambiguous = read(path)
    assert isinstance(plain, Scenario)  # the rest of the file is still read
    assert isinstance(ambiguous, ScenarioProblem)
    assert str(ambiguous) == (
        f"{path}, row 5, column 'upfront': upfront: '2.500' reads as 2.5 with a decimal point "
        "and as 2500 with a decimal comma, and no other number of the file settles which; "
        "state the decimal mark (--decimal . or --decimal ,)"
    )
    _, stated = read(path, decimal=".")
    assert stated.values["a_upfront"] == 2.5
    _, stated = read(path, decimal=",")
    assert stated.values["a_upfront"] == 2500


def test_a_number_against_the_stated_mark_is_not_a_number(tmp_path):
    path = write(
        tmp_path / "cases.csv",
        [HEAD, "Desk;a;100;0,5;0.9;0;10", "Desk;b;100;1;0.9;0;10", "Desk;c;100;1;0.9;0;10"],
    )
    (desk,) = read(path, decimal=".")
    assert str(desk).endswith(
        "cost_per_task must be a number (money), got '0,5' "
        "(the file's decimal mark is a point, as stated)"
    )


def test_the_command_line_states_the_mark(tmp_path, capsys):
    path = write(
        tmp_path / "cases.csv",
        [HEAD, "Desk;a;100;1;1;2.500;10", "Desk;b;100;1;1;0;10", "Desk;c;100;1;1;0;10"],
    )
    out = tmp_path / "out"
    arguments = ["generate", str(path), "--out", str(out), "--template", "standin"]
    # The stand-in template is not registered by name: give it through the API instead.
    import xlfuncs

    report = xlfuncs.generate(path, out, template=STANDIN)
    assert not report.ok and "--decimal" in report.failures[0].reason
    report = xlfuncs.generate(path, out, template=STANDIN, decimal=".", overwrite=True)
    assert report.ok, report.failures
    assert report.summary_rows()[0][0] == "Desk"
    with pytest.raises(SystemExit):
        main([*arguments[:4], "--decimal", ";"])
    assert "invalid choice" in capsys.readouterr().err


def test_yaml_numbers_are_read_by_the_same_rule_and_names_keep_their_digits(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text(
        "scenarios:\n"
        "  - name: 1.50\n"
        "    tasks_per_month: 100\n"
        "    cost_per_error: 10\n"
        "    options:\n"
        "      - {name: 2.500, cost_per_task: 2.500, accuracy: 0.95}\n"
        "      - {name: b, cost_per_task: 1, accuracy: 0.9}\n"
        "      - {name: c, cost_per_task: 1, accuracy: 0.9}\n",
        encoding="utf-8",
    )
    (scenario,) = read(path)
    assert scenario.name == "1.50"
    assert scenario.option_names[0] == "2.500"
    assert scenario.values["a_cost_per_task"] == 2.5  # 0.95 settles the decimal point


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0.075", {".": 0.075}),
        ("1.5", {".": 1.5}),
        ("2.500", {".": 2.5, ",": 2500.0}),
        ("20,000", {".": 20000.0, ",": 20.0}),
        ("1.234,5", {",": 1234.5}),
        ("1,234.5", {".": 1234.5}),
        ("1.234.567", {",": 1234567.0}),
        ("0,95", {",": 0.95}),
        ("95%", {".": 0.95, ",": 0.95}),
        ("12", {".": 12.0, ",": 12.0}),
        ("-.5", {".": -0.5}),
        ("1e3", {".": 1000.0, ",": 1000.0}),
        ("1,2,3", {}),
    ],
)
def test_each_numbers_readings_by_hand(text, expected):
    assert readings(text) == expected


def test_the_mark_is_the_first_unambiguous_evidence_and_a_parser_for_other_readers():
    mark = DecimalMark()
    for text, where in [("12", "a"), ("2.500", "b"), ("0,95", "c")]:
        mark.see(text, where)
    assert mark.mark == ","
    assert mark.read("2.500") == 2500.0
    assert parse_number("2.500", ",") == 2500.0


def test_other_csv_tables_get_the_files_mark_from_the_same_reader(tmp_path):
    from xlfuncs._files.csv_table import csv_records

    path = write(tmp_path / "block.csv", ["name;low;high", "accuracy;0,9;0,99", "cost;1.500;2.500"])
    with csv_records(path, str(path)) as (records, mark):
        rows = [[parse_number(c, mark) for c in cells[1:]] for _, cells in records]
    assert mark == "," and rows[1:] == [[0.9, 0.99], [1500.0, 2500.0]]
    path = write(tmp_path / "mixed.csv", ["name,low,high", "accuracy,0.9,'0,99'", 'x,"0,5",1'])
    with (
        pytest.raises(ScenarioFileError, match=r"decimal point .* and with a decimal comma"),
        csv_records(path, str(path)),
    ):
        pass
