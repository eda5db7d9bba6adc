"""Helpers of the tests that run ``xlfuncs generate`` as a process and signal or confine it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

API_OPTION = {
    "pricing": "API",
    "input_tokens": 2000,
    "output_tokens": 500,
    "cost_per_error": 40,
    "hourly_rate": 100,
    "reasoning_tokens": 0,
    "calls": 1,
    "input_price": 3,
    "output_price": 15,
    "cached_share": 0,
    "cached_price": 0.3,
    "gpu_hour_price": 0,
    "tokens_per_second": 1000,
    "utilization": 1,
    "accuracy": 0.95,
    "catch_rate": 0.5,
    "review_share": 0,
    "build_hours": 100,
    "monthly_maintenance": 0,
    "monthly_fixed": 0,
}


def write_batch(path: Path, count: int, names=None, tasks_per_month: int = 1000) -> Path:
    """A JSON scenario file of ``count`` tco_comparison scenarios (valid unless told)."""
    names = names or [f"case {i}" for i in range(count)]
    scenarios = [
        {
            "name": name,
            "tasks_per_month": tasks_per_month + i,
            "reference_option": "A",
            "options": [{"name": "model", **API_OPTION}],
        }
        for i, name in enumerate(names)
    ]
    path.write_text(json.dumps({"scenarios": scenarios}), encoding="utf-8")
    return path


def command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "xlfuncs.cli", "generate", *map(str, arguments)]


def session_processes(session: int) -> list[int]:
    """Live (not zombie) processes of a session, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        state, sid = fields[0], int(fields[3])
        if sid == session and state not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def wait_for(condition, seconds: float, what: str) -> None:
    """Wait until ``condition()`` holds; fail after ``seconds`` (a bound, not a measure)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {seconds:g} s waiting for {what}")
        time.sleep(0.02)


def required() -> bool:
    """Whether a missing confinement mechanism fails the test rather than skip it (CI)."""
    return bool(os.environ.get("CI")) or os.environ.get("XLFUNCS_REQUIRE_LIBREOFFICE") == "1"


def confined(script: str) -> list[str]:
    """A command running the shell ``script`` in a private mount namespace.

    As root (CI) ``unshare -m``; otherwise in a user namespace where this
    user is root (``unshare -rm``). Mounts made there vanish with it.
    """
    unshare = shutil.which("unshare")
    flags = "-m" if os.geteuid() == 0 else "-rm"
    if unshare is not None:
        probe = subprocess.run([unshare, flags, "true"], capture_output=True)
        if probe.returncode == 0:
            return [unshare, flags, "sh", "-ec", script]
    message = "needs unshare (util-linux) and the right to make a mount namespace"
    if required():
        pytest.fail(message)
    pytest.skip(message)
