"""tco_comparison.xlsx recalculated by LibreOffice equals the Python functions of SPEC."""

from __future__ import annotations

import string

import pytest
from hypothesis import strategies as st
from tco_comparison_oracle import expected_figures, tolerance
from template_support import (
    amounts,
    compare_figures,
    draw,
    error_cells,
    fixed,
    formula_cells,
    recalculated,
    scenario_texts,
)

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
    # Two options of one name fail a check of their own (tested apart): names distinct,
    # as Excel compares text (without regard to case).
    seen: set[str] = set()
    for letter in OPTIONS:
        key = letter.lower() + "_name"
        if values[key].casefold() in seen:
            values[key] = f"{values[key]} {letter}"
        seen.add(values[key].casefold())
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
        out[f"summary.rank_option.{k}"] = ordered[k - 1] if k <= len(ordered) else "-"
        out[f"summary.rank_name.{k}"] = name[ordered[k - 1]] if k <= len(ordered) else "-"
    out["summary.reference_name"] = name[ref]
    for letter in OPTIONS:
        out[f"calc.name.{letter}"] = out[f"summary.name.{letter}"] = name[letter]
        o, accuracy = per[letter], v[letter.lower() + "_accuracy"]
        be = o["breakeven_accuracy"]
        it_is = f"it is {fixed(accuracy * 100, 1)}%."
        if v[letter.lower() + "_include"] != "Yes":
            text = f"{name[letter]} is left out of the comparison (Include is No)."
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
                f"{name[letter]} must be at least {fixed(be * 100, 1)}% accurate to cost less "
                f"than {name[ref]}; {it_is}"
            )
        out[f"summary.sentence.{letter}"] = text
    return out


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
        want = expected_texts(values) | scenario_texts(
            values, "Illustrative default inputs: type your own on the Inputs sheet."
        )
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
