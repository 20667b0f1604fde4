"""Rational points inside every cell of a hyperplane arrangement restricted to a domain D
(d <= 2), for the batch functional dimension on D (proofs/domains.md, Theorem D6).

d = 1: the breakpoints inside D cut it into intervals; two points in each.
d = 2: a vertical decomposition. The abscissae of all vertices (pairwise intersections of the
lines and the facets of D, inside D) and of vertical lines cut D into slabs; inside a slab no
two of the lines cross and none enters or leaves D, so at two abscissae m1 < m2 of the slab the
lines crossing the vertical section of D appear in the same order, and the k-th gap between
them at m1 and at m2 lies in the same cell. Three points per gap (two at m1, one at m2) are
affinely independent, strictly inside D and off every line. Every open cell meets some slab.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from ..errors import InvalidDomainError
from .sets import Box, Polytope

__all__ = ["cell_points"]

Point = tuple[Fraction, ...]


def _section(A, b, x: Fraction) -> tuple[Fraction, Fraction]:
    """The open vertical section (y_lo, y_hi) of {A z <= b} at abscissa x (bounded D)."""
    lo = hi = None
    for (p, q), r in zip(A, b, strict=True):
        if q > 0:
            v = (r - p * x) / q
            hi = v if hi is None or v < hi else hi
        elif q < 0:
            v = (r - p * x) / q
            lo = v if lo is None or v > lo else lo
    return lo, hi


def cell_points(keys, domain: Box | Polytope) -> list[Point]:
    """Points strictly inside D and off every hyperplane of ``keys`` (integer keys meeting D),
    d + 1 affinely independent ones in every cell of the arrangement inside D.

    Raises
    ------
    ValueError
        If d > 2.
    InvalidDomainError
        If the domain is unbounded.

    Examples
    --------
    >>> [p[0] for p in cell_points([(2, -1)], Box([0], [1]))]
    [Fraction(1, 6), Fraction(1, 3), Fraction(2, 3), Fraction(5, 6)]
    """
    d = domain.d
    if d > 2:
        raise ValueError(f"points in every cell are built for d <= 2, not d = {d}")
    if not domain.bounded:
        raise InvalidDomainError("points in every cell need a bounded domain")
    A, b = domain.halfspaces()
    if d == 1:
        (lo, _), (hi, _) = domain.affine_range((1,), 0)
        cuts = sorted({lo, hi} | {Fraction(-key[1], key[0]) for key in keys})
        cuts = [c for c in cuts if lo <= c <= hi]
        out = []
        for x, y in itertools.pairwise(cuts):
            out += [(x + (y - x) / 3,), (x + 2 * (y - x) / 3,)]
        return out
    lines = [((Fraction(k[0]), Fraction(k[1])), Fraction(-k[2])) for k in keys]
    facets = [(tuple(row), rhs) for row, rhs in zip(A, b, strict=True)]
    (xmin, _), (xmax, _) = domain.affine_range((1, 0), 0)
    events = {xmin, xmax}
    for n, r in lines:
        if n[1] == 0:
            events.add(r / n[0])
    for (n1, r1), (n2, r2) in itertools.combinations(lines + facets, 2):
        det = n1[0] * n2[1] - n1[1] * n2[0]
        if det:
            x = (r1 * n2[1] - r2 * n1[1]) / det
            y = (n1[0] * r2 - n2[0] * r1) / det
            if domain.contains((x, y)):
                events.add(x)
    xs = sorted(x for x in events if xmin <= x <= xmax)
    sloped = [(n, r) for n, r in lines if n[1] != 0]
    out: list[Point] = []
    for xa, xb in itertools.pairwise(xs):
        gaps = []
        for m in (xa + (xb - xa) / 3, xa + 2 * (xb - xa) / 3):
            lo, hi = _section(A, b, m)
            ys = sorted({(r - n[0] * m) / n[1] for n, r in sloped})
            ys = [lo] + [y for y in ys if lo < y < hi] + [hi]
            gaps.append((m, list(itertools.pairwise(ys))))
        (m1, g1), (m2, g2) = gaps
        for (y0, y1), (z0, z1) in zip(g1, g2, strict=True):
            out += [(m1, (y0 + y1) / 2), (m1, y0 + (y1 - y0) / 4), (m2, (z0 + z1) / 2)]
    return out
