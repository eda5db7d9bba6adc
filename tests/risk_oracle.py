"""The Risk sheet of tco_comparison.xlsx from the Python functions of SPEC.

Each option's trials come from ``xlfuncs.tco_sim_trials(..., generator="hdr",
entity=...)`` for the block the Risk sheet describes: tasks in month 1 as
given; calls per task turned into the cost per task they give (model cost,
which grows in proportion to the calls, plus review); the cost of an error
into the blended cost of caught and uncaught errors (also a straight line);
the build, fixed costs, horizon, growth and discount rate fixed. A straight
line maps a guess's low, most likely and high to the same percentile, so
these blocks draw the same trials as the sheet. Every figure of the sheet
(percentiles, shares, histogram bands) is then worked out with numpy from
those trials. With a correlation below 1 the sheet puts the reference on
one side of the copula (see the Risk sheet's module); those cases are
checked against LibreOffice, not here.
"""

from __future__ import annotations

import math

import numpy as np

import xlfuncs
from xlfuncs.templates import tco_comparison as template

__all__ = ["expected_risk", "settings"]

OPTIONS = template.OPTIONS
BANDS = 20


def _guess(values: dict, name: str, mode: float, mapped=lambda x: x):
    """A block row: fixed, or (low, mode, high[, "pert"]) with blank ends at the mode."""
    low = values.get(f"{name}_low")
    high = values.get(f"{name}_high")
    low = mode if low is None else low
    high = mode if high is None else high
    if high <= low:
        return mapped(mode)
    guess = (mapped(low), mapped(mode), mapped(high))
    return (*guess, "pert") if values.get(f"{name}_distribution") == "PERT" else guess


def _ranges(values: dict, name: str, mode: float) -> dict[str, float]:
    low = values.get(f"{name}_low")
    high = values.get(f"{name}_high")
    low = mode if low is None else low
    high = mode if high is None else high
    pert = values.get(f"{name}_distribution") == "PERT" and high > low
    return {
        "low": low,
        "mode": mode,
        "high": high,
        # Beta-PERT's shape (SPEC: alpha = 1 + 4 (mode - low) / (high - low)).
        "alpha": 1 + 4 * (mode - low) / (high - low) if pert else 0.0,
        "beta": 1 + 4 * (high - mode) / (high - low) if pert else 0.0,
    }


def settings(values: dict) -> tuple[int, int, dict[str, object]]:
    """The trials, the entity and the Risk sheet's settings figures (correlation 1 only)."""
    v = values
    trials = int(v.get("risk_trials", 1000))
    entity = int(v.get("risk_entity", 0))
    rho = v.get("risk_correlation", 1.0)
    assert rho == 1.0, "the oracle covers the common random numbers only"
    out: dict[str, object] = {
        "risk.trials": trials,
        "risk.entity": entity,
        "risk.correlation": rho,
        "risk.normal_correlation": 1.0,
        "risk.copula_c": 1.0,
        "risk.copula_s": 0.0,
        "risk.ranges_ok": True,
    }
    for which in ("low", "mid", "high"):
        out[f"risk.percentile.{which}"] = v[f"risk_percentile_{which}"]
    return trials, entity, out


def expected_risk(values: dict, per: dict, ordered: list[str]) -> tuple[dict, dict]:
    """The Risk sheet's figures and texts (and Summary's Risk sentence) for ``values``.

    ``per`` holds each option's Calculations figures, ``ordered`` the included
    options cheapest first (from the TCO oracle).
    """
    v = values
    trials, entity, out = settings(values)
    T, months = v["tasks_per_month"], v["months"]
    for field, number in _ranges(v, "tasks_per_month", T).items():
        out[f"risk.tasks_per_month.{field}"] = number
    draws: dict[str, np.ndarray] = {}
    in_use = {x: v[x.lower() + "_include"] == "Yes" for x in OPTIONS}
    for x in OPTIONS:
        p, o = x.lower() + "_", per[x]
        calls = v[p + "calls"]
        for key, mode in (
            ("accuracy", v[p + "accuracy"]),
            ("cost_per_error", v[p + "cost_per_error"]),
            ("calls", calls),
        ):
            for field, number in _ranges(v, p + key, mode).items():
                out[f"risk.{key}.{field}.{x}"] = number
            out[f"risk.{key}.sign.{x}"] = 0  # correlation 1: no copula
        # Model cost grows in proportion to the calls (every call pays the same tokens).
        per_call = o["model_cost"] / calls if calls else 0.0

        def running(c, per_call=per_call, review=o["review_cost"]):
            return per_call * c + review

        catch, caught = v[p + "catch_rate"], v[p + "cost_per_caught_error"]

        def blended(cost, catch=catch, caught=caught):
            return (1 - catch) * cost + catch * caught

        block = {
            "tasks_per_month": _guess(v, "tasks_per_month", T),
            "cost_per_task": _guess(v, p + "calls", calls, running) if calls else o["running_cost"],
            "accuracy": _guess(v, p + "accuracy", v[p + "accuracy"]),
            "cost_per_error": _guess(v, p + "cost_per_error", v[p + "cost_per_error"], blended),
            "upfront": o["upfront"],
            "monthly_fixed": o["fixed"],
            "months": months,
            "monthly_growth": v["monthly_growth"],
            "annual_discount_rate": v["annual_discount_rate"],
        }
        draws[x] = xlfuncs.tco_sim_trials(
            block, trials=trials, generator="hdr", entity=entity
        ).copy()
    ranked = [x for x in OPTIONS if in_use[x]]
    ref = v["reference_option"]
    for x in OPTIONS:
        out[f"risk.at_inputs.{x}"] = per[x]["tco"] if in_use[x] else "left out"
        tcos = draws[x]
        figures = {
            "mean": float(np.mean(tcos)),
            "p_low": float(np.quantile(tcos, v["risk_percentile_low"])),
            "p_mid": float(np.quantile(tcos, v["risk_percentile_mid"])),
            "p_high": float(np.quantile(tcos, v["risk_percentile_high"])),
            # Strictly below every other option compared: a tie counts for none.
            "cheapest": float(
                np.mean(np.all([tcos < draws[y] for y in ranked if y != x] or [True], axis=0))
            ),
            # A reference left out is compared with nothing.
            "beats_reference": (
                "reference"
                if x == ref
                else float(np.mean(tcos < draws[ref]))
                if in_use[ref]
                else "check input"
            ),
        }
        for key, number in figures.items():
            out[f"risk.{key}.{x}"] = number if in_use[x] else "left out"
    top = max(out[f"risk.p_high.{x}"] for x in ranked)
    out |= histogram({x: draws[x] for x in ranked}, top)
    for band in range(1, BANDS + 1):
        out |= {f"risk.band.{band}.{x}": "-" for x in OPTIONS if not in_use[x]}
    texts = {}
    for x in OPTIONS:
        name = v[x.lower() + "_name"] if in_use[x] else ""
        texts[f"risk.name.{x}"] = texts[f"risk.band.{x}"] = name
    # Something is drawn when a shared range, or a range of an option in use, is open.
    spans = [("tasks_per_month", None)] + [
        (f"{x.lower()}_{key}", x)
        for x in OPTIONS
        for key in ("accuracy", "cost_per_error", "calls")
    ]
    out["risk.any_range"] = any(
        out[f"risk.{name.split('_', 1)[1] if owner else name}.high{'.' + owner if owner else ''}"]
        > out[f"risk.{name.split('_', 1)[1] if owner else name}.low{'.' + owner if owner else ''}"]
        and (owner is None or in_use[owner])
        for name, owner in spans
    )
    first = ordered[0]
    share = out[f"risk.cheapest.{first}"]
    texts["summary.risk"] = (
        f"In {trials:,} trials of the uncertain inputs (Risk sheet), {v[first.lower() + '_name']} "
        f"is the cheapest in {_share_words(share)}% of them; its TCO stays at or below "
        f"{_whole(out[f'risk.p_high.{first}'])} {v.get('currency', 'USD')} in "
        f"{_whole(v['risk_percentile_high'] * 100)}% of trials."
    )
    if not out["risk.any_range"]:
        texts["summary.risk"] = (
            "No input has a low or high guess on Inputs: the Risk sheet shows no uncertainty."
        )
    return out, texts


def histogram(draws: dict[str, np.ndarray], top: float) -> dict:
    """The histogram's figures for the options compared (``draws``: each one's TCOs), with
    ``top`` the highest of their high percentiles.

    Bands 1 to 19 split the lowest trial to ``top`` evenly; band 20 holds the rest, up to
    the highest trial. A trial on an edge counts in the band below it.
    """
    lowest = min(float(t.min()) for t in draws.values())
    highest = max(float(t.max()) for t in draws.values())
    out = {"risk.bins_low": lowest, "risk.bins_top": top, "risk.bins_high": highest}
    for band in range(1, BANDS + 1):
        below = top if band == BANDS else lowest + (top - lowest) * (band - 1) / (BANDS - 1)
        edge = lowest + (top - lowest) * band / (BANDS - 1)
        edge = top if band == BANDS - 1 else highest if band == BANDS else edge
        out[f"risk.band_edge.{band}"] = edge
        for x, tcos in draws.items():
            if band == 1:
                count = np.sum((tcos >= below) & (tcos <= edge))
            elif band == BANDS:
                count = np.sum(tcos > below)
            else:
                count = np.sum((tcos > below) & (tcos <= edge))
            out[f"risk.band.{band}.{x}"] = int(count)
    return out


def _share_words(share: float) -> str:
    """A share of trials as the Summary sentence words it: whole percent, with "less than
    1" and "more than 99" for a share that rounds to 0 or 100 without being 0 or 1."""
    whole = _whole(share * 100)
    if share > 0 and whole == "0":
        return "less than 1"
    if share < 1 and whole == "100":
        return "more than 99"
    return whole


def _whole(number: float) -> str:
    """``FIXED(ROUND(x, 0), 0)``: half away from zero, thousands separated."""
    rounded = math.floor(abs(number) + 0.5) * (1 if number >= 0 else -1)
    return f"{rounded:,.0f}"
