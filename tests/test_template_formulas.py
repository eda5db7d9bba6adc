"""Each SPEC formula builder of the templates, recalculated by LibreOffice, equals the core.

One small workbook holds a grid of cases per builder (edge cases included:
nothing cached and everything cached, accuracy 0 and 1, utilisation at its
smallest, horizons of 1 and 600 months, growth equal to the discount rate,
margins that never reach zero); LibreOffice computes every formula the
builders wrote, and each value is compared with the numeric core's, the
independent oracle.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from openpyxl import Workbook
from template_support import recalculated

import xlfuncs
from xlfuncs import _tco
from xlfuncs.templates import _formula_builders as fx

pytestmark = pytest.mark.libreoffice

_MONTHLY_EQUAL = 1.1 ** (1 / 12) - 1  # monthly growth equal to a 10 % annual discount rate


def _cases():
    """(builder label, argument names, builder of the formula text, core function, cases)."""
    token = list(
        itertools.product(
            [0, 2000],  # input tokens
            [0, 500],  # output tokens
            [0, 3.0],  # input price
            [15.0],  # output price
            [0, 8000],  # reasoning tokens
            [0, 1, 2.5],  # calls
            [0, 0.5, 1],  # cached share
            [0.3],  # cached price
        )
    )
    months = [1, 12, 60, 600]
    growth = [0, 0.02, -0.5, 1, _MONTHLY_EQUAL]
    discount = [0, 0.08, 0.1, 1]
    horizon = list(itertools.product(months, growth, discount))
    return [
        (
            "token_cost",
            ["i", "o", "ip", "op", "r", "calls", "share", "cp"],
            lambda a: fx.token_cost(*a),
            lambda *v: xlfuncs.token_cost(*v),
            token,
        ),
        (
            "token_cost_defaults",
            ["i", "o", "ip", "op"],
            lambda a: fx.token_cost(*a),
            lambda *v: xlfuncs.token_cost(*v),
            [(2000, 500, 3, 15), (0, 0, 0, 0), (1, 1, 0.15, 0.6)],
        ),
        (
            "selfhost_cost",
            ["g", "t", "s", "u"],
            lambda a: fx.selfhost_cost(*a),
            lambda *v: xlfuncs.selfhost_cost(*v),
            list(itertools.product([0, 2.5], [0, 7500], [1, 2500], [1e-6, 0.5, 1])),
        ),
        (
            "error_cost",
            ["a", "e", "c", "k"],
            lambda a: fx.error_cost(*a),
            lambda *v: xlfuncs.error_cost(*v),
            list(itertools.product([0, 0.95, 1], [0, 40], [0, 0.3, 1], [0, 4])),
        ),
        (
            "cost_per_correct",
            ["c", "a"],
            lambda a: fx.cost_per_correct(*a),
            lambda *v: xlfuncs.cost_per_correct(*v),
            list(itertools.product([0, 0.05, 50], [1e-9, 0.5, 1])),
        ),
        (
            "net_value",
            ["v", "a", "c", "e"],
            lambda a: fx.net_value(*a),
            lambda *v: xlfuncs.net_value(*v),
            list(itertools.product([0, 500], [0, 0.95, 1], [0, 50], [0, 5000])),
        ),
        (
            "volume_factor",
            ["n", "g", "d"],
            lambda a: fx.discount_series(
                f"(1+{a[1]})/(1+{fx.monthly_discount_rate(a[2])})",
                a[0],
                fx.monthly_discount_rate(a[2]),
            ),
            lambda n, g, d: float(_tco.discounted_month_sums(n, g, d)[0]),
            horizon,
        ),
        (
            "fixed_factor",
            ["n", "g", "d"],
            lambda a: fx.discount_series(
                f"1/(1+{fx.monthly_discount_rate(a[2])})", a[0], fx.monthly_discount_rate(a[2])
            ),
            lambda n, g, d: float(_tco.discounted_month_sums(n, g, d)[1]),
            horizon,
        ),
        (
            "timeline_month",
            ["m", "g", "d"],
            lambda a: (
                fx.growth_factor(a[1], a[0])
                + "*"
                + fx.discount_factor(fx.monthly_discount_rate(a[2]), a[0])
            ),
            lambda m, g, d: (1 + g) ** (m - 1) / (1 + d) ** (m / 12),
            list(itertools.product([1, 7, 60], [0, 0.02, -0.5], [0, 0.08])),
        ),
        (
            "tco_closed",
            ["u", "t", "c", "a", "e", "f", "n", "g", "d"],
            lambda a: fx.tco_closed(
                a[0],
                a[1],
                f"{a[2]}+{fx.error_cost(a[3], a[4])}",
                a[5],
                fx.discount_series(
                    f"(1+{a[7]})/(1+{fx.monthly_discount_rate(a[8])})",
                    a[6],
                    fx.monthly_discount_rate(a[8]),
                ),
                fx.discount_series(
                    f"1/(1+{fx.monthly_discount_rate(a[8])})", a[6], fx.monthly_discount_rate(a[8])
                ),
            ),
            lambda u, t, c, a, e, f, n, g, d: xlfuncs.tco(t, c, a, e, u, f, n, g, d),
            list(
                itertools.product(
                    [0, 60_000],
                    [0, 20_000],
                    [0.002],
                    [0.9, 1],
                    [40],
                    [0, 500],
                    [1, 36],
                    [0, 0.02, _MONTHLY_EQUAL],
                    [0, 0.1],
                )
            ),
        ),
        (
            "monthly_cost",
            ["t", "c", "a", "e", "f"],
            lambda a: fx.monthly_cost(a[0], fx.all_in_cost(a[1], fx.error_cost(a[2], a[3])), a[4]),
            lambda t, c, a, e, f: xlfuncs.tco(t, c, a, e, 0, f, 1, 0, 0),
            list(itertools.product([0, 10_000], [0.002, 0.05], [0.95, 1], [10], [0, 300])),
        ),
        (
            "breakeven_accuracy",
            ["ec", "fc", "fa", "e", "ef", "ff", "t"],
            lambda a: fx.breakeven_accuracy(
                fx.frontier_premium(a[0], a[1], a[4], a[5], a[6]), a[2], a[3]
            ),
            lambda *v: xlfuncs.breakeven_accuracy(*v),
            list(
                itertools.product(
                    [0.002, 0.05],
                    [0.05, 0.002],
                    [0.99, 1],
                    [0.01, 10],
                    [0, 300],
                    [0, 100],
                    [1, 1e4],
                )
            ),
        ),
        (
            "breakeven_error_cost",
            ["ec", "ea", "fc", "fa", "ef", "ff", "t"],
            lambda a: fx.breakeven_error_cost(
                fx.frontier_premium(a[0], a[2], a[4], a[5], a[6]), a[1], a[3]
            ),
            lambda *v: xlfuncs.breakeven_error_cost(*v),
            list(
                itertools.product(
                    [0.001, 50], [0, 0.95], [50, 0.001], [0.99, 1], [0, 300], [0, 100], [1, 1000]
                )
            ),
        ),
        (
            "breakeven_volume",
            ["ac", "af", "bc", "bf"],
            lambda a: fx.breakeven_volume(*a),
            lambda *v: xlfuncs.breakeven_volume(*v),
            list(itertools.product([0.001, 0.03], [0, 5000], [0.05, 0.002], [0, 500])),
        ),
        (
            "margin",
            ["p", "c"],
            lambda a: fx.margin(*a),
            lambda *v: xlfuncs.margin(*v),
            list(itertools.product([0.01, 3], [0, 0.004, 3, 5])),
        ),
        (
            "margin_path",
            ["p", "c", "pc", "cc", "t"],
            lambda a: fx.margin(
                fx.price_in_year(a[0], a[2], a[4]), fx.price_in_year(a[1], a[3], a[4])
            ),
            lambda p, c, pc, cc, t: float(xlfuncs.margin_path(p, c, pc, cc, 10)[int(t)]),
            list(itertools.product([0.03], [0.012], [-0.3, 0.1, 1], [-0.2, 0.105], [0, 1, 10])),
        ),
        (
            "years_to_zero_margin",
            ["p", "c", "pc", "cc"],
            lambda a: fx.years_to_zero_margin(a[0], a[1], fx.margin_drift(a[2], a[3]), '"never"'),
            lambda *v: xlfuncs.years_to_zero_margin(*v),
            list(itertools.product([0.01, 0.03], [0.004, 0.012, 0.03], [-0.3, 0.1], [-0.2, 0.105])),
        ),
    ]


def _formula(builder, names, row):
    """The builder's formula over the case's cells (columns B, C, ... of ``row``)."""
    cells = [f"{chr(ord('B') + i)}{row}" for i in range(len(names))]
    return "=" + builder(cells)


def test_every_formula_builder_equals_the_core_in_libreoffice(tmp_path):
    book = Workbook()
    sheet = book.active
    expected = {}  # (sheet row) -> (label, case, core value)
    row = 1
    for label, names, builder, core, cases in _cases():
        for case in cases:
            for column, value in enumerate(case, start=2):
                sheet.cell(row, column, value)
            sheet.cell(row, 1, _formula(builder, names, row))
            with np.errstate(all="ignore"):
                want = core(*case)
            expected[row] = (label, case, float(want))
            row += 1
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    [values] = recalculated([path], tmp_path / "recalculated")
    problems = []
    counted: dict[str, int] = {}
    for r, (label, case, want) in expected.items():
        got = values.active.cell(r, 1).value
        counted[label] = counted.get(label, 0) + 1
        if math.isnan(want):  # no answer in the core: the formula's words instead
            ok = got == "never"
        else:
            ok = isinstance(got, (int, float)) and math.isclose(
                got, want, rel_tol=1e-9, abs_tol=1e-12
            )
        if not ok:
            problems.append(f"{label}{case}: LibreOffice {got!r}, core {want!r}")
    assert problems == []
    assert set(counted) == {label for label, *_ in _cases()}
