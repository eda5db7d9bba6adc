"""The figures of tco_comparison.xlsx worked out with the Python functions of SPEC.

TCO comes from the month-by-month reference (:mod:`reference_models`), the
other figures from the numeric core.

Shared by the template's tests and the batch tests, which compare every
figure LibreOffice calculates in a workbook with these.
"""

from __future__ import annotations

import reference_models
from template_support import timeline_figures

import xlfuncs
from xlfuncs.templates import tco_comparison as template

__all__ = ["expected_figures", "tolerance"]

OPTIONS = template.OPTIONS


def expected_figures(values: dict) -> dict[str, object]:
    """Every figure of Calculations and Summary from the SPEC functions (xlfuncs)."""
    v = values
    T, n = v["tasks_per_month"], int(v["months"])
    g, d = v["monthly_growth"], v["annual_discount_rate"]
    out: dict[str, object] = {}
    per: dict[str, dict[str, float]] = {}
    # TCO of 1 task a month at 1 per task (accuracy 1) is the discounted volume factor;
    # TCO of 1 a month fixed is the discounted fixed-cost factor.
    volume_factor = reference_models.tco(
        1, 1, 1, 0, months=n, monthly_growth=g, annual_discount_rate=d
    )
    fixed_factor = reference_models.tco(
        0, 0, 1, 0, monthly_fixed=1, months=n, annual_discount_rate=d
    )
    for letter in OPTIONS:
        p = letter.lower() + "_"
        calls, tin, tout, treason = (
            v[p + "calls"],
            v[p + "input_tokens"],
            v[p + "output_tokens"],
            v[p + "reasoning_tokens"],
        )
        api = xlfuncs.token_cost(
            tin,
            tout,
            v[p + "input_price"],
            v[p + "output_price"],
            treason,
            calls,
            v[p + "cached_share"],
            v[p + "cached_price"],
        )
        tokens = calls * (tin + tout + treason)
        selfhost = xlfuncs.selfhost_cost(
            v[p + "gpu_hour_price"], tokens, v[p + "tokens_per_second"], v[p + "utilization"]
        )
        model = selfhost if v[p + "pricing"] == "Self-hosted" else api
        review = v[p + "review_share"] * v[p + "review_cost"]
        running = model + review
        accuracy = v[p + "accuracy"]
        error_args = (v[p + "cost_per_error"], v[p + "catch_rate"], v[p + "cost_per_caught_error"])
        per_error = xlfuncs.error_cost(0.0, *error_args)  # every task wrong: cost of one error
        errors = xlfuncs.error_cost(accuracy, *error_args)
        upfront = v[p + "build_hours"] * v[p + "hourly_rate"]
        monthly = v[p + "monthly_maintenance"] + v[p + "monthly_fixed"]
        tco = reference_models.tco(T, running, accuracy, per_error, upfront, monthly, n, g, d)
        per[letter] = {
            "api_cost": api,
            "tokens_per_task": tokens,
            "selfhost_cost": selfhost,
            "model_cost": model,
            "review_cost": review,
            "running_cost": running,
            "cost_per_error_net": per_error,
            "error_cost": errors,
            "all_in_cost": running + errors,
            "upfront": upfront,
            "fixed": monthly,
            "included": 1 if v[p + "include"] == "Yes" else 0,
            "tco": tco,
            "cost_per_correct": (
                xlfuncs.cost_per_correct(running, accuracy)
                if accuracy > 0
                else "no correct results"
            ),
            "fixed_per_volume": (upfront + monthly * fixed_factor) / volume_factor,
        }
    ref = v["reference_option"]
    for letter in OPTIONS:
        mine, theirs = per[letter], per[ref]
        if letter == ref:
            be = "reference"
        elif T == 0 or mine["cost_per_error_net"] == 0:
            be = "accuracy does not matter"
        else:
            # The reference enters as a "frontier" whose errors are already in its cost
            # per task (accuracy 1); build and fixed costs spread over the discounted volume.
            be = xlfuncs.breakeven_accuracy(
                mine["running_cost"],
                theirs["all_in_cost"],
                1.0,
                mine["cost_per_error_net"],
                mine["fixed_per_volume"],
                theirs["fixed_per_volume"],
                T,
            )
        mine["breakeven_accuracy"] = be
    included = [k for k in OPTIONS if per[k]["included"]]
    # Ranked on TCO as a share of the largest ranked TCO (at least 1), rounded to 9
    # decimals: TCOs that close are a tie, which keeps the A..D order (a stable sort).
    scale = max([1.0, *(abs(per[k]["tco"]) for k in included)])
    for letter in OPTIONS:
        ranked = per[letter]["included"]
        per[letter] |= {
            "inputs_allowed": 1,
            "ranked": ranked,
            "ranked_abs_tco": abs(per[letter]["tco"]) if ranked else 0.0,
            "tie_key": round(per[letter]["tco"] / scale, 9) if ranked else 0.0,
        }
    ordered = sorted(included, key=lambda k: per[k]["tie_key"])
    for letter in OPTIONS:
        per[letter]["rank"] = ordered.index(letter) + 1 if letter in included else "left out"
        for key, value in per[letter].items():
            out[f"calc.{key}.{letter}"] = value
    out |= {
        "calc.monthly_discount_rate": (1 + d) ** (1 / 12) - 1,
        "calc.volume_factor": volume_factor,
        "calc.fixed_factor": fixed_factor,
        "calc.volume_factor_closed": volume_factor,
        "calc.fixed_factor_closed": fixed_factor,
        "calc.reference_position": OPTIONS.index(ref) + 1,
        "calc.tie_scale": scale,
        "calc.included_count": len(included),
        "summary.months": n,
        "timeline.month.0": 0,
    }
    r = out["calc.monthly_discount_rate"]
    out |= timeline_figures(n, g, d, template.MAX_MONTHS)
    for m in range(1, template.MAX_MONTHS + 1):
        out[f"timeline.tasks.{m}"] = (
            T * out[f"timeline.growth.{m}"] * out[f"timeline.in_horizon.{m}"]
        )
    for letter in OPTIONS:
        o, p = per[letter], letter.lower() + "_"
        args = (o["running_cost"], v[p + "accuracy"], o["cost_per_error_net"])
        out[f"timeline.cumulative.{letter}.0"] = o["upfront"]
        for m in range(1, template.MAX_MONTHS + 1):
            # One month of TCO, undiscounted, at that month's volume.
            cost = (
                reference_models.tco(
                    T * (1 + g) ** (m - 1), *args, monthly_fixed=o["fixed"], months=1
                )
                if m <= n
                else 0.0
            )
            out[f"timeline.cost.{letter}.{m}"] = cost
            out[f"timeline.discounted.{letter}.{m}"] = cost / (1 + r) ** m
            out[f"timeline.cumulative.{letter}.{m}"] = reference_models.tco(
                T, *args, o["upfront"], o["fixed"], min(m, n), g, d
            )
    for k in range(1, len(OPTIONS) + 1):
        shown = k <= len(included)
        pick = per[ordered[k - 1]] if shown else None
        # Rows below the last included option show a dash.
        out[f"summary.rank_tco.{k}"] = pick["tco"] if shown else "-"
        out[f"summary.rank_gap.{k}"] = pick["tco"] - per[ordered[0]]["tco"] if shown else "-"
        out[f"summary.rank_cost_per_correct.{k}"] = pick["cost_per_correct"] if shown else "-"
    for letter in OPTIONS:
        for key in (
            "running_cost",
            "error_cost",
            "all_in_cost",
            "upfront",
            "fixed",
            "tco",
            "cost_per_correct",
            "breakeven_accuracy",
        ):
            out[f"summary.{key}.{letter}"] = per[letter][key]
        out[f"summary.accuracy.{letter}"] = v[letter.lower() + "_accuracy"]
    return out, per, ordered


def tolerance(values: dict):
    """Absolute slack for figures that are differences of large numbers (rel. 1e-9 of those)."""
    scale = max(abs(x) for k, x in expected_figures(values)[0].items() if k.startswith("calc.tco."))

    def abs_tol(key: str) -> float:
        if key.startswith("summary.rank_gap."):
            return 1e-9 * scale
        if "breakeven_accuracy" in key:
            return 1e-12
        return 0.0

    return abs_tol
