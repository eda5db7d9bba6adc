"""What the benchmarks share: timings, and calls through xlwings' Office.js path.

The Office.js path is the one xlwings Server and xlwings Lite take: the
benchmarks call ``custom_functions_call`` with the payload Excel would send.
Import this module before xlwings: it sets the environment that xlwings reads
when it is imported to choose that path.
"""

from __future__ import annotations

import os

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import asyncio
import types

import xlwings as xw
from _timing import best_of
from xlwings.server import custom_functions_call

__all__ = ["best_of", "call", "passthrough_module", "payload"]

_LOOP = asyncio.new_event_loop()


def payload(func_name, args):
    """What Excel sends for one call: ``args`` has a list of rows per argument, None if omitted."""
    return {
        "func_name": func_name,
        "args": args,
        "version": xw.__version__,
        "client": "Office.js",
        "runtime": "1.4",
        "culture_info_name": "en-US",
        "content_language": "en-US",  # what older xlwings (0.33) reads instead
        "date_format": "M/d/yyyy",
        "caller_address": "Sheet1!A1",
    }


def call(data, module, times=1):
    """Make the call ``data`` to ``module`` through the Office.js path; the last result."""
    result = None
    for _ in range(times):
        result = _LOOP.run_until_complete(custom_functions_call(data, module))
    return result


def passthrough_module():
    """A module whose one function, PASS, takes up to nine raw arguments and returns 1.

    It does no work of its own, so timing it gives what the Office.js path
    itself costs for the same arguments.
    """
    module = types.ModuleType("passthrough")

    def PASS(a, b=None, c=None, d=None, e=None, f=None, g=None, h=None, i=None):  # noqa: N802
        """Return 1."""
        return 1.0

    for name in "abcdefghi":
        PASS = xw.arg(name, "raw")(PASS)  # noqa: N806
    module.PASS = xw.func(PASS)
    return module
