"""Time and memory of refusing each hostile scenario file, against reading a good one.

Run: ``python bench/bench_limits.py`` (under a minute).

Each file of ``tests/hostile_files.py`` lies just beyond one limit on
scenario files (or, for "whole grid", declares all of Excel's grid and holds
four rows). Each is read by ``read_scenarios`` in a fresh process; the table
gives the wall time and the peak resident memory of that process, and their
ratios to reading the bundled example scenarios in the same way. Goal: every
refusal under 2 seconds and under 200 MB. Then the file names of scenarios
whose names differ only beyond a file name's length: the time for four times
the names, as a ratio (linear work: about 4).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hostile_files import REFUSALS  # noqa: E402

CHILD = """
import resource, sys, time
sys.path.insert(0, {tests!r})
start = time.perf_counter()
from batch_standin import STANDIN
from xlfuncs.batch.read.checker import ScenarioFileError
from xlfuncs.batch.read.sources import read_scenarios
from xlfuncs.batch.template import Layout, resolve_template
layout = Layout.of(resolve_template("tco_comparison") if sys.argv[2] == "tco" else STANDIN)
try:
    outcome = "read %d" % len(list(read_scenarios(sys.argv[1], layout)))
except ScenarioFileError as error:
    outcome = "refused"
seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, outcome)
"""


def measure(path: Path, layout: str = "standin") -> tuple[float, float, str]:
    code = CHILD.format(tests=str(ROOT / "tests"))
    done = subprocess.run(
        [sys.executable, "-c", code, str(path), layout],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    seconds, megabytes, outcome = done.stdout.split(maxsplit=2)
    return float(seconds), float(megabytes), outcome.strip()


def main() -> None:
    from xlfuncs.batch import EXAMPLE_SCENARIOS

    base_seconds, base_mb, _ = measure(EXAMPLE_SCENARIOS, "tco")
    print(f"baseline: reading the bundled example: {base_seconds:.2f} s, {base_mb:.0f} MB")
    print(f"{'file':<16}{'outcome':<10}{'seconds':>9}{'x base':>8}{'MB':>7}{'x base':>8}  goal")
    worst_seconds = worst_mb = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for case in sorted(REFUSALS):
            make, _ = REFUSALS[case]
            path = make(Path(folder))
            seconds, megabytes, outcome = measure(path)
            path.unlink()
            worst_seconds, worst_mb = max(worst_seconds, seconds), max(worst_mb, megabytes)
            ok = "ok" if seconds < 2 and megabytes < 200 else "MISSED"
            print(
                f"{case:<16}{outcome:<10}{seconds:>9.2f}{seconds / base_seconds:>8.1f}"
                f"{megabytes:>7.0f}{megabytes / base_mb:>8.1f}  {ok}"
            )
    print(f"worst: {worst_seconds:.2f} s, {worst_mb:.0f} MB (goal: under 2 s and 200 MB)")
    unique_names()


def unique_names() -> None:
    """File names for scenarios whose names differ only after the 140 characters a file
    name keeps: the work per name must not grow with the names before it."""
    import time

    from xlfuncs.batch.write.filenames import MAX_STEM_LENGTH, UniqueNames

    prefix = "x" * MAX_STEM_LENGTH
    timings = {}
    for count in (2_000, 8_000):
        names = UniqueNames()
        start = time.perf_counter()
        for number in range(count):
            names.take(f"{prefix}{number}", ".xlsx")
        timings[count] = time.perf_counter() - start
    ratio = timings[8_000] / timings[2_000]
    print(
        f"names alike for {MAX_STEM_LENGTH} characters: 2,000 in {timings[2_000]:.3f} s, "
        f"8,000 in {timings[8_000]:.3f} s: x{ratio:.1f} for 4 times the names "
        f"(linear: about 4; quadratic: about 16)"
    )


if __name__ == "__main__":
    main()
