"""The real Office.js path: xlwings Server serving xlfuncs, its JavaScript run under Node.

:class:`XlwingsServer` starts the ``xlwings-server`` package from PyPI (the
``e2e`` extra) on 127.0.0.1 with a project whose ``custom_functions`` module is
``from xlfuncs.udfs import *``, set up as the README says (licence key, an
empty function namespace). :class:`OfficeJsClient` runs ``officejs_runtime.js``
under Node: it fetches the custom-functions JavaScript the server serves and
calls the functions as Excel would, so every call goes JavaScript -> HTTP ->
Python -> back. Both are started and stopped by process id, and every wait is
bounded in time.

Tests that need them skip when Node or xlwings Server is missing, and fail
instead when ``XLFUNCS_REQUIRE_E2E=1`` (as in continuous integration).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

__all__ = ["OMIT", "OfficeJsClient", "XlwingsServer", "require_e2e"]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RUNTIME_JS = HERE / "officejs_runtime.js"

#: An argument left out of the formula: Office.js sends null.
OMIT = None

#: How long the server and Node may take to start, and one call to answer.
START_SECONDS = 90
CALL_SECONDS = 60


def require_e2e() -> str:
    """The path of ``node``, after checking that xlwings Server can run; else skip or fail."""
    problems = []
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        problems.append("Node is not installed (Debian or Ubuntu: apt-get install nodejs)")
    if sys.version_info < (3, 11):
        problems.append("xlwings Server needs Python 3.11 or newer")
    else:
        try:
            import importlib.util

            if importlib.util.find_spec("xlwings_server") is None:
                raise ImportError
        except ImportError:
            problems.append('xlwings Server is not installed (pip install -e ".[test,e2e]")')
    if problems:
        message = "; ".join(problems)
        if os.environ.get("XLFUNCS_REQUIRE_E2E") == "1":
            pytest.fail(f"XLFUNCS_REQUIRE_E2E=1 but {message}")
        pytest.skip(message)
    return node


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """Stop one process we started, by its id: politely, then for good."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class XlwingsServer:
    """xlwings Server on 127.0.0.1 serving ``xlfuncs.udfs`` as its custom functions."""

    def __init__(self, project: Path, env: dict[str, str] | None = None, extra_code: str = ""):
        (project / "custom_functions").mkdir(parents=True)
        (project / "custom_functions" / "__init__.py").write_text(
            "from xlfuncs.udfs import *  # noqa: F403\n" + extra_code
        )
        (project / "custom_scripts").mkdir()
        (project / "custom_scripts" / "__init__.py").write_text("")
        self.port = _free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.log_path = project / "server.log"
        environment = {
            **os.environ,
            "XLWINGS_PROJECT_DIR": str(project),
            "XLWINGS_LICENSE_KEY": "noncommercial",
            # So that the functions are =TCO(), not =XLWINGS.TCO(): see the README.
            "XLWINGS_FUNCTIONS_NAMESPACE": "",
            "XLWINGS_ENVIRONMENT": "prod",
            "XLWINGS_ENABLE_SOCKETIO": "false",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            **(env or {}),
        }
        self._log = open(self.log_path, "w")  # noqa: SIM115 - open while the server runs
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "xlwings_server.main:main_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
            ],
            cwd=project,
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_until_up()
        except BaseException:
            self.close()
            raise

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"xlwings Server stopped:\n{self.log_path.read_text()}")
            try:
                self.get("/xlwings/custom-functions-meta")
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise RuntimeError(
            f"xlwings Server did not answer in {START_SECONDS} s:\n{self.log_path.read_text()}"
        )

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.origin + path, timeout=CALL_SECONDS) as response:
            return response.read().decode("utf-8")

    def close(self) -> None:
        _stop(self.process)
        self._log.close()


class OfficeJsClient:
    """The custom-functions JavaScript of a server, run under Node as Excel runs it."""

    def __init__(self, node: str, origin: str, runtime: str, stderr_path: Path):
        self.runtime = runtime
        self._stderr_path = stderr_path
        self._stderr = open(stderr_path, "w")  # noqa: SIM115 - open while Node runs
        self.process = subprocess.Popen(
            [node, str(RUNTIME_JS), origin, runtime],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
        )
        # A thread reads Node's answers, so that every wait has a time limit.
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        try:
            ready = self._answer(START_SECONDS)
        except BaseException:
            self.close()
            raise
        self.functions = ready["functions"]

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put("")

    def _answer(self, seconds: float) -> dict:
        try:
            line = self._lines.get(timeout=seconds)
        except queue.Empty:
            raise RuntimeError(f"Node gave no answer in {seconds} s") from None
        if not line:
            raise RuntimeError(f"Node stopped:\n{self._stderr_path.read_text()}")
        return json.loads(line)

    def time(self, name: str, *args: object, declared: int, repeat: int) -> float:
        """Seconds that ``repeat`` calls of ``=NAME(args...)`` take, one after the other."""
        answer = self._send(name, args, declared, repeat=repeat)
        if "result" not in answer:
            raise AssertionError(f"{name}: {answer}")
        return answer["seconds"]

    def call(self, name: str, *args: object, declared: int) -> dict:
        """What ``=NAME(args...)`` gives: ``{"result": ...}`` or ``{"error": {code, message}}``.

        Each argument is a 2-D list (a range), a single value (one cell, sent as
        ``[[value]]``) or :data:`OMIT`; like Excel, every one of the ``declared``
        parameters is sent, null for those not given.
        """
        return self._send(name, args, declared)

    def _send(self, name: str, args: tuple, declared: int, repeat: int = 0) -> dict:
        cells = [a if a is None or isinstance(a, list) else [[a]] for a in args]
        cells += [None] * (declared - len(cells))
        request = {"name": name, "args": cells, **({"repeat": repeat} if repeat else {})}
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self._answer(CALL_SECONDS * max(1, repeat // 100))
        if "crashed" in answer or "missing" in answer:
            raise AssertionError(f"{name}: {answer}")
        return answer

    def close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _stop(self.process)
        self._stderr.close()
