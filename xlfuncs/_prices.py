"""List prices of AI models by name and date, from the genai-prices database.

The prices come from genai-prices, pydantic's open database of model prices,
installed as an optional extra (``pip install "xlfuncs[prices]"``). Only the
snapshot bundled with that package is read: nothing here reaches the network.
A program that starts genai-prices' own ``UpdatePrices`` has asked for fresher
data, and the lookups then follow it.

``genai_prices`` is imported inside the functions, never when xlfuncs is
imported: Excel waits on that import, and loading the price data takes a
noticeable fraction of a second. Each lookup is cached on (model, provider,
day), so only the first call for a name pays.
"""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

import numpy as np

from ._errors import InputError, MissingDependencyError, NotFoundError
from ._unit_costs import token_cost
from ._validation import RULES, checked

__all__ = [
    "INSTALL_COMMAND",
    "KINDS",
    "UPGRADE_COMMAND",
    "ModelPrices",
    "PriceSource",
    "excel_date",
    "lookup_prices",
    "model_price",
    "model_token_cost",
    "price_source",
]

INSTALL_COMMAND = 'pip install "xlfuncs[prices]"'
UPGRADE_COMMAND = "pip install --upgrade genai-prices"

#: The prices a model may have, and how messages name them.
KINDS = {"input": "input", "output": "output", "cached_input": "cache-read"}

# Excel's 1900 date system: serial 1 is 1 January 1900, and serial 60 is a
# 29 February 1900 that never was (kept for Lotus 1-2-3), so from serial 61
# (1 March 1900) on, serial n is n days after 30 December 1899.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_PHANTOM_LEAP_DAY = 60
_EXCEL_LAST_SERIAL = 2958465  # 31 December 9999
_MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class ModelPrices:
    """One model's list prices on one day, in US dollars per 1,000,000 tokens.

    ``since`` is the day these prices took effect, or ``None`` when they are
    the first the data records for the model. ``tiered``: a price rises above
    some context length, and these are the base-tier prices. ``time_of_day``:
    the provider charges other prices at some hours of the day, and these are
    the prices charged for most of the day. A price the data does not have is ``None``.
    """

    model: str
    provider: str
    as_of: date
    since: date | None
    input: float | None
    output: float | None
    cached_input: float | None
    tiered: bool = False
    time_of_day: bool = False


@dataclass(frozen=True)
class PriceSource:
    """Where the prices come from: the genai-prices version and how recent its data is."""

    package: str
    version: str
    #: The newest price change in the data that has taken effect (today or earlier).
    newest_change: date | None


class _Failure(NamedTuple):
    """A lookup that found nothing, cached like a result and raised at each call."""

    error: type[InputError]
    argument: str
    text: str


class _Data:
    """The price data snapshot the cached lookups were made from."""

    snapshot: object = None


# ---------------------------------------------------------------------------
# Arguments


def _describe(value: object) -> str:
    if isinstance(value, (list, tuple, np.ndarray)):
        return "a range of cells"
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return f"the text {value!r}"
    return repr(value)


def _name(function: str, argument: str, value: object, *, required: bool) -> str | None:
    """A model or provider name: text, blanks and surrounding spaces removed."""
    if isinstance(value, str):
        value = value.strip() or None
    if value is None:
        if required:
            raise InputError(
                f"{function}: {argument} is required, got a blank",
                function=function,
                argument=argument,
            )
        return None
    if not isinstance(value, str):
        raise InputError(
            f"{function}: {argument} must be a name (text) in one cell, got {_describe(value)}",
            function=function,
            argument=argument,
        )
    return value


def _kind(function: str, value: object) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return "output"
    if isinstance(value, str):
        key = value.strip().lower().replace(" ", "_").replace("-", "_")
        if key in KINDS:
            return key
    allowed = ", ".join(f'"{k}"' for k in KINDS)
    raise InputError(
        f"{function}: kind must be one of {allowed}, got {_describe(value)}",
        function=function,
        argument="kind",
    )


def excel_date(serial: float) -> date:
    """The day of an Excel date serial number (1900 date system; a time of day is dropped).

    >>> excel_date(45658), excel_date(61), excel_date(1)
    (datetime.date(2025, 1, 1), datetime.date(1900, 3, 1), datetime.date(1900, 1, 1))
    """
    if not math.isfinite(serial) or not 1 <= serial < _EXCEL_LAST_SERIAL + 1:
        raise ValueError(f"{serial} is not an Excel date (1 to {_EXCEL_LAST_SERIAL})")
    day = math.floor(serial)
    if day == _EXCEL_PHANTOM_LEAP_DAY:
        raise ValueError("60 is 29 February 1900, a day Excel counts that never existed")
    if day < _EXCEL_PHANTOM_LEAP_DAY:
        day += 1
    return _EXCEL_EPOCH + timedelta(days=day)


def _day(function: str, value: object) -> date:
    """``as_of`` as a day: blank is today; a date, a datetime, an Excel serial or ISO text."""
    if isinstance(value, str):
        value = value.strip() or None
    if value is None:
        return date.today()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    problem = ""
    try:
        if isinstance(value, str):
            return date.fromisoformat(value)
        if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
            value, (bool, np.bool_)
        ):
            return excel_date(float(value))
    except ValueError as error:
        problem = f": {error}" if not isinstance(value, str) else ""
    raise InputError(
        f"{function}: as_of must be a date (a date cell, an Excel date number or text like "
        f"2025-06-30), got {_describe(value)}{problem}",
        function=function,
        argument="as_of",
    )


# ---------------------------------------------------------------------------
# The price data


def _snapshot(function: str) -> object:
    """genai-prices' current data snapshot; the cache is dropped if it changed."""
    try:
        import genai_prices
    except ImportError as error:
        raise MissingDependencyError(
            f"{function}: model prices need the optional genai-prices package; "
            f"install it with: {INSTALL_COMMAND}"
        ) from error
    try:
        from genai_prices import data_snapshot
    except ImportError as error:  # versions before 0.0.23
        raise MissingDependencyError(
            f"{function}: genai-prices {getattr(genai_prices, '__version__', '')} is too old for "
            f"model prices; upgrade it with: {UPGRADE_COMMAND}"
        ) from error
    snapshot = data_snapshot.get_snapshot()
    if snapshot is not _Data.snapshot:
        _resolve.cache_clear()
        _newest_change.cache_clear()
        _Data.snapshot = snapshot
    return snapshot


def _closest(name: str, known: Iterable[str]) -> str:
    """``; closest known names: ...`` for a message, from the names the data knows."""
    by_lower: dict[str, str] = {}
    for candidate in known:
        by_lower.setdefault(candidate.lower(), candidate)
    matches = difflib.get_close_matches(name.lower(), list(by_lower), n=3, cutoff=0.6)
    if not matches:
        return "; no similar name in the price data"
    return "; closest known names: " + ", ".join(by_lower[m] for m in matches)


def _listing(providers: list) -> str:
    return ", ".join(p.id for p in providers[:6]) + (", ..." if len(providers) > 6 else "")


def _by_id(provider, model: str):
    """The provider's model whose id is exactly ``model`` (any case), if any."""
    return next((m for m in provider.models if m.id.lower() == model), None)


def _model_at(provider, providers: list, model: str):
    """The provider's entry for ``model``: its own list, then the lists it defers to
    (Azure's to OpenAI's, AWS's to Anthropic's, ...), then an exact id."""
    info = provider.find_model(model)
    for other_id in getattr(provider, "fallback_model_providers", None) or ():
        if info is not None:
            break
        other = next((p for p in providers if p.id == other_id), None)
        info = other.find_model(model) if other is not None else None
    return info or _by_id(provider, model)


def _find(snapshot, model: str, provider: str | None):
    """(provider, model) from the data, or a _Failure saying what is wrong."""
    from genai_prices.data_snapshot import find_provider_by_id

    providers = snapshot.providers
    if provider is not None:
        found = find_provider_by_id(providers, provider)
        if found is None:
            return _Failure(
                NotFoundError,
                "provider",
                f"unknown provider {provider!r}" + _closest(provider, (p.id for p in providers)),
            )
        info = _model_at(found, providers, model)
        if info is not None:
            return found, info
        hosts = [p for p in providers if p.find_model(model) is not None]
        text = f"provider {found.id!r} has no model {model!r} in the price data"
        if hosts:
            return _Failure(NotFoundError, "model", f"{text}; it is listed under {_listing(hosts)}")
        lists = [found.id, *(getattr(found, "fallback_model_providers", None) or ())]
        names = (m.id for p in providers if p.id in lists for m in p.models)
        return _Failure(NotFoundError, "model", text + _closest(model, names))
    try:
        return snapshot.find_provider_model(model, None, None, None)
    except LookupError:
        pass  # no provider claims the name: look for it in every provider's list
    hosts = [p for p in providers if p.find_model(model) is not None]
    if len(hosts) == 1:
        return hosts[0], hosts[0].find_model(model)
    if not hosts:  # a few entries' match rules miss their own id
        hosts = [p for p in providers if _by_id(p, model) is not None]
        if len(hosts) == 1:
            return hosts[0], _by_id(hosts[0], model)
    if hosts:
        return _Failure(
            InputError,
            "provider",
            f"model {model!r} is listed by several providers ({_listing(hosts)}): "
            "give one as provider",
        )
    names = (m.id for p in providers for m in p.models)
    return _Failure(NotFoundError, "model", f"unknown model {model!r}" + _closest(model, names))


def _amount(price: object) -> tuple[float | None, bool]:
    """A stored price as a float, and whether it has context-length tiers (base tier taken)."""
    if price is None:
        return None, False
    base = getattr(price, "base", None)
    if base is not None:
        return float(base), True
    return float(price), False


def _window_minutes(constraint) -> int:
    """Length of a daily time window in minutes (it may run past midnight)."""
    start = constraint.start_time.hour * 60 + constraint.start_time.minute
    end = constraint.end_time.hour * 60 + constraint.end_time.minute
    return (end - start) % _MINUTES_PER_DAY or _MINUTES_PER_DAY


def _most_of_the_day(windows: list, base: object) -> object:
    """Of the prices of some hours (``windows``) and the rest (``base``), the one charged
    for most of the day."""
    minutes: list[list] = []  # [prices, minutes] pairs; prices compare by value
    for window in windows:
        for pair in minutes:
            if pair[0] == window.prices:
                pair[1] += _window_minutes(window.constraint)
                break
        else:
            minutes.append([window.prices, _window_minutes(window.constraint)])
    base_minutes = _MINUTES_PER_DAY - sum(m for _, m in minutes)
    prices, longest = max(minutes, key=lambda pair: pair[1])
    return prices if longest > base_minutes else base


def _prices_on(provider, model, day: date) -> ModelPrices:
    """The model's prices on ``day``, by genai-prices' rule (the last entry in effect wins).

    Entries that apply at some hours of the day only (DeepSeek's peak and
    off-peak prices) are set aside: the price is the one charged for most of
    the day.
    """
    entries = model.prices
    if not isinstance(entries, list):
        chosen, since, windows = entries, None, []
    else:
        windows = [e for e in entries if hasattr(e.constraint, "start_time")]
        chosen, since = entries[0].prices, None  # before every dated entry: the first
        for entry in reversed(entries):
            start = getattr(entry.constraint, "start_date", None)
            if entry.constraint is None or (start is not None and start <= day):
                chosen, since = entry.prices, start
                break
        if windows:
            hourly = _most_of_the_day(windows, chosen)
            if hourly is not chosen:
                chosen, since = hourly, None
    time_of_day = bool(windows)
    values = {
        kind: _amount(getattr(chosen, key, None))
        for kind, key in [
            ("input", "input_mtok"),
            ("output", "output_mtok"),
            ("cached_input", "cache_read_mtok"),
        ]
    }
    return ModelPrices(
        model=model.id,
        provider=provider.id,
        as_of=day,
        since=since,
        input=values["input"][0],
        output=values["output"][0],
        cached_input=values["cached_input"][0],
        tiered=any(tiered for _, tiered in values.values()),
        time_of_day=time_of_day,
    )


@functools.lru_cache(maxsize=4096)
def _resolve(model: str, provider: str | None, day: date) -> ModelPrices | _Failure:
    found = _find(_Data.snapshot, model, provider)
    if isinstance(found, _Failure):
        return found
    return _prices_on(*found, day)


@functools.lru_cache(maxsize=64)
def _newest_change(today: date) -> date | None:
    starts = [
        start
        for provider in _Data.snapshot.providers
        for model in provider.models
        if isinstance(model.prices, list)
        for entry in model.prices
        if (start := getattr(entry.constraint, "start_date", None)) is not None and start <= today
    ]
    return max(starts, default=None)


# ---------------------------------------------------------------------------
# Public functions


def lookup_prices(
    model: str, provider: str | None = None, as_of: object = None, *, function: str = "MODEL_PRICE"
) -> ModelPrices:
    """All list prices of ``model`` on ``as_of`` (default today); see :func:`model_price`.

    ``function`` is the Excel name used in messages.
    """
    name = _name(function, "model", model, required=True)
    seller = _name(function, "provider", provider, required=False)
    day = _day(function, as_of)
    _snapshot(function)
    found = _resolve(name.lower(), seller.lower() if seller else None, day)
    if isinstance(found, _Failure):
        raise found.error(f"{function}: {found.text}", function=function, argument=found.argument)
    return found


def price_source() -> PriceSource:
    """The genai-prices version in use, and the newest price change in its data that has
    taken effect by today (the data may also hold announced changes to come)."""
    from importlib.metadata import PackageNotFoundError, version

    _snapshot("prices")
    try:
        installed = version("genai-prices")
    except PackageNotFoundError:  # pragma: no cover - imported but not installed as a package
        installed = "unknown"
    return PriceSource("genai-prices", installed, _newest_change(date.today()))


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
    which = _kind("MODEL_PRICE", kind)
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
