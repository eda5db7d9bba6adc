"""Prices by model name in scenario files: looked up once per run, on one date, named."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest

from xlfuncs import model_price
from xlfuncs.batch.read import price_book as prices_module
from xlfuncs.batch.read.checker import Scenario, ScenarioProblem
from xlfuncs.batch.read.sources import read_scenarios
from xlfuncs.batch.template import Layout, resolve_template

LAYOUT = Layout.of(resolve_template("tco_comparison"))


def write_yaml(tmp_path, options: str, name="cases.yaml"):
    path = tmp_path / name
    path.write_text(
        textwrap.dedent(
            """\
            scenarios:
              - name: Desk
                tasks_per_month: 1000
                options:
            """
        )
        + textwrap.indent(textwrap.dedent(options), "      "),
        encoding="utf-8",
    )
    return path


OPTION = (
    "{{name: {name}, input_tokens: 1000, output_tokens: 500, accuracy: 0.9, "
    "cost_per_error: 10{more}}}"
)


def option(name, more=""):
    return "- " + OPTION.format(name=name, more=more) + "\n"


def test_an_option_names_its_model_and_gets_its_list_prices_on_the_date(tmp_path):
    # OpenAI's published o3 prices per 1M tokens: input 10 and output 40 until 9 June 2025,
    # then 2 and 8 from 10 June 2025. The cache-read price is MODEL_PRICE's, by contract.
    path = write_yaml(
        tmp_path,
        option("Before", ", model: o3, provider: openai, as_of: 2025-06-09")
        + option("After", ", model: o3, provider: openai, as_of: 2025-06-10"),
    )
    (desk,) = read_scenarios(path, LAYOUT)
    assert isinstance(desk, Scenario), str(desk)
    v = desk.values
    assert (v["a_input_price"], v["a_output_price"]) == (10.0, 40.0)
    assert (v["b_input_price"], v["b_output_price"]) == (2.0, 8.0)
    for letter, day in [("a", date(2025, 6, 9)), ("b", date(2025, 6, 10))]:
        cached = model_price("o3", "cached_input", provider="openai", as_of=day)
        assert v[f"{letter}_cached_price"] == cached
    assert v["a_pricing"] == "API"


def test_the_run_has_one_date_for_every_lookup(tmp_path):
    path = write_yaml(
        tmp_path,
        option("o3", ", model: o3, provider: openai")
        + option("o3 again", ", model: o3, provider: openai"),
    )
    (desk,) = read_scenarios(path, LAYOUT, today=date(2025, 6, 9))
    assert desk.values["a_input_price"] == desk.values["b_input_price"] == 10.0


def test_each_model_is_looked_up_once_per_run(tmp_path, monkeypatch):
    calls = []
    real = prices_module.PriceBook._look_up

    def counted(self, *arguments):
        calls.append(arguments)
        return real(self, *arguments)

    monkeypatch.setattr(prices_module.PriceBook, "_look_up", counted)
    path = tmp_path / "cases.yaml"
    one = write_yaml(tmp_path, option("a", ", model: gpt-4o") + option("b", ", model: gpt-4o"))
    path.write_text(one.read_text() + one.read_text().split("\n", 1)[1].replace("Desk", "Desk 2"))
    items = list(read_scenarios(path, LAYOUT))
    assert [type(i) for i in items] == [Scenario, Scenario]
    assert len(calls) == 1


def test_an_unknown_model_is_a_problem_of_its_scenario_with_the_closest_names(tmp_path):
    path = write_yaml(
        tmp_path, option("a", ", model: gtp-4o") + option("b", ", input_price: 1, output_price: 2")
    )
    (desk,) = read_scenarios(path, LAYOUT)
    assert isinstance(desk, ScenarioProblem)
    assert str(desk).startswith(
        f"{path}, line 5, key 'model': unknown model 'gtp-4o'; closest known names: gpt-4o"
    )


def test_a_model_and_typed_prices_together_are_refused(tmp_path):
    path = write_yaml(
        tmp_path,
        option("a", ", model: gpt-4o, input_price: 1")
        + option("b", ", input_price: 1, output_price: 2"),
    )
    (desk,) = read_scenarios(path, LAYOUT)
    assert "give the option's model or its prices, not both (input_price is given too)" in str(desk)


def test_a_model_in_a_csv_column(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        "scenario,option,tasks_per_month,input_tokens,output_tokens,accuracy,cost_per_error,"
        "model,provider,as_of\n"
        "Desk,a,1000,1000,500,0.9,10,o3,openai,2025-06-09\n",
        encoding="utf-8",
    )
    (desk,) = read_scenarios(path, LAYOUT)
    assert desk.values["a_input_price"] == 10.0


@pytest.mark.parametrize("missing", ["input_tokens", "accuracy", "cost_per_error"])
def test_what_has_no_neutral_default_must_be_given(tmp_path, missing):
    text = OPTION.format(name="a", more=", input_price: 1, output_price: 2")
    text = text.replace(
        f", {missing}: "
        + {"input_tokens": "1000", "accuracy": "0.9", "cost_per_error": "10"}[missing],
        "",
    )
    path = write_yaml(tmp_path, "- " + text + "\n")
    (desk,) = read_scenarios(path, LAYOUT)
    assert str(desk) == (
        f"{path}, line 5: option 'a' needs {missing}, which has no neutral default"
    )


def test_the_workbook_says_where_each_options_prices_come_from(tmp_path):
    from importlib.metadata import version

    from openpyxl import load_workbook

    import xlfuncs

    path = write_yaml(
        tmp_path,
        option("Typed", ", input_price: 1, output_price: 2")
        + option("Listed", ", model: o3, provider: openai, as_of: 2025-06-09"),
    )
    report = xlfuncs.generate(path, tmp_path / "out")
    assert report.ok, report.failures
    book = load_workbook(report.written[0])

    def cell(name):
        ((sheet, where),) = book.defined_names[name].destinations
        return book[sheet][where.replace("$", "")].value

    assert cell("a_source") == "as given in the scenario file"
    assert cell("b_source") == (
        "openai o3: list prices in US dollars per 1M tokens on 2025-06-09, from genai-prices "
        f"{version('genai-prices')}"
    )
    assert (cell("b_input_price"), cell("b_output_price")) == (10, 40)


@pytest.mark.parametrize("document", ["README.md", "docs/batch.md"])
def test_the_documented_minimal_scenario_reads_as_written(tmp_path, document):
    import re
    from pathlib import Path

    text = (Path(__file__).parent.parent / document).read_text(encoding="utf-8")
    block = next(
        textwrap.dedent(b)
        for b in re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)
        if "model:" in b and "scenarios:" in b
    )
    path = tmp_path / "cases.yaml"
    path.write_text(block, encoding="utf-8")
    (scenario,) = read_scenarios(path, LAYOUT)
    assert isinstance(scenario, Scenario), str(scenario)
    assert scenario.values["reference_option"] == "B"  # the last option, or named so
    assert scenario.values["a_calls"] == 1.0 and scenario.values["a_build_hours"] == 0.0
    assert scenario.values["b_cached_price"] == scenario.values["b_input_price"]


def test_what_a_pricing_requires_is_named_with_its_reason(tmp_path):
    path = write_yaml(
        tmp_path,
        option("api")
        + option("gpu", ", pricing: Self-hosted, build_hours: 10")
        + option("wrong", ", model: gtp-4o"),
    )
    (desk,) = read_scenarios(path, LAYOUT)
    assert str(desk).split("; ")[0] == (
        f"{path}, line 5: option 'api' needs input_price and output_price (pricing is API and "
        "no model is given), which have no neutral default"
    )
    assert (
        "option 'gpu' needs gpu_hour_price and tokens_per_second (pricing is Self-hosted) and "
        "hourly_rate (build_hours is above 0), which have no neutral default"
    ) in str(desk)
    # A model that is not found is reported once, not again as missing prices.
    assert "option 'wrong'" not in str(desk)
    assert "unknown model 'gtp-4o'" in str(desk)
