"""Call the Excel functions the way Excel does: through xlwings' Office.js path.

xlwings Server and xlwings Lite hand every worksheet call to
``xlwings.server.custom_functions_call``, which only works when
``XLWINGS_ON_SERVER`` and a licence key are set before xlwings is first
imported. The rest of the test suite imports xlwings without them, so the
Office.js host runs in a process of its own (this file, run as a script) that
reads one JSON request per line on stdin and writes one JSON answer per line:

    {"func_name": "TCO", "args": [[[1000]], [[0.01]], null, ...]}
        -> {"result": [[1320.0]]}
        or {"error_type": "FunctionInputError", "is_xlwings_error": true, "message": "..."}
    {"meta": true}
        -> {"result": <xlwings.server.custom_functions_meta(xlfuncs.udfs)>}

Python's ``json`` writes and reads NaN and infinity as the non-standard
tokens ``NaN`` and ``Infinity``. Both ends allow them on purpose: a NaN sent
as an argument must arrive as NaN (xlwings Lite can pass one), and a NaN or
infinity leaking into a result must reach the tests to be caught, where
strict JSON would fail with a less telling error. :meth:`ExcelHost.call`
checks every result: a rectangle of finite numbers and Excel error values.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

__all__ = ["OMIT", "ExcelFunctionError", "ExcelHost"]

ROOT = Path(__file__).resolve().parents[1]

#: An argument left out of the formula, e.g. =TCO(1000, 0.01, 0.95, 8, , 2000).
OMIT = type("Omit", (), {"__repr__": lambda self: "OMIT"})()

#: Functions whose results are tables with text cells (names, empty cells).
TEXT_RESULTS = {"TCO_TORNADO"}

#: Excel's error values as Office.js receives them from a custom function.
ERROR_TYPES = {"Div0", "NotAvailable", "Num", "Value", "Name", "Null", "Ref"}


class ExcelFunctionError(Exception):
    """A call that Excel would show as an error value with this message."""

    def __init__(self, error_type: str, is_xlwings_error: bool, message: str):
        super().__init__(f"{error_type}: {message}")
        self.error_type = error_type
        self.is_xlwings_error = is_xlwings_error
        self.message = message


def _as_matrix(value: object) -> object:
    """One argument as Office.js sends it: a 2-D list, or null when omitted."""
    if value is OMIT:
        return None
    if isinstance(value, list):
        return value
    return [[value]]


def _check_cells(func_name: str, result: object) -> None:
    """Fail unless ``result`` is what Excel can show: numbers, error values, and text in tables."""
    if not (isinstance(result, list) and result and all(isinstance(r, list) for r in result)):
        raise AssertionError(f"{func_name} did not return a list of rows: {result!r}")
    if len({len(row) for row in result}) != 1 or not result[0]:
        raise AssertionError(f"{func_name} returned ragged or empty rows: {result!r}")
    for row in result:
        for cell in row:
            if isinstance(cell, dict):
                if cell.get("type") != "Error" or cell.get("errorType") not in ERROR_TYPES:
                    raise AssertionError(f"{func_name} returned an unknown cell {cell!r}")
            elif func_name in TEXT_RESULTS and isinstance(cell, str):
                continue  # a label, or "" for an empty cell
            elif isinstance(cell, bool) or not isinstance(cell, (int, float)):
                raise AssertionError(f"{func_name} returned a cell that is no number: {cell!r}")
            elif not math.isfinite(cell):
                raise AssertionError(f"{func_name} returned {cell!r} instead of an error value")


class ExcelHost:
    """The Office.js host process, and calls into it that look like Excel's."""

    def __init__(self, stderr_path: Path, env: dict[str, str] | None = None):
        env = {**os.environ, **(env or {})}
        env["XLWINGS_ON_SERVER"] = "true"
        env["XLWINGS_LICENSE_KEY"] = "noncommercial"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        self._stderr_path = stderr_path
        self._stderr = open(stderr_path, "w")  # noqa: SIM115 - open while the host runs
        self._process = subprocess.Popen(
            [sys.executable, __file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=ROOT,
            env=env,
            text=True,
            encoding="utf-8",
        )
        self._meta: dict | None = None

    def _request(self, request: dict) -> dict:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps(request, allow_nan=True) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"the Excel host stopped:\n{self._stderr_path.read_text()}")
        return json.loads(line)

    def meta(self) -> dict:
        """What xlwings registers with Excel: names, descriptions, parameters."""
        if self._meta is None:
            self._meta = self._request({"meta": True})["result"]
        return self._meta

    def call(self, func_name: str, *args: object) -> list[list[object]]:
        """The cells Excel shows for ``=FUNC_NAME(args...)``.

        A single value stands for one cell (sent as ``[[value]]``), a list of
        rows for a range, :data:`OMIT` for an argument left out. Like Excel,
        the call sends every declared parameter, null for those not given.
        Raises :class:`ExcelFunctionError` where Excel would show an error.
        """
        declared = self._parameter_count(func_name)
        padded = list(args) + [OMIT] * (declared - len(args))
        response = self._request({"func_name": func_name, "args": [_as_matrix(a) for a in padded]})
        if "error_type" in response:
            raise ExcelFunctionError(
                response["error_type"], response["is_xlwings_error"], response["message"]
            )
        _check_cells(func_name, response["result"])
        return response["result"]

    def _parameter_count(self, func_name: str) -> int:
        for function in self.meta()["functions"]:
            if function["id"] == func_name:
                return len(function["parameters"])
        raise KeyError(f"{func_name} is not registered with Excel")

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._stderr.close()


def _serve() -> None:  # pragma: no cover - runs in the host process
    """Answer requests on stdin, one JSON line each, until stdin closes."""
    import asyncio

    import xlwings
    from xlwings.server import custom_functions_call, custom_functions_meta

    import xlfuncs.udfs

    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request.get("meta"):
                result = custom_functions_meta(xlfuncs.udfs)
            else:
                payload = {
                    "func_name": request["func_name"],
                    "args": request["args"],
                    "version": xlwings.__version__,
                    "client": "Office.js",
                    "runtime": "1.4",
                    "culture_info_name": "en-US",
                    "content_language": "en-US",  # what older xlwings (0.33) reads instead
                    "date_format": "M/d/yyyy",
                    "caller_address": "Sheet1!A1",
                }
                result = asyncio.run(custom_functions_call(payload, xlfuncs.udfs))
            answer = json.dumps({"result": result}, allow_nan=True)
        except Exception as error:
            answer = json.dumps(
                {
                    "error_type": type(error).__name__,
                    "is_xlwings_error": isinstance(error, xlwings.XlwingsError),
                    "message": str(error),
                }
            )
        sys.stdout.write(answer + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _serve()
