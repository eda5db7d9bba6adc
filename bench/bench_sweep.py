"""Speed and memory of ``xlfuncs sweep``, as ratios against baselines timed in the same run.

Run: ``python bench/bench_sweep.py [SCENARIOS]`` (default 1,000,000; a few
minutes on two cores). Needs the ``parquet`` and ``dask`` extras.

1. SCENARIOS two-option tco_comparison scenarios (36 months) swept to
   ``sweep.parquet`` with two worker processes. Target: at most 60 s.
2. Peak memory (resident set, Linux) of that sweep against one of a tenth
   as many scenarios, each in a fresh process: the main process and its
   largest worker. Target: under 1 GB, and at most 1.2x.
3. Per scenario, the sweep against ``xlfuncs.generate`` (which writes a
   workbook per scenario) on 300 of the same scenarios. Target: at least 50x.
4. The sweep of 1. on a Dask ``LocalCluster`` of two worker processes (one
   thread each) against ``--jobs 2``. No target: the cost of a scheduler.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE = {
    "name": "Support desk",
    "tasks_per_month": 50_000,
    "months": 36,
    "monthly_growth": 0.02,
    "annual_discount_rate": 0.08,
    "cost_per_error": 25,
    "options": [
        {
            "name": "Efficient model with scaffolding",
            "pricing": "API",
            "input_tokens": 3000,
            "output_tokens": 400,
            "calls": 4,
            "input_price": 0.15,
            "output_price": 0.6,
            "accuracy": 0.95,
            "catch_rate": 0.6,
            "cost_per_caught_error": 3,
            "build_hours": 400,
            "hourly_rate": 120,
            "monthly_maintenance": 2000,
        },
        {
            "name": "Frontier model",
            "pricing": "API",
            "input_tokens": 2000,
            "output_tokens": 400,
            "input_price": 3,
            "output_price": 15,
            "accuracy": 0.99,
        },
    ],
}


def sweep_file(folder: Path, count: int) -> Path:
    """A sweep of ``count`` scenarios: 40 accuracies x 100 volumes x count/4000 error costs."""
    errors = max(2, count // 4000)
    document = {
        "template": "tco_comparison",
        "base": BASE,
        "sweep": {
            "options.A.accuracy": {"from": 0.9, "to": 0.99, "steps": 40, "scale": "linear"},
            "tasks_per_month": {"from": 1000, "to": 1_000_000, "steps": 100, "scale": "log"},
            "cost_per_error": {"from": 0.1, "to": 1000, "steps": errors, "scale": "log"},
        },
    }
    path = folder / f"sweep-{count}.json"
    path.write_text(json.dumps(document))
    return path


_RUN = """
import json, resource, sys, time
from xlfuncs.sweep import sweep
file, out, how = sys.argv[1:4]
executor = None
if how.startswith("dask"):
    import distributed
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
        host="127.0.0.1", dashboard_address=None, silence_logs=40)
    client = distributed.Client(cluster)
    executor = client.get_executor(pure=False)
start = time.perf_counter()
report = sweep(file, out, formats=("parquet",), jobs=2 if how == "jobs" else 1,
    executor=executor, overwrite=True)
took = time.perf_counter() - start
if executor is not None:
    client.close(); cluster.close()
print(json.dumps({"seconds": took, "count": report.count,
    "self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def run(file: Path, out: Path, how: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(file), str(out), how],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def generate_per_scenario(folder: Path, count: int = 300) -> float:
    import xlfuncs
    from xlfuncs.sweep import read_sweep

    grid = read_sweep(sweep_file(folder, 100_000))
    step = grid.count // count
    documents = [grid.scenario_document(i * step) for i in range(count)]
    start = time.perf_counter()
    report = xlfuncs.generate(documents, folder / "workbooks", jobs=2)
    took = time.perf_counter() - start
    assert report.ok
    return took / count


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as name:
        folder = Path(name)
        big, small = sweep_file(folder, count), sweep_file(folder, count // 10)
        jobs = run(big, folder / "big", "jobs")
        tenth = run(small, folder / "small", "jobs")
        # The main process (the workers, started by a fork server, are not its children;
        # each holds a few blocks whatever the count).
        rss, rss_small = {"big": jobs["self"] / 1024}, tenth["self"] / 1024
        print(
            f"1. {jobs['count']:,} scenarios to sweep.parquet, --jobs 2: {jobs['seconds']:.1f} s "
            f"({jobs['seconds'] / jobs['count'] * 1e6:.1f} us a scenario; target at most 60 s)"
        )
        print(
            f"2. peak memory of the main process: {jobs['self'] / 1024:.0f} MB; "
            f"against {tenth['count']:,} scenarios "
            f"({rss_small:.0f} MB): {rss['big'] / rss_small:.2f}x (target under 1 GB and "
            "at most 1.2x)"
        )
        per_workbook = generate_per_scenario(folder)
        per_swept = jobs["seconds"] / jobs["count"]
        print(
            f"3. per scenario: generate (--jobs 2) {per_workbook * 1e3:.2f} ms, sweep "
            f"{per_swept * 1e6:.1f} us: {per_workbook / per_swept:.0f}x faster (target 50x)"
        )
        dask = run(big, folder / "dask", "dask")
        same = (folder / "big" / "sweep.parquet").read_bytes() == (
            folder / "dask" / "sweep.parquet"
        ).read_bytes()
        print(
            f"4. Dask LocalCluster (2 workers): {dask['seconds']:.1f} s, "
            f"{dask['seconds'] / jobs['seconds']:.2f}x the time of --jobs 2; "
            f"sweep.parquet byte for byte the same: {same}"
        )


if __name__ == "__main__":
    main()
