"""Batch generation: one filled workbook per scenario, and one table comparing them all.

Not imported by ``import xlfuncs``: :func:`xlfuncs.generate` loads it on first
use, so that the Excel functions start without openpyxl or YAML.
"""

from pathlib import Path

__all__ = ["EXAMPLE_SCENARIOS"]

#: The bundled example scenarios: the essay's cases, with illustrative figures.
EXAMPLE_SCENARIOS = Path(__file__).parent / "example_scenarios.yaml"
