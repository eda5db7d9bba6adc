"""``generate --pdf``: each workbook's Summary sheet on one page, printed by LibreOffice.

The oracles are outside xlfuncs: ``pdfinfo`` counts the pages and measures
them, ``pdftotext`` reads what LibreOffice drew, and each TCO's displayed
text is worked out here from the cell's number format (``#,##0.00 "USD"``
shows 30923.6712 as ``30,923.67 USD``), not by the code that wrote the workbook.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import openpyxl
import pytest
import yaml
from template_support import require_libreoffice

import xlfuncs
from xlfuncs import InputError
from xlfuncs._errors import UnprintableWorkbookError
from xlfuncs.batch import EXAMPLE_SCENARIOS
from xlfuncs.batch.pdf import summary_only
from xlfuncs.batch.run import generate
from xlfuncs.batch.template import resolve_template
from xlfuncs.batch.write.filler import Filler
from xlfuncs.cli import main

#: Landscape page sizes in points (1/72 inch): A4 is 297 x 210 mm, US Letter 11 x 8.5 in.
A4 = (297 / 25.4 * 72, 210 / 25.4 * 72)
LETTER = (11 * 72, 8.5 * 72)


def example_scenarios() -> list[dict]:
    return yaml.safe_load(EXAMPLE_SCENARIOS.read_text(encoding="utf-8"))["scenarios"]


def with_four_long_options() -> list[dict]:
    """The examples and a scenario of four options named with 60 characters each."""
    scenarios = example_scenarios()
    # Options of the support and email cases, whose TCOs stay in the millions.
    options = [*scenarios[0]["options"], *scenarios[2]["options"]]
    four = dict(scenarios[2], name="Four options with long names")
    long = "with a long descriptive name, and then some more words " * 2
    four["options"] = [
        dict(option, name=f"Option {letter} {long}"[:60])
        for letter, option in zip("ABCD", options, strict=True)
    ]
    four.pop("reference_option", None)
    return [*scenarios, four]


def pages(pdf: Path) -> tuple[int, tuple[float, float]]:
    """The number of pages and the first page's size in points, as pdfinfo reads them."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    count = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    found = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout, re.M)
    return count, (float(found.group(1)), float(found.group(2)))


def text_of(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


#: Literal text of a number format: a quoted string, a backslash-escaped character, a space.
_LITERAL = r'(?:"[^"]*"|\\.| )*'


def _literal(text: str) -> str:
    """What a format's literal text shows: quoted strings without their quotes, escapes
    as the character."""
    return "".join(
        quoted or escaped or space
        for quoted, escaped, space in re.findall(r'"([^"]*)"|\\(.)|( )', text)
    )


def displayed(value: float, number_format: str) -> str:
    """How a spreadsheet shows ``value`` in a format such as ``#,##0``, ``#,##0.00`` or
    ``#,##0.00 "USD"`` (literal text before or after the number is shown as written)."""
    match = re.fullmatch(f"({_LITERAL})(#,##)?0(?:\\.(0+))?({_LITERAL})", number_format)
    assert match, f"a format this test does not know: {number_format}"
    before, grouped, decimals, after = match.groups()
    places = len(decimals or "")
    number = f"{value:,.{places}f}" if grouped else f"{value:.{places}f}"
    return _literal(before) + number + _literal(after)


def test_displayed_follows_the_number_format():
    assert displayed(30923.6712, "#,##0.00") == "30,923.67"
    assert displayed(1716285.7, "#,##0") == "1,716,286"
    assert displayed(0.5, "0.0000") == "0.5000"
    assert displayed(30923.6712, '#,##0.00 "USD"') == "30,923.67 USD"
    assert displayed(1716285.7, '"EUR" #,##0') == "EUR 1,716,286"
    assert displayed(2.5, "0.0\\ \\%") == "2.5 %"
    with pytest.raises(AssertionError, match="does not know"):
        displayed(1.0, "0.00%")


def tco_cells() -> list[tuple[str, str]]:
    """Where the TCO of options A, B, C, D is on the Summary sheet."""
    places = Filler(resolve_template("tco_comparison")).places.figures
    return [places[f"summary.tco.{letter}"] for letter in "ABCD"]


@pytest.fixture
def counting_soffice(tmp_path, monkeypatch):
    """SOFFICE set to a script that logs how many files each soffice run is given."""
    require_libreoffice()
    if shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None:
        pytest.skip("pdfinfo and pdftotext (poppler-utils) are needed to read the PDFs")
    from xlfuncs._libreoffice import find_soffice

    real = find_soffice()
    log = tmp_path / "soffice-runs.log"
    script = tmp_path / "soffice"
    # soffice's arguments end with the files to convert, after --outdir DIR.
    script.write_text(
        "#!/bin/sh\n"
        'n=0; seen=0; for a in "$@"; do\n'
        '  if [ "$seen" = 2 ]; then n=$((n+1)); fi\n'
        '  if [ "$seen" = 1 ]; then seen=2; fi\n'
        '  if [ "$a" = "--outdir" ]; then seen=1; fi\n'
        "done\n"
        f'echo "$n" >> "{log}"\n'
        f'exec "{real}" "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("SOFFICE", str(script))
    return log


def runs(log: Path) -> list[int]:
    """The number of files of each soffice run so far."""
    return [int(line) for line in log.read_text().split()] if log.exists() else []


@pytest.mark.libreoffice
def test_each_pdf_is_one_a4_page_with_every_tco_as_summary_shows_it(tmp_path, counting_soffice):
    out = tmp_path / "out"
    scenarios = with_four_long_options()
    report = generate(scenarios, out, pdf=True, jobs=2)
    assert report.ok, report.failures
    workbooks = sorted(out.glob("*.xlsx"))
    workbooks.remove(out / "summary.xlsx")
    assert sorted(report.pdfs) == [w.with_suffix(".pdf") for w in workbooks]
    # Two workers: two soffice runs, each printing several workbooks.
    assert sorted(runs(counting_soffice)) == [3, 3]
    options = {s["name"]: len(s["options"]) for s in scenarios}
    assert sorted(options.values()) == [2, 2, 2, 2, 3, 4]
    cells = tco_cells()
    for workbook in workbooks:
        pdf = workbook.with_suffix(".pdf")
        count, (width, height) = pages(pdf)
        assert count == 1, pdf.name
        assert width == pytest.approx(A4[0], abs=1) and height == pytest.approx(A4[1], abs=1)
        text = text_of(pdf)
        book = openpyxl.load_workbook(workbook, data_only=True)
        [(sheet, cell)] = book.defined_names["scenario"].destinations
        scenario = book[sheet][cell.replace("$", "")].value
        assert scenario in options, scenario
        for sheet, coordinate in cells[: options[scenario]]:
            cell = book[sheet][coordinate]
            shown = displayed(cell.value, cell.number_format)
            assert shown in text, (pdf.name, coordinate, shown)
    summary = openpyxl.load_workbook(out / "summary.xlsx").active
    headings = [c.value for c in summary[1]]
    assert headings[:5] == ["Scenario", "Option", "Workbook", "PDF", "Currency"]
    for row in summary.iter_rows(min_row=2, values_only=True):
        assert row[3] == Path(row[2]).with_suffix(".pdf").name
        assert (out / row[3]).exists()
        assert row[4] == "USD"  # the examples name no currency: the templates' default
    csv_headings = (out / "summary.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert csv_headings.startswith('"Scenario","Option","Workbook","PDF","Currency",')


def two_scenarios() -> list[dict]:
    return example_scenarios()[:2]


@pytest.mark.libreoffice
def test_pdfs_kept_remade_or_refused_as_the_workbooks_are(tmp_path, counting_soffice, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    first, second = (s["name"] for s in two_scenarios())
    # A PDF already there, not ours: refused by default, not touched.
    stranger = out / f"{second}.pdf"
    stranger.write_bytes(b"not a PDF")
    report = generate(two_scenarios(), out, pdf=True, paper="letter")
    assert not report.ok
    assert report.pdfs == [out / f"{first}.pdf"]
    [failure] = report.failures
    assert failure.file == stranger.name and "already exists" in failure.reason
    assert failure.scenario == second
    assert stranger.read_bytes() == b"not a PDF"
    count, (width, height) = pages(out / f"{first}.pdf")
    assert count == 1
    assert width == pytest.approx(LETTER[0], abs=1) and height == pytest.approx(LETTER[1], abs=1)
    assert runs(counting_soffice) == [1]

    # --skip-existing: the PDF at least as new as its workbook is kept, the older one made again.
    old = os.stat(out / f"{second}.xlsx").st_mtime_ns - 10**9
    os.utime(stranger, ns=(old, old))
    kept = os.stat(out / f"{first}.pdf").st_mtime_ns
    report = generate(two_scenarios(), out, pdf=True, paper="letter", skip_existing=True)
    assert report.ok, report.failures
    assert report.pdfs_kept == [out / f"{first}.pdf"] and report.pdfs == [stranger]
    assert os.stat(out / f"{first}.pdf").st_mtime_ns == kept
    assert pages(stranger)[0] == 1
    assert runs(counting_soffice) == [1, 1]

    # Nothing to print: LibreOffice is not even needed.
    monkeypatch.setenv("SOFFICE", str(tmp_path / "no-soffice-here"))
    report = generate(two_scenarios(), out, pdf=True, skip_existing=True)
    assert report.ok and len(report.pdfs_kept) == 2 and not report.pdfs
    monkeypatch.setenv("SOFFICE", str(tmp_path / "soffice"))

    # --overwrite makes every PDF again, in one soffice run.
    report = generate(two_scenarios(), out, pdf=True, overwrite=True)
    assert report.ok and len(report.pdfs) == 2
    assert os.stat(out / f"{first}.pdf").st_mtime_ns > kept
    assert runs(counting_soffice) == [1, 1, 2]
    _, (width, _) = pages(out / f"{first}.pdf")
    assert width == pytest.approx(A4[0], abs=1)


@pytest.mark.libreoffice
def test_the_cli_writes_pdfs_and_counts_them(tmp_path, capsys):
    require_libreoffice()
    out = tmp_path / "out"
    code = main(["generate", "--example", "--out", str(out), "--pdf", "--paper", "Letter"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "5 written, 0 skipped, 0 failed; PDF: 5 written, 0 kept" in printed
    pdfs = sorted(p.name for p in out.glob("*.pdf"))
    assert len(pdfs) == 5
    # Not a terminal: each PDF reported once, as it comes.
    reported = sorted(line[9:] for line in printed.splitlines() if line.endswith(".pdf"))
    assert reported == pdfs


def hide_libreoffice(how: str, tmp_path: Path, monkeypatch) -> None:
    if how == "SOFFICE":
        monkeypatch.setenv("SOFFICE", str(tmp_path / "no-soffice-here"))
    else:
        empty = tmp_path / "bin"
        empty.mkdir()
        monkeypatch.delenv("SOFFICE", raising=False)
        monkeypatch.setenv("PATH", str(empty))


@pytest.mark.parametrize("how", ["SOFFICE", "PATH"])
def test_without_libreoffice_the_workbooks_are_written_and_one_line_says_what_to_install(
    how, tmp_path, monkeypatch, capsys
):
    hide_libreoffice(how, tmp_path, monkeypatch)
    out = tmp_path / "out"
    code = main(["generate", "--example", "--out", str(out), "--pdf"])
    printed, errors = capsys.readouterr()
    assert code == 4
    [line] = errors.splitlines()
    assert "apt-get install libreoffice-calc" in line and "libreoffice.org" in line
    assert "5 written, 0 skipped, 0 failed" in printed
    assert len(list(out.glob("*.xlsx"))) == 6  # five workbooks and the summary
    assert not list(out.glob("*.pdf"))


def test_without_libreoffice_python_says_so_in_the_report(tmp_path, monkeypatch):
    hide_libreoffice("PATH", tmp_path, monkeypatch)
    report = xlfuncs.generate(two_scenarios(), tmp_path / "out", pdf=True)
    assert len(report.written) == 2 and not report.failures
    assert not report.ok and "libreoffice-calc" in report.pdf_unavailable
    summary = openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx").active
    assert [c.value for c in summary[1]][3] == "PDF"
    assert {row[3] or "" for row in summary.iter_rows(min_row=2, values_only=True)} == {""}


def test_a_pdf_libreoffice_does_not_print_is_a_failure_of_its_scenario(
    tmp_path, monkeypatch, capsys
):
    broken = tmp_path / "soffice"
    broken.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 81\n")
    broken.chmod(0o755)
    monkeypatch.setenv("SOFFICE", str(broken))
    out = tmp_path / "out"
    code = main(["generate", "--example", "--out", str(out), "--pdf", "--jobs", "2"])
    printed = capsys.readouterr().out
    assert code == 1
    assert "5 written, 0 skipped, 5 failed" in printed
    reason = "PDF: LibreOffice did not print it: soffice exited with 81: cannot open display"
    assert " ".join(printed.split()).count(reason) == 5  # lines are wrapped
    assert len(list(out.glob("*.xlsx"))) == 6 and not list(out.glob("*.pdf"))


def test_stopping_the_batch_stops_libreoffice_at_once(tmp_path, monkeypatch):
    """Ctrl-C while LibreOffice prints (here: a progress callback that raises it)."""
    pid_file = tmp_path / "pid"
    slow = tmp_path / "soffice"
    # Names every file as soffice does, then hangs as if printing the last one.
    slow.write_text(
        "#!/bin/sh\n"
        f'echo $$ > "{pid_file}"\n'
        'for a in "$@"; do case "$a" in *.xlsx) '
        'echo "convert $a -> /nowhere.pdf using filter : calc_pdf_Export";; esac; done\n'
        "exec sleep 600\n"
    )
    slow.chmod(0o755)
    monkeypatch.setenv("SOFFICE", str(slow))

    def progress(outcome):
        if outcome.file.endswith(".pdf"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate(two_scenarios(), tmp_path / "out", pdf=True, progress=progress)
    pid = int(pid_file.read_text())
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
    assert not list((tmp_path / "out").glob("*.pdf"))
    assert not list((tmp_path / "out").glob(".*"))  # no temporary file left


def test_an_unknown_paper_is_refused_naming_the_choices(tmp_path):
    with pytest.raises(InputError, match=r"paper must be one of 'a4', 'letter', got 'A3'"):
        generate(EXAMPLE_SCENARIOS, tmp_path, pdf=True, paper="A3")
    assert not list(tmp_path.iterdir())


def test_the_cli_refuses_an_unknown_paper(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["generate", "--example", "--out", str(tmp_path), "--pdf", "--paper", "a3"])
    assert stopped.value.code == 2
    assert "--paper" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main(["generate", "--example", "--out", str(tmp_path), "--paper", "letter"])
    assert stopped.value.code == 2
    assert "give it with --pdf" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_the_copy_printed_shows_only_summary_fitted_to_one_landscape_page(tmp_path):
    out = tmp_path / "out"
    generate(two_scenarios(), out)
    workbook = next(out.glob("Customer*.xlsx"))
    for paper, code in (("a4", 9), ("letter", 1)):
        copy = tmp_path / f"{paper}.xlsx"
        copy.write_bytes(summary_only(workbook.read_bytes(), paper))
        book = openpyxl.load_workbook(copy)
        shown = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
        assert shown == ["Summary"] and book.active.title == "Summary"
        setup = book["Summary"].page_setup
        assert (setup.orientation, int(setup.paperSize)) == ("landscape", code)
        assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 1)
        assert book["Summary"].sheet_properties.pageSetUpPr.fitToPage
        assert book["Summary"].print_options.horizontalCentered
        # Everything else is the workbook itself, stored values included.
        values = openpyxl.load_workbook(copy, data_only=True)
        original = openpyxl.load_workbook(workbook, data_only=True)
        for ws in original.worksheets:
            assert [r for r in ws.values] == [r for r in values[ws.title].values], ws.title


def test_a_workbook_without_a_summary_sheet_cannot_be_printed(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Figures"
    book.save(tmp_path / "other.xlsx")
    with pytest.raises(UnprintableWorkbookError, match="no Summary sheet"):
        summary_only((tmp_path / "other.xlsx").read_bytes())
    with pytest.raises(UnprintableWorkbookError, match="cannot be read"):
        summary_only(b"not a workbook")
