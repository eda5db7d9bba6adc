"""The Monte Carlo functions with generator="hdr": draws from HDR, everything else unchanged."""

from __future__ import annotations

import numpy as np
import pytest

import xlfuncs
from xlfuncs import _uncertainty
from xlfuncs._distributions import copula_percentiles, triangular_ppf
from xlfuncs._exact_distributions import beta_ppf
from xlfuncs._uncertainty import HDR_COMPANION_VAR_IDS, HDR_VAR_IDS, copula_weights

BLOCK = {
    "tasks_per_month": (800, 1000, 1500),
    "cost_per_task": 0.01,
    "accuracy": (0.90, 0.95, 0.97, "pert"),
    "cost_per_error": (1.0, 2.0, 10.0),
    "months": (6, 12, 24),
}
A = {"cost_per_task": 0.002, "accuracy": (0.90, 0.95, 0.97), "cost_per_error": (0.5, 1, 4)}
B = {"cost_per_task": 0.03, "accuracy": (0.97, 0.98, 0.99), "cost_per_error": (0.5, 1, 4)}
SHARED = {"tasks_per_month": (5000, 10_000, 30_000)}


def test_the_var_ids_are_one_plus_the_position_in_tcos_signature():
    # The table of the module notes and docs/uncertainty.md, written out by hand.
    assert HDR_VAR_IDS == {
        "tasks_per_month": 1,
        "cost_per_task": 2,
        "accuracy": 3,
        "cost_per_error": 4,
        "upfront": 5,
        "monthly_fixed": 6,
        "months": 7,
        "monthly_growth": 8,
        "annual_discount_rate": 9,
    }
    assert {name: 100 + i for name, i in HDR_VAR_IDS.items()} == HDR_COMPANION_VAR_IDS


def _uniform(trials: int, name: str, entity: int, companion: bool = False) -> np.ndarray:
    var_id = (101 if companion else 1) + list(HDR_VAR_IDS).index(name)
    return xlfuncs.hdr(np.arange(1, trials + 1), var_id, entity)


def test_trials_are_tco_of_the_inverse_distributions_at_hdr_uniforms():
    trials, entity = 5000, 42
    got = xlfuncs.tco_sim_trials(BLOCK, trials=trials, generator="hdr", entity=entity)
    volume = triangular_ppf(_uniform(trials, "tasks_per_month", entity), 800, 1000, 1500)
    # With HDR a PERT guess is the exact Beta quantile (as BETA.INV), shape from SPEC.
    width = 0.97 - 0.90
    alpha, beta = 1 + 4 * (0.95 - 0.90) / width, 1 + 4 * (0.97 - 0.95) / width
    unit = beta_ppf(_uniform(trials, "accuracy", entity), alpha, beta)
    accuracy = 0.90 + unit * (0.97 - 0.90)
    error = triangular_ppf(_uniform(trials, "cost_per_error", entity), 1.0, 2.0, 10.0)
    months = np.rint(triangular_ppf(_uniform(trials, "months", entity), 6, 12, 24))
    expected = xlfuncs.tco(volume, 0.01, accuracy, error, months=months)
    assert got.tolist() == expected.tolist()  # bit for bit


def test_tco_sim_is_numpys_linear_percentile_of_the_trials():
    trials = xlfuncs.tco_sim_trials(BLOCK, trials=2000, generator="hdr")
    got = xlfuncs.tco_sim(BLOCK, [0.05, 0.5, 0.95], trials=2000, generator="hdr")
    assert got.tolist() == np.quantile(trials, [0.05, 0.5, 0.95]).tolist()


def test_the_copula_takes_its_second_uniform_from_the_companion_var_id():
    trials, rho = 3000, 0.3
    pairs = xlfuncs.prob_cheaper_trials(
        A, B, SHARED, trials=trials, correlation=rho, generator="hdr", entity=5
    )
    c, s = copula_weights(rho)
    volume = triangular_ppf(_uniform(trials, "tasks_per_month", 5), 5000, 10_000, 30_000)
    percentiles = {
        name: copula_percentiles(
            _uniform(trials, name, 5), _uniform(trials, name, 5, companion=True), c, s
        )
        for name in ("accuracy", "cost_per_error")
    }

    def tcos(block, which):
        accuracy = triangular_ppf(percentiles["accuracy"][which], *block["accuracy"])
        error = triangular_ppf(percentiles["cost_per_error"][which], *block["cost_per_error"])
        return xlfuncs.tco(volume, block["cost_per_task"], accuracy, error)

    # One option takes Phi(c z1 + s z2), the other Phi(c z1 - s z2); which one is
    # decided by the options' inputs (the canonical order), as with numpy's streams.
    assignments = [
        [tcos(A, 0).tolist(), tcos(B, 1).tolist()],
        [tcos(A, 1).tolist(), tcos(B, 0).tolist()],
    ]
    assert [pairs[:, 0].tolist(), pairs[:, 1].tolist()] in assignments
    swapped = xlfuncs.prob_cheaper_trials(
        B, A, SHARED, trials=trials, correlation=rho, generator="hdr", entity=5
    )
    assert swapped.tolist() == pairs[:, ::-1].tolist()


@pytest.mark.parametrize("correlation", [1.0, 0.3, 0.0, -1.0])
def test_a_and_b_cheaper_add_up_to_one_less_the_ties(correlation):
    same_error = {**A, "cost_per_task": 0.03, "accuracy": 0.98}
    pairs_of_options = [(A, B), (A, same_error)]
    if correlation == 1.0:
        # Identical blocks: every trial a tie. (Below 1 the copula gives two
        # identical blocks different draws, and with nothing to tell them apart
        # swapping them changes nothing, as with numpy's streams.)
        pairs_of_options.append((A, A))
    for a, b in pairs_of_options:
        settings = {"trials": 4000, "correlation": correlation, "generator": "hdr", "entity": 9}
        pairs = xlfuncs.prob_cheaper_trials(a, b, SHARED, **settings)
        ties = np.count_nonzero(pairs[:, 0] == pairs[:, 1]) / 4000
        forward = xlfuncs.prob_cheaper(a, b, SHARED, **settings)
        backward = xlfuncs.prob_cheaper(b, a, SHARED, **settings)
        assert forward + backward == pytest.approx(1 - ties, abs=1e-15)
        assert forward == np.count_nonzero(pairs[:, 0] < pairs[:, 1]) / 4000


def test_another_entity_changes_every_trial():
    first = xlfuncs.tco_sim_trials(BLOCK, trials=10_000, generator="hdr")
    other = xlfuncs.tco_sim_trials(BLOCK, trials=10_000, generator="hdr", entity=1)
    assert np.all(first != other)
    again = xlfuncs.tco_sim_trials(BLOCK, trials=10_000, generator="hdr", entity=0)
    assert again.tolist() == first.tolist()


def test_the_default_generator_is_unchanged():
    # The default draws are those of numpy's streams (tests/test_uncertainty*.py fix
    # their figures); naming the default or leaving it blank changes nothing.
    plain = xlfuncs.tco_sim_trials(BLOCK, trials=1000, seed=3)
    named = xlfuncs.tco_sim_trials(BLOCK, trials=1000, seed=3, generator="Default", entity=0)
    blank = xlfuncs.tco_sim_trials(BLOCK, trials=1000, seed=3, generator=None, entity=None)
    assert plain.tolist() == named.tolist() == blank.tolist()
    assert plain.tolist() != xlfuncs.tco_sim_trials(BLOCK, trials=1000, generator="hdr").tolist()


def test_batches_give_the_same_hdr_trials_as_one_pass(monkeypatch):
    whole = xlfuncs.prob_cheaper_trials(A, B, SHARED, trials=1000, correlation=0.5, generator="hdr")
    monkeypatch.setattr(_uncertainty, "_BATCH", 300)
    batched = xlfuncs.prob_cheaper_trials(
        A, B, SHARED, trials=1000, correlation=0.5, generator="hdr"
    )
    assert batched.tolist() == whole.tolist()


@pytest.mark.parametrize(
    ("settings", "argument", "message"),
    [
        (
            {"generator": "hdr", "seed": 7},
            "seed",
            'TCO_SIM: seed is for generator "default"; with generator "hdr" the draws are '
            "set by entity: leave seed at 0, got 7",
        ),
        (
            {"entity": 3},
            "entity",
            'TCO_SIM: entity is for generator "hdr"; with generator "default" the draws are '
            'set by seed: leave entity at 0 or give generator "hdr", got 3',
        ),
        (
            {"generator": "mersenne"},
            "generator",
            'TCO_SIM: generator must be "default" or "hdr", got the text \'mersenne\'',
        ),
        (
            {"generator": "hdr", "entity": 100_000_000},
            "entity",
            "TCO_SIM: entity must be a whole number from 0 to 99999999, got 100000000",
        ),
    ],
)
def test_settings_of_the_other_generator_are_refused(settings, argument, message):
    with pytest.raises(xlfuncs.InputError) as raised:
        xlfuncs.tco_sim(BLOCK, **settings)
    assert str(raised.value) == message
    assert raised.value.argument == argument


def test_the_excel_functions_take_the_generator():
    pytest.importorskip("xlwings")
    from xlfuncs import udfs

    rows = [["tasks_per_month", 800, 1000, 1500], ["cost_per_task", 0.01, None, None]]
    rows += [["accuracy", 0.9, 0.95, 0.97], ["cost_per_error", 2, None, None]]
    got = udfs.TCO_SIM(rows, None, 1000, None, "HDR", 12)
    expected = xlfuncs.tco_sim(
        {
            "tasks_per_month": (800, 1000, 1500),
            "cost_per_task": 0.01,
            "accuracy": (0.9, 0.95, 0.97),
            "cost_per_error": 2,
        },
        trials=1000,
        generator="hdr",
        entity=12,
    )
    assert np.asarray(got, dtype=float).ravel().tolist() == expected.tolist()
    assert udfs.HDR(1, 1, 1) == xlfuncs.hdr(1, 1, 1)
