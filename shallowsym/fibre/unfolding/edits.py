"""Neuron-level edits the unfoldings are made of, each at an explicit step ``t``.

An unfolding copies theta's neurons (``net.neurons()``: (w, beta, a) triples), changes a few of
them by amounts of order t, and rebuilds a network with theta's constant (:func:`rebuilt`).
Each edit here is one line of the proofs/fibre_dimension.md argument: a share of a kink
(:func:`take_share`), small kinks summing to zero (:func:`zero_sum_kinks`), a move to a parallel
hyperplane (:func:`shift`), a payment through the mixed groups' v-terms (:func:`pay`, S9 of
docs/theory.md section 5).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from ...hyperplanes import hyperplane_normal_offset, neuron_keys
from ...linalg import solve
from ...network import Neuron, ShallowNetwork
from ...roles import HyperplaneGroup, structure
from ..neurons import redistribute_unchecked, with_constant_of

__all__ = [
    "along_e1",
    "kinks",
    "mixed_groups",
    "pay",
    "rebuilt",
    "shift",
    "shift_blocks",
    "take_share",
    "zero_sum_kinks",
]


def rebuilt(net: ShallowNetwork, neurons: Sequence[Neuron]) -> ShallowNetwork:
    """``neurons`` as a network of ``net``'s architecture, b2 chosen so the function's constant
    is ``net``'s."""
    return with_constant_of(net, neurons, net)


def kinks(net: ShallowNetwork, members: Sequence[int]) -> list[list[Fraction]]:
    """The kinks s_i a_i of the neurons ``members`` (s_i the scale of their hyperplane key)."""
    nk = neuron_keys(net)
    return [[nk.scale(i) * x for x in net.neuron(i)[2]] for i in members]


def mixed_groups(net: ShallowNetwork) -> list[HyperplaneGroup]:
    """The groups of ``net`` with live neurons of both orientations."""
    return [g for g in structure(net).groups if g.mixed]


def along_e1(x: Fraction, d: int) -> tuple[Fraction, ...]:
    """The vector x e_1 of R^d."""
    return tuple(x if c == 0 else Fraction(0) for c in range(d))


def take_share(
    net: ShallowNetwork,
    out: list[Neuron],
    i: int,
    j: int,
    t: Fraction,
    share: Sequence[Fraction] = (),
) -> list[Fraction]:
    """Zero-output neuron i on live neuron j's hyperplane takes the kink ``share`` (by default
    t s_j a_j) from j, whatever i's orientation; returns that kink."""
    nk = neuron_keys(net)
    wi, bi, _ = out[i]
    wj, bj, aj = out[j]
    share = list(share) or [t * nk.scale(j) * x for x in aj]
    out[i] = (wi, bi, tuple(x / nk.scale(i) for x in share))
    out[j] = (wj, bj, tuple(x - y / nk.scale(j) for x, y in zip(aj, share, strict=True)))
    return share


def zero_sum_kinks(
    net: ShallowNetwork, out: list[Neuron], members: Sequence[int], t: Fraction
) -> None:
    """The neurons ``members`` take the small kinks t 1, ..., t 1, -(n - 1) t 1 (summing to
    zero, 1 the all-ones vector)."""
    nk = neuron_keys(net)
    weights = [t] * (len(members) - 1) + [-t * (len(members) - 1)]
    for i, weight in zip(members, weights, strict=True):
        w, beta, _ = out[i]
        out[i] = (w, beta, tuple(weight / nk.scale(i) for _ in range(net.k)))


def shift(net: ShallowNetwork, out: list[Neuron], members: Sequence[int], by: Fraction) -> None:
    """Move neurons to the parallel hyperplane u.x + c + by = 0, orientation and scale kept."""
    nk = neuron_keys(net)
    for i in members:
        w, _, a = out[i]
        _, c = hyperplane_normal_offset(nk.keys[i])
        out[i] = (w, nk.orientations[i] * nk.scale(i) * (c + by), a)


def pay(
    net: ShallowNetwork, payers: Sequence[HyperplaneGroup], x: Sequence[Fraction], u: Sequence
) -> ShallowNetwork | None:
    """``net`` with x u^T added to W2 W1 through the v-terms of the mixed groups ``payers``
    (S9), or None when u is not in the span of their normals."""
    normals = [hyperplane_normal_offset(g.key)[0] for g in payers]
    if not normals:
        return None
    columns = [[normal[c] for normal in normals] for c in range(net.d)]
    weights = solve(columns, list(u), len(normals))
    if weights is None:
        return None
    changes = {
        (g.positive[0], g.negative[0]): [weight * y for y in x]
        for g, weight in zip(payers, weights, strict=True)
        if weight
    }
    return redistribute_unchecked(net, changes)


def shift_blocks(
    net: ShallowNetwork, blocks: Sequence[Sequence[int]], t: Fraction
) -> ShallowNetwork:
    """Each block (kinks summing to zero) moves to a parallel hyperplane of its own, the j-th
    at offset j t; ``net`` itself when no block moves (no rebuild)."""
    if not blocks:
        return net
    out = net.neurons()
    for j, block in enumerate(blocks, start=1):
        shift(net, out, block, j * t)
    return rebuilt(net, out)
