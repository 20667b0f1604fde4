"""Points that separate two inequivalent networks (docs/theory.md section 4, "Witness").

Let g = f_a - f_b. If g bends on a hyperplane H (kink difference != 0), take a rational x0 on H
and off every other hyperplane where g bends, and a rational t so small that the segment
x0 +- t u_H meets no other such hyperplane. Then
g(x0 + t u_H) + g(x0 - t u_H) - 2 g(x0) = kappa t |u_H|^2 != 0, so one of the three points
separates a and b. If g is affine and non-zero, one of 0, e_1, ..., e_d does.
"""

from __future__ import annotations

from fractions import Fraction

from .canonical import CanonicalForm
from .hyperplanes import Key, hyperplane_normal_offset
from .network import ShallowNetwork

__all__ = ["kink_differences", "separating_point"]

Point = tuple[Fraction, ...]


def kink_differences(cf_a: CanonicalForm, cf_b: CanonicalForm) -> dict[Key, tuple[Fraction, ...]]:
    """Non-zero kappa_H(a) - kappa_H(b), by hyperplane key, in sorted key order.

    Parameters
    ----------
    cf_a, cf_b : CanonicalForm
        The canonical forms of two networks with the same d and k.

    Returns
    -------
    dict
        Maps the key of every hyperplane whose kinks differ to the difference, a tuple of k
        ``Fraction``; empty exactly when the two forms have the same bent hyperplanes and kinks.

    Raises
    ------
    ValueError
        If the two forms have different output dimensions k (``zip(strict=True)``).

    Examples
    --------
    >>> from shallowsym import ShallowNetwork, canonical_form
    >>> a = canonical_form(ShallowNetwork([[1]], [-2], [[3]], [0]))
    >>> b = canonical_form(ShallowNetwork([[1]], [-2], [[1]], [0]))
    >>> kink_differences(a, b)
    {(1, -2): (Fraction(2, 1),)}

    References
    ----------
    * docs/theory.md section 4 (Theorem 3 and "Witnesses"); proofs/equivalence.md.
    """
    out = {}
    for key in sorted(set(cf_a.keys) | set(cf_b.keys)):
        diff = tuple(x - y for x, y in zip(cf_a.kink(key), cf_b.kink(key), strict=True))
        if any(diff):
            out[key] = diff
    return out


def _ell(key: Key, x: Point) -> Fraction:
    """The integer-key affine function n.x + n0, which vanishes exactly on the hyperplane."""
    return sum((n * v for n, v in zip(key, x, strict=False) if n), Fraction(key[-1]))


def _point_on(key: Key, avoid: list[Key]) -> Point:
    """A rational point on the hyperplane of ``key`` and on none of ``avoid``.

    Free coordinates follow the moment curve (m, m^2, ...): an affine function that is not
    constant on the hyperplane vanishes for at most d - 1 values of m, so the loop ends
    after at most len(avoid) * (d - 1) + 1 tries.
    """
    normal, offset = hyperplane_normal_offset(key)
    d = len(normal)
    pivot = next(j for j, u in enumerate(normal) if u)
    m = 0
    while True:
        x = [Fraction(0)] * d
        power = 1
        for j in range(d):
            if j != pivot:
                power *= m
                x[j] = Fraction(power)
        rest = sum(u * v for j, (u, v) in enumerate(zip(normal, x, strict=True)) if j != pivot)
        x[pivot] = -(offset + rest)
        point = tuple(x)
        if all(_ell(other, point) != 0 for other in avoid):
            return point
        m += 1


def _step(point: Point, normal: Point, avoid: list[Key]) -> Fraction:
    """A step t in (0, 1] so that point +- t normal crosses none of ``avoid``."""
    t = Fraction(1)
    for other in avoid:
        slope = sum((n * u for n, u in zip(other, normal, strict=False) if n), Fraction(0))
        if slope:
            t = min(t, abs(_ell(other, point)) / (2 * abs(slope)))
    return t


def candidate_points(cf_a: CanonicalForm, cf_b: CanonicalForm) -> list[Point]:
    """Points of which at least one separates a and b when their canonical forms differ."""
    diff = kink_differences(cf_a, cf_b)
    if not diff:
        d = cf_a.d
        return [tuple(Fraction(int(i == j)) for i in range(d)) for j in range(-1, d)]
    key = next(iter(diff))
    avoid = [other for other in diff if other != key]
    x0 = _point_on(key, avoid)
    normal, _ = hyperplane_normal_offset(key)
    t = _step(x0, normal, avoid)
    return [
        x0,
        tuple(v + t * u for v, u in zip(x0, normal, strict=True)),
        tuple(v - t * u for v, u in zip(x0, normal, strict=True)),
    ]


def separating_point(
    a: ShallowNetwork, b: ShallowNetwork, cf_a: CanonicalForm, cf_b: CanonicalForm
) -> Point:
    """A rational x with a(x) != b(x), checked by exact evaluation.

    Requires cf_a != cf_b (same d and k).

    Parameters
    ----------
    a, b : ShallowNetwork
        Two networks with the same d and k.
    cf_a, cf_b : CanonicalForm
        Their canonical forms, which must differ.

    Returns
    -------
    tuple of Fraction
        A point x of Q^d with a(x) != b(x).

    Raises
    ------
    AssertionError
        Only on an internal error, or when called with equal canonical forms: no candidate
        point separates the networks.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork, canonical_form
    >>> a, b = ShallowNetwork([[1]], [-2], [[3]], [0]), ShallowNetwork([[1]], [-2], [[1]], [0])
    >>> x = separating_point(a, b, canonical_form(a), canonical_form(b))
    >>> a(x) != b(x)
    True

    References
    ----------
    * docs/theory.md section 4 ("Witnesses": the second difference across a bent hyperplane);
      proofs/equivalence.md.
    """
    for x in candidate_points(cf_a, cf_b):
        if a(x) != b(x):
            return x
    raise AssertionError(
        "internal error: no candidate point separates networks whose canonical forms differ"
    )
