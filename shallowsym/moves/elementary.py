"""Moves: functions that change a network's parameters but never its function.

Each move returns a new :class:`ShallowNetwork` computing the same function on R^d as its
input (docs/theory.md sections 2 and 5), or raises ``ValueError`` when its precondition fails.
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

from ..fibre.neurons import (
    check_index,
    exact_vector,
    flip,
    orientations_on_one_hyperplane,
    redistribute_unchecked,
    with_constant_of,
)
from ..hyperplanes import hyperplane_normal_offset, neuron_keys
from ..linalg import solve
from ..network import Neuron, ShallowNetwork, check_network
from ..rationals import as_rational, to_fraction
from ..roles import structure
from ..standard import apply_standard

__all__ = [
    "add_cancelling_pair",
    "add_zero_input_neuron",
    "add_zero_output_neuron",
    "dissolve_cancelling_pair",
    "dissolving_kink",
    "flip",
    "flip_and_redistribute",
    "flip_with_cancelling_pair",
    "form_cancelling_pair",
    "merge_twins",
    "move_cancelling_group",
    "permute",
    "redistribute",
    "redraw_zero_input",
    "redraw_zero_output",
    "rescale",
    "split_into",
    "split_twin",
    "transfer_twin",
    "transplant",
]


def _q(value: Any, name: str) -> Fraction:
    return to_fraction(as_rational(value, name))


def _build(
    net: ShallowNetwork, neurons: Sequence[Neuron], b2: Iterable[Fraction]
) -> ShallowNetwork:
    return ShallowNetwork.from_neurons(neurons, list(b2), d=net.d)


def permute(net: ShallowNetwork, permutation: Sequence[int]) -> ShallowNetwork:
    """Move neuron i to position ``permutation[i]`` (standard symmetry).

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    permutation : sequence of int
        A permutation of ``range(net.h)``: neuron i goes to position ``permutation[i]``.

    Returns
    -------
    ShallowNetwork
        A new network computing the same function on R^d as ``net``,
        in the same architecture.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`ShallowNetwork`.
    ValueError
        If ``permutation`` is not a permutation of ``range(net.h)``.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> permute(ShallowNetwork([[1], [2]], [0, 1], [[3, 4]], [0]), [1, 0])
    ShallowNetwork(W1=[[2], [1]], b1=[1, 0], W2=[[4, 3]], b2=[0])

    References
    ----------
    * docs/theory.md section 2 (permutations and positive scalings, the group G_h).
    * P. Stock, R. Gribonval, "An embedding of ReLU networks and an analysis of their
      identifiability", Constructive Approximation 2022.
    """
    check_network(net, "permute")
    return apply_standard(net, permutation)


def rescale(net: ShallowNetwork, scales: Sequence[Any]) -> ShallowNetwork:
    """Scale neuron i by t_i > 0: (w, beta, a) -> (t w, t beta, a / t) (standard symmetry).

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    scales : sequence of rationals
        ``net.h`` positive numbers t_i (ints, Fractions, strings such as ``"1/2"``, floats read
        exactly).

    Returns
    -------
    ShallowNetwork
        A new network computing the same function on R^d as ``net``,
        in the same architecture.

    Raises
    ------
    ValueError
        If ``scales`` does not hold ``net.h`` positive numbers.
    InvalidNetworkError
        (a ``ValueError``) If a number given is not a finite rational (nan, infinite, complex,
        boolean, a non-numeric string or an unsupported type); the message names it.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> rescale(ShallowNetwork([[1], [2]], [0, 1], [[3, 4]], [0]), [2, '1/2'])
    ShallowNetwork(W1=[[2], [1]], b1=[0, 1/2], W2=[[3/2, 8]], b2=[0])

    References
    ----------
    * docs/theory.md section 2 (permutations and positive scalings, the group G_h).
    * P. Stock, R. Gribonval, "An embedding of ReLU networks and an analysis of their
      identifiability", Constructive Approximation 2022.
    """
    check_network(net, "rescale")
    return apply_standard(net, range(net.h), scales)


def split_twin(net: ShallowNetwork, i: int, ratio: Any, *, scale: Any = 1) -> ShallowNetwork:
    """Split neuron i into same-orientation twins (S5).

    (w, beta, a) becomes (w, beta, ratio a) in place and (t w, t beta, (1 - ratio) a / t)
    appended, with t = ``scale`` > 0. The twins' summed s a is unchanged.

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    i : int
        The neuron to split, ``0 <= i < net.h``.
    ratio : rational
        The share of a_i that neuron i keeps (any rational, also outside [0, 1]).
    scale : rational, keyword-only
        The positive scale t of the new twin (default 1).

    Returns
    -------
    ShallowNetwork
        A new network computing the same function on R^d as ``net``,
        of width ``net.h + 1`` (the new twin is the last neuron).

    Raises
    ------
    ValueError
        If ``i`` is out of range or ``scale`` is not positive.
    InvalidNetworkError
        (a ``ValueError``) If a number given is not a finite rational (nan, infinite, complex,
        boolean, a non-numeric string or an unsupported type); the message names it.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> split_twin(ShallowNetwork([[1]], [1], [[3]], [0]), 0, '1/3', scale=2)
    ShallowNetwork(W1=[[1], [2]], b1=[1, 2], W2=[[1, 1]], b2=[0])

    References
    ----------
    * docs/theory.md section 5, mechanism S5 (twins: only the summed s_i a_i counts);
      proofs/fibre_mechanisms.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "split_twin")
    w, beta, a = net.neuron(check_index(net, i))
    r, t = _q(ratio, "ratio"), _q(scale, "scale")
    if t <= 0:
        raise ValueError(f"scale must be positive, not {t}")
    neurons = net.neurons()
    neurons[i] = (w, beta, tuple(r * x for x in a))
    neurons.append((tuple(t * x for x in w), t * beta, tuple((1 - r) * x / t for x in a)))
    return _build(net, neurons, net.b2)


def merge_twins(net: ShallowNetwork, i: int, j: int) -> ShallowNetwork:
    """Merge neuron j into neuron i when (w_j, beta_j) = t (w_i, beta_i) with t > 0 (S5).

    Neuron i takes a_i + t a_j and neuron j is removed, so the width drops by one.

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    i, j : int
        Two different neurons with (w_j, beta_j) a positive multiple of (w_i, beta_i).

    Returns
    -------
    ShallowNetwork
        A new network computing the same function on R^d as ``net``,
        of width ``net.h - 1``.

    Raises
    ------
    ValueError
        If an index is out of range, ``i == j``, or the two neurons are not positive multiples
        of each other.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> merge_twins(ShallowNetwork([[1], [2]], [1, 2], [[1, 1]], [0]), 0, 1)
    ShallowNetwork(W1=[[1]], b1=[1], W2=[[3]], b2=[0])

    References
    ----------
    * docs/theory.md section 5, mechanism S5 (twins);
      proofs/fibre_mechanisms.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "merge_twins")
    wi, bi, ai = net.neuron(check_index(net, i))
    wj, bj, aj = net.neuron(check_index(net, j))
    if i == j:
        raise ValueError("cannot merge a neuron with itself")
    ratios = {y / x for x, y in zip((*wi, bi), (*wj, bj), strict=True) if x}
    zero_match = all((x == 0) == (y == 0) for x, y in zip((*wi, bi), (*wj, bj), strict=True))
    if len(ratios) != 1 or not zero_match or next(iter(ratios)) <= 0:
        raise ValueError(f"neurons {i} and {j} are not positive multiples of each other")
    t = next(iter(ratios))
    neurons = net.neurons()
    neurons[i] = (wi, bi, tuple(x + t * y for x, y in zip(ai, aj, strict=True)))
    del neurons[j]
    return _build(net, neurons, net.b2)


def add_zero_output_neuron(net: ShallowNetwork, w: Sequence[Any], beta: Any) -> ShallowNetwork:
    """Append a neuron (w, beta, 0): its input weights are free (S3).

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    w : sequence of rationals
        The new neuron's ``net.d`` input weights.
    beta : rational
        The new neuron's bias.

    Returns
    -------
    ShallowNetwork
        A new network computing the same function on R^d as ``net``,
        of width ``net.h + 1``.

    Raises
    ------
    ValueError
        If ``w`` does not have ``net.d`` entries.
    InvalidNetworkError
        (a ``ValueError``) If a number given is not a finite rational (nan, infinite, complex,
        boolean, a non-numeric string or an unsupported type); the message names it.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> add_zero_output_neuron(ShallowNetwork([[1]], [0], [[1]], [0]), [5], -2)
    ShallowNetwork(W1=[[1], [5]], b1=[0, -2], W2=[[1, 0]], b2=[0])

    References
    ----------
    * docs/theory.md section 5, mechanism S3 (zero-output neurons);
      proofs/fibre_mechanisms.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "add_zero_output_neuron")
    neurons = net.neurons()
    neurons.append((exact_vector(w, net.d, "w"), _q(beta, "beta"), (Fraction(0),) * net.k))
    return _build(net, neurons, net.b2)


def add_zero_input_neuron(net: ShallowNetwork, beta: Any, a: Sequence[Any]) -> ShallowNetwork:
    """Append a neuron (0, beta, a) and subtract its constant a relu(beta) from b2 (S4).

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    beta : rational
        The new neuron's bias.
    a : sequence of rationals
        The new neuron's ``net.k`` output weights.

    Returns
    -------
    ShallowNetwork
        A new network computing the same function on R^d as ``net``,
        of width ``net.h + 1``.

    Raises
    ------
    ValueError
        If ``a`` does not have ``net.k`` entries.
    InvalidNetworkError
        (a ``ValueError``) If a number given is not a finite rational (nan, infinite, complex,
        boolean, a non-numeric string or an unsupported type); the message names it.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> add_zero_input_neuron(ShallowNetwork([[1]], [0], [[1]], [0]), 3, [2])
    ShallowNetwork(W1=[[1], [0]], b1=[0, 3], W2=[[1, 2]], b2=[-6])

    References
    ----------
    * docs/theory.md section 5, mechanism S4 (zero-input neurons);
      proofs/fibre_mechanisms.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "add_zero_input_neuron")
    b, out = _q(beta, "beta"), exact_vector(a, net.k, "a")
    neurons = net.neurons()
    neurons.append(((Fraction(0),) * net.d, b, out))
    active = max(b, Fraction(0))
    return _build(net, neurons, (c - active * x for c, x in zip(net.b2, out, strict=True)))


def add_cancelling_pair(
    net: ShallowNetwork, w: Sequence[Any], beta: Any, a: Sequence[Any], *, scale: Any = 1
) -> ShallowNetwork:
    """Append (w, beta, a) and (t w, t beta, -a / t), t = ``scale`` > 0: they cancel (S7).

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    w : sequence of rationals
        The pair's ``net.d`` input weights (w = 0 gives two zero-input neurons that cancel).
    beta : rational
        The first neuron's bias.
    a : sequence of rationals
        The first neuron's ``net.k`` output weights.
    scale : rational, keyword-only
        The positive scale t of the second neuron (default 1).

    Returns
    -------
    ShallowNetwork
        A new network computing the same function on R^d as ``net``,
        of width ``net.h + 2`` (the pair is appended last).

    Raises
    ------
    ValueError
        If ``scale`` is not positive, or ``w`` or ``a`` has the wrong length.
    InvalidNetworkError
        (a ``ValueError``) If a number given is not a finite rational (nan, infinite, complex,
        boolean, a non-numeric string or an unsupported type); the message names it.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> add_cancelling_pair(ShallowNetwork([[1]], [0], [[1]], [0]), [1], 5, [2])
    ShallowNetwork(W1=[[1], [1], [1]], b1=[0, 5, 5], W2=[[1, 2, -2]], b2=[0])

    References
    ----------
    * docs/theory.md section 5, mechanism S7 (cancelling groups);
      proofs/fibre_mechanisms.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "add_cancelling_pair")
    wv, b, out, t = (
        exact_vector(w, net.d, "w"),
        _q(beta, "beta"),
        exact_vector(a, net.k, "a"),
        _q(scale, "scale"),
    )
    if t <= 0:
        raise ValueError(f"scale must be positive, not {t}")
    neurons = net.neurons()
    neurons.append((wv, b, out))
    neurons.append((tuple(t * x for x in wv), t * b, tuple(-x / t for x in out)))
    return _build(net, neurons, net.b2)


def flip_with_cancelling_pair(net: ShallowNetwork, i: int, offset: Any) -> ShallowNetwork:
    """Flip neuron i alone and pay for it with a cancelling pair on a parallel hyperplane (S7).

    (w, beta, a) becomes (-w, -beta, a); (w, offset, a) and (-w, -offset, -a) are appended
    (together they add the affine a (w.x + offset)) and b2 gains a (beta - offset).

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    i : int
        The neuron to flip, ``0 <= i < net.h``.
    offset : rational
        The bias of the appended pair's hyperplane w.x + offset = 0.

    Returns
    -------
    ShallowNetwork
        A new network computing the same function on R^d as ``net``,
        of width ``net.h + 2``.

    Raises
    ------
    ValueError
        If ``i`` is out of range.
    InvalidNetworkError
        (a ``ValueError``) If a number given is not a finite rational (nan, infinite, complex,
        boolean, a non-numeric string or an unsupported type); the message names it.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> flip_with_cancelling_pair(ShallowNetwork([[2]], [0], [[1]], [0]), 0, 10)
    ShallowNetwork(W1=[[-2], [2], [-2]], b1=[0, 10, -10], W2=[[1, 1, -1]], b2=[-10])

    References
    ----------
    * docs/theory.md section 5, mechanisms S7 (a mixed cancelling pair is affine), S8 (flips);
      proofs/fibre_mechanisms.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "flip_with_cancelling_pair")
    w, beta, a = net.neuron(check_index(net, i))
    c = _q(offset, "offset")
    neurons = net.neurons()
    neurons[i] = (tuple(-x for x in w), -beta, a)
    neurons.append((w, c, a))
    neurons.append((tuple(-x for x in w), -c, tuple(-x for x in a)))
    return _build(net, neurons, (b + x * (beta - c) for b, x in zip(net.b2, a, strict=True)))


# -- width-preserving moves (the fibre within one architecture) ----------------------------------
def transfer_twin(net: ShallowNetwork, i: int, j: int, amount: Sequence[Any]) -> ShallowNetwork:
    """Move ``amount`` (a vector of Q^k) of summed s a from twin j to twin i (S5).

    (w_j, beta_j) must be a positive multiple of (w_i, beta_i) with w != 0; either neuron may
    have zero output. s_i a_i gains ``amount`` and s_j a_j loses it, so the kink, W2 W1 and
    the function are unchanged. Moving all of s_j a_j merges j into i (j keeps its input
    weights, now with zero output); the opposite amount undoes the move.

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    i, j : int
        Two different neurons on one hyperplane with the same orientation.
    amount : sequence of rationals
        The ``net.k`` entries of s a moved from j to i.

    Returns
    -------
    ShallowNetwork
        A new network computing the same function on R^d as ``net``,
        in the same architecture.

    Raises
    ------
    ValueError
        If an index is out of range, the neurons are not on one hyperplane, their orientations
        differ, ``i == j``, or ``amount`` does not have ``net.k`` entries.
    InvalidNetworkError
        (a ``ValueError``) If a number given is not a finite rational (nan, infinite, complex,
        boolean, a non-numeric string or an unsupported type); the message names it.

    Examples
    --------
    >>> net = ShallowNetwork([[1], [2]], [1, 2], [[1, 1]], [0])
    >>> transfer_twin(net, 0, 1, [2])   # merge: s_1 a_1 = 2 moves onto neuron 0
    ShallowNetwork(W1=[[1], [2]], b1=[1, 2], W2=[[3, 0]], b2=[0])

    References
    ----------
    * docs/theory.md section 5, mechanism S5 (twins);
      proofs/fibre_mechanisms.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "transfer_twin")

    ei, ej = orientations_on_one_hyperplane(net, check_index(net, i), check_index(net, j))
    if ei != ej or i == j:
        raise ValueError(f"neurons {i} and {j} are not same-orientation twins")
    moved = exact_vector(amount, net.k, "amount")
    nk = neuron_keys(net)
    si, sj = nk.scale(i), nk.scale(j)
    neurons = net.neurons()
    wi, bi, ai = neurons[i]
    wj, bj, aj = neurons[j]
    neurons[i] = (wi, bi, tuple(x + y / si for x, y in zip(ai, moved, strict=True)))
    neurons[j] = (wj, bj, tuple(x - y / sj for x, y in zip(aj, moved, strict=True)))
    return _build(net, neurons, net.b2)


def split_into(
    net: ShallowNetwork, i: int, j: int, ratio: Any, *, scale: Any = 1
) -> ShallowNetwork:
    """Turn zero-output neuron j into a twin of live neuron i (S5, width kept): i keeps
    ratio * a_i, and j becomes (t w_i, t beta_i, (1 - ratio) a_i / t) with t = ``scale``.

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    i : int
        The neuron whose output is shared.
    j : int
        A zero-output neuron other than ``i``; its input weights are overwritten.
    ratio : rational
        The share of a_i that neuron i keeps.
    scale : rational, keyword-only
        The positive scale t of neuron j relative to neuron i (default 1).

    Returns
    -------
    ShallowNetwork
        A new network computing the same function on R^d as ``net``,
        in the same architecture.

    Raises
    ------
    ValueError
        If an index is out of range, neuron ``j`` has non-zero output weights or equals ``i``,
        or ``scale`` is not positive.
    InvalidNetworkError
        (a ``ValueError``) If a number given is not a finite rational (nan, infinite, complex,
        boolean, a non-numeric string or an unsupported type); the message names it.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> split_into(ShallowNetwork([[1], [0]], [1, 0], [[3, 0]], [0]), 0, 1, '1/3')
    ShallowNetwork(W1=[[1], [1]], b1=[1, 1], W2=[[1, 2]], b2=[0])

    References
    ----------
    * docs/theory.md section 5, mechanisms S3 (zero-output neurons) and S5 (twins);
      proofs/fibre_mechanisms.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "split_into")
    wi, bi, ai = net.neuron(check_index(net, i))
    _, _, aj = net.neuron(check_index(net, j))
    if any(aj) or i == j:
        raise ValueError(f"neuron {j} is not a zero-output neuron other than {i}")
    r, t = _q(ratio, "ratio"), _q(scale, "scale")
    if t <= 0:
        raise ValueError(f"scale must be positive, not {t}")
    neurons = net.neurons()
    neurons[i] = (wi, bi, tuple(r * x for x in ai))
    neurons[j] = (tuple(t * x for x in wi), t * bi, tuple((1 - r) * x / t for x in ai))
    return _build(net, neurons, net.b2)


def redraw_zero_output(net: ShallowNetwork, i: int, w: Sequence[Any], beta: Any) -> ShallowNetwork:
    """Give zero-output neuron i new input weights and bias (S3).

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    i : int
        A neuron with a_i = 0.
    w : sequence of rationals
        Its new ``net.d`` input weights.
    beta : rational
        Its new bias.

    Returns
    -------
    ShallowNetwork
        A new network computing the same function on R^d as ``net``,
        in the same architecture.

    Raises
    ------
    ValueError
        If ``i`` is out of range or not a zero-output neuron, or ``w`` has the wrong length.
    InvalidNetworkError
        (a ``ValueError``) If a number given is not a finite rational (nan, infinite, complex,
        boolean, a non-numeric string or an unsupported type); the message names it.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> redraw_zero_output(ShallowNetwork([[1], [0]], [0, 0], [[1, 0]], [0]), 1, [7], 3)
    ShallowNetwork(W1=[[1], [7]], b1=[0, 3], W2=[[1, 0]], b2=[0])

    References
    ----------
    * docs/theory.md section 5, mechanism S3 (zero-output neurons);
      proofs/fibre_mechanisms.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "redraw_zero_output")
    _, _, a = net.neuron(check_index(net, i))
    if any(a):
        raise ValueError(f"neuron {i} is not a zero-output neuron")
    neurons = net.neurons()
    neurons[i] = (exact_vector(w, net.d, "w"), _q(beta, "beta"), a)
    return _build(net, neurons, net.b2)


def redraw_zero_input(net: ShallowNetwork, i: int, beta: Any, a: Sequence[Any]) -> ShallowNetwork:
    """Give neuron i with w_i = 0 a new bias and output weights; b2 absorbs the constant (S4).

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    i : int
        A neuron with w_i = 0.
    beta : rational
        Its new bias.
    a : sequence of rationals
        Its new ``net.k`` output weights.

    Returns
    -------
    ShallowNetwork
        A new network computing the same function on R^d as ``net``,
        in the same architecture; b2 changes by a_old relu(beta_old) - a relu(beta).

    Raises
    ------
    ValueError
        If ``i`` is out of range or has non-zero input weights, or ``a`` has the wrong length.
    InvalidNetworkError
        (a ``ValueError``) If a number given is not a finite rational (nan, infinite, complex,
        boolean, a non-numeric string or an unsupported type); the message names it.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> redraw_zero_input(ShallowNetwork([[1], [0]], [0, 2], [[1, 1]], [0]), 1, -1, [4])
    ShallowNetwork(W1=[[1], [0]], b1=[0, -1], W2=[[1, 4]], b2=[2])

    References
    ----------
    * docs/theory.md section 5, mechanism S4 (zero-input neurons);
      proofs/fibre_mechanisms.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "redraw_zero_input")
    w, old_beta, old_a = net.neuron(check_index(net, i))
    if any(w):
        raise ValueError(f"neuron {i} has non-zero input weights")
    b, out = _q(beta, "beta"), exact_vector(a, net.k, "a")
    neurons = net.neurons()
    neurons[i] = (w, b, out)
    zero = Fraction(0)
    b2 = (
        c + x * max(old_beta, zero) - y * max(b, zero)
        for c, x, y in zip(net.b2, old_a, out, strict=True)
    )
    return _build(net, neurons, b2)


def redistribute(
    net: ShallowNetwork, changes: dict[tuple[int, int], Sequence[Any]]
) -> ShallowNetwork:
    """Shift P - Q between mixed groups (S6, S9) keeping W2 W1 and every kink.

    ``changes`` maps a pair (i, j) of oppositely oriented neurons on one hyperplane to a vector
    Delta in Q^k: P gains Delta / 2 and Q loses it, so the group adds Delta u^T to W2 W1. The
    changes must sum to zero in W2 W1; b2 is adjusted.

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    changes : dict mapping (int, int) to a sequence of rationals
        For each pair (i, j), i positively and j negatively oriented on one hyperplane, the
        ``net.k`` entries of Delta.

    Returns
    -------
    ShallowNetwork
        A new network computing the same function on R^d as ``net``,
        in the same architecture.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`ShallowNetwork`.
    ValueError
        If an index is out of range, a pair is not a positively and a negatively oriented
        neuron on one hyperplane, a Delta has the wrong length, or the changes do not sum to
        zero in W2 W1.
    InvalidNetworkError
        (a ``ValueError``) If a number given is not a finite rational (nan, infinite, complex,
        boolean, a non-numeric string or an unsupported type); the message names it.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> net = ShallowNetwork([[1], [-1], [1], [-1]], [0, 0, -1, 1], [[1, 1, 1, 1]], [0])
    >>> redistribute(net, {(0, 1): [2], (2, 3): [-2]})
    ShallowNetwork(W1=[[1], [-1], [1], [-1]], b1=[0, 0, -1, 1], W2=[[2, 0, 0, 2]], b2=[-1])

    References
    ----------
    * docs/theory.md section 5, mechanisms S6 (both orientations on a hyperplane), S9;
      proofs/fibre_mechanisms.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "redistribute")

    nk = neuron_keys(net)
    total = [[Fraction(0)] * net.d for _ in range(net.k)]
    for (i, _), delta in changes.items():
        u, _ = hyperplane_normal_offset(nk.keys[check_index(net, i)])
        dv = exact_vector(delta, net.k, "delta")
        for r in range(net.k):
            for c in range(net.d):
                total[r][c] += dv[r] * u[c]
    if any(any(row) for row in total):
        raise ValueError("the changes do not sum to zero in W2 W1")
    return with_constant_of(net, redistribute_unchecked(net, changes).neurons(), net)


def flip_and_redistribute(
    net: ShallowNetwork, neurons: Iterable[int], changes: dict[tuple[int, int], Sequence[Any]]
) -> ShallowNetwork:
    """Flip a set T whose sum a_i w_i^T need not vanish, paying with mixed groups (S8 + S9).

    Flipping T changes W2 W1 by -2 sum_T a_i w_i^T; ``changes`` (as in :func:`redistribute`)
    must change it by the opposite amount, so the function is unchanged. b2 is adjusted.

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    neurons : iterable of int
        The set T of neurons to flip.
    changes : dict mapping (int, int) to a sequence of rationals
        The redistribution that pays for the flip, as in :func:`redistribute`.

    Returns
    -------
    ShallowNetwork
        A new network computing the same function on R^d as ``net``,
        in the same architecture.

    Raises
    ------
    ValueError
        If an index is out of range, a pair of ``changes`` is not a positively and a negatively
        oriented neuron on one hyperplane, or the redistribution does not pay for the flip in
        W2 W1.
    InvalidNetworkError
        (a ``ValueError``) If a number given is not a finite rational (nan, infinite, complex,
        boolean, a non-numeric string or an unsupported type); the message names it.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> net = ShallowNetwork([[1], [-1], [1]], [0, 0, -2], [[1, 1, 1]], [0])
    >>> flip_and_redistribute(net, [2], {(0, 1): [2]})
    ShallowNetwork(W1=[[1], [-1], [-1]], b1=[0, 0, 2], W2=[[2, 0, 1]], b2=[-2])

    References
    ----------
    * docs/theory.md section 5, mechanisms S8 (discrete flips) and S9 (redistribution);
      proofs/fibre_mechanisms.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "flip_and_redistribute")
    chosen = sorted({check_index(net, i) for i in neurons})
    out = net.neurons()
    for i in chosen:
        w, beta, a = out[i]
        out[i] = (tuple(-x for x in w), -beta, a)
    flipped = _build(net, out, net.b2)
    total = [[Fraction(0)] * net.d for _ in range(net.k)]
    for i in chosen:
        w, _, a = net.neuron(i)
        for r in range(net.k):
            for c in range(net.d):
                total[r][c] += 2 * a[r] * w[c]

    nk = neuron_keys(net)
    for (i, _), delta in changes.items():
        u, _ = hyperplane_normal_offset(nk.keys[check_index(net, i)])
        for r in range(net.k):
            for c in range(net.d):
                total[r][c] -= _q(delta[r], "delta") * u[c]
    if any(any(row) for row in total):
        raise ValueError("the redistribution does not pay for the flip in W2 W1")
    shifted = redistribute_unchecked(flipped, changes)
    return with_constant_of(net, shifted.neurons(), net)


def move_cancelling_group(
    net: ShallowNetwork, neurons: Sequence[int], normal: Sequence[Any], offset: Any
) -> ShallowNetwork:
    """Move a cancelling group to another hyperplane (S7); b2 is adjusted.

    A group of one orientation (kinks summing to zero) adds nothing and may go anywhere; a
    group of mixed orientation adds P (u.x + c), so only its offset may change (``normal``
    must then be its own).

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    neurons : sequence of int
        Exactly the neurons of one cancelling group (live neurons on a hyperplane outside the
        bent ones).
    normal : sequence of rationals
        The new hyperplane's non-zero normal u (``net.d`` entries).
    offset : rational
        The new hyperplane's offset c: the group moves to u.x + c = 0.

    Returns
    -------
    ShallowNetwork
        A new network computing the same function on R^d as ``net``,
        in the same architecture.

    Raises
    ------
    ValueError
        If an index is out of range, ``neurons`` is not exactly one cancelling group,
        ``normal`` is zero or has the wrong length, or a mixed group would not stay parallel
        to itself.
    InvalidNetworkError
        (a ``ValueError``) If a number given is not a finite rational (nan, infinite, complex,
        boolean, a non-numeric string or an unsupported type); the message names it.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> net = ShallowNetwork([[1], [1]], [0, 0], [[1, -1]], [0])
    >>> move_cancelling_group(net, [0, 1], [1], 4)
    ShallowNetwork(W1=[[1], [1]], b1=[4, 4], W2=[[1, -1]], b2=[0])

    References
    ----------
    * docs/theory.md section 5, mechanism S7 (cancelling groups);
      proofs/fibre_mechanisms.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "move_cancelling_group")

    chosen = tuple(sorted({check_index(net, i) for i in neurons}))
    group = next((g for g in structure(net).groups if g.neurons == chosen and not g.bent), None)
    if group is None:
        raise ValueError(f"neurons {list(chosen)} are not exactly one cancelling group")
    u, c = exact_vector(normal, net.d, "normal"), _q(offset, "offset")
    if not any(u):
        raise ValueError("normal must be non-zero")
    nk = neuron_keys(net)
    if group.mixed:
        own = _normalized_normal(nk.keys[chosen[0]])
        if _normalized_normal((*u, c)) != own:
            raise ValueError("a mixed cancelling group may only move parallel to itself")
    new = net.neurons()
    for i in chosen:
        s, eps = nk.scale(i), nk.orientations[i]
        new[i] = (tuple(eps * s * x for x in u), eps * s * c, new[i][2])
    return with_constant_of(net, new, net)


# -- regrouping: a live neuron changes hyperplane, paid for in W2 W1 (S6, S7, S9) ---------------
def _leave(net: ShallowNetwork, neurons: list[Neuron], j: int, p: int) -> tuple[Fraction, ...]:
    """Live neuron j leaves its hyperplane: p, on it with the opposite orientation, absorbs
    j's kink s_j a_j. Returns eps_j s_j a_j, half the change -2 eps_j s_j a_j u^T to W2 W1."""

    ej, ep = orientations_on_one_hyperplane(net, check_index(net, j), check_index(net, p))
    nk = neuron_keys(net)
    if ej == ep or nk.zero_output[j]:
        raise ValueError(f"neuron {j} must be live and {p} oppositely oriented on its hyperplane")
    sj, sp = nk.scale(j), nk.scale(p)
    kink = tuple(sj * x for x in neurons[j][2])
    wp, bp, ap = neurons[p]
    neurons[p] = (wp, bp, tuple(x + y / sp for x, y in zip(ap, kink, strict=True)))
    return tuple(ej * x for x in kink)


def _arrive(
    net: ShallowNetwork, neurons: list[Neuron], j: int, q: int, kink: Sequence[Fraction]
) -> None:
    """Neuron j (scale kept) lands on q's hyperplane oriented against q and takes ``kink``
    from q, so that hyperplane's kink is unchanged. Adds 2 eps_j' kink u_q^T to W2 W1."""

    nk = neuron_keys(net)
    if nk.keys[check_index(net, q)] is None or q == j:
        raise ValueError(f"neuron {q} must have w != 0 and differ from {j}")
    u, c = hyperplane_normal_offset(nk.keys[q])
    sj, sq, eps = nk.scale(j), nk.scale(q), -nk.orientations[q]
    wq, bq, aq = neurons[q]
    neurons[q] = (wq, bq, tuple(x - y / sq for x, y in zip(aq, kink, strict=True)))
    neurons[j] = (tuple(eps * sj * x for x in u), eps * sj * c, tuple(y / sj for y in kink))


def transplant(net: ShallowNetwork, j: int, p: int, q: int) -> ShallowNetwork:
    """Move live neuron j to the parallel hyperplane of neuron q (S6, S9).

    j leaves a mixed group: p, on j's hyperplane with the opposite orientation, absorbs j's
    kink s_j a_j, which changes W2 W1 by -2 eps_j s_j a_j u^T. j, with its scale, lands on q's
    hyperplane oriented against q and takes from q the kink that changes W2 W1 back. So every
    kink and W2 W1 are kept; b2 is adjusted. ``transplant(result, j, q, p)`` undoes the move.
    Both hyperplanes must have the same normal u.

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    j : int
        The live neuron that moves.
    p : int
        A neuron on j's hyperplane with the opposite orientation; it absorbs j's kink.
    q : int
        A neuron (w != 0, other than j) on the target hyperplane, parallel to j's.

    Returns
    -------
    ShallowNetwork
        A new network computing the same function on R^d as ``net``,
        in the same architecture.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`ShallowNetwork`.
    ValueError
        If an index is out of range, j or q has w = 0, the two hyperplanes are not parallel,
        j is not live, or p is not oppositely oriented on j's hyperplane.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> net = ShallowNetwork([[1], [-1], [1]], [0, 0, -1], [[2, 1, 3]], [0])
    >>> transplant(net, 1, 0, 2)
    ShallowNetwork(W1=[[1], [-1], [1]], b1=[0, 1, -1], W2=[[3, 1, 2]], b2=[-1])
    >>> transplant(transplant(net, 1, 0, 2), 1, 2, 0) == net
    True

    References
    ----------
    * docs/theory.md section 5, mechanisms S6 (both orientations on a hyperplane), S9;
      proofs/fibre_mechanisms.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "transplant")

    nk = neuron_keys(net)
    if nk.keys[check_index(net, q)] is None or nk.keys[check_index(net, j)] is None:
        raise ValueError(f"neurons {j} and {q} must have w != 0")
    if _normalized_normal(nk.keys[j]) != _normalized_normal(nk.keys[q]):
        raise ValueError(f"the hyperplanes of neurons {j} and {q} are not parallel")
    neurons = net.neurons()
    paid = _leave(net, neurons, j, p)
    _arrive(net, neurons, j, q, [-nk.orientations[q] * x for x in paid])
    return with_constant_of(net, neurons, net)


def form_cancelling_pair(
    net: ShallowNetwork, first: Sequence[int], second: Sequence[int], offset: Any
) -> ShallowNetwork:
    """Two live neurons leave their mixed groups and become a mixed cancelling pair (S7, S9).

    ``first`` = (i, p) and ``second`` = (j, q): i leaves its hyperplane and p (on it, oppositely
    oriented) absorbs its kink; likewise j and q. This changes W2 W1 by -D with
    D = 2 (eps_i s_i a_i u_i^T + eps_j s_j a_j u_j^T), which must have rank one: D = v u_c^T
    with u_c normalized. i and j (scales kept) then sit on the new hyperplane u_c.x + offset = 0,
    i positively with kink v / 2 and j negatively with kink -v / 2: a cancelling pair adding
    exactly D to W2 W1. b2 is adjusted. :func:`dissolve_cancelling_pair` undoes the move.

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    first, second : pair of int
        (i, p) and (j, q): a live neuron of a mixed group and a neuron oppositely oriented on
        the same hyperplane; the four neurons must be distinct.
    offset : rational
        The offset of the new hyperplane u_c.x + offset = 0.

    Returns
    -------
    ShallowNetwork
        A new network computing the same function on R^d as ``net``,
        in the same architecture.

    Raises
    ------
    ValueError
        If the four neurons are not distinct or an index is out of range, i (or j) is not live
        with p (or q) oppositely oriented on its hyperplane, or D is zero or not of rank one.
    InvalidNetworkError
        (a ``ValueError``) If a number given is not a finite rational (nan, infinite, complex,
        boolean, a non-numeric string or an unsupported type); the message names it.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> W1 = [[1, 0], [-1, 0], [0, 1], [0, -1]]
    >>> net = ShallowNetwork(W1, [0, 0, -1, 1], [[1, 1, 1, 1]], [0])
    >>> print(form_cancelling_pair(net, (1, 0), (3, 2), 5))  # 1 and 3 on x1 + x2 + 5 = 0
    ShallowNetwork(W1=[[1, 0], [1, 1], [0, 1], [-1, -1]], b1=[0, 5, -1, -5], W2=[[2, -1, 2, 1]],
                   b2=[6])

    References
    ----------
    * docs/theory.md section 5, mechanisms S7 (mixed cancelling pairs) and S9;
      proofs/fibre_mechanisms.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "form_cancelling_pair")
    (i, p), (j, q) = first, second
    if len({i, p, j, q}) != 4:
        raise ValueError("form_cancelling_pair needs four distinct neurons")

    neurons = net.neurons()
    for m, partner in ((i, p), (j, q)):
        _leave(net, neurons, m, partner)
    u_c, v = rank_one(pair_defect(net, (i, j)))
    nk = neuron_keys(net)
    c0 = _q(offset, "offset")
    for m, eps in ((i, 1), (j, -1)):
        s = nk.scale(m)
        neurons[m] = (
            tuple(eps * s * x for x in u_c),
            eps * s * c0,
            tuple(eps * x / (2 * s) for x in v),
        )
    return with_constant_of(net, neurons, net)


def pair_defect(net: ShallowNetwork, leaving: Sequence[int]) -> list[list[Fraction]]:
    """D = sum over the leaving live neurons m of 2 eps_m s_m a_m u_m^T: the change to W2 W1
    that their leaving their hyperplanes leaves to be paid (a cancelling pair can pay it
    exactly when D has rank one). A documented internal helper of :func:`form_cancelling_pair`
    and of the random walk, which checks candidate pairs without building networks."""
    nk = neuron_keys(net)
    D = [[Fraction(0)] * net.d for _ in range(net.k)]
    for m in leaving:
        s, eps = nk.scale(m), nk.orientations[m]
        u, _ = hyperplane_normal_offset(nk.keys[m])
        for r in range(net.k):
            paid = 2 * eps * s * Fraction(net.W2[r][m])
            if paid:
                for c in range(net.d):
                    D[r][c] += paid * u[c]
    return D


def rank_one(D: list[list[Fraction]]) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]]:
    """(u, v) with D = v u^T and u[p] = 1 at its first non-zero column (ValueError otherwise).

    A documented internal helper (the random walk checks pair formations with it)."""
    pivot = next((c for c in range(len(D[0])) if any(row[c] for row in D)), None)
    if pivot is None:
        raise ValueError("the two neurons add nothing to W2 W1 together: no mixed pair forms")
    v = tuple(row[pivot] for row in D)
    r = next(r for r, x in enumerate(v) if x)
    u = tuple(x / v[r] for x in D[r])
    if any(D[s][c] != v[s] * u[c] for s in range(len(D)) for c in range(len(u))):
        raise ValueError("the two neurons' terms in W2 W1 do not sum to a rank-one matrix")
    return u, v


def dissolve_cancelling_pair(
    net: ShallowNetwork, first: Sequence[int], second: Sequence[int], kink: Sequence[Any]
) -> ShallowNetwork:
    """Send the two neurons of a mixed cancelling pair onto other hyperplanes (S7, S9).

    The pair {i, j} (``first`` = (i, p), ``second`` = (j, q)) adds v u_c^T to W2 W1. i (scale
    kept) lands on p's hyperplane oriented against p and takes ``kink`` = c_i from p; j lands
    on q's hyperplane oriented against q and takes the kink c_j that keeps W2 W1:
    2 eps_j' c_j u_q^T = v u_c^T - 2 eps_i' c_i u_p^T, which must be a multiple of u_q^T.
    b2 is adjusted. With c_i = i's former kink this undoes :func:`form_cancelling_pair`.

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    first, second : pair of int
        (i, p) and (j, q): {i, j} is exactly one mixed cancelling pair, p and q (w != 0) anchor
        the hyperplanes i and j land on; the four neurons must be distinct.
    kink : sequence of rationals
        The ``net.k`` entries of c_i, the kink neuron i takes from p
        (:func:`dissolving_kink` proposes one).

    Returns
    -------
    ShallowNetwork
        A new network computing the same function on R^d as ``net``,
        in the same architecture.

    Raises
    ------
    ValueError
        If the four neurons are not distinct or an index is out of range, {i, j} is not exactly
        one mixed cancelling pair, p or q has w = 0, ``kink`` has the wrong length, or no kink
        for j on q's hyperplane keeps W2 W1.
    InvalidNetworkError
        (a ``ValueError``) If a number given is not a finite rational (nan, infinite, complex,
        boolean, a non-numeric string or an unsupported type); the message names it.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> W1 = [[1, 0], [-1, 0], [0, 1], [0, -1]]
    >>> net = ShallowNetwork(W1, [0, 0, -1, 1], [[1, 1, 1, 1]], [0])
    >>> formed = form_cancelling_pair(net, (1, 0), (3, 2), 5)
    >>> dissolve_cancelling_pair(formed, (1, 0), (3, 2), [1]) == net
    True

    References
    ----------
    * docs/theory.md section 5, mechanisms S7 (cancelling groups) and S9 (redistribution);
      proofs/fibre_mechanisms.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "dissolve_cancelling_pair")

    (i, p), (j, q) = first, second
    if len({i, p, j, q}) != 4:
        raise ValueError("dissolve_cancelling_pair needs four distinct neurons")
    pair = (min(i, j), max(i, j))
    group = next((g for g in structure(net).groups if g.neurons == pair), None)
    if group is None or group.bent or not group.mixed:
        raise ValueError(f"neurons {list(pair)} are not exactly one mixed cancelling pair")
    nk = neuron_keys(net)
    if nk.keys[check_index(net, p)] is None or nk.keys[check_index(net, q)] is None:
        raise ValueError(f"neurons {p} and {q} must have w != 0")
    c_i = exact_vector(kink, net.k, "kink")
    u_c, _ = hyperplane_normal_offset(group.key)
    u_p, u_q = (hyperplane_normal_offset(nk.keys[m])[0] for m in (p, q))
    eps_i, eps_j = -nk.orientations[p], -nk.orientations[q]
    rest = [
        [group.v[r] * u_c[c] - 2 * eps_i * c_i[r] * u_p[c] for c in range(net.d)]
        for r in range(net.k)
    ]
    pivot = next(c for c, x in enumerate(u_q) if x)  # u_q[pivot] = 1
    w = [row[pivot] for row in rest]
    if any(rest[r][c] != w[r] * u_q[c] for r in range(net.k) for c in range(net.d)):
        raise ValueError(f"no kink for neuron {j} on the hyperplane of {q} keeps W2 W1")
    neurons = net.neurons()
    _arrive(net, neurons, i, p, c_i)
    _arrive(net, neurons, j, q, [eps_j * x / 2 for x in w])
    return with_constant_of(net, neurons, net)


def dissolving_kink(
    net: ShallowNetwork, i: int, p: int, q: int, *, share: Any = Fraction(1, 2)
) -> list[Fraction] | None:
    """A kink c_i for :func:`dissolve_cancelling_pair` sending neuron i of a mixed cancelling
    pair against p (and its partner against q), or None when there is none.

    With u_c = alpha u_p + beta u_q (independent normals) c_i is forced: alpha times half the
    pair's term, oriented against p. When all three normals are equal, c_i is free: i then
    carries ``share`` of the pair's term.

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform; it is not modified.
    i : int
        A neuron of a mixed cancelling pair.
    p, q : int
        The neurons (indices below ``net.h``) whose hyperplanes i and its partner would land on.
    share : rational, keyword-only
        The share of the pair's term i carries when all three normals are equal (default 1/2).

    Returns
    -------
    list of Fraction or None
        The ``net.k`` entries of c_i, or None when i is not in a mixed cancelling group, p or q
        has w = 0, or no kink works.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`ShallowNetwork`.
    ValueError
        If ``i`` is out of range.
    IndexError
        If ``p`` or ``q`` is not below ``net.h``.
    InvalidNetworkError
        (a ``ValueError``) If ``share`` is needed (all three normals equal) and is not a finite
        rational.

    Examples
    --------
    >>> W1 = [[1, 0], [1, 1], [0, 1], [-1, -1]]
    >>> net = ShallowNetwork(W1, [0, 5, -1, -5], [[2, -1, 2, 1]], [6])
    >>> dissolving_kink(net, 1, 0, 2)
    [Fraction(1, 1)]

    References
    ----------
    * docs/theory.md section 5, mechanisms S7 (cancelling groups) and S9 (redistribution);
      proofs/fibre_mechanisms.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "dissolving_kink")

    nk = neuron_keys(net)
    group = next((g for g in structure(net).groups if check_index(net, i) in g.neurons), None)
    if group is None or group.bent or not group.mixed or None in (nk.keys[p], nk.keys[q]):
        return None
    u_c, _ = hyperplane_normal_offset(group.key)
    u_p, u_q = (hyperplane_normal_offset(nk.keys[m])[0] for m in (p, q))
    if u_p == u_q:
        alpha = _q(share, "share") if u_c == u_p else None
    else:
        coefs = solve([[x, y] for x, y in zip(u_p, u_q, strict=True)], list(u_c), 2)
        alpha = coefs[0] if coefs is not None and all(coefs) else None
    if alpha is None:
        return None
    return [-nk.orientations[p] * alpha * x / 2 for x in group.v]


def _normalized_normal(key: Sequence[Any]) -> tuple[Fraction, ...]:
    values = [Fraction(x) for x in key[:-1]]
    lead = next(x for x in values if x)
    return tuple(x / lead for x in values)


def movable_neurons(net: ShallowNetwork) -> list[tuple[int, int, Any]]:
    """(i, p, group): every neuron i of a mixed group with the first neuron p of the group's
    other orientation, which can absorb i's kink when i leaves (transplant, pair formation)."""

    return [
        (i, (g.negative if i in g.positive else g.positive)[0], g)
        for g in structure(net).groups
        if g.mixed
        for i in g.neurons
    ]


def transplant_candidates(net: ShallowNetwork) -> list[tuple[int, int, int]]:
    """Every (j, p, q) for :func:`transplant`: j leaves a mixed group (p absorbs its kink) for
    the parallel hyperplane of another group's first neuron q."""

    groups = structure(net).groups
    parallel: dict[tuple[Fraction, ...], list[Any]] = {}
    for g in groups:
        parallel.setdefault(tuple(hyperplane_normal_offset(g.key)[0]), []).append(g)
    normal = {g.key: tuple(hyperplane_normal_offset(g.key)[0]) for g in groups}
    out = []
    for i, p, g in movable_neurons(net):
        for h in parallel[normal[g.key]]:
            if h.key != g.key:
                out.append((i, p, h.neurons[0]))
                if len(out) >= PAIR_CANDIDATES:  # bounded: h^2 of them on a line (d = 1)
                    return out
    return out


#: The regroupings the random walk and the certificate bridge consider per move (pair
#: formations, dissolutions, transplants): at most this many candidates are checked, and at
#: most ``PAIR_CHOICES`` admissible pair formations or dissolutions kept, so that one move
#: costs O(h) and not h^2 candidates each building a network (h = 200 took over 60 s).
PAIR_CANDIDATES = 4096
PAIR_CHOICES = 64
