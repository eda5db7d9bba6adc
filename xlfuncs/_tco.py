"""Total cost of ownership over a horizon of months, with growth and discounting."""

from __future__ import annotations

import numpy as np

from ._validation import checked

__all__ = ["discounted_month_sums", "tco"]


def discounted_month_sums(months, monthly_growth, annual_discount_rate):
    """The two discount factors of TCO, summed in closed form.

    Returns ``(volume_factor, fixed_factor)`` where

    * ``volume_factor = sum over m = 1..months of (1 + g) ** (m - 1) / (1 + r) ** m``
    * ``fixed_factor  = sum over m = 1..months of 1 / (1 + r) ** m``

    with ``g = monthly_growth`` and ``r = (1 + annual_discount_rate) ** (1/12) - 1``.
    Both are geometric series ``v * (q**n - 1) / (q - 1)``; writing
    ``q = exp(L)`` and using ``expm1`` keeps them accurate when growth and
    discount nearly cancel (``q`` close to 1), where the textbook form loses
    every digit. No months axis is built, so arrays of any size cost the same
    few operations per element.

    Arguments are checked float arrays (this is the arithmetic behind
    :func:`tco`, also used by the Monte Carlo functions).

    Examples
    --------
    Twelve months, volume growing 10 % a month, no discounting: the volume
    factor is ``1 + 1.1 + ... + 1.1 ** 11 = (1.1 ** 12 - 1) / 0.1``:

    >>> volume, fixed = discounted_month_sums(12.0, 0.1, 0.0)
    >>> round(float(volume), 9), round(float(fixed), 9)
    (21.384283767, 12.0)

    A 10 % annual discount rate: ``1.1 ** (-1/12) + 1.1 ** (-2/12) + ... + 1.1 ** -1``:

    >>> round(float(discounted_month_sums(12.0, 0.0, 0.1)[1]), 9)
    11.400487829
    """
    log_discount = np.log1p(annual_discount_rate) / 12.0  # ln(1 + r)
    first_month = np.exp(-log_discount)  # 1 / (1 + r)
    volume = first_month * _geometric_sum(months, np.log1p(monthly_growth) - log_discount)
    fixed = first_month * _geometric_sum(months, -log_discount)
    return volume, fixed


def _geometric_sum(n, log_ratio):
    """sum over k = 0..n-1 of exp(log_ratio) ** k, exact at log_ratio == 0."""
    log_ratio = np.asarray(log_ratio, dtype=np.float64)
    flat = log_ratio == 0.0
    safe = np.where(flat, 1.0, log_ratio)
    return np.where(flat, n, np.expm1(n * safe) / np.expm1(safe))


@checked("TCO")
def tco(
    tasks_per_month,
    cost_per_task,
    accuracy,
    cost_per_error,
    upfront=0.0,
    monthly_fixed=0.0,
    months=12.0,
    monthly_growth=0.0,
    annual_discount_rate=0.0,
):
    """Total cost of ownership of an AI option over ``months`` months.

    .. math::

        upfront + \\sum_{m=1}^{months} \\frac{tasks\\_per\\_month \\, (1 + g)^{m-1}
        \\, (cost\\_per\\_task + (1 - accuracy) \\, cost\\_per\\_error)
        + monthly\\_fixed}{(1 + r)^m}

    where ``g`` is ``monthly_growth`` and ``r = (1 + annual_discount_rate) ** (1/12) - 1``.

    Timing: month ``m``'s costs fall at the end of month ``m`` and are divided
    by ``(1 + r) ** m``, as Excel's ``NPV`` does; ``upfront`` falls at time 0
    and is not discounted. Volume grows from month 2 on: month 1 has
    ``tasks_per_month`` tasks.

    Parameters
    ----------
    tasks_per_month : float or array_like
        Tasks in the first month (>= 0).
    cost_per_task : float or array_like
        Money per task: tokens or GPU time, see :func:`token_cost` and
        :func:`selfhost_cost` (>= 0).
    accuracy : float or array_like
        Share of tasks done right, 0 to 1.
    cost_per_error : float or array_like
        Money per wrong result (>= 0); use :func:`error_cost` per task and
        ``accuracy=1`` for caught and uncaught errors at different costs.
    upfront : float or array_like, default 0
        One-off build at time 0: validation loops, retrieval pipeline,
        evaluation harness (>= 0).
    monthly_fixed : float or array_like, default 0
        Maintenance, hosting and licences per month (>= 0).
    months : int or array_like, default 12
        Horizon in whole months, 1 to 600.
    monthly_growth : float or array_like, default 0
        Monthly growth of the task volume, compounding (> -1 and <= 1).
    annual_discount_rate : float or array_like, default 0
        Effective annual discount rate (> -1 and <= 1).

    Returns
    -------
    float or ndarray
        Money: the present value of all costs over the horizon.

    References
    ----------
    Microsoft, "NPV function" (end-of-period timing of cash flows).

    Examples
    --------
    1,000 tasks a month at 0.01 each, 95 % accurate, 2.00 per error, one year:
    ``12 * 1000 * (0.01 + 0.05 * 2)``:

    >>> round(tco(1000, 0.01, 0.95, 2.0), 6)
    1320.0

    With a 50,000 build, 10 % monthly growth and a 10 % discount rate:

    >>> round(tco(1000, 0.01, 0.95, 2.0, upfront=50_000, monthly_growth=0.1,
    ...           annual_discount_rate=0.1), 2)
    52215.06
    """
    volume, fixed = discounted_month_sums(months, monthly_growth, annual_discount_rate)
    per_month = tasks_per_month * (cost_per_task + (1.0 - accuracy) * cost_per_error)
    return upfront + _present_value(per_month, volume) + _present_value(monthly_fixed, fixed)


def _present_value(amount, factor):
    """amount * factor, where a zero amount stays zero even if the factor overflowed to inf."""
    return np.where(amount == 0.0, 0.0, amount * factor)
