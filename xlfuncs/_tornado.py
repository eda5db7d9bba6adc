"""One-at-a-time sensitivity of TCO: which guess moves the answer most (a tornado table).

For each uncertain row of the blocks, TCO is computed with that input at its
low and at its high value while every other input sits at its most likely
value. All the cases, for both options, go through TCO's closed form in one
vectorised call. No random numbers are involved.
"""

from __future__ import annotations

import math

import numpy as np

from ._errors import InputError
from ._option_block import OPTION_BLOCK, TCO_ARGUMENTS, BlockRule, Guess
from ._tco import tco
from ._uncertainty import SHAREABLE, read_options
from ._validation import described

__all__ = ["TORNADO_COLUMNS", "tco_tornado", "tornado_rows"]

#: The columns of the table, in Python (field names) and in Excel (left to right).
TORNADO_COLUMNS = ("input", "low", "high", "result_at_low", "result_at_high", "swing")

_RULES = {
    "option_block": OPTION_BLOCK,
    "other_block": OPTION_BLOCK,
    "shared_block": BlockRule(SHAREABLE),
}

# The arithmetic of TCO, without its argument checking (the blocks are checked).
_tco_arithmetic = tco.__wrapped__


@described("TCO_TORNADO", _RULES)
def tco_tornado(option_block, other_block=None, shared_block=None):
    """Which uncertain input moves TCO most: a one-at-a-time sensitivity (tornado) table.

    For each uncertain row (low below high) of each block given, the figure
    is computed twice: with that input at its low and at its high value, as
    typed, while every other input sits at its most likely value. The figure
    is :func:`xlfuncs.tco` of ``option_block``, or with ``other_block`` the
    difference ``TCO(option) - TCO(other)``. A row's distribution
    (triangular or PERT) does not matter here: only its low, most likely and
    high values do.

    Parameters
    ----------
    option_block : mapping or range
        The option's inputs: see :func:`xlfuncs.tco_sim_trials`.
    other_block : mapping or range, optional
        A second option's inputs; the figure becomes the TCO difference.
    shared_block : mapping or range, optional
        ``tasks_per_month``, ``months``, ``monthly_growth`` and
        ``annual_discount_rate`` for both options (as in
        :func:`xlfuncs.prob_cheaper`); a shared input's swing moves both.

    Returns
    -------
    numpy structured array
        One record per row, with the fields of :data:`TORNADO_COLUMNS`, which
        are Excel's six columns from left to right: ``input`` (text),
        ``low`` and ``high`` (the input's values), ``result_at_low`` and
        ``result_at_high`` (money), ``swing`` (money,
        ``|result_at_high - result_at_low|``). The first record is the base
        case, ``input`` ``"base"``, with NaN for ``low`` and ``high`` (blank
        cells in Excel), the base result in both result fields and swing 0.
        Then one record per uncertain input, largest swing first; equal
        swings keep block order (option, other, shared) and, within a block,
        TCO's argument order; a NaN or infinite swing goes last. With
        ``other_block`` the names carry the prefix ``a:``, ``b:`` or
        ``shared:``. ``table["swing"]`` is a column, ``table[1]`` a row, and
        ``pandas.DataFrame(table)`` a data frame.

    Raises
    ------
    InputError
        A bad block (as in :func:`xlfuncs.prob_cheaper`), or no uncertain
        row in any block.

    Examples
    --------
    Volume between 800 and 1,500 a month (most likely 1,000), an error
    costing 1 to 10 (most likely 2), 95 % accuracy, 0.01 a task, 12 months.
    At the most likely values TCO is ``12 * 1000 * (0.01 + 0.05 * 2) = 1320``;
    errors at 1 and 10 give ``12 * 1000 * (0.01 + 0.05 * e)`` = 720 and
    6,120, volumes of 800 and 1,500 give 1,056 and 1,980:

    >>> block = {"tasks_per_month": (800, 1000, 1500), "cost_per_task": 0.01,
    ...          "accuracy": 0.95, "cost_per_error": (1, 2, 10)}
    >>> table = tco_tornado(block)
    >>> table["input"].tolist()
    ['base', 'cost_per_error', 'tasks_per_month']
    >>> table["result_at_low"].round(6).tolist(), table["swing"].round(6).tolist()
    ([1320.0, 720.0, 1056.0], [0.0, 5400.0, 924.0])
    """
    function = tco_tornado.excel_name
    blocks = [("option_block", "a", option_block)]
    if other_block is not None:
        blocks.append(("other_block", "b", other_block))
    given_blocks, options, shared = read_options(
        function,
        [(argument, block) for argument, _, block in blocks],
        shared_block,
        _RULES["shared_block"],
    )

    # (label, which options the swing moves, argument, low, high), in the documented order
    prefixed = other_block is not None
    groups = [
        (prefix, given, (index,))
        for index, ((_, prefix, _), given) in enumerate(zip(blocks, given_blocks, strict=True))
    ]
    groups.append(("shared", shared, tuple(range(len(options)))))
    swings = []
    for prefix, given, moved in groups:
        for name in TCO_ARGUMENTS:
            if name in given and not given[name].is_fixed:
                label = f"{prefix}:{name}" if prefixed else name
                swings.append((label, moved, name, given[name].low, given[name].high))
    if not swings:
        raise InputError(
            f"{function}: no input is uncertain, so nothing can swing; give at least one row "
            "of option_block"
            + (", other_block" if other_block is not None else "")
            + (" or shared_block" if shared_block is not None else "")
            + " a low below its high",
            function=function,
            argument="option_block",
        )

    figures = _case_figures(options, swings)
    base = figures[0]
    at_low, at_high = figures[1::2], figures[2::2]
    with np.errstate(invalid="ignore"):
        swing = np.abs(at_high - at_low)
    order = sorted(
        range(len(swings)),
        key=lambda i: (0, -swing[i]) if math.isfinite(swing[i]) else (1, 0.0),
    )
    width = max(len("base"), *(len(s[0]) for s in swings))
    table = np.empty(
        1 + len(swings),
        dtype=[("input", f"U{width}")] + [(c, np.float64) for c in TORNADO_COLUMNS[1:]],
    )
    table[0] = ("base", math.nan, math.nan, base, base, 0.0)
    for row, i in enumerate(order, start=1):
        label, _, _, low, high = swings[i]
        table[row] = (label, low, high, at_low[i], at_high[i], swing[i])
    return table


def _case_figures(options: list[dict[str, Guess]], swings: list[tuple]) -> np.ndarray:
    """The figure of the base case and of each swing's low and high case, in that order.

    Every case of every option is one element of the arrays given to TCO's
    arithmetic, in a single vectorised call.
    """
    cases = 1 + 2 * len(swings)
    arguments = []
    for name in TCO_ARGUMENTS:
        column = np.empty((len(options), cases))
        for o, option in enumerate(options):
            column[o, :] = option[name].mode
        for s, (_, moved, swung, low, high) in enumerate(swings):
            if swung == name:
                for o in moved:
                    column[o, 1 + 2 * s] = low
                    column[o, 2 + 2 * s] = high
        arguments.append(column)
    with np.errstate(all="ignore"):  # as for TCO: an overflow is an infinite TCO (#NUM! in Excel)
        tcos = _tco_arithmetic(*arguments)
        return tcos[0] - tcos[1] if len(options) == 2 else tcos[0]


@described("TCO_TORNADO", _RULES)
def tornado_rows(option_block, other_block=None, shared_block=None):
    """:func:`tco_tornado` as sheet rows: text, numbers, and ``None`` for a blank cell."""
    table = tco_tornado(option_block, other_block, shared_block)
    rows = [[record[0], *(float(v) for v in record.tolist()[1:])] for record in table]
    rows[0][1] = rows[0][2] = None
    return rows
