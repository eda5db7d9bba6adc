"""The incomplete beta function and the full-precision Beta quantile.

Expected values: closed forms of ``I_x(a, b)`` for whole shapes (hand
calculation: ``I_x(1, b) = 1 - (1 - x)**b``, ``I_x(a, 1) = x**a``,
``I_x(2, 2) = 3x**2 - 2x**3``), and scipy's ``betainc`` and ``betaincinv``
(Boost's algorithms; in the test extra) as an independent engine. Errors are
relative: near 0 that is the precision of the lower tail, near 1 the
precision a double near 1 can hold (a quantile's upper tail is computed as
``1 - x`` of the mirrored distribution, and rounds there).
"""

from __future__ import annotations

import numpy as np
import pytest

from xlfuncs._distributions import _half_ppf
from xlfuncs._exact_distributions import beta_ppf
from xlfuncs._incomplete_beta import regularized_incomplete_beta

special = pytest.importorskip("scipy.special")  # the test extra installs it

RNG = np.random.default_rng(20261207)
#: Beta-PERT's shapes (alpha + beta = 6) and other shapes the tables serve (1..5 each).
TABLE_SHAPES = [(1.0, 5.0), (5.0, 1.0), (3.0, 3.0), (1.2, 4.8), (4.857, 1.143)] + [
    (float(a), float(b)) for a, b in RNG.uniform(1.0, 5.0, (12, 2))
]
#: Shapes a worksheet's BETA.INV may be given outside the tables.
OTHER_SHAPES = [(0.3, 0.7), (0.5, 3.0), (7.0, 2.0), (40.0, 60.0), (150.0, 4.0)]


def _points(count: int = 400) -> np.ndarray:
    """Evenly spread points, and points near each end down to 1e-14."""
    near = 10.0 ** RNG.uniform(-14.0, -1.0, count // 4)
    return np.concatenate([RNG.random(count // 2), near, 1.0 - near])


def _relative_error(got: np.ndarray, expected: np.ndarray) -> float:
    return float(np.max(np.abs(got - expected) / expected))


@pytest.mark.parametrize(
    ("a", "b", "closed_form"),
    [
        (1.0, 4.0, lambda x: 1.0 - (1.0 - x) ** 4),
        (3.0, 1.0, lambda x: x**3),
        (2.0, 2.0, lambda x: 3 * x**2 - 2 * x**3),
    ],
)
def test_incomplete_beta_equals_closed_forms(a, b, closed_form):
    x = np.linspace(0.0, 1.0, 1001)
    np.testing.assert_allclose(regularized_incomplete_beta(x, a, b), closed_form(x), atol=2e-16)


@pytest.mark.parametrize(("a", "b"), TABLE_SHAPES + OTHER_SHAPES)
def test_incomplete_beta_equals_scipy(a, b):
    x = _points()
    expected = special.betainc(a, b, x)
    keep = expected > 1e-300
    # The front factor exp(a ln x + b ln(1 - x)) carries about |argument| units in
    # the last place: up to 170 for x = 1e-14 and shapes up to 5, more for larger shapes.
    limit = 5e-14 if max(a, b) <= 5 else 5e-13
    assert _relative_error(regularized_incomplete_beta(x[keep], a, b), expected[keep]) < limit


def test_incomplete_beta_ends_and_empty_input():
    assert regularized_incomplete_beta(np.array([0.0, 1.0]), 2.5, 3.5).tolist() == [0.0, 1.0]
    assert regularized_incomplete_beta(np.array([]), 2.0, 3.0).shape == (0,)


def test_the_tables_start_within_1e_9_of_the_quantile():
    """One Newton step is enough only because the PERT table starts this close."""
    worst = 0.0
    for a, b in TABLE_SHAPES:
        p = np.concatenate([RNG.random(500) * 0.5, 10.0 ** RNG.uniform(-15.0, -1.0, 200)])
        guess = _half_ppf(p ** (1.0 / a), a, b)
        expected = special.betaincinv(a, b, p)
        worst = max(worst, float(np.max(np.abs(guess - expected) / expected)))
    assert worst < 1e-9


@pytest.mark.parametrize(("a", "b"), TABLE_SHAPES + OTHER_SHAPES)
def test_quantile_equals_scipy(a, b):
    p = _points()
    got = beta_ppf(p, np.float64(a), np.float64(b))
    assert _relative_error(got, special.betaincinv(a, b, p)) < 5e-14
    if (a, b) in TABLE_SHAPES:
        # Through the distribution function too: I at the quantile is p. (Larger
        # shapes make I steep enough to magnify the quantile's last bits; shapes
        # below 1 put quantiles of p near 1 at x = 1.0 exactly, where it says nothing.)
        assert _relative_error(special.betainc(a, b, got), p) < 5e-14


def test_quantile_ends():
    got = beta_ppf(np.array([0.0, 1.0]), np.array([2.0, 0.5]), np.array([3.0, 40.0]))
    assert got.tolist() == [0.0, 1.0]


def test_many_shapes_at_once_equal_one_shape_at_a_time():
    """Probabilities grouped by their shapes (the evaluator's many scenarios)."""
    shapes = RNG.uniform(1.0, 5.0, (50, 1))
    p = RNG.random((50, 40))
    together = beta_ppf(p, shapes, 6.0 - shapes)
    for row in range(50):
        alone = beta_ppf(p[row], np.float64(shapes[row, 0]), np.float64(6.0 - shapes[row, 0]))
        assert together[row].tolist() == alone.tolist()
