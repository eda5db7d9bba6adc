"""A small template for the batch tests: the shape of a real one, a fraction of its size.

It is built the way the shipped templates are (a :class:`TemplateBook`, one
declaration of inputs, text written as text even when it starts with ``=``,
data validation, fixed timestamps, stored values) and its formulas come from
the same SPEC formula builders. Its inputs sit at fixed cells (the scenario's
name in Inputs!B2, the tasks per month in B3) that the tests read.

Its figures per option: error cost per task ``(1 - accuracy) * cost_per_error``;
TCO without discounting, ``upfront + tasks * (cost + error cost) *
sum over months of (1 + growth) ** (m - 1)``; cost per correct result
``cost / accuracy``. ``test_batch_summary`` proves them against the Python
functions in LibreOffice.
"""

from __future__ import annotations

from xlfuncs._validation import RULES
from xlfuncs.templates import _formula_builders as fx
from xlfuncs.templates._workbook import (
    InputSpec,
    SummaryColumn,
    TemplateBook,
    option_inputs,
    resolve_inputs,
)

OPTIONS = ("A", "B", "C")

INPUTS = (
    InputSpec("scenario", "Scenario", "text", "Illustrative case", "Name of the case"),
    InputSpec(
        "tasks_per_month", "Tasks", "tasks", 20_000, "Tasks in month 1", RULES["tasks_per_month"]
    ),
    InputSpec("months", "Horizon", "months", 36, "Months", RULES["months"]),
    InputSpec("monthly_growth", "Growth", "fraction", 0.0, "Growth", RULES["monthly_growth"]),
    InputSpec(
        "cost_per_error", "Error", "money", 10.0, "Cost of one error", RULES["cost_per_error"]
    ),
    *option_inputs(
        "name",
        "Name",
        "text",
        dict(zip(OPTIONS, ["Efficient", "Frontier", "Reasoning"], strict=True)),
        "Name",
    ),
    # The same default for every option: a scenario may leave these out.
    *(
        spec
        for key, label, unit, default, note in (
            ("cost_per_task", "Cost", "money", 0.01, "Cost per task"),
            ("accuracy", "Accuracy", "fraction", 0.9, "Accuracy"),
            ("upfront", "Build", "money", 0, "Scaffolding build"),
        )
        for spec in option_inputs(
            key, label, unit, dict.fromkeys(OPTIONS, default), note, rule=RULES[key]
        )
    ),
)

#: Inputs sheet: the shared inputs down column B from row 2; option rows from row 8.
_SHARED_ROWS = {
    "scenario": 2,
    "tasks_per_month": 3,
    "months": 4,
    "monthly_growth": 5,
    "cost_per_error": 6,
}
_OPTION_ROWS = {"name": 8, "cost_per_task": 9, "accuracy": 10, "upfront": 11}
_COLUMNS = dict(zip(OPTIONS, "BCD", strict=True))


class StandInTemplate:
    name = "standin"
    inputs = INPUTS
    scenario_input = "scenario"
    summary_by_option = True
    summary_columns = (
        SummaryColumn("Error cost per task", "calc.error_cost.{x}", "#,##0.0000"),
        SummaryColumn("TCO", "calc.tco.{x}", "#,##0.00"),
        SummaryColumn("Cost per correct result", "calc.cost_per_correct.{x}", "#,##0.0000"),
    )

    def build(self, values, path):
        book = TemplateBook(
            "standin", "Stand-in", INPUTS, resolve_inputs("standin", INPUTS, values)
        )
        for spec in INPUTS:
            if spec.option:
                cell = f"{_COLUMNS[spec.option]}{_OPTION_ROWS[spec.key]}"
            else:
                cell = f"B{_SHARED_ROWS[spec.name]}"
            book._write_input(spec, cell)
        book["Inputs"].freeze_panes = "B3"
        sheet = "Calculations"
        book.put(
            sheet,
            "B1",
            "=" + fx.discount_series("1+monthly_growth", "months", "0"),
            key="calc.volume_factor",
        )
        book.define("volume_factor", sheet, "B1")
        for letter, col in _COLUMNS.items():
            p = letter.lower() + "_"
            book.put(sheet, f"{col}2", f"={p}name", text_key=f"calc.name.{letter}")
            errors = fx.error_cost(f"{p}accuracy", "cost_per_error")
            book.put(sheet, f"{col}3", "=" + errors, key=f"calc.error_cost.{letter}")
            tco = fx.tco_closed(f"{p}upfront", "tasks_per_month", f"{p}cost_per_task+{col}3", None)
            book.put(sheet, f"{col}4", "=" + tco, key=f"calc.tco.{letter}")
            correct = fx.cost_per_correct(f"{p}cost_per_task", f"{p}accuracy")
            book.put(
                sheet,
                f"{col}5",
                f'=IF({p}accuracy>0,{correct},"no correct results")',
                key=f"calc.cost_per_correct.{letter}",
            )
        book.save(path)
        return book


STANDIN = StandInTemplate()


#: A scenario of the stand-in small enough to work out by hand: 12 months of
#: 1,000 tasks, no growth, 10 per error; three options.
BY_HAND = {
    "name": "by hand",
    "tasks_per_month": 1000,
    "months": 12,
    "monthly_growth": 0,
    "cost_per_error": 10,
    "options": [
        {"name": "efficient", "cost_per_task": 0.01, "accuracy": 0.9},
        {"name": "frontier", "cost_per_task": 0.05, "accuracy": 0.99},
        {"name": "built", "cost_per_task": 0.01, "accuracy": 0.99, "upfront": 50_000},
    ],
}
