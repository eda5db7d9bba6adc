"""The tornado chart of a :func:`xlfuncs.tco_tornado` table, drawn with matplotlib.

matplotlib is an optional extra (``plot``), imported
only when a chart is drawn; the Excel functions never need it.
"""

from __future__ import annotations

import math
import os
import secrets
from pathlib import Path

import numpy as np

from ._errors import MissingDependencyError
from ._install import MATPLOTLIB, pip_install
from ._validation import format_number

__all__ = ["draw_tornado"]

#: Colours of the bars: the input at its low value, and at its high value.
LOW_COLOUR = "#4878a8"
HIGH_COLOUR = "#e07b39"


def _money(value: float) -> str:
    return f"{value:,.0f}" if math.isfinite(value) else "overflow"


def _value(value: float) -> str:
    """An input's value as typed: 0.9, 20,000, 2.5."""
    return f"{value:,.15g}" if abs(value) >= 1000 else format_number(value)


def draw_tornado(
    table: np.ndarray, path: Path, title: str, unit: str = "money", note: str = ""
) -> None:
    """Write the tornado chart of ``table`` to ``path`` (PNG, or any format matplotlib knows).

    ``title`` names the figure, e.g. ``TCO`` or ``TCO difference (a - b)``;
    ``note``, if given, is a line under it, e.g. what ``a`` and ``b`` are.

    One horizontal bar per input, largest swing on top, from the base result
    to the result at the input's low (blue) and high (orange) values; the
    base result is the vertical line. Inputs whose results are not finite
    are listed but not drawn.
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.patches import Patch
    except ImportError:
        raise MissingDependencyError(
            "drawing the chart needs matplotlib: " + pip_install(MATPLOTLIB)
        ) from None

    base = float(table["result_at_low"][0])
    rows = table[1:]
    count = len(rows)
    figure = Figure(figsize=(8.0, 1.2 + 0.45 * count), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = np.arange(count)[::-1]  # largest swing at the top
    labels = []
    for y, record in zip(positions, rows.tolist(), strict=True):
        name, low, high, at_low, at_high, _ = record
        labels.append(f"{name}\n{_value(low)} to {_value(high)}")
        for result, colour in ((at_low, LOW_COLOUR), (at_high, HIGH_COLOUR)):
            if math.isfinite(result):
                axes.barh(y, result - base, left=base, color=colour, height=0.6)
    axes.axvline(base, color="black", linewidth=1)
    axes.set_yticks(positions, labels, fontsize=8)
    axes.set_xlabel(f"{title} ({unit}); base case {_money(base)}")
    axes.xaxis.set_major_formatter(lambda x, _: f"{x:,.0f}")
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.legend(
        handles=[
            Patch(color=LOW_COLOUR, label="input at its low value"),
            Patch(color=HIGH_COLOUR, label="input at its high value"),
        ],
        loc="lower right",
        fontsize=8,
        frameon=False,
    )
    axes.set_title(f"What moves the {title} most" + (f"\n{note}" if note else ""), fontsize=11)
    # Written beside the target and renamed into place: a symbolic link that
    # appears at the path meanwhile is replaced, never written through.
    path = Path(path)
    part = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    try:
        with open(part, "xb") as stream:
            figure.savefig(stream, dpi=150, format="png")
        os.replace(part, path)
    finally:
        if os.path.lexists(part):
            os.unlink(part)
