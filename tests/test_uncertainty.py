"""TCO_SIM, PROB_CHEAPER and the trial TCOs behind them: the numbers.

Expected values come from closed forms (TCO is linear in most of its
inputs; the triangular distribution's mean, variance and distribution
function), from plain TCO, and from BREAKEVEN_VOLUME. Tolerances are set
from the standard error of the estimate, not picked by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import reference_models
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import BY_ARGUMENT, arguments

import xlfuncs
from xlfuncs import _uncertainty

#: How many standard errors a Monte Carlo estimate may stray: a correct
#: implementation fails with odds of about 1 in 16,000 for a given seed.
Z = 4.0

BASE = {
    "tasks_per_month": 2_000,
    "cost_per_task": 0.02,
    "accuracy": 0.93,
    "cost_per_error": 3.0,
    "upfront": 10_000,
    "monthly_fixed": 500,
    "months": 24,
    "monthly_growth": 0.03,
    "annual_discount_rate": 0.08,
}


def triangle_mean(low, mode, high):
    return (low + mode + high) / 3


def triangle_sd(low, mode, high):
    variance = (low**2 + mode**2 + high**2 - low * mode - low * high - mode * high) / 18
    return math.sqrt(variance)


def triangle_cdf(x, low, mode, high):
    """The triangular distribution function, written forwards (the code inverts it)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):  # a side of zero width is never used
        rising = (x - low) ** 2 / ((high - low) * (mode - low))
        falling = 1 - (high - x) ** 2 / ((high - low) * (high - mode))
    return np.where(x <= low, 0.0, np.where(x <= mode, rising, np.where(x < high, falling, 1.0)))


def dkw_epsilon(n, failure=1e-6):
    """Dvoretzky-Kiefer-Wolfowitz: the empirical CDF strays more than this with odds `failure`."""
    return math.sqrt(math.log(2 / failure) / (2 * n))


# --- all inputs fixed -----------------------------------------------------------------------


def test_fixed_inputs_give_the_plain_tco_at_every_percentile():
    expected = reference_models.tco(**BASE)  # SPEC's TCO, month by month
    result = xlfuncs.tco_sim(BASE, [0.01, 0.1, 0.5, 0.9, 0.99], trials=1_000)
    assert result.tolist() == [result[0]] * 5  # every trial the same
    assert result[0] == pytest.approx(expected, rel=1e-12)


def test_a_degenerate_triangle_is_a_fixed_value():
    flat = {**BASE, "accuracy": (0.93, 0.93, 0.93), "upfront": [10_000, 10_000, 10_000]}
    assert np.array_equal(xlfuncs.tco_sim_trials(flat, 500), xlfuncs.tco_sim_trials(BASE, 500))
    assert xlfuncs.tco_sim(flat, 0.5) == pytest.approx(reference_models.tco(**BASE), rel=1e-12)


def test_prob_cheaper_of_fixed_options_is_zero_or_one():
    cheaper = {**BASE, "cost_per_task": 0.01}
    assert xlfuncs.prob_cheaper(cheaper, BASE) == 1.0
    assert xlfuncs.prob_cheaper(BASE, cheaper) == 0.0


def test_omitted_arguments_take_tco_defaults():
    required = {
        k: BASE[k] for k in ("tasks_per_month", "cost_per_task", "accuracy", "cost_per_error")
    }
    expected = reference_models.tco(
        *required.values()
    )  # upfront 0, 12 months, no growth or discount
    assert xlfuncs.tco_sim(required, 0.5) == expected


TCO_NAMES = list(BASE)
#: TCO rises with these arguments and falls with the others (accuracy, discount rate).
RISING = {"tasks_per_month", "cost_per_task", "cost_per_error", "upfront", "monthly_fixed"}
RISING |= {"months", "monthly_growth"}


@settings(max_examples=40, deadline=None)
@given(arguments("tco", TCO_NAMES))
def test_any_fixed_block_gives_exactly_tco(args):
    low, high = xlfuncs.tco_sim(args, [0.25, 0.75], trials=100).tolist()
    assert low == high == pytest.approx(reference_models.tco(**args), rel=1e-9)


@st.composite
def guesses(draw):
    """For every TCO argument, three valid values in order: low, most likely, high."""
    return {name: tuple(sorted(draw(BY_ARGUMENT[name]) for _ in range(3))) for name in TCO_NAMES}


@settings(max_examples=40, deadline=None)
@given(guesses(), st.integers(0, 10**9))
def test_every_trial_lies_between_the_cheapest_and_the_dearest_corner(block, seed):
    # TCO is monotone in each argument, so no draw inside the guesses can
    # fall outside TCO at the all-cheap and all-dear ends of the ranges.
    cheapest = {n: low if n in RISING else high for n, (low, _, high) in block.items()}
    dearest = {n: high if n in RISING else low for n, (low, _, high) in block.items()}
    trials = xlfuncs.tco_sim_trials(block, 200, seed)
    slack = 1e-9 * reference_models.tco(**dearest)  # rounding in the closed form
    assert trials.min() >= reference_models.tco(**cheapest) - slack
    assert trials.max() <= reference_models.tco(**dearest) + slack


# --- one uncertain input: the mean and the distribution ---------------------------------------

LINEAR = {
    "tasks_per_month": (500, 2_000, 6_000),
    "cost_per_task": (0.005, 0.02, 0.08),
    "accuracy": (0.80, 0.93, 0.97),
    "cost_per_error": (0.5, 3.0, 25.0),
    "upfront": (0, 10_000, 80_000),
    "monthly_fixed": (100, 500, 3_000),
}


@pytest.mark.parametrize("name", list(LINEAR))
def test_mean_of_trials_matches_the_closed_form(name):
    low, mode, high = LINEAR[name]
    trials = 200_000
    result = xlfuncs.tco_sim_trials({**BASE, name: (low, mode, high)}, trials, seed=11)
    # TCO is linear in this input, so its mean is TCO at the triangle's mean,
    # and its spread is the slope times the triangle's standard deviation.
    expected = reference_models.tco(**{**BASE, name: triangle_mean(low, mode, high)})
    slope = (
        reference_models.tco(**{**BASE, name: high}) - reference_models.tco(**{**BASE, name: low})
    ) / (high - low)
    standard_error = abs(slope) * triangle_sd(low, mode, high) / math.sqrt(trials)
    assert abs(result.mean() - expected) < Z * standard_error
    # The sample spread matches too (a draw from the wrong triangle would not).
    assert result.std() == pytest.approx(abs(slope) * triangle_sd(low, mode, high), rel=0.01)


@pytest.mark.parametrize("triangle", [(0, 1_000, 5_000), (0, 0, 5_000), (0, 5_000, 5_000)])
def test_draws_follow_the_triangular_distribution(triangle):
    # upfront adds to TCO one for one, so TCO minus the rest is the draw itself.
    trials = 100_000
    rest = reference_models.tco(**{**BASE, "upfront": 0})
    draws = np.sort(xlfuncs.tco_sim_trials({**BASE, "upfront": triangle}, trials) - rest)
    empirical = np.arange(1, trials + 1) / trials
    distance = np.max(np.abs(empirical - triangle_cdf(draws, *triangle)))
    assert distance < dkw_epsilon(trials)
    assert draws.min() >= -1e-6 and draws.max() <= triangle[2] + 1e-6


def test_percentiles_are_numpy_linear_interpolation_of_the_trials():
    block = {**BASE, "accuracy": (0.8, 0.9, 0.99), "tasks_per_month": (1_000, 2_000, 5_000)}
    trials = xlfuncs.tco_sim_trials(block, 5_000, seed=3)
    wanted = [0.05, 0.5, 0.77, 0.95]
    assert np.array_equal(xlfuncs.tco_sim(block, wanted, 5_000, 3), np.quantile(trials, wanted))


def test_median_of_one_triangle_matches_its_inverse_distribution():
    low, mode, high = 0.0, 1_000.0, 5_000.0
    trials = 200_000
    rest = reference_models.tco(**{**BASE, "upfront": 0})
    median = xlfuncs.tco_sim({**BASE, "upfront": (low, mode, high)}, 0.5, trials) - rest
    # F(mode) = 0.2 < 0.5, so the median is on the falling side:
    # high - sqrt(0.5 (high - low) (high - mode)).
    expected = high - math.sqrt(0.5 * (high - low) * (high - mode))
    # Bound the sample median by the quantiles DKW allows around 0.5.
    eps = dkw_epsilon(trials)
    lower = high - math.sqrt((0.5 + eps) * (high - low) * (high - mode))
    upper = high - math.sqrt((0.5 - eps) * (high - low) * (high - mode))
    assert lower <= median <= upper
    assert abs(median - expected) < upper - lower


def test_uncertain_months_are_whole_and_centred():
    # One task a month at 1 with no errors, growth or discount: TCO = months.
    block = {"tasks_per_month": 1, "cost_per_task": 1, "accuracy": 1, "cost_per_error": 0}
    draws = xlfuncs.tco_sim_trials({**block, "months": (12, 24, 36)}, 100_000)
    assert np.array_equal(draws, np.round(draws))
    assert draws.min() >= 12 and draws.max() <= 36
    # A symmetric triangle rounded to whole months keeps its mean, 24.
    assert abs(draws.mean() - 24) < Z * triangle_sd(12, 24, 36) / math.sqrt(draws.size)


# --- PROB_CHEAPER ---------------------------------------------------------------------------

# Close enough that either can win (about half the trials each).
ERRORS = (0.2, 0.5, 1.5)
EFFICIENT = {
    **BASE,
    "cost_per_task": 0.004,
    "accuracy": (0.85, 0.92, 0.95),
    "cost_per_error": ERRORS,
}
FRONTIER = {**BASE, "cost_per_task": 0.05, "accuracy": (0.95, 0.98, 0.99), "cost_per_error": ERRORS}


def test_prob_cheaper_is_the_share_of_trials_where_a_costs_less():
    # PROB_CHEAPER reads the same streams as TCO_SIM's trials for each block.
    a = xlfuncs.tco_sim_trials(EFFICIENT, 20_000, seed=5)
    b = xlfuncs.tco_sim_trials(FRONTIER, 20_000, seed=5)
    assert xlfuncs.prob_cheaper(EFFICIENT, FRONTIER, None, 20_000, 5) == np.mean(a < b)
    assert 0.0 < np.mean(a < b) < 1.0  # the example is not a foregone conclusion


def test_swapping_the_options_gives_the_complement():
    forward = xlfuncs.prob_cheaper(EFFICIENT, FRONTIER, trials=20_000)
    backward = xlfuncs.prob_cheaper(FRONTIER, EFFICIENT, trials=20_000)
    assert forward + backward == 1.0  # continuous draws: ties have probability zero


def test_an_option_is_never_cheaper_than_itself():
    assert xlfuncs.prob_cheaper(EFFICIENT, EFFICIENT) == 0.0
    assert xlfuncs.prob_cheaper(BASE, BASE) == 0.0


def test_a_shared_volume_is_one_draw_for_both_options():
    # A is cheaper per task than B at any volume and has no more fixed cost,
    # so it wins in every trial that gives both the same volume.
    a = {"cost_per_task": 0.01, "accuracy": 0.95, "cost_per_error": 1.0}
    b = {"cost_per_task": 0.02, "accuracy": 0.95, "cost_per_error": 1.0}
    shared = {"tasks_per_month": (100, 1_000, 100_000)}
    assert xlfuncs.prob_cheaper(a, b, shared, trials=50_000) == 1.0


def test_prob_cheaper_matches_the_breakeven_volume():
    # A: high fixed cost, low cost per task; B the reverse. A is cheaper above
    # the break-even volume, so P = 1 - F(volume) for the shared triangle.
    a = {"cost_per_task": 0.01, "accuracy": 1, "cost_per_error": 0, "monthly_fixed": 1_000}
    b = {"cost_per_task": 0.03, "accuracy": 1, "cost_per_error": 0}
    volume = (20_000, 40_000, 100_000)
    crossover = xlfuncs.breakeven_volume(0.01, 1_000, 0.03, 0)  # 50,000 tasks a month
    expected = 1 - float(triangle_cdf(crossover, *volume))  # 2.5e9 / 4.8e9 = 0.5208...
    trials = 100_000
    result = xlfuncs.prob_cheaper(a, b, {"tasks_per_month": volume}, trials, seed=2)
    assert abs(result - expected) < Z * math.sqrt(expected * (1 - expected) / trials)


def test_a_name_in_both_blocks_moves_together():
    # Same triangle for accuracy in both blocks: every trial draws the same
    # accuracy for both, so the cheaper-per-task option always wins.
    shared_guess = (0.8, 0.9, 0.99)
    a = {**BASE, "accuracy": shared_guess}
    b = {**BASE, "accuracy": shared_guess, "cost_per_task": 0.021}
    assert xlfuncs.prob_cheaper(a, b) == 1.0


@settings(max_examples=25, deadline=None)
@given(
    low=st.floats(0.5, 0.9),
    spread=st.floats(0.01, 0.09),
    cost_b=st.floats(0.0, 0.2),
    seed=st.integers(0, 10**9),
)
def test_swapped_probabilities_add_up_to_one_minus_ties(low, spread, cost_b, seed):
    a = {**BASE, "accuracy": (low, low + spread / 2, low + spread)}
    b = {**BASE, "cost_per_task": cost_b, "cost_per_error": (1, 3, 5)}
    forward = xlfuncs.prob_cheaper(a, b, trials=200, seed=seed)
    backward = xlfuncs.prob_cheaper(b, a, trials=200, seed=seed)
    ties = np.mean(xlfuncs.tco_sim_trials(a, 200, seed) == xlfuncs.tco_sim_trials(b, 200, seed))
    assert forward + backward + ties == pytest.approx(1.0, abs=1e-12)
    assert 0.0 <= forward <= 1.0


# --- seeds and streams ----------------------------------------------------------------------

UNCERTAIN = {**BASE, "accuracy": (0.8, 0.9, 0.99), "cost_per_error": (1, 3, 12)}


def test_the_same_seed_gives_the_same_trials():
    first = xlfuncs.tco_sim_trials(UNCERTAIN, 1_000, seed=42)
    assert np.array_equal(first, xlfuncs.tco_sim_trials(UNCERTAIN, 1_000, seed=42))


def test_a_different_seed_gives_different_draws():
    first = xlfuncs.tco_sim_trials(UNCERTAIN, 1_000, seed=1)
    second = xlfuncs.tco_sim_trials(UNCERTAIN, 1_000, seed=2)
    assert np.count_nonzero(first == second) == 0


def test_more_trials_extend_the_same_sequence():
    short = xlfuncs.tco_sim_trials(UNCERTAIN, 1_000)
    assert np.array_equal(xlfuncs.tco_sim_trials(UNCERTAIN, 3_000)[:1_000], short)


def test_an_inputs_draws_do_not_depend_on_the_other_rows():
    # TCO is linear in upfront and in cost_per_task separately (they do not
    # multiply each other), so with the draws unchanged the effects add up.
    base = reference_models.tco(**BASE)
    upfront = xlfuncs.tco_sim_trials({**BASE, "upfront": (0, 1e4, 9e4)}, 2_000) - base
    per_task = xlfuncs.tco_sim_trials({**BASE, "cost_per_task": (0, 0.02, 0.1)}, 2_000) - base
    both = {**BASE, "upfront": (0, 1e4, 9e4), "cost_per_task": (0, 0.02, 0.1)}
    combined = xlfuncs.tco_sim_trials(both, 2_000) - base
    np.testing.assert_allclose(combined, upfront + per_task, rtol=0, atol=1e-6)


def test_row_order_does_not_matter():
    rows = [
        [name, *((value, "", "") if np.isscalar(value) else value)]
        for name, value in UNCERTAIN.items()
    ]
    forward = xlfuncs.tco_sim_trials(rows, 1_000)
    assert np.array_equal(forward, xlfuncs.tco_sim_trials(rows[::-1], 1_000))
    assert np.array_equal(forward, xlfuncs.tco_sim_trials(UNCERTAIN, 1_000))


def test_batches_give_the_same_trials_as_one_pass(monkeypatch):
    one_pass = xlfuncs.tco_sim_trials(UNCERTAIN, 5_000, seed=9)
    one_pass_prob = xlfuncs.prob_cheaper(UNCERTAIN, BASE, None, 5_000, 9)
    monkeypatch.setattr(_uncertainty, "_BATCH", 777)
    assert np.array_equal(xlfuncs.tco_sim_trials(UNCERTAIN, 5_000, seed=9), one_pass)
    assert xlfuncs.prob_cheaper(UNCERTAIN, BASE, None, 5_000, 9) == one_pass_prob


# --- settings -------------------------------------------------------------------------------


def test_a_single_percentile_gives_a_plain_float():
    result = xlfuncs.tco_sim(UNCERTAIN, 0.5)
    assert type(result) is float


def test_a_column_of_percentiles_gives_one_value_each_in_order():
    result = xlfuncs.tco_sim(UNCERTAIN, [[0.9], [0.1]])
    assert result.shape == (2,) and result[0] > result[1]


def test_none_means_the_defaults():
    assert np.array_equal(
        xlfuncs.tco_sim(UNCERTAIN, None, None, None), xlfuncs.tco_sim(UNCERTAIN, [0.1, 0.5, 0.9])
    )
    assert xlfuncs.prob_cheaper(UNCERTAIN, BASE, None, None, None) == xlfuncs.prob_cheaper(
        UNCERTAIN, BASE, trials=10_000, seed=0
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"percentiles": 0}, "TCO_SIM: percentiles must be greater than 0 and less than 1, got 0"),
        (
            {"percentiles": [0.5, 1]},
            "percentiles must be greater than 0 and less than 1, got 1 in item 2",
        ),
        ({"percentiles": 50}, "got 50 (enter 50% or 0.5)"),
        ({"trials": 99}, "TCO_SIM: trials must be a whole number from 100 to 10000000, got 99"),
        ({"trials": 10_000_001}, "got 10000001"),
        ({"trials": 1000.5}, "got 1000.5"),
        ({"trials": [100, 200]}, "trials must be a single value, got a range of 2 values"),
        ({"seed": -1}, "TCO_SIM: seed must be a whole number from 0 to 1000000000, got -1"),
        ({"seed": 1.5}, "got 1.5"),
        ({"seed": "one"}, "TCO_SIM: seed must be a number, got the text 'one'"),
    ],
)
def test_bad_settings_are_named(arguments, message):
    with pytest.raises(xlfuncs.InputError) as caught:
        xlfuncs.tco_sim(UNCERTAIN, **arguments)
    assert message in str(caught.value)
    assert caught.value.argument == next(iter(arguments))


def test_prob_cheaper_names_itself_in_messages():
    with pytest.raises(xlfuncs.InputError, match=r"^PROB_CHEAPER: trials must be"):
        xlfuncs.prob_cheaper(BASE, BASE, trials=5)
