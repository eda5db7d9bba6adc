"""Call the Excel functions the way classic xlwings (Excel on Windows, COM) does.

Classic xlwings needs Windows, Excel and pywin32; this host runs its Python
side on any system. In a process of its own (this file, run as a script) it
poses as Windows before xlfuncs is imported, with small stand-ins for the
parts of pywin32 that xlfuncs touches, and calls each function as
``xlwings.udfs.call_udf`` does:

- every argument goes through ``xlwings.conversion.read`` with the options
  the function registered (``raw``), as call_udf does;
- an argument left out of the formula arrives as the COM code
  ``DISP_E_PARAMNOTFOUND`` (-2147352572) and becomes the registered default;
- the result goes through ``xlwings.conversion.write`` and the unwrapping of
  ``XLPython.CallUDF`` (a 1 x 1 result becomes one value, one row a flat list).

The values are those COM hands over: a range is a tuple of row tuples, one
cell its value, a Currency or Accounting cell a ``decimal.Decimal`` (four
decimals), a blank cell ``None``, an error cell its COM code.

An exception becomes the cell's text as pywin32 and the xlwings add-in make
it (pywin32's ``PyCom_ExcepInfoFromPyException`` in ``ErrorUtils.cpp``, then
the add-in's VBA ``= Err.Description``): an instance of a subclass of
``pythoncom.com_error`` gives its ``description``; anything else gives
"Unexpected Python Error: " followed by the whole traceback.

Requests and answers travel as pickles, one base64 line each, so that
Decimals and tuples arrive as they are; an error value in a result arrives
as ``("error", COM code)``.
"""

from __future__ import annotations

import base64
import os
import pickle
import subprocess
import sys
from pathlib import Path

__all__ = ["MISSING", "ClassicCellError", "ClassicHost"]

ROOT = Path(__file__).resolve().parents[1]

#: DISP_E_PARAMNOTFOUND: what COM hands over for an argument left out of the formula.
MISSING = -2147352572


class ClassicCellError(Exception):
    """A call whose cell shows ``text``: the exception's description as Excel gets it."""

    def __init__(self, text: str, error_type: list[str], message: str):
        super().__init__(text)
        self.text = text
        self.error_type = error_type  # the names of the exception's classes, its MRO
        self.message = message  # str() of the exception


class ClassicHost:
    """The classic xlwings host process, and calls into it."""

    def __init__(self, stderr_path: Path, env: dict[str, str] | None = None):
        env = {**os.environ, **(env or {})}
        env.pop("XLWINGS_ON_SERVER", None)
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
        )

    def _request(self, request: object) -> object:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(base64.b64encode(pickle.dumps(request)) + b"\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"the classic host stopped:\n{self._stderr_path.read_text()}")
        return pickle.loads(base64.b64decode(line))

    def call(self, func_name: str, *args: object) -> object:
        """What Excel gets for ``=FUNC_NAME(args...)``; arguments not given are MISSING.

        Raises :class:`ClassicCellError` with the cell's text where the call fails.
        """
        answer = self._request(("call", func_name, args))
        if "text" in answer:
            raise ClassicCellError(answer["text"], answer["error_type"], answer["message"])
        return answer["result"]

    def evaluate(self, expression: str) -> object:
        """An expression evaluated in the host (after xlfuncs.udfs is imported)."""
        return self._request(("eval", expression))["result"]

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._stderr.close()


def _pose_as_windows() -> None:  # pragma: no cover - runs in the host process
    """Stand-ins for the parts of pywin32 xlfuncs and xlwings.udfs use, sys.platform
    'win32', and xlwings' Windows decorators."""
    import asyncio  # noqa: F401 - the standard library as on this system, before posing
    import concurrent.futures  # noqa: F401
    import subprocess  # noqa: F401
    import tempfile  # noqa: F401
    import types

    class com_error(Exception):  # noqa: N801, N818 - pywintypes' name
        """pywintypes.com_error: (hresult, strerror, excepinfo, argerror)."""

    class COMException(com_error):
        """win32com.server.exception.COMException: its description is the error text."""

        def __init__(self, description=None, scode=None, source=None, *args, **kwargs):
            self.description = description
            self.scode = scode
            self.source = source
            com_error.__init__(self, scode, description, None, -1)

    class VARIANT:
        """win32com.client.VARIANT: a typed value."""

        def __init__(self, varianttype, value):
            self.varianttype, self.value = varianttype, value

        def __eq__(self, other):
            return (self.varianttype, self.value) == (other.varianttype, other.value)

        def __repr__(self):
            return f"VARIANT({self.varianttype}, {self.value})"

    pythoncom = types.ModuleType("pythoncom")
    pythoncom.com_error = com_error
    pythoncom.VT_ERROR = 10
    pywintypes = types.ModuleType("pywintypes")
    pywintypes.com_error = com_error
    win32com = types.ModuleType("win32com")
    server = types.ModuleType("win32com.server")
    exception = types.ModuleType("win32com.server.exception")
    exception.COMException = COMException
    client = types.ModuleType("win32com.client")
    client.VARIANT = VARIANT
    client.Dispatch = None  # xlwings.udfs imports it; only Excel calls need it
    pythoncom.CoInitialize = lambda: None
    win32com.server, win32com.client, server.exception = server, client, exception
    sys.modules.update(
        {
            "pythoncom": pythoncom,
            "pywintypes": pywintypes,
            "win32com": win32com,
            "win32com.server": server,
            "win32com.server.exception": exception,
            "win32com.client": client,
        }
    )
    sys.platform = "win32"
    # The decorators xlwings hands out on Windows (xlwings/__init__.py).
    import xlwings
    import xlwings.udfs

    xlwings.func, xlwings.arg = xlwings.udfs.xlfunc, xlwings.udfs.xlarg

    class ExcelEngine:
        """The part of xlwings' Windows engine that converting a UDF's result uses.

        ``prepare_xl_data_element`` does what xlwings/_xlwindows.py's does
        for the values a function can return: NaN and None become an empty
        cell, numpy numbers floats; dates, which no function returns, are
        left out.
        """

        name = "excel"
        type = "desktop"

        @staticmethod
        def prepare_xl_data_element(x, date_format):
            import numpy as np

            if x is None or (isinstance(x, (float, np.floating)) and np.isnan(x)):
                return ""
            return float(x) if isinstance(x, np.number) else x

    xlwings.engines.add(xlwings.main.Engine(impl=ExcelEngine()))


def _call_udf(module, func_name: str, args: tuple) -> object:  # pragma: no cover - host
    """xlwings.udfs.call_udf and XLPython.CallUDF, without Excel."""
    from xlwings import conversion

    func = getattr(module, func_name)
    info = func.__xlfunc__
    args_info = info["args"]
    args = list(args) + [MISSING] * (len(args_info) - len(args))
    for i, arg in enumerate(args):
        arg_info = args_info[min(i, len(args_info) - 1)]
        if isinstance(arg, int) and arg == MISSING:
            args[i] = arg_info.get("optional", None)
        else:
            args[i] = conversion.read(None, arg, arg_info["options"])
    result = conversion.write(func(*args), None, info["ret"]["options"])
    if isinstance(result, list) and len(result) == 1 and isinstance(result[0], list):
        result = result[0][0] if len(result[0]) == 1 else result[0]
    return result


def _portable(result: object) -> object:  # pragma: no cover - runs in the host process
    """A result with each error VARIANT as ``("error", COM code)``, to pickle it."""
    if isinstance(result, list):
        return [_portable(x) for x in result]
    if type(result).__name__ == "VARIANT":
        assert result.varianttype == 10, result  # VT_ERROR
        return ("error", result.value)
    return result


def _serve() -> None:  # pragma: no cover - runs in the host process
    """Answer requests on stdin, one pickle line each, until stdin closes."""
    import traceback

    import xlwings  # noqa: F401 - imported as on Linux, before posing as Windows

    _pose_as_windows()
    import pythoncom

    import xlfuncs.udfs

    for line in sys.stdin.buffer:
        request = pickle.loads(base64.b64decode(line))
        try:
            if request[0] == "eval":
                answer = {"result": eval(request[1], {"xlfuncs": xlfuncs})}
            else:
                answer = {"result": _portable(_call_udf(xlfuncs.udfs, request[1], request[2]))}
        except Exception as error:
            if isinstance(error, pythoncom.com_error) and type(error) is not pythoncom.com_error:
                text = error.description or ""
            else:
                text = "Unexpected Python Error: " + traceback.format_exc()
            answer = {
                "text": text,
                "error_type": [c.__name__ for c in type(error).__mro__],
                "message": str(error),
            }
        sys.stdout.buffer.write(base64.b64encode(pickle.dumps(answer)) + b"\n")
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    _serve()
