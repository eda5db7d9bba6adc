"""One checking rule per kind of input, the same in every face of xlfuncs.

The rates that compound (``monthly_growth``, ``annual_discount_rate``,
``annual_price_change``, ``annual_cost_change``) are allowed above -1 and up
to 1 (100 %), and a refused value that looks like a percentage typed
without its % sign gets the hint "(enter 8% or 0.08)": its size above 1 and
at most 100, with at most two decimals (the contract's table of allowed
values). Each bound is tried just inside and just outside in each face: the
Python functions, the Excel functions (Office.js path), the templates' data
validation and input checking, and scenario files. Expected numbers and
messages are worked out by hand from the contract.
"""

from __future__ import annotations

import math
import re
import zipfile

import openpyxl
import pytest
from excel_host import ExcelFunctionError
from template_support import recalculated

import xlfuncs
from xlfuncs._validation import RULES
from xlfuncs.batch.read.checker import Scenario, ScenarioProblem
from xlfuncs.batch.read.sources import read_scenarios
from xlfuncs.batch.template import Layout, resolve_template
from xlfuncs.templates import TEMPLATE_NAMES, template

RATES = ("monthly_growth", "annual_discount_rate", "annual_price_change", "annual_cost_change")
RATE_RULE = "must be greater than -1 and at most 1"

#: Just inside each bound, and the highest allowed value itself.
INSIDE = (-0.999999, 1.0, 0.999999, 0.0)
#: Just outside each bound, with the message's tail (hint only where the contract gives one).
OUTSIDE = [
    (-1.0, "got -1"),
    (-1.000001, "got -1.000001"),
    (1.000001, "got 1.000001"),
    (1.0000000001, "got 1.0000000001"),
    (1.01, "got 1.01 (enter 1.01% or 0.0101)"),
    (8, "got 8 (enter 8% or 0.08)"),
    (2.5, "got 2.5 (enter 2.5% or 0.025)"),
    (-30, "got -30 (enter -30% or -0.3)"),
    (100, "got 100 (enter 100% or 1)"),
    (100.01, "got 100.01"),
]


# The rule itself: when the hint is given --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "hint"),
    [
        # the contract's own examples
        ("annual_discount_rate", 8, "enter 8% or 0.08"),
        ("monthly_growth", 2.5, "enter 2.5% or 0.025"),
        ("annual_price_change", -30, "enter -30% or -0.3"),
        ("catch_rate", 1.0000000001, ""),
        # size above 1 and at most 100, two decimals at most
        ("accuracy", 95, "enter 95% or 0.95"),
        ("accuracy", 99.99, "enter 99.99% or 0.9999"),
        ("accuracy", 99.999, ""),
        ("accuracy", 100, "enter 100% or 1"),
        ("accuracy", 100.5, ""),
        ("monthly_growth", -1.5, "enter -1.5% or -0.015"),
        # a hint must lead to an allowed value: -0.3 is no accuracy, -1 no growth
        ("accuracy", -30, ""),
        ("monthly_growth", -100, ""),
        # NaN and infinity are never percentages
        ("accuracy", math.nan, ""),
        ("monthly_growth", math.inf, ""),
        # only shares, rates and accuracies: 50 as a count or a price is not a percentage
        ("tasks_per_month", -50, ""),
        ("months", 50.5, ""),
    ],
)
def test_hint_only_for_what_looks_like_a_percentage(name, value, hint):
    assert RULES[name].hint(value) == hint


@pytest.mark.parametrize("name", RATES)
def test_rates_are_allowed_above_minus_one_and_up_to_one(name):
    rule = RULES[name]
    assert rule.describe() == "greater than -1 and at most 1"
    for value in INSIDE:
        assert rule.refusal(value) is None, value
    for value, tail in OUTSIDE:
        required, hint = rule.refusal(value)
        assert required == RATE_RULE
        assert hint == (re.search(r"\((.*)\)", tail) or [None, ""])[1]


# Python functions ------------------------------------------------------------------------

#: A call of each public function per rate argument, with the rate left to fill in.
PYTHON_CALLS = {
    ("tco", "monthly_growth"): lambda g: xlfuncs.tco(1, 1, 1, 0, months=2, monthly_growth=g),
    ("tco", "annual_discount_rate"): lambda d: xlfuncs.tco(
        0, 0, 1, 0, monthly_fixed=1, months=12, annual_discount_rate=d
    ),
    ("margin_path", "annual_price_change"): lambda c: xlfuncs.margin_path(1, 0.4, c, 0, 1),
    ("margin_path", "annual_cost_change"): lambda c: xlfuncs.margin_path(1, 0.4, 0, c, 1),
    ("years_to_zero_margin", "annual_price_change"): lambda c: xlfuncs.years_to_zero_margin(
        1, 0.4, c, 0.5
    ),
    ("years_to_zero_margin", "annual_cost_change"): lambda c: xlfuncs.years_to_zero_margin(
        1, 0.4, -0.5, c
    ),
}


def test_python_functions_take_the_highest_rate_allowed():
    # Volume doubles in month 2: 1 + 2 tasks at 1 each.
    assert PYTHON_CALLS["tco", "monthly_growth"](1.0) == pytest.approx(3.0, rel=1e-15)
    # 1 a month for 12 months at 100 % a year: sum of 2 ** (-m / 12), m = 1..12,
    # a geometric series q * (1 - q ** 12) / (1 - q) with q = 2 ** (-1 / 12).
    q = 2 ** (-1 / 12)
    discounted = PYTHON_CALLS["tco", "annual_discount_rate"](1.0)
    assert discounted == pytest.approx(q * 0.5 / (1 - q), rel=1e-13)
    # Price doubles in year 1 (cost stays 0.4): (2 - 0.4) / 2 = 0.8.
    path = PYTHON_CALLS["margin_path", "annual_price_change"](1.0)
    assert path == pytest.approx([0.6, 0.8], rel=1e-15)
    # Cost doubles in year 1 (price stays 1): 1 - 0.8 = 0.2.
    path = PYTHON_CALLS["margin_path", "annual_cost_change"](1.0)
    assert path == pytest.approx([0.6, 0.2], rel=1e-15)
    # ln(0.4) / ln(0.5 / 2) = 0.66096404744...
    years = PYTHON_CALLS["years_to_zero_margin", "annual_cost_change"](1.0)
    assert years == pytest.approx(0.6609640474436812, rel=1e-13)
    # Prices halve while costs rise 50 %: ln(0.4) / ln(0.5 / 1.5) = 0.83404376...
    years = PYTHON_CALLS["years_to_zero_margin", "annual_price_change"](-0.5)
    assert years == pytest.approx(0.8340437671464696, rel=1e-13)


@pytest.mark.parametrize(("function", "name"), list(PYTHON_CALLS))
@pytest.mark.parametrize("value", INSIDE)
def test_python_functions_accept_rates_just_inside(function, name, value):
    result = PYTHON_CALLS[function, name](value)
    assert result is not None


@pytest.mark.parametrize(("function", "name"), list(PYTHON_CALLS))
@pytest.mark.parametrize(("value", "tail"), OUTSIDE)
def test_python_functions_refuse_rates_just_outside(function, name, value, tail):
    message = f"{function.upper()}: {name} {RATE_RULE}, {tail}"
    with pytest.raises(xlfuncs.InputError, match=f"^{re.escape(message)}$"):
        PYTHON_CALLS[function, name](value)


def test_a_rate_typed_as_a_whole_percentage_is_an_error_not_a_number():
    # Meant as 8 % and 5 %: at face value these gave 546.68 and 2.3e29.
    with pytest.raises(xlfuncs.InputError, match=re.escape("got 8 (enter 8% or 0.08)")):
        xlfuncs.tco(1000, 0.01, 0.95, 2.0, months=36, annual_discount_rate=8)
    with pytest.raises(xlfuncs.InputError, match=re.escape("got 5 (enter 5% or 0.05)")):
        xlfuncs.tco(1000, 0.01, 0.95, 2.0, months=36, monthly_growth=5)


def test_option_blocks_apply_the_same_rate_rule():
    block = [
        ["tasks_per_month", 1000, None, None],
        ["cost_per_task", 0.01, None, None],
        ["accuracy", 0.95, None, None],
        ["cost_per_error", 2, None, None],
        ["monthly_growth", 0, 0.02, 5],
    ]
    message = f"monthly_growth high {RATE_RULE}, got 5 (enter 5% or 0.05)"
    with pytest.raises(xlfuncs.InputError, match=re.escape(message)):
        xlfuncs.tco_sim(block, trials=100)


# Excel functions (the Office.js path) --------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # The example: 5 meant as 5 % a year gave plausible margins.
        (
            (1, 0.4, 5, 0, 3),
            f"MARGIN_PATH: annual_price_change {RATE_RULE}, got 5 (enter 5% or 0.05)",
        ),
        ((1, 0.4, 0, 1.000001, 3), f"MARGIN_PATH: annual_cost_change {RATE_RULE}, got 1.000001"),
        ((1, 0.4, -1, 0, 3), f"MARGIN_PATH: annual_price_change {RATE_RULE}, got -1"),
    ],
)
def test_excel_margin_path_refuses_rates_outside(excel, args, message):
    with pytest.raises(ExcelFunctionError) as caught:
        excel.call("MARGIN_PATH", *args)
    assert caught.value.is_xlwings_error
    assert caught.value.message == message


def test_excel_functions_take_rates_at_the_bounds(excel):
    # Price doubles each year, cost stays: (2 - 0.4) / 2 and (4 - 0.4) / 4.
    margins = excel.call("MARGIN_PATH", 1, 0.4, 1, 0, 2)
    assert [row[0] for row in margins] == pytest.approx([0.6, 0.8, 0.9], rel=1e-15)
    # Volume doubles in month 2: 1 + 2 tasks at 1 each.
    assert excel.call("TCO", 1, 1, 1, 0, 0, 0, 2, 1, 0) == [[pytest.approx(3.0, rel=1e-15)]]
    # Just above -1: prices and costs fall 99.9999 % a year alike, margin unchanged.
    margins = excel.call("MARGIN_PATH", 1, 0.4, -0.999999, -0.999999, 1)
    assert [row[0] for row in margins] == pytest.approx([0.6, 0.6], rel=1e-9)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            (1000, 0.01, 0.95, 2, 0, 0, 36, 0, 8),
            f"TCO: annual_discount_rate {RATE_RULE}, got 8 (enter 8% or 0.08)",
        ),
        (
            (1000, 0.01, 0.95, 2, 0, 0, 36, 1.0000000001),
            f"TCO: monthly_growth {RATE_RULE}, got 1.0000000001",
        ),
    ],
)
def test_excel_tco_refuses_rates_outside(excel, args, message):
    with pytest.raises(ExcelFunctionError) as caught:
        excel.call("TCO", *args)
    assert caught.value.message == message


# Templates: input checking and data validation ------------------------------------------


def _rate_inputs():
    return [
        (name, spec)
        for name in TEMPLATE_NAMES
        for spec in template(name).INPUTS
        if spec.rule is not None and spec.rule is RULES["monthly_growth"]
    ]


def test_every_template_rate_input_uses_the_rate_rule():
    found = {(name, spec.name) for name, spec in _rate_inputs()}
    assert found >= {
        ("tco_comparison", "monthly_growth"),
        ("tco_comparison", "annual_discount_rate"),
        ("margin_trap", "e_annual_price_change"),
        ("margin_trap", "c_annual_cost_change"),
        ("scaffolding_build_vs_buy", "annual_discount_rate"),
    }
    for name in TEMPLATE_NAMES:
        for spec in template(name).INPUTS:
            if spec.row_key.endswith(RATES):
                assert spec.rule is RULES["monthly_growth"], (name, spec.name)


@pytest.mark.parametrize(("name", "spec"), _rate_inputs(), ids=lambda x: getattr(x, "name", x))
def test_template_inputs_check_rates_like_the_functions(name, spec, tmp_path):
    module = template(name)
    for value in INSIDE:
        assert spec.check(name, value) == value
    for value, tail in OUTSIDE:
        message = f"{name}: {spec.name} {RATE_RULE}, {tail}"
        with pytest.raises(xlfuncs.InputError, match=f"^{re.escape(message)}$"):
            module.build({spec.name: value}, tmp_path / "refused.xlsx")
    assert not (tmp_path / "refused.xlsx").exists()


def _validations(path) -> dict[str, tuple[str, str]]:
    """Data validation of the Inputs sheet read from the XML: cell -> (type, formula)."""
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        sheets = re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="rId(\d+)"', workbook)
        number = dict(sheets)["Inputs"]
        xml = archive.read(f"xl/worksheets/sheet{number}.xml").decode()
    found = {}
    for attributes, body in re.findall(r"<dataValidation ([^>]*)>(.*?)</dataValidation>", xml):
        kind = re.search(r'type="(\w+)"', attributes)
        cells = re.search(r'sqref="([^"]+)"', attributes)[1]
        formula = re.search(r"<formula1>(.*?)</formula1>", body)
        for cell in cells.split():
            found[cell] = (kind[1] if kind else "", formula[1] if formula else "")
    return found


@pytest.mark.parametrize("name", sorted({name for name, _ in _rate_inputs()}))
def test_template_data_validation_allows_above_minus_one_up_to_one(name, tmp_path):
    path = tmp_path / f"{name}.xlsx"
    module = template(name)
    module.build({}, path)
    validations = _validations(path)
    wb = openpyxl.load_workbook(path)
    for spec in module.INPUTS:
        if spec.rule is not RULES["monthly_growth"]:
            continue
        cell = next(iter(wb.defined_names[spec.name].destinations))[1].replace("$", "")
        # TRUE is refused too (LibreOffice would take it for 1).
        expected = f"AND(ISNUMBER({cell}),NOT(ISLOGICAL({cell})),{cell}&gt;-1,{cell}&lt;=1)"
        assert validations[cell] == ("custom", expected), spec.name


def test_data_validation_condition_in_libreoffice(tmp_path):
    # The template's own validation formula, evaluated by an independent engine at
    # each bound: just inside and just outside.
    source = tmp_path / "tco_comparison.xlsx"
    template("tco_comparison").build({}, source)
    wb = openpyxl.load_workbook(source)
    cell = next(iter(wb.defined_names["monthly_growth"].destinations))[1].replace("$", "")
    formula = wb["Inputs"].data_validations.dataValidation
    formula = next(dv.formula1 for dv in formula if cell in str(dv.sqref))
    values = {-1.000001: False, -1: False, -0.999999: True, 0: True, 1: True, 1.000001: False}
    probe = openpyxl.Workbook()
    ws = probe.active
    ws.title = "Inputs"
    for row, value in enumerate(values, start=1):
        ws[f"A{row}"] = value
        ws[f"B{row}"] = "=" + formula.replace(cell, f"A{row}")
    ws["A20"] = "8%"  # text is refused too
    ws["B20"] = "=" + formula.replace(cell, "A20")
    probe.save(tmp_path / "probe.xlsx")
    (result,) = recalculated([tmp_path / "probe.xlsx"], tmp_path / "out")
    shown = [result["Inputs"][f"B{row}"].value for row in range(1, len(values) + 1)]
    assert shown == list(values.values())
    assert result["Inputs"]["B20"].value is False


# Scenario files --------------------------------------------------------------------------


def _complete_options(layout: Layout) -> list[dict]:
    """Every option with every value the template declares for it: a valid scenario."""
    return [
        {"name": f"Option {letter}", **{k: o[k].default for k in layout.value_keys}}
        for letter, o in layout.options.items()
    ]


def _read_yaml(tmp_path, template_name: str, shared: str, options_yaml: str = ""):
    layout = Layout.of(resolve_template(template_name))
    import yaml

    options = yaml.safe_dump(_complete_options(layout), sort_keys=False)
    options = "\n".join("      " + line for line in options.splitlines())
    # tasks_per_month has no neutral default in a scenario file: give it.
    text = (
        f"scenarios:\n  - name: Case\n    tasks_per_month: 1000\n{shared}    options:\n{options}\n"
    )
    path = tmp_path / "cases.yaml"
    path.write_text(text, encoding="utf-8")
    return list(read_scenarios(path, layout))


def test_scenario_file_discount_rate_of_8_is_an_error_with_the_hint(tmp_path):
    (result,) = _read_yaml(tmp_path, "tco_comparison", "    annual_discount_rate: 8\n")
    assert isinstance(result, ScenarioProblem)
    assert result.key == "annual_discount_rate"
    assert f"annual_discount_rate {RATE_RULE}, got 8 (enter 8% or 0.08)" in str(result)
    assert not result.more


@pytest.mark.parametrize(
    ("text", "value"),
    [("1", 1.0), ("100%", 1.0), ("-0.999999", -0.999999), ("0.08", 0.08), ("8%", 0.08)],
)
@pytest.mark.parametrize("key", ["monthly_growth", "annual_discount_rate"])
def test_scenario_file_rates_just_inside(tmp_path, key, text, value):
    (result,) = _read_yaml(tmp_path, "tco_comparison", f"    {key}: '{text}'\n")
    assert isinstance(result, Scenario), str(result)
    assert result.values[key] == value


@pytest.mark.parametrize(
    ("text", "tail"),
    [
        *[(repr(value), tail) for value, tail in OUTSIDE],
        # typed with its % sign: the value was meant as it reads, no hint
        ("'800%'", "got 8"),
        ("'-100%'", "got -1"),
    ],
)
@pytest.mark.parametrize("key", ["monthly_growth", "annual_discount_rate"])
def test_scenario_file_rates_just_outside(tmp_path, key, text, tail):
    (result,) = _read_yaml(tmp_path, "tco_comparison", f"    {key}: {text}\n")
    assert isinstance(result, ScenarioProblem)
    assert str(result).endswith(f"key {key!r}: {key} {RATE_RULE}, {tail}")


def test_scenario_file_option_rates_in_margin_trap(tmp_path):
    layout = Layout.of(resolve_template("margin_trap"))
    options = _complete_options(layout)
    options[0]["annual_price_change"] = -50  # meant as -50 % a year
    options[1]["annual_cost_change"] = 1
    scenario = {"name": "Race", "years": 5, "options": options}
    problems = list(read_scenarios({"scenarios": [scenario]}, layout))
    (problem,) = problems
    assert isinstance(problem, ScenarioProblem) and not problem.more
    assert problem.key == "annual_price_change"
    assert str(problem).endswith(f"{RATE_RULE}, got -50 (enter -50% or -0.5)")


# Scenario values: the reader's checker -----------------------------------------------------

TCO_LAYOUT = Layout.of(resolve_template("tco_comparison"))


def _one_scenario(shared=None, changes=()):
    """A tco_comparison scenario with every value given, then ``changes`` (option, key, value)."""
    options = _complete_options(TCO_LAYOUT)
    for option, key, value in changes:
        options[option][key] = value
    # tasks_per_month has no neutral default in a scenario file: give it.
    scenario = {"name": "Case", "tasks_per_month": 1000, **(shared or {}), "options": options}
    document = {"scenarios": [scenario]}
    (result,) = read_scenarios(document, TCO_LAYOUT)
    return result


@pytest.mark.parametrize(
    ("given", "letter"),
    [("Option B", "B"), ("d", "D"), ("C", "C"), (" Option A ", "A")],
)
def test_reference_option_by_name_or_by_letter(given, letter):
    scenario = _one_scenario({"reference_option": given})
    assert isinstance(scenario, Scenario), str(scenario)
    assert scenario.values["reference_option"] == letter


def test_reference_option_named_by_a_number_typed_as_a_name():
    scenario = _one_scenario({"reference_option": 2024}, [(3, "name", 2024)])
    assert scenario.values["reference_option"] == "D"
    assert scenario.values["d_name"] == "2024"


def test_an_unknown_reference_option_is_named_with_what_is_allowed():
    problem = _one_scenario({"reference_option": "Option E"})
    assert str(problem) == (
        "scenario 1, key 'reference_option': reference_option must be one of this "
        "scenario's options, by name or by letter (A, B, C, D), got 'Option E'"
    )


def test_choices_are_matched_whatever_their_case_and_yaml_booleans_are_yes_and_no():
    scenario = _one_scenario(
        changes=[
            (0, "include", False),
            (1, "include", "YES"),
            (2, "include", True),
            (0, "pricing", "api"),
            (1, "pricing", " self-hosted "),
        ]
    )
    values = scenario.values
    assert (values["a_include"], values["b_include"], values["c_include"]) == ("No", "Yes", "Yes")
    assert (values["a_pricing"], values["b_pricing"]) == ("API", "Self-hosted")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            (0, "include", "maybe"),
            "scenario 1, option 1, key 'include': include must be one of Yes, No, got 'maybe'",
        ),
        (
            (1, "pricing", ["API"]),
            "scenario 1, option 2, key 'pricing': pricing must be text, got a list; write it in "
            'quotes ("...") to keep it as text',
        ),
        (
            (2, "pricing", 1.5),
            "scenario 1, option 3, key 'pricing': pricing must be one of API, Self-hosted, "
            "got '1.5'",
        ),
        (
            (0, "pricing", True),
            "scenario 1, option 1, key 'pricing': pricing must be text, got TRUE/FALSE; write it "
            'in quotes ("...") to keep it as text',
        ),
        (
            (2, "accuracy", "ninety"),
            "scenario 1, option 3, key 'accuracy': accuracy must be a number (fraction), "
            "got 'ninety'",
        ),
        (
            (0, "accuracy", True),
            "scenario 1, option 1, key 'accuracy': accuracy must be a number (fraction), got TRUE",
        ),
        (
            (0, "accuracy", [0.9]),
            "scenario 1, option 1, key 'accuracy': accuracy must be a number (fraction), "
            "got a list",
        ),
    ],
)
def test_a_value_of_the_wrong_kind_is_named_with_its_place(change, message):
    problem = _one_scenario(changes=[change])
    assert isinstance(problem, ScenarioProblem)
    assert str(problem) == message


def test_a_blank_value_is_left_out_neutral_default_or_required():
    # Left out, pricing is API (the neutral rule, not option A's illustrative Self-hosted);
    # accuracy has no neutral value, so a blank one is missing.
    scenario = _one_scenario(changes=[(0, "pricing", None)])
    assert scenario.values["a_pricing"] == "API"
    problem = _one_scenario(changes=[(0, "accuracy", "  ")])
    assert str(problem) == (
        "scenario 1, option 1: option 'Option A' needs accuracy, which has no neutral default"
    )


def test_numbers_in_scenario_text_follow_the_file_convention():
    # "0,95" can only have a decimal comma, which settles the mark for every number of the
    # scenarios: "1.000" is then a thousand, and "1,000" one.
    scenario = _one_scenario({"tasks_per_month": "1.000"}, [(0, "accuracy", "0,95")])
    assert scenario.values["tasks_per_month"] == 1000
    assert scenario.values["a_accuracy"] == 0.95
    scenario = _one_scenario({"tasks_per_month": "1,000"}, [(0, "accuracy", "0,95")])
    assert scenario.values["tasks_per_month"] == 1
