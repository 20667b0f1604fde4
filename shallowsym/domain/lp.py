"""Linear programs over a polytope {x : A x <= b}, answered exactly (proofs/domains.md).

Two ways, one answer. :func:`exact_lp_min` is a dense rational simplex whose optimum is
re-checked by a primal point and dual multipliers: always exact, but a pivot costs O(m d)
``Fraction`` operations, minutes at d = 784. When scipy is installed, HiGHS *proposes* and
exact arithmetic *checks* (:func:`certified_interior_point`, :class:`PolytopeSides`): a
float interior point is kept only if A x < b holds exactly; "the hyperplane meets int(D)" is
kept only with two exact points of D strictly on either side; "l >= 0 on D" only with exact
multipliers y >= 0 whose weak-duality bound is checked in rationals. Anything not certified is
answered by the exact simplex, so the float solver changes the time, never the answer.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np
from flint import fmpz_mat

from ..errors import InvalidDomainError

__all__ = [
    "IntegerRows",
    "PolytopeSides",
    "certified_interior_point",
    "exact_lp_min",
    "integer_point",
]

# the float optimum is pulled this fraction of the way back toward an interior point, so that
# a vertex a rounding error outside D becomes a point inside it (a power of two, 1 / 2^30)
_PULL = Fraction(1, 2**30)

Point = tuple[Fraction, ...]


def _dot(u, x) -> Fraction:
    return sum((a * b for a, b in zip(u, x, strict=True) if a), Fraction(0))


def exact_lp_min(u, A, b) -> tuple[Fraction, Point, tuple[Fraction, ...]]:
    """Exact min of u.x subject to A x <= b, for a feasible, bounded problem.

    Solved as the dual standard-form problem min b.y s.t. A^T y = -u, y >= 0 by a dense
    rational two-phase simplex with Bland's rule (which terminates); the primal optimum x is
    read from the simplex multipliers. The answer is then re-checked from scratch: A x <= b,
    A^T y = -u, y >= 0 and u.x = -b.y, so a wrong pivot could not go unnoticed.

    Parameters
    ----------
    u
        The d cost coefficients (exact numbers: int, Fraction, or strings such as ``"1/3"``).
    A
        The m constraint rows, each of d exact numbers.
    b
        The m right-hand sides.

    Returns
    -------
    (value, x, y)
        The optimum (a Fraction), a primal point x attaining it (a tuple of d Fractions), the
        dual multipliers y >= 0 certifying it (a tuple of m Fractions, A^T y = -u).

    Raises
    ------
    InvalidDomainError
        If the problem is infeasible or unbounded (callers bound their problems).
    ValueError
        If an entry is a string that is not a rational number (from ``Fraction``), a row of
        A does not have d = len(u) entries, or b does not have one entry per row of A.
    TypeError
        If an entry is not a number at all (from ``Fraction``).

    Examples
    --------
    >>> exact_lp_min([1, 1], [[-1, 0], [0, -1], [-1, -2]], [0, 0, -1])[0]   # x, y >= 0, x+2y >= 1
    Fraction(1, 2)
    >>> value, x, y = exact_lp_min([-1], [[1], [-1]], ["3/2", 0])     # max x on [0, 3/2]
    >>> value, x, y
    (Fraction(-3, 2), (Fraction(3, 2),), (Fraction(1, 1), Fraction(0, 1)))

    References
    ----------
    docs/theory.md, section 9 (the exact rational linear program on a polytope, re-checked by
    a primal point and dual multipliers); proofs/domains.md, Lemma D1 (deciding "H meets
    int(D)" by weak duality).
    """
    u = [Fraction(v) for v in u]
    A = [[Fraction(v) for v in row] for row in A]
    b = [Fraction(v) for v in b]
    m, d = len(A), len(u)
    for i, row in enumerate(A):
        if len(row) != d:
            raise ValueError(f"exact_lp_min: A[{i}] has {len(row)} entries, but u has {d}")
    if len(b) != m:
        raise ValueError(f"exact_lp_min: b has {len(b)} entries, but A has {m} rows")
    # Rows: d equations sum_i A[i][j] y_i = -u_j; columns: y (m), artificials (d).
    signs = [1 if -u[j] >= 0 else -1 for j in range(d)]
    rows = []
    for j in range(d):
        s = signs[j]
        rows.append(
            [s * A[i][j] for i in range(m)]
            + [Fraction(int(r == j)) for r in range(d)]
            + [s * -u[j]]
        )
    basis = [m + j for j in range(d)]
    n = m + d

    def pivot(r: int, col: int) -> None:
        row = rows[r]
        p = row[col]
        if p != 1:
            rows[r] = row = [v / p for v in row]
        for q, other in enumerate(rows):
            if q != r and other[col]:
                f = other[col]
                rows[q] = [x - f * y for x, y in zip(other, row, strict=True)]
        basis[r] = col

    def run(cost: list[Fraction], allowed: int) -> bool:
        """Minimize cost over the tableau; False when unbounded."""
        while True:
            cb = [cost[c] for c in basis]
            entering = None
            for col in range(allowed):
                if col in basis:
                    continue
                reduced = cost[col] - sum(
                    (cb[r] * rows[r][col] for r in range(d) if rows[r][col]), Fraction(0)
                )
                if reduced < 0:
                    entering = col
                    break
            if entering is None:
                return True
            best = None
            for r in range(d):
                a = rows[r][entering]
                if a > 0:
                    ratio = rows[r][-1] / a
                    if (
                        best is None
                        or ratio < best[0]
                        or (ratio == best[0] and basis[r] < basis[best[1]])
                    ):
                        best = (ratio, r)
            if best is None:
                return False
            pivot(best[1], entering)

    phase1 = [Fraction(0)] * m + [Fraction(1)] * d
    run(phase1, n)
    if any(rows[r][-1] for r in range(d) if basis[r] >= m):
        raise InvalidDomainError("internal LP: the problem is unbounded below")
    # Drive zero-level artificials out of the basis where possible.
    for r in range(d):
        if basis[r] >= m:
            col = next((c for c in range(m) if rows[r][c] and c not in basis), None)
            if col is not None:
                pivot(r, col)
    cost = b + [Fraction(0)] * d
    # Artificials may not enter again; their columns still carry B^-1.
    if not run(cost, m):
        raise InvalidDomainError("internal LP: the problem is infeasible")
    y = [Fraction(0)] * m
    for r, col in enumerate(basis):
        if col < m:
            y[col] = rows[r][-1]
    cb = [cost[c] if c < m else Fraction(0) for c in basis]
    # simplex multipliers pi_j = c_B B^-1 e_j = column of artificial j (times its row sign)
    x = tuple(
        signs[j] * sum((cb[r] * rows[r][m + j] for r in range(d) if rows[r][m + j]), Fraction(0))
        for j in range(d)
    )
    value = _dot(u, x)
    ok = (
        all(v >= 0 for v in y)
        and all(_dot(row, x) <= rhs for row, rhs in zip(A, b, strict=True))
        and all(sum((A[i][j] * y[i] for i in range(m)), Fraction(0)) == -u[j] for j in range(d))
        and value == -_dot(b, y)
    )
    if not ok:  # pragma: no cover - the checks guard the simplex, they never fail on purpose
        raise AssertionError("internal error: the exact LP certificate does not check")
    return value, x, tuple(y)


class IntegerRows:
    """A x <= b with every row scaled to integers (the same set): one flint product decides
    whether a rational point lies in it. Also keeps the float copy HiGHS reads (:attr:`floats`),
    so a polytope encodes its rows once for the interior point and for the sides."""

    def __init__(self, A, b):
        self.A, self.b = A, b
        flat, rhs, scales = [], [], []
        for row, beta in zip(A, b, strict=True):
            den = math.lcm(*(v.denominator for v in row), beta.denominator)
            flat += [v.numerator * (den // v.denominator) for v in row]
            rhs.append(beta.numerator * (den // beta.denominator))
            scales.append(den)
        self.scales = scales  # row i of N x <= t is den_i times row i of A x <= b
        self.d = len(A[0])
        self.N = fmpz_mat(len(A), self.d, flat)
        self.rhs = rhs
        d = self.d
        self.sparse = [
            [(j, v) for j, v in enumerate(flat[i * d : (i + 1) * d]) if v] for i in range(len(A))
        ]

    @cached_property
    def floats(self) -> tuple[np.ndarray, np.ndarray] | None:
        """A and b as float arrays for HiGHS, or None when an entry is beyond float range (the
        exact simplex then answers everything)."""
        try:
            return (
                np.array([[float(v) for v in row] for row in self.A]),
                np.array([float(v) for v in self.b]),
            )
        except OverflowError:
            return None

    def contains(self, X: list[int], q: int, *, strict: bool = False) -> bool:
        """Whether A x <= b (A x < b with ``strict``) at x = X / q (q > 0), exactly."""
        values = (self.N * fmpz_mat(self.d, 1, X)).entries()
        if strict:
            return all(v < t * q for v, t in zip(values, self.rhs, strict=True))
        return all(v <= t * q for v, t in zip(values, self.rhs, strict=True))


def integer_point(x) -> tuple[list[int], int]:
    """(X, q) with x = X / q, q > 0 the common denominator of the exact rationals x: integer
    arithmetic for many hyperplanes or rows at one point.

    >>> integer_point([Fraction(1, 2), Fraction(-2, 3), 1])
    ([3, -4, 6], 6)
    """
    x = [Fraction(v) for v in x]
    q = math.lcm(*(v.denominator for v in x))
    return [v.numerator * (q // v.denominator) for v in x], q


def _dyadic(x_f: np.ndarray) -> tuple[list[int], int]:
    """(F, Q) with x_f = F / Q exactly (floats are dyadic: Q the largest power of two)."""
    ratios = [float(v).as_integer_ratio() for v in x_f]
    Q = max(den for _, den in ratios)
    return [num * (Q // den) for num, den in ratios], Q


def _linprog(cost, A: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """HiGHS's (x, y) for min cost.x s.t. A x <= b (y >= 0 the multipliers, A^T y ~ -cost),
    or None when scipy is not installed or HiGHS does not report an optimum."""
    try:
        from scipy.optimize import linprog
    except ImportError:
        return None
    res = linprog(cost, A_ub=A, b_ub=b, bounds=(None, None), method="highs")
    if res.status != 0:
        return None
    return res.x, np.maximum(-res.ineqlin.marginals, 0.0)


def certified_interior_point(rows: IntegerRows) -> Point | None:
    """A rational x with A x < b, proposed by HiGHS (max t s.t. A_i x + t |A_i|_1 <= b_i,
    t <= 1) and checked exactly; None when scipy is missing or the check fails (the caller
    then decides by the exact simplex, which also proves emptiness).

    Examples
    --------
    >>> A = [[Fraction(-1), Fraction(0)], [Fraction(0), Fraction(-1)], [Fraction(1), Fraction(1)]]
    >>> x = certified_interior_point(IntegerRows(A, [Fraction(0), Fraction(0), Fraction(1)]))
    >>> x is None or all(a * x[0] + c * x[1] < r for (a, c), r in zip(A, [0, 0, 1]))
    True
    """
    if rows.floats is None:
        return None
    A_f, b_f = rows.floats
    d = A_f.shape[1]
    A_t = np.hstack([A_f, np.abs(A_f).sum(axis=1, keepdims=True)])
    A_t = np.vstack([A_t, np.eye(1, d + 1, d)])
    cost = np.zeros(d + 1)
    cost[d] = -1.0
    solved = _linprog(cost, A_t, np.append(b_f, 1.0))
    if solved is None or not solved[0][d] > 0:
        return None
    X, q = _dyadic(solved[0][:d])
    return tuple(Fraction(v, q) for v in X) if rows.contains(X, q, strict=True) else None


def propagate_bounds(sparse, rhs, lo: list, hi: list, *, passes: int = 8) -> None:
    """Fill in missing coordinate bounds (None in ``lo``/``hi``, changed in place) implied by
    the rows sum_k a_k x_k <= t of a polytope, one row at a time (feasibility-based bound
    tightening): a_j x_j <= t - sum over k != j of min(a_k x_k) over the bounds known so far.
    Every bound found holds on the polytope, so a box made of them contains it; the passes
    stop when a pass finds nothing new. The probability simplex {x >= 0, sum x <= 1} gets
    x_j <= 1 from its last row.

    >>> lo, hi = [0, 0], [None, None]
    >>> propagate_bounds([[(0, 1), (1, 1)]], [1], lo, hi)
    >>> hi
    [Fraction(1, 1), Fraction(1, 1)]
    """
    for _ in range(passes):
        found = False
        for row, t in zip(sparse, rhs, strict=True):
            if not any((hi[j] if a > 0 else lo[j]) is None for j, a in row):
                continue  # every bound this row could give is known
            total, missing = Fraction(0), []
            for j, a in row:  # the least value of a_j x_j, or None when unbounded below
                bound = lo[j] if a > 0 else hi[j]
                if bound is None:
                    missing.append(j)
                else:
                    total += a * bound
            if len(missing) > 1:
                continue
            for j, a in row:
                if (hi[j] if a > 0 else lo[j]) is not None or (missing and missing[0] != j):
                    continue
                rest = total if missing else total - a * (lo[j] if a > 0 else hi[j])
                if a > 0:
                    hi[j] = Fraction(t - rest) / a
                else:
                    lo[j] = Fraction(t - rest) / a
                found = True
        if not found:
            return


def _float_key(key) -> tuple[np.ndarray, float]:
    """(n, n0) of an integer key as floats for the solver, scaled by a power of two when its
    entries are beyond float range (a positive factor: the same sides; only a proposal)."""
    shift = max(0, max(abs(v) for v in key).bit_length() - 1000)
    floats = [float(Fraction(v, 1 << shift)) for v in key] if shift else [float(v) for v in key]
    return np.array(floats[:-1]), floats[-1]


class PolytopeSides:
    """Sides of integer keys (n, n0) on a polytope, exact; HiGHS proposing where scipy is
    installed (one per polytope, kept by it: the pool of points grows across calls).

    Keeps the polytope in integers, floats and sparse rows, an interior point, an outer box
    read from the rows that bound one coordinate, and a pool of exact points of D found so
    far (each may certify later hyperplanes as meeting int(D) without a linear program).
    :meth:`side` certifies "meets the interior" by the interior point or two points of D
    strictly on either side (the pool, then the float optimum pulled 2^-30 of the way toward
    the interior point, each checked by exact arithmetic) and "one side" by exact multipliers
    (the float ones, read as rationals) and weak duality over the outer box. Whatever is not
    certified goes to the exact simplex (:meth:`Domain.side`): the same answers, only the
    time differs.

    Examples
    --------
    >>> from shallowsym.domain import Polytope
    >>> tri = PolytopeSides(Polytope([[-1, 0], [0, -1], [1, 1]], [0, 0, 1]))
    >>> [tri.side(key) for key in [(1, -1, 0), (1, 1, -2), (1, 1, -1), (1, 0, 0)]]
    [0, -1, -1, 1]
    """

    def __init__(self, polytope: Any, rows: IntegerRows | None = None):
        self.polytope = polytope
        self.rows = IntegerRows(polytope.A, polytope.b) if rows is None else rows
        self.A_f, self.b_f = self.rows.floats or (None, None)
        try:  # HiGHS takes a sparse matrix; converting the dense one cost most of each solve
            from scipy.sparse import csr_matrix

            if self.A_f is not None:
                self.A_f = csr_matrix(self.A_f)
        except ImportError:
            pass
        self.sparse = self.rows.sparse
        self.centre = integer_point(polytope.interior_point())
        self.pool: list[tuple[list[int], int]] = []  # exact points X / q of D
        self.pool_f: list[np.ndarray] = []
        self._keep(*self.centre)
        d = polytope.d
        lo: list[Fraction | None] = [None] * d
        hi: list[Fraction | None] = [None] * d
        for row, t in zip(self.sparse, self.rows.rhs, strict=True):
            if len(row) == 1:
                j, a = row[0]
                bound = Fraction(t, a)
                if a > 0:
                    hi[j] = bound if hi[j] is None else min(hi[j], bound)
                else:
                    lo[j] = bound if lo[j] is None else max(lo[j], bound)
        if any(v is None for v in lo + hi):
            propagate_bounds(self.sparse, self.rows.rhs, lo, hi)
        self.outer = None  # (L, lo L, hi L) in integers, L a common denominator
        if all(v is not None for v in lo + hi):
            L = math.lcm(*(v.denominator for v in lo + hi))
            self.outer = (
                L,
                [v.numerator * (L // v.denominator) for v in lo],
                [v.numerator * (L // v.denominator) for v in hi],
            )

    def _keep(self, X: list[int], q: int) -> None:
        try:
            floats = np.array([x / q for x in X])
        except OverflowError:  # beyond float range: not a candidate the floats can rank
            return
        self.pool.append((X, q))
        self.pool_f.append(floats)

    def _pulled(self, X: list[int], q: int) -> tuple[list[int], int]:
        """p c + (1 - p) x for x = X / q, p = _PULL, in integers: strictly inside D when x is
        in D, and a point a rounding error outside D is pulled in."""
        C, qc = self.centre
        top, bottom = _PULL.denominator - _PULL.numerator, _PULL.denominator
        return [c * q + top * x * qc for c, x in zip(C, X, strict=True)], qc * q * bottom

    @staticmethod
    def _sign(key, X: list[int], q: int) -> int:
        """The sign of n . x + n0 at x = X / q (integers only)."""
        value = sum(n * x for n, x in zip(key, X, strict=False) if n) + key[-1] * q
        return (value > 0) - (value < 0)

    def side(self, key) -> int:
        """+1 when n . x + n0 >= 0 on D, -1 when <= 0 on D, 0 when its hyperplane meets
        int(D), for the integer key (n, n0)."""
        at_centre = self._sign(key, *self.centre)
        if at_centre == 0:
            return 0
        if self._pool_crosses(key, at_centre):
            return 0
        verdict = self._by_lp(key, at_centre)
        return verdict if verdict is not None else self._exact(key)

    def _pool_crosses(self, key, sign: int) -> bool:
        """Whether a pool point has sign * l < 0 (floats pick it, exact arithmetic checks)."""
        if not self.pool:
            return False
        n, n0 = _float_key(key)
        values = sign * (np.array(self.pool_f) @ n + n0)
        best = int(np.argmin(values))
        return bool(values[best] < 0) and sign * self._sign(key, *self.pool[best]) < 0

    def _by_lp(self, key, sign: int) -> int | None:
        """Min of sign * l over D by HiGHS: 0 with a point of D where sign * l < 0 (checked
        exactly, kept in the pool), ``sign`` with multipliers proving sign * l >= 0 (checked
        by :meth:`_certify`), None when neither is certified."""
        if self.A_f is None:
            return None
        n_f, n0 = _float_key(key)
        solved = _linprog(sign * n_f, self.A_f, self.b_f)
        if solved is None:
            return None
        x_f, y_f = solved
        if sign * (float(n_f @ x_f) + n0) >= 0:
            return sign if self._certify(key, sign, y_f) else None
        X, q = self._pulled(*_dyadic(x_f))
        if sign * self._sign(key, X, q) < 0 and self.rows.contains(X, q):
            self._keep(X, q)
            return 0
        return None

    def _certify(self, key, sign: int, y_f: np.ndarray) -> bool:
        """Weak duality in integers: for y >= 0 and x in D, y.(t - N x) >= 0 (the rows of A
        scaled to integers N x <= t), so sign l(x) >= sign n0 - t.y + r.x with
        r = sign n + N^T y, and r.x >= min over the outer box. With y = Y / W (the float
        multipliers read exactly, over the row scales; W their common denominator)
        everything below is times W L.
        True when that bound is >= 0."""
        if self.outer is None:
            return False
        scale = float(np.max(y_f, initial=0.0))
        support = np.flatnonzero(y_f > 1e-12 * scale).tolist()
        # the multiplier of scaled row i is y_i / den_i
        ratios = {}
        for i in support:
            num, den = float(y_f[i]).as_integer_ratio()
            ratios[i] = (num, den * self.rows.scales[i])
        W = math.lcm(*(den for _, den in ratios.values()))
        r = [sign * v * W for v in key[:-1]]
        bound = sign * key[-1] * W
        for i, (num, den) in ratios.items():
            Y = num * (W // den)
            for j, a in self.sparse[i]:
                r[j] += Y * a
            bound -= Y * self.rows.rhs[i]
        L, lo, hi = self.outer
        box = sum(min(v * a, v * b) for v, a, b in zip(r, lo, hi, strict=True) if v)
        return bound * L + box >= 0

    def inside_on_side(self, key, sign: int) -> Point | None:
        """A rational point strictly inside D with sign * (n . x + n0) > 0, certified
        exactly (the interior point, a pool point pulled toward it, or HiGHS's maximiser
        pulled toward it); None when none is certified (the caller solves it exactly)."""
        candidates = [self.centre]
        n_f, n0 = _float_key(key)
        if self.pool:
            values = sign * (np.array(self.pool_f) @ n_f + n0)
            candidates.append(self._pulled(*self.pool[int(np.argmax(values))]))
        solved = None if self.A_f is None else _linprog(-sign * n_f, self.A_f, self.b_f)
        if solved is not None:
            candidates.append(self._pulled(*_dyadic(solved[0])))
        for X, q in candidates:
            if sign * self._sign(key, X, q) > 0 and self.rows.contains(X, q, strict=True):
                return tuple(Fraction(x, q) for x in X)
        return None

    def _exact(self, key) -> int:
        normal = [Fraction(v) for v in key[:-1]]
        return self.polytope.side(normal, Fraction(key[-1]))
