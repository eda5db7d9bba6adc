"""The formula builders' texts where an argument is a number, left out, or a comparison.

:mod:`test_formula_values` evaluates each builder with every argument a named
cell. Here are the other ways the templates may call a builder: a figure
written as a number (SPEC's default ``0`` or ``1`` drops out of the text like
an omitted argument, any other number is written as it is), optional
arguments left out (the defaults are SPEC's), and an argument that compares
or joins (Excel's ``<`` and ``&`` bind less tightly than ``+``, so it is put
in parentheses). Each expected text is SPEC's formula with those arguments
put in by hand; where the text could be right in form but wrong in value, the
package's evaluator computes it and the value is checked by hand and against
:mod:`reference_models`.
"""

from __future__ import annotations

import math

import pytest
import reference_models as ref
from sheet_formulas import Sheet

from xlfuncs.templates import _formula_builders as fx


def _value(formula: str, **arguments: float) -> object:
    """``formula`` evaluated with each argument a named cell holding its value."""
    sheet = Sheet(list(arguments), {"B1": formula})
    return sheet.evaluate([arguments])[0]["B1"]


# Numbers as arguments ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("builder", "arguments", "expected"),
    [
        # SPEC's defaults given as numbers drop out, as when left out
        ("token_cost", ("i", "o", "ip", "op", 0, 1, 0), "(i*ip+o*op)/1000000"),
        ("token_cost", ("i", "o", "ip", "op", 0.0, 1.0, 0.0), "(i*ip+o*op)/1000000"),
        ("selfhost_cost", ("g", "t", "s", 1), "g*t/(3600*s)"),
        # other numbers stay, whole numbers without a decimal point; a cached share without
        # a cached price is charged at the input price
        (
            "token_cost",
            ("i", "o", "ip", "op", 250, 2, 0.25),
            "2*(i*((1-0.25)*ip+0.25*ip)+(o+250)*op)/1000000",
        ),
        ("selfhost_cost", ("g", "t", "s", 0.6), "g*t/(3600*s*0.6)"),
        ("discounted", (2, 0.5), "2*0.5"),
        # a negative number is one compound argument
        ("price_in_year", ("p", -0.5, 2), "p*(1+(-0.5))^2"),
    ],
)
def test_numbers_as_arguments(builder, arguments, expected):
    assert getattr(fx, builder)(*arguments) == expected


def test_token_cost_with_numbers_has_spec_value():
    formula = fx.token_cost("i", "o", "ip", "op", 250, 2, 0.25)
    got = _value(formula, i=1000.0, o=200.0, ip=3.0, op=15.0)
    # by hand: 2 * (1000 * (0.75 * 3 + 0.25 * 3) + (200 + 250) * 15) / 1e6 = 2 * 9750 / 1e6
    assert math.isclose(got, 0.0195, rel_tol=1e-12)
    assert math.isclose(got, ref.token_cost(1000, 200, 3, 15, 250, 2, 0.25), rel_tol=1e-12)


def test_selfhost_cost_with_a_numeric_utilisation_has_spec_value():
    got = _value(fx.selfhost_cost("g", "t", "s", 0.6), g=2.4, t=1800.0, s=50.0)
    # by hand: 2.4 * 1800 / (3600 * 50 * 0.6) = 4320 / 108000
    assert math.isclose(got, 0.04, rel_tol=1e-12)
    assert math.isclose(got, ref.selfhost_cost(2.4, 1800, 50, 0.6), rel_tol=1e-12)


def test_a_negative_number_compounds_as_a_fall():
    got = _value(fx.price_in_year("p", -0.5, 2), p=8.0)
    assert got == 2.0  # by hand: 8 halved twice


# Arguments left out -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("builder", "arguments", "expected"),
    [
        # caught errors cost nothing when no rework cost is given
        ("error_cost", ("a", "e", "c"), "(1-a)*((1-c)*e+c*0)"),
        # the templates' defined names for the horizon and the monthly rate
        (
            "discount_series",
            ("q",),
            "IF(ABS(q-1)<0.000001,months+(q-1)*months*(months-1)/2"
            "+(q-1)^2*months*(months-1)*(months-2)/6,(q^months-1)/(q-1))"
            "/(1+monthly_discount_rate)",
        ),
        # no build cost, and no fixed cost either
        ("tco_closed", (None, "t", "c", "f"), "t*c*volume_factor+f*fixed_factor"),
        ("tco_closed", (None, "t", "c", None), "t*c*volume_factor"),
        # the premium without fixed costs, with one side's only, and per single task
        ("frontier_premium", ("e", "f"), "f-e"),
        ("frontier_premium", ("e", "f", None, "ff", "t"), "f-e+(ff-0)/t"),
        ("frontier_premium", ("e", "f", "ef", None, "t"), "f-e+(0-ef)/t"),
        ("frontier_premium", ("e", "f", "ef", "ff"), "f-e+(ff-ef)/1"),
    ],
)
def test_arguments_left_out(builder, arguments, expected):
    assert getattr(fx, builder)(*arguments) == expected


@pytest.mark.parametrize(
    ("efficient_fixed", "frontier_fixed", "expected"),
    [
        # premium 0.05 - 0.02 + 300 / 1000 = 0.33; 0.95 - 0.33 / 10
        (None, 300.0, 0.917),
        # premium 0.05 - 0.02 - 200 / 1000 = -0.17; 0.95 + 0.17 / 10
        (200.0, None, 0.967),
    ],
)
def test_breakeven_accuracy_with_one_sides_fixed_cost(efficient_fixed, frontier_fixed, expected):
    premium = fx.frontier_premium(
        "e",
        "f",
        None if efficient_fixed is None else "ef",
        None if frontier_fixed is None else "ff",
        "t",
    )
    got = _value(
        fx.breakeven_accuracy(premium, "fa", "cpe"),
        e=0.02,
        f=0.05,
        fa=0.95,
        cpe=10.0,
        ef=efficient_fixed or 0.0,
        ff=frontier_fixed or 0.0,
        t=1000.0,
    )
    assert math.isclose(got, expected, rel_tol=1e-12)  # hand calculation above
    want = ref.breakeven_accuracy(
        0.02, 0.05, 0.95, 10.0, efficient_fixed or 0.0, frontier_fixed or 0.0, 1000.0
    )
    assert math.isclose(got, want, rel_tol=1e-12)


# Arguments that compare or join -----------------------------------------------------------


@pytest.mark.parametrize(
    ("builder", "arguments", "expected"),
    [
        ("all_in_cost", ("a<b", "c"), "(a<b)+c"),
        ("all_in_cost", ("c", "MAX(a,b)<c"), "c+(MAX(a,b)<c)"),
        ("all_in_cost", ('"n"&a', "b"), '("n"&a)+b'),
        # a comparison inside a call, and a call, need no parentheses
        ("all_in_cost", ("IF(a<b,1,2)", "MAX(c,d)"), "IF(a<b,1,2)+MAX(c,d)"),
        ("tco_by_months", ("(a)<b", "m", "d"), "((a)<b)+SUMPRODUCT(m,d)"),
    ],
)
def test_comparisons_are_put_in_parentheses(builder, arguments, expected):
    assert getattr(fx, builder)(*arguments) == expected


def test_a_comparison_added_counts_as_one_or_zero():
    # by hand: (1 < 2) is TRUE, 1 in a sum, + 3; without the parentheses 1 < 2 + 3 is TRUE
    assert _value(fx.all_in_cost("a<b", "c"), a=1.0, b=2.0, c=3.0) == 4.0


# What the builders remember ---------------------------------------------------------------


def test_a_builder_wrapped_again_is_left_as_it_is():
    def plus_one(x: str) -> str:
        return f"{x}+1"

    once = fx._builder(plus_one)
    assert once is not plus_one
    assert fx._builder(once) is once
    assert fx._builder(fx.margin) is fx.margin
    assert once("remembered_once") == "remembered_once+1"
    assert "remembered_once+1" in fx.outputs()


def test_a_text_that_cannot_be_filled_does_not_stop_the_others():
    first = fx.discounted("{fill_p}a", "{fill_q}b")
    second = fx.discounted("{fill_r}c", "{fill_s}d")
    template = f"={first}+{second}"
    # Each call fills one of the two texts and not the other; whichever of them is tried
    # first, one call meets the text it cannot fill before the one it can.
    with pytest.raises(KeyError):
        fx.filled(template, fill_p=1, fill_q=2)
    with pytest.raises(KeyError):
        fx.filled(template, fill_r=3, fill_s=4)
    assert {"1a*2b", "3c*4d"} <= fx.outputs()
