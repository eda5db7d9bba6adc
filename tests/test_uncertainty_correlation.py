"""PROB_CHEAPER's correlation argument and the paired trials behind it.

Expected values come from the release before the argument existed (the
figures of ``correlation=1`` must not move by a bit), from symmetry (two
identical options drawn independently are each cheaper half the time), from
Pearson's relation between the rank correlation of a Gaussian copula and its
normal correlation, and from a hand calculation for two options that differ
in one input only. Tolerances are standard errors of the estimate.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
import reference_models
from uncertainty_examples import BOTH, EFFICIENT, FRONTIER

import xlfuncs
from xlfuncs import _uncertainty

Z = 4.0

#: One uncertain input, in which TCO is linear and rising: the ranks of the
#: TCOs are the ranks of the draws.
ONE_GUESS = {
    "tasks_per_month": 1_000,
    "cost_per_task": 0.01,
    "accuracy": 0.95,
    "cost_per_error": (1.0, 2.0, 10.0),
}


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Rank correlation, written out (no ties in continuous draws)."""
    rx = np.argsort(np.argsort(x)).astype(float)
    ry = np.argsort(np.argsort(y)).astype(float)
    return float(np.corrcoef(rx, ry)[0, 1])


# --- correlation = 1 is today's PROB_CHEAPER ------------------------------------------------


@pytest.mark.parametrize(
    ("trials", "seed", "before"),
    # Computed by xlfuncs 0.1.0 (before the correlation argument) for the
    # user guide's efficient-vs-frontier example.
    [(10_000, 0, 0.2096), (50_000, 7, 0.21464), (2_000_000, 3, 0.212114)],
)
def test_correlation_one_gives_the_figures_of_before_bit_for_bit(trials, seed, before):
    assert xlfuncs.prob_cheaper(EFFICIENT, FRONTIER, BOTH, trials, seed) == before
    assert xlfuncs.prob_cheaper(EFFICIENT, FRONTIER, BOTH, trials, seed, 1) == before
    assert xlfuncs.prob_cheaper(EFFICIENT, FRONTIER, BOTH, trials, seed, None) == before


def test_correlation_one_pairs_the_trials_of_each_option():
    # The paired trials are exactly each option's own TCO_SIM trials.
    pairs = xlfuncs.prob_cheaper_trials(EFFICIENT, FRONTIER, BOTH, 5_000, 2)
    assert pairs.shape == (5_000, 2)
    assert np.array_equal(pairs[:, 0], xlfuncs.tco_sim_trials({**EFFICIENT, **BOTH}, 5_000, 2))
    assert np.array_equal(pairs[:, 1], xlfuncs.tco_sim_trials({**FRONTIER, **BOTH}, 5_000, 2))
    share = np.count_nonzero(pairs[:, 0] < pairs[:, 1]) / 5_000
    assert share == xlfuncs.prob_cheaper(EFFICIENT, FRONTIER, BOTH, 5_000, 2)


@pytest.mark.parametrize("rho", [0.5, 0.0, -0.7])
def test_the_trials_are_the_probability_for_any_correlation(rho):
    pairs = xlfuncs.prob_cheaper_trials(EFFICIENT, FRONTIER, BOTH, 20_000, 4, rho)
    share = np.count_nonzero(pairs[:, 0] < pairs[:, 1]) / 20_000
    assert share == xlfuncs.prob_cheaper(EFFICIENT, FRONTIER, BOTH, 20_000, 4, rho)


# --- what the copula does -------------------------------------------------------------------


def test_identical_options_drawn_independently_are_each_cheaper_half_the_time():
    trials = 200_000
    p = xlfuncs.prob_cheaper(ONE_GUESS, ONE_GUESS, None, trials, 0, correlation=0)
    assert abs(p - 0.5) < Z * math.sqrt(0.25 / trials)
    # ... and never at correlation 1, where they are the same trial for trial.
    assert xlfuncs.prob_cheaper(ONE_GUESS, ONE_GUESS, None, trials, 0) == 0.0


@pytest.mark.parametrize("rho", [-1.0, -0.6, -0.2, 0.0, 0.3, 0.8, 0.95])
def test_rank_correlation_of_the_paired_draws_is_rho(rho):
    trials = 100_000
    pairs = xlfuncs.prob_cheaper_trials(ONE_GUESS, ONE_GUESS, None, trials, 5, rho)
    # The standard error of a sample Spearman correlation is at most about
    # 1.06 (1 - rho^2) / sqrt(n) (Fieller, Hartley and Pearson, 1957); the
    # floor keeps a margin for rho near +-1.
    standard_error = max(1.1 * (1 - rho**2), 0.02) / math.sqrt(trials)
    assert abs(spearman(pairs[:, 0], pairs[:, 1]) - rho) < Z * standard_error


def test_each_option_keeps_its_own_distribution_under_the_copula():
    # Whatever the correlation, option A's TCOs are draws of A's guess: the
    # mean of a linear TCO is TCO at the triangle's mean (1 + 2 + 10) / 3.
    trials = 200_000
    pairs = xlfuncs.prob_cheaper_trials(ONE_GUESS, ONE_GUESS, None, trials, 8, 0.4)
    tco_at = {e: reference_models.tco(1_000, 0.01, 0.95, e) for e in (1.0, 13 / 3, 10.0)}
    slope = (tco_at[10.0] - tco_at[1.0]) / 9
    sd = slope * math.sqrt((1 + 4 + 100 - 2 - 10 - 20) / 18)
    for column in (0, 1):
        assert abs(pairs[:, column].mean() - tco_at[13 / 3]) < Z * sd / math.sqrt(trials)
        assert pairs[:, column].min() >= tco_at[1.0] - 1e-9
        assert pairs[:, column].max() <= tco_at[10.0] + 1e-9


@pytest.mark.parametrize("rho", [0.3, 0.0, -0.8])
def test_swapping_the_options_swaps_their_draws(rho):
    # Neither option is privileged: which one takes "c z1 + s z2" does not
    # depend on the order of the arguments.
    forward = xlfuncs.prob_cheaper_trials(EFFICIENT, FRONTIER, BOTH, 3_000, 6, rho)
    backward = xlfuncs.prob_cheaper_trials(FRONTIER, EFFICIENT, BOTH, 3_000, 6, rho)
    assert np.array_equal(forward, backward[:, ::-1])
    p = xlfuncs.prob_cheaper(EFFICIENT, FRONTIER, BOTH, 3_000, 6, rho)
    q = xlfuncs.prob_cheaper(FRONTIER, EFFICIENT, BOTH, 3_000, 6, rho)
    assert p + q == pytest.approx(1.0, abs=1e-12)  # continuous options: no ties


@pytest.mark.parametrize("rho", [1.0, 0.5, 0.0, -1.0])
def test_swapped_probabilities_add_up_to_one_minus_ties(rho):
    # The contract's identity, for every correlation: P(a, b) + P(b, a) is 1
    # less the share of tied trials. Two options with a fixed volume and an
    # accuracy guess on a coarse grid of whole months tie often.
    a = {**ONE_GUESS, "cost_per_error": 2.0, "months": (1, 2, 3)}
    b = {**ONE_GUESS, "cost_per_error": 2.0, "months": (1, 1, 3)}
    pairs = xlfuncs.prob_cheaper_trials(a, b, None, 10_000, 1, rho)
    ties = np.count_nonzero(pairs[:, 0] == pairs[:, 1]) / 10_000
    assert 0 < ties < 1
    forward = xlfuncs.prob_cheaper(a, b, None, 10_000, 1, rho)
    backward = xlfuncs.prob_cheaper(b, a, None, 10_000, 1, rho)
    assert forward + backward == pytest.approx(1 - ties, abs=1e-12)


def test_a_hand_calculated_probability_at_correlation_zero():
    # Two options that differ in price (0.01 and 0.02 a task) and whose
    # accuracies are independent triangles (0.9, 0.95, 0.99): A is cheaper
    # when accuracy_b - accuracy_a < 0.005. That probability is the
    # integral of the triangle's CDF against its density, done here
    # numerically on a fine grid (an independent calculation).
    guess = {"tasks_per_month": 1000, "accuracy": (0.9, 0.95, 0.99), "cost_per_error": 2}
    a, b = {**guess, "cost_per_task": 0.01}, {**guess, "cost_per_task": 0.02}
    x = np.linspace(0.9, 0.99, 200_001)
    density = np.where(x <= 0.95, 2 * (x - 0.9) / (0.09 * 0.05), 2 * (0.99 - x) / (0.09 * 0.04))
    cdf = np.where(x <= 0.95, (x - 0.9) ** 2 / (0.09 * 0.05), 1 - (0.99 - x) ** 2 / (0.09 * 0.04))
    # P(B's accuracy < A's + 0.005): integrate F(x + 0.005) f(x) dx.
    shifted = np.interp(x + 0.005, x, cdf, right=1.0)
    expected = float(np.sum(shifted * density) * (x[1] - x[0]))
    trials = 200_000
    p = xlfuncs.prob_cheaper(a, b, None, trials, 3, 0)
    assert abs(p - expected) < Z * math.sqrt(expected * (1 - expected) / trials)


def test_inputs_uncertain_in_one_block_only_keep_their_draws():
    # The copula touches only inputs uncertain in both blocks: an input
    # uncertain in A alone is drawn as at correlation 1.
    a = {**ONE_GUESS, "upfront": (0, 1_000, 5_000)}
    b = {**ONE_GUESS, "cost_per_error": 3.0}
    assert np.array_equal(
        xlfuncs.prob_cheaper_trials(a, b, None, 2_000, 1, 0.2),
        xlfuncs.prob_cheaper_trials(a, b, None, 2_000, 1, 1.0),
    )


def test_shared_inputs_stay_one_draw_for_both():
    # The volume is in the shared block: the same value for both options in
    # every trial, so two options that differ only by a fixed monthly cost
    # are apart by exactly that cost whatever the correlation.
    a = {"cost_per_task": 0.01, "accuracy": 0.95, "cost_per_error": 2.0}
    b = {**a, "monthly_fixed": 100}
    shared = {"tasks_per_month": (500, 1_000, 4_000)}
    pairs = xlfuncs.prob_cheaper_trials(a, b, shared, 2_000, 0, 0.0)
    assert np.allclose(pairs[:, 1] - pairs[:, 0], 1_200)


def test_the_same_seed_gives_the_same_correlated_trials_and_batches_do_not_matter(monkeypatch):
    once = xlfuncs.prob_cheaper_trials(EFFICIENT, FRONTIER, BOTH, 5_000, 9, 0.5)
    assert np.array_equal(
        once, xlfuncs.prob_cheaper_trials(EFFICIENT, FRONTIER, BOTH, 5_000, 9, 0.5)
    )
    monkeypatch.setattr(_uncertainty, "_BATCH", 777)
    assert np.array_equal(
        once, xlfuncs.prob_cheaper_trials(EFFICIENT, FRONTIER, BOTH, 5_000, 9, 0.5)
    )


def test_nearly_one_is_nearly_today():
    # Just below 1 the copula is applied, and the draws move continuously
    # towards today's: the percentiles agree to far better than a trial's
    # spacing.
    today = xlfuncs.prob_cheaper_trials(EFFICIENT, FRONTIER, BOTH, 2_000, 0)
    close = xlfuncs.prob_cheaper_trials(EFFICIENT, FRONTIER, BOTH, 2_000, 0, 1 - 1e-12)
    assert np.allclose(today, close, rtol=1e-5)


# --- the weights and the normal functions ---------------------------------------------------


@pytest.mark.parametrize("rho", [-1.0, -0.5, 0.0, 0.5, 1.0])
def test_copula_weights_follow_the_contract(rho):
    c, s = _uncertainty.copula_weights(rho)
    # 2 sin(pi rho / 6) by hand: exactly rho at the ends (sin(pi/6) = 1/2).
    q = {-1.0: -1.0, 1.0: 1.0}.get(rho, 2 * math.sin(math.pi * rho / 6))
    assert c == pytest.approx(math.sqrt((1 + q) / 2), abs=1e-15)
    assert s == pytest.approx(math.sqrt((1 - q) / 2), abs=1e-15)
    assert c * c - s * s == pytest.approx(q, abs=1e-15)


def test_normal_functions_match_the_standard_library():
    from statistics import NormalDist

    from xlfuncs._distributions import normal_cdf, normal_ppf

    normal = NormalDist()
    z = np.linspace(-8.4, 8.4, 4_001)
    expected = np.array([normal.cdf(v) for v in z])  # math.erf underneath
    assert np.max(np.abs(normal_cdf(z) - expected)) < 6e-12
    u = np.concatenate([np.linspace(1e-6, 1 - 1e-6, 4_001), 10.0 ** -np.arange(7, 300, 7)])
    expected = np.array([normal.inv_cdf(v) for v in u])  # AS 241 in pure Python
    assert np.max(np.abs(normal_ppf(u) - expected) / np.maximum(1, np.abs(expected))) < 1e-14
    assert normal_ppf(np.array([0.0, 1.0])).tolist() == [-math.inf, math.inf]


def test_normal_functions_against_scipy():
    from scipy import special  # an independent engine, in the test extra

    from xlfuncs._distributions import normal_cdf, normal_ppf

    z = np.linspace(-12, 12, 100_001)
    assert np.max(np.abs(normal_cdf(z) - special.ndtr(z))) < 6e-12
    u = np.random.default_rng(0).random(100_000)
    assert np.allclose(normal_ppf(u), special.ndtri(u), rtol=1e-14, atol=1e-14)


def test_the_excel_functions_need_no_statistics_or_plotting_library():
    # With scipy, mpmath and matplotlib made impossible to import, the Excel
    # functions load and compute correlated, PERT and tornado figures.
    # (xlwings itself imports matplotlib when it is installed; xlfuncs never does.)
    code = (
        "import sys\n"
        "for name in ('scipy', 'mpmath', 'matplotlib'):\n"
        "    sys.modules[name] = None\n"
        "import xlfuncs.udfs, xlfuncs\n"
        "block = {'tasks_per_month': 1000, 'cost_per_task': 0.01, 'accuracy': 0.95,\n"
        "         'cost_per_error': (1, 2, 10, 'pert')}\n"
        "print(xlfuncs.prob_cheaper(block, block, trials=1000, correlation=0) > 0,\n"
        "      len(xlfuncs.tco_tornado(block)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["True", "2"]


def test_importing_the_excel_functions_imports_no_statistics_library():
    # The normal and PERT functions are numpy only: nothing else loads when
    # Excel starts the function server (xlwings may load matplotlib itself).
    code = (
        "import sys, xlfuncs.udfs\n"
        "print([m for m in ('scipy', 'mpmath', 'statsmodels') if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
