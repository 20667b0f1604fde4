"""Moves: functions that change a network's parameters but never its function.

Each move returns a new :class:`ShallowNetwork` computing the same function on R^d as its
input (THEORY.md sections 2 and 5), or raises ``ValueError`` when its precondition fails.
They compose, so a user can walk a fibre by hand::

    >>> from shallowsym import ShallowNetwork, equivalent
    >>> net = ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])
    >>> other = add_zero_output_neuron(split_twin(flip(net, [0, 1]), 0, "1/3"), [5], 7)
    >>> other.h, bool(equivalent(net, other))
    (4, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from .network import ShallowNetwork
from .rationals import as_rational, to_fraction
from .standard import apply_standard

__all__ = [
    "add_cancelling_pair",
    "add_zero_input_neuron",
    "add_zero_output_neuron",
    "flip",
    "flip_with_cancelling_pair",
    "merge_twins",
    "permute",
    "rescale",
    "split_twin",
]

Neuron = tuple[tuple[Fraction, ...], Fraction, tuple[Fraction, ...]]


def _q(value: Any, name: str) -> Fraction:
    return to_fraction(as_rational(value, name))


def _vector(values: Any, length: int, name: str) -> tuple[Fraction, ...]:
    out = tuple(_q(v, f"{name}[{i}]") for i, v in enumerate(values))
    if len(out) != length:
        raise ValueError(f"{name} must have {length} entries, not {len(out)}")
    return out


def _neurons(net: ShallowNetwork) -> list[Neuron]:
    return [net.neuron(i) for i in range(net.h)]


def _build(
    net: ShallowNetwork, neurons: Sequence[Neuron], b2: Iterable[Fraction]
) -> ShallowNetwork:
    W1 = [list(w) for w, _, _ in neurons]
    b1 = [beta for _, beta, _ in neurons]
    W2 = [[a[j] for _, _, a in neurons] for j in range(net.k)]
    return ShallowNetwork.from_rows(W1, b1, W2, list(b2), d=net.d)


def _index(net: ShallowNetwork, i: int) -> int:
    if not 0 <= i < net.h:
        raise ValueError(f"neuron index {i} is out of range for width {net.h}")
    return i


def permute(net: ShallowNetwork, permutation: Sequence[int]) -> ShallowNetwork:
    """Move neuron i to position ``permutation[i]`` (standard symmetry)."""
    return apply_standard(net, permutation)


def rescale(net: ShallowNetwork, scales: Sequence[Any]) -> ShallowNetwork:
    """Scale neuron i by t_i > 0: (w, beta, a) -> (t w, t beta, a / t) (standard symmetry)."""
    return apply_standard(net, range(net.h), scales)


def split_twin(net: ShallowNetwork, i: int, ratio: Any, *, scale: Any = 1) -> ShallowNetwork:
    """Split neuron i into same-orientation twins (S5).

    (w, beta, a) becomes (w, beta, ratio a) in place and (t w, t beta, (1 - ratio) a / t)
    appended, with t = ``scale`` > 0. The twins' summed s a is unchanged.
    """
    w, beta, a = net.neuron(_index(net, i))
    r, t = _q(ratio, "ratio"), _q(scale, "scale")
    if t <= 0:
        raise ValueError(f"scale must be positive, not {t}")
    neurons = _neurons(net)
    neurons[i] = (w, beta, tuple(r * x for x in a))
    neurons.append((tuple(t * x for x in w), t * beta, tuple((1 - r) * x / t for x in a)))
    return _build(net, neurons, net.b2)


def merge_twins(net: ShallowNetwork, i: int, j: int) -> ShallowNetwork:
    """Merge neuron j into neuron i when (w_j, beta_j) = t (w_i, beta_i) with t > 0 (S5)."""
    wi, bi, ai = net.neuron(_index(net, i))
    wj, bj, aj = net.neuron(_index(net, j))
    if i == j:
        raise ValueError("cannot merge a neuron with itself")
    ratios = {y / x for x, y in zip((*wi, bi), (*wj, bj), strict=True) if x}
    zero_match = all((x == 0) == (y == 0) for x, y in zip((*wi, bi), (*wj, bj), strict=True))
    if len(ratios) != 1 or not zero_match or next(iter(ratios)) <= 0:
        raise ValueError(f"neurons {i} and {j} are not positive multiples of each other")
    t = next(iter(ratios))
    neurons = _neurons(net)
    neurons[i] = (wi, bi, tuple(x + t * y for x, y in zip(ai, aj, strict=True)))
    del neurons[j]
    return _build(net, neurons, net.b2)


def add_zero_output_neuron(net: ShallowNetwork, w: Sequence[Any], beta: Any) -> ShallowNetwork:
    """Append a neuron (w, beta, 0): its input weights are free (S3)."""
    neurons = _neurons(net)
    neurons.append((_vector(w, net.d, "w"), _q(beta, "beta"), (Fraction(0),) * net.k))
    return _build(net, neurons, net.b2)


def add_zero_input_neuron(net: ShallowNetwork, beta: Any, a: Sequence[Any]) -> ShallowNetwork:
    """Append a neuron (0, beta, a) and subtract its constant a relu(beta) from b2 (S4)."""
    b, out = _q(beta, "beta"), _vector(a, net.k, "a")
    neurons = _neurons(net)
    neurons.append(((Fraction(0),) * net.d, b, out))
    active = max(b, Fraction(0))
    return _build(net, neurons, (c - active * x for c, x in zip(net.b2, out, strict=True)))


def add_cancelling_pair(
    net: ShallowNetwork, w: Sequence[Any], beta: Any, a: Sequence[Any], *, scale: Any = 1
) -> ShallowNetwork:
    """Append (w, beta, a) and (t w, t beta, -a / t), t = ``scale`` > 0: they cancel (S7)."""
    wv, b, out, t = (
        _vector(w, net.d, "w"),
        _q(beta, "beta"),
        _vector(a, net.k, "a"),
        _q(scale, "scale"),
    )
    if t <= 0:
        raise ValueError(f"scale must be positive, not {t}")
    neurons = _neurons(net)
    neurons.append((wv, b, out))
    neurons.append((tuple(t * x for x in wv), t * b, tuple(-x / t for x in out)))
    return _build(net, neurons, net.b2)


def flip(net: ShallowNetwork, neurons: Iterable[int]) -> ShallowNetwork:
    """Negate (w_i, beta_i) for i in T and add sum_T a_i beta_i to b2 (S8).

    Allowed exactly when sum_T a_i w_i^T = 0, since a relu(-z) = a relu(z) - a z.

    >>> net = ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])
    >>> flip(net, [0, 1])
    ShallowNetwork(W1=[[-1], [1]], b1=[1, -3], W2=[[1, 1]], b2=[2])
    """
    chosen = sorted({_index(net, i) for i in neurons})
    total = [[Fraction(0)] * net.d for _ in range(net.k)]
    for i in chosen:
        w, _, a = net.neuron(i)
        for j in range(net.k):
            for col in range(net.d):
                total[j][col] += a[j] * w[col]
    if any(any(row) for row in total):
        raise ValueError(f"cannot flip neurons {chosen}: sum of a_i w_i^T over them is not zero")
    out = _neurons(net)
    b2 = list(net.b2)
    for i in chosen:
        w, beta, a = out[i]
        out[i] = (tuple(-x for x in w), -beta, a)
        b2 = [c + x * beta for c, x in zip(b2, a, strict=True)]
    return _build(net, out, b2)


def flip_with_cancelling_pair(net: ShallowNetwork, i: int, offset: Any) -> ShallowNetwork:
    """Flip neuron i alone and pay for it with a cancelling pair on a parallel hyperplane (S7).

    (w, beta, a) becomes (-w, -beta, a); (w, offset, a) and (-w, -offset, -a) are appended
    (together they add the affine a (w.x + offset)) and b2 gains a (beta - offset).
    """
    w, beta, a = net.neuron(_index(net, i))
    c = _q(offset, "offset")
    neurons = _neurons(net)
    neurons[i] = (tuple(-x for x in w), -beta, a)
    neurons.append((w, c, a))
    neurons.append((tuple(-x for x in w), -c, tuple(-x for x in a)))
    return _build(net, neurons, (b + x * (beta - c) for b, x in zip(net.b2, a, strict=True)))
