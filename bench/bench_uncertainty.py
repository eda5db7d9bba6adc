"""Speed and memory of the Monte Carlo functions, as ratios against baselines of the same run.

Run: ``python bench/bench_uncertainty.py``.

1. ``tco_sim`` with 1,000,000 trials, months=36, four uncertain inputs,
   against a Python loop calling ``xlfuncs.tco`` with scalars once per trial
   (the loop is timed on 10,000 trials and scaled; its inputs are drawn
   beforehand, so the loop is charged for nothing but the calls).
2. Peak memory of that run, in a fresh interpreter, against the size of the
   trials x months matrix that a month-by-month simulation would hold.
3. ``PROB_CHEAPER``-style comparison of two options, 1,000,000 trials, against
   two ``tco_sim_trials`` runs (what a comparison cannot avoid).
4. One ``TCO_SIM`` call with 10,000 trials through xlwings' Office.js path
   against a pass-through function given the same raw arguments.
5. One ``TCO_TORNADO`` call on a block of 9 uncertain inputs through the
   Office.js path against one scalar ``TCO`` call through the same path.
6. ``PROB_CHEAPER`` with ``correlation=0.5``, 1,000,000 trials, on fixed
   blocks with two inputs uncertain in both, against ``correlation=1``.
7. Beta-PERT draws for 1,000,000 trials against triangular draws of the same
   uniforms (the inverse functions alone, and in ``tco_sim_trials``).
"""

from __future__ import annotations

import statistics
import subprocess
import sys

import numpy as np

# Sets up xlwings' Office.js path, so it comes before xlwings is imported.
from officejs import best_of, call, passthrough_module, payload

import xlfuncs
from xlfuncs import udfs

BLOCK = {
    "tasks_per_month": (5_000, 20_000, 60_000),
    "cost_per_task": 0.004,
    "accuracy": (0.88, 0.94, 0.97),
    "cost_per_error": (0.5, 2.0, 15.0),
    "upfront": (20_000, 60_000, 150_000),
    "monthly_fixed": 1_500,
    "months": 36,
    "monthly_growth": 0.02,
    "annual_discount_rate": 0.08,
}
FRONTIER = {**BLOCK, "cost_per_task": 0.05, "accuracy": (0.96, 0.98, 0.99), "upfront": 10_000}
#: Two options with two inputs uncertain in both (accuracy, cost_per_error), an
#: input uncertain in one (upfront), and a shared uncertain volume: fixed, so
#: that the correlation figures compare from run to run.
PAIRED_A = {
    "cost_per_task": 0.004,
    "accuracy": (0.88, 0.94, 0.97),
    "cost_per_error": (0.5, 2.0, 15.0),
    "upfront": (20_000, 60_000, 150_000),
    "monthly_fixed": 1_500,
}
PAIRED_B = {**PAIRED_A, "cost_per_task": 0.05, "accuracy": (0.96, 0.98, 0.99), "upfront": 10_000}
PAIRED_SHARED = {
    "tasks_per_month": (5_000, 20_000, 60_000),
    "months": 36,
    "monthly_growth": 0.02,
    "annual_discount_rate": 0.08,
}
#: Every TCO argument uncertain: nine swings, nineteen cases.
NINE = {
    "tasks_per_month": (5_000, 20_000, 60_000),
    "cost_per_task": (0.002, 0.004, 0.01),
    "accuracy": (0.88, 0.94, 0.97),
    "cost_per_error": (0.5, 2.0, 15.0),
    "upfront": (20_000, 60_000, 150_000),
    "monthly_fixed": (1_000, 1_500, 3_000),
    "months": (24, 36, 48),
    "monthly_growth": (0.0, 0.02, 0.05),
    "annual_discount_rate": (0.05, 0.08, 0.12),
}
MILLION = 1_000_000
BUDGET_SECONDS = 1.0
BUDGET_MB = 600
BUDGET_EXCEL_MS = 50


def simulation_against_loop():
    vectorised = best_of(lambda: xlfuncs.tco_sim(BLOCK, trials=MILLION), 3)
    sample = 10_000
    rng = np.random.default_rng(0)
    draws = {
        name: rng.triangular(*value, sample).tolist()
        if isinstance(value, tuple)
        else [value] * sample
        for name, value in BLOCK.items()
    }
    rows = list(zip(*draws.values(), strict=True))

    def loop():
        for row in rows:
            xlfuncs.tco(*row)

    looped = best_of(loop, 3) * (MILLION / sample)
    return vectorised, looped


PEAK_SCRIPT = """
import resource, tracemalloc
import xlfuncs


def peak_rss_mb():
    # Linux: VmHWM belongs to this program alone; ru_maxrss also counts the
    # parent's footprint at the fork, which exec does not reset.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 2**10
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10


block = {block!r}
xlfuncs.tco_sim(block, trials=100)  # imports and first-call set-up outside the measurement
before = peak_rss_mb()
tracemalloc.start()
xlfuncs.tco_sim(block, trials={trials})
traced = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(traced / 2**20, peak_rss_mb(), before)
"""


def peak_memory(trials):
    """(tracemalloc peak, whole-process peak RSS, RSS before the run), in MB, fresh interpreter."""
    code = PEAK_SCRIPT.format(block=BLOCK, trials=trials)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return [float(x) for x in out.split()]


def comparison_against_two_runs():
    both = best_of(lambda: xlfuncs.prob_cheaper(BLOCK, FRONTIER, trials=MILLION), 3)
    separate = best_of(
        lambda: (
            xlfuncs.tco_sim_trials(BLOCK, MILLION),
            xlfuncs.tco_sim_trials(FRONTIER, MILLION),
        ),
        3,
    )
    return both, separate


def sheet_block():
    rows = [["Parameter", "Low", "Most likely", "High"]]
    for name, value in BLOCK.items():
        rows.append([name, *value] if isinstance(value, tuple) else [name, value, "", ""])
    return rows


def excel_call():
    args = [sheet_block(), [[0.1, 0.5, 0.9]], [[10_000]], [[0]]]
    sim_call = payload("TCO_SIM", args)
    pass_call = payload("PASS", args)
    passthrough = passthrough_module()
    result = call(sim_call, udfs)
    assert len(result) == 1 and len(result[0]) == 3, result

    sim_times, pass_times = [], []
    for _ in range(7):  # interleave so that drift hits both alike
        sim_times.append(best_of(lambda: call(sim_call, udfs, 20), 1) / 20)
        pass_times.append(best_of(lambda: call(pass_call, passthrough, 20), 1) / 20)
    return statistics.median(sim_times), statistics.median(pass_times)


def tornado_against_scalar_tco():
    rows = [["Parameter", "Low", "Most likely", "High"]]
    rows += [[name, *value] for name, value in NINE.items()]
    tornado_call = payload("TCO_TORNADO", [rows, None, None])
    likely = [[[value[1]]] for value in NINE.values()]
    tco_call = payload("TCO", likely)
    cells = call(tornado_call, udfs)
    assert len(cells) == 10 and len(cells[0]) == 6, cells
    tornado_times, tco_times = [], []
    for _ in range(7):  # interleave so that drift hits both alike
        tornado_times.append(best_of(lambda: call(tornado_call, udfs, 50), 1) / 50)
        tco_times.append(best_of(lambda: call(tco_call, udfs, 50), 1) / 50)
    return statistics.median(tornado_times), statistics.median(tco_times)


def correlation_against_common_draws():
    def run(rho):
        return xlfuncs.prob_cheaper(PAIRED_A, PAIRED_B, PAIRED_SHARED, MILLION, 0, rho)

    run(0.5)  # the normal table is built on first use
    copula, common = [], []
    for _ in range(5):
        copula.append(best_of(lambda: run(0.5), 1))
        common.append(best_of(lambda: run(1.0), 1))
    return min(copula), min(common)


def pert_against_triangular():
    from xlfuncs._distributions import _lower_half, pert_ppf, triangular_ppf

    uniforms = np.random.default_rng(0).random(MILLION)
    guess = (0.5, 2.0, 15.0)
    _lower_half.cache_clear()
    cold = best_of(lambda: pert_ppf(uniforms, *guess), 1)  # builds the two half-tables
    pert = best_of(lambda: pert_ppf(uniforms, *guess), 7)
    triangle = best_of(lambda: triangular_ppf(uniforms, *guess), 7)
    pert_block = {
        name: (*value, "pert") if isinstance(value, tuple) else value
        for name, value in BLOCK.items()
    }
    in_sim_pert = best_of(lambda: xlfuncs.tco_sim_trials(pert_block, MILLION), 3)
    in_sim_triangle = best_of(lambda: xlfuncs.tco_sim_trials(BLOCK, MILLION), 3)
    return cold, pert, triangle, in_sim_pert, in_sim_triangle


def main():
    vectorised, looped = simulation_against_loop()
    print("1. tco_sim, 1,000,000 trials, months=36, four uncertain inputs")
    print(
        f"   vectorised {vectorised:.3f} s, scalar tco loop (10,000 trials scaled) {looped:.1f} s"
    )
    print(f"   speed-up: {looped / vectorised:,.0f}x   (target >= 50x)")
    share = vectorised / BUDGET_SECONDS
    print(f"   share of the {BUDGET_SECONDS:g} s budget: {share:.2f}   (target <= 1)")

    traced, rss, rss_before = peak_memory(MILLION)
    matrix = MILLION * 36 * 8 / 2**20
    print("2. peak memory of that run, fresh interpreter")
    print(
        f"   numpy allocations (tracemalloc) {traced:.0f} MB; process peak RSS {rss:.0f} MB"
        f" ({rss_before:.0f} MB before the run)"
    )
    print(f"   against a trials x months float64 matrix ({matrix:.0f} MB): {traced / matrix:.2f}")
    share = rss / BUDGET_MB
    print(f"   share of the {BUDGET_MB} MB budget (process peak): {share:.2f}   (target <= 1)")
    traced_10m, rss_10m, _ = peak_memory(10 * MILLION)
    print(
        f"   10,000,000 trials: tracemalloc {traced_10m:.0f} MB, process peak {rss_10m:.0f} MB"
        " (batches of about a million trials)"
    )

    both, separate = comparison_against_two_runs()
    print("3. prob_cheaper, 1,000,000 trials, against two tco_sim_trials runs")
    print(f"   prob_cheaper {both:.3f} s, two runs {separate:.3f} s, ratio {both / separate:.2f}")

    sim, passthrough = excel_call()
    print("4. TCO_SIM with 10,000 trials through custom_functions_call")
    print(f"   TCO_SIM {sim * 1e3:.1f} ms, pass-through {passthrough * 1e3:.2f} ms")
    print(
        f"   ratio: {sim / passthrough:.1f}; share of the {BUDGET_EXCEL_MS} ms budget: "
        f"{sim * 1e3 / BUDGET_EXCEL_MS:.2f}   (target <= 1)"
    )

    tornado, scalar = tornado_against_scalar_tco()
    print("5. TCO_TORNADO, 9 uncertain inputs (19 cases), through custom_functions_call")
    print(f"   TCO_TORNADO {tornado * 1e3:.2f} ms, one scalar TCO call {scalar * 1e3:.2f} ms")
    print(f"   ratio: {tornado / scalar:.2f}   (target <= 3)")

    copula, common = correlation_against_common_draws()
    print("6. prob_cheaper, 1,000,000 trials, two inputs uncertain in both blocks")
    print(f"   correlation=0.5 {copula:.3f} s, correlation=1 {common:.3f} s")
    print(
        f"   ratio: {copula / common:.2f}   (goal <= 2); share of the {BUDGET_SECONDS:g} s "
        f"budget: {copula / BUDGET_SECONDS:.2f}   (target <= 1)"
    )

    cold, pert, triangle, in_sim_pert, in_sim_triangle = pert_against_triangular()
    print("7. Beta-PERT draws, 1,000,000 trials (tabulated inverse, error < 1e-6 of the range)")
    print(
        f"   inverse alone: PERT {pert:.3f} s ({cold:.3f} s with building the table), "
        f"triangular {triangle:.3f} s, ratio {pert / triangle:.1f}"
    )
    print(
        f"   tco_sim_trials, four uncertain rows: PERT {in_sim_pert:.3f} s, triangular "
        f"{in_sim_triangle:.3f} s, ratio {in_sim_pert / in_sim_triangle:.2f}"
    )
    print(f"   share of the 1.5 s budget: {in_sim_pert / 1.5:.2f}   (target <= 1)")


if __name__ == "__main__":
    main()
