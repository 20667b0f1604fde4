"""Functional dimension, exactly (docs/theory.md section 7).

The functional dimension at theta is the dimension of the span V of the partial derivatives of
theta -> f_theta. Every function in V is affine on each side of each neuron hyperplane, and
Aff + sum_H S_H is direct (S_H: affine maps times 1[l_H > 0]). A positively oriented neuron on
H contributes S_H-vectors e_j (x) l^_H (from a_i) and a_i (x) e_l (from w_i, beta_i), with
l^_H = (u_H, c_H); a negatively oriented one contributes the same vectors v as pairs
(v, -v) in Aff + S_H, because 1[l < 0] = 1 - 1[l > 0]. So, with P_H and N_H the spans of the
two sides' vectors, the block of H has rank dim(P_H + N_H) = k + r_H d, where r_H is the rank
of the output weights a_i on H, and sends P_H intersect N_H to the affine block, together with
b2 and the active zero-input neurons. The total is the sum of the blocks plus the exact rank
of the affine pool: near-linear in h.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

from flint import fmpq, fmpq_mat

from .domain.canonical import key_side
from .domain.cells import DEFAULT_CELL_LIMIT, cell_points
from .domain.sets import Box, Polytope, as_domain
from .errors import InvalidNetworkError, NonDifferentiableError, check_limit
from .hyperplanes import neuron_keys
from .linalg import nullspace
from .network import ShallowNetwork, as_point, check_network
from .rationals import to_fraction

__all__ = [
    "FunctionalDimension",
    "NonDifferentiableError",
    "batch_functional_dimension",
    "decisive_points",
    "functional_dimension",
]


@dataclass(frozen=True)
class FunctionalDimension:
    """The functional dimension, its bound P - h, and what causes the deficit.

    ``deficits`` lists (cause, neurons, lost dimensions); their losses add up to
    ``bound - dimension``. Compares equal to an int.
    """

    dimension: int
    bound: int
    losses: tuple[tuple[str, tuple[int, ...] | None, tuple[int, ...], int], ...] = field(repr=False)

    @property
    def deficit(self) -> int:
        return self.bound - self.dimension

    @cached_property
    def deficits(self) -> tuple[tuple[str, tuple[int, ...], int], ...]:
        # Formatting hyperplane equations is the slow part: done on first use only.
        return tuple(
            (_cause_text(kind, key), neurons, lost) for kind, key, neurons, lost in self.losses
        )

    def __int__(self) -> int:
        return self.dimension

    def __eq__(self, other: object) -> bool:
        if isinstance(other, int):
            return self.dimension == other
        if isinstance(other, FunctionalDimension):
            return (self.dimension, self.bound, self.losses) == (
                other.dimension,
                other.bound,
                other.losses,
            )
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.dimension, self.bound, self.losses))

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self, *, full: bool = False, exact: bool = False) -> str:
        """For people: the first deficits (every one with ``full``), equations cut to their
        first terms and long numbers as ``~`` decimals unless ``full`` and ``exact``."""
        from .hyperplanes import format_hyperplane
        from .text import shorten, shorten_rendered

        lines = [f"functional dimension {self.dimension} (bound P - h = {self.bound})"]

        def row(loss) -> str:
            kind, key, neurons, lost = loss
            cause = _CAUSES[kind]
            if key is not None:
                equation = format_hyperplane(key, exact=exact, max_terms=None if full else 4)
                cause = f"{cause} on {equation}"
            listed = ", ".join(shorten([str(i) for i in neurons], full=full, noun="neurons"))
            return f"  -{lost}: {cause} (neurons {listed})"

        lines += shorten_rendered(
            self.losses, row, full=full, noun="deficits (--full)", shown=20, indent="  "
        )
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        from .text import markdown_block

        return markdown_block(self.to_text())

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "bound": self.bound,
            "deficit": self.deficit,
            "deficits": [
                {"cause": c, "neurons": list(n), "lost": lost} for c, n, lost in self.deficits
            ],
        }


def _check_differentiable(net: ShallowNetwork) -> None:
    keys = neuron_keys(net).keys
    betas = net.exact.b1.entries()
    a = net.exact.W2.entries()
    h = net.h
    bad = tuple(
        i
        for i in range(h)
        if keys[i] is None and not betas[i] and any(a[j * h + i] for j in range(net.k))
    )
    if bad:
        raise NonDifferentiableError(
            "the realization map is not differentiable at theta: zero-input neuron"
            f"{'s' if len(bad) > 1 else ''} {', '.join(map(str, bad))} with bias 0 and "
            "non-zero output weights",
            bad,
        )


def functional_dimension(
    net: ShallowNetwork, *, domain: Box | Polytope | None = None
) -> FunctionalDimension:
    """The exact functional dimension of ``net`` by the structural block algorithm.

    Parameters
    ----------
    net
        A network.
    domain
        A Box or Polytope: the functional dimension of theta -> f_theta on int(D)
        (proofs/domains.md, Theorem D6). Only hyperplanes meeting int(D) form blocks; a neuron
        dead on D contributes nothing, one always active on D contributes
        e_j (x) (w_i, beta_i) and a_i (x) Q^(d+1) to the affine pool.

    Returns
    -------
    FunctionalDimension
        Compares equal to an int; ``deficits`` names the mechanisms that cost dimensions
        below the bound P - h.

    Raises
    ------
    NonDifferentiableError
        At a zero-input neuron with beta = 0 and a != 0 (naming the neurons).
    TypeError
        If ``net`` is not a :class:`~shallowsym.ShallowNetwork` (naming the type), or
        ``domain`` is neither a Box nor a Polytope.
    InvalidDomainError
        If the domain's dimension is not d.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> functional_dimension(ShallowNetwork([[1, 2], [3, -1]], [1, 0], [[1, 2]], [0])) == 7
    True
    >>> print(functional_dimension(ShallowNetwork([[1], [2]], [1, 2], [[1, 1]], [0])))
    functional dimension 3 (bound P - h = 5)
      -2: same-orientation twins (S5) on x1 + 1 = 0 (neurons 0, 1)

    References
    ----------
    docs/theory.md section 7; J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU
    networks", ICML 2023 (functional dimension).
    """
    if not isinstance(net, ShallowNetwork):
        raise TypeError(f"functional_dimension expects a ShallowNetwork, not {type(net).__name__}")
    _check_differentiable(net)
    if domain is not None:
        domain = as_domain(domain, net.d)
    d, k, h = net.d, net.k, net.h
    n = k * (d + 1)
    nk = neuron_keys(net)
    a_entries = net.exact.W2.entries()
    columns = [[a_entries[j * h + i] for j in range(k)] for i in range(h)]
    groups: dict[tuple[int, ...], dict[int, list[int]]] = {}
    off_domain: dict[int, list[int]] = {1: [], -1: []}  # always active / dead on D
    for i, key in enumerate(nk.keys):
        if key is not None:
            side = 0 if domain is None else key_side(domain, key)
            if side:
                off_domain[side * nk.orientations[i]].append(i)
                continue
            groups.setdefault(key, {1: [], -1: []})[nk.orientations[i]].append(i)

    def outputs(indices: list[int]) -> list[list[fmpq]]:
        return [columns[i] for i in indices if any(columns[i])]

    total = 0
    deficits: list[tuple[str, tuple[int, ...] | None, tuple[int, ...], int]] = []
    pool: list[list[fmpq]] = [_tensor(_unit(k, j), _unit(d + 1, d)) for j in range(k)]
    spans: list[list[fmpq]] = []  # output vectors a with a (x) Q^(d+1) inside the pool
    expected_pool = k
    for key in sorted(groups):
        sides = groups[key]
        members = sorted(sides[1] + sides[-1])
        live = outputs(members)
        r = (1 if live else 0) if len(members) == 1 or (k == 1 and live) else _rank(live, k)
        if k == 1 and not live:
            r = 0
        total += k + r * d
        lost = len(members) * (k + d) - (k + r * d)
        if sides[1] and sides[-1]:
            ell = [fmpq(x) / key[next(c for c in range(d) if key[c])] for x in key]
            pool += [_tensor(_unit(k, j), ell) for j in range(k)]
            shared = _intersection(outputs(sides[1]), outputs(sides[-1]), k)
            spans += shared
            overlap = k + len(shared) * d  # P_H and N_H overlap: that part moves to the pool
            lost -= overlap
            expected_pool += overlap
        if lost:
            deficits.append((_cause_kind(columns, sides), key, tuple(members), lost))
    betas = net.exact.b1.entries()
    flat = [i for i in range(h) if nk.keys[i] is None]
    active = [i for i in flat if betas[i] > 0]
    spans += outputs(active)
    w_entries = net.exact.W1.entries() if off_domain[1] else []
    affine_rows = []  # e_j (x) (w_i, beta_i) for each always-active neuron, built on demand
    for i in off_domain[1]:  # a_i relu(w_i . x + beta_i) = a_i (w_i . x + beta_i) on D
        affine_rows.append([*w_entries[i * d : (i + 1) * d], betas[i]])
        spans += outputs([i])
    if off_domain[-1]:
        deficits.append(("dead", None, tuple(off_domain[-1]), len(off_domain[-1]) * (k + d)))
    # The pool holds A (x) Q^(d+1) for A = span(spans): when A is all of Q^k, the pool is
    # the whole affine block and no tensor needs building.
    if spans and _rank(spans, k) == k:
        pool_rank = n
    else:
        pool += [_tensor(_unit(k, j), v) for v in affine_rows for j in range(k)]
        pool += [_tensor(a, _unit(d + 1, col)) for a in spans for col in range(d + 1)]
        pool_rank = _rank(pool, n)
    total += pool_rank
    expected_pool += (len(flat) + len(off_domain[1])) * (k + d)
    if expected_pool != pool_rank:
        pooled = tuple(sorted(flat + off_domain[1]))
        kind = "pool" if domain is None else "pool on D"
        deficits.append((kind, None, pooled, expected_pool - pool_rank))
    bound = h * (d + k) + k
    return FunctionalDimension(total, bound, tuple(deficits))


def _rank(rows: list[list[fmpq]], n: int) -> int:
    return fmpq_mat(len(rows), n, [x for row in rows for x in row]).rank() if rows else 0


def _unit(n: int, index: int) -> list[fmpq]:
    return [fmpq(int(i == index)) for i in range(n)]


def _tensor(a: list[fmpq], b: list[fmpq]) -> list[fmpq]:
    return [x * y for x in a for y in b]


def _intersection(A: list[list[fmpq]], B: list[list[fmpq]], n: int) -> list[list[fmpq]]:
    """A basis of span(A) intersect span(B) in Q^n (dim A + dim B - dim(A + B) vectors)."""
    if not A or not B:
        return []
    basis_a = _row_basis(A, n)
    basis_b = _row_basis(B, n)
    # x A' = y B'  <=>  (x, -y) in the left null space of [A'; B']
    stacked = [[row[c] for row in basis_a] + [-row[c] for row in basis_b] for c in range(n)]
    fractions = [[to_fraction(x) for x in row] for row in stacked]
    out = []
    for vec in nullspace(fractions, len(basis_a) + len(basis_b)):
        coefs = [fmpq(v.numerator, v.denominator) for v in vec[: len(basis_a)]]
        out.append(
            [
                sum((c * row[col] for c, row in zip(coefs, basis_a, strict=True)), fmpq(0))
                for col in range(n)
            ]
        )
    return _row_basis(out, n) if out else []


def _row_basis(rows: list[list[fmpq]], n: int) -> list[list[fmpq]]:
    reduced, r = fmpq_mat(len(rows), n, [x for row in rows for x in row]).rref()
    entries = reduced.entries()
    return [entries[i * n : (i + 1) * n] for i in range(r)]


def _cause_kind(columns: list[list[fmpq]], sides: dict[int, list[int]]) -> str:
    members = sides[1] + sides[-1]
    zero = [i for i in members if not any(columns[i])]
    if zero and len(zero) == len(members):
        return "zero-output"
    if sides[1] and sides[-1]:
        return "mixed"
    return "zero-output and twins" if zero else "twins"


_CAUSES = {
    "zero-output": "zero-output neurons (S3)",
    "mixed": "both orientations (S6/S7)",
    "zero-output and twins": "zero-output neurons (S3) and twins",
    "twins": "same-orientation twins (S5)",
    "pool": (
        "neurons with w = 0 (zero-input S4, or zero S3) and the affine parts of mixed groups "
        "(S6, S7)"
    ),
    "dead": "neurons dead on the domain (their parameters move freely there)",
    "pool on D": (
        "neurons with w = 0, neurons always active on the domain, and the affine parts of "
        "mixed groups (S6, S7)"
    ),
}


def _cause_text(kind: str, key: tuple[int, ...] | None) -> str:
    from .hyperplanes import format_hyperplane

    text = _CAUSES[kind]
    return text if key is None else f"{text} on {format_hyperplane(key)}"


# -- the batch (Jacobian) definition ---------------------------------------------------------
def batch_functional_dimension(net: ShallowNetwork, points: Any) -> int:
    """The exact rank of the |Z| k x P Jacobian of theta -> (f_theta(z))_z at rational points.

    This is the batch functional dimension of Grigsby, Lindsey and Rolnick.

    Parameters
    ----------
    net
        The network theta.
    points
        The finite set Z: a sequence of points of R^d (each a sequence of d numbers, floats
        read exactly, or exact strings such as ``'1/3'``).

    Returns
    -------
    int
        The rank, computed exactly; at most the functional dimension, and equal to it when
        Z holds d + 1 affinely independent points in every cell (see
        :func:`decisive_points`). 0 for an empty Z.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`~shallowsym.ShallowNetwork` (naming it and the type), or
        ``points`` is not iterable.
    InvalidNetworkError
        If a point lies on a neuron's hyperplane (naming the point and the neuron), where the
        Jacobian is not defined, or a point does not have d coordinates or holds an entry that
        is not a finite rational number (naming the point and the entry).

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> net = ShallowNetwork([[1]], [0], [[1]], [0])
    >>> batch_functional_dimension(net, [[1], [2], [-1]])
    3
    >>> batch_functional_dimension(net, [[0]])
    Traceback (most recent call last):
    ...
    shallowsym.errors.InvalidNetworkError: points[0] lies on the hyperplane of neuron 0

    References
    ----------
    * docs/theory.md section 7 (batch functional dimension); proofs/functional_dimension.md.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "batch_functional_dimension", "net")
    d, h, k = net.d, net.h, net.k
    zs = [[to_fraction(v) for v in as_point(p, d, f"points[{n}]")] for n, p in enumerate(points)]
    W1, b1, W2 = net.W1, net.b1, net.W2
    rows = []
    for n, z in enumerate(zs):
        pre = [sum((w * x for w, x in zip(W1[i], z, strict=True)), b1[i]) for i in range(h)]
        for i in range(h):
            # a_i relu(z) is differentiable in theta where a_i = 0, even on the hyperplane
            if pre[i] == 0 and any(r[i] for r in W2):
                raise InvalidNetworkError(f"points[{n}] lies on the hyperplane of neuron {i}")
        active = [p > 0 for p in pre]
        for j in range(k):
            row = []
            for i in range(h):
                g = W2[j][i] if active[i] else Fraction(0)
                row += [g * x for x in z]
            row += [W2[j][i] if active[i] else Fraction(0) for i in range(h)]
            for jj in range(k):
                row += [max(p, Fraction(0)) if jj == j else Fraction(0) for p in pre]
            row += [Fraction(int(jj == j)) for jj in range(k)]
            rows.append(row)
    if not rows:
        return 0
    cols = net.num_parameters
    return fmpq_mat(
        len(rows), cols, [fmpq(x.numerator, x.denominator) for r in rows for x in r]
    ).rank()


# -- points that see every cell --------------------------------------------------------------
def decisive_points(
    net: ShallowNetwork,
    *,
    domain: Box | Polytope | None = None,
    limit: int = DEFAULT_CELL_LIMIT,
) -> list[tuple[Fraction, ...]]:
    """For d <= 2: d + 1 affinely independent rational points inside every cell of the
    arrangement of all neurons' hyperplanes (w_i != 0), so that the batch functional
    dimension on them equals the functional dimension.

    With a bounded ``domain``, the points lie strictly inside D, in every cell of the
    arrangement restricted to D (``shallowsym.domain.cells``), and the batch functional
    dimension on them equals ``functional_dimension(net, domain=D)``; on D any d is allowed
    (for d > 2 the cells are found by exact LPs, at most ``limit`` of them).

    Parameters
    ----------
    net
        The network.
    domain
        A bounded input domain (:class:`~shallowsym.domain.Box` or
        :class:`~shallowsym.domain.Polytope`) of dimension d, or None for all of R^d.
    limit
        The most exact LPs the cell search on a domain may use (a positive integer).

    Returns
    -------
    list of tuple of Fraction
        The points, exact rationals, each a tuple of d coordinates (sorted for d = 1).

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`~shallowsym.ShallowNetwork` (naming it and the type), or
        ``domain`` is neither a Box nor a Polytope.
    ValueError
        If d > 2 without a domain, or ``limit`` is not a positive integer.
    InvalidDomainError
        If the domain's dimension is not d.
    SearchLimitExceeded
        On D with d > 2, when the cell search needs more than ``limit`` exact LPs.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> pts = decisive_points(ShallowNetwork([[1], [1]], [0, -2], [[1, 1]], [0]))
    >>> [str(p[0]) for p in pts]
    ['-2', '-1', '1/2', '3/2', '3', '4']

    References
    ----------
    * docs/theory.md section 7 (batch functional dimension equals the functional dimension
      on d + 1 affinely independent points in every cell) and section 9 (Theorem D6: on a
      domain only the hyperplanes meeting int(D) count); proofs/functional_dimension.md,
      proofs/domains.md.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    check_network(net, "decisive_points", "net")
    check_limit(limit)
    if net.d > 2 and domain is None:
        raise ValueError(f"decisive_points supports d <= 2 (any d with domain=), not d = {net.d}")
    keys = sorted({k for k in neuron_keys(net).keys if k is not None})
    if domain is not None:
        domain = as_domain(domain, net.d)
        inside = [k for k in keys if key_side(domain, k) == 0]
        return cell_points(inside, domain, limit=limit)
    if net.d == 1:
        return _points_1d(keys)
    return _points_2d(keys)


def _points_1d(keys: list[tuple[int, ...]]) -> list[tuple[Fraction, ...]]:
    cuts = sorted({Fraction(-key[1], key[0]) for key in keys})
    if not cuts:
        return [(Fraction(0),), (Fraction(1),)]
    out = [(cuts[0] - 2,), (cuts[0] - 1,)]
    for lo, hi in itertools.pairwise(cuts):
        gap = hi - lo
        out += [(lo + gap / 4,), (lo + 3 * gap / 4,)]
    out += [(cuts[-1] + 1,), (cuts[-1] + 2,)]
    return sorted(set(out))


def _ell(key: tuple[int, ...], p: tuple[Fraction, ...]) -> Fraction:
    return key[0] * p[0] + key[1] * p[1] + key[2]


def _interior_points(keys: list[tuple[int, ...]]) -> list[tuple[Fraction, ...]]:
    """At least one point in every cell of a line arrangement (lines given by integer keys)."""
    if len({_primitive(key[0], key[1]) for key in keys}) <= 1:
        # All lines parallel (or none): cut the strips along the common normal.
        if not keys:
            return [(Fraction(0), Fraction(0))]
        a, b = keys[0][0], keys[0][1]
        norm2 = a * a + b * b
        # key = lam (a, b, c'): the line a x + b y = -c' = -key[2] / lam
        levels = sorted(
            {-key[2] / (Fraction(key[0], a) if a else Fraction(key[1], b)) for key in keys}
        )
        ts = [levels[0] - 1] + [(x + y) / 2 for x, y in itertools.pairwise(levels)]
        ts.append(levels[-1] + 1)
        return [(t * a / norm2, t * b / norm2) for t in ts]
    points = []
    for n, first in enumerate(keys):
        for second in keys[n + 1 :]:
            det = first[0] * second[1] - first[1] * second[0]
            if det == 0:
                continue
            vx = Fraction(-first[2] * second[1] + second[2] * first[1], det)
            vy = Fraction(-first[0] * second[2] + second[0] * first[2], det)
            points += _around_vertex((vx, vy), keys)
    return points


def _primitive(a: int, b: int) -> tuple[int, int]:
    from math import gcd

    g = gcd(a, b)
    a, b = a // g, b // g
    return (a, b) if (a, b) > (0, 0) else (-a, -b)


def _angle_key(v: tuple[Fraction, Fraction]) -> tuple[int, Fraction]:
    x, y = v
    half = 0 if (y > 0 or (y == 0 and x > 0)) else 1
    # Within a half plane the angle grows with -x/|v| ~ compare by the cotangent: use atan-free
    # ordering by the cross product with the half plane's start direction.
    return (half, -x / (abs(x) + abs(y)) if half == 0 else x / (abs(x) + abs(y)))


def _around_vertex(
    v: tuple[Fraction, Fraction], keys: list[tuple[int, ...]]
) -> list[tuple[Fraction, ...]]:
    through = [key for key in keys if _ell(key, v) == 0]
    rays = []
    for key in through:
        rays += [(Fraction(-key[1]), Fraction(key[0])), (Fraction(key[1]), Fraction(-key[0]))]
    rays.sort(key=_angle_key)
    out = []
    others = [key for key in keys if _ell(key, v) != 0]
    for r1, r2 in zip(rays, rays[1:] + rays[:1], strict=True):
        n1 = abs(r1[0]) + abs(r1[1])
        n2 = abs(r2[0]) + abs(r2[1])
        direction = (r1[0] / n1 + r2[0] / n2, r1[1] / n1 + r2[1] / n2)
        if direction == (0, 0):
            continue
        t = Fraction(1)
        for key in others:
            slope = key[0] * direction[0] + key[1] * direction[1]
            if slope:
                t = min(t, abs(_ell(key, v)) / (2 * abs(slope)))
        for key in through:  # stay off the lines through v (the direction is strictly inside)
            assert key[0] * direction[0] + key[1] * direction[1] != 0
        out.append((v[0] + t * direction[0], v[1] + t * direction[1]))
    return out


def _points_2d(keys: list[tuple[int, ...]]) -> list[tuple[Fraction, ...]]:
    cells: dict[tuple[int, ...], tuple[Fraction, ...]] = {}
    for p in _interior_points(keys):
        signs = tuple(1 if _ell(key, p) > 0 else -1 for key in keys)
        assert all(_ell(key, p) != 0 for key in keys)
        cells.setdefault(signs, p)
    out = []
    for p in cells.values():
        eps = Fraction(1)
        for key in keys:
            eps = min(eps, abs(_ell(key, p)) / (2 * (abs(key[0]) + abs(key[1]))))
        out += [p, (p[0] + eps, p[1]), (p[0], p[1] + eps)]
    return out
