"""The one exception type that bad input raises."""

from __future__ import annotations

__all__ = ["InputError"]


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
