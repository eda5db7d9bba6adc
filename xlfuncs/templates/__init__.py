"""The template workbooks: prebuilt comparison sheets that calculate without Python.

This is the one registry of templates: the command line, :func:`build_all`
and batch generation (:func:`xlfuncs.batch.template.resolve_template`) all
look templates up here. Each template is a module (named in
``TEMPLATE_MODULES``) with ``INPUTS``
(the one declaration of its inputs: name, unit, default, allowed range,
description), ``FILENAME`` and
``build(inputs, path)``, which writes the workbook with ``inputs`` over the
defaults. The workbooks use classic worksheet formulas only, so they
calculate in Excel, LibreOffice and Google Sheets.

This package imports openpyxl; the Excel functions (``xlfuncs.udfs``) never
import it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from .._errors import InputError
from .._validation import did_you_mean

__all__ = [
    "RISK_TEMPLATES",
    "TEMPLATE_MODULES",
    "TEMPLATE_NAMES",
    "build_all",
    "check_name",
    "template",
]

#: Template name -> its module in this package, in the order they are listed.
#: (The test-time-compute template's module is not named test_*.py, which
#: test runners would take for a test module.)
TEMPLATE_MODULES = {
    "tco_comparison": "tco_comparison",
    "breakeven_accuracy": "breakeven_accuracy",
    "margin_trap": "margin_trap",
    "test_time_compute": "paying_for_thinking",
    "scaffolding_build_vs_buy": "scaffolding_build_vs_buy",
}

#: Template names, in the order they are listed.
TEMPLATE_NAMES = tuple(TEMPLATE_MODULES)

#: Templates with a Risk sheet: a Monte Carlo simulation of their TCO in formulas alone.
RISK_TEMPLATES = ("tco_comparison", "scaffolding_build_vs_buy")


def check_name(name: object) -> str:
    """``name`` if it is a template's name, else :class:`~xlfuncs.InputError` saying the names.

    >>> check_name("margin_trap")
    'margin_trap'
    """
    if isinstance(name, str) and name in TEMPLATE_MODULES:
        return name
    raise InputError(
        f"unknown template {name!r}{did_you_mean(str(name), TEMPLATE_NAMES)}; "
        f"the templates are {', '.join(TEMPLATE_NAMES)}",
        function="template",
        argument="name",
    )


def template(name: str) -> ModuleType:
    """The module of one template, e.g. ``template("margin_trap").build({}, "m.xlsx")``."""
    return importlib.import_module(f"{__name__}.{TEMPLATE_MODULES[check_name(name)]}")


def build_all(folder: str | Path, names: Iterable[str] = TEMPLATE_NAMES) -> list[Path]:
    """Build every template with its default inputs into ``folder``; returns the paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        module = template(name)
        path = out / module.FILENAME
        module.build({}, path)
        paths.append(path)
    return paths
