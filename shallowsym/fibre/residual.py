"""The residual R_eps Q_J of docs/theory.md section 6, shared by fibre types, hidden-symmetry search
and minimal width.

With signs eps on the pure bent hyperplanes, R_eps = M - sum_H eps_H kappa_H u_H^T is what the
mixed groups must supply to W2 W1; the columns of Q_J span the annihilator of the normals of the
mixed bent hyperplanes J, and rank(R_eps Q_J) rank-one cancelling terms are needed beyond them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction

from ..canonical import CanonicalForm
from ..errors import SearchLimitExceeded
from ..hyperplanes import hyperplane_normal_offset
from ..linalg import nullspace
from .flips import subset_sums

__all__ = [
    "RESIDUAL_COST",
    "annihilator",
    "normals",
    "projected",
    "residual",
    "residual_cost",
    "zero_residual_signs",
]

#: Steps a search charges against its ``limit`` per residual R_eps (with its rank or
#: annihilator) per 8 bent hyperplanes: about 1000 times one step of the meet-in-the-middle
#: listing, so that the default limits bound the time (issue 15).
RESIDUAL_COST = 1024


def residual_cost(cf: CanonicalForm) -> int:
    """Steps charged per residual of ``cf``: ``RESIDUAL_COST`` (1 + s // 8), s bent
    hyperplanes (the residual sums s rank-one terms).

    >>> from shallowsym import ShallowNetwork, canonical_form
    >>> residual_cost(canonical_form(ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])))
    1024
    """
    return RESIDUAL_COST * (1 + cf.num_bent // 8)


Matrix = list[list[Fraction]]


def normals(cf: CanonicalForm) -> list[list[Fraction]]:
    """u_H (with u_H[p] = 1) of each bent hyperplane, in the canonical form's order."""
    return [list(hyperplane_normal_offset(key)[0]) for key in cf.keys]


def annihilator(cf: CanonicalForm, J: Sequence[int], units: Sequence[Sequence[Fraction]]) -> Matrix:
    """A basis of {z : u_H . z = 0 for H in J} (all of Q^d when J is empty).

    >>> from shallowsym import ShallowNetwork, canonical_form
    >>> from shallowsym.hyperplanes import format_hyperplane
    >>> cf = canonical_form(ShallowNetwork([[1, 0], [0, 1]], [0, 0], [[1, 1]], [0]))
    >>> print(format_hyperplane(cf.keys[0]))  # bent hyperplanes are sorted by key
    x2 = 0
    >>> [[str(x) for x in z] for z in annihilator(cf, [0], normals(cf))]
    [['1', '0']]
    """
    d = cf.d
    if not J:
        return [[Fraction(int(i == c)) for c in range(d)] for i in range(d)]
    return nullspace([units[j] for j in J], d)


def residual(
    cf: CanonicalForm, signs: Mapping[int, int], units: Sequence[Sequence[Fraction]]
) -> Matrix:
    """R_eps = M - sum over the signed hyperplanes of eps_H kappa_H u_H^T."""
    R = [list(row) for row in cf.linear]
    for j, eps in signs.items():
        for r in range(cf.k):
            if cf.kinks[j][r]:
                for c in range(cf.d):
                    R[r][c] -= eps * cf.kinks[j][r] * units[j][c]
    return R


def projected(R: Matrix, basis: Matrix) -> Matrix:
    """R Q_J: the k x dim(annihilator) matrix the cancelling terms must supply."""
    return [[sum(row[c] * z[c] for c in range(len(row))) for z in basis] for row in R]


def zero_residual_signs(
    cf: CanonicalForm,
    pure: Sequence[int],
    basis: Matrix,
    units: Sequence[Sequence[Fraction]],
    *,
    limit: int,
    max_solutions: int = 10_000,
) -> Iterator[tuple[int, ...]]:
    """Every sign vector on ``pure`` with R_eps Q_J = 0, found by meet in the middle over signed
    sums (sum eps_j y_j = t iff the set T = {eps = -1} has sum_T y_j = (sum y - t) / 2).

    When Q_J is empty every sign vector qualifies; they are listed lazily (all +1 first), and
    more than ``limit`` of them raises SearchLimitExceeded.

    >>> from shallowsym import ShallowNetwork, canonical_form
    >>> cf = canonical_form(ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0]))
    >>> units = normals(cf)
    >>> list(zero_residual_signs(cf, [0, 1], annihilator(cf, [], units), units, limit=100))
    [(-1, 1), (1, -1)]
    """
    n = len(pure)
    if not basis:
        if 2**n > limit:
            raise SearchLimitExceeded(
                f"trying all orientations of {n} hyperplanes exceeds limit={limit}", limit=limit
            )
        yield from itertools.product((1, -1), repeat=n)
        return
    target = [x for row in projected(cf.linear, basis) for x in row]
    items = [
        [
            cf.kinks[j][r] * sum(units[j][c] * z[c] for c in range(cf.d))
            for r in range(cf.k)
            for z in basis
        ]
        for j in pure
    ]
    if not items:
        if not any(target):
            yield ()
        return
    half = [(sum(y[i] for y in items) - t) / 2 for i, t in enumerate(target)]
    for T in subset_sums(items, half, limit=limit, max_solutions=max_solutions):
        yield tuple(-1 if i in T else 1 for i in range(n))
