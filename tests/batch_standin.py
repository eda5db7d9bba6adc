"""A small template for the batch tests: the shape of a real one, a fraction of its size.

It follows the template conventions the batch relies on: one declaration of
inputs (option inputs carry an option letter and a row key), text written as
text even when it starts with ``=``, data validation from each input's rule,
formulas over the inputs, frozen panes, fixed timestamps.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from xlfuncs._validation import RULES, Rule, format_number
from xlfuncs.templates._workbook import deterministic_bytes

_FIXED_TIME = datetime.datetime(2025, 1, 1)


@dataclass(frozen=True)
class Input:
    name: str
    unit: str
    default: float | str
    description: str
    rule: Rule | None = None
    option: str | None = None
    key: str = ""


def _option_row(key, unit, defaults, description, rule=None):
    return [
        Input(f"{letter.lower()}_{key}", unit, value, description, rule, letter, key)
        for letter, value in zip("ABC", defaults, strict=True)
    ]


INPUTS = (
    Input("scenario", "text", "Illustrative case", "Name of the case"),
    Input("tasks_per_month", "tasks", 20_000, "Tasks in the first month", RULES["tasks_per_month"]),
    Input("months", "months", 36, "Horizon", RULES["months"]),
    Input("monthly_growth", "fraction", 0.0, "Monthly volume growth", RULES["monthly_growth"]),
    Input("cost_per_error", "money", 10.0, "Cost of one error", RULES["cost_per_error"]),
    *_option_row("name", "text", ["Efficient", "Frontier", "Reasoning"], "Option name"),
    # The same default for every option: a scenario may leave these out.
    *_option_row("cost_per_task", "money", [0.01] * 3, "Cost per task", RULES["cost_per_task"]),
    *_option_row("accuracy", "fraction", [0.9] * 3, "Accuracy", RULES["accuracy"]),
    *_option_row("upfront", "money", [0] * 3, "Scaffolding build", RULES["upfront"]),
)


def _write_text(cell, text):
    cell.value = text
    cell.data_type = "s"  # openpyxl would take a leading "=" for a formula
    if text[:1] in "=+-@":
        cell.quotePrefix = True


class StandInTemplate:
    name = "standin"
    inputs = INPUTS
    scenario_input = "scenario"

    def build(self, values, path):
        book = Workbook()
        inputs = book.active
        inputs.title = "Inputs"
        calc = book.create_sheet("Calculations")
        _write_text(inputs["A1"], "Inputs")
        _write_text(inputs["A2"], "Scenario")
        _write_text(inputs["B2"], values["scenario"])
        shared = [s for s in INPUTS if s.option is None and s.rule is not None]
        for row, spec in enumerate(shared, start=3):
            _write_text(inputs.cell(row, 1), spec.description)
            inputs.cell(row, 2, values[spec.name])
            validation = DataValidation(
                type="decimal", operator="greaterThanOrEqual", formula1=format_number(spec.rule.low)
            )
            validation.add(inputs.cell(row, 2).coordinate)
            inputs.add_data_validation(validation)
        keys = ["name", "cost_per_task", "accuracy", "upfront"]
        for row, key in enumerate(keys, start=8):
            _write_text(inputs.cell(row, 1), key)
            for column, letter in enumerate("ABC", start=2):
                value = values[f"{letter.lower()}_{key}"]
                cell = inputs.cell(row, column)
                if key == "name":
                    _write_text(cell, value)
                else:
                    cell.value = value
        inputs.freeze_panes = "B3"
        _write_text(calc["A1"], "TCO")
        for column, letter in enumerate("BCD", start=2):
            calc.cell(1, column, f"=Inputs!{letter}8")
            calc.cell(
                2,
                column,
                f"=Inputs!B6+Inputs!B3*Inputs!B4*({letter}9"
                f"+(1-Inputs!{letter}10)*Inputs!B6)+Inputs!{letter}11".replace(
                    f"({letter}9", f"(Inputs!{letter}9"
                ),
            )
        book.properties.created = _FIXED_TIME
        # Fixed times in the package too: every build of the same values gives the same bytes.
        Path(path).write_bytes(deterministic_bytes(book))


STANDIN = StandInTemplate()
