"""sup over a domain D of |f_a - f_b|, on the exactly cancelled difference (proofs/domains.md).

The canonical forms of a and b on D are subtracted first: every bent hyperplane the two share
with the same kink cancels exactly, hyperplanes missing D are folded into the affine part, and
only the remaining hyperplanes R (kink difference != 0) bend g = f_a - f_b on D. Then

* R empty: g is affine on D, and sup |g_j| is the larger of -min g_j and max g_j over D (exact:
  closed form on a box, an exact LP on a polytope);
* few candidate vertices (``limit=``; always for d <= 2 and small R, also for d > 2 when R and
  the facets of D are few): |g_j| is convex on each cell of the arrangement of R inside the
  polytope D, so its maximum is attained at a vertex of that subdivision: a point of D where d
  linearly independent hyperplanes among R and the facets of D meet. Every d-subset is solved
  exactly (flint) and the points of D evaluated exactly (exact);
* otherwise: two mixed-integer programs per output (max g_j and max -g_j) over D with one
  binary per remaining hyperplane, solved by scipy's ``milp`` (HiGHS). The solver's optimal x
  is converted exactly, moved into D, and the networks are evaluated there exactly: a certified
  lower bound. The solver's dual bound is an upper bound up to its tolerance, labelled as such.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from flint import fmpq, fmpq_mat

from ..canonical import canonical_form
from ..errors import (
    InvalidDomainError,
    InvalidNetworkError,
    MissingDependencyError,
    SearchLimitExceeded,
    check_limit,
)
from ..hyperplanes import Key, hyperplane_normal_offset
from ..network import ShallowNetwork, check_network
from ..rationals import as_rational, format_rational, to_fraction
from ..text import format_number
from .sets import Box, Polytope, as_domain

__all__ = [
    "DEFAULT_VERTEX_LIMIT",
    "MaxDifference",
    "epsilon_verdict",
    "max_difference",
    "vertex_count",
]

Point = tuple[Fraction, ...]
MILP_GAP = 1e-9
_METHODS = ("auto", "exact", "milp")
DEFAULT_VERTEX_LIMIT = 20_000
_PRESOLVE = (False, True)


@dataclass(frozen=True)
class MaxDifference:
    """sup over D of |f_a(x) - f_b(x)|, per output and overall.

    Attributes
    ----------
    values
        Per output: the exact sup when ``exact``, else the certified lower bound |g_j(x_j)|
        at the exact point ``points[j]`` inside D.
    points
        Per output: a rational point of D attaining ``values[j]`` (exact evaluation).
    upper_bounds
        Per output: None when exact, else the MILP solver's dual bound (a float, an upper
        bound up to the solver's tolerance, relative gap ``MILP_GAP``).
    exact
        Whether ``values`` are the exact suprema.
    method
        ``"equal"`` (the forms on D agree), ``"affine"`` (no remaining hyperplane),
        ``"vertices"`` (exact enumeration of the vertices of the remaining arrangement in D) or
        ``"milp"`` (certified lower bounds and the solver's bounds).
    remaining
        The number of hyperplanes where g still bends on D (after exact cancellation).
    cancelled
        The number of bent hyperplanes on D that the two networks share with equal kinks.
    """

    values: tuple[Fraction, ...]
    points: tuple[Point, ...]
    upper_bounds: tuple[float | None, ...]
    exact: bool
    method: str
    remaining: int
    cancelled: int

    @property
    def maximum(self) -> Fraction:
        """The largest of ``values`` (exact, or a certified lower bound)."""
        return max(self.values)

    @property
    def upper_bound(self) -> Fraction | float:
        """The overall upper bound: ``maximum`` when exact, else the largest solver bound."""
        if self.exact:
            return self.maximum
        pairs = zip(self.upper_bounds, self.values, strict=True)
        return max(float(v) if u is None else u for u, v in pairs)

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self, *, exact: bool = False) -> str:
        """The result for people: long rationals as ``~`` decimals unless ``exact``."""
        label = "exact" if self.exact else "certified lower bound"
        lines = [
            f"max |f_a - f_b| on D = {format_number(self.maximum, exact=exact)} ({label}; method "
            f"{self.method}; {self.remaining} "
            f"{'hyperplane remains' if self.remaining == 1 else 'hyperplanes remain'} after "
            f"{self.cancelled} cancelled)"
        ]
        if not self.exact:
            lines.append(f"solver upper bound: {self.upper_bound:.12g} (HiGHS, float)")
        if len(self.values) > 1:
            for j, v in enumerate(self.values):
                extra = "" if self.upper_bounds[j] is None else f" <= {self.upper_bounds[j]:.12g}"
                lines.append(f"  output {j}: {format_number(v, exact=exact)}{extra}")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return "```\n" + str(self) + "\n```"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; exact numbers are strings, solver bounds floats."""
        return {
            "maximum": format_rational(self.maximum),
            "values": [format_rational(v) for v in self.values],
            "points": [[format_rational(v) for v in p] for p in self.points],
            "upper_bounds": list(self.upper_bounds),
            "exact": self.exact,
            "method": self.method,
            "remaining": self.remaining,
            "cancelled": self.cancelled,
        }


def _dot(u, x) -> Fraction:
    return sum((a * b for a, b in zip(u, x, strict=True) if a), Fraction(0))


class _Difference:
    """g = f_a - f_b on D: (kappa/2)|l_H| over the remaining H, plus (1/2) M x + delta."""

    def __init__(self, cf_a, cf_b):
        keys = sorted(set(cf_a.keys) | set(cf_b.keys))
        self.terms: list[tuple[Key, tuple[Fraction, ...], tuple[Fraction, ...], Fraction]] = []
        self.cancelled = 0
        for key in keys:
            kink = tuple(x - y for x, y in zip(cf_a.kink(key), cf_b.kink(key), strict=True))
            if any(kink):
                normal, offset = hyperplane_normal_offset(key)
                self.terms.append((key, kink, normal, offset))
            elif key in cf_a.keys and key in cf_b.keys:
                self.cancelled += 1
        self.M = [
            tuple(x - y for x, y in zip(ra, rb, strict=True))
            for ra, rb in zip(cf_a.linear, cf_b.linear, strict=True)
        ]
        self.delta = [x - y for x, y in zip(cf_a.constant, cf_b.constant, strict=True)]

    def __call__(self, x: Point, j: int) -> Fraction:
        value = self.delta[j] + _dot(self.M[j], x) / 2
        for _, kink, normal, offset in self.terms:
            if kink[j]:
                value += kink[j] * abs(_dot(normal, x) + offset) / 2
        return value


def max_difference(
    a: ShallowNetwork,
    b: ShallowNetwork,
    *,
    domain: Box | Polytope,
    method: str = "auto",
    time_limit: float | None = None,
    limit: int = DEFAULT_VERTEX_LIMIT,
) -> MaxDifference:
    """sup over D of |f_a - f_b| per output, on the exactly cancelled difference.

    Parameters
    ----------
    a, b
        Networks with the same d and k.
    domain
        A bounded :class:`~shallowsym.domain.Box` or :class:`~shallowsym.domain.Polytope`.
    method
        ``"auto"`` (exact when no hyperplane remains or when the vertices of the remaining
        arrangement within D can be enumerated within ``limit``, else MILP), ``"exact"``
        (raise :class:`~shallowsym.errors.SearchLimitExceeded` when the enumeration would need
        more than ``limit`` candidate vertices) or ``"milp"``.
    time_limit
        Seconds per MILP solve (HiGHS); the bounds stay valid, only less tight.
    limit
        The most candidate vertices (d-subsets of the remaining hyperplanes and the facets of
        D) the exact enumeration may try.

    Returns
    -------
    MaxDifference
        Exact values with ``exact=True``, else certified lower bounds at exact points of D and
        the solver's upper bounds.

    Raises
    ------
    TypeError
        If a, b are not networks or domain not a domain.
    ValueError
        If d or k differ, ``method`` is unknown, or ``limit`` or ``time_limit`` is not positive.
    SearchLimitExceeded
        With ``method="exact"``, when the vertex enumeration needs more than ``limit`` steps.
    InvalidDomainError
        If the domain is unbounded or has the wrong dimension.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> from shallowsym.domain import Box
    >>> a = ShallowNetwork([[1], [1]], [0, -1], [[1, 1]], [0])     # relu(x) + relu(x - 1)
    >>> b = ShallowNetwork([[1], [1]], [0, -2], [[1, 1]], [0])     # relu(x) + relu(x - 2)
    >>> result = max_difference(a, b, domain=Box([-1], [3]))
    >>> result.maximum, result.points[0], result.exact, result.cancelled
    (Fraction(1, 1), (Fraction(2, 1),), True, 1)

    References
    ----------
    proofs/domains.md, Theorem D5 (the maximum at a vertex of the remaining arrangement).
    """
    for name, net in (("a", a), ("b", b)):
        if not isinstance(net, ShallowNetwork):
            raise TypeError(
                f"max_difference expects ShallowNetwork arguments; {name} is {type(net).__name__}"
            )
    if (a.d, a.k) != (b.d, b.k):
        raise ValueError(f"a has (d, k) = {(a.d, a.k)} but b has {(b.d, b.k)}")
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, not {method!r}")
    if time_limit is not None and (isinstance(time_limit, bool) or not time_limit > 0):
        raise ValueError(f"time_limit must be a positive number of seconds, not {time_limit!r}")
    check_limit(limit)
    domain = as_domain(domain, a.d)
    if not domain.bounded:
        raise InvalidDomainError("max_difference needs a bounded domain; this polytope is not")
    g = _Difference(canonical_form(a, domain=domain), canonical_form(b, domain=domain))
    k = a.k
    if not g.terms and not any(g.delta) and not any(map(any, g.M)):
        c = domain.interior_point()
        return MaxDifference(
            (Fraction(0),) * k, (c,) * k, (None,) * k, True, "equal", 0, g.cancelled
        )
    if method != "milp":
        if not g.terms:
            values, points = _affine(g, domain, k)
            kind = "affine"
        else:
            steps = vertex_count(g, domain)
            if steps > limit:
                if method == "exact":
                    raise SearchLimitExceeded(
                        f"max_difference: the exact vertex enumeration of {len(g.terms)} "
                        f"remaining hyperplanes in d = {a.d} tries {steps} candidate vertices, "
                        f"more than limit={limit}; raise limit= or use method='milp'",
                        limit=limit,
                    )
                return _milp(a, b, g, domain, k, time_limit)
            values, points = _vertices(g, domain, k)
            kind = "vertices"
        for j in range(k):  # an independent check by the networks themselves
            assert abs(a(points[j])[j] - b(points[j])[j]) == values[j]
        return MaxDifference(
            tuple(values), tuple(points), (None,) * k, True, kind, len(g.terms), g.cancelled
        )
    return _milp(a, b, g, domain, k, time_limit)


def _affine(g: _Difference, domain, k: int):
    values, points = [], []
    for j in range(k):
        u = tuple(m / 2 for m in g.M[j])
        (low, x_low), (high, x_high) = domain.affine_range(u, g.delta[j])
        if -low >= high:
            values.append(-low)
            points.append(tuple(x_low))
        else:
            values.append(high)
            points.append(tuple(x_high))
    return values, points


def _lines(g: _Difference, domain) -> list[tuple[tuple[Fraction, ...], Fraction]]:
    """(n, rhs) with n.x = rhs: the remaining hyperplanes and the facets of D."""
    A, b = domain.halfspaces()
    out = [(tuple(row), rhs) for row, rhs in zip(A, b, strict=True)]
    out += [(normal, -offset) for _, _, normal, offset in g.terms]
    return out


def vertex_count(g: _Difference, domain) -> int:
    """The number of d-subsets of the remaining hyperplanes and facets of D that
    :func:`max_difference`'s exact enumeration solves (its search size, for ``limit=``)."""
    facets = 2 * domain.d if isinstance(domain, Box) else len(domain.b)
    return math.comb(len(g.terms) + facets, domain.d)


def _vertices(g: _Difference, domain, k: int):
    """Exact sup |g_j| over D for every j: g is affine on each closed cell of the arrangement of
    the remaining hyperplanes inside D, so |g_j| (convex there) peaks at a vertex of a cell,
    which is a point of D where d linearly independent hyperplanes or facets meet."""
    d = domain.d
    lines = _lines(g, domain)
    best: list[tuple[Fraction, Point] | None] = [None] * k
    seen: set[Point] = set()
    for chosen in itertools.combinations(lines, d):
        A = fmpq_mat(d, d, [fmpq(v.numerator, v.denominator) for n, _ in chosen for v in n])
        if A.rank() < d:
            continue
        rhs = fmpq_mat(d, 1, [fmpq(r.numerator, r.denominator) for _, r in chosen])
        x = tuple(to_fraction(v) for v in A.solve(rhs).entries())
        if x in seen or not domain.contains(x):
            continue
        seen.add(x)
        for j in range(k):
            v = abs(g(x, j))
            if best[j] is None or v > best[j][0] or (v == best[j][0] and x < best[j][1]):
                best[j] = (v, x)
    return [v for v, _ in best], [x for _, x in best]


def _milp(a, b, g: _Difference, domain, k: int, time_limit):
    import numpy as np

    try:
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse import coo_matrix
    except ImportError:
        raise MissingDependencyError(
            f"max_difference with d = {domain.d} and {len(g.terms)} remaining hyperplanes "
            "solves a MILP with scipy: pip install 'shallowsym[milp]'"
        ) from None

    d, m = domain.d, len(g.terms)
    if isinstance(domain, Box):
        x_lo = np.array([float(v) for v in domain.lo])
        x_hi = np.array([float(v) for v in domain.hi])
        P_rows, P_rhs = np.zeros((0, d)), np.zeros(0)
    else:  # variable bounds: a box around D (its own rows, or 2 d exact programs)
        outer = domain.outer_box()
        if outer is None:
            ranges = [domain.affine_range([int(i == j) for i in range(d)], 0) for j in range(d)]
            outer = tuple(r[0][0] for r in ranges), tuple(r[1][0] for r in ranges)
        x_lo = np.array([float(v) for v in outer[0]])
        x_hi = np.array([float(v) for v in outer[1]])
        P_rows = np.array([[float(v) for v in row] for row in domain.A])
        P_rhs = np.array([float(v) for v in domain.b])
    # The float data of the sigma form g_j = sum kappa relu(l) + L_j x + e_j, with
    # L = M/2 - sum kappa u / 2 and e = delta - sum kappa c / 2: the solver's input only; the
    # values returned are exact evaluations.
    U = np.array([[float(v) for v in normal] for _, _, normal, _ in g.terms]).reshape(m, d)
    c = np.array([float(offset) for _, _, _, offset in g.terms])
    K = np.array([[float(v) for v in kink] for _, kink, _, _ in g.terms]).reshape(m, k)
    L = np.array([[float(v) / 2 for v in row] for row in g.M]) - 0.5 * K.T @ U
    e = np.array([float(v) for v in g.delta]) - 0.5 * K.T @ c
    # big-M bounds of each l_H over D: exact on a box; over the outer box of a polytope when
    # it has one (wider, still valid), else its exact range
    around = domain
    if isinstance(domain, Polytope) and domain.outer_box() is not None:
        around = Box(*domain.outer_box())
    ranges = [around.affine_range(normal, offset) for _, _, normal, offset in g.terms]
    l_low = np.array([float(r[0][0]) for r in ranges])
    l_high = np.array([float(r[1][0]) for r in ranges])
    values, points, uppers = [], [], []
    for j in range(k):
        active = np.flatnonzero(K[:, j])
        n = len(active)
        candidates: list[Point] = []
        upper = None
        for sign in (1, -1):
            nvar = d + 2 * n  # x, r_H, z_H
            cost = np.zeros(nvar)
            cost[:d] = -sign * L[j]
            cost[d : d + n] = -sign * K[active, j]
            lo_b = np.concatenate([x_lo, np.zeros(2 * n)])
            hi_b = np.concatenate(
                [x_hi, l_high[active] + 1e-7 * (1 + np.abs(l_high[active])), np.ones(n)]
            )
            integrality = np.zeros(nvar)
            blocks_r, blocks_c, blocks_v, ub = [], [], [], []
            row = 0
            for t, i in enumerate(active):
                ri, zi = d + t, d + n + t
                cols = np.flatnonzero(U[i])
                # r >= l(x):  u.x - r <= -c
                blocks_r += [np.full(len(cols) + 1, row)]
                blocks_c += [np.append(cols, ri)]
                blocks_v += [np.append(U[i, cols], -1.0)]
                ub.append(-c[i])
                row += 1
                if sign * K[i, j] > 0:  # maximizing pushes r up: r <= l - m (1 - z), r <= M z
                    integrality[zi] = 1
                    big_low = l_low[i] - 1e-7 * (1 + abs(l_low[i]))
                    blocks_r += [np.full(len(cols) + 2, row), np.array([row + 1, row + 1])]
                    blocks_c += [np.concatenate([cols, [ri, zi]]), np.array([ri, zi])]
                    blocks_v += [
                        np.concatenate([-U[i, cols], [1.0, -big_low]]),
                        np.array([1.0, -hi_b[ri]]),
                    ]
                    ub += [c[i] - big_low, 0.0]
                    row += 2
            # Pair cuts: relu(l_t) - relu(l_s) <= max over D of (l_t - l_s)^+, valid for every
            # pair; they make the relaxation tight where a changed neuron's two hyperplanes
            # nearly coincide (its kinks +kappa and -kappa nearly cancel).
            convex = [t for t, i in enumerate(active) if sign * K[i, j] > 0]
            concave = [t for t, i in enumerate(active) if sign * K[i, j] < 0]
            for t in convex:
                for q in concave:
                    i, p = active[t], active[q]
                    diff = U[i] - U[p]
                    gap = c[i] - c[p] + np.maximum(diff * x_hi, diff * x_lo).sum()
                    gap = max(gap, 0.0) * (1 + 1e-9) + 1e-9
                    if gap < hi_b[d + t]:
                        blocks_r.append(np.array([row, row]))
                        blocks_c.append(np.array([d + t, d + q]))
                        blocks_v.append(np.array([1.0, -1.0]))
                        ub.append(gap)
                        row += 1
            for prow, rhs in zip(P_rows, P_rhs, strict=True):
                cols = np.flatnonzero(prow)
                blocks_r.append(np.full(len(cols), row))
                blocks_c.append(cols)
                blocks_v.append(prow[cols])
                ub.append(rhs)
                row += 1
            constraints = []
            if row:
                where = (np.concatenate(blocks_r), np.concatenate(blocks_c))
                matrix = coo_matrix((np.concatenate(blocks_v), where), shape=(row, nvar)).tocsr()
                constraints = [LinearConstraint(matrix, -np.inf, np.array(ub))]
            options = {"mip_rel_gap": MILP_GAP}
            if time_limit is not None:
                options["time_limit"] = time_limit
            # without presolve first: on these small problems HiGHS's presolve costs several
            # times the solve (and occasionally ends in "Solve error"); with it if that fails
            for presolve in _PRESOLVE:
                options["presolve"] = presolve
                res = milp(
                    cost,
                    integrality=integrality,
                    bounds=Bounds(lo_b, hi_b),
                    constraints=constraints,
                    options=options,
                )
                if res.x is not None:
                    break
            terms = [g.terms[i] for i in active]
            if res.x is None:  # HiGHS failed twice: one LP per activation pattern instead
                bound, point = _patterns(terms, j, L[j], domain, x_lo, x_hi, sign, res.message)
            else:
                bound = getattr(res, "mip_dual_bound", None)
                if bound is None or not np.isfinite(bound):
                    bound = res.fun
                point = res.x[:d]
            side_upper = -bound + sign * float(e[j])
            upper = side_upper if upper is None else max(upper, side_upper)
            candidates += _into_domain(domain, point)
        # the candidates are ranked in floats, and the best ones evaluated exactly on the
        # cancelled difference; the best of those is the certified value (checked once more
        # by the networks themselves below)
        unique = list(dict.fromkeys(candidates))
        X = np.array([[float(v) for v in p] for p in unique])
        approx = np.abs(X @ L[j] + e[j] + np.maximum(X @ U.T + c, 0) @ K[:, j])
        top = np.flatnonzero(approx >= approx.max() - 1e-9 * (1 + approx.max()))
        exact = [(abs(g(unique[i], j)), unique[i]) for i in top]
        value, x = max(exact, key=lambda pair: pair[0])
        values.append(value)
        points.append(x)
        uppers.append(max(upper, float(value)))
    worst = max(range(k), key=lambda j: values[j])
    x = points[worst]
    assert abs(a(x)[worst] - b(x)[worst]) == values[worst]  # the networks agree with g
    return MaxDifference(
        tuple(values), tuple(points), tuple(uppers), False, "milp", len(g.terms), g.cancelled
    )


def _patterns(terms, j, L, domain, x_lo, x_hi, sign, message, max_terms: int = 12):
    """max of sign * (sum kappa_j relu(l) + L x) by one LP per activation pattern (HiGHS's LP),
    as (minus the optimum, argmax): the fallback when the MILP solver fails."""
    import numpy as np
    from scipy.optimize import linprog

    if len(terms) > max_terms:
        raise RuntimeError(f"the MILP solver found no point: {message}")
    best, point = None, None
    for pattern in itertools.product((0, 1), repeat=len(terms)):
        cost = sign * np.asarray(L, dtype=float)
        rows, rhs = [], []
        const = 0.0
        for on, (_, kink, normal, offset) in zip(pattern, terms, strict=True):
            u = np.array([float(v) for v in normal])
            if on:  # l >= 0 contributes kappa l
                cost = cost + sign * float(kink[j]) * u
                const += sign * float(kink[j]) * float(offset)
                rows.append(-u)
                rhs.append(float(offset))
            else:
                rows.append(u)
                rhs.append(-float(offset))
        if isinstance(domain, Polytope):
            rows += [[float(v) for v in row] for row in domain.A]
            rhs += [float(v) for v in domain.b]
        res = linprog(-cost, A_ub=rows, b_ub=rhs, bounds=list(zip(x_lo, x_hi, strict=True)))
        if res.status == 0 and (best is None or -res.fun + const > best):
            best, point = -res.fun + const, res.x
    if point is None:
        raise RuntimeError(f"the MILP solver found no point: {message}")
    return -best, point


def _into_domain(domain, x) -> list[Point]:
    """The solver's float point, converted exactly and rounded to small denominators, each
    moved into D (clipped to a box; pulled toward the interior point of a polytope)."""
    exact = tuple(Fraction(float(v)) for v in x)
    out = []
    for candidate in (
        exact,
        tuple(v.limit_denominator(1000) for v in exact),
        tuple(v.limit_denominator(10**6) for v in exact),
    ):
        if isinstance(domain, Box):
            out.append(
                tuple(
                    min(max(v, lo), hi)
                    for v, lo, hi in zip(candidate, domain.lo, domain.hi, strict=False)
                )
            )
            continue
        c = domain.interior_point()
        lam = Fraction(1)
        while not domain.contains(candidate):
            lam /= 2
            candidate = tuple(p + (1 - lam) * (v - p) for p, v in zip(c, candidate, strict=True))
        out.append(candidate)
    return out


def epsilon_verdict(
    a: ShallowNetwork, b: ShallowNetwork, domain: Box | Polytope, epsilon: Any
) -> tuple[bool, str, Point | None]:
    """(within, reason, witness) for sup over D of |f_a - f_b| <= epsilon (every output).

    ``witness`` is a point of D where some output differs by more than epsilon, when one is
    certified. When the MILP's certified lower bound is at most epsilon but its float upper
    bound is above it, the verdict is False and the reason says "undecided".

    Parameters
    ----------
    a, b
        Networks with the same d and k.
    domain
        A bounded :class:`~shallowsym.domain.Box` or :class:`~shallowsym.domain.Polytope` of
        dimension d (or a dict in their ``to_dict()`` form).
    epsilon
        The tolerance, a non-negative exact number (int, Fraction, a string such as ``"1/2"``,
        or a float converted exactly).

    Returns
    -------
    (within, reason, witness)
        ``within`` is True when sup over D of |f_a - f_b| <= epsilon is proved (exactly, or by
        the MILP solver's float upper bound, which the reason then says); ``reason`` is one
        line saying how it was decided (or "undecided: ..."); ``witness`` is a point of D
        (tuple of Fractions) where an output differs by more than epsilon, or None.

    Raises
    ------
    TypeError
        If ``a`` or ``b`` is not a ShallowNetwork or ``domain`` is not a domain.
    InvalidNetworkError
        If ``epsilon`` is not a finite rational number (nan, infinite, a string that does not
        parse).
    ValueError
        If ``epsilon`` is negative, or d or k of a and b differ.
    InvalidDomainError
        If the domain is unbounded or its dimension is not d.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> from shallowsym.domain import Box
    >>> a = ShallowNetwork([[1]], [0], [[1]], [0])          # relu(x)
    >>> b = ShallowNetwork([[1]], [0], [[2]], [0])          # 2 relu(x)
    >>> epsilon_verdict(a, b, Box([0], [1]), 1)
    (True, 'max |f_a - f_b| on D = [0, 1]^1 is 1 <= 1 (exact)', None)
    >>> epsilon_verdict(a, b, Box([0], [1]), "1/2")
    (False, 'max |f_a - f_b| on D = [0, 1]^1 is 1 > 1/2 (exact)', (Fraction(1, 1),))

    References
    ----------
    docs/theory.md, section 9 (the largest difference on D); proofs/domains.md, Theorem D5
    (maximum of |f_a - f_b| on a bounded D).
    """
    check_network(a, "epsilon_verdict", "a")
    check_network(b, "epsilon_verdict", "b")
    try:
        eps = to_fraction(as_rational(epsilon, "epsilon"))
    except InvalidNetworkError as err:  # the number is an argument here, not a network entry
        raise ValueError(str(err)) from None
    if eps < 0:
        raise ValueError(f"epsilon must be non-negative, not {format_rational(eps)}")
    md = max_difference(a, b, domain=domain)
    eps_text = format_rational(eps)
    worst = max(range(len(md.values)), key=lambda j: md.values[j])
    x = md.points[worst]
    if md.exact:
        value = format_rational(md.maximum)
        if md.maximum <= eps:
            return True, f"max |f_a - f_b| on D = {domain} is {value} <= {eps_text} (exact)", None
        return False, f"max |f_a - f_b| on D = {domain} is {value} > {eps_text} (exact)", x
    low = format_rational(md.maximum)
    if md.maximum > eps:
        return (
            False,
            f"max |f_a - f_b| on D = {domain} is at least {low} > {eps_text} "
            "(certified by exact evaluation at the MILP's point)",
            x,
        )
    if md.upper_bound <= float(eps):
        return (
            True,
            f"max |f_a - f_b| on D = {domain} is at most {md.upper_bound:.12g} <= "
            f"{eps_text} by the MILP solver's bound (HiGHS, float, relative gap {MILP_GAP}; "
            f"certified lower bound {low})",
            None,
        )
    return (
        False,
        f"undecided: certified lower bound {low} <= {eps_text} < "
        f"{md.upper_bound:.12g}, the MILP solver's upper bound",
        None,
    )
