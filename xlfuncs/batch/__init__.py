"""Batch generation: one filled workbook per scenario, and one table comparing them all.

Not imported by ``import xlfuncs``: :func:`xlfuncs.generate` loads it on first
use, so that the Excel functions start without openpyxl or YAML.
"""
