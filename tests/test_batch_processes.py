"""A batch's processes: killed, interrupted or resumed, nothing keeps running or lingers.

Each test runs ``xlfuncs generate`` as a process of its own session, sends it
a real signal, and waits for the outcome within a generous bound.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from batch_processes_support import command, session_processes, wait_for, write_batch

import xlfuncs
from xlfuncs._files.saving import _host, remove_stale_parts, save_atomically, write_bytes
from xlfuncs.batch import run as batch_run

EXAMPLE = Path(xlfuncs.__file__).parent / "batch" / "example_scenarios.yaml"


def workers(batch: int) -> list[int]:
    """The batch's worker processes: not the batch, its fork server or its resource tracker."""
    found = []
    for pid in session_processes(batch):
        try:
            command_line = Path(f"/proc/{pid}/cmdline").read_bytes()
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        helper = b"resource_tracker import main" in command_line or (
            b"forkserver import main" in command_line and parent == batch
        )
        if pid != batch and not helper:
            found.append(pid)
    return found


def started(tmp_path, jobs, count=4000, *extra):
    source = write_batch(tmp_path / "cases.json", count)
    out = tmp_path / "out"
    process = subprocess.Popen(
        command(source, "--out", out, "--jobs", jobs, *extra),
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(
        lambda: process.poll() is not None or len(list(out.glob("*.xlsx"))) >= 20,
        120,
        "the batch to write 20 workbooks",
    )
    assert process.poll() is None, "the batch ended before it could be stopped"
    return process, out


def test_workers_end_when_the_batch_is_killed_outright(tmp_path):
    process, out = started(tmp_path, 2)
    try:
        wait_for(lambda: len(workers(process.pid)) >= 2, 60, "the two worker processes")
        os.kill(process.pid, signal.SIGKILL)  # the batch alone, not its group
        process.wait(timeout=60)
        wait_for(lambda: not session_processes(process.pid), 30, "the workers to end")
    finally:
        for pid in session_processes(process.pid):
            os.kill(pid, signal.SIGKILL)
    # The next run in the folder removes what the killed one left half-written.
    left = list(out.glob(".*.part"))
    report = xlfuncs.generate(EXAMPLE, out, skip_existing=True)
    assert report.ok
    assert not list(out.glob(".*.part"))
    if left:
        assert f"removed {len(left)} temporary file(s)" in report.notes[0]


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_ends_with_one_line_exit_130_and_no_temporary_files(tmp_path, jobs):
    process, out = started(tmp_path, jobs)
    try:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        for pid in session_processes(process.pid):
            os.kill(pid, signal.SIGKILL)
    assert process.returncode == 130, stderr
    assert stderr.splitlines() == [
        "xlfuncs generate: interrupted (Ctrl-C); the workbooks already written are complete: "
        "run again with --skip-existing to finish"
    ]
    assert not list(out.glob(".*.part"))
    wait_for(lambda: not session_processes(process.pid), 30, "the workers to end")
    # Every workbook in the folder is complete; every one reported is there.
    workbooks = list(out.glob("*.xlsx"))
    assert len(workbooks) >= 20
    for path in workbooks:
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
    written = [line.split(None, 1)[1] for line in stdout.splitlines() if line.startswith("written")]
    assert all((out / name).exists() for name in written)


def test_sigterm_stops_the_batch_the_same_way(tmp_path):
    process, out = started(tmp_path, 2)
    try:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=120)
    finally:
        for pid in session_processes(process.pid):
            os.kill(pid, signal.SIGKILL)
    assert process.returncode == 143, stderr
    assert "stopped (SIGTERM)" in stderr and "Traceback" not in stderr
    assert not list(out.glob(".*.part"))
    wait_for(lambda: not session_processes(process.pid), 30, "the workers to end")


def test_a_resume_removes_stale_temporary_files_but_not_those_of_a_running_batch(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        # Names as save_atomically gives them: the writer's pid and host.
        host = _host()
        stale = out / f".case 1.{ended.pid}@{host}.0a1b2c3d.part"
        live = out / f".case 2.{running.pid}@{host}.0a1b2c3d.part"
        elsewhere = out / f".case 3.{ended.pid}@another-machine.0a1b2c3d.part"
        users = out / ".my notes.part"
        for path in (stale, live, elsewhere, users):
            path.write_bytes(b"partial")
        report = xlfuncs.generate(EXAMPLE, out, skip_existing=True)
        assert report.ok
        assert not stale.exists()
        assert live.exists() and elsewhere.exists() and users.exists()
        assert "removed 1 temporary file(s) left by an interrupted run" in report.notes[0]
    finally:
        running.kill()
        running.wait()


def test_temporary_files_are_named_after_their_process(tmp_path):
    seen = []

    def write(path):
        seen.append(os.path.basename(path))
        write_bytes(path, b"x")

    save_atomically(write, tmp_path / "book.xlsx", overwrite=False)
    assert seen[0].startswith(f".book.{os.getpid()}@") and seen[0].endswith(".part")
    assert remove_stale_parts(tmp_path) == []


def test_the_pool_never_starts_workers_with_a_bare_fork(tmp_path, monkeypatch):
    contexts = []

    class Recording(ProcessPoolExecutor):
        def __init__(self, *args, mp_context=None, **kwargs):
            contexts.append(mp_context)
            super().__init__(*args, mp_context=mp_context, **kwargs)

    monkeypatch.setattr(batch_run, "ProcessPoolExecutor", Recording)
    report = xlfuncs.generate(EXAMPLE, tmp_path, jobs=2)
    assert report.ok
    assert len(contexts) == 1 and contexts[0] is not None
    assert contexts[0].get_start_method() in ("forkserver", "spawn")
    expected = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    assert contexts[0].get_start_method() == expected


def test_no_fork_warning_with_threads_running(tmp_path):
    # Python 3.12+ warns (DeprecationWarning) when fork() is called with
    # threads running; made an error here. Older Pythons cannot warn: the
    # start method itself is checked above.
    script = (
        "import sys, threading, time, warnings, xlfuncs\n"
        "warnings.simplefilter('error', DeprecationWarning)\n"
        "threading.Thread(target=time.sleep, args=(30,), daemon=True).start()\n"
        "report = xlfuncs.generate(sys.argv[1], sys.argv[2], jobs=2)\n"
        "assert report.ok, report.failures\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(EXAMPLE), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "fork" not in result.stderr


def test_a_script_without_a_main_guard_is_told_what_to_do(tmp_path):
    # Workers started the safe way import the script; one that starts the
    # batch at import cannot have workers. It must say so, and end.
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import sys, xlfuncs\n"
        "report = xlfuncs.generate(sys.argv[1], sys.argv[2], jobs=2)\n"
        "print(report.failures[0].reason if report.failures else 'ok')\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(script), str(EXAMPLE), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert 'under `if __name__ == "__main__":`' in result.stdout
