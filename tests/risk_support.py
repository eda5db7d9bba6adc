"""Scenarios with uncertain inputs for tco_comparison, and a reader of its Risk sheet.

The scenarios are drawn from a seed: each uncertain input of each option is
fixed (blank ends), ranged on both sides, on one side only, or collapsed
(low = most likely = high), read as a triangular or a Beta-PERT guess, always
within the input's allowed values and in order low <= most likely <= high.

The reader finds the Risk sheet's rows and columns by their labels, so the
tests do not repeat the sheet's layout.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from openpyxl import load_workbook

from xlfuncs.batch.template import resolve_template
from xlfuncs.templates._tco_inputs import UNCERTAIN

TEMPLATE = "tco_comparison"
LETTERS = ("A", "B", "C", "D")
DEFAULTS: dict[str, float | str] = {s.name: s.default for s in resolve_template(TEMPLATE).inputs}
#: Each uncertain input by key (the Inputs rows ``{x}_{key}_low`` ...), from the template.
BY_KEY = {item.key: item for item in UNCERTAIN}
SHAPES = ("fixed", "both", "low only", "high only", "collapsed")


def _bounds(key: str, mode: float) -> tuple[float, float]:
    """How far a guess may reach: accuracy stays in [0, 1], the rest in [0, a few times mode]."""
    if key == "accuracy":
        return 0.0, 1.0
    return 0.0, 4.0 * mode


def ranged(
    rng: random.Random, key: str, mode: float, shape: str
) -> tuple[float | None, float | None]:
    """Low and high of one guess of the given shape (``None``: left blank)."""
    if shape == "fixed":
        return None, None
    if shape == "collapsed":
        return mode, mode
    bottom, top = _bounds(key, mode)
    # Rounded to 6 decimals, then kept on the right side of the most likely value.
    low = min(round(mode - rng.uniform(0.05, 0.9) * (mode - bottom), 6), mode)
    high = max(round(mode + rng.uniform(0.05, 0.9) * (top - mode), 6), mode)
    low, high = max(low, bottom), min(high, top)
    if shape == "low only":
        return low, None
    if shape == "high only":
        return None, high
    return low, high


def set_guess(values: dict, name: str, key: str, rng: random.Random, shape: str, dist: str):
    """Write the low, high and distribution of the input ``name`` (its most likely value
    is ``values[name]``)."""
    low, high = ranged(rng, key, float(values[name]), shape)
    values[f"{name}_low"], values[f"{name}_high"] = low, high
    values[f"{name}_distribution"] = dist


def risk_scenario(
    seed: str,
    *,
    included: tuple[str, ...] = LETTERS,
    reference: str = "C",
    correlation: float = 1.0,
    shapes: tuple[str, ...] = SHAPES,
    distributions: tuple[str, ...] = ("Triangular", "PERT"),
    reference_shapes: tuple[str, ...] | None = None,
) -> dict[str, float | str]:
    """The template's defaults with random ranges (from ``seed``) on every uncertain input.

    ``shapes`` are the shapes drawn from; ``reference_shapes``, when given,
    those of the reference option's inputs.
    """
    rng = random.Random(seed)
    values = dict(DEFAULTS)
    values["scenario"] = f"Risk {seed}"
    values["reference_option"] = reference
    values["risk_correlation"] = correlation
    values["risk_entity"] = float(rng.randint(0, 99_999_999))
    low = round(rng.uniform(0.01, 0.3), 3)
    values["risk_percentile_low"] = low
    values["risk_percentile_mid"] = round(rng.uniform(low, 0.7), 3)
    values["risk_percentile_high"] = round(rng.uniform(0.7, 0.99), 3)
    values["months"] = float(rng.randint(1, 60))
    values["monthly_growth"] = round(rng.uniform(-0.05, 0.1), 4)
    values["annual_discount_rate"] = round(rng.uniform(0.0, 0.2), 4)
    set_guess(
        values, "tasks_per_month", "tasks_per_month", rng, rng.choice(shapes),
        rng.choice(distributions),
    )  # fmt: skip
    for letter in LETTERS:
        x = letter.lower()
        values[f"{x}_include"] = "Yes" if letter in included else "No"
        values[f"{x}_accuracy"] = round(rng.uniform(0.7, 0.995), 4)
        values[f"{x}_calls"] = float(rng.randint(1, 5))
        values[f"{x}_cost_per_error"] = round(rng.uniform(5, 80), 2)
        own = reference_shapes if (letter == reference and reference_shapes) else shapes
        for key in ("accuracy", "cost_per_error", "calls"):
            set_guess(values, f"{x}_{key}", key, rng, rng.choice(own), rng.choice(distributions))
    return values


# --- reading the Risk sheet ----------------------------------------------------------------


@dataclass
class Guess:
    """One range as the scenario gives it (blank ends at the most likely value)."""

    low: float
    mode: float
    high: float
    pert: bool

    @property
    def uncertain(self) -> bool:
        return self.high > self.low


def guess(values: dict, name: str) -> Guess:
    """The range of the input ``name`` of a scenario, blank ends read as the value itself."""
    mode = float(values[name])
    low, high = values.get(f"{name}_low"), values.get(f"{name}_high")
    return Guess(
        mode if low is None else float(low),
        mode,
        mode if high is None else float(high),
        values.get(f"{name}_distribution") == "PERT",
    )


@dataclass
class RiskSheet:
    """The stored values of a workbook's Risk sheet (and the cells the tests compare)."""

    path: Path
    trials: np.ndarray
    #: var_id -> the key of the uncertain input whose uniforms the column holds.
    uniforms: dict[int, np.ndarray] = field(default_factory=dict)
    keys_by_var_id: dict[int, str] = field(default_factory=dict)
    #: (key, letter or None) -> draws.
    draws: dict[tuple[str, str | None], np.ndarray] = field(default_factory=dict)
    #: letter -> the trial TCOs (objects: a left-out option shows "-").
    tco: dict[str, np.ndarray] = field(default_factory=dict)
    reference: np.ndarray | None = None
    #: result label -> letter -> value.
    results: dict[str, dict[str, object]] = field(default_factory=dict)
    calculations: dict[str, dict[str, object]] = field(default_factory=dict)
    #: The histogram: (upper edge, letter -> trials in the band) per band.
    bands: list[tuple[float, dict[str, object]]] = field(default_factory=list)


_UNIFORM = re.compile(r"^(?P<label>.+): uniform \(var_id (?P<var_id>\d+)\)$")
_RESULTS = {
    "TCO at the Inputs values (Calculations)": "at_inputs",
    "Mean TCO over the trials": "mean",
    "Probability of being the cheapest option": "cheapest",
    "Probability of costing less than the reference": "beats_reference",
}
_CALCULATIONS = {
    "Model cost per task, by pricing": "model_cost",
    "Human review cost per task": "review_cost",
    "Cost per error, caught errors at rework cost": "blended_error_cost",
    "Scaffolding build, upfront": "upfront",
    "Fixed cost per month": "monthly_fixed",
    "TCO: build plus discounted monthly costs (TCO)": "tco",
}


def read_risk(path: Path) -> RiskSheet:
    """The Risk sheet's trial columns, results and the Calculations rows the tests need."""
    book = load_workbook(path, data_only=True, read_only=True)
    rows = [list(r) for r in book["Risk"].iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if len(r) > 1 and r[1] == "Trial")
    first = next(i for i in range(header + 1, len(rows)) if rows[i][1] == 1)
    body = [r for r in rows[first:] if len(r) > 1 and isinstance(r[1], (int, float))]
    columns = list(zip(*body, strict=False))
    sheet = RiskSheet(path, np.array(columns[1], dtype=float))
    labels = {item.label: item.key for item in UNCERTAIN}
    for index, text in enumerate(rows[header]):
        if not isinstance(text, str):
            continue
        values = np.array(columns[index], dtype=object)
        found = _UNIFORM.match(text)
        if found:
            var_id = int(found["var_id"])
            sheet.uniforms[var_id] = values.astype(float)
            sheet.keys_by_var_id[var_id] = labels[found["label"]]
        elif text in labels:
            sheet.draws[(labels[text], None)] = values.astype(float)
        elif text[:-2] in labels and text[-1] in LETTERS:
            sheet.draws[(labels[text[:-2]], text[-1])] = values.astype(float)
        elif text.startswith("TCO ") and text[4:] in LETTERS:
            sheet.tco[text[4:]] = values
        elif text == "TCO of the reference":
            sheet.reference = values
    letters_row = next(r for r in rows if len(r) > 3 and r[1] == "Option" and r[3] == "Shared")
    option_columns = {v: i for i, v in enumerate(letters_row) if v in LETTERS}
    percentile_rows = 0
    for r in rows[:header]:
        if len(r) < 2 or not isinstance(r[1], str):
            continue
        key = _RESULTS.get(r[1])
        if r[1] == "TCO that this share of trials stays at or below":
            key = ("p_low", "p_mid", "p_high")[percentile_rows]
            percentile_rows += 1
        if key:
            sheet.results[key] = {x: r[i] for x, i in option_columns.items()}
    for r in rows[:header]:
        if len(r) > 3 and isinstance(r[2], str) and r[2].startswith("Band "):
            sheet.bands.append((r[3], {x: r[i] for x, i in option_columns.items()}))
    calc = [list(r) for r in book["Calculations"].iter_rows(values_only=True)]
    for r in calc:
        key = _CALCULATIONS.get(r[1]) if len(r) > 1 else None
        if key:  # options in columns E to H, as on the Risk sheet
            sheet.calculations[key] = {x: r[4 + i] for i, x in enumerate(LETTERS)}
    summary = [list(r) for r in book["Summary"].iter_rows(values_only=True)]
    sheet.calculations["summary"] = {"rows": summary}
    book.close()
    return sheet
