"""Sweeps: a template's summary figures for every combination of a few inputs' values.

``xlfuncs sweep FILE --out DIR`` (see ``docs/sweep.md``): a sweep file
(:mod:`.grid`) or a scenario file, computed in blocks (:mod:`.compute`),
written to ``sweep.csv`` and ``sweep.parquet`` (:mod:`.stream`), with a
decision map of two axes (:mod:`.decision_map`).
"""

from .._errors import SweepError, SweepFileError
from .grid import DEFAULT_LIMIT, Grid, read_sweep, sweep_of
from .stream import SweepReport, sweep

__all__ = [
    "DEFAULT_LIMIT",
    "Grid",
    "SweepError",
    "SweepFileError",
    "SweepReport",
    "read_sweep",
    "sweep",
    "sweep_of",
]
