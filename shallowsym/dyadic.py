"""Exact products of float matrices in integer numpy (an internal API of the exact path).

A finite binary float is a dyadic rational m 2^e (m an odd integer, |m| < 2^53), so a product
of two float matrices has exact dyadic entries. :func:`dyadic_product` computes them without
floats and without one flint operation per entry: every column of B (row of A) is put on a
common power of two, the resulting integers are cut into signed limbs of ``bits`` bits, and
the limbs are multiplied as int64 matrices (``bits`` is chosen so that no sum can overflow);
the few results are recombined as Python ints. Used by :mod:`shallowsym.canonical` for
M = W2 W1 and delta of networks built from float arrays.
"""

from __future__ import annotations

import numpy as np
from flint import fmpq

__all__ = ["dyadic_product", "float_array", "mantissas", "signed_limbs"]

_MAX_LIMB_PAIRS = 64  # wider exponent ranges fall back to flint (returns None)


def float_array(value) -> np.ndarray | None:
    """``value`` as a float64 array holding exactly its values, when it is a numpy or torch float
    array (float16/32/64, bfloat16) with finite entries; otherwise None."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu()
        if not value.is_floating_point():
            return None
        value = value.double().numpy()
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f" or value.itemsize > 8:
        return None
    value = value.astype(np.float64)
    return value if np.isfinite(value).all() else None


def mantissas(X: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """X = S 2^shift 2^emin exactly, S odd int64 (0 for zeros), emin common along ``axis``.

    Returns (S, shift, emin, width): shift >= 0 and every |S| 2^shift < 2^width.
    """
    mantissa, exponent = np.frexp(X)
    S = (mantissa * 2.0**53).astype(np.int64)  # exact: X = S 2^(exponent - 53)
    E = exponent.astype(np.int64) - 53
    nonzero = S != 0
    low = np.where(nonzero, S & -S, 1)  # lowest set bit, an exact power of two
    zeros = np.frexp(low.astype(np.float64))[1].astype(np.int64) - 1
    S >>= zeros
    E += zeros
    top = np.iinfo(np.int64).max
    emin = np.where(nonzero, E, top).min(axis=axis, keepdims=True)
    emin = np.where(emin == top, 0, emin)
    shift = np.where(nonzero, E - emin, 0)
    length = np.frexp(np.abs(S).astype(np.float64))[1].astype(np.int64)  # bit length of |S|
    width = int((length + shift).max(initial=0))
    return S, shift, emin, width


def signed_limbs(S: np.ndarray, shift: np.ndarray, bits: int, count: int) -> list[np.ndarray]:
    """Signed limbs L_t (|L_t| < 2^bits) with S 2^shift = sum_t L_t 2^(bits t)."""
    U = np.abs(S).astype(np.uint64)
    sign = np.sign(S)
    mask = np.uint64((1 << bits) - 1)
    out = []
    for t in range(count):
        r = bits * t - shift  # the limb holds bits r, r+1, ... of |S|
        right = U >> np.clip(r, 0, 63).astype(np.uint64)
        left = U << np.clip(-r, 0, 63).astype(np.uint64)  # wraps modulo 2^64; masked below
        limb = np.where(r >= 0, right, left) & mask
        out.append(limb.astype(np.int64) * sign)
    return out


def dyadic_product(A: np.ndarray, B: np.ndarray) -> list[list[fmpq]] | None:
    """The exact product A B of float64 matrices (m, n) and (n, p), as rows of flint rationals.

    Returns None when the exponents of a row of A or a column of B span so many bits that the
    limb products would cost more than flint's rational product (the caller then uses flint).

    Examples
    --------
    >>> import numpy as np
    >>> dyadic_product(np.array([[0.5, 3.0]]), np.array([[0.25], [2.0**-60]]))
    [[144115188075855875/1152921504606846976]]
    >>> from fractions import Fraction
    >>> Fraction(1, 8) + 3 * Fraction(1, 2**60) == Fraction(144115188075855875, 2**60)
    True
    """
    m, n = A.shape
    p = B.shape[1]
    if m == 0 or p == 0:
        return [[] for _ in range(m)] if p == 0 else []
    if n == 0:
        return [[fmpq(0)] * p for _ in range(m)]
    bits = (63 - n.bit_length()) // 2  # n (2^bits - 1)^2 < 2^63: no int64 sum overflows
    SA, shiftA, eA, widthA = mantissas(A, axis=1)
    SB, shiftB, eB, widthB = mantissas(B, axis=0)
    nu = max(1, -(-widthA // bits))
    nt = max(1, -(-widthB // bits))
    if nu * nt > _MAX_LIMB_PAIRS:
        return None
    left = np.concatenate(signed_limbs(SA, shiftA, bits, nu), axis=0)  # (nu m, n)
    right = np.concatenate(signed_limbs(SB, shiftB, bits, nt), axis=1)  # (n, nt p)
    R = np.einsum("ij,jk->ik", left, right).astype(object).reshape(nu, m, nt, p)
    weights = np.array(
        [[1 << (bits * (u + t)) for t in range(nt)] for u in range(nu)], dtype=object
    )
    N = (R * weights[:, None, :, None]).sum(axis=(0, 2))  # (m, p) Python ints
    exponents = (eA + eB).tolist()  # (m, p): A B = N 2^exponent
    return [
        [
            fmpq(int(v) << e) if e >= 0 else fmpq(int(v), 1 << -e)
            for v, e in zip(row, erow, strict=True)
        ]
        for row, erow in zip(N.tolist(), exponents, strict=True)
    ]
