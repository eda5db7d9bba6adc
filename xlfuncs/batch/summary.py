"""The table that compares every scenario: key figures per scenario and option.

Figures come from the Python core (:mod:`xlfuncs`), called once over all
scenarios at once: each input becomes an array with a row per scenario and,
for option inputs, a column per option, and numpy broadcasting does the rest.
The table is written as ``summary.xlsx`` (values, never formulas; names as
text) and ``summary.csv`` (UTF-8 with a byte order mark so that Excel reads
accents right; a name that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is prefixed with a single quote, as OWASP recommends against
CSV injection, so that no spreadsheet runs it as a formula).
"""

from __future__ import annotations

import csv
import math
from array import array
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import numpy as np

from .. import _breakeven, _tco, _unit_costs
from .scenarios import Scenario
from .template import Layout
from .writer import save_atomically

__all__ = ["FIGURES", "SummaryTable", "neutralise"]

#: Key figures: column name, heading, Excel number format.
FIGURES = (
    ("cost_per_task", "Cost per task", "#,##0.0000"),
    ("error_cost_per_task", "Error cost per task", "#,##0.0000"),
    ("tco", "TCO", "#,##0.00"),
    ("cost_per_correct", "Cost per correct result", "#,##0.0000"),
    ("breakeven_accuracy", "Break-even accuracy vs reference", "0.00%"),
)
HEADINGS = (
    "Scenario",
    "Option",
    "Workbook",
    "Reference option",
    *(heading for _, heading, _ in FIGURES),
    "Cheapest option",
)

_TOKEN_ARGS = ("input_tokens", "output_tokens", "input_price", "output_price")
_SELFHOST_ARGS = ("gpu_hour_price", "tokens_per_task", "tokens_per_second")


def neutralise(text: str) -> str:
    """Text made safe for a CSV cell: a leading formula character gets a ``'`` in front.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("Acme")
    ('\\'=HYPERLINK("http://x")', 'Acme')
    """
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class SummaryTable:
    """Collects each scenario's inputs compactly, then computes every figure at once."""

    def __init__(self, layout: Layout):
        self.layout = layout
        self.scenarios: list[str] = []
        self.files: list[str] = []
        self.option_names: list[tuple[str, ...]] = []
        self._shared = {k: array("d") for k, spec in layout.shared.items() if spec.rule is not None}
        first = layout.options[layout.letters[0]] if layout.letters else {}
        self._option = {k: array("d") for k, spec in first.items() if spec.rule is not None}

    def __len__(self) -> int:
        return len(self.scenarios)

    def add(self, scenario: Scenario, file: str) -> None:
        values = scenario.values
        self.scenarios.append(scenario.name)
        self.files.append(file)
        self.option_names.append(scenario.option_names)
        for key, column in self._shared.items():
            column.append(float(values[self.layout.shared[key].name]))
        for key, column in self._option.items():
            for index, letter in enumerate(self.layout.letters):
                given = index < len(scenario.option_names)
                column.append(
                    float(values[self.layout.options[letter][key].name]) if given else math.nan
                )

    def columns(self) -> dict[str, np.ndarray]:
        """Inputs as arrays: shared ``(n, 1)``, per option ``(n, options)``."""
        n, k = len(self), len(self.layout.letters)
        arrays = {
            key: np.frombuffer(col, dtype=np.float64).reshape(n, 1)
            for key, col in self._shared.items()
        }
        for key, col in self._option.items():
            arrays[key] = np.frombuffer(col, dtype=np.float64).reshape(n, k)
        return arrays

    def figures(self) -> dict[str, np.ndarray]:
        """Every key figure, ``(n, options)``; NaN for an absent option or no answer."""
        return key_figures(self.columns(), len(self.layout.letters))

    def rows(self) -> Iterator[list[object]]:
        """The table's rows: one per scenario and option, in the scenarios' order."""
        figures = self.figures()
        cheapest = _cheapest(figures["tco"])
        for row, (scenario, file, options) in enumerate(
            zip(self.scenarios, self.files, self.option_names, strict=True)
        ):
            best = options[cheapest[row]] if cheapest[row] >= 0 else ""
            for column, option in enumerate(options):
                numbers = [_value(figures[key][row, column]) for key, _, _ in FIGURES]
                yield [scenario, option, file, options[0], *numbers, best]

    def write(self, out_dir: Path, overwrite: bool) -> list[Path]:
        """Write summary.xlsx and summary.csv; returns their paths."""
        paths = [out_dir / "summary.xlsx", out_dir / "summary.csv"]
        for path in paths:
            if not overwrite and path.exists():
                raise FileExistsError(path.name)
        # Rows are made twice from the compact columns rather than held in a list.
        save_atomically(lambda path: _write_xlsx(self.rows(), path), paths[0], overwrite)
        save_atomically(lambda path: _write_csv(self.rows(), path), paths[1], overwrite)
        return paths


def _value(number: float) -> float | None:
    return None if math.isnan(number) else float(number)


def _cheapest(tco: np.ndarray) -> np.ndarray:
    """Index of the lowest TCO per scenario (the first on a tie); -1 when none is known."""
    filled = np.where(np.isnan(tco), np.inf, tco)
    best = np.argmin(filled, axis=1) if tco.size else np.zeros(len(tco), dtype=int)
    return np.where(np.isfinite(filled).any(axis=1), best, -1) if tco.size else best


def _pick(columns: Mapping[str, np.ndarray], names) -> dict[str, np.ndarray]:
    return {name: columns[name] for name in names if name in columns}


def _masked(function, mask: np.ndarray, shape, **arguments) -> np.ndarray:
    """``function`` where ``mask`` holds, NaN elsewhere (rows the function would refuse)."""
    out = np.full(shape, np.nan)
    if mask.any():
        chosen = {k: np.broadcast_to(v, shape)[mask] for k, v in arguments.items()}
        out[mask] = function(**chosen)
    return out


def key_figures(columns: Mapping[str, np.ndarray], options: int) -> dict[str, np.ndarray]:
    """Cost per task, error cost, TCO, cost per correct result and break-even, for all at once.

    ``columns`` holds each input by its core argument name: ``(n, 1)`` for a
    scenario's shared input, ``(n, options)`` for an option input. Absent
    options are NaN and stay NaN.
    """
    shape = (next(iter(columns.values())).shape[0], options) if columns else (0, options)
    present = np.ones(shape, dtype=bool)
    for value in columns.values():
        present &= ~np.isnan(np.broadcast_to(value, shape))

    if "cost_per_task" in columns:
        cost = np.broadcast_to(columns["cost_per_task"], shape)
    elif all(a in columns for a in _TOKEN_ARGS):
        arguments = _pick(columns, _unit_costs.token_cost.rules)
        cost = _masked(_unit_costs.token_cost, present, shape, **arguments)
    elif all(a in columns for a in _SELFHOST_ARGS):
        arguments = _pick(columns, _unit_costs.selfhost_cost.rules)
        cost = _masked(_unit_costs.selfhost_cost, present, shape, **arguments)
    else:
        raise ValueError("the template declares no cost per task, token prices or GPU costs")
    accuracy = np.broadcast_to(columns["accuracy"], shape)
    per_error = np.broadcast_to(columns["cost_per_error"], shape)

    errors = _masked(
        _unit_costs.error_cost,
        present,
        shape,
        **_pick(columns, _unit_costs.error_cost.rules),
    )
    # Errors enter TCO at their expected cost per task (caught ones at rework cost).
    tco_arguments = _pick(columns, _tco.tco.rules)
    tco_arguments.update(cost_per_task=cost + errors, accuracy=1.0, cost_per_error=0.0)
    tco = _masked(_tco.tco, present, shape, **tco_arguments)

    correct = _masked(
        _unit_costs.cost_per_correct,
        present & (accuracy > 0),
        shape,
        cost_per_task=cost,
        accuracy=accuracy,
    )

    tasks = np.broadcast_to(columns.get("tasks_per_month", 1.0), shape)
    fixed = np.broadcast_to(columns.get("monthly_fixed", 0.0), shape)
    reference = present[:, :1] & (per_error[:, :1] > 0) & (tasks > 0)
    breakeven = _masked(
        _breakeven.breakeven_accuracy,
        present & reference,
        shape,
        efficient_cost_per_task=cost,
        frontier_cost_per_task=cost[:, :1],
        frontier_accuracy=accuracy[:, :1],
        cost_per_error=per_error[:, :1],
        efficient_monthly_fixed=fixed,
        frontier_monthly_fixed=fixed[:, :1],
        tasks_per_month=tasks,
    )
    return {
        "cost_per_task": np.where(present, cost, np.nan),
        "error_cost_per_task": errors,
        "tco": tco,
        "cost_per_correct": correct,
        "breakeven_accuracy": breakeven,
    }


def _write_xlsx(rows: Iterable[list[object]], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Summary")
    sheet.freeze_panes = "C2"
    for column, width in zip("ABCDEFGHIJ", (30, 24, 30, 24, 14, 14, 16, 16, 16, 24), strict=True):
        sheet.column_dimensions[column].width = width
    bold = Font(bold=True)
    heading = []
    for text in HEADINGS:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    formats = [f for _, _, f in FIGURES]
    texts = {0, 1, 2, 3, len(HEADINGS) - 1}
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            cell = WriteOnlyCell(sheet, value=value)
            if index in texts:
                # Text stays text: openpyxl would take a leading "=" for a formula.
                cell.data_type = "s"
                if str(value)[:1] in "=+-@":
                    cell.quotePrefix = True
            elif value is not None:
                cell.number_format = formats[index - 4]
            cells.append(cell)
        sheet.append(cells)
    book.save(path)


def _write_csv(rows: Iterable[list[object]], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADINGS)
        for row in rows:
            writer.writerow(
                neutralise(v) if isinstance(v, str) else ("" if v is None else format(v, ".15g")) for v in row
            )
