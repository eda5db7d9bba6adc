"""A sweep's figures are the batch summary's: for every template, scenario by scenario.

The oracle is ``generate`` (the batch that writes the workbooks and
summary.csv) run on the very scenarios the sweep made, each written out in
the scenario-file layout; the workbooks' stored values are compared too.
"""

from __future__ import annotations

import csv

import openpyxl
import pyarrow.parquet as pq
import pytest
from summary_scenarios import SCENARIOS

import xlfuncs
from xlfuncs.batch.template import resolve_template
from xlfuncs.sweep import sweep, sweep_of
from xlfuncs.sweep.compute import _Figures

# Per template: two keys to sweep, with values that move its figures.
AXES = {
    "tco_comparison": {
        "tasks_per_month": {"from": 1000, "to": 100_000, "steps": 3, "scale": "log"},
        "options.A.accuracy": [0.9, "99%"],
        "cost_per_error": [5, 400],
    },
    "breakeven_accuracy": {
        "efficient_accuracy": {"from": 0.9, "to": 0.99, "steps": 3, "scale": "linear"},
        "cost_per_error": [1, 1000],
    },
    "margin_trap": {"years": [1, 7], "options.underwater.price": [1.5, 3]},
    "test_time_compute": {
        "cost_per_error": {"from": 1, "to": 10_000, "steps": 3, "scale": "log"},
        "options.B.accuracy": [0.96, 0.999],
    },
    "scaffolding_build_vs_buy": {
        "tasks_per_month": [1000, 1_000_000],
        "cost_per_error": {"from": 0, "to": 20, "steps": 3, "scale": "linear"},
    },
}


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


@pytest.mark.parametrize("name", list(AXES))
def test_every_figure_equals_the_batch_summary_of_the_same_scenario(tmp_path, name):
    base = SCENARIOS[name][-1]
    grid = sweep_of({"template": name, "base": base, "sweep": AXES[name]}, "sweep.yaml")
    report = sweep(grid, tmp_path / "sweep", formats=("csv", "parquet"))
    assert report.ok and report.count == grid.count
    documents = [grid.scenario_document(i) for i in range(grid.count)]
    batch = xlfuncs.generate(documents, tmp_path / "batch", template=name)
    assert batch.ok, batch.failures

    swept, summary = (
        read_csv(tmp_path / "sweep" / "sweep.csv"),
        read_csv(tmp_path / "batch" / "summary.csv"),
    )
    shared = [h for h in summary[0] if h not in ("Scenario", "Workbook")]
    # A sweep has every column of the summary but the Risk sheet's simulation.
    simulated = [
        c.heading for c in resolve_template(name).summary_columns if c.key.startswith("risk.")
    ]
    assert [h for h in shared if h not in swept[0]] == simulated
    shared = [h for h in shared if h in swept[0]]
    assert len(swept) == len(summary) > 1
    for mine, theirs in zip(swept[1:], summary[1:], strict=True):
        mine = dict(zip(swept[0], mine, strict=True))
        theirs = dict(zip(summary[0], theirs, strict=True))
        assert {h: mine[h] for h in shared} == {h: theirs[h] for h in shared}

    # In full precision: the parquet file against the batch's own rows.
    table = pq.read_table(tmp_path / "sweep" / "sweep.parquet").to_pylist()
    headings = batch.summary.headings
    for row, theirs in zip(table, batch.summary_rows(), strict=True):
        for heading, value in zip(headings, theirs, strict=True):
            if heading in shared:
                assert row[heading] == (value if value != "" else row[heading]), heading


def test_the_figures_equal_the_stored_values_of_the_workbooks(tmp_path):
    name = "tco_comparison"
    grid = sweep_of(
        {"template": name, "base": SCENARIOS[name][-1], "sweep": AXES[name]}, "sweep.yaml"
    )
    report = sweep(grid, tmp_path, formats=("parquet",), workbooks=3)
    assert [p.name for p in report.workbooks] == [f"{grid.base.name} {n}.xlsx" for n in (1, 2, 3)]
    rows = pq.read_table(tmp_path / "sweep.parquet").to_pylist()
    figures = _Figures.of(name)
    for number, path in enumerate(report.workbooks):
        book = openpyxl.load_workbook(path, data_only=True)
        option_rows = [r for r in rows if r["Scenario"] == number + 1]
        for column in figures.declared:
            cells = figures.cells(column)
            for index, row in enumerate(option_rows):
                sheet, where = cells[index] if len(cells) > 1 else cells[0]
                stored = book[sheet][where].value
                if column.is_text:
                    assert row[column.heading] == stored
                elif isinstance(stored, (int, float)):
                    # A workbook stores a number with 16 or 17 significant digits,
                    # as many as read back as the same float: equal, not rounded.
                    assert row[column.heading] == stored, (column.heading, index)
                else:  # words where the workbook has no number
                    assert row[column.heading] is None


def test_the_cheapest_option_is_the_one_with_the_lowest_tco_and_by_how_much(tmp_path):
    name = "tco_comparison"
    grid = sweep_of(
        {"template": name, "base": SCENARIOS[name][-1], "sweep": AXES[name]}, "sweep.yaml"
    )
    sweep(grid, tmp_path, formats=("parquet",))
    rows = pq.read_table(tmp_path / "sweep.parquet").to_pylist()
    for first, second in zip(rows[::2], rows[1::2], strict=True):
        tcos = {first["Option"]: first["TCO"], second["Option"]: second["TCO"]}
        assert first["cheapest"] == min(tcos, key=tcos.get) == first["Cheapest option"]
        assert first["cheaper_by"] == pytest.approx(abs(first["TCO"] - second["TCO"]), rel=1e-12)


def test_a_scenario_file_sweeps_row_by_row_as_the_batch_summarises_it(tmp_path):
    (tmp_path / "cases.csv").write_text(
        "scenario,option,tasks_per_month,pricing,input_tokens,output_tokens,input_price,"
        "output_price,accuracy,cost_per_error\n"
        "one,small,1000,API,2000,400,0.15,0.6,95%,5\n"
        "one,large,1000,API,2000,400,3,15,99%,5\n"
        "bad,small,1000,API,2000,400,0.15,0.6,95%,5\n"
        "bad,large,1000,API,2000,400,3,15,199%,5\n"
        "two,small,90000,API,2000,400,0.15,0.6,90%,50\n"
        "two,large,90000,API,2000,400,3,15,99.5%,50\n"
    )
    report = sweep(tmp_path / "cases.csv", tmp_path / "sweep", pick=["two", "three"])
    assert report.count == 2 and report.problem_count == 1
    assert [p.name for p in report.workbooks] == ["two.xlsx"]
    assert report.failures == ["--scenario 'three': no scenario of that name"]
    assert "row 5, column 'accuracy'" in report.problems[0] and "1.99" in report.problems[0]
    xlfuncs.generate(tmp_path / "cases.csv", tmp_path / "batch")
    swept = read_csv(tmp_path / "sweep" / "sweep.csv")
    summary = read_csv(tmp_path / "batch" / "summary.csv")
    summary = [summary[0]] + [row for row in summary[1:] if row[0] != "bad"]
    assert len(swept) == len(summary) == 5
    # Every column the two share (a sweep leaves out the Risk sheet's simulation).
    common = [h for h in summary[0] if h in swept[0]]
    for mine, theirs in zip(swept, summary, strict=True):
        mine = dict(zip(swept[0], mine, strict=True))
        theirs = dict(zip(summary[0], theirs, strict=True))
        assert [mine[h] for h in common] == [theirs[h] for h in common]


def test_a_text_column_of_a_block_shows_each_cell_as_the_summary_does():
    import numpy as np

    from xlfuncs.batch.summary.table import _text
    from xlfuncs.formulas import BLANK, BOOLEAN, ERROR, NUMBER, TEXT, Values
    from xlfuncs.sweep.compute import _texts

    kinds = np.array([NUMBER, NUMBER, NUMBER, TEXT, BOOLEAN, ERROR, BLANK], dtype=np.int8)
    numbers = np.array([0.1 + 0.2, float("inf"), 12.0, 0, 1, 2, 0])
    texts = np.array([None, None, None, "Frontier", None, None, None], dtype=object)
    values = Values(kinds, numbers, texts)
    assert _texts(values) == [_text(values.python(i)) for i in range(len(kinds))]
    assert _texts(values) == ["0.3", "", "12", "Frontier", "", "", ""]
