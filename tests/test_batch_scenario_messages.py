"""Every problem in a YAML or JSON scenario file names the file, the place, the key, the value
and what is allowed.

One bad file per case, each a good file with a line or two changed; every
problem it must give is listed with its line, its key and the parts its
message must hold (the value as written, the allowed range or choices, the
keys it needs). Whole sentences are left free to change.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from batch_standin import STANDIN
from scenario_problems import edited, every_problem, own_text

from xlfuncs._files.text import Formula
from xlfuncs.batch.read.checker import Scenario, ScenarioFileError, ScenarioProblem
from xlfuncs.batch.read.sources import read_scenarios
from xlfuncs.batch.template import Layout, resolve_template

STANDIN_BASE = """\
scenarios:
  - name: Desk
    tasks_per_month: 100
    cost_per_error: 10
    options:
      - name: a
        cost_per_task: 0.5
        accuracy: 0.9
      - {name: b, cost_per_task: 0.5, accuracy: 0.9}
      - {name: c, cost_per_task: 0.5, accuracy: 0.9}
"""

TCO_BASE = """\
scenarios:
  - name: Desk
    tasks_per_month: 1000
    months: 12
    options:
      - name: a
        input_tokens: 1000
        output_tokens: 500
        accuracy: 0.9
        cost_per_error: 10
        input_price: 1
        output_price: 2
      - {name: b, input_tokens: 1000, output_tokens: 500, accuracy: 0.9, cost_per_error: 10,
         input_price: 1, output_price: 2}
"""

MARGIN_BASE = """\
scenarios:
  - name: Desk
    years: 5
    options:
      - name: e
        price: 0.01
        cost: 0.004
        annual_price_change: -0.3
        annual_cost_change: -0.2
      - {name: c, price: 0.03, cost: 0.012, annual_price_change: -0.1, annual_cost_change: -0.2}
"""

LAYOUTS = {
    "standin": Layout.of(STANDIN),
    "tco_comparison": Layout.of(resolve_template("tco_comparison")),
    "margin_trap": Layout.of(resolve_template("margin_trap")),
}
BASES = {"standin": STANDIN_BASE, "tco_comparison": TCO_BASE, "margin_trap": MARGIN_BASE}
NO_MODEL = "(pricing is API and no model is given)"

# (case, template, edits of its base, scenario label, [(where, key, parts of the message)])
CASES = [
    (
        "misspelt shared input",
        "standin",
        {3: "    tasks_per_mnth: 100"},
        "Desk",
        [
            ("line 3", "tasks_per_mnth", ["unknown key", "(did you mean tasks_per_month?)"]),
            ("line 2", None, ["needs tasks_per_month,", "has no neutral default"]),
        ],
    ),
    (
        "two shared inputs left out",
        "standin",
        {3: "    months: 12", 4: "    monthly_growth: 0"},
        "Desk",
        [("line 2", None, ["needs tasks_per_month and cost_per_error,", "have no neutral"])],
    ),
    (
        "misspelt name key",
        "standin",
        {2: "  - nme: Desk"},
        "scenario 1",
        [
            ("line 2", "name", ["every scenario needs a name, got a blank"]),
            ("line 2", "nme", ["unknown key", "(did you mean name?)"]),
        ],
    ),
    (
        "a blank name below the scenario's first key",
        "standin",
        {2: "  - tasks_per_month: 100", 3: "    name: ''"},
        "scenario 1",
        [("line 3", "name", ["every scenario needs a name, got a blank"])],
    ),
    (
        "misspelt options key",
        "standin",
        {5: "    optons:"},
        "Desk",
        [
            ("line 5", "optons", ["unknown key", "(did you mean options?)"]),
            ("line 2", "options", ["needs a list of options$"]),
            ("line 2", "options", ["standin needs 3 options", "this one has 0"]),
        ],
    ),
    (
        "options a mapping",
        "standin",
        {5: "    options: {name: a}", 6: None, 7: None, 8: None, 9: None, 10: None},
        "Desk",
        [
            ("line 5", "options", ["needs a list of options, got a mapping"]),
            ("line 5", "options", ["standin needs 3 options", "this one has 0"]),
        ],
    ),
    (
        "an option too few",
        "standin",
        {10: None},
        "Desk",
        [("line 5", "options", ["standin needs 3 options", "this one has 2"])],
    ),
    (
        "an option that is not a mapping, and a bad value after it",
        "standin",
        {9: "      - just text", 10: "      - {name: c, cost_per_task: 0.5, accuracy: 2}"},
        "Desk",
        [
            (
                "line 2, option 2",
                None,
                ["an option must be a mapping of its inputs, got 'just text'"],
            ),
            ("line 10", "accuracy", ["accuracy must be between 0 and 1", "got 2"]),
        ],
    ),
    (
        "an option without a name",
        "standin",
        {9: "      - {cost_per_task: 0.5, accuracy: 0.9}"},
        "Desk",
        [("line 9", "name", ["every option needs a name, got a blank"])],
    ),
    (
        "an option's name a list, on its second line",
        "standin",
        {6: "      - cost_per_task: 0.5", 7: "        name: [x, y]"},
        "Desk",
        [("line 7", "name", ["name must be text", "got a list"])],
    ),
    (
        "a scenario's name a list, on its second line",
        "standin",
        {2: "  - tasks_per_month: 100", 3: "    name: [x, y]"},
        "scenario 1",
        [("line 3", "name", ["name must be text", "got a list"])],
    ),
    (
        "misspelt option input, then a bad value",
        "standin",
        {7: "        nme: a", 8: "        accuracy: 2"},
        "Desk",
        [
            ("line 7", "nme", ["unknown key", "(did you mean name?)"]),
            ("line 8", "accuracy", ["accuracy must be between 0 and 1", "got 2"]),
            ("line 6", None, ["option 'a' needs cost_per_task,", "has no neutral default"]),
        ],
    ),
    (
        "a shared input inside an option",
        "standin",
        {7: "        months: 12"},
        "Desk",
        [
            ("line 7", "months", ["unknown key", "put it beside the scenario's name"]),
            ("line 6", None, ["option 'a' needs cost_per_task,"]),
        ],
    ),
    (
        "a model in a template without prices",
        "standin",
        {7: "        model: o3"},
        "Desk",
        [
            ("line 7", "model", ["unknown key"]),
            ("line 6", None, ["option 'a' needs cost_per_task,"]),
        ],
    ),
    (
        "shared input out of range",
        "standin",
        {3: "    tasks_per_month: -5"},
        "Desk",
        [("line 3", "tasks_per_month", ["tasks_per_month must be 0 or more", "got -5"])],
    ),
    (
        "option input beside the scenario's name out of range",
        "standin",
        {4: "    accuracy: 95"},
        "Desk",
        [
            ("line 4", "accuracy", ["between 0 and 1", "got 95", "enter 95% or 0.95"]),
            ("line 2", None, ["needs cost_per_error,"]),
        ],
    ),
    (
        "provider without a model",
        "tco_comparison",
        {11: "        provider: openai"},
        "Desk",
        [
            ("line 11", "provider", ["provider goes with model", "not given"]),
            ("line 6", None, [f"option 'a' needs input_price {NO_MODEL}"]),
        ],
    ),
    (
        "as_of without a model",
        "tco_comparison",
        {11: "        as_of: 2025-06-09"},
        "Desk",
        [
            ("line 11", "as_of", ["as_of goes with model", "not given"]),
            ("line 6", None, [f"option 'a' needs input_price {NO_MODEL}"]),
        ],
    ),
    (
        "a model and a typed price",
        "tco_comparison",
        {12: "        model: o3"},
        "Desk",
        [("line 12", "model", ["model or its prices, not both", "input_price is given too"])],
    ),
    (
        "an unknown model",
        "tco_comparison",
        {11: "        model: gtp-4o", 12: "        monthly_fixed: 0"},
        "Desk",
        [("line 11", "model", ["unknown model 'gtp-4o'", "gpt-4o"])],
    ),
    (
        "a model under a provider that does not list it",
        "tco_comparison",
        {11: "        model: o3", 12: "        provider: anthropic"},
        "Desk",
        [("line 11", "model", ["'anthropic'", "'o3'"])],
    ),
    (
        "a model that is a list",
        "tco_comparison",
        {11: "        model: [o3, gpt-4o]", 12: "        monthly_fixed: 0"},
        "Desk",
        [("line 11", "model", ["model must be text", "got a list"])],
    ),
    (
        "as_of a number that is not a date",
        "tco_comparison",
        {11: "        model: o3", 12: "        as_of: .inf"},
        "Desk",
        [("line 12", "as_of", ["as_of must be a number (date)", "got '.inf'"])],
    ),
    (
        "no options",
        "tco_comparison",
        {5: "    options: []", **dict.fromkeys(range(6, 15))},
        "Desk",
        [("line 5", "options", ["tco_comparison needs 1 to 4 options", "this one has 0"])],
    ),
    (
        "a reference that is not an option",
        "tco_comparison",
        {4: "    reference_option: z"},
        "Desk",
        [("line 4", "reference_option", ["by name or by letter (A, B)", "got 'z'"])],
    ),
    (
        "a reference that is a list",
        "tco_comparison",
        {4: "    reference_option: [a]"},
        "Desk",
        [("line 4", "reference_option", ["reference_option must be text", "got a list"])],
    ),
    (
        "an option with six inputs left out",
        "tco_comparison",
        {
            7: "        catch_rate: 0",
            8: "        reasoning_tokens: 0",
            9: "        calls: 1",
            10: "        cached_share: 0",
            11: "        utilization: 1",
            12: "        monthly_fixed: 0",
        },
        "Desk",
        [
            (
                "line 6",
                None,
                [
                    "option 'a' needs input_tokens, output_tokens, accuracy and cost_per_error "
                    f"and input_price and output_price {NO_MODEL},",
                    "have no neutral default",
                ],
            )
        ],
    ),
    (
        "an option with every input left out",
        "margin_trap",
        {6: None, 7: None, 8: None, 9: None},
        "Desk",
        [
            (
                "line 5",
                None,
                # annual_cost_change too: its one default for every option is illustrative
                [
                    "option 'e' needs price, cost, annual_price_change and annual_cost_change,",
                    "have no neutral",
                ],
            )
        ],
    ),
]


def test_the_base_files_are_good(tmp_path):
    for template, base in BASES.items():
        path = tmp_path / f"{template}.yaml"
        path.write_text(base, encoding="utf-8")
        (item,) = read_scenarios(path, LAYOUTS[template])
        assert isinstance(item, Scenario), str(item)


@pytest.mark.parametrize(
    "template, edits, label, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_problem_names_file_place_key_value_and_what_is_allowed(
    tmp_path, template, edits, label, expected
):
    path = tmp_path / "cases.yaml"
    path.write_text(edited(BASES[template], edits), encoding="utf-8")
    (item,) = read_scenarios(path, LAYOUTS[template])
    problems = every_problem(item)
    assert [(p.where, p.key) for p in problems] == [(w, k) for w, k, _ in expected], str(item)
    assert item.scenario == label
    for problem, (where, key, parts) in zip(problems, expected, strict=True):
        text = own_text(problem)
        assert problem.file == str(path)
        named = f"{path}, {where}" + (f", key {key!r}: " if key is not None else ": ")
        assert text.startswith(named), text
        for part in parts:
            if part.endswith("$"):  # nothing shown after it: the file holds no such value
                assert text.endswith(part[:-1]), text
            else:
                assert part in text, text
        assert "None" not in text, text  # no value the file does not hold


# Problems of files read as a whole: the file and what it holds, by name ------------


def scenarios_json(scenarios):
    return json.dumps({"scenarios": scenarios})


def json_scenario(name, cost_per_error, last_cost):
    options = [{"name": n, "cost_per_task": 0.5, "accuracy": 0.9} for n in "ab"]
    options.append({"name": "c", "cost_per_task": last_cost, "accuracy": 0.9})
    return {
        "name": name,
        "tasks_per_month": 100,
        "cost_per_error": cost_per_error,
        "options": options,
    }


MIXED_YAML = edited(STANDIN_BASE, {4: "    cost_per_error: 2,5", 7: "        cost_per_task: 1.5"})

FILE_CASES = [
    (
        "misspelt scenarios key",
        "yaml",
        "scenarious:\n  - name: Desk\n",
        ["unknown key 'scenarious' at the top", "(did you mean scenarios?)"],
    ),
    ("scenarios a text", "yaml", "scenarios: just text\n", ["expected a list of scenarios"]),
    ("scenarios a number", "yaml", "scenarios: 5\n", ["expected a list of scenarios"]),
    (
        "scenarios empty",
        "yaml",
        "scenarios: []\n",
        ["no scenarios", "list named scenarios is empty"],
    ),
    (
        "both decimal marks, by line",
        "yaml",
        MIXED_YAML,
        ["decimal point (line 7: '1.5')", "decimal comma (line 4: '2,5')"],
    ),
    (
        "both decimal marks, by scenario and option",
        "json",
        scenarios_json([json_scenario("a", "2,5", 0.5), json_scenario("b", 10, "1.5")]),
        ["decimal point (scenario 2, option 3: '1.5')", "decimal comma (scenario 1: '2,5')"],
    ),
    (
        "one scenario over the limit",
        "json",
        scenarios_json([{}] * 50_001),
        ["the number of scenarios in a file is limited to 50,000", "(it has 50,001)"],
    ),
]


@pytest.mark.parametrize(
    "suffix, text, parts", [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES]
)
def test_a_file_that_cannot_be_read_is_refused_naming_it_and_why(tmp_path, suffix, text, parts):
    path = tmp_path / f"cases.{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioFileError) as caught:
        list(read_scenarios(path, LAYOUTS["standin"]))
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    for part in parts:
        assert part in message, message


def test_scenarios_in_memory_with_both_decimal_marks_are_refused_as_the_scenarios():
    document = [json_scenario("a", "2,5", "1.5")]
    for source in (document, iter(document)):
        with pytest.raises(ScenarioFileError) as caught:
            list(read_scenarios(source, LAYOUTS["standin"]))
        message = str(caught.value)
        assert message.startswith("the scenarios: "), message
        assert "(scenario 1, option 3: '1.5')" in message
        assert "(scenario 1: '2,5')" in message


def test_a_scenario_that_is_not_a_mapping_is_reported_by_its_number(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text(STANDIN_BASE + "  - just text\n", encoding="utf-8")
    good, bad = read_scenarios(path, LAYOUTS["standin"])
    assert isinstance(good, Scenario)
    assert isinstance(bad, ScenarioProblem) and bad.more == ()
    assert (bad.where, bad.key, bad.scenario) == ("scenario 2", None, "scenario 2")
    assert str(bad) == (
        f"{path}, scenario 2: a scenario must be a mapping of inputs with a list of options, "
        "got 'just text'"
    )


def test_a_long_unknown_key_is_shown_shortened_without_a_guess(tmp_path):
    key = "x" * 200
    path = tmp_path / "cases.yaml"
    path.write_text(edited(STANDIN_BASE, {8: f"        accuracy: 0.9\n        {key}: 1"}))
    (item,) = read_scenarios(path, LAYOUTS["standin"])
    (problem,) = every_problem(item)
    assert problem.key == key
    assert str(problem) == (f"{path}, line 9, key '{'x' * 60}... (200 characters)': unknown key")


# How a value is shown in a message --------------------------------------------------

SHOWN = [
    ("", "a blank"),
    ("   ", "a blank"),
    ("ten", "'ten'"),
    ("y" * 60, repr("y" * 60)),
    ("y" * 61, repr("y" * 60 + "... (61 characters)")),
    (True, "TRUE"),
    (False, "FALSE"),
    (2.5, "2.5"),
    (-5, "-5"),
    (2**999, "a very long number"),  # 1,000 binary digits, some 300 decimal ones
    (2**998, "2.67877151796567e+300"),
    ({"a": 1}, "a mapping"),
    ([1, 2], "a list"),
    ((1, 2), "a list"),
    (None, "None"),
    (date(2025, 6, 9), "datetime.date(2025, 6, 9)"),  # anything else: as Python writes it
    (Formula("Scenarios", "E2", "=SUM(A1:A3)"), "=SUM(A1:A3)"),
]


@pytest.mark.parametrize("value, shown", SHOWN)
def test_a_problem_shows_its_value_as_a_spreadsheet_user_reads_it(value, shown):
    problem = ScenarioProblem("cases.yaml", "line 3", "accuracy", value, "accuracy is wrong")
    assert str(problem) == f"cases.yaml, line 3, key 'accuracy': accuracy is wrong, got {shown}"


def test_a_problem_in_a_table_names_the_column():
    problem = ScenarioProblem("cases.csv", "row 3", "accuracy", 2.0, "accuracy is wrong")
    assert str(problem) == "cases.csv, row 3, column 'accuracy': accuracy is wrong, got 2"


def test_a_problem_of_a_key_of_exactly_sixty_characters_shows_it_whole():
    key = "k" * 60
    problem = ScenarioProblem("cases.yaml", "line 3", key, "v", "unknown key")
    assert f"key '{key}': unknown key" in str(problem)


def test_an_in_memory_value_of_another_type_is_named_by_its_type():
    options = [{"name": n, "cost_per_task": 0.5, "accuracy": 0.9} for n in "abc"]
    scenario = {"name": date(2025, 6, 9), "tasks_per_month": 100, "cost_per_error": 10}
    (item,) = read_scenarios([{**scenario, "options": options}], LAYOUTS["standin"])
    (problem,) = every_problem(item)
    assert (problem.where, problem.key) == ("scenario 1", "name")
    assert "name must be text, got date;" in str(problem)


def test_a_list_where_a_scenario_belongs_is_a_problem_shown_as_a_list():
    (item,) = read_scenarios([["a", "b"]], LAYOUTS["standin"])
    assert (item.where, item.key, item.scenario) == ("scenario 1", None, "scenario 1")
    assert str(item).endswith(
        "a scenario must be a mapping of inputs with a list of options, got a list"
    )
