"""The fibre's dimension at theta: one driver over the units of unfolding.

:func:`local_dimension` (docs/theory.md section 5, "Strata and the fibre's dimension at theta";
proofs/fibre_dimension.md, "Consequence") takes the largest stratum dimension among theta's own
stratum and the strata its unfoldings reach. It

1. enumerates the options of every group for each unit (:mod:`.absorb`, :mod:`.purify` and
   :mod:`.joins` when k > d; :mod:`.parallel` and :mod:`.far` when d >= k), and refuses with
   ``SearchLimitExceeded`` when their combinations, at :func:`measure_cost` each, exceed
   ``limit``;
2. builds every combination at an explicit step t, for each t of :func:`steps` (two, a third
   when one meets a coincidence), composing the units in that order;
3. checks that each witness comes near theta (:func:`comes_near`: no group gathered from two
   hyperplanes of theta, no neuron that lost its output weights, a value within its bound) and
   measures it by the smaller value of the steps (the dimension along an unfolding theta(t) is
   the same at all but finitely many t, larger at those);
4. compares the best value with the units' bounds at their limit points: ``exact`` when no
   bound exceeds it and every combination was measured at some step, else a lower bound with
   the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import product
from math import prod
from typing import Any

from ...canonical import canonical_form
from ...errors import SearchLimitExceeded, check_limit
from ...hyperplanes import neuron_keys
from ...network import ShallowNetwork
from ...rationals import to_fraction
from ...roles import structure
from ..strata import stratum_dimension
from . import absorb, far, joins, parallel, purify
from .edits import exact_neuron

__all__ = [
    "MEASURE_COST",
    "STEPS",
    "Candidate",
    "LocalDimension",
    "changed_neurons",
    "comes_near",
    "local_dimension",
    "measure_cost",
    "same_function",
    "steps",
]

# The steps of networks whose numbers have height at most 31 (see steps).
STEPS = (Fraction(1, 1000), Fraction(1, 1009), Fraction(1, 1013))

# Each combination of unfoldings is built and measured at two steps, some milliseconds of
# exact work per 4 neurons: it counts as this many steps per 4 neurons against ``limit``.
MEASURE_COST = 2**12


def _height(entries: list) -> int:
    """The largest numerator or denominator of the flint rationals ``entries`` (1 at least),
    read in their bit heights first (no Fraction is made: h d entries at real widths)."""
    if not entries:
        return 1
    top = max(x.height_bits() for x in entries)
    return max(1, *(max(abs(int(x.p)), int(x.q)) for x in entries if x.height_bits() == top))


def steps(net: ShallowNetwork) -> tuple[Fraction, Fraction, Fraction]:
    """The steps t at which the unfoldings of ``net`` are built.

    1/N, 1/(N + 9) and 1/(N + 13) with N the first power of ten from 1000 above H^2, H the
    largest numerator or denominator among the weights and biases: a difference of two of the
    network's numbers has a denominator of at most H^2, so none equals a step, and planting
    these steps in the network moves them. ``STEPS`` when H <= 31.

    Parameters
    ----------
    net
        The network.

    Returns
    -------
    tuple of three Fraction
        The steps, largest first.

    Raises
    ------
    Nothing: ``net`` is a ShallowNetwork (an internal helper of :func:`local_dimension`).

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> steps(ShallowNetwork([[1]], ["1/1000"], [[1]], [0]))
    (Fraction(1, 10000000), Fraction(1, 10000009), Fraction(1, 10000013))

    References
    ----------
    proofs/fibre_dimension.md, the paragraph after item 3.
    """
    height = _height([*net.exact.W1.entries(), *net.exact.b1.entries(), *net.exact.W2.entries()])
    square = height * height
    exponent = max(3, (square.bit_length() * 30103) // 100000)  # about log10, from below
    scale = 10**exponent
    while scale <= square:  # at most a step or two; no decimal text of a huge number
        scale *= 10
    return Fraction(1, scale), Fraction(1, scale + 9), Fraction(1, scale + 13)


def measure_cost(net: ShallowNetwork) -> int:
    """Steps one combination of unfoldings of ``net`` counts against ``limit``.

    Parameters
    ----------
    net
        The network.

    Returns
    -------
    int
        ``MEASURE_COST`` per 4 neurons (building and measuring a combination, at up to three
        steps t, is linear in h).

    Raises
    ------
    Nothing.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> measure_cost(ShallowNetwork([[1]] * 8, [0] * 8, [[1] * 8], [0]))
    12288

    References
    ----------
    docs/theory.md section 5; the ``limit`` convention of the README (Reliability).
    """
    return MEASURE_COST * (1 + net.h // 4)


@dataclass(frozen=True)
class LocalDimension:
    """The dimension of the fibre at theta, with a nearby network whose stratum attains it.

    ``exact`` is False when the value is only a lower bound; ``reason`` then says what could
    exceed it."""

    dimension: int
    stratum_dimension: int
    witness: ShallowNetwork
    exact: bool
    reason: str = ""

    def __str__(self) -> str:
        value = f"{self.dimension}" if self.exact else f"at least {self.dimension}"
        text = f"fibre dimension at theta: {value} (own stratum: {self.stratum_dimension})"
        return text if self.exact else f"{text}; {self.reason}"

    def _repr_markdown_(self) -> str:
        return f"**{self}**"

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "stratum_dimension": self.stratum_dimension,
            "witness": self.witness.to_dict(),
            "exact": self.exact,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Candidate:
    """One built unfolding: the witness, its stratum's dimension, and an upper bound on the
    dimension next to theta of that stratum and of the unexplored unfoldings it stands for."""

    witness: ShallowNetwork
    dimension: int
    bound: int


@dataclass(frozen=True)
class _Plan:
    """The options of every group, per unit: ``first`` and ``second`` are lists of per-group
    option tuples (purify then joins when k > d; parallel then far when d >= k)."""

    first: list[tuple]
    second: list[tuple]

    @property
    def combinations(self) -> int:
        return prod(map(len, self.first)) * prod(map(len, self.second))


def _plan(net: ShallowNetwork, limit: int) -> _Plan:
    if net.k > net.d:
        plan = _Plan(absorb.options(net) + purify.options(net), joins.options(net))
        what = (
            f"choosing which of {len(plan.first)} mixed groups lose an orientation and how the "
            f"zero-output neurons of {len(plan.second)} hyperplanes unfold"
        )
    else:
        plan = _Plan(parallel.options(net, limit=limit), far.options(net, limit=limit))
        what = (
            f"combining the zero-sum blocks of {len(plan.first)} groups and the far groups of "
            "the zero-input neurons"
        )
    count = plan.combinations
    if count > 1 and count * measure_cost(net) > limit:
        raise SearchLimitExceeded(
            f"{what}: {count} combinations to measure, {measure_cost(net)} steps each, "
            f"over limit={limit}",
            limit=limit,
        )
    return plan


def _candidates(net: ShallowNetwork, plan: _Plan, t: Fraction, limit: int) -> list[Candidate]:
    """Every combination of the plan's options built at step ``t``, in a fixed order."""
    out = []
    if net.k > net.d:
        absorbed = absorb.build(net, t)
        for first in product(*plan.first):
            split = purify.build(absorbed, first, t)
            for second in product(*plan.second):
                joined = joins.build(split, second, t)
                upper = joins.bound(joined, split, limit=limit)
                out.append(Candidate(joined.net, stratum_dimension(joined.net), upper))
        return out
    for first in product(*plan.first):
        split = parallel.build(net, first, t)
        for second in product(*plan.second):
            if not second:  # d == k: no far groups
                dim = parallel.bound(split)
                out.append(Candidate(split, dim, dim))
                continue
            built = far.build(split, second[0], t, limit=limit)
            upper = far.bound(built, second[0])
            if not built.witnesses:
                dim = stratum_dimension(built.base)
                out.append(Candidate(built.base, dim, max(dim, upper)))
            for witness in built.witnesses:  # upper is its own dimension when exact
                out.append(Candidate(witness, stratum_dimension(witness), upper))
    return out


def changed_neurons(net: ShallowNetwork, other: ShallowNetwork) -> list[int]:
    """The neurons whose (w, beta, a) differ between ``net`` and ``other`` (same shape)."""
    if other is net:
        return []
    changed: set[int] = set()
    for new, old, by_row in (
        (other.exact.W1, net.exact.W1, True),
        (other.exact.b1, net.exact.b1, True),
        (other.exact.W2, net.exact.W2, False),
    ):
        if new == old:
            continue
        diff = new - old
        cols = diff.ncols()
        for n, x in enumerate(diff.entries()):
            if x != 0:
                changed.add(n // cols if by_row else n % cols)
    return sorted(changed)


def same_function(net: ShallowNetwork, other: ShallowNetwork) -> bool:
    """Whether ``other`` computes ``net``'s function, comparing only what changed: the network
    of the changed neurons as they are in ``other`` and, with output weights negated, as they
    are in ``net``, with output bias b2' - b2, must compute zero (its canonical form is the
    zero function's). Exact."""
    changed = changed_neurons(net, other)
    if not changed and net.exact.b2 == other.exact.b2:
        return True
    new = [exact_neuron(other, i) for i in changed]
    old = [
        (w, beta, tuple(-x for x in a)) for w, beta, a in (exact_neuron(net, i) for i in changed)
    ]
    b2 = [
        to_fraction(x - y)
        for x, y in zip(other.exact.b2.entries(), net.exact.b2.entries(), strict=True)
    ]
    difference = ShallowNetwork.from_neurons(new + old, b2, d=net.d)
    zero = ShallowNetwork.from_rows([], [], [[] for _ in range(net.k)], [0] * net.k, d=net.d)
    return canonical_form(difference) == canonical_form(zero)


def comes_near(net: ShallowNetwork, other: ShallowNetwork) -> bool:
    """Whether the stratum of the unfolding ``other`` comes near ``net``: each of its groups
    comes from one hyperplane of ``net`` (or from its zero-input neurons), and no neuron with
    output weights in ``net`` has lost them. A step can break either by coincidence (a moved
    group landing exactly on another hyperplane, a payment exactly cancelling a kink), and
    ``other`` would then lie in a stratum that does not come near ``net``."""
    keys = neuron_keys(net).keys
    if not set(structure(other).zero_output) <= set(structure(net).zero_output):
        return False
    return all(len({keys[i] for i in g.neurons}) == 1 for g in structure(other).groups)


def _measured(net: ShallowNetwork, plan: _Plan, limit: int) -> list[Candidate | None]:
    """Each combination measured at two steps (a third where one meets a coincidence): the
    smaller dimension and the larger bound of the steps where it comes near ``net``, or None
    where it comes near at no step."""
    runs: list[list[Candidate | None]] = []
    passing: list[list[Candidate]] = []
    for t in steps(net):
        runs.append(
            [
                c if c.dimension <= c.bound and comes_near(net, c.witness) else None
                for c in _candidates(net, plan, t, limit)
            ]
        )
        passing = [[c for c in row if c] for row in zip(*runs, strict=True)]
        if len(runs) >= 2 and all(len(row) >= 2 for row in passing):
            break
    out: list[Candidate | None] = []
    for row in passing:
        if not row:
            out.append(None)
            continue
        least = min(row, key=lambda c: c.dimension)
        out.append(Candidate(least.witness, least.dimension, max(c.bound for c in row)))
    return out


def local_dimension(net: ShallowNetwork, *, limit: int = 2**22) -> LocalDimension:
    """The dimension at ``net`` of its fibre (every network of the architecture realizing f).

    The largest stratum dimension among ``net``'s own stratum and the strata its unfoldings
    reach, each measured on an exact network close to ``net`` that realizes f (returned as
    ``witness``). ``exact`` says whether the value is certified; otherwise it is a lower bound
    and ``reason`` says what could exceed it.

    Parameters
    ----------
    net
        The network.
    limit
        Bound on each exponential search: the zero-sum sets of the neurons of one hyperplane
        (3^n steps for n neurons), the families of disjoint blocks among them, the bound of
        the unpaid joins (2^q), and the combinations of options across groups, each counting
        as :func:`measure_cost` = 4096 (1 + h // 4) steps, as it is built and measured (a
        single one is always measured).

    Returns
    -------
    LocalDimension
        ``dimension``, ``stratum_dimension`` (theta's own), ``witness``, ``exact``,
        ``reason``.

    Raises
    ------
    TypeError
        When ``net`` is not a ShallowNetwork.
    ValueError
        When ``limit`` is not a positive integer.
    SearchLimitExceeded
        When one of those searches would exceed ``limit``.

    Examples
    --------
    An all-zero neuron with k = 3 > d = 1: its output weights can grow (zero-input, 4
    dimensions) rather than its input weights (zero-output, 2 dimensions).

    >>> from shallowsym import ShallowNetwork
    >>> net = ShallowNetwork([[1], [0]], [0, 0], [[1, 0], [2, 0], [3, 0]], [0, 0, 0])
    >>> result = local_dimension(net)
    >>> result.stratum_dimension, result.dimension, result.exact
    (3, 5, True)
    >>> print(result)
    fibre dimension at theta: 5 (own stratum: 3)

    References
    ----------
    J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023
    (the fibre and its dimension). docs/theory.md section 5 (F1-F3, S3-S9, "Strata and the
    fibre's dimension at theta"); proofs/fibre_dimension.md (items 1-3 and the paragraph after
    them).
    """
    if not isinstance(net, ShallowNetwork):
        raise TypeError(f"local_dimension expects a ShallowNetwork, not {type(net).__name__}")
    check_limit(limit)
    own = stratum_dimension(net)
    cf = canonical_form(net)
    if cf.num_bent == net.h:
        # Cheap bound first: a realization of width h puts one live neuron on each of the h
        # bent hyperplanes, so every stratum of the fibre has the shape of theta's own.
        return LocalDimension(own, own, net, True)
    plan = _plan(net, limit)
    best, best_dim, bound, collided = net, own, own, False
    for found in _measured(net, plan, limit):
        if found is None:
            collided = True
            continue
        if not same_function(net, found.witness):
            raise AssertionError("internal error: an unfolding changed the function")
        bound = max(bound, found.bound)
        if found.dimension > best_dim:
            best, best_dim = found.witness, found.dimension
    if collided:
        reason = (
            "an unfolding met the network's own numbers at every step tried (a group on "
            f"another hyperplane, a cancelled kink or dependent v-terms); at least {best_dim}"
        )
    elif bound > best_dim:
        reason = f"an unexplored unfolding could exceed {best_dim}"
    else:
        reason = ""
    return LocalDimension(best_dim, own, best, not reason, reason)
