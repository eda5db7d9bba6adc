"""Every formula builder's text, evaluated by the package's evaluator, equals the reference.

Fast and without LibreOffice: the builders of :mod:`xlfuncs.templates._formula_builders`
write their text over named argument cells, the evaluator computes it for
random valid arguments (hypothesis, :mod:`strategies`), and each value is
compared with :mod:`reference_models`, SPEC's definitions as plain Python
loops that import nothing from xlfuncs. The TCO is composed on a monthly
timeline exactly as the templates compose it (growth and discount factors
per month, their sums, then :func:`~xlfuncs.templates._formula_builders.tco_closed`)
and compared with the month-by-month reference.
"""

from __future__ import annotations

import functools
import math
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import reference_models as ref
import strategies
from hypothesis import given, settings
from hypothesis import strategies as st
from sheet_formulas import Sheet, close, column

from xlfuncs.templates import _formula_builders as fx

EXAMPLES = settings(max_examples=30, deadline=None)


def _rows(function: str, names: list[str]) -> st.SearchStrategy[list[dict]]:
    """Up to 20 argument sets of ``function``'s valid values, evaluated as one block."""
    return st.lists(strategies.arguments(function, names), min_size=1, max_size=20)


def _half_up(x: float, digits: int) -> float:
    """Python's ROUND: 15 significant digits, then half away from zero."""
    return float(Decimal(f"{x:.15g}").quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP))


# One formula per case: (builder names covered, function for the strategies, argument names,
# formula text over those names, reference value, scale of the terms that may cancel).
CASES = {
    "token_cost": (
        {"token_cost"},
        "token_cost",
        [
            "input_tokens",
            "output_tokens",
            "input_price",
            "output_price",
            "reasoning_tokens",
            "calls",
            "cached_share",
            "cached_price",
        ],
        lambda a: fx.token_cost(*a),
        lambda *v: ref.token_cost(*v),
        lambda i, o, ip, op, r, c, s, cp: c * (i * (ip + cp) + (o + r) * op) / 1e6,
    ),
    "token_cost_defaults": (
        {"token_cost"},
        "token_cost",
        ["input_tokens", "output_tokens", "input_price", "output_price"],
        lambda a: fx.token_cost(*a),
        lambda *v: ref.token_cost(*v),
        None,
    ),
    "from_usd": (
        {"from_usd", "token_cost"},
        "token_cost",
        [
            "input_tokens",
            "output_tokens",
            "input_price",
            "output_price",
            "reasoning_tokens",
            "calls",
            "cached_share",
            "cached_price",
            "usd_rate",
        ],
        # US-dollar list prices converted at the rate, as tco_comparison's Calculations
        # does: the API cost is the US-dollar cost times the rate (TOKEN_COST is linear
        # in its prices)
        lambda a: fx.token_cost(
            *a[:2],
            fx.from_usd(a[2], a[8]),
            fx.from_usd(a[3], a[8]),
            *a[4:7],
            fx.from_usd(a[7], a[8]),
        ),
        lambda *v: ref.token_cost(*v[:8]) * v[8],
        lambda i, o, ip, op, r, c, s, cp, rate: c * (i * (ip + cp) + (o + r) * op) / 1e6 * rate,
    ),
    "selfhost_cost": (
        {"selfhost_cost"},
        "selfhost_cost",
        ["gpu_hour_price", "tokens_per_task", "tokens_per_second", "utilization"],
        lambda a: fx.selfhost_cost(*a),
        lambda *v: ref.selfhost_cost(*v),
        None,
    ),
    "blended_error_cost": (
        {"blended_error_cost"},
        "error_cost",
        ["cost_per_error", "catch_rate", "cost_per_caught_error"],
        lambda a: fx.blended_error_cost(*a),
        lambda e, c, k: ref.error_cost(0.0, e, c, k),
        lambda e, c, k: e + k,
    ),
    "error_cost": (
        {"error_cost"},
        "error_cost",
        ["accuracy", "cost_per_error", "catch_rate", "cost_per_caught_error"],
        lambda a: fx.error_cost(*a),
        lambda *v: ref.error_cost(*v),
        lambda a, e, c, k: e + k,
    ),
    "error_cost_no_catch": (
        {"error_cost"},
        "error_cost",
        ["accuracy", "cost_per_error"],
        lambda a: fx.error_cost(*a),
        lambda *v: ref.error_cost(*v),
        lambda a, e: e,
    ),
    "cost_per_correct": (
        {"cost_per_correct"},
        "cost_per_correct",
        ["cost_per_task", "accuracy"],
        lambda a: fx.cost_per_correct(*a),
        lambda *v: ref.cost_per_correct(*v),
        None,
    ),
    "net_value": (
        {"net_value", "value_of_correct"},
        "net_value",
        ["value_per_correct", "accuracy", "cost_per_task", "cost_per_error"],
        lambda a: f"{fx.net_value(*a)}+0*{fx.value_of_correct(a[1], a[0])}",
        lambda *v: ref.net_value(*v),
        # A spreadsheet takes 1 - a as 0 when a is within 2**-48 of 1 (about 3.6e-15 of e;
        # the scale is of a relative 1e-9, hence 1e-5 e).
        lambda v, a, c, e: abs(a * v) + abs(c) + abs((1 - a) * e) + 1e-5 * abs(e),
    ),
    "value_of_correct": (
        {"value_of_correct", "error_cost", "all_in_cost"},
        "net_value",
        ["value_per_correct", "accuracy", "cost_per_task", "cost_per_error"],
        # NET_VALUE as the value of right results less the all-in cost per task
        lambda a: (
            f"{fx.value_of_correct(a[1], a[0])}-({fx.all_in_cost(a[2], fx.error_cost(a[1], a[3]))})"
        ),
        lambda *v: ref.net_value(*v),
        # A spreadsheet takes 1 - a as 0 when a is within 2**-48 of 1 (about 3.6e-15 of e;
        # the scale is of a relative 1e-9, hence 1e-5 e).
        lambda v, a, c, e: abs(a * v) + abs(c) + abs((1 - a) * e) + 1e-5 * abs(e),
    ),
    "monthly_cost": (
        {"monthly_cost", "all_in_cost", "error_cost"},
        "tco",
        ["tasks_per_month", "cost_per_task", "accuracy", "cost_per_error", "monthly_fixed"],
        lambda a: fx.monthly_cost(a[0], fx.all_in_cost(a[1], fx.error_cost(a[2], a[3])), a[4]),
        lambda *v: ref.monthly_cost(*v),
        lambda t, c, a, e, f: t * (c + e) + f,
    ),
    "breakeven_accuracy": (
        {"frontier_premium", "breakeven_accuracy"},
        "breakeven_accuracy",
        [
            "efficient_cost_per_task",
            "frontier_cost_per_task",
            "frontier_accuracy",
            "cost_per_error",
            "efficient_monthly_fixed",
            "frontier_monthly_fixed",
            "tasks_per_month",
        ],
        lambda a: fx.breakeven_accuracy(
            fx.frontier_premium(a[0], a[1], a[4], a[5], a[6]), a[2], a[3]
        ),
        lambda *v: ref.breakeven_accuracy(*v),
        lambda e, f, fa, cpe, ef, ff, t: (t * (e + f + cpe) + ef + ff) / (t * cpe),
    ),
    "breakeven_accuracy_gap": (
        {"frontier_premium", "breakeven_accuracy"},
        "breakeven_accuracy",
        [
            "frontier_cost_per_task",
            "frontier_accuracy",
            "cost_per_error",
            "efficient_monthly_fixed",
            "frontier_monthly_fixed",
            "tasks_per_month",
        ],
        # the premium given as the frontier's extra cost per task (the template's table)
        lambda a: fx.breakeven_accuracy(
            fx.frontier_premium(None, a[0], a[3], a[4], a[5]), a[1], a[2]
        ),
        lambda f, fa, cpe, ef, ff, t: ref.breakeven_accuracy(0.0, f, fa, cpe, ef, ff, t),
        lambda f, fa, cpe, ef, ff, t: (t * (f + cpe) + ef + ff) / (t * cpe),
    ),
    "breakeven_error_cost": (
        {"frontier_premium", "breakeven_error_cost"},
        "breakeven_error_cost",
        [
            "efficient_cost_per_task",
            "efficient_accuracy",
            "frontier_cost_per_task",
            "frontier_accuracy",
            "efficient_monthly_fixed",
            "frontier_monthly_fixed",
            "tasks_per_month",
        ],
        lambda a: fx.breakeven_error_cost(
            fx.frontier_premium(a[0], a[2], a[4], a[5], a[6]), a[1], a[3]
        ),
        lambda *v: ref.breakeven_error_cost(*v),
        lambda e, ea, f, fa, ef, ff, t: (t * (e + f) + ef + ff) / (t * abs(fa - ea) or 1),
    ),
    "breakeven_volume": (
        {"breakeven_volume"},
        "breakeven_volume",
        ["a_cost_per_task", "a_monthly_fixed", "b_cost_per_task", "b_monthly_fixed"],
        lambda a: fx.breakeven_volume(*a),
        lambda *v: ref.breakeven_volume(*v),
        lambda ac, af, bc, bf: (af + bf) / (abs(bc - ac) or 1),
    ),
    "margin": (
        {"margin"},
        "margin",
        ["price", "cost"],
        lambda a: fx.margin(*a),
        lambda *v: ref.margin(*v),
        lambda p, c: (p + c) / p,
    ),
    "margin_path": (
        {"margin", "price_in_year"},
        "margin_path",
        ["price", "cost", "annual_price_change", "annual_cost_change", "years"],
        lambda a: fx.margin(fx.price_in_year(a[0], a[2], a[4]), fx.price_in_year(a[1], a[3], a[4])),
        lambda p, c, pc, cc, y: ref.margin_path(p, c, pc, cc, y)[-1],
        lambda p, c, pc, cc, y: 1 + c * (1 + cc) ** y / (p * (1 + pc) ** y),
    ),
    "years_to_zero_margin": (
        {"margin_drift", "years_to_zero_margin"},
        "years_to_zero_margin",
        ["price", "cost", "annual_price_change", "annual_cost_change"],
        lambda a: fx.years_to_zero_margin(a[0], a[1], fx.margin_drift(a[2], a[3]), "NA()"),
        lambda *v: ref.years_to_zero_margin(*v),
        None,
    ),
    "labour_cost": (
        {"labour_cost"},
        "tco",
        ["upfront", "monthly_fixed"],
        lambda a: fx.labour_cost(*a),
        lambda hours, rate: sum([rate] * 3) / 3 * hours,
        None,
    ),
    "review_cost": (
        {"review_cost"},
        "error_cost",
        ["catch_rate", "cost_per_error"],
        lambda a: fx.review_cost(*a),
        lambda share, cost: cost * share,
        None,
    ),
    "tokens_per_task": (
        {"tokens_per_task", "selfhost_cost"},
        "token_cost",
        ["calls", "input_tokens", "output_tokens", "reasoning_tokens"],
        # the tokens a self-hosted task processes, through SELFHOST_COST at one token a
        # second and a price of 3600 an hour: the cost is the token count
        lambda a: fx.selfhost_cost("3600", fx.tokens_per_task(*a), "1"),
        lambda calls, i, o, r: calls * i + calls * o + calls * r,
        None,
    ),
    "calls_cost": (
        {"calls_cost"},
        "token_cost",
        ["input_price", "calls", "reasoning_tokens"],
        lambda a: fx.calls_cost(a[0], f"{a[1]}+{a[2]}"),
        lambda price, calls, extra: price * calls + price * extra,
        None,
    ),
    "per_month": (
        {"per_month"},
        "tco",
        ["cost_per_task", "tasks_per_month"],
        lambda a: fx.per_month(*a),
        lambda amount, tasks: ref.tco(tasks, amount, 1.0, 0.0, months=1),
        None,
    ),
    "waiting_hours": (
        {"waiting_hours"},
        "tco",
        ["tasks_per_month", "cost_per_task"],
        lambda a: fx.waiting_hours(*a),
        lambda tasks, seconds: tasks * (seconds / 60) / 60,
        None,
    ),
    "slowdown": (
        {"slowdown"},
        "selfhost_cost",
        ["tokens_per_second", "gpu_hour_price"],
        lambda a: fx.slowdown(*a),
        lambda fast, slow: slow / fast,
        None,
    ),
    "monthly_discount_rate": (
        {"monthly_discount_rate"},
        "tco",
        ["annual_discount_rate"],
        # compounded over twelve months, the monthly rate gives back the annual rate
        lambda a: f"(1+{fx.monthly_discount_rate(a[0])})^12-1",
        lambda d: d,
        lambda d: 1.0,
    ),
    "rounded": (
        {"rounded", "rounded_share", "rounded_difference"},
        "tco",
        ["cost_per_task", "upfront", "monthly_fixed"],
        lambda a: (
            f"{fx.rounded(a[0])}+1000*{fx.rounded_share(a[1], a[2] + '+1')}"
            f"+1000000*{fx.rounded_difference(a[1], a[2])}"
        ),
        lambda c, u, f: (
            _half_up(c, 9)
            + 1000 * _half_up(u / (f + 1), 9)
            + 1_000_000 * _half_up((u - f) / max(1, abs(u), abs(f)), 9)
        ),
        lambda c, u, f: 1e-6 * (1 + c),
    ),
    # The Risk sheet's scalar builders; the rank correlation r = 2 accuracy - 1 spans -1..1.
    "copula_c": (
        {"normal_correlation", "copula_weight"},
        "tco",
        ["accuracy"],
        lambda a: fx.copula_weight(fx.normal_correlation(f"(2*{a[0]}-1)"), "c"),
        lambda x: math.sqrt((1 + _normal_correlation(2 * x - 1)) / 2),
        None,
    ),
    "copula_s": (
        {"normal_correlation", "copula_weight"},
        "tco",
        ["accuracy"],
        lambda a: fx.copula_weight(fx.normal_correlation(f"(2*{a[0]}-1)"), "s"),
        lambda x: math.sqrt(max(1 - _normal_correlation(2 * x - 1), 0) / 2),
        # Near r = 1, s is the root of 1 - q, which a spreadsheet takes as 0 within 2**-48:
        # up to 2**-24 (the scale is of a relative 1e-9).
        lambda x: 60.0,
    ),
    "triangular_inverse": (
        {"triangular_inverse"},
        "tco",
        ["accuracy", "cost_per_task", "cost_per_error"],
        # low l, high l + w + 1, most likely a third of the way
        lambda a: fx.triangular_inverse(a[0], a[1], f"{a[1]}+({a[2]}+1)/3", f"{a[1]}+{a[2]}+1"),
        lambda u, low, width: _triangular(u, low, low + (width + 1) / 3, low + width + 1),
        # A spreadsheet takes 1 - u as 0 when u is within 2**-48 of 1 (HDR's uniforms stay
        # 1e-10 away), which moves the draw by up to sqrt(2**-48) of the range.
        # (the scale is of a relative 1e-9: 2**-24 / 1e-9 is about 60).
        lambda u, low, width: abs(low) + 60 * (width + 1),
    ),
    "pert_shape": (
        {"pert_shape"},
        "tco",
        ["accuracy", "cost_per_task", "cost_per_error"],
        # the most likely value at the share ``accuracy`` of the range: alpha = 1 + 4 share
        lambda a: (
            f"{fx.pert_shape(a[1], f'{a[1]}+({a[2]}+1)*{a[0]}', f'{a[1]}+{a[2]}+1', 'alpha')}"
            f"+10*({fx.pert_shape(a[1], f'{a[1]}+({a[2]}+1)*{a[0]}', f'{a[1]}+{a[2]}+1', 'beta')})"
        ),
        lambda share, low, width: (1 + 4 * share) + 10 * (1 + 4 * (1 - share)),
        lambda share, low, width: 1e-9 * (abs(low) + width + 1) / (width + 1),
    ),
    "band_edge": (
        {"band_edge"},
        "tco",
        ["cost_per_task", "cost_per_error"],
        lambda a: fx.band_edge(a[0], f"({a[0]}+{a[1]})", 7, 19),
        lambda low, width: low + width * 7 / 19,
        None,
    ),
}


def _normal_correlation(r: float) -> float:
    """The normal correlation whose ranks correlate by r (Pearson 1907), exact at the ends."""
    return r if abs(r) == 1 else 2 * math.sin(math.pi * r / 6)


def _triangular(u: float, low: float, mode: float, high: float) -> float:
    """The triangular quantile, from inverting its distribution function by hand."""
    if u <= (mode - low) / (high - low):
        return low + math.sqrt(u * (high - low) * (mode - low))
    return high - math.sqrt((1 - u) * (high - low) * (high - mode))


@functools.cache
def _sheet(case: str) -> Sheet:
    _, _, names, formula, _, _ = CASES[case]
    return Sheet(names, {"B1": formula(names)})


@pytest.mark.parametrize("case", list(CASES))
@EXAMPLES
@given(data=st.data())
def test_builder_equals_the_reference(case, data):
    _, function, names, _, reference, scale = CASES[case]
    rows = data.draw(_rows(function, names))
    if case == "breakeven_error_cost":
        # Equal accuracies have no answer (#DIV/0!); a spreadsheet takes accuracies within
        # 2**-44 of each other as equal, so those are left out too.
        rows = [
            r for r in rows if abs(r["efficient_accuracy"] - r["frontier_accuracy"]) > 1e-9
        ] or [{**rows[0], "efficient_accuracy": 0.5, "frontier_accuracy": 0.9}]
    for row, got in zip(rows, _sheet(case).evaluate(rows), strict=True):
        values = [row[n] for n in names]
        want = reference(*values)
        size = scale(*values) if scale else None
        assert close(got["B1"], want, size), (case, row, got["B1"], want)


# The TCO on a monthly timeline, as the templates compose it ------------------------------

MAX_MONTHS = 120
_TCO_ARGUMENTS = [
    "tasks_per_month",
    "cost_per_task",
    "accuracy",
    "cost_per_error",
    "upfront",
    "monthly_fixed",
    "months",
    "monthly_growth",
    "annual_discount_rate",
]
_ROWS = {
    "month": 1,
    "in_horizon": 2,
    "growth": 3,
    "discount": 4,
    "volume": 5,
    "fixed": 6,
    "tasks": 7,
    "cost": 8,
    "discounted": 9,
}
#: Single cells in column A below the arguments' rows? No: scalars sit in column A from row 20.
_SCALARS = {
    "monthly_discount_rate": "A20",
    "volume_factor": "A21",
    "fixed_factor": "A22",
    "all_in": "A23",
    "tco": "A24",
    "tco_by_months": "A25",
    "volume_closed": "A26",
    "fixed_closed": "A27",
    "fixed_per_volume": "A28",
    "tco_spread": "A29",
}


@functools.cache
def _timeline() -> Sheet:
    """Months 1 to MAX_MONTHS across, one builder per row, then the horizon's figures."""
    formulas: dict[str, str] = {}
    months = [column(m) for m in range(1, MAX_MONTHS + 1)]
    first, last = months[0], months[-1]
    for m, c in enumerate(months, start=1):
        r = {key: f"{c}{row}" for key, row in _ROWS.items()}
        formulas |= {
            r["month"]: str(m),
            r["in_horizon"]: f"IF({r['month']}<=months,1,0)",
            r["growth"]: fx.growth_factor("monthly_growth", r["month"]),
            r["discount"]: fx.discount_factor("monthly_discount_rate", r["month"]),
            r["volume"]: fx.discounted_volume(r["in_horizon"], r["growth"], r["discount"]),
            r["fixed"]: fx.discounted_fixed(r["in_horizon"], r["discount"]),
            r["tasks"]: fx.tasks_in_month("tasks_per_month", r["growth"], r["in_horizon"]),
            r["cost"]: fx.monthly_cost(r["tasks"], "all_in", "monthly_fixed", r["in_horizon"]),
            r["discounted"]: fx.discounted(r["cost"], r["discount"]),
        }

    def across(key: str) -> str:
        return f"${first}${_ROWS[key]}:${last}${_ROWS[key]}"

    s = _SCALARS
    formulas |= {
        s["monthly_discount_rate"]: fx.monthly_discount_rate("annual_discount_rate"),
        s["volume_factor"]: f"SUM({across('volume')})",
        s["fixed_factor"]: f"SUM({across('fixed')})",
        s["all_in"]: fx.all_in_cost("cost_per_task", fx.error_cost("accuracy", "cost_per_error")),
        s["tco"]: fx.tco_closed("upfront", "tasks_per_month", "all_in", "monthly_fixed"),
        s["tco_by_months"]: fx.tco_by_months("upfront", across("cost"), across("discount")),
        s["volume_closed"]: fx.discount_series("(1+monthly_growth)/(1+monthly_discount_rate)"),
        s["fixed_closed"]: fx.discount_series("1/(1+monthly_discount_rate)"),
        s["fixed_per_volume"]: fx.fixed_per_volume("upfront", "monthly_fixed"),
        # TCO as the discounted volume times the month's all-in cost and the spread fixed costs
        s["tco_spread"]: f"volume_factor*(tasks_per_month*all_in+{s['fixed_per_volume']})",
    }
    names = {key: cell for key, cell in s.items() if key in ("monthly_discount_rate", "all_in")}
    names |= {"volume_factor": s["volume_factor"], "fixed_factor": s["fixed_factor"]}
    # The argument cells sit in column A rows 1 to 9; the scalars start at row 20.
    return Sheet(_TCO_ARGUMENTS, formulas, names)


_tco_rows = st.lists(
    strategies.arguments("tco", _TCO_ARGUMENTS).map(
        lambda a: a | {"months": int(min(a["months"], MAX_MONTHS))}
    ),
    min_size=1,
    max_size=12,
)


@EXAMPLES
@given(_tco_rows)
def test_tco_on_the_timeline_equals_the_month_by_month_reference(rows):
    for row, got in zip(rows, _timeline().evaluate(rows), strict=True):
        a = [row[n] for n in _TCO_ARGUMENTS]
        n, g, d = row["months"], row["monthly_growth"], row["annual_discount_rate"]
        tco = ref.tco(*a)
        s = _SCALARS
        assert close(got[s["volume_factor"]], ref.volume_factor(n, g, d)), row
        assert close(got[s["fixed_factor"]], ref.fixed_factor(n, d)), row
        assert close(got[s["tco"]], tco), (row, got[s["tco"]], tco)
        assert close(got[s["tco_by_months"]], tco), row
        # the closed-form series near ratio 1 keeps about 8 digits (third-order expansion)
        assert close(got[s["volume_closed"]], ref.volume_factor(n, g, d), rel=1e-8), row
        assert close(got[s["fixed_closed"]], ref.fixed_factor(n, d), rel=1e-8), row
        assert close(got[s["tco_spread"]], tco), row


@EXAMPLES
@given(_tco_rows)
def test_the_timeline_months_equal_the_reference(rows):
    for row, got in zip(rows, _timeline().evaluate(rows), strict=True):
        n, g = row["months"], row["monthly_growth"]
        discounts = ref.discount_factors(MAX_MONTHS, row["annual_discount_rate"])
        for m in range(1, MAX_MONTHS + 1):
            c = column(m)
            inside = m <= n
            tasks = row["tasks_per_month"] * (1 + g) ** (m - 1) if inside else 0.0
            cost = ref.monthly_cost(
                tasks, row["cost_per_task"], row["accuracy"], row["cost_per_error"]
            ) + (row["monthly_fixed"] if inside else 0.0)
            assert close(got[f"{c}{_ROWS['discount']}"], discounts[m - 1]), (row, m)
            assert close(got[f"{c}{_ROWS['tasks']}"], tasks), (row, m)
            assert close(got[f"{c}{_ROWS['discounted']}"], cost * discounts[m - 1]), (row, m)


def test_every_builder_is_checked_against_the_reference():
    """Each builder of _formula_builders appears in a case above or on the timeline."""
    covered = set().union(*(case[0] for case in CASES.values()))
    covered |= {
        "growth_factor",
        "discount_factor",
        "discounted_volume",
        "discounted_fixed",
        "tasks_in_month",
        "monthly_cost",
        "discounted",
        "monthly_discount_rate",
        "all_in_cost",
        "tco_closed",
        "tco_by_months",
        "discount_series",
        "fixed_per_volume",
        "hdr",  # against reference_models.hdr in test_hdr.py, and in LibreOffice
        # The Risk sheet's draws and shares over ranges: against the exact quantiles, numpy
        # and LibreOffice on the trial rows of test_template_risk.py.
        "copula_percentile",
        "pert_inverse",
        "share_below",
        "share_lowest",
        "count_in_band",
    }
    builders = {
        name
        for name in fx.__all__
        if callable(getattr(fx, name)) and name not in ("filled", "outputs")
    }
    assert builders - covered == set()


def test_the_reference_is_not_the_core():
    """The oracle imports nothing from the package it checks."""
    source = Path(ref.__file__).read_text(encoding="utf-8")
    assert "import xlfuncs" not in source and "from xlfuncs" not in source
    assert math.isclose(ref.tco(10, 1, 1, 0, months=2), 20)  # a hand calculation
