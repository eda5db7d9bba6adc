"""Gross margins, and how token price cuts race them to zero."""

from __future__ import annotations

import numpy as np

from ._validation import POSITIVE, checked

__all__ = ["margin", "margin_path", "years_to_zero_margin"]


@checked("MARGIN")
def margin(price, cost):
    """Gross margin ``(price - cost) / price``.

    Parameters
    ----------
    price : float or array_like
        Money charged per unit (> 0).
    cost : float or array_like
        Money it costs to serve that unit (>= 0).

    Returns
    -------
    float or ndarray
        A fraction: 0.6 is a 60 % margin; negative when cost exceeds price.

    Examples
    --------
    >>> margin(10, 4)
    0.6
    """
    return (price - cost) / price


@checked("MARGIN_PATH", scalar_only=True)
def margin_path(price, cost, annual_price_change, annual_cost_change, years):
    """Gross margin in each year t = 0..years as price and cost change yearly.

    .. math::

        margin_t = MARGIN(price (1 + annual\\_price\\_change)^t,\\;
        cost (1 + annual\\_cost\\_change)^t)

    Parameters
    ----------
    price : float
        Money charged per unit today (> 0).
    cost : float
        Money to serve that unit today (>= 0).
    annual_price_change, annual_cost_change : float
        Yearly change, compounding (> -1 and <= 1; -0.5 means it halves each year).
    years : int
        Whole number of years, 1 to 100.

    Returns
    -------
    ndarray
        ``years + 1`` margins (fractions), year 0 first; Excel shows a column.

    Examples
    --------
    Prices halve each year while costs fall 20 %:

    >>> margin_path(10, 4, -0.5, -0.2, 3).round(4).tolist()
    [0.6, 0.36, -0.024, -0.6384]
    """
    t = np.arange(int(years) + 1, dtype=np.float64)
    return margin.__wrapped__(
        price * (1.0 + annual_price_change) ** t, cost * (1.0 + annual_cost_change) ** t
    )


@checked("YEARS_TO_ZERO_MARGIN", {"cost": POSITIVE})
def years_to_zero_margin(price, cost, annual_price_change, annual_cost_change):
    """Years until the gross margin reaches zero.

    .. math::

        \\frac{\\ln(cost / price)}{\\ln((1 + annual\\_price\\_change)
        / (1 + annual\\_cost\\_change))}

    Time is continuous (1.5 is halfway through the second year). 0 when the
    cost already meets or exceeds the price. NaN (Excel ``#N/A``) when the
    margin never reaches zero, because prices do not fall faster than costs.

    Parameters
    ----------
    price : float or array_like
        Money charged per unit today (> 0).
    cost : float or array_like
        Money to serve that unit today (> 0).
    annual_price_change, annual_cost_change : float or array_like
        Yearly change, compounding (> -1 and <= 1).

    Returns
    -------
    float or ndarray
        Years.

    Examples
    --------
    Prices halve each year, costs fall 20 %: ``ln(0.4) / ln(0.5 / 0.8)``:

    >>> round(years_to_zero_margin(10, 4, -0.5, -0.2), 6)
    1.94954
    """
    log_cost_ratio = np.log(cost / price)
    log_drift = np.log1p(annual_price_change) - np.log1p(annual_cost_change)
    already = log_cost_ratio >= 0.0
    reaches = log_drift < 0.0
    years = log_cost_ratio / np.where(reaches, log_drift, -1.0)
    return np.where(already, 0.0, np.where(reaches, years, np.nan))
