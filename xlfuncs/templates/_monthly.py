"""The monthly horizon of the templates that count months (TCO comparison, scaffolding).

Their shared workload inputs (first-month tasks, horizon, growth, discount
rate), the timeline of months across the Calculations sheet with its growth
and end-of-month discount factors, the factors summed over the horizon (and
their closed forms), and the checks that tie the two together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .._validation import RULES, Rule
from . import _formula_builders as fx
from ._workbook import COUNT, PERCENT, InputSpec, TemplateBook, guarded

__all__ = [
    "TIMELINE_KEYS",
    "add_factor_checks",
    "factor_rows",
    "workload_inputs",
    "write_timeline",
]


def workload_inputs(
    section: str, *, tasks: float, max_months: int, notes: Sequence[str]
) -> list[InputSpec]:
    """Tasks per month, horizon, monthly growth and annual discount rate, in that order.

    ``notes`` are the four descriptions; the horizon runs from 1 to ``max_months``.
    """
    tasks_note, months_note, growth_note, rate_note = notes
    return [
        InputSpec(
            "tasks_per_month",
            "Tasks per month (first month)",
            "tasks",
            tasks,
            tasks_note,
            RULES["tasks_per_month"],
            number_format=COUNT,
            section=section,
        ),
        InputSpec(
            "months",
            "Horizon",
            "months",
            36,
            months_note,
            Rule(low=1.0, high=float(max_months), whole=True),
            number_format=COUNT,
            section=section,
        ),
        InputSpec(
            "monthly_growth",
            "Monthly growth of tasks",
            "fraction",
            0.02,
            growth_note,
            RULES["monthly_growth"],
            number_format=PERCENT,
            section=section,
        ),
        InputSpec(
            "annual_discount_rate",
            "Annual discount rate",
            "fraction",
            0.08,
            rate_note,
            RULES["annual_discount_rate"],
            number_format=PERCENT,
            section=section,
        ),
    ]


#: The timeline's rows: key, label, unit, formula ({c}: the month's column, other
#: names: rows by key), number format, figure name. Months past the horizon are zero.
_TIMELINE = [
    ("t_month", "Month", "month", "=COLUMN()-COLUMN($D$1)", "0", "month"),
    (
        "t_in_horizon",
        "In the horizon (1 = yes)",
        "flag",
        "=IF({c}{t_month}<=months,1,0)",
        "0",
        "in_horizon",
    ),
    (
        "t_growth",
        "Volume growth factor",
        "factor",
        "=" + fx.growth_factor("monthly_growth", "{c}{t_month}"),
        "0.0000",
        "growth",
    ),
    (
        "t_discount",
        "Discount factor, end of month",
        "factor",
        "=" + fx.discount_factor("monthly_discount_rate", "{c}{t_month}"),
        "0.0000",
        "discount",
    ),
    (
        "t_volume",
        "Discounted volume factor",
        "factor",
        "=" + fx.discounted_volume("{c}{t_in_horizon}", "{c}{t_growth}", "{c}{t_discount}"),
        "0.0000",
        "volume",
    ),
    (
        "t_fixed",
        "Discounted fixed-cost factor",
        "factor",
        "=" + fx.discounted_fixed("{c}{t_in_horizon}", "{c}{t_discount}"),
        "0.0000",
        "fixed",
    ),
]

#: Keys of the timeline's rows, top to bottom.
TIMELINE_KEYS = tuple(key for key, *_ in _TIMELINE)


def write_timeline(
    book: TemplateBook, sheet: str, rows: Mapping[str, int], month_cols: Sequence[str]
) -> None:
    """The timeline's rows at ``rows[key]``, one formula per month across ``month_cols``."""
    for key, label, unit, formula, number_format, figure in _TIMELINE:
        book.period_row(
            sheet,
            rows[key],
            label,
            unit,
            month_cols,
            formula,
            number_format,
            figure,
            fields=rows,
            guard=None if key == "t_month" else "shared_inputs_ok",
        )


def factor_rows(
    rows: Mapping[str, int], month_cols: Sequence[str]
) -> dict[str, tuple[str, str, str, str, str]]:
    """The monthly discount rate and the horizon's factors: key -> (key, label, unit, formula,
    number format), each to be written in a cell with that defined name; "check input"
    while a shared input is not allowed.

    The factors sum the timeline's rows ``t_volume`` and ``t_fixed``; their
    closed forms are there for the checks.
    """

    def total(key: str) -> str:
        return f"=SUM(${month_cols[0]}${rows[key]}:${month_cols[-1]}${rows[key]})"

    factors = [
        (
            "monthly_discount_rate",
            "Monthly discount rate",
            "fraction",
            "=" + fx.monthly_discount_rate("annual_discount_rate"),
            "0.0000%",
        ),
        (
            "volume_factor",
            "Discounted task-volume factor (sum over the horizon)",
            "months",
            total("t_volume"),
            "#,##0.0000",
        ),
        (
            "fixed_factor",
            "Discounted fixed-cost factor (sum over the horizon)",
            "months",
            total("t_fixed"),
            "#,##0.0000",
        ),
        (
            "volume_factor_closed",
            "Volume factor, closed form (for the checks)",
            "months",
            "=" + fx.discount_series("(1+monthly_growth)/(1+monthly_discount_rate)"),
            "#,##0.0000",
        ),
        (
            "fixed_factor_closed",
            "Fixed-cost factor, closed form (for the checks)",
            "months",
            "=" + fx.discount_series("1/(1+monthly_discount_rate)"),
            "#,##0.0000",
        ),
    ]
    return {
        key: (key, label, unit, guarded(formula, "shared_inputs_ok"), fmt)
        for key, label, unit, formula, fmt in factors
    }


def add_factor_checks(book: TemplateBook) -> None:
    """Checks that the timeline's sums equal their closed forms."""
    book.add_check(
        "Volume factor: the sum over the timeline equals the closed-form geometric series",
        "ABS(volume_factor-volume_factor_closed)<=0.00000001*MAX(1,ABS(volume_factor))",
    )
    book.add_check(
        "Fixed-cost factor: the sum over the timeline equals the closed-form series",
        "ABS(fixed_factor-fixed_factor_closed)<=0.00000001*MAX(1,ABS(fixed_factor))",
    )
