"""The README's quick start: one command from a fresh clone to the example workbooks.

``quickstart.sh`` makes a virtual environment, installs xlfuncs into it and
writes the templates and the example batch. These tests run the script as a
user would: once for real on a copy of the repository (virtual environment,
install from the copy, workbooks), and with stand-ins for the two things a
machine may lack or already have (Python's venv module; a ready environment),
to check what it says and that it never overwrites a file.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "quickstart.sh"
README = (ROOT / "README.md").read_text(encoding="utf-8")

#: The five template workbooks the quick start writes (README, "Template workbooks").
TEMPLATES = {
    "tco_comparison.xlsx",
    "breakeven_accuracy.xlsx",
    "margin_trap.xlsx",
    "test_time_compute.xlsx",
    "scaffolding_build_vs_buy.xlsx",
}


def quick_start_command() -> str:
    """The first code block under the README's Quick start heading."""
    section = README.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```\w*\n(.*?)```", section, flags=re.DOTALL).group(1).strip()


def run(root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120):
    return subprocess.run(
        ["sh", str(root / "quickstart.sh"), *args],
        cwd=root,
        # As a user runs it: no virtual environment active.
        env={k: v for k, v in {**os.environ, **(env or {})}.items() if k != "VIRTUAL_ENV"},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture
def ready_root(tmp_path) -> Path:
    """A folder with the script and a ready environment: this test run's Python."""
    root = tmp_path / "xlfuncs"
    root.mkdir()
    shutil.copy(SCRIPT, root)
    executable(root / ".venv" / "bin" / "python", f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    return root


def test_the_readme_quick_start_is_this_one_command():
    assert quick_start_command() == "sh quickstart.sh"
    assert SCRIPT.exists()


def test_it_writes_the_templates_and_the_example_batch_and_says_where(ready_root):
    done = run(ready_root)
    assert done.returncode == 0, done.stderr
    out = ready_root / "my-workbooks"
    assert {p.name for p in (out / "templates").glob("*.xlsx")} == TEMPLATES
    comparisons = out / "comparisons"
    assert (comparisons / "summary.xlsx").exists() and (comparisons / "summary.csv").exists()
    # One workbook per bundled example scenario, besides the summary.
    assert len(list(comparisons.glob("*.xlsx"))) >= 2
    assert f"templates:   {out / 'templates'}" in done.stdout
    assert f"comparisons: {comparisons}" in done.stdout


def test_running_it_again_keeps_every_file_and_says_so(ready_root):
    out = ready_root / "my-workbooks"
    assert run(ready_root).returncode == 0
    # The user has typed into a template and the summary, and deleted one template.
    typed_template = out / "templates" / "margin_trap.xlsx"
    typed_template.write_bytes(typed_template.read_bytes() + b"typed")
    summary = out / "comparisons" / "summary.csv"
    summary.write_text("my own notes\n")
    (out / "templates" / "tco_comparison.xlsx").unlink()
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    again = run(ready_root)

    assert again.returncode == 0, again.stderr
    assert {p: p.read_bytes() for p in before} == before  # nothing overwritten
    assert (out / "templates" / "tco_comparison.xlsx").exists()  # the missing one is back
    assert f"kept {typed_template}: it already exists" in again.stdout
    assert "kept the example comparisons" in again.stdout
    assert "Installing" not in again.stdout  # the environment is reused


def test_without_the_venv_module_it_prints_the_install_line_and_stops(tmp_path):
    root = tmp_path / "xlfuncs"
    root.mkdir()
    shutil.copy(SCRIPT, root)
    # A Debian python3 without python3-venv: everything works but ensurepip.
    python = executable(
        tmp_path / "bin" / "python3",
        f'#!/bin/sh\ncase "$*" in *ensurepip*) exit 1;; esac\nexec "{sys.executable}" "$@"\n',
    )
    done = run(root, env={"PYTHON": str(python)})
    assert done.returncode == 1
    assert "sudo apt-get install python3-venv" in done.stderr
    assert not (root / ".venv").exists()
    assert not (root / "my-workbooks").exists()


def _system_python_with_venv() -> str | None:
    python = shutil.which("python3")
    if python is None:
        return None
    check = subprocess.run([python, "-c", "import ensurepip, venv"], capture_output=True)
    return python if check.returncode == 0 else None


def test_a_fresh_copy_of_the_repository_installs_and_runs(tmp_path):
    """The real thing: system python3, a new virtual environment, xlfuncs from the copy."""
    python = _system_python_with_venv()
    if python is None:
        pytest.fail("python3 with its venv module is needed (apt-get install python3-venv)")
    root = tmp_path / "clone"
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if listed.returncode == 0 and listed.stdout:
        for name in listed.stdout.decode().split("\0"):
            if name and (ROOT / name).is_file():
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, root / name)
    else:  # an unpacked sdist
        shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(".venv", "my-workbooks"))
    done = run(root, env={"PYTHON": python}, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Installing xlfuncs" in done.stdout
    assert {p.name for p in (root / "my-workbooks" / "templates").glob("*.xlsx")} == TEMPLATES
    # Installed into the new environment, from the copy (editable), not from elsewhere.
    where = subprocess.run(
        [str(root / ".venv" / "bin" / "python"), "-c", "import xlfuncs; print(xlfuncs.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).resolve().is_relative_to(root.resolve())
