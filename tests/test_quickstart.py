"""The README's quick start: one command from a fresh clone to the example workbooks.

``quickstart.py`` makes a virtual environment, installs xlfuncs into it with
the prices and plot extras, and writes the templates and the example batch.
These tests run it as a user would, for real, once, on a fresh copy of the
repository in a folder whose path holds spaces; then run it again on that
copy after the states a run cut short can leave behind (an environment
without pip, xlfuncs not yet installed, templates or comparisons half
written) and check that it finishes the work and never overwrites a file.
The real install takes about a minute; pip's cache makes the later ones
quick.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "quickstart.py"
README = (ROOT / "README.md").read_text(encoding="utf-8")

#: The five template workbooks the quick start writes (README, "Template workbooks").
TEMPLATES = {
    "tco_comparison.xlsx",
    "breakeven_accuracy.xlsx",
    "margin_trap.xlsx",
    "test_time_compute.xlsx",
    "scaffolding_build_vs_buy.xlsx",
}


def quick_start_section() -> str:
    return README.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]


def user_env() -> dict[str, str]:
    """The environment of a user's shell: no virtual environment active, no Python path."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def quickstart(root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 600):
    return subprocess.run(
        [_python(), str(root / "quickstart.py"), *args],
        cwd=root,
        env=env or user_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _python() -> str:
    """A Python without xlfuncs installed: the one this test run's environment was made from."""
    for name in ("python3", "python"):
        candidate = Path(sys.base_prefix) / "bin" / name
        if candidate.exists():
            return str(candidate)
    return sys.executable  # pragma: no cover - Windows: base_prefix has python.exe


def fresh_copy(target: Path) -> Path:
    """The repository's files as a clone gives them, without any environment or workbook."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if listed.returncode == 0 and listed.stdout:
        for name in listed.stdout.decode().split("\0"):
            if name and (ROOT / name).is_file():
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, target / name)
    else:  # an unpacked sdist
        shutil.copytree(
            ROOT, target, ignore=shutil.ignore_patterns(".venv*", "my-workbooks", "__pycache__")
        )
    return target


def venv_python(root: Path) -> Path:
    return root / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def files(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh copy of the repository in a path with spaces, after one real quick start."""
    root = fresh_copy(tmp_path_factory.mktemp("quick start") / "my clone of xlfuncs")
    done = quickstart(root)
    return root, done


def test_the_readme_quick_start_is_this_one_command():
    section = quick_start_section()
    command = re.search(r"```\w*\n(.*?)```", section, flags=re.DOTALL).group(1).strip()
    assert command == "python3 quickstart.py"
    assert "`py quickstart.py`" in section  # Windows
    assert SCRIPT.exists()


def test_the_script_uses_the_standard_library_only():
    imported = set(re.findall(r"^\s*import (\w+)", SCRIPT.read_text(encoding="utf-8"), re.M))
    imported |= set(re.findall(r"^\s*from (\w+)", SCRIPT.read_text(encoding="utf-8"), re.M))
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


def test_a_fresh_copy_installs_with_the_extras_and_writes_the_workbooks(installed):
    root, done = installed
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Making a virtual environment" in done.stdout
    assert "with the prices and plot extras" in done.stdout
    out = root / "my-workbooks"
    assert {p.name for p in (out / "templates").glob("*.xlsx")} == TEMPLATES
    comparisons = out / "comparisons"
    assert (comparisons / "summary.xlsx").exists() and (comparisons / "summary.csv").exists()
    assert len(list(comparisons.glob("*.xlsx"))) >= 2  # a workbook per example, and the summary
    assert f"templates:   {out / 'templates'}" in done.stdout
    assert f"comparisons: {comparisons}" in done.stdout
    # Installed into the new environment from the copy (editable), with the extras the
    # README's next examples need: model prices, and tornado charts.
    where = subprocess.run(
        [
            str(venv_python(root)),
            "-c",
            "import xlfuncs, genai_prices, matplotlib; print(xlfuncs.__file__)",
        ],
        cwd=root.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).resolve().is_relative_to(root.resolve())


def test_running_it_again_keeps_every_file_and_says_so(installed):
    root, first = installed
    assert first.returncode == 0
    out = root / "my-workbooks"
    # The user has typed into a template and the summary, and deleted one template.
    typed_template = out / "templates" / "margin_trap.xlsx"
    typed_template.write_bytes(typed_template.read_bytes() + b"typed")
    (out / "comparisons" / "summary.csv").write_text("my own notes\n")
    (out / "templates" / "tco_comparison.xlsx").unlink()
    before = files(out)

    again = quickstart(root)

    assert again.returncode == 0, again.stdout + again.stderr
    assert {p: p.read_bytes() for p in before} == before  # nothing overwritten
    assert (out / "templates" / "tco_comparison.xlsx").exists()  # the missing one is back
    assert f"kept {typed_template}: it already exists" in again.stdout
    assert "kept the example comparisons" in again.stdout
    assert "Using the virtual environment" in again.stdout
    assert "Installing" not in again.stdout  # the environment is reused


def test_run_through_a_symbolic_link_it_finds_the_install(installed, tmp_path):
    """macOS's /tmp is a link to /private/tmp: the same folder by another path."""
    root, first = installed
    assert first.returncode == 0
    link = tmp_path / "link to the clone"
    link.symlink_to(root, target_is_directory=True)
    again = quickstart(link)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "xlfuncs is installed" in again.stdout and "Installing" not in again.stdout


def test_the_shell_script_runs_the_same_quick_start(installed):
    root, first = installed
    assert first.returncode == 0
    done = subprocess.run(
        ["sh", str(root / "quickstart.sh")],
        cwd=root,
        env={**user_env(), "PYTHON": _python()},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Using the virtual environment" in done.stdout and "Done." in done.stdout


def test_a_batch_cut_short_is_finished_and_its_workbooks_kept(installed):
    """Killed while writing the comparisons: the summary, written last, is not there yet."""
    root, first = installed
    assert first.returncode == 0
    comparisons = root / "my-workbooks" / "comparisons"
    workbooks = sorted(p for p in comparisons.glob("*.xlsx") if p.name != "summary.xlsx")
    for path in (comparisons / "summary.xlsx", comparisons / "summary.csv", *workbooks[2:]):
        path.unlink()
    kept = files(comparisons)

    again = quickstart(root)

    assert again.returncode == 0, again.stdout + again.stderr
    assert {p: p.read_bytes() for p in kept} == kept  # the workbooks written before, untouched
    assert sorted(p for p in comparisons.glob("*.xlsx") if p.name != "summary.xlsx") == workbooks
    assert (comparisons / "summary.xlsx").exists()


def test_an_install_stopped_with_ctrl_c_is_finished_on_the_next_run(installed):
    """Ctrl-C while pip installs xlfuncs: a message, and the next run installs it."""
    root, first = installed
    assert first.returncode == 0
    python = str(venv_python(root))
    subprocess.run(
        [python, "-m", "pip", "uninstall", "--yes", "--quiet", "xlfuncs"],
        check=True,
        capture_output=True,
    )
    process = subprocess.Popen(
        [_python(), str(root / "quickstart.py")],
        cwd=root,
        env=user_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a group of its own, as a terminal's Ctrl-C reaches
    )
    for line in process.stdout:
        if line.startswith("Installing"):
            os.killpg(process.pid, signal.SIGINT)
            break
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, out + err
    assert "Stopped. Run the same command again" in err

    again = quickstart(root)

    assert again.returncode == 0, again.stdout + again.stderr
    assert "Installing xlfuncs" in again.stdout
    assert "Done." in again.stdout


def test_an_environment_cut_short_before_pip_is_completed_on_the_next_run(tmp_path):
    """Killed while the virtual environment was being made: Python is there, pip is not."""
    root = tmp_path / "a folder"
    root.mkdir()
    shutil.copy(SCRIPT, root)
    subprocess.run([_python(), "-m", "venv", "--without-pip", str(root / ".venv")], check=True)
    # Only the environment is checked here: the install from this bare folder then fails.
    done = quickstart(root)
    assert "No module named pip" not in done.stderr
    assert "Making a virtual environment" in done.stdout, done.stdout + done.stderr
    assert "Could not install xlfuncs" in done.stderr and done.returncode == 1
    pip = subprocess.run([str(venv_python(root)), "-m", "pip", "--version"], capture_output=True)
    assert pip.returncode == 0


def test_without_the_venv_module_it_prints_the_install_line_and_stops(tmp_path):
    root = tmp_path / "xlfuncs"
    root.mkdir()
    shutil.copy(SCRIPT, root)
    # A Debian python3 without python3-venv: everything works but ensurepip.
    hidden = tmp_path / "hidden"
    (hidden / "ensurepip").mkdir(parents=True)
    (hidden / "ensurepip" / "__init__.py").write_text("raise ImportError('no ensurepip')\n")
    done = quickstart(root, env={**user_env(), "PYTHONPATH": str(hidden)})
    assert done.returncode == 1
    if sys.platform.startswith("linux"):
        assert "sudo apt-get install python3-venv" in done.stderr
    assert not (root / ".venv").exists()
    assert not (root / "my-workbooks").exists()


@pytest.mark.parametrize(
    ("windows", "parts"),
    [(True, ("Scripts", "python.exe")), (False, ("bin", "python"))],
)
def test_the_environment_s_python_is_where_each_system_puts_it(monkeypatch, windows, parts):
    module = _module()
    monkeypatch.setattr(module, "WINDOWS", windows)
    assert module.venv_file("python") == os.path.join(module.VENV, *parts)
    command = module.venv_file("xlfuncs")
    assert command.endswith("xlfuncs.exe" if windows else os.sep + "xlfuncs")
    assert module.quoted("C:\\Program Files\\x\\python.exe") == '"C:\\Program Files\\x\\python.exe"'


def _module():
    spec = importlib.util.spec_from_file_location("quickstart_module", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_old_python_gets_a_message_not_a_syntax_error(monkeypatch):
    # It parses as Python 3.6 does (no f-strings' later forms, no walrus, no match) ...
    import ast

    ast.parse(SCRIPT.read_text(encoding="utf-8"), feature_version=(3, 6))
    # ... and says which Python it needs.
    module = _module()
    monkeypatch.setattr(module.sys, "version_info", (3, 9, 6, "final", 0))
    with pytest.raises(module.QuickStartError, match=r"^xlfuncs needs Python 3\.10 or newer; "):
        module.check_python()
