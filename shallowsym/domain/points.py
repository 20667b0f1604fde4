"""Separating points inside a domain D (proofs/domains.md, "Witness inside D").

Let g = f_a - f_b on int(D). If g bends on a hyperplane H meeting int(D), take a rational
p in H inside D and off every other hyperplane where f_a or f_b bends inside D, and t > 0 so
small that p +- t u_H stay in D and the segment meets no other such hyperplane. Then
g(p + t u_H) + g(p - t u_H) - 2 g(p) = kappa t |u_H|^2 != 0, so one of the three points
separates a and b. If g is affine on D and non-zero, the interior point c or c + s e_j does.
Every candidate is checked by exact evaluation of the two networks.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from ..canonical import CanonicalForm
from ..hyperplanes import Key, hyperplane_normal_offset
from ..network import ShallowNetwork, check_network
from .lp import integer_point
from .sets import Box, Polytope, check_domain

__all__ = ["interior_point_on", "separating_point_in"]

Point = tuple[Fraction, ...]


def _dot(u, x) -> Fraction:
    return sum((a * b for a, b in zip(u, x, strict=True) if a), Fraction(0))


def _ell(key: Key, x: Point) -> Fraction:
    return sum((n * v for n, v in zip(key, x, strict=False) if n), Fraction(key[-1]))


def _toward(c: Point, q: Point, lam: Fraction) -> Point:
    return tuple(a + lam * (b - a) for a, b in zip(c, q, strict=True))


def _strict_side(domain: Box | Polytope, key: Key, sign: int) -> Point:
    """A point of int(D) where sign * l_H > 0 (H meets int(D))."""
    if isinstance(domain, Polytope):  # certified float proposals first (exact LPs are slow)
        point = domain.inside_on_side(key, sign)
        if point is not None:
            return point
    normal, offset = hyperplane_normal_offset(key)
    c = domain.interior_point()
    lc = sign * (_dot(normal, c) + offset)
    if lc > 0:
        return c
    (_low, x_low), (_high, x_high) = domain.affine_range(normal, offset)
    q = x_high if sign > 0 else x_low
    lq = sign * (_dot(normal, q) + offset)
    # l(c + lam (q - c)) = lc + lam (lq - lc) > 0 for lam > lam0 = -lc / (lq - lc) in [0, 1).
    lam0 = -lc / (lq - lc)
    return _toward(c, q, (1 + lam0) / 2)


def interior_point_on(domain: Box | Polytope, key: Key, avoid: list[Key]) -> Point:
    """A rational point of H (the hyperplane of ``key``) in int(D), on none of ``avoid``.

    H must meet int(D). The point is moved inside H along a direction that is generic
    (the moment curve), by steps s/2, s/3, ... within D; each hyperplane not parallel to H
    vanishes for at most one step, so the loop ends.

    Parameters
    ----------
    domain
        A :class:`~shallowsym.domain.Box` or :class:`~shallowsym.domain.Polytope`.
    key
        The integer key (n_1, ..., n_d, n_0) of H. H must meet int(D)
        (:func:`~shallowsym.domain.key_side` is 0).
    avoid
        Integer keys of the hyperplanes the point must avoid (``key`` itself may be among
        them; it is skipped). They must be distinct from H.

    Returns
    -------
    tuple of Fraction
        A point p with n . p + n_0 = 0, strictly inside D and on none of ``avoid``.

    Raises
    ------
    TypeError
        If ``domain`` is not a Box or a Polytope.
    ValueError
        If H does not meet int(D) (then no such point exists).
    AssertionError
        Only on an internal error (no such point found although H meets int(D); the proof of
        Lemma D2 shows that one exists).

    Examples
    --------
    >>> from shallowsym.domain import Box
    >>> p = interior_point_on(Box(0, 1, d=2), (1, -1, 0), [(1, 1, -1)])    # x = y, x + y != 1
    >>> p, p[0] + p[1] != 1
    ((Fraction(3, 4), Fraction(3, 4)), True)

    References
    ----------
    docs/theory.md, section 9 (a witness can be chosen strictly inside D); proofs/domains.md,
    Lemma D2 (a point of H_i inside int(D) on no other H_j) and Theorem D3 ("Witness inside D").
    """
    check_domain(domain, "interior_point_on")
    normal, offset = hyperplane_normal_offset(key)
    neg, pos = _strict_side(domain, key, -1), _strict_side(domain, key, 1)
    ln, lp = _dot(normal, neg) + offset, _dot(normal, pos) + offset
    if not ln < 0 < lp:  # both are strictly inside D, so H meets int(D) exactly when they differ
        raise ValueError(
            f"interior_point_on: the hyperplane of key {key} does not meet the interior of D"
        )
    p0 = _toward(neg, pos, ln / (ln - lp))
    norm2 = _dot(normal, normal)

    def along_h(v: list[Fraction]) -> list[Fraction]:  # v projected onto H's direction space
        proj = _dot(normal, v) / norm2
        return [a - proj * u for a, u in zip(v, normal, strict=True)]

    return _nudged(domain, p0, [k for k in avoid if k != key], along_h)


def _nudged(
    domain: Box | Polytope, p0: Point, avoid: list[Key], project: Callable[[list], list]
) -> Point:
    """p0 when it lies on none of ``avoid``; otherwise a point p0 + t v of int(D) on none of
    them, for v = project((m, m^2, ..., m^d)), m = 1, 2, ... (p0 strictly inside D).

    A hyperplane through p0 contains the line p0 + t v only when its normal is orthogonal to
    v: a non-zero polynomial of degree <= d in m, so at most d values of m per hyperplane
    fail. For a good m each of the others meets the line once at most, so one of the
    len(avoid) + 1 steps s / n (n = 2, 3, ...) avoids them all."""
    P0, den0 = integer_point(p0)
    if not any(sum(n * v for n, v in zip(k, P0, strict=False)) + k[-1] * den0 == 0 for k in avoid):
        return p0
    d = len(p0)
    for m in range(1, d * len(avoid) + 2):
        v = project([Fraction(m) ** (j + 1) for j in range(d)])
        if not any(v):
            continue
        s_plus = domain.max_step(p0, v)
        s_minus = domain.max_step(p0, [-a for a in v])
        s = min(t for t in (s_plus, s_minus, Fraction(1)) if t is not None)
        if s <= 0:
            continue
        for n in range(2, len(avoid) + 3):
            p = tuple(a + (s / n) * b for a, b in zip(p0, v, strict=True))
            if all(_ell(k, p) != 0 for k in avoid) and domain.contains(p, strict=True):
                return p
    raise AssertionError("internal error: no point near p0 avoids the hyperplanes in D")


def _step(domain: Box | Polytope, p: Point, u: Point, avoid: list[Key]) -> Fraction:
    """t > 0 with p +- t u inside D and the segment crossing none of ``avoid``."""
    bounds = [domain.max_step(p, u), domain.max_step(p, [-a for a in u]), Fraction(1)]
    t = min(b for b in bounds if b is not None) / 2
    P, den = integer_point(p)
    U, uden = integer_point(u)
    for k in avoid:
        slope = sum(n * v for n, v in zip(k, U, strict=False) if n)  # uden * (n . u)
        if slope:
            ell = sum(n * v for n, v in zip(k, P, strict=False) if n) + k[-1] * den
            t = min(t, Fraction(abs(ell) * uden, den * abs(slope) * 2))
    return t


def separating_point_in(
    a: ShallowNetwork, b: ShallowNetwork, cf_a: CanonicalForm, cf_b: CanonicalForm
) -> tuple[Point, tuple[tuple[Fraction, ...], tuple[Fraction, ...]]]:
    """A rational point x of int(D) where a and b differ (their forms on D differ), with the
    exact values (a(x), b(x)) that check it.

    Parameters
    ----------
    a, b
        Networks with the same d and k.
    cf_a, cf_b
        Their canonical forms on one domain D (``canonical_form(a, domain=D)``), which must
        differ; D is read from ``cf_a``.

    Returns
    -------
    (x, (a(x), b(x)))
        A point x strictly inside D (a tuple of Fractions) and the two exact output vectors,
        which differ.

    Raises
    ------
    TypeError
        If ``a`` or ``b`` is not a ShallowNetwork, or ``cf_a`` or ``cf_b`` is not a
        CanonicalForm.
    AssertionError
        If no candidate separates a and b: the forms are equal, or (an internal error) the
        candidates of the proof all failed.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork, canonical_form
    >>> from shallowsym.domain import Box
    >>> a = ShallowNetwork([[1]], [0], [[1]], [0])          # relu(x)
    >>> b = ShallowNetwork([[1]], [0], [[2]], [0])          # 2 relu(x)
    >>> D = Box([-1], [1])
    >>> cf_a, cf_b = canonical_form(a, domain=D), canonical_form(b, domain=D)
    >>> x, (fa, fb) = separating_point_in(a, b, cf_a, cf_b)
    >>> D.contains(x, strict=True), fa != fb, fa == a(x)
    (True, True, True)

    References
    ----------
    docs/theory.md, section 9 (two networks agree on D exactly when their forms on D agree, and
    a witness can be chosen strictly inside D); proofs/domains.md, Theorem D3 and its
    "Witness inside D".
    """
    check_network(a, "separating_point_in", "a")
    check_network(b, "separating_point_in", "b")
    for name, cf in (("cf_a", cf_a), ("cf_b", cf_b)):
        if not isinstance(cf, CanonicalForm):
            raise TypeError(
                f"separating_point_in expects a CanonicalForm for {name}, not {type(cf).__name__}"
            )
    domain = cf_a.domain
    keys = sorted(set(cf_a.keys) | set(cf_b.keys))
    candidates: list[Point] = []
    for key in keys:
        if cf_a.kink(key) == cf_b.kink(key):
            continue
        p = interior_point_on(domain, key, keys)
        u, _ = hyperplane_normal_offset(key)
        t = _step(domain, p, u, [k for k in keys if k != key])
        candidates += [  # off every hyperplane first: there the values differ most often
            tuple(x + t * v for x, v in zip(p, u, strict=True)),
            tuple(x - t * v for x, v in zip(p, u, strict=True)),
            p,
        ]
        break
    else:  # g = f_a - f_b is affine on D: c and c + s e_j (off every H) span it
        c = _nudged(domain, domain.interior_point(), keys, list)
        candidates.append(c)
        for j in range(cf_a.d):
            e = [Fraction(0)] * cf_a.d
            e[j] = Fraction(1)
            s = _step(domain, c, e, keys)
            candidates.append(tuple(x + s * v for x, v in zip(c, e, strict=True)))
    for x in candidates:
        values = a(x), b(x)
        if values[0] != values[1]:
            return x, values
    raise AssertionError("internal error: no candidate point separates the networks on D")
