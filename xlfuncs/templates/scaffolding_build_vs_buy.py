"""scaffolding_build_vs_buy.xlsx: the cost of making a small model act like a frontier one.

Engineering hours for validation loops, multi-agent debate and a retrieval
pipeline at a loaded rate, their upkeep, and the extra model calls per task
they add, against simply paying the frontier model's premium per task: the
TCO of both over the horizon and the volume at which building pays off
(BREAKEVEN_VOLUME). A Risk sheet simulates both TCOs over low and high
guesses of the workload, the accuracies, the cost of an error and the
build hours.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from .._validation import RULES, Rule
from . import _formula_builders as fx
from ._monthly import TIMELINE_KEYS, add_factor_checks, factor_rows, workload_inputs, write_timeline
from ._risk import NO_RANGE_SENTENCE, Uncertain, risk_inputs, share_in_words, write_risk
from ._workbook import (
    COUNT,
    CURRENCY_NOTE,
    CURRENCY_SIGN,
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
    option_inputs,
    scenario_input,
)

__all__ = [
    "ALTERNATIVES",
    "COMPONENTS",
    "FILENAME",
    "ILLUSTRATIVE_RANGES",
    "INPUTS",
    "MAX_MONTHS",
    "SCENARIO_INPUT",
    "SUMMARY_BY_OPTION",
    "SUMMARY_COLUMNS",
    "SWEEP_COST",
    "TITLE",
    "UNCERTAIN",
    "build",
]

FILENAME = "scaffolding_build_vs_buy.xlsx"
TITLE = "Scaffolding: build around a small model, or buy the frontier model"
#: V: validation loops, D: multi-agent debate, R: retrieval pipeline.
COMPONENTS = ("V", "D", "R")
MAX_MONTHS = 60

_WORKLOAD = "Workload (shared)"
_SMALL = "Small model with scaffolding"
_PARTS = "Scaffolding components (V: validation loops, D: multi-agent debate, R: retrieval)"
_FRONTIER = "Frontier model, bought per task"
#: The two alternatives the Risk sheet compares (S: small model, F: frontier model, the
#: reference), by letter.
ALTERNATIVES = {"S": "Small model with scaffolding", "F": "Frontier model"}
_REFERENCE = 2  # the frontier model: the one a team would otherwise buy

INPUTS: list[InputSpec] = [
    scenario_input(),
    currency_input(),
    *workload_inputs(
        _WORKLOAD,
        tasks=50_000,
        max_months=MAX_MONTHS,
        notes=[
            "Tasks in month 1; later months grow by the monthly growth.",
            f"Months compared, 1 to {MAX_MONTHS}.",
            "Growth of the task volume per month, compounding.",
            "Effective annual rate for discounting future months.",
        ],
    ),
    InputSpec(
        "cost_per_error",
        "Cost of an error",
        "¤ per error",
        5,
        "What one wrong result costs, the same whichever model made it.",
        RULES["cost_per_error"],
        number_format=MONEY,
        section=_WORKLOAD,
    ),
    InputSpec(
        "hourly_rate",
        "Loaded engineering rate",
        "¤ per hour",
        150,
        "Engineering cost per hour, overheads included.",
        Rule(low=0.0),
        number_format=MONEY,
        section=_WORKLOAD,
    ),
    InputSpec(
        "small_cost_per_call",
        "Cost per model call",
        "¤ per call",
        0.0004,
        "What one call of the small model costs (tokens or GPU time).",
        RULES["cost_per_task"],
        number_format=MONEY_PER_TASK,
        section=_SMALL,
    ),
    InputSpec(
        "small_base_calls",
        "Calls per task without scaffolding",
        "calls",
        1,
        "Model calls a task needs before any scaffolding.",
        RULES["calls"],
        number_format="#,##0.0",
        section=_SMALL,
    ),
    InputSpec(
        "small_accuracy",
        "Accuracy with the scaffolding",
        "fraction",
        0.98,
        "Share of tasks right once validation, debate and retrieval are in place.",
        RULES["accuracy"],
        number_format=PERCENT,
        section=_SMALL,
    ),
    *option_inputs(
        "build_hours",
        "Build",
        "engineering hours",
        {"V": 300, "D": 200, "R": 500},
        "Hours to build the component, tests and evaluation included (one-off).",
        rule=Rule(low=0.0),
        number_format=COUNT,
        section=_PARTS,
    ),
    *option_inputs(
        "maintenance_hours",
        "Maintenance",
        "hours per month",
        {"V": 10, "D": 8, "R": 25},
        "Hours per month to keep the component working: fixes, re-evaluation, index updates.",
        rule=Rule(low=0.0),
        number_format=COUNT,
        section=_PARTS,
    ),
    *option_inputs(
        "extra_calls",
        "Extra calls per task",
        "calls",
        {"V": 1, "D": 2, "R": 0.5},
        "Model calls the component adds to each task (may be fractional).",
        rule=RULES["calls"],
        number_format="#,##0.0",
        section=_PARTS,
    ),
    InputSpec(
        "frontier_cost_per_task",
        "Cost per task",
        "¤ per task",
        0.03,
        "What one task costs with the frontier model, no scaffolding.",
        RULES["frontier_cost_per_task"],
        number_format=MONEY_PER_TASK,
        section=_FRONTIER,
    ),
    InputSpec(
        "frontier_accuracy",
        "Accuracy",
        "fraction",
        0.985,
        "Share of tasks the frontier model gets right.",
        RULES["frontier_accuracy"],
        number_format=PERCENT,
        section=_FRONTIER,
    ),
    InputSpec(
        "frontier_monthly_fixed",
        "Fixed cost per month",
        "¤ per month",
        500,
        "Monthly upkeep of the simple frontier integration.",
        RULES["frontier_monthly_fixed"],
        number_format=MONEY,
        section=_FRONTIER,
    ),
]

#: The inputs the Risk sheet draws, each in the random stream of the TCO argument it moves.
UNCERTAIN = (
    Uncertain(
        "tasks_per_month", "Tasks in month 1", "tasks", RULES["tasks_per_month"], COUNT,
        "tasks_per_month", shared=True,
    ),
    Uncertain(
        "accuracy", "Accuracy", "fraction", RULES["accuracy"], PERCENT, "accuracy",
        inputs={"S": "small_accuracy", "F": "frontier_accuracy"},
    ),
    Uncertain(
        "cost_per_error", "Cost of an error", f"{CURRENCY_SIGN} per error",
        RULES["cost_per_error"], MONEY, "cost_per_error", shared=True,
    ),
    # Build estimates are the figure teams most often get wrong; the components' hours
    # read one stream (the build, upfront), so they overrun together.
    *(
        Uncertain(
            f"{c.lower()}_build_hours", "Build hours", "engineering hours", Rule(low=0.0), COUNT,
            "upfront", shared=True, book_option=c,
        )
        for c in COMPONENTS
    ),
)  # fmt: skip
INPUTS += risk_inputs(
    UNCERTAIN,
    tuple(ALTERNATIVES),
    {x: name.lower() for x, name in ALTERNATIVES.items()},
    option_section="Uncertainty of the build hours (Risk sheet): low and high guesses per "
    "component; blank means fixed at its build hours above",
)

#: The template's illustrative ranges (a scenario's book has none unless it gives them).
ILLUSTRATIVE_RANGES = {
    "tasks_per_month_low": 30_000,
    "tasks_per_month_high": 80_000,
    "small_accuracy_low": 0.95,
    "small_accuracy_high": 0.99,
    "frontier_accuracy_low": 0.975,
    "frontier_accuracy_high": 0.992,
    "cost_per_error_low": 2,
    "cost_per_error_high": 20,
    "cost_per_error_distribution": "PERT",
    # Builds overrun more often than they finish early.
    "v_build_hours_low": 250,
    "v_build_hours_high": 600,
    "d_build_hours_low": 150,
    "d_build_hours_high": 450,
    "r_build_hours_low": 400,
    "r_build_hours_high": 1_000,
}

_FIRST_COL = 5
_MONTH_COLS = [get_column_letter(_FIRST_COL + m) for m in range(MAX_MONTHS)]
_TIMELINE_TOP = 40

#: The batch summary: a row per scenario, these columns.
SUMMARY_BY_OPTION = False
SUMMARY_COLUMNS = (
    # The scenario's key inputs beside its results.
    SummaryColumn("Tasks in month 1", f"{INPUT_KEY}tasks_per_month", COUNT),
    SummaryColumn("Months", "summary.months", COUNT),
    SummaryColumn("Small model with scaffolding: TCO", "summary.small_tco", MONEY),
    SummaryColumn("Frontier model: TCO", "summary.frontier_tco", MONEY),
    SummaryColumn(
        "Break-even first-month tasks, build included", "summary.breakeven_volume_horizon", COUNT
    ),
    # The Risk sheet's simulation of the uncertain inputs.
    SummaryColumn("Risk trials", "risk.trials", COUNT),
    SummaryColumn("Low percentile", "risk.percentile.low", "0%"),
    SummaryColumn("Small model: TCO at the low percentile", "risk.p_low.S", MONEY),
    SummaryColumn("Frontier model: TCO at the low percentile", "risk.p_low.F", MONEY),
    SummaryColumn("Middle percentile", "risk.percentile.mid", "0%"),
    SummaryColumn("Small model: TCO at the middle percentile", "risk.p_mid.S", MONEY),
    SummaryColumn("Frontier model: TCO at the middle percentile", "risk.p_mid.F", MONEY),
    SummaryColumn("High percentile", "risk.percentile.high", "0%"),
    SummaryColumn("Small model: TCO at the high percentile", "risk.p_high.S", MONEY),
    SummaryColumn("Frontier model: TCO at the high percentile", "risk.p_high.F", MONEY),
    SummaryColumn(
        "Probability the small model costs less than the frontier model",
        "risk.beats_reference.S",
        "0.0%",
    ),
)
#: The figures a sweep compares (the lowest is the cheapest choice), by the choice's name.
SWEEP_COST = (
    ("Small model with scaffolding", "summary.small_tco"),
    ("Frontier model", "summary.frontier_tco"),
)


def build(inputs: Mapping[str, object] | None = None, path: str | Path = FILENAME) -> TemplateBook:
    """Write scaffolding_build_vs_buy.xlsx with ``inputs`` over the defaults."""
    # The template itself (no inputs given) shows a simulation: illustrative ranges, as its
    # other defaults. Inputs given, ranges are only what they give.
    given = dict(inputs or ILLUSTRATIVE_RANGES)
    book = TemplateBook.with_inputs(
        "scaffolding_build_vs_buy", TITLE, INPUTS, given, option_word="component"
    )
    sheet = "Calculations"
    t = _timeline_rows()

    parts = RowWriter(
        book, sheet, {c: get_column_letter(_FIRST_COL + i) for i, c in enumerate(COMPONENTS)}
    )
    parts.heading("Scaffolding components (V, D, R in columns E to G)")
    parts.header({"V": "Validation loops", "D": "Multi-agent debate", "R": "Retrieval"})
    parts.row(
        "build_cost",
        "Build cost",
        "¤",
        "=" + fx.labour_cost("{s}_build_hours", "hourly_rate"),
        MONEY,
        guard="{s}_inputs_ok",
    )
    parts.row(
        "maintenance_cost",
        "Maintenance per month",
        "¤ per month",
        "=" + fx.labour_cost("{s}_maintenance_hours", "hourly_rate"),
        MONEY,
        guard="{s}_inputs_ok",
    )
    parts.blank()

    calc = RowWriter(book, sheet, {"E": "E"}, row=parts.next)
    calc.heading("Build (small model) against buy (frontier model), column E")
    rng = "E{0}:G{0}"
    # Equal all-in costs per task are decided at TIE_DIGITS decimals of the larger (at least 1).
    same_cost = fx.rounded_difference("frontier_all_in", "small_all_in") + "=0"
    factors = factor_rows(t, _MONTH_COLS)
    rows = [
        (
            "extra_calls",
            "Extra calls per task from the scaffolding",
            "calls",
            "=v_extra_calls+d_extra_calls+r_extra_calls",
            "#,##0.0",
        ),
        (
            "small_cost_per_task",
            "Small model: cost per task (TOKEN_COST calls)",
            "¤ per task",
            "=" + fx.calls_cost("small_cost_per_call", "small_base_calls+extra_calls"),
            MONEY_PER_TASK,
        ),
        (
            "small_error_cost",
            "Small model: error cost per task (ERROR_COST)",
            "¤ per task",
            "=" + fx.error_cost("small_accuracy", "cost_per_error"),
            MONEY_PER_TASK,
        ),
        (
            "small_all_in",
            "Small model: all-in cost per task",
            "¤ per task",
            "=" + fx.all_in_cost("small_cost_per_task", "small_error_cost"),
            MONEY_PER_TASK,
        ),
        (
            "upfront",
            "Small model: scaffolding build, upfront",
            "¤",
            f"=SUM({rng.format(parts.rows['build_cost'])})",
            MONEY,
        ),
        (
            "small_monthly_fixed",
            "Small model: scaffolding maintenance per month",
            "¤ per month",
            f"=SUM({rng.format(parts.rows['maintenance_cost'])})",
            MONEY,
        ),
        (
            "frontier_error_cost",
            "Frontier model: error cost per task (ERROR_COST)",
            "¤ per task",
            "=" + fx.error_cost("frontier_accuracy", "cost_per_error"),
            MONEY_PER_TASK,
        ),
        (
            "frontier_all_in",
            "Frontier model: all-in cost per task",
            "¤ per task",
            "=" + fx.all_in_cost("frontier_cost_per_task", "frontier_error_cost"),
            MONEY_PER_TASK,
        ),
        (
            "frontier_premium",
            "Frontier premium per task, errors included",
            "¤ per task",
            "=frontier_all_in-small_all_in",
            MONEY_PER_TASK,
        ),
        *(
            factors[key]
            for key in (
                "volume_factor",
                "fixed_factor",
                "volume_factor_closed",
                "fixed_factor_closed",
                "monthly_discount_rate",
            )
        ),
        (
            "small_tco",
            "Small model with scaffolding: TCO",
            "¤",
            "="
            + fx.tco_closed("upfront", "tasks_per_month", "small_all_in", "small_monthly_fixed"),
            MONEY,
        ),
        (
            "frontier_tco",
            "Frontier model: TCO",
            "¤",
            "="
            + fx.tco_closed(None, "tasks_per_month", "frontier_all_in", "frontier_monthly_fixed"),
            MONEY,
        ),
        (
            "tco_difference",
            "Small model's TCO less the frontier model's",
            "¤",
            "=small_tco-frontier_tco",
            MONEY,
        ),
        (
            "breakeven_volume_steady",
            "Break-even tasks per month, steady state, build excluded (BREAKEVEN_VOLUME)",
            "tasks per month",
            f'=IF({same_cost},"none: equal costs per task",'
            + fx.breakeven_volume(
                "small_all_in", "small_monthly_fixed", "frontier_all_in", "frontier_monthly_fixed"
            )
            + ")",
            COUNT,
        ),
        (
            "breakeven_volume_horizon",
            "Break-even first-month tasks over the horizon, build included (BREAKEVEN_VOLUME)",
            "tasks per month",
            f'=IF({same_cost},"none: equal costs per task",'
            + fx.breakeven_volume(
                "small_all_in",
                fx.fixed_per_volume("upfront", "small_monthly_fixed"),
                "frontier_all_in",
                fx.fixed_per_volume(None, "frontier_monthly_fixed"),
            )
            + ")",
            COUNT,
        ),
    ]
    for key, label, unit, formula, fmt in rows:
        calc.row(
            key,
            label,
            unit,
            formula,
            fmt,
            name=key,
            style="output" if key.endswith("_tco") else "calc",
            # The discount factors are guarded by the shared inputs they come from.
            guard=None if key in factors else "inputs_ok",
        )
    assert calc.next < _TIMELINE_TOP
    _write_timeline(book, t)
    ws = book[sheet]
    for column, width in {"A": 2, "B": 70, "C": 18, "D": 4}.items():
        ws.column_dimensions[column].width = width
    for col in _MONTH_COLS:  # amounts carry their currency code: "1,234,567.89 EUR"
        ws.column_dimensions[col].width = 18
    ws.freeze_panes = "E4"
    risk = _write_risk(book)
    _write_summary(book, risk)
    _write_checks(book)
    _write_about(book)
    book.save(path)
    return book


def _timeline_rows() -> dict[str, int]:
    keys = ["t_heading", *TIMELINE_KEYS]
    return {key: _TIMELINE_TOP + i for i, key in enumerate(keys)}


def _write_timeline(book: TemplateBook, t: Mapping[str, int]) -> None:
    sheet = "Calculations"
    book.heading(
        sheet,
        t["t_heading"],
        f"Monthly discount timeline (months 1 to {MAX_MONTHS} across; zero after the horizon)",
        last_column=_FIRST_COL + MAX_MONTHS - 1,
    )
    # Printed, the timeline starts a page: its heading would otherwise end one.
    book[sheet].row_breaks.append(Break(id=t["t_heading"] - 1))
    write_timeline(book, sheet, t, _MONTH_COLS)


def _write_summary(book: TemplateBook, risk: Mapping[str, int]) -> None:
    sheet = "Summary"
    ws = book[sheet]
    book.summary_top("Illustrative default inputs: type your own on Inputs.")
    book.heading(sheet, 6, "Over the horizon", last_column=8)
    shown = [
        ("months", "Horizon", "months", COUNT),
        ("small_tco", "Small model with scaffolding: TCO", "¤", MONEY),
        ("frontier_tco", "Frontier model: TCO", "¤", MONEY),
        ("tco_difference", "Small model's TCO less the frontier model's", "¤", MONEY),
        ("upfront", "Scaffolding build", "¤", MONEY),
        ("small_monthly_fixed", "Scaffolding maintenance per month", "¤ per month", MONEY),
        (
            "frontier_premium",
            "Frontier premium per task, errors included",
            "¤ per task",
            MONEY_PER_TASK,
        ),
        (
            "breakeven_volume_horizon",
            "Break-even first-month tasks, build included",
            "tasks per month",
            COUNT,
        ),
        (
            "breakeven_volume_steady",
            "Break-even tasks per month, steady state",
            "tasks per month",
            COUNT,
        ),
    ]
    for offset, (key, label, unit, fmt) in enumerate(shown):
        r = 7 + offset
        book.label(sheet, r, label, unit)
        book.put(
            sheet,
            f"E{r}",
            f"={key}",
            key=f"summary.{key}",
            number_format=fmt,
            style="output" if "tco" in key else "calc",
        )
    words = 7 + len(shown) + 1
    tco_gap = fx.rounded_difference("small_tco", "frontier_tco")
    cheaper = (
        f'IF({tco_gap}<0,"Building pays: the small model with scaffolding costs "&'
        'FIXED(frontier_tco-small_tco,0)&" ¤ less than the frontier model over "&months&'
        '" months.","Buying pays: the frontier model costs "&FIXED(small_tco-frontier_tco,0)&'
        '" ¤ less than the small model with scaffolding over "&months&" months.")'
    )
    volume = (
        f"IF(ISNUMBER(breakeven_volume_horizon),IF({fx.rounded('breakeven_volume_horizon')}<0,"
        '"The two never cost the same at a positive volume: one is cheaper at any volume.",'
        'IF(frontier_all_in>small_all_in,"The scaffolding pays for itself from about "&'
        'FIXED(breakeven_volume_horizon,0)&" tasks in the first month; you have "&'
        'FIXED(tasks_per_month,0)&".","The frontier model costs less per task, errors '
        'included, so building only pays below "&FIXED(breakeven_volume_horizon,0)&'
        '" tasks in the first month; you have "&FIXED(tasks_per_month,0)&".")),'
        '"Both cost the same per task, errors included: the fixed costs decide.")'
    )
    sentences = {
        "sentence.tco": cheaper,
        "sentence.volume": volume,
        "risk": _risk_sentence(risk),
    }
    book.plain_words(words, sentences, last_column=8)
    for column, width in {"A": 2, "B": 50, "C": 16, "D": 4, "E": 18}.items():
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A4"


def _write_risk(book: TemplateBook) -> dict[str, int]:
    """The Risk sheet: both TCOs per trial by the closed form of the Calculations sheet."""

    def option_tco(letter: str, draws: Mapping[str, str]) -> str:
        error_cost = fx.error_cost(draws["accuracy"], draws["cost_per_error"])
        if letter == "F":
            all_in = fx.all_in_cost("frontier_cost_per_task", error_cost)
            return fx.tco_closed(None, draws["tasks_per_month"], all_in, "frontier_monthly_fixed")
        # The build, component by component as Calculations adds it up.
        upfront = "+".join(
            fx.labour_cost(draws[f"{c.lower()}_build_hours"], "hourly_rate") for c in COMPONENTS
        )
        all_in = fx.all_in_cost("small_cost_per_task", error_cost)
        return fx.tco_closed(
            f"({upfront})", draws["tasks_per_month"], all_in, "small_monthly_fixed"
        )

    return write_risk(
        book,
        UNCERTAIN,
        tuple(ALTERNATIVES),
        option_tco=option_tco,
        at_inputs={"S": "small_tco", "F": "frontier_tco"}.__getitem__,
        inputs_ok=lambda letter: "inputs_ok",
        reference_position=_REFERENCE,
        option_names=ALTERNATIVES,
    )


def _risk_sentence(risk: Mapping[str, int]) -> str:
    """What the simulation says: how often building pays, and both high percentiles."""
    beats = f"Risk!$E${risk['beats_reference']}"
    small_high, frontier_high = f"Risk!$E${risk['p_high']}", f"Risk!$F${risk['p_high']}"
    return (
        f'IF(NOT(risk_any_range),"{NO_RANGE_SENTENCE}",'
        f'IF(ISNUMBER({beats}),"In "&FIXED(risk_trials,0)&" trials of the uncertain inputs '
        f'(Risk sheet), the small model with scaffolding costs less than the frontier model in "'
        f'&{share_in_words(beats)}&"% of them. In "&'
        f"FIXED(ROUND(risk_percentile_high*100,0),0)&\"% of trials the small model's TCO stays "
        f'at or below "&FIXED(ROUND({small_high},0),0)&" ¤ and the frontier model\'s at or '
        f'below "&FIXED(ROUND({frontier_high},0),0)&" ¤.",'
        '"The Risk sheet simulates the uncertain inputs: see it once every check passes."))'
    )


def _write_checks(book: TemplateBook) -> None:
    book.add_input_checks()
    add_factor_checks(book)
    at = "breakeven_volume_horizon"
    small = fx.tco_closed("upfront", at, "small_all_in", "small_monthly_fixed")
    frontier = fx.tco_closed(None, at, "frontier_all_in", "frontier_monthly_fixed")
    book.add_check(
        "At the break-even volume both options have the same TCO",
        f"IF(ISNUMBER({at}),ABS({small}-({frontier}))<=0.000000001*MAX(1,ABS({frontier}),"
        "upfront),TRUE)",
    )
    book.write_checks()


def _write_about(book: TemplateBook) -> None:
    book.write_about(
        purpose=[
            "To make a small, cheap model act like a frontier one, teams build scaffolding: "
            "validation loops, multi-agent debate, retrieval pipelines. That costs engineering "
            "hours, upkeep, and extra model calls on every task. This workbook sets that "
            "against simply paying the frontier model's premium per task.",
        ],
        how_to=[
            "1. On Inputs, type the workload, the small model's cost per call and accuracy, "
            "each component's build and maintenance hours and extra calls, and the frontier "
            "model's cost and accuracy.",
            "2. Read Summary: both TCOs, the break-even volume and three sentences.",
            "3. Unsure of an input? Give a low and a high guess in the Uncertainty sections of "
            "Inputs; the Risk sheet simulates both TCOs over many trials.",
        ],
        sheets={
            "Inputs": "workload, small model, scaffolding components and frontier model.",
            "Calculations": "cost per task, build and upkeep, TCO of both, break-even volumes; "
            f"below, a {MAX_MONTHS}-month discount timeline.",
            "Summary": "the figures and plain sentences.",
            "Risk": "a Monte Carlo simulation of both TCOs in formulas alone: percentiles, the "
            "chance that building costs less, a histogram, and one row per trial.",
            "Checks": "inputs in range and the arithmetic cross-checked.",
        },
        notes=[
            "TCO = build + sum over months of (tasks x all-in cost per task + fixed cost), "
            "discounted monthly at (1 + annual rate)^(1/12) - 1 (TCO).",
            "Break-even volume = (small fixed - frontier fixed) / (frontier cost per task - "
            "small cost per task) (BREAKEVEN_VOLUME); over the horizon the build and fixed "
            "costs are spread over the discounted task volume.",
            CURRENCY_NOTE,
        ],
    )
