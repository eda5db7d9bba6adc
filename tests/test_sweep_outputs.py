"""Sweep outputs: the same bytes however the work is split; the map; the command line."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys

import distributed
import numpy as np
import openpyxl
import pyarrow.parquet as pq
import pytest
from summary_scenarios import SCENARIOS

from xlfuncs.cli import main
from xlfuncs.sweep import sweep, sweep_of
from xlfuncs.sweep.compute import BLOCK, Plan
from xlfuncs.sweep.decision_map import breakeven_lines, decision_map, write_map

BASE = dict(SCENARIOS["tco_comparison"][-1], cost_per_error=40)
# Three blocks, the last one short: the blocks' order and boundaries matter.
AXES = {
    "options.A.accuracy": {"from": 0.9, "to": 0.999, "steps": 21, "scale": "linear"},
    "cost_per_error": {"from": 0.1, "to": 10_000, "steps": 25, "scale": "log"},
    "tasks_per_month": [1000, 10_000, 100_000, 1_000_000, 3_000_000],
}


def grid():
    return sweep_of({"template": "tco_comparison", "base": BASE, "sweep": AXES}, "s.yaml")


def stored(value):
    """A number as openpyxl stores it in a workbook (16 significant digits)."""
    return value if not isinstance(value, float) else float("%.16g" % value)  # noqa: UP031


def files(folder):
    return [(folder / n).read_bytes() for n in ("sweep.csv", "sweep.parquet")]


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    folder = tmp_path_factory.mktemp("local")
    report = sweep(grid(), folder, formats=("csv", "parquet"))
    assert report.count == 21 * 25 * 5 > 2 * BLOCK // 10  # more than one block of rows
    return folder


def test_two_processes_give_the_same_bytes(local, tmp_path):
    report = sweep(grid(), tmp_path, formats=("csv", "parquet"), jobs=2)
    assert report.ok and files(tmp_path) == files(local)


def test_a_two_worker_dask_cluster_gives_the_same_bytes(local, tmp_path):
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=40,
    )
    with cluster, distributed.Client(cluster) as client:
        report = sweep(grid(), tmp_path, formats=("csv", "parquet"), executor=client.get_executor())
        assert report.ok and files(tmp_path) == files(local)


def test_blocks_of_several_give_the_same_rows_as_one(monkeypatch, local, tmp_path):
    import xlfuncs.sweep.stream as stream

    monkeypatch.setattr(stream, "BLOCK", 1000)
    sweep(grid(), tmp_path, formats=("csv",))
    assert (tmp_path / "sweep.csv").read_bytes() == (local / "sweep.csv").read_bytes()


def test_one_row_per_scenario_and_option_with_the_axes_as_columns(local):
    table = pq.read_table(local / "sweep.parquet")
    g = grid()
    assert table.num_rows == 2 * g.count
    rows = table.slice(0, 4).to_pylist()
    assert [r["Scenario"] for r in rows] == [1, 1, 2, 2]
    assert [r["Option"] for r in rows] == ["self-hosted", "api"] * 2
    assert rows[0]["cost_per_error"] == 0.1 and rows[0]["tasks_per_month"] == 1000
    assert rows[2]["tasks_per_month"] == 10_000  # the last key varies fastest
    assert table.schema.names[:4] == ["Scenario", *AXES]


def test_the_maps_cells_equal_the_swept_figures(local, tmp_path):
    plan = Plan("tco_comparison", grid(), grid().base.option_names)
    made = write_map(plan, tmp_path, "cost_per_error,options.A.accuracy", ["tasks_per_month=1e5"])
    sheet = openpyxl.load_workbook(made[0])["Map"]
    rows = pq.read_table(local / "sweep.parquet").to_pylist()
    by_scenario = {r["Scenario"]: r for r in rows}
    the_map = decision_map(plan, "cost_per_error,options.A.accuracy", ["tasks_per_month=1e5"])
    assert the_map.fixed == [("tasks_per_month", 100_000.0)]
    x, y = grid().axes[1], grid().axes[0]
    # The sheet: the largest accuracy on top; headings are the axes' values.
    assert [sheet.cell(6, c + 2).value for c in range(len(x))] == list(map(stored, x.values))
    assert [sheet.cell(7 + r, 1).value for r in range(len(y))] == list(map(stored, y.values[::-1]))
    second = 5 + len(y) + 4
    seen = set()
    for r in range(len(y)):
        for c in range(len(x)):
            row = by_scenario[int(the_map.scenarios[len(y) - 1 - r, c]) + 1]
            assert row["options.A.accuracy"] == y.values[len(y) - 1 - r]
            assert row["cost_per_error"] == x.values[c] and row["tasks_per_month"] == 1e5
            letter = "AB"[the_map.options.index(row["cheapest"])]
            assert sheet.cell(7 + r, c + 2).value == letter
            assert sheet.cell(second + 2 + r, c + 2).value == stored(row["cheaper_by"])
            seen.add(row["cheapest"])
    assert seen == {"self-hosted", "api"}  # the map shows a decision that changes
    assert sheet["A3"].value == "Options: A: self-hosted; B: api"
    rules = sheet.conditional_formatting
    assert len(list(rules)) == 2


def test_the_breakeven_line_lies_between_cells_whose_cheapest_differs():
    plan = Plan("tco_comparison", grid(), grid().base.option_names)
    the_map = decision_map(plan, "cost_per_error,options.A.accuracy", ["tasks_per_month=1e5"])
    lines = breakeven_lines(the_map)
    assert lines
    position = the_map.position
    for line in lines:
        for column, row in line:
            # A point of the line is on an edge between two neighbouring cells.
            cells = {
                (math.floor(row), math.floor(column)),
                (math.ceil(row), math.ceil(column)),
            }
            assert len(cells) == 2
            assert len({int(position[r, c]) for r, c in cells}) == 2
    # Every change of the cheapest option along a row is crossed by the line.
    changes = np.argwhere(position[:, 1:] != position[:, :-1])
    points = np.concatenate(lines)
    for row, column in changes:
        near = points[(np.abs(points[:, 1] - row) < 1e-9)]
        assert ((near[:, 0] > column) & (near[:, 0] < column + 1)).any()


def test_the_command_announces_the_count_and_writes_a_map(tmp_path, capsys):
    import yaml

    (tmp_path / "s.yaml").write_text(
        yaml.safe_dump({"template": "tco_comparison", "base": BASE, "sweep": AXES}, sort_keys=False)
    )
    code = main(
        [
            "sweep",
            str(tmp_path / "s.yaml"),
            "--out",
            str(tmp_path / "out"),
            "--parquet",
            "--map",
            "cost_per_error,options.A.accuracy",
            "--png",
            "--where",
            "cheapest == 'api' and tasks_per_month >= 1e6",
            "--workbooks",
            "2",
            "--scenario",
            "1",
            "--scenario",
            "sixty months, growth equal to the discount rate 7",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert (
        "2,625 scenarios of tco_comparison (21 options.A.accuracy x 25 cost_per_error x 5 "
        "tasks_per_month)" in err
    )
    assert "written: sweep.csv, sweep.parquet, sweep.xlsx, sweep.png" in out
    names = sorted(p.name for p in (tmp_path / "out" / "workbooks").iterdir())
    assert len(names) == 4
    assert {f"sixty months, growth equal to the discount rate {n}.xlsx" for n in (1, 7)} <= set(
        names
    )
    code = main(
        [
            "sweep",
            str(tmp_path / "s.yaml"),
            "--out",
            str(tmp_path / "out"),
            "--max-scenarios",
            "100",
        ]
    )
    assert code == 2 and "at most 100 are made unless --max-scenarios" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("jobs", "how", "code"), [("1", signal.SIGINT, 130), ("2", signal.SIGTERM, 143)]
)
def test_interrupted_leaves_no_file_that_looks_complete(tmp_path, jobs, how, code):
    import yaml

    axes = dict(AXES, months=list(range(1, 61)))
    (tmp_path / "s.yaml").write_text(
        yaml.safe_dump({"template": "tco_comparison", "base": BASE, "sweep": axes}, sort_keys=False)
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "xlfuncs.cli",
            "sweep",
            str(tmp_path / "s.yaml"),
            "--out",
            str(tmp_path / "out"),
            "--parquet",
            "--jobs",
            jobs,
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    # Stopped once it has announced its work and begun writing.
    process.stderr.readline()
    out = tmp_path / "out"
    while not (out.is_dir() and any(n.endswith(".part") for n in os.listdir(out))):
        assert process.poll() is None
    process.send_signal(how)
    assert process.wait(timeout=120) == code
    assert ("interrupted" if code == 130 else "stopped") in process.stderr.read()
    assert os.listdir(tmp_path / "out") == []


@pytest.mark.parametrize("decimal", [".", ","])
def test_each_csv_line_is_written_as_the_summary_writes_its_lines(decimal):
    from xlfuncs.batch.summary.export import CSV_SEPARATORS, _csv_line
    from xlfuncs.sweep.compute import block_table, encode_csv

    plan = Plan("tco_comparison", grid(), grid().base.option_names)
    block = block_table(plan, 0, 60)
    rows = []
    for row in zip(*block.columns, strict=True):
        fields = []
        for kind, value in zip(block.kinds, row, strict=True):
            if kind == "index":
                fields.append(int(value) + 1)
            elif kind == "axis":
                text = repr(float(value))  # in full, so that a row names its scenario exactly
                fields.append(_Full(text))
            elif kind == "number":
                fields.append(None if math.isnan(value) else float(value))
            else:
                fields.append(value)
        rows.append(_csv_line(fields, CSV_SEPARATORS[decimal], decimal))
    assert encode_csv(block, decimal).decode("utf-8") == "".join(rows)


class _Full(float):
    def __new__(cls, text):
        made = super().__new__(cls, float(text))
        made.text = text
        return made

    def __format__(self, spec):
        return self.text


def test_without_pyarrow_the_message_names_the_package_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if it were not installed
    import yaml

    (tmp_path / "s.yaml").write_text(
        yaml.safe_dump({"template": "tco_comparison", "base": BASE, "sweep": {"months": [1, 2]}})
    )
    code = main(["sweep", str(tmp_path / "s.yaml"), "--out", str(tmp_path / "out"), "--parquet"])
    err = capsys.readouterr().err
    assert code == 1
    assert "needs the optional pyarrow package" in err and '-m pip install "pyarrow>=14"' in err
    assert not (tmp_path / "out").exists()


def test_the_command_on_a_local_dask_cluster_writes_the_same_file(local, tmp_path, capsys):
    import yaml

    (tmp_path / "s.yaml").write_text(
        yaml.safe_dump({"template": "tco_comparison", "base": BASE, "sweep": AXES}, sort_keys=False)
    )
    out = tmp_path / "out"
    assert main(["sweep", str(tmp_path / "s.yaml"), "--out", str(out), "--dask", "local:2"]) == 0
    assert (out / "sweep.csv").read_bytes() == (local / "sweep.csv").read_bytes()
    code = main(["sweep", str(tmp_path / "s.yaml"), "--out", str(out), "--dask", "local:x"])
    assert code == 2 and "local:N needs a number of workers" in capsys.readouterr().err
