"""The fibre of a function: every parameter of an architecture that realizes it, by stratum.

(docs/theory.md section 5.) theta of width h realizes f = (S, kappa, M, delta) iff (F1) the kinks of
the live neurons on each hyperplane H sum to kappa_H (0 off S), (F2) W2 W1 = M, (F3) b2 fixes
delta. Write P_H, Q_H for the summed s_i a_i of a group's positively and negatively oriented
neurons; a group adds (P_H - Q_H) u_H^T to W2 W1. A *pure* group on a bent hyperplane adds
eps kappa_H u_H^T; a *mixed* one adds v_H u_H^T with v_H free (S6); a pure cancelling group adds
nothing and sits anywhere (S7); a mixed cancelling group adds a rank-one term v_c u_c^T with free
direction and offset (S7). So, with R = M - sum over pure bent groups of eps kappa u^T, F2 reads

    sum_{H in J} v_H u_H^T + sum_{c in C} v_c u_c^T = R        (J: mixed bent, C: mixed cancelling)

A type is realizable iff this has a solution meeting the open conditions (a single positively
oriented neuron needs P_H != 0, and so on). Writing Q_J for a basis of the annihilator of
{u_H : H in J}, the C-terms must supply R Q_J, so |C| >= rank(R Q_J) (docs/theory.md section 6).

:func:`realize` builds an exact random network of a given type realizing f (or proves there is
none); :func:`stratum_dimension` gives the dimension of the stratum; :func:`fibre_types` lists
every type of the architecture's fibre.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations_with_replacement
from typing import Any

from ..canonical import CanonicalForm, canonical_form
from ..errors import SearchLimitExceeded, check_limit
from ..hyperplanes import hyperplane_normal_offset
from ..linalg import extend_echelon, nullspace, rank, rref, solve
from ..network import ShallowNetwork, check_network
from ..roles import CombinatorialType, structure
from .factorization import factorization_dimension
from .residual import annihilator, normals, projected, residual

__all__ = ["FibreType", "fibre_types", "realizable", "realize", "stratum_dimension"]

Vector = list[Fraction]
DEFAULT_TYPE_LIMIT = 10_000
_TRIES = 8


class _Unrealizable(Exception):
    """Internal: the type provably has no realization."""


@dataclass(frozen=True)
class FibreType:
    """One stratum of the fibre: its type, dimension and an exact representative."""

    type: CombinatorialType
    dimension: int
    representative: ShallowNetwork

    def __str__(self) -> str:
        return f"{self.type}  (dimension {self.dimension})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type.to_dict(),
            "dimension": self.dimension,
            "representative": self.representative.to_dict(),
        }


# -- random exact numbers --------------------------------------------------------------------
def _rand(rng: random.Random, nonzero: bool = False) -> Fraction:
    while True:
        x = Fraction(rng.randint(-9, 9), rng.randint(1, 4))
        if x or not nonzero:
            return x


def _rand_positive(rng: random.Random) -> Fraction:
    return Fraction(rng.randint(1, 9), rng.randint(1, 4))


def _rand_vector(rng: random.Random, n: int, nonzero: bool = False) -> Vector:
    while True:
        v = [_rand(rng) for _ in range(n)]
        if any(v) or not nonzero:
            return v


def _normalized(u: Vector) -> tuple[Vector, Fraction]:
    """(u / u[p], u[p]) for the first non-zero index p."""
    lead = next(x for x in u if x)
    return [x / lead for x in u], lead


# -- the F2 system ---------------------------------------------------------------------------
@dataclass
class _Plan:
    """The pieces of one realization of a type: group sums and hyperplanes."""

    bent: list[tuple[Vector, Vector]]  # (P, Q) per bent hyperplane
    cancelling: list[tuple[Vector, Fraction, Vector, Vector, tuple[int, int]]]  # (u, c, P, Q, sig)


def _outer_sum(terms: list[tuple[Vector, Vector]], k: int, d: int) -> list[Vector]:
    out = [[Fraction(0)] * d for _ in range(k)]
    for v, u in terms:
        for r in range(k):
            if v[r]:
                for c in range(d):
                    out[r][c] += v[r] * u[c]
    return out


def _split(total: Vector, parts: int, rng: random.Random) -> list[Vector]:
    """``parts`` non-zero vectors summing to ``total`` (parts >= 1; one part needs total != 0)."""
    if parts == 1:
        return [list(total)]
    pieces = [_rand_vector(rng, len(total), nonzero=True) for _ in range(parts - 1)]
    last = [t - sum(p[r] for p in pieces) for r, t in enumerate(total)]
    if not any(last):  # doubling the first piece makes the last one -pieces[0] != 0
        pieces[0] = [2 * x for x in pieces[0]]
        last = [t - sum(p[r] for p in pieces) for r, t in enumerate(total)]
    return [*pieces, last]


def _f2_terms(
    cf: CanonicalForm, ctype: CombinatorialType, rng: random.Random
) -> tuple[dict[int, Vector], list[tuple[Vector, Vector]]]:
    """Solve F2: v_H for each mixed bent H, (v_c, u_c) for each mixed cancelling group.

    Raises _Unrealizable when the rank count shows there is no solution.
    """
    d, k = cf.d, cf.k
    f2 = _F2.of(cf, ctype)
    units, mixed_bent, R = f2.units, f2.mixed_bent, f2.R
    rho = len(f2.rank_terms)
    groups = f2.groups
    m = len(groups)
    if m < rho:
        raise _Unrealizable
    strict = [p == 1 or q == 1 for p, q in groups]
    if m == 1 and rho == 0 and not mixed_bent and strict[0]:
        raise _Unrealizable
    terms: list[tuple[Vector, Vector]] = []
    # Rank decomposition N = sum_t b_t g_t^T, each g_t lifted to a normal u with u^T Q_J = g_t.
    for b0, u0 in f2.rank_terms:
        scale = _rand(rng, nonzero=True)
        b = [x * scale for x in b0]
        u = [x / scale for x in u0]
        for j in mixed_bent:
            coef = _rand(rng)
            u = [x + coef * y for x, y in zip(u, units[j], strict=True)]
        terms.append((b, u))
    extra = m - rho
    if extra and terms:
        v0, u0 = terms.pop(0)
        weights = [_rand(rng, nonzero=True) for _ in range(extra)]
        weights.append(1 - sum(weights))
        if not weights[-1]:
            weights[-1], weights[0] = weights[0] / 2, weights[0] / 2
        terms[:0] = [([w * x for x in v0], u0) for w in weights]
    elif extra and mixed_bent:
        for _ in range(extra):
            u = [Fraction(0)] * d
            while not any(u):
                coefs = [_rand(rng) for _ in mixed_bent]
                u = [
                    sum(c * units[j][i] for c, j in zip(coefs, mixed_bent, strict=True))
                    for i in range(d)
                ]
            terms.append((_rand_vector(rng, k, nonzero=True), u))
    elif extra:
        u = _rand_vector(rng, d, nonzero=True)
        vs = [_rand_vector(rng, k, nonzero=True) for _ in range(extra - 1)]
        vs.append([-sum(v[r] for v in vs) for r in range(k)])
        terms.extend((v, u) for v in vs)
    X = [[R[r][c] - s for c, s in enumerate(row)] for r, row in enumerate(_outer_sum(terms, k, d))]
    v_bent: dict[int, Vector] = {j: [Fraction(0)] * k for j in mixed_bent}
    columns, kernel = f2.columns, f2.kernel  # U_J^T, d x |J|, and its kernel
    for r in range(k):
        if mixed_bent:
            coefs = solve(columns, X[r], len(mixed_bent))
            if coefs is None:
                raise AssertionError("internal error: F2 has no solution after the rank check")
            for vec in kernel:
                mu = _rand(rng)
                coefs = [x + mu * y for x, y in zip(coefs, vec, strict=True)]
            for j, x in zip(mixed_bent, coefs, strict=True):
                v_bent[j][r] = x
        elif any(X[r]):
            raise AssertionError("internal error: F2 has no solution after the rank check")
    return v_bent, terms


_F2_LAST: dict[str, Any] = {}


@dataclass
class _F2:
    """The data of F2 for one type (module docstring): the mixed bent hyperplanes J with the
    columns U_J^T, the residual R, N = R Q_J with its rank decomposition N = sum_t b_t g_t^T
    (each g_t lifted to a normal u_t with u_t^T Q_J = g_t), the signatures of the mixed
    cancelling groups and the coloops of J (the j whose v_j F2 determines)."""

    units: list[Vector]
    mixed_bent: list[int]
    columns: list[Vector]
    R: list[Vector]
    rank_terms: list[tuple[Vector, Vector]]
    groups: list[tuple[int, int]]
    coloops: list[int]  # positions in mixed_bent
    kernel: list[Vector]  # basis of {lambda : sum_j lambda_j u_j = 0}, j in J

    @classmethod
    def of(cls, cf: CanonicalForm, ctype: CombinatorialType) -> _F2:
        """The F2 data of ``ctype`` (the last one is kept: realize asks for it per draw)."""
        cached = _F2_LAST.get("entry")
        if cached is not None and cached[0] is cf and cached[1] == ctype:
            return cached[2]
        f2 = cls._compute(cf, ctype)
        _F2_LAST["entry"] = (cf, ctype, f2)
        return f2

    @classmethod
    def _compute(cls, cf: CanonicalForm, ctype: CombinatorialType) -> _F2:
        d, k = cf.d, cf.k
        units = normals(cf)
        mixed_bent = [j for j, (p, q) in enumerate(ctype.bent) if p and q]
        signs = {j: (1 if p else -1) for j, (p, q) in enumerate(ctype.bent) if not (p and q)}
        R = residual(cf, signs, units)
        if mixed_bent:
            basis = annihilator(cf, mixed_bent, units)
            N = projected(R, basis)
        else:  # Q_J is the identity: skip its d^2 entries (d = 1500: seconds)
            basis, N = [], R
        reduced, pivots = rref(N, len(basis) if mixed_bent else d)
        rank_terms = []
        for row, pivot in zip(reduced, pivots, strict=True):
            u = solve(basis, row, d) if mixed_bent else list(row)
            if u is None:  # the rows of basis are independent: never
                raise AssertionError("internal error: a normal could not be lifted")
            rank_terms.append(([N[r][pivot] for r in range(k)], u))
        columns = [[units[j][c] for j in mixed_bent] for c in range(d)]
        kernel = nullspace(columns, len(mixed_bent)) if mixed_bent else []
        coloops = [i for i in range(len(mixed_bent)) if all(vec[i] == 0 for vec in kernel)]
        groups = [sig for sig in ctype.cancelling if sig[0] and sig[1]]
        return cls(units, mixed_bent, columns, R, rank_terms, groups, coloops, kernel)

    def v_bent(self, terms: list[tuple[Vector, Vector]], k: int, d: int) -> list[Vector] | None:
        """One solution v_J of sum_J v_j u_j^T = R - sum of the C-terms (free variables 0),
        or None when there is none; rows of the k x |J| matrix are per output."""
        X = [
            [self.R[r][c] - s for c, s in enumerate(row)]
            for r, row in enumerate(_outer_sum(terms, k, d))
        ]
        J = len(self.mixed_bent)
        if not J:
            return [] if not any(any(row) for row in X) else None
        rows = []
        for r in range(k):
            coefs = solve(self.columns, X[r], J)
            if coefs is None:
                return None
            rows.append(coefs)
        return [[rows[r][i] for r in range(k)] for i in range(J)]


def _forbidden(kappa: Vector, sig: tuple[int, int], v: Vector) -> bool:
    """Whether v = P - Q of a mixed bent group breaks an open condition: a single positively
    oriented neuron needs P = (kappa + v) / 2 != 0, a single negative one Q != 0."""
    p, q = sig
    return (p == 1 and all(x == -y for x, y in zip(v, kappa, strict=True))) or (
        q == 1 and all(x == y for x, y in zip(v, kappa, strict=True))
    )


def _check_type_of(cf: Any, ctype: Any, function: str) -> None:
    """The arguments of :func:`realizable` and :func:`realize`: a canonical form and a
    combinatorial type with one signature (of at least one neuron) per bent hyperplane."""
    if not isinstance(cf, CanonicalForm):
        raise TypeError(f"{function} expects a CanonicalForm for cf, not {type(cf).__name__}")
    if not isinstance(ctype, CombinatorialType):
        raise TypeError(
            f"{function} expects a CombinatorialType for ctype, not {type(ctype).__name__}"
        )
    if len(ctype.bent) != cf.num_bent or any(p + q < 1 for p, q in ctype.bent):
        raise ValueError("the type needs a signature with at least one neuron per bent hyperplane")


def realizable(cf: CanonicalForm, ctype: CombinatorialType) -> bool:
    """Whether some network of type ``ctype`` realizes ``cf``: an exact decision.

    With m mixed cancelling groups and rho = rank(R Q_J) (module docstring), the type is
    realizable iff every cancelling group has at least two neurons, m >= rho, and

    * when J is empty: not (m = 1, rho = 0 and that group has a single neuron of one
      orientation) -- then v_c u_c^T = 0 with u_c != 0 forces v_c = 0, which such a group
      cannot have;
    * when J is not empty and m = 0: for each coloop j of J (u_j outside the span of the
      other u_H), the v_j that F2 determines meets the open conditions of its group.

    Every other case is realized by :func:`realize`'s exact construction: a mixed cancelling
    term can be moved along U = span(u_H : H in J) without changing F2 modulo U, which moves
    each determined v_j along a line, and the free v_j move along the kernel of U_J^T; each
    open condition excludes finitely many points of such a line
    (proofs are in the docstring of :func:`_exact_plan`).

    Examples
    --------
    >>> from shallowsym import ShallowNetwork, canonical_form
    >>> from shallowsym.roles import CombinatorialType
    >>> cf = canonical_form(ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0]))
    >>> realizable(cf, CombinatorialType(bent=((0, 1), (1, 0))))
    True
    >>> realizable(cf, CombinatorialType(bent=((1, 0), (1, 0))))   # M would be 2, not 0
    False
    """
    _check_type_of(cf, ctype, "realizable")
    if any(p + q < 2 for p, q in ctype.cancelling):
        return False  # a single live neuron always bends
    f2 = _F2.of(cf, ctype)
    m, rho = len(f2.groups), len(f2.rank_terms)
    if m < rho:
        return False
    if not f2.mixed_bent:
        return not (m == 1 and rho == 0 and 1 in f2.groups[0])
    if m:
        return True
    v = f2.v_bent([], cf.k, cf.d)
    if v is None:  # rho = 0 puts the rows of R in U: never
        raise AssertionError("internal error: F2 has no solution after the rank check")
    for i in f2.coloops:
        j = f2.mixed_bent[i]
        if _forbidden(list(cf.kinks[j]), ctype.bent[j], v[i]):
            return False
    return True


def _exact_plan(cf: CanonicalForm, ctype: CombinatorialType, rng: random.Random) -> _Plan | None:
    """Group sums of a realization of a realizable type, constructed exactly.

    The C-terms: the rank decomposition N = sum_t b_t g_t^T (b_t != 0, u_t != 0); when
    m > rho, the first term is split into m - rho + 1 equal parts (rho >= 1), or the m terms
    are e_1 u_{H_0}^T with u_{H_0} in U (rho = 0, J not empty: zero modulo U), or
    e_1 e_1^T, ..., -(m - 1) e_1 e_1^T (rho = 0, J empty, m >= 2; m = 1 takes v = 0, which
    only a group with two neurons of each orientation allows). Every v_c is then non-zero
    except in that last case, and every u_c is non-zero.

    With an integer x, the first C-term's normal becomes u_0 + x sigma, sigma the sum of the
    coloops' normals: F2 modulo U is unchanged and each determined v_j becomes
    v_j - x v_0, a line (v_0 != 0) meeting each forbidden point at most once. The free v_j
    are moved by x^2 lambda^1 + ... + x^(n+1) lambda^n in the first output (lambda^i a
    basis of the kernel of U_J^T): a polynomial in x of degree 2..n+1 which is not constant
    in v_j when j is free, so each forbidden point is met for at most n + 1 values of x.
    u_0 + x sigma vanishes for at most one x. So among 2 |J| (n + 2) + 2 values of x one
    meets every open condition; each is checked exactly.
    """
    d, k = cf.d, cf.k
    f2 = _F2.of(cf, ctype)
    m, rho = len(f2.groups), len(f2.rank_terms)
    e_k = [Fraction(int(r == 0)) for r in range(k)]
    e_d = [Fraction(int(c == 0)) for c in range(d)]
    terms = [(list(v), list(u)) for v, u in f2.rank_terms]
    if m > rho:
        if rho:
            v0, u0 = terms.pop(0)
            parts = m - rho + 1
            terms[:0] = [([x / parts for x in v0], list(u0)) for _ in range(parts)]
        elif f2.mixed_bent:
            terms = [(list(e_k), list(f2.units[f2.mixed_bent[0]])) for _ in range(m)]
        elif m == 1:
            terms = [([Fraction(0)] * k, list(e_d))]
        else:
            terms = [(list(e_k), list(e_d)) for _ in range(m - 1)]
            terms.append(([-(m - 1) * x for x in e_k], list(e_d)))
    sigma = [Fraction(0)] * d
    for i in f2.coloops:
        sigma = [x + y for x, y in zip(sigma, f2.units[f2.mixed_bent[i]], strict=True)]
    n = len(f2.kernel)
    for x in range(2 * len(f2.mixed_bent) * (n + 2) + 2):
        moved = list(terms)
        if moved and f2.coloops:
            v0, u0 = moved[0]
            moved[0] = (v0, [a + x * b for a, b in zip(u0, sigma, strict=True)])
        v = f2.v_bent(moved, k, d)
        if v is None:
            raise AssertionError("internal error: F2 has no solution after the rank check")
        for power, vec in enumerate(f2.kernel, start=2):
            for i, lam in enumerate(vec):
                v[i][0] += x**power * lam
        if any(not any(u) for _, u in moved):
            continue
        if any(1 in sig and not any(w) for (w, _), sig in zip(moved, f2.groups, strict=True)):
            continue
        v_of = dict(zip(f2.mixed_bent, v, strict=True))
        if any(_forbidden(list(cf.kinks[j]), ctype.bent[j], v_of[j]) for j in f2.mixed_bent):
            continue
        return _plan_from(cf, ctype, v_of, moved, rng)
    raise AssertionError(f"internal error: the exact construction of type {ctype} failed")


def _plan(cf: CanonicalForm, ctype: CombinatorialType, rng: random.Random) -> _Plan | None:
    """Group sums for one random realization, or None when an open condition failed."""
    v_bent, terms = _f2_terms(cf, ctype, rng)
    return _plan_from(cf, ctype, v_bent, terms, rng)


def _plan_from(
    cf: CanonicalForm,
    ctype: CombinatorialType,
    v_bent: dict[int, Vector],
    terms: list[tuple[Vector, Vector]],
    rng: random.Random,
) -> _Plan | None:
    """Group sums from a solution of F2 (v_H per mixed bent H, (v_c, u_c) per mixed
    cancelling group), or None when an open condition fails."""
    k = cf.k
    bent = []
    for j, (p, q) in enumerate(ctype.bent):
        kappa = list(cf.kinks[j])
        if p and q:
            v = v_bent[j]
            P = [(x + y) / 2 for x, y in zip(kappa, v, strict=True)]
            Q = [(x - y) / 2 for x, y in zip(kappa, v, strict=True)]
            if (p == 1 and not any(P)) or (q == 1 and not any(Q)):
                return None
        else:
            P, Q = (kappa, [Fraction(0)] * k) if p else ([Fraction(0)] * k, kappa)
        bent.append((P, Q))
    cancelling = []
    used: dict[tuple[Fraction, ...], _Taken] = {}
    for key in cf.keys:
        normal, offset = hyperplane_normal_offset(key)
        used.setdefault(tuple(normal), _Taken()).add(offset)
    mixed_sigs = iter(sig for sig in ctype.cancelling if sig[0] and sig[1])
    for v, u in terms:
        sig = next(mixed_sigs)
        if (sig[0] == 1 or sig[1] == 1) and not any(v):
            return None
        unit, lead = _normalized(u)
        P = [x * lead / 2 for x in v]
        cancelling.append((unit, _free_offset(unit, rng, used), P, [-x for x in P], sig))
    for sig in ctype.cancelling:
        if not (sig[0] and sig[1]):
            unit, _ = _normalized(_rand_vector(rng, cf.d, nonzero=True))
            zero = [Fraction(0)] * k
            cancelling.append((unit, _free_offset(unit, rng, used), zero, list(zero), sig))
    return _Plan(bent, cancelling)


class _Taken:
    """The offsets taken on one normal, and the largest of them."""

    def __init__(self) -> None:
        self.offsets: set[Fraction] = set()
        self.top: Fraction | None = None

    def add(self, offset: Fraction) -> None:
        self.offsets.add(offset)
        if self.top is None or offset > self.top:
            self.top = offset


def _free_offset(
    unit: Vector, rng: random.Random, used: dict[tuple[Fraction, ...], _Taken]
) -> Fraction:
    """A random offset c putting the hyperplane unit . x + c = 0 on no hyperplane in ``used``
    (offsets by normal; c joins them).

    Two groups drawn onto one hyperplane merge into one group of another type; with many
    cancelling groups the small random offsets collide almost surely (nine groups among the
    ~60 values of ``_rand`` collide in 2 draws out of 3), which made ``realize`` fail on
    realizable types. A drawn offset already taken is replaced by one past the largest taken
    offset of that normal: exact, and O(1) per group (stepping by 1 past each taken offset
    was quadratic in the number of groups: 6 s at h = 2000).
    """
    taken = used.setdefault(tuple(unit), _Taken())
    offset = _rand(rng)
    if offset in taken.offsets:
        offset = taken.top + 1 + rng.randint(0, 3)
    taken.add(offset)
    return offset


def _neurons_on(
    u: Vector, c: Fraction, P: Vector, Q: Vector, sig: tuple[int, int], rng: random.Random
) -> list[tuple[Vector, Fraction, Vector]]:
    out = []
    for eps, total, count in ((1, P, sig[0]), (-1, Q, sig[1])):
        if count:
            for part in _split(total, count, rng):
                s = _rand_positive(rng)
                out.append(([eps * s * x for x in u], eps * s * c, [x / s for x in part]))
    return out


def _build(
    cf: CanonicalForm, ctype: CombinatorialType, plan: _Plan, rng: random.Random
) -> ShallowNetwork:
    d, k = cf.d, cf.k
    neurons = []
    for j, (P, Q) in enumerate(plan.bent):
        normal, offset = hyperplane_normal_offset(cf.keys[j])
        neurons += _neurons_on(list(normal), offset, P, Q, ctype.bent[j], rng)
    for u, c, P, Q, sig in plan.cancelling:
        neurons += _neurons_on(u, c, P, Q, sig, rng)
    for _ in range(ctype.zero_output):
        neurons.append((_rand_vector(rng, d), _rand(rng), [Fraction(0)] * k))
    for _ in range(ctype.zero_input_active):
        neurons.append(([Fraction(0)] * d, _rand_positive(rng), _rand_vector(rng, k, nonzero=True)))
    for _ in range(ctype.zero_input_inactive):
        neurons.append(
            (
                [Fraction(0)] * d,
                -_rand_positive(rng) * rng.randint(0, 1),
                _rand_vector(rng, k, nonzero=True),
            )
        )
    rng.shuffle(neurons)
    W1 = [w for w, _, _ in neurons]
    b1 = [beta for _, beta, _ in neurons]
    W2 = [[a[r] for _, _, a in neurons] for r in range(k)]
    trial = ShallowNetwork.from_rows(W1, b1, W2, [0] * k, d=d)
    b2 = [x - y for x, y in zip(cf.constant, canonical_form(trial).constant, strict=True)]
    return ShallowNetwork.from_rows(W1, b1, W2, b2, d=d)


def realize(
    cf: CanonicalForm, ctype: CombinatorialType, *, seed: int | None = 0
) -> ShallowNetwork | None:
    """An exact random network of type ``ctype`` realizing the function ``cf``, or None when the
    type provably has no realization.

    The result is checked: its canonical form is ``cf`` and its type is ``ctype``.

    Parameters
    ----------
    cf : CanonicalForm
        The function to realize.
    ctype : CombinatorialType
        The stratum: one (positive, negative) signature per bent hyperplane of ``cf``, the
        cancelling groups, and the counts of zero-output, active and inactive zero-input
        neurons.
    seed : int or None, keyword-only
        Seed of the random draws (a generic point of the stratum); the result is exact.

    Returns
    -------
    ShallowNetwork or None
        A network of type ``ctype`` with canonical form ``cf``, or None when the type has no
        realization (decided exactly).

    Raises
    ------
    TypeError
        If ``cf`` is not a CanonicalForm or ``ctype`` not a CombinatorialType.
    ValueError
        If ``ctype`` does not list one signature per bent hyperplane of ``cf``.

    Notes
    -----
    Whether the type is realizable is decided exactly first (:func:`realizable`); a
    realizable type is then realized by a few random draws (a generic point of the stratum)
    and, should they all fail an open condition, by an exact construction that provably
    meets them (:func:`_exact_plan`), so there is no "could not decide". The hyperplanes of
    the cancelling groups are placed exactly on unused positions: drawn at random, the
    offsets of many groups collided (two groups on one hyperplane are one group of another
    type), which made realizable types fail (issue 15, d = k = 1 with nine or more mixed
    cancelling pairs).

    Examples
    --------
    >>> from shallowsym import ShallowNetwork, canonical_form, equivalent
    >>> from shallowsym.roles import CombinatorialType
    >>> cf = canonical_form(ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0]))
    >>> flipped = realize(cf, CombinatorialType(bent=((0, 1), (1, 0))))
    >>> canonical_form(flipped) == cf
    True
    >>> realize(cf, CombinatorialType(bent=((1, 0), (1, 0)))) is None   # M would be 2, not 0
    True

    References
    ----------
    docs/theory.md section 5 (strata: F1-F3 and their open conditions); proofs/fibre_dimension.md;
    Ramakrishnan 2026 (arXiv:2604.14037).
    """
    _check_type_of(cf, ctype, "realize")
    if not realizable(cf, ctype):
        return None
    rng = random.Random(seed)
    for _ in range(_TRIES):  # random points first: generic in their stratum
        try:
            plan = _plan(cf, ctype, rng)
        except _Unrealizable:
            raise AssertionError(
                f"internal error: type {ctype} is realizable, but the rank count says not"
            ) from None
        if plan is None:
            continue
        net = _build(cf, ctype, plan, rng)
        if canonical_form(net) == cf and structure(net).type == ctype:
            return net
    plan = _exact_plan(cf, ctype, rng)
    if plan is not None:
        net = _build(cf, ctype, plan, rng)
        if canonical_form(net) == cf and structure(net).type == ctype:
            return net
    raise AssertionError(f"internal error: the construction of type {ctype} did not check")


def mixed_terms(net: ShallowNetwork) -> tuple[list[Vector], list[tuple[Vector, Vector]]]:
    """(u_H of mixed bent groups, (v_c, u_c) of mixed cancelling groups) of a realization."""
    s = structure(net)
    bent_normals, c_terms = [], []
    for group in s.groups:
        if not group.mixed:
            continue
        normal, _ = hyperplane_normal_offset(group.key)
        if group.bent:
            bent_normals.append(list(normal))
        else:
            c_terms.append((list(group.v), list(normal)))
    return bent_normals, c_terms


def w_dimension(
    d: int,
    k: int,
    bent_normals: list[Vector],
    c_terms: list[tuple[Vector, Vector]],
    *,
    v_rank_at_least: int = 0,
) -> int:
    """Dimension at a point of the solutions of F2 (v_H of the mixed bent groups; v_c, u_c of
    the mixed cancelling groups), plus one free offset per mixed cancelling group.

    The v_H supply R^k (x) U, U the span of the bent normals, in an affine fibre of dimension
    k |J| - k dim U; what remains is the factorization variety sum_c v_c w_c^T = M' with
    w_c = u_c mod U, and each chart u_c (pivot coordinate 1) adds dim U - 1 to it
    (:mod:`shallowsym.fibre.factorization`, proofs/fibre_dimension.md). Exact also where the
    variety is singular, where the tangent count would overstate it. With
    ``v_rank_at_least``, only the points nearby whose v_c span at least that much count
    (ValueError when there are none)."""
    n = rank(bent_normals, d) if bent_normals else 0
    if not c_terms:
        return _w_from_ranks(d, k, len(bent_normals), n, 0, 0, 0, 0)
    product = [[sum(v[row] * u[col] for v, u in c_terms) for col in range(d)] for row in range(k)]
    return _w_from_ranks(
        d,
        k,
        len(bent_normals),
        n,
        len(c_terms),
        r=rank(product + bent_normals, d) - n,
        a=max(rank([v for v, _ in c_terms], k), v_rank_at_least),
        b=rank([u for _, u in c_terms] + bent_normals, d) - n,
    )


def _w_from_ranks(d: int, k: int, j: int, n: int, c: int, r: int, a: int, b: int) -> int:
    """:func:`w_dimension` from its ranks: j mixed bent groups whose normals span n
    dimensions, c mixed cancelling groups, r, a, b as in
    :func:`shallowsym.fibre.factorization.factorization_dimension`."""
    bent = k * j - k * n
    if not c:
        return bent
    factorizations = factorization_dimension(k, d - n, c, r=r, a=a, b=b)
    return bent + c * n + factorizations  # c offsets + c (dim U - 1) charts


class F2Dimension:
    """The F2 part of the stratum dimension (:func:`w_dimension`) grown one mixed group at a
    time, each addition O((d + k)^2 d) instead of ranks of all the groups so far: the
    normals' span, the v_c's span and the sum of v_c u_c^T are kept reduced. Add the bent
    groups first (as :func:`w_dimension` sees them, the order of groups does not matter)."""

    def __init__(self, d: int, k: int):
        self.d, self.k = d, k
        self.j = self.c = 0
        self.bent: dict[int, Vector] = {}  # echelon of the bent normals (U)
        self.spans_u: dict[int, Vector] = {}  # echelon of U and the u_c
        self.spans_v: dict[int, Vector] = {}  # echelon of the v_c
        self.product = [[Fraction(0)] * d for _ in range(k)]

    def add_bent(self, normal: Vector) -> int:
        if self.c:
            raise ValueError("add the mixed bent groups before the cancelling ones")
        self.j += 1
        extend_echelon(self.bent, normal)
        extend_echelon(self.spans_u, normal)
        return self.dimension()

    def add_cancelling(self, v: Vector, u: Vector) -> int:
        self.c += 1
        extend_echelon(self.spans_u, u)
        extend_echelon(self.spans_v, v)
        for row in range(self.k):
            if v[row]:
                old = self.product[row]
                self.product[row] = [x + v[row] * y for x, y in zip(old, u, strict=True)]
        return self.dimension()

    def dimension(self) -> int:
        n = len(self.bent)
        if not self.c:
            return _w_from_ranks(self.d, self.k, self.j, n, 0, 0, 0, 0)
        span = dict(self.bent)
        for row in self.product:
            extend_echelon(span, row)
        return _w_from_ranks(
            self.d,
            self.k,
            self.j,
            n,
            self.c,
            r=len(span) - n,
            a=len(self.spans_v),
            b=len(self.spans_u) - n,
        )


def stratum_dimension(net: ShallowNetwork) -> int:
    """Dimension at ``net`` of the stratum of its combinatorial type in its fibre.

    Sum of: d+1 per zero-output neuron, k+1 per zero-input neuron, n(1+k) - k*o per group of n
    live neurons with o orientations present, d per pure cancelling group, and the dimension of
    the F2 solutions (v_H of mixed bent groups, v_c, u_c and offset of mixed cancelling groups).
    The F2 part is an affine space when there is no mixed cancelling group; otherwise it is a
    variety of matrix factorizations, whose dimension at ``net`` is exact also where it is
    singular (:mod:`shallowsym.fibre.factorization`, proofs/fibre_dimension.md).

    Parameters
    ----------
    net : ShallowNetwork

    Returns
    -------
    int
        The dimension of the stratum at ``net`` (at least the orbit's, h fewer than the
        parameters it moves).

    Raises
    ------
    TypeError
        If ``net`` is not a ShallowNetwork.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> stratum_dimension(ShallowNetwork([[1], [2]], [1, 2], [[1, 1]], [0]))
    3

    References
    ----------
    docs/theory.md section 5 (stratum dimensions) and section 8 (the factorization varieties);
    proofs/fibre_dimension.md; Grigsby-Lindsey-Rolnick 2023.
    """
    check_network(net, "stratum_dimension", "net")
    return neuron_dimension(net) + w_dimension(net.d, net.k, *mixed_terms(net))


def neuron_dimension(net: ShallowNetwork) -> int:
    """The part of :func:`stratum_dimension` outside F2: the neurons' free parameters, less
    the fixed kink sums, plus the free hyperplanes of the pure cancelling groups."""
    s = structure(net)
    d, k = net.d, net.k
    dim = len(s.zero_output) * (d + 1)
    dim += (len(s.zero_input_active) + len(s.zero_input_inactive)) * (k + 1)
    for g in s.groups:
        orientations = int(bool(g.positive)) + int(bool(g.negative))
        dim += len(g.neurons) * (1 + k) - k * orientations
        if not g.bent and not g.mixed:
            dim += d
    return dim


# -- enumeration of types --------------------------------------------------------------------
def _signatures(total: int) -> Iterator[tuple[int, int]]:
    for p in range(total + 1):
        yield (p, total - p)


def _bent_signatures(count: int, budget: int) -> Iterator[tuple[tuple[int, int], ...]]:
    """Signatures for ``count`` bent hyperplanes using at most ``budget`` neurons, in the
    order of the former recursion (an explicit stack: 2000 hyperplanes overflowed Python's
    recursion limit)."""
    if count > budget:
        return
    if count == 0:
        yield ()
        return

    # each frame: the signatures chosen so far, the iterator over the next position's choices
    def choices(position: int, left: int) -> Iterator[tuple[int, int]]:
        for size in range(1, left - (count - 1 - position) + 1):
            yield from _signatures(size)

    chosen: list[tuple[int, int]] = []
    left = [budget]
    stack = [choices(0, budget)]
    while stack:
        sig = next(stack[-1], None)
        if sig is None:
            stack.pop()
            if chosen:
                chosen.pop()
                left.pop()
            continue
        if len(chosen) == len(stack):  # replace the previous choice at this position
            chosen.pop()
            left.pop()
        chosen.append(sig)
        left.append(left[-1] - sum(sig))
        if len(chosen) == count:
            yield tuple(chosen)
            chosen.pop()
            left.pop()
        else:
            stack.append(choices(len(chosen), left[-1]))


def _cancelling_multisets(budget: int) -> Iterator[tuple[tuple[int, int], ...]]:
    """Multisets of signatures (p, q), p + q >= 2, using at most ``budget`` neurons, sorted."""
    yield ()
    all_sigs = [sig for size in range(2, budget + 1) for sig in _signatures(size)]
    for count in range(1, budget // 2 + 1):
        for combo in combinations_with_replacement(all_sigs, count):
            if sum(p + q for p, q in combo) <= budget:
                yield tuple(sorted(combo))


def candidate_types(cf: CanonicalForm, h: int) -> Iterator[CombinatorialType]:
    """Every combinatorial type of width h with one group per bent hyperplane of ``cf``.

    Parameters
    ----------
    cf : CanonicalForm
        The function's canonical form; its bent hyperplanes each get one group.
    h : int
        The width of the types.

    Returns
    -------
    iterator of CombinatorialType
        Lazily, in a fixed order; not every one is realizable (see :func:`realize`).

    Raises
    ------
    TypeError
        If ``cf`` is not a CanonicalForm or ``h`` not an integer (checked at the call).
    ValueError
        If ``h`` is negative.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork, canonical_form
    >>> cf = canonical_form(ShallowNetwork([[1]], [0], [[1]], [0]))
    >>> [str(t) for t in candidate_types(cf, 1)]
    ['bent (0+,1-)', 'bent (1+,0-)']

    References
    ----------
    docs/theory.md section 5 (combinatorial types and strata).
    """
    if not isinstance(cf, CanonicalForm):
        raise TypeError(f"candidate_types expects a CanonicalForm for cf, not {type(cf).__name__}")
    if isinstance(h, bool) or not isinstance(h, int):
        raise TypeError(f"candidate_types expects an int for h, not {type(h).__name__}")
    if h < 0:
        raise ValueError(f"h must be a non-negative integer, not {h}")
    return _candidate_types(cf, h)


def _candidate_types(cf: CanonicalForm, h: int) -> Iterator[CombinatorialType]:
    s = cf.num_bent
    for bent in _bent_signatures(s, h):
        rest = h - sum(p + q for p, q in bent)
        for cancelling in _cancelling_multisets(rest):
            spare = rest - sum(p + q for p, q in cancelling)
            for zero_output in range(spare + 1):
                for active in range(spare - zero_output + 1):
                    yield CombinatorialType(
                        bent, cancelling, zero_output, active, spare - zero_output - active
                    )


def _bits(cf: CanonicalForm) -> int:
    """The largest bit length of a numerator or denominator in ``cf``'s kinks, linear part
    and hyperplanes."""
    best = 0
    numbers = [x for row in cf.kinks for x in row] + [x for row in cf.linear for x in row]
    for key in cf.keys:
        normal, offset = hyperplane_normal_offset(key)
        numbers += [*normal, offset]
    for x in numbers:
        best = max(best, x.numerator.bit_length(), x.denominator.bit_length())
    return best


def fibre_types(
    net: ShallowNetwork, *, limit: int = DEFAULT_TYPE_LIMIT, progress: bool | None = None
) -> tuple[FibreType, ...]:
    """Every combinatorial type (stratum) of the fibre of f_net within its architecture.

    Each comes with its dimension and an exact representative realizing f (checked).

    Parameters
    ----------
    net
        The network; the fibre is that of its function, among networks of the same (d, h, k).
    limit
        Bound on the work, in steps: each candidate type examined costs 1 + s // 4 (s bent
        hyperplanes: the exact rank checks of F2 grow with s), each representative built
        a further h // 2 (h neurons built and checked), both times (1 + b // 64)(1 + d // 32)
        for numbers of b bits in dimension d (1400-digit entries, or d = 1500, took minutes
        within the limit otherwise); the number of candidate types grows exponentially
        with h.
    progress
        Show a progress bar (tqdm); ``None`` shows it only on a terminal.

    Returns
    -------
    tuple of FibreType
        One per realizable type, each with its dimension and a checked representative.

    Raises
    ------
    SearchLimitExceeded
        When the search would need more than ``limit`` steps.
    TypeError
        If ``net`` is not a ShallowNetwork.
    ValueError
        If ``limit`` is not a positive integer.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> for t in fibre_types(ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])):
    ...     print(t)
    bent (0+,1-) (1+,0-)  (dimension 2)
    bent (1+,0-) (0+,1-)  (dimension 2)

    References
    ----------
    docs/theory.md section 5 (F1-F3 and the mechanisms S3-S9); Ramakrishnan 2026
    (arXiv:2604.14037) for the classification of the fibre.
    """
    from tqdm import tqdm

    if not isinstance(net, ShallowNetwork):
        raise TypeError(f"fibre_types expects a ShallowNetwork, not {type(net).__name__}")
    check_limit(limit)
    cf = canonical_form(net)
    # exact arithmetic on long numbers and long vectors costs in proportion
    size = (1 + _bits(cf) // 64) * (1 + cf.d // 32)
    examine, build = (1 + cf.num_bent // 4) * size, (net.h // 2) * size
    steps = 0
    out = []
    candidates = tqdm(
        candidate_types(cf, net.h),
        desc="fibre types",
        unit="type",
        disable=None if progress is None else not progress,
        leave=False,
    )
    for count, ctype in enumerate(candidates, start=1):
        steps += examine
        if steps > limit:
            raise SearchLimitExceeded(
                f"the fibre types need more than limit={limit} steps ({count - 1} candidate "
                f"types examined at {examine} steps, {len(out)} representatives built at "
                f"{build}); pass a larger limit=",
                limit=limit,
            )
        rep = realize(cf, ctype, seed=count)
        if rep is not None:
            steps += build
            out.append(FibreType(ctype, stratum_dimension(rep), rep))
    return tuple(out)
