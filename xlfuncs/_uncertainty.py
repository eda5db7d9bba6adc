"""Monte Carlo TCO: percentiles of an uncertain option, and the chance that one is cheaper.

Each input of an option is a fixed value or a guess (low, most likely,
high) read as a triangular or a Beta-PERT distribution, given as an option
block (see :mod:`xlfuncs._option_block`). A trial draws every uncertain input
once and computes TCO with the closed form of :func:`xlfuncs.tco`, so no
months axis is built.

How the draws are made, so that a workbook recalculates to the same figures:

* Every TCO argument has its own random stream: numpy's PCG64 generator
  seeded by ``SeedSequence(seed, spawn_key=(position,))``, where ``position``
  is the argument's place in TCO's signature. An argument's draws therefore
  do not change when another row of the block is added, removed, reordered or
  made fixed.
* A drawn value is the inverse of the row's distribution function applied to
  one uniform number from the argument's stream (not
  ``Generator.triangular``): the same uniform gives the same percentile of
  any guess, and the uniforms are numpy's most stable output. The inverse
  functions are in :mod:`xlfuncs._distributions`.
* A fixed value (including a guess with low = most likely = high) takes
  no draws.
* A drawn ``months`` is rounded to the nearest whole month.
* Trials are computed in batches of about a million (all of a batch in one
  vectorised pass), which bounds memory; the figures are the same as in one
  pass, since each stream is read in order.

In :func:`prob_cheaper` the two options read the same streams: with the
default ``correlation=1``, in a trial an argument uncertain in both blocks
sits at the same percentile of each block's own range (common random
numbers). Below 1, such an argument goes through a symmetric Gaussian copula:
``z1`` is the normal quantile of the argument's uniform and ``z2`` that of a
uniform from the argument's companion stream (seeded by
``SeedSequence(seed, spawn_key=(position, 0))``, the first child of the
argument's stream); one option gets the percentile ``Phi(c z1 + s z2)``, the
other ``Phi(c z1 - s z2)`` (which one is fixed by comparing the two options'
inputs, so that swapping the options swaps their draws), where ``c = sqrt((1 + q) / 2)``,
``s = sqrt((1 - q) / 2)`` and ``q = 2 sin(pi rho / 6)`` is the Pearson
correlation of the normals that gives the rank (Spearman) correlation
``rho``. ``shared_block`` goes further: one draw, one value, for both
options.

With ``generator="hdr"`` the uniform numbers come from the HDR generator
(:func:`xlfuncs.hdr`) instead of numpy's streams, so that a workbook can
compute the same trials in its cells: trial ``t`` (counted from 1) of an
uncertain argument takes ``hdr(t, var_id, entity)`` and its companion
``hdr(t, companion var_id, entity)``, with these ids (:data:`HDR_VAR_IDS`,
:data:`HDR_COMPANION_VAR_IDS`: 1 and 101 plus the argument's position in
TCO's signature)::

    argument               var_id  companion
    tasks_per_month             1        101
    cost_per_task               2        102
    accuracy                    3        103
    cost_per_error              4        104
    upfront                     5        105
    monthly_fixed               6        106
    months                      7        107
    monthly_growth              8        108
    annual_discount_rate        9        109

Everything else (the triangular inverse, the copula and the choice of which
option takes ``c z1 + s z2``, ties, percentiles) is the same for both
generators, except that with HDR a PERT guess is drawn by the Beta quantile
to full precision, as a worksheet's ``BETA.INV`` computes it, not by the
interpolated table (whose error, below 1e-6 of the range, would keep a
workbook and Python from agreeing to the last digits). ``seed`` belongs to the default generator and
``entity`` to HDR: giving the other generator's setting is an error.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from ._arguments import describe
from ._distributions import copula_percentiles, pert_ppf, pert_shape, triangular_ppf
from ._errors import InputError
from ._hdr import ID_RULE, hdr_uniforms
from ._option_block import (
    OPTION_BLOCK,
    REQUIRED,
    TCO_ARGUMENTS,
    TCO_DEFAULTS,
    BlockRule,
    Guess,
    read_block,
)
from ._tco import tco
from ._validation import Rule, check_argument, described

__all__ = [
    "GENERATORS",
    "HDR_COMPANION_VAR_IDS",
    "HDR_VAR_IDS",
    "SHAREABLE",
    "copula_weights",
    "draw",
    "prob_cheaper",
    "prob_cheaper_trials",
    "tco_sim",
    "tco_sim_trials",
]

#: Arguments that describe the situation rather than the option, which
#: ``shared_block`` may hold.
SHAREABLE = ("tasks_per_month", "months", "monthly_growth", "annual_discount_rate")

_SHARED_BLOCK = BlockRule(SHAREABLE)
_PERCENTILES = Rule(low=0.0, high=1.0, low_open=True, high_open=True, fraction=True)
_TRIALS = Rule(low=100.0, high=10_000_000.0, whole=True)
_SEED = Rule(low=0.0, high=1e9, whole=True)
# A correlation is no share: 1.5 is not 1.5 % (no percent hint).
_CORRELATION = Rule(low=-1.0, high=1.0)
_DEFAULT_PERCENTILES = (0.1, 0.5, 0.9)
# The signatures' defaults, also what a blank cell means.
_DEFAULT_TRIALS = 10_000
_DEFAULT_SEED = 0
_DEFAULT_CORRELATION = 1.0
_DEFAULT_GENERATOR = "default"
_DEFAULT_ENTITY = 0

#: The generators of the uniform numbers: numpy's streams, or HDR (see the module notes).
GENERATORS = ("default", "hdr")
#: With ``generator="hdr"``: the HDR var_id of each TCO argument's draws, 1 + its
#: position in TCO's signature, and of its copula companion, 101 + that position.
HDR_VAR_IDS = {name: 1 + position for position, name in enumerate(TCO_ARGUMENTS)}
HDR_COMPANION_VAR_IDS = {name: 101 + position for position, name in enumerate(TCO_ARGUMENTS)}

#: Trials per vectorised batch: large enough that numpy dominates, small
#: enough that the batch's arrays stay near 100 MB.
_BATCH = 1 << 20

# The arithmetic of TCO, without its argument checking (the blocks are checked).
_tco_arithmetic = tco.__wrapped__


@described(
    "TCO_SIM_TRIALS",
    {"option_block": OPTION_BLOCK, "trials": _TRIALS, "seed": _SEED, "entity": ID_RULE},
)
def tco_sim_trials(
    option_block,
    trials=_DEFAULT_TRIALS,
    seed=_DEFAULT_SEED,
    generator=_DEFAULT_GENERATOR,
    entity=_DEFAULT_ENTITY,
):
    """The TCO of every Monte Carlo trial of one option.

    Each trial draws every uncertain input of ``option_block`` from its
    triangular or Beta-PERT distribution and returns :func:`xlfuncs.tco` of the drawn
    values; inputs the block does not name take TCO's defaults.
    :func:`tco_sim` reports percentiles of this array.

    Parameters
    ----------
    option_block : mapping or range
        TCO's arguments, each a fixed value, ``(low, most_likely, high)``
        (triangular) or ``(low, most_likely, high, "pert")`` (Beta-PERT), as
        ``{name: value}`` or as a sheet range of 2, 4 or 5 columns (names
        first, distributions last). ``tasks_per_month``, ``cost_per_task``, ``accuracy`` and
        ``cost_per_error`` are required.
    trials : int, default 10000
        Number of trials, a whole number from 100 to 10,000,000.
    seed : int, default 0
        Whole number from 0 to 1,000,000,000; the same seed gives the same trials.
    generator : {"default", "hdr"}, default "default"
        Where the uniform numbers come from: numpy's streams seeded by
        ``seed``, or the HDR generator (:func:`xlfuncs.hdr`), which a workbook
        can compute in its own cells (see the module notes). Case does not
        matter; a blank is ``"default"``. With ``"hdr"``, ``seed`` must stay 0.
    entity : int, default 0
        The HDR entity id, a whole number from 0 to 99,999,999: another
        entity gives other draws. Only with ``generator="hdr"``.

    Returns
    -------
    ndarray
        ``trials`` TCOs (money), in trial order, float64.

    Examples
    --------
    Only the cost of an error is uncertain, between 1 and 10, most likely 2:

    >>> block = {"tasks_per_month": 1000, "cost_per_task": 0.01, "accuracy": 0.95,
    ...          "cost_per_error": (1, 2, 10)}
    >>> trials = tco_sim_trials(block, trials=100_000)
    >>> trials.shape
    (100000,)

    TCO is ``120 + 600 * cost_per_error``; the triangle's mean is
    ``(1 + 2 + 10) / 3``, so the mean TCO is close to 2,720:

    >>> round(float(trials.mean()), -1)
    2720.0
    """
    return _simulated_trials(
        tco_sim_trials.excel_name, option_block, trials, seed, generator, entity
    )


@described(
    "TCO_SIM",
    {
        "option_block": OPTION_BLOCK,
        "percentiles": _PERCENTILES,
        "trials": _TRIALS,
        "seed": _SEED,
        "entity": ID_RULE,
    },
)
def tco_sim(
    option_block,
    percentiles=None,
    trials=_DEFAULT_TRIALS,
    seed=_DEFAULT_SEED,
    generator=_DEFAULT_GENERATOR,
    entity=_DEFAULT_ENTITY,
):
    """Percentiles of an option's TCO when its inputs are low / most likely / high guesses.

    Draws ``trials`` TCOs with :func:`tco_sim_trials` and returns the
    requested percentiles of them, with numpy's default (linear)
    interpolation between the sorted trials.

    Parameters
    ----------
    option_block : mapping or range
        The option's inputs: see :func:`tco_sim_trials`.
    percentiles : float or array_like, optional
        Each greater than 0 and less than 1: 0.9 is the TCO that 90 % of
        trials stay at or below. ``None`` (the default) means 0.1, 0.5 and 0.9.
    trials : int, default 10000
        Number of trials, a whole number from 100 to 10,000,000.
    seed : int, default 0
        Whole number from 0 to 1,000,000,000; the same seed gives the same figures.
    generator : {"default", "hdr"}, default "default"
        Where the uniform numbers come from: numpy's streams seeded by
        ``seed``, or the HDR generator (:func:`xlfuncs.hdr`), which a workbook
        can compute in its own cells (see the module notes). Case does not
        matter; a blank is ``"default"``. With ``"hdr"``, ``seed`` must stay 0.
    entity : int, default 0
        The HDR entity id, a whole number from 0 to 99,999,999: another
        entity gives other draws. Only with ``generator="hdr"``.

    Returns
    -------
    float or ndarray
        Money. One value per percentile, in the order given (a range is read
        row by row); a plain float for a single percentile. Excel shows a row.

    Examples
    --------
    With every input fixed, every percentile is the plain TCO,
    ``12 * 1000 * (0.01 + 0.05 * 2)``:

    >>> fixed = {"tasks_per_month": 1000, "cost_per_task": 0.01, "accuracy": 0.95,
    ...          "cost_per_error": 2.0}
    >>> tco_sim(fixed).round(6).tolist()
    [1320.0, 1320.0, 1320.0]

    Volume between 800 and 1,500 a month, most likely 1,000, and accuracy
    between 90 % and 97 %, most likely 95 %:

    >>> guesses = {"tasks_per_month": (800, 1000, 1500), "cost_per_task": 0.01,
    ...            "accuracy": (0.90, 0.95, 0.97), "cost_per_error": 2.0}
    >>> tco_sim(guesses).round(-1).tolist()
    [1170.0, 1660.0, 2340.0]
    """
    function = tco_sim.excel_name
    if percentiles is None:
        percentiles = _DEFAULT_PERCENTILES
    wanted = check_argument(function, "percentiles", percentiles, _PERCENTILES)
    trial_tcos = _simulated_trials(function, option_block, trials, seed, generator, entity)
    values = np.quantile(trial_tcos, wanted.ravel())
    return float(values[0]) if wanted.ndim == 0 else values


_PROB_CHEAPER_RULES = {
    "block_a": OPTION_BLOCK,
    "block_b": OPTION_BLOCK,
    "shared_block": _SHARED_BLOCK,
    "trials": _TRIALS,
    "seed": _SEED,
    "correlation": _CORRELATION,
    "entity": ID_RULE,
}


@described("PROB_CHEAPER", _PROB_CHEAPER_RULES)
def prob_cheaper(
    block_a,
    block_b,
    shared_block=None,
    trials=_DEFAULT_TRIALS,
    seed=_DEFAULT_SEED,
    correlation=_DEFAULT_CORRELATION,
    generator=_DEFAULT_GENERATOR,
    entity=_DEFAULT_ENTITY,
):
    """The probability that option A's TCO is strictly below option B's.

    Both options are simulated over the same ``trials``; the result is the
    share of trials in which A costs less than B. A tie (equal TCOs) counts
    as "not cheaper", so an option is never cheaper than itself, and
    ``prob_cheaper(a, b) + prob_cheaper(b, a)`` is 1 minus the share of ties.

    Parameters
    ----------
    block_a, block_b : mapping or range
        Each option's inputs: see :func:`tco_sim_trials`.
    shared_block : mapping or range, optional
        ``tasks_per_month``, ``months``, ``monthly_growth`` and
        ``annual_discount_rate``: drawn once per trial and used by both
        options. A name may not be both here and in an option's block.
    trials : int, default 10000
        Number of trials, a whole number from 100 to 10,000,000.
    seed : int, default 0
        Whole number from 0 to 1,000,000,000; the same seed gives the same figure.
    correlation : float, default 1
        From -1 to 1: the rank (Spearman) correlation between the two
        options' draws of an argument that is uncertain in both blocks. 1
        draws both at the same percentile of their own range in every
        trial; 0 draws them independently; -1 at opposite percentiles.
    generator : {"default", "hdr"}, default "default"
        Where the uniform numbers come from: numpy's streams seeded by
        ``seed``, or the HDR generator (:func:`xlfuncs.hdr`), which a workbook
        can compute in its own cells (see the module notes). Case does not
        matter; a blank is ``"default"``. With ``"hdr"``, ``seed`` must stay 0.
    entity : int, default 0
        The HDR entity id, a whole number from 0 to 99,999,999: another
        entity gives other draws. Only with ``generator="hdr"``.

    Returns
    -------
    float
        A probability, 0 to 1.

    Notes
    -----
    With ``correlation=1`` an argument that is uncertain in both blocks is
    drawn from the same uniform numbers for both options: in a trial where
    A's accuracy is at the 20th percentile of A's range, B's is at the 20th
    percentile of B's. That is right when both figures measure one thing
    (the same task difficulty hurts both models, one error costs the same
    whoever made it). Below 1 the draws go through a symmetric Gaussian
    copula (see the module notes); 0 is right for two models measured
    separately whose errors have nothing in common.
    :func:`prob_cheaper_trials` returns the paired TCOs behind the figure.

    Examples
    --------
    An efficient model, cheap per task but less accurate, against a frontier
    model, at an uncertain shared volume; an error costs between 0.50 and 4,
    most likely 1, whichever model made it:

    >>> efficient = {"cost_per_task": 0.002, "accuracy": (0.90, 0.95, 0.97),
    ...              "cost_per_error": (0.5, 1, 4)}
    >>> frontier = {"cost_per_task": 0.04, "accuracy": (0.97, 0.98, 0.99),
    ...             "cost_per_error": (0.5, 1, 4)}
    >>> volume = {"tasks_per_month": (5000, 10_000, 30_000)}
    >>> round(prob_cheaper(efficient, frontier, volume), 2)
    0.16

    If the two accuracies and error costs vary independently instead:

    >>> round(prob_cheaper(efficient, frontier, volume, correlation=0), 2)
    0.3
    """
    function = prob_cheaper.excel_name
    options, paired, count, uniforms, rho = _comparison(
        function, block_a, block_b, shared_block, trials, seed, correlation, generator, entity
    )
    batches = _batches(options, count, uniforms, paired, rho)
    cheaper = sum(int(np.count_nonzero(a < b)) for a, b in batches)
    return cheaper / count


@described("PROB_CHEAPER_TRIALS", _PROB_CHEAPER_RULES)
def prob_cheaper_trials(
    block_a,
    block_b,
    shared_block=None,
    trials=_DEFAULT_TRIALS,
    seed=_DEFAULT_SEED,
    correlation=_DEFAULT_CORRELATION,
    generator=_DEFAULT_GENERATOR,
    entity=_DEFAULT_ENTITY,
):
    """The TCO of both options in every Monte Carlo trial of :func:`prob_cheaper`.

    The share of rows where the first column is below the second is
    :func:`prob_cheaper`'s result for the same arguments.

    Parameters
    ----------
    block_a, block_b : mapping or range
        Each option's inputs: see :func:`tco_sim_trials`.
    shared_block : mapping or range, optional
        Inputs drawn once per trial for both options: see :func:`prob_cheaper`.
    trials : int, default 10000
        Number of trials, a whole number from 100 to 10,000,000.
    seed : int, default 0
        Whole number from 0 to 1,000,000,000; the same seed gives the same trials.
    correlation : float, default 1
        From -1 to 1: the rank correlation of the draws of an argument that
        is uncertain in both blocks (see :func:`prob_cheaper`).
    generator : {"default", "hdr"}, default "default"
        Where the uniform numbers come from: numpy's streams seeded by
        ``seed``, or the HDR generator (:func:`xlfuncs.hdr`), which a workbook
        can compute in its own cells (see the module notes). Case does not
        matter; a blank is ``"default"``. With ``"hdr"``, ``seed`` must stay 0.
    entity : int, default 0
        The HDR entity id, a whole number from 0 to 99,999,999: another
        entity gives other draws. Only with ``generator="hdr"``.

    Returns
    -------
    ndarray
        Shape ``(trials, 2)``, float64, money: option A's TCO in column 0 and
        option B's in column 1, one row per trial in trial order.

    Examples
    --------
    The same accuracy guess for two models that differ only in price per
    task (0.01 against 0.02), 1,000 tasks a month for a year, errors at 2:

    >>> guess = {"tasks_per_month": 1000, "accuracy": (0.9, 0.95, 0.99), "cost_per_error": 2}
    >>> a, b = {**guess, "cost_per_task": 0.01}, {**guess, "cost_per_task": 0.02}
    >>> pairs = prob_cheaper_trials(a, b, trials=1000)
    >>> bool(np.allclose(pairs[:, 1] - pairs[:, 0], 120.0))
    True

    B costs ``12 * 1000 * (0.01 - 2 * (accuracy_b - accuracy_a))`` more, so
    drawn independently, B is cheaper only when its accuracy comes out more
    than 0.005 above A's:

    >>> pairs = prob_cheaper_trials(a, b, trials=100_000, correlation=0)
    >>> round(float(np.mean(pairs[:, 0] < pairs[:, 1])), 2)
    0.57
    """
    function = prob_cheaper_trials.excel_name
    options, paired, count, uniforms, rho = _comparison(
        function, block_a, block_b, shared_block, trials, seed, correlation, generator, entity
    )
    result = np.empty((count, 2))
    start = 0
    for a, b in _batches(options, count, uniforms, paired, rho):
        result[start : start + a.size, 0] = a
        result[start : start + a.size, 1] = b
        start += a.size
    return result


def read_options(
    function: str, blocks: list[tuple[str, object]], shared_block: object, shared_rule
) -> tuple[list[dict[str, Guess]], list[dict[str, Guess]], dict[str, Guess]]:
    """Each option block as given and completed with the shared block, and the shared block.

    ``blocks`` pairs each block with its argument name, for messages. A name
    both in the shared block and in an option block is an error: it would
    be unclear which one counts.
    """
    shared = {}
    if shared_block is not None:
        shared = read_block(function, "shared_block", shared_block, shared_rule)
    given_blocks, options = [], []
    for argument, block in blocks:
        given = read_block(function, argument, block)
        both = sorted(set(given) & set(shared))
        if both:
            raise InputError(
                f"{function}: {both[0]} is in shared_block and in {argument}; give it in one place",
                function=function,
                argument=argument,
            )
        given_blocks.append(given)
        options.append(_complete(function, argument, {**given, **shared}))
    return given_blocks, options, shared


def _comparison(
    function, block_a, block_b, shared_block, trials, seed, correlation, generator, entity
):
    """Both options completed, the arguments uncertain in both, and the settings checked."""
    given_blocks, options, _ = read_options(
        function, [("block_a", block_a), ("block_b", block_b)], shared_block, _SHARED_BLOCK
    )
    count, uniforms = _trial_settings(function, trials, seed, generator, entity)
    correlation = _DEFAULT_CORRELATION if correlation is None else correlation
    rho = float(check_argument(function, "correlation", correlation, _CORRELATION, single=True))
    a, b = given_blocks
    paired = tuple(
        name
        for name in TCO_ARGUMENTS
        if name in a and name in b and not a[name].is_fixed and not b[name].is_fixed
    )
    return options, paired, count, uniforms, rho


def _simulated_trials(function: str, option_block, trials, seed, generator, entity):
    """The trial TCOs of one option block; messages name ``function``."""
    option = _complete(function, "option_block", read_block(function, "option_block", option_block))
    count, uniforms = _trial_settings(function, trials, seed, generator, entity)
    result = np.empty(count)
    start = 0
    for (batch,) in _batches([option], count, uniforms):
        result[start : start + batch.size] = batch
        start += batch.size
    return result


def _complete(function: str, argument: str, given: dict[str, Guess]) -> dict[str, Guess]:
    """Every TCO argument of one option: the given ones, and defaults for the rest."""
    for name in REQUIRED:
        if name not in given:
            raise InputError(
                f"{function}: {argument} has no row for {name}, which is required",
                function=function,
                argument=argument,
            )
    return {
        name: given[name] if name in given else Guess.fixed_at(TCO_DEFAULTS[name])
        for name in TCO_ARGUMENTS
    }


def _trial_settings(
    function: str, trials: object, seed: object, generator: object, entity: object
) -> tuple[int, _Uniforms]:
    """The number of trials and the source of their uniform numbers, every setting
    checked (``None`` means the default).

    ``seed`` belongs to the default generator and ``entity`` to HDR: a value
    other than the default for the generator that does not use it is an
    error, not silently ignored.
    """
    trials = _DEFAULT_TRIALS if trials is None else trials
    seed = _DEFAULT_SEED if seed is None else seed
    entity = _DEFAULT_ENTITY if entity is None else entity
    count = int(check_argument(function, "trials", trials, _TRIALS, single=True))
    seed = int(check_argument(function, "seed", seed, _SEED, single=True))
    entity = int(check_argument(function, "entity", entity, ID_RULE, single=True))
    generator = _generator_argument(function, generator)
    if generator == "hdr" and seed != _DEFAULT_SEED:
        raise InputError(
            f'{function}: seed is for generator "default"; with generator "hdr" the draws '
            f"are set by entity: leave seed at 0, got {seed}",
            function=function,
            argument="seed",
        )
    if generator == "default" and entity != _DEFAULT_ENTITY:
        raise InputError(
            f'{function}: entity is for generator "hdr"; with generator "default" the draws '
            f'are set by seed: leave entity at 0 or give generator "hdr", got {entity}',
            function=function,
            argument="entity",
        )
    return count, _Uniforms(generator, seed, entity)


def _generator_argument(function: str, value: object) -> str:
    """``"default"`` or ``"hdr"``: blank is ``"default"``; case and spaces do not matter."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return _DEFAULT_GENERATOR
    if isinstance(value, str) and value.strip().lower() in GENERATORS:
        return value.strip().lower()
    raise InputError(
        f'{function}: generator must be "default" or "hdr", got {describe(value)}',
        function=function,
        argument="generator",
    )


class _Uniforms:
    """Where a simulation's uniform numbers come from: numpy's streams or HDR.

    :meth:`reader` gives, per TCO argument (or its copula companion), a
    function of ``(start, size)`` returning the uniforms of trials ``start``
    to ``start + size - 1`` (0-based); the trials are read in order.
    """

    __slots__ = ("entity", "generator", "seed")

    def __init__(self, generator: str, seed: int, entity: int):
        self.generator, self.seed, self.entity = generator, seed, entity

    def reader(self, name: str, companion: bool = False):
        if self.generator == "hdr":
            var_id = (HDR_COMPANION_VAR_IDS if companion else HDR_VAR_IDS)[name]

            def from_hdr(start: int, size: int) -> np.ndarray:
                trial = np.arange(start + 1, start + size + 1, dtype=np.int64)
                return hdr_uniforms(trial, var_id, self.entity)

            return from_hdr
        stream = _stream(self.seed, name, *((0,) if companion else ()))
        return lambda start, size: stream.random(size)


def _stream(seed: int, name: str, *companion: int) -> np.random.Generator:
    """The random stream of one TCO argument (or its companion): the same whatever else varies."""
    sequence = np.random.SeedSequence(seed, spawn_key=(TCO_ARGUMENTS.index(name), *companion))
    return np.random.Generator(np.random.PCG64(sequence))


def copula_weights(rho: float) -> tuple[float, float]:
    """``c`` and ``s`` of the symmetric Gaussian copula for the rank correlation ``rho``.

    The normals ``c z1 + s z2`` and ``c z1 - s z2`` have the Pearson
    correlation ``c**2 - s**2 = q = 2 sin(pi rho / 6)``, which is the normal
    correlation whose ranks correlate by ``rho`` (Pearson, 1907).

    >>> [round(w, 6) for w in copula_weights(0.0)]
    [0.707107, 0.707107]
    """
    # At the ends sin(pi / 6) is exactly 1/2; computed, it falls a unit in the
    # last place short on some platforms, which would leave a weight of 7e-9
    # where the contract has 0. math.sin, not numpy's, gives the same q
    # whatever numpy version is installed.
    q = float(rho) if abs(rho) == 1 else 2.0 * math.sin(math.pi * rho / 6.0)
    return math.sqrt((1.0 + q) / 2.0), math.sqrt(max(1.0 - q, 0.0) / 2.0)


def _batches(
    options: list[dict[str, Guess]],
    trials: int,
    uniform_source: _Uniforms,
    paired: tuple[str, ...] = (),
    rho: float = 1.0,
) -> Iterator[list]:
    """Per batch of trials, the TCO array of each option.

    Every option reads the same uniforms, except that with ``rho`` below 1
    the arguments in ``paired`` (uncertain in both of two options) go
    through the copula. Which option takes ``c z1 + s z2`` is decided by the
    options' inputs, not by their order, so that swapping the two options
    swaps their draws exactly.
    """
    uncertain = [n for n in TCO_ARGUMENTS if any(not o[n].is_fixed for o in options)]
    streams = {name: uniform_source.reader(name) for name in uncertain}
    coupled = paired if rho != 1.0 else ()  # 1: exactly the common draws, no transformation
    companions = {name: uniform_source.reader(name, companion=True) for name in coupled}
    c, s = copula_weights(rho)
    plus_first = not coupled or _canonical(options[0]) <= _canonical(options[1])
    for start in range(0, trials, _BATCH):
        size = min(_BATCH, trials - start)
        uniforms = [{name: read(start, size) for name, read in streams.items()}]
        if coupled:
            uniforms.append(dict(uniforms[0]))
            for name, companion in companions.items():
                plus, minus = copula_percentiles(uniforms[0][name], companion(start, size), c, s)
                uniforms[0][name], uniforms[1][name] = (
                    (plus, minus) if plus_first else (minus, plus)
                )
        exact = uniform_source.generator == "hdr"
        yield [
            _option_tcos(option, uniforms[min(i, len(uniforms) - 1)], size, exact)
            for i, option in enumerate(options)
        ]


def _canonical(option: dict[str, Guess]) -> tuple:
    """An order of options that does not depend on which was given first."""
    return tuple((g.low, g.mode, g.high, g.distribution) for g in option.values())


def _option_tcos(
    option: dict[str, Guess], uniforms: dict[str, np.ndarray], size: int, exact: bool = False
) -> np.ndarray:
    """One option's TCO in each trial of a batch, from the batch's uniform numbers."""
    arguments = []
    for name in TCO_ARGUMENTS:
        guess = option[name]
        if guess.is_fixed:
            arguments.append(np.float64(guess.low))
            continue
        values = draw(uniforms[name], guess, exact)
        arguments.append(np.rint(values) if name == "months" else values)
    with np.errstate(all="ignore"):  # as for TCO: an overflow is an infinite TCO (#NUM! in Excel)
        result = _tco_arithmetic(*arguments)
    return np.broadcast_to(result, (size,))


def draw(uniform: np.ndarray, guess: Guess, exact: bool = False) -> np.ndarray:
    """The values of an uncertain guess at the given percentiles (uniform numbers in [0, 1]).

    ``exact``: a PERT guess by the Beta quantile to full precision, computed as a
    worksheet's ``BETA.INV(u, alpha, beta, low, high)`` is (the HDR generator, whose
    trials a workbook's Risk sheet repeats), rather than by the interpolated table.
    """
    if guess.distribution == "pert" and exact:
        from ._exact_distributions import beta_ppf

        alpha, beta = pert_shape(guess.low, guess.mode, guess.high)
        unit = beta_ppf(uniform, np.float64(alpha), np.float64(beta))
        return guess.low + unit * (guess.high - guess.low)
    inverse = pert_ppf if guess.distribution == "pert" else triangular_ppf
    return inverse(uniform, guess.low, guess.mode, guess.high)
