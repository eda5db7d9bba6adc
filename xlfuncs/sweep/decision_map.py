"""The decision map: which option is cheapest, and by how much, across two swept keys.

``sweep.xlsx`` holds two grids of stored values (no formulas) for the two
keys a user names (``--map tasks_per_month,cost_per_error``), with every
other swept key at one value (``--at key=value``; by default its middle
value): the cheapest option of each scenario (its letter; the options are
named above the grid), coloured per option by the sheet's own conditional
formatting, and how much cheaper it is than the
next option, shaded by a colour scale. The sheet prints on one landscape
page. ``sweep.png`` (matplotlib, the ``plot`` extra) draws the same map with
the break-even line: where two options cost the same, between the cells
whose cheapest option differs.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._errors import MapError
from .._files.saving import save_atomically
from .compute import Plan, block_table
from .stream import plan_of

__all__ = ["DecisionMap", "breakeven_lines", "decision_map", "write_map"]

#: Fills of the options on the map, in option order (light, so that the names stay legible).
FILLS = ("9DC3E6", "F4B183", "A9D18E", "FFD966", "C9A0DC", "D9D9D9")
#: The same colours for the picture.
COLOURS = tuple(f"#{fill}" for fill in FILLS)


@dataclass
class DecisionMap:
    """The map's cells: rows follow the Y key's values, columns the X key's."""

    plan: Plan
    x: object  # Axis
    y: object
    #: The other keys and the value each is held at.
    fixed: list[tuple[str, object]]
    #: (rows, columns): the 0-based number of each cell's scenario.
    scenarios: np.ndarray
    #: (rows, columns): the cheapest option's name ("" where none).
    cheapest: np.ndarray
    #: (rows, columns): by how much it is cheaper than the next option (NaN where none).
    cheaper_by: np.ndarray
    #: (rows, columns, options): each option's compared cost.
    costs: np.ndarray
    #: (rows, columns): the position of the cheapest option (-1 for none).
    position: np.ndarray
    #: The options' names, in option order.
    options: list[str]

    def codes(self) -> list[str]:
        """What the sheet's grid shows for each option: its letter (A, B ...)."""
        return [chr(ord("A") + i) for i in range(len(self.options))]


def decision_map(plan: Plan, axes: str | Sequence[str], at: Sequence[str] = ()) -> DecisionMap:
    """The map of two swept keys ``"X,Y"``, other keys held at ``at`` (``key=value``)."""
    if plan.grid is None:
        raise MapError("--map needs a sweep file (base and sweep), not a scenario file")
    grid = plan.grid
    keys = [k.strip() for k in axes.split(",")] if isinstance(axes, str) else list(axes)
    known = [axis.key for axis in grid.axes]
    if len(keys) != 2 or keys[0] == keys[1]:
        raise MapError(f"--map takes two different swept keys X,Y, got {axes!r}")
    for key in keys:
        if key not in known:
            raise MapError(
                f"--map: {key!r} is not a swept key; the swept keys are {', '.join(known)}"
            )
    chosen: dict[str, int] = {}
    for item in at:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or key not in known:
            raise MapError(f"--at {item!r}: write KEY=VALUE with a swept key ({', '.join(known)})")
        if key in keys:
            raise MapError(f"--at {item!r}: {key} is an axis of the map")
        axis = grid.axes[known.index(key)]
        chosen[key] = _position(axis, raw.strip(), item)
    positions = []
    for axis in grid.axes:
        if axis.key in keys:
            positions.append(None)
        else:
            positions.append(chosen.get(axis.key, (len(axis) - 1) // 2))
    x, y = (grid.axes[known.index(k)] for k in keys)
    rows, columns = len(y), len(x)
    index = []
    for axis, position in zip(grid.axes, positions, strict=True):
        if axis is x:
            index.append(np.tile(np.arange(columns), rows))
        elif axis is y:
            index.append(np.repeat(np.arange(rows), columns))
        else:
            index.append(np.full(rows * columns, position))
    numbers = np.ravel_multi_index(index, grid.shape) if grid.axes else np.zeros(0, int)
    block = block_table(plan, 0, 0, indices=numbers)
    width = block.costs.shape[1]
    names = list(plan.option_names) if not _labels(plan) else _labels(plan)
    fixed = [
        (axis.key, axis.values[p])
        for axis, p in zip(grid.axes, positions, strict=True)
        if p is not None
    ]
    return DecisionMap(
        plan,
        x,
        y,
        fixed,
        numbers.reshape(rows, columns),
        np.asarray(block.cheapest, dtype=object).reshape(rows, columns),
        block.cheaper_by.reshape(rows, columns),
        block.costs.reshape(rows, columns, width),
        block.cheapest_position.reshape(rows, columns),
        names[:width],
    )


def _labels(plan: Plan) -> list[str]:
    from .compute import _Figures

    cost = _Figures.of(plan.template).cost
    if cost is None:
        raise MapError(f"the template {plan.template} compares no costs: it has no map")
    return [] if isinstance(cost, str) else [label for label, _ in cost]


def _position(axis, raw: str, item: str) -> int:
    for index, value in enumerate(axis.values):
        if isinstance(value, float):
            try:
                number = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
            except ValueError:
                continue
            if math.isclose(number, value, rel_tol=1e-9, abs_tol=0.0):
                return index
        elif str(value) == raw:
            return index
    shown = ", ".join(format(v, ".6g") if isinstance(v, float) else str(v) for v in axis.values)
    raise MapError(f"--at {item!r}: not a value of {axis.key}; its values are {shown}")


# sweep.xlsx --------------------------------------------------------------------


def _money(map_: DecisionMap) -> str:
    return '#,##0;-#,##0;"-"'


def _shown(value) -> str:
    return format(value, ".6g") if isinstance(value, float) else str(value)


def write_xlsx(map_: DecisionMap, path: str) -> None:
    """The map as a printable sheet of stored values with native conditional formatting."""
    from openpyxl import Workbook
    from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Map"
    x, y = map_.x, map_.y
    rows, columns = map_.cheapest.shape
    sheet["A1"] = f"Decision map: {map_.plan.template}, {y.key} against {x.key}"
    sheet["A1"].font = Font(bold=True, size=13)
    held = "; ".join(f"{k} = {_shown(v)}" for k, v in map_.fixed) or "none"
    sheet["A2"] = f"Other swept keys held at: {held}"
    codes = map_.codes()
    legend = (f"{code}: {name}" for code, name in zip(codes, map_.options, strict=True))
    sheet["A3"] = "Options: " + "; ".join(legend)
    order = list(range(rows))[::-1]  # the largest Y value at the top, as on the picture

    def grid(top: int, title: str, values, number_format: str | None) -> str:
        sheet.cell(top, 1, title).font = Font(bold=True)
        sheet.cell(top + 1, 1, f"{y.key} \\ {x.key}").font = Font(italic=True)
        for c in range(columns):
            cell = sheet.cell(top + 1, c + 2, x.values[c])
            cell.font = Font(bold=True)
            cell.number_format = "General"
        for r, row in enumerate(order):
            sheet.cell(top + 2 + r, 1, y.values[row]).font = Font(bold=True)
            for c in range(columns):
                value = values[row, c]
                if isinstance(value, float) and not math.isfinite(value):
                    value = None
                cell = sheet.cell(top + 2 + r, c + 2, value if value != "" else None)
                cell.alignment = Alignment(horizontal="center")
                if number_format:
                    cell.number_format = number_format
        return f"B{top + 2}:{get_column_letter(columns + 1)}{top + 1 + rows}"

    first = 5
    by_code = np.where(
        map_.position >= 0, np.asarray([*codes, ""], dtype=object)[map_.position], ""
    )
    area = grid(first, "Cheapest option (see the options above)", by_code, None)
    for code, fill in zip(codes, FILLS, strict=False):
        text = f'"{code}"'
        sheet.conditional_formatting.add(
            area,
            CellIsRule(operator="equal", formula=[text], fill=PatternFill("solid", bgColor=fill)),
        )
    second = first + rows + 4
    area = grid(second, "Cheaper than the next option by", map_.cheaper_by, _money(map_))
    sheet.conditional_formatting.add(
        area,
        ColorScaleRule(start_type="min", start_color="FFFFFF", end_type="max", end_color="63BE7B"),
    )
    sheet.column_dimensions["A"].width = 18
    for c in range(columns):
        sheet.column_dimensions[get_column_letter(c + 2)].width = 11
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_area = f"A1:{get_column_letter(columns + 1)}{second + 1 + rows}"
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "&P of &N"
    book.save(path)


# sweep.png ---------------------------------------------------------------------


def breakeven_lines(map_: DecisionMap) -> list[np.ndarray]:
    """Where two options cost the same, as lines of (column, row) positions on the grid
    (fractions between cells): between each pair of cells whose cheapest options are
    those two, where their costs cross."""
    import contourpy

    rows, columns = map_.position.shape
    lines = []
    if rows < 2 or columns < 2:
        return lines
    width = map_.costs.shape[2]
    for a in range(width):
        for b in range(a + 1, width):
            mine = (map_.position == a) | (map_.position == b)
            if not ((map_.position == a).any() and (map_.position == b).any()):
                continue
            difference = map_.costs[:, :, a] - map_.costs[:, :, b]
            masked = np.ma.array(difference, mask=~mine | ~np.isfinite(difference))
            generator = contourpy.contour_generator(
                np.arange(columns, dtype=float), np.arange(rows, dtype=float), masked
            )
            lines += [np.asarray(line) for line in generator.lines(0.0) if len(line) > 1]
    return lines


def _axis_coordinates(axis, positions: np.ndarray) -> np.ndarray:
    """Grid positions (fractions between values) as the axis's values, on its scale."""
    values = np.asarray(axis.values, dtype=float)
    steps = np.arange(len(values), dtype=float)
    if _is_log(axis):
        return np.exp(np.interp(positions, steps, np.log(values)))
    return np.interp(positions, steps, values)


def _is_log(axis) -> bool:
    values = np.asarray(axis.values, dtype=float)
    return axis.scale == "log" or (
        axis.scale == "list"
        and len(values) > 2
        and (values > 0).all()
        and values.max() / values.min() >= 100
    )


def _edges(axis) -> np.ndarray:
    """Cell edges half-way between the values (on the axis's scale)."""
    return _axis_coordinates(axis, np.arange(len(axis) + 1, dtype=float) - 0.5)


def write_png(map_: DecisionMap, path: str) -> None:
    """The map as a picture: each cell coloured by its cheapest option, the break-even line."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    for axis in (map_.x, map_.y):
        if not axis.numeric:
            raise MapError(f"--png: {axis.key} is not a number; the picture needs numbers")
    figure, axes = plt.subplots(figsize=(8, 5.6), dpi=100)
    colours = ListedColormap(COLOURS[: max(1, len(map_.options))])
    shown = np.ma.array(map_.position, mask=map_.position < 0)
    axes.pcolormesh(
        _edges(map_.x),
        _edges(map_.y),
        shown,
        cmap=colours,
        vmin=-0.5,
        vmax=len(map_.options) - 0.5,
        shading="flat",
    )
    for line in breakeven_lines(map_):
        axes.plot(
            _axis_coordinates(map_.x, line[:, 0]),
            _axis_coordinates(map_.y, line[:, 1]),
            color="black",
            linewidth=2,
        )
    if _is_log(map_.x):
        axes.set_xscale("log")
    if _is_log(map_.y):
        axes.set_yscale("log")
    axes.set_xlabel(map_.x.key)
    axes.set_ylabel(map_.y.key)
    held = "; ".join(f"{k} = {_shown(v)}" for k, v in map_.fixed)
    axes.set_title(
        f"Cheapest option ({map_.plan.template})" + (f"\n{held}" if held else ""), fontsize=10
    )
    handles = [
        Patch(facecolor=COLOURS[i], edgecolor="grey", label=name)
        for i, name in enumerate(map_.options)
    ]
    handles.append(Line2D([], [], color="black", linewidth=2, label="break-even: same cost"))
    axes.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=2,
        fontsize=8,
        frameon=False,
    )
    figure.tight_layout()
    figure.savefig(path, format="png")
    plt.close(figure)


def write_map(
    source,
    out_dir: str | os.PathLike[str],
    axes: str,
    at: Sequence[str] = (),
    *,
    png: bool = False,
    overwrite: bool = False,
    template: str | None = None,
) -> list[Path]:
    """Write sweep.xlsx (and sweep.png) for a sweep file, a :class:`Plan` or a grid."""
    plan = source if isinstance(source, Plan) else plan_of(source, template, None)[0]
    map_ = decision_map(plan, axes, at)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "sweep.xlsx"]
    save_atomically(lambda p: write_xlsx(map_, p), written[0], overwrite)
    if png:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            from .._errors import MissingDependencyError
            from .._install import MATPLOTLIB, pip_install

            raise MissingDependencyError(
                "--png needs the optional matplotlib package; install it with: "
                + pip_install(MATPLOTLIB)
            ) from None
        written.append(folder / "sweep.png")
        save_atomically(lambda p: write_png(map_, p), written[1], overwrite)
    return written
