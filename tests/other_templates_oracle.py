"""The figures and words of breakeven_accuracy, margin_trap, test_time_compute and
scaffolding_build_vs_buy worked out in Python, and input strategies for them.

TCO comes from the month-by-month reference (:mod:`reference_models`), the
other figures from the numeric core. Shared by the LibreOffice tests of these
templates and the fast tests that evaluate them with the package's evaluator.
"""

from __future__ import annotations

import math

import reference_models as ref
from hypothesis import strategies as st
from scaffolding_risk_oracle import expected_risk as expected_scaffolding_risk
from template_support import (
    amounts,
    fixed,
    fixed_rounded,
    timeline_figures,
)

import xlfuncs
from xlfuncs.templates import (
    breakeven_accuracy,
    margin_trap,
    scaffolding_build_vs_buy,
)
from xlfuncs.templates import paying_for_thinking as test_time_compute

#: What Summary says under its title with the default inputs.
SUBTITLE = "Illustrative default inputs: type your own on Inputs."


def _no_answer(value: float, words: str) -> float | str:
    """The sheet shows words where the SPEC function has no answer (NaN)."""
    return words if math.isnan(value) else value


# breakeven_accuracy ---------------------------------------------------------


@st.composite
def breakeven_inputs(draw_):
    values = {
        "efficient_cost_per_task": draw_(amounts(0, 2, 5)),
        "efficient_accuracy": draw_(st.one_of(st.just(0.97), amounts(0, 1, 4))),
        "frontier_cost_per_task": draw_(amounts(0, 5, 5)),
        "frontier_accuracy": draw_(st.one_of(st.just(0.97), amounts(0, 1, 4))),
        "cost_per_error": draw_(amounts(0.01, 10_000, 2)),
        "efficient_monthly_fixed": draw_(amounts(0, 20_000, 2)),
        "frontier_monthly_fixed": draw_(amounts(0, 20_000, 2)),
        "tasks_per_month": draw_(st.integers(1, 1_000_000)),
    }
    values |= {
        f"table_error_cost_{i}": draw_(amounts(0.01, 5000, 2))
        for i in range(1, len(breakeven_accuracy.ERROR_COSTS) + 1)
    }
    values |= {
        f"table_cost_gap_{j}": draw_(amounts(0, 2, 4))
        for j in range(1, len(breakeven_accuracy.COST_GAPS) + 1)
    }
    return values


def breakeven_expected(v: dict) -> tuple[dict, dict]:
    e, ea = v["efficient_cost_per_task"], v["efficient_accuracy"]
    f, fa = v["frontier_cost_per_task"], v["frontier_accuracy"]
    cpe, ef, ff, T = (
        v[k]
        for k in (
            "cost_per_error",
            "efficient_monthly_fixed",
            "frontier_monthly_fixed",
            "tasks_per_month",
        )
    )
    be = xlfuncs.breakeven_accuracy(e, f, fa, cpe, ef, ff, T)
    bec = _no_answer(
        xlfuncs.breakeven_error_cost(e, ea, f, fa, ef, ff, T), "no break-even: equal accuracies"
    )
    # One month of TCO, undiscounted.
    monthly = {
        "efficient": ref.tco(T, e, ea, cpe, monthly_fixed=ef, months=1),
        "frontier": ref.tco(T, f, fa, cpe, monthly_fixed=ff, months=1),
    }
    figures = {
        "calc.frontier_premium": f - e + (ff - ef) / T,  # the numerator both break-evens share
        "calc.breakeven_accuracy": be,
        "calc.breakeven_error_cost": bec,
        "calc.efficient_monthly_cost": monthly["efficient"],
        "calc.frontier_monthly_cost": monthly["frontier"],
        "summary.breakeven_accuracy": be,
        "summary.efficient_accuracy": ea,
        "summary.breakeven_error_cost": bec,
        "summary.cost_per_error": cpe,
        "summary.efficient_monthly_cost": monthly["efficient"],
        "summary.frontier_monthly_cost": monthly["frontier"],
    }
    for where in ("calc.table", "summary.table"):
        for j in range(1, len(breakeven_accuracy.COST_GAPS) + 1):
            gap = v[f"table_cost_gap_{j}"]
            figures[f"{where}.gap.{j}"] = gap
            for i in range(1, len(breakeven_accuracy.ERROR_COSTS) + 1):
                row_cost = v[f"table_error_cost_{i}"]
                figures[f"{where}.error_cost.{i}"] = row_cost
                # The efficient model's cost taken as 0 and the frontier's as the gap.
                figures[f"{where}.{i}.{j}"] = xlfuncs.breakeven_accuracy(
                    0.0, gap, fa, row_cost, ef, ff, T
                )
    money = f"{fixed(cpe, 2)} USD"  # the workbook's currency follows each amount
    if be > 1:
        accuracy_text = (
            f"At a cost per error of {money} the efficient model costs more than "
            "the frontier model at any accuracy, even 100%."
        )
    elif be <= 0:
        accuracy_text = (
            f"At a cost per error of {money} the efficient model costs less than "
            "the frontier model at any accuracy."
        )
    else:
        winner = "the efficient model" if ea >= be else "the frontier model"
        accuracy_text = (
            f"At a cost per error of {money} the efficient model must be at least "
            f"{fixed(be * 100, 1)}% accurate to cost no more than the frontier model; it is "
            f"{fixed(ea * 100, 1)}%, so {winner} costs less."
        )
    if isinstance(bec, str):
        error_text = (
            "Both models are equally accurate, so the cheaper per task wins at any cost per error."
        )
    elif bec < 0:
        better = "frontier" if fa > ea else "efficient"
        error_text = (
            "No cost per error makes the two cost the same: the "
            f"{better} model is cheaper and more accurate."
        )
    else:
        side = "when an error costs more than" if fa > ea else "only when an error costs less than"
        error_text = (
            f"The frontier model costs less overall {side} {fixed(bec, 2)} USD; "
            f"yours costs {money}."
        )
    texts = {"summary.sentence.accuracy": accuracy_text, "summary.sentence.error_cost": error_text}
    return figures, texts


def breakeven_tolerance(v: dict):
    return lambda key: 1e-12 if "accuracy" in key or ".table." in key else 0.0


# margin_trap ----------------------------------------------------------------


@st.composite
def margin_inputs(draw_):
    values = {"years": draw_(st.integers(1, margin_trap.MAX_YEARS))}
    for s in margin_trap.STRATEGIES:
        p = s.lower() + "_"
        values |= {
            p + "name": draw_(st.sampled_from(["=SUM(1)", "-cut", "Premium", "@x"])),
            p + "price": draw_(amounts(0.0001, 2, 4)),
            p + "cost": draw_(amounts(0.0001, 2, 4)),
            p + "annual_price_change": draw_(amounts(-0.9, 0.5, 3)),
            p + "annual_cost_change": draw_(amounts(-0.9, 0.5, 3)),
        }
    return values


def margin_expected(v: dict) -> tuple[dict, dict]:
    years = int(v["years"])
    figures: dict = {"summary.years": years}
    texts: dict = {}
    for t in range(margin_trap.MAX_YEARS + 1):
        figures[f"timeline.year.{t}"] = t
        figures[f"timeline.in_horizon.{t}"] = 1 if t <= years else 0
    for s in margin_trap.STRATEGIES:
        p = s.lower() + "_"
        price, cost = v[p + "price"], v[p + "cost"]
        pc, cc = v[p + "annual_price_change"], v[p + "annual_cost_change"]
        path = xlfuncs.margin_path(price, cost, pc, cc, margin_trap.MAX_YEARS)
        zero = _no_answer(xlfuncs.years_to_zero_margin(price, cost, pc, cc), "never")
        for t in range(margin_trap.MAX_YEARS + 1):
            figures[f"timeline.price.{s}.{t}"] = price * (1 + pc) ** t
            figures[f"timeline.cost.{s}.{t}"] = cost * (1 + cc) ** t
            figures[f"timeline.margin.{s}.{t}"] = path[t]
        today, at_horizon = xlfuncs.margin(price, cost), path[years]
        for where in ("calc", "summary"):
            figures[f"{where}.margin_today.{s}"] = today
            figures[f"{where}.margin_at_horizon.{s}"] = at_horizon
            figures[f"{where}.years_to_zero.{s}"] = zero
        figures[f"calc.drift.{s}"] = (1 + pc) / (1 + cc)
        if zero == "never":
            when = " It never reaches zero: prices do not fall faster than costs."
        elif zero == 0:
            when = " It has no margin even today."
        else:
            when = f" It reaches zero after {fixed(zero, 1)} years."
        texts[f"calc.header.{s}"] = texts[f"summary.name.{s}"] = v[p + "name"]
        texts[f"summary.sentence.{s}"] = (
            f"{v[p + 'name']}: the gross margin goes from {fixed(today * 100, 1)}% today to "
            f"{fixed(at_horizon * 100, 1)}% in {years} {'year' if years == 1 else 'years'}.{when}"
        )
    return figures, texts


def margin_tolerance(v: dict):
    return lambda key: 1e-12 if "margin" in key else 0.0


# test_time_compute ----------------------------------------------------------


@st.composite
def thinking_inputs(draw_):
    values = {
        "cost_per_error": draw_(st.one_of(st.just(0.0), amounts(0, 100_000, 2))),
        "value_per_correct": draw_(amounts(0, 10_000, 2)),
        "cases_per_month": draw_(st.integers(0, 100_000)),
    }
    for m in test_time_compute.MODELS:
        p = m.lower() + "_"
        values |= {
            p + "name": draw_(st.sampled_from(["Fast", "=Thinking", "+o1", "-quick"])),
            p + "cost_per_case": draw_(amounts(0, 100, 4)),
            p + "seconds_per_case": draw_(st.one_of(st.just(0.0), amounts(0, 600, 1))),
            p + "accuracy": draw_(st.one_of(st.just(0.9), st.just(0.0), amounts(0, 1, 4))),
        }
    return values


def thinking_expected(v: dict) -> tuple[dict, dict]:
    cpe, value, cases = v["cost_per_error"], v["value_per_correct"], v["cases_per_month"]
    figures: dict = {}
    texts: dict = {}
    net = {}
    for m in test_time_compute.MODELS:
        p = m.lower() + "_"
        cost, accuracy = v[p + "cost_per_case"], v[p + "accuracy"]
        errors = xlfuncs.error_cost(accuracy, cpe)
        net[m] = xlfuncs.net_value(value, accuracy, cost, cpe)
        per_correct = (
            xlfuncs.cost_per_correct(cost, accuracy) if accuracy > 0 else "no right answers"
        )
        figures |= {
            f"calc.error_cost.{m}": errors,
            f"calc.expected_cost.{m}": cost + errors,
            f"calc.net_value.{m}": net[m],
            f"calc.cost_per_correct.{m}": per_correct,
            f"calc.monthly_net_value.{m}": cases * net[m],
            f"calc.waiting_hours.{m}": cases * v[p + "seconds_per_case"] / 3600,
            f"summary.cost_per_case.{m}": cost,
            f"summary.accuracy.{m}": accuracy,
            f"summary.expected_cost.{m}": cost + errors,
            f"summary.net_value.{m}": net[m],
            f"summary.cost_per_correct.{m}": per_correct,
            f"summary.monthly_net_value.{m}": cases * net[m],
        }
        texts[f"calc.header.{m}"] = texts[f"summary.name.{m}"] = v[p + "name"]
    fc, fa, tc, ta = v["f_cost_per_case"], v["f_accuracy"], v["t_cost_per_case"], v["t_accuracy"]
    bec = _no_answer(
        xlfuncs.breakeven_error_cost(fc, fa, tc, ta), "no break-even: equal accuracies"
    )
    bea = (
        xlfuncs.breakeven_accuracy(fc, tc, ta, cpe)
        if cpe > 0
        else "no break-even: errors cost nothing"
    )
    fs, ts = v["f_seconds_per_case"], v["t_seconds_per_case"]
    extra = net["T"] - net["F"]
    figures |= {
        "calc.extra_value": extra,
        "summary.extra_value": extra,
        "calc.breakeven_error_cost": bec,
        "summary.breakeven_error_cost": bec,
        "calc.breakeven_accuracy": bea,
        "summary.breakeven_accuracy": bea,
        "calc.slowdown": ts / fs if fs > 0 else "not comparable",
    }
    texts["summary.sentence.value"] = (
        f"Per case, thinking is worth {fixed(abs(extra), 2)} USD "
        f"{'more' if extra >= 0 else 'less'} "
        f"than the fast answer: {fixed(tc, 2)} USD in {fixed(ts, 1)} s against "
        f"{fixed(fc, 3)} USD in "
        f"{fixed(fs, 1)} s."
    )
    if isinstance(bec, str):
        text = (
            "Both models are equally accurate: the cheaper one costs less at any cost of a "
            "wrong answer."
        )
    elif bec < 0:
        text = (
            "No cost of a wrong answer makes the two equal: one model is both cheaper and "
            "more accurate."
        )
    else:
        side = (
            "when a wrong answer costs more than"
            if ta > fa
            else "only when a wrong answer costs less than"
        )
        text = (
            f"Thinking costs less overall {side} {fixed_rounded(bec, 2)} USD; "
            f"yours costs {fixed(cpe, 2)} USD."
        )
    texts["summary.sentence.breakeven"] = text
    return figures, texts


def thinking_tolerance(v: dict):
    scale = max(
        abs(v["value_per_correct"]),
        abs(v["cost_per_error"]),
        v["f_cost_per_case"],
        v["t_cost_per_case"],
    )

    def abs_tol(key: str) -> float:
        if "extra_value" in key or "net_value" in key:
            return 1e-9 * scale * max(1, v["cases_per_month"])
        return 1e-12 if "breakeven_accuracy" in key else 0.0

    return abs_tol


# scaffolding_build_vs_buy ---------------------------------------------------


@st.composite
def scaffolding_inputs(draw_):
    values = {
        "tasks_per_month": draw_(st.integers(0, 5_000_000)),
        "months": draw_(st.integers(1, scaffolding_build_vs_buy.MAX_MONTHS)),
        "monthly_growth": draw_(amounts(-0.1, 0.15)),
        "annual_discount_rate": draw_(amounts(-0.05, 0.4)),
        "cost_per_error": draw_(amounts(0, 500, 2)),
        "hourly_rate": draw_(amounts(0, 400, 2)),
        "small_cost_per_call": draw_(amounts(0, 0.1, 6)),
        "small_base_calls": draw_(amounts(0, 5, 1)),
        "small_accuracy": draw_(amounts(0, 1, 4)),
        "frontier_cost_per_task": draw_(amounts(0, 1, 5)),
        "frontier_accuracy": draw_(amounts(0, 1, 4)),
        "frontier_monthly_fixed": draw_(amounts(0, 20_000, 2)),
    }
    for c in scaffolding_build_vs_buy.COMPONENTS:
        p = c.lower() + "_"
        values |= {
            p + "build_hours": draw_(amounts(0, 3000, 0)),
            p + "maintenance_hours": draw_(amounts(0, 100, 1)),
            p + "extra_calls": draw_(amounts(0, 4, 1)),
        }
    return values


def scaffolding_expected(v: dict) -> tuple[dict, dict]:
    T, n = v["tasks_per_month"], int(v["months"])
    g, d, cpe, rate = (
        v[k] for k in ("monthly_growth", "annual_discount_rate", "cost_per_error", "hourly_rate")
    )
    parts = scaffolding_build_vs_buy.COMPONENTS
    figures: dict = {}
    for c in parts:
        p = c.lower() + "_"
        figures[f"calc.build_cost.{c}"] = v[p + "build_hours"] * rate
        figures[f"calc.maintenance_cost.{c}"] = v[p + "maintenance_hours"] * rate
    extra = sum(v[c.lower() + "_extra_calls"] for c in parts)
    small_cost = v["small_cost_per_call"] * (v["small_base_calls"] + extra)
    small_errors = xlfuncs.error_cost(v["small_accuracy"], cpe)
    upfront = sum(figures[f"calc.build_cost.{c}"] for c in parts)
    upkeep = sum(figures[f"calc.maintenance_cost.{c}"] for c in parts)
    frontier_errors = xlfuncs.error_cost(v["frontier_accuracy"], cpe)
    small_all_in = small_cost + small_errors
    frontier_all_in = v["frontier_cost_per_task"] + frontier_errors
    volume = ref.tco(1, 1, 1, 0, months=n, monthly_growth=g, annual_discount_rate=d)
    fixed_f = ref.tco(0, 0, 1, 0, monthly_fixed=1, months=n, annual_discount_rate=d)
    small_tco = ref.tco(T, small_cost, v["small_accuracy"], cpe, upfront, upkeep, n, g, d)
    frontier_tco = ref.tco(
        T,
        v["frontier_cost_per_task"],
        v["frontier_accuracy"],
        cpe,
        0,
        v["frontier_monthly_fixed"],
        n,
        g,
        d,
    )
    steady = _no_answer(
        xlfuncs.breakeven_volume(
            small_all_in, upkeep, frontier_all_in, v["frontier_monthly_fixed"]
        ),
        "none: equal costs per task",
    )
    # Over the horizon: build and fixed costs spread over the discounted task volume.
    horizon = _no_answer(
        xlfuncs.breakeven_volume(
            small_all_in,
            (upfront + upkeep * fixed_f) / volume,
            frontier_all_in,
            v["frontier_monthly_fixed"] * fixed_f / volume,
        ),
        "none: equal costs per task",
    )
    values = {
        "extra_calls": extra,
        "small_cost_per_task": small_cost,
        "small_error_cost": small_errors,
        "small_all_in": small_all_in,
        "upfront": upfront,
        "small_monthly_fixed": upkeep,
        "frontier_error_cost": frontier_errors,
        "frontier_all_in": frontier_all_in,
        "frontier_premium": frontier_all_in - small_all_in,
        "volume_factor": volume,
        "fixed_factor": fixed_f,
        "volume_factor_closed": volume,
        "fixed_factor_closed": fixed_f,
        "monthly_discount_rate": (1 + d) ** (1 / 12) - 1,
        "small_tco": small_tco,
        "frontier_tco": frontier_tco,
        "tco_difference": small_tco - frontier_tco,
        "breakeven_volume_steady": steady,
        "breakeven_volume_horizon": horizon,
    }
    figures |= {f"calc.{k}": x for k, x in values.items()}
    figures["summary.months"] = n
    for key in (
        "small_tco",
        "frontier_tco",
        "tco_difference",
        "upfront",
        "small_monthly_fixed",
        "frontier_premium",
        "breakeven_volume_horizon",
        "breakeven_volume_steady",
    ):
        figures[f"summary.{key}"] = values[key]
    figures |= timeline_figures(n, g, d, scaffolding_build_vs_buy.MAX_MONTHS)
    if small_tco < frontier_tco:
        tco_text = (
            f"Building pays: the small model with scaffolding costs "
            f"{fixed(frontier_tco - small_tco, 0)} USD less than the frontier model over "
            f"{n} months."
        )
    else:
        tco_text = (
            f"Buying pays: the frontier model costs {fixed(small_tco - frontier_tco, 0)} USD "
            f"less than the small model with scaffolding over {n} months."
        )
    if isinstance(horizon, str):
        volume_text = "Both cost the same per task, errors included: the fixed costs decide."
    elif horizon < 0:
        volume_text = (
            "The two never cost the same at a positive volume: one is cheaper at any volume."
        )
    elif frontier_all_in > small_all_in:
        volume_text = (
            f"The scaffolding pays for itself from about {fixed(horizon, 0)} tasks in "
            f"the first month; you have {fixed(T, 0)}."
        )
    else:
        volume_text = (
            "The frontier model costs less per task, errors included, so building "
            f"only pays below {fixed(horizon, 0)} tasks in the first month; you have "
            f"{fixed(T, 0)}."
        )
    texts = {
        "calc.header.V": "Validation loops",
        "summary.sentence.tco": tco_text,
        "summary.sentence.volume": volume_text,
    }
    risk_figures, risk_texts = expected_scaffolding_risk(v, figures)
    return figures | risk_figures, texts | risk_texts


def scaffolding_tolerance(v: dict):
    figures, _ = scaffolding_expected(v)
    tco_scale = max(abs(figures["calc.small_tco"]), abs(figures["calc.frontier_tco"]))
    per_task = max(figures["calc.small_all_in"], figures["calc.frontier_all_in"])

    def abs_tol(key: str) -> float:
        if key.endswith("tco_difference"):
            return 1e-9 * tco_scale
        if key.endswith("frontier_premium"):
            return 1e-9 * per_task
        if "breakeven_volume" in key and abs(figures["calc.frontier_premium"]) > 0:
            fixed_scale = (
                figures["calc.upfront"]
                + figures["calc.small_monthly_fixed"] * 60
                + v["frontier_monthly_fixed"] * 60
            )
            return 1e-9 * fixed_scale / abs(figures["calc.frontier_premium"])
        return 0.0

    return abs_tol


# One LibreOffice run for all four templates ---------------------------------

CASES = {
    "breakeven_accuracy": (
        breakeven_accuracy,
        breakeven_inputs,
        breakeven_expected,
        breakeven_tolerance,
    ),
    "margin_trap": (margin_trap, margin_inputs, margin_expected, margin_tolerance),
    "test_time_compute": (
        test_time_compute,
        thinking_inputs,
        thinking_expected,
        thinking_tolerance,
    ),
    "scaffolding_build_vs_buy": (
        scaffolding_build_vs_buy,
        scaffolding_inputs,
        scaffolding_expected,
        scaffolding_tolerance,
    ),
}
