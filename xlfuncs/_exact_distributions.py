"""The normal and Beta distributions to full double precision, for worksheet agreement.

The Risk sheets of the templates compute their draws with ``_xlfn.NORM.S.DIST``,
``_xlfn.NORM.S.INV`` and ``_xlfn.BETA.INV``; the evaluator (and the HDR
generator of the Monte Carlo functions, whose trials a Risk sheet repeats) must give the same
numbers as LibreOffice to about 1e-15 relative, so these are computed to
full double precision rather than with the faster tables of
:mod:`xlfuncs._distributions` (which are good to 6e-12 absolute):

* :func:`normal_cdf` is ``erfc(-z / sqrt(2)) / 2`` with the C library's
  ``erfc``, as LibreOffice computes it.
* :func:`normal_ppf` is Wichura's AS 241, LibreOffice's algorithm too
  (:func:`xlfuncs._distributions.normal_ppf`).
* :func:`beta_ppf` solves ``I_x(alpha, beta) = p``
  (:mod:`xlfuncs._incomplete_beta`). For the shapes of Beta-PERT
  (``1 <= alpha, beta <= 5``) the PERT tables give ``x`` to about 1e-10
  relative, and one step of Newton's method (which squares the error) takes
  it to full precision: one evaluation of ``I_x`` per quantile. Other shapes
  take Newton's method kept inside a bracket. ``p`` above 1/2 is solved as
  ``1 - x`` of the mirrored distribution at ``1 - p`` (exact), so the
  upper tail keeps its digits.
"""

from __future__ import annotations

import math

import numpy as np

from ._distributions import _by_chunks, _half_ppf, normal_ppf
from ._incomplete_beta import beta_density, log_beta, regularized_incomplete_beta

__all__ = ["beta_ppf", "normal_cdf", "normal_ppf"]

_ERFC = np.frompyfunc(math.erfc, 1, 1)


def normal_cdf(z: np.ndarray) -> np.ndarray:
    """The standard normal distribution function, to the last bits of ``erfc``.

    >>> normal_cdf(np.array([0.0, -1.0])).round(12).tolist()
    [0.5, 0.158655253931]
    """
    z = np.asarray(z, dtype=np.float64)
    return 0.5 * _ERFC(-z * math.sqrt(0.5)).astype(np.float64)


def beta_ppf(p: np.ndarray, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """The Beta(alpha, beta) quantile at each ``p`` in [0, 1], for ``alpha, beta > 0``.

    Arrays broadcast. Each distinct pair of shapes is solved in one
    vectorised pass.

    >>> shapes = np.array([1.0, 2.0])
    >>> beta_ppf(np.array([0.5, 0.5]), shapes, shapes).round(15).tolist()
    [0.5, 0.5]

    >>> beta_ppf(np.array([0.5, 0.25]), np.array(1.0), np.array(1.0)).tolist()
    [0.5, 0.25]
    """
    p = np.asarray(p, dtype=np.float64)
    alpha, beta = np.broadcast_arrays(
        np.asarray(alpha, dtype=np.float64), np.asarray(beta, dtype=np.float64)
    )
    shape = np.broadcast_shapes(p.shape, alpha.shape)
    flat_p = np.broadcast_to(p, shape).ravel()
    result = np.empty(shape)
    flat_result = result.reshape(-1)
    # The distinct shapes, found among the shape arguments alone (often one pair for
    # a million probabilities), then the probabilities grouped by shape in one sort.
    pairs, which = np.unique(
        np.stack([alpha.ravel(), beta.ravel()], axis=1), axis=0, return_inverse=True
    )
    if len(pairs) == 1:
        flat_result[:] = _beta_ppf_one_shape(flat_p, *pairs[0].tolist())
        return result
    which = np.broadcast_to(which.reshape(alpha.shape), shape).ravel()
    order = np.argsort(which, kind="stable")
    ends = np.cumsum(np.bincount(which, minlength=len(pairs)))
    starts = np.concatenate([[0], ends[:-1]])
    for (a, b), start, end in zip(pairs.tolist(), starts, ends, strict=True):
        chosen = order[start:end]
        flat_result[chosen] = _beta_ppf_one_shape(flat_p[chosen], a, b)
    return result


def _beta_ppf_one_shape(p: np.ndarray, a: float, b: float) -> np.ndarray:
    upper = p > 0.5
    x = np.empty(p.shape)
    x[~upper] = _lower_quantile(p[~upper], a, b)
    x[upper] = 1.0 - _lower_quantile(1.0 - p[upper], b, a)
    return x


def _lower_quantile(p: np.ndarray, a: float, b: float) -> np.ndarray:
    """Solve I_x(a, b) = p for p in [0, 1/2]."""
    x = np.zeros(p.shape)
    live = p > 0.0
    if not live.any():
        return x
    if 1.0 <= a <= 5.0 and 1.0 <= b <= 5.0:
        x[live] = _by_chunks(lambda t: _polished_table_value(t, a, b), p[live])
    else:
        x[live] = _bracketed_newton(p[live], a, b)
    return x


def _polished_table_value(target: np.ndarray, a: float, b: float) -> np.ndarray:
    """The PERT table's quantile, then one Newton step on ``I_x(a, b) - p``.

    The table is good to about 1e-10 relative (the tests hold it to 1e-9), and
    Newton's method squares the relative error (times about ``(a + b) / 2``),
    so one step leaves an error far below the rounding of ``I_x`` itself.
    """
    guess = np.clip(_half_ppf(target ** (1.0 / a), a, b), 1e-300, 1.0 - 1e-16)
    value = regularized_incomplete_beta(guess, a, b)
    return guess - (value - target) / beta_density(guess, a, b)


def _bracketed_newton(target: np.ndarray, a: float, b: float) -> np.ndarray:
    """Newton's method on ``I_x(a, b) = p`` from the tail's power law, kept inside a bracket."""
    # Near 0, I_x(a, b) is about x**a / (a B(a, b)).
    guess = np.exp((np.log(target) + math.log(a) + log_beta(a, b)) / a)
    guess = np.clip(guess, 1e-300, 1.0 - 1e-16)
    low, high = np.zeros(target.shape), np.ones(target.shape)
    active = np.arange(target.size)  # the elements still moving
    for _ in range(100):
        g, t = guess[active], target[active]
        value = regularized_incomplete_beta(g, a, b)
        below = value < t
        low[active] = np.where(below, g, low[active])
        high[active] = np.where(below, high[active], g)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            proposal = g - (value - t) / beta_density(g, a, b)
        lo, hi = low[active], high[active]
        outside = ~np.isfinite(proposal) | (proposal < lo) | (proposal > hi)
        proposal = np.where(outside, 0.5 * (lo + hi), proposal)
        guess[active] = proposal
        # I_x is computed to about 1e-15 relative: a Newton step below 1e-14 of x
        # is that noise, and the quantile is as exact as it can be.
        moving = np.abs(proposal - g) > 1e-14 * g
        active = active[moving]
        if not active.size:
            break
    return guess
