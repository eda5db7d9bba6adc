"""The currency of a workbook: its ISO 4217 code, and the US-dollar rate of model list prices.

Every template workbook is written in one currency, named on its Inputs
sheet by its ISO 4217 code (default ``USD``); every money label, unit, axis
title and number format shows that code. The template modules write a
money unit with the generic currency sign ``¤`` (``"¤ per task"``) and
money number formats as :data:`MONEY` does; :func:`in_currency` puts the
code in its place when the workbook is written.

Model list prices are US dollars. A workbook in another currency holds the
US-dollar rate (units of its currency that one US dollar buys), its date and
its source, and converts each list price by a visible formula.
:func:`ecb_rate` gives the European Central Bank reference rate of a day
from the data the ``currencyconverter`` package embeds (no network).

The codes allowed are those of :data:`CURRENCIES`: the active currency codes
of ISO 4217 list one (the SIX maintenance agency's list, as of 2026), fund
codes, precious metals and testing codes left out. The Python standard
library has no such list; a short table here keeps the check free of any
dependency.
"""

from __future__ import annotations

import datetime
import functools
import re

from ._errors import InputError, MissingDependencyError
from ._install import CURRENCYCONVERTER, pip_install

__all__ = [
    "CURRENCIES",
    "CURRENCY_SIGN",
    "DEFAULT_CURRENCY",
    "RATE_DAYS_BACK",
    "check_currency",
    "ecb_rate",
    "in_currency",
]

#: The currency a workbook is in when none is named.
DEFAULT_CURRENCY = "USD"
#: Stands for the workbook's currency code in the units and number formats of
#: the template modules (U+00A4, the generic currency sign).
CURRENCY_SIGN = "\u00a4"

#: Active ISO 4217 currency codes (list one, 2026), fund, metal and test codes left out.
CURRENCIES = frozenset(
    """
    AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD
    BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN
    ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD
    IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD
    MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD
    OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP
    SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD
    UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    """.split()  # noqa: SIM905 - a table to read, not a list literal of 160 strings
)

#: The allowed form, in words, for messages.
ALLOWED = "an ISO 4217 currency code: three capital letters such as USD, EUR or GBP"

#: A day without a published reference rate (a weekend, a holiday) takes the
#: rate of the last earlier day that has one, at most this many days back.
RATE_DAYS_BACK = 4

_CODE = re.compile(r"[A-Z]{3}")


def check_currency(code: object, where: str = "currency") -> str:
    """``code`` if it is an active ISO 4217 code, else :class:`InputError` naming ``where``.

    >>> check_currency("EUR")
    'EUR'
    >>> check_currency("eur")
    Traceback (most recent call last):
    ...
    xlfuncs._errors.InputError: currency must be an ISO 4217 currency code: three capital \
letters such as USD, EUR or GBP, got 'eur' (did you mean 'EUR'?)
    """
    if isinstance(code, str) and code in CURRENCIES:
        return code
    hint = ""
    if isinstance(code, str) and code.strip().upper() in CURRENCIES:
        hint = f" (did you mean {code.strip().upper()!r}?)"
    elif isinstance(code, str) and _CODE.fullmatch(code):
        hint = " (not an active ISO 4217 code)"
    raise InputError(f"{where} must be {ALLOWED}, got {code!r}{hint}", argument=where)


def in_currency(text: str, code: str) -> str:
    """``text`` (a unit, a label, a number format) with the currency sign replaced by ``code``.

    >>> in_currency("¤ per task", "EUR")
    'EUR per task'
    >>> in_currency('#,##0.00 "¤"', "GBP")
    '#,##0.00 "GBP"'
    """
    return text.replace(CURRENCY_SIGN, code) if CURRENCY_SIGN in text else text


@functools.lru_cache(maxsize=1)
def _converter():
    try:
        from currency_converter import CurrencyConverter
    except ImportError as error:
        raise MissingDependencyError(
            "usd_rate: ecb (the European Central Bank's reference rates) needs the optional "
            f"currencyconverter package; install it with: {pip_install(CURRENCYCONVERTER)}"
        ) from error
    return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)


def ecb_rate(
    code: str, day: datetime.date, where: str = "usd_rate"
) -> tuple[float, datetime.date, str]:
    """Units of ``code`` that one US dollar buys on ``day`` by the ECB reference rates.

    Returns ``(rate, the day whose rate it is, source text)``. The ECB
    publishes euro rates on business days; the rate of another currency
    against the dollar is their cross rate, as ``currencyconverter`` works
    it out. A day without a rate takes the last earlier day with one, at
    most :data:`RATE_DAYS_BACK` days back, and the source text names that
    day; otherwise the error names the day and the nearest days that have
    a rate.
    """
    if code == "USD":
        return 1.0, day, "US dollars: no conversion"
    converter = _converter()
    if code not in converter.currencies:
        known = ", ".join(sorted(c for c in converter.currencies if c in CURRENCIES))
        raise InputError(
            f"{where}: the European Central Bank publishes no reference rate for {code}; "
            f"it has {known}; give usd_rate as a number",
            argument=where,
        )
    has = _rate_days(converter, code)
    used = next(
        (
            day - datetime.timedelta(days=back)
            for back in range(RATE_DAYS_BACK + 1)
            if day - datetime.timedelta(days=back) in has
        ),
        None,
    )
    if used is None:
        earlier = max((d for d in has if d < day), default=None)
        later = min((d for d in has if d > day), default=None)
        found = [d.isoformat() for d in (earlier, later) if d is not None]
        if later is None and earlier is not None:
            # The rates are those the installed package embeds: past its last day, only a
            # newer release of it has the rate.
            nearest = (
                f"the installed rates end on {earlier.isoformat()} (newer ones come with: "
                f"{pip_install('--upgrade', 'currencyconverter')})"
            )
        elif len(found) == 1:
            nearest = f"the nearest day with one is {found[0]}"
        else:
            nearest = f"the nearest days with one are {' and '.join(found)}"
        raise InputError(
            f"{where}: the European Central Bank reference rates have no rate for "
            f"{code} on {day.isoformat()}, nor on the {RATE_DAYS_BACK} days before; "
            f"{nearest}; give usd_rate_date or usd_rate as a number",
            argument=where,
        )
    rate = float(converter.convert(1.0, "USD", code, date=used))
    import currency_converter

    version = getattr(currency_converter, "__version__", "")
    package = f"currencyconverter {version}".strip()
    on = used.isoformat() + (
        "" if used == day else f", the last earlier day with a rate before {day.isoformat()}"
    )
    source = f"European Central Bank reference rate of {on}, from {package}"
    return rate, used, source


@functools.lru_cache(maxsize=64)
def _rate_days(converter, code: str) -> frozenset[datetime.date]:
    """The days on which both the dollar and ``code`` have a published rate."""
    days = set(converter._rates["USD"])  # the package's published days
    if code != "EUR":
        days &= set(converter._rates[code])
    return frozenset(d for d in days if converter._rates["USD"][d] is not None)
