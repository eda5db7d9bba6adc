"""The one timer of the benchmarks: the best of several runs."""

from __future__ import annotations

import time

__all__ = ["best_of"]


def best_of(function, repeat: int = 5) -> float:
    """Seconds of the fastest of ``repeat`` calls: the run least disturbed by other work."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)
