"""``xlfuncs tornado``: block files in, the tornado table and chart out.

The expected tables are ``xlfuncs.tco_tornado`` of the same blocks typed in
as Python mappings, so the tests check the file reading (separators, decimal
commas, percentages, headings) and the printing; the figures themselves are
checked in test_uncertainty_tornado.py.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
from pathlib import Path

import pytest
import uncertainty_examples as examples

import xlfuncs
from xlfuncs.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"

# The shared example blocks, with accuracy drawn from Beta-PERT as in docs/examples.
EFFICIENT = {**examples.EFFICIENT, "accuracy": (*examples.EFFICIENT["accuracy"], "pert")}
FRONTIER = {**examples.FRONTIER, "accuracy": (*examples.FRONTIER["accuracy"], "pert")}
BOTH = examples.BOTH


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["tornado", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def csv_table(out: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(out)))


def expected_csv(table) -> list[list[str]]:
    rows = [["input", "low", "high", "result_at_low", "result_at_high", "swing"]]
    for name, *numbers in table.tolist():
        rows.append([name, *("" if v != v else format(v, ".15g") for v in numbers)])
    return rows


def test_the_example_files_give_the_python_table(capsys):
    code, out, _ = run(
        capsys,
        str(EXAMPLES / "efficient.csv"),
        "--other",
        str(EXAMPLES / "frontier.csv"),
        "--shared",
        str(EXAMPLES / "both.csv"),
        "--csv",
    )
    assert code == 0
    assert csv_table(out) == expected_csv(xlfuncs.tco_tornado(EFFICIENT, FRONTIER, BOTH))


def test_the_table_has_a_header_and_aligned_columns(capsys):
    code, out, _ = run(
        capsys, str(EXAMPLES / "efficient.csv"), "--shared", str(EXAMPLES / "both.csv")
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "TCO, with one input at a time at its low and its high value (money)"
    assert re.fullmatch(r"input +low +high +result at low +result at high +swing", lines[1])
    table = xlfuncs.tco_tornado(EFFICIENT, None, BOTH)
    assert lines[2].split() == ["base", *[f"{table[0]['result_at_low']:,.2f}"] * 2, "0.00"]
    assert [line.split()[0] for line in lines[3:]] == table["input"][1:].tolist()
    # the swing column, right-aligned money with two decimals
    assert lines[3].split()[-1] == f"{table[1]['swing']:,.2f}"
    assert len({len(line) for line in lines[2:]}) <= 2  # columns line up


def test_semicolons_decimal_commas_and_a_byte_order_mark(tmp_path, capsys):
    # As Excel saves CSV where the decimal mark is a comma.
    block = tmp_path / "block.csv"
    block.write_text(
        "\ufeffParameter;Low;Most likely;High\n"
        "tasks_per_month;1.000;1.500;2.500\n"
        "cost_per_task;0,012;;\n"
        "accuracy;90%;95%;97%\n"
        "cost_per_error;1,5;2;10\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, str(block), "--csv")
    assert code == 0
    expected = {
        "tasks_per_month": (1000, 1500, 2500),
        "cost_per_task": 0.012,
        "accuracy": (0.9, 0.95, 0.97),
        "cost_per_error": (1.5, 2, 10),
    }
    assert csv_table(out) == expected_csv(xlfuncs.tco_tornado(expected))


def test_short_rows_and_empty_trailing_columns_are_fine(tmp_path, capsys):
    block = tmp_path / "block.csv"
    block.write_text(
        "tasks_per_month,1000,,,,\ncost_per_task,0.01\naccuracy,0.9,0.95,0.97,,\ncost_per_error,2\n"
    )
    code, out, _ = run(capsys, str(block), "--csv")
    assert code == 0
    expected = {
        "tasks_per_month": 1000,
        "cost_per_task": 0.01,
        "accuracy": (0.9, 0.95, 0.97),
        "cost_per_error": 2,
    }
    assert csv_table(out) == expected_csv(xlfuncs.tco_tornado(expected))


def test_the_chart_is_written_and_never_overwritten_by_surprise(tmp_path, capsys):
    chart = tmp_path / "tornado.png"
    args = [str(EXAMPLES / "efficient.csv"), "--shared", str(EXAMPLES / "both.csv")]
    code, _, err = run(capsys, *args, "--png", str(chart))
    assert code == 0 and f"Chart written to {chart}" in err
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    written = chart.stat().st_mtime_ns
    code, out, err = run(capsys, *args, "--png", str(chart))
    assert code == 1 and out == ""
    assert err.strip() == f"xlfuncs tornado: {chart} already exists (use --overwrite to replace it)"
    assert chart.stat().st_mtime_ns == written
    code, _, _ = run(capsys, *args, "--png", str(chart), "--overwrite")
    assert code == 0


def test_the_chart_of_two_options_says_which_files_it_comes_from(tmp_path, capsys, monkeypatch):
    # The chart travels alone (into slides): its bars name the blocks, the note the files.
    import xlfuncs._tornado_chart as chart_module

    drawn = {}
    monkeypatch.setattr(
        chart_module,
        "draw_tornado",
        lambda table, path, what, note="": drawn.update(note=note, names=table["input"].tolist()),
    )
    args = [str(EXAMPLES / "efficient.csv"), "--other", str(EXAMPLES / "frontier.csv")]
    code, _, _ = run(
        capsys, *args, "--shared", str(EXAMPLES / "both.csv"), "--png", str(tmp_path / "t.png")
    )
    assert code == 0
    assert drawn["note"] == "from efficient.csv, frontier.csv and both.csv"
    # The bars carry the blocks' own headings (the first cell of each file), not a: and b:.
    assert "Efficient model: cost_per_error" in drawn["names"]
    assert "Frontier model: accuracy" in drawn["names"]
    assert "Both options: tasks_per_month" in drawn["names"]
    assert not any(n.startswith(("a:", "b:", "shared:")) for n in drawn["names"])
    code, _, _ = run(
        capsys, args[0], "--shared", str(EXAMPLES / "both.csv"), "--png", str(tmp_path / "t.png")
    )
    assert drawn["note"] == ""  # one option: no prefixes to explain


@pytest.mark.parametrize("name", ["tornado.txt", "tornado", "tornado.pdf"])
def test_a_chart_file_not_ending_in_png_is_refused_and_nothing_is_written(tmp_path, capsys, name):
    # Without .png the plotting library would write another format, or add
    # ".png" itself and replace a tornado.png already there without asking.
    kept = tmp_path / "tornado.png"
    kept.write_bytes(b"the user's own chart")
    chart = tmp_path / name
    code, out, err = run(capsys, str(EXAMPLES / "efficient.csv"), "--png", str(chart))
    assert code == 1 and out == ""
    assert err.strip() == (
        f"xlfuncs tornado: --png {chart}: the chart is a PNG picture, so the file name "
        "must end in .png"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tornado.png"]
    assert kept.read_bytes() == b"the user's own chart"


def test_without_matplotlib_the_message_says_what_to_install(tmp_path, capsys, monkeypatch):

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.backends.backend_agg", None)
    code, _, err = run(
        capsys,
        str(EXAMPLES / "efficient.csv"),
        "--shared",
        str(EXAMPLES / "both.csv"),
        "--png",
        str(tmp_path / "t.png"),
    )
    assert code == 1
    assert err.strip() == (
        "xlfuncs tornado: drawing the chart needs matplotlib: "
        f'{sys.executable} -m pip install "matplotlib>=3.7"'
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "tasks_per_month,1000\ncost_per_task,0.01\naccuracy,0.9,0.95,1.2\ncost_per_error,2\n",
            "{file} row 3: accuracy high must be between 0 and 1, got 1.2 (enter 1.2% or 0.012)",
        ),
        (
            "tasks_per_month,1000\ncost_per_task,0.01\naccuracy,0.95\ncost_per_error,2\n",
            "no input is uncertain, so nothing can swing; give at least one row of "
            "option_block a low below its high",
        ),
        (
            "tasks_per_month,1000,,,\ncost_per_task,0.01\naccuracy,0.9,0.95,0.97,normal\n"
            "cost_per_error,2\n",
            "{file} row 3: the accuracy distribution must be triangular or pert (or blank for "
            "triangular), got the text 'normal'",
        ),
        ("", "{file}: the file is empty"),
        (
            "name,Zürich\n".encode("cp1252"),  # neither UTF-8 nor UTF-16
            "{file}: not UTF-8 or UTF-16 text (byte 6); save it as UTF-8",
        ),
    ],
)
def test_bad_files_are_named(tmp_path, capsys, content, message):
    block = tmp_path / "block.csv"
    if isinstance(content, bytes):
        block.write_bytes(content)
    else:
        block.write_text(content)
    code, out, err = run(capsys, str(block))
    assert code == 1 and out == ""
    assert err.startswith("xlfuncs tornado: " + message.format(file=block))
    assert "Traceback" not in err


def test_a_workbook_given_for_a_csv_file_gets_a_plain_message(tmp_path, capsys):
    import openpyxl

    book = openpyxl.Workbook()
    for row in [["tasks_per_month", 10_000], ["cost_per_task", 0.003], ["accuracy", 0.9]]:
        book.active.append(row)
    workbook = tmp_path / "block.xlsx"
    book.save(workbook)
    code, out, err = run(capsys, str(workbook))
    assert code == 1 and out == ""
    assert err.strip() == (
        f"xlfuncs tornado: {workbook}: is a workbook, not a CSV file; save the sheet with the "
        "block as CSV (in Excel: File > Save As > CSV UTF-8) and give that file"
    )


def test_a_missing_file_is_named(tmp_path, capsys):
    code, _, err = run(capsys, str(tmp_path / "nowhere.csv"))
    assert code == 1
    assert err.strip() == f"xlfuncs tornado: {tmp_path / 'nowhere.csv'}: no such file"


def test_the_user_guide_command_runs_as_written_and_prints_what_it_shows(tmp_path):
    # docs/uncertainty.md gives a command to run in the repository folder and
    # quotes the table it prints: both must hold today, word for word.
    import shlex
    import shutil
    import subprocess

    guide = (ROOT / "docs" / "uncertainty.md").read_text(encoding="utf-8")
    line = re.search(r"^xlfuncs tornado .*$", guide, flags=re.MULTILINE).group(0)
    shutil.copytree(EXAMPLES, tmp_path / "docs" / "examples")  # a repository folder
    command = [sys.executable, "-m", "xlfuncs.cli", *shlex.split(line)[1:]]
    done = subprocess.run(
        command,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout in guide
    assert (tmp_path / "tornado.png").read_bytes()[:4] == b"\x89PNG"


def test_the_user_guide_python_example_runs():
    import re as regex

    guide = (ROOT / "docs" / "uncertainty.md").read_text(encoding="utf-8")
    blocks = regex.findall(r"```python\n(.*?)```", guide, flags=regex.DOTALL)
    assert blocks
    for block in blocks:
        exec(compile(block, "uncertainty.md", "exec"), {})


def test_output_cut_short_by_its_reader_ends_without_a_traceback():
    # xlfuncs tornado ... --csv | head -1: the reader closes the pipe early.
    import subprocess

    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "xlfuncs.cli",
                "tornado",
                str(EXAMPLES / "efficient.csv"),
                "--shared",
                str(EXAMPLES / "both.csv"),
                "--csv",
            ],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 1
    assert done.stderr == ""


def test_blocks_without_a_heading_are_named_by_their_files(tmp_path, capsys):
    rows = (EXAMPLES / "efficient.csv").read_text(encoding="utf-8").splitlines()[1:]
    (tmp_path / "cheap.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, _ = run(
        capsys,
        str(tmp_path / "cheap.csv"),
        "--other",
        str(EXAMPLES / "frontier.csv"),
        "--shared",
        str(EXAMPLES / "both.csv"),
    )
    assert code == 0
    assert out.splitlines()[0].startswith("TCO difference (cheap - Frontier model)")
    assert "\ncheap: cost_per_error " in out and "\nFrontier model: accuracy " in out


def test_decimal_states_the_mark_the_files_do_not_settle(tmp_path, capsys):
    # 2.500 is 2.5 with a decimal point and 2500 with a decimal comma; nothing else settles it.
    block = tmp_path / "block.csv"
    block.write_text(
        "cost_per_task,1\naccuracy,1\ncost_per_error,1\nupfront,1.000,2.500,4.000\n"
        "tasks_per_month,1\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, str(block), "--csv")
    assert code == 1 and "--decimal" in err
    for mark, upfront in ((",", ("1000", "4000")), (".", ("1", "4"))):
        code, out, err = run(capsys, str(block), "--csv", "--decimal", mark)
        assert code == 0, err
        (row,) = [r for r in csv_table(out) if r[0] == "upfront"]
        assert (row[1], row[2]) == upfront
