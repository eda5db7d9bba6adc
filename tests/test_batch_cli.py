"""``xlfuncs generate`` from the shell: progress, a final table and an honest exit code."""

from __future__ import annotations

import subprocess
import sys

import pytest

from xlfuncs.cli import main

GOOD_AND_BAD = """\
scenarios:
  - name: good
    tasks_per_month: 1000
    reference_option: B
    options:
      - {name: a, pricing: API, accuracy: 0.9, reasoning_tokens: 0, calls: 1, input_price: 1,
         input_tokens: 2000, output_tokens: 500, cost_per_error: 40,
         output_price: 2, cached_share: 0, cached_price: 0, gpu_hour_price: 0,
         tokens_per_second: 1000, utilization: 1, catch_rate: 0, review_share: 0,
         build_hours: 0, monthly_maintenance: 0, monthly_fixed: 0}
      - {name: b, pricing: API, accuracy: 0.99, reasoning_tokens: 0, calls: 1, input_price: 3,
         input_tokens: 2000, output_tokens: 500, cost_per_error: 40,
         output_price: 15, cached_share: 0, cached_price: 0, gpu_hour_price: 0,
         tokens_per_second: 1000, utilization: 1, catch_rate: 0, review_share: 0,
         build_hours: 0, monthly_maintenance: 0, monthly_fixed: 0}
  - name: bad
    tasks_per_month: -1
    options: [{name: a}]
"""


def test_the_example_writes_every_workbook_and_exits_0(tmp_path, capsys):
    assert main(["generate", "--example", "--out", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert out.count("\nwritten ") + out.startswith("written ") == 5
    assert "5 written, 0 skipped, 0 failed" in out
    assert "summary: summary.xlsx, summary.csv" in out
    # Not a terminal: each result once, as it comes, and no progress bar.
    assert err == ""
    assert len(list(tmp_path.glob("*.xlsx"))) == 6


def test_a_failure_is_in_the_table_and_the_exit_code(tmp_path, capsys):
    source = tmp_path / "cases.yaml"
    source.write_text(GOOD_AND_BAD, encoding="utf-8")
    assert main(["generate", str(source), "--out", str(tmp_path / "out")]) == 1
    out, _ = capsys.readouterr()
    assert "written  good.xlsx" in out
    assert "failed   bad: " in out
    assert "tasks_per_month must be 0 or more, got -1" in out.replace("\n         ", " ")
    assert "1 written, 0 skipped, 1 failed" in out


def test_existing_workbooks_fail_the_run_unless_told(tmp_path, capsys):
    out = str(tmp_path / "out")
    assert main(["generate", "--example", "--out", out]) == 0
    assert main(["generate", "--example", "--out", out]) == 1
    assert main(["generate", "--example", "--out", out, "--skip-existing"]) == 0
    assert main(["generate", "--example", "--out", out, "--overwrite"]) == 0
    text, _ = capsys.readouterr()
    assert "0 written, 5 skipped, 0 failed" in text


def test_a_progress_bar_on_a_terminal(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["generate", "--example", "--out", str(tmp_path), "--jobs", "2"]) == 0
    _, err = capsys.readouterr()
    assert "generate: " in err and "5 workbooks" in err
    assert "written: " not in err


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--example", "cases.yaml"], "give a scenario file or --example"),
        (["--example", "--overwrite", "--skip-existing"], "not allowed with argument"),
        (["--example", "--jobs", "0"], "--jobs must be 1 or more"),
    ],
)
def test_usage_errors_exit_2(tmp_path, capsys, arguments, message):
    with pytest.raises(SystemExit) as exited:
        main(["generate", *arguments, "--out", str(tmp_path)])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("option", ["--verify", "--recalc"])
def test_verify_without_libreoffice_says_how_to_install_it(tmp_path, monkeypatch, capsys, option):
    monkeypatch.setenv("SOFFICE", str(tmp_path / "no-soffice-here"))
    assert main(["generate", "--example", "--out", str(tmp_path / "out"), option]) == 1
    err = capsys.readouterr().err
    assert "--verify: LibreOffice is needed" in err
    assert "apt-get install -y --no-install-recommends libreoffice-calc-nogui" in err
    assert not (tmp_path / "out").exists()  # nothing written
    # The old name still works, for one release, and says so in one line.
    notices = [line for line in err.splitlines() if "--recalc is now --verify" in line]
    assert len(notices) == (option == "--recalc")


def test_an_unknown_template_is_a_usage_error_suggesting_the_closest(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["generate", "--example", "--out", str(out), "--template", "tco_compare"]) == 2
    assert "did you mean tco_comparison?" in capsys.readouterr().err
    assert not out.exists()  # nothing written


def test_the_installed_command_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "xlfuncs.cli", "generate", "--example", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "5 written" in result.stdout


def test_templates_describe_lists_the_inputs_of_the_declaration(capsys):
    assert main(["templates", "--describe", "tco_comparison"]) == 0
    out = capsys.readouterr().out
    assert "  tasks_per_month (tasks): 0 or more; required" in out
    assert main(["templates", "--describe", "tco_compare"]) == 2
    assert "did you mean tco_comparison?" in capsys.readouterr().err
