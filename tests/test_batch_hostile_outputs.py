"""Output files a batch must never destroy, nor keep when it should not.

Kinds: kept files that should not be kept (``--skip-existing`` keeps only
a workbook that opens, passes its zip checks and holds what this run would
write), files destroyed (the scenario file itself, a name in another case,
another machine's temporary files), names that make a batch quadratic, and
output folders described wrongly (a dangling link, a read-only folder
reported once, before any work).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from batch_standin import STANDIN

import xlfuncs
from xlfuncs._errors import OutputFolderError
from xlfuncs._files import saving
from xlfuncs.batch.write import filenames
from xlfuncs.batch.write.filenames import UniqueNames

OPTIONS = [{"name": k, "cost_per_task": 0.5, "accuracy": 0.9} for k in "abc"]


def scenarios(*names, tasks=100):
    return [
        {"name": n, "tasks_per_month": tasks, "cost_per_error": 10, "options": OPTIONS}
        for n in names
    ]


def generate(source, out, **options):
    return xlfuncs.generate(source, out, template=STANDIN, summary=False, **options)


# Kept files that should not be kept ---------------------------------------------------


def test_a_truncated_workbook_in_place_is_not_kept(tmp_path):
    generate(scenarios("Desk"), tmp_path)
    path = tmp_path / "Desk.xlsx"
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    report = generate(scenarios("Desk"), tmp_path, skip_existing=True)
    assert [o.status for o in report.outcomes] == ["failed"]
    assert report.outcomes[0].reason == (
        "Desk.xlsx exists but does not open as a workbook: use --overwrite to replace it"
    )
    assert len(path.read_bytes()) == len(whole) // 2  # left as found
    report = generate(scenarios("Desk"), tmp_path, overwrite=True)
    assert path.read_bytes() == whole  # as made the first time, from the same inputs


def test_a_workbook_failing_its_zip_checks_is_not_kept(tmp_path):
    generate(scenarios("Desk"), tmp_path)
    path = tmp_path / "Desk.xlsx"
    whole = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/workbook.xml")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    damaged = bytearray(whole)
    damaged[start + 5] ^= 0xFF  # one byte of the compressed part: its checksum no longer holds
    path.write_bytes(bytes(damaged))
    report = generate(scenarios("Desk"), tmp_path, skip_existing=True)
    assert [o.status for o in report.outcomes] == ["failed"]
    assert report.outcomes[0].reason.startswith("Desk.xlsx exists but fails its zip checks")
    assert path.read_bytes() == bytes(damaged)


def resaved(path: Path, change) -> None:
    """The workbook with one sheet part changed and everything else (its provenance too) kept,
    as a spreadsheet program keeps custom document properties when it saves."""
    with zipfile.ZipFile(path) as source:
        contents = {i.filename: source.read(i) for i in source.infolist()}
    name = next(n for n in contents if n.startswith("xl/worksheets/") and b"<v>" in contents[n])
    contents[name] = change(contents[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for filename, data in contents.items():
            target.writestr(filename, data)


@pytest.mark.parametrize(
    "change",
    [
        lambda xml: xml.replace(b"<v>", b"<v>1", 1),  # a figure typed over
        lambda xml: xml + b" ",  # saved again, even unchanged in substance
    ],
)
def test_a_workbook_saved_again_after_it_was_made_is_not_kept(tmp_path, change):
    generate(scenarios("Desk", "Claims"), tmp_path)
    resaved(tmp_path / "Desk.xlsx", change)
    edited = (tmp_path / "Desk.xlsx").read_bytes()
    report = generate(scenarios("Desk", "Claims"), tmp_path, skip_existing=True)
    assert [o.status for o in report.outcomes] == ["failed", "skipped"]
    assert "Desk.xlsx exists but was changed after it was made" in report.outcomes[0].reason
    assert (tmp_path / "Desk.xlsx").read_bytes() == edited  # a person's edits are never lost


@pytest.mark.libreoffice
def test_a_workbook_saved_again_in_libreoffice_is_not_kept(tmp_path):
    out = tmp_path / "out"
    generate(scenarios("Desk"), out)
    saved = tmp_path / "saved"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(saved),
            str(out / "Desk.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    shutil.copy(saved / "Desk.xlsx", out / "Desk.xlsx")
    report = generate(scenarios("Desk"), out, skip_existing=True)
    assert [o.status for o in report.outcomes] == ["failed"], report.outcomes
    assert "use --overwrite to replace it" in report.outcomes[0].reason


def test_an_intact_workbook_of_the_same_inputs_is_kept(tmp_path):
    generate(scenarios("Desk"), tmp_path)
    before = (tmp_path / "Desk.xlsx").stat().st_mtime_ns
    report = generate(scenarios("Desk"), tmp_path, skip_existing=True)
    assert [o.status for o in report.outcomes] == ["skipped"]
    assert (tmp_path / "Desk.xlsx").stat().st_mtime_ns == before


# Files destroyed ----------------------------------------------------------------------


def scenario_workbook(path: Path, name: str) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["scenario", "option", "tasks_per_month", "cost_per_error", "cost_per_task"])
    sheet["F1"] = "accuracy"
    for option in "abc":
        sheet.append([name, option, 100, 10, 0.5, 0.9])
    book.save(path)
    return path


@pytest.mark.parametrize("scenario", ["cases", "CASES", "Cases"])
def test_overwrite_never_replaces_the_scenario_file_itself(tmp_path, scenario):
    source = scenario_workbook(tmp_path / "cases.xlsx", scenario)
    before = source.read_bytes()
    report = generate(source, tmp_path, overwrite=True)
    assert [o.status for o in report.outcomes] == ["written"], report.outcomes
    assert source.read_bytes() == before
    assert report.outcomes[0].file == f"{scenario} (2).xlsx"


@pytest.mark.parametrize("name", ["summary.csv", "Summary.CSV"])
def test_a_scenario_file_named_like_the_summary_is_never_replaced(tmp_path, name):
    source = tmp_path / name
    rows = ["scenario,option,tasks_per_month,cost_per_error,cost_per_task,accuracy"]
    rows += [f"Desk,{k},100,10,0.5,0.9" for k in "abc"]
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = source.read_bytes()
    report = xlfuncs.generate(source, tmp_path, template=STANDIN, overwrite=True)
    assert source.read_bytes() == before
    (summary,) = [o for o in report.outcomes if o.scenario == "(summary)"]
    assert "is the scenario file itself, which is never replaced" in summary.reason


@pytest.mark.parametrize("mode", [{}, {"overwrite": True}, {"skip_existing": True}])
@pytest.mark.parametrize("found", ["acme.xlsx", "ACME.xlsx", "Acme.XLSX"])
def test_a_name_in_another_case_is_one_file(tmp_path, mode, found):
    generate(scenarios("made earlier"), tmp_path)
    os.rename(tmp_path / "made earlier.xlsx", tmp_path / found)
    generate(scenarios("Acme"), tmp_path, **mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == [found]


def test_another_machines_temporary_file_is_kept_and_this_machines_stale_one_removed(tmp_path):
    dead = 2**22 + 12345  # no process has this id (above the usual pid_max)
    host = saving._host()
    same_name = host.split("-")[0]  # another machine of the same name, as older runs named it
    kept = [
        f".Desk.{dead}@{same_name}.0badc0de.part",
        f".Desk.{dead}@{same_name}-0123456789.0badc0de.part",
        f".Desk.{os.getpid()}@{host}.0badc0de.part",
    ]
    removed = [f".Desk.{dead}@{host}.0badc0de.part", f".Old.{dead}@elsewhere.0badc0de.part"]
    for name in kept + removed:
        (tmp_path / name).write_bytes(b"half a workbook")
    week = time.time() - 8 * 24 * 3600
    os.utime(tmp_path / removed[1], (week, week))
    assert sorted(saving.remove_stale_parts(tmp_path)) == sorted(removed)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)


# Unbounded ------------------------------------------------------------------------------


def test_names_that_differ_only_beyond_the_stem_length_take_linear_work(monkeypatch):
    calls = []
    real = UniqueNames.key

    def counted(stem):
        calls.append(stem)
        return real(stem)

    monkeypatch.setattr(UniqueNames, "key", staticmethod(counted))
    names = UniqueNames()
    prefix = "x" * filenames.MAX_STEM_LENGTH
    taken = [names.take(f"{prefix}{i}", ".xlsx") for i in range(2_000)]
    assert len({t.casefold() for t in taken}) == 2_000
    assert taken[1].endswith(" (2).xlsx") and taken[-1].endswith(" (2000).xlsx")
    assert len(calls) < 5 * 2_000  # a few per name, not one per name before it


# Output folders described rightly ------------------------------------------------------------


def test_a_dangling_out_link_is_called_a_link_to_a_missing_folder(tmp_path):
    link = tmp_path / "out"
    link.symlink_to(tmp_path / "gone")
    with pytest.raises(OutputFolderError) as caught:
        generate(scenarios("Desk"), link)
    message = str(caught.value)
    assert "a file" not in message
    assert message == (
        f"--out {link} is a symbolic link to {tmp_path / 'gone'}, which does not exist: create "
        "that folder, or give another with --out"
    )


def test_a_folder_that_cannot_be_written_is_reported_once_before_any_work(tmp_path, monkeypatch):
    real_open = os.open
    seen = []

    def refused(path, flags, *more):
        if str(path).startswith(str(tmp_path / "out")) and flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system", path)
        return real_open(path, flags, *more)

    monkeypatch.setattr(os, "open", refused)
    source = tmp_path / "cases.json"
    source.write_text(json.dumps({"scenarios": [{"name": "bad"}, *scenarios("a", "b")]}))
    with pytest.raises(OutputFolderError) as caught:
        generate(source, tmp_path / "out", jobs=1, progress=seen.append)
    assert str(caught.value) == (
        f"the output folder {tmp_path / 'out'} is on a read-only file system: choose another "
        "folder with --out"
    )
    assert seen == []  # not one scenario read or reported


# Every counted failure is named ------------------------------------------------------------


@pytest.mark.parametrize("flags", [[], ["--overwrite"], ["--skip-existing"]])
def test_a_summary_that_cannot_be_written_is_named_when_output_is_not_a_terminal(
    tmp_path, capsys, flags
):
    from xlfuncs.cli import main

    out = tmp_path / "out"
    (out / "summary.xlsx").mkdir(parents=True)
    assert main(["generate", "--example", "--out", str(out), *flags]) == 1
    printed, _ = capsys.readouterr()
    *_, last = [line for line in printed.splitlines() if line]
    assert last.endswith("1 failed; folder " + str(out))
    assert "failed   (summary): summary.xlsx is a folder" in printed, printed
    assert "Is a directory" not in printed


# Illustrative defaults are never used silently ----------------------------------------------


@pytest.mark.parametrize(
    "template, scenario, missing",
    [
        (
            "test_time_compute",
            {
                "cases_per_month": 1000,
                "options": [
                    {"name": "fast", "cost_per_case": 0.001, "seconds_per_case": 0.2},
                    {"name": "slow", "cost_per_case": 50, "seconds_per_case": 180},
                ],
            },
            "value_per_correct",
        ),
        (
            "margin_trap",
            {
                "years": 5,
                "options": [
                    {"name": "e", "price": 0.01, "cost": 0.004, "annual_price_change": -0.3},
                    {"name": "c", "price": 0.03, "cost": 0.012, "annual_price_change": -0.1},
                ],
            },
            "annual_cost_change",
        ),
        (
            "breakeven_accuracy",
            {
                "efficient_accuracy": 0.95,
                "efficient_cost_per_task": 0.002,
                "frontier_accuracy": 0.99,
                "frontier_cost_per_task": 0.05,
                "tasks_per_month": 20_000,
            },
            "cost_per_error",
        ),
    ],
)
def test_an_illustrative_default_is_never_used_silently(tmp_path, template, scenario, missing):
    from xlfuncs.batch.read.describe import describe

    report = xlfuncs.generate([{"name": "Case", **scenario}], tmp_path, template=template)
    assert [o.status for o in report.outcomes] == ["failed"], report.outcomes
    assert missing in report.outcomes[0].reason
    assert "no neutral default" in report.outcomes[0].reason
    assert f"  {missing} (" in describe(template)
    (line,) = [x for x in describe(template).splitlines() if x.startswith(f"  {missing} (")]
    assert line.endswith("; required"), line


@pytest.mark.parametrize("template", ["margin_trap", "test_time_compute", "breakeven_accuracy"])
def test_example_with_a_template_it_is_not_for_is_one_line(tmp_path, capsys, template):
    from xlfuncs.cli import main

    assert main(["generate", "--example", "--template", template, "--out", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"xlfuncs generate: --example: the bundled examples are for tco_comparison, not "
        f"{template}; write a scenario file for it (xlfuncs templates --describe {template} "
        "lists its inputs)\n"
    )
    assert list(tmp_path.iterdir()) == []


# tco_comparison: an option's cost per task instead of its tokens and prices ------------------

ESSAY = {
    "name": "Essay",
    "tasks_per_month": 1000,
    "months": 12,
    "options": [
        {"name": "Efficient", "cost_per_task": 0.001, "accuracy": 0.9, "cost_per_error": 50},
        {"name": "Frontier", "cost_per_task": 50, "accuracy": 0.99, "cost_per_error": 50},
    ],
}


def test_an_option_may_give_its_cost_per_task_instead_of_tokens_and_prices(tmp_path):
    # SPEC's TCO takes the cost per task itself: the workbook's figures are xlfuncs.tco's.
    report = xlfuncs.generate([ESSAY], tmp_path)
    assert report.ok, report.failures
    headings = report.summary.headings
    rows = report.summary_rows()
    column = {h: i for i, h in enumerate(headings)}
    for row, option in zip(rows, ESSAY["options"], strict=True):
        assert row[column["Cost per task"]] == pytest.approx(option["cost_per_task"], rel=1e-12)
        expected = xlfuncs.tco(1000, option["cost_per_task"], option["accuracy"], 50, months=12)
        assert row[column["TCO"]] == pytest.approx(expected, rel=1e-12)


def test_a_table_may_give_cost_per_task_as_a_column(tmp_path):
    source = tmp_path / "cases.csv"
    source.write_text(
        "scenario,option,tasks_per_month,cost_per_task,accuracy,cost_per_error\n"
        'Essay,Efficient,1000,"0,001",90%,50\nEssay,Frontier,1000,50,99%,50\n',
        encoding="utf-8",
    )
    report = xlfuncs.generate(source, tmp_path / "out")
    assert report.ok, report.failures
    cost = report.summary.headings.index("Cost per task")
    assert report.summary_rows()[0][cost] == pytest.approx(0.001)


@pytest.mark.parametrize(
    "also, named",
    [
        ({"input_tokens": 2000}, "input_tokens"),
        ({"input_price": 3}, "input_price"),
        ({"model": "gpt-4o"}, "model"),
        ({"pricing": "Self-hosted"}, "pricing"),
        ({"calls": 2}, "calls"),
    ],
)
def test_cost_per_task_and_what_it_stands_for_are_not_both_given(tmp_path, also, named):
    scenario = json.loads(json.dumps(ESSAY))
    scenario["options"][0].update(also)
    report = xlfuncs.generate([scenario], tmp_path)
    assert [o.status for o in report.outcomes] == ["failed"]
    assert f"give the option's cost_per_task or its {named}, not both" in (
        report.outcomes[0].reason
    )


def test_a_negative_cost_per_task_is_refused(tmp_path):
    scenario = json.loads(json.dumps(ESSAY))
    scenario["options"][0]["cost_per_task"] = -1
    report = xlfuncs.generate([scenario], tmp_path)
    assert "cost_per_task must be" in report.outcomes[0].reason


@pytest.mark.parametrize("flags", [[], ["--overwrite"]])
def test_templates_name_a_folder_in_the_way(tmp_path, capsys, flags):
    from xlfuncs.cli import main

    (tmp_path / "tco_comparison.xlsx").mkdir()
    assert main(["templates", "tco_comparison", "--out", str(tmp_path), *flags]) == 1
    _, err = capsys.readouterr()
    assert err == (
        f"xlfuncs templates: {tmp_path / 'tco_comparison.xlsx'} is a folder, so the workbook "
        "cannot be written under that name\n"
    )


@pytest.mark.parametrize("mode", [{}, {"overwrite": True}])
def test_a_summary_in_another_case_is_the_same_file(tmp_path, mode):
    (tmp_path / "Summary.CSV").write_bytes(b"mine")
    report = xlfuncs.generate(scenarios("Desk"), tmp_path, template=STANDIN, **mode)
    names = sorted(p.name for p in tmp_path.iterdir())
    if mode:  # replaced under the name it has
        assert names == ["Desk.xlsx", "Summary.CSV", "summary.xlsx"]
        assert (tmp_path / "Summary.CSV").read_bytes() != b"mine"
    else:  # kept, and the summary refused as a whole
        assert names == ["Desk.xlsx", "Summary.CSV"]
        assert (tmp_path / "Summary.CSV").read_bytes() == b"mine"
        assert report.outcomes[-1].reason.startswith("Summary.CSV already exists")
