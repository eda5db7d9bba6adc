"""The Risk sheet of scaffolding_build_vs_buy: its figures against LibreOffice and Python.

Workbooks filled by the batch path (random valid ranges, PERT, fixed inputs,
correlation -1, 0 and 1, collapsed ranges, a range out of order) are
recalculated in one LibreOffice run, the independent engine; every formula
cell's stored value must equal LibreOffice's. The uniforms must be those of
``xlfuncs.hdr``, the percentiles and probabilities those numpy computes from
the trials, and with collapsed ranges every trial's TCO the Calculations
sheet's.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from risk_oracle import _share_words
from template_support import fixed, require_libreoffice

import xlfuncs
from xlfuncs._libreoffice import recalculate
from xlfuncs.batch.run import make_workbooks
from xlfuncs.batch.verify import differences
from xlfuncs.templates import RISK_TEMPLATES, template
from xlfuncs.templates._risk import RISK_SHEET
from xlfuncs.templates._workbook import CHECK_INPUT

NAME = "scaffolding_build_vs_buy"
MODULE = template(NAME)
DEFAULTS = {spec.name: spec.default for spec in MODULE.INPUTS}
#: Trials per workbook: the smallest allowed, so that one LibreOffice run stays short.
TRIALS = 100.0
#: Uncertain input (its Inputs name), and the var_id of the TCO argument it moves.
STREAMS = {
    "tasks_per_month": 1,
    "small_accuracy": 3,
    "frontier_accuracy": 3,
    "cost_per_error": 4,
    "v_build_hours": 5,
    "d_build_hours": 5,
    "r_build_hours": 5,
}


def _base(**changes) -> dict:
    """The template's defaults as a scenario (no illustrative ranges), with ``changes``."""
    return {**DEFAULTS, "scenario": "Risk test", "risk_trials": TRIALS, **changes}


def _random_ranges(rng: random.Random, distribution: str | None) -> dict:
    """A most likely value and a low and a high guess around it for every uncertain input."""
    values = {
        "tasks_per_month": float(rng.randint(1_000, 200_000)),
        "small_accuracy": round(rng.uniform(0.8, 0.99), 4),
        "frontier_accuracy": round(rng.uniform(0.85, 0.995), 4),
        "cost_per_error": round(rng.uniform(0.5, 50), 2),
        **{f"{c}_build_hours": float(rng.randint(0, 800)) for c in "vdr"},
    }
    for name, mode in list(values.items()):
        top = 1.0 if "accuracy" in name else mode * 3 + 10
        values[f"{name}_low"] = round(mode * rng.uniform(0.5, 1.0), 4)
        values[f"{name}_high"] = round(rng.uniform(mode, top), 4)
        values[f"{name}_distribution"] = distribution or rng.choice(("Triangular", "PERT"))
    return values


def _cases() -> dict[str, dict]:
    rng = random.Random("scaffolding risk")
    collapsed = _random_ranges(rng, "Triangular")
    for name in STREAMS:
        collapsed[f"{name}_low"] = collapsed[f"{name}_high"] = collapsed[name]
    fixed_some = _random_ranges(rng, None)
    for name in ("tasks_per_month", "frontier_accuracy", "d_build_hours"):
        fixed_some[f"{name}_low"] = fixed_some[f"{name}_high"] = None  # blank: fixed
    out_of_order = _random_ranges(rng, "Triangular")
    out_of_order["small_accuracy_low"] = min(1.0, out_of_order["small_accuracy"] + 0.001)
    out_of_order["small_accuracy_high"] = 1.0
    return {
        "triangular, correlation 1": _base(
            **_random_ranges(rng, "Triangular"), risk_entity=11.0, risk_correlation=1.0
        ),
        "PERT, correlation 0": _base(
            **_random_ranges(rng, "PERT"), risk_entity=12.0, risk_correlation=0.0
        ),
        "mixed, correlation -1": _base(
            **_random_ranges(rng, None), risk_entity=13.0, risk_correlation=-1.0
        ),
        "some fixed, correlation 0.4": _base(
            **fixed_some, risk_entity=14.0, risk_correlation=0.4, risk_percentile_low=0.1
        ),
        "collapsed, correlation 0": _base(**collapsed, risk_entity=15.0, risk_correlation=0.0),
        "all blank (defaults)": _base(risk_entity=16.0),
        "range out of order": _base(**out_of_order, risk_entity=17.0),
    }


CASES = _cases()


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """Each case's workbook written by the batch, its LibreOffice copy, and the built book
    (where its figures are)."""
    require_libreoffice()
    folder = tmp_path_factory.mktemp("scaffolding_risk")
    jobs = [(values, f"case {i}.xlsx") for i, values in enumerate(CASES.values())]
    results = make_workbooks(NAME, jobs, str(folder), "refuse")
    assert all(status == "written" for status, *_ in results), results
    paths = [folder / file for _, file in jobs]
    copies = recalculate(paths, folder / "libreoffice")
    book = MODULE.build(_base(), folder / "layout.xlsx")
    return {
        case: (
            path,
            Path(copy),
            load_workbook(copy, data_only=True),
            load_workbook(path, data_only=True),
        )
        for case, path, copy in zip(CASES, paths, copies, strict=True)
    }, book


def _trial_columns(ws) -> tuple[int, dict[str, int]]:
    """The first trial row and the column of each trial header."""
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Trial")
    columns = {
        ws.cell(header, c).value: c
        for c in range(2, ws.max_column + 1)
        if ws.cell(header, c).value is not None
    }
    first = next(r for r in range(header + 1, header + 5) if ws.cell(r, 2).value == 1)
    return first, columns


def _column(ws, first: int, column: int) -> np.ndarray:
    return np.array([ws.cell(first + i, column).value for i in range(int(TRIALS))], dtype=float)


def _at(wb, book, key: str):
    sheet, cell = book.figures.get(key) or book.texts[key]
    return wb[sheet][cell].value


def test_the_template_has_a_risk_sheet_after_summary():
    assert NAME in RISK_TEMPLATES
    sheets = load_workbook(Path(__file__).resolve().parent.parent / "templates" / MODULE.FILENAME)
    names = sheets.sheetnames
    assert names.index(RISK_SHEET) == names.index("Summary") + 1


@pytest.mark.libreoffice
def test_every_cell_equals_libreoffice(checked):
    cases, _ = checked
    for case, (path, copy, theirs, _) in cases.items():
        found = differences(path, copy)
        assert not found, f"{case}: " + "; ".join(map(str, found[:5]))
        # The comparison covered every trial row: LibreOffice computed each one.
        first, columns = _trial_columns(theirs[RISK_SHEET])
        for header in ("TCO S", "TCO F", "TCO of the reference"):
            values = _column(theirs[RISK_SHEET], first, columns[header])
            assert np.isfinite(values).all(), (case, header)


@pytest.mark.libreoffice
def test_the_uniforms_are_those_of_xlfuncs_hdr(checked):
    """Bit for bit in the stored values (LibreOffice's equal them: see above; its file
    keeps 15 digits)."""
    cases, _ = checked
    trials = np.arange(1, int(TRIALS) + 1)
    for case, (_, _, _, stored) in cases.items():
        ws = stored[RISK_SHEET]
        first, columns = _trial_columns(ws)
        uniforms = {h: c for h, c in columns.items() if "uniform (var_id" in str(h)}
        # One column per stream: tasks (1), accuracy (3), cost of an error (4), build (5).
        ids = sorted(int(h.rsplit(" ", 1)[1].rstrip(")")) for h in uniforms)
        assert ids == [1, 3, 4, 5]
        for header, column in uniforms.items():
            var_id = int(header.rsplit(" ", 1)[1].rstrip(")"))
            entity = CASES[case]["risk_entity"]
            expected = [xlfuncs.hdr(int(t), var_id, int(entity)) for t in trials]
            assert _column(ws, first, column).tolist() == expected, (case, header)


@pytest.mark.libreoffice
def test_collapsed_ranges_give_the_calculations_tco_in_every_trial(checked):
    cases, book = checked
    for case in ("collapsed, correlation 0", "all blank (defaults)"):
        _, _, theirs, stored = cases[case]
        for wb in (theirs, stored):
            first, columns = _trial_columns(wb[RISK_SHEET])
            for letter, key in (("S", "small_tco"), ("F", "frontier_tco")):
                sheet, cell = book.figures[f"calc.{key}"]
                at_inputs = wb[sheet][cell].value
                trials = _column(wb[RISK_SHEET], first, columns[f"TCO {letter}"])
                assert np.abs(trials - at_inputs).max() <= 1e-12 * abs(at_inputs), (case, letter)


@pytest.mark.libreoffice
def test_percentiles_and_probabilities_are_numpy_s_over_the_trials(checked):
    """Recomputed by numpy from LibreOffice's trial rows: PERCENTILE is numpy's linear
    percentile; the probability is the share of trials in which the small model costs
    strictly less than the frontier model."""
    cases, book = checked
    for case, (_, _, theirs, _) in cases.items():
        ws = theirs[RISK_SHEET]
        first, columns = _trial_columns(ws)
        small = _column(ws, first, columns["TCO S"])
        frontier = _column(ws, first, columns["TCO F"])
        if case == "range out of order":
            shown = CHECK_INPUT.strip('"')  # the formula's text literal, as the cell shows it
            assert _at(theirs, book, "risk.p_mid.S") == shown
            assert _at(theirs, book, "risk.beats_reference.S") == shown
            continue
        share = float(np.mean(small < frontier))
        assert _at(theirs, book, "risk.beats_reference.S") == pytest.approx(share, abs=1e-12)
        assert _at(theirs, book, "risk.cheapest.S") == pytest.approx(share, abs=1e-12)
        assert _at(theirs, book, "risk.cheapest.F") == pytest.approx(
            float(np.mean(frontier < small)), abs=1e-12
        )
        assert _at(theirs, book, "risk.beats_reference.F") == "reference"
        for which in ("low", "mid", "high"):
            p = CASES[case].get(f"risk_percentile_{which}") or DEFAULTS[f"risk_percentile_{which}"]
            for letter, trials in (("S", small), ("F", frontier)):
                got = _at(theirs, book, f"risk.p_{which}.{letter}")
                assert got == pytest.approx(np.percentile(trials, p * 100), rel=1e-12), case
        assert _at(theirs, book, "risk.mean.S") == pytest.approx(small.mean(), rel=1e-12)


def _triangular_cdf(x: float, low: float, mode: float, high: float) -> float:
    if x <= mode:
        return 0.0 if mode == low else (x - low) ** 2 / ((high - low) * (mode - low))
    return 1.0 - (high - x) ** 2 / ((high - low) * (high - mode))


@pytest.mark.libreoffice
def test_correlation_sets_where_the_two_accuracies_fall_in_their_ranges(checked):
    """Correlation 1: both accuracies at the same percentile of their ranges; -1: at
    opposite percentiles (the copula's s = 1, c = 0). By the triangular distribution
    function in closed form."""
    cases, _ = checked
    for case, sign in (("triangular, correlation 1", 1), ("mixed, correlation -1", -1)):
        values = CASES[case]
        ws = cases[case][2][RISK_SHEET]
        first, columns = _trial_columns(ws)
        percentiles = {}
        for letter, name in (("S", "small_accuracy"), ("F", "frontier_accuracy")):
            draws = _column(ws, first, columns[f"Accuracy {letter}"])
            ends = (values[f"{name}_low"], values[name], values[f"{name}_high"])
            if values[f"{name}_distribution"] != "Triangular":
                pytest.skip("the case drew PERT; the closed form is triangular")
            percentiles[letter] = np.array([_triangular_cdf(x, *ends) for x in draws])
        if sign == 1:
            np.testing.assert_allclose(percentiles["S"], percentiles["F"], atol=1e-9)
        else:
            np.testing.assert_allclose(percentiles["S"] + percentiles["F"], 1.0, atol=1e-9)


@pytest.mark.libreoffice
def test_the_summary_sentence_says_the_risk_figures(checked):
    cases, book = checked
    _, _, theirs, _ = cases["triangular, correlation 1"]
    share = _at(theirs, book, "risk.beats_reference.S")
    small_high = _at(theirs, book, "risk.p_high.S")
    frontier_high = _at(theirs, book, "risk.p_high.F")
    # The sentence rounds each figure once, as FIXED(ROUND(x, 0), 0) does (a share
    # rounding to 0 or 100 % without being either in words).
    expected = (
        f"In 100 trials of the uncertain inputs (Risk sheet), the small model with scaffolding "
        f"costs less than the frontier model in {_share_words(share)}% of them. In 95% "
        f"of trials the small model's TCO stays at or below {fixed(round(small_high), 0)} USD "
        f"and the frontier model's at or below {fixed(round(frontier_high), 0)} USD."
    )
    assert _at(theirs, book, "summary.risk") == expected
    for case in ("collapsed, correlation 0", "all blank (defaults)"):
        assert _at(cases[case][2], book, "summary.risk") == (
            "No input has a low or high guess on Inputs: the Risk sheet shows no uncertainty."
        )


def test_ranges_are_inputs_where_their_values_are():
    """The accuracies' ranges are rows of their own; the build hours' join the component
    table; every range defaults blank (no uncertainty) and the streams are TCO's."""
    specs = {spec.name: spec for spec in MODULE.INPUTS}
    for name in ("small_accuracy", "frontier_accuracy", "tasks_per_month", "cost_per_error"):
        for end in ("low", "high"):
            assert specs[f"{name}_{end}"].option is None
            assert specs[f"{name}_{end}"].default is None
        assert specs[f"{name}_distribution"].default == "Triangular"
    for c in MODULE.COMPONENTS:
        assert specs[f"{c.lower()}_build_hours_low"].option == c
        assert specs[f"{c.lower()}_build_hours_low"].key == "build_hours_low"
    var_ids = {item.key: item.var_id for item in MODULE.UNCERTAIN}
    assert var_ids == {
        "tasks_per_month": 1,
        "accuracy": 3,
        "cost_per_error": 4,
        **{f"{c.lower()}_build_hours": 5 for c in MODULE.COMPONENTS},
    }


def test_a_scenario_gives_ranges_as_mappings(tmp_path):
    """The batch reads ``small_accuracy: {low, mode, high}`` and a component's
    ``build_hours: {...}`` into the Risk sheet's ranges."""
    scenario = {
        "name": "ranged",
        "tasks_per_month": 50_000,
        "cost_per_error": {"low": 2, "mode": 5, "high": 20, "distribution": "pert"},
        "months": 12,
        "hourly_rate": 150,
        "small_cost_per_call": 0.0004,
        "small_accuracy": {"low": 0.95, "mode": 0.98, "high": 0.99},
        "frontier_cost_per_task": 0.03,
        "frontier_accuracy": 0.985,
        "frontier_monthly_fixed": 500,
        "trials": 100,
        "options": [
            {
                "name": "validation",
                "build_hours": {"low": 200, "mode": 300, "high": 700},
                "maintenance_hours": 10,
                "extra_calls": 1,
            },
            {"name": "debate", "build_hours": 0, "maintenance_hours": 0, "extra_calls": 0},
            {"name": "retrieval", "build_hours": 500, "maintenance_hours": 25, "extra_calls": 0.5},
        ],
    }
    report = xlfuncs.generate([scenario], tmp_path, template=NAME)
    assert report.ok, report.failures
    wb = load_workbook(tmp_path / "ranged.xlsx")
    names = wb.defined_names
    inputs = wb["Inputs"]

    def value(name: str):
        _, cell = next(iter(names[name].destinations))
        return inputs[cell.replace("$", "")].value

    assert (value("small_accuracy_low"), value("small_accuracy_high")) == (0.95, 0.99)
    assert value("cost_per_error_distribution") == "PERT"
    assert (value("v_build_hours_low"), value("v_build_hours_high")) == (200, 700)
    assert value("frontier_accuracy_low") is None  # not given: fixed
    assert math.isclose(value("risk_trials"), 100)
