"""Speed of the HDR generator and of the Monte Carlo functions drawing from it.

Run: ``python bench/bench_hdr.py`` (a few seconds).

1. ``xlfuncs.hdr`` for 1,000,000 trials of one variable: uniforms per second,
   with the argument checks, and of the unchecked arithmetic the Monte Carlo
   functions call. Target: 1,000,000 uniforms well under 0.3 s.
2. ``tco_sim`` with 1,000,000 trials, four uncertain inputs, with
   ``generator="hdr"`` against the default generator timed in the same run,
   all four triangular and then with accuracy a PERT guess (drawn by the
   full-precision Beta quantile with "hdr", by the interpolated table with
   the default generator). Target: under 1 s.
3. ``prob_cheaper`` with 1,000,000 trials and ``correlation=0.5`` (copula
   companions drawn too), ``generator="hdr"`` against the default generator.
"""

from __future__ import annotations

import numpy as np
from _timing import best_of

import xlfuncs
from xlfuncs._hdr import hdr_uniforms

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
PERT_BLOCK = {**BLOCK, "accuracy": (0.88, 0.94, 0.97, "pert")}
OTHER = {**BLOCK, "cost_per_task": 0.05, "accuracy": (0.96, 0.98, 0.99), "upfront": 10_000}
MILLION = 1_000_000
BUDGET_UNIFORMS_SECONDS = 0.3
BUDGET_SIM_SECONDS = 1.0


def main():
    trials = np.arange(1, MILLION + 1)
    checked = best_of(lambda: xlfuncs.hdr(trials, 7, 3))
    raw = best_of(lambda: hdr_uniforms(trials, 7, 3))
    print("1. HDR uniforms, 1,000,000 trials of one variable")
    print(f"   xlfuncs.hdr {checked:.3f} s ({MILLION / checked / 1e6:.1f} million per second)")
    print(f"   unchecked arithmetic {raw:.3f} s ({MILLION / raw / 1e6:.1f} million per second)")
    print(
        f"   share of the {BUDGET_UNIFORMS_SECONDS:g} s budget: "
        f"{checked / BUDGET_UNIFORMS_SECONDS:.2f}   (target well under 1)"
    )

    print("2. tco_sim, 1,000,000 trials, four uncertain inputs")
    for label, block in (("triangular", BLOCK), ("accuracy PERT", PERT_BLOCK)):
        hdr = best_of(lambda b=block: xlfuncs.tco_sim(b, trials=MILLION, generator="hdr"), 3)
        default = best_of(lambda b=block: xlfuncs.tco_sim(b, trials=MILLION), 3)
        print(f'   {label}: generator="hdr" {hdr:.3f} s, generator="default" {default:.3f} s')
        print(
            f"   ratio: {hdr / default:.2f}; share of the {BUDGET_SIM_SECONDS:g} s budget: "
            f"{hdr / BUDGET_SIM_SECONDS:.2f}   (target < 1)"
        )

    def compare(generator):
        return xlfuncs.prob_cheaper(
            BLOCK, OTHER, trials=MILLION, correlation=0.5, generator=generator
        )

    hdr = best_of(lambda: compare("hdr"), 3)
    default = best_of(lambda: compare("default"), 3)
    print("3. prob_cheaper, 1,000,000 trials, correlation=0.5 (two inputs through the copula)")
    print(f'   generator="hdr" {hdr:.3f} s, generator="default" {default:.3f} s')
    print(f"   ratio: {hdr / default:.2f}")


if __name__ == "__main__":
    main()
