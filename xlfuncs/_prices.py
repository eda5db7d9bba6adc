"""List prices of AI models by name and date, and the cost of a task at those prices.

The lookups and the price data are in :mod:`xlfuncs._price_data`; this module
holds the public functions, which Excel calls through :mod:`xlfuncs.udfs`.
Nothing here imports genai-prices until a function is called.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from ._arguments import KINDS, kind_argument
from ._errors import NotFoundError
from ._price_data import lookup_prices
from ._unit_costs import token_cost
from ._validation import RULES, checked

__all__ = ["model_price", "model_token_cost"]


def _excel_facts(name: str, numeric: Iterable[str] = ()) -> Callable:
    """Give a lookup function what the Excel layer reads: its Excel name and numeric rules."""

    def decorate(function: Callable) -> Callable:
        function.excel_name = name
        function.rules = {n: RULES[n] for n in numeric}
        return function

    return decorate


@_excel_facts("MODEL_PRICE")
def model_price(model, kind="output", provider=None, as_of=None):
    """List price of a model per 1,000,000 tokens, on a date, from genai-prices.

    The price is the provider's standard list price in US dollars per
    1,000,000 tokens, as in genai-prices' bundled price data (``pip install
    "xlfuncs[prices]"``). Where the price rises above some context length,
    this is the base-tier price; where it depends on the hour of the day, the
    price charged for most of the day; batch, flex and priority service tiers
    are not used.

    Parameters
    ----------
    model : str
        Model name as the provider's API spells it, e.g. ``"gpt-4o"`` or
        ``"claude-3-5-sonnet"``; case and surrounding spaces do not matter,
        and dated names (``"gpt-4o-2024-08-06"``) match as genai-prices
        matches them.
    kind : {"output", "input", "cached_input"}, default "output"
        Which price: output tokens, input tokens, or input tokens read from the
        prompt cache (the cache-read price).
    provider : str, optional
        Whose list price, e.g. ``"openai"``, ``"azure"``, ``"anthropic"``,
        ``"aws"``; by default the provider genai-prices finds for the name.
    as_of : date, datetime, float or str, optional
        The day of the price: a date, an Excel date serial number (1900 date
        system) or ISO text such as ``"2025-06-30"``; default today.

    Returns
    -------
    float
        US dollars per 1,000,000 tokens.

    Raises
    ------
    NotFoundError
        The price data does not know the model or the provider, or has no
        price of this kind for the model (Excel: ``#N/A``). The message names
        the closest known names.
    InputError
        A blank or non-text model, an unknown kind, a date that is not one, or
        a name that several providers list (give a provider).
    MissingDependencyError
        genai-prices is not installed.

    See Also
    --------
    model_token_cost : the cost of a task at these prices.

    Examples
    --------
    OpenAI cut o3's prices by 80 % on 10 June 2025; the data keeps both:

    >>> from datetime import date
    >>> model_price("o3", "input", provider="openai", as_of=date(2025, 6, 9))
    10.0
    >>> model_price("o3", "input", provider="openai", as_of=date(2025, 6, 10))
    2.0

    Today's prices depend on the genai-prices version installed:

    >>> model_price("gpt-4o", "input")  # doctest: +SKIP
    2.5
    >>> model_price("gpt-4o")  # doctest: +SKIP
    10.0

    A misspelled name is an error, never a price of zero:

    >>> model_price("gtp-4o")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    xlfuncs._errors.NotFoundError: MODEL_PRICE: unknown model 'gtp-4o'; closest known names: ...
    """
    which = kind_argument("MODEL_PRICE", kind)
    prices = lookup_prices(model, provider, as_of, function="MODEL_PRICE")
    value = getattr(prices, which)
    if value is None:
        raise NotFoundError(
            f"MODEL_PRICE: the price data has no {KINDS[which]} price for {prices.model} "
            f"({prices.provider})",
            function="MODEL_PRICE",
            argument="kind",
        )
    return value


# TOKEN_COST's arithmetic, checked under this function's name so messages name it.
_priced_token_cost = checked("MODEL_TOKEN_COST")(token_cost.__wrapped__)


@_excel_facts(
    "MODEL_TOKEN_COST",
    ["input_tokens", "output_tokens", "reasoning_tokens", "calls", "cached_share"],
)
def model_token_cost(
    model,
    input_tokens,
    output_tokens,
    reasoning_tokens=0.0,
    calls=1.0,
    cached_share=0.0,
    provider=None,
    as_of=None,
):
    """Cost of one task through a metered API, at the model's own list prices.

    :func:`token_cost` with the input, output and cache-read prices of
    ``model`` on ``as_of`` (see :func:`model_price`):

    .. math::

        calls \\times \\frac{input\\_tokens \\times ((1 - cached\\_share) \\times input\\_price
        + cached\\_share \\times cached\\_price) + (output\\_tokens + reasoning\\_tokens)
        \\times output\\_price}{10^6}

    Parameters
    ----------
    model : str
        Model name, as for :func:`model_price`.
    input_tokens, output_tokens : float or array_like
        Tokens sent to and generated by the model in one call (counts, >= 0).
    reasoning_tokens : float or array_like, default 0
        Hidden reasoning tokens per call; they bill as output tokens.
    calls : float or array_like, default 1
        Average model calls per task (agent loops, retries, validation passes).
    cached_share : float or array_like, default 0
        Share of input tokens read from the prompt cache (0 to 1), billed at
        the model's cache-read price.
    provider : str, optional
        Whose list prices; by default the provider genai-prices finds.
    as_of : date, datetime, float or str, optional
        The day of the prices; default today.

    Returns
    -------
    float or ndarray
        US dollars per task; the broadcast shape of the numeric arguments.

    Raises
    ------
    NotFoundError
        Unknown model or provider, a model without input or output prices, or
        a cached share above 0 for a model without a cache-read price.
    InputError
        A number out of range, or a bad name or date (see :func:`model_price`).

    Examples
    --------
    A task of 1,000 input and 500 output tokens on o3 in May 2025, at 10.00
    and 40.00 per 1M tokens:

    >>> from datetime import date
    >>> round(model_token_cost("o3", 1000, 500, provider="openai", as_of=date(2025, 5, 1)), 10)
    0.03
    """
    prices = lookup_prices(model, provider, as_of, function="MODEL_TOKEN_COST")
    for kind in ("input", "output"):
        if getattr(prices, kind) is None:
            raise NotFoundError(
                f"MODEL_TOKEN_COST: the price data has no {kind} price for {prices.model} "
                f"({prices.provider})",
                function="MODEL_TOKEN_COST",
                argument="model",
            )
    cached_price = prices.cached_input
    cost = _priced_token_cost(
        input_tokens,
        output_tokens,
        prices.input,
        prices.output,
        reasoning_tokens,
        calls,
        cached_share,
        prices.input if cached_price is None else cached_price,
    )
    # The checked call above has accepted cached_share, so it converts cleanly.
    if cached_price is None and cached_share is not None and np.any(np.asarray(cached_share) > 0):
        raise NotFoundError(
            f"MODEL_TOKEN_COST: the price data has no cache-read price for {prices.model} "
            f"({prices.provider}); set cached_share to 0, or use TOKEN_COST with your own "
            "cached_price",
            function="MODEL_TOKEN_COST",
            argument="cached_share",
        )
    return cost
