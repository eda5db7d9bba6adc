"""The summary table: figures by hand for a small case, the same in blocks or at once."""

from __future__ import annotations

import math
import random

import pytest
from batch_standin import STANDIN

from xlfuncs.batch.sources import read_scenarios
from xlfuncs.batch.summary import SummaryTable, neutralise
from xlfuncs.batch.template import Layout

LAYOUT = Layout.of(STANDIN)


def table_of(scenarios, chunk=2048):
    table = SummaryTable(LAYOUT, chunk=chunk)
    for item in read_scenarios(scenarios, LAYOUT):
        table.add(item, f"{item.name}.xlsx")
    return table


def test_figures_by_hand():
    case = {
        "name": "by hand",
        "tasks_per_month": 1000,
        "months": 12,
        "monthly_growth": 0,
        "cost_per_error": 10,
        "options": [
            {"name": "efficient", "cost_per_task": 0.01, "accuracy": 0.9},
            {"name": "frontier", "cost_per_task": 0.05, "accuracy": 0.99},
            {"name": "built", "cost_per_task": 0.01, "accuracy": 0.99, "upfront": 50_000},
        ],
    }
    rows = list(table_of([case]).rows())
    efficient, frontier, built = (dict(zip(HEAD, r, strict=True)) for r in rows)
    # Error cost per task: (1 - accuracy) * cost_per_error.
    assert efficient["error"] == pytest.approx(1.0)
    assert frontier["error"] == pytest.approx(0.1)
    # TCO, no growth or discounting: 12 months * 1000 tasks * (cost + error cost) + upfront.
    assert efficient["tco"] == pytest.approx(12 * 1000 * 1.01)
    assert frontier["tco"] == pytest.approx(12 * 1000 * 0.15)
    assert built["tco"] == pytest.approx(12 * 1000 * 0.11 + 50_000)
    # Cost per correct result: cost / accuracy.
    assert frontier["per_correct"] == pytest.approx(0.05 / 0.99)
    # Break-even against the first option (the reference of this template):
    # 0.9 - (0.01 - 0.05) / 10 for the frontier option; the reference's own accuracy for itself.
    assert frontier["breakeven"] == pytest.approx(0.904)
    assert efficient["breakeven"] == pytest.approx(0.9)
    assert {r["cheapest"] for r in (efficient, frontier, built)} == {"frontier"}
    assert {r["reference"] for r in (efficient, frontier, built)} == {"efficient"}


HEAD = ["scenario", "option", "file", "reference", "cost", "error", "tco", "per_correct"]
HEAD += ["breakeven", "cheapest"]


def test_blocks_give_the_same_rows_as_all_at_once():
    rng = random.Random(7)
    cases = [
        {
            "name": f"case {i}",
            "tasks_per_month": rng.randint(0, 10_000),
            "months": rng.randint(1, 60),
            "monthly_growth": rng.uniform(-0.1, 0.1),
            "cost_per_error": rng.choice([0, 1, 100]),
            "options": [
                {"name": f"o{k}", "cost_per_task": rng.uniform(0, 1), "accuracy": rng.random()}
                for k in range(3)
            ],
        }
        for i in range(50)
    ]
    at_once = list(table_of(cases, chunk=None).rows())
    in_blocks = list(table_of(cases, chunk=7).rows())
    assert len(at_once) == 150

    def same(a, b):
        return a == b or (isinstance(a, float) and isinstance(b, float) and math.isclose(a, b))

    for one, other in zip(at_once, in_blocks, strict=True):
        assert all(same(a, b) for a, b in zip(one, other, strict=True)), (one, other)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Acme", "Acme"),
        ("", ""),
    ],
)
def test_csv_cells_that_start_like_a_formula_get_a_quote(text, expected):
    assert neutralise(text) == expected


def test_describe_lists_the_declared_inputs_and_what_must_be_given():
    from xlfuncs.batch.describe import describe

    text = describe("tco_comparison")
    # Neutral defaults (TCO's own), not the template's illustrative figures.
    assert "  months (months): a whole number from 1 to 60; default 12" in text
    assert "  tasks_per_month (tasks): 0 or more; required" in text
    assert "  reference_option (letter): one of A, B, C, D, or an option's name; " in text
    assert "default: the last option given" in text
    assert "  name (text): required; the option's name" in text
    assert (
        "  pricing (API/Self-hosted): one of API, Self-hosted; default API, or Self-hosted when "
        "the option gives gpu_hour_price and no input_price, output_price or model"
    ) in text
    assert "  calls (calls): 0 or more; default 1" in text
    assert "  accuracy (fraction): between 0 and 1; required" in text
    assert "  cached_price (money per 1M tokens): 0 or more; default: the same as input_price" in (
        text
    )
    assert (
        "  hourly_rate (money per hour): 0 or more; required when build_hours is above 0 "
        "(otherwise default 0)"
    ) in text
    assert "must be given" not in text
