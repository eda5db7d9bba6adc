"""ROUND worked out with numpy for a block gives exactly what the per-number exact way gives."""

from __future__ import annotations

import random

import numpy as np
import pytest

from xlfuncs.formulas.compiler import _round_half_up
from xlfuncs.formulas.values import _V, _round_to

TIES = [2.675, 1.005, 0.125, -2.5, 2.5, 0.5, -0.5, 1.115, 8.345, 1234.5675, 0.0, -0.0, 1e-20]


def exact(x: float, digits: int) -> float:
    """The oracle: the number's 15-digit decimal rounded half away from zero (Decimal)."""
    return float(_round_to(x, digits)) if np.isfinite(x) else x


def numbers(seed: int, count: int = 20_000) -> list[float]:
    draw = random.Random(seed)
    found = list(TIES)
    while len(found) < count:
        kind = draw.random()
        if kind < 0.3:  # ties of a few decimals, as money and shares give
            found.append(
                draw.randrange(-(10**7), 10**7) / 1000 + draw.choice([0.0005, 0.005, 0.05])
            )
        elif kind < 0.6:
            found.append(draw.uniform(-1e6, 1e6))
        else:
            found.append(draw.uniform(-1, 1) * 10 ** draw.randint(-8, 14))
    return found


@pytest.mark.parametrize("digits", [-3, -1, 0, 1, 2, 4, 9, 15])
@pytest.mark.parametrize("seed", [1, 2])
def test_numpy_rounding_equals_the_exact_rounding(digits, seed):
    # Within the bounds of the quick way (|x| * 10**digits below 1e13); beyond them it
    # leaves every number to the exact way (the last test).
    x = np.array([v for v in numbers(seed) if abs(v) * 10.0**digits < 1e13])
    assert len(x) > 2000
    found = _round_half_up([_V(x.reshape(-1, 1, 1)), _V(np.full((1, 1, 1), float(digits)))])
    assert found is not None
    got = found.num.reshape(-1)
    expected = np.array([exact(v, digits) for v in x])
    assert np.array_equal(np.signbit(got), np.signbit(expected))
    mismatched = [(v, g, e) for v, g, e in zip(x, got, expected, strict=True) if g != e]
    assert mismatched == []


def test_out_of_its_bounds_it_leaves_the_rounding_to_the_exact_way():
    big = _V(np.array([1e14]).reshape(1, 1, 1))
    assert _round_half_up([big, _V(np.zeros((1, 1, 1)))]) is None
    many = _V(np.array([1.5]).reshape(1, 1, 1))
    assert _round_half_up([many, _V(np.full((1, 1, 1), 20.0))]) is None
