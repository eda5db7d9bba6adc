"""Break-even points between an efficient option and a frontier one.

Each function returns the exact solution of its equation, unclamped: a value
outside the meaningful range (an accuracy above 1, a negative volume) means
that no break-even is reachable. Where the equation divides by zero the
result is NaN (Excel shows ``#DIV/0!``).
"""

from __future__ import annotations

import numpy as np

from ._validation import POSITIVE, checked

__all__ = ["breakeven_accuracy", "breakeven_error_cost", "breakeven_volume"]


def _divide(numerator, denominator):
    """numerator / denominator, NaN where the denominator is zero (never inf)."""
    denominator = np.asarray(denominator, dtype=np.float64)
    zero = denominator == 0.0
    return np.where(zero, np.nan, numerator / np.where(zero, 1.0, denominator))


def _frontier_premium(
    efficient_cost_per_task,
    frontier_cost_per_task,
    efficient_monthly_fixed,
    frontier_monthly_fixed,
    tasks_per_month,
):
    """How much more the frontier option costs per task, fixed costs spread over the volume."""
    fixed_gap = (frontier_monthly_fixed - efficient_monthly_fixed) / tasks_per_month
    return frontier_cost_per_task - efficient_cost_per_task + fixed_gap


@checked(
    "BREAKEVEN_ACCURACY",
    {"cost_per_error": POSITIVE, "tasks_per_month": POSITIVE},
)
def breakeven_accuracy(
    efficient_cost_per_task,
    frontier_cost_per_task,
    frontier_accuracy,
    cost_per_error,
    efficient_monthly_fixed=0.0,
    frontier_monthly_fixed=0.0,
    tasks_per_month=1.0,
):
    """Accuracy the efficient option needs to cost no more than the frontier option.

    .. math::

        frontier\\_accuracy - \\frac{frontier\\_cost\\_per\\_task
        - efficient\\_cost\\_per\\_task + (frontier\\_monthly\\_fixed
        - efficient\\_monthly\\_fixed) / tasks\\_per\\_month}{cost\\_per\\_error}

    Both options' monthly cost is ``tasks * (cost_per_task + (1 - accuracy)
    * cost_per_error) + monthly_fixed``; the result is the efficient
    accuracy at which the two are equal. It is not clamped: above 1 the
    efficient option loses at any accuracy; at or below 0 it wins at any
    accuracy.

    Parameters
    ----------
    efficient_cost_per_task, frontier_cost_per_task : float or array_like
        Money per task of each option (>= 0).
    frontier_accuracy : float or array_like
        The frontier option's accuracy, 0 to 1.
    cost_per_error : float or array_like
        Money per wrong result, the same for both options (> 0).
    efficient_monthly_fixed, frontier_monthly_fixed : float or array_like, default 0
        Fixed money per month of each option (>= 0), e.g. the upkeep of the
        scaffolding that the efficient option needs.
    tasks_per_month : float or array_like, default 1
        Tasks per month over which fixed costs spread (> 0).

    Returns
    -------
    float or ndarray
        An accuracy (a fraction), possibly outside 0 to 1.

    Examples
    --------
    Efficient 0.002 per task, frontier 0.05 per task and 99 % accurate, an
    error costs 10: ``0.99 - (0.05 - 0.002) / 10``:

    >>> round(breakeven_accuracy(0.002, 0.05, 0.99, 10), 10)
    0.9852
    """
    premium = _frontier_premium(
        efficient_cost_per_task,
        frontier_cost_per_task,
        efficient_monthly_fixed,
        frontier_monthly_fixed,
        tasks_per_month,
    )
    return frontier_accuracy - premium / cost_per_error


@checked("BREAKEVEN_ERROR_COST", {"tasks_per_month": POSITIVE})
def breakeven_error_cost(
    efficient_cost_per_task,
    efficient_accuracy,
    frontier_cost_per_task,
    frontier_accuracy,
    efficient_monthly_fixed=0.0,
    frontier_monthly_fixed=0.0,
    tasks_per_month=1.0,
):
    """Cost per error above which the frontier option is cheaper overall.

    .. math::

        \\frac{frontier\\_cost\\_per\\_task - efficient\\_cost\\_per\\_task
        + (frontier\\_monthly\\_fixed - efficient\\_monthly\\_fixed)
        / tasks\\_per\\_month}{frontier\\_accuracy - efficient\\_accuracy}

    Not clamped: a negative result means that no cost per error makes the
    frontier option cheaper (or that it is cheaper at any, when it is both
    cheaper and more accurate). NaN (``#DIV/0!``) when the two accuracies are
    equal.

    Parameters
    ----------
    efficient_cost_per_task, frontier_cost_per_task : float or array_like
        Money per task of each option (>= 0).
    efficient_accuracy, frontier_accuracy : float or array_like
        Each option's accuracy, 0 to 1.
    efficient_monthly_fixed, frontier_monthly_fixed : float or array_like, default 0
        Fixed money per month of each option (>= 0).
    tasks_per_month : float or array_like, default 1
        Tasks per month over which fixed costs spread (> 0).

    Returns
    -------
    float or ndarray
        Money per error.

    Examples
    --------
    The essay's case: 0.001 per answer at 95 % against 50 per answer at 99 %:
    ``(50 - 0.001) / (0.99 - 0.95)``:

    >>> round(breakeven_error_cost(0.001, 0.95, 50, 0.99), 6)
    1249.975
    """
    premium = _frontier_premium(
        efficient_cost_per_task,
        frontier_cost_per_task,
        efficient_monthly_fixed,
        frontier_monthly_fixed,
        tasks_per_month,
    )
    return _divide(premium, frontier_accuracy - efficient_accuracy)


@checked("BREAKEVEN_VOLUME")
def breakeven_volume(a_cost_per_task, a_monthly_fixed, b_cost_per_task, b_monthly_fixed):
    """Tasks per month at which options A and B cost the same.

    .. math::

        \\frac{a\\_monthly\\_fixed - b\\_monthly\\_fixed}{b\\_cost\\_per\\_task
        - a\\_cost\\_per\\_task}

    Typically A is self-hosted (high fixed cost, low cost per task) and B an
    API (no fixed cost, higher cost per task): above the result A is cheaper.
    Not clamped: negative means the lines never cross at a positive volume.
    NaN (``#DIV/0!``) when the costs per task are equal.

    Parameters
    ----------
    a_cost_per_task, b_cost_per_task : float or array_like
        Money per task of each option (>= 0).
    a_monthly_fixed, b_monthly_fixed : float or array_like
        Fixed money per month of each option (>= 0).

    Returns
    -------
    float or ndarray
        Tasks per month.

    Examples
    --------
    A GPU server at 6,000 a month and 0.001 per task against an API at 0.013
    per task: ``6000 / 0.012``:

    >>> round(breakeven_volume(0.001, 6000, 0.013, 0), 6)
    500000.0
    """
    return _divide(a_monthly_fixed - b_monthly_fixed, b_cost_per_task - a_cost_per_task)
