"""sup over a domain D of |f_a - f_b|, on the exactly cancelled difference (proofs/domains.md).

The canonical forms of a and b on D are subtracted first: every bent hyperplane the two share
with the same kink cancels exactly, hyperplanes missing D are folded into the affine part, and
only the remaining hyperplanes R (kink difference != 0) bend g = f_a - f_b on D. Then

* R empty: g is affine on D, and sup |g_j| is the larger of -min g_j and max g_j over D (exact:
  closed form on a box, an exact LP on a polytope);
* d <= 2: |g_j| is convex on each cell of the arrangement of R inside the polytope D, so its
  maximum is attained at a vertex of that subdivision: an intersection of d lines among R and
  the facets of D, lying in D. All of them are enumerated and evaluated exactly (exact);
* otherwise: two mixed-integer programs per output (max g_j and max -g_j) over D with one
  binary per remaining hyperplane, solved by scipy's ``milp`` (HiGHS). The solver's optimal x
  is converted exactly, moved into D, and the networks are evaluated there exactly: a certified
  lower bound. The solver's dual bound is an upper bound up to its tolerance, labelled as such.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .canonical import canonical_form
from .domain import Box, Polytope, as_domain
from .errors import InvalidDomainError, MissingDependencyError
from .hyperplanes import Key, hyperplane_normal_offset
from .network import ShallowNetwork
from .rationals import as_rational, format_rational, to_fraction
from .text import format_number

__all__ = ["MaxDifference", "epsilon_verdict", "max_difference"]

Point = tuple[Fraction, ...]
MILP_GAP = 1e-9
_METHODS = ("auto", "exact", "milp")


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
        ``"vertices"`` (d <= 2 enumeration) or ``"milp"``.
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
            f"{self.method}; {self.remaining} hyperplanes remain after {self.cancelled} cancelled)"
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
) -> MaxDifference:
    """sup over D of |f_a - f_b| per output, on the exactly cancelled difference.

    Parameters
    ----------
    a, b
        Networks with the same d and k.
    domain
        A bounded :class:`~shallowsym.domain.Box` or :class:`~shallowsym.domain.Polytope`.
    method
        ``"auto"`` (exact when no hyperplane remains or d <= 2, else MILP), ``"exact"``
        (raise if neither applies) or ``"milp"``.
    time_limit
        Seconds per MILP solve (HiGHS); the bounds stay valid, only less tight.

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
        If d or k differ, ``method`` is unknown, or ``"exact"`` is impossible.
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
    if method != "milp" and (not g.terms or a.d <= 2):
        if not g.terms:
            values, points = _affine(g, domain, k)
            kind = "affine"
        else:
            values, points = _vertices(g, domain, k)
            kind = "vertices"
        for j in range(k):  # an independent check by the networks themselves
            assert abs(a(points[j])[j] - b(points[j])[j]) == values[j]
        return MaxDifference(
            tuple(values), tuple(points), (None,) * k, True, kind, len(g.terms), g.cancelled
        )
    if method == "exact":
        raise ValueError(
            f"no exact method for d = {a.d} with {len(g.terms)} remaining hyperplanes; "
            "use method='milp' or 'auto'"
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


def _lines(g: _Difference, domain, j: int) -> list[tuple[tuple[Fraction, ...], Fraction]]:
    """(n, rhs) with n.x = rhs: the remaining hyperplanes of output j and the facets of D."""
    A, b = domain.halfspaces()
    out = [(tuple(row), rhs) for row, rhs in zip(A, b, strict=True)]
    out += [(normal, -offset) for _, kink, normal, offset in g.terms if kink[j]]
    return out


def _vertices(g: _Difference, domain, k: int):
    d = domain.d
    values, points = [], []
    for j in range(k):
        lines = _lines(g, domain, j)
        candidates: set[Point] = set()
        if d == 1:
            for (n,), rhs in lines:
                candidates.add((rhs / n,))
        else:
            for (n1, r1), (n2, r2) in itertools.combinations(lines, 2):
                det = n1[0] * n2[1] - n1[1] * n2[0]
                if det:
                    candidates.add(
                        ((r1 * n2[1] - r2 * n1[1]) / det, (n1[0] * r2 - n2[0] * r1) / det)
                    )
        best = None
        for x in sorted(candidates):
            if domain.contains(x):
                v = abs(g(x, j))
                if best is None or v > best[0]:
                    best = (v, x)
        values.append(best[0])
        points.append(best[1])
    return values, points


def _milp(a, b, g: _Difference, domain, k: int, time_limit):
    import numpy as np

    try:
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse import lil_matrix
    except ImportError:
        raise MissingDependencyError(
            f"max_difference with d = {domain.d} > 2 and {len(g.terms)} remaining hyperplanes "
            "solves a MILP with scipy: pip install 'shallowsym[milp]'"
        ) from None

    d = domain.d
    if isinstance(domain, Box):
        x_lo = [float(v) for v in domain.lo]
        x_hi = [float(v) for v in domain.hi]
    else:
        ranges = [domain.affine_range([int(i == j) for i in range(d)], 0) for j in range(d)]
        x_lo = [float(r[0][0]) for r in ranges]
        x_hi = [float(r[1][0]) for r in ranges]
    values, points, uppers = [], [], []
    exact_values: dict[Point, list[Fraction]] = {}
    fa, fb = a.to_numpy(), b.to_numpy()

    def float_difference(p: Point):
        z = np.array([float(v) for v in p])
        out = []
        for W1, b1, W2, b2 in (fa, fb):
            out.append(W2 @ np.maximum(W1 @ z + b1, 0) + b2)
        return out[0] - out[1]

    ranges_by_key = {}
    for key, _, normal, offset in g.terms:
        (low, _), (high, _) = domain.affine_range(normal, offset)
        ranges_by_key[key] = (float(low), float(high))
    for j in range(k):
        # sigma form: g_j = sum kappa relu(l) + L x + e, with L = M/2 - sum kappa u / 2.
        L = [m / 2 for m in g.M[j]]
        e = g.delta[j]
        terms = [(key, kink[j], normal, offset) for key, kink, normal, offset in g.terms if kink[j]]
        for _, kap, normal, offset in terms:
            e -= kap * offset / 2
            for col, u in enumerate(normal):
                if u:
                    L[col] -= kap * u / 2
        candidates: list[Point] = []
        upper = None
        for sign in (1, -1):
            n = len(terms)
            nvar = d + 2 * n  # x, r_H, z_H
            cost = np.zeros(nvar)
            cost[:d] = [-sign * float(v) for v in L]
            rows = lil_matrix(
                (3 * n + (len(domain.b) if isinstance(domain, Polytope) else 0), nvar)
            )
            lb, ub = [], []
            integrality = np.zeros(nvar)
            lo_b = list(x_lo) + [0.0] * n + [0.0] * n
            hi_b = list(x_hi) + [0.0] * n + [1.0] * n
            r = 0
            for t, (key, kap, normal, offset) in enumerate(terms):
                m_low, m_high = ranges_by_key[key]
                ri, zi = d + t, d + n + t
                cost[ri] = -sign * float(kap)
                hi_b[ri] = m_high + 1e-7 * (1 + abs(m_high))
                # r >= l(x):  u.x - r <= -c
                for col, u in enumerate(normal):
                    if u:
                        rows[r, col] = float(u)
                rows[r, ri] = -1.0
                lb.append(-np.inf)
                ub.append(-float(offset))
                r += 1
                if sign * kap > 0:  # maximizing pushes r up: r <= l - m (1 - z), r <= M z
                    integrality[zi] = 1
                    big_low = m_low - 1e-7 * (1 + abs(m_low))
                    for col, u in enumerate(normal):
                        if u:
                            rows[r, col] = -float(u)
                    rows[r, ri] = 1.0
                    rows[r, zi] = -big_low
                    lb.append(-np.inf)
                    ub.append(float(offset) - big_low)
                    r += 1
                    rows[r, ri] = 1.0
                    rows[r, zi] = -hi_b[ri]
                    lb.append(-np.inf)
                    ub.append(0.0)
                    r += 1
            if isinstance(domain, Polytope):
                for row, rhs in zip(domain.A, domain.b, strict=True):
                    for col, v in enumerate(row):
                        if v:
                            rows[r, col] = float(v)
                    lb.append(-np.inf)
                    ub.append(float(rhs))
                    r += 1
            constraints = [] if r == 0 else [LinearConstraint(rows[:r].tocsr(), lb, ub)]
            options = {"mip_rel_gap": MILP_GAP}
            if time_limit is not None:
                options["time_limit"] = time_limit
            for presolve in (True, False):  # HiGHS's presolve occasionally ends in "Solve error"
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
            if res.x is None:  # HiGHS failed twice: one LP per activation pattern instead
                bound, point = _patterns(terms, L, domain, x_lo, x_hi, sign, res.message)
            else:
                bound = getattr(res, "mip_dual_bound", None)
                if bound is None or not np.isfinite(bound):
                    bound = res.fun
                point = res.x[:d]
            side_upper = -bound + sign * float(e)
            upper = side_upper if upper is None else max(upper, side_upper)
            candidates += _into_domain(domain, point)
        # the candidate with the largest float |g_j| is evaluated exactly: the certified value
        x = max(candidates, key=lambda p: abs(float_difference(p)[j]))
        if x not in exact_values:
            exact_values[x] = [p - q for p, q in zip(a(x), b(x), strict=True)]
        values.append(abs(exact_values[x][j]))
        points.append(x)
        uppers.append(max(upper, float(values[-1])))
    return MaxDifference(
        tuple(values), tuple(points), tuple(uppers), False, "milp", len(g.terms), g.cancelled
    )


def _patterns(terms, L, domain, x_lo, x_hi, sign, message, max_terms: int = 12):
    """max of sign * (sum kappa relu(l) + L x) by one LP per activation pattern (HiGHS's LP),
    as (minus the optimum, argmax): the fallback when the MILP solver fails."""
    import numpy as np
    from scipy.optimize import linprog

    if len(terms) > max_terms:
        raise RuntimeError(f"the MILP solver found no point: {message}")
    best, point = None, None
    for pattern in itertools.product((0, 1), repeat=len(terms)):
        c = np.array([sign * float(v) for v in L])
        rows, rhs = [], []
        for on, (_, kap, normal, offset) in zip(pattern, terms, strict=True):
            u = np.array([float(v) for v in normal])
            if on:  # l >= 0 contributes kappa l
                c = c + sign * float(kap) * u
                rows.append(-u)
                rhs.append(float(offset))
            else:
                rows.append(u)
                rhs.append(-float(offset))
        const = sum(
            sign * float(kap) * float(offset)
            for on, (_, kap, _, offset) in zip(pattern, terms, strict=True)
            if on
        )
        if isinstance(domain, Polytope):
            rows += [[float(v) for v in row] for row in domain.A]
            rhs += [float(v) for v in domain.b]
        res = linprog(-c, A_ub=rows, b_ub=rhs, bounds=list(zip(x_lo, x_hi, strict=True)))
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
    """
    eps = to_fraction(as_rational(epsilon, "epsilon"))
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
