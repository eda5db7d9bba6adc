"""The Calculations sheet of tco_comparison.xlsx: per-option figures and the monthly timeline.

Options A to D in columns E to H: cost per task (TOKEN_COST, SELFHOST_COST,
review), error cost (ERROR_COST), build and fixed costs, the TCO, cost per
correct result (COST_PER_CORRECT), break-even accuracy against the reference
option (BREAKEVEN_ACCURACY) and the rank; below, the months across with each
option's cost, discounted cost and cumulative cost.
"""

from __future__ import annotations

from collections.abc import Mapping

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from .._currency import CURRENCY_SIGN
from . import _formula_builders as fx
from ._monthly import TIMELINE_KEYS, factor_rows, write_timeline
from ._tco_inputs import MAX_MONTHS, OPTIONS
from ._workbook import (
    CHECK_INPUT,
    COUNT,
    MONEY,
    MONEY_PER_TASK,
    NAME_CHARS,
    PERCENT,
    TemplateBook,
    guarded,
    text_literal,
)

__all__ = [
    "COLS",
    "FIRST_COL",
    "MONTH_COLS",
    "month_range",
    "option_cell",
    "option_range",
    "write_calculations",
]

# Calculations layout: options in columns E to H, the timeline's months from column E.
FIRST_COL = 5
COLS = {letter: get_column_letter(FIRST_COL + i) for i, letter in enumerate(OPTIONS)}
MONTH_COLS = [get_column_letter(FIRST_COL + m) for m in range(MAX_MONTHS)]


#: Per-1M-token prices in the workbook's currency (three decimals tell them apart).
_PRICE = f'#,##0.000 "{CURRENCY_SIGN}"'

_PER_TASK_ROWS = [
    *(
        (
            f"{kind}_price_here",
            f"{label} (the USD price x the US-dollar rate)",
            f"{CURRENCY_SIGN} per 1M tokens",
            "=" + fx.from_usd("{p}" + f"{kind}_price", "usd_rate"),
            _PRICE,
        )
        for kind, label in (
            ("input", "Input price"),
            ("output", "Output price"),
            ("cached", "Cached input price"),
        )
    ),
    (
        "api_cost",
        "API cost per task (TOKEN_COST)",
        "¤ per task",
        "="
        + fx.token_cost(
            *(
                arg if arg.startswith("{") else "{p}" + arg
                for arg in (
                    "input_tokens",
                    "output_tokens",
                    "{input_price_here}",
                    "{output_price_here}",
                    "reasoning_tokens",
                    "calls",
                    "cached_share",
                    "{cached_price_here}",
                )
            ),
        ),
        MONEY_PER_TASK,
    ),
    (
        "tokens_per_task",
        "Tokens processed per task",
        "tokens",
        "="
        + fx.tokens_per_task(
            "{p}calls", "{p}input_tokens", "{p}output_tokens", "{p}reasoning_tokens"
        ),
        COUNT,
    ),
    (
        "selfhost_cost",
        "Self-hosted cost per task (SELFHOST_COST)",
        "¤ per task",
        "="
        + fx.selfhost_cost(
            "{p}gpu_hour_price", "{tokens_per_task}", "{p}tokens_per_second", "{p}utilization"
        ),
        MONEY_PER_TASK,
    ),
    (
        "model_cost",
        "Model cost per task, by pricing",
        "¤ per task",
        '=IF({p}pricing="Self-hosted",{selfhost_cost},{api_cost})',
        MONEY_PER_TASK,
    ),
    (
        "review_cost",
        "Human review cost per task",
        "¤ per task",
        "=" + fx.review_cost("{p}review_share", "{p}review_cost"),
        MONEY_PER_TASK,
    ),
    (
        "running_cost",
        "Running cost per task (model and review)",
        "¤ per task",
        "={model_cost}+{review_cost}",
        MONEY_PER_TASK,
    ),
    (
        "cost_per_error_net",
        "Cost per error, caught errors at rework cost",
        "¤ per error",
        "="
        + fx.blended_error_cost("{p}cost_per_error", "{p}catch_rate", "{p}cost_per_caught_error"),
        MONEY,
    ),
    (
        "error_cost",
        "Error cost per task (ERROR_COST)",
        "¤ per task",
        "=" + fx.error_cost("{p}accuracy", "{cost_per_error_net}"),
        MONEY_PER_TASK,
    ),
    (
        "all_in_cost",
        "All-in cost per task",
        "¤ per task",
        "=" + fx.all_in_cost("{running_cost}", "{error_cost}"),
        MONEY_PER_TASK,
    ),
    (
        "upfront",
        "Scaffolding build, upfront",
        "¤",
        "=" + fx.labour_cost("{p}build_hours", "{p}hourly_rate"),
        MONEY,
    ),
    (
        "fixed",
        "Fixed cost per month",
        "¤ per month",
        "={p}monthly_maintenance+{p}monthly_fixed",
        MONEY,
    ),
    ("included", "Included (1 = yes)", "flag", '=IF({p}include="Yes",1,0)', "0"),
    ("inputs_allowed", "Inputs allowed (1 = yes)", "flag", "=IF({p}inputs_ok,1,0)", "0"),
]
#: Rows shown whatever the inputs: the rest show "check input" when an input fails its check.
_UNGUARDED = ("included", "inputs_allowed")
_SCALAR_KEYS = [
    "monthly_discount_rate",
    "volume_factor",
    "fixed_factor",
    "volume_factor_closed",
    "fixed_factor_closed",
    "reference_position",
    "tie_scale",
]
_HORIZON_KEYS = [
    "tco",
    "cost_per_correct",
    "fixed_per_volume",
    "breakeven_accuracy",
    "ranked",
    "ranked_abs_tco",
    "tie_key",
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
    row += 1
    for letter in OPTIONS:
        rows[f"t_chart_{letter}"] = row
        row += 1
    return rows


def write_calculations(book: TemplateBook) -> dict[str, int]:
    sheet = "Calculations"
    ws = book[sheet]
    rows = _layout()
    book.heading(sheet, 4, "Per option (columns E to H)", last_column=8)
    book.label(sheet, rows["letter"], "Option")
    book.label(sheet, rows["name"], "Name")
    for letter, col in COLS.items():
        book.put_text(sheet, f"{col}{rows['letter']}", letter, style="bold")
        book.put(
            sheet,
            f"{col}{rows['name']}",
            f"={letter.lower()}_name",
            style="bold",
            text_key=f"calc.name.{letter}",
        )
        ws[f"{col}{rows['name']}"].alignment = Alignment(wrap_text=True, vertical="top")
        book.reserve(sheet, f"{col}{rows['name']}", NAME_CHARS)
    refs = {k: r for k, r in rows.items() if not k.startswith("t_") and k != "letter"}

    def option_row(
        key: str,
        label: str,
        unit: str,
        template: str,
        fmt: str,
        style: str = "calc",
        guard: str | None = "{p}inputs_ok",
    ) -> None:
        book.label(sheet, rows[key], label, unit)
        for letter, col in COLS.items():
            fields = {
                "p": f"{letter.lower()}_",
                "option_letter": text_literal(letter),
                **{k: f"{col}{r}" for k, r in refs.items()},
            }
            formula = fx.filled(template, **fields)
            if guard:
                formula = guarded(formula, guard.format(**fields))
            book.put(
                sheet,
                f"{col}{rows[key]}",
                formula,
                key=f"calc.{key}.{letter}",
                number_format=fmt,
                style=style,
            )

    for key, *spec in _PER_TASK_ROWS:
        option_row(key, *spec, guard=None if key in _UNGUARDED else "{p}inputs_ok")

    e = COLS["A"]
    letters = f"${COLS['A']}${rows['letter']}:${COLS['D']}${rows['letter']}"
    book.heading(
        sheet, rows["scalar_heading"], "Workload and discounting (column E)", last_column=8
    )
    factors = factor_rows(rows, MONTH_COLS)
    scalars = [
        *factors.values(),
        (
            "reference_position",
            "Reference option's position (1 = A)",
            "position",
            f"=MATCH(reference_option,{letters},0)",
            "0",
        ),
        (
            "tie_scale",
            "Scale of the ranking: the largest ranked TCO, at least 1",
            "¤",
            f"=MAX(1,{_row_range(rows, 'ranked_abs_tco')})",
            MONEY,
        ),
    ]
    for key, label, unit, formula, fmt in scalars:
        book.label(sheet, rows[key], label, unit)
        book.put(sheet, f"{e}{rows[key]}", formula, key=f"calc.{key}", number_format=fmt)
        book.define(key, sheet, f"{e}{rows[key]}")

    def reference(key: str) -> str:
        return f"INDEX(${COLS['A']}${rows[key]}:${COLS['D']}${rows[key]},reference_position)"

    book.heading(
        sheet,
        rows["horizon_heading"],
        "Per option, over the horizon (columns E to H)",
        last_column=8,
    )
    book.label(sheet, rows["tco"], "TCO: build plus discounted monthly costs (TCO)", "¤")
    for letter, col in COLS.items():
        tco = fx.tco_closed(
            f"{col}{rows['upfront']}",
            "tasks_per_month",
            f"{col}{rows['all_in_cost']}",
            f"{col}{rows['fixed']}",
        )
        book.put(
            sheet,
            f"{col}{rows['tco']}",
            guarded(f"={tco}", f"{letter.lower()}_inputs_ok"),
            key=f"calc.tco.{letter}",
            number_format=MONEY,
            style="output",
        )
    option_row(
        "cost_per_correct",
        "Cost per correct result (COST_PER_CORRECT)",
        "¤ per task",
        "=IF({p}accuracy>0,"
        + fx.cost_per_correct("{running_cost}", "{p}accuracy")
        + ',"no correct results")',
        MONEY_PER_TASK,
    )
    option_row(
        "fixed_per_volume",
        "Build and fixed costs per unit of discounted volume",
        "¤ per month",
        "=" + fx.fixed_per_volume("{upfront}", "{fixed}"),
        MONEY,
    )
    # The option is the "efficient" side, the reference the "frontier" side whose
    # accuracy is folded into its all-in cost (frontier accuracy 1).
    premium = fx.frontier_premium(
        "{running_cost}",
        reference("all_in_cost"),
        "{fixed_per_volume}",
        reference("fixed_per_volume"),
        "tasks_per_month",
    )
    option_row(
        "breakeven_accuracy",
        "Break-even accuracy against the reference (BREAKEVEN_ACCURACY)",
        "fraction",
        '=IF({option_letter}=reference_option,"reference",'
        f"IF({reference('inputs_allowed')}<>1,{CHECK_INPUT},"
        'IF(OR(tasks_per_month=0,{cost_per_error_net}=0),"accuracy does not matter",'
        f"{fx.breakeven_accuracy(premium, '1', '{cost_per_error_net}')})))",
        PERCENT,
    )
    # The ranking compares TCOs as shares of the largest, rounded (TIE_DIGITS): every
    # engine then sees the same ties. Left-out options and those whose inputs fail
    # their checks are not ranked.
    option_row(
        "ranked",
        "Ranked: included, inputs allowed (1 = yes)",
        "flag",
        "=IF(AND({included}=1,{inputs_allowed}=1),1,0)",
        "0",
        guard=None,
    )
    option_row(
        "ranked_abs_tco",
        "Size of a ranked option's TCO",
        "¤",
        "=IF({ranked}=1,ABS({tco}),0)",
        MONEY,
        guard=None,
    )
    option_row(
        "tie_key",
        f"TCO as a share of the scale, rounded to {fx.TIE_DIGITS} decimals (ranking key)",
        "share",
        "=IF({ranked}=1," + fx.rounded_share("{tco}", "tie_scale") + ",0)",
        "0.000000000",
        guard=None,
    )
    inc = _row_range(rows, "included")
    ranked, keys = _row_range(rows, "ranked"), _row_range(rows, "tie_key")
    book.label(sheet, rows["rank"], "Rank by TCO among included options (1 = cheapest)", "rank")
    for index, (letter, col) in enumerate(COLS.items()):
        key = f"{col}{rows['tie_key']}"
        ties = "".join(
            f"+{c}{rows['ranked']}*({c}{rows['tie_key']}={key})"
            for c in list(COLS.values())[:index]
        )
        formula = (
            f"=IF({col}{rows['included']}=1,IF(inputs_ok,1+SUMPRODUCT({ranked},--({keys}<{key}))"
            f'{ties},{CHECK_INPUT}),"left out")'
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
    # Amounts carry their currency code ("1,234,567.89 EUR"): wide enough for eight digits.
    for column, width in {"A": 2, "B": 58, "C": 18, "D": 18}.items():
        ws.column_dimensions[column].width = width
    for col in MONTH_COLS:
        ws.column_dimensions[col].width = 18
    ws.freeze_panes = "E4"
    return rows


def _write_timeline(book: TemplateBook, t: Mapping[str, int]) -> None:
    """Months across the columns, one formula per row; months past the horizon are zero."""
    sheet = "Calculations"
    book.heading(
        sheet,
        t["t_heading"],
        f"Monthly timeline (months 1 to {MAX_MONTHS} across; zero after the horizon)",
        last_column=FIRST_COL + MAX_MONTHS - 1,
    )

    def row(
        key: str,
        label: str,
        unit: str,
        template: str,
        fmt: str,
        figure: str,
        guard: str | None,
        marker: str = CHECK_INPUT,
    ) -> None:
        book.period_row(
            sheet,
            t[key],
            label,
            unit,
            MONTH_COLS,
            template,
            fmt,
            figure,
            fields=t,
            guard=guard,
            marker=marker,
        )

    write_timeline(book, sheet, t, MONTH_COLS)
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
        "=" + fx.tasks_in_month("tasks_per_month", "{c}{t_growth}", "{c}{t_in_horizon}"),
        COUNT,
        "tasks",
        guard="shared_inputs_ok",
    )
    for letter, col in COLS.items():
        all_in, fixed, upfront = (f"${col}${t[key]}" for key in ("all_in_cost", "fixed", "upfront"))
        ok = f"{letter.lower()}_inputs_ok"
        row(
            f"t_cost_{letter}",
            f"Option {letter}: cost in the month",
            "¤",
            "=" + fx.monthly_cost("{c}{t_tasks}", all_in, fixed, "{c}{t_in_horizon}"),
            MONEY,
            f"cost.{letter}",
            ok,
        )
        row(
            f"t_discounted_{letter}",
            f"Option {letter}: discounted cost",
            "¤",
            "=" + fx.discounted(f"{{c}}{{t_cost_{letter}}}", "{c}{t_discount}"),
            MONEY,
            f"discounted.{letter}",
            ok,
        )
        r = t[f"t_cumulative_{letter}"]
        book.put(
            sheet,
            f"D{r}",
            guarded(f"={upfront}", ok, "NA()"),
            key=f"timeline.cumulative.{letter}.0",
            number_format=MONEY,
        )
        row(
            f"t_cumulative_{letter}",
            f"Option {letter}: cumulative discounted cost (D: build)",
            "¤",
            f"={{prev}}{{t_cumulative_{letter}}}+{{c}}{{t_discounted_{letter}}}",
            MONEY,
            f"cumulative.{letter}",
            ok,
            "NA()",  # the chart leaves a gap
        )
    # What the chart draws: each option in use up to the horizon, #N/A elsewhere,
    # which spreadsheets leave out of a line (a blank or a text would be drawn as 0).
    for letter in COLS:
        r, cumulative = t[f"t_chart_{letter}"], t[f"t_cumulative_{letter}"]
        in_use = f"{letter.lower()}_in_use"
        book.put(
            sheet,
            f"D{r}",
            f"=IF({in_use},D{cumulative},NA())",
            key=f"timeline.chart.{letter}.0",
            number_format=MONEY,
        )
        row(
            f"t_chart_{letter}",
            f"Option {letter} in the chart: cumulative cost up to the horizon",
            CURRENCY_SIGN,
            f"=IF(AND({in_use},{{c}}{{t_in_horizon}}=1),{{c}}{{t_cumulative_{letter}}},NA())",
            MONEY,
            f"chart.{letter}",
            None,
        )


def _row_range(rows: Mapping[str, int], key: str) -> str:
    """The row ``key`` across the options on its own sheet, e.g. ``$E$20:$H$20``."""
    return f"${COLS['A']}${rows[key]}:${COLS['D']}${rows[key]}"


def option_range(rows: Mapping[str, int], key: str) -> str:
    """The row ``key`` across the options, e.g. ``Calculations!$E$20:$H$20``."""
    return "Calculations!" + _row_range(rows, key)


def option_cell(rows: Mapping[str, int], key: str, letter: str) -> str:
    """One option's cell of the row ``key``, e.g. ``Calculations!F20``."""
    return f"Calculations!{COLS[letter]}{rows[key]}"


def month_range(rows: Mapping[str, int], key: str) -> str:
    """The timeline row ``key`` across the months, e.g. ``Calculations!$E$40:$BL$40``."""
    return f"Calculations!${MONTH_COLS[0]}${rows[key]}:${MONTH_COLS[-1]}${rows[key]}"
