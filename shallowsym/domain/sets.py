"""Bounded input domains: a box or a polytope, exact and immutable (proofs/domains.md).

A domain D stands for the open convex set int(D) of a box [lo, hi] or of a polytope
{x : A x <= b} with non-empty interior. Two networks are equal on D when they agree on int(D)
(by continuity, on its closure too). The questions a domain must answer exactly are the range
of an affine function l over D (closed form on a box; an exact rational simplex on a polytope,
whose answer is re-checked by a primal point in D and non-negative dual multipliers) and a
rational point strictly inside D.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np

from ..errors import InvalidDomainError, InvalidNetworkError
from ..hyperplanes import format_affine
from ..rationals import as_matrix, as_vector, format_rational, to_fraction
from ..text import format_number
from .lp import (
    IntegerRows,
    PolytopeSides,
    certified_interior_point,
    exact_lp_min,
    integer_point,
)

__all__ = [
    "Box",
    "Domain",
    "Polytope",
    "as_domain",
    "domain_from_dict",
    "polygon_vertices",
]

Point = tuple[Fraction, ...]


def _fractions(values, name: str) -> tuple[Fraction, ...]:
    try:
        return tuple(to_fraction(v) for v in as_vector(values, name))
    except InvalidNetworkError as err:
        raise InvalidDomainError(str(err)) from None


def _side(low, high) -> int:
    """+1 when min >= 0, -1 when max <= 0, 0 when min < 0 < max (the range meets 0 inside)."""
    return 1 if low >= 0 else (-1 if high <= 0 else 0)


def _dot(u, x) -> Fraction:
    return sum((a * b for a, b in zip(u, x, strict=True) if a), Fraction(0))


class Domain:
    """Base class of :class:`Box` and :class:`Polytope` (the open set int(D) is meant).

    Every domain has ``d``, ``interior_point()`` (a rational point strictly inside),
    ``contains(x, strict=False)``, ``affine_range(u, c)`` (exact (min, max) of u.x + c over
    the closure, ``None`` for an unbounded side, with points attaining them) and
    ``to_dict()``.
    """

    d: int

    def meets(self, u, c) -> bool:
        """Whether the hyperplane u.x + c = 0 meets int(D), i.e. min < 0 < max over D."""
        (low, _), (high, _) = self.affine_range(u, c)
        return (low is None or low < 0) and (high is None or high > 0)

    def side(self, u, c) -> int:
        """+1 when u.x + c >= 0 on D, -1 when <= 0 on D, 0 when its hyperplane meets int(D)."""
        (low, _), (high, _) = self.affine_range(u, c)
        if low is not None and low >= 0:
            return 1
        if high is not None and high <= 0:
            return -1
        return 0

    def row_sides(self, rows) -> list[int]:
        """The side of D of every integer row (n_1, ..., n_d, n_0) of a 2-d integer numpy
        array (int64 or Python ints): that of its hyperplane n.x + n_0 = 0 (a positive
        multiple of a key has the key's side, so rows need not be primitive); for n = 0 the
        sign of n_0 (+1 for 0). The canonical form on D reads the neurons' sides this way.

        >>> import numpy as np
        >>> Box([0], [2]).row_sides(np.array([[2, -6], [-1, 1], [0, -3], [0, 0]]))
        [-1, 0, -1, 1]
        """
        sides = []  # +-1 for n = 0; for the other rows filled in below
        keys, signs, at = [], [], []
        for i, row in enumerate(rows.tolist()):
            pivot = next((x for x in row[:-1] if x), 0)
            sides.append(1 if row[-1] >= 0 else -1)
            if pivot:
                sign = 1 if pivot > 0 else -1
                divisor = sign * math.gcd(*row)
                keys.append(tuple([x // divisor for x in row]))
                signs.append(sign)
                at.append(i)
        for i, side in zip(at, self.signed_key_sides(keys, signs), strict=True):
            sides[i] = side
        return sides

    def signed_key_sides(self, keys, signs) -> list[int]:
        """sign * :meth:`integer_sides` of each integer key, every distinct key classified
        once (neurons on one hyperplane share it: a linear program each on a polytope).

        >>> Box([0], [2]).signed_key_sides([(1, -3), (1, -1), (1, -3)], [1, -1, -1])
        [-1, 0, 1]
        """
        unique = list(dict.fromkeys(keys))
        side_of = dict(zip(unique, self.integer_sides(unique), strict=True))
        return [sign * side_of[key] for key, sign in zip(keys, signs, strict=True)]

    def _repr_markdown_(self) -> str:
        return f"`{self}`"

    def to_json(self) -> str:
        """The JSON text of :meth:`to_dict`."""
        return json.dumps(self.to_dict())

    @staticmethod
    def from_json(text: str | bytes) -> Box | Polytope:
        """The domain of a :meth:`to_json` text (:func:`domain_from_dict`): a round trip.

        >>> Box.from_json(Box(0, "1/2", d=2).to_json())
        Box(lo=(0, 0), hi=(1/2, 1/2))
        """
        return domain_from_dict(text)


@dataclass(frozen=True)
class Box(Domain):
    """The box lo <= x <= hi (its interior is meant), with exact rational bounds.

    Parameters
    ----------
    lo, hi
        Sequences of d numbers, or scalars together with ``d=``. Each entry is converted
        exactly (``"0.1"`` is 1/10, the float 0.1 its binary double).
    d
        Dimension, needed when both bounds are scalars.

    Raises
    ------
    InvalidDomainError
        If an entry is nan, infinite or not a number, the lengths differ, or lo[j] >= hi[j]
        (a box with empty interior).

    Examples
    --------
    >>> box = Box(0, 1, d=2)
    >>> box
    Box(lo=(0, 0), hi=(1, 1))
    >>> box.affine_range((1, -1), 0)[1][0]
    Fraction(1, 1)
    >>> Box([0, 2], [1, 2])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shallowsym.errors.InvalidDomainError: lo[1] = 2 is not below hi[1] = 2: the box has empty ...
    """

    lo: tuple[Fraction, ...]
    hi: tuple[Fraction, ...]

    def __init__(self, lo: Any, hi: Any, *, d: int | None = None):
        scalar_lo = not isinstance(lo, list | tuple) and getattr(lo, "shape", ()) == ()
        scalar_hi = not isinstance(hi, list | tuple) and getattr(hi, "shape", ()) == ()
        if d is not None and (isinstance(d, bool) or not isinstance(d, int) or d < 1):
            raise InvalidDomainError(f"d must be a positive integer, not {d!r}")
        if scalar_lo and scalar_hi and d is None:
            raise InvalidDomainError("Box with scalar lo and hi needs the dimension d=")
        if not scalar_lo:
            lo_t = _fractions(lo, "lo")
        if not scalar_hi:
            hi_t = _fractions(hi, "hi")
        n = d if d is not None else len(lo_t if not scalar_lo else hi_t)
        if scalar_lo:
            lo_t = _fractions([lo], "lo") * n
        if scalar_hi:
            hi_t = _fractions([hi], "hi") * n
        if len(lo_t) != n or len(hi_t) != n:
            raise InvalidDomainError(
                f"lo has {len(lo_t)} entries and hi has {len(hi_t)}, but the box has dimension {n}"
            )
        if n == 0:
            raise InvalidDomainError("a box needs at least one coordinate")
        for j, (a, b) in enumerate(zip(lo_t, hi_t, strict=True)):
            if a >= b:
                raise InvalidDomainError(
                    f"lo[{j}] = {format_rational(a)} is not below hi[{j}] = {format_rational(b)}: "
                    "the box has empty interior"
                )
        object.__setattr__(self, "lo", lo_t)
        object.__setattr__(self, "hi", hi_t)

    @property
    def d(self) -> int:  # type: ignore[override]
        """The dimension."""
        return len(self.lo)

    @cached_property
    def _scaled(self) -> tuple[int, list[int], list[int]]:
        """(D, D lo, D hi) as integers with a common denominator D."""
        den = math.lcm(*(v.denominator for v in self.lo + self.hi))
        return (
            den,
            [v.numerator * (den // v.denominator) for v in self.lo],
            [v.numerator * (den // v.denominator) for v in self.hi],
        )

    def integer_range(self, key) -> tuple[Fraction, Fraction]:
        """Exact (min, max) over the box of n.x + n0 for an integer key (n_1..n_d, n_0)."""
        den = self._scaled[0]
        low, high = self._scaled_range(key)
        return Fraction(low, den), Fraction(high, den)

    def _scaled_range(self, key) -> tuple[int, int]:
        """(min, max) over the box of n.x + n0 times the common denominator, as integers."""
        den, lo, hi = self._scaled
        normal = key[:-1]
        base = key[-1] * den
        if self._uniform:  # one interval for every coordinate: two sums of integers
            negative = sum(n for n in normal if n < 0)
            positive = sum(normal) - negative
            a, b = lo[0], hi[0]
            return base + a * positive + b * negative, base + b * positive + a * negative
        low = high = base
        for n, a, b in zip(normal, lo, hi, strict=True):
            if n > 0:
                low += n * a
                high += n * b
            elif n < 0:
                low += n * b
                high += n * a
        return low, high

    @cached_property
    def _int64_bounds(self):
        """(den, lo, hi, largest): the scaled bounds as int64 arrays and the largest of
        |lo|, |hi| and den, or None when they do not fit in int64."""
        den, lo, hi = self._scaled
        largest = max(map(abs, (*lo, *hi, den)))
        if largest >= 2**62:
            return None
        return den, np.array(lo, dtype=np.int64), np.array(hi, dtype=np.int64), largest

    @cached_property
    def _uniform(self) -> bool:
        return len(set(self.lo)) == 1 and len(set(self.hi)) == 1

    def __hash__(self) -> int:
        return self._hash

    @cached_property
    def _hash(self) -> int:
        # a box keys the per-network caches of forms on D: hashing 2 d Fractions (a modular
        # inverse each) on every lookup cost more than the lookup
        return hash((self.lo, self.hi))

    def integer_sides(self, keys) -> list[int]:
        """:meth:`side` of every integer key, in integer arithmetic, in one loop (the
        canonical form on the box classifies every bent hyperplane of a network)."""
        return [_side(*self._scaled_range(key)) for key in keys]

    def row_sides(self, rows) -> list[int]:
        """:meth:`Domain.row_sides`, for int64 rows in one pass of int64 numpy sums when no
        sum can overflow (the integer rows of a float network: shallowsym.rationals.
        dyadic_integer_rows), otherwise row by row in Python integers.

        >>> import numpy as np
        >>> Box([0, -1], [1, 1]).row_sides(np.array([[1, 1, 2], [1, 1, -1], [0, 0, -1]]))
        [1, 0, -1]
        """
        bounds = self._int64_bounds
        if rows.dtype == np.int64 and rows.size and bounds is not None:
            den, lo, hi, largest = bounds
            biggest = max(int(rows.max()), -int(rows.min()))  # (np.abs wraps at -2^63)
            if biggest * largest * (rows.shape[1] + 1) < 2**62:
                n = rows[:, :-1]
                positive, negative = np.maximum(n, 0), np.minimum(n, 0)
                base = den * rows[:, -1]
                low = base + positive @ lo + negative @ hi
                high = base + positive @ hi + negative @ lo
                return np.where(low >= 0, 1, np.where(high <= 0, -1, 0)).tolist()
        return [_side(*self._scaled_range(row)) for row in rows.tolist()]

    def affine_range(self, u, c):
        """Exact ((min, argmin), (max, argmax)) of u.x + c over the closed box."""
        u = [Fraction(v) for v in u]
        arg_lo = tuple(a if w >= 0 else b for w, a, b in zip(u, self.lo, self.hi, strict=True))
        arg_hi = tuple(b if w >= 0 else a for w, a, b in zip(u, self.lo, self.hi, strict=True))
        c = Fraction(c)
        return (_dot(u, arg_lo) + c, arg_lo), (_dot(u, arg_hi) + c, arg_hi)

    def interior_point(self) -> Point:
        """The centre of the box."""
        return tuple((a + b) / 2 for a, b in zip(self.lo, self.hi, strict=True))

    def contains(self, x, *, strict: bool = False) -> bool:
        """Whether lo <= x <= hi (strictly, with ``strict=True``)."""
        if strict:
            return all(a < v < b for a, v, b in zip(self.lo, x, self.hi, strict=True))
        return all(a <= v <= b for a, v, b in zip(self.lo, x, self.hi, strict=True))

    def max_step(self, p, direction) -> Fraction | None:
        """The largest t with p + t direction in the closed box (None when unbounded)."""
        best = None
        for a, v, b, w in zip(self.lo, p, self.hi, direction, strict=True):
            if w > 0:
                t = (b - v) / w
            elif w < 0:
                t = (a - v) / w
            else:
                continue
            best = t if best is None or t < best else best
        return best

    @property
    def bounded(self) -> bool:
        """Always True."""
        return True

    def halfspaces(self) -> tuple[tuple[tuple[Fraction, ...], ...], tuple[Fraction, ...]]:
        """(A, b) with the box = {x : A x <= b} (2 d rows: x_j <= hi_j, -x_j <= -lo_j)."""
        rows, rhs = [], []
        for j in range(self.d):
            e = [Fraction(0)] * self.d
            e[j] = Fraction(1)
            rows.append(tuple(e))
            rhs.append(self.hi[j])
            rows.append(tuple(-v for v in e))
            rhs.append(-self.lo[j])
        return tuple(rows), tuple(rhs)

    def __repr__(self) -> str:
        lo = ", ".join(map(format_rational, self.lo))
        hi = ", ".join(map(format_rational, self.hi))
        comma = "," if self.d == 1 else ""
        return f"Box(lo=({lo}{comma}), hi=({hi}{comma}))"

    def __str__(self) -> str:
        if len(set(self.lo)) == 1 and len(set(self.hi)) == 1:
            return f"[{format_rational(self.lo[0])}, {format_rational(self.hi[0])}]^{self.d}"
        if self.d > 4:
            lo, hi = min(self.lo), max(self.hi)
            return (
                f"a box in R^{self.d} inside [{format_rational(lo)}, {format_rational(hi)}]^"
                f"{self.d} (per-coordinate bounds)"
            )
        return " x ".join(
            f"[{format_rational(a)}, {format_rational(b)}]"
            for a, b in zip(self.lo, self.hi, strict=True)
        )

    def to_dict(self) -> dict[str, Any]:
        """``{"type": "box", "lo": [...], "hi": [...]}`` with exact strings."""
        return {
            "type": "box",
            "lo": [format_rational(v) for v in self.lo],
            "hi": [format_rational(v) for v in self.hi],
        }


@dataclass(frozen=True)
class Polytope(Domain):
    """The polytope {x : A x <= b} (its interior is meant), exact and validated.

    Parameters
    ----------
    A
        An (m, d) matrix of exact numbers, no zero row.
    b
        m numbers.

    Raises
    ------
    InvalidDomainError
        If an entry is not a finite number, the shapes disagree, a row of A is zero, or the
        polytope has empty interior (it is empty, or lower-dimensional, such as
        x <= 0 and -x <= 0): decided by an exact linear program.

    Examples
    --------
    >>> tri = Polytope([[-1, 0], [0, -1], [1, 1]], [0, 0, 1])   # x, y >= 0, x + y <= 1
    >>> tri.contains(tri.interior_point(), strict=True)
    True
    >>> tri.meets((1, -1), 0), tri.meets((1, 1), -2)
    (True, False)
    >>> Polytope([[1], [-1]], [0, 0])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shallowsym.errors.InvalidDomainError: the polytope A x <= b has empty interior: it is lower-...
    """

    A: tuple[tuple[Fraction, ...], ...]
    b: tuple[Fraction, ...]

    def __reduce__(self):
        # the working data (flint matrices, the solver's state) is rebuilt, not pickled
        return (Polytope, (self.A, self.b))

    def __init__(self, A: Any, b: Any):
        try:
            entries, m, d = as_matrix(A, "A")
        except InvalidNetworkError as err:
            raise InvalidDomainError(str(err)) from None
        rhs = _fractions(b, "b")
        if m == 0 or d == 0:
            raise InvalidDomainError(
                f"A must have at least one row and one column; it is {m} x {d}"
            )
        if len(rhs) != m:
            raise InvalidDomainError(f"A has {m} rows but b has {len(rhs)} entries")
        rows = tuple(tuple(to_fraction(v) for v in entries[i * d : (i + 1) * d]) for i in range(m))
        for i, row in enumerate(rows):
            if not any(row):
                raise InvalidDomainError(f"A[{i}] is zero: a row must define a half-space")
        object.__setattr__(self, "A", rows)
        object.__setattr__(self, "b", rhs)
        # the rows in integers and floats, once: the interior point and the sides share them
        object.__setattr__(self, "_rows", IntegerRows(rows, rhs))
        centre = certified_interior_point(self._rows)  # HiGHS proposes, A x < b checked
        if centre is not None:
            object.__setattr__(self, "_centre", centre)
            return
        # max t s.t. A x + t <= b, t <= 1; as a minimum of -t over (x, t).
        value, point, _ = exact_lp_min(
            (0,) * d + (-1,),
            [(*row, Fraction(1)) for row in rows] + [(Fraction(0),) * d + (Fraction(1),)],
            [*list(rhs), Fraction(1)],
        )
        t = -value
        if t <= 0:
            what = "empty" if t < 0 else "lower-dimensional"
            raise InvalidDomainError(
                f"the polytope A x <= b has empty interior: it is {what} "
                f"(max over x of min_i (b_i - A_i x) is {format_rational(t)})"
            )
        object.__setattr__(self, "_centre", point[:d])

    @property
    def d(self) -> int:  # type: ignore[override]
        """The dimension."""
        return len(self.A[0])

    def __hash__(self) -> int:
        return self._hash

    @cached_property
    def _hash(self) -> int:
        return hash((self.A, self.b))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Polytope) and (self.A, self.b) == (other.A, other.b)

    def interior_point(self) -> Point:
        """A rational point with A x < b (from the linear program of the validation: HiGHS's
        point checked exactly, or the exact simplex's)."""
        return self._centre  # type: ignore[attr-defined]

    def integer_sides(self, keys) -> list[int]:
        """:meth:`side` of every integer key (n, n0), exactly; HiGHS proposes points and
        multipliers where scipy is installed, exact arithmetic checks them, and the exact
        simplex answers the rest (:class:`shallowsym.domain.lp.PolytopeSides`, kept by the
        polytope, so points found for one call certify hyperplanes of the next)."""
        return [self._sides.side(key) for key in keys]

    def inside_on_side(self, key, sign: int) -> Point | None:
        """A rational point strictly inside the polytope where sign * (n . x + n0) > 0 for the
        integer key (n, n0), certified exactly from HiGHS's proposals; None when none is
        certified (:meth:`shallowsym.domain.lp.PolytopeSides.inside_on_side`)."""
        return self._sides.inside_on_side(key, sign)

    @cached_property
    def _sides(self) -> PolytopeSides:
        return PolytopeSides(self, self._rows)

    def contains(self, x, *, strict: bool = False) -> bool:
        """Whether A x <= b (A x < b with ``strict=True``), exactly (one integer flint
        product)."""
        return self._rows.contains(*integer_point(x), strict=strict)

    def outer_box(self) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]] | None:
        """(lo, hi) of a box containing the polytope, read from the rows that bound a single
        coordinate and completed by bound propagation through the other rows
        (:func:`~shallowsym.domain.lp.propagate_bounds`; no linear program), or None when
        some coordinate stays unbounded that way.

        >>> Polytope([[-1, 0], [0, -1], [1, 1]], [0, 0, 1]).outer_box()
        ((Fraction(0, 1), Fraction(0, 1)), (Fraction(1, 1), Fraction(1, 1)))
        """
        outer = self._sides.outer
        if outer is None:
            return None
        L, lo, hi = outer
        return tuple(Fraction(v, L) for v in lo), tuple(Fraction(v, L) for v in hi)

    def affine_range(self, u, c):
        """Exact ((min, argmin), (max, argmax)) of u.x + c over the polytope; None if unbounded.

        Each side is an exact linear program over D with an extra bound on u.x + c, doubled
        while the optimum lies on it unless a recession direction of D (a second exact program)
        shows the side unbounded: then the value is None, with a point on the bound.
        """
        u = tuple(Fraction(v) for v in u)
        c = Fraction(c)
        out = []
        centre = self.interior_point()
        for sign in (1, -1):
            su = tuple(sign * v for v in u)
            if not any(su):
                out.append((sign * (_dot(u, centre) + c), centre))
                continue
            # min sign*(u.x + c) over D with sign*(u.x + c) >= -cap; a bounded side is found
            # by doubling cap, an unbounded one is told by a recession direction.
            cap = abs(_dot(u, centre) + c) + 1 + sum(map(abs, self.b))
            while True:
                value, x, _ = exact_lp_min(
                    su, [*list(self.A), tuple(-v for v in su)], [*list(self.b), cap + sign * c]
                )
                value += sign * c
                if value > -cap:
                    out.append((sign * value, x))
                    break
                ray, _, _ = exact_lp_min(
                    su, [*list(self.A), tuple(-v for v in su)], [Fraction(0)] * len(self.b) + [1]
                )
                if ray < 0:
                    out.append((None, x))
                    break
                cap *= 2
        return out[0], out[1]

    def max_step(self, p, direction) -> Fraction | None:
        """The largest t with p + t direction in the polytope (None when unbounded)."""
        best = None
        for row, rhs in zip(self.A, self.b, strict=True):
            w = _dot(row, direction)
            if w > 0:
                t = (rhs - _dot(row, p)) / w
                best = t if best is None or t < best else best
        return best

    @cached_property
    def bounded(self) -> bool:
        """Whether the polytope is bounded: at once when every coordinate is bounded by a row
        or propagated from the others (:meth:`outer_box`), else by 2 d exact linear
        programs."""
        if self.outer_box() is not None:
            return True
        for j in range(self.d):
            e = [0] * self.d
            e[j] = 1
            (low, _), (high, _) = self.affine_range(e, 0)
            if low is None or high is None:
                return False
        return True

    def halfspaces(self):
        """(A, b)."""
        return self.A, self.b

    def __repr__(self) -> str:
        rows = ", ".join("[" + ", ".join(map(format_rational, r)) + "]" for r in self.A)
        return f"Polytope(A=[{rows}], b=[{', '.join(map(format_rational, self.b))}])"

    def __str__(self) -> str:
        m = len(self.A)
        # a readable line at any size: the first inequalities, each with its first terms
        parts = [
            f"{format_affine(row, Fraction(0), max_terms=4, exact=False)} <= {format_number(rhs)}"
            for row, rhs in zip(self.A[:4], self.b[:4], strict=True)
        ]
        more = "" if m <= 4 else f", ... ({m - 4} more inequalities)"
        body = "{x : " + ", ".join(parts) + more + "}"
        return body if m <= 4 and self.d <= 4 else f"{body} in R^{self.d}"

    def to_dict(self) -> dict[str, Any]:
        """``{"type": "polytope", "A": [[...]], "b": [...]}`` with exact strings."""
        return {
            "type": "polytope",
            "A": [[format_rational(v) for v in row] for row in self.A],
            "b": [format_rational(v) for v in self.b],
        }


def polygon_vertices(domain: Box | Polytope) -> list[Point]:
    """The vertices of a bounded d = 2 domain, exact, in counter-clockwise order.

    Every pair of facet lines {A_i x = b_i} is intersected exactly and the intersection points
    inside D are kept (the vertices of the cells that Theorem D5 of proofs/domains.md
    enumerates for d = 2 include these).

    Parameters
    ----------
    domain
        A :class:`Box` or :class:`Polytope` with d = 2, bounded.

    Returns
    -------
    list of tuple of Fraction
        The distinct vertices (x, y), starting with the lexicographically smallest and then
        counter-clockwise around their centroid.

    Raises
    ------
    TypeError
        If ``domain`` is not a Box or a Polytope.
    InvalidDomainError
        If d is not 2 or the polytope is unbounded.

    Examples
    --------
    >>> tri = Polytope([[-1, 0], [0, -1], [1, 1]], [0, 0, 1])
    >>> [tuple(map(str, p)) for p in polygon_vertices(tri)]
    [('0', '0'), ('1', '0'), ('0', '1')]
    >>> len(polygon_vertices(Box(0, 1, d=2)))
    4

    References
    ----------
    docs/theory.md, section 9 (bounded input domains); proofs/domains.md, Theorem D5.
    """
    check_domain(domain, "polygon_vertices")
    if domain.d != 2 or not domain.bounded:
        raise InvalidDomainError("polygon_vertices needs a bounded domain with d = 2")
    A, b = domain.halfspaces()
    points = set()
    for i in range(len(A)):
        for j in range(i + 1, len(A)):
            (p, q), (r, s) = A[i], A[j]
            det = p * s - q * r
            if det:
                x = (b[i] * s - b[j] * q) / det
                y = (p * b[j] - r * b[i]) / det
                if domain.contains((x, y)):
                    points.add((x, y))
    cx = sum(x for x, _ in points) / len(points)
    cy = sum(y for _, y in points) / len(points)

    def angle(p: Point) -> tuple[int, Fraction]:
        x, y = p[0] - cx, p[1] - cy
        half = 0 if (y > 0 or (y == 0 and x > 0)) else 1
        return (half, -x / (abs(x) + abs(y)) if half == 0 else x / (abs(x) + abs(y)))

    ordered = sorted(points, key=angle)
    start = min(range(len(ordered)), key=lambda n: ordered[n])
    return ordered[start:] + ordered[:start]


def domain_from_dict(data: Any, *, d: int | None = None) -> Box | Polytope:
    """A domain from :meth:`Box.to_dict` / :meth:`Polytope.to_dict` output (or a JSON string).

    Parameters
    ----------
    data
        A dict ``{"type": "box", "lo": [...], "hi": [...]}`` (optionally ``"d"`` for scalar
        bounds) or ``{"type": "polytope", "A": [[...]], "b": [...]}``, with exact numbers or
        their strings (``"1/2"``); or the JSON text (str or bytes) of such a dict.
    d
        The dimension for a box with scalar bounds and no ``"d"`` field (the CLI passes the
        network's).

    Returns
    -------
    Box or Polytope
        The validated domain, equal to the one that wrote ``data``.

    Raises
    ------
    InvalidDomainError
        If the JSON text is not valid, ``data`` is not an object, its ``type`` is neither
        ``"box"`` nor ``"polytope"``, a field is missing, or the values do not make a domain
        with non-empty interior (as :class:`Box` and :class:`Polytope` raise).

    Examples
    --------
    >>> domain_from_dict(Box(0, "1/2", d=2).to_dict())
    Box(lo=(0, 0), hi=(1/2, 1/2))
    >>> domain_from_dict('{"type": "polytope", "A": [[1], [-1]], "b": [1, 0]}')
    Polytope(A=[[1], [-1]], b=[1, 0])
    >>> domain_from_dict({"type": "box"})
    Traceback (most recent call last):
    ...
    shallowsym.errors.InvalidDomainError: a box domain needs the field 'lo'

    References
    ----------
    docs/theory.md, section 9 (bounded input domains); proofs/domains.md (notation: D is a box
    [lo, hi] or a polytope {A x <= b} with non-empty interior).
    """
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as err:
            raise InvalidDomainError(f"domain JSON is not valid: {err}") from None
    if not isinstance(data, dict):
        raise InvalidDomainError(f"a domain must be a JSON object, not {type(data).__name__}")
    kind = data.get("type")
    try:
        if kind == "box":
            return Box(data["lo"], data["hi"], d=data.get("d", d))
        if kind == "polytope":
            return Polytope(data["A"], data["b"])
    except KeyError as err:
        raise InvalidDomainError(f"a {kind} domain needs the field {err}") from None
    raise InvalidDomainError(f"domain type must be 'box' or 'polytope', not {kind!r}")


def as_domain(domain: Any, d: int, name: str = "domain") -> Box | Polytope:
    """Check that ``domain`` is a Box or Polytope of dimension d (a dict is parsed).

    Parameters
    ----------
    domain
        A :class:`Box`, a :class:`Polytope`, or a dict in the form of their ``to_dict()``
        (parsed by :func:`domain_from_dict`).
    d
        The input dimension the domain must have (the network's d).
    name
        The argument's name, used in the error messages.

    Returns
    -------
    Box or Polytope
        ``domain`` itself, or the domain the dict describes.

    Raises
    ------
    TypeError
        If it is not a domain (or a dict describing one).
    InvalidDomainError
        If its dimension is not d, or a dict does not describe a valid domain.

    Examples
    --------
    >>> as_domain({"type": "box", "lo": [0], "hi": [1]}, 1)
    Box(lo=(0,), hi=(1,))
    >>> as_domain([0, 1], 1)
    Traceback (most recent call last):
    ...
    TypeError: domain must be a Box or a Polytope, not list
    >>> as_domain(Box(0, 1, d=2), 1)
    Traceback (most recent call last):
    ...
    shallowsym.errors.InvalidDomainError: domain has dimension 2 but the network has d = 1

    References
    ----------
    docs/theory.md, section 9 (bounded input domains); proofs/domains.md (notation).
    """
    if isinstance(domain, dict):
        domain = domain_from_dict(domain)
    if not isinstance(domain, Box | Polytope):
        raise TypeError(f"{name} must be a Box or a Polytope, not {type(domain).__name__}")
    if domain.d != d:
        raise InvalidDomainError(f"{name} has dimension {domain.d} but the network has d = {d}")
    return domain


def check_domain(value: Any, function: str, argument: str = "domain") -> None:
    """Raise TypeError naming ``function``, ``argument`` and the type unless ``value`` is a
    Box or a Polytope (the domain counterpart of ``shallowsym.network.check_network``).

    >>> check_domain([0, 1], "polygon_vertices")
    Traceback (most recent call last):
        ...
    TypeError: polygon_vertices expects a Box or a Polytope for domain, not list
    """
    if not isinstance(value, Box | Polytope):
        raise TypeError(
            f"{function} expects a Box or a Polytope for {argument}, not {type(value).__name__}"
        )
