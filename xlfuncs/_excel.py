"""The boundary between Excel and the numeric core.

Excel hands a function its arguments as raw cell values: numbers, text, blanks
(``None``, ``""``, NaN, or Pyodide's ``JsNull``), error values, and ranges as
lists of rows. :func:`evaluate` turns them into what the core accepts, calls
the core, and turns the answer back into cells: finite numbers, and an Excel
error value (``#DIV/0!``, ``#N/A``, ``#NUM!``) in any cell without an answer.
Bad input becomes :class:`FunctionInputError`, which every xlwings host shows
as an error with the short message, never a traceback. A name that the price
data does not know (:class:`~xlfuncs.NotFoundError`) becomes ``#N/A``, as in
Excel's own lookups. An error value among the arguments is the answer, as with
Excel's own functions: the first one, in argument order and row by row. A
result too large to hand to Excel is refused with a message naming its size
and the limit (``XLFUNCS_MAX_RESULT_BYTES``), before computing it whenever
the ranges given already say so. Classic xlwings reads Currency and
Accounting cells as :class:`decimal.Decimal`; they count as the numbers they
hold.

This module is the only one that knows about xlwings.
"""

from __future__ import annotations

import functools
import inspect
import json
import math
import os
import sys
from collections.abc import Callable, Mapping

import numpy as np
import xlwings as xw

from ._errors import InputError, MissingDependencyError, NotFoundError, XlfuncsError
from ._validation import contains_bool, format_number

__all__ = [
    "CATEGORY",
    "MAX_RESULT_BYTES",
    "FunctionInputError",
    "argument_doc",
    "evaluate",
    "excel_function",
]

CATEGORY = "AI economics"

#: Classic xlwings on Windows talks COM; every other host (xlwings Server,
#: xlwings Lite) talks Office.js, where xlwings turns "#DIV/0!" into an error.
_CLASSIC_WINDOWS = sys.platform == "win32" and os.environ.get("XLWINGS_ON_SERVER") != "true"

# The decorators that register a function with the host. On the Office.js
# hosts they are xlwings.server's: xlwings 0.37 hands them out as xw.func and
# xw.arg, but older releases (the floor is 0.33) do so only on Windows.
if os.environ.get("XLWINGS_ON_SERVER") == "true":
    from xlwings.server import arg as _register_argument
    from xlwings.server import func as _register_function
else:
    _register_argument, _register_function = xw.arg, xw.func

#: What Excel shows in a cell whose equation has no answer (the core gives NaN).
_NO_ANSWER = {
    "BREAKEVEN_ACCURACY": "#DIV/0!",
    "BREAKEVEN_ERROR_COST": "#DIV/0!",
    "BREAKEVEN_VOLUME": "#DIV/0!",
    "YEARS_TO_ZERO_MARGIN": "#N/A",
}
_OVERFLOW = "#NUM!"
_NOT_FOUND = "#N/A"

#: Functions whose list of values spills across a row rather than down a column.
_ROW_RESULTS = {"TCO_SIM"}

# COM codes of Excel's error values (CVErr(xlErrDiv0) and so on): classic
# xlwings hands an error cell over as one of these integers.
_COM_ERRORS = {
    "#DIV/0!": -2146826281,
    "#N/A": -2146826246,
    "#NAME?": -2146826259,
    "#NULL!": -2146826288,
    "#NUM!": -2146826252,
    "#REF!": -2146826265,
    "#VALUE!": -2146826273,
}
_COM_ERROR_TEXT = {code: text for text, code in _COM_ERRORS.items()}

# Office.js names of the same error values, for an error cell that arrives
# without its text.
_OFFICEJS_ERROR_TEXT = {
    "Div0": "#DIV/0!",
    "NotAvailable": "#N/A",
    "Name": "#NAME?",
    "Null": "#NULL!",
    "Num": "#NUM!",
    "Ref": "#REF!",
    "Value": "#VALUE!",
}

#: What xlwings Server's JavaScript sends instead of a linked data type cell
#: (Stocks, Geography), and the Office.js types of such cells.
_LINKED_DATA_MARKER = "__xlwings_not_an_object_handle__"
_LINKED_DATA_TYPES = {"Entity", "LinkedEntity"}

#: The largest result sent to Excel through Office.js, in bytes of JSON, unless
#: XLFUNCS_MAX_RESULT_BYTES says otherwise. Microsoft documents a 5 MB payload
#: limit for requests and responses of Excel's JavaScript API on the web.
MAX_RESULT_BYTES = 5_000_000
#: The largest result handed to Excel through COM (classic xlwings), in bytes
#: of COM VARIANTs, unless XLFUNCS_MAX_RESULT_BYTES says otherwise: 10
#: million cells, ten full columns of a sheet. Its only purpose is to refuse,
#: before computing, ranges whose combinations no machine's memory holds.
CLASSIC_MAX_RESULT_BYTES = 160_000_000
_MAX_RESULT_BYTES_VARIABLE = "XLFUNCS_MAX_RESULT_BYTES"
# A cell in compact JSON is at most this long: a float's repr is at most 24
# characters, an error value {"type":"Error","errorType":"NotAvailable"} 43.
_MAX_CELL_BYTES = 48
# ... and at least this long: "0.0,".
_MIN_CELL_BYTES = 4
# A cell handed over through COM is a VARIANT: 16 bytes (24 on 64-bit Windows).
_COM_CELL_BYTES = 16

#: What each argument is and its unit; the allowed range and the default are
#: added from the core's own rules and signature.
_ARGUMENT_TEXT = {
    "input_tokens": "Input (prompt) tokens per call (tokens)",
    "output_tokens": "Output tokens per call, reasoning excluded (tokens)",
    "input_price": "Price per 1,000,000 input tokens (money)",
    "output_price": "Price per 1,000,000 output tokens (money)",
    "reasoning_tokens": "Reasoning (test-time compute) tokens per call, billed as output (tokens)",
    "calls": "Model calls per task: agent loops, retries, debate, validation (average count)",
    "cached_share": "Share of input tokens read from the prompt cache (fraction, 95% = 0.95)",
    "cached_price": "Price per 1,000,000 cached input tokens (money)",
    "gpu_hour_price": "Cost of one GPU-hour, rented or owned (money)",
    "tokens_per_task": "Tokens processed per task, input and output (tokens)",
    "tokens_per_second": "One GPU's sustained throughput (tokens per second)",
    "utilization": "Share of paid GPU time doing useful work (fraction)",
    "accuracy": "Share of tasks done right (fraction, 95% = 0.95)",
    "cost_per_error": "Cost of one wrong result that is not caught (money)",
    "catch_rate": "Share of errors caught before they do harm (fraction)",
    "cost_per_caught_error": "Rework cost of one caught error (money)",
    "cost_per_task": "Cost of one task or attempt (money)",
    "value_per_correct": "What one correct result is worth (money)",
    "tasks_per_month": "Tasks per month, over which fixed costs spread (count)",
    "upfront": "One-off build at the start, not discounted: scaffolding, pipelines (money)",
    "monthly_fixed": "Fixed cost per month: maintenance, hosting, licences (money)",
    "months": "Horizon (whole months)",
    "monthly_growth": "Monthly growth of task volume, compounding (fraction, 2% = 0.02)",
    "annual_discount_rate": "Effective annual discount rate (fraction, 8% = 0.08)",
    "efficient_cost_per_task": "Efficient option's cost per task (money)",
    "frontier_cost_per_task": "Frontier option's cost per task (money)",
    "efficient_accuracy": "Efficient option's accuracy (fraction)",
    "frontier_accuracy": "Frontier option's accuracy (fraction)",
    "efficient_monthly_fixed": "Efficient option's fixed cost per month, e.g. scaffolding upkeep (money)",
    "frontier_monthly_fixed": "Frontier option's fixed cost per month (money)",
    "a_cost_per_task": "Option A's cost per task, e.g. self-hosted (money)",
    "a_monthly_fixed": "Option A's fixed cost per month (money)",
    "b_cost_per_task": "Option B's cost per task, e.g. an API (money)",
    "b_monthly_fixed": "Option B's fixed cost per month (money)",
    "price": "Price charged per unit today (money)",
    "cost": "Cost to serve one unit today (money)",
    "annual_price_change": "Yearly price change, compounding (fraction, -0.5 = halves)",
    "annual_cost_change": "Yearly cost change, compounding (fraction, -0.2 = falls 20%)",
    "years": "Number of years (whole years)",
    "option_block": "The option's inputs, each fixed or a low / most likely / high guess (option block)",
    "block_a": "Option A's inputs, each fixed or a low / most likely / high guess (option block)",
    "block_b": "Option B's inputs, laid out as block_a (option block)",
    "shared_block": "Inputs drawn once per trial for both options (option block)",
    "other_block": "Second option's inputs; results become TCO(option) - TCO(other) (option block)",
    "correlation": "Rank correlation of the draws of an input uncertain in both blocks: 1 same percentile, 0 independent (fraction)",
    "percentiles": "Percentiles to report: 0.9 gives the TCO that 90% of trials stay at or below (fraction, 90% = 0.9)",
    "trials": "Number of Monte Carlo trials (whole count)",
    "seed": "Random seed: the same seed gives the same figures (whole number)",
    "generator": 'Random numbers of numpy, set by seed, or of HDR 2.0, set by entity, which a workbook can compute itself (text). Must be "default" or "hdr"',
    "entity": "HDR entity: the model, team or organisation; another entity gives other draws (id)",
    "trial": "Number of the trial, counted from 1 (count)",
    "var_id": "The variable: each uncertain quantity has its own (id)",
    "seed3": "A further seed of the draws (id)",
    "seed4": "A further seed of the draws (id)",
    "model": "Model name as the provider's API spells it, e.g. gpt-4o or claude-3-5-sonnet (text)",
    "kind": 'Which price: "output", "input" or "cached_input" (cache read) (text)',
    "provider": "Whose list price, e.g. openai, azure, anthropic, aws (text)",
    "as_of": "Day of the price: a date cell or date number (date)",
}

#: Where one function means more by an argument than the others do.
_ARGUMENT_TEXT_IN = {
    (
        "TCO",
        "tasks_per_month",
    ): "Tasks in the first month; later months grow by monthly_growth (count)",
    ("TCO_TORNADO", "shared_block"): "Inputs of both options, swung together (option block)",
}

_DEFAULT_WORDS = {
    "cached_price": "input_price",
    "percentiles": "{0.1,0.5,0.9}",
    "shared_block": "none",
    "other_block": "none",
    "kind": '"output"',
    "generator": '"default"',
    "provider": "the model's own",
    "as_of": "today",
}


@functools.cache
def _parameters(core: Callable[..., object]) -> Mapping[str, inspect.Parameter]:
    """The parameters of a core function, read once: a signature takes 10 to 20 microseconds."""
    return inspect.signature(core).parameters


def argument_doc(core: Callable[..., object], name: str) -> str:
    """The Insert Function text of one argument: what, unit, allowed values, default."""
    parameter = _parameters(core)[name]
    what = _ARGUMENT_TEXT_IN.get((core.excel_name, name)) or _ARGUMENT_TEXT[name]
    text = f"{what}."
    if name in core.rules:  # numbers; text arguments say what they take in their own text
        text += f" Must be {core.rules[name].describe()}."
    if parameter.default is not inspect.Parameter.empty:
        default = _DEFAULT_WORDS.get(name) or format_number(parameter.default)
        text += f" Optional, default {default}."
    return text


def _com_exception_bases() -> tuple[type, ...]:
    """pywin32's COMException on classic xlwings; nothing elsewhere.

    Classic xlwings lets an exception through to pywin32, which hands Excel
    the ``description`` of a COMException as the error text, and for any
    other exception the words "Unexpected Python Error: " and the whole
    traceback; the add-in's VBA puts that text in the cell.
    """
    if not _CLASSIC_WINDOWS:
        return ()
    from win32com.server.exception import COMException  # pragma: no cover - Windows

    return (COMException,)  # pragma: no cover - Windows


class FunctionInputError(XlfuncsError, xw.XlwingsError, *_com_exception_bases()):
    """Bad input to an Excel function; its text is the short message a user sees.

    An xlwings error, so that the Office.js hosts (xlwings Server and Lite)
    show its text alone, without a traceback; on classic xlwings also a COM
    exception whose description is the message, for the same reason.
    """

    def __init__(self, message: str):
        super().__init__(message)
        # A COM exception's own arguments are (scode, description, ...).
        self.args = (message,)
        self.description = message

    def __str__(self) -> str:
        return self.args[0]


class _CellError:
    """An Excel error value found in an input cell."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return f"the error value {self.text}"


class _LinkedDataType:
    """A linked data type cell (Stocks, Geography): a record, not one value."""

    def __repr__(self) -> str:
        return "a Stocks or Geography data type (refer to one of its fields, e.g. =A2.Price)"


_LINKED_DATA = _LinkedDataType()


def _cell(value: object) -> object:
    """One cell's value as the core understands it (None for a blank)."""
    if value is None or type(value).__name__ == "JsNull":
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str) and (value == "" or value == _LINKED_DATA_MARKER):
        return None if value == "" else _LINKED_DATA
    if isinstance(value, dict):  # an Excel data type, e.g. a formatted number
        kind = value.get("type")
        if kind == "Error":
            text = value.get("basicValue") or _OFFICEJS_ERROR_TEXT.get(value.get("errorType"))
            return _CellError(str(text or "#VALUE!"))
        if kind in _LINKED_DATA_TYPES:
            return _LINKED_DATA
        if "basicValue" in value:
            return _cell(value["basicValue"])
    if _CLASSIC_WINDOWS and type(value) is int and value in _COM_ERROR_TEXT:
        return _CellError(_COM_ERROR_TEXT[value])  # pragma: no cover - needs Excel on Windows
    return value


def _argument(value: object) -> object:
    """A raw argument: a single cell, or a range as a list of rows."""
    if not isinstance(value, (list, tuple)):
        return _cell(value)
    if not any(isinstance(row, (list, tuple)) for row in value):
        # xlwings' Office.js path hands a one-row range over as a flat list:
        # it is still a row, so that its results spill across, not down.
        value = [value]
    try:
        array = np.asarray(value)
    except ValueError:  # ragged rows: let the core say so
        return value
    if (
        array.dtype.kind in "fiu"
        and not _CLASSIC_WINDOWS  # where error cells arrive as integers
        and not np.isnan(array).any()
        and not contains_bool(value)
    ):
        return array  # the fast path: a range of numbers
    return [
        [_cell(v) for v in row] if isinstance(row, (list, tuple)) else _cell(row) for row in value
    ]


def _block(value: object) -> object:
    """A block argument (names, numbers and blanks) as a list of rows of cells.

    Unlike :func:`_argument` it never becomes an array of numbers: the core
    reads the names and the layout. A one-row range, which xlwings hands over
    flat, stays one row.
    """
    if not isinstance(value, (list, tuple)):
        cell = _cell(value)
        return None if cell is None else [[cell]]
    rows = value if all(isinstance(row, (list, tuple)) for row in value) else [value]
    return [[_cell(v) for v in row] if isinstance(row, (list, tuple)) else row for row in rows]


def _error_value(code: str) -> object:
    if _CLASSIC_WINDOWS:  # pragma: no cover - needs Excel on Windows
        import pythoncom
        from win32com.client import VARIANT

        return VARIANT(pythoncom.VT_ERROR, _COM_ERRORS[code])
    return code


def _cells(result: object, no_answer: str, as_row: bool = False) -> object:
    """The core's answer as Excel cells: numbers, and error values where there is none.

    A list of rows (a table with text, such as TCO_TORNADO's) keeps its text,
    shows ``None`` as an empty cell and a missing number as an error value.
    """
    if isinstance(result, list):
        return [[_table_cell(cell, no_answer) for cell in row] for row in result]
    if isinstance(result, float):
        if math.isfinite(result):
            return result
        return _error_value(no_answer if math.isnan(result) else _OVERFLOW)
    array = np.asarray(result, dtype=np.float64)
    if array.ndim == 1:  # a list of values spills down a column, or across a row
        array = array[np.newaxis, :] if as_row else array[:, np.newaxis]
    rows = array.tolist()
    for r, c in np.argwhere(~np.isfinite(array)):
        rows[r][c] = _error_value(no_answer if math.isnan(array[r, c]) else _OVERFLOW)
    return rows


def _first_error(argument: object) -> _CellError | None:
    """The first error value in a converted argument (a cell, or rows of cells), if any."""
    if isinstance(argument, _CellError):
        return argument
    if isinstance(argument, list):
        for row in argument:
            for cell in row if isinstance(row, list) else (row,):
                if isinstance(cell, _CellError):
                    return cell
    return None


def _default_limit() -> int:
    return CLASSIC_MAX_RESULT_BYTES if _CLASSIC_WINDOWS else MAX_RESULT_BYTES


def _max_result_bytes(name: str) -> int:
    """The result limit in force: XLFUNCS_MAX_RESULT_BYTES, or this host's default."""
    setting = os.environ.get(_MAX_RESULT_BYTES_VARIABLE, "").strip()
    if not setting:
        return _default_limit()
    try:
        limit = int(setting)
    except ValueError:
        limit = 0
    if limit < 1:
        raise FunctionInputError(
            f"{name}: the setting {_MAX_RESULT_BYTES_VARIABLE} must be a whole number of "
            f"bytes, 1 or more, got {setting!r}"
        )
    return limit


_UNITS = ((1_000_000_000, "GB", 1), (1_000_000, "MB", 1), (1_000, "KB", 0), (1, "bytes", 0))


def _in_words(size: int, extra: int, rounding: Callable[[float], float]) -> tuple[float, str]:
    """``size`` in its unit with ``extra`` more decimals, rounded by ``rounding``."""
    scale, unit, decimals = next(u for u in _UNITS if size >= u[0] or u[0] == 1)
    places = decimals + extra if scale > 1 else 0
    shown = rounding(size * 10**places / scale) / 10**places
    return shown * scale, f"{shown:,.{places}f} {unit}"


def _sizes_in_words(size: int, limit: int) -> tuple[str, str]:
    """A size above ``limit`` and the limit, in words whose comparison reads true.

    Each in its own unit, the size rounded down and the limit up, with as
    many decimals as it takes for the size to read larger (1,024 bytes
    against a limit of 1,000 reads 1.02 KB against 1.00 KB, not 1 KB
    against 1 KB); in bytes when no such rounding does.

    >>> _sizes_in_words(15_700_000, 5_000_000)
    ('15.7 MB', '5.0 MB')
    >>> _sizes_in_words(1_024, 1_000)
    ('1.02 KB', '1.00 KB')
    >>> _sizes_in_words(1_001, 1_000)
    ('1,001 bytes', '1,000 bytes')
    """
    for extra in range(3):
        size_value, size_words = _in_words(size, extra, math.floor)
        limit_value, limit_words = _in_words(limit, extra, math.ceil)
        if size_value > limit_value:
            return size_words, limit_words
    return f"{size:,} bytes", f"{limit:,} bytes"


def _too_large(
    name: str, what: str, shape: tuple[int, int], how: str, size: int, limit: int
) -> FunctionInputError:
    """The refusal of a result of ``shape`` whose size is ``how`` (about, at least) ``size``."""
    n_rows, n_columns = shape
    size_words, limit_words = _sizes_in_words(size, limit)
    return FunctionInputError(
        f"{name}: {what} {n_rows:,} row{'s' * (n_rows != 1)} x {n_columns:,} "
        f"column{'s' * (n_columns != 1)}, {how} {size_words} to send to Excel, "
        f"more than the limit of {limit_words} (use smaller ranges, or raise "
        f"the limit with the setting {_MAX_RESULT_BYTES_VARIABLE})"
    )


def _check_wire_size(name: str, rows: list) -> None:
    """Refuse a result that is too large to hand to Excel.

    Through Office.js its size is its JSON, measured; through COM 16 bytes
    a cell.
    """
    limit = _max_result_bytes(name)
    n_rows, n_columns = len(rows), len(rows[0])
    if _CLASSIC_WINDOWS:
        size = n_rows * n_columns * _COM_CELL_BYTES
    elif n_rows * (n_columns * _MAX_CELL_BYTES + 2) + 16 <= limit:
        return  # surely small enough: no need to measure it
    else:
        size = len(json.dumps({"result": rows}, separators=(",", ":")))
    if size > limit:
        raise _too_large(name, "the result is", (n_rows, n_columns), "about", size, limit)


def _shape(argument: object) -> tuple[int, ...]:
    if isinstance(argument, np.ndarray):
        return argument.shape
    if isinstance(argument, list) and all(isinstance(row, list) for row in argument):
        widths = {len(row) for row in argument}
        return (len(argument), widths.pop()) if len(widths) == 1 else ()
    return ()


def _check_input_span(name: str, numeric_arguments: list) -> None:
    """Refuse, before computing, ranges that broadcast to a result too large to send.

    A column against a row spans every combination: whole columns and rows
    (=TCO(A:A, ..., 1:1)) would be some 17 billion cells, more memory than a
    machine has. Through Office.js each cell takes at least 4 bytes of JSON
    ("0.0,"), so that lower bound decides here and the exact size is measured
    after computing; through COM each cell takes 16 bytes.
    """
    shapes = [_shape(a) for a in numeric_arguments]
    rows = max((s[-2] for s in shapes if len(s) >= 2), default=1)
    columns = max((s[-1] for s in shapes if len(s) >= 1), default=1)
    cell_bytes = _COM_CELL_BYTES if _CLASSIC_WINDOWS else _MIN_CELL_BYTES
    if (
        cell_bytes * rows * columns <= _default_limit()
        and _MAX_RESULT_BYTES_VARIABLE not in os.environ
    ):
        return  # the usual call: a few cells, the default limit
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        return  # ranges that do not fit together: the core says which
    at_least = cell_bytes * math.prod(shape)
    limit = _max_result_bytes(name)
    if at_least <= limit:
        return
    n_rows, n_columns = (*shape, 1, 1)[:2] if len(shape) < 2 else shape[-2:]
    raise _too_large(
        name, "the ranges given span", (n_rows, n_columns), "at least", at_least, limit
    )


def _table_cell(cell: object, no_answer: str) -> object:
    if cell is None:
        return ""
    if isinstance(cell, float) and not math.isfinite(cell):
        return _error_value(no_answer if math.isnan(cell) else _OVERFLOW)
    return cell


@functools.cache
def _converters(core: Callable[..., object]) -> tuple[Callable[[object], object], ...]:
    """How to read each raw argument of ``core``: as rows of cells, or as numbers."""
    blocks = getattr(core, "block_arguments", ())
    return tuple(_block if n in blocks else _argument for n in _parameters(core))


def evaluate(core: Callable[..., object], *arguments: object) -> object:
    """Call a core function with raw Excel arguments and return Excel cells.

    Arguments the core lists in ``block_arguments`` (option blocks) are
    passed on as rows of cells; every other one is converted as a number or
    a range of numbers. An error value among them is the answer, as with
    Excel's own functions, if Excel can be given it back.
    """
    name = core.excel_name
    converters = _converters(core)
    converted = [convert(a) for convert, a in zip(converters, arguments, strict=True)]
    for argument in converted:
        error = _first_error(argument)
        if error is not None:
            if error.text in _COM_ERRORS:
                return _error_value(error.text)
            break  # one Excel cannot be handed back (#SPILL!, ...): the core says what it got
    numeric = [a for f, a in zip(converters, converted, strict=True) if f is _argument]
    _check_input_span(name, numeric)
    try:
        result = core(*converted)
    except NotFoundError:
        # Office.js shows a message only with #VALUE!; #N/A is what a lookup gives
        # for an unknown name, and IFNA can then fall back to a typed-in price.
        return _error_value(_NOT_FOUND)
    except (InputError, MissingDependencyError) as error:
        raise FunctionInputError(str(error)) from None
    except Exception as error:  # a bug of ours must still not show a traceback
        raise FunctionInputError(
            f"{name}: could not calculate ({type(error).__name__}: {error})"
        ) from None
    cells = _cells(result, _NO_ANSWER.get(name, _OVERFLOW), as_row=name in _ROW_RESULTS)
    if isinstance(cells, list):
        _check_wire_size(name, cells)
    return cells


def excel_function(core: Callable[..., object]) -> Callable[[Callable[..., object]], Callable]:
    """Register a wrapper of ``core`` with xlwings, documenting every argument.

    Arguments are read raw (no xlwings conversion): xlwings' own conversion
    flattens a row or a column to the same list, turns blanks in a range into
    ``None`` inside an object array, and is slow on large ranges. Blank
    arguments arrive as ``None``, which the core reads as "use the default".
    """

    def decorate(wrapper: Callable[..., object]) -> Callable[..., object]:
        names = list(inspect.signature(wrapper).parameters)
        if names != list(_parameters(core)):
            raise TypeError(f"{wrapper.__name__} must take the arguments of {core.__name__}")
        for name in names:
            wrapper = _register_argument(name, "raw", doc=argument_doc(core, name))(wrapper)
        wrapper = _register_function(category=CATEGORY)(wrapper)
        wrapper.core = core
        return wrapper

    return decorate
