"""What ``generate --pdf`` costs, against the same batch without PDFs timed in the same run.

Run: ``python bench/bench_pdf.py`` (about two minutes on two cores; needs LibreOffice).

100 scenarios of tco_comparison (the bundled examples, each with other
volumes and names) are generated without PDFs (the baseline), then with
``pdf=True``, with ``jobs=1`` and ``jobs=2``, each into a fresh folder.
Printed: each batch's time, its ratio to the baseline, the time per PDF
(the difference over the number of PDFs), the share of the batch the
PDFs take, and the processor time LibreOffice used per PDF (which a busy
machine does not change). Target: at most 1 s per PDF with ``jobs=2`` on two cores (one
soffice run per worker, each printing half the workbooks).
"""

from __future__ import annotations

import copy
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml

import xlfuncs
from xlfuncs._libreoffice import find_soffice
from xlfuncs.batch import EXAMPLE_SCENARIOS

COUNT = 100
TARGET_SECONDS_PER_PDF = 1.0


def scenarios(count: int) -> list[dict]:
    """``count`` scenarios: the bundled examples in turn, each with its own name and volume."""
    examples = yaml.safe_load(EXAMPLE_SCENARIOS.read_text(encoding="utf-8"))["scenarios"]
    made = []
    for number in range(count):
        scenario = copy.deepcopy(examples[number % len(examples)])
        scenario["name"] = f"Case {number + 1:03d} - {scenario['name']}"
        scenario["tasks_per_month"] = 1000 * (number + 1)
        made.append(scenario)
    return made


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(folder: Path, **options) -> float:
    start = time.perf_counter()
    report = xlfuncs.generate(scenarios(COUNT), folder, **options)
    elapsed = time.perf_counter() - start
    if not report.ok:
        raise SystemExit(f"the batch failed: {report.failures[:3]} {report.pdf_unavailable}")
    if options.get("pdf") and len(report.pdfs) != COUNT:
        raise SystemExit(f"{len(report.pdfs)} PDFs written, not {COUNT}")
    return elapsed


def main() -> None:
    if find_soffice() is None:
        raise SystemExit("LibreOffice (soffice) is needed for this benchmark")
    print(f"{COUNT} scenarios of tco_comparison; {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as root:
        base = Path(root)
        baseline = timed(base / "baseline", jobs=2)
        print(f"baseline, no PDF, jobs=2: {baseline:7.2f} s")
        for jobs in (1, 2):
            cpu = _children_cpu()
            with_pdf = timed(base / f"pdf-{jobs}", jobs=jobs, pdf=True)
            # soffice runs are children of this process (the workers too, with jobs=2).
            cpu = (_children_cpu() - cpu) / COUNT
            extra = with_pdf - baseline
            per_pdf = extra / COUNT
            verdict = "meets" if per_pdf <= TARGET_SECONDS_PER_PDF else "MISSES"
            print(
                f"--pdf, jobs={jobs}:          {with_pdf:7.2f} s = {with_pdf / baseline:5.1f}x "
                f"the baseline; {per_pdf:.3f} s per PDF, {extra / with_pdf:.0%} of the batch"
                + (f" ({verdict} the target of {TARGET_SECONDS_PER_PDF:g} s)" if jobs == 2 else "")
            )
            print(f"    processor time of child processes per PDF: {cpu:.3f} s")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
