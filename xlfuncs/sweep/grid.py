"""Sweep files: a base scenario and the axes to vary it along, checked before any work.

A sweep file (YAML or JSON) names a template, gives one scenario in the
layout of scenario files (``base``) and, under ``sweep``, the keys to vary::

    template: tco_comparison
    base: {name: Support desk, tasks_per_month: 50000, options: [...]}
    sweep:
      options.A.accuracy: [0.90, 0.93, 0.95, 0.97, 0.99]
      tasks_per_month: {from: 1000, to: 1000000, steps: 40, scale: log}

A key is written as in a scenario file: a shared input, or an option's
input for every option (``cost_per_error``), or ``options.A.accuracy`` for
one option (by its letter, or its name in ``base``). The grid is every
combination of the axes' values, the first axis varying slowest. Every value
of every axis is checked by the scenario reader itself, put in place in the
base scenario: a bad value is refused with the message a scenario file would
get, naming the sweep file and the key.
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._errors import InputError, ScenarioFileError, SweepFileError
from .._files.text import json_document
from ..batch.read.checker import Scenario, ScenarioProblem, normalise_key, suggest
from ..batch.read.nested import read_nested
from ..batch.read.price_book import PriceBook
from ..batch.template import DEFAULT_TEMPLATE, Layout, resolve_template
from ..templates._risk import ENTITY_INPUT

__all__ = ["DEFAULT_LIMIT", "Axis", "Grid", "SweepFileError", "read_sweep", "sweep_of"]

#: The most scenarios a sweep makes unless told otherwise (``--max-scenarios``).
DEFAULT_LIMIT = 2_000_000
#: The most values one axis may have.
AXIS_LIMIT = 100_000
_TOP_KEYS = ("template", "base", "sweep", "note")
_RANGE_KEYS = ("from", "to", "steps", "scale")


@dataclass(frozen=True)
class Axis:
    """One swept key: its values, and what each value makes of the template's inputs."""

    key: str
    #: The values as given (numbers or texts), in order.
    values: tuple[float | str, ...]
    #: Per template input the axis sets: its value for each of the axis's values.
    inputs: Mapping[str, tuple[float | str, ...]]
    #: ``"log"``, ``"linear"`` or ``"list"``: how the values were given.
    scale: str = "list"

    def __len__(self) -> int:
        return len(self.values)

    @property
    def numeric(self) -> bool:
        return all(isinstance(v, float) for v in self.values)


@dataclass(frozen=True)
class Grid:
    """Every combination of the axes' values, around a checked base scenario."""

    template: str
    base: Scenario
    axes: tuple[Axis, ...]
    #: Where the grid comes from, for messages.
    file: str = ""
    #: The base scenario as written (a mapping in the scenario-file layout).
    document: Mapping = field(default_factory=dict, compare=False)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(axis) for axis in self.axes)

    @property
    def count(self) -> int:
        return math.prod(self.shape)

    def indices(self, start: int, stop: int) -> list[np.ndarray]:
        """Per axis, the index of its value in scenarios ``start`` to ``stop`` (0-based)."""
        flat = np.arange(start, stop, dtype=np.int64)
        if not self.axes:
            return []
        return list(np.unravel_index(flat, self.shape))

    def scenario_document(self, index: int) -> dict:
        """Scenario ``index`` (0-based) in the scenario-file layout, named ``scenario N``."""
        document = copy.deepcopy(dict(self.document))
        positions = [int(i[0]) for i in self.indices(index, index + 1)]
        for axis, position in zip(self.axes, positions, strict=True):
            _place(document, axis.key, axis.values[position], self.base)
        document["name"] = f"{self.base.name} {index + 1}"
        return document

    def values_at(self, index: int) -> dict[str, float | str]:
        """The template inputs of scenario ``index`` (0-based)."""
        values = dict(self.base.values)
        positions = [int(i[0]) for i in self.indices(index, index + 1)]
        for axis, position in zip(self.axes, positions, strict=True):
            for name, column in axis.inputs.items():
                values[name] = column[position]
        if values.get(ENTITY_INPUT, 0) is None:  # no entity given: the scenario's own streams
            values[ENTITY_INPUT] = float(index + 1)
        return values


def read_sweep(
    path: str | os.PathLike[str], template: str | None = None, limit: int | None = DEFAULT_LIMIT
) -> Grid:
    """Read and check a sweep file (``.yaml``, ``.yml`` or ``.json``).

    Parameters
    ----------
    path : path-like
        The sweep file.
    template : str, optional
        The template, when the file does not name one (default ``tco_comparison``).
    limit : int or None, default :data:`DEFAULT_LIMIT`
        The most scenarios the grid may have; ``None`` for no limit.

    Raises
    ------
    SweepFileError
        The file cannot be read, names an unknown key, has a bad axis or
        value, or makes more scenarios than ``limit``.
    """
    file = str(path)
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise SweepFileError(
            f"{file}: sweep files end in .yaml, .yml or .json; got {path.suffix or 'no suffix'!r}"
        )
    if not path.is_file():
        raise SweepFileError(f"{file}: no such file")
    try:
        if suffix == ".json":
            document = json_document(path, file)
        else:
            from ..batch.read.yaml_files import yaml_document

            document = yaml_document(path, file)
    except ScenarioFileError:
        raise
    except InputError as error:
        raise SweepFileError(str(error)) from None
    return sweep_of(document, file, template, limit)


def sweep_of(
    document: object,
    file: str = "the sweep",
    template: str | None = None,
    limit: int | None = DEFAULT_LIMIT,
) -> Grid:
    """The grid of a sweep given as a mapping (the parsed sweep file); see :func:`read_sweep`."""
    if not isinstance(document, Mapping):
        raise SweepFileError(f"{file}: a sweep file is a mapping with base and sweep")
    for key in document:
        if key not in _TOP_KEYS and not str(key).startswith("x-"):
            raise SweepFileError(
                f"{file}: unknown key {str(key)!r} at the top{suggest(str(key), _TOP_KEYS)}; "
                "a sweep file has template, base, sweep (and note, and keys starting with x-)"
            )
    name = document.get("template") or template or DEFAULT_TEMPLATE
    if template and document.get("template") and template != document.get("template"):
        raise SweepFileError(
            f"{file}: the file is for the template {document.get('template')!r}, not {template!r}"
        )
    try:
        chosen = resolve_template(str(name))
    except InputError as error:
        raise SweepFileError(f"{file}, key 'template': {error}") from None
    layout = Layout.of(chosen)
    base_document = document.get("base")
    if not isinstance(base_document, Mapping):
        raise SweepFileError(f"{file}: 'base' must be a scenario (a mapping of inputs)")
    base_document = dict(base_document)
    base_document.setdefault("name", "scenario")
    prices = PriceBook()
    base = _checked(base_document, layout, file, "base", prices)
    axes_document = document.get("sweep")
    if not isinstance(axes_document, Mapping) or not axes_document:
        raise SweepFileError(
            f"{file}: 'sweep' must map each key to vary to its values "
            "(a list, or from, to, steps and scale)"
        )
    axes = []
    set_by: dict[str, str] = {}
    for raw_key, raw in axes_document.items():
        key = str(raw_key)
        values, scale = _axis_values(file, key, raw)
        columns: dict[str, list] = {}
        for position, value in enumerate(values):
            placed = copy.deepcopy(base_document)
            _place(placed, key, value, base, file)
            checked = _checked(placed, layout, file, f"sweep {key!r}, value {position + 1}", prices)
            for input_name, input_value in checked.values.items():
                columns.setdefault(input_name, []).append(input_value)
        changed = {
            input_name: tuple(column)
            for input_name, column in columns.items()
            if input_name != layout.scenario_input
            and any(v != base.values[input_name] for v in column)
        }
        for input_name in changed:
            if input_name in set_by:
                raise SweepFileError(
                    f"{file}: the sweep keys {set_by[input_name]!r} and {key!r} both set the "
                    f"input {input_name}; sweep it once"
                )
            set_by[input_name] = key
        if len(set(map(repr, values))) > 1 and not changed:
            raise SweepFileError(
                f"{file}, sweep {key!r}: its values change no input of the scenario"
            )
        axes.append(Axis(key, tuple(_shown(values, changed)), changed, scale))
    grid = Grid(chosen.name, base, tuple(axes), file, base_document)
    if limit is not None and grid.count > limit:
        raise SweepFileError(
            f"{file}: the sweep makes {grid.count:,} scenarios "
            f"({' x '.join(f'{n:,}' for n in grid.shape)}); at most {limit:,} are made "
            "unless --max-scenarios allows more"
        )
    return grid


def _checked(
    document: Mapping, layout: Layout, file: str, where: str, prices: PriceBook
) -> Scenario:
    """The scenario the reader makes of ``document``, or its problem as an error."""

    found = next(iter(read_nested([document], layout, file, prices=prices, place=where)))
    if isinstance(found, ScenarioProblem):
        raise SweepFileError(str(found))
    return found


def _axis_values(file: str, key: str, raw: object) -> tuple[list, str]:
    """An axis's values: a list as given, or from/to/steps/scale worked out."""
    place = f"{file}, sweep {key!r}"
    if isinstance(raw, Sequence) and not isinstance(raw, (str, bytes)):
        if not raw:
            raise SweepFileError(f"{place}: the list of values is empty")
        if len(raw) > AXIS_LIMIT:
            raise SweepFileError(
                f"{place}: {len(raw):,} values; an axis has at most {AXIS_LIMIT:,}"
            )
        return list(raw), "list"
    if not isinstance(raw, Mapping):
        raise SweepFileError(
            f"{place}: give a list of values or a range (from, to, steps, scale), got {raw!r}"
        )
    unknown = [k for k in raw if k not in _RANGE_KEYS]
    if unknown:
        raise SweepFileError(
            f"{place}: unknown key {str(unknown[0])!r}{suggest(str(unknown[0]), _RANGE_KEYS)}; "
            "a range has from, to, steps and scale"
        )
    missing = [k for k in ("from", "to", "steps") if k not in raw]
    if missing:
        raise SweepFileError(f"{place}: a range needs from, to and steps; {missing[0]} is missing")
    ends = []
    for end in ("from", "to"):
        value = raw[end]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            value = _number_text(value)
        if value is None or not math.isfinite(value):
            raise SweepFileError(f"{place}, {end}: must be a number, got {raw[end]!r}")
        ends.append(float(value))
    steps = raw["steps"]
    if isinstance(steps, str) and steps.strip().isdigit():
        steps = int(steps.strip())
    if isinstance(steps, bool) or not isinstance(steps, int) or not 2 <= steps <= AXIS_LIMIT:
        raise SweepFileError(
            f"{place}, steps: must be a whole number from 2 to {AXIS_LIMIT:,}, got {steps!r}"
        )
    scale = raw.get("scale", "linear")
    scale = scale.strip() if isinstance(scale, str) else scale
    if scale not in ("log", "linear"):
        raise SweepFileError(f"{place}, scale: must be log or linear, got {scale!r}")
    if scale == "log":
        if ends[0] <= 0 or ends[1] <= 0:
            raise SweepFileError(
                f"{place}: a log scale needs from and to above 0, got from {ends[0]:g} "
                f"and to {ends[1]:g}"
            )
        values = np.geomspace(ends[0], ends[1], steps)
    else:
        values = np.linspace(ends[0], ends[1], steps)
    # The ends exactly as written, whatever the rounding of the steps between.
    values[0], values[-1] = ends
    return [float(v) for v in values], scale


def _shown(values: list, changed: Mapping[str, tuple]) -> list:
    """An axis's values for its column: numbers as numbers; text as the input it sets reads it
    (``95%`` is 0.95)."""
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return [float(v) for v in values]
    if changed:
        return list(next(iter(changed.values())))
    return [str(v) for v in values]


def _number_text(value: object) -> float | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        return None


def _place(document: dict, key: str, value: object, base: Scenario, file: str = "") -> None:
    """Put ``value`` at ``key`` in a scenario document (``options.A.accuracy`` for one option)."""
    parts = key.split(".")
    if len(parts) == 1:
        document[key] = value
        # An option's input given for the scenario is swept for every option,
        # even those of the base that give their own.
        options = document.get("options")
        if isinstance(options, list):
            wanted = normalise_key(key)
            document["options"] = [
                {k: v for k, v in option.items() if normalise_key(k) != wanted}
                if isinstance(option, Mapping)
                else option
                for option in options
            ]
        return
    if len(parts) != 3 or normalise_key(parts[0]) != "options":
        raise SweepFileError(
            f"{file}, sweep {key!r}: a key is an input (tasks_per_month) or one option's "
            "input (options.A.accuracy)"
        )
    options = document.get("options")
    if not isinstance(options, list):
        raise SweepFileError(f"{file}, sweep {key!r}: the base scenario has no list of options")
    which = parts[1]
    letters = [chr(ord("A") + i) for i in range(len(options))]
    if which.upper() in letters and len(which) == 1:
        position = letters.index(which.upper())
    elif which in base.option_names:
        position = base.option_names.index(which)
    else:
        raise SweepFileError(
            f"{file}, sweep {key!r}: no option {which!r} in the base scenario; its options are "
            f"{', '.join(letters)} ({', '.join(repr(n) for n in base.option_names)})"
        )
    option = options[position] = dict(options[position])
    option[parts[2]] = value
