"""The standard symmetry group G_h = S_h x| (R_>0)^h (docs/theory.md section 2).

An element acts by permuting neurons and scaling each neuron (w, beta, a) to
(t w, t beta, a / t) with t > 0. Every neuron has an exact *normal form*, the one point of its
scaling orbit picked by a fixed rule; two networks of the same width are related by G_h iff
their output biases agree and their neurons' normal forms agree as multisets.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from flint import fmpq, fmpq_mat

from .hyperplanes import neuron_keys
from .network import ShallowNetwork, check_network
from .rationals import as_rational, format_rational, to_fraction

__all__ = ["StandardCertificate", "apply_standard", "find_standard_map", "neuron_normal_forms"]

Label = tuple


def _first_nonzero_abs(values: list[fmpq]) -> fmpq:
    return abs(next(v for v in values if v))


def neuron_normal_forms(net: ShallowNetwork) -> tuple[tuple[Label, ...], tuple[fmpq, ...]]:
    """For each neuron, (label, t): the scale t > 0 maps it to its normal form, named by label.

    Labels are hashable and exact; two neurons are in one scaling orbit iff labels agree.

    * w != 0: t = 1/s_i, normal form (eps u_H, eps c_H, s_i a_i): label (0, key, eps, s a).
    * w = 0, beta != 0: t = 1/|beta|: label (1, sign beta, |beta| a).
    * w = 0, beta = 0, a != 0: t = |a_q| (first non-zero entry), so a/t has entry +-1 there.
    * the all-zero neuron is fixed by every scaling: label (3,), t = 1.

    Parameters
    ----------
    net : ShallowNetwork
        The network (the result is cached on it).

    Returns
    -------
    tuple
        (labels, scales): a tuple of ``net.h`` hashable labels and a tuple of ``net.h`` positive
        flint rationals t.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`ShallowNetwork` (from :func:`neuron_keys`).

    Examples
    --------
    >>> net = ShallowNetwork([[2], [0]], [4, -3], [[5, 1]], [0])
    >>> labels, scales = neuron_normal_forms(net)
    >>> labels[0][:3], [str(s) for s in scales]
    ((0, (1, 2), 1), ['1/2', '1/3'])

    References
    ----------
    * docs/theory.md sections 2 (the group G_h) and 3 (keys, orientations and scales).
    * P. Stock, R. Gribonval, "An embedding of ReLU networks and an analysis of their
      identifiability", Constructive Approximation 2022.
    """
    return net.cached("normal_forms", lambda: _compute_normal_forms(net))


def _compute_normal_forms(net: ShallowNetwork) -> tuple[tuple[Label, ...], tuple[fmpq, ...]]:
    nk = neuron_keys(net)
    h, k = net.h, net.k
    a = net.exact.W2.entries()
    betas = net.exact.b1.entries()
    labels: list[Label] = []
    scales: list[fmpq] = []
    for i in range(h):
        column = [a[j * h + i] for j in range(k)]
        key = nk.keys[i]
        if key is not None:
            s = nk.scales[i]
            labels.append((0, key, nk.orientations[i], _pairs(v * s for v in column)))
            scales.append(1 / s)
        elif betas[i]:
            size = abs(betas[i])
            labels.append((1, 1 if betas[i] > 0 else -1, _pairs(v * size for v in column)))
            scales.append(1 / size)
        elif any(column):
            t = _first_nonzero_abs(column)
            labels.append((2, _pairs(v / t for v in column)))
            scales.append(t)
        else:
            labels.append((3,))
            scales.append(fmpq(1))
    return tuple(labels), tuple(scales)


def _pairs(values) -> tuple[tuple[int, int], ...]:
    """Exact, fast-hashing form of rationals: (numerator, denominator) pairs."""
    return tuple((int(v.p), int(v.q)) for v in values)


@dataclass(frozen=True)
class StandardCertificate:
    """An element g of G_h with g.a = b, checked by applying it.

    Neuron i of ``a``, scaled by ``scales[i]`` (w, beta, a) -> (t w, t beta, a / t), becomes
    neuron ``permutation[i]`` of ``b``.
    """

    permutation: tuple[int, ...]
    scales: tuple[Fraction, ...]

    def apply(self, net: ShallowNetwork) -> ShallowNetwork:
        """g.net: the network with neurons scaled and moved as the certificate says."""
        return apply_standard(net, self.permutation, self.scales)

    @property
    def is_identity(self) -> bool:
        return all(p == i for i, p in enumerate(self.permutation)) and all(
            t == 1 for t in self.scales
        )

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self, *, full: bool = True, exact: bool = True) -> str:
        """The map; without ``full`` only its first pairs (and how many moved at all), with
        long scales as ``~`` decimals unless ``exact``."""
        from .text import format_number, shorten

        if not self.permutation:
            return "the identity of G_0 (no neurons)"
        pairs = [
            f"{i}->{p}" + ("" if t == 1 else f" (x{format_number(t, exact=exact)})")
            for i, (p, t) in enumerate(zip(self.permutation, self.scales, strict=True))
        ]
        moves = ", ".join(shorten(pairs, full=full, noun="neurons"))
        return f"standard symmetry: neuron i of a -> neuron p of b, scaled by t: {moves}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "standard",
            "permutation": list(self.permutation),
            "scales": [format_rational(t) for t in self.scales],
        }


def apply_standard(
    net: ShallowNetwork, permutation: Any, scales: Any | None = None
) -> ShallowNetwork:
    """Apply g = (permutation, scales) of G_h: neuron i, scaled by t_i > 0, becomes neuron
    ``permutation[i]``.

    Parameters
    ----------
    net : ShallowNetwork
        The network to transform.
    permutation : sequence of int
        A permutation of ``range(net.h)``.
    scales : sequence of rationals, optional
        ``net.h`` positive scales t_i (default: all 1).

    Returns
    -------
    ShallowNetwork
        g.net, which computes the same function as ``net``.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`ShallowNetwork`.
    ValueError
        If ``permutation`` is not a permutation of range(h) or a scale is not positive.
    InvalidNetworkError
        (a ``ValueError``) If a scale is not a finite rational.

    Examples
    --------
    >>> net = ShallowNetwork([[1], [2]], [0, 1], [[3, 4]], [5])
    >>> apply_standard(net, [1, 0], [1, "1/2"])
    ShallowNetwork(W1=[[1], [1]], b1=[1/2, 0], W2=[[8, 3]], b2=[5])

    References
    ----------
    * docs/theory.md section 2 (permutations and positive scalings, the group G_h).
    * P. Stock, R. Gribonval, "An embedding of ReLU networks and an analysis of their
      identifiability", Constructive Approximation 2022.
    """
    check_network(net, "apply_standard", "net")
    h = net.h
    perm = [int(p) for p in permutation]
    if sorted(perm) != list(range(h)):
        raise ValueError(f"permutation {perm} is not a permutation of 0..{h - 1}")
    ts = (
        [fmpq(1)] * h
        if scales is None
        else [as_rational(t, f"scales[{i}]") for i, t in enumerate(scales)]
    )
    if len(ts) != h or any(t <= 0 for t in ts):
        raise ValueError("scales must be h positive numbers")
    d, k = net.d, net.k
    w, b, a = net.exact.W1.entries(), net.exact.b1.entries(), net.exact.W2.entries()
    new_w: list[fmpq] = [fmpq(0)] * (h * d)
    new_b: list[fmpq] = [fmpq(0)] * h
    new_a: list[fmpq] = [fmpq(0)] * (k * h)
    for i, (p, t) in enumerate(zip(perm, ts, strict=True)):
        new_w[p * d : (p + 1) * d] = [x * t for x in w[i * d : (i + 1) * d]]
        new_b[p] = b[i] * t
        for j in range(k):
            new_a[j * h + p] = a[j * h + i] / t
    return ShallowNetwork.from_exact(
        fmpq_mat(h, d, new_w), fmpq_mat(h, 1, new_b), fmpq_mat(k, h, new_a), net.exact.b2
    )


def certificate_from_matching(
    a: ShallowNetwork, b: ShallowNetwork, matching: dict[int, int]
) -> StandardCertificate:
    """The certificate for a neuron matching i -> j of equal labels (scales from normal forms)."""
    _, scales_a = neuron_normal_forms(a)
    _, scales_b = neuron_normal_forms(b)
    permutation = tuple(matching[i] for i in range(a.h))
    scales = tuple(to_fraction(scales_a[i] / scales_b[matching[i]]) for i in range(a.h))
    return StandardCertificate(permutation, scales)


def find_standard_map(a: ShallowNetwork, b: ShallowNetwork) -> StandardCertificate | None:
    """An element g of G_h with g.a = b (checked), or None when there is none.

    Matches neurons by their normal forms in O(h) hashing.

    Parameters
    ----------
    a, b : ShallowNetwork
        The two networks; None is returned when their shapes differ.

    Returns
    -------
    StandardCertificate or None
        The permutation and scales of g, confirmed by applying them to ``a`` exactly; None when
        ``b`` is not in the G_h-orbit of ``a``.

    Raises
    ------
    TypeError
        If ``a`` or ``b`` is not a :class:`ShallowNetwork`.

    Examples
    --------
    >>> a = ShallowNetwork([[1], [2]], [0, 1], [[3, 4]], [5])
    >>> b = apply_standard(a, [1, 0], [2, 3])
    >>> find_standard_map(a, b).apply(a) == b
    True

    References
    ----------
    * docs/theory.md section 2 (permutations and positive scalings, the group G_h).
    * P. Stock, R. Gribonval, "An embedding of ReLU networks and an analysis of their
      identifiability", Constructive Approximation 2022.
    """
    check_network(a, "find_standard_map", "a")
    check_network(b, "find_standard_map", "b")
    if (a.d, a.h, a.k) != (b.d, b.h, b.k) or a.exact.b2 != b.exact.b2:
        return None
    labels_a, _ = neuron_normal_forms(a)
    labels_b, _ = neuron_normal_forms(b)
    free: dict[Label, list[int]] = defaultdict(list)
    for j, label in enumerate(labels_b):
        free[label].append(j)
    matching = {}
    for i, label in enumerate(labels_a):
        slots = free.get(label)
        if not slots:
            return None
        matching[i] = slots.pop()
    return checked(certificate_from_matching(a, b, matching), a, b)


def checked(cert: StandardCertificate, a: ShallowNetwork, b: ShallowNetwork) -> StandardCertificate:
    """Return ``cert`` after confirming g.a == b exactly (an internal invariant)."""
    if cert.apply(a) != b:
        raise AssertionError("internal error: a standard certificate failed its check")
    return cert
