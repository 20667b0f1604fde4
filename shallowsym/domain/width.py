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
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

from flint import fmpq_mat

from ..canonical import canonical_form
from ..errors import InvalidDomainError, SearchLimitExceeded, check_limit
from ..hyperplanes import combine_hyperplanes, neuron_keys
from ..linalg import matrix_rank
from ..network import ShallowNetwork, check_network
from ..rationals import to_fmpq, to_fraction
from .canonical import key_sides
from .sets import Box, Polytope, as_domain

__all__ = [
    "DomainReduction",
    "DomainRoles",
    "domain_roles",
    "minimal_width_on",
    "rank_floor",
    "reduce_on",
    "reduction_on",
]

DEFAULT_LIMIT = 1024


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
    nk = neuron_keys(net)
    # w_i . x + beta_i = s_i eps_i l_H: the neuron's side is eps_i times its hyperplane's
    keyed = [i for i, key in enumerate(nk.keys) if key is not None and not nk.zero_output[i]]
    sides = dict(zip(keyed, key_sides(domain, [nk.keys[i] for i in keyed]), strict=True))
    betas = net.exact.b1.entries()
    out = []
    for i, zero in enumerate(nk.zero_output):
        if zero:
            out.append("zero-output")
            continue
        side = nk.orientations[i] * sides[i] if i in sides else (1 if betas[i] > 0 else -1)
        out.append("bent" if side == 0 else ("affine" if side > 0 else "dead"))
    return DomainRoles(tuple(out), domain)


def _rank_floor(L: fmpq_mat, normals: list[list]) -> int:
    """rho(L, U) = rank [L; normals] - rank(normals) (Corollary D4a), exact."""
    k, d = L.nrows(), L.ncols()
    if not normals:
        return matrix_rank(L)
    flat = [x for row in normals for x in row]
    stacked = fmpq_mat(k + len(normals), d, L.entries() + flat)
    return matrix_rank(stacked) - matrix_rank(fmpq_mat(len(normals), d, flat))


def _columns(m: fmpq_mat, count: int) -> fmpq_mat:
    """The first ``count`` columns of ``m``."""
    cols, entries = m.ncols(), m.entries()
    return fmpq_mat(
        m.nrows(), count, [entries[r * cols + c] for r in range(m.nrows()) for c in range(count)]
    )


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
    >>> from fractions import Fraction
    >>> rank_floor([[Fraction(1), Fraction(0)]], [(Fraction(1), Fraction(1))])
    1
    >>> rank_floor([[Fraction(1), Fraction(1)]], [(Fraction(1), Fraction(1))])
    0

    References
    ----------
    docs/theory.md, section 9 (N_min on D); proofs/domains.md, Corollary D4a (closed form).
    """
    rows = [list(map(to_fmpq, r)) for r in L]
    normals = [list(map(to_fmpq, u)) for u in normals]
    if not rows or not rows[0]:
        return 0
    return _rank_floor(fmpq_mat(len(rows), len(rows[0]), [x for r in rows for x in r]), normals)


def _best_flip(net: ShallowNetwork, domain, limit: int):
    """(cf, (rank, S, [L_S | e_S]), floor, decided) for the best flip set S found:
    L_S = L + sum_{H in S} kappa_H u_H^T and e_S = e + sum_{H in S} kappa_H c_H
    (kappa relu(l) = kappa relu(-l) + kappa l), as one flint matrix; the search stops at the
    floor of Corollary D4a (decided), after every S (decided) or after ``limit`` of them."""
    cf = canonical_form(net, domain=domain)
    k, d, n = cf.k, cf.d, cf.num_bent
    sigma = cf.sigma_matrix
    floor = _rank_floor(_columns(sigma, d), [list(key[:-1]) for key in cf.keys])
    best = None
    for steps, S in enumerate(_candidates(net, cf, n), start=1):
        if steps > limit:
            return cf, best, floor, False
        M = sigma
        if S:
            M = sigma + combine_hyperplanes([cf.kinks[h] for h in S], [cf.keys[h] for h in S], k)
        rank = matrix_rank(_columns(M, d))
        if best is None or rank < best[0]:
            best = (rank, S, M)
        if rank == floor:  # Corollary D4a: the closed form decides it
            break
    return cf, best, floor, True


def _undecided(low: int, high: int, limit: int) -> SearchLimitExceeded:
    return SearchLimitExceeded(
        f"the flip-set search on D needs more than limit={limit} orientations of the bent "
        f"hyperplanes; the minimal width on D is between {low} and {high} (domain.reduction_on "
        f"returns a network of width {high} equal on D)",
        limit=limit,
    )


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
    cf, best, floor, decided = _best_flip(net, domain, limit)
    if not decided:
        raise _undecided(cf.num_bent + floor, cf.num_bent + best[0], limit)
    return cf.num_bent + best[0]


def reduce_on(
    net: ShallowNetwork, domain: Box | Polytope, *, limit: int = DEFAULT_LIMIT
) -> ShallowNetwork:
    """A network of minimal width equal to ``net`` on D: dead neurons dropped, neurons on one
    hyperplane merged, and the affine part carried by rank(L_S) always-active neurons.

    The network of :func:`reduction_on` (which also says which original neuron each kept
    neuron is).

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
    result = reduction_on(net, domain, limit=limit)
    if not result.minimal:
        raise _undecided(result.lower_bound, result.network.h, limit)
    return result.network


def _lower_bound(domain: Box | Polytope, q) -> Fraction:
    """A lower bound of q . x over D: its minimum on a box, on a polytope's outer box when it
    has one (no linear program; any lower bound L makes relu(q . x + 1 - L) always active)."""
    if isinstance(domain, Polytope) and domain.outer_box() is not None:
        domain = Box(*domain.outer_box())
    (low, _), _ = domain.affine_range(q, 0)
    return low


class DomainReduction(NamedTuple):
    """:func:`reduction_on`'s answer: the reduced network and where its neurons come from."""

    network: ShallowNetwork
    #: per neuron of ``network``, the original neuron whose (w, beta) it keeps, or None
    origin: tuple[int | None, ...]
    #: per neuron of ``network``, the original neurons on its hyperplane (its own first)
    merged: tuple[tuple[int, ...], ...]
    #: the original neurons that no neuron of ``network`` keeps or merges
    removed: tuple[int, ...]
    #: a lower bound on the minimal width on D (#bent + the floor of Corollary D4a)
    lower_bound: int
    #: whether ``network`` has the minimal width (False when the flip-set search stopped at
    #: ``limit``: then its width is only an upper bound, between ``lower_bound`` and it)
    minimal: bool


def reduction_on(
    net: ShallowNetwork, domain: Box | Polytope, *, limit: int = DEFAULT_LIMIT
) -> DomainReduction:
    """A network of minimal width equal to ``net`` on D, keeping original neurons.

    The construction is the upper bound of Theorem D4: one neuron per bent hyperplane meeting
    int(D), oriented by the best flip set S found, and r = rank(L_S) always-active neurons
    relu(q_t . x + beta_t) with beta_t = 1 - (a lower bound of q_t . x on D), b2 adjusted.
    The neuron of a bent hyperplane H is an original neuron i on H with the orientation S
    asks for, its (w_i, beta_i) unchanged and a = kappa_H / s_i (so a_i itself when i is
    alone on H); when every neuron on H points the other way, the first is negated (built
    anew). Dead neurons, neurons on hyperplanes missing int(D) and zero-output neurons are
    removed; the always-active ones are replaced by the r new neurons.

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
    DomainReduction
        ``network`` (equal to ``net`` on D; of width :func:`minimal_width_on` when
        ``minimal``, else the best found within ``limit`` flip sets, with ``lower_bound``
        below it), ``origin``, ``merged`` and ``removed``.

    Raises
    ------
    TypeError
        If ``net`` is not a ShallowNetwork or ``domain`` is not a domain.
    ValueError
        If ``limit`` is not a positive integer.
    InvalidDomainError
        If the domain's dimension is not ``net.d``, or the domain is unbounded and the affine
        part needs always-active neurons.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> net = ShallowNetwork([[1], [1], [2], [3]], [5, -9, 10, -1], [[1, 3, 1, 2]], [0])
    >>> result = reduction_on(net, Box([0], [1]))
    >>> result.network
    ShallowNetwork(W1=[[3], [3]], b1=[-1, 1], W2=[[2, 1]], b2=[14])
    >>> result.origin, result.merged, result.removed
    ((3, None), ((3,), ()), (0, 1, 2))

    References
    ----------
    docs/theory.md, section 9 (N_min on D); proofs/domains.md, Theorem D4 (the upper bound
    builds this network).
    """
    check_network(net, "reduction_on")
    check_limit(limit)
    domain = as_domain(domain, net.d)
    cf, (rank, S, M), floor, decided = _best_flip(net, domain, limit)
    k, d = cf.k, cf.d
    if rank and not domain.bounded:
        raise InvalidDomainError("an affine part on an unbounded polytope needs a bounded domain")
    nk = neuron_keys(net)
    on: dict = {}  # the live neurons of each hyperplane, in order
    for i, key in enumerate(nk.keys):
        if key is not None and not nk.zero_output[i]:
            on.setdefault(key, []).append(i)
    w_entries, betas = net.exact.W1.entries(), net.exact.b1.entries()
    flipped = set(S)
    W1: list = []
    b1: list = []
    columns: list = []
    origin: list[int | None] = []
    merged: list[tuple[int, ...]] = []
    chosen = []  # (original neuron, sign, kink, neurons on H) per bent hyperplane H
    for h, (key, kink) in enumerate(zip(cf.keys, cf.kinks, strict=True)):
        # kappa_H relu(o l_H) = (kappa_H / s_i) relu(o s_i l_H), and o s_i l_H is
        # (w_i, beta_i) when eps_i = o, minus it otherwise
        o = -1 if h in flipped else 1
        members = on[key]
        i = next((j for j in members if nk.orientations[j] == o), None)
        chosen.append((members[0] if i is None else i, 1 if i is not None else -1, kink, members))
    for kept, sign, kink, members in sorted(chosen, key=lambda item: item[0]):
        W1 += [sign * x for x in w_entries[kept * d : (kept + 1) * d]]
        b1.append(sign * betas[kept])
        columns.append([to_fmpq(v) / nk.scales[kept] for v in kink])
        origin.append(kept if sign > 0 else None)
        others = tuple(j for j in members if j != kept)
        merged.append((kept, *others) if sign > 0 else tuple(members))
    # L_S = P Q with Q the rows of L_S at the pivot columns of rref(L_S^T), P[j, t] = R[t, j]
    # (column j of L_S^T is sum_t R[t, j] times pivot column t); each q_t . x becomes the
    # always-active neuron relu(q_t . x + beta_t), beta_t = 1 - (a lower bound on D)
    L = _columns(M, d)
    entries, e = L.entries(), [M[j, d] for j in range(k)]
    R, _ = L.transpose().rref()
    for t in range(rank):
        pivot = next(j for j in range(k) if R[t, j])
        q = entries[pivot * d : (pivot + 1) * d]
        beta = 1 - to_fmpq(_lower_bound(domain, list(map(to_fraction, q))))
        W1 += q
        b1.append(beta)
        column = [R[t, j] for j in range(k)]
        columns.append(column)
        origin.append(None)
        merged.append(())
        e = [x - c * beta for x, c in zip(e, column, strict=True)]
    used = {j for group in merged for j in group}
    removed = tuple(j for j in range(net.h) if j not in used)
    width = len(b1)
    if not width:
        small = ShallowNetwork.from_rows([], [], [[] for _ in range(k)], e, d=d)
    else:
        small = ShallowNetwork.from_exact(
            fmpq_mat(width, d, W1),
            fmpq_mat(width, 1, b1),
            fmpq_mat(k, width, [col[j] for j in range(k) for col in columns]),
            fmpq_mat(k, 1, e),
        )
    return DomainReduction(
        small, tuple(origin), tuple(merged), removed, cf.num_bent + floor, decided
    )
