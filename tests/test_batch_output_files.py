"""What ``generate`` and ``templates`` leave for the user: readable files, plain messages.

Permissions follow the umask (0666 less the umask, as any program's new
files); output folders that cannot be written (a file, a read-only mount, a
full disk) give one line naming the folder and what to do; nothing printed
can drive the terminal.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from batch_processes_support import command, confined, write_batch

import xlfuncs
from xlfuncs.cli import main

EXAMPLE = Path(xlfuncs.__file__).parent / "batch" / "example_scenarios.yaml"


@pytest.fixture
def umask():
    """Set the umask for one test; restore it after."""
    saved = os.umask(0o022)
    os.umask(saved)

    def set_to(value):
        os.umask(value)

    yield set_to
    os.umask(saved)


def modes(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002])
def test_files_get_the_permissions_the_umask_gives(tmp_path, umask, capsys, mask):
    umask(mask)
    expected = 0o666 & ~mask  # what open() gives a new file
    assert main(["generate", "--example", "--out", str(tmp_path / "batch")]) == 0
    assert main(["templates", "--out", str(tmp_path / "templates")]) == 0
    for folder in ("batch", "templates"):
        found = modes(tmp_path / folder)
        assert len(found) >= 5
        assert found == dict.fromkeys(found, expected), (folder, oct(mask))


def test_overwritten_files_follow_the_umask_too(tmp_path, umask):
    umask(0o022)
    xlfuncs.generate(EXAMPLE, tmp_path)
    xlfuncs.generate(EXAMPLE, tmp_path, overwrite=True)
    assert set(modes(tmp_path).values()) == {0o644}


# Printing ------------------------------------------------------------------

ESCAPES = ["\x1b[2K\r", "\x1b]0;title\x07", "\u202e", "\x9b31m"]


def test_control_characters_in_names_are_shown_escaped_not_sent(tmp_path, capsys):
    names = [f"case{i}{escape}ok" for i, escape in enumerate(ESCAPES)]
    # Each fails (a negative volume), so that its name and file are printed;
    # the file's name and the folder's hold escapes too.
    source = write_batch(tmp_path / "cases\x1b[2K\r.json", len(names), names, tasks_per_month=-10)
    main(["generate", str(source), "--out", str(tmp_path / "out\x1b[31m")])
    out, err = capsys.readouterr()
    for text in (out, err):
        assert "\x1b" not in text and "\r" not in text and "\u202e" not in text
        assert "\x07" not in text and "\x9b" not in text
    assert "cases\\x1b[2K\\r.json" in out  # the failures name the file, escaped
    assert "out\\x1b[31m" in out  # the folder too


def test_on_a_terminal_failures_are_escaped_too(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    source = write_batch(tmp_path / "bad\x1b[2K.json", 1, ["bad"], tasks_per_month=-10)
    main(["generate", str(source), "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert "\x1b[2K" not in out + err.replace("\x1b[A", "")
    assert "bad\\x1b[2K.json" in err


def test_with_stderr_not_a_terminal_each_result_is_printed_once(tmp_path):
    result = subprocess.run(
        command("--example", "--out", tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # one log, as `> log 2>&1` makes it
        text=True,
        timeout=300,
    )
    assert result.returncode == 0
    for name in ("Email drafting - errors are cheap.xlsx", "summary.xlsx"):
        assert result.stdout.count(name) == 1, result.stdout


# Output folders that cannot be written ---------------------------------------


def test_out_pointing_at_a_file(tmp_path, capsys):
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"mine")
    assert main(["generate", "--example", "--out", str(target)]) == 3
    _, err = capsys.readouterr()
    assert err == (
        f"xlfuncs generate: --out {target} is a file, not a folder: give a folder with --out "
        "(it is created if missing)\n"
    )
    assert target.read_bytes() == b"mine"


def test_out_inside_a_file(tmp_path, capsys):
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"mine")
    assert main(["generate", "--example", "--out", str(target / "out")]) == 3
    _, err = capsys.readouterr()
    assert err.count("\n") == 1 and str(target / "out") in err and "is not a folder" in err


def run_confined(
    tmp_path: Path, mount: str, out: Path, count: int = 5
) -> subprocess.CompletedProcess:
    source = write_batch(tmp_path / "cases.json", count)
    generate = " ".join(f"'{part}'" for part in command(source, "--out", out))
    return subprocess.run(
        confined(f"{mount}\nexec {generate}"),
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )


def test_a_read_only_folder(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    result = run_confined(tmp_path, f"mount --bind -o ro '{folder}' '{folder}'", folder)
    assert result.returncode == 3, result.stderr
    assert result.stderr == (
        f"xlfuncs generate: the output folder {folder} is on a read-only file system: "
        "choose another folder with --out\n"
    )
    assert result.stdout == ""  # said once, before any scenario is read
    assert list(folder.iterdir()) == []


def test_a_read_only_parent_folder(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    out = folder / "new"
    result = run_confined(tmp_path, f"mount --bind -o ro '{folder}' '{folder}'", out)
    assert result.returncode == 3, result.stderr
    assert result.stderr == (
        f"xlfuncs generate: the output folder {out} is on a read-only file system: "
        "choose another folder with --out\n"
    )


def test_a_full_disk_stops_the_batch_and_reports_what_was_written(tmp_path):
    folder = tmp_path / "small"
    folder.mkdir()
    # Room for a few workbooks of some 30 KB each, not for 200.
    result = run_confined(
        tmp_path, f"mount -t tmpfs -o size=256k tmpfs '{folder}'", folder, count=200
    )
    assert result.returncode == 3, result.stderr
    assert result.stderr == (
        f"xlfuncs generate: the output folder {folder} is on a full disk: free some space, "
        "then run again with --skip-existing\n"
    )
    written = [line for line in result.stdout.splitlines() if line.startswith("written ")]
    assert 1 <= len(written) < 200
    assert "Traceback" not in result.stdout
    assert "no summary: the batch stopped before its end" in result.stdout


def test_templates_into_a_read_only_folder(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    templates = " ".join(
        f"'{part}'" for part in [sys.executable, "-m", "xlfuncs.cli", "templates", "--out", folder]
    )
    result = subprocess.run(
        confined(f"mount --bind -o ro '{folder}' '{folder}'\nexec {templates}"),
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"xlfuncs templates: the output folder {folder} is on a read-only file system: "
        "choose another folder with --out\n"
    )


def test_templates_out_pointing_at_a_file(tmp_path, capsys):
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    assert main(["templates", "--out", str(target)]) == 1
    _, err = capsys.readouterr()
    assert err == (
        f"xlfuncs templates: --out {target} is a file, not a folder: give a folder with --out "
        "(it is created if missing)\n"
    )
    assert target.read_text(encoding="utf-8") == "mine"


def test_ctrl_c_while_a_file_is_written_waits_until_it_is_in_place(tmp_path):
    """A Ctrl-C that comes while a workbook is being written stops the batch after it.

    The interrupt arrives when the file is complete and in place, never with a
    temporary file half-written or left behind (a stop between creating the
    temporary file and writing it used to leave one).
    """
    import signal

    from xlfuncs._files.saving import save_atomically

    target = tmp_path / "book.xlsx"

    def write(path: str) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, in the middle of writing
        Path(path).write_bytes(b"complete")

    with pytest.raises(KeyboardInterrupt):
        save_atomically(write, target, overwrite=False)
    assert target.read_bytes() == b"complete"
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]
