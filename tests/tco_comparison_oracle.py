"""The figures of tco_comparison.xlsx worked out with the Python functions of SPEC.

TCO comes from the month-by-month reference (:mod:`reference_models`), the
other figures from the numeric core.

Shared by the template's tests and the batch tests, which compare every
figure LibreOffice calculates in a workbook with these.
"""

from __future__ import annotations

import string

import reference_models
from hypothesis import strategies as st
from risk_oracle import expected_risk
from template_support import amounts, fixed, fixed_rounded, timeline_figures

import xlfuncs
from xlfuncs.templates import tco_comparison as template

__all__ = ["expected_figures", "expected_texts", "option_names", "tco_inputs", "tolerance"]

OPTIONS = template.OPTIONS


def expected_figures(values: dict) -> dict[str, object]:
    """Every figure of Calculations and Summary from the SPEC functions (TCO month by month)."""
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
        # Token prices are US dollars, in the workbook's currency at the US-dollar rate.
        rate = v.get("usd_rate", 1.0)
        prices = {k: v[p + k] * rate for k in ("input_price", "output_price", "cached_price")}
        api = xlfuncs.token_cost(
            tin,
            tout,
            prices["input_price"],
            prices["output_price"],
            treason,
            calls,
            v[p + "cached_share"],
            prices["cached_price"],
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
            "input_price_here": prices["input_price"],
            "output_price_here": prices["output_price"],
            "cached_price_here": prices["cached_price"],
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
    # The chart's rows: the cumulative cost of an option in use up to the horizon,
    # #N/A elsewhere (no point drawn).
    for letter in OPTIONS:
        used = v[letter.lower() + "_include"] == "Yes"
        for m in range(template.MAX_MONTHS + 1):
            drawn = used and m <= n
            out[f"timeline.chart.{letter}.{m}"] = (
                out[f"timeline.cumulative.{letter}.{m}"] if drawn else "#N/A"
            )
    out["summary.tasks_per_month"] = T
    for k in range(1, len(OPTIONS) + 1):
        shown = k <= len(included)
        out[f"summary.rank.{k}"] = k if shown else ""
        pick = per[ordered[k - 1]] if shown else None
        # Rows below the last included option are blank.
        out[f"summary.rank_tco.{k}"] = pick["tco"] if shown else ""
        out[f"summary.rank_gap.{k}"] = pick["tco"] - per[ordered[0]]["tco"] if shown else ""
        out[f"summary.rank_cost_per_correct.{k}"] = pick["cost_per_correct"] if shown else ""
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
        if v[letter.lower() + "_include"] != "Yes":  # an option left out shows no figure
            for key in [k for k in out if k.startswith("summary.") and k.endswith(f".{letter}")]:
                out[key] = ""
    out |= expected_risk(values, per, ordered)[0]
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


option_names = st.one_of(
    st.sampled_from(["=1+1", "+A1", "-minus", "@SUM(A1)", 'Say "hi"', "=B2*2"]),
    st.text(string.ascii_letters + string.digits + " =+-@&%'", min_size=1, max_size=24).filter(
        lambda s: s.strip() == s and s
    ),
)


@st.composite
def tco_inputs(draw_):
    values = {
        "scenario": draw_(st.one_of(st.just("Illustrative defaults"), option_names)),
        "tasks_per_month": draw_(st.one_of(st.just(0), st.integers(1, 2_000_000))),
        "months": draw_(st.integers(1, template.MAX_MONTHS)),
        "monthly_growth": draw_(amounts(-0.1, 0.15)),
        "annual_discount_rate": draw_(amounts(-0.05, 0.4)),
        "reference_option": draw_(st.sampled_from(OPTIONS)),
    }
    # Token prices are US dollars, converted at the rate: 1 in USD, any rate in another.
    currency = draw_(st.sampled_from(["USD", "EUR", "JPY"]))
    values["currency"] = currency
    values["usd_rate"] = 1.0 if currency == "USD" else draw_(amounts(0.01, 200, 4))
    # Distinct names, as a spreadsheet compares text (two options of one name fail a
    # check: test_template_checks.py covers that case).
    names = draw_(
        st.lists(option_names, min_size=len(OPTIONS), max_size=len(OPTIONS), unique_by=str.lower)
    )
    for letter, name in zip(OPTIONS, names, strict=True):
        p = letter.lower() + "_"
        values |= {
            p + "name": name,
            p + "include": draw_(st.sampled_from(["Yes", "Yes", "Yes", "No"])),
            p + "pricing": draw_(st.sampled_from(["API", "Self-hosted"])),
            p + "input_tokens": draw_(st.integers(0, 50_000)),
            p + "output_tokens": draw_(st.integers(0, 10_000)),
            p + "reasoning_tokens": draw_(st.integers(0, 100_000)),
            p + "calls": draw_(amounts(0, 8, 2)),
            p + "input_price": draw_(amounts(0, 30, 3)),
            p + "output_price": draw_(amounts(0, 120, 3)),
            p + "cached_share": draw_(amounts(0, 1, 3)),
            p + "cached_price": draw_(amounts(0, 15, 3)),
            p + "gpu_hour_price": draw_(amounts(0, 12, 2)),
            p + "tokens_per_second": draw_(amounts(1, 5000, 1)),
            p + "utilization": draw_(amounts(0.01, 1, 3)),
            p + "accuracy": draw_(st.one_of(st.sampled_from([0.0, 1.0]), amounts(0, 1, 4))),
            p + "catch_rate": draw_(amounts(0, 1, 3)),
            p + "cost_per_error": draw_(amounts(0, 5000, 2)),
            p + "cost_per_caught_error": draw_(amounts(0, 200, 2)),
            p + "review_share": draw_(amounts(0, 1, 3)),
            p + "review_cost": draw_(amounts(0, 60, 2)),
            p + "build_hours": draw_(amounts(0, 5000, 0)),
            p + "hourly_rate": draw_(amounts(0, 300, 2)),
            p + "monthly_maintenance": draw_(amounts(0, 50_000, 2)),
            p + "monthly_fixed": draw_(amounts(0, 50_000, 2)),
        }
    return values


def expected_texts(values: dict) -> dict[str, str]:
    """The words: names, ranking, and the sentence per option."""
    _, per, ordered = expected_figures(values)
    v, ref = values, values["reference_option"]
    name = {k: v[k.lower() + "_name"] for k in OPTIONS}
    # The Checks sheet flags a reference option left out of the comparison.
    reference_left_out = v[ref.lower() + "_include"] != "Yes"
    failing = "The reference option is one of the options and is included"
    out = {
        "overall_flag": (
            f"A CHECK FAILS: {failing}. See the Checks sheet."
            if reference_left_out
            else "All checks pass"
        )
    }
    for k in range(1, len(OPTIONS) + 1):
        out[f"summary.rank_option.{k}"] = ordered[k - 1] if k <= len(ordered) else ""
        out[f"summary.rank_name.{k}"] = name[ordered[k - 1]] if k <= len(ordered) else ""
    out["summary.reference_name"] = name[ref]
    out |= {f"summary.option.{x}": x if v[x.lower() + "_include"] == "Yes" else "" for x in OPTIONS}
    for letter in OPTIONS:
        out[f"calc.name.{letter}"] = out[f"summary.name.{letter}"] = name[letter]
        o, accuracy = per[letter], v[letter.lower() + "_accuracy"]
        be = o["breakeven_accuracy"]
        it_is = f"it is {fixed(accuracy * 100, 1)}%."
        if v[letter.lower() + "_include"] != "Yes":
            text = ""  # one line names the options left out
            out[f"summary.name.{letter}"] = ""
        elif reference_left_out:  # a check fails: no sentence that could mislead
            text = f"Check input: {failing}."
        elif letter == ref:
            text = (
                f"{name[letter]} is the reference option: TCO {fixed(o['tco'], 0)} "
                f"{v.get('currency', 'USD')} over "
                f"{int(v['months'])} months, rank {o['rank']} of {len(ordered)}."
            )
        elif isinstance(be, str):
            mine, theirs = o["tie_key"], per[ref]["tie_key"]
            side = "less" if mine < theirs else "the same" if mine == theirs else "more"
            text = (
                f"{name[letter]}'s accuracy does not change its cost (no tasks, or errors cost "
                f"nothing): it costs {side} than {name[ref]}."
            )
        elif be > 1:
            text = f"{name[letter]} costs more than {name[ref]} at any accuracy, even 100%; {it_is}"
        elif be <= 0:
            text = f"{name[letter]} costs less than {name[ref]} at any accuracy; {it_is}"
        else:
            text = (
                f"{name[letter]} must be at least {fixed_rounded(be * 100, 1)}% accurate to "
                f"cost less than {name[ref]}; {it_is}"
            )
        out[f"summary.sentence.{letter}"] = text
    left_out = [name[x] for x in OPTIONS if v[x.lower() + "_include"] != "Yes" and name[x] != ""]
    out["summary.left_out"] = (
        f"Left out of the comparison (Include is No): {'; '.join(left_out)}." if left_out else ""
    )
    out |= expected_risk(values, per, ordered)[1]
    if reference_left_out:
        out["summary.risk"] = f"Check input: {failing}."
    return out
