"""The genai-prices side of the price functions: finding a model and its prices on a day.

The prices come from genai-prices, pydantic's open database of model prices,
installed as an optional extra (``prices``). Only the
snapshot bundled with that package is read: nothing here reaches the network.
A program that starts genai-prices' own ``UpdatePrices`` has asked for fresher
data, and the lookups then follow it.

``genai_prices`` is imported inside the functions, never when xlfuncs is
imported: Excel waits on that import, and loading the price data takes a
noticeable fraction of a second. Each lookup is cached on (model, provider,
day), so only the first call for a name pays. Only long-standing parts of the
genai-prices API are used (the data snapshot, providers, models and their
dated prices), so that versions from 0.0.23 on work.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date

from ._arguments import day_argument, name_argument
from ._errors import InputError, MissingDependencyError, NotFoundError
from ._install import GENAI_PRICES, pip_install

__all__ = [
    "INSTALL_COMMAND",
    "UPGRADE_COMMAND",
    "ModelPrices",
    "PriceSource",
    "lookup_prices",
    "price_source",
]

#: How to install and upgrade genai-prices, for this very Python.
INSTALL_COMMAND = pip_install(GENAI_PRICES)
UPGRADE_COMMAND = pip_install("--upgrade", "genai-prices")

_MINUTES_PER_DAY = 24 * 60


class ModelPrices:
    """One model's list prices on one day, in US dollars per 1,000,000 tokens.

    ``since`` is the day these prices took effect, or ``None`` when they are
    the first the data records for the model. ``tiered``: a price rises above
    some context length, and these are the base-tier prices. ``time_of_day``:
    the provider charges other prices at some hours of the day, and these are
    the prices charged for most of the day. A price the data does not have is
    ``None``. Lookups are cached and share their results: treat them as read-only.
    """

    # Plain classes rather than dataclasses here: this module is imported
    # when Excel starts the function server, and every millisecond shows.
    __slots__ = (
        "as_of",
        "cached_input",
        "input",
        "model",
        "output",
        "provider",
        "since",
        "tiered",
        "time_of_day",
    )

    def __init__(
        self,
        model: str,
        provider: str,
        as_of: date,
        since: date | None,
        input: float | None,
        output: float | None,
        cached_input: float | None,
        tiered: bool = False,
        time_of_day: bool = False,
    ):
        self.model, self.provider, self.as_of, self.since = model, provider, as_of, since
        self.input, self.output, self.cached_input = input, output, cached_input
        self.tiered, self.time_of_day = tiered, time_of_day

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"ModelPrices({fields})"


class PriceSource:
    """Where the prices come from: the genai-prices version and how recent its data is.

    ``newest_change`` is the newest price change in the data that has taken
    effect (today or earlier).
    """

    __slots__ = ("newest_change", "package", "version")

    def __init__(self, package: str, version: str, newest_change: date | None):
        self.package, self.version, self.newest_change = package, version, newest_change

    def __repr__(self) -> str:
        return f"PriceSource({self.package!r}, {self.version!r}, {self.newest_change!r})"


class _Failure:
    """A lookup that found nothing, cached like a result and raised at each call."""

    __slots__ = ("argument", "error", "text")

    def __init__(self, error: type[InputError], argument: str, text: str):
        self.error, self.argument, self.text = error, argument, text


class _Data:
    """The price data snapshot the cached lookups were made from."""

    snapshot: object = None


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
    import difflib  # only on this error: keeps importing the Excel functions light

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
    (Azure's to OpenAI's, Google's to Anthropic's, ...), then an exact id."""
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


def lookup_prices(
    model: str, provider: str | None = None, as_of: object = None, *, function: str = "MODEL_PRICE"
) -> ModelPrices:
    """All list prices of ``model`` on ``as_of`` (default today); see :func:`model_price`.

    ``function`` is the Excel name used in messages.
    """
    name = name_argument(function, "model", model, required=True)
    seller = name_argument(function, "provider", provider, required=False)
    day = day_argument(function, as_of)
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
