"""The table that compares every scenario: key figures per scenario and option.

Figures come from the Python core (:mod:`xlfuncs`), called once over all
scenarios at once: each input becomes an array with a row per scenario and,
for option inputs, a column per option, and numpy broadcasting does the rest.
The table is written as ``summary.xlsx`` and ``summary.csv`` by
:mod:`xlfuncs.batch.summary_files`.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np

from .. import _breakeven, _tco, _unit_costs
from . import summary_files
from .scenarios import Scenario
from .summary_files import neutralise
from .template import Layout

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

# Between option names held in one string; a control character, which a
# workbook cannot hold, so no name contains it.
_SEPARATOR = "\x1f"

_TOKEN_ARGS = ("input_tokens", "output_tokens", "input_price", "output_price")
_SELFHOST_ARGS = ("gpu_hour_price", "tokens_per_task", "tokens_per_second")


class SummaryTable:
    """Collects each scenario's inputs compactly; computes the figures a block at a time.

    Inputs are kept in ``array('d')`` columns (a choice such as ``Yes``/``No``
    or a reference letter as its position in the list) until ``chunk``
    scenarios have come in; then the figures of all of them are computed at
    once by the broadcasting core and only the figures are kept. Memory thus
    stays flat however long the batch; ``chunk=None`` keeps every input and
    computes everything in one go at the end.
    """

    def __init__(self, layout: Layout, chunk: int | None = 2048):
        self.layout = layout
        self.chunk = chunk
        self.scenarios: list[str] = []
        self.files: list[str] = []
        # Each scenario's option names in one string: a tuple of strings takes
        # three times the memory, and a long batch keeps one per scenario.
        self._option_names: list[str] = []
        self._shared = {k: array("d") for k, spec in layout.shared.items() if _kept(spec)}
        first = layout.options[layout.letters[0]] if layout.letters else {}
        self._option = {k: array("d") for k, spec in first.items() if _kept(spec)}
        self._pending = 0
        self._results: dict[str, array] = {key: array("d") for key, _, _ in FIGURES}
        self._results |= {"included": array("b"), "cheapest": array("l"), "reference": array("l")}

    def __len__(self) -> int:
        return len(self.scenarios)

    def add(self, scenario: Scenario, file: str) -> None:
        values = scenario.values
        self.scenarios.append(scenario.name)
        self.files.append(file)
        self._option_names.append(_SEPARATOR.join(scenario.option_names))
        for key, column in self._shared.items():
            column.append(_number(self.layout.shared[key], values))
        for key, column in self._option.items():
            for letter in self.layout.letters:
                column.append(_number(self.layout.options[letter][key], values))
        self._pending += 1
        if self.chunk and self._pending >= self.chunk:
            self._flush()

    def option_names(self, row: int) -> list[str]:
        """The names of a scenario's options."""
        return self._option_names[row].split(_SEPARATOR)

    def option_counts(self) -> list[int]:
        """How many options each scenario gives."""
        return [names.count(_SEPARATOR) + 1 for names in self._option_names]

    def columns(self) -> dict[str, np.ndarray]:
        """The inputs not yet summarised: shared ``(n, 1)``, per option ``(n, options)``.

        A choice holds its position in the list of choices (``Yes`` is 0).
        """
        n, k = self._pending, len(self.layout.letters)
        arrays = {
            key: np.frombuffer(col, dtype=np.float64).reshape(n, 1)
            for key, col in self._shared.items()
        }
        for key, col in self._option.items():
            arrays[key] = np.frombuffer(col, dtype=np.float64).reshape(n, k)
        return arrays

    def _flush(self) -> None:
        if not self._pending:
            return
        counts = self.option_counts()[len(self) - self._pending :]
        figures = summarise(self.layout, self.columns(), counts)
        for key, column in self._results.items():
            column.extend(np.asarray(figures[key]).ravel().tolist())
        # New columns rather than emptied ones: views of the old may still exist.
        self._shared = {key: array("d") for key in self._shared}
        self._option = {key: array("d") for key in self._option}
        self._pending = 0

    def figures(self) -> dict[str, np.ndarray]:
        """Figures and ``included`` by scenario and option; cheapest and reference by scenario."""
        self._flush()
        n, k = len(self), len(self.layout.letters)
        out = {
            key: np.frombuffer(self._results[key], dtype=np.float64).reshape(n, k)
            for key, _, _ in FIGURES
        }
        out["included"] = np.frombuffer(self._results["included"], dtype=np.int8).reshape(n, k)
        for key in ("cheapest", "reference"):
            out[key] = np.array(self._results[key], dtype=int)
        return out

    def rows(self) -> Iterator[list[object]]:
        """The table's rows: one per scenario and option, in the scenarios' order."""
        figures = self.figures()
        names = zip(self.scenarios, self.files, self._option_names, strict=True)
        for row, (scenario, file, joined) in enumerate(names):
            options = joined.split(_SEPARATOR)
            best = figures["cheapest"][row]
            cheapest = options[best] if best >= 0 else ""
            reference = options[figures["reference"][row]]
            for column, option in enumerate(options):
                numbers = [_value(figures[key][row, column]) for key, _, _ in FIGURES]
                yield [scenario, option, file, reference, *numbers, cheapest]

    def write(self, out_dir: Path, overwrite: bool, csv_decimal: str = ".") -> list[Path]:
        """Write summary.xlsx and summary.csv; returns their paths."""
        # Rows are made twice from the compact columns rather than held in a list.
        return summary_files.write(self.rows, COLUMNS, out_dir, overwrite, csv_decimal)


def summarise(
    layout: Layout, columns: Mapping[str, np.ndarray], option_counts: list[int]
) -> dict[str, np.ndarray]:
    """Every scenario's key figures at once, from its inputs as columns.

    ``option_counts`` says how many options each scenario gives; the others
    are NaN and never the cheapest.
    """
    n, k = len(option_counts), len(layout.letters)
    given = np.arange(k) < np.array(option_counts).reshape(n, 1)
    compute = _FIGURES_BY_TEMPLATE.get(layout.template_name, generic_figures)
    figures = compute(columns, (n, k))
    included = given & figures.pop("included", np.ones((n, k), dtype=bool))
    for key, _, _ in FIGURES:
        figures[key] = np.where(given, figures[key], np.nan)
    figures["included"] = included
    figures["cheapest"] = _cheapest(np.where(included, figures["tco"], np.nan))
    figures.setdefault("reference", np.zeros(n, dtype=int))
    return figures


def _kept(spec) -> bool:
    return spec.rule is not None or bool(getattr(spec, "choices", ()))


def _number(spec, values: Mapping[str, float | str]) -> float:
    value = values[spec.name]
    choices = getattr(spec, "choices", ())
    return float(choices.index(value)) if choices else float(value)


def _value(number: float) -> float | None:
    return None if math.isnan(number) else float(number)


def _cheapest(tco: np.ndarray) -> np.ndarray:
    """Index of the lowest TCO per scenario (the first on a tie); -1 when none is known."""
    if tco.size == 0:
        return np.zeros(len(tco), dtype=int)
    filled = np.where(np.isnan(tco), np.inf, tco)
    return np.where(np.isfinite(filled).any(axis=1), np.argmin(filled, axis=1), -1)


def _pick(columns: Mapping[str, np.ndarray], names) -> dict[str, np.ndarray]:
    return {name: columns[name] for name in names if name in columns}


def _masked(function, mask: np.ndarray, shape, **arguments) -> np.ndarray:
    """``function`` where ``mask`` holds, NaN elsewhere (rows the function would refuse)."""
    out = np.full(shape, np.nan)
    mask = np.broadcast_to(mask, shape)
    if mask.any():
        chosen = {k: np.broadcast_to(v, shape)[mask] for k, v in arguments.items()}
        out[mask] = function(**chosen)
    return out


def tco_comparison_figures(c: Mapping[str, np.ndarray], shape) -> dict[str, np.ndarray]:
    """The tco_comparison workbook's figures, with its definitions, for all scenarios at once.

    Cost per task is the running cost (model by its pricing, plus human
    review); errors cost their expected amount, caught ones at rework cost;
    TCO adds the scaffolding build (hours x rate) and fixed costs; the
    break-even accuracy is against the reference option, with build and
    fixed costs spread over the discounted task volume, as the workbook does.
    """
    everywhere = np.ones(shape, dtype=bool)
    api = _masked(
        _unit_costs.token_cost, everywhere, shape, **_pick(c, _unit_costs.token_cost.rules)
    )
    tokens = c["calls"] * (c["input_tokens"] + c["output_tokens"] + c["reasoning_tokens"])
    selfhost = _unit_costs.selfhost_cost(
        c["gpu_hour_price"], tokens, c["tokens_per_second"], c["utilization"]
    )
    self_hosted = c["pricing"] == 1  # choices: API, Self-hosted
    running = np.where(self_hosted, selfhost, api) + c["review_share"] * c["review_cost"]
    error_args = (c["cost_per_error"], c["catch_rate"], c["cost_per_caught_error"])
    per_error = _unit_costs.error_cost(0.0, *error_args)  # a task that is always wrong
    errors = _unit_costs.error_cost(c["accuracy"], *error_args)
    upfront = c["build_hours"] * c["hourly_rate"]
    monthly = c["monthly_maintenance"] + c["monthly_fixed"]
    horizon = (c["months"], c["monthly_growth"], c["annual_discount_rate"])
    tasks = c["tasks_per_month"]
    tco = _tco.tco(tasks, running, c["accuracy"], per_error, upfront, monthly, *horizon)
    correct = _masked(
        _unit_costs.cost_per_correct,
        c["accuracy"] > 0,
        shape,
        cost_per_task=running,
        accuracy=c["accuracy"],
    )
    volume_factor, fixed_factor = _tco.discounted_month_sums(*horizon)
    spread = (upfront + monthly * fixed_factor) / volume_factor
    reference = c["reference_option"].astype(int)  # (n, 1)
    ref_all_in = np.take_along_axis(np.broadcast_to(running + errors, shape), reference, axis=1)
    ref_spread = np.take_along_axis(np.broadcast_to(spread, shape), reference, axis=1)
    is_reference = np.arange(shape[1]) == reference
    breakeven = _masked(
        _breakeven.breakeven_accuracy,
        ~is_reference & (tasks > 0) & (per_error > 0),
        shape,
        efficient_cost_per_task=running,
        frontier_cost_per_task=ref_all_in,
        frontier_accuracy=1.0,
        cost_per_error=per_error,
        efficient_monthly_fixed=spread,
        frontier_monthly_fixed=ref_spread,
        tasks_per_month=tasks,
    )
    return {
        "cost_per_task": np.broadcast_to(running, shape),
        "error_cost_per_task": np.broadcast_to(errors, shape),
        "tco": np.broadcast_to(tco, shape),
        "cost_per_correct": correct,
        "breakeven_accuracy": breakeven,
        "included": np.broadcast_to(c["include"] == 0, shape),  # choices: Yes, No
        "reference": reference[:, 0],
    }


def generic_figures(c: Mapping[str, np.ndarray], shape) -> dict[str, np.ndarray]:
    """Figures of a template whose inputs are the core functions' arguments.

    Cost per task is given, or from token prices, or from GPU costs; the
    first option is the reference.
    """
    everywhere = np.ones(shape, dtype=bool)
    if "cost_per_task" in c:
        cost = np.broadcast_to(c["cost_per_task"], shape)
    elif all(a in c for a in _TOKEN_ARGS):
        cost = _masked(
            _unit_costs.token_cost, everywhere, shape, **_pick(c, _unit_costs.token_cost.rules)
        )
    elif all(a in c for a in _SELFHOST_ARGS):
        cost = _masked(
            _unit_costs.selfhost_cost,
            everywhere,
            shape,
            **_pick(c, _unit_costs.selfhost_cost.rules),
        )
    else:
        raise ValueError("the template declares no cost per task, token prices or GPU costs")
    accuracy = np.broadcast_to(c["accuracy"], shape)
    per_error = np.broadcast_to(c["cost_per_error"], shape)
    errors = _masked(
        _unit_costs.error_cost, everywhere, shape, **_pick(c, _unit_costs.error_cost.rules)
    )
    # Errors enter TCO at their expected cost per task (caught ones at rework cost).
    tco_arguments = _pick(c, _tco.tco.rules)
    tco_arguments.update(cost_per_task=cost + errors, accuracy=1.0, cost_per_error=0.0)
    tco = _masked(_tco.tco, everywhere, shape, **tco_arguments)
    correct = _masked(
        _unit_costs.cost_per_correct, accuracy > 0, shape, cost_per_task=cost, accuracy=accuracy
    )
    tasks = np.broadcast_to(c.get("tasks_per_month", 1.0), shape)
    fixed = np.broadcast_to(c.get("monthly_fixed", 0.0), shape)
    breakeven = _masked(
        _breakeven.breakeven_accuracy,
        (per_error[:, :1] > 0) & (tasks > 0),
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
        "cost_per_task": cost,
        "error_cost_per_task": errors,
        "tco": tco,
        "cost_per_correct": correct,
        "breakeven_accuracy": breakeven,
    }


_FIGURES_BY_TEMPLATE = {"tco_comparison": tco_comparison_figures}


def has_figures(layout: Layout) -> bool:
    """Whether the summary's key figures are defined for this template."""
    if layout.template_name in _FIGURES_BY_TEMPLATE:
        return True
    keys = set(layout.value_keys) | set(layout.shared_keys)
    costs = "cost_per_task" in keys or set(_TOKEN_ARGS) <= keys or set(_SELFHOST_ARGS) <= keys
    return bool(layout.letters) and costs and {"accuracy", "cost_per_error"} <= keys


_TEXT_COLUMNS = (0, 1, 2, 3, len(HEADINGS) - 1)
_WIDTHS = (30, 24, 30, 24, 14, 14, 16, 16, 16, 24)
COLUMNS = summary_files.Columns(
    headings=HEADINGS,
    widths=_WIDTHS,
    formats={
        index: fmt
        for index, fmt in zip(
            (i for i in range(len(HEADINGS)) if i not in _TEXT_COLUMNS),
            (f for _, _, f in FIGURES),
            strict=True,
        )
    },
)
