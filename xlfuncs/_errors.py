"""The exception types: one base, :class:`XlfuncsError`, and one class per kind of problem.

Every error xlfuncs raises on purpose derives from :class:`XlfuncsError`, so
a program can catch them all with one ``except``; each also derives from
the built-in exception a Python programmer would expect (``ValueError`` for
a bad value, ``ImportError`` for a missing package ...), so existing
``except ValueError`` code keeps working. Every exception class of xlfuncs
is defined here, in one tree (built-in bases in brackets)::

    XlfuncsError
    ├── InputError (ValueError)           an argument a function cannot accept
    │   ├── NotFoundError (LookupError)   a model, provider or price kind not in the price data
    │   ├── ScenarioFileError             a scenario file that cannot be read at all
    │   │   └── SweepFileError            a sweep file: unreadable, a bad axis or value, too big
    │   ├── FileReadError                 a file's size, encoding or syntax stops its reading
    │   ├── LimitError                    a file over a limit on what it may hold
    │   ├── UnsettledNumberError          a number that reads two ways, the mark unknown
    │   ├── MixedDecimalMarksError        a file whose numbers use both decimal marks
    │   ├── WhereError                    a sweep's ``--where`` condition that cannot be read
    │   ├── MapError                      a decision map that cannot be drawn
    │   └── SweepError                    a sweep that could not be finished (a worker failed)
    ├── ArgumentError (TypeError)         a call that does not fit the function
    ├── MissingDependencyError (ImportError)  an optional package that is not installed
    ├── LibreOfficeError (RuntimeError)   LibreOffice missing, failing, or writing too little
    ├── OutputFolderError (OSError)       an output folder that cannot be made or written
    ├── FormulaSyntaxError (ValueError)   a formula the evaluator cannot parse
    ├── FormulaError (ValueError)         a formula the evaluator cannot compute
    ├── TemplateNotFillableError          a template the batch cannot fill in place
    └── UnprintableWorkbookError          a workbook --pdf cannot print (no Summary sheet)

One more class derives from :class:`XlfuncsError`, for the Excel functions
only: ``xlfuncs._excel.FunctionInputError``, which must also be an xlwings error so
that every xlwings host shows its text without a traceback. It lives in the
Excel layer, the only module that imports xlwings (an optional package that
the Python functions never load), and is the single point where an
:class:`XlfuncsError` becomes an error a spreadsheet shows.

This module imports nothing of xlfuncs: any module may import it.
"""

from __future__ import annotations

__all__ = [
    "ArgumentError",
    "FileReadError",
    "FormulaError",
    "FormulaSyntaxError",
    "InputError",
    "LibreOfficeError",
    "LimitError",
    "MapError",
    "MissingDependencyError",
    "MixedDecimalMarksError",
    "NotFoundError",
    "OutputFolderError",
    "ScenarioFileError",
    "SweepError",
    "SweepFileError",
    "TemplateNotFillableError",
    "UnprintableWorkbookError",
    "UnsettledNumberError",
    "WhereError",
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


# Reading files ------------------------------------------------------------------


class ScenarioFileError(InputError):
    """A scenario file that cannot be read at all (missing, unreadable, unknown column ...)."""


class FileReadError(InputError):
    """A file that cannot be read at all: its size, its text encoding or its syntax.

    The scenario reader reports it as a :class:`ScenarioFileError` naming the file.
    """


class LimitError(InputError):
    """A scenario file (or another table a command reads) over one of the limits."""


class UnsettledNumberError(InputError):
    """A number that reads two ways, in a file that does not say which mark it uses."""

    def __init__(self, message: str, *, text: str, values: dict[str, float]):
        super().__init__(message)
        #: The text, and its value with each decimal mark (``"."`` and ``","``).
        self.text, self.values = text, values


class MixedDecimalMarksError(InputError):
    """A file whose numbers use both decimal marks."""


# Sweeps ------------------------------------------------------------------------


class SweepFileError(ScenarioFileError):
    """A sweep file that cannot be used: unreadable, a bad axis, a bad value, too many scenarios."""


class WhereError(InputError):
    """A sweep's ``--where`` condition that cannot be read."""


class MapError(InputError):
    """A decision map that cannot be drawn: an unknown key, a value not on the axis ..."""


class SweepError(InputError):
    """The sweep could not be finished (a worker failed); nothing was written."""


# Writing files and workbooks ----------------------------------------------------


class OutputFolderError(XlfuncsError, OSError):
    """The output folder cannot be made or written; the message says what to do."""


class TemplateNotFillableError(XlfuncsError):
    """The template does not say where its inputs are, or its formulas cannot be evaluated."""


class UnprintableWorkbookError(XlfuncsError):
    """A workbook ``--pdf`` cannot print: unreadable, or without a Summary sheet."""


# Evaluating formulas ------------------------------------------------------------


class FormulaSyntaxError(XlfuncsError, ValueError):
    """A formula the parser does not understand (names the formula and the place)."""


class FormulaError(XlfuncsError, ValueError):
    """A formula this evaluator cannot compute (unknown function or name, circular reference)."""
