"""The exception types: one base, :class:`XlfuncsError`, and one class per kind of problem.

Every error xlfuncs raises on purpose derives from :class:`XlfuncsError`, so
a program can catch them all with one ``except``; each also derives from
the built-in exception a Python programmer would expect (``ValueError`` for
a bad value, ``ImportError`` for a missing package ...), so existing
``except ValueError`` code keeps working.
"""

from __future__ import annotations

__all__ = [
    "ArgumentError",
    "InputError",
    "LibreOfficeError",
    "MissingDependencyError",
    "NotFoundError",
    "XlfuncsError",
]


class XlfuncsError(Exception):
    """Base class of every error xlfuncs raises on purpose.

    Its message is written for the person who typed the input: it names the
    function, file or template, the argument, cell or key, the value and what
    is allowed or what to do. Catch it to handle any of them::

        try:
            xlfuncs.tco(1000, 0.01, 95, 2.0)
        except xlfuncs.XlfuncsError as error:
            print(error)  # TCO: accuracy must be between 0 and 1, got 95 (enter 95% or 0.95)
    """


class InputError(XlfuncsError, ValueError):
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


class ArgumentError(XlfuncsError, TypeError):
    """A call that does not fit the function: too many arguments, an unknown or repeated name."""


class MissingDependencyError(XlfuncsError, ImportError):
    """An optional part of xlfuncs whose package is not installed; the message says how."""


class LibreOfficeError(XlfuncsError, RuntimeError):
    """LibreOffice (``soffice``) is missing, failed, or did not write every file asked of it."""
