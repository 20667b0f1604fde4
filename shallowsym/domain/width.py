"""Roles, minimal width and reduction on a bounded domain D (proofs/domains.md, Theorem D4).

On D a neuron whose hyperplane misses int(D) is dead there (it computes 0) or always active
(it computes an affine map). In the sigma form on D, f = sum_H kappa_H relu(l_H) + L x + e over
the bent hyperplanes H meeting int(D); choosing the orientation of each such neuron (a flip set
S) changes L to L_S = L + sum_{H in S} kappa_H u_H^T. A linear map of rank r costs r
always-active neurons on a bounded D (one cancelling pair per rank on R^d), so

    N_min(f on D) = #bent hyperplanes meeting int(D) + min over S of rank(L_S).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from flint import fmpq, fmpq_mat, nmod_mat

from ..canonical import canonical_form
from ..errors import InvalidDomainError, SearchLimitExceeded, check_limit
from ..hyperplanes import neuron_keys
from ..network import ShallowNetwork, check_network
from .sets import Box, Polytope, as_domain

__all__ = ["DomainRoles", "domain_roles", "minimal_width_on", "rank_floor", "reduce_on"]

DEFAULT_LIMIT = 4096


@dataclass(frozen=True)
class DomainRoles:
    """Each neuron's role on D: ``"bent"`` (its hyperplane meets int(D)), ``"dead"``,
    ``"affine"`` (always active on D), or ``"zero-output"`` (a_i = 0).

    A dead neuron's (w_i, beta_i, a_i) move freely while it stays dead (an open set when its
    hyperplane misses the closure of D); an always-active neuron only contributes the affine
    map a_i (w_i . x + beta_i), so always-active neurons can be traded for any other
    factorization of their sum.
    """

    roles: tuple[str, ...]
    domain: Box | Polytope

    def count(self, role: str) -> int:
        """How many neurons have this role."""
        return self.roles.count(role)

    def __str__(self) -> str:
        counts = ", ".join(
            f"{self.count(r)} {r}" for r in ("bent", "dead", "affine", "zero-output")
        )
        return f"roles on D = {self.domain}: {counts}"

    def _repr_markdown_(self) -> str:
        return f"`{self}`"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "domain": self.domain.to_dict(),
            "roles": list(self.roles),
            "counts": {r: self.count(r) for r in ("bent", "dead", "affine", "zero-output")},
        }


def domain_roles(net: ShallowNetwork, domain: Box | Polytope) -> DomainRoles:
    """The role of every neuron of ``net`` on D.

    A neuron with a_i = 0 is ``"zero-output"``; otherwise its hyperplane w_i . x + beta_i = 0
    meets int(D) (``"bent"``) or misses it, and then the neuron is dead on D (``"dead"``) or
    always active on D (``"affine"``); a neuron with w_i = 0 is affine when beta_i > 0, dead
    otherwise.

    Parameters
    ----------
    net
        The network.
    domain
        A :class:`~shallowsym.domain.Box` or :class:`~shallowsym.domain.Polytope` of dimension
        ``net.d`` (or a dict in their ``to_dict()`` form).

    Returns
    -------
    DomainRoles
        The roles in neuron order, with the domain; ``str``, ``count`` and ``to_dict``.

    Raises
    ------
    TypeError
        If ``net`` is not a ShallowNetwork or ``domain`` is not a domain.
    InvalidDomainError
        If the domain's dimension is not ``net.d`` (or a dict is not a valid domain).

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> net = ShallowNetwork([[1], [1], [1], [0]], [-2, 5, "-1/2", 1], [[1, 1, 1, 0]], [0])
    >>> print(domain_roles(net, Box([0], [1])))
    roles on D = [0, 1]^1: 1 bent, 1 dead, 1 affine, 1 zero-output

    References
    ----------
    docs/theory.md, section 9 (bounded input domains); proofs/domains.md, Lemma D1 (a neuron
    whose hyperplane misses int(D) is affine on D) and "Symmetries on D".
    """
    if not isinstance(net, ShallowNetwork):
        raise TypeError(f"domain_roles expects a ShallowNetwork, not {type(net).__name__}")
    domain = as_domain(domain, net.d)
    out = []
    for i, (w, beta) in enumerate(zip(net.W1, net.b1, strict=True)):
        if not any(net.W2[j][i] for j in range(net.k)):
            out.append("zero-output")
            continue
        side = domain.side(w, beta) if any(w) else (1 if beta > 0 else -1)
        out.append("bent" if side == 0 else ("affine" if side > 0 else "dead"))
    return DomainRoles(tuple(out), domain)


def _rank_basis(rows: list[list[Fraction]]) -> list[int]:
    """Indices of a maximal independent subset of ``rows`` (exact elimination)."""
    basis: list[list[Fraction]] = []
    pivots: list[int] = []
    chosen = []
    for index, row in enumerate(rows):
        r = list(row)
        for b, p in zip(basis, pivots, strict=True):
            if r[p]:
                f = r[p] / b[p]
                r = [x - f * y for x, y in zip(r, b, strict=True)]
        p = next((j for j, v in enumerate(r) if v), None)
        if p is not None:
            basis.append(r)
            pivots.append(p)
            chosen.append(index)
    return chosen


_PRIME = 18446744073709551557  # the largest prime below 2^64


def _rank(rows: list[list[Fraction]]) -> int:
    """The exact rank of a matrix of Fractions (flint). Each row is scaled to integers and the
    rank taken modulo a 64-bit prime first: it never exceeds the rank over Q, so when it is
    full (the generic case) it is the rank; otherwise the rank is computed over Q."""
    if not rows or not rows[0]:
        return 0
    n = len(rows[0])
    entries = []
    for row in rows:
        den = math.lcm(*(v.denominator for v in row))
        entries += [v.numerator * (den // v.denominator) % _PRIME for v in row]
    modular = nmod_mat(len(rows), n, entries, _PRIME).rank()
    if modular == min(len(rows), n):
        return modular
    return fmpq_mat(
        len(rows), n, [fmpq(v.numerator, v.denominator) for row in rows for v in row]
    ).rank()


def rank_floor(L, normals) -> int:
    """rank(L + X) for every X with rows in span{u_H}: at least dim(row(L) + U) - dim U, where
    U = span of ``normals`` (proofs/domains.md, Corollary D4a). The exact lower bound on
    min over S of rank(L_S) that decides the minimal width on D when it equals rank(L).

    Parameters
    ----------
    L
        The k rows (d exact rationals each: ``Fraction`` or int) of the linear part of the
        sigma form on D.
    normals
        The normals u_H (d exact rationals each) of the bent hyperplanes meeting int(D).

    Returns
    -------
    int
        rho(L, U) = dim(row(L) + U) - dim U, exact (rank over Q).

    Raises
    ------
    TypeError
        If ``L`` or ``normals`` is not an iterable of rows.
    AttributeError
        If an entry is not an exact rational (a float or a string, for example): the rank
        scales rows to integers through their denominators.

    Examples
    --------
    >>> rank_floor([[Fraction(1), Fraction(0)]], [(Fraction(1), Fraction(1))])
    1
    >>> rank_floor([[Fraction(1), Fraction(1)]], [(Fraction(1), Fraction(1))])
    0

    References
    ----------
    docs/theory.md, section 9 (N_min on D); proofs/domains.md, Corollary D4a (closed form).
    """
    rows = [list(r) for r in L]
    normals = [list(u) for u in normals]
    return _rank(rows + normals) - _rank(normals)


def _best_flip(net: ShallowNetwork, domain, limit: int):
    cf = canonical_form(net, domain=domain)
    L, e = cf.sigma_form
    bent = cf.bent_hyperplanes
    n = len(bent)
    base = [list(row) for row in L]
    floor = rank_floor(base, [normal for normal, _, _ in bent])  # no S does better
    best = None
    steps = 0
    for S in _candidates(net, cf, n):
        steps += 1
        if steps > limit:
            raise SearchLimitExceeded(
                f"the flip-set search on D needs more than limit={limit} of the 2^{n} "
                f"orientations; the minimal width on D is between {n + floor} and "
                f"{n + best[0]}",
                limit=limit,
            )
        M = [list(row) for row in base]
        for h in S:
            normal, _, kink = bent[h]
            for j in range(cf.k):
                if kink[j]:
                    M[j] = [x + kink[j] * u for x, u in zip(M[j], normal, strict=True)]
        rank = _rank(M)
        if best is None or rank < best[0]:
            best = (rank, S, M)
        if rank == floor:  # Corollary D4a: the closed form decides it
            return cf, e, best
    return cf, e, best


def _candidates(net: ShallowNetwork, cf, n: int):
    """Flip sets to examine: the network's own orientations first (the hyperplanes whose
    neurons are oriented against u_H; for a network whose neurons all meet D, L_S = 0 there),
    then every S by increasing size."""
    nk = neuron_keys(net)
    index = {key: h for h, key in enumerate(cf.keys)}
    votes = [0] * n
    for key, orientation in zip(nk.keys, nk.orientations, strict=True):
        h = index.get(key)
        if h is not None:
            votes[h] += orientation
    own = tuple(h for h in range(n) if votes[h] < 0)
    yield own
    for size in range(n + 1):
        for S in itertools.combinations(range(n), size):
            if S != own:
                yield S


def minimal_width_on(
    net: ShallowNetwork, domain: Box | Polytope, *, limit: int = DEFAULT_LIMIT
) -> int:
    """N_min of f on D: bent hyperplanes meeting int(D) plus min over flips of rank(L_S).

    The search over flip sets S tries the network's own orientations first, then every S by
    increasing size, and stops as soon as rank(L_S) reaches the closed-form floor
    dim(row(L) + U) - dim U (:func:`rank_floor`): a network whose neurons all meet D (a
    trained one on its pixel box) is decided at the first try, N_min = #bent, and so is any
    f with rank(L) equal to the floor (proofs/domains.md, Theorem D4 and Corollary D4a).

    Parameters
    ----------
    net
        The network.
    domain
        A :class:`~shallowsym.domain.Box` or :class:`~shallowsym.domain.Polytope` of dimension
        ``net.d`` (or a dict in their ``to_dict()`` form). Theorem D4 is proved for a
        bounded D; on an unbounded polytope the same formula is evaluated.
    limit
        The most flip sets S the search may examine (a positive integer).

    Returns
    -------
    int
        The least width of a network equal to ``net`` on D.

    Raises
    ------
    TypeError
        If ``net`` is not a ShallowNetwork or ``domain`` is not a domain.
    ValueError
        If ``limit`` is not a positive integer.
    InvalidDomainError
        If the domain's dimension is not ``net.d`` (or a dict is not a valid domain).
    SearchLimitExceeded
        When more than ``limit`` flip sets would be examined (the message gives the bounds).

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> net = ShallowNetwork([[1], [-1]], [0, 0], [[1, -1]], [0])   # relu(x) - relu(-x) = x
    >>> minimal_width_on(net, Box([-1], [1]))                       # one always-active neuron
    1

    References
    ----------
    docs/theory.md, section 9 (on D a rank-one affine term costs one neuron; compare section
    6); proofs/domains.md, Theorem D4 (minimal width on a bounded D) and Corollary D4a.
    """
    check_network(net, "minimal_width_on")
    check_limit(limit)
    domain = as_domain(domain, net.d)
    cf, _, best = _best_flip(net, domain, limit)
    return cf.num_bent + best[0]


def reduce_on(
    net: ShallowNetwork, domain: Box | Polytope, *, limit: int = DEFAULT_LIMIT
) -> ShallowNetwork:
    """A network of minimal width equal to ``net`` on D: dead neurons dropped, neurons on one
    hyperplane merged, and the affine part carried by rank(L_S) always-active neurons.

    The construction is the upper bound of Theorem D4: one neuron per bent hyperplane meeting
    int(D), oriented by the best flip set S found, and r = rank(L_S) always-active neurons
    relu(q_t . x + beta_t) with beta_t = 1 - min_D q_t . x, b2 adjusted.

    Parameters
    ----------
    net
        The network.
    domain
        A :class:`~shallowsym.domain.Box` or :class:`~shallowsym.domain.Polytope` of dimension
        ``net.d`` (or a dict in their ``to_dict()`` form).
    limit
        The most flip sets S the search may examine (a positive integer).

    Returns
    -------
    ShallowNetwork
        A network of width :func:`minimal_width_on` equal to ``net`` on D (not on R^d in
        general).

    Raises
    ------
    TypeError
        If ``net`` is not a ShallowNetwork or ``domain`` is not a domain.
    ValueError
        If ``limit`` is not a positive integer.
    InvalidDomainError
        If the domain's dimension is not ``net.d``, or the domain is unbounded and the affine
        part needs always-active neurons.
    SearchLimitExceeded
        When more than ``limit`` flip sets would be examined.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> net = ShallowNetwork([[1], [1], [2]], [5, -9, 10], [[1, 3, 1]], [0])
    >>> small = reduce_on(net, Box([0], [1]))
    >>> small
    ShallowNetwork(W1=[[3]], b1=[1], W2=[[1]], b2=[14])

    References
    ----------
    docs/theory.md, section 9 (N_min on D); proofs/domains.md, Theorem D4 (the upper bound
    builds this network).
    """
    check_network(net, "reduce_on")
    check_limit(limit)
    domain = as_domain(domain, net.d)
    cf, e, (_rank, S, M) = _best_flip(net, domain, limit)
    W1, b1, cols = [], [], []
    e = list(e)
    for h, (normal, offset, kink) in enumerate(cf.bent_hyperplanes):
        sign = -1 if h in S else 1
        W1.append([sign * u for u in normal])
        b1.append(sign * offset)
        cols.append(list(kink))
        if h in S:  # kappa relu(l) = kappa relu(-l) + kappa l
            e = [x + kap * offset for x, kap in zip(e, kink, strict=True)]
    chosen = _rank_basis(M)
    if chosen and not domain.bounded:
        raise InvalidDomainError("an affine part on an unbounded polytope needs a bounded domain")
    # M = P Q with Q the chosen rows: solve each row of M in the basis Q.
    Q = [M[r] for r in chosen]
    for t, q in enumerate(Q):
        (low, _), _ = domain.affine_range(q, 0)
        beta = 1 - low  # q.x + beta >= 1 > 0 on D
        W1.append(list(q))
        b1.append(beta)
        column = [_coefficient(M[j], Q, t) for j in range(cf.k)]
        cols.append(column)
        e = [x - c * beta for x, c in zip(e, column, strict=True)]
    W2 = [[col[j] for col in cols] for j in range(cf.k)]
    if not W1:
        return ShallowNetwork.from_rows([], [], [[] for _ in range(cf.k)], e, d=cf.d)
    return ShallowNetwork(W1, b1, W2, e)


def _coefficient(row: list[Fraction], Q: list[list[Fraction]], t: int) -> Fraction:
    """The coefficient of Q[t] when ``row`` (in the span of Q) is written in the basis Q."""
    r = len(Q)
    # Solve sum_s c_s Q[s] = row: the d equations (columns) form an augmented r + 1 system.
    eqs = [[Q[s][col] for s in range(r)] + [row[col]] for col in range(len(row))]
    pivot_rows = []
    for var in range(r):
        p = next(i for i, eq in enumerate(eqs) if eq[var] and i not in pivot_rows)
        pivot_rows.append(p)
        eq = eqs[p]
        for i, other in enumerate(eqs):
            if i != p and other[var]:
                f = other[var] / eq[var]
                eqs[i] = [x - f * y for x, y in zip(other, eq, strict=True)]
    eq = eqs[pivot_rows[t]]
    return eq[-1] / eq[t]
