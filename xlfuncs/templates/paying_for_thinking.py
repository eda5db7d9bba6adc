"""test_time_compute.xlsx: paying for thinking.

Per case, a fast cheap model against a frontier model that spends heavy
test-time compute (the essay's example: 0.001 in 200 ms against 50 in three
minutes): expected cost per case with errors (ERROR_COST), expected net value
(NET_VALUE), cost per correct answer (COST_PER_CORRECT) and the cost of a
wrong answer above which thinking pays (BREAKEVEN_ERROR_COST).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from openpyxl.styles import Alignment

from .._validation import RULES, Rule
from . import _formula_builders as fx
from ._workbook import (
    COUNT,
    CURRENCY_NOTE,
    INPUT_KEY,
    MONEY,
    MONEY_PER_TASK,
    NAME_CHARS,
    PERCENT,
    SCENARIO_INPUT,
    InputSpec,
    RowWriter,
    SummaryColumn,
    TemplateBook,
    currency_input,
    option_inputs,
    scenario_input,
)

__all__ = [
    "FILENAME",
    "INPUTS",
    "MODELS",
    "SCENARIO_INPUT",
    "SUMMARY_BY_OPTION",
    "SUMMARY_COLUMNS",
    "SWEEP_COST",
    "TITLE",
    "build",
]

FILENAME = "test_time_compute.xlsx"
TITLE = "Paying for thinking: test-time compute per case"
#: F = fast, cheap model; T = frontier model thinking hard (test-time compute).
MODELS = ("F", "T")

_MODELS = "Models (F: fast and cheap, T: frontier with test-time compute)"
_CASE = "The case"
_ESSAY = "the essay's example (illustrative)"

INPUTS: list[InputSpec] = [
    scenario_input(),
    currency_input(),
    *option_inputs(
        "name",
        "Model",
        "text",
        {"F": "Fast, cheap model", "T": "Frontier model, thinking"},
        "A short name for the model; shown on Summary.",
        section=_MODELS,
        number_format="@",
    ),
    *option_inputs(
        "cost_per_case",
        "Cost per case",
        "¤ per case",
        {"F": 0.001, "T": 50},
        "What one answer costs: tokens, reasoning tokens, calls.",
        rule=RULES["cost_per_task"],
        number_format=MONEY_PER_TASK,
        sources={"F": _ESSAY, "T": _ESSAY},
        section=_MODELS,
    ),
    *option_inputs(
        "seconds_per_case",
        "Time per answer",
        "seconds",
        {"F": 0.2, "T": 180},
        "How long one answer takes (shown for information; not costed).",
        rule=Rule(low=0.0),
        number_format="#,##0.0",
        sources={"F": _ESSAY, "T": _ESSAY},
        section=_MODELS,
    ),
    *option_inputs(
        "accuracy",
        "Accuracy",
        "fraction",
        {"F": 0.95, "T": 0.99},
        "Share of cases answered right (95% = 0.95).",
        rule=RULES["accuracy"],
        number_format=PERCENT,
        section=_MODELS,
    ),
    InputSpec(
        "cost_per_error",
        "Cost of a wrong answer",
        "¤ per case",
        5000,
        "What a wrong answer costs: harm, liability, rework (illustrative).",
        RULES["cost_per_error"],
        number_format=MONEY,
        section=_CASE,
    ),
    InputSpec(
        "value_per_correct",
        "Value of a right answer",
        "¤ per case",
        500,
        "What a right answer is worth to you (illustrative).",
        RULES["value_per_correct"],
        number_format=MONEY,
        section=_CASE,
    ),
    InputSpec(
        "cases_per_month",
        "Cases per month",
        "cases",
        1000,
        "How many cases a month, to show monthly totals.",
        RULES["tasks_per_month"],
        number_format=COUNT,
        section=_CASE,
    ),
]


#: The batch summary: a row per scenario and model, these columns.
SUMMARY_BY_OPTION = True
SUMMARY_COLUMNS = (
    # The scenario's key inputs beside its results.
    SummaryColumn("Cases per month", f"{INPUT_KEY}cases_per_month", COUNT),
    SummaryColumn("Cost of a wrong answer", f"{INPUT_KEY}cost_per_error", MONEY),
    SummaryColumn("Value of a right answer", f"{INPUT_KEY}value_per_correct", MONEY),
    SummaryColumn("Expected cost per case", "summary.expected_cost.{x}", MONEY),
    SummaryColumn("Expected net value per case", "summary.net_value.{x}", MONEY),
    SummaryColumn("Break-even cost of a wrong answer", "summary.breakeven_error_cost", MONEY),
)
#: The figure a sweep compares the options by (the lowest is the cheapest option).
SWEEP_COST = "summary.expected_cost.{x}"


def build(inputs: Mapping[str, object] | None = None, path: str | Path = FILENAME) -> TemplateBook:
    """Write test_time_compute.xlsx with ``inputs`` over the defaults; returns the built book."""
    book = TemplateBook.with_inputs("test_time_compute", TITLE, INPUTS, inputs, option_word="model")
    sheet = "Calculations"
    calc = RowWriter(book, sheet, {"F": "E", "T": "F"})
    calc.heading("Per model (F: fast in column E, T: thinking in column F)")
    calc.header({m: f"={m.lower()}_name" for m in MODELS})
    calc.row(
        "error_cost",
        "Expected cost of wrong answers per case (ERROR_COST)",
        "¤ per case",
        "=" + fx.error_cost("{s}_accuracy", "cost_per_error"),
        MONEY,
        guard="{s}_inputs_ok",
    )
    calc.row(
        "expected_cost",
        "Expected cost per case, wrong answers included",
        "¤ per case",
        "=" + fx.all_in_cost("{s}_cost_per_case", "{col}{r[error_cost]}"),
        MONEY,
        guard="{s}_inputs_ok",
    )
    calc.row(
        "net_value",
        "Expected net value per case (NET_VALUE)",
        "¤ per case",
        "="
        + fx.net_value("value_per_correct", "{s}_accuracy", "{s}_cost_per_case", "cost_per_error"),
        MONEY,
        style="output",
        guard="{s}_inputs_ok",
    )
    calc.row(
        "cost_per_correct",
        "Cost per right answer, retrying wrong ones (COST_PER_CORRECT)",
        "¤ per case",
        "=IF({s}_accuracy>0,"
        + fx.cost_per_correct("{s}_cost_per_case", "{s}_accuracy")
        + ',"no right answers")',
        MONEY_PER_TASK,
        guard="{s}_inputs_ok",
    )
    calc.row(
        "monthly_net_value",
        "Net value per month",
        "¤ per month",
        "=" + fx.per_month("{col}{r[net_value]}", "cases_per_month"),
        MONEY,
        guard="{s}_inputs_ok",
    )
    calc.row(
        "waiting_hours",
        "Waiting time per month",
        "hours per month",
        "=" + fx.waiting_hours("cases_per_month", "{s}_seconds_per_case"),
        "#,##0.0",
        guard="{s}_inputs_ok",
    )
    calc.blank()
    calc.heading("Thinking against the fast model (column E)")
    one = {"F": "E"}
    think = RowWriter(book, sheet, one, row=calc.next)
    # What thinking costs more per case.
    premium = fx.frontier_premium("f_cost_per_case", "t_cost_per_case")
    think.row(
        "extra_value",
        "Extra net value per case from thinking",
        "¤ per case",
        f"=F{calc.rows['net_value']}-E{calc.rows['net_value']}",
        MONEY,
        name="extra_value_per_case",
        guard="inputs_ok",
    )
    think.row(
        "breakeven_error_cost",
        "Break-even cost of a wrong answer (BREAKEVEN_ERROR_COST)",
        "¤ per case",
        '=IF(t_accuracy=f_accuracy,"no break-even: equal accuracies",'
        + fx.breakeven_error_cost(premium, "f_accuracy", "t_accuracy")
        + ")",
        MONEY,
        name="breakeven_error_cost",
        guard="inputs_ok",
    )
    think.row(
        "breakeven_accuracy",
        "Accuracy the fast model needs to match (BREAKEVEN_ACCURACY)",
        "fraction",
        '=IF(cost_per_error=0,"no break-even: errors cost nothing",'
        + fx.breakeven_accuracy(premium, "t_accuracy", "cost_per_error")
        + ")",
        PERCENT,
        name="breakeven_accuracy",
        guard="inputs_ok",
    )
    think.row(
        "slowdown",
        "Thinking takes this many times as long",
        "times",
        "=IF(f_seconds_per_case>0,"
        + fx.slowdown("f_seconds_per_case", "t_seconds_per_case")
        + ',"not comparable")',
        "#,##0",
        guard="inputs_ok",
    )
    ws = book[sheet]
    for column, width in {"A": 2, "B": 62, "C": 18, "D": 4, "E": 22, "F": 22}.items():
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "E4"
    _write_summary(book, calc, think)
    _write_checks(book, calc)
    _write_about(book)
    book.save(path)
    return book


def _write_summary(book: TemplateBook, calc: RowWriter, think: RowWriter) -> None:
    sheet = "Summary"
    ws = book[sheet]
    book.summary_top("Illustrative default inputs: type your own on Inputs.")
    book.heading(sheet, 6, "Per case", last_column=8)
    book.put_text(sheet, "B7", "Figure", style="bold")
    for m, col in calc.columns.items():
        book.put(sheet, f"{col}7", f"={m.lower()}_name", style="bold", text_key=f"summary.name.{m}")
        book[sheet][f"{col}7"].alignment = Alignment(wrap_text=True, vertical="top")
        book.reserve(sheet, f"{col}7", NAME_CHARS)
    shown = [
        ("cost_per_case", "Cost per case", "¤ per case", "={s}_cost_per_case", MONEY_PER_TASK),
        ("accuracy", "Accuracy", "fraction", "={s}_accuracy", PERCENT),
        (
            "expected_cost",
            "Expected cost per case, wrong answers included",
            "¤ per case",
            None,
            MONEY,
        ),
        ("net_value", "Expected net value per case", "¤ per case", None, MONEY),
        ("cost_per_correct", "Cost per right answer", "¤ per case", None, MONEY_PER_TASK),
        ("monthly_net_value", "Net value per month", "¤ per month", None, MONEY),
    ]
    for offset, (key, label, unit, formula, fmt) in enumerate(shown):
        r = 8 + offset
        book.label(sheet, r, label, unit)
        for m, col in calc.columns.items():
            text = fx.filled(formula or f"=Calculations!{col}{calc.rows[key]}", s=m.lower())
            book.put(
                sheet,
                f"{col}{r}",
                text,
                key=f"summary.{key}.{m}",
                number_format=fmt,
                style="output" if key == "net_value" else "calc",
            )
    r = 8 + len(shown) + 1
    book.heading(sheet, r, "Thinking against the fast model", last_column=8)
    for offset, (key, label, unit, fmt) in enumerate(
        [
            ("extra_value", "Extra net value per case from thinking", "¤ per case", MONEY),
            ("breakeven_error_cost", "Break-even cost of a wrong answer", "¤ per case", MONEY),
            ("breakeven_accuracy", "Accuracy the fast model needs to match", "fraction", PERCENT),
        ]
    ):
        book.label(sheet, r + 1 + offset, label, unit)
        book.put(
            sheet,
            f"E{r + 1 + offset}",
            f"=Calculations!E{think.rows[key]}",
            key=f"summary.{key}",
            number_format=fmt,
            style="output",
        )
    # Which model is worth more is decided at TIE_DIGITS decimals of the larger net value.
    fast, thinking = (f"Calculations!{col}{calc.rows['net_value']}" for col in ("E", "F"))
    thinking_gain = fx.rounded_difference(thinking, fast, f"MAX(1,ABS({fast}),ABS({thinking}))")
    sentences = {
        "sentence.value": (
            '"Per case, thinking is worth "&FIXED(ABS(extra_value_per_case),2)&" ¤ "&'
            f"IF({thinking_gain}>=0,"
            '"more","less")&" than the fast answer: "&'
            'FIXED(t_cost_per_case,2)&" ¤ in "&FIXED(t_seconds_per_case,1)&" s against "&'
            'FIXED(f_cost_per_case,3)&" ¤ in "&FIXED(f_seconds_per_case,1)&" s."'
        ),
        "sentence.breakeven": (
            f"IF(ISNUMBER(breakeven_error_cost),IF({fx.rounded('breakeven_error_cost')}<0,"
            '"No cost of a wrong answer makes the two equal: one model is both cheaper and '
            'more accurate.",'
            'IF(t_accuracy>f_accuracy,"Thinking costs less overall when a wrong answer costs '
            'more than ","Thinking costs less overall only when a wrong answer costs less '
            'than ")&FIXED(ROUND(breakeven_error_cost,2),2)&" ¤; yours costs "&'
            'FIXED(cost_per_error,2)&" ¤."),'
            '"Both models are equally accurate: the cheaper one costs less at any cost of a '
            'wrong answer.")'
        ),
    }
    book.plain_words(r + 5, sentences, last_column=8)
    for column, width in {"A": 2, "B": 48, "C": 16, "D": 4, "E": 22, "F": 22}.items():
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A4"


def _write_checks(book: TemplateBook, calc: RowWriter) -> None:
    book.add_input_checks()
    e, f = (f"Calculations!{col}{calc.rows['expected_cost']}" for col in ("E", "F"))
    book.add_check(
        "Net value = accuracy x value - expected cost per case, for both models",
        "AND("
        + ",".join(
            f"ABS(Calculations!{col}{calc.rows['net_value']}-("
            + fx.value_of_correct(f"{m.lower()}_accuracy", "value_per_correct")
            + f"-Calculations!{col}{calc.rows['expected_cost']}))"
            f"<=0.000000001*MAX(1,ABS(Calculations!{col}{calc.rows['expected_cost']}))"
            for m, col in calc.columns.items()
        )
        + ")",
    )
    at = "breakeven_error_cost"
    fast, thinking = (
        fx.all_in_cost(f"{m}_cost_per_case", fx.error_cost(f"{m}_accuracy", at)) for m in "ft"
    )
    book.add_check(
        "At the break-even cost of a wrong answer both models cost the same per case",
        f"IF(ISNUMBER({at}),ABS({fast}-({thinking}))<=0.000000001*MAX(1,ABS({thinking})),TRUE)",
    )
    gain = fx.value_of_correct("t_accuracy-f_accuracy", "value_per_correct")
    book.add_check(
        "Extra value from thinking = accuracy gain x value of a right answer - extra expected "
        "cost per case",
        f"ABS(extra_value_per_case-({gain}-({f}-{e})))"
        f"<=0.000000001*MAX(1,ABS({e}),ABS({f}),value_per_correct)",
    )
    book.write_checks()


def _write_about(book: TemplateBook) -> None:
    book.write_about(
        purpose=[
            "Compares, per case, a fast and cheap model with a frontier model that spends "
            "heavy test-time compute (thinking) before it answers. The essay's example: 0.001 "
            "in 200 ms against 50 in three minutes. When a wrong answer is expensive, paying "
            "for thinking can be the cheaper choice.",
        ],
        how_to=[
            "1. On Inputs, type each model's cost, time and accuracy per case, and what a "
            "wrong answer costs and a right one is worth.",
            "2. Read Summary: expected cost and net value per case, the break-even cost of a "
            "wrong answer, and two sentences.",
        ],
        sheets={
            "Inputs": "both models and the case, with units, notes and allowed ranges.",
            "Calculations": "error cost, expected cost, net value and cost per right answer "
            "per model; the break-even points.",
            "Summary": "the figures and plain sentences.",
            "Checks": "inputs in range and the arithmetic cross-checked.",
        },
        notes=[
            "Net value per case = accuracy x value of a right answer - cost per case - (1 - "
            "accuracy) x cost of a wrong answer (NET_VALUE).",
            "Break-even cost of a wrong answer = (thinking cost - fast cost) / (thinking "
            "accuracy - fast accuracy) (BREAKEVEN_ERROR_COST).",
            CURRENCY_NOTE,
        ],
    )
