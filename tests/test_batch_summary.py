"""The batch summary: every template's columns equal its LibreOffice-recalculated workbooks.

The oracles are independent of the summary code: LibreOffice's values of
the workbooks the batch wrote, the Python functions of SPEC (for the test
template), hand calculations, and the scenarios as written.
"""

from __future__ import annotations

import math
import random

import openpyxl
import pytest
from batch_standin import BY_HAND, STANDIN, StandInTemplate
from summary_scenarios import SCENARIOS
from template_support import recalculated, require_libreoffice

import xlfuncs
from xlfuncs.batch.read.sources import read_scenarios
from xlfuncs.batch.summary.table import SummaryTable, neutralise
from xlfuncs.batch.template import Layout, resolve_template
from xlfuncs.batch.write.filler import Filler
from xlfuncs.formulas import ExcelError
from xlfuncs.templates import TEMPLATE_NAMES
from xlfuncs.templates._workbook import SummaryColumn

LAYOUT = Layout.of(STANDIN)


def table_of(scenarios, chunk=2048):
    table = SummaryTable(LAYOUT, STANDIN, chunk=chunk)
    for item in read_scenarios(scenarios, LAYOUT):
        table.add(item, f"{item.name}.xlsx")
    return table


HEAD = ["scenario", "option", "file", "error", "tco", "per_correct"]


def test_figures_by_hand():
    case = BY_HAND
    table = table_of([case])
    assert table.headings == (
        "Scenario",
        "Option",
        "Workbook",
        "Error cost per task",
        "TCO",
        "Cost per correct result",
    )
    efficient, frontier, built = (dict(zip(HEAD, r, strict=True)) for r in table.rows())
    assert (efficient["scenario"], efficient["option"], efficient["file"]) == (
        "by hand",
        "efficient",
        "by hand.xlsx",
    )
    # Error cost per task: (1 - accuracy) * cost_per_error.
    assert efficient["error"] == pytest.approx(1.0)
    assert frontier["error"] == pytest.approx(0.1)
    # TCO, no growth or discounting: 12 months * 1000 tasks * (cost + error cost) + upfront.
    assert efficient["tco"] == pytest.approx(12 * 1000 * 1.01)
    assert frontier["tco"] == pytest.approx(12 * 1000 * 0.15)
    assert built["tco"] == pytest.approx(12 * 1000 * 0.11 + 50_000)
    # Cost per correct result: cost / accuracy.
    assert frontier["per_correct"] == pytest.approx(0.05 / 0.99)


def test_words_in_a_number_column_are_left_blank():
    options = [
        {"name": "never right", "cost_per_task": 0.01, "accuracy": 0},
        {"name": "y", "cost_per_task": 0.01, "accuracy": 0.9},
        {"name": "z", "cost_per_task": 0.01, "accuracy": 0.9},
    ]
    case = {"name": "words", "tasks_per_month": 1000, "cost_per_error": 10, "options": options}
    row = next(table_of([case]).rows())
    assert row[HEAD.index("per_correct")] is None  # the workbook says "no correct results"


def test_blocks_give_the_same_rows_as_all_at_once():
    rng = random.Random(7)
    cases = [
        {
            "name": f"case {i}",
            "tasks_per_month": rng.randint(0, 10_000),
            "months": rng.randint(1, 60),
            "monthly_growth": rng.uniform(-0.1, 0.1),
            "cost_per_error": rng.choice([0, 1, 100]),
            "options": [
                {"name": f"o{k}", "cost_per_task": rng.uniform(0, 1), "accuracy": rng.random()}
                for k in range(3)
            ],
        }
        for i in range(50)
    ]
    at_once = list(table_of(cases, chunk=None).rows())
    in_blocks = list(table_of(cases, chunk=7).rows())
    assert len(at_once) == 150
    assert at_once == in_blocks


@pytest.mark.libreoffice
def test_the_test_template_equals_the_python_functions_in_libreoffice(tmp_path):
    """The stand-in template's own formulas are right, so batch tests on it mean something."""
    sets = [
        {},
        {"tasks_per_month": 1234, "months": 1, "monthly_growth": 0.05, "cost_per_error": 40},
        {"months": 60, "monthly_growth": -0.02, "a_accuracy": 0, "b_accuracy": 1, "c_upfront": 9e4},
        {"months": 600, "monthly_growth": 0.01, "cost_per_error": 0, "b_cost_per_task": 0},
    ]
    built = [STANDIN.build(values, tmp_path / f"standin {i}.xlsx") for i, values in enumerate(sets)]
    paths = [tmp_path / f"standin {i}.xlsx" for i in range(len(sets))]
    problems = []
    for values, book, workbook in zip(
        sets, built, recalculated(paths, tmp_path / "lo"), strict=True
    ):
        v = {spec.name: spec.default for spec in STANDIN.inputs} | values
        for x in "ABC":
            p = x.lower() + "_"
            args = (v[p + "cost_per_task"], v[p + "accuracy"], v["cost_per_error"])
            want = {
                "error_cost": xlfuncs.error_cost(v[p + "accuracy"], v["cost_per_error"]),
                "tco": xlfuncs.tco(
                    v["tasks_per_month"],
                    *args,
                    upfront=v[p + "upfront"],
                    months=v["months"],
                    monthly_growth=v["monthly_growth"],
                ),
                "cost_per_correct": (
                    xlfuncs.cost_per_correct(v[p + "cost_per_task"], v[p + "accuracy"])
                    if v[p + "accuracy"] > 0
                    else "no correct results"
                ),
            }
            for key, expected in want.items():
                sheet, cell = book.figures[f"calc.{key}.{x}"]
                got = workbook[sheet][cell].value
                ok = (
                    got == expected
                    if isinstance(expected, str)
                    else math.isclose(got, expected, rel_tol=1e-9)
                )
                if not ok:
                    problems.append(f"{values} {key}.{x}: LibreOffice {got!r}, Python {expected!r}")
    assert problems == []


# Every shipped template: scenarios with edge values, the summary against LibreOffice -----


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    """Each template's scenarios generated, and every workbook recalculated in one run."""
    require_libreoffice()
    folder = tmp_path_factory.mktemp("summaries")
    reports = {
        name: xlfuncs.generate(SCENARIOS[name], folder / name, template=name)
        for name in TEMPLATE_NAMES
    }
    paths = [path for report in reports.values() for path in report.written]
    # Distinct file names for the one LibreOffice run.
    renamed = []
    for name, report in reports.items():
        for path in report.written:
            target = folder / f"{name} - {path.name}"
            target.write_bytes(path.read_bytes())
            renamed.append(target)
    workbooks = iter(recalculated(renamed, folder / "libreoffice"))
    assert len(renamed) == len(paths)
    return {
        name: (report, [next(workbooks) for _ in report.written])
        for name, report in reports.items()
    }


#: The key inputs each template's summary shows before its results: heading -> input.
KEY_INPUTS = {
    "tco_comparison": {"Tasks in month 1": "tasks_per_month", "Months": "months"},
    "breakeven_accuracy": {
        "Tasks per month": "tasks_per_month",
        "Cost per error": "cost_per_error",
    },
    "margin_trap": {"Years": "years"},
    "test_time_compute": {
        "Cases per month": "cases_per_month",
        "Cost of a wrong answer": "cost_per_error",
        "Value of a right answer": "value_per_correct",
    },
    "scaffolding_build_vs_buy": {"Tasks in month 1": "tasks_per_month", "Months": "months"},
}


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_each_scenarios_key_inputs_stand_before_its_results(tmp_path, name):
    """Every row shows its scenario's volume, horizon (and, where the template has them,
    the costs of an error) as the scenario file gives them, after the Currency column
    and before the template's figures; every option's row repeats them."""
    report = xlfuncs.generate(SCENARIOS[name], tmp_path, template=name)
    assert report.ok, report.failures
    headings = list(report.summary.headings)
    wanted = KEY_INPUTS[name]
    currency = headings.index("Currency")
    assert headings[currency + 1 : currency + 1 + len(wanted)] == list(wanted)
    for row in report.summary_rows():
        case = next(case for case in SCENARIOS[name] if case["name"] == row[0])
        for heading, key in wanted.items():
            assert row[headings.index(heading)] == pytest.approx(case[key]), (row[0], heading)


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_summary_column_equals_the_recalculated_workbook(batches, tmp_path, name):
    report, workbooks = batches[name]
    assert report.ok, report.failures
    template = resolve_template(name)
    book = template.build({}, tmp_path / "layout.xlsx")  # where each figure is
    table = report.summary
    columns = template.summary_columns
    # Scenario, [Option,] Workbook and Currency come before the declared columns.
    headings = list(table.headings)
    first = len(headings) - len(columns)
    assert headings[:first] == [
        "Scenario",
        *(["Option"] if template.summary_by_option else []),
        "Workbook",
        "Currency",
    ]
    # One row per scenario (and per option the scenario gives), in the file's order.
    expected_rows = [
        (case["name"], option.get("name", ""))
        for case in SCENARIOS[name]
        for option in (case.get("options", [{}]) if template.summary_by_option else [{}])
    ]
    rows = report.summary_rows()
    got_rows = [(r[0], r[1] if template.summary_by_option else "") for r in rows]
    assert got_rows == expected_rows
    letters = Layout.of(template).letters
    problems = []
    for row in rows:
        scenario = [c["name"] for c in SCENARIOS[name]].index(row[0])
        options = [o.get("name") for o in SCENARIOS[name][scenario].get("options", [{}])]
        letter = letters[options.index(row[1])] if template.summary_by_option else None
        workbook = workbooks[scenario]
        assert row[headings.index("Workbook")] == report.written[scenario].name
        assert row[headings.index("Currency")] == SCENARIOS[name][scenario].get("currency", "USD")
        for column, value in zip(columns, row[first:], strict=True):
            key = column.key.format(x=letter) if letter else column.key
            sheet, cell = book.where(key)  # a figure, a text, or an input the scenario gives
            shown = workbook[sheet][cell].value
            if column.is_text:
                ok = value == shown
            elif isinstance(shown, (int, float)) and not isinstance(shown, bool):
                ok = value is not None and math.isclose(value, shown, rel_tol=1e-9, abs_tol=1e-9)
            else:  # words in the workbook: blank in the summary
                ok = value is None
            if not ok:
                problems.append(f"{row[0]}/{row[1]} {column.heading}: {value!r}, sheet {shown!r}")
    assert problems == []
    assert table.columns().headings == table.headings


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_figures_made_with_the_workbooks_equal_the_summarys_own(tmp_path, name):
    """The batch hands the summary the figures it worked out for the workbooks it
    wrote; for workbooks it keeps (--skip-existing) the summary works them out
    itself. A run that keeps every other workbook gives the same table as one
    that writes them all, and as the summary alone."""
    cases = SCENARIOS[name]
    xlfuncs.generate(cases[::2], tmp_path / "mixed", template=name)
    mixed = xlfuncs.generate(cases, tmp_path / "mixed", template=name, skip_existing=True)
    assert [o.status for o in mixed.outcomes] == [
        "skipped" if i % 2 == 0 else "written" for i in range(len(cases))
    ]
    fresh = xlfuncs.generate(cases, tmp_path / "fresh", template=name)
    template = resolve_template(name)
    alone = SummaryTable(Layout.of(template), template)
    for item in read_scenarios(cases, Layout.of(template)):
        alone.add(item, f"{item.name}.xlsx")
    assert mixed.summary_rows() == fresh.summary_rows() == list(alone.rows())


@pytest.mark.libreoffice
def test_ties_and_equal_accuracies_take_the_workbooks_branch(batches):
    report, _ = batches["tco_comparison"]
    at = report.summary.headings.index
    twin_1, twin_2, _ = report.summary_rows()[:3]
    # Twins cost the same: the first given is the cheapest on a tie; twin 2 is the reference.
    assert twin_1[at("Cheapest option")] == "perfect"  # accuracy 1: no error cost, cheapest
    assert twin_1[at("Reference option")] == "twin 2"
    assert twin_1[at("TCO")] == twin_2[at("TCO")]
    report, _ = batches["breakeven_accuracy"]
    at = report.summary.headings.index
    equal = report.summary_rows()[1]
    assert equal[at("Break-even cost per error")] is None  # "no break-even: equal accuracies"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Acme", "Acme"),
        ("", ""),
    ],
)
def test_csv_cells_that_start_like_a_formula_get_a_quote(text, expected):
    assert neutralise(text) == expected


def test_describe_lists_the_declared_inputs_and_what_must_be_given():
    from xlfuncs.batch.read.describe import describe

    text = describe("tco_comparison")
    # Neutral defaults (TCO's own), not the template's illustrative figures.
    assert "  months (months): a whole number from 1 to 60; default 12" in text
    assert "  tasks_per_month (tasks): 0 or more; required" in text
    assert "  reference_option (letter): one of A, B, C, D, or an option's name; " in text
    assert "default: the last option given" in text
    assert "  name (text): required; the option's name" in text
    assert (
        "  pricing (API/Self-hosted): one of API, Self-hosted; default API, or Self-hosted when "
        "the option gives gpu_hour_price and no input_price, output_price or model"
    ) in text
    assert "  calls (calls): 0 or more; default 1" in text
    assert "  accuracy (fraction): between 0 and 1; required" in text
    assert "  cached_price (USD per 1M tokens): 0 or more; default: the same as input_price" in (
        text
    )
    assert (
        "  hourly_rate (currency per hour): 0 or more; required when build_hours is above 0 "
        "(otherwise default 0)"
    ) in text
    assert "must be given" not in text


# Tables of other shapes, text columns, and the batch's own build of the template ------


def three_options(name):
    """A stand-in scenario: 1000 tasks a month for 12 months, no growth, 10 per error."""
    return {
        "name": name,
        "tasks_per_month": 1000,
        "months": 12,
        "monthly_growth": 0,
        "cost_per_error": 10,
        "options": [
            {"name": "first option", "cost_per_task": 0.01, "accuracy": 0.9},
            {"name": "second", "cost_per_task": 0.01, "accuracy": 0.99, "upfront": 50_000},
            {"name": "never right", "cost_per_task": 0.01, "accuracy": 0},
        ],
    }


def test_without_a_template_the_table_lists_each_scenarios_options():
    # No template, no figures: a row per scenario and option, as the layout has options.
    table = SummaryTable(LAYOUT)
    for item in read_scenarios([three_options("two words")], LAYOUT):
        table.add(item, "two words.xlsx")
    assert not table.has_figures
    assert table.headings == ("Scenario", "Option", "Workbook")
    # The names as the scenario gives them, spaces and all.
    assert table.option_names(0) == ["first option", "second", "never right"]
    assert list(table.rows()) == [
        ["two words", "first option", "two words.xlsx"],
        ["two words", "second", "two words.xlsx"],
        ["two words", "never right", "two words.xlsx"],
    ]


class TextColumns(StandInTemplate):
    """The stand-in with text columns over a name, a number, and a figure that can be words."""

    summary_columns = (
        SummaryColumn("Name", "calc.name.{x}"),
        SummaryColumn("TCO as text", "calc.tco.{x}"),
        SummaryColumn("Cost per correct result as text", "calc.cost_per_correct.{x}"),
    )


def test_a_text_column_shows_a_number_in_general_format():
    table = SummaryTable(LAYOUT, TextColumns())
    for item in read_scenarios([three_options("as text")], LAYOUT):
        table.add(item, "as text.xlsx")
    # By hand, no growth: TCO = upfront + 12 months * 1000 tasks * (0.01 + (1 - accuracy) * 10);
    # cost per correct result = 0.01 / accuracy, to 15 significant digits (Excel's General),
    # and at accuracy 0 the stand-in's formula gives its words (batch_standin.py).
    assert [row[3:] for row in table.rows()] == [
        ["first option", "12120", "0.0111111111111111"],
        ["second", "51320", "0.0101010101010101"],
        ["never right", "120120", "no correct results"],
    ]


class OneTextColumn(StandInTemplate):
    """The stand-in with a row per scenario and one text column."""

    summary_by_option = False
    summary_columns = (SummaryColumn("Shown", "calc.name.A"),)


#: A cell's value, and what a text column shows of it (by hand: the text; a number
#: to 15 significant digits, in general format; blank for anything else).
SHOWN = [
    ("Acme", "Acme"),
    ("", ""),
    (1234567.0, "1234567"),
    (0.1 + 0.2, "0.3"),
    (1e20, "1e+20"),
    (-2.5, "-2.5"),
    (True, ""),
    (False, ""),
    (None, ""),
    (math.nan, ""),
    (math.inf, ""),
    (-math.inf, ""),
    (ExcelError("#DIV/0!"), ""),
    (ExcelError("#N/A"), ""),
]


def test_a_text_column_shows_text_and_numbers_and_leaves_the_rest_blank():
    # The values come as the batch hands them over, for every kind a cell can hold.
    table = SummaryTable(LAYOUT, OneTextColumn())
    cases = [three_options(f"case {i}") for i in range(len(SHOWN))]
    for row, item in enumerate(read_scenarios(cases, LAYOUT)):
        table.add(item, f"{item.name}.xlsx")
        table.given(row, [SHOWN[row][0]])
    assert table.headings == ("Scenario", "Workbook", "Shown")
    assert list(table.rows()) == [
        [f"case {i}", f"case {i}.xlsx", shown] for i, (_, shown) in enumerate(SHOWN)
    ]


class NotBuiltAgain(StandInTemplate):
    """The stand-in, for a summary that must take the batch's own build of it."""

    def build(self, values, path):
        raise AssertionError("the summary built the template a second time")


def test_the_summary_takes_the_batchs_build_of_the_template():
    filler = Filler(STANDIN)
    table = SummaryTable(LAYOUT, NotBuiltAgain(), filler=lambda: filler)
    for item in read_scenarios([three_options("shared")], LAYOUT):
        table.add(item, "shared.xlsx")
    # By hand: error cost (1 - accuracy) * 10; TCO 12 * 1000 * (0.01 + error cost) + upfront.
    rows = [dict(zip(HEAD, row, strict=True)) for row in table.rows()]
    assert [row["error"] for row in rows] == pytest.approx([1.0, 0.1, 10.0])
    assert [row["tco"] for row in rows] == pytest.approx([12_120, 51_320, 120_120])


def test_a_template_without_option_rows_has_a_row_per_scenario(tmp_path):
    # scaffolding_build_vs_buy has options (V, D, R) but declares a row per scenario.
    name = "scaffolding_build_vs_buy"
    report = xlfuncs.generate(SCENARIOS[name], tmp_path, template=name)
    assert report.ok, report.failures
    # The scenarios' names and files as the scenario list gives them, then the key inputs
    # (tasks in month 1, months), three figures and the Risk sheet's eleven.
    assert [row[:2] for row in report.summary_rows()] == [
        ["short", "short.xlsx"],
        ["long", "long.xlsx"],
    ]
    assert all(len(row) == 8 + 11 for row in report.summary_rows())
    assert [row[2] for row in report.summary_rows()] == ["USD", "USD"]
    # As the scenario list gives them.
    assert [row[3:5] for row in report.summary_rows()] == [
        [case["tasks_per_month"], case["months"]] for case in SCENARIOS[name]
    ]
    sheet = openpyxl.load_workbook(tmp_path / "summary.xlsx").active
    assert [cell.value for cell in sheet[1]][:6] == [
        "Scenario",
        "Workbook",
        "Currency",
        "Tasks in month 1",
        "Months",
        "Small model with scaffolding: TCO",
    ]
    # The template declares whole tasks and months for the key inputs, amounts for the two
    # TCOs (in the batch's one currency) and whole tasks for the break-even; then the Risk
    # sheet's trials, each percentile with both TCOs at it, and a probability.
    money = '#,##0.00 "USD"'
    for row in (2, 3):
        formats = [sheet.cell(row, column).number_format for column in range(1, 20)]
        assert formats == [
            "General",
            "General",
            "General",
            "#,##0",
            "#,##0",
            money,
            money,
            "#,##0",
            "#,##0",
            *(["0%", money, money] * 3),
            "0.0%",
        ]


def test_with_two_options_each_row_shows_its_own_options_figures():
    template = resolve_template("margin_trap")
    layout = Layout.of(template)
    table = SummaryTable(layout, template)
    case = SCENARIOS["margin_trap"][1]
    for item in read_scenarios([case], layout):
        table.add(item, f"{item.name}.xlsx")
    safe, underwater = table.rows()
    assert (safe[1], underwater[1]) == ("safe", "underwater")
    # By hand: margin (price - cost) / price, today and after one year of the changes:
    # safe 0.5 both; underwater (1 - 2) / 1 = -1 today, (0.5 - 2) / 0.5 = -3 after a year.
    assert (safe[3], underwater[3]) == ("USD", "USD")  # the currency column
    assert (safe[4], underwater[4]) == (1, 1)  # the years the scenario gives, on each row
    assert safe[5:7] == pytest.approx([0.5, 0.5])
    assert underwater[5:7] == pytest.approx([-1.0, -3.0])
