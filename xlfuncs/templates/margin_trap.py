"""margin_trap.xlsx: the margin trap of token price cuts.

A company that resells model capability sets a price per task and pays a
cost per task. The "efficiency" strategy cuts prices each year; the
"capability" strategy holds a price premium. MARGIN_PATH shows each gross
margin year by year, YEARS_TO_ZERO_MARGIN when it reaches zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from openpyxl.chart import LineChart, Reference
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.series import SeriesLabel
from openpyxl.utils import get_column_letter

from .._validation import POSITIVE, RULES, Rule
from . import _formula_builders as fx
from ._workbook import (
    CHECK_INPUT,
    COUNT,
    CURRENCY_NOTE,
    MONEY_PER_TASK,
    NO_POINT,
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
    "MAX_YEARS",
    "SCENARIO_INPUT",
    "STRATEGIES",
    "SUMMARY_BY_OPTION",
    "SUMMARY_COLUMNS",
    "TITLE",
    "build",
]

FILENAME = "margin_trap.xlsx"
TITLE = "The margin trap of token price cuts"
#: Strategy letters: E = efficiency (cut prices), C = capability (hold a premium).
STRATEGIES = ("E", "C")
#: The timeline has years 0 to MAX_YEARS; the horizon may not exceed it.
MAX_YEARS = 10

_SECTION = "Strategies (E: efficiency, C: capability)"


def _strategy(key, label, unit, values, description, rule, fmt):
    return option_inputs(
        key,
        label,
        unit,
        dict(zip(STRATEGIES, values, strict=True)),
        description,
        rule=rule,
        number_format=fmt,
        section=_SECTION,
    )


INPUTS: list[InputSpec] = [
    scenario_input(),
    currency_input(),
    InputSpec(
        "years",
        "Horizon",
        "years",
        5,
        f"Years shown in the summary, 1 to {MAX_YEARS}.",
        Rule(low=1.0, high=float(MAX_YEARS), whole=True),
        number_format=COUNT,
        section="Horizon",
    ),
    *_strategy(
        "name",
        "Strategy name",
        "text",
        ["Efficiency (cut prices)", "Capability (hold a premium)"],
        "A short name for the strategy; shown on Summary.",
        None,
        "@",
    ),
    *_strategy(
        "price",
        "Price per task today",
        "¤ per task",
        [0.01, 0.03],
        "What the company charges for one task now (above 0).",
        RULES["price"],
        MONEY_PER_TASK,
    ),
    *_strategy(
        "cost",
        "Cost per task today",
        "¤ per task",
        [0.004, 0.012],
        "What serving one task costs now: model, hosting, support (above 0).",
        POSITIVE,
        MONEY_PER_TASK,
    ),
    *_strategy(
        "annual_price_change",
        "Yearly price change",
        "fraction",
        [-0.3, -0.1],
        "Price change each year, compounding (-50% = prices halve each year).",
        RULES["annual_price_change"],
        PERCENT,
    ),
    *_strategy(
        "annual_cost_change",
        "Yearly cost change",
        "fraction",
        [-0.2, -0.2],
        "Cost change each year, compounding (-20% = costs fall a fifth each year).",
        RULES["annual_cost_change"],
        PERCENT,
    ),
]

_FIRST_COL = 5  # column E holds year 0 in the timeline and strategy E in the scalar rows
_YEAR_COLS = [get_column_letter(_FIRST_COL + t) for t in range(MAX_YEARS + 1)]
_TIMELINE_TOP = 13

#: The batch summary: a row per scenario and strategy, these columns.
SUMMARY_BY_OPTION = True
SUMMARY_COLUMNS = (
    # The scenario's key input beside its results.
    SummaryColumn("Years", "summary.years", "0"),
    SummaryColumn("Gross margin today", "summary.margin_today.{x}", "0.00%"),
    SummaryColumn(
        "Gross margin at the end of the horizon", "summary.margin_at_horizon.{x}", "0.00%"
    ),
    SummaryColumn("Years to zero margin", "summary.years_to_zero.{x}", "0.00"),
)


def build(inputs: Mapping[str, object] | None = None, path: str | Path = FILENAME) -> TemplateBook:
    """Write margin_trap.xlsx with ``inputs`` over the defaults; returns the built book."""
    book = TemplateBook.with_inputs("margin_trap", TITLE, INPUTS, inputs, option_word="strategy")
    sheet = "Calculations"
    calc = RowWriter(book, sheet, {"E": "E", "C": "F"})
    calc.heading("Per strategy (E: efficiency in column E, C: capability in column F)")
    calc.header({s: f"={s.lower()}_name" for s in STRATEGIES})
    calc.row(
        "margin_today",
        "Gross margin today (MARGIN)",
        "fraction",
        "=" + fx.margin("{s}_price", "{s}_cost"),
        PERCENT,
        guard="{s}_inputs_ok",
    )
    calc.row(
        "drift",
        "Yearly change of price relative to cost",
        "factor",
        "=" + fx.margin_drift("{s}_annual_price_change", "{s}_annual_cost_change"),
        "0.0000",
        guard="{s}_inputs_ok",
    )
    calc.row(
        "years_to_zero",
        "Years to zero margin (YEARS_TO_ZERO_MARGIN)",
        "years",
        "=" + fx.years_to_zero_margin("{s}_price", "{s}_cost", "{col}{r[drift]}", '"never"'),
        "0.00",
        guard="{s}_inputs_ok",
    )
    top = _TIMELINE_TOP
    rows = {"year": top + 1, "in_horizon": top + 2}
    r = top + 3
    for s in STRATEGIES:
        for kind in ("price", "cost", "margin"):
            rows[f"{kind}_{s}"] = r
            r += 1
        r += 1
    first, last = _YEAR_COLS[0], _YEAR_COLS[-1]
    calc.row(
        "margin_at_horizon",
        "Gross margin at the end of the horizon",
        "fraction",
        {
            s: f"=INDEX(${first}${rows[f'margin_{s}']}:${last}${rows[f'margin_{s}']},years+1)"
            for s in STRATEGIES
        },
        PERCENT,
        guard="{s}_inputs_ok",
    )
    assert calc.next < top
    # The timeline: years across, one formula per row.
    book.heading(
        sheet,
        top,
        f"Yearly path (years 0 to {MAX_YEARS} across; the horizon is marked)",
        last_column=_FIRST_COL + MAX_YEARS,
    )

    def line(
        key: str,
        label: str,
        unit: str,
        template: str,
        fmt: str,
        figure: str,
        guard: str | None = None,
        marker: str = CHECK_INPUT,
    ) -> None:
        book.period_row(
            sheet,
            rows[key],
            label,
            unit,
            _YEAR_COLS,
            template,
            fmt,
            figure,
            first_period=0,
            fields=rows,
            guard=guard,
            marker=marker,
        )

    line("year", "Year", "year", "=COLUMN()-COLUMN($E$1)", "0", "year")
    line(
        "in_horizon",
        "In the horizon (1 = yes)",
        "flag",
        "=IF({c}{year}<=years,1,0)",
        "0",
        "in_horizon",
        "shared_inputs_ok",
    )
    for s in STRATEGIES:
        p = s.lower() + "_"
        line(
            f"price_{s}",
            f"Strategy {s}: price per task",
            "¤ per task",
            "=" + fx.price_in_year(f"{p}price", f"{p}annual_price_change", "{c}{year}"),
            MONEY_PER_TASK,
            f"price.{s}",
            f"{p}inputs_ok",
        )
        line(
            f"cost_{s}",
            f"Strategy {s}: cost per task",
            "¤ per task",
            "=" + fx.price_in_year(f"{p}cost", f"{p}annual_cost_change", "{c}{year}"),
            MONEY_PER_TASK,
            f"cost.{s}",
            f"{p}inputs_ok",
        )
        line(
            f"margin_{s}",
            f"Strategy {s}: gross margin (MARGIN_PATH)",
            "fraction",
            "=" + fx.margin(f"{{c}}{{price_{s}}}", f"{{c}}{{cost_{s}}}"),
            PERCENT,
            f"margin.{s}",
            f"{p}inputs_ok",
            "NA()",  # the chart leaves a gap
        )
    ws = book[sheet]
    for column, width in {"A": 2, "B": 48, "C": 16, "D": 4}.items():
        ws.column_dimensions[column].width = width
    for col in _YEAR_COLS:
        ws.column_dimensions[col].width = 12
    ws.freeze_panes = "E4"
    _write_summary(book, calc, rows)
    _write_checks(book, calc, rows)
    _write_about(book)
    book.save(path)
    return book


def _write_summary(book: TemplateBook, calc: RowWriter, rows: Mapping[str, int]) -> None:
    sheet = "Summary"
    ws = book[sheet]
    book.summary_top("Illustrative default inputs: type your own on Inputs.")
    book.heading(sheet, 6, "Gross margin by strategy", last_column=12)
    book.put_text(sheet, "B7", "Figure", style="bold")
    for s, col in calc.columns.items():
        book.put(sheet, f"{col}7", f"={s.lower()}_name", style="bold", text_key=f"summary.name.{s}")
    figures = [
        ("margin_today", "Gross margin today", "fraction", PERCENT),
        ("margin_at_horizon", "Gross margin at the end of the horizon", "fraction", PERCENT),
        ("years_to_zero", "Years to zero margin", "years", "0.00"),
    ]
    for offset, (key, label, unit, fmt) in enumerate(figures):
        r = 8 + offset
        book.label(sheet, r, label, unit)
        for s, col in calc.columns.items():
            book.put(
                sheet,
                f"{col}{r}",
                f"=Calculations!{col}{calc.rows[key]}",
                key=f"summary.{key}.{s}",
                number_format=fmt,
                style="output",
            )
    book.label(sheet, 11, "Horizon", "years")
    book.put(sheet, "E11", "=years", key="summary.years", number_format="0")
    book.plain_words(
        13,
        {f"sentence.{s}": _sentence(s, calc.columns[s], calc) for s in STRATEGIES},
        last_column=12,
    )

    chart = LineChart()
    chart.title = "Gross margin by year"
    chart.y_axis.title = "Gross margin"
    chart.x_axis.title = "Year"
    chart.y_axis.numFmt = "0%"
    chart.x_axis.delete = False
    # The years below the plot: margins fall below zero, where the axis crosses, and
    # labels written there would sit on the lines.
    chart.x_axis.tickLblPos = "low"
    chart.y_axis.delete = False
    # A strategy whose inputs fail draws no line (#N/A), not a line at 0.
    chart.display_blanks = NO_POINT
    calc_ws = book["Calculations"]
    for s in STRATEGIES:
        data = Reference(
            calc_ws, min_col=_FIRST_COL, max_col=_FIRST_COL + MAX_YEARS, min_row=rows[f"margin_{s}"]
        )
        chart.add_data(data, from_rows=True, titles_from_data=False)
    for series, s in zip(chart.series, STRATEGIES, strict=True):
        header = calc.rows["header"]
        series.tx = SeriesLabel(strRef=StrRef(f"Calculations!${calc.columns[s]}${header}"))
    chart.set_categories(
        Reference(calc_ws, min_col=_FIRST_COL, max_col=_FIRST_COL + MAX_YEARS, min_row=rows["year"])
    )
    chart.height, chart.width = 8, 20
    ws.add_chart(chart, "B17")
    for column, width in {"A": 2, "B": 44, "C": 14, "D": 4, "E": 26, "F": 26}.items():
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A4"


def _sentence(s: str, col: str, calc: RowWriter) -> str:
    p = s.lower() + "_"
    today = f'FIXED(Calculations!{col}{calc.rows["margin_today"]}*100,1)&"%"'
    end = f'FIXED(Calculations!{col}{calc.rows["margin_at_horizon"]}*100,1)&"%"'
    zero = f"Calculations!{col}{calc.rows['years_to_zero']}"
    when = (
        f'IF(ISNUMBER({zero}),IF({zero}=0," It has no margin even today.",'
        f'" It reaches zero after "&FIXED({zero},1)&" years."),'
        f'" It never reaches zero: prices do not fall faster than costs.")'
    )
    return (
        f'{p}name&": the gross margin goes from "&{today}&" today to "&{end}&" in "&years&'
        f'IF(years=1," year."," years.")&{when}'
    )


def _write_checks(book: TemplateBook, calc: RowWriter, rows: Mapping[str, int]) -> None:
    book.add_input_checks()
    for s, col in calc.columns.items():
        p = s.lower() + "_"
        zero = f"Calculations!{col}{calc.rows['years_to_zero']}"
        price_then = fx.price_in_year(f"{p}price", f"{p}annual_price_change", zero)
        cost_then = fx.price_in_year(f"{p}cost", f"{p}annual_cost_change", zero)
        book.add_check(
            f"Strategy {s}: price and cost are equal at the years to zero margin (to 1e-9 of "
            "the price in that year)",
            f"IF(AND(ISNUMBER({zero}),{zero}>0),ABS({price_then}-{cost_then})"
            f"<=0.000000001*{price_then},TRUE)",
        )
        margin0 = f"Calculations!{_YEAR_COLS[0]}{rows[f'margin_{s}']}"
        book.add_check(
            f"Strategy {s}: the path starts at today's margin",
            f"ABS({margin0}-Calculations!{col}{calc.rows['margin_today']})<=0.000000001",
        )
        book.add_check(
            f"Strategy {s}: the margin never reaches zero only if prices do not fall faster "
            "than costs",
            f'IF({zero}="never",{p}annual_price_change>={p}annual_cost_change,TRUE)',
        )
    book.write_checks()


def _write_about(book: TemplateBook) -> None:
    book.write_about(
        purpose=[
            "A company reselling model capability earns the gap between its price per task "
            "and its cost per task. Cutting prices faster than costs fall races the gross "
            "margin to zero; holding a premium for capability keeps it.",
            "This workbook shows both strategies' gross margins year by year and when each "
            "reaches zero.",
        ],
        how_to=[
            "1. On Inputs, type each strategy's price and cost per task today and their yearly "
            "changes (-50% = halves each year).",
            "2. Set the horizon in years.",
            "3. Read Summary: the margins, the years to zero margin, a sentence per strategy "
            "and the chart.",
        ],
        sheets={
            "Inputs": "the horizon and both strategies, with units, notes and allowed ranges.",
            "Calculations": f"margins today and at the horizon, years to zero margin, and a "
            f"path of prices, costs and margins for years 0 to {MAX_YEARS}.",
            "Summary": "figures, plain sentences and the margin chart.",
            "Checks": "inputs in range and the arithmetic cross-checked.",
        },
        notes=[
            "Gross margin in year t = (price x (1 + price change)^t - cost x (1 + cost "
            "change)^t) / (price x (1 + price change)^t) (MARGIN_PATH).",
            "Years to zero margin = ln(cost / price) / ln((1 + price change) / (1 + cost "
            "change)) (YEARS_TO_ZERO_MARGIN); 0 when cost already meets price; never when "
            "prices do not fall faster than costs.",
            CURRENCY_NOTE,
        ],
    )
