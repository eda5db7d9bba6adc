"""The text and date arguments of the price functions: names, price kinds, days.

Excel hands these over as raw cells: text, numbers (a date cell arrives as its
serial number in Office.js, as a datetime in classic xlwings), blanks as
``None``. Each function here accepts what a user can reasonably mean and
raises :class:`~xlfuncs.InputError` for the rest.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import numpy as np

from ._errors import InputError
from ._validation import describe_element, is_number

__all__ = ["KINDS", "day_argument", "describe", "excel_date", "kind_argument", "name_argument"]

#: The prices a model may have, and how messages name them.
KINDS = {"input": "input", "output": "output", "cached_input": "cache-read"}

# Excel's 1900 date system: serial 1 is 1 January 1900, and serial 60 is a
# 29 February 1900 that never was (kept for Lotus 1-2-3), so from serial 61
# (1 March 1900) on, serial n is n days after 30 December 1899.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_PHANTOM_LEAP_DAY = 60
_EXCEL_LAST_SERIAL = 2958465  # 31 December 9999


def describe(value: object) -> str:
    """An argument's value in the words of a message: a range, or one cell's value."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return "a range of cells"
    return describe_element(value)


def name_argument(function: str, argument: str, value: object, *, required: bool) -> str | None:
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
            f"{function}: {argument} must be a name (text) in one cell, got {describe(value)}",
            function=function,
            argument=argument,
        )
    return value


def kind_argument(function: str, value: object) -> str:
    """A price kind as a key of :data:`KINDS`: blank is ``"output"``; case, spaces and
    hyphens do not matter (``"Cached input"`` is ``"cached_input"``)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "output"
    if isinstance(value, str):
        key = value.strip().lower().replace(" ", "_").replace("-", "_")
        if key in KINDS:
            return key
    allowed = ", ".join(f'"{k}"' for k in KINDS)
    raise InputError(
        f"{function}: kind must be one of {allowed}, got {describe(value)}",
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


def day_argument(function: str, value: object) -> date:
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
        if is_number(value):
            return excel_date(float(value))
    except ValueError as error:
        problem = f": {error}" if not isinstance(value, str) else ""
    raise InputError(
        f"{function}: as_of must be a date (a date cell, an Excel date number or text like "
        f"2025-06-30), got {describe(value)}{problem}",
        function=function,
        argument="as_of",
    )
