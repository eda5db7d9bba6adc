"""tco_comparison.xlsx recalculated by LibreOffice equals the Python functions of SPEC."""

from __future__ import annotations

import string

import pytest
from hypothesis import strategies as st
from template_support import (
    amounts,
    compare_figures,
    draw,
    error_cells,
    fixed,
    formula_cells,
    recalculated,
)

import xlfuncs
from xlfuncs.templates import tco_comparison as template
from xlfuncs.templates._workbook import resolve_inputs

OPTIONS = template.OPTIONS
RANDOM_SETS = 24

option_names = st.one_of(
    st.sampled_from(["=1+1", "+A1", "-minus", "@SUM(A1)", 'Say "hi"', "=B2*2"]),
    st.text(string.ascii_letters + string.digits + " =+-@&%'", min_size=1, max_size=24).filter(
        lambda s: s.strip() == s and s
    ),
)


@st.composite
def tco_inputs(draw_):
    values = {
        "tasks_per_month": draw_(st.one_of(st.just(0), st.integers(1, 2_000_000))),
        "months": draw_(st.integers(1, template.MAX_MONTHS)),
        "monthly_growth": draw_(amounts(-0.1, 0.15)),
        "annual_discount_rate": draw_(amounts(-0.05, 0.4)),
        "reference_option": draw_(st.sampled_from(OPTIONS)),
    }
    for letter in OPTIONS:
        p = letter.lower() + "_"
        values |= {
            p + "name": draw_(option_names),
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


def expected_figures(values: dict) -> dict[str, object]:
    """Every figure of Calculations and Summary from the SPEC functions (xlfuncs)."""
    v = values
    T, n = v["tasks_per_month"], int(v["months"])
    g, d = v["monthly_growth"], v["annual_discount_rate"]
    out: dict[str, object] = {}
    per: dict[str, dict[str, float]] = {}
    # TCO of 1 task a month at 1 per task (accuracy 1) is the discounted volume factor;
    # TCO of 1 a month fixed is the discounted fixed-cost factor.
    volume_factor = xlfuncs.tco(1, 1, 1, 0, months=n, monthly_growth=g, annual_discount_rate=d)
    fixed_factor = xlfuncs.tco(0, 0, 1, 0, monthly_fixed=1, months=n, annual_discount_rate=d)
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
        tco = xlfuncs.tco(T, running, accuracy, per_error, upfront, monthly, n, g, d)
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
    ordered = sorted(included, key=lambda k: per[k]["tco"])  # stable: ties keep A..D order
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
        "calc.included_count": len(included),
        "summary.months": n,
        "timeline.month.0": 0,
    }
    r = (1 + d) ** (1 / 12) - 1
    for m in range(1, template.MAX_MONTHS + 1):
        flag = 1 if m <= n else 0
        growth, discount = (1 + g) ** (m - 1), 1 / (1 + r) ** m
        out |= {
            f"timeline.month.{m}": m,
            f"timeline.in_horizon.{m}": flag,
            f"timeline.growth.{m}": growth,
            f"timeline.discount.{m}": discount,
            f"timeline.volume.{m}": flag * growth * discount,
            f"timeline.fixed.{m}": flag * discount,
            f"timeline.tasks.{m}": T * growth * flag,
        }
    for letter in OPTIONS:
        o, p = per[letter], letter.lower() + "_"
        args = (o["running_cost"], v[p + "accuracy"], o["cost_per_error_net"])
        out[f"timeline.cumulative.{letter}.0"] = o["upfront"]
        for m in range(1, template.MAX_MONTHS + 1):
            # One month of TCO, undiscounted, at that month's volume.
            cost = (
                xlfuncs.tco(T * (1 + g) ** (m - 1), *args, monthly_fixed=o["fixed"], months=1)
                if m <= n
                else 0.0
            )
            out[f"timeline.cost.{letter}.{m}"] = cost
            out[f"timeline.discounted.{letter}.{m}"] = cost / (1 + r) ** m
            out[f"timeline.cumulative.{letter}.{m}"] = xlfuncs.tco(
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


def expected_texts(values: dict) -> dict[str, str]:
    """The words: names, ranking, and the sentence per option."""
    _, per, ordered = expected_figures(values)
    v, ref = values, values["reference_option"]
    name = {k: v[k.lower() + "_name"] for k in OPTIONS}
    # The Checks sheet flags a reference option left out of the comparison.
    reference_left_out = v[ref.lower() + "_include"] != "Yes"
    out = {
        "overall_flag": (
            "A CHECK FAILS: see the Checks sheet" if reference_left_out else "All checks pass"
        )
    }
    for k in range(1, len(OPTIONS) + 1):
        out[f"summary.rank_option.{k}"] = ordered[k - 1] if k <= len(ordered) else "-"
        out[f"summary.rank_name.{k}"] = name[ordered[k - 1]] if k <= len(ordered) else "-"
    for letter in OPTIONS:
        out[f"calc.name.{letter}"] = out[f"summary.name.{letter}"] = name[letter]
        o, accuracy = per[letter], v[letter.lower() + "_accuracy"]
        be = o["breakeven_accuracy"]
        it_is = f"it is {fixed(accuracy * 100, 1)}%."
        if v[letter.lower() + "_include"] != "Yes":
            text = f"{name[letter]} is left out of the comparison (Include is No)."
        elif letter == ref:
            text = (
                f"{name[letter]} is the reference option: TCO {fixed(o['tco'], 0)} over "
                f"{int(v['months'])} months, rank {o['rank']} of {len(ordered)}."
            )
        elif isinstance(be, str):
            side = "less" if o["tco"] < per[ref]["tco"] else "more"
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
                f"{name[letter]} must be at least {fixed(be * 100, 1)}% accurate to cost less "
                f"than {name[ref]}; {it_is}"
            )
        out[f"summary.sentence.{letter}"] = text
    return out


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


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """Default inputs and RANDOM_SETS drawn input sets, built and recalculated in one run."""
    folder = tmp_path_factory.mktemp("tco_comparison")
    input_sets = [{}, *draw(tco_inputs(), RANDOM_SETS, seed_value=20261128)]
    built = []
    for index, inputs in enumerate(input_sets):
        path = folder / f"tco_{index:02d}.xlsx"
        values = resolve_inputs("tco_comparison", template.INPUTS, inputs)
        built.append((values, template.build(inputs, path), path))
    workbooks = recalculated([path for *_, path in built], folder / "recalculated")
    return [(values, book, wb) for (values, book, _), wb in zip(built, workbooks, strict=True)]


@pytest.mark.libreoffice
def test_default_figures_equal_the_python_functions(books):
    values, book, wb = books[0]
    assert (
        compare_figures(wb, book.figures, expected_figures(values)[0], abs_tol=tolerance(values))
        == []
    )


@pytest.mark.libreoffice
def test_random_inputs_figures_equal_the_python_functions(books):
    problems = []
    for index, (values, book, wb) in enumerate(books[1:], start=1):
        found = compare_figures(
            wb, book.figures, expected_figures(values)[0], abs_tol=tolerance(values)
        )
        problems += [f"set {index}: {p}" for p in found[:3]]
    assert problems == []


@pytest.mark.libreoffice
def test_words_equal_the_python_reading(books):
    problems = []
    for index, (values, book, wb) in enumerate(books):
        want = expected_texts(values)
        for key, where in book.texts.items():
            got = wb[where[0]][where[1]].value or ""
            if got != want[key]:
                problems.append(f"set {index} {key}: sheet {got!r}, Python {want[key]!r}")
    assert problems == []


@pytest.mark.libreoffice
def test_no_error_values_and_every_check_passes(books):
    for values, _, wb in books:
        assert error_cells(wb) == [], values
        checks = wb["Checks"]
        failing = [
            checks[f"B{r}"].value
            for r in range(6, checks.max_row + 1)
            if checks[f"C{r}"].value is False
        ]
        if values[values["reference_option"].lower() + "_include"] == "Yes":
            assert failing == [], values
        else:
            assert failing == ["The reference option is one of the options and is included"]


@pytest.mark.libreoffice
def test_default_story_in_plain_words(books):
    # The defaults tell the essay's story: the efficient API model is cheaper per token
    # but must be far more accurate than it is to beat the frontier model (hand check:
    # break-even 1 - premium / 22 with a premium of about 0.1 per task).
    _, book, wb = books[0]
    sheet, cell = book.texts["summary.sentence.B"]
    sentence = wb[sheet][cell].value
    assert sentence.startswith("Efficient API model must be at least 99.")
    assert sentence.endswith("accurate to cost less than Frontier API model; it is 95.0%.")
    rank_sheet, rank_cell = book.texts["summary.rank_option.1"]
    assert wb[rank_sheet][rank_cell].value == "C"


def test_every_formula_on_calculations_and_summary_is_verified(tmp_path):
    book = template.build({}, tmp_path / "tco.xlsx")
    verified = set(book.figures.values()) | set(book.texts.values())
    unverified = formula_cells(tmp_path / "tco.xlsx", ("Calculations", "Summary")) - verified
    assert unverified == set()
