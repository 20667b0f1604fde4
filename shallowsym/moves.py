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

import itertools
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from .network import ShallowNetwork
from .rationals import as_rational, to_fraction
from .standard import apply_standard

__all__ = [
    "MOVES",
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
    "random_equivalent",
    "redistribute",
    "redraw_zero_input",
    "redraw_zero_output",
    "resample",
    "rescale",
    "split_into",
    "split_twin",
    "transfer_twin",
    "transplant",
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
    """Move neuron i to position ``permutation[i]`` (standard symmetry).

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> permute(ShallowNetwork([[1], [2]], [0, 1], [[3, 4]], [0]), [1, 0])
    ShallowNetwork(W1=[[2], [1]], b1=[1, 0], W2=[[4, 3]], b2=[0])
    """
    return apply_standard(net, permutation)


def rescale(net: ShallowNetwork, scales: Sequence[Any]) -> ShallowNetwork:
    """Scale neuron i by t_i > 0: (w, beta, a) -> (t w, t beta, a / t) (standard symmetry).

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> rescale(ShallowNetwork([[1], [2]], [0, 1], [[3, 4]], [0]), [2, '1/2'])
    ShallowNetwork(W1=[[2], [1]], b1=[0, 1/2], W2=[[3/2, 8]], b2=[0])
    """
    return apply_standard(net, range(net.h), scales)


def split_twin(net: ShallowNetwork, i: int, ratio: Any, *, scale: Any = 1) -> ShallowNetwork:
    """Split neuron i into same-orientation twins (S5).

    (w, beta, a) becomes (w, beta, ratio a) in place and (t w, t beta, (1 - ratio) a / t)
    appended, with t = ``scale`` > 0. The twins' summed s a is unchanged.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> split_twin(ShallowNetwork([[1]], [1], [[3]], [0]), 0, '1/3', scale=2)
    ShallowNetwork(W1=[[1], [2]], b1=[1, 2], W2=[[1, 1]], b2=[0])
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
    """Merge neuron j into neuron i when (w_j, beta_j) = t (w_i, beta_i) with t > 0 (S5).

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> merge_twins(ShallowNetwork([[1], [2]], [1, 2], [[1, 1]], [0]), 0, 1)
    ShallowNetwork(W1=[[1]], b1=[1], W2=[[3]], b2=[0])
    """
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
    """Append a neuron (w, beta, 0): its input weights are free (S3).

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> add_zero_output_neuron(ShallowNetwork([[1]], [0], [[1]], [0]), [5], -2)
    ShallowNetwork(W1=[[1], [5]], b1=[0, -2], W2=[[1, 0]], b2=[0])
    """
    neurons = _neurons(net)
    neurons.append((_vector(w, net.d, "w"), _q(beta, "beta"), (Fraction(0),) * net.k))
    return _build(net, neurons, net.b2)


def add_zero_input_neuron(net: ShallowNetwork, beta: Any, a: Sequence[Any]) -> ShallowNetwork:
    """Append a neuron (0, beta, a) and subtract its constant a relu(beta) from b2 (S4).

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> add_zero_input_neuron(ShallowNetwork([[1]], [0], [[1]], [0]), 3, [2])
    ShallowNetwork(W1=[[1], [0]], b1=[0, 3], W2=[[1, 2]], b2=[-6])
    """
    b, out = _q(beta, "beta"), _vector(a, net.k, "a")
    neurons = _neurons(net)
    neurons.append(((Fraction(0),) * net.d, b, out))
    active = max(b, Fraction(0))
    return _build(net, neurons, (c - active * x for c, x in zip(net.b2, out, strict=True)))


def add_cancelling_pair(
    net: ShallowNetwork, w: Sequence[Any], beta: Any, a: Sequence[Any], *, scale: Any = 1
) -> ShallowNetwork:
    """Append (w, beta, a) and (t w, t beta, -a / t), t = ``scale`` > 0: they cancel (S7).

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> add_cancelling_pair(ShallowNetwork([[1]], [0], [[1]], [0]), [1], 5, [2])
    ShallowNetwork(W1=[[1], [1], [1]], b1=[0, 5, 5], W2=[[1, 2, -2]], b2=[0])
    """
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

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> flip_with_cancelling_pair(ShallowNetwork([[2]], [0], [[1]], [0]), 0, 10)
    ShallowNetwork(W1=[[-2], [2], [-2]], b1=[0, 10, -10], W2=[[1, 1, -1]], b2=[-10])
    """
    w, beta, a = net.neuron(_index(net, i))
    c = _q(offset, "offset")
    neurons = _neurons(net)
    neurons[i] = (tuple(-x for x in w), -beta, a)
    neurons.append((w, c, a))
    neurons.append((tuple(-x for x in w), -c, tuple(-x for x in a)))
    return _build(net, neurons, (b + x * (beta - c) for b, x in zip(net.b2, a, strict=True)))


# -- width-preserving moves (the fibre within one architecture) ----------------------------------
def _with_b2_for(
    net: ShallowNetwork, neurons: Sequence[Neuron], target: ShallowNetwork
) -> ShallowNetwork:
    """The network of ``neurons`` with b2 chosen so its constant delta is ``target``'s."""
    from .canonical import canonical_form

    trial = _build(net, neurons, [Fraction(0)] * net.k)
    b2 = (
        x - y
        for x, y in zip(
            canonical_form(target).constant, canonical_form(trial).constant, strict=True
        )
    )
    return _build(net, neurons, b2)


def _same_hyperplane(net: ShallowNetwork, i: int, j: int) -> tuple[int, int]:
    """Orientations of two live neurons on one hyperplane (ValueError otherwise)."""
    from .hyperplanes import neuron_keys

    nk = neuron_keys(net)
    if nk.keys[i] is None or nk.keys[i] != nk.keys[j]:
        raise ValueError(f"neurons {i} and {j} are not on one hyperplane")
    return nk.orientations[i], nk.orientations[j]


def transfer_twin(net: ShallowNetwork, i: int, j: int, amount: Sequence[Any]) -> ShallowNetwork:
    """Move ``amount`` (a vector of Q^k) of summed s a from twin j to twin i (S5).

    (w_j, beta_j) must be a positive multiple of (w_i, beta_i) with w != 0; either neuron may
    have zero output. s_i a_i gains ``amount`` and s_j a_j loses it, so the kink, W2 W1 and
    the function are unchanged. Moving all of s_j a_j merges j into i (j keeps its input
    weights, now with zero output); the opposite amount undoes the move.

    >>> net = ShallowNetwork([[1], [2]], [1, 2], [[1, 1]], [0])
    >>> transfer_twin(net, 0, 1, [2])   # merge: s_1 a_1 = 2 moves onto neuron 0
    ShallowNetwork(W1=[[1], [2]], b1=[1, 2], W2=[[3, 0]], b2=[0])
    """
    from .hyperplanes import neuron_keys

    ei, ej = _same_hyperplane(net, _index(net, i), _index(net, j))
    if ei != ej or i == j:
        raise ValueError(f"neurons {i} and {j} are not same-orientation twins")
    moved = _vector(amount, net.k, "amount")
    nk = neuron_keys(net)
    si, sj = nk.scale(i), nk.scale(j)
    neurons = _neurons(net)
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

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> split_into(ShallowNetwork([[1], [0]], [1, 0], [[3, 0]], [0]), 0, 1, '1/3')
    ShallowNetwork(W1=[[1], [1]], b1=[1, 1], W2=[[1, 2]], b2=[0])
    """
    wi, bi, ai = net.neuron(_index(net, i))
    _, _, aj = net.neuron(_index(net, j))
    if any(aj) or i == j:
        raise ValueError(f"neuron {j} is not a zero-output neuron other than {i}")
    r, t = _q(ratio, "ratio"), _q(scale, "scale")
    if t <= 0:
        raise ValueError(f"scale must be positive, not {t}")
    neurons = _neurons(net)
    neurons[i] = (wi, bi, tuple(r * x for x in ai))
    neurons[j] = (tuple(t * x for x in wi), t * bi, tuple((1 - r) * x / t for x in ai))
    return _build(net, neurons, net.b2)


def redraw_zero_output(net: ShallowNetwork, i: int, w: Sequence[Any], beta: Any) -> ShallowNetwork:
    """Give zero-output neuron i new input weights and bias (S3).

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> redraw_zero_output(ShallowNetwork([[1], [0]], [0, 0], [[1, 0]], [0]), 1, [7], 3)
    ShallowNetwork(W1=[[1], [7]], b1=[0, 3], W2=[[1, 0]], b2=[0])
    """
    _, _, a = net.neuron(_index(net, i))
    if any(a):
        raise ValueError(f"neuron {i} is not a zero-output neuron")
    neurons = _neurons(net)
    neurons[i] = (_vector(w, net.d, "w"), _q(beta, "beta"), a)
    return _build(net, neurons, net.b2)


def redraw_zero_input(net: ShallowNetwork, i: int, beta: Any, a: Sequence[Any]) -> ShallowNetwork:
    """Give neuron i with w_i = 0 a new bias and output weights; b2 absorbs the constant (S4).

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> redraw_zero_input(ShallowNetwork([[1], [0]], [0, 2], [[1, 1]], [0]), 1, -1, [4])
    ShallowNetwork(W1=[[1], [0]], b1=[0, -1], W2=[[1, 4]], b2=[2])
    """
    w, old_beta, old_a = net.neuron(_index(net, i))
    if any(w):
        raise ValueError(f"neuron {i} has non-zero input weights")
    b, out = _q(beta, "beta"), _vector(a, net.k, "a")
    neurons = _neurons(net)
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

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> net = ShallowNetwork([[1], [-1], [1], [-1]], [0, 0, -1, 1], [[1, 1, 1, 1]], [0])
    >>> redistribute(net, {(0, 1): [2], (2, 3): [-2]})
    ShallowNetwork(W1=[[1], [-1], [1], [-1]], b1=[0, 0, -1, 1], W2=[[2, 0, 0, 2]], b2=[-1])
    """
    from .hyperplanes import hyperplane_normal_offset, neuron_keys

    nk = neuron_keys(net)
    total = [[Fraction(0)] * net.d for _ in range(net.k)]
    for (i, _), delta in changes.items():
        u, _ = hyperplane_normal_offset(nk.keys[_index(net, i)])
        dv = _vector(delta, net.k, "delta")
        for r in range(net.k):
            for c in range(net.d):
                total[r][c] += dv[r] * u[c]
    if any(any(row) for row in total):
        raise ValueError("the changes do not sum to zero in W2 W1")
    return _with_b2_for(net, _neurons(_redistribute_unchecked(net, changes)), net)


def _redistribute_unchecked(net: ShallowNetwork, changes) -> ShallowNetwork:
    """Apply P += Delta / 2, Q -= Delta / 2 to each pair; b2 and W2 W1 are the caller's."""
    from .hyperplanes import neuron_keys

    nk = neuron_keys(net)
    neurons = _neurons(net)
    for (i, j), delta in changes.items():
        ei, ej = _same_hyperplane(net, _index(net, i), _index(net, j))
        if ei != 1 or ej != -1:
            raise ValueError(f"neuron {i} must be positively and {j} negatively oriented")
        dv = _vector(delta, net.k, "delta")
        si, sj = nk.scale(i), nk.scale(j)
        wi, bi, ai = neurons[i]
        wj, bj, aj = neurons[j]
        neurons[i] = (wi, bi, tuple(x + y / (2 * si) for x, y in zip(ai, dv, strict=True)))
        neurons[j] = (wj, bj, tuple(x - y / (2 * sj) for x, y in zip(aj, dv, strict=True)))
    return _build(net, neurons, net.b2)


def flip_and_redistribute(
    net: ShallowNetwork, neurons: Iterable[int], changes: dict[tuple[int, int], Sequence[Any]]
) -> ShallowNetwork:
    """Flip a set T whose sum a_i w_i^T need not vanish, paying with mixed groups (S8 + S9).

    Flipping T changes W2 W1 by -2 sum_T a_i w_i^T; ``changes`` (as in :func:`redistribute`)
    must change it by the opposite amount, so the function is unchanged. b2 is adjusted.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> net = ShallowNetwork([[1], [-1], [1]], [0, 0, -2], [[1, 1, 1]], [0])
    >>> flip_and_redistribute(net, [2], {(0, 1): [2]})
    ShallowNetwork(W1=[[1], [-1], [-1]], b1=[0, 0, 2], W2=[[2, 0, 1]], b2=[-2])
    """
    chosen = sorted({_index(net, i) for i in neurons})
    out = _neurons(net)
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
    from .hyperplanes import hyperplane_normal_offset, neuron_keys

    nk = neuron_keys(net)
    for (i, _), delta in changes.items():
        u, _ = hyperplane_normal_offset(nk.keys[_index(net, i)])
        for r in range(net.k):
            for c in range(net.d):
                total[r][c] -= _q(delta[r], "delta") * u[c]
    if any(any(row) for row in total):
        raise ValueError("the redistribution does not pay for the flip in W2 W1")
    shifted = _redistribute_unchecked(flipped, changes)
    return _with_b2_for(net, _neurons(shifted), net)


def move_cancelling_group(
    net: ShallowNetwork, neurons: Sequence[int], normal: Sequence[Any], offset: Any
) -> ShallowNetwork:
    """Move a cancelling group to another hyperplane (S7); b2 is adjusted.

    A group of one orientation (kinks summing to zero) adds nothing and may go anywhere; a
    group of mixed orientation adds P (u.x + c), so only its offset may change (``normal``
    must then be its own).

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> net = ShallowNetwork([[1], [1]], [0, 0], [[1, -1]], [0])
    >>> move_cancelling_group(net, [0, 1], [1], 4)
    ShallowNetwork(W1=[[1], [1]], b1=[4, 4], W2=[[1, -1]], b2=[0])
    """
    from .hyperplanes import neuron_keys
    from .roles import structure

    chosen = tuple(sorted({_index(net, i) for i in neurons}))
    group = next((g for g in structure(net).groups if g.neurons == chosen and not g.bent), None)
    if group is None:
        raise ValueError(f"neurons {list(chosen)} are not exactly one cancelling group")
    u, c = _vector(normal, net.d, "normal"), _q(offset, "offset")
    if not any(u):
        raise ValueError("normal must be non-zero")
    nk = neuron_keys(net)
    if group.mixed:
        own = _normalized_normal(nk.keys[chosen[0]])
        if _normalized_normal((*u, c)) != own:
            raise ValueError("a mixed cancelling group may only move parallel to itself")
    new = _neurons(net)
    for i in chosen:
        s, eps = nk.scale(i), nk.orientations[i]
        new[i] = (tuple(eps * s * x for x in u), eps * s * c, new[i][2])
    return _with_b2_for(net, new, net)


# -- regrouping: a live neuron changes hyperplane, paid for in W2 W1 (S6, S7, S9) ---------------
def _leave(net: ShallowNetwork, neurons: list[Neuron], j: int, p: int) -> tuple[Fraction, ...]:
    """Live neuron j leaves its hyperplane: p, on it with the opposite orientation, absorbs
    j's kink s_j a_j. Returns eps_j s_j a_j, half the change -2 eps_j s_j a_j u^T to W2 W1."""
    from .hyperplanes import neuron_keys

    ej, ep = _same_hyperplane(net, _index(net, j), _index(net, p))
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
    from .hyperplanes import hyperplane_normal_offset, neuron_keys

    nk = neuron_keys(net)
    if nk.keys[_index(net, q)] is None or q == j:
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

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> net = ShallowNetwork([[1], [-1], [1]], [0, 0, -1], [[2, 1, 3]], [0])
    >>> transplant(net, 1, 0, 2)
    ShallowNetwork(W1=[[1], [-1], [1]], b1=[0, 1, -1], W2=[[3, 1, 2]], b2=[-1])
    >>> transplant(transplant(net, 1, 0, 2), 1, 2, 0) == net
    True
    """
    from .hyperplanes import neuron_keys

    nk = neuron_keys(net)
    if nk.keys[_index(net, q)] is None or nk.keys[_index(net, j)] is None:
        raise ValueError(f"neurons {j} and {q} must have w != 0")
    if _normalized_normal(nk.keys[j]) != _normalized_normal(nk.keys[q]):
        raise ValueError(f"the hyperplanes of neurons {j} and {q} are not parallel")
    neurons = _neurons(net)
    paid = _leave(net, neurons, j, p)
    _arrive(net, neurons, j, q, [-nk.orientations[q] * x for x in paid])
    return _with_b2_for(net, neurons, net)


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

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> W1 = [[1, 0], [-1, 0], [0, 1], [0, -1]]
    >>> net = ShallowNetwork(W1, [0, 0, -1, 1], [[1, 1, 1, 1]], [0])
    >>> print(form_cancelling_pair(net, (1, 0), (3, 2), 5))  # 1 and 3 on x1 + x2 + 5 = 0
    ShallowNetwork(W1=[[1, 0], [1, 1], [0, 1], [-1, -1]], b1=[0, 5, -1, -5], W2=[[2, -1, 2, 1]],
                   b2=[6])
    """
    (i, p), (j, q) = first, second
    if len({i, p, j, q}) != 4:
        raise ValueError("form_cancelling_pair needs four distinct neurons")
    from .hyperplanes import hyperplane_normal_offset, neuron_keys

    neurons = _neurons(net)
    D = [[Fraction(0)] * net.d for _ in range(net.k)]
    for m, partner in ((i, p), (j, q)):
        paid = _leave(net, neurons, m, partner)
        u, _ = hyperplane_normal_offset(neuron_keys(net).keys[m])
        for r in range(net.k):
            for c in range(net.d):
                D[r][c] += 2 * paid[r] * u[c]
    u_c, v = _rank_one(D)
    nk = neuron_keys(net)
    c0 = _q(offset, "offset")
    for m, eps in ((i, 1), (j, -1)):
        s = nk.scale(m)
        neurons[m] = (
            tuple(eps * s * x for x in u_c),
            eps * s * c0,
            tuple(eps * x / (2 * s) for x in v),
        )
    return _with_b2_for(net, neurons, net)


def _rank_one(D: list[list[Fraction]]) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]]:
    """(u, v) with D = v u^T and u[p] = 1 at its first non-zero column (ValueError otherwise)."""
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

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> W1 = [[1, 0], [-1, 0], [0, 1], [0, -1]]
    >>> net = ShallowNetwork(W1, [0, 0, -1, 1], [[1, 1, 1, 1]], [0])
    >>> formed = form_cancelling_pair(net, (1, 0), (3, 2), 5)
    >>> dissolve_cancelling_pair(formed, (1, 0), (3, 2), [1]) == net
    True
    """
    from .hyperplanes import hyperplane_normal_offset, neuron_keys
    from .roles import structure

    (i, p), (j, q) = first, second
    if len({i, p, j, q}) != 4:
        raise ValueError("dissolve_cancelling_pair needs four distinct neurons")
    pair = (min(i, j), max(i, j))
    group = next((g for g in structure(net).groups if g.neurons == pair), None)
    if group is None or group.bent or not group.mixed:
        raise ValueError(f"neurons {list(pair)} are not exactly one mixed cancelling pair")
    nk = neuron_keys(net)
    if nk.keys[_index(net, p)] is None or nk.keys[_index(net, q)] is None:
        raise ValueError(f"neurons {p} and {q} must have w != 0")
    c_i = _vector(kink, net.k, "kink")
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
    neurons = _neurons(net)
    _arrive(net, neurons, i, p, c_i)
    _arrive(net, neurons, j, q, [eps_j * x / 2 for x in w])
    return _with_b2_for(net, neurons, net)


def dissolving_kink(
    net: ShallowNetwork, i: int, p: int, q: int, *, share: Any = Fraction(1, 2)
) -> list[Fraction] | None:
    """A kink c_i for :func:`dissolve_cancelling_pair` sending neuron i of a mixed cancelling
    pair against p (and its partner against q), or None when there is none.

    With u_c = alpha u_p + beta u_q (independent normals) c_i is forced: alpha times half the
    pair's term, oriented against p. When all three normals are equal, c_i is free: i then
    carries ``share`` of the pair's term.

    >>> W1 = [[1, 0], [1, 1], [0, 1], [-1, -1]]
    >>> net = ShallowNetwork(W1, [0, 5, -1, -5], [[2, -1, 2, 1]], [6])
    >>> dissolving_kink(net, 1, 0, 2)
    [Fraction(1, 1)]
    """
    from .hyperplanes import hyperplane_normal_offset, neuron_keys
    from .linalg import solve
    from .roles import structure

    nk = neuron_keys(net)
    group = next((g for g in structure(net).groups if _index(net, i) in g.neurons), None)
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


def resample(net: ShallowNetwork, ctype: Any = None, *, seed: int | None = None) -> ShallowNetwork:
    """A random network of the same architecture and function in stratum ``ctype`` (default:
    theta's own combinatorial type): a jump that reaches every hidden symmetry, including
    redistributions between parallel hyperplanes that no local move performs.

    Raises ValueError when the type has no realization of this function.

    >>> from shallowsym import ShallowNetwork, canonical_form
    >>> net = ShallowNetwork([[1], [2]], [1, 2], [[1, 1]], [0])   # twins
    >>> canonical_form(resample(net, seed=3)) == canonical_form(net)
    True
    """
    from .canonical import canonical_form
    from .fibre import realize
    from .roles import structure

    target = structure(net).type if ctype is None else ctype
    if target.width != net.h:
        raise ValueError(f"type {target} has width {target.width}, not {net.h}")
    out = realize(canonical_form(net), target, seed=seed)
    if out is None:
        raise ValueError(f"no network of type {target} realizes this function")
    return out


# -- random walks in the fibre ---------------------------------------------------------------
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
    from .errors import SearchLimitExceeded
    from .flips import flip_sets
    from .hyperplanes import hyperplane_normal_offset
    from .linalg import rref
    from .roles import structure

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


def _movable_neurons(net: ShallowNetwork) -> list[tuple[int, int, Any]]:
    """(i, p, group): every neuron i of a mixed group with the first neuron p of the group's
    other orientation, which can absorb i's kink when i leaves (transplant, pair formation)."""
    from .roles import structure

    return [
        (i, (g.negative if i in g.positive else g.positive)[0], g)
        for g in structure(net).groups
        if g.mixed
        for i in g.neurons
    ]


def _transplant_candidates(net: ShallowNetwork) -> list[tuple[int, int, int]]:
    """Every (j, p, q) for :func:`transplant`: j leaves a mixed group (p absorbs its kink) for
    the parallel hyperplane of another group's first neuron q."""
    from .hyperplanes import hyperplane_normal_offset
    from .roles import structure

    groups = structure(net).groups
    parallel: dict[tuple[Fraction, ...], list[Any]] = {}
    for g in groups:
        parallel.setdefault(tuple(hyperplane_normal_offset(g.key)[0]), []).append(g)
    normal = {g.key: tuple(hyperplane_normal_offset(g.key)[0]) for g in groups}
    out = []
    for i, p, g in _movable_neurons(net):
        for h in parallel[normal[g.key]]:
            if h.key != g.key:
                out.append((i, p, h.neurons[0]))
                if len(out) >= PAIR_CANDIDATES:  # bounded: h^2 of them on a line (d = 1)
                    return out
    return out


def _regrouping_moves(net: ShallowNetwork, rng) -> list:
    """A random transplant, cancelling-pair formation and dissolution that theta admits."""
    from .roles import structure

    groups = structure(net).groups
    movable = _movable_neurons(net)
    out: list = []
    candidates = _transplant_candidates(net)
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


#: The regroupings :func:`random_equivalent` considers per move (pair formations,
#: dissolutions, transplants): at most this many candidates are checked, and at most
#: ``PAIR_CHOICES`` admissible pair formations or dissolutions kept, so that one move costs
#: O(h) and not h^2 candidates each building a network (h = 200 took over 60 s).
PAIR_CANDIDATES = 4096
PAIR_CHOICES = 64


def _forms_pair(net: ShallowNetwork, first: tuple[int, int], second: tuple[int, int]) -> bool:
    """Whether :func:`form_cancelling_pair` admits ``first``, ``second`` (movable neurons of
    two mixed groups): whether D = 2 (eps_i s_i a_i u_i^T + eps_j s_j a_j u_j^T) has rank one,
    checked without building the network."""
    from .hyperplanes import hyperplane_normal_offset, neuron_keys

    nk = neuron_keys(net)
    D = [[Fraction(0)] * net.d for _ in range(net.k)]
    for m, _ in (first, second):
        s, eps = nk.scale(m), nk.orientations[m]
        u, _ = hyperplane_normal_offset(nk.keys[m])
        for r in range(net.k):
            paid = 2 * eps * s * Fraction(net.W2[r][m])
            if paid:
                for c in range(net.d):
                    D[r][c] += paid * u[c]
    try:
        _rank_one(D)
    except ValueError:
        return False
    return True


def _hidden_type(net: ShallowNetwork, cache: dict):
    """The type of the report's hidden witness when it differs from theta's own (small limit).

    Along one walk the function is fixed, so a type found realizes it whatever theta is:
    ``cache`` keeps it by theta's type (one symmetry report per type, not per move)."""
    from .roles import structure

    own = structure(net).type
    if own not in cache:
        cache[own] = _hidden_type_of(net)
    return cache[own]


def _hidden_type_of(net: ShallowNetwork):
    from .errors import SearchLimitExceeded
    from .roles import structure
    from .symmetry import symmetries

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
    (``resample``). Every move is a public function of this module.

    >>> from shallowsym import ShallowNetwork, canonical_form
    >>> net = ShallowNetwork([[1], [-1], [0]], [-1, 3, 2], [[1, 1, 0]], [0])
    >>> other = random_equivalent(net, seed=1)
    >>> other.h == net.h and canonical_form(other) == canonical_form(net)
    True
    """
    import random

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
