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

from ..errors import InvalidDomainError, SearchLimitExceeded, check_limit
from .lp import exact_lp_min
from .sets import Box, Polytope, check_domain

__all__ = ["DEFAULT_CELL_LIMIT", "cell_points"]

DEFAULT_CELL_LIMIT = 10_000

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


def cell_points(keys, domain: Box | Polytope, *, limit: int = DEFAULT_CELL_LIMIT) -> list[Point]:
    """Points strictly inside D and off every hyperplane of ``keys`` (integer keys meeting D),
    d + 1 affinely independent ones in every cell of the arrangement inside D.

    For d <= 2 the cells are swept in closed form. For d > 2 they are found by a depth-first
    search over sign vectors, one exact LP (:func:`~shallowsym.domain.sets.exact_lp_min`) per
    partial sign vector: the largest margin t with s_H l_H(x) >= t on the chosen hyperplanes and
    slack >= t on the facets of D; a branch lives iff t > 0. A cell's LP optimum x (margin t)
    and x + eps e_c, with eps = t / (2 max(1, max |coefficient of x_c|)), are its d + 1 points.

    Parameters
    ----------
    keys
        Integer keys (n_1, ..., n_d, n_0) of the hyperplanes (those meeting int(D)).
    domain
        A bounded :class:`~shallowsym.domain.Box` or :class:`~shallowsym.domain.Polytope`.
    limit
        For d > 2, the most exact LPs the search may solve (a positive integer).

    Returns
    -------
    list of tuple of Fraction
        Rational points strictly inside D and on no hyperplane of ``keys``: two per interval
        for d = 1, three affinely independent ones per cell and slab for d = 2, d + 1 per cell
        for d > 2.

    Raises
    ------
    TypeError
        If ``domain`` is not a Box or a Polytope.
    ValueError
        If ``limit`` is not a positive integer.
    InvalidDomainError
        If the domain is unbounded.
    SearchLimitExceeded
        For d > 2, when more than ``limit`` LPs would be solved.

    Examples
    --------
    >>> [p[0] for p in cell_points([(2, -1)], Box([0], [1]))]
    [Fraction(1, 6), Fraction(1, 3), Fraction(2, 3), Fraction(5, 6)]
    >>> len(cell_points([(1, 1, -1)], Box(0, 1, d=2)))        # two cells, three points each
    6

    References
    ----------
    docs/theory.md, section 9 (functional dimension on D); proofs/domains.md, Theorem D6 (d + 1
    affinely independent points inside every cell make the Jacobian rank dim V_D).
    """
    check_domain(domain, "cell_points")
    check_limit(limit)
    d = domain.d
    if not domain.bounded:
        raise InvalidDomainError("points in every cell need a bounded domain")
    A, b = domain.halfspaces()
    if d > 2:
        return _cells_by_lp(keys, A, b, d, limit)
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


def _cells_by_lp(keys, A, b, d: int, limit: int) -> list[Point]:
    """d + 1 affinely independent points in every cell of the arrangement of ``keys`` in
    {A x <= b} (bounded, d > 2), by depth-first search with one exact LP per branch."""
    facets = [([Fraction(v) for v in row], Fraction(r)) for row, r in zip(A, b, strict=True)]
    # z = (x, t): maximize t, i.e. minimize -t; facets a.x + t <= b; t <= 1.
    base_rows = [[*row, Fraction(1)] for row, _ in facets] + [[Fraction(0)] * d + [Fraction(1)]]
    base_rhs = [r for _, r in facets] + [Fraction(1)]
    cost = [Fraction(0)] * d + [Fraction(-1)]
    out: list[Point] = []
    solved = 0

    def search(depth: int, rows: list, rhs: list, x: Point, t: Fraction) -> None:
        nonlocal solved
        if depth == len(keys):
            coefficients = [row[:d] for row in rows]
            out.append(x)
            for c in range(d):
                biggest = max((abs(row[c]) for row in coefficients), default=Fraction(1))
                eps = t / (2 * max(Fraction(1), biggest))
                out.append(tuple(v + eps * (i == c) for i, v in enumerate(x)))
            return
        key = keys[depth]
        for sign in (1, -1):
            # sign * (n.x + n0) >= t  <=>  -sign n.x + t <= sign n0
            row = [Fraction(-sign * n) for n in key[:d]] + [Fraction(1)]
            solved += 1
            if solved > limit:
                raise SearchLimitExceeded(
                    f"points in every cell of {len(keys)} hyperplanes in d = {d} need more than "
                    f"limit={limit} exact LPs",
                    limit=limit,
                )
            value, z, _ = exact_lp_min(cost, [*rows, row], [*rhs, Fraction(sign * key[d])])
            if -value > 0:
                search(depth + 1, [*rows, row], [*rhs, Fraction(sign * key[d])], z[:d], -value)

    value, z, _ = exact_lp_min(cost, base_rows, base_rhs)
    search(0, base_rows, base_rhs, tuple(z[:d]), -value)
    return out
