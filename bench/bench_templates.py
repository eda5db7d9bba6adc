"""How long building all five template workbooks takes, against an empty openpyxl save.

Usage: python bench/bench_templates.py [--repeat N]

Prints the best of N runs of each, and the ratio, measured in the same run so
that the machine's speed cancels out. The target is all five in under two
seconds in one process, imports included (the first run below).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import best_of

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COLD = (
    "import time, sys, tempfile; start = time.perf_counter(); "
    "from xlfuncs.templates import build_all; build_all(tempfile.mkdtemp()); "
    "print(time.perf_counter() - start)"
)


def cold_seconds() -> float:
    """Seconds to build all five templates in a new process, imports included."""
    return float(
        subprocess.run(
            [sys.executable, "-c", COLD],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={"PYTHONPATH": str(ROOT), "PATH": ""},
        ).stdout
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat

    import openpyxl

    from xlfuncs.templates import build_all

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        baseline = best_of(lambda: openpyxl.Workbook().save(out / "empty.xlsx"), repeat)
        warm = best_of(lambda: build_all(out / "templates"), repeat)
    cold = cold_seconds()
    print(f"empty openpyxl workbook save (baseline): {baseline * 1000:8.1f} ms")
    print(
        f"all five templates, warm:                {warm * 1000:8.1f} ms "
        f"({warm / baseline:.0f}x baseline)"
    )
    print(
        f"all five templates, new process:         {cold * 1000:8.1f} ms "
        f"({cold / baseline:.0f}x baseline; target under 2000 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
