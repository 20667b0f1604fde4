"""Exact restriction of a deep ReLU network to a line (proofs/deep.md section 5).

On the line x(t) = x0 + t v every pre-activation is a continuous piecewise-linear function of
t. Layer by layer, the activations are kept as exact values on a common sorted set of
breakpoints plus the slopes beyond its two ends; a ReLU adds the zero crossings inside each
piece. Two networks agree on the whole line exactly when they agree at the union of their
breakpoints and at one point beyond each end, which decides equivalence completely when d = 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flint import fmpq

from ..errors import InvalidNetworkError, SearchLimitExceeded, check_limit
from ..rationals import as_vector
from .network import DeepNetwork

__all__ = ["line_breakpoints", "line_test_points"]

ZERO = fmpq(0)


def _interpolate(T, rows, left, right, t):
    """Values of every row at a point t (inside or outside the breakpoints)."""
    if t <= T[0]:
        return [r[0] + s * (t - T[0]) for r, s in zip(rows, left, strict=True)]
    if t >= T[-1]:
        return [r[-1] + s * (t - T[-1]) for r, s in zip(rows, right, strict=True)]
    lo, hi = 0, len(T) - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if T[mid] <= t:
            lo = mid
        else:
            hi = mid
    u = (t - T[lo]) / (T[hi] - T[lo])
    return [r[lo] + (r[hi] - r[lo]) * u for r in rows]


def line_breakpoints(net: DeepNetwork, x0: Any, v: Any, *, limit: int = 100_000) -> list[fmpq]:
    """The sorted parameters t where t -> net(x0 + t v) may bend (a superset of its kinks).

    Parameters
    ----------
    net
        A :class:`DeepNetwork`.
    x0, v
        Exact vectors of length d (any numbers :mod:`shallowsym.rationals` accepts).
    limit
        Keyword-only bound on the number of breakpoints.

    Returns
    -------
    list of flint.fmpq
        Sorted breakpoints; between two consecutive ones, and beyond both ends, the
        restriction is affine (proofs/deep.md, Lemma 3).

    Raises
    ------
    TypeError
        If ``net`` is not a ``DeepNetwork``.
    ValueError
        If ``limit`` is not a positive integer.
    InvalidNetworkError
        If x0 or v is not an exact vector of length d (NaN, infinity, a string, the wrong
        length).
    SearchLimitExceeded
        When more than ``limit`` breakpoints arise.

    Examples
    --------
    >>> net = DeepNetwork([[[1], [-1]], [[1, 1]], [[1]]], [[0, 0], [-2], [0]])
    >>> [str(t) for t in line_breakpoints(net, [0], [1])]
    ['-2', '0', '2']
    >>> line_breakpoints(net, [0], [1], limit=2)
    Traceback (most recent call last):
        ...
    shallowsym.errors.SearchLimitExceeded: the restriction to a line has more than 2 breakpoints

    References
    ----------
    * proofs/deep.md section 5 (Lemma 3: the exact restriction to a line; Lemma 4: agreement
      at the breakpoints and beyond both ends) and section 6 (d = 1 decided completely).
    * docs/theory.md section 11 (three-valued equivalence; d = 1 by exact restriction to the
      line).
    * D. Rolnick, K. Kording, "Reverse-engineering deep ReLU networks", ICML 2020 (the
      breakpoints of a deep ReLU network along a line).
    """
    if not isinstance(net, DeepNetwork):
        raise TypeError(f"net must be a DeepNetwork, not {type(net).__name__}")
    check_limit(limit)
    x0, v = as_vector(x0, "x0"), as_vector(v, "v")
    for name, vec in (("x0", x0), ("v", v)):
        if len(vec) != net.d:
            raise InvalidNetworkError(f"{name} has {len(vec)} coordinates but d is {net.d}")
    W0, b0 = net.layers[0]
    T = [ZERO]
    rows, left = _affine(W0, b0, [[x] for x in x0], list(v), 1)
    right = list(left)
    for index in range(1, len(net.layers)):
        new_points = set()
        for r, sl, sr in zip(rows, left, right, strict=True):
            for j in range(len(T) - 1):
                if (r[j] < 0 < r[j + 1]) or (r[j] > 0 > r[j + 1]):
                    new_points.add(T[j] + (T[j + 1] - T[j]) * (r[j] / (r[j] - r[j + 1])))
            if sl != 0 and r[0] * sl > 0:  # crosses zero left of T[0]
                new_points.add(T[0] - r[0] / sl)
            if sr != 0 and r[-1] * sr < 0:  # crosses zero right of T[-1]
                new_points.add(T[-1] - r[-1] / sr)
        new_points -= set(T)
        if len(T) + len(new_points) > limit:
            raise SearchLimitExceeded(
                f"the restriction to a line has more than {limit} breakpoints", limit=limit
            )
        if new_points:
            refined = sorted(set(T) | new_points)
            columns = [_interpolate(T, rows, left, right, t) for t in refined]
            rows = [[c[i] for c in columns] for i in range(len(rows))]
            T = refined
        acts = [[z if z > 0 else ZERO for z in r] for r in rows]
        pairs = zip(rows, left, right, strict=True)
        ends = [
            (r[0] > 0 or (r[0] == 0 and sl < 0), r[-1] > 0 or (r[-1] == 0 and sr > 0))
            for r, sl, sr in pairs
        ]
        left = [s if on[0] else ZERO for s, on in zip(left, ends, strict=True)]
        right = [s if on[1] else ZERO for s, on in zip(right, ends, strict=True)]
        W, b = net.layers[index]
        rows, left = _affine(W, b, acts, left, len(T))
        _, right = _affine(W, b, acts, right, 0)
    return T


def _affine(W, b, values, slopes, n):
    """W values + b on every breakpoint, and W slopes (the bias does not enter slopes)."""
    cols = W.ncols()
    entries = W.entries()
    rows, out = [], []
    for i in range(W.nrows()):
        w = entries[i * cols : (i + 1) * cols]
        nz = [j for j in range(cols) if w[j]]
        if n:
            rows.append([sum((w[j] * values[j][p] for j in nz), b[i, 0]) for p in range(n)])
        out.append(sum((w[j] * slopes[j] for j in nz), ZERO))
    return rows, out


def line_test_points(breakpoints: Sequence[fmpq]) -> list[fmpq]:
    """The breakpoints with one point beyond each end: two continuous piecewise-linear
    functions whose kinks lie in ``breakpoints`` agree everywhere iff they agree here.

    Parameters
    ----------
    breakpoints : sequence of flint.fmpq
        Exact parameters t (for example from :func:`line_breakpoints`, possibly of two
        networks joined); duplicates and order do not matter. Not converted: give ``fmpq``
        (or Python ints).

    Returns
    -------
    list of flint.fmpq
        The sorted distinct breakpoints with T[0] - 1 before and T[-1] + 1 after; [0, 1]
        when ``breakpoints`` is empty.

    Raises
    ------
    TypeError
        If ``breakpoints`` is not iterable or holds entries that cannot be compared.

    Examples
    --------
    >>> [str(t) for t in line_test_points([fmpq(0), fmpq(2)])]
    ['-1', '0', '2', '3']
    >>> [str(t) for t in line_test_points([])]
    ['0', '1']

    References
    ----------
    * proofs/deep.md section 5 (Lemma 4: two CPWL functions with kinks in T agree everywhere
      iff they agree on T and at one point beyond each end).
    * docs/theory.md section 11 (d = 1 decided by exact restriction to the line).
    """
    T = sorted(set(breakpoints))
    if not T:
        return [ZERO, fmpq(1)]
    return [T[0] - 1, *T, T[-1] + 1]
