"""Beta-PERT guesses: the fifth column of an option block, and their draws.

Expected values: the Beta-PERT closed forms of the contract (mean
``(low + 4 mode + high) / 6``, variance ``(mean - low)(high - mean) / 7``),
scipy's incomplete beta inverse as an independent engine (in the test
extra), and the endpoints of any distribution function.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import xlfuncs
from xlfuncs._distributions import pert_ppf, pert_shape

Z = 4.0

BASE = {"tasks_per_month": 1_000, "cost_per_task": 0.01, "accuracy": 0.95, "cost_per_error": 2.0}
#: TCO with everything else at BASE is 12 * 1000 * 0.01 + 600 * cost_per_error
#: (12 months of 1,000 tasks, 5 % of them wrong): a PERT cost per error shows
#: through one for one.
REST = 120.0
PER_ERROR_COST = 600.0

SHAPES = [(1.0, 2.0, 10.0), (0.0, 0.0, 5.0), (0.0, 5.0, 5.0), (10.0, 20.0, 30.0), (0, 0.01, 1)]


def pert_mean(low, mode, high):
    return (low + 4 * mode + high) / 6


def pert_variance(low, mode, high):
    mean = pert_mean(low, mode, high)
    return (mean - low) * (high - mean) / 7


@pytest.mark.parametrize("guess", SHAPES)
def test_draws_match_the_pert_mean_and_variance(guess):
    trials = 400_000
    block = {**BASE, "cost_per_error": (*guess, "pert")}
    draws = (xlfuncs.tco_sim_trials(block, trials, seed=5) - REST) / PER_ERROR_COST
    mean, variance = pert_mean(*guess), pert_variance(*guess)
    assert abs(draws.mean() - mean) < Z * math.sqrt(variance / trials)
    # The sample variance's standard error is sqrt((mu4 - sigma^4) / n); a
    # Beta's fourth central moment is below 3 sigma^4, so 2 sigma^4 bounds it.
    assert abs(draws.var() - variance) < Z * math.sqrt(2 * variance**2 / trials)
    assert draws.min() >= guess[0] - 1e-9 and draws.max() <= guess[2] + 1e-9


def test_pert_is_narrower_than_the_triangle_of_the_same_guess():
    pert = xlfuncs.tco_sim({**BASE, "cost_per_error": (1, 2, 10, "pert")}, [0.1, 0.9])
    triangle = xlfuncs.tco_sim({**BASE, "cost_per_error": (1, 2, 10)}, [0.1, 0.9])
    assert pert[1] - pert[0] < triangle[1] - triangle[0]


@pytest.mark.parametrize("guess", SHAPES)
def test_the_inverse_is_monotone_and_hits_low_and_high(guess):
    u = np.concatenate([[0.0], np.sort(np.random.default_rng(1).random(100_000)), [1.0]])
    values = pert_ppf(u, *guess)
    assert values[0] == guess[0]
    assert values[-1] == guess[2]
    assert np.all(np.diff(values) >= 0)
    dense = pert_ppf(np.linspace(0, 1, 1_000_001), *guess)
    assert np.all(np.diff(dense) >= 0)


@pytest.mark.parametrize(
    "guess", [*SHAPES, (0, 1e-9, 1), (0, 0.999, 1), (-3, -1, 4), (1e6, 1.5e6, 4e6)]
)
def test_the_tabulated_inverse_is_within_the_contracts_accuracy(guess):
    from scipy import special  # an independent engine, in the test extra

    low, mode, high = guess
    a, b = pert_shape(low, mode, high)
    u = np.concatenate(
        [
            np.linspace(0, 1, 200_001),
            10.0 ** -np.arange(1, 17),
            1 - 10.0 ** -np.arange(1, 16),
        ]
    )
    exact = low + (high - low) * special.betaincinv(a, b, u)
    assert np.max(np.abs(pert_ppf(u, low, mode, high) - exact)) <= 1e-6 * (high - low)


def test_the_shape_follows_the_contract():
    assert pert_shape(1.0, 2.0, 10.0) == pytest.approx((1 + 4 / 9, 1 + 32 / 9))
    assert pert_shape(0.0, 0.0, 1.0) == (1.0, 5.0)


def test_a_pert_row_reads_the_same_uniforms_as_a_triangular_one():
    # Both are inverse distribution functions of the argument's stream: the
    # uniform behind each triangular draw (recovered with the triangle's
    # distribution function, written forwards) gives the PERT draw of the
    # same trial.
    trials = 5_000
    triangle = xlfuncs.tco_sim_trials({**BASE, "cost_per_error": (1, 2, 10)}, trials, 3) - REST
    pert = xlfuncs.tco_sim_trials({**BASE, "cost_per_error": (1, 2, 10, "PERT")}, trials, 3)
    x = triangle / PER_ERROR_COST
    u = np.where(x <= 2, (x - 1) ** 2 / (9 * 1), 1 - (10 - x) ** 2 / (9 * 8))
    assert np.allclose((pert - REST) / PER_ERROR_COST, pert_ppf(u, 1, 2, 10), atol=1e-7)
    # and the percentiles keep their order trial by trial
    assert np.array_equal(np.argsort(pert), np.argsort(triangle))


# --- the fifth column ------------------------------------------------------------------------


def test_a_five_column_block_reads_the_distribution_per_row():
    rows = [
        ["Parameter", "Low", "Most likely", "High", "Distribution"],
        ["tasks_per_month", 1000, "", "", ""],
        ["cost_per_task", 0.01, "", "", "pert"],  # ignored on a fixed row
        ["accuracy", 0.9, 0.95, 0.97, ""],  # blank: triangular
        ["cost_per_error", 1, 2, 10, " Pert "],
    ]
    mapping = {
        "tasks_per_month": 1000,
        "cost_per_task": 0.01,
        "accuracy": (0.9, 0.95, 0.97),
        "cost_per_error": (1, 2, 10, "pert"),
    }
    assert np.array_equal(
        xlfuncs.tco_sim_trials(rows, 2_000), xlfuncs.tco_sim_trials(mapping, 2_000)
    )
    triangular = {**mapping, "accuracy": (0.9, 0.95, 0.97, "triangular")}
    assert np.array_equal(
        xlfuncs.tco_sim_trials(triangular, 2_000), xlfuncs.tco_sim_trials(mapping, 2_000)
    )


@pytest.mark.parametrize(
    ("cell", "described"),
    [("normal", "the text 'normal'"), ("beta", "the text 'beta'"), (4, "4"), (True, "TRUE")],
)
def test_an_unknown_distribution_names_the_row(cell, described):
    rows = [
        ["tasks_per_month", 1000, "", "", ""],
        ["cost_per_task", 0.01, "", "", ""],
        ["accuracy", 0.9, 0.95, 0.97, cell],
        ["cost_per_error", 2, "", "", ""],
    ]
    with pytest.raises(xlfuncs.InputError) as caught:
        xlfuncs.tco_sim(rows)
    assert str(caught.value) == (
        "TCO_SIM: option_block row 3: the accuracy distribution must be triangular or pert "
        f"(or blank for triangular), got {described}"
    )
    assert caught.value.argument == "option_block"


def test_an_unknown_distribution_in_a_mapping_is_named():
    block = {**BASE, "accuracy": (0.9, 0.95, 0.97, "lognormal")}
    with pytest.raises(
        xlfuncs.InputError, match="accuracy distribution must be triangular or pert"
    ):
        xlfuncs.prob_cheaper(block, BASE)


def test_a_distribution_cell_in_each_function_names_it():
    bad = {**BASE, "accuracy": (0.9, 0.95, 0.97, "uniform")}
    for call, prefix in [
        (lambda: xlfuncs.tco_sim(bad), "TCO_SIM: option_block"),
        (lambda: xlfuncs.prob_cheaper(BASE, bad), "PROB_CHEAPER: block_b"),
        (lambda: xlfuncs.tco_tornado(bad), "TCO_TORNADO: option_block"),
    ]:
        with pytest.raises(xlfuncs.InputError) as caught:
            call()
        assert str(caught.value).startswith(prefix + ": the accuracy distribution must be")
