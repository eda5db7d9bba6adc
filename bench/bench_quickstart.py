"""Time of the README's quick start on a fresh copy of the repository, and its share installing.

Copies the committed files of the repository into a temporary folder (as a
``git clone`` would give them), runs ``python3 quickstart.py`` there with the
system ``python3`` as a new user would, then deletes the workbooks and runs
it again: the second run finds the virtual environment ready, so it times
the workbooks alone, and the difference is the set-up (virtual environment
and install). Downloads depend on the network and pip's cache, so the
figures are for the machine they were taken on. Run:
``python bench/bench_quickstart.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_of_repository(target: Path) -> None:
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, names.split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)


def run(folder: Path) -> float:
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    start = time.perf_counter()
    subprocess.run(
        ["python3", "quickstart.py"],
        cwd=folder,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "xlfuncs"
        copy_of_repository(folder)
        total = run(folder)
        shutil.rmtree(folder / "my-workbooks")
        workbooks = run(folder)
    setup = total - workbooks
    print("quick start on a fresh copy of the repository (python3 quickstart.py):")
    print(f"  wall time          {total:6.1f} s")
    print(f"  setting up         {setup:6.1f} s  (virtual environment and install)")
    print(f"  writing workbooks  {workbooks:6.1f} s  (timed again with the set-up done)")
    print(f"  share installing   {setup / total:6.0%}")


if __name__ == "__main__":
    main()
