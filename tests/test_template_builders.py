"""No template writes a model's arithmetic by hand: every such formula comes from a builder.

How it is detected
------------------
Every builder of :mod:`xlfuncs.templates._formula_builders` remembers the text it
returns, and :func:`~xlfuncs.templates._formula_builders.filled` remembers it again
with the template's ``{placeholders}`` filled in, as the cell shows it
(:func:`~xlfuncs.templates._formula_builders.outputs`). A fresh Python process
builds the five templates and reports those texts and every formula the
workbooks hold (cells of every sheet, the Checks sheet included). Here, in
each formula, every builder text is replaced by one name (longest texts
first, so a builder's output nested in another's goes with it), and what is
left is parsed and searched for a model's arithmetic:

* a product or a quotient of two figures that are not constants (``tasks
  * cost``, ``hours * rate``, ``a / b``); a constant factor (``x * 100`` for
  a percentage, ``1e-9 * MAX(...)`` for a check's tolerance) is not, nor is
  a product with a comparison (a 0/1 indicator, as in counting ties);
* any power (compounding, growth, discounting);
* ``SUMPRODUCT`` unless one of its arguments is an indicator (counting).

Sums and differences of figures, references, ``SUM`` of a range, ``INDEX``,
``MATCH``, ``IF`` wrappers, comparisons and text are not model arithmetic.
The one exception, listed with its reason, is the Checks sheet's sum of the
ranks 1 to n.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from xlfuncs.formulas.parser import parse
from xlfuncs.templates import TEMPLATE_NAMES

#: Arithmetic that is not a model's, with the reason.
NOT_MODEL_ARITHMETIC = {
    "options_included*(options_included+1)/2": "the sum of the ranks 1 to n, a check of the rank",
}

_BUILD = """
import json, sys, tempfile
from pathlib import Path
from xlfuncs.templates import template
from xlfuncs.templates import _formula_builders as fx
formulas = {}
with tempfile.TemporaryDirectory() as folder:
    for name in sys.argv[1:]:
        book = template(name).build({}, Path(folder) / f"{name}.xlsx")
        formulas[name] = [
            (ws.title, cell.coordinate, cell.value)
            for ws in book.workbook.worksheets
            for row in ws.iter_rows()
            for cell in row
            if cell.data_type == "f" and isinstance(cell.value, str)
        ]
print(json.dumps({"outputs": sorted(fx.outputs()), "formulas": formulas}))
"""


@pytest.fixture(scope="module")
def built() -> dict:
    """The builders' texts and every formula of the five templates, from a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", _BUILD, *TEMPLATE_NAMES],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _builder_texts(outputs: list[str]) -> re.Pattern:
    """One pattern for all builder texts, the longest first, not inside a longer name."""
    texts = sorted((t for t in outputs if "{" not in t), key=len, reverse=True)
    alternatives = "|".join(re.escape(t) for t in texts) or r"(?!)"
    return re.compile(rf"(?<![\w$.!'])(?:{alternatives})(?![\w$.!(:])")


def _is_constant(node) -> bool:
    kind = node[0]
    if kind in ("num", "str", "bool"):
        return True
    if kind in ("neg", "pct"):
        return _is_constant(node[1])
    if kind == "op":
        return _is_constant(node[2]) and _is_constant(node[3])
    return False


def _is_indicator(node) -> bool:
    """A comparison (TRUE/FALSE, 1/0 in arithmetic), possibly negated twice (``--(a<b)``)."""
    if node[0] == "neg":
        return _is_indicator(node[1])
    return node[0] == "op" and node[1] in ("=", "<>", "<", ">", "<=", ">=")


def _model_arithmetic(node) -> list[str]:
    """The model arithmetic in a parsed formula, each as a short description."""
    found: list[str] = []
    kind = node[0]
    if kind == "op":
        operator, left, right = node[1:]
        if operator == "^" and not (_is_constant(left) and _is_constant(right)):
            found.append(f"a power {left} ^ {right}")
        elif (
            operator in "*/"
            and not (_is_constant(left) or _is_constant(right))
            and not (_is_indicator(left) or _is_indicator(right))
        ):
            found.append(f"{left} {operator} {right}")
        found += _model_arithmetic(left) + _model_arithmetic(right)
    elif kind in ("neg", "pct"):
        found += _model_arithmetic(node[1])
    elif kind == "call":
        name, args = node[1], node[2]
        if name == "SUMPRODUCT" and not any(_is_indicator(a) for a in args):
            found.append(f"SUMPRODUCT{tuple(args)}")
        for arg in args:
            found += _model_arithmetic(arg)
    return found


def hand_written(formula: str, builder_texts: re.Pattern) -> list[str]:
    """The model arithmetic in ``formula`` that no builder wrote."""
    text = formula.removeprefix("=")
    for allowed in NOT_MODEL_ARITHMETIC:
        text = text.replace(allowed, "ALLOWED")
    previous = None
    while previous != text:  # a builder text may show again once an inner one is replaced
        previous, text = text, builder_texts.sub("BUILT", text)
    return _model_arithmetic(parse(text))


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_model_formula_comes_from_a_builder(built, name):
    texts = _builder_texts(built["outputs"])
    found = [
        f"{sheet}!{cell}: {formula[:160]} -> {hand_written(formula, texts)[:2]}"
        for sheet, cell, formula in built["formulas"][name]
        if hand_written(formula, texts)
    ]
    assert found == []


@pytest.mark.parametrize(
    "formula",
    [
        # a month's cost written by hand in a check
        "=ABS(tasks_per_month*(efficient_cost_per_task+(1-breakeven_accuracy)*cost_per_error)"
        "+efficient_monthly_fixed-frontier_monthly_cost)<=0.000000001*MAX(1,ABS(x))",
        "=1/(1+monthly_discount_rate)^(E5-1)",  # a discount factor
        "=IF(a_inputs_ok,E16+SUMPRODUCT($E$51:$BL$51,$E$37:$BL$37),0)",  # a TCO by months
        "=upfront+tasks_per_month*small_all_in*volume_factor",  # a TCO over the factors
        "=cases_per_month*E12",  # a monthly figure
    ],
)
def test_hand_written_model_arithmetic_is_found(formula):
    assert hand_written(formula, _builder_texts([])) != []


@pytest.mark.parametrize(
    "formula",
    [
        "=E16+SUM($E$51:$BL$51)",
        '=IF(inputs_ok,1+SUMPRODUCT($E$30:$H$30,--($E$32:$H$32<E32))+E30*(E32=F32),"x")',
        '=FIXED(efficient_accuracy*100,1)&"%"',
        "=ABS(a-b)<=0.000000001*MAX(1,ABS(b))",
        "=INDEX($E$15:$H$15,reference_position)-small_tco",
    ],
)
def test_other_formulas_are_not_model_arithmetic(formula):
    assert hand_written(formula, _builder_texts([])) == []


def test_a_builders_text_is_recognised_where_a_template_fills_it_in(built):
    from xlfuncs.templates import _formula_builders as fx

    texts = _builder_texts([fx.monthly_cost("tasks_per_month", "E15", "E16"), "E41*E37"])
    assert hand_written("=IF(ok,tasks_per_month*E15+E16,0)", texts) == []
    assert hand_written("=F41*E37", texts) != []  # another cell: not the builder's text
