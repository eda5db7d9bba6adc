"""tco_comparison.xlsx: efficient against frontier, total cost of ownership.

Up to four AI options side by side over a shared workload: what a task costs
(metered tokens or self-hosted GPUs, human review), what errors cost, the
scaffolding build and upkeep, a month-by-month timeline with growth and
discounting, the TCO, the cost per correct result, and the accuracy each
option needs to beat the reference option.

Formulas follow SPEC: TOKEN_COST, SELFHOST_COST, ERROR_COST, COST_PER_CORRECT,
TCO and BREAKEVEN_ACCURACY, written with classic worksheet functions only.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from openpyxl.chart import LineChart, Reference
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from .._validation import RULES
from ._monthly import TIMELINE_KEYS, add_factor_checks, factor_rows, workload_inputs, write_timeline
from ._workbook import (
    COUNT,
    MONEY,
    MONEY_PER_TASK,
    PERCENT,
    InputSpec,
    TemplateBook,
    option_inputs,
    resolve_inputs,
    text_literal,
)

__all__ = ["FILENAME", "INPUTS", "MAX_MONTHS", "OPTIONS", "TITLE", "build"]

FILENAME = "tco_comparison.xlsx"
TITLE = "Efficient vs frontier: total cost of ownership"
OPTIONS = ("A", "B", "C", "D")
#: The timeline has this many month columns; the horizon input may not exceed it.
MAX_MONTHS = 60
PRICING = ("API", "Self-hosted")
YES_NO = ("Yes", "No")

_PRICES = "list prices in USD per 1M tokens from the genai-prices 0.2.3 data, read 2026-11-28"
_FRACTION = RULES["accuracy"]
_AMOUNT = RULES["upfront"]
_WORKLOAD = "Workload (shared by all options)"
_MODEL = "Model and pricing"
_QUALITY = "Accuracy and errors"
_PEOPLE = "Review, scaffolding and fixed costs"


def _per_option(key, label, unit, values, description, rule="spec", fmt=MONEY, **extra):
    """A row of the option table; ``rule="spec"`` takes SPEC's allowed range for ``key``."""
    section = extra.pop("section", _MODEL)
    if extra.get("choices"):
        rule = None
    return option_inputs(
        key,
        label,
        unit,
        dict(zip(OPTIONS, values, strict=True)),
        description,
        rule=RULES[key] if rule == "spec" else rule,
        number_format=fmt,
        section=section,
        **extra,
    )


#: The one declaration of this template's inputs (defaults are illustrative).
INPUTS: list[InputSpec] = [
    *workload_inputs(
        _WORKLOAD,
        tasks=20_000,
        max_months=MAX_MONTHS,
        notes=[
            "How many tasks the workload has in month 1; later months grow by the monthly growth.",
            f"Number of months compared, 1 to {MAX_MONTHS} (the timeline's length).",
            "Growth of the task volume per month, compounding (2% = 0.02; negative shrinks).",
            "Effective annual rate for discounting future months (your cost of capital).",
        ],
    ),
    InputSpec(
        "reference_option",
        "Reference option",
        "letter",
        "C",
        "The option the others are compared with in the break-even accuracy (A, B, C or D).",
        choices=OPTIONS,
        number_format="@",
        section=_WORKLOAD,
    ),
    *_per_option(
        "name",
        "Option name",
        "text",
        [
            "Small open model, self-hosted",
            "Efficient API model",
            "Frontier API model",
            "Frontier model, heavy test-time compute",
        ],
        "A short name for the option; shown on Summary.",
        rule=None,
        fmt="@",
        sources={"B": "e.g. GPT-4o mini", "C": "e.g. Claude Sonnet 4", "D": "e.g. o1"},
    ),
    *_per_option(
        "include",
        "Include in the comparison",
        "Yes/No",
        ["Yes"] * 4,
        "No leaves the option out of the ranking and the sentences.",
        fmt="@",
        choices=YES_NO,
    ),
    *_per_option(
        "pricing",
        "Pricing",
        "API/Self-hosted",
        ["Self-hosted", "API", "API", "API"],
        "API: pay per token at the prices below. Self-hosted: pay for GPU time "
        "(GPU-hour price, throughput, utilisation).",
        fmt="@",
        choices=PRICING,
    ),
    *_per_option(
        "input_tokens",
        "Input tokens per call",
        "tokens",
        [2000, 2000, 2000, 2000],
        "Prompt tokens sent in one model call, context included.",
        fmt=COUNT,
    ),
    *_per_option(
        "output_tokens",
        "Output tokens per call",
        "tokens",
        [500, 500, 500, 500],
        "Tokens the model writes in one call, reasoning excluded.",
        fmt=COUNT,
    ),
    *_per_option(
        "reasoning_tokens",
        "Reasoning tokens per call",
        "tokens",
        [0, 0, 0, 8000],
        "Hidden test-time compute tokens per call; billed as output tokens.",
        fmt=COUNT,
    ),
    *_per_option(
        "calls",
        "Model calls per task",
        "calls",
        [3, 2, 1, 1],
        "Average calls per task: agent loops, retries, debate, validation passes.",
        fmt="#,##0.0",
    ),
    *_per_option(
        "input_price",
        "Input price",
        "money per 1M tokens",
        [0, 0.15, 3, 15],
        "Price per 1,000,000 input tokens (API pricing only).",
        sources={
            "B": f"OpenAI gpt-4o-mini, {_PRICES}",
            "C": f"Anthropic claude-sonnet-4-0, {_PRICES}",
            "D": f"OpenAI o1, {_PRICES}",
        },
    ),
    *_per_option(
        "output_price",
        "Output price",
        "money per 1M tokens",
        [0, 0.6, 15, 60],
        "Price per 1,000,000 output tokens, reasoning included (API pricing only).",
        sources={
            "B": f"OpenAI gpt-4o-mini, {_PRICES}",
            "C": f"Anthropic claude-sonnet-4-0, {_PRICES}",
            "D": f"OpenAI o1, {_PRICES}",
        },
    ),
    *_per_option(
        "cached_share",
        "Share of input from the prompt cache",
        "fraction",
        [0, 0.5, 0.5, 0.5],
        "Share of input tokens billed at the cached price (0 to 1).",
        fmt=PERCENT,
    ),
    *_per_option(
        "cached_price",
        "Cached input price",
        "money per 1M tokens",
        [0, 0.075, 0.3, 7.5],
        "Price per 1,000,000 input tokens read from the prompt cache.",
        sources={
            "B": f"OpenAI gpt-4o-mini, {_PRICES}",
            "C": f"Anthropic claude-sonnet-4-0, {_PRICES}",
            "D": f"OpenAI o1, {_PRICES}",
        },
    ),
    *_per_option(
        "gpu_hour_price",
        "GPU-hour price",
        "money per hour",
        [2.5, 0, 0, 0],
        "Cost of one GPU-hour, rented or owned (self-hosted pricing only).",
    ),
    *_per_option(
        "tokens_per_second",
        "GPU throughput",
        "tokens per second",
        [2500, 1000, 1000, 1000],
        "One GPU's sustained throughput, all requests together (self-hosted only).",
        fmt=COUNT,
    ),
    *_per_option(
        "utilization",
        "GPU utilisation",
        "fraction",
        [0.5, 1, 1, 1],
        "Share of paid GPU time doing useful work, above 0 and at most 1 (self-hosted only).",
        fmt=PERCENT,
    ),
    *_per_option(
        "accuracy",
        "Accuracy",
        "fraction",
        [0.9, 0.95, 0.99, 0.995],
        "Share of tasks done right (95% = 0.95). Measure it on your own tasks.",
        fmt=PERCENT,
        section=_QUALITY,
    ),
    *_per_option(
        "catch_rate",
        "Share of errors caught",
        "fraction",
        [0.6, 0.5, 0.3, 0.3],
        "Share of wrong results caught before they do harm (by validation or review).",
        fmt=PERCENT,
        section=_QUALITY,
    ),
    *_per_option(
        "cost_per_error",
        "Cost of an error not caught",
        "money per error",
        [40, 40, 40, 40],
        "What a wrong result that reaches a customer, a ledger or a regulator costs.",
        section=_QUALITY,
    ),
    *_per_option(
        "cost_per_caught_error",
        "Cost of a caught error",
        "money per error",
        [4, 4, 4, 4],
        "Rework cost of a wrong result that is caught.",
        section=_QUALITY,
    ),
    *_per_option(
        "review_share",
        "Share of tasks a person reviews",
        "fraction",
        [0.1, 0.05, 0.02, 0.01],
        "Share of tasks a person checks (0 to 1).",
        rule=_FRACTION,
        fmt=PERCENT,
        section=_PEOPLE,
    ),
    *_per_option(
        "review_cost",
        "Cost of one review",
        "money per review",
        [2, 2, 2, 2],
        "Loaded cost of a person checking one task.",
        rule=_AMOUNT,
        section=_PEOPLE,
    ),
    *_per_option(
        "build_hours",
        "Scaffolding build",
        "engineering hours",
        [1500, 600, 100, 100],
        "Hours to build validation loops, retrieval, evaluation harness (one-off).",
        rule=_AMOUNT,
        fmt=COUNT,
        section=_PEOPLE,
    ),
    *_per_option(
        "hourly_rate",
        "Loaded engineering rate",
        "money per hour",
        [120, 120, 120, 120],
        "Engineering cost per hour, overheads included.",
        rule=_AMOUNT,
        section=_PEOPLE,
    ),
    *_per_option(
        "monthly_maintenance",
        "Scaffolding maintenance",
        "money per month",
        [5000, 2500, 500, 500],
        "Upkeep of the scaffolding: fixes, re-evaluation, prompt and model updates.",
        rule=_AMOUNT,
        section=_PEOPLE,
    ),
    *_per_option(
        "monthly_fixed",
        "Other fixed costs",
        "money per month",
        [1500, 0, 0, 0],
        "Hosting, monitoring and licences that do not depend on volume.",
        section=_PEOPLE,
    ),
]

# Calculations layout: options in columns E to H, the timeline's months from column E.
_FIRST_COL = 5
_COLS = {letter: get_column_letter(_FIRST_COL + i) for i, letter in enumerate(OPTIONS)}
_MONTH_COLS = [get_column_letter(_FIRST_COL + m) for m in range(MAX_MONTHS)]


def build(inputs: Mapping[str, object] | None = None, path: str | Path = FILENAME) -> TemplateBook:
    """Write tco_comparison.xlsx with ``inputs`` over the defaults; returns the built book.

    ``inputs`` maps input names of :data:`INPUTS` to values; omitted ones
    take their default. Raises :class:`xlfuncs.InputError` for an unknown
    name or a value outside its allowed range.
    """
    values = resolve_inputs("tco_comparison", INPUTS, inputs)
    book = TemplateBook("tco_comparison", TITLE, INPUTS, values)
    book.write_inputs(
        "Type your own values in the yellow cells. The defaults are illustrative; list prices "
        "carry their source and date."
    )
    rows = _write_calculations(book)
    _write_summary(book, rows)
    _write_checks(book, rows)
    _write_about(book)
    book.save(path)
    return book


_PER_TASK_ROWS = [
    (
        "api_cost",
        "API cost per task (TOKEN_COST)",
        "money per task",
        "={p}calls*({p}input_tokens*((1-{p}cached_share)*{p}input_price"
        "+{p}cached_share*{p}cached_price)+({p}output_tokens+{p}reasoning_tokens)"
        "*{p}output_price)/1000000",
        MONEY_PER_TASK,
    ),
    (
        "tokens_per_task",
        "Tokens processed per task",
        "tokens",
        "={p}calls*({p}input_tokens+{p}output_tokens+{p}reasoning_tokens)",
        COUNT,
    ),
    (
        "selfhost_cost",
        "Self-hosted cost per task (SELFHOST_COST)",
        "money per task",
        "={p}gpu_hour_price*{tokens_per_task}/(3600*{p}tokens_per_second*{p}utilization)",
        MONEY_PER_TASK,
    ),
    (
        "model_cost",
        "Model cost per task, by pricing",
        "money per task",
        '=IF({p}pricing="Self-hosted",{selfhost_cost},{api_cost})',
        MONEY_PER_TASK,
    ),
    (
        "review_cost",
        "Human review cost per task",
        "money per task",
        "={p}review_share*{p}review_cost",
        MONEY_PER_TASK,
    ),
    (
        "running_cost",
        "Running cost per task (model and review)",
        "money per task",
        "={model_cost}+{review_cost}",
        MONEY_PER_TASK,
    ),
    (
        "cost_per_error_net",
        "Cost per error, caught errors at rework cost",
        "money per error",
        "=(1-{p}catch_rate)*{p}cost_per_error+{p}catch_rate*{p}cost_per_caught_error",
        MONEY,
    ),
    (
        "error_cost",
        "Error cost per task (ERROR_COST)",
        "money per task",
        "=(1-{p}accuracy)*{cost_per_error_net}",
        MONEY_PER_TASK,
    ),
    (
        "all_in_cost",
        "All-in cost per task",
        "money per task",
        "={running_cost}+{error_cost}",
        MONEY_PER_TASK,
    ),
    ("upfront", "Scaffolding build, upfront", "money", "={p}build_hours*{p}hourly_rate", MONEY),
    (
        "fixed",
        "Fixed cost per month",
        "money per month",
        "={p}monthly_maintenance+{p}monthly_fixed",
        MONEY,
    ),
    ("included", "Included (1 = yes)", "flag", '=IF({p}include="Yes",1,0)', "0"),
]
_SCALAR_KEYS = [
    "monthly_discount_rate",
    "volume_factor",
    "fixed_factor",
    "volume_factor_closed",
    "fixed_factor_closed",
    "reference_position",
]
_HORIZON_KEYS = [
    "tco",
    "cost_per_correct",
    "fixed_per_volume",
    "breakeven_accuracy",
    "rank",
    "included_count",
]


def _layout() -> dict[str, int]:
    """Row of every calculation on the Calculations sheet, by key."""
    rows: dict[str, int] = {"letter": 5, "name": 6}
    row = 7
    for key, *_ in _PER_TASK_ROWS:
        rows[key] = row
        row += 1
    rows["scalar_heading"] = row + 1
    row += 2
    for key in _SCALAR_KEYS:
        rows[key] = row
        row += 1
    rows["horizon_heading"] = row + 1
    row += 2
    for key in _HORIZON_KEYS:
        rows[key] = row
        row += 1
    row += 1
    for key in ("t_heading", *TIMELINE_KEYS, "t_tasks"):
        rows[key] = row
        row += 1
    for letter in OPTIONS:
        row += 1
        for kind in ("cost", "discounted", "cumulative"):
            rows[f"t_{kind}_{letter}"] = row
            row += 1
    return rows


def _write_calculations(book: TemplateBook) -> dict[str, int]:
    sheet = "Calculations"
    ws = book[sheet]
    book.sheet_title(sheet, "Calculations", "Formulas only; every input comes from a named cell.")
    rows = _layout()
    book.heading(sheet, 4, "Per option (columns E to H)", last_column=8)
    book.label(sheet, rows["letter"], "Option")
    book.label(sheet, rows["name"], "Name")
    for letter, col in _COLS.items():
        book.put_text(sheet, f"{col}{rows['letter']}", letter, style="bold")
        book.put(
            sheet,
            f"{col}{rows['name']}",
            f"={letter.lower()}_name",
            style="bold",
            text_key=f"calc.name.{letter}",
        )
    refs = {k: r for k, r in rows.items() if not k.startswith("t_") and k != "letter"}

    def option_row(
        key: str, label: str, unit: str, template: str, fmt: str, style: str = "calc"
    ) -> None:
        book.label(sheet, rows[key], label, unit)
        for letter, col in _COLS.items():
            formula = template.format(
                p=f"{letter.lower()}_",
                option_letter=text_literal(letter),
                **{k: f"{col}{r}" for k, r in refs.items()},
            )
            book.put(
                sheet,
                f"{col}{rows[key]}",
                formula,
                key=f"calc.{key}.{letter}",
                number_format=fmt,
                style=style,
            )

    for spec in _PER_TASK_ROWS:
        option_row(*spec)

    e = _COLS["A"]
    month_range = f"${_MONTH_COLS[0]}${{r}}:${_MONTH_COLS[-1]}${{r}}"
    letters = f"${_COLS['A']}${rows['letter']}:${_COLS['D']}${rows['letter']}"
    book.heading(
        sheet, rows["scalar_heading"], "Workload and discounting (column E)", last_column=8
    )
    factors = factor_rows(rows, _MONTH_COLS)
    scalars = [
        *factors.values(),
        (
            "reference_position",
            "Reference option's position (1 = A)",
            "position",
            f"=MATCH(reference_option,{letters},0)",
            "0",
        ),
    ]
    for key, label, unit, formula, fmt in scalars:
        book.label(sheet, rows[key], label, unit)
        book.put(sheet, f"{e}{rows[key]}", formula, key=f"calc.{key}", number_format=fmt)
        book.define(key, sheet, f"{e}{rows[key]}")

    def reference(key: str) -> str:
        return f"INDEX(${_COLS['A']}${rows[key]}:${_COLS['D']}${rows[key]},reference_position)"

    book.heading(
        sheet,
        rows["horizon_heading"],
        "Per option, over the horizon (columns E to H)",
        last_column=8,
    )
    book.label(sheet, rows["tco"], "TCO: build plus discounted monthly costs (TCO)", "money")
    for letter, col in _COLS.items():
        discounted = month_range.format(r=rows[f"t_discounted_{letter}"])
        book.put(
            sheet,
            f"{col}{rows['tco']}",
            f"={col}{rows['upfront']}+SUM({discounted})",
            key=f"calc.tco.{letter}",
            number_format=MONEY,
            style="output",
        )
    option_row(
        "cost_per_correct",
        "Cost per correct result (COST_PER_CORRECT)",
        "money per task",
        '=IF({p}accuracy>0,{running_cost}/{p}accuracy,"no correct results")',
        MONEY_PER_TASK,
    )
    option_row(
        "fixed_per_volume",
        "Build and fixed costs per unit of discounted volume",
        "money per month",
        "=({upfront}+{fixed}*fixed_factor)/volume_factor",
        MONEY,
    )
    premium = (
        f"{reference('all_in_cost')}-{{running_cost}}"
        f"+({reference('fixed_per_volume')}-{{fixed_per_volume}})/tasks_per_month"
    )
    option_row(
        "breakeven_accuracy",
        "Break-even accuracy against the reference (BREAKEVEN_ACCURACY)",
        "fraction",
        '=IF({option_letter}=reference_option,"reference",'
        'IF(OR(tasks_per_month=0,{cost_per_error_net}=0),"accuracy does not matter",'
        f"1-({premium})/{{cost_per_error_net}}))",
        PERCENT,
    )
    inc = f"${_COLS['A']}${rows['included']}:${_COLS['D']}${rows['included']}"
    tcos = f"${_COLS['A']}${rows['tco']}:${_COLS['D']}${rows['tco']}"
    book.label(sheet, rows["rank"], "Rank by TCO among included options (1 = cheapest)", "rank")
    for index, (letter, col) in enumerate(_COLS.items()):
        ties = "".join(
            f"+{c}{rows['included']}*({c}{rows['tco']}={col}{rows['tco']})"
            for c in list(_COLS.values())[:index]
        )
        formula = (
            f"=IF({col}{rows['included']}=1,1+SUMPRODUCT({inc},--({tcos}<{col}{rows['tco']}))"
            f'{ties},"")'
        )
        book.put(
            sheet, f"{col}{rows['rank']}", formula, key=f"calc.rank.{letter}", number_format="0"
        )
    book.label(sheet, rows["included_count"], "Options included", "count")
    book.put(
        sheet,
        f"{e}{rows['included_count']}",
        f"=SUM({inc})",
        key="calc.included_count",
        number_format="0",
    )
    book.define("options_included", sheet, f"{e}{rows['included_count']}")

    _write_timeline(book, rows)
    for column, width in {"A": 2, "B": 58, "C": 18, "D": 14}.items():
        ws.column_dimensions[column].width = width
    for col in _MONTH_COLS:
        ws.column_dimensions[col].width = 14
    ws.freeze_panes = "E4"
    return rows


def _write_timeline(book: TemplateBook, t: Mapping[str, int]) -> None:
    """Months across the columns, one formula per row; months past the horizon are zero."""
    sheet = "Calculations"
    book.heading(
        sheet,
        t["t_heading"],
        f"Monthly timeline (months 1 to {MAX_MONTHS} across; zero after the horizon)",
        last_column=_FIRST_COL + MAX_MONTHS - 1,
    )

    def row(key: str, label: str, unit: str, template: str, fmt: str, figure: str) -> None:
        book.period_row(sheet, t[key], label, unit, _MONTH_COLS, template, fmt, figure, fields=t)

    write_timeline(book, sheet, t, _MONTH_COLS)
    # Month 0 (column D) carries the upfront build in the cumulative rows and the chart.
    book.put(
        sheet,
        f"D{t['t_month']}",
        "=COLUMN()-COLUMN($D$1)",
        key="timeline.month.0",
        number_format="0",
    )
    row(
        "t_tasks",
        "Tasks",
        "tasks",
        "=tasks_per_month*{c}{t_growth}*{c}{t_in_horizon}",
        COUNT,
        "tasks",
    )
    for letter, col in _COLS.items():
        all_in, fixed, upfront = (f"${col}${t[key]}" for key in ("all_in_cost", "fixed", "upfront"))
        row(
            f"t_cost_{letter}",
            f"Option {letter}: cost in the month",
            "money",
            f"={{c}}{{t_tasks}}*{all_in}+{fixed}*{{c}}{{t_in_horizon}}",
            MONEY,
            f"cost.{letter}",
        )
        row(
            f"t_discounted_{letter}",
            f"Option {letter}: discounted cost",
            "money",
            f"={{c}}{{t_cost_{letter}}}*{{c}}{{t_discount}}",
            MONEY,
            f"discounted.{letter}",
        )
        r = t[f"t_cumulative_{letter}"]
        book.put(
            sheet,
            f"D{r}",
            f"={upfront}",
            key=f"timeline.cumulative.{letter}.0",
            number_format=MONEY,
        )
        row(
            f"t_cumulative_{letter}",
            f"Option {letter}: cumulative discounted cost (D: build)",
            "money",
            f"={{prev}}{{t_cumulative_{letter}}}+{{c}}{{t_discounted_{letter}}}",
            MONEY,
            f"cumulative.{letter}",
        )


def _option_range(rows: Mapping[str, int], key: str) -> str:
    return f"Calculations!${_COLS['A']}${rows[key]}:${_COLS['D']}${rows[key]}"


def _write_summary(book: TemplateBook, rows: Mapping[str, int]) -> None:
    sheet = "Summary"
    ws = book[sheet]
    book.summary_top("Illustrative default inputs: type your own on the Inputs sheet.")
    book.label(sheet, 5, "Horizon", "months")
    book.put(sheet, "D5", "=months", key="summary.months", number_format=COUNT)

    ranks, letters = _option_range(rows, "rank"), _option_range(rows, "letter")
    names, tcos = _option_range(rows, "name"), _option_range(rows, "tco")
    per_correct = _option_range(rows, "cost_per_correct")
    book.heading(sheet, 7, "Ranking by total cost of ownership (1 = cheapest)", last_column=12)
    for col, text in zip(
        "BCDEFG",
        ["Rank", "Option", "Name", "TCO", "More than the cheapest", "Cost per correct result"],
        strict=True,
    ):
        book.put_text(sheet, f"{col}8", text, style="bold")
    for k in range(1, len(OPTIONS) + 1):
        r = 8 + k
        book.put(sheet, f"B{r}", k, number_format="0")
        pick = f"MATCH({k},{ranks},0)"
        shown = f"{k}<=options_included"
        book.put(
            sheet,
            f"C{r}",
            f'=IF({shown},INDEX({letters},{pick}),"")',
            text_key=f"summary.rank_option.{k}",
        )
        book.put(
            sheet,
            f"D{r}",
            f'=IF({shown},INDEX({names},{pick}),"")',
            text_key=f"summary.rank_name.{k}",
        )
        book.put(
            sheet,
            f"E{r}",
            f'=IF({shown},INDEX({tcos},{pick}),"")',
            key=f"summary.rank_tco.{k}",
            number_format=MONEY,
            style="output",
        )
        book.put(
            sheet,
            f"F{r}",
            f'=IF({shown},E{r}-$E$9,"")',
            key=f"summary.rank_gap.{k}",
            number_format=MONEY,
        )
        book.put(
            sheet,
            f"G{r}",
            f'=IF({shown},INDEX({per_correct},{pick}),"")',
            key=f"summary.rank_cost_per_correct.{k}",
            number_format=MONEY_PER_TASK,
        )

    book.heading(sheet, 14, "Figures by option", last_column=12)
    columns = [
        ("C", "Name", "name", None),
        ("D", "Running cost per task", "running_cost", MONEY_PER_TASK),
        ("E", "Error cost per task", "error_cost", MONEY_PER_TASK),
        ("F", "All-in cost per task", "all_in_cost", MONEY_PER_TASK),
        ("G", "Scaffolding build", "upfront", MONEY),
        ("H", "Fixed cost per month", "fixed", MONEY),
        ("I", "TCO", "tco", MONEY),
        ("J", "Cost per correct result", "cost_per_correct", MONEY_PER_TASK),
        ("K", "Accuracy", None, PERCENT),
        ("L", "Break-even accuracy", "breakeven_accuracy", PERCENT),
    ]
    book.put_text(sheet, "B15", "Option", style="bold")
    for col, text, _, _ in columns:
        book.put_text(sheet, f"{col}15", text, style="bold")
        ws[f"{col}15"].alignment = Alignment(wrap_text=True, vertical="top")
    for index, letter in enumerate(OPTIONS):
        r = 16 + index
        calc_col = _COLS[letter]
        book.put_text(sheet, f"B{r}", letter, style="bold")
        for col, _, key, fmt in columns:
            if key == "name":
                book.put(
                    sheet,
                    f"{col}{r}",
                    f"=Calculations!{calc_col}{rows['name']}",
                    text_key=f"summary.name.{letter}",
                )
            elif key is None:
                book.put(
                    sheet,
                    f"{col}{r}",
                    f"={letter.lower()}_accuracy",
                    key=f"summary.accuracy.{letter}",
                    number_format=fmt,
                )
            else:
                book.put(
                    sheet,
                    f"{col}{r}",
                    f"=Calculations!{calc_col}{rows[key]}",
                    key=f"summary.{key}.{letter}",
                    number_format=fmt,
                    style="output" if key == "tco" else "calc",
                )

    book.plain_words(
        21, {f"sentence.{letter}": _sentence(letter, rows) for letter in OPTIONS}, last_column=12
    )

    chart = LineChart()
    chart.title = "Cumulative discounted cost by month (month 0: scaffolding build)"
    chart.y_axis.title = "Money"
    chart.x_axis.title = "Month"
    chart.y_axis.numFmt = "#,##0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    calc = book["Calculations"]
    for letter in OPTIONS:
        r = rows[f"t_cumulative_{letter}"]
        data = Reference(calc, min_col=4, max_col=_FIRST_COL + MAX_MONTHS - 1, min_row=r)
        chart.add_data(data, from_rows=True, titles_from_data=False)
    for series, letter in zip(chart.series, OPTIONS, strict=True):
        series.tx = SeriesLabel(strRef=StrRef(f"Calculations!${_COLS[letter]}${rows['name']}"))
        series.smooth = False
    months = Reference(
        calc, min_col=4, max_col=_FIRST_COL + MAX_MONTHS - 1, min_row=rows["t_month"]
    )
    chart.set_categories(months)
    chart.height, chart.width = 9, 24
    ws.add_chart(chart, "B27")

    for column, width in {"A": 2, "B": 10, "C": 34, "D": 34}.items():
        ws.column_dimensions[column].width = width
    for column in "EFGHIJKL":
        ws.column_dimensions[column].width = 15
    for header in (8, 15):
        ws.row_dimensions[header].height = 30
        for column in "BCDEFGHIJKL":
            ws[f"{column}{header}"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A4"


def _sentence(letter: str, rows: Mapping[str, int]) -> str:
    """One plain sentence per option, built by formula from the figures."""
    p, col = f"{letter.lower()}_", _COLS[letter]
    name = f"{p}name"
    ref_name = f"INDEX({_option_range(rows, 'name')},reference_position)"
    ref_tco = f"INDEX({_option_range(rows, 'tco')},reference_position)"
    tco = f"Calculations!{col}{rows['tco']}"
    rank = f"Calculations!{col}{rows['rank']}"
    be = f"Calculations!{col}{rows['breakeven_accuracy']}"
    accuracy = f'FIXED({p}accuracy*100,1)&"%"'
    is_text = f'{name}&" is left out of the comparison (Include is No)."'
    is_reference = (
        f'{name}&" is the reference option: TCO "&FIXED({tco},0)&" over "&months&'
        f'" months, rank "&{rank}&" of "&options_included&"."'
    )
    loses = (
        f'{name}&" costs more than "&{ref_name}&" at any accuracy, even 100%; it is "'
        f'&{accuracy}&"."'
    )
    wins = f'{name}&" costs less than "&{ref_name}&" at any accuracy; it is "&{accuracy}&"."'
    needs = (
        f'{name}&" must be at least "&FIXED({be}*100,1)&"% accurate to cost less than "'
        f'&{ref_name}&"; it is "&{accuracy}&"."'
    )
    flat = (
        f"{name}&\"'s accuracy does not change its cost (no tasks, or errors cost nothing): it "
        f'costs "&IF({tco}<{ref_tco},"less","more")&" than "&{ref_name}&"."'
    )
    return (
        f'IF({p}include<>"Yes",{is_text},IF({text_literal(letter)}=reference_option,{is_reference},'
        f"IF(ISNUMBER({be}),IF({be}>1,{loses},IF({be}<=0,{wins},{needs})),{flat})))"
    )


def _write_checks(book: TemplateBook, rows: Mapping[str, int]) -> None:
    book.add_input_checks()
    included = _option_range(rows, "included")
    book.add_check(
        "The reference option is one of the options and is included",
        f"IF(ISNUMBER(reference_position),INDEX({included},reference_position)=1,FALSE)",
    )
    book.add_check("At least one option is included", "options_included>=1")
    add_factor_checks(book)
    first, last = _MONTH_COLS[0], _MONTH_COLS[-1]
    ref_tco = f"INDEX({_option_range(rows, 'tco')},reference_position)"
    for letter, col in _COLS.items():
        tco = f"Calculations!{col}{rows['tco']}"
        costs = (
            f"Calculations!${first}${rows[f't_cost_{letter}']}:${last}${rows[f't_cost_{letter}']}"
        )
        discounts = f"Calculations!${first}${rows['t_discount']}:${last}${rows['t_discount']}"
        cumulative = (
            f"Calculations!${first}${rows[f't_cumulative_{letter}']}:"
            f"${last}${rows[f't_cumulative_{letter}']}"
        )
        book.add_check(
            f"Option {letter}: TCO equals the build plus the sum of discounted monthly costs",
            f"ABS({tco}-(Calculations!{col}{rows['upfront']}+SUMPRODUCT({costs},{discounts})))"
            f"<=0.000000001*MAX(1,ABS({tco}))",
        )
        book.add_check(
            f"Option {letter}: TCO equals the cumulative cost at the end of the horizon",
            f"ABS({tco}-INDEX({cumulative},months))<=0.000000001*MAX(1,ABS({tco}))",
        )
        be = f"Calculations!{col}{rows['breakeven_accuracy']}"
        book.add_check(
            f"Option {letter}: above its break-even accuracy it costs less than the reference",
            f"IF(ISNUMBER({be}),OR(ABS({letter.lower()}_accuracy-{be})<=0.000000001,"
            f"({letter.lower()}_accuracy>{be})=({tco}<{ref_tco})),TRUE)",
        )
    ranks = _option_range(rows, "rank")
    book.add_check(
        "Ranks run from 1 to the number of included options, each once",
        f"AND(SUM({ranks})=options_included*(options_included+1)/2,MAX({ranks})=options_included)",
    )
    book.write_checks()


def _write_about(book: TemplateBook) -> None:
    book.write_about(
        purpose=[
            "Compares up to four AI options on total cost of ownership (TCO): what each task "
            "costs in tokens or GPU time and human review, what errors cost, the scaffolding "
            "built around a model and its upkeep, over a horizon of months with growth and "
            "discounting.",
            "A model that is cheap per token can cost more in total once its errors and its "
            "scaffolding are counted; this workbook puts numbers on that, either way.",
        ],
        how_to=[
            "1. Go to Inputs and type your own values in the yellow cells (the defaults are "
            "illustrative; list prices carry their source and date).",
            "2. Pick the reference option the others are compared with.",
            "3. Read Summary: the ranking, the figures, a sentence per option, and the chart.",
            "4. If Summary says a check fails, the Checks sheet shows which one.",
        ],
        sheets={
            "Inputs": "every input, with its unit, a note, its allowed range (data "
            "validation) and, for public facts, the source.",
            "Calculations": "cost per task, error cost, build and fixed costs, TCO, cost per "
            "correct result, break-even accuracy and rank by option; below, "
            f"a {MAX_MONTHS}-month timeline with one formula per row.",
            "Summary": "ranking, figures, plain sentences and the cumulative cost chart.",
            "Checks": "inputs within their allowed ranges and the arithmetic cross-checked; "
            "one overall flag.",
        },
        notes=[
            "Formulas follow the xlfuncs function contract: TOKEN_COST, SELFHOST_COST, "
            "ERROR_COST, COST_PER_CORRECT, TCO and BREAKEVEN_ACCURACY, written with classic "
            "worksheet functions so the workbook calculates in Excel, LibreOffice and Google "
            "Sheets without an add-in.",
            "Month m's costs are discounted by (1 + r)^m with r = (1 + annual rate)^(1/12) - 1, "
            "as Excel's NPV does; the scaffolding build falls at month 0 and is not discounted.",
            "Break-even accuracy: the accuracy at which an option's TCO over the horizon equals "
            "the reference option's. Its build and fixed costs are spread over the discounted "
            "task volume so that the comparison matches the TCO ranking.",
            "Errors: a share of wrong results is caught and costs rework; the rest costs the "
            "full cost of an error.",
            "Money is one currency throughout; the default list prices are in US dollars.",
        ],
    )
