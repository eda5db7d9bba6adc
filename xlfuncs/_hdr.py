"""HDR: the Hubbard Decision Research counter-based random number generator, version 2.0.

A uniform number in (0, 1) computed from whole-number ids alone (the trial,
the variable, the entity and two free seeds), with no state: trial 7 of a
variable is the same number whichever trials are computed before it, in
Python, in Excel and in LibreOffice.

The formula, as the SIPmath standard publishes it (D. W. Hubbard, "A
multi-dimensional, counter-based pseudo random number generator as a
standard for Monte Carlo simulations", Winter Simulation Conference 2019,
DOI 10.1109/WSC40007.2019.9004773), with ``t`` the trial, ``v`` the var_id,
``e`` the entity and ``s3``, ``s4`` the seeds::

    a = MOD(t*2499997 + v*1800451 + e*2000371 + s3*1796777 + s4*2299603, 7450589)
    b = MOD(t*2246527 + v*2399993 + e*2100869 + s3*1918303 + s4*1624729, 7450987)
    x = MOD(MOD(999999999999989, a*4658 + 7450581) * 383, 99991)
    y = MOD(MOD(999999999999989, b*7580 + 7560584) * 17669, 7440893)
    HDR = (MOD((x*7440893 + y) * 1343, 4294967296) + 0.5) / 4294967296

Every intermediate is a whole number below 2**53 (the largest, ``y``'s
product before its MOD, is below 1e15), so the arithmetic here is exact in
64-bit integers and a spreadsheet's doubles hold the same values; the one
rounding is the final division, the same in every engine. Within the
allowed ids every MOD quotient stays below 2**27, which older Excel versions
require of MOD.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import Rule, checked

__all__ = ["hdr", "hdr_uniforms"]

#: Allowed trial numbers and ids (SPEC): they keep every MOD quotient below 2**27.
TRIAL_RULE = Rule(low=1.0, high=10_000_000.0, whole=True)
ID_RULE = Rule(low=0.0, high=99_999_999.0, whole=True)

# Multipliers of (trial, var_id, entity, seed3, seed4) in the two sums, and
# the constants of the two halves, as published.
_FIRST_MULTIPLIERS = (2499997, 1800451, 2000371, 1796777, 2299603)
_SECOND_MULTIPLIERS = (2246527, 2399993, 2100869, 1918303, 1624729)
_PRIME = 999999999999989
_TWO_TO_32 = 4294967296


def hdr_uniforms(trial, var_id, entity=0, seed3=0, seed4=0) -> np.ndarray:
    """HDR uniforms for ids already checked (whole numbers within the allowed ranges).

    The arithmetic behind :func:`hdr`, without its checking: the Monte Carlo
    functions call it with their own trial numbers. Arguments broadcast;
    returns a float64 array. Large arrays are computed in slices that stay in
    the processor's cache, which makes them several times faster.
    """
    ids = [np.asarray(value, dtype=np.int64) for value in (trial, var_id, entity, seed3, seed4)]
    shape = np.broadcast_shapes(*(values.shape for values in ids))
    size = math.prod(shape)
    if size <= _CHUNK:
        return _uniforms(*(np.broadcast_to(values, shape) for values in ids))
    flat = [np.broadcast_to(values, shape).ravel() if values.ndim else values for values in ids]
    result = np.empty(size)
    for start in range(0, size, _CHUNK):
        part = [values[start : start + _CHUNK] if values.ndim else values for values in flat]
        result[start : start + _CHUNK] = _uniforms(*part)
    return result.reshape(shape)


#: Elements per slice of a large computation.
_CHUNK = 1 << 15


def _uniforms(*ids: np.ndarray) -> np.ndarray:
    """The published formula on int64 arrays of equal shape (or single values), in place."""
    first = _weighted_sum(ids, _FIRST_MULTIPLIERS)
    np.remainder(first, 7450589, out=first)
    first *= 4658
    first += 7450581
    np.remainder(_PRIME, first, out=first)
    first *= 383
    np.remainder(first, 99991, out=first)
    second = _weighted_sum(ids, _SECOND_MULTIPLIERS)
    np.remainder(second, 7450987, out=second)
    second *= 7580
    second += 7560584
    np.remainder(_PRIME, second, out=second)
    second *= 17669
    np.remainder(second, 7440893, out=second)
    first *= 7440893
    first += second
    first *= 1343
    np.remainder(first, _TWO_TO_32, out=first)
    result = first.astype(np.float64)
    result += 0.5
    result /= _TWO_TO_32
    return result


def _weighted_sum(ids, multipliers: tuple[int, ...]) -> np.ndarray:
    """sum of id * multiplier as a new int64 array, skipping ids that are a single zero."""
    total = np.array(ids[0] * multipliers[0], dtype=np.int64)  # a new array, even for one value
    for values, multiplier in zip(ids[1:], multipliers[1:], strict=True):
        if values.ndim or values:
            total += values * multiplier
    return total


@checked(
    "HDR",
    {"trial": TRIAL_RULE, "var_id": ID_RULE, "entity": ID_RULE, "seed3": ID_RULE, "seed4": ID_RULE},
)
def hdr(trial, var_id, entity=0, seed3=0, seed4=0):
    """A uniform random number in (0, 1) from whole-number ids: the HDR generator 2.0.

    The same ids give the same number in Python, in Excel and in LibreOffice
    (see :func:`xlfuncs.templates._formula_builders.hdr` for the worksheet
    formula), with no state and no seed to carry between trials.

    Parameters
    ----------
    trial : int or array_like
        Trial number, a whole number from 1 to 10,000,000.
    var_id : int or array_like
        The variable's id, a whole number from 0 to 99,999,999: each
        uncertain quantity gets its own.
    entity : int or array_like, default 0
        The entity's id (the model, team or organisation), 0 to 99,999,999:
        the same model run for another entity gets other numbers.
    seed3, seed4 : int or array_like, default 0
        Two more free ids, 0 to 99,999,999.

    Returns
    -------
    float or ndarray
        The uniform number(s), strictly between 0 and 1.

    References
    ----------
    D. W. Hubbard, "A multi-dimensional, counter-based pseudo random number
    generator as a standard for Monte Carlo simulations", Proceedings of the
    2019 Winter Simulation Conference, DOI 10.1109/WSC40007.2019.9004773.

    Examples
    --------
    The published check values, trials 1 to 3 of variable 1, entity 1:

    >>> [round(hdr(t, 1, 1), 10) for t in (1, 2, 3)]
    [0.9097355403, 0.7586898016, 0.0798592771]

    A column of trials at once:

    >>> hdr([4, 5], 1, 1).round(10).tolist()
    [0.5203718956, 0.1174664187]
    """
    return hdr_uniforms(trial, var_id, entity, seed3, seed4)
