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

import itertools
from collections.abc import Mapping
from pathlib import Path

from openpyxl.chart import LineChart, Reference
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.series import SeriesLabel
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, PatternFill

from . import _formula_builders as fx
from ._monthly import add_factor_checks
from ._risk import NO_RANGE_SENTENCE, share_in_words, write_risk
from ._tco_calculations import (
    COLS,
    FIRST_COL,
    month_range,
    option_cell,
    option_range,
    write_calculations,
)
from ._tco_inputs import ILLUSTRATIVE_RANGES, INPUTS, MAX_MONTHS, OPTIONS, UNCERTAIN
from ._workbook import (
    CHECK_INPUT,
    CHECK_SENTENCE,
    COUNT,
    CURRENCY_NOTE,
    DEFAULT_SCENARIO,
    MONEY,
    MONEY_PER_TASK,
    NAME_CHARS,
    NO_POINT,
    PERCENT,
    SCENARIO_INPUT,
    OptionChart,
    SummaryColumn,
    TemplateBook,
    text_literal,
)

__all__ = [
    "FILENAME",
    "INPUTS",
    "MAX_MONTHS",
    "OPTIONS",
    "SCENARIO_INPUT",
    "SUMMARY_BY_OPTION",
    "SUMMARY_COLUMNS",
    "SWEEP_COST",
    "TITLE",
    "build",
]

FILENAME = "tco_comparison.xlsx"
_NO_FILL = PatternFill("solid", fgColor="FFFFFF", bgColor="FFFFFF")
TITLE = "Efficient vs frontier: total cost of ownership"


#: The batch summary: a row per scenario and option, these columns.
SUMMARY_BY_OPTION = True
SUMMARY_COLUMNS = (
    # The scenario's key inputs beside its results.
    SummaryColumn("Tasks in month 1", "summary.tasks_per_month", COUNT),
    SummaryColumn("Months", "summary.months", COUNT),
    SummaryColumn("Reference option", "summary.reference_name"),
    SummaryColumn("Cost per task", "summary.running_cost.{x}", MONEY_PER_TASK),
    SummaryColumn("Error cost per task", "summary.error_cost.{x}", MONEY_PER_TASK),
    SummaryColumn("TCO", "summary.tco.{x}", MONEY),
    SummaryColumn("Cost per correct result", "summary.cost_per_correct.{x}", MONEY_PER_TASK),
    SummaryColumn("Break-even accuracy vs reference", "summary.breakeven_accuracy.{x}", "0.00%"),
    SummaryColumn("Cheapest option", "summary.rank_name.1"),
    # The Risk sheet's simulation of the uncertain inputs.
    SummaryColumn("Risk trials", "risk.trials", COUNT),
    SummaryColumn("Low percentile", "risk.percentile.low", "0%"),
    SummaryColumn("TCO at the low percentile", "risk.p_low.{x}", MONEY),
    SummaryColumn("Middle percentile", "risk.percentile.mid", "0%"),
    SummaryColumn("TCO at the middle percentile", "risk.p_mid.{x}", MONEY),
    SummaryColumn("High percentile", "risk.percentile.high", "0%"),
    SummaryColumn("TCO at the high percentile", "risk.p_high.{x}", MONEY),
    SummaryColumn("Probability of being the cheapest", "risk.cheapest.{x}", "0.0%"),
    SummaryColumn(
        "Probability of costing less than the reference", "risk.beats_reference.{x}", "0.0%"
    ),
)
#: The figure a sweep compares the options by (the lowest is the cheapest option).
SWEEP_COST = "summary.tco.{x}"


def build(inputs: Mapping[str, object] | None = None, path: str | Path = FILENAME) -> TemplateBook:
    """Write tco_comparison.xlsx with ``inputs`` over the defaults; returns the built book.

    ``inputs`` maps input names of :data:`INPUTS` to values; omitted ones
    take their default. Raises :class:`xlfuncs.InputError` for an unknown
    name or a value outside its allowed range.
    """
    # The template itself (no inputs given) shows a simulation: illustrative ranges, as its
    # other defaults. Inputs given, ranges are only what they give.
    given = dict(inputs or ILLUSTRATIVE_RANGES)
    book = TemplateBook.with_inputs(
        "tco_comparison",
        TITLE,
        INPUTS,
        given,
        "Type your own values in the yellow cells. The defaults are illustrative; list prices "
        "carry their source and date.",
        calculations_note="Formulas only; every input comes from a named cell.",
    )
    book.option_included = lambda letter: f'{letter.lower()}_include="Yes"'
    rows = write_calculations(book)
    risk = _write_risk(book, rows)
    _write_summary(book, rows, risk)
    _write_checks(book, rows)
    _write_about(book)
    book.save(path)
    return book


def _write_summary(book: TemplateBook, rows: Mapping[str, int], risk: Mapping[str, int]) -> None:
    sheet = "Summary"
    ws = book[sheet]
    book.summary_top("Illustrative default inputs: type your own on the Inputs sheet.")
    book.label(sheet, 5, "Horizon", "months")
    book.put(sheet, "D5", "=months", key="summary.months", number_format=COUNT)
    book.put_text(sheet, "F5", "Tasks in month 1")
    ws.merge_cells("F5:G5")
    book.put(sheet, "H5", "=tasks_per_month", key="summary.tasks_per_month", number_format=COUNT)
    book.label(sheet, 6, "Reference option")
    ws["B6"].alignment = Alignment(vertical="top")  # one line, running into the empty C6
    book.put(
        sheet,
        "D6",
        f"=IF(shared_inputs_ok,INDEX({option_range(rows, 'name')},reference_position),"
        f"{CHECK_INPUT})",
        text_key="summary.reference_name",
    )

    book.heading(sheet, 7, "Ranking by total cost of ownership (1 = cheapest)", last_column=12)
    # Column, header, figure (summary.rank_*), the row shown of the option at rank k (None: the
    # gap to the cheapest), number format (None: text).
    ranked = [
        ("C", "Option", "option", "letter", None),
        ("D", "Name", "name", "name", None),
        ("E", "TCO", "tco", "tco", MONEY),
        ("F", "More than the cheapest", "gap", None, MONEY),
        ("G", "Cost per correct result", "cost_per_correct", "cost_per_correct", MONEY_PER_TASK),
    ]
    book.put_text(sheet, "B8", "Rank", style="bold")
    for col, header, *_ in ranked:
        book.put_text(sheet, f"{col}8", header, style="bold")
    ranks = option_range(rows, "rank")
    for k in range(1, len(OPTIONS) + 1):
        r = 8 + k
        book.put(
            sheet,
            f"B{r}",
            f'=IF({k}<=options_included,{k},"")',
            key=f"summary.rank.{k}",
            number_format="0",
        )
        book.reserve(sheet, f"D{r}", NAME_CHARS)
        for col, _, figure, key, fmt in ranked:
            at_rank = f"INDEX({option_range(rows, key)},MATCH({k},{ranks},0))" if key else ""
            shown = at_rank or f"E{r}-$E$9"
            # Blank past the options in use: no rank shows without an option.
            formula = f'=IF({k}<=options_included,IF(inputs_ok,{shown},{CHECK_INPUT}),"")'
            _show(book, f"{col}{r}", formula, f"summary.rank_{figure}.{k}", fmt, key == "tco")
        ws[f"D{r}"].alignment = Alignment(wrap_text=True, vertical="top")
        for col in ("B", "C"):  # the rank and the option's letter, centred: "1  C", not "1C"
            ws[f"{col}{r}"].alignment = Alignment(horizontal="center", vertical="top")

    book.heading(sheet, 14, "Figures by option", last_column=12)
    columns = [  # column, header, row of Calculations (accuracy: the input), number format
        ("C", "Name", "name", None),
        ("D", "Running cost per task", "running_cost", MONEY_PER_TASK),
        ("E", "Error cost per task", "error_cost", MONEY_PER_TASK),
        ("F", "All-in cost per task", "all_in_cost", MONEY_PER_TASK),
        ("G", "Scaffolding build", "upfront", MONEY),
        ("H", "Fixed cost per month", "fixed", MONEY),
        ("I", "TCO", "tco", MONEY),
        ("J", "Cost per correct result", "cost_per_correct", MONEY_PER_TASK),
        ("K", "Accuracy", "accuracy", PERCENT),
        ("L", "Break-even accuracy", "breakeven_accuracy", PERCENT),
    ]
    book.put_text(sheet, "B15", "Option", style="bold")
    for col, text, _, _ in columns:
        book.put_text(sheet, f"{col}15", text, style="bold")
    for index, letter in enumerate(OPTIONS):
        r = 16 + index
        # An option left out shows nothing: a blank row, not its illustrative figures.
        in_use = f"{letter.lower()}_in_use"
        book.put(
            sheet,
            f"B{r}",
            f'=IF({in_use},"{letter}","")',
            style="bold",
            text_key=f"summary.option.{letter}",
        )
        for col, _, key, fmt in columns:
            own_input = key == "accuracy"
            source = f"{letter.lower()}_{key}" if own_input else option_cell(rows, key, letter)
            shown = f'=IF({in_use},{source},"")'
            _show(book, f"{col}{r}", shown, f"summary.{key}.{letter}", fmt, key == "tco")
        book.reserve(sheet, f"C{r}", NAME_CHARS)
        ws[f"C{r}"].alignment = Alignment(wrap_text=True, vertical="top")

    sentences = {f"sentence.{letter}": _sentence(letter, rows) for letter in OPTIONS}
    sentences["left_out"] = _left_out()
    sentences["risk"] = _risk_sentence(rows, risk)
    book.plain_words(
        21,
        sentences,
        last_column=12,
        guard=False,  # each sentence says so itself, after "left out"
    )

    chart = LineChart()
    chart.title = "Cumulative discounted cost by month (month 0: scaffolding build)"
    chart.y_axis.title = book.in_currency("Cumulative discounted cost, ¤")
    chart.x_axis.title = "Month"
    chart.y_axis.numFmt = "#,##0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.display_blanks = NO_POINT
    calc = book["Calculations"]
    # A series per option the scenario gives (an option not given has blank inputs); one
    # set to Include = No keeps its series, drawn as nothing (#N/A), and its legend entry.
    given = [x for x in OPTIONS if book.values[f"{x.lower()}_name"] is not None]
    # A scenario's chart ends at its horizon; the template's runs to the last month,
    # #N/A past the horizon, drawn as no point (see NO_POINT).
    last = 4 + int(book.values["months"]) if book.filled else FIRST_COL + MAX_MONTHS - 1
    for letter in given:
        r = rows[f"t_chart_{letter}"]
        data = Reference(calc, min_col=4, max_col=last, min_row=r)
        chart.add_data(data, from_rows=True, titles_from_data=False)
    names = tuple(f"{x.lower()}_name" for x in given)
    book.option_charts.append(OptionChart(chart, names, "months", 4, last))
    for series, letter in zip(chart.series, given, strict=True):
        series.tx = SeriesLabel(strRef=StrRef(f"Calculations!${COLS[letter]}${rows['name']}"))
        series.smooth = False
    months = Reference(calc, min_col=4, max_col=last, min_row=rows["t_month"])
    chart.set_categories(months)
    chart.height, chart.width = 7.5, 22
    ws.add_chart(chart, "B28")

    for column, width in {"A": 2, "B": 10, "C": 30, "D": 30}.items():
        ws.column_dimensions[column].width = width
    # Amounts carry their currency code ("1,234,567.89 EUR"); per-task costs and
    # percentages are shorter.
    for column in "EFGHIJKL":
        ws.column_dimensions[column].width = 18 if column in "EFGHI" else 13
    # A heading stands where its column's values do: over the numbers at the right, over
    # the rank and the option's letter in the middle.
    across = {8: {"B": "center", "C": "center", "E": "right", "F": "right", "G": "right"}}
    across[15] = dict.fromkeys("DEFGHIJKL", "right")
    for header in (8, 15):
        ws.row_dimensions[header].height = 30
        for column in "BCDEFGHIJKL":
            ws[f"{column}{header}"].alignment = Alignment(
                horizontal=across[header].get(column), wrap_text=True, vertical="top"
            )
    ws.freeze_panes = "A4"


def _show(
    book: TemplateBook, cell: str, formula: str, figure: str, fmt: str | None, key_result: bool
) -> None:
    """A Summary cell: a figure to verify, or a text when it has no number format."""
    if fmt is None:
        book.put("Summary", cell, formula, text_key=figure)
    else:
        style = "output" if key_result else "calc"
        book.put("Summary", cell, formula, key=figure, number_format=fmt, style=style)
        if key_result:  # no coloured box where no option is shown
            book["Summary"].conditional_formatting.add(
                cell, FormulaRule(formula=[f'{cell}=""'], fill=_NO_FILL)
            )


def _sentence(letter: str, rows: Mapping[str, int]) -> str:
    """One plain sentence per option, built by formula from the figures."""
    p = f"{letter.lower()}_"
    name = f"{p}name"
    ref_name = f"INDEX({option_range(rows, 'name')},reference_position)"
    tco, rank = option_cell(rows, "tco", letter), option_cell(rows, "rank", letter)
    be = option_cell(rows, "breakeven_accuracy", letter)
    accuracy = f'FIXED({p}accuracy*100,1)&"%"'
    is_text = '""'  # said once, by the line that lists the options left out
    is_reference = (
        f'{name}&" is the reference option: TCO "&FIXED({tco},0)&" ¤ over "&months&'
        f'" months, rank "&{rank}&" of "&options_included&"."'
    )
    loses = (
        f'{name}&" costs more than "&{ref_name}&" at any accuracy, even 100%; it is "'
        f'&{accuracy}&"."'
    )
    wins = f'{name}&" costs less than "&{ref_name}&" at any accuracy; it is "&{accuracy}&"."'
    needs = (
        # Rounded once, as the figures table shows it (a bare FIXED may round a tie the
        # other way).
        f'{name}&" must be at least "&FIXED(ROUND({be}*100,1),1)&"% accurate to cost less than "'
        f'&{ref_name}&"; it is "&{accuracy}&"."'
    )
    key = option_cell(rows, "tie_key", letter)
    ref_key = f"INDEX({option_range(rows, 'tie_key')},reference_position)"
    flat = (
        f"{name}&\"'s accuracy does not change its cost (no tasks, or errors cost nothing): it "
        f'costs "&IF({key}<{ref_key},"less",IF({key}={ref_key},"the same","more"))&" than "&'
        f'{ref_name}&"."'
    )
    # The break-even is compared with 0 and 1 at TIE_DIGITS decimals, as every engine rounds.
    be_rounded = fx.rounded(be)
    return (
        f'IF({p}include<>"Yes",{is_text},IF(NOT(all_checks_pass),{CHECK_SENTENCE},'
        f"IF({text_literal(letter)}=reference_option,{is_reference},"
        f"IF(ISNUMBER({be}),IF({be_rounded}>1,{loses},IF({be_rounded}<=0,{wins},{needs})),"
        f"{flat}))))"
    )


def _write_risk(book: TemplateBook, rows: Mapping[str, int]) -> dict[str, int]:
    """The Risk sheet: each option's TCO per trial by the Calculations sheet's closed form."""

    def calc(key: str, letter: str) -> str:
        return f"Calculations!${COLS[letter]}${rows[key]}"

    def option_tco(letter: str, draws: Mapping[str, str]) -> str:
        p = f"{letter.lower()}_"
        calls = draws["calls"]
        api = fx.token_cost(
            f"{p}input_tokens",
            f"{p}output_tokens",
            calc("input_price_here", letter),
            calc("output_price_here", letter),
            f"{p}reasoning_tokens",
            calls,
            f"{p}cached_share",
            calc("cached_price_here", letter),
        )
        tokens = fx.tokens_per_task(
            calls, f"{p}input_tokens", f"{p}output_tokens", f"{p}reasoning_tokens"
        )
        selfhost = fx.selfhost_cost(
            f"{p}gpu_hour_price", tokens, f"{p}tokens_per_second", f"{p}utilization"
        )
        running = f'IF({p}pricing="Self-hosted",{selfhost},{api})+{calc("review_cost", letter)}'
        error_cost = fx.blended_error_cost(
            draws["cost_per_error"], f"{p}catch_rate", f"{p}cost_per_caught_error"
        )
        all_in = fx.all_in_cost(running, fx.error_cost(draws["accuracy"], error_cost))
        tco = fx.tco_closed(
            calc("upfront", letter), draws["tasks_per_month"], all_in, calc("fixed", letter)
        )
        # An option not compared (left out, or inputs not allowed) has no trials: a dash, not
        # an error that would spoil every comparison with it.
        return f'IF(AND({p}in_use,{p}inputs_ok),{tco},"-")'

    return write_risk(
        book,
        UNCERTAIN,
        OPTIONS,
        option_tco=option_tco,
        at_inputs=lambda letter: option_cell(rows, "tco", letter),
        ranked=lambda letter: calc("ranked", letter),
        in_use=lambda letter: f"{letter.lower()}_in_use",
        inputs_ok=lambda letter: f"{letter.lower()}_inputs_ok",
    )


def _risk_sentence(rows: Mapping[str, int], risk: Mapping[str, int]) -> str:
    """What the simulation says of the option cheapest at the Inputs values."""
    first = f"MATCH(1,{option_range(rows, 'rank')},0)"
    name = f"INDEX({option_range(rows, 'name')},{first})"
    letters = f"$E${{row}}:${COLS[OPTIONS[-1]]}${{row}}"
    cheapest = f"INDEX(Risk!{letters.format(row=risk['cheapest'])},{first})"
    high = f"INDEX(Risk!{letters.format(row=risk['p_high'])},{first})"
    return (
        f"IF(NOT(all_checks_pass),{CHECK_SENTENCE},"
        f'IF(NOT(risk_any_range),"{NO_RANGE_SENTENCE}",'
        f'IF(ISNUMBER({cheapest}),"In "&FIXED(risk_trials,0)&" trials of the uncertain inputs '
        f'(Risk sheet), "&{name}&" is the cheapest in "&{share_in_words(cheapest)}&'
        f'"% of them; its TCO stays at or below "&FIXED(ROUND({high},0),0)&" ¤ in "&'
        f'FIXED(ROUND(risk_percentile_high*100,0),0)&"% of trials.",'
        f'"The Risk sheet simulates the uncertain inputs: see it once every check passes.")))'
    )


def _left_out() -> str:
    """One line naming the options with a name that are left out (Include is No)."""
    out = [f'AND(NOT({x.lower()}_in_use),{x.lower()}_name<>"")' for x in OPTIONS]
    names = []
    for index, letter in enumerate(OPTIONS):
        before = f'IF(OR({",".join(out[:index])}),"; ","")&' if index else ""
        names.append(f'IF({out[index]},{before}{letter.lower()}_name,"")')
    return (
        f'IF(OR({",".join(out)}),"Left out of the comparison (Include is No): "'
        f'&{"&".join(names)}&".","")'
    )


def _write_checks(book: TemplateBook, rows: Mapping[str, int]) -> None:
    book.add_input_checks()
    included = option_range(rows, "included")
    book.add_check(
        "The reference option is one of the options and is included",
        f"IF(ISNUMBER(reference_position),INDEX({included},reference_position)=1,FALSE)",
    )
    book.add_check("At least one option is included", "options_included>=1")
    book.add_check(
        "A workbook in US dollars has a US-dollar rate of 1",
        'OR(currency<>"USD",usd_rate=1)',
        subject="The US-dollar rate must be 1 in a workbook in USD",
    )
    # A comparison of "Same" with "Same" says nothing: names compared as Excel compares
    # text (without regard to case).
    distinct = ",".join(
        f"NOT(AND({x}_in_use,{y}_in_use,{x}_name={y}_name))"
        for x, y in itertools.combinations([o.lower() for o in OPTIONS], 2)
    )
    book.add_check(
        "The included options have different names", f"AND({distinct})", subject="option names"
    )
    add_factor_checks(book)
    ref_key = f"INDEX({option_range(rows, 'tie_key')},reference_position)"
    reference_in = f"IFERROR(INDEX({included},reference_position)=1,FALSE)"
    discounts = month_range(rows, "t_discount")
    for letter in OPTIONS:
        tco, be = option_cell(rows, "tco", letter), option_cell(rows, "breakeven_accuracy", letter)
        costs = month_range(rows, f"t_cost_{letter}")
        cumulative = month_range(rows, f"t_cumulative_{letter}")
        key = option_cell(rows, "tie_key", letter)
        by_months = fx.tco_by_months(option_cell(rows, "upfront", letter), costs, discounts)
        book.add_check(
            f"Option {letter}: TCO equals the build plus the sum of discounted monthly costs",
            f"ABS({tco}-({by_months}))<=0.000000001*MAX(1,ABS({tco}))",
            option=letter,
        )
        book.add_check(
            f"Option {letter}: TCO equals the cumulative cost at the end of the horizon",
            f"ABS({tco}-INDEX({cumulative},months))<=0.000000001*MAX(1,ABS({tco}))",
            option=letter,
        )
        book.add_check(
            f"Option {letter}: above its break-even accuracy it costs less than the reference "
            f"(ties in the ranking key count either way)",
            # Against a reference left out (a check of its own fails) its key is not ranked.
            f"IF(AND(ISNUMBER({be}),{reference_in}),"
            f"OR(ABS({letter.lower()}_accuracy-{be})<=0.000000001,"
            f"{key}={ref_key},({letter.lower()}_accuracy>{be})=({key}<{ref_key})),TRUE)",
            option=letter,
        )
    ranks = option_range(rows, "rank")
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
            "5. Unsure of an input? Give a low and a high guess in the Uncertainty section of "
            "Inputs; the Risk sheet simulates the TCO over many trials.",
        ],
        sheets={
            "Inputs": "every input, with its unit, a note, its allowed range (data "
            "validation) and, for public facts, the source.",
            "Calculations": "cost per task, error cost, build and fixed costs, TCO, cost per "
            "correct result, break-even accuracy and rank by option; below, "
            f"a {MAX_MONTHS}-month timeline with one formula per row.",
            "Summary": "ranking, figures, plain sentences and the cumulative cost chart.",
            "Risk": "a Monte Carlo simulation of the TCO in formulas alone: percentiles, the "
            "chance that each option is the cheapest, a histogram, and one row per trial.",
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
            CURRENCY_NOTE,
            DEFAULT_SCENARIO,
            "Token prices are in US dollars, as model list prices are; Calculations converts "
            "them at the US-dollar rate on Inputs (price x rate), whose date and source are "
            "beside it.",
        ],
    )
