"""HDR, the counter-based random number generator: check values, an independent
reference, argument checking, and the worksheet formula in the evaluator and LibreOffice."""

from __future__ import annotations

import numpy as np
import openpyxl
import pytest
import reference_models
from template_support import recalculated

import xlfuncs
from xlfuncs import InputError
from xlfuncs.formulas import Calculator
from xlfuncs.templates import _formula_builders as fx

LARGEST_ID = 99_999_999
LARGEST_TRIAL = 10_000_000


def test_the_published_check_values():
    # SPEC "HDR": trials 1 to 5 of var_id 1, entity 1, to 10 decimals.
    expected = [0.9097355403, 0.7586898016, 0.0798592771, 0.5203718956, 0.1174664187]
    got = xlfuncs.hdr(np.arange(1, 6), 1, 1)
    assert np.round(got, 10).tolist() == expected
    assert [round(xlfuncs.hdr(t, 1, 1), 10) for t in range(1, 6)] == expected


def _random_ids(count: int, seed: int) -> list[tuple[int, int, int, int, int]]:
    rng = np.random.default_rng(seed)
    ids = [
        (
            int(rng.integers(1, LARGEST_TRIAL + 1)),
            *(int(v) for v in rng.integers(0, LARGEST_ID + 1, size=4)),
        )
        for _ in range(count)
    ]
    # The bounds, every combination of smallest and largest.
    for corner in np.ndindex(2, 2, 2, 2, 2):
        ids.append(
            (
                (1, LARGEST_TRIAL)[corner[0]],
                *((0, LARGEST_ID)[c] for c in corner[1:]),
            )
        )
    return ids


def test_equals_the_published_formula_in_python_integers():
    ids = _random_ids(5000, seed=20261207)
    columns = [np.array(column) for column in zip(*ids, strict=True)]
    got = xlfuncs.hdr(*columns)
    expected = [reference_models.hdr(*one) for one in ids]
    assert got.tolist() == expected  # bit for bit
    assert ((got > 0) & (got < 1)).all()


def test_broadcasts_and_returns_floats_for_single_values():
    table = xlfuncs.hdr(np.arange(1, 4).reshape(3, 1), [[1, 2]], entity=5)
    assert table.shape == (3, 2)
    assert table[2, 1] == reference_models.hdr(3, 2, 5)
    assert isinstance(xlfuncs.hdr(1, 1), float)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((0, 1), "HDR: trial must be a whole number from 1 to 10000000, got 0"),
        ((10_000_001, 1), "HDR: trial must be a whole number from 1 to 10000000, got 10000001"),
        ((1.5, 1), "HDR: trial must be a whole number from 1 to 10000000, got 1.5"),
        ((1, -1), "HDR: var_id must be a whole number from 0 to 99999999, got -1"),
        ((1, 1, 100_000_000), "HDR: entity must be a whole number from 0 to 99999999"),
        ((1, 1, 0, 0.5), "HDR: seed3 must be a whole number from 0 to 99999999, got 0.5"),
        ((1, 1, 0, 0, np.nan), "HDR: seed4 must be a number"),
        (([1, 2, 0], 1), "HDR: trial must be a whole number from 1 to 10000000, got 0 in item 3"),
        ((1, "a"), "HDR: var_id must be a number, got the text 'a'"),
    ],
)
def test_arguments_out_of_range_are_refused(arguments, message):
    with pytest.raises(InputError) as raised:
        xlfuncs.hdr(*arguments)
    assert str(raised.value).startswith(message)


def test_a_million_uniforms_take_a_fraction_of_a_second():
    # The speed is measured in bench/bench_hdr.py; here only that it is vectorised.
    trials = np.arange(1, 1_000_001)
    assert xlfuncs.hdr(trials, 7).shape == (1_000_000,)


def _formula_sheet(cases: list[tuple[int, ...]]) -> openpyxl.Workbook:
    """One row per case: the ids in A:E, the builder's formula (reading them) in F."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "HDR"
    for row, ids in enumerate(cases, start=1):
        for column, value in enumerate(ids, start=1):
            sheet.cell(row, column, value)
        refs = [f"{letter}{row}" for letter in "ABCDE"]
        sheet.cell(row, 6, "=" + fx.hdr(*refs))
        # HDR is (whole number + 0.5) / 2**32, exact in a double, but a file stores
        # 15 digits: its numerator, below 2**33, is stored exactly.
        sheet.cell(row, 7, f"=F{row}*4294967296")
    return book


def _builder_cases() -> list[tuple[int, ...]]:
    """10,000 trials for a few variable and entity ids, and random ids with seeds."""
    cases = [
        (trial, var_id, entity, 0, 0)
        for var_id, entity in ((1, 1), (9, 0), (109, 12345678))
        for trial in range(1, 10_001)
    ]
    return cases + _random_ids(1000, seed=7)


def test_the_formula_in_the_evaluator_equals_hdr():
    cases = _builder_cases()
    # One formula row, every case a scenario of its id cells.
    names = ["trial", "var_id", "entity", "seed3", "seed4"]
    calculator = Calculator(
        _formula_sheet([cases[0]]),
        {n: ("HDR", f"{c}1") for n, c in zip(names, "ABCDE", strict=True)},
    )
    columns = [list(column) for column in zip(*cases, strict=True)]
    got = calculator.evaluate(dict(zip(names, columns, strict=True)))["HDR", "F1"].numbers()
    assert got.tolist() == xlfuncs.hdr(*columns).tolist()


def test_the_formula_leaves_out_zero_ids_and_reduces_the_seeds_apart():
    short = fx.hdr("A2", "3")
    assert "2000371" not in short and "1796777" not in short
    full = fx.hdr("t", "v", "e", "s", "u")
    assert "MOD(s*1796777+u*2299603,7450589)" in full
    assert "MOD(MOD(" in full and "LET" not in full
    evaluation = Calculator(_formula_sheet([(4, 3, 0, 0, 0)]), {}).evaluate()
    assert evaluation["HDR", "F1"].numbers()[0] == reference_models.hdr(4, 3)


@pytest.mark.libreoffice
def test_the_formula_in_libreoffice_equals_hdr(tmp_path):
    cases = _builder_cases()
    path = tmp_path / "hdr.xlsx"
    _formula_sheet(cases).save(path)
    (book,) = recalculated([path], tmp_path / "out")
    sheet = book["HDR"]
    rows = range(1, len(cases) + 1)
    columns = [np.array(column) for column in zip(*cases, strict=True)]
    expected = xlfuncs.hdr(*columns)
    numerators = [sheet.cell(row, 7).value for row in rows]
    assert numerators == (expected * 4294967296).tolist()  # bit for bit
    stored = [sheet.cell(row, 6).value for row in rows]
    # The stored value itself: 15 significant digits of the same number.
    np.testing.assert_allclose(stored, expected, rtol=1e-14, atol=0)


@pytest.mark.libreoffice
def test_libreoffice_mod_needs_the_reduced_forms(tmp_path):
    """Why the formula reduces before MOD: LibreOffice's MOD rounds its quotient to
    15 digits and gives an error when that rounds up (found by recalculating)."""
    modulus = 2**32
    # z with z * 1343 = k * 2**32 - 1 for a quotient k of 6 digits (hand-solved with
    # the inverse of 1343 modulo 2**32).
    z = (modulus - 1) * pow(1343, -1, modulus) % modulus + 172 * modulus
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = z
    sheet["B1"] = f"=MOD(A1*1343,{modulus})"
    sheet["C1"] = f"=MOD(MOD(A1,{modulus})*1343,{modulus})"
    path = tmp_path / "mod.xlsx"
    book.save(path)
    (recalc,) = recalculated([path], tmp_path / "out")
    assert recalc.active["B1"].value == "#VALUE!"
    assert recalc.active["C1"].value == z * 1343 % modulus == modulus - 1
