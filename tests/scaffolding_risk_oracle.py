"""The Risk sheet of scaffolding_build_vs_buy.xlsx from the Python functions of SPEC.

Each alternative's trials without its build come from
``xlfuncs.tco_sim_trials(..., generator="hdr", entity=...)``: tasks in month
1, the alternative's accuracy and the shared cost of an error as guessed,
the cost per task and fixed costs as on Calculations, no build. The build
of the small model is added trial by trial: each component's build hours at
the uniform ``xlfuncs.hdr(trial, 5, entity)`` (var_id 5, the stream of TCO's
``upfront``, which every component reads), by the inverse distribution
function of its guess (triangular in closed form, PERT by scipy's Beta
quantile), times the hourly rate. TCO is a straight line in the build, so
this is the sheet's TCO. Every figure (percentiles, shares, histogram
bands) is then worked out with numpy from those trials. Correlation 1 only
(the template's default): below it the copula is checked against
LibreOffice in test_template_risk_scaffolding.py.
"""

from __future__ import annotations

import numpy as np
from risk_oracle import _guess, _ranges, _share_words, _whole, histogram, settings
from scipy.stats import beta as beta_distribution

import xlfuncs
from xlfuncs.templates import scaffolding_build_vs_buy as template

__all__ = ["expected_risk"]

NAMES = template.ALTERNATIVES
REFERENCE = "F"


def _inverse(values: dict, name: str, mode: float, uniforms: np.ndarray) -> np.ndarray:
    """The guess of input ``name`` at each uniform: its inverse distribution function."""
    ranges = _ranges(values, name, mode)
    low, high = ranges["low"], ranges["high"]
    if high <= low:
        return np.full(uniforms.shape, float(mode))
    if ranges["alpha"] > 0:
        return low + (high - low) * beta_distribution.ppf(uniforms, ranges["alpha"], ranges["beta"])
    width = high - low
    rising = uniforms * width < mode - low
    return np.where(
        rising,
        low + np.sqrt(uniforms * width * (mode - low)),
        high - np.sqrt((1 - uniforms) * width * (high - mode)),
    )


def expected_risk(values: dict, figures: dict) -> tuple[dict, dict]:
    """The Risk sheet's figures and texts (and Summary's Risk sentence) for ``values``;
    ``figures`` are the Calculations figures of the template's oracle."""
    v = values
    trials, entity, out = settings(values)
    shared = {"tasks_per_month": v["tasks_per_month"], "cost_per_error": v["cost_per_error"]}
    shared |= {f"{c.lower()}_build_hours": v[f"{c.lower()}_build_hours"] for c in "VDR"}
    for key, mode in shared.items():
        for field, number in _ranges(v, key, mode).items():
            out[f"risk.{key}.{field}"] = number
    accuracy = {"S": "small_accuracy", "F": "frontier_accuracy"}
    for x, name in accuracy.items():
        for field, number in _ranges(v, name, v[name]).items():
            out[f"risk.accuracy.{field}.{x}"] = number
        out[f"risk.accuracy.sign.{x}"] = 0  # correlation 1: no copula
    # Something is drawn when any range is open (both alternatives are always compared).
    out["risk.any_range"] = any(
        out[key.replace(".low", ".high")] > out[key]
        for key in list(out)
        if (key.endswith(".low") or ".low." in key) and not key.startswith("risk.percentile")
    )
    common = {
        "tasks_per_month": _guess(v, "tasks_per_month", v["tasks_per_month"]),
        "cost_per_error": _guess(v, "cost_per_error", v["cost_per_error"]),
        "months": v["months"],
        "monthly_growth": v["monthly_growth"],
        "annual_discount_rate": v["annual_discount_rate"],
    }
    blocks = {
        "S": common
        | {
            "cost_per_task": figures["calc.small_cost_per_task"],
            "accuracy": _guess(v, "small_accuracy", v["small_accuracy"]),
            "monthly_fixed": figures["calc.small_monthly_fixed"],
        },
        "F": common
        | {
            "cost_per_task": v["frontier_cost_per_task"],
            "accuracy": _guess(v, "frontier_accuracy", v["frontier_accuracy"]),
            "monthly_fixed": v["frontier_monthly_fixed"],
        },
    }
    draws = {
        x: xlfuncs.tco_sim_trials(block, trials=trials, generator="hdr", entity=entity).copy()
        for x, block in blocks.items()
    }
    uniforms = np.asarray(xlfuncs.hdr(np.arange(1, trials + 1), 5, entity), dtype=float)
    hours = [_inverse(v, f"{c.lower()}_build_hours", v[f"{c.lower()}_build_hours"], uniforms)
             for c in "VDR"]  # fmt: skip
    draws["S"] = draws["S"] + sum(h * v["hourly_rate"] for h in hours)
    out["risk.at_inputs.S"] = figures["calc.small_tco"]
    out["risk.at_inputs.F"] = figures["calc.frontier_tco"]
    for x, other in (("S", "F"), ("F", "S")):
        tcos = draws[x]
        out |= {
            f"risk.mean.{x}": float(np.mean(tcos)),
            f"risk.p_low.{x}": float(np.quantile(tcos, v["risk_percentile_low"])),
            f"risk.p_mid.{x}": float(np.quantile(tcos, v["risk_percentile_mid"])),
            f"risk.p_high.{x}": float(np.quantile(tcos, v["risk_percentile_high"])),
            # Strictly below the other: a tie counts for neither.
            f"risk.cheapest.{x}": float(np.mean(tcos < draws[other])),
            f"risk.beats_reference.{x}": (
                "reference" if x == REFERENCE else float(np.mean(tcos < draws[REFERENCE]))
            ),
        }
    out |= histogram(draws, max(out["risk.p_high.S"], out["risk.p_high.F"]))
    texts = {f"risk.name.{x}": name for x, name in NAMES.items()}
    texts |= {f"risk.band.{x}": name for x, name in NAMES.items()}
    currency = v.get("currency", "USD")
    texts["summary.risk"] = (
        f"In {trials:,} trials of the uncertain inputs (Risk sheet), the small model with "
        f"scaffolding costs less than the frontier model in "
        f"{_share_words(out['risk.beats_reference.S'])}% of them. In "
        f"{_whole(v['risk_percentile_high'] * 100)}% of trials the small model's TCO stays at "
        f"or below {_whole(out['risk.p_high.S'])} {currency} and the frontier model's at or "
        f"below {_whole(out['risk.p_high.F'])} {currency}."
    )
    if not out["risk.any_range"]:
        texts["summary.risk"] = (
            "No input has a low or high guess on Inputs: the Risk sheet shows no uncertainty."
        )
    return out, texts
