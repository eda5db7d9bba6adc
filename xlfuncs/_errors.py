"""The exception types: bad input, a name not in the price data, a missing optional package."""

from __future__ import annotations

__all__ = ["InputError", "MissingDependencyError", "NotFoundError"]


class InputError(ValueError):
    """An argument that a function cannot accept.

    The message names the function, the argument, the value received and what
    is allowed, e.g. ``TCO: accuracy must be between 0 and 1, got 95 (enter
    95% or 0.95)``. ``function`` and ``argument`` hold those names for
    programs that report errors in their own words; ``argument`` is ``None``
    when the problem involves several arguments (ranges that do not line up).
    """

    def __init__(self, message: str, *, function: str = "", argument: str | None = None):
        super().__init__(message)
        self.function = function
        self.argument = argument


class NotFoundError(InputError, LookupError):
    """A name the price data does not know: a model, a provider, or a price kind.

    Excel shows it as ``#N/A``, the error its own lookups give for a name that
    is not in the table, so ``IFNA`` can fall back to a typed-in price. The
    message names the closest known names.
    """


class MissingDependencyError(ImportError):
    """An optional part of xlfuncs whose package is not installed; the message says how."""
