"""The local dimension of the variety of factorizations {(V, W) : V W^T = M}.

The mixed cancelling groups of a network solve F2 modulo the bent normals as
sum_c v_c w_c^T = M, that is V W^T = M with V = [v_c] (k x C) and W = [w_c] (e x C)
(proofs/fibre_dimension.md). Where this variety is singular its tangent count overstates its
dimension, so the stratum's dimension needs the local dimension at the point, which depends
only on the sizes and three ranks.

Near a point with rank M = r, a change of bases puts M = diag(I_r, 0); the first r rows of V
and W then move on the manifold {V_1 W_1^T = I_r} (dimension 2 r C - r^2) and the rest form a
*variety of complexes* {A B^T = 0} with A of size (k-r) x (C-r) and B of size (e-r) x (C-r)
in a non-degenerate pairing. That variety is the union of the rank strata
{rank A = x, rank B = y, row A orthogonal to row B}, of dimension
x (C'-x) + k' x + y (C'-x-y) + e' y (C' = C-r, k' = k-r, e' = e-r), and a point with ranks
(x0, y0) lies in the closure of the stratum (x, y) exactly when x >= x0, y >= y0 (grow the
row spaces inside the orthogonal complement of both). The local dimension is the largest
dimension of such a stratum.
"""

from __future__ import annotations

__all__ = ["factorization_dimension", "factorization_tangent_dimension"]


def _check(k: int, e: int, c: int, r: int, a: int, b: int) -> None:
    for name, value in (("k", k), ("e", e), ("c", c), ("r", r), ("a", a), ("b", b)):
        if not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a non-negative int, got {value!r}")
    if a > min(k, c) or b > min(e, c):
        raise ValueError(f"rank V = {a} or rank W = {b} exceeds the sizes k={k}, e={e}, c={c}")
    if r > min(a, b) or (a - r) + (b - r) > c - r:
        raise ValueError(f"no V W^T of rank {r} has rank V = {a}, rank W = {b} with c = {c}")


def factorization_dimension(k: int, e: int, c: int, *, r: int, a: int, b: int) -> int:
    """Local dimension of {(V, W) : V W^T = M} at a point (V0, W0) of it.

    Parameters
    ----------
    k, e, c
        V is k x c and W is e x c.
    r, a, b
        The ranks of M = V0 W0^T, V0 and W0.

    Returns
    -------
    int
        The largest dimension of a component of the variety through (V0, W0).

    Raises
    ------
    ValueError
        When the sizes and ranks are not those of a point of the variety.

    Examples
    --------
    The cross {v w = 0} in R^2 has dimension 1 at the origin, where its tangent count is 2;
    {v w = 1} is a smooth curve.

    >>> factorization_dimension(1, 1, 1, r=0, a=0, b=0)
    1
    >>> factorization_tangent_dimension(1, 1, 1, r=0, a=0, b=0)
    2
    >>> factorization_dimension(1, 1, 1, r=1, a=1, b=1)
    1

    References
    ----------
    C. De Concini and E. Strickland, "On the variety of complexes", Advances in Mathematics
    41 (1981): the rank strata of {A B = 0} and their closures.
    """
    _check(k, e, c, r, a, b)
    kk, ee, cc = k - r, e - r, c - r
    best = max(
        x * (cc - x) + kk * x + y * (cc - x - y) + ee * y
        for x in range(a - r, min(kk, cc) + 1)
        for y in range(b - r, min(ee, cc - x) + 1)
    )
    return 2 * r * c - r * r + best


def factorization_tangent_dimension(k: int, e: int, c: int, *, r: int, a: int, b: int) -> int:
    """Dimension of the tangent space {V0 dW^T + dV W0^T = 0} at (V0, W0): the variables
    minus the rank k b + e a - a b of the differential (the sum of R^k (x) col W0 and
    col V0 (x) R^e, which meet in col V0 (x) col W0).

    >>> factorization_tangent_dimension(2, 2, 2, r=1, a=1, b=1)
    5
    >>> factorization_dimension(2, 2, 2, r=1, a=1, b=1)
    4
    """
    _check(k, e, c, r, a, b)
    return c * (k + e) - (k * b + e * a - a * b)
