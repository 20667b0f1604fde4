"""Random walks in the fibre: random networks of the same architecture and function.

:func:`random_equivalent` chains random moves of :mod:`shallowsym.moves` (each drawn among
those theta admits) with :func:`resample`, a jump to a random point of a stratum of the fibre
(docs/theory.md sections 5 and 7). The strategies of :mod:`shallowsym.strategies` draw
equivalent pairs with it.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction
from typing import Any

from ..canonical import canonical_form
from ..errors import SearchLimitExceeded
from ..fibre.flips import flip_sets
from ..fibre.neurons import flip
from ..fibre.strata import realize
from ..hyperplanes import hyperplane_normal_offset
from ..linalg import rref
from ..network import ShallowNetwork, check_network
from ..roles import structure
from ..symmetry import symmetries
from .elementary import (
    PAIR_CANDIDATES,
    PAIR_CHOICES,
    dissolve_cancelling_pair,
    dissolving_kink,
    form_cancelling_pair,
    movable_neurons,
    move_cancelling_group,
    pair_defect,
    permute,
    rank_one,
    redistribute,
    redraw_zero_input,
    redraw_zero_output,
    rescale,
    split_into,
    transfer_twin,
    transplant,
    transplant_candidates,
)

__all__ = ["MOVES", "random_equivalent", "resample"]


def resample(net: ShallowNetwork, ctype: Any = None, *, seed: int | None = None) -> ShallowNetwork:
    """A random network of the same architecture and function in stratum ``ctype`` (default:
    theta's own combinatorial type): a jump that reaches every hidden symmetry, including
    redistributions between parallel hyperplanes that no local move performs.

    Parameters
    ----------
    net : ShallowNetwork
        The network whose function is kept.
    ctype : CombinatorialType, optional
        The stratum to draw from (its width must be ``net.h``); default
        ``combinatorial_type(net)``.
    seed : int, optional, keyword-only
        Seed of the random draw; None draws a fresh one.

    Returns
    -------
    ShallowNetwork
        A network of type ``ctype`` computing the same function as ``net``.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`ShallowNetwork`.
    ValueError
        If the width of ``ctype`` is not ``net.h``, or the type has no realization of this
        function.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork, canonical_form
    >>> net = ShallowNetwork([[1], [2]], [1, 2], [[1, 1]], [0])   # twins
    >>> canonical_form(resample(net, seed=3)) == canonical_form(net)
    True

    References
    ----------
    * docs/theory.md section 5, "Strata and the fibre's dimension at theta";
      proofs/fibre_dimension.md and proofs/fibre_mechanisms.md.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "resample")

    target = structure(net).type if ctype is None else ctype
    if target.width != net.h:
        raise ValueError(f"type {target} has width {target.width}, not {net.h}")
    out = realize(canonical_form(net), target, seed=seed)
    if out is None:
        raise ValueError(f"no network of type {target} realizes this function")
    return out


MOVES = (
    "permute",
    "rescale",
    "transfer_twin",
    "split_into",
    "redraw_zero_output",
    "redraw_zero_input",
    "flip",
    "redistribute",
    "resample",
    "move_cancelling_group",
    "transplant",
    "form_cancelling_pair",
    "dissolve_cancelling_pair",
)


def _rand(rng, nonzero: bool = False) -> Fraction:
    while True:
        x = Fraction(rng.randint(-6, 6), rng.randint(1, 3))
        if x or not nonzero:
            return x


def _candidate_moves(net: ShallowNetwork, rng, hidden: dict | None = None) -> list:
    """(name, move, args[, kwargs]) for every move theta admits, with random arguments;
    ``hidden`` caches the hidden witness's type by theta's type along one walk."""

    s = structure(net)
    d, k, h = net.d, net.k, net.h
    out = []
    if h >= 2:
        perm = list(range(h))
        rng.shuffle(perm)
        out.append(("permute", permute, (perm,)))
    if h:
        scales = [Fraction(rng.randint(1, 5), rng.randint(1, 5)) for _ in range(h)]
        out.append(("rescale", rescale, (scales,)))
    live = [i for g in s.groups for i in g.neurons]
    for g in s.groups:
        for side in (g.positive, g.negative):
            if len(side) >= 2:
                i, j = rng.sample(side, 2)
                amount = [_rand(rng) for _ in range(k)]
                out.append(("transfer_twin", transfer_twin, (i, j, amount)))
    if s.zero_output and live:
        i, j = rng.choice(live), rng.choice(s.zero_output)
        ratio, t = _rand(rng), Fraction(rng.randint(1, 4), rng.randint(1, 4))
        out.append(("split_into", split_into, (i, j, ratio), {"scale": t}))
    if s.zero_output:
        i = rng.choice(s.zero_output)
        w, beta = [_rand(rng) for _ in range(d)], _rand(rng)
        out.append(("redraw_zero_output", redraw_zero_output, (i, w, beta)))
    flat = [i for i in range(h) if not any(net.W1[i])]
    if flat:
        i = rng.choice(flat)
        beta, a = _rand(rng), [_rand(rng) for _ in range(k)]
        out.append(("redraw_zero_input", redraw_zero_input, (i, beta, a)))
    try:
        flips = flip_sets(net, limit=2**12)
    except SearchLimitExceeded:
        flips = ()
    if flips:
        chosen = rng.choice(flips)
        out.append(("flip", flip, (chosen,)))
    mixed = [g for g in s.groups if g.mixed]
    if mixed:
        normals = [hyperplane_normal_offset(g.key)[0] for g in mixed]
        reduced, pivots = rref([[u[c] for u in normals] for c in range(d)], len(mixed))
        free = sorted(set(range(len(mixed))) - set(pivots))
        if free:
            # a random combination of at most 8 kernel vectors (the basis vector of free
            # column f is e_f - sum_t reduced[t][f] e_pivot_t): O(h), where the whole basis
            # of the kernel was h^2 entries (h = 2000: seconds per move)
            deltas = [[Fraction(0)] * k for _ in mixed]
            for r in range(k):
                for f in rng.sample(free, min(8, len(free))):
                    mu = _rand(rng)
                    deltas[f][r] += mu
                    for row, p in zip(reduced, pivots, strict=True):
                        deltas[p][r] -= mu * row[f]
            changes = {
                (rng.choice(g.positive), rng.choice(g.negative)): deltas[n]
                for n, g in enumerate(mixed)
            }
            out.append(("redistribute", redistribute, (changes,)))
    out += _regrouping_moves(net, rng)
    for g in s.groups:
        if not g.bent:
            if g.mixed:
                u, _ = hyperplane_normal_offset(g.key)
            else:
                u = [Fraction(0)] * d
                while not any(u):
                    u = [_rand(rng) for _ in range(d)]
            c = _rand(rng)
            out.append(("move_cancelling_group", move_cancelling_group, (g.neurons, u, c)))
    if h:
        out.append(("resample", resample, (None,), {"seed": rng.randrange(2**32)}))
        other = _hidden_type(net, {} if hidden is None else hidden)
        if other is not None:
            out.append(("resample", resample, (other,), {"seed": rng.randrange(2**32)}))
    return out


def _regrouping_moves(net: ShallowNetwork, rng) -> list:
    """A random transplant, cancelling-pair formation and dissolution that theta admits."""

    groups = structure(net).groups
    movable = movable_neurons(net)
    out: list = []
    candidates = transplant_candidates(net)
    if candidates:
        out.append(("transplant", transplant, rng.choice(candidates)))
    pairs = []
    for tried, ((i, p, g), (j, q, h)) in enumerate(itertools.combinations(movable, 2)):
        if tried >= PAIR_CANDIDATES or len(pairs) >= PAIR_CHOICES:
            break  # bounded: the checks grew as h^2 (h = 200: over 60 s per move)
        if g.key != h.key and _forms_pair(net, (i, p), (j, q)):
            pairs.append(((i, p), (j, q)))
    if pairs:
        out.append(("form_cancelling_pair", form_cancelling_pair, (*rng.choice(pairs), _rand(rng))))
    anchors = [g.neurons[0] for g in groups if g.bent]
    dissolvable = []
    tried = 0
    for g in groups:
        if not (g.mixed and not g.bent and len(g.neurons) == 2):
            continue
        for p, q in itertools.permutations(anchors, 2):
            tried += 1
            kink = dissolving_kink(net, g.neurons[0], p, q, share=_rand(rng))
            if kink is not None:
                dissolvable.append(((g.neurons[0], p), (g.neurons[1], q), kink))
            if tried >= PAIR_CANDIDATES or len(dissolvable) >= PAIR_CHOICES:
                break
        if tried >= PAIR_CANDIDATES or len(dissolvable) >= PAIR_CHOICES:
            break
    if dissolvable:
        out.append(("dissolve_cancelling_pair", dissolve_cancelling_pair, rng.choice(dissolvable)))
    return out


def _forms_pair(net: ShallowNetwork, first: tuple[int, int], second: tuple[int, int]) -> bool:
    """Whether :func:`form_cancelling_pair` admits ``first``, ``second`` (movable neurons of
    two mixed groups): whether their :func:`pair_defect` has rank one, checked without
    building the network."""
    try:
        rank_one(pair_defect(net, (first[0], second[0])))
    except ValueError:
        return False
    return True


def _hidden_type(net: ShallowNetwork, cache: dict):
    """The type of the report's hidden witness when it differs from theta's own (small limit).

    Along one walk the function is fixed, so a type found realizes it whatever theta is:
    ``cache`` keeps it by theta's type (one symmetry report per type, not per move)."""
    own = structure(net).type
    if own not in cache:
        cache[own] = _hidden_type_of(net)
    return cache[own]


def _hidden_type_of(net: ShallowNetwork):
    try:
        witness = symmetries(net, limit=2**12).hidden_witness
    except SearchLimitExceeded:
        return None
    if witness is None or structure(witness).type == structure(net).type:
        return None
    return structure(witness).type


def random_equivalent(
    net: ShallowNetwork, *, seed: int | None = None, moves: int = 8
) -> ShallowNetwork:
    """A random network of the same architecture computing the same function.

    Drawn by ``moves`` random moves, each chosen uniformly among those theta admits at that
    point: permutation, scaling, twin transfer, split and merge, zero-output and zero-input
    re-draws, discrete flips (searched with a small limit), opposite-orientation redistribution,
    cancelling-group re-draws, transplants, mixed cancelling pairs formed and dissolved, and
    re-draws of the whole network within its own stratum or the stratum of its hidden witness
    (``resample``). Every move is a public function of :mod:`shallowsym.moves`. The searches
    inside (flips, the hidden witness) are bounded: a move whose search reaches its limit is
    simply not offered.

    Parameters
    ----------
    net : ShallowNetwork
        The starting network.
    seed : int, optional, keyword-only
        Seed of the walk (the same seed gives the same walk); None draws a fresh one.
    moves : int, keyword-only
        The number of random moves, a non-negative integer (default 8).

    Returns
    -------
    ShallowNetwork
        A network of the same architecture with the same canonical form as ``net``.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`ShallowNetwork`.
    ValueError
        If ``moves`` is not a non-negative integer.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork, canonical_form
    >>> net = ShallowNetwork([[1], [-1], [0]], [-1, 3, 2], [[1, 1, 0]], [0])
    >>> other = random_equivalent(net, seed=1)
    >>> other.h == net.h and canonical_form(other) == canonical_form(net)
    True

    References
    ----------
    * docs/theory.md sections 2 (the standard group) and 5 (mechanisms S3-S9, Proposition 4,
      strata); proofs/fibre_mechanisms.md, proofs/generic_fibres.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """

    if not isinstance(net, ShallowNetwork):
        raise TypeError(f"random_equivalent expects a ShallowNetwork, not {type(net).__name__}")
    if isinstance(moves, bool) or not isinstance(moves, int) or moves < 0:
        raise ValueError(f"moves must be a non-negative integer, not {moves!r}")
    rng = random.Random(seed)
    hidden: dict = {}
    for _ in range(moves):
        options = _candidate_moves(net, rng, hidden)
        if not options:
            break
        _, move, args, *kwargs = rng.choice(options)
        net = move(net, *args, **(kwargs[0] if kwargs else {}))
    return net
