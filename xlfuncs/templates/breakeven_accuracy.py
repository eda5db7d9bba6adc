"""breakeven_accuracy.xlsx: when 95 % accuracy is a liability.

The accuracy an efficient model needs to cost no more than a frontier model
(SPEC's BREAKEVEN_ACCURACY), as a table of cost per error (rows) against the
frontier model's extra cost per task (columns), with the efficient model's
actual accuracy compared against every cell by conditional formatting; and
the cost per error above which the frontier model is cheaper
(BREAKEVEN_ERROR_COST).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from .._validation import POSITIVE, RULES
from . import _formula_builders as fx
from ._workbook import (
    COUNT,
    CURRENCY_NOTE,
    INPUT_KEY,
    MONEY,
    MONEY_PER_TASK,
    PERCENT,
    SCENARIO_INPUT,
    InputSpec,
    RowWriter,
    SummaryColumn,
    TemplateBook,
    currency_input,
    guarded,
    scenario_input,
)

__all__ = [
    "COST_GAPS",
    "ERROR_COSTS",
    "FILENAME",
    "INPUTS",
    "SCENARIO_INPUT",
    "SUMMARY_BY_OPTION",
    "SUMMARY_COLUMNS",
    "TITLE",
    "build",
]

FILENAME = "breakeven_accuracy.xlsx"
TITLE = "Break-even accuracy: when 95% accuracy is a liability"
#: Default axes of the table: cost per error (rows) and per-task cost gap (columns).
ERROR_COSTS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
COST_GAPS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2)

_CASE = "Your case"
_AXES = "Table axes"
_WINS = PatternFill("solid", fgColor="C6EFCE")
_LOSES = PatternFill("solid", fgColor="FFC7CE")

INPUTS: list[InputSpec] = [
    scenario_input(),
    currency_input(),
    InputSpec(
        "efficient_cost_per_task",
        "Efficient model: cost per task",
        "¤ per task",
        0.002,
        "What one task costs with the efficient model (tokens, calls, hosting).",
        RULES["efficient_cost_per_task"],
        number_format=MONEY_PER_TASK,
        section=_CASE,
    ),
    InputSpec(
        "efficient_accuracy",
        "Efficient model: accuracy",
        "fraction",
        0.95,
        "Share of tasks the efficient model gets right (95% = 0.95).",
        RULES["efficient_accuracy"],
        number_format=PERCENT,
        section=_CASE,
    ),
    InputSpec(
        "frontier_cost_per_task",
        "Frontier model: cost per task",
        "¤ per task",
        0.05,
        "What one task costs with the frontier model.",
        RULES["frontier_cost_per_task"],
        number_format=MONEY_PER_TASK,
        section=_CASE,
    ),
    InputSpec(
        "frontier_accuracy",
        "Frontier model: accuracy",
        "fraction",
        0.99,
        "Share of tasks the frontier model gets right.",
        RULES["frontier_accuracy"],
        number_format=PERCENT,
        section=_CASE,
    ),
    InputSpec(
        "cost_per_error",
        "Cost of one error",
        "¤ per error",
        10,
        "What a wrong result costs you: rework, refunds, penalties, lost customers (above 0).",
        POSITIVE,
        number_format=MONEY,
        section=_CASE,
    ),
    InputSpec(
        "efficient_monthly_fixed",
        "Efficient model: fixed cost per month",
        "¤ per month",
        0,
        "Fixed monthly cost of the efficient option, e.g. upkeep of its scaffolding.",
        RULES["efficient_monthly_fixed"],
        number_format=MONEY,
        section=_CASE,
    ),
    InputSpec(
        "frontier_monthly_fixed",
        "Frontier model: fixed cost per month",
        "¤ per month",
        0,
        "Fixed monthly cost of the frontier option.",
        RULES["frontier_monthly_fixed"],
        number_format=MONEY,
        section=_CASE,
    ),
    InputSpec(
        "tasks_per_month",
        "Tasks per month",
        "tasks",
        10_000,
        "Volume over which the fixed costs spread (above 0).",
        POSITIVE,
        number_format=COUNT,
        section=_CASE,
    ),
    *[
        InputSpec(
            f"table_error_cost_{i}",
            f"Table row {i}: cost per error",
            "¤ per error",
            value,
            "A cost per error for a row of the table (above 0).",
            POSITIVE,
            number_format=MONEY,
            section=_AXES,
        )
        for i, value in enumerate(ERROR_COSTS, start=1)
    ],
    *[
        InputSpec(
            f"table_cost_gap_{j}",
            f"Table column {j}: extra cost per task",
            "¤ per task",
            value,
            "How much more the frontier model costs per task, for a column of the table.",
            RULES["cost_per_task"],
            number_format=MONEY_PER_TASK,
            section=_AXES,
        )
        for j, value in enumerate(COST_GAPS, start=1)
    ],
]

_FIRST_COL = 5  # column E: the first column of the table

#: The batch summary: a row per scenario, these columns.
SUMMARY_BY_OPTION = False
SUMMARY_COLUMNS = (
    # The scenario's key inputs beside its results.
    SummaryColumn("Tasks per month", f"{INPUT_KEY}tasks_per_month", COUNT),
    SummaryColumn("Cost per error", "summary.cost_per_error", MONEY),
    SummaryColumn("Break-even accuracy", "summary.breakeven_accuracy", "0.00%"),
    SummaryColumn("Break-even cost per error", "summary.breakeven_error_cost", MONEY),
)


def build(inputs: Mapping[str, object] | None = None, path: str | Path = FILENAME) -> TemplateBook:
    """Write breakeven_accuracy.xlsx with ``inputs`` over the defaults; returns the built book."""
    book = TemplateBook.with_inputs("breakeven_accuracy", TITLE, INPUTS, inputs)
    calc = RowWriter(book, "Calculations", {"E": "E"})
    calc.heading("Your case (column E)")
    premium = fx.frontier_premium(
        "efficient_cost_per_task",
        "frontier_cost_per_task",
        "efficient_monthly_fixed",
        "frontier_monthly_fixed",
        "tasks_per_month",
    )
    calc.row(
        "frontier_premium",
        "Frontier premium per task, fixed costs spread",
        "¤ per task",
        f"={premium}",
        MONEY_PER_TASK,
        name="frontier_premium",
        guard="inputs_ok",
    )
    calc.row(
        "breakeven_accuracy",
        "Break-even accuracy of the efficient model (BREAKEVEN_ACCURACY)",
        "fraction",
        "=" + fx.breakeven_accuracy("frontier_premium", "frontier_accuracy", "cost_per_error"),
        PERCENT,
        name="breakeven_accuracy",
        guard="inputs_ok",
    )
    calc.row(
        "breakeven_error_cost",
        "Break-even cost per error (BREAKEVEN_ERROR_COST)",
        "¤ per error",
        '=IF(frontier_accuracy=efficient_accuracy,"no break-even: equal accuracies",'
        + fx.breakeven_error_cost("frontier_premium", "efficient_accuracy", "frontier_accuracy")
        + ")",
        MONEY,
        name="breakeven_error_cost",
        guard="inputs_ok",
    )
    for model in ("efficient", "frontier"):
        calc.row(
            f"{model}_monthly_cost",
            f"{model.capitalize()} model: monthly cost, errors included",
            "¤ per month",
            "=" + _monthly_cost(model, f"{model}_accuracy", "cost_per_error"),
            MONEY,
            name=f"{model}_monthly_cost",
            guard="inputs_ok",
        )
    calc.blank()
    table_top = calc.next
    _write_table(book, "Calculations", table_top, key_prefix="calc.table")
    book["Calculations"].freeze_panes = "E4"
    _write_summary(book)
    _write_checks(book)
    _write_about(book)
    book.save(path)
    return book


def _monthly_cost(model: str, accuracy: str, cost_per_error: str) -> str:
    """A model's monthly cost, errors included, at ``accuracy`` and ``cost_per_error``."""
    return fx.monthly_cost(
        "tasks_per_month",
        fx.all_in_cost(f"{model}_cost_per_task", fx.error_cost(accuracy, cost_per_error)),
        f"{model}_monthly_fixed",
    )


def _write_table(book: TemplateBook, sheet: str, top: int, *, key_prefix: str) -> None:
    """The break-even accuracy table with its axes, coloured against the actual accuracy."""
    ws = book[sheet]
    last = _FIRST_COL + len(COST_GAPS) - 1
    book.heading(
        sheet,
        top,
        "Break-even accuracy: cost per error (rows) x frontier's extra cost per task (columns)",
        last_column=last,
    )
    book.put_text(sheet, f"B{top + 1}", "Cost per error \\ extra cost per task", style="bold")
    book.put_text(sheet, f"C{top + 1}", "¤", style="unit")
    for j in range(1, len(COST_GAPS) + 1):
        col = get_column_letter(_FIRST_COL + j - 1)
        book.put(
            sheet,
            f"{col}{top + 1}",
            f"=table_cost_gap_{j}",
            key=f"{key_prefix}.gap.{j}",
            number_format=MONEY_PER_TASK,
            style="bold",
        )
    for i in range(1, len(ERROR_COSTS) + 1):
        r = top + 1 + i
        book.put(
            sheet,
            f"D{r}",
            f"=table_error_cost_{i}",
            key=f"{key_prefix}.error_cost.{i}",
            number_format=MONEY,
            style="bold",
        )
        for j in range(1, len(COST_GAPS) + 1):
            col = get_column_letter(_FIRST_COL + j - 1)
            premium = fx.frontier_premium(
                None,
                f"{col}${top + 1}",
                "efficient_monthly_fixed",
                "frontier_monthly_fixed",
                "tasks_per_month",
            )
            formula = guarded(
                "=" + fx.breakeven_accuracy(premium, "frontier_accuracy", f"$D{r}"), "inputs_ok"
            )
            book.put(
                sheet, f"{col}{r}", formula, key=f"{key_prefix}.{i}.{j}", number_format=PERCENT
            )
    first = f"{get_column_letter(_FIRST_COL)}{top + 2}"
    area = f"{first}:{get_column_letter(last)}{top + 1 + len(ERROR_COSTS)}"
    ws.conditional_formatting.add(area, FormulaRule([f"efficient_accuracy>={first}"], fill=_WINS))
    ws.conditional_formatting.add(area, FormulaRule([f"efficient_accuracy<{first}"], fill=_LOSES))
    note = top + 2 + len(ERROR_COSTS)
    book.put_text(
        sheet,
        f"B{note}",
        "Green: the efficient model's accuracy reaches the "
        "break-even, so it costs less. Red: the frontier model costs less. "
        "Above 100%: the efficient model loses at any accuracy.",
        style="wrapped_note",
    )
    ws.merge_cells(f"B{note}:{get_column_letter(last)}{note}")
    # Column D's amounts carry their currency code: "1,234,567.89 EUR".
    for column, width in {"A": 2, "B": 52, "C": 16, "D": 18}.items():
        ws.column_dimensions[column].width = width
    for j in range(len(COST_GAPS)):
        # The first also holds Summary's amounts, with their currency code.
        ws.column_dimensions[get_column_letter(_FIRST_COL + j)].width = 18 if j == 0 else 12


def _write_summary(book: TemplateBook) -> None:
    sheet = "Summary"
    ws = book[sheet]
    book.summary_top("Illustrative default inputs: type your own on Inputs.")
    book.heading(sheet, 6, "Your case", last_column=12)
    rows = [
        (
            "breakeven_accuracy",
            "Break-even accuracy of the efficient model",
            "fraction",
            "=breakeven_accuracy",
            PERCENT,
        ),
        ("efficient_accuracy", "Its actual accuracy", "fraction", "=efficient_accuracy", PERCENT),
        (
            "breakeven_error_cost",
            "Break-even cost per error",
            "¤ per error",
            "=breakeven_error_cost",
            MONEY,
        ),
        ("cost_per_error", "Your cost per error", "¤ per error", "=cost_per_error", MONEY),
        (
            "efficient_monthly_cost",
            "Efficient model: monthly cost, errors included",
            "¤ per month",
            "=efficient_monthly_cost",
            MONEY,
        ),
        (
            "frontier_monthly_cost",
            "Frontier model: monthly cost, errors included",
            "¤ per month",
            "=frontier_monthly_cost",
            MONEY,
        ),
    ]
    for offset, (key, label, unit, formula, fmt) in enumerate(rows):
        r = 7 + offset
        book.label(sheet, r, label, unit)
        book.put(sheet, f"E{r}", formula, key=f"summary.{key}", number_format=fmt, style="output")
    words = 7 + len(rows) + 1
    book.plain_words(words, _sentences(), last_column=12)
    _write_table(book, sheet, words + 4, key_prefix="summary.table")
    ws.freeze_panes = "A4"


def _sentences() -> dict[str, str]:
    acc = 'FIXED(efficient_accuracy*100,1)&"%"'
    be = 'FIXED(breakeven_accuracy*100,1)&"%"'
    cost = 'FIXED(cost_per_error,2)&" ¤"'
    # The break-even is compared at TIE_DIGITS decimals, as every engine rounds it.
    rounded = fx.rounded("breakeven_accuracy")
    accuracy_sentence = (
        f'IF({rounded}>1,"At a cost per error of "&{cost}&" the efficient model '
        f'costs more than the frontier model at any accuracy, even 100%.",'
        f'IF({rounded}<=0,"At a cost per error of "&{cost}&" the efficient model '
        f'costs less than the frontier model at any accuracy.",'
        f'"At a cost per error of "&{cost}&" the efficient model must be at least "&{be}&'
        f'" accurate to cost no more than the frontier model; it is "&{acc}&", so "&'
        f"IF({fx.rounded_difference('efficient_accuracy', 'breakeven_accuracy', '1')}>=0,"
        f'"the efficient model costs less.","the frontier model costs less.")))'
    )
    error_sentence = (
        f"IF(ISNUMBER(breakeven_error_cost),IF({fx.rounded('breakeven_error_cost')}<0,"
        '"No cost per error makes the two cost the same: "&IF(frontier_accuracy>'
        'efficient_accuracy,"the frontier model is cheaper and more accurate.",'
        '"the efficient model is cheaper and more accurate."),'
        'IF(frontier_accuracy>efficient_accuracy,"The frontier model costs less overall when '
        'an error costs more than ","The frontier model costs less overall only when an error '
        'costs less than ")&FIXED(breakeven_error_cost,2)&" ¤; yours costs "&'
        'FIXED(cost_per_error,2)&" ¤."),'
        '"Both models are equally accurate, so the cheaper per task wins at any cost per '
        'error.")'
    )
    return {"sentence.accuracy": accuracy_sentence, "sentence.error_cost": error_sentence}


def _write_checks(book: TemplateBook) -> None:
    book.add_input_checks()
    tolerance = "0.000000001*MAX(1,ABS(frontier_monthly_cost))"
    at_breakeven = _monthly_cost("efficient", "breakeven_accuracy", "cost_per_error")
    book.add_check(
        "At the break-even accuracy the efficient model's monthly cost equals the frontier's",
        f"ABS({at_breakeven}-frontier_monthly_cost)<={tolerance}",
    )
    efficient = _monthly_cost("efficient", "efficient_accuracy", "breakeven_error_cost")
    frontier = _monthly_cost("frontier", "frontier_accuracy", "breakeven_error_cost")
    book.add_check(
        "At the break-even cost per error both models cost the same per month",
        f"IF(ISNUMBER(breakeven_error_cost),ABS({efficient}-({frontier}))<="
        f"0.000000001*MAX(1,ABS({frontier})),TRUE)",
    )
    book.write_checks()


def _write_about(book: TemplateBook) -> None:
    book.write_about(
        purpose=[
            "Shows how accurate a cheap, efficient model must be before it really costs less "
            "than a frontier model, once each error's cost is counted: a model that is 95% "
            "accurate can be a liability when errors are expensive.",
        ],
        how_to=[
            "1. On Inputs, type both models' cost per task and accuracy, your cost per error "
            "and, if any, fixed monthly costs and the volume.",
            "2. Adjust the table axes (costs per error and extra costs per task) to your range.",
            "3. Read Summary: the break-even figures, two sentences, and the table, green "
            "where the efficient model's accuracy is enough and red where it is not.",
        ],
        sheets={
            "Inputs": "your case and the table axes, with units, notes and allowed ranges.",
            "Calculations": "break-even accuracy and cost per error for your case, monthly "
            "costs, and the table.",
            "Summary": "the figures in plain words and the coloured table.",
            "Checks": "inputs in range; the break-even points really equalise the costs.",
        },
        notes=[
            "Break-even accuracy = frontier accuracy - (frontier cost per task - efficient "
            "cost per task + (frontier fixed - efficient fixed) / tasks) / cost per error "
            "(BREAKEVEN_ACCURACY). Above 100%: the efficient model loses at any accuracy.",
            "Break-even cost per error = the same premium / (frontier accuracy - efficient "
            "accuracy) (BREAKEVEN_ERROR_COST); none when the accuracies are equal.",
            CURRENCY_NOTE,
        ],
    )
