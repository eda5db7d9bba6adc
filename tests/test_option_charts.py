"""The cumulative cost chart draws the options in use, up to the horizon.

A scenario workbook's chart has one series per option the scenario gives,
each ending at the scenario's horizon; the template's chart keeps a series
per option and draws #N/A (no point) past the horizon and for an option set
to Include = No. Expected values come from the scenario: which options it
gives, and its number of months.

LibreOffice draws #N/A as 0 in a line chart set to show blank cells as gaps
(``dispBlanksAs`` "gap") whose values hold no empty cell: its OOXML import
switches such a chart to "assume zero" (LibreOffice's
``oox/source/drawingml/chart/chartspaceconverter.cxx``,
``lcl_useWorkaroundForNoGapInOOXML``). The charts are set to "span", which it
imports as they are; what LibreOffice made of them is read from the chart it
saves in OpenDocument (``chart:treat-empty-cells``).
"""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string
from template_support import require_libreoffice

import xlfuncs
from xlfuncs._libreoffice import convert
from xlfuncs.templates import template

TCO = template("tco_comparison")


def _option(name: str, accuracy: float) -> dict:
    return {
        "name": name,
        "input_price": 1,
        "output_price": 4,
        "input_tokens": 1000,
        "output_tokens": 200,
        "cost_per_error": 5,
        "accuracy": accuracy,
    }


def _chart_xml(path) -> str:
    """The workbook's one line chart (the cost by month; a Risk sheet's histogram is a bar
    chart)."""
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        texts = [archive.read(chart).decode("utf-8") for chart in charts]
    (line,) = [text for text in texts if "lineChart>" in text]
    return line


def _series(xml: str) -> list[str]:
    return re.findall(r"<(?:c:)?ser>.*?</(?:c:)?ser>", xml, re.DOTALL)


def _ranges(series: str) -> list[str]:
    return re.findall(r"<(?:c:)?f>([^<]*)</(?:c:)?f>", series)


@pytest.mark.parametrize(("count", "months"), [(1, 12), (2, 36), (3, 60), (4, 7)])
def test_a_scenario_chart_has_a_series_per_option_given_ending_at_the_horizon(
    tmp_path, count, months
):
    scenario = {
        "name": f"{count} options over {months} months",
        "tasks_per_month": 1000,
        "months": months,
        "options": [_option(f"Model {i}", 0.9 + i / 100) for i in range(count)],
    }
    report = xlfuncs.generate([scenario], tmp_path, summary=False)
    assert report.ok, [str(f) for f in report.failures]
    series = _series(_chart_xml(report.written[0]))
    assert len(series) == count
    # Month 0 is column D (4); month m is column 4 + m: the line stops at the horizon.
    for one in series:
        name, values, categories = (
            _ranges(one)[0],
            *[r for r in _ranges(one) if ":" in r][:2],
        )
        assert name.startswith("Calculations!")
        for reference in (values, categories):
            last = reference.rsplit(":", 1)[1].split("$")[1]
            assert column_index_from_string(last) == 4 + months, reference


def test_a_batch_and_a_build_draw_the_options_each_scenario_gives(tmp_path):
    two = {"name": "two", "tasks_per_month": 10, "options": [_option("X", 0.9), _option("Y", 0.95)]}
    four = {
        "name": "four",
        "tasks_per_month": 10,
        "options": [_option(f"Z{i}", 0.9) for i in range(4)],
    }
    report = xlfuncs.generate([four, two], tmp_path / "batch", summary=False)
    charts = {path.stem: _chart_xml(path) for path in report.written}
    assert len(_series(charts["two"])) == 2 and len(_series(charts["four"])) == 4
    # Built directly, options C and D blank (not given): two series as well.
    blank = {spec.name: None for spec in TCO.INPUTS if spec.option in ("C", "D")}
    values = blank | {"scenario": "two", "a_name": "X", "b_name": "Y"}
    book = TCO.build(values | {"c_include": "No", "d_include": "No"}, tmp_path / "two.xlsx")
    assert len(_series(_chart_xml(tmp_path / "two.xlsx"))) == 2
    (by_month,) = [chart for chart in book.option_charts if chart.horizon]
    assert by_month.names == ("a_name", "b_name")


def test_the_template_chart_draws_no_point_past_the_horizon_nor_for_an_option_left_out(tmp_path):
    path = tmp_path / "t.xlsx"
    TCO.build({"months": 12, "c_include": "No"}, path)
    assert len(_series(_chart_xml(path))) == 4  # the template keeps every option's series
    ws = openpyxl.load_workbook(path, data_only=True)["Calculations"]
    labels = {ws.cell(r, 2).value: r for r in range(1, ws.max_row + 1)}
    for letter in "ABCD":
        row = labels[f"Option {letter} in the chart: cumulative cost up to the horizon"]
        cumulative = labels[f"Option {letter}: cumulative discounted cost (D: build)"]
        months = [ws.cell(row, 4 + m).value for m in range(61)]
        if letter == "C":
            assert set(months) == {"#N/A"}
            continue
        assert months[:13] == [ws.cell(cumulative, 4 + m).value for m in range(13)]
        assert set(months[13:]) == {"#N/A"}


def _blanks(xml: str) -> str:
    return re.search(r'<(?:c:)?dispBlanksAs val="([a-z]+)"', xml).group(1)


def test_every_line_chart_leaves_out_a_point_without_a_number(tmp_path):
    """In the templates and in a scenario workbook, #N/A is no point ("span")."""
    for name in ("tco_comparison", "margin_trap"):
        module = template(name)
        module.build({}, tmp_path / module.FILENAME)
        assert _blanks(_chart_xml(tmp_path / module.FILENAME)) == "span", name
    scenario = {"name": "one", "tasks_per_month": 10, "options": [_option("X", 0.9)]}
    report = xlfuncs.generate([scenario], tmp_path / "batch", summary=False)
    assert _blanks(_chart_xml(report.written[0])) == "span"


@pytest.mark.libreoffice
def test_libreoffice_draws_no_zero_past_the_horizon_nor_for_an_option_left_out(tmp_path):
    """LibreOffice keeps the charts' treatment of points without a number: "ignore"
    (join the neighbours; nothing after the last point), never "use-zero", for the
    template with an option left out and a short horizon, and for a filled workbook."""
    require_libreoffice()
    books = tmp_path / "books"
    books.mkdir()
    TCO.build({"months": 12, "a_include": "No"}, books / "left_out.xlsx")
    template("margin_trap").build({}, books / "margin.xlsx")
    scenario = {
        "name": "two",
        "tasks_per_month": 10,
        "months": 6,
        "options": [_option("X", 0.9), _option("Y", 0.95)],
    }
    report = xlfuncs.generate([scenario], tmp_path / "batch", summary=False)
    (books / "filled.xlsx").write_bytes(report.written[0].read_bytes())
    sources = sorted(books.glob("*.xlsx"))
    targets, problem = convert(sources, tmp_path / "ods", ".ods")
    assert problem == ""
    for target in targets:
        with zipfile.ZipFile(target) as archive:
            content = archive.read("Object 1/content.xml").decode("utf-8")
        treatment = re.search(r'chart:treat-empty-cells="([a-z-]+)"', content).group(1)
        assert treatment == "ignore", target.name
