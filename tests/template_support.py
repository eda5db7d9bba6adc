"""Shared helpers of the template tests: LibreOffice, drawn inputs, figure comparison."""

from __future__ import annotations

import io
import math
import os
import zipfile
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from xlfuncs._libreoffice import INSTALL_HINT, find_soffice, recalculate

#: Error values a cell may show after recalculation.
ERROR_VALUES = ("#REF!", "#NAME?", "#DIV/0!", "#VALUE!", "#N/A", "#NUM!", "#NULL!", "Err:")


def unpacked(path_or_bytes: Path | bytes) -> list[tuple]:
    """A package as its entries, in order: name, time, attributes and content.

    Everything but the deflated bytes, which depend on the compressor (a batch
    deflates with ISA-L, a template build with zlib).
    """
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            (i.filename, i.date_time, i.external_attr, i.compress_type, archive.read(i))
            for i in archive.infolist()
        ]


def require_libreoffice() -> None:
    """Skip (or fail, with XLFUNCS_REQUIRE_LIBREOFFICE=1) when soffice is missing."""
    if find_soffice() is None:
        if os.environ.get("XLFUNCS_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(f"XLFUNCS_REQUIRE_LIBREOFFICE=1 but soffice was not found. {INSTALL_HINT}")
        pytest.skip(INSTALL_HINT)


def recalculated(paths: list[Path], out_dir: Path) -> list[openpyxl.Workbook]:
    """Recalculate all workbooks in one soffice run and open the results' values."""
    require_libreoffice()
    return [openpyxl.load_workbook(p, data_only=True) for p in recalculate(paths, out_dir)]


def draw(strategy: st.SearchStrategy, count: int, seed_value: int) -> list:
    """``count`` examples of ``strategy``, the same on every run (seeded, derandomized).

    Hypothesis generates the inputs; the test then builds every workbook and
    recalculates them in ONE LibreOffice run, which is far faster than one
    run per example.
    """
    examples: list = []

    @seed(seed_value)
    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def collect(example):
        examples.append(example)

    collect()
    return examples


def amounts(low: float, high: float, digits: int = 6) -> st.SearchStrategy[float]:
    """Numbers as a person types them: within [low, high], at most ``digits`` decimals."""
    return st.floats(low, high, allow_nan=False, allow_subnormal=False).map(
        lambda x: min(max(round(x, digits), low), high)
    )


def fixed(value: float, decimals: int) -> str:
    """Python's reading of the spreadsheet FIXED(value, decimals), with commas.

    As LibreOffice computes it: the value times 10**decimals in binary floating
    point, rounded half away from zero. FIXED(1249.975, 2) is 1,249.97 because
    1249.975 * 100 is 124997.49999999999; FIXED(0.3215 * 100, 1) is 32.2
    because 32.15 * 10 is 321.5 exactly, though 32.15 is stored as
    32.149999...: judging the half on the decimal expansion gives 32.1 there,
    which LibreOffice does not (checked on 2,400 such halves).
    """
    whole = math.floor(abs(value) * 10.0**decimals + 0.5)
    # a spreadsheet has no negative zero
    sign = "-" if value < 0 and whole else ""
    return f"{sign}{Decimal(whole).scaleb(-decimals):,.{decimals}f}"


def fixed_rounded(value: float, decimals: int) -> str:
    """Python's reading of FIXED(ROUND(value, decimals), decimals): a figure rounded once,
    as its cell shows it.

    ROUND, like a cell's number format, rounds the value as the spreadsheet
    shows it (15 significant digits), not its exact binary value:
    ROUND(1249.975, 2) is 1249.98, where FIXED(1249.975, 2) is 1,249.97.
    """
    shown = Decimal(f"{value + 0.0:.15g}")
    return f"{shown.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):,.{decimals}f}"


def cell_value(workbook: openpyxl.Workbook, where: tuple[str, str]) -> object:
    sheet, coordinate = where
    value = workbook[sheet][coordinate].value
    return "" if value is None else value


def error_cells(workbook: openpyxl.Workbook) -> list[str]:
    """Every cell holding an error value, as Sheet!A1 = value."""
    found = []
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(ERROR_VALUES):
                    found.append(f"{ws.title}!{cell.coordinate} = {cell.value}")
    return found


def compare_figures(
    workbook: openpyxl.Workbook,
    figures: Mapping[str, tuple[str, str]],
    expected: Mapping[str, object],
    *,
    abs_tol: Callable[[str], float] = lambda key: 0.0,
) -> list[str]:
    """Mismatches between computed cells and expected values (numbers at rel. 1e-9)."""
    assert set(figures) == set(expected), (
        f"figures without an expected value: {sorted(set(figures) - set(expected))[:5]}; "
        f"expected values without a figure: {sorted(set(expected) - set(figures))[:5]}"
    )
    problems = []
    for key, where in figures.items():
        got, want = cell_value(workbook, where), expected[key]
        if isinstance(want, str) or isinstance(got, str):
            ok = got == want
        else:
            ok = math.isclose(float(got), float(want), rel_tol=1e-9, abs_tol=abs_tol(key))
        if not ok:
            problems.append(f"{key} at {where[0]}!{where[1]}: sheet {got!r}, Python {want!r}")
    return problems


def formula_cells(path: Path, sheets: tuple[str, ...]) -> set[tuple[str, str]]:
    """Every formula cell of the named sheets in a built (not recalculated) workbook."""
    workbook = openpyxl.load_workbook(path)
    return {
        (name, cell.coordinate)
        for name in sheets
        for row in workbook[name].iter_rows()
        for cell in row
        if cell.data_type == "f"
    }


def scenario_texts(values: Mapping[str, object], subtitle: str) -> dict[str, str]:
    """What About and Summary say of the scenario: its name, or the defaults' subtitle."""
    name = str(values["scenario"])
    shown = (
        subtitle
        if name == "Illustrative defaults"
        else (f"Scenario: {name}. The inputs are on the Inputs sheet.")
    )
    return {"about.scenario": f"Scenario: {name}", "summary.subtitle": shown}


def timeline_figures(months: int, growth: float, annual_rate: float, max_months: int) -> dict:
    """The monthly timeline's shared rows: month, in horizon, growth, discount, their products."""
    r = (1 + annual_rate) ** (1 / 12) - 1
    out: dict[str, object] = {}
    for m in range(1, max_months + 1):
        flag = 1 if m <= months else 0
        g, discount = (1 + growth) ** (m - 1), 1 / (1 + r) ** m
        out |= {
            f"timeline.month.{m}": m,
            f"timeline.in_horizon.{m}": flag,
            f"timeline.growth.{m}": g,
            f"timeline.discount.{m}": discount,
            f"timeline.volume.{m}": flag * g * discount,
            f"timeline.fixed.{m}": flag * discount,
        }
    return out
