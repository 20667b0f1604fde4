"""Neuron-level edits the unfoldings are made of, each at an explicit step ``t``.

An unfolding drafts changes to theta's neurons (a :class:`Draft`: (w, beta, a) triples), a few of
them by amounts of order t, and rebuilds a network with theta's constant (:func:`rebuilt`).
Each edit here is one line of the proofs/fibre_dimension.md argument: a share of a kink
(:func:`take_share`), small kinks summing to zero (:func:`zero_sum_kinks`), a move to a parallel
hyperplane (:func:`shift`), a payment through the mixed groups' v-terms (:func:`pay`, S9 of
docs/theory.md section 5).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from flint import fmpq, fmpq_mat

from ...hyperplanes import hyperplane_normal_offset, neuron_keys
from ...linalg import solve
from ...network import Neuron, ShallowNetwork
from ...rationals import to_fraction
from ...roles import HyperplaneGroup, structure
from ..neurons import redistribute_unchecked, with_constant_of

__all__ = [
    "Draft",
    "along_e1",
    "exact_neuron",
    "kinks",
    "mixed_groups",
    "pay",
    "rebuilt",
    "shift",
    "shift_blocks",
    "take_share",
    "zero_sum_kinks",
]


class Draft:
    """theta's neurons with a few of them changed: reads fall through to ``net`` (one row of
    its exact arrays at a time), writes are recorded, so that an unfolding touches only the
    neurons it moves (at h = 1024, d = 784 a full copy is 800,000 rationals).

    Indexing gives and takes (w, beta, a) triples of Fractions like ``net.neurons()``.

    >>> from shallowsym import ShallowNetwork
    >>> draft = Draft(ShallowNetwork([[1], [2]], [0, 1], [[3, 4]], [0]))
    >>> draft[1]
    ((Fraction(2, 1),), Fraction(1, 1), (Fraction(4, 1),))
    >>> draft[0] = ((Fraction(1),), Fraction(0), (Fraction(5),))
    >>> sorted(draft.changed)
    [0]
    """

    def __init__(self, net: ShallowNetwork):
        self.net = net
        self.changed: dict[int, Neuron] = {}

    def __len__(self) -> int:
        return self.net.h

    def __getitem__(self, i: int) -> Neuron:
        if i in self.changed:
            return self.changed[i]
        return exact_neuron(self.net, i)

    def __setitem__(self, i: int, neuron: Neuron) -> None:
        self.changed[i] = neuron

    def __iter__(self):
        return (self[i] for i in range(self.net.h))


def exact_neuron(net: ShallowNetwork, i: int) -> Neuron:
    """Neuron i of ``net`` as Fractions, read from its exact arrays (one row and column)."""
    W1, b1, W2 = net.exact.W1, net.exact.b1, net.exact.W2
    return (
        tuple(to_fraction(W1[i, c]) for c in range(net.d)),
        to_fraction(b1[i, 0]),
        tuple(to_fraction(W2[r, i]) for r in range(net.k)),
    )


def _constant_share(neuron: Neuron) -> list[Fraction]:
    """What a neuron adds to the function's constant term: a (beta + |beta|) / 2 when w = 0
    (zero-input), a beta / 2 otherwise (docs/theory.md section 5, F3)."""
    w, beta, a = neuron
    shift = beta + abs(beta) if not any(w) else beta
    return [x * shift / 2 for x in a]


def rebuilt(net: ShallowNetwork, neurons: Draft | Sequence[Neuron]) -> ShallowNetwork:
    """``neurons`` as a network of ``net``'s architecture, b2 chosen so the function's constant
    is ``net``'s. A :class:`Draft` of ``net`` is built incrementally: the exact arrays are
    copied in flint and only its changed neurons are written, b2 corrected by their constant
    shares."""
    if not isinstance(neurons, Draft) or neurons.net is not net:
        return with_constant_of(net, list(neurons), net)
    A1, c1, A2, c2 = (fmpq_mat(m) for m in net.exact)
    b2 = [to_fraction(x) for x in c2.entries()]
    for i, new in neurons.changed.items():
        old = exact_neuron(net, i)
        b2 = [
            x - y + z
            for x, y, z in zip(b2, _constant_share(new), _constant_share(old), strict=True)
        ]
        w, beta, a = new
        for c, x in enumerate(w):
            A1[i, c] = fmpq(x.numerator, x.denominator)
        c1[i, 0] = fmpq(beta.numerator, beta.denominator)
        for r, x in enumerate(a):
            A2[r, i] = fmpq(x.numerator, x.denominator)
    for r, x in enumerate(b2):
        c2[r, 0] = fmpq(x.numerator, x.denominator)
    return ShallowNetwork.from_exact(A1, c1, A2, c2)


def kinks(net: ShallowNetwork, members: Sequence[int]) -> list[list[Fraction]]:
    """The kinks s_i a_i of the neurons ``members`` (s_i the scale of their hyperplane key)."""
    nk = neuron_keys(net)
    W2 = net.W2
    return [[nk.scale(i) * row[i] for row in W2] for i in members]


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
    out = Draft(net)
    for j, block in enumerate(blocks, start=1):
        shift(net, out, block, j * t)
    return rebuilt(net, out)
