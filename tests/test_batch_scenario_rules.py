"""Which scenarios are read, refused or filled in, and with what values: the reader's rules.

Decimal marks of nested files, numbers and names from Python objects,
templates without options or with one, model prices, and the edges of each
limit. Every expected value is the one written in the test's scenario, or a
hand calculation from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import numpy as np
import pytest
from batch_standin import STANDIN
from openpyxl import Workbook
from scenario_problems import every_problem, own_text

from xlfuncs._validation import RULES
from xlfuncs.batch.read.checker import (
    UNUSED_OPTION,
    Scenario,
    ScenarioFileError,
    ScenarioProblem,
    ValueChecker,
    suggest,
)
from xlfuncs.batch.read.sources import read_scenarios
from xlfuncs.batch.template import Layout, resolve_template

LAYOUT = Layout.of(STANDIN)
TCO = Layout.of(resolve_template("tco_comparison"))


def options(*names, **inputs):
    return [{"name": n, "cost_per_task": 0.5, "accuracy": 0.9, **inputs} for n in names]


def desk(**inputs):
    """A good scenario of the stand-in template, with ``inputs`` added or replaced."""
    return {
        "name": "Desk",
        "tasks_per_month": 100,
        "cost_per_error": 10,
        "options": options("a", "b", "c"),
        **inputs,
    }


def one(source, layout=LAYOUT, **keywords) -> Scenario:
    (item,) = read_scenarios(source, layout, **keywords)
    assert isinstance(item, Scenario), str(item)
    return item


def write(tmp_path, text, name="cases.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# Decimal marks in nested files ------------------------------------------------------


def test_json_numbers_keep_their_decimal_point_in_a_file_of_decimal_commas(tmp_path):
    # "2,5" settles the file's strings on a decimal comma; 1.234 is a JSON number.
    scenario = desk(cost_per_error="2,5", options=options("a", "b", "c", cost_per_task=1.234))
    path = write(tmp_path, json.dumps({"scenarios": [scenario]}), "cases.json")
    values = one(path).values
    assert values["cost_per_error"] == 2.5
    assert values["a_cost_per_task"] == values["c_cost_per_task"] == 1.234


def test_a_scenario_level_number_settles_the_decimal_mark_of_its_options(tmp_path):
    path = write(
        tmp_path,
        "scenarios:\n"
        "  - name: Desk\n"
        "    tasks_per_month: 100\n"
        "    cost_per_error: 2,5\n"
        "    options:\n"
        "      - {name: a, cost_per_task: 1.234, accuracy: 90%}\n"
        "      - {name: b, cost_per_task: 1, accuracy: 90%}\n"
        "      - {name: c, cost_per_task: 1, accuracy: 90%}\n",
    )
    values = one(path).values
    assert values["cost_per_error"] == 2.5
    assert values["a_cost_per_task"] == 1234.0  # a point separates thousands in this file


@pytest.mark.parametrize("decimal, expected", [(",", 1234.0), (".", 1.234)])
def test_a_stated_decimal_mark_reads_a_yaml_file(tmp_path, decimal, expected):
    path = write(
        tmp_path,
        "scenarios:\n"
        "  - name: Desk\n"
        "    tasks_per_month: 100\n"
        "    cost_per_error: 10\n"
        "    options:\n"
        "      - {name: a, cost_per_task: 1.234, accuracy: 90%}\n"
        "      - {name: b, cost_per_task: 1, accuracy: 90%}\n"
        "      - {name: c, cost_per_task: 1, accuracy: 90%}\n",
    )
    assert one(path, decimal=decimal).values["a_cost_per_task"] == expected


def test_scenarios_from_a_generator_settle_the_decimal_mark_as_they_come():
    scenarios = (
        desk(name=n, cost_per_error="2,5", options=options("a", "b", "c", cost_per_task="1.234"))
        for n in ("Desk", "Claims")
    )
    items = list(read_scenarios(scenarios, LAYOUT))
    assert [type(i) for i in items] == [Scenario, Scenario], [str(i) for i in items]
    for item in items:
        assert (item.values["cost_per_error"], item.values["b_cost_per_task"]) == (2.5, 1234.0)


# Numbers and names from Python objects ----------------------------------------------


def test_numpy_floating_point_numbers_are_read_as_numbers():
    scenario = desk(tasks_per_month=np.float64(250.5), cost_per_error=np.float64(7))
    values = one([scenario]).values
    assert (values["tasks_per_month"], values["cost_per_error"]) == (250.5, 7.0)


def test_numpy_whole_numbers_are_read_as_numbers_and_names():
    # As a pandas column of whole numbers gives them.
    scenario = desk(name=np.int64(2024), tasks_per_month=np.int64(250), cost_per_error=np.int32(7))
    item = one([scenario])
    assert item.name == "2024"
    assert (item.values["tasks_per_month"], item.values["cost_per_error"]) == (250.0, 7.0)


def test_a_whole_number_of_forty_one_digits_is_refused_as_its_text_is():
    # 10**40 has 41 digits: the same limit as for a number written as text.
    for given in (10**40, "1" + "0" * 40):
        (item,) = read_scenarios([desk(tasks_per_month=given)], LAYOUT)
        (problem,) = every_problem(item)
        assert problem.key == "tasks_per_month" and "40" in own_text(problem)


def test_a_whole_number_of_fifteen_digits_is_read_and_larger_ones_refused():
    # A spreadsheet keeps 15 significant digits: 10**15 is the largest size an input takes.
    values = one([desk(tasks_per_month=10**15)]).values
    assert values["tasks_per_month"] == 1e15
    for given in (10**15 + 1, 10**16, 10**39, "1e16"):
        (item,) = read_scenarios([desk(tasks_per_month=given)], LAYOUT)
        (problem,) = every_problem(item)
        assert "tasks_per_month is too large" in own_text(problem)


@pytest.mark.parametrize("digits", [42, 46, 60])
def test_a_whole_number_of_more_than_forty_digits_is_a_problem_naming_its_key(digits):
    (item,) = read_scenarios([desk(tasks_per_month=10 ** (digits - 1))], LAYOUT)
    (problem,) = every_problem(item)
    assert (problem.where, problem.key) == ("scenario 1", "tasks_per_month")
    assert own_text(problem) == (
        "scenario 1, key 'tasks_per_month': tasks_per_month is a number of more than 40 digits"
    )


def test_a_whole_number_as_a_name_is_its_digits_up_to_a_thousand_or_so():
    # 2**3329 has 3,330 binary digits (1,003 decimal ones): the last length a name may have.
    name = 2**3329
    assert one([desk(name=name)]).name == str(name)
    (item,) = read_scenarios([desk(name=2 * name)], LAYOUT)
    (problem,) = every_problem(item)
    assert (problem.where, problem.key, item.scenario) == ("scenario 1", "name", "scenario 1")
    assert own_text(problem) == "scenario 1, key 'name': name is a number too long to be a name"


@pytest.mark.parametrize(
    "name, problem",
    [("bell\x07", "holds the control character \\x07"), (["x"], "must be text, got a list")],
)
def test_a_bad_name_leaves_the_scenario_known_by_its_number(name, problem):
    good, item = read_scenarios([desk(), desk(name=name)], LAYOUT)
    assert isinstance(good, Scenario) and isinstance(item, ScenarioProblem)
    assert item.scenario == "scenario 2"
    assert problem in str(item)
    assert "None" not in str(item)  # no value the scenario does not hold


@pytest.mark.parametrize(
    "accuracy, shown, hint",
    [("150%", "1.5", ""), (95, "95", "enter 95% or 0.95"), ("95 ", "95", "enter 95% or 0.95")],
)
def test_a_fraction_typed_with_its_percent_sign_gets_no_hint_to_type_one(accuracy, shown, hint):
    scenario = desk(options=[*options("a", "b"), *options("c", accuracy=accuracy)])
    (item,) = read_scenarios([scenario], LAYOUT)
    (problem,) = every_problem(item)
    assert (problem.where, problem.key, problem.hint) == ("scenario 1, option 3", "accuracy", hint)
    assert own_text(problem).startswith(
        f"scenario 1, option 3, key 'accuracy': accuracy must be between 0 and 1, got {shown}"
    )


# The checker on its own --------------------------------------------------------------


@pytest.mark.parametrize(
    "decimal, text, expected",
    [(None, "0.5", 0.5), (".", "1.234", 1.234), (",", "1.234", 1234.0), (",", "2,5", 2.5)],
)
def test_a_checker_reads_text_with_the_decimal_mark_it_is_given(decimal, text, expected):
    checker = ValueChecker("standin", "cases.csv", decimal)
    assert checker.number(text, "row 2", "cost_per_task", "money") == expected
    assert checker.problems == []


def test_a_checker_reads_with_a_decimal_point_by_default():
    checker = ValueChecker("standin", "cases.csv")
    assert checker.number("1.234", "row 2", "cost_per_task", "money") == 1.234
    assert checker.problems == []


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_takes_the_declared_default_without_a_problem(blank):
    checker = ValueChecker("standin", "cases.csv")
    accuracy = LAYOUT.options["A"]["accuracy"]
    assert checker.check(accuracy, blank, "row 2", "accuracy") == accuracy.default
    assert checker.problems == []


@pytest.mark.parametrize(
    "word, known, expected",
    [
        ("a" * 99 + "b", ["a" * 100], f" (did you mean {'a' * 100}?)"),  # 100 characters
        ("a" * 100 + "b", ["a" * 101], ""),  # 101: too long to compare
        ("acuracy", ["accuracy", "cost"], " (did you mean accuracy?)"),
        ("zzz", ["accuracy"], ""),
    ],
)
def test_an_unknown_name_of_up_to_a_hundred_characters_gets_a_guess(word, known, expected):
    assert suggest(word, known) == expected


# Templates without options, with one option, with declarations of their own ---------


def test_a_template_without_options_takes_shared_inputs_and_only_its_neutral_defaults(tmp_path):
    # The template's figures are illustrative: they must be given. Its zero fixed costs
    # and the rows and columns of its sensitivity table are kept as declared.
    template = resolve_template("breakeven_accuracy")
    figures = {
        "efficient_accuracy": 0.97,
        "efficient_cost_per_task": 0.001,
        "frontier_accuracy": 0.99,
        "frontier_cost_per_task": 0.04,
        "cost_per_error": 20,
        "tasks_per_month": 5000,
    }
    text = "".join(f"    {k}: {v}\n" for k, v in figures.items())
    path = write(tmp_path, "scenarios:\n  - name: Quick\n" + text)
    scenario = one(path, Layout.of(template))
    declared = {spec.name: spec.default for spec in template.inputs}
    expected = {**declared, "scenario": "Quick", **figures}
    assert dict(scenario.values) == expected
    assert scenario.option_names == ()
    path = write(tmp_path, "scenarios:\n  - name: Quick\n    efficient_accuracy: 0.97\n")
    (item,) = read_scenarios(path, Layout.of(template))
    assert str(item).endswith(
        "the scenario needs efficient_cost_per_task, frontier_cost_per_task, frontier_accuracy, "
        "cost_per_error and tasks_per_month, which have no neutral default"
    )


@dataclass(frozen=True)
class Declared:
    """An input declared with only what the batch reads (no ``choices``)."""

    name: str
    unit: str
    default: float | str
    rule: object = None
    option: str | None = None
    key: str = ""
    description: str = ""


class DeclaredTemplate:
    scenario_input = "scenario"

    def __init__(self, name, inputs):
        self.name, self.inputs = name, inputs

    def build(self, values, path):
        raise NotImplementedError


def option_rows(letters, *rows):
    return [
        Declared(f"{x.lower()}_{key}", unit, default, RULES.get(key), x, key)
        for x in letters
        for key, unit, default in rows
    ]


ONE_OPTION = DeclaredTemplate(
    "one_option",
    (
        Declared("scenario", "text", "Case"),
        Declared("region", "text", "EU"),
        Declared("tasks_per_month", "tasks", 100.0, RULES["tasks_per_month"]),
        Declared("cost_per_error", "money", 1.0, RULES["cost_per_error"]),
        *option_rows("A", ("name", "text", "Only"), ("accuracy", "fraction", 0.9)),
    ),
)


def test_a_template_of_one_option_and_plain_declarations_is_read(tmp_path):
    path = write(
        tmp_path,
        "scenarios:\n"
        "  - name: Desk\n"
        "    region: US\n"
        "    tasks_per_month: 5\n"
        "    cost_per_error: '2,5'\n"
        "    options:\n"
        "      - {name: solo, accuracy: 95%}\n",
    )
    scenario = one(path, Layout.of(ONE_OPTION))
    assert dict(scenario.values) == {
        "scenario": "Desk",
        "region": "US",
        "tasks_per_month": 5.0,
        "cost_per_error": 2.5,
        "a_name": "solo",
        "a_accuracy": 0.95,
    }


PRICED = DeclaredTemplate(
    "priced",
    (
        Declared("scenario", "text", "Case"),
        *option_rows(
            "AB",
            ("name", "text", "Option"),
            ("input_price", "money", 1.0),
            ("output_price", "money", 1.0),
            ("cached_price", "money", 1.0),
        ),
    ),
)


NO_CACHE_PRICE = DeclaredTemplate(
    "no_cache_price",
    (
        Declared("scenario", "text", "Case"),
        *option_rows(
            "AB",
            ("name", "text", "Option"),
            ("input_price", "money", 1.0),
            ("output_price", "money", 1.0),
        ),
    ),
)


@pytest.mark.parametrize("template", [PRICED, NO_CACHE_PRICE], ids=lambda t: t.name)
def test_a_template_with_prices_and_no_source_row_takes_a_models_prices(template):
    scenario = {
        "name": "Desk",
        "options": [
            {"name": "listed", "model": "o3", "provider": "openai", "as_of": "2025-06-09"},
            {"name": "typed", "input_price": 1, "output_price": 2},
        ],
    }
    values = one([scenario], Layout.of(template)).values
    # o3's list prices per 1M tokens on 9 June 2025 (OpenAI): input 10, output 40.
    assert (values["a_input_price"], values["a_output_price"]) == (10.0, 40.0)
    assert (values["b_input_price"], values["b_output_price"]) == (1.0, 2.0)
    if template is PRICED:  # a cache-read price left out is the input price
        assert values["b_cached_price"] == 1.0
    else:  # no row for it: none is made up
        assert "a_cached_price" not in values and "b_cached_price" not in values
    assert "a_source" not in values


# The cost comparison: its reference, its options' prices, options left out -------------

TCO_OPTION = "{name: %s, input_tokens: 1000, output_tokens: 500, accuracy: 0.9, cost_per_error: 10"


def tco_file(tmp_path, scenario_lines, *option_lines):
    text = "scenarios:\n  - name: Desk\n" + "".join(f"    {line}\n" for line in scenario_lines)
    text += "    options:\n" + "".join(f"      - {line}\n" for line in option_lines)
    return write(tmp_path, text)


def priced(name, more=", input_price: 1, output_price: 2"):
    return TCO_OPTION % name + more + "}"


def test_the_reference_may_come_before_the_other_shared_inputs(tmp_path):
    path = tmp_path / "cases.yaml"
    path = tco_file(
        tmp_path,
        ["reference_option: first", "tasks_per_month: 1000", "months: 24"],
        priced("first"),
        priced("second"),
    )
    values = one(path, TCO).values
    assert (values["reference_option"], values["tasks_per_month"], values["months"]) == (
        "A",
        1000.0,
        24.0,
    )


def test_options_not_given_are_left_out_of_the_comparison(tmp_path):
    path = tco_file(tmp_path, ["tasks_per_month: 1000"], priced("first"), priced("second"))
    values = one(path, TCO).values
    assert [values[f"{x}_include"] for x in "abcd"] == ["Yes", "Yes", "No", "No"]
    assert [values[f"{x}_name"] for x in "abcd"] == [
        "first",
        "second",
        UNUSED_OPTION,
        UNUSED_OPTION,
    ]
    assert values["reference_option"] == "B"  # the last option given


def test_scenario_level_prices_are_for_the_options_without_a_model(tmp_path):
    path = tco_file(
        tmp_path,
        ["tasks_per_month: 1000", "input_price: 3", "output_price: 4"],
        priced("listed", ", model: o3, provider: openai, as_of: 2025-06-09"),
        priced("typed", ""),
    )
    values = one(path, TCO).values
    assert (values["a_input_price"], values["a_output_price"]) == (10.0, 40.0)
    assert (values["b_input_price"], values["b_output_price"]) == (3.0, 4.0)


def test_a_source_the_file_gives_stays_beside_a_models_prices(tmp_path):
    path = tco_file(
        tmp_path,
        ["tasks_per_month: 1000"],
        priced("listed", ", model: o3, provider: openai, as_of: 2025-06-09, source: our quote"),
        priced("typed"),
    )
    values = one(path, TCO).values
    assert (values["a_input_price"], values["a_source"]) == (10.0, "our quote")


@pytest.mark.parametrize(
    "day, prices", [(date(2025, 6, 9), (10.0, 40.0)), (date(2025, 6, 10), (2.0, 8.0))]
)
def test_as_of_may_be_a_spreadsheet_day_number(tmp_path, day, prices):
    serial = (day - date(1899, 12, 30)).days  # the day number of a spreadsheet date cell
    path = tco_file(
        tmp_path,
        ["tasks_per_month: 1000"],
        priced("listed", f", model: o3, provider: openai, as_of: {serial}"),
        priced("typed"),
    )
    values = one(path, TCO).values
    assert (values["a_input_price"], values["a_output_price"]) == prices


# What a file may hold besides its scenarios, and how many ------------------------------


def test_a_blank_shared_input_takes_its_default_and_the_next_keys_are_read(tmp_path):
    path = write(
        tmp_path,
        "scenarios:\n"
        "  - name: Desk\n"
        "    months:\n"
        "    tasks_per_month: 100\n"
        "    cost_per_error: 10\n"
        "    options:\n"
        "      - {name: a, cost_per_task: 0.5, accuracy: 0.9}\n"
        "      - {name: b, cost_per_task: 0.5, upfront: , accuracy: 0.9}\n"
        "      - {name: c, cost_per_task: 0.5, accuracy: 0.9}\n",
    )
    values = one(path).values
    assert (values["months"], values["tasks_per_month"], values["cost_per_error"]) == (
        12.0,  # the neutral default of the horizon
        100.0,
        10.0,
    )
    assert values["b_accuracy"] == 0.9


def test_a_file_may_name_its_template_and_carry_a_note(tmp_path):
    path = write(
        tmp_path,
        "template: standin\nnote: the support desk\nscenarios:\n"
        "  - {name: Desk, tasks_per_month: 100, cost_per_error: 10, options: "
        "[{name: a, cost_per_task: 0.5, accuracy: 0.9}, {name: b, cost_per_task: 0.5, "
        "accuracy: 0.9}, {name: c, cost_per_task: 0.5, accuracy: 0.9}]}\n",
    )
    assert one(path).name == "Desk"


def test_a_json_file_of_exactly_the_most_scenarios_is_read(tmp_path):
    path = write(tmp_path, json.dumps({"scenarios": [{}] * 50_000}), "cases.json")
    first = next(read_scenarios(path, LAYOUT))
    assert isinstance(first, ScenarioProblem)
    assert "every scenario needs a name" in str(first)


def test_a_scenario_says_where_it_starts(tmp_path):
    document = {"scenarios": [desk()]}
    assert one(write(tmp_path, json.dumps(document), "cases.json")).where == "scenario 1"
    assert one(document).where == "scenario 1"
    options = (
        "[" + ", ".join(f"{{name: {n}, cost_per_task: 1, accuracy: 0.9}}" for n in "abc") + "]"
    )
    yaml_text = (
        "scenarios:\n"
        "  - {name: Desk, tasks_per_month: 100, cost_per_error: 10, options: " + options + "}\n"
        "\n"
        "  - name: Claims\n"
        "    tasks_per_month: 100\n"
        "    cost_per_error: 10\n"
        "    options: " + options + "\n"
    )
    first, second = read_scenarios(write(tmp_path, yaml_text), LAYOUT)
    assert (first.where, second.where) == ("line 2", "line 4")


# Tables: names that are numbers, blanks or formulas -----------------------------------

HEAD = ["scenario", "option", "tasks_per_month", "cost_per_error", "cost_per_task", "accuracy"]


def workbook(path, rows, head=HEAD):
    book = Workbook()
    sheet = book.active
    sheet.title = "Scenarios"
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_number_as_a_scenario_name_in_a_workbook_is_read_as_written(tmp_path):
    rows = [[1.5, x, 100, 10, 0.5, 0.9] for x in "abc"]
    scenario = one(workbook(tmp_path / "cases.xlsx", rows))
    assert scenario.name == "1.5"


def test_a_number_as_a_heading_is_refused_naming_it(tmp_path):
    path = workbook(tmp_path / "cases.xlsx", [], [*HEAD, 2025.5])
    with pytest.raises(ScenarioFileError, match=r"column 7: a heading must be text, got '2025.5'"):
        list(read_scenarios(path, LAYOUT))


def test_a_row_without_a_scenario_name_above_every_name_is_a_problem_of_that_row(tmp_path):
    # Below a named row, a blank scenario cell continues that scenario (as merged cells do).
    rows = [[None, "d", 100, 10, 0.5, 0.9]] + [["Desk", x, 100, 10, 0.5, 0.9] for x in "abc"]
    path = workbook(tmp_path / "cases.xlsx", rows)
    bad, good = read_scenarios(path, LAYOUT)
    assert isinstance(good, Scenario)
    (problem,) = every_problem(bad)
    assert (problem.where, problem.key) == ("row 2", "scenario")
    assert "every row needs a scenario name" in str(problem)


def test_a_scenario_name_that_is_a_formula_never_calculated_is_a_problem_per_scenario(tmp_path):
    rows = [[f'="{n}"', x, 100, 10, 0.5, 0.9] for n in ("Desk", "Claims") for x in "abc"]
    path = workbook(tmp_path / "cases.xlsx", rows)
    items = list(read_scenarios(path, LAYOUT))
    assert [(i.scenario, i.where, i.key) for i in items] == [
        ("rows 2-4", "row 2", "scenario"),
        ("rows 5-7", "row 5", "scenario"),
    ]
    for item, cell, formula in zip(items, ("A2", "A5"), ('="Desk"', '="Claims"'), strict=True):
        assert item.more == ()
        assert str(item).startswith(
            f"{path}, row {cell[1:]}, column 'scenario': cell Scenarios!{cell} holds the formula "
            f"{formula} and the file stores no value for it"
        )
        assert "got" not in str(item)
