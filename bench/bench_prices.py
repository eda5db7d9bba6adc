"""How long a model price lookup takes: the first call (loading the price data) and later ones.

Run: ``python bench/bench_prices.py``. The first call is timed in fresh
processes (it imports genai-prices and reads its bundled data); later calls
are served from the lookup cache and are timed in this process, against a
trivial baseline (a dictionary lookup behind a function call) measured in
the same run, so the ratio means the same on any machine.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import xlfuncs  # noqa: E402
from xlfuncs import udfs  # noqa: E402
from xlfuncs._genai_prices import price_source  # noqa: E402

BUDGET_SECONDS = 0.2e-3  # a call after the first: at most 0.2 ms
FRESH_PROCESSES = 3

FIRST_CALL = """
import time
start = time.perf_counter()
import xlfuncs
imported = time.perf_counter()
xlfuncs.model_price("gpt-4o", "input")
done = time.perf_counter()
print(imported - start, done - imported)
"""

_TABLE = {"gpt-4o": {"input": 2.5, "output": 10.0}}


def baseline(model, kind="output", provider=None, as_of=None):
    """What any lookup costs at least: a Python call and a dictionary lookup."""
    return _TABLE[model.strip().lower()][kind]


def per_call(statement, number: int = 20_000) -> float:
    """Best of five timings of ``number`` calls, in seconds per call."""
    return min(timeit.repeat(statement, number=number, repeat=5)) / number


def main() -> None:
    imports, firsts = [], []
    for _ in range(FRESH_PROCESSES):
        done = subprocess.run(
            [sys.executable, "-c", FIRST_CALL],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={"PYTHONPATH": str(ROOT), "PATH": ""},
        )
        imported, first = map(float, done.stdout.split())
        imports.append(imported)
        firsts.append(first)

    xlfuncs.model_price("gpt-4o", "input")  # warm the cache
    xlfuncs.model_price("o3", "input", "openai", 45817)
    xlfuncs.model_token_cost("gpt-4o", 1000, 500)
    cases = {
        "baseline: dict lookup in a function": lambda: baseline("gpt-4o", "input"),
        'model_price("gpt-4o", "input")': lambda: xlfuncs.model_price("gpt-4o", "input"),
        'model_price("o3", "input", "openai", 45817)': lambda: xlfuncs.model_price(
            "o3", "input", "openai", 45817
        ),
        'model_token_cost("gpt-4o", 1000, 500)': lambda: xlfuncs.model_token_cost(
            "gpt-4o", 1000, 500
        ),
        'udfs.MODEL_PRICE("gpt-4o", "input") (Excel wrapper)': lambda: udfs.MODEL_PRICE(
            "gpt-4o", "input"
        ),
    }
    timings = {name: per_call(call) for name, call in cases.items()}
    base = timings["baseline: dict lookup in a function"]

    print(f"genai-prices {price_source().version}, Python {sys.version.split()[0]}")
    print(
        f"import xlfuncs (fresh process, median of {FRESH_PROCESSES}): "
        f"{statistics.median(imports) * 1e3:8.1f} ms"
    )
    print(
        f"first MODEL_PRICE call, loading the price data (median of {FRESH_PROCESSES}): "
        f"{statistics.median(firsts) * 1e3:8.1f} ms"
    )
    print()
    print(f"{'later calls (cached)':<56}{'per call':>12}{'x baseline':>12}")
    for name, seconds in timings.items():
        print(f"{name:<56}{seconds * 1e6:>9.2f} us{seconds / base:>12.1f}")
    worst = max(seconds for name, seconds in timings.items() if "baseline" not in name)
    verdict = "within" if worst <= BUDGET_SECONDS else "OVER"
    budget = f"{BUDGET_SECONDS * 1e6:.0f} us"
    print()
    print(f"slowest cached call {worst * 1e6:.2f} us: {verdict} the {budget} budget")


if __name__ == "__main__":
    main()
