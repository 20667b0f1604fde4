"""Neuron-level constructions shared by the moves and the fibre's unfoldings.

A documented internal API (no public names of the package): building a network whose constant
term matches another's, the unchecked redistribution of output weights between the two
orientations of one hyperplane, and the discrete flip (docs/theory.md sections 2 and 5).
The public moves in :mod:`shallowsym.moves` validate their arguments and call these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from ..canonical import canonical_form
from ..hyperplanes import neuron_keys
from ..network import Neuron, ShallowNetwork, check_network
from ..rationals import as_rational, to_fraction

__all__ = ["flip"]


def check_index(net: ShallowNetwork, i: Any) -> int:
    """``i`` if it indexes a neuron of ``net``; ``ValueError`` naming it otherwise."""
    if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < net.h:
        raise ValueError(f"neuron index {i!r} is out of range for width {net.h}")
    return i


def exact_vector(values: Any, length: int, name: str) -> tuple[Fraction, ...]:
    """``values`` as ``length`` exact ``Fraction`` entries (``ValueError`` naming the entry)."""
    out = tuple(to_fraction(as_rational(v, f"{name}[{i}]")) for i, v in enumerate(values))
    if len(out) != length:
        raise ValueError(f"{name} must have {length} entries, not {len(out)}")
    return out


def with_constant_of(
    net: ShallowNetwork, neurons: Sequence[Neuron], target: ShallowNetwork
) -> ShallowNetwork:
    """The network of ``neurons`` (architecture of ``net``) with b2 chosen so that its
    canonical constant term equals ``target``'s."""
    trial = ShallowNetwork.from_neurons(neurons, [Fraction(0)] * net.k, d=net.d)
    b2 = [
        x - y
        for x, y in zip(
            canonical_form(target).constant, canonical_form(trial).constant, strict=True
        )
    ]
    return ShallowNetwork.from_neurons(neurons, b2, d=net.d)


def orientations_on_one_hyperplane(net: ShallowNetwork, i: int, j: int) -> tuple[int, int]:
    """Orientations of two live neurons on one hyperplane (``ValueError`` otherwise)."""
    nk = neuron_keys(net)
    if nk.keys[i] is None or nk.keys[i] != nk.keys[j]:
        raise ValueError(f"neurons {i} and {j} are not on one hyperplane")
    return nk.orientations[i], nk.orientations[j]


def redistribute_unchecked(
    net: ShallowNetwork, changes: Mapping[tuple[int, int], Sequence[Any]]
) -> ShallowNetwork:
    """For each pair (i, j) of a positively and a negatively oriented neuron on one hyperplane,
    add Delta / 2 to i's kink and subtract it from j's (S9). Neither b2 nor the sum of the
    changes is checked: that is the caller's part."""
    nk = neuron_keys(net)
    neurons = net.neurons()
    for (i, j), delta in changes.items():
        ei, ej = orientations_on_one_hyperplane(net, check_index(net, i), check_index(net, j))
        if ei != 1 or ej != -1:
            raise ValueError(f"neuron {i} must be positively and {j} negatively oriented")
        dv = exact_vector(delta, net.k, "delta")
        si, sj = nk.scale(i), nk.scale(j)
        wi, bi, ai = neurons[i]
        wj, bj, aj = neurons[j]
        neurons[i] = (wi, bi, tuple(x + y / (2 * si) for x, y in zip(ai, dv, strict=True)))
        neurons[j] = (wj, bj, tuple(x - y / (2 * sj) for x, y in zip(aj, dv, strict=True)))
    return ShallowNetwork.from_neurons(neurons, net.b2, d=net.d)


def flip(net: ShallowNetwork, neurons: Iterable[int]) -> ShallowNetwork:
    """Negate (w_i, beta_i) for i in T and add sum_T a_i beta_i to b2 (S8).

    Allowed exactly when sum_T a_i w_i^T = 0, since a relu(-z) = a relu(z) - a z.

    Parameters
    ----------
    net : ShallowNetwork
    neurons : iterable of int
        The set T of neurons to flip.

    Returns
    -------
    ShallowNetwork
        The flipped network; it computes the same function.

    Raises
    ------
    ValueError
        If an index is out of range or sum_T a_i w_i^T is not zero.

    Examples
    --------
    >>> net = ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])
    >>> flip(net, [0, 1])
    ShallowNetwork(W1=[[-1], [1]], b1=[1, -3], W2=[[1, 1]], b2=[2])

    References
    ----------
    docs/theory.md section 5 (mechanism S8, discrete flips).
    """
    check_network(net, "flip")
    chosen = sorted({check_index(net, i) for i in neurons})
    total = [[Fraction(0)] * net.d for _ in range(net.k)]
    for i in chosen:
        w, _, a = net.neuron(i)
        for j in range(net.k):
            for col in range(net.d):
                total[j][col] += a[j] * w[col]
    if any(any(row) for row in total):
        raise ValueError(f"cannot flip neurons {chosen}: sum of a_i w_i^T over them is not zero")
    out = net.neurons()
    b2 = list(net.b2)
    for i in chosen:
        w, beta, a = out[i]
        out[i] = (tuple(-x for x in w), -beta, a)
        b2 = [c + x * beta for c, x in zip(b2, a, strict=True)]
    return ShallowNetwork.from_neurons(out, b2, d=net.d)
